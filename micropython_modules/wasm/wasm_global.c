// wasm.Global: a wasm global as a Python object, shared between the host and
// any number of instances.
//
//   g = wasm.Global("i32", 5, mutable=True)
//   a = wasm.Instance(m, imports={"env": {"g": g}})
//   g.value = 6                       # a sees 6
//   b = wasm.Instance(m2, imports={"env": {"g": a.exports.g}})
//
// A Global's value lives in one place: its own cell, or the slot of the
// instance that defines and exports it. An instance that imports a global
// gets a private slot from WAMR (WAMR copies imported globals into the
// instance), so for a mutable global that copy is the live value while the
// guest runs: it is copied in when the guest is entered or a host function
// returns to it, and out when the guest returns or calls any host function.
// Only one guest runs at a time, so every reader sees the last write.
//
// A global of reference type holds its value as a Python object (its own
// `ref_value`), or, exported by an instance, as a handle of that instance
// (wasm_ref_values.c), converted on each access. An instance importing an
// externref global gets a handle of its own for the object; for a mutable
// one that handle is reserved for the link (`handle`), so the copies at the
// crossings never allocate. A funcref is an index into its own instance's
// functions: funcref globals are not imported.

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"
#include "wasm_aot_check.h"

typedef struct _mp_obj_wasm_global_t {
    mp_obj_base_t base;
    uint8_t kind;                // WASM_I32, WASM_I64, WASM_F32, WASM_F64 (or a reference kind)
    bool is_mutable;
    void *data;                  // the value: &cell, or the owner's slot
    mp_obj_t owner;              // the instance whose slot `data` is, or MP_OBJ_NULL
    uint64_t cell;
    mp_obj_t ref_value;          // a reference global's value while it has no owner
} mp_obj_wasm_global_t;

typedef struct _mp_wasm_global_link_t {
    mp_obj_wasm_global_t *global;
    void *slot;                  // the instance's copy (WAMR's global data)
    int32_t wamr_index;          // the import's WAMR index
    uint32_t handle;             // mutable externref: the instance's handle for its value
} mp_wasm_global_link_t;

#define NULL_REF 0xFFFFFFFFu

// WAMR internals (wamr_shim/wasm_globals.c).
bool mp_wasm_import_global_set(wasm_module_t module, int32_t index, const wasm_val_t *value);
void *mp_wasm_import_global_addr(wasm_module_inst_t inst, int32_t index);

static size_t value_size(uint8_t kind) {
    return kind == WASM_I64 || kind == WASM_F64 ? 8 : 4;
}

static bool kind_from_name(const char *name, uint8_t *kind) {
    static const uint8_t kinds[] = { WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF };
    for (size_t i = 0; i < MP_ARRAY_SIZE(kinds); i++) {
        if (strcmp(name, mp_wasm_valkind_name(kinds[i])) == 0) {
            *kind = kinds[i];
            return true;
        }
    }
    return false;
}

static bool is_ref(uint8_t kind) {
    return kind == WASM_EXTERNREF || kind == WASM_FUNCREF;
}

static void global_read(const mp_obj_wasm_global_t *self, wasm_val_t *val) {
    memset(val, 0, sizeof(*val));
    val->kind = self->kind;
    memcpy(&val->of, self->data, value_size(self->kind));
}

static mp_obj_t global_value(const mp_obj_wasm_global_t *self) {
    if (is_ref(self->kind)) {
        if (self->owner == MP_OBJ_NULL) {
            return self->ref_value;
        }
        uint32_t cell;
        memcpy(&cell, self->data, sizeof(cell));
        return mp_wasm_ref_to_obj(mp_wasm_instance_open(self->owner), self->kind, cell);
    }
    wasm_val_t val;
    global_read(self, &val);
    return mp_wasm_value_to_obj(&val);
}

static mp_obj_t global_type_str(uint8_t kind, bool is_mutable) {
    vstr_t vstr;
    vstr_init(&vstr, 16);
    vstr_printf(&vstr, "global %s%s", is_mutable ? "mut " : "", mp_wasm_valkind_name(kind));
    return mp_obj_new_str_from_vstr(&vstr);
}

