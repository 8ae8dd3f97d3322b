"""Firmware and guest builds driven through MicroPython's own makefiles."""

import hashlib
import os
import shutil
from pathlib import Path

from . import paths
from .progress import ToolError, info, run, step


def _config_stamp(obj_dir, make_args, inputs):
    """Start from a clean object directory when the build configuration
    changed: MicroPython's makefiles do not track CFLAGS."""
    digest = hashlib.sha256("\n".join(map(str, make_args)).encode())
    for path in inputs:
        digest.update(Path(path).read_bytes())
    stamp = obj_dir / ".config-stamp"
    if obj_dir.exists() and (not stamp.exists() or stamp.read_text() != digest.hexdigest()):
        info(f"configuration changed: cleaning {obj_dir}")
        shutil.rmtree(obj_dir)
    obj_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest.hexdigest())


def _install(src, dst):
    """Copy then rename, so a binary that is running is replaced, not rewritten."""
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copy2(src, tmp)
    os.replace(tmp, dst)


def _require(path, what):
    if not path.exists():
        raise ToolError(f"{what} not found at {path}: run `make setup` first")


def _jobs():
    return str(os.cpu_count() or 2)


def _make_env():
    # cache/ sits inside this repository: stop MicroPython's version script
    # from describing *this* repository's git state as MicroPython's version.
    return dict(os.environ, GIT_CEILING_DIRECTORIES=str(paths.ROOT))


def unix_build_dir(interp="fast", sanitize=False):
    name = "unix" if interp == "fast" else f"unix-{interp}"
    return paths.BUILD / (f"{name}-asan" if sanitize else name)


# AddressSanitizer + UBSan for the whole firmware, WAMR included. Any report
# aborts the process (no recovery), so a test sees it as a crash. Two UBSan
# checks stay off: alignment (WAMR reads unaligned operands on purpose on
# x86-64) and nonnull-attribute (MicroPython passes NULL with length 0 to
# memcpy; a NULL with a real length still faults and ASan reports that).
SANITIZE_FLAGS = "-fsanitize=address,undefined -fno-sanitize=alignment,nonnull-attribute " \
                 "-fno-sanitize-recover=all -fno-omit-frame-pointer"
# MicroPython's own nlr unwinds with hand-written assembly, which ASan cannot
# follow; setjmp/longjmp it can. WAMR allocates from malloc (with the pool's
# size as a budget) so that ASan sees every WAMR allocation on its own.
SANITIZE_DEFINES = "-DMICROPY_NLR_SETJMP=1 -Wno-clobbered -DMICROPY_WASM_SYSTEM_ALLOC=1"


def _seed_objects(seed, obj_dir):
    """Start a new variant's object directory from a finished build: only
    the `wasm` module's own files then compile again (with the new flags)."""
    if (obj_dir / "micropython").exists() or not (seed / "micropython").exists():
        return
    info(f"seeding {obj_dir} from {seed}")
    shutil.copytree(seed, obj_dir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".config-stamp", "*.gcda", "*.gcno", "micropython"))
    for obj in (obj_dir / "wasm").rglob("*.o"):
        obj.unlink()
    # Dependency files name the headers they were built against by absolute
    # path: point them at this directory's generated headers, or a change of
    # qstrs or error messages here would not rebuild the objects using them.
    for dep in obj_dir.rglob("*.P"):
        text = dep.read_text()
        if str(seed) in text:
            dep.write_text(text.replace(str(seed), str(obj_dir)))


