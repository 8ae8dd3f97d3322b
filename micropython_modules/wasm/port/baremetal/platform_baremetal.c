// WAMR platform layer for bare-metal MicroPython ports. Compiled into
// libwamr with WAMR's flags. Memory that WAMR "maps" (linear memory, AOT
// code) comes from the WAMR pool, or from an arena of its own when the
// board sets MICROPY_WASM_MMAP_ARENA_SIZE (as the ESP32 boards take it
// from the ESP-IDF heap, apart from the pool); never from the GC heap.

#include "platform_api_vmcore.h"
#include "platform_api_extension.h"
#include "wasm_export.h"
#include "mem_alloc.h"

// Provided by the module's port layer (wasm_port_baremetal.c).
uint64_t mp_wasm_port_time_ns(bool realtime);
void mp_wasm_port_sleep_ns(uint64_t ns);
void *mp_wasm_port_stack_limit(void);
int mp_wasm_vprintf(const char *fmt, va_list ap);

#if MICROPY_WASM_MMAP_ARENA_SIZE
static uint8 mmap_arena_buf[MICROPY_WASM_MMAP_ARENA_SIZE] __attribute__((aligned(8)));
static mem_allocator_t mmap_arena;

void *mp_wasm_arena_malloc(unsigned int size) {
    return mmap_arena != NULL ? mem_allocator_malloc(mmap_arena, size) : NULL;
}

void mp_wasm_arena_free(void *ptr) {
    mem_allocator_free(mmap_arena, ptr);
}

static void *map_realloc(void *ptr, unsigned int size) {
    return mem_allocator_realloc(mmap_arena, ptr, size);
}

#define map_alloc mp_wasm_arena_malloc
#define map_free mp_wasm_arena_free
#else
#define map_alloc wasm_runtime_malloc
#define map_realloc wasm_runtime_realloc
#define map_free wasm_runtime_free
#endif

// Runs in wasm_runtime_full_init(); bh_platform_destroy() in
// wasm_runtime_destroy(), after WAMR released everything: every soft reset
// starts from an empty arena.
int bh_platform_init(void) {
    #if MICROPY_WASM_MMAP_ARENA_SIZE
    mmap_arena = mem_allocator_create(mmap_arena_buf, sizeof(mmap_arena_buf));
    if (mmap_arena == NULL) {
        return -1;
    }
    #endif
    return 0;
}

void bh_platform_destroy(void) {
    #if MICROPY_WASM_MMAP_ARENA_SIZE
    mem_allocator_destroy(mmap_arena);
    mmap_arena = NULL;
    #endif
}

// No libc heap: WAMR is built with BH_MALLOC=wasm_runtime_malloc.
void *os_malloc(unsigned size) {
    (void)size;
    return NULL;
}

void *os_realloc(void *ptr, unsigned size) {
    (void)ptr;
    (void)size;
    return NULL;
}

void os_free(void *ptr) {
    (void)ptr;
}

int os_printf(const char *format, ...) {
    va_list ap;
    va_start(ap, format);
    int n = mp_wasm_vprintf(format, ap);
    va_end(ap);
    return n;
}

int os_vprintf(const char *format, va_list ap) {
    return mp_wasm_vprintf(format, ap);
}

uint64 os_time_get_boot_us(void) {
    return mp_wasm_port_time_ns(false) / 1000u;
}

uint64 os_time_thread_cputime_us(void) {
    return os_time_get_boot_us();
}

korp_tid os_self_thread(void) {
    return 1;
}

uint8 *os_thread_get_stack_boundary(void) {
    // WAMR adds its guard size on top and traps before the C stack overflows.
    return (uint8 *)mp_wasm_port_stack_limit();
}

void os_thread_jit_write_protect_np(bool enabled) {
    (void)enabled;
}

int os_mutex_init(korp_mutex *mutex) {
    *mutex = 0;
    return BHT_OK;
}

int os_recursive_mutex_init(korp_mutex *mutex) {
    return os_mutex_init(mutex);
}

