// One call from a guest into LVGL: the lock and exception boundary
// (lvb_run), and the checked conversions of arguments and results that the
// generated host functions use (see lvgl_bindings.h).

#include <stdarg.h>
#include <string.h>

#include "py/runtime.h"
#include "lvgl_bindings.h"
#include "lvgl_private.h"

// Longest string a guest may pass (label texts, options, ...).
#define MAX_STR (16 * 1024)
// LVGL writes at most this much into a guest's char buffer.
#define MAX_OUTBUF (1024)

#if MICROPY_WASM_LVGL_STATS
// Calls per host function (lvgl_bindings_py.c reports them to the tests).
uint32_t lvb_calls[2048];
#endif

static void free_temps(lvb_call_t *c) {
    for (int i = 0; i < LVB_MAX_TEMPS; i++) {
        if (c->temps[i] != NULL) {
            lv_free(c->temps[i]);
            c->temps[i] = NULL;
        }
    }
}

size_t lvb_reserve(void) {
    size_t r = MICROPY_DISPLAY_LVGL_POOL_SIZE / 8;
    return r < 32 * 1024 ? 32 * 1024 : r > 64 * 1024 ? 64 * 1024 : r;
}

size_t lvb_lvgl_free(void) {
    size_t used = LV_GLOBAL_DEFAULT()->tlsf_state.cur_used;
    return used < MICROPY_DISPLAY_LVGL_POOL_SIZE ? MICROPY_DISPLAY_LVGL_POOL_SIZE - used : 0;
}

int32_t lvb_run(wasm_exec_env_t env, uint64_t *args, uint16_t fn) {
    if (!mp_display_active()) {
        mp_display_raise(&mp_type_RuntimeError, "lvgl: display not initialised: call display.init() first");
    }
    lvb_call_t c;
    c.env = env;
    c.args = args;
    c.name = lvb_fns[fn].name;
    c.st = NULL;
    c.scratch_used = 0;
    for (int i = 0; i < LVB_MAX_TEMPS; i++) {
        c.temps[i] = NULL;
    }
    mp_display_enter();
    mp_display_state_t saved;
    mp_display_save(&saved);
    lvb_state_t *prev = lvb_current();
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        c.st = lvb_state_of(mp_wasm_native_instance(env));
        lvb_set_current(c.st);
        if (lvb_fns[fn].allocates && lvb_lvgl_free() < lvb_reserve()) {
            mp_display_raise_fmt(&mp_type_MemoryError, "lvgl: %s(): LVGL's memory is used up "
                "(%u bytes free, the last %u are kept for drawing): delete objects first", c.name,
                (unsigned)lvb_lvgl_free(), (unsigned)lvb_reserve());
        }
        lvb_fns[fn].impl(&c);
        nlr_pop();
    } else {
        lvb_set_current(prev);
        free_temps(&c);
        mp_display_restore(&saved);
        mp_display_exit();
        // LVGL's assertions say what, not where: name the guest's call.
        mp_obj_t exc = MP_OBJ_FROM_PTR(nlr.ret_val);
        mp_obj_t text = mp_obj_exception_get_value(exc);
        if (mp_obj_is_exact_type(exc, &mp_type_RuntimeError) && mp_obj_is_str(text)) {
            vstr_t vstr;
            mp_print_t print;
            vstr_init_print(&vstr, 80, &print);
            mp_printf(&print, "lvgl: %s(): %s", c.name, mp_obj_str_get_str(text));
            mp_obj_t msg = mp_obj_new_str_from_vstr(&vstr);
            exc = mp_obj_new_exception_args(&mp_type_wasm_trap, 1, &msg);
        }
        nlr_raise(exc);
    }
    lvb_set_current(prev);
    free_temps(&c);
    mp_display_exit();
    #if MICROPY_WASM_LVGL_STATS
    if (fn < MP_ARRAY_SIZE(lvb_calls)) {
        lvb_calls[fn]++;
    }
    #endif
    // A callback of this guest that failed inside the call fails the guest.
    lvb_report(c.st);
    return 0;
}

