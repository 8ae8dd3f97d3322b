// Shared declarations of the `wasm` module: Python binding, runtime glue,
// WASI bridge and port hooks. Only WAMR's public API (wasm_export.h) is used.
#ifndef MICROPY_INCLUDED_WASM_MODWASM_H
#define MICROPY_INCLUDED_WASM_MODWASM_H

#include <stdarg.h>
#include "py/obj.h"
#include "wasm_export.h"

#ifndef MICROPY_WASM_LVGL
#define MICROPY_WASM_LVGL (0)
#endif

#ifndef MICROPY_WASM_POOL_SIZE
#define MICROPY_WASM_POOL_SIZE (256 * 1024)
#endif

// Exception text used to unwind a guest; the binding maps it back.
#define MP_WASM_EXC_PROC_EXIT "wasi proc exit"
#define MP_WASM_EXC_HOST_ERROR "host function raised an exception"
// A guest's wasm_try.throw unwinding to its wasm_try.call (the text is what a
// throw outside any call() traps with).
#define MP_WASM_EXC_GUEST_THROW "wasm_try.throw outside wasm_try.call"

// Exceptions (modwasm.c).
extern const mp_obj_type_t mp_type_wasm_error;
extern const mp_obj_type_t mp_type_wasm_load_error;
extern const mp_obj_type_t mp_type_wasm_link_error;
extern const mp_obj_type_t mp_type_wasm_trap;
extern const mp_obj_type_t mp_type_wasm_exit;

// Types.
extern const mp_obj_type_t mp_type_wasm_module;
extern const mp_obj_type_t mp_type_wasm_instance;
extern const mp_obj_type_t mp_type_wasm_exports;
extern const mp_obj_type_t mp_type_wasm_function;
extern const mp_obj_type_t mp_type_wasm_memory;
extern const mp_obj_type_t mp_type_wasm_global;
extern const mp_obj_type_t mp_type_wasm_table;
extern const mp_obj_type_t mp_type_wasm_wasi;

// The WAMR pool: MICROPY_WASM_POOL_SIZE bytes, 8-byte aligned, alive for
// the firmware's life; NULL (and *size 0) if the port could not reserve it.
// By default a static array in wasm_runtime_glue.c; a port that sets
// MICROPY_WASM_PORT_POOL places it itself (ESP32: wasm_pool_esp32.c).
#ifndef MICROPY_WASM_PORT_POOL
#define MICROPY_WASM_PORT_POOL (0)
#endif
uint8_t *mp_wasm_port_pool(size_t *size);

// Runtime lifetime and the WAMR pool (wasm_runtime_glue.c).
void mp_wasm_runtime_ensure(void);
void mp_wasm_runtime_deinit(void);
bool mp_wasm_runtime_active(void);
void mp_wasm_pool_info(size_t *total, size_t *free_bytes, size_t *largest_free);
// The largest block linear memory can get now: in the pool, or in the
// board's arena (MICROPY_WASM_MMAP_ARENA_SIZE).
size_t mp_wasm_memory_largest_free(void);
#ifndef MICROPY_WASM_MMAP_ARENA_SIZE
#define MICROPY_WASM_MMAP_ARENA_SIZE (0)
#endif
#if MICROPY_WASM_MMAP_ARENA_SIZE
// The bare-metal platform's arena for linear memory and AOT code (boards
// that set MICROPY_WASM_MMAP_ARENA_SIZE), measured as the pool is.
void *mp_wasm_arena_malloc(unsigned int size);
void mp_wasm_arena_free(void *ptr);
void mp_wasm_arena_info(size_t *total, size_t *free_bytes, size_t *largest_free);
#endif
void *mp_wasm_pool_malloc(size_t size);
int mp_wasm_vprintf(const char *fmt, va_list ap);

// Where the last AOT import lookup stopped (wasm_imports.c).
typedef struct _mp_wasm_import_cursor_t {
    uint32_t index;          // the entry at `pos`
    uint32_t pos;            // its offset in the imports section
    uint32_t funcs, globals; // function and global entries before it
} mp_wasm_import_cursor_t;

