# Emulated Cortex-M4F board with an LCD (QEMU mps2-an386): the QEMU_WAMR
# board plus a 240x320 RGB565 panel on the host side (board_lcd.c), LVGL and
# the `display` module. Built through ports/qemu with BOARD_DIR pointing here.
#
# Memory budget like an ESP32-S3 module with 8 MB of PSRAM (N8R8):
#   internal RAM (512 KB at 0x20000000): data, bss, the two 19.2 KB partial
#     render buffers (240 x 40 RGB565 each) and the 32 KB C stack
#   PSRAM (8 MB at 0x21000000, QEMU's PSRAM): the GC heap (2 MB), the WAMR
#     pool (1 MB, as ESP32S3_WAMR_LCD) and LVGL's pool (256 KB)
# placed by qemu_wamr_lcd.ld.

QEMU_WAMR_DIR = $(abspath $(BOARD_DIR)/../QEMU_WAMR)

MICROPY_HEAP_SIZE = 2097152
MICROPY_WASM_POOL_SIZE = 1048576
MICROPY_DISPLAY_LVGL_POOL_SIZE = 262144
LDSCRIPT = $(BOARD_DIR)/qemu_wamr_lcd.ld
FROZEN_MANIFEST ?= $(BOARD_DIR)/manifest.py

include $(QEMU_WAMR_DIR)/mpconfigboard.mk

# The panel (240x320, the size of ESP32S3_WAMR_LCD's ST7789) and the
# display module's port hooks.
SRC_C += $(BOARD_DIR)/board_lcd.c
CFLAGS += -DMICROPY_HW_LCD_WIDTH=240 -DMICROPY_HW_LCD_HEIGHT=320

# LVGL for this CPU, with the microcontroller configuration
# (micropython_modules/display/lv_conf/mcu).
DISPLAY_BACKEND = board
LVGL_ARCH_CFLAGS = $(CPU_FLAGS) -ffreestanding
BOARD_LIBS = $(LVGL_LIB)
