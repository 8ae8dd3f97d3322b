"""The display module's render benchmark (`display.demo('benchmark:N')`:
every scene of LVGL's render demo redrawn N times over the whole 240x320
screen, through the panel driver), as JSON for `make bench`:

- unix (build/unix/micropython, headless): frames per second, wall clock;
- the emulated LCD board under QEMU's `-icount shift=0`, where the board's
  microsecond clock advances by exactly 1000 instructions: instructions per
  frame, independent of the host's speed and load.
"""

import ast
import json
import subprocess
import tempfile
from pathlib import Path

from . import build, emulate, flashfs
from .progress import ToolError

EMULATED_BOARD = "QEMU_WAMR_LCD"
SCRIPT = """\
import display
display.init()
r = display.demo('benchmark:{frames}')
display.deinit()
print(repr(r))
"""


def _parse(output, where):
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            try:
                return ast.literal_eval(line)
            except (ValueError, SyntaxError):
                break
    raise ToolError(f"benchmark on {where} printed no result:\n{output[-500:]}")


def run_unix(frames, firmware=None):
    firmware = Path(firmware or build.unix_build_dir() / "micropython")
    if not firmware.exists():
        raise ToolError(f"{firmware} is missing: run `make unix` first")
    proc = subprocess.run([str(firmware), "-c", SCRIPT.format(frames=frames)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise ToolError(f"benchmark on unix failed:\n{proc.stdout[-300:]}{proc.stderr[-500:]}")
    r = _parse(proc.stdout, "unix")
    seconds = r["us"] / 1e6
    return {
        "firmware": str(firmware),
        "size": list(r["size"]),
        "frames": r["frames"],
        "seconds": round(seconds, 4),
        "fps": round(r["frames"] / seconds, 1),
        "scenes": {name: {"frames": n, "fps": round(n / (us / 1e6), 1)} for name, n, us in r["scenes"]},
    }


def run_emulated(frames, board=EMULATED_BOARD):
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "flash.img"
        flashfs.write_image(image, {}, flashfs.DEFAULT_SIZE)
        with emulate.Emulator(image=image, board=board, panel=Path(tmp) / "panel.bin", icount=True) as emu:
            repl = emulate.RawRepl(emu.port, timeout=120)
            try:
                repl.enter()
                out, err = repl.exec(SCRIPT.format(frames=frames), timeout=1800)
            finally:
                repl.close()
    if err:
        raise ToolError(f"benchmark on {board} failed:\n{err[-500:]}")
    r = _parse(out, board)
    return {
        "board": board,
        "qemu": "-icount shift=0 (1 instruction = 1 ns of board time)",
        "size": list(r["size"]),
        "frames": r["frames"],
        "instructions_per_frame": round(r["us"] * 1000 / r["frames"]),
        "scenes": {name: {"frames": n, "instructions_per_frame": round(us * 1000 / n)}
                   for name, n, us in r["scenes"]},
    }


def main(targets, frames, echo=True):
    if not 1 <= frames <= 1000:
        raise ToolError(f"--frames must be 1..1000, not {frames}")
    result = {}
    if "unix" in targets:
        result["unix"] = run_unix(frames)
    if "emulated" in targets:
        result["emulated"] = run_emulated(frames)
    if echo:
        print(json.dumps(result, indent=2))
    return result