NORETURN void lvb_trap(lvb_call_t *c, const char *fmt, ...) {
    vstr_t vstr;
    mp_print_t print;
    vstr_init_print(&vstr, 80, &print);
    mp_printf(&print, "lvgl: %s(): ", c->name);
    va_list ap;
    va_start(ap, fmt);
    mp_vprintf(&print, fmt, ap);
    va_end(ap);
    mp_obj_t msg = mp_obj_new_str_from_vstr(&vstr);
    nlr_raise(mp_obj_new_exception_args(&mp_type_wasm_trap, 1, &msg));
}

void *lvb_scratch(lvb_call_t *c, size_t size) {
    size = (size + 7) & ~(size_t)7;
    if (size <= LVB_SCRATCH - c->scratch_used) {
        void *p = c->scratch + c->scratch_used;
        c->scratch_used += size;
        return p;
    }
    for (int i = 0; i < LVB_MAX_TEMPS; i++) {
        if (c->temps[i] == NULL) {
            c->temps[i] = lv_malloc(size ? size : 1);
            LV_ASSERT_MALLOC(c->temps[i]);
            return c->temps[i];
        }
    }
    lvb_trap(c, "too many temporary copies");
}

// --- Blobs the call holds ------------------------------------------------------------------

lvb_blob_t *lvb_blob_held(lvb_call_t *c, size_t size) {
    int i = 0;
    while (i < LVB_MAX_TEMPS && c->temps[i] != NULL) {
        i++;
    }
    if (i == LVB_MAX_TEMPS) {
        lvb_trap(c, "too many temporary copies");
    }
    c->temps[i] = lvb_blob_new(size);
    return c->temps[i];
}

static void unhold(lvb_call_t *c, lvb_blob_t *blob) {
    for (int i = 0; i < LVB_MAX_TEMPS; i++) {
        if (c->temps[i] == blob) {
            c->temps[i] = NULL;
        }
    }
}

void lvb_blob_attach(lvb_call_t *c, uint16_t index, uint8_t tag, lvb_blob_t *blob) {
    unhold(c, blob);
    lvb_blob_set(c->st, index, tag, blob);
}

lvb_blob_t *lvb_blob_attach_keep(lvb_call_t *c, uint16_t index, uint8_t tag, lvb_blob_t *blob) {
    unhold(c, blob);
    return lvb_blob_keep(c->st, index, tag, blob);
}

// --- Numbers and colours ------------------------------------------------------------------

float lvb_f32(lvb_call_t *c, int slot) {
    float v;
    memcpy(&v, &c->args[slot], sizeof(v));
    return v;
}

double lvb_f64(lvb_call_t *c, int slot) {
    double v;
    memcpy(&v, &c->args[slot], sizeof(v));
    return v;
}

int32_t lvb_enum(lvb_call_t *c, int slot, int32_t min, int32_t max, const char *type) {
    int32_t v = lvb_i32(c, slot);
    if (v < min || v > max) {
        lvb_trap(c, "argument %d: %d is not a %s (%d..%d)", slot + 1, (int)v, type, (int)min, (int)max);
    }
    return v;
}

lv_color_t lvb_color(lvb_call_t *c, int slot) {
    return lv_color_hex(lvb_u32(c, slot) & 0xffffff);
}

lv_color32_t lvb_color32(lvb_call_t *c, int slot) {
    uint32_t v = lvb_u32(c, slot);
    lv_color32_t c32 = { .blue = (uint8_t)v, .green = (uint8_t)(v >> 8), .red = (uint8_t)(v >> 16),
                         .alpha = (uint8_t)(v >> 24) };
    return c32;
}

void lvb_ret_i64(lvb_call_t *c, int64_t v) {
    memcpy(&c->args[0], &v, sizeof(v));
}

void lvb_ret_f32(lvb_call_t *c, float v) {
    memcpy(&c->args[0], &v, sizeof(v));
}

void lvb_ret_f64(lvb_call_t *c, double v) {
    memcpy(&c->args[0], &v, sizeof(v));
}

