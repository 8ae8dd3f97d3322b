// The kernels as one wasm module (bench.wasm), one export each.
#include "wasm_app.h"
#include "bench.h"

#include "fib.c"
#include "crc32.c"
#include "matmul.c"
#include "mandel.c"
#include "sieve.c"
#include "qsort.c"

#define BENCH_EXPORT(name) \
    WASM_EXPORT(#name) uint32_t name##_export(int32_t n) { return bench_##name(n); }
BENCH_KERNELS(BENCH_EXPORT)
