// Guest structs the host reads field by field: LVGL's own structs as
// clang lays them out for wasm32, pointers as 32-bit guest addresses (or
// table indices for function pointers). The generated host file checks
// every size and offset against the layouts tools/lvgl_bindings computed
// from LVGL's headers, which the guest header checks against clang.
#ifndef MICROPY_INCLUDED_LVGL_BINDINGS_GUEST_H
#define MICROPY_INCLUDED_LVGL_BINDINGS_GUEST_H

#include <stdint.h>
#include "lvgl.h"

// lv_anim_t
typedef struct {
    uint32_t var, exec_cb, custom_exec_cb, start_cb, completed_cb, deleted_cb, get_value_cb;
    uint32_t user_data, path_cb;
    int32_t start_value, current_value, end_value, duration, act_time;
    uint32_t reverse_delay, reverse_duration, repeat_delay, repeat_cnt;
    lv_anim_bezier3_para_t parameter;
    uint32_t last_timer_run, pause_time, pause_duration;
    uint8_t bits;   // is_paused, reverse_play_in_progress, run_round, start_cb_called, early_apply
} lvb_guest_anim_t;
#define LVB_GUEST_ANIM_EARLY_APPLY (0x10)

// lv_image_dsc_t (the header's bit-fields have the same bytes everywhere:
// every target is little-endian).
typedef struct {
    lv_image_header_t header;
    uint32_t data_size;
    uint32_t data;
    uint32_t reserved, reserved_2;
} lvb_guest_image_dsc_t;

// lv_style_t: the first word holds the style's handle (emit_guest.STYLE_OVERRIDE).
typedef struct {
    uint32_t handle;
    uint32_t reserved[2];
} lvb_guest_style_t;

// The generated file checks these.
#define LVB_GUEST_MIRRORS(X) \
    X(lvb_guest_anim_t, lv_anim_t) \
    X(lvb_guest_image_dsc_t, lv_image_dsc_t) \
    X(lvb_guest_style_t, lv_style_t)

#endif // MICROPY_INCLUDED_LVGL_BINDINGS_GUEST_H