void lvb_ret_color(lvb_call_t *c, lv_color_t v) {
    lvb_ret_i32(c, (int32_t)((uint32_t)v.red << 16 | (uint32_t)v.green << 8 | v.blue));
}

void lvb_ret_color32(lvb_call_t *c, lv_color32_t v) {
    lvb_ret_i32(c, (int32_t)((uint32_t)v.alpha << 24 | (uint32_t)v.red << 16 | (uint32_t)v.green << 8 | v.blue));
}

// --- Handles ------------------------------------------------------------------------------

static const char *const kind_names[LVB_KIND_COUNT] = {
    "free", "object", "style", "timer", "animation", "group", "event", "chart series",
    "chart cursor", "span", "scale section",
};

static const char *article(lvb_kind_t kind) {
    return kind == LVB_OBJ || kind == LVB_ANIM || kind == LVB_EVENT ? "an" : "a";
}

// The entry of a handle argument, or a trap saying what is wrong with it.
static lvb_entry_t *entry_arg(lvb_call_t *c, int slot, lvb_kind_t kind, uint32_t h) {
    lvb_state_t *st = c->st;
    if ((h >> LVB_TAG_SHIFT) != st->tag) {
        if (lvb_state_by_tag(h >> LVB_TAG_SHIFT) != NULL) {
            lvb_trap(c, "argument %d: %s handle 0x%08x belongs to another instance", slot + 1,
                kind_names[kind], (unsigned)h);
        }
        lvb_trap(c, "argument %d: 0x%08x is not %s %s handle", slot + 1, (unsigned)h, article(kind),
            kind_names[kind]);
    }
    lvb_entry_t *e = lvb_entry_of_handle(st, h);
    if (e == NULL) {
        uint32_t index = h & (LVB_MAX_ENTRIES - 1);
        if (index < st->cap && index != 0) {
            lvb_trap(c, "argument %d: stale %s handle 0x%08x (it was deleted)", slot + 1,
                kind_names[kind], (unsigned)h);
        }
        lvb_trap(c, "argument %d: 0x%08x is not %s %s handle", slot + 1, (unsigned)h, article(kind),
            kind_names[kind]);
    }
    if (e->kind != kind) {
        lvb_trap(c, "argument %d: handle 0x%08x is %s %s, not %s %s", slot + 1, (unsigned)h,
            article(e->kind), kind_names[e->kind], article(kind), kind_names[kind]);
    }
    return e;
}

static bool null_arg(lvb_call_t *c, int slot, uint32_t h, unsigned flags, const char *what) {
    if (h != 0) {
        return false;
    }
    if (!(flags & LVB_NULLABLE)) {
        lvb_trap(c, "argument %d: %s must not be NULL", slot + 1, what);
    }
    return true;
}

lv_obj_t *lvb_obj(lvb_call_t *c, int slot, unsigned flags, const lv_obj_class_t *cls) {
    uint32_t h = lvb_u32(c, slot);
    if (null_arg(c, slot, h, flags, "the object")) {
        return NULL;
    }
    lv_obj_t *obj = entry_arg(c, slot, LVB_OBJ, h)->ptr;
    if (cls != NULL && !lv_obj_has_class(obj, cls)) {
        lvb_trap(c, "argument %d: the object's class is %s, not %s", slot + 1,
            obj->class_p->name ? obj->class_p->name : "?", cls->name ? cls->name : "?");
    }
    return obj;
}

void *lvb_handle(lvb_call_t *c, int slot, lvb_kind_t kind, unsigned flags) {
    uint32_t h = lvb_u32(c, slot);
    if (null_arg(c, slot, h, flags, kind_names[kind])) {
        return NULL;
    }
    return entry_arg(c, slot, kind, h)->ptr;
}

