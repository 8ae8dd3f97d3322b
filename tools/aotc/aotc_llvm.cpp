// aotc: the few LLVM questions the C API cannot answer.

#include <memory>
#include <string>

#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>

#include "aotc_llvm.h"

// Is there a backend for `triple`, and does it know `cpu`?
// A backend can exist without being usable: upstream LLVM 19 registers an
// experimental Xtensa target that only knows the "generic" CPU, while
// Espressif's fork adds esp32, esp32s2, esp32s3 with full code generation.
extern "C" int aotc_llvm_probe(const char *triple, const char *cpu) {
    std::string error;
    const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
    if (target == nullptr) {
        return AOTC_PROBE_NO_TARGET;
    }
    if (cpu == nullptr || cpu[0] == '\0') {
        return AOTC_PROBE_OK;
    }
    std::unique_ptr<llvm::MCSubtargetInfo> sti(target->createMCSubtargetInfo(triple, "", ""));
    if (!sti) {
        return AOTC_PROBE_NO_TARGET;
    }
    return sti->isCPUStringValid(cpu) ? AOTC_PROBE_OK : AOTC_PROBE_NO_CPU;
}
