// Boot and soft-reset hooks and clocks shared by the emulated boards; each
// board brings board_hw_init() and its microsecond clock.

#include <stdbool.h>
#include <string.h>

#include "py/runtime.h"
#include "py/mphal.h"
#include "shared/runtime/pyexec.h"
#include "board.h"
#include "qemu_board.h"
#include "modwasm.h"
#include "wasm_board.h"

extern uint32_t _sstack;

// Wall-clock seconds at boot, from the emulator host (semihosting SYS_TIME).
static uint64_t boot_epoch_s;

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

MP_WEAK void board_cpu_name(char *buf, size_t len) {
    strncpy(buf, MICROPY_HW_MCU_NAME, len - 1);
    buf[len - 1] = '\0';
}

// MICROPY_PORT_INIT_FUNC: the end of every mp_init(), at boot and after
// each soft reset.
void board_init(void) {
    static bool hw_ready;
    if (!hw_ready) {
        board_hw_init();
        boot_epoch_s = board_semihost_call(SEMIHOST_SYS_TIME, NULL);
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
