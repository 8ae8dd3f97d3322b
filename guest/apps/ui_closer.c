/*
 * ui_closer.c - an LVGL guest whose event and timer callbacks call back
 * into Python (import env.on_event), where a hostile or careless script
 * closes the instance, or deletes objects, while the guest is on the stack
 * (host_tests/unix/test_lvgl_hostile.py).
 *
 *   env.on_event(i32 what) -> i32     what: 1 click, 2 timer
 */
#include <stdint.h>
#include <lvgl.h>

#include "wasm_app.h"

WASM_ENV_IMPORT("on_event")
int32_t on_event(int32_t what);

static lv_obj_t *button;
static int after;

static void clicked(lv_event_t *e) {
    (void)e;
    on_event(1);
    /* Reached only if Python's call returned: LVGL still works. */
    after++;
    lv_obj_set_x(button, 10);
}

static void ticked(lv_timer_t *t) {
    (void)t;
    on_event(2);
    after++;
}

WASM_EXPORT("app_start")
void app_start(int with_timer) {
    button = lv_button_create(lv_screen_active());
    lv_obj_set_size(button, 100, 50);
    lv_obj_center(button);
    lv_obj_add_event_cb(button, clicked, LV_EVENT_CLICKED, NULL);
    if (with_timer) {
        lv_timer_create(ticked, 10, NULL);
    }
}

WASM_EXPORT("app_after")
int app_after(void) {
    return after;
}
