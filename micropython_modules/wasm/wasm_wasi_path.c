// WASI preview1 path functions on MicroPython's VFS (littlefs, FAT, unix
// directories, a user's Python VFS), confined to the preopened directories.
//
// Sandbox: a guest path is resolved component by component below the
// directory descriptor it is relative to; absolute paths and any ".." that
// would climb above the preopen root get ENOTCAPABLE. Links are never
// created, and where the filesystem has symlinks (unix) the port checks that
// the real path stays inside the root, at every use of every descriptor, and
// refuses to move a symlink (a relative one would point elsewhere from its
// new place).
//
// What a VFS returns is checked before use (a Python VFS is host code, but
// may be buggy): a bad shape raises TypeError, which reaches the Python
// caller; VFS errors (OSError) become WASI errnos (mp_wasm_native_run).

#include "py/runtime.h"
#include "py/objint.h"
#include "py/objstr.h"
#include "py/unicode.h"
#include "py/mperrno.h"
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

#define ARG_I32(i) mp_wasm_arg_i32(args, i)
#define ARG_U32(i) mp_wasm_arg_u32(args, i)
#define ARG_I64(i) mp_wasm_arg_i64(args, i)

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

static mp_obj_t join_path(mp_obj_t root, mp_obj_t rel) {
    size_t root_len, rel_len;
    const char *r = mp_obj_str_get_data(root, &root_len);
    const char *s = mp_obj_str_get_data(rel, &rel_len);
    if (rel_len == 0) {
        return root;
    }
    vstr_t vstr;
    vstr_init(&vstr, root_len + rel_len + 1);
    vstr_add_strn(&vstr, r, root_len);
    if (root_len == 0 || r[root_len - 1] != '/') {
        vstr_add_char(&vstr, '/');
    }
    vstr_add_strn(&vstr, s, rel_len);
    return mp_obj_new_str_from_vstr(&vstr);
}

// Joins and checks: a path under `root` that still resolves inside it.
static int32_t contained_path(mp_obj_t root, mp_obj_t rel, mp_obj_t *path) {
    *path = join_path(root, rel);
    if (!mp_wasm_port_path_contained(mp_obj_str_get_str(root), mp_obj_str_get_str(*path))) {
        return WASI_ENOTCAPABLE;
    }
    return WASI_ESUCCESS;
}

int32_t wasi_fd_path(const wasi_fd_t *entry, mp_obj_t *path) {
    return contained_path(entry->root, entry->rel, path);
}

// --- What the VFS returns ---------------------------------------------------------

static NORETURN void raise_bad_vfs(const char *what) {
    mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("VFS %s"), what);
}

// A stat() tuple: at least 10 items (mode, ino, dev, nlink, uid, gid, size,
// atime, mtime, ctime).
static mp_obj_t *stat_items(mp_obj_t path) {
    mp_obj_t st = mp_vfs_stat(path);
    if (!mp_obj_is_type(st, &mp_type_tuple)) {
        raise_bad_vfs("stat() must return a tuple of 10 numbers");
    }
    size_t n;
    mp_obj_t *items;
    mp_obj_tuple_get(st, &n, &items);
    for (size_t i = 0; i < 10; i++) {
        if (i >= n || !(mp_obj_is_int(items[i]) || mp_obj_is_float(items[i]))) {
            raise_bad_vfs("stat() must return a tuple of 10 numbers");
        }
    }
    return items;
}

// A number the VFS returned (checked to be an int of any size, or a float
// for times), clamped to what WASI can hold; negative ones are 0.
static uint64_t vfs_number(mp_obj_t obj) {
    #if MICROPY_PY_BUILTINS_FLOAT
    if (mp_obj_is_float(obj)) {
        mp_float_t f = mp_obj_float_get(obj);
        return f > 0 && f < (mp_float_t)1e19 ? (uint64_t)f : 0;
    }
    #endif
    return mp_obj_int_sign(obj) > 0 ? (uint64_t)mp_obj_get_int_truncated(obj) : 0;
}

static uint8_t filetype_of_mode(uint64_t mode) {
    return (mode & S_IFMT_BITS) == S_IFDIR_BITS ? WASI_FILETYPE_DIRECTORY
        : (mode & S_IFMT_BITS) == S_IFREG_BITS ? WASI_FILETYPE_REGULAR_FILE : WASI_FILETYPE_UNKNOWN;
}

static uint64_t stat_time_ns(mp_obj_t t) {
    uint64_t s = vfs_number(t);
    return s < UINT64_MAX / 1000000000u ? s * 1000000000u : 0;
}

