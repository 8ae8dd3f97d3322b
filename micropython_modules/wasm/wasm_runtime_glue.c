// WAMR runtime lifetime: one runtime per VM, initialised on first use from
// a fixed pool that lives outside the GC heap, torn down at soft reset.

#include <stdio.h>
#include <string.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "py/gc.h"
#include "modwasm.h"

#ifndef MICROPY_WASM_SYSTEM_ALLOC
#define MICROPY_WASM_SYSTEM_ALLOC (0)
#endif

#if MICROPY_WASM_SYSTEM_ALLOC
// Sanitizer builds: every WAMR allocation is its own malloc block, so that
// AddressSanitizer sees overruns between them (inside one pool it cannot).
// The pool's size stays the budget, so running out behaves as on a device.
#include <stdlib.h>

#define ALLOC_HEADER 16 // keeps malloc's 16-byte alignment
static size_t system_alloc_used;

static void *system_alloc_malloc(unsigned int size) {
    if (size > MICROPY_WASM_POOL_SIZE - system_alloc_used) {
        return NULL;
    }
    uint8_t *block = malloc(ALLOC_HEADER + (size_t)size);
    if (block == NULL) {
        return NULL;
    }
    *(size_t *)block = size;
    system_alloc_used += size;
    return block + ALLOC_HEADER;
}

static void system_alloc_free(void *ptr) {
    if (ptr != NULL) {
        uint8_t *block = (uint8_t *)ptr - ALLOC_HEADER;
        system_alloc_used -= *(size_t *)block;
        free(block);
    }
}

static void *system_alloc_realloc(void *ptr, unsigned int size) {
    if (ptr == NULL) {
        return system_alloc_malloc(size);
    }
    size_t old = *(size_t *)((uint8_t *)ptr - ALLOC_HEADER);
    void *fresh = system_alloc_malloc(size);
    if (fresh != NULL) {
        memcpy(fresh, ptr, old < size ? old : size);
        system_alloc_free(ptr);
    }
    return fresh;
}

// No pool memory: only its size, the budget above.
uint8_t *mp_wasm_port_pool(size_t *size) {
    static uint8_t no_pool;
    *size = MICROPY_WASM_POOL_SIZE;
    return &no_pool;
}

static void runtime_alloc_args(RuntimeInitArgs *init, uint8_t *pool, size_t pool_size) {
    (void)pool;
    (void)pool_size;
    init->mem_alloc_type = Alloc_With_Allocator;
    init->mem_alloc_option.allocator.malloc_func = (void *)system_alloc_malloc;
    init->mem_alloc_option.allocator.realloc_func = (void *)system_alloc_realloc;
    init->mem_alloc_option.allocator.free_func = (void *)system_alloc_free;
}
#else
#if !MICROPY_WASM_PORT_POOL
// WAMR's allocator (ems) wants 8-byte alignment for its pool.
static uint8_t mp_wasm_pool[MICROPY_WASM_POOL_SIZE] __attribute__((aligned(8)));

uint8_t *mp_wasm_port_pool(size_t *size) {
    *size = sizeof(mp_wasm_pool);
    return mp_wasm_pool;
}
#endif

static void runtime_alloc_args(RuntimeInitArgs *init, uint8_t *pool, size_t pool_size) {
    init->mem_alloc_type = Alloc_With_Pool;
    init->mem_alloc_option.pool.heap_buf = pool;
    init->mem_alloc_option.pool.heap_size = (uint32_t)pool_size;
}
#endif

static bool mp_wasm_ready;

void mp_wasm_runtime_ensure(void) {
    if (mp_wasm_ready) {
        return;
    }
    size_t pool_size;
    uint8_t *pool = mp_wasm_port_pool(&pool_size);
    if (pool == NULL) {
        mp_raise_msg_varg(&mp_type_MemoryError,
            MP_ERROR_TEXT("the WAMR pool (%u bytes) could not be reserved at boot"),
            (unsigned)MICROPY_WASM_POOL_SIZE);
    }
    RuntimeInitArgs init;
    memset(&init, 0, sizeof(init));
    runtime_alloc_args(&init, pool, pool_size);
    init.running_mode = Mode_Interp;
    if (!wasm_runtime_full_init(&init)) {
        mp_raise_msg(&mp_type_wasm_error, MP_ERROR_TEXT("WAMR runtime initialisation failed"));
    }
    // Load and link problems are reported as Python exceptions; WAMR's own
    // log lines would only duplicate them on the console (an allocation that
    // fails before the retry after gc_collect() is logged as an error).
    wasm_runtime_set_log_level(WASM_LOG_LEVEL_FATAL);
    // Why a memory.grow failed, for Instance.memory_error.
    wasm_runtime_set_enlarge_mem_error_callback(mp_wasm_memory_grow_failed, NULL);
    // Imported memories shared between instances.
    mp_wasm_memory_share_init();
    // Natives are dropped by wasm_runtime_destroy: register them every time.
    if (!mp_wasm_wasi_register() || !mp_wasm_natives_register()) {
        wasm_runtime_destroy();
        mp_raise_msg(&mp_type_wasm_error, MP_ERROR_TEXT("could not register native functions"));
    }
    mp_wasm_ready = true;
}

