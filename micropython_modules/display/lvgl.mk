# Builds LVGL as a static library of its own (liblvgl.a) for MicroPython's
# make-based ports, as wamr.mk does for WAMR: third-party C compiled with its
# own flags, never handed to MicroPython's QSTR scanner.
#
# Inputs (set by the including micropython.mk or the port/board):
#   LVGL_DIR          the pinned LVGL tree (cache/lvgl: lvgl/ inside)
#   LVGL_CONF_CLASS   host | mcu: which lv_conf/<class>/lv_conf.h
#   MICROPY_DISPLAY_LVGL_POOL_SIZE   bytes of LVGL's pool
#   LVGL_ARCH_CFLAGS  CPU flags that must match the rest of the firmware
#   LVGL_BUILD_DIR    where objects go; the unix builds share one directory
#                     (scripts/build.py serialises them with a lock file)
# Outputs: LVGL_LIB, LVGL_API_CFLAGS (what users of lvgl.h need).

LVGL_BUILD_DIR ?= $(BUILD)/lvgl
LVGL_LIB := $(LVGL_BUILD_DIR)/liblvgl.a
LVGL_CC ?= $(CC)
LVGL_OPT ?= -O2
LVGL_AR ?= $(AR)
LVGL_SRC_ROOT := $(LVGL_DIR)/lvgl
LVGL_CONF_DIR := $(DISPLAY_MOD_DIR)/lv_conf/$(LVGL_CONF_CLASS)

ifeq ($(wildcard $(LVGL_SRC_ROOT)/lvgl.h),)
$(error LVGL sources not found in $(LVGL_DIR): run `make setup` (python -m scripts deps) first)
endif
ifeq ($(wildcard $(LVGL_CONF_DIR)/lv_conf.h),)
$(error LVGL_CONF_CLASS must be host or mcu, not '$(LVGL_CONF_CLASS)')
endif
ifeq ($(MICROPY_DISPLAY_LVGL_POOL_SIZE),)
$(error MICROPY_DISPLAY_LVGL_POOL_SIZE (bytes of LVGL's pool) is not set)
endif

include $(DISPLAY_MOD_DIR)/lvgl_sources.mk

# The project's lv_conf.h comes first on the include path: the crate ships
# an lv_conf.h of its own next to lvgl/, which must never be picked up.
LVGL_API_CFLAGS = -I$(LVGL_CONF_DIR) -I$(DISPLAY_MOD_DIR) -I$(LVGL_SRC_ROOT) \
	-DLV_CONF_INCLUDE_SIMPLE \
	-DMICROPY_DISPLAY_LVGL_POOL_SIZE=$(MICROPY_DISPLAY_LVGL_POOL_SIZE)

LVGL_CFLAGS = $(LVGL_ARCH_CFLAGS) -std=gnu99 $(LVGL_OPT) -g -ffunction-sections -fdata-sections \
	-fno-strict-aliasing -w $(LVGL_API_CFLAGS)

LVGL_SRC := $(sort $(foreach dir,$(LVGL_SRC_DIRS),$(wildcard $(LVGL_SRC_ROOT)/$(dir)/*.c)))
LVGL_OBJ := $(patsubst $(LVGL_SRC_ROOT)/%.c,$(LVGL_BUILD_DIR)/%.o,$(LVGL_SRC))

# Recompile everything when the flags change (the pool size, CPU flags...):
# make itself does not track them.
LVGL_FLAGS_FILE := $(LVGL_BUILD_DIR)/cflags.txt
$(shell mkdir -p $(LVGL_BUILD_DIR))
ifneq ($(file <$(LVGL_FLAGS_FILE)),$(strip $(LVGL_CC) $(LVGL_CFLAGS)))
$(file >$(LVGL_FLAGS_FILE),$(strip $(LVGL_CC) $(LVGL_CFLAGS)))
endif

$(LVGL_BUILD_DIR)/%.o: $(LVGL_SRC_ROOT)/%.c $(LVGL_FLAGS_FILE)
	$(ECHO) "CC (lvgl) $*.c"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(LVGL_CC) $(LVGL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(LVGL_OBJ:.o=.d)

$(LVGL_LIB): $(LVGL_OBJ)
	$(ECHO) "AR $@"
	$(Q)rm -f $@
	$(Q)$(LVGL_AR) rcs $@ $^
