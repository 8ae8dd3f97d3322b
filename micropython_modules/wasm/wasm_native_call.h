// How WAMR enters the module, and how native functions reach guest memory.
// Everything a native function (WASI, the `mp` family, Python imports, future
// generated bindings) needs to stay safe against a hostile guest.
//
// 1. Entry. Every native is registered with WAMR's raw calling convention
//    and reached through mp_wasm_native_run(), which runs it under nlr_push:
//    a MicroPython exception never unwinds through WAMR's frames. WASI-style
//    natives (MP_WASM_ERRNO_NATIVE) get OSError, UnicodeError and MemoryError
//    back as a WASI errno result; any other exception (and any exception in a
//    plain MP_WASM_NATIVE) stops the guest and is re-raised, unchanged, from
//    the Python call that entered the guest.
//
// 2. Arguments. A native reads its arguments from `args`, one 64-bit slot per
//    wasm parameter (mp_wasm_arg_*), and leaves its result in args[0]
//    (mp_wasm_ret_*). Guest pointers arrive as plain offsets.
//
// 3. Leaf natives (MP_WASM_LEAF_NATIVE) are the fast path for small
//    functions that only compute or read a clock: WAMR calls them directly,
//    without a frame, argument conversion, nlr_push or the sync of shared
//    globals (WAMR patch 0093). The price is what they may do: no MicroPython
//    API that can raise or allocate on its heap (an allocation may run a
//    finaliser, i.e. Python), no Python, no call back into wasm. They read
//    their arguments from `cells` (mp_wasm_cell_u32: one 32-bit cell per
//    i32, two per i64, which start only 4-byte aligned), write the result
//    over them (mp_wasm_cell_ret_i32), and
//    return false only after raising a trap (a failed mp_wasm_guest_* check).
//
// 4. Guest memory is addressed by offset and translated at the moment of
//    each access (mp_wasm_guest_*). Any Python code (a stream or VFS method,
//    mp_handle_pending(), a GC finaliser run by an allocation) may re-enter
//    the guest and grow, i.e. move, its memory: a native never keeps a host
//    pointer into linear memory across a call that may run Python.
#ifndef MICROPY_INCLUDED_WASM_NATIVE_CALL_H
#define MICROPY_INCLUDED_WASM_NATIVE_CALL_H

#include <string.h>
#include "modwasm.h"

// A native function. Its int32 return value is the WASI errno result for
// MP_WASM_ERRNO_NATIVE functions and ignored for the others.
typedef int32_t (*mp_wasm_native_fn_t)(wasm_exec_env_t exec_env, uint64_t *args);

// Runs `fn` for the guest on `exec_env` (see 1. above).
void mp_wasm_native_run(wasm_exec_env_t exec_env, uint64_t *args, mp_wasm_native_fn_t fn,
    bool errno_result);

// Raw entry points WAMR calls; the NativeSymbol's attachment is the function.
void mp_wasm_native_entry(wasm_exec_env_t exec_env, uint64_t *args);
void mp_wasm_errno_entry(wasm_exec_env_t exec_env, uint64_t *args);

// NativeSymbol rows (register the tables with wasm_runtime_register_natives_raw).
#define MP_WASM_NATIVE(name, fn, sig) { name, (void *)mp_wasm_native_entry, sig, (void *)(fn) }
#define MP_WASM_ERRNO_NATIVE(name, fn, sig) { name, (void *)mp_wasm_errno_entry, sig, (void *)(fn) }

// A leaf native (see 3. above); tables of these are registered with
// wasm_runtime_register_natives_leaf.
typedef bool (*mp_wasm_leaf_fn_t)(wasm_exec_env_t exec_env, uint32_t *cells);
#define MP_WASM_LEAF_NATIVE(name, fn, sig) { name, (void *)(mp_wasm_leaf_fn_t)(fn), sig, NULL }

