"""Shared fixtures: the unix firmware, the guest apps, and a script runner."""

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import build, paths  # noqa: E402

FIRMWARES = {
    # `make coverage` swaps in its gcov build (scripts/coverage.py).
    "fast": Path(os.environ.get("WASM_FW_FAST", paths.BUILD / "unix" / "micropython")),
    "classic": paths.BUILD / "unix-classic" / "micropython",
}
# `--sanitized`: the ASan + UBSan build (`make asan`), fast interpreter only.
SANITIZED_FIRMWARES = {"fast": build.unix_build_dir("fast", sanitize=True) / "micropython"}
# A sanitizer report ends the process with this status (see Firmware.run).
SANITIZER_EXIT = 86


# Any report ends the process with SANITIZER_EXIT; leaks at exit are not
# checked (the GC heap is never freed on exit, by design).
SANITIZER_ENV = {
    "ASAN_OPTIONS": f"exitcode={SANITIZER_EXIT}:detect_leaks=0:abort_on_error=0",
    "UBSAN_OPTIONS": f"exitcode={SANITIZER_EXIT}:print_stacktrace=1",
}


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


class Firmware:
    """Runs MicroPython scripts on one build of the unix firmware."""

    def __init__(self, binary, guest_dir, workdir, slowdown=1):
        self.binary = binary
        self.guest_dir = guest_dir
        self.workdir = workdir
        self.slowdown = slowdown   # sanitized builds run a few times slower

    @staticmethod
    def check_sanitizer(returncode, stderr):
        # Whatever the test expects, a sanitizer report is a failure.
        if returncode == SANITIZER_EXIT or "Sanitizer" in stderr or "runtime error:" in stderr:
            raise AssertionError(f"sanitizer report (exit {returncode}):\n{stderr}")

    def start(self, script):
        """Starts the firmware on `script` in the background (for tests that
        signal it); `proc.firmware` is this object."""
        path = self.workdir / "background.py"
        path.write_text(script)
        proc = subprocess.Popen([str(self.binary), str(path)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=self.workdir,
                                env=dict(os.environ, **SANITIZER_ENV))
        proc.firmware = self
        return proc

    def run(self, script, *, stdin=b"", timeout=120, env=None, check=True):
        source = textwrap.dedent(script)
        prelude = f"GUEST = {str(self.guest_dir)!r}\n"
        path = self.workdir / "test_script.py"
        path.write_text(prelude + source)
        env = dict(os.environ if env is None else env, **SANITIZER_ENV)
        proc = subprocess.run(
            [str(self.binary), str(path)],
            input=stdin,
            capture_output=True,
            timeout=timeout * self.slowdown,
            cwd=self.workdir,
            env=env,
        )
        result = Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                        proc.stderr.decode("utf-8", "replace"))
        self.check_sanitizer(proc.returncode, result.stderr)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"script failed (exit {proc.returncode}):\n--- stdout\n{result.stdout}"
                f"\n--- stderr\n{result.stderr}")
        return result

    def lines(self, script, **kw):
        return self.run(script, **kw).stdout.splitlines()


def pytest_addoption(parser):
    parser.addoption("--emulated-board", default=None,
                     help="emulated board the HIL suite boots without --port (default QEMU_WAMR; "
                          "QEMU_WAMR_RV32: the ESP32-C3's rv32imc)")
    parser.addoption("--aot-target", default=None,
                     help="AOT target of the board under test in the HIL suite (default: the "
                          "emulated board's, thumbv7em or riscv32; riscv32, xtensa or "
                          "xtensa-esp32s3 for ESP32 boards)")
    parser.addoption("--allow-skips", action="store_true",
                     help="let tests whose prerequisites are missing skip instead of failing")
    parser.addoption("--sanitized", action="store_true",
                     help="run the unix tests on the ASan + UBSan build (`make asan`; fast "
                          "interpreter only: tests of the classic build are deselected)")
    parser.addoption("--update-display-refs", action="store_true",
                     help="rewrite host_tests/display_refs/*.png from the unix firmware's screenshots")


