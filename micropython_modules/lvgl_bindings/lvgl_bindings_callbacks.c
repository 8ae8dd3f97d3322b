// Guest callbacks: LVGL events, timers and animations call guest functions
// (C function pointers in a guest are indices into its function table).
//
// A callback runs on the guest's own exec env: nested in the guest when it
// is inside an LVGL call itself (lv_timer_handler(), lv_obj_send_event(),
// ...), or as a call of its own when LVGL runs from Python
// (display.task_handler(), the REPL's idle loop). Nothing raises out of a
// callback into LVGL: a trap or exception is kept in the instance
// (deferred_exc) and raised when control is back in the guest's binding
// call (lvb_report), or by the next Python call into the instance or
// display.task_handler(). Until then the instance gets no more callbacks.

#include <string.h>

#include "py/runtime.h"
#include "lvgl_bindings.h"
#include "lvgl_bindings_guest.h"
#include "lvgl_private.h"

// --- Calling the guest -------------------------------------------------------------------

static bool can_call(lvb_state_t *st) {
    return st != NULL && st->inst != NULL && !st->closing && st->inst->inst != NULL
           && st->inst->deferred_exc == MP_OBJ_NULL;
}

static void fail(lvb_state_t *st, mp_obj_t exc) {
    if (st->inst != NULL && st->inst->deferred_exc == MP_OBJ_NULL) {
        st->inst->deferred_exc = exc;
    }
}

// A trap raised for the guest, outside any binding call.
static void fail_msg(lvb_state_t *st, const char *msg, uint32_t func) {
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        vstr_t vstr;
        mp_print_t print;
        vstr_init_print(&vstr, 64, &print);
        mp_printf(&print, msg, (unsigned)func);
        mp_obj_t text = mp_obj_new_str_from_vstr(&vstr);
        fail(st, mp_obj_new_exception_args(&mp_type_wasm_trap, 1, &text));
        nlr_pop();
    } else {
        fail(st, MP_OBJ_FROM_PTR(nlr.ret_val));
    }
}

// `sig` is "(ii)" / "(i)i": i32 parameters, an optional i32 result.
static bool matches(wasm_module_inst_t mi, wasm_function_inst_t fn, const char *sig) {
    const char *close = strchr(sig, ')');
    uint32_t n_params = (uint32_t)(close - sig - 1);
    uint32_t n_results = close[1] != '\0' ? 1 : 0;
    if (wasm_func_get_param_count(fn, mi) != n_params || wasm_func_get_result_count(fn, mi) != n_results) {
        return false;
    }
    wasm_valkind_t kinds[8];
    if (n_params > MP_ARRAY_SIZE(kinds)) {
        return false;
    }
    wasm_func_get_param_types(fn, mi, kinds);
    for (uint32_t i = 0; i < n_params; i++) {
        if (kinds[i] != WASM_I32) {
            return false;
        }
    }
    if (n_results) {
        wasm_func_get_result_types(fn, mi, kinds);
        if (kinds[0] != WASM_I32) {
            return false;
        }
    }
    return true;
}

void lvb_check_callback(lvb_call_t *c, uint32_t func, const char *sig) {
    wasm_module_inst_t mi = wasm_runtime_get_module_inst(c->env);
    wasm_function_inst_t fn = mp_wasm_table_function(mi, func);
    if (fn == NULL) {
        lvb_trap(c, "callback %u is not a function of the guest's table", (unsigned)func);
    }
    if (!matches(mi, fn, sig)) {
        lvb_trap(c, "callback %u has the wrong type (wants %s)", (unsigned)func, sig);
    }
}

// Guest callbacks nested on the C stack now, of every instance (they share
// the stack): each level holds the guest's frames, the interpreter, the
// binding's host function, LVGL and its event dispatch (2.4 KB on the
// emulated Cortex-M4F, 2.8 KB on x86-64). A callback making LVGL call it again (a child created in
// CHILD_CREATED, an event sent from its own callback) would nest until the
// C stack overflows on a board: WAMR's own check, 1 KB above the stack's
// end there, runs only where a level enters the guest, not inside LVGL.
static unsigned nesting;

