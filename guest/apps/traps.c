/*
 * traps.c - WASI reactor whose exports each trigger one kind of trap
 * (plus ok(), which does not).  volatile is used throughout so that clang
 * keeps the faulting operations.
 */
#include <stdint.h>

#include "wasm_app.h"

/* Far beyond any linear memory this module has (it starts with one or two
 * 64 KiB pages and never grows on its own). */
#define OOB_ADDR 0x7FFFFFF0u

WASM_EXPORT("do_unreachable")
void do_unreachable(void)
{
    __builtin_trap(); /* `unreachable` instruction */
}

WASM_EXPORT("oob_read")
int32_t oob_read(void)
{
    volatile int32_t *p = (volatile int32_t *)(uintptr_t)OOB_ADDR;
    return *p;
}

WASM_EXPORT("oob_write")
void oob_write(void)
{
    volatile int32_t *p = (volatile int32_t *)(uintptr_t)OOB_ADDR;
    *p = 0x12345678;
}

/* i32.div_s: traps with "integer divide by zero" when b == 0. */
WASM_EXPORT("div_zero")
int32_t div_zero(int32_t a, int32_t b)
{
    volatile int32_t va = a;
    volatile int32_t vb = b;
    return va / vb;
}

/* Unbounded, non-tail recursion: every frame keeps a volatile array on the
 * C shadow stack (in linear memory) and uses it after the recursive call
 * returns, so the call cannot become a loop.  Ends with a stack-overflow
 * trap (the host's wasm/native stack, or the shadow stack running below
 * address 0 since the module is linked with --stack-first). */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winfinite-recursion"
WASM_EXPORT("recurse")
int32_t recurse(int32_t n)
{
    volatile int32_t frame[4];
    frame[0] = n;
    frame[3] = n ^ 0x5A5A5A5A;
    int32_t r = recurse(n + 1);
    return r + frame[0] + frame[3];
}
#pragma clang diagnostic pop

/* Infinite loop; the volatile counter keeps the loop body alive.  The host
 * has to stop it (e.g. wasm_runtime_terminate() from another thread). */
static volatile uint32_t spin_counter;

WASM_EXPORT("spin")
void spin(void)
{
    for (;;)
        spin_counter = spin_counter + 1;
}

WASM_EXPORT("ok")
int32_t ok(void)
{
    return 1;
}