def pytest_collection_modifyitems(config, items):
    if not config.getoption("sanitized"):
        return
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        # classic_fw, or a parameter (any_fw, hostile_support's mode) naming it
        classic = "classic_fw" in item.fixturenames or \
            (params is not None and "classic" in params.params.values())
        # Byte-exact pool balances depend on what the conservative GC finds on
        # the C stack, which ASan lays out differently (redzones).
        exact_pool = item.get_closest_marker("exact_pool_balance") is not None
        (drop if classic or exact_pool else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # `make setup` and `make test` provide every prerequisite, so a test that
    # skips is a broken set-up, not coverage: report it as a failure.
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") \
            and not item.config.getoption("allow_skips"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"{reason} (a prerequisite of `make test` is missing; " \
                          "--allow-skips lets it skip)"


@pytest.fixture(scope="session")
def aotc():
    """build/host/aotc, built once per session (a minute or so the first time),
    or the compiler WASM_AOTC names (`make mutate`'s mutants of aotc)."""
    from scripts import aot

    if os.environ.get("WASM_AOTC"):
        return Path(os.environ["WASM_AOTC"])
    return aot.build_compiler()


@pytest.fixture(scope="session")
def guest_dir():
    """The C guest apps, built once per session from guest/."""
    return build.build_guests(paths.BUILD / "guest")


def _firmware(config, name, guest_dir, tmp_path):
    if config.getoption("sanitized"):
        binary, hint, slowdown = SANITIZED_FIRMWARES[name], "make asan", 4
    else:
        binary, hint, slowdown = FIRMWARES[name], "make unix / make unix-classic", 1
    if not binary.exists():
        pytest.fail(f"{binary} is missing: build it with `{hint}`")
    return Firmware(binary, guest_dir, tmp_path, slowdown)


@pytest.fixture
def fw(request, guest_dir, tmp_path):
    """The default unix firmware (fast interpreter)."""
    return _firmware(request.config, "fast", guest_dir, tmp_path)


@pytest.fixture(params=sorted(FIRMWARES))
def any_fw(request, guest_dir, tmp_path):
    """Each interpreter flavour of the unix firmware in turn."""
    return _firmware(request.config, request.param, guest_dir, tmp_path)


@pytest.fixture
def classic_fw(request, guest_dir, tmp_path):
    """The unix firmware on WAMR's classic interpreter."""
    return _firmware(request.config, "classic", guest_dir, tmp_path)


SDL_FIRMWARE = paths.BUILD / "unix-sdl" / "micropython"


@pytest.fixture
def sdl_fw(guest_dir, tmp_path):
    """The unix firmware with the SDL2 display (make unix-sdl)."""
    if not SDL_FIRMWARE.exists():
        pytest.fail(f"{SDL_FIRMWARE} is missing: build it with `make unix-sdl` (= make unix DISPLAY=sdl)")
    return Firmware(SDL_FIRMWARE, guest_dir, tmp_path)


# --- Display screenshots -----------------------------------------------------------

DISPLAY_REFS = ROOT / "host_tests" / "display_refs"


class DisplayRefs:
    """The committed reference screenshots (host_tests/display_refs). A
    screenshot must equal its reference pixel for pixel (tolerance 0): every
    target runs the same LVGL software renderer on the same RGB565 pipeline.
    The check compares the RGB565 values (the top 5/6/5 bits of each
    channel), so PNG writers that expand 565 to 888 differently still agree.
    `--update-display-refs` rewrites the references from the screenshots
    and fails the session (nothing was compared): run again without it."""

    def __init__(self, update):
        self.update = update
        self.updated = []

    @staticmethod
    def image(png, crop=None):
        from PIL import Image

        with Image.open(png) as im:
            assert im.format == "PNG", f"{png} is not a PNG"
            im = im.convert("RGB")
            return im.crop(crop) if crop else im

    @classmethod
    def pixels(cls, png, crop=None):
        im = cls.image(png, crop)
        return im.size, [(r >> 3, g >> 2, b >> 3) for r, g, b in im.get_flattened_data()]

    def check(self, png, name, crop=None):
        """`png` (its `crop` box (x1, y1, x2, y2), ends exclusive, when
        given) equals the reference `name`."""
        ref = DISPLAY_REFS / f"{name}.png"
        if self.update:
            self.image(png, crop).save(ref, format="PNG", optimize=True)
            self.updated.append(name)
            return
        (w, h), got = self.pixels(png, crop)
        (rw, rh), want = self.pixels(ref)
        assert (w, h) == (rw, rh), f"{png}: {w}x{h}, reference {name} is {rw}x{rh}"
        diff = [(i % w, i // w) for i, (a, b) in enumerate(zip(got, want)) if a != b]
        assert not diff, f"{png}: {len(diff)} pixels differ from reference {name}, first at {diff[:5]}"


@pytest.fixture(scope="session")
def display_refs(request):
    refs = DisplayRefs(request.config.getoption("update_display_refs"))
    request.config.display_refs = refs
    return refs


def pytest_sessionfinish(session):
    refs = getattr(session.config, "display_refs", None)
    if refs is not None and refs.updated:
        print(f"\nupdated {len(refs.updated)} display references, compared none: run again "
              "without --update-display-refs")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
