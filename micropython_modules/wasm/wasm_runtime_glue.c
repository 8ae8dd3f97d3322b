// WAMR runtime lifetime: one runtime per VM, initialised on first use from
// a fixed pool that lives outside the GC heap, torn down at soft reset.

#include <stdio.h>
#include <string.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "py/gc.h"
#include "modwasm.h"

#if !MICROPY_WASM_PORT_POOL
// WAMR's allocator (ems) wants 8-byte alignment for its pool.
static uint8_t mp_wasm_pool[MICROPY_WASM_POOL_SIZE] __attribute__((aligned(8)));

uint8_t *mp_wasm_port_pool(size_t *size) {
    *size = sizeof(mp_wasm_pool);
    return mp_wasm_pool;
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
    init.mem_alloc_type = Alloc_With_Pool;
    init.mem_alloc_option.pool.heap_buf = pool;
    init.mem_alloc_option.pool.heap_size = (uint32_t)pool_size;
    init.running_mode = Mode_Interp;
    if (!wasm_runtime_full_init(&init)) {
        mp_wasm_raise(&mp_type_wasm_error, "WAMR runtime initialisation failed");
    }
    // Load and link problems are reported as Python exceptions; WAMR's own
    // log lines would only duplicate them on the console.
    wasm_runtime_set_log_level(WASM_LOG_LEVEL_ERROR);
    // Natives are dropped by wasm_runtime_destroy: register them every time.
    if (!mp_wasm_wasi_register() || !mp_wasm_natives_register()) {
        wasm_runtime_destroy();
        mp_wasm_raise(&mp_type_wasm_error, "could not register native functions");
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

// The largest block the pool can hand out right now. WAMR's free-byte
// counter drifts upwards after in-place reallocations (an accounting quirk
// of its ems allocator), so leak checks rely on this probe instead.
static size_t pool_largest_free(void) {
    size_t lo = 0, hi;
    mp_wasm_port_pool(&hi);
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        void *p = wasm_runtime_malloc((unsigned int)mid);
        if (p != NULL) {
            wasm_runtime_free(p);
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
static size_t pool_free_probe(void) {
    void *head = NULL;
    size_t total = 0;
    for (;;) {
        size_t size = pool_largest_free();
        if (size < sizeof(void *)) {
            break;
        }
        void *block = wasm_runtime_malloc((unsigned int)size);
        if (block == NULL) {
            break;
        }
        *(void **)block = head;
        head = block;
        total += size;
    }
    while (head != NULL) {
        void *next = *(void **)head;
        wasm_runtime_free(head);
        head = next;
    }
    return total;
}

void mp_wasm_pool_info(size_t *total, size_t *free_bytes, size_t *largest_free) {
    mp_wasm_port_pool(total);
    *free_bytes = *total;
    *largest_free = *total;
    if (mp_wasm_ready) {
        mem_alloc_info_t stats;
        if (wasm_runtime_get_mem_alloc_info(&stats)) {
            *total = stats.total_size;
        }
        *largest_free = pool_largest_free();
        *free_bytes = pool_free_probe();
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
