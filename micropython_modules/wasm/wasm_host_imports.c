// Python callables as guest imports:
//   wasm.Instance(m, imports={"env": {"log": (fn, "(i)"), "add": fn}})
//
// Linking is per module, binding per instance.
// - The first instantiation of a module links its Python-bound function
//   imports to one raw trampoline: a `host_link_t` per import (its index and
//   signature) in one pool block that the module owns and frees when it is
//   unloaded. WAMR resolves imports only through its global list of
//   registered natives, so the links are registered, resolved and
//   unregistered at once: nothing stays in that list, two modules can import
//   the same name with different signatures, and no pool memory outlives
//   the module.
// - Each instance resolves its callables once, at instantiation, into a
//   table indexed by import index (`import_fns`): the trampoline reads its
//   slot, with no name lookup or allocation of its own per call. That table
//   is the instance's import namespace; an entry may be any callable (a
//   wasm.Function of another instance included).

#include <string.h>

#include "py/runtime.h"
#include "py/objstr.h"
#include "wasm_native_call.h"

#define MAX_HOST_VALUES 16
// "(" + parameters + ")" + one result + NUL.
#define MAX_SIGNATURE (MAX_HOST_VALUES + 4)

typedef struct _host_link_t {
    NativeSymbol symbol;     // registered only while the module resolves
    uint32_t index;          // the import's index: the instance's import_fns slot
    char signature[MAX_SIGNATURE]; // WAMR keeps a pointer for the module's life
    uint8_t n_params, n_results;
    uint8_t kinds[MAX_HOST_VALUES + 1]; // wasm_valkind_t: parameters, then the result
} host_link_t;

// One block per linking round of a module (usually one per module).
typedef struct _mp_wasm_host_links_t {
    struct _mp_wasm_host_links_t *next;
    size_t count;
    host_link_t links[];
} mp_wasm_host_links_t;

void mp_wasm_host_imports_free(mp_wasm_module_ref_t *ref) {
    while (ref->host_links != NULL) {
        mp_wasm_host_links_t *next = ref->host_links->next;
        wasm_runtime_free(ref->host_links);
        ref->host_links = next;
    }
}

// Error messages name the import; looked up only when one is raised.
static void import_names(mp_obj_wasm_instance_t *inst, uint32_t index, wasm_import_t *imp) {
    wasm_runtime_get_import_type(inst->mref->module, (int32_t)index, imp);
}

static bool is_ref(wasm_valkind_t kind) {
    return kind == WASM_EXTERNREF || kind == WASM_FUNCREF;
}

// One call of a Python import: arguments in, result back in args[0].
// References arrive as the instance's handles (WAMR patch 0084) and are
// converted as call arguments and results are (wasm_ref_values.c).
static int32_t host_call(wasm_exec_env_t exec_env, uint64_t *args) {
    const host_link_t *link = wasm_runtime_get_function_attachment(exec_env);
    mp_obj_wasm_instance_t *inst = mp_wasm_native_instance(exec_env);
    mp_obj_t py_args[MAX_HOST_VALUES];
    size_t n = link->n_params;
    for (size_t i = 0; i < n; i++) {
        wasm_valkind_t kind = link->kinds[i];
        if (is_ref(kind)) {
            py_args[i] = mp_wasm_ref_to_obj(inst, kind, (uint32_t)args[i]);
            continue;
        }
        wasm_val_t v;
        v.kind = kind;
        memcpy(&v.of, &args[i], sizeof(v.of));
        py_args[i] = mp_wasm_value_to_obj(&v);
    }
    mp_obj_t ret = mp_call_function_n_kw(inst->import_fns[link->index], n, 0, py_args);
    if (link->n_results != 0) {
        wasm_valkind_t kind = link->kinds[n];
        wasm_val_t v;
        if (is_ref(kind)) {
            wasm_import_t imp;
            import_names(inst, link->index, &imp);
            if (kind == WASM_EXTERNREF && ret != mp_const_none) {
                mp_wasm_externrefs_reserve(inst, 1);
            }
            args[0] = mp_wasm_ref_from_obj(inst, kind, ret, imp.name, MP_WASM_RETURN_VALUE);
            return 0;
        }
        if (!mp_wasm_value_try_from_obj(&v, kind, ret)) {
            wasm_import_t imp;
            import_names(inst, link->index, &imp);
            mp_wasm_value_raise(kind, ret, imp.name, MP_WASM_RETURN_VALUE);
        }
        memcpy(&args[0], &v.of, sizeof(v.of));
    } else if (ret != mp_const_none) {
        wasm_import_t imp;
        import_names(inst, link->index, &imp);
        mp_raise_msg_varg(&mp_type_TypeError,
            MP_ERROR_TEXT("host function %s.%s must return None"), imp.module_name, imp.name);
    }
    return 0;
}

