/*
 * needs_import.c - WASI reactor that imports two host functions from
 * module "env"; instantiation must fail if the host does not provide them.
 *
 *   env.host_add(i32 a, i32 b) -> i32
 *   env.host_log(i32 ptr, i32 len)     ptr/len: UTF-8 bytes in linear memory
 */
#include <stdint.h>

#include "wasm_app.h"

WASM_ENV_IMPORT("host_add")
int32_t host_add(int32_t a, int32_t b);

WASM_ENV_IMPORT("host_log")
void host_log(const char *ptr, uint32_t len);

/* Returns host_add(a, b) * 2 (wrapping). */
WASM_EXPORT("call_host")
int32_t call_host(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)host_add(a, b) * 2u);
}

static const char say_msg[] = "hello from needs_import";

/* Calls host_log with the message above (no NUL terminator in len). */
WASM_EXPORT("say")
void say(void)
{
    host_log(say_msg, sizeof(say_msg) - 1);
}
