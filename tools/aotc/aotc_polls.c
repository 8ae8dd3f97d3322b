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

bool aotc_compile_pruned(struct AOTCompContext *comp_ctx, uint64_t poll_limit,
    bool prune_bound_checks, aotc_prune_stats *stats) {
    // aot_compile_wasm() generates the IR and optimises it in one call; the
    // pruning must come in between, or LLVM has already given up vectorising
    // and unrolling the loops that held the checks.
    bool optimize = comp_ctx->optimize;
    comp_ctx->optimize = false;
    bool compiled = aot_compile_wasm(comp_ctx);
    comp_ctx->optimize = optimize;
    if (!compiled) {
        return false;
    }
    // Memory 0 (imported or not) is never smaller than its declared minimum.
    const AOTCompData *data = comp_ctx->comp_data;
    uint64_t min_memory_bytes = 0;
    if (prune_bound_checks && data->memory_count > 0) {
        min_memory_bytes = (uint64_t)data->memories[0].num_bytes_per_page
            * data->memories[0].init_page_count;
    }
    if (poll_limit > 0 || min_memory_bytes > 0) {
        aotc_llvm_prune(comp_ctx->module, poll_limit, min_memory_bytes, stats);
    }
    if (comp_ctx->is_indirect_mode) {
        // XIP code cannot reach constant pools, which vectorised integer
        // code needs on x86-64 (loops freed of their checks vectorise):
        // no vector or FP registers where the wasm code has no floats.
        unsigned kind = LLVMGetEnumAttributeKindForName("noimplicitfloat", 15);
        LLVMAttributeRef attr = LLVMCreateEnumAttribute(comp_ctx->context, kind, 0);
        for (LLVMValueRef fn = LLVMGetFirstFunction(comp_ctx->module); fn != NULL;
             fn = LLVMGetNextFunction(fn)) {
            if (!LLVMIsDeclaration(fn)) {
                LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, attr);
            }
        }
    }
    if (optimize) {
        aot_apply_llvm_new_pass_manager(comp_ctx, comp_ctx->module);
    }
    return true;
}
