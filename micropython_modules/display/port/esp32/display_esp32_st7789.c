// ESP32 backend of the `display` module: the board's ST7789 240x320 SPI
// panel through ESP-IDF's esp_lcd, and the port hooks.
//
// Pins, SPI host and clock come from the board's mpconfigboard.h
// (MICROPY_HW_LCD_*). LVGL renders into two partial buffers of
// MICROPY_DISPLAY_BUF_LINES rows in DMA-capable internal RAM: while one is
// sent by DMA, LVGL draws into the other, and the transfer-done callback
// marks the first free again (lv_display_flush_ready). Rotation is the
// panel's own (MADCTL: swap and mirror), so no rotation buffer is needed.
// The backlight is PWM on LEDC timer 3 / channel 7 (keep them free).
//
// LVGL's timers: an esp_timer task asks MicroPython's scheduler to run them
// on the main task when due (mp_display_poll) and wakes that task, which
// runs scheduled work while Python idles at the REPL or sleeps.

#include "driver/ledc.h"
#include "driver/spi_master.h"
#include "esp_attr.h"
#include "esp_heap_caps.h"
#include "esp_lcd_panel_io.h"
#include "esp_lcd_panel_ops.h"
#include "esp_lcd_panel_vendor.h"
#include "esp_timer.h"

#include "py/runtime.h"
#include "py/mphal.h"
#include "py/mperrno.h"

#include "display.h"
#include "display_driver.h"
#include "display_panel.h"

#ifndef MICROPY_HW_LCD_INVERT
#define MICROPY_HW_LCD_INVERT (1)   // most ST7789 modules show inverted colours otherwise
#endif
#ifndef MICROPY_HW_LCD_BGR
#define MICROPY_HW_LCD_BGR (0)
#endif

#define LCD_HOST ((spi_host_device_t)MICROPY_HW_LCD_SPI_HOST)
#define LCD_BUF_BYTES (MICROPY_HW_LCD_WIDTH * MICROPY_DISPLAY_BUF_LINES * 2)
#define BACKLIGHT_MODE LEDC_LOW_SPEED_MODE
#define BACKLIGHT_TIMER LEDC_TIMER_3
#define BACKLIGHT_CHANNEL LEDC_CHANNEL_7
#define BACKLIGHT_BITS LEDC_TIMER_10_BIT
#define POLL_PERIOD_US (10 * 1000)

static esp_lcd_panel_io_handle_t lcd_io;
static esp_lcd_panel_handle_t lcd_panel;
static void *lcd_buf[2];
static bool lcd_bus_ready;
static bool lcd_backlight_ready;

// The SPI interrupt is not registered IRAM-safe (intr_flags 0), so it never
// runs while the flash cache is off: LVGL's display in PSRAM is readable.
static bool IRAM_ATTR lcd_transfer_done(esp_lcd_panel_io_handle_t io, esp_lcd_panel_io_event_data_t *edata,
    void *user_ctx) {
    (void)io;
    (void)edata;
    (void)user_ctx;
    mp_display_flush_done();
    return false;
}

static void check(esp_err_t err, const char *what) {
    if (err != ESP_OK) {
        mp_display_raise_fmt(&mp_type_OSError, "LCD: %s failed (%s)", what, esp_err_to_name(err));
    }
}

static void lcd_release(void) {
    if (lcd_panel != NULL) {
        esp_lcd_panel_del(lcd_panel);
        lcd_panel = NULL;
    }
    if (lcd_io != NULL) {
        esp_lcd_panel_io_del(lcd_io);
        lcd_io = NULL;
    }
    if (lcd_bus_ready) {
        spi_bus_free(LCD_HOST);
        lcd_bus_ready = false;
    }
    if (lcd_backlight_ready) {
        ledc_stop(BACKLIGHT_MODE, BACKLIGHT_CHANNEL, 0);
        lcd_backlight_ready = false;
    }
    for (int i = 0; i < 2; i++) {
        heap_caps_free(lcd_buf[i]);
        lcd_buf[i] = NULL;
    }
}

static void lcd_backlight(int percent) {
    uint32_t duty = ((1u << BACKLIGHT_BITS) - 1) * (uint32_t)percent / 100u;
    ledc_set_duty(BACKLIGHT_MODE, BACKLIGHT_CHANNEL, duty);
    ledc_update_duty(BACKLIGHT_MODE, BACKLIGHT_CHANNEL);
}

