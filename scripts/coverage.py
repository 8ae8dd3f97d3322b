"""`make coverage`: the unix firmware with gcov counters in the `wasm`
module (build/unix-coverage), a pytest run on it, per-file line and branch
coverage of the module, and the floor for the WASI files.

Branches no test can reach are listed, with the reason, in
host_tests/coverage_unreachable.txt; the floor counts the others."""

import gzip
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import build, paths
from .progress import ToolError, info, run, step

COVERAGE_DIR = paths.BUILD / "unix-coverage"
MODULE_DIR = paths.MODULES / "wasm"
UNREACHABLE = paths.ROOT / "host_tests" / "coverage_unreachable.txt"
# Share of the reachable branches of each wasm_wasi*.c file the suite must
# take (measured: 99-100%; the slack is for new code landing with its tests).
WASI_FLOOR = 0.95
WASI_FILES = ("wasm_wasi.c", "wasm_wasi_fd.c", "wasm_wasi_path.c", "wasm_wasi_stream.c", "wasm_wasi_errno.c")


@dataclass
class FileCoverage:
    name: str
    lines: int = 0
    lines_hit: int = 0
    branches: int = 0
    branches_hit: int = 0
    excluded: int = 0
    # (line number, source text, untaken branch count) of lines with untaken branches
    missed: list = field(default_factory=list)

    def reachable_ratio(self):
        reachable = self.branches - self.excluded
        return self.branches_hit / reachable if reachable else 1.0


def build_firmware():
    """build/unix-coverage/micropython, seeded from the normal fast build."""
    return build.build_unix("fast", out_dir=COVERAGE_DIR, extra_args=["WASM_COVERAGE=1"],
                            seed=build.unix_build_dir("fast") / "obj")


def _counter_dir():
    return COVERAGE_DIR / "obj" / "wasm"


def reset_counters():
    for gcda in _counter_dir().rglob("*.gcda"):
        gcda.unlink()


def run_tests(binary, tests, keyword=None):
    """Runs pytest with the fast firmware replaced by `binary`; returns its status."""
    env = dict(os.environ, WASM_FW_FAST=str(binary))
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *map(str, tests)]
    if keyword:
        cmd += ["-k", keyword]
    step(f"tests on the coverage firmware: {' '.join(map(str, tests))}")
    return subprocess.run(cmd, cwd=paths.ROOT, env=env).returncode


def load_unreachable(path=UNREACHABLE):
    """[(file, function, source fragment, reason)] from the unreachable-branches list."""
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 4 or not all(parts):
            raise ToolError(f"{path}:{number}: expected 'file | function | source fragment | reason'")
        entries.append(tuple(parts))
    return entries


def collect(unreachable):
    """Per-file coverage of the module's sources from the .gcda counters."""
    gcdas = sorted(_counter_dir().rglob("*.gcda"))
    if not gcdas:
        raise ToolError(f"no coverage counters under {_counter_dir()}: did the tests run the coverage firmware?")
    files = {}
    used = set()
    with tempfile.TemporaryDirectory() as tmp:
        run(["gcov", "--json-format", "--branch-counts", "--branch-probabilities", *gcdas],
            what="gcov", cwd=tmp, quiet=True)
        for report in sorted(Path(tmp).glob("*.gcov.json.gz")):
            data = json.loads(gzip.decompress(report.read_bytes()))
            for entry in data["files"]:
                source = Path(entry["file"])
                if not source.is_absolute():
                    source = (Path(data.get("current_working_directory", tmp)) / source).resolve()
                try:
                    rel = source.resolve().relative_to(MODULE_DIR)
                except ValueError:
                    continue  # inline functions from MicroPython's or WAMR's headers
                _add_file(files, str(rel), source, entry["lines"], unreachable, used)
    stale = [e for i, e in enumerate(unreachable) if i not in used]
    return [files[name] for name in sorted(files)], stale


def _add_file(files, name, source, lines, unreachable, used):
    text = source.read_text().splitlines()
    cov = files.setdefault(name, FileCoverage(name))
    for line in lines:
        number = line["line_number"]
        cov.lines += 1
        cov.lines_hit += line["count"] > 0
        branches = line.get("branches", [])
        cov.branches += len(branches)
        hit = sum(b["count"] > 0 for b in branches)
        cov.branches_hit += hit
        untaken = len(branches) - hit
        if not untaken:
            continue
        src = text[number - 1].strip() if number <= len(text) else ""
        function = line.get("function_name", "")
        for index, (fname, func, fragment, _reason) in enumerate(unreachable):
            if fname == Path(name).name and func == function and fragment in src:
                cov.excluded += untaken
                used.add(index)
                break
        else:
            cov.missed.append((number, src, untaken))


def report(files, stale):
    """Prints the table; returns the WASI files below the floor."""
    print(f"{'file':<34} {'lines':>15} {'branches':>15} {'reachable':>10}")
    for f in files:
        line_pct = 100 * f.lines_hit / f.lines if f.lines else 100
        branch_pct = 100 * f.branches_hit / f.branches if f.branches else 100
        print(f"{f.name:<34} {f.lines_hit:>5}/{f.lines:<5} {line_pct:3.0f}% "
              f"{f.branches_hit:>5}/{f.branches:<5} {branch_pct:3.0f}% {100 * f.reachable_ratio():9.1f}%")
    below = []
    for f in files:
        if Path(f.name).name not in WASI_FILES:
            continue
        for number, src, untaken in f.missed:
            print(f"    {f.name}:{number}: {untaken} branch(es) never taken: {src}")
        if f.reachable_ratio() < WASI_FLOOR:
            below.append(f)
    for fname, func, fragment, _reason in stale:
        print(f"warning: {UNREACHABLE.name}: '{fname} | {func} | {fragment}' matches no untaken branch "
              "(taken now, or the line changed)", file=sys.stderr)
    return below


def main(tests, keyword=None, check=False):
    binary = build_firmware()
    reset_counters()
    status = run_tests(binary, tests, keyword)
    files, stale = collect(load_unreachable())
    step("coverage of micropython_modules/wasm (branches: taken/total; reachable: "
         f"taken/(total - listed in {UNREACHABLE.relative_to(paths.ROOT)}))")
    below = report(files, stale)
    if status != 0:
        raise ToolError(f"the tests failed on the coverage firmware (pytest exit {status})")
    if check:
        problems = [f"{f.name}: {100 * f.reachable_ratio():.1f}% of reachable branches, "
                    f"floor {100 * WASI_FLOOR:.0f}%" for f in below]
        if problems:
            raise ToolError("coverage floor: " + "; ".join(problems))
        info(f"WASI files at or above the floor ({100 * WASI_FLOOR:.0f}% of reachable branches)")
    return 0
