// Sieve of Eratosthenes over 8192 flags, n times (each with a slightly
// smaller limit): byte stores in strided loops.
#include "bench.h"

#define SIEVE_N 8192

uint8_t sieve_flags[SIEVE_N];

uint32_t bench_sieve(int32_t n) {
    uint32_t total = 0;
    for (int32_t r = 0; r < n; r++) {
        int limit = SIEVE_N - (r & 7);
        for (int i = 0; i < limit; i++) {
            sieve_flags[i] = 1;
        }
        uint32_t count = 0;
        for (int i = 2; i < limit; i++) {
            if (sieve_flags[i]) {
                count++;
                for (int j = i + i; j < limit; j += i) {
                    sieve_flags[j] = 0;
                }
            }
        }
        total += count;
    }
    return total;
}
