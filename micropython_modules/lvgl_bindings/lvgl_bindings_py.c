// The bindings' Python side, in the `display` module (moddisplay.c lists
// them when MICROPY_WASM_LVGL is on):
//
//   display.show(inst, area=None)  show the app's screen, or place the app
//                                  in area (x, y, w, h) of a screen shared
//                                  by apps (set before it draws, or moves it)
//   display.app_info(inst)         what the app holds: {'objects': n, ...},
//                                  None before its first LVGL call
//   display.binding_calls()        calls per host function (test builds)
//   display.scene_native(n)        guest/apps/ui_scene.h's scene built n
//                                  times by native code (test builds: the
//                                  guest-vs-native benchmark)

#include <string.h>

#include "py/runtime.h"
#include "lvgl_bindings.h"
#include "lvgl_private.h"

typedef struct {
    mp_obj_wasm_instance_t *inst;
    bool in_area;
    lv_area_t area;
} show_args_t;

static mp_obj_wasm_instance_t *open_instance(mp_obj_t obj) {
    if (!mp_obj_is_type(obj, &mp_type_wasm_instance)) {
        mp_display_raise(&mp_type_TypeError, "expected a wasm.Instance");
    }
    return mp_wasm_instance_open(obj);
}

static mp_obj_t show_in_lvgl(void *arg) {
    show_args_t *a = arg;
    lvb_state_t *st = lvb_state_of(a->inst);
    if (st->root != NULL && st->in_area != a->in_area) {
        mp_display_raise(&mp_type_ValueError, a->in_area ? "the app already draws on a screen of its own"
            : "the app already draws in an area of the shared screen");
    }
    st->in_area = a->in_area;
    st->area = a->area;
    lv_obj_t *root = lvb_root(st);
    if (a->in_area) {
        lv_obj_set_pos(root, a->area.x1, a->area.y1);
        lv_obj_set_size(root, lv_area_get_width(&a->area), lv_area_get_height(&a->area));
        lv_screen_load(lvb_shared_screen());
    } else {
        lv_screen_load(root);
    }
    // Its objects get their places now, so a touch right after finds them.
    lv_obj_update_layout(lv_screen_active());
    return mp_const_none;
}

static mp_obj_t lvb_py_show(size_t n_args, const mp_obj_t *args) {
    show_args_t a = { open_instance(args[0]), false, { 0, 0, 0, 0 } };
    if (n_args > 1 && args[1] != mp_const_none) {
        mp_obj_t *items;
        mp_obj_get_array_fixed_n(args[1], 4, &items);
        mp_int_t x = mp_obj_get_int(items[0]), y = mp_obj_get_int(items[1]);
        mp_int_t w = mp_obj_get_int(items[2]), h = mp_obj_get_int(items[3]);
        mp_display_info_t info;
        mp_display_get_info(&info);
        if (w < 1 || h < 1 || x < 0 || y < 0 || x + w > info.width || y + h > info.height) {
            mp_display_raise_fmt(&mp_type_ValueError, "area (%d, %d, %d, %d) is not inside the %dx%d screen",
                (int)x, (int)y, (int)w, (int)h, info.width, info.height);
        }
        a.in_area = true;
        a.area.x1 = (int32_t)x;
        a.area.y1 = (int32_t)y;
        a.area.x2 = (int32_t)(x + w - 1);
        a.area.y2 = (int32_t)(y + h - 1);
    }
    return mp_display_call(show_in_lvgl, &a);
}
MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(mp_wasm_lvgl_show_obj, 1, 2, lvb_py_show);

static void put(mp_obj_t dict, const char *key, mp_int_t value) {
    mp_obj_dict_store(dict, mp_obj_new_str(key, strlen(key)), MP_OBJ_NEW_SMALL_INT(value));
}

static mp_obj_t lvb_py_app_info(mp_obj_t inst_in) {
    mp_obj_wasm_instance_t *inst = open_instance(inst_in);
    lvb_state_t *st = inst->lvgl;
    if (st == NULL || !mp_display_active() || inst->lvgl_generation != mp_display_generation()) {
        return mp_const_none;
    }
    mp_obj_t d = mp_obj_new_dict(0);
    put(d, "objects", st->counts[LVB_OBJ]);
    put(d, "styles", st->counts[LVB_STYLE]);
    put(d, "timers", st->counts[LVB_TIMER]);
    put(d, "animations", st->counts[LVB_ANIM]);
    put(d, "groups", st->counts[LVB_GROUP]);
    put(d, "handles", st->used);
    uint32_t callbacks = 0;
    for (uint16_t i = 1; i < st->cap; i++) {
        for (lvb_side_t *s = st->entries[i].side; s != NULL; s = s->next) {
            callbacks += s->type == LVB_SIDE_EVENT;
        }
    }
    put(d, "event_callbacks", callbacks);
    return d;
}
MP_DEFINE_CONST_FUN_OBJ_1(mp_wasm_lvgl_app_info_obj, lvb_py_app_info);

#if MICROPY_WASM_LVGL_STATS
static mp_obj_t lvb_py_binding_calls(void) {
    mp_obj_t d = mp_obj_new_dict(0);
    for (size_t i = 0; i < lvb_fns_len && i < 2048; i++) {
        put(d, lvb_fns[i].name, lvb_calls[i]);
    }
    return d;
}
MP_DEFINE_CONST_FUN_OBJ_0(mp_wasm_lvgl_binding_calls_obj, lvb_py_binding_calls);

// The same source as the guest's bench_scene (ui_bench.c).
#include "ui_scene.h"

static mp_obj_t scene_in_lvgl(void *arg) {
    ui_scene_bench((int)(intptr_t)arg);
    return mp_const_none;
}

static mp_obj_t lvb_py_scene_native(mp_obj_t n) {
    return mp_display_call(scene_in_lvgl, (void *)(intptr_t)mp_obj_get_int(n));
}
MP_DEFINE_CONST_FUN_OBJ_1(mp_wasm_lvgl_scene_native_obj, lvb_py_scene_native);
#endif