// The raw native every Python import is linked to.
static void host_trampoline(wasm_exec_env_t exec_env, uint64_t *args) {
    mp_wasm_native_run(exec_env, args, host_call, false);
}

mp_obj_t mp_wasm_import_entry(mp_obj_t imports, const wasm_import_t *imp) {
    if (imports == mp_const_none) {
        return MP_OBJ_NULL;
    }
    mp_map_elem_t *e = mp_map_lookup(mp_obj_dict_get_map(imports),
        mp_wasm_name_to_str(imp->module_name), MP_MAP_LOOKUP);
    if (e == NULL) {
        return MP_OBJ_NULL;
    }
    if (!mp_obj_is_dict_or_ordereddict(e->value)) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("imports['%s'] must be a dict"), imp->module_name);
    }
    e = mp_map_lookup(mp_obj_dict_get_map(e->value), mp_wasm_name_to_str(imp->name), MP_MAP_LOOKUP);
    return e ? e->value : MP_OBJ_NULL;
}

// Looks up imports[module][name] and checks it against the module's
// signature `want_sig`; returns the callable. Raises LinkError.
static mp_obj_t lookup_entry(mp_obj_t imports, const wasm_import_t *imp, mp_obj_t want_sig) {
    mp_obj_t entry = mp_wasm_import_entry(imports, imp);
    if (entry == MP_OBJ_NULL) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("missing import %s.%s (func %s)"),
            imp->module_name, imp->name, mp_obj_str_get_str(want_sig));
    }
    mp_obj_t fn = entry;
    if (mp_obj_is_type(entry, &mp_type_tuple)) {
        size_t n;
        mp_obj_t *items;
        mp_obj_tuple_get(entry, &n, &items);
        if (n != 2 || !mp_obj_is_str(items[1])) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                MP_ERROR_TEXT("import %s.%s must be a callable or (callable, signature)"), imp->module_name, imp->name);
        }
        fn = items[0];
        if (!mp_obj_equal(items[1], want_sig)) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                MP_ERROR_TEXT("import %s.%s: signature %s does not match the module's %s"), imp->module_name, imp->name,
                mp_obj_str_get_str(items[1]), mp_obj_str_get_str(want_sig));
        }
    }
    if (!mp_obj_is_callable(fn)) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("import %s.%s is not callable"), imp->module_name, imp->name);
    }
    // Another instance's function has a type of its own, checked as the
    // spec links modules (a Python callable takes what it is given).
    mp_obj_t fn_sig = mp_wasm_function_sig_str(fn);
    if (fn_sig != MP_OBJ_NULL && !mp_obj_equal(fn_sig, want_sig)) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error,
            MP_ERROR_TEXT("import %s.%s: the module imports func %s, the wasm.Function is func %s"),
            imp->module_name, imp->name, mp_obj_str_get_str(want_sig), mp_obj_str_get_str(fn_sig));
    }
    return fn;
}

// Whether the firmware itself provides the import (WASI, native families).
static bool is_firmware_import(const wasm_import_t *imp) {
    return strcmp(imp->module_name, MP_WASM_WASI_MODULE) == 0
           || mp_wasm_natives_has(imp->module_name, imp->name);
}

