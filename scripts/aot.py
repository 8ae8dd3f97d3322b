"""WAMR AOT compilation: the project's compiler (tools/aotc) and its targets.

`python -m scripts aot app.wasm --target thumbv7em [--xip] [-o app.aot]`
builds build/host/aotc when needed (WAMR 2.4.3's compilation library plus
the driver in tools/aotc, linked against Debian's LLVM 19) and compiles.

Every target gets the firmware runtime's feature set: AOT format version 6,
bulk memory and reference types on, SIMD off, software bounds checks for
linear memory and the native stack (the runtimes have no hardware bound
checks), and suspend-flag polls at loop back-edges and after calls, so the
firmware's Ctrl-C stops a runaway AOT guest.
"""

import os
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .progress import ToolError, info, run, step

AOTC_DIR = paths.ROOT / "tools" / "aotc"
HOST_BUILD = paths.BUILD / "host"
# Another LLVM (e.g. Espressif's fork, for Xtensa): LLVM_CONFIG=/path/to/llvm-config.
LLVM_CONFIG = os.environ.get("LLVM_CONFIG", "llvm-config-19")

# Helpers an M4F has no instructions for (64-bit division, double precision,
# float<->int64 conversions, f32 rounding/min/max), called through the
# runtime's aot_intrinsic_* table in XIP files instead of libgcc/libm calls,
# which would leave relocations in the code. Single-precision arithmetic,
# compares and f32<->i32 conversions stay in the FPU.
_M4F_XIP_INTRINSICS = ",".join([
    "i64.common", "f64.common", "f64xi32", "f64xi64", "f32xi64",
    "f32_demote_f64", "f64_promote_f32",
    "llvm.minnum.f32", "llvm.maxnum.f32", "llvm.floor.f32", "llvm.ceil.f32",
    "llvm.trunc.f32", "llvm.rint.f32",
])
# No FPU on a Cortex-M3: all floating point and 64-bit division.
_M3_XIP_INTRINSICS = "i64.common,fp.common,fpxint,f32_demote_f64,f64_promote_f32"


@dataclass(frozen=True)
class Target:
    description: str
    args: tuple
    xip_intrinsics: str = None       # --xip helpers; None: WAMR's own choice for the CPU
    arch: str = None                 # the files' arch when it is not the target's name


TARGETS = {
    "x86_64": Target(
        "unix firmware (x86-64, generic CPU)",
        ("--target=x86_64", "--cpu=generic")),
    "thumbv7em": Target(
        "Cortex-M4F, hard float (the emulated board; WAMR BUILD_TARGET THUMBV7EM, THUMB_VFP)",
        ("--target=thumbv7em", "--target-abi=eabihf", "--cpu=cortex-m4"),
        xip_intrinsics=_M4F_XIP_INTRINSICS),
    # WAMR's list of target names has no "thumbv7m": a full triple bypasses
    # that list (WAMR then ignores --cpu; LLVM's generic v7-M is the
    # Cortex-M3 instruction set) and the file says "thumbv7m", which runtimes
    # built with BUILD_TARGET THUMBV7M or THUMBV7 accept.
    "thumbv7m": Target(
        "Cortex-M3, soft float (WAMR BUILD_TARGET THUMBV7M, THUMB)",
        ("--target=thumbv7m-unknown-none-eabi",),
        xip_intrinsics=_M3_XIP_INTRINSICS),
    "riscv32": Target(
        "ESP32-C3 flavour: rv32imc, ilp32 soft float",
        ("--target=riscv32", "--target-abi=ilp32", "--cpu=generic-rv32", "--cpu-features=+m,+c")),
    "xtensa": Target(
        "ESP32 (Xtensa LX6); needs an LLVM with Espressif's Xtensa backend",
        ("--target=xtensa", "--cpu=esp32")),
    # The same runtime target (files say "xtensa"), tuned for the S3's LX7.
    "xtensa-esp32s3": Target(
        "ESP32-S3 (Xtensa LX7); needs an LLVM with Espressif's Xtensa backend",
        ("--target=xtensa", "--cpu=esp32s3"), arch="xtensa"),
}


def target_arch(target):
    """The arch an AOT file for `target` names (what runtimes and the
    wasmapps index compare): "xtensa" for "xtensa-esp32s3"."""
    return TARGETS[target].arch or target

AOT_MAGIC = b"\0aot"
AOT_VERSION = 6
E_TYPE_XIP = 4


def compiler_path():
    return HOST_BUILD / "aotc"


