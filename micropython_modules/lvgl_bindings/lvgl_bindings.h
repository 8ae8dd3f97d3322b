// LVGL for guests: the runtime under the generated host functions of the
// import module "lvgl" (tools/lvgl_bindings writes lvgl_bindings_gen.c).
//
// Every call from a guest runs through lvb_run(): inside the display's lock,
// under an exception boundary that leaves LVGL consistent, with the calling
// instance's state (lvb_state_t). Arguments are converted by the lvb_*
// helpers below, which trap the guest (wasm.Trap with the function's name
// and the reason) on anything invalid: a handle that is stale, forged,
// another instance's or of the wrong kind, an object of the wrong widget
// class, a pointer or length outside guest memory. Nothing ever keeps a
// pointer into guest memory: strings, arrays and structs are copied.
//
// Handles: bits 31..20 the instance's tag (1..4095), 19..12 a generation,
// 11..0 the index in the instance's table. Values below 1 << 20 (tag 0)
// are global tokens: the built-in fonts, the display and its themes.
#ifndef MICROPY_INCLUDED_LVGL_BINDINGS_H
#define MICROPY_INCLUDED_LVGL_BINDINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "py/obj.h"
#include "modwasm.h"
#include "wasm_native_call.h"
#include "display.h"
#include "lvgl.h"

#ifndef MICROPY_WASM_LVGL_STATS
#define MICROPY_WASM_LVGL_STATS (0)
#endif

// How deep guest callbacks may nest (an event callback sending an event,
// whose callback ...): sized for the ESP32's 16 KB task stack (README
// "Graphics for guests"); deeper, the innermost callback traps.
#ifndef MICROPY_WASM_LVGL_MAX_NESTING
#define MICROPY_WASM_LVGL_MAX_NESTING (3)
#endif

// --- Handles ---------------------------------------------------------------------

typedef enum {
    LVB_FREE = 0,
    LVB_OBJ,
    LVB_STYLE,
    LVB_TIMER,
    LVB_ANIM,
    LVB_GROUP,
    LVB_EVENT,
    LVB_SERIES,
    LVB_CURSOR,
    LVB_SPAN,
    LVB_SECTION,
    LVB_KIND_COUNT,
} lvb_kind_t;

#define LVB_INDEX_BITS (12)
#define LVB_GEN_BITS (8)
#define LVB_MAX_ENTRIES (1 << LVB_INDEX_BITS)
#define LVB_TAG_SHIFT (LVB_INDEX_BITS + LVB_GEN_BITS)
#define LVB_MAX_TAG ((1u << (32 - LVB_TAG_SHIFT)) - 1)

// Global tokens (tools/lvgl_bindings/fonts.py writes the same numbers).
#define LVB_FONT_TOKEN_BASE (0x000F1000u)
#define LVB_DISPLAY_TOKEN (0x000F2001u)
#define LVB_THEME_TOKEN_BASE (0x000F3000u)

// Entry flags.
#define LVB_PART (0x01)       // made by LVGL inside a widget: not deletable by the guest
#define LVB_ROOT (0x02)       // the instance's root (screen or area)
#define LVB_BORROWED (0x04)   // a style inside an LVGL object (a span's): not freed by us
#define LVB_DEPENDENTS (0x08) // other entries depend on this one (series of a chart, ...)

// Data kept with an entry, freed with it: event callbacks, copies of
// guest data LVGL keeps pointers to (line points, maps, images, ...).
typedef struct _lvb_side_t {
    struct _lvb_side_t *next;
    uint8_t type;     // LVB_SIDE_*
    uint8_t tag;      // which copy (LVB_BLOB_*), for blobs
} lvb_side_t;

enum { LVB_SIDE_EVENT = 1, LVB_SIDE_BLOB };

typedef struct _lvb_state_t lvb_state_t;

typedef struct {
    lvb_side_t side;
    lvb_state_t *st;
    uint32_t func;          // guest table index
    uint32_t user_data;     // the guest's value
    lv_event_code_t filter;
} lvb_event_rec_t;

