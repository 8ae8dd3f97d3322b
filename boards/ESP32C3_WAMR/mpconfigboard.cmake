# ESP32-C3 (RISC-V rv32imc, single core), 4 MB flash, no PSRAM, with the
# `wasm` module (WAMR). An out-of-tree board for MicroPython 1.25's ports/esp32:
#
#   make -C ports/esp32 BOARD_DIR=/abs/path/boards/ESP32C3_WAMR \
#       USER_C_MODULES=/abs/path/micropython_modules/wasm/micropython.cmake

set(IDF_TARGET esp32c3)

set(SDKCONFIG_DEFAULTS
    boards/sdkconfig.base
    boards/sdkconfig.ble
    boards/ESP32_GENERIC_C3/sdkconfig.c3usb
    ${MICROPY_BOARD_DIR}/../esp32_common/sdkconfig.wamr
    ${MICROPY_BOARD_DIR}/sdkconfig.board
)

# WAMR pool: a static buffer in internal RAM (the C3 has 400 KB of SRAM).
# Override with -DMICROPY_WASM_POOL_SIZE=<bytes>.
if(NOT DEFINED MICROPY_WASM_POOL_SIZE)
    set(MICROPY_WASM_POOL_SIZE 131072)
endif()
set(MICROPY_WASM_POOL_IN_PSRAM OFF)

include(${MICROPY_BOARD_DIR}/../esp32_common/wamr_board.cmake)
