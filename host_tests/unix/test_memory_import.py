"""wasm.Memory(pages, max_pages) and imported memories (issue 14, WAMR patch
0091): a module that imports its memory gets the wasm.Memory's size and
maximum, the object becomes the instance's memory (more instances importing
it share it: test_memory_sharing.py), and what does not match is refused
with a clear LinkError; on the fast and classic interpreters and as AOT
code, with the same results in every mode."""

import pytest

from wat_modes import MODES, PRELUDE, build_for_mode

# Imports its memory from "env", re-exports it, grows it.
GROWER_WAT = """
(module
  (import "env" "memory" (memory 1 4))
  (export "mem" (memory 0))
  (data (i32.const 16) "hello")
  (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8)
  (func (export "size") (result i32) memory.size)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
"""

# Imports from another module name and never uses memory.size or
# memory.grow (WAMR rewrote such memories before patch 0091).
FIXED_WAT = """
(module
  (import "mylib" "mem" (memory 1 3))
  (data (i32.const 8) "\\10")
  (func (export "load") (param i32) (result i32) local.get 0 i32.load))
"""

# Writes its memory, then traps in its start function.
TRAPPING_WAT = """
(module
  (import "env" "memory" (memory 1))
  (func $start i32.const 0 i32.const 1 i32.store8 unreachable)
  (start $start))
"""

# Data beyond the module's minimum.
PLACED_WAT = """
(module
  (import "env" "memory" (memory 1))
  (data (i32.const 65536) "x"))
"""


@pytest.fixture(params=MODES)
def mode(request, tmp_path):
    """(firmware, {name: module path}) for one mode."""
    return build_for_mode(request, tmp_path, {"grower": GROWER_WAT, "fixed": FIXED_WAT,
                                              "placed": PLACED_WAT, "trapping": TRAPPING_WAT})


def test_memory_objects_before_any_import(fw):
    out = fw.lines(PRELUDE + """
m = wasm.Memory(2, 3)
print(m.pages, m.max_pages, len(m), wasm.Memory(0).max_pages, wasm.Memory(pages=1, max_pages=1).pages)
attempt(lambda: m[0])
attempt(lambda: bytes(m))
print(m.grow(1), m.pages, len(m))
attempt(lambda: m.grow(1))
attempt(lambda: m.grow(-1))
attempt(lambda: wasm.Memory(-1))
attempt(lambda: wasm.Memory(65537))
attempt(lambda: wasm.Memory(2, 1))
attempt(lambda: wasm.Memory(1, 65537))
attempt(lambda: wasm.Memory("1"))
""")
    assert out == [
        "2 3 131072 65536 1",
        "ValueError wasm.Memory holds no data until an instance imports it",
        "ValueError wasm.Memory holds no data until an instance imports it",
        "2 3 196608",
        "Error cannot grow memory by 1 pages (now 3, max 3)",
        "ValueError pages must be >= 0",
        "ValueError pages must be between 0 and 65536",
        "ValueError pages must be between 0 and 65536",
        "ValueError max_pages must be between pages and 65536",
        "ValueError max_pages must be between pages and 65536",
        "TypeError can't convert str to int",
    ]


def test_imported_memory_is_the_instances_memory(mode):
    fw, p = mode
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(p['grower'])!r})
print(m.imports(), [e for e in m.exports() if e[0] == 'mem'])
mem = wasm.Memory(2, 3)
inst = wasm.Instance(m, {{"env": {{"memory": mem}}}})
e = inst.exports
print(inst.memory is mem, e.mem is mem, e["mem"] is mem, mem.pages, mem.max_pages, e.size())
print(bytes(mem[16:21]), len(mem))
mem[100] = 7
e.store(101, 9)
print(e.load(100), mem[101])
print(e.grow(1), e.grow(1), mem.pages, len(mem), inst.memory_error)
attempt(lambda: mem.grow(1))
inst.close()
attempt(lambda: mem[0])
attempt(lambda: mem.pages)
""")
    assert out == [
        "[('env', 'memory', 'memory')] [('mem', 'memory')]",
        "True True True 2 3 2",
        "b'hello' 131072",
        "7 9",
        "2 -1 3 196608 memory.grow to 4 pages refused: the maximum is 3 pages",
        "Error cannot grow memory by 1 pages (now 3, max 3)",
        "ValueError wasm instance is closed",
        "ValueError wasm instance is closed",
    ]


def test_memory_grown_before_import_and_without_maximum(mode):
    fw, p = mode
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(p['grower'])!r})
mem = wasm.Memory(1, 4)
print(mem.grow(2), mem.pages)
e = wasm.Instance(m, {{"env": {{"memory": mem}}}}).exports
print(e.size(), e.grow(1), e.grow(1), mem.max_pages)
# No maximum of its own: the module's (4 pages) applies.
attempt(lambda: wasm.Instance(m, {{"env": {{"memory": wasm.Memory(1)}}}}))
""")
    assert out == [
        "1 3",
        "3 3 -1 4",
        "LinkError import env.memory: the module imports memory of 1..4 pages, the wasm.Memory has 1..",
    ]


