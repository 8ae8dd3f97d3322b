// wasm.Instance: an instantiated module with its own linear memory, an
// execution environment, and calls from Python into the guest.

#include <string.h>

#include "py/runtime.h"
#include "py/gc.h"
#include "modwasm.h"
#include "wasm_aot_check.h"

#define EXCEPTION_PREFIX "Exception: "

mp_obj_wasm_instance_t *mp_wasm_instance_open(mp_obj_t self_in) {
    mp_obj_wasm_instance_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->inst == NULL) {
        mp_raise_ValueError(MP_ERROR_TEXT("wasm instance is closed"));
    }
    return self;
}

// An imported memory: the wasm.Memory, checked against the module's limits;
// its maximum caps the instance's memory (*max_pages). It may already be
// another instance's memory: the two then share it.
static mp_obj_t link_memory(mp_obj_wasm_instance_t *self, mp_obj_t imports, const wasm_import_t *imp,
    uint32_t *max_pages) {
    mp_obj_t mem = mp_wasm_import_entry(imports, imp);
    if (mem == MP_OBJ_NULL) {
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("missing import %s.%s (memory)"),
            imp->module_name, imp->name);
    }
    uint32_t init = 0, max = 0;
    bool has_max = false;
    mp_wasm_module_memory_pages(self->mref->module, &init, &max, &has_max);
    mp_wasm_memory_import_check(mem, imp, init, max, has_max, max_pages);
    return mem;
}

// Every function import must be satisfied before the guest runs: WAMR
// would otherwise trap only when the missing function is first called.
static void link_imports(mp_obj_wasm_instance_t *self, mp_obj_t imports, bool *uses_wasi,
    mp_obj_t *memory, uint32_t *max_pages, mp_obj_t tables) {
    mp_wasm_host_imports_bind(self, imports);
    // Declaration order, memories and tables included, in every mode.
    int32_t n = mp_wasm_import_count(self->mref);
    *uses_wasi = false;
    for (int32_t i = 0; i < n; i++) {
        wasm_import_t imp;
        mp_wasm_import_get(self->mref, i, &imp);
        const char *kind = mp_obj_str_get_str(mp_wasm_kind_str(imp.kind, imp.u.func_type));
        if (imp.kind == WASM_IMPORT_EXPORT_KIND_GLOBAL) {
            continue; // linked (or refused) by mp_wasm_global_imports_link
        }
        if (imp.kind == WASM_IMPORT_EXPORT_KIND_MEMORY) {
            *memory = link_memory(self, imports, &imp, max_pages);
            continue;
        }
        if (imp.kind == WASM_IMPORT_EXPORT_KIND_TABLE) {
            mp_obj_t tbl = mp_wasm_import_entry(imports, &imp);
            if (tbl == MP_OBJ_NULL) {
                mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("missing import %s.%s (table)"),
                    imp.module_name, imp.name);
            }
            size_t rank;
            mp_obj_t *items;
            mp_obj_list_get(tables, &rank, &items);
            for (size_t j = 0; j < rank; j++) {
                if (items[j] == tbl) {
                    // It would become the view of two tables.
                    mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                        MP_ERROR_TEXT("import %s.%s: one wasm.Table cannot be imported twice"),
                        imp.module_name, imp.name);
                }
            }
            mp_wasm_table_import_check(tbl, self->mref, &imp, (uint32_t)rank);
            mp_obj_list_append(tables, tbl);
            continue;
        }
        if (imp.kind != WASM_IMPORT_EXPORT_KIND_FUNC) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error,
                MP_ERROR_TEXT("unsupported import %s.%s (%s)"), imp.module_name, imp.name, kind);
        }
        bool is_wasi = strcmp(imp.module_name, MP_WASM_WASI_MODULE) == 0;
        *uses_wasi |= is_wasi;
        if (imp.linked) {
            continue;
        }
        if (is_wasi && mp_wasm_wasi_has(imp.name)) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("import %s.%s has the wrong type (%s)"),
                imp.module_name, imp.name, kind);
        }
        mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("missing import %s.%s (%s)"),
            imp.module_name, imp.name, kind);
    }
    mp_wasm_global_imports_link(self, imports);
}

// Creates the module instance with its context already set, and runs none
// of its code: the start function runs later, on the instance's own exec env.
static wasm_module_inst_t instantiate(mp_obj_wasm_instance_t *self, uint32_t stack, uint32_t heap,
    uint32_t max_pages, char *error_buf, uint32_t error_len) {
    struct InstantiationArgs2 *args;
    if (!wasm_runtime_instantiation_args_create(&args)) {
        strcpy(error_buf, "allocate memory failed");
        return NULL;
    }
    wasm_runtime_instantiation_args_set_default_stack_size(args, stack);
    wasm_runtime_instantiation_args_set_host_managed_heap_size(args, heap);
    wasm_runtime_instantiation_args_set_max_memory_pages(args, max_pages); // 0: the module's own maximum
    wasm_runtime_instantiation_args_set_custom_data(args, self);
    wasm_runtime_instantiation_args_set_defer_start(args, true);
    wasm_module_inst_t inst = wasm_runtime_instantiate_ex2(self->mref->module, args, error_buf, error_len);
    wasm_runtime_instantiation_args_destroy(args);
    return inst;
}

