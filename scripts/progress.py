"""Uniform progress and error reporting for the command-line tools."""

import subprocess
import sys
import time


class ToolError(Exception):
    """A failure the user can act on; printed without a traceback."""


def step(message):
    print(f"==> {message}", flush=True)


def info(message):
    print(f"    {message}", flush=True)


def warn(message):
    print(f"warning: {message}", file=sys.stderr, flush=True)


def run(cmd, *, what, cwd=None, env=None, quiet=False):
    """Run a command; raise ToolError naming `what` when it fails.

    Build steps never read input: stdin is /dev/null, so a tool that peeks at
    it (rustc under cargo did) cannot consume whatever the caller's stdin holds."""
    started = time.monotonic()
    try:
        result = subprocess.run(
            [str(c) for c in cmd],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if quiet else None,
            stderr=subprocess.STDOUT if quiet else None,
            text=True,
        )
    except FileNotFoundError as exc:
        raise ToolError(f"{what}: command not found: {cmd[0]}") from exc
    if result.returncode != 0:
        tail = ""
        if quiet and result.stdout:
            tail = "\n" + "\n".join(result.stdout.splitlines()[-25:])
        raise ToolError(f"{what} failed (exit {result.returncode}): {' '.join(map(str, cmd))}{tail}")
    info(f"{what}: done in {time.monotonic() - started:.1f}s")
    return result
