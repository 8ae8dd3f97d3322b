// Recursive Fibonacci: function calls and returns.
#include "bench.h"

static uint32_t fib(int32_t n) {
    return n < 2 ? (uint32_t)n : fib(n - 1) + fib(n - 2);
}

uint32_t bench_fib(int32_t n) {
    return fib(n);
}
