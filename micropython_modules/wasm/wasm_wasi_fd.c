// WASI preview1 descriptor functions. Descriptors 0-2 are the guest's
// stdio, bridged to MicroPython stream objects (sys.std* by default, or
// any object with the stream protocol or read()/write() methods).
// No directories are preopened here, so every path_* call and every other
// descriptor answers EBADF.

#include <string.h>

#include "py/runtime.h"
#include "py/builtin.h"
#include "py/objtype.h"
#include "py/stream.h"
#include "wasm_wasi.h"

#define WASI_IOVEC_SIZE 8
#define WASI_FDSTAT_SIZE 24
#define WASI_FILESTAT_SIZE 64

static const qstr sys_stdio_names[WASI_STDIO_COUNT] = {
    MP_QSTR_stdin, MP_QSTR_stdout, MP_QSTR_stderr,
};

// Stream for stdio descriptor `fd`, or MP_OBJ_NULL if it is not open.
static mp_obj_t stdio_stream(mp_obj_wasm_instance_t *inst, int32_t fd) {
    if (fd < 0 || fd >= WASI_STDIO_COUNT || inst->wasi_ctx->stdio_closed[fd]) {
        return MP_OBJ_NULL;
    }
    mp_obj_t stream = inst->wasi_ctx->config->stdio[fd];
    if (stream == mp_const_none) {
        stream = mp_load_attr(MP_OBJ_FROM_PTR(&mp_module_sys), sys_stdio_names[fd]);
    }
    return stream;
}

// The stream protocol if `obj` is a native stream with the given method.
static const mp_stream_p_t *native_stream(mp_obj_t obj, bool for_write) {
    const mp_obj_type_t *type = mp_obj_get_type(obj);
    if (mp_obj_is_instance_type(type) || !MP_OBJ_TYPE_HAS_SLOT(type, protocol)) {
        return NULL;
    }
    const mp_stream_p_t *p = MP_OBJ_TYPE_GET_SLOT(type, protocol);
    if ((for_write && p->write == NULL) || (!for_write && p->read == NULL)) {
        return NULL;
    }
    return p;
}

bool wasi_stream_write(mp_obj_wasm_instance_t *inst, mp_obj_t stream, const uint8_t *buf,
    size_t len, size_t *done) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        const mp_stream_p_t *p = native_stream(stream, true);
        if (p != NULL) {
            int err;
            size_t n = mp_stream_rw(stream, (void *)buf, len, &err, MP_STREAM_RW_WRITE);
            if (err != 0 && n == 0) {
                mp_raise_OSError(err);
            }
            *done = n;
        } else {
            mp_obj_t data = mp_obj_new_bytes(buf, len);
            mp_obj_t ret = mp_call_function_1(mp_load_attr(stream, MP_QSTR_write), data);
            *done = ret == mp_const_none ? len : (size_t)mp_obj_get_int(ret);
        }
        nlr_pop();
        return true;
    }
    mp_wasm_instance_set_host_exception(inst, MP_OBJ_FROM_PTR(nlr.ret_val));
    return false;
}

bool wasi_stream_read(mp_obj_wasm_instance_t *inst, mp_obj_t stream, uint8_t *buf,
    size_t len, size_t *done) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        const mp_stream_p_t *p = native_stream(stream, false);
        if (p != NULL) {
            int err;
            // One read call: a short read is fine for WASI and keeps
            // interactive input (a console) responsive.
            mp_uint_t n = p->read(stream, buf, len, &err);
            if (n == MP_STREAM_ERROR) {
                mp_raise_OSError(err);
            }
            *done = n;
        } else {
            mp_obj_t data = mp_call_function_1(mp_load_attr(stream, MP_QSTR_read),
                mp_obj_new_int_from_uint(len));
            size_t n = 0;
            const char *s = data == mp_const_none ? "" : mp_obj_str_get_data(data, &n);
            if (n > len) {
                n = len;
            }
            memcpy(buf, s, n);
            *done = n;
        }
        nlr_pop();
        return true;
    }
    mp_wasm_instance_set_host_exception(inst, MP_OBJ_FROM_PTR(nlr.ret_val));
    return false;
}

// Scatter/gather over the guest's iovec array. `iov_fn` moves one buffer
// and reports how much it moved; a short transfer ends the loop.
typedef bool (*iov_fn_t)(mp_obj_wasm_instance_t *inst, mp_obj_t stream, uint8_t *buf,
    size_t len, size_t *done);

