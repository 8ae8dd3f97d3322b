// WASI preview1 path functions on MicroPython's VFS (littlefs, FAT, unix
// directories), confined to the preopened directories.
//
// Sandbox: a guest path is resolved component by component below the
// directory descriptor it is relative to; absolute paths and any ".." that
// would climb above the preopen root get ENOTCAPABLE, and symlinks are
// never created (on unix, where they can pre-exist, the port checks that the
// real path stays inside the root).

#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "py/objstr.h"
#include "extmod/vfs.h"
#include "wasm_wasi.h"

#define WASI_FILESTAT_SIZE 64
#define WASI_DIRENT_HEADER_SIZE 24
#define WASI_NAME_MAX 255

// path_open oflags
#define WASI_O_CREAT (1u << 0)
#define WASI_O_DIRECTORY (1u << 1)
#define WASI_O_EXCL (1u << 2)
#define WASI_O_TRUNC (1u << 3)

#define S_IFMT_BITS (0xf000)
#define S_IFDIR_BITS (0x4000)
#define S_IFREG_BITS (0x8000)

// --- Descriptor table ------------------------------------------------------

wasi_fd_t *wasi_fd_get(mp_obj_wasm_instance_t *inst, int32_t fd, wasi_fd_kind_t kind) {
    if (inst->wasi_ctx == NULL || fd < 0 || fd >= WASI_MAX_FDS) {
        return NULL;
    }
    wasi_fd_t *entry = &inst->wasi_ctx->fds[fd];
    if (entry->kind == WASI_FD_FREE || (kind != WASI_FD_FREE && entry->kind != kind)) {
        return NULL;
    }
    return entry;
}

static mp_obj_t join_path(mp_obj_t root, const char *rel, size_t rel_len) {
    size_t root_len;
    const char *r = mp_obj_str_get_data(root, &root_len);
    if (rel_len == 0) {
        return root;
    }
    vstr_t vstr;
    vstr_init(&vstr, root_len + rel_len + 1);
    vstr_add_strn(&vstr, r, root_len);
    if (root_len == 0 || r[root_len - 1] != '/') {
        vstr_add_char(&vstr, '/');
    }
    vstr_add_strn(&vstr, rel, rel_len);
    return mp_obj_new_str_from_vstr(&vstr);
}

mp_obj_t wasi_fd_vfs_path(const wasi_fd_t *entry) {
    size_t len;
    const char *rel = mp_obj_str_get_data(entry->rel, &len);
    return join_path(entry->root, rel, len);
}

static int32_t errno_from_os(mp_int_t err) {
    switch (err) {
        case 1:
            return WASI_EPERM;
        case 2:
            return WASI_ENOENT;
        case 9:
            return WASI_EBADF;
        case 12:
            return WASI_ENOMEM;
        case 13:
            return WASI_EACCES;
        case 17:
            return WASI_EEXIST;
        case 20:
            return WASI_ENOTDIR;
        case 21:
            return WASI_EISDIR;
        case 22:
            return WASI_EINVAL;
        case 24:
            return WASI_EMFILE;
        case 27:
            return WASI_EFBIG;
        case 28:
            return WASI_ENOSPC;
        case 29:
            return WASI_ESPIPE;
        case 30:
            return WASI_EROFS;
        case 36:
            return WASI_ENAMETOOLONG;
        case 39:
            return WASI_ENOTEMPTY;
        case 40:
            return WASI_ELOOP;
        case 95:
            return WASI_ENOTSUP;
        default:
            return WASI_EIO;
    }
}

int32_t wasi_errno_from_exception(mp_obj_wasm_instance_t *inst, void *exc) {
    mp_obj_t e = MP_OBJ_FROM_PTR(exc);
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(e)), MP_OBJ_FROM_PTR(&mp_type_OSError))) {
        mp_obj_t args = mp_load_attr(e, MP_QSTR_args);
        size_t n;
        mp_obj_t *items;
        mp_obj_tuple_get(args, &n, &items);
        if (n > 0 && mp_obj_is_int(items[0])) {
            return errno_from_os(mp_obj_get_int(items[0]));
        }
        return WASI_EIO;
    }
    // MemoryError, KeyboardInterrupt, ...: stop the guest, re-raise later.
    mp_wasm_instance_set_host_exception(inst, e);
    return WASI_EIO;
}

