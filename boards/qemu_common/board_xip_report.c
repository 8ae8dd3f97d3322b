// What the emulated boards' models of the ESP32 instruction bus report:
// board.xip_bus() and board.xip_read(). Each board's model
// (QEMU_WAMR/board_xip_bus.c, QEMU_WAMR_RV32/board_xip.c) performs the
// aligned word loads the bus takes, counts them, and records here every
// access the bus would refuse.

#include <string.h>

#include "py/runtime.h"
#include "board.h"
#include "qemu_board.h"

#define MAX_FAULTS (8)

typedef struct {
    uint32_t pc, addr;
    const char *what;
} xip_fault_t;

static xip_fault_t faults[MAX_FAULTS];
static volatile uint32_t fault_count;
volatile uint32_t board_xip_word_loads, board_xip_fetch_redirects;

void board_xip_record(uint32_t pc, uint32_t addr, const char *what) {
    if (fault_count < MAX_FAULTS) {
        faults[fault_count] = (xip_fault_t){ pc, addr, what };
    }
    fault_count++;
}

// board.xip_bus() -> (word_loads, fetch_redirects, [(pc, addr, what), ...])
// since the last call, then starts counting again with the window checked.
static mp_obj_t board_xip_bus(void) {
    uint32_t state = board_irq_save();
    uint32_t n = fault_count, loads = board_xip_word_loads, redirects = board_xip_fetch_redirects;
    xip_fault_t copy[MAX_FAULTS];
    for (uint32_t i = 0; i < n && i < MAX_FAULTS; i++) {
        copy[i] = faults[i];
    }
    fault_count = board_xip_word_loads = board_xip_fetch_redirects = 0;
    board_xip_bus_reset();
    board_irq_restore(state);
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (uint32_t i = 0; i < n && i < MAX_FAULTS; i++) {
        mp_obj_t item[3] = {
            mp_obj_new_int_from_uint(copy[i].pc), mp_obj_new_int_from_uint(copy[i].addr),
            mp_obj_new_str(copy[i].what, strlen(copy[i].what)),
        };
        mp_obj_list_append(list, mp_obj_new_tuple(3, item));
    }
    mp_obj_t result[3] = { mp_obj_new_int_from_uint(loads), mp_obj_new_int_from_uint(redirects), list };
    return mp_obj_new_tuple(3, result);
}
MP_DEFINE_CONST_FUN_OBJ_0(board_xip_bus_obj, board_xip_bus);

// board.xip_read(offset, width): one load of 1, 2 or 4 bytes from the
// window, as C code compiles it (a byte, halfword or word load): the
// model's own check.
static mp_obj_t board_xip_read(mp_obj_t offset_in, mp_obj_t width_in) {
    size_t size;
    uintptr_t window = (uintptr_t)board_xip_window(&size);
    mp_int_t offset = mp_obj_get_int(offset_in);
    if (offset < 0 || offset > (mp_int_t)size - 4) {
        mp_raise_ValueError(MP_ERROR_TEXT("offset outside the XIP window"));
    }
    uintptr_t addr = window + (uintptr_t)offset;
    switch (mp_obj_get_int(width_in)) {
        case 1:
            return MP_OBJ_NEW_SMALL_INT(*(volatile uint8_t *)addr);
        case 2:
            return MP_OBJ_NEW_SMALL_INT(*(volatile uint16_t *)addr);
        case 4:
            return mp_obj_new_int_from_uint(*(volatile uint32_t *)addr);
        default:
            mp_raise_ValueError(MP_ERROR_TEXT("width must be 1, 2 or 4"));
    }
}
MP_DEFINE_CONST_FUN_OBJ_2(board_xip_read_obj, board_xip_read);
