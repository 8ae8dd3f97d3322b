"""Fuel switched on and off by a host function while the guest waits in it,
shared by the unix suite (the classic interpreter counts at each dispatch)
and the board suite (it meters by switching dispatch tables, WAMR patch
0102): both must count the same."""

# The guest side, in the module's "limits" WAT (its host function: env.cb).
CB_THEN_COUNT_WAT = """
  (func (export "cb_then_count") (param $x i32) (param $n i32) (result i32) (local $i i32)
    (drop (call $cb (local.get $x)))
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
"""

# `m`: the module. cb(x) starts metering with x fuel, or ends it (x < 0).
SCRIPT = """
def cb(x):
    inst.fuel = None if x < 0 else x
    return x
inst = wasm.Instance(m, {'env': {'cb': cb}})
try:
    inst.exports.cb_then_count(50, 1000)
except wasm.Trap as exc:
    print('Trap:', exc, inst.fuel)
inst.fuel = 100
print(inst.exports.cb_then_count(-1, 1000), inst.fuel)
inst.fuel = 5
print(inst.exports.cb_then_count(100000, 1000), 100000 - inst.fuel)
inst.fuel = None
print(inst.exports.cb_then_count(-1, 100000), inst.fuel)
"""

# Metered after cb returns: 8 per iteration of the loop, 1000 times, and
# the drop before it and the end after it.
CB_THEN_COUNT_1000 = 8005

EXPECTED = ["Trap: out of fuel 0", "1000 None", f"1000 {CB_THEN_COUNT_1000}", "100000 None"]


# `inst`: an instance of a module whose count(n) loops n times (8
# instructions each): count(10) needs 84, and less stops it wherever the
# count runs out.
BOUNDARY_SCRIPT = """
for fuel in range(74, 88):
    inst.fuel = fuel
    try:
        print(fuel, inst.exports.count(10), inst.fuel)
    except wasm.Trap as exc:
        print(fuel, exc, inst.fuel)
"""
BOUNDARY_EXPECTED = [f"{f} out of fuel 0" for f in range(74, 84)] + [f"{f} 10 {f - 84}" for f in range(84, 88)]
