// Call overheads (bench_calls.wasm): crossings between Python, the guest
// and the firmware's natives, with as little work as possible on either side.
#include "wasm_app.h"

WASM_IMPORT("env", "py_nop") void py_nop(void);
WASM_IMPORT("env", "py_add") int32_t py_add(int32_t a, int32_t b);
// A native import that does nothing with an empty buffer: the crossing
// itself, including WAMR's check of the pointer and length.
WASM_IMPORT("mp", "random_bytes") int32_t mp_random_bytes(void *buf, int32_t len);

static uint8_t scratch[4];

WASM_EXPORT("nop") void nop(void) {}

WASM_EXPORT("add") int32_t add(int32_t a, int32_t b) { return a + b; }

// n calls of a Python function without arguments and results.
WASM_EXPORT("call_py") void call_py(int32_t n) {
    for (int32_t i = 0; i < n; i++) {
        py_nop();
    }
}

// n calls of a Python function with two i32 arguments and a result.
WASM_EXPORT("call_py_add") int32_t call_py_add(int32_t n) {
    int32_t s = 0;
    for (int32_t i = 0; i < n; i++) {
        s = py_add(s, i);
    }
    return s;
}

WASM_EXPORT("call_native") int32_t call_native(int32_t n) {
    int32_t s = 0;
    for (int32_t i = 0; i < n; i++) {
        s += mp_random_bytes(scratch, 0);
    }
    return s;
}
