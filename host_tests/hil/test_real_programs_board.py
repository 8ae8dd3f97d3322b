"""Real programs (scripts/real_programs.py: Lua 5.4 and zlib's minigzip) on
the emulated board, compared with the same programs built natively.

Two RAM budgets: QEMU_WAMR (320 KB: 96 KB GC heap, 224 KB WAMR pool, like
an ESP32 without PSRAM) runs what fits there, XIP; QEMU_WAMR_LCD (the
ESP32-S3 board's budget: a 1 MB WAMR pool in PSRAM) runs them all,
interpreted (classic, the boards' interpreter) and XIP. Each test boots its
own board with its own flash image and wasmapps image (the inputs go in, the
outputs are read back from the image), so this file needs no real board.
"""

import subprocess

import pytest

from private_board import boot, exec_on
from scripts import aot, flashfs, paths, xip
from scripts import real_programs as rp

TARGET = "thumbv7em"
# AOT code keeps its frames on the C stack: the WAMR stack is for the
# interpreter only.
XIP_STACK = 4096


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    out = tmp_path_factory.mktemp("real-xip")
    blobs = [(p, aot.compile_wasm(rp.wasm_path(p), TARGET, xip=True, output=out / f"{p}.aot",
                                  quiet=True).read_bytes())
             for p in ("lua", "minigzip", "fpmath")]
    image = out / "wasmapps.bin"
    image.write_bytes(xip.pack(blobs))
    return image


SMALL, PSRAM = "QEMU_WAMR", "QEMU_WAMR_LCD"


def run_workloads(tmp_path, apps, board, runs, extra_files=None):
    """Runs [(workload name, module expression, stack)] on one board; returns
    [(printed lines, stdout bytes)]."""
    files = {f"/{name}.in": rp.workload(name).stdin() for name, _, _ in runs}
    files.update(extra_files or {})
    emu, image = boot(tmp_path, apps, board, files)
    results = []
    with emu:
        for i, (name, module_expr, stack) in enumerate(runs):
            w = rp.workload(name)
            script = rp.guest_script(module_expr, w, f"/flash/{name}.in", f"/flash/out{i}", stack=stack)
            results.append(exec_on(emu, script.replace(
                "print('exit', code)", "print('exit', code, inst.memory_error)")))
    return [(lines, flashfs.read_file(image, f"/out{i}")) for i, lines in enumerate(results)]


def interpreted(program):
    return f"wasm.Module.load('/flash/{program}.wasm')"


def in_place(program):
    return f"wasm.Module.xip({program!r})"


def test_s3_budget_runs_the_programs_interpreted_and_xip(tmp_path, apps):
    runs = [(name, interpreted(rp.workload(name).program), rp.WASM_STACK)
            for name in ("lua-checks", "lua-small", "minigzip-compress", "minigzip-decompress")]
    runs += [(name, in_place(rp.workload(name).program), XIP_STACK)
             for name in ("lua-checks", "minigzip-compress")]
    programs = {f"/{p}.wasm": rp.wasm_path(p).read_bytes() for p in ("lua", "minigzip")}
    results = run_workloads(tmp_path, apps, PSRAM, runs, programs)
    for (name, _, _), (lines, stdout) in zip(runs, results):
        code, native = rp.expected(rp.workload(name))
        assert lines == [f"exit {code} None", "stderr b''"], name
        assert stdout == native, name


def test_320k_budget_runs_what_fits_and_says_why_the_rest_does_not(tmp_path, apps):
    # zlib's inflate fits in 320 KB, XIP; Lua needs a third page of linear
    # memory, which the 224 KB pool cannot hold next to its XIP metadata and
    # instance: Lua reports it, and memory_error says why.
    runs = [("minigzip-decompress", in_place("minigzip"), XIP_STACK),
            ("lua-small", in_place("lua"), XIP_STACK)]
    (gz_lines, gz_out), (lua_lines, lua_out) = run_workloads(tmp_path, apps, SMALL, runs)
    code, native = rp.expected(rp.workload("minigzip-decompress"))
    assert gz_lines == [f"exit {code} None", "stderr b''"]
    assert gz_out == native
    assert lua_out == b""
    assert lua_lines[1] == "stderr b'lua: not enough memory\\n'"
    assert lua_lines[0].startswith("exit 1 memory.grow to ")
    assert " KB) failed: out of memory (largest free block for linear memory: " in lua_lines[0]


