// Native (C) host-function families offered to every guest. Each family is
// one import module name and a NativeSymbol table; to add your own, write the
// functions (see wasm_native_call.h: raw arguments, guest memory by offset,
// MP_WASM_NATIVE rows) and add one line to `native_families` below.

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"

typedef struct _native_family_t {
    const char *module_name;
    NativeSymbol *symbols;
    const size_t *count;
    bool leaf; // MP_WASM_LEAF_NATIVE rows, else MP_WASM_NATIVE/MP_WASM_ERRNO_NATIVE
} native_family_t;

// One import module may have a table of each kind.
static const native_family_t native_families[] = {
    { "mp", mp_wasm_natives_mp, &mp_wasm_natives_mp_len, false },
    { "mp", mp_wasm_natives_mp_leaf, &mp_wasm_natives_mp_leaf_len, true },
    { "wasm_try", mp_wasm_natives_try, &mp_wasm_natives_try_len, false },
    #if MICROPY_WASM_LVGL
    { "lvgl", mp_wasm_natives_lvgl, &mp_wasm_natives_lvgl_len, false },
    #endif
};

bool mp_wasm_natives_register(void) {
    for (size_t i = 0; i < MP_ARRAY_SIZE(native_families); i++) {
        const native_family_t *f = &native_families[i];
        uint32_t n = (uint32_t)*f->count;
        if (!(f->leaf ? wasm_runtime_register_natives_leaf(f->module_name, f->symbols, n)
                      : wasm_runtime_register_natives_raw(f->module_name, f->symbols, n))) {
            return false;
        }
    }
    return true;
}

bool mp_wasm_natives_has(const char *module_name, const char *name) {
    for (size_t i = 0; i < MP_ARRAY_SIZE(native_families); i++) {
        const native_family_t *f = &native_families[i];
        if (strcmp(f->module_name, module_name) != 0) {
            continue;
        }
        for (size_t j = 0; j < *f->count; j++) {
            if (strcmp(f->symbols[j].symbol, name) == 0) {
                return true;
            }
        }
    }
    return false;
}
