"""The emulated boards (scripts/emulated_boards.py): QEMU running a board's
firmware.elf with its littlefs flash in a host file, the wasmapps XIP image
mapped where the board expects it, its UART on a pty and, for boards with
an LCD, the panel in another host file (scripts/panel.py)."""

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import build, emulated_boards, flashfs, panel, paths
from .deploy import TEST_ONLY_GUESTS
from .progress import ToolError, info, step

# The default board's emulator (tests check that it is installed).
QEMU = emulated_boards.get().qemu
PTY_RE = re.compile(r"char device redirected to (/dev/pts/\d+)")


def default_image(board=None):
    return build.emulated_build_dir(board) / "flash.img"


def default_panel(board=None):
    return build.emulated_build_dir(board) / "panel.bin"


def demo_files():
    """The guest apps the flash image starts with ({'/name': bytes})."""
    guest_dir = paths.BUILD / "guest"
    if not guest_dir.is_dir():
        build.build_guests(guest_dir)
    # Not the guests only the test suites use (hundreds of KB on a 1 MB flash).
    return {f"/{p.name}": p.read_bytes() for p in sorted(guest_dir.glob("*.wasm"))
            if not p.name.startswith(TEST_ONLY_GUESTS)}


def ensure_image(image=None, fresh=False, overwrite=False, size=flashfs.DEFAULT_SIZE, board=None):
    """The flash image to boot. The default one of the board (a build
    product) is made with the demo apps when missing or `fresh`; a user's
    image is never created by a typo nor replaced without `overwrite`."""
    default = image is None or Path(image).resolve() == default_image(board).resolve()
    image = Path(image or default_image(board))
    if not default:
        if fresh and image.exists() and not overwrite:
            raise ToolError(f"{image} exists: --fresh would replace it with the demo apps; "
                            "add --overwrite to do that")
        if not fresh and not image.exists():
            raise ToolError(f"flash image {image} does not exist (--fresh creates it with the demo apps; "
                            "`python3 -m scripts mkfs` makes one with other files)")
    if fresh or not image.exists():
        files = demo_files()
        flashfs.write_image(image, files, size)
        info(f"flash image {image} with {len(files)} apps")
    return image