// The start function, then what WAMR calls by convention after instantiating
// (__post_instantiate, __wasm_call_ctors, when exported as () -> ()), in
// WAMR's order. They run like any call: Ctrl-C stops them, a trap raises
// wasm.Trap, a Python exception comes back unchanged.
static void run_start(mp_obj_wasm_instance_t *self) {
    wasm_function_inst_t start = wasm_runtime_get_start_function(self->inst);
    if (start == NULL && wasm_runtime_get_exception(self->inst) != NULL) {
        mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted (start function)"));
    }
    if (start != NULL) {
        mp_wasm_instance_call_func(self, start, "start", 0, NULL, self->timeout_ms);
    }
    static const char *const hooks[] = { "__post_instantiate", "__wasm_call_ctors" };
    for (size_t i = 0; i < MP_ARRAY_SIZE(hooks); i++) {
        wasm_function_inst_t f = wasm_runtime_lookup_function(self->inst, hooks[i]);
        if (f != NULL && wasm_func_get_param_count(f, self->inst) == 0
            && wasm_func_get_result_count(f, self->inst) == 0) {
            mp_wasm_instance_call_func(self, f, hooks[i], 0, NULL, self->timeout_ms);
        }
    }
}

mp_obj_t mp_wasm_instance_new(mp_obj_t module, mp_obj_t imports, mp_obj_t wasi,
    mp_int_t stack, mp_int_t heap, const mp_wasm_limits_t *limits) {
    mp_int_t max_pages = limits->max_pages;
    if (stack < 1024 || stack > 1024 * 1024) {
        mp_raise_ValueError(MP_ERROR_TEXT("stack must be between 1024 and 1048576 bytes"));
    }
    if (heap < 0 || heap > 16 * 1024 * 1024) {
        mp_raise_ValueError(MP_ERROR_TEXT("heap must be between 0 and 16777216 bytes"));
    }
    if (max_pages < 0 || max_pages > 65536) {
        mp_raise_ValueError(MP_ERROR_TEXT("max_pages must be between 0 (no cap) and 65536"));
    }
    if (imports != mp_const_none && !mp_obj_is_dict_or_ordereddict(imports)) {
        mp_raise_TypeError(MP_ERROR_TEXT("imports must be a dict"));
    }
    if (wasi != mp_const_none && !mp_obj_is_type(wasi, &mp_type_wasm_wasi)) {
        mp_raise_TypeError(MP_ERROR_TEXT("wasi must be a wasm.WASI"));
    }
    uint32_t timeout_ms = mp_wasm_timeout_from_obj(limits->timeout_ms);

    mp_obj_wasm_instance_t *self = mp_obj_malloc_with_finaliser(mp_obj_wasm_instance_t, &mp_type_wasm_instance);
    self->module_obj = module;
    self->mref = NULL;
    self->inst = NULL;
    self->exec_env = NULL;
    self->import_fns = NULL;
    self->global_links = NULL;
    self->n_global_links = 0;
    self->n_mutable_links = 0;
    self->try_trampoline = NULL;
    self->wasi = wasi;
    self->exports = MP_OBJ_NULL;
    self->memory = MP_OBJ_NULL;
    self->memory_next = NULL;
    self->imported_tables = MP_OBJ_NULL;
    self->externrefs = NULL;
    self->n_externrefs = self->externrefs_used = self->externref_next = 0;
    self->funcrefs = MP_OBJ_NULL;
    self->pending_exc = MP_OBJ_NULL;
    self->wasi_ctx = NULL;
    self->exit_code = 0;
    self->timeout_ms = timeout_ms;
    self->running = 0;
    self->exited = false;
    self->grow_failure = MP_WASM_GROW_OK;
    self->deferred_exc = MP_OBJ_NULL;
    #if MICROPY_WASM_LVGL
    self->lvgl = NULL;
    self->lvgl_generation = 0;
    #endif
    // Taken once the object exists: a MemoryError allocating it kept the
    // module's reference (and its pool memory) until soft reset.
    self->mref = mp_wasm_module_ref_get(module);

    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        int fuel = mp_wasm_fuel_from_obj(self->mref, limits->fuel);
        mp_wasm_max_pages_check(self->mref, max_pages);
        bool uses_wasi;
        mp_obj_t memory = MP_OBJ_NULL;
        uint32_t cap = (uint32_t)max_pages;
        mp_obj_t tables = mp_obj_new_list(0, NULL);
        link_imports(self, imports, &uses_wasi, &memory, &cap, tables);
        size_t n_tables;
        mp_obj_t *table_objs;
        mp_obj_list_get(tables, &n_tables, &table_objs);
        max_pages = cap;
        if (memory != MP_OBJ_NULL) {
            // WAMR would add an app heap's page to the host's memory.
            heap = 0;
        }
        if (uses_wasi && self->wasi == mp_const_none) {
            // A WASI guest without explicit configuration gets the console.
            self->wasi = mp_wasm_wasi_default();
        }
        if (self->wasi != mp_const_none) {
            self->wasi_ctx = mp_wasm_wasi_ctx_new(self->wasi);
        }
        char error_buf[128];
        error_buf[0] = '\0';
        // Imported tables get the wasm.Table's size, and an imported memory
        // starts at the wasm.Memory's size or is another instance's (the
        // module is shared by its instances: both are restored before
        // anything can raise, so nothing may allocate from here on).
        uint32_t *table_sizes = n_tables ? m_new(uint32_t, n_tables) : NULL;
        uint32_t module_init = memory == MP_OBJ_NULL ? 0
            : mp_wasm_memory_import_prepare(memory, self->mref->module);
        for (size_t i = 0; i < n_tables; i++) {
            table_sizes[i] = UINT32_MAX;
            mp_wasm_table_import_swap(table_objs[i], self->mref, (uint32_t)i, &table_sizes[i]);
        }
        self->inst = instantiate(self, (uint32_t)stack, (uint32_t)heap, (uint32_t)max_pages,
            error_buf, sizeof(error_buf));
        if (self->inst == NULL) {
            // Unreachable instances may still hold pool memory.
            gc_collect();
            self->inst = instantiate(self, (uint32_t)stack, (uint32_t)heap, (uint32_t)max_pages,
                error_buf, sizeof(error_buf));
        }
        if (memory != MP_OBJ_NULL) {
            mp_wasm_module_memory_set_init(self->mref->module, module_init);
            mp_wasm_memory_share_next(NULL);
        }
        for (size_t i = 0; i < n_tables; i++) {
            mp_wasm_table_import_swap(table_objs[i], self->mref, (uint32_t)i, &table_sizes[i]);
        }
        if (self->inst == NULL && (strstr(error_buf, "allocate memory failed") != NULL
                                   || strstr(error_buf, "allocate linear memory failed") != NULL)) {
            // Mostly the initial linear memory: say how much room there is.
            mp_raise_msg_varg(&mp_type_MemoryError,
                MP_ERROR_TEXT("WAMR pool too small to instantiate the module (largest free block %u bytes)"),
                (unsigned)mp_wasm_memory_largest_free());
        }
        if (self->inst == NULL) {
            mp_wasm_raise_fmt(&mp_type_wasm_link_error, MP_ERROR_TEXT("instantiation failed: %s"),
                mp_wasm_strip_wamr_prefix(error_buf));
        }
        mp_wasm_global_imports_bind(self);
        if (memory != MP_OBJ_NULL) {
            mp_wasm_memory_import_bind(memory, self);
        }
        for (size_t i = 0; i < n_tables; i++) {
            mp_wasm_table_import_bind(table_objs[i], MP_OBJ_FROM_PTR(self), (uint32_t)i);
        }
        self->imported_tables = n_tables ? tables : MP_OBJ_NULL;
        self->try_trampoline = mp_wasm_try_trampoline(self->inst);
        self->exec_env = wasm_runtime_create_exec_env(self->inst, (uint32_t)stack);
        if (self->exec_env == NULL) {
            gc_collect();
            self->exec_env = wasm_runtime_create_exec_env(self->inst, (uint32_t)stack);
        }
        if (self->exec_env == NULL) {
            mp_raise_msg(&mp_type_MemoryError, MP_ERROR_TEXT("WAMR pool exhausted (exec env)"));
        }
        mp_wasm_exec_env_set_fuel(self->exec_env, fuel); // the start function too
        run_start(self);
        nlr_pop();
    } else {
        if (self->memory != MP_OBJ_NULL && self->memory != mp_const_none) {
            mp_wasm_memory_import_unbind(self->memory, self);
        }
        if (self->imported_tables != MP_OBJ_NULL) {
            size_t n;
            mp_obj_t *items;
            mp_obj_list_get(self->imported_tables, &n, &items);
            for (size_t i = 0; i < n; i++) {
                mp_wasm_table_import_unbind(items[i], MP_OBJ_FROM_PTR(self));
            }
        }
        mp_wasm_instance_close(MP_OBJ_FROM_PTR(self));
        nlr_jump(nlr.ret_val);
    }
    return MP_OBJ_FROM_PTR(self);
}

