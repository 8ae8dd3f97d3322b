"""The WASI sandbox holds at every use of every descriptor, renames cannot
make an in-sandbox name resolve outside (issue 10, item 5), and what a
Python VFS returns is checked before use (item 6)."""

import os

from hostile_support import O_DIRECTORY, RIGHT_READ, RIGHT_WRITE, hostile, mode  # noqa: F401

SETUP = f"""
import os
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(preopens={{'/d': 'data'}}))
mem = inst.memory
e = inst.exports
def at(path, off=1000):
    put(mem, off, path)
    return off, len(path)
def open_dir(path):
    err = e.path_open(3, 0, *at(path), {O_DIRECTORY}, 0, 0, 0, 100)
    return err or get32(mem, 100)
def open_file(path, dirfd=3):
    err = e.path_open(dirfd, 0, *at(path), 0, {RIGHT_READ}, 0, 0, 100)
    return err or get32(mem, 100)
def rename(old, new):
    return e.path_rename(3, *at(old), 3, *at(new, 1500))
def readdir(fd):
    return e.fd_readdir(fd, 2000, 512, 0, 100)
def fstat(fd):
    return e.fd_filestat_get(fd, 200)
def stat(path):
    return e.path_filestat_get(3, 0, *at(path), 200)
"""


def test_a_moved_symlink_cannot_take_a_descriptor_outside(mode):
    work = mode.fw.workdir
    (work / "data" / "sub").mkdir(parents=True)
    (work / "data" / "d").mkdir()
    (work / "secret.txt").write_text("outside")
    os.symlink("..", work / "data" / "sub" / "up")   # resolves to data/: legal
    out = mode.lines(SETUP + """
fd = open_dir(b'd')
print(fd, readdir(fd), get32(mem, 100), fstat(fd))
# The attack: move the legal symlink over the directory the guest holds.
print(e.path_remove_directory(3, *at(b'd')), rename(b'sub/up', b'd'), rename(b'sub', b'moved'))
print(sorted(os.listdir('data')), sorted(os.listdir('data/sub')))
# Had anything (the host, another program) made that swap, every use of the
# descriptor is refused:
os.rename('data/sub/up', 'data/d')
print(readdir(fd), fstat(fd), open_file(b'secret.txt', fd), open_file(b'../secret.txt', fd))
print(open_file(b'd/secret.txt'), stat(b'd'), stat(b'd/secret.txt'), open_dir(b'd'))
print(open_file(b'd/../sub/../d/data/../secret.txt'))
""")
    assert out == [
        "4 0 0 0",
        "0 63 63",               # the symlink, or a directory holding it, stays put (EPERM)
        "['sub'] ['up']",
        "76 76 76 44",           # ENOTCAPABLE at every use of fd 4 ("../" is data/ itself)
        "76 76 76 76",
        "76",
    ]
    assert (work / "secret.txt").read_text() == "outside"


def test_renames_of_plain_files_and_directories_still_work(mode):
    work = mode.fw.workdir
    (work / "data" / "a" / "b").mkdir(parents=True)
    (work / "data" / "a" / "b" / "f.txt").write_text("x")
    (work / "data" / "keep" / "deep").mkdir(parents=True)
    os.symlink("../..", work / "data" / "keep" / "deep" / "link")   # resolves to data/
    out = mode.lines(SETUP + """
print(rename(b'a/b/f.txt', b'a/g.txt'), rename(b'a', b'z'))
# One level up, the link would resolve to data's parent.
print(rename(b'keep/deep', b'deep'), rename(b'keep', b'k2'), rename(b'keep/deep/link', b'l'))
print(sorted(os.listdir('data')), sorted(os.listdir('data/z')), os.listdir('data/keep/deep'))
""")
    assert out == ["0 0", "63 63 63", "['keep', 'z'] ['b', 'g.txt'] ['link']"]


def test_a_symlink_into_a_sibling_with_the_same_prefix_is_outside(mode):
    work = mode.fw.workdir
    (work / "data" / "inner").mkdir(parents=True)
    (work / "data" / "inner" / "ok.txt").write_text("inside")
    (work / "data-secret").mkdir()
    (work / "data-secret" / "x").write_text("secret")
    os.symlink("../data-secret", work / "data" / "s")
    os.symlink("inner", work / "data" / "t")
    out = mode.lines(SETUP + """
print(open_file(b's/x'), open_dir(b's'), stat(b's'), stat(b's/x'), e.path_create_directory(3, *at(b's/new')))
print(open_file(b't/ok.txt'), stat(b't/ok.txt'), mem[232])
""")
    assert out == ["76 76 76 76 76", "4 0 6"]
    assert sorted(os.listdir(work / "data-secret")) == ["x"]


