"""A guest program that calls every bound host function at least once with
valid arguments (host_tests/unix/test_lvgl_calls.py runs it and checks the
firmware's per-function call counters).

Arguments come from their marshalling kind: one object of every widget
class, a style, a group, a timer, a chart series and cursor, a span, a
scale section, a running animation; event accessors run inside an event
callback. Functions that delete or remove get fresh objects of their own.
"""

from . import rules

# Values for integer parameters that 0 does not suit: (function, parameter).
INT_ARGS = {
    ("lv_obj_set_style_text_font", "selector"): "0",
    ("lv_table_set_cell_ctrl", "ctrl"): "LV_TABLE_CELL_CTRL_MERGE_RIGHT",
    ("lv_buttonmatrix_set_button_width", "width"): "1",
    ("lv_chart_set_point_count", "cnt"): "8",
    ("lv_roller_set_visible_row_count", "row_cnt"): "3",
    ("lv_anim_speed_to_time", "speed"): "100",
    ("lv_anim_speed", "speed"): "100",
    ("lv_anim_speed_clamped", "speed"): "100",
    ("lv_map", "max_in"): "10",
    ("lv_map", "max_out"): "100",
    ("lv_rand", "max"): "10",
    ("lv_obj_set_layout", "layout"): "LV_LAYOUT_FLEX",
    ("lv_table_set_row_count", "row_cnt"): "2",
    ("lv_table_set_column_count", "col_cnt"): "2",
    ("lv_spangroup_set_max_lines", "lines"): "2",
    ("lv_obj_set_style_transform_scale_x", "value"): "256",
    ("lv_obj_set_style_transform_scale_y", "value"): "256",
    ("lv_obj_set_style_transform_scale", "value"): "256",
    ("lv_image_set_scale", "zoom"): "256",
    ("lv_image_set_scale_x", "zoom"): "256",
    ("lv_image_set_scale_y", "zoom"): "256",
    ("lv_obj_set_style_opa_layered", "value"): "LV_OPA_COVER",
    ("lv_timer_set_period", "period"): "100000",
    ("lv_timer_set_repeat_count", "repeat_count"): "-1",
    ("lv_color_hsv_to_rgb", "s"): "50",
    ("lv_color_hsv_to_rgb", "v"): "50",
    ("lv_calendar_set_shown_month", "month"): "1",
    ("lv_calendar_set_today_month", "month"): "1",
    ("lv_calendar_set_today_day", "day"): "1",
    ("lv_calendar_set_today_year", "year"): "2024",
    ("lv_calendar_set_shown_year", "year"): "2024",
    ("lv_calendar_set_month_shown", "month"): "1",
    ("lv_calendar_set_month_shown", "year"): "2024",
    ("lv_calendar_set_today_date", "month"): "1",
    ("lv_calendar_set_today_date", "day"): "1",
    ("lv_calendar_set_today_date", "year"): "2024",
}

# Throwaway objects for functions that delete or close what they get.
DESTRUCTIVE = ("delete", "_clean", "_close", "remove_series", "remove_cursor", "delete_span")