// A loaded module, allocated from the WAMR pool (not the GC heap) so that
// Module and Instance finalisers can run in any order during a sweep.
typedef struct _mp_wasm_module_ref_t {
    wasm_module_t module;
    uint8_t *binary;         // pool copy, kept only while WAMR needs it
    uint32_t binary_len;
    uint16_t refs;           // Module object + live instances
    bool is_aot;
    const uint8_t *aot_imports; // AOT imports section (wasm_imports.c), or NULL
    mp_wasm_import_cursor_t aot_cursor;
    uint32_t aot_import_funcs; // function entries in aot_imports
    struct _mp_wasm_host_links_t *host_links; // Python imports linked (wasm_host_imports.c)
} mp_wasm_module_ref_t;

typedef struct _mp_obj_wasm_module_t {
    mp_obj_base_t base;
    mp_wasm_module_ref_t *ref; // NULL once closed
} mp_obj_wasm_module_t;

mp_wasm_module_ref_t *mp_wasm_module_ref_get(mp_obj_t module_in);
void mp_wasm_module_ref_release(mp_wasm_module_ref_t *ref);
mp_obj_t mp_wasm_module_load_path(mp_obj_t path_in);
mp_obj_t mp_wasm_module_from_buffer(mp_obj_t data_in);
// WAMR's error text without its generic "... module load/instantiate failed: ".
const char *mp_wasm_strip_wamr_prefix(const char *msg);
mp_obj_t mp_wasm_module_from_xip(const uint8_t *blob, size_t len, const uint8_t *imports);

// XIP apps (wasm_xip.c).
MP_DECLARE_CONST_FUN_OBJ_0(mp_wasm_apps_obj);
extern const mp_rom_obj_static_class_method_t mp_wasm_module_xip_obj;

struct _mp_wasm_wasi_ctx_t;

typedef struct _mp_obj_wasm_instance_t {
    mp_obj_base_t base;
    mp_obj_t module_obj;
    mp_wasm_module_ref_t *mref;
    wasm_module_inst_t inst;     // NULL once closed
    wasm_exec_env_t exec_env;
    mp_obj_t *import_fns;        // callable per import index (Python imports), or NULL
    // Imported globals and the wasm.Global each is linked to (wasm_global.c):
    // the mutable ones first, copied in and out at every crossing.
    struct _mp_wasm_global_link_t *global_links;
    uint16_t n_global_links, n_mutable_links;
    wasm_function_inst_t try_trampoline; // for wasm_try.call (wasm_natives_try.c), or NULL
    mp_obj_t wasi;               // wasm.WASI or mp_const_none
    mp_obj_t exports;            // lazily created proxy
    mp_obj_t memory;             // lazily created wasm.Memory
    // The other instances sharing its memory: a ring through this field
    // (NULL: not shared). GC-traced, so a group is collected as a whole.
    struct _mp_obj_wasm_instance_t *memory_next;
    mp_obj_t imported_tables;    // list of the imported wasm.Table objects, or MP_OBJ_NULL
    // Reference values (wasm_ref_values.c): the objects behind the guest's
    // externref handles (a handle is a slot; MP_OBJ_NULL: free), and the
    // wasm.Function of each funcref returned so far (dict, or MP_OBJ_NULL).
    mp_obj_t *externrefs;
    uint32_t n_externrefs, externrefs_used, externref_next;
    mp_obj_t funcrefs;
    mp_obj_t pending_exc;        // exception raised by Python inside a host call
    struct _mp_wasm_wasi_ctx_t *wasi_ctx; // per-instance WASI state (GC heap)
    int32_t exit_code;
    uint32_t timeout_ms;         // default time limit of a call from Python (0: none)
    uint16_t running;            // guest calls of this instance on the C stack
    bool exited;
    // The last memory.grow that failed (guest or host), for memory_error.
    uint8_t grow_failure;        // MP_WASM_GROW_OK, _CAP or _POOL
    uint32_t grow_failed_pages;  // the size it asked for, in pages
    uint32_t grow_failed_largest; // largest free pool block then (bytes)
    // An exception a callback of the guest ended with while the guest itself
    // was not running (LVGL events from display.task_handler()): raised by
    // the next call into the instance.
    mp_obj_t deferred_exc;
    #if MICROPY_WASM_LVGL
    // The guest's LVGL objects and handles (micropython_modules/lvgl_bindings),
    // valid while the display's generation equals lvgl_generation.
    struct _lvb_state_t *lvgl;
    uint32_t lvgl_generation;
    #endif
} mp_obj_wasm_instance_t;

