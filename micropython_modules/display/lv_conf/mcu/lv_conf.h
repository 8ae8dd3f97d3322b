// LVGL configuration of the microcontroller target class: the emulated LCD
// board (QEMU_WAMR_LCD) and ESP32S3_WAMR_LCD. Shared settings in
// ../lv_conf_common.h; the pool size comes from the board
// (MICROPY_DISPLAY_LVGL_POOL_SIZE), the pool's placement from display_pool.c.
#ifndef LV_CONF_H
#define LV_CONF_H

#include "../lv_conf_common.h"

#ifdef ESP_PLATFORM
// lv_display_flush_ready() is called from the SPI transfer-done interrupt,
// which may run while the flash cache is off: keep it in IRAM.
#include "esp_attr.h"
#define LV_ATTRIBUTE_FLUSH_READY IRAM_ATTR
#else
#define LV_ATTRIBUTE_FLUSH_READY
#endif
#define LV_ATTRIBUTE_TICK_INC
#define LV_ATTRIBUTE_TIMER_HANDLER
#define LV_ATTRIBUTE_FAST_MEM
#define LV_ATTRIBUTE_LARGE_CONST
#define LV_ATTRIBUTE_LARGE_RAM_ARRAY

#endif // LV_CONF_H
