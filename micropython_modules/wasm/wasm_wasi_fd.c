// WASI preview1 descriptor functions. Descriptors 0-2 are the guest's
// stdio, bridged to MicroPython stream objects (sys.std* by default, or any
// object with the stream protocol or read()/write() methods); the others
// are preopened directories and what the guest opened below them
// (wasm_wasi_path.c), backed by MicroPython's VFS.
//
// Errors: a VFS or file object that raises OSError, UnicodeError or
// MemoryError gives the guest an errno (mp_wasm_native_run); the host's own
// stdio streams are the host's business: anything they raise stops the guest
// and reaches the Python caller unchanged.

#include "py/runtime.h"
#include "py/builtin.h"
#include "py/stream.h"
#include "wasm_wasi.h"

#define WASI_IOVEC_SIZE 8
#define WASI_FDSTAT_SIZE 24
#define WASI_FILESTAT_SIZE 64
#define WASI_PRESTAT_SIZE 8
#define WASI_RIGHT_FD_SEEK (1ULL << 2)
#define WASI_RIGHT_FD_TELL (1ULL << 5)

// Data moves between guest memory and a stream through this much stack:
// a stream call may run Python code that moves guest memory, so no host
// pointer into it is ever handed to one.
#define TRANSFER_CHUNK 512

#define ARG_I32(i) mp_wasm_arg_i32(args, i)
#define ARG_U32(i) mp_wasm_arg_u32(args, i)
#define ARG_I64(i) mp_wasm_arg_i64(args, i)

static const qstr sys_stdio_names[WASI_STDIO_COUNT] = {
    MP_QSTR_stdin, MP_QSTR_stdout, MP_QSTR_stderr,
};

// The stream behind a stdio or file descriptor.
static mp_obj_t fd_stream(mp_obj_wasm_instance_t *inst, const wasi_fd_t *entry) {
    if (entry->kind == WASI_FD_FILE) {
        return entry->stream;
    }
    mp_obj_t stream = inst->wasi_ctx->config->stdio[entry->stdio];
    if (stream == mp_const_none) {
        stream = mp_load_attr(MP_OBJ_FROM_PTR(&mp_module_sys), sys_stdio_names[entry->stdio]);
    }
    return stream;
}

// Moves up to `len` bytes between guest memory at `buf_off` and `stream`,
// chunk by chunk; false when the guest faulted (trap raised).
static bool transfer_buffer(wasm_exec_env_t exec_env, mp_obj_t stream, uint32_t buf_off,
    uint32_t len, bool is_write, uint32_t *done) {
    uint8_t chunk[TRANSFER_CHUNK];
    *done = 0;
    while (*done < len) {
        uint32_t want = len - *done < TRANSFER_CHUNK ? len - *done : TRANSFER_CHUNK;
        size_t got;
        if (is_write) {
            if (!mp_wasm_guest_read(exec_env, buf_off + *done, chunk, want)) {
                return false;
            }
            got = wasi_stream_write(stream, chunk, want);
        } else {
            got = wasi_stream_read(stream, chunk, want);
            // Translated again: the read may have run Python code.
            if (!mp_wasm_guest_write(exec_env, buf_off + *done, chunk, got)) {
                return false;
            }
        }
        *done += (uint32_t)got;
        if (got < want) {
            break; // a short transfer ends the call
        }
    }
    return true;
}

