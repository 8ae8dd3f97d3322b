// Conversion between Python objects and wasm values, and the text forms of
// wasm types used by Module.imports()/exports() ("func (ii)i", "global i32").

#include <stdio.h>
#include <string.h>

#include "py/runtime.h"
#include "py/objint.h"
#include "py/smallint.h"
#include "modwasm.h"

const char *mp_wasm_valkind_char(wasm_valkind_t kind) {
    switch (kind) {
        case WASM_I32:
            return "i";
        case WASM_I64:
            return "I";
        case WASM_F32:
            return "f";
        case WASM_F64:
            return "F";
        case WASM_EXTERNREF:
        case WASM_FUNCREF:
            return "r";
        default:
            return "?";
    }
}

const char *mp_wasm_valkind_name(wasm_valkind_t kind) {
    switch (kind) {
        case WASM_I32:
            return "i32";
        case WASM_I64:
            return "i64";
        case WASM_F32:
            return "f32";
        case WASM_F64:
            return "f64";
        case WASM_EXTERNREF:
            return "externref";
        case WASM_FUNCREF:
            return "funcref";
        default:
            return "v128";
    }
}

// "(ii)i": WAMR's native-signature notation, which users also write for
// host functions. Writes at most `size` bytes (NUL included) to `buf`,
// allocating nothing; returns the length it needed.
size_t mp_wasm_func_type_sig(wasm_func_type_t type, char *buf, size_t size) {
    size_t len = 0;
    #define PUT(c) do { if (len + 1 < size) { buf[len] = (c); } len++; } while (0)
    PUT('(');
    uint32_t n = wasm_func_type_get_param_count(type);
    for (uint32_t i = 0; i < n; i++) {
        PUT(mp_wasm_valkind_char(wasm_func_type_get_param_valkind(type, i))[0]);
    }
    PUT(')');
    n = wasm_func_type_get_result_count(type);
    for (uint32_t i = 0; i < n; i++) {
        PUT(mp_wasm_valkind_char(wasm_func_type_get_result_valkind(type, i))[0]);
    }
    #undef PUT
    if (size > 0) {
        buf[len < size ? len : size - 1] = '\0';
    }
    return len;
}

mp_obj_t mp_wasm_func_type_str(wasm_func_type_t type) {
    vstr_t vstr;
    size_t len = mp_wasm_func_type_sig(type, NULL, 0);
    vstr_init_len(&vstr, len);
    mp_wasm_func_type_sig(type, vstr.buf, len + 1);
    return mp_obj_new_str_from_vstr(&vstr);
}

mp_obj_t mp_wasm_kind_str(wasm_import_export_kind_t kind, const void *type_ptr) {
    vstr_t vstr;
    vstr_init(&vstr, 24);
    switch (kind) {
        case WASM_IMPORT_EXPORT_KIND_FUNC: {
            vstr_add_str(&vstr, "func ");
            mp_obj_t sig = mp_wasm_func_type_str((wasm_func_type_t)type_ptr);
            vstr_add_str(&vstr, mp_obj_str_get_str(sig));
            break;
        }
        case WASM_IMPORT_EXPORT_KIND_GLOBAL: {
            wasm_global_type_t g = (wasm_global_type_t)type_ptr;
            vstr_add_str(&vstr, "global ");
            if (wasm_global_type_get_mutable(g)) {
                vstr_add_str(&vstr, "mut ");
            }
            vstr_add_str(&vstr, mp_wasm_valkind_name(wasm_global_type_get_valkind(g)));
            break;
        }
        case WASM_IMPORT_EXPORT_KIND_MEMORY:
            vstr_add_str(&vstr, "memory");
            break;
        default:
            vstr_add_str(&vstr, "table");
            break;
    }
    return mp_obj_new_str_from_vstr(&vstr);
}

// The low 64 bits (two's complement) of an int object that is not a small
// int, if it lies in [-2**(8n-1), 2**(8n)) for an n-byte value: the range a
// wasm integer of that size accepts. Allocates nothing (the int's own
// to_bytes check of the size), so values that fit cost no GC memory.
static bool big_int_bits(mp_obj_t obj, size_t n_bytes, uint64_t *bits) {
    uint8_t buf[8];
    if (!mp_obj_is_exact_type(obj, &mp_type_int) || !mp_obj_int_to_bytes_impl(obj, false, n_bytes, buf)) {
        return false;
    }
    uint64_t v = 0; // for 4 bytes, only the low 32 bits are used
    for (size_t i = n_bytes; i-- > 0;) {
        v = (v << 8) | buf[i];
    }
    *bits = v;
    return true;
}

// f32 values travel as their bit patterns: a float -> double conversion
// would quieten a signalling NaN, so NaNs are widened and narrowed by hand
// (payload and quiet bit kept in the top mantissa bits, as hardware does
// for quiet NaNs).
static mp_obj_t f32_to_obj(const float *f) {
    #if MICROPY_FLOAT_IMPL == MICROPY_FLOAT_IMPL_DOUBLE
    uint32_t bits;
    memcpy(&bits, f, sizeof(bits));
    if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
        uint64_t d = ((uint64_t)(bits & 0x80000000u) << 32) | 0x7ff0000000000000ull
            | ((uint64_t)(bits & 0x007fffffu) << 29);
        double nan;
        memcpy(&nan, &d, sizeof(nan));
        return mp_obj_new_float(nan);
    }
    #endif
    return mp_obj_new_float((mp_float_t)*f);
}

