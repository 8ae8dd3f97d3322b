"""Guest apps drawing with LVGL through the `lvgl` import module (unix,
headless and SDL): the counter, the clock and the widgets gallery against
committed reference screenshots, touch input reaching a guest's event
callback (in the picture and in the guest's own state), events delivered
after the guest returned and while the guest itself runs LVGL's timers,
animations and timers, and two apps at once."""

import pytest

APPS = """
import wasm, display, time
def load(name):
    return wasm.Instance(wasm.Module.load(GUEST + '/' + name + '.wasm'), heap=0)
def run_for(ms):
    t0 = time.ticks_ms()
    while time.ticks_diff(time.ticks_ms(), t0) < ms:
        display.task_handler()
        time.sleep_ms(5)
def click(x, y):
    display.touch(x, y)
    display.release()
    display.task_handler()
display.init()
"""


def test_counter_click_changes_label_and_guest_state(fw, display_refs):
    out = fw.lines(APPS + """
app = load('ui_counter')
app.exports.app_start()
display.task_handler()
display.screenshot('before.png')
print(app.exports.app_count())
click(120, 160)
print(app.exports.app_count())
click(120, 160)
click(5, 5)          # outside the button: no click
print(app.exports.app_count())
display.screenshot('after.png')
print(display.app_info(app))
""")
    assert out[:3] == ["0", "1", "2"]
    assert out[3] == "{'animations': 0, 'groups': 0, 'styles': 0, 'objects': 5, 'handles': 5, " \
                     "'timers': 0, 'event_callbacks': 1}"
    display_refs.check(fw.workdir / "before.png", "app_counter")
    display_refs.check(fw.workdir / "after.png", "app_counter_2")


def test_counter_on_sdl(sdl_fw, display_refs):
    import os
    out = sdl_fw.lines(APPS + """
app = load('ui_counter')
app.exports.app_start()
display.task_handler()     # lays the objects out: touch finds them
click(120, 160)
print(app.exports.app_count())
display.screenshot('sdl.png')
""", env=dict(os.environ, SDL_VIDEODRIVER="dummy"))
    assert out == ["1"]
    display_refs.check(sdl_fw.workdir / "sdl.png", "app_counter_1")


def test_callbacks_run_nested_when_the_guest_runs_lvgl_itself(fw):
    # The guest's own lv_timer_handler() runs its timer: the callbacks run
    # nested in the guest's call, on its exec env.
    out = fw.lines(APPS + """
app = load('ui_clock')
app.exports.app_start(0)
print(app.exports.app_run(2200) >= 2)
""")
    assert out == ["True"]


def test_clock_shows_its_time_and_ticks(fw, display_refs):
    out = fw.lines(APPS + """
app = load('ui_clock')
app.exports.app_start(3723)
display.task_handler()
display.screenshot('clock.png')
run_for(2300)
print(app.exports.app_ticks() >= 2, display.app_info(app)['timers'])
""")
    assert out == ["True 1"]
    display_refs.check(fw.workdir / "clock.png", "app_clock")


def test_gallery_tabs_slider_and_animation(fw, display_refs):
    out = fw.lines(APPS + """
app = load('ui_gallery')
app.exports.app_start()
display.task_handler()
display.screenshot('tab0.png')
app.exports.app_tab(1)
display.task_handler()
display.screenshot('tab1.png')
print(app.exports.app_value())
display.touch(150, 86)        # near the slider's right end
display.task_handler()
display.release()
display.task_handler()
print(app.exports.app_value() > 40)
app.exports.app_tab(2)
display.task_handler()
display.screenshot('tab2.png')
app.exports.app_animate()
print(display.app_info(app)['animations'])
run_for(700)
print(app.exports.app_animated(), app.exports.app_bar(), display.app_info(app)['animations'])
info = display.app_info(app)
print(info['styles'] >= 2, info['objects'] > 60)
""")
    assert out == ["40", "True", "1", "1 100 0", "True True"]
    display_refs.check(fw.workdir / "tab0.png", "app_gallery_basics")
    display_refs.check(fw.workdir / "tab1.png", "app_gallery_inputs", crop=(0, 0, 240, 120))
    display_refs.check(fw.workdir / "tab2.png", "app_gallery_data", crop=(0, 0, 240, 180))


