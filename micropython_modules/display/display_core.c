// LVGL on the board's panel: init and deinit, the flush path (software
// rotation, re-rendering for screenshots), the pointer input device, and
// LVGL's timers run from MicroPython's scheduler.

#include <string.h>

#include "py/runtime.h"
#include "py/mphal.h"

#include "display.h"
#include "display_driver.h"
#include "display_internal.h"

#include "lvgl_private.h"

#if !MICROPY_SCHEDULER_STATIC_NODES
#error "the display module needs MICROPY_SCHEDULER_STATIC_NODES (set by its micropython.mk)"
#endif

// Idle periods are capped so that late wake-ups (new input, a changed
// screen) never wait long.
#define IDLE_MAX_MS (100)
// A transfer that never completes must not hang deinit.
#define FLUSH_WAIT_MAX_US (500 * 1000)

typedef struct _display_state_t {
    bool active;
    uint32_t generation;
    lv_display_t *disp;
    lv_indev_t *indev;
    mp_display_panel_t panel;
    uint8_t *rot_buf;               // software rotation (LVGL's pool)
    volatile uint32_t next_due_ms;  // when LVGL's next timer is due
    // Pointer input in panel coordinates (written by touch() or the backend).
    volatile int16_t in_x, in_y;
    volatile bool in_pressed;
    // While set, flushes go to this instead of the panel (screenshots).
    mp_display_rows_fn_t capture_rows;
    void *capture_ctx;
} display_state_t;

static display_state_t state;
static mp_sched_node_t timer_node;

static uint32_t ticks_ms(void) {
    return (uint32_t)(mp_display_port_time_us() / 1000u);
}

bool mp_display_active(void) {
    return state.active;
}

uint32_t mp_display_generation(void) {
    return state.generation;
}

lv_display_t *mp_display_lv_display(void) {
    return state.active ? state.disp : NULL;
}

void mp_display_get_info(mp_display_info_t *info) {
    if (!state.active) {
        mp_display_raise(&mp_type_RuntimeError, "display not initialised: call display.init() first");
    }
    info->width = (uint16_t)lv_display_get_horizontal_resolution(state.disp);
    info->height = (uint16_t)lv_display_get_vertical_resolution(state.disp);
    info->rotation = state.panel.rotation;
    info->driver = mp_display_driver.name;
}

// --- Flush path --------------------------------------------------------------------

void mp_display_flush_done(void) {
    lv_display_t *disp = state.disp;
    if (disp != NULL) {
        lv_display_flush_ready(disp);
    }
}

static void flush_cb(lv_display_t *disp, const lv_area_t *area, uint8_t *px_map) {
    if (state.capture_rows != NULL) {
        state.capture_rows(state.capture_ctx, area->y1, lv_area_get_height(area),
            (const uint16_t *)px_map, lv_area_get_width(area));
        lv_display_flush_ready(disp);
        return;
    }
    lv_area_t a = *area;
    uint16_t *pixels = (uint16_t *)px_map;
    lv_display_rotation_t rot = lv_display_get_rotation(disp);
    if (rot != LV_DISPLAY_ROTATION_0 && !mp_display_driver.hw_rotation) {
        int32_t w = lv_area_get_width(area);
        int32_t h = lv_area_get_height(area);
        lv_display_rotate_area(disp, &a);
        lv_draw_sw_rotate(px_map, state.rot_buf, w, h, w * 2, lv_area_get_width(&a) * 2, rot,
            LV_COLOR_FORMAT_RGB565);
        pixels = (uint16_t *)state.rot_buf;
    }
    mp_display_driver.flush(a.x1, a.y1, a.x2, a.y2, pixels);
}

static void wait_flush_done(void) {
    uint64_t start = mp_display_port_time_us();
    while (state.disp->flushing && mp_display_port_time_us() - start < FLUSH_WAIT_MAX_US) {
    }
}

// Capture mode: the whole screen is invalidated and rendered at once; the
// strips arrive top to bottom, full width, in application orientation.
void mp_display_render_rows(mp_display_rows_fn_t rows, void *ctx) {
    lv_display_t *disp = state.disp;
    // Pending changes go to the panel first, so it misses nothing.
    lv_refr_now(disp);
    wait_flush_done();
    state.capture_rows = rows;
    state.capture_ctx = ctx;
    if (lv_display_get_screen_active(disp) != NULL) {
        lv_obj_invalidate(lv_display_get_screen_active(disp));
    }
    lv_obj_invalidate(lv_display_get_layer_top(disp));
    lv_obj_invalidate(lv_display_get_layer_sys(disp));
    lv_refr_now(disp);
    state.capture_rows = NULL;
}

// --- Pointer input -----------------------------------------------------------------

