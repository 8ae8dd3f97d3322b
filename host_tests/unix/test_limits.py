"""Instance limits (issue 14): fuel on the interpreters, a wall-clock limit
per call on every mode, the memory cap; each leaves the instance usable and
the pool as it was."""

import metering_cases
from hostile_support import hostile, interrupt_after, mode  # noqa: F401

POOL = """
import gc, time
def pool_free():
    gc.collect()
    gc.collect()
    return wasm.pool_info()[1]
def cb(x):
    return x
m = wasm.Module.load(PATH_LIMITS)
IMPORTS = {'env': {'cb': cb}}
wasm.Instance(m, IMPORTS).close()  # links the module's imports, once
"""

# Instructions each interpreter meters for count(10) (8 per iteration of its
# loop, ten times, on the classic interpreter): the fast interpreter meters
# its own, fewer, precompiled ones.
COUNT10 = {"classic": 84}

# Where fuel= is refused, and how: AOT code cannot be metered, and the fast
# interpreter's build leaves metering out for speed (wamr.mk).
NO_FUEL = {
    "aot": "fuel needs an interpreter; this module is AOT",
    "fast": "fuel needs instruction metering, which this firmware leaves out (fast interpreter)",
}


def test_fuel_stops_a_runaway_loop_and_refills(mode):
    out = mode.lines(POOL + """
free = pool_free()
try:
    inst = wasm.Instance(m, IMPORTS, fuel=1000)
except ValueError as exc:
    print('ValueError:', exc)
    inst = wasm.Instance(m, IMPORTS)
    print(inst.fuel)
    try:
        inst.fuel = 5
    except ValueError as exc:
        print('ValueError:', exc)
else:
    try:
        inst.exports.spin()
    except wasm.Trap as exc:
        print('Trap:', exc, inst.fuel)
    try:
        inst.exports.ok()
    except wasm.Trap as exc:
        print('empty:', exc)
    inst.fuel = 500
    print(inst.fuel, inst.exports.ok(), inst.fuel)
    inst.fuel = 500
    print(inst.exports.count(10), 500 - inst.fuel)
    inst.fuel = None
    print(inst.fuel, inst.exports.count(100000))
print(inst.exports.ok())
inst.close()
print(pool_free() == free)
""")
    if mode.name in NO_FUEL:
        refused = "ValueError: " + NO_FUEL[mode.name]
        assert out == [refused, "None", refused, "7", "True"]
        return
    ok_cost = 500 - int(out[2].split()[2])
    assert out == [
        "Trap: out of fuel 0",
        "empty: out of fuel",
        f"500 7 {500 - ok_cost}",
        f"10 {COUNT10[mode.name]}",
        "None 100000",
        "7",
        "True",
    ]
    assert 1 <= ok_cost <= 3


def test_fuel_counts_on_through_host_functions(mode):
    """A host function sees the fuel used so far, and its refill is what the
    guest continues with (WAMR patch 0080)."""
    if mode.name in NO_FUEL:
        return  # refused at Instance() (above)
    out = mode.lines(POOL + """
seen = []
def cb(x):
    seen.append(inst.fuel)
    inst.fuel = x
    return x
inst = wasm.Instance(m, {'env': {'cb': cb}}, fuel=1000)
print(inst.exports.call_cb(100), seen[0] < 1000, 100 - inst.fuel)
try:
    inst.exports.call_cb(0)
except wasm.Trap as exc:
    print('Trap:', exc, inst.fuel)
inst.fuel = 1000
print(inst.exports.ok())
""")
    used_after = int(out[0].split()[2])
    assert out == [f"100 True {used_after}", "Trap: out of fuel 0", "7"]
    assert 0 <= used_after <= 3


def test_fuel_running_out_at_every_instruction_of_the_last_iteration(mode):
    """count(10) needs exactly 84: with less it stops wherever the count
    runs out, with more it returns and the rest is left."""
    if mode.name in NO_FUEL:
        return  # refused at Instance() (above)
    out = mode.lines(POOL + "inst = wasm.Instance(m, IMPORTS)\n" + metering_cases.BOUNDARY_SCRIPT)
    assert out == metering_cases.BOUNDARY_EXPECTED


def test_metering_switched_on_and_off_by_a_host_function(mode):
    """A host function that starts metering stops the guest it returns to;
    one that ends it lets the guest run on unmetered; a refill is counted
    exactly from where the guest resumes."""
    if mode.name in NO_FUEL:
        return  # refused at Instance() (above)
    assert mode.lines(POOL + metering_cases.SCRIPT) == metering_cases.EXPECTED