def build_unix(interp="fast", pool_kb=256, sanitize=False, out_dir=None, modules=None,
               extra_args=(), seed=None):
    """Build the unix port with the `wasm` module into build/unix/micropython
    (`sanitize`: with ASan + UBSan, into build/unix-asan). `out_dir`,
    `modules`, `extra_args` and `seed` (an object directory to start from)
    make instrumented variants (scripts/coverage.py, scripts/mutate.py) in
    their own directories."""
    port = paths.MICROPYTHON / "ports" / "unix"
    _require(port, "MicroPython source")
    _require(paths.WAMR / "core", "WAMR source")
    out_dir = out_dir or unix_build_dir(interp, sanitize)
    modules = modules or paths.MODULES
    obj_dir = out_dir / "obj"
    step(f"unix firmware (WAMR {interp} interpreter, {pool_kb} KB pool"
         f"{', ASan + UBSan' if sanitize else ''}) -> {out_dir}")
    args = [
        f"BUILD={obj_dir}",
        f"USER_C_MODULES={modules}",
        f"WAMR_DIR={paths.WAMR}",
        f"WASM_INTERP={interp}",
        f"MICROPY_WASM_POOL_SIZE={pool_kb * 1024}",
        # Debian's source package strips these submodules.
        "FROZEN_MANIFEST=",
        "MICROPY_PY_BTREE=0",
        "MICROPY_PY_SSL=0",
        "MICROPY_SSL_AXTLS=0",
        "MICROPY_SSL_MBEDTLS=0",
        *extra_args,
    ]
    if sanitize:
        args += [
            f"CFLAGS_EXTRA={SANITIZE_FLAGS} {SANITIZE_DEFINES}",
            f"LDFLAGS_EXTRA={SANITIZE_FLAGS}",
            f"WAMR_SANITIZE_CFLAGS={SANITIZE_FLAGS}",
            # Keep symbols: reports name the function and line.
            "STRIP=",
        ]
    _config_stamp(obj_dir, args, [modules / "wasm" / "wamr.mk", modules / "wasm" / "micropython.mk"])
    if seed is not None:
        _seed_objects(seed, obj_dir)
    run(["make", "-C", port, "-j", _jobs(), *args], what="make (unix port)", quiet=True, env=_make_env())
    _install(obj_dir / "micropython", out_dir / "micropython")
    info(f"built {out_dir / 'micropython'}")
    return out_dir / "micropython"


def build_guests(out_dir=None):
    """Build the C guest apps (guest/Makefile) into build/guest."""
    out_dir = out_dir or paths.BUILD / "guest"
    step(f"guest apps -> {out_dir}")
    run(["make", "-C", paths.GUEST, "-j", _jobs(), f"OUT={out_dir}"], what="make (guests)",
        quiet=True)
    return out_dir


EMULATED_BOARD = "QEMU_WAMR"


def emulated_build_dir():
    return paths.BUILD / "emulated"


def build_emulated(interp="classic"):
    """Build the emulated Cortex-M board into build/emulated/firmware.elf."""
    port = paths.MICROPYTHON / "ports" / "qemu"
    _require(port, "MicroPython source")
    _require(paths.WAMR / "core", "WAMR source")
    board_dir = paths.ROOT / "boards" / EMULATED_BOARD
    out_dir = emulated_build_dir()
    obj_dir = out_dir / "obj"
    step(f"emulated board {EMULATED_BOARD} (WAMR {interp} interpreter) -> {out_dir}")
    # The frozen manifest needs mpy-cross; built on its own first, or the
    # port's sub-make would inherit BUILD= and mix the two builds.
    mpy_cross = paths.MICROPYTHON / "mpy-cross" / "build" / "mpy-cross"
    if not mpy_cross.exists():
        run(["make", "-C", paths.MICROPYTHON / "mpy-cross", "-j", _jobs()], what="make (mpy-cross)",
            quiet=True)
    args = [
        f"BOARD={EMULATED_BOARD}",
        f"BOARD_DIR={board_dir}",
        f"BUILD={obj_dir}",
        f"USER_C_MODULES={paths.MODULES}",
        f"WAMR_DIR={paths.WAMR}",
        f"WASM_INTERP={interp}",
        f"FROZEN_MANIFEST={board_dir / 'manifest.py'}",
        f"MPY_CROSS={mpy_cross}",
        f"MPY_LIB_DIR={paths.ROOT / 'firmware' / 'no-micropython-lib'}",
    ]
    _config_stamp(obj_dir, args, [paths.MODULES / "wasm" / "wamr.mk", paths.MODULES / "wasm" / "micropython.mk",
                                  board_dir / "mpconfigboard.mk"])
    run(["make", "-C", port, "-j", _jobs(), *args], what="make (qemu port)", quiet=True, env=_make_env())
    _install(obj_dir / "firmware.elf", out_dir / "firmware.elf")
    info(f"built {out_dir / 'firmware.elf'}")
    return out_dir / "firmware.elf"