bool lvb_call_guest(lvb_state_t *st, uint32_t func, const char *sig, int n, const uint32_t *argv,
    uint32_t *result) {
    if (!can_call(st)) {
        return false;
    }
    if (nesting >= MICROPY_WASM_LVGL_MAX_NESTING) {
        fail_msg(st, "lvgl: guest callbacks nested more than %u deep (an LVGL event, timer or "
            "animation callback that makes LVGL call it again)", MICROPY_WASM_LVGL_MAX_NESTING);
        return false;
    }
    mp_obj_wasm_instance_t *inst = st->inst;
    wasm_function_inst_t fn = mp_wasm_table_function(inst->inst, func);
    if (fn == NULL) {
        fail_msg(st, "lvgl: callback %u is not a function of the guest's table", func);
        return false;
    }
    if (!matches(inst->inst, fn, sig)) {
        fail_msg(st, "lvgl: callback %u has the wrong type", func);
        return false;
    }
    wasm_val_t args[4];
    wasm_val_t res[1];
    for (int i = 0; i < n; i++) {
        args[i].kind = WASM_I32;
        args[i].of.i32 = (int32_t)argv[i];
    }
    res[0].kind = WASM_I32;
    res[0].of.i32 = 0;
    lvb_state_t *saved = lvb_current();
    lvb_set_current(st);
    nesting++;
    mp_obj_t exc = mp_wasm_instance_callback(inst, fn, (uint32_t)n, args, result != NULL ? 1 : 0, res);
    nesting--;
    lvb_set_current(saved);
    if (exc != MP_OBJ_NULL) {
        fail(st, exc);
        return false;
    }
    if (result != NULL) {
        *result = (uint32_t)res[0].of.i32;
    }
    return true;
}

void lvb_report(lvb_state_t *st) {
    if (st != NULL && st->inst != NULL && st->inst->deferred_exc != MP_OBJ_NULL) {
        mp_obj_t exc = st->inst->deferred_exc;
        st->inst->deferred_exc = MP_OBJ_NULL;
        nlr_raise(exc);
    }
}

// --- Events ----------------------------------------------------------------------------

// Events sent while LVGL draws or lays out carry LVGL's internal data and
// must not change the tree: guests never get them.
static bool deliverable(lv_event_code_t code) {
    switch (code) {
        case LV_EVENT_HIT_TEST:
        case LV_EVENT_COVER_CHECK:
        case LV_EVENT_REFR_EXT_DRAW_SIZE:
        case LV_EVENT_DRAW_MAIN_BEGIN:
        case LV_EVENT_DRAW_MAIN:
        case LV_EVENT_DRAW_MAIN_END:
        case LV_EVENT_DRAW_POST_BEGIN:
        case LV_EVENT_DRAW_POST:
        case LV_EVENT_DRAW_POST_END:
        case LV_EVENT_DRAW_TASK_ADDED:
        case LV_EVENT_GET_SELF_SIZE:
        case LV_EVENT_REFR_REQUEST:
            return false;
        default:
            return true;
    }
}

// Events LVGL sends in the middle of its own work on the object tree:
// deleting (DELETE; FOCUSED from the group of an object being destructed;
// CHILD_* to the parent, then more of them), creating, laying out and
// restyling objects. LVGL goes on with the objects after each, so a
// deletion or move in the callback would leave it with freed or shifted
// pointers (or loop forever on a child that is being deleted).
static const char *tree_event_name(lv_event_code_t code) {
    switch (code) {
        case LV_EVENT_FOCUSED: return "FOCUSED";
        case LV_EVENT_DEFOCUSED: return "DEFOCUSED";
        case LV_EVENT_LEAVE: return "LEAVE";
        case LV_EVENT_INDEV_RESET: return "INDEV_RESET";
        case LV_EVENT_CREATE: return "CREATE";
        case LV_EVENT_DELETE: return "DELETE";
        case LV_EVENT_CHILD_CHANGED: return "CHILD_CHANGED";
        case LV_EVENT_CHILD_CREATED: return "CHILD_CREATED";
        case LV_EVENT_CHILD_DELETED: return "CHILD_DELETED";
        case LV_EVENT_SIZE_CHANGED: return "SIZE_CHANGED";
        case LV_EVENT_STYLE_CHANGED: return "STYLE_CHANGED";
        case LV_EVENT_LAYOUT_CHANGED: return "LAYOUT_CHANGED";
        default: return NULL;
    }
}

