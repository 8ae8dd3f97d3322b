// Reference values between Python and a guest: a funcref is a wasm.Function
// of the same instance (or None), an externref any Python object (or None).
//
// Without WAMR's GC build a reference is one 32-bit cell: a funcref is the
// index of a function of its instance (so a function of another instance
// cannot be one), and an externref a handle chosen here, the slot of the
// object in the instance's table of objects. The guest can keep handles in
// its tables and globals, so slots are reused only after a sweep: when
// the table is full and the guest is not running, every handle it still
// holds is then in a table or a global (wamr_shim/wasm_refs.c), or the
// one reserved for an imported mutable externref global (wasm_global.c).

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"

#define NULL_REF 0xFFFFFFFFu
// Handles stay below NULL_REF, and the table within what a board can hold.
#define MAX_EXTERNREFS (1u << 24)

uint32_t mp_wasm_function_index(wasm_module_inst_t inst, wasm_function_inst_t func);
wasm_function_inst_t mp_wasm_function_at(wasm_module_inst_t inst, uint32_t index);
void mp_wasm_externref_visit(wasm_module_inst_t inst, void (*visit)(uint32_t handle, void *ctx), void *ctx);

typedef struct _sweep_t {
    uint8_t *marks;
    uint32_t n;
} sweep_t;

static void mark(uint32_t handle, void *ctx) {
    sweep_t *s = ctx;
    if (handle < s->n) {
        s->marks[handle / 8] |= (uint8_t)(1u << (handle % 8));
    }
}

// Frees the slots of objects the guest no longer holds.
static void sweep(mp_obj_wasm_instance_t *self) {
    sweep_t s = { m_new0(uint8_t, (self->n_externrefs + 7) / 8), self->n_externrefs };
    mp_wasm_externref_visit(self->inst, mark, &s);
    mp_wasm_globals_visit_pins(self, mark, &s);
    uint32_t used = 0;
    for (uint32_t i = 0; i < s.n; i++) {
        if (s.marks[i / 8] & (1u << (i % 8))) {
            used++;
        } else {
            self->externrefs[i] = MP_OBJ_NULL;
        }
    }
    m_del(uint8_t, s.marks, (s.n + 7) / 8);
    self->externrefs_used = used;
    self->externref_next = 0;
}

void mp_wasm_externrefs_reserve(mp_obj_wasm_instance_t *self, uint32_t n) {
    if (self->n_externrefs - self->externrefs_used >= n) {
        return;
    }
    if (self->running == 0 && self->n_externrefs != 0 && self->inst != NULL) {
        sweep(self);
        // Grows as well when the guest holds most of them: a sweep per call would be slow.
        if (self->n_externrefs - self->externrefs_used >= n + self->n_externrefs / 2) {
            return;
        }
    }
    uint32_t want = self->n_externrefs ? self->n_externrefs * 2 : 8;
    while (want - self->externrefs_used < n) {
        want *= 2;
    }
    if (want > MAX_EXTERNREFS) {
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("too many externref objects held by the guest"));
    }
    self->externrefs = m_renew(mp_obj_t, self->externrefs, self->n_externrefs, want);
    for (uint32_t i = self->n_externrefs; i < want; i++) {
        self->externrefs[i] = MP_OBJ_NULL;
    }
    self->externref_next = self->n_externrefs;
    self->n_externrefs = want;
}

// A free slot for `obj` (mp_wasm_externrefs_reserve made room).
static uint32_t externref_new(mp_obj_wasm_instance_t *self, mp_obj_t obj) {
    uint32_t i = self->externref_next;
    while (self->externrefs[i] != MP_OBJ_NULL) {
        i = i + 1 < self->n_externrefs ? i + 1 : 0;
    }
    self->externrefs[i] = obj;
    self->externrefs_used++;
    self->externref_next = i + 1 < self->n_externrefs ? i + 1 : 0;
    return i;
}

void mp_wasm_externrefs_release(mp_obj_wasm_instance_t *self) {
    self->externrefs = NULL;
    self->n_externrefs = 0;
    self->externrefs_used = 0;
    self->externref_next = 0;
    self->funcrefs = MP_OBJ_NULL;
}

uint32_t mp_wasm_ref_from_obj(mp_obj_wasm_instance_t *self, wasm_valkind_t kind, mp_obj_t obj,
    const char *func_name, size_t arg_index) {
    if (obj == mp_const_none) {
        return NULL_REF;
    }
    if (kind == WASM_EXTERNREF) {
        return externref_new(self, obj);
    }
    char buf[24];
    const char *where = mp_wasm_value_where(buf, sizeof(buf), arg_index);
    if (mp_obj_is_type(obj, &mp_type_wasm_function)) {
        uint32_t index = mp_wasm_function_ref_index(obj, MP_OBJ_FROM_PTR(self));
        if (index != NULL_REF) {
            return index;
        }
        mp_raise_msg_varg(&mp_type_TypeError,
            MP_ERROR_TEXT("%s() %s: a funcref must be a function of the same instance"), func_name, where);
    }
    mp_raise_msg_varg(&mp_type_TypeError,
        MP_ERROR_TEXT("%s() %s: expected wasm.Function or None for funcref, got %s"),
        func_name, where, mp_obj_get_type_str(obj));
}

// The wasm.Function for function `index`: the export's own object when the
// function is exported (the same one inst.exports gives), one per index.
static mp_obj_t function_for_index(mp_obj_wasm_instance_t *self, uint32_t index) {
    if (self->funcrefs == MP_OBJ_NULL) {
        self->funcrefs = mp_obj_new_dict(0);
    }
    mp_map_t *map = mp_obj_dict_get_map(self->funcrefs);
    mp_obj_t key = mp_obj_new_int_from_uint(index);
    mp_map_elem_t *e = mp_map_lookup(map, key, MP_MAP_LOOKUP);
    if (e != NULL) {
        return e->value;
    }
    wasm_function_inst_t func = mp_wasm_function_at(self->inst, index);
    if (func == NULL) {
        mp_raise_msg(&mp_type_wasm_error, MP_ERROR_TEXT("the guest returned an invalid funcref"));
    }
    mp_obj_t fn = mp_wasm_exports_function_for(mp_wasm_instance_exports(self), func, index);
    mp_map_lookup(map, key, MP_MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = fn;
    return fn;
}

mp_obj_t mp_wasm_ref_to_obj(mp_obj_wasm_instance_t *self, wasm_valkind_t kind, uint32_t cell) {
    if (cell == NULL_REF) {
        return mp_const_none;
    }
    if (kind == WASM_FUNCREF) {
        return function_for_index(self, cell);
    }
    if (cell >= self->n_externrefs || self->externrefs[cell] == MP_OBJ_NULL) {
        // Guests cannot make handles: this would be a bug here.
        mp_raise_msg(&mp_type_wasm_error, MP_ERROR_TEXT("the guest returned an unknown externref"));
    }
    return self->externrefs[cell];
}
