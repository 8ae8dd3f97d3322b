/* wasi-libc in this toolchain has no setjmp.h, and Debian's clang would
 * fall back to the host's glibc header. Lua's wasm build does not use
 * setjmp (lua_wasm.h replaces it), so an empty header is all ldo.c needs. */
#ifndef LUA_WASM_SETJMP_H
#define LUA_WASM_SETJMP_H
#endif
