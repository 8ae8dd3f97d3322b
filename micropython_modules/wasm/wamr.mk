# Builds WAMR as a static library of its own (libwamr.a) for MicroPython's
# make-based ports. WAMR is third-party C: it is compiled with its own flags
# and never handed to MicroPython's QSTR scanner.
#
# Inputs (set by the including micropython.mk or the port/board):
#   WAMR_DIR          WAMR source tree (cache/wamr, from the lock file)
#   WAMR_PLATFORM     linux | baremetal
#   WAMR_TARGET       X86_64 | THUMB_VFP | THUMB | RISCV32_ILP32
#   WAMR_BUILD_TARGET string matched against AOT files (e.g. THUMBV7EM)
#   WASM_INTERP       fast | classic
#   WAMR_ARCH_CFLAGS  CPU flags that must match the rest of the firmware
#   WAMR_BOARD_DEFS   extra WAMR defines of a board (e.g. WASM_ENABLE_WORD_ALIGN_READ)
#   WAMR_BLOCK_ADDR_CACHE  classic interpreter: block-address cache sets per
#                     exec env (power of two, 2 entries of 3 pointers each)
#   WAMR_SANITIZE_CFLAGS  sanitizer flags (the unix ASan build)
#   WAMR_INSTRUCTION_METERING  fuel= support (default: classic builds)
#   WAMR_METERING_BY_TABLE     how the classic interpreter meters (default:
#                     by dispatch table on bare metal, a counter on unix)
#   WAMR_CLASSIC_FUSED_OPS     classic interpreter: fused instruction runs
#   WAMR_OPT          optimisation of WAMR's files (default -Os)
#   WAMR_HOT_SRC      files compiled with WAMR_HOT_OPT instead (default: the
#   WAMR_HOT_OPT      interpreter at -O2); see README "Performance"
# Outputs: WAMR_LIB, WAMR_API_CFLAGS (what users of wasm_export.h need).

WAMR_PLATFORM ?= linux
# Instruction metering for Instance(fuel=...) (WAMR patch 0080): one
# decrement and branch per interpreted instruction, metered or not (README
# "Limits"): +15 % on the fast interpreter, which users pick for speed, so
# only classic builds (every board's default) have it unless asked for;
# without it fuel= raises ValueError.
WAMR_INSTRUCTION_METERING ?= $(if $(filter 1,$(WAMR_FAST_INTERP)),0,1)
# How the classic interpreter meters (WAMR patch 0102): by switching
# dispatch tables, nothing per instruction while unmetered, on the boards'
# in-order cores, where instructions are time (-18 % of them, -0.6 KB of
# Thumb code); a counter at every dispatch on unix, whose out-of-order
# x86-64 core hides it (the table build measured slower there).
WAMR_METERING_BY_TABLE ?= $(if $(filter baremetal,$(WAMR_PLATFORM)),1,0)
# Fused instruction runs in the classic interpreter (WAMR patch 0103): one
# dispatch for a local.get pair, i32.const and its operator and the like;
# 2 KB of Thumb code (a board short of flash sets 0).
WAMR_CLASSIC_FUSED_OPS ?= 1
# WAMR's default is 64 sets: interpreter-style guests (a big dispatch
# switch) then spend most of their time rescanning bytecode for block ends
# (README: "Classic interpreter"). 256 sets cost 6 KB per instance on a
# 32-bit board.
WAMR_BLOCK_ADDR_CACHE ?= 256
WAMR_TARGET ?= X86_64
WASM_INTERP ?= fast
WAMR_BUILD_DIR ?= $(BUILD)/wamr
WAMR_LIB := $(WAMR_BUILD_DIR)/libwamr.a
WAMR_CC ?= $(CC)
WAMR_AR ?= $(AR)

WAMR_CORE := $(WAMR_DIR)/core
include $(WASM_MOD_DIR)/wamr_sources.mk

ifeq ($(wildcard $(WAMR_CORE)/iwasm/include/wasm_export.h),)
$(error WAMR sources not found in $(WAMR_DIR): run `make setup` (python -m scripts deps) first)
endif

ifeq ($(WASM_INTERP),fast)
WAMR_FAST_INTERP := 1
WAMR_INTERP_SRC := wasm_interp_fast.c
else ifeq ($(WASM_INTERP),classic)
WAMR_FAST_INTERP := 0
WAMR_INTERP_SRC := wasm_interp_classic.c
else
$(error WASM_INTERP must be fast or classic, not $(WASM_INTERP))
endif