typedef struct {
    lvb_side_t side;
    size_t size;
    uint32_t hash;
    lv_image_dsc_t dsc;     // images: the descriptor LVGL gets (data points into `data`)
    uint8_t data[] __attribute__((aligned(8)));
} lvb_blob_t;

enum {
    LVB_BLOB_LINE_POINTS = 1, LVB_BLOB_GRID_COL, LVB_BLOB_GRID_ROW, LVB_BLOB_MAP, LVB_BLOB_SCALE_TEXT,
    LVB_BLOB_DATES, LVB_BLOB_SYMBOL, LVB_BLOB_CANVAS, LVB_BLOB_IMAGE, LVB_BLOB_STYLE_IMAGE,
};

typedef struct {
    void *ptr;              // the LVGL thing; NULL when free
    lvb_side_t *side;
    uint32_t user_data;     // the guest's user data (objects, timers), or a guest function
    uint16_t next_free;     // free list (FIFO: slots are reused as late as possible)
    uint16_t parent;        // entry this one depends on, plus 1 (0: none)
    uint8_t kind;
    uint8_t gen;
    uint8_t flags;
} lvb_entry_t;

struct _lvb_state_t {
    lvb_state_t *next;                // the live states
    mp_obj_wasm_instance_t *inst;     // NULL once the instance is gone (cleanup pending)
    lvb_entry_t *entries;
    uint16_t cap, used;
    uint16_t free_head, free_tail;    // 0xffff: empty
    uint16_t tag;
    uint16_t counts[LVB_KIND_COUNT];
    lv_obj_t *root;
    lv_area_t area;                   // the root's area on the shared screen
    bool in_area;                     // the root is an area, not a screen
    bool failed;                      // a callback raised: no more until it is reported
    bool closing;                     // being deleted: no callbacks
};

// --- A call from the guest ---------------------------------------------------------

#define LVB_SCRATCH (256)
#define LVB_MAX_TEMPS (6)

typedef struct _lvb_call_t {
    wasm_exec_env_t env;
    uint64_t *args;
    lvb_state_t *st;
    const char *name;
    void *temps[LVB_MAX_TEMPS];     // larger copies and held blobs (lv_malloc), freed after the call
    size_t scratch_used;
    uint8_t scratch[LVB_SCRATCH] __attribute__((aligned(8)));
} lvb_call_t;

// The host functions (generated): what lvb_run calls, by index.
typedef struct {
    void (*impl)(lvb_call_t *c);
    const char *name;
    bool allocates;     // may take LVGL memory (checked against the reserve)
} lvb_fn_t;

// LVGL must never run out of memory inside a guest's call (its code would
// stop half-way, leaving a widget inconsistent): calls that may allocate
// are refused while less than this is free, and no single request of a
// guest (sizes, counts, copies) may be near it. Rendering needs its layer
// buffers from the same pool too.
size_t lvb_reserve(void);
size_t lvb_lvgl_free(void);
extern const lvb_fn_t lvb_fns[];
extern const size_t lvb_fns_len;
#if MICROPY_WASM_LVGL_STATS
extern uint32_t lvb_calls[];   // per host function (tests)
#endif

int32_t lvb_run(wasm_exec_env_t env, uint64_t *args, uint16_t fn);
NORETURN void lvb_trap(lvb_call_t *c, const char *fmt, ...);

// Temporary memory for one call (copies of guest data); freed by lvb_run.
void *lvb_scratch(lvb_call_t *c, size_t size);

// Flags of the argument helpers.
#define LVB_NULLABLE (0x01)

