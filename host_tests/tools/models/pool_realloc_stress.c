// Stress model of WAMR's pool allocator (ems, with the project's patches):
// random malloc/realloc/free with content checks, plus the case patch 0061
// is for: a block that grows into the free space *before* it when no
// second block of the new size fits. Prints one line per check; exit 1 on
// the first failure. Built and run by host_tests/tools/test_pool_realloc.py.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem_alloc.h"
#include "wasm_export.h"

// What the allocator needs from WAMR's utilities and platform layer.
void bh_log(LogLevel level, const char *file, int line, const char *fmt, ...) {
    (void)level;
    (void)file;
    (void)line;
    (void)fmt;
}
int b_memcpy_s(void *s1, unsigned int s1max, const void *s2, unsigned int n) {
    if (n > s1max) {
        return -1;
    }
    memmove(s1, s2, n);
    return 0;
}
void bh_assert_internal(int64 v, const char *file, int line, const char *expr) {
    if (!v) {
        printf("FAIL assertion %s at %s:%d\n", expr, file, line);
        exit(1);
    }
}
int os_printf(const char *fmt, ...) {
    (void)fmt;
    return 0;
}
int os_mutex_init(korp_mutex *m) { (void)m; return 0; }
int os_mutex_destroy(korp_mutex *m) { (void)m; return 0; }
int os_mutex_lock(korp_mutex *m) { (void)m; return 0; }
int os_mutex_unlock(korp_mutex *m) { (void)m; return 0; }

#define POOL_SIZE (256 * 1024)
#define SLOTS 64

static uint8_t pool[POOL_SIZE] __attribute__((aligned(8)));
static mem_allocator_t heap;

static uint32_t rng = 12345;
static uint32_t next_rand(void) {
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void fill(uint8_t *p, uint32_t len, uint32_t seed) {
    for (uint32_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(seed + i * 7);
    }
}

static int same(const uint8_t *p, uint32_t len, uint32_t seed) {
    for (uint32_t i = 0; i < len; i++) {
        if (p[i] != (uint8_t)(seed + i * 7)) {
            return 0;
        }
    }
    return 1;
}

static int fail(const char *what) {
    printf("FAIL %s\n", what);
    return 1;
}

int main(void) {
    heap = mem_allocator_create(pool, POOL_SIZE);
    if (heap == NULL) {
        return fail("create");
    }

    // 1. Random traffic: every block keeps its contents across reallocs.
    uint8_t *ptr[SLOTS] = { 0 };
    uint32_t len[SLOTS] = { 0 }, seed[SLOTS] = { 0 };
    for (int step = 0; step < 200000; step++) {
        int i = (int)(next_rand() % SLOTS);
        uint32_t op = next_rand() % 3;
        uint32_t n = 1 + next_rand() % (next_rand() % 4 == 0 ? 16384 : 512);
        if (ptr[i] == NULL || op == 0) {
            if (ptr[i] != NULL) {
                if (!same(ptr[i], len[i], seed[i])) {
                    return fail("contents before free");
                }
                mem_allocator_free(heap, ptr[i]);
            }
            ptr[i] = mem_allocator_malloc(heap, n);
            if (ptr[i] != NULL) {
                len[i] = n;
                seed[i] = next_rand();
                fill(ptr[i], n, seed[i]);
            }
        } else {
            uint8_t *q = mem_allocator_realloc(heap, ptr[i], len[i] + n);
            if (q != NULL) {
                if (!same(q, len[i], seed[i])) {
                    return fail("contents after realloc");
                }
                for (uint32_t k = len[i]; k < len[i] + n; k++) {
                    q[k] = (uint8_t)(seed[i] + k * 7);
                }
                ptr[i] = q;
                len[i] += n;
            }
        }
        if (mem_allocator_is_heap_corrupted(heap)) {
            printf("FAIL heap corrupted at step %d\n", step);
            return 1;
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (ptr[i] != NULL) {
            if (!same(ptr[i], len[i], seed[i])) {
                return fail("contents at the end");
            }
            mem_allocator_free(heap, ptr[i]);
        }
    }
    mem_alloc_info_t info;
    mem_allocator_get_alloc_info(heap, &info);
    printf("random ok, free %u of %u\n", (unsigned)info.total_free_size, (unsigned)info.total_size);

    // 2. Growing down: [free 100 KB | block 80 KB | used], nothing else
    // free that could hold 128 KB. Without growth into the free chunk before
    // the block, 80 KB + 128 KB would be needed at once.
    uint8_t *low = mem_allocator_malloc(heap, 100 * 1024);
    uint8_t *block = mem_allocator_malloc(heap, 80 * 1024);
    uint8_t *rest = mem_allocator_malloc(heap, 60 * 1024);
    if (low == NULL || block == NULL || rest == NULL || !(low < block && block < rest)) {
        return fail("layout");
    }
    fill(block, 80 * 1024, 99);
    mem_allocator_free(heap, low);
    uint8_t *grown = mem_allocator_realloc(heap, block, 128 * 1024);
    if (grown == NULL) {
        return fail("grow into the free chunk before");
    }
    if (!same(grown, 80 * 1024, 99)) {
        return fail("contents after growing down");
    }
    for (uint32_t k = 80 * 1024; k < 128 * 1024; k++) {
        if (grown[k] != 0) {
            return fail("new part not zeroed");
        }
    }
    printf("grow down ok, moved by %ld bytes\n", (long)(block - grown));
    mem_allocator_free(heap, grown);
    mem_allocator_free(heap, rest);
    if (mem_allocator_is_heap_corrupted(heap)) {
        return fail("corrupted after grow down");
    }
    // Everything is free again: one block of almost the whole pool fits.
    uint8_t *all = mem_allocator_malloc(heap, POOL_SIZE - 4096);
    if (all == NULL) {
        return fail("pool not whole again");
    }
    mem_allocator_free(heap, all);
    printf("pool whole again\n");
    mem_allocator_destroy(heap);
    return 0;
}
