"""Command-line entry point: `python3 -m scripts <command> ...`."""

import argparse
import sys

from . import emulated_boards
from .progress import ToolError


def _cmd_deps(args):
    from . import deps
    deps.main(only=args.only)


def _cmd_build(args):
    from . import build
    build.build_unix(interp=args.interp, pool_kb=args.pool_kb, display=args.display, sanitize=args.asan)


def _cmd_guests(args):
    from . import build
    build.build_guests()


def _cmd_programs(args):
    from . import real_programs
    real_programs.print_workloads(args.size)


def _cmd_emulated(args):
    from . import build
    build.build_emulated(interp=args.interp, board=args.board)


def _cmd_emulate(args):
    from . import emulate
    if args.fresh:
        emulate.ensure_image(args.image, fresh=True, overwrite=args.overwrite, board=args.board)
    if args.run:
        return emulate.run_script(args.run, image=args.image, apps=args.apps, board=args.board,
                                  icount=args.icount)
    return emulate.interactive(image=args.image, repl=not args.no_repl, apps=args.apps,
                               board=args.board, icount=args.icount)


def _cmd_screenshot(args):
    from . import emulate, panel
    from .progress import step
    source = args.panel or emulate.default_panel(args.board)
    frame = panel.screenshot(source, args.output)
    step(f"{args.output}: {frame.width}x{frame.height} from {source} "
         f"(frame {frame.sequence // 2}, backlight {frame.backlight}%)")


def _cmd_display_bench(args):
    from . import display_bench
    targets = ("unix", "emulated") if args.target == "all" else (args.target,)
    display_bench.main(targets, args.frames)


def _cmd_bench(args):
    from . import bench
    boards = () if args.target == "unix" else tuple(args.board or bench.BOARDS)
    bench.main(boards=boards, profile_name=args.profile, output=args.output,
               valgrind=not args.no_valgrind, display=args.display)


def _cmd_lvgl_bench(args):
    from . import lvgl_bench
    lvgl_bench.main(("unix", "emulated") if args.target == "all" else (args.target,))


def _cmd_coverage(args):
    from . import coverage
    return coverage.main(args.tests or ["host_tests/unix"], keyword=args.k, check=args.check)


def _cmd_mutate(args):
    from . import mutate
    return mutate.main(only=args.only)


def _cmd_mkfs(args):
    from pathlib import Path
    from . import flashfs
    from .progress import step
    files = {}
    for spec in args.files:
        local, _, remote = spec.partition(":")
        files[remote or "/" + Path(local).name] = Path(local).read_bytes()
    flashfs.write_image(args.output, files, flashfs.parse_size(args.size))
    step(f"{args.output}: littlefs image, {args.size}, {len(files)} files")


def _cmd_lsfs(args):
    from . import flashfs
    for name, size in flashfs.list_image(args.image):
        print(f"{size:>10}  {name}")


def _cmd_esp32_check(args):
    from . import esp32
    from .progress import step
    names = args.board or esp32.board_names()
    failed = 0
    for name in names:
        board = esp32.load_board(name)
        for line in esp32.describe(board):
            print(line)
        problems = esp32.check_board(board)
        for problem in problems:
            print(f"    PROBLEM: {problem}")
        failed += bool(problems)
    if failed:
        print(f"error: {failed} board(s) with problems", file=sys.stderr)
        return 1
    step(f"{len(names)} board(s) OK")
    return 0


def _cmd_esp32_images(args):
    from . import deploy
    deploy.make_images(args.board, args.apps, args.output, xip=not args.no_xip)


def _cmd_flash(args):
    from . import flash
    overrides = {"app": args.app, "fs": args.fs, "xip": args.xip}
    flash.flash_board(args.port, args.board, build_dir=args.build_dir, overrides=overrides,
                      skip=args.skip or (), erase=args.erase, baud=args.baud,
                      reset=not args.no_reset)


def _cmd_deploy(args):
    from . import deploy
    if args.xip:
        if not args.board:
            from .progress import ToolError
            raise ToolError("--xip needs --board (the partition table to flash into)")
        deploy.deploy_xip(args.port, args.board, args.apps, baud=args.baud,
                          build_dir=args.build_dir)
    else:
        deploy.deploy_files(args.port, args.apps, dest=args.dest)


def _cmd_xip_pack(args):
    from . import xip
    from .progress import step
    image = xip.pack_files(args.files, args.output, args.target)
    step(f"{args.output}: {len(args.files)} apps, {len(image)} bytes")


