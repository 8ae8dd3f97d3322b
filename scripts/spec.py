"""The WebAssembly spec tests through the firmware's Python `wasm` API.

`python3 -m scripts spec [--mode fast|classic|aot ...] [--file NAME ...]`

The tests are test/spec/*.wast of binaryen's Debian source package (the lock
file's "spec_tests", materialised by `make setup` into cache/spec-tests).
Each file is converted with wabt's wast2json, its commands become a plan the
firmware runs with scripts/spec_harness.py (a fresh firmware process per file
and mode), and every assertion ends as pass, fail or not applicable:

- not applicable (counted and reported, never run): whole files that test
  proposals this firmware does not build (FILES_NOT_APPLICABLE), text-format
  errors (a binary runtime never sees them), validation tests in AOT mode
  (the compiler rejects those modules before an AOT file exists), and what
  the API cannot express yet: imported memories and tables,
  reference-typed values (issue 14). Growing the
  harness's capabilities turns these into real assertions.
- fail: a known failure listed in spec_expected_failures.txt with its reason,
  or an unexpected one, which fails the run, as does a crash or a hang.
"""

import hashlib
import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import aot, paths
from .progress import ToolError, info, step

MODES = ("fast", "classic", "aot")
HARNESS = Path(__file__).with_name("spec_harness.py")
EXPECTED_FAILURES = Path(__file__).with_name("spec_expected_failures.txt")
WORK = paths.BUILD / "spec"
FILE_TIMEOUT = 600

_PROPOSALS = {
    "SIMD (WASM_ENABLE_SIMD=0)": ["simd"],
    "threads and atomics (WASM_ENABLE_SHARED_MEMORY=0)": ["atomics"],
    "exception handling (not built)": ["exception-handling", "tags"],
    "GC and typed function references (WASM_ENABLE_GC=0)": [
        "array", "struct", "i31", "ref_cast", "ref_eq", "ref_as_non_null", "br_on_null",
        "call_ref", "table", "elem_reftypes", "typecheck"],
    "memory64 (WASM_ENABLE_MEMORY64=0)": [
        "address64", "align64", "bulk-memory64", "endianness64", "float_memory64", "load64",
        "memory64", "memory_grow64", "memory_redundancy64", "memory_trap64", "resizing64",
        "old_address64"],
    "binaryen's tuple extension of multi-value": ["tuples", "multivalue"],
    "binaryen's pre-2018 copies of spec tests (old syntax; the current ones are here too)": [
        "old_block", "old_br_if", "old_call", "old_call_indirect", "old_float_exprs",
        "old_float_literals", "old_func", "old_loop", "old_select", "old_unreachable"],
}
# Whole files that do not apply to this firmware, with the reason.
FILES_NOT_APPLICABLE = {name: why for why, names in _PROPOSALS.items() for name in names}
# binaryen's own parser tests (*.fail.wast) expect its text parser to fail.
FAIL_SUFFIX = ".fail"
# Elem segments named like the table ("$t"): wabt 1.0.32 reads the names as one
# namespace and refuses the file; the spec (and this suite's current copy of
# the same tests) does not.
NOT_CONVERTIBLE = {"elem": "wast2json 1.0.32 rejects segment names that repeat the table's"}


# ---- old assertion forms -----------------------------------------------------

def _sexp_end(text, start):
    """Index just past the s-expression that starts at text[start] == '('."""
    depth, i, n = 0, start, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif text.startswith(";;", i):
            i = text.find("\n", i)
            if i < 0:
                return n
        elif text.startswith("(;", i):
            i = text.find(";)", i) + 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ToolError("unbalanced parentheses in a .wast file")


def _nan_type(action):
    """f32 or f64 for an old NaN assertion's action: the exported function's
    name prefix ("f64.promote_f32"), else its first argument's type. The
    harness checks the NaN on the value's real type either way."""
    name = re.search(r'"([^"]*)"', action)
    if name and name.group(1)[:4] in ("f32.", "f64."):
        return name.group(1)[:3]
    arg = re.search(r"\((f32|f64)\.const", action)
    return arg.group(1) if arg else "f32"


