"""The firmware's native `mp` host-function family, and hostile arguments."""


import os

FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

# mp.ticks_ms() is the host's monotonic milliseconds modulo 2**30: the same
# clock as MicroPython's time.ticks_ms() on unix, read between two of its
# readings.
TICKS = """
import time, wasm
M = (1 << 30) - 1
e = wasm.Instance(wasm.Module.load(GUEST + '/hostcalls.wasm')).exports
t0 = time.ticks_ms()
g = e.now()
t1 = time.ticks_ms()
print(0 <= g <= M, (g - (t0 & M)) & M <= (t1 - t0) & M, t1 - t0 < 10000)
"""


def test_mp_family_functions(any_fw):
    out = any_fw.lines(TICKS + """
print(50 <= e.nap(50) < 500)
mem = wasm.Instance(wasm.Module.load(GUEST + '/hostcalls.wasm'))
e = mem.exports
m = mem.memory
end = len(m) - 16
m[end - 8192 - 16:end + 16] = b'\\xaa' * (8192 + 32)
print(e.rand_bad(end - 8192, 8192), e.rand(0))
first = m[end - 8192:end]
# 8192 uniform bytes miss one of the 256 values with probability ~3e-12.
print(len(set(first)), m[end - 8192 - 16:end - 8192] == b'\\xaa' * 16, m[end:end + 16] == b'\\xaa' * 16)
e.rand_bad(end - 8192, 8192)
print(m[end - 8192:end] != first)
e.say()
print([imp for imp in mem.module.imports()])
""")
    assert out == [
        "True True True",
        "True",
        "0 0",
        "256 True True",
        "True",
        "[wasm] hello from guest",
        "[('mp', 'ticks_ms', 'func ()i'), ('mp', 'sleep_ms', 'func (i)'), ('mp', 'log', 'func (ii)'), "
        "('mp', 'random_bytes', 'func (ii)i')]",
    ]


def test_hostile_pointers_trap_and_never_touch_host_memory(any_fw):
    out = any_fw.lines("""
import wasm
inst = wasm.Instance(wasm.Module.load(GUEST + '/hostcalls.wasm'))
e = inst.exports
size = len(inst.memory)
for args in ((size - 4, 8), (size, 1), (0x7fffff00, 1000), (-1, 10), (10, -1), (0, size + 1)):
    for fn in (e.say_bad, e.rand_bad):
        try:
            fn(*args)
            print('accepted', args)
        except wasm.Trap as ex:
            print(fn, ex)
print(e.rand_bad(size - 16, 16), e.rand(8) >= 1)
e.say()
""")
    traps = [line for line in out if line.startswith("<wasm.Function")]
    assert len(traps) == 12
    assert all(line.endswith("out of bounds memory access") for line in traps)
    assert out[-2:] == ["0 True", "[wasm] hello from guest"]


def test_ticks_stay_positive_after_25_days_of_uptime(any_fw):
    """A host up for more than 24.9 days: the raw millisecond count no longer
    fits an i32 (libfaketime moves CLOCK_MONOTONIC 25 days ahead)."""
    assert os.path.exists(FAKETIME), "libfaketime is missing: run `make setup`"
    env = dict(os.environ, LD_PRELOAD=FAKETIME, FAKETIME="+25d")
    out = any_fw.lines(TICKS + """
print(time.ticks_ms() > 25 * 86400 * 1000)
""", env=env)
    assert out == ["True True True", "True"]


def test_python_imports_cannot_shadow_native_families(fw):
    out = fw.lines("""
import wasm
inst = wasm.Instance(wasm.Module.load(GUEST + '/hostcalls.wasm'), {'mp': {'ticks_ms': lambda: -5}})
print(inst.exports.now() >= 0)
""")
    assert out == ["True"]
