# `wasm` user C module for MicroPython's CMake ports (esp32, ESP-IDF 5.2-5.4).
#
# The make-based ports (unix, qemu) use micropython.mk + wamr.mk; this file is
# their ESP-IDF counterpart and mirrors them:
#   - the Python binding is an INTERFACE library linked into `usermod`: its
#     sources are QSTR-scanned and compiled into MicroPython's component;
#   - WAMR is a static library of its own (never QSTR-scanned), built for the
#     chip (XTENSA or RISCV32_ILP32) on WAMR's esp-idf platform layer, with the
#     feature defines of wamr.mk plus WASM_ENABLE_WORD_ALIGN_READ=1 (XIP apps
#     are read through the instruction bus, which only allows word reads).
# host_tests/tools/test_esp32_cmake.py checks that the lists below stay equal
# to micropython.mk's WASM_MOD_SRC and wamr.mk's WAMR_FEATURE_DEFS/WAMR_SRC.
#
# Inputs (cmake -D...; WAMR_DIR may also come from the environment):
#   WAMR_DIR                    WAMR source tree (default: <repo>/cache/wamr,
#                               materialised by `python -m scripts deps`)
#   MICROPY_WASM_INTERP         fast | classic (default fast; the boards pick classic)
#   MICROPY_WASM_POOL_SIZE      WAMR pool in bytes (boards set it; default 128 KB)
#   MICROPY_WASM_POOL_IN_PSRAM  ON: the pool is static .bss in PSRAM (EXT_RAM_BSS_ATTR;
#                               needs CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY)
#   MICROPY_WASM_POOL_AT_BOOT   ON: the pool comes from the internal heap at boot
#                               (the board's MICROPY_BOARD_STARTUP must be
#                               mp_wasm_esp32_board_startup); OFF: internal .bss

set(WASM_MOD_DIR ${CMAKE_CURRENT_LIST_DIR})

if(NOT WAMR_DIR)
    if(DEFINED ENV{WAMR_DIR})
        set(WAMR_DIR $ENV{WAMR_DIR})
    else()
        set(WAMR_DIR ${WASM_MOD_DIR}/../../cache/wamr)
    endif()
endif()
get_filename_component(WAMR_DIR "${WAMR_DIR}" ABSOLUTE)
set(WAMR_CORE ${WAMR_DIR}/core)
if(NOT EXISTS ${WAMR_CORE}/iwasm/include/wasm_export.h)
    message(FATAL_ERROR "wasm module: WAMR sources not found in ${WAMR_DIR}: run "
        "`python -m scripts deps --only crates` or pass -DWAMR_DIR=<wamr tree>")
endif()

if(NOT MICROPY_WASM_INTERP)
    set(MICROPY_WASM_INTERP fast)
endif()
if(MICROPY_WASM_INTERP STREQUAL "fast")
    set(WAMR_FAST_INTERP 1)
elseif(MICROPY_WASM_INTERP STREQUAL "classic")
    set(WAMR_FAST_INTERP 0)
else()
    message(FATAL_ERROR "wasm module: MICROPY_WASM_INTERP must be fast or classic")
endif()

if(NOT MICROPY_WASM_POOL_SIZE)
    set(MICROPY_WASM_POOL_SIZE 131072)
endif()

# --- Target -------------------------------------------------------------------

# WAMR_TARGET selects WAMR's code paths (BUILD_TARGET_<x>); BUILD_TARGET is
# the name AOT files carry for the target ("xtensa", "riscv32"), which the
# module's XIP loader compares with the apps in the wasmapps partition.
if(CONFIG_IDF_TARGET_ARCH_XTENSA)
    set(WAMR_TARGET XTENSA)
    set(WAMR_BUILD_TARGET_NAME XTENSA)
    set(WAMR_INVOKE_NATIVE iwasm/common/arch/invokeNative_xtensa.s)
    set(WAMR_AOT_RELOC iwasm/aot/arch/aot_reloc_xtensa.c)
