"""`make mutate`: one-line bugs in the security checks of the `wasm` module,
each built into its own firmware and run against the tests that guard it.
Every mutant must be killed (a test fails or the firmware crashes).

The mutants are data (host_tests/mutants.json): `file` (below
micropython_modules/wasm), `find` (source text that must occur exactly
once), `replace`, `tests` (pytest paths) and `why`. New checks (graphics
handles, ...) get their mutants by adding entries there. A mutant with
`"tool": "aotc"` changes the AOT compiler instead (`file` below tools/aotc:
the checks it proves useless and drops, where a wrong proof lets guest code
leave its memory or run unstoppable): it is built into its own aotc, which
the tests then use."""

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
AOTC_SOURCE = paths.ROOT / "tools" / "aotc"
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
        root = AOTC_SOURCE if m.get("tool") == "aotc" else source_root
        count = (root / m["file"]).read_text().count(m["find"])
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


def _copy_aotc():
    """A private copy of tools/aotc, beside a link to the module tree its
    Makefile reads, starting from the project's compiler objects."""
    tree = MUTATE_DIR / "aotc-tree"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(AOTC_SOURCE, tree / "tools" / "aotc", copy_function=shutil.copy)
    (tree / "micropython_modules").symlink_to(paths.MODULES)
    from . import aot

    objects = aot.compiler_path().parent / "aotc-obj"
    if objects.is_dir():
        shutil.copytree(objects, MUTATE_DIR / "aotc-obj", dirs_exist_ok=True)
    return tree / "tools" / "aotc"


def _build_aotc(source):
    from . import aot

    subprocess.run(["make", "--no-print-directory", "-C", source, "-j", build._jobs(),
                    f"WAMR_DIR={paths.WAMR}", f"OUT={MUTATE_DIR}",
                    f"OBJ={MUTATE_DIR / 'aotc-obj'}", f"LLVM_CONFIG={aot.LLVM_CONFIG}"],
                   check=True, capture_output=True)
    return MUTATE_DIR / "aotc"


def _run_tests(binary, tests, aotc=None):
    env = dict(os.environ, WASM_FW_FAST=str(binary))
    # The compiler's tests run AOT code: no keyword filter.
    keyword = ["-k", KEYWORD]
    if aotc is not None:
        env["WASM_AOTC"] = str(aotc)
        keyword = []
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *keyword, *tests]
    proc = subprocess.run(cmd, cwd=paths.ROOT, env=env, capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    return proc.returncode, lines[-1] if lines else proc.stderr.strip()[-200:]


def main(only=None):
    mutants = load_mutants()
    if only:
        mutants = [m for m in mutants if m["id"] in only]
        if not mutants:
            raise ToolError(f"no mutant called {', '.join(only)}")
    # The compiler's mutants first, while the firmware is the unmutated one.
    mutants.sort(key=lambda m: m.get("tool") != "aotc")
    copy = _copy_sources()
    binary = _build(copy)
    all_tests = sorted({t for m in mutants for t in m["tests"] if m.get("tool") != "aotc"})
    if all_tests:
        status, summary = _run_tests(binary, all_tests)
        if status != 0:
            raise ToolError(f"the tests fail without any mutant ({summary}): fix them first")
        info(f"unmutated firmware passes: {summary}")
    aotc_source = aotc = None
    aotc_tests = sorted({t for m in mutants for t in m["tests"] if m.get("tool") == "aotc"})
    if aotc_tests:
        aotc_source = _copy_aotc()
        aotc = _build_aotc(aotc_source)
        status, summary = _run_tests(binary, aotc_tests, aotc)
        if status != 0:
            raise ToolError(f"the compiler's tests fail without any mutant ({summary}): fix them first")
        info(f"unmutated aotc passes: {summary}")
    survivors, broken = [], []
    for number, m in enumerate(mutants, 1):
        in_aotc = m.get("tool") == "aotc"
        source = aotc_source / m["file"] if in_aotc else copy / "wasm" / m["file"]
        original = source.read_text()
        started = time.monotonic()
        source.write_text(original.replace(m["find"], m["replace"], 1))
        try:
            step(f"mutant {number}/{len(mutants)} {m['id']}: {m['why']}")
            try:
                if in_aotc:
                    status, summary = _run_tests(binary, m["tests"], _build_aotc(aotc_source))
                else:
                    status, summary = _run_tests(_build(copy), m["tests"])
            except (ToolError, subprocess.CalledProcessError) as exc:
                broken.append(m["id"])
                info(f"did not build: {str(exc).splitlines()[-1]}")
                continue
        finally:
            source.write_text(original)
            if in_aotc:
                # The next build must see the restored file as new.
                os.utime(source)
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
