"""Start functions (issue 10, item 1): the firmware instantiates without
running guest code, sets the instance up, then runs the start function on
the instance's own exec env, on every engine."""

from hostile_support import hostile, interrupt_after, mode  # noqa: F401


def test_start_function_calls_wasi_and_python_imports(mode):
    out = mode.lines("""
import io
out = io.BytesIO()
inst = wasm.Instance(wasm.Module.load(PATH_START_WASI), wasi=wasm.WASI(stdout=out))
print(inst.exports.err(), inst.exports.written(), out.getvalue())
seen = []
def f(x):
    seen.append(x)
    return x + 1
inst = wasm.Instance(wasm.Module.load(PATH_START_PY), {'env': {'f': f}})
print(inst.exports.get(), seen)
inst = wasm.Instance(wasm.Module.load(PATH_CTORS), {'env': {'f': lambda x: x + 99}})
print(inst.exports.get())
""")
    assert out == ["0 14 b'hello, start!\\n'", "42 [41]", "100"]


def test_an_imported_start_function_is_called_once_per_instance(mode):
    out = mode.lines("""
calls = []
m = wasm.Module.load(PATH_START_IMPORT)
a = wasm.Instance(m, {'env': {'f': lambda: calls.append('a')}})
print(calls)
b = wasm.Instance(m, {'env': {'f': lambda: calls.append('b')}})
print(calls, a.exports.ok(), b.exports.ok())
""")
    assert out == ["['a']", "['a', 'b'] 1 1"]


def test_failing_start_functions_raise_and_release_everything(mode):
    out = mode.lines("""
import gc
def attempt(path, imports=None):
    try:
        wasm.Instance(wasm.Module.load(path), imports)
        print('no error')
    except Exception as exc:
        print(type(exc).__name__, exc)
def boom(x):
    raise ValueError('from the host %d' % x)
def cycle():
    attempt(PATH_START_TRAP)
    attempt(PATH_START_PY, {'env': {'f': boom}})
    attempt(PATH_START_PY, {'env': {'f': lambda x: 'not an int'}})
    attempt(PATH_START_EXIT)
cycle()
gc.collect()
free = wasm.pool_info()[1]
cycle()
gc.collect()
print(wasm.pool_info()[1] - free)
""")
    assert out == [
        "Trap unreachable",
        "ValueError from the host 41",
        "TypeError f() return value: expected int for i32, got str",
        "Exit 7",
    ] * 2 + ["0"]


def test_start_function_that_instantiates_another_module(mode):
    out = mode.lines("""
def f(x):
    inner = wasm.Instance(wasm.Module.load(PATH_START_PY), {'env': {'f': lambda y: y * 2}})
    return inner.exports.get() + x
inst = wasm.Instance(wasm.Module.load(PATH_START_PY), {'env': {'f': f}})
print(inst.exports.get())
""")
    assert out == ["123"]


def test_ctrl_c_stops_a_start_function_that_never_returns(mode):
    proc = mode.fw.start(mode.script("""
import gc
m = wasm.Module.load(PATH_START_SPIN)
gc.collect()
free = wasm.pool_info()[1]
for attempt in range(2):
    print('instantiating')
    try:
        wasm.Instance(m)
    except KeyboardInterrupt:
        print('KeyboardInterrupt')
gc.collect()
print(wasm.pool_info()[1] - free)
print(wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': abs}}).exports.run(-4))
"""))
    # Stopped on the instance's own exec env: the instance is released at once.
    assert interrupt_after(proc, "instantiating", [], times=2) == [
        "instantiating", "KeyboardInterrupt", "instantiating", "KeyboardInterrupt", "0", "5"]