// mp.random_bytes(ptr, len) and WASI's random_get(ptr, len): fills the
// range with the port's random bytes, result 0 (wasm_natives_mp.c).
bool mp_wasm_native_random_bytes(wasm_exec_env_t exec_env, uint32_t *cells);

// The Python instance a native runs for (never NULL inside a native).
static inline mp_obj_wasm_instance_t *mp_wasm_native_instance(wasm_exec_env_t exec_env) {
    return wasm_runtime_get_custom_data(wasm_runtime_get_module_inst(exec_env));
}

// Stops the guest with `exc`, to be re-raised from the call that entered it.
void mp_wasm_native_fail(wasm_exec_env_t exec_env, mp_obj_t exc);

// Runs pending callbacks and delivers a pending KeyboardInterrupt (Ctrl-C).
// Whatever they raise is the host's, never an errno: it stops the guest
// (false is returned) and reaches the Python caller.
bool mp_wasm_native_handle_pending(wasm_exec_env_t exec_env);

// WASI errno for an exception, or 0 if it must stop the guest instead
// (wasm_wasi_errno.c).
int32_t mp_wasm_wasi_errno_of(mp_obj_t exc);

// --- Arguments and results (WAMR stores each value at the start of its slot) ---

static inline uint32_t mp_wasm_arg_u32(const uint64_t *args, size_t i) {
    uint32_t v;
    memcpy(&v, &args[i], sizeof(v));
    return v;
}

static inline int32_t mp_wasm_arg_i32(const uint64_t *args, size_t i) {
    return (int32_t)mp_wasm_arg_u32(args, i);
}

static inline int64_t mp_wasm_arg_i64(const uint64_t *args, size_t i) {
    int64_t v;
    memcpy(&v, &args[i], sizeof(v));
    return v;
}

static inline void mp_wasm_ret_i32(uint64_t *args, int32_t v) {
    memcpy(&args[0], &v, sizeof(v));
}

// --- Leaf natives' arguments and results (cells of 32 bits, see 3. above) ---

static inline uint32_t mp_wasm_cell_u32(const uint32_t *cells, size_t i) {
    return cells[i];
}

static inline void mp_wasm_cell_ret_i32(uint32_t *cells, int32_t v) {
    cells[0] = (uint32_t)v;
}

// --- Guest memory by offset --------------------------------------------------------
// Each returns false after raising WAMR's "out of bounds memory access" trap
// in the guest when [offset, offset + size) leaves linear memory. A raised
// trap unwinds the guest when the native returns, whatever it returns, so a
// native checks its ranges before it acts (the trap then comes before any
// effect) and needs to stop at a failed access only when it would go on to
// use what it read. Linear memory never shrinks: a range checked once stays
// valid, only its host address may change.

bool mp_wasm_guest_check(wasm_exec_env_t exec_env, uint32_t offset, uint64_t size);
// Copies out; `dst` is zeroed when the range is out of bounds.
bool mp_wasm_guest_read(wasm_exec_env_t exec_env, uint32_t offset, void *dst, size_t size);
bool mp_wasm_guest_write(wasm_exec_env_t exec_env, uint32_t offset, const void *src, size_t size);
// A little-endian u32 of the guest, or 0 after raising the trap.
uint32_t mp_wasm_guest_u32(wasm_exec_env_t exec_env, uint32_t offset);
bool mp_wasm_guest_write_u32(wasm_exec_env_t exec_env, uint32_t offset, uint32_t value);
bool mp_wasm_guest_write_u64(wasm_exec_env_t exec_env, uint32_t offset, uint64_t value);
// A host pointer to the range, or NULL (trap raised). Valid only until the
// next code that may run Python: use it at once, never across such a call.
void *mp_wasm_guest_ptr(wasm_exec_env_t exec_env, uint32_t offset, uint64_t size);

#endif // MICROPY_INCLUDED_WASM_NATIVE_CALL_H
