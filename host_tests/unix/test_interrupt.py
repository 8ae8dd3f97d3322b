"""Ctrl-C (SIGINT) stops a runaway guest and the firmware carries on."""

import os
import select
import signal
import subprocess
import time

from scripts import aot


def _start(fw, script):
    path = fw.workdir / "spin.py"
    path.write_text(f"GUEST = {str(fw.guest_dir)!r}\n" + script)
    return subprocess.Popen([str(fw.binary), str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _read_until(proc, expected, seen, timeout=20):
    """Reads stdout lines into `seen` until `expected`. Raw reads under
    select() bound the wait: a guest that ignores SIGINT prints nothing."""
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    start = len(seen)
    while expected not in seen[start:]:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise AssertionError(f"never saw {expected!r} within {timeout}s; got {seen}")
        chunk = os.read(fd, 4096).decode()
        if not chunk:
            raise AssertionError(f"output ended before {expected!r}; got {seen}")
        proc.partial = getattr(proc, "partial", "") + chunk
        *lines, proc.partial = proc.partial.split("\n")
        seen.extend(lines)


SPIN = """
import wasm, gc
inst = wasm.Instance(wasm.Module.load({path!r}))
for attempt in range(2):
    print('spinning')
    try:
        inst.exports.spin()
    except KeyboardInterrupt:
        print('KeyboardInterrupt')
    print('ok() ->', inst.exports.ok())
inst.close()
print('closed', inst.closed)
"""


def _interrupt_twice(fw, path):
    proc = _start(fw, SPIN.format(path=str(path)))
    seen = []
    try:
        for _ in range(2):
            _read_until(proc, "spinning", seen)
            time.sleep(0.3)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert seen + (getattr(proc, "partial", "") + out).splitlines() == [
        "spinning", "KeyboardInterrupt", "ok() -> 1",
        "spinning", "KeyboardInterrupt", "ok() -> 1",
        "closed True",
    ]


def test_sigint_stops_an_infinite_guest_loop(any_fw):
    _interrupt_twice(any_fw, any_fw.guest_dir / "traps.wasm")


def test_sigint_stops_an_infinite_loop_in_aot_code(fw, aotc, tmp_path):
    """The compiler emits suspend-flag polls, so SIGINT stops AOT code too."""
    path = aot.compile_wasm(fw.guest_dir / "traps.wasm", "x86_64", output=tmp_path / "traps.aot",
                            quiet=True)
    _interrupt_twice(fw, path)