void wasi_filestat(uint8_t *buf, mp_obj_t path) {
    mp_obj_t *items = stat_items(path);
    uint64_t ino = vfs_number(items[1]);
    uint64_t nlink = 1;
    uint64_t size = vfs_number(items[6]);
    uint64_t atim = stat_time_ns(items[7]), mtim = stat_time_ns(items[8]), ctim = stat_time_ns(items[9]);
    memset(buf, 0, WASI_FILESTAT_SIZE);
    memcpy(buf + 8, &ino, 8);
    buf[16] = filetype_of_mode(vfs_number(items[0]));
    memcpy(buf + 24, &nlink, 8);
    memcpy(buf + 32, &size, 8);
    memcpy(buf + 40, &atim, 8);
    memcpy(buf + 48, &mtim, 8);
    memcpy(buf + 56, &ctim, 8);
}

static bool vfs_is_dir(mp_obj_t path) {
    return filetype_of_mode(vfs_number(stat_items(path)[0])) == WASI_FILETYPE_DIRECTORY;
}

// Whether `path` exists; raises for errors other than "not found".
static bool vfs_exists(mp_obj_t path) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        stat_items(path);
        nlr_pop();
        return true;
    }
    mp_obj_t e = MP_OBJ_FROM_PTR(nlr.ret_val);
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(e)), MP_OBJ_FROM_PTR(&mp_type_OSError))
        && wasi_oserror_errno(e) == MP_ENOENT) {
        return false;
    }
    nlr_jump(nlr.ret_val);
}

// One ilistdir() entry: (name, type[, inode[, size]]).
typedef struct _dir_entry_t {
    const char *name;
    size_t name_len;
    uint64_t ino;
    uint8_t filetype;
} dir_entry_t;

static void dir_entry(mp_obj_t item, dir_entry_t *out) {
    size_t n = 0;
    mp_obj_t *fields = NULL;
    if (mp_obj_is_type(item, &mp_type_tuple) || mp_obj_is_type(item, &mp_type_list)) {
        mp_obj_get_array(item, &n, &fields);
    }
    if (n < 2 || !(mp_obj_is_str(fields[0]) || mp_obj_is_type(fields[0], &mp_type_bytes))
        || !mp_obj_is_int(fields[1]) || (n >= 3 && !mp_obj_is_int(fields[2]))) {
        raise_bad_vfs("ilistdir() entries must be (name, type[, inode[, size]]) tuples");
    }
    out->name = mp_obj_str_get_data(fields[0], &out->name_len);
    out->ino = n >= 3 ? vfs_number(fields[2]) : 0;
    out->filetype = filetype_of_mode(vfs_number(fields[1]));
}

static mp_obj_t dir_iter(mp_obj_t path) {
    return mp_getiter(mp_vfs_ilistdir(1, &path), NULL);
}

// --- Preopens and teardown --------------------------------------------------------

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
            mp_raise_OSError(MP_ENOTDIR);
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
                wasi_stream_close(entry->stream);
                nlr_pop();
            }
        }
        memset(entry, 0, sizeof(*entry));
    }
}

// --- Sandboxed path resolution ------------------------------------------------

