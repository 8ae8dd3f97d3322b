"""A mutation fuzzer for the firmware's module loading and running.

`python3 -m scripts fuzz [--cases N | --seconds S] [--seed N] [--mode M ...]`

Inputs are the project's own guests (build/guest/*.wasm), their AOT files
and XIP images (compiled with build/host/aotc). Every case mutates one input
(a seeded PRNG: a campaign is reproducible from its seed), runs it in a fresh
firmware process (scripts/fuzz_driver.py) and classifies the process's fate:

- clean: it finished, with the module working or a Python exception (LoadError,
  LinkError, Trap, Exit, MemoryError), or Ctrl-C (SIGINT after a while) stopped
  a guest that loops;
- finding: a signal (crash), a sanitizer report, an exception the API does not
  promise, or a process Ctrl-C cannot stop (hang). Its input is saved under
  build/fuzz/ with a note on how to replay it.

Modes: fast and classic (wasm modules on each interpreter: load, instantiate,
call every export), aot and xip (AOT files loaded into RAM, XIP blobs in a
wasmapps image with a valid index and checksum, on the fast firmware: load,
list, instantiate unless the change hit code or function entry points; AOT
code is native code and trusted, see README's security model). By default the
fast, aot and xip cases run on the ASan build when it exists.
"""

import os
import random
import signal
import subprocess
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import aot, paths, wasm_binary, xip
from .build import unix_build_dir
from .progress import ToolError, info, step

MODES = ("fast", "classic", "aot", "xip")
DRIVER = Path(__file__).with_name("fuzz_driver.py")
OUT = paths.BUILD / "fuzz"
GUESTS = ("hello", "kernels", "traps", "hostcalls", "memgrow", "needs_import", "wasi_stdio", "clock")
AOT_GUESTS = ("kernels", "hostcalls", "traps", "hello")
XIP_GUESTS = ("kernels", "traps")
SANITIZER_EXIT = 86
INTERESTING = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x40, 0x20, 0x10)
INTERESTING_U32 = (0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
                   0xFFFFFFFE, 0xFFFFFFFF)


# ---- seeds and mutations ---------------------------------------------------------

@dataclass
class Seed:
    name: str
    data: bytes
    protected: tuple = ()      # (start, end) ranges of native code and entry points
    code: tuple = None         # (start, end) of a wasm module's code section


def code_section(data):
    """(start, end) of a wasm binary's code section (id 10), or None."""
    return next(((start, end) for kind, start, end in wasm_binary.sections(data) if kind == 10),
                None)


def wasm_seeds():
    guest = paths.BUILD / "guest"
    seeds = []
    for n in GUESTS:
        if (guest / f"{n}.wasm").exists():
            data = (guest / f"{n}.wasm").read_bytes()
            seeds.append(Seed(n, data, code=code_section(data)))
    if not seeds:
        raise ToolError(f"no guest apps in {guest}: run `make guests`")
    return seeds


def aot_seeds(xip_mode):
    out_dir = OUT / "seeds"
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = []
    for name in XIP_GUESTS if xip_mode else AOT_GUESTS:
        out = out_dir / f"{name}{'.xip' if xip_mode else ''}.aot"
        src = paths.BUILD / "guest" / f"{name}.wasm"
        if not out.exists() or out.stat().st_mtime < src.stat().st_mtime:
            aot.compile_wasm(src, "x86_64", xip=xip_mode, output=out, quiet=True)
        data = out.read_bytes()
        # The code and the function section (entry points into it).
        protected = tuple((start, start + size) for kind, start, size in aot.sections(data)
                          if kind in (2, 3))
        seeds.append(Seed(name, data, protected))
    return seeds


def mutate(data, rng):
    """One to three random changes: bit flips, interesting bytes or u32s,
    insertions, deletions, a copied chunk, a truncation."""
    b = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if not b:
            break
        op = rng.randrange(8)
        i = rng.randrange(len(b))
        if op <= 1:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 2:
            b[i] = rng.choice(INTERESTING)
        elif op == 3 and len(b) >= 4:
            i = rng.randrange(len(b) - 3)
            b[i:i + 4] = rng.choice(INTERESTING_U32).to_bytes(4, "little")
        elif op == 4:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 5)))
        elif op == 5:
            del b[i:i + rng.randrange(1, 9)]
        elif op == 6:
            n = rng.randrange(1, 33)
            j = rng.randrange(len(b))
            b[j:j] = b[i:i + n]
        else:
            del b[max(8, i):]
    return bytes(b)


