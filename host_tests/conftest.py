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


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


class Firmware:
    """Runs MicroPython scripts on one build of the unix firmware."""

    def __init__(self, binary, guest_dir, workdir):
        self.binary = binary
        self.guest_dir = guest_dir
        self.workdir = workdir

    def run(self, script, *, stdin=b"", timeout=120, env=None, check=True):
        source = textwrap.dedent(script)
        prelude = f"GUEST = {str(self.guest_dir)!r}\n"
        path = self.workdir / "test_script.py"
        path.write_text(prelude + source)
        proc = subprocess.run(
            [str(self.binary), str(path)],
            input=stdin,
            capture_output=True,
            timeout=timeout,
            cwd=self.workdir,
            env=env,
        )
        result = Result(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                        proc.stderr.decode("utf-8", "replace"))
        if check and proc.returncode != 0:
            raise AssertionError(
                f"script failed (exit {proc.returncode}):\n--- stdout\n{result.stdout}"
                f"\n--- stderr\n{result.stderr}")
        return result

    def lines(self, script, **kw):
        return self.run(script, **kw).stdout.splitlines()


def pytest_addoption(parser):
    parser.addoption("--aot-target", default="thumbv7em",
                     help="AOT target of the board under test in the HIL suite "
                          "(thumbv7em for the emulated board; riscv32, xtensa or xtensa-esp32s3 "
                          "for ESP32 boards)")
    parser.addoption("--allow-skips", action="store_true",
                     help="let tests whose prerequisites are missing skip instead of failing")


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
    """build/host/aotc, built once per session (a minute or so the first time)."""
    from scripts import aot

    return aot.build_compiler()


@pytest.fixture(scope="session")
def guest_dir():
    """The C guest apps, built once per session from guest/."""
    return build.build_guests(paths.BUILD / "guest")


def _firmware_binary(name):
    binary = FIRMWARES[name]
    if not binary.exists():
        pytest.fail(f"{binary} is missing: build it with `make unix` / `make unix-classic`")
    return binary


@pytest.fixture
def fw(guest_dir, tmp_path):
    """The default unix firmware (fast interpreter)."""
    return Firmware(_firmware_binary("fast"), guest_dir, tmp_path)


@pytest.fixture(params=sorted(FIRMWARES))
def any_fw(request, guest_dir, tmp_path):
    """Each interpreter flavour of the unix firmware in turn."""
    return Firmware(_firmware_binary(request.param), guest_dir, tmp_path)


@pytest.fixture
def classic_fw(guest_dir, tmp_path):
    """The unix firmware on WAMR's classic interpreter."""
    return Firmware(_firmware_binary("classic"), guest_dir, tmp_path)
