"""The AOT compiler (tools/aotc, `python -m scripts aot`) and its output on the
unix firmware: same results as the interpreter, traps, wrong-target
files, the cross targets' file headers and XIP files without text
relocations."""

import re
import shutil
import struct
import subprocess
import sys

import pytest

from scripts import aot, paths
from scripts.progress import ToolError

AOT_MAGIC = b"\0aot"
AOT_CURRENT_VERSION = 6          # core/iwasm/aot/aot_runtime.h, WAMR 2.4.3
E_TYPE_REL, E_TYPE_XIP = 1, 4    # aot_loader.c
E_MACHINE = {"x86_64": 62, "thumbv7em": 40, "thumbv7m": 40, "riscv32": 243}
FEATURE_SIMD, FEATURE_MULTI_THREAD, FEATURE_GC = 1 << 0, 1 << 2, 1 << 4
TARGET_INFO = "<HHHHIIQQ16s"


@pytest.fixture(scope="session")
def aot_dir(aotc, guest_dir, tmp_path_factory):
    """kernels and traps compiled for the unix firmware (x86_64)."""
    out = tmp_path_factory.mktemp("aot")
    for name in ("kernels", "traps"):
        aot.compile_wasm(guest_dir / f"{name}.wasm", "x86_64", output=out / f"{name}.aot", quiet=True)
    return out


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "scripts", *map(str, args)], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=600)


def wat(tmp_path, name, source):
    """Assemble a small test module with wabt's wat2wasm (a project dependency)."""
    if shutil.which("wat2wasm") is None:
        pytest.skip("wat2wasm (wabt) not installed")
    src = tmp_path / f"{name}.wat"
    src.write_text(source)
    out = tmp_path / f"{name}.wasm"
    subprocess.run(["wat2wasm", str(src), "-o", str(out)], check=True, capture_output=True)
    return out


# ---- reading AOT files (independently of scripts/aot.py) -------------------

def target_info(data):
    assert data[:4] == AOT_MAGIC
    version, section_type, section_size = struct.unpack_from("<III", data, 4)
    assert section_type == 0 and section_size == struct.calcsize(TARGET_INFO)
    fields = struct.unpack_from(TARGET_INFO, data, 16)
    names = ("bin_type", "abi_type", "e_type", "e_machine", "e_version", "e_flags",
             "feature_flags", "reserved", "arch")
    info = dict(zip(names, fields))
    info["arch"] = info["arch"].rstrip(b"\0").decode()
    info["version"] = version
    return info


def relocation_groups(data):
    """{group name: [symbol, ...]} from the relocation section (type 5)."""
    def u32(pos):
        pos = (pos + 3) & ~3
        return struct.unpack_from("<I", data, pos)[0], pos + 4

    is_64bit = bool(target_info(data)["bin_type"] & 2)
    pos, groups = 8, {}
    while ((pos + 3) & ~3) < len(data):
        kind, pos = u32(pos)
        size, pos = u32(pos)
        start, pos = pos, pos
        if kind == 5:
            count, pos = u32(pos)
            offsets = struct.unpack_from(f"<{count}I", data, pos)
            pos += 4 * count
            strings_len, pos = u32(pos)
            strings = pos
            pos += strings_len

            def name(i):
                (n,) = struct.unpack_from("<H", data, strings + offsets[i])
                return data[strings + offsets[i] + 2: strings + offsets[i] + 1 + n].decode()

            n_groups, pos = u32(pos)
            for _ in range(n_groups):
                index, pos = u32(pos)
                n_relocs, pos = u32(pos)
                symbols = groups.setdefault(name(index), [])
                for _ in range(n_relocs):
                    pos = ((pos + 3) & ~3) + (16 if is_64bit else 8)
                    _type, pos = u32(pos)
                    sym, pos = u32(pos)
                    symbols.append(name(sym))
        pos = start + size
    return groups


def text_relocations(data):
    text = re.compile(r"^\.rela?\.(text|ltext|literal)")
    return {g: s for g, s in relocation_groups(data).items() if text.match(g) and s}


# ---- results on the unix firmware -------------------------------------------

KERNELS = """
import wasm
def run(module):
    inst = wasm.Instance(module)
    e = inst.exports
    p = e.alloc(9)
    inst.memory[p:p + 9] = b'123456789'
    out = [e.fib(0), e.fib(1), e.fib(10), e.fib(47) & 0xffffffff, e.fib(-3), e.fib_rec(25)]
    out += [e.matmul(n) for n in (0, 1, 2, 3, 10, 64, 100)]
    out += [e.crc32(p, 9) & 0xffffffff, e.crc32(p, 0)]
    out += [e.divmod(-17, 5), e.divmod(17, -5), e.divmod(2**31 - 1, 7)]
    out += [e.sum_i64(2**62, 2**62), e.sum_i64(-1, 1), e.neg_i64(5), e.neg_i64(-2**63)]
    out += [e.mul_f64(1.5, -2.25), e.mul_f64(1e308, 10.0), e.add_f32(1.5, 2.25), e.u32_max()]
    out += [e.counter.value, e.bump(), e.bump(), e.counter.value]
    return module.is_aot, out
interp = run(wasm.Module.load(GUEST + '/kernels.wasm'))
compiled = run(wasm.Module.load(AOT + '/kernels.aot'))
print(interp[0], compiled[0])
print(interp[1])
print(compiled[1])
"""


