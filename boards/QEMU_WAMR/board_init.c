// Emulated Cortex-M4F board: first-boot hardware set-up, the system clock,
// the RAM vector table that carries this board's interrupt handlers, and
// semihosting.

#include <stdint.h>

#include "board.h"
#include "qemu_board.h"
#include "wasm_board.h"

// The port's vector table in "flash" only has the system exceptions: copy
// it to RAM with room for the external interrupts (aligned as VTOR needs).
#define VECTOR_COUNT (16 + BOARD_NUM_IRQS)
static uint32_t ram_vectors[VECTOR_COUNT] __attribute__((aligned(256)));

static volatile uint32_t systick_ms;

uint32_t board_semihost_call(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__ ("r0") = op;
    register const void *r1 __asm__ ("r1") = arg;
    __asm volatile ("bkpt 0xab" : "+r" (r0) : "r" (r1) : "memory");
    return r0;
}

static void board_systick_handler(void) {
    systick_ms++;
    board_xip_bus_tick();
}

void board_set_irq_handler(int irq, void (*handler)(void)) {
    ram_vectors[16 + irq] = (uint32_t)handler;
    NVIC_ISER0 = 1u << irq;
}

void board_hw_init(void) {
    const uint32_t *rom_vectors = (const uint32_t *)SCB_VTOR;
    for (int i = 0; i < 16; i++) {
        ram_vectors[i] = rom_vectors[i];
    }
    for (int i = 16; i < VECTOR_COUNT; i++) {
        ram_vectors[i] = rom_vectors[3]; // HardFault: unexpected interrupt
    }
    ram_vectors[4] = (uint32_t)board_xip_bus_handler; // MemManage
    ram_vectors[15] = (uint32_t)board_systick_handler;
    SCB_VTOR = (uint32_t)ram_vectors;
    board_xip_bus_init();

    // 1 kHz tick from the processor clock.
    SYST_RVR = BOARD_SYSCLK_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7; // enable, interrupt, processor clock

    board_uart_init();
}

// Processor clock cycles since boot, from the SysTick count (QEMU has no
// DWT cycle counter). Under `-icount shift=0` one cycle is 40 instructions
// (a 25 MHz clock in nanoseconds of virtual time).
uint64_t board_ticks_cpu(void) {
    uint32_t ms, cvr;
    do {
        ms = systick_ms;
        cvr = SYST_CVR;
    } while (ms != systick_ms);
    uint32_t reload = SYST_RVR + 1u;
    return (uint64_t)ms * reload + (reload - 1u - cvr);
}

uint64_t mp_wasm_board_time_us(void) {
    return board_ticks_cpu() / (BOARD_SYSCLK_HZ / 1000000u);
}

// The 1 kHz tick ends the wait at the latest a millisecond later.
void mp_wasm_board_idle(void) {
    board_wait_for_interrupt();
}

// The port's startup code calls uart_init() first thing, before any
// floating-point code runs: the board hooks in there (linked with --wrap)
// to switch on the FPU, which this hard-float firmware needs everywhere.
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88)
void __real_uart_init(void);
void __wrap_uart_init(void) {
    SCB_CPACR |= 0xfu << 20; // full access to CP10 and CP11
    __asm volatile ("dsb\n isb" ::: "memory");
    __real_uart_init();
}

// The wasmapps XIP image: QEMU loads it into the board's "flash" at
// _wasmapps_start (-device loader). As on the ESP32, code runs from the
// instruction-bus model (board_xip_bus.c) and the module parses the index on
// the unchecked mirror of the same bytes.
extern uint8_t _wasmapps_start[];
extern uint8_t _wasmapps_size[];

const uint8_t *mp_wasm_board_xip_map(size_t *size) {
    *size = (size_t)_wasmapps_size;
    return _wasmapps_start;
}

const uint8_t *mp_wasm_board_xip_data(const uint8_t *code) {
    return code + (BOARD_XIP_MIRROR - BOARD_XIP_WINDOW);
}
