// Hand-written host functions for widgets: data LVGL keeps pointers to
// (copied into blobs that live with the object), handles that belong to a
// widget (chart series and cursors, spans, scale sections), images, and
// the canvas's pixel buffer.

#include <string.h>

#include "py/runtime.h"
#include "lvgl_bindings.h"
#include "lvgl_bindings_guest.h"
#include "lvgl_private.h"

// Longest NULL- or ""-terminated list a guest may pass (maps, labels).
#define MAX_LIST (512)
// Longest grid template.
#define MAX_GRID (64)

static uint16_t obj_index(const lv_obj_t *obj) {
    return (uint16_t)((uintptr_t)obj->id & (LVB_MAX_ENTRIES - 1));
}

// --- Images ---------------------------------------------------------------------------

// Each loads the image first: a path runs Python (a user VFS), which may
// delete objects or styles; the handles are resolved after it.

void lvb_i_lv_image_set_src(lvb_call_t *c) {
    lvb_blob_t *b = lvb_image_blob(c, 1, false);
    lv_obj_t *obj = lvb_obj(c, 0, 0, &lv_image_class);
    lv_image_set_src(obj, lvb_image_src_of(b));
    lvb_blob_attach(c, obj_index(obj), LVB_BLOB_IMAGE, b);   // the old one goes now
}

static void style_image(lvb_call_t *c, uint16_t index, lvb_blob_t **b) {
    *b = lvb_blob_attach_keep(c, index, LVB_BLOB_STYLE_IMAGE, *b);
}

// void lv_obj_set_style_bg_image_src(lv_obj_t *obj, const void *value, lv_style_selector_t selector)
void lvb_i_lv_obj_set_style_bg_image_src(lvb_call_t *c) {
    lvb_blob_t *b = lvb_image_blob(c, 1, true);
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    if (b != NULL) {
        style_image(c, obj_index(obj), &b);
    }
    lv_obj_set_style_bg_image_src(obj, b ? lvb_image_src_of(b) : NULL, lvb_u32(c, 2));
}

void lvb_i_lv_obj_set_style_arc_image_src(lvb_call_t *c) {
    lvb_blob_t *b = lvb_image_blob(c, 1, true);
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    if (b != NULL) {
        style_image(c, obj_index(obj), &b);
    }
    lv_obj_set_style_arc_image_src(obj, b ? lvb_image_src_of(b) : NULL, lvb_u32(c, 2));
}

static uint16_t style_index(lvb_call_t *c, lv_style_t *style) {
    return (uint16_t)lvb_find(c->st, LVB_STYLE, style);
}

void lvb_i_lv_style_set_bg_image_src(lvb_call_t *c) {
    lvb_blob_t *b = lvb_image_blob(c, 1, true);
    lv_style_t *style = lvb_style(c, 0, 0);
    if (b != NULL) {
        style_image(c, style_index(c, style), &b);
    }
    lv_style_set_bg_image_src(style, b ? lvb_image_src_of(b) : NULL);
}

void lvb_i_lv_style_set_arc_image_src(lvb_call_t *c) {
    lvb_blob_t *b = lvb_image_blob(c, 1, true);
    lv_style_t *style = lvb_style(c, 0, 0);
    if (b != NULL) {
        style_image(c, style_index(c, style), &b);
    }
    lv_style_set_arc_image_src(style, b ? lvb_image_src_of(b) : NULL);
}

// lv_obj_t *lv_list_add_button(lv_obj_t *list, const void *icon, const char *txt)
void lvb_i_lv_list_add_button(lvb_call_t *c) {
    lvb_blob_t *icon = lvb_image_blob(c, 1, true);
    lv_obj_t *list = lvb_obj(c, 0, 0, &lv_list_class);
    const char *txt = lvb_str(c, 2, LVB_NULLABLE);
    lv_obj_t *btn = lv_list_add_button(list, icon ? lvb_image_src_of(icon) : NULL, txt);
    lvb_entry_t *e = lvb_obj_entry(c->st, btn);
    if (icon != NULL) {
        if (e == NULL) {
            lv_obj_delete(btn);
            mp_display_raise(&mp_type_MemoryError, "lvgl: no room for another handle");
        }
        lvb_blob_attach(c, obj_index(btn), LVB_BLOB_IMAGE, icon);
    }
    lvb_ret_obj(c, btn, true);
}

