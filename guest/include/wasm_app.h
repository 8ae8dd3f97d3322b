/*
 * wasm_app.h - minimal SDK header for guest apps built with
 * clang --target=wasm32-wasi.
 *
 *   WASM_EXPORT("name")           export the following function as "name"
 *   WASM_IMPORT("module", "name") declare a function imported from the host
 *   WASM_ENV_IMPORT("name")       shorthand for WASM_IMPORT("env", "name")
 *   WASM_GLOBAL                   place a variable in a WebAssembly global
 *                                 (address space 1) instead of linear memory
 *
 * Example:
 *   WASM_ENV_IMPORT("host_add") int32_t host_add(int32_t a, int32_t b);
 *   WASM_EXPORT("twice") int32_t twice(int32_t a) { return host_add(a, a); }
 *
 * Notes for clang 14:
 *   - export_name only works on functions, not on data.  To export a
 *     WebAssembly global, define it in a small .wat file assembled with
 *     `wat2wasm -r` (relocatable) and link that object next to the C code;
 *     C code can then access it through `extern WASM_GLOBAL int32_t x;`.
 *     (A WASM_GLOBAL *definition* in C is always zero-initialised: clang 14
 *     drops the initializer.)
 *   - exporting a *mutable* global needs `-mmutable-globals` at link time.
 *   - WASM_GLOBAL variables must be scalars and their address cannot be
 *     taken.
 */
#ifndef WASM_APP_H
#define WASM_APP_H

#include <stdint.h>

#define WASM_EXPORT(name) __attribute__((export_name(name)))
#define WASM_IMPORT(module, name) \
    __attribute__((import_module(module), import_name(name)))
#define WASM_ENV_IMPORT(name) WASM_IMPORT("env", name)
#define WASM_GLOBAL __attribute__((address_space(1)))

#endif /* WASM_APP_H */
