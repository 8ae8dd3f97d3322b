// The function at an index of a module instance's first table (a C
// function pointer in the guest is such an index): for host code that
// calls guest callbacks. Compiled into libwamr because the tables are
// internal to WAMR; every index and element is checked, as a hostile guest
// chooses them.

#include "wasm_export.h"
#include "wasm_runtime.h"
#if WASM_ENABLE_AOT != 0
#include "aot_runtime.h"
#endif

wasm_function_inst_t mp_wasm_table_function(wasm_module_inst_t module_inst, uint32_t index) {
    WASMModuleInstance *inst = (WASMModuleInstance *)module_inst;
    if (inst->table_count == 0 || inst->tables[0] == NULL) {
        return NULL;
    }
    WASMTableInstance *table = inst->tables[0];
    if (table->elem_type != VALUE_TYPE_FUNCREF || index >= table->cur_size) {
        return NULL;
    }
    table_elem_type_t elem = table->elems[index];
    if (elem == NULL_REF) {
        return NULL;
    }
    uint32 func_index = (uint32)elem;
    #if WASM_ENABLE_INTERP != 0
    if (module_inst->module_type == Wasm_Module_Bytecode) {
        return func_index < inst->e->function_count ? inst->e->functions + func_index : NULL;
    }
    #endif
    #if WASM_ENABLE_AOT != 0
    if (module_inst->module_type == Wasm_Module_AoT) {
        AOTModule *module = (AOTModule *)inst->module;
        if (func_index >= module->import_func_count + module->func_count) {
            return NULL;
        }
        wasm_table_inst_t view = { WASM_FUNCREF, table->cur_size, table->max_size, table->elems };
        return wasm_table_get_func_inst(module_inst, &view, index);
    }
    #endif
    return NULL;
}
