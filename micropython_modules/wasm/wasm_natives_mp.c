// The `mp` host-function family: time, logging to the REPL, random bytes.
//
//   (import "mp" "ticks_ms" (func (result i32)))        ; ms modulo 2**30
//   (import "mp" "sleep_ms" (func (param i32)))
//   (import "mp" "log" (func (param i32 i32)))            ; pointer, length
//   (import "mp" "random_bytes" (func (param i32 i32) (result i32)))

#include "py/runtime.h"
#include "py/mphal.h"
#include "modwasm.h"

// Milliseconds modulo 2**30, like time.ticks_ms() on the boards: never
// negative (an i32 of the raw count turned negative after 24.9 days), and
// `(later - earlier) & (TICKS_PERIOD - 1)` is the elapsed time across a wrap.
#define TICKS_PERIOD (1u << 30)

static int32_t mp_native_ticks_ms(wasm_exec_env_t exec_env) {
    (void)exec_env;
    return (int32_t)((mp_wasm_port_time_ns(false) / 1000000u) & (TICKS_PERIOD - 1));
}

// Sleeps in short slices so that Ctrl-C still stops the guest.
static void mp_native_sleep_ms(wasm_exec_env_t exec_env, int32_t ms) {
    if (ms <= 0) {
        return;
    }
    mp_obj_wasm_instance_t *inst = wasm_runtime_get_custom_data(wasm_runtime_get_module_inst(exec_env));
    uint64_t deadline = mp_wasm_port_time_ns(false) + (uint64_t)ms * 1000000u;
    for (;;) {
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            mp_handle_pending(true);
            nlr_pop();
        } else {
            mp_wasm_instance_set_host_exception(inst, MP_OBJ_FROM_PTR(nlr.ret_val));
            return;
        }
        uint64_t now = mp_wasm_port_time_ns(false);
        if (now >= deadline) {
            return;
        }
        uint64_t left = deadline - now;
        mp_wasm_port_sleep_ns(left > 10000000u ? 10000000u : left);
    }
}

// `msg` and `len` were range-checked by WAMR (signature "*~").
static void mp_native_log(wasm_exec_env_t exec_env, const char *msg, uint32_t len) {
    (void)exec_env;
    mp_printf(&mp_plat_print, "[wasm] %.*s\n", (int)len, msg);
}

static int32_t mp_native_random_bytes(wasm_exec_env_t exec_env, uint8_t *buf, uint32_t len) {
    (void)exec_env;
    mp_wasm_port_random(buf, len);
    return 0;
}

#define NATIVE(name, sig) { #name, (void *)mp_native_##name, sig, NULL }

// WAMR sorts registered arrays in place: this table must stay writable.
NativeSymbol mp_wasm_natives_mp[] = {
    NATIVE(ticks_ms, "()i"),
    NATIVE(sleep_ms, "(i)"),
    NATIVE(log, "(*~)"),
    NATIVE(random_bytes, "(*~)i"),
};

const size_t mp_wasm_natives_mp_len = MP_ARRAY_SIZE(mp_wasm_natives_mp);
