// The `display` module: LVGL on the board's panel, from Python.
//
//   init(width=None, height=None, rotation=0)   width(), height()
//   task_handler() -> ms until LVGL's next timer
//   screenshot(path)   touch(x, y)   release()   backlight(level)
//   mem_info() -> (total, free, largest)   deinit()   demo(name)
//
// The work is done by display_core.c and friends (display.h).

#include "py/runtime.h"
#include "py/mphal.h"

#include "display.h"
#include "display_internal.h"

// --- Soft reset --------------------------------------------------------------------

// A finalisable object held by a root pointer while a display is active.
// gc_sweep_all() at soft reset (and at exit on unix) runs its finaliser,
// which deinitialises LVGL: every port, no port hook needed.
typedef struct _display_session_t {
    mp_obj_base_t base;
    uint32_t generation;
} display_session_t;

static mp_obj_t display_session_del(mp_obj_t self_in) {
    display_session_t *self = MP_OBJ_TO_PTR(self_in);
    if (mp_display_active() && mp_display_generation() == self->generation) {
        mp_display_deinit();
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(display_session_del_obj, display_session_del);

static const mp_rom_map_elem_t display_session_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&display_session_del_obj) },
};
static MP_DEFINE_CONST_DICT(display_session_locals, display_session_locals_table);

static MP_DEFINE_CONST_OBJ_TYPE(
    display_session_type, MP_QSTR_DisplaySession, MP_TYPE_FLAG_NONE,
    locals_dict, &display_session_locals
    );

MP_REGISTER_ROOT_POINTER(mp_obj_t display_session);

// --- Functions -------------------------------------------------------------------------

static int size_arg(mp_obj_t arg, const char *what) {
    if (arg == mp_const_none) {
        return 0;
    }
    if (!mp_obj_is_int(arg)) {
        mp_raise_msg_varg(&mp_type_TypeError, MP_ERROR_TEXT("%s must be an int or None"), what);
    }
    mp_int_t v = mp_obj_get_int(arg);
    if (v < 1 || v > 0x7fff) {
        mp_raise_msg_varg(&mp_type_ValueError, MP_ERROR_TEXT("%s must be positive, not %d"), what, (int)v);
    }
    return (int)v;
}

// init(width=None, height=None, rotation=0)
static mp_obj_t display_init(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_width, ARG_height, ARG_rotation };
    static const mp_arg_t allowed_args[] = {
        { MP_QSTR_width, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_height, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE} },
        { MP_QSTR_rotation, MP_ARG_INT, {.u_int = 0} },
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed_args)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed_args), allowed_args, args);
    int width = size_arg(args[ARG_width].u_obj, "width");
    int height = size_arg(args[ARG_height].u_obj, "height");
    if ((width == 0) != (height == 0)) {
        mp_raise_ValueError(MP_ERROR_TEXT("give both width and height, or neither"));
    }
    // Allocated first: a full GC heap fails before LVGL is touched.
    display_session_t *session = mp_obj_malloc_with_finaliser(display_session_t, &display_session_type);
    session->generation = 0;
    mp_display_init(width, height, args[ARG_rotation].u_int);
    session->generation = mp_display_generation();
    MP_STATE_VM(display_session) = MP_OBJ_FROM_PTR(session);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(display_init_obj, 0, display_init);

