"""Firmware and guest builds driven through MicroPython's own makefiles."""

import os
import shutil

from . import paths
from .progress import ToolError, info, run, step


def _require(path, what):
    if not path.exists():
        raise ToolError(f"{what} not found at {path}: run `make setup` first")


def _jobs():
    return str(os.cpu_count() or 2)


def unix_build_dir(interp="fast"):
    return paths.BUILD / ("unix" if interp == "fast" else f"unix-{interp}")


def build_unix(interp="fast", pool_kb=256):
    """Build the unix port with the `wasm` module into build/unix/micropython."""
    port = paths.MICROPYTHON / "ports" / "unix"
    _require(port, "MicroPython source")
    _require(paths.WAMR / "core", "WAMR source")
    out_dir = unix_build_dir(interp)
    obj_dir = out_dir / "obj"
    step(f"unix firmware (WAMR {interp} interpreter, {pool_kb} KB pool) -> {out_dir}")
    run([
        "make", "-C", port, "-j", _jobs(),
        f"BUILD={obj_dir}",
        f"USER_C_MODULES={paths.MODULES}",
        f"WAMR_DIR={paths.WAMR}",
        f"WASM_INTERP={interp}",
        f"MICROPY_WASM_POOL_SIZE={pool_kb * 1024}",
        # Debian's source package strips these submodules.
        "FROZEN_MANIFEST=",
        "MICROPY_PY_BTREE=0",
        "MICROPY_PY_SSL=0",
        "MICROPY_SSL_AXTLS=0",
        "MICROPY_SSL_MBEDTLS=0",
    ], what="make (unix port)", quiet=True)
    shutil.copy2(obj_dir / "micropython", out_dir / "micropython")
    info(f"built {out_dir / 'micropython'}")
    return out_dir / "micropython"


def build_guests(out_dir=None):
    """Build the C guest apps (guest/Makefile) into build/guest."""
    out_dir = out_dir or paths.BUILD / "guest"
    step(f"guest apps -> {out_dir}")
    run(["make", "-C", paths.GUEST, "-j", _jobs(), f"OUT={out_dir}"], what="make (guests)",
        quiet=True)
    return out_dir
