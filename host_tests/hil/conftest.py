"""Hardware-in-loop suite: the same tests against the emulated board (the
default: the suite boots it) or a real board (`--port /dev/ttyUSB0`).

REPL interaction goes through pytest-embedded's serial `dut`; file transfer
through mpremote; scripted checks through the raw REPL (scripts.emulate).
"""

import subprocess
import sys
import time

import pytest

from scripts import emulate, emulated_boards, paths

GUEST_DIR = paths.BUILD / "guest"


XIP_APPS = ("kernels", "traps", "bigcode", "xipdata")
AOT_APPS = ("kernels", "traps")
# The LVGL apps, in place on the LCD board (host_tests/hil/test_lcd_apps.py).
LCD_XIP_APPS = ("ui_counter", "ui_clock", "ui_gallery")


def build_aot_apps(tmp_dir, target, xip_apps=XIP_APPS, aot_apps=AOT_APPS):
    """The apps compiled for the board: the wasmapps image it boots with (a
    real board gets the same with `python -m scripts deploy --xip`) and
    relocatable AOT files to copy to its filesystem. Returns the image,
    {name: AOT text size} of its apps, and {name: AOT file path}."""
    from scripts import aot, xip

    blobs = []
    for name in xip_apps:
        out = aot.compile_wasm(GUEST_DIR / f"{name}.wasm", target, xip=True,
                               output=tmp_dir / f"{name}.xip.aot", quiet=True)
        blobs.append((name, out.read_bytes()))
    image = tmp_dir / "wasmapps.bin"
    image.write_bytes(xip.pack(blobs))
    files = {name: aot.compile_wasm(GUEST_DIR / f"{name}.wasm", target,
                                    output=tmp_dir / f"{name}.aot", quiet=True)
             for name in aot_apps}
    return image, {name: xip.aot_text_size(blob) for name, blob in blobs}, files


def user_port(config):
    """The --port the user gave (None: emulate). Read once: Board publishes
    its emulator's port in the same option for pytest-embedded."""
    if not hasattr(config, "_hil_user_port"):
        config._hil_user_port = config.getoption("port")
    return config._hil_user_port


class Board:
    """The device under test, whichever kind it is."""

    def __init__(self, config, tmp_dir):
        self.config = config
        self.real_port = user_port(config)
        self.emulator = None
        self.emulated_board = emulated_boards.get(config.getoption("emulated_board"))
        # Built for a real board too: the AOT tests compare with these files.
        self.aot_target = config.getoption("aot_target") or self.emulated_board.aot_target
        apps, self.xip_text_sizes, self.aot_files = build_aot_apps(tmp_dir, self.aot_target)
        if not self.real_port:
            image = emulate.ensure_image(tmp_dir / "flash.img", fresh=True)
            self.emulator = emulate.Emulator(image=image, apps=apps, board=self.emulated_board.name)
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
        return emulate.raw_exec(self.port, code, timeout)

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


class LcdBoard(Board):
    """The board with the LCD (the `display` module): the emulated
    QEMU_WAMR_LCD, booted next to the main board with its panel in a host
    file, or the real board given by --port (which then must have the
    display module, and has no host-side panel)."""

    def __init__(self, config, tmp_dir):
        self.config = config
        self.real_port = user_port(config)
        self.emulator = None
        self.panel = None
        if not self.real_port:
            from scripts import flashfs

            image = tmp_dir / "flash.img"
            flashfs.write_image(image, {}, flashfs.DEFAULT_SIZE)
            target = emulated_boards.get("QEMU_WAMR_LCD").aot_target
            apps, _, _ = build_aot_apps(tmp_dir, target, LCD_XIP_APPS, ())
            self.emulator = emulate.Emulator(image=image, apps=apps, board="QEMU_WAMR_LCD",
                                             panel=tmp_dir / "panel.bin")
            self.emulator.start()
            self.panel = self.emulator.panel

    def frame(self):
        """What the panel shows (scripts.panel.Frame); emulated board only."""
        from scripts import panel

        if self.panel is None:
            pytest.skip("a real board's panel cannot be read from the host")
        return panel.read(self.panel)


@pytest.fixture(scope="session")
def lcd_board(request, tmp_path_factory):
    b = LcdBoard(request.config, tmp_path_factory.mktemp("lcd"))
    out, err = b.exec("import display")
    if err:
        b.close()
        pytest.skip(f"the board has no display module: {err.strip().splitlines()[-1]}")
    yield b
    b.close()


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


def pytest_configure(config):
    config.addinivalue_line("markers", "emulated_board(name): a test of that emulated board's "
                                       "own hardware, run only when the suite boots it")


def pytest_collection_modifyitems(config, items):
    # Tests of one emulated board's hardware are left out (not skipped: a
    # skip fails the suite) when the suite runs on another board; the LCD
    # board, which the suite boots next to the main one, is tested in the
    # run on the default board only.
    board = emulated_boards.get(config.getoption("emulated_board")).name
    emulating = not user_port(config)
    kept, left_out = [], []
    for item in items:
        marker = item.get_closest_marker("emulated_board")
        wanted = marker is None or (emulating and marker.args[0] == board)
        if emulating and board != emulated_boards.DEFAULT and "lcd_board" in getattr(item, "fixturenames", ()):
            wanted = False
        (kept if wanted else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    # The board must exist (and publish its port) before any dut fixture.
    for item in items:
        if "dut" in getattr(item, "fixturenames", ()) and "board" not in item.fixturenames:
            item.fixturenames.insert(0, "board")
