// Python callables as guest imports:
//   wasm.Instance(m, imports={"env": {"log": (fn, "(i)"), "add": fn}})
//
// WAMR links imports by (module, name) against registered natives. Each
// distinct import is registered once with a generic raw trampoline; the
// trampoline finds the callable in the calling instance's `imports`, so
// instances of the same module can bind different callables.

#include <string.h>

#include "py/runtime.h"
#include "py/objstr.h"
#include "modwasm.h"

#define MAX_HOST_VALUES 16

// One registered import, allocated from the WAMR pool (the registry goes
// away with the pool at soft reset).
typedef struct _host_import_t {
    struct _host_import_t *next;
    NativeSymbol symbol;     // WAMR keeps a pointer: must stay put
    char *module_name;
    char *signature;
} host_import_t;

static host_import_t *registry;

void mp_wasm_host_imports_reset(void) {
    // The pool holding the registry has just been destroyed.
    registry = NULL;
}

static char *pool_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = mp_wasm_pool_malloc(n);
    if (copy == NULL) {
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted"));
    }
    memcpy(copy, s, n);
    return copy;
}

static wasm_valkind_t kind_of(char c) {
    switch (c) {
        case 'I':
            return WASM_I64;
        case 'f':
            return WASM_F32;
        case 'F':
            return WASM_F64;
        default:
            return WASM_I32;
    }
}

// Raw trampoline: `args` holds one 64-bit slot per parameter; the result
// goes back into args[0].
static void host_trampoline(wasm_exec_env_t exec_env, uint64_t *args) {
    host_import_t *imp = wasm_runtime_get_function_attachment(exec_env);
    mp_obj_wasm_instance_t *inst = wasm_runtime_get_custom_data(wasm_runtime_get_module_inst(exec_env));
    const char *sig = imp->signature + 1;  // after '('
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t funcs = mp_obj_dict_get(inst->imports, mp_obj_new_str(imp->module_name, strlen(imp->module_name)));
        mp_obj_t entry = mp_obj_dict_get(funcs, mp_obj_new_str(imp->symbol.symbol, strlen(imp->symbol.symbol)));
        mp_obj_t fn = entry;
        if (mp_obj_is_type(entry, &mp_type_tuple)) {
            fn = mp_obj_subscr(entry, MP_OBJ_NEW_SMALL_INT(0), MP_OBJ_SENTINEL);
        }
        mp_obj_t py_args[MAX_HOST_VALUES];
        size_t n = 0;
        for (; *sig != ')'; sig++, n++) {
            wasm_val_t v;
            v.kind = kind_of(*sig);
            memcpy(&v.of, &args[n], sizeof(v.of));
            py_args[n] = mp_wasm_value_to_obj(&v);
        }
        mp_obj_t ret = mp_call_function_n_kw(fn, n, 0, py_args);
        sig++;
        if (*sig != '\0') {
            wasm_val_t v;
            mp_wasm_value_from_obj(&v, kind_of(*sig), ret, imp->symbol.symbol, MP_WASM_RETURN_VALUE);
            memcpy(&args[0], &v.of, sizeof(v.of));
        } else if (ret != mp_const_none) {
            mp_raise_msg_varg(&mp_type_TypeError,
                MP_ERROR_TEXT("host function %s.%s must return None"), imp->module_name, imp->symbol.symbol);
        }
        nlr_pop();
    } else {
        mp_wasm_instance_set_host_exception(inst, MP_OBJ_FROM_PTR(nlr.ret_val));
    }
}

static host_import_t *registry_find(const char *module_name, const char *name) {
    for (host_import_t *imp = registry; imp != NULL; imp = imp->next) {
        if (strcmp(imp->module_name, module_name) == 0 && strcmp(imp->symbol.symbol, name) == 0) {
            return imp;
        }
    }
    return NULL;
}

static void registry_add(const char *module_name, const char *name, const char *signature) {
    host_import_t *imp = mp_wasm_pool_malloc(sizeof(*imp));
    if (imp == NULL) {
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted"));
    }
    memset(imp, 0, sizeof(*imp));
    imp->module_name = pool_strdup(module_name);
    imp->symbol.symbol = pool_strdup(name);
    imp->signature = pool_strdup(signature);
    imp->symbol.func_ptr = (void *)host_trampoline;
    imp->symbol.signature = imp->signature;
    imp->symbol.attachment = imp;
    if (!wasm_runtime_register_natives_raw(imp->module_name, &imp->symbol, 1)) {
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted"));
    }
    imp->next = registry;
    registry = imp;
}

