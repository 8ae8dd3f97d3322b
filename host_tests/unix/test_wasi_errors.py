"""Every error branch of the WASI descriptor and process functions, reached
with raw WASI calls (guest/apps/wasi_raw.wat) on the fast and classic
interpreters and as AOT code: exact errnos, stream contents and file
contents afterwards."""

import os
import time

import pytest

from wasi_raw_support import ERROR_VFS, raw, raw_aot  # noqa: F401 (fixtures)

TRAP = "Trap out of bounds memory access"


def make_data(root):
    data = root / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a").write_bytes(b"0123456789")
    (data / "sub" / "inner.txt").write_bytes(b"inner")
    return data


# Every function that takes a descriptor, with harmless other arguments.
EBADF_CALLS = r"""
n = r.put(PATH, b'a')
n2 = r.put(PATH2, b'b')
r.iov(BUF, 4)
CALLS = [
    ('fd_advise', lambda fd: (fd, 0, 0, 0)),
    ('fd_allocate', lambda fd: (fd, 0, 0)),
    ('fd_datasync', lambda fd: (fd,)),
    ('fd_fdstat_get', lambda fd: (fd, OUT)),
    ('fd_fdstat_set_flags', lambda fd: (fd, 0)),
    ('fd_fdstat_set_rights', lambda fd: (fd, 0, 0)),
    ('fd_filestat_get', lambda fd: (fd, BUF)),
    ('fd_filestat_set_size', lambda fd: (fd, 0)),
    ('fd_filestat_set_times', lambda fd: (fd, 0, 0, 0)),
    ('fd_pread', lambda fd: (fd, IOV, 1, 0, OUT)),
    ('fd_prestat_get', lambda fd: (fd, OUT)),
    ('fd_prestat_dir_name', lambda fd: (fd, PATH2, 8)),
    ('fd_pwrite', lambda fd: (fd, IOV, 1, 0, OUT)),
    ('fd_read', lambda fd: (fd, IOV, 1, OUT)),
    ('fd_readdir', lambda fd: (fd, BUF, 64, 0, OUT)),
    ('fd_renumber', lambda fd: (fd, 1)),
    ('fd_renumber', lambda fd: (1, fd)),
    ('fd_seek', lambda fd: (fd, 0, 0, OUT)),
    ('fd_sync', lambda fd: (fd,)),
    ('fd_tell', lambda fd: (fd, OUT)),
    ('fd_write', lambda fd: (fd, IOV, 1, OUT)),
    ('path_create_directory', lambda fd: (fd, PATH, n)),
    ('path_filestat_get', lambda fd: (fd, 0, PATH, n, BUF)),
    ('path_filestat_set_times', lambda fd: (fd, 0, PATH, n, 0, 0, 0)),
    ('path_link', lambda fd: (fd, 0, PATH, n, 3, PATH2, n2)),
    ('path_open', lambda fd: (fd, 0, PATH, n, 0, RW, 0, 0, OUT)),
    ('path_readlink', lambda fd: (fd, PATH, n, BUF, 64, OUT)),
    ('path_remove_directory', lambda fd: (fd, PATH, n)),
    ('path_rename', lambda fd: (fd, PATH, n, 3, PATH2, n2)),
    ('path_rename', lambda fd: (3, PATH, n, fd, PATH2, n2)),
    ('path_symlink', lambda fd: (PATH2, n2, fd, PATH, n)),
    ('path_unlink_file', lambda fd: (fd, PATH, n)),
    ('fd_close', lambda fd: (fd,)),
]
"""


def test_ebadf_from_every_descriptor_function(raw):
    data = make_data(raw.workdir)
    out = raw.lines("r = Raw()\n" + EBADF_CALLS + r"""
closed = r.open(b'a')
r.call('fd_close', closed)
for name, args in CALLS:
    print(name, *[r.call(name, *args(fd)) for fd in (99, -1, 32, 1 << 30, 20, closed)])
print(r.stat(b'a'))
""")
    assert len(out) == 34
    assert out[:-1] == [line.split()[0] + " EBADF" * 6 for line in out[:-1]]
    assert [line.split()[0] for line in out[:-1]].count("path_rename") == 2
    assert out[-1] == "('OK', 4, 10)"
    assert sorted(os.listdir(data)) == ["a", "sub"]
    assert (data / "a").read_bytes() == b"0123456789"