static void indev_read_cb(lv_indev_t *indev, lv_indev_data_t *data) {
    (void)indev;
    data->point.x = state.in_x;
    data->point.y = state.in_y;
    data->state = state.in_pressed ? LV_INDEV_STATE_PRESSED : LV_INDEV_STATE_RELEASED;
}

void mp_display_input(int x, int y, bool pressed) {
    state.in_x = (int16_t)x;
    state.in_y = (int16_t)y;
    state.in_pressed = pressed;
    state.next_due_ms = ticks_ms();
}

typedef struct _touch_args_t {
    int x, y;
    bool pressed;
} touch_args_t;

static mp_obj_t touch_in_lvgl(void *arg) {
    touch_args_t *t = arg;
    if (t->pressed) {
        int32_t w = lv_display_get_horizontal_resolution(state.disp);
        int32_t h = lv_display_get_vertical_resolution(state.disp);
        if (t->x < 0 || t->y < 0 || t->x >= w || t->y >= h) {
            mp_display_raise_fmt(&mp_type_ValueError, "touch point (%d, %d) is outside the %dx%d screen",
                t->x, t->y, (int)w, (int)h);
        }
        // Application coordinates -> panel coordinates: LVGL rotates the
        // input device's points the other way.
        lv_area_t a = { t->x, t->y, t->x, t->y };
        lv_display_rotate_area(state.disp, &a);
        mp_display_input(a.x1, a.y1, true);
    } else {
        mp_display_input(state.in_x, state.in_y, false);
    }
    // Now, not at the input device's next timer: a touch() followed at once
    // by release() is a click.
    lv_indev_read(state.indev);
    return mp_const_none;
}

void mp_display_touch(int x, int y) {
    touch_args_t t = { x, y, true };
    mp_display_call(touch_in_lvgl, &t);
}

void mp_display_release(void) {
    touch_args_t t = { 0, 0, false };
    mp_display_call(touch_in_lvgl, &t);
}

// --- Backlight and memory ------------------------------------------------------------

static mp_obj_t backlight_in_lvgl(void *arg) {
    mp_display_driver.backlight(*(int *)arg);
    return mp_const_none;
}

void mp_display_backlight(int percent) {
    if (percent < 0 || percent > 100) {
        mp_display_raise_fmt(&mp_type_ValueError, "backlight level must be 0..100, not %d", percent);
    }
    mp_display_call(backlight_in_lvgl, &percent);
}

void mp_display_mem_info(size_t *total, size_t *free_bytes, size_t *largest) {
    if (!state.active) {
        // lv_deinit() gave the whole pool back.
        *total = *free_bytes = *largest = mp_display_pool_size();
        return;
    }
    lv_mem_monitor_t mon;
    mp_display_enter();
    lv_mem_monitor(&mon);
    mp_display_exit();
    *total = mon.total_size;
    *free_bytes = mon.free_size;
    *largest = mon.free_biggest_size;
}

// --- LVGL's timers, from MicroPython's scheduler ----------------------------------------

static mp_obj_t task_handler_in_lvgl(void *arg) {
    (void)arg;
    mp_display_hooks_before_timers();
    if (mp_display_driver.poll != NULL) {
        mp_display_driver.poll();
    }
    uint32_t ms = lv_timer_handler();
    if (ms > IDLE_MAX_MS) {
        ms = IDLE_MAX_MS; // also LV_NO_TIMER_READY
    }
    state.next_due_ms = ticks_ms() + ms;
    return MP_OBJ_NEW_SMALL_INT(ms);
}

uint32_t mp_display_task_handler(void) {
    return MP_OBJ_SMALL_INT_VALUE(mp_display_call(task_handler_in_lvgl, NULL));
}

uint32_t mp_display_idle_ms(void) {
    int32_t left = (int32_t)(state.next_due_ms - ticks_ms());
    return left > 0 ? (uint32_t)left : 0;
}

// Runs on the main thread, from mp_handle_pending(): must not raise.
static void timer_node_cb(mp_sched_node_t *node) {
    (void)node;
    if (!state.active || mp_display_busy()) {
        return; // LVGL is in use: the next poll asks again
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_display_task_handler();
        nlr_pop();
    } else {
        mp_printf(&mp_plat_print, "display: LVGL's timers raised ");
        mp_obj_print_exception(&mp_plat_print, MP_OBJ_FROM_PTR(nlr.ret_val));
    }
}

bool mp_display_poll(void) {
    if (state.active && !mp_display_busy() && (int32_t)(ticks_ms() - state.next_due_ms) >= 0) {
        mp_sched_schedule_node(&timer_node, timer_node_cb);
        return true;
    }
    return false;
}

// --- Init and deinit ----------------------------------------------------------------

