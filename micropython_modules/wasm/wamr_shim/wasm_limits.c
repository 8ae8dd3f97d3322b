// What the instance limits (fuel, max_pages) need from WAMR's internals:
// the fuel an exec env has left (WAMR has a setter only) and the memory
// limits a module declares (WAMR's API shows them for exported memories
// only). Compiled into libwamr for its internal headers.

#include "wasm_export.h"
#include "wasm_exec_env.h"
#include "wasm_runtime.h"
#if WASM_ENABLE_AOT != 0
#include "aot_runtime.h"
#endif

// The interpreters write the count back whenever they leave their loop
// (WAMR patch 0080); -1 means unmetered.
int mp_wasm_exec_env_fuel(wasm_exec_env_t exec_env) {
    #if WASM_ENABLE_INSTRUCTION_METERING != 0
    return exec_env->instructions_to_execute;
    #else
    (void)exec_env;
    return -1; // fuel= is refused in such a build (wasm_limits.c)
    #endif
}

// Sets the fuel (-1: unmetered); WAMR has the setter only in a metering build.
void mp_wasm_exec_env_set_fuel(wasm_exec_env_t exec_env, int fuel) {
    #if WASM_ENABLE_INSTRUCTION_METERING != 0
    wasm_runtime_set_instruction_count_limit(exec_env, fuel);
    #else
    (void)exec_env;
    (void)fuel;
    #endif
}

// Memory 0's type: the imported one, or (AOT turns an imported memory into
// a defined one) the first defined one.
static WASMMemoryType *memory_type(wasm_module_t module) {
    WASMMemoryType *mem = NULL;
    #if WASM_ENABLE_AOT != 0
    if (module->module_type == Wasm_Module_AoT) {
        AOTModule *m = (AOTModule *)module;
        mem = m->import_memory_count ? &m->import_memories[0].mem_type
            : m->memory_count ? &m->memories[0] : NULL;
    } else
    #endif
    {
        WASMModule *m = (WASMModule *)module;
        mem = m->import_memory_count ? &m->import_memories[0].u.memory.mem_type
            : m->memory_count ? &m->memories[0] : NULL;
    }
    return mem;
}

// The first memory's initial and maximum page counts, and whether it
// declares a maximum; false if the module has none.
bool mp_wasm_module_memory_pages(wasm_module_t module, uint32_t *init, uint32_t *max, bool *has_max) {
    const WASMMemoryType *mem = memory_type(module);
    if (mem == NULL) {
        return false;
    }
    *init = mem->init_page_count;
    *max = mem->max_page_count;
    *has_max = (mem->flags & MAX_PAGE_COUNT_FLAG) != 0;
    return true;
}

// The initial size instances of the module get (instantiation reads it from
// the module): set to an imported wasm.Memory's size around one
// instantiation, so its data segments are checked against that size, as the
// spec wants. Returns the previous value.
uint32_t mp_wasm_module_memory_set_init(wasm_module_t module, uint32_t pages) {
    WASMMemoryType *mem = memory_type(module);
    uint32_t before = mem != NULL ? mem->init_page_count : 0;
    if (mem != NULL) {
        mem->init_page_count = pages;
    }
    return before;
}
