// wasm.Table: a live view of an instance's table (an exported one, or a
// wasm.Table(size) once an instance imported it). Elements are None, a
// wasm.Function of the same instance (funcref) or any Python object
// (externref), converted as call arguments and results are
// (wasm_ref_values.c). Every access checks the instance is open and the
// index against the table's current size, which the guest may have grown.
//
// A wasm.Table made by Python holds only its type until an instance imports
// it: the instance then creates the table at the object's size and maximum
// (without WAMR's GC build a funcref is an index into one instance's
// functions, so a table cannot hold another instance's functions, nor be
// shared), and the object is its view from then on.

#include <stdio.h>
#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"

bool mp_wasm_table_info(wasm_module_inst_t inst, uint32_t index, wasm_valkind_t *kind,
    uint32_t *size, uint32_t *capacity);
bool mp_wasm_table_get(wasm_module_inst_t inst, uint32_t index, uint32_t i, uint32_t *cell);
bool mp_wasm_table_set(wasm_module_inst_t inst, uint32_t index, uint32_t i, uint32_t cell);
bool mp_wasm_table_grow(wasm_module_inst_t inst, uint32_t index, uint32_t n, uint32_t init);
bool mp_wasm_module_import_table(wasm_module_t module, uint32_t rank, wasm_valkind_t *kind,
    uint32_t *init, uint32_t *max, bool *has_max, bool *can_grow);
void mp_wasm_module_import_table_swap(wasm_module_t module, uint32_t rank, uint32_t *init);
void mp_wasm_table_limit(wasm_module_inst_t inst, uint32_t index, uint32_t max);

#define MAX_ELEMENTS 10000000u   // the spec's table size limit (WAMR's too)

typedef struct _mp_obj_wasm_table_t {
    mp_obj_base_t base;
    mp_obj_t instance;           // whose table this is; MP_OBJ_NULL: not imported yet
    uint32_t index;              // the table's index in its instance
    uint32_t size, max;          // until imported: its type
    bool has_max;
    bool imported;               // made by Python, then imported
    uint8_t kind;                // WASM_FUNCREF or WASM_EXTERNREF
} mp_obj_wasm_table_t;

mp_obj_t mp_wasm_table_new(mp_obj_t instance, uint32_t index) {
    mp_obj_wasm_table_t *self = mp_obj_malloc(mp_obj_wasm_table_t, &mp_type_wasm_table);
    self->instance = instance;
    self->index = index;
    self->imported = false;
    return MP_OBJ_FROM_PTR(self);
}

// wasm.Table(size, max=None, kind="funcref")
static mp_obj_t wasm_table_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw,
    const mp_obj_t *all_args) {
    enum { ARG_size, ARG_max, ARG_kind };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_size, MP_ARG_REQUIRED | MP_ARG_INT, {.u_int = 0} },
        { MP_QSTR_max, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_kind, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_QSTR(MP_QSTR_funcref)} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, all_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    mp_int_t size = args[ARG_size].u_int;
    if (size < 0 || size > (mp_int_t)MAX_ELEMENTS) {
        mp_raise_ValueError(MP_ERROR_TEXT("size must be between 0 and 10000000"));
    }
    const char *kind = mp_obj_is_str(args[ARG_kind].u_obj) ? mp_obj_str_get_str(args[ARG_kind].u_obj) : "";
    if (strcmp(kind, "funcref") != 0 && strcmp(kind, "externref") != 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("Table kind must be 'funcref' or 'externref'"));
    }
    mp_obj_wasm_table_t *self = mp_obj_malloc(mp_obj_wasm_table_t, type);
    self->instance = MP_OBJ_NULL;
    self->index = 0;
    self->imported = false;
    self->kind = kind[0] == 'f' ? WASM_FUNCREF : WASM_EXTERNREF;
    self->size = (uint32_t)size;
    self->has_max = args[ARG_max].u_obj != mp_const_none;
    self->max = MAX_ELEMENTS;
    if (self->has_max) {
        mp_int_t max = mp_obj_get_int(args[ARG_max].u_obj);
        if (max < size || max > (mp_int_t)MAX_ELEMENTS) {
            mp_raise_ValueError(MP_ERROR_TEXT("max must be between size and 10000000"));
        }
        self->max = (uint32_t)max;
    }
    return MP_OBJ_FROM_PTR(self);
}

// Linking: the spec's import matching (kind, at least the module's minimum,
// within its maximum if it declares one).
void mp_wasm_table_import_check(mp_obj_t tbl_in, mp_wasm_module_ref_t *mref, const wasm_import_t *imp,
    uint32_t rank) {
    if (!mp_obj_is_type(tbl_in, &mp_type_wasm_table)) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("import %s.%s must be a wasm.Table, not %s"),
            imp->module_name, imp->name, mp_obj_get_type_str(tbl_in));
    }
    mp_obj_wasm_table_t *t = MP_OBJ_TO_PTR(tbl_in);
    if (t->instance != MP_OBJ_NULL) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error,
            MP_ERROR_TEXT("import %s.%s: the wasm.Table is already an instance's table (WAMR 2.4 tables hold their own instance's functions: one cannot be shared)"), imp->module_name, imp->name);
    }
    wasm_valkind_t kind = WASM_FUNCREF;
    uint32_t init = 0, max = 0;
    bool has_max = false, can_grow = false;
    mp_wasm_module_import_table(mref->module, rank, &kind, &init, &max, &has_max, &can_grow);
    if (kind != t->kind || t->size < init || (has_max && (!t->has_max || t->max > max))) {
        char want[40], got[40];
        mp_wasm_limits_text(want, sizeof(want), mp_wasm_valkind_name(kind), init, max, has_max);
        mp_wasm_limits_text(got, sizeof(got), mp_wasm_valkind_name(t->kind), t->size, t->max, t->has_max);
        mp_wasm_raise_fmt(&mp_type_wasm_link_error,
            MP_ERROR_TEXT("import %s.%s: the module imports table %s, the wasm.Table is %s"),
            imp->module_name, imp->name, want, got);
    }
    if (!can_grow && t->size != init) {
        // WAMR allots such a table its initial size only (see wasm_refs.c).
        mp_wasm_raise_fmt(&mp_type_wasm_link_error,
            MP_ERROR_TEXT("import %s.%s: the module never grows this table (no table.grow), so WAMR gives it its %u elements; the wasm.Table has %u"), imp->module_name, imp->name, (unsigned)init,
            (unsigned)t->size);
    }
}