// A style argument is a pointer to the guest's lv_style_t, whose first
// word is the handle lv_style_init() wrote; or a style handle itself, as
// lv_span_get_style() returns (styles LVGL keeps inside its objects).
lv_style_t *lvb_style(lvb_call_t *c, int slot, unsigned flags) {
    uint32_t addr = lvb_u32(c, slot);
    if (null_arg(c, slot, addr, flags, "the style")) {
        return NULL;
    }
    lvb_entry_t *direct = lvb_entry_of_handle(c->st, addr);
    if (direct != NULL && direct->kind == LVB_STYLE) {
        return direct->ptr;
    }
    uint32_t h;
    if (!lvb_read_u32(c, addr, &h)) {
        lvb_trap(c, "argument %d: the style pointer 0x%08x is outside guest memory", slot + 1, (unsigned)addr);
    }
    if (h == 0) {
        lvb_trap(c, "argument %d: the style was not initialised (call lv_style_init first)", slot + 1);
    }
    return entry_arg(c, slot, LVB_STYLE, h)->ptr;
}

const lv_font_t *lvb_font(lvb_call_t *c, int slot, unsigned flags) {
    uint32_t h = lvb_u32(c, slot);
    if (null_arg(c, slot, h, flags, "the font")) {
        return NULL;
    }
    if (h <= LVB_FONT_TOKEN_BASE || h > LVB_FONT_TOKEN_BASE + lvb_fonts_len) {
        lvb_trap(c, "argument %d: 0x%08x is not a font (use the built-in lv_font_* fonts)", slot + 1,
            (unsigned)h);
    }
    return lvb_fonts[h - LVB_FONT_TOKEN_BASE - 1];
}

lv_display_t *lvb_display(lvb_call_t *c, int slot) {
    uint32_t h = lvb_u32(c, slot);
    if (h != 0 && h != LVB_DISPLAY_TOKEN) {
        lvb_trap(c, "argument %d: 0x%08x is not a display (use NULL or lv_display_get_default())", slot + 1,
            (unsigned)h);
    }
    return mp_display_lv_display();
}

lv_theme_t *lvb_theme(lvb_call_t *c, int slot, unsigned flags) {
    uint32_t h = lvb_u32(c, slot);
    if (null_arg(c, slot, h, flags, "the theme")) {
        return NULL;
    }
    lv_theme_t *th = NULL;
    if (h == LVB_THEME_TOKEN_BASE + 1 && lv_theme_default_is_inited()) {
        th = lv_theme_default_get();
    } else if (h == LVB_THEME_TOKEN_BASE + 2 && lv_theme_simple_is_inited()) {
        th = lv_theme_simple_get();
    }
    if (th == NULL) {
        lvb_trap(c, "argument %d: 0x%08x is not a theme", slot + 1, (unsigned)h);
    }
    return th;
}

lv_event_t *lvb_event(lvb_call_t *c, int slot) {
    uint32_t h = lvb_u32(c, slot);
    null_arg(c, slot, h, 0, "the event");
    return entry_arg(c, slot, LVB_EVENT, h)->ptr;
}

// --- Guest memory -------------------------------------------------------------------------

size_t lvb_guest_strlen(lvb_call_t *c, int slot, uint32_t addr) {
    // The string must end inside guest memory, within MAX_STR bytes.
    const char *p = mp_wasm_guest_ptr(c->env, addr, 1);
    if (p == NULL) {
        lvb_trap(c, "argument %d: the string pointer 0x%08x is outside guest memory", slot + 1, (unsigned)addr);
    }
    uint64_t start, end, avail = 0;
    if (wasm_runtime_get_app_addr_range(wasm_runtime_get_module_inst(c->env), addr, &start, &end)) {
        avail = end - addr;
    }
    size_t n = avail > MAX_STR ? MAX_STR : (size_t)avail;
    const char *nul = memchr(p, 0, n);
    if (nul == NULL) {
        if (avail > MAX_STR) {
            lvb_trap(c, "argument %d: the string at 0x%08x has no end inside guest memory (or is longer "
                "than %u KB)", slot + 1, (unsigned)addr, (unsigned)(MAX_STR / 1024));
        }
        lvb_trap(c, "argument %d: the string at 0x%08x has no end inside guest memory", slot + 1, (unsigned)addr);
    }
    return (size_t)(nul - p);
}

