// The `display` module's C interface: LVGL's lifetime on the board's panel,
// the one lock under which LVGL is entered, the one place where LVGL's
// timers run, and hooks that run when LVGL creates or deletes an object.
// The Python module (moddisplay.c) and guest bindings use only this.
//
// Threading: LVGL runs on whichever thread holds the lock; MicroPython's
// scheduler runs the timers on the main thread. Nothing here runs LVGL from
// an interrupt.
#ifndef MICROPY_INCLUDED_DISPLAY_DISPLAY_H
#define MICROPY_INCLUDED_DISPLAY_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "py/obj.h"
#include "lvgl.h"

// --- State ------------------------------------------------------------------

typedef struct _mp_display_info_t {
    uint16_t width, height;     // as the application sees it (after rotation)
    uint16_t rotation;          // 0, 90, 180 or 270
    const char *driver;         // the panel backend's name
} mp_display_info_t;

// True between a successful init and deinit (or soft reset).
bool mp_display_active(void);
// Bumped by every successful init: LVGL objects created under an older
// generation are gone (deinit or soft reset deleted them). 0 before the first.
uint32_t mp_display_generation(void);
// The running display's parameters; raises RuntimeError when inactive.
void mp_display_get_info(mp_display_info_t *info);
lv_display_t *mp_display_lv_display(void);   // NULL when inactive

// Initialise LVGL and the panel (width/height 0: the board's panel size);
// an active display is deinitialised first. Raises ValueError/OSError.
void mp_display_init(int width, int height, int rotation);
// Delete every LVGL object, give back the panel and LVGL's whole pool.
void mp_display_deinit(void);

// --- Entering LVGL -------------------------------------------------------------

// Every call into LVGL happens between enter and exit. The lock is recursive
// for the thread that holds it; other threads wait (releasing the GIL).
void mp_display_enter(void);
void mp_display_exit(void);
// Whether any thread (including this one) is inside LVGL now.
bool mp_display_busy(void);
// Whether the calling thread is inside LVGL (holds the lock).
bool mp_display_inside(void);
// Whether the lock is held more than once (LVGL code is on the stack below
// the current entry: a callback called into LVGL again).
bool mp_display_nested(void);
// Runs fn(arg) inside LVGL (raises RuntimeError when inactive). A Python
// exception from fn, or from an LVGL assertion (MemoryError when LVGL's
// pool is exhausted), leaves LVGL consistent, releases the lock and is
// re-raised to the caller.
mp_obj_t mp_display_call(mp_obj_t (*fn)(void *arg), void *arg);
// For code with its own exception boundary inside the lock (the guest
// bindings, which may run nested in LVGL's own processing): LVGL's global
// in-progress state at the boundary, and its restoration after an
// exception unwound the LVGL code entered since (its events, a timer or
// render run, a layout update, style refreshes off). Lock held; never raises.
typedef struct _mp_display_state_t {
    void *event_header;
    void *disp_refresh;
    void *indev_active;
    void *indev_obj_active;
    bool style_refresh;
    bool layout_update_mutex;
    bool timers_running;
    bool rendering;
} mp_display_state_t;
void mp_display_save(mp_display_state_t *s);
void mp_display_restore(const mp_display_state_t *s);

// --- LVGL's timers --------------------------------------------------------------

// Runs lv_timer_handler() once (inside LVGL): the only caller of it.
// Returns the milliseconds until LVGL wants to run again.
uint32_t mp_display_task_handler(void);
// Safe from any context (interrupt, other task, event-poll hook): asks
// MicroPython's scheduler to run the task handler on the main thread when
// LVGL's next timer is due. The ports call it while Python idles. Returns
// true when it scheduled a run.
bool mp_display_poll(void);
// Milliseconds until the next timer is due (0: now), for idle loops.
uint32_t mp_display_idle_ms(void);

// --- Hooks for code built on top (guest bindings) --------------------------------

// Called inside LVGL whenever any object is created / is being deleted
// (also when deinit or soft reset deletes everything). `obj` is still valid
// in `deleted`. Hooks must not raise and must not touch the GC heap from
// before_deinit at soft reset (finalisers run in any order). Nodes are owned
// by the caller (static storage).
typedef struct _mp_display_obj_hooks_t {
    void (*created)(lv_obj_t *obj);
    void (*deleted)(lv_obj_t *obj);
    // Called before LVGL is deinitialised, and after it was initialised.
    void (*before_deinit)(void);
    void (*after_init)(void);
    // Called inside LVGL at the start of every task-handler run, when the
    // lock is not held by anything else (work deferred while LVGL was busy).
    void (*before_timers)(void);
    // Called by display.task_handler() after LVGL's timers ran, outside
    // LVGL: may raise (what callbacks run by the timers left to report).
    void (*after_timers)(void);
    struct _mp_display_obj_hooks_t *next;
} mp_display_obj_hooks_t;
void mp_display_add_hooks(mp_display_obj_hooks_t *hooks);
void mp_display_remove_hooks(mp_display_obj_hooks_t *hooks);

// --- Python-facing helpers (moddisplay.c) ------------------------------------------

// Touch input in application coordinates: touch(x, y) presses, release()
// lifts; both reach LVGL at once (lv_indev_read), not at the next timer.
void mp_display_touch(int x, int y);
void mp_display_release(void);
void mp_display_backlight(int percent);
// LVGL's pool: total, free and largest free block, in bytes.
void mp_display_mem_info(size_t *total, size_t *free_bytes, size_t *largest);
// PNG of the current screen into a file on the VFS.
void mp_display_screenshot(mp_obj_t path);
// LVGL's own demos; "benchmark" returns its result, the others None.
mp_obj_t mp_display_demo(const char *name);

NORETURN void mp_display_raise(const mp_obj_type_t *type, const char *msg);
NORETURN void mp_display_raise_fmt(const mp_obj_type_t *type, const char *fmt, ...);

#endif // MICROPY_INCLUDED_DISPLAY_DISPLAY_H
