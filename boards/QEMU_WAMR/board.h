// Emulated Cortex-M4F board: shared hardware definitions.
#ifndef MICROPY_INCLUDED_QEMU_WAMR_BOARD_H
#define MICROPY_INCLUDED_QEMU_WAMR_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// MPS2 system clock (QEMU models the FPGA's 25 MHz).
#define BOARD_SYSCLK_HZ (25000000u)

// Cortex-M system registers.
#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08)
#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100)

#define BOARD_IRQ_UART0_RX (0)
#define BOARD_NUM_IRQS (32)

// Installs `handler` for external interrupt `irq` (board_init.c).
void board_set_irq_handler(int irq, void (*handler)(void));
void board_uart_init(void);

static inline uint32_t board_irq_save(void) {
    uint32_t primask;
    __asm volatile ("mrs %0, primask\n cpsid i" : "=r" (primask) :: "memory");
    return primask;
}

static inline void board_irq_restore(uint32_t primask) {
    __asm volatile ("msr primask, %0" :: "r" (primask) : "memory");
}

// Sleeps until an interrupt is pending (also with interrupts masked).
static inline void board_wait_for_interrupt(void) {
    __asm volatile ("wfi" ::: "memory");
}

// The XIP window's instruction-bus model (board_xip_bus.c).
#define BOARD_XIP_WINDOW (0x00300000u)
#define BOARD_XIP_MIRROR (0x00700000u)
void board_xip_bus_init(void);
void board_xip_bus_tick(void);
void board_xip_bus_handler(void);

#endif // MICROPY_INCLUDED_QEMU_WAMR_BOARD_H