def _cmd_xip_list(args):
    from pathlib import Path
    from . import xip
    for app in xip.parse(Path(args.image).read_bytes()):
        print(f"{app.name:<32} {app.target:<10} AOT v{app.aot_version}  "
              f"offset {app.offset:#08x}  {app.size:>8} bytes  crc32 {app.crc32:08x}")


def _cmd_aot(args):
    from . import aot
    from .progress import info
    if args.build_compiler:
        info(f"AOT compiler: {aot.build_compiler()}")
        if not args.input:
            return 0
    if not args.input:
        raise ToolError("no input: python3 -m scripts aot APP.wasm --target TARGET [--xip] [-o OUT.aot]")
    out = aot.compile_wasm(args.input, args.target, xip=args.xip, output=args.output)
    try:
        ti = aot.read_target_info(out.read_bytes())
    except (OSError, ValueError) as exc:
        raise ToolError(f"{out}: {exc}") from None
    info(f"{out}: {out.stat().st_size} bytes, AOT version {ti['version']}, arch {ti['arch']}"
         f"{', XIP' if ti['xip'] else ''}")


def _cmd_fuzz(args):
    from . import fuzz
    fuzz.main(args.mode or fuzz.MODES, args.cases, args.seconds, args.seed, args.jobs,
              sanitized=not args.no_asan)


def _cmd_spec(args):
    from . import spec
    spec.main(args.mode or spec.MODES, args.file, args.jobs)


def _add_board_option(parser):
    boards = emulated_boards.BOARDS
    parser.add_argument("--board", default=emulated_boards.DEFAULT, choices=sorted(boards),
                        help=f"emulated board (default {emulated_boards.DEFAULT}): "
                             + "; ".join(f"{b.name}: {b.description}" for b in boards.values()))


