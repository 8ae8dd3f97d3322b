"""Command-line entry point: `python -m scripts <command> ...`."""

import argparse
import sys

from .progress import ToolError


def _cmd_deps(args):
    from . import deps
    deps.main(only=args.only)


def _cmd_build(args):
    from . import build
    build.build_unix(interp=args.interp, pool_kb=args.pool_kb)


def _cmd_guests(args):
    from . import build
    build.build_guests()


def _cmd_emulated(args):
    from . import build
    build.build_emulated(interp=args.interp)


def _cmd_emulate(args):
    from . import emulate
    if args.fresh:
        emulate.ensure_image(args.image or emulate.default_image(), fresh=True)
    if args.run:
        return emulate.run_script(args.run, image=args.image, apps=args.apps)
    return emulate.interactive(image=args.image, repl=not args.no_repl, apps=args.apps)


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


def make_parser():
    parser = argparse.ArgumentParser(prog="python -m scripts", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("deps", help="fetch and verify the pinned dependencies into cache/")
    p.add_argument("--only", action="append", choices=["debian", "micropython", "crates", "python"],
                   help="run only this step (repeatable)")
    p.set_defaults(func=_cmd_deps)

    p = sub.add_parser("build", help="build the unix firmware (build/unix/micropython)")
    p.add_argument("--interp", choices=["fast", "classic"], default="fast",
                   help="WAMR interpreter flavour (default: fast)")
    p.add_argument("--pool-kb", type=int, default=256, help="WAMR memory pool size in KB")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("guests", help="build the C guest apps into build/guest")
    p.set_defaults(func=_cmd_guests)

    p = sub.add_parser("emulated", help="build the emulated board (build/emulated/firmware.elf)")
    p.add_argument("--interp", choices=["fast", "classic"], default="classic",
                   help="WAMR interpreter (default: classic, which needs far less RAM per module)")
    p.set_defaults(func=_cmd_emulated)

    p = sub.add_parser("emulate", help="boot the emulated board and open its REPL")
    p.add_argument("--run", metavar="FILE.py", help="run a script on the board and exit with its status")
    p.add_argument("--image", help="littlefs flash image (default build/emulated/flash.img)")
    p.add_argument("--fresh", action="store_true", help="recreate the flash image with the demo apps")
    p.add_argument("--no-repl", action="store_true", help="only print the serial port and keep running")
    p.add_argument("--apps", help="wasmapps XIP image to map into the board's flash (see xip-pack)")
    p.set_defaults(func=_cmd_emulate)

    p = sub.add_parser("mkfs", help="create a littlefs image for /flash")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--size", default="1M", help="image size (default 1M)")
    p.add_argument("files", nargs="*", help="LOCAL[:/REMOTE] files to put in the image")
    p.set_defaults(func=_cmd_mkfs)

    p = sub.add_parser("lsfs", help="list the files in a littlefs image")
    p.add_argument("image")
    p.set_defaults(func=_cmd_lsfs)
    return parser


def main(argv=None):
    args = make_parser().parse_args(argv)
    try:
        status = args.func(args)
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return status or 0
