// The unix backends' panel: a framebuffer in process memory that every
// flush lands in (headless), optionally mirrored to an SDL window.
#ifndef MICROPY_INCLUDED_DISPLAY_PORT_UNIX_DISPLAY_UNIX_FB_H
#define MICROPY_INCLUDED_DISPLAY_PORT_UNIX_DISPLAY_UNIX_FB_H

#include "display_driver.h"

// Largest width and height display.init() accepts on unix.
#define MP_DISPLAY_UNIX_MAX_SIZE (2048)

void mp_display_fb_init(mp_display_panel_t *panel);
void mp_display_fb_deinit(void);
void mp_display_fb_flush(int x1, int y1, int x2, int y2, uint16_t *pixels);
const uint16_t *mp_display_fb_pixels(void);
int mp_display_fb_width(void);
int mp_display_fb_height(void);

#endif // MICROPY_INCLUDED_DISPLAY_PORT_UNIX_DISPLAY_UNIX_FB_H
