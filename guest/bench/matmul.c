// 24x24 integer matrix product, n times with new inputs: multiply-add
// over 2-D arrays.
#include "bench.h"

#define MM 24

int32_t mm_a[MM][MM], mm_b[MM][MM];

uint32_t bench_matmul(int32_t n) {
    uint32_t sum = 0;
    for (int32_t r = 0; r < n; r++) {
        for (int i = 0; i < MM; i++) {
            for (int j = 0; j < MM; j++) {
                mm_a[i][j] = (i * 3 + j + r) & 15;
                mm_b[i][j] = (i ^ (j * 5) ^ r) & 15;
            }
        }
        for (int i = 0; i < MM; i++) {
            for (int j = 0; j < MM; j++) {
                int32_t s = 0;
                for (int k = 0; k < MM; k++) {
                    s += mm_a[i][k] * mm_b[k][j];
                }
                sum += (uint32_t)s;
            }
        }
    }
    return sum;
}
