// inst.memory: a live view of the guest's linear memory. Every access reads
// the current base and size, so it stays correct after memory.grow (which
// may move the memory); the buffer protocol gives zero-copy access.

#include <string.h>

#include "py/runtime.h"
#include "py/objint.h"
#include "modwasm.h"

typedef struct _mp_obj_wasm_memory_t {
    mp_obj_base_t base;
    mp_obj_t instance;
} mp_obj_wasm_memory_t;

mp_obj_t mp_wasm_memory_new(mp_obj_wasm_instance_t *inst) {
    if (wasm_runtime_get_default_memory(inst->inst) == NULL) {
        return mp_const_none;
    }
    mp_obj_wasm_memory_t *self = mp_obj_malloc(mp_obj_wasm_memory_t, &mp_type_wasm_memory);
    self->instance = MP_OBJ_FROM_PTR(inst);
    return MP_OBJ_FROM_PTR(self);
}

static wasm_memory_inst_t memory_of(mp_obj_t self_in) {
    mp_obj_wasm_memory_t *self = MP_OBJ_TO_PTR(self_in);
    mp_obj_wasm_instance_t *inst = mp_wasm_instance_open(self->instance);
    return wasm_runtime_get_default_memory(inst->inst);
}

static void memory_span(wasm_memory_inst_t mem, uint8_t **base, size_t *size) {
    *base = wasm_memory_get_base_address(mem);
    *size = (size_t)(wasm_memory_get_cur_page_count(mem) * wasm_memory_get_bytes_per_page(mem));
}

static mp_int_t wasm_memory_get_buffer(mp_obj_t self_in, mp_buffer_info_t *bufinfo, mp_uint_t flags) {
    (void)flags;
    uint8_t *base;
    size_t size;
    memory_span(memory_of(self_in), &base, &size);
    bufinfo->buf = base;
    bufinfo->len = size;
    bufinfo->typecode = 'B';
    return 0;
}

static mp_obj_t wasm_memory_unary_op(mp_unary_op_t op, mp_obj_t self_in) {
    if (op == MP_UNARY_OP_LEN) {
        uint8_t *base;
        size_t size;
        memory_span(memory_of(self_in), &base, &size);
        return mp_obj_new_int_from_uint(size);
    }
    return MP_OBJ_NULL;
}

static mp_obj_t wasm_memory_subscr(mp_obj_t self_in, mp_obj_t index, mp_obj_t value) {
    if (value == MP_OBJ_NULL) {
        mp_raise_TypeError(MP_ERROR_TEXT("wasm memory cannot shrink"));
    }
    uint8_t *base;
    size_t size;
    memory_span(memory_of(self_in), &base, &size);
    if (mp_obj_is_type(index, &mp_type_slice)) {
        mp_bound_slice_t slice;
        if (!mp_seq_get_fast_slice_indexes(size, index, &slice)) {
            mp_raise_NotImplementedError(MP_ERROR_TEXT("only slices with step 1 are supported"));
        }
        size_t len = slice.stop - slice.start;
        if (value == MP_OBJ_SENTINEL) {
            // Reading copies: a view would dangle once memory grows.
            return mp_obj_new_bytes(base + slice.start, len);
        }
        mp_buffer_info_t src;
        mp_get_buffer_raise(value, &src, MP_BUFFER_READ);
        if (src.len != len) {
            mp_raise_ValueError(MP_ERROR_TEXT("slice assignment must keep the memory size"));
        }
        memmove(base + slice.start, src.buf, len);
        return mp_const_none;
    }
    size_t i = mp_get_index(mp_obj_get_type(self_in), size, index, false);
    if (value == MP_OBJ_SENTINEL) {
        return MP_OBJ_NEW_SMALL_INT(base[i]);
    }
    mp_int_t byte = mp_obj_get_int(value);
    if (byte < 0 || byte > 255) {
        mp_raise_ValueError(MP_ERROR_TEXT("byte value out of range"));
    }
    base[i] = (uint8_t)byte;
    return mp_const_none;
}

// grow(pages) -> previous size in pages
static mp_obj_t wasm_memory_grow(mp_obj_t self_in, mp_obj_t pages_in) {
    wasm_memory_inst_t mem = memory_of(self_in);
    if (!mp_obj_is_int(pages_in)) {
        mp_raise_TypeError(MP_ERROR_TEXT("pages must be an int"));
    }
    if (mp_obj_int_sign(pages_in) < 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("pages must be >= 0"));
    }
    uint64_t before = wasm_memory_get_cur_page_count(mem);
    uint64_t max = wasm_memory_get_max_page_count(mem);
    // WAMR takes 32 bits of the count: check the whole number here.
    bool fits = mp_obj_is_small_int(pages_in) && (uint64_t)MP_OBJ_SMALL_INT_VALUE(pages_in) <= max - before;
    if (!fits || !wasm_memory_enlarge(mem, (uint64_t)MP_OBJ_SMALL_INT_VALUE(pages_in))) {
        vstr_t vstr;
        mp_print_t print;
        vstr_init_print(&vstr, 16, &print);
        mp_obj_print_helper(&print, pages_in, PRINT_STR);
        mp_wasm_raise_fmt(&mp_type_wasm_error, "cannot grow memory by %s pages (now %u, max %u)",
            vstr_null_terminated_str(&vstr), (unsigned)before, (unsigned)max);
    }
    return mp_obj_new_int_from_ull(before);
}
static MP_DEFINE_CONST_FUN_OBJ_2(wasm_memory_grow_obj, wasm_memory_grow);

static void wasm_memory_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] == MP_OBJ_NULL && (attr == MP_QSTR_pages || attr == MP_QSTR_max_pages)) {
        wasm_memory_inst_t mem = memory_of(self_in);
        uint64_t n = attr == MP_QSTR_pages ? wasm_memory_get_cur_page_count(mem)
            : wasm_memory_get_max_page_count(mem);
        dest[0] = mp_obj_new_int_from_ull(n);
        return;
    }
    dest[1] = MP_OBJ_SENTINEL;
}

static const mp_rom_map_elem_t wasm_memory_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_grow), MP_ROM_PTR(&wasm_memory_grow_obj) },
};
static MP_DEFINE_CONST_DICT(wasm_memory_locals, wasm_memory_locals_table);

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_memory, MP_QSTR_Memory, MP_TYPE_FLAG_NONE,
    unary_op, wasm_memory_unary_op,
    subscr, wasm_memory_subscr,
    buffer, wasm_memory_get_buffer,
    attr, wasm_memory_attr,
    locals_dict, &wasm_memory_locals
    );