const char *lvb_str(lvb_call_t *c, int slot, unsigned flags) {
    uint32_t addr = lvb_u32(c, slot);
    if (null_arg(c, slot, addr, flags, "the string")) {
        return NULL;
    }
    size_t len = lvb_guest_strlen(c, slot, addr);
    char *copy = lvb_scratch(c, len + 1);
    // No Python ran since the length was checked: the memory is still there.
    memcpy(copy, mp_wasm_guest_ptr(c->env, addr, len + 1), len + 1);
    return copy;
}

void lvb_pod_in(lvb_call_t *c, int slot, void *dst, size_t size) {
    uint32_t addr = lvb_u32(c, slot);
    if (addr == 0) {
        lvb_trap(c, "argument %d: the pointer must not be NULL", slot + 1);
    }
    if (!mp_wasm_guest_read(c->env, addr, dst, size)) {
        lvb_trap(c, "argument %d: %u bytes at 0x%08x are outside guest memory", slot + 1, (unsigned)size,
            (unsigned)addr);
    }
}

void lvb_pod_out(lvb_call_t *c, int slot, const void *src, size_t size) {
    uint32_t addr = lvb_u32(c, slot);
    if (addr == 0 || !mp_wasm_guest_write(c->env, addr, src, size)) {
        lvb_trap(c, "argument %d: %u bytes at 0x%08x are outside guest memory", slot + 1, (unsigned)size,
            (unsigned)addr);
    }
}

void *lvb_pod_array(lvb_call_t *c, int slot, size_t elem_size, uint32_t count) {
    uint64_t size = (uint64_t)elem_size * count;
    uint32_t addr = lvb_u32(c, slot);
    if (addr == 0 || !mp_wasm_guest_check(c->env, addr, size)) {
        lvb_trap(c, "argument %d: %u elements at 0x%08x are outside guest memory", slot + 1, (unsigned)count,
            (unsigned)addr);
    }
    void *copy = lvb_scratch(c, (size_t)size);
    mp_wasm_guest_read(c->env, addr, copy, (size_t)size);
    return copy;
}

uint32_t lvb_outbuf_size(lvb_call_t *c, int slot, uint32_t size) {
    uint32_t addr = lvb_u32(c, slot);
    if (size == 0 || addr == 0 || !mp_wasm_guest_check(c->env, addr, size)) {
        lvb_trap(c, "argument %d: a buffer of %u bytes at 0x%08x is not in guest memory", slot + 1,
            (unsigned)size, (unsigned)addr);
    }
    return size > MAX_OUTBUF ? MAX_OUTBUF : size;
}

void lvb_outbuf_done(lvb_call_t *c, int slot, const char *buf, uint32_t size) {
    size_t len = strnlen(buf, size - 1);
    char *dst = mp_wasm_guest_ptr(c->env, lvb_u32(c, slot), len + 1);
    if (dst == NULL) {
        lvb_trap(c, "argument %d: the buffer left guest memory", slot + 1);
    }
    memcpy(dst, buf, len);
    dst[len] = '\0';
}

void lvb_ret_str(lvb_call_t *c, const char *s, int buf_slot) {
    if (s == NULL) {
        lvb_ret_i32(c, -1);
        return;
    }
    size_t len = strlen(s);
    uint32_t addr = lvb_u32(c, buf_slot), size = lvb_u32(c, buf_slot + 1);
    if (size > 0) {
        char *dst = mp_wasm_guest_ptr(c->env, addr, size);
        if (dst == NULL) {
            lvb_trap(c, "the result buffer (%u bytes at 0x%08x) is outside guest memory", (unsigned)size,
                (unsigned)addr);
        }
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, s, n);
        dst[n] = '\0';
    }
    lvb_ret_i32(c, len > INT32_MAX ? INT32_MAX : (int32_t)len);
}

// --- Results that are handles ---------------------------------------------------------------

void lvb_ret_obj(lvb_call_t *c, lv_obj_t *obj, bool created) {
    lvb_entry_t *e = lvb_obj_entry(c->st, obj);
    if (e != NULL && created) {
        e->flags &= ~LVB_PART;
    }
    lvb_ret_i32(c, e != NULL ? (int32_t)(uint32_t)(uintptr_t)obj->id : 0);
}