elseif(CONFIG_IDF_TARGET_ARCH_RISCV)
    if(CONFIG_IDF_TARGET_ESP32P4)
        set(WAMR_TARGET RISCV32_ILP32F)
    else()
        set(WAMR_TARGET RISCV32_ILP32)
    endif()
    set(WAMR_BUILD_TARGET_NAME RISCV32)
    set(WAMR_INVOKE_NATIVE iwasm/common/arch/invokeNative_riscv.S)
    set(WAMR_AOT_RELOC iwasm/aot/arch/aot_reloc_riscv.c)
else()
    message(FATAL_ERROR "wasm module: no WAMR target for IDF_TARGET '${IDF_TARGET}'")
endif()
set(WAMR_TARGET_DEFS BUILD_TARGET_${WAMR_TARGET} "BUILD_TARGET=\"${WAMR_BUILD_TARGET_NAME}\"")

# --- Feature set: wamr.mk's WAMR_FEATURE_DEFS, one for one ----------------------

# Instance(fuel=...): wamr.mk's WAMR_INSTRUCTION_METERING (README "Limits"):
# classic builds only, unless asked for (it slows the fast interpreter 15 %).
if(NOT DEFINED WAMR_INSTRUCTION_METERING)
    if(WAMR_FAST_INTERP)
        set(WAMR_INSTRUCTION_METERING 0)
    else()
        set(WAMR_INSTRUCTION_METERING 1)
    endif()
endif()
# wamr.mk's WAMR_METERING_BY_TABLE: the ESP32s' in-order cores, like the
# emulated boards', meter by switching dispatch tables (WAMR patch 0102).
if(NOT DEFINED WAMR_METERING_BY_TABLE)
    set(WAMR_METERING_BY_TABLE 1)
endif()
# wamr.mk's WAMR_CLASSIC_FUSED_OPS (WAMR patch 0103): fused instruction runs
# in the classic interpreter, 2 KB of code on flash the ESP32s have.
if(NOT DEFINED WAMR_CLASSIC_FUSED_OPS)
    set(WAMR_CLASSIC_FUSED_OPS 1)
endif()

set(WAMR_FEATURE_DEFS
    WASM_ENABLE_INTERP=1
    WASM_ENABLE_FAST_INTERP=${WAMR_FAST_INTERP}
    WASM_ENABLE_AOT=1
    WASM_ENABLE_JIT=0
    WASM_ENABLE_FAST_JIT=0
    WASM_ENABLE_BULK_MEMORY=1
    WASM_ENABLE_BULK_MEMORY_OPT=1
    WASM_ENABLE_CALL_INDIRECT_OVERLONG=1
    WASM_ENABLE_REF_TYPES=1
    WASM_ENABLE_SIMD=0
    WASM_ENABLE_MULTI_MODULE=0
    WASM_ENABLE_SHARED_MEMORY=0
    WASM_ENABLE_THREAD_MGR=1
    WASM_ENABLE_LIBC_BUILTIN=0
    WASM_ENABLE_LIBC_WASI=0
    WASM_ENABLE_MODULE_INST_CONTEXT=1
    WASM_ENABLE_MINI_LOADER=0
    WASM_ENABLE_GC=0
    WASM_ENABLE_MEMORY64=0
    WASM_ENABLE_TAIL_CALL=0
    WASM_ENABLE_CUSTOM_NAME_SECTION=0
    WASM_ENABLE_DUMP_CALL_STACK=0
    WASM_ENABLE_PERF_PROFILING=0
    WASM_ENABLE_MEMORY_PROFILING=0
    WASM_ENABLE_INSTRUCTION_METERING=${WAMR_INSTRUCTION_METERING}
    WASM_INSTRUCTION_METERING_BY_TABLE=${WAMR_METERING_BY_TABLE}
    WASM_ENABLE_CLASSIC_FUSED_OPS=${WAMR_CLASSIC_FUSED_OPS}
    WASM_ENABLE_WAMR_COMPILER=0
    WASM_ENABLE_APP_FRAMEWORK=0
    WASM_DISABLE_HW_BOUND_CHECK=1
    WASM_DISABLE_STACK_HW_BOUND_CHECK=1
    WASM_DISABLE_WAKEUP_BLOCKING_OP=1
    WASM_ENABLE_QUICK_AOT_ENTRY=1
    WASM_ENABLE_LOAD_CUSTOM_SECTION=0
    WASM_ENABLE_LOG=0
    WASM_ENABLE_EXTERNREF_MAP=0
    WASM_DISABLE_WRITE_GS_BASE=1
    BH_MALLOC=wasm_runtime_malloc
    BH_FREE=wasm_runtime_free
)
# ESP32 only: XIP AOT text and data are read through the instruction bus.
set(WAMR_ESP32_DEFS
    WASM_ENABLE_WORD_ALIGN_READ=1
    # Classic interpreter: wamr.mk's WAMR_BLOCK_ADDR_CACHE for boards.
    BLOCK_ADDR_CACHE_SIZE=256
)

