"""Hardware-in-loop: a guest whose LVGL callbacks recurse without bound
(guest/apps/ui_recursion.c) on the board with the LCD, where the C stack
is 32 KB (16 KB on the ESP32): the nesting limit ends each recursion with
a trap before the stack runs out; the pools return to their baseline
(LVGL's within TLSF's 32 bytes, see test_lcd_apps.finish) and a new app
runs (host_tests/unix/test_hostile_lvgl_recursion.py on unix)."""

import pytest

from scripts.paths import BUILD

NESTED = ("Trap lvgl: guest callbacks nested more than 3 deep (an LVGL event, timer or "
          "animation callback that makes LVGL call it again)")


@pytest.fixture(scope="module")
def board(lcd_board):
    lcd_board.mpremote("cp", str(BUILD / "guest" / "ui_recursion.wasm"), ":/flash/ui_recursion.wasm")
    return lcd_board


@pytest.mark.parametrize("call, first", [
    ("child_created_forever()", NESTED),
    ("send_event_forever()", NESTED),
    ("send_event_nested(3)", "returned 0"),
])
def test_recursion_through_lvgl_on_the_board(board, call, first):
    out = board.run(f"""
import wasm, display, gc
display.init()
def pools():
    gc.collect()
    for i in range(3):
        display.task_handler()
    return display.mem_info()[1], wasm.pool_info()[1]
mod = wasm.Module.load('/flash/ui_recursion.wasm')
warm = wasm.Instance(mod, heap=0)
warm.exports.alive()
warm.close()
base = pools()
g = wasm.Instance(mod, heap=0)
try:
    print('returned', g.exports.{call})
except Exception as ex:
    print(type(ex).__name__, ex)
print('depth', g.exports.max_depth())
g.close()
after = pools()
print('pools', abs(base[0] - after[0]) <= 32, base[1] - after[1])
new = wasm.Instance(mod, heap=0)
print('alive', new.exports.alive())
new.close()
""", timeout=120)
    assert out == [first, "depth 3", "pools True 0", "alive 10"]
