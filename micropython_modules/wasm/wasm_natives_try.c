// The `wasm_try` host-function family: non-local exits for guests built
// without setjmp/longjmp (wasm32-wasi has neither here), e.g. Lua's
// LUAI_TRY/LUAI_THROW. guest/include/wasm_try.h is the guest side.
//
//   (import "wasm_try" "call" (func (param i32 i32 i32) (result i32)))
//   (import "wasm_try" "throw" (func (param i32)))
//
// call(fn, a, b) calls the guest's exported `wasm_try_trampoline(fn, a, b)`
// (which makes the indirect call `fn(a, b)` with wasm's own type check) in a
// nested WAMR call and returns 0, or the code passed to throw(code). throw
// sets a WAMR exception: interpreters, AOT and XIP code all unwind every wasm
// frame up to the nearest native caller on an exception, which is the
// innermost call() here. Traps, Ctrl-C, proc_exit and host exceptions are
// other exceptions: call() leaves them set, so they keep unwinding.

#include <string.h>

#include "py/runtime.h"
#include "wasm_native_call.h"

#define TRY_TRAMPOLINE "wasm_try_trampoline"
#define TRY_EXCEPTION "Exception: " MP_WASM_EXC_GUEST_THROW

// The code of the throw being unwound. One guest runs at a time and nothing
// else runs between throw() and the call() that catches it.
static int32_t pending_code;

static bool is_trampoline(wasm_function_inst_t func, wasm_module_inst_t inst) {
    wasm_valkind_t types[3];
    if (wasm_func_get_param_count(func, inst) != 3 || wasm_func_get_result_count(func, inst) != 0) {
        return false;
    }
    wasm_func_get_param_types(func, inst, types);
    return types[0] == WASM_I32 && types[1] == WASM_I32 && types[2] == WASM_I32;
}

wasm_function_inst_t mp_wasm_try_trampoline(wasm_module_inst_t inst) {
    wasm_function_inst_t func = wasm_runtime_lookup_function(inst, TRY_TRAMPOLINE);
    return func != NULL && is_trampoline(func, inst) ? func : NULL;
}

// call(fn, a, b) -> 0 or the code thrown. A result of 0 with an exception
// still set is never read: the guest unwinds.
static int32_t try_native_call(wasm_exec_env_t exec_env, uint64_t *args) {
    uint32_t argv[3] = { mp_wasm_arg_u32(args, 0), mp_wasm_arg_u32(args, 1), mp_wasm_arg_u32(args, 2) };
    mp_wasm_ret_i32(args, 0);
    wasm_module_inst_t inst = wasm_runtime_get_module_inst(exec_env);
    // Resolved once, when the instance was created.
    wasm_function_inst_t func = mp_wasm_native_instance(exec_env)->try_trampoline;
    if (func == NULL) {
        wasm_runtime_set_exception(inst, "wasm_try.call needs an export "
            TRY_TRAMPOLINE " (func (param i32 i32 i32))");
        return 0;
    }
    if (mp_wasm_call_cells(exec_env, func, 3, argv)) {
        return 0;
    }
    const char *exc = wasm_runtime_get_exception(inst);
    if (exc == NULL || strcmp(exc, TRY_EXCEPTION) != 0) {
        return 0;
    }
    mp_wasm_ret_i32(args, pending_code);
    pending_code = 0;
    wasm_runtime_clear_exception(inst);
    return 0;
}

// throw(code)
static int32_t try_native_throw(wasm_exec_env_t exec_env, uint64_t *args) {
    int32_t code = mp_wasm_arg_i32(args, 0);
    pending_code = code != 0 ? code : 1;
    wasm_runtime_set_exception(wasm_runtime_get_module_inst(exec_env), MP_WASM_EXC_GUEST_THROW);
    return 0;
}

// WAMR sorts registered arrays in place: this table must stay writable.
NativeSymbol mp_wasm_natives_try[] = {
    MP_WASM_NATIVE("call", try_native_call, "(iii)i"),
    MP_WASM_NATIVE("throw", try_native_throw, "(i)"),
};

const size_t mp_wasm_natives_try_len = MP_ARRAY_SIZE(mp_wasm_natives_try);
