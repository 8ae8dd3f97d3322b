"""The `display` module on the unix firmware (headless framebuffer): LVGL's
lifetime, screenshots against the committed references, rotation, touch
input reaching LVGL, LVGL's timers while Python idles, the pool's baseline,
threads, the render benchmark and bad arguments."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from scripts import paths

SCENES = ["fill", "border", "box_shadow", "text", "image_normal_1", "image_recolor_1",
          "image_normal_2", "image_recolor_2", "image_normal_3", "image_recolor_3", "line",
          "arc_normal", "arc_image", "triangle", "layer_normal", "blend_mode"]

# The widgets demo's tab bar on 240x320 (45 px high): each tab's label, and
# the selected tab's underline along the bar's bottom edge.
TAB_ANALYTICS = (120, 22)
TAB_BAR = (0, 0, 240, 45)
TAB_ANALYTICS_BOX = (80, 0, 160, 45)
BELOW_TABS = (0, 45, 240, 320)


def screenshot_lines(fw, script):
    """Runs `script` (which writes shot*.png into the work directory)."""
    return fw.lines("import display\n" + script)


def test_init_sizes_rotation_and_deinit(fw):
    out = screenshot_lines(fw, """
print(display.mem_info()[0] == display.mem_info()[1])
display.init()
print(display.width(), display.height())
total, free, largest = display.mem_info()
print(total >= free >= largest > 0, total - free < 16384)
display.init(width=320, height=200)
print(display.width(), display.height())
display.init(rotation=90)
print(display.width(), display.height())
display.init(rotation=270)
print(display.width(), display.height())
display.deinit()
display.deinit()
print(display.mem_info()[0] == display.mem_info()[1] == display.mem_info()[2])
""")
    assert out == ["True", "240 320", "True True", "320 200", "320 240", "320 240", "True"]


BAD_CALLS = [
    ("display.init(rotation=45)", "ValueError", "rotation must be 0, 90, 180 or 270, not 45"),
    ("display.init(width=0, height=10)", "ValueError", "width must be positive, not 0"),
    ("display.init(width=-5, height=10)", "ValueError", "width must be positive, not -5"),
    ("display.init(width=100)", "ValueError", "give both width and height, or neither"),
    ("display.init(width=5000, height=10)", "ValueError", "width and height must be 1..2048, not 5000x10"),
    ("display.init(width='a', height=1)", "TypeError", "width must be an int or None"),
    ("display.touch(-1, 5)", "ValueError", "touch point (-1, 5) is outside the 240x320 screen"),
    ("display.touch(240, 0)", "ValueError", "touch point (240, 0) is outside the 240x320 screen"),
    ("display.touch(1.5, 2)", "TypeError", "touch coordinates must be ints"),
    ("display.backlight(101)", "ValueError", "backlight level must be 0..100, not 101"),
    ("display.backlight(-1)", "ValueError", "backlight level must be 0..100, not -1"),
    ("display.backlight('x')", "TypeError", "backlight level must be an int (0..100)"),
    ("display.screenshot(123)", "TypeError", "screenshot path must be a str"),
    ("display.screenshot('no/such/dir/shot.png')", "OSError", "2"),
    ("display.demo('nope')", "ValueError", "unknown demo 'nope' (widgets, render[:scene], benchmark[:frames])"),
    ("display.demo('render:nope')", "ValueError", "unknown render scene 'nope'"),
    ("display.demo('benchmark:0')", "ValueError", "benchmark frames must be 1..1000, not '0'"),
    ("display.demo('benchmark:x')", "ValueError", "benchmark frames must be 1..1000, not 'x'"),
]


def test_bad_arguments_raise_clear_exceptions(fw):
    calls = "\n".join(f"check({code!r})" for code, _, _ in BAD_CALLS)
    out = screenshot_lines(fw, f"""
def check(code):
    try:
        exec(code)
        print('no exception')
    except Exception as e:
        print(type(e).__name__, e.errno if isinstance(e, OSError) else e)
display.init()
{calls}
print(display.width(), display.height())
""")
    assert out == [f"{kind} {msg}" for _, kind, msg in BAD_CALLS] + ["240 320"]


def test_calls_before_init_raise_runtime_error(fw):
    out = screenshot_lines(fw, """
for call in ('display.width()', 'display.task_handler()', 'display.touch(1, 1)',
             'display.release()', 'display.backlight(50)', "display.screenshot('x.png')",
             "display.demo('widgets')"):
    try:
        exec(call)
        print('no exception')
    except RuntimeError as e:
        print(e)
