/*
 * fpmath.wasm: double-precision and 64-bit arithmetic through wasi-libc's
 * libm, for checking that AOT code with floating point and 64-bit
 * arithmetic compiles for XIP without relocations on every target and
 * computes the same there (musl's log() compares the bits of a double with
 * those of 1.0, which LLVM's optimiser turns into a float compare).
 */
#include <math.h>
#include <stdint.h>

#include "wasm_app.h"

WASM_EXPORT("ln")
double ln(double x) {
    return log(x);
}

WASM_EXPORT("power")
double power(double x, double y) {
    return pow(x, y);
}

WASM_EXPORT("fmodulo")
double fmodulo(double x, double y) {
    return fmod(x, y);
}

/* Floor division of 64-bit integers, as Lua's // does. */
WASM_EXPORT("floordiv")
int64_t floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) {
        q -= 1;
    }
    return q;
}

/* Conversions both ways through unsigned 64-bit values. */
WASM_EXPORT("roundtrip")
double roundtrip(double x) {
    uint64_t u = (uint64_t)x;
    return (double)(u / 3u) + (double)(int64_t)(x / 7.0);
}

WASM_EXPORT("larger")
double larger(double a, double b) {
    return fmax(a, b) + (a < b ? 1.0 : 0.0) + (a == b ? 2.0 : 0.0);
}
