// Instance limits: fuel (the interpreters' instruction metering), a
// wall-clock deadline per call, and the memory cap's checks.

#include "py/runtime.h"
#include "modwasm.h"

// An int argument within [lo, hi] (big ints included, so that 2**31 is a
// ValueError on every port, not an OverflowError on some).
static mp_int_t int_in_range(mp_obj_t obj, mp_int_t lo, mp_int_t hi, const char *name) {
    if (!mp_obj_is_int(obj)) {
        mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("%s must be an int or None"), name);
    }
    if (mp_obj_is_true(mp_binary_op(MP_BINARY_OP_LESS, obj, mp_obj_new_int(lo)))
        || mp_obj_is_true(mp_binary_op(MP_BINARY_OP_MORE, obj, mp_obj_new_int(hi)))) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s must be between %d and %d"),
            name, (int)lo, (int)hi);
    }
    return mp_obj_get_int(obj);
}

// --- Fuel ---------------------------------------------------------------

int mp_wasm_fuel_from_obj(const mp_wasm_module_ref_t *mref, mp_obj_t fuel) {
    if (fuel == mp_const_none) {
        return -1;
    }
    if (mref->is_aot) {
        // AOT code is never metered: refusing beats running it unlimited.
        mp_raise_ValueError(MP_ERROR_TEXT("fuel needs an interpreter; this module is AOT"));
    }
    #if !WASM_ENABLE_INSTRUCTION_METERING
    mp_raise_ValueError(MP_ERROR_TEXT("fuel needs instruction metering, which this firmware leaves out (fast interpreter)"));
    #endif
    return (int)int_in_range(fuel, 0, INT32_MAX, "fuel");
}

mp_obj_t mp_wasm_fuel_get(mp_obj_wasm_instance_t *self) {
    int left = self->mref->is_aot ? -1 : mp_wasm_exec_env_fuel(self->exec_env);
    return left < 0 ? mp_const_none : mp_obj_new_int(left);
}

// Also from a host function while the guest runs: the interpreter reloads
// the count when the host function returns (WAMR patch 0080).
void mp_wasm_fuel_set(mp_obj_wasm_instance_t *self, mp_obj_t fuel) {
    mp_wasm_exec_env_set_fuel(self->exec_env, mp_wasm_fuel_from_obj(self->mref, fuel));
}

// --- Memory cap -----------------------------------------------------------

// WAMR would silently use the module's own limit instead. A module without
// memory has a maximum of 0 pages (its AOT file has a memory of 0 pages).
void mp_wasm_max_pages_check(const mp_wasm_module_ref_t *mref, mp_int_t max_pages) {
    uint32_t init = 0, max = 0;
    bool has_max;
    if (max_pages == 0) {
        return;
    }
    mp_wasm_module_memory_pages(mref->module, &init, &max, &has_max);
    if ((uint32_t)max_pages > max) {
        mp_raise_msg_varg(&mp_type_ValueError,
            MP_ERROR_TEXT("max_pages=%d is above the module's maximum of %u pages"), (int)max_pages,
            (unsigned)max);
    }
    if ((uint32_t)max_pages < init) {
        mp_raise_msg_varg(&mp_type_ValueError,
            MP_ERROR_TEXT("max_pages=%d is below the module's initial %u pages"), (int)max_pages,
            (unsigned)init);
    }
}

// --- Deadlines ------------------------------------------------------------

// The deadline in force (the earliest of the running calls'; monotonic ns,
// 0: none), its length for the message, and whether it passed. Changed on
// the main thread under the port's interrupt lock; the port's timer (a
// signal handler on unix, the esp_timer task on ESP32) reads them.
static volatile uint64_t deadline_ns;
static volatile uint32_t deadline_ms;
volatile bool mp_wasm_deadline_passed;

uint32_t mp_wasm_timeout_from_obj(mp_obj_t timeout_ms) {
    if (timeout_ms == mp_const_none) {
        return 0;
    }
    uint32_t ms = (uint32_t)int_in_range(timeout_ms, 1, INT32_MAX, "timeout_ms");
    if (!mp_wasm_port_deadline_init()) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("timeout_ms: this port has no timer for it"));
    }
    return ms;
}

static void set_deadline(uint64_t ns, uint32_t ms) {
    mp_wasm_port_interrupt_lock();
    deadline_ns = ns;
    deadline_ms = ms;
    mp_wasm_port_interrupt_unlock();
}

void mp_wasm_deadline_start(mp_wasm_deadline_t *d, uint32_t timeout_ms, wasm_exec_env_t exec_env) {
    if (mp_wasm_deadline_passed) {
        // An outer call's deadline passed and its host function called on.
        mp_wasm_exec_env_request_stop(exec_env);
        return;
    }
    if (timeout_ms == 0) {
        return;
    }
    uint64_t end = mp_wasm_port_time_ns(false) + (uint64_t)timeout_ms * 1000000u;
    if (deadline_ns != 0 && deadline_ns <= end) {
        return; // an outer call's deadline comes first
    }
    d->armed = true;
    d->outer_ns = deadline_ns;
    d->outer_ms = deadline_ms;
    set_deadline(end, timeout_ms);
    mp_wasm_port_deadline_arm((uint64_t)timeout_ms * 1000u);
}

uint32_t mp_wasm_deadline_end(mp_wasm_deadline_t *d) {
    if (!d->armed) {
        // The caller is inside the same deadline: it stops too.
        mp_wasm_stop_running_guest();
        return deadline_ms;
    }
    mp_wasm_port_deadline_disarm();
    // One locked step: a timer callback already under way (ESP32) then
    // sees the outer deadline, never half of each.
    mp_wasm_port_interrupt_lock();
    uint32_t passed = mp_wasm_deadline_passed ? deadline_ms : 0;
    mp_wasm_deadline_passed = false;
    deadline_ns = d->outer_ns;
    deadline_ms = d->outer_ms;
    mp_wasm_port_interrupt_unlock();
    if (d->outer_ns != 0) {
        uint64_t now = mp_wasm_port_time_ns(false);
        if (now >= d->outer_ns) {
            mp_wasm_deadline_passed = true;
            mp_wasm_stop_running_guest();
        } else {
            mp_wasm_port_deadline_arm((d->outer_ns - now + 999) / 1000);
        }
    }
    return passed;
}

// The port's timer fired: stops the running guest if the deadline passed,
// else returns the microseconds still to go (the port re-arms for them).
uint64_t mp_wasm_deadline_timer(void) {
    if (deadline_ns == 0 || mp_wasm_deadline_passed) {
        return 0;
    }
    uint64_t now = mp_wasm_port_time_ns(false);
    if (now < deadline_ns) {
        return (deadline_ns - now + 999) / 1000;
    }
    mp_wasm_deadline_passed = true;
    mp_wasm_stop_running_guest();
    return 0;
}
