// Stream calls on the objects WASI descriptors hold: the host's stdio
// streams (any MicroPython stream, or any object with read()/write()) and the
// file objects a VFS returns (a user's Python VFS may return anything).
// Native streams go through MicroPython's stream protocol; everything else
// through its Python methods, whose results are checked before use.

#include "py/runtime.h"
#include "py/objint.h"
#include "py/objtype.h"
#include "py/stream.h"
#include "py/mperrno.h"
#include "wasm_wasi.h"

// Whether a type's `name` method is MicroPython's generic stream method.
static bool has_stream_method(const mp_obj_type_t *type, qstr name, const mp_obj_fun_builtin_var_t *generic) {
    mp_map_elem_t *method = mp_map_lookup(&MP_OBJ_TYPE_GET_SLOT(type, locals_dict)->map,
        MP_OBJ_NEW_QSTR(name), MP_MAP_LOOKUP);
    return method != NULL && method->value == MP_OBJ_FROM_PTR(generic);
}

// The stream protocol of a native stream, or NULL (Python objects, native
// types without one). The protocol slot also holds other protocols (a VFS's,
// a pin's): only a type whose read or write method is the generic stream
// method has a stream protocol there.
static const mp_stream_p_t *native_stream(mp_obj_t obj) {
    const mp_obj_type_t *type = mp_obj_get_type(obj);
    if (mp_obj_is_instance_type(type) || !MP_OBJ_TYPE_HAS_SLOT(type, protocol)
        || !MP_OBJ_TYPE_HAS_SLOT(type, locals_dict)
        || !(has_stream_method(type, MP_QSTR_read, &mp_stream_read_obj)
             || has_stream_method(type, MP_QSTR_write, &mp_stream_write_obj))) {
        return NULL;
    }
    return MP_OBJ_TYPE_GET_SLOT(type, protocol);
}

static NORETURN void raise_bad_result(qstr method) {
    mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("stream %q() returned an invalid value"), method);
}

// A count a Python method returned: an int in [0, max].
static size_t checked_count(mp_obj_t ret, size_t max, qstr method) {
    if (!mp_obj_is_small_int(ret) || MP_OBJ_SMALL_INT_VALUE(ret) < 0
        || (mp_uint_t)MP_OBJ_SMALL_INT_VALUE(ret) > max) {
        raise_bad_result(method);
    }
    return (size_t)MP_OBJ_SMALL_INT_VALUE(ret);
}

size_t wasi_stream_write(mp_obj_t stream, const uint8_t *buf, size_t len) {
    const mp_stream_p_t *p = native_stream(stream);
    if (p != NULL && p->write != NULL) {
        int err;
        size_t n = mp_stream_rw(stream, (void *)buf, len, &err, MP_STREAM_RW_WRITE);
        if (err != 0 && n == 0) {
            mp_raise_OSError(err);
        }
        return n;
    }
    mp_obj_t ret = mp_call_function_1(mp_load_attr(stream, MP_QSTR_write), mp_obj_new_bytes(buf, len));
    return ret == mp_const_none ? len : checked_count(ret, len, MP_QSTR_write);
}

// One read call: a short read is fine for WASI and keeps interactive input
// (a console) responsive.
size_t wasi_stream_read(mp_obj_t stream, uint8_t *buf, size_t len) {
    const mp_stream_p_t *p = native_stream(stream);
    if (p != NULL && p->read != NULL) {
        int err;
        mp_uint_t n = p->read(stream, buf, len, &err);
        if (n == MP_STREAM_ERROR) {
            mp_raise_OSError(err);
        }
        return n > len ? len : n;
    }
    mp_obj_t data = mp_call_function_1(mp_load_attr(stream, MP_QSTR_read), mp_obj_new_int_from_uint(len));
    if (data == mp_const_none) {
        return 0;
    }
    mp_buffer_info_t info;
    if (!mp_get_buffer(data, &info, MP_BUFFER_READ) || info.len > len) {
        raise_bad_result(MP_QSTR_read);
    }
    memcpy(buf, info.buf, info.len);
    return info.len;
}

uint64_t wasi_stream_seek(mp_obj_t stream, int64_t offset, int whence) {
    const mp_stream_p_t *p = native_stream(stream);
    if (p != NULL) {
        if (p->ioctl == NULL) {
            mp_raise_OSError(MP_ESPIPE);
        }
        int err;
        mp_off_t pos = mp_stream_seek(stream, (mp_off_t)offset, whence, &err);
        if (pos == (mp_off_t)-1) {
            mp_raise_OSError(err);
        }
        return (uint64_t)pos;
    }
    mp_obj_t args[2] = { mp_obj_new_int_from_ll(offset), MP_OBJ_NEW_SMALL_INT(whence) };
    mp_obj_t ret = mp_call_function_n_kw(mp_load_attr(stream, MP_QSTR_seek), 2, 0, args);
    if (!mp_obj_is_int(ret) || mp_obj_int_sign(ret) < 0) {
        raise_bad_result(MP_QSTR_seek);
    }
    return mp_obj_int_get_uint_checked(ret); // OverflowError past a machine word
}

// A missing method means there is nothing to do (a Python object).
static void call_optional(mp_obj_t stream, qstr method, uintptr_t request) {
    const mp_stream_p_t *p = native_stream(stream);
    if (p != NULL) {
        if (p->ioctl != NULL) {
            int err;
            if (p->ioctl(stream, request, 0, &err) == MP_STREAM_ERROR) {
                mp_raise_OSError(err);
            }
        }
        return;
    }
    mp_obj_t dest[2];
    mp_load_method_maybe(stream, method, dest);
    if (dest[0] != MP_OBJ_NULL) {
        mp_call_method_n_kw(0, 0, dest);
    }
}

void wasi_stream_flush(mp_obj_t stream) {
    call_optional(stream, MP_QSTR_flush, MP_STREAM_FLUSH);
}

void wasi_stream_close(mp_obj_t stream) {
    call_optional(stream, MP_QSTR_close, MP_STREAM_CLOSE);
}
