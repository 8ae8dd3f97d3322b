// Mandelbrot set in f64, 40x32 points at 1/16 steps, at most 32 iterations,
// n times with the grid shifted: floating-point multiply-add and compares.
// (On boards whose MicroPython has only single-precision floats the same
// counts come out: the step is a power of two and 32 iterations are too few
// for the precisions to part; checked for all 64 shifts.)
#include "bench.h"

#define MANDEL_W 40
#define MANDEL_H 32
#define MANDEL_ITER 32

uint32_t bench_mandel(int32_t n) {
    uint32_t total = 0;
    for (int32_t r = 0; r < n; r++) {
        int ox = r & 7, oy = (r >> 3) & 7;
        for (int y = 0; y < MANDEL_H; y++) {
            for (int x = 0; x < MANDEL_W; x++) {
                double cr = (double)(x - 30 + ox) / 16.0;
                double ci = (double)(y - 16 + oy) / 16.0;
                double zr = 0.0, zi = 0.0;
                int it = 0;
                while (it < MANDEL_ITER) {
                    double zr2 = zr * zr, zi2 = zi * zi;
                    if (zr2 + zi2 > 4.0) {
                        break;
                    }
                    zi = 2.0 * zr * zi + ci;
                    zr = zr2 - zi2 + cr;
                    it++;
                }
                total += (uint32_t)it;
            }
        }
    }
    return total;
}
