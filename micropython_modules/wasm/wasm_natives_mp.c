// The `mp` host-function family: time, logging to the REPL, random bytes.
//
//   (import "mp" "ticks_ms" (func (result i32)))        ; ms modulo 2**30
//   (import "mp" "sleep_ms" (func (param i32)))
//   (import "mp" "log" (func (param i32 i32)))            ; pointer, length
//   (import "mp" "random_bytes" (func (param i32 i32) (result i32)))

#include "py/runtime.h"
#include "py/mphal.h"
#include "wasm_native_call.h"

// Guest text goes to the console through this much stack: printing may run
// Python (a dupterm stream) that moves guest memory.
#define LOG_CHUNK 64

// Milliseconds modulo 2**30, like time.ticks_ms() on the boards: never
// negative (an i32 of the raw count turned negative after 24.9 days), and
// `(later - earlier) & (TICKS_PERIOD - 1)` is the elapsed time across a wrap.
#define TICKS_PERIOD (1u << 30)

// Leaf native (wasm_native_call.h): reads a clock, nothing else.
static bool mp_native_ticks_ms(wasm_exec_env_t exec_env, uint32_t *cells) {
    (void)exec_env;
    mp_wasm_cell_ret_i32(cells, (int32_t)((mp_wasm_port_time_ns(false) / 1000000u) & (TICKS_PERIOD - 1)));
    return true;
}

// Sleeps in short slices so that Ctrl-C still stops the guest.
static int32_t mp_native_sleep_ms(wasm_exec_env_t exec_env, uint64_t *args) {
    int32_t ms = mp_wasm_arg_i32(args, 0);
    if (ms <= 0) {
        return 0;
    }
    uint64_t deadline = mp_wasm_port_time_ns(false) + (uint64_t)ms * 1000000u;
    while (mp_wasm_native_handle_pending(exec_env)) {
        uint64_t now = mp_wasm_port_time_ns(false);
        if (now >= deadline) {
            break;
        }
        uint64_t left = deadline - now;
        mp_wasm_port_sleep_ns(left > 10000000u ? 10000000u : left);
    }
    return 0;
}

static int32_t mp_native_log(wasm_exec_env_t exec_env, uint64_t *args) {
    uint32_t msg = mp_wasm_arg_u32(args, 0), len = mp_wasm_arg_u32(args, 1);
    if (!mp_wasm_guest_check(exec_env, msg, len)) {
        return 0; // traps: nothing is printed
    }
    mp_print_str(&mp_plat_print, "[wasm] ");
    char chunk[LOG_CHUNK];
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < LOG_CHUNK ? len - done : LOG_CHUNK;
        if (!mp_wasm_guest_read(exec_env, msg + done, chunk, n)) {
            return 0;
        }
        mp_print_strn(&mp_plat_print, chunk, n, 0, 0, 0);
        done += n;
    }
    mp_print_str(&mp_plat_print, "\n");
    return 0;
}

// Leaf native: the port's random source is plain C (no Python, no raise).
// Also WASI's random_get (same arguments; 0 is its ESUCCESS).
bool mp_wasm_native_random_bytes(wasm_exec_env_t exec_env, uint32_t *cells) {
    uint32_t len = mp_wasm_cell_u32(cells, 1);
    // Filled in place: no Python code runs in between.
    uint8_t *buf = mp_wasm_guest_ptr(exec_env, mp_wasm_cell_u32(cells, 0), len);
    if (buf == NULL) {
        return false;
    }
    if (len != 0) {
        mp_wasm_port_random(buf, len);
    }
    mp_wasm_cell_ret_i32(cells, 0);
    return true;
}

#define NATIVE(name, sig) MP_WASM_NATIVE(#name, mp_native_##name, sig)
#define LEAF_NATIVE(name, sig) MP_WASM_LEAF_NATIVE(#name, mp_native_##name, sig)

// WAMR sorts registered arrays in place: these tables must stay writable.
NativeSymbol mp_wasm_natives_mp[] = {
    NATIVE(sleep_ms, "(i)"),
    NATIVE(log, "(ii)"),
};

const size_t mp_wasm_natives_mp_len = MP_ARRAY_SIZE(mp_wasm_natives_mp);

NativeSymbol mp_wasm_natives_mp_leaf[] = {
    LEAF_NATIVE(ticks_ms, "()i"),
    MP_WASM_LEAF_NATIVE("random_bytes", mp_wasm_native_random_bytes, "(ii)i"),
};

const size_t mp_wasm_natives_mp_leaf_len = MP_ARRAY_SIZE(mp_wasm_natives_mp_leaf);
