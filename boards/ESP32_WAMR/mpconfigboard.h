// ESP32 (Xtensa LX6), 4 MB flash, no PSRAM: MicroPython 1.25 with the `wasm`
// module (WAMR 2.4, classic interpreter + AOT, XIP apps in the `wasmapps`
// partition).
//
// The interpreter is WAMR's classic one unless built with
// MICROPY_WASM_INTERP=fast (see esp32_common/wamr_board.cmake).
//
// Memory: the WAMR pool is a static buffer of MICROPY_WASM_POOL_SIZE bytes
// (96 KB, set in mpconfigboard.cmake) in internal RAM, apart from the GC heap,
// which grows on demand from the ESP-IDF heap; guests' linear memory and
// AOT code loaded into RAM also come from the ESP-IDF heap (WAMR's esp-idf
// platform layer). Static DRAM is what limits the pool on the ESP32, so this
// board leaves Bluetooth out: the BT controller would reserve ~56 KB of it.

#ifndef MICROPY_HW_BOARD_NAME
#define MICROPY_HW_BOARD_NAME               "ESP32 module with WAMR"
#endif
#define MICROPY_HW_MCU_NAME                 "ESP32"

#define MICROPY_PY_BLUETOOTH                (0)