void lvb_i_lv_dropdown_set_symbol(lvb_call_t *c) {
    lvb_blob_t *b = lvb_image_blob(c, 1, true);
    lv_obj_t *obj = lvb_obj(c, 0, 0, &lv_dropdown_class);
    lv_dropdown_set_symbol(obj, b ? lvb_image_src_of(b) : NULL);
    lvb_blob_attach(c, obj_index(obj), LVB_BLOB_SYMBOL, b);
}

// --- Arrays LVGL keeps --------------------------------------------------------------------

// void lv_line_set_points(lv_obj_t *obj, const lv_point_precise_t points[], uint32_t point_num)
void lvb_i_lv_line_set_points(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, &lv_line_class);
    uint32_t n = lvb_u32(c, 2);
    if (n > 0xffff) {
        lvb_trap(c, "argument 3: %u points (at most 65535)", (unsigned)n);
    }
    lvb_blob_t *b = lvb_blob_held(c, (size_t)n * sizeof(lv_point_precise_t));
    if (n > 0 && !mp_wasm_guest_read(c->env, lvb_u32(c, 1), b->data, b->size)) {
        lvb_trap(c, "argument 2: %u points at 0x%08x are outside guest memory", (unsigned)n,
            (unsigned)lvb_u32(c, 1));
    }
    lv_line_set_points(obj, (const lv_point_precise_t *)b->data, n);
    lvb_blob_attach(c, obj_index(obj), LVB_BLOB_LINE_POINTS, b);
}

// A grid template (int32_t values up to LV_GRID_TEMPLATE_LAST), or NULL.
static lvb_blob_t *grid_template(lvb_call_t *c, int slot) {
    uint32_t addr = lvb_u32(c, slot);
    if (addr == 0) {
        return NULL;
    }
    int32_t v[MAX_GRID];
    for (int i = 0; i < MAX_GRID; i++) {
        if (!mp_wasm_guest_read(c->env, addr + 4 * (uint32_t)i, &v[i], 4)) {
            lvb_trap(c, "argument %d: the grid template at 0x%08x leaves guest memory", slot + 1, (unsigned)addr);
        }
        if (v[i] == LV_GRID_TEMPLATE_LAST) {
            lvb_blob_t *b = lvb_blob_held(c, 4 * (size_t)(i + 1));
            memcpy(b->data, v, b->size);
            return b;
        }
    }
    lvb_trap(c, "argument %d: no LV_GRID_TEMPLATE_LAST within %d values", slot + 1, MAX_GRID);
}

// void lv_obj_set_grid_dsc_array(lv_obj_t *obj, const int32_t col_dsc[], const int32_t row_dsc[])
void lvb_i_lv_obj_set_grid_dsc_array(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, NULL);
    lvb_blob_t *col = grid_template(c, 1);
    lvb_blob_t *row = grid_template(c, 2);
    lv_obj_set_grid_dsc_array(obj, col ? (const int32_t *)col->data : NULL, row ? (const int32_t *)row->data : NULL);
    lvb_blob_attach(c, obj_index(obj), LVB_BLOB_GRID_COL, col);
    lvb_blob_attach(c, obj_index(obj), LVB_BLOB_GRID_ROW, row);
}

