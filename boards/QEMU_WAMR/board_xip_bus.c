// A model of the ESP32's instruction bus for the board's XIP window, so
// that the emulated board catches what would fault on the real chips: there
// the `wasmapps` partition is executed (and WAMR reads it) through the
// instruction bus, which takes only 4-byte-aligned 32-bit loads (a byte or
// halfword load raises LoadStoreError) and no stores.
//
// How: the window (0x00300000, 1 MB) is an MPU region with no access, so
// every access to it raises MemManage. QEMU's mps2 machines mirror the code
// RAM at +4 MB (0x00700000 holds the same bytes, unchecked), which serves as
// the data bus (wasm_xip.c parses the index and checksums there, as the ESP32
// port does on its data-bus view). The MemManage handler then:
// - instruction fetch: continues at the mirror (the AOT code is
//   position-independent; calls through WAMR's function table come back to
//   the window and are redirected again);
// - LDR/LDRD/LDM from a 4-byte-aligned address: performs the load from the
//   mirror and steps over the instruction (like the chip's bus: it works);
// - anything else (byte, halfword or unaligned loads, stores, VLDR): records
//   the PC, the address and what it was (board.xip_bus(), in
//   qemu_common/board_xip_report.c), and opens the window until the next
//   millisecond tick so the program can go on.

#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "qemu_board.h"

#define XIP_WINDOW (0x00300000u)
#define XIP_WINDOW_SIZE (0x00100000u)
#define XIP_MIRROR_OFFSET (0x00400000u)

#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94)
#define MPU_RNR (*(volatile uint32_t *)0xE000ED98)
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9C)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24)
#define SCB_MMFSR (*(volatile uint8_t *)0xE000ED28)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34)

#define MMFSR_IACCVIOL (1u << 0)
#define MMFSR_DACCVIOL (1u << 1)
#define MMFSR_MMARVALID (1u << 7)

static volatile bool window_open;

static bool in_window(uint32_t addr) {
    return addr - XIP_WINDOW < XIP_WINDOW_SIZE;
}

static void mpu_window(bool checked) {
    MPU_RNR = 0;
    MPU_RBAR = XIP_WINDOW;
    // AP=000 (no access), SIZE=19 (2^20 bytes), enabled; or the region off.
    MPU_RASR = checked ? (19u << 1) | 1u : 0;
    __asm volatile ("dsb\n isb" ::: "memory");
}

void board_xip_bus_init(void) {
    mpu_window(true);
    MPU_CTRL = (1u << 2) | 1u;   // PRIVDEFENA: the default map elsewhere; ENABLE
    SCB_SHCSR |= 1u << 16;       // MEMFAULTENA
    __asm volatile ("dsb\n isb" ::: "memory");
}

// From the millisecond tick: close a window that a violation opened.
void board_xip_bus_tick(void) {
    if (window_open) {
        window_open = false;
        mpu_window(true);
    }
}

static uint32_t mirror_word(uint32_t addr) {
    return *(volatile uint32_t *)(addr + XIP_MIRROR_OFFSET);
}

// The registers of the interrupted code: r0-r3, r12, lr, pc, xpsr in the
// exception frame; r4-r11 saved by the assembly entry below.
typedef struct {
    uint32_t *frame;
    uint32_t *high;      // r4..r11
    uint32_t sp;         // the interrupted code's SP
} regs_t;

static uint32_t *reg_slot(regs_t *r, unsigned n) {
    static const uint8_t frame_index[16] = { 0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 5, 6 };
    if (n >= 4 && n <= 11) {
        return &r->high[n - 4];
    }
    return &r->frame[frame_index[n]];
}

static uint32_t reg_get(regs_t *r, unsigned n) {
    return n == 13 ? r->sp : *reg_slot(r, n);
}

static void reg_set(regs_t *r, unsigned n, uint32_t value) {
    *reg_slot(r, n) = value;
}

// Moves ITSTATE on by one instruction (the faulting one is being skipped).
static void it_advance(uint32_t *xpsr) {
    uint32_t it = ((*xpsr >> 25) & 3u) | ((*xpsr >> 8) & 0xfcu);
    if (it == 0) {
        return;
    }
    it = (it & 7u) == 0 ? 0 : (it & 0xe0u) | ((it << 1) & 0x1fu);
    *xpsr = (*xpsr & ~((3u << 25) | (0x3fu << 10))) | ((it & 3u) << 25) | ((it >> 2) << 10);
}