// Resolves guest path bytes relative to directory descriptor `dirfd`. On
// success returns the preopen root, the new path below it and the VFS path
// (checked to resolve inside the root); a WASI errno otherwise.
static int32_t resolve(mp_obj_wasm_instance_t *inst, int32_t dirfd, const char *path, size_t len,
    mp_obj_t *root_out, mp_obj_t *rel_out, mp_obj_t *vfs_path) {
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
    if (!utf8_check((const byte *)path, len)) {
        return WASI_EILSEQ; // VFS paths are str
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
    return contained_path(*root_out, *rel_out, vfs_path);
}

// Copies the guest's path out of linear memory and resolves it.
static int32_t guest_path(wasm_exec_env_t exec_env, int32_t dirfd, uint32_t path_off, uint32_t path_len,
    mp_obj_t *vfs_path, mp_obj_t *root, mp_obj_t *rel) {
    if (!mp_wasm_guest_check(exec_env, path_off, path_len)) {
        return WASI_EFAULT;
    }
    if (path_len > WASI_PATH_MAX) {
        return WASI_ENAMETOOLONG;
    }
    // A copy: resolving allocates, which may run Python (a GC finaliser).
    char *path = m_new(char, path_len + 1);
    mp_wasm_guest_read(exec_env, path_off, path, path_len);
    mp_obj_t r, rl;
    int32_t err = resolve(mp_wasm_native_instance(exec_env), dirfd, path, path_len,
        root ? root : &r, rel ? rel : &rl, vfs_path);
    m_del(char, path, path_len + 1);
    return err;
}

// For other host functions that take paths from a guest (the LVGL
// bindings' images): an absolute guest path ("/data/img.bin"), resolved
// below the preopen whose guest name is its longest prefix, with every
// check of path_open. Returns the VFS path, or a WASI errno
// (ENOTCAPABLE outside every preopen, and for guests without WASI).
int32_t mp_wasm_wasi_resolve_abs(mp_obj_wasm_instance_t *inst, const char *path, size_t len,
    mp_obj_t *vfs_path) {
    if (inst->wasi_ctx == NULL || len == 0 || path[0] != '/') {
        return WASI_ENOTCAPABLE;
    }
    int best = -1;
    size_t best_len = 0;
    for (int fd = 0; fd < WASI_MAX_FDS; fd++) {
        wasi_fd_t *e = &inst->wasi_ctx->fds[fd];
        if (e->kind != WASI_FD_DIR || !e->preopen) {
            continue;
        }
        size_t n;
        const char *name = (const char *)mp_obj_str_get_data(e->guest_name, &n);
        while (n > 1 && name[n - 1] == '/') {
            n--;
        }
        bool prefix = n == 1 && name[0] == '/' ? true
            : n <= len && memcmp(name, path, n) == 0 && (n == len || path[n] == '/');
        if (prefix && (best < 0 || n > best_len)) {
            best = fd;
            best_len = n;
        }
    }
    if (best < 0) {
        return WASI_ENOTCAPABLE;
    }
    const char *rest = path + best_len;
    while (rest < path + len && *rest == '/') {
        rest++;
    }
    if (rest == path + len) {
        return WASI_EISDIR;
    }
    mp_obj_t root, rel;
    return resolve(inst, best, rest, (size_t)(path + len - rest), &root, &rel, vfs_path);
}

// --- Path functions ---------------------------------------------------------

static const char *open_mode(bool exists, int32_t oflags, int64_t rights, int32_t fdflags, uint8_t *access) {
    bool want_write = (rights & WASI_RIGHT_FD_WRITE) || (oflags & (WASI_O_TRUNC | WASI_O_CREAT))
        || (fdflags & WASI_FDFLAG_APPEND);
    bool want_read = (rights & WASI_RIGHT_FD_READ) != 0;
    *access = (want_read || !want_write ? WASI_ACCESS_READ : 0) | (want_write ? WASI_ACCESS_WRITE : 0);
    if (!want_write) {
        return "rb";
    }
    if (fdflags & WASI_FDFLAG_APPEND) {
        return want_read ? "a+b" : "ab";
    }
    if (!exists || (oflags & WASI_O_TRUNC)) {
        return want_read ? "w+b" : "wb";
    }
    return "r+b";
}

static int32_t wasi_path_open(wasm_exec_env_t exec_env, uint64_t *args) {
    int32_t dirfd = ARG_I32(0), oflags = ARG_I32(4), fdflags = ARG_I32(7);
    uint32_t path_off = ARG_U32(2), path_len = ARG_U32(3), fd_out = ARG_U32(8);
    int64_t rights_base = ARG_I64(5);
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    if (!mp_wasm_guest_check(exec_env, fd_out, 4)) {
        return WASI_EFAULT;
    }
    mp_obj_t path, root, rel;
    int32_t err = guest_path(exec_env, dirfd, path_off, path_len, &path, &root, &rel);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    bool exists = vfs_exists(path);
    bool is_dir = exists && vfs_is_dir(path);
    if (exists && (oflags & WASI_O_CREAT) && (oflags & WASI_O_EXCL)) {
        return WASI_EEXIST;
    }
    if (!exists && !(oflags & WASI_O_CREAT)) {
        return WASI_ENOENT;
    }
    if ((oflags & WASI_O_DIRECTORY) && !is_dir) {
        return exists ? WASI_ENOTDIR : WASI_ENOENT;
    }
    if (is_dir && (oflags & (WASI_O_TRUNC | WASI_O_CREAT)) && !(oflags & WASI_O_DIRECTORY)
        && (rights_base & WASI_RIGHT_FD_WRITE)) {
        return WASI_EISDIR;
    }
    mp_obj_t stream = MP_OBJ_NULL;
    uint8_t access = 0;
    if (!is_dir) {
        const char *mode = open_mode(exists, oflags, rights_base, fdflags, &access);
        mp_obj_t open_args[2] = { path, mp_obj_new_str(mode, strlen(mode)) };
        stream = mp_vfs_open(2, open_args, (mp_map_t *)&mp_const_empty_map);
    }
    // The slot is taken only now: the VFS calls above may have run Python
    // code that re-entered the guest and opened descriptors itself.
    int fd = free_slot(inst->wasi_ctx);
    if (fd < 0) {
        if (stream != MP_OBJ_NULL) {
            wasi_stream_close(stream);
        }
        return WASI_EMFILE;
    }
    wasi_fd_t *entry = &inst->wasi_ctx->fds[fd];
    entry->kind = is_dir ? WASI_FD_DIR : WASI_FD_FILE;
    entry->stream = stream;
    entry->access = access;
    entry->preopen = false;
    entry->fdflags = (uint16_t)(fdflags & WASI_FDFLAG_APPEND);
    entry->root = root;
    entry->rel = rel;
    entry->guest_name = MP_OBJ_NULL;
    mp_wasm_guest_write_u32(exec_env, fd_out, (uint32_t)fd); // checked above
    return WASI_ESUCCESS;
}

// Whether the directory at `path` has any entry.
static bool dir_has_entries(mp_obj_t path) {
    mp_obj_t iter = dir_iter(path);
    bool any = false;
    for (mp_obj_t item; (item = mp_iternext(iter)) != MP_OBJ_STOP_ITERATION;) {
        dir_entry_t e;
        dir_entry(item, &e);
        any = true; // read to the end: the VFS may hold the directory open until then
    }
    return any;
}

// The shape shared by mkdir, rmdir and unlink: one path, one VFS call.
typedef enum { PATH_MKDIR, PATH_RMDIR, PATH_UNLINK } path_op_t;

static int32_t path_op(wasm_exec_env_t exec_env, uint64_t *args, path_op_t op) {
    mp_obj_t path, root, rel;
    int32_t err = guest_path(exec_env, ARG_I32(0), ARG_U32(1), ARG_U32(2), &path, &root, &rel);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    if (op != PATH_MKDIR && mp_obj_str_get_str(rel)[0] == '\0') {
        return WASI_EPERM; // never remove a preopen root
    }
    if (op == PATH_MKDIR) {
        mp_vfs_mkdir(path);
        return WASI_ESUCCESS;
    }
    // Check the type first: VFS drivers disagree on these errors.
    bool is_dir = vfs_is_dir(path);
    if (op == PATH_RMDIR) {
        if (!is_dir) {
            return WASI_ENOTDIR;
        }
        if (dir_has_entries(path)) {
            return WASI_ENOTEMPTY;
        }
        mp_vfs_rmdir(path);
    } else {
        if (is_dir) {
            return WASI_EISDIR;
        }
        mp_vfs_remove(path);
    }
    return WASI_ESUCCESS;
}

static int32_t wasi_path_create_directory(wasm_exec_env_t exec_env, uint64_t *args) {
    return path_op(exec_env, args, PATH_MKDIR);
}

static int32_t wasi_path_remove_directory(wasm_exec_env_t exec_env, uint64_t *args) {
    return path_op(exec_env, args, PATH_RMDIR);
}

static int32_t wasi_path_unlink_file(wasm_exec_env_t exec_env, uint64_t *args) {
    return path_op(exec_env, args, PATH_UNLINK);
}

static int32_t wasi_path_rename(wasm_exec_env_t exec_env, uint64_t *args) {
    mp_obj_t old_path, new_path, root, rel;
    int32_t err = guest_path(exec_env, ARG_I32(0), ARG_U32(1), ARG_U32(2), &old_path, &root, &rel);
    if (err == WASI_ESUCCESS && mp_obj_str_get_str(rel)[0] == '\0') {
        err = WASI_EPERM; // a preopen root stays where it is
    }
    if (err == WASI_ESUCCESS) {
        err = guest_path(exec_env, ARG_I32(3), ARG_U32(4), ARG_U32(5), &new_path, &root, &rel);
    }
    if (err != WASI_ESUCCESS) {
        return err;
    }
    if (!mp_wasm_port_may_move(mp_obj_str_get_str(old_path))) {
        return WASI_EPERM; // a (relative) symlink would point elsewhere from its new place
    }
    mp_vfs_rename(old_path, new_path);
    return WASI_ESUCCESS;
}

static int32_t wasi_path_filestat_get(wasm_exec_env_t exec_env, uint64_t *args) {
    uint32_t buf_off = ARG_U32(4);
    mp_obj_t path;
    int32_t err = guest_path(exec_env, ARG_I32(0), ARG_U32(2), ARG_U32(3), &path, NULL, NULL);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    if (!mp_wasm_guest_check(exec_env, buf_off, WASI_FILESTAT_SIZE)) {
        return WASI_EFAULT;
    }
    uint8_t stat[WASI_FILESTAT_SIZE];
    wasi_filestat(stat, path);
    mp_wasm_guest_write(exec_env, buf_off, stat, sizeof(stat)); // checked above
    return WASI_ESUCCESS;
}

// Links and symlinks could point outside the sandbox: never created.
static int32_t wasi_path_symlink(wasm_exec_env_t exec_env, uint64_t *args) {
    return wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(2), WASI_FD_DIR) ? WASI_EPERM : WASI_EBADF;
}