// Looks up imports[module][name]; returns the signature the user gave, or
// NULL when none was given. Raises LinkError when the entry is missing.
static mp_obj_t lookup_entry(mp_obj_t imports, const wasm_import_t *imp, mp_obj_t want_sig) {
    mp_obj_t funcs = MP_OBJ_NULL;
    if (imports != mp_const_none) {
        mp_map_elem_t *e = mp_map_lookup(mp_obj_dict_get_map(imports),
            mp_obj_new_str(imp->module_name, strlen(imp->module_name)), MP_MAP_LOOKUP);
        funcs = e ? e->value : MP_OBJ_NULL;
    }
    mp_obj_t entry = MP_OBJ_NULL;
    if (funcs != MP_OBJ_NULL) {
        if (!mp_obj_is_dict_or_ordereddict(funcs)) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error, "imports['%s'] must be a dict", imp->module_name);
        }
        mp_map_elem_t *e = mp_map_lookup(mp_obj_dict_get_map(funcs),
            mp_obj_new_str(imp->name, strlen(imp->name)), MP_MAP_LOOKUP);
        entry = e ? e->value : MP_OBJ_NULL;
    }
    if (entry == MP_OBJ_NULL) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, "missing import %s.%s (func %s)",
            imp->module_name, imp->name, mp_obj_str_get_str(want_sig));
    }
    mp_obj_t fn = entry;
    if (mp_obj_is_type(entry, &mp_type_tuple)) {
        size_t n;
        mp_obj_t *items;
        mp_obj_tuple_get(entry, &n, &items);
        if (n != 2 || !mp_obj_is_str(items[1])) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                "import %s.%s must be a callable or (callable, signature)", imp->module_name, imp->name);
        }
        fn = items[0];
        if (!mp_obj_equal(items[1], want_sig)) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                "import %s.%s: signature %s does not match the module's %s", imp->module_name, imp->name,
                mp_obj_str_get_str(items[1]), mp_obj_str_get_str(want_sig));
        }
    }
    if (!mp_obj_is_callable(fn)) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, "import %s.%s is not callable", imp->module_name, imp->name);
    }
    return fn;
}

// Binds the module's unresolved function imports to Python callables.
void mp_wasm_host_imports_link(wasm_module_t module, mp_obj_t imports) {
    int32_t n = wasm_runtime_get_import_count(module);
    bool registered = false;
    for (int32_t i = 0; i < n; i++) {
        wasm_import_t imp;
        wasm_runtime_get_import_type(module, i, &imp);
        if (imp.kind != WASM_IMPORT_EXPORT_KIND_FUNC || strcmp(imp.module_name, MP_WASM_WASI_MODULE) == 0
            || mp_wasm_natives_has(imp.module_name, imp.name)) {
            continue; // provided by the firmware itself
        }
        // The trampoline converts into a fixed array and returns one value.
        uint32_t n_params = wasm_func_type_get_param_count(imp.u.func_type);
        uint32_t n_results = wasm_func_type_get_result_count(imp.u.func_type);
        if (n_params > MAX_HOST_VALUES) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                "import %s.%s has %u parameters; host functions take at most %u",
                imp.module_name, imp.name, (unsigned)n_params, (unsigned)MAX_HOST_VALUES);
        }
        if (n_results > 1) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                "import %s.%s returns %u values; host functions return at most one",
                imp.module_name, imp.name, (unsigned)n_results);
        }
        mp_obj_t sig = mp_wasm_func_type_str(imp.u.func_type);
        const char *sig_str = mp_obj_str_get_str(sig);
        // Every instance must bring its own callable, even when an earlier
        // instance already had WAMR link this name.
        lookup_entry(imports, &imp, sig);
        if (imp.linked) {
            continue;
        }
        host_import_t *known = registry_find(imp.module_name, imp.name);
        if (known != NULL) {
            if (strcmp(known->signature, sig_str) != 0) {
                mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                    "import %s.%s is already bound with signature %s, not %s",
                    imp.module_name, imp.name, known->signature, sig_str);
            }
        } else {
            registry_add(imp.module_name, imp.name, sig_str);
        }
        registered = true;
    }
    if (registered) {
        wasm_runtime_resolve_symbols(module);
    }
}
