// WASI preview1 descriptor functions. Descriptors 0-2 are the guest's
// stdio, bridged to MicroPython stream objects (sys.std* by default, or any
// object with the stream protocol or read()/write() methods); the others
// are preopened directories and what the guest opened below them
// (wasm_wasi_path.c), backed by MicroPython's VFS.

#include <string.h>

#include "py/runtime.h"
#include "py/builtin.h"
#include "py/objtype.h"
#include "py/stream.h"
#include "wasm_wasi.h"

#define WASI_IOVEC_SIZE 8
#define WASI_FDSTAT_SIZE 24
#define WASI_FILESTAT_SIZE 64
#define WASI_PRESTAT_SIZE 8

static const qstr sys_stdio_names[WASI_STDIO_COUNT] = {
    MP_QSTR_stdin, MP_QSTR_stdout, MP_QSTR_stderr,
};

// The stream behind stdio or file descriptor `fd`, or MP_OBJ_NULL.
static mp_obj_t fd_stream(mp_obj_wasm_instance_t *inst, int32_t fd) {
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FREE);
    if (entry == NULL) {
        return MP_OBJ_NULL;
    }
    if (entry->kind == WASI_FD_FILE) {
        return entry->stream;
    }
    if (entry->kind != WASI_FD_STDIO) {
        return MP_OBJ_NULL;
    }
    mp_obj_t stream = inst->wasi_ctx->config->stdio[entry->stdio];
    if (stream == mp_const_none) {
        stream = mp_load_attr(MP_OBJ_FROM_PTR(&mp_module_sys), sys_stdio_names[entry->stdio]);
    }
    return stream;
}

// The stream protocol if `obj` is a native stream with the given method.
// The protocol slot also holds other protocols (a VFS's, a pin's): only a
// type whose read/write method is the generic stream one is a stream.
static const mp_stream_p_t *native_stream(mp_obj_t obj, bool for_write) {
    const mp_obj_type_t *type = mp_obj_get_type(obj);
    if (mp_obj_is_instance_type(type) || !MP_OBJ_TYPE_HAS_SLOT(type, protocol)
        || !MP_OBJ_TYPE_HAS_SLOT(type, locals_dict)) {
        return NULL;
    }
    mp_map_elem_t *method = mp_map_lookup(&MP_OBJ_TYPE_GET_SLOT(type, locals_dict)->map,
        MP_OBJ_NEW_QSTR(for_write ? MP_QSTR_write : MP_QSTR_read), MP_MAP_LOOKUP);
    if (method == NULL || method->value != (for_write ? MP_OBJ_FROM_PTR(&mp_stream_write_obj)
                                                      : MP_OBJ_FROM_PTR(&mp_stream_read_obj))) {
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

// Scatter/gather over the guest's iovec array; a short transfer ends it.
static int32_t transfer_iovs(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs_off,
    uint32_t iovs_len, uint32_t result_off, bool is_write) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    uint32_t *result = wasi_guest_ptr(exec_env, result_off, 4);
    const uint32_t *iovs = result ? wasi_guest_ptr(exec_env, iovs_off, (uint64_t)iovs_len * WASI_IOVEC_SIZE) : NULL;
    if (iovs == NULL) {
        return WASI_EFAULT;
    }
    mp_obj_t stream = fd_stream(inst, fd);
    if (stream == MP_OBJ_NULL) {
        return wasi_fd_get(inst, fd, WASI_FD_DIR) ? WASI_EISDIR : WASI_EBADF;
    }
    wasi_fd_t *std = wasi_fd_get(inst, fd, WASI_FD_STDIO);
    if (std != NULL && (is_write == (std->stdio == 0))) {
        return WASI_EBADF; // stdin is read-only, stdout and stderr write-only
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

// Seeks a file descriptor; returns a WASI errno.
static int32_t file_seek(mp_obj_wasm_instance_t *inst, wasi_fd_t *entry, int64_t offset,
    int whence, uint64_t *pos) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        int err;
        mp_off_t r = mp_stream_seek(entry->stream, (mp_off_t)offset, whence, &err);
        if (r == (mp_off_t)-1) {
            mp_raise_OSError(err);
        }
        *pos = (uint64_t)r;
        nlr_pop();
        return WASI_ESUCCESS;
    }
    return wasi_errno_from_exception(inst, nlr.ret_val);
}

// Positional I/O: seek, transfer, seek back.
static int32_t positional_io(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs, uint32_t iovs_len,
    int64_t offset, uint32_t result, bool is_write) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FILE);
    if (entry == NULL) {
        return wasi_fd_get(inst, fd, WASI_FD_FREE) ? WASI_ESPIPE : WASI_EBADF;
    }
    if (offset < 0) {
        return WASI_EINVAL;
    }
    uint64_t saved, unused;
    int32_t err = file_seek(inst, entry, 0, MP_SEEK_CUR, &saved);
    if (err == WASI_ESUCCESS) {
        err = file_seek(inst, entry, offset, MP_SEEK_SET, &unused);
    }
    if (err == WASI_ESUCCESS) {
        err = transfer_iovs(exec_env, fd, iovs, iovs_len, result, is_write);
        int32_t err2 = file_seek(inst, entry, (int64_t)saved, MP_SEEK_SET, &unused);
        if (err == WASI_ESUCCESS) {
            err = err2;
        }
    }
    return err;
}