static uint64_t stat_time_ns(mp_obj_t t) {
    mp_int_t s = mp_obj_get_int(t);
    return s > 0 ? (uint64_t)s * 1000000000u : 0;
}

void wasi_fill_filestat(uint8_t *buf, mp_obj_t path) {
    mp_obj_t st = mp_vfs_stat(path);
    size_t n;
    mp_obj_t *items;
    mp_obj_tuple_get(st, &n, &items);
    mp_int_t mode = mp_obj_get_int(items[0]);
    uint64_t ino = (uint64_t)mp_obj_get_int(items[1]);
    uint64_t nlink = 1;
    uint64_t size = (uint64_t)mp_obj_get_int(items[6]);
    uint64_t atim = stat_time_ns(items[7]), mtim = stat_time_ns(items[8]), ctim = stat_time_ns(items[9]);
    memset(buf, 0, WASI_FILESTAT_SIZE);
    memcpy(buf + 8, &ino, 8);
    buf[16] = (mode & S_IFMT_BITS) == S_IFDIR_BITS ? WASI_FILETYPE_DIRECTORY
        : (mode & S_IFMT_BITS) == S_IFREG_BITS ? WASI_FILETYPE_REGULAR_FILE : WASI_FILETYPE_UNKNOWN;
    memcpy(buf + 24, &nlink, 8);
    memcpy(buf + 32, &size, 8);
    memcpy(buf + 40, &atim, 8);
    memcpy(buf + 48, &mtim, 8);
    memcpy(buf + 56, &ctim, 8);
}

static bool vfs_is_dir(mp_obj_t path) {
    mp_obj_t st = mp_vfs_stat(path);
    size_t n;
    mp_obj_t *items;
    mp_obj_tuple_get(st, &n, &items);
    return (mp_obj_get_int(items[0]) & S_IFMT_BITS) == S_IFDIR_BITS;
}

// Whether `path` exists; raises for errors other than "not found".
static bool vfs_exists(mp_obj_t path) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_vfs_stat(path);
        nlr_pop();
        return true;
    }
    mp_obj_t e = MP_OBJ_FROM_PTR(nlr.ret_val);
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(e)), MP_OBJ_FROM_PTR(&mp_type_OSError))) {
        mp_obj_t args = mp_load_attr(e, MP_QSTR_args);
        size_t n;
        mp_obj_t *items;
        mp_obj_tuple_get(args, &n, &items);
        if (n > 0 && mp_obj_is_int(items[0]) && mp_obj_get_int(items[0]) == 2) {
            return false;
        }
    }
    nlr_jump(nlr.ret_val);
}

static int free_slot(mp_wasm_wasi_ctx_t *ctx) {
    for (int fd = WASI_STDIO_COUNT; fd < WASI_MAX_FDS; fd++) {
        if (ctx->fds[fd].kind == WASI_FD_FREE) {
            return fd;
        }
    }
    return -1;
}

void mp_wasm_wasi_fs_open_preopens(mp_wasm_wasi_ctx_t *ctx) {
    size_t n;
    mp_obj_t *items;
    mp_obj_tuple_get(ctx->config->preopens, &n, &items);
    for (size_t i = 0; i < n; i++) {
        mp_obj_t *pair = ((mp_obj_tuple_t *)MP_OBJ_TO_PTR(items[i]))->items;
        if (!vfs_is_dir(pair[1])) {
            mp_raise_OSError(20); // ENOTDIR
        }
        wasi_fd_t *entry = &ctx->fds[WASI_STDIO_COUNT + i];
        entry->kind = WASI_FD_DIR;
        entry->preopen = true;
        entry->root = pair[1];
        entry->rel = MP_OBJ_NEW_QSTR(MP_QSTR_);
        entry->guest_name = pair[0];
    }
}

void mp_wasm_wasi_fs_close_all(mp_wasm_wasi_ctx_t *ctx) {
    for (int fd = 0; fd < WASI_MAX_FDS; fd++) {
        wasi_fd_t *entry = &ctx->fds[fd];
        if (entry->kind == WASI_FD_FILE) {
            nlr_buf_t nlr;
            if (nlr_push(&nlr) == 0) {
                mp_stream_close(entry->stream);
                nlr_pop();
            }
        }
        memset(entry, 0, sizeof(*entry));
    }
}

