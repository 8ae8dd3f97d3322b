/* Guest side of wasm_try.h: the host's `wasm_try` family calls back through
 * wasm_try_trampoline, and a throw leaves the C (shadow) stack pointer where
 * the deepest frame had it, so wasm_try puts it back. */
#include <stdint.h>

#include "wasm_app.h"
#include "wasm_try.h"

WASM_IMPORT("wasm_try", "call") int32_t wasm_try_host_call(wasm_try_fn fn, void *a, void *b);
WASM_IMPORT("wasm_try", "throw") void wasm_try_host_throw(int32_t code);

static inline uintptr_t stack_pointer_get(void) {
    uintptr_t sp;
    __asm__ volatile(".globaltype __stack_pointer, i32\n\t"
                     "global.get __stack_pointer\n\t"
                     "local.set %0" : "=r"(sp));
    return sp;
}

static inline void stack_pointer_set(uintptr_t sp) {
    __asm__ volatile(".globaltype __stack_pointer, i32\n\t"
                     "local.get %0\n\t"
                     "global.set __stack_pointer" : : "r"(sp));
}

/* The indirect call happens here, in wasm, so the function's type is checked
 * by call_indirect like any other call through a pointer. */
WASM_EXPORT("wasm_try_trampoline")
void wasm_try_trampoline(wasm_try_fn fn, void *a, void *b) {
    fn(a, b);
}

int wasm_try(wasm_try_fn fn, void *a, void *b) {
    uintptr_t sp = stack_pointer_get();
    int32_t code = wasm_try_host_call(fn, a, b);
    if (code != 0) {
        stack_pointer_set(sp);
    }
    return code;
}

_Noreturn void wasm_throw(int code) {
    wasm_try_host_throw(code);
    /* The host has set an exception: the return above unwinds at once. */
    __builtin_trap();
}