enum { MP_WASM_GROW_OK, MP_WASM_GROW_CAP, MP_WASM_GROW_POOL };

mp_obj_wasm_instance_t *mp_wasm_instance_open(mp_obj_t self_in);
// A function's value kinds, read once (wasm.Function keeps its own): calls
// then convert straight into WAMR's argument cells.
#define MP_WASM_MAX_CALL_VALUES 16
typedef struct _mp_wasm_sig_t {
    uint8_t n_params, n_results;
    uint8_t n_externref_params;  // each needs a handle per call
    uint8_t kinds[2 * MP_WASM_MAX_CALL_VALUES]; // wasm_valkind_t: parameters, then results
} mp_wasm_sig_t;
void mp_wasm_sig_read(mp_wasm_sig_t *sig, mp_obj_wasm_instance_t *self, wasm_function_inst_t func,
    const char *name);
// `timeout_ms` limits the call's wall-clock time (0: none; see wasm_limits.c).
mp_obj_t mp_wasm_instance_call_sig(mp_obj_wasm_instance_t *self, wasm_function_inst_t func,
    const mp_wasm_sig_t *sig, const char *name, size_t n_args, const mp_obj_t *args,
    uint32_t timeout_ms);
mp_obj_t mp_wasm_instance_call_func(mp_obj_wasm_instance_t *self, wasm_function_inst_t func,
    const char *name, size_t n_args, const mp_obj_t *args, uint32_t timeout_ms);
// Calls a guest function from C (callbacks), nested in a running guest or
// not, with the same bookkeeping as a call from Python. Never raises:
// returns MP_OBJ_NULL on success, else the exception the call ended with
// (wasm.Trap, KeyboardInterrupt, or what a host function raised).
mp_obj_t mp_wasm_instance_callback(mp_obj_wasm_instance_t *self, wasm_function_inst_t func,
    uint32_t n_args, wasm_val_t *args, uint32_t n_results, wasm_val_t *results);
// The function at `index` of the instance's function table (what a C
// function pointer is in a guest), or NULL (wamr_shim/wasm_table.c).
wasm_function_inst_t mp_wasm_table_function(wasm_module_inst_t inst, uint32_t index);
typedef struct _mp_wasm_limits_t {
    mp_int_t max_pages;          // 0: the module's own maximum
    mp_obj_t fuel;               // None: unmetered
    mp_obj_t timeout_ms;         // None: no time limit
} mp_wasm_limits_t;
mp_obj_t mp_wasm_instance_new(mp_obj_t module, mp_obj_t imports, mp_obj_t wasi,
    mp_int_t stack, mp_int_t heap, const mp_wasm_limits_t *limits);
// Why the last memory.grow failed (None if none did), and WAMR's hook for it.
mp_obj_t mp_wasm_instance_memory_error(mp_obj_wasm_instance_t *self);
void mp_wasm_memory_grow_failed(uint32_t inc_pages, uint64_t cur_size, uint32_t mem_index,
    enlarge_memory_error_reason_t reason, wasm_module_inst_t inst, wasm_exec_env_t exec_env,
    void *user_data);
mp_obj_t mp_wasm_instance_run(mp_obj_t self_in);
mp_obj_t mp_wasm_instance_close(mp_obj_t self_in);
mp_obj_t mp_wasm_memory_new(mp_obj_wasm_instance_t *inst);
// An imported memory (wasm_memory_obj.c): checks the wasm.Memory against
// the module's limits (LinkError) and lowers *cap (0: none) to its maximum
// (a memory that is already an instance's is then shared). Before
// instantiation, `prepare` sets the module's initial size of it (returns
// the old one, to restore after); after, `bind` grows the instance's memory
// to the object's size (or joins the sharing instances) and makes the
// object its view.
void mp_wasm_memory_import_check(mp_obj_t mem, const wasm_import_t *imp, uint32_t init,
    uint32_t max, bool has_max, uint32_t *cap);