static int32_t wasi_fd_pread(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs, uint32_t iovs_len,
    int64_t offset, uint32_t nread) {
    return positional_io(exec_env, fd, iovs, iovs_len, offset, nread, false);
}

static int32_t wasi_fd_pwrite(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs, uint32_t iovs_len,
    int64_t offset, uint32_t nwritten) {
    return positional_io(exec_env, fd, iovs, iovs_len, offset, nwritten, true);
}

// Stdio and directories are not seekable.
static int32_t not_a_file(mp_obj_wasm_instance_t *inst, int32_t fd) {
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    return entry->kind == WASI_FD_DIR ? WASI_EISDIR : WASI_ESPIPE;
}

static int32_t wasi_fd_seek(wasm_exec_env_t exec_env, int32_t fd, int64_t offset, int32_t whence, uint32_t newoffset) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    uint64_t *out = wasi_guest_ptr(exec_env, newoffset, 8);
    if (out == NULL) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FILE);
    if (entry == NULL) {
        return not_a_file(inst, fd);
    }
    if (whence < 0 || whence > 2) {
        return WASI_EINVAL;
    }
    uint64_t pos;
    int32_t err = file_seek(inst, entry, offset, whence, &pos);
    if (err == WASI_ESUCCESS) {
        out = wasi_guest_ptr(exec_env, newoffset, 8);
        if (out == NULL) {
            return WASI_EFAULT;
        }
        memcpy(out, &pos, 8);
    }
    return err;
}

static int32_t wasi_fd_tell(wasm_exec_env_t exec_env, int32_t fd, uint32_t offset) {
    return wasi_fd_seek(exec_env, fd, 0, MP_SEEK_CUR, offset);
}

static int32_t wasi_fd_close(wasm_exec_env_t exec_env, int32_t fd) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    int32_t err = WASI_ESUCCESS;
    if (entry->kind == WASI_FD_FILE) {
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            mp_stream_close(entry->stream);
            nlr_pop();
        } else {
            err = wasi_errno_from_exception(inst, nlr.ret_val);
        }
    }
    // A stdio stream belongs to the caller: only the guest's view closes.
    memset(entry, 0, sizeof(*entry));
    return err;
}

