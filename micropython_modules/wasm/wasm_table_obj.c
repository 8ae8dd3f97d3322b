// inst.exports.<table>: a wasm.Table, a live view of an exported table.
// Elements are None, a wasm.Function of the same instance (funcref) or any
// Python object (externref), converted as call arguments and results are
// (wasm_ref_values.c). Every access checks the instance is open and the
// index against the table's current size, which the guest may have grown.

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"

bool mp_wasm_table_info(wasm_module_inst_t inst, uint32_t index, wasm_valkind_t *kind,
    uint32_t *size, uint32_t *capacity);
bool mp_wasm_table_get(wasm_module_inst_t inst, uint32_t index, uint32_t i, uint32_t *cell);
bool mp_wasm_table_set(wasm_module_inst_t inst, uint32_t index, uint32_t i, uint32_t cell);
bool mp_wasm_table_grow(wasm_module_inst_t inst, uint32_t index, uint32_t n, uint32_t init);

typedef struct _mp_obj_wasm_table_t {
    mp_obj_base_t base;
    mp_obj_t instance;
    uint32_t index;              // the table's index in its instance
} mp_obj_wasm_table_t;

mp_obj_t mp_wasm_table_new(mp_obj_t instance, uint32_t index) {
    mp_obj_wasm_table_t *self = mp_obj_malloc(mp_obj_wasm_table_t, &mp_type_wasm_table);
    self->instance = instance;
    self->index = index;
    return MP_OBJ_FROM_PTR(self);
}

typedef struct _table_state_t {
    mp_obj_wasm_instance_t *inst;
    wasm_valkind_t kind;
    uint32_t size, capacity;
} table_state_t;

static table_state_t table_state(mp_obj_t self_in) {
    mp_obj_wasm_table_t *self = MP_OBJ_TO_PTR(self_in);
    table_state_t t;
    t.inst = mp_wasm_instance_open(self->instance);
    mp_wasm_table_info(t.inst->inst, self->index, &t.kind, &t.size, &t.capacity);
    return t;
}

// The cell for `value` in a table of `kind` (None: the null reference).
static uint32_t element_cell(table_state_t *t, mp_obj_t value, const char *what, size_t arg_index) {
    if (t->kind == WASM_EXTERNREF && value != mp_const_none) {
        mp_wasm_externrefs_reserve(t->inst, 1);
    }
    return mp_wasm_ref_from_obj(t->inst, t->kind, value, what, arg_index);
}

static mp_obj_t wasm_table_subscr(mp_obj_t self_in, mp_obj_t index, mp_obj_t value) {
    mp_obj_wasm_table_t *self = MP_OBJ_TO_PTR(self_in);
    if (value == MP_OBJ_NULL) {
        mp_raise_TypeError(MP_ERROR_TEXT("wasm tables cannot shrink"));
    }
    table_state_t t = table_state(self_in);
    size_t i = mp_get_index(&mp_type_wasm_table, t.size, index, false);
    if (value == MP_OBJ_SENTINEL) {
        uint32_t cell;
        mp_wasm_table_get(t.inst->inst, self->index, (uint32_t)i, &cell);
        return mp_wasm_ref_to_obj(t.inst, t.kind, cell);
    }
    uint32_t cell = element_cell(&t, value, "Table.set", 1);
    mp_wasm_table_set(t.inst->inst, self->index, (uint32_t)i, cell);
    return mp_const_none;
}

static mp_obj_t wasm_table_unary_op(mp_unary_op_t op, mp_obj_t self_in) {
    if (op == MP_UNARY_OP_LEN) {
        return mp_obj_new_int_from_uint(table_state(self_in).size);
    }
    return MP_OBJ_NULL;
}

// grow(n, init=None) -> the previous size
static mp_obj_t wasm_table_grow(size_t n_args, const mp_obj_t *args) {
    mp_obj_wasm_table_t *self = MP_OBJ_TO_PTR(args[0]);
    table_state_t t = table_state(args[0]);
    mp_int_t n = mp_obj_get_int(args[1]);
    if (n < 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("n must be >= 0"));
    }
    if ((uint64_t)n > t.capacity - t.size) {
        mp_wasm_raise_fmt(&mp_type_wasm_error, "cannot grow table by %u elements (now %u, max %u)",
            (unsigned)(n > (mp_int_t)UINT32_MAX ? UINT32_MAX : n), (unsigned)t.size, (unsigned)t.capacity);
    }
    uint32_t init = element_cell(&t, n_args > 2 ? args[2] : mp_const_none, "Table.grow", 1);
    mp_wasm_table_grow(t.inst->inst, self->index, (uint32_t)n, init);
    return mp_obj_new_int_from_uint(t.size);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(wasm_table_grow_obj, 2, 3, wasm_table_grow);

static void wasm_table_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] != MP_OBJ_NULL) {
        return;
    }
    if (attr == MP_QSTR_kind) {
        const char *name = mp_wasm_valkind_name(table_state(self_in).kind);
        dest[0] = mp_obj_new_str(name, strlen(name));
    } else if (attr == MP_QSTR_max) {
        dest[0] = mp_obj_new_int_from_uint(table_state(self_in).capacity);
    } else {
        dest[1] = MP_OBJ_SENTINEL;
    }
}

static void wasm_table_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    mp_obj_wasm_table_t *self = MP_OBJ_TO_PTR(self_in);
    mp_obj_wasm_instance_t *inst = MP_OBJ_TO_PTR(self->instance);
    if (inst->inst == NULL) {
        mp_printf(print, "<wasm.Table of a closed instance>");
        return;
    }
    table_state_t t = table_state(self_in);
    mp_printf(print, "<wasm.Table %s %u/%u>", mp_wasm_valkind_name(t.kind), (unsigned)t.size,
        (unsigned)t.capacity);
}

static const mp_rom_map_elem_t wasm_table_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_grow), MP_ROM_PTR(&wasm_table_grow_obj) },
};
static MP_DEFINE_CONST_DICT(wasm_table_locals, wasm_table_locals_table);

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_table, MP_QSTR_Table, MP_TYPE_FLAG_NONE,
    print, wasm_table_print,
    unary_op, wasm_table_unary_op,
    subscr, wasm_table_subscr,
    attr, wasm_table_attr,
    locals_dict, &wasm_table_locals
    );