// A list of guest strings ending with "" (maps) or NULL (labels), copied
// into one blob: host pointers, then the texts. *count: entries before the end.
static lvb_blob_t *string_list(lvb_call_t *c, int slot, bool null_ends, uint32_t *count) {
    uint32_t addr = lvb_u32(c, slot);
    uint32_t ptrs[MAX_LIST];
    size_t text = 0;
    uint32_t n = 0;
    for (;; n++) {
        if (n == MAX_LIST) {
            lvb_trap(c, "argument %d: the list has no end within %d entries", slot + 1, MAX_LIST);
        }
        if (!lvb_read_u32(c, addr + 4 * n, &ptrs[n])) {
            lvb_trap(c, "argument %d: the list at 0x%08x leaves guest memory", slot + 1, (unsigned)addr);
        }
        if (ptrs[n] == 0) {
            if (null_ends) {
                break;
            }
            lvb_trap(c, "argument %d: entry %u is NULL", slot + 1, (unsigned)n);
        }
        size_t len = lvb_guest_strlen(c, slot, ptrs[n]);
        text += len + 1;
        if (!null_ends && len == 0) {
            break;
        }
    }
    size_t n_ptrs = n + 1;
    lvb_blob_t *b = lvb_blob_held(c, n_ptrs * sizeof(char *) + text);
    const char **out = (const char **)b->data;
    char *t = (char *)b->data + n_ptrs * sizeof(char *);
    for (uint32_t i = 0; i < n_ptrs; i++) {
        if (null_ends && i == n) {
            out[i] = NULL;
            break;
        }
        // Checked above; no Python ran since.
        const char *p = mp_wasm_guest_ptr(c->env, ptrs[i], 1);
        size_t len = strlen(p);
        memcpy(t, p, len + 1);
        out[i] = t;
        t += len + 1;
    }
    *count = n;
    return b;
}

// void lv_buttonmatrix_set_map(lv_obj_t *obj, const char *const map[])
void lvb_i_lv_buttonmatrix_set_map(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, &lv_buttonmatrix_class);
    uint32_t n;
    lvb_blob_t *b = string_list(c, 1, false, &n);
    lv_buttonmatrix_set_map(obj, (const char *const *)b->data);
    lvb_blob_attach(c, obj_index(obj), LVB_BLOB_MAP, b);
}

// void lv_buttonmatrix_set_ctrl_map(lv_obj_t *obj, const lv_buttonmatrix_ctrl_t ctrl_map[]): one per button.
void lvb_i_lv_buttonmatrix_set_ctrl_map(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, &lv_buttonmatrix_class);
    uint32_t n = ((lv_buttonmatrix_t *)obj)->btn_cnt;
    lv_buttonmatrix_ctrl_t *ctrl = lvb_pod_array(c, 1, sizeof(lv_buttonmatrix_ctrl_t), n);
    lv_buttonmatrix_set_ctrl_map(obj, ctrl);
}

// void lv_scale_set_text_src(lv_obj_t *obj, const char *txt_src[])
void lvb_i_lv_scale_set_text_src(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, &lv_scale_class);
    uint32_t n;
    lvb_blob_t *b = lvb_u32(c, 1) ? string_list(c, 1, true, &n) : NULL;
    lv_scale_set_text_src(obj, b ? (const char **)b->data : NULL);
    lvb_blob_attach(c, obj_index(obj), LVB_BLOB_SCALE_TEXT, b);
}

// void lv_calendar_set_highlighted_dates(lv_obj_t *obj, lv_calendar_date_t highlighted[], size_t date_num)
void lvb_i_lv_calendar_set_highlighted_dates(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, &lv_calendar_class);
    uint32_t n = lvb_u32(c, 2);
    if (n > 366) {
        lvb_trap(c, "argument 3: %u dates (at most 366)", (unsigned)n);
    }
    lvb_blob_t *b = lvb_blob_held(c, (size_t)n * sizeof(lv_calendar_date_t));
    if (n > 0 && !mp_wasm_guest_read(c->env, lvb_u32(c, 1), b->data, b->size)) {
        lvb_trap(c, "argument 2: %u dates at 0x%08x are outside guest memory", (unsigned)n, (unsigned)lvb_u32(c, 1));
    }
    lv_calendar_set_highlighted_dates(obj, (lv_calendar_date_t *)b->data, n);
    lvb_blob_attach(c, obj_index(obj), LVB_BLOB_DATES, b);
}

// --- Canvas -----------------------------------------------------------------------------