uint32_t mp_wasm_memory_import_prepare(mp_obj_t mem, wasm_module_t module);
void mp_wasm_memory_import_bind(mp_obj_t mem, mp_obj_wasm_instance_t *inst);
// The instance failed to start: the wasm.Memory it imported is free again
// (without the data the failed start wrote).
void mp_wasm_memory_import_unbind(mp_obj_t mem, mp_obj_wasm_instance_t *inst);
// The instance is closing: it leaves the instances sharing its memory
// (`retarget`: the wasm.Memory views another of them from now on; only
// where the instance is reachable, i.e. never from its finaliser).
void mp_wasm_memory_leave_group(mp_obj_wasm_instance_t *inst, bool retarget);
// wamr_shim/wasm_memory_share.c
void mp_wasm_memory_share_init(void);
void mp_wasm_memory_share_next(wasm_module_inst_t source);
bool mp_wasm_memory_share_adopted(wasm_module_inst_t inst);
bool mp_wasm_memory_share_has_heap(wasm_module_inst_t inst);
void mp_wasm_memory_share_copy(wasm_module_inst_t dst, wasm_module_inst_t src);
void mp_wasm_memory_share_hand_over(wasm_module_inst_t from, wasm_module_inst_t to);
mp_obj_t mp_wasm_exports_new(mp_obj_t instance);
// A wasm.Table viewing table `index` of the instance (wasm_table_obj.c), and
// the index of the table exported as `name` or -1 (wamr_shim/wasm_refs.c).
mp_obj_t mp_wasm_table_new(mp_obj_t instance, uint32_t index);
// Imported tables (wasm_table_obj.c): checks a wasm.Table against the
// module's table import number `rank` (LinkError); sets the module's size
// of it to the object's around instantiation (call with *saved =
// UINT32_MAX to swap in, then again to swap back); binds (capping the
// table at the object's maximum) and unbinds.
void mp_wasm_table_import_check(mp_obj_t tbl, mp_wasm_module_ref_t *mref, const wasm_import_t *imp,
    uint32_t rank);
void mp_wasm_table_import_swap(mp_obj_t tbl, mp_wasm_module_ref_t *mref, uint32_t rank, uint32_t *saved);
void mp_wasm_table_import_bind(mp_obj_t tbl, mp_obj_t instance, uint32_t rank);
void mp_wasm_table_import_unbind(mp_obj_t tbl, mp_obj_t instance);
int32_t mp_wasm_export_table(wasm_module_inst_t inst, const char *name);
// Whether the module exports its memory as `name` (wamr_shim/wasm_refs.c).
bool mp_wasm_export_memory(wasm_module_inst_t inst, const char *name);
// The wasm.Function for function `func` (number `index`) of the exports'
// instance: the export's object if it is exported, else a new one.
mp_obj_t mp_wasm_exports_function_for(mp_obj_t exports, wasm_function_inst_t func, uint32_t index);
// The funcref a wasm.Function is in `instance`, or 0xFFFFFFFF if it belongs
// to another instance.
uint32_t mp_wasm_function_ref_index(mp_obj_t fn, mp_obj_t instance);
mp_obj_t mp_wasm_instance_exports(mp_obj_wasm_instance_t *self);
// inst.memory: the instance's wasm.Memory (None without a memory).
mp_obj_t mp_wasm_instance_memory(mp_obj_wasm_instance_t *self);
// A wasm.Function's type as "(ii)i", or MP_OBJ_NULL if `fn` is not one.
mp_obj_t mp_wasm_function_sig_str(mp_obj_t fn);
// The instance is closing: its exported wasm.Global objects keep their values.
void mp_wasm_exports_closing(mp_obj_t exports);
void mp_wasm_instance_set_host_exception(mp_obj_wasm_instance_t *self, mp_obj_t exc);

// Value conversion (wasm_values.c).
#define MP_WASM_RETURN_VALUE ((size_t)-1)
// Converts without raising; false for a wrong type or an out-of-range int.
bool mp_wasm_value_try_from_obj(wasm_val_t *out, wasm_valkind_t kind, mp_obj_t obj);
// Limits in LinkError messages: "funcref 2..6", or "1.." without a maximum
// (kind NULL: none).
void mp_wasm_limits_text(char *buf, size_t size, const char *kind, uint32_t min, uint32_t max, bool has_max);
// How error messages name a value: "argument 2" (in buf) or "return value".
const char *mp_wasm_value_where(char *buf, size_t size, size_t arg_index);
// Raises the TypeError/OverflowError that try_from_obj's failure means.
NORETURN void mp_wasm_value_raise(wasm_valkind_t kind, mp_obj_t obj, const char *func_name, size_t arg_index);
void mp_wasm_value_from_obj(wasm_val_t *out, wasm_valkind_t kind, mp_obj_t obj,
    const char *func_name, size_t arg_index);
