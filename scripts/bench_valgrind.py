"""Instructions per crossing on the unix firmware, counted by valgrind
(cachegrind without the cache model): each loop runs twice, with n1 and n2
iterations, in fresh processes; the difference over n2 - n1 is exact and
independent of the machine's load."""

import re
import shutil
import subprocess
from pathlib import Path

from . import build
from .progress import ToolError, info, step

# Each snippet runs `n` crossings of one kind (after one warm-up call).
_SETUP = """\
import sys, wasm
sys.path.insert(0, {dir!r})
def nothing():
    pass
def py_add(a, b):
    return a + b
with open({dir!r} + '/bench_calls.{ext}', 'rb') as f:
    data = f.read()
inst = wasm.Instance(wasm.Module(data), {{'env': {{'py_nop': nothing, 'py_add': py_add}}}}, heap=0)
ex = inst.exports
nop, add = ex.nop, ex.add
def loop_empty(n):
    for _ in range(n):
        pass
def loop0(n, f):
    for _ in range(n):
        f()
def loop1(n, f, a):
    for _ in range(n):
        f(a)
def loop2(n, f, a, b):
    for _ in range(n):
        f(a, b)
"""

SNIPPETS = {
    "empty": "loop_empty({n})",
    "builtin": "loop1({n}, abs, 1)",
    "python": "loop0({n}, nothing)",
    "export_nop": "loop0({n}, nop)",
    "export_add": "loop2({n}, add, 1, 2)",
    "import_py": "ex.call_py({n})",
    "import_py_add": "ex.call_py_add({n})",
    "import_native": "ex.call_native({n})",
}
IREFS_RE = re.compile(r"I\s+refs:\s+([\d,]+)")


def _irefs(firmware, script):
    proc = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                           "--cachegrind-out-file=/dev/null", str(firmware), "-c", script],
                          capture_output=True, text=True, timeout=600)
    match = IREFS_RE.search(proc.stderr)
    if proc.returncode != 0 or not match:
        raise ToolError(f"valgrind run of {firmware} failed (exit {proc.returncode}):\n"
                        f"{proc.stdout[-500:]}{proc.stderr[-1500:]}")
    return int(match.group(1).replace(",", ""))


def count(firmware, unix_dir, what, n1, n2, ext="wasm"):
    setup = _SETUP.format(dir=str(unix_dir), ext=ext)
    body = SNIPPETS[what]
    a = _irefs(firmware, setup + body.format(n=n1))
    b = _irefs(firmware, setup + body.format(n=n2))
    return (b - a) / (n2 - n1)


def measure(unix_dir, ns, firmware=None):
    """{'instructions_per_call': {what: n}} for the fast firmware's
    interpreter, and AOT for the crossings of exports and imports."""
    if shutil.which("valgrind") is None:
        raise ToolError("valgrind is not installed: run `make setup`")
    firmware = Path(firmware or build.unix_build_dir("fast") / "micropython")
    n1, n2 = ns
    step(f"valgrind: instructions per crossing ({firmware})")
    # Per loop iteration, the loop included (as the wall-clock figures).
    per_call = {what: round(count(firmware, unix_dir, what, n1, n2), 1) for what in SNIPPETS}
    aot = {what: round(count(firmware, unix_dir, what, n1, n2, ext="aot"), 1)
           for what in ("export_nop", "import_py", "import_native")}
    info(", ".join(f"{k} {v}" for k, v in per_call.items()))
    return {"instructions_per_call": per_call, "aot_instructions_per_call": aot,
            "loops": list(ns), "tool": "valgrind --tool=cachegrind --cache-sim=no"}