static void check_geometry(int width, int height, int rotation) {
    if (rotation != 0 && rotation != 90 && rotation != 180 && rotation != 270) {
        mp_display_raise_fmt(&mp_type_ValueError, "rotation must be 0, 90, 180 or 270, not %d", rotation);
    }
    const mp_display_driver_t *drv = &mp_display_driver;
    if (drv->max_size != 0) {
        if (width < 1 || height < 1 || width > drv->max_size || height > drv->max_size) {
            mp_display_raise_fmt(&mp_type_ValueError, "width and height must be 1..%d, not %dx%d",
                drv->max_size, width, height);
        }
    } else if (width != drv->width || height != drv->height) {
        mp_display_raise_fmt(&mp_type_ValueError, "this board's panel is %dx%d, not %dx%d",
            drv->width, drv->height, width, height);
    }
}

static const lv_display_rotation_t rotations[] = {
    LV_DISPLAY_ROTATION_0, LV_DISPLAY_ROTATION_90, LV_DISPLAY_ROTATION_180, LV_DISPLAY_ROTATION_270,
};

// Everything after the panel is up; raises with LVGL half set up (the
// caller tears it down).
static void start_lvgl(void) {
    lv_init();
    mp_display_log_init();
    lv_tick_set_cb(ticks_ms);
    state.disp = lv_display_create(state.panel.width, state.panel.height);
    if (state.disp == NULL) {
        mp_display_raise(&mp_type_MemoryError, "LVGL could not create the display");
    }
    lv_display_set_color_format(state.disp, LV_COLOR_FORMAT_RGB565);
    lv_display_set_buffers(state.disp, state.panel.buf[0], state.panel.buf[1],
        (uint32_t)state.panel.buf_size, LV_DISPLAY_RENDER_MODE_PARTIAL);
    lv_display_set_flush_cb(state.disp, flush_cb);
    if (state.panel.rotation != 0) {
        lv_display_set_rotation(state.disp, rotations[state.panel.rotation / 90]);
        if (!mp_display_driver.hw_rotation) {
            state.rot_buf = lv_malloc(state.panel.buf_size);
            if (state.rot_buf == NULL) {
                mp_display_raise(&mp_type_MemoryError, "no LVGL memory for the rotation buffer");
            }
        }
    }
    state.indev = lv_indev_create();
    lv_indev_set_type(state.indev, LV_INDEV_TYPE_POINTER);
    lv_indev_set_read_cb(state.indev, indev_read_cb);
    lv_indev_set_display(state.indev, state.disp);
}

static void stop_lvgl(void) {
    if (lv_is_initialized()) {
        lv_deinit();
    }
    state.disp = NULL;
    state.indev = NULL;
    state.rot_buf = NULL;
}

// Code running inside LVGL (a guest's event callback calling Python) must
// not pull LVGL away from under the caller.
static void check_not_inside(const char *what) {
    if (mp_display_inside()) {
        mp_display_raise_fmt(&mp_type_RuntimeError, "display.%s() inside an LVGL callback", what);
    }
}

void mp_display_init(int width, int height, int rotation) {
    check_not_inside("init");
    const mp_display_driver_t *drv = &mp_display_driver;
    if (width == 0 && height == 0) {
        width = drv->width;
        height = drv->height;
    }
    check_geometry(width, height, rotation);
    mp_display_deinit();

    memset(&state.panel, 0, sizeof(state.panel));
    state.panel.width = (uint16_t)width;
    state.panel.height = (uint16_t)height;
    state.panel.rotation = (uint16_t)rotation;
    state.in_x = state.in_y = 0;
    state.in_pressed = false;
    drv->init(&state.panel);

    mp_display_enter();
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        start_lvgl();
        nlr_pop();
    } else {
        stop_lvgl();
        drv->deinit();
        mp_display_exit();
        nlr_jump(nlr.ret_val);
    }
    state.active = true;
    state.generation++;
    state.next_due_ms = ticks_ms();
    mp_display_hooks_after_init();
    mp_display_exit();
    mp_display_port_start();
}

void mp_display_deinit(void) {
    if (!state.active) {
        return;
    }
    check_not_inside("deinit");
    mp_display_port_stop();
    mp_display_enter();
    // The panel and the lock are released whatever LVGL does (this also
    // runs as a finaliser at soft reset).
    nlr_buf_t nlr;
    bool ok = nlr_push(&nlr) == 0;
    if (ok) {
        mp_display_hooks_before_deinit();
        wait_flush_done();
        state.active = false;
        stop_lvgl();
        nlr_pop();
    }
    state.active = false;
    state.disp = NULL;
    state.indev = NULL;
    mp_display_driver.deinit();
    mp_display_exit();
    if (!ok) {
        nlr_jump(nlr.ret_val);
    }
}
