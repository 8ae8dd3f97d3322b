/*
 * lvgl/sdk.h - the hand-written part of the guest SDK for LVGL (included
 * by <lvgl.h>, after the generated types and before the generated
 * functions).
 *
 * - Colour helpers (lv_color_hex, lv_color_make, ...): plain arithmetic on
 *   LVGL's own lv_color_t, no call into the firmware. Host functions take
 *   and return colours as 0xRRGGBB numbers; the generated wrappers convert.
 * - Animation templates (lv_anim_init, lv_anim_set_*): an lv_anim_t is the
 *   guest's own memory; lv_anim_start() copies it into the firmware and
 *   returns a handle to the running animation. Callbacks are guest
 *   functions. LVGL's path functions (lv_anim_path_ease_out, ...) are
 *   tokens the firmware maps to its own: pass them, do not call them.
 * - Strings returned by LVGL getters (lv_label_get_text, ...) are copies in
 *   a ring of four guest buffers: valid until four more such calls.
 */
#ifndef LVGL_SDK_H
#define LVGL_SDK_H

#include <stdlib.h>

/* --- Colours ------------------------------------------------------------- */

static inline lv_color_t lv_color_make(uint8_t r, uint8_t g, uint8_t b) {
    lv_color_t c;
    c.red = r;
    c.green = g;
    c.blue = b;
    return c;
}