// Scatter/gather over the guest's iovec array; a short transfer ends it.
static int32_t transfer_iovs(wasm_exec_env_t exec_env, wasi_fd_t *entry, uint32_t iovs_off,
    uint32_t iovs_len, uint32_t *total, bool is_write) {
    // Every iovec and buffer is checked before anything moves.
    if (!mp_wasm_guest_check(exec_env, iovs_off, (uint64_t)iovs_len * WASI_IOVEC_SIZE)) {
        return WASI_EFAULT;
    }
    for (uint32_t i = 0; i < iovs_len; i++) {
        uint32_t iov = iovs_off + i * WASI_IOVEC_SIZE;
        if (!mp_wasm_guest_check(exec_env, mp_wasm_guest_u32(exec_env, iov), mp_wasm_guest_u32(exec_env, iov + 4))) {
            return WASI_EFAULT;
        }
    }
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    mp_obj_t stream = fd_stream(inst, entry);
    *total = 0;
    for (uint32_t i = 0; i < iovs_len; i++) {
        // Read again at use: Python code ran since the check, and may have
        // re-entered the guest and changed the iovec (each chunk is checked).
        uint32_t iov = iovs_off + i * WASI_IOVEC_SIZE;
        uint32_t len = mp_wasm_guest_u32(exec_env, iov + 4), done;
        if (!transfer_buffer(exec_env, stream, mp_wasm_guest_u32(exec_env, iov), len, is_write, &done)) {
            return WASI_EFAULT;
        }
        *total += done;
        if (done < len) {
            break;
        }
    }
    return WASI_ESUCCESS;
}

// The host's stdio streams: whatever they raise goes to the Python caller.
static int32_t transfer_stdio(wasm_exec_env_t exec_env, wasi_fd_t *entry, uint32_t iovs_off,
    uint32_t iovs_len, uint32_t *total, bool is_write) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        int32_t err = transfer_iovs(exec_env, entry, iovs_off, iovs_len, total, is_write);
        nlr_pop();
        return err;
    }
    mp_wasm_native_fail(exec_env, MP_OBJ_FROM_PTR(nlr.ret_val));
    return WASI_EIO;
}

static int32_t fd_transfer(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs_off,
    uint32_t iovs_len, uint32_t result_off, bool is_write) {
    if (!mp_wasm_guest_check(exec_env, result_off, 4)) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(mp_wasm_native_instance(exec_env), fd, WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    if (entry->kind == WASI_FD_DIR) {
        return WASI_EISDIR;
    }
    if (!(entry->access & (is_write ? WASI_ACCESS_WRITE : WASI_ACCESS_READ))) {
        return WASI_EBADF; // stdin, a file opened read-only, ...
    }
    uint32_t total = 0;
    int32_t err = entry->kind == WASI_FD_STDIO
        ? transfer_stdio(exec_env, entry, iovs_off, iovs_len, &total, is_write)
        : transfer_iovs(exec_env, entry, iovs_off, iovs_len, &total, is_write);
    if (err == WASI_ESUCCESS) {
        mp_wasm_guest_write_u32(exec_env, result_off, total); // checked above
    }
    return err;
}

static int32_t wasi_fd_write(wasm_exec_env_t exec_env, uint64_t *args) {
    return fd_transfer(exec_env, ARG_I32(0), ARG_U32(1), ARG_U32(2), ARG_U32(3), true);
}

static int32_t wasi_fd_read(wasm_exec_env_t exec_env, uint64_t *args) {
    return fd_transfer(exec_env, ARG_I32(0), ARG_U32(1), ARG_U32(2), ARG_U32(3), false);
}

// Stdio and directories are not seekable.
static int32_t not_a_file(mp_obj_wasm_instance_t *inst, int32_t fd) {
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    return entry->kind == WASI_FD_DIR ? WASI_EISDIR : WASI_ESPIPE;
}

// Positional I/O: seek, transfer, seek back (also when the transfer raised).
static int32_t positional_io(wasm_exec_env_t exec_env, uint64_t *args, bool is_write) {
    int32_t fd = ARG_I32(0);
    uint32_t iovs = ARG_U32(1), iovs_len = ARG_U32(2), result = ARG_U32(4);
    int64_t offset = ARG_I64(3);
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    if (!mp_wasm_guest_check(exec_env, result, 4)) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FILE);
    if (entry == NULL) {
        return wasi_fd_get(inst, fd, WASI_FD_FREE) ? WASI_ESPIPE : WASI_EBADF;
    }
    if (!(entry->access & (is_write ? WASI_ACCESS_WRITE : WASI_ACCESS_READ))) {
        return WASI_EBADF;
    }
    if (offset < 0) {
        return WASI_EINVAL;
    }
    mp_obj_t stream = entry->stream;
    uint64_t saved = wasi_stream_seek(stream, 0, MP_SEEK_CUR);
    wasi_stream_seek(stream, offset, MP_SEEK_SET);
    uint32_t total = 0;
    int32_t err;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        err = transfer_iovs(exec_env, entry, iovs, iovs_len, &total, is_write);
        nlr_pop();
    } else {
        wasi_stream_seek(stream, (int64_t)saved, MP_SEEK_SET);
        nlr_jump(nlr.ret_val);
    }
    wasi_stream_seek(stream, (int64_t)saved, MP_SEEK_SET);
    if (err == WASI_ESUCCESS) {
        mp_wasm_guest_write_u32(exec_env, result, total); // checked above
    }
    return err;
}