mp_obj_t mp_wasm_value_to_obj(const wasm_val_t *val);
// Reference values (wasm_ref_values.c): a cell from a Python object (None,
// a wasm.Function of the instance, or for externref any object: reserve
// handles first) and back; the instance's objects forgotten as it closes.
void mp_wasm_externrefs_reserve(mp_obj_wasm_instance_t *self, uint32_t n);
uint32_t mp_wasm_ref_from_obj(mp_obj_wasm_instance_t *self, wasm_valkind_t kind, mp_obj_t obj,
    const char *func_name, size_t arg_index);
// Calls `func` with its arguments in WAMR's cells, references as they are
// (wamr_shim/wasm_refs.c): the results come back in the cells.
bool mp_wasm_call_cells(wasm_exec_env_t exec_env, wasm_function_inst_t func, uint32_t argc, uint32_t *argv);
mp_obj_t mp_wasm_ref_to_obj(mp_obj_wasm_instance_t *self, wasm_valkind_t kind, uint32_t cell);
void mp_wasm_externrefs_release(mp_obj_wasm_instance_t *self);
const char *mp_wasm_valkind_char(wasm_valkind_t kind);
// "i32", "i64", "f32", "f64", "externref", "funcref".
const char *mp_wasm_valkind_name(wasm_valkind_t kind);
size_t mp_wasm_func_type_sig(wasm_func_type_t type, char *buf, size_t size);
mp_obj_t mp_wasm_func_type_str(wasm_func_type_t type);
mp_obj_t mp_wasm_kind_str(wasm_import_export_kind_t kind, const void *type_ptr);

// Import and export names (wasm_names.c): WAMR's C string of a name <-> str.
// from_str returns the str's own text unless the name holds U+0000, then a
// copy on the GC heap (kept alive by any pointer to it).
mp_obj_t mp_wasm_name_to_str(const char *name);
const char *mp_wasm_name_from_str(mp_obj_t name_in);

// Native host-function families (wasm_natives.c, wasm_natives_mp.c).
bool mp_wasm_natives_register(void);
bool mp_wasm_natives_has(const char *module_name, const char *name);
extern NativeSymbol mp_wasm_natives_mp[];
extern const size_t mp_wasm_natives_mp_len;
extern NativeSymbol mp_wasm_natives_mp_leaf[];
extern const size_t mp_wasm_natives_mp_leaf_len;
extern NativeSymbol mp_wasm_natives_try[];
extern const size_t mp_wasm_natives_try_len;
// The instance's export wasm_try.call calls back through, or NULL if it has
// none of the right type (looked up once, at instantiation).
wasm_function_inst_t mp_wasm_try_trampoline(wasm_module_inst_t inst);

#if MICROPY_WASM_LVGL
// The LVGL bindings (micropython_modules/lvgl_bindings): the import module
// "lvgl", and what closing an instance deletes (never raises).
extern NativeSymbol mp_wasm_natives_lvgl[];
extern const size_t mp_wasm_natives_lvgl_len;
void mp_wasm_lvgl_release(mp_obj_wasm_instance_t *self);
#endif

// Python host functions (wasm_host_imports.c): resolves the instance's
// callables (and links its module once); frees a module's links.
void mp_wasm_host_imports_bind(mp_obj_wasm_instance_t *self, mp_obj_t imports);
// imports[module][name] for an import, or MP_OBJ_NULL; LinkError if
// imports[module] is not a dict.
mp_obj_t mp_wasm_import_entry(mp_obj_t imports, const wasm_import_t *imp);

// wasm.Global and imported globals (wasm_global.c). Linking checks each
// imported global's wasm.Global and sets the value the instance starts
// with; binding (after instantiation) finds the instance's copies. While a
// guest runs, its copies of mutable imported globals are the live values:
// they are copied out before any host code runs and back in after.
void mp_wasm_global_imports_link(mp_obj_wasm_instance_t *self, mp_obj_t imports);
void mp_wasm_global_imports_bind(mp_obj_wasm_instance_t *self);
void mp_wasm_globals_copy_in(mp_obj_wasm_instance_t *self);
void mp_wasm_globals_copy_out(mp_obj_wasm_instance_t *self);
// The externref handles reserved for imported mutable globals (kept by the sweep).
void mp_wasm_globals_visit_pins(mp_obj_wasm_instance_t *self, void (*visit)(uint32_t handle, void *ctx),
    void *ctx);
