// The unix framebuffer (see display_unix_fb.h). Memory comes from libc
// (the process has plenty): the frame and the two partial buffers.

#include <stdlib.h>
#include <string.h>

#include "py/runtime.h"

#include "display.h"
#include "display_panel.h"
#include "display_unix_fb.h"

static uint16_t *frame;
static int frame_w, frame_h;
static void *bufs[2];

void mp_display_fb_init(mp_display_panel_t *panel) {
    size_t lines = panel->height < MICROPY_DISPLAY_BUF_LINES ? panel->height : MICROPY_DISPLAY_BUF_LINES;
    size_t buf_size = (size_t)panel->width * lines * 2;
    frame = calloc((size_t)panel->width * panel->height, 2);
    bufs[0] = malloc(buf_size);
    bufs[1] = malloc(buf_size);
    if (frame == NULL || bufs[0] == NULL || bufs[1] == NULL) {
        mp_display_fb_deinit();
        mp_display_raise(&mp_type_MemoryError, "no memory for the framebuffer");
    }
    frame_w = panel->width;
    frame_h = panel->height;
    panel->buf[0] = bufs[0];
    panel->buf[1] = bufs[1];
    panel->buf_size = buf_size;
}

void mp_display_fb_deinit(void) {
    free(frame);
    free(bufs[0]);
    free(bufs[1]);
    frame = NULL;
    bufs[0] = bufs[1] = NULL;
    frame_w = frame_h = 0;
}

void mp_display_fb_flush(int x1, int y1, int x2, int y2, uint16_t *pixels) {
    size_t w = (size_t)(x2 - x1 + 1);
    for (int y = y1; y <= y2; y++) {
        memcpy(frame + (size_t)y * frame_w + x1, pixels, w * 2);
        pixels += w;
    }
}

const uint16_t *mp_display_fb_pixels(void) {
    return frame;
}

int mp_display_fb_width(void) {
    return frame_w;
}

int mp_display_fb_height(void) {
    return frame_h;
}
