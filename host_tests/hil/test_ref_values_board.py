"""Reference values and exported tables on the Cortex-M board (issue 14):
funcref and externref arguments and results, wasm.Table reads, writes and
growth, and the sweep of dropped externref objects, interpreted and XIP,
with the same results in both (the table and global layouts the shim reads
on a 32-bit target)."""

import pytest

from private_board import boot, exec_on, wat_apps

REFS_WAT = """
(module
  (type $ii (func (param i32) (result i32)))
  (import "env" "tick" (func $tick))
  (table $t (export "t") 3 funcref)
  (table $ext (export "ext") 1 8 externref)
  (global $held (mut externref) (ref.null extern))
  (elem (table $t) (i32.const 0) func $double $hidden)
  (func $double (export "double") (type $ii) local.get 0 i32.const 2 i32.mul)
  (func $hidden (type $ii) local.get 0 i32.const 1 i32.add)
  (func (export "id_ext") (param externref) (result externref) local.get 0)
  (func (export "slot") (param i32) (result funcref) local.get 0 table.get $t)
  (func (export "call_slot") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect $t (type $ii))
  (func (export "keep") (param externref) local.get 0 global.set $held)
  (func (export "kept") (result externref) global.get $held)
  (func (export "load") (param i32) (result externref) local.get 0 table.get $ext)
  (func (export "grow_ext") (param i32 externref) (result i32)
    local.get 1 local.get 0 table.grow $ext)
  (func (export "hold") (param externref) (result externref) call $tick local.get 0))
"""


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    """({'/refs.wasm': bytes}, wasmapps image with the XIP build)."""
    return wat_apps(tmp_path_factory.mktemp("refs-xip"), {"refs": REFS_WAT})


SCRIPT = """
import wasm
def run(mode):
    m = wasm.Module.xip('refs') if mode == 'xip' else wasm.Module.load('/flash/refs.wasm')
    hook = [None]
    def tick():
        if hook[0]:
            hook[0]()
    inst = wasm.Instance(m, {"env": {"tick": tick}}, heap=0)
    e = inst.exports
    o, x = object(), ["kept"]
    r = [e.id_ext(o) is o, e.id_ext(None), e.slot(0) is e.double, str(e.slot(1)), e.slot(1)(4)]
    e.keep(x)
    e.ext[0] = o
    for i in range(600):
        e.id_ext(bytearray(100))
    r += [e.kept() is x, e.load(0) is o]
    def churn():
        for i in range(50):
            e.id_ext(object())
    hook[0] = churn
    r.append(e.hold(x) is x)
    t = e.t
    t[2] = e.double
    r += [len(t), e.call_slot(2, 21), e.ext.grow(2, "g"), e.load(2), e.grow_ext(9, None), len(e.ext)]
    r.append(str(wasm.Table(1)))
    inst.close()
    return r
results = [run(mode) for mode in ('interp', 'xip')]
print(results[0])
print(results[0] == results[1])
"""


def test_references_and_tables_interpreted_and_xip(tmp_path, modules):
    files, apps = modules
    emu, _ = boot(tmp_path, apps, "QEMU_WAMR", files)
    with emu:
        out = exec_on(emu, SCRIPT)
    assert out == [
        "[True, None, True, '<wasm.Function func[2]>', 5, True, True, True, 3, 42, 1, 'g', -1, 3, "
        "'<wasm.Table funcref 1 (not imported)>']",
        "True",
    ]
