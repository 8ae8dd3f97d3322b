// Port hooks of the `wasm` module on ESP32 (ESP-IDF): entropy from the
// hardware RNG, clocks from esp_timer and the system time, sleeping through
// FreeRTOS, and Ctrl-C for running guests.
//
// Ctrl-C: the port's UART and USB Serial/JTAG drivers see Ctrl-C in their
// interrupt handlers and call mp_sched_keyboard_interrupt(), which only marks
// a KeyboardInterrupt pending on the main thread; nothing looks at that while
// WAMR runs a guest. So while guests run, a 10 ms esp_timer polls for that
// pending KeyboardInterrupt and stops the guest with
// mp_wasm_request_interrupt() (WAMR's thread-manager suspend flag, checked
// at every branch by the interpreters and in loops by AOT code). The timer
// callback runs in the esp_timer task, not in an ISR, so none of this has to
// live in IRAM. Guest calls cost no system call: the first call after an
// idle spell arms the timer, which re-arms itself until no guest has run for
// GUEST_IDLE_POLLS periods; a call only sets flags. TinyUSB CDC (ESP32-S2/S3
// native USB) and dupterm streams see Ctrl-C only when MicroPython's
// scheduler runs, which it does not while a guest computes: the WAMR boards
// use UART and USB Serial/JTAG consoles.

#include <sys/time.h>

#include "esp_random.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#include "py/runtime.h"
#include "py/mpstate.h"

#include "modwasm.h"

#define GUEST_POLL_PERIOD_US (10 * 1000)
#define GUEST_IDLE_POLLS (10)

void mp_wasm_port_random(uint8_t *buf, size_t len) {
    // True random numbers while the RF subsystem (or the bootloader's
    // entropy source) runs; pseudo-random otherwise (ESP-IDF's caveat).
    esp_fill_random(buf, len);
}