# Feature set shared by every port. WAMR's config.h defaults differ from
# its CMake defaults, so everything that matters is spelled out here.
WAMR_FEATURE_DEFS = \
	-DWASM_ENABLE_INTERP=1 \
	-DWASM_ENABLE_FAST_INTERP=$(WAMR_FAST_INTERP) \
	-DWASM_ENABLE_AOT=1 \
	-DWASM_ENABLE_JIT=0 \
	-DWASM_ENABLE_FAST_JIT=0 \
	-DWASM_ENABLE_BULK_MEMORY=1 \
	-DWASM_ENABLE_BULK_MEMORY_OPT=1 \
	-DWASM_ENABLE_CALL_INDIRECT_OVERLONG=1 \
	-DWASM_ENABLE_REF_TYPES=1 \
	-DWASM_ENABLE_SIMD=0 \
	-DWASM_ENABLE_MULTI_MODULE=0 \
	-DWASM_ENABLE_SHARED_MEMORY=0 \
	-DWASM_ENABLE_THREAD_MGR=1 \
	-DWASM_ENABLE_LIBC_BUILTIN=0 \
	-DWASM_ENABLE_LIBC_WASI=0 \
	-DWASM_ENABLE_MODULE_INST_CONTEXT=1 \
	-DWASM_ENABLE_MINI_LOADER=0 \
	-DWASM_ENABLE_GC=0 \
	-DWASM_ENABLE_MEMORY64=0 \
	-DWASM_ENABLE_TAIL_CALL=0 \
	-DWASM_ENABLE_CUSTOM_NAME_SECTION=0 \
	-DWASM_ENABLE_DUMP_CALL_STACK=0 \
	-DWASM_ENABLE_PERF_PROFILING=0 \
	-DWASM_ENABLE_MEMORY_PROFILING=0 \
	-DWASM_ENABLE_INSTRUCTION_METERING=$(WAMR_INSTRUCTION_METERING) \
	-DWASM_INSTRUCTION_METERING_BY_TABLE=$(WAMR_METERING_BY_TABLE) \
	-DWASM_ENABLE_CLASSIC_FUSED_OPS=$(WAMR_CLASSIC_FUSED_OPS) \
	-DWASM_ENABLE_WAMR_COMPILER=0 \
	-DWASM_ENABLE_APP_FRAMEWORK=0 \
	-DWASM_DISABLE_HW_BOUND_CHECK=1 \
	-DWASM_DISABLE_STACK_HW_BOUND_CHECK=1 \
	-DWASM_DISABLE_WAKEUP_BLOCKING_OP=1 \
	-DWASM_ENABLE_QUICK_AOT_ENTRY=1 \
	-DWASM_ENABLE_LOAD_CUSTOM_SECTION=0 \
	-DWASM_ENABLE_LOG=0 \
	-DWASM_ENABLE_EXTERNREF_MAP=0 \
	-DWASM_DISABLE_WRITE_GS_BASE=1 \
	-DBH_MALLOC=wasm_runtime_malloc \
	-DBH_FREE=wasm_runtime_free

ifeq ($(WAMR_TARGET),X86_64)
# WAMR's CMake sets WASM_DISABLE_WRITE_GS_BASE when its probe finds no
# FSGSBASE: without it every AOT call executes wrgsbase, an illegal
# instruction on such kernels and under valgrind. Nothing needs GS: the AOT
# compiler here never emits segue addressing.
WAMR_TARGET_DEFS = -DBUILD_TARGET_X86_64 -DBUILD_TARGET=\"X86_64\" -DWASM_DISABLE_WRITE_GS_BASE=1
WAMR_INVOKE_NATIVE = iwasm/common/arch/invokeNative_em64.s
WAMR_AOT_RELOC = iwasm/aot/arch/aot_reloc_x86_64.c
else ifeq ($(WAMR_TARGET),THUMB_VFP)
WAMR_TARGET_DEFS = -DBUILD_TARGET_THUMB_VFP -DBUILD_TARGET=\"$(WAMR_BUILD_TARGET)\"
WAMR_INVOKE_NATIVE = iwasm/common/arch/invokeNative_thumb_vfp.s
WAMR_AOT_RELOC = iwasm/aot/arch/aot_reloc_thumb.c
else ifeq ($(WAMR_TARGET),THUMB)
WAMR_TARGET_DEFS = -DBUILD_TARGET_THUMB -DBUILD_TARGET=\"$(WAMR_BUILD_TARGET)\"
WAMR_INVOKE_NATIVE = iwasm/common/arch/invokeNative_thumb.s
WAMR_AOT_RELOC = iwasm/aot/arch/aot_reloc_thumb.c
else ifeq ($(WAMR_TARGET),RISCV32_ILP32)
WAMR_TARGET_DEFS = -DBUILD_TARGET_RISCV32_ILP32 -DBUILD_TARGET=\"$(WAMR_BUILD_TARGET)\"
WAMR_INVOKE_NATIVE = iwasm/common/arch/invokeNative_riscv.S
WAMR_AOT_RELOC = iwasm/aot/arch/aot_reloc_riscv.c
else
$(error unsupported WAMR_TARGET $(WAMR_TARGET))
endif

ifeq ($(WAMR_PLATFORM),linux)
WAMR_PLATFORM_DEFS = -DBH_PLATFORM_LINUX -DWASM_HAVE_MREMAP=1 -D_GNU_SOURCE
WAMR_PLATFORM_INC = -I$(WAMR_CORE)/shared/platform/linux
WAMR_PLATFORM_SRC = $(WAMR_LINUX_PLATFORM_SRC)
else ifeq ($(WAMR_PLATFORM),baremetal)
# The bare-metal platform layer lives in this module (port/baremetal).
WAMR_PLATFORM_DEFS = -DBH_PLATFORM_MICROPYTHON_BAREMETAL
WAMR_PLATFORM_INC = -I$(WASM_MOD_DIR)/port/baremetal
WAMR_PLATFORM_SRC =
WAMR_PLATFORM_SHIM_SRC = port/baremetal/platform_baremetal.c
else
$(error unsupported WAMR_PLATFORM $(WAMR_PLATFORM))
endif