static inline int32_t lvb_i32(lvb_call_t *c, int slot) {
    return mp_wasm_arg_i32(c->args, slot);
}
static inline uint32_t lvb_u32(lvb_call_t *c, int slot) {
    return mp_wasm_arg_u32(c->args, slot);
}
// A value of a plain enum type, checked against its range.
int32_t lvb_enum(lvb_call_t *c, int slot, int32_t min, int32_t max, const char *type);
static inline int64_t lvb_i64(lvb_call_t *c, int slot) {
    return mp_wasm_arg_i64(c->args, slot);
}
// A 32-bit word of guest memory (every target is little-endian, as wasm).
static inline bool lvb_read_u32(lvb_call_t *c, uint32_t addr, uint32_t *v) {
    return mp_wasm_guest_read(c->env, addr, v, sizeof(*v));
}
float lvb_f32(lvb_call_t *c, int slot);
double lvb_f64(lvb_call_t *c, int slot);
lv_color_t lvb_color(lvb_call_t *c, int slot);
lv_color32_t lvb_color32(lvb_call_t *c, int slot);

lv_obj_t *lvb_obj(lvb_call_t *c, int slot, unsigned flags, const lv_obj_class_t *cls);
void *lvb_handle(lvb_call_t *c, int slot, lvb_kind_t kind, unsigned flags);
lv_style_t *lvb_style(lvb_call_t *c, int slot, unsigned flags);
const lv_font_t *lvb_font(lvb_call_t *c, int slot, unsigned flags);
lv_display_t *lvb_display(lvb_call_t *c, int slot);
lv_theme_t *lvb_theme(lvb_call_t *c, int slot, unsigned flags);
lv_event_t *lvb_event(lvb_call_t *c, int slot);
const char *lvb_str(lvb_call_t *c, int slot, unsigned flags);
// Length of the guest string at `addr` (an argument at `slot`), or a trap.
size_t lvb_guest_strlen(lvb_call_t *c, int slot, uint32_t addr);
void lvb_check_dependent(lvb_call_t *c, int slot, const lv_obj_t *owner, lvb_kind_t kind);
void lvb_pod_in(lvb_call_t *c, int slot, void *dst, size_t size);
void lvb_pod_out(lvb_call_t *c, int slot, const void *src, size_t size);
void *lvb_pod_array(lvb_call_t *c, int slot, size_t elem_size, uint32_t count);
uint32_t lvb_outbuf_size(lvb_call_t *c, int slot, uint32_t size);
void lvb_outbuf_done(lvb_call_t *c, int slot, const char *buf, uint32_t size);

static inline void lvb_ret_i32(lvb_call_t *c, int32_t v) {
    mp_wasm_ret_i32(c->args, v);
}
void lvb_ret_i64(lvb_call_t *c, int64_t v);
void lvb_ret_f32(lvb_call_t *c, float v);
void lvb_ret_f64(lvb_call_t *c, double v);
void lvb_ret_color(lvb_call_t *c, lv_color_t v);
void lvb_ret_color32(lvb_call_t *c, lv_color32_t v);
// `created`: the object is the one this call made for the guest (not a part).
void lvb_ret_obj(lvb_call_t *c, lv_obj_t *obj, bool created);
void lvb_ret_handle(lvb_call_t *c, lvb_kind_t kind, void *ptr);
void lvb_ret_font(lvb_call_t *c, const lv_font_t *font);
void lvb_ret_display(lvb_call_t *c, lv_display_t *disp);
void lvb_ret_theme(lvb_call_t *c, lv_theme_t *theme);
// Copies `s` into the guest's buffer (slots buf_slot, buf_slot + 1) and
// returns its length, or -1 for NULL.
void lvb_ret_str(lvb_call_t *c, const char *s, int buf_slot);

// Guards of calls that change the object tree.
void lvb_guard_reorder(lvb_call_t *c, lv_obj_t *obj);
void lvb_guard_delete(lvb_call_t *c, lv_obj_t *obj);
// lv_obj_delete_async/_delayed: the deletion runs later, from LVGL's timers.
void lvb_guard_delete_later(lvb_call_t *c, lv_obj_t *obj);
// Nothing may be deleted or moved while a guest handles an event LVGL sends
// in the middle of changing the tree (deleting, laying out objects, ...).
void lvb_guard_tree(lvb_call_t *c, lv_obj_t *unused);
extern const char *lvb_tree_busy;   // that event's name (LV_EVENT_...), or NULL

// --- State and handles (lvgl_bindings_state.c) ---------------------------------------

