// Checks of WAMR AOT files before WAMR's loader sees them, and one view of
// a module's imports for every mode (wasm_aot_check.c).
#ifndef MICROPY_INCLUDED_WASM_AOT_CHECK_H
#define MICROPY_INCLUDED_WASM_AOT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wasm_export.h"

// The custom section `scripts aot` (tools/aotc) adds to every AOT file: the
// number of native symbols the code indexes, and the module's imports in
// declaration order (WAMR's AOT format keeps no names for imported tables
// and turns an imported memory into a private one). Files without it are
// refused: without it neither can be checked.
#define MP_WASM_AOT_SECTION "micropython.aot"

// Walks the whole file (4-byte aligned); false with a message in `err` when
// WAMR's loader or runtime would not handle it safely, or when it cannot run
// where it is meant to: `in_place` (XIP, Module.xip) or copied to RAM.
// `*imports` gets the imports list of the firmware's section.
bool mp_wasm_aot_check(const uint8_t *aot, uint32_t len, bool in_place, const uint8_t **imports,
    char *err, size_t err_len);

struct _mp_wasm_module_ref_t;

// The module's imports in declaration order, the same in every mode: for
// AOT files with an imports section this includes memories and tables
// (wasm_imports.c). Set up with the imports section of an AOT file (or
// NULL) before use; reading them in order costs O(1) per import.
void mp_wasm_imports_init(struct _mp_wasm_module_ref_t *ref, const uint8_t *aot_imports);
int32_t mp_wasm_import_count(const struct _mp_wasm_module_ref_t *ref);
// Fills `imp` with import `index` (declaration order); returns WAMR's index
// of it (what wasm_runtime_get_import_type takes), or -1 if WAMR has no entry
// (AOT tables and memories).
int32_t mp_wasm_import_get(struct _mp_wasm_module_ref_t *ref, int32_t index, wasm_import_t *imp);

#endif // MICROPY_INCLUDED_WASM_AOT_CHECK_H
