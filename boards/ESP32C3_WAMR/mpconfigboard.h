// ESP32-C3 (RISC-V), 4 MB flash, no PSRAM: MicroPython 1.25 with the `wasm`
// module (WAMR 2.4 built for RISCV32_ILP32: classic interpreter + AOT, XIP apps
// in the `wasmapps` partition).
//
// The interpreter is WAMR's classic one unless built with
// MICROPY_WASM_INTERP=fast (see esp32_common/wamr_board.cmake).
//
// Memory: the WAMR pool is a static buffer of MICROPY_WASM_POOL_SIZE bytes
// (128 KB, set in mpconfigboard.cmake) in internal RAM, apart from the GC
// heap; guests' linear memory comes from the ESP-IDF heap.
//
// REPL on the USB Serial/JTAG port and on UART0 (like ESP32_GENERIC_C3);
// Ctrl-C on either stops a running wasm guest.

#ifndef MICROPY_HW_BOARD_NAME
#define MICROPY_HW_BOARD_NAME               "ESP32C3 module with WAMR"
#endif
#define MICROPY_HW_MCU_NAME                 "ESP32C3"

#define MICROPY_HW_ENABLE_UART_REPL         (1)