static int32_t wasi_fd_pread(wasm_exec_env_t exec_env, uint64_t *args) {
    return positional_io(exec_env, args, false);
}

static int32_t wasi_fd_pwrite(wasm_exec_env_t exec_env, uint64_t *args) {
    return positional_io(exec_env, args, true);
}

static int32_t fd_seek(wasm_exec_env_t exec_env, int32_t fd, int64_t offset, int32_t whence,
    uint32_t newoffset) {
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    if (!mp_wasm_guest_check(exec_env, newoffset, 8)) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_FILE);
    if (entry == NULL) {
        return not_a_file(inst, fd);
    }
    if (whence < 0 || whence > 2) {
        return WASI_EINVAL;
    }
    uint64_t pos = wasi_stream_seek(entry->stream, offset, whence);
    mp_wasm_guest_write_u64(exec_env, newoffset, pos); // checked above
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_seek(wasm_exec_env_t exec_env, uint64_t *args) {
    return fd_seek(exec_env, ARG_I32(0), ARG_I64(1), ARG_I32(2), ARG_U32(3));
}

static int32_t wasi_fd_tell(wasm_exec_env_t exec_env, uint64_t *args) {
    return fd_seek(exec_env, ARG_I32(0), 0, MP_SEEK_CUR, ARG_U32(1));
}

// Frees the descriptor, then closes its file (which may raise: the guest's
// view is gone either way). A stdio stream belongs to the host: only the
// guest's view closes.
static void close_entry(wasi_fd_t *entry) {
    wasi_fd_t old = *entry;
    memset(entry, 0, sizeof(*entry));
    if (old.kind == WASI_FD_FILE) {
        wasi_stream_close(old.stream);
    }
}

