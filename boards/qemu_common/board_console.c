// Console input of the emulated boards: the UART interrupt hands received
// characters to a ring buffer that the REPL reads, and Ctrl-C raises
// KeyboardInterrupt at once, stopping a running wasm guest as well.

#include <stdint.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "shared/runtime/interrupt_char.h"
#include "board.h"
#include "qemu_board.h"
#include "modwasm.h"

#define RX_BUF_SIZE (512)
static volatile uint8_t rx_buf[RX_BUF_SIZE];
static volatile uint16_t rx_head, rx_tail;

void board_console_rx(int c) {
    if (c == mp_interrupt_char) {
        mp_wasm_request_interrupt();
        mp_sched_keyboard_interrupt();
        return;
    }
    uint16_t next = (rx_head + 1) % RX_BUF_SIZE;
    if (next != rx_tail) { // drop input when the buffer is full
        rx_buf[rx_head] = (uint8_t)c;
        rx_head = next;
    }
}

// Replaces the port's polling mp_hal_stdin_rx_chr (linked with --wrap).
// While it waits, MicroPython's event-poll hook and scheduler run after
// every interrupt (on the Cortex-M boards at least each millisecond tick):
// scheduled callbacks, and LVGL's timers on boards with a display.
int __wrap_mp_hal_stdin_rx_chr(void) {
    for (;;) {
        mp_event_handle_nowait();
        if (rx_tail != rx_head) {
            int c = rx_buf[rx_tail];
            rx_tail = (rx_tail + 1) % RX_BUF_SIZE;
            return c;
        }
        // Sleep with interrupts masked so a character arriving between the
        // check and the wait still wakes it (a pending interrupt ends it).
        uint32_t state = board_irq_save();
        board_uart_rx_handler(); // a character whose interrupt never came
        if (rx_tail == rx_head) {
            board_wait_for_interrupt();
        }
        board_irq_restore(state);
    }
}