// void lv_canvas_set_buffer(lv_obj_t *obj, void *buf, int32_t w, int32_t h, lv_color_format_t cf):
// the pixels live in the firmware (draw into them with the lv_canvas_* functions).
void lvb_i_lv_canvas_set_buffer(lvb_call_t *c) {
    lv_obj_t *obj = lvb_obj(c, 0, 0, &lv_canvas_class);
    int32_t w = lvb_i32(c, 2), h = lvb_i32(c, 3);
    uint32_t cf = lvb_u32(c, 4);
    if (w < 1 || h < 1 || w > 1024 || h > 1024) {
        lvb_trap(c, "canvas size %dx%d is not 1..1024", (int)w, (int)h);
    }
    if (cf != LV_COLOR_FORMAT_RGB565 && cf != LV_COLOR_FORMAT_RGB888 && cf != LV_COLOR_FORMAT_XRGB8888
        && cf != LV_COLOR_FORMAT_ARGB8888 && cf != LV_COLOR_FORMAT_L8 && cf != LV_COLOR_FORMAT_A8) {
        lvb_trap(c, "canvas colour format %u is not supported", (unsigned)cf);
    }
    uint32_t stride = lv_draw_buf_width_to_stride((uint32_t)w, (lv_color_format_t)cf);
    lvb_blob_t *b = lvb_blob_held(c, (size_t)stride * (size_t)h);
    memset(b->data, 0, b->size);
    lv_canvas_set_buffer(obj, b->data, w, h, (lv_color_format_t)cf);
    lvb_blob_attach(c, obj_index(obj), LVB_BLOB_CANVAS, b);
}

// --- Handles that belong to a widget -------------------------------------------------------

static uint32_t dependent(lvb_call_t *c, lv_obj_t *owner, lvb_kind_t kind, void *ptr) {
    if (ptr == NULL) {
        mp_display_raise(&mp_type_MemoryError, "LVGL's memory pool is exhausted");
    }
    uint16_t i = lvb_entry_new(c->st, kind, ptr, 0);
    c->st->entries[i].parent = obj_index(owner) + 1;
    c->st->entries[obj_index(owner)].flags |= LVB_DEPENDENTS;
    return lvb_handle_of(c->st, i);
}

// The handle at `slot` must belong to the widget `owner`.
static uint16_t owned(lvb_call_t *c, int slot, const lv_obj_t *owner, lvb_kind_t kind) {
    lvb_handle(c, slot, kind, 0);
    uint32_t h = lvb_u32(c, slot);
    uint16_t i = (uint16_t)(h & (LVB_MAX_ENTRIES - 1));
    if (c->st->entries[i].parent != obj_index(owner) + 1) {
        lvb_trap(c, "argument %d: the handle belongs to another widget", slot + 1);
    }
    return i;
}

void lvb_check_dependent(lvb_call_t *c, int slot, const lv_obj_t *owner, lvb_kind_t kind) {
    owned(c, slot, owner, kind);
}

// lv_chart_series_t *lv_chart_add_series(lv_obj_t *obj, lv_color_t color, lv_chart_axis_t axis)
void lvb_i_lv_chart_add_series(lvb_call_t *c) {
    lv_obj_t *chart = lvb_obj(c, 0, 0, &lv_chart_class);
    uint8_t rgb[3];
    lvb_pod_in(c, 1, rgb, 3);   // lv_color_t by value: its address on wasm32
    uint32_t axis = lvb_u32(c, 2);
    if (axis != LV_CHART_AXIS_PRIMARY_Y && axis != LV_CHART_AXIS_SECONDARY_Y
        && axis != LV_CHART_AXIS_PRIMARY_X && axis != LV_CHART_AXIS_SECONDARY_X) {
        lvb_trap(c, "argument 3: %u is not an lv_chart_axis_t", (unsigned)axis);
    }
    lv_chart_series_t *ser = lv_chart_add_series(chart, lv_color_make(rgb[2], rgb[1], rgb[0]), (lv_chart_axis_t)axis);
    lvb_ret_i32(c, (int32_t)dependent(c, chart, LVB_SERIES, ser));
}

void lvb_i_lv_chart_remove_series(lvb_call_t *c) {
    lv_obj_t *chart = lvb_obj(c, 0, 0, &lv_chart_class);
    uint16_t i = owned(c, 1, chart, LVB_SERIES);
    lv_chart_series_t *ser = c->st->entries[i].ptr;
    lvb_entry_free(c->st, i);
    lv_chart_remove_series(chart, ser);
}