static bool has_funcref(wasm_func_type_t type) {
    uint32_t n = wasm_func_type_get_param_count(type);
    for (uint32_t i = 0; i < n; i++) {
        if (wasm_func_type_get_param_valkind(type, i) == WASM_FUNCREF) {
            return true;
        }
    }
    n = wasm_func_type_get_result_count(type);
    for (uint32_t i = 0; i < n; i++) {
        if (wasm_func_type_get_result_valkind(type, i) == WASM_FUNCREF) {
            return true;
        }
    }
    return false;
}

// An import whose type has a funcref is linked by name alone: the module
// may not import that name again with another type.
static void check_funcref_names(wasm_module_t module, const wasm_import_t *imp, mp_obj_t sig, size_t index) {
    if (!has_funcref(imp->u.func_type)) {
        return;
    }
    size_t n = (size_t)wasm_runtime_get_import_count(module);
    for (size_t j = 0; j < n; j++) {
        wasm_import_t other;
        wasm_runtime_get_import_type(module, (int32_t)j, &other);
        if (j != index && other.kind == WASM_IMPORT_EXPORT_KIND_FUNC && strcmp(other.name, imp->name) == 0
            && strcmp(other.module_name, imp->module_name) == 0
            && !mp_obj_equal(mp_wasm_func_type_str(other.u.func_type), sig)) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                MP_ERROR_TEXT("import %s.%s: imported twice with different types, one with a funcref"),
                imp->module_name, imp->name);
        }
    }
}

// The trampoline converts into a fixed array, one result at most.
static void check_shape(const wasm_import_t *imp) {
    uint32_t n_params = wasm_func_type_get_param_count(imp->u.func_type);
    uint32_t n_results = wasm_func_type_get_result_count(imp->u.func_type);
    if (n_params > MAX_HOST_VALUES) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error,
            MP_ERROR_TEXT("import %s.%s has %u parameters; host functions take at most %u"),
            imp->module_name, imp->name, (unsigned)n_params, (unsigned)MAX_HOST_VALUES);
    }
    if (n_results > 1) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error,
            MP_ERROR_TEXT("import %s.%s returns %u values; host functions return at most one"),
            imp->module_name, imp->name, (unsigned)n_results);
    }
}

// Registers `link` for one resolution round; false when the pool is out.
static bool register_link(wasm_module_t module, host_link_t *link, uint32_t index) {
    wasm_import_t imp;
    wasm_runtime_get_import_type(module, (int32_t)index, &imp);
    memset(link, 0, sizeof(*link));
    link->index = index;
    // Nothing here may raise: other links of the round are registered.
    mp_wasm_func_type_sig(imp.u.func_type, link->signature, MAX_SIGNATURE);
    link->n_params = (uint8_t)wasm_func_type_get_param_count(imp.u.func_type);
    link->n_results = (uint8_t)wasm_func_type_get_result_count(imp.u.func_type);
    for (uint32_t i = 0; i < link->n_params; i++) {
        link->kinds[i] = (uint8_t)wasm_func_type_get_param_valkind(imp.u.func_type, i);
    }
    if (link->n_results != 0) {
        link->kinds[link->n_params] = (uint8_t)wasm_func_type_get_result_valkind(imp.u.func_type, 0);
    }
    link->symbol.symbol = imp.name;
    link->symbol.func_ptr = (void *)host_trampoline;
    // WAMR checks the signature, so an import of a name with another type
    // waits for a later round; its notation has no character for a
    // funcref, so such imports go unchecked (see check_funcref_names).
    link->symbol.signature = has_funcref(imp.u.func_type) ? NULL : link->signature;
    link->symbol.attachment = link;
    return wasm_runtime_register_natives_raw(imp.module_name, &link->symbol, 1);
}