static mp_obj_t wasm_global_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw,
    const mp_obj_t *all_args) {
    enum { ARG_kind, ARG_value, ARG_mutable };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_kind, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_value, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_mutable, MP_ARG_BOOL, {.u_bool = false} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, all_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    uint8_t kind;
    if (!mp_obj_is_str(args[ARG_kind].u_obj)
        || !kind_from_name(mp_obj_str_get_str(args[ARG_kind].u_obj), &kind)) {
        mp_raise_ValueError(MP_ERROR_TEXT("Global kind must be 'i32', 'i64', 'f32', 'f64' or 'externref'"));
    }
    wasm_val_t val = { 0 };
    if (kind != WASM_EXTERNREF) {
        mp_wasm_value_from_obj(&val, kind, args[ARG_value].u_obj, "Global", 1);
    }
    mp_obj_wasm_global_t *self = mp_obj_malloc(mp_obj_wasm_global_t, type);
    self->kind = kind;
    self->is_mutable = args[ARG_mutable].u_bool;
    self->owner = MP_OBJ_NULL;
    self->cell = 0;
    self->ref_value = kind == WASM_EXTERNREF ? args[ARG_value].u_obj : mp_const_none;
    self->data = &self->cell;
    memcpy(self->data, &val.of, value_size(kind));
    return MP_OBJ_FROM_PTR(self);
}

void mp_wasm_global_set(mp_obj_t global, mp_obj_t value, const char *name) {
    mp_obj_wasm_global_t *self = MP_OBJ_TO_PTR(global);
    if (!self->is_mutable) {
        if (name == NULL) {
            mp_raise_msg(&mp_type_AttributeError, MP_ERROR_TEXT("wasm.Global is immutable"));
        }
        mp_raise_msg_varg(&mp_type_AttributeError, MP_ERROR_TEXT("exported global '%s' is immutable"), name);
    }
    const char *what = name != NULL ? name : "Global.value";
    if (is_ref(self->kind)) {
        if (self->owner == MP_OBJ_NULL) {
            // Its own value (a funcref global has one only once its owner closed).
            if (self->kind == WASM_FUNCREF && value != mp_const_none) {
                mp_raise_msg_varg(&mp_type_TypeError,
                    MP_ERROR_TEXT("%s: a funcref global without its instance can only be None"), what);
            }
            self->ref_value = value;
            return;
        }
        mp_obj_wasm_instance_t *owner = mp_wasm_instance_open(self->owner);
        if (self->kind == WASM_EXTERNREF && value != mp_const_none) {
            mp_wasm_externrefs_reserve(owner, 1);
        }
        uint32_t cell = mp_wasm_ref_from_obj(owner, self->kind, value, what, 0);
        memcpy(self->data, &cell, sizeof(cell));
        return;
    }
    wasm_val_t val;
    mp_wasm_value_from_obj(&val, self->kind, value, what, 0);
    memcpy(self->data, &val.of, value_size(self->kind));
}

static void wasm_global_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_wasm_global_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] == MP_OBJ_SENTINEL) {
        if (attr == MP_QSTR_value && dest[1] != MP_OBJ_NULL) {
            mp_wasm_global_set(self_in, dest[1], NULL);
            dest[0] = MP_OBJ_NULL;
        }
        return;
    }
    if (dest[0] != MP_OBJ_NULL) {
        return;
    }
    if (attr == MP_QSTR_value) {
        dest[0] = global_value(self);
    } else if (attr == MP_QSTR_kind) {
        const char *name = mp_wasm_valkind_name(self->kind);
        dest[0] = mp_obj_new_str(name, strlen(name));
    } else if (attr == MP_QSTR_mutable) {
        dest[0] = mp_obj_new_bool(self->is_mutable);
    } else if (attr == MP_QSTR_type) {
        dest[0] = global_type_str(self->kind, self->is_mutable);
    }
}

static void wasm_global_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    mp_obj_wasm_global_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "<wasm.Global %s%s ", self->is_mutable ? "mut " : "", mp_wasm_valkind_name(self->kind));
    mp_obj_print_helper(print, global_value(self), PRINT_REPR);
    mp_print_str(print, ">");
}

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_global, MP_QSTR_Global, MP_TYPE_FLAG_NONE,
    make_new, wasm_global_make_new,
    attr, wasm_global_attr,
    print, wasm_global_print
    );

// A mutable externref global exported by `owner`, about to be imported by
// another instance: its value moves into the Global (a Python object, as
// for one made by Python), and the owner keeps its slot in step at its
// crossings like an importer does, through a link with a handle reserved
// in its own table. The owner may be waiting in a host call: it copies the
// value in when it resumes.
static void share_owned_ref_global(mp_obj_wasm_global_t *global) {
    mp_obj_wasm_instance_t *owner = mp_wasm_instance_open(global->owner);
    mp_obj_t value = global_value(global);
    mp_wasm_externrefs_reserve(owner, 1);
    size_t n = owner->n_global_links, n_mutable = owner->n_mutable_links;
    mp_wasm_global_link_t *links = m_new0(mp_wasm_global_link_t, n + 1);
    memcpy(links, owner->global_links, n_mutable * sizeof(*links));
    memcpy(links + n_mutable + 1, owner->global_links + n_mutable, (n - n_mutable) * sizeof(*links));
    mp_wasm_global_link_t *link = &links[n_mutable];
    link->global = global;
    link->slot = global->data;
    link->wamr_index = -1;
    link->handle = mp_wasm_ref_from_obj(owner, WASM_EXTERNREF,
        value == mp_const_none ? MP_OBJ_FROM_PTR(global) : value, "Global", 0);
    owner->global_links = links;
    owner->n_global_links = (uint16_t)(n + 1);
    owner->n_mutable_links = (uint16_t)(n_mutable + 1);
    global->ref_value = value;
    global->owner = MP_OBJ_NULL;
    global->data = &global->cell;
}

