# Emulated Cortex-M4F board (QEMU mps2-an386) running MicroPython with the
# `wasm` module. Built through ports/qemu with BOARD_DIR pointing here.
#
# Memory budget like an ESP32 without PSRAM: GC heap + WAMR pool = 320 KB.

QEMU_ARCH = arm
QEMU_MACHINE = mps2-an386

CPU_FLAGS = -mthumb -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16
CFLAGS += $(CPU_FLAGS)
CFLAGS += -DQEMU_SOC_MPS2
CFLAGS += -DMICROPY_HW_MCU_NAME='"Cortex-M4F"'

MICROPY_HEAP_SIZE = 98304
MICROPY_WASM_POOL_SIZE = 229376

LDSCRIPT = $(BOARD_DIR)/qemu_wamr.ld
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o
MPY_CROSS_FLAGS += -march=armv7emsp

# WAMR for this CPU: thumb with VFP, AOT files for thumbv7em.
WAMR_TARGET = THUMB_VFP
WAMR_BUILD_TARGET = THUMBV7EM
WAMR_ARCH_CFLAGS = $(CPU_FLAGS) -ffreestanding
WAMR_PLATFORM = baremetal
# XIP apps are read through a model of the ESP32's word-only instruction bus
# (board_xip_bus.c): WAMR reads the AOT file as on the ESP32 boards.
WAMR_BOARD_DEFS = -DWASM_ENABLE_WORD_ALIGN_READ=1

# littlefs at /flash, on a host file reached through semihosting.
MICROPY_VFS_LFS2 = 1
CFLAGS += -DMICROPY_VFS_LFS2=1

# Board support: boot hooks, UART interrupts (Ctrl-C), clock, flash device.
SRC_C += $(BOARD_DIR)/board_init.c $(BOARD_DIR)/board_uart.c $(BOARD_DIR)/board_flash.c \
	$(BOARD_DIR)/board_xip_bus.c
CFLAGS += -I$(BOARD_DIR) -I$(abspath $(BOARD_DIR)/../../micropython_modules/wasm/port/baremetal)
CFLAGS += '-DMICROPY_PORT_INIT_FUNC=do { extern void board_init(void); board_init(); } while (0)'
CFLAGS += '-DMICROPY_PORT_DEINIT_FUNC=do { extern void board_deinit(void); board_deinit(); } while (0)'

# Console input comes from the UART interrupt's buffer (board_uart.c), and
# the FPU is switched on before the port's startup code goes on (board_init.c).
LDFLAGS += -Wl,--wrap=mp_hal_stdin_rx_chr -Wl,--wrap=uart_init

FROZEN_MANIFEST ?= $(BOARD_DIR)/manifest.py

# WAMR needs newlib's libc and libm (double maths, string functions); link
# them after the firmware's objects and before libgcc.
override LIBS = $(WAMR_LIB) \
	$(shell $(CC) $(CFLAGS) -print-file-name=libm.a) \
	$(shell $(CC) $(CFLAGS) -print-file-name=libc.a) \
	$(shell $(CC) $(CFLAGS) -print-libgcc-file-name)
# Relink when only WAMR changed (a patch): LIBS are not prerequisites.
$(BUILD)/firmware.elf: $(WAMR_LIB)
