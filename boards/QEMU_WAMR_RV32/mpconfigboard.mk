# Emulated RISC-V board (QEMU virt, a single rv32imc hart like the ESP32-C3)
# running MicroPython with the `wasm` module. Built through ports/qemu with
# BOARD_DIR pointing here; scripts/emulated_boards.py starts QEMU with the
# CPU these flags are for.
#
# Memory budget of boards/ESP32C3_WAMR: the ESP32 port's initial GC heap
# (64 KB on the C3) and the board's 128 KB WAMR pool, plus an arena for the
# memory WAMR maps (linear memory, AOT code), which the ESP32-C3 takes from
# the ESP-IDF heap (see README: what this board models and what it does not).

QEMU_ARCH = riscv32
QEMU_MACHINE = virt

# The ESP32-C3's ISA (ESP-IDF builds with rv32imc_zicsr_zifencei, ilp32):
# no atomics, no floating point. gcc 12 has no rv32imc multilib, so the link
# picks rv32im's libgcc and picolibc (no compressed code in them, no atomics).
RV32_ARCH = rv32imc_zicsr_zifencei
RV32_ABI = ilp32
RV32_LINK_ARCH = rv32im
CFLAGS += -DQEMU_SOC_VIRT
CFLAGS += -DMICROPY_HW_MCU_NAME='"rv32imc"'

MICROPY_HEAP_SIZE = 65536
MICROPY_WASM_POOL_SIZE = 131072
MICROPY_WASM_MMAP_ARENA_SIZE = 163840

LDSCRIPT = $(BOARD_DIR)/qemu_wamr_rv32.ld
SRC_BOARD_O += shared/runtime/gchelper_native.o shared/runtime/gchelper_rv32i.o
MPY_CROSS_FLAGS += -march=rv32imc

# WAMR for this CPU: RISCV32_ILP32, AOT files for "riscv32" (as the
# ESP32-C3 build).
WAMR_TARGET = RISCV32_ILP32
WAMR_BUILD_TARGET = RISCV32
WAMR_ARCH_CFLAGS = -march=$(RV32_ARCH) -mabi=$(RV32_ABI) -ffreestanding $(SPECS_FRAGMENT)

# Board support: traps, UART interrupts (Ctrl-C), clock, semihosting, the
# XIP views' model of the instruction bus, atomics.
SRC_C += $(BOARD_DIR)/board_init.c $(BOARD_DIR)/board_trap.c $(BOARD_DIR)/board_uart.c \
	$(BOARD_DIR)/board_xip.c $(BOARD_DIR)/board_atomic.c

CFLAGS += -I$(BOARD_DIR)
FROZEN_MANIFEST ?= $(BOARD_DIR)/manifest.py

include $(BOARD_DIR)/../qemu_common/qemu_board.mk

# The port links with -march=$(RV32_ARCH), for which gcc 12 finds no
# multilib (it would take the 64-bit libraries): only the link, not the
# objects it depends on, uses the multilib's ISA.
$(BUILD)/firmware.elf: private LDFLAGS += -march=$(RV32_LINK_ARCH)

# WAMR needs picolibc's libc and libm (double maths, string functions); link
# them after the firmware's objects and before libgcc.
override LIBS = $(WAMR_LIB) -lm -lc -lgcc
