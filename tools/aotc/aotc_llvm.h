// aotc: LLVM queries implemented in C++ (aotc_llvm.cpp).
#ifndef AOTC_LLVM_H
#define AOTC_LLVM_H

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

#ifdef __cplusplus
}
#endif

#endif