WAMR_API_CFLAGS = -I$(WAMR_CORE)/iwasm/include $(WAMR_FEATURE_DEFS) $(WAMR_TARGET_DEFS) $(WAMR_BOARD_DEFS)

# Per-file optimisation, chosen from `make bench` measurements per port: at
# -Os GCC merges the threaded interpreters' dispatch jumps into one shared
# indirect jump, which costs them about a third of their speed.
WAMR_OPT ?= -Os
WAMR_HOT_OPT ?= -O2
WAMR_HOT_SRC ?= iwasm/interpreter/$(WAMR_INTERP_SRC)

WAMR_CFLAGS = $(WAMR_ARCH_CFLAGS) -std=gnu99 $(WAMR_OPT) -g -ffunction-sections -fdata-sections \
	-fno-strict-aliasing -w \
	$(WAMR_FEATURE_DEFS) $(WAMR_TARGET_DEFS) $(WAMR_BOARD_DEFS) $(WAMR_PLATFORM_DEFS) \
	-DBLOCK_ADDR_CACHE_SIZE=$(WAMR_BLOCK_ADDR_CACHE) \
	-I$(WAMR_CORE) \
	-I$(WAMR_CORE)/iwasm/include \
	-I$(WAMR_CORE)/iwasm/common \
	-I$(WAMR_CORE)/iwasm/interpreter \
	-I$(WAMR_CORE)/iwasm/aot \
	-I$(WAMR_CORE)/shared/include \
	-I$(WAMR_CORE)/shared/utils \
	-I$(WAMR_CORE)/shared/mem-alloc \
	-I$(WAMR_CORE)/shared/platform/include \
	-I$(WAMR_CORE)/iwasm/libraries/thread-mgr \
	$(WAMR_PLATFORM_INC) \
	$(WAMR_EXTRA_CFLAGS) \
	$(WAMR_SANITIZE_CFLAGS)

WAMR_SRC = \
	$(WAMR_CORE_SRC) \
	iwasm/interpreter/$(WAMR_INTERP_SRC) \
	iwasm/libraries/thread-mgr/thread_manager.c \
	$(WAMR_AOT_RELOC) \
	$(WAMR_PLATFORM_SRC)

# The module's own code that needs WAMR internals (interrupt shim, and the
# bare-metal platform layer) is built with WAMR's flags, into the same library.
WAMR_SHIM_SRC = wamr_shim/wasm_interrupt.c wamr_shim/wasm_limits.c wamr_shim/wasm_table.c wamr_shim/wasm_globals.c wamr_shim/wasm_refs.c wamr_shim/wasm_guest_range.c wamr_shim/wasm_memory_share.c $(WAMR_PLATFORM_SHIM_SRC)

WAMR_OBJ = $(addprefix $(WAMR_BUILD_DIR)/,$(WAMR_SRC:.c=.o) $(patsubst %.S,%.o,$(WAMR_INVOKE_NATIVE:.s=.o))) \
	$(addprefix $(WAMR_BUILD_DIR)/mod/,$(WAMR_SHIM_SRC:.c=.o))

$(addprefix $(WAMR_BUILD_DIR)/,$(WAMR_HOT_SRC:.c=.o)): WAMR_OPT = $(WAMR_HOT_OPT)

$(WAMR_BUILD_DIR)/mod/%.o: $(WASM_MOD_DIR)/%.c
	$(ECHO) "CC (wamr shim) $*.c"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(WAMR_CC) $(WAMR_CFLAGS) -c -o $@ $<

$(WAMR_BUILD_DIR)/%.o: $(WAMR_CORE)/%.c
	$(ECHO) "CC (wamr) $*.c"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(WAMR_CC) $(WAMR_CFLAGS) -c -o $@ $<

$(WAMR_BUILD_DIR)/%.o: $(WAMR_CORE)/%.s
	$(ECHO) "AS (wamr) $*.s"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(WAMR_CC) $(WAMR_CFLAGS) -c -o $@ $<

$(WAMR_BUILD_DIR)/%.o: $(WAMR_CORE)/%.S
	$(ECHO) "AS (wamr) $*.S"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(WAMR_CC) $(WAMR_CFLAGS) -c -o $@ $<

# Feature defines live in this file: rebuild everything when it changes.
$(WAMR_OBJ): $(WASM_MOD_DIR)/wamr.mk $(WASM_MOD_DIR)/wamr_sources.mk $(WASM_MOD_DIR)/micropython.mk

$(WAMR_LIB): $(WAMR_OBJ)
	$(ECHO) "AR $@"
	$(Q)rm -f $@
	$(Q)$(WAMR_AR) rcs $@ $^
