/*
 * ui_clock.c - a clock: an lv_timer ticks every second and updates a
 * label and an arc with the wall-clock time (WASI clock_gettime).
 *
 *   inst.exports.app_start(-1)      the real time (UTC)
 *   inst.exports.app_start(3723)    a fixed time, 01:02:03 (tests)
 *   inst.exports.app_ticks()        how often the timer ran
 */
#include <stdio.h>
#include <time.h>
#include <lvgl.h>

static lv_obj_t *time_label, *date_label, *seconds_arc;
static int fixed_seconds = -1;
static int ticks;

static void show_time(void) {
    long t = fixed_seconds >= 0 ? fixed_seconds : (long)time(NULL);
    int s = (int)(t % 60), m = (int)(t / 60 % 60), h = (int)(t / 3600 % 24);
    char text[16];
    snprintf(text, sizeof(text), "%02d:%02d:%02d", h, m, s);
    lv_label_set_text(time_label, text);
    lv_arc_set_value(seconds_arc, s);
    snprintf(text, sizeof(text), "day %ld", t / 86400);
    lv_label_set_text(date_label, text);
}

static void tick(lv_timer_t *timer) {
    (void)timer;
    ticks++;
    show_time();
}

__attribute__((export_name("app_start")))
void app_start(int fixed) {
    fixed_seconds = fixed;
    lv_obj_t *scr = lv_screen_active();
    lv_obj_set_style_bg_color(scr, lv_color_hex(0x1d2733), 0);

    seconds_arc = lv_arc_create(scr);
    lv_obj_set_size(seconds_arc, 200, 200);
    lv_arc_set_rotation(seconds_arc, 270);
    lv_arc_set_bg_angles(seconds_arc, 0, 360);
    lv_arc_set_range(seconds_arc, 0, 59);
    lv_obj_remove_style(seconds_arc, NULL, LV_PART_KNOB);
    lv_obj_remove_flag(seconds_arc, LV_OBJ_FLAG_CLICKABLE);
    lv_obj_set_style_arc_color(seconds_arc, lv_palette_main(LV_PALETTE_ORANGE), LV_PART_INDICATOR);
    lv_obj_set_style_arc_color(seconds_arc, lv_color_hex(0x344556), LV_PART_MAIN);
    lv_obj_align(seconds_arc, LV_ALIGN_TOP_MID, 0, 30);

    time_label = lv_label_create(scr);
    lv_obj_set_style_text_font(time_label, &lv_font_montserrat_24, 0);
    lv_obj_set_style_text_color(time_label, lv_color_white(), 0);
    lv_obj_align_to(time_label, seconds_arc, LV_ALIGN_CENTER, 0, 0);

    date_label = lv_label_create(scr);
    lv_obj_set_style_text_color(date_label, lv_color_hex(0x9fb3c8), 0);
    lv_obj_align(date_label, LV_ALIGN_BOTTOM_MID, 0, -40);

    show_time();
    lv_obj_align_to(time_label, seconds_arc, LV_ALIGN_CENTER, 0, 0);
    lv_timer_create(tick, 1000, NULL);
}

__attribute__((export_name("app_ticks")))
int app_ticks(void) {
    return ticks;
}

/* Runs LVGL itself for `ms` milliseconds: the timer's callbacks then run
   nested in this call (an app with its own main loop). */
__attribute__((export_name("app_run")))
int app_run(int ms) {
    uint32_t start = lv_tick_get();
    while (lv_tick_elaps(start) < (uint32_t)ms) {
        lv_timer_handler();
    }
    return ticks;
}
