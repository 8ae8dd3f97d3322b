/*
 * ui_hostile.c - a guest that misuses the LVGL bindings on purpose, one
 * export per attack (host_tests/unix/test_lvgl_hostile.py): forged, stale,
 * foreign and mistyped handles, pointers and lengths outside its memory,
 * callbacks that are no functions, deleting the screen or an object inside
 * its own event callback, traps inside callbacks, widget parts, images.
 * Every one must trap with a clear message or behave as LVGL defines.
 */
#include <stdint.h>
#include <lvgl.h>

#define EXPORT(name) __attribute__((export_name(name)))

static lv_obj_t *label, *line, *chart, *button, *msgbox, *image;
static lv_chart_series_t *series;
static lv_event_t *saved_event;
static int clicks, deleted_events, timer_runs, anim_values;

EXPORT("h_setup") void h_setup(void) {
    lv_obj_t *scr = lv_screen_active();
    label = lv_label_create(scr);
    lv_label_set_text(label, "hostile");
    line = lv_line_create(scr);
    chart = lv_chart_create(scr);
    series = lv_chart_add_series(chart, lv_color_hex(0xff0000), LV_CHART_AXIS_PRIMARY_Y);
    button = lv_button_create(scr);
    lv_obj_set_size(button, 100, 50);
    lv_obj_center(button);
    image = lv_image_create(scr);
}

/* Handles as numbers, for the tests to pass between instances. */
EXPORT("h_label") int h_label(void) { return (int)(intptr_t)label; }
EXPORT("h_set_x") void h_set_x(int handle) { lv_obj_set_x((lv_obj_t *)(intptr_t)handle, 5); }
EXPORT("h_get_x") int h_get_x(int handle) { return lv_obj_get_x((lv_obj_t *)(intptr_t)handle); }

EXPORT("h_stale") void h_stale(void) {
    lv_obj_t *o = lv_obj_create(lv_screen_active());
    lv_obj_delete(o);
    lv_obj_set_x(o, 1);
}

EXPORT("h_wrong_kind") void h_wrong_kind(void) {
    lv_group_t *g = lv_group_create();
    lv_obj_set_x((lv_obj_t *)g, 1);
}

EXPORT("h_wrong_class") void h_wrong_class(void) {
    lv_label_set_text(button, "not a label");
}

EXPORT("h_null_obj") void h_null_obj(void) {
    lv_obj_set_x(NULL, 1);
}

EXPORT("h_bad_str") void h_bad_str(int ptr) {
    lv_label_set_text(label, (const char *)(intptr_t)ptr);
}

/* A string that runs to the end of linear memory without its NUL. */
EXPORT("h_unterminated") void h_unterminated(void) {
    char *end = (char *)(__builtin_wasm_memory_size(0) * 65536);
    for (int i = 1; i <= 16; i++) {
        end[-i] = 'A';
    }
    lv_label_set_text(label, end - 16);
}

EXPORT("h_bad_len") void h_bad_len(void) {
    static const lv_point_precise_t pts[2] = {{0, 0}, {1, 1}};
    lv_line_set_points(line, pts, 0x40000000);
}

EXPORT("h_bad_array") void h_bad_array(int ptr, int n) {
    lv_chart_set_series_values(chart, series, (const int32_t *)(intptr_t)ptr, (size_t)n);
}

EXPORT("h_out_ptr") void h_out_ptr(int ptr) {
    lv_obj_get_coords(label, (lv_area_t *)(intptr_t)ptr);
}


EXPORT("h_bad_cb") void h_bad_cb(int index) {
    lv_obj_add_event_cb(button, (lv_event_cb_t)(intptr_t)index, LV_EVENT_CLICKED, NULL);
}

static int two_ints(int a, int b) { return a + b; }

EXPORT("h_wrong_cb_type") void h_wrong_cb_type(void) {
    lv_obj_add_event_cb(button, (lv_event_cb_t)(void *)two_ints, LV_EVENT_CLICKED, NULL);
}

