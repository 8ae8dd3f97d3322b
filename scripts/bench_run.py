"""Benchmark sessions (scripts/bench.py): guest/bench/harness.py in a unix
firmware process or on an emulated board under QEMU `-icount shift=0`, and
wasm3 (pywasm3) in this process. Each returns the harness's records."""

import ast
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from . import emulate, emulated_boards, paths
from .progress import ToolError

HARNESS = paths.GUEST / "bench" / "harness.py"
VERSION_RE = re.compile(r"interp=(\w+)")


def _script(config):
    return f"CONFIG = {config!r}\n" + HARNESS.read_text()


def parse_records(output, where):
    """The harness's literal lines; raises unless it finished."""
    records = []
    for line in output.splitlines():
        line = line.strip()
        if not line.startswith("("):
            continue
        try:
            records.append(ast.literal_eval(line))
        except (ValueError, SyntaxError):
            continue
    if not records or records[-1] != ("done",):
        raise ToolError(f"benchmark session on {where} did not finish:\n{output[-1500:]}")
    return records[:-1]


def firmware_interp(firmware, runner=()):
    """The WAMR interpreter a unix firmware was built with (wasm.version())."""
    proc = subprocess.run([*runner, str(firmware), "-c", "import wasm; print(wasm.version())"],
                          capture_output=True, text=True, timeout=60)
    match = VERSION_RE.search(proc.stdout)
    if not match:
        raise ToolError(f"{firmware}: no wasm.version() ({proc.stdout.strip()}{proc.stderr.strip()})")
    return match.group(1)


def run_unix(firmware, config, timeout=1800, runner=(), env=None):
    """One process of a unix firmware running the harness with `config`."""
    firmware = Path(firmware)
    if not firmware.exists():
        raise ToolError(f"{firmware} is missing: run `make unix unix-classic` first")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(_script(config))
        script = f.name
    try:
        proc = subprocess.run([*runner, str(firmware), "-X", "heapsize=8M", script],
                              capture_output=True, text=True, timeout=timeout,
                              env=dict(os.environ, **(env or {})))
    finally:
        os.unlink(script)
    if proc.returncode != 0:
        raise ToolError(f"benchmark session {firmware} failed (exit {proc.returncode}):\n"
                        f"{proc.stdout[-1000:]}{proc.stderr[-1500:]}")
    return parse_records(proc.stdout, firmware), proc.stderr


def run_board(board_name, config, image, apps, firmware=None, timeout=3600):
    """One boot of an emulated board under `-icount shift=0` running the
    harness; returns (interp, records)."""
    board = emulated_boards.get(board_name)
    firmware = Path(firmware or board.build_dir / "firmware.elf")
    if not firmware.exists():
        raise ToolError(f"{firmware} is missing: run `make emulated BOARD={board.name}` first")
    # Every session gets a fresh copy: the harness must find the files as built.
    with tempfile.TemporaryDirectory() as tmp:
        flash = Path(tmp) / "flash.img"
        flash.write_bytes(Path(image).read_bytes())
        with emulate.Emulator(firmware=firmware, image=flash, apps=apps, board=board.name,
                              panel=Path(tmp) / "panel.bin", icount=True) as emu:
            repl = emulate.RawRepl(emu.port, timeout=120)
            try:
                repl.enter()
                out, err = repl.exec("import wasm; print(wasm.version())", timeout=60)
                match = VERSION_RE.search(out)
                if err or not match:
                    raise ToolError(f"{board.name}: no wasm.version(): {out}{err}")
                started = time.monotonic()
                out, err = repl.exec(_script(config), timeout=timeout)
            finally:
                repl.close()
    if err:
        raise ToolError(f"benchmark session on {board.name} failed after "
                        f"{time.monotonic() - started:.0f} s:\n{out[-800:]}{err[-1500:]}")
    return match.group(1), parse_records(out, board.name)


def run_wasm3(wasm_path, sizes, reps):
    """The kernels on wasm3 (PyPI pywasm3) in this process: the peer."""
    try:
        import wasm3
    except ImportError as exc:
        raise ToolError("pywasm3 is not installed: run `make setup`") from exc
    env = wasm3.Environment()
    runtime = env.new_runtime(64 * 1024)
    runtime.load(env.parse_module(Path(wasm_path).read_bytes()))
    records = []
    for name, n in sizes:
        f = runtime.find_function(name)
        checksum = f(n) & 0xFFFFFFFF
        ticks = []
        for _ in range(reps):
            t0 = time.perf_counter_ns()
            f(n)
            ticks.append(time.perf_counter_ns() - t0)
        records.append(("kernel", "wasm3", name, checksum, ticks))
    return records


def instructions_per_tick(board_name):
    return emulated_boards.get(board_name).cpu_tick_instructions