# --- WAMR as its own static library ---------------------------------------------

# wamr.mk's WAMR_SRC (wamr_sources.mk's WAMR_CORE_SRC + the interpreter +
# the thread manager) without the linux/baremetal platform files.
set(WAMR_CORE_SRC
    shared/mem-alloc/mem_alloc.c
    shared/mem-alloc/ems/ems_alloc.c
    shared/mem-alloc/ems/ems_gc.c
    shared/mem-alloc/ems/ems_hmu.c
    shared/mem-alloc/ems/ems_kfc.c
    shared/utils/bh_assert.c
    shared/utils/bh_bitmap.c
    shared/utils/bh_common.c
    shared/utils/bh_hashmap.c
    shared/utils/bh_leb128.c
    shared/utils/bh_list.c
    shared/utils/bh_log.c
    shared/utils/bh_queue.c
    shared/utils/bh_vector.c
    shared/utils/runtime_timer.c
    iwasm/common/wasm_runtime_common.c
    iwasm/common/wasm_native.c
    iwasm/common/wasm_exec_env.c
    iwasm/common/wasm_memory.c
    iwasm/common/wasm_loader_common.c
    iwasm/common/wasm_blocking_op.c
    iwasm/common/wasm_c_api.c
    iwasm/interpreter/wasm_loader.c
    iwasm/interpreter/wasm_runtime.c
    iwasm/aot/aot_loader.c
    iwasm/aot/aot_runtime.c
    iwasm/aot/aot_intrinsic.c
    iwasm/interpreter/wasm_interp_${MICROPY_WASM_INTERP}.c
    iwasm/libraries/thread-mgr/thread_manager.c
)
# WAMR's esp-idf platform layer, without its WASI host layers (espidf_file.c,
# espidf_socket.c, espidf_clock.c and libc-util): only WAMR's libc-wasi uses
# them, and the module brings its own WASI (WASM_ENABLE_LIBC_WASI=0).
set(WAMR_PLATFORM_SRC
    shared/platform/esp-idf/espidf_platform.c
    shared/platform/esp-idf/espidf_malloc.c
    shared/platform/esp-idf/espidf_memmap.c
    shared/platform/esp-idf/espidf_thread.c
)
# The module's own code that needs WAMR internals (wamr.mk's WAMR_SHIM_SRC).
set(WAMR_SHIM_SRC
    wamr_shim/wasm_interrupt.c
    wamr_shim/wasm_limits.c
    wamr_shim/wasm_table.c
    wamr_shim/wasm_globals.c
    wamr_shim/wasm_refs.c
    wamr_shim/wasm_guest_range.c
    wamr_shim/wasm_memory_share.c
)

set(WAMR_LIB_SRC)
foreach(src ${WAMR_CORE_SRC} ${WAMR_PLATFORM_SRC} ${WAMR_AOT_RELOC} ${WAMR_INVOKE_NATIVE})
    list(APPEND WAMR_LIB_SRC ${WAMR_CORE}/${src})
endforeach()
foreach(src ${WAMR_SHIM_SRC})
    list(APPEND WAMR_LIB_SRC ${WASM_MOD_DIR}/${src})
endforeach()
foreach(src ${WAMR_LIB_SRC})
    if(NOT EXISTS ${src})
        message(FATAL_ERROR "wasm module: ${src} is missing (WAMR tree: ${WAMR_DIR})")
    endif()
