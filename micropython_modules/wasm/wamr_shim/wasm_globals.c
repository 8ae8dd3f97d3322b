// Imported globals linked to wasm.Global objects (wasm_global.c). WAMR links
// imported globals only to its libc-builtin ones; these set the value an
// imported global starts with and find where an instance keeps it. Compiled
// into libwamr because both live in WAMR's internal structures. `index` is
// WAMR's import index (what wasm_runtime_get_import_type takes).

#include <string.h>

#include "wasm_export.h"
#include "wasm_runtime.h"
#if WASM_ENABLE_AOT != 0
#include "aot_runtime.h"
#endif

static void value_from(WASMValue *out, const wasm_val_t *value) {
    memset(out, 0, sizeof(*out));
    switch (value->kind) {
        case WASM_I32:
            out->i32 = value->of.i32;
            break;
        case WASM_I64:
            out->i64 = value->of.i64;
            break;
        case WASM_F32:
            out->f32 = value->of.f32;
            break;
        default:
            out->f64 = value->of.f64;
            break;
    }
}

bool mp_wasm_import_global_set(wasm_module_t module_comm, int32_t index, const wasm_val_t *value) {
    if (index < 0) {
        return false;
    }
    #if WASM_ENABLE_INTERP != 0
    if (module_comm->module_type == Wasm_Module_Bytecode) {
        WASMModule *module = (WASMModule *)module_comm;
        if ((uint32)index >= module->import_count
            || module->imports[index].kind != IMPORT_KIND_GLOBAL) {
            return false;
        }
        WASMGlobalImport *global = &module->imports[index].u.global;
        value_from(&global->global_data_linked, value);
        global->is_linked = true;
        return true;
    }
    #endif
    #if WASM_ENABLE_AOT != 0
    if (module_comm->module_type == Wasm_Module_AoT) {
        AOTModule *module = (AOTModule *)module_comm;
        uint32 i = (uint32)index - module->import_func_count;
        if ((uint32)index < module->import_func_count || i >= module->import_global_count) {
            return false;
        }
        value_from(&module->import_globals[i].global_data_linked, value);
        module->import_globals[i].is_linked = true;
        return true;
    }
    #endif
    return false;
}

void *mp_wasm_import_global_addr(wasm_module_inst_t module_inst, int32_t index) {
    WASMModuleInstance *inst = (WASMModuleInstance *)module_inst;
    if (index < 0) {
        return NULL;
    }
    #if WASM_ENABLE_INTERP != 0
    if (module_inst->module_type == Wasm_Module_Bytecode) {
        WASMModule *module = inst->module;
        if ((uint32)index >= module->import_count
            || module->imports[index].kind != IMPORT_KIND_GLOBAL) {
            return NULL;
        }
        // Instance globals start with the imported ones, in import order.
        uint32 g = (uint32)(&module->imports[index] - module->import_globals);
        return inst->global_data + inst->e->globals[g].data_offset;
    }
    #endif
    #if WASM_ENABLE_AOT != 0
    if (module_inst->module_type == Wasm_Module_AoT) {
        AOTModule *module = (AOTModule *)inst->module;
        uint32 i = (uint32)index - module->import_func_count;
        if ((uint32)index < module->import_func_count || i >= module->import_global_count) {
            return NULL;
        }
        return inst->global_data + module->import_globals[i].data_offset;
    }
    #endif
    return NULL;
}
