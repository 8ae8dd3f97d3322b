// display.demo(name): LVGL's own demos, compiled from the pinned sources.
//   "widgets"           lv_demo_widgets()
//   "render[:SCENE]"    one scene of lv_demo_render() (default: the first,
//                       "fill"); SCENE is LVGL's scene name ("text", ...)
//   "benchmark[:N]"     the render benchmark: every render scene redrawn
//                       N times (default 10) over the whole screen, through
//                       the panel driver; returns its timings
// Each demo starts on a fresh screen; the previous one is deleted.

#include <stdlib.h>
#include <string.h>

#include "py/runtime.h"
#include "py/mpstate.h"

#include "display.h"
#include "display_driver.h"

#include "lvgl_private.h"
#include "demos/lv_demos.h"

#define BENCH_DEFAULT_FRAMES (10)
#define BENCH_MAX_FRAMES (1000)

static void fresh_screen(void) {
    lv_obj_t *old = lv_screen_active();
    lv_obj_t *scr = lv_obj_create(NULL);
    lv_screen_load(scr);
    lv_obj_delete(old);
}

static int find_scene(const char *name) {
    for (int i = 0; i < LV_DEMO_RENDER_SCENE_NUM; i++) {
        if (strcmp(lv_demo_render_get_scene_name((lv_demo_render_scene_t)i), name) == 0) {
            return i;
        }
    }
    mp_display_raise_fmt(&mp_type_ValueError, "unknown render scene '%s'", name);
}

static void wait_flushed(lv_display_t *disp) {
    while (disp->flushing) {
    }
}

static mp_obj_t new_str(const char *s) {
    return mp_obj_new_str(s, strlen(s));
}

// Frames of the render scenes, timed on the port's microsecond clock (on
// the emulated board with QEMU's -icount shift=0, a microsecond is exactly
// 1000 instructions).
static mp_obj_t run_benchmark(int frames) {
    lv_display_t *disp = mp_display_lv_display();
    mp_obj_t scenes = mp_obj_new_list(0, NULL);
    uint64_t total_us = 0;
    int total_frames = 0;
    for (int s = 0; s < LV_DEMO_RENDER_SCENE_NUM; s++) {
        lv_demo_render((lv_demo_render_scene_t)s, LV_OPA_COVER);
        lv_refr_now(disp); // layout and the first frame are not timed
        wait_flushed(disp);
        uint64_t start = mp_display_port_time_us();
        for (int f = 0; f < frames; f++) {
            lv_obj_invalidate(lv_screen_active());
            lv_refr_now(disp);
        }
        wait_flushed(disp);
        uint64_t us = mp_display_port_time_us() - start;
        mp_obj_t item[3] = {
            new_str(lv_demo_render_get_scene_name((lv_demo_render_scene_t)s)),
            MP_OBJ_NEW_SMALL_INT(frames),
            mp_obj_new_int_from_ull(us),
        };
        mp_obj_list_append(scenes, mp_obj_new_tuple(3, item));
        total_us += us;
        total_frames += frames;
        if (MP_STATE_THREAD(mp_pending_exception) != MP_OBJ_NULL) {
            break; // Ctrl-C: the VM raises it as soon as LVGL is left
        }
    }
    mp_obj_t result = mp_obj_new_dict(4);
    mp_obj_dict_store(result, new_str("frames"), MP_OBJ_NEW_SMALL_INT(total_frames));
    mp_obj_dict_store(result, new_str("us"), mp_obj_new_int_from_ull(total_us));
    mp_obj_dict_store(result, new_str("size"), mp_obj_new_tuple(2, (mp_obj_t[]) {
        MP_OBJ_NEW_SMALL_INT(lv_display_get_horizontal_resolution(disp)),
        MP_OBJ_NEW_SMALL_INT(lv_display_get_vertical_resolution(disp)),
    }));
    mp_obj_dict_store(result, new_str("scenes"), scenes);
    return result;
}

// "name" or "name:arg" -> the argument, or NULL.
static const char *demo_arg(const char *name, const char *demo) {
    size_t n = strlen(demo);
    if (strncmp(name, demo, n) != 0) {
        return NULL;
    }
    if (name[n] == '\0') {
        return "";
    }
    return name[n] == ':' ? name + n + 1 : NULL;
}

static mp_obj_t demo_in_lvgl(void *arg) {
    const char *name = arg;
    const char *param;
    if (strcmp(name, "widgets") == 0) {
        fresh_screen();
        lv_demo_widgets();
    } else if ((param = demo_arg(name, "render")) != NULL) {
        int scene = *param ? find_scene(param) : 0;
        fresh_screen();
        lv_demo_render((lv_demo_render_scene_t)scene, LV_OPA_COVER);
    } else if ((param = demo_arg(name, "benchmark")) != NULL) {
        int frames = BENCH_DEFAULT_FRAMES;
        if (*param) {
            char *end;
            long n = strtol(param, &end, 10);
            if (*end != '\0' || n < 1 || n > BENCH_MAX_FRAMES) {
                mp_display_raise_fmt(&mp_type_ValueError, "benchmark frames must be 1..%d, not '%s'",
                    BENCH_MAX_FRAMES, param);
            }
            frames = (int)n;
        }
        fresh_screen();
        return run_benchmark(frames);
    } else {
        mp_display_raise_fmt(&mp_type_ValueError,
            "unknown demo '%s' (widgets, render[:scene], benchmark[:frames])", name);
    }
    return mp_const_none;
}

mp_obj_t mp_display_demo(const char *name) {
    return mp_display_call(demo_in_lvgl, (void *)name);
}
