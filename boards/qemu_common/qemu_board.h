// What each emulated board provides to the code the boards share
// (boards/qemu_common), besides the interrupt helpers of its board.h
// (board_irq_save/restore, board_wait_for_interrupt).
#ifndef MICROPY_INCLUDED_QEMU_BOARD_H
#define MICROPY_INCLUDED_QEMU_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Semihosting operations used by the boards.
#define SEMIHOST_SYS_OPEN (0x01)
#define SEMIHOST_SYS_CLOSE (0x02)
#define SEMIHOST_SYS_WRITE (0x05)
#define SEMIHOST_SYS_READ (0x06)
#define SEMIHOST_SYS_SEEK (0x0a)
#define SEMIHOST_SYS_FLEN (0x0c)
#define SEMIHOST_SYS_TIME (0x11)
#define SEMIHOST_SYS_GET_CMDLINE (0x15)

#define SEMIHOST_MODE_RPLUSB (3)

// Performs semihosting operation `op` with argument block `arg`.
uint32_t board_semihost_call(uint32_t op, const void *arg);
// Word `index` of the semihosting command line, "firmware FLASH_IMAGE
// [PANEL_FILE]", into `out`; false if there is none or it does not fit
// (board_flash.c).
bool board_semihost_arg(int index, char *out, size_t size);

// Once, at the first boot: vectors, clock, UART interrupt.
void board_hw_init(void);

// Drains the UART receiver; called by its interrupt and by the console
// before it sleeps (a character may have come without an interrupt).
void board_uart_rx_handler(void);

// The UART handler passes every received character here (board_console.c).
void board_console_rx(int c);

// The CPU's cycle counter for board.ticks_cpu(): under QEMU's
// `-icount shift=0` it counts instructions.
uint64_t board_ticks_cpu(void);

// The CPU's name for board.cpu() (weak default: MICROPY_HW_MCU_NAME).
void board_cpu_name(char *buf, size_t len);

// The board's model of the ESP32 instruction bus on its XIP window
// (board.xip_bus(), board_xip_report.c): where the window is, what to do
// when its records were read (check the window again), and the records.
uint8_t *board_xip_window(size_t *size);
void board_xip_bus_reset(void);
void board_xip_record(uint32_t pc, uint32_t addr, const char *what);
extern volatile uint32_t board_xip_word_loads, board_xip_fetch_redirects;
#define BOARD_XIP_NOT_A_WORD_LOAD "not a load the instruction bus takes (byte/halfword load or store)"
#define BOARD_XIP_UNALIGNED "unaligned 32-bit load"

#endif // MICROPY_INCLUDED_QEMU_BOARD_H
