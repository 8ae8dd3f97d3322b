"""`python -m scripts emulate --run` and the flash image tools."""

import re
import subprocess
import sys

import pytest

from scripts import aot, emulated_boards, esp32, flashfs, paths
from scripts.progress import ToolError


def _scripts(*args, **kw):
    return subprocess.run([sys.executable, "-m", "scripts", *args], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=180, **kw)


def test_run_script_exit_status(tmp_path):
    image = tmp_path / "flash.img"
    flashfs.write_image(image, {"/hello.wasm": (paths.BUILD / "guest" / "hello.wasm").read_bytes()},
                        256 * 1024)
    ok = tmp_path / "ok.py"
    ok.write_text("import io, wasm\nprint(wasm.run('hello.wasm', ('q',), stdin=io.BytesIO(),"
                  " stdout=io.BytesIO(), stderr=io.BytesIO()))\n")
    proc = _scripts("emulate", "--run", str(ok), "--image", str(image))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "1"

    bad = tmp_path / "bad.py"
    bad.write_text("print('before')\nraise ValueError('on the board')\n")
    proc = _scripts("emulate", "--run", str(bad), "--image", str(image))
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1] == "before"
    assert "ValueError: on the board" in proc.stderr


def test_mkfs_and_lsfs_round_trip(tmp_path):
    app = tmp_path / "app.wasm"
    app.write_bytes(b"\0asm\x01\0\0\0")
    image = tmp_path / "img.bin"
    proc = _scripts("mkfs", "-o", str(image), "--size", "64K", f"{app}:/apps/one.wasm", str(app))
    assert proc.returncode == 0, proc.stderr
    assert image.stat().st_size == 64 * 1024
    proc = _scripts("lsfs", str(image))
    assert proc.stdout.split() == ["8", "/app.wasm", "8", "/apps/one.wasm"]
    assert flashfs.read_file(image, "/apps/one.wasm") == b"\0asm\x01\0\0\0"


def test_mkfs_rejects_bad_sizes_and_lsfs_bad_images(tmp_path):
    proc = _scripts("mkfs", "-o", str(tmp_path / "x.img"), "--size", "1000")
    assert proc.returncode == 1
    assert "image size must be a multiple of 4096 and at least 32K, not 1000" in proc.stderr
    junk = tmp_path / "junk.img"
    junk.write_bytes(b"\xff" * 65536)
    proc = _scripts("lsfs", str(junk))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: {junk}: not a littlefs image")


def test_bad_arguments_are_errors_not_tracebacks(tmp_path):
    missing = tmp_path / "missing.bin"
    app = tmp_path / "app.wasm"
    app.write_bytes(b"\0asm\x01\0\0\0")
    cases = [
        (("mkfs", "-o", tmp_path / "a.img", "--size", "abc", app), "error: image size 'abc' is not a number"),
        (("mkfs", "-o", tmp_path / "a.img", "--size", "64K", missing),
         f"error: [Errno 2] No such file or directory: '{missing}'"),
        (("lsfs", missing), f"error: [Errno 2] No such file or directory: '{missing}'"),
        (("xip-list", missing), f"error: [Errno 2] No such file or directory: '{missing}'"),
    ]
    for args, message in cases:
        proc = _scripts(*map(str, args))
        assert (proc.returncode, proc.stderr.strip().splitlines()[-1]) == (1, message), proc.stderr
        assert "Traceback" not in proc.stderr


# --- the emulated RISC-V board (QEMU_WAMR_RV32) ------------------------------------------------

RV32 = emulated_boards.get("QEMU_WAMR_RV32")


def test_rv32_board_has_the_esp32c3_boards_aot_target_and_isa():
    # The ESP32-C3 board's apps are compiled exactly as this board's ...
    assert esp32.load_board("ESP32C3_WAMR").aot_target == RV32.aot_target == "riscv32"
    args = aot.compiler_args(RV32.aot_target)
    assert args[:3] == ["--target=riscv32", "--target-abi=ilp32", "--cpu=generic-rv32"]
    features = args[3].removeprefix("--cpu-features=").split(",")
    # ... for the instruction set the board's firmware is built for and its
    # QEMU CPU has: base integer + the features, nothing else.
    assert "rv32i" + "".join(f.removeprefix("+") for f in features) == emulated_boards.RV32_ISA
    mk = (RV32.dir / "mpconfigboard.mk").read_text()
    assert re.search(r"^RV32_ARCH = (\w+)$", mk, re.M).group(1).split("_")[0] == emulated_boards.RV32_ISA
    cpu = dict(opt.split("=") for opt in RV32.machine[RV32.machine.index("-cpu") + 1].split(",")[1:])
    assert [ext for ext in "imafdcvh" if cpu[ext] == "on"] == list("imc")
    assert cpu["g"] == "off"


ICOUNT_SCRIPT = """
import board, wasm
inst = wasm.Instance(wasm.Module.load('kernels.wasm'), heap=0)
fib = inst.exports.fib_rec
fib(1)
t0 = board.ticks_cpu()
fib(15)
t1 = board.ticks_cpu()
fib(20)
t2 = board.ticks_cpu()
print(t1 - t0, t2 - t1)
"""