static int32_t wasi_path_link(wasm_exec_env_t exec_env, uint64_t *args) {
    return wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_DIR) ? WASI_EPERM : WASI_EBADF;
}

static int32_t wasi_path_readlink(wasm_exec_env_t exec_env, uint64_t *args) {
    mp_obj_t path;
    int32_t err = guest_path(exec_env, ARG_I32(0), ARG_U32(1), ARG_U32(2), &path, NULL, NULL);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    vfs_is_dir(path); // ENOENT if missing
    return WASI_EINVAL; // exists, and is not a symlink the guest may read
}

static int32_t wasi_path_filestat_set_times(wasm_exec_env_t exec_env, uint64_t *args) {
    return wasi_fd_get(mp_wasm_native_instance(exec_env), ARG_I32(0), WASI_FD_DIR) ? WASI_ENOTSUP : WASI_EBADF;
}

// Writes one dirent (header, then name) at `*pos`, cut off at `end`, in
// the buffer the caller checked.
static void put_dirent(wasm_exec_env_t exec_env, const dir_entry_t *e, uint64_t next,
    uint32_t *pos, uint32_t end) {
    uint8_t header[WASI_DIRENT_HEADER_SIZE] = { 0 };
    uint32_t namlen = (uint32_t)e->name_len;
    memcpy(header, &next, 8);
    memcpy(header + 8, &e->ino, 8);
    memcpy(header + 16, &namlen, 4);
    header[20] = e->filetype;
    uint32_t take = end - *pos < WASI_DIRENT_HEADER_SIZE ? end - *pos : WASI_DIRENT_HEADER_SIZE;
    mp_wasm_guest_write(exec_env, *pos, header, take);
    *pos += take;
    take = end - *pos < namlen ? end - *pos : namlen;
    mp_wasm_guest_write(exec_env, *pos, e->name, take);
    *pos += take;
}