// --- Sandboxed path resolution ------------------------------------------------

// Resolves guest `path` relative to directory descriptor `dirfd`. On
// success returns the new path below the preopen root (`*rel_out`) and the
// root; returns a WASI errno otherwise.
static int32_t resolve(mp_obj_wasm_instance_t *inst, int32_t dirfd, const char *path, size_t len,
    mp_obj_t *root_out, mp_obj_t *rel_out) {
    wasi_fd_t *dir = wasi_fd_get(inst, dirfd, WASI_FD_FREE);
    if (dir == NULL) {
        return WASI_EBADF;
    }
    if (dir->kind != WASI_FD_DIR) {
        return WASI_ENOTDIR;
    }
    if (len == 0) {
        return WASI_ENOENT;
    }
    if (memchr(path, '\0', len) != NULL) {
        return WASI_EINVAL;
    }
    if (path[0] == '/') {
        return WASI_ENOTCAPABLE;
    }
    size_t base_len;
    const char *base = mp_obj_str_get_data(dir->rel, &base_len);
    vstr_t vstr;
    vstr_init(&vstr, base_len + len + 1);
    vstr_add_strn(&vstr, base, base_len);
    const char *p = path, *end = path + len;
    while (p < end) {
        const char *slash = memchr(p, '/', end - p);
        const char *comp_end = slash ? slash : end;
        size_t comp_len = comp_end - p;
        if (comp_len > WASI_NAME_MAX) {
            vstr_clear(&vstr);
            return WASI_ENAMETOOLONG;
        }
        if (comp_len == 2 && p[0] == '.' && p[1] == '.') {
            if (vstr.len == 0) {
                vstr_clear(&vstr);
                return WASI_ENOTCAPABLE; // would leave the preopen
            }
            char *s = vstr.buf;
            char *last = NULL;
            for (size_t i = 0; i < vstr.len; i++) {
                if (s[i] == '/') {
                    last = s + i;
                }
            }
            vstr.len = last ? (size_t)(last - s) : 0;
        } else if (comp_len > 0 && !(comp_len == 1 && p[0] == '.')) {
            if (vstr.len > 0) {
                vstr_add_char(&vstr, '/');
            }
            vstr_add_strn(&vstr, p, comp_len);
        }
        p = comp_end + (slash ? 1 : 0);
    }
    *root_out = dir->root;
    *rel_out = mp_obj_new_str_from_vstr(&vstr);
    if (!mp_wasm_port_path_contained(mp_obj_str_get_str(dir->root),
        mp_obj_str_get_str(wasi_fd_vfs_path(&(wasi_fd_t) { .root = *root_out, .rel = *rel_out })))) {
        return WASI_ENOTCAPABLE;
    }
    return WASI_ESUCCESS;
}

// Reads the guest path and resolves it to a VFS path.
static int32_t guest_path(wasm_exec_env_t exec_env, int32_t dirfd, uint32_t path_off, uint32_t path_len,
    mp_obj_t *vfs_path, mp_obj_t *root, mp_obj_t *rel) {
    const char *path = wasi_guest_ptr(exec_env, path_off, path_len);
    if (path == NULL) {
        return WASI_EFAULT;
    }
    mp_obj_t r, rl;
    int32_t err = resolve(wasi_instance(exec_env), dirfd, path, path_len, &r, &rl);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    *vfs_path = wasi_fd_vfs_path(&(wasi_fd_t) { .root = r, .rel = rl });
    if (root != NULL) {
        *root = r;
        *rel = rl;
    }
    return WASI_ESUCCESS;
}

// --- Path functions ---------------------------------------------------------

