// Emulated Cortex-M4F board: boot and soft-reset hooks, the system clock,
// and the RAM vector table that carries this board's interrupt handlers.

#include <stdbool.h>
#include <stdint.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "shared/runtime/pyexec.h"
#include "board.h"
#include "modwasm.h"
#include "wasm_board.h"

// The port's vector table in "flash" only has the system exceptions: copy
// it to RAM with room for the external interrupts (aligned as VTOR needs).
#define VECTOR_COUNT (16 + BOARD_NUM_IRQS)
static uint32_t ram_vectors[VECTOR_COUNT] __attribute__((aligned(256)));

extern uint32_t _sstack;

static volatile uint32_t systick_ms;

// Wall-clock seconds at boot, from the emulator host (semihosting SYS_TIME).
static uint64_t boot_epoch_s;

static uint32_t semihost_time(void) {
    register uint32_t r0 __asm__ ("r0") = 0x11;
    register uint32_t r1 __asm__ ("r1") = 0;
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

static void board_hw_init(void) {
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
    boot_epoch_s = semihost_time();
}

uint64_t mp_wasm_board_time_us(void) {
    uint32_t ms, cvr;
    do {
        ms = systick_ms;
        cvr = SYST_CVR;
    } while (ms != systick_ms);
    uint32_t reload = SYST_RVR + 1u;
    return (uint64_t)ms * 1000u + (uint64_t)(reload - 1u - cvr) * 1000u / reload;
}

uint64_t mp_wasm_board_realtime_us(void) {
    return boot_epoch_s * 1000000u + mp_wasm_board_time_us();
}

// Used by littlefs for file timestamps.
uint64_t mp_hal_time_ns(void) {
    return mp_wasm_board_realtime_us() * 1000u;
}

void *mp_wasm_board_stack_limit(void) {
    return &_sstack;
}

void mp_wasm_board_idle(void) {
    __asm volatile ("wfi");
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

// MICROPY_PORT_INIT_FUNC: the end of every mp_init(), at boot and after
// each soft reset.
void board_init(void) {
    static bool hw_ready;
    if (!hw_ready) {
        board_hw_init();
        hw_ready = true;
    }
    // Mounts the littlefs flash at /flash (frozen _boot.py).
    pyexec_frozen_module("_boot.py", false);
}

// MICROPY_PORT_DEINIT_FUNC: after gc_sweep_all() ran every finaliser, so
// no Python object refers to WAMR memory any more.
void board_deinit(void) {
    mp_wasm_runtime_deinit();
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
