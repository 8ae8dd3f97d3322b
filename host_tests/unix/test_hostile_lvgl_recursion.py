"""Guests whose LVGL callbacks recurse without bound (guest/apps/ui_recursion.c):
each level nests the guest, the interpreter, the binding's host function,
LVGL and its event dispatch on the firmware's C stack. Every recursion ends
in a trap; the instance closes, LVGL's pool and the WAMR pool are back at
their baseline and a new app runs. On the fast and classic interpreters and
on AOT, and on the ASan build (make test-asan)."""

import pytest

from scripts import aot

SCRIPT = """
import wasm, display, gc
display.init()
def settle():
    for i in range(3):
        display.task_handler()
def pools():
    gc.collect()
    settle()
    return display.mem_info()[1], wasm.pool_info()[1]
mod = wasm.Module.load(APP)
warm = wasm.Instance(mod, heap=0)
warm.exports.alive()            # the shared fallback screen stays afterwards
warm.close()
base = pools()
g = wasm.Instance(mod, heap=0)
try:
    print('returned', g.exports.{call})
except Exception as ex:
    print(type(ex).__name__, ex)
{after}
print('depth', g.exports.max_depth())
g.close()
after = pools()
print('pools', base[0] - after[0], base[1] - after[1])
new = wasm.Instance(mod, heap=0)
print('alive', new.exports.alive())
new.close()
"""


@pytest.fixture(params=["fast", "classic", "aot"])
def run(request, guest_dir, tmp_path):
    """Runs SCRIPT for a case on one interpreter, or AOT on the fast build."""
    fw = request.getfixturevalue("classic_fw" if request.param == "classic" else "fw")
    app = guest_dir / "ui_recursion.wasm"
    if request.param == "aot":
        request.getfixturevalue("aotc")
        app = aot.compile_wasm(app, "x86_64", output=tmp_path / "ui_recursion.aot", quiet=True)

    def lines(call, after=""):
        return fw.lines(f"APP = {str(app)!r}\n" + SCRIPT.format(call=call, after=after), timeout=60)
    return lines


def check_cleanup(out):
    assert out[-2] == "pools 0 0"
    assert out[-1] == "alive 10"


# Guest callbacks nest at most MICROPY_WASM_LVGL_MAX_NESTING deep (3): the
# C stack of the 32-bit boards (16 KB task stack on the ESP32) holds no
# more (2.4 KB a level on the emulated Cortex-M4F, 2.8 KB on x86-64, README
# "Graphics for guests").
# Before the limit the 16 KB operand stack ended it ("wasm operand stack
# overflow" after 94 levels on the fast interpreter, 50 on the classic;
# about 270 KB of C stack on unix); AOT code keeps no frames there: WAMR's
# native stack check trapped after 3115 levels (8 MB), or the handle table
# filled after 2046 children and LVGL's events were dropped. On a board the
# C stack would overflow first (inferred from the sizes, not run).
NESTED = ("Trap lvgl: guest callbacks nested more than 3 deep (an LVGL event, timer or "
          "animation callback that makes LVGL call it again)")


@pytest.mark.parametrize("case", ["child_created_forever", "send_event_forever"])
def test_callback_recursing_through_lvgl_traps(run, case):
    # CHILD_CREATED's callback creates another child of the same parent;
    # VALUE_CHANGED's callback sends VALUE_CHANGED to its object again.
    out = run(case + "()")
    assert out[0] == NESTED
    assert out[1] == "depth 3"
    check_cleanup(out)


def test_timer_callback_running_the_timers(run):
    # lv_timer_handler() inside a timer callback returns at once (LVGL's
    # timers are running): no nesting; the timer runs on each later run.
    out = run("timer_handler_forever()", after="r = g.exports.timer_runs()\ndisplay.task_handler()\n"
              "print('runs', g.exports.timer_runs() - r)\ng.exports.timer_stop()")
    assert out[0] == "returned None"
    assert out[1:3] == ["runs 1", "depth 1"]
    check_cleanup(out)


@pytest.mark.parametrize("levels, result", [(3, "returned 0"), (4, NESTED)])
def test_nesting_up_to_the_limit_works(run, levels, result):
    # Three callbacks, each sending the event again from inside the last.
    out = run(f"send_event_nested({levels})")
    assert out[0] == result
    assert out[1] == "depth 3"
    check_cleanup(out)
