// Interrupting a running guest (Ctrl-C). Compiled into libwamr because it
// needs WAMR's internal exec-env layout. With the thread manager built in,
// the interpreters poll the exec env's suspend flags at every branch, so a
// flag set from an interrupt handler stops even a tight loop.

#include "wasm_export.h"
#include "wasm_exec_env.h"
#include "wasm_suspend_flags.h"

// Safe from interrupt and signal context: a single atomic OR.
void mp_wasm_exec_env_request_stop(wasm_exec_env_t exec_env) {
    WASM_SUSPEND_FLAGS_FETCH_OR(exec_env->suspend_flags, WASM_SUSPEND_FLAG_TERMINATE);
}

// Returns whether a stop was requested, and clears the request so the
// exec env can run again.
bool mp_wasm_exec_env_take_stop(wasm_exec_env_t exec_env) {
    uint32 old = WASM_SUSPEND_FLAGS_FETCH_AND(exec_env->suspend_flags, ~WASM_SUSPEND_FLAG_TERMINATE);
    return (old & WASM_SUSPEND_FLAG_TERMINATE) != 0;
}
