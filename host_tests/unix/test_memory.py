"""inst.memory: a live view of the guest's linear memory (memgrow.wasm)."""

PRELUDE = """
import wasm
inst = wasm.Instance(wasm.Module.load(GUEST + '/memgrow.wasm'), heap=0)
e = inst.exports
mem = inst.memory
"""


def test_initial_size_and_identity(any_fw):
    out = any_fw.lines(PRELUDE + """
print(type(mem).__name__, mem is inst.memory, isinstance(mem, wasm.Memory))
print(e.pages(), mem.pages, len(mem), mem.max_pages)
""")
    assert out == ["Memory True True", "1 1 65536 65536"]


def test_default_app_heap_adds_a_page(any_fw):
    out = any_fw.lines("""
        import wasm
        inst = wasm.Instance(wasm.Module.load(GUEST + '/memgrow.wasm'))
        print(inst.exports.pages(), inst.memory.pages, len(inst.memory))
    """)
    assert out == ["2 2 131072"]


def test_guest_grow_is_reflected_immediately(any_fw):
    out = any_fw.lines(PRELUDE + """
print(e.grow(2), e.pages(), mem.pages, len(mem))
print(e.grow(0), e.pages(), len(mem))
print(e.grow(-1), e.grow(70000), e.pages(), len(mem))
# The new pages are usable from both sides at once.
e.poke(3 * 65536 - 1, 0x5A)
print(mem[3 * 65536 - 1], mem[-1])
mem[2 * 65536] = 7
print(e.peek(2 * 65536))
""")
    assert out == [
        "1 3 3 196608",
        "3 3 196608",
        "-1 -1 3 196608",
        "90 90",
        "7",
    ]


def test_guest_writes_are_visible_to_the_host(any_fw):
    out = any_fw.lines(PRELUDE + """
e.poke(100, 0x1AB)   # only the low byte is stored
e.poke(101, 255)
e.poke(65535, 1)
print(mem[100], mem[101], mem[65535], mem[-1], mem[99:103])
print(type(mem[0:4]).__name__, len(mem[0:10]), mem[65530:70000], mem[10:5])
""")
    assert out == [
        "171 255 1 1 b'\\x00\\xab\\xff\\x00'",
        "bytes 10 b'\\x00\\x00\\x00\\x00\\x00\\x01' b''",
    ]


def test_host_writes_are_visible_to_the_guest(any_fw):
    out = any_fw.lines(PRELUDE + """
mem[200] = 77
mem[-2] = 254
mem[300:305] = b'hello'
mem[305:308] = bytearray(b'abc')
mem[308:310] = memoryview(b'xyz')[1:]
print(e.peek(200), e.peek(65534))
print(bytes(e.peek(i) for i in range(300, 310)))
""")
    assert out == ["77 254", "b'helloabcyz'"]


def test_slice_read_is_a_copy(fw):
    out = fw.lines(PRELUDE + """
snap = mem[0:4]
e.poke(0, 9)
print(snap, mem[0:4])
""")
    assert out == ["b'\\x00\\x00\\x00\\x00' b'\\t\\x00\\x00\\x00'"]


def test_memoryview_is_zero_copy(any_fw):
    out = any_fw.lines(PRELUDE + """
mv = memoryview(mem)
print(len(mv), mv[0:4] == b'\\x00' * 4)
mv[400] = 9
mv[401:404] = b'abc'
print(e.peek(400), e.peek(401), e.peek(403))
e.poke(500, 0x42)
print(mv[500], bytes(mv[401:404]))
""")
    assert out == ["65536 True", "9 97 99", "66 b'abc'"]


def test_memoryview_after_growth_covers_the_new_size(fw):
    out = fw.lines(PRELUDE + """
e.grow(1)
mv = memoryview(mem)
mv[65536 + 10] = 33
print(len(mv), e.peek(65536 + 10))
mem.grow(2)
print(len(memoryview(mem)), len(mem))
""")
    assert out == ["131072 33", "262144 262144"]


def test_host_grow_is_seen_by_the_guest(any_fw):
    out = any_fw.lines(PRELUDE + """
print(mem.grow(1), e.pages(), mem.pages, len(mem))
print(mem.grow(0), e.pages())
e.poke(2 * 65536 - 1, 0xEE)
print(mem[2 * 65536 - 1])
print(e.grow(1), mem.grow(3), e.pages(), mem.pages)
""")
    assert out == [
        "1 2 2 131072",
        "2 2",
        "238",
        "2 3 6 6",
    ]


