// The CMSDK UART's receive interrupt: characters go to the shared console
// (board_console.c).

#include <stdint.h>

#include "board.h"
#include "qemu_board.h"

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

void board_uart_rx_handler(void) {
    // Acknowledge before draining: the RX interrupt flag is only raised when
    // a character arrives, so clearing it after the loop could swallow the
    // notification for a character that came in meanwhile.
    UART0->INTSTATUS = UART_INT_RX;
    while (UART0->STATE & UART_STATE_RXFULL) {
        board_console_rx(UART0->DATA & 0xff);
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
