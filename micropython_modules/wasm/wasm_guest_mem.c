// Guest linear memory by offset, translated at every access (see
// wasm_native_call.h: memory may move whenever Python code has run).

#include "wasm_native_call.h"

// mp_wasm_guest_ptr() itself reads WAMR's memory instance: it lives in
// wamr_shim/wasm_guest_range.c.

bool mp_wasm_guest_check(wasm_exec_env_t exec_env, uint32_t offset, uint64_t size) {
    return mp_wasm_guest_ptr(exec_env, offset, size) != NULL;
}

bool mp_wasm_guest_read(wasm_exec_env_t exec_env, uint32_t offset, void *dst, size_t size) {
    const void *src = mp_wasm_guest_ptr(exec_env, offset, size);
    if (src == NULL) {
        memset(dst, 0, size);
        return false;
    }
    memcpy(dst, src, size);
    return true;
}

bool mp_wasm_guest_write(wasm_exec_env_t exec_env, uint32_t offset, const void *src, size_t size) {
    void *dst = mp_wasm_guest_ptr(exec_env, offset, size);
    if (dst == NULL) {
        return false;
    }
    memcpy(dst, src, size);
    return true;
}

// Little-endian, as wasm: the same bytes on every host.
uint32_t mp_wasm_guest_u32(wasm_exec_env_t exec_env, uint32_t offset) {
    uint8_t b[4];
    mp_wasm_guest_read(exec_env, offset, b, sizeof(b));
    return b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24);
}

bool mp_wasm_guest_write_u32(wasm_exec_env_t exec_env, uint32_t offset, uint32_t value) {
    uint8_t b[4] = { value, value >> 8, value >> 16, value >> 24 };
    return mp_wasm_guest_write(exec_env, offset, b, sizeof(b));
}

bool mp_wasm_guest_write_u64(wasm_exec_env_t exec_env, uint32_t offset, uint64_t value) {
    uint8_t b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(value >> (8 * i));
    }
    return mp_wasm_guest_write(exec_env, offset, b, sizeof(b));
}