def test_timeout_stops_a_runaway_loop(mode):
    out = mode.lines(POOL + """
free = pool_free()
inst = wasm.Instance(m, IMPORTS)
for i in range(2):
    t = time.ticks_ms()
    try:
        inst.call('spin', timeout_ms=100)
    except wasm.Trap as exc:
        ms = time.ticks_diff(time.ticks_ms(), t)
        print('Trap:', exc, 100 <= ms < 3000)
    print(inst.call('ok'), inst.call('count', 1000, timeout_ms=5000), inst.timeout_ms)
inst.close()
print(pool_free() == free)
""")
    assert out == ["Trap: time limit of 100 ms exceeded True", "7 1000 None"] * 2 + ["True"]


def test_instance_default_timeout_covers_every_call(mode):
    out = mode.lines(POOL + """
inst = wasm.Instance(m, IMPORTS, timeout_ms=80)
print(inst.timeout_ms)
for spin in (inst.exports.spin, lambda: inst.call('spin'), lambda: inst.exports['spin']()):
    try:
        spin()
    except wasm.Trap as exc:
        print('Trap:', exc)
    print(inst.exports.ok())
try:
    inst.call('spin', timeout_ms=30)
except wasm.Trap as exc:
    print('Trap:', exc)
print(inst.call('count', 5000, timeout_ms=None))
inst.timeout_ms = None
print(inst.timeout_ms, inst.exports.count(10))
""")
    assert out == ["80"] + ["Trap: time limit of 80 ms exceeded", "7"] * 3 + [
        "Trap: time limit of 30 ms exceeded", "5000", "None 10"]


def test_nested_calls_keep_the_earliest_deadline(mode):
    """The outer call's deadline also stops a guest its host function runs,
    and a host function that swallows the inner Trap does not escape it."""
    out = mode.lines(POOL + """
inner = wasm.Instance(m, IMPORTS)
def cb(x):
    try:
        inner.call('spin', timeout_ms=x)
    except wasm.Trap as exc:
        print('inner Trap:', exc)
    return 1
outer = wasm.Instance(m, {'env': {'cb': cb}})
for outer_ms, inner_ms in ((5000, 50), (100, 60000)):
    try:
        print(outer.call('call_cb', inner_ms, timeout_ms=outer_ms))
    except wasm.Trap as exc:
        print('outer Trap:', exc)
def spin_on(x):
    try:
        inner.call('spin')
    except wasm.Trap as exc:
        print('inner Trap:', exc)
    outer.call('spin')  # the deadline has passed: stops at once
outer2 = wasm.Instance(m, {'env': {'cb': spin_on}}, timeout_ms=50)
try:
    outer2.exports.call_cb(0)
except wasm.Trap as exc:
    print('outer Trap:', exc)
# The host function swallows the inner Trap; the outer guest spins on.
try:
    outer.call('cb_then_spin', 60000, timeout_ms=80)
except wasm.Trap as exc:
    print('outer Trap:', exc)
print(inner.exports.ok(), outer.exports.ok(), outer2.exports.ok())
""", timeout=30)  # a guest let past its deadline spins until then
    assert out == [
        "inner Trap: time limit of 50 ms exceeded", "1",
        "inner Trap: time limit of 100 ms exceeded", "outer Trap: time limit of 100 ms exceeded",
        "inner Trap: time limit of 50 ms exceeded", "outer Trap: time limit of 50 ms exceeded",
        "inner Trap: time limit of 80 ms exceeded", "outer Trap: time limit of 80 ms exceeded",
        "7 7 7",
    ]


def test_ctrl_c_still_stops_a_guest_with_a_time_limit(mode):
    proc = mode.fw.start(mode.script("""
inst = wasm.Instance(wasm.Module.load(PATH_LIMITS), {'env': {'cb': abs}}, timeout_ms=60000)
print('spinning')
try:
    inst.exports.spin()
except KeyboardInterrupt:
    print('KeyboardInterrupt')
print(inst.exports.ok())
try:
    inst.call('spin', timeout_ms=50)
except wasm.Trap as exc:
    print('Trap:', exc)
"""))
    assert interrupt_after(proc, "spinning", []) == [
        "spinning", "KeyboardInterrupt", "7", "Trap: time limit of 50 ms exceeded"]


