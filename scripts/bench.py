"""`make bench` / `python3 -m scripts bench`: the benchmark suite.

Six kernels (guest/bench/) in every mode a target has: native C (gcc -O2,
as a MicroPython native module), WAMR AOT, XIP AOT (boards), the fast and
classic interpreters, MicroPython bytecode, @native and @viper, and wasm3
on unix as the peer. Plus call overheads, load + instantiate of a ~100 KB
module with its pool use, the flash cost of WAMR and the module, and
valgrind instruction counts of the crossings on unix.

Unix: wall-clock medians, the modes interleaved call by call within a
session (native, AOT, fast, MicroPython's emitters) and the sessions round
by round (fast firmware, classic firmware, wasm3), so that the machine's
load hits all of them alike; each target is the median of its per-round
ratios. Emulated boards: instructions, under QEMU `-icount shift=0`.
Every mode must give the same checksums. Results go to build/bench/:
results.json (for comparing commits), results.md and chart.png.
"""

import json
import math
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import bench_build, bench_flash, bench_programs, bench_report, bench_run, bench_valgrind, build, paths
from .progress import ToolError, info, step, warn

KERNELS = ("fib", "crc32", "matmul", "mandel", "sieve", "qsort")
UNIX_MODES = ("native", "bytecode", "emit_native", "viper", "wasm", "aot")
BOARD_MODES = ("native", "bytecode", "emit_native", "viper", "wasm", "aot", "xip")
BOARDS = ("QEMU_WAMR", "QEMU_WAMR_RV32")


@dataclass(frozen=True)
class Profile:
    unix_sizes: dict
    board_sizes: dict
    reps: int                   # timed calls per kernel and session
    rounds: int                 # unix sessions per firmware, interleaved
    call_n: int                 # crossings per call-overhead loop (unix)
    board_call_n: int
    load_reps: int
    valgrind_n: tuple = ()      # (n1, n2) loop lengths for the valgrind difference
    board_reps: int = 1


PROFILES = {
    # About 2-6 ms per kernel natively on an x86-64 core.
    "full": Profile(
        unix_sizes={"fib": 27, "crc32": 64, "matmul": 16, "mandel": 24, "sieve": 24, "qsort": 48},
        board_sizes={"fib": 15, "crc32": 2, "matmul": 1, "mandel": 1, "sieve": 1, "qsort": 2},
        reps=3, rounds=5, call_n=200000, board_call_n=1000, load_reps=5,
        valgrind_n=(1000, 11000)),
    # `make test`: every mode once at tiny sizes, for the checksums.
    "tiny": Profile(
        unix_sizes={"fib": 10, "crc32": 1, "matmul": 1, "mandel": 1, "sieve": 1, "qsort": 1},
        board_sizes={"fib": 10, "crc32": 1, "matmul": 1, "mandel": 1, "sieve": 1, "qsort": 1},
        reps=1, rounds=1, call_n=100, board_call_n=50, load_reps=1),
}


@dataclass
class Samples:
    """Raw records of one target, merged across its sessions."""
    kernels: dict = field(default_factory=dict)   # (mode, name) -> [ticks], checksum
    checksums: dict = field(default_factory=dict)
    calls: dict = field(default_factory=dict)     # (mode, what) -> [per-call ticks]
    loads: dict = field(default_factory=dict)     # mode -> record
    errors: list = field(default_factory=list)

    def add(self, records, interp):
        """Records of one session whose 'wasm' mode is interpreter `interp`.
        Call costs are per loop iteration, the loop included, for the
        yardstick (a Python loop calling a C builtin) as for the crossings."""
        rename = lambda mode: interp if mode == "wasm" else mode  # noqa: E731
        for rec in records:
            kind = rec[0]
            if kind == "kernel":
                _, mode, name, checksum, ticks = rec
                key = (rename(mode), name)
                self.kernels.setdefault(key, []).extend(ticks)
                self.checksums.setdefault(key, set()).add(checksum)
            elif kind == "call":
                _, mode, what, n, ticks = rec
                python_side = what in ("empty", "builtin", "python")
                key = ("python" if python_side else rename(mode), what)
                self.calls.setdefault(key, []).extend(t / n for t in ticks)
            elif kind == "load":
                _, mode, size, pool_module, pool_instance, ticks, why_not = rec
                entry = self.loads.setdefault(rename(mode), {
                    "module_bytes": size, "pool_module": pool_module,
                    "pool_instance": pool_instance, "ticks": [], "does_not_fit": why_not})
                entry["ticks"].extend(ticks)
            elif kind == "error":
                self.errors.append(f"{rename(rec[1])}: {rec[2]}")