def _stop_on_sigterm():
    """SIGTERM/SIGHUP end the tool like Ctrl-C does, so QEMU is stopped with
    it instead of running on as an orphan."""
    def handler(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


class Emulator:
    """One run of an emulated board. Use as a context manager.

    `panel`: the LCD panel file of a board that has one (created blank at
    start; default build/<board>/panel.bin). `icount`: run QEMU with
    `-icount shift=0`, where virtual time advances one nanosecond per
    instruction, so the board's clocks count instructions (see README,
    "Counting instructions")."""

    def __init__(self, firmware=None, image=None, qemu=None, apps=None, board=None, panel=None,
                 icount=False):
        self.board = emulated_boards.get(board)
        self.firmware = Path(firmware or self.board.build_dir / "firmware.elf")
        self.image = Path(image or default_image(self.board.name))
        self.apps = Path(apps) if apps else None
        self.panel = None
        if self.board.panel:
            self.panel = Path(panel or default_panel(self.board.name))
        self.qemu = qemu or self.board.qemu
        self.icount = icount
        self.proc = None
        self.port = None

    def command(self):
        semihosting_args = f"arg=firmware,arg={self.image.resolve()}"
        if self.panel is not None:
            semihosting_args += f",arg={self.panel.resolve()}"
        cmd = [
            self.qemu, *self.board.machine, "-nographic", "-monitor", "null",
            "-semihosting-config", f"enable=on,target=native,{semihosting_args}",
            "-serial", "pty", "-kernel", str(self.firmware),
        ]
        if self.icount:
            cmd += ["-icount", "shift=0"]
        if self.apps is not None:
            # The wasmapps image appears in the board's flash, in each of its views.
            for addr in self.board.wasmapps_views:
                cmd += ["-device", f"loader,file={self.apps.resolve()},addr={addr:#x}"]
        return cmd

    def start(self, timeout=20):
        if not self.firmware.exists():
            raise ToolError(f"{self.firmware} is missing: run `make emulated BOARD={self.board.name}` first")
        if not self.image.exists():
            raise ToolError(f"flash image {self.image} is missing")
        if self.apps is not None:
            if not self.apps.exists():
                raise ToolError(f"wasmapps image {self.apps} is missing")
            if self.apps.stat().st_size > emulated_boards.WASMAPPS_MAX:
                raise ToolError(f"wasmapps image {self.apps} is larger than the board's 1 MB XIP region")
        if self.panel is not None:
            # A stale frame of an earlier run must never show.
            self.panel.parent.mkdir(parents=True, exist_ok=True)
            panel.create(self.panel, *self.board.panel)
        try:
            self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        except FileNotFoundError as exc:
            raise ToolError(f"{self.qemu} not found: run `make setup`") from exc
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            match = PTY_RE.search(line)
            if match:
                self.port = match.group(1)
                return self.port
        self.stop()
        raise ToolError("QEMU did not report its serial pty")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


class RawRepl:
    """MicroPython's raw REPL over a serial port: run code, get its output."""

    def __init__(self, port, timeout=30):
        import serial

        self.serial = serial.Serial(port, 115200, timeout=0.1)
        self.timeout = timeout

    def close(self):
        self.serial.close()

    def _read_until(self, ending, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        data = b""
        while not data.endswith(ending):
            if time.monotonic() > deadline:
                raise ToolError(f"board did not answer (waiting for {ending!r}, got {data[-200:]!r})")
            data += self.serial.read(1)
        return data[:-len(ending)]

    def enter(self):
        # A board that has just started may still be booting and miss the
        # first request: ask again until it answers.
        deadline = time.monotonic() + self.timeout
        while True:
            self.serial.write(b"\r\x03\x03")
            time.sleep(0.1)
            self.serial.reset_input_buffer()
            self.serial.write(b"\r\x01")
            try:
                self._read_until(b"raw REPL; CTRL-B to exit\r\n>", 2)
                return
            except ToolError:
                if time.monotonic() > deadline:
                    raise

    def _read_exact(self, n, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        data = b""
        while len(data) < n:
            if time.monotonic() > deadline:
                raise ToolError(f"board did not answer (waiting for {n} bytes, got {data!r})")
            data += self.serial.read(n - len(data))
        return data

    def _paste(self, data):
        """Sends `data` in MicroPython's raw-paste mode: never more than the
        board has said it has room for. (A plain raw-REPL write of a long
        script overran the emulated boards' 512-byte console buffer when the
        board read slower than the host wrote: bytes lost, IndentationError.)"""
        window = int.from_bytes(self._read_exact(2), "little")
        credit, sent = window, 0
        while sent < len(data):
            # Take the board's signals: 0x01 one more window, 0x04 "stop"
            # (it ended the input early, e.g. at a syntax error).
            while credit == 0 or self.serial.in_waiting:
                signal = self._read_exact(1)
                if signal == b"\x01":
                    credit += window
                elif signal == b"\x04":
                    self.serial.write(b"\x04")
                    return
                else:
                    raise ToolError(f"board broke the raw-paste protocol: {signal!r}")
            chunk = data[sent:sent + credit]
            self.serial.write(chunk)
            sent += len(chunk)
            credit -= len(chunk)
        self.serial.write(b"\x04")
        # The board acknowledges the end (after any window signals still due).
        self._read_until(b"\x04")

    def exec(self, code, timeout=None):
        """Runs `code`; returns (stdout, stderr) as text."""
        self.serial.write(b"\x05A\x01")
        if self._read_exact(2) == b"R\x01":
            self._paste(code.encode())
        else:
            # No raw-paste mode (b"R\x00"): the board is back at its prompt;
            # send the whole script, which it answers with OK once read.
            self._read_until(b">")
            self.serial.write(code.encode() + b"\x04")
            self._read_until(b"OK")
        out = self._read_until(b"\x04", timeout)
        err = self._read_until(b"\x04", timeout)
        self._read_until(b">", timeout)
        return out.decode(errors="replace"), err.decode(errors="replace")

    def exit(self):
        self.serial.write(b"\x02")


def raw_exec(port, code, timeout=None):
    """Runs `code` through the raw REPL of the board on `port`; returns
    (stdout, stderr)."""
    repl = RawRepl(port)
    try:
        repl.enter()
        out, err = repl.exec(code, timeout=timeout)
        repl.exit()
    finally:
        repl.close()
    return out, err


def run_script(script, firmware=None, image=None, apps=None, board=None, icount=False):
    """Boots the board, runs `script` through the raw REPL, returns its status."""
    source = Path(script).read_text()
    image = ensure_image(image, board=board)
    _stop_on_sigterm()
    with Emulator(firmware, image, apps=apps, board=board, icount=icount) as emu:
        repl = RawRepl(emu.port)
        try:
            repl.enter()
            out, err = repl.exec(source, timeout=600)
        finally:
            repl.close()
    sys.stdout.write(out)
    sys.stderr.write(err)
    return 1 if err else 0


def interactive(firmware=None, image=None, repl=True, apps=None, board=None, icount=False):
    image = ensure_image(image, board=board)
    _stop_on_sigterm()
    with Emulator(firmware, image, apps=apps, board=board, icount=icount) as emu:
        step(f"emulated board {emu.board.name} running: serial port {emu.port}")
        info(f"flash image: {image}")
        if emu.panel is not None:
            info(f"LCD panel: {emu.panel} (python3 -m scripts screenshot OUT.png saves what it shows)")
        info(f"connect with: {paths.venv_tool('mpremote')} connect {emu.port}")
        if repl:
            info("REPL below; Ctrl-] leaves it and stops the board")
            subprocess.run([sys.executable, "-m", "mpremote", "connect", emu.port, "repl"])
        else:
            info("Ctrl-C stops the board")
            try:
                emu.proc.wait()
            except KeyboardInterrupt:
                pass
    return 0
