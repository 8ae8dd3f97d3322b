/*
 * hostcalls.c - reactor that calls the firmware's native functions in
 * import module "mp".
 *
 * Imports (module "mp"):
 *   ticks_ms() -> i32                 milliseconds modulo 2**30 (never negative)
 *   sleep_ms(i32 ms)
 *   log(i32 ptr, i32 len)             bytes in linear memory; the host
 *                                     checks the range
 *   random_bytes(i32 ptr, i32 len) -> i32   fills the range; 0 on success
 *
 * Exports:
 *   now() -> i32                      ticks_ms()
 *   nap(i32 ms) -> i32                ms measured around sleep_ms(ms)
 *   say()                             log("hello from guest"), 16 bytes
 *   say_bad(i32 ptr, i32 len)         log(ptr, len) with raw values
 *   rand(i32 n) -> i32                n (clamped to [0, 64]) random bytes
 *                                     into a zeroed static buffer; number
 *                                     of distinct byte values, or -1 if
 *                                     random_bytes() did not return 0
 *   rand_bad(i32 ptr, i32 len) -> i32 random_bytes(ptr, len) with raw values
 */
#include <stdint.h>
#include <string.h>

#include "wasm_app.h"

WASM_IMPORT("mp", "ticks_ms") int32_t mp_ticks_ms(void);
WASM_IMPORT("mp", "sleep_ms") void mp_sleep_ms(int32_t ms);
WASM_IMPORT("mp", "log") void mp_log(int32_t ptr, int32_t len);
WASM_IMPORT("mp", "random_bytes") int32_t mp_random_bytes(int32_t ptr, int32_t len);

#define RAND_BUF_SIZE 64
static uint8_t rand_buf[RAND_BUF_SIZE];

static const char greeting[] = "hello from guest";

WASM_EXPORT("now") int32_t now(void)
{
    return mp_ticks_ms();
}

WASM_EXPORT("nap") int32_t nap(int32_t ms)
{
    uint32_t start = (uint32_t)mp_ticks_ms();
    mp_sleep_ms(ms);
    uint32_t end = (uint32_t)mp_ticks_ms();
    /* The counter wraps at 2**30: the masked difference is the elapsed time. */
    return (int32_t)((end - start) & 0x3fffffffu);
}

WASM_EXPORT("say") void say(void)
{
    mp_log((int32_t)(uintptr_t)greeting, (int32_t)(sizeof(greeting) - 1));
}

WASM_EXPORT("say_bad") void say_bad(int32_t ptr, int32_t len)
{
    mp_log(ptr, len);
}

WASM_EXPORT("rand") int32_t rand_count(int32_t n)
{
    if (n < 0)
        n = 0;
    if (n > RAND_BUF_SIZE)
        n = RAND_BUF_SIZE;

    /* Zero first, so a host that reports success without writing shows
     * up as a single distinct value. */
    memset(rand_buf, 0, sizeof(rand_buf));
    if (mp_random_bytes((int32_t)(uintptr_t)rand_buf, n) != 0)
        return -1;

    uint8_t seen[256];
    memset(seen, 0, sizeof(seen));
    int32_t distinct = 0;
    for (int32_t i = 0; i < n; i++) {
        if (!seen[rand_buf[i]]) {
            seen[rand_buf[i]] = 1;
            distinct++;
        }
    }
    return distinct;
}

WASM_EXPORT("rand_bad") int32_t rand_bad(int32_t ptr, int32_t len)
{
    return mp_random_bytes(ptr, len);
}