bool mp_wasm_runtime_active(void) {
    return mp_wasm_ready;
}

// Called once every Python object that referenced WAMR memory is gone
// (soft reset): the whole pool is reclaimed in one go.
void mp_wasm_runtime_deinit(void) {
    if (mp_wasm_ready) {
        wasm_runtime_destroy();
        mp_wasm_ready = false;
    }
}

typedef struct _heap_ops_t {
    void *(*alloc)(unsigned int size);
    void (*free)(void *ptr);
    size_t capacity;
} heap_ops_t;

// The largest block the heap can hand out right now. WAMR 2.4.3's free-byte
// counter drifted upwards after in-place reallocations (WAMR patch 0061
// fixes that), and this also shows fragmentation: leak checks rely on it.
static size_t heap_largest_free(const heap_ops_t *heap) {
    size_t lo = 0, hi = heap->capacity;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        void *p = heap->alloc((unsigned int)mid);
        if (p != NULL) {
            heap->free(p);
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

// Free bytes, measured the same way: take the largest block again and
// again until nothing is left, then give everything back. Allocator headers
// are not counted, so this is what guests and modules can really get.
static size_t heap_free_probe(const heap_ops_t *heap) {
    void *head = NULL;
    size_t total = 0;
    for (;;) {
        size_t size = heap_largest_free(heap);
        if (size < sizeof(void *)) {
            break;
        }
        void *block = heap->alloc((unsigned int)size);
        if (block == NULL) {
            break;
        }
        *(void **)block = head;
        head = block;
        total += size;
    }
    while (head != NULL) {
        void *next = *(void **)head;
        heap->free(head);
        head = next;
    }
    return total;
}

#if MICROPY_WASM_MMAP_ARENA_SIZE
// The arena the bare-metal platform layer maps memory from, while the
// runtime is up (platform_baremetal.c).
void mp_wasm_arena_info(size_t *total, size_t *free_bytes, size_t *largest_free) {
    static const heap_ops_t arena_ops = { mp_wasm_arena_malloc, mp_wasm_arena_free, MICROPY_WASM_MMAP_ARENA_SIZE };
    *total = *free_bytes = *largest_free = MICROPY_WASM_MMAP_ARENA_SIZE;
    if (mp_wasm_ready) {
        *largest_free = heap_largest_free(&arena_ops);
        *free_bytes = heap_free_probe(&arena_ops);
    }
}
#endif

// Where linear memory comes from: the board's arena, or the pool.
size_t mp_wasm_memory_largest_free(void) {
    #if MICROPY_WASM_MMAP_ARENA_SIZE
    static const heap_ops_t arena_ops = { mp_wasm_arena_malloc, mp_wasm_arena_free, MICROPY_WASM_MMAP_ARENA_SIZE };
    return heap_largest_free(&arena_ops);
    #else
    size_t total;
    mp_wasm_port_pool(&total);
    const heap_ops_t pool_ops = { wasm_runtime_malloc, wasm_runtime_free, total };
    return heap_largest_free(&pool_ops);
    #endif
}

void mp_wasm_pool_info(size_t *total, size_t *free_bytes, size_t *largest_free) {
    mp_wasm_port_pool(total);
    *free_bytes = *total;
    *largest_free = *total;
    const heap_ops_t pool_ops = { wasm_runtime_malloc, wasm_runtime_free, *total };
    if (mp_wasm_ready) {
        mem_alloc_info_t stats;
        if (!MICROPY_WASM_SYSTEM_ALLOC && wasm_runtime_get_mem_alloc_info(&stats)) {
            *total = stats.total_size;
        }
        *largest_free = heap_largest_free(&pool_ops);
        *free_bytes = heap_free_probe(&pool_ops);
    }
}

// Instances that became garbage still hold pool memory until their
// finalisers run: collect once before reporting the pool as exhausted.
void *mp_wasm_pool_malloc(size_t size) {
    void *p = wasm_runtime_malloc((unsigned int)size);
    if (p == NULL) {
        gc_collect();
        p = wasm_runtime_malloc((unsigned int)size);
    }
    return p;
}

// WAMR's diagnostics (BH_VPRINTF) go to the MicroPython console.
int mp_wasm_vprintf(const char *fmt, va_list ap) {
    char buf[128];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n > 0) {
        mp_hal_stdout_tx_strn(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    }
    return n;
}