void lvb_event_trampoline(lv_event_t *e) {
    lvb_event_rec_t *rec = lv_event_get_user_data(e);
    lvb_state_t *st = rec->st;
    if (!can_call(st) || !deliverable(lv_event_get_code(e))) {
        return;
    }
    // The record may go away in the callback (the object deleted): copy.
    uint32_t func = rec->func;
    // The event itself is a handle valid during the callback only.
    uint16_t i;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        i = lvb_entry_new(st, LVB_EVENT, e, 0);
        nlr_pop();
    } else {
        return;   // no room for a handle: the event is dropped
    }
    st->entries[i].user_data = rec->user_data;
    uint32_t h = lvb_handle_of(st, i);
    const char *busy = lvb_tree_busy;
    const char *name = tree_event_name(lv_event_get_code(e));
    if (name != NULL) {
        lvb_tree_busy = name;
    }
    lvb_call_guest(st, func, "(i)", 1, &h, NULL);
    lvb_tree_busy = busy;
    lvb_entry_t *entry = lvb_entry_of_handle(st, h);
    if (entry != NULL && entry->ptr == e) {
        lvb_entry_free(st, i);
    }
}

// --- Timers -----------------------------------------------------------------------------

// A timer's LVGL user data is its handle; the entry keeps the guest's
// function (user_data) and user data (in its first side record).
typedef struct {
    lvb_side_t side;
    uint32_t func;
    uint32_t user_data;
    bool auto_delete;
} lvb_timer_rec_t;

static lvb_entry_t *timer_entry(lv_timer_t *t, lvb_state_t **st_out, lvb_timer_rec_t **rec_out) {
    uint32_t h = (uint32_t)(uintptr_t)lv_timer_get_user_data(t);
    lvb_state_t *st = lvb_state_by_tag(h >> LVB_TAG_SHIFT);
    lvb_entry_t *e = st != NULL ? lvb_entry_of_handle(st, h) : NULL;
    if (e == NULL || e->ptr != t || e->kind != LVB_TIMER) {
        return NULL;
    }
    *st_out = st;
    *rec_out = (lvb_timer_rec_t *)e->side;
    return e;
}

static void timer_trampoline(lv_timer_t *t) {
    lvb_state_t *st;
    lvb_timer_rec_t *rec;
    if (timer_entry(t, &st, &rec) == NULL) {
        return;
    }
    uint32_t h = (uint32_t)(uintptr_t)lv_timer_get_user_data(t);
    if (rec->func != 0) {
        lvb_call_guest(st, rec->func, "(i)", 1, &h, NULL);
    }
    // The guest may have deleted the timer: only its handle tells.
    lvb_entry_t *e = lvb_entry_of_handle(st, h);
    if (e == NULL || e->ptr != t) {
        return;
    }
    // LVGL's own auto-delete is off (it cannot free the handle): done here.
    if (t->repeat_count == 0 && ((lvb_timer_rec_t *)e->side)->auto_delete) {
        lvb_entry_free(st, (uint16_t)(h & (LVB_MAX_ENTRIES - 1)));
        lv_timer_delete(t);
    }
}

// Until lv_timer_create() returns (no timer callback can run before).
#define TIMER_PENDING ((void *)1)

static uint16_t timer_index(lvb_call_t *c, int slot) {
    lv_timer_t *t = lvb_handle(c, slot, LVB_TIMER, 0);
    return (uint16_t)((uintptr_t)lv_timer_get_user_data(t) & (LVB_MAX_ENTRIES - 1));
}

