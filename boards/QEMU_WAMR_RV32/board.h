// Emulated RISC-V board (QEMU virt, rv32imc like the ESP32-C3): shared
// hardware definitions.
#ifndef MICROPY_INCLUDED_QEMU_WAMR_RV32_BOARD_H
#define MICROPY_INCLUDED_QEMU_WAMR_RV32_BOARD_H

#include <stdbool.h>
#include <stdint.h>

// QEMU virt peripherals.
#define BOARD_UART0_BASE (0x10000000u)
#define BOARD_PLIC_BASE (0x0c000000u)
#define BOARD_CLINT_MTIMECMP (0x02004000u)
#define BOARD_CLINT_MTIME (0x0200bff8u)
#define BOARD_TEST_DEVICE (0x00100000u)
// The ACLINT timer counts at 10 MHz; under `-icount shift=0` one tick is
// 100 instructions.
#define BOARD_MTIME_HZ (10000000u)
#define BOARD_IRQ_UART0 (10)

// The wasmapps image is mapped twice, as the ESP32-C3's MMU maps flash:
// a data view (read only) and an instruction view (execute, word reads).
extern uint8_t _wasmapps_data[];
extern uint8_t _wasmapps_code[];
extern uint8_t _wasmapps_size[];

// Machine-mode CSR access.
#define BOARD_CSR_READ(csr) ({ uint32_t v_; __asm volatile ("csrr %0, " #csr : "=r" (v_)); v_; })
#define BOARD_CSR_WRITE(csr, v) __asm volatile ("csrw " #csr ", %0" :: "r" (v))
#define BOARD_MSTATUS_MIE (1u << 3)
#define BOARD_MIE_MTIE (1u << 7)
#define BOARD_MIE_MEIE (1u << 11)

static inline uint32_t board_irq_save(void) {
    uint32_t state;
    __asm volatile ("csrrci %0, mstatus, 8" : "=r" (state) :: "memory");
    return state & BOARD_MSTATUS_MIE;
}

static inline void board_irq_restore(uint32_t state) {
    if (state) {
        __asm volatile ("csrsi mstatus, 8" ::: "memory");
    }
}

// Sleeps until an interrupt is pending (also with interrupts masked).
static inline void board_wait_for_interrupt(void) {
    __asm volatile ("wfi" ::: "memory");
}

// Registers saved by the trap entry (board_trap.c).
typedef struct _board_trap_frame_t {
    uint32_t mepc;
    uint32_t x[31]; // x1..x31; the x2 (sp) slot holds sp before the trap
} board_trap_frame_t;

void board_uart_init(void);
// Drains the UART receiver into the console buffer (board_uart.c).
void board_uart_rx_handler(void);
// The PMP regions that give the wasmapps views their bus rules (board_xip.c).
void board_xip_init(void);
// Completes a load or store that trapped on the instruction view of the
// wasmapps image, as the chip's instruction bus would take or refuse it
// (board_xip.c); false if the fault was not such an access.
bool board_xip_access_fault(board_trap_frame_t *frame);

#endif // MICROPY_INCLUDED_QEMU_WAMR_RV32_BOARD_H
