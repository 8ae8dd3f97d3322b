// WASI preview1 for guests, implemented on MicroPython objects rather than
// POSIX descriptors, so it behaves the same on unix and on bare metal.
// This file: the wasm.WASI configuration type, process-level functions
// (args, environ, clocks, random, exit) and registration with WAMR.

#include <string.h>

#include "py/runtime.h"
#include "py/objstr.h"
#include "wasm_wasi.h"

#define WASI_CLOCK_REALTIME 0
#define WASI_CLOCK_MONOTONIC 1
#define WASI_CLOCK_PROCESS_CPUTIME 2
#define WASI_CLOCK_THREAD_CPUTIME 3

#define ARG_I32(i) mp_wasm_arg_i32(args, i)
#define ARG_U32(i) mp_wasm_arg_u32(args, i)
#define ARG_I64(i) mp_wasm_arg_i64(args, i)

static mp_obj_wasm_wasi_t *wasi_config(wasm_exec_env_t exec_env) {
    return wasi_ctx(exec_env)->config;
}

// --- wasm.WASI -------------------------------------------------------------

static mp_obj_t encode_bytes(mp_obj_t item, const char *what) {
    if (mp_obj_is_str(item)) {
        size_t len;
        const char *s = mp_obj_str_get_data(item, &len);
        return mp_obj_new_bytes((const byte *)s, len);
    }
    if (mp_obj_is_type(item, &mp_type_bytes)) {
        return item;
    }
    mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("WASI %s must be str or bytes"), what);
}

static bool has_nul(mp_obj_t bytes) {
    size_t len;
    const char *s = mp_obj_str_get_data(bytes, &len);
    return memchr(s, 0, len) != NULL;
}

static mp_obj_t wasm_wasi_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *all_args) {
    enum { ARG_args, ARG_env, ARG_stdin, ARG_stdout, ARG_stderr, ARG_preopens };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_args, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_env, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_stdin, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_stdout, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_stderr, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_preopens, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, all_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);

    mp_obj_wasm_wasi_t *self = mp_obj_malloc(mp_obj_wasm_wasi_t, type);

    // argv, each entry encoded as UTF-8 bytes.
    size_t n_argv = 0;
    mp_obj_t *argv = NULL;
    if (args[ARG_args].u_obj != mp_const_none) {
        mp_obj_get_array(args[ARG_args].u_obj, &n_argv, &argv);
    }
    self->args = mp_obj_new_tuple(n_argv, NULL);
    mp_obj_tuple_t *argt = MP_OBJ_TO_PTR(self->args);
    for (size_t i = 0; i < n_argv; i++) {
        argt->items[i] = encode_bytes(argv[i], "args");
        if (has_nul(argt->items[i])) {
            mp_raise_ValueError(MP_ERROR_TEXT("WASI args cannot contain NUL"));
        }
    }

    // Environment as "KEY=VALUE" entries.
    mp_obj_t env = args[ARG_env].u_obj;
    if (env == mp_const_none) {
        self->env = mp_const_empty_tuple;
    } else {
        if (!mp_obj_is_dict_or_ordereddict(env)) {
            mp_raise_TypeError(MP_ERROR_TEXT("WASI env must be a dict"));
        }
        mp_map_t *map = mp_obj_dict_get_map(env);
        self->env = mp_obj_new_tuple(map->used, NULL);
        mp_obj_tuple_t *envt = MP_OBJ_TO_PTR(self->env);
        size_t n = 0;
        for (size_t i = 0; i < map->alloc; i++) {
            if (!mp_map_slot_is_filled(map, i)) {
                continue;
            }
            mp_obj_t key = encode_bytes(map->table[i].key, "env keys");
            mp_obj_t value = encode_bytes(map->table[i].value, "env values");
            size_t klen, vlen;
            const char *k = mp_obj_str_get_data(key, &klen);
            const char *v = mp_obj_str_get_data(value, &vlen);
            if (klen == 0 || memchr(k, '=', klen) != NULL || has_nul(key) || has_nul(value)) {
                mp_raise_ValueError(MP_ERROR_TEXT("invalid WASI env entry"));
            }
            vstr_t vstr;
            vstr_init(&vstr, klen + vlen + 1);
            vstr_add_strn(&vstr, k, klen);
            vstr_add_char(&vstr, '=');
            vstr_add_strn(&vstr, v, vlen);
            envt->items[n++] = mp_obj_new_bytes_from_vstr(&vstr);
        }
    }

    // Preopened directories: {guest name: VFS directory}.
    mp_obj_t preopens = args[ARG_preopens].u_obj;
    self->preopens = mp_const_empty_tuple;
    if (preopens != mp_const_none) {
        if (!mp_obj_is_dict_or_ordereddict(preopens)) {
            mp_raise_TypeError(MP_ERROR_TEXT("WASI preopens must be a dict"));
        }
        mp_map_t *map = mp_obj_dict_get_map(preopens);
        if (map->used > WASI_MAX_FDS - WASI_STDIO_COUNT - 8) {
            mp_raise_ValueError(MP_ERROR_TEXT("too many WASI preopens"));
        }
        self->preopens = mp_obj_new_tuple(map->used, NULL);
        mp_obj_tuple_t *pt = MP_OBJ_TO_PTR(self->preopens);
        size_t n = 0;
        for (size_t i = 0; i < map->alloc; i++) {
            if (!mp_map_slot_is_filled(map, i)) {
                continue;
            }
            mp_obj_t guest = encode_bytes(map->table[i].key, "preopen names");
            mp_obj_t host = map->table[i].value;
            size_t guest_len;
            mp_obj_str_get_data(guest, &guest_len);
            if (!mp_obj_is_str(host) || guest_len == 0 || has_nul(guest)) {
                mp_raise_ValueError(MP_ERROR_TEXT("WASI preopens map guest names to VFS directory paths"));
            }
            mp_obj_t pair[2] = { guest, host };
            pt->items[n++] = mp_obj_new_tuple(2, pair);
        }
    }

    self->stdio[0] = args[ARG_stdin].u_obj;
    self->stdio[1] = args[ARG_stdout].u_obj;
    self->stdio[2] = args[ARG_stderr].u_obj;
    return MP_OBJ_FROM_PTR(self);
}

