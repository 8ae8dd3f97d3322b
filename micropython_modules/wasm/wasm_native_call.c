// The one way WAMR enters the module's native functions: under nlr_push, so
// that no MicroPython exception ever unwinds through WAMR's frames (which
// would skip WAMR's own unwinding and leak guest frames, and skip the
// module's bookkeeping of running guests). See wasm_native_call.h.

#include "py/runtime.h"
#include "wasm_native_call.h"

void mp_wasm_native_fail(wasm_exec_env_t exec_env, mp_obj_t exc) {
    mp_wasm_instance_set_host_exception(mp_wasm_native_instance(exec_env), exc);
}

bool mp_wasm_native_handle_pending(wasm_exec_env_t exec_env) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_handle_pending(true);
        nlr_pop();
        return true;
    }
    mp_wasm_native_fail(exec_env, MP_OBJ_FROM_PTR(nlr.ret_val));
    return false;
}

void mp_wasm_native_run(wasm_exec_env_t exec_env, uint64_t *args, mp_wasm_native_fn_t fn,
    bool errno_result) {
    wasm_module_inst_t module_inst = wasm_runtime_get_module_inst(exec_env);
    mp_obj_wasm_instance_t *self = wasm_runtime_get_custom_data(module_inst);
    if (self == NULL) {
        // Instances are set up before any of their code runs; never trust it.
        wasm_runtime_set_exception(module_inst, "native function called outside an instance");
        return;
    }
    int32_t result;
    nlr_buf_t nlr;
    // Host code sees (and may change) the guest's shared globals and memory.
    mp_wasm_shared_leave(self);
    if (nlr_push(&nlr) == 0) {
        result = fn(exec_env, args);
        nlr_pop();
    } else {
        mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
        result = errno_result ? mp_wasm_wasi_errno_of(exc) : 0;
        if (result == 0) {
            // The guest unwinds; its result is never read.
            mp_wasm_native_fail(exec_env, exc);
        }
    }
    mp_wasm_shared_enter(self);
    if (errno_result) {
        mp_wasm_ret_i32(args, result);
    }
}

void mp_wasm_native_entry(wasm_exec_env_t exec_env, uint64_t *args) {
    mp_wasm_native_run(exec_env, args,
        (mp_wasm_native_fn_t)wasm_runtime_get_function_attachment(exec_env), false);
}

void mp_wasm_errno_entry(wasm_exec_env_t exec_env, uint64_t *args) {
    mp_wasm_native_run(exec_env, args,
        (mp_wasm_native_fn_t)wasm_runtime_get_function_attachment(exec_env), true);
}