EXPORT("h_uninit_style") void h_uninit_style(void) {
    static lv_style_t never_initialised;
    lv_obj_add_style(label, &never_initialised, 0);
}

EXPORT("h_bad_enum") void h_bad_enum(void) {
    lv_obj_align(label, (lv_align_t)99, 0, 0);
}

EXPORT("h_send_key") void h_send_key(void) {
    lv_obj_send_event(label, LV_EVENT_KEY, NULL);
}

EXPORT("h_send_param") void h_send_param(void) {
    static int data;
    lv_obj_send_event(label, LV_EVENT_VALUE_CHANGED, &data);
}

/* --- The object tree ----------------------------------------------------------- */

EXPORT("h_delete_screen") int h_delete_screen(void) {
    lv_obj_t *old = lv_screen_active();
    lv_obj_delete(old);
    /* LVGL's semantics: the handle is gone; the app gets a new root. */
    lv_obj_t *fresh = lv_screen_active();
    lv_obj_t *l = lv_label_create(fresh);
    lv_label_set_text(l, "new screen");
    return (fresh != old) + 2 * lv_obj_is_valid(old);
}

static void delete_self(lv_event_t *e) {
    clicks++;
    lv_obj_delete(lv_event_get_target(e));
}

EXPORT("h_delete_in_cb") void h_delete_in_cb(void) {
    lv_obj_add_event_cb(button, delete_self, LV_EVENT_CLICKED, NULL);
}

EXPORT("h_button_valid") int h_button_valid(void) { return lv_obj_is_valid(button); }
EXPORT("h_clicks") int h_clicks(void) { return clicks; }

static void trap_now(lv_event_t *e) {
    (void)e;
    __builtin_trap();
}

EXPORT("h_trap_cb") void h_trap_cb(void) {
    lv_obj_add_event_cb(button, trap_now, LV_EVENT_CLICKED, NULL);
}

EXPORT("h_click") void h_click(void) {
    lv_obj_send_event(button, LV_EVENT_CLICKED, NULL);
}

static void keep_event(lv_event_t *e) {
    saved_event = e;
}

EXPORT("h_keep_event") void h_keep_event(void) {
    lv_obj_add_event_cb(label, keep_event, LV_EVENT_VALUE_CHANGED, NULL);
    lv_obj_send_event(label, LV_EVENT_VALUE_CHANGED, NULL);
    (void)lv_event_get_code(saved_event);
}

static void on_delete(lv_event_t *e) {
    (void)e;
    deleted_events++;
    /* Deleting the parent from the child's LV_EVENT_DELETE. */
    lv_obj_t *parent = lv_obj_get_parent(lv_event_get_target(e));
    if (parent != NULL && parent != lv_screen_active()) {
        lv_obj_delete(parent);
    }
}

EXPORT("h_delete_parent_in_delete") int h_delete_parent_in_delete(void) {
    lv_obj_t *parent = lv_obj_create(lv_screen_active());
    lv_obj_t *child = lv_label_create(parent);
    lv_obj_add_event_cb(child, on_delete, LV_EVENT_DELETE, NULL);
    lv_obj_delete(child);
    return deleted_events * 10 + lv_obj_is_valid(parent) * 2 + lv_obj_is_valid(child);
}

EXPORT("h_part_delete") void h_part_delete(void) {
    msgbox = lv_msgbox_create(lv_screen_active());
    lv_msgbox_add_text(msgbox, "text");
    lv_obj_delete(lv_msgbox_get_content(msgbox));
}

EXPORT("h_part_clean") void h_part_clean(void) {
    lv_obj_t *tv = lv_tabview_create(lv_screen_active());
    lv_tabview_add_tab(tv, "one");
    lv_obj_clean(tv);
}

EXPORT("h_parent_cycle") void h_parent_cycle(void) {
    lv_obj_t *a = lv_obj_create(lv_screen_active());
    lv_obj_t *b = lv_obj_create(a);
    lv_obj_set_parent(a, b);
}

