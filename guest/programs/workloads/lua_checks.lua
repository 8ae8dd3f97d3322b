-- Behaviour checks for the Lua guest: every line is compared with the same
-- script on the native build (gcc) of the same sources. Covers errors and
-- pcall (the wasm build's setjmp replacement), floating point, 64-bit
-- integers, strings, tables, coroutines and the C-boundary cases.
local out = {}
local function say(...)
  local parts = table.pack(...)
  for i = 1, parts.n do parts[i] = tostring(parts[i]) end
  io.write(table.concat(parts, " ", 1, parts.n), "\n")
end

-- pcall / error: values, levels, nesting, rethrow, xpcall handlers
say("pcall", pcall(error, "plain"))
say("pcall-level", pcall(function() error("lvl", 1) end))
say("pcall-level2", pcall(function() local function f() error("two", 2) end f() end))
local ok, t = pcall(error, {code = 42})
say("pcall-table", tostring(ok), type(t), t.code)
say("pcall-nil", pcall(error))
say("pcall-ok", pcall(function(a, b) return a + b, a * b end, 6, 7))
say("nested", pcall(function()
  local ok1, e1 = pcall(error, "inner")
  error("outer after " .. tostring(ok1) .. " " .. e1, 0)
end))
say("xpcall", xpcall(function() error("boom") end, function(m) return "handled: " .. m end))
say("rethrow", pcall(function()
  local ok2, e2 = pcall(error, "first", 0)
  error(e2 .. "+again", 0)
end))
local depth = 0
local function dive(n)
  depth = depth + 1
  if n == 0 then error("bottom", 0) end
  local ok3, e3 = pcall(dive, n - 1)
  error(e3 .. "<" .. n, 0)
end
local ok4, e4 = pcall(dive, 8)
say("dive", tostring(ok4), e4, depth)
say("arith-error", pcall(function() return {} + 1 end))
say("index-error", pcall(function() local x; return x.y end))
say("call-error", pcall(function() local x = 5; x() end))
say("concat-error", pcall(function() return "a" .. {} end))
say("gsub-error", pcall(string.gsub, "abc", "%w", function(c) error("in callback " .. c, 0) end))
say("meta-error", pcall(function()
  local mt = setmetatable({}, {__index = function(_, k) error("no field " .. k, 0) end})
  return mt.missing
end))
say("sort-error", pcall(table.sort, {3, 1, 2}, function(a, b) error("cmp", 0) end))
say("tostring-error", pcall(tostring, setmetatable({}, {__tostring = function() error("ts", 0) end})))
local function deep(n) if n == 0 then error("deep end", 0) end return 1 + deep(n - 1) end
say("deep-error", pcall(deep, 150))
say("after-errors", pcall(function() return "still fine" end))
say("load-error", load("return +"))
say("string-to-number", pcall(function() return ("x"):rep(3) + 1 end))
say("close", pcall(function()
  local log = {}
  do
    local a <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = "closed:" .. tostring(e) end})
    error("with close", 0)
  end
end))

-- coroutines, errors inside them
local co = coroutine.wrap(function(a)
  local b = coroutine.yield(a * 2)
  local c = coroutine.yield(a + b)
  return a * b * c
end)
say("coroutine", co(3), co(4), co(5))
local co2 = coroutine.create(function() coroutine.yield(1); error("co failed", 0) end)
say("co-error", coroutine.resume(co2))
say("co-error2", coroutine.resume(co2))
say("co-status", coroutine.status(co2))
say("co-close", coroutine.close(coroutine.create(function() end)))

