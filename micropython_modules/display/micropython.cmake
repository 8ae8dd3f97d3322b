# `display` user C module for MicroPython's CMake ports (esp32, ESP-IDF 5.2-5.4).
#
# The make-based ports use micropython.mk + lvgl.mk; this file is their
# ESP-IDF counterpart and mirrors them:
#   - the Python binding and the module's C files (with the ESP32 backend,
#     port/esp32/display_esp32_st7789.c) are an INTERFACE library linked
#     into `usermod`;
#   - LVGL is a static library of its own (never QSTR-scanned), compiled
#     from the directories of lvgl_sources.mk with the microcontroller
#     configuration (lv_conf/mcu/lv_conf.h).
# host_tests/tools/test_esp32_cmake.py checks that the lists below stay equal
# to lvgl_sources.mk's LVGL_SRC_DIRS and micropython.mk's DISPLAY_LIB_SRC.
#
# Inputs (cmake -D...; LVGL_DIR may also come from the environment):
#   LVGL_DIR                         the pinned LVGL tree (default: <repo>/cache/lvgl)
#   MICROPY_DISPLAY_LVGL_POOL_SIZE   bytes of LVGL's pool (the board sets it;
#                                    default 256 KB, in PSRAM when the board
#                                    allows external .bss)
# The board's mpconfigboard.h gives the panel (MICROPY_HW_LCD_*).

set(DISPLAY_MOD_DIR ${CMAKE_CURRENT_LIST_DIR})

if(NOT LVGL_DIR)
    if(DEFINED ENV{LVGL_DIR})
        set(LVGL_DIR $ENV{LVGL_DIR})
    else()
        set(LVGL_DIR ${DISPLAY_MOD_DIR}/../../cache/lvgl)
    endif()
endif()
get_filename_component(LVGL_DIR "${LVGL_DIR}" ABSOLUTE)
if(NOT EXISTS ${LVGL_DIR}/lvgl/lvgl.h)
    message(FATAL_ERROR "display module: LVGL sources not found in ${LVGL_DIR}: run "
        "`python -m scripts deps --only crates` or pass -DLVGL_DIR=<lvgl tree>")
endif()

if(NOT MICROPY_DISPLAY_LVGL_POOL_SIZE)
    set(MICROPY_DISPLAY_LVGL_POOL_SIZE 262144)
endif()

# --- LVGL as its own static library ---------------------------------------------

# lvgl_sources.mk's LVGL_SRC_DIRS, one for one.
set(LVGL_SRC_DIRS
    src
    src/core
    src/display
    src/draw
    src/draw/convert
    src/draw/sw
    src/draw/sw/blend
    src/font
    src/font/fmt_txt
    src/indev
    src/layouts
    src/layouts/flex
    src/layouts/grid
    src/libs/bin_decoder
    src/misc
    src/misc/cache
    src/misc/cache/class
    src/misc/cache/instance
    src/osal
    src/stdlib
    src/stdlib/builtin
    src/stdlib/clib
    src/themes
    src/themes/default
    src/themes/simple
    src/tick
    src/widgets/arc
    src/widgets/bar
    src/widgets/button
    src/widgets/buttonmatrix
    src/widgets/calendar
    src/widgets/canvas
    src/widgets/chart
    src/widgets/checkbox
    src/widgets/dropdown
    src/widgets/image
    src/widgets/keyboard
    src/widgets/label
    src/widgets/led
    src/widgets/line
    src/widgets/list
    src/widgets/msgbox
    src/widgets/roller
    src/widgets/scale
    src/widgets/slider
    src/widgets/span
    src/widgets/spinner
    src/widgets/switch
    src/widgets/table
    src/widgets/tabview
    src/widgets/textarea
    demos
    demos/render
    demos/render/assets
    demos/widgets
    demos/widgets/assets
)

