"""The firmware's native `mp` host-function family, and hostile arguments."""


def test_mp_family_functions(any_fw):
    out = any_fw.lines("""
import wasm
inst = wasm.Instance(wasm.Module.load(GUEST + '/hostcalls.wasm'))
e = inst.exports
t0 = e.now()
print(t0 >= 0, 50 <= e.nap(50) < 500)
print(e.rand(64) > 30, e.rand(0))
e.say()
print([imp for imp in inst.module.imports()])
""")
    assert out == [
        "True True",
        "True 0",
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


def test_python_imports_cannot_shadow_native_families(fw):
    out = fw.lines("""
import wasm
inst = wasm.Instance(wasm.Module.load(GUEST + '/hostcalls.wasm'), {'mp': {'ticks_ms': lambda: -5}})
print(inst.exports.now() >= 0)
""")
    assert out == ["True"]
