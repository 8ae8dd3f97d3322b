# `display` user C module for MicroPython's make-based ports (unix, qemu).
# LVGL itself is built by lvgl.mk as a separate static library.
#
# DISPLAY_BACKEND picks the panel backend (display_driver.h):
#   headless   unix default: a framebuffer in memory
#   sdl        unix: the framebuffer in an SDL2 window (`make unix DISPLAY=sdl`)
#   board      a bare-metal board whose files bring the panel and the port
#              hooks (boards/QEMU_WAMR_LCD); the board sets it
#   none       no display module (other boards leave it empty, same effect)

DISPLAY_MOD_DIR := $(USERMOD_DIR)
LVGL_DIR ?= $(abspath $(DISPLAY_MOD_DIR)/../../cache/lvgl)

ifeq ($(DISPLAY_BACKEND),)
ifneq ($(filter %/ports/unix,$(abspath $(CURDIR))),)
DISPLAY_BACKEND := headless
endif
endif

ifneq ($(filter-out headless sdl board none,$(DISPLAY_BACKEND)),)
$(error DISPLAY_BACKEND must be headless, sdl, board or none, not $(DISPLAY_BACKEND))
endif

ifneq ($(filter headless sdl board,$(DISPLAY_BACKEND)),)

ifeq ($(DISPLAY_BACKEND),board)
LVGL_CONF_CLASS ?= mcu
else
LVGL_CONF_CLASS ?= host
MICROPY_DISPLAY_LVGL_POOL_SIZE ?= 524288
endif

include $(DISPLAY_MOD_DIR)/lvgl.mk

# The binding is QSTR-scanned; the rest uses no qstrs and raises with plain
# strings, so it is compiled without the scan (SRC_USERMOD_LIB_C).
SRC_USERMOD_C += $(DISPLAY_MOD_DIR)/moddisplay.c
DISPLAY_LIB_SRC := \
	display_core.c \
	display_lock.c \
	display_hooks.c \
	display_pool.c \
	display_png.c \
	display_screenshot.c \
	display_demo.c

ifeq ($(DISPLAY_BACKEND),headless)
DISPLAY_LIB_SRC += port/unix/display_unix_port.c port/unix/display_unix_fb.c port/unix/display_unix_headless.c
else ifeq ($(DISPLAY_BACKEND),sdl)
DISPLAY_LIB_SRC += port/unix/display_unix_port.c port/unix/display_unix_fb.c port/unix/display_unix_sdl.c
SDL_CFLAGS := $(shell pkg-config --cflags sdl2)
SDL_LIBS := $(shell pkg-config --libs sdl2)
ifeq ($(SDL_LIBS),)
$(error DISPLAY=sdl needs SDL2's development files (Debian: libsdl2-dev, installed by make setup))
endif
# Only the backend sees SDL's headers: the other objects stay the same as in
# the headless build.
$(BUILD)/display/port/unix/display_unix_sdl.o: CFLAGS += $(SDL_CFLAGS)
LDFLAGS_USERMOD += $(SDL_LIBS)
endif
SRC_USERMOD_LIB_C += $(addprefix $(DISPLAY_MOD_DIR)/,$(DISPLAY_LIB_SRC))

# LVGL's timers run from MicroPython's scheduler (a static node, not the
# Python-visible queue) and, while Python idles, from its event-poll hook.
CFLAGS_USERMOD += -I$(DISPLAY_MOD_DIR) $(LVGL_API_CFLAGS) \
	-DMICROPY_PY_DISPLAY=1 \
	-DMICROPY_SCHEDULER_STATIC_NODES=1 \
	'-DMICROPY_INTERNAL_EVENT_HOOK=do { extern _Bool mp_display_poll(void); mp_display_poll(); } while (0)'

# Unix links `$(CC) -o prog objs... $(LDFLAGS)`; bare-metal boards put
# $(LVGL_LIB) into their link libraries themselves (before libc).
ifneq ($(DISPLAY_BACKEND),board)
LDFLAGS_USERMOD += $(LVGL_LIB) -Wl,--wrap=mp_hal_stdin_rx_chr
endif

# liblvgl.a is built before the module's objects (which include its
# headers) and relinks the firmware when it changes. lv_conf changes reach
# LVGL through its dependency files; the module sees them here.
DISPLAY_OBJ := $(addprefix $(BUILD)/display/,$(DISPLAY_LIB_SRC:.c=.o)) $(BUILD)/display/moddisplay.o
$(DISPLAY_OBJ): $(wildcard $(DISPLAY_MOD_DIR)/lv_conf/*.h $(DISPLAY_MOD_DIR)/lv_conf/*/*.h) | $(LVGL_LIB)
ifeq ($(DISPLAY_BACKEND),board)
$(BUILD)/firmware.elf: $(LVGL_LIB)
else
$(BUILD)/$(PROG): $(LVGL_LIB)
endif

endif