static mp_obj_t wasm_instance_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *all_args) {
    enum { ARG_module, ARG_imports, ARG_stack, ARG_heap, ARG_wasi, ARG_max_pages, ARG_fuel, ARG_timeout_ms };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_module, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_imports, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_stack, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 16384} },
        { MP_QSTR_heap, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 16384} },
        { MP_QSTR_wasi, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_max_pages, MP_ARG_KW_ONLY | MP_ARG_INT, {.u_int = 0} },
        { MP_QSTR_fuel, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_timeout_ms, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all_kw_array(n_args, n_kw, all_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    const mp_wasm_limits_t limits = {
        .max_pages = args[ARG_max_pages].u_int,
        .fuel = args[ARG_fuel].u_obj,
        .timeout_ms = args[ARG_timeout_ms].u_obj,
    };
    return mp_wasm_instance_new(args[ARG_module].u_obj, args[ARG_imports].u_obj,
        args[ARG_wasi].u_obj, args[ARG_stack].u_int, args[ARG_heap].u_int, &limits);
}

void mp_wasm_instance_set_host_exception(mp_obj_wasm_instance_t *self, mp_obj_t exc) {
    if (self->pending_exc == MP_OBJ_NULL) {
        self->pending_exc = exc;
    }
    wasm_runtime_set_exception(self->inst, MP_WASM_EXC_HOST_ERROR);
}

// WAMR's hook when memory.grow fails, from the guest or from Memory.grow:
// only records why (no Python objects: it runs inside WAMR).
void mp_wasm_memory_grow_failed(uint32_t inc_pages, uint64_t cur_size, uint32_t mem_index,
    enlarge_memory_error_reason_t reason, wasm_module_inst_t inst, wasm_exec_env_t exec_env,
    void *user_data) {
    (void)mem_index;
    (void)exec_env;
    (void)user_data;
    mp_obj_wasm_instance_t *self = wasm_runtime_get_custom_data(inst);
    if (self == NULL) {
        return;
    }
    self->grow_failure = reason == MAX_SIZE_REACHED ? MP_WASM_GROW_CAP : MP_WASM_GROW_POOL;
    self->grow_failed_pages = (uint32_t)(cur_size / 65536u) + inc_pages;
    self->grow_failed_largest = reason == MAX_SIZE_REACHED ? 0 : (uint32_t)mp_wasm_memory_largest_free();
}

mp_obj_t mp_wasm_instance_memory_error(mp_obj_wasm_instance_t *self) {
    if (self->grow_failure == MP_WASM_GROW_OK) {
        return mp_const_none;
    }
    wasm_memory_inst_t mem = wasm_runtime_get_default_memory(self->inst);
    unsigned max_pages = mem != NULL ? (unsigned)wasm_memory_get_max_page_count(mem) : 0;
    vstr_t msg;
    vstr_init(&msg, 96);
    if (self->grow_failure == MP_WASM_GROW_CAP) {
        vstr_printf(&msg, "memory.grow to %u pages refused: the maximum is %u pages",
            (unsigned)self->grow_failed_pages, max_pages);
    } else {
        vstr_printf(&msg, "memory.grow to %u pages (%u KB) failed: out of memory (largest free block "
            "for linear memory: %u bytes)", (unsigned)self->grow_failed_pages,
            (unsigned)self->grow_failed_pages * 64u, (unsigned)self->grow_failed_largest);
    }
    return mp_obj_new_str_from_vstr(&msg);
}

// Turns the guest's pending exception into the matching Python exception.
static NORETURN void raise_guest_exception(mp_obj_wasm_instance_t *self) {
    const char *msg = wasm_runtime_get_exception(self->inst);
    if (msg == NULL) {
        msg = "unknown error";
    }
    if (strncmp(msg, EXCEPTION_PREFIX, strlen(EXCEPTION_PREFIX)) == 0) {
        msg += strlen(EXCEPTION_PREFIX);
    }
    mp_obj_t pending = self->pending_exc;
    self->pending_exc = MP_OBJ_NULL;
    if (pending != MP_OBJ_NULL) {
        wasm_runtime_clear_exception(self->inst);
        nlr_raise(pending);
    }
    if (self->exited && strcmp(msg, MP_WASM_EXC_PROC_EXIT) == 0) {
        wasm_runtime_clear_exception(self->inst);
        mp_obj_t code = MP_OBJ_NEW_SMALL_INT(self->exit_code);
        nlr_raise(mp_obj_new_exception_args(&mp_type_wasm_exit, 1, &code));
    }
    if (strcmp(msg, "instruction limit exceeded") == 0) {
        msg = "out of fuel"; // WAMR's words for metering (Instance(fuel=...))
    }
    mp_obj_t text = mp_obj_new_str(msg, strlen(msg));
    wasm_runtime_clear_exception(self->inst);
    nlr_raise(mp_obj_new_exception_args(&mp_type_wasm_trap, 1, &text));
}

// The exec env of the guest running now (innermost), for Ctrl-C.
static volatile wasm_exec_env_t running_exec_env;
static volatile bool interrupt_pending;

bool mp_wasm_stop_running_guest(void) {
    wasm_exec_env_t exec_env = running_exec_env;
    if (exec_env == NULL) {
        return false;
    }
    mp_wasm_exec_env_request_stop(exec_env);
    return true;
}

bool mp_wasm_request_interrupt(void) {
    if (running_exec_env == NULL) {
        return false;
    }
    interrupt_pending = true;
    return mp_wasm_stop_running_guest();
}

static void set_running(wasm_exec_env_t exec_env) {
    mp_wasm_port_interrupt_lock();
    running_exec_env = exec_env;
    mp_wasm_port_interrupt_unlock();
}

// Nothing raises between entering and leaving: every native WAMR calls runs
// under nlr_push (wasm_native_call.c), so this bookkeeping always unwinds.
// `self` is live across the call, so the GC (which scans the C stack) never
// finalises a running instance; `running` makes close() refuse. `cells` is
// WAMR's argument array (results come back in it).
static bool call_guest(mp_obj_wasm_instance_t *self, wasm_function_inst_t func,
    uint32_t n_cells, uint32_t *cells) {
    wasm_exec_env_t outer = running_exec_env;
    set_running(self->exec_env);
    if (outer == NULL) {
        mp_wasm_port_guest_enter();
    }
    self->running++;
    mp_wasm_shared_enter(self);
    bool ok = mp_wasm_call_cells(self->exec_env, func, n_cells, cells);
    mp_wasm_shared_leave(self);
    self->running--;
    set_running(outer);
    if (outer == NULL) {
        mp_wasm_port_guest_exit();
    }
    return ok;
}

void mp_wasm_sig_read(mp_wasm_sig_t *sig, mp_obj_wasm_instance_t *self, wasm_function_inst_t func,
    const char *name) {
    uint32_t n_params = wasm_func_get_param_count(func, self->inst);
    uint32_t n_results = wasm_func_get_result_count(func, self->inst);
    if (n_params > MP_WASM_MAX_CALL_VALUES || n_results > MP_WASM_MAX_CALL_VALUES) {
        mp_raise_msg_varg(&mp_type_NotImplementedError,
            MP_ERROR_TEXT("%s() has more than %d parameters or results"), name, MP_WASM_MAX_CALL_VALUES);
    }
    wasm_valkind_t kinds[MP_WASM_MAX_CALL_VALUES];
    sig->n_params = (uint8_t)n_params;
    sig->n_results = (uint8_t)n_results;
    sig->n_externref_params = 0;
    wasm_func_get_param_types(func, self->inst, kinds);
    for (uint32_t i = 0; i < n_params; i++) {
        sig->kinds[i] = (uint8_t)kinds[i];
        sig->n_externref_params += kinds[i] == WASM_EXTERNREF;
    }
    wasm_func_get_result_types(func, self->inst, kinds);
    for (uint32_t i = 0; i < n_results; i++) {
        sig->kinds[n_params + i] = (uint8_t)kinds[i];
    }
}

// Converts argument `i` into WAMR's 32-bit cells; returns the cells used.
static size_t put_arg(mp_obj_wasm_instance_t *self, uint32_t *cell, wasm_valkind_t kind, mp_obj_t obj,
    const char *name, size_t i) {
    if (kind == WASM_I32 && mp_obj_is_small_int(obj)) {
        // The common case, without a wasm_val_t: every small int fits on
        // 32-bit ports; 64-bit ones need the range check.
        mp_int_t v = MP_OBJ_SMALL_INT_VALUE(obj);
        if (sizeof(mp_int_t) <= 4 || ((int64_t)v >= INT32_MIN && (int64_t)v <= (int64_t)UINT32_MAX)) {
            cell[0] = (uint32_t)v;
            return 1;
        }
    }
    if (kind == WASM_FUNCREF || kind == WASM_EXTERNREF) {
        cell[0] = mp_wasm_ref_from_obj(self, kind, obj, name, i);
        return 1;
    }
    wasm_val_t v;
    mp_wasm_value_from_obj(&v, kind, obj, name, i);
    if (kind == WASM_I64 || kind == WASM_F64) {
        memcpy(cell, &v.of, 8);
        return 2;
    }
    memcpy(cell, &v.of, 4);
    return 1;
}

static mp_obj_t get_result(mp_obj_wasm_instance_t *self, const uint32_t *cell, wasm_valkind_t kind,
    size_t *used) {
    if (kind == WASM_I32) {
        *used = 1;
        return mp_obj_new_int((int32_t)cell[0]);
    }
    if (kind == WASM_FUNCREF || kind == WASM_EXTERNREF) {
        *used = 1;
        return mp_wasm_ref_to_obj(self, kind, cell[0]);
    }
    wasm_val_t v;
    v.kind = kind;
    *used = (kind == WASM_I64 || kind == WASM_F64) ? 2 : 1;
    memcpy(&v.of, cell, *used * 4);
    return mp_wasm_value_to_obj(&v);
}

// A deadline passed during the call (callers let a host function's
// exception that stopped the guest come first).
static NORETURN void raise_time_limit(mp_obj_wasm_instance_t *self, uint32_t ms) {
    wasm_runtime_clear_exception(self->inst);
    mp_raise_msg_varg(&mp_type_wasm_trap, MP_ERROR_TEXT("time limit of %u ms exceeded"), (unsigned)ms);
}

// What a call left behind: Ctrl-C, a time limit, a trap, a host exception,
// proc_exit.
static void check_call(mp_obj_wasm_instance_t *self, bool ok, uint32_t timed_out_ms) {
    // WAMR also raises the stop flag itself when an exception spreads
    // through the exec env's cluster: always clear it for the next call.
    mp_wasm_exec_env_take_stop(self->exec_env);
    if (interrupt_pending) {
        // Ctrl-C stopped the guest: WAMR left no exception, only the flag.
        interrupt_pending = false;
        wasm_runtime_clear_exception(self->inst);
        self->pending_exc = MP_OBJ_NULL;
        mp_handle_pending(true);
        mp_raise_type(&mp_type_KeyboardInterrupt);
    }
    // WAMR returns from a stopped call as from a finished one.
    if (timed_out_ms != 0 && self->pending_exc == MP_OBJ_NULL) {
        raise_time_limit(self, timed_out_ms);
    }
    if (!ok) {
        raise_guest_exception(self);
    }
}

// One call from Python, under its deadline.
static void call_checked(mp_obj_wasm_instance_t *self, wasm_function_inst_t func, uint32_t n_cells,
    uint32_t *cells, uint32_t timeout_ms) {
    self->pending_exc = MP_OBJ_NULL;
    self->exited = false;
    mp_wasm_deadline_t deadline;
    mp_wasm_deadline_enter(&deadline, timeout_ms, self->exec_env);
    bool ok = call_guest(self, func, n_cells, cells);
    check_call(self, ok, mp_wasm_deadline_exit(&deadline));
}

mp_obj_t mp_wasm_instance_call_sig(mp_obj_wasm_instance_t *self, wasm_function_inst_t func,
    const mp_wasm_sig_t *sig, const char *name, size_t n_args, const mp_obj_t *args,
    uint32_t timeout_ms) {
    if (self->deferred_exc != MP_OBJ_NULL) {
        // A callback of this guest failed while the guest was not running.
        mp_obj_t exc = self->deferred_exc;
        self->deferred_exc = MP_OBJ_NULL;
        nlr_raise(exc);
    }
    if (n_args != sig->n_params) {
        mp_raise_msg_varg(&mp_type_TypeError,
            MP_ERROR_TEXT("%s() takes %d arguments but %d were given"),
            name, (int)sig->n_params, (int)n_args);
    }
    if (sig->n_externref_params != 0) {
        mp_wasm_externrefs_reserve(self, sig->n_externref_params);
    }
    // Arguments in, results back: two cells for each i64/f64, one otherwise.
    uint32_t cells[2 * MP_WASM_MAX_CALL_VALUES];
    size_t n_cells = 0;
    for (size_t i = 0; i < n_args; i++) {
        n_cells += put_arg(self, &cells[n_cells], sig->kinds[i], args[i], name, i);
    }
    call_checked(self, func, (uint32_t)n_cells, cells, timeout_ms);
    if (sig->n_results == 0) {
        return mp_const_none;
    }
    const uint8_t *kinds = sig->kinds + sig->n_params;
    size_t used;
    if (sig->n_results == 1) {
        return get_result(self, cells, kinds[0], &used);
    }
    mp_obj_t items[MP_WASM_MAX_CALL_VALUES];
    size_t cell = 0;
    for (size_t i = 0; i < sig->n_results; i++) {
        items[i] = get_result(self, &cells[cell], kinds[i], &used);
        cell += used;
    }
    return mp_obj_new_tuple(sig->n_results, items);
}

mp_obj_t mp_wasm_instance_call_func(mp_obj_wasm_instance_t *self, wasm_function_inst_t func,
    const char *name, size_t n_args, const mp_obj_t *args, uint32_t timeout_ms) {
    mp_wasm_sig_t sig;
    mp_wasm_sig_read(&sig, self, func, name);
    return mp_wasm_instance_call_sig(self, func, &sig, name, n_args, args, timeout_ms);
}

// The exception a failed guest call ended with, as check_call() would
// raise it (creating it may itself raise MemoryError: caught).
static mp_obj_t guest_exception(mp_obj_wasm_instance_t *self, uint32_t timed_out_ms) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        if (timed_out_ms != 0 && self->pending_exc == MP_OBJ_NULL) {
            raise_time_limit(self, timed_out_ms);
        }
        raise_guest_exception(self);
    }
    return MP_OBJ_FROM_PTR(nlr.ret_val);
}

