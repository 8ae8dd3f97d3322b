"""wasm.Global on the Cortex-M board (issue 14): imported and exported
globals shared between the host, interpreted instances and XIP instances,
with the same results in every mode (WAMR patch 0090 and the imported-global
shim on Thumb code)."""

import pytest

from private_board import boot, exec_on, wat_apps

# The same modules as host_tests/unix/test_globals.py, smaller.
IMPORTER_WAT = """
(module
  (import "env" "g" (global $g (mut i32)))
  (import "env" "k" (global $k i64))
  (import "env" "host" (func $host))
  (global $derived (export "derived") i64 (global.get $k))
  (export "g" (global $g))
  (func (export "get") (result i32) global.get $g)
  (func (export "inc_call") (result i32)
    global.get $g i32.const 1 i32.add global.set $g
    call $host
    global.get $g))
"""

DEFINER_WAT = """
(module
  (global $c (export "c") (mut i32) (i32.const 40))
  (func (export "get") (result i32) global.get $c)
  (func (export "bump") global.get $c i32.const 10 i32.add global.set $c))
"""


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    """({'/name.wasm': bytes}, wasmapps image with the XIP builds)."""
    return wat_apps(tmp_path_factory.mktemp("globals-xip"), {"importer": IMPORTER_WAT, "definer": DEFINER_WAT})


SCRIPT = """
import wasm
def load(name, mode):
    return wasm.Module.xip(name) if mode == 'xip' else wasm.Module.load('/flash/' + name + '.wasm')
def run(importer_mode, definer_mode):
    g = wasm.Global("i32", 5, mutable=True)
    k = wasm.Global("i64", 2**40)
    seen = []
    def host():
        seen.append(g.value)
        g.value = 100
    a = wasm.Instance(load('importer', importer_mode), {"env": {"g": g, "k": k, "host": host}}, heap=0)
    r = [a.exports.get(), a.exports.derived.value, a.exports.inc_call(), g.value, seen, a.exports.g is g]
    d = wasm.Instance(load('definer', definer_mode), heap=0)
    c = d.exports.c
    b = wasm.Instance(load('importer', importer_mode), {"env": {"g": c, "k": k, "host": d.exports.bump}}, heap=0)
    r += [b.exports.inc_call(), c.value, d.exports.get()]
    d.close()
    c.value = 7
    r += [b.exports.get(), c.value]
    for i in (a, b):
        i.close()
    return r
results = [run(i, d) for i in ('interp', 'xip') for d in ('interp', 'xip')]
print(results[0])
print(all(r == results[0] for r in results))
"""


def test_shared_globals_interpreted_and_xip(tmp_path, modules):
    files, apps = modules
    emu, _ = boot(tmp_path, apps, "QEMU_WAMR", files)
    with emu:
        out = exec_on(emu, SCRIPT)
    assert out == ["[5, 1099511627776, 100, 100, [6], True, 51, 51, 51, 7, 7]", "True"]