def mutate_code(seed, rng):
    """Changes inside function bodies keep the module's layout, so more cases
    get past the loader into validation and execution."""
    start, end = seed.code
    b = bytearray(seed.data)
    for _ in range(rng.choice((1, 1, 2, 3))):
        i = rng.randrange(start, end)
        b[i] = rng.choice(INTERESTING) if rng.random() < 0.3 else rng.randrange(256)
    return bytes(b)


def mutate_aot(seed, rng):
    """Mostly metadata: code changes only matter to code, which is trusted."""
    while True:
        data = mutate(seed.data, rng)
        changed = next((i for i, (x, y) in enumerate(zip(data, seed.data)) if x != y),
                       min(len(data), len(seed.data)))
        in_protected = any(s <= changed < e for s, e in seed.protected)
        if not in_protected or rng.random() < 0.2:
            return data, in_protected


def xip_image(blob):
    """A wasmapps image holding `blob` as app "app", index and CRCs valid."""
    table = xip.ENTRY.pack(b"app", b"x86_64", aot.AOT_VERSION, xip.BLOB_ALIGN, len(blob),
                           zlib.crc32(blob))
    size = xip.BLOB_ALIGN + (len(blob) + xip.BLOB_ALIGN - 1) // xip.BLOB_ALIGN * xip.BLOB_ALIGN
    image = bytearray(size)
    image[:xip.HEADER.size] = xip.HEADER.pack(xip.MAGIC, xip.FORMAT_VERSION, 1, size,
                                              zlib.crc32(table))
    image[xip.HEADER.size:xip.HEADER.size + len(table)] = table
    image[xip.BLOB_ALIGN:xip.BLOB_ALIGN + len(blob)] = blob
    return bytes(image)


# ---- running one case -------------------------------------------------------------

@dataclass
class Case:
    mode: str
    number: int
    seed_name: str
    data: bytes
    run: str                   # the driver's RUN argument
    outcome: str = ""
    detail: str = ""


def firmware(mode, sanitized):
    interp = "classic" if mode == "classic" else "fast"
    asan = unix_build_dir(interp, sanitize=True) / "micropython"
    if sanitized and asan.exists():
        return asan, True
    plain = unix_build_dir(interp) / "micropython"
    if not plain.exists():
        raise ToolError(f"{plain} is missing: run `make unix unix-classic`")
    return plain, False


def run_case(case, binary, sanitized, work, patience):
    path = work / f"case-{case.mode}-{case.number}"
    env = dict(os.environ, ASAN_OPTIONS=f"exitcode={SANITIZER_EXIT}:detect_leaks=0",
               UBSAN_OPTIONS=f"exitcode={SANITIZER_EXIT}:print_stacktrace=1")
    if case.mode == "xip":
        path.write_bytes(xip_image(case.data))
        env["WASM_APPS"] = str(path)
    else:
        path.write_bytes(case.data)
    mode = "xip" if case.mode == "xip" else "module"
    proc = subprocess.Popen([str(binary), str(DRIVER), mode, str(path), case.run],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    stopped = False
    try:
        out, err = proc.communicate(timeout=patience)
    except subprocess.TimeoutExpired:
        # A guest that loops: Ctrl-C must stop it.
        stopped = True
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=patience * 4)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            path.unlink()
            case.outcome, case.detail = "hang", "Ctrl-C did not stop it"
            return case
    path.unlink()
    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")
    lines = out.splitlines()
    if proc.returncode == SANITIZER_EXIT or "Sanitizer" in err or "runtime error:" in err:
        case.outcome = "sanitizer"
        case.detail = next((line for line in err.splitlines() if "ERROR" in line or "runtime error" in line),
                           err.strip()[-300:])
    elif proc.returncode < 0:
        case.outcome = "crash"
        case.detail = f"signal {-proc.returncode} ({signal.Signals(-proc.returncode).name})"
    elif proc.returncode != 0 or not lines or lines[-1] != "DONE":
        case.outcome = "unexpected exception"
        case.detail = (err.strip().splitlines() or ["exit %d" % proc.returncode])[-1]
    elif "interrupted" in lines or stopped:
        case.outcome = "stopped by Ctrl-C"
    elif any(line.startswith("raised ") for line in lines):
        case.outcome = "clean: " + next(line for line in lines if line.startswith("raised "))[7:]
    else:
        case.outcome = "clean: ran" if case.run != "0" else "clean: loaded"
    return case