// Ctrl-C stopped a callback: MicroPython's own pending KeyboardInterrupt
// (raised by mp_handle_pending), or a new one.
static mp_obj_t interrupt_exception(void) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_handle_pending(true);
        mp_obj_t exc = mp_obj_new_exception(&mp_type_KeyboardInterrupt);
        nlr_pop();
        return exc;
    }
    return MP_OBJ_FROM_PTR(nlr.ret_val);
}

mp_obj_t mp_wasm_instance_callback(mp_obj_wasm_instance_t *self, wasm_function_inst_t func,
    uint32_t n_args, wasm_val_t *args, uint32_t n_results, wasm_val_t *results) {
    // A guest called back while it runs keeps the state of its outer call.
    mp_obj_t outer_pending = self->pending_exc;
    bool outer_exited = self->exited;
    self->pending_exc = MP_OBJ_NULL;
    self->exited = false;
    // Numbers only (the callers' callbacks): two cells for i64/f64.
    uint32_t cells[2 * MP_WASM_MAX_CALL_VALUES];
    uint32_t n_cells = 0;
    for (uint32_t i = 0; i < n_args && i < MP_WASM_MAX_CALL_VALUES; i++) {
        size_t size = args[i].kind == WASM_I64 || args[i].kind == WASM_F64 ? 8 : 4;
        memcpy(&cells[n_cells], &args[i].of, size);
        n_cells += (uint32_t)(size / 4);
    }
    mp_wasm_deadline_t deadline;
    mp_wasm_deadline_enter(&deadline, self->timeout_ms, self->exec_env);
    bool ok = call_guest(self, func, n_cells, cells);
    for (uint32_t i = 0, cell = 0; ok && i < n_results && i < MP_WASM_MAX_CALL_VALUES; i++) {
        size_t size = results[i].kind == WASM_I64 || results[i].kind == WASM_F64 ? 8 : 4;
        memcpy(&results[i].of, &cells[cell], size);
        cell += (uint32_t)(size / 4);
    }
    uint32_t timed_out_ms = mp_wasm_deadline_exit(&deadline);
    mp_obj_t exc = MP_OBJ_NULL;
    if (self->running == 0 && running_exec_env == NULL) {
        // Outermost, as mp_wasm_instance_call_func() does; nested, the
        // outer call sees the stop request.
        mp_wasm_exec_env_take_stop(self->exec_env);
        if (interrupt_pending) {
            interrupt_pending = false;
            wasm_runtime_clear_exception(self->inst);
            self->pending_exc = MP_OBJ_NULL;
            ok = true;
            exc = interrupt_exception();
        }
    }
    if (!ok || timed_out_ms != 0) {
        exc = guest_exception(self, timed_out_ms);
    }
    self->pending_exc = outer_pending;
    self->exited = outer_exited;
    return exc;
}

