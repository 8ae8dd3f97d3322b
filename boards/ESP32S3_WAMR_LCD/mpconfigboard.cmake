# ESP32-S3 (Xtensa LX7, dual core), 8 MB flash, octal PSRAM, an SPI LCD (pins
# in mpconfigboard.h), with the `wasm` module (WAMR) and the `display`
# module (LVGL on the LCD).
# An out-of-tree board for MicroPython 1.25's ports/esp32:
#
#   make -C ports/esp32 BOARD_DIR=/abs/path/boards/ESP32S3_WAMR_LCD \
#       USER_C_MODULES=/abs/path/micropython_modules/wasm/micropython.cmake
#
# Modules with quad PSRAM (N8R2): add BOARD_VARIANT=SPIRAM_QUAD.

set(IDF_TARGET esp32s3)

set(SDKCONFIG_DEFAULTS
    boards/sdkconfig.base
    boards/sdkconfig.ble
    boards/sdkconfig.spiram_sx
    boards/sdkconfig.240mhz
    boards/sdkconfig.spiram_oct
    ${MICROPY_BOARD_DIR}/../esp32_common/sdkconfig.wamr
    ${MICROPY_BOARD_DIR}/sdkconfig.board
)

# REPL on the native USB port through the chip's USB Serial/JTAG controller,
# not TinyUSB (MICROPY_HW_ENABLE_USBDEV 0 in mpconfigboard.h): its interrupt
# handler sees Ctrl-C, so Ctrl-C stops a guest that is computing. TinyUSB's
# CDC sees Ctrl-C only when MicroPython's scheduler runs, never during a guest.
set(MICROPY_PY_TINYUSB OFF)

# WAMR pool: 1 MB of static .bss in PSRAM (MICROPY_WASM_POOL_IN_PSRAM: the
# module's port/esp32/wasm_pool_esp32.c marks it EXT_RAM_BSS_ATTR, which
# needs CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY, set in sdkconfig.board).
# Set MICROPY_WASM_POOL_IN_PSRAM OFF and a smaller size for internal RAM.
if(NOT DEFINED MICROPY_WASM_POOL_SIZE)
    set(MICROPY_WASM_POOL_SIZE 1048576)
endif()
if(NOT DEFINED MICROPY_WASM_POOL_IN_PSRAM)
    set(MICROPY_WASM_POOL_IN_PSRAM ON)
endif()

include(${MICROPY_BOARD_DIR}/../esp32_common/wamr_board.cmake)

# The LCD: LVGL and the `display` module (ST7789 wiring in mpconfigboard.h).
# LVGL's pool (256 KB) goes to PSRAM with the other external .bss; the two
# 19.2 KB render buffers are DMA-capable internal RAM, taken at display.init().
if(NOT DEFINED MICROPY_DISPLAY_LVGL_POOL_SIZE)
    set(MICROPY_DISPLAY_LVGL_POOL_SIZE 262144)
endif()
set(WAMR_DISPLAY_MODULE "${WAMR_REPO_DIR}/micropython_modules/display/micropython.cmake")
if(NOT WAMR_DISPLAY_MODULE IN_LIST USER_C_MODULES)
    list(APPEND USER_C_MODULES "${WAMR_DISPLAY_MODULE}")
endif()