static void wasm_wasi_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return;
    }
    mp_obj_wasm_wasi_t *self = MP_OBJ_TO_PTR(self_in);
    if (attr == MP_QSTR_args) {
        dest[0] = self->args;
    } else if (attr == MP_QSTR_env) {
        dest[0] = self->env;
    } else if (attr == MP_QSTR_stdin) {
        dest[0] = self->stdio[0];
    } else if (attr == MP_QSTR_stdout) {
        dest[0] = self->stdio[1];
    } else if (attr == MP_QSTR_stderr) {
        dest[0] = self->stdio[2];
    } else if (attr == MP_QSTR_preopens) {
        dest[0] = self->preopens;
    }
}

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_wasi, MP_QSTR_WASI, MP_TYPE_FLAG_NONE,
    make_new, wasm_wasi_make_new,
    attr, wasm_wasi_attr
    );

mp_obj_t mp_wasm_wasi_default(void) {
    return wasm_wasi_make_new(&mp_type_wasm_wasi, 0, 0, NULL);
}

mp_wasm_wasi_ctx_t *mp_wasm_wasi_ctx_new(mp_obj_t wasi) {
    mp_wasm_wasi_ctx_t *ctx = m_new0(mp_wasm_wasi_ctx_t, 1);
    ctx->config = MP_OBJ_TO_PTR(wasi);
    for (int fd = 0; fd < WASI_STDIO_COUNT; fd++) {
        ctx->fds[fd].kind = WASI_FD_STDIO;
        ctx->fds[fd].stdio = fd;
        ctx->fds[fd].access = fd == 0 ? WASI_ACCESS_READ : WASI_ACCESS_WRITE;
    }
    mp_wasm_wasi_fs_open_preopens(ctx);
    return ctx;
}

// Files the guest left open are closed with its instance, not at some GC.
void mp_wasm_wasi_ctx_free(mp_wasm_wasi_ctx_t *ctx) {
    mp_wasm_wasi_fs_close_all(ctx);
}

// --- args / environ ------------------------------------------------------------

// Shared shape of args_* and environ_*: a tuple of byte strings exposed as
// a pointer array plus a buffer of NUL-terminated strings.
static uint32_t strings_total(mp_obj_t tuple, size_t *count) {
    mp_obj_t *items;
    mp_obj_tuple_get(tuple, count, &items);
    uint32_t total = 0;
    for (size_t i = 0; i < *count; i++) {
        size_t len;
        mp_obj_str_get_data(items[i], &len);
        total += (uint32_t)len + 1;
    }
    return total;
}

