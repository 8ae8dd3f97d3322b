"""Malformed arguments to the LVGL bindings' hand-written marshalling
(guest/apps/ui_traps.c): each traps with its own message, LVGL keeps
working; calls that trap after the bindings copied guest data leave
LVGL's pool as it was."""

import pytest

PRELUDE = """
import wasm, display, gc
display.init()
g = wasm.Instance(wasm.Module.load(GUEST + '/ui_traps.wasm'), heap=0)
e = g.exports
e.setup()
def attempt(fn, *args):
    try:
        print('ok', fn(*args))
    except Exception as ex:
        print(type(ex).__name__, ex)
"""

T = "Trap lvgl: "
DROPDOWN = T + "lv_dropdown_get_selected_str(): argument 2: a buffer of "
BTNM = T + "lv_buttonmatrix_set_map(): argument 2: "
GRID = T + "lv_obj_set_grid_dsc_array(): argument "
CANVAS = T + "lv_canvas_set_buffer(): canvas "
DATES = T + "lv_calendar_set_highlighted_dates(): argument "
NOT_A_FONT = "is not a font (use the built-in lv_font_* fonts)"
CASES = [
    # export, variant, first line printed
    ("outbuf", 0, DROPDOWN + "0 bytes at 0x"),                              # length 0
    ("outbuf", 1, "ok 30720"),                                              # 1 byte: the NUL only ('\0', 'x')
    ("outbuf", 2, DROPDOWN + "32 bytes at 0xfffffff0 is not in guest memory"),   # wraps around
    ("outbuf", 3, DROPDOWN + "16 bytes at 0x0000fffc is not in guest memory"),   # runs past the end
    ("outbuf", 4, DROPDOWN + "16 bytes at 0x00000000 is not in guest memory"),
    ("btnm_map", 0, BTNM + "the list at 0x0000fff8 leaves guest memory"),   # no "" before the end
    ("btnm_map", 1, BTNM + "the list has no end within 512 entries"),
    ("btnm_map", 2, BTNM + "the string pointer 0x7ffffff0 is outside guest memory"),
    ("btnm_map", 3, BTNM + "entry 1 is NULL"),
    ("btnm_map", 4, BTNM + "the list at 0xfffffff0 leaves guest memory"),
    ("btnm_map", 5, "ok 1"),
    ("grid_dsc", 0, GRID + "2: no LV_GRID_TEMPLATE_LAST within 64 values"),
    ("grid_dsc", 1, GRID + "2: the grid template at 0x0000fff8 leaves guest memory"),
    ("grid_dsc", 2, GRID + "3: the grid template at 0xfffffff0 leaves guest memory"),
    ("grid_dsc", 3, "ok 1"),
    ("canvas_buf", 0, "ok 65280"),      # the guest's pointer is not used: the pixel reads back green
    ("canvas_buf", 1, CANVAS + "size 2000x2000 is not 1..1024"),
    ("canvas_buf", 2, CANVAS + "size -1x2147483647 is not 1..1024"),
    ("canvas_buf", 3, CANVAS + "colour format 127 is not supported"),
    ("cal_dates", 0, DATES + "2: 2 dates at 0xfffffff0 are outside guest memory"),
    ("cal_dates", 1, DATES + "3: 1073741824 dates (at most 366)"),
    ("cal_dates", 2, DATES + "3: 367 dates (at most 366)"),
    ("cal_dates", 3, "ok 2"),
    ("tokens", 0, T + "lv_obj_set_style_text_font(): argument 2: 0x000f1fff " + NOT_A_FONT),
    ("tokens", 1, T + "lv_obj_set_style_text_font(): argument 2: 0x0010000b " + NOT_A_FONT),
    ("tokens", 2, T + "lv_theme_default_init(): argument 1: 0x000f2002 is not a display "
                  "(use NULL or lv_display_get_default())"),
    ("tokens", 3, T + "lv_theme_default_init(): argument 5: 0x00001234 " + NOT_A_FONT),
]


@pytest.mark.parametrize("export, arg, expected", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_malformed_argument_traps_with_its_message(fw, export, arg, expected):
    out = fw.lines(PRELUDE + f"""
attempt(e.{export}, {arg})
attempt(e.cal_dates, 3)
display.task_handler()
""")
    out = [line for line in out if not line.startswith("lvgl: warning:")]
    assert out[0].startswith(expected), out[0]
    assert out[-1] == "ok 2"      # the instance and LVGL keep working


def test_string_longer_than_the_limit(fw):
    out = fw.lines(PRELUDE + "attempt(e.long_text)\n")
    assert out[0].startswith(T + "lv_label_set_text(): argument 2: the string at 0x")
    assert out[0].endswith("has no end inside guest memory (or is longer than 16 KB)")


def test_calls_trapping_after_a_copy_leave_the_pool_as_it_was(fw):
    # Each call copies guest data into LVGL's pool (an icon, a grid
    # template, image pixels, dates), then traps on a later argument: the
    # copy must go with the trap. 100 rounds of each, LVGL's pool back to
    # its baseline (before: each list button's icon stayed, 88 bytes a round).
    out = fw.lines(PRELUDE + """
def used():
    gc.collect()
    display.task_handler()
    return display.mem_info()[1]
for i in range(4):
    attempt(e.trap_after_copy, i)   # warm up: LVGL's own first allocations
base = used()
for i in range(100):
    for k in range(4):
        try:
            e.trap_after_copy(k)
        except wasm.Trap:
            pass
print('leaked', base - used())
""")
    assert out[:4] == [
        T + "lv_list_add_button(): argument 3: the string pointer 0x7ffffff0 is outside guest memory",
        GRID + "3: the grid template at 0xfffffff0 leaves guest memory",
        T + "lv_image_set_src(): argument 2: the image's 8 bytes at 0xfffffff0 are outside guest memory",
        DATES + "2: 2 dates at 0xfffffff0 are outside guest memory",
    ]
    assert out[-1] == "leaked 0"
