"""Real C programs as guest workloads: the entry point for tests and bench.

The programs (guest/programs: Lua 5.4 and zlib's minigzip, from their Debian
source packages) are built by `make guests` twice from the same sources:
as guests (build/guest/NAME.wasm) and natively with gcc (build/native/NAME).
A workload is a program, its arguments and its stdin; its expected output
is what the native build prints for the same arguments and stdin (stdout
and exit status), so nothing here hard-codes results.

`size` says where a workload belongs: "test" ones are small enough for the
pytest suite on every target (the emulated board included), "bench" ones
are for `make bench`, which times them per mode (fast, classic, AOT, XIP).
"""

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .progress import ToolError

WORKLOADS_DIR = paths.GUEST / "programs" / "workloads"
PROGRAMS = ("lua", "minigzip")
# The WAMR pool a board needs to run both interpreted (classic): the
# ESP32-S3 board's 1 MB of PSRAM; measured in README's "Real programs".
POOL_NEEDED = 1024 * 1024

# WAMR's stack for the interpreters' frames (Instance(stack=...)): each
# nested pcall re-enters luaV_execute, whose classic-interpreter frame is
# large; lua-checks nests 8 deep. AOT code keeps its frames on the C stack.
WASM_STACK = 131072


def text_corpus(size):
    """`size` bytes of deterministic, compressible text (words drawn by an
    LCG from a fixed vocabulary)."""
    words = (b"wasm micro runtime python board flash memory pool guest host "
             b"interpreter compile table page stack heap lua zlib deflate "
             b"inflate window block huffman literal match distance").split()
    out = bytearray()
    state = 12345
    while len(out) < size:
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out += words[state % len(words)]
        out += b"\n" if state % 11 == 0 else b" "
    return bytes(out[:size])


def _script(name):
    return lambda: (WORKLOADS_DIR / name).read_bytes()


def _gzip_of(size):
    # Input for decompression: the native minigzip's own output.
    return lambda: run_native("minigzip", ("-6",), text_corpus(size)).stdout


@dataclass(frozen=True)
class Workload:
    name: str
    program: str                  # build/guest/PROGRAM.wasm, build/native/PROGRAM
    args: tuple                   # argv[1:]
    stdin: object = field(repr=False)  # () -> bytes
    size: str = "test"            # "test" or "bench"


WORKLOADS = (
    Workload("lua-checks", "lua", ("-",), _script("lua_checks.lua")),
    Workload("lua-small", "lua", ("-e", "N=8", "-"), _script("lua_bench.lua")),
    Workload("minigzip-compress", "minigzip", ("-6",), lambda: text_corpus(24 * 1024)),
    Workload("minigzip-decompress", "minigzip", ("-d",), _gzip_of(24 * 1024)),
    Workload("lua-bench", "lua", ("-e", "N=27", "-"), _script("lua_bench.lua"), size="bench"),
    Workload("minigzip-bench", "minigzip", ("-9",), lambda: text_corpus(2 * 1024 * 1024),
             size="bench"),
    Workload("minigzip-bench-d", "minigzip", ("-d",), _gzip_of(2 * 1024 * 1024), size="bench"),
)


def workload(name):
    for w in WORKLOADS:
        if w.name == name:
            return w
    raise ToolError(f"unknown workload {name!r}")


def workloads(size):
    return [w for w in WORKLOADS if w.size == size]


def wasm_path(program):
    return paths.BUILD / "guest" / f"{program}.wasm"


def native_path(program):
    return paths.BUILD / "native" / program


def run_native(program, args, stdin):
    """The expected output: the native build on the same input."""
    binary = native_path(program)
    if not binary.exists():
        raise ToolError(f"{binary} not found: run `make guests` first")
    return subprocess.run([str(binary), *args], input=stdin, capture_output=True,
                          timeout=600, check=False)


def expected(w):
    """(exit status, stdout bytes) of the native build for workload `w`."""
    result = run_native(w.program, w.args, w.stdin())
    return result.returncode, result.stdout


def guest_script(module_expr, w, stdin_path, stdout_path, *, argv0=None, setup="",
                 stack=WASM_STACK):
    """A MicroPython script that runs workload `w` through WASI on the
    module `module_expr` evaluates to, reading stdin from `stdin_path` and
    writing the guest's stdout to `stdout_path`; it prints `exit N`."""
    argv = (argv0 or w.program,) + tuple(w.args)
    return (
        "import io, wasm\n"
        f"{setup}"
        f"stdin = io.BytesIO(open({str(stdin_path)!r}, 'rb').read())\n"
        "out = io.BytesIO()\n"
        "err = io.BytesIO()\n"
        f"m = {module_expr}\n"
        f"w = wasm.WASI(args={argv!r}, stdin=stdin, stdout=out, stderr=err)\n"
        f"inst = wasm.Instance(m, wasi=w, heap=0, stack={stack})\n"
        "code = inst.run()\n"
        f"with open({str(stdout_path)!r}, 'wb') as f:\n"
        "    f.write(out.getvalue())\n"
        "print('exit', code)\n"
        "print('stderr', err.getvalue())\n"
        "inst.close()\n"
        "m.close()\n"
    )


def print_workloads(size=None):
    """The table `python -m scripts programs` prints: each workload, its
    input and what the native build answers (exit status, stdout digest)."""
    import hashlib

    print(f"{'workload':22} {'size':6} {'command':28} {'stdin':>9}  expected (native)")
    for w in WORKLOADS:
        if size and w.size != size:
            continue
        data = w.stdin()
        code, out = expected(w)
        command = " ".join((f"{w.program}.wasm",) + w.args)
        print(f"{w.name:22} {w.size:6} {command:28} {len(data):9}  exit {code}, "
              f"{len(out)} bytes, sha256 {hashlib.sha256(out).hexdigest()[:16]}")