def test_stdio_directions(raw):
    make_data(raw.workdir)
    out = raw.lines(r"""
inp, err = io.BytesIO(b'input'), io.BytesIO()
r = Raw(stdin=inp, stderr=err)
print(r.write(0, b'x'), r.read(1), r.read(2), r.read(3), r.write(3, b'x'))
print(r.write(1, b'out'), r.write(2, b'err'), r.read(0, 3), r.read(0), r.read(0))
print(inp.getvalue(), r.stdout.getvalue(), err.getvalue())
""")
    assert out == [
        "EBADF EBADF EBADF EISDIR EISDIR",
        "3 3 b'inp' b'ut' b''",
        "b'input' b'out' b'err'",
    ]


def test_python_stream_objects_on_stdio(raw):
    """Objects with plain read()/write() methods: None means everything was
    written, a short count stops the transfer, and a read never copies more
    than the guest asked for (returning more is refused with TypeError)."""
    out = raw.lines(r"""
class Sink:
    def __init__(self, ret):
        self.ret, self.got = ret, []
    def write(self, data):
        self.got.append(bytes(data))
        return self.ret
class Source:
    def __init__(self, chunk):
        self.chunk, self.asked = chunk, []
    def read(self, n):
        self.asked.append(n)
        return self.chunk
full, short, src, none = Sink(None), Sink(2), Source(b'abcdefgh'), Source(None)
r = Raw(stdin=src, stdout=full, stderr=short)
struct.pack_into('<IIII', r.m, IOV, BUF, 5, BUF + 5, 5)
r.put(BUF, b'helloworld')
print(r.call('fd_write', 1, IOV, 2, OUT), r.u32(OUT), full.got)
print(r.call('fd_write', 2, IOV, 2, OUT), r.u32(OUT), short.got)
r.m[BUF:BUF + 8] = b'........'
r.iov(BUF, 4)
try:
    r.call('fd_read', 0, IOV, 1, OUT)
except TypeError as exc:
    print('TypeError:', exc, r.m[BUF:BUF + 8], src.asked)
src.chunk = b'abcd'
print(r.call('fd_read', 0, IOV, 1, OUT), r.u32(OUT), r.m[BUF:BUF + 8], src.asked)
r2 = Raw(stdin=none)
print(r2.read(0, 4), none.asked)
""")
    assert out == [
        "OK 10 [b'hello', b'world']",
        "OK 2 [b'hello']",
        "TypeError: stream read() returned an invalid value b'........' [4]",
        "OK 4 b'abcd....' [4, 4]",
        "b'' [4]",
    ]


def test_seek_and_tell(raw):
    make_data(raw.workdir)
    out = raw.lines(r"""
r = Raw()
f = r.open(b'a')
top = len(r.m)
print(r.seek(f, 4, 0), r.seek(f, 2, 1), r.seek(f, -1, 2), r.seek(f, -1, 0), r.call('fd_tell', f, OUT), r.u64(OUT))
print(r.seek(f, 0, 3), r.seek(f, 0, -1), r.seek(1, 0, 0), r.seek(3, 0, 0), r.seek(99, 0, 0))
print(r.call('fd_tell', 1, OUT), r.call('fd_tell', 3, OUT), r.call('fd_seek', f, 0, 0, top - 4), r.seek(f, 0, 1))
print(r.read(f, 3))
""")
    assert out == [
        "4 6 9 EINVAL OK 9",
        "EINVAL EINVAL ESPIPE EISDIR EBADF",
        f"ESPIPE EISDIR {TRAP} 9",
        "b'9'",
    ]