def test_memory_from_another_module_name_without_memory_grow(mode):
    fw, p = mode
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(p['fixed'])!r})
mem = wasm.Memory(2, 3)
e = wasm.Instance(m, {{"mylib": {{"mem": mem}}}}).exports
print(e.load(8), mem.pages, mem.max_pages, len(mem))
print(mem.grow(1), e.load(3 * 65536 - 4))
attempt(lambda: e.load(3 * 65536 - 3))
""")
    assert out == [
        "16 2 3 131072",
        "2 0",
        "Trap out of bounds memory access",
    ]


def test_imported_memory_link_errors(mode):
    fw, p = mode
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(p['grower'])!r})
mem = wasm.Memory(1, 2)
a = wasm.Instance(m, {{"env": {{"memory": mem}}}})
def new(memory):
    return wasm.Instance(m, {{"env": {{"memory": memory}}}})
# Already an instance's memory: shared (test_memory_sharing.py).
print(new(mem).memory is mem, new(a.exports.mem).memory is mem)
attempt(lambda: new(wasm.Memory(0, 2)))
attempt(lambda: new(wasm.Memory(1, 5)))
attempt(lambda: new(5))
attempt(lambda: wasm.Instance(m, {{"env": {{}}}}))
attempt(lambda: wasm.Instance(m))
placed = wasm.Module.load({str(p['placed'])!r})
attempt(lambda: wasm.Instance(placed, {{"env": {{"memory": wasm.Memory(1)}}}}))
# Data segments are placed in the wasm.Memory's size, not the module's minimum.
big = wasm.Memory(2)
attempt(lambda: wasm.Instance(placed, {{"env": {{"memory": big}}}}).memory is big)
print(bytes(big[65536:65537]), big.pages, big.max_pages)
spare = wasm.Memory(1, 2)
attempt(lambda: new(spare).exports.size())
print(mem.pages, a.exports.load(16))
""")
    assert out == [
        "True True",
        "LinkError import env.memory: the module imports memory of 1..4 pages, the wasm.Memory has 0..2",
        "LinkError import env.memory: the module imports memory of 1..4 pages, the wasm.Memory has 1..5",
        "LinkError import env.memory must be a wasm.Memory, not int",
        "LinkError missing import env.memory (memory)",
        "LinkError missing import env.memory (memory)",
        "LinkError instantiation failed: out of bounds memory access",
        "True",
        "b'x' 2 65536",
        "1",
        "1 104",
    ]


def test_failed_instantiation_leaves_the_memory_unused(mode, tmp_path):
    # Refused before the instance existed (its data does not fit), or after
    # (its start function traps): the wasm.Memory can be imported again.
    fw, p = mode
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(p['grower'])!r})
placed = wasm.Module.load({str(p['placed'])!r})
trapping = wasm.Module.load({str(p['trapping'])!r})
mem = wasm.Memory(1, 2)
attempt(lambda: wasm.Instance(placed, {{"env": {{"memory": mem}}}}))
attempt(lambda: mem[0])
attempt(lambda: wasm.Instance(trapping, {{"env": {{"memory": mem}}}}))
attempt(lambda: mem[0])
e = wasm.Instance(m, {{"env": {{"memory": mem}}}}).exports
print(e.load(16), mem.pages, mem[0])
""")
    assert out == [
        "LinkError instantiation failed: out of bounds memory access",
        "ValueError wasm.Memory holds no data until an instance imports it",
        "Trap unreachable",
        "ValueError wasm.Memory holds no data until an instance imports it",
        "104 1 0",
    ]