endforeach()

# This file runs (through py/usermod.cmake) before MicroPython registers its
# ESP-IDF component, i.e. before idf_component_register() gives the component
# directory ESP-IDF's build-wide flags (sdkconfig.h, -mlongcalls,
# -ffunction-sections, the optimisation level...). So the library is created
# at the end of that directory instead, where it gets exactly the flags every
# ESP-IDF component gets. (It is not a target yet when usermod.cmake gathers
# sources for the QSTR scan, so WAMR is never scanned.)
if(CMAKE_VERSION VERSION_LESS 3.19)
    message(FATAL_ERROR "wasm module: CMake >= 3.19 needed (ESP-IDF 5.2 installs 3.24)")
endif()
set(_MICROPY_WAMR_SRC ${WAMR_LIB_SRC})
set(_MICROPY_WAMR_HOT_SRC ${WAMR_CORE}/iwasm/interpreter/wasm_interp_${MICROPY_WASM_INTERP}.c)
set(_MICROPY_WAMR_DEFS ${WAMR_FEATURE_DEFS} ${WAMR_ESP32_DEFS} ${WAMR_TARGET_DEFS}
    BH_PLATFORM_ESP_IDF BH_VPRINTF=mp_wasm_vprintf)
set(_MICROPY_WAMR_INCLUDES
    ${WAMR_CORE}
    ${WAMR_CORE}/iwasm/include
    ${WAMR_CORE}/iwasm/common
    ${WAMR_CORE}/iwasm/interpreter
    ${WAMR_CORE}/iwasm/aot
    ${WAMR_CORE}/shared/include
    ${WAMR_CORE}/shared/utils
    ${WAMR_CORE}/shared/mem-alloc
    ${WAMR_CORE}/shared/platform/include
    ${WAMR_CORE}/shared/platform/esp-idf
    ${WAMR_CORE}/iwasm/libraries/thread-mgr
)

function(micropy_wamr_add_library)
    add_library(micropy_wamr STATIC ${_MICROPY_WAMR_SRC})
    target_compile_definitions(micropy_wamr PRIVATE ${_MICROPY_WAMR_DEFS})
    idf_build_get_property(config_dir CONFIG_DIR)
    target_include_directories(micropy_wamr PRIVATE ${_MICROPY_WAMR_INCLUDES} ${config_dir})
    # Third-party code, compiled without warnings as in wamr.mk (ESP-IDF
    # turns warnings into errors).
    target_compile_options(micropy_wamr PRIVATE -w)
    # As wamr.mk: the threaded interpreter at -O2 (ESP-IDF builds the rest
    # with its own optimisation level, -Os by default), or GCC merges its
    # dispatch jumps into one shared indirect jump.
    set_source_files_properties(${_MICROPY_WAMR_HOT_SRC}
        TARGET_DIRECTORY micropy_wamr PROPERTIES COMPILE_OPTIONS "-O2")
    if(CONFIG_IDF_TARGET_ARCH_XTENSA)
        # Calls across flash and IRAM, as all of ESP-IDF's Xtensa code.
        target_compile_options(micropy_wamr PRIVATE -mlongcalls)
    endif()
    # Headers of the components the platform layer includes (esp_timer.h,
    # freertos/, esp_pthread.h, lwip's sys/socket.h, heap_caps.h...), and
    # their libraries after WAMR's on the link line.
    idf_build_get_property(components BUILD_COMPONENTS)
    foreach(comp freertos esp_timer pthread lwip heap newlib log esp_common
            esp_hw_support esp_system esp_rom soc hal)
        if(comp IN_LIST components)
            target_link_libraries(micropy_wamr PRIVATE idf::${comp})
        endif()
    endforeach()
endfunction()
cmake_language(DEFER CALL micropy_wamr_add_library)

# --- The binding: INTERFACE library linked into `usermod` ---------------------------

