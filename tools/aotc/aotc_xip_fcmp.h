// aotc: compiler-created float compares as runtime calls in XIP files
// (aotc_xip_fcmp.c).
#ifndef AOTC_XIP_FCMP_H
#define AOTC_XIP_FCMP_H

struct AOTCompContext;

// Replaces every fcmp on a type whose compares go through WAMR's runtime
// intrinsics; returns how many, or -1 if the native-symbol table is full.
long aotc_xip_lower_fcmp(struct AOTCompContext *comp_ctx);

#endif