static int32_t wasi_fd_close(wasm_exec_env_t exec_env, uint64_t *args) {
    wasi_fd_t *entry = wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    close_entry(entry);
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_sync(wasm_exec_env_t exec_env, uint64_t *args) {
    wasi_fd_t *entry = wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    if (entry->kind == WASI_FD_FILE) {
        wasi_stream_flush(entry->stream);
    }
    return WASI_ESUCCESS;
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

static uint64_t access_rights(const wasi_fd_t *entry) {
    return ((entry->access & WASI_ACCESS_READ) ? WASI_RIGHT_FD_READ : 0)
           | ((entry->access & WASI_ACCESS_WRITE) ? WASI_RIGHT_FD_WRITE : 0);
}

static int32_t wasi_fd_fdstat_get(wasm_exec_env_t exec_env, uint64_t *args) {
    uint32_t buf_off = ARG_U32(1);
    if (!mp_wasm_guest_check(exec_env, buf_off, WASI_FDSTAT_SIZE)) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    uint8_t buf[WASI_FDSTAT_SIZE] = { 0 };
    buf[0] = fd_filetype(entry);
    memcpy(buf + 2, &entry->fdflags, 2);
    uint64_t base, inheriting = 0;
    if (entry->kind == WASI_FD_STDIO) {
        // No seek/tell rights: wasi-libc treats this as a terminal.
        base = access_rights(entry);
    } else if (entry->kind == WASI_FD_FILE) {
        base = (WASI_RIGHTS_ALL & ~(WASI_RIGHT_FD_READ | WASI_RIGHT_FD_WRITE)) | access_rights(entry);
        inheriting = WASI_RIGHTS_ALL;
    } else {
        base = inheriting = WASI_RIGHTS_ALL;
    }
    memcpy(buf + 8, &base, 8);
    memcpy(buf + 16, &inheriting, 8);
    mp_wasm_guest_write(exec_env, buf_off, buf, sizeof(buf)); // checked above
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_fdstat_set_flags(wasm_exec_env_t exec_env, uint64_t *args) {
    wasi_fd_t *entry = wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    // Only APPEND can be honoured, and only when it does not change.
    return ARG_U32(1) == entry->fdflags ? WASI_ESUCCESS : WASI_ENOTSUP;
}

static int32_t wasi_fd_fdstat_set_rights(wasm_exec_env_t exec_env, uint64_t *args) {
    // Dropping rights the sandbox does not grant anyway is a no-op.
    return wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_FREE)
           ? WASI_ESUCCESS : WASI_EBADF;
}

static int32_t wasi_fd_filestat_get(wasm_exec_env_t exec_env, uint64_t *args) {
    uint32_t buf_off = ARG_U32(1);
    if (!mp_wasm_guest_check(exec_env, buf_off, WASI_FILESTAT_SIZE)) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_FREE);
    if (entry == NULL) {
        return WASI_EBADF;
    }
    uint8_t buf[WASI_FILESTAT_SIZE] = { 0 };
    if (entry->kind == WASI_FD_STDIO) {
        buf[16] = WASI_FILETYPE_CHARACTER_DEVICE;
        uint64_t nlink = 1;
        memcpy(buf + 24, &nlink, 8);
    } else {
        mp_obj_t path;
        int32_t err = wasi_fd_path(entry, &path);
        if (err != WASI_ESUCCESS) {
            return err;
        }
        wasi_filestat(buf, path);
        if (entry->kind == WASI_FD_FILE) {
            // Unflushed writes are not in the VFS's size yet: ask the file.
            mp_obj_t stream = entry->stream;
            uint64_t here = wasi_stream_seek(stream, 0, MP_SEEK_CUR);
            uint64_t size = wasi_stream_seek(stream, 0, MP_SEEK_END);
            wasi_stream_seek(stream, (int64_t)here, MP_SEEK_SET);
            memcpy(buf + 32, &size, 8);
        }
    }
    mp_wasm_guest_write(exec_env, buf_off, buf, sizeof(buf)); // checked above
    return WASI_ESUCCESS;
}

// MicroPython's VFS has no truncate and no timestamps to set.
static int32_t wasi_fd_not_supported(wasm_exec_env_t exec_env, uint64_t *args) {
    return wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_FREE) ? WASI_ENOTSUP : WASI_EBADF;
}

static int32_t wasi_fd_advise(wasm_exec_env_t exec_env, uint64_t *args) {
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    return wasi_fd_get(inst, ARG_I32(0), WASI_FD_FILE) ? WASI_ESUCCESS : not_a_file(inst, ARG_I32(0));
}

static int32_t wasi_fd_allocate(wasm_exec_env_t exec_env, uint64_t *args) {
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    return wasi_fd_get(inst, ARG_I32(0), WASI_FD_FILE) ? WASI_ENOTSUP : not_a_file(inst, ARG_I32(0));
}

