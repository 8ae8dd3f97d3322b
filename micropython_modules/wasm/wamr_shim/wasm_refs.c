// Reference values inside WAMR (wasm_refs.c): without WAMR's GC a funcref
// is the index of a function in its instance and an externref a 32-bit
// handle the embedder chooses. These map function indices and function
// instances both ways and find the externref handles an instance still
// holds. Compiled into libwamr because all three read WAMR's internal
// structures; every index is checked, as a guest's tables supply them.

#include <string.h>

#include "wasm_export.h"
#include "wasm_runtime.h"
#include "wasm_exec_env.h"
#if WASM_ENABLE_AOT != 0
#include "aot_runtime.h"
#endif

uint32_t mp_wasm_function_index(wasm_module_inst_t module_inst, wasm_function_inst_t func) {
    WASMModuleInstance *inst = (WASMModuleInstance *)module_inst;
    #if WASM_ENABLE_INTERP != 0
    if (module_inst->module_type == Wasm_Module_Bytecode) {
        WASMFunctionInstance *f = (WASMFunctionInstance *)func;
        if (f >= inst->e->functions && f < inst->e->functions + inst->e->function_count) {
            return (uint32_t)(f - inst->e->functions);
        }
        return UINT32_MAX;
    }
    #endif
    #if WASM_ENABLE_AOT != 0
    if (module_inst->module_type == Wasm_Module_AoT) {
        return ((AOTFunctionInstance *)func)->func_index;
    }
    #endif
    (void)inst;
    return UINT32_MAX;
}

wasm_function_inst_t mp_wasm_function_at(wasm_module_inst_t module_inst, uint32_t index) {
    WASMModuleInstance *inst = (WASMModuleInstance *)module_inst;
    #if WASM_ENABLE_INTERP != 0
    if (module_inst->module_type == Wasm_Module_Bytecode) {
        return index < inst->e->function_count ? inst->e->functions + index : NULL;
    }
    #endif
    #if WASM_ENABLE_AOT != 0
    if (module_inst->module_type == Wasm_Module_AoT) {
        AOTModule *module = (AOTModule *)inst->module;
        if (index >= module->import_func_count + module->func_count) {
            return NULL;
        }
        return aot_get_function_instance((AOTModuleInstance *)inst, index);
    }
    #endif
    return NULL;
}

// The type and address of global `i` of the instance (imported ones first).
static uint8 global_at(WASMModuleInstance *inst, uint32 i, uint8 **addr, uint32 *count) {
    #if WASM_ENABLE_INTERP != 0
    if (inst->module_type == Wasm_Module_Bytecode) {
        *count = inst->e->global_count;
        if (i >= *count) {
            return 0;
        }
        *addr = inst->global_data + inst->e->globals[i].data_offset;
        return inst->e->globals[i].type;
    }
    #endif
    #if WASM_ENABLE_AOT != 0
    if (inst->module_type == Wasm_Module_AoT) {
        AOTModule *module = (AOTModule *)inst->module;
        *count = module->import_global_count + module->global_count;
        if (i >= *count) {
            return 0;
        }
        if (i < module->import_global_count) {
            *addr = inst->global_data + module->import_globals[i].data_offset;
            return module->import_globals[i].type.val_type;
        }
        AOTGlobal *g = &module->globals[i - module->import_global_count];
        *addr = inst->global_data + g->data_offset;
        return g->type.val_type;
    }
    #endif
    *count = 0;
    return 0;
}

