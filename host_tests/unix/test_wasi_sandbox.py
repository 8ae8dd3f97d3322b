"""The WASI sandbox, reached with raw WASI calls (guest/apps/wasi_raw.wat):
path resolution, containment, the preopen root guard, open flags,
directory operations, links and fd_readdir cookies. Every case asserts the
exact errno and what is (or is not) on the host file system afterwards."""

import os

from hostile_support import PYTHON_VFS
from wasi_raw_support import ERROR_VFS, raw, raw_aot  # noqa: F401 (fixtures)


def make_tree(root):
    """data/a (10 bytes), data/sub/inner.txt, data/d/{f1,f2,f3,s/} and an empty dir."""
    data = root / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a").write_bytes(b"0123456789")
    (data / "sub" / "inner.txt").write_bytes(b"inner")
    (data / "d" / "s").mkdir(parents=True)
    for name in ("f1", "f2", "f3"):
        (data / "d" / name).write_bytes(name.encode())
    (root / "empty").mkdir()
    return data


def test_path_resolution_errors(raw):
    make_tree(raw.workdir)
    out = raw.lines(r"""
r = Raw()
cases = [('absolute', b'/etc/passwd'), ('slash', b'/'), ('empty', b''), ('nul', b'a\x00b'),
         ('256', b'x' * 256), ('255', b'x' * 255), ('dotdot', b'..'), ('up', b'../a'),
         ('up2', b'sub/../../a'), ('back', b'sub/../a'), ('dot', b'./a'),
         ('double', b'sub//inner.txt'), ('root', b'.')]
for name, p in cases:
    st = r.stat(p)
    print(name, st if isinstance(st, str) else st[:2])
""")
    assert out == [
        "absolute ENOTCAPABLE", "slash ENOTCAPABLE", "empty ENOENT", "nul EINVAL",
        "256 ENAMETOOLONG", "255 ENOENT", "dotdot ENOTCAPABLE", "up ENOTCAPABLE",
        "up2 ENOTCAPABLE", "back ('OK', 4)", "dot ('OK', 4)", "double ('OK', 4)",
        "root ('OK', 3)",
    ]


def test_paths_that_are_refused_create_nothing(raw):
    data = make_tree(raw.workdir)
    out = raw.lines(r"""
r = Raw()
for p in (b'new\x00.txt', b'/new.txt', b'../new.txt', b'sub/../../new.txt', b'n' * 256):
    print(r.open(p, O_CREAT), r.path('path_create_directory', p))
""")
    assert out == ["EINVAL EINVAL", "ENOTCAPABLE ENOTCAPABLE", "ENOTCAPABLE ENOTCAPABLE",
                   "ENOTCAPABLE ENOTCAPABLE", "ENAMETOOLONG ENAMETOOLONG"]
    assert sorted(os.listdir(data)) == ["a", "d", "sub"]
    assert sorted(os.listdir(raw.workdir)) == ["data", "empty", "test_script.py"]


def test_directory_descriptor_checks(raw):
    make_tree(raw.workdir)
    out = raw.lines(r"""
r = Raw()
f = r.open(b'a')
sub = r.open(b'sub', O_DIRECTORY, R_READ)
for dirfd in (-1, 32, 31, 99, 0, 1, f):
    print(dirfd == f and 'file' or dirfd, r.stat(b'a', dirfd), r.open(b'a', 0, R_READ, 0, dirfd))
print(r.stat(b'inner.txt', sub), r.stat(b'..', sub)[:2], r.stat(b'../a', sub))
print(r.stat(b'../..', sub), r.stat(b'../../data/a', sub))
""")
    assert out == [
        "-1 EBADF EBADF", "32 EBADF EBADF", "31 EBADF EBADF", "99 EBADF EBADF",
        "0 ENOTDIR ENOTDIR", "1 ENOTDIR ENOTDIR", "file ENOTDIR ENOTDIR",
        "('OK', 4, 5) ('OK', 3) ('OK', 4, 10)",
        "ENOTCAPABLE ENOTCAPABLE",
    ]


