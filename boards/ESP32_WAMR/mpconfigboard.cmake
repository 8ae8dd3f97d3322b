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

# WAMR pool: a static buffer in internal RAM, outside the GC heap. Static
# DRAM is scarce on the ESP32, which is why this board leaves Bluetooth out
# (see mpconfigboard.h). Override with -DMICROPY_WASM_POOL_SIZE=<bytes>.
if(NOT DEFINED MICROPY_WASM_POOL_SIZE)
    set(MICROPY_WASM_POOL_SIZE 98304)
endif()
set(MICROPY_WASM_POOL_IN_PSRAM OFF)

include(${MICROPY_BOARD_DIR}/../esp32_common/wamr_board.cmake)
