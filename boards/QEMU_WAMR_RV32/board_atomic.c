// The libatomic calls that rv32imc code makes (no A extension): WAMR's
// thread manager flags, the module's interrupt shim, and the helpers WAMR
// offers AOT code. One hart, so masking interrupts makes them atomic, as
// ESP-IDF's implementations do on the ESP32-C3.

#include <stdbool.h>
#include <stdint.h>

#include "board.h"

// Named through asm labels: GCC knows these names as built-ins.
uint32_t board_atomic_fetch_or_4(volatile void *ptr, uint32_t val, int order) __asm__ ("__atomic_fetch_or_4");
uint32_t board_atomic_fetch_and_4(volatile void *ptr, uint32_t val, int order) __asm__ ("__atomic_fetch_and_4");
void board_atomic_store_4(volatile void *ptr, uint32_t val, int order) __asm__ ("__atomic_store_4");
bool board_atomic_compare_exchange_4(volatile void *ptr, void *expected, uint32_t desired,
    bool weak, int success, int failure) __asm__ ("__atomic_compare_exchange_4");

// One read-modify-write with interrupts masked; returns the old value.
static uint32_t fetch_and_set(volatile void *ptr, uint32_t or_bits, uint32_t and_bits) {
    uint32_t state = board_irq_save();
    uint32_t old = *(volatile uint32_t *)ptr;
    *(volatile uint32_t *)ptr = (old | or_bits) & and_bits;
    board_irq_restore(state);
    return old;
}

uint32_t board_atomic_fetch_or_4(volatile void *ptr, uint32_t val, int order) {
    (void)order;
    return fetch_and_set(ptr, val, ~0u);
}

uint32_t board_atomic_fetch_and_4(volatile void *ptr, uint32_t val, int order) {
    (void)order;
    return fetch_and_set(ptr, 0, val);
}

void board_atomic_store_4(volatile void *ptr, uint32_t val, int order) {
    (void)order;
    *(volatile uint32_t *)ptr = val; // an aligned word store is atomic
}

bool board_atomic_compare_exchange_4(volatile void *ptr, void *expected, uint32_t desired,
    bool weak, int success, int failure) {
    (void)weak;
    (void)success;
    (void)failure;
    uint32_t state = board_irq_save();
    uint32_t old = *(volatile uint32_t *)ptr;
    bool equal = old == *(uint32_t *)expected;
    if (equal) {
        *(volatile uint32_t *)ptr = desired;
    } else {
        *(uint32_t *)expected = old;
    }
    board_irq_restore(state);
    return equal;
}
