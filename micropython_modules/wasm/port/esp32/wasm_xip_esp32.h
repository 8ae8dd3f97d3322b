// Execute-in-place apps on ESP32: the `wasmapps` partition mapped into the
// address space (wasm_xip_esp32.c).
#ifndef MICROPY_INCLUDED_WASM_XIP_ESP32_H
#define MICROPY_INCLUDED_WASM_XIP_ESP32_H

#include <stddef.h>
#include <stdint.h>

// Label of the partition in the boards' partition tables (type data).
#define MP_WASM_XIP_PARTITION_LABEL "wasmapps"

// mp_wasm_port_xip_map(size, code) (declared in modwasm.h) maps the whole
// partition once, for the life of the firmware, and returns two views of it:
// the data bus (returned), where byte reads work, for parsing the index and
// checking checksums; and the instruction bus (in *code), where WAMR runs the
// apps. Instruction-bus memory is read-only and only takes aligned 32-bit
// loads (WAMR is built with WASM_ENABLE_WORD_ALIGN_READ=1 and the word-read
// patches in firmware/patches/wamr for its own reads of the AOT file). Both
// are NULL without a `wasmapps` partition or when the MMU has no room left.

#endif // MICROPY_INCLUDED_WASM_XIP_ESP32_H
