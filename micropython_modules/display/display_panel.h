// Shared sizes of the panel backends.
#ifndef MICROPY_INCLUDED_DISPLAY_DISPLAY_PANEL_H
#define MICROPY_INCLUDED_DISPLAY_DISPLAY_PANEL_H

// Rows of each of the two partial render buffers. The same on every
// target, so that LVGL splits the screen into the same strips everywhere.
#ifndef MICROPY_DISPLAY_BUF_LINES
#define MICROPY_DISPLAY_BUF_LINES (40)
#endif

#endif // MICROPY_INCLUDED_DISPLAY_DISPLAY_PANEL_H
