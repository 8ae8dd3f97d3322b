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

// The first memory's initial and maximum page counts; false if the module
// has none.
bool mp_wasm_module_memory_pages(wasm_module_t module, uint32_t *init, uint32_t *max) {
    const WASMMemoryType *mem = NULL;
    #if WASM_ENABLE_AOT != 0
    if (module->module_type == Wasm_Module_AoT) {
        const AOTModule *m = (const AOTModule *)module;
        mem = m->import_memory_count ? &m->import_memories[0].mem_type
            : m->memory_count ? &m->memories[0] : NULL;
    } else
    #endif
    {
        const WASMModule *m = (const WASMModule *)module;
        mem = m->import_memory_count ? &m->import_memories[0].u.memory.mem_type
            : m->memory_count ? &m->memories[0] : NULL;
    }
    if (mem == NULL) {
        return false;
    }
    *init = mem->init_page_count;
    *max = mem->max_page_count;
    return true;
}