// fd_readdir: entries after `cookie` (an index into the listing), as many
// as fit; a truncated last entry tells the guest to call again.
static int32_t wasi_fd_readdir(wasm_exec_env_t exec_env, uint64_t *args) {
    int32_t fd = ARG_I32(0);
    uint32_t buf_off = ARG_U32(1), buf_len = ARG_U32(2), used_off = ARG_U32(4);
    int64_t cookie = ARG_I64(3);
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    if (!mp_wasm_guest_check(exec_env, used_off, 4) || !mp_wasm_guest_check(exec_env, buf_off, buf_len)) {
        return WASI_EFAULT;
    }
    wasi_fd_t *entry = wasi_fd_get(inst, fd, WASI_FD_DIR);
    if (entry == NULL) {
        return wasi_fd_get(inst, fd, WASI_FD_FREE) ? WASI_ENOTDIR : WASI_EBADF;
    }
    if (cookie < 0) {
        return WASI_EINVAL;
    }
    mp_obj_t path;
    int32_t err = wasi_fd_path(entry, &path);
    if (err != WASI_ESUCCESS) {
        return err;
    }
    mp_obj_t iter = dir_iter(path);
    uint32_t pos = buf_off, end = buf_off + buf_len;
    uint64_t index = 0;
    for (mp_obj_t item; (item = mp_iternext(iter)) != MP_OBJ_STOP_ITERATION; index++) {
        dir_entry_t e;
        dir_entry(item, &e);
        // Each write translates the buffer again: the iterator may run Python.
        if (index >= (uint64_t)cookie && pos < end) {
            put_dirent(exec_env, &e, index + 1, &pos, end);
        }
    }
    mp_wasm_guest_write_u32(exec_env, used_off, pos - buf_off);
    return WASI_ESUCCESS;
}

#define NATIVE(name, sig) MP_WASM_ERRNO_NATIVE(#name, wasi_##name, sig)

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
