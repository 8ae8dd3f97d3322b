// ESP32 (Xtensa LX6), 4 MB flash, no PSRAM: MicroPython 1.25 with the `wasm`
// module (WAMR 2.4, classic interpreter + AOT, XIP apps in the `wasmapps`
// partition).
//
// The interpreter is WAMR's classic one unless built with
// MICROPY_WASM_INTERP=fast (see esp32_common/wamr_board.cmake).
//
// Memory: the WAMR pool (MICROPY_WASM_POOL_SIZE, 96 KB, set in
// mpconfigboard.cmake with the RAM budget) is reserved from the internal
// ESP-IDF heap by the startup hook below, before MicroPython's GC heap (which
// grows on demand from the same heap); static DRAM (176.5 KB) would not leave
// enough for the rest. Guests' linear memory and AOT code loaded into RAM
// also come from the ESP-IDF heap (WAMR's esp-idf platform layer). This
// board leaves Bluetooth out: the BT controller would reserve ~56 KB of DRAM.

// REPL on UART0, whose interrupt handler sees Ctrl-C: Ctrl-C stops a running
// wasm guest, even one in a tight loop.

// NVS (MicroPython's boardctrl_startup), then the WAMR pool from the heap.
#define MICROPY_BOARD_STARTUP               mp_wasm_esp32_board_startup
void mp_wasm_esp32_board_startup(void);

#ifndef MICROPY_HW_BOARD_NAME
#define MICROPY_HW_BOARD_NAME               "ESP32 module with WAMR"
#endif
#define MICROPY_HW_MCU_NAME                 "ESP32"

#define MICROPY_PY_BLUETOOTH                (0)
