"""One memory shared by two instances on the Cortex-M board (issue 14, WAMR
patch 0099): an XIP instance and an interpreted one, in both roles, with
the memory grown while the other guest waits in a host call and its
creator closed first; the same results either way round (the memory
descriptor the shim copies has the 32-bit target's layout). Two pages at
most: the board's WAMR pool is 224 KB."""

import pytest

from private_board import boot, exec_on, wat_apps

MODULES = {
    "maker": """
(module
  (memory (export "mem") 1 2)
  (data (i32.const 0) "made")
  (func (export "peek") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
""",
    "taker": """
(module
  (import "env" "memory" (memory 1))
  (import "env" "wait" (func $wait))
  (data (i32.const 4) "!")
  (func (export "peek") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "mark_last") (param i32) (result i32)
    call $wait
    memory.size i32.const 16 i32.shl i32.const 1 i32.sub local.get 0 i32.store8
    memory.size))
""",
}


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    """({'/maker.wasm': bytes, ...}, wasmapps image with both XIP builds)."""
    return wat_apps(tmp_path_factory.mktemp("share-xip"), MODULES)


SCRIPT = """
import gc
import wasm
def load(name, mode):
    return wasm.Module.xip(name) if mode == 'xip' else wasm.Module.load('/flash/%s.wasm' % name)
def run(maker_mode, taker_mode):
    gc.collect()
    maker, taker = load('maker', maker_mode), load('taker', taker_mode)
    a = wasm.Instance(maker, heap=0)
    mem = a.exports.mem
    def wait():
        a.exports.grow(1)
    b = wasm.Instance(taker, {"env": {"memory": mem, "wait": wait}}, heap=0)
    r = [bytes(mem[0:5]), b.exports.mark_last(7), a.exports.peek(2 * 65536 - 1), mem.pages]
    a.close()
    r += [b.exports.peek(0), b.exports.peek(2 * 65536 - 1), len(mem)]
    b.close()
    maker.close()
    taker.close()
    return r
results = [run('xip', 'interp'), run('interp', 'xip')]
print(results[0])
print(results[0] == results[1])
"""


def test_xip_and_interpreted_instances_share_a_memory(tmp_path, modules):
    files, apps = modules
    emu, _ = boot(tmp_path, apps, "QEMU_WAMR", files)
    with emu:
        out = exec_on(emu, SCRIPT)
    assert out == ["[b'made!', 2, 7, 2, 109, 7, 131072]", "True"]