# Hand-written host functions with a C interface of LVGL's own (callbacks,
# user data, sources): the call to make.
CUSTOM_CALLS = {
    "lv_obj_add_event_cb": "lv_obj_add_event_cb(o_obj, calls_event_cb, LV_EVENT_ALL, (void *)7);",
    "lv_obj_remove_event_cb": "lv_obj_add_event_cb(o_obj, calls_noop_cb, LV_EVENT_CLICKED, NULL); "
                              "lv_obj_remove_event_cb(o_obj, calls_noop_cb);",
    "lv_obj_remove_event_cb_with_user_data": "lv_obj_add_event_cb(o_obj, calls_noop_cb, LV_EVENT_CLICKED, (void *)3); "
                                             "lv_obj_remove_event_cb_with_user_data(o_obj, calls_noop_cb, (void *)3);",
    "lv_obj_get_event_count": "lv_obj_get_event_count(o_obj);",
    "lv_obj_send_event": "lv_obj_send_event(o_obj, LV_EVENT_VALUE_CHANGED, NULL);",
    "lv_obj_set_user_data": "lv_obj_set_user_data(o_obj, (void *)5);",
    "lv_obj_get_user_data": "lv_obj_get_user_data(o_obj);",
    "lv_timer_create": "o_timer = lv_timer_create(calls_timer_cb, 100000, (void *)9);",
    "lv_timer_set_cb": "lv_timer_set_cb(o_timer, calls_timer_cb);",
    "lv_timer_set_user_data": "lv_timer_set_user_data(o_timer, (void *)11);",
    "lv_timer_get_user_data": "lv_timer_get_user_data(o_timer);",
    "lv_timer_set_auto_delete": "lv_timer_set_auto_delete(o_timer, false);",
    "lv_timer_delete": "lv_timer_delete(lv_timer_create(calls_timer_cb, 1000, NULL));",
    "lv_timer_handler": "lv_timer_handler();",
    "lv_anim_start": "{ lv_anim_t a; lv_anim_init(&a); lv_anim_set_var(&a, o_obj); "
                     "lv_anim_set_exec_cb(&a, calls_anim_cb); lv_anim_set_values(&a, 0, 10); "
                     "lv_anim_set_duration(&a, 100000); o_anim = lv_anim_start(&a); }",
    "lv_anim_delete": "lv_anim_delete(o_obj, calls_other_anim_cb);",
    "lv_anim_delete_all": None,   # called last (it would end o_anim)
    "lv_anim_get": "lv_anim_get(o_obj, calls_anim_cb);",
    "lv_anim_count_running": "lv_anim_count_running();",
    "lv_anim_get_user_data": "lv_anim_get_user_data(o_anim);",
    "lv_style_init": "lv_style_init(&o_style);",
    "lv_style_copy": "{ static lv_style_t s2; lv_style_init(&s2); lv_style_copy(&s2, &o_style); }",
    "lv_group_create": "o_group = lv_group_create();",
    "lv_group_delete": "lv_group_delete(lv_group_create());",
    "lv_image_set_src": "lv_image_set_src(o_image, LV_SYMBOL_OK);",
    "lv_obj_set_style_bg_image_src": "lv_obj_set_style_bg_image_src(o_obj, LV_SYMBOL_OK, 0);",
    "lv_obj_set_style_arc_image_src": "lv_obj_set_style_arc_image_src(o_arc, LV_SYMBOL_OK, 0);",
    "lv_style_set_bg_image_src": "lv_style_set_bg_image_src(&o_style, LV_SYMBOL_OK);",
    "lv_style_set_arc_image_src": "lv_style_set_arc_image_src(&o_style, LV_SYMBOL_OK);",
    "lv_line_set_points": "{ static const lv_point_precise_t p[] = {{0, 0}, {10, 10}}; "
                          "lv_line_set_points(o_line, p, 2); }",
    "lv_obj_set_grid_dsc_array": "{ static const int32_t col[] = {40, LV_GRID_TEMPLATE_LAST}; "
                                 "static const int32_t row[] = {20, LV_GRID_TEMPLATE_LAST}; "
                                 "lv_obj_set_grid_dsc_array(o_obj, col, row); }",
    "lv_buttonmatrix_set_map": "{ static const char *map[] = {\"A\", \"B\", \"\"}; "
                               "lv_buttonmatrix_set_map(o_buttonmatrix, map); }",
    "lv_buttonmatrix_set_ctrl_map": "{ static const lv_buttonmatrix_ctrl_t ctrl[] = {1, 1}; "
                                    "lv_buttonmatrix_set_ctrl_map(o_buttonmatrix, ctrl); }",
    "lv_keyboard_set_map": "{ static const char *map[] = {\"1\", \"2\", \"\"}; "
                           "static const lv_buttonmatrix_ctrl_t ctrl[] = {1, 1}; "
                           "lv_keyboard_set_map(o_keyboard, LV_KEYBOARD_MODE_USER_1, map, ctrl); }",
    "lv_scale_set_text_src": "{ static const char *txt[] = {\"lo\", \"hi\", NULL}; "
                             "lv_scale_set_text_src(o_scale, txt); }",
    "lv_calendar_set_highlighted_dates": "{ static lv_calendar_date_t d[] = {{2024, 1, 2}}; "
                                         "lv_calendar_set_highlighted_dates(o_calendar, d, 1); }",
    "lv_dropdown_set_symbol": "lv_dropdown_set_symbol(o_dropdown, LV_SYMBOL_DOWN);",
    "lv_canvas_set_buffer": "{ static uint8_t buf[LV_CANVAS_BUF_SIZE(8, 8, 16, 1)]; "
                            "lv_canvas_set_buffer(o_canvas, buf, 8, 8, LV_COLOR_FORMAT_RGB565); }",
    "lv_chart_add_series": "o_series = lv_chart_add_series(o_chart, lv_color_hex(0xff0000), "
                           "LV_CHART_AXIS_PRIMARY_Y);",
    "lv_chart_add_cursor": "o_cursor = lv_chart_add_cursor(o_chart, lv_color_hex(0x00ff00), LV_DIR_ALL);",
    "lv_spangroup_add_span": "o_span = lv_spangroup_add_span(o_spangroup);",
    "lv_span_get_style": "lv_style_set_text_color(lv_span_get_style(o_span), lv_color_hex(0x123456));",
    "lv_scale_add_section": "o_section = lv_scale_add_section(o_scale);",
    "lv_list_add_button": "lv_list_add_button(o_list, LV_SYMBOL_OK, \"b\");",
    "lv_keyboard_set_textarea": "lv_keyboard_set_textarea(o_keyboard, o_textarea);",
    "lv_theme_default_init": None,   # changes every app's theme: the test does it once at the end
    "lv_theme_simple_init": None,
    "lv_screen_active": "lv_screen_active();",
    "lv_display_get_screen_active": "lv_display_get_screen_active(NULL);",
    "lv_screen_load": "lv_screen_load(lv_screen_active());",
    "lv_obj_is_valid": "lv_obj_is_valid(o_obj);",
    "lv_event_get_user_data": None,   # in calls_event_cb
    "lv_event_get_param": None,
    "lv_event_get_target": None,
    "lv_event_get_current_target": None,
}
EVENT_FUNCS_IN_CB = ("lv_event_get_user_data", "lv_event_get_param", "lv_event_get_target",
                     "lv_event_get_current_target")