# micropython.mk's WASM_MOD_SRC, then the ESP32 port hooks.
set(WASM_MOD_SRC
    modwasm.c
    wasm_runtime_glue.c
    wasm_module.c
    wasm_instance.c
    wasm_limits.c
    wasm_exports.c
    wasm_host_imports.c
    wasm_native_call.c
    wasm_guest_mem.c
    wasm_natives.c
    wasm_natives_mp.c
    wasm_natives_try.c
    wasm_memory_obj.c
    wasm_global.c
    wasm_ref_values.c
    wasm_table_obj.c
    wasm_values.c
    wasm_wasi.c
    wasm_wasi_fd.c
    wasm_wasi_path.c
    wasm_wasi_stream.c
    wasm_wasi_errno.c
    wasm_xip.c
    wasm_aot_check.c
    wasm_imports.c
    wasm_names.c
)
set(WASM_MOD_PORT_SRC
    port/esp32/wasm_port_esp32.c
    port/esp32/wasm_pool_esp32.c
    port/esp32/wasm_xip_esp32.c
)

add_library(usermod_wasm INTERFACE)
set(_wasm_mod_sources)
foreach(src ${WASM_MOD_SRC} ${WASM_MOD_PORT_SRC})
    list(APPEND _wasm_mod_sources ${WASM_MOD_DIR}/${src})
endforeach()
target_sources(usermod_wasm INTERFACE ${_wasm_mod_sources})
target_include_directories(usermod_wasm INTERFACE
    ${WASM_MOD_DIR}
    ${WASM_MOD_DIR}/port/esp32
    ${WAMR_CORE}/iwasm/include
)
# wamr.mk's WAMR_API_CFLAGS (the feature and target defines shape WAMR's
# public structs, so the binding sees exactly what the library was built with)
# and micropython.mk's module defines.
target_compile_definitions(usermod_wasm INTERFACE
    ${WAMR_FEATURE_DEFS}
    ${WAMR_ESP32_DEFS}
    ${WAMR_TARGET_DEFS}
    MICROPY_WASM_POOL_SIZE=${MICROPY_WASM_POOL_SIZE}
    "MICROPY_WASM_INTERP_NAME=\"${MICROPY_WASM_INTERP}\""
)
target_link_libraries(usermod_wasm INTERFACE micropy_wamr)
target_link_libraries(usermod INTERFACE usermod_wasm)

# --- WAMR pool placement --------------------------------------------------------

# port/esp32/wasm_pool_esp32.c defines the pool: static .bss in PSRAM
# (EXT_RAM_BSS_ATTR), reserved from the internal heap at boot, or static
# internal .bss.
if(MICROPY_WASM_POOL_IN_PSRAM AND MICROPY_WASM_POOL_AT_BOOT)
    message(FATAL_ERROR "wasm module: MICROPY_WASM_POOL_IN_PSRAM and "
        "MICROPY_WASM_POOL_AT_BOOT exclude each other")
endif()
if(MICROPY_WASM_POOL_IN_PSRAM)
    if(NOT CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY)
        message(FATAL_ERROR "wasm module: MICROPY_WASM_POOL_IN_PSRAM needs "
            "CONFIG_SPIRAM=y and CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY=y in the "
            "board's sdkconfig")
    endif()
    set(_wasm_pool_psram 1)
    set(_wasm_pool_where "PSRAM (.ext_ram.bss)")
else()
    set(_wasm_pool_psram 0)
    set(_wasm_pool_where "internal RAM (.bss)")
endif()
if(MICROPY_WASM_POOL_AT_BOOT)
    set(_wasm_pool_at_boot 1)
    set(_wasm_pool_where "internal RAM (heap, reserved at boot)")
else()
    set(_wasm_pool_at_boot 0)
endif()
target_compile_definitions(usermod_wasm INTERFACE
    MICROPY_WASM_PORT_POOL=1
    MICROPY_WASM_POOL_IN_PSRAM=${_wasm_pool_psram}
    MICROPY_WASM_POOL_AT_BOOT=${_wasm_pool_at_boot}
)
message(STATUS "wasm module: WAMR ${WAMR_TARGET}, ${MICROPY_WASM_INTERP} interpreter + AOT, "
    "pool ${MICROPY_WASM_POOL_SIZE} bytes in ${_wasm_pool_where}")
