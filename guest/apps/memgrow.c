/*
 * memgrow.c - WASI reactor exposing memory.size / memory.grow and byte
 * access to linear memory.
 */
#include <stdint.h>

#include "wasm_app.h"

/* Current size of memory 0 in 64 KiB pages. */
WASM_EXPORT("pages")
int32_t pages(void)
{
    return (int32_t)__builtin_wasm_memory_size(0);
}

/* Grow memory 0 by delta pages: returns the old size in pages, or -1 if
 * the runtime refuses (negative delta, above the maximum, out of host
 * memory). */
WASM_EXPORT("grow")
int32_t grow(int32_t delta)
{
    return (int32_t)__builtin_wasm_memory_grow(0, (uint32_t)delta);
}

/* Store the low byte of value at addr (traps when out of bounds). */
WASM_EXPORT("poke")
void poke(int32_t addr, int32_t value)
{
    *(volatile uint8_t *)(uintptr_t)(uint32_t)addr = (uint8_t)value;
}

/* Load the byte at addr, zero-extended (traps when out of bounds). */
WASM_EXPORT("peek")
int32_t peek(int32_t addr)
{
    return *(volatile const uint8_t *)(uintptr_t)(uint32_t)addr;
}