def test_positional_read_and_write(raw):
    """pread/pwrite at an offset leave the file position alone; on a directory
    they are EISDIR and on stdio ESPIPE, as fd_seek and POSIX pread(2)."""
    data = make_data(raw.workdir)
    out = raw.lines(r"""
r = Raw()
f = r.open(b'a')
top = len(r.m)
r.seek(f, 3, 0)
r.iov(BUF, 3)
print(r.call('fd_pread', f, IOV, 1, 5, OUT), r.u32(OUT), r.m[BUF:BUF + 3], r.seek(f, 0, 1))
r.put(BUF, b'AB')
r.iov(BUF, 2)
print(r.call('fd_pwrite', f, IOV, 1, 7, OUT), r.u32(OUT), r.seek(f, 0, 1))
print(r.call('fd_pread', f, IOV, 1, -1, OUT), r.call('fd_pread', 3, IOV, 1, 0, OUT),
      r.call('fd_pread', 1, IOV, 1, 0, OUT), r.call('fd_pwrite', 2, IOV, 1, 0, OUT),
      r.call('fd_pwrite', 99, IOV, 1, 0, OUT))
r.iov(BUF, 20)
print(r.call('fd_pread', f, IOV, 1, 8, OUT), r.u32(OUT), r.m[BUF:BUF + 2], r.seek(f, 0, 1))
r.iov(top - 2, 10)
print(r.call('fd_pread', f, IOV, 1, 0, OUT), r.seek(f, 0, 1), r.call('fd_pwrite', f, IOV, 1, 0, OUT))
print(r.call('fd_pread', f, top - 4, 1, 0, OUT), r.seek(f, 0, 1), r.read(f, 4))
print(r.call('fd_close', f))
""")
    assert out == [
        "OK 3 b'567' 3",
        "OK 2 3",
        "EINVAL EISDIR ESPIPE ESPIPE EBADF",
        "OK 2 b'B9' 3",
        f"{TRAP} 3 {TRAP}",
        f"{TRAP} 3 b'3456'",
        "OK",
    ]
    assert (data / "a").read_bytes() == b"0123456AB9"


def test_close_and_sync(raw):
    data = make_data(raw.workdir)
    out = raw.lines(r"""
r = Raw()
f = r.open(b'a')
print(r.call('fd_close', f), r.call('fd_close', f), r.read(f))
print(r.call('fd_close', 1), r.write(1, b'x'), r.call('fd_close', 1))
r.stdout.write(b'still open')
print(r.stdout.getvalue())
g = r.open(b'new', O_CREAT)
print(r.write(g, b'data'), r.call('fd_sync', g), r.call('fd_datasync', g), open('data/new', 'rb').read())
print(r.call('fd_sync', 2), r.call('fd_sync', 3), r.call('fd_datasync', 0))
print(r.call('fd_close', 3), r.open(b'a'), r.call('fd_close', 3))
""")
    assert out == [
        "OK EBADF EBADF",
        "OK EBADF EBADF",
        "b'still open'",
        "4 OK OK b'data'",
        "OK OK OK",
        "OK EBADF EBADF",
    ]
    assert sorted(os.listdir(data)) == ["a", "new", "sub"]


FDSTAT = r"""
def fdstat(fd):
    err = r.call('fd_fdstat_get', fd, BUF)
    if err != 'OK':
        return err
    flags = struct.unpack('<H', r.m[BUF + 2:BUF + 4])[0]
    return (r.m[BUF], flags, hex(r.u64(BUF + 8)), hex(r.u64(BUF + 16)))
def filestat(fd):
    err = r.call('fd_filestat_get', fd, BUF)
    return err if err != 'OK' else (r.m[BUF + 16], r.u64(BUF + 24), r.u64(BUF + 32))
"""


def test_fdstat_and_flags(raw):
    """A file's inheriting rights are 0: they bound what path_open creates
    through the fd, and path_open on a file is ENOTDIR."""
    data = make_data(raw.workdir)
    out = raw.lines(FDSTAT + r"""
r = Raw(stdin=io.BytesIO())
f = r.open(b'a', 0, RW, APPEND)
for fd in (0, 1, 2, 3, f):
    print(fd, fdstat(fd))
print(r.call('fd_fdstat_set_flags', f, 0), r.call('fd_fdstat_set_flags', f, APPEND),
      r.call('fd_fdstat_set_flags', 1, 0), r.call('fd_fdstat_set_flags', 1, APPEND))
print(r.call('fd_fdstat_set_rights', f, 0, 0), r.call('fd_fdstat_set_rights', 1, 0, 0))
print(r.write(f, b'xyz'), r.call('fd_fdstat_get', f, len(r.m) - 8))
""")
    # stdin and stdout are io.BytesIO (unknown type: wasi-libc's isatty() is
    # false), stderr the console (a character device).
    assert out == [
        "0 (0, 0, '0x2', '0x0')",
        "1 (0, 0, '0x40', '0x0')",
        "2 (2, 0, '0x40', '0x0')",
        "3 (3, 0, '0x1fffffff', '0x1fffffff')",
        "4 (4, 1, '0x1fffffff', '0x0')",
        "ENOTSUP OK OK ENOTSUP",
        "OK OK",
        f"3 {TRAP}",
    ]
    assert (data / "a").read_bytes() == b"0123456789xyz"