def test_two_apps_side_by_side(fw, display_refs):
    out = fw.lines(APPS + """
counter = wasm.Module.load(GUEST + '/ui_counter.wasm')
a = wasm.Instance(counter, heap=0)
b = wasm.Instance(counter, heap=0)
display.show(a, (0, 0, 240, 160))
display.show(b, (0, 160, 240, 160))
a.exports.app_start()
b.exports.app_start()
display.task_handler()
display.screenshot('split.png')
click(120, 80)             # a's button (its area is the top half)
click(120, 240)
click(120, 240)            # b's button
print(a.exports.app_count(), b.exports.app_count())
try:
    display.show(a)
except ValueError as e:
    print('ValueError', e)
a.close()
display.task_handler()
display.screenshot('one_left.png')
b.close()
""")
    assert out == ["1 2", "ValueError the app already draws in an area of the shared screen"]
    display_refs.check(fw.workdir / "split.png", "app_two_counters")
    display_refs.check(fw.workdir / "one_left.png", "app_two_counters_one_closed")


def test_two_apps_on_their_own_screens(fw):
    out = fw.lines(APPS + """
c = load('ui_counter')
d = load('ui_clock')
c.exports.app_start()
d.exports.app_start(0)      # the clock's screen is shown now
display.task_handler()
click(120, 160)             # on the clock: no count
print(c.exports.app_count())
display.show(c)
display.task_handler()
click(120, 160)
print(c.exports.app_count())
try:
    display.show(c, (0, 0, 10, 10))
except ValueError as e:
    print('ValueError', e)
""")
    assert out == ["0", "1", "ValueError the app already draws on a screen of its own"]


@pytest.mark.parametrize("area, message", [
    ("(0, 0, 0, 10)", "area (0, 0, 0, 10) is not inside the 240x320 screen"),
    ("(200, 0, 50, 10)", "area (200, 0, 50, 10) is not inside the 240x320 screen"),
    ("(1, 2, 3)", "requested length 4 but object has length 3"),
])
def test_show_rejects_bad_areas(fw, area, message):
    out = fw.lines(APPS + f"""
a = load('ui_counter')
try:
    display.show(a, {area})
except (ValueError, TypeError) as e:
    print(type(e).__name__, e)
try:
    display.show(123)
except TypeError as e:
    print('TypeError', e)
""")
    assert out[0].split(" ", 1)[1] == message
    assert out[1] == "TypeError expected a wasm.Instance"


def test_lvgl_bench_cli_prints_call_costs(fw):
    # `make bench`'s call cost: positive per-call times for a getter and a
    # setter (the setter does more work in LVGL than the getter).
    import json
    import subprocess
    import sys
    from scripts import paths
    proc = subprocess.run([sys.executable, "-m", "scripts", "lvgl-bench", "--target", "unix"],
                          capture_output=True, text=True, cwd=paths.ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["unix"]
    assert result["calls"] == 2000
    assert sorted(result["ns_per_call"]) == ["get", "set"]
    assert 0 < result["ns_per_call"]["get"]
    assert 0 < result["ns_per_call"]["set"]
    # The same scene code as a guest and native: both timed (their ratio
    # depends on the host's load: not asserted).
    scene = result["scene"]
    assert sorted(scene) == ["guest_over_native", "guest_us", "native_us"]
    assert scene["native_us"] > 0 and scene["guest_us"] > 0
    assert scene["guest_over_native"] == round(scene["guest_us"] / scene["native_us"], 2) or \
        abs(scene["guest_over_native"] - scene["guest_us"] / scene["native_us"]) < 0.05


def test_scene_as_guest_and_native_builds_the_same_objects(fw):
    # ui_scene.h's scene, run by the guest and by the firmware, leaves
    # nothing behind in either: LVGL's pool and the app's handles as before.
    out = fw.lines("""
import wasm, display, gc
display.init()
app = wasm.Instance(wasm.Module.load(GUEST + '/ui_bench.wasm'), heap=0)
app.exports.bench_setup()
def used():
    gc.collect()
    display.task_handler()
    return display.mem_info()[1]
app.exports.bench_scene(1)
display.scene_native(1)
base, objects = used(), display.app_info(app)['objects']
app.exports.bench_scene(3)
display.scene_native(3)
print(used() - base, display.app_info(app)['objects'] - objects)
""")
    assert out == ["0 0"]