def test_out_of_range_index_raises_index_error(fw):
    out = fw.lines(PRELUDE + """
def store(i, v):
    mem[i] = v
for f in (lambda: mem[65536], lambda: mem[-65537], lambda: store(65536, 1),
          lambda: store(-65537, 1), lambda: mem[2**40]):
    try:
        f()
    except IndexError as exc:
        print('IndexError:', exc)
print(mem[-65536], mem[65535])
""")
    assert out == ["IndexError: Memory index out of range"] * 5 + ["0 0"]


def test_guest_out_of_range_access_traps(fw):
    out = fw.lines(PRELUDE + """
for f in (lambda: e.peek(65536), lambda: e.poke(65536, 1), lambda: e.poke(-1, 1)):
    try:
        f()
    except wasm.Trap as exc:
        print('Trap:', exc)
e.grow(1)
print(e.peek(65536))
""")
    assert out == ["Trap: out of bounds memory access"] * 3 + ["0"]


def test_bad_byte_values(fw):
    out = fw.lines(PRELUDE + """
for v in (256, -1, 1000, 2**40):
    try:
        mem[0] = v
    except ValueError as exc:
        print('ValueError:', exc)
for v in ('a', 1.5, None):
    try:
        mem[0] = v
    except TypeError as exc:
        print('TypeError:', type(v).__name__)
mem[0] = 255
mem[1] = 0
print(mem[0], mem[1])
""")
    assert out == ["ValueError: byte value out of range"] * 4 + [
        "TypeError: str",
        "TypeError: float",
        "TypeError: NoneType",
        "255 0",
    ]


def test_slice_assignment_must_keep_the_size(fw):
    out = fw.lines(PRELUDE + """
for value in (b'ab', b'abcd', b''):
    try:
        mem[0:3] = value
    except ValueError as exc:
        print('ValueError:', exc)
print(mem[0:4], len(mem))
try:
    mem[0:4:2]
except NotImplementedError as exc:
    print('NotImplementedError:', exc)
try:
    del mem[0]
except TypeError as exc:
    print('TypeError:', exc)
""")
    assert out == ["ValueError: slice assignment must keep the memory size"] * 3 + [
        "b'\\x00\\x00\\x00\\x00' 65536",
        "NotImplementedError: only slices with step 1 are supported",
        "TypeError: wasm memory cannot shrink",
    ]


def test_grow_beyond_max_raises_wasm_error(any_fw):
    out = any_fw.lines(PRELUDE + """
mem.grow(3)
for n in (70000, 65536 - 4 + 1):
    try:
        mem.grow(n)
    except wasm.Error as exc:
        print(type(exc).__name__ + ':', exc)
print(mem.pages, e.pages())
try:
    mem.grow(-1)
except ValueError as exc:
    print('ValueError:', exc)
# A module without memory.grow keeps the limits of the memory it exports
# (patch 0099; WAMR made it 1..1): the host, or an instance sharing it, may
# grow it.
t = wasm.Instance(wasm.Module.load(GUEST + '/traps.wasm'), heap=0)
print(t.memory.pages, t.memory.max_pages, t.memory.grow(1), t.memory.pages)
""")
    assert out == [
        "Error: cannot grow memory by 70000 pages (now 4, max 65536)",
        "Error: cannot grow memory by 65533 pages (now 4, max 65536)",
        "4 4",
        "ValueError: pages must be >= 0",
        "1 65536 1 2",
    ]


def test_memory_of_a_closed_instance(any_fw):
    out = any_fw.lines(PRELUDE + """
def store():
    mem[0] = 1
def store_slice():
    mem[0:2] = b'ab'
inst.close()
for f in (lambda: inst.memory, lambda: len(mem), lambda: mem[0], lambda: mem[0:2],
          store, store_slice, lambda: mem.pages, lambda: mem.max_pages,
          lambda: mem.grow(1), lambda: memoryview(mem), lambda: bytes(mem)):
    try:
        f()
        print('no error')
    except ValueError as exc:
        print('ValueError:', exc)
""")
    assert out == ["ValueError: wasm instance is closed"] * 11


def test_module_without_memory_has_none(fw):
    out = fw.lines("""
        import wasm
        inst = wasm.Instance(wasm.Module(b'\\0asm\\x01\\0\\0\\0'))
        print(inst.memory)
    """)
    assert out == ["None"]
