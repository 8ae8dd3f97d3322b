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

// --- Helpers shared with wasm_wasi_fd.c and wasm_wasi_path.c ------------------------------------

mp_obj_wasm_instance_t *wasi_instance(wasm_exec_env_t exec_env) {
    return wasm_runtime_get_custom_data(wasm_runtime_get_module_inst(exec_env));
}

void *wasi_guest_ptr(wasm_exec_env_t exec_env, uint32_t offset, uint64_t size) {
    wasm_module_inst_t inst = wasm_runtime_get_module_inst(exec_env);
    // Sets an "out of bounds memory access" exception when invalid.
    if (!wasm_runtime_validate_app_addr(inst, offset, size)) {
        return NULL;
    }
    return wasm_runtime_addr_app_to_native(inst, offset);
}

static mp_obj_wasm_wasi_t *wasi_config(wasm_exec_env_t exec_env) {
    return wasi_instance(exec_env)->wasi_ctx->config;
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
static int32_t strings_sizes_get(wasm_exec_env_t exec_env, mp_obj_t tuple, uint32_t count_ptr, uint32_t size_ptr) {
    uint32_t *count = wasi_guest_ptr(exec_env, count_ptr, 4);
    uint32_t *size = count ? wasi_guest_ptr(exec_env, size_ptr, 4) : NULL;
    if (size == NULL) {
        return WASI_EFAULT;
    }
    size_t n;
    mp_obj_t *items;
    mp_obj_tuple_get(tuple, &n, &items);
    uint32_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        mp_obj_str_get_data(items[i], &len);
        total += (uint32_t)len + 1;
    }
    *count = (uint32_t)n;
    *size = total;
    return WASI_ESUCCESS;
}

static int32_t strings_get(wasm_exec_env_t exec_env, mp_obj_t tuple, uint32_t ptrs_off, uint32_t buf_off) {
    size_t n;
    mp_obj_t *items;
    mp_obj_tuple_get(tuple, &n, &items);
    uint32_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        mp_obj_str_get_data(items[i], &len);
        total += (uint32_t)len + 1;
    }
    uint32_t *ptrs = wasi_guest_ptr(exec_env, ptrs_off, (uint64_t)n * 4);
    uint8_t *buf = ptrs ? wasi_guest_ptr(exec_env, buf_off, total) : NULL;
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    uint32_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *s = mp_obj_str_get_data(items[i], &len);
        ptrs[i] = buf_off + pos;
        memcpy(buf + pos, s, len);
        buf[pos + len] = 0;
        pos += (uint32_t)len + 1;
    }
    return WASI_ESUCCESS;
}

static int32_t wasi_args_sizes_get(wasm_exec_env_t exec_env, uint32_t argc, uint32_t buf_size) {
    return strings_sizes_get(exec_env, wasi_config(exec_env)->args, argc, buf_size);
}

static int32_t wasi_args_get(wasm_exec_env_t exec_env, uint32_t argv, uint32_t buf) {
    return strings_get(exec_env, wasi_config(exec_env)->args, argv, buf);
}

static int32_t wasi_environ_sizes_get(wasm_exec_env_t exec_env, uint32_t count, uint32_t buf_size) {
    return strings_sizes_get(exec_env, wasi_config(exec_env)->env, count, buf_size);
}

static int32_t wasi_environ_get(wasm_exec_env_t exec_env, uint32_t environ, uint32_t buf) {
    return strings_get(exec_env, wasi_config(exec_env)->env, environ, buf);
}

// --- clocks, random, scheduling, exit -------------------------------------------

static int32_t wasi_clock_res_get(wasm_exec_env_t exec_env, int32_t clock_id, uint32_t res_ptr) {
    if (clock_id < WASI_CLOCK_REALTIME || clock_id > WASI_CLOCK_THREAD_CPUTIME) {
        return WASI_EINVAL;
    }
    uint64_t *res = wasi_guest_ptr(exec_env, res_ptr, 8);
    if (res == NULL) {
        return WASI_EFAULT;
    }
    *res = 1000; // microsecond resolution
    return WASI_ESUCCESS;
}