def modernise(text):
    """Rewrites assertion forms wabt 1.0.32 no longer parses:
    (assert_return_canonical_nan A) / (assert_return_arithmetic_nan A) become
    (assert_return A (T.const nan:canonical|arithmetic)), and an assert_trap
    without a message gets an empty one."""
    out, pos = [], 0
    pattern = re.compile(r"\((assert_return_(canonical|arithmetic)_nan|assert_trap)\b")
    for m in pattern.finditer(text):
        if m.start() < pos:
            continue
        end = _sexp_end(text, m.start())
        inner = text[m.end():end - 1]
        out.append(text[pos:m.start()])
        action_start = inner.find("(")
        action_end = _sexp_end(inner, action_start)
        action = inner[action_start:action_end]
        rest = inner[action_end:].strip()
        if m.group(2):
            out.append(f"(assert_return {action} ({_nan_type(action)}.const nan:{m.group(2)}))")
        elif action.startswith("(invoke") and not rest:
            out.append(f'(assert_trap {action} "")')
        else:
            out.append(text[m.start():end])
        pos = end
    out.append(text[pos:])
    return "".join(out)


# ---- conversion and plans ----------------------------------------------------------

def wast_files():
    if not paths.SPEC_TESTS.is_dir():
        raise ToolError(f"spec tests not found at {paths.SPEC_TESTS}: run `make setup`")
    return sorted(paths.SPEC_TESTS.glob("*.wast"))


def not_applicable_reason(name):
    if name.endswith(FAIL_SUFFIX):
        return "binaryen's text-parser test (expected to fail parsing)"
    return FILES_NOT_APPLICABLE.get(name) or NOT_CONVERTIBLE.get(name)


def convert(wast, out_dir):
    """wast2json output for `wast` (modernised) in `out_dir`: the JSON path."""
    text = modernise(wast.read_text())
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = out_dir / "source.sha256"
    json_path = out_dir / f"{wast.stem}.json"
    if stamp.exists() and stamp.read_text() == digest and json_path.exists():
        return json_path
    for old in out_dir.iterdir():
        old.unlink()
    src = out_dir / wast.name
    src.write_text(text)
    proc = subprocess.run(["wast2json", src.name, "-o", json_path.name],
                          cwd=out_dir, capture_output=True, text=True)
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[0]
        raise ToolError(f"wast2json {wast.name}: {first}")
    stamp.write_text(digest)
    return json_path


def _value(v):
    """A wast2json value as [type, int bits | "nan:..."]; a reference as
    [type, "null" | host reference number | "any"] ("any": not null)."""
    kind, value = v["type"], v.get("value")
    if kind in ("funcref", "externref"):
        return [kind, "any" if value is None else "null" if value == "null" else int(value)]
    if value is None:           # assert_trap lists result types only
        return [kind, None]
    if isinstance(value, str) and value.startswith("nan:"):
        return [kind, value]
    return [kind, int(value)]


def make_plan(json_path, mode):
    """Harness commands for one converted file and mode."""
    data = json.loads(json_path.read_text())
    plan = []
    for i, c in enumerate(data["commands"]):
        t = c["type"]
        cmd = {"i": i, "line": c["line"], "type": t}
        na = None
        if t == "module":
            cmd["file"] = c["filename"]
            if c.get("name"):
                cmd["name"] = c["name"]
        elif t in ("assert_return", "action", "assert_trap", "assert_exhaustion") and "action" in c:
            a = c["action"]
            args = [_value(v) for v in a.get("args", [])]
            expected = [_value(v) for v in c.get("expected", [])] if t == "assert_return" else []
            cmd["action"] = {"kind": a["type"], "module": a.get("module"), "field": a["field"],
                             "args": args}
            cmd["expected"] = expected
        elif t == "assert_trap":       # a module whose instantiation traps
            cmd["type"] = "assert_uninstantiable"
            cmd["file"] = c["filename"]
        elif t in ("assert_invalid", "assert_malformed", "assert_unlinkable",
                   "assert_uninstantiable"):
            cmd["file"] = c["filename"]
            if c.get("module_type") == "text":
                na = "text-format error: a binary runtime never sees it"
            elif mode == "aot" and t in ("assert_invalid", "assert_malformed"):
                na = "invalid module: the AOT compiler rejects it (checked on fast and classic)"
        elif t == "register":
            cmd["as"] = c["as"]
            if c.get("name"):
                cmd["name"] = c["name"]
        else:
            na = f"command {t}"
        if mode == "aot" and cmd.get("file", "").endswith(".wasm") and not na:
            cmd["file"] = cmd["file"][:-5] + ".aot"
        if na:
            cmd["na"] = na
        plan.append(cmd)
    return plan