static int32_t strings_sizes_get(wasm_exec_env_t exec_env, mp_obj_t tuple, uint32_t count_off, uint32_t size_off) {
    if (!mp_wasm_guest_check(exec_env, count_off, 4) || !mp_wasm_guest_check(exec_env, size_off, 4)) {
        return WASI_EFAULT;
    }
    size_t n;
    uint32_t total = strings_total(tuple, &n);
    mp_wasm_guest_write_u32(exec_env, count_off, (uint32_t)n);
    mp_wasm_guest_write_u32(exec_env, size_off, total);
    return WASI_ESUCCESS;
}

static int32_t strings_get(wasm_exec_env_t exec_env, mp_obj_t tuple, uint32_t ptrs_off, uint32_t buf_off) {
    size_t n;
    uint32_t total = strings_total(tuple, &n);
    if (!mp_wasm_guest_check(exec_env, ptrs_off, (uint64_t)n * 4) || !mp_wasm_guest_check(exec_env, buf_off, total)) {
        return WASI_EFAULT;
    }
    mp_obj_t *items;
    mp_obj_tuple_get(tuple, &n, &items);
    uint32_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *s = mp_obj_str_get_data(items[i], &len);
        mp_wasm_guest_write_u32(exec_env, ptrs_off + 4 * i, buf_off + pos);
        mp_wasm_guest_write(exec_env, buf_off + pos, s, len);
        mp_wasm_guest_write(exec_env, buf_off + pos + (uint32_t)len, "", 1);
        pos += (uint32_t)len + 1;
    }
    return WASI_ESUCCESS;
}

static int32_t wasi_args_sizes_get(wasm_exec_env_t exec_env, uint64_t *args) {
    return strings_sizes_get(exec_env, wasi_config(exec_env)->args, ARG_U32(0), ARG_U32(1));
}

static int32_t wasi_args_get(wasm_exec_env_t exec_env, uint64_t *args) {
    return strings_get(exec_env, wasi_config(exec_env)->args, ARG_U32(0), ARG_U32(1));
}

static int32_t wasi_environ_sizes_get(wasm_exec_env_t exec_env, uint64_t *args) {
    return strings_sizes_get(exec_env, wasi_config(exec_env)->env, ARG_U32(0), ARG_U32(1));
}

static int32_t wasi_environ_get(wasm_exec_env_t exec_env, uint64_t *args) {
    return strings_get(exec_env, wasi_config(exec_env)->env, ARG_U32(0), ARG_U32(1));
}

// --- clocks, random, scheduling, exit -------------------------------------------

// Reads clock `clock_id` (time and resolution, ns): EINVAL for an unknown
// clock, and for the CPU-time clocks where the port cannot measure CPU time
// (POSIX's answer for a clock it does not support).
static int32_t read_clock(int32_t clock_id, uint64_t *now, uint64_t *resolution) {
    switch (clock_id) {
        case WASI_CLOCK_REALTIME:
        case WASI_CLOCK_MONOTONIC:
            *now = mp_wasm_port_time_ns(clock_id == WASI_CLOCK_REALTIME);
            *resolution = 1000; // microseconds on every port
            return WASI_ESUCCESS;
        case WASI_CLOCK_PROCESS_CPUTIME:
        case WASI_CLOCK_THREAD_CPUTIME:
            return mp_wasm_port_cputime_ns(clock_id == WASI_CLOCK_THREAD_CPUTIME, now, resolution)
                ? WASI_ESUCCESS : WASI_EINVAL;
        default:
            return WASI_EINVAL;
    }
}

// The clocks are leaf natives (wasm_native_call.h), as is random_get (the
// table below): plain C, arguments in 32-bit cells, the errno result
// written over them; false (the guest traps) only for an output range
// outside its memory.

// Writes clock `clock_id`'s time or resolution to guest `out`.
static bool clock_leaf(wasm_exec_env_t exec_env, uint32_t *cells, bool resolution_wanted,
    uint32_t out) {
    uint64_t now, resolution;
    int32_t err = read_clock((int32_t)mp_wasm_cell_u32(cells, 0), &now, &resolution);
    if (err == WASI_ESUCCESS
        && !mp_wasm_guest_write_u64(exec_env, out, resolution_wanted ? resolution : now)) {
        return false;
    }
    mp_wasm_cell_ret_i32(cells, err);
    return true;
}

