// What LVGL's configuration (lv_conf/) needs from the `display` module: its
// memory pool and its assertion handler. Included by LVGL's own sources, so
// plain C with no MicroPython headers.
#ifndef MICROPY_INCLUDED_DISPLAY_DISPLAY_POOL_H
#define MICROPY_INCLUDED_DISPLAY_DISPLAY_POOL_H

#include <stddef.h>

// LV_MEM_POOL_ALLOC: the fixed pool of MICROPY_DISPLAY_LVGL_POOL_SIZE bytes
// that lv_init() hands to LVGL's TLSF allocator (display_pool.c).
void *mp_display_lvgl_pool(size_t size);

// LV_ASSERT_HANDLER: never returns (raises a Python exception).
void mp_display_lvgl_assert_failed(void);

#endif // MICROPY_INCLUDED_DISPLAY_DISPLAY_POOL_H
