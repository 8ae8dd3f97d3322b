// Headless unix backend (the default): the framebuffer is the panel, so CI
// and servers render and take screenshots without a window.

#include "display_driver.h"
#include "display_unix_fb.h"

static void headless_flush(int x1, int y1, int x2, int y2, uint16_t *pixels) {
    mp_display_fb_flush(x1, y1, x2, y2, pixels);
    mp_display_flush_done();
}

static void headless_backlight(int percent) {
    (void)percent; // nothing lights this panel
}

const mp_display_driver_t mp_display_driver = {
    .name = "headless",
    .width = 240,
    .height = 320,
    .max_size = MP_DISPLAY_UNIX_MAX_SIZE,
    .hw_rotation = false,
    .init = mp_display_fb_init,
    .deinit = mp_display_fb_deinit,
    .flush = headless_flush,
    .backlight = headless_backlight,
    .read_back = mp_display_fb_pixels,
    .poll = NULL,
};
