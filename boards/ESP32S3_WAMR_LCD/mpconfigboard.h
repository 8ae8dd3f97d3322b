// ESP32-S3 (Xtensa LX7), 8 MB flash, octal PSRAM, SPI LCD: MicroPython 1.25
// with the `wasm` module (WAMR 2.4, classic interpreter + AOT, XIP apps in the
// `wasmapps` partition).
//
// The interpreter is WAMR's classic one unless built with
// MICROPY_WASM_INTERP=fast (see esp32_common/wamr_board.cmake).
//
// Memory: the WAMR pool (MICROPY_WASM_POOL_SIZE, 1 MB, set in
// mpconfigboard.cmake) is static .bss in PSRAM (EXT_RAM_BSS_ATTR); the GC
// heap is in PSRAM too (MicroPython's SPIRAM support).
//
// REPL on the native USB port (GPIO19/20) through the USB Serial/JTAG
// controller, and on UART0. Both drivers see Ctrl-C in their interrupt
// handlers, so Ctrl-C stops a running wasm guest, even one in a tight loop.
// TinyUSB (machine.USBDevice, USB CDC) is off: MicroPython 1.25 reads CDC
// input only from its scheduler, which does not run while a guest computes.

#ifndef MICROPY_HW_BOARD_NAME
#define MICROPY_HW_BOARD_NAME               "ESP32-S3 module with WAMR and LCD"
#endif
#define MICROPY_HW_MCU_NAME                 "ESP32S3"

#define MICROPY_HW_ENABLE_UART_REPL         (1)
#define MICROPY_HW_ENABLE_USBDEV            (0)

#define MICROPY_HW_I2C0_SCL                 (9)
#define MICROPY_HW_I2C0_SDA                 (8)

// SPI LCD wiring, used by the `display` module's ST7789 backend
// (micropython_modules/display/port/esp32). A 240x320 ST7789 panel on SPI2
// (FSPI), write-only. The pins avoid the flash/PSRAM pins (GPIO26-37
// with octal PSRAM), USB (GPIO19/20), the strapping pins (0, 3, 45, 46) and
// the I2C0 pins above.
#define MICROPY_HW_LCD_SPI_HOST             (1)    // SPI2_HOST in ESP-IDF numbering
#define MICROPY_HW_LCD_SPI_BAUDRATE         (40000000)
#define MICROPY_HW_LCD_PIN_SCLK             (12)
#define MICROPY_HW_LCD_PIN_MOSI             (11)
#define MICROPY_HW_LCD_PIN_MISO             (-1)   // not connected
#define MICROPY_HW_LCD_PIN_CS               (10)
#define MICROPY_HW_LCD_PIN_DC               (13)
#define MICROPY_HW_LCD_PIN_RST              (14)
#define MICROPY_HW_LCD_PIN_BACKLIGHT        (21)   // active high
#define MICROPY_HW_LCD_WIDTH                (240)
#define MICROPY_HW_LCD_HEIGHT               (320)
#define MICROPY_HW_LCD_CONTROLLER           "ST7789"