try:
    display.init(rotation=1)
except ValueError:
    pass
try:
    display.height()
except RuntimeError as e:
    print('after a failed init:', e)
""")
    msg = "display not initialised: call display.init() first"
    assert out == [msg] * 7 + ["after a failed init: " + msg]


@pytest.mark.parametrize("scene", ["fill", "text", "border"])
def test_render_scene_matches_reference(fw, display_refs, scene):
    screenshot_lines(fw, f"""
display.init()
display.demo('render:{scene}')
display.task_handler()
display.screenshot('shot.png')
""")
    display_refs.check(fw.workdir / "shot.png", f"render_{scene}")


def test_rotated_screens_render_like_unrotated_ones(fw, display_refs):
    # Rotation 90/270 on the 240x320 panel is a 320x240 screen: rendered
    # through the software rotation into the panel, and read back rotated
    # again, it must equal a 320x240 panel without rotation.
    screenshot_lines(fw, """
display.init(width=320, height=240)
display.demo('render:text')
display.task_handler()
display.screenshot('shot0.png')
for rot in (90, 270):
    display.init(rotation=rot)
    display.demo('render:text')
    display.task_handler()
    display.screenshot('shot%d.png' % rot)
display.init(rotation=180)
display.demo('render:fill')
display.task_handler()
display.screenshot('shot180.png')
""")
    display_refs.check(fw.workdir / "shot0.png", "render_text_320x240")
    display_refs.check(fw.workdir / "shot90.png", "render_text_320x240")
    display_refs.check(fw.workdir / "shot270.png", "render_text_320x240")
    display_refs.check(fw.workdir / "shot180.png", "render_fill")


def test_touch_reaches_lvgl_events(fw, display_refs):
    # The widgets demo: pressing the "Analytics" tab shows it pressed (the
    # PRESSED event reached the button), releasing clicks it (CLICKED, and
    # the tab view switches to that tab).
    x, y = TAB_ANALYTICS
    screenshot_lines(fw, f"""
import time
def settle(ms=600):
    end = time.ticks_add(time.ticks_ms(), ms)
    while time.ticks_diff(end, time.ticks_ms()) > 0:
        display.task_handler()
        time.sleep_ms(5)
display.init()
display.demo('widgets')
settle()
display.screenshot('before.png')
display.touch({x}, {y})
settle(100)
display.screenshot('pressed.png')
display.release()
settle()
display.screenshot('after.png')
""")
    display_refs.check(fw.workdir / "before.png", "widgets_profile_tabs", crop=TAB_BAR)
    display_refs.check(fw.workdir / "after.png", "widgets_analytics_tabs", crop=TAB_BAR)
    # Pressed: the Analytics tab, and nothing else, looks different.
    assert display_refs.pixels(fw.workdir / "pressed.png", TAB_ANALYTICS_BOX) != \
        display_refs.pixels(fw.workdir / "before.png", TAB_ANALYTICS_BOX)
    assert display_refs.pixels(fw.workdir / "pressed.png", BELOW_TABS) == \
        display_refs.pixels(fw.workdir / "before.png", BELOW_TABS)


# The widgets demo's colour button (bottom right) opens its palette with a
# 200 ms animation, which moves on only when LVGL's timers run: a
# screenshot at once shows its first frame, one after LVGL ran for a while
# the palette open.
COLOR_BUTTON = (211, 291)
PALETTE = (0, 260, 240, 320)
CLICK_COLOR_BUTTON = f"""
import display
display.init()
display.demo('widgets')
display.task_handler()
display.touch({COLOR_BUTTON[0]}, {COLOR_BUTTON[1]}); display.release(); display.screenshot('clicked.png')
"""


def test_lvgl_runs_while_python_sleeps(fw, display_refs):
    # Nothing calls task_handler(): the animations finish only if LVGL's
    # timers run from MicroPython's event-poll hook during sleep_ms().
    fw.lines(CLICK_COLOR_BUTTON + """