static inline lv_color_t lv_color_hex(uint32_t c) {
    return lv_color_make((uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c);
}

static inline lv_color_t lv_color_hex3(uint32_t c) {
    return lv_color_make((uint8_t)(((c >> 4) & 0xF0) | ((c >> 8) & 0xF)),
        (uint8_t)((c & 0xF0) | ((c & 0xF0) >> 4)), (uint8_t)((c & 0xF) | ((c & 0xF) << 4)));
}

static inline lv_color32_t lv_color32_make(uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
    lv_color32_t c;
    c.red = r;
    c.green = g;
    c.blue = b;
    c.alpha = a;
    return c;
}

static inline lv_color_t lv_color_white(void) {
    return lv_color_make(0xff, 0xff, 0xff);
}

static inline lv_color_t lv_color_black(void) {
    return lv_color_make(0, 0, 0);
}

static inline uint32_t lv_color_to_u32(lv_color_t c) {
    return 0xff000000u | ((uint32_t)c.red << 16) | ((uint32_t)c.green << 8) | c.blue;
}

static inline uint32_t lv_color_to_int(lv_color_t c) {
    return ((uint32_t)c.red << 16) | ((uint32_t)c.green << 8) | c.blue;
}

static inline bool lv_color_eq(lv_color_t a, lv_color_t b) {
    return lv_color_to_int(a) == lv_color_to_int(b);
}

static inline bool lv_color32_eq(lv_color32_t a, lv_color32_t b) {
    return a.red == b.red && a.green == b.green && a.blue == b.blue && a.alpha == b.alpha;
}

static inline lv_color32_t lv_color_to_32(lv_color_t c, lv_opa_t opa) {
    return lv_color32_make(c.red, c.green, c.blue, opa);
}

static inline int32_t lv_pct(int32_t x) {
    return LV_PCT(x);
}

/* What the generated wrappers use to pass colours as numbers. */
static inline uint32_t __lvgl_color_to_u32(lv_color_t c) {
    return lv_color_to_int(c);
}

static inline lv_color_t __lvgl_u32_to_color(uint32_t v) {
    return lv_color_hex(v);
}

static inline uint32_t __lvgl_color32_to_u32(lv_color32_t c) {
    return ((uint32_t)c.alpha << 24) | ((uint32_t)c.red << 16) | ((uint32_t)c.green << 8) | c.blue;
}

static inline lv_color32_t __lvgl_u32_to_color32(uint32_t v) {
    return lv_color32_make((uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v, (uint8_t)(v >> 24));
}

/* --- Animation templates ------------------------------------------------- */

/* LVGL's path functions as tokens (never table indices, which are small). */
#define LVGL_PATH_TOKEN(n) ((lv_anim_path_cb_t)(uintptr_t)(0xFFFF0000u + (n)))
#define lv_anim_path_linear LVGL_PATH_TOKEN(1)
#define lv_anim_path_ease_in LVGL_PATH_TOKEN(2)
#define lv_anim_path_ease_out LVGL_PATH_TOKEN(3)
#define lv_anim_path_ease_in_out LVGL_PATH_TOKEN(4)
#define lv_anim_path_overshoot LVGL_PATH_TOKEN(5)
#define lv_anim_path_bounce LVGL_PATH_TOKEN(6)
#define lv_anim_path_step LVGL_PATH_TOKEN(7)
#define lv_anim_path_custom_bezier3 LVGL_PATH_TOKEN(8)

static inline void lv_anim_init(lv_anim_t *a) {
    memset(a, 0, sizeof(*a));
    a->duration = 500;
    a->start_value = 0;
    a->end_value = 100;
    a->repeat_cnt = 1;
    a->path_cb = lv_anim_path_linear;
    a->early_apply = 1;
}

static inline void lv_anim_set_var(lv_anim_t *a, void *var) { a->var = var; }
static inline void lv_anim_set_exec_cb(lv_anim_t *a, lv_anim_exec_xcb_t cb) { a->exec_cb = cb; }
static inline void lv_anim_set_duration(lv_anim_t *a, uint32_t duration) { a->duration = (int32_t)duration; }
static inline void lv_anim_set_delay(lv_anim_t *a, uint32_t delay) { a->act_time = -(int32_t)delay; }

static inline void lv_anim_set_values(lv_anim_t *a, int32_t start, int32_t end) {
    a->start_value = start;
    a->current_value = INT32_MIN;
    a->end_value = end;
}

static inline void lv_anim_set_custom_exec_cb(lv_anim_t *a, lv_anim_custom_exec_cb_t cb) { a->custom_exec_cb = cb; }
static inline void lv_anim_set_path_cb(lv_anim_t *a, lv_anim_path_cb_t cb) { a->path_cb = cb; }
static inline void lv_anim_set_start_cb(lv_anim_t *a, lv_anim_start_cb_t cb) { a->start_cb = cb; }
static inline void lv_anim_set_get_value_cb(lv_anim_t *a, lv_anim_get_value_cb_t cb) { a->get_value_cb = cb; }
static inline void lv_anim_set_completed_cb(lv_anim_t *a, lv_anim_completed_cb_t cb) { a->completed_cb = cb; }
static inline void lv_anim_set_deleted_cb(lv_anim_t *a, lv_anim_deleted_cb_t cb) { a->deleted_cb = cb; }
static inline void lv_anim_set_reverse_duration(lv_anim_t *a, uint32_t d) { a->reverse_duration = d; }
static inline void lv_anim_set_reverse_time(lv_anim_t *a, uint32_t d) { a->reverse_duration = d; }
static inline void lv_anim_set_reverse_delay(lv_anim_t *a, uint32_t d) { a->reverse_delay = d; }
static inline void lv_anim_set_repeat_count(lv_anim_t *a, uint32_t cnt) { a->repeat_cnt = cnt; }
static inline void lv_anim_set_repeat_delay(lv_anim_t *a, uint32_t d) { a->repeat_delay = d; }
static inline void lv_anim_set_early_apply(lv_anim_t *a, bool en) { a->early_apply = en; }
static inline void lv_anim_set_user_data(lv_anim_t *a, void *user_data) { a->user_data = user_data; }

static inline void lv_anim_set_bezier3_param(lv_anim_t *a, int16_t x1, int16_t y1, int16_t x2, int16_t y2) {
    a->parameter.bezier3.x1 = x1;
    a->parameter.bezier3.y1 = y1;
    a->parameter.bezier3.x2 = x2;
    a->parameter.bezier3.y2 = y2;
}

/* --- Strings returned by LVGL ---------------------------------------------- */

typedef struct {
    char *data;
    uint32_t size;
    char initial[64];
} __lvgl_strbuf_t;

static inline __lvgl_strbuf_t *__lvgl_strbuf_next(void) {
    static __lvgl_strbuf_t ring[4];
    static unsigned next;
    __lvgl_strbuf_t *b = &ring[next++ & 3];
    if (b->data == NULL) {
        b->data = b->initial;
        b->size = sizeof(b->initial);
    }
    return b;
}

/* Makes room for `size` bytes; false (the string stays truncated) when
   the guest's heap has no room. */
static inline bool __lvgl_strbuf_grow(__lvgl_strbuf_t *b, uint32_t size) {
    char *p = b->data == b->initial ? malloc(size) : realloc(b->data, size);
    if (p == NULL) {
        return false;
    }
    b->data = p;
    b->size = size;
    return true;
}

#endif /* LVGL_SDK_H */
