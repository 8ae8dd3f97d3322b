"""The `raw` fixture: guest/apps/wasi_raw.wat on the fast and classic
interpreters and as x86_64 AOT code, driven from a MicroPython script.

wasi_raw exports every wasi_snapshot_preview1 function under its own name
and signature, so a script calls `r.e.path_open(...)` with any argument it
likes and gets the firmware's errno back untouched (wasi-libc would refuse
or rewrite absolute paths, NULs, bad descriptors before the host sees them).
"""

import pytest

from scripts import aot

from hostile_support import PYTHON_VFS

MODES = ("fast", "classic", "aot")

# Runs on the firmware before each test script. `Raw(...)` is one instance
# with its own WASI configuration; its helpers write arguments into linear
# memory and return errno names ('OK', 'EBADF', ...), so a script prints
# exactly what the guest would see.
PRELUDE = r'''
import wasm, io, struct
ERRNO = {0: 'OK', 1: 'E2BIG', 2: 'EACCES', 8: 'EBADF', 20: 'EEXIST', 21: 'EFAULT',
         22: 'EFBIG', 28: 'EINVAL', 29: 'EIO', 31: 'EISDIR', 32: 'ELOOP', 33: 'EMFILE',
         37: 'ENAMETOOLONG', 44: 'ENOENT', 48: 'ENOMEM', 51: 'ENOSPC', 52: 'ENOSYS',
         54: 'ENOTDIR', 55: 'ENOTEMPTY', 58: 'ENOTSUP', 63: 'EPERM', 69: 'EROFS',
         70: 'ESPIPE', 76: 'ENOTCAPABLE'}
O_CREAT, O_DIRECTORY, O_EXCL, O_TRUNC = 1, 2, 4, 8
R_READ, R_WRITE = 1 << 1, 1 << 6
RW = R_READ | R_WRITE
APPEND = 1
OUT, IOV, PATH, PATH2, BUF = 256, 512, 1024, 2048, 8192
MODULE = wasm.Module.load(MODULE_PATH)

class Raw:
    def __init__(self, preopens=None, **kw):
        if preopens is None:
            preopens = {'/data': 'data'}
        self.stdout = kw.setdefault('stdout', io.BytesIO())
        self.inst = wasm.Instance(MODULE, wasi=wasm.WASI(preopens=preopens, **kw), heap=0)
        self.e = self.inst.exports
        self.m = self.inst.memory

    def put(self, off, data):
        self.m[off:off + len(data)] = data
        return len(data)

    def u32(self, off):
        return struct.unpack('<I', self.m[off:off + 4])[0]

    def u64(self, off):
        return struct.unpack('<Q', self.m[off:off + 8])[0]

    def call(self, name, *args):
        """errno name of a raw call, or 'Trap <message>'."""
        try:
            return ERRNO[getattr(self.e, name)(*args)]
        except wasm.Trap as exc:
            return 'Trap ' + str(exc)

    def path(self, name, path, dirfd=3, *rest):
        """A path function's errno: (dirfd, path, len, *rest)."""
        n = self.put(PATH, path)
        return self.call(name, dirfd, PATH, n, *rest)

    def open(self, path, oflags=0, rights=RW, fdflags=0, dirfd=3):
        """The new descriptor, or the errno name."""
        n = self.put(PATH, path)
        err = self.call('path_open', dirfd, 0, PATH, n, oflags, rights, 0, fdflags, OUT)
        return self.u32(OUT) if err == 'OK' else err

    def stat(self, path, dirfd=3):
        """(errno, filetype, size) of path_filestat_get."""
        n = self.put(PATH, path)
        err = self.call('path_filestat_get', dirfd, 0, PATH, n, BUF)
        return (err, self.m[BUF + 16], self.u64(BUF + 32)) if err == 'OK' else err

    def iov(self, data_off, length):
        self.m[IOV:IOV + 8] = struct.pack('<II', data_off, length)

    def write(self, fd, data):
        self.put(BUF, data)
        self.iov(BUF, len(data))
        err = self.call('fd_write', fd, IOV, 1, OUT)
        return self.u32(OUT) if err == 'OK' else err

    def read(self, fd, n=64):
        self.iov(BUF, n)
        err = self.call('fd_read', fd, IOV, 1, OUT)
        return self.m[BUF:BUF + self.u32(OUT)] if err == 'OK' else err

    def preopen_fd(self, name):
        """The descriptor of preopen `name` (dict order is not insertion order)."""
        for fd in range(3, 32):
            if self.call('fd_prestat_get', fd, OUT) == 'OK' and self.u32(OUT + 4) == len(name):
                self.call('fd_prestat_dir_name', fd, PATH2, len(name))
                if self.m[PATH2:PATH2 + len(name)] == name:
                    return fd

    def seek(self, fd, offset, whence):
        err = self.call('fd_seek', fd, offset, whence, OUT)
        return self.u64(OUT) if err == 'OK' else err
'''

# A Python VFS mounted at /err: stat('/eN') raises OSError(N), '/text' an
# OSError without a number, '/none' one without arguments, '/value' a
# ValueError; open() raises OSError(EROFS).
ERROR_VFS = PYTHON_VFS + r'''
import vfs
class ErrorVFS(PythonVFS):
    def file_stat(self, path):
        if path == '/text':
            raise OSError('not a number')
        if path == '/none':
            raise OSError()
        if path == '/value':
            raise ValueError('not an OSError')
        raise OSError(int(path[2:]))
    def open(self, path, mode):
        raise OSError(30)
vfs.mount(ErrorVFS(), '/err')
'''


class RawGuest:
    """One mode's firmware with the wasi_raw module; `lines()` runs a script."""

    def __init__(self, firmware, module, mode):
        self.fw = firmware
        self.module = module
        self.mode = mode
        self.workdir = firmware.workdir

    def run(self, script, **kw):
        (self.workdir / "data").mkdir(exist_ok=True)  # Raw()'s default preopen
        return self.fw.run(f"MODULE_PATH = {str(self.module)!r}\n" + PRELUDE + script, **kw)

    def lines(self, script, **kw):
        return self.run(script, **kw).stdout.splitlines()


@pytest.fixture(scope="session")
def raw_aot(aotc, guest_dir, tmp_path_factory):
    """wasi_raw compiled to x86_64 AOT code, once per session."""
    out = tmp_path_factory.mktemp("wasi_raw_aot") / "wasi_raw.aot"
    return aot.compile_wasm(guest_dir / "wasi_raw.wasm", "x86_64", output=out, quiet=True)


@pytest.fixture(params=MODES)
def raw(request, guest_dir):
    """wasi_raw on the fast interpreter, the classic one, and as AOT code."""
    mode = request.param
    firmware = request.getfixturevalue("classic_fw" if mode == "classic" else "fw")
    module = request.getfixturevalue("raw_aot") if mode == "aot" else guest_dir / "wasi_raw.wasm"
    return RawGuest(firmware, module, mode)
