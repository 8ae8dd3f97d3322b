// Internals shared by the WASI preview1 implementation files.
#ifndef MICROPY_INCLUDED_WASM_WASI_H
#define MICROPY_INCLUDED_WASM_WASI_H

#include "wasm_native_call.h"

// WASI errno values (preview1).
#define WASI_ESUCCESS 0
#define WASI_E2BIG 1
#define WASI_EACCES 2
#define WASI_EBADF 8
#define WASI_EEXIST 20
#define WASI_EFAULT 21
#define WASI_EFBIG 22
#define WASI_EINTR 27
#define WASI_EINVAL 28
#define WASI_EILSEQ 25
#define WASI_EIO 29
#define WASI_EISDIR 31
#define WASI_ELOOP 32
#define WASI_EMFILE 33
#define WASI_ENAMETOOLONG 37
#define WASI_ENOENT 44
#define WASI_ENOMEM 48
#define WASI_ENOSPC 51
#define WASI_ENOSYS 52
#define WASI_ENOTDIR 54
#define WASI_ENOTEMPTY 55
#define WASI_ENOTSUP 58
#define WASI_EPERM 63
#define WASI_EROFS 69
#define WASI_ESPIPE 70
#define WASI_ENOTCAPABLE 76

#define WASI_FILETYPE_UNKNOWN 0
#define WASI_FILETYPE_CHARACTER_DEVICE 2
#define WASI_FILETYPE_DIRECTORY 3
#define WASI_FILETYPE_REGULAR_FILE 4
#define WASI_RIGHT_FD_READ (1ULL << 1)
#define WASI_RIGHT_FD_WRITE (1ULL << 6)
#define WASI_RIGHTS_ALL (0x1fffffffULL)
#define WASI_FDFLAG_APPEND (1u << 0)
#define WASI_PATH_MAX 4096

#define WASI_STDIO_COUNT 3
#define WASI_MAX_FDS 32

typedef enum {
    WASI_FD_FREE,
    WASI_FD_STDIO,
    WASI_FD_DIR,
    WASI_FD_FILE,
} wasi_fd_kind_t;

// What a descriptor may do (set from how it was opened).
#define WASI_ACCESS_READ (1u << 0)
#define WASI_ACCESS_WRITE (1u << 1)

// One guest descriptor. Directories and files remember where they sit
// inside their preopen (`root` + `rel`); the sandbox checks that path again
// at every use (wasi_fd_path), never only at open.
typedef struct _wasi_fd_t {
    uint8_t kind;
    uint8_t stdio;        // which of stdin/stdout/stderr (stdio; fd_renumber moves them)
    uint8_t access;       // WASI_ACCESS_* (files and stdio)
    bool preopen;
    uint16_t fdflags;
    mp_obj_t stream;      // open file object (files)
    mp_obj_t root;        // str: the preopen's VFS directory
    mp_obj_t rel;         // str: path below root, "" for root itself
    mp_obj_t guest_name;  // bytes: preopen name the guest sees
} wasi_fd_t;

// wasm.WASI: the configuration handed to instances.
typedef struct _mp_obj_wasm_wasi_t {
    mp_obj_base_t base;
    mp_obj_t args;     // tuple of bytes
    mp_obj_t env;      // tuple of bytes, "KEY=VALUE"
    mp_obj_t stdio[WASI_STDIO_COUNT]; // stream objects, or None for sys.std*
    mp_obj_t preopens; // tuple of (guest name bytes, VFS path str)
} mp_obj_wasm_wasi_t;

// Per-instance WASI state, in the GC heap (reached from the instance).
typedef struct _mp_wasm_wasi_ctx_t {
    mp_obj_wasm_wasi_t *config;
    wasi_fd_t fds[WASI_MAX_FDS];
} mp_wasm_wasi_ctx_t;

// Descriptor `fd` of the running instance if it is of `kind` (or any
// open kind for WASI_FD_FREE); NULL otherwise.
wasi_fd_t *wasi_fd_get(mp_obj_wasm_instance_t *inst, int32_t fd, wasi_fd_kind_t kind);
// The VFS path of an open directory or file descriptor, checked against its
// preopen at this use: ENOTCAPABLE once it resolves outside (a symlink moved
// into its place), else 0.
int32_t wasi_fd_path(const wasi_fd_t *entry, mp_obj_t *path);
// Writes a 64-byte WASI filestat for VFS `path`; raises (OSError from the
// VFS, TypeError for a VFS that returns something other than a stat tuple).
void wasi_filestat(uint8_t *buf, mp_obj_t path);
void mp_wasm_wasi_fs_open_preopens(mp_wasm_wasi_ctx_t *ctx);
void mp_wasm_wasi_fs_close_all(mp_wasm_wasi_ctx_t *ctx);
// The errno an OSError carries, or -1 (never raises, allocates nothing).
mp_int_t wasi_oserror_errno(mp_obj_t exc);

// The running instance's WASI state.
static inline mp_wasm_wasi_ctx_t *wasi_ctx(wasm_exec_env_t exec_env) {
    return mp_wasm_native_instance(exec_env)->wasi_ctx;
}

// Stream calls on any object a host or VFS hands over: MicroPython's stream
// protocol for native streams, the Python methods otherwise. Shapes coming
// back from Python are checked; errors raise (wasm_wasi_stream.c).
size_t wasi_stream_write(mp_obj_t stream, const uint8_t *buf, size_t len);
size_t wasi_stream_read(mp_obj_t stream, uint8_t *buf, size_t len);
uint64_t wasi_stream_seek(mp_obj_t stream, int64_t offset, int whence);
void wasi_stream_flush(mp_obj_t stream);
void wasi_stream_close(mp_obj_t stream);

// Native tables of the WASI implementation files.
extern NativeSymbol mp_wasm_wasi_fd_natives[];
extern const size_t mp_wasm_wasi_fd_natives_len;
extern NativeSymbol mp_wasm_wasi_path_natives[];
extern const size_t mp_wasm_wasi_path_natives_len;

#endif // MICROPY_INCLUDED_WASM_WASI_H