// call(name, *args, timeout_ms=<the instance's>)
static mp_obj_t wasm_instance_call(size_t n_args, const mp_obj_t *args, mp_map_t *kw_args) {
    mp_obj_wasm_instance_t *self = mp_wasm_instance_open(args[0]);
    uint32_t timeout_ms = self->timeout_ms;
    for (size_t i = 0; i < kw_args->alloc; i++) {
        if (!mp_map_slot_is_filled(kw_args, i)) {
            continue;
        }
        if (kw_args->table[i].key != MP_OBJ_NEW_QSTR(MP_QSTR_timeout_ms)) {
            mp_raise_TypeError(MP_ERROR_TEXT("call() takes only the keyword argument timeout_ms"));
        }
        timeout_ms = mp_wasm_timeout_from_obj(kw_args->table[i].value);
    }
    const char *name = mp_wasm_name_from_str(args[1]);
    wasm_function_inst_t func = wasm_runtime_lookup_function(self->inst, name);
    if (func == NULL) {
        mp_raise_msg_varg(&mp_type_AttributeError, MP_ERROR_TEXT("no exported function '%s'"), name);
    }
    return mp_wasm_instance_call_func(self, func, name, n_args - 2, args + 2, timeout_ms);
}
static MP_DEFINE_CONST_FUN_OBJ_KW(wasm_instance_call_obj, 2, wasm_instance_call);

