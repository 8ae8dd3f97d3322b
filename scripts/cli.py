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
    return parser


def main(argv=None):
    args = make_parser().parse_args(argv)
    try:
        args.func(args)
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