lvb_state_t *lvb_state_of(mp_obj_wasm_instance_t *inst);     // creates it
lvb_state_t *lvb_current(void);                               // the app running LVGL code now
void lvb_set_current(lvb_state_t *st);
lvb_state_t *lvb_state_by_tag(uint32_t tag);
lvb_entry_t *lvb_entry_of_handle(lvb_state_t *st, uint32_t handle);
uint32_t lvb_handle_of(lvb_state_t *st, uint16_t index);
// A new entry (raises MemoryError when the table or LVGL's pool is full).
uint16_t lvb_entry_new(lvb_state_t *st, lvb_kind_t kind, void *ptr, uint8_t flags);
void lvb_entry_free(lvb_state_t *st, uint16_t index);
// The entry of `ptr` of `kind` in `st`, or -1.
int lvb_find(lvb_state_t *st, lvb_kind_t kind, const void *ptr);
// The entry of an object, when it belongs to `st`, or NULL.
lvb_entry_t *lvb_obj_entry(lvb_state_t *st, const lv_obj_t *obj);
lv_obj_t *lvb_root(lvb_state_t *st);
lv_obj_t *lvb_shared_screen(void);
void lvb_side_add(lvb_state_t *st, uint16_t index, lvb_side_t *side);
// Replaces the entry's blob of `tag` by `blob` (NULL: drops it).
void lvb_blob_set(lvb_state_t *st, uint16_t index, uint8_t tag, lvb_blob_t *blob);
lvb_blob_t *lvb_blob_new(size_t size);
// A blob the call holds until it is attached (lvb_blob_attach, _attach_keep):
// freed by lvb_run when the call traps or raises first.
lvb_blob_t *lvb_blob_held(lvb_call_t *c, size_t size);
void lvb_blob_attach(lvb_call_t *c, uint16_t index, uint8_t tag, lvb_blob_t *blob);
lvb_blob_t *lvb_blob_attach_keep(lvb_call_t *c, uint16_t index, uint8_t tag, lvb_blob_t *blob);
// Keeps `blob` with the entry unless an equal one is there: returns the one kept.
lvb_blob_t *lvb_blob_keep(lvb_state_t *st, uint16_t index, uint8_t tag, lvb_blob_t *blob);
void lvb_instance_delete_all(lvb_state_t *st);

// --- Callbacks (lvgl_bindings_callbacks.c) ----------------------------------------

// Calls guest function `func` (table index) of `st` with i32 arguments;
// a failure is kept for reporting (lvb_report), never raised here.
// Returns false when the call did not happen or failed.
bool lvb_call_guest(lvb_state_t *st, uint32_t func, const char *sig, int n, const uint32_t *argv,
    uint32_t *result);
// Checks at registration that `func` is a guest function of signature `sig`.
void lvb_check_callback(lvb_call_t *c, uint32_t func, const char *sig);
// Raises what a callback of this instance left (called by lvb_run).
void lvb_report(lvb_state_t *st);
void lvb_event_trampoline(lv_event_t *e);
void lvb_anims_delete_all(lvb_state_t *st);
bool lvb_anim_stop(lvb_state_t *st, uint16_t index);
void lvb_timers_delete_all(lvb_state_t *st);

// --- Images (lvgl_bindings_images.c) ------------------------------------------------

// An image source argument: a guest lv_image_dsc_t, a symbol, or a path in
// the guest's WASI preopens (LVGL's binary image format), copied into a new
// blob the call holds (NULL for a NULL source when allowed). Attach it to
// the entry that uses it (lvb_blob_attach after LVGL took it, or
// lvb_blob_attach_keep). A path runs Python (a user VFS may delete
// objects): resolve handle arguments after this.
lvb_blob_t *lvb_image_blob(lvb_call_t *c, int slot, bool nullable);
// What LVGL gets for an image blob: its descriptor, or the symbol's text.
const void *lvb_image_src_of(lvb_blob_t *b);

// The built-in fonts (generated).
extern const lv_font_t *const lvb_fonts[];
extern const size_t lvb_fonts_len;

#endif // MICROPY_INCLUDED_LVGL_BINDINGS_H
