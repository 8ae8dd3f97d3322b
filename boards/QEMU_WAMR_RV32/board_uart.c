// The virt machine's NS16550A UART: receive interrupt through the PLIC,
// characters handed to the shared console (board_console.c).

#include <stdint.h>

#include "board.h"
#include "qemu_board.h"

#define UART_REG(offset) (*(volatile uint8_t *)(BOARD_UART0_BASE + (offset)))
#define UART_RBR UART_REG(0)
#define UART_IER UART_REG(1)
#define UART_FCR UART_REG(2)
#define UART_MCR UART_REG(4)
#define UART_LSR UART_REG(5)
#define UART_IER_RX (1u << 0)
#define UART_FCR_ENABLE_AND_CLEAR (0x07) // FIFOs on, interrupt from 1 byte
#define UART_MCR_OUT2 (1u << 3)          // the 16550's interrupt line enable
#define UART_LSR_DR (1u << 0)

#define PLIC_PRIORITY(irq) (*(volatile uint32_t *)(BOARD_PLIC_BASE + 4u * (irq)))
#define PLIC_ENABLE_CTX0 (*(volatile uint32_t *)(BOARD_PLIC_BASE + 0x2000u))
#define PLIC_THRESHOLD_CTX0 (*(volatile uint32_t *)(BOARD_PLIC_BASE + 0x200000u))

void board_uart_rx_handler(void) {
    while (UART_LSR & UART_LSR_DR) {
        board_console_rx(UART_RBR);
    }
}

void board_uart_init(void) {
    UART_FCR = UART_FCR_ENABLE_AND_CLEAR;
    UART_MCR |= UART_MCR_OUT2;
    UART_IER = UART_IER_RX;
    // Hart 0's machine-mode context takes the UART's interrupt.
    PLIC_PRIORITY(BOARD_IRQ_UART0) = 1;
    PLIC_THRESHOLD_CTX0 = 0;
    PLIC_ENABLE_CTX0 |= 1u << BOARD_IRQ_UART0;
}
