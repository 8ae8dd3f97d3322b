"""Getting guest apps onto a board.

- `python -m scripts deploy --port PORT app.wasm ...` copies the apps into
  the board's filesystem with mpremote, into the directory the board starts
  in (/flash on the emulated board and on the ESP32 boards, whose littlefs
  image has a boot.py that changes to it), then checks their sizes there.
- `python -m scripts deploy --xip --board BOARD --port PORT app.wasm ...`
  compiles the apps for execute-in-place as `python -m scripts xip-pack` does,
  and flashes the resulting image into the board's `wasmapps` partition.
- `python -m scripts esp32-images --board BOARD [apps...]` makes the two
  data images the Docker build exports: vfs.img (littlefs, sized to the
  `vfs` partition) and wasmapps.bin (xip-pack).

On ESP32 the port's boot code mounts the `vfs` partition at / (not /flash
as on the emulated board). vfs.img keeps the apps in /flash and has a
boot.py that starts the board there, so paths and the current directory are
the same on every board (the HIL suite relies on /flash).
"""

import shlex
import subprocess
import sys
from pathlib import Path

from . import esp32, flashfs, paths, xip
from .progress import ToolError, info, step

WASM_MAGIC = b"\0asm"
AOT_MAGIC = b"\0aot"


def check_apps(files):
    """Every file exists and is a wasm module or a WAMR AOT file."""
    if not files:
        raise ToolError("no apps given")
    problems = []
    for f in map(Path, files):
        if not f.is_file():
            problems.append(f"{f}: no such file")
            continue
        head = f.read_bytes()[:4]
        if head not in (WASM_MAGIC, AOT_MAGIC):
            problems.append(f"{f}: not a .wasm module or WAMR AOT file (magic {head!r})")
    names = [Path(f).name for f in files]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        problems.append(f"two apps would get the same name on the board: {', '.join(dupes)}")
    if problems:
        raise ToolError("nothing was copied:\n    " + "\n    ".join(problems))
    return [Path(f) for f in files]


def _remote_dir(dest):
    """mpremote's spelling of a board directory ('' = where the board starts)."""
    dest = (dest or "").strip()
    if dest.startswith(":"):
        dest = dest[1:]
    if dest and not dest.endswith("/"):
        dest += "/"
    return dest


def _verify_code(apps, remote_dir):
    expected = [(remote_dir + p.name, p.stat().st_size) for p in apps]
    return ("import os\n"
            f"for n, s in {expected!r}:\n"
            "    try:\n"
            "        got = os.stat(n)[6]\n"
            "    except OSError:\n"
            "        got = -1\n"
            "    print('deploy-check', n, s, got)\n")


def mpremote_command(port, apps, dest=""):
    """One mpremote run: copy the apps, then report each file's size."""
    remote = _remote_dir(dest)
    return [sys.executable, "-m", "mpremote", "connect", port,
            "cp", *map(str, apps), ":" + remote,
            "+", "exec", _verify_code(apps, remote)]


def deploy_files(port, files, dest="", timeout=300):
    apps = check_apps(files)
    try:
        import mpremote  # noqa: F401
    except ImportError as exc:
        raise ToolError("mpremote is missing: run `make setup`") from exc
    if "://" not in port and not Path(port).exists():
        raise ToolError(f"serial port {port} does not exist")
    remote = _remote_dir(dest)
    step(f"copying {len(apps)} app(s) to {port}:{remote or '(board directory)'}")
    cmd = mpremote_command(port, apps, dest)
    info(" ".join(shlex.quote(c) for c in cmd[2:7 + len(apps)]) + " + exec <size check>")
    try:
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolError(f"mpremote did not finish within {timeout}s on {port}") from None
    checks = [line.split() for line in result.stdout.splitlines() if line.startswith("deploy-check ")]
    for line in result.stdout.splitlines():
        if not line.startswith("deploy-check "):
            info(line)
    if result.returncode != 0 or len(checks) != len(apps):
        raise ToolError(f"mpremote failed (exit {result.returncode}) on {port}")
    bad = [f"{name}: {got} bytes on the board, {want} expected"
           for _, name, want, got in checks if want != got]
    if bad:
        raise ToolError("copy incomplete:\n    " + "\n    ".join(bad))
    for _, name, size, _got in checks:
        info(f"{name}: {size} bytes")
    step(f"{len(apps)} app(s) deployed")
    return [c[1] for c in checks]