def test_stdio_filetype_is_the_streams_kind(raw):
    """fd_fdstat_get and fd_filestat_get say what each stdio stream is: the
    console (sys.std*, given or by default) a character device (2), an open
    file a regular file (4), any other stream unknown (0); after fd_renumber
    the kind follows the stream."""
    out = raw.lines(FDSTAT + r"""
import sys
class Sink:
    def write(self, data):
        return len(data)
with open('out.txt', 'wb') as f:
    r = Raw(stdin=sys.stdin, stdout=f, stderr=Sink())
    print([fdstat(fd)[0] for fd in (0, 1, 2)], [filestat(fd)[0] for fd in (0, 1, 2)])
    r = Raw(stdin=sys.stdout, stdout=sys.stderr, stderr=f)
    print([fdstat(fd)[0] for fd in (0, 1, 2)], r.call('fd_renumber', 2, 0), fdstat(0)[0])
    r = Raw(stdin=io.StringIO(), stdout=None)
    print([fdstat(fd)[0] for fd in (0, 1, 2)])
""")
    assert out == ["[2, 4, 0] [2, 4, 0]", "[2, 2, 4] OK 4", "[0, 2, 2]"]


def test_filestat_and_unsupported_file_operations(raw):
    data = make_data(raw.workdir)
    out = raw.lines(FDSTAT + r"""
import os
r = Raw()
f = r.open(b'a')
print(filestat(0), filestat(1), filestat(3)[0], filestat(f))
r.seek(f, 0, 2)
r.write(f, b'++')
r.seek(f, 3, 0)
print(filestat(f), r.seek(f, 0, 1))
r.call('fd_filestat_get', f, BUF)
print(r.u64(BUF + 8), r.u64(BUF + 48))
g = r.open(b'doomed', O_CREAT)
os.remove('data/doomed')
print(filestat(g), r.call('fd_filestat_get', 3, len(r.m) - 8))
print(r.call('fd_filestat_set_size', f, 0), r.call('fd_filestat_set_times', f, 0, 0, 3),
      r.call('fd_filestat_set_size', 3, 0))
print(r.call('fd_advise', f, 0, 0, 0), r.call('fd_advise', 3, 0, 0, 0), r.call('fd_advise', 1, 0, 0, 0))
print(r.call('fd_allocate', f, 0, 9), r.call('fd_allocate', 3, 0, 0), r.call('fd_allocate', 1, 0, 0))
""")
    # After the run: the guest's write changed the mtime (on a slow build a
    # second can pass between a stat taken before and the guest's).
    host = os.stat(data / "a")
    assert out == [
        "(2, 1, 0) (0, 1, 0) 3 (4, 1, 10)",
        "(4, 1, 12) 3",
        f"{host.st_ino} {host.st_mtime_ns // 10**9 * 10**9}",
        f"ENOENT {TRAP}",
        "ENOTSUP ENOTSUP ENOTSUP",
        "OK EISDIR ESPIPE",
        "ENOTSUP EISDIR ESPIPE",
    ]
    assert (data / "a").read_bytes() == b"0123456789++"


def test_renumber(raw):
    make_data(raw.workdir)
    out = raw.lines(r"""
r = Raw()
a, b = r.open(b'a', 0, R_READ), r.open(b'sub/inner.txt', 0, R_READ)
print(a, b, r.call('fd_renumber', a, b), r.read(b), r.read(a), r.call('fd_renumber', b, b), r.read(b))
print(r.call('fd_renumber', 99, b), r.call('fd_renumber', b, 99), r.call('fd_renumber', b, 20))
print(r.call('fd_renumber', 1, b), r.write(b, b'via renumbered'), r.write(1, b'x'), r.stdout.getvalue())
print(r.call('fd_renumber', 3, 2), r.stat(b'a', 2), r.call('fd_prestat_get', 2, OUT), r.u32(OUT + 4))
print(r.stat(b'a', 3), r.write(2, b'x'))
""")
    assert out == [
        "4 5 OK b'0123456789' EBADF OK b''",
        "EBADF EBADF EBADF",
        "OK 14 EBADF b'via renumbered'",
        "OK ('OK', 4, 10) OK 5",
        "EBADF EISDIR",
    ]


