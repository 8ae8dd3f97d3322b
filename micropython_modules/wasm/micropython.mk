# `wasm` user C module for MicroPython's make-based ports (unix, qemu).
# WAMR itself is built by wamr.mk as a separate static library.

WASM_MOD_DIR := $(USERMOD_DIR)
WAMR_DIR ?= $(abspath $(WASM_MOD_DIR)/../../cache/wamr)

# Size of WAMR's private memory pool (bytes), separate from the GC heap.
MICROPY_WASM_POOL_SIZE ?= 262144

# Platform layer: unix builds on WAMR's linux layer, everything else on the
# module's own bare-metal layer.
ifeq ($(WAMR_PLATFORM),)
ifneq ($(filter %/ports/unix,$(abspath $(CURDIR))),)
WAMR_PLATFORM := linux
else
WAMR_PLATFORM := baremetal
endif
endif

# unix: a bigger block-address cache for the classic interpreter (48 KB per
# instance on x86-64; measured in README's "Classic interpreter").
ifeq ($(WAMR_PLATFORM),linux)
WAMR_BLOCK_ADDR_CACHE ?= 1024
endif

WAMR_EXTRA_CFLAGS += -DBH_VPRINTF=mp_wasm_vprintf
# Unix: WAMR's call path runs on every guest call and flash costs nothing,
# so all of WAMR is -O2 there (the boards keep -Os but for the interpreter;
# see README "Performance").
ifeq ($(WAMR_PLATFORM),linux)
WAMR_OPT ?= -O2
endif
# Boards may give the memory WAMR maps (linear memory, AOT code) an arena
# of its own, apart from the pool, as ESP-IDF's heap is on the ESP32 boards.
ifneq ($(MICROPY_WASM_MMAP_ARENA_SIZE),)
WAMR_EXTRA_CFLAGS += -DMICROPY_WASM_MMAP_ARENA_SIZE=$(MICROPY_WASM_MMAP_ARENA_SIZE)
CFLAGS_USERMOD += -DMICROPY_WASM_MMAP_ARENA_SIZE=$(MICROPY_WASM_MMAP_ARENA_SIZE)
endif
include $(WASM_MOD_DIR)/wamr.mk

WASM_MOD_SRC := \
	modwasm.c \
	wasm_runtime_glue.c \
	wasm_module.c \
	wasm_instance.c \
	wasm_limits.c \
	wasm_exports.c \
	wasm_host_imports.c \
	wasm_native_call.c \
	wasm_guest_mem.c \
	wasm_natives.c \
	wasm_natives_mp.c \
	wasm_natives_try.c \
	wasm_memory_obj.c \
	wasm_global.c \
	wasm_ref_values.c \
	wasm_table_obj.c \
	wasm_values.c \
	wasm_wasi.c \
	wasm_wasi_fd.c \
	wasm_wasi_path.c \
	wasm_wasi_stream.c \
	wasm_wasi_errno.c \
	wasm_xip.c \
	wasm_aot_check.c \
	wasm_imports.c \
	wasm_names.c

ifeq ($(WAMR_PLATFORM),linux)
WASM_MOD_SRC += port/unix/wasm_port_unix.c
else
WASM_MOD_SRC += port/baremetal/wasm_port_baremetal.c
CFLAGS_USERMOD += -I$(WASM_MOD_DIR)/port/baremetal
endif

SRC_USERMOD_C += $(addprefix $(WASM_MOD_DIR)/,$(WASM_MOD_SRC))
CFLAGS_USERMOD += -I$(WASM_MOD_DIR) $(WAMR_API_CFLAGS) \
	-DMICROPY_WASM_POOL_SIZE=$(MICROPY_WASM_POOL_SIZE) \
	-DMICROPY_WASM_INTERP_NAME=\"$(WASM_INTERP)\"
# Make ports link `$(CC) -o prog objs... $(LDFLAGS)` on unix; bare-metal
# boards put $(WAMR_LIB) into their link libraries themselves (before libc).
ifeq ($(WAMR_PLATFORM),linux)
LDFLAGS_USERMOD += $(WAMR_LIB)
# Ctrl-C reaches running guests through a SIGINT handler put in front of
# the port's when the port installs its own (port/unix/wasm_port_unix.c),
# with no per-call signal set-up.
LDFLAGS_USERMOD += -Wl,--wrap=mp_hal_set_interrupt_char
endif
# The ports' link rules list only their objects: relink when libwamr.a
# changed (a WAMR patch), or the firmware keeps the old WAMR.
ifeq ($(WAMR_PLATFORM),linux)
$(BUILD)/$(PROG): $(WAMR_LIB)
else
$(BUILD)/firmware.elf: $(WAMR_LIB)
endif

# Link after libwamr.a exists: the module's objects are part of every
# port's final link, so an order-only dependency on them is enough.
# The feature defines in wamr.mk shape WAMR's structs: rebuild on change.
$(addprefix $(BUILD)/wasm/,$(WASM_MOD_SRC:.c=.o)): $(WASM_MOD_DIR)/wamr.mk | $(WAMR_LIB)

# `make coverage` (scripts/coverage.py): gcov counters in the module's own
# files only, unoptimised so that lines and branches map to the source.
ifeq ($(WASM_COVERAGE),1)
$(addprefix $(BUILD)/wasm/,$(WASM_MOD_SRC:.c=.o)): CFLAGS += -O0 --coverage
LDFLAGS_USERMOD += --coverage
endif
