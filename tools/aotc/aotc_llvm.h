// aotc: LLVM queries implemented in C++ (aotc_llvm.cpp).
#ifndef AOTC_LLVM_H
#define AOTC_LLVM_H

#include <stdint.h>

#include <llvm-c/Types.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    AOTC_PROBE_OK = 0,
    AOTC_PROBE_NO_TARGET = 1, // LLVM was built without this backend
    AOTC_PROBE_NO_CPU = 2,    // the backend exists but does not know the CPU
};

// Targets must be initialised first (wasm_runtime_full_init does it).
int aotc_llvm_probe(const char *triple, const char *cpu);

// What aotc_llvm_prune() dropped and kept.
typedef struct aotc_prune_stats {
    unsigned long polls_dropped, polls_kept;
    unsigned long checks_dropped, checks_kept;
} aotc_prune_stats;

// Drops, in the module WAMR generated and before it is optimised
// (aotc_prune.cpp): the loop polls (tagged by WAMR patch 0073) of loop
// nests with a constant bound of at most `poll_limit` iterations (0: none),
// and the bounds checks (tagged by patch 0074) of accesses proven to stay
// inside the first `min_memory_bytes` of linear memory (0: none).
int aotc_llvm_prune(LLVMModuleRef module, uint64_t poll_limit, uint64_t min_memory_bytes,
    aotc_prune_stats *stats);

#ifdef __cplusplus
}
#endif

#endif