-- floating point
say("float", 0.1 + 0.2, 1 / 3, -0.0, 1e300 * 1e10, -(1e300 * 1e10), math.pi)
say("format", string.format("%.17g %g %e %a %5.2f %x", 0.1, 1e-5, 123456.789, 1.0, 3.14159, 255))
say("math", math.sqrt(2), math.sin(1), math.cos(1), math.exp(1), math.log(10), math.log(8, 2))
say("floor", math.floor(-3.5), math.ceil(-3.5), math.fmod(-7, 3), -7 % 3, 7 // -2, 7.5 // 2)
say("tointeger", math.tointeger(3.0), math.tointeger(3.5), 2^53, 2^53 + 1, 3 / 2, 3 // 2)
say("nan", tostring(0/0 ~= 0/0), math.huge, -math.huge, math.type(1), math.type(1.0), math.type("1"))
say("tonumber", tonumber("0x1p4"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("7", 2))
local acc = 0.0
for i = 1, 1000 do acc = acc + math.sin(i) * math.sqrt(i) end
say("sum", string.format("%.12f", acc))

-- 64-bit integers
say("int64", math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)
say("mul", 123456789 * 987654321, 0x7fffffff * 0x7fffffff, -9223372036854775807 - 1)
say("divmod", 9223372036854775807 // 3, 9223372036854775807 % 1000, -9223372036854775807 // 7)
say("bits", 0xff00ff00ff00ff00 >> 8, 1 << 63, 1 << 64, ~0, 0x123456789 & 0xffff0000, 5 ~ 3)
say("compare", 2^63 == math.mininteger, math.ult(1, -1), 1 < 1.5, math.maxinteger + 0.0)
local h = 0
for i = 1, 10000 do h = (h * 31 + i) & 0xffffffffffff end
say("hash", h)

-- strings and patterns
say("gsub", ("hello world from lua"):gsub("(%w+)", "<%1>"))
say("find", ("key=value; other=thing"):find("(%w+)=(%w+)", 10))
say("gmatch", (function() local r = {} for k, v in ("a=1, b=22, c=333"):gmatch("(%w+)=(%w+)") do r[#r+1] = k .. v end return table.concat(r, "|") end)())
say("rep", ("ab"):rep(5, "-"), ("x"):rep(0), #("abc"):rep(1000))
say("bytes", ("ABC"):byte(1, -1), string.char(72, 105))
say("upper", ("MiXeD 123"):upper(), ("MiXeD 123"):lower(), ("  trim  "):match("^%s*(.-)%s*$"))
say("pack", string.unpack("<i4 >I2 z", string.pack("<i4 >I2 z", -2, 513, "zs")))
say("utf8", utf8.char(72, 228, 8364, 128512), utf8.len("häll€"), #utf8.char(128512))
say("format2", string.format("%q", "line\n\"quoted\"\0end"), string.format("%-5s|%5s|", "ab", "cd"))

-- tables
local tt = {}
for i = 1, 200 do tt[i] = (i * 7919) % 1009 end
table.sort(tt)
say("sort", tt[1], tt[100], tt[200], #tt)
table.sort(tt, function(a, b) return a > b end)
say("sort-desc", tt[1], tt[200])
say("concat", table.concat({1, 2, 3}, ", "), select("#", table.unpack({1, nil, 3}, 1, 3)))
local words = {}
for w in ("the quick brown fox jumps over the lazy dog the end"):gmatch("%a+") do words[w] = (words[w] or 0) + 1 end
local keys = {}
for k in pairs(words) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do out[#out + 1] = k .. "=" .. words[k] end
say("words", table.concat(out, " "))
say("move", table.concat(table.move({1, 2, 3, 4, 5}, 2, 4, 1), ","))
local mt = setmetatable({}, {__add = function(a, b) return "added" end, __len = function() return 99 end,
  __call = function(self, x) return x * 2 end, __eq = function() return true end})
say("meta", mt + 1, #mt, mt(21), mt == setmetatable({}, getmetatable(mt)))

-- closures, varargs, goto, integer for loops
local function counter() local n = 0 return function() n = n + 1 return n end end
local c1, c2 = counter(), counter()
c1(); c1()
say("closures", c1(), c2())
say("varargs", select("#", nil, nil), select(-1, 1, 2, 3), (function(...) return select("#", ...) end)(1, nil, nil))
do
  local i = 1
  ::top::
  i = i * 2
  if i < 100 then goto top end
  say("goto", i)
end
local s = 0
for i = 10, 1, -3 do s = s + i end
say("for", s, math.maxinteger - 1 < math.maxinteger)

-- garbage collector and weak tables
local weak = setmetatable({}, {__mode = "k"})
weak[{}] = 1
collectgarbage()
say("weak", next(weak) == nil, collectgarbage("isrunning"))
local big = {}
for i = 1, 2000 do big[i] = {i, tostring(i)} end
big = nil
collectgarbage()
say("gc", type(collectgarbage("count")))

-- io and os within WASI
io.write("io.write ", 1, " ", 2.5, "\n")
say("os", type(os.time()), type(os.clock()), os.getenv("LUA_CHECKS_UNSET") == nil)
say("done")