// The wasm.Global given for an imported global, checked against its type.
static mp_obj_wasm_global_t *import_global(mp_obj_t imports, const wasm_import_t *imp) {
    wasm_valkind_t kind = wasm_global_type_get_valkind(imp->u.global_type);
    bool is_mutable = wasm_global_type_get_mutable(imp->u.global_type);
    const char *want = mp_obj_str_get_str(global_type_str(kind, is_mutable));
    if (kind == WASM_FUNCREF) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error,
            MP_ERROR_TEXT("import %s.%s (%s): funcref globals cannot be imported (a funcref is an index into its own instance's functions)"),
            imp->module_name, imp->name, want);
    }
    mp_obj_t entry = mp_wasm_import_entry(imports, imp);
    if (entry == MP_OBJ_NULL) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("missing import %s.%s (%s)"),
            imp->module_name, imp->name, want);
    }
    if (!mp_obj_is_type(entry, &mp_type_wasm_global)) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("import %s.%s (%s) must be a wasm.Global, not %s"),
            imp->module_name, imp->name, want, mp_obj_get_type_str(entry));
    }
    mp_obj_wasm_global_t *global = MP_OBJ_TO_PTR(entry);
    if (global->kind != kind || global->is_mutable != is_mutable) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("import %s.%s: the module imports %s, the wasm.Global is %s"),
            imp->module_name, imp->name, want,
            mp_obj_str_get_str(global_type_str(global->kind, global->is_mutable)));
    }
    if (is_ref(kind) && is_mutable && global->owner != MP_OBJ_NULL) {
        share_owned_ref_global(global);
    }
    return global;
}

void mp_wasm_global_imports_link(mp_obj_wasm_instance_t *self, mp_obj_t imports) {
    int32_t n = mp_wasm_import_count(self->mref);
    size_t n_globals = 0, n_refs = 0;
    for (int32_t i = 0; i < n; i++) {
        wasm_import_t imp;
        mp_wasm_import_get(self->mref, i, &imp);
        if (imp.kind == WASM_IMPORT_EXPORT_KIND_GLOBAL) {
            n_globals++;
            n_refs += is_ref(wasm_global_type_get_valkind(imp.u.global_type));
        }
    }
    if (n_globals == 0) {
        return;
    }
    if (n_refs != 0) {
        // A handle per externref import, taken before any (the table
        // cannot be swept before the instance exists).
        mp_wasm_externrefs_reserve(self, (uint32_t)n_refs);
    }
    // Mutable links fill the table from the front, immutable ones from the back.
    // n_mutable_links stays 0 (nothing is copied) until bind finds the slots.
    mp_wasm_global_link_t *links = m_new0(mp_wasm_global_link_t, n_globals);
    self->global_links = links;
    self->n_global_links = (uint16_t)n_globals;
    size_t front = 0, back = n_globals;
    for (int32_t i = 0; i < n; i++) {
        wasm_import_t imp;
        int32_t wamr_index = mp_wasm_import_get(self->mref, i, &imp);
        if (imp.kind != WASM_IMPORT_EXPORT_KIND_GLOBAL) {
            continue;
        }
        mp_obj_wasm_global_t *global = import_global(imports, &imp);
        mp_wasm_global_link_t *link = global->is_mutable ? &links[front++] : &links[--back];
        if (global->is_mutable) {
            // Two private copies of one global would drift apart inside the guest.
            for (size_t j = 0; j + 1 < front; j++) {
                if (links[j].global == global) {
                    mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                        MP_ERROR_TEXT("import %s.%s: one mutable wasm.Global cannot be imported twice by an instance"),
                        imp.module_name, imp.name);
                }
            }
        }
        link->global = global;
        link->wamr_index = wamr_index;
        wasm_val_t val;
        if (is_ref(global->kind)) {
            // The instance's handle for the object (reserved for good if
            // mutable: the crossings reuse it); `val` carries its bits.
            mp_obj_t obj = global_value(global);
            link->handle = mp_wasm_ref_from_obj(self, WASM_EXTERNREF,
                global->is_mutable && obj == mp_const_none ? MP_OBJ_FROM_PTR(global) : obj, imp.name, 0);
            memset(&val, 0, sizeof(val));
            val.kind = WASM_I32;
            val.of.i32 = (int32_t)(obj == mp_const_none ? NULL_REF : link->handle);
        } else {
            global_read(global, &val);
        }
        // The module keeps the value until its next instantiation: set now.
        if (!mp_wasm_import_global_set(self->mref->module, wamr_index, &val)) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("import %s.%s: cannot link this global"),
                imp.module_name, imp.name);
        }
    }
}

