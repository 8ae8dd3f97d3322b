// Port hooks of the `display` module on unix: the clock, and LVGL's timers
// while Python idles. MicroPython's event-poll hook
// (MICROPY_INTERNAL_EVENT_HOOK, set by the module's micropython.mk) covers
// time.sleep_ms()/sleep_us() and every other mp_event_wait_*(); the REPL
// reads stdin with a blocking read(), so that read is wrapped (linked with
// --wrap=mp_hal_stdin_rx_chr) to wait in poll() and run the hook each time
// LVGL's next timer is due.

#include <errno.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "py/mpthread.h"

#include "display.h"
#include "display_driver.h"

uint64_t mp_display_port_time_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void mp_display_port_start(void) {
}

void mp_display_port_stop(void) {
}

int __real_mp_hal_stdin_rx_chr(void);

int __wrap_mp_hal_stdin_rx_chr(void) {
    #if MICROPY_PY_OS_DUPTERM
    bool dupterm = MP_STATE_VM(dupterm_objs[0]) != MP_OBJ_NULL;
    #else
    bool dupterm = false;
    #endif
    while (mp_display_active() && !dupterm) {
        struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
        MP_THREAD_GIL_EXIT();
        int ready = poll(&pfd, 1, (int)mp_display_idle_ms());
        MP_THREAD_GIL_ENTER();
        if (ready > 0 || (ready < 0 && errno != EINTR)) {
            break; // input (or an error the real read reports)
        }
        mp_event_handle_nowait();
    }
    return __real_mp_hal_stdin_rx_chr();
}