// lv_timer_t *lv_timer_create(lv_timer_cb_t cb, uint32_t period, void *user_data)
void lvb_i_lv_timer_create(lvb_call_t *c) {
    uint32_t func = lvb_u32(c, 0);
    if (func != 0) {
        lvb_check_callback(c, func, "(i)");
    }
    lvb_timer_rec_t *rec = lv_malloc(sizeof(lvb_timer_rec_t));
    LV_ASSERT_MALLOC(rec);
    rec->side.type = LVB_SIDE_BLOB;
    rec->side.tag = 0;
    rec->side.next = NULL;
    rec->func = func;
    rec->user_data = lvb_u32(c, 2);
    rec->auto_delete = true;
    nlr_buf_t nlr;
    uint16_t i;
    if (nlr_push(&nlr) == 0) {
        i = lvb_entry_new(c->st, LVB_TIMER, TIMER_PENDING, 0);
        nlr_pop();
    } else {
        lv_free(rec);
        nlr_jump(nlr.ret_val);
    }
    lvb_side_add(c->st, i, &rec->side);
    uint32_t h = lvb_handle_of(c->st, i);
    lv_timer_t *t = NULL;
    if (nlr_push(&nlr) == 0) {
        t = lv_timer_create(timer_trampoline, lvb_u32(c, 1), (void *)(uintptr_t)h);
        nlr_pop();
    } else {
        lvb_entry_free(c->st, i);   // with its record
        nlr_jump(nlr.ret_val);
    }
    if (t == NULL) {
        lvb_entry_free(c->st, i);
        mp_display_raise(&mp_type_MemoryError, "LVGL's memory pool is exhausted");
    }
    lv_timer_set_auto_delete(t, false);
    c->st->entries[i].ptr = t;
    lvb_ret_i32(c, (int32_t)h);
}

void lvb_i_lv_timer_delete(lvb_call_t *c) {
    lv_timer_t *t = lvb_handle(c, 0, LVB_TIMER, 0);
    lvb_entry_free(c->st, timer_index(c, 0));
    lv_timer_delete(t);
}

void lvb_i_lv_timer_set_cb(lvb_call_t *c) {
    uint16_t i = timer_index(c, 0);
    uint32_t func = lvb_u32(c, 1);
    if (func != 0) {
        lvb_check_callback(c, func, "(i)");
    }
    ((lvb_timer_rec_t *)c->st->entries[i].side)->func = func;
}

void lvb_i_lv_timer_set_user_data(lvb_call_t *c) {
    uint16_t i = timer_index(c, 0);
    ((lvb_timer_rec_t *)c->st->entries[i].side)->user_data = lvb_u32(c, 1);
}

void lvb_i_lv_timer_get_user_data(lvb_call_t *c) {
    uint16_t i = timer_index(c, 0);
    lvb_ret_i32(c, (int32_t)((lvb_timer_rec_t *)c->st->entries[i].side)->user_data);
}

void lvb_i_lv_timer_set_auto_delete(lvb_call_t *c) {
    uint16_t i = timer_index(c, 0);
    ((lvb_timer_rec_t *)c->st->entries[i].side)->auto_delete = lvb_i32(c, 1) != 0;
}

void lvb_timers_delete_all(lvb_state_t *st) {
    for (uint16_t i = 1; i < st->cap; i++) {
        if (st->entries[i].kind == LVB_TIMER && st->entries[i].ptr != NULL
            && st->entries[i].ptr != TIMER_PENDING) {
            lv_timer_t *t = st->entries[i].ptr;
            lvb_entry_free(st, i);
            lv_timer_delete(t);
        }
    }
}

// --- Animations ---------------------------------------------------------------------------

// A running animation's LVGL user data: the guest's template values that
// LVGL does not keep itself. LVGL's `var` is this record (unique, so one
// animation can be deleted alone).
typedef struct {
    lvb_state_t *st;
    uint16_t index;          // its ANIM entry
    uint16_t obj_index;      // the animated object's entry, 0 when var is no object
    bool dying;              // LVGL is deleting it
    bool starting;           // inside its lv_anim_start(): LVGL still uses its copy
    bool stop;               // deleted while starting: deleted once lv_anim_start() returns
    uint32_t var, exec_cb, custom_exec_cb, start_cb, completed_cb, deleted_cb, get_value_cb;
    uint32_t path_cb, user_data;
} lvb_anim_rec_t;

// Until lv_anim_start() returns, the entry holds this: LVGL's copy is
// known from the first callback on.
#define ANIM_PENDING ((void *)1)

static lvb_anim_rec_t *anim_rec(lv_anim_t *a) {
    lvb_anim_rec_t *r = a->user_data;
    lvb_entry_t *e = &r->st->entries[r->index];
    if (!r->stop && e->kind == LVB_ANIM && e->ptr == ANIM_PENDING) {
        e->ptr = a;
    }
    return r;
}

