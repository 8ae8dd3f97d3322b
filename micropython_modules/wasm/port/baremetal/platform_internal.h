// WAMR platform definitions for bare-metal MicroPython ports (no OS, one
// thread, no libc heap). WAMR's own allocations all come from its pool.
#ifndef MICROPY_WASM_PLATFORM_INTERNAL_H
#define MICROPY_WASM_PLATFORM_INTERNAL_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#ifndef BH_PLATFORM_MICROPYTHON_BAREMETAL
#define BH_PLATFORM_MICROPYTHON_BAREMETAL
#endif

#define BH_APPLET_PRESERVED_STACK_SIZE (2 * 1024)
#define BH_THREAD_DEFAULT_PRIORITY 0

// Single-threaded: the thread primitives only need to exist.
typedef int korp_tid;
typedef int korp_mutex;
typedef int korp_cond;
typedef int korp_thread;
typedef int korp_sem;
typedef struct {
    int dummy;
} korp_rwlock;

#define OS_THREAD_MUTEX_INITIALIZER 0

// No files at this level (WASI is implemented by the module itself).
typedef int os_file_handle;
typedef void *os_dir_stream;
typedef int os_raw_file_handle;
typedef int os_poll_file_handle;
typedef unsigned int os_nfds_t;
typedef int os_timespec;

static inline os_file_handle os_get_invalid_handle(void) {
    return -1;
}

static inline int os_getpagesize(void) {
    return 4096;
}

#endif // MICROPY_WASM_PLATFORM_INTERNAL_H
