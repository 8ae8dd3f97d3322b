// wasm.Module: a loaded (validated, not yet instantiated) .wasm or AOT file.

#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "extmod/vfs.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "modwasm.h"
#include "wasm_aot_check.h"

#define LOAD_ERROR_PREFIX "WASM module load failed: "
#define AOT_ERROR_PREFIX "AOT module load failed: "
#define INSTANTIATE_ERROR_PREFIX "WASM module instantiate failed: "
#define AOT_INSTANTIATE_ERROR_PREFIX "AOT module instantiate failed: "

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
    mp_wasm_host_imports_free(ref);
    if (ref->binary != NULL) {
        wasm_runtime_free(ref->binary);
    }
    wasm_runtime_free(ref);
}

// WAMR's loader messages carry a generic prefix, which also differs between
// interpreted and AOT modules; keep the informative part.
const char *mp_wasm_strip_wamr_prefix(const char *msg) {
    if (strncmp(msg, LOAD_ERROR_PREFIX, strlen(LOAD_ERROR_PREFIX)) == 0) {
        return msg + strlen(LOAD_ERROR_PREFIX);
    }
    if (strncmp(msg, AOT_ERROR_PREFIX, strlen(AOT_ERROR_PREFIX)) == 0) {
        return msg + strlen(AOT_ERROR_PREFIX);
    }
    if (strncmp(msg, INSTANTIATE_ERROR_PREFIX, strlen(INSTANTIATE_ERROR_PREFIX)) == 0) {
        return msg + strlen(INSTANTIATE_ERROR_PREFIX);
    }
    if (strncmp(msg, AOT_INSTANTIATE_ERROR_PREFIX, strlen(AOT_INSTANTIATE_ERROR_PREFIX)) == 0) {
        return msg + strlen(AOT_INSTANTIATE_ERROR_PREFIX);
    }
    return msg;
}

// The hint after WAMR's message for a module using SIMD, which the firmware
// leaves out (WASM_ENABLE_SIMD=0): its loader then names only the symptom.
#define SIMD_HINT "SIMD (v128) is not supported by this firmware; build the guest without -msimd128"

// WAMR's target checks say "invalid target ..."; say what that means. A
// v128 value type or a 0xfd-prefixed (SIMD) opcode gets a hint too.
static NORETURN void raise_load_error(const char *error_buf, bool is_aot) {
    const char *msg = mp_wasm_strip_wamr_prefix(error_buf);
    if (is_aot && strstr(msg, "invalid target") != NULL) {
        mp_wasm_raise_fmt(&mp_type_wasm_load_error,
            MP_ERROR_TEXT("AOT file built for another target (%s); compile it with --target for this firmware"), msg);
    }
    if (strcmp(msg, "unknown value type") == 0) {
        mp_wasm_raise(&mp_type_wasm_load_error,
            "unknown value type (i32, i64, f32, f64, funcref and externref are known; " SIMD_HINT ")");
    }
    if (strcmp(msg, "unsupported opcode fd") == 0) {
        mp_wasm_raise(&mp_type_wasm_load_error, "unsupported opcode fd: " SIMD_HINT);
    }
    mp_wasm_raise(&mp_type_wasm_load_error, msg);
}

// Where a module's bytes come from. Loading may be attempted twice (after a
// garbage collection), and WAMR may rewrite the copy it loads from, so the
// source must be able to fill a fresh copy each time.
typedef struct _module_source_t {
    const uint8_t *data;   // in-memory source, or NULL for a file
    mp_obj_t file;         // open binary stream otherwise
    size_t len;
} module_source_t;

static void source_fill(module_source_t *src, uint8_t *dst) {
    if (src->data != NULL) {
        memcpy(dst, src->data, src->len);
        return;
    }
    int err;
    if (mp_stream_seek(src->file, 0, MP_SEEK_SET, &err) == (mp_off_t)-1) {
        mp_raise_OSError(err);
    }
    size_t got = mp_stream_rw(src->file, dst, src->len, &err, MP_STREAM_RW_READ);
    if (got != src->len) {
        mp_raise_OSError(err ? err : MP_EIO);
    }
}

// The Python object comes first, empty: if the GC heap is full, nothing has
// been taken from the WAMR pool yet; once it exists nothing else can fail.
static mp_obj_wasm_module_t *module_new(void) {
    mp_obj_wasm_module_t *self = mp_obj_malloc_with_finaliser(mp_obj_wasm_module_t, &mp_type_wasm_module);
    self->ref = NULL;
    return self;
}

