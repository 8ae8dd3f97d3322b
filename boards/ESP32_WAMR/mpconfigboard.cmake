# ESP32 (Xtensa LX6, dual core), 4 MB flash, no PSRAM, with the `wasm`
# module (WAMR). An out-of-tree board for MicroPython 1.25's ports/esp32:
#
#   make -C ports/esp32 BOARD_DIR=/abs/path/boards/ESP32_WAMR \
#       USER_C_MODULES=/abs/path/micropython_modules/wasm/micropython.cmake
#
# (the Dockerfile at the top of this repository runs exactly this).

set(IDF_TARGET esp32)

# Port fragments are relative to ports/esp32; the board's own files are
# found through MICROPY_BOARD_DIR.
set(SDKCONFIG_DEFAULTS
    boards/sdkconfig.base
    ${MICROPY_BOARD_DIR}/../esp32_common/sdkconfig.wamr
    ${MICROPY_BOARD_DIR}/sdkconfig.board
)

# WAMR pool: 96 KB of internal RAM, outside the GC heap, reserved from the
# ESP-IDF heap at boot (MICROPY_BOARD_STARTUP in mpconfigboard.h), not
# static .bss. The budget, from ESP-IDF 5.2.2's ESP32 layout:
#   static DRAM (dram0_0_seg, .data + .bss of everything): 0x2c200 bytes =
#     180736 (176.5 KB) with Bluetooth off (CONFIG_BTDM_RESERVE_DRAM 0).
#     A 98304-byte .bss pool would leave 82432 bytes (80.5 KB) for all of
#     ESP-IDF, MicroPython and WAMR, which nothing here measures.
#   heap at app_main (heap/port/esp32/memory_layout.c, dual core): DRAM
#     0x3FFAE6E0-0x3FFB0000 (6432) and _heap_start-0x3FFE0000 (196608 minus
#     the static data), D/IRAM 0x3FFE0440-0x3FFE3F20 (15072) and
#     0x3FFE4350-0x40000000 (113840: the ROM's startup stack, in the heap
#     before app_main runs). That last block alone holds the pool whatever
#     the static size, so the reservation cannot fail at boot and the link
#     does not depend on the pool.
#   Left for the GC heap (56 KB at start, growing on demand), Wi-Fi and the
#     rest: 331952 - static - 98304 bytes of internal heap.
# host_tests/tools/test_esp32_ram_budget.py checks these numbers.
# Override with -DMICROPY_WASM_POOL_SIZE=<bytes>: at most 105648 (113840 less
# 8 KB for the heap allocator's own bookkeeping).
if(NOT DEFINED MICROPY_WASM_POOL_SIZE)
    set(MICROPY_WASM_POOL_SIZE 98304)
endif()
set(MICROPY_WASM_POOL_IN_PSRAM OFF)
set(MICROPY_WASM_POOL_AT_BOOT ON)

include(${MICROPY_BOARD_DIR}/../esp32_common/wamr_board.cmake)
