// inst.exports: attribute and item access to a guest's exports. Functions
// come back as callable wasm.Function objects, globals as wasm.Global
// objects, tables as wasm.Table objects and the memory as the instance's
// wasm.Memory, each made once per instance and name (the same object on every access); assigning to an exported
// mutable global sets its value.

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"

typedef struct _mp_obj_wasm_exports_t {
    mp_obj_base_t base;
    mp_obj_t instance;
    // name -> wasm.Function or wasm.Global, filled on first access: a hot
    // loop's `inst.exports.f(...)` then allocates and looks up nothing in WAMR.
    mp_map_t functions;
} mp_obj_wasm_exports_t;

typedef struct _mp_obj_wasm_function_t {
    mp_obj_base_t base;
    mp_obj_t instance;
    mp_obj_t name;
    const char *cname;           // the name's text, kept alive by `name`
    wasm_function_inst_t func;
    uint32_t func_index;         // in its instance: what a funcref to it is
    mp_wasm_sig_t sig;           // read once, at lookup
} mp_obj_wasm_function_t;

uint32_t mp_wasm_function_index(wasm_module_inst_t inst, wasm_function_inst_t func);

static mp_obj_t function_new(mp_obj_t instance, mp_obj_t name, const char *cname, wasm_function_inst_t func) {
    mp_obj_wasm_instance_t *inst = MP_OBJ_TO_PTR(instance);
    mp_obj_wasm_function_t *f = mp_obj_malloc(mp_obj_wasm_function_t, &mp_type_wasm_function);
    f->instance = instance;
    f->name = name;
    f->cname = cname;
    f->func = func;
    f->func_index = mp_wasm_function_index(inst->inst, func);
    mp_wasm_sig_read(&f->sig, inst, func, cname);
    return MP_OBJ_FROM_PTR(f);
}

mp_obj_t mp_wasm_exports_new(mp_obj_t instance) {
    mp_obj_wasm_exports_t *self = mp_obj_malloc(mp_obj_wasm_exports_t, &mp_type_wasm_exports);
    self->instance = instance;
    mp_map_init(&self->functions, 0);
    return MP_OBJ_FROM_PTR(self);
}

