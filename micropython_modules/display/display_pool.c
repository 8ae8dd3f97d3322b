// LVGL's memory: one fixed pool outside the GC heap, handed to LVGL's TLSF
// allocator by lv_init() (lv_conf: LV_MEM_POOL_ALLOC) and reclaimed whole
// by lv_deinit(). A board places it with MICROPY_DISPLAY_POOL_ATTR (e.g. a
// PSRAM section); ESP32 boards with PSRAM put it there by default.

#include <stdint.h>

#include "py/mpconfig.h"

#include "display_internal.h"
#include "display_pool.h"

#ifdef ESP_PLATFORM
#include "sdkconfig.h"
#include "esp_attr.h"
#endif

#ifndef MICROPY_DISPLAY_POOL_ATTR
#if defined(ESP_PLATFORM) && CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY
#define MICROPY_DISPLAY_POOL_ATTR EXT_RAM_BSS_ATTR
#else
#define MICROPY_DISPLAY_POOL_ATTR
#endif
#endif

static uint64_t mp_display_pool_mem[MICROPY_DISPLAY_LVGL_POOL_SIZE / sizeof(uint64_t)] MICROPY_DISPLAY_POOL_ATTR;

void *mp_display_lvgl_pool(size_t size) {
    (void)size; // LV_MEM_SIZE, the same constant as the array's size
    return mp_display_pool_mem;
}

size_t mp_display_pool_size(void) {
    return sizeof(mp_display_pool_mem);
}