# Objects the program creates first, by widget class name.
_WIDGETS = ("arc", "bar", "button", "buttonmatrix", "calendar", "canvas", "chart", "checkbox",
            "dropdown", "image", "keyboard", "label", "led", "line", "list", "msgbox", "roller",
            "scale", "slider", "spangroup", "spinner", "switch", "table", "tabview", "textarea")

_HANDLE_VARS = {"STYLE": "&o_style", "FONT": "&lv_font_montserrat_14", "DISPLAY": "NULL",
                "THEME": "lv_theme_get_from_obj(o_obj)", "GROUP": "o_group", "TIMER": "o_timer",
                "SERIES": "o_series", "CURSOR": "o_cursor", "SPAN": "o_span",
                "SECTION": "o_section", "ANIM": "o_anim", "EVENT": "e"}


def _obj_for(arg, fname):
    cls = arg.widget or rules.PARAM_CLASS.get((fname, arg.name), "")
    if cls:
        return f"o_{cls[3:-6]}"   # lv_label_class -> o_label
    if arg.name in ("parent",):
        return "lv_screen_active()"
    return "o_obj"


def _arg_expr(d, i, arg, pre, fuzz=False):
    fname = d.name
    if fuzz and arg.kind in ("i32", "i64", "f32", "f64"):
        if arg.ctype.kind == "bool":
            return "(fuzz_v != 0)"
        return f"({arg.ctype.spelled})fuzz_v"
    if arg.kind == "i32" or arg.kind == "i64":
        if (fname, arg.name) in INT_ARGS:
            return INT_ARGS[(fname, arg.name)]
        if arg.ctype.kind == "bool":
            return "false"
        return "0"
    if arg.kind in ("f32", "f64"):
        return "0"
    if arg.kind == "color":
        return "lv_color_hex(0x336699)"
    if arg.kind == "color32":
        return "lv_color32_make(1, 2, 3, 255)"
    if arg.kind == "str":
        return '"x"'
    if arg.kind == "outbuf":
        pre.append(f"char b{i}[32];")
        return f"b{i}"
    if arg.kind in ("pod_in", "pod_inout", "pod_val"):
        pre.append(f"{arg.pod} p{i}; memset(&p{i}, 0, sizeof(p{i}));")
        return f"&p{i}" if arg.kind != "pod_val" else f"p{i}"
    if arg.kind == "pod_array":
        pre.append(f"{arg.pod} p{i}[4]; memset(p{i}, 0, sizeof(p{i}));")
        return f"p{i}"
    if arg.kind == "handle":
        if arg.handle == "OBJ":
            owns_dependent = any(a.kind == "handle" and a.handle in ("SERIES", "CURSOR", "SPAN", "SECTION")
                                 for a in d.args)
            if any(s in fname for s in DESTRUCTIVE) and i == 0 and not owns_dependent:
                cls = arg.widget[3:-6] if arg.widget else "obj"
                parent = "o_obj" if cls != "msgbox" else "NULL"
                pre.append(f"lv_obj_t *t{i} = lv_{cls}_create({parent});")
                return f"t{i}"
            return _obj_for(arg, fname)
        if arg.handle in ("SERIES", "CURSOR", "SPAN") and any(s in fname for s in DESTRUCTIVE):
            make = {"SERIES": "lv_chart_add_series(o_chart, lv_color_hex(0), LV_CHART_AXIS_PRIMARY_Y)",
                    "CURSOR": "lv_chart_add_cursor(o_chart, lv_color_hex(0), LV_DIR_ALL)",
                    "SPAN": "lv_spangroup_add_span(o_spangroup)"}[arg.handle]
            pre.append(f"void *t{i} = {make};")
            return f"t{i}"
        if arg.handle == "GROUP" and "delete" in fname:
            pre.append(f"lv_group_t *t{i} = lv_group_create();")
            return f"t{i}"
        return _HANDLE_VARS[arg.handle]
    raise AssertionError(f"{fname}: no test value for {arg.kind}")


