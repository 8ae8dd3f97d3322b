// The wasmapps image as the ESP32-C3's MMU maps flash: a data view, read
// only, and an instruction view from which XIP code runs. Locked PMP
// entries make the instruction view execute-only for the CPU's own loads
// and stores, so each one traps; the handler then models the chip's
// instruction bus (as QEMU_WAMR/board_xip_bus.c does on the Cortex-M board):
// - an aligned word load (lw, c.lw, c.lwsp) is performed from the data view
//   and counted: the bus takes it;
// - any other load (byte, halfword, unaligned) is performed all the same
//   and recorded, a store is recorded and skipped (board.xip_bus() lists
//   them): the chip would raise a fault.
// So WAMR's XIP loading (WASM_ENABLE_WORD_ALIGN_READ, as in the ESP32
// build) and the AOT code are checked to read the code region in aligned
// words only.

#include <stddef.h>

#include "board.h"
#include "qemu_board.h"
#include "wasm_board.h"

#define PMP_R (1u << 0)
#define PMP_X (1u << 2)
#define PMP_NAPOT (3u << 3)
#define PMP_LOCK (1u << 7) // the rule binds machine mode too

#define OPCODE_LOAD (0x03)
#define OPCODE_STORE (0x23)

// pmpaddr of a naturally aligned power-of-two region.
static uint32_t pmp_napot(uintptr_t base, size_t size) {
    return (uint32_t)((base | (size / 2 - 1)) >> 2);
}

void board_xip_init(void) {
    size_t size = (size_t)_wasmapps_size;
    BOARD_CSR_WRITE(pmpaddr0, pmp_napot((uintptr_t)_wasmapps_data, size));
    BOARD_CSR_WRITE(pmpaddr1, pmp_napot((uintptr_t)_wasmapps_code, size));
    BOARD_CSR_WRITE(pmpcfg0, (PMP_LOCK | PMP_NAPOT | PMP_R) | (PMP_LOCK | PMP_NAPOT | PMP_X) << 8);
}

// WAMR runs the apps from the instruction view; the module parses the
// index on the data view.
const uint8_t *mp_wasm_board_xip_map(size_t *size) {
    *size = (size_t)_wasmapps_size;
    return _wasmapps_code;
}

const uint8_t *mp_wasm_board_xip_data(const uint8_t *code) {
    return code - _wasmapps_code + _wasmapps_data;
}

uint8_t *board_xip_window(size_t *size) {
    *size = (size_t)_wasmapps_size;
    return _wasmapps_code;
}

// The PMP rules hold for good: nothing to re-arm.
void board_xip_bus_reset(void) {
}

// The data-view address of `addr` if it lies in the instruction view, else 0.
static uintptr_t data_view(uintptr_t addr) {
    uintptr_t offset = addr - (uintptr_t)_wasmapps_code;
    return offset < (uintptr_t)_wasmapps_size ? (uintptr_t)_wasmapps_data + offset : 0;
}

static uint32_t reg_get(board_trap_frame_t *frame, unsigned n) {
    return n == 0 ? 0 : frame->x[n - 1];
}

static int32_t sign_extend(uint32_t value, unsigned bits) {
    return (int32_t)(value << (32 - bits)) >> (32 - bits);
}

// One decoded load or store: its address, width in bytes, whether the
// value is sign-extended, destination register (loads) and length.
typedef struct {
    uint32_t addr;
    unsigned width, rd, len;
    bool is_store, is_signed;
} access_t;

static bool decode(board_trap_frame_t *frame, uint32_t insn, access_t *a) {
    a->is_signed = false;
    a->rd = 0;
    if ((insn & 3) != 3) { // compressed: only word loads and stores exist in RV32C
        a->len = 2;
        a->width = 4;
        unsigned funct3 = (insn >> 13) & 7, quadrant = insn & 3;
        uint32_t offset_lw = ((insn >> 7) & 0x38) | ((insn >> 4) & 4) | ((insn << 1) & 0x40);
        if (quadrant == 0 && (funct3 == 2 || funct3 == 6)) { // c.lw / c.sw rd', offset(rs1')
            a->is_store = funct3 == 6;
            a->rd = 8 + ((insn >> 2) & 7);
            a->addr = reg_get(frame, 8 + ((insn >> 7) & 7)) + offset_lw;
            return true;
        }
        if (quadrant == 2 && funct3 == 2) { // c.lwsp rd, offset(sp)
            a->is_store = false;
            a->rd = (insn >> 7) & 31;
            a->addr = reg_get(frame, 2) + (((insn >> 2) & 0x1c) | ((insn >> 7) & 0x20) | ((insn << 4) & 0xc0));
            return true;
        }
        if (quadrant == 2 && funct3 == 6) { // c.swsp rs2, offset(sp)
            a->is_store = true;
            a->addr = reg_get(frame, 2) + (((insn >> 7) & 0x3c) | ((insn >> 1) & 0xc0));
            return true;
        }
        return false;
    }
    a->len = 4;
    unsigned funct3 = (insn >> 12) & 7;
    uint32_t base = reg_get(frame, (insn >> 15) & 31);
    if ((insn & 0x7f) == OPCODE_LOAD && funct3 != 3 && funct3 < 6) { // lb lh lw lbu lhu
        a->is_store = false;
        a->width = 1u << (funct3 & 3);
        a->is_signed = funct3 < 4;
        a->rd = (insn >> 7) & 31;
        a->addr = base + (uint32_t)sign_extend(insn >> 20, 12);
        return true;
    }
    if ((insn & 0x7f) == OPCODE_STORE && funct3 < 3) { // sb sh sw
        a->is_store = true;
        a->width = 1u << funct3;
        a->addr = base + (uint32_t)sign_extend(((insn >> 25) << 5) | ((insn >> 7) & 31), 12);
        return true;
    }
    return false;
}

bool board_xip_access_fault(board_trap_frame_t *frame) {
    // AOT code reading its own text: fetch the instruction through the data view too.
    uintptr_t pc = frame->mepc;
    const uint16_t *insn16 = (const uint16_t *)(data_view(pc) ? data_view(pc) : pc);
    uint32_t insn = insn16[0];
    if ((insn & 3) == 3) {
        insn |= (uint32_t)insn16[1] << 16;
    }
    access_t a;
    uintptr_t source;
    if (!decode(frame, insn, &a) || (source = data_view(a.addr)) == 0) {
        return false; // not an access to the instruction view: a real fault
    }
    if (!a.is_store && a.rd == 2) {
        return false; // sp is restored by the trap entry itself
    }
    if (a.is_store || a.width != 4) {
        board_xip_record(pc, a.addr, BOARD_XIP_NOT_A_WORD_LOAD);
    } else if (a.addr & 3) {
        board_xip_record(pc, a.addr, BOARD_XIP_UNALIGNED);
    } else {
        board_xip_word_loads++;
    }
    if (!a.is_store && a.rd != 0) {
        const uint8_t *p = (const uint8_t *)source;
        uint32_t value = 0;
        for (unsigned i = 0; i < a.width; i++) {
            value |= (uint32_t)p[i] << (8 * i);
        }
        frame->x[a.rd - 1] = a.is_signed ? (uint32_t)sign_extend(value, 8 * a.width) : value;
    }
    frame->mepc = pc + a.len;
    return true;
}
