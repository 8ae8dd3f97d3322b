"""One linear memory in several instances (issue 14, WAMR patch 0099): a
memory exported by one instance, or a wasm.Memory once an instance imported
it, can be imported by more instances. They all read and write the same
bytes, see each other's memory.grow (which may move the memory), keep
working when the instance that created it closes, and free it with the last
of them; on the fast and classic interpreters and as AOT code."""

import pytest

from wat_modes import MODES, PRELUDE, build_for_mode

# Defines the memory (1..6 pages) and exports it.
OWNER_WAT = """
(module
  (memory (export "mem") 1 6)
  (data (i32.const 0) "owner")
  (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8)
  (func (export "size") (result i32) memory.size)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))
"""

# Imports it; a data segment lands in the shared bytes. `poke_after_host`
# calls the host, which may grow the memory through another instance, and
# then stores into the (new) last page and reads it back.
USER_WAT = """
(module
  (import "env" "memory" (memory 1))
  (import "env" "host" (func $host))
  (data (i32.const 8) "user")
  (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8)
  (func (export "size") (result i32) memory.size)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "poke_after_host") (param i32) (result i32)
    call $host
    memory.size i32.const 65536 i32.mul i32.const 1 i32.sub
    local.get 0 i32.store8
    memory.size i32.const 65536 i32.mul i32.const 1 i32.sub
    i32.load8_u))
"""

# Its first data segment fits, the second does not: instantiation fails
# after writing the first (the spec's order).
PARTIAL_WAT = """
(module
  (import "env" "memory" (memory 1))
  (data (i32.const 32) "kept")
  (data (i32.const 1048576) "lost"))
"""

# Writes, then traps in its start function.
TRAPPING_WAT = """
(module
  (import "env" "memory" (memory 1))
  (func $start i32.const 40 i32.const 77 i32.store8 unreachable)
  (start $start))
"""

# Declares a maximum of 3 pages for what it imports.
SMALL_MAX_WAT = """
(module (import "env" "memory" (memory 1 3)))
"""

# Exports its memory and never grows it: WAMR's loader used to make that
# one page of 2 x 64 KiB with no room to grow (patch 0099 keeps the limits
# of exported memories).
NO_GROW_WAT = """
(module
  (memory (export "mem") 2 4)
  (data (i32.const 0) "fixed")
  (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u))
"""

# What clang makes of a C module that never calls malloc: its memory ends
# at __heap_base, and WAMR shrinks it to that (one page of 66560 bytes).
SHRUNK_WAT = """
(module
  (memory (export "mem") 2)
  (global $sp (mut i32) (i32.const 66560))
  (global (export "__data_end") i32 (i32.const 1024))
  (global (export "__heap_base") i32 (i32.const 66560))
  (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u))
"""

WATS = {"owner": OWNER_WAT, "user": USER_WAT, "partial": PARTIAL_WAT,
        "trapping": TRAPPING_WAT, "small_max": SMALL_MAX_WAT, "no_grow": NO_GROW_WAT,
        "shrunk": SHRUNK_WAT}


@pytest.fixture(params=MODES)
def mode(request, tmp_path):
    return build_for_mode(request, tmp_path, WATS)


def script(paths, body):
    return PRELUDE + f"""
import gc
owner_m = wasm.Module.load({str(paths['owner'])!r})
user_m = wasm.Module.load({str(paths['user'])!r})
def nothing():
    pass
def user(memory, host=nothing):
    return wasm.Instance(user_m, {{"env": {{"memory": memory, "host": host}}}}, heap=0)
def text(mem, at, n):
    return bytes(mem[at:at + n])
""" + body


def test_instances_share_bytes_and_growth(mode):
    fw, p = mode
    out = fw.lines(script(p, """
a = wasm.Instance(owner_m, heap=0)
mem = a.exports.mem
b = user(mem)
c = user(mem)
print(b.memory is mem, c.exports.load(8), text(mem, 0, 12))
b.exports.store(100, 5)
print(a.exports.load(100), c.exports.load(100), mem[100])
mem[101] = 6
print(a.exports.load(101), b.exports.load(101))
# Grown by one instance, by all: the memory may move.
print(b.exports.grow(2), a.exports.size(), c.exports.size(), mem.pages, len(mem))
a.exports.store(3 * 65536 - 1, 42)
print(b.exports.load(3 * 65536 - 1), c.exports.load(3 * 65536 - 1), mem[3 * 65536 - 1])
print(mem.grow(1), a.exports.size(), b.exports.size(), b.exports.load(100), a.exports.load(8))
# The owner's maximum (6 pages) holds for every instance.
print(c.exports.grow(2), a.exports.grow(1), b.exports.grow(0), mem.max_pages)
attempt(lambda: a.exports.load(6 * 65536))
attempt(lambda: b.exports.load(6 * 65536))
print(b.exports.load(6 * 65536 - 1), text(mem, 0, 5))
"""))
    assert out == [
        "True 117 b'owner\\x00\\x00\\x00user'",
        "5 5 5",
        "6 6",
        "1 3 3 3 196608",
        "42 42 42",
        "3 4 4 5 117",
        "4 -1 6 6",
        "Trap out of bounds memory access",
        "Trap out of bounds memory access",
        "0 b'owner'",
    ]


