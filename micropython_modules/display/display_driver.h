// The display-driver interface: what a panel backend gives the `display`
// module. Exactly one backend is linked into a firmware, as
// `mp_display_driver`:
//   port/unix/display_unix_fb.c    headless framebuffer (unix default)
//   port/unix/display_unix_sdl.c   the same framebuffer shown in an SDL2 window
//   boards/QEMU_WAMR_LCD/board_lcd.c   the emulated board's host-side panel
//   port/esp32/display_esp32_st7789.c  ST7789 over esp_lcd (SPI, DMA)
// LVGL renders RGB565 (native byte order) into the backend's two partial
// buffers; the core hands each finished area to flush() in panel coordinates.
#ifndef MICROPY_INCLUDED_DISPLAY_DISPLAY_DRIVER_H
#define MICROPY_INCLUDED_DISPLAY_DISPLAY_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _mp_display_panel_t {
    // In: the panel size (native orientation) and the rotation in degrees.
    uint16_t width, height;
    uint16_t rotation;
    // Out: two partial render buffers of buf_size bytes each (4-byte
    // aligned), valid until deinit.
    void *buf[2];
    size_t buf_size;
} mp_display_panel_t;

typedef struct _mp_display_driver_t {
    const char *name;
    uint16_t width, height;      // the panel's native size (init() defaults)
    uint16_t max_size;           // any size up to this (0: only width x height)
    bool hw_rotation;            // the panel rotates itself (flush gets
                                 // application coordinates), else the core
                                 // rotates in software
    // Brings the panel up; raises OSError/MemoryError on failure (and then
    // leaves nothing allocated).
    void (*init)(mp_display_panel_t *panel);
    void (*deinit)(void);
    // Sends the RGB565 pixels of the area x1..x2, y1..y2 (inclusive) and
    // calls mp_display_flush_done() when the buffer may be reused: before
    // returning, or later from a transfer-done interrupt. The pixels may be
    // changed in place (e.g. byte-swapped for the controller).
    void (*flush)(int x1, int y1, int x2, int y2, uint16_t *pixels);
    // 0..100 percent.
    void (*backlight)(int percent);
    // What the panel shows, width x height native pixels (NULL, or a NULL
    // hook: a write-only panel, whose screenshots LVGL renders again).
    const uint16_t *(*read_back)(void);
    // Optional: called on every task-handler run (window events).
    void (*poll)(void);
} mp_display_driver_t;

extern const mp_display_driver_t mp_display_driver;

// Backend -> core. Safe from an interrupt.
void mp_display_flush_done(void);
// Pointer input from the backend (e.g. the SDL mouse), panel coordinates.
void mp_display_input(int x, int y, bool pressed);

// Port hooks (port/unix, port/esp32, or the board for bare metal).
uint64_t mp_display_port_time_us(void);
// Start/stop whatever calls mp_display_poll() while Python runs or idles
// (a timer task on ESP32; nothing where MicroPython's event hook does it).
void mp_display_port_start(void);
void mp_display_port_stop(void);

#endif // MICROPY_INCLUDED_DISPLAY_DISPLAY_DRIVER_H
