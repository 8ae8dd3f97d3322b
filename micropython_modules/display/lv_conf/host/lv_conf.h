// LVGL configuration of the host target class: the unix port (headless
// framebuffer or SDL window). Shared settings in ../lv_conf_common.h.
#ifndef LV_CONF_H
#define LV_CONF_H

#include "../lv_conf_common.h"

// Nothing to place: the pool and the buffers live in ordinary process memory.
#define LV_ATTRIBUTE_TICK_INC
#define LV_ATTRIBUTE_TIMER_HANDLER
#define LV_ATTRIBUTE_FLUSH_READY
#define LV_ATTRIBUTE_FAST_MEM
#define LV_ATTRIBUTE_LARGE_CONST
#define LV_ATTRIBUTE_LARGE_RAM_ARRAY

#endif // LV_CONF_H