def test_growth_during_a_host_call_is_seen_by_the_guest_that_made_it(mode):
    # b's guest is running (inside its host import) while a grows the
    # memory: b must store into and read the new last page.
    fw, p = mode
    out = fw.lines(script(p, """
a = wasm.Instance(owner_m, heap=0)
steps = [3, 2]
def host():
    print("grown from", a.exports.grow(steps.pop(0)))
b = user(a.exports.mem, host)
print(b.exports.poke_after_host(99), b.exports.size(), a.exports.load(4 * 65536 - 1))
print(b.exports.poke_after_host(7), a.exports.size(), a.exports.load(6 * 65536 - 1))
"""))
    assert out == [
        "grown from 1",
        "99 4 99",
        "grown from 4",
        "7 6 7",
    ]


def test_the_memory_outlives_the_instance_that_made_it(mode):
    fw, p = mode
    out = fw.lines(script(p, """
a = wasm.Instance(owner_m, heap=0)
mem = a.exports.mem
b = user(mem)
c = user(mem)
a.close()
attempt(lambda: a.exports.load(0))
print(b.exports.load(0), text(mem, 8, 4), mem.pages)
print(c.exports.grow(1), b.exports.size(), mem.pages)
b.exports.store(65536, 3)
print(c.exports.load(65536), mem[65536])
b.close()
print(c.exports.load(0), mem[65536], mem.grow(1), c.exports.size())
c.close()
attempt(lambda: mem[0])
# Closed in another order, and left to the garbage collector.
a = wasm.Instance(owner_m, heap=0)
b = user(a.exports.mem)
b.close()
print(a.exports.load(8))
a.close()
# Left to the garbage collector, in whatever order it finalises them.
for i in range(3):
    a = wasm.Instance(owner_m, heap=0)
    user(a.exports.mem).exports.grow(2)
    a = None
    gc.collect()
"""))
    assert out == [
        "ValueError wasm instance is closed",
        "111 b'user' 1",
        "1 2 2",
        "3 3",
        "111 3 2 3",
        "ValueError wasm instance is closed",
        "117",
    ]


def test_the_creator_closed_while_another_guest_waits_in_a_host_call(mode):
    fw, p = mode
    out = fw.lines(script(p, """
a = wasm.Instance(owner_m, heap=0)
mem = a.exports.mem
def host():
    a.close()
    gc.collect()
b = user(mem, host)
print(b.exports.poke_after_host(9), a.closed, mem[65535], b.exports.load(0))
print(b.exports.grow(1), mem.pages, text(mem, 8, 4))
"""))
    assert out == [
        "9 True 9 111",
        "1 2 b'user'",
    ]


def test_a_python_memory_shared_after_its_first_import(mode):
    fw, p = mode
    out = fw.lines(script(p, """
mem = wasm.Memory(2, 4)
b = user(mem)
c = user(mem)
print(b.memory is mem, c.memory is mem, mem.pages, text(mem, 8, 4))
c.exports.store(70000, 8)
print(b.exports.load(70000), mem.grow(1), b.exports.size(), c.exports.size())
attempt(lambda: c.exports.grow(2))
print(b.exports.grow(1), c.exports.size(), mem.pages)
"""))
    assert out == [
        "True True 2 b'user'",
        "8 2 3 3",
        "-1",
        "3 4 4",
    ]


def test_failed_instantiations_keep_the_shared_memory(mode):
    # The spec's semantics: what a failing instantiation wrote stays; the
    # memory itself stays the other instances', intact and not freed.
    fw, p = mode
    out = fw.lines(script(p, f"""
partial = wasm.Module.load({str(p['partial'])!r})
trapping = wasm.Module.load({str(p['trapping'])!r})
a = wasm.Instance(owner_m, heap=0)
mem = a.exports.mem
attempt(lambda: wasm.Instance(partial, {{"env": {{"memory": mem}}}}, heap=0))
print(text(mem, 32, 4), a.exports.load(0))
attempt(lambda: wasm.Instance(trapping, {{"env": {{"memory": mem}}}}, heap=0))
print(a.exports.load(40), a.exports.grow(1), mem.pages)
b = user(mem)
print(b.exports.load(32), b.exports.size())
a.close()
b.close()
"""))
    assert out == [
        "LinkError instantiation failed: out of bounds memory access",
        "b'kept' 111",
        "Trap unreachable",
        "77 1 2",
        "107 2",
    ]