def test_aot_kernels_match_the_interpreter(fw, aot_dir):
    out = fw.lines(f"AOT = {str(aot_dir)!r}\n" + KERNELS)
    assert out[0] == "False True"
    assert out[1] == out[2]
    assert out[2] == str([
        0, 1, 55, 2971215073, 0, 75025,
        0, 0, 2, 18, 8250, 89456640, 89456640,
        0xCBF43926, 0,
        (-3, -2), (-3, 2), (306783378, 1),
        -2**63, 0, -5, -2**63,
        -3.375, float("inf"), 3.75, -1,
        7, 8, 9, 9,
    ])


def test_aot_traps_raise_wasm_trap(fw, aot_dir):
    out = fw.lines(f"AOT = {str(aot_dir)!r}\n" + """
import wasm
t = wasm.Instance(wasm.Module.load(AOT + '/traps.aot'))
for name, args in (('do_unreachable', ()), ('oob_read', ()), ('oob_write', ()),
                   ('div_zero', (7, 0)), ('div_zero', (-2**31, -1)), ('div_zero', (7, 2))):
    try:
        print(name, 'returned', t.call(name, *args))
    except wasm.Trap as exc:
        print(name, type(exc).__name__, exc.args)
    print(t.exports.ok())
# Unbounded recursion ends in *a* trap (stack checks), not in a crash.
r = wasm.Instance(wasm.Module.load(AOT + '/traps.aot'))
try:
    r.exports.recurse(0)
except wasm.Trap as exc:
    print('recurse trapped', isinstance(exc, wasm.Error))
print(r.exports.ok())
""")
    assert out == [
        "do_unreachable Trap ('unreachable',)", "1",
        "oob_read Trap ('out of bounds memory access',)", "1",
        "oob_write Trap ('out of bounds memory access',)", "1",
        "div_zero Trap ('integer divide by zero',)", "1",
        "div_zero Trap ('integer overflow',)", "1",
        "div_zero returned 3", "1",
        "recurse trapped True", "1",
    ]


def test_bulk_memory_ops_in_aot_code(fw, aotc, tmp_path):
    # memory.copy/memory.fill: WAMR 2.4 gates them behind BULK_MEMORY_OPT; the
    # compiler accepts them and the AOT code calls the runtime's memmove/memset.
    src = wat(tmp_path, "bulk", """
(module
  (memory (export "memory") 1)
  (func (export "copy_fill") (result i32)
    (memory.copy (i32.const 100) (i32.const 16) (i32.const 12))
    (memory.fill (i32.const 105) (i32.const 95) (i32.const 2))
    (i32.load8_u (i32.const 106))))
""")
    out = aot.compile_wasm(src, "x86_64", output=tmp_path / "bulk.aot", quiet=True)
    lines = fw.lines(f"""
import wasm
inst = wasm.Instance(wasm.Module.load({str(out)!r}))
inst.memory[16:28] = b'hello, world'
print(inst.exports.copy_fill(), bytes(inst.memory[100:112]))
""")
    assert lines == ["95 b'hello__world'"]


def test_aot_data_segments_are_initialised(fw, aotc, tmp_path):
    src = wat(tmp_path, "data", """
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, world")
  (func (export "first") (result i32) (i32.load8_u (i32.const 16))))
""")
    out = aot.compile_wasm(src, "x86_64", output=tmp_path / "data.aot", quiet=True)
    lines = fw.lines(f"""
import wasm
for path in ({str(src)!r}, {str(out)!r}):
    inst = wasm.Instance(wasm.Module.load(path))
    print(inst.exports.first(), bytes(inst.memory[16:28]))
""")
    assert lines == ["104 b'hello, world'"] * 2


