"""Firmware and guest builds driven through MicroPython's own makefiles."""

import contextlib
import fcntl
import hashlib
import os
import shutil
from pathlib import Path

from . import emulated_boards, paths
from .progress import ToolError, info, run, step


def _config_stamp(obj_dir, make_args, inputs):
    """Start from a clean object directory when the build configuration
    changed: MicroPython's makefiles do not track CFLAGS. The dependencies'
    stamps count too: a changed patch series re-extracts WAMR with the
    archive's old file times, which make would not see."""
    digest = hashlib.sha256("\n".join(map(str, make_args)).encode())
    stamps = [paths.CACHE / name for name in ("micropython.stamp", "crates.stamp")]
    for path in [*inputs, *(stamp for stamp in stamps if stamp.exists())]:
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


DISPLAY_BACKENDS = ("headless", "sdl")
DISPLAY_MODULE_FILES = ("micropython.mk", "lvgl.mk", "lvgl_sources.mk")


@contextlib.contextmanager
def _shared_lvgl_dir(name):
    """build/lvgl/NAME: LVGL's objects for one target class, shared by the
    firmware builds of that class (built once, reused). A lock file keeps
    two builds from compiling into it at the same time (`make -j test`)."""
    lvgl_dir = paths.BUILD / "lvgl" / name
    lvgl_dir.mkdir(parents=True, exist_ok=True)
    with open(lvgl_dir.parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield lvgl_dir


def unix_build_dir(interp="fast", display="headless", sanitize=False):
    if display == "sdl":
        name = "unix-sdl"
    else:
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
# WAMR stops a guest's recursion this far above the end of the C stack; its
# own exception formatting then runs in that margin, and ASan's frames are
# several times larger (3 KB overflowed the host stack at an AOT guest's
# unbounded recursion).
SANITIZE_WAMR_DEFINES = "-DWASM_STACK_GUARD_SIZE=16384"


# Big enough for 1 MB modules on the fast interpreter with their linear
# memory; a static array, so pages that are never used cost no RAM.
UNIX_POOL_KB = 16384


def _seed_objects(seed, obj_dir, rebuild=("wasm",), product="micropython"):
    """Start a new variant's object directory from a finished build: only
    the objects of the `rebuild` modules then compile again (with the new
    flags), and what the variant adds."""
    if (obj_dir / product).exists() or not (seed / product).exists():
        return
    info(f"seeding {obj_dir} from {seed}")
    shutil.copytree(seed, obj_dir, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".config-stamp", "*.gcda", "*.gcno", product))
    for module in rebuild:
        for obj in (obj_dir / module).rglob("*.o"):
            obj.unlink()
    # Dependency files name the headers they were built against by absolute
    # path: point them at this directory's generated headers, or a change of
    # qstrs or error messages here would not rebuild the objects using them.
    for dep in obj_dir.rglob("*.P"):
        text = dep.read_text()
        if str(seed) in text:
            dep.write_text(text.replace(str(seed), str(obj_dir)))


def build_unix(interp="fast", pool_kb=None, display="headless", sanitize=False, out_dir=None,
               modules=None, extra_args=(), seed=None):
    """Build the unix port with the `wasm` and `display` modules into
    build/unix/micropython (build/unix-sdl/ for the SDL display;
    `sanitize`: with ASan + UBSan, into build/unix-asan). `out_dir`,
    `modules`, `extra_args` and `seed` (an object directory to start from)
    make instrumented variants (scripts/coverage.py, scripts/mutate.py) in
    their own directories."""
    if display not in DISPLAY_BACKENDS:
        raise ToolError(f"unknown display backend {display!r} (use {' or '.join(DISPLAY_BACKENDS)})")
    port = paths.MICROPYTHON / "ports" / "unix"
    _require(port, "MicroPython source")
    _require(paths.WAMR / "core", "WAMR source")
    pool_kb = pool_kb or UNIX_POOL_KB
    _require(paths.LVGL / "lvgl", "LVGL source")
    out_dir = out_dir or unix_build_dir(interp, display, sanitize)
    modules = modules or paths.MODULES
    obj_dir = out_dir / "obj"
    step(f"unix firmware (WAMR {interp} interpreter, {pool_kb} KB pool, {display} display"
         f"{', ASan + UBSan' if sanitize else ''}) -> {out_dir}")
    args = [
        f"BUILD={obj_dir}",
        f"USER_C_MODULES={modules}",
        f"WAMR_DIR={paths.WAMR}",
        f"WASM_INTERP={interp}",
        f"MICROPY_WASM_POOL_SIZE={pool_kb * 1024}",
        f"LVGL_DIR={paths.LVGL}",
        f"DISPLAY_BACKEND={display}",
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
            f"WAMR_SANITIZE_CFLAGS={SANITIZE_FLAGS} {SANITIZE_WAMR_DEFINES}",
            # Keep symbols: reports name the function and line.
            "STRIP=",
        ]
    _config_stamp(obj_dir, args, [modules / "wasm" / "wamr.mk", modules / "wasm" / "micropython.mk",
                                  *(modules / "display" / f for f in DISPLAY_MODULE_FILES),
                                  modules / "lvgl_bindings" / "micropython.mk"])
    if seed is not None:
        _seed_objects(seed, obj_dir)
    elif display == "sdl":
        # The rest of MicroPython is the same as in the headless build (SDL's
        # flags reach just the backend): start from its objects, compiling
        # the two modules again (their flags may differ, e.g. the pool size).
        _seed_objects(unix_build_dir(interp) / "obj", obj_dir, rebuild=("wasm", "display", "lvgl_bindings"))
    # LVGL's objects are shared by the unix builds (instrumented ones too:
    # their flags do not reach LVGL), except those of another module tree,
    # whose lv_conf path differs.
    lvgl_name = "host" if Path(modules).resolve() == paths.MODULES.resolve() else f"host-{out_dir.name}"
    with _shared_lvgl_dir(lvgl_name) as lvgl_dir:
        run(["make", "-C", port, "-j", _jobs(), *args, f"LVGL_BUILD_DIR={lvgl_dir}"],
            what="make (unix port)", quiet=True, env=_make_env())
    _install(obj_dir / "micropython", out_dir / "micropython")
    info(f"built {out_dir / 'micropython'}")
    return out_dir / "micropython"