static uint32_t anim_handle(lvb_anim_rec_t *r) {
    return lvb_handle_of(r->st, r->index);
}

static void anim_call(lvb_anim_rec_t *r, uint32_t func, const char *sig, int n, const uint32_t *argv,
    uint32_t *result) {
    if (func != 0) {
        lvb_call_guest(r->st, func, sig, n, argv, result);
    }
}

static void anim_exec(lv_anim_t *a, int32_t v) {
    lvb_anim_rec_t *r = anim_rec(a);
    if (r->stop) {
        return;
    }
    if (r->custom_exec_cb != 0) {
        uint32_t argv[2] = { anim_handle(r), (uint32_t)v };
        anim_call(r, r->custom_exec_cb, "(ii)", 2, argv, NULL);
    } else {
        uint32_t argv[2] = { r->var, (uint32_t)v };
        anim_call(r, r->exec_cb, "(ii)", 2, argv, NULL);
    }
}

static int32_t anim_path(const lv_anim_t *a) {
    lvb_anim_rec_t *r = anim_rec((lv_anim_t *)a);
    uint32_t h = anim_handle(r), v = (uint32_t)a->start_value;
    if (r->stop) {
        return (int32_t)v;
    }
    lvb_call_guest(r->st, r->path_cb, "(i)i", 1, &h, &v);
    return (int32_t)v;
}

static int32_t anim_get_value(lv_anim_t *a) {
    lvb_anim_rec_t *r = anim_rec(a);
    uint32_t h = anim_handle(r), v = 0;
    if (r->stop) {
        return 0;
    }
    lvb_call_guest(r->st, r->get_value_cb, "(i)i", 1, &h, &v);
    return (int32_t)v;
}

static void anim_start(lv_anim_t *a) {
    lvb_anim_rec_t *r = anim_rec(a);
    uint32_t h = anim_handle(r);
    anim_call(r, r->start_cb, "(i)", 1, &h, NULL);
}

static void anim_completed(lv_anim_t *a) {
    lvb_anim_rec_t *r = anim_rec(a);
    uint32_t h = anim_handle(r);
    anim_call(r, r->completed_cb, "(i)", 1, &h, NULL);
}

// LVGL calls this whenever the animation goes away (completed, deleted,
// its object deleted, deinit): the handle and record go with it.
static void anim_deleted(lv_anim_t *a) {
    lvb_anim_rec_t *r = anim_rec(a);
    r->dying = true;
    lvb_state_t *st = r->st;
    lvb_entry_t *e = &st->entries[r->index];
    if (e->kind == LVB_ANIM && e->ptr == a) {
        uint32_t h = anim_handle(r);
        anim_call(r, r->deleted_cb, "(i)", 1, &h, NULL);
        e = &st->entries[r->index];
        if (e->kind == LVB_ANIM && e->ptr == a) {
            lvb_entry_free(st, r->index);
        }
    }
    lv_free(r);
}

static const lv_anim_path_cb_t builtin_paths[] = {
    lv_anim_path_linear, lv_anim_path_ease_in, lv_anim_path_ease_out, lv_anim_path_ease_in_out,
    lv_anim_path_overshoot, lv_anim_path_bounce, lv_anim_path_step, lv_anim_path_custom_bezier3,
};
#define PATH_TOKEN_BASE (0xFFFF0000u)

// Deletes a running animation. One inside its own lv_anim_start() (the
// guest deleted it from an early-applied callback) is only marked:
// lv_anim_start() goes on using LVGL's copy, and deletes it on return.
static void anim_delete(lvb_anim_rec_t *r) {
    if (r->starting) {
        r->stop = true;
    } else {
        lv_anim_delete(r, NULL);
    }
}