def test_wrong_target_file_raises_load_error(fw, aotc, guest_dir, tmp_path):
    for target in ("thumbv7em", "riscv32"):
        aot.compile_wasm(guest_dir / "kernels.wasm", target, output=tmp_path / f"{target}.aot",
                         quiet=True)
    out = fw.lines(f"""
import wasm
for target in ('thumbv7em', 'riscv32'):
    try:
        wasm.Module(open({str(tmp_path)!r} + '/' + target + '.aot', 'rb').read())
    except wasm.LoadError as exc:
        print(target, type(exc).__name__, exc)
""")
    assert out == [
        "thumbv7em LoadError AOT file built for another target (invalid target bit width, "
        "expected 64-bit but got 32-bit); compile it with --target for this firmware",
        "riscv32 LoadError AOT file built for another target (invalid target bit width, "
        "expected 64-bit but got 32-bit); compile it with --target for this firmware",
    ]


# ---- file format per target -------------------------------------------------

@pytest.mark.parametrize("target, xip", [
    ("x86_64", False), ("thumbv7em", False), ("thumbv7em", True), ("thumbv7m", False),
    ("thumbv7m", True), ("riscv32", False), ("riscv32", True),
])
def test_target_info_section(aotc, guest_dir, tmp_path, target, xip):
    out = aot.compile_wasm(guest_dir / "kernels.wasm", target, xip=xip,
                           output=tmp_path / "k.aot", quiet=True)
    data = out.read_bytes()
    info = target_info(data)
    assert info["version"] == AOT_CURRENT_VERSION
    assert info["arch"] == target
    assert info["e_machine"] == E_MACHINE[target]
    assert info["e_type"] == (E_TYPE_XIP if xip else E_TYPE_REL)
    assert info["bin_type"] == (2 if target == "x86_64" else 0)   # little endian, 64/32-bit
    assert info["e_version"] == 1
    # The runtime has no SIMD and no GC but the thread manager (suspend-flag polls).
    assert info["feature_flags"] & (FEATURE_SIMD | FEATURE_GC) == 0
    assert info["feature_flags"] & FEATURE_MULTI_THREAD
    assert aot.read_target_info(data) == {**{k: v for k, v in info.items() if k != "reserved"},
                                          "xip": xip}