HOSTILE_VFS = """
class HostileVFS(PythonVFS):
    entries = []
    stat_result = None
    file = None
    def file_stat(self, path):
        return self.stat_result
    def ilistdir(self, path):
        return iter(self.entries)
    def open(self, path, mode):
        return self.file
vfs = HostileVFS()
os.mount(vfs, '/hostile')
inst = wasm.Instance(wasm.Module.load(PATH_WASI), wasi=wasm.WASI(preopens={'/h': '/hostile'}))
mem = inst.memory
e = inst.exports
put(mem, 1000, b'f')
def attempt(f, *args):
    try:
        return f(*args)
    except Exception as exc:
        return '%s: %s' % (type(exc).__name__, exc)
def names():
    used = get32(mem, 100)
    pos, out = 2000, []
    while pos < 2000 + used:
        namlen = get32(mem, pos + 16)
        out.append((get64(mem, pos + 8), mem[pos + 20], mem[pos + 24:pos + 24 + namlen]))
        pos += 24 + namlen
    return out
"""


def test_hostile_vfs_listings(mode):
    out = mode.lines("import os\n" + HOSTILE_VFS + """
vfs.stat_result = (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
long_name = 'n' * 3 + str(len(vfs.entries))   # built at run time: not an interned string
vfs.entries = [('a', 0x8000, 1), ('dir', 0x4000), ['c', 0x8000, 2 ** 70 + 5, 9], (b'raw', 0x8000, 4),
               (long_name, 2 ** 70, 5)]
print(e.fd_readdir(3, 2000, 512, 0, 100), names())
for bad in (5, None, ('x',), (None, 0x8000, 1), ('x', 'type', 1), ('x', 0x8000, 'ino'), b'xy',
            'name', ('x', 0x8000, 1.5), ('x', 1.5, 1)):
    vfs.entries = [('ok', 0x8000, 1), bad]
    print(attempt(e.fd_readdir, 3, 2000, 512, 0, 100), attempt(e.path_remove_directory, 3, 1000, 1))
""")
    bad = "TypeError: VFS ilistdir() entries must be (name, type[, inode[, size]]) tuples"
    assert out == ["0 [(1, 4, b'a'), (0, 3, b'dir'), (5, 4, b'c'), (4, 4, b'raw'), (5, 0, b'nnn0')]"] + [
        f"{bad} {bad}"] * 10


def test_hostile_vfs_stat_results(mode):
    out = mode.lines("import os\n" + HOSTILE_VFS + """
for result in ((0x8000, 7, 0, 1, 0, 0, 2 ** 80 + 3, 1.5, 2.0, -3), (0x8000,) * 12,
               (0x8000, 1, 0, 1, 0, 0, 1, -2.5, 1e20, 10 ** 11)):   # times out of range: 0
    vfs.stat_result = result
    print(attempt(e.path_filestat_get, 3, 0, 1000, 1, 200), mem[216], get64(mem, 232), get64(mem, 248))
for result in (None, 5, (0x8000, 1, 2), [0x8000] * 10, (0x8000, 'ino', 0, 1, 0, 0, 5, 0, 0, 0),
               (0x8000, [], 0, 1, 0, 0, 5, 0, 0, 0)):
    vfs.stat_result = result
    print(attempt(e.path_filestat_get, 3, 0, 1000, 1, 200), attempt(e.path_open, 3, 0, 1000, 1, 0, 0, 0, 0, 100))
""")
    bad = "TypeError: VFS stat() must return a tuple of 10 numbers"
    assert out == ["0 4 3 2000000000", "0 4 32768 32768000000000", "0 4 1 0"] + [f"{bad} {bad}"] * 6


def test_hostile_vfs_file_objects(mode):
    out = mode.lines("import os\n" + HOSTILE_VFS + f"""
vfs.stat_result = (0x8000, 1, 0, 1, 0, 0, 3, 0, 0, 0)
class Weird:
    def __init__(self, read, write, seek):
        self.r, self.w, self.s = read, write, seek
    def read(self, n):
        return self.r
    def write(self, data):
        return self.w
    def seek(self, offset, whence):
        return self.s
put32(mem, 300, 400, 8)
def fd_for(obj, rights={RIGHT_READ | RIGHT_WRITE}):
    vfs.file = obj
    err = e.path_open(3, 0, 1000, 1, 0, rights, 0, 0, 100)
    return err or get32(mem, 100)
for obj in (object(), Weird(5, -1, 'x'), Weird(b'123456789', 10 ** 6, -2), Weird(None, 'two', 2 ** 70),
            Weird(None, 2.0, 1.5), Weird(b'abc', 2, 7)):
    fd = fd_for(obj)
    print(fd, attempt(e.fd_read, fd, 300, 1, 104), attempt(e.fd_write, fd, 300, 1, 104),
          attempt(e.fd_seek, fd, 0, 1, 108), attempt(e.fd_close, fd))
print(mem[400:403], get32(mem, 104), get64(mem, 108))
""")
    bad = "TypeError: stream {}() returned an invalid value"
    assert out == [
        "4 AttributeError: 'object' object has no attribute 'read' "
        "AttributeError: 'object' object has no attribute 'write' "
        "AttributeError: 'object' object has no attribute 'seek' 0",
        f"4 {bad.format('read')} {bad.format('write')} {bad.format('seek')} 0",
        f"4 {bad.format('read')} {bad.format('write')} {bad.format('seek')} 0",
        f"4 0 {bad.format('write')} OverflowError: overflow converting long int to machine word 0",
        f"4 0 {bad.format('write')} {bad.format('seek')} 0",
        "4 0 0 0 0",
        "b'abc' 2 7",
    ]