// One load attempt. Returns NULL only when the pool ran out (for the copy
// of the binary or inside WAMR, nothing left allocated); every other failure
// raises.
static mp_wasm_module_ref_t *try_load(module_source_t *src, char *error_buf, size_t error_len) {
    uint32_t len = (uint32_t)src->len;
    // The fast interpreter copies what it needs out of a .wasm binary and
    // never writes to it: one in memory is loaded where it is, so a load
    // needs no pool for a copy of it (only for the precompiled code).
    bool in_place = WASM_ENABLE_FAST_INTERP && src->data != NULL
        && wasm_runtime_get_file_package_type(src->data, len) == Wasm_Module_Bytecode;
    // No collection here when the copy does not fit: module_load() collects
    // once and tries again (a second collection would find nothing new).
    uint8_t *binary = in_place ? (uint8_t *)src->data : wasm_runtime_malloc((unsigned int)src->len);
    if (binary == NULL) {
        return NULL;
    }
    if (!in_place) {
        nlr_buf_t nlr;
        if (nlr_push(&nlr) == 0) {
            source_fill(src, binary);
            nlr_pop();
        } else {
            wasm_runtime_free(binary);
            nlr_jump(nlr.ret_val);
        }
    }
    package_type_t type = wasm_runtime_get_file_package_type(binary, len);
    bool is_aot = type == Wasm_Module_AoT;
    if (is_aot && len >= 8) {
        // Name both versions: a mismatch means the file needs recompiling.
        uint32_t file_version = wasm_runtime_get_file_package_version(binary, len);
        uint32_t runtime_version = wasm_runtime_get_current_package_version(Wasm_Module_AoT);
        if (file_version != runtime_version) {
            wasm_runtime_free(binary); // never in place: AOT
            mp_wasm_raise_fmt(&mp_type_wasm_load_error,
                MP_ERROR_TEXT("AOT file version %u does not match this firmware's AOT version %u"),
                (unsigned)file_version, (unsigned)runtime_version);
        }
    }
    if (type != Wasm_Module_Bytecode && type != Wasm_Module_AoT) {
        wasm_runtime_free(binary); // never in place: not bytecode
        mp_wasm_raise(&mp_type_wasm_load_error, len < 4 ? "file too short to be a wasm module"
            : "not a wasm or AOT module (bad magic number)");
    }
    // WAMR's AOT loader trusts the file: check it first.
    const uint8_t *aot_imports = NULL;
    char refused[128];
    if (is_aot && !mp_wasm_aot_check(binary, len, false, &aot_imports, refused, sizeof(refused))) {
        wasm_runtime_free(binary);
        mp_wasm_raise(&mp_type_wasm_load_error, refused);
    }

    LoadArgs load_args;
    memset(&load_args, 0, sizeof(load_args));
    load_args.name = "";
    // The fast interpreter copies what it needs, so the binary can go right
    // away; the classic interpreter runs from it. WAMR 2.4.3's AOT loader
    // points data segments into the binary (it learns the binary is freeable
    // only after loading, then frees those interior pointers at unload), so
    // AOT binaries stay alive with the module.
    load_args.wasm_binary_freeable = !is_aot && WASM_ENABLE_FAST_INTERP;
    error_buf[0] = '\0';
    wasm_module_t module = wasm_runtime_load_ex(binary, len, &load_args, error_buf, error_len);
    mp_wasm_module_ref_t *ref = module ? wasm_runtime_malloc(sizeof(*ref)) : NULL;
    if (ref == NULL) {
        if (module != NULL) {
            wasm_runtime_unload(module);
            strcpy(error_buf, "allocate memory failed");
        }
        if (!in_place) {
            wasm_runtime_free(binary);
        }
        if (strstr(error_buf, "allocate memory failed") != NULL) {
            return NULL;
        }
        raise_load_error(error_buf, is_aot);
    }
    ref->module = module;
    ref->binary_len = len;
    ref->refs = 1;
    ref->is_aot = is_aot;
    mp_wasm_imports_init(ref, aot_imports);
    ref->host_links = NULL;
    if (load_args.wasm_binary_freeable) {
        if (!in_place) {
            wasm_runtime_free(binary);
        }
        ref->binary = NULL;
    } else {
        ref->binary = binary;
    }
    return ref;
}

static mp_obj_t module_load(module_source_t *src) {
    if (src->len == 0) {
        mp_raise_msg(&mp_type_wasm_load_error, MP_ERROR_TEXT("empty module"));
    }
    if (src->len > UINT32_MAX) {
        mp_raise_msg(&mp_type_wasm_load_error, MP_ERROR_TEXT("module too large"));
    }
    mp_wasm_runtime_ensure();
    mp_obj_wasm_module_t *self = module_new();
    char error_buf[128];
    mp_wasm_module_ref_t *ref = try_load(src, error_buf, sizeof(error_buf));
    if (ref == NULL) {
        // Unreachable instances may hold the pool: collect, then try again.
        gc_collect();
        ref = try_load(src, error_buf, sizeof(error_buf));
    }
    if (ref == NULL) {
        size_t total, free_bytes, largest_free;
        mp_wasm_pool_info(&total, &free_bytes, &largest_free);
        // A corrupt count field makes WAMR ask for huge tables, so running
        // out of pool here usually means a malformed module.
        mp_wasm_raise_fmt(&mp_type_wasm_load_error,
            MP_ERROR_TEXT("out of WAMR pool memory while loading a %u byte module (largest free block %u of %u bytes): the module is malformed or too large for the pool"),
            (unsigned)src->len, (unsigned)largest_free, (unsigned)total);
    }
    self->ref = ref;
    return MP_OBJ_FROM_PTR(self);
}