def make_parser():
    parser = argparse.ArgumentParser(prog="python3 -m scripts", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("deps", help="fetch and verify the pinned dependencies into cache/")
    p.add_argument("--only", action="append", choices=["debian", "micropython", "programs", "crates", "python", "spec"],
                   help="run only this step (repeatable)")
    p.set_defaults(func=_cmd_deps)

    p = sub.add_parser("build", help="build the unix firmware (build/unix/micropython)")
    p.add_argument("--interp", choices=["fast", "classic"], default="fast",
                   help="WAMR interpreter flavour (default: fast)")
    p.add_argument("--pool-kb", type=int, default=None,
                   help="WAMR memory pool size in KB (default: 16384)")
    p.add_argument("--display", choices=["headless", "sdl"], default="headless",
                   help="display backend: headless framebuffer (default) or an SDL2 window "
                        "(build/unix-sdl/micropython)")
    p.add_argument("--asan", action="store_true",
                   help="with AddressSanitizer + UBSan, into build/unix-asan (build/unix-classic-asan)")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("guests", help="build the C guest apps into build/guest")
    p.set_defaults(func=_cmd_guests)

    p = sub.add_parser("programs", help="list the real-program workloads (Lua, minigzip) with their "
                                        "inputs and the native build's expected output")
    p.add_argument("--size", choices=["test", "bench"], help="only the test or the bench workloads")
    p.set_defaults(func=_cmd_programs)

    p = sub.add_parser("emulated", help="build an emulated board (build/emulated*/firmware.elf)")
    _add_board_option(p)
    p.add_argument("--interp", choices=["fast", "classic"], default="classic",
                   help="WAMR interpreter (default: classic, which needs far less RAM per module)")
    p.set_defaults(func=_cmd_emulated)

    p = sub.add_parser("emulate", help="boot an emulated board and open its REPL")
    _add_board_option(p)
    p.add_argument("--run", metavar="FILE.py", help="run a script on the board and exit with its status")
    p.add_argument("--image", help="littlefs flash image (default flash.img in the board's build directory)")
    p.add_argument("--fresh", action="store_true",
                   help="recreate the flash image with the demo apps (a new --image: create it)")
    p.add_argument("--overwrite", action="store_true",
                   help="with --fresh and an existing --image: replace that image")
    p.add_argument("--no-repl", action="store_true", help="only print the serial port and keep running")
    p.add_argument("--apps", help="wasmapps XIP image to map into the board's flash (see xip-pack)")
    p.add_argument("--icount", action="store_true",
                   help="QEMU -icount shift=0: one instruction per virtual nanosecond, so "
                        "board.ticks_us() counts instructions (x1000), the same on every run")
    p.set_defaults(func=_cmd_emulate)

    p = sub.add_parser("screenshot", help="save what the emulated LCD board's panel shows as a PNG")
    p.add_argument("output", metavar="OUT.png")
    p.add_argument("--panel", help="panel file (default: the running board's, build/emulated-lcd/panel.bin)")
    p.add_argument("--board", choices=[n for n, b in sorted(emulated_boards.BOARDS.items()) if b.panel],
                   default="QEMU_WAMR_LCD", help="emulated board with an LCD")
    p.set_defaults(func=_cmd_screenshot)

    p = sub.add_parser("display-bench",
                       help="LVGL render benchmark as JSON: fps on unix, instructions per frame "
                            "on the emulated LCD board (QEMU -icount)")
    p.add_argument("--target", choices=["unix", "emulated", "all"], default="all")
    p.add_argument("--frames", type=int, default=10, help="frames per render scene (default 10)")
    p.set_defaults(func=_cmd_display_bench)

    p = sub.add_parser("bench", help="the benchmark suite: kernels in every mode, call overheads, "
                                     "load times, pool and flash use (build/bench/)")
    p.add_argument("--target", choices=["unix", "all"], default="all",
                   help="unix only, or unix and the emulated boards (default)")
    p.add_argument("--board", action="append", choices=["QEMU_WAMR", "QEMU_WAMR_RV32"],
                   help="only this emulated board (repeatable)")
    p.add_argument("--profile", choices=["full", "tiny"], default="full",
                   help="full: the timed run; tiny: every mode once at tiny sizes (what make test runs)")
    p.add_argument("--output", help="directory for results.json/.md and chart.png (default build/bench)")
    p.add_argument("--no-valgrind", action="store_true", help="skip the valgrind instruction counts")
    p.add_argument("--display", action="store_true",
                   help="also run the LVGL render benchmark (display-bench) and report it")
    p.set_defaults(func=_cmd_bench)

    p = sub.add_parser("lvgl-bench",
                       help="the cost of a guest's call into LVGL as JSON: ns per call on unix, "
                            "instructions per call on the emulated LCD board (QEMU -icount)")
    p.add_argument("--target", choices=["unix", "emulated", "all"], default="all")
    p.set_defaults(func=_cmd_lvgl_bench)

    p = sub.add_parser("coverage", help="gcov build of the unix firmware, run tests on it, "
                                        "print the wasm module's line and branch coverage")
    p.add_argument("tests", nargs="*", help="pytest paths (default host_tests/unix)")
    p.add_argument("-k", metavar="EXPR", help="pytest -k expression")
    p.add_argument("--check", action="store_true",
                   help="fail when a wasm_wasi*.c file is below the branch floor")
    p.set_defaults(func=_cmd_coverage)

    p = sub.add_parser("mutate", help="build each mutant of host_tests/mutants.json and check "
                                      "that a test kills it")
    p.add_argument("--only", action="append", metavar="ID", help="only this mutant (repeatable)")
    p.set_defaults(func=_cmd_mutate)

    p = sub.add_parser("mkfs", help="create a littlefs image for /flash")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--size", default="1M", help="image size (default 1M)")
    p.add_argument("files", nargs="*", help="LOCAL[:/REMOTE] files to put in the image")
    p.set_defaults(func=_cmd_mkfs)

    p = sub.add_parser("xip-pack", help="build a wasmapps XIP partition image")
    p.add_argument("files", nargs="+", help="apps: .wasm (compiled with --target) or XIP .aot files")
    p.add_argument("--target", help="AOT target for .wasm inputs (x86_64, thumbv7em, riscv32, ...)")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=_cmd_xip_pack)

    p = sub.add_parser("xip-list", help="list the apps in a wasmapps image")
    p.add_argument("image")
    p.set_defaults(func=_cmd_xip_list)

    p = sub.add_parser("lsfs", help="list the files in a littlefs image")
    p.add_argument("image")
    p.set_defaults(func=_cmd_lsfs)

    p = sub.add_parser("aot", help="compile a .wasm app to a WAMR AOT file (builds build/host/aotc)")
    p.add_argument("input", nargs="?", metavar="APP.wasm")
    p.add_argument("--target", default="x86_64",
                   choices=["x86_64", "thumbv7em", "thumbv7m", "riscv32", "xtensa", "xtensa-esp32s3"],
                   help="x86_64 (unix firmware, default), thumbv7em (Cortex-M4F), thumbv7m "
                        "(Cortex-M3), riscv32 (ESP32-C3), xtensa (ESP32) and xtensa-esp32s3 "
                        "(ESP32-S3; both need Espressif's LLVM)")
    p.add_argument("--xip", action="store_true",
                   help="execute-in-place file for flash (no text relocations)")
    p.add_argument("-o", "--output", help="output file (default: APP.aot)")
    p.add_argument("--build-compiler", action="store_true",
                   help="(re)build the compiler if needed; with no APP.wasm, only that")
    p.set_defaults(func=_cmd_aot)

    p = sub.add_parser("fuzz", help="mutation-fuzz module loading and running (fresh firmware per case)")
    p.add_argument("--mode", action="append", choices=["fast", "classic", "aot", "xip"],
                   help="only this mode (repeatable; default: all)")
    p.add_argument("--cases", type=int, default=200, help="cases per mode (default 200)")
    p.add_argument("--seconds", type=float, help="run each mode this long instead of --cases")
    p.add_argument("--seed", type=int, default=1, help="PRNG seed: a campaign is reproducible")
    p.add_argument("--jobs", type=int, help="parallel firmware processes (default: CPUs)")
    p.add_argument("--no-asan", action="store_true",
                   help="use the plain builds even when the ASan build exists")
    p.set_defaults(func=_cmd_fuzz)

    p = sub.add_parser("spec", help="run the WebAssembly spec tests through the Python API")
    p.add_argument("--mode", action="append", choices=["fast", "classic", "aot"],
                   help="only this mode (repeatable; default: all)")
    p.add_argument("--file", action="append", help="only this test file, e.g. i32 (repeatable)")
    p.add_argument("--jobs", type=int, help="parallel firmware processes (default: CPUs)")
    p.set_defaults(func=_cmd_spec)

    p = sub.add_parser("esp32-check", help="check the ESP32 boards' files and partition tables")
    p.add_argument("--board", action="append", help="only this board (repeatable)")
    p.set_defaults(func=_cmd_esp32_check)

    p = sub.add_parser("esp32-images",
                       help="make an ESP32 board's littlefs (vfs.img) and XIP (wasmapps.bin) images")
    p.add_argument("--board", required=True, help="board name, e.g. ESP32_WAMR")
    p.add_argument("-o", "--output", help="output directory (default build/esp32/BOARD)")
    p.add_argument("--no-xip", action="store_true", help="only the littlefs image")
    p.add_argument("apps", nargs="*", help="apps to put in both images (default: build/guest/*.wasm "
                                           "without the test-only guests; the LVGL apps ui_* only on "
                                           "a board with the display)")
    p.set_defaults(func=_cmd_esp32_images)

    p = sub.add_parser("flash", help="write a board's firmware and data images with esptool, then verify")
    p.add_argument("--port", required=True, help="serial port, e.g. /dev/ttyUSB0 (or a socket:// URL)")
    p.add_argument("--board", required=True, help="board name, e.g. ESP32_WAMR")
    p.add_argument("--build-dir", help="directory with the images (default build/esp32/BOARD)")
    p.add_argument("--erase", action="store_true", help="erase the whole flash first")
    p.add_argument("--skip", action="append", choices=["bootloader", "partition-table", "app", "fs", "xip"],
                   help="do not write this region (repeatable; `--skip fs` keeps the board's files)")
    p.add_argument("--app", help="MicroPython image instead of BUILD_DIR/micropython.bin")
    p.add_argument("--fs", help="littlefs image instead of BUILD_DIR/vfs.img")
    p.add_argument("--xip", help="XIP apps image instead of BUILD_DIR/wasmapps.bin")
    p.add_argument("--baud", type=int, default=460800, help="baud rate (default 460800)")
    p.add_argument("--no-reset", action="store_true", help="leave the chip in the bootloader")
    p.set_defaults(func=_cmd_flash)

    p = sub.add_parser("deploy", help="copy guest apps to a board (mpremote), or flash them as XIP apps")
    p.add_argument("--port", required=True, help="serial port of the running board")
    p.add_argument("--dest", default="", help="directory on the board (default: the one it starts in)")
    p.add_argument("--xip", action="store_true",
                   help="compile the apps with xip-pack and flash the board's wasmapps partition")
    p.add_argument("--board", help="board name (with --xip)")
    p.add_argument("--build-dir", help="where the wasmapps image goes (with --xip; default build/esp32/BOARD)")
    p.add_argument("--baud", type=int, default=460800, help="baud rate for --xip flashing")
    p.add_argument("apps", nargs="+", help=".wasm (or WAMR AOT) files")
    p.set_defaults(func=_cmd_deploy)
    return parser


def main(argv=None):
    args = make_parser().parse_args(argv)
    try:
        status = args.func(args)
    except (ToolError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return status or 0
