# LVGL for guests: the import module "lvgl" of the `wasm` module, on top of
# the `display` module (micropython_modules/display/display.h). Built
# whenever the display is (the display's micropython.mk runs first and
# sets DISPLAY_BACKEND).
#
# The host functions are generated at build time from LVGL's headers by
# tools/lvgl_bindings (pycparser, from cache/venv) into
# $(BUILD)/lvgl_bindings_gen/: never committed. lvgl_bindings.md there is
# the coverage report.

LVB_MOD_DIR := $(USERMOD_DIR)

ifneq ($(filter headless sdl board,$(DISPLAY_BACKEND)),)

LVB_ROOT := $(abspath $(LVB_MOD_DIR)/../..)
LVB_PYTHON ?= $(LVB_ROOT)/cache/venv/bin/python
LVB_GEN_DIR := $(abspath $(BUILD))/lvgl_bindings_gen
LVB_GEN_C := $(LVB_GEN_DIR)/lvgl_bindings_gen.c
LVB_GENERATOR := $(wildcard $(LVB_ROOT)/tools/lvgl_bindings/*.py $(LVB_ROOT)/tools/lvgl_bindings/fake_libc/*.h)

# Not QSTR-scanned: the bindings raise with plain strings (as the display
# module does) and use no qstrs.
LVB_SRC := \
	lvgl_bindings_call.c \
	lvgl_bindings_state.c \
	lvgl_bindings_callbacks.c \
	lvgl_bindings_objects.c \
	lvgl_bindings_widgets.c \
	lvgl_bindings_images.c \
	lvgl_bindings_py.c
SRC_USERMOD_LIB_C += $(addprefix $(LVB_MOD_DIR)/,$(LVB_SRC)) $(LVB_GEN_C)

CFLAGS_USERMOD += -I$(LVB_MOD_DIR) -I$(LVB_MOD_DIR)/../wasm -DMICROPY_WASM_LVGL=1
ifneq ($(DISPLAY_BACKEND),board)
# Per-function call counters for the tests (display.binding_calls()), and
# display.scene_native(): the guest's scene (guest/apps/ui_scene.h) as C. By
# include path, not a relative #include: `make mutate` builds a copy of
# this tree elsewhere (with LVB_ROOT set to the project).
CFLAGS_USERMOD += -DMICROPY_WASM_LVGL_STATS=1 -I$(LVB_ROOT)/guest/apps
endif

# The generator reads lvgl.h with the firmware's lv_conf.h.
$(LVB_GEN_C): $(LVB_GENERATOR) $(wildcard $(LVGL_CONF_DIR)/*.h $(DISPLAY_MOD_DIR)/lv_conf/*.h) | $(LVGL_LIB)
	$(ECHO) "GEN lvgl bindings"
	$(Q)cd $(LVB_ROOT) && $(LVB_PYTHON) -m tools.lvgl_bindings --lvgl $(LVGL_SRC_ROOT) \
		--conf $(LVGL_CONF_DIR) --include $(DISPLAY_MOD_DIR) \
		--define MICROPY_DISPLAY_LVGL_POOL_SIZE=$(MICROPY_DISPLAY_LVGL_POOL_SIZE) \
		--cpp "$(CC)" --out $(LVB_GEN_DIR)

LVB_OBJ := $(addprefix $(BUILD)/lvgl_bindings/,$(LVB_SRC:.c=.o))
$(LVB_OBJ): $(wildcard $(LVB_MOD_DIR)/*.h) | $(LVGL_LIB) $(LVB_GEN_C)

endif