def test_make_aot_target(aotc, guest_dir, tmp_path):
    out = tmp_path / "k.aot"
    proc = subprocess.run(["make", "-s", "aot", f"APP={guest_dir / 'kernels.wasm'}", "TARGET=riscv32",
                           "XIP=1", f"OUTPUT={out}"], cwd=paths.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    info = target_info(out.read_bytes())
    assert (info["arch"], info["e_type"]) == ("riscv32", E_TYPE_XIP)
    proc = subprocess.run(["make", "-s", "aot"], cwd=paths.ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    assert "APP=path/to/app.wasm is required" in proc.stderr


# The real programs take minutes per target: Lua's XIP build runs on the
# emulated board (host_tests/hil/test_real_programs_board.py); fpmath has the
# constructs that made them need relocations.
REAL_PROGRAMS = ("lua.wasm", "minigzip.wasm")


def test_xip_for_cortex_m_has_no_text_relocations(aotc, guest_dir, tmp_path):
    apps = sorted(a for a in guest_dir.glob("*.wasm") if a.name not in REAL_PROGRAMS)
    assert {"kernels.wasm", "traps.wasm", "hello.wasm"} <= {a.name for a in apps}
    for target in ("thumbv7em", "thumbv7m", "riscv32"):
        for app in apps:
            relocatable = aot.compile_wasm(app, target, output=tmp_path / "r.aot", quiet=True)
            xip = aot.compile_wasm(app, target, xip=True, output=tmp_path / "x.aot", quiet=True)
            assert text_relocations(xip.read_bytes()) == {}, (target, app.name)
            if app.name == "kernels.wasm":
                # The parser does see text relocations where there are some.
                assert text_relocations(relocatable.read_bytes()), target


def test_driver_refuses_xip_output_with_text_relocations(aotc, tmp_path):
    # i64 division needs __aeabi_ldivmod on Cortex-M unless it goes through
    # WAMR's builtin intrinsics; the driver must not write such an XIP file.
    src = wat(tmp_path, "div64", """
(module
  (func (export "div") (param i64 i64) (result i64)
    (i64.div_s (local.get 0) (local.get 1))))
""")
    out = tmp_path / "div64.aot"
    base = [str(aotc), "--target=thumbv7em", "--target-abi=eabihf", "--cpu=cortex-m4", "--xip",
            "--builtin-intrinsics=f64.common"]
    proc = subprocess.run([*base, "-o", str(out), str(src)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert f"refusing to write XIP file {out}" in proc.stderr
    assert "__aeabi_ldivmod" in proc.stderr
    assert not out.exists() and list(tmp_path.glob("div64.aot*")) == []
    # The project's thumbv7em XIP settings route it through the runtime.
    aot.compile_wasm(src, "thumbv7em", xip=True, output=out, quiet=True)
    assert text_relocations(out.read_bytes()) == {}
    assert "aot_intrinsic_i64_div_s" in out.read_bytes().decode("latin-1")


@pytest.mark.parametrize("target", ["thumbv7em", "thumbv7m", "riscv32"])
def test_xip_float_compares_made_by_the_optimiser_go_through_the_runtime(aotc, guest_dir, tmp_path, target):
    # musl's log() (in fpmath.wasm) tests `asuint64(x) == asuint64(1.0)`:
    # LLVM folds that into a double compare, which these CPUs do with a
    # compiler helper (__aeabi_dcmpeq, __eqdf2), i.e. a text relocation.
    out = tmp_path / "fpmath.aot"
    proc = subprocess.run([str(aotc), *aot.compiler_args(target, xip=True), "-o", str(out),
                           str(guest_dir / "fpmath.wasm")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "aotc: 1 float compare made by LLVM's optimiser calls the runtime (XIP)" in proc.stdout
    assert text_relocations(out.read_bytes()) == {}
    assert "aot_intrinsic_f64_cmp" in out.read_bytes().decode("latin-1")


# ---- the command line ---------------------------------------------------------

def test_cli_compiles_with_progress_and_summary(aotc, guest_dir, tmp_path):
    out = tmp_path / "k.aot"
    proc = run_cli("aot", guest_dir / "kernels.wasm", "--target", "thumbv7em", "--xip", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "--target=thumbv7em --target-abi=eabihf --cpu=cortex-m4 --xip" in proc.stdout
    # Hard-float calling convention, like the firmware (-mfloat-abi=hard).
    assert "target triple: thumbv7em-unknown-none-eabihf" in proc.stdout
    assert f"{out}: {out.stat().st_size} bytes, AOT version 6, arch thumbv7em, XIP" in proc.stdout
    assert out.read_bytes()[:4] == AOT_MAGIC


def test_xtensa_needs_espressif_llvm(aotc, guest_dir, tmp_path):
    out = tmp_path / "k.aot"
    proc = run_cli("aot", guest_dir / "kernels.wasm", "--target", "xtensa", "-o", out)
    if proc.returncode == 0:
        # An LLVM with a complete Xtensa backend (Espressif's fork) compiles it.
        assert target_info(out.read_bytes())["arch"].startswith("xtensa")
        return
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "upstream LLVM 19" in proc.stderr
    assert "Xtensa backend" in proc.stderr
    assert "Espressif's LLVM fork (xtensa_release_18.x or newer)" in proc.stderr
    assert not out.exists()
    with pytest.raises(ToolError, match="Espressif"):
        aot.compile_wasm(guest_dir / "kernels.wasm", "xtensa", output=out, quiet=True)


def test_cli_errors_are_clear(aotc, guest_dir, tmp_path):
    garbage = tmp_path / "garbage.wasm"
    garbage.write_bytes(b"this is not wasm")
    truncated = tmp_path / "truncated.wasm"
    truncated.write_bytes((guest_dir / "kernels.wasm").read_bytes()[:100])
    cases = [
        (("aot", garbage), 1, "is not a WebAssembly binary"),
        (("aot", truncated), 1, "invalid WebAssembly module"),
        (("aot", tmp_path / "missing.wasm"), 1, "no such file"),
        (("aot", guest_dir / "kernels.wasm", "--target", "mips"), 2, "invalid choice: 'mips'"),
        (("aot",), 1, "no input"),
    ]
    for args, status, message in cases:
        proc = run_cli(*args)
        assert proc.returncode == status, (args, proc.stderr)
        assert message in proc.stderr, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    assert list(tmp_path.glob("*.aot*")) == []


def test_compiler_features_match_the_firmware_runtime():
    """The compiler must stay in step with the runtime it compiles for."""
    def defines(path):
        return dict(re.findall(r"-D(WASM_[A-Z0-9_]+)=(\d+)", path.read_text()))

    runtime = defines(paths.MODULES / "wasm" / "wamr.mk")
    compiler = defines(paths.ROOT / "tools" / "aotc" / "Makefile")
    for name in ("WASM_ENABLE_SIMD", "WASM_ENABLE_BULK_MEMORY", "WASM_ENABLE_REF_TYPES",
                 "WASM_ENABLE_GC", "WASM_ENABLE_MEMORY64", "WASM_ENABLE_TAIL_CALL",
                 "WASM_ENABLE_SHARED_MEMORY", "WASM_ENABLE_LIBC_WASI"):
        assert compiler[name] == runtime[name], name
    assert compiler["WASM_ENABLE_WAMR_COMPILER"] == "1"
    # AOT files carry the multi-thread feature flag (suspend-flag polls).
    assert runtime["WASM_ENABLE_THREAD_MGR"] == "1"
    # aotc_polls.c relies on shared memory being compiled out.
    assert compiler["WASM_ENABLE_SHARED_MEMORY"] == "0"