static void f32_from_float(float *out, mp_float_t value) {
    #if MICROPY_FLOAT_IMPL == MICROPY_FLOAT_IMPL_DOUBLE
    uint64_t d;
    memcpy(&d, &value, sizeof(d));
    if ((d & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (d & 0x000fffffffffffffull) != 0) {
        uint32_t mantissa = (uint32_t)((d & 0x000fffffffffffffull) >> 29);
        uint32_t bits = (uint32_t)(d >> 32 & 0x80000000u) | 0x7f800000u | (mantissa ? mantissa : 1);
        memcpy(out, &bits, sizeof(bits));
        return;
    }
    #endif
    *out = (float)value;
}

bool mp_wasm_value_try_from_obj(wasm_val_t *out, wasm_valkind_t kind, mp_obj_t obj) {
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    switch (kind) {
        case WASM_I32:
            if (mp_obj_is_small_int(obj)) {
                // Every small int fits on 32-bit ports; 64-bit ones need the check.
                mp_int_t v = MP_OBJ_SMALL_INT_VALUE(obj);
                if (sizeof(mp_int_t) > 4 && ((int64_t)v < INT32_MIN || (int64_t)v > (int64_t)UINT32_MAX)) {
                    return false;
                }
                out->of.i32 = (int32_t)(uint32_t)v;
                return true;
            } else {
                uint64_t bits = 0;
                bool ok = big_int_bits(obj, 4, &bits);
                out->of.i32 = (int32_t)(uint32_t)bits;
                return ok;
            }
        case WASM_I64:
            if (mp_obj_is_small_int(obj)) {
                out->of.i64 = (int64_t)MP_OBJ_SMALL_INT_VALUE(obj);
                return true;
            } else {
                uint64_t bits = 0;
                bool ok = big_int_bits(obj, 8, &bits);
                out->of.i64 = (int64_t)bits;
                return ok;
            }
        case WASM_F32:
        case WASM_F64: {
            if (!mp_obj_is_int(obj) && !mp_obj_is_float(obj)) {
                return false;
            }
            mp_float_t f = mp_obj_get_float(obj);
            if (kind == WASM_F32) {
                f32_from_float(&out->of.f32, f);
            } else {
                out->of.f64 = (double)f;
            }
            return true;
        }
        default:
            return false;
    }
}

void mp_wasm_limits_text(char *buf, size_t size, const char *kind, uint32_t min, uint32_t max, bool has_max) {
    int n = snprintf(buf, size, "%s%s%u..", kind ? kind : "", kind ? " " : "", (unsigned)min);
    if (has_max && n > 0 && (size_t)n < size) {
        snprintf(buf + n, size - n, "%u", (unsigned)max);
    }
}

const char *mp_wasm_value_where(char *buf, size_t size, size_t arg_index) {
    if (arg_index == MP_WASM_RETURN_VALUE) {
        return "return value";
    }
    snprintf(buf, size, "argument %u", (unsigned)arg_index + 1);
    return buf;
}

void mp_wasm_value_raise(wasm_valkind_t kind, mp_obj_t obj, const char *func_name, size_t arg_index) {
    char buf[24];
    const char *where = mp_wasm_value_where(buf, sizeof(buf), arg_index);
    bool is_int = mp_obj_is_int(obj);
    switch (kind) {
        case WASM_I32:
        case WASM_I64:
            if (!is_int) {
                mp_raise_msg_varg(&mp_type_TypeError,
                    MP_ERROR_TEXT("%s() %s: expected int for %s, got %s"),
                    func_name, where, mp_wasm_valkind_name(kind), mp_obj_get_type_str(obj));
            }
            mp_raise_msg_varg(&mp_type_OverflowError,
                MP_ERROR_TEXT("%s() %s: int out of range for %s"),
                func_name, where, mp_wasm_valkind_name(kind));
        case WASM_F32:
        case WASM_F64:
            mp_raise_msg_varg(&mp_type_TypeError,
                MP_ERROR_TEXT("%s() %s: expected float for %s, got %s"),
                func_name, where, mp_wasm_valkind_name(kind), mp_obj_get_type_str(obj));
        default:
            mp_raise_msg_varg(&mp_type_TypeError,
                MP_ERROR_TEXT("%s() %s: %s values are not supported"),
                func_name, where, mp_wasm_valkind_name(kind));
    }
}

void mp_wasm_value_from_obj(wasm_val_t *out, wasm_valkind_t kind, mp_obj_t obj,
    const char *func_name, size_t arg_index) {
    if (!mp_wasm_value_try_from_obj(out, kind, obj)) {
        mp_wasm_value_raise(kind, obj, func_name, arg_index);
    }
}

mp_obj_t mp_wasm_value_to_obj(const wasm_val_t *val) {
    switch (val->kind) {
        case WASM_I32:
            return mp_obj_new_int(val->of.i32);
        case WASM_I64:
            // mp_obj_new_int_from_ll() always allocates a long int.
            if ((int64_t)(mp_int_t)val->of.i64 == val->of.i64 && MP_SMALL_INT_FITS((mp_int_t)val->of.i64)) {
                return MP_OBJ_NEW_SMALL_INT((mp_int_t)val->of.i64);
            }
            return mp_obj_new_int_from_ll(val->of.i64);
        case WASM_F32:
            return f32_to_obj(&val->of.f32);
        case WASM_F64:
            return mp_obj_new_float((mp_float_t)val->of.f64);
        default:
            // References need their instance (mp_wasm_ref_to_obj): the
            // callers never pass one here; should one come, it is None.
            return mp_const_none;
    }
}
