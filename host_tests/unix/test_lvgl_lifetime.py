"""Lifetime of what guests make in LVGL: closing an instance (or dropping
it) deletes every object, style, timer, animation and callback; 100
open/draw/close cycles give LVGL's pool and the WAMR pool back; the
display going away (deinit, init again) leaves instances with clear
errors; the generated guests call every bound host function."""

import re

# LVGL's free total moves by a few bytes with no leak: its allocator counts
# a header per free block (8 bytes on unix), so the same allocations in
# another layout differ by multiples of 8, and what LVGL's draw caches hold
# depends on the frames rendered, which follow the wall clock (a busy
# machine renders fewer frames of an animation). A leaked object, style,
# animation or callback record is larger, and 102 cycles multiply any leak
# past this.
LVGL_SLACK = 64

PRELUDE = f"""
SLACK = {LVGL_SLACK}
import wasm, display, gc
display.init()
def settle():
    for i in range(3):
        display.task_handler()
def pools():
    gc.collect()
    settle()
    return display.mem_info()[1], wasm.pool_info()[1]
"""


def test_close_deletes_everything_the_app_made(fw):
    out = fw.lines(PRELUDE + """
mod = wasm.Module.load(GUEST + '/ui_gallery.wasm')
warm = wasm.Instance(mod, heap=0)
warm.exports.app_start()        # the shared fallback screen stays afterwards
warm.close()
base = pools()
app = wasm.Instance(mod, heap=0)
app.exports.app_start()
app.exports.app_animate()
settle()
info = display.app_info(app)
print(info['objects'] > 60, info['styles'], info['animations'], info['event_callbacks'])
used = base[0] - display.mem_info()[1]
print(used > 20000)
app.close()
after = pools()
print(abs(base[0] - after[0]) <= SLACK, base[0] - after[0], base[1] - after[1])
try:
    display.app_info(app)
except ValueError as e:
    print('ValueError', e)
""")
    assert out[0] == "True 4 1 1"
    assert out[1] == "True"
    assert out[2].startswith("True ") and out[2].endswith(" 0"), out[2]
    assert out[3] == "ValueError wasm instance is closed"


def test_hundred_cycles_return_both_pools_to_their_baseline(fw):
    out = fw.lines(PRELUDE + """
gallery = wasm.Module.load(GUEST + '/ui_gallery.wasm')
clock = wasm.Module.load(GUEST + '/ui_clock.wasm')
counter = wasm.Module.load(GUEST + '/ui_counter.wasm')
def cycle(i):
    app = wasm.Instance((gallery, clock, counter)[i % 3], heap=0)
    if i % 3 == 0:
        app.exports.app_start()
        app.exports.app_animate()
    elif i % 3 == 1:
        app.exports.app_start(i)
    else:
        app.exports.app_start()
        display.touch(120, 160)
        display.release()
    display.task_handler()
    if i % 2:
        app.close()
    else:
        del app          # the finaliser closes it
        gc.collect()
# Warm up (the shared fallback screen, LVGL's first allocations), and
# measure after the same kind of cycle as the last one.
for i in range(6):
    cycle(i)
base = pools()
for i in range(6, 6 + 102):
    cycle(i)
after = pools()
print(abs(base[0] - after[0]) <= SLACK, base[1] - after[1])
print(display.mem_info()[2] > 400000)
""", timeout=600)
    assert out == ["True 0", "True"], out


def test_display_deinit_under_live_apps(fw):
    out = fw.lines(PRELUDE + """
app = wasm.Instance(wasm.Module.load(GUEST + '/ui_counter.wasm'), heap=0)
app.exports.app_start()
display.deinit()
try:
    app.exports.app_start()
except RuntimeError as e:
    print('RuntimeError', e)
display.init()
print(display.app_info(app))
app.exports.app_start()            # a new state, new handles
print(display.app_info(app)['objects'])
app.close()
display.deinit()
print(display.mem_info()[0] == display.mem_info()[1])
""")
    assert out == ["RuntimeError lvgl: display not initialised: call display.init() first", "None", "5", "True"]


def test_every_bound_function_is_called_with_valid_arguments(fw):
    out = fw.lines(PRELUDE + """
total = None
for part in range(4):
    mod = wasm.Module.load(GUEST + '/lvgl_calls_%d.wasm' % part)
    inst = wasm.Instance(mod, heap=0)
    total = inst.exports.calls_bound()
    print('part', part, inst.exports.calls_run() >= 1)
    inst.close()
    mod.close()
calls = display.binding_calls()
print(total, len(calls), sorted(n for n, c in calls.items() if c == 0))
""")
    out = [line for line in out if not line.startswith("lvgl: warning:")]
    assert out[:4] == [f"part {i} True" for i in range(4)]
    total, count, missing = re.match(r"(\d+) (\d+) (.*)", out[4]).groups()
    assert int(total) == int(count) >= 600
    assert missing == "[]"
