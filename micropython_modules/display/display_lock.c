// Entering LVGL: the one lock, the exception boundary around every entry,
// LVGL's assertion handler and its log output.
//
// LVGL is not reentrant and has no OS layer here (LV_USE_OS_NONE), so every
// caller goes through mp_display_call() / mp_display_enter(). The lock is
// recursive for its owner (an LVGL event may call back into code that enters
// again) and, on threaded ports, other threads wait for it with the GIL
// released. The scheduler's timer run never waits: it skips while LVGL is busy.

#include <stdarg.h>
#include <string.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "py/mpthread.h"

#include "display.h"
#include "display_internal.h"
#include "display_pool.h"

#include "lvgl_private.h"

static volatile int lock_depth;

#if MICROPY_PY_THREAD
static mp_thread_mutex_t lock_mutex;
static bool lock_mutex_ready;
static mp_state_thread_t *volatile lock_owner;
#endif

void mp_display_enter(void) {
    #if MICROPY_PY_THREAD
    if (!lock_mutex_ready) {
        mp_thread_mutex_init(&lock_mutex);
        lock_mutex_ready = true;
    }
    mp_state_thread_t *me = mp_thread_get_state();
    if (lock_owner != me) {
        if (!mp_thread_mutex_lock(&lock_mutex, 0)) {
            MP_THREAD_GIL_EXIT();
            mp_thread_mutex_lock(&lock_mutex, 1);
            MP_THREAD_GIL_ENTER();
        }
        lock_owner = me;
    }
    #endif
    lock_depth++;
}

void mp_display_exit(void) {
    lock_depth--;
    #if MICROPY_PY_THREAD
    if (lock_depth == 0) {
        lock_owner = NULL;
        mp_thread_mutex_unlock(&lock_mutex);
    }
    #endif
}

bool mp_display_busy(void) {
    return lock_depth > 0;
}

bool mp_display_nested(void) {
    return lock_depth > 1;
}

bool mp_display_inside(void) {
    #if MICROPY_PY_THREAD
    return lock_depth > 0 && lock_owner == mp_thread_get_state();
    #else
    return lock_depth > 0;
    #endif
}

// An exception left LVGL half-way through something: clear the flags that
// would otherwise block it for good, and redraw everything next time.
void mp_display_save(mp_display_state_t *s) {
    lv_global_t *g = LV_GLOBAL_DEFAULT();
    s->event_header = g->event_header;
    s->disp_refresh = g->disp_refresh;
    s->indev_active = g->indev_active;
    s->indev_obj_active = g->indev_obj_active;
    s->style_refresh = g->style_refresh;
    s->layout_update_mutex = g->layout_update_mutex;
    s->timers_running = g->timer_state.already_running;
    lv_display_t *disp = mp_display_lv_display();
    s->rendering = disp != NULL && disp->rendering_in_progress;
}

// An exception left LVGL half-way through something: what it was doing
// since the save is abandoned (events it was sending from frames that are
// gone, a timer or render run), and everything is redrawn next time.
void mp_display_restore(const mp_display_state_t *s) {
    lv_global_t *g = LV_GLOBAL_DEFAULT();
    g->event_header = s->event_header;
    g->disp_refresh = s->disp_refresh;
    g->indev_active = s->indev_active;
    g->indev_obj_active = s->indev_obj_active;
    g->style_refresh = s->style_refresh;
    g->layout_update_mutex = s->layout_update_mutex;
    g->timer_state.already_running = s->timers_running;
    lv_display_t *disp = mp_display_lv_display();
    if (disp != NULL && !s->rendering) {
        disp->rendering_in_progress = false;
        disp->flushing = 0;
        disp->flushing_last = 0;
        // A guest may have deleted the active screen: none to redraw then.
        lv_obj_t *scr = lv_display_get_screen_active(disp);
        if (scr != NULL) {
            lv_obj_invalidate(scr);
        }
    }
}

mp_obj_t mp_display_call(mp_obj_t (*fn)(void *arg), void *arg) {
    if (!mp_display_active()) {
        mp_display_raise(&mp_type_RuntimeError, "display not initialised: call display.init() first");
    }
    mp_display_enter();
    mp_display_state_t saved;
    mp_display_save(&saved);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t result = fn(arg);
        nlr_pop();
        mp_display_exit();
        return result;
    }
    if (mp_display_active()) {
        nlr_buf_t nlr2;
        if (nlr_push(&nlr2) == 0) {
            mp_display_restore(&saved);
            nlr_pop();
        }
    }
    mp_display_exit();
    nlr_jump(nlr.ret_val);
}

// Plain-string messages: the module's own files are not QSTR-scanned, so
// they cannot use MP_ERROR_TEXT (compressed on the boards).
NORETURN void mp_display_raise(const mp_obj_type_t *type, const char *msg) {
    mp_raise_type_arg(type, mp_obj_new_str(msg, strlen(msg)));
}

NORETURN void mp_display_raise_fmt(const mp_obj_type_t *type, const char *fmt, ...) {
    vstr_t vstr;
    mp_print_t print;
    vstr_init_print(&vstr, 64, &print);
    va_list ap;
    va_start(ap, fmt);
    mp_vprintf(&print, fmt, ap);
    va_end(ap);
    mp_raise_type_arg(type, mp_obj_new_str_from_vstr(&vstr));
}

// --- LVGL's log and assertions ---------------------------------------------------

// The last error line LVGL logged: an assertion logs its expression just
// before calling the handler.
static char last_error[120];

static void lvgl_log(lv_log_level_t level, const char *buf) {
    // "[Error]\t(...) func: text\n": keep the text after the function name.
    const char *text = strstr(buf, ": ");
    text = text != NULL ? text + 2 : buf;
    size_t len = strcspn(text, "\r\n");
    if (level >= LV_LOG_LEVEL_ERROR) {
        size_t n = len < sizeof(last_error) - 1 ? len : sizeof(last_error) - 1;
        memcpy(last_error, text, n);
        last_error[n] = '\0';
    }
    mp_printf(&mp_plat_print, "lvgl: %s: %.*s\n", level >= LV_LOG_LEVEL_ERROR ? "error" : "warning",
        (int)len, text);
}

void mp_display_log_init(void) {
    last_error[0] = '\0';
    lv_log_register_print_cb(lvgl_log);
}

void mp_display_lvgl_assert_failed(void) {
    if (strstr(last_error, "Out of memory") != NULL) {
        mp_display_raise(&mp_type_MemoryError, "LVGL's memory pool is exhausted");
    }
    mp_display_raise_fmt(&mp_type_RuntimeError, "LVGL assertion failed: %s",
        last_error[0] ? last_error : "(no message)");
}