def test_args_environ_and_pointer_checks(raw):
    out = raw.lines(r"""
r = Raw(args=('prog', 'a b', ''), env={'K': 'v=1'})
top = len(r.m)
print(r.call('args_sizes_get', OUT, OUT + 4), r.u32(OUT), r.u32(OUT + 4))
print(r.call('args_get', BUF, PATH), [r.u32(BUF + 4 * i) - PATH for i in range(3)], r.m[PATH:PATH + 10])
print(r.call('environ_sizes_get', OUT, OUT + 4), r.u32(OUT), r.u32(OUT + 4))
print(r.call('environ_get', BUF, PATH), r.u32(BUF) - PATH, r.m[PATH:PATH + 6])
print(r.call('args_sizes_get', top, OUT))
print(r.call('args_sizes_get', OUT, top - 2))
print(r.call('args_get', top - 4, PATH))
print(r.call('args_get', BUF, top - 4))
print(r.call('environ_get', BUF, top - 2))
print(r.call('environ_sizes_get', top, OUT))
print(r.call('args_sizes_get', OUT, OUT + 4), r.u32(OUT))
""")
    assert out == [
        "OK 3 10",
        "OK [0, 5, 9] b'prog\\x00a b\\x00\\x00'",
        "OK 1 6",
        "OK 0 b'K=v=1\\x00'",
    ] + [TRAP] * 6 + ["OK 3"]


def test_cpu_time_clocks_measure_cpu_time(raw):
    """Process and thread CPU-time clocks are the host's CPU time: they stand
    still while the firmware sleeps and advance while it computes, unlike
    the monotonic clock; their resolution is the host's (1 ns on Linux)."""
    out = raw.lines(r"""
import time
r = Raw()
def now(clock):
    assert r.call('clock_time_get', clock, 1, OUT) == 'OK'
    return r.u64(OUT)
def deltas(work):
    # The CPU-time readings lie inside the monotonic interval.
    before = [now(c) for c in (1, 2, 3)]
    work()
    after = [now(c) for c in (2, 3, 1)]
    return after[2] - before[0], after[0] - before[1], after[1] - before[2]
def spin():
    t = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t) < 300:
        pass
mono, proc, thread = deltas(lambda: time.sleep_ms(300))
print(mono >= 250_000_000, proc < 100_000_000, thread < 100_000_000)
mono, proc, thread = deltas(spin)
print(mono >= 250_000_000, 0 < proc <= mono, 0 < thread <= mono)
print([(r.call('clock_res_get', c, OUT), r.u64(OUT)) for c in (2, 3)])
""")
    assert out == ["True True True", "True True True", "[('OK', 1), ('OK', 1)]"]


def test_clocks_against_the_host(raw):
    """The guest's clocks are the host's CLOCK_REALTIME and CLOCK_MONOTONIC."""
    before = (time.time_ns(), time.monotonic_ns())
    out = raw.lines(r"""
r = Raw()
top = len(r.m)
for clock in (0, 1):
    print(r.call('clock_time_get', clock, 1, OUT), r.u64(OUT))
print(r.call('clock_res_get', 0, OUT), r.u64(OUT), r.call('clock_res_get', 3, OUT),
      r.call('clock_res_get', 4, OUT), r.call('clock_res_get', -1, OUT))
print(r.call('clock_time_get', 4, 0, OUT), r.call('clock_time_get', -1, 0, OUT))
print(r.call('clock_res_get', 1, top - 4))
print(r.call('clock_time_get', 0, 0, top - 4))
""")
    after = (time.time_ns(), time.monotonic_ns())
    realtime, monotonic = (int(line.split()[1]) for line in out[:2])
    assert out[0].startswith("OK ") and out[1].startswith("OK ")
    assert before[0] <= realtime <= after[0]
    assert before[1] <= monotonic <= after[1]
    assert out[2:] == ["OK 1000 OK EINVAL EINVAL", "EINVAL EINVAL", TRAP, TRAP]


