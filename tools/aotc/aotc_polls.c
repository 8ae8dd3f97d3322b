// aotc: suspend-flag polls in AOT code for modules without shared memory.
//
// With AOTCompOption.enable_thread_mgr, WAMR's compiler calls
// check_suspend_flags() on every backward branch (br, br_if, br_table to a
// loop label) and after every call; the emitted check loads
// exec_env->suspend_flags and returns from the function when the terminate
// bit is set, so a host can stop a runaway guest (Ctrl-C in the firmware).
// But check_suspend_flags() (aot_emit_control.c) emits nothing unless memory
// 0 is shared, and none of the guests here has shared memory.
//
// aotc is built with WASM_ENABLE_SHARED_MEMORY=0: every other reader of the
// shared flag in the compiler (memory base caching, atomics) is compiled out,
// so marking memory 0 as shared while the IR is generated turns the polls on
// and changes nothing else. The flag is restored before the file is emitted,
// so the AOT file describes the module's real memory.
//
// Kept apart from aotc.c because WAMR's internal aot.h and the public
// aot_export.h declare aot_create_comp_data() differently.

#include "aot.h"
#include "aot_compiler.h"

#include "aotc_llvm.h"
#include "aotc_polls.h"

#if WASM_ENABLE_SHARED_MEMORY != 0
#error "aotc must be built with WASM_ENABLE_SHARED_MEMORY=0 (see the comment above)"
#endif

#define MEMORY_SHARED_FLAG 0x02

uint32_t aotc_force_suspend_polls(struct AOTCompData *comp_data) {
    AOTCompData *data = comp_data;
    uint32_t saved = data->memories[0].flags;
    data->memories[0].flags |= MEMORY_SHARED_FLAG;
    return saved;
}

void aotc_restore_memory_flags(struct AOTCompData *comp_data, uint32_t flags) {
    comp_data->memories[0].flags = flags;
}

bool aotc_compile_with_polls(struct AOTCompContext *comp_ctx, uint64_t limit,
    unsigned long *dropped, unsigned long *kept) {
    // aot_compile_wasm() generates the IR and optimises it in one call;
    // the polls of short loops must go in between, or LLVM can neither
    // vectorise those loops nor unroll them without copying the poll.
    bool optimize = comp_ctx->optimize;
    comp_ctx->optimize = false;
    bool compiled = aot_compile_wasm(comp_ctx);
    comp_ctx->optimize = optimize;
    if (!compiled) {
        return false;
    }
    if (limit > 0) {
        aotc_llvm_drop_loop_polls(comp_ctx->module, limit, dropped, kept);
    }
    if (optimize) {
        aot_apply_llvm_new_pass_manager(comp_ctx, comp_ctx->module);
    }
    return true;
}
