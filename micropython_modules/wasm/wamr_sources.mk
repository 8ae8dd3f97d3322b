# WAMR sources (relative to $(WAMR_CORE)) shared by every build of WAMR in
# this project: the firmware's library (wamr.mk) and the AOT compiler
# (tools/aotc/Makefile). micropython.cmake mirrors the lists for ESP-IDF
# (host_tests/tools/test_esp32_cmake.py keeps them equal).

# Allocator, utilities, the common runtime, the wasm loader and the AOT
# runtime. Each build adds an interpreter, an invokeNative and a platform.
WAMR_CORE_SRC = \
	shared/mem-alloc/mem_alloc.c \
	shared/mem-alloc/ems/ems_alloc.c \
	shared/mem-alloc/ems/ems_gc.c \
	shared/mem-alloc/ems/ems_hmu.c \
	shared/mem-alloc/ems/ems_kfc.c \
	shared/utils/bh_assert.c \
	shared/utils/bh_bitmap.c \
	shared/utils/bh_common.c \
	shared/utils/bh_hashmap.c \
	shared/utils/bh_leb128.c \
	shared/utils/bh_list.c \
	shared/utils/bh_log.c \
	shared/utils/bh_queue.c \
	shared/utils/bh_vector.c \
	shared/utils/runtime_timer.c \
	iwasm/common/wasm_runtime_common.c \
	iwasm/common/wasm_native.c \
	iwasm/common/wasm_exec_env.c \
	iwasm/common/wasm_memory.c \
	iwasm/common/wasm_loader_common.c \
	iwasm/common/wasm_blocking_op.c \
	iwasm/common/wasm_c_api.c \
	iwasm/interpreter/wasm_loader.c \
	iwasm/interpreter/wasm_runtime.c \
	iwasm/aot/aot_loader.c \
	iwasm/aot/aot_runtime.c \
	iwasm/aot/aot_intrinsic.c

# WAMR's own platform layer for Linux hosts (the unix firmware, the compiler).
WAMR_LINUX_PLATFORM_SRC = \
	shared/platform/linux/platform_init.c \
	shared/platform/common/posix/posix_malloc.c \
	shared/platform/common/posix/posix_memmap.c \
	shared/platform/common/posix/posix_thread.c \
	shared/platform/common/posix/posix_time.c \
	shared/platform/common/posix/posix_sleep.c \
	shared/platform/common/posix/posix_blocking_op.c