static int32_t wasi_fd_renumber(wasm_exec_env_t exec_env, uint64_t *args) {
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    wasi_fd_t *from = wasi_fd_get(inst, ARG_I32(0), WASI_FD_FREE);
    wasi_fd_t *target = wasi_fd_get(inst, ARG_I32(1), WASI_FD_FREE);
    if (from == NULL || target == NULL) {
        return WASI_EBADF;
    }
    if (from != target) {
        wasi_fd_t replaced = *target;
        *target = *from;
        memset(from, 0, sizeof(*from));
        close_entry(&replaced);
    }
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_prestat_get(wasm_exec_env_t exec_env, uint64_t *args) {
    uint32_t buf_off = ARG_U32(1);
    if (!mp_wasm_guest_check(exec_env, buf_off, WASI_PRESTAT_SIZE)) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_DIR);
    if (entry == NULL || !entry->preopen) {
        return WASI_EBADF;
    }
    size_t len;
    mp_obj_str_get_data(entry->guest_name, &len);
    uint32_t name_len = (uint32_t)len;
    uint8_t buf[WASI_PRESTAT_SIZE] = { 0 }; // tag 0: directory
    memcpy(buf + 4, &name_len, 4);
    mp_wasm_guest_write(exec_env, buf_off, buf, sizeof(buf)); // checked above
    return WASI_ESUCCESS;
}

static int32_t wasi_fd_prestat_dir_name(wasm_exec_env_t exec_env, uint64_t *args) {
    uint32_t path_off = ARG_U32(1), path_len = ARG_U32(2);
    if (!mp_wasm_guest_check(exec_env, path_off, path_len)) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_DIR);
    if (entry == NULL || !entry->preopen) {
        return WASI_EBADF;
    }
    size_t len;
    const char *name = mp_obj_str_get_data(entry->guest_name, &len);
    if (len > path_len) {
        return WASI_ENAMETOOLONG;
    }
    mp_wasm_guest_write(exec_env, path_off, name, len); // checked above
    return WASI_ESUCCESS;
}

#define NATIVE(name, fn, sig) MP_WASM_ERRNO_NATIVE(#name, wasi_##fn, sig)

// WAMR sorts registered arrays in place: this table must stay writable.
NativeSymbol mp_wasm_wasi_fd_natives[] = {
    NATIVE(fd_advise, fd_advise, "(iIIi)i"),
    NATIVE(fd_allocate, fd_allocate, "(iII)i"),
    NATIVE(fd_close, fd_close, "(i)i"),
    NATIVE(fd_datasync, fd_sync, "(i)i"),
    NATIVE(fd_fdstat_get, fd_fdstat_get, "(ii)i"),
    NATIVE(fd_fdstat_set_flags, fd_fdstat_set_flags, "(ii)i"),
    NATIVE(fd_fdstat_set_rights, fd_fdstat_set_rights, "(iII)i"),
    NATIVE(fd_filestat_get, fd_filestat_get, "(ii)i"),
    NATIVE(fd_filestat_set_size, fd_not_supported, "(iI)i"),
    NATIVE(fd_filestat_set_times, fd_not_supported, "(iIIi)i"),
    NATIVE(fd_pread, fd_pread, "(iiiIi)i"),
    NATIVE(fd_prestat_get, fd_prestat_get, "(ii)i"),
    NATIVE(fd_prestat_dir_name, fd_prestat_dir_name, "(iii)i"),
    NATIVE(fd_pwrite, fd_pwrite, "(iiiIi)i"),
    NATIVE(fd_read, fd_read, "(iiii)i"),
    NATIVE(fd_renumber, fd_renumber, "(ii)i"),
    NATIVE(fd_seek, fd_seek, "(iIii)i"),
    NATIVE(fd_sync, fd_sync, "(i)i"),
    NATIVE(fd_tell, fd_tell, "(ii)i"),
    NATIVE(fd_write, fd_write, "(iiii)i"),
};

const size_t mp_wasm_wasi_fd_natives_len = MP_ARRAY_SIZE(mp_wasm_wasi_fd_natives);
