/*
 * ui_counter.c - a counter: a button whose clicks count up in a label.
 *
 * An LVGL guest that sets up its user interface and returns: the firmware
 * keeps the instance's objects and delivers the click events to
 * counter_clicked() whenever LVGL runs (display.task_handler(), or the
 * REPL's idle loop).
 *
 *   inst = wasm.Instance(wasm.Module.load('ui_counter.wasm'))
 *   inst.exports.app_start()
 *   display.touch(120, 160); display.release()   -> "Clicks: 1"
 *   inst.exports.app_count()                     -> 1
 */
#include <stdio.h>
#include <lvgl.h>

static int count;
static lv_obj_t *label;

static void counter_clicked(lv_event_t *e) {
    (void)e;
    count++;
    char text[32];
    snprintf(text, sizeof(text), "Clicks: %d", count);
    lv_label_set_text(label, text);
}

__attribute__((export_name("app_start")))
void app_start(void) {
    /* A column that fits any screen or area the app is given. */
    lv_obj_t *scr = lv_screen_active();
    lv_obj_set_style_bg_color(scr, lv_color_hex(0xf0f4f8), 0);
    lv_obj_set_flex_flow(scr, LV_FLEX_FLOW_COLUMN);
    lv_obj_set_flex_align(scr, LV_FLEX_ALIGN_SPACE_EVENLY, LV_FLEX_ALIGN_CENTER, LV_FLEX_ALIGN_CENTER);

    lv_obj_t *title = lv_label_create(scr);
    lv_label_set_text(title, "Counter");
    lv_obj_set_style_text_font(title, &lv_font_montserrat_24, 0);

    lv_obj_t *button = lv_button_create(scr);
    lv_obj_set_size(button, 140, 50);
    lv_obj_add_event_cb(button, counter_clicked, LV_EVENT_CLICKED, NULL);

    lv_obj_t *button_label = lv_label_create(button);
    lv_label_set_text(button_label, LV_SYMBOL_PLUS " Count");
    lv_obj_center(button_label);

    label = lv_label_create(scr);
    lv_label_set_text(label, "Clicks: 0");
    lv_obj_set_style_text_font(label, &lv_font_montserrat_20, 0);
}

__attribute__((export_name("app_count")))
int app_count(void) {
    return count;
}