static int32_t wasi_clock_time_get(wasm_exec_env_t exec_env, int32_t clock_id, int64_t precision, uint32_t time_ptr) {
    (void)precision;
    if (clock_id < WASI_CLOCK_REALTIME || clock_id > WASI_CLOCK_THREAD_CPUTIME) {
        return WASI_EINVAL;
    }
    uint64_t *out = wasi_guest_ptr(exec_env, time_ptr, 8);
    if (out == NULL) {
        return WASI_EFAULT;
    }
    uint64_t now = mp_wasm_port_time_ns(clock_id == WASI_CLOCK_REALTIME);
    memcpy(out, &now, sizeof(now));
    return WASI_ESUCCESS;
}

static int32_t wasi_random_get(wasm_exec_env_t exec_env, uint32_t buf_ptr, uint32_t len) {
    uint8_t *buf = wasi_guest_ptr(exec_env, buf_ptr, len);
    if (buf == NULL) {
        return WASI_EFAULT;
    }
    mp_wasm_port_random(buf, len);
    return WASI_ESUCCESS;
}

// A pending KeyboardInterrupt (Ctrl-C) is delivered whenever the guest
// yields or sleeps.
static bool handle_pending(wasm_exec_env_t exec_env) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_handle_pending(true);
        nlr_pop();
        return true;
    }
    mp_wasm_instance_set_host_exception(wasi_instance(exec_env), MP_OBJ_FROM_PTR(nlr.ret_val));
    return false;
}

static int32_t wasi_sched_yield(wasm_exec_env_t exec_env) {
    handle_pending(exec_env);
    return WASI_ESUCCESS;
}

static void wasi_proc_exit(wasm_exec_env_t exec_env, int32_t code) {
    mp_obj_wasm_instance_t *inst = wasi_instance(exec_env);
    inst->exit_code = code;
    inst->exited = true;
    wasm_runtime_set_exception(inst->inst, MP_WASM_EXC_PROC_EXIT);
}

static int32_t wasi_proc_raise(wasm_exec_env_t exec_env, int32_t sig) {
    (void)exec_env;
    (void)sig;
    return WASI_ENOSYS;
}

// poll_oneoff: clock subscriptions sleep; fd subscriptions report ready.
#define WASI_EVENTTYPE_CLOCK 0
#define WASI_SUBSCRIPTION_SIZE 48
#define WASI_EVENT_SIZE 32
#define WASI_SUBSCRIPTION_CLOCK_ABSTIME 1

static int32_t wasi_poll_oneoff(wasm_exec_env_t exec_env, uint32_t in_ptr, uint32_t out_ptr,
    uint32_t nsubs, uint32_t nevents_ptr) {
    if (nsubs == 0) {
        return WASI_EINVAL;
    }
    uint8_t *in = wasi_guest_ptr(exec_env, in_ptr, (uint64_t)nsubs * WASI_SUBSCRIPTION_SIZE);
    uint8_t *out = in ? wasi_guest_ptr(exec_env, out_ptr, (uint64_t)nsubs * WASI_EVENT_SIZE) : NULL;
    uint32_t *nevents = out ? wasi_guest_ptr(exec_env, nevents_ptr, 4) : NULL;
    if (nevents == NULL) {
        return WASI_EFAULT;
    }
    // Shortest clock timeout among the subscriptions; fds are always ready.
    uint64_t sleep_ns = UINT64_MAX;
    bool any_fd = false;
    for (uint32_t i = 0; i < nsubs; i++) {
        const uint8_t *sub = in + i * WASI_SUBSCRIPTION_SIZE;
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
            if (timeout < sleep_ns) {
                sleep_ns = timeout;
            }
        } else {
            any_fd = true;
        }
    }
    if (!any_fd && sleep_ns != UINT64_MAX) {
        // Sleep in slices so that Ctrl-C stays responsive.
        uint64_t deadline = mp_wasm_port_time_ns(false) + sleep_ns;
        for (;;) {
            if (!handle_pending(exec_env)) {
                return WASI_ESUCCESS;
            }
            uint64_t now = mp_wasm_port_time_ns(false);
            if (now >= deadline) {
                break;
            }
            uint64_t slice = deadline - now;
            mp_wasm_port_sleep_ns(slice > 10000000 ? 10000000 : slice);
        }
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < nsubs; i++) {
        const uint8_t *sub = in + i * WASI_SUBSCRIPTION_SIZE;
        bool is_clock = sub[8] == WASI_EVENTTYPE_CLOCK;
        if (is_clock && any_fd) {
            continue;
        }
        uint8_t *ev = out + n * WASI_EVENT_SIZE;
        memset(ev, 0, WASI_EVENT_SIZE);
        memcpy(ev, sub, 8);  // userdata
        ev[10] = sub[8];     // type
        n++;
    }
    *nevents = n;
    return WASI_ESUCCESS;
}