def compile_modules(json_dir, plan, jobs):
    """Compiles the plan's modules to x86-64 AOT files (cached by content)."""
    aotc = aot.build_compiler()
    todo = []
    for cmd in plan:
        f = cmd.get("file", "")
        if f.endswith(".aot") and not cmd.get("na"):
            src = json_dir / (f[:-4] + ".wasm")
            out = json_dir / f
            if not out.exists() or out.stat().st_mtime < max(src.stat().st_mtime, aotc.stat().st_mtime):
                todo.append((src, out))

    def compile_one(job):
        src, out = job
        proc = subprocess.run([str(aotc), *aot.compiler_args("x86_64"), "-o", str(out), str(src)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            out.unlink(missing_ok=True)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(compile_one, todo))
    return len(todo)


# ---- running -----------------------------------------------------------------------

def firmware(mode, sanitize=False):
    from .build import unix_build_dir
    binary = unix_build_dir("classic" if mode == "classic" else "fast", sanitize=sanitize) / "micropython"
    if not binary.exists():
        raise ToolError(f"{binary} is missing: build it first (`make unix unix-classic`)")
    return binary


@dataclass
class FileResult:
    name: str
    mode: str
    status: dict = field(default_factory=dict)   # command index -> (status, detail)
    plan: list = field(default_factory=list)
    problem: str = ""                            # crash, hang, sanitizer report


def run_file(json_path, mode, binary):
    plan = make_plan(json_path, mode)
    plan_path = json_path.with_name(f"{json_path.stem}.{mode}.plan")
    # Raw UTF-8, not \u escapes: MicroPython's json leaves a surrogate pair
    # as two characters, so a name outside the BMP would not match.
    plan_path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in plan),
                         encoding="utf-8")
    result = FileResult(json_path.stem, mode, plan=plan)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=0")
    try:
        proc = subprocess.run([str(binary), "-X", "heapsize=64M", str(HARNESS), str(plan_path),
                               str(json_path.parent)], capture_output=True, timeout=FILE_TIMEOUT,
                              env=env)
    except subprocess.TimeoutExpired:
        result.problem = f"hang: no exit within {FILE_TIMEOUT} s"
        return result
    out = proc.stdout.decode("utf-8", "replace")
    for line in out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) >= 3 and parts[0] == "R":
            result.status[int(parts[1])] = (parts[2], parts[3] if len(parts) > 3 else "")
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0 or "Sanitizer" in stderr or "runtime error:" in stderr:
        tail = (stderr.strip().splitlines() or [out.strip().splitlines()[-1:] or [""]][0])[-1:]
        result.problem = f"exit status {proc.returncode}: {' '.join(tail)[:200]}"
    return result


def load_expected_failures(path=EXPECTED_FAILURES):
    """({(mode, file, line): reason}, {(file, line): reason}) from lines
    `MODES FILE:LINE[-LINE] REASON` (known failures) and `n/a FILE:LINE[-LINE]
    REASON` (assertions of older spec versions that the current spec, which
    this runtime follows, contradicts: counted as not applicable)."""
    expected, outdated = {}, {}
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        m = re.fullmatch(r"([\w.-]+):(\d+)(?:-(\d+))?", parts[1]) if len(parts) == 3 else None
        if not m:
            raise ToolError(f"{path.name}:{number}: expected `MODES FILE:LINE[-LINE] REASON`")
        name, first = m.group(1), int(m.group(2))
        lines = range(first, int(m.group(3) or first) + 1)
        if parts[0] == "n/a":
            outdated.update({(name, n): parts[2] for n in lines})
            continue
        for mode in parts[0].split(","):
            if mode not in MODES:
                raise ToolError(f"{path.name}:{number}: unknown mode {mode!r}")
            expected.update({(mode, name, n): parts[2] for n in lines})
    return expected, outdated