// Deletes the instance's running animations matching the guest's var and
// exec callback (0: any); returns how many.
static int anims_delete(lvb_state_t *st, uint32_t var, uint32_t exec_cb) {
    int n = 0;
    for (uint16_t i = 1; i < st->cap; i++) {
        lvb_entry_t *e = &st->entries[i];
        if (e->kind != LVB_ANIM || e->ptr == NULL || e->ptr == ANIM_PENDING) {
            continue;
        }
        lv_anim_t *a = e->ptr;
        lvb_anim_rec_t *r = anim_rec(a);
        if (r->var == var && (exec_cb == 0 || r->exec_cb == exec_cb) && !r->stop) {
            anim_delete(r);
            n++;
        }
    }
    return n;
}

// lv_anim_t *lv_anim_start(const lv_anim_t *a): the guest's template, copied.
void lvb_i_lv_anim_start(lvb_call_t *c) {
    lvb_guest_anim_t g;
    lvb_pod_in(c, 0, &g, sizeof(g));
    uint32_t cbs[] = { g.exec_cb, g.custom_exec_cb, g.start_cb, g.completed_cb, g.deleted_cb,
                       g.get_value_cb };
    static const char *const sigs[] = { "(ii)", "(ii)", "(i)", "(i)", "(i)", "(i)i" };
    for (size_t k = 0; k < MP_ARRAY_SIZE(cbs); k++) {
        if (cbs[k] != 0) {
            lvb_check_callback(c, cbs[k], sigs[k]);
        }
    }
    lv_anim_path_cb_t path = lv_anim_path_linear;
    if (g.path_cb > PATH_TOKEN_BASE && g.path_cb <= PATH_TOKEN_BASE + MP_ARRAY_SIZE(builtin_paths)) {
        path = builtin_paths[g.path_cb - PATH_TOKEN_BASE - 1];
    } else if (g.path_cb != 0) {
        lvb_check_callback(c, g.path_cb, "(i)i");
        path = anim_path;
    }
    lvb_state_t *st = c->st;
    lvb_entry_t *obj = NULL;
    if (g.var != 0 && (g.var >> LVB_TAG_SHIFT) == st->tag) {
        obj = lvb_entry_of_handle(st, g.var);
        obj = obj != NULL && obj->kind == LVB_OBJ ? obj : NULL;
    }
    if ((g.bits & LVB_GUEST_ANIM_EARLY_APPLY) && g.exec_cb != 0) {
        anims_delete(st, g.var, g.exec_cb);   // as LVGL: one per var and exec callback
    }
    lvb_anim_rec_t *r = lv_malloc_zeroed(sizeof(lvb_anim_rec_t));
    LV_ASSERT_MALLOC(r);
    r->st = st;
    r->obj_index = obj != NULL ? (uint16_t)(obj - st->entries) : 0;
    r->var = g.var;
    r->exec_cb = g.exec_cb;
    r->custom_exec_cb = g.custom_exec_cb;
    r->start_cb = g.start_cb;
    r->completed_cb = g.completed_cb;
    r->deleted_cb = g.deleted_cb;
    r->get_value_cb = g.get_value_cb;
    r->path_cb = g.path_cb;
    r->user_data = g.user_data;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        r->index = lvb_entry_new(st, LVB_ANIM, ANIM_PENDING, 0);
        nlr_pop();
    } else {
        lv_free(r);
        nlr_jump(nlr.ret_val);
    }
    if (obj != NULL) {
        st->entries[r->index].parent = r->obj_index + 1;
        st->entries[r->obj_index].flags |= LVB_DEPENDENTS;
    }
    lv_anim_t a;
    lv_anim_init(&a);
    a.var = r;
    a.user_data = r;
    a.custom_exec_cb = (g.exec_cb || g.custom_exec_cb) ? anim_exec : NULL;
    a.start_cb = g.start_cb ? anim_start : NULL;
    a.completed_cb = anim_completed;
    a.deleted_cb = anim_deleted;
    a.get_value_cb = g.get_value_cb ? anim_get_value : NULL;
    a.path_cb = path;
    a.parameter.bezier3 = g.parameter;
    a.start_value = g.start_value;
    a.current_value = g.current_value;
    a.end_value = g.end_value;
    a.duration = g.duration;
    a.act_time = g.act_time;
    a.reverse_delay = g.reverse_delay;
    a.reverse_duration = g.reverse_duration;
    a.repeat_delay = g.repeat_delay;
    a.repeat_cnt = g.repeat_cnt;
    a.early_apply = (g.bits & LVB_GUEST_ANIM_EARLY_APPLY) != 0;
    // The handle exists before LVGL runs callbacks inside lv_anim_start().
    uint32_t h = lvb_handle_of(st, r->index);
    r->starting = true;
    lv_anim_t *copy = NULL;
    if (nlr_push(&nlr) == 0) {
        copy = lv_anim_start(&a);
        nlr_pop();
    } else {
        // Only allocating LVGL's copy fails (before any callback): the
        // entry is still pending, nothing of LVGL's refers to the record.
        lvb_entry_free(st, r->index);
        lv_free(r);
        nlr_jump(nlr.ret_val);
    }
    r->starting = false;
    if (copy == NULL) {
        lvb_entry_free(st, r->index);
        lv_free(r);
        mp_display_raise(&mp_type_MemoryError, "LVGL's memory pool is exhausted");
    }
    lvb_entry_t *e = lvb_entry_of_handle(st, h);
    if (r->stop || e == NULL) {
        lv_anim_delete(r, NULL);   // deleted inside its own start: frees the entry and record
        lvb_ret_i32(c, 0);
        return;
    }
    e->ptr = copy;
    lvb_ret_i32(c, (int32_t)h);
}