static void lcd_bring_up(const mp_display_panel_t *panel) {
    for (int i = 0; i < 2; i++) {
        lcd_buf[i] = heap_caps_malloc(LCD_BUF_BYTES, MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL);
        if (lcd_buf[i] == NULL) {
            mp_display_raise(&mp_type_MemoryError, "LCD: no DMA-capable internal RAM for the render buffers");
        }
    }

    const spi_bus_config_t bus = {
        .sclk_io_num = MICROPY_HW_LCD_PIN_SCLK,
        .mosi_io_num = MICROPY_HW_LCD_PIN_MOSI,
        .miso_io_num = MICROPY_HW_LCD_PIN_MISO,
        .quadwp_io_num = -1,
        .quadhd_io_num = -1,
        .max_transfer_sz = LCD_BUF_BYTES,
    };
    check(spi_bus_initialize(LCD_HOST, &bus, SPI_DMA_CH_AUTO), "spi_bus_initialize");
    lcd_bus_ready = true;

    const esp_lcd_panel_io_spi_config_t io_config = {
        .cs_gpio_num = MICROPY_HW_LCD_PIN_CS,
        .dc_gpio_num = MICROPY_HW_LCD_PIN_DC,
        .spi_mode = 0,
        .pclk_hz = MICROPY_HW_LCD_SPI_BAUDRATE,
        .trans_queue_depth = 10,
        .on_color_trans_done = lcd_transfer_done,
        .user_ctx = NULL,
        .lcd_cmd_bits = 8,
        .lcd_param_bits = 8,
    };
    check(esp_lcd_new_panel_io_spi((esp_lcd_spi_bus_handle_t)LCD_HOST, &io_config, &lcd_io),
        "esp_lcd_new_panel_io_spi");

    const esp_lcd_panel_dev_config_t panel_config = {
        .reset_gpio_num = MICROPY_HW_LCD_PIN_RST,
        .rgb_ele_order = MICROPY_HW_LCD_BGR ? LCD_RGB_ELEMENT_ORDER_BGR : LCD_RGB_ELEMENT_ORDER_RGB,
        .bits_per_pixel = 16,
    };
    check(esp_lcd_new_panel_st7789(lcd_io, &panel_config, &lcd_panel), "esp_lcd_new_panel_st7789");
    check(esp_lcd_panel_reset(lcd_panel), "esp_lcd_panel_reset");
    check(esp_lcd_panel_init(lcd_panel), "esp_lcd_panel_init");
    check(esp_lcd_panel_invert_color(lcd_panel, MICROPY_HW_LCD_INVERT), "esp_lcd_panel_invert_color");
    // The panel draws in application coordinates (MADCTL).
    static const bool swap[4] = { false, true, false, true };
    static const bool mirror_x[4] = { false, true, true, false };
    static const bool mirror_y[4] = { false, false, true, true };
    int r = panel->rotation / 90;
    check(esp_lcd_panel_swap_xy(lcd_panel, swap[r]), "esp_lcd_panel_swap_xy");
    check(esp_lcd_panel_mirror(lcd_panel, mirror_x[r], mirror_y[r]), "esp_lcd_panel_mirror");
    check(esp_lcd_panel_disp_on_off(lcd_panel, true), "esp_lcd_panel_disp_on_off");

    const ledc_timer_config_t timer = {
        .speed_mode = BACKLIGHT_MODE,
        .duty_resolution = BACKLIGHT_BITS,
        .timer_num = BACKLIGHT_TIMER,
        .freq_hz = 5000,
        .clk_cfg = LEDC_AUTO_CLK,
    };
    check(ledc_timer_config(&timer), "ledc_timer_config");
    const ledc_channel_config_t channel = {
        .gpio_num = MICROPY_HW_LCD_PIN_BACKLIGHT,
        .speed_mode = BACKLIGHT_MODE,
        .channel = BACKLIGHT_CHANNEL,
        .intr_type = LEDC_INTR_DISABLE,
        .timer_sel = BACKLIGHT_TIMER,
        .duty = 0,
        .hpoint = 0,
    };
    check(ledc_channel_config(&channel), "ledc_channel_config");
    lcd_backlight_ready = true;
    lcd_backlight(100);
}

static void lcd_init(mp_display_panel_t *panel) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        lcd_bring_up(panel);
        nlr_pop();
    } else {
        lcd_release();
        nlr_jump(nlr.ret_val);
    }
    panel->buf[0] = lcd_buf[0];
    panel->buf[1] = lcd_buf[1];
    panel->buf_size = LCD_BUF_BYTES;
}

static void lcd_flush(int x1, int y1, int x2, int y2, uint16_t *pixels) {
    // The controller takes RGB565 most significant byte first.
    lv_draw_sw_rgb565_swap(pixels, (uint32_t)((x2 - x1 + 1) * (y2 - y1 + 1)));
    // Queued for DMA; lcd_transfer_done() reports the end.
    if (esp_lcd_panel_draw_bitmap(lcd_panel, x1, y1, x2 + 1, y2 + 1, pixels) != ESP_OK) {
        mp_display_flush_done(); // not sent: the buffer is free at once
    }
}

const mp_display_driver_t mp_display_driver = {
    .name = "st7789",
    .width = MICROPY_HW_LCD_WIDTH,
    .height = MICROPY_HW_LCD_HEIGHT,
    .max_size = 0,
    .hw_rotation = true,
    .init = lcd_init,
    .deinit = lcd_release,
    .flush = lcd_flush,
    .backlight = lcd_backlight,
    .read_back = NULL,
    .poll = NULL,
};

// --- Port hooks ------------------------------------------------------------------

uint64_t mp_display_port_time_us(void) {
    return (uint64_t)esp_timer_get_time();
}

static esp_timer_handle_t poll_timer;

static void poll_timer_cb(void *arg) {
    (void)arg;
    if (mp_display_poll()) {
        mp_hal_wake_main_task();
    }
}

void mp_display_port_start(void) {
    if (poll_timer == NULL) {
        const esp_timer_create_args_t args = {
            .callback = poll_timer_cb,
            .dispatch_method = ESP_TIMER_TASK,
            .name = "lvgl_poll",
        };
        if (esp_timer_create(&args, &poll_timer) != ESP_OK) {
            poll_timer = NULL; // LVGL then runs only from display.task_handler()
            return;
        }
    }
    esp_timer_start_periodic(poll_timer, POLL_PERIOD_US);
}

void mp_display_port_stop(void) {
    if (poll_timer != NULL) {
        esp_timer_stop(poll_timer);
    }
}