static int32_t wasi_path_open(wasm_exec_env_t exec_env, int32_t dirfd, int32_t dirflags,
    uint32_t path_off, uint32_t path_len, int32_t oflags, int64_t rights_base,
    int64_t rights_inheriting, int32_t fdflags, uint32_t fd_out) {
    (void)dirflags;
    (void)rights_inheriting;
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    uint32_t *out = wasi_guest_ptr(exec_env, fd_out, 4);
    if (out == NULL) {
        return WASI_EFAULT;
    }
    mp_obj_t path, root, rel;
    int32_t err = guest_path(exec_env, dirfd, path_off, path_len, &path, &root, &rel);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    int fd = free_slot(inst->wasi_ctx);
    if (fd < 0) {
        return WASI_EMFILE;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        bool exists = vfs_exists(path);
        bool is_dir = exists && vfs_is_dir(path);
        if (exists && (oflags & WASI_O_CREAT) && (oflags & WASI_O_EXCL)) {
            mp_raise_OSError(17); // EEXIST
        }
        if (!exists && !(oflags & WASI_O_CREAT)) {
            mp_raise_OSError(2); // ENOENT
        }
        if ((oflags & WASI_O_DIRECTORY) && !is_dir) {
            mp_raise_OSError(exists ? 20 : 2); // ENOTDIR / ENOENT
        }
        wasi_fd_t *entry = &inst->wasi_ctx->fds[fd];
        if (is_dir) {
            if (oflags & (WASI_O_TRUNC | WASI_O_CREAT) && !(oflags & WASI_O_DIRECTORY)
                && (rights_base & WASI_RIGHT_FD_WRITE)) {
                mp_raise_OSError(21); // EISDIR
            }
            entry->kind = WASI_FD_DIR;
            entry->stream = MP_OBJ_NULL;
        } else {
            bool want_write = (rights_base & WASI_RIGHT_FD_WRITE) || (oflags & (WASI_O_TRUNC | WASI_O_CREAT))
                || (fdflags & WASI_FDFLAG_APPEND);
            bool want_read = (rights_base & WASI_RIGHT_FD_READ) != 0;
            const char *mode;
            if (!want_write) {
                mode = "rb";
            } else if (fdflags & WASI_FDFLAG_APPEND) {
                mode = want_read ? "a+b" : "ab";
            } else if (!exists || (oflags & WASI_O_TRUNC)) {
                mode = want_read ? "w+b" : "wb";
            } else {
                mode = "r+b";
            }
            mp_obj_t open_args[2] = { path, mp_obj_new_str(mode, strlen(mode)) };
            entry->stream = mp_vfs_open(2, open_args, (mp_map_t *)&mp_const_empty_map);
            entry->kind = WASI_FD_FILE;
        }
        entry->preopen = false;
        entry->fdflags = (uint16_t)(fdflags & WASI_FDFLAG_APPEND);
        entry->root = root;
        entry->rel = rel;
        entry->guest_name = MP_OBJ_NULL;
        nlr_pop();
    } else {
        return wasi_errno_from_exception(inst, nlr.ret_val);
    }
    out = wasi_guest_ptr(exec_env, fd_out, 4);
    if (out == NULL) {
        return WASI_EFAULT;
    }
    *out = (uint32_t)fd;
    return WASI_ESUCCESS;
}

// The shape shared by mkdir, rmdir and unlink: one path, one VFS call.
typedef enum { PATH_MKDIR, PATH_RMDIR, PATH_UNLINK } path_op_t;

static int32_t path_op(wasm_exec_env_t exec_env, int32_t dirfd, uint32_t path_off, uint32_t path_len, path_op_t op) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    mp_obj_t path, root, rel;
    int32_t err = guest_path(exec_env, dirfd, path_off, path_len, &path, &root, &rel);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    if (op != PATH_MKDIR && mp_obj_str_get_str(rel)[0] == '\0') {
        return WASI_EPERM; // never remove a preopen root
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        if (op == PATH_MKDIR) {
            mp_vfs_mkdir(path);
        } else {
            // Check the type first: VFS drivers disagree on these errors.
            bool is_dir = vfs_is_dir(path);
            if (op == PATH_RMDIR) {
                if (!is_dir) {
                    mp_raise_OSError(20); // ENOTDIR
                }
                mp_obj_t list_args[1] = { path };
                if (mp_obj_is_true(mp_vfs_listdir(1, list_args))) {
                    mp_raise_OSError(39); // ENOTEMPTY
                }
                mp_vfs_rmdir(path);
            } else {
                if (is_dir) {
                    mp_raise_OSError(21); // EISDIR
                }
                mp_vfs_remove(path);
            }
        }
        nlr_pop();
        return WASI_ESUCCESS;
    }
    return wasi_errno_from_exception(inst, nlr.ret_val);
}

static int32_t wasi_path_create_directory(wasm_exec_env_t exec_env, int32_t fd, uint32_t path, uint32_t len) {
    return path_op(exec_env, fd, path, len, PATH_MKDIR);
}