// bool lv_anim_delete(void *var, lv_anim_exec_xcb_t exec_cb)
void lvb_i_lv_anim_delete(lvb_call_t *c) {
    lvb_ret_i32(c, anims_delete(c->st, lvb_u32(c, 0), lvb_u32(c, 1)) > 0);
}

void lvb_i_lv_anim_delete_all(lvb_call_t *c) {
    lvb_anims_delete_all(c->st);
}

// Called when the ANIM entry at `index` is freed by someone else (its
// object was deleted): LVGL deletes the animation, which frees the entry.
// One inside its own start is deleted when that returns (the entry goes now).
bool lvb_anim_stop(lvb_state_t *st, uint16_t index) {
    lv_anim_t *a = st->entries[index].ptr;
    if (a == NULL || a == ANIM_PENDING) {
        return false;
    }
    lvb_anim_rec_t *r = a->user_data;
    if (r->dying || r->starting) {
        r->stop = true;
        return false;
    }
    lv_anim_delete(r, NULL);
    return true;
}

void lvb_anims_delete_all(lvb_state_t *st) {
    for (uint16_t i = 1; i < st->cap; i++) {
        lvb_entry_t *e = &st->entries[i];
        if (e->kind == LVB_ANIM && e->ptr != NULL && e->ptr != ANIM_PENDING && !anim_rec(e->ptr)->stop) {
            anim_delete(anim_rec(e->ptr));
        }
    }
}

// lv_anim_t *lv_anim_get(void *var, lv_anim_exec_xcb_t exec_cb)
void lvb_i_lv_anim_get(lvb_call_t *c) {
    uint32_t var = lvb_u32(c, 0), exec_cb = lvb_u32(c, 1);
    lvb_state_t *st = c->st;
    for (uint16_t i = 1; i < st->cap; i++) {
        lvb_entry_t *e = &st->entries[i];
        if (e->kind == LVB_ANIM && e->ptr != NULL && e->ptr != ANIM_PENDING) {
            lvb_anim_rec_t *r = anim_rec(e->ptr);
            if (r->var == var && (exec_cb == 0 || r->exec_cb == exec_cb) && !r->stop) {
                lvb_ret_i32(c, (int32_t)lvb_handle_of(st, i));
                return;
            }
        }
    }
    lvb_ret_i32(c, 0);
}

void lvb_i_lv_anim_count_running(lvb_call_t *c) {
    lvb_ret_i32(c, c->st->counts[LVB_ANIM]);
}

void lvb_i_lv_anim_get_user_data(lvb_call_t *c) {
    lv_anim_t *a = lvb_handle(c, 0, LVB_ANIM, 0);
    lvb_ret_i32(c, (int32_t)anim_rec(a)->user_data);
}

// uint32_t lv_timer_handler(void): the display's timer run (every app's
// timers, rendering, input); this guest's callbacks run nested in it.
void lvb_i_lv_timer_handler(lvb_call_t *c) {
    lvb_ret_i32(c, (int32_t)mp_display_task_handler());
}
