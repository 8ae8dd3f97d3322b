// A ~100 KB module for load and instantiate measurements (bench_big.wasm):
// bigcode.wasm's 128 functions and 84 more of the same kind.
#include "../apps/bigcode.c"

MIX64(3) MIX16(4) MIX4(5)

WASM_EXPORT("churn_more")
uint32_t churn_more(uint32_t x) {
    CALL64(3) CALL16(4) CALL4(5)
    return x;
}
