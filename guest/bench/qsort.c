// Recursive quicksort (Hoare partition, middle pivot) of 512 pseudo-random
// ints, n times with new data: compares, swaps, recursion.
#include "bench.h"

#define QS_N 512

int32_t qs_a[QS_N];

static void quicksort(int32_t *a, int lo, int hi) {
    while (lo < hi) {
        int32_t pivot = a[(lo + hi) >> 1];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) {
                i++;
            }
            while (a[j] > pivot) {
                j--;
            }
            if (i <= j) {
                int32_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        quicksort(a, lo, j);
        lo = i;
    }
}

uint32_t bench_qsort(int32_t n) {
    uint32_t sum = 0;
    uint32_t x = 7;
    for (int32_t r = 0; r < n; r++) {
        for (int i = 0; i < QS_N; i++) {
            x = bench_lcg(x);
            qs_a[i] = (int32_t)x;
        }
        quicksort(qs_a, 0, QS_N - 1);
        for (int i = 0; i < QS_N; i += 8) {
            sum += (uint32_t)qs_a[i] ^ (uint32_t)i;
        }
    }
    return sum;
}
