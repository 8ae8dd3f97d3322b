// A guest with a lot of code (tens of KB once compiled), for measuring that
// execute-in-place apps do not copy their code into RAM.
//
// 128 distinct mixing functions with long straight-line bodies, generated
// by the preprocessor, all reached from one exported entry point so that
// none is dropped. (Few large functions, as real apps have: WAMR keeps some
// metadata per function in RAM even for XIP apps.)

#include <stdint.h>

#include "wasm_app.h"

// Small immediates only: large constants would land in constant pools,
// which WAMR copies to RAM as read-only data even for XIP apps.
#define ROUND(n, k)                                                     \
    x = (x ^ (x >> (((n) + (k)) % 13u + 1u))) * ((((n) * 8u + (k)) & 0xffu) | 1u); \
    x += (uint32_t)(k) * 3u + ((n) & 0x7fu);                            \
    x = (x << (((n) + (k)) % 7u + 1u)) | (x >> (31u - ((n) + (k)) % 7u));

#define ROUNDS8(n, k) ROUND(n, k##0) ROUND(n, k##1) ROUND(n, k##2) ROUND(n, k##3) \
    ROUND(n, k##4) ROUND(n, k##5) ROUND(n, k##6) ROUND(n, k##7)

#define MIX(n)                                                          \
    __attribute__((noinline)) static uint32_t mix_##n(uint32_t x) {     \
        ROUNDS8(n, 1) ROUNDS8(n, 2) ROUNDS8(n, 3)                       \
        return x ^ (uint32_t)(n) * 40503u;                              \
    }

#define MIX4(n) MIX(n##0) MIX(n##1) MIX(n##2) MIX(n##3)
#define MIX16(n) MIX4(n##0) MIX4(n##1) MIX4(n##2) MIX4(n##3)
#define MIX64(n) MIX16(n##0) MIX16(n##1) MIX16(n##2) MIX16(n##3)
MIX64(1) MIX64(2)

#define CALL(n) x = mix_##n(x);
#define CALL4(n) CALL(n##0) CALL(n##1) CALL(n##2) CALL(n##3)
#define CALL16(n) CALL4(n##0) CALL4(n##1) CALL4(n##2) CALL4(n##3)
#define CALL64(n) CALL16(n##0) CALL16(n##1) CALL16(n##2) CALL16(n##3)

// Runs every function once over the seed; the result pins them all.
WASM_EXPORT("churn")
uint32_t churn(uint32_t x) {
    CALL64(1) CALL64(2)
    return x;
}
