// wasm.Module: a loaded (validated, not yet instantiated) .wasm or AOT file.

#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "extmod/vfs.h"
#include "modwasm.h"

#define LOAD_ERROR_PREFIX "WASM module load failed: "
#define AOT_ERROR_PREFIX "AOT module load failed: "

static mp_obj_wasm_module_t *module_open(mp_obj_t self_in) {
    mp_obj_wasm_module_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->ref == NULL) {
        mp_raise_ValueError(MP_ERROR_TEXT("wasm module is closed"));
    }
    return self;
}

mp_wasm_module_ref_t *mp_wasm_module_ref_get(mp_obj_t module_in) {
    if (!mp_obj_is_type(module_in, &mp_type_wasm_module)) {
        mp_raise_TypeError(MP_ERROR_TEXT("expected a wasm.Module"));
    }
    mp_wasm_module_ref_t *ref = module_open(module_in)->ref;
    ref->refs++;
    return ref;
}

void mp_wasm_module_ref_release(mp_wasm_module_ref_t *ref) {
    if (--ref->refs > 0) {
        return;
    }
    wasm_runtime_unload(ref->module);
    if (ref->binary != NULL) {
        wasm_runtime_free(ref->binary);
    }
    wasm_runtime_free(ref);
}

// WAMR's loader messages carry a generic prefix; keep the informative part.
static const char *strip_prefix(const char *msg) {
    if (strncmp(msg, LOAD_ERROR_PREFIX, strlen(LOAD_ERROR_PREFIX)) == 0) {
        return msg + strlen(LOAD_ERROR_PREFIX);
    }
    if (strncmp(msg, AOT_ERROR_PREFIX, strlen(AOT_ERROR_PREFIX)) == 0) {
        return msg + strlen(AOT_ERROR_PREFIX);
    }
    return msg;
}

// Loads `len` bytes that are already in the WAMR pool; takes ownership of them.
static mp_obj_t module_load_pool_buffer(uint8_t *binary, uint32_t len) {
    package_type_t type = wasm_runtime_get_file_package_type(binary, len);
    bool is_aot = type == Wasm_Module_AoT;
    LoadArgs load_args;
    memset(&load_args, 0, sizeof(load_args));
    load_args.name = "";
    // The fast interpreter and the AOT loader copy what they need, so the
    // binary can go right away; the classic interpreter runs from it.
    load_args.wasm_binary_freeable = is_aot || WASM_ENABLE_FAST_INTERP;

    char error_buf[128];
    error_buf[0] = '\0';
    wasm_module_t module = NULL;
    if (is_aot && len >= 8) {
        // Name both versions: a mismatch means the file needs recompiling.
        uint32_t file_version = wasm_runtime_get_file_package_version(binary, len);
        uint32_t runtime_version = wasm_runtime_get_current_package_version(Wasm_Module_AoT);
        if (file_version != runtime_version) {
            wasm_runtime_free(binary);
            mp_wasm_raise_fmt(&mp_type_wasm_load_error,
                "AOT file version %u does not match this firmware's AOT version %u",
                (unsigned)file_version, (unsigned)runtime_version);
        }
    }
    if (type == Wasm_Module_Bytecode || type == Wasm_Module_AoT) {
        module = wasm_runtime_load_ex(binary, len, &load_args, error_buf, sizeof(error_buf));
    } else {
        strcpy(error_buf, len < 4 ? "file too short to be a wasm module"
            : "not a wasm or AOT module (bad magic number)");
    }
    if (module == NULL) {
        wasm_runtime_free(binary);
        if (strstr(error_buf, "allocate memory failed") != NULL) {
            mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted while loading module"));
        }
        mp_wasm_raise(&mp_type_wasm_load_error, strip_prefix(error_buf));
    }
    mp_wasm_module_ref_t *ref = mp_wasm_pool_malloc(sizeof(*ref));
    if (ref == NULL) {
        wasm_runtime_unload(module);
        wasm_runtime_free(binary);
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted"));
    }
    ref->module = module;
    ref->binary_len = len;
    ref->refs = 1;
    ref->is_aot = is_aot;
    if (load_args.wasm_binary_freeable) {
        wasm_runtime_free(binary);
        ref->binary = NULL;
    } else {
        ref->binary = binary;
    }
    mp_obj_wasm_module_t *self = mp_obj_malloc_with_finaliser(mp_obj_wasm_module_t, &mp_type_wasm_module);
    self->ref = ref;
    return MP_OBJ_FROM_PTR(self);
}

