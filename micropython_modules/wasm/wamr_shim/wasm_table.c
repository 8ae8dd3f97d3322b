// The function at an index of a module instance's first table (a C
// function pointer in the guest is such an index): for host code that
// calls guest callbacks. Compiled into libwamr because the tables are
// internal to WAMR; every index and element is checked, as a hostile guest
// chooses them.

#include "wasm_export.h"
#include "wasm_runtime.h"

wasm_function_inst_t mp_wasm_function_at(wasm_module_inst_t module_inst, uint32_t index);

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
    return elem == NULL_REF ? NULL : mp_wasm_function_at(module_inst, (uint32_t)elem);
}
