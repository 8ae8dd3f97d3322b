"""Ctrl-C (SIGINT) stops a runaway guest and the firmware carries on."""

from scripts import aot

from hostile_support import interrupt_after


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
    proc = fw.start(SPIN.format(path=str(path)))
    assert interrupt_after(proc, "spinning", [], times=2) == [
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