import time
time.sleep_ms(800)
display.screenshot('slept.png')
""")
    display_refs.check(fw.workdir / "slept.png", "widgets_palette", crop=PALETTE)
    assert display_refs.pixels(fw.workdir / "clicked.png", PALETTE) != \
        display_refs.pixels(fw.workdir / "slept.png", PALETTE)


def test_lvgl_runs_while_the_repl_idles(fw, display_refs, tmp_path):
    import pexpect

    child = pexpect.spawn(str(fw.binary), cwd=str(tmp_path), timeout=30)
    try:
        child.expect_exact(">>> ")
        for line in CLICK_COLOR_BUTTON.strip().splitlines():
            child.sendline(line)
            child.expect_exact(">>> ")
        time.sleep(1.5)  # at the prompt: the REPL waits for input
        child.sendline("display.screenshot('idle.png')")
        child.expect_exact(">>> ")
    finally:
        # SIGKILL and wait: close(force=True) gives the child 0.1 s to die,
        # which a loaded machine can exceed ("Could not terminate the child").
        child.kill(signal.SIGKILL)
        child.wait()
        child.close()
    display_refs.check(tmp_path / "idle.png", "widgets_palette", crop=PALETTE)
    assert display_refs.pixels(tmp_path / "clicked.png", PALETTE) != \
        display_refs.pixels(tmp_path / "idle.png", PALETTE)


def test_lvgl_pool_returns_to_baseline(fw):
    out = screenshot_lines(fw, """
import time
baselines = set()
for i in range(100):
    display.init()
    baselines.add(display.mem_info())
    display.demo('widgets' if i % 10 == 0 else 'render:text')
    display.task_handler()
    display.deinit()
print(len(baselines), display.mem_info()[0] == display.mem_info()[1])
# Within one session: scenes created and deleted again and again (after
# two rounds, for what LVGL creates on first use).
display.init()
for i in range(21):
    display.demo('render:text')
    display.task_handler()
    display.demo('render:fill')
    display.task_handler()
    if i == 1:
        first = display.mem_info()
print(display.mem_info() == first)
""")
    assert out == ["1 True", "True"]


def test_threads_share_lvgl_under_one_lock(fw):
    out = screenshot_lines(fw, """
import _thread, time
display.init()
display.demo('render:fill')
done = []
def worker():
    for i in range(200):
        display.task_handler()
    done.append(1)
_thread.start_new_thread(worker, ())
for i in range(200):
    display.touch(10, 10)
    display.release()
while not done:
    time.sleep_ms(10)
display.task_handler()
display.screenshot('shot.png')
print('ok', display.width())
""")
    assert out == ["ok 240"]


def test_render_benchmark_result(fw):
    out = screenshot_lines(fw, """
display.init()
r = display.demo('benchmark:2')
print(r['frames'], r['size'], r['us'] > 0)
print([s[0] for s in r['scenes']])
print(set(s[1] for s in r['scenes']), all(s[2] > 0 for s in r['scenes']))
""")
    assert out[0] == "32 (240, 320) True"
    assert out[1] == repr(SCENES)
    assert out[2] == "{2} True"


def test_display_bench_cli_prints_json(fw):
    proc = subprocess.run([sys.executable, "-m", "scripts", "display-bench", "--target", "unix",
                           "--frames", "1"], capture_output=True, text=True, cwd=paths.ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["unix"]
    assert result["size"] == [240, 320] and result["frames"] == 16
    assert sorted(result["scenes"]) == sorted(SCENES)
    assert result["fps"] > 0 and all(s["fps"] > 0 for s in result["scenes"].values())


def test_screenshot_is_a_valid_png_of_any_size(fw):
    from PIL import Image

    screenshot_lines(fw, """
display.init(width=100, height=37)
display.demo('render:fill')
display.task_handler()
display.screenshot('small.png')
""")
    with Image.open(fw.workdir / "small.png") as im:
        im.load()
        assert (im.format, im.mode, im.size) == ("PNG", "RGB", (100, 37))
        # The render demo's first cell: a black 55x30 rectangle on its
        # light blue background.
        assert im.getpixel((10, 10)) == (0, 0, 0)
        assert im.getpixel((59, 33)) == (173, 170, 255)


def test_sdl_build_is_selected_by_make_variable():
    # `make unix DISPLAY=sdl` -> scripts build --display sdl; DISPLAY from
    # the environment (X11's) must not select it.
    def dry(*args, env=None):
        out = subprocess.run(["make", "-n", "unix", *args], capture_output=True, text=True,
                             cwd=paths.ROOT, env=env)
        return out.stdout
    assert "--display sdl" in dry("DISPLAY=sdl")
    assert "--display" not in dry(env=dict(os.environ, DISPLAY=":0"))
