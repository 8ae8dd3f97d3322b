"""Hardware-in-loop: the `display` module on the board with the LCD (the
emulated QEMU_WAMR_LCD by default, its panel read from the host file the
board writes). The known scenes must be pixel-identical to the unix
firmware's, which the committed references come from."""

import json
import subprocess
import sys
import time

import pytest

from scripts import paths

TAB_ANALYTICS = (120, 22)
TAB_BAR = (0, 0, 240, 45)
COLOR_BUTTON = (211, 291)
PALETTE = (0, 260, 240, 320)


# Runs LVGL for `ms` milliseconds (the emulated board has no `time` module).
SETTLE = """
import display
try:
    from time import ticks_ms
except ImportError:
    import board
    def ticks_ms():
        return board.ticks_us() // 1000
def settle(ms):
    end = ticks_ms() + ms
    while ticks_ms() < end:
        display.task_handler()
"""


def panel_png(lcd_board, tmp_path, name="panel.png"):
    path = tmp_path / name
    lcd_board.frame().image().save(path)
    return path


def wait_for_panel(lcd_board, tmp_path, display_refs, ref, crop=None, timeout=20):
    """The panel shows `ref` within `timeout` seconds (the board renders
    on its own while it idles)."""
    deadline = time.monotonic() + timeout
    while True:
        png = panel_png(lcd_board, tmp_path)
        try:
            display_refs.check(png, ref, crop=crop)
            return png
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_geometry_and_bad_arguments(lcd_board):
    out = lcd_board.run("""
import display
display.init()
print(display.width(), display.height())
display.init(rotation=90)
print(display.width(), display.height())
for code in ('display.init(width=100, height=100)', 'display.init(rotation=45)',
             'display.touch(320, 10)', "display.screenshot('/flash/no/dir/x.png')",
             'display.backlight(101)'):
    try:
        exec(code)
        print('no exception')
    except Exception as e:
        print(type(e).__name__, e.errno if isinstance(e, OSError) else e)
display.deinit()
""")
    assert out == ["240 320", "320 240",
                   "ValueError this board's panel is 240x320, not 100x100",
                   "ValueError rotation must be 0, 90, 180 or 270, not 45",
                   "ValueError touch point (320, 10) is outside the 320x240 screen",
                   "OSError 2",
                   "ValueError backlight level must be 0..100, not 101"]


@pytest.mark.parametrize("scene", ["fill", "text"])
def test_known_scene_matches_the_unix_rendering(lcd_board, display_refs, tmp_path, scene):
    lcd_board.run(f"""
import display
display.init()
display.demo('render:{scene}')
display.task_handler()
display.screenshot('/flash/shot.png')
""")
    # What the panel shows (flushed strip by strip through semihosting)...
    display_refs.check(panel_png(lcd_board, tmp_path), f"render_{scene}")
    # ...and the firmware's own screenshot (rendered again by LVGL, as the
    # panel cannot be read back).
    lcd_board.mpremote("cp", ":/flash/shot.png", str(tmp_path / "shot.png"))
    display_refs.check(tmp_path / "shot.png", f"render_{scene}")


def test_touch_reaches_lvgl_events(lcd_board, display_refs, tmp_path):
    x, y = TAB_ANALYTICS
    lcd_board.run(SETTLE + f"""
display.init()
display.demo('widgets')
settle(300)
display.touch({x}, {y})
display.release()
settle(300)
""")
    display_refs.check(panel_png(lcd_board, tmp_path), "widgets_analytics_tabs", crop=TAB_BAR)


def test_lvgl_runs_while_the_repl_idles(lcd_board, display_refs, tmp_path):
    # The colour button's palette opens with an animation that only LVGL's
    # timers move on: nothing calls task_handler() after the click, the
    # board just waits at the REPL.
    x, y = COLOR_BUTTON
    lcd_board.run(f"""
import display
display.init()
display.demo('widgets')
display.task_handler()
display.touch({x}, {y}); display.release(); display.screenshot('/flash/clicked.png')
""")
    lcd_board.mpremote("cp", ":/flash/clicked.png", str(tmp_path / "clicked.png"))
    wait_for_panel(lcd_board, tmp_path, display_refs, "widgets_palette", crop=PALETTE)
    assert display_refs.pixels(tmp_path / "clicked.png", PALETTE) != \
        display_refs.pixels(tmp_path / "panel.png", PALETTE)


def test_backlight_reaches_the_panel(lcd_board):
    lcd_board.run("import display\ndisplay.init()\ndisplay.backlight(30)")
    frame = lcd_board.frame()
    assert (frame.powered, frame.backlight, frame.width, frame.height) == (True, 30, 240, 320)
    lcd_board.run("import display\ndisplay.backlight(0)\ndisplay.deinit()")
    frame = lcd_board.frame()
    assert (frame.powered, frame.backlight) == (False, 0)


def test_pool_back_to_baseline_after_cycles_and_soft_reset(lcd_board):
    out = lcd_board.run("""
import display
baselines = set()
for i in range(100):
    display.init()
    baselines.add(display.mem_info())
    display.demo('render:fill' if i % 2 else 'render:text')
    display.task_handler()
    display.deinit()
print(len(baselines), display.mem_info()[0] == display.mem_info()[1])
display.init()
print(display.mem_info() in baselines)
display.demo('widgets')
display.task_handler()
""", timeout=600)
    assert out == ["1 True", "True"]
    # Soft reset with the display running: LVGL is deinitialised, the pool
    # is whole again and the panel is switched off.
    lcd_board.soft_reset()
    frame = lcd_board.frame()
    assert frame.powered is False
    out = lcd_board.run("""
import display
print(display.mem_info()[0] == display.mem_info()[1] == display.mem_info()[2])
try:
    display.width()
except RuntimeError as e:
    print(e)
display.init()
print(display.width(), display.height())
""")
    assert out == ["True", "display not initialised: call display.init() first", "240 320"]


def test_render_benchmark_on_the_board(lcd_board):
    out = lcd_board.run("""
import display
display.init()
r = display.demo('benchmark:1')
print(r['frames'], r['size'], len(r['scenes']), r['us'] > 0)
""", timeout=300)
    assert out == ["16 (240, 320) 16 True"]


def test_display_bench_cli_counts_instructions(lcd_board):
    if lcd_board.emulator is None:
        pytest.skip("the instruction count needs the emulated board (QEMU -icount)")
    proc = subprocess.run([sys.executable, "-m", "scripts", "display-bench", "--target", "emulated",
                           "--frames", "1"], capture_output=True, text=True, cwd=paths.ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["emulated"]
    assert result["board"] == "QEMU_WAMR_LCD" and result["frames"] == 16
    assert result["instructions_per_frame"] > 100000
    assert len(result["scenes"]) == 16