static void record(uint32_t pc, uint32_t addr, const char *what) {
    board_xip_record(pc, addr, what);
    window_open = true;
    mpu_window(false);
}

// Loads `count` words from `addr` into the listed registers; false if the
// access is not one the instruction bus takes.
static bool load_words(regs_t *r, uint32_t addr, const uint8_t *dest, unsigned count, const char **why) {
    if (addr & 3u) {
        *why = BOARD_XIP_UNALIGNED;
        return false;
    }
    for (unsigned i = 0; i < count; i++) {
        if (dest[i] == 13 || dest[i] == 15) {
            *why = "load into sp/pc";
            return false;
        }
    }
    for (unsigned i = 0; i < count; i++) {
        reg_set(r, dest[i], in_window(addr + 4 * i) ? mirror_word(addr + 4 * i)
                                                    : *(volatile uint32_t *)(addr + 4 * i));
    }
    board_xip_word_loads += count;
    return true;
}

static unsigned reglist(uint32_t bits, uint8_t *dest) {
    unsigned n = 0;
    for (unsigned i = 0; i < 16; i++) {
        if (bits & (1u << i)) {
            dest[n++] = (uint8_t)i;
        }
    }
    return n;
}

static uint32_t shifted(uint32_t value, unsigned shift) {
    return value << shift;
}

// Decodes the Thumb-2 load at `pc`; performs it if the instruction bus would
// take it. Returns the instruction's length, 0 if it was not performed.
static unsigned emulate(regs_t *r, uint32_t pc, const char **why) {
    uint32_t hw1 = *(volatile uint16_t *)pc;
    uint8_t dest[16];
    *why = BOARD_XIP_NOT_A_WORD_LOAD;
    if ((hw1 >> 11) < 0x1d) {   // 16-bit instructions
        unsigned rt = hw1 & 7u, rn = (hw1 >> 3) & 7u;
        if ((hw1 >> 11) == 0x0d) {                       // LDR Rt, [Rn, #imm5*4]
            dest[0] = (uint8_t)rt;
            return load_words(r, reg_get(r, rn) + ((hw1 >> 6) & 0x1fu) * 4, dest, 1, why) ? 2 : 0;
        }
        if ((hw1 >> 9) == 0x2c) {                        // LDR Rt, [Rn, Rm]
            dest[0] = (uint8_t)rt;
            return load_words(r, reg_get(r, rn) + reg_get(r, (hw1 >> 6) & 7u), dest, 1, why) ? 2 : 0;
        }
        if ((hw1 >> 11) == 0x19) {                       // LDM Rn{!}, {list}
            rn = (hw1 >> 8) & 7u;
            unsigned n = reglist(hw1 & 0xffu, dest);
            uint32_t base = reg_get(r, rn);
            if (!load_words(r, base, dest, n, why)) {
                return 0;
            }
            if (!(hw1 & (1u << rn))) {
                reg_set(r, rn, base + 4 * n);
            }
            return 2;
        }
        return 0;
    }
    uint32_t hw2 = *(volatile uint16_t *)(pc + 2);
    unsigned rn = hw1 & 0xfu, rt = hw2 >> 12;
    if (rn == 13 || rn == 15) {
        *why = "sp/pc-relative access";
        return 0;
    }
    uint32_t base = reg_get(r, rn);
    if ((hw1 & 0xfff0u) == 0xf8d0u) {                    // LDR.W Rt, [Rn, #imm12]
        dest[0] = (uint8_t)rt;
        return load_words(r, base + (hw2 & 0xfffu), dest, 1, why) ? 4 : 0;
    }
    if ((hw1 & 0xfff0u) == 0xf850u && (hw2 & 0x800u)) {  // LDR Rt, [Rn, #+/-imm8]{!} / post-indexed
        bool p = hw2 & 0x400u, u = hw2 & 0x200u, w = hw2 & 0x100u;
        uint32_t offset_addr = u ? base + (hw2 & 0xffu) : base - (hw2 & 0xffu);
        dest[0] = (uint8_t)rt;
        if (!load_words(r, p ? offset_addr : base, dest, 1, why)) {
            return 0;
        }
        if (w && rn != rt) {
            reg_set(r, rn, offset_addr);
        }
        return 4;
    }
    if ((hw1 & 0xfff0u) == 0xf850u && (hw2 & 0xfc0u) == 0) {  // LDR.W Rt, [Rn, Rm, LSL #s]
        dest[0] = (uint8_t)rt;
        return load_words(r, base + shifted(reg_get(r, hw2 & 0xfu), (hw2 >> 4) & 3u), dest, 1, why) ? 4 : 0;
    }
    if ((hw1 & 0xfe50u) == 0xe850u) {                    // LDRD Rt, Rt2, [Rn, #+/-imm8*4]{!}
        bool p = hw1 & 0x100u, u = hw1 & 0x80u, w = hw1 & 0x20u;
        uint32_t offset_addr = u ? base + (hw2 & 0xffu) * 4 : base - (hw2 & 0xffu) * 4;
        dest[0] = (uint8_t)rt;
        dest[1] = (uint8_t)((hw2 >> 8) & 0xfu);
        if (!load_words(r, p ? offset_addr : base, dest, 2, why)) {
            return 0;
        }
        if (w) {
            reg_set(r, rn, offset_addr);
        }
        return 4;
    }
    if ((hw1 & 0xffd0u) == 0xe890u || (hw1 & 0xffd0u) == 0xe910u) {  // LDM.W / LDMDB
        bool w = hw1 & 0x20u, db = (hw1 & 0xffd0u) == 0xe910u;
        unsigned n = reglist(hw2 & 0xdfffu, dest);
        uint32_t start = db ? base - 4 * n : base;
        if (!load_words(r, start, dest, n, why)) {
            return 0;
        }
        if (w && !(hw2 & (1u << rn))) {
            reg_set(r, rn, db ? start : base + 4 * n);
        }
        return 4;
    }
    if ((hw1 & 0xff30u) == 0xed10u) {
        *why = "VLDR (floating-point load)";
    }
    return 0;
}

