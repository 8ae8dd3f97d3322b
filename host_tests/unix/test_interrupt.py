"""Ctrl-C (SIGINT) stops a runaway guest and the firmware carries on."""

import signal
import subprocess
import time


def _start(fw, script):
    path = fw.workdir / "spin.py"
    path.write_text(f"GUEST = {str(fw.guest_dir)!r}\n" + script)
    return subprocess.Popen([str(fw.binary), str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _read_until(proc, expected, seen, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline().rstrip("\n")
        seen.append(line)
        if line == expected:
            return
    raise AssertionError(f"never saw {expected!r}; got {seen}")


def test_sigint_stops_an_infinite_guest_loop(any_fw):
    proc = _start(any_fw, """
import wasm, gc
inst = wasm.Instance(wasm.Module.load(GUEST + '/traps.wasm'))
for attempt in range(2):
    print('spinning')
    try:
        inst.exports.spin()
    except KeyboardInterrupt:
        print('KeyboardInterrupt')
    print('ok() ->', inst.exports.ok())
inst.close()
print('closed', inst.closed)
""")
    seen = []
    try:
        for _ in range(2):
            _read_until(proc, "spinning", seen)
            time.sleep(0.3)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert seen + out.splitlines() == [
        "spinning", "KeyboardInterrupt", "ok() -> 1",
        "spinning", "KeyboardInterrupt", "ok() -> 1",
        "closed True",
    ]
