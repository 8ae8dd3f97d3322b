// Hand-written host functions for objects, screens, events, styles,
// groups and themes (rules.CUSTOM in tools/lvgl_bindings says why each
// one is not generated). Each reads the raw arguments of LVGL's own C
// prototype as clang lowers it for wasm32.

#include <string.h>

#include "py/runtime.h"
#include "lvgl_bindings.h"
#include "lvgl_bindings_guest.h"
#include "lvgl_private.h"

static uint16_t obj_index(lv_obj_t *obj) {
    return (uint16_t)((uintptr_t)obj->id & (LVB_MAX_ENTRIES - 1));
}

// --- Screens ---------------------------------------------------------------------------

// The app's active screen: the display's, when it is the app's own,
// otherwise the app's root.
static lv_obj_t *active_screen(lvb_call_t *c) {
    lv_obj_t *scr = lv_display_get_screen_active(mp_display_lv_display());
    lvb_entry_t *e = lvb_obj_entry(c->st, scr);
    return e != NULL ? scr : lvb_root(c->st);
}

void lvb_i_lv_screen_active(lvb_call_t *c) {
    lvb_ret_obj(c, active_screen(c), false);
}

void lvb_i_lv_display_get_screen_active(lvb_call_t *c) {
    lvb_display(c, 0);
    lvb_ret_obj(c, active_screen(c), false);
}

void lvb_i_lv_screen_load(lvb_call_t *c) {
    lv_obj_t *scr = lvb_obj(c, 0, 0, NULL);
    if (scr->parent != NULL) {
        lvb_trap(c, "argument 1: the object is not a screen");
    }
    lv_screen_load(scr);
}

// --- Deleting and moving objects ---------------------------------------------------------

// Deleting the screen the display shows leaves it without one: the shared
// screen takes over first.
static void before_delete(lvb_call_t *c, lv_obj_t *obj) {
    lvb_guard_delete(c, obj);
    lv_display_t *disp = mp_display_lv_display();
    if (obj->parent == NULL && lv_display_get_screen_active(disp) == obj) {
        lv_screen_load(lvb_shared_screen());
    }
}

void lvb_i_lv_obj_delete(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    before_delete(c, obj);
    lv_obj_delete(obj);
}

void lvb_i_lv_obj_delete_delayed(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    lvb_guard_delete_later(c, obj);
    if (obj->parent == NULL) {
        lvb_trap(c, "argument 1: delete screens with lv_obj_delete");
    }
    lv_obj_delete_delayed(obj, lvb_u32(c, 1));
}

void lvb_i_lv_obj_delete_async(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    lvb_guard_delete_later(c, obj);
    if (obj->parent == NULL) {
        lvb_trap(c, "argument 1: delete screens with lv_obj_delete");
    }
    lv_obj_delete_async(obj);
}

void lvb_i_lv_obj_clean(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    uint32_t n = lv_obj_get_child_count(obj);
    for (uint32_t i = 0; i < n; i++) {
        lvb_entry_t *e = lvb_obj_entry(c->st, lv_obj_get_child(obj, (int32_t)i));
        if (e == NULL || (e->flags & LVB_PART)) {
            lvb_trap(c, "the object has parts made by LVGL: delete its own children one by one");
        }
    }
    if (obj->is_deleting) {
        lvb_trap(c, "the object is being deleted");
    }
    lvb_guard_tree(c, obj);
    lv_obj_clean(obj);
}

void lvb_i_lv_obj_set_parent(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    lv_obj_t *parent = lvb_obj(c, 1, 0, NULL);
    lvb_entry_t *e = lvb_obj_entry(c->st, obj);
    if (e->flags & (LVB_PART | LVB_ROOT)) {
        lvb_trap(c, "argument 1: %s cannot be moved", (e->flags & LVB_ROOT) ? "the app's root"
            : "a part of a widget");
    }
    if (obj->parent == NULL) {
        lvb_trap(c, "argument 1: a screen has no parent");
    }
    for (lv_obj_t *p = parent; p != NULL; p = p->parent) {
        if (p == obj) {
            lvb_trap(c, "argument 2: the new parent is inside the object");
        }
    }
    lvb_guard_tree(c, obj);
    lv_obj_set_parent(obj, parent);
}

void lvb_i_lv_obj_is_valid(lvb_call_t *c) {
    uint32_t h = lvb_u32(c, 0);
    lvb_entry_t *e = lvb_entry_of_handle(c->st, h);
    lvb_ret_i32(c, e != NULL && e->kind == LVB_OBJ);
}

void lvb_i_lv_obj_set_user_data(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    c->st->entries[obj_index(obj)].user_data = lvb_u32(c, 1);
}