@pytest.mark.exact_pool_balance
def test_shared_memories_return_the_pool(mode):
    # Closed in either order, failed instantiations, groups collected: the
    # memory is freed once, with the last instance (ASan checks the
    # "once" part in the tests above; its pool counts are not exact).
    fw, p = mode
    out = fw.lines(script(p, f"""
partial = wasm.Module.load({str(p['partial'])!r})
user(wasm.Memory(1)).close()  # links the module's host imports (kept)
before = wasm.pool_info()[1]
for first in (0, 1):
    a = wasm.Instance(owner_m, heap=0)
    pair = [a, user(a.exports.mem)]
    pair[1].exports.grow(2)
    pair[first].close()
    pair[1 - first].close()
    print(wasm.pool_info()[1] - before)
a = wasm.Instance(owner_m, heap=0)
attempt(lambda: wasm.Instance(partial, {{"env": {{"memory": a.exports.mem}}}}, heap=0))
a.close()
print(wasm.pool_info()[1] - before)
def pair():
    a = wasm.Instance(owner_m, heap=0)
    user(a.exports.mem).exports.grow(2)
# The collector may still see the last group (a stale pointer on the C
# stack): what it frees stays the same however many groups it collects.
pair()
gc.collect()
after_one = wasm.pool_info()[1]
for i in range(5):
    pair()
gc.collect()
print(wasm.pool_info()[1] - after_one)
"""))
    assert out == ["0", "0", "LinkError instantiation failed: out of bounds memory access", "0", "0"]


def test_a_memory_its_module_never_grows_keeps_its_limits_to_be_shared(mode):
    fw, p = mode
    out = fw.lines(script(p, f"""
n = wasm.Instance(wasm.Module.load({str(p['no_grow'])!r}), heap=0)
mem = n.exports.mem
print(mem.pages, mem.max_pages, len(mem))
b = user(mem)
print(b.exports.grow(1), n.exports.load(3 * 65536 - 1), b.exports.load(0), mem.grow(1), mem.pages)
attempt(lambda: mem.grow(1))
s = wasm.Instance(wasm.Module.load({str(p['shrunk'])!r}), heap=0)
print(s.exports.mem.pages, len(s.exports.mem))
attempt(lambda: user(s.exports.mem))
"""))
    assert out == [
        "2 4 131072",
        "2 0 102 3 4",
        "Error cannot grow memory by 1 pages (now 4, max 4)",
        "1 66560",
        "LinkError import env.memory: WAMR shrank this memory to the part its module uses "
        "(it never grows it): it cannot be shared",
    ]


def test_what_cannot_be_shared_is_refused(mode):
    fw, p = mode
    out = fw.lines(script(p, f"""
small_max = wasm.Module.load({str(p['small_max'])!r})
# An app heap lives in its instance's memory (Instance's default heap).
with_heap = wasm.Instance(owner_m)
attempt(lambda: user(with_heap.exports.mem))
a = wasm.Instance(owner_m, heap=0)
mem = a.exports.mem
# The importer's limits are checked against the memory as it is now.
attempt(lambda: wasm.Instance(small_max, {{"env": {{"memory": mem}}}}, heap=0))
attempt(lambda: wasm.Instance(user_m, {{"env": {{"memory": mem, "host": nothing}}}}, heap=0, max_pages=2))
a.exports.grow(1)
a.close()
attempt(lambda: user(mem))
attempt(lambda: mem[0])
"""))
    assert out == [
        "LinkError import env.memory: the memory holds its instance's app heap "
        "(create that instance with heap=0 to share it)",
        "LinkError import env.memory: the module imports memory of 1..3 pages, the wasm.Memory has 1..6",
        "ValueError max_pages cannot cap a memory shared with another instance",
        "LinkError import env.memory: the wasm.Memory's instance is closed",
        "ValueError wasm instance is closed",
    ]


def test_interpreted_and_aot_instances_share_one_memory(fw, aotc, tmp_path):
    import subprocess

    from scripts import aot

    paths = {}
    for name in ("owner", "user"):
        src = tmp_path / f"{name}.wat"
        src.write_text(WATS[name])
        subprocess.run(["wat2wasm", str(src), "-o", str(tmp_path / f"{name}.wasm")], check=True)
        paths[name] = tmp_path / f"{name}.wasm"
    user_aot = aot.compile_wasm(paths["user"], "x86_64", output=tmp_path / "user.aot", quiet=True)
    out = fw.lines(script(paths, f"""
aot_user_m = wasm.Module.load({str(user_aot)!r})
a = wasm.Instance(owner_m, heap=0)
def host():
    a.exports.grow(2)
b = wasm.Instance(aot_user_m, {{"env": {{"memory": a.exports.mem, "host": host}}}}, heap=0)
print(b.exports.load(0), a.exports.load(8))
print(b.exports.poke_after_host(55), a.exports.load(3 * 65536 - 1), a.exports.size())
a.close()
print(b.exports.grow(1), b.exports.load(3 * 65536 - 1))
"""))
    assert out == [
        "111 117",
        "55 55 3",
        "3 55",
    ]