def test_linear_memory_grows_without_a_second_copy(tmp_path, apps):
    # In the 224 KB pool a memory of n pages could only grow while n and
    # n + 1 pages fitted side by side (at most 2 pages). Placed at the top of
    # the pool and grown into the free space below (WAMR patch 0061), it
    # takes most of the pool.
    memgrow = (paths.BUILD / "guest" / "memgrow.wasm").read_bytes()
    emu, _ = boot(tmp_path, apps, SMALL, {"/memgrow.wasm": memgrow})
    with emu:
        out = exec_on(emu, """
import wasm
inst = wasm.Instance(wasm.Module.load('/flash/memgrow.wasm'), heap=0)
e = inst.exports
e.poke(100, 77)
e.poke(65535, 1)
while e.grow(1) != -1:
    e.poke(e.pages() * 65536 - 1, e.pages())
total = wasm.pool_info()[0]
print(e.pages(), e.peek(100), e.peek(65535), e.peek(e.pages() * 65536 - 1), e.pages() * 65536 > total // 2)
print(inst.memory_error.split(':')[0])
""")
    pages = int(out[0].split()[0])
    assert pages >= 3
    assert out[0] == f"{pages} 77 1 {pages} True"
    assert out[1] == f"memory.grow to {pages + 1} pages ({(pages + 1) * 64} KB) failed"


def test_xip_float_and_64_bit_arithmetic_matches_the_interpreter(tmp_path, apps):
    # fpmath's XIP code calls the runtime for double arithmetic, 64-bit
    # division and the compare LLVM made out of log()'s bit test; the classic
    # interpreter computes the same IEEE operations itself.
    fpmath = (paths.BUILD / "guest" / "fpmath.wasm").read_bytes()
    emu, _ = boot(tmp_path, apps, SMALL, {"/fpmath.wasm": fpmath})
    with emu:
        out = exec_on(emu, """
import wasm
def results(m):
    e = wasm.Instance(m, heap=0).exports
    return ([e.ln(x) for x in (1.0, 0.5, 2.0, 10.0, 1e-300, 123456.789)]
            + [e.power(2.0, 10.0), e.power(1.5, -2.5), e.fmodulo(7.5, 2.0), e.fmodulo(-7.5, 2.0)]
            + [e.floordiv(a, b) for a, b in ((-7, 2), (7, -2), (2**62, 3), (-2**63, 7))]
            + [e.roundtrip(x) for x in (0.0, 1e15, 12345.678)]
            + [e.larger(1.0, 1.0), e.larger(1.0, 2.0), e.larger(3.0, -1.0)])
interp = results(wasm.Module.load('/flash/fpmath.wasm'))
xip = results(wasm.Module.xip('fpmath'))
print(interp == xip)
print(interp[0], interp[6], interp[10], interp[11], interp[-3:])
""")
    assert out == ["True", "0.0 1024.0 -4 -4 [3.0, 3.0, 3.0]"]


def test_pool_exhaustion_errors_on_the_320k_board(tmp_path, apps):
    # Loading: LoadError (WAMR cannot tell a module too big for the pool from
    # a malformed one asking for huge tables). Instantiating: MemoryError.
    big_memory = tmp_path / "big_memory.wat"
    big_memory.write_text('(module (memory (export "memory") 4))')
    subprocess.run(["wat2wasm", "-o", str(tmp_path / "big_memory.wasm"), str(big_memory)], check=True)
    emu, _ = boot(tmp_path, apps, SMALL, {"/lua.wasm": rp.wasm_path("lua").read_bytes(),
                                          "/big_memory.wasm": (tmp_path / "big_memory.wasm").read_bytes()})
    with emu:
        out = exec_on(emu, """
import gc, wasm
wasm.Module.load('/flash/big_memory.wasm').close()  # the runtime is up
before = wasm.pool_info()
for what in ('load', 'instantiate'):
    try:
        if what == 'load':
            wasm.Module.load('/flash/lua.wasm')
        else:
            wasm.Instance(wasm.Module.load('/flash/big_memory.wasm'))
    except Exception as exc:
        print(what, type(exc).__name__, exc)
gc.collect()  # the module of the failed instantiation
print(wasm.pool_info() == before)
""")
    size = rp.wasm_path("lua").stat().st_size
    assert out[0].startswith(f"load LoadError out of WAMR pool memory while loading a {size} byte module "
                             "(largest free block ")
    assert out[0].endswith(" of 229184 bytes): the module is malformed or too large for the pool")
    assert out[1].startswith("instantiate MemoryError WAMR pool too small to instantiate the module "
                             "(largest free block ")
    assert out[2] == "True"
