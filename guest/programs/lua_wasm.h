/* Forced include (-include) of every Lua source file in the wasm build.
 *
 * Errors: wasm32-wasi has no setjmp/longjmp in this toolchain, so Lua's
 * protected calls run through wasm_try.h: the host unwinds the wasm frames,
 * which works the same in the interpreters, AOT and XIP code (a scheme
 * inside the guest, such as Asyncify or wasm exceptions, would need a newer
 * clang and is not supported by WAMR's AOT/XIP code here). ldo.c has a
 * single LUAI_TRY, in luaD_rawrunprotected(L, f, ud), whose protected
 * action is `(*f)(L, ud);`: the macro makes the same call through wasm_try
 * (it names f and ud, so a change there fails to compile). The status is
 * in the lua_longjmp record, set by luaD_throw before LUAI_THROW. */
#ifndef LUA_WASM_H
#define LUA_WASM_H

#include "wasm_try.h"

#define luai_jmpbuf int /* unused: the host keeps the unwinding state */
#define LUAI_THROW(L, c) wasm_throw(1)
#define LUAI_TRY(L, c, a) ((void)wasm_try((wasm_try_fn)f, (L), ud))

/* No temporary names in WASI preview 1 (wasi_missing.c has the rest). */
#define LUA_TMPNAMBUFSIZE 32
#define lua_tmpnam(b, e) { (b)[0] = '\0'; e = 1; }

#endif /* LUA_WASM_H */
