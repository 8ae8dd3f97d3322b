// A model of what wasm_port_esp32.c's Ctrl-C polling and deadline timer
// use: esp_timer one-shot timers (the test fires the callback by hand),
// FreeRTOS critical sections, the module's stop request and deadline check,
// MicroPython's pending exception.
// main() runs a scripted sequence and prints key=value pairs.
#include <stdio.h>
#include <string.h>

#include "esp_random.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#include "py/runtime.h"
#include "py/mpstate.h"

#include "modwasm.h"

mp_state_ctx_t mp_state_ctx;

// Two timers at most: the Ctrl-C poll's and the deadline's.
static esp_timer_cb_t timer_cbs[2];
static int creates, starts, stops, armed, double_arm, requests;
// The deadline timer: its state, what it was last armed for, and what the
// module's check returns next (microseconds still to go).
static int deadline_armed, deadline_checks, deadline_unlocked_checks;
static uint64_t deadline_us, deadline_left;
static int critical_depth;

esp_err_t esp_timer_create(const esp_timer_create_args_t *args, esp_timer_handle_t *out) {
    timer_cbs[creates] = args->callback;
    *out = (esp_timer_handle_t)&timer_cbs[creates];
    creates++;
    return ESP_OK;
}

static bool is_deadline(esp_timer_handle_t timer) {
    return (esp_timer_cb_t *)timer == &timer_cbs[1];
}

esp_err_t esp_timer_start_once(esp_timer_handle_t timer, uint64_t timeout_us) {
    if (is_deadline(timer)) {
        double_arm += deadline_armed;
        deadline_armed = 1;
        deadline_us = timeout_us;
        return ESP_OK;
    }
    (void)timeout_us;
    double_arm += armed; // ESP-IDF refuses to start a running timer
    armed = 1;
    starts++;
    return ESP_OK;
}

esp_err_t esp_timer_start_periodic(esp_timer_handle_t timer, uint64_t period) {
    (void)timer;
    (void)period;
    return -1;
}

esp_err_t esp_timer_stop(esp_timer_handle_t timer) {
    if (is_deadline(timer)) {
        deadline_armed = 0;
        return ESP_OK;
    }
    stops++;
    return ESP_OK;
}

int64_t esp_timer_get_time(void) {
    return 0;
}

void esp_fill_random(void *buf, size_t len) {
    memset(buf, 0, len);
}

void vTaskDelay(const TickType_t ticks) {
    (void)ticks;
}

void vPortEnterCritical(portMUX_TYPE *mux) {
    mux->count++;
    critical_depth++;
}

void vPortExitCritical(portMUX_TYPE *mux) {
    mux->count--;
    critical_depth--;
}

// The module's deadline check: must run under the interrupt lock.
uint64_t mp_wasm_deadline_timer(void) {
    deadline_checks++;
    deadline_unlocked_checks += critical_depth == 0;
    uint64_t left = deadline_left;
    deadline_left = 0;
    return left;
}

bool mp_wasm_request_interrupt(void) {
    requests++;
    return true;
}

// The timer task runs the callback of an armed timer.
static void fire(void) {
    if (armed) {
        armed = 0;
        timer_cbs[0](NULL);
    }
}

static void fire_deadline(void) {
    if (deadline_armed) {
        deadline_armed = 0;
        timer_cbs[1](NULL);
    }
}

static void report_deadline(const char *step) {
    printf("%s=%d,%llu,%d,%d\n", step, deadline_armed, (unsigned long long)deadline_us,
        deadline_checks, deadline_unlocked_checks);
}

static void report(const char *step) {
    printf("%s=%d,%d,%d,%d\n", step, starts, armed, requests, double_arm);
}

int main(void) {
    // 1000 back-to-back guest calls: one timer start, no timer call per call.
    for (int i = 0; i < 1000; i++) {
        mp_wasm_port_guest_enter();
        mp_wasm_port_guest_exit();
    }
    report("calls");
    // A long guest call: the timer re-arms itself on every poll.
    mp_wasm_port_guest_enter();
    for (int i = 0; i < 50; i++) {
        fire();
    }
    report("running");
    // Ctrl-C arrives: the next poll stops the guest.
    MP_STATE_MAIN_THREAD(mp_pending_exception) = MP_OBJ_FROM_PTR(&MP_STATE_VM(mp_kbd_exception));
    fire();
    report("ctrl_c");
    mp_wasm_port_guest_exit();
    MP_STATE_MAIN_THREAD(mp_pending_exception) = MP_OBJ_NULL;
    // Idle: after GUEST_IDLE_POLLS more polls the timer stays off.
    for (int i = 0; i < 30; i++) {
        fire();
    }
    report("idle");
    // A pending Ctrl-C with no guest running is left to MicroPython.
    MP_STATE_MAIN_THREAD(mp_pending_exception) = MP_OBJ_FROM_PTR(&MP_STATE_VM(mp_kbd_exception));
    mp_wasm_port_guest_enter();
    mp_wasm_port_guest_exit();
    fire();
    report("after");
    printf("creates=%d stops=%d\n", creates, stops);
    // The deadline timer: created once, armed for the time asked, re-armed
    // for what the module's check says is left, and stopped on disarm.
    mp_wasm_port_deadline_init();
    mp_wasm_port_deadline_init();
    mp_wasm_port_deadline_arm(250000);
    report_deadline("deadline_armed");
    deadline_left = 1200;
    fire_deadline();
    report_deadline("deadline_early");
    fire_deadline();
    report_deadline("deadline_passed");
    mp_wasm_port_deadline_arm(5000);
    mp_wasm_port_deadline_disarm();
    report_deadline("deadline_disarmed");
    printf("deadline_creates=%d double_arm=%d\n", creates, double_arm);
    return 0;
}