// lv_chart_cursor_t *lv_chart_add_cursor(lv_obj_t *obj, lv_color_t color, lv_dir_t dir)
void lvb_i_lv_chart_add_cursor(lvb_call_t *c) {
    lv_obj_t *chart = lvb_obj(c, 0, 0, &lv_chart_class);
    uint8_t rgb[3];
    lvb_pod_in(c, 1, rgb, 3);
    lv_chart_cursor_t *cur = lv_chart_add_cursor(chart, lv_color_make(rgb[2], rgb[1], rgb[0]),
        (lv_dir_t)(lvb_u32(c, 2) & LV_DIR_ALL));
    lvb_ret_i32(c, (int32_t)dependent(c, chart, LVB_CURSOR, cur));
}

void lvb_i_lv_chart_remove_cursor(lvb_call_t *c) {
    lv_obj_t *chart = lvb_obj(c, 0, 0, &lv_chart_class);
    uint16_t i = owned(c, 1, chart, LVB_CURSOR);
    lv_chart_cursor_t *cur = c->st->entries[i].ptr;
    lvb_entry_free(c->st, i);
    lv_chart_remove_cursor(chart, cur);
}

void lvb_i_lv_spangroup_add_span(lvb_call_t *c) {
    lv_obj_t *group = lvb_obj(c, 0, 0, &lv_spangroup_class);
    lvb_ret_i32(c, (int32_t)dependent(c, group, LVB_SPAN, lv_spangroup_add_span(group)));
}

void lvb_i_lv_spangroup_delete_span(lvb_call_t *c) {
    lv_obj_t *group = lvb_obj(c, 0, 0, &lv_spangroup_class);
    uint16_t i = owned(c, 1, group, LVB_SPAN);
    lv_span_t *span = c->st->entries[i].ptr;
    lvb_entry_free(c->st, i);
    lv_spangroup_delete_span(group, span);
}

// lv_style_t *lv_span_get_style(lv_span_t *span): a handle of the span's own
// style (pass it where an lv_style_t * goes).
void lvb_i_lv_span_get_style(lvb_call_t *c) {
    lv_span_t *span = lvb_handle(c, 0, LVB_SPAN, 0);
    lv_style_t *style = lv_span_get_style(span);
    int i = lvb_find(c->st, LVB_STYLE, style);
    if (i < 0) {
        uint16_t span_i = (uint16_t)lvb_find(c->st, LVB_SPAN, span);
        i = lvb_entry_new(c->st, LVB_STYLE, style, LVB_BORROWED);
        c->st->entries[i].parent = span_i + 1;
        c->st->entries[span_i].flags |= LVB_DEPENDENTS;
    }
    lvb_ret_i32(c, (int32_t)lvb_handle_of(c->st, (uint16_t)i));
}

void lvb_i_lv_scale_add_section(lvb_call_t *c) {
    lv_obj_t *scale = lvb_obj(c, 0, 0, &lv_scale_class);
    lvb_ret_i32(c, (int32_t)dependent(c, scale, LVB_SECTION, lv_scale_add_section(scale)));
}

// --- Keyboard -----------------------------------------------------------------------------

// LVGL's keyboard keeps its text area without noticing its deletion: the
// firmware clears it when the text area goes.
static void keyboard_ta_deleted(lv_event_t *e) {
    lv_obj_t *ta = lv_event_get_target_obj(e);
    uint32_t h = (uint32_t)(uintptr_t)lv_event_get_user_data(e);
    lvb_state_t *st = lvb_state_by_tag(h >> LVB_TAG_SHIFT);
    lvb_entry_t *kb = st != NULL ? lvb_entry_of_handle(st, h) : NULL;
    if (kb != NULL && kb->kind == LVB_OBJ && lv_keyboard_get_textarea(kb->ptr) == ta) {
        lv_keyboard_set_textarea(kb->ptr, NULL);
    }
}

void lvb_i_lv_keyboard_set_textarea(lvb_call_t *c) {
    lv_obj_t *kb = lvb_obj(c, 0, 0, &lv_keyboard_class);
    lv_obj_t *ta = lvb_obj(c, 1, LVB_NULLABLE, &lv_textarea_class);
    lv_keyboard_set_textarea(kb, ta);
    if (ta != NULL) {
        void *ud = (void *)(uintptr_t)kb->id;
        lv_obj_remove_event_cb_with_user_data(ta, keyboard_ta_deleted, ud);
        lv_obj_add_event_cb(ta, keyboard_ta_deleted, LV_EVENT_DELETE, ud);
    }
}
