"""File descriptors used against their access mode, and a full filesystem
(issue 10, item 10): WASI errnos for the guest, never a host exception."""

import os

from hostile_support import O_CREAT, O_TRUNC, RIGHT_READ, RIGHT_WRITE, hostile, mode  # noqa: F401

OPEN = f"""
def at(path, off=1000):
    put(mem, off, path)
    return off, len(path)
def open_file(path, rights, oflags=0):
    err = e.path_open(3, 0, *at(path), oflags, rights, 0, 0, 100)
    return err or get32(mem, 100)
R, W, RW, CREAT = {RIGHT_READ}, {RIGHT_WRITE}, {RIGHT_READ | RIGHT_WRITE}, {O_CREAT | O_TRUNC}
"""


def test_reading_a_write_only_fd_and_writing_a_read_only_fd_are_ebadf(mode):
    (mode.fw.workdir / "data").mkdir()
    (mode.fw.workdir / "data" / "r.txt").write_text("read me")
    out = mode.lines(OPEN + """
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(preopens={'/d': 'data'}))
mem, e = inst.memory, inst.exports
put(mem, 400, b'0123456789')
put32(mem, 300, 400, 10)
r, w, rw = open_file(b'r.txt', R), open_file(b'w.txt', W, CREAT), open_file(b'rw.txt', RW, CREAT)
print(r, w, rw)
print(e.fd_write(r, 300, 1, 104), e.fd_pwrite(r, 300, 1, 0, 104), e.fd_read(w, 300, 1, 104),
      e.fd_pread(w, 300, 1, 0, 104))
print(e.fd_write(rw, 300, 1, 104), e.fd_pread(rw, 300, 1, 2, 104), get32(mem, 104), mem[400:410])
print(e.fd_read(r, 300, 1, 104), mem[400:407], e.fd_write(0, 300, 1, 104), e.fd_read(1, 300, 1, 104))
e.fd_fdstat_get(r, 500)
e.fd_fdstat_get(w, 600)
print(get64(mem, 508) & 0x42, get64(mem, 608) & 0x42)
for fd in (r, w, rw):
    e.fd_close(fd)
print(open('data/r.txt').read(), open('data/w.txt').read(), open('data/rw.txt').read())
""")
    assert out == [
        "4 5 6",
        "8 8 8 8",                       # EBADF each way
        "0 0 8 b'2345678989'",
        "0 b'read me' 8 8",
        "2 64",                          # fdstat rights: read only / write only
        "read me  0123456789",
    ]


LFS = """
import os
class RAMBlockDevice:
    def __init__(self, blocks, size=512):
        self.size = size
        self.data = bytearray(blocks * size)
    def readblocks(self, n, buf, off=0):
        buf[:] = self.data[n * self.size + off:n * self.size + off + len(buf)]
    def writeblocks(self, n, buf, off=None):
        off = off or 0
        self.data[n * self.size + off:n * self.size + off + len(buf)] = buf
    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.size
        if op == 5:
            return self.size
        if op == 6:
            return 0
bdev = RAMBlockDevice(48)
os.VfsLfs2.mkfs(bdev)
os.mount(os.VfsLfs2(bdev), '/lfs')
with open('/lfs/keep.txt', 'w') as f:
    f.write('precious')
"""


def test_a_full_littlefs_gives_the_guest_enospc(mode):
    out = mode.lines(OPEN + LFS + """
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(preopens={'/d': '/lfs'}))
mem, e = inst.memory, inst.exports
put32(mem, 300, 1024, 4096)
fd = open_file(b'fill.bin', W, CREAT)
print(fd, e.fill(fd, 300, 1000), e.fd_close(fd))
size = os.stat('/lfs/fill.bin')[6]
os.umount('/lfs')
os.mount(os.VfsLfs2(bdev), '/lfs')
print(sorted(os.listdir('/lfs')), open('/lfs/keep.txt').read(), size == os.stat('/lfs/fill.bin')[6])
os.remove('/lfs/fill.bin')
fd = open_file(b'again.txt', W, CREAT)
put32(mem, 300, 1024, 5)
print(e.fd_write(fd, 300, 1, 104), e.fd_close(fd), os.stat('/lfs/again.txt')[6])
""")
    assert out == ["4 51 0", "['fill.bin', 'keep.txt'] precious True", "0 0 5"]