uint64_t mp_wasm_port_time_ns(bool realtime) {
    if (realtime) {
        // The system time: set by machine.RTC().datetime() or NTP.
        struct timeval tv;
        gettimeofday(&tv, NULL);
        return (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
    }
    return (uint64_t)esp_timer_get_time() * 1000u;
}

// ESP-IDF's clock() counts since boot, idle included: not CPU time, so the
// guest gets EINVAL for the CPU-time clocks.
bool mp_wasm_port_cputime_ns(bool thread, uint64_t *now, uint64_t *resolution) {
    (void)thread;
    (void)now;
    (void)resolution;
    return false;
}

// Never calls mp_handle_pending(): this runs inside a guest call, where a
// Python exception must not unwind through WAMR (the WASI layer checks for
// pending exceptions between slices itself). Whole RTOS ticks are slept with
// vTaskDelay so other tasks (Wi-Fi, idle) get the CPU; the rest is waited
// out on the microsecond clock, so the sleep is never shorter than asked.
void mp_wasm_port_sleep_ns(uint64_t ns) {
    int64_t us = (int64_t)(ns / 1000u);
    int64_t end = esp_timer_get_time() + us;
    const int64_t tick_us = (int64_t)portTICK_PERIOD_MS * 1000;
    if (us >= tick_us) {
        vTaskDelay((TickType_t)(us / tick_us));
    }
    while (esp_timer_get_time() < end) {
    }
}

// littlefs and FAT have no symlinks: the module's lexical check is the
// whole story on this port.
bool mp_wasm_port_path_contained(const char *root, const char *path) {
    (void)root;
    (void)path;
    return true;
}

bool mp_wasm_port_may_move(const char *path) {
    (void)path;
    return true;
}

static esp_timer_handle_t guest_poll_timer;
static portMUX_TYPE guest_poll_mux = portMUX_INITIALIZER_UNLOCKED;
// Under guest_poll_mux: how deep guests run now, whether one ran since the
// last poll, whether the timer runs, and polls since a guest last ran.
static unsigned guest_depth;
static bool guest_ran, timer_running;
static unsigned idle_polls;

// The module changes its running guest (nested calls included) under this
// lock, and the timer task requests stops under it: a request never reaches
// an exec env that has returned and may be freed.
void mp_wasm_port_interrupt_lock(void) {
    portENTER_CRITICAL(&guest_poll_mux);
}

void mp_wasm_port_interrupt_unlock(void) {
    portEXIT_CRITICAL(&guest_poll_mux);
}

// A one-shot timer that re-arms itself while guests run and for
// GUEST_IDLE_POLLS periods after the last one.
static void guest_poll(void *arg) {
    (void)arg;
    portENTER_CRITICAL(&guest_poll_mux);
    if (guest_depth > 0
        && MP_STATE_MAIN_THREAD(mp_pending_exception) == MP_OBJ_FROM_PTR(&MP_STATE_VM(mp_kbd_exception))) {
        mp_wasm_request_interrupt();
    }
    if (guest_depth > 0 || guest_ran) {
        idle_polls = 0;
    }
    bool again = guest_depth > 0 || guest_ran || ++idle_polls < GUEST_IDLE_POLLS;
    guest_ran = false;
    timer_running = again;
    portEXIT_CRITICAL(&guest_poll_mux);
    if (again) {
        esp_timer_start_once(guest_poll_timer, GUEST_POLL_PERIOD_US);
    }
}

// Called around the outermost guest call only (wasm_instance.c).
void mp_wasm_port_guest_enter(void) {
    if (guest_poll_timer == NULL) {
        const esp_timer_create_args_t args = {
            .callback = guest_poll,
            .dispatch_method = ESP_TIMER_TASK,
            .name = "wasm_ctrl_c",
        };
        if (esp_timer_create(&args, &guest_poll_timer) != ESP_OK) {
            // Without the timer the guest still runs; only Ctrl-C cannot stop it.
            guest_poll_timer = NULL;
            return;
        }
    }
    portENTER_CRITICAL(&guest_poll_mux);
    guest_depth++;
    guest_ran = true;
    bool start = !timer_running;
    timer_running = true;
    portEXIT_CRITICAL(&guest_poll_mux);
    if (start) {
        // Only after an idle spell: back-to-back calls find it armed.
        esp_timer_start_once(guest_poll_timer, GUEST_POLL_PERIOD_US);
    }
}

// The deadline of calls with a time limit: a one-shot esp_timer (the clock
// of mp_wasm_port_time_ns), whose callback runs in the esp_timer task and
// so stops the guest under the interrupt lock, as guest_poll does.
static esp_timer_handle_t deadline_timer;

static void deadline_fired(void *arg) {
    (void)arg;
    portENTER_CRITICAL(&guest_poll_mux);
    uint64_t us = mp_wasm_deadline_timer();
    portEXIT_CRITICAL(&guest_poll_mux);
    if (us != 0) {
        esp_timer_start_once(deadline_timer, us);
    }
}

bool mp_wasm_port_deadline_init(void) {
    if (deadline_timer != NULL) {
        return true;
    }
    const esp_timer_create_args_t args = {
        .callback = deadline_fired,
        .dispatch_method = ESP_TIMER_TASK,
        .name = "wasm_deadline",
    };
    if (esp_timer_create(&args, &deadline_timer) != ESP_OK) {
        deadline_timer = NULL;
        return false;
    }
    return true;
}

void mp_wasm_port_deadline_arm(uint64_t us) {
    esp_timer_stop(deadline_timer); // not running: a harmless error
    esp_timer_start_once(deadline_timer, us);
}

void mp_wasm_port_deadline_disarm(void) {
    esp_timer_stop(deadline_timer);
}

void mp_wasm_port_guest_exit(void) {
    portENTER_CRITICAL(&guest_poll_mux);
    if (guest_depth > 0) {
        guest_depth--;
    }
    portEXIT_CRITICAL(&guest_poll_mux);
}