def _make_cmd(jobs):
    return ["make", "--no-print-directory", "-C", AOTC_DIR, "-j", str(jobs),
            f"WAMR_DIR={paths.WAMR}", f"OUT={HOST_BUILD}", f"LLVM_CONFIG={LLVM_CONFIG}"]


def build_compiler(jobs=None):
    """Build build/host/aotc if it is missing or out of date; return its path."""
    if not (paths.WAMR / "core" / "iwasm" / "compilation").is_dir():
        raise ToolError(f"WAMR source not found at {paths.WAMR}: run `make setup` first")
    if shutil.which(LLVM_CONFIG) is None:
        raise ToolError(f"{LLVM_CONFIG} not found: the AOT compiler needs LLVM, Debian's "
                        "llvm-19-dev by default (`make setup` installs it)")
    jobs = jobs or os.cpu_count() or 2
    cmd = _make_cmd(jobs)
    if compiler_path().exists():
        up_to_date = subprocess.run([*cmd, "-q"], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL).returncode == 0
        if up_to_date:
            return compiler_path()
        step(f"AOT compiler: updating {compiler_path()}")
    else:
        step(f"AOT compiler: building {compiler_path()} (WAMR compilation library + LLVM 19, "
             f"{jobs} jobs; about a minute on 2 cores)")
    run(cmd, what="make (aotc)")
    return compiler_path()


def compiler_args(target, xip=False):
    """The aotc options for `target` (without input and output)."""
    try:
        spec = TARGETS[target]
    except KeyError:
        raise ToolError(f"unknown AOT target {target!r}: choose one of {', '.join(TARGETS)}") from None
    args = list(spec.args)
    if xip:
        args.append("--xip")
        if spec.xip_intrinsics:
            args.append(f"--builtin-intrinsics={spec.xip_intrinsics}")
    return args


def compile_wasm(source, target="x86_64", xip=False, output=None, *, quiet=False):
    """Compile `source` (.wasm) for `target`; return the output path."""
    source = Path(source)
    args = compiler_args(target, xip)
    if not source.is_file():
        raise ToolError(f"{source}: no such file")
    output = Path(output) if output else source.with_suffix(".aot")
    aotc = build_compiler()
    if not quiet:
        step(f"AOT {source} -> {output} ({target}{', XIP' if xip else ''})")
        info("aotc " + " ".join(args))
    proc = subprocess.run([str(aotc), *args, "-o", str(output), str(source)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        message = proc.stderr.strip() or proc.stdout.strip() or f"exit status {proc.returncode}"
        raise ToolError(f"AOT compilation of {source} for {target} failed:\n{message}")
    if not quiet:
        for line in proc.stdout.splitlines():
            if line.startswith("  target") or line.startswith("aotc:"):
                info(line.strip())
    return output


def read_target_info(data):
    """The target-info section of an AOT file, as a dict (see aot_loader.c)."""
    if data[:4] != AOT_MAGIC or len(data) < 16 + struct.calcsize("<HHHHIIQQ16s"):
        raise ValueError("not a WAMR AOT file")
    version, section, size = struct.unpack_from("<III", data, 4)
    if section != 0 or size < struct.calcsize("<HHHHIIQQ16s"):
        raise ValueError("AOT file does not start with a target-info section")
    (bin_type, abi_type, e_type, e_machine, e_version, e_flags, feature_flags,
     _reserved, arch) = struct.unpack_from("<HHHHIIQQ16s", data, 16)
    return {
        "version": version,
        "bin_type": bin_type,
        "abi_type": abi_type,
        "e_type": e_type,
        "e_machine": e_machine,
        "e_version": e_version,
        "e_flags": e_flags,
        "feature_flags": feature_flags,
        "arch": arch.split(b"\0", 1)[0].decode("ascii", "replace"),
        "xip": e_type == E_TYPE_XIP,
    }


# Section types of WAMR's AOT format (aot_runtime.h).
SECTION_NAMES = {0: "target info", 1: "init data", 2: "text", 3: "function", 4: "export",
                 5: "relocation", 100: "custom"}


def sections(data):
    """[(type, body offset, body size)] of an AOT file, in file order (each
    section header 4-byte aligned from the start of the file)."""
    out, pos = [], 8
    while pos < len(data):
        pos = (pos + 3) & ~3
        if pos + 8 > len(data):
            raise ValueError("truncated section header")
        kind, size = struct.unpack_from("<II", data, pos)
        if size > len(data) - pos - 8:
            raise ValueError("section extends past the end of the file")
        out.append((kind, pos + 8, size))
        pos += 8 + size
    return out

