"""MicroPython exceptions inside WASI functions and host functions never
unwind through WAMR's frames (issue 10, item 4): they become a WASI errno
or stop the guest and reach the Python caller, however often it happens
and however deeply instances are nested."""

from hostile_support import hostile, interrupt_after, mode  # noqa: F401

SETUP = """
import os
os.mkdir('data')
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(preopens={'/d': 'data'}))
mem = inst.memory
e = inst.exports
def open_path(path):
    put(mem, 1000, path)
    return e.path_open(3, 0, 1000, len(path), 1, 0, 0, 0, 100)
"""


def test_non_utf8_and_huge_paths_are_errnos(mode):
    out = mode.lines(SETUP + """
bad = b'caf\\xe9'
put(mem, 1000, bad)
print(open_path(bad), e.path_create_directory(3, 1000, 4), e.path_filestat_get(3, 0, 1000, 4, 200),
      e.path_unlink_file(3, 1000, 4))
put(mem, 1100, b'ok')
print(e.path_rename(3, 1000, 4, 3, 1100, 2), e.path_rename(3, 1100, 2, 3, 1000, 4))
e.grow(4)
huge = b'a/' * 100000
print(open_path(huge), open_path(b'a' * 256), open_path(b'data/' * 800 + b'x'))
print(os.listdir('data'))
""")
    # EILSEQ for every non-UTF-8 path; ENAMETOOLONG for huge paths and long
    # names; ENOENT for a long but legal path.
    assert out == ["25 25 25 25", "25 25", "37 37 44", "[]"]


def test_vfs_exceptions_become_errnos_or_reach_the_caller(mode):
    out = mode.lines("""
import os
class OddOSError(OSError):
    args = 'not a tuple'
class FailingVFS(PythonVFS):
    def file_stat(self, path):
        raise failure
os.mount(FailingVFS(), '/failing')
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(preopens={'/d': '/failing'}))
put(inst.memory, 1000, b'x')
for failure in (OSError(28), OSError(2), OSError('text'), OSError(10 ** 30), OddOSError(13),
                MemoryError(), UnicodeError(), ValueError('host bug'), KeyboardInterrupt()):
    try:
        print(inst.exports.path_filestat_get(3, 0, 1000, 1, 200))
    except BaseException as exc:
        print('raised', type(exc).__name__, exc)
""")
    assert out == ["51", "44", "29", "29", "2", "48", "25", "raised ValueError host bug",
                   "raised KeyboardInterrupt "]


def test_thousands_of_escapes_leak_nothing(mode):
    out = mode.lines(SETUP + """
import gc
def cb(x):
    raise ValueError(x)
host = wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': cb}})
gc.collect()
free = wasm.pool_info()[1]
errnos, raised = set(), 0
for i in range(2500):
    errnos.add(open_path(b'\\xff\\xfe'))
    try:
        host.exports.run(i)
    except ValueError:
        raised += 1
gc.collect()
print(errnos, raised, e.grow(0), host.exports.ok(), wasm.pool_info()[1] - free)
""")
    assert out == ["{25} 2500 2 1 0"]


def test_nested_escapes_then_ctrl_c_still_stops_the_guest(mode):
    proc = mode.fw.start(mode.script(SETUP + """
def inner_cb(x):
    raise ValueError('inner')
inner = wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': inner_cb}})
def outer_cb(x):
    results = [open_path(b'\\xc3\\x28')]
    try:
        inner.exports.run(x)
    except ValueError as exc:
        results.append(str(exc))
    print(results)
    return x
outer = wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': outer_cb}})
for i in range(3):
    print(outer.exports.run(i))
print('spinning')
try:
    outer.exports.spin()
except KeyboardInterrupt:
    print('KeyboardInterrupt')
print(outer.exports.ok(), inner.exports.ok())
"""))
    assert interrupt_after(proc, "spinning", []) == [
        "[25, 'inner']", "1", "[25, 'inner']", "2", "[25, 'inner']", "3",
        "spinning", "KeyboardInterrupt", "1 1"]
