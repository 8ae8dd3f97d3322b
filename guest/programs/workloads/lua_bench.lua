-- Interpreter-style workload for the Lua guest: calls, table traffic,
-- strings, closures and pcall in proportions typical of Lua programs.
-- N scales the work (lua -e N=20 -); the output depends only on N.
N = N or 18
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local t = {}
for i = 1, N * 400 do t[i] = (i * 2654435761) % 1000003 end
table.sort(t)
local sum = 0
for i = 1, #t, 7 do sum = sum + t[i] end

local parts = {}
for i = 1, N * 60 do parts[#parts + 1] = string.format("%d:%x", i, i * i) end
local s = table.concat(parts, ",")
local count = select(2, s:gsub("%d+:", ""))

local acc = 0
local function make(k) return function(x) return x * k + 1 end end
for i = 1, N * 300 do acc = (acc + make(i % 13)(i)) % 1000000007 end

local caught = 0
for i = 1, N * 40 do
  local ok = pcall(function() if i % 3 == 0 then error("x") end return i end)
  if not ok then caught = caught + 1 end
end

local f = 0.0
for i = 1, N * 500 do f = f + math.sqrt(i) / (i + 0.5) end

print("fib", fib(N), "sum", sum, "gsub", count, "acc", acc, "caught", caught,
  "float", string.format("%.9f", f))