static uint8_t *pool_alloc_binary(size_t len) {
    if (len == 0) {
        mp_wasm_raise(&mp_type_wasm_load_error, "empty module");
    }
    if (len > UINT32_MAX) {
        mp_wasm_raise(&mp_type_wasm_load_error, "module too large");
    }
    mp_wasm_runtime_ensure();
    uint8_t *binary = mp_wasm_pool_malloc(len);
    if (binary == NULL) {
        mp_raise_msg_varg(&mp_type_MemoryError,
            MP_ERROR_TEXT("WAMR pool cannot hold a %u byte module"), (unsigned)len);
    }
    return binary;
}

mp_obj_t mp_wasm_module_from_buffer(mp_obj_t data_in) {
    mp_buffer_info_t bufinfo;
    if (!mp_get_buffer(data_in, &bufinfo, MP_BUFFER_READ)) {
        mp_raise_TypeError(MP_ERROR_TEXT("wasm.Module() expects bytes, bytearray or memoryview"));
    }
    // WAMR rewrites the buffer while loading; the caller's data stays untouched.
    uint8_t *binary = pool_alloc_binary(bufinfo.len);
    memcpy(binary, bufinfo.buf, bufinfo.len);
    return module_load_pool_buffer(binary, (uint32_t)bufinfo.len);
}

// Module.load(path): read a file from any mounted VFS straight into the pool.
mp_obj_t mp_wasm_module_load_path(mp_obj_t path_in) {
    mp_obj_t open_args[2] = { path_in, MP_OBJ_NEW_QSTR(MP_QSTR_rb) };
    mp_obj_t file = mp_vfs_open(2, open_args, (mp_map_t *)&mp_const_empty_map);
    uint8_t *binary = NULL;
    size_t len = 0;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        const mp_stream_p_t *stream = mp_get_stream_raise(file, MP_STREAM_OP_READ | MP_STREAM_OP_IOCTL);
        int err;
        struct mp_stream_seek_t seek = { .offset = 0, .whence = MP_SEEK_END };
        if (stream->ioctl(file, MP_STREAM_SEEK, (uintptr_t)&seek, &err) == MP_STREAM_ERROR) {
            mp_raise_OSError(err);
        }
        len = (size_t)seek.offset;
        seek.offset = 0;
        seek.whence = MP_SEEK_SET;
        if (stream->ioctl(file, MP_STREAM_SEEK, (uintptr_t)&seek, &err) == MP_STREAM_ERROR) {
            mp_raise_OSError(err);
        }
        binary = pool_alloc_binary(len);
        size_t got = mp_stream_rw(file, binary, len, &err, MP_STREAM_RW_READ);
        if (got != len) {
            mp_raise_OSError(err ? err : MP_EIO);
        }
        nlr_pop();
    } else {
        if (binary != NULL) {
            wasm_runtime_free(binary);
        }
        mp_stream_close(file);
        nlr_jump(nlr.ret_val);
    }
    mp_stream_close(file);
    return module_load_pool_buffer(binary, (uint32_t)len);
}

static mp_obj_t wasm_module_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 1, 1, false);
    return mp_wasm_module_from_buffer(args[0]);
}

static mp_obj_t wasm_module_load(mp_obj_t path_in) {
    return mp_wasm_module_load_path(path_in);
}
static MP_DEFINE_CONST_FUN_OBJ_1(wasm_module_load_fun_obj, wasm_module_load);
static MP_DEFINE_CONST_STATICMETHOD_OBJ(wasm_module_load_obj, MP_ROM_PTR(&wasm_module_load_fun_obj));

