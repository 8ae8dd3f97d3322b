/*
 * ui_bench.c - the cost of a call from a guest into LVGL (scripts/lvgl_bench.py,
 * `make bench`): the same loop without a call, with a getter (the bindings'
 * overhead plus a few instructions of LVGL) and with a setter; and a scene
 * (ui_scene.h) built by the guest, to compare with the same C code native.
 */
#include <lvgl.h>

#include "wasm_app.h"
#include "ui_scene.h"

static lv_obj_t *obj;
static volatile int sink;

WASM_EXPORT("bench_setup")
void bench_setup(void) {
    obj = lv_obj_create(lv_screen_active());
}

WASM_EXPORT("bench_loop")
void bench_loop(int n) {
    for (int i = 0; i < n; i++) {
        sink = i;
    }
}

WASM_EXPORT("bench_get")
void bench_get(int n) {
    for (int i = 0; i < n; i++) {
        sink = lv_obj_get_x(obj);
    }
}

WASM_EXPORT("bench_set")
void bench_set(int n) {
    for (int i = 0; i < n; i++) {
        lv_obj_set_x(obj, i & 1);
    }
}

WASM_EXPORT("bench_scene")
void bench_scene(int n) {
    ui_scene_bench(n);
}
