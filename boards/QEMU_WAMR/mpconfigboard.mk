# Emulated Cortex-M4F board (QEMU mps2-an386) running MicroPython with the
# `wasm` module. Built through ports/qemu with BOARD_DIR pointing here.
#
# Memory budget like an ESP32 without PSRAM: GC heap + WAMR pool = 320 KB.
#
# Boards built on this one (QEMU_WAMR_LCD) set QEMU_WAMR_DIR, their memory
# sizes, linker script and extra libraries first, then include this file.

QEMU_WAMR_DIR ?= $(BOARD_DIR)

QEMU_ARCH = arm
QEMU_MACHINE = mps2-an386

CPU_FLAGS = -mthumb -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16
CFLAGS += $(CPU_FLAGS)
CFLAGS += -DQEMU_SOC_MPS2
CFLAGS += -DMICROPY_HW_MCU_NAME='"Cortex-M4F"'

MICROPY_HEAP_SIZE ?= 98304
MICROPY_WASM_POOL_SIZE ?= 229376

LDSCRIPT ?= $(QEMU_WAMR_DIR)/qemu_wamr.ld
# qemu_wamr_sections.ld, INCLUDEd by the linker scripts
LDFLAGS += -L$(QEMU_WAMR_DIR)
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o
MPY_CROSS_FLAGS += -march=armv7emsp

# WAMR for this CPU: thumb with VFP, AOT files for thumbv7em.
WAMR_TARGET = THUMB_VFP
WAMR_BUILD_TARGET = THUMBV7EM
WAMR_ARCH_CFLAGS = $(CPU_FLAGS) -ffreestanding
# No fused instruction runs in the classic interpreter (WAMR patch 0103):
# 9 % fewer instructions for 2 KB of flash, over this board's 130 KB budget
# for WAMR and the module (README "Performance").
WAMR_CLASSIC_FUSED_OPS ?= 0

# Board support: vectors, UART interrupts (Ctrl-C), clock, semihosting, the
# XIP window's model of the ESP32 instruction bus (WAMR reads the AOT file
# as on the ESP32 boards).
SRC_C += $(QEMU_WAMR_DIR)/board_init.c $(QEMU_WAMR_DIR)/board_uart.c $(QEMU_WAMR_DIR)/board_xip_bus.c
# The FPU is switched on before the port's startup code goes on (board_init.c).
LDFLAGS += -Wl,--wrap=uart_init

CFLAGS += -I$(QEMU_WAMR_DIR)
FROZEN_MANIFEST ?= $(QEMU_WAMR_DIR)/manifest.py

include $(QEMU_WAMR_DIR)/../qemu_common/qemu_board.mk
# The flash budget of this board (WAMR + the wasm module <= 130 KB, `make
# bench`): WAMR's quick entries into AOT exports only for i32 parameters
# (WAMR patch 0083; the i64 ones cost 5 KB).
WAMR_BOARD_DEFS += -DWASM_QUICK_AOT_ENTRY_I64=0

# WAMR (and a derived board's BOARD_LIBS) need newlib's libc and libm
# (double maths, string functions); link them after the firmware's objects
# and before libgcc.
override LIBS = $(BOARD_LIBS) $(WAMR_LIB) \
	$(shell $(CC) $(CFLAGS) -print-file-name=libm.a) \
	$(shell $(CC) $(CFLAGS) -print-file-name=libc.a) \
	$(shell $(CC) $(CFLAGS) -print-libgcc-file-name)
# Relink when only WAMR changed (a patch): LIBS are not prerequisites.
$(BUILD)/firmware.elf: $(WAMR_LIB)
