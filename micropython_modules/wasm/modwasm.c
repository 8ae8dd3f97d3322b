// The `wasm` module: WebAssembly guests on MicroPython, built on WAMR.

#include <stdio.h>
#include <string.h>

#include "py/runtime.h"
#include "py/unicode.h"
#include "py/objexcept.h"
#include "py/objstr.h"
#include "modwasm.h"

#if MICROPY_ROM_TEXT_COMPRESSION && !defined(NO_QSTR)
// MP_MAX_UNCOMPRESSED_TEXT_LEN, as py/objexcept.c gets it.
#define MP_MATCH_COMPRESSED(...)
#define MP_COMPRESSED_DATA(...)
#include "genhdr/compressed.data.h"
#undef MP_MATCH_COMPRESSED
#undef MP_COMPRESSED_DATA
#endif

// --- Exceptions -------------------------------------------------------------

static void wasm_exit_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] == MP_OBJ_NULL && attr == MP_QSTR_code) {
        mp_obj_exception_t *self = MP_OBJ_TO_PTR(self_in);
        dest[0] = self->args->len > 0 ? self->args->items[0] : MP_OBJ_NEW_SMALL_INT(0);
        return;
    }
    mp_obj_exception_attr(self_in, attr, dest);
}

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_error, MP_QSTR_Error, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, mp_obj_exception_attr,
    parent, &mp_type_Exception
    );

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_load_error, MP_QSTR_LoadError, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, mp_obj_exception_attr,
    parent, &mp_type_wasm_error
    );

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_link_error, MP_QSTR_LinkError, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, mp_obj_exception_attr,
    parent, &mp_type_wasm_error
    );

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_trap, MP_QSTR_Trap, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, mp_obj_exception_attr,
    parent, &mp_type_wasm_error
    );

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_exit, MP_QSTR_Exit, MP_TYPE_FLAG_NONE,
    make_new, mp_obj_exception_make_new,
    print, mp_obj_exception_print,
    attr, wasm_exit_attr,
    parent, &mp_type_wasm_error
    );

// Messages can quote a malformed file (WAMR names the symbol it could not
// resolve): bytes that are not UTF-8 become '?', or making the str would
// raise UnicodeError instead of the intended exception.
NORETURN void mp_wasm_raise(const mp_obj_type_t *type, const char *msg) {
    size_t len = strlen(msg);
    vstr_t vstr;
    vstr_init(&vstr, len);
    #if MICROPY_PY_BUILTINS_STR_UNICODE_CHECK
    if (!utf8_check((const byte *)msg, len)) {
        for (size_t i = 0; i < len; i++) {
            vstr_add_byte(&vstr, (msg[i] & 0x80) ? '?' : msg[i]);
        }
    } else
    #endif
    {
        vstr_add_strn(&vstr, msg, len);
    }
    mp_obj_t arg = mp_obj_new_str_from_vstr(&vstr);
    nlr_raise(mp_obj_new_exception_args(type, 1, &arg));
}

// The format is an MP_ERROR_TEXT: compressed in flash where the port
// compresses error texts.
static void format_rom(char *out, size_t size, mp_rom_error_text_t fmt, va_list ap) {
    const char *text = (const char *)fmt;
    #if MICROPY_ROM_TEXT_COMPRESSION
    byte decompressed[MP_MAX_UNCOMPRESSED_TEXT_LEN + 1];
    if (MP_IS_COMPRESSED_ROM_STRING(fmt)) {
        mp_decompress_rom_string(decompressed, fmt);
        text = (const char *)decompressed;
    }
    #endif
    vsnprintf(out, size, text, ap);
}

void mp_wasm_format_rom(char *out, size_t size, mp_rom_error_text_t fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    format_rom(out, size, fmt, ap);
    va_end(ap);
}

