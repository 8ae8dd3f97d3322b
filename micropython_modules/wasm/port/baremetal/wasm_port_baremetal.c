// Port hooks of the `wasm` module on bare metal, on top of the board's
// clock and idle functions (wasm_board.h).

#include "py/runtime.h"
#include "modwasm.h"
#include "wasm_board.h"

MP_WEAK uint64_t mp_wasm_board_realtime_us(void) {
    return mp_wasm_board_time_us();
}

MP_WEAK void mp_wasm_board_idle(void) {
}

// Without a hardware RNG: xorshift64*, reseeded from the clock on each
// call. Good enough for hash seeds, not for cryptography.
MP_WEAK void mp_wasm_board_random(uint8_t *buf, size_t len) {
    static uint64_t state = 0x9E3779B97F4A7C15ull;
    state ^= mp_wasm_board_time_us();
    for (size_t i = 0; i < len; i++) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        buf[i] = (uint8_t)((state * 0x2545F4914F6CDD1Dull) >> 56);
    }
}

MP_WEAK const uint8_t *mp_wasm_board_xip_map(size_t *size) {
    *size = 0;
    return NULL;
}

// By default one mapping serves reading and executing alike.
MP_WEAK const uint8_t *mp_wasm_board_xip_data(const uint8_t *code) {
    return code;
}

const uint8_t *mp_wasm_port_xip_map(size_t *size, const uint8_t **code) {
    *code = mp_wasm_board_xip_map(size);
    return *code != NULL ? mp_wasm_board_xip_data(*code) : NULL;
}

void mp_wasm_port_random(uint8_t *buf, size_t len) {
    mp_wasm_board_random(buf, len);
}

uint64_t mp_wasm_port_time_ns(bool realtime) {
    uint64_t us = realtime ? mp_wasm_board_realtime_us() : mp_wasm_board_time_us();
    return us * 1000u;
}

// No accounting of CPU time here (the firmware is the only process and
// never knows how long it idled): the guest gets EINVAL for those clocks.
bool mp_wasm_port_cputime_ns(bool thread, uint64_t *now, uint64_t *resolution) {
    (void)thread;
    (void)now;
    (void)resolution;
    return false;
}

void mp_wasm_port_sleep_ns(uint64_t ns) {
    uint64_t end = mp_wasm_board_time_us() + ns / 1000u;
    while (mp_wasm_board_time_us() < end) {
        mp_wasm_board_idle();
    }
}

void *mp_wasm_port_stack_limit(void) {
    return mp_wasm_board_stack_limit();
}

// littlefs and FAT have no symlinks: the lexical check is the whole story.
bool mp_wasm_port_path_contained(const char *root, const char *path) {
    (void)root;
    (void)path;
    return true;
}

bool mp_wasm_port_may_move(const char *path) {
    (void)path;
    return true;
}

// No timer interrupt is wired to guests on the bare-metal boards:
// timeout_ms raises RuntimeError there rather than not limiting.
bool mp_wasm_port_deadline_init(void) {
    return false;
}

void mp_wasm_port_deadline_arm(uint64_t us) {
    (void)us;
}

void mp_wasm_port_deadline_disarm(void) {
}

// The board's UART interrupt calls mp_wasm_request_interrupt() directly.
void mp_wasm_port_guest_enter(void) {
}

void mp_wasm_port_guest_exit(void) {
}

// The board's UART interrupt stops guests: it runs between two instructions
// of the main thread, never in the middle of a change of the running guest.
void mp_wasm_port_interrupt_lock(void) {
}

void mp_wasm_port_interrupt_unlock(void) {
}