def test_icount_counter_counts_the_same_instructions_on_every_run(tmp_path):
    script = tmp_path / "count.py"
    script.write_text(ICOUNT_SCRIPT)
    runs = []
    for fresh in (["--fresh"], []):
        proc = _scripts("emulate", "--board", RV32.name, "--icount", "--run", str(script),
                        "--image", str(tmp_path / "flash.img"), *fresh)
        assert proc.returncode == 0, proc.stderr
        runs.append([int(n) for n in proc.stdout.splitlines()[-1].split()])
    assert runs[0] == runs[1]
    fib15, fib20 = runs[0]
    # fib(20) makes 21891 calls, fib(15) 1973: the count follows the work.
    assert fib15 > 0 and 10 * fib15 < fib20 < 12 * fib15, runs


class _PasteBoard:
    """The board's side of MicroPython's raw REPL, as pyexec.c does it: in
    raw-paste mode a window of `window` bytes, two windows of room, a 0x01
    each time it has read a window; it consumes input only while the host
    reads (a slow board). It fails the test if the host overruns its room.
    `delay`: no answer before that much of the fake clock; `paste=False`: an
    older board without raw-paste mode; `stop_after`: it ends the input
    early (as at a syntax error)."""

    def __init__(self, clock, delay=0.0, paste=True, stop_after=None, window=128):
        self.clock, self.delay, self.paste, self.stop_after = clock, delay, paste, stop_after
        self.window, self.left, self.queued = window, window, 0
        self.state, self.code, self.replies, self.started = "prompt", b"", b"", None
        self.dropped = 0

    def _end(self):
        self.replies += b"\x04out\x04err\x04>"
        self.state = "done"

    def write(self, data):
        if self.started is None:
            self.started = self.clock[0]
        if self.state == "prompt":
            assert data == b"\x05A\x01"
            if self.paste:
                self.replies += b"R\x01" + self.window.to_bytes(2, "little") + b"\x01"
                self.state = "paste"
            else:
                self.replies += b"R\x00>"
                self.state = "raw"
            return
        for byte in data:
            if self.state == "raw":
                if byte == 4:
                    self.replies += b"OK"
                    self._end()
                    self.replies = self.replies.replace(b"OK\x04", b"OK", 1)
                else:
                    self.code += bytes([byte])
            elif self.state == "paste":
                if byte == 4:
                    self._end()
                    continue
                self.code += bytes([byte])
                self.queued += 1
                assert self.queued <= 2 * self.window, "host overran the board's buffer"
                if self.stop_after is not None and len(self.code) >= self.stop_after:
                    self.replies += b"\x04"
                    self.state = "stopping"
            elif self.state == "stopping":
                # What was already under way is read and dropped, as
                # pyexec.c does until the host's 0x04; no more than that.
                if byte == 4:
                    self.replies += b"out\x04err\x04>"
                    self.state = "done"
                else:
                    self.dropped += 1
                    assert self.dropped <= 2 * self.window, "host kept sending after the stop"
            else:
                raise AssertionError(f"host sent {data!r} after the end")

    @property
    def in_waiting(self):
        return len(self.replies) if self.clock[0] - self.started >= self.delay else 0

    def read(self, n):
        self.clock[0] += 0.1          # each read waits its 0.1 s timeout
        if self.clock[0] - self.started < self.delay:
            return b""
        while self.queued:            # the board reads what is buffered
            self.queued -= 1
            self.left -= 1
            if self.left == 0:
                self.replies += b"\x01"
                self.left = self.window
        data, self.replies = self.replies[:n], self.replies[n:]
        return data


def _repl(monkeypatch, board, clock):
    from scripts import emulate
    monkeypatch.setattr(emulate.time, "monotonic", lambda: clock[0])
    repl = emulate.RawRepl.__new__(emulate.RawRepl)
    repl.serial, repl.timeout = board, 30
    return repl


# A script of ~6 KB, as the benchmark harness sends.
LONG_SCRIPT = "".join(f"x{i} = {i} * 2  # line {i}\n" for i in range(300))


def test_raw_paste_never_sends_more_than_the_board_has_room_for(monkeypatch):
    clock = [0.0]
    board = _PasteBoard(clock)
    assert _repl(monkeypatch, board, clock).exec(LONG_SCRIPT) == ("out", "err")
    assert board.code == LONG_SCRIPT.encode() and len(board.code) > 40 * board.window


def test_raw_paste_stops_when_the_board_ends_the_input(monkeypatch):
    clock = [0.0]
    board = _PasteBoard(clock, stop_after=300)
    assert _repl(monkeypatch, board, clock).exec(LONG_SCRIPT) == ("out", "err")
    assert len(board.code) == 300 and board.state == "done"
    assert board.dropped <= 2 * board.window


def test_a_board_without_raw_paste_gets_the_whole_script(monkeypatch):
    clock = [0.0]
    board = _PasteBoard(clock, paste=False)
    assert _repl(monkeypatch, board, clock).exec("print('out')") == ("out", "err")
    assert board.code == b"print('out')"


@pytest.mark.parametrize("delay, answers", [(10, True), (40, False)])
def test_raw_repl_waits_for_a_slow_board_within_its_timeout(monkeypatch, delay, answers):
    clock = [0.0]
    repl = _repl(monkeypatch, _PasteBoard(clock, delay=delay), clock)
    if answers:
        assert repl.exec("print('out')") == ("out", "err")
    else:
        with pytest.raises(ToolError, match="board did not answer \\(waiting for 2 bytes"):
            repl.exec("print('out')")