def _call(d, fuzz=False):
    pre = []
    args = [_arg_expr(d, i, a, pre, fuzz) for i, a in enumerate(d.args)]
    # Count parameters of arrays/buffers: the element count / buffer size.
    for i, a in enumerate(d.args):
        if a.kind == "outbuf":
            args[a.count] = "32"
        elif a.kind == "pod_array":
            args[a.count] = "1"
    call = f"{d.name}({', '.join(args)});"
    if d.ret is not None and d.ret.kind not in ("void",):
        call = f"(void){call}"
    return "{ " + " ".join(pre + [call]) + " }"


PARTS = 4


def emit(decisions, api, part=0, parts=PARTS):
    """Part `part` of `parts` (one module with every import would take more
    than a board's WAMR pool): each part sets up the same objects and
    calls its share of the functions; together they call all of them."""
    bound = sorted((d for d in decisions.values() if d.how in ("host", "custom")), key=lambda d: d.name)
    late = ["lv_anim_delete_all", "lv_theme_default_init", "lv_theme_simple_init"]
    creators = [f"lv_{w}_create" for w in _WIDGETS] + ["lv_obj_create", "lv_style_init",
                "lv_group_create", "lv_timer_create", "lv_chart_add_series", "lv_chart_add_cursor",
                "lv_spangroup_add_span", "lv_scale_add_section", "lv_anim_start"]
    event_funcs = [d for d in bound if d.args and d.args[0].kind == "handle" and d.args[0].handle == "EVENT"]
    body = []
    for index, d in enumerate(bound):
        if index % parts != part:
            continue
        if d.name in creators or d.name in late or d in event_funcs or d.name in EVENT_FUNCS_IN_CB:
            continue
        if d.how == "custom" and d.name in CUSTOM_CALLS:
            if CUSTOM_CALLS[d.name] is not None:
                body.append(f"    {CUSTOM_CALLS[d.name]}")
            continue
        if d.how == "custom" and not d.args and d.ret is None:
            raise AssertionError(f"{d.name}: hand-written function without a test call in emit_calls.py")
        body.append(f"    {_call(d)}")
    ev = [f"        {_call(d)}" for d in event_funcs] if part == 0 else []
    lines = [
        "// Generated by tools/lvgl_bindings: calls every bound host function of import",
        "// module \"lvgl\" at least once with valid arguments. Do not edit.",
        "#include <lvgl.h>",
        "",
        f"#define LVGL_CALLS_BOUND {len(bound)}",
        f"#define LVGL_CALLS_PART {part}",
        "static lv_obj_t *o_obj;",
        *[f"static lv_obj_t *o_{w};" for w in _WIDGETS],
        "static lv_style_t o_style;",
        "static lv_group_t *o_group;",
        "static lv_timer_t *o_timer;",
        "static lv_chart_series_t *o_series;",
        "static lv_chart_cursor_t *o_cursor;",
        "static lv_span_t *o_span;",
        "static lv_scale_section_t *o_section;",
        "static lv_anim_t *o_anim;",
        "static int events_seen;",
        "",
        "__attribute__((unused)) static void calls_noop_cb(lv_event_t *e) { (void)e; }",
        "static void calls_timer_cb(lv_timer_t *t) { (void)t; }",
        "static void calls_anim_cb(void *var, int32_t v) { (void)var; (void)v; }",
        "__attribute__((unused)) static void calls_other_anim_cb(void *var, int32_t v) { (void)var; (void)v; }",
        "",
        "static void calls_event_cb(lv_event_t *e) {",
        "    if (lv_event_get_code(e) != LV_EVENT_VALUE_CHANGED || events_seen++) {",
        "        return;",
        "    }",
        "    (void)lv_event_get_user_data(e);",
        "    (void)lv_event_get_param(e);",
        "    (void)lv_event_get_target(e);",
        "    (void)lv_event_get_current_target(e);",
        *ev,
        "}",
        "",
        "__attribute__((export_name(\"calls_bound\"))) int calls_bound(void) { return LVGL_CALLS_BOUND; }",
        "",
        "__attribute__((export_name(\"calls_run\")))",
        "int calls_run(void) {",
        "    o_obj = lv_obj_create(lv_screen_active());",
        *[f"    o_{w} = lv_{w}_create({'lv_screen_active()' if w != 'msgbox' else 'NULL'});"
          for w in _WIDGETS],
        "    lv_style_init(&o_style);",
        "    o_group = lv_group_create();",
        "    o_timer = lv_timer_create(calls_timer_cb, 100000, (void *)9);",
        "    o_series = lv_chart_add_series(o_chart, lv_color_hex(0xff0000), LV_CHART_AXIS_PRIMARY_Y);",
        "    o_cursor = lv_chart_add_cursor(o_chart, lv_color_hex(0x00ff00), LV_DIR_ALL);",
        "    o_span = lv_spangroup_add_span(o_spangroup);",
        "    lv_tabview_add_tab(o_tabview, \"tab\");",
        "    o_section = lv_scale_add_section(o_scale);",
        "    " + CUSTOM_CALLS["lv_anim_start"],
        "    lv_obj_add_event_cb(o_obj, calls_event_cb, LV_EVENT_ALL, (void *)7);",
        *body,
        "    lv_obj_send_event(o_obj, LV_EVENT_VALUE_CHANGED, NULL);",
        "    lv_anim_delete_all();",
        *(["    lv_theme_simple_init(NULL);",
           "    lv_theme_default_init(NULL, lv_palette_main(LV_PALETTE_BLUE), lv_palette_main(LV_PALETTE_RED), "
           "false, &lv_font_montserrat_14);"] if part == parts - 1 else []),
        "    return events_seen;",
        "}",
        "",
    ]
    return "\n".join(lines)