def test_random_get_fills_exactly_the_buffer(raw):
    # 8192 uniform bytes miss one of the 256 values with probability ~3e-12.
    out = raw.lines(r"""
r = Raw()
top = len(r.m)
r.m[BUF - 16:BUF + 8192 + 16] = b'\xaa' * (8192 + 32)
print(r.call('random_get', BUF, 8192))
first = r.m[BUF:BUF + 8192]
print(len(set(first)), r.m[BUF - 16:BUF] == b'\xaa' * 16, r.m[BUF + 8192:BUF + 8208] == b'\xaa' * 16)
print(r.call('random_get', BUF, 8192), r.m[BUF:BUF + 8192] != first)
print(r.call('random_get', BUF, 0), r.call('random_get', top - 4, 8))
""")
    assert out == ["OK", "256 True True", "OK True", f"OK {TRAP}"]


def test_poll_sched_and_unsupported_process_functions(raw):
    out = raw.lines(r"""
import time
r = Raw()
top = len(r.m)
def sub(userdata, tag, timeout=0, flags=0):
    return struct.pack('<QB7xI4xQQH6x', userdata, tag, 1, timeout, 0, flags)
def events(n):
    count = r.u32(OUT)
    return [(r.u64(PATH + 32 * i), r.m[PATH + 32 * i + 10]) for i in range(count)]
print(r.call('poll_oneoff', BUF, PATH, 0, OUT))
r.put(BUF, sub(7, 0, 30000000))
t0 = time.ticks_ms()
err = r.call('poll_oneoff', BUF, PATH, 1, OUT)
print(err, time.ticks_diff(time.ticks_ms(), t0) >= 30, events(1))
r.put(BUF, sub(8, 0, 0, 1) + sub(9, 1))
print(r.call('poll_oneoff', BUF, PATH, 2, OUT), events(2))
r.put(BUF, sub(5, 0, 0, 1))
print(r.call('poll_oneoff', BUF, PATH, 1, OUT), events(1))
print(r.call('poll_oneoff', top - 40, PATH, 1, OUT))
print(r.call('poll_oneoff', BUF, top - 16, 1, OUT))
print(r.call('poll_oneoff', BUF, PATH, 1, top))
print(r.call('sched_yield'), r.call('proc_raise', 9), r.call('sock_accept', 3, 0, OUT),
      r.call('sock_recv', 3, IOV, 1, 0, OUT, OUT + 4), r.call('sock_send', 3, IOV, 1, 0, OUT),
      r.call('sock_shutdown', 3, 0))
""")
    assert out == [
        "EINVAL",
        "OK True [(7, 0)]",
        "OK [(9, 1)]",
        "OK [(5, 0)]",
        TRAP, TRAP, TRAP,
        "OK ENOSYS ENOSYS ENOSYS ENOSYS ENOSYS",
    ]


def test_vfs_errors_map_to_wasi_errnos(raw):
    """A Python VFS raising each OSError the table knows; anything else is EIO,
    and a non-OSError unwinds the guest and reaches the caller unchanged."""
    out = raw.lines(ERROR_VFS + r"""
r = Raw({'/err': '/err'})
codes = (1, 2, 9, 12, 13, 17, 20, 21, 22, 24, 27, 28, 29, 30, 36, 39, 40, 95, 5, 110)
print(' '.join('%d:%s' % (c, r.stat(b'e%d' % c)) for c in codes))
print(r.stat(b'text'), r.stat(b'none'))
n = r.put(PATH, b'value')
try:
    r.e.path_filestat_get(3, 0, PATH, n, BUF)
except ValueError as e:
    print('ValueError', e)
print(r.stat(b'e2'))
""")
    assert out == [
        "1:EPERM 2:ENOENT 9:EBADF 12:ENOMEM 13:EACCES 17:EEXIST 20:ENOTDIR 21:EISDIR 22:EINVAL "
        "24:EMFILE 27:EFBIG 28:ENOSPC 29:ESPIPE 30:EROFS 36:ENAMETOOLONG 39:ENOTEMPTY 40:ELOOP "
        "95:ENOTSUP 5:EIO 110:EIO",
        "EIO EIO",
        "ValueError not an OSError",
        "ENOENT",
    ]