static mp_obj_t display_deinit(void) {
    mp_display_deinit();
    MP_STATE_VM(display_session) = MP_OBJ_NULL;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(display_deinit_obj, display_deinit);

static mp_obj_t display_width(void) {
    mp_display_info_t info;
    mp_display_get_info(&info);
    return MP_OBJ_NEW_SMALL_INT(info.width);
}
static MP_DEFINE_CONST_FUN_OBJ_0(display_width_obj, display_width);

static mp_obj_t display_height(void) {
    mp_display_info_t info;
    mp_display_get_info(&info);
    return MP_OBJ_NEW_SMALL_INT(info.height);
}
static MP_DEFINE_CONST_FUN_OBJ_0(display_height_obj, display_height);

static mp_obj_t display_task_handler(void) {
    uint32_t ms = mp_display_task_handler();
    // What guest callbacks run by the timers left to report (wasm.Trap).
    mp_display_hooks_after_timers();
    return mp_obj_new_int_from_uint(ms);
}
static MP_DEFINE_CONST_FUN_OBJ_0(display_task_handler_obj, display_task_handler);

static mp_obj_t display_screenshot(mp_obj_t path) {
    mp_display_screenshot(path);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(display_screenshot_obj, display_screenshot);

static mp_obj_t display_touch(mp_obj_t x, mp_obj_t y) {
    if (!mp_obj_is_int(x) || !mp_obj_is_int(y)) {
        mp_raise_TypeError(MP_ERROR_TEXT("touch coordinates must be ints"));
    }
    mp_display_touch(mp_obj_get_int(x), mp_obj_get_int(y));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(display_touch_obj, display_touch);

static mp_obj_t display_release(void) {
    mp_display_release();
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(display_release_obj, display_release);

static mp_obj_t display_backlight(mp_obj_t level) {
    if (!mp_obj_is_int(level)) {
        mp_raise_TypeError(MP_ERROR_TEXT("backlight level must be an int (0..100)"));
    }
    mp_display_backlight(mp_obj_get_int(level));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(display_backlight_obj, display_backlight);

static mp_obj_t display_mem_info(void) {
    size_t total, free_bytes, largest;
    mp_display_mem_info(&total, &free_bytes, &largest);
    mp_obj_t items[3] = {
        mp_obj_new_int_from_uint(total),
        mp_obj_new_int_from_uint(free_bytes),
        mp_obj_new_int_from_uint(largest),
    };
    return mp_obj_new_tuple(3, items);
}
static MP_DEFINE_CONST_FUN_OBJ_0(display_mem_info_obj, display_mem_info);

static mp_obj_t display_demo(mp_obj_t name) {
    return mp_display_demo(mp_obj_str_get_str(name));
}
static MP_DEFINE_CONST_FUN_OBJ_1(display_demo_obj, display_demo);

#if MICROPY_WASM_LVGL
// Guest apps on the display (micropython_modules/lvgl_bindings).
MP_DECLARE_CONST_FUN_OBJ_VAR_BETWEEN(mp_wasm_lvgl_show_obj);
MP_DECLARE_CONST_FUN_OBJ_1(mp_wasm_lvgl_app_info_obj);
#if MICROPY_WASM_LVGL_STATS
MP_DECLARE_CONST_FUN_OBJ_0(mp_wasm_lvgl_binding_calls_obj);
MP_DECLARE_CONST_FUN_OBJ_1(mp_wasm_lvgl_scene_native_obj);
#endif
#endif

static const mp_rom_map_elem_t display_module_globals_table[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_display) },
    { MP_ROM_QSTR(MP_QSTR_init), MP_ROM_PTR(&display_init_obj) },
    { MP_ROM_QSTR(MP_QSTR_deinit), MP_ROM_PTR(&display_deinit_obj) },
    { MP_ROM_QSTR(MP_QSTR_width), MP_ROM_PTR(&display_width_obj) },
    { MP_ROM_QSTR(MP_QSTR_height), MP_ROM_PTR(&display_height_obj) },
    { MP_ROM_QSTR(MP_QSTR_task_handler), MP_ROM_PTR(&display_task_handler_obj) },
    { MP_ROM_QSTR(MP_QSTR_screenshot), MP_ROM_PTR(&display_screenshot_obj) },
    { MP_ROM_QSTR(MP_QSTR_touch), MP_ROM_PTR(&display_touch_obj) },
    { MP_ROM_QSTR(MP_QSTR_release), MP_ROM_PTR(&display_release_obj) },
    { MP_ROM_QSTR(MP_QSTR_backlight), MP_ROM_PTR(&display_backlight_obj) },
    { MP_ROM_QSTR(MP_QSTR_mem_info), MP_ROM_PTR(&display_mem_info_obj) },
    { MP_ROM_QSTR(MP_QSTR_demo), MP_ROM_PTR(&display_demo_obj) },
    #if MICROPY_WASM_LVGL
    { MP_ROM_QSTR(MP_QSTR_show), MP_ROM_PTR(&mp_wasm_lvgl_show_obj) },
    { MP_ROM_QSTR(MP_QSTR_app_info), MP_ROM_PTR(&mp_wasm_lvgl_app_info_obj) },
    #if MICROPY_WASM_LVGL_STATS
    { MP_ROM_QSTR(MP_QSTR_binding_calls), MP_ROM_PTR(&mp_wasm_lvgl_binding_calls_obj) },
    { MP_ROM_QSTR(MP_QSTR_scene_native), MP_ROM_PTR(&mp_wasm_lvgl_scene_native_obj) },
    #endif
    #endif
};
static MP_DEFINE_CONST_DICT(display_module_globals, display_module_globals_table);

const mp_obj_module_t mp_module_display = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&display_module_globals,
};

MP_REGISTER_MODULE(MP_QSTR_display, mp_module_display);
