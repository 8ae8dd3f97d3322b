"""Hostile guests for the test_hostile_*.py files: hand-written WebAssembly
that calls WASI and host functions with raw arguments, assembled once per
session with wabt's wat2wasm and compiled for x86_64 AOT, and the `mode`
fixture that runs a test on the fast and classic interpreters and on AOT.

Test modules import the fixtures: `from hostile_support import hostile, mode`.
"""

import os
import select
import signal
import subprocess
import time

import pytest

from metering_cases import CB_THEN_COUNT_WAT
from scripts import aot

# WASI functions the `wasi` guest exports one wrapper for each (same name,
# same parameters, i32 errno result): a guest calling WASI with whatever
# the test passes.
WASI_SIGNATURES = {
    "fd_write": "i32 i32 i32 i32",
    "fd_read": "i32 i32 i32 i32",
    "fd_pread": "i32 i32 i32 i64 i32",
    "fd_pwrite": "i32 i32 i32 i64 i32",
    "fd_seek": "i32 i64 i32 i32",
    "fd_close": "i32",
    "fd_sync": "i32",
    "fd_readdir": "i32 i32 i32 i64 i32",
    "fd_filestat_get": "i32 i32",
    "fd_fdstat_get": "i32 i32",
    "path_open": "i32 i32 i32 i32 i32 i64 i64 i32 i32",
    "path_filestat_get": "i32 i32 i32 i32 i32",
    "path_rename": "i32 i32 i32 i32 i32 i32",
    "path_unlink_file": "i32 i32 i32",
    "path_create_directory": "i32 i32 i32",
    "path_remove_directory": "i32 i32 i32",
    "poll_oneoff": "i32 i32 i32 i32",
    "sched_yield": "",
}


def _wasi_guest():
    lines = ["(module"]
    for name, params in WASI_SIGNATURES.items():
        lines.append(f'  (import "wasi_snapshot_preview1" "{name}" '
                     f'(func ${name} (param {params}) (result i32)))')
    lines.append('  (memory (export "memory") 1)')
    for name, params in WASI_SIGNATURES.items():
        gets = " ".join(f"(local.get {i})" for i in range(len(params.split())))
        lines.append(f'  (func (export "{name}") (param {params}) (result i32) (call ${name} {gets}))')
    lines.append('  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))')
    lines.append('  (func (export "spin") (loop $l (br $l)))')
    # Writes the iovec at `iov` to `fd` until an error (at most `max` times).
    lines.append('''  (func (export "fill") (param $fd i32) (param $iov i32) (param $max i32) (result i32)
    (local $err i32)
    (loop $l
      (local.set $err (call $fd_write (local.get $fd) (local.get $iov) (i32.const 1) (i32.const 96)))
      (local.set $max (i32.sub (local.get $max) (i32.const 1)))
      (br_if $l (i32.and (i32.eqz (local.get $err)) (i32.gt_s (local.get $max) (i32.const 0)))))
    (local.get $err)))''')
    return "\n".join(lines)


