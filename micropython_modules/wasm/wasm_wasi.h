// Internals shared by the WASI preview1 implementation files.
#ifndef MICROPY_INCLUDED_WASM_WASI_H
#define MICROPY_INCLUDED_WASM_WASI_H

#include "modwasm.h"

// WASI errno values (preview1).
#define WASI_ESUCCESS 0
#define WASI_E2BIG 1
#define WASI_EBADF 8
#define WASI_EFAULT 21
#define WASI_EINVAL 28
#define WASI_EIO 29
#define WASI_ENOSYS 52
#define WASI_ENOTSUP 58
#define WASI_ESPIPE 70
#define WASI_ENOTCAPABLE 76

#define WASI_FILETYPE_CHARACTER_DEVICE 2
#define WASI_RIGHT_FD_READ (1ULL << 1)
#define WASI_RIGHT_FD_WRITE (1ULL << 6)

#define WASI_STDIO_COUNT 3

// wasm.WASI: the configuration handed to instances.
typedef struct _mp_obj_wasm_wasi_t {
    mp_obj_base_t base;
    mp_obj_t args;     // tuple of bytes
    mp_obj_t env;      // tuple of bytes, "KEY=VALUE"
    mp_obj_t stdio[WASI_STDIO_COUNT]; // stream objects, or None for sys.std*
} mp_obj_wasm_wasi_t;

// Per-instance WASI state, in the GC heap (reached from the instance).
typedef struct _mp_wasm_wasi_ctx_t {
    mp_obj_wasm_wasi_t *config;
    bool stdio_closed[WASI_STDIO_COUNT];
} mp_wasm_wasi_ctx_t;

// The Python instance running on `exec_env`.
mp_obj_wasm_instance_t *wasi_instance(wasm_exec_env_t exec_env);

// Native address of guest range [offset, offset + size), or NULL after
// raising an out-of-bounds trap in the guest.
void *wasi_guest_ptr(wasm_exec_env_t exec_env, uint32_t offset, uint64_t size);

// Stream I/O on Python objects; false means a Python exception is now
// pending in the instance and the guest is unwinding.
bool wasi_stream_write(mp_obj_wasm_instance_t *inst, mp_obj_t stream, const uint8_t *buf,
    size_t len, size_t *done);
bool wasi_stream_read(mp_obj_wasm_instance_t *inst, mp_obj_t stream, uint8_t *buf,
    size_t len, size_t *done);

// Native tables of the two WASI implementation files.
extern NativeSymbol mp_wasm_wasi_fd_natives[];
extern const size_t mp_wasm_wasi_fd_natives_len;

#endif // MICROPY_INCLUDED_WASM_WASI_H