def test_guest_pointers_are_validated(raw):
    make_tree(raw.workdir)
    out = raw.lines(r"""
r = Raw()
top = len(r.m)
n = r.put(PATH, b'a')
print(r.call('path_filestat_get', 3, 0, top - 4, 10, BUF))
print(r.call('path_filestat_get', 3, 0, PATH, n, top - 32))
print(r.call('path_open', 3, 0, PATH, n, 0, RW, 0, 0, top - 2))
print(r.call('fd_readdir', 3, top - 8, 64, 0, OUT))
print(r.call('fd_prestat_get', 3, top - 4))
print(r.call('fd_prestat_dir_name', 3, top - 2, 5))
print(r.call('path_create_directory', 3, -1, 4))
print(r.stat(b'a'))
""")
    trap = "Trap out of bounds memory access"
    assert out == [trap] * 7 + ["('OK', 4, 10)"]


def test_symlink_to_a_sibling_with_the_same_prefix_stays_outside(raw):
    """`data` must not contain `data-secret`: containment checks that the
    character after the root's real path is `/` or the end."""
    data = make_tree(raw.workdir)
    secret = raw.workdir / "data-secret"
    secret.mkdir()
    (secret / "key.txt").write_bytes(b"secret")
    os.symlink("../data-secret", data / "peek")
    os.symlink(secret / "key.txt", data / "peek_abs")
    os.symlink("sub", data / "inside")
    out = raw.lines(rf"""
for root in ('data', {str(data) + '/'!r}, ''.join(['da', 'ta'])):
    r = Raw({{'/data': root}})
    print(r.open(b'peek/key.txt', 0, R_READ), r.stat(b'peek'), r.open(b'peek', O_DIRECTORY, R_READ),
          r.open(b'peek_abs', 0, R_READ), r.open(b'peek/new', O_CREAT))
    print(r.path('path_create_directory', b'peek/made'), r.path('path_unlink_file', b'peek/key.txt'))
    n = r.put(PATH2, b'stolen')
    print(r.path('path_rename', b'peek/key.txt', 3, 3, PATH2, n))
    print(r.stat(b'inside/inner.txt'))
""")
    refused = "ENOTCAPABLE ENOTCAPABLE ENOTCAPABLE ENOTCAPABLE ENOTCAPABLE"
    assert out == [refused, "ENOTCAPABLE ENOTCAPABLE", "ENOTCAPABLE", "('OK', 4, 5)"] * 3
    assert sorted(os.listdir(secret)) == ["key.txt"]
    assert (secret / "key.txt").read_bytes() == b"secret"
    assert sorted(os.listdir(data)) == ["a", "d", "inside", "peek", "peek_abs", "sub"]


def test_preopen_roots_cannot_be_removed_or_renamed(raw):
    data = make_tree(raw.workdir)
    (data / "esub").mkdir()
    out = raw.lines(r"""
r = Raw({'/data': 'data', '/empty': 'empty'})
e, d = r.preopen_fd(b'/empty'), r.preopen_fd(b'/data')
print(r.path('path_remove_directory', b'.', e), r.path('path_remove_directory', b'x/..', e))
print(r.path('path_unlink_file', b'.', e), r.path('path_remove_directory', b'.', d))
n = r.put(PATH2, b'moved')
print(r.path('path_rename', b'.', e, d, PATH2, n), r.path('path_create_directory', b'.', e))
esub = r.open(b'esub', O_DIRECTORY, R_READ, 0, d)
print(r.path('path_remove_directory', b'.', esub))
""")
    assert out == ["EPERM EPERM", "EPERM EPERM", "EPERM EEXIST", "OK"]
    assert (raw.workdir / "empty").is_dir()
    assert sorted(os.listdir(data)) == ["a", "d", "sub"]


