# What every emulated board's mpconfigboard.mk includes after its own
# settings (and its -I for board.h): the `wasm` module on the bare-metal
# platform layer with XIP apps read word by word (a model of the ESP32's
# instruction bus on each board), littlefs at /flash, and the code the
# boards share.

WAMR_PLATFORM = baremetal
WAMR_BOARD_DEFS = -DWASM_ENABLE_WORD_ALIGN_READ=1

# littlefs at /flash, on a host file reached through semihosting.
MICROPY_VFS_LFS2 = 1
CFLAGS += -DMICROPY_VFS_LFS2=1

# Boot hooks, the flash device and `board` module, the console, the XIP bus
# model's report.
QEMU_COMMON_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
SRC_C += $(QEMU_COMMON_DIR)/board_common.c $(QEMU_COMMON_DIR)/board_flash.c \
	$(QEMU_COMMON_DIR)/board_console.c $(QEMU_COMMON_DIR)/board_xip_report.c
CFLAGS += -I$(QEMU_COMMON_DIR) -I$(abspath $(QEMU_COMMON_DIR)/../../micropython_modules/wasm/port/baremetal)
CFLAGS += '-DMICROPY_PORT_INIT_FUNC=do { extern void board_init(void); board_init(); } while (0)'
CFLAGS += '-DMICROPY_PORT_DEINIT_FUNC=do { extern void board_deinit(void); board_deinit(); } while (0)'

# Console input comes from the UART interrupt's buffer (board_console.c).
LDFLAGS += -Wl,--wrap=mp_hal_stdin_rx_chr