mp_obj_t mp_wasm_module_from_buffer(mp_obj_t data_in) {
    mp_buffer_info_t bufinfo;
    if (mp_obj_is_str(data_in) || !mp_get_buffer(data_in, &bufinfo, MP_BUFFER_READ)) {
        mp_raise_TypeError(MP_ERROR_TEXT("wasm.Module() expects bytes, bytearray or memoryview"));
    }
    // WAMR rewrites the buffer while loading; the caller's data stays untouched.
    module_source_t src = { .data = bufinfo.buf, .file = MP_OBJ_NULL, .len = bufinfo.len };
    return module_load(&src);
}

// Module.load(path): read a file from any mounted VFS straight into the pool.
mp_obj_t mp_wasm_module_load_path(mp_obj_t path_in) {
    if (!mp_obj_is_str(path_in)) {
        mp_raise_TypeError(MP_ERROR_TEXT("path must be a str"));
    }
    mp_obj_t open_args[2] = { path_in, MP_OBJ_NEW_QSTR(MP_QSTR_rb) };
    mp_obj_t file = mp_vfs_open(2, open_args, (mp_map_t *)&mp_const_empty_map);
    mp_obj_t module = mp_const_none;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        // Reading first makes a directory fail with the OS's own error.
        int err;
        uint8_t probe[1];
        if (mp_stream_rw(file, probe, sizeof(probe), &err, MP_STREAM_RW_READ) == 0 && err != 0) {
            mp_raise_OSError(err);
        }
        mp_off_t size = mp_stream_seek(file, 0, MP_SEEK_END, &err);
        if (size == (mp_off_t)-1) {
            mp_raise_OSError(err);
        }
        module_source_t src = { .data = NULL, .file = file, .len = (size_t)size };
        module = module_load(&src);
        nlr_pop();
    } else {
        mp_stream_close(file);
        nlr_jump(nlr.ret_val);
    }
    mp_stream_close(file);
    return module;
}

// A module whose AOT code stays where it is (XIP): `blob` must outlive it.
// The file was checked (mp_wasm_aot_check); `imports` is its imports section.
mp_obj_t mp_wasm_module_from_xip(const uint8_t *blob, size_t len, const uint8_t *imports) {
    mp_wasm_runtime_ensure();
    mp_obj_wasm_module_t *self = module_new();
    LoadArgs load_args;
    memset(&load_args, 0, sizeof(load_args));
    load_args.name = "";
    char error_buf[128];
    error_buf[0] = '\0';
    // WAMR takes a non-const buffer; XIP loading only reads it.
    wasm_module_t module = wasm_runtime_load_ex((uint8_t *)blob, (uint32_t)len, &load_args,
        error_buf, sizeof(error_buf));
    if (module == NULL && strstr(error_buf, "allocate memory failed") != NULL) {
        // Unreachable instances may hold the pool: collect, then try again.
        gc_collect();
        module = wasm_runtime_load_ex((uint8_t *)blob, (uint32_t)len, &load_args, error_buf, sizeof(error_buf));
    }
    if (module == NULL) {
        raise_load_error(error_buf, true);
    }
    mp_wasm_module_ref_t *ref = mp_wasm_pool_malloc(sizeof(*ref));
    if (ref == NULL) {
        wasm_runtime_unload(module);
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted"));
    }
    ref->module = module;
    ref->binary = NULL;
    ref->binary_len = (uint32_t)len;
    ref->refs = 1;
    ref->is_aot = true;
    mp_wasm_imports_init(ref, imports);
    ref->host_links = NULL;
    self->ref = ref;
    return MP_OBJ_FROM_PTR(self);
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
    mp_wasm_module_ref_t *ref = module_open(self_in)->ref;
    int32_t n = mp_wasm_import_count(ref);
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (int32_t i = 0; i < n; i++) {
        wasm_import_t imp;
        mp_wasm_import_get(ref, i, &imp);
        mp_obj_t items[3] = {
            mp_wasm_name_to_str(imp.module_name),
            mp_wasm_name_to_str(imp.name),
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
            mp_wasm_name_to_str(exp.name),
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
    { MP_ROM_QSTR(MP_QSTR_xip), MP_ROM_PTR(&mp_wasm_module_xip_obj) },
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