def test_open_flags(raw):
    data = make_tree(raw.workdir)
    out = raw.lines(r"""
r = Raw()
print(r.open(b'a', O_CREAT | O_EXCL), r.open(b'sub', O_CREAT | O_EXCL), r.open(b'n1', O_CREAT | O_EXCL))
print(r.open(b'a', O_DIRECTORY, R_READ), r.open(b'missing', O_DIRECTORY, R_READ),
      r.open(b'newdir', O_DIRECTORY | O_CREAT, R_READ), r.open(b'missing'))
print(r.open(b'sub', O_TRUNC), r.open(b'sub', O_CREAT), r.open(b'a/x'), r.open(b'a/x', O_CREAT),
      r.open(b'nope/x', O_CREAT))
for fd in (r.open(b'sub'), r.open(b'sub', O_DIRECTORY | O_CREAT), r.open(b'sub', 0, R_READ)):
    r.call('fd_fdstat_get', fd, BUF)
    print(fd, r.m[BUF])
t = r.open(b'a', O_TRUNC)
print(t, r.call('fd_close', t))
""")
    assert out == [
        "EEXIST EEXIST 4",
        "ENOTDIR ENOENT ENOENT ENOENT",
        "EISDIR EISDIR ENOTDIR ENOTDIR ENOENT",
        "5 3", "6 3", "7 3",
        "8 OK",
    ]
    assert sorted(os.listdir(data)) == ["a", "d", "n1", "sub"]
    assert (data / "a").read_bytes() == b""
    assert (data / "n1").read_bytes() == b""


def test_too_many_open_files(raw):
    make_tree(raw.workdir)
    out = raw.lines(r"""
r = Raw()
fds = []
while True:
    fd = r.open(b'a', 0, R_READ)
    if not isinstance(fd, int):
        break
    fds.append(fd)
print(fds[0], fds[-1], len(fds), fd, r.path('path_create_directory', b'still'))
print(r.call('fd_close', fds[5]), r.open(b'a', 0, R_READ), r.open(b'a', 0, R_READ))
""")
    assert out == ["4 31 28 EMFILE OK", "OK 9 EMFILE"]
    assert (raw.workdir / "data" / "still").is_dir()


def test_directory_operations_errors_and_results(raw):
    data = make_tree(raw.workdir)
    (data / "full").mkdir()
    (data / "full" / "x").write_bytes(b"x")
    (data / "d2").mkdir()
    out = raw.lines(r"""
r = Raw()
mk = lambda p: r.path('path_create_directory', p)
rm = lambda p: r.path('path_remove_directory', p)
ul = lambda p: r.path('path_unlink_file', p)
def mv(old, new, newfd=3):
    n = r.put(PATH2, new)
    return r.path('path_rename', old, 3, newfd, PATH2, n)
print(mk(b'sub'), mk(b'a'), mk(b'nope/x'), mk(b'a/x'), mk(b'newd'))
print(rm(b'a'), rm(b'sub'), rm(b'missing'), rm(b'newd'))
print(ul(b'sub'), ul(b'missing'), ul(b'sub/inner.txt'), ul(b'a/x'))
print(mv(b'missing', b'x'), mv(b'a', b'../a'), mv(b'a', b'sub'), mv(b'd2', b'full'))
print(mv(b'd2', b'a'), mv(b'd2', b'd2/inside'), mv(b'a', b'b'), mv(b'b', b'c', 99))
sub = r.open(b'sub', O_DIRECTORY, R_READ)
print(mv(b'b', b'c', sub))
""")
    assert out == [
        "EEXIST EEXIST ENOENT ENOTDIR OK",
        "ENOTDIR ENOTEMPTY ENOENT OK",
        "EISDIR ENOENT OK ENOTDIR",
        "ENOENT ENOTCAPABLE EISDIR ENOTEMPTY",
        "ENOTDIR EINVAL OK EBADF",
        "OK",
    ]
    assert sorted(os.listdir(data)) == ["d", "d2", "full", "sub"]
    assert os.listdir(data / "sub") == ["c"]
    assert (data / "sub" / "c").read_bytes() == b"0123456789"
    assert os.listdir(data / "full") == ["x"]