// run() -> exit code of the WASI command's _start.
mp_obj_t mp_wasm_instance_run(mp_obj_t self_in) {
    mp_obj_wasm_instance_t *self = mp_wasm_instance_open(self_in);
    wasm_function_inst_t start = wasm_runtime_lookup_function(self->inst, "_start");
    if (start == NULL) {
        mp_raise_msg(&mp_type_wasm_link_error, MP_ERROR_TEXT("module has no _start function (not a WASI command)"));
    }
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_wasm_instance_call_func(self, start, "_start", 0, NULL, self->timeout_ms);
        nlr_pop();
        return MP_OBJ_NEW_SMALL_INT(0);
    } else {
        mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
        if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_wasm_exit))) {
            return MP_OBJ_NEW_SMALL_INT(self->exit_code);
        }
        nlr_jump(nlr.ret_val);
    }
}
static MP_DEFINE_CONST_FUN_OBJ_1(wasm_instance_run_obj, mp_wasm_instance_run);

// Frees everything the instance holds in WAMR (never while it runs).
static void release(mp_obj_wasm_instance_t *self, bool retarget_memory) {
    if (self->mref == NULL) {
        return;
    }
    #if MICROPY_WASM_LVGL
    // First: deleting its objects must not call back into the guest.
    mp_wasm_lvgl_release(self);
    #endif
    mp_wasm_memory_leave_group(self, retarget_memory);
    // Detached before anything is freed: closing the guest's files runs
    // Python (a user VFS), which must find a closed instance, not freed
    // WAMR memory, and cannot release it a second time.
    wasm_exec_env_t exec_env = self->exec_env;
    wasm_module_inst_t inst = self->inst;
    struct _mp_wasm_wasi_ctx_t *wasi_ctx = self->wasi_ctx;
    mp_wasm_module_ref_t *mref = self->mref;
    self->exec_env = NULL;
    self->inst = NULL;
    self->wasi_ctx = NULL;
    self->mref = NULL;
    self->import_fns = NULL;
    self->global_links = NULL;
    self->n_global_links = 0;
    self->n_mutable_links = 0;
    self->try_trampoline = NULL;
    self->deferred_exc = MP_OBJ_NULL;
    mp_wasm_externrefs_release(self);
    if (mp_wasm_runtime_active()) {
        if (exec_env != NULL) {
            wasm_runtime_destroy_exec_env(exec_env);
        }
        if (inst != NULL) {
            wasm_runtime_deinstantiate(inst);
        }
        mp_wasm_module_ref_release(mref);
        if (wasi_ctx != NULL) {
            mp_wasm_wasi_ctx_free(wasi_ctx);
        }
    }
}