# --- images for the ESP32 partitions --------------------------------------------

def make_xip_image(board, apps, output):
    """Packs `apps` for the board's AOT target (as xip-pack does); returns the path."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    part = board.partition(esp32.XIP_PARTITION)
    step(f"XIP apps for {board.aot_target} -> {output}")
    xip.pack_files(apps, output, board.aot_target)
    size = output.stat().st_size
    if size > part.size:
        raise ToolError(f"{output} is {size} bytes, larger than the {part.size}-byte "
                        f"`{esp32.XIP_PARTITION}` partition of {board.name}")
    info(f"{output}: {size} bytes for the {part.size // 1024} KB `{esp32.XIP_PARTITION}` partition")
    return output


APP_DIR = "/flash"
BOOT_PY = f"""\
# This file is executed on every boot (including wake-boot from deepsleep).
# The WAMR boards keep their apps in {APP_DIR}, as the emulated board does,
# and start there.
import os
try:
    os.chdir("{APP_DIR}")
except OSError:
    pass
"""


def make_fs_image(board, apps, output):
    """A littlefs image of exactly the `vfs` partition's size: the apps in
    /flash and a boot.py that changes there."""
    part = board.partition(esp32.FS_PARTITION)
    files = {"/boot.py": BOOT_PY.encode()}
    files.update({f"{APP_DIR}/{Path(a).name}": Path(a).read_bytes() for a in apps})
    flashfs.write_image(output, files, part.size)
    info(f"{output}: littlefs, {part.size // 1024} KB, {len(files) - 1} app(s) in {APP_DIR}")
    return Path(output)


# Guests that only the test suites use (the generated every-function and
# extreme-value LVGL guests, the hostile LVGL guests, the call benchmark):
# hundreds of KB of AOT code no board image needs.
TEST_ONLY_GUESTS = ("lvgl_calls_", "lvgl_fuzz_", "ui_hostile", "ui_closer", "ui_bench",
                    "ui_reentry", "ui_ranges", "ui_traps", "ui_recursion")


def default_apps(board=None, programs=True):
    """The built guests for a board's images: no test-only guests, the LVGL
    apps (ui_*) only on a board with the display module, and the real
    programs (Lua, minigzip) only if `programs` and the board's WAMR pool
    runs them interpreted (never for board None: the demo apps)."""
    from . import real_programs

    program_files = {f"{p}.wasm" for p in real_programs.PROGRAMS}
    with_display = board is None or "WAMR_DISPLAY_MODULE" in board.variables
    with_programs = programs and board is not None and board.pool_size >= real_programs.POOL_NEEDED
    return [p for p in sorted((paths.BUILD / "guest").glob("*.wasm"))
            if not p.name.startswith(TEST_ONLY_GUESTS)
            and (with_display or not p.name.startswith("ui_"))
            and (with_programs or p.name not in program_files)]


def make_images(board_name, apps=None, output_dir=None, xip=True):
    board = esp32.load_board(board_name)
    fs_apps = [Path(a) for a in apps] if apps else default_apps(board)
    # XIP images hold the demo apps by default: the real programs' code does
    # not fit a wasmapps partition next to them (Lua is 0.7-1.1 MB of it).
    xip_apps = [Path(a) for a in apps] if apps else default_apps(board, programs=False)
    if fs_apps:
        check_apps(fs_apps)
    out = Path(output_dir) if output_dir else board.default_build_dir()
    step(f"data images for {board.name} -> {out}")
    made = [make_fs_image(board, fs_apps, out / esp32.IMAGE_FILES["fs"][0])]
    if xip:
        if not xip_apps:
            raise ToolError("no apps for the wasmapps image (build them with `make guests`)")
        made.append(make_xip_image(board, xip_apps, out / esp32.IMAGE_FILES["xip"][0]))
    return made


def deploy_xip(port, board_name, files, *, baud=None, build_dir=None):
    """Rebuilds the wasmapps image from `files` and flashes only that partition."""
    from . import flash
    board = esp32.load_board(board_name)
    apps = check_apps(files)
    out_dir = Path(build_dir) if build_dir else board.default_build_dir()
    image = make_xip_image(board, apps, out_dir / esp32.IMAGE_FILES["xip"][0])
    regions = flash.plan(board, out_dir, overrides={"xip": image},
                         skip=[r for r in flash.REGIONS if r != "xip"])
    flash.write(port, board, regions, baud=baud or flash.DEFAULT_BAUD)
    return image
