// Python exceptions as WASI errnos: what a WASI function returns to the guest
// when the VFS or a file object raised.

#include "py/runtime.h"
#include "py/objexcept.h"
#include "py/objtype.h"
#include "py/mperrno.h"
#include "wasm_wasi.h"

// VFS errnos (MicroPython's MP_Exxx, the same numbers on every port) as
// WASI errnos.
static int32_t errno_from_os(mp_int_t err) {
    switch (err) {
        case MP_EPERM:
            return WASI_EPERM;
        case MP_ENOENT:
            return WASI_ENOENT;
        case MP_EBADF:
            return WASI_EBADF;
        case MP_ENOMEM:
            return WASI_ENOMEM;
        case MP_EACCES:
            return WASI_EACCES;
        case MP_EEXIST:
            return WASI_EEXIST;
        case MP_ENOTDIR:
            return WASI_ENOTDIR;
        case MP_EISDIR:
            return WASI_EISDIR;
        case MP_EINVAL:
            return WASI_EINVAL;
        case MP_EMFILE:
            return WASI_EMFILE;
        case MP_EFBIG:
            return WASI_EFBIG;
        case MP_ENOSPC:
            return WASI_ENOSPC;
        case MP_ESPIPE:
            return WASI_ESPIPE;
        case MP_EROFS:
            return WASI_EROFS;
        case 36: // ENAMETOOLONG (no MP_ name)
            return WASI_ENAMETOOLONG;
        case 39: // ENOTEMPTY
            return WASI_ENOTEMPTY;
        case 40: // ELOOP
            return WASI_ELOOP;
        case MP_EOPNOTSUPP:
            return WASI_ENOTSUP;
        default:
            return WASI_EIO;
    }
}

static bool is_a(mp_obj_t exc, const mp_obj_type_t *type) {
    return mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(type));
}

// The errno of an OSError, read from the native exception's own arguments
// (a Python subclass may redefine `args` as anything), or -1. Allocates
// nothing and cannot raise: it runs outside any nlr_push.
mp_int_t wasi_oserror_errno(mp_obj_t exc) {
    mp_obj_exception_t *native = mp_obj_is_native_exception_instance(exc)
        ? MP_OBJ_TO_PTR(exc)
        : MP_OBJ_TO_PTR(((mp_obj_instance_t *)MP_OBJ_TO_PTR(exc))->subobj[0]);
    mp_obj_tuple_t *args = native->args; // never NULL: at least the empty tuple
    if (args->len == 0 || !mp_obj_is_small_int(args->items[0])) {
        return -1;
    }
    return MP_OBJ_SMALL_INT_VALUE(args->items[0]);
}

int32_t mp_wasm_wasi_errno_of(mp_obj_t exc) {
    if (is_a(exc, &mp_type_OSError)) {
        mp_int_t err = wasi_oserror_errno(exc);
        return err < 0 ? WASI_EIO : errno_from_os(err);
    }
    #if MICROPY_PY_BUILTINS_STR_UNICODE
    if (is_a(exc, &mp_type_UnicodeError)) {
        return WASI_EILSEQ; // a guest path or name that is not UTF-8
    }
    #endif
    if (is_a(exc, &mp_type_MemoryError)) {
        return WASI_ENOMEM;
    }
    return 0;
}