static int32_t transfer_iovs(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs_off,
    uint32_t iovs_len, uint32_t result_off, bool is_write) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    uint32_t *result = wasi_guest_ptr(exec_env, result_off, 4);
    const uint32_t *iovs = result ? wasi_guest_ptr(exec_env, iovs_off, (uint64_t)iovs_len * WASI_IOVEC_SIZE) : NULL;
    if (iovs == NULL) {
        return WASI_EFAULT;
    }
    mp_obj_t stream = stdio_stream(inst, fd);
    if (stream == MP_OBJ_NULL) {
        return WASI_EBADF;
    }
    if ((is_write && fd == 0) || (!is_write && fd != 0)) {
        return WASI_EBADF;
    }
    uint32_t total = 0;
    for (uint32_t i = 0; i < iovs_len; i++) {
        uint32_t buf_off = iovs[2 * i];
        uint32_t len = iovs[2 * i + 1];
        uint8_t *buf = wasi_guest_ptr(exec_env, buf_off, len);
        if (buf == NULL) {
            return WASI_EFAULT;
        }
        if (len == 0) {
            continue;
        }
        size_t done = 0;
        bool ok = is_write
            ? wasi_stream_write(inst, stream, buf, len, &done)
            : wasi_stream_read(inst, stream, buf, len, &done);
        if (!ok) {
            return WASI_EIO;
        }
        total += (uint32_t)done;
        if (done < len) {
            break;
        }
        // Python code ran: memory may have moved, so re-derive pointers.
        iovs = wasi_guest_ptr(exec_env, iovs_off, (uint64_t)iovs_len * WASI_IOVEC_SIZE);
        if (iovs == NULL) {
            return WASI_EFAULT;
        }
    }
    result = wasi_guest_ptr(exec_env, result_off, 4);
    if (result == NULL) {
        return WASI_EFAULT;
    }
    *result = total;
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_write(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nwritten) {
    return transfer_iovs(exec_env, fd, iovs, iovs_len, nwritten, true);
}

static int32_t wasi_fd_read(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs, uint32_t iovs_len, uint32_t nread) {
    return transfer_iovs(exec_env, fd, iovs, iovs_len, nread, false);
}

static bool fd_is_open(wasm_exec_env_t exec_env, int32_t fd) {
    return stdio_stream(wasi_instance(exec_env), fd) != MP_OBJ_NULL;
}

// Stdio is a character device: not seekable, no positional I/O.
static int32_t wasi_fd_pread(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs, uint32_t iovs_len,
    int64_t offset, uint32_t nread) {
    (void)iovs;
    (void)iovs_len;
    (void)offset;
    (void)nread;
    return fd_is_open(exec_env, fd) ? WASI_ESPIPE : WASI_EBADF;
}

static int32_t wasi_fd_pwrite(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs, uint32_t iovs_len,
    int64_t offset, uint32_t nwritten) {
    (void)iovs;
    (void)iovs_len;
    (void)offset;
    (void)nwritten;
    return fd_is_open(exec_env, fd) ? WASI_ESPIPE : WASI_EBADF;
}

static int32_t wasi_fd_seek(wasm_exec_env_t exec_env, int32_t fd, int64_t offset, int32_t whence, uint32_t newoffset) {
    (void)offset;
    (void)whence;
    (void)newoffset;
    return fd_is_open(exec_env, fd) ? WASI_ESPIPE : WASI_EBADF;
}

static int32_t wasi_fd_tell(wasm_exec_env_t exec_env, int32_t fd, uint32_t offset) {
    (void)offset;
    return fd_is_open(exec_env, fd) ? WASI_ESPIPE : WASI_EBADF;
}

static int32_t wasi_fd_close(wasm_exec_env_t exec_env, int32_t fd) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    if (stdio_stream(inst, fd) == MP_OBJ_NULL) {
        return WASI_EBADF;
    }
    // The Python stream belongs to the caller: only the guest's view closes.
    inst->wasi_ctx->stdio_closed[fd] = true;
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_sync(wasm_exec_env_t exec_env, int32_t fd) {
    return fd_is_open(exec_env, fd) ? WASI_EINVAL : WASI_EBADF;
}

static int32_t wasi_fd_datasync(wasm_exec_env_t exec_env, int32_t fd) {
    return wasi_fd_sync(exec_env, fd);
}