def test_preopen_on_littlefs(raw):
    """A littlefs filesystem mounted in the unix firmware's VFS is a valid
    preopen: its paths are not host paths, so no host check refuses them."""
    out = raw.lines(r"""
import vfs, os
class RAMBlockDev:
    def __init__(self, blocks):
        self.data = bytearray(blocks * 512)
    def readblocks(self, n, buf, off=0):
        buf[:] = self.data[n * 512 + off:n * 512 + off + len(buf)]
    def writeblocks(self, n, buf, off=None):
        off = off or 0
        self.data[n * 512 + off:n * 512 + off + len(buf)] = buf
    def ioctl(self, op, arg):
        return {4: len(self.data) // 512, 5: 512, 6: 0}.get(op)
bdev = RAMBlockDev(64)
vfs.VfsLfs2.mkfs(bdev)
vfs.mount(vfs.VfsLfs2(bdev), '/lfs')
r = Raw({'/flash': '/lfs'})
print(r.path('path_create_directory', b'dir'), r.stat(b'dir')[:2])
f = r.open(b'dir/file.txt', O_CREAT)
print(r.write(f, b'on littlefs'), r.call('fd_close', f), r.stat(b'dir/file.txt'))
print(r.stat(b'../x'), r.stat(b'/lfs/dir'), r.path('path_remove_directory', b'.'))
print(os.listdir('/lfs'), os.listdir('/lfs/dir'), open('/lfs/dir/file.txt').read())
""")
    assert out == [
        "OK ('OK', 3)",
        "11 OK ('OK', 4, 11)",
        "ENOTCAPABLE ENOTCAPABLE EPERM",
        "['dir'] ['file.txt'] on littlefs",
    ]


def test_wasi_configuration_errors(fw):
    out = fw.lines(r"""
import wasm
cases = [{'args': (1,)}, {'args': ([],)}, {'args': ('a\0b',)}, {'env': []}, {'env': {'': 'x'}},
         {'env': {'a=b': 'x'}}, {'env': {'a': 'x\0'}}, {'env': {1: 'x'}}, {'env': {'a': 1}},
         {'preopens': dict(('/p%d' % i, 'd') for i in range(22))}, {'preopens': {'/a\0': 'd'}},
         {'preopens': {'/b': b'data'}}]
for kw in cases:
    try:
        wasm.WASI(**kw)
        print('accepted')
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
w = wasm.WASI(['p', b'q'], {'K': b'v'}, preopens=dict(('/p%d' % i, 'd') for i in range(21)))
print(w.args, w.env, len(w.preopens), w.stdin, w.stdout, w.stderr)
""")
    assert out == [
        "TypeError WASI args must be str or bytes",
        "TypeError WASI args must be str or bytes",
        "ValueError WASI args cannot contain NUL",
        "TypeError WASI env must be a dict",
        "ValueError invalid WASI env entry",
        "ValueError invalid WASI env entry",
        "ValueError invalid WASI env entry",
        "TypeError WASI env keys must be str or bytes",
        "TypeError WASI env values must be str or bytes",
        "ValueError too many WASI preopens",
        "ValueError WASI preopens map guest names to VFS directory paths",
        "ValueError WASI preopens map guest names to VFS directory paths",
        "(b'p', b'q') (b'K=v',) 21 None None None",
    ]



def test_objects_with_a_non_stream_protocol_are_not_streams(raw):
    """A VFS object (whose protocol slot is the VFS protocol, not a stream's)
    as stdio: a clear AttributeError, never a call through the wrong table."""
    out = raw.lines(r"""
import vfs
r = Raw(stdin=vfs.VfsPosix(), stdout=vfs.VfsPosix())
r.put(BUF, b'data\x00')
r.iov(BUF, 5)
for name in ('fd_read', 'fd_write'):
    try:
        print(r.e[name](0 if name == 'fd_read' else 1, IOV, 1, OUT))
    except AttributeError as e:
        print('AttributeError', e)
print(r.m[BUF:BUF + 5], r.write(2, b'x'))
""")
    assert out == [
        "AttributeError 'VfsPosix' object has no attribute 'read'",
        "AttributeError 'VfsPosix' object has no attribute 'write'",
        "b'data\\x00' 1",
    ]