// What guest code may change and other instances or Python see: imported
// mutable globals, and a memory shared with other instances (its descriptor
// is copied to theirs when the guest stops running: wasm_memory_obj.c).
static inline void mp_wasm_shared_enter(mp_obj_wasm_instance_t *self) {
    if (self->n_mutable_links != 0) {
        mp_wasm_globals_copy_in(self);
    }
}
void mp_wasm_memory_publish(mp_obj_wasm_instance_t *self);
static inline void mp_wasm_shared_leave(mp_obj_wasm_instance_t *self) {
    if (self->n_mutable_links != 0) {
        mp_wasm_globals_copy_out(self);
    }
    if (self->memory_next != NULL) {
        mp_wasm_memory_publish(self);
    }
}
// The wasm.Global for an exported global of `self`: the imported object
// when the export is an imported global, else a new one kept in the
// instance's slot.
mp_obj_t mp_wasm_global_for_export(mp_obj_wasm_instance_t *self, mp_obj_t self_obj,
    const wasm_global_inst_t *global);
// A Global kept in `owner`'s slot takes its value along as `owner` closes.
void mp_wasm_global_owner_closing(mp_obj_t global, mp_obj_t owner);
// Sets a mutable global's value from Python: `name` is the export's, or NULL
// for Global.value (error messages).
void mp_wasm_global_set(mp_obj_t global, mp_obj_t value, const char *name);
void mp_wasm_host_imports_free(mp_wasm_module_ref_t *ref);

// WASI (wasm_wasi.c, wasm_wasi_fd.c, wasm_wasi_path.c).
#define MP_WASM_WASI_MODULE "wasi_snapshot_preview1"
bool mp_wasm_wasi_register(void);
bool mp_wasm_wasi_has(const char *name);
struct _mp_wasm_wasi_ctx_t *mp_wasm_wasi_ctx_new(mp_obj_t wasi);
void mp_wasm_wasi_ctx_free(struct _mp_wasm_wasi_ctx_t *ctx);
mp_obj_t mp_wasm_wasi_default(void);
// An absolute guest path resolved inside the guest's WASI preopens, with
// the sandbox's checks: the VFS path in *vfs_path, or a WASI errno.
int32_t mp_wasm_wasi_resolve_abs(mp_obj_wasm_instance_t *inst, const char *path, size_t len,
    mp_obj_t *vfs_path);

// Stopping a running guest (wamr_shim/wasm_interrupt.c, wasm_instance.c).
void mp_wasm_exec_env_request_stop(wasm_exec_env_t exec_env);
bool mp_wasm_exec_env_take_stop(wasm_exec_env_t exec_env);
// Stops the innermost running guest, if any (as Ctrl-C does, without the
// KeyboardInterrupt); the same contexts as mp_wasm_request_interrupt().
bool mp_wasm_stop_running_guest(void);
// Stops the guest that is running now; false if none runs. Safe from
// interrupt or signal context on the main thread; from another task, call
// it between mp_wasm_port_interrupt_lock() and _unlock() (ESP32's Ctrl-C
// timer).
bool mp_wasm_request_interrupt(void);