GUESTS = {
    "wasi": _wasi_guest(),
    # A host function that may re-enter, recurse, close, grow...
    "callhost": """
(module
  (import "env" "cb" (func $cb (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "run") (param i32) (result i32) (i32.add (call $cb (local.get 0)) (i32.const 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "spin") (loop $l (br $l)))
  (func (export "ok") (result i32) (i32.const 1)))
""",
    # Instance limits: fuel, time limits, the memory cap (test_limits.py).
    "limits": """
(module
  (import "env" "cb" (func $cb (param i32) (result i32)))
  (memory (export "memory") 2 4)
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func (export "call_cb") (param i32) (result i32) (call $cb (local.get 0)))
  (func (export "cb_then_spin") (param i32) (drop (call $cb (local.get 0))) (loop $l (br $l)))""" + CB_THEN_COUNT_WAT + """
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "ok") (result i32) (i32.const 7)))
""",
    "nomemory": "(module (func (export \"ok\") (result i32) (i32.const 7)))",
    # Start functions (item 1).
    "start_wasi": """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\10\\00\\00\\00\\0e\\00\\00\\00")
  (data (i32.const 16) "hello, start!\\n")
  (global $err (mut i32) (i32.const -1))
  (func $start (global.set $err (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32))))
  (func (export "err") (result i32) (global.get $err))
  (func (export "written") (result i32) (i32.load (i32.const 32)))
  (start $start))
""",
    "start_py": """
(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func $start (global.set $g (call $f (i32.const 41))))
  (func (export "get") (result i32) (global.get $g))
  (start $start))
""",
    "start_import": """
(module
  (import "env" "f" (func $f))
  (func (export "ok") (result i32) (i32.const 1))
  (start $f))
""",
    "start_trap": """
(module
  (memory 1)
  (func $start unreachable)
  (start $start))
""",
    "start_spin": """
(module
  (func $start (loop $l (br $l)))
  (start $start))
""",
    "start_exit": """
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory 1)
  (func $start (call $exit (i32.const 7)))
  (start $start))
""",
    "ctors": """
(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (global $g (mut i32) (i32.const 0))
  (func (export "__wasm_call_ctors") (global.set $g (call $f (i32.const 1))))
  (func (export "get") (result i32) (global.get $g)))
""",
    # Re-exported imports (item 9).
    "reexport": """
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "half" (func $half (param f64) (result f64)))
  (import "env" "note" (func $note (param i64)))
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (import "mp" "ticks_ms" (func $ticks (result i32)))
  (memory (export "memory") 1)
  (export "add" (func $add))
  (export "half" (func $half))
  (export "note" (func $note))
  (export "yield" (func $yield))
  (export "ticks" (func $ticks))
  (func (export "add_inside") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1))))
""",
    # One import name, two signatures (item 7).
    "sig_a": """
(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (func (export "call") (param i32) (result i32) (call $f (local.get 0))))
""",
    "sig_b": """
(module
  (import "env" "f" (func $f (param f64 f64) (result f64)))
  (func (export "call") (param f64 f64) (result f64) (call $f (local.get 0) (local.get 1))))
""",
    "sig_twice": """
(module
  (import "env" "f" (func $a (param i32) (result i32)))
  (import "env" "f" (func $b (param f64) (result f64)))
  (func (export "a") (param i32) (result i32) (call $a (local.get 0)))
  (func (export "b") (param f64) (result f64) (call $b (local.get 0))))
""",
    # Integer values at the conversion boundaries both ways, and loops that
    # cross into Python or a native import on every iteration (issue 11).
    "values": """
(module
  (import "env" "h32" (func $h32 (param i32) (result i32)))
  (import "env" "h64" (func $h64 (param i64) (result i64)))
  (import "mp" "ticks_ms" (func $ticks (result i32)))
  (func (export "id32") (param i32) (result i32) (local.get 0))
  (func (export "id64") (param i64) (result i64) (local.get 0))
  (func (export "sink64") (param i64))
  (func (export "host32") (param i32) (result i32) (call $h32 (local.get 0)))
  (func (export "host64") (param i64) (result i64) (call $h64 (local.get 0)))
  (func (export "spin_py") (loop $l (drop (call $h32 (i32.const 0))) (br $l)))
  (func (export "spin_native") (loop $l (drop (call $ticks)) (br $l)))
  (func (export "ok") (result i32) (i32.const 1)))
""",
    # f32 values both ways (item 10).
    "floats": """
(module
  (import "env" "f32" (func $h32 (param f32) (result f32)))
  (import "env" "f64" (func $h64 (param f64) (result f64)))
  (func (export "id32") (param f32) (result f32) (local.get 0))
  (func (export "bits32") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
  (func (export "from_bits32") (param i32) (result f32) (f32.reinterpret_i32 (local.get 0)))
  (func (export "host32") (param i32) (result i32)
    (i32.reinterpret_f32 (call $h32 (f32.reinterpret_i32 (local.get 0)))))
  (func (export "bits64") (param f64) (result i64) (i64.reinterpret_f64 (local.get 0)))
  (func (export "host64") (param i64) (result i64)
    (i64.reinterpret_f64 (call $h64 (f64.reinterpret_i64 (local.get 0))))))
""",
}