void mp_wasm_externref_visit(wasm_module_inst_t module_inst, void (*visit)(uint32_t handle, void *ctx),
    void *ctx) {
    WASMModuleInstance *inst = (WASMModuleInstance *)module_inst;
    for (uint32 t = 0; t < inst->table_count; t++) {
        WASMTableInstance *table = inst->tables[t];
        if (table != NULL && table->elem_type == VALUE_TYPE_EXTERNREF) {
            for (uint32 i = 0; i < table->cur_size; i++) {
                if (table->elems[i] != NULL_REF) {
                    visit((uint32_t)table->elems[i], ctx);
                }
            }
        }
    }
    uint32 count = 1;
    for (uint32 i = 0; i < count; i++) {
        uint8 *addr = NULL;
        if (global_at(inst, i, &addr, &count) == VALUE_TYPE_EXTERNREF) {
            uint32 handle;
            memcpy(&handle, addr, sizeof(handle));
            if (handle != NULL_REF) {
                visit(handle, ctx);
            }
        }
    }
}

// wasm_runtime_call_wasm() without its externref conversion: WAMR would
// take pointer-sized host objects and map them to handles through its own
// global table (locked, and allocating from the pool on each new object).
// Here an externref cell is already the handle (wasm_ref_values.c), so the
// cells go to the function as they are, as they do without reference types.
bool mp_wasm_call_cells(wasm_exec_env_t exec_env, wasm_function_inst_t func, uint32_t argc, uint32_t *argv) {
    if (exec_env == NULL || exec_env->module_inst == NULL
        || exec_env->wasm_stack.top_boundary != exec_env->wasm_stack.bottom + exec_env->wasm_stack_size
        || exec_env->wasm_stack.top > exec_env->wasm_stack.top_boundary) {
        return false;
    }
    #if WASM_ENABLE_INTERP != 0
    if (exec_env->module_inst->module_type == Wasm_Module_Bytecode) {
        return wasm_call_function(exec_env, (WASMFunctionInstance *)func, argc, argv);
    }
    #endif
    #if WASM_ENABLE_AOT != 0
    if (exec_env->module_inst->module_type == Wasm_Module_AoT) {
        return aot_call_function(exec_env, (AOTFunctionInstance *)func, argc, argv);
    }
    #endif
    return false;
}

// The index of the table or memory exported as `name`, or -1 (WAMR's own
// memory lookup ignores the name without multi-memory).
static int32_t export_index(wasm_module_inst_t module_inst, const char *name, uint8 kind) {
    WASMModuleInstance *inst = (WASMModuleInstance *)module_inst;
    uint32 n = 0;
    #if WASM_ENABLE_INTERP != 0
    if (module_inst->module_type == Wasm_Module_Bytecode) {
        WASMExport *exports = inst->module->exports;
        for (n = inst->module->export_count; n-- > 0;) {
            if (exports[n].kind == kind && strcmp(exports[n].name, name) == 0) {
                return (int32_t)exports[n].index;
            }
        }
    }
    #endif
    #if WASM_ENABLE_AOT != 0
    if (module_inst->module_type == Wasm_Module_AoT) {
        AOTModule *module = (AOTModule *)inst->module;
        for (n = module->export_count; n-- > 0;) {
            AOTExport *e = &module->exports[n];
            if (e->kind == kind && strcmp(e->name, name) == 0) {
                return (int32_t)e->index;
            }
        }
    }
    #endif
    (void)n;
    (void)inst;
    return -1;
}

bool mp_wasm_export_memory(wasm_module_inst_t module_inst, const char *name) {
    return export_index(module_inst, name, EXPORT_KIND_MEMORY) == 0;
}

// Exported tables (wasm_table_obj.c): the index of the table exported as
// `name`, or -1; then its element kind, size and capacity, and its elements.
// A table's elements never move: WAMR allocates them up to the capacity.
int32_t mp_wasm_export_table(wasm_module_inst_t module_inst, const char *name) {
    int32_t index = export_index(module_inst, name, EXPORT_KIND_TABLE);
    return index >= 0 && (uint32_t)index < ((WASMModuleInstance *)module_inst)->table_count ? index : -1;
}

static WASMTableInstance *table_at(wasm_module_inst_t module_inst, uint32_t index) {
    WASMModuleInstance *inst = (WASMModuleInstance *)module_inst;
    return index < inst->table_count ? inst->tables[index] : NULL;
}