FINDINGS = ("crash", "sanitizer", "hang", "unexpected exception")


def save_finding(case, binary):
    OUT.mkdir(parents=True, exist_ok=True)
    ext = {"aot": ".aot", "xip": ".aot"}.get(case.mode, ".wasm")
    stem = OUT / f"{case.outcome.replace(' ', '-')}-{case.mode}-{case.number}"
    stem.with_suffix(ext).write_bytes(case.data)
    how = (f"WASM_APPS=<image holding it as app 'app'> {binary} {DRIVER} xip - {case.run}"
           if case.mode == "xip" else f"{binary} {DRIVER} module {stem.with_suffix(ext)} {case.run}")
    stem.with_suffix(".txt").write_text(
        f"{case.outcome}: {case.detail}\nmode {case.mode}, mutation of {case.seed_name}\n"
        f"replay: {how}\n")
    return stem.with_suffix(ext)


# ---- campaigns ---------------------------------------------------------------------

@dataclass
class Stats:
    mode: str
    cases: int = 0
    seconds: float = 0.0
    outcomes: dict = field(default_factory=dict)
    findings: list = field(default_factory=list)   # (case, saved path)


def cases_for(mode, rng, count):
    if mode in ("fast", "classic"):
        seeds = wasm_seeds()
        for n in range(count):
            seed = rng.choice(seeds)
            in_code = seed.code and rng.random() < 0.6
            data = mutate_code(seed, rng) if in_code else mutate(seed.data, rng)
            yield Case(mode, n, seed.name, data, "1")
    else:
        seeds = aot_seeds(mode == "xip")
        for n in range(count):
            seed = rng.choice(seeds)
            data, in_code = mutate_aot(seed, rng)
            yield Case(mode, n, seed.name, data, "0" if in_code else "inst")


def campaign(modes=MODES, cases=200, seconds=None, seed=1, jobs=None, sanitized=True,
             patience=3.0, quiet=False):
    """Runs `cases` cases per mode (or for `seconds` per mode); {mode: Stats}."""
    jobs = jobs or os.cpu_count() or 2
    work = OUT / "work"
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    for mode in modes:
        binary, asan = firmware(mode, sanitized)
        rng = random.Random(f"{seed}-{mode}")
        stats = Stats(mode)
        started = time.monotonic()
        limit = cases if seconds is None else 10 ** 9
        if not quiet:
            step(f"fuzz {mode}: {'%d cases' % cases if seconds is None else '%d s' % seconds}, "
                 f"seed {seed}, {binary.relative_to(paths.ROOT)}")
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            pending = []
            for case in cases_for(mode, rng, limit):
                if seconds is not None and time.monotonic() - started > seconds:
                    break
                pending.append(pool.submit(run_case, case, binary, asan, work,
                                           patience * (4 if asan else 1)))
                if len(pending) >= 4 * jobs:
                    _collect(pending.pop(0).result(), stats, binary, quiet)
            for future in pending:
                _collect(future.result(), stats, binary, quiet)
        stats.seconds = time.monotonic() - started
        results[mode] = stats
        if not quiet:
            report(stats)
    return results


def _collect(case, stats, binary, quiet):
    stats.cases += 1
    key = case.outcome
    stats.outcomes[key] = stats.outcomes.get(key, 0) + 1
    if case.outcome in FINDINGS:
        saved = save_finding(case, binary)
        stats.findings.append((case, saved))
        if not quiet:
            info(f"FINDING {case.outcome} ({case.detail}) -> {saved.relative_to(paths.ROOT)}")
    elif not quiet and stats.cases % 100 == 0:
        info(f"{stats.mode}: {stats.cases} cases")


def report(stats):
    rate = stats.cases / stats.seconds if stats.seconds else 0.0
    info(f"{stats.mode}: {stats.cases} cases in {stats.seconds:.0f} s ({rate:.1f}/s), "
         f"{len(stats.findings)} findings")
    for outcome, n in sorted(stats.outcomes.items(), key=lambda kv: -kv[1]):
        info(f"    {n:6}  {outcome}")


def main(modes, cases, seconds, seed, jobs, sanitized):
    results = campaign(modes, cases, seconds, seed, jobs, sanitized)
    findings = sum(len(s.findings) for s in results.values())
    if findings:
        raise ToolError(f"fuzz: {findings} findings, inputs saved in {OUT.relative_to(paths.ROOT)}")
    step(f"fuzz: {sum(s.cases for s in results.values())} cases, no crash")