def test_links_are_never_created_and_readlink_reveals_nothing(raw):
    data = make_tree(raw.workdir)
    out = raw.lines(r"""
r = Raw()
f = r.open(b'a')
old = r.put(PATH2, b'a')
for fd in (3, 99, f):
    n = r.put(PATH, b'lnk')
    print(r.call('path_symlink', PATH2, old, fd, PATH, n),
          r.call('path_link', fd, 0, PATH2, old, 3, PATH, n),
          r.path('path_filestat_set_times', b'a', fd, 0, 0, 0, 3))
for p, fd in ((b'a', 3), (b'sub', 3), (b'missing', 3), (b'/etc/passwd', 3), (b'a', 99), (b'a', f)):
    print(r.path('path_readlink', p, fd, BUF, 64, OUT))
""")
    assert out == [
        "EPERM EPERM ENOTSUP", "EBADF EBADF EBADF", "EBADF EBADF EBADF",
        "EINVAL", "EINVAL", "ENOENT", "ENOTCAPABLE", "EBADF", "ENOTDIR",
    ]
    assert sorted(os.listdir(data)) == ["a", "d", "sub"]


READDIR = r"""
def entries(fd, cookie, size=4000):
    err = r.call('fd_readdir', fd, BUF, size, cookie, OUT)
    if err != 'OK':
        return err
    used, pos, out = r.u32(OUT), 0, []
    while pos + 24 <= used:
        nxt, ino, namlen, typ = struct.unpack('<QQIB', r.m[BUF + pos:BUF + pos + 21])
        out.append((nxt, r.m[BUF + pos + 24:BUF + pos + 24 + namlen].decode(), typ, ino))
        pos += 24 + namlen
    return out
"""


def test_fd_readdir_cookies_and_truncation(raw):
    data = make_tree(raw.workdir)
    inodes = {name: os.stat(data / "d" / name).st_ino for name in ("f1", "f2", "f3", "s")}
    out = raw.lines(READDIR + r"""
r = Raw()
d = r.open(b'd', O_DIRECTORY, R_READ)
full = entries(d, 0)
print(sorted((name, typ, ino) for _, name, typ, ino in full))
print([c for c, _, _, _ in full])
print(entries(d, 2) == full[2:], entries(d, 3) == full[3:], entries(d, 4), entries(d, 9), entries(d, -1))
print(r.call('fd_readdir', d, BUF, 30, 0, OUT), r.u32(OUT))
print(r.m[BUF + 24:BUF + 26] == full[0][1].encode(), r.m[BUF + 26:BUF + 30])
print(r.call('fd_readdir', d, BUF, 0, 0, OUT), r.u32(OUT))
""")
    expected = sorted((name, 3 if name == "s" else 4, inodes[name]) for name in inodes)
    assert out == [
        repr(expected).replace(" ", "").replace(",", ", "),
        "[1, 2, 3, 4]",
        "True True [] [] EINVAL",
        "OK 30",
        "True b'\\x02\\x00\\x00\\x00'",
        "OK 0",
    ]


def test_fd_readdir_on_other_descriptors(raw):
    make_tree(raw.workdir)
    (raw.workdir / "data" / "gone").mkdir()
    out = raw.lines(READDIR + r"""
import os
r = Raw()
f = r.open(b'a', 0, R_READ)
g = r.open(b'gone', O_DIRECTORY, R_READ)
os.rmdir('data/gone')
print(entries(f, 0), entries(1, 0), entries(99, 0), entries(g, 0))
print(sorted(name for _, name, _, _ in entries(3, 0)))
""")
    assert out == ["ENOTDIR ENOTDIR EBADF ENOENT", "['a', 'd', 'sub']"]


def test_prestat_of_preopens_only(raw):
    make_tree(raw.workdir)
    out = raw.lines(r"""
r = Raw()
sub = r.open(b'sub', O_DIRECTORY, R_READ)
print(r.call('fd_prestat_get', 3, OUT), r.u32(OUT), r.u32(OUT + 4))
print(r.call('fd_prestat_dir_name', 3, PATH2, 5), r.m[PATH2:PATH2 + 5])
print(r.call('fd_prestat_dir_name', 3, PATH2, 4))
for fd in (99, 5, 1, sub, -1):
    print(fd == sub and 'sub' or fd, r.call('fd_prestat_get', fd, OUT), r.call('fd_prestat_dir_name', fd, PATH2, 9))
""")
    assert out == [
        "OK 0 5", "OK b'/data'", "ENAMETOOLONG",
        "99 EBADF EBADF", "5 EBADF EBADF", "1 EBADF EBADF", "sub EBADF EBADF", "-1 EBADF EBADF",
    ]


