// The kernels compiled for the CPU (gcc -O2) as a MicroPython native
// module (benchnat.mpy): the "native" column, called like the other modes.
#include "py/dynruntime.h"

#include "bench.h"
#include "fib.c"
#include "crc32.c"
#include "matmul.c"
#include "mandel.c"
#include "sieve.c"
#include "qsort.c"

#define BENCH_WRAP(name) \
    static mp_obj_t name##_obj_fn(mp_obj_t n) { \
        return mp_obj_new_int_from_uint(bench_##name((int32_t)mp_obj_get_int(n))); \
    } \
    static MP_DEFINE_CONST_FUN_OBJ_1(name##_obj, name##_obj_fn);
BENCH_KERNELS(BENCH_WRAP)

mp_obj_t mpy_init(mp_obj_fun_bc_t *self, size_t n_args, size_t n_kw, mp_obj_t *args) {
    MP_DYNRUNTIME_INIT_ENTRY
    // Spelled out: mpy_ld.py finds qstrs in the source text, not after
    // macro expansion.
    mp_store_global(MP_QSTR_fib, MP_OBJ_FROM_PTR(&fib_obj));
    mp_store_global(MP_QSTR_crc32, MP_OBJ_FROM_PTR(&crc32_obj));
    mp_store_global(MP_QSTR_matmul, MP_OBJ_FROM_PTR(&matmul_obj));
    mp_store_global(MP_QSTR_mandel, MP_OBJ_FROM_PTR(&mandel_obj));
    mp_store_global(MP_QSTR_sieve, MP_OBJ_FROM_PTR(&sieve_obj));
    mp_store_global(MP_QSTR_qsort, MP_OBJ_FROM_PTR(&qsort_obj));
    MP_DYNRUNTIME_INIT_EXIT
}