def native_build_dir():
    """The real programs built natively (gcc), to compare their output."""
    return paths.BUILD / "native"


def build_guests(out_dir=None):
    """Build the C guest apps (guest/Makefile) and the real programs
    (guest/programs/Makefile: Lua and minigzip from their Debian sources, as
    wasm and natively) into build/guest and build/native."""
    out_dir = out_dir or paths.BUILD / "guest"
    step(f"guest apps -> {out_dir}")
    run(["make", "-C", paths.GUEST, "-j", _jobs(), f"OUT={out_dir}"], what="make (guests)",
        quiet=True)
    sources = {key.upper() + "_SRC": link for key, link in paths.PROGRAM_SOURCES.items()}
    for key, link in paths.PROGRAM_SOURCES.items():
        _require(link, f"{key} source")
    step(f"real programs -> {out_dir}, {native_build_dir()}")
    run(["make", "-C", paths.GUEST / "programs", "-j", _jobs(), f"OUT={out_dir}",
         f"NATIVE_OUT={native_build_dir()}", *(f"{k}={v.resolve()}" for k, v in sources.items())],
        what="make (real programs)", quiet=True)
    return out_dir


def emulated_build_dir(board=None):
    return emulated_boards.get(board).build_dir


def build_emulated(interp="classic", board=None, out_dir=None):
    """Build an emulated board (boards/<name>, see emulated_boards.py) into
    build/<its build dir>/firmware.elf, or into `out_dir` (a variant, e.g.
    the benchmark suite's other interpreter)."""
    board = emulated_boards.get(board)
    port = paths.MICROPYTHON / "ports" / "qemu"
    _require(port, "MicroPython source")
    _require(paths.WAMR / "core", "WAMR source")
    board_dir = board.dir
    out_dir = Path(out_dir or board.build_dir)
    obj_dir = out_dir / "obj"
    step(f"emulated board {board.name} (WAMR {interp} interpreter) -> {out_dir}")
    # The frozen manifest needs mpy-cross; built on its own first, or the
    # port's sub-make would inherit BUILD= and mix the two builds.
    mpy_cross = paths.MICROPYTHON / "mpy-cross" / "build" / "mpy-cross"
    if not mpy_cross.exists():
        run(["make", "-C", paths.MICROPYTHON / "mpy-cross", "-j", _jobs()], what="make (mpy-cross)",
            quiet=True)
    args = [
        f"BOARD={board.name}",
        f"BOARD_DIR={board_dir}",
        f"BUILD={obj_dir}",
        f"USER_C_MODULES={paths.MODULES}",
        f"WAMR_DIR={paths.WAMR}",
        f"WASM_INTERP={interp}",
        f"FROZEN_MANIFEST={board_dir / 'manifest.py'}",
        f"MPY_CROSS={mpy_cross}",
        f"MPY_LIB_DIR={paths.ROOT / 'firmware' / 'no-micropython-lib'}",
        f"LVGL_DIR={paths.LVGL}",
    ]
    inputs = [paths.MODULES / "wasm" / "wamr.mk", paths.MODULES / "wasm" / "micropython.mk",
              *(paths.MODULES / "display" / f for f in DISPLAY_MODULE_FILES),
              paths.MODULES / "lvgl_bindings" / "micropython.mk",
              *sorted(board_dir.glob("*.mk")), *sorted(paths.ROOT.glob("boards/QEMU_WAMR/*.mk")),
              *sorted(paths.ROOT.glob("boards/qemu_common/*.mk"))]
    _config_stamp(obj_dir, args, inputs)
    if out_dir != board.build_dir:
        # A variant differs in the wasm module and WAMR only (another
        # interpreter): start from the board's own build.
        _seed_objects(board.build_dir / "obj", obj_dir, rebuild=("wasm", "wamr"), product="firmware.elf")
    with contextlib.ExitStack() as stack:
        if board.panel:
            # Outside obj/: a configuration change of the firmware does not
            # recompile LVGL (its flags are tracked by lvgl.mk).
            lvgl_dir = stack.enter_context(_shared_lvgl_dir(board.name))
            args.append(f"LVGL_BUILD_DIR={lvgl_dir}")
        run(["make", "-C", port, "-j", _jobs(), *args], what="make (qemu port)", quiet=True,
            env=_make_env())
    _install(obj_dir / "firmware.elf", out_dir / "firmware.elf")
    info(f"built {out_dir / 'firmware.elf'}")
    return out_dir / "firmware.elf"