def test_poll_oneoff_clock_variants(raw):
    out = raw.lines(r"""
r = Raw()
def sub(userdata, timeout, flags=0, clock=1):
    return struct.pack('<QB7xI4xQQH6x', userdata, 0, clock, timeout, 0, flags)
r.call('clock_time_get', 0, 0, OUT)
r.put(BUF, sub(1, r.u64(OUT) + 20000000, 1, 0))
print(r.call('poll_oneoff', BUF, PATH, 1, OUT), r.u32(OUT), r.u64(PATH))
r.put(BUF, sub(2, 1000) + sub(3, 2000000))
print(r.call('poll_oneoff', BUF, PATH, 2, OUT), r.u32(OUT), r.u64(PATH), r.u64(PATH + 32))
""")
    assert out == ["OK 1 1", "OK 2 2 3"]


@pytest.mark.parametrize("timeout_ns", [600 * 10**9, 2**64 - 1])
def test_sigint_while_a_guest_sleeps_in_poll_oneoff(raw, timeout_ns):
    # 2**64-1 ns is the longest timeout, not "no timeout": it blocks too.
    from hostile_support import interrupt_after
    from wasi_raw_support import PRELUDE

    (raw.workdir / "data").mkdir(exist_ok=True)
    proc = raw.fw.start(f"MODULE_PATH = {str(raw.module)!r}\n" + PRELUDE + rf"""
r = Raw()
r.put(BUF, struct.pack('<QB7xI4xQQH6x', 1, 0, 1, {timeout_ns}, 0, 0))
print('sleeping')
try:
    r.e.poll_oneoff(BUF, PATH, 1, OUT)
except KeyboardInterrupt:
    print('KeyboardInterrupt')
print(r.call('sched_yield'), r.write(1, b'x'))
""")
    assert interrupt_after(proc, "sleeping", []) == ["sleeping", "KeyboardInterrupt", "OK 1"]


def test_wasi_imports_that_do_not_exist_or_have_the_wrong_type(fw, tmp_path):
    import subprocess

    for name, wat in (("unknown", '(import "wasi_snapshot_preview1" "fd_frobnicate" (func (param i32) (result i32)))'),
                      ("wrongtype", '(import "wasi_snapshot_preview1" "fd_close" (func (param i64) (result i32)))'),
                      ("wrongpath", '(import "wasi_snapshot_preview1" "path_open" (func (result i32)))'),
                      ("wrongproc", '(import "wasi_snapshot_preview1" "proc_exit" (func (param i64)))')):
        (tmp_path / f"{name}.wat").write_text(f"(module {wat})")
        subprocess.run(["wat2wasm", str(tmp_path / f"{name}.wat"), "-o", str(tmp_path / f"{name}.wasm")],
                       check=True, capture_output=True)
    out = fw.lines(f"""
import wasm
for name in ('unknown', 'wrongtype', 'wrongpath', 'wrongproc'):
    try:
        wasm.Instance(wasm.Module.load({str(tmp_path)!r} + '/' + name + '.wasm'))
    except wasm.LinkError as e:
        print(e)
""")
    assert out == [
        "missing import wasi_snapshot_preview1.fd_frobnicate (func (i)i)",
        "import wasi_snapshot_preview1.fd_close has the wrong type (func (I)i)",
        "import wasi_snapshot_preview1.path_open has the wrong type (func ()i)",
        "import wasi_snapshot_preview1.proc_exit has the wrong type (func (I))",
    ]


def test_wasi_configuration_details(fw):
    out = fw.lines(r"""
import wasm
env = {'A': '1', 'B': '2', 'C': '3', 'D': '4'}
del env['B']
w = wasm.WASI(env=env)
print(sorted(w.env))
for bad in ({'a\0': 'x'}, {'a': 'x'}):
    try:
        print(wasm.WASI(env=bad).env)
    except ValueError as e:
        print('ValueError', e)
try:
    w.args = ()
except AttributeError as e:
    print('AttributeError')
try:
    w.nope
except AttributeError as e:
    print('AttributeError', e)
""")
    assert out == [
        "[b'A=1', b'C=3', b'D=4']",
        "ValueError invalid WASI env entry",
        "(b'a=x',)",
        "AttributeError",
        "AttributeError 'WASI' object has no attribute 'nope'",
    ]


def test_stdio_that_is_no_stream_at_all(raw):
    out = raw.lines(r"""
r = Raw(stdout=5)
try:
    r.write(1, b'x')
except AttributeError as e:
    print('AttributeError', e)
print(r.write(2, b'fine'))
""")
    assert out == ["AttributeError 'int' object has no attribute 'write'", "4"]
