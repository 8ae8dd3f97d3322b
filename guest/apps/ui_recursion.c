/*
 * ui_recursion.c - a guest whose LVGL callbacks recurse without bound
 * (host_tests/unix/test_hostile_lvgl_recursion.py): each level nests the
 * guest, the interpreter, the binding's host function, LVGL and its event
 * dispatch on the firmware's C stack. Every recursion must end in a trap.
 */
#include <stdint.h>
#include <lvgl.h>

#define EXPORT(name) __attribute__((export_name(name)))

static lv_obj_t *parent;
static int depth, max_depth;

static void enter(void) {
    if (++depth > max_depth) {
        max_depth = depth;
    }
}

/* Creating a child of `parent` sends it CHILD_CREATED: create another. */
static void child_created(lv_event_t *e) {
    (void)e;
    enter();
    lv_obj_create(parent);
    depth--;
}

EXPORT("child_created_forever") void child_created_forever(void) {
    parent = lv_obj_create(lv_screen_active());
    lv_obj_add_event_cb(parent, child_created, LV_EVENT_CHILD_CREATED, NULL);
    lv_obj_create(parent);
}

/* The callback sends its own event to its own object again, until `levels`
 * callbacks are nested (0: forever). */
static int levels;

static void send_again(lv_event_t *e) {
    enter();
    if (levels == 0 || depth < levels) {
        lv_obj_send_event(lv_event_get_target(e), LV_EVENT_VALUE_CHANGED, NULL);
    }
    depth--;
}

EXPORT("send_event_nested") int send_event_nested(int n) {
    levels = n;
    lv_obj_t *obj = lv_obj_create(lv_screen_active());
    lv_obj_add_event_cb(obj, send_again, LV_EVENT_VALUE_CHANGED, NULL);
    lv_obj_send_event(obj, LV_EVENT_VALUE_CHANGED, NULL);
    return depth;
}

EXPORT("send_event_forever") void send_event_forever(void) { send_event_nested(0); }

/* A timer whose callback runs the timers again. */
static lv_timer_t *timer;
static int timer_runs;

static void run_timers(lv_timer_t *t) {
    (void)t;
    timer_runs++;
    enter();
    lv_timer_handler();
    depth--;
}

EXPORT("timer_handler_forever") void timer_handler_forever(void) {
    timer = lv_timer_create(run_timers, 0, NULL);
    lv_timer_ready(timer);
    lv_timer_handler();
}

EXPORT("timer_stop") void timer_stop(void) { lv_timer_delete(timer); }
EXPORT("timer_runs") int get_timer_runs(void) { return timer_runs; }

EXPORT("max_depth") int get_max_depth(void) { return max_depth; }

/* The app still works: a new object on its screen. */
EXPORT("alive") int alive(void) {
    lv_obj_t *o = lv_obj_create(lv_screen_active());
    lv_obj_set_size(o, 10, 10);
    lv_obj_update_layout(o);
    int w = lv_obj_get_width(o);
    lv_obj_delete(o);
    return w;
}