# Each test module that imports the fixture gets its own copy of it, so the
# guests are built once per process here rather than once per module.
_built = {}


@pytest.fixture(scope="session")
def hostile(aotc, tmp_path_factory):
    """{name: (wasm path, x86_64 AOT path)} of GUESTS."""
    if _built:
        return _built
    out = tmp_path_factory.mktemp("hostile")
    built = _built
    for name, source in GUESTS.items():
        (out / f"{name}.wat").write_text(source)
        subprocess.run(["wat2wasm", str(out / f"{name}.wat"), "-o", str(out / f"{name}.wasm")],
                       check=True, capture_output=True)
        aot.compile_wasm(out / f"{name}.wasm", "x86_64", output=out / f"{name}.aot", quiet=True)
        built[name] = (out / f"{name}.wasm", out / f"{name}.aot")
    return built


class Mode:
    """One way of running the guests: an interpreter, or AOT on the fast build."""

    def __init__(self, name, fw, built):
        self.name = name
        self.fw = fw
        self.built = built

    def path(self, guest):
        wasm_path, aot_path = self.built[guest]
        return str(aot_path if self.name == "aot" else wasm_path)

    def script(self, source):
        """The test script with GUESTS paths bound: PATH_<NAME> for each guest."""
        bound = "".join(f"PATH_{g.upper()} = {self.path(g)!r}\n" for g in self.built)
        return bound + PRELUDE + source

    def lines(self, source, **kw):
        return self.fw.lines(self.script(source), **kw)


@pytest.fixture(params=["fast", "classic", "aot"])
def mode(request, hostile):
    fw = request.getfixturevalue("classic_fw" if request.param == "classic" else "fw")
    return Mode(request.param, fw, hostile)


# A user VFS base class for the scripts' os.mount()/vfs.mount(): the root is
# a directory, the rest is up to file_stat() (and the subclass's
# ilistdir()/open()/...).
PYTHON_VFS = """
class PythonVFS:
    def mount(self, readonly, mkfs):
        pass
    def umount(self):
        pass
    def stat(self, path):
        if path == '/':
            return (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return self.file_stat(path)
"""

# Guest-memory helpers for the scripts.
PRELUDE = """
import wasm
def put(mem, off, data):
    mem[off:off + len(data)] = data
def put32(mem, off, *values):
    for i, v in enumerate(values):
        mem[off + 4 * i:off + 4 * i + 4] = (v & 0xffffffff).to_bytes(4, 'little')
def get32(mem, off):
    return int.from_bytes(mem[off:off + 4], 'little')
def get64(mem, off):
    return int.from_bytes(mem[off:off + 8], 'little')
""" + PYTHON_VFS

# WASI constants the scripts use.
O_CREAT, O_DIRECTORY, O_EXCL, O_TRUNC = 1, 2, 4, 8
RIGHT_READ, RIGHT_WRITE = 1 << 1, 1 << 6


def read_until(proc, expected, seen, timeout=30):
    """Reads stdout lines into `seen` until `expected` (raw reads under
    select(), so a guest that never prints cannot hang the test)."""
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    start_len = len(seen)
    while expected not in seen[start_len:]:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise AssertionError(f"never saw {expected!r} within {timeout}s; got {seen}")
        chunk = os.read(fd, 4096).decode()
        if not chunk:
            raise AssertionError(f"output ended before {expected!r}; got {seen}")
        proc.partial = getattr(proc, "partial", "") + chunk
        *lines, proc.partial = proc.partial.split("\n")
        seen.extend(lines)


def interrupt_after(proc, marker, seen, times=1):
    """Sends SIGINT once `marker` was printed, `times` times; returns all output lines."""
    try:
        for _ in range(times):
            read_until(proc, marker, seen, timeout=30 * proc.firmware.slowdown)
            time.sleep(0.3)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60 * proc.firmware.slowdown)
    finally:
        proc.kill()
        proc.wait()
    proc.firmware.check_sanitizer(proc.returncode, err)
    assert proc.returncode == 0, err
    return seen + (getattr(proc, "partial", "") + out).splitlines()