static void unregister_links(wasm_module_t module, host_link_t *links, size_t n) {
    for (size_t i = 0; i < n; i++) {
        wasm_import_t imp;
        wasm_runtime_get_import_type(module, (int32_t)links[i].index, &imp);
        wasm_runtime_unregister_natives(imp.module_name, &links[i].symbol);
    }
}

// Whether an import before `index` still waiting in `pending` has the same
// module and name: WAMR resolves a name through the first registration it
// finds, so each round registers every name once.
static bool name_taken(wasm_module_t module, const bool *pending, size_t index) {
    wasm_import_t imp, other;
    wasm_runtime_get_import_type(module, (int32_t)index, &imp);
    for (size_t j = 0; j < index; j++) {
        if (pending[j]) {
            wasm_runtime_get_import_type(module, (int32_t)j, &other);
            if (strcmp(imp.name, other.name) == 0 && strcmp(imp.module_name, other.module_name) == 0) {
                return true;
            }
        }
    }
    return false;
}

// Links the module's unlinked Python imports (`pending`) to the trampoline,
// in one block owned by the module. Imports left unlinked are reported by
// the caller as missing.
static void link_module(mp_wasm_module_ref_t *ref, bool *pending, size_t n_imports, size_t n_links) {
    wasm_module_t module = ref->module;
    mp_wasm_host_links_t *block = mp_wasm_pool_malloc(sizeof(*block) + n_links * sizeof(host_link_t));
    if (block == NULL) {
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted"));
    }
    block->count = 0;
    bool pool_ok = true;
    for (;;) {
        size_t round_start = block->count;
        for (size_t i = 0; i < n_imports && pool_ok; i++) {
            if (pending[i] && !name_taken(module, pending, i)) {
                pool_ok = register_link(module, &block->links[block->count], (uint32_t)i);
                block->count += pool_ok;
            }
        }
        if (pool_ok) {
            wasm_runtime_resolve_symbols(module);
        }
        // Nothing stays registered: the module now points at its own links.
        unregister_links(module, block->links + round_start, block->count - round_start);
        if (!pool_ok) {
            block->count = round_start;
            break;
        }
        size_t linked = 0;
        for (size_t i = round_start; i < block->count; i++) {
            wasm_import_t imp;
            wasm_runtime_get_import_type(module, (int32_t)block->links[i].index, &imp);
            pending[block->links[i].index] = false;
            linked += imp.linked;
        }
        if (linked < block->count - round_start || block->count == n_links) {
            break; // done, or WAMR refused one: it is reported as missing
        }
    }
    if (block->count == 0) {
        wasm_runtime_free(block);
    } else {
        // Links WAMR did not take stay in the block; they are never called.
        block->next = ref->host_links;
        ref->host_links = block;
    }
    if (!pool_ok) {
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted"));
    }
}

void mp_wasm_host_imports_bind(mp_obj_wasm_instance_t *self, mp_obj_t imports) {
    wasm_module_t module = self->mref->module;
    size_t n = (size_t)wasm_runtime_get_import_count(module);
    if (n == 0) {
        return;
    }
    self->import_fns = m_new0(mp_obj_t, n);
    bool *pending = m_new0(bool, n);
    size_t n_unlinked = 0;
    for (size_t i = 0; i < n; i++) {
        wasm_import_t imp;
        wasm_runtime_get_import_type(module, (int32_t)i, &imp);
        if (imp.kind != WASM_IMPORT_EXPORT_KIND_FUNC || is_firmware_import(&imp)) {
            continue;
        }
        mp_obj_t sig = mp_wasm_func_type_str(imp.u.func_type);
        check_shape(&imp);
        check_funcref_names(module, &imp, sig, i);
        // Every instance brings its own callable, linked module or not.
        self->import_fns[i] = lookup_entry(imports, &imp, sig);
        if (!imp.linked) {
            pending[i] = true;
            n_unlinked++;
        }
    }
    if (n_unlinked > 0) {
        link_module(self->mref, pending, n, n_unlinked);
    }
    m_del(bool, pending, n);
}
