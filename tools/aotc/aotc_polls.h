// aotc: turning on WAMR's suspend-flag polls in generated code (aotc_polls.c).
#ifndef AOTC_POLLS_H
#define AOTC_POLLS_H

#include <stdbool.h>
#include <stdint.h>

#include "aotc_llvm.h"

struct AOTCompData; // aot_comp_data_t of aot_export.h

// Call around aot_compile_wasm(): returns the memory flags to restore.
uint32_t aotc_force_suspend_polls(struct AOTCompData *comp_data);
void aotc_restore_memory_flags(struct AOTCompData *comp_data, uint32_t flags);

// aot_compile_wasm() with the checks scalar evolution proves useless
// dropped between code generation and optimisation (aotc_prune.cpp): the
// polls of loop nests proven to end within `poll_limit` iterations (0:
// none), and, if `prune_bound_checks`, the bounds checks of accesses proven
// inside the memory's initial size.
struct AOTCompContext; // aot_comp_context_t of aot_export.h
bool aotc_compile_pruned(struct AOTCompContext *comp_ctx, uint64_t poll_limit,
    bool prune_bound_checks, aotc_prune_stats *stats);

#endif