def test_errors_of_python_vfs_files_are_errnos(mode):
    out = mode.lines(OPEN + """
import os
class Full:
    def write(self, data):
        raise OSError(28)
    def read(self, n):
        raise OSError(5)
    def seek(self, offset, whence):
        return 0
    def close(self):
        raise OSError(28)
class OneFileVFS(PythonVFS):
    def file_stat(self, path):
        return (0x8000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    def open(self, path, mode):
        return Full()
os.mount(OneFileVFS(), '/one')
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(preopens={'/d': '/one'}))
mem, e = inst.memory, inst.exports
put32(mem, 300, 400, 10)
fd = open_file(b'f', RW)
print(fd, e.fd_write(fd, 300, 1, 104), e.fd_read(fd, 300, 1, 104), e.fd_pwrite(fd, 300, 1, 5, 104),
      e.fd_pread(fd, 300, 1, 5, 104), e.fd_close(fd), e.fd_close(fd))
try:
    e.fd_pread(3, 300, 1, 0, len(mem))
except wasm.Trap as exc:
    print('Trap:', exc)
""")
    assert out == ["4 51 29 51 29 51 8", "Trap: out of bounds memory access"]


def test_host_stdio_files_used_the_wrong_way_raise_to_the_caller(mode):
    (mode.fw.workdir / "in.txt").write_text("input")
    out = mode.lines("""
import os
inst = wasm.Instance(wasm.Module.load(PATH_WASI),
                     wasi=wasm.WASI(stdout=open('in.txt', 'rb'), stdin=open('out.txt', 'wb')))
mem, e = inst.memory, inst.exports
put32(mem, 300, 400, 5)
for call, fd in ((e.fd_write, 1), (e.fd_read, 0)):
    try:
        call(fd, 300, 1, 104)
    except OSError as exc:
        print('OSError', exc.errno)
print(inst.exports.grow(0))   # the instance carries on
""")
    assert out == ["OSError 9", "OSError 9", "2"]


def test_rights_descriptor_limits_and_a_failing_sync(mode):
    work = mode.fw.workdir
    (work / "data" / "dirs").mkdir(parents=True)
    (work / "data" / "r.txt").write_text("abc")
    os.mkfifo(work / "data" / "fifo")
    out = mode.lines(OPEN + """
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(preopens={'/d': 'data'}))
mem, e = inst.memory, inst.exports
put32(mem, 300, 400, 3)
fd = open_file(b'r.txt', 0)   # no rights asked for: read-only
print(e.fd_read(fd, 300, 1, 104), mem[400:403], e.fd_write(fd, 300, 1, 104))
fifo = open_file(b'fifo', RW)
print(e.fd_write(fifo, 300, 1, 104), e.fd_sync(fifo), e.fd_close(fifo))   # fsync of a FIFO: EINVAL
fds = []
while True:
    err = e.path_open(3, 0, *at(b'dirs'), 2, 0, 0, 0, 100)
    if err:
        break
    fds.append(get32(mem, 100))
print(err, len(fds) + 5)
""")
    assert out == ["0 b'abc' 8", "0 28 0", "33 32"]


def test_a_file_closed_by_instance_close_cannot_reach_the_instance(mode):
    # Instance.close() closes the guest's open files, which runs a Python
    # VFS file's close(): that code sees a closed instance (it may not
    # reach freed WAMR memory, nor close it, and so free it, twice).
    out = mode.lines(OPEN + """
import os, gc
class Sneaky:
    def write(self, data):
        return len(data)
    def close(self):
        for what in ('exports', 'memory'):
            try:
                getattr(inst, what)
                print(what, 'reachable')
            except ValueError as exc:
                print(what, exc)
        inst.close()
        mod.close()
        print('nested close ok')
class OneFileVFS(PythonVFS):
    def file_stat(self, path):
        return (0x8000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    def open(self, path, mode):
        return Sneaky()
os.mount(OneFileVFS(), '/one')
warm = wasm.Module.load(PATH_WASI)   # what stays registered for the session
wasm.Instance(warm, wasi=wasm.WASI()).close()
warm.close()
gc.collect()
before = wasm.pool_info()
mod = wasm.Module.load(PATH_WASI)
inst = wasm.Instance(mod, wasi=wasm.WASI(preopens={'/d': '/one'}))
mem, e = inst.memory, inst.exports
print(open_file(b'f', W, CREAT))
del mem, e
inst.close()
inst.close()
mod.close()
gc.collect()
print(wasm.pool_info() == before)
""")
    assert out == ["4", "exports wasm instance is closed", "memory wasm instance is closed",
                   "nested close ok", "True"]
