// aotc: turning on WAMR's suspend-flag polls in generated code (aotc_polls.c).
#ifndef AOTC_POLLS_H
#define AOTC_POLLS_H

#include <stdbool.h>
#include <stdint.h>

struct AOTCompData; // aot_comp_data_t of aot_export.h

// Call around aot_compile_wasm(): returns the memory flags to restore.
uint32_t aotc_force_suspend_polls(struct AOTCompData *comp_data);
void aotc_restore_memory_flags(struct AOTCompData *comp_data, uint32_t flags);

// aot_compile_wasm() with the polls of loop nests proven to end within
// `limit` iterations dropped before optimisation (aotc_loop_polls.cpp);
// counts the loop polls dropped and kept.
struct AOTCompContext; // aot_comp_context_t of aot_export.h
bool aotc_compile_with_polls(struct AOTCompContext *comp_ctx, uint64_t limit,
    unsigned long *dropped, unsigned long *kept);

#endif
