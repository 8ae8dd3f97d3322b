// aotc: turning on WAMR's suspend-flag polls in generated code (aotc_polls.c).
#ifndef AOTC_POLLS_H
#define AOTC_POLLS_H

#include <stdint.h>

struct AOTCompData; // aot_comp_data_t of aot_export.h

// Call around aot_compile_wasm(): returns the memory flags to restore.
uint32_t aotc_force_suspend_polls(struct AOTCompData *comp_data);
void aotc_restore_memory_flags(struct AOTCompData *comp_data, uint32_t flags);

#endif