// clock_res_get(id, out)
static bool wasi_clock_res_get(wasm_exec_env_t exec_env, uint32_t *cells) {
    return clock_leaf(exec_env, cells, true, mp_wasm_cell_u32(cells, 1));
}

// clock_time_get(id, precision: i64 in cells 1-2, out)
static bool wasi_clock_time_get(wasm_exec_env_t exec_env, uint32_t *cells) {
    return clock_leaf(exec_env, cells, false, mp_wasm_cell_u32(cells, 3));
}


// A pending KeyboardInterrupt (Ctrl-C) or scheduled callback is delivered
// whenever the guest yields or sleeps; what it raises stops the guest.
static int32_t wasi_sched_yield(wasm_exec_env_t exec_env, uint64_t *args) {
    (void)args;
    mp_wasm_native_handle_pending(exec_env);
    return WASI_ESUCCESS;
}

static int32_t wasi_proc_exit(wasm_exec_env_t exec_env, uint64_t *args) {
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    inst->exit_code = ARG_I32(0);
    inst->exited = true;
    wasm_runtime_set_exception(wasm_runtime_get_module_inst(exec_env), MP_WASM_EXC_PROC_EXIT);
    return WASI_ESUCCESS;
}

// Signals, sockets: not offered to guests.
static int32_t wasi_not_offered(wasm_exec_env_t exec_env, uint64_t *args) {
    (void)exec_env;
    (void)args;
    return WASI_ENOSYS;
}

// poll_oneoff: clock subscriptions sleep; fd subscriptions report ready.
#define WASI_EVENTTYPE_CLOCK 0
#define WASI_SUBSCRIPTION_SIZE 48
#define WASI_EVENT_SIZE 32
#define WASI_SUBSCRIPTION_CLOCK_ABSTIME 1

static int32_t wasi_poll_oneoff(wasm_exec_env_t exec_env, uint64_t *args) {
    uint32_t in_off = ARG_U32(0), out_off = ARG_U32(1), nsubs = ARG_U32(2), nevents_off = ARG_U32(3);
    if (nsubs == 0) {
        return WASI_EINVAL;
    }
    if (!mp_wasm_guest_check(exec_env, in_off, (uint64_t)nsubs * WASI_SUBSCRIPTION_SIZE)
        || !mp_wasm_guest_check(exec_env, out_off, (uint64_t)nsubs * WASI_EVENT_SIZE)
        || !mp_wasm_guest_check(exec_env, nevents_off, 4)) {
        return WASI_EFAULT;
    }
    // Shortest clock timeout among the subscriptions; fds are always ready.
    uint64_t sleep_ns = UINT64_MAX;
    bool any_clock = false, any_fd = false;
    for (uint32_t i = 0; i < nsubs; i++) {
        uint8_t sub[WASI_SUBSCRIPTION_SIZE];
        mp_wasm_guest_read(exec_env, in_off + i * WASI_SUBSCRIPTION_SIZE, sub, sizeof(sub));
        if (sub[8] == WASI_EVENTTYPE_CLOCK) {
            uint32_t clock_id;
            uint64_t timeout;
            uint16_t flags;
            memcpy(&clock_id, sub + 16, 4);
            memcpy(&timeout, sub + 24, 8);
            memcpy(&flags, sub + 40, 2);
            if (flags & WASI_SUBSCRIPTION_CLOCK_ABSTIME) {
                uint64_t now = mp_wasm_port_time_ns(clock_id == WASI_CLOCK_REALTIME);
                timeout = timeout > now ? timeout - now : 0;
            }
            if (!any_clock || timeout < sleep_ns) {
                sleep_ns = timeout;
            }
            any_clock = true;
        } else {
            any_fd = true;
        }
    }
    if (!any_fd && any_clock) {
        // Sleep in slices so that Ctrl-C stays responsive. The deadline
        // saturates: a timeout of 2**64-1 ns blocks until interrupted.
        uint64_t start = mp_wasm_port_time_ns(false);
        uint64_t deadline = sleep_ns > UINT64_MAX - start ? UINT64_MAX : start + sleep_ns;
        for (;;) {
            if (!mp_wasm_native_handle_pending(exec_env)) {
                return WASI_EINTR;
            }
            uint64_t now = mp_wasm_port_time_ns(false);
            if (now >= deadline) {
                break;
            }
            uint64_t slice = deadline - now;
            mp_wasm_port_sleep_ns(slice > 10000000 ? 10000000 : slice);
        }
    }
    // Python may have run: the subscriptions are read again, at their offsets.
    uint32_t n = 0;
    for (uint32_t i = 0; i < nsubs; i++) {
        uint8_t sub[WASI_SUBSCRIPTION_SIZE];
        mp_wasm_guest_read(exec_env, in_off + i * WASI_SUBSCRIPTION_SIZE, sub, sizeof(sub));
        bool is_clock = sub[8] == WASI_EVENTTYPE_CLOCK;
        if (is_clock && any_fd) {
            continue;
        }
        uint8_t ev[WASI_EVENT_SIZE] = { 0 };
        memcpy(ev, sub, 8);  // userdata
        ev[10] = sub[8];     // type
        mp_wasm_guest_write(exec_env, out_off + n * WASI_EVENT_SIZE, ev, sizeof(ev));
        n++;
    }
    mp_wasm_guest_write_u32(exec_env, nevents_off, n);
    return WASI_ESUCCESS;
}

