"""Guest memory moved by Python code that runs inside a WASI call (issue
10, item 3): a stream, a scheduled callback or a VFS method re-enters the
guest and grows its memory (which moves it); the WASI function must write
where the guest's offsets point now, not through a pointer taken before."""

from hostile_support import hostile, mode  # noqa: F401

SETUP = """
import io, uctypes, micropython
def base():
    return uctypes.addressof(memoryview(inst.memory))
grown = []
def grow():
    grown.append(inst.exports.grow(2))
"""


def test_fd_read_from_a_stream_that_moves_memory(mode):
    out = mode.lines(SETUP + """
class Stdin:
    def read(self, n):
        grow()
        return b'abc'
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(stdin=Stdin()))
mem = inst.memory
put32(mem, 100, 200, 16)
before = base()
print(inst.exports.fd_read(0, 100, 1, 300), get32(mem, 300), mem[200:203], grown, base() != before)
""")
    assert out == ["0 3 b'abc' [2] True"]


def test_fd_write_to_a_stream_that_moves_memory(mode):
    out = mode.lines(SETUP + """
class Stdout:
    def __init__(self):
        self.chunks = []
    def write(self, data):
        self.chunks.append(bytes(data))
        grow()
out = Stdout()
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(stdout=out))
mem = inst.memory
put(mem, 200, b'first|second')
put32(mem, 100, 200, 6, 206, 6)
before = base()
print(inst.exports.fd_write(1, 100, 2, 300), get32(mem, 300), out.chunks, grown, base() != before)
""")
    assert out == ["0 12 [b'first|', b'second'] [2, 4] True"]


def test_poll_oneoff_with_a_scheduled_callback_that_moves_memory(mode):
    out = mode.lines(SETUP + """
inst = wasm.Instance(wasm.Module.load(PATH_WASI))
mem = inst.memory
sub = bytearray(48)
sub[0:8] = b'userdata'       # userdata
sub[8] = 0                   # clock
sub[24:32] = (2000000).to_bytes(8, 'little')  # 2 ms, relative
put(mem, 100, sub)
before = base()
micropython.schedule(lambda _: grow(), None)
print(inst.exports.poll_oneoff(100, 200, 1, 300), get32(mem, 300), mem[200:208], mem[210], grown,
      base() != before)
""")
    assert out == ["0 1 b'userdata' 0 [2] True"]


def test_vfs_methods_that_move_memory(mode):
    out = mode.lines(SETUP + """
import os
class MovingVFS(PythonVFS):
    def file_stat(self, path):
        grow()
        return (0x8000, 7, 0, 1, 0, 0, 1234, 1, 2, 3)
    def ilistdir(self, path):
        for i, name in enumerate(('a', 'bb', 'ccc')):
            grow()
            yield (name, 0x8000, i + 10)
os.mount(MovingVFS(), '/moving')
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(preopens={'/d': '/moving'}))
mem = inst.memory
put(mem, 100, b'file')
before = base()
print(inst.exports.path_filestat_get(3, 0, 100, 4, 200), mem[216], get64(mem, 232), grown, base() != before)
grown.clear()
print(inst.exports.fd_readdir(3, 400, 200, 0, 300), get32(mem, 300), grown)
pos, names = 400, []
for i in range(3):
    namlen = get32(mem, pos + 16)
    names.append((get64(mem, pos), get64(mem, pos + 8), mem[pos + 20], mem[pos + 24:pos + 24 + namlen]))
    pos += 24 + namlen
print(names)
""")
    assert out == [
        "0 4 1234 [2] True",
        "0 78 [4, 6, 8]",
        "[(1, 10, 4, b'a'), (2, 11, 4, b'bb'), (3, 12, 4, b'ccc')]",
    ]


def test_an_iovec_changed_by_python_mid_call_is_checked_again(mode):
    out = mode.lines(SETUP + """
class Stream:
    def __init__(self):
        self.seen = []
    def write(self, data):
        self.seen.append(bytes(data))
        put32(mem, 108, 0xfffffff0, 16)   # the second iovec now leaves memory
    def read(self, n):
        self.seen.append(n)
        put32(mem, 108, len(mem) - 2, 16)   # room for 2 of the 3 bytes
        return b'abc'
s = Stream()
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(stdin=s, stdout=s))
mem = inst.memory
put32(mem, 100, 200, 3, len(mem) - 2, 16)   # the second iovec leaves memory from the start
for call, fd in ((inst.exports.fd_write, 1), (inst.exports.fd_read, 0)):
    try:
        call(fd, 100, 2, 300)
    except wasm.Trap as exc:
        print('Trap before anything moved:', exc, s.seen)
for call, fd in ((inst.exports.fd_write, 1), (inst.exports.fd_read, 0)):
    put(mem, 200, b'first|second')
    put32(mem, 100, 200, 3, 206, 6)
    put32(mem, 300, 0)
    try:
        print(call(fd, 100, 2, 300))
    except wasm.Trap as exc:
        print('Trap:', exc, s.seen, get32(mem, 300), mem[200:206])
    s.seen.clear()
""")
    assert out == ["Trap before anything moved: out of bounds memory access []"] * 2 + [
                   "Trap: out of bounds memory access [b'fir'] 0 b'first|'",
                   "Trap: out of bounds memory access [3, 16] 0 b'abcst|'"]