NORETURN void mp_wasm_raise_fmt(const mp_obj_type_t *type, mp_rom_error_text_t fmt, ...) {
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    format_rom(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    mp_wasm_raise(type, buf);
}

// --- Module-level functions ----------------------------------------------------

// version() -> "WAMR 2.4.3 (interp=fast, aot, bulk-memory, ref-types, multi-value, wasi-preview1, pool=256K)"
static mp_obj_t mod_wasm_version(void) {
    uint32_t major, minor, patch;
    wasm_runtime_get_version(&major, &minor, &patch);
    char buf[160];
    snprintf(buf, sizeof(buf),
        "WAMR %u.%u.%u (interp=%s, aot, bulk-memory, ref-types, multi-value, wasi-preview1, pool=%uK)",
        (unsigned)major, (unsigned)minor, (unsigned)patch, MICROPY_WASM_INTERP_NAME,
        (unsigned)(MICROPY_WASM_POOL_SIZE / 1024));
    return mp_obj_new_str(buf, strlen(buf));
}
static MP_DEFINE_CONST_FUN_OBJ_0(mod_wasm_version_obj, mod_wasm_version);

// pool_info() -> (total, free, largest_free): WAMR's private pool, in bytes.
// free and largest_free are measured by allocation, so they show leaks and
// fragmentation exactly.
static mp_obj_t mod_wasm_pool_info(void) {
    size_t total, free_bytes, largest_free;
    mp_wasm_pool_info(&total, &free_bytes, &largest_free);
    mp_obj_t items[3] = {
        mp_obj_new_int_from_uint(total),
        mp_obj_new_int_from_uint(free_bytes),
        mp_obj_new_int_from_uint(largest_free),
    };
    return mp_obj_new_tuple(3, items);
}
static MP_DEFINE_CONST_FUN_OBJ_0(mod_wasm_pool_info_obj, mod_wasm_pool_info);

// run(path_or_bytes, args=(), *, env=None, stdin=None, stdout=None, stderr=None,
//     stack=16384, heap=16384, max_pages=0, fuel=None, timeout_ms=None) -> exit code
static mp_obj_t mod_wasm_run(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_source, ARG_args, ARG_env, ARG_stdin, ARG_stdout, ARG_stderr, ARG_stack, ARG_heap,
           ARG_max_pages, ARG_fuel, ARG_timeout_ms };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_source, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_args, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_env, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_stdin, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_stdout, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_stderr, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_stack, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 16384} },
        { MP_QSTR_heap, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 16384} },
        { MP_QSTR_max_pages, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 0} },
        { MP_QSTR_fuel, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_timeout_ms, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);

    mp_obj_t source = args[ARG_source].u_obj;

    // argv[0] is the program name, as for a command started by a shell.
    size_t n_user = 0;
    mp_obj_t *user_args = NULL;
    if (args[ARG_args].u_obj != mp_const_none) {
        mp_obj_get_array(args[ARG_args].u_obj, &n_user, &user_args);
    }
    mp_obj_tuple_t *argv = MP_OBJ_TO_PTR(mp_obj_new_tuple(n_user + 1, NULL));
    argv->items[0] = mp_obj_is_str(source) ? source : MP_OBJ_NEW_QSTR(MP_QSTR_wasm);
    for (size_t i = 0; i < n_user; i++) {
        argv->items[i + 1] = user_args[i];
    }

    // Validate the WASI configuration before anything is loaded.
    mp_obj_t wasi_args[5] = {
        MP_OBJ_FROM_PTR(argv), args[ARG_env].u_obj, args[ARG_stdin].u_obj,
        args[ARG_stdout].u_obj, args[ARG_stderr].u_obj,
    };
    static const qstr wasi_kw[] = { MP_QSTR_args, MP_QSTR_env, MP_QSTR_stdin, MP_QSTR_stdout, MP_QSTR_stderr };
    mp_obj_t call_args[10];
    size_t n_kw = 0;
    for (size_t i = 0; i < 5; i++) {
        if (wasi_args[i] != mp_const_none) {
            call_args[2 * n_kw] = MP_OBJ_NEW_QSTR(wasi_kw[i]);
            call_args[2 * n_kw + 1] = wasi_args[i];
            n_kw++;
        }
    }
    mp_obj_t wasi = mp_call_function_n_kw(MP_OBJ_FROM_PTR(&mp_type_wasm_wasi), 0, n_kw, call_args);

    mp_obj_t module = mp_obj_is_str(source)
        ? mp_wasm_module_load_path(source)
        : mp_wasm_module_from_buffer(source);

    // Assigned after nlr_push, read after a jump: must be volatile.
    mp_obj_t volatile inst = MP_OBJ_NULL;
    mp_obj_t code = mp_const_none;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        const mp_wasm_limits_t limits = {
            .max_pages = args[ARG_max_pages].u_int,
            .fuel = args[ARG_fuel].u_obj,
            .timeout_ms = args[ARG_timeout_ms].u_obj,
        };
        inst = mp_wasm_instance_new(module, mp_const_none, wasi,
            args[ARG_stack].u_int, args[ARG_heap].u_int, &limits);
        code = mp_wasm_instance_run(inst);
        nlr_pop();
    }
    // Release WAMR memory now rather than at the next GC.
    if (inst != MP_OBJ_NULL) {
        mp_wasm_instance_close(inst);
    }
    mp_call_function_0(mp_load_attr(module, MP_QSTR_close));
    if (code == mp_const_none) {
        nlr_jump(nlr.ret_val);
    }
    return code;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(mod_wasm_run_obj, 1, mod_wasm_run);

