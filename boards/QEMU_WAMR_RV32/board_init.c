// Emulated RISC-V board: first-boot hardware set-up, the clock and the
// CPU's identification.

#include <stdint.h>

#include "board.h"
#include "qemu_board.h"
#include "wasm_board.h"

#define MTIME_LO (*(volatile uint32_t *)BOARD_CLINT_MTIME)
#define MTIME_HI (*(volatile uint32_t *)(BOARD_CLINT_MTIME + 4))
#define MTIMECMP_LO (*(volatile uint32_t *)BOARD_CLINT_MTIMECMP)
#define MTIMECMP_HI (*(volatile uint32_t *)(BOARD_CLINT_MTIMECMP + 4))

void board_trap_entry(void);

void board_hw_init(void) {
    BOARD_CSR_WRITE(mtvec, (uint32_t)board_trap_entry); // direct mode
    board_xip_init();
    board_uart_init();
    BOARD_CSR_WRITE(mie, BOARD_MIE_MEIE);
    __asm volatile ("csrsi mstatus, 8" ::: "memory");
}

static uint64_t mtime(void) {
    uint32_t hi, lo;
    do {
        hi = MTIME_HI;
        lo = MTIME_LO;
    } while (hi != MTIME_HI);
    return ((uint64_t)hi << 32) | lo;
}

// The machine timer, read directly: no periodic interrupt, so a run under
// `-icount shift=0` executes the same instructions every time.
uint64_t mp_wasm_board_time_us(void) {
    return mtime() / (BOARD_MTIME_HZ / 1000000u);
}

// Sleeps until the next interrupt, at the latest a millisecond later: with
// no periodic tick, the timer is armed once for the wake-up (the trap
// handler disarms it). Interrupts stay masked until the wait, so a wake-up
// that comes before it still ends it (a pending interrupt ends WFI).
void mp_wasm_board_idle(void) {
    uint32_t state = board_irq_save();
    uint64_t wake = mtime() + BOARD_MTIME_HZ / 1000u;
    MTIMECMP_HI = UINT32_MAX; // no early match while the low word changes
    MTIMECMP_LO = (uint32_t)wake;
    MTIMECMP_HI = (uint32_t)(wake >> 32);
    __asm volatile ("csrs mie, %0" :: "r" (BOARD_MIE_MTIE) : "memory");
    board_wait_for_interrupt();
    board_irq_restore(state);
}

// mcycle, which QEMU runs from its instruction counter under `-icount`:
// exactly one per instruction with shift=0 (otherwise the host's clock).
uint64_t board_ticks_cpu(void) {
    uint32_t hi, lo;
    do {
        hi = BOARD_CSR_READ(mcycleh);
        lo = BOARD_CSR_READ(mcycle);
    } while (hi != BOARD_CSR_READ(mcycleh));
    return ((uint64_t)hi << 32) | lo;
}

// "rv32" and the instruction-set extensions the CPU reports in misa, in
// the ISA string's canonical order (S and U are privilege modes, and the
// letters left out here are not single-letter extensions QEMU offers).
void board_cpu_name(char *buf, size_t len) {
    uint32_t misa = BOARD_CSR_READ(misa);
    size_t n = 0;
    for (const char *c = "rv32"; *c != '\0' && n + 1 < len; c++) {
        buf[n++] = *c;
    }
    for (const char *ext = "iemafdqcbvh"; *ext != '\0' && n + 1 < len; ext++) {
        if (misa & (1u << (*ext - 'a'))) {
            buf[n++] = *ext;
        }
    }
    buf[n] = '\0';
}
