/*
 * lvgl.h - LVGL for guest apps (clang --target=wasm32-wasi).
 *
 * Ordinary LVGL 9 C code compiles against this header unchanged:
 *
 *   #include <lvgl.h>
 *   lv_obj_t *b = lv_button_create(lv_screen_active());
 *
 * Every LVGL function is an import from the firmware's module "lvgl" (or,
 * for pure helpers, compiled into the guest); LVGL's objects stay in the
 * firmware and the guest holds opaque handles to them. Functions the
 * firmware does not offer are declared unavailable with the reason.
 * The generated headers come from LVGL's own headers (tools/lvgl_bindings,
 * run by the build into build/guest/include): add both directories to
 * the include path. See README.md, "Graphics for guests".
 */
#ifndef LVGL_H
#define LVGL_H

#include "lvgl/lvgl_gen_types.h"
#include "lvgl/sdk.h"
#include "lvgl/lvgl_gen_api.h"

#endif /* LVGL_H */