static const mp_rom_map_elem_t wasm_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_wasm) },
    { MP_ROM_QSTR(MP_QSTR_version), MP_ROM_PTR(&mod_wasm_version_obj) },
    { MP_ROM_QSTR(MP_QSTR_pool_info), MP_ROM_PTR(&mod_wasm_pool_info_obj) },
    { MP_ROM_QSTR(MP_QSTR_run), MP_ROM_PTR(&mod_wasm_run_obj) },
    { MP_ROM_QSTR(MP_QSTR_apps), MP_ROM_PTR(&mp_wasm_apps_obj) },
    { MP_ROM_QSTR(MP_QSTR_Module), MP_ROM_PTR(&mp_type_wasm_module) },
    { MP_ROM_QSTR(MP_QSTR_Instance), MP_ROM_PTR(&mp_type_wasm_instance) },
    { MP_ROM_QSTR(MP_QSTR_Memory), MP_ROM_PTR(&mp_type_wasm_memory) },
    { MP_ROM_QSTR(MP_QSTR_Global), MP_ROM_PTR(&mp_type_wasm_global) },
    { MP_ROM_QSTR(MP_QSTR_Table), MP_ROM_PTR(&mp_type_wasm_table) },
    { MP_ROM_QSTR(MP_QSTR_Function), MP_ROM_PTR(&mp_type_wasm_function) },
    { MP_ROM_QSTR(MP_QSTR_WASI), MP_ROM_PTR(&mp_type_wasm_wasi) },
    { MP_ROM_QSTR(MP_QSTR_Error), MP_ROM_PTR(&mp_type_wasm_error) },
    { MP_ROM_QSTR(MP_QSTR_LoadError), MP_ROM_PTR(&mp_type_wasm_load_error) },
    { MP_ROM_QSTR(MP_QSTR_LinkError), MP_ROM_PTR(&mp_type_wasm_link_error) },
    { MP_ROM_QSTR(MP_QSTR_Trap), MP_ROM_PTR(&mp_type_wasm_trap) },
    { MP_ROM_QSTR(MP_QSTR_Exit), MP_ROM_PTR(&mp_type_wasm_exit) },
};
static MP_DEFINE_CONST_DICT(wasm_module_globals, wasm_module_globals_table);

const mp_obj_module_t mp_module_wasm = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&wasm_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_wasm, mp_module_wasm);
