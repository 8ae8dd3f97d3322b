// The benchmark kernels (see README.md in this directory). Each takes one
// size argument and returns a checksum that every implementation of the
// same kernel (wasm, native C, MicroPython) must reproduce exactly.
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

// The kernels, in report order: X(name).
#define BENCH_KERNELS(X) X(fib) X(crc32) X(matmul) X(mandel) X(sieve) X(qsort)

#define BENCH_DECLARE(name) uint32_t bench_##name(int32_t n);
BENCH_KERNELS(BENCH_DECLARE)

// The inputs' pseudo-random numbers: small enough (< 65537) that the
// MicroPython versions never leave small ints on a 32-bit board.
static inline uint32_t bench_lcg(uint32_t x) {
    return (x * 75u + 74u) % 65537u;
}

// Working arrays are plain globals, not statics: MicroPython's native
// modules (natmod.c) cannot relocate static bss.

#endif
