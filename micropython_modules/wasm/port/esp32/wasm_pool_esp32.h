// The WAMR pool on ESP32 (wasm_pool_esp32.c).
#ifndef MICROPY_INCLUDED_WASM_POOL_ESP32_H
#define MICROPY_INCLUDED_WASM_POOL_ESP32_H

// MicroPython's default board startup (ports/esp32/main.c: NVS).
void boardctrl_startup(void);

// MICROPY_BOARD_STARTUP of boards built with MICROPY_WASM_POOL_AT_BOOT:
// boardctrl_startup(), then the pool from the internal heap.
void mp_wasm_esp32_board_startup(void);

#endif // MICROPY_INCLUDED_WASM_POOL_ESP32_H
