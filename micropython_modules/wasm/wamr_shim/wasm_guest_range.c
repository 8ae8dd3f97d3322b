// The bounds check of every native's guest pointer, read straight from the
// instance's default memory: WAMR's wasm_runtime_validate_app_addr() plus
// wasm_runtime_addr_app_to_native() cost three calls and check the range
// twice on each host-function call. Same rule, same trap. Compiled into
// libwamr for its internal headers (the module's declaration is in
// wasm_native_call.h).

#include "wasm_export.h"
#include "wasm_exec_env.h"
#include "wasm_runtime.h"

void *mp_wasm_guest_ptr(wasm_exec_env_t exec_env, uint32_t offset, uint64_t size);

void *mp_wasm_guest_ptr(wasm_exec_env_t exec_env, uint32_t offset, uint64_t size) {
    // Interpreter and AOT instances share this layout (AOTModuleInstance is
    // WASMModuleInstance in WAMR 2.x).
    WASMModuleInstance *inst = (WASMModuleInstance *)exec_env->module_inst;
    WASMMemoryInstance *mem = inst->memories != NULL ? inst->memories[0] : NULL;
    // memory_data_size never shrinks; no shared memories in this build.
    if (mem != NULL && size <= mem->memory_data_size && offset <= mem->memory_data_size - size) {
        return mem->memory_data + offset;
    }
    wasm_runtime_set_exception((wasm_module_inst_t)inst, "out of bounds memory access");
    return NULL;
}
