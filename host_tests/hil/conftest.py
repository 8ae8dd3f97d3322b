"""Hardware-in-loop suite: the same tests against the emulated board (the
default: the suite boots it) or a real board (`--port /dev/ttyUSB0`).

REPL interaction goes through pytest-embedded's serial `dut`; file transfer
through mpremote; scripted checks through the raw REPL (scripts.emulate).
"""

import subprocess
import sys
import time

import pytest

from scripts import emulate, paths

GUEST_DIR = paths.BUILD / "guest"


XIP_APPS = ("kernels", "traps", "bigcode", "xipdata")
AOT_APPS = ("kernels", "traps")


def build_aot_apps(tmp_dir, target):
    """The apps compiled for the board: the wasmapps image it boots with (a
    real board gets the same with `python -m scripts deploy --xip`) and
    relocatable AOT files to copy to its filesystem. Returns the image,
    {name: AOT text size} of its apps, and {name: AOT file path}."""
    from scripts import aot, xip

    blobs = []
    for name in XIP_APPS:
        out = aot.compile_wasm(GUEST_DIR / f"{name}.wasm", target, xip=True,
                               output=tmp_dir / f"{name}.xip.aot", quiet=True)
        blobs.append((name, out.read_bytes()))
    image = tmp_dir / "wasmapps.bin"
    image.write_bytes(xip.pack(blobs))
    files = {name: aot.compile_wasm(GUEST_DIR / f"{name}.wasm", target,
                                    output=tmp_dir / f"{name}.aot", quiet=True)
             for name in AOT_APPS}
    return image, {name: xip.aot_text_size(blob) for name, blob in blobs}, files


class Board:
    """The device under test, whichever kind it is."""

    def __init__(self, config, tmp_dir):
        self.config = config
        self.real_port = config.getoption("port")
        self.emulator = None
        # Built for a real board too: the AOT tests compare with these files.
        self.aot_target = config.getoption("aot_target")
        apps, self.xip_text_sizes, self.aot_files = build_aot_apps(tmp_dir, self.aot_target)
        if not self.real_port:
            image = emulate.ensure_image(tmp_dir / "flash.img", fresh=True)
            self.emulator = emulate.Emulator(image=image, apps=apps)
            self.emulator.start()
        self._publish_port()

    @property
    def port(self):
        return self.real_port or self.emulator.port

    @property
    def is_emulated(self):
        return self.emulator is not None

    def _publish_port(self):
        # pytest-embedded's `port` fixture reads the option when a dut is made.
        self.config.option.port = self.port
        if not self.config.getoption("embedded_services", None):
            self.config.option.embedded_services = "serial"

    def exec(self, code, timeout=60):
        """Runs code through the raw REPL; returns (stdout, stderr)."""
        repl = emulate.RawRepl(self.port)
        try:
            repl.enter()
            out, err = repl.exec(code, timeout=timeout)
            repl.exit()
        finally:
            repl.close()
        return out, err

    def run(self, code, timeout=60):
        """Runs code that must not raise; returns its output lines."""
        out, err = self.exec(code, timeout)
        assert err == "", err
        return out.replace("\r\n", "\n").splitlines()

    def mpremote(self, *args):
        cmd = [sys.executable, "-m", "mpremote", "connect", self.port, *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def soft_reset(self):
        """Ctrl-D at the friendly REPL: MicroPython's soft reset."""
        repl = emulate.RawRepl(self.port)
        try:
            repl.enter()
            repl.serial.write(b"\x02")  # back to the friendly REPL
            repl._read_until(b">>> ", 10)
            repl.serial.write(b"\x04")
            repl._read_until(b"MPY: soft reboot", 10)
            repl._read_until(b">>> ", 20)
        finally:
            repl.close()

    def reboot(self):
        """A hard reset: power-cycle the emulator, or machine.reset()."""
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator.start()
            self._publish_port()
        else:
            repl = emulate.RawRepl(self.port)
            try:
                repl.enter()
                repl.serial.write(b"import machine; machine.reset()\x04")
            finally:
                repl.close()
            time.sleep(3)
        # Wait until the REPL answers again.
        deadline = time.monotonic() + 30
        while True:
            try:
                self.exec("pass", timeout=5)
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def close(self):
        if self.emulator is not None:
            self.emulator.stop()


@pytest.fixture(scope="session")
def board(request, tmp_path_factory):
    if not (GUEST_DIR / "hello.wasm").exists():
        from scripts import build

        build.build_guests(GUEST_DIR)
    b = Board(request.config, tmp_path_factory.mktemp("hil"))
    yield b
    b.close()


@pytest.fixture
def repl(board, dut):
    """pytest-embedded's dut at a fresh friendly-REPL prompt."""
    dut.write(b"\r\x02")  # leave raw REPL if a previous client left it there
    dut.write(b"\x03\r")
    dut.expect_exact(">>> ", timeout=10)
    return dut


def pytest_collection_modifyitems(items):
    # The board must exist (and publish its port) before any dut fixture.
    for item in items:
        if "dut" in getattr(item, "fixturenames", ()) and "board" not in item.fixturenames:
            item.fixturenames.insert(0, "board")