/* --- Images ------------------------------------------------------------------------ */

static uint8_t pixels[16];

EXPORT("h_image_short") void h_image_short(void) {
    static lv_image_dsc_t dsc = {
        .header = { .magic = LV_IMAGE_HEADER_MAGIC, .cf = LV_COLOR_FORMAT_RGB565, .w = 64, .h = 64 },
        .data_size = sizeof(pixels),
        .data = pixels,
    };
    lv_image_set_src(image, &dsc);
}

EXPORT("h_image_bad_data") void h_image_bad_data(void) {
    static lv_image_dsc_t dsc = {
        .header = { .magic = LV_IMAGE_HEADER_MAGIC, .cf = LV_COLOR_FORMAT_RGB565, .w = 2, .h = 2 },
        .data_size = 8,
        .data = (const uint8_t *)0xfffffff0,
    };
    lv_image_set_src(image, &dsc);
}

EXPORT("h_image_path") int h_image_path(const char *path) {
    lv_image_set_src(image, path);
    return lv_image_get_src_width(image) * 1000 + lv_image_get_src_height(image);
}

/* A path buffer the tests fill through inst.memory. */
static char path_buf[128];
EXPORT("h_path_buf") int h_path_buf(void) { return (int)(intptr_t)path_buf; }

/* --- Timers and animations ------------------------------------------------------------ */

static void count_timer(lv_timer_t *t) {
    (void)t;
    timer_runs++;
}

EXPORT("h_timer") int h_timer(int period, int repeat) {
    lv_timer_t *t = lv_timer_create(count_timer, (uint32_t)period, NULL);
    lv_timer_set_repeat_count(t, repeat);
    return (int)(intptr_t)t;
}

EXPORT("h_timer_runs") int h_timer_runs(void) { return timer_runs; }
EXPORT("h_timer_delete") void h_timer_delete(int handle) { lv_timer_delete((lv_timer_t *)(intptr_t)handle); }

static void set_value(void *var, int32_t v) {
    (void)var;
    anim_values += v > 0;
}

EXPORT("h_anim") int h_anim(int bad_path) {
    lv_anim_t a;
    lv_anim_init(&a);
    lv_anim_set_var(&a, label);
    lv_anim_set_exec_cb(&a, set_value);
    lv_anim_set_values(&a, 0, 100);
    lv_anim_set_duration(&a, 100);
    if (bad_path) {
        lv_anim_set_path_cb(&a, (lv_anim_path_cb_t)(intptr_t)bad_path);
    }
    return (int)(intptr_t)lv_anim_start(&a);
}

EXPORT("h_anim_values") int h_anim_values(void) { return anim_values; }
EXPORT("h_anim_running") int h_anim_running(void) { return lv_anim_count_running(); }
EXPORT("h_delete_label") void h_delete_label(void) { lv_obj_delete(label); }

/* --- Sizes and memory ------------------------------------------------------------ */

EXPORT("h_table_rows") void h_table_rows(int rows) {
    lv_obj_t *t = lv_table_create(lv_screen_active());
    lv_table_set_row_count(t, (uint32_t)rows);
}

static lv_obj_t *big_table;
static char long_text[1000];

/* Fills cells of a 64-column table with 1000-byte texts: 4 MB for all
 * 4096, more than LVGL's pool. Returns how many cells were filled. */
EXPORT("h_fill") int h_fill(int cells) {
    if (big_table == NULL) {
        big_table = lv_table_create(lv_screen_active());
        lv_table_set_column_count(big_table, 64);
        for (int i = 0; i < (int)sizeof(long_text) - 1; i++) {
            long_text[i] = 'x';
        }
    }
    int i;
    for (i = 0; i < cells; i++) {
        lv_table_set_cell_value(big_table, (uint32_t)i / 64, (uint32_t)i % 64, long_text);
    }
    return i;
}

EXPORT("h_fill_free") void h_fill_free(void) {
    lv_obj_delete(big_table);
    big_table = NULL;
}