void lvb_i_lv_obj_get_user_data(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    lvb_ret_i32(c, (int32_t)c->st->entries[obj_index(obj)].user_data);
}

// --- Events ------------------------------------------------------------------------------

// lv_event_dsc_t *lv_obj_add_event_cb(lv_obj_t *obj, lv_event_cb_t cb, lv_event_code_t filter, void *user_data)
void lvb_i_lv_obj_add_event_cb(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    uint32_t func = lvb_u32(c, 1);
    lvb_check_callback(c, func, "(i)");
    lvb_event_rec_t *rec = lv_malloc(sizeof(lvb_event_rec_t));
    LV_ASSERT_MALLOC(rec);
    rec->side.type = LVB_SIDE_EVENT;
    rec->side.tag = 0;
    rec->st = c->st;
    rec->func = func;
    rec->user_data = lvb_u32(c, 3);
    rec->filter = (lv_event_code_t)lvb_u32(c, 2);
    lvb_side_add(c->st, obj_index(obj), &rec->side);
    lv_event_dsc_t *dsc = lv_obj_add_event_cb(obj, lvb_event_trampoline, rec->filter, rec);
    lvb_ret_i32(c, dsc != NULL);
}

// Removes the app's callbacks of `obj` matching func (and user data when
// `match_ud`); how many.
static uint32_t remove_event_cbs(lvb_call_t *c, lv_obj_t *obj, uint32_t func, bool match_ud, uint32_t ud,
    bool first_only) {
    uint32_t n = 0;
    lvb_entry_t *e = &c->st->entries[obj_index(obj)];
    for (lvb_side_t **p = &e->side; *p != NULL;) {
        lvb_event_rec_t *rec = (lvb_event_rec_t *)*p;
        if ((*p)->type == LVB_SIDE_EVENT && rec->func == func && (!match_ud || rec->user_data == ud)) {
            lv_obj_remove_event_cb_with_user_data(obj, lvb_event_trampoline, rec);
            *p = (*p)->next;
            lv_free(rec);
            n++;
            if (first_only) {
                break;
            }
        } else {
            p = &(*p)->next;
        }
    }
    return n;
}

void lvb_i_lv_obj_remove_event_cb(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    lvb_ret_i32(c, remove_event_cbs(c, obj, lvb_u32(c, 1), false, 0, true) > 0);
}

void lvb_i_lv_obj_remove_event_cb_with_user_data(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    lvb_ret_i32(c, (int32_t)remove_event_cbs(c, obj, lvb_u32(c, 1), true, lvb_u32(c, 2), false));
}

void lvb_i_lv_obj_get_event_count(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    uint32_t n = 0;
    for (lvb_side_t *s = c->st->entries[obj_index(obj)].side; s != NULL; s = s->next) {
        n += s->type == LVB_SIDE_EVENT;
    }
    lvb_ret_i32(c, (int32_t)n);
}

// Events LVGL itself sends without a parameter: a guest may send these (and
// its own registered codes). Others carry LVGL data (a key, a point, a
// draw context) that LVGL's handlers would read from the guest's pointer.
static bool sendable(uint32_t code) {
    switch (code) {
        case LV_EVENT_PRESSED:
        case LV_EVENT_PRESSING:
        case LV_EVENT_PRESS_LOST:
        case LV_EVENT_SHORT_CLICKED:
        case LV_EVENT_SINGLE_CLICKED:
        case LV_EVENT_DOUBLE_CLICKED:
        case LV_EVENT_TRIPLE_CLICKED:
        case LV_EVENT_LONG_PRESSED:
        case LV_EVENT_LONG_PRESSED_REPEAT:
        case LV_EVENT_CLICKED:
        case LV_EVENT_RELEASED:
        case LV_EVENT_FOCUSED:
        case LV_EVENT_DEFOCUSED:
        case LV_EVENT_LEAVE:
        case LV_EVENT_VALUE_CHANGED:
        case LV_EVENT_READY:
        case LV_EVENT_CANCEL:
            return true;
        default:
            return code > LV_EVENT_LAST && code < LV_EVENT_PREPROCESS;
    }
}

// lv_result_t lv_obj_send_event(lv_obj_t *obj, lv_event_code_t code, void *param)
void lvb_i_lv_obj_send_event(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    uint32_t code = lvb_u32(c, 1);
    if (!sendable(code) || code > LV_EVENT_LAST + (LV_GLOBAL_DEFAULT()->event_last_register_id)) {
        lvb_trap(c, "argument 2: event %u cannot be sent by a guest", (unsigned)code);
    }
    if (lvb_u32(c, 2) != 0) {
        lvb_trap(c, "argument 3: the parameter must be NULL (guest data cannot go to LVGL)");
    }
    lvb_ret_i32(c, lv_obj_send_event(obj, (lv_event_code_t)code, NULL));
}