def test_lexical_resolution_corner_cases(raw):
    data = make_tree(raw.workdir)
    (data / ".a").write_bytes(b"dot")
    out = raw.lines(r"""
r = Raw()
for p in (b'.a', b'..a', b'sub/inner.txt/../inner.txt', b'sub/./inner.txt', b'd/s/../../a'):
    print(r.stat(p))
""")
    assert out == ["('OK', 4, 3)", "ENOENT", "('OK', 4, 5)", "('OK', 4, 5)", "('OK', 4, 10)"]


def test_open_modes_from_rights_and_flags(raw):
    data = make_tree(raw.workdir)
    out = raw.lines(r"""
r = Raw()
d = r.open(b'sub', O_TRUNC, R_READ)
r.call('fd_fdstat_get', d, BUF)
print(r.m[BUF])
f = r.open(b'a', O_CREAT, R_READ)
print(r.read(f, 4), r.write(f, b'AB'))
g = r.open(b'a', 0, R_READ, APPEND)
print(r.write(g, b'++'), r.seek(g, 0, 0), r.read(g, 20))
w = r.open(b'w', O_CREAT, 0)
print(r.write(w, b'wo'), r.call('fd_close', w))
""")
    assert out == ["3", "b'0123' 2", "2 0 b'0123AB6789++'", "2 OK"]
    assert (data / "a").read_bytes() == b"0123AB6789++"
    assert (data / "w").read_bytes() == b"wo"


def test_special_files_have_an_unknown_type(raw):
    data = make_tree(raw.workdir)
    os.mkfifo(data / "d" / "fifo")
    out = raw.lines(READDIR + r"""
r = Raw()
print(r.stat(b'd/fifo'))
d = r.open(b'd', O_DIRECTORY, R_READ)
print(sorted((name, typ) for _, name, typ, _ in entries(d, 0)))
f = r.open(b'd/fifo')
print(r.seek(f, 0, 0), r.write(f, b'x'), r.read(f, 1))
print(r.call('fd_readdir', d, BUF, 64, 0, len(r.m) - 2))
""")
    assert out == [
        "('OK', 0, 0)",
        "[('f1', 4), ('f2', 4), ('f3', 4), ('fifo', 0), ('s', 3)]",
        "ESPIPE 1 b'x'",
        "Trap out of bounds memory access",
    ]


def test_python_vfs_errors_while_opening(raw):
    out = raw.lines(ERROR_VFS + r"""
r = Raw({'/err': '/err'})
print(r.open(b'e13'), r.open(b'e2'), r.open(b'e2', O_CREAT), r.open(b'text'), r.open(b'none'))
try:
    r.open(b'value')
except ValueError as e:
    print('ValueError', e)
""")
    assert out == ["EACCES ENOENT EROFS EIO EIO", "ValueError not an OSError"]


def test_overlong_names_never_reach_the_vfs(raw):
    """A VFS without a name limit of its own still never sees a component
    longer than 255 bytes."""
    out = raw.lines(PYTHON_VFS + r"""
import vfs
seen = []
class OpenVFS(PythonVFS):
    def stat(self, path):
        seen.append(len(path))
        return PythonVFS.stat(self, path)
    def file_stat(self, path):
        return (0x8000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    def mkdir(self, path):
        seen.append(len(path))
vfs.mount(OpenVFS(), '/open')
r = Raw({'/open': '/open'})
seen.clear()
print(r.stat(b'n' * 256), r.path('path_create_directory', b'd/' + b'n' * 256), seen)
print(r.stat(b'n' * 255)[0], seen)
""")
    assert out == ["ENAMETOOLONG ENAMETOOLONG []", "OK [256]"]
