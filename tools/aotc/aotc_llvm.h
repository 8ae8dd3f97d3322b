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

// Drops the loop polls (tagged by WAMR patch 0073) of loop nests with a
// constant bound of at most `limit` iterations (aotc_loop_polls.cpp); run on
// the module before it is optimised. Counts the polls dropped and kept.
int aotc_llvm_drop_loop_polls(LLVMModuleRef module, uint64_t limit,
    unsigned long *dropped, unsigned long *kept);

#ifdef __cplusplus
}
#endif

#endif
