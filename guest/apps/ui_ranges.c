/*
 * ui_ranges.c - widgets given an empty value range (min == max) by a guest
 * (host_tests/unix/test_hostile_lvgl_ranges.py): LVGL divided by the range
 * in a scale's needle, a bar chart's columns and an arc's dragging
 * (SIGFPE on unix, a reboot on an ESP32). Each export sets one up.
 */
#include <stdint.h>
#include <lvgl.h>

#define EXPORT(name) __attribute__((export_name(name)))

static lv_obj_t *widget;

/* A round scale whose range is `min`..`max`, with a line or an image
 * needle at `value`. */
EXPORT("scale_needle") int scale_needle(int min, int max, int value, int image) {
    lv_obj_t *scale = lv_scale_create(lv_screen_active());
    lv_obj_set_size(scale, 150, 150);
    lv_scale_set_mode(scale, LV_SCALE_MODE_ROUND_INNER);
    lv_scale_set_range(scale, min, max);
    if (image) {
        lv_obj_t *needle = lv_image_create(scale);
        lv_scale_set_image_needle_value(scale, needle, value);
    } else {
        lv_obj_t *needle = lv_line_create(scale);
        lv_scale_set_line_needle_value(scale, needle, 60, value);
    }
    return lv_scale_get_range_max_value(scale) - lv_scale_get_range_min_value(scale);
}

/* A bar chart whose y axis is `min`..`max` (drawn by the next refresh). */
EXPORT("bar_chart") void bar_chart(int min, int max) {
    lv_obj_t *chart = lv_chart_create(lv_screen_active());
    lv_obj_set_size(chart, 200, 150);
    lv_chart_set_type(chart, LV_CHART_TYPE_BAR);
    lv_chart_series_t *s = lv_chart_add_series(chart, lv_color_hex(0xff0000), LV_CHART_AXIS_PRIMARY_Y);
    lv_chart_set_next_value(chart, s, 5);
    lv_chart_set_next_value(chart, s, min);
    lv_chart_set_axis_range(chart, LV_CHART_AXIS_PRIMARY_Y, min, max);
}

/* A 200 x 200 arc in the screen's middle, range `min`..`max`. */
EXPORT("arc") void arc(int min, int max) {
    widget = lv_arc_create(lv_screen_active());
    lv_obj_set_size(widget, 200, 200);
    lv_obj_center(widget);
    lv_arc_set_range(widget, min, max);
}

EXPORT("arc_value") int arc_value(void) { return lv_arc_get_value(widget); }
EXPORT("alive") int alive(void) { return lv_obj_get_child_count(lv_screen_active()); }