// close() while the guest is on the stack (from a host function it called,
// however deeply nested) would free its memory and exec env under it.
mp_obj_t mp_wasm_instance_close(mp_obj_t self_in) {
    mp_obj_wasm_instance_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->running) {
        mp_raise_msg(&mp_type_RuntimeError, MP_ERROR_TEXT("instance is running"));
    }
    if (self->inst != NULL && self->exports != MP_OBJ_NULL) {
        // Its exported globals outlive it (a finaliser never needs this:
        // a reachable Global keeps its instance reachable).
        mp_wasm_exports_closing(self->exports);
    }
    release(self, true);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(wasm_instance_close_obj, mp_wasm_instance_close);

// The finaliser: a running instance is reachable from the C stack, so this
// never meets one; should it, leaking beats freeing under the guest.
static mp_obj_t wasm_instance_del(mp_obj_t self_in) {
    mp_obj_wasm_instance_t *self = MP_OBJ_TO_PTR(self_in);
    if (!self->running) {
        release(self, false);
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(wasm_instance_del_obj, wasm_instance_del);

static mp_obj_t wasm_instance___exit__(size_t n_args, const mp_obj_t *args) {
    (void)n_args;
    return mp_wasm_instance_close(args[0]);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(wasm_instance___exit___obj, 4, 4, wasm_instance___exit__);

mp_obj_t mp_wasm_instance_memory(mp_obj_wasm_instance_t *self) {
    if (self->memory == MP_OBJ_NULL) {
        self->memory = mp_wasm_memory_new(self);
    }
    return self->memory;
}

mp_obj_t mp_wasm_instance_exports(mp_obj_wasm_instance_t *self) {
    if (self->exports == MP_OBJ_NULL) {
        self->exports = mp_wasm_exports_new(MP_OBJ_FROM_PTR(self));
    }
    return self->exports;
}

static void wasm_instance_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    mp_obj_wasm_instance_t *self = MP_OBJ_TO_PTR(self_in);
    if (dest[0] == MP_OBJ_NULL) {
        if (attr == MP_QSTR_exports) {
            dest[0] = mp_wasm_instance_exports(mp_wasm_instance_open(self_in));
            return;
        }
        if (attr == MP_QSTR_memory) {
            dest[0] = mp_wasm_instance_memory(mp_wasm_instance_open(self_in));
            return;
        }
        if (attr == MP_QSTR_module) {
            dest[0] = self->module_obj;
            return;
        }
        if (attr == MP_QSTR_closed) {
            dest[0] = mp_obj_new_bool(self->inst == NULL);
            return;
        }
        if (attr == MP_QSTR_memory_error) {
            dest[0] = mp_wasm_instance_memory_error(mp_wasm_instance_open(self_in));
            return;
        }
        if (attr == MP_QSTR_fuel) {
            dest[0] = mp_wasm_fuel_get(mp_wasm_instance_open(self_in));
            return;
        }
        if (attr == MP_QSTR_timeout_ms) {
            dest[0] = self->timeout_ms ? mp_obj_new_int_from_uint(self->timeout_ms) : mp_const_none;
            return;
        }
    } else if (dest[1] != MP_OBJ_NULL) {
        if (attr == MP_QSTR_fuel) {
            mp_wasm_fuel_set(mp_wasm_instance_open(self_in), dest[1]);
            dest[0] = MP_OBJ_NULL;
            return;
        }
        if (attr == MP_QSTR_timeout_ms) {
            self->timeout_ms = mp_wasm_timeout_from_obj(dest[1]);
            dest[0] = MP_OBJ_NULL;
            return;
        }
        return; // other attributes are read-only
    }
    dest[1] = MP_OBJ_SENTINEL;
}

static const mp_rom_map_elem_t wasm_instance_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_call), MP_ROM_PTR(&wasm_instance_call_obj) },
    { MP_ROM_QSTR(MP_QSTR_run), MP_ROM_PTR(&wasm_instance_run_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&wasm_instance_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&wasm_instance_del_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&wasm_instance___exit___obj) },
};
static MP_DEFINE_CONST_DICT(wasm_instance_locals, wasm_instance_locals_table);

MP_DEFINE_CONST_OBJ_TYPE(
    mp_type_wasm_instance, MP_QSTR_Instance, MP_TYPE_FLAG_NONE,
    make_new, wasm_instance_make_new,
    attr, wasm_instance_attr,
    locals_dict, &wasm_instance_locals
    );