// Port hooks (port/<platform>/wasm_port_*.c).
// Called around the outermost guest call (per-thread set-up, Ctrl-C for
// ports that poll for it); on the hot path of every call from Python, so
// no system call here per call.
void mp_wasm_port_guest_enter(void);
void mp_wasm_port_guest_exit(void);
// Brackets every change of the running guest and every stop request made
// from another task, so that a request never reaches an exec env that has
// returned (and may be freed). No-ops where requests come from interrupts or
// signals on the main thread.
void mp_wasm_port_interrupt_lock(void);
void mp_wasm_port_interrupt_unlock(void);
// The deadline timer of timeout_ms: init creates it (false if the port has
// none); arm makes it call mp_wasm_deadline_timer() once, `us` from now
// (replacing an earlier arm), under the interrupt lock, and re-arm for
// what that returns. Used only by calls with a time limit.
bool mp_wasm_port_deadline_init(void);
void mp_wasm_port_deadline_arm(uint64_t us);
void mp_wasm_port_deadline_disarm(void);
void mp_wasm_port_random(uint8_t *buf, size_t len);
uint64_t mp_wasm_port_time_ns(bool realtime);
// The CPU time used by the process (or the calling thread) and that clock's
// resolution, in ns; false where the port cannot measure CPU time.
bool mp_wasm_port_cputime_ns(bool thread, uint64_t *now, uint64_t *resolution);
void mp_wasm_port_sleep_ns(uint64_t ns);
// The wasmapps partition image mapped for reading, or NULL if the device
// has none; `*size` is the mapped length and `*code` the address of the same
// bytes mapped for instruction fetch (the same pointer unless the port maps
// flash twice, as ESP32 does: its instruction bus takes no byte loads).
const uint8_t *mp_wasm_port_xip_map(size_t *size, const uint8_t **code);
// Whether VFS `path` really lies inside directory `root` (symlinks resolved
// where the filesystem has them).
bool mp_wasm_port_path_contained(const char *root, const char *path);
// Whether VFS `path` may be renamed: false for a symlink, or a directory
// holding one (a relative symlink would point elsewhere from its new place).
bool mp_wasm_port_may_move(const char *path);

// Instance limits (wasm_limits.c; WAMR internals in wamr_shim/wasm_limits.c).
int mp_wasm_exec_env_fuel(wasm_exec_env_t exec_env); // -1: unmetered
void mp_wasm_exec_env_set_fuel(wasm_exec_env_t exec_env, int fuel);
// Memory 0's limits (imported or defined); false if the module has none.
bool mp_wasm_module_memory_pages(wasm_module_t module, uint32_t *init, uint32_t *max, bool *has_max);
uint32_t mp_wasm_module_memory_set_init(wasm_module_t module, uint32_t pages);
int mp_wasm_fuel_from_obj(const mp_wasm_module_ref_t *mref, mp_obj_t fuel); // None: -1
mp_obj_t mp_wasm_fuel_get(mp_obj_wasm_instance_t *self);
void mp_wasm_fuel_set(mp_obj_wasm_instance_t *self, mp_obj_t fuel);
void mp_wasm_max_pages_check(const mp_wasm_module_ref_t *mref, mp_int_t max_pages);
uint32_t mp_wasm_timeout_from_obj(mp_obj_t timeout_ms); // None: 0
// A call's deadline: entered before the guest runs, left after (never
// raises); exit returns the length in ms of the deadline that passed during
// the call, or 0. Nested calls keep the earliest deadline.
typedef struct _mp_wasm_deadline_t {
    uint64_t outer_ns;
    uint32_t outer_ms;
    bool armed;
} mp_wasm_deadline_t;
void mp_wasm_deadline_start(mp_wasm_deadline_t *d, uint32_t timeout_ms, wasm_exec_env_t exec_env);
uint32_t mp_wasm_deadline_end(mp_wasm_deadline_t *d);
extern volatile bool mp_wasm_deadline_passed; // the deadline in force has passed
// Inline: a call without a time limit, outside any, costs two tests.
static inline void mp_wasm_deadline_enter(mp_wasm_deadline_t *d, uint32_t timeout_ms,
    wasm_exec_env_t exec_env) {
    d->armed = false;
    if (timeout_ms != 0 || mp_wasm_deadline_passed) {
        mp_wasm_deadline_start(d, timeout_ms, exec_env);
    }
}
static inline uint32_t mp_wasm_deadline_exit(mp_wasm_deadline_t *d) {
    return d->armed || mp_wasm_deadline_passed ? mp_wasm_deadline_end(d) : 0;
}
// For the port's timer: see wasm_limits.c.
uint64_t mp_wasm_deadline_timer(void);

NORETURN void mp_wasm_raise(const mp_obj_type_t *type, const char *msg);
NORETURN void mp_wasm_raise_fmt(const mp_obj_type_t *type, mp_rom_error_text_t fmt, ...);
// snprintf with an MP_ERROR_TEXT format (compressed where the port compresses).
void mp_wasm_format_rom(char *out, size_t size, mp_rom_error_text_t fmt, ...);

#endif // MICROPY_INCLUDED_WASM_MODWASM_H
