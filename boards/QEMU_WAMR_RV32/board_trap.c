// Machine-mode traps of the emulated RISC-V board: one entry point (mtvec
// in direct mode) saves the registers in a frame, board_trap() handles the
// cause: the UART interrupt through the PLIC, the idle wake-up timer,
// accesses to the wasmapps instruction view (board_xip.c), and anything
// else as a fatal fault.
// Also the semihosting call, which QEMU recognises by its exact sequence.

#include <stdio.h>

#include "py/mphal.h"
#include "board.h"
#include "qemu_board.h"

#define MCAUSE_INTERRUPT (1u << 31)
#define IRQ_MACHINE_TIMER (7)
#define IRQ_MACHINE_EXTERNAL (11)
#define EXC_LOAD_MISALIGNED (4)
#define EXC_STORE_ACCESS_FAULT (7)

#define PLIC_CLAIM (*(volatile uint32_t *)(BOARD_PLIC_BASE + 0x200004u))

void board_trap(board_trap_frame_t *frame);

__attribute__((naked, aligned(4))) void board_trap_entry(void) {
    __asm volatile (
        "addi sp, sp, -128\n"
        "sw x1, 4(sp)\n  sw x3, 12(sp)\n  sw x4, 16(sp)\n  sw x5, 20(sp)\n"
        "sw x6, 24(sp)\n  sw x7, 28(sp)\n  sw x8, 32(sp)\n  sw x9, 36(sp)\n"
        "sw x10, 40(sp)\n sw x11, 44(sp)\n sw x12, 48(sp)\n sw x13, 52(sp)\n"
        "sw x14, 56(sp)\n sw x15, 60(sp)\n sw x16, 64(sp)\n sw x17, 68(sp)\n"
        "sw x18, 72(sp)\n sw x19, 76(sp)\n sw x20, 80(sp)\n sw x21, 84(sp)\n"
        "sw x22, 88(sp)\n sw x23, 92(sp)\n sw x24, 96(sp)\n sw x25, 100(sp)\n"
        "sw x26, 104(sp)\n sw x27, 108(sp)\n sw x28, 112(sp)\n sw x29, 116(sp)\n"
        "sw x30, 120(sp)\n sw x31, 124(sp)\n"
        "addi t0, sp, 128\n sw t0, 8(sp)\n"
        "csrr t0, mepc\n sw t0, 0(sp)\n"
        "mv a0, sp\n"
        "call board_trap\n"
        "lw t0, 0(sp)\n csrw mepc, t0\n"
        "lw x1, 4(sp)\n  lw x3, 12(sp)\n  lw x4, 16(sp)\n  lw x5, 20(sp)\n"
        "lw x6, 24(sp)\n  lw x7, 28(sp)\n  lw x8, 32(sp)\n  lw x9, 36(sp)\n"
        "lw x10, 40(sp)\n lw x11, 44(sp)\n lw x12, 48(sp)\n lw x13, 52(sp)\n"
        "lw x14, 56(sp)\n lw x15, 60(sp)\n lw x16, 64(sp)\n lw x17, 68(sp)\n"
        "lw x18, 72(sp)\n lw x19, 76(sp)\n lw x20, 80(sp)\n lw x21, 84(sp)\n"
        "lw x22, 88(sp)\n lw x23, 92(sp)\n lw x24, 96(sp)\n lw x25, 100(sp)\n"
        "lw x26, 104(sp)\n lw x27, 108(sp)\n lw x28, 112(sp)\n lw x29, 116(sp)\n"
        "lw x30, 120(sp)\n lw x31, 124(sp)\n"
        "addi sp, sp, 128\n"
        "mret\n"
        );
}

static const char *const exception_names[] = {
    "instruction address misaligned", "instruction access fault", "illegal instruction",
    "breakpoint", "load address misaligned", "load access fault",
    "store address misaligned", "store access fault",
};

// Like a real chip's panic handler: report, then reset the board.
static void board_panic(board_trap_frame_t *frame, uint32_t cause) {
    const char *name = cause < MP_ARRAY_SIZE(exception_names) ? exception_names[cause] : "exception";
    char line[128];
    int n = snprintf(line, sizeof(line), "\r\nboard: fatal %s (mcause %lu) at pc 0x%08lx, address 0x%08lx; resetting\r\n",
        name, (unsigned long)cause, (unsigned long)frame->mepc, (unsigned long)BOARD_CSR_READ(mtval));
    mp_hal_stdout_tx_strn(line, MIN(n, (int)sizeof(line) - 1));
    *(volatile uint32_t *)BOARD_TEST_DEVICE = 0x7777; // QEMU virt: reset
    for (;;) {
    }
}

void board_trap(board_trap_frame_t *frame) {
    uint32_t cause = BOARD_CSR_READ(mcause);
    if (cause & MCAUSE_INTERRUPT) {
        if ((cause & ~MCAUSE_INTERRUPT) == IRQ_MACHINE_TIMER) {
            // The one-shot wake-up of mp_wasm_board_idle().
            __asm volatile ("csrc mie, %0" :: "r" (BOARD_MIE_MTIE) : "memory");
        } else if ((cause & ~MCAUSE_INTERRUPT) == IRQ_MACHINE_EXTERNAL) {
            uint32_t irq = PLIC_CLAIM;
            if (irq == BOARD_IRQ_UART0) {
                board_uart_rx_handler();
            }
            PLIC_CLAIM = irq; // complete
        }
        return;
    }
    if (cause >= EXC_LOAD_MISALIGNED && cause <= EXC_STORE_ACCESS_FAULT && board_xip_access_fault(frame)) {
        return;
    }
    board_panic(frame, cause);
}

// RISC-V semihosting: a0 = operation, a1 = argument block; QEMU acts on the
// ebreak between these two uncompressed marker instructions.
__attribute__((naked, aligned(16))) uint32_t board_semihost_call(uint32_t op, const void *arg) {
    __asm volatile (
        ".option push\n"
        ".option norvc\n"
        "slli zero, zero, 0x1f\n"
        "ebreak\n"
        "srai zero, zero, 7\n"
        ".option pop\n"
        "ret\n"
        );
}
