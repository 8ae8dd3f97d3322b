/*
 * wasm_try.h - non-local exits for guests (a setjmp/longjmp replacement).
 *
 *   int wasm_try(fn, a, b)   calls fn(a, b); returns 0 when it returns,
 *                            or the code given to wasm_throw() inside it
 *   wasm_throw(code)         unwinds to the innermost wasm_try (code != 0;
 *                            0 is turned into 1)
 *
 * The host does the unwinding (the firmware's `wasm_try` native family), so
 * it works the same in the interpreters, AOT and XIP code. Link
 * guest/lib/wasm_try.c: it exports `wasm_try_trampoline`, which the host
 * calls, and restores the C stack pointer after a throw. As with longjmp,
 * locals of the caller that were changed inside fn must not be relied on.
 */
#ifndef WASM_TRY_H
#define WASM_TRY_H

typedef void (*wasm_try_fn)(void *a, void *b);

int wasm_try(wasm_try_fn fn, void *a, void *b);
_Noreturn void wasm_throw(int code);

#endif /* WASM_TRY_H */
