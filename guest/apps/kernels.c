/*
 * kernels.c - WASI reactor with small compute kernels and value-type tests.
 *
 * The exported mutable global "counter" (initial value 7) is defined in
 * kernels_globals.wat, because clang 14 can neither export data nor give a
 * WebAssembly global a non-zero initial value from C.  bump() below
 * accesses it as a real wasm global (global.get / global.set).
 *
 * divmod() returns two i32 values (multi-value).  This translation unit is
 * therefore compiled with
 *   -mmultivalue -Xclang -target-abi -Xclang experimental-mv
 * That ABI changes how *every* struct passed or returned by value is
 * lowered, so do not call libc functions that take or return structs by
 * value (div(), ldiv(), ...) from this file.
 */
#include <stddef.h>
#include <stdint.h>

#include "wasm_app.h"

/* ---- Fibonacci (wrapping 32-bit arithmetic, fib(0)=0, fib(1)=1) ------- */

WASM_EXPORT("fib")
int32_t fib(int32_t n)
{
    uint32_t a = 0, b = 1;
    for (int32_t i = 0; i < n; i++) {
        uint32_t t = a + b;
        a = b;
        b = t;
    }
    return (int32_t)a;
}

WASM_EXPORT("fib_rec")
int32_t fib_rec(int32_t n)
{
    if (n <= 0)
        return 0;
    if (n == 1)
        return 1;
    return (int32_t)((uint32_t)fib_rec(n - 1) + (uint32_t)fib_rec(n - 2));
}

/* ---- CRC-32 (zlib / IEEE 802.3, reflected poly 0xEDB88320) ------------ */

static uint32_t crc_table[256];
static int crc_table_ready;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        crc_table[i] = c;
    }
    crc_table_ready = 1;
}

WASM_EXPORT("crc32")
int32_t crc32(int32_t ptr, int32_t len)
{
    if (!crc_table_ready)
        crc_init();
    const uint8_t *p = (const uint8_t *)(uintptr_t)(uint32_t)ptr;
    uint32_t c = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < (uint32_t)len; i++)
        c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return (int32_t)(c ^ 0xFFFFFFFFu);
}

/* ---- alloc: bump allocator on top of __heap_base ----------------------
 * Returns an 8-byte aligned pointer to `size` bytes of linear memory,
 * growing memory when necessary, or 0 on failure (negative size or
 * memory.grow refused).  Memory is never freed.
 */

extern unsigned char __heap_base; /* provided by wasm-ld */
static uint32_t heap_top;

WASM_EXPORT("alloc")
int32_t alloc(int32_t size)
{
    if (size < 0)
        return 0;
    if (heap_top == 0)
        heap_top = (uint32_t)(uintptr_t)&__heap_base;

    uint64_t start = ((uint64_t)heap_top + 7) & ~(uint64_t)7;
    uint64_t end = start + (uint32_t)size;
    if (end > 0xFFFFFFFFu)
        return 0;
    uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * 65536u;
    if (end > have) {
        uint64_t need = (end - have + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, (size_t)need) == (size_t)-1)
            return 0;
    }
    heap_top = (uint32_t)end;
    return (int32_t)(uint32_t)start;
}

/* ---- matmul: C = A * B with A[i][j] = i + j, B[i][j] = i - j -----------
 * n is clamped to [0, 64].  Returns the sum of all entries of C, computed
 * with wrapping 32-bit arithmetic.
 */

#define MAT_MAX 64
static int32_t mat_a[MAT_MAX][MAT_MAX];
static int32_t mat_b[MAT_MAX][MAT_MAX];
static int32_t mat_c[MAT_MAX][MAT_MAX];

WASM_EXPORT("matmul")
int32_t matmul(int32_t n)
{
    if (n < 0)
        n = 0;
    if (n > MAT_MAX)
        n = MAT_MAX;

    for (int32_t i = 0; i < n; i++) {
        for (int32_t j = 0; j < n; j++) {
            mat_a[i][j] = i + j;
            mat_b[i][j] = i - j;
        }
    }

    for (int32_t i = 0; i < n; i++) {
        for (int32_t j = 0; j < n; j++) {
            uint32_t acc = 0;
            for (int32_t k = 0; k < n; k++)
                acc += (uint32_t)mat_a[i][k] * (uint32_t)mat_b[k][j];
            mat_c[i][j] = (int32_t)acc;
        }
    }

    uint32_t sum = 0;
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = 0; j < n; j++)
            sum += (uint32_t)mat_c[i][j];
    return (int32_t)sum;
}

/* ---- value-type tests -------------------------------------------------- */

WASM_EXPORT("sum_i64")
int64_t sum_i64(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

WASM_EXPORT("mul_f64")
double mul_f64(double a, double b)
{
    return a * b;
}

WASM_EXPORT("add_f32")
float add_f32(float a, float b)
{
    return a + b;
}

WASM_EXPORT("neg_i64")
int64_t neg_i64(int64_t a)
{
    return (int64_t)(0u - (uint64_t)a);
}

WASM_EXPORT("u32_max")
uint32_t u32_max(void)
{
    return 0xFFFFFFFFu;
}

/* Multi-value: lowered to (i32, i32) -> (i32, i32) by the experimental-mv
 * ABI.  Traps like i32.div_s / i32.rem_s when b == 0 (and on
 * INT32_MIN / -1, which is undefined behaviour in C). */
typedef struct {
    int32_t quot;
    int32_t rem;
} divmod_result;

WASM_EXPORT("divmod")
divmod_result divmod(int32_t a, int32_t b)
{
    divmod_result r = { a / b, a % b };
    return r;
}

/* ---- exported mutable global (defined in kernels_globals.wat) ---------- */

extern WASM_GLOBAL int32_t counter;

WASM_EXPORT("bump")
int32_t bump(void)
{
    counter = counter + 1;
    return counter;
}
