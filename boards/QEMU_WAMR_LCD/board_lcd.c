// The emulated board's LCD: a 240x320 RGB565 panel that lives on the host.
//
// LVGL renders into two partial buffers in the board's internal RAM, as on
// the ESP32-S3 board; each finished area is written through ARM semihosting
// into the panel file named by the third semihosting argument
// (-semihosting-config ...,arg=firmware,arg=FLASH,arg=PANEL), so the host
// file always holds the current frame. `python -m scripts screenshot` reads
// it. Like the real SPI panel it cannot be read back: display.screenshot()
// has LVGL render the screen again.
//
// Panel file (little endian; scripts/panel.py reads it):
//   0  "MPYPANEL"     8  width u16   10  height u16   12  format u16 (1: RGB565)
//   14 backlight u8 (0..100)         15  powered u8
//   16 sequence u32: odd while a frame is being written, even when complete
//   32 width * height pixels, row by row

#include <string.h>

#include "py/runtime.h"
#include "py/mperrno.h"

#include "board.h"
#include "qemu_board.h"
#include "display.h"
#include "display_driver.h"
#include "display_panel.h"
#include "wasm_board.h"

#define PANEL_HEADER (32)
#define PANEL_FORMAT_RGB565 (1)

static uint16_t lcd_buf[2][MICROPY_HW_LCD_WIDTH * MICROPY_DISPLAY_BUF_LINES] __attribute__((aligned(4)));

static int panel_handle = -1;
static uint32_t panel_seq;
static uint8_t panel_backlight;

static void panel_write(uint32_t offset, const void *data, size_t len) {
    uint32_t seek_args[2] = { (uint32_t)panel_handle, offset };
    uint32_t write_args[3] = { (uint32_t)panel_handle, (uint32_t)data, len };
    // Both return 0 on success (SYS_WRITE: the number of bytes not written).
    if (board_semihost_call(SEMIHOST_SYS_SEEK, seek_args) != 0 || board_semihost_call(SEMIHOST_SYS_WRITE, write_args) != 0) {
        // Inside LVGL's refresh: nothing may raise here. The host lost the
        // area; it shows on the next full redraw.
        return;
    }
}

static void panel_write_header(bool powered) {
    uint8_t head[PANEL_HEADER] = { 'M', 'P', 'Y', 'P', 'A', 'N', 'E', 'L' };
    head[8] = MICROPY_HW_LCD_WIDTH & 0xff;
    head[9] = MICROPY_HW_LCD_WIDTH >> 8;
    head[10] = MICROPY_HW_LCD_HEIGHT & 0xff;
    head[11] = MICROPY_HW_LCD_HEIGHT >> 8;
    head[12] = PANEL_FORMAT_RGB565;
    head[14] = panel_backlight;
    head[15] = powered;
    memcpy(head + 16, &panel_seq, 4);
    panel_write(0, head, sizeof(head));
}

static void lcd_init(mp_display_panel_t *panel) {
    char path[200];
    if (!board_semihost_arg(2, path, sizeof(path))) {
        mp_display_raise(&mp_type_OSError, "no LCD panel: the emulator was started without a panel file");
    }
    uint32_t open_args[3] = { (uint32_t)path, SEMIHOST_MODE_RPLUSB, strlen(path) };
    panel_handle = (int)board_semihost_call(SEMIHOST_SYS_OPEN, open_args);
    if (panel_handle < 0) {
        mp_raise_OSError(MP_ENODEV);
    }
    panel_seq = 0;
    panel_backlight = 100;
    panel_write_header(true);
    panel->buf[0] = lcd_buf[0];
    panel->buf[1] = lcd_buf[1];
    panel->buf_size = sizeof(lcd_buf[0]);
}

static void lcd_deinit(void) {
    if (panel_handle >= 0) {
        panel_write_header(false);
        uint32_t close_args[1] = { (uint32_t)panel_handle };
        board_semihost_call(SEMIHOST_SYS_CLOSE, close_args);
        panel_handle = -1;
    }
}

static void lcd_set_seq(void) {
    panel_write(16, &panel_seq, 4);
}

static void lcd_flush(int x1, int y1, int x2, int y2, uint16_t *pixels) {
    if ((panel_seq & 1) == 0) {
        panel_seq++; // a frame starts
        lcd_set_seq();
    }
    size_t w = (size_t)(x2 - x1 + 1);
    if (w == MICROPY_HW_LCD_WIDTH) {
        panel_write(PANEL_HEADER + (uint32_t)y1 * MICROPY_HW_LCD_WIDTH * 2, pixels,
            w * (size_t)(y2 - y1 + 1) * 2);
    } else {
        for (int y = y1; y <= y2; y++, pixels += w) {
            panel_write(PANEL_HEADER + ((uint32_t)y * MICROPY_HW_LCD_WIDTH + (uint32_t)x1) * 2, pixels, w * 2);
        }
    }
    lv_display_t *disp = mp_display_lv_display();
    if (disp == NULL || lv_display_flush_is_last(disp)) {
        panel_seq++; // the frame is complete
        lcd_set_seq();
    }
    mp_display_flush_done();
}

static void lcd_backlight(int percent) {
    panel_backlight = (uint8_t)percent;
    panel_write(14, &panel_backlight, 1);
}

const mp_display_driver_t mp_display_driver = {
    .name = "qemu-panel",
    .width = MICROPY_HW_LCD_WIDTH,
    .height = MICROPY_HW_LCD_HEIGHT,
    .max_size = 0,
    .hw_rotation = false,
    .init = lcd_init,
    .deinit = lcd_deinit,
    .flush = lcd_flush,
    .backlight = lcd_backlight,
    .read_back = NULL,
    .poll = NULL,
};

// --- The display module's port hooks on this board ---------------------------------

uint64_t mp_display_port_time_us(void) {
    return mp_wasm_board_time_us();
}

// LVGL's timers run from the event-poll hook, which the board's console
// input loop runs while Python idles (board_uart.c): nothing to start.
void mp_display_port_start(void) {
}

void mp_display_port_stop(void) {
}
