"""Widgets given an empty value range (min == max) by a guest
(guest/apps/ui_ranges.c): LVGL divided by max - min in a scale's needle, a
bar chart's columns and an arc's dragging: SIGFPE on unix, an
IntegerDivideByZero reboot on an ESP32. LVGL patches 0012-0014 make an
empty range behave like LVGL's bar does (a range of 1)."""

PRELUDE = """
import wasm, display, time
display.init()
g = wasm.Instance(wasm.Module.load(GUEST + '/ui_ranges.wasm'), heap=0)
e = g.exports
def refresh():
    for i in range(3):
        display.task_handler()
"""


def test_scale_needles_on_an_empty_range(fw):
    # lv_scale_set_*_needle_value() computes the needle's angle at once.
    out = fw.lines(PRELUDE + """
print(e.scale_needle(0, 100, 50, 0), e.scale_needle(0, 100, 50, 1))
print(e.scale_needle(7, 7, 7, 0), e.scale_needle(7, 7, 7, 1))
print(e.scale_needle(7, 7, 3, 0), e.scale_needle(7, 7, 9, 1))
refresh()
print('alive', e.alive())
""")
    assert out == ["100 100", "0 0", "0 0", "alive 6"]


def test_bar_chart_on_an_empty_axis_range(fw):
    # The columns' heights divide by the y axis's range when drawn.
    out = fw.lines(PRELUDE + """
e.bar_chart(0, 100)
e.bar_chart(5, 5)
refresh()
display.screenshot('chart.png')
print('alive', e.alive())
""")
    assert out == ["alive 2"]


def test_dragging_an_arc_with_an_empty_range(fw):
    # Dragging rounds the angle by the range (LV_EVENT_PRESSING).
    out = fw.lines(PRELUDE + """
e.arc(3, 3)
refresh()
time.sleep_ms(50)
for x, y in ((30, 160), (28, 150), (26, 140), (30, 120)):
    display.touch(x, y)
    refresh()
    time.sleep_ms(40)
display.release()
refresh()
print(e.arc_value(), 'alive', e.alive())
""")
    assert out == ["3 alive 1"]
