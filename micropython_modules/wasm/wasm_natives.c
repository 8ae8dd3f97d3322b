// Native (C) host-function families offered to every guest. Each family is
// one import module name and a NativeSymbol table; to add your own, write the
// functions and add one line to `native_families` below.
//
// Signatures use WAMR's letters; `*~` is a pointer + length pair and `$` a
// NUL-terminated string: WAMR checks that they lie inside the guest's linear
// memory before the function runs, and traps the guest otherwise.

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"

typedef struct _native_family_t {
    const char *module_name;
    NativeSymbol *symbols;
    const size_t *count;
} native_family_t;

static const native_family_t native_families[] = {
    { "mp", mp_wasm_natives_mp, &mp_wasm_natives_mp_len },
    { "wasm_try", mp_wasm_natives_try, &mp_wasm_natives_try_len },
};

bool mp_wasm_natives_register(void) {
    for (size_t i = 0; i < MP_ARRAY_SIZE(native_families); i++) {
        const native_family_t *f = &native_families[i];
        if (!wasm_runtime_register_natives(f->module_name, f->symbols, (uint32_t)*f->count)) {
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