void mp_wasm_global_imports_bind(mp_obj_wasm_instance_t *self) {
    size_t n_mutable = 0;
    for (size_t i = 0; i < self->n_global_links; i++) {
        mp_wasm_global_link_t *link = &self->global_links[i];
        link->slot = mp_wasm_import_global_addr(self->inst, link->wamr_index);
        if (link->slot == NULL) {
            mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("imported global has no slot"));
        }
        n_mutable += link->global->is_mutable;
    }
    self->n_mutable_links = (uint16_t)n_mutable;
}

void mp_wasm_globals_copy_in(mp_obj_wasm_instance_t *self) {
    for (size_t i = 0; i < self->n_mutable_links; i++) {
        mp_wasm_global_link_t *link = &self->global_links[i];
        mp_obj_wasm_global_t *global = link->global;
        if (global->kind == WASM_EXTERNREF) {
            uint32_t cell = NULL_REF;
            if (global->ref_value != mp_const_none) {
                self->externrefs[link->handle] = global->ref_value;
                cell = link->handle;
            }
            memcpy(link->slot, &cell, sizeof(cell));
        } else {
            memcpy(link->slot, global->data, value_size(global->kind));
        }
    }
}

void mp_wasm_globals_copy_out(mp_obj_wasm_instance_t *self) {
    for (size_t i = 0; i < self->n_mutable_links; i++) {
        mp_wasm_global_link_t *link = &self->global_links[i];
        mp_obj_wasm_global_t *global = link->global;
        if (global->kind == WASM_EXTERNREF) {
            // Whatever handle the guest stored: one of this instance's.
            uint32_t cell;
            memcpy(&cell, link->slot, sizeof(cell));
            global->ref_value = cell < self->n_externrefs && self->externrefs[cell] != MP_OBJ_NULL
                ? self->externrefs[cell] : mp_const_none;
        } else {
            memcpy(global->data, link->slot, value_size(global->kind));
        }
    }
}

void mp_wasm_globals_visit_pins(mp_obj_wasm_instance_t *self, void (*visit)(uint32_t handle, void *ctx),
    void *ctx) {
    for (size_t i = 0; i < self->n_mutable_links; i++) {
        if (self->global_links[i].global->kind == WASM_EXTERNREF) {
            visit(self->global_links[i].handle, ctx);
        }
    }
}

mp_obj_t mp_wasm_global_for_export(mp_obj_wasm_instance_t *self, mp_obj_t self_obj,
    const wasm_global_inst_t *global) {
    for (size_t i = 0; i < self->n_global_links; i++) {
        if (self->global_links[i].slot == global->global_data) {
            return MP_OBJ_FROM_PTR(self->global_links[i].global);
        }
    }
    uint8_t kind = (uint8_t)global->kind;
    if (kind != WASM_I32 && kind != WASM_I64 && kind != WASM_F32 && kind != WASM_F64 && !is_ref(kind)) {
        mp_raise_msg_varg(&mp_type_NotImplementedError,
            MP_ERROR_TEXT("%s globals are not supported"), mp_wasm_valkind_name(kind));
    }
    mp_obj_wasm_global_t *g = mp_obj_malloc(mp_obj_wasm_global_t, &mp_type_wasm_global);
    g->kind = kind;
    g->is_mutable = global->is_mutable;
    g->owner = self_obj;
    g->cell = 0;
    g->ref_value = mp_const_none;
    g->data = global->global_data;
    return MP_OBJ_FROM_PTR(g);
}

void mp_wasm_global_owner_closing(mp_obj_t global, mp_obj_t owner) {
    if (!mp_obj_is_type(global, &mp_type_wasm_global)) {
        return;
    }
    mp_obj_wasm_global_t *self = MP_OBJ_TO_PTR(global);
    if (self->owner == owner) {
        if (is_ref(self->kind)) {
            // Its value as the instance last held it, kept as a Python-made
            // global keeps one (writable if mutable).
            self->ref_value = global_value(self);
        }
        memcpy(&self->cell, self->data, value_size(self->kind));
        self->data = &self->cell;
        self->owner = MP_OBJ_NULL;
    }
}
