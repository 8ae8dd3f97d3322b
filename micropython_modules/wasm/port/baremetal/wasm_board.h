// What a bare-metal board provides to the `wasm` module.
#ifndef MICROPY_INCLUDED_WASM_BOARD_H
#define MICROPY_INCLUDED_WASM_BOARD_H

#include <stddef.h>
#include <stdint.h>

// Microseconds since boot, monotonic.
uint64_t mp_wasm_board_time_us(void);
// Lowest address the C stack may grow down to.
void *mp_wasm_board_stack_limit(void);
// Wall-clock microseconds since 1970 (weak default: time since boot).
uint64_t mp_wasm_board_realtime_us(void);
// Wait for the next interrupt (weak default: return at once).
void mp_wasm_board_idle(void);
// Fill `buf` with entropy (weak default: a time-seeded xorshift generator).
void mp_wasm_board_random(uint8_t *buf, size_t len);

// The memory-mapped, executable wasmapps image (weak default: none).
const uint8_t *mp_wasm_board_xip_map(size_t *size);
// Where the same bytes can be read with byte loads, when code and data see
// them at different addresses (default: `code` itself).
const uint8_t *mp_wasm_board_xip_data(const uint8_t *code);

#endif // MICROPY_INCLUDED_WASM_BOARD_H
