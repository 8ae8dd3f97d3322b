"""Real programs in `make bench` (scripts/real_programs.py): each workload
timed natively and as a guest on the unix firmware in every mode (fast,
classic, AOT), its output checked against the native build's.

Times are wall-clock seconds of one run, loading and instantiating the
module included (what a user waits for), median of `reps` runs."""

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from . import aot, build, real_programs
from .progress import info

MODES = ("native", "aot", "fast", "classic")


def _firmware(mode):
    return build.unix_build_dir("classic" if mode == "classic" else "fast") / "micropython"


def _time_guest(mode, module, w, stdin_path, stdout_path):
    script = real_programs.guest_script(f"wasm.Module.load({str(module)!r})", w, stdin_path,
                                        stdout_path)
    start = time.perf_counter()
    # The inputs and outputs (2 MB for minigzip) live in the GC heap.
    proc = subprocess.run([str(_firmware(mode)), "-X", "heapsize=64M", "-c", script],
                          capture_output=True, text=True, timeout=3600)
    elapsed = time.perf_counter() - start
    lines = proc.stdout.splitlines()
    code = int(lines[0].split()[1]) if proc.returncode == 0 and lines and lines[0].startswith("exit ") \
        else None
    return elapsed, code, stdout_path.read_bytes() if stdout_path.exists() else b""


def run(size="bench", reps=3, modes=MODES):
    """{workload: {mode: {"median": s, "runs": n}}}, and the problems (a
    mode whose exit status or output differs from the native build)."""
    results, problems = {}, []
    with tempfile.TemporaryDirectory(prefix="bench-programs-") as tmp:
        tmp = Path(tmp)
        aot_files = {}
        if "aot" in modes:
            for program in real_programs.PROGRAMS:
                aot_files[program] = aot.compile_wasm(real_programs.wasm_path(program), "x86_64",
                                                      output=tmp / f"{program}.aot", quiet=True)
        for w in real_programs.workloads(size):
            stdin = w.stdin()
            stdin_path = tmp / f"{w.name}.in"
            stdin_path.write_bytes(stdin)
            native = real_programs.run_native(w.program, w.args, stdin)
            want_code, want_out = native.returncode, native.stdout
            row = {}
            for mode in modes:
                times = []
                for _ in range(reps):
                    if mode == "native":
                        start = time.perf_counter()
                        real_programs.run_native(w.program, w.args, stdin)
                        times.append(time.perf_counter() - start)
                        continue
                    module = aot_files[w.program] if mode == "aot" else real_programs.wasm_path(w.program)
                    out_path = tmp / f"{w.name}.{mode}.out"
                    out_path.unlink(missing_ok=True)
                    elapsed, code, out = _time_guest(mode, module, w, stdin_path, out_path)
                    if (code, out) != (want_code, want_out):
                        problems.append(f"{w.name} ({mode}): exit {code} and {len(out)} bytes of "
                                        f"output, native: exit {want_code} and {len(want_out)} bytes")
                        break
                    times.append(elapsed)
                if times:
                    row[mode] = {"median": statistics.median(times), "runs": len(times)}
            info(f"{w.name}: " + ", ".join(f"{m} {v['median']:.2f} s" for m, v in row.items()))
            results[w.name] = row
    return results, problems


def table(programs):
    """Markdown lines: seconds per run and the ratio to the native build."""
    lines = ["#### unix: real programs (s per run, load included; x native)", "",
             "| workload | " + " | ".join(MODES) + " |", "|---|" + "---|" * len(MODES)]
    for name, row in programs.items():
        native = row.get("native", {}).get("median")
        cells = []
        for mode in MODES:
            v = row.get(mode, {}).get("median")
            if v is None:
                cells.append("-")
            elif native and mode != "native":
                cells.append(f"{v:.2f} ({v / native:.1f}x)")
            else:
                cells.append(f"{v:.2f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines + [""]