int os_mutex_destroy(korp_mutex *mutex) {
    (void)mutex;
    return BHT_OK;
}

int os_mutex_lock(korp_mutex *mutex) {
    (void)mutex;
    return BHT_OK;
}

int os_mutex_unlock(korp_mutex *mutex) {
    (void)mutex;
    return BHT_OK;
}

int os_cond_init(korp_cond *cond) {
    *cond = 0;
    return BHT_OK;
}

int os_cond_destroy(korp_cond *cond) {
    (void)cond;
    return BHT_OK;
}

int os_cond_wait(korp_cond *cond, korp_mutex *mutex) {
    (void)cond;
    (void)mutex;
    return BHT_OK;
}

int os_cond_reltimedwait(korp_cond *cond, korp_mutex *mutex, uint64 useconds) {
    (void)cond;
    (void)mutex;
    os_usleep((uint32)useconds);
    return BHT_OK;
}

int os_cond_signal(korp_cond *cond) {
    (void)cond;
    return BHT_OK;
}

int os_cond_broadcast(korp_cond *cond) {
    (void)cond;
    return BHT_OK;
}

// Guest threads are not offered: creating one fails cleanly.
int os_thread_create(korp_tid *p_tid, thread_start_routine_t start, void *arg, unsigned int stack_size) {
    (void)p_tid;
    (void)start;
    (void)arg;
    (void)stack_size;
    return BHT_ERROR;
}

int os_thread_create_with_prio(korp_tid *p_tid, thread_start_routine_t start, void *arg,
    unsigned int stack_size, int prio) {
    (void)prio;
    return os_thread_create(p_tid, start, arg, stack_size);
}

int os_thread_join(korp_tid thread, void **retval) {
    (void)thread;
    (void)retval;
    return BHT_ERROR;
}

int os_thread_detach(korp_tid thread) {
    (void)thread;
    return BHT_OK;
}

void os_thread_exit(void *retval) {
    (void)retval;
}

int os_thread_env_init(void) {
    return BHT_OK;
}

void os_thread_env_destroy(void) {
}

bool os_thread_env_inited(void) {
    return true;
}

int os_usleep(uint32 usec) {
    mp_wasm_port_sleep_ns((uint64_t)usec * 1000u);
    return 0;
}

// Linear memory and AOT code. RAM is executable on the supported MCUs, and
// there is no MMU to set protections on.
void *os_mmap(void *hint, size_t size, int prot, int flags, os_file_handle file) {
    (void)hint;
    (void)prot;
    (void)flags;
    (void)file;
    if (size == 0 || size > UINT32_MAX) {
        return NULL;
    }
    void *p = map_alloc((unsigned int)size);
    if (p != NULL) {
        memset(p, 0, size);
    }
    return p;
}

void os_munmap(void *addr, size_t size) {
    (void)size;
    if (addr != NULL) {
        map_free(addr);
    }
}

int os_mprotect(void *addr, size_t size, int prot) {
    (void)addr;
    (void)size;
    (void)prot;
    return 0;
}

void *os_mremap(void *old_addr, size_t old_size, size_t new_size) {
    if (new_size > UINT32_MAX) {
        return NULL;
    }
    void *p = map_realloc(old_addr, (unsigned int)new_size);
    if (p != NULL && new_size > old_size) {
        memset((uint8 *)p + old_size, 0, new_size - old_size);
    }
    return p;
}

void os_dcache_flush(void) {
}

void os_icache_flush(void *start, size_t len) {
    (void)start;
    (void)len;
    #if defined(__riscv_zifencei)
    // Code the AOT loader just wrote must be visible to instruction fetch.
    __asm volatile ("fence.i" ::: "memory");
    #endif
}

int os_blocking_op_init(void) {
    return BHT_OK;
}

void os_begin_blocking_op(void) {
}

void os_end_blocking_op(void) {
}

int os_wakeup_blocking_op(korp_tid tid) {
    (void)tid;
    return BHT_OK;
}
