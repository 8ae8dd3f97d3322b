"""The SDL2 display backend (`make unix DISPLAY=sdl`), on SDL's dummy video
driver (no desktop needed): the same LVGL pipeline as headless, shown in a
window; its screenshots equal the committed references."""

import os

SDL_ENV = dict(os.environ, SDL_VIDEODRIVER="dummy")


def test_sdl_window_renders_the_reference_scenes(sdl_fw, display_refs):
    out = sdl_fw.lines("""
import display
display.init()
for scene in ('fill', 'text'):
    display.demo('render:' + scene)
    display.task_handler()
    display.screenshot('%s.png' % scene)
display.backlight(40)
display.touch(10, 10)
display.release()
print(display.width(), display.height())
display.deinit()
""", env=SDL_ENV)
    assert out == ["240 320"]
    display_refs.check(sdl_fw.workdir / "fill.png", "render_fill")
    display_refs.check(sdl_fw.workdir / "text.png", "render_text")


def test_sdl_window_opens_and_closes_without_leaks(sdl_fw):
    out = sdl_fw.lines("""
import display
baselines = set()
for i in range(20):
    display.init(width=320, height=240)
    baselines.add(display.mem_info())
    display.demo('render:fill')
    display.task_handler()
    display.deinit()
print(len(baselines), display.mem_info()[0] == display.mem_info()[1])
""", env=SDL_ENV)
    assert out == ["1 True"]


def test_sdl_failure_is_an_os_error(sdl_fw):
    out = sdl_fw.lines("""
import display
try:
    display.init()
except OSError as e:
    print('OSError', e)
try:
    display.width()
except RuntimeError as e:
    print(e)
""", env=dict(os.environ, SDL_VIDEODRIVER="no-such-driver"))
    assert out[0].startswith("OSError SDL: ") and "no-such-driver" in out[0]
    assert out[1] == "display not initialised: call display.init() first"