// Returns the export called `name_in`, or MP_OBJ_NULL if there is none.
// The instance is checked first: a closed one raises, cached or not.
static mp_obj_t lookup_export(mp_obj_wasm_exports_t *self, mp_obj_t name_in) {
    mp_obj_wasm_instance_t *inst = mp_wasm_instance_open(self->instance);
    mp_map_elem_t *cached = mp_map_lookup(&self->functions, name_in, MP_MAP_LOOKUP);
    if (cached != NULL) {
        return cached->value;
    }
    const char *name = mp_wasm_name_from_str(name_in);
    wasm_function_inst_t func = wasm_runtime_lookup_function(inst->inst, name);
    if (func != NULL) {
        mp_obj_t f = function_new(self->instance, name_in, name, func);
        // Only after the signature was accepted: a refused one is not cached.
        mp_map_lookup(&self->functions, name_in, MP_MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = f;
        return f;
    }
    wasm_global_inst_t global;
    if (wasm_runtime_get_export_global_inst(inst->inst, name, &global)) {
        mp_obj_t g = mp_wasm_global_for_export(inst, self->instance, &global);
        mp_map_lookup(&self->functions, name_in, MP_MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = g;
        return g;
    }
    if (mp_wasm_export_memory(inst->inst, name)) {
        mp_obj_t m = mp_wasm_instance_memory(inst);
        mp_map_lookup(&self->functions, name_in, MP_MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = m;
        return m;
    }
    int32_t table = mp_wasm_export_table(inst->inst, name);
    if (table >= 0) {
        // An imported table is its wasm.Table; another, a new view.
        size_t n = 0;
        mp_obj_t *imported = NULL;
        if (inst->imported_tables != MP_OBJ_NULL) {
            mp_obj_list_get(inst->imported_tables, &n, &imported);
        }
        mp_obj_t t = (size_t)table < n ? imported[table] : mp_wasm_table_new(self->instance, (uint32_t)table);
        mp_map_lookup(&self->functions, name_in, MP_MAP_LOOKUP_ADD_IF_NOT_FOUND)->value = t;
        return t;
    }
    return MP_OBJ_NULL;
}

mp_obj_t mp_wasm_exports_function_for(mp_obj_t exports, wasm_function_inst_t func, uint32_t index) {
    mp_obj_wasm_exports_t *self = MP_OBJ_TO_PTR(exports);
    mp_obj_wasm_instance_t *inst = mp_wasm_instance_open(self->instance);
    wasm_module_t module = inst->mref->module;
    int32_t n = wasm_runtime_get_export_count(module);
    for (int32_t i = 0; i < n; i++) {
        wasm_export_t exp;
        wasm_runtime_get_export_type(module, i, &exp);
        if (exp.kind == WASM_IMPORT_EXPORT_KIND_FUNC) {
            mp_obj_t f = lookup_export(self, mp_wasm_name_to_str(exp.name));
            if (f != MP_OBJ_NULL && ((mp_obj_wasm_function_t *)MP_OBJ_TO_PTR(f))->func_index == index) {
                return f;
            }
        }
    }
    // Not exported: named by its index, as wasm's text format does.
    vstr_t vstr;
    vstr_init(&vstr, 16);
    vstr_printf(&vstr, "func[%u]", (unsigned)index);
    mp_obj_t name = mp_obj_new_str_from_vstr(&vstr);
    return function_new(self->instance, name, mp_obj_str_get_str(name), func);
}

uint32_t mp_wasm_function_ref_index(mp_obj_t fn, mp_obj_t instance) {
    mp_obj_wasm_function_t *f = MP_OBJ_TO_PTR(fn);
    return f->instance == instance ? f->func_index : 0xFFFFFFFFu;
}

void mp_wasm_exports_closing(mp_obj_t exports) {
    mp_obj_wasm_exports_t *self = MP_OBJ_TO_PTR(exports);
    for (size_t i = 0; i < self->functions.alloc; i++) {
        if (mp_map_slot_is_filled(&self->functions, i)) {
            mp_wasm_global_owner_closing(self->functions.table[i].value, self->instance);
        }
    }
}

// Sets exported global `name_in` to `value`; false if there is no such global.
static bool write_global(mp_obj_wasm_exports_t *self, mp_obj_t name_in, mp_obj_t value) {
    mp_obj_t found = lookup_export(self, name_in);
    if (found == MP_OBJ_NULL || !mp_obj_is_type(found, &mp_type_wasm_global)) {
        return false;
    }
    mp_wasm_global_set(found, value, mp_obj_str_get_str(name_in));
    return true;
}

static void wasm_exports_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    if (dest[0] == MP_OBJ_SENTINEL) {
        // Store: mutable globals only (functions and deletion stay refused).
        mp_obj_t name = MP_OBJ_NEW_QSTR(attr);
        if (dest[1] != MP_OBJ_NULL && write_global(MP_OBJ_TO_PTR(self_in), name, dest[1])) {
            dest[0] = MP_OBJ_NULL;
        } else if (lookup_export(MP_OBJ_TO_PTR(self_in), name) != MP_OBJ_NULL) {
            mp_raise_msg(&mp_type_AttributeError, MP_ERROR_TEXT("exports are read-only"));
        }
        return;
    }
    if (dest[0] != MP_OBJ_NULL) {
        return;
    }
    mp_obj_t value = lookup_export(MP_OBJ_TO_PTR(self_in), MP_OBJ_NEW_QSTR(attr));
    if (value != MP_OBJ_NULL) {
        dest[0] = value;
    }
}

static mp_obj_t wasm_exports_subscr(mp_obj_t self_in, mp_obj_t index, mp_obj_t value) {
    if (!mp_obj_is_str(index)) {
        mp_raise_TypeError(MP_ERROR_TEXT("export names are str"));
    }
    if (value != MP_OBJ_SENTINEL) {
        if (value == MP_OBJ_NULL || !write_global(MP_OBJ_TO_PTR(self_in), index, value)) {
            mp_raise_TypeError(MP_ERROR_TEXT("exports are read-only"));
        }
        return mp_const_none;
    }
    mp_obj_t found = lookup_export(MP_OBJ_TO_PTR(self_in), index);
    if (found == MP_OBJ_NULL) {
        mp_raise_type_arg(&mp_type_KeyError, index);
    }
    return found;
}

static mp_obj_t wasm_function_call(mp_obj_t self_in, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_obj_wasm_function_t *self = MP_OBJ_TO_PTR(self_in);
    if (n_kw != 0) {
        mp_raise_TypeError(MP_ERROR_TEXT("wasm functions take no keyword arguments"));
    }
    mp_obj_wasm_instance_t *inst = mp_wasm_instance_open(self->instance);
    return mp_wasm_instance_call_sig(inst, self->func, &self->sig, self->cname, n_args, args,
        inst->timeout_ms);
}

mp_obj_t mp_wasm_function_sig_str(mp_obj_t fn) {
    if (!mp_obj_is_type(fn, &mp_type_wasm_function)) {
        return MP_OBJ_NULL;
    }
    const mp_wasm_sig_t *sig = &((mp_obj_wasm_function_t *)MP_OBJ_TO_PTR(fn))->sig;
    vstr_t vstr;
    vstr_init(&vstr, sig->n_params + sig->n_results + 3);
    vstr_add_byte(&vstr, '(');
    for (size_t i = 0; i < (size_t)sig->n_params + sig->n_results; i++) {
        if (i == sig->n_params) {
            vstr_add_byte(&vstr, ')');
        }
        vstr_add_str(&vstr, mp_wasm_valkind_char(sig->kinds[i]));
    }
    if (sig->n_results == 0) {
        vstr_add_byte(&vstr, ')');
    }
    return mp_obj_new_str_from_vstr(&vstr);
}

static void wasm_function_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    mp_obj_wasm_function_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "<wasm.Function %s>", self->cname);
}

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_exports, MP_QSTR_Exports, MP_TYPE_FLAG_NONE,
    attr, wasm_exports_attr,
    subscr, wasm_exports_subscr
    );

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_function, MP_QSTR_Function, MP_TYPE_FLAG_NONE,
    call, wasm_function_call,
    print, wasm_function_print
    );