FUZZ_VALUES = (0, 1, -1, 2, 255, 256, 65535, 65536, 0x7FFFFFFF, -0x80000000, 1000000)


def emit_fuzz(decisions, api, part=0, parts=PARTS):
    """A guest that calls every generated host function taking numbers with
    extreme values (host_tests/unix/test_lvgl_fuzz.py): fuzz(i, v) calls
    function i with every number argument v, on fresh objects."""
    base = emit(decisions, api, part, parts)
    head = base[:base.index("__attribute__((export_name(\"calls_bound\")))")]
    bound = sorted((d for d in decisions.values() if d.how == "host"
                    and any(a.kind in ("i32", "i64", "f32", "f64") for a in d.args)), key=lambda d: d.name)
    mine = [d for i, d in enumerate(bound) if i % parts == part]
    cases = []
    for i, d in enumerate(mine):
        cases.append(f"        case {i}: {_call(d, fuzz=True)} return 0;")
    setup = base[base.index("int calls_run(void) {"):]
    setup = setup[setup.index("{") + 1:setup.index("    lv_obj_add_event_cb(o_obj, calls_event_cb")]
    return "\n".join([
        head.replace("calls every bound host function", "calls host functions with extreme numbers"),
        "static int32_t fuzz_v;",
        "",
        "__attribute__((export_name(\"fuzz_count\"))) int fuzz_count(void) { return %d; }" % len(mine),
        "",
        "__attribute__((export_name(\"fuzz_name\"))) const char *fuzz_name(int i) {",
        "    static const char *const names[] = {" + ", ".join(f'"{d.name}"' for d in mine) + "};",
        "    return names[i];",
        "}",
        "",
        "static lv_obj_t *o_box;",
        "__attribute__((export_name(\"fuzz_setup\")))",
        "void fuzz_setup(void) {",
        "    lv_anim_delete_all();",
        "    if (o_box) lv_obj_delete(o_box);",
        "    if (o_timer) lv_timer_delete(o_timer);",
        "    if (o_group) lv_group_delete(o_group);",
        "    o_box = lv_obj_create(lv_screen_active());",
        setup.rstrip().replace("lv_screen_active()", "o_box").replace("lv_msgbox_create(NULL)", "lv_msgbox_create(o_box)"),
        "}",
        "",
        "__attribute__((export_name(\"fuzz\")))",
        "int fuzz(int i, int v) {",
        "    fuzz_v = v;",
        "    switch (i) {",
        *cases,
        "    }",
        "    return -1;",
        "}",
        "",
        "/* Draws what the call changed (rendering finds what a value broke). */",
        "__attribute__((export_name(\"fuzz_draw\")))",
        "void fuzz_draw(void) {",
        "    lv_refr_now(NULL);",
        "}",
        "",
    ])
