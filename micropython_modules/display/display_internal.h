// Shared between the `display` module's own files; not for other modules
// (they use display.h).
#ifndef MICROPY_INCLUDED_DISPLAY_DISPLAY_INTERNAL_H
#define MICROPY_INCLUDED_DISPLAY_DISPLAY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "py/obj.h"

// display_lock.c
void mp_display_log_init(void);

// display_hooks.c
void mp_display_hooks_after_init(void);
void mp_display_hooks_before_deinit(void);
void mp_display_hooks_before_timers(void);
void mp_display_hooks_after_timers(void);

// display_pool.c
size_t mp_display_pool_size(void);

// display_core.c: renders the whole screen again through LVGL and hands
// each strip of rows (application orientation, RGB565) to `rows`, top to
// bottom; used where the panel cannot be read back.
typedef void (*mp_display_rows_fn_t)(void *ctx, int y, int n, const uint16_t *pixels, int stride);
void mp_display_render_rows(mp_display_rows_fn_t rows, void *ctx);

// display_screenshot.c (PNG writer in display_png.c)
void mp_display_write_png(mp_obj_t path);

#endif // MICROPY_INCLUDED_DISPLAY_DISPLAY_INTERNAL_H