set(_MICROPY_LVGL_SRC)
foreach(dir ${LVGL_SRC_DIRS})
    if(NOT IS_DIRECTORY ${LVGL_DIR}/lvgl/${dir})
        message(FATAL_ERROR "display module: ${LVGL_DIR}/lvgl/${dir} is missing")
    endif()
    file(GLOB _lvgl_dir_src ${LVGL_DIR}/lvgl/${dir}/*.c)
    list(SORT _lvgl_dir_src)
    list(APPEND _MICROPY_LVGL_SRC ${_lvgl_dir_src})
endforeach()

# lvgl.mk's LVGL_API_CFLAGS: the project's lv_conf.h comes before anything
# else (the crate ships one of its own next to lvgl/).
set(_MICROPY_LVGL_INCLUDES
    ${DISPLAY_MOD_DIR}/lv_conf/mcu
    ${DISPLAY_MOD_DIR}
    ${LVGL_DIR}/lvgl
)
set(_MICROPY_LVGL_DEFS
    LV_CONF_INCLUDE_SIMPLE
    MICROPY_DISPLAY_LVGL_POOL_SIZE=${MICROPY_DISPLAY_LVGL_POOL_SIZE}
)

# Created at the end of the component directory, as micropy_wamr is (see
# ../wasm/micropython.cmake): it gets ESP-IDF's build-wide flags, and it is
# not a target yet when usermod.cmake gathers the QSTR sources.
if(CMAKE_VERSION VERSION_LESS 3.19)
    message(FATAL_ERROR "display module: CMake >= 3.19 needed (ESP-IDF 5.2 installs 3.24)")
endif()
function(micropy_lvgl_add_library)
    add_library(micropy_lvgl STATIC ${_MICROPY_LVGL_SRC})
    target_compile_definitions(micropy_lvgl PRIVATE ${_MICROPY_LVGL_DEFS})
    idf_build_get_property(config_dir CONFIG_DIR)
    target_include_directories(micropy_lvgl PRIVATE ${_MICROPY_LVGL_INCLUDES} ${config_dir})
    # Third-party code, compiled without warnings (ESP-IDF makes them errors).
    target_compile_options(micropy_lvgl PRIVATE -w)
    if(CONFIG_IDF_TARGET_ARCH_XTENSA)
        target_compile_options(micropy_lvgl PRIVATE -mlongcalls)
    endif()
    # lv_conf/mcu includes esp_attr.h (IRAM for lv_display_flush_ready).
    idf_build_get_property(components BUILD_COMPONENTS)
    foreach(comp esp_common newlib)
        if(comp IN_LIST components)
            target_link_libraries(micropy_lvgl PRIVATE idf::${comp})
        endif()
    endforeach()
endfunction()
cmake_language(DEFER CALL micropy_lvgl_add_library)

# --- The module: INTERFACE library linked into `usermod` ------------------------------

# micropython.mk's binding and DISPLAY_LIB_SRC, then the ESP32 backend.
set(DISPLAY_MOD_SRC
    moddisplay.c
)
set(DISPLAY_LIB_SRC
    display_core.c
    display_lock.c
    display_hooks.c
    display_pool.c
    display_png.c
    display_screenshot.c
    display_demo.c
)
set(DISPLAY_PORT_SRC
    port/esp32/display_esp32_st7789.c
)

add_library(usermod_display INTERFACE)
set(_display_sources)
foreach(src ${DISPLAY_MOD_SRC} ${DISPLAY_LIB_SRC} ${DISPLAY_PORT_SRC})
    list(APPEND _display_sources ${DISPLAY_MOD_DIR}/${src})
endforeach()
target_sources(usermod_display INTERFACE ${_display_sources})
target_include_directories(usermod_display INTERFACE ${_MICROPY_LVGL_INCLUDES})
# MICROPY_SCHEDULER_STATIC_NODES is already on in the esp32 port; LVGL's
# timers are polled by an esp_timer task there (no event hook needed).
target_compile_definitions(usermod_display INTERFACE
    ${_MICROPY_LVGL_DEFS}
    MICROPY_PY_DISPLAY=1
)
# esp_lcd (panel IO, ST7789) is not among the components MicroPython's own
# component requires: link it (and its include directories) from here.
target_link_libraries(usermod_display INTERFACE micropy_lvgl idf::esp_lcd)
target_link_libraries(usermod INTERFACE usermod_display)

message(STATUS "display module: LVGL from ${LVGL_DIR}, pool ${MICROPY_DISPLAY_LVGL_POOL_SIZE} bytes")