bool mp_wasm_table_info(wasm_module_inst_t module_inst, uint32_t index, wasm_valkind_t *kind,
    uint32_t *size, uint32_t *capacity) {
    WASMTableInstance *table = table_at(module_inst, index);
    if (table == NULL) {
        return false;
    }
    *kind = table->elem_type == VALUE_TYPE_EXTERNREF ? WASM_EXTERNREF : WASM_FUNCREF;
    *size = table->cur_size;
    *capacity = table->max_size;
    return true;
}

bool mp_wasm_table_get(wasm_module_inst_t module_inst, uint32_t index, uint32_t i, uint32_t *cell) {
    WASMTableInstance *table = table_at(module_inst, index);
    if (table == NULL || i >= table->cur_size) {
        return false;
    }
    *cell = (uint32_t)table->elems[i];
    return true;
}

bool mp_wasm_table_set(wasm_module_inst_t module_inst, uint32_t index, uint32_t i, uint32_t cell) {
    WASMTableInstance *table = table_at(module_inst, index);
    if (table == NULL || i >= table->cur_size) {
        return false;
    }
    table->elems[i] = cell;
    return true;
}

bool mp_wasm_table_grow(wasm_module_inst_t module_inst, uint32_t index, uint32_t n, uint32_t init) {
    WASMTableInstance *table = table_at(module_inst, index);
    if (table == NULL || n > table->max_size - table->cur_size) {
        return false;
    }
    for (uint32 i = 0; i < n; i++) {
        table->elems[table->cur_size + i] = init;
    }
    table->cur_size += n;
    return true;
}

// Imported tables (wasm_table_obj.c): the type of the module's table import
// number `rank` (among table imports), read and, around one instantiation,
// set to the wasm.Table's size. Only the size: AOT code has the tables'
// layout in the instance compiled in (each holds its maximum if the module
// has table.grow, else its initial size), so no table's capacity may change.
static WASMTableType *import_table_type(wasm_module_t module, uint32_t rank) {
    #if WASM_ENABLE_AOT != 0
    if (module->module_type == Wasm_Module_AoT) {
        // The AOT compiler turns imported tables into the first defined ones.
        AOTModule *m = (AOTModule *)module;
        return rank < m->import_table_count ? &m->import_tables[rank].table_type
            : rank - m->import_table_count < m->table_count ? &m->tables[rank - m->import_table_count].table_type
            : NULL;
    }
    #endif
    #if WASM_ENABLE_INTERP != 0
    if (module->module_type == Wasm_Module_Bytecode) {
        WASMModule *m = (WASMModule *)module;
        return rank < m->import_table_count ? &m->import_tables[rank].u.table.table_type : NULL;
    }
    #endif
    return NULL;
}

bool mp_wasm_module_import_table(wasm_module_t module, uint32_t rank, wasm_valkind_t *kind,
    uint32_t *init, uint32_t *max, bool *has_max, bool *can_grow) {
    WASMTableType *t = import_table_type(module, rank);
    if (t == NULL) {
        return false;
    }
    *kind = t->elem_type == VALUE_TYPE_EXTERNREF ? WASM_EXTERNREF : WASM_FUNCREF;
    *init = t->init_size;
    *max = t->max_size;
    *has_max = (t->flags & 1) != 0;
    *can_grow = t->possible_grow;
    return true;
}

void mp_wasm_module_import_table_swap(wasm_module_t module, uint32_t rank, uint32_t *init) {
    WASMTableType *t = import_table_type(module, rank);
    if (t != NULL) {
        uint32 v = t->init_size;
        t->init_size = *init;
        *init = v;
    }
}

// Lowers an instance's table's maximum (the wasm.Table's own), keeping its
// storage.
void mp_wasm_table_limit(wasm_module_inst_t module_inst, uint32_t index, uint32_t max) {
    WASMTableInstance *table = table_at(module_inst, index);
    if (table != NULL && max < table->max_size && max >= table->cur_size) {
        table->max_size = max;
    }
}