def test_memory_cap_below_the_module_maximum(mode):
    out = mode.lines(POOL + """
free = pool_free()
inst = wasm.Instance(m, IMPORTS, heap=0, max_pages=3)
e = inst.exports
print(inst.memory.max_pages, e.grow(1), e.grow(1), inst.memory_error)
try:
    inst.memory.grow(1)
except wasm.Error as exc:
    print('Error:', exc)
print(e.ok(), inst.memory.pages)
inst.close()
full = wasm.Instance(m, IMPORTS, heap=0, max_pages=4)
print(full.memory.max_pages, full.exports.grow(2), full.exports.grow(1))
full.close()
print(pool_free() == free)
""")
    assert out == [
        "3 2 -1 memory.grow to 4 pages refused: the maximum is 3 pages",
        "Error: cannot grow memory by 1 pages (now 3, max 3)",
        "7 3",
        "4 2 -1",
        "True",
    ]


def test_invalid_limits_raise_value_error(mode):
    out = mode.lines(POOL + """
nomem = wasm.Module.load(PATH_NOMEMORY)
cases = [
    (m, dict(fuel=-1)), (m, dict(fuel=2**31)), (m, dict(fuel='5')),
    (m, dict(timeout_ms=0)), (m, dict(timeout_ms=-5)), (m, dict(timeout_ms=2**31)),
    (m, dict(max_pages=5)), (m, dict(max_pages=1)), (m, dict(max_pages=65537)),
    (nomem, dict(max_pages=3)),
]
free = pool_free()
for module, kw in cases:
    try:
        wasm.Instance(module, IMPORTS if module is m else None, **kw)
    except (ValueError, TypeError) as exc:
        print(type(exc).__name__, exc)
inst = wasm.Instance(m, IMPORTS)
for kw in (dict(timeout_ms=0), dict(timeout_ms=-1), dict(timeout=5)):
    try:
        inst.call('ok', **kw)
    except (ValueError, TypeError) as exc:
        print(type(exc).__name__, exc)
for value in (-1, 2**31):
    try:
        inst.timeout_ms = value
    except ValueError as exc:
        print('ValueError', exc)
print(inst.exports.ok(), inst.timeout_ms)
inst.close()
print(pool_free() == free)
""")
    fuel_range = "ValueError fuel must be between 0 and 2147483647"
    if mode.name in NO_FUEL:
        fuel_range = "ValueError " + NO_FUEL[mode.name]
    timeout_range = "ValueError timeout_ms must be between 1 and 2147483647"
    assert out == [
        fuel_range, fuel_range,
        "TypeError fuel must be an int or None" if mode.name not in NO_FUEL else fuel_range,
        timeout_range, timeout_range, timeout_range,
        "ValueError max_pages=5 is above the module's maximum of 4 pages",
        "ValueError max_pages=1 is below the module's initial 2 pages",
        "ValueError max_pages must be between 0 (no cap) and 65536",
        "ValueError max_pages=3 is above the module's maximum of 0 pages",
        timeout_range, timeout_range,
        "TypeError call() takes only the keyword argument timeout_ms",
        timeout_range, timeout_range,
        "7 None",
        "True",
    ]


def test_limits_stop_a_runaway_start_function(mode):
    out = mode.lines(POOL + """
spin = wasm.Module.load(PATH_START_SPIN)
free = pool_free()
for kw in (dict(timeout_ms=50), dict(fuel=1000)):
    try:
        wasm.Instance(spin, **kw)
    except (wasm.Trap, ValueError) as exc:
        print(type(exc).__name__, exc)
print(pool_free() == free)
""")
    fuel = "ValueError " + NO_FUEL[mode.name] if mode.name in NO_FUEL else "Trap out of fuel"
    assert out == ["Trap time limit of 50 ms exceeded", fuel, "True"]


def test_run_passes_the_limits(classic_fw):
    """wasm.run() takes fuel= and timeout_ms= as Instance() does: a Lua
    script that never ends is stopped by either (fuel: classic build)."""
    out = classic_fw.lines("""
import io, wasm
for kw in (dict(timeout_ms=200), dict(fuel=2000000)):
    try:
        wasm.run(GUEST + '/lua.wasm', ('-',), stdin=io.BytesIO(b'while true do end'), stack=32768, **kw)
    except wasm.Trap as exc:
        print('Trap:', exc)
print(wasm.run(GUEST + '/lua.wasm', ('-',), stdin=io.BytesIO(b'print(6 * 7)'), stack=32768,
               fuel=100000000, timeout_ms=60000))
""")
    assert out == ["Trap: time limit of 200 ms exceeded", "Trap: out of fuel", "42", "0"]
