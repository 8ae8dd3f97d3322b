"""The cost of a guest's call into LVGL (guest/apps/ui_bench.c), as JSON for
`make bench`: the same guest loop without a call, with lv_obj_get_x (the
bindings' overhead plus a few instructions of LVGL) and with lv_obj_set_x;
per call, the loop's own cost taken off. And a scene (guest/apps/ui_scene.h:
12 cards of widgets built, laid out and deleted) run as the guest and, on
unix, as the same C code compiled into the firmware (display.scene_native):
wall clock, and (with valgrind) instructions per scene.

- unix (build/unix/micropython, fast interpreter): nanoseconds per call;
- the emulated LCD board (classic interpreter) under QEMU's
  `-icount shift=0`: instructions per call, independent of the host's load.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import build, display_bench, emulate, flashfs, paths
from .progress import ToolError

CALLS = 2000
SCENES = 10
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
# The same scene code as guest and native (test builds have the latter),
# alternating, the fastest of 5 rounds of each (the host may be busy).
runs = (('guest', app.exports.bench_scene), ('native', getattr(display, 'scene_native', None)))
for i in range(5):
    for name, f in runs:
        if f is not None:
            f(1)
            t0 = ticks_us()
            f({scenes})
            t = ticks_us() - t0
            r['scene_' + name] = min(t, r.get('scene_' + name, t))
app.close()
display.deinit()
print(repr(r))
"""


def _per_call(r, scale):
    return {name: round((r[name] - r["loop"]) * scale / CALLS, 1) for name in ("get", "set")}


def _scene(r, scale, unit):
    """guest/apps/ui_scene.h's scene (12 cards, 72 objects, built, laid out
    and deleted) as a guest and natively: per scene (the fastest round),
    and the ratio."""
    out = {f"guest_{unit}": round(r["scene_guest"] * scale / SCENES)}
    if "scene_native" in r:
        out[f"native_{unit}"] = round(r["scene_native"] * scale / SCENES)
        out["guest_over_native"] = round(r["scene_guest"] / max(r["scene_native"], 1), 2)
    return out


SCENE_COUNT_SCRIPT = """\
import wasm, display
display.init()
app = wasm.Instance(wasm.Module.load({path!r}), heap=0)
app.exports.bench_setup()
app.exports.bench_scene(1)
display.scene_native(1)
(app.exports.bench_scene, display.scene_native)[{native}]({n})
"""


def count_scene(firmware):
    """Instructions per scene as guest and native, counted by valgrind (exact
    on a busy host): 1 and 11 scenes in fresh processes, the difference / 10."""
    from . import bench_valgrind

    result = {}
    for native, name in ((0, "guest"), (1, "native")):
        runs = [bench_valgrind._irefs(firmware, SCENE_COUNT_SCRIPT.format(path=str(APP), native=native, n=n))
                for n in (1, 11)]
        result[f"{name}_instructions"] = round((runs[1] - runs[0]) / 10)
    result["guest_over_native"] = round(result["guest_instructions"] / result["native_instructions"], 3)
    return result


def run_unix(firmware=None):
    firmware = Path(firmware or build.unix_build_dir() / "micropython")
    if not firmware.exists():
        raise ToolError(f"{firmware} is missing: run `make unix` first")
    script = SCRIPT.format(path=str(APP), calls=CALLS, scenes=SCENES)
    proc = subprocess.run([str(firmware), "-c", script], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise ToolError(f"call benchmark on unix failed:\n{proc.stderr[-500:]}")
    r = display_bench._parse(proc.stdout, "unix")
    result = {"firmware": str(firmware), "calls": CALLS, "ns_per_call": _per_call(r, 1000),
              "scene": _scene(r, 1, "us")}
    if shutil.which("valgrind"):
        result["scene_counted"] = count_scene(firmware)
    return result


def run_emulated(board=display_bench.EMULATED_BOARD):
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "flash.img"
        flashfs.write_image(image, {"/ui_bench.wasm": APP.read_bytes()}, flashfs.DEFAULT_SIZE)
        with emulate.Emulator(image=image, board=board, panel=Path(tmp) / "panel.bin", icount=True) as emu:
            repl = emulate.RawRepl(emu.port, timeout=120)
            try:
                repl.enter()
                script = SCRIPT.format(path="/flash/ui_bench.wasm", calls=CALLS, scenes=SCENES)
                out, err = repl.exec(script, timeout=600)
            finally:
                repl.close()
    if err:
        raise ToolError(f"call benchmark on {board} failed:\n{err[-500:]}")
    r = display_bench._parse(out, board)
    return {"board": board, "qemu": "-icount shift=0 (1 instruction = 1 ns of board time)",
            "calls": CALLS, "instructions_per_call": _per_call(r, 1000),
            "scene": _scene(r, 1000, "instructions")}


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
