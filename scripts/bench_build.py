"""What the benchmark suite runs (scripts/bench.py), built into build/bench/:

- the kernels as wasm modules (guest/Makefile: bench, bench_calls, bench_big),
  AOT-compiled for each CPU and packed as XIP apps for the boards;
- the kernels in C as a MicroPython native module (benchnat.mpy) per CPU,
  through MicroPython's dynruntime.mk (gcc -O2): the "native" column;
- the MicroPython kernels: kernels.py (bytecode), kernels_native.py
  (the same with @micropython.native), kernels_viper.py;
- for each emulated board, a littlefs image with all of that and the
  wasmapps image with the XIP apps.
"""

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import aot, build, emulated_boards, flashfs, paths, xip
from .progress import ToolError, info, run, step

BENCH_SRC = paths.GUEST / "bench"
OUT = paths.BUILD / "bench"
WASM_STEMS = ("bench", "bench_calls", "bench_big")
PY_KERNELS = ("kernels.py", "kernels_native.py", "kernels_viper.py")


@dataclass(frozen=True)
class Cpu:
    """One CPU the suite runs on: its natmod arch, AOT target and toolchain."""
    natmod_arch: str
    aot_target: str
    libgcc_cmd: tuple = ()      # prints the libgcc the native module links against
    natmod_cflags: str = ""


CPUS = {
    "x86_64": Cpu("x64", "x86_64"),
    "thumbv7em": Cpu("armv7emsp", "thumbv7em",
                     ("arm-none-eabi-gcc", "-mthumb", "-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16",
                      "-mfloat-abi=hard", "-print-libgcc-file-name")),
    # dynruntime.mk builds for rv32imac: the board (an ESP32-C3) has no atomics.
    "riscv32": Cpu("rv32imc", "riscv32",
                   ("riscv64-unknown-elf-gcc", "-march=rv32im", "-mabi=ilp32",
                    "-print-libgcc-file-name"), "-march=rv32imc"),
}


def guest_dir():
    return paths.BUILD / "guest" / "bench"


def build_wasm():
    """The suite's wasm modules (make -C guest, which builds the demo apps too)."""
    build.build_guests()
    for stem in WASM_STEMS:
        if not (guest_dir() / f"{stem}.wasm").exists():
            raise ToolError(f"{guest_dir() / stem}.wasm was not built")
    return guest_dir()


def build_python_kernels():
    """kernels.py, kernels_viper.py, and kernels_native.py derived from kernels.py."""
    out = OUT / "py"
    out.mkdir(parents=True, exist_ok=True)
    source = (BENCH_SRC / "kernels.py").read_text()
    shutil.copy2(BENCH_SRC / "kernels.py", out / "kernels.py")
    shutil.copy2(BENCH_SRC / "kernels_viper.py", out / "kernels_viper.py")
    native = "import micropython\n" + "\n".join(
        "@micropython.native" if line == "# emit" else line for line in source.splitlines()) + "\n"
    (out / "kernels_native.py").write_text(native)
    return out


def build_natmod(cpu_name):
    """benchnat.mpy for one CPU; returns its path."""
    cpu = CPUS[cpu_name]
    out = OUT / "natmod" / cpu.natmod_arch
    out.mkdir(parents=True, exist_ok=True)
    # dynruntime.mk's rules want a Makefile in the directory they run in.
    (out / "Makefile").write_text(f"include {BENCH_SRC / 'natmod.mk'}\n")
    args = [f"MPY_DIR={paths.MICROPYTHON}", f"ARCH={cpu.natmod_arch}",
            f"PYTHON={paths.VENV / 'bin' / 'python'}"]
    if cpu.libgcc_cmd:
        libgcc = subprocess.run(list(cpu.libgcc_cmd), capture_output=True, text=True).stdout.strip()
        if not Path(libgcc).is_file():
            raise ToolError(f"libgcc for {cpu_name} not found ({' '.join(cpu.libgcc_cmd)}): "
                            "run `make setup`")
        args.append(f"MPY_LD_FLAGS=-l{libgcc}")
    if cpu.natmod_cflags:
        args.append("CFLAGS_EXTRA=-O2 -ffp-contract=off -fno-tree-loop-distribute-patterns "
                    + cpu.natmod_cflags)
    # The kernels are #included into natmod.c: make cannot see them change.
    sources = [*BENCH_SRC.glob("*.c"), BENCH_SRC / "bench.h", BENCH_SRC / "natmod.mk"]
    mpy = out / "benchnat.mpy"
    if mpy.exists() and all(s.stat().st_mtime < mpy.stat().st_mtime for s in sources):
        return mpy
    shutil.rmtree(out / "build", ignore_errors=True)
    run(["make", "-C", out, *args], what=f"native module ({cpu.natmod_arch})", quiet=True)
    return mpy


def build_aot(cpu_name):
    """bench*.aot for a CPU's AOT target into build/bench/aot/TARGET."""
    target = CPUS[cpu_name].aot_target
    out = OUT / "aot" / target
    out.mkdir(parents=True, exist_ok=True)
    for stem in WASM_STEMS:
        src = guest_dir() / f"{stem}.wasm"
        dst = out / f"{stem}.aot"
        if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime:
            aot.compile_wasm(src, target, output=dst, quiet=True)
    return out


def build_xip(cpu_name):
    """wasmapps image with the suite's modules as XIP apps for a board."""
    target = CPUS[cpu_name].aot_target
    out = OUT / "xip" / target
    out.mkdir(parents=True, exist_ok=True)
    image = out / "wasmapps.bin"
    sources = [guest_dir() / f"{stem}.wasm" for stem in WASM_STEMS]
    if not image.exists() or any(image.stat().st_mtime < s.stat().st_mtime for s in sources):
        xip.pack_files(sources, image, target)
    return image


def board_files(cpu_name):
    """{name: local path} of everything a session needs in its directory."""
    files = {f"{stem}.wasm": guest_dir() / f"{stem}.wasm" for stem in WASM_STEMS}
    aot_dir = build_aot(cpu_name)
    files.update({f"{stem}.aot": aot_dir / f"{stem}.aot" for stem in WASM_STEMS})
    py = OUT / "py"
    files.update({name: py / name for name in PY_KERNELS})
    files["benchnat.mpy"] = build_natmod(cpu_name)
    return files


def build_board_image(board_name):
    """build/bench/BOARD/flash.img: littlefs with the suite's files in /flash,
    and the board's wasmapps image (XIP apps)."""
    board = emulated_boards.get(board_name)
    out = OUT / board.name
    out.mkdir(parents=True, exist_ok=True)
    files = {f"/{name}": path.read_bytes() for name, path in board_files(board.aot_target).items()}
    image = out / "flash.img"
    flashfs.write_image(image, files, flashfs.parse_size("2M"))
    return image, build_xip(board.aot_target)


def build_all(boards=()):
    """Everything for a run on unix and on `boards`; returns the session
    directory of unix (the files stay where they were built)."""
    step("benchmark suite: modules, native modules, AOT and XIP builds -> build/bench")
    build_wasm()
    build_python_kernels()
    unix_dir = OUT / "unix"
    unix_dir.mkdir(parents=True, exist_ok=True)
    for name, path in board_files("x86_64").items():
        link = unix_dir / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(path.resolve())
    images = {name: build_board_image(name) for name in boards}
    info(f"built for unix{''.join(', ' + b for b in boards)}")
    return unix_dir, images