#define NATIVE(name, fn, sig) MP_WASM_ERRNO_NATIVE(#name, wasi_##fn, sig)

// WAMR sorts registered arrays in place: this table must stay writable.
static NativeSymbol wasi_process_natives[] = {
    NATIVE(args_get, args_get, "(ii)i"),
    NATIVE(args_sizes_get, args_sizes_get, "(ii)i"),
    NATIVE(environ_get, environ_get, "(ii)i"),
    NATIVE(environ_sizes_get, environ_sizes_get, "(ii)i"),
    NATIVE(sched_yield, sched_yield, "()i"),
    MP_WASM_NATIVE("proc_exit", wasi_proc_exit, "(i)"),
    NATIVE(proc_raise, not_offered, "(i)i"),
    NATIVE(poll_oneoff, poll_oneoff, "(iiii)i"),
    NATIVE(sock_accept, not_offered, "(iii)i"),
    NATIVE(sock_recv, not_offered, "(iiiiii)i"),
    NATIVE(sock_send, not_offered, "(iiiii)i"),
    NATIVE(sock_shutdown, not_offered, "(ii)i"),
};

static NativeSymbol wasi_leaf_natives[] = {
    MP_WASM_LEAF_NATIVE("clock_res_get", wasi_clock_res_get, "(ii)i"),
    MP_WASM_LEAF_NATIVE("clock_time_get", wasi_clock_time_get, "(iIi)i"),
    // mp.random_bytes: the same arguments, and 0 is WASI_ESUCCESS.
    MP_WASM_LEAF_NATIVE("random_get", mp_wasm_native_random_bytes, "(ii)i"),
};

bool mp_wasm_wasi_register(void) {
    return wasm_runtime_register_natives_raw(MP_WASM_WASI_MODULE, wasi_process_natives,
        MP_ARRAY_SIZE(wasi_process_natives))
           && wasm_runtime_register_natives_leaf(MP_WASM_WASI_MODULE, wasi_leaf_natives,
        MP_ARRAY_SIZE(wasi_leaf_natives))
           && wasm_runtime_register_natives_raw(MP_WASM_WASI_MODULE, mp_wasm_wasi_fd_natives,
        (uint32_t)mp_wasm_wasi_fd_natives_len)
           && wasm_runtime_register_natives_raw(MP_WASM_WASI_MODULE, mp_wasm_wasi_path_natives,
        (uint32_t)mp_wasm_wasi_path_natives_len);
}

static bool table_has(const NativeSymbol *table, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++) {
        if (strcmp(table[i].symbol, name) == 0) {
            return true;
        }
    }
    return false;
}

bool mp_wasm_wasi_has(const char *name) {
    return table_has(wasi_process_natives, MP_ARRAY_SIZE(wasi_process_natives), name)
           || table_has(wasi_leaf_natives, MP_ARRAY_SIZE(wasi_leaf_natives), name)
           || table_has(mp_wasm_wasi_fd_natives, mp_wasm_wasi_fd_natives_len, name)
           || table_has(mp_wasm_wasi_path_natives, mp_wasm_wasi_path_natives_len, name);
}