// Sockets are not offered to guests.
static int32_t wasi_sock_accept(wasm_exec_env_t exec_env, int32_t fd, int32_t flags, uint32_t fd_out) {
    (void)exec_env;
    (void)fd;
    (void)flags;
    (void)fd_out;
    return WASI_ENOSYS;
}

static int32_t wasi_sock_recv(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs, uint32_t iovs_len,
    int32_t flags, uint32_t len_out, uint32_t flags_out) {
    (void)exec_env;
    (void)fd;
    (void)iovs;
    (void)iovs_len;
    (void)flags;
    (void)len_out;
    (void)flags_out;
    return WASI_ENOSYS;
}

static int32_t wasi_sock_send(wasm_exec_env_t exec_env, int32_t fd, uint32_t iovs, uint32_t iovs_len,
    int32_t flags, uint32_t len_out) {
    (void)exec_env;
    (void)fd;
    (void)iovs;
    (void)iovs_len;
    (void)flags;
    (void)len_out;
    return WASI_ENOSYS;
}

static int32_t wasi_sock_shutdown(wasm_exec_env_t exec_env, int32_t fd, int32_t how) {
    (void)exec_env;
    (void)fd;
    (void)how;
    return WASI_ENOSYS;
}

#define NATIVE(name, sig) { #name, (void *)wasi_##name, sig, NULL }

// WAMR sorts registered arrays in place: this table must stay writable.
static NativeSymbol wasi_process_natives[] = {
    NATIVE(args_get, "(ii)i"),
    NATIVE(args_sizes_get, "(ii)i"),
    NATIVE(environ_get, "(ii)i"),
    NATIVE(environ_sizes_get, "(ii)i"),
    NATIVE(clock_res_get, "(ii)i"),
    NATIVE(clock_time_get, "(iIi)i"),
    NATIVE(random_get, "(ii)i"),
    NATIVE(sched_yield, "()i"),
    NATIVE(proc_exit, "(i)"),
    NATIVE(proc_raise, "(i)i"),
    NATIVE(poll_oneoff, "(iiii)i"),
    NATIVE(sock_accept, "(iii)i"),
    NATIVE(sock_recv, "(iiiiii)i"),
    NATIVE(sock_send, "(iiiii)i"),
    NATIVE(sock_shutdown, "(ii)i"),
};

bool mp_wasm_wasi_register(void) {
    return wasm_runtime_register_natives(MP_WASM_WASI_MODULE, wasi_process_natives,
        MP_ARRAY_SIZE(wasi_process_natives))
           && wasm_runtime_register_natives(MP_WASM_WASI_MODULE, mp_wasm_wasi_fd_natives,
        (uint32_t)mp_wasm_wasi_fd_natives_len)
           && wasm_runtime_register_natives(MP_WASM_WASI_MODULE, mp_wasm_wasi_path_natives,
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
           || table_has(mp_wasm_wasi_fd_natives, mp_wasm_wasi_fd_natives_len, name)
           || table_has(mp_wasm_wasi_path_natives, mp_wasm_wasi_path_natives_len, name);
}