def geomean(values):
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def summarise(samples, unit_scale, unit):
    """Medians in `unit` (ticks * unit_scale), ratios to native, geomeans."""
    modes = sorted({mode for mode, _ in samples.kernels}, key=_mode_order)
    kernels = {}
    for name in KERNELS:
        row = {}
        for mode in modes:
            ticks = samples.kernels.get((mode, name))
            if ticks:
                row[mode] = {"median": statistics.median(ticks) * unit_scale,
                             "checksum": sorted(samples.checksums[(mode, name)])}
        kernels[name] = row
    ratios = {}
    for mode in modes:
        # Tiny runs can take less than a clock tick: such kernels have no ratio.
        per_kernel = [kernels[k][mode]["median"] / kernels[k]["native"]["median"]
                      for k in KERNELS if mode in kernels[k] and "native" in kernels[k]
                      and kernels[k]["native"]["median"] > 0 and kernels[k][mode]["median"] > 0]
        if per_kernel:
            ratios[mode] = geomean(per_kernel)
    calls = {f"{mode}/{what}": statistics.median(v) * unit_scale for (mode, what), v in samples.calls.items()}
    loads = {mode: {**{k: v for k, v in entry.items() if k != "ticks"},
                    "median": statistics.median(entry["ticks"]) * unit_scale if entry["ticks"] else None}
             for mode, entry in samples.loads.items()}
    return {"unit": unit, "kernels": kernels, "geomean_vs_native": ratios, "calls": calls,
            "load": loads, "errors": samples.errors}


MODE_ORDER = ("native", "aot", "xip", "fast", "classic", "wasm3", "viper", "emit_native", "bytecode")


def _mode_order(mode):
    return MODE_ORDER.index(mode) if mode in MODE_ORDER else len(MODE_ORDER)


def check_checksums(summary, where):
    """Every mode of a kernel gives one and the same checksum."""
    problems = []
    for name, row in summary["kernels"].items():
        values = {mode: tuple(v["checksum"]) for mode, v in row.items()}
        if len(set(values.values())) > 1:
            problems.append(f"{where}: {name}: checksums differ: "
                            + ", ".join(f"{m}={'/'.join(map(str, c))}" for m, c in values.items()))
    return problems


def run_unix_target(profile, unix_dir):
    sizes = [(k, profile.unix_sizes[k]) for k in KERNELS]
    fast_fw = build.unix_build_dir("fast") / "micropython"
    classic_fw = build.unix_build_dir("classic") / "micropython"
    firmwares = [(fw, bench_run.firmware_interp(fw)) for fw in (fast_fw, classic_fw)]
    samples = Samples()
    rounds = []
    for rnd in range(profile.rounds):
        step(f"unix round {rnd + 1}/{profile.rounds}")
        this_round = Samples()
        for fw, interp in firmwares:
            primary = fw == fast_fw
            config = {"dir": str(unix_dir), "sizes": sizes, "reps": profile.reps,
                      "kernels": list(UNIX_MODES) if primary else ["wasm"], "interleave": True,
                      "calls": ["wasm", "aot"] if primary else ["wasm"],
                      "call_n": profile.call_n,
                      "load": ["wasm", "aot"] if primary else ["wasm"],
                      "load_reps": profile.load_reps}
            started = time.monotonic()
            records, _ = bench_run.run_unix(fw, config)
            samples.add(records, interp)
            this_round.add(records, interp)
            info(f"{fw.parent.name} ({interp}): {time.monotonic() - started:.1f} s")
        records = bench_run.run_wasm3(bench_build.guest_dir() / "bench.wasm", sizes, profile.reps)
        samples.add(records, "wasm3")
        this_round.add(records, "wasm3")
        rounds.append(summarise(this_round, 1e-6, "ms"))
    summary = summarise(samples, 1e-6, "ms")
    # Per round, for the targets: sessions of one round ran next to each
    # other, so their ratios see the same machine.
    summary["rounds"] = [{"geomean_vs_native": r["geomean_vs_native"], "calls": r["calls"]} for r in rounds]
    return summary


def run_board_target(board, profile, images, firmwares):
    image, apps = images[board]
    sizes = [(k, profile.board_sizes[k]) for k in KERNELS]
    samples = Samples()
    per_tick = bench_run.instructions_per_tick(board)
    for n, fw in enumerate(firmwares):
        config = {"dir": "", "sizes": sizes, "reps": profile.board_reps,
                  "kernels": list(BOARD_MODES) if n == 0 else ["wasm"],
                  "calls": ["wasm", "aot", "xip"] if n == 0 else ["wasm"],
                  "call_n": profile.board_call_n,
                  "load": ["wasm", "aot", "xip"] if n == 0 else ["wasm"],
                  "load_reps": 1}
        started = time.monotonic()
        interp, records = bench_run.run_board(board, config, image, apps, firmware=fw)
        samples.add(records, interp)
        info(f"{board} ({interp} interpreter, {fw}): {time.monotonic() - started:.1f} s")
    return summarise(samples, per_tick, "instructions")


def board_firmwares(board, build_missing):
    """The board's firmware as `make emulated` builds it (classic) and the
    fast-interpreter variant the suite builds in build/bench/fw/."""
    from . import emulated_boards
    default = emulated_boards.get(board).build_dir / "firmware.elf"
    fast_dir = bench_build.OUT / "fw" / f"{board}-fast"
    if build_missing:
        build.build_emulated(interp="classic", board=board)
        build.build_emulated(interp="fast", board=board, out_dir=fast_dir)
    fws = [default]
    if (fast_dir / "firmware.elf").exists():
        fws.append(fast_dir / "firmware.elf")
    return fws