static int32_t wasi_fd_sync(wasm_exec_env_t exec_env, int32_t fd) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    if (entry->kind != WASI_FD_FILE) {
        return WASI_ESUCCESS;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_call_function_0(mp_load_attr(entry->stream, MP_QSTR_flush));
        nlr_pop();
        return WASI_ESUCCESS;
    }
    return wasi_errno_from_exception(inst, nlr.ret_val);
}

static int32_t wasi_fd_datasync(wasm_exec_env_t exec_env, int32_t fd) {
    return wasi_fd_sync(exec_env, fd);
}

static uint8_t fd_filetype(const wasi_fd_t *entry) {
    switch (entry->kind) {
        case WASI_FD_DIR:
            return WASI_FILETYPE_DIRECTORY;
        case WASI_FD_FILE:
            return WASI_FILETYPE_REGULAR_FILE;
        default:
            return WASI_FILETYPE_CHARACTER_DEVICE;
    }
}

static int32_t wasi_fd_fdstat_get(wasm_exec_env_t exec_env, int32_t fd, uint32_t buf_off) {
    uint8_t *buf = wasi_guest_ptr(exec_env, buf_off, WASI_FDSTAT_SIZE);
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(wasi_instance(exec_env), fd, WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    memset(buf, 0, WASI_FDSTAT_SIZE);
    buf[0] = fd_filetype(entry);
    memcpy(buf + 2, &entry->fdflags, 2);
    uint64_t base, inheriting = 0;
    if (entry->kind == WASI_FD_STDIO) {
        // No seek/tell rights: wasi-libc treats this as a terminal.
        base = entry->stdio == 0 ? WASI_RIGHT_FD_READ : WASI_RIGHT_FD_WRITE;
    } else {
        base = inheriting = WASI_RIGHTS_ALL;
    }
    memcpy(buf + 8, &base, 8);
    memcpy(buf + 16, &inheriting, 8);
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_fdstat_set_flags(wasm_exec_env_t exec_env, int32_t fd, int32_t flags) {
    wasi_fd_t *entry = wasi_fd_get(wasi_instance(exec_env), fd, WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    // Only APPEND can be honoured, and only when it does not change.
    return (uint32_t)flags == entry->fdflags ? WASI_ESUCCESS : WASI_ENOTSUP;
}

static int32_t wasi_fd_fdstat_set_rights(wasm_exec_env_t exec_env, int32_t fd, int64_t base, int64_t inheriting) {
    (void)base;
    (void)inheriting;
    // Rights are not enforced beyond the sandbox; dropping them is a no-op.
    return wasi_fd_get(wasi_instance(exec_env), fd, WASI_FD_FREE) ? WASI_ESUCCESS : WASI_EBADF;
}

static int32_t wasi_fd_filestat_get(wasm_exec_env_t exec_env, int32_t fd, uint32_t buf_off) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    uint8_t *buf = wasi_guest_ptr(exec_env, buf_off, WASI_FILESTAT_SIZE);
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    if (entry->kind == WASI_FD_STDIO) {
        memset(buf, 0, WASI_FILESTAT_SIZE);
        buf[16] = WASI_FILETYPE_CHARACTER_DEVICE;
        uint64_t nlink = 1;
        memcpy(buf + 24, &nlink, 8);
        return WASI_ESUCCESS;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        wasi_fill_filestat(buf, wasi_fd_vfs_path(entry));
        if (entry->kind == WASI_FD_FILE) {
            // Unflushed writes are not in the VFS's size yet: ask the file.
            int err;
            mp_off_t here = mp_stream_seek(entry->stream, 0, MP_SEEK_CUR, &err);
            mp_off_t end = mp_stream_seek(entry->stream, 0, MP_SEEK_END, &err);
            mp_stream_seek(entry->stream, here, MP_SEEK_SET, &err);
            if (end != (mp_off_t)-1) {
                uint64_t size = (uint64_t)end;
                buf = wasi_guest_ptr(exec_env, buf_off, WASI_FILESTAT_SIZE);
                if (buf != NULL) {
                    memcpy(buf + 32, &size, 8);
                }
            }
        }
        nlr_pop();
        return WASI_ESUCCESS;
    }
    return wasi_errno_from_exception(inst, nlr.ret_val);
}

static int32_t wasi_fd_filestat_set_size(wasm_exec_env_t exec_env, int32_t fd, int64_t size) {
    (void)size;
    // MicroPython's VFS has no truncate.
    return wasi_fd_get(wasi_instance(exec_env), fd, WASI_FD_FREE) ? WASI_ENOTSUP : WASI_EBADF;
}

static int32_t wasi_fd_filestat_set_times(wasm_exec_env_t exec_env, int32_t fd, int64_t atim, int64_t mtim, int32_t flags) {
    (void)atim;
    (void)mtim;
    (void)flags;
    return wasi_fd_get(wasi_instance(exec_env), fd, WASI_FD_FREE) ? WASI_ENOTSUP : WASI_EBADF;
}

static int32_t wasi_fd_advise(wasm_exec_env_t exec_env, int32_t fd, int64_t offset, int64_t len, int32_t advice) {
    (void)offset;
    (void)len;
    (void)advice;
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    return wasi_fd_get(inst, fd, WASI_FD_FILE) ? WASI_ESUCCESS : not_a_file(inst, fd);
}

static int32_t wasi_fd_allocate(wasm_exec_env_t exec_env, int32_t fd, int64_t offset, int64_t len) {
    (void)offset;
    (void)len;
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    return wasi_fd_get(inst, fd, WASI_FD_FILE) ? WASI_ENOTSUP : not_a_file(inst, fd);
}

static int32_t wasi_fd_renumber(wasm_exec_env_t exec_env, int32_t fd, int32_t to) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    wasi_fd_t *from = wasi_fd_get(inst, fd, WASI_FD_FREE);
    wasi_fd_t *target = wasi_fd_get(inst, to, WASI_FD_FREE);
    if (from == NULL || target == NULL) {
        return WASI_EBADF;
    }
    if (from != target) {
        wasi_fd_close(exec_env, to);
        *target = *from;
        memset(from, 0, sizeof(*from));
    }
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_prestat_get(wasm_exec_env_t exec_env, int32_t fd, uint32_t buf_off) {
    uint8_t *buf = wasi_guest_ptr(exec_env, buf_off, WASI_PRESTAT_SIZE);
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(wasi_instance(exec_env), fd, WASI_FD_DIR);
    if (entry == NULL || !entry->preopen) {
        return WASI_EBADF;
    }
    size_t len;
    mp_obj_str_get_data(entry->guest_name, &len);
    uint32_t name_len = (uint32_t)len;
    memset(buf, 0, WASI_PRESTAT_SIZE); // tag 0: directory
    memcpy(buf + 4, &name_len, 4);
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_prestat_dir_name(wasm_exec_env_t exec_env, int32_t fd, uint32_t path_off, uint32_t path_len) {
    uint8_t *path = wasi_guest_ptr(exec_env, path_off, path_len);
    if (path == NULL) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(wasi_instance(exec_env), fd, WASI_FD_DIR);
    if (entry == NULL || !entry->preopen) {
        return WASI_EBADF;
    }
    size_t len;
    const char *name = mp_obj_str_get_data(entry->guest_name, &len);
    if (len > path_len) {
        return WASI_ENAMETOOLONG;
    }
    memcpy(path, name, len);
    return WASI_ESUCCESS;
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
    NATIVE(fd_renumber, "(ii)i"),
    NATIVE(fd_seek, "(iIii)i"),
    NATIVE(fd_sync, "(i)i"),
    NATIVE(fd_tell, "(ii)i"),
    NATIVE(fd_write, "(iiii)i"),
};

const size_t mp_wasm_wasi_fd_natives_len = MP_ARRAY_SIZE(mp_wasm_wasi_fd_natives);
