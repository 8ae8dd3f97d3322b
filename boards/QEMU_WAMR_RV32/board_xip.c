// The wasmapps image as the ESP32-C3's MMU maps flash: a data view, read
// only, and an instruction view, execute only for the CPU's loads. Word
// reads through the instruction view are emulated by the trap handler, so
// they work as on the chip's instruction bus; byte and halfword reads, stores
// and misaligned reads stop the board with a fault, which proves that
// WAMR's XIP loader and the AOT code only ever read the code region in
// aligned words (WASM_ENABLE_WORD_ALIGN_READ, as in the ESP32 build).

#include <stddef.h>

#include "board.h"
#include "wasm_board.h"

#define PMP_R (1u << 0)
#define PMP_X (1u << 2)
#define PMP_NAPOT (3u << 3)
#define PMP_LOCK (1u << 7) // the rule binds machine mode too

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

const uint8_t *mp_wasm_board_xip_map(size_t *size) {
    *size = (size_t)_wasmapps_size;
    return _wasmapps_data;
}

const uint8_t *mp_wasm_board_xip_code(const uint8_t *image) {
    return image - _wasmapps_data + _wasmapps_code;
}

// The data-view address of `addr` if it lies in the instruction view, else 0.
static uintptr_t data_view(uintptr_t addr) {
    uintptr_t offset = addr - (uintptr_t)_wasmapps_code;
    return offset < (uintptr_t)_wasmapps_size ? (uintptr_t)_wasmapps_data + offset : 0;
}

bool board_xip_emulate_load(board_trap_frame_t *frame, uint32_t addr) {
    uintptr_t source = data_view(addr);
    if (source == 0 || (addr & 3) != 0) {
        return false;
    }
    // AOT code reading its own text: fetch the instruction through the data view too.
    uintptr_t pc = frame->mepc;
    const uint16_t *insn16 = (const uint16_t *)(data_view(pc) ? data_view(pc) : pc);
    uint32_t insn = insn16[0];
    unsigned rd, len;
    if ((insn & 3) != 3) {
        len = 2;
        if ((insn & 0xe003) == 0x4000) { // c.lw rd', offset(rs1')
            rd = 8 + ((insn >> 2) & 7);
        } else if ((insn & 0xe003) == 0x4002) { // c.lwsp rd, offset(sp)
            rd = (insn >> 7) & 31;
        } else {
            return false;
        }
    } else {
        len = 4;
        insn |= (uint32_t)insn16[1] << 16;
        if ((insn & 0x707f) != 0x2003) { // lw: only a whole word
            return false;
        }
        rd = (insn >> 7) & 31;
    }
    if (rd == 2) {
        return false; // sp is restored by the trap entry itself
    }
    if (rd != 0) {
        frame->x[rd - 1] = *(const uint32_t *)source;
    }
    frame->mepc = pc + len;
    return true;
}
