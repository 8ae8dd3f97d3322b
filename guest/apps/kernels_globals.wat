;; kernels_globals.wat - wasm globals exported by kernels.wasm.
;;
;; clang 14 cannot export a data object from C, and it drops the
;; initializer of a C variable placed in a wasm global (address_space(1)),
;; so the exported mutable global lives here.  The Makefile assembles this
;; file with `wat2wasm -r` (relocatable object, with a linking section) and
;; links it together with kernels.c; the C code refers to it with
;;   extern WASM_GLOBAL int32_t counter;
;; wabt marks the symbol "exported", so wasm-ld exports it without an extra
;; --export flag.  Exporting a mutable global needs -mmutable-globals.
(module
  (global $counter (mut i32) (i32.const 7))
  (export "counter" (global $counter)))
