// A module's imports in declaration order, the same view in every mode.
//
// WAMR's AOT format turns imported tables and memories into private ones
// (WAMR then lists only function and global imports). `scripts aot` records
// the module's imports in a custom section (checked by wasm_aot_check.c), so
// AOT modules list and link their imports exactly as the interpreters do.

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"
#include "wasm_aot_check.h"

static uint32_t le32(const uint8_t *p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

// A string of the section (u16 length with the NUL, 2-byte aligned from the
// section's start); returns the position after it.
static const uint8_t *section_string(const uint8_t *section, const uint8_t *p, const char **str) {
    p = section + ((p - section + 1) & ~1);
    uint32_t n = p[0] | (p[1] << 8);
    *str = n == 0 ? "" : (const char *)p + 2;
    return p + 2 + n;
}

// The entry of a checked imports section (u32 count, then u32 kind and two
// strings per entry, each entry 4-byte aligned) at offset *pos: its kind
// and names; *pos moves past it.
static uint32_t read_entry(const uint8_t *section, uint32_t *pos, const char **module,
    const char **name) {
    const uint8_t *p = section + ((*pos + 3) & ~3u);
    uint32_t kind = le32(p);
    p = section_string(section, p + 4, module);
    p = section_string(section, p, name);
    *pos = (uint32_t)(p - section);
    return kind;
}

static const mp_wasm_import_cursor_t cursor_start = { .index = 0, .pos = 4, .funcs = 0, .globals = 0 };

void mp_wasm_imports_init(mp_wasm_module_ref_t *ref, const uint8_t *aot_imports) {
    ref->aot_imports = aot_imports;
    ref->aot_cursor = cursor_start;
    ref->aot_import_funcs = 0;
    if (aot_imports == NULL) {
        return;
    }
    uint32_t pos = cursor_start.pos;
    const char *module, *name;
    for (uint32_t i = le32(aot_imports); i > 0; i--) {
        ref->aot_import_funcs += read_entry(aot_imports, &pos, &module, &name) == WASM_IMPORT_EXPORT_KIND_FUNC;
    }
}

int32_t mp_wasm_import_count(const mp_wasm_module_ref_t *ref) {
    if (ref->aot_imports != NULL) {
        return (int32_t)le32(ref->aot_imports);
    }
    return wasm_runtime_get_import_count(ref->module);
}

int32_t mp_wasm_import_get(mp_wasm_module_ref_t *ref, int32_t index, wasm_import_t *imp) {
    if (ref->aot_imports == NULL) {
        wasm_runtime_get_import_type(ref->module, index, imp);
        return index;
    }
    // WAMR's AOT import list holds the functions, then the globals; tables
    // and memories were compiled into defined ones and have no entry. An
    // entry's WAMR index is its rank among its kind (plus, for a global,
    // the number of function imports). The cursor walks forward from the
    // last entry asked for: a listing in order reads the section once.
    mp_wasm_import_cursor_t *c = &ref->aot_cursor;
    if ((uint32_t)index < c->index) {
        *c = cursor_start;
    }
    const char *module, *name;
    uint32_t kind;
    for (;;) {
        uint32_t next = c->pos;
        kind = read_entry(ref->aot_imports, &next, &module, &name);
        if (c->index == (uint32_t)index) {
            break;
        }
        c->funcs += kind == WASM_IMPORT_EXPORT_KIND_FUNC;
        c->globals += kind == WASM_IMPORT_EXPORT_KIND_GLOBAL;
        c->index++;
        c->pos = next;
    }
    uint32_t rank = kind == WASM_IMPORT_EXPORT_KIND_FUNC ? c->funcs : ref->aot_import_funcs + c->globals;
    memset(imp, 0, sizeof(*imp));
    bool has_entry = kind == WASM_IMPORT_EXPORT_KIND_FUNC || kind == WASM_IMPORT_EXPORT_KIND_GLOBAL;
    if (has_entry) {
        wasm_runtime_get_import_type(ref->module, (int32_t)rank, imp);
    }
    imp->module_name = module;
    imp->name = name;
    imp->kind = (wasm_import_export_kind_t)kind;
    return has_entry ? (int32_t)rank : -1;
}