void mp_wasm_table_import_swap(mp_obj_t tbl_in, mp_wasm_module_ref_t *mref, uint32_t rank, uint32_t *saved) {
    mp_obj_wasm_table_t *t = MP_OBJ_TO_PTR(tbl_in);
    if (*saved == UINT32_MAX) {
        *saved = t->size; // in: the object's size
    }
    mp_wasm_module_import_table_swap(mref->module, rank, saved);
}

void mp_wasm_table_import_bind(mp_obj_t tbl_in, mp_obj_t instance, uint32_t rank) {
    mp_obj_wasm_table_t *t = MP_OBJ_TO_PTR(tbl_in);
    if (t->has_max) {
        mp_obj_wasm_instance_t *inst = MP_OBJ_TO_PTR(instance);
        mp_wasm_table_limit(inst->inst, rank, t->max);
    }
    t->instance = instance;
    t->index = rank;
    t->imported = true;
}

void mp_wasm_table_import_unbind(mp_obj_t tbl_in, mp_obj_t instance) {
    mp_obj_wasm_table_t *t = MP_OBJ_TO_PTR(tbl_in);
    if (t->imported && t->instance == instance) {
        t->instance = MP_OBJ_NULL;
        t->imported = false;
    }
}

static NORETURN void raise_not_imported(void) {
    mp_raise_ValueError(MP_ERROR_TEXT("wasm.Table holds no elements until an instance imports it"));
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
    if (self->instance == MP_OBJ_NULL) {
        raise_not_imported();
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
    mp_obj_wasm_table_t *self = MP_OBJ_TO_PTR(self_in);
    if (op == MP_UNARY_OP_LEN) {
        return mp_obj_new_int_from_uint(self->instance == MP_OBJ_NULL ? self->size : table_state(self_in).size);
    }
    return MP_OBJ_NULL;
}

// grow(n, init=None) -> the previous size
static mp_obj_t wasm_table_grow(size_t n_args, const mp_obj_t *args) {
    mp_obj_wasm_table_t *self = MP_OBJ_TO_PTR(args[0]);
    mp_int_t n = mp_obj_get_int(args[1]);
    if (n < 0) {
        mp_raise_ValueError(MP_ERROR_TEXT("n must be >= 0"));
    }
    mp_obj_t init_obj = n_args > 2 ? args[2] : mp_const_none;
    table_state_t t = { NULL, self->kind, self->size, self->max };
    if (self->instance != MP_OBJ_NULL) {
        t = table_state(args[0]);
    } else if (init_obj != mp_const_none) {
        raise_not_imported(); // not imported yet: its elements are null
    }
    if ((uint64_t)n > t.capacity - t.size) {
        mp_wasm_raise_fmt(&mp_type_wasm_error, MP_ERROR_TEXT("cannot grow table by %u elements (now %u, max %u)"),
            (unsigned)(n > (mp_int_t)UINT32_MAX ? UINT32_MAX : n), (unsigned)t.size, (unsigned)t.capacity);
    }
    if (t.inst == NULL) {
        self->size += (uint32_t)n;
    } else {
        uint32_t init = element_cell(&t, init_obj, "Table.grow", 1);
        mp_wasm_table_grow(t.inst->inst, self->index, (uint32_t)n, init);
    }
    return mp_obj_new_int_from_uint(t.size);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(wasm_table_grow_obj, 2, 3, wasm_table_grow);

static void wasm_table_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_wasm_table_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] != MP_OBJ_NULL) {
        return;
    }
    if (self->instance == MP_OBJ_NULL && (attr == MP_QSTR_kind || attr == MP_QSTR_max)) {
        if (attr == MP_QSTR_kind) {
            const char *name = mp_wasm_valkind_name(self->kind);
            dest[0] = mp_obj_new_str(name, strlen(name));
        } else {
            dest[0] = self->has_max ? mp_obj_new_int_from_uint(self->max) : mp_const_none;
        }
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
    if (self->instance == MP_OBJ_NULL) {
        mp_printf(print, "<wasm.Table %s %u (not imported)>", mp_wasm_valkind_name(self->kind),
            (unsigned)self->size);
        return;
    }
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
    make_new, wasm_table_make_new,
    print, wasm_table_print,
    unary_op, wasm_table_unary_op,
    subscr, wasm_table_subscr,
    attr, wasm_table_attr,
    locals_dict, &wasm_table_locals
    );
