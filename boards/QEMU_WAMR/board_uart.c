// Console input through the UART receive interrupt: characters go to a
// ring buffer that the REPL reads, and Ctrl-C raises KeyboardInterrupt at
// once, stopping a running wasm guest as well.

#include <stdint.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "shared/runtime/interrupt_char.h"
#include "board.h"
#include "modwasm.h"

typedef struct _cmsdk_uart_t {
    volatile uint32_t DATA;
    volatile uint32_t STATE;
    volatile uint32_t CTRL;
    volatile uint32_t INTSTATUS; // write 1 to clear
    volatile uint32_t BAUDDIV;
} cmsdk_uart_t;

#define UART0 ((cmsdk_uart_t *)0x40004000)
#define UART_STATE_RXFULL (1u << 1)
#define UART_CTRL_TX_EN (1u << 0)
#define UART_CTRL_RX_EN (1u << 1)
#define UART_CTRL_RX_INT_EN (1u << 3)
#define UART_INT_RX (1u << 1)

#define RX_BUF_SIZE (512)
static volatile uint8_t rx_buf[RX_BUF_SIZE];
static volatile uint16_t rx_head, rx_tail;

static void board_uart_rx_handler(void) {
    // Acknowledge before draining: the RX interrupt flag is only raised when
    // a character arrives, so clearing it after the loop could swallow the
    // notification for a character that came in meanwhile.
    UART0->INTSTATUS = UART_INT_RX;
    while (UART0->STATE & UART_STATE_RXFULL) {
        int c = UART0->DATA & 0xff;
        if (c == mp_interrupt_char) {
            mp_wasm_request_interrupt();
            mp_sched_keyboard_interrupt();
            continue;
        }
        uint16_t next = (rx_head + 1) % RX_BUF_SIZE;
        if (next != rx_tail) { // drop input when the buffer is full
            rx_buf[rx_head] = (uint8_t)c;
            rx_head = next;
        }
    }
}

void board_uart_init(void) {
    board_set_irq_handler(BOARD_IRQ_UART0_RX, board_uart_rx_handler);
    UART0->CTRL |= UART_CTRL_TX_EN | UART_CTRL_RX_EN | UART_CTRL_RX_INT_EN;
    // The port's uart_init() enabled the receiver long before: a character
    // that came since raised no interrupt, and the UART takes no more input
    // until it is read.
    __asm volatile ("cpsid i" ::: "memory");
    board_uart_rx_handler();
    __asm volatile ("cpsie i" ::: "memory");
}

// Replaces the port's polling mp_hal_stdin_rx_chr (linked with --wrap).
// While it waits, MicroPython's event-poll hook and scheduler run (after
// every interrupt, at least each millisecond tick): scheduled callbacks,
// and LVGL's timers on boards with a display.
int __wrap_mp_hal_stdin_rx_chr(void) {
    for (;;) {
        mp_event_handle_nowait();
        if (rx_tail != rx_head) {
            int c = rx_buf[rx_tail];
            rx_tail = (rx_tail + 1) % RX_BUF_SIZE;
            return c;
        }
        // Sleep with interrupts masked so a character arriving between the
        // check and the WFI still wakes it (a pending IRQ ends WFI).
        __asm volatile ("cpsid i" ::: "memory");
        if (UART0->STATE & UART_STATE_RXFULL) {
            board_uart_rx_handler(); // a character whose interrupt never came
        } else if (rx_tail == rx_head) {
            __asm volatile ("wfi");
        }
        __asm volatile ("cpsie i" ::: "memory");
    }
}