// imports() -> [(module, name, kind), ...]
static mp_obj_t wasm_module_imports(mp_obj_t self_in) {
    wasm_module_t module = module_open(self_in)->ref->module;
    int32_t n = wasm_runtime_get_import_count(module);
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (int32_t i = 0; i < n; i++) {
        wasm_import_t imp;
        wasm_runtime_get_import_type(module, i, &imp);
        mp_obj_t items[3] = {
            mp_obj_new_str(imp.module_name, strlen(imp.module_name)),
            mp_obj_new_str(imp.name, strlen(imp.name)),
            mp_wasm_kind_str(imp.kind, imp.u.func_type),
        };
        mp_obj_list_append(list, mp_obj_new_tuple(3, items));
    }
    return list;
}
static MP_DEFINE_CONST_FUN_OBJ_1(wasm_module_imports_obj, wasm_module_imports);

// exports() -> [(name, kind), ...]
static mp_obj_t wasm_module_exports(mp_obj_t self_in) {
    wasm_module_t module = module_open(self_in)->ref->module;
    int32_t n = wasm_runtime_get_export_count(module);
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (int32_t i = 0; i < n; i++) {
        wasm_export_t exp;
        wasm_runtime_get_export_type(module, i, &exp);
        mp_obj_t items[2] = {
            mp_obj_new_str(exp.name, strlen(exp.name)),
            mp_wasm_kind_str(exp.kind, exp.u.func_type),
        };
        mp_obj_list_append(list, mp_obj_new_tuple(2, items));
    }
    return list;
}
static MP_DEFINE_CONST_FUN_OBJ_1(wasm_module_exports_obj, wasm_module_exports);

static mp_obj_t wasm_module_close(mp_obj_t self_in) {
    mp_obj_wasm_module_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->ref != NULL) {
        mp_wasm_module_ref_t *ref = self->ref;
        self->ref = NULL;
        if (mp_wasm_runtime_active()) {
            mp_wasm_module_ref_release(ref);
        }
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(wasm_module_close_obj, wasm_module_close);

static mp_obj_t wasm_module___exit__(size_t n_args, const mp_obj_t *args) {
    (void)n_args;
    return wasm_module_close(args[0]);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(wasm_module___exit___obj, 4, 4, wasm_module___exit__);

static void wasm_module_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] == MP_OBJ_NULL) {
        mp_obj_wasm_module_t *self = MP_OBJ_TO_PTR(self_in);
        if (attr == MP_QSTR_is_aot) {
            dest[0] = mp_obj_new_bool(module_open(self_in)->ref->is_aot);
            return;
        }
        if (attr == MP_QSTR_closed) {
            dest[0] = mp_obj_new_bool(self->ref == NULL);
            return;
        }
    }
    dest[1] = MP_OBJ_SENTINEL;
}

static void wasm_module_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    mp_obj_wasm_module_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->ref == NULL) {
        mp_printf(print, "<wasm.Module closed>");
    } else {
        mp_printf(print, "<wasm.Module %s, %u bytes>", self->ref->is_aot ? "aot" : "wasm",
            (unsigned)self->ref->binary_len);
    }
}

static const mp_rom_map_elem_t wasm_module_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_load), MP_ROM_PTR(&wasm_module_load_obj) },
    { MP_ROM_QSTR(MP_QSTR_imports), MP_ROM_PTR(&wasm_module_imports_obj) },
    { MP_ROM_QSTR(MP_QSTR_exports), MP_ROM_PTR(&wasm_module_exports_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&wasm_module_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&wasm_module_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&wasm_module___exit___obj) },
};
static MP_DEFINE_CONST_DICT(wasm_module_locals, wasm_module_locals_table);

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_module, MP_QSTR_Module, MP_TYPE_FLAG_NONE,
    make_new, wasm_module_make_new,
    print, wasm_module_print,
    attr, wasm_module_attr,
    locals_dict, &wasm_module_locals
    );
