"""`make mutate`: one-line bugs in the security checks of the `wasm` module,
each built into its own firmware and run against the tests that guard it.
Every mutant must be killed (a test fails or the firmware crashes).

The mutants are data (host_tests/mutants.json): `file` (below
micropython_modules/wasm), `find` (source text that must occur exactly
once), `replace`, `tests` (pytest paths) and `why`. New checks (graphics
handles, ...) get their mutants by adding entries there."""

import json
import os
import shutil
import subprocess
import sys
import time

from . import build, paths
from .progress import ToolError, info, step

MUTANTS = paths.ROOT / "host_tests" / "mutants.json"
MUTATE_DIR = paths.BUILD / "unix-mutate"
# The fast interpreter only: the checks are interpreter-independent C code.
KEYWORD = "not classic and not aot"


def load_mutants(path=MUTANTS, source_root=paths.MODULES / "wasm"):
    mutants = json.loads(path.read_text())
    seen = set()
    for m in mutants:
        missing = {"id", "file", "find", "replace", "tests", "why"} - set(m)
        if missing:
            raise ToolError(f"{path}: mutant {m.get('id', '?')} lacks {', '.join(sorted(missing))}")
        if m["id"] in seen:
            raise ToolError(f"{path}: duplicate mutant id {m['id']}")
        seen.add(m["id"])
        count = (source_root / m["file"]).read_text().count(m["find"])
        if count != 1:
            raise ToolError(f"mutant {m['id']}: its `find` text occurs {count} times in {m['file']} "
                            "(the source changed: update host_tests/mutants.json)")
    return mutants


def _copy_sources():
    """A private copy of micropython_modules that the mutants are written into."""
    copy = MUTATE_DIR / "modules"
    if copy.exists():
        shutil.rmtree(copy)
    # Fresh timestamps: a file a previous run left mutated must be rebuilt.
    shutil.copytree(paths.MODULES, copy, copy_function=shutil.copy)
    return copy


def _build(copy):
    # The copy lives under build/: the LVGL bindings' generator still runs
    # from the project's tools/ and venv.
    return build.build_unix("fast", out_dir=MUTATE_DIR, modules=copy,
                            extra_args=[f"LVB_ROOT={paths.ROOT}"],
                            seed=build.unix_build_dir("fast") / "obj")


def _run_tests(binary, tests):
    env = dict(os.environ, WASM_FW_FAST=str(binary))
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-k", KEYWORD,
           *tests]
    proc = subprocess.run(cmd, cwd=paths.ROOT, env=env, capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    return proc.returncode, lines[-1] if lines else proc.stderr.strip()[-200:]


def main(only=None):
    mutants = load_mutants()
    if only:
        mutants = [m for m in mutants if m["id"] in only]
        if not mutants:
            raise ToolError(f"no mutant called {', '.join(only)}")
    copy = _copy_sources()
    binary = _build(copy)
    all_tests = sorted({t for m in mutants for t in m["tests"]})
    status, summary = _run_tests(binary, all_tests)
    if status != 0:
        raise ToolError(f"the tests fail without any mutant ({summary}): fix them first")
    info(f"unmutated firmware passes: {summary}")
    survivors, broken = [], []
    for number, m in enumerate(mutants, 1):
        source = copy / "wasm" / m["file"]
        original = source.read_text()
        started = time.monotonic()
        source.write_text(original.replace(m["find"], m["replace"], 1))
        try:
            step(f"mutant {number}/{len(mutants)} {m['id']}: {m['why']}")
            try:
                binary = _build(copy)
            except ToolError as exc:
                broken.append(m["id"])
                info(f"did not build: {str(exc).splitlines()[-1]}")
                continue
            status, summary = _run_tests(binary, m["tests"])
        finally:
            source.write_text(original)
        verdict = "killed" if status != 0 else "SURVIVED"
        info(f"{verdict} in {time.monotonic() - started:.0f}s ({summary})")
        if status == 0:
            survivors.append(m["id"])
    step(f"{len(mutants) - len(survivors) - len(broken)} of {len(mutants)} mutants killed")
    if broken:
        raise ToolError(f"mutants that do not compile (fix host_tests/mutants.json): {', '.join(broken)}")
    if survivors:
        raise ToolError(f"surviving mutants (no test notices the bug): {', '.join(survivors)}")
    return 0