@dataclass
class Summary:
    mode: str
    passed: int = 0
    failed: int = 0
    expected_failures: int = 0
    not_applicable: int = 0
    na_files: int = 0
    na_reasons: dict = field(default_factory=dict)
    unexpected: list = field(default_factory=list)   # "file:line detail"
    stale: list = field(default_factory=list)        # expected failures that passed
    problems: list = field(default_factory=list)     # crashes, hangs

    @property
    def applicable(self):
        return self.passed + self.failed + self.expected_failures

    @property
    def pass_rate(self):
        return 100.0 * self.passed / self.applicable if self.applicable else 0.0

    @property
    def pass_rate_unlisted(self):
        """The rate among assertions without a listed known failure."""
        n = self.passed + self.failed
        return 100.0 * self.passed / n if n else 0.0

    def ok(self):
        return not (self.unexpected or self.stale or self.problems)


def summarise(results, expected, mode, na_files):
    s = Summary(mode, na_files=na_files)
    expected, outdated = expected
    for r in results:
        if r.problem:
            s.problems.append(f"{r.name}: {r.problem}")
        for cmd in r.plan:
            status, detail = r.status.get(cmd["i"], ("fail", "no result (firmware stopped)"))
            if (r.name, cmd["line"]) in outdated and status != "na":
                status, detail = "na", outdated[(r.name, cmd["line"])]
            if cmd["type"] == "module" and status == "pass":
                continue  # modules are set-up, not assertions
            key = (mode, r.name, cmd["line"])
            if cmd["type"] == "module" and status == "fail" and key in expected:
                continue  # the module is listed; its assertions are what count
            if status == "na":
                s.not_applicable += 1
                s.na_reasons[detail] = s.na_reasons.get(detail, 0) + 1
            elif status == "pass":
                if key in expected:
                    s.stale.append(f"{r.name}:{cmd['line']} passes (listed: {expected[key]})")
                s.passed += 1
            elif key in expected:
                s.expected_failures += 1
            else:
                s.failed += 1
                s.unexpected.append(f"{r.name}:{cmd['line']} {cmd['type']}: {detail}")
    return s


def run(modes=MODES, files=None, jobs=None, sanitize=False, quiet=False):
    """Runs the suite; returns {mode: Summary}."""
    jobs = jobs or os.cpu_count() or 2
    selected, na_files = [], []
    for wast in wast_files():
        if files and wast.stem not in files:
            continue
        reason = not_applicable_reason(wast.stem)
        (na_files if reason else selected).append((wast, reason))
    if files and not selected and not na_files:
        raise ToolError(f"no spec test named {', '.join(files)}")
    if not quiet:
        step(f"spec tests: {len(selected)} files ({len(na_files)} not applicable), "
             f"modes {', '.join(modes)}")
    converted = [convert(wast, WORK / wast.stem) for wast, _ in selected]
    expected = load_expected_failures()
    summaries = {}
    for mode in modes:
        binary = firmware(mode, sanitize)
        if mode == "aot":
            n = sum(compile_modules(j.parent, make_plan(j, mode), jobs) for j in converted)
            if n and not quiet:
                info(f"compiled {n} modules to AOT")
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(lambda j: run_file(j, mode, binary), converted))
        summaries[mode] = summarise(results, expected, mode, len(na_files))
        if not quiet:
            report(summaries[mode])
    return summaries


def report(s):
    info(f"{s.mode}: {s.passed} of {s.applicable} applicable assertions pass ({s.pass_rate:.2f} %), "
         f"{s.expected_failures} known failures, {s.failed} unexpected failures, "
         f"{s.not_applicable} not applicable (+ {s.na_files} whole files); "
         f"{s.pass_rate_unlisted:.2f} % of those without a known failure")
    for reason, n in sorted(s.na_reasons.items(), key=lambda kv: -kv[1]):
        info(f"    n/a {n:6}  {reason}")
    for line in s.problems + s.unexpected[:40] + s.stale:
        info(f"    {line}")
    if len(s.unexpected) > 40:
        info(f"    ... and {len(s.unexpected) - 40} more unexpected failures")


def main(modes, files, jobs, sanitize=False):
    summaries = run(modes, files, jobs, sanitize)
    bad = [m for m, s in summaries.items() if not s.ok()]
    if bad:
        raise ToolError(f"spec tests: unexpected results in mode {', '.join(bad)}")
    step("spec tests: no crash, no unexpected failure")