static int32_t wasi_path_remove_directory(wasm_exec_env_t exec_env, int32_t fd, uint32_t path, uint32_t len) {
    return path_op(exec_env, fd, path, len, PATH_RMDIR);
}

static int32_t wasi_path_unlink_file(wasm_exec_env_t exec_env, int32_t fd, uint32_t path, uint32_t len) {
    return path_op(exec_env, fd, path, len, PATH_UNLINK);
}

static int32_t wasi_path_rename(wasm_exec_env_t exec_env, int32_t fd, uint32_t old_off,
    uint32_t old_len, int32_t new_fd, uint32_t new_off, uint32_t new_len) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    mp_obj_t old_path, new_path, root, rel;
    int32_t err = guest_path(exec_env, fd, old_off, old_len, &old_path, &root, &rel);
    if (err == WASI_ESUCCESS && mp_obj_str_get_str(rel)[0] == '\0') {
        err = WASI_EPERM;
    }
    if (err == WASI_ESUCCESS) {
        err = guest_path(exec_env, new_fd, new_off, new_len, &new_path, &root, &rel);
    }
    if (err != WASI_ESUCCESS) {
        return err;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_vfs_rename(old_path, new_path);
        nlr_pop();
        return WASI_ESUCCESS;
    }
    return wasi_errno_from_exception(inst, nlr.ret_val);
}

static int32_t wasi_path_filestat_get(wasm_exec_env_t exec_env, int32_t fd, int32_t flags,
    uint32_t path_off, uint32_t path_len, uint32_t buf_off) {
    (void)flags;
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    mp_obj_t path;
    int32_t err = guest_path(exec_env, fd, path_off, path_len, &path, NULL, NULL);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    uint8_t *buf = wasi_guest_ptr(exec_env, buf_off, WASI_FILESTAT_SIZE);
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        uint8_t stat[WASI_FILESTAT_SIZE];
        wasi_fill_filestat(stat, path);
        nlr_pop();
        buf = wasi_guest_ptr(exec_env, buf_off, WASI_FILESTAT_SIZE);
        if (buf == NULL) {
            return WASI_EFAULT;
        }
        memcpy(buf, stat, WASI_FILESTAT_SIZE);
        return WASI_ESUCCESS;
    }
    return wasi_errno_from_exception(inst, nlr.ret_val);
}

// Links and symlinks could point outside the sandbox: never created.
static int32_t wasi_path_symlink(wasm_exec_env_t exec_env, uint32_t old_path, uint32_t old_len,
    int32_t fd, uint32_t new_path, uint32_t new_len) {
    (void)old_path;
    (void)old_len;
    (void)new_path;
    (void)new_len;
    return wasi_fd_get(wasi_instance(exec_env), fd, WASI_FD_DIR) ? WASI_EPERM : WASI_EBADF;
}

static int32_t wasi_path_link(wasm_exec_env_t exec_env, int32_t old_fd, int32_t old_flags,
    uint32_t old_path, uint32_t old_len, int32_t new_fd, uint32_t new_path, uint32_t new_len) {
    (void)old_flags;
    (void)old_path;
    (void)old_len;
    (void)new_fd;
    (void)new_path;
    (void)new_len;
    return wasi_fd_get(wasi_instance(exec_env), old_fd, WASI_FD_DIR) ? WASI_EPERM : WASI_EBADF;
}

static int32_t wasi_path_readlink(wasm_exec_env_t exec_env, int32_t fd, uint32_t path_off,
    uint32_t path_len, uint32_t buf, uint32_t buf_len, uint32_t used) {
    (void)buf;
    (void)buf_len;
    (void)used;
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    mp_obj_t path;
    int32_t err = guest_path(exec_env, fd, path_off, path_len, &path, NULL, NULL);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        vfs_is_dir(path); // ENOENT if missing
        nlr_pop();
        return WASI_EINVAL; // exists, and is not a symlink
    }
    return wasi_errno_from_exception(inst, nlr.ret_val);
}

static int32_t wasi_path_filestat_set_times(wasm_exec_env_t exec_env, int32_t fd, int32_t flags,
    uint32_t path, uint32_t path_len, int64_t atim, int64_t mtim, int32_t fst_flags) {
    (void)flags;
    (void)path;
    (void)path_len;
    (void)atim;
    (void)mtim;
    (void)fst_flags;
    return wasi_fd_get(wasi_instance(exec_env), fd, WASI_FD_DIR) ? WASI_ENOTSUP : WASI_EBADF;
}