void lvb_i_lv_event_get_user_data(lvb_call_t *c) {
    lvb_event(c, 0);
    lvb_ret_i32(c, (int32_t)lvb_entry_of_handle(c->st, lvb_u32(c, 0))->user_data);
}

void lvb_i_lv_event_get_param(lvb_call_t *c) {
    lvb_event(c, 0);
    lvb_ret_i32(c, 0);
}

void lvb_i_lv_event_get_target(lvb_call_t *c) {
    lv_event_t *e = lvb_event(c, 0);
    lvb_ret_obj(c, lv_event_get_target_obj(e), false);
}

void lvb_i_lv_event_get_current_target(lvb_call_t *c) {
    lv_event_t *e = lvb_event(c, 0);
    lvb_ret_obj(c, lv_event_get_current_target_obj(e), false);
}

// --- Styles ------------------------------------------------------------------------------

// void lv_style_init(lv_style_t *style): the style lives in the firmware;
// the guest's lv_style_t keeps its handle. Initialising it again resets
// the same style (LVGL would leak its properties).
void lvb_i_lv_style_init(lvb_call_t *c) {
    uint32_t addr = lvb_u32(c, 0);
    lvb_guest_style_t g;
    lvb_pod_in(c, 0, &g, sizeof(g));
    lvb_entry_t *e = lvb_entry_of_handle(c->st, g.handle);
    if (e != NULL && e->kind == LVB_STYLE && !(e->flags & LVB_BORROWED)) {
        lv_style_reset(e->ptr);
        lv_style_init(e->ptr);
        return;
    }
    lv_style_t *style = lv_malloc(sizeof(lv_style_t));
    LV_ASSERT_MALLOC(style);
    lv_style_init(style);
    nlr_buf_t nlr;
    uint16_t i;
    if (nlr_push(&nlr) == 0) {
        i = lvb_entry_new(c->st, LVB_STYLE, style, 0);
        nlr_pop();
    } else {
        lv_free(style);
        nlr_jump(nlr.ret_val);
    }
    lvb_guest_style_t out = { lvb_handle_of(c->st, i), { 0, 0 } };
    if (!mp_wasm_guest_write(c->env, addr, &out, sizeof(out))) {
        lvb_trap(c, "argument 1: the style is outside guest memory");
    }
}

void lvb_i_lv_style_copy(lvb_call_t *c) {
    lv_style_t *dst = lvb_style(c, 0, 0);
    lv_style_t *src = lvb_style(c, 1, 0);
    if (dst != src) {
        lv_style_copy(dst, src);
    }
}

// --- Groups and themes ------------------------------------------------------------------

void lvb_i_lv_group_create(lvb_call_t *c) {
    lv_group_t *g = lv_group_create();
    LV_ASSERT_MALLOC(g);
    nlr_buf_t nlr;
    uint16_t i;
    if (nlr_push(&nlr) == 0) {
        i = lvb_entry_new(c->st, LVB_GROUP, g, 0);
        nlr_pop();
    } else {
        lv_group_delete(g);
        nlr_jump(nlr.ret_val);
    }
    lvb_ret_i32(c, (int32_t)lvb_handle_of(c->st, i));
}

void lvb_i_lv_group_delete(lvb_call_t *c) {
    lv_group_t *g = lvb_handle(c, 0, LVB_GROUP, 0);
    lvb_entry_free(c->st, (uint16_t)lvb_find(c->st, LVB_GROUP, g));
    lv_group_delete(g);
}

// lv_theme_t *lv_theme_default_init(lv_display_t *disp, lv_color_t primary,
//     lv_color_t secondary, bool dark, const lv_font_t *font): display-wide.
void lvb_i_lv_theme_default_init(lvb_call_t *c) {
    lv_display_t *disp = lvb_display(c, 0);
    lv_color_t primary, secondary;
    uint8_t rgb[3];
    // lv_color_t is three bytes: passed by pointer on wasm32.
    lvb_pod_in(c, 1, rgb, 3);
    primary = lv_color_make(rgb[2], rgb[1], rgb[0]);
    lvb_pod_in(c, 2, rgb, 3);
    secondary = lv_color_make(rgb[2], rgb[1], rgb[0]);
    bool dark = lvb_i32(c, 3) != 0;
    const lv_font_t *font = lvb_font(c, 4, LVB_NULLABLE);
    lvb_ret_theme(c, lv_theme_default_init(disp, primary, secondary, dark, font ? font : LV_FONT_DEFAULT));
}

void lvb_i_lv_theme_simple_init(lvb_call_t *c) {
    lvb_ret_theme(c, lv_theme_simple_init(lvb_display(c, 0)));
}
