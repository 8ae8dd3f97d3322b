// display.screenshot(path): a PNG of the current screen, in application
// orientation, written to any mounted VFS. Panels that can be read back (the
// unix framebuffer) are copied; for write-only panels LVGL renders the
// screen once more, strip by strip, into the PNG instead of the panel.

#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "extmod/vfs.h"

#include "display.h"
#include "display_driver.h"
#include "display_internal.h"
#include "display_png.h"

#include "lvgl_private.h"

typedef struct _shot_t {
    mp_display_png_t png;     // first: large, GC-allocated with the rest
    mp_obj_t stream;
    int width, height;
    int next_row;
    mp_obj_t error;           // an exception from a write during rendering
    uint16_t *line;           // one row, for rotated framebuffer reads
    uint8_t rows[];           // the PNG writer's scratch rows
} shot_t;

static void write_stream(void *ctx, const uint8_t *data, size_t len) {
    shot_t *shot = ctx;
    mp_stream_write(shot->stream, data, len, MP_STREAM_RW_WRITE);
}

// --- Write-only panels: LVGL renders again ---------------------------------------------

// Called from inside LVGL's refresh: nothing may unwind through it, so a
// failed write is kept for later and the rest of the image is skipped.
static void capture_rows(void *ctx, int y, int n, const uint16_t *pixels, int stride) {
    shot_t *shot = ctx;
    if (shot->error != MP_OBJ_NULL) {
        return;
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        if (y != shot->next_row || stride != shot->width) {
            mp_display_raise(&mp_type_RuntimeError, "screenshot: LVGL rendered an unexpected area");
        }
        for (int i = 0; i < n; i++) {
            mp_display_png_row(&shot->png, pixels + (size_t)i * stride);
        }
        shot->next_row += n;
        nlr_pop();
    } else {
        shot->error = MP_OBJ_FROM_PTR(nlr.ret_val);
    }
}

// --- Panels with a framebuffer -----------------------------------------------------------

static void copy_framebuffer(shot_t *shot, const uint16_t *fb) {
    lv_display_t *disp = mp_display_lv_display();
    int native_w = disp->hor_res;
    if (lv_display_get_rotation(disp) == LV_DISPLAY_ROTATION_0) {
        for (int y = 0; y < shot->height; y++) {
            mp_display_png_row(&shot->png, fb + (size_t)y * native_w);
        }
        return;
    }
    for (int y = 0; y < shot->height; y++) {
        for (int x = 0; x < shot->width; x++) {
            lv_area_t a = { x, y, x, y };
            lv_display_rotate_area(disp, &a); // application -> panel
            shot->line[x] = fb[(size_t)a.y1 * native_w + a.x1];
        }
        mp_display_png_row(&shot->png, shot->line);
    }
}

static mp_obj_t screenshot_in_lvgl(void *arg) {
    shot_t *shot = arg;
    mp_display_png_begin(&shot->png, shot->width, shot->height, shot->rows, write_stream, shot);
    const uint16_t *fb = mp_display_driver.read_back != NULL ? mp_display_driver.read_back() : NULL;
    if (fb != NULL) {
        lv_refr_now(mp_display_lv_display());
        copy_framebuffer(shot, fb);
    } else {
        mp_display_render_rows(capture_rows, shot);
        if (shot->error != MP_OBJ_NULL) {
            nlr_raise(shot->error);
        }
        if (shot->next_row != shot->height) {
            mp_display_raise_fmt(&mp_type_RuntimeError, "screenshot: LVGL rendered %d of %d rows",
                shot->next_row, shot->height);
        }
    }
    mp_display_png_end(&shot->png);
    return mp_const_none;
}

void mp_display_screenshot(mp_obj_t path) {
    if (!mp_obj_is_str(path)) {
        mp_display_raise(&mp_type_TypeError, "screenshot path must be a str");
    }
    mp_display_info_t info;
    mp_display_get_info(&info);
    size_t size = sizeof(shot_t) + 9 * (size_t)info.width + 2 * (size_t)info.width;
    shot_t *shot = (shot_t *)m_new(uint8_t, size);
    memset(shot, 0, sizeof(shot_t));
    shot->width = info.width;
    shot->height = info.height;
    shot->error = MP_OBJ_NULL;
    shot->line = (uint16_t *)(shot->rows + 9 * (size_t)info.width);
    mp_obj_t open_args[2] = { path, mp_obj_new_str("wb", 2) };
    shot->stream = mp_vfs_open(2, open_args, (mp_map_t *)&mp_const_empty_map);
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_display_call(screenshot_in_lvgl, shot);
        nlr_pop();
    } else {
        mp_stream_close(shot->stream);
        m_del(uint8_t, shot, size);
        nlr_jump(nlr.ret_val);
    }
    mp_stream_close(shot->stream);
    m_del(uint8_t, shot, size);
}