// fd_readdir: entries after `cookie` (an index into the listing), as many
// as fit; a truncated last entry tells the guest to call again.
static int32_t wasi_fd_readdir(wasm_exec_env_t exec_env, int32_t fd, uint32_t buf_off, uint32_t buf_len,
    int64_t cookie, uint32_t used_off) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    uint32_t *used = wasi_guest_ptr(exec_env, used_off, 4);
    uint8_t *buf = used ? wasi_guest_ptr(exec_env, buf_off, buf_len) : NULL;
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_DIR);
    if (entry == NULL) {
        return wasi_fd_get(inst, fd, WASI_FD_FREE) ? WASI_ENOTDIR : WASI_EBADF;
    }
    if (cookie < 0) {
        return WASI_EINVAL;
    }
    mp_obj_t listing;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t args[1] = { wasi_fd_vfs_path(entry) };
        mp_obj_t iter = mp_vfs_ilistdir(1, args);
        listing = mp_obj_new_list(0, NULL);
        for (mp_obj_t item; (item = mp_iternext(iter)) != MP_OBJ_STOP_ITERATION;) {
            mp_obj_list_append(listing, item);
        }
        nlr_pop();
    } else {
        return wasi_errno_from_exception(inst, nlr.ret_val);
    }
    // Python ran (listing): re-derive the guest pointers.
    used = wasi_guest_ptr(exec_env, used_off, 4);
    buf = used ? wasi_guest_ptr(exec_env, buf_off, buf_len) : NULL;
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    size_t n;
    mp_obj_t *items;
    mp_obj_list_get(listing, &n, &items);
    uint32_t pos = 0;
    for (size_t i = (size_t)cookie; i < n && pos < buf_len; i++) {
        mp_obj_t *fields = ((mp_obj_tuple_t *)MP_OBJ_TO_PTR(items[i]))->items;
        size_t name_len;
        const char *name = mp_obj_str_get_data(fields[0], &name_len);
        uint8_t header[WASI_DIRENT_HEADER_SIZE];
        memset(header, 0, sizeof(header));
        uint64_t next = i + 1;
        uint64_t ino = (uint64_t)mp_obj_get_int(fields[2]);
        uint32_t namlen = (uint32_t)name_len;
        memcpy(header, &next, 8);
        memcpy(header + 8, &ino, 8);
        memcpy(header + 16, &namlen, 4);
        mp_int_t type = mp_obj_get_int(fields[1]);
        header[20] = type == S_IFDIR_BITS ? WASI_FILETYPE_DIRECTORY
            : type == S_IFREG_BITS ? WASI_FILETYPE_REGULAR_FILE : WASI_FILETYPE_UNKNOWN;
        uint32_t room = buf_len - pos;
        uint32_t take = room < WASI_DIRENT_HEADER_SIZE ? room : WASI_DIRENT_HEADER_SIZE;
        memcpy(buf + pos, header, take);
        pos += take;
        room = buf_len - pos;
        take = room < namlen ? room : namlen;
        memcpy(buf + pos, name, take);
        pos += take;
    }
    *used = pos;
    return WASI_ESUCCESS;
}

#define NATIVE(name, sig) { #name, (void *)wasi_##name, sig, NULL }

// WAMR sorts registered arrays in place: this table must stay writable.
NativeSymbol mp_wasm_wasi_path_natives[] = {
    NATIVE(fd_readdir, "(iiiIi)i"),
    NATIVE(path_create_directory, "(iii)i"),
    NATIVE(path_filestat_get, "(iiiii)i"),
    NATIVE(path_filestat_set_times, "(iiiiIIi)i"),
    NATIVE(path_link, "(iiiiiii)i"),
    NATIVE(path_open, "(iiiiiIIii)i"),
    NATIVE(path_readlink, "(iiiiii)i"),
    NATIVE(path_remove_directory, "(iii)i"),
    NATIVE(path_rename, "(iiiiii)i"),
    NATIVE(path_symlink, "(iiiii)i"),
    NATIVE(path_unlink_file, "(iii)i"),
};

const size_t mp_wasm_wasi_path_natives_len = MP_ARRAY_SIZE(mp_wasm_wasi_path_natives);
