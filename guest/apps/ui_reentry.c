/*
 * ui_reentry.c - a guest that deletes things from callbacks LVGL runs in
 * the middle of its own work (host_tests/unix/test_hostile_lvgl_reentry.py):
 * an animation deleted inside its own early-applied callbacks during
 * lv_anim_start(), objects deleted from events LVGL sends while it deletes
 * or lays out objects. Each must trap cleanly or behave as LVGL defines.
 */
#include <stdint.h>
#include <lvgl.h>

#define EXPORT(name) __attribute__((export_name(name)))

static lv_obj_t *target;
static int how, deleted_calls, exec_calls;

/* --- Animations deleted while lv_anim_start() applies them -------------------- */

enum { BY_ANIM_DELETE, BY_OBJ_DELETE, BY_DELETE_ALL, BY_RESTART };

static void set_x(void *var, int32_t v);

static void delete_anim(void) {
    if (how == BY_ANIM_DELETE) {
        lv_anim_delete(target, NULL);
    } else if (how == BY_OBJ_DELETE) {
        lv_obj_delete(target);
    } else if (how == BY_DELETE_ALL) {
        lv_anim_delete_all();
    } else {
        /* A second early-applied animation of the same var and callback
         * replaces the one being started (as LVGL does). */
        lv_anim_t b;
        lv_anim_init(&b);
        lv_anim_set_var(&b, target);
        lv_anim_set_exec_cb(&b, set_x);
        lv_anim_set_values(&b, 0, 10);
        lv_anim_set_duration(&b, 100);
        lv_anim_set_early_apply(&b, true);
        how = -1;   /* only once */
        lv_anim_start(&b);
    }
}

static int phase;   /* which callback deletes: 0 get_value, 1 path, 2 exec */

static int32_t get_value(lv_anim_t *a) {
    (void)a;
    if (phase == 0) {
        delete_anim();
    }
    return 5;
}

static int32_t path(const lv_anim_t *a) {
    (void)a;
    if (phase == 1) {
        delete_anim();
    }
    return 7;
}

static void set_x(void *var, int32_t v) {
    exec_calls++;
    if (phase == 2 && how >= 0) {
        delete_anim();
        return;
    }
    lv_obj_set_x(var, v);
}

static void anim_deleted(lv_anim_t *a) {
    (void)a;
    deleted_calls++;
}

/* Starts an early-applied animation whose callback `ph` deletes it in way
 * `by`; returns whether lv_anim_start() returned a handle. */
EXPORT("anim_delete_inside_start") int anim_delete_inside_start(int ph, int by) {
    target = lv_obj_create(lv_screen_active());
    phase = ph;
    how = by;
    deleted_calls = exec_calls = 0;
    lv_anim_t a;
    lv_anim_init(&a);
    lv_anim_set_var(&a, target);
    lv_anim_set_exec_cb(&a, set_x);
    lv_anim_set_values(&a, 0, 100);
    lv_anim_set_duration(&a, 1000);
    lv_anim_set_get_value_cb(&a, get_value);
    lv_anim_set_path_cb(&a, path);
    lv_anim_set_deleted_cb(&a, anim_deleted);
    lv_anim_set_early_apply(&a, true);
    return lv_anim_start(&a) != NULL;
}

EXPORT("anim_deleted_calls") int anim_deleted_calls(void) { return deleted_calls; }
EXPORT("anim_exec_calls") int anim_exec_calls(void) { return exec_calls; }
EXPORT("anims_running") int anims_running(void) { return lv_anim_count_running(); }

/* --- Objects deleted from events sent during deletion or layout -------------- */

static lv_obj_t *parent, *child, *other;
static lv_event_code_t wanted;
static int events, what;
static lv_group_t *group;

/* Deletes (what 0), cleans (1), moves (2) or deletes later (3) on the
 * first event `wanted`. */
static void tree_cb(lv_event_t *e) {
    if (lv_event_get_code(e) != wanted || events++ > 0) {
        return;
    }
    lv_obj_t *victim = lv_event_get_user_data(e);
    if (what == 0) {
        lv_obj_delete(victim);
    } else if (what == 1) {
        lv_obj_clean(victim);
    } else if (what == 2) {
        lv_obj_set_parent(victim, lv_screen_active());
    } else {
        lv_obj_delete_async(victim);
    }
}

/* A parent with two children in one group; the event `code` handler on
 * `on` (0 parent, 1 child, 2 other child) acts on `victim` (same codes,
 * 3 the screen). Then `action`: 0 delete the child, 1 clean the parent,
 * 2 resize the parent and lay out, 3 change the parent's style. */
EXPORT("tree_attack") int tree_attack(int code, int on, int victim, int act, int action) {
    lv_obj_t *scr = lv_screen_active();
    parent = lv_obj_create(scr);
    lv_obj_set_size(parent, 200, 200);
    lv_obj_set_flex_flow(parent, LV_FLEX_FLOW_COLUMN);
    child = lv_button_create(parent);
    other = lv_button_create(parent);
    group = lv_group_create();
    lv_group_add_obj(group, child);
    lv_group_add_obj(group, other);
    lv_group_focus_obj(child);
    lv_obj_t *objs[] = { parent, child, other, scr };
    wanted = (lv_event_code_t)code;
    events = 0;
    what = act;
    lv_obj_add_event_cb(objs[on], tree_cb, LV_EVENT_ALL, objs[victim]);
    if (action == 0) {
        lv_obj_delete(child);
    } else if (action == 1) {
        lv_obj_clean(parent);
    } else if (action == 2) {
        lv_obj_set_size(parent, 150, 150);
        lv_obj_update_layout(parent);
    } else {
        lv_obj_set_style_pad_all(parent, 3, 0);
    }
    return events;
}

/* The other child's `code` callback deletes the parent with
 * lv_obj_delete_async while the focused child is deleted. */
EXPORT("tree_async") int tree_async(int code) {
    return tree_attack(code, 2, 0, 3, 0);
}

/* The app still works: a new object on its screen. */
EXPORT("tree_alive") int tree_alive(void) {
    lv_obj_t *o = lv_obj_create(lv_screen_active());
    lv_obj_set_size(o, 10, 10);
    lv_obj_update_layout(o);
    int w = lv_obj_get_width(o);
    lv_obj_delete(o);
    return w;
}

/* --- Image paths: Python (a user VFS) runs inside the call ----------------------- */

static lv_obj_t *img, *list;
static char path_buf[64];

EXPORT("img_setup") int img_setup(void) {
    img = lv_image_create(lv_screen_active());
    list = lv_list_create(lv_screen_active());
    return (int)(intptr_t)path_buf;
}

EXPORT("img_set") void img_set(void) { lv_image_set_src(img, path_buf); }
EXPORT("img_style") void img_style(void) { lv_obj_set_style_bg_image_src(img, path_buf, 0); }
EXPORT("img_list") int img_list(void) { return lv_list_add_button(list, path_buf, "x") != NULL; }
EXPORT("img_delete") void img_delete(void) { lv_obj_delete(img); lv_obj_delete(list); }

/* lv_list_add_button with an icon (a symbol) and a text outside memory:
 * the call traps after the icon was copied. */
EXPORT("list_bad_text") void list_bad_text(void) {
    lv_list_add_button(list, LV_SYMBOL_OK, (const char *)0x7ffffff0);
}