static int32_t wasi_fd_fdstat_get(wasm_exec_env_t exec_env, int32_t fd, uint32_t buf_off) {
    uint8_t *buf = wasi_guest_ptr(exec_env, buf_off, WASI_FDSTAT_SIZE);
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    if (!fd_is_open(exec_env, fd)) {
        return WASI_EBADF;
    }
    memset(buf, 0, WASI_FDSTAT_SIZE);
    buf[0] = WASI_FILETYPE_CHARACTER_DEVICE;
    uint64_t rights = fd == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
    memcpy(buf + 8, &rights, 8);
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_fdstat_set_flags(wasm_exec_env_t exec_env, int32_t fd, int32_t flags) {
    (void)flags;
    return fd_is_open(exec_env, fd) ? WASI_ENOTSUP : WASI_EBADF;
}

static int32_t wasi_fd_fdstat_set_rights(wasm_exec_env_t exec_env, int32_t fd, int64_t base, int64_t inheriting) {
    (void)base;
    (void)inheriting;
    return fd_is_open(exec_env, fd) ? WASI_ENOTSUP : WASI_EBADF;
}

static int32_t wasi_fd_filestat_get(wasm_exec_env_t exec_env, int32_t fd, uint32_t buf_off) {
    uint8_t *buf = wasi_guest_ptr(exec_env, buf_off, WASI_FILESTAT_SIZE);
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    if (!fd_is_open(exec_env, fd)) {
        return WASI_EBADF;
    }
    memset(buf, 0, WASI_FILESTAT_SIZE);
    buf[16] = WASI_FILETYPE_CHARACTER_DEVICE;
    uint64_t nlink = 1;
    memcpy(buf + 24, &nlink, 8);
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_filestat_set_size(wasm_exec_env_t exec_env, int32_t fd, int64_t size) {
    (void)size;
    return fd_is_open(exec_env, fd) ? WASI_EINVAL : WASI_EBADF;
}

static int32_t wasi_fd_filestat_set_times(wasm_exec_env_t exec_env, int32_t fd, int64_t atim, int64_t mtim, int32_t flags) {
    (void)atim;
    (void)mtim;
    (void)flags;
    return fd_is_open(exec_env, fd) ? WASI_ENOTSUP : WASI_EBADF;
}

static int32_t wasi_fd_advise(wasm_exec_env_t exec_env, int32_t fd, int64_t offset, int64_t len, int32_t advice) {
    (void)offset;
    (void)len;
    (void)advice;
    return fd_is_open(exec_env, fd) ? WASI_ESPIPE : WASI_EBADF;
}

static int32_t wasi_fd_allocate(wasm_exec_env_t exec_env, int32_t fd, int64_t offset, int64_t len) {
    (void)offset;
    (void)len;
    return fd_is_open(exec_env, fd) ? WASI_ESPIPE : WASI_EBADF;
}

static int32_t wasi_fd_readdir(wasm_exec_env_t exec_env, int32_t fd, uint32_t buf, uint32_t len,
    int64_t cookie, uint32_t used) {
    (void)buf;
    (void)len;
    (void)cookie;
    (void)used;
    return fd_is_open(exec_env, fd) ? WASI_ENOTSUP : WASI_EBADF;
}

static int32_t wasi_fd_renumber(wasm_exec_env_t exec_env, int32_t fd, int32_t to) {
    (void)exec_env;
    (void)fd;
    (void)to;
    return WASI_ENOTSUP;
}

// No preopened directories: the guest's preopen scan stops at fd 3.
static int32_t wasi_fd_prestat_get(wasm_exec_env_t exec_env, int32_t fd, uint32_t buf) {
    (void)exec_env;
    (void)fd;
    (void)buf;
    return WASI_EBADF;
}

static int32_t wasi_fd_prestat_dir_name(wasm_exec_env_t exec_env, int32_t fd, uint32_t path, uint32_t len) {
    (void)exec_env;
    (void)fd;
    (void)path;
    (void)len;
    return WASI_EBADF;
}

// Path functions need a directory descriptor, and none is open.
static int32_t wasi_path_no_dir3(wasm_exec_env_t exec_env, int32_t fd, uint32_t a, uint32_t b) {
    (void)exec_env;
    (void)fd;
    (void)a;
    (void)b;
    return WASI_EBADF;
}

static int32_t wasi_path_filestat_get(wasm_exec_env_t exec_env, int32_t fd, int32_t flags,
    uint32_t path, uint32_t path_len, uint32_t buf) {
    (void)exec_env;
    (void)fd;
    (void)flags;
    (void)path;
    (void)path_len;
    (void)buf;
    return WASI_EBADF;
}

static int32_t wasi_path_filestat_set_times(wasm_exec_env_t exec_env, int32_t fd, int32_t flags,
    uint32_t path, uint32_t path_len, int64_t atim, int64_t mtim, int32_t fst_flags) {
    (void)exec_env;
    (void)fd;
    (void)flags;
    (void)path;
    (void)path_len;
    (void)atim;
    (void)mtim;
    (void)fst_flags;
    return WASI_EBADF;
}

static int32_t wasi_path_link(wasm_exec_env_t exec_env, int32_t old_fd, int32_t old_flags,
    uint32_t old_path, uint32_t old_len, int32_t new_fd, uint32_t new_path, uint32_t new_len) {
    (void)exec_env;
    (void)old_fd;
    (void)old_flags;
    (void)old_path;
    (void)old_len;
    (void)new_fd;
    (void)new_path;
    (void)new_len;
    return WASI_EBADF;
}

static int32_t wasi_path_open(wasm_exec_env_t exec_env, int32_t fd, int32_t dirflags,
    uint32_t path, uint32_t path_len, int32_t oflags, int64_t rights_base,
    int64_t rights_inheriting, int32_t fdflags, uint32_t fd_out) {
    (void)exec_env;
    (void)fd;
    (void)dirflags;
    (void)path;
    (void)path_len;
    (void)oflags;
    (void)rights_base;
    (void)rights_inheriting;
    (void)fdflags;
    (void)fd_out;
    return WASI_EBADF;
}

static int32_t wasi_path_readlink(wasm_exec_env_t exec_env, int32_t fd, uint32_t path,
    uint32_t path_len, uint32_t buf, uint32_t buf_len, uint32_t used) {
    (void)exec_env;
    (void)fd;
    (void)path;
    (void)path_len;
    (void)buf;
    (void)buf_len;
    (void)used;
    return WASI_EBADF;
}

static int32_t wasi_path_rename(wasm_exec_env_t exec_env, int32_t fd, uint32_t old_path,
    uint32_t old_len, int32_t new_fd, uint32_t new_path, uint32_t new_len) {
    (void)exec_env;
    (void)fd;
    (void)old_path;
    (void)old_len;
    (void)new_fd;
    (void)new_path;
    (void)new_len;
    return WASI_EBADF;
}

static int32_t wasi_path_symlink(wasm_exec_env_t exec_env, uint32_t old_path, uint32_t old_len,
    int32_t fd, uint32_t new_path, uint32_t new_len) {
    (void)exec_env;
    (void)old_path;
    (void)old_len;
    (void)fd;
    (void)new_path;
    (void)new_len;
    return WASI_EBADF;
}

#define NATIVE(name, sig) { #name, (void *)wasi_##name, sig, NULL }

// WAMR sorts registered arrays in place: this table must stay writable.
NativeSymbol mp_wasm_wasi_fd_natives[] = {
    NATIVE(fd_advise, "(iIIi)i"),
    NATIVE(fd_allocate, "(iII)i"),
    NATIVE(fd_close, "(i)i"),
    NATIVE(fd_datasync, "(i)i"),
    NATIVE(fd_fdstat_get, "(ii)i"),
    NATIVE(fd_fdstat_set_flags, "(ii)i"),
    NATIVE(fd_fdstat_set_rights, "(iII)i"),
    NATIVE(fd_filestat_get, "(ii)i"),
    NATIVE(fd_filestat_set_size, "(iI)i"),
    NATIVE(fd_filestat_set_times, "(iIIi)i"),
    NATIVE(fd_pread, "(iiiIi)i"),
    NATIVE(fd_prestat_get, "(ii)i"),
    NATIVE(fd_prestat_dir_name, "(iii)i"),
    NATIVE(fd_pwrite, "(iiiIi)i"),
    NATIVE(fd_read, "(iiii)i"),
    NATIVE(fd_readdir, "(iiiIi)i"),
    NATIVE(fd_renumber, "(ii)i"),
    NATIVE(fd_seek, "(iIii)i"),
    NATIVE(fd_sync, "(i)i"),
    NATIVE(fd_tell, "(ii)i"),
    NATIVE(fd_write, "(iiii)i"),
    { "path_create_directory", (void *)wasi_path_no_dir3, "(iii)i", NULL },
    NATIVE(path_filestat_get, "(iiiii)i"),
    NATIVE(path_filestat_set_times, "(iiiiIIi)i"),
    NATIVE(path_link, "(iiiiiii)i"),
    NATIVE(path_open, "(iiiiiIIii)i"),
    NATIVE(path_readlink, "(iiiiii)i"),
    { "path_remove_directory", (void *)wasi_path_no_dir3, "(iii)i", NULL },
    NATIVE(path_rename, "(iiiiii)i"),
    NATIVE(path_symlink, "(iiiii)i"),
    { "path_unlink_file", (void *)wasi_path_no_dir3, "(iii)i", NULL },
};

const size_t mp_wasm_wasi_fd_natives_len = MP_ARRAY_SIZE(mp_wasm_wasi_fd_natives);
