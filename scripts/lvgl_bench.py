"""The cost of a guest's call into LVGL (guest/apps/ui_bench.c), as JSON for
`make bench`: the same guest loop without a call, with lv_obj_get_x (the
bindings' overhead plus a few instructions of LVGL) and with lv_obj_set_x;
per call, the loop's own cost taken off.

- unix (build/unix/micropython, fast interpreter): nanoseconds per call;
- the emulated LCD board (classic interpreter) under QEMU's
  `-icount shift=0`: instructions per call, independent of the host's load.
"""

import json
import subprocess
import tempfile
from pathlib import Path

from . import build, display_bench, emulate, flashfs, paths
from .progress import ToolError

CALLS = 2000
APP = paths.BUILD / "guest" / "ui_bench.wasm"
SCRIPT = """\
import wasm, display
try:
    from time import ticks_us
except ImportError:
    from board import ticks_us
display.init()
app = wasm.Instance(wasm.Module.load({path!r}), heap=0)
app.exports.bench_setup()
r = {{}}
for name in ('loop', 'get', 'set'):
    f = getattr(app.exports, 'bench_' + name)
    f(10)
    t0 = ticks_us()
    f({calls})
    r[name] = ticks_us() - t0
app.close()
display.deinit()
print(repr(r))
"""


def _per_call(r, scale):
    return {name: round((r[name] - r["loop"]) * scale / CALLS, 1) for name in ("get", "set")}


def run_unix(firmware=None):
    firmware = Path(firmware or build.unix_build_dir() / "micropython")
    if not firmware.exists():
        raise ToolError(f"{firmware} is missing: run `make unix` first")
    proc = subprocess.run([str(firmware), "-c", SCRIPT.format(path=str(APP), calls=CALLS)],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise ToolError(f"call benchmark on unix failed:\n{proc.stderr[-500:]}")
    r = display_bench._parse(proc.stdout, "unix")
    return {"firmware": str(firmware), "calls": CALLS, "ns_per_call": _per_call(r, 1000)}


def run_emulated(board=display_bench.EMULATED_BOARD):
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "flash.img"
        flashfs.write_image(image, {"/ui_bench.wasm": APP.read_bytes()}, flashfs.DEFAULT_SIZE)
        with emulate.Emulator(image=image, board=board, panel=Path(tmp) / "panel.bin", icount=True) as emu:
            repl = emulate.RawRepl(emu.port, timeout=120)
            try:
                repl.enter()
                out, err = repl.exec(SCRIPT.format(path="/flash/ui_bench.wasm", calls=CALLS), timeout=600)
            finally:
                repl.close()
    if err:
        raise ToolError(f"call benchmark on {board} failed:\n{err[-500:]}")
    r = display_bench._parse(out, board)
    return {"board": board, "qemu": "-icount shift=0 (1 instruction = 1 ns of board time)",
            "calls": CALLS, "instructions_per_call": _per_call(r, 1000)}


def main(targets):
    if not APP.exists():
        raise ToolError(f"{APP} is missing: run `make guests` first")
    result = {}
    if "unix" in targets:
        result["unix"] = run_unix()
    if "emulated" in targets:
        result["emulated"] = run_emulated()
    print(json.dumps(result, indent=2))
    return result