def evaluate_targets(results):
    """The issue's targets, each a ratio from this run. A unix wall-clock
    ratio is the median of its values in the rounds (each from sessions
    that ran next to each other: a machine whose speed changes from one
    second to the next moves each round's ratio less than the medians
    pooled over the whole run); `rounds` lists them."""
    unix = results["unix"]
    per_round = unix.get("rounds") or [unix]
    targets = []

    def add(name, value, limit, unit="x", rounds=None):
        ok = value == value and value <= limit
        targets.append({"target": name, "value": value, "limit": limit, "unit": unit, "ok": ok,
                        "rounds": rounds or []})

    def add_unix(name, ratio, limit):
        values = [ratio(r["geomean_vs_native"], r["calls"]) for r in per_round]
        values = [v for v in values if v is not None]
        if values:
            add(name, statistics.median(values), limit, rounds=values)

    def over(a, b, table):
        return table[a] / table[b] if a in table and b in table and table[b] else None

    add_unix("fast interpreter time / wasm3 time (geomean)", lambda g, c: over("fast", "wasm3", g), 1.0)
    add_unix("classic interpreter time / fast (geomean)", lambda g, c: over("classic", "fast", g), 2.5)
    add_unix("AOT time / native (geomean)", lambda g, c: g.get("aot"), 1.15)
    add_unix("Python -> export no-op / Python call to a C builtin",
             lambda g, c: over("fast/export_nop", "python/builtin", c), 3.0)
    add_unix("guest -> Python import / Python call to a C builtin",
             lambda g, c: over("fast/import_py", "python/builtin", c), 3.0)
    vg = results.get("valgrind", {}).get("instructions_per_call", {})
    if "import_native" in vg:
        add("guest -> native import (valgrind, instructions)", vg["import_native"], 150, "instructions")
    # The budget is the Cortex-M board's (the RISC-V board's code is larger
    # by its instruction set; its size is reported in the flash table).
    flash = results.get("flash", {}).get("QEMU_WAMR")
    if flash:
        add("QEMU_WAMR: flash of WAMR + wasm module (KB)", flash["total"] / 1024, 130, "KB")
    return targets


def main(boards=BOARDS, profile_name="full", output=None, build_missing=True, valgrind=True,
         display=False):
    profile = PROFILES[profile_name]
    out = Path(output or bench_build.OUT)
    out.mkdir(parents=True, exist_ok=True)
    unix_dir, images = bench_build.build_all(boards)
    results = {"meta": _meta(profile_name, profile)}
    results["unix"] = run_unix_target(profile, unix_dir)
    if valgrind and profile.valgrind_n:
        results["valgrind"] = bench_valgrind.measure(unix_dir, profile.valgrind_n)
    results["boards"] = {}
    for board in boards:
        step(f"emulated board {board} (QEMU -icount shift=0)")
        results["boards"][board] = run_board_target(board, profile, images,
                                                    board_firmwares(board, build_missing))
    results["flash"] = bench_flash.measure(boards)
    program_problems = []
    if profile_name == "full":
        step("real programs on unix (Lua, minigzip)")
        results["programs"], program_problems = bench_programs.run()
    if display:
        from . import display_bench
        step("LVGL render benchmark (display-bench)")
        results["display"] = display_bench.main(("unix", "emulated"), 10, echo=False)
    problems = check_checksums(results["unix"], "unix")
    for board, summary in results["boards"].items():
        problems += check_checksums(summary, board)
    errors = [f"unix: {e}" for e in results["unix"]["errors"]]
    for board, summary in results["boards"].items():
        errors += [f"{board}: {e}" for e in summary["errors"]]
    results["targets"] = evaluate_targets(results)
    errors += program_problems
    results["problems"] = problems + errors
    (out / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    markdown = bench_report.markdown(results)
    (out / "results.md").write_text(markdown)
    bench_report.chart(results, out / "chart.png")
    print(markdown)
    step(f"results: {out / 'results.json'}, {out / 'results.md'}, {out / 'chart.png'}")
    if problems or errors:
        raise ToolError("benchmark problems:\n    " + "\n    ".join(problems + errors))
    missed = [t for t in results["targets"] if not t["ok"]]
    if missed and profile_name == "full":
        warn("targets missed: " + "; ".join(t["target"] for t in missed))
    return results


def _meta(profile_name, profile):
    def git(*args):
        proc = subprocess.run(["git", "-C", str(paths.ROOT), *args], capture_output=True, text=True)
        return proc.stdout.strip()

    return {"profile": profile_name, "commit": git("rev-parse", "HEAD"),
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
            "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "unix_sizes": profile.unix_sizes, "board_sizes": profile.board_sizes,
            "reps": profile.reps, "rounds": profile.rounds}