// Called by the assembly entry with the exception frame, r4-r11 and
// EXC_RETURN.
void board_xip_bus_fault(uint32_t *frame, uint32_t *high, uint32_t exc_return) {
    uint8_t mmfsr = SCB_MMFSR;
    uint32_t addr = SCB_MMFAR;
    SCB_MMFSR = mmfsr;   // write 1 to clear
    uint32_t pc = frame[6];
    if ((mmfsr & MMFSR_IACCVIOL) && in_window(pc)) {
        frame[6] = pc + XIP_MIRROR_OFFSET;
        board_xip_fetch_redirects++;
        return;
    }
    if (!(mmfsr & MMFSR_DACCVIOL) || !(mmfsr & MMFSR_MMARVALID) || !in_window(addr)) {
        // Not the window's doing: stop as the port's handler would.
        record(pc, addr, "MemManage fault outside the XIP window");
        for (;;) {
        }
    }
    uint32_t frame_words = (exc_return & 0x10u) ? 8 : 26;
    regs_t r = { frame, high, (uint32_t)(frame + frame_words) + ((frame[7] & 0x200u) ? 4 : 0) };
    const char *why;
    unsigned len = emulate(&r, pc, &why);
    if (len == 0) {
        record(pc, addr, why);   // the window is open: the access runs again, unchecked
        return;
    }
    frame[6] = pc + len;
    it_advance(&frame[7]);
}

__attribute__((naked)) void board_xip_bus_handler(void) {
    __asm volatile (
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "push {r4-r11, lr}\n"
        "mov r1, sp\n"
        "mov r2, lr\n"
        "bl board_xip_bus_fault\n"
        "pop {r4-r11, lr}\n"
        "bx lr\n"
        );
}

uint8_t *board_xip_window(size_t *size) {
    *size = XIP_WINDOW_SIZE;
    return (uint8_t *)XIP_WINDOW;
}

// board.xip_bus() read the records: check the window again.
void board_xip_bus_reset(void) {
    window_open = false;
    mpu_window(true);
}
