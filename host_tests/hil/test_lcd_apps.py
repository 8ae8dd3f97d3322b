"""Hardware-in-loop: the LVGL guest apps (guest/apps/ui_*.c) on the board
with the LCD, interpreted from /flash and as AOT executed in place from the
wasmapps partition (conftest.LCD_XIP_APPS): the panel shows what the unix
firmware's references show, touch reaches the counter's callback, the
clock's timer ticks, and closing the apps gives LVGL's pool back."""

import pytest

from scripts.paths import BUILD
from test_lcd_board import SETTLE, wait_for_panel

APPS = ("ui_counter", "ui_clock", "ui_gallery")
MODES = {
    "interpreted": "wasm.Module.load('/flash/{name}.wasm')",
    "xip": "wasm.Module.xip('{name}')",
}


@pytest.fixture(scope="module")
def lcd_apps(lcd_board):
    for name in APPS:
        lcd_board.mpremote("cp", str(BUILD / "guest" / f"{name}.wasm"), f":/flash/{name}.wasm")
    return lcd_board


def start(lcd_apps, mode, name, args, body=""):
    """Loads the app in `mode`, starts it (app_start(args), then `body`),
    draws. An instance draws and closes before: LVGL's pool after it (its
    caches and layer buffers stay) is kept for finish(). Globals stay
    in the REPL for the next run."""
    return lcd_apps.run(SETTLE + f"""
import wasm, gc
def click(x, y):
    display.touch(x, y)
    display.release()
    display.task_handler()
display.init()
mod = {MODES[mode].format(name=name)}
print(mod.is_aot)
warm = wasm.Instance(mod, heap=0)
warm.exports.app_start({args})
settle(50)
warm.close()
gc.collect()
settle(50)
base = display.mem_info()[1]
app = wasm.Instance(mod, heap=0)
app.exports.app_start({args})
""" + body + "display.task_handler()\n", timeout=120)


def finish(lcd_apps):
    """Closes the app: LVGL's pool is back where it was before it started.
    Within 32 bytes: TLSF counts a block it did not split (the rest too small
    for a block of its own) as used in full, so the same objects can count a
    few bytes more or less in another place of the pool (seen: 4 and 12);
    the app's smallest object is larger than that."""
    return lcd_apps.run("""
app.close()
gc.collect()
settle(50)
print('pool back', abs(base - display.mem_info()[1]) <= 32)
display.deinit()
""", timeout=120)


@pytest.mark.parametrize("mode", MODES)
def test_counter_on_the_panel_and_touch(lcd_apps, display_refs, tmp_path, mode):
    out = start(lcd_apps, mode, "ui_counter", "")
    assert out == [str(mode == "xip")]
    wait_for_panel(lcd_apps, tmp_path, display_refs, "app_counter")
    out = lcd_apps.run("""
click(120, 160)
click(120, 160)
click(5, 5)          # outside the button: no click
print(app.exports.app_count(), display.app_info(app)['event_callbacks'])
display.task_handler()
""", timeout=120)
    assert out == ["2 1"]
    wait_for_panel(lcd_apps, tmp_path, display_refs, "app_counter_2")
    assert finish(lcd_apps) == ["pool back True"]


@pytest.mark.parametrize("mode", MODES)
def test_clock_ticks_on_the_board(lcd_apps, display_refs, tmp_path, mode):
    out = start(lcd_apps, mode, "ui_clock", "3723")
    assert out == [str(mode == "xip")]
    wait_for_panel(lcd_apps, tmp_path, display_refs, "app_clock")
    out = lcd_apps.run("""
settle(2300)
print(app.exports.app_ticks() >= 2, display.app_info(app)['timers'])
""", timeout=120)
    assert out == ["True 1"]
    assert finish(lcd_apps) == ["pool back True"]


@pytest.mark.parametrize("mode", MODES)
def test_gallery_on_the_panel(lcd_apps, display_refs, tmp_path, mode):
    out = start(lcd_apps, mode, "ui_gallery", "", """
info = display.app_info(app)
print(info['objects'] > 60, info['styles'] >= 2)
""")
    assert out == [str(mode == "xip"), "True True"]
    wait_for_panel(lcd_apps, tmp_path, display_refs, "app_gallery_basics")
    assert finish(lcd_apps) == ["pool back True"]


def test_soft_reset_with_a_live_app_frees_everything(lcd_apps, display_refs, tmp_path):
    # Fresh LVGL and WAMR pools (the REPL's globals of other tests go with
    # a first reset), then an app that draws and keeps its objects and
    # callback; after a soft reset both pools are as fresh.
    lcd_apps.soft_reset()
    fresh = lcd_apps.run("""
import wasm, display, gc
display.init()
gc.collect()
print(display.mem_info()[1], wasm.pool_info()[1])
display.deinit()
""")
    start(lcd_apps, "interpreted", "ui_counter", "")
    wait_for_panel(lcd_apps, tmp_path, display_refs, "app_counter")
    lcd_apps.soft_reset()
    after = lcd_apps.run("""
import wasm, display, gc
display.init()
gc.collect()
print(display.mem_info()[1], wasm.pool_info()[1])
display.deinit()
""")
    assert after == fresh