void lvb_ret_handle(lvb_call_t *c, lvb_kind_t kind, void *ptr) {
    int i = lvb_find(c->st, kind, ptr);
    lvb_ret_i32(c, i < 0 ? 0 : (int32_t)lvb_handle_of(c->st, (uint16_t)i));
}

void lvb_ret_font(lvb_call_t *c, const lv_font_t *font) {
    for (size_t i = 0; i < lvb_fonts_len; i++) {
        if (lvb_fonts[i] == font) {
            lvb_ret_i32(c, (int32_t)(LVB_FONT_TOKEN_BASE + i + 1));
            return;
        }
    }
    lvb_ret_i32(c, 0);
}

void lvb_ret_display(lvb_call_t *c, lv_display_t *disp) {
    lvb_ret_i32(c, disp != NULL && disp == mp_display_lv_display() ? (int32_t)LVB_DISPLAY_TOKEN : 0);
}

void lvb_ret_theme(lvb_call_t *c, lv_theme_t *theme) {
    uint32_t h = 0;
    if (theme != NULL && lv_theme_default_is_inited() && theme == lv_theme_default_get()) {
        h = LVB_THEME_TOKEN_BASE + 1;
    } else if (theme != NULL && lv_theme_simple_is_inited() && theme == lv_theme_simple_get()) {
        h = LVB_THEME_TOKEN_BASE + 2;
    }
    lvb_ret_i32(c, (int32_t)h);
}

// --- Guards of the object tree ----------------------------------------------------------------

static bool has_part_child(lvb_state_t *st, lv_obj_t *parent) {
    uint32_t n = lv_obj_get_child_count(parent);
    for (uint32_t i = 0; i < n; i++) {
        lvb_entry_t *e = lvb_obj_entry(st, lv_obj_get_child(parent, (int32_t)i));
        if (e == NULL || (e->flags & LVB_PART)) {
            return true;
        }
    }
    return false;
}

// Widgets find their parts by child index (a tab view its bar and pages):
// among the children of a widget, or of one of its parts, that have parts
// among them, the guest may not reorder. Plain containers and screens
// holding some other widget's part (an open dropdown's list) are fine.
void lvb_guard_reorder(lvb_call_t *c, lv_obj_t *obj) {
    lvb_guard_tree(c, obj);
    lvb_entry_t *e = lvb_obj_entry(c->st, obj);
    if (e->flags & (LVB_PART | LVB_ROOT)) {
        lvb_trap(c, "the object is %s: it cannot be moved", (e->flags & LVB_ROOT) ? "the app's root"
            : "a part of a widget");
    }
    lv_obj_t *parent = obj->parent;
    if (parent == NULL || !has_part_child(c->st, parent)) {
        return;
    }
    lvb_entry_t *pe = lvb_obj_entry(c->st, parent);
    if (parent->class_p != &lv_obj_class || pe == NULL || (pe->flags & LVB_PART)) {
        lvb_trap(c, "the object's parent has parts made by LVGL: its children cannot be reordered");
    }
}

const char *lvb_tree_busy;

void lvb_guard_tree(lvb_call_t *c, lv_obj_t *unused) {
    (void)unused;
    if (lvb_tree_busy != NULL) {
        lvb_trap(c, "objects cannot be deleted or moved inside an LV_EVENT_%s callback (LVGL is "
            "changing the object tree): use lv_obj_delete_async", lvb_tree_busy);
    }
}

void lvb_guard_delete(lvb_call_t *c, lv_obj_t *obj) {
    lvb_guard_tree(c, obj);
    lvb_guard_delete_later(c, obj);
}

void lvb_guard_delete_later(lvb_call_t *c, lv_obj_t *obj) {
    lvb_entry_t *e = lvb_obj_entry(c->st, obj);
    if (e->flags & LVB_PART) {
        lvb_trap(c, "the object is a part of a widget (made by LVGL): delete the widget instead");
    }
    if (obj->is_deleting) {
        lvb_trap(c, "the object is being deleted");
    }
}
