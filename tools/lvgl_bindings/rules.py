"""Which parts of LVGL's API guests get, and the knowledge about LVGL that
the headers do not state (which functions keep a pointer, which widget a
function expects, which handles may be NULL).

Every decision here ends up in the coverage report with its reason.
"""

# --- Areas: header files offered to guests ------------------------------------

# Header (path below LVGL's tree) -> area name in the report. A header not
# listed here and not in NOT_OFFERED is an error, so a new LVGL version
# cannot add an area silently.
OFFERED = {
    "lvgl.h": "version",
    "src/lv_api_map_v8.h": "objects",
    "src/core/lv_obj.h": "objects",
    "src/core/lv_obj_pos.h": "objects: position and size",
    "src/core/lv_obj_scroll.h": "objects: scrolling",
    "src/core/lv_obj_style.h": "objects: styles",
    "src/core/lv_obj_style_gen.h": "objects: style properties",
    "src/core/lv_obj_tree.h": "objects: tree",
    "src/core/lv_obj_event.h": "events",
    "src/core/lv_group.h": "groups",
    "src/core/lv_refr.h": "screens",
    "src/display/lv_display.h": "screens",
    "src/misc/lv_event.h": "events",
    "src/misc/lv_style.h": "style objects",
    "src/misc/lv_style_gen.h": "style objects",
    "src/misc/lv_anim.h": "animations",
    "src/misc/lv_timer.h": "timers",
    "src/misc/lv_color.h": "colours",
    "src/misc/lv_color_op.h": "colours",
    "src/misc/lv_palette.h": "colours",
    "src/misc/lv_area.h": "geometry",
    "src/misc/lv_math.h": "math",
    "src/misc/lv_text.h": "fonts",
    "src/font/lv_font.h": "fonts",
    "src/themes/lv_theme.h": "themes",
    "src/themes/default/lv_theme_default.h": "themes",
    "src/themes/simple/lv_theme_simple.h": "themes",
    "src/layouts/flex/lv_flex.h": "layouts",
    "src/layouts/grid/lv_grid.h": "layouts",
    "src/tick/lv_tick.h": "time",
}
for _w in ("arc", "bar", "button", "buttonmatrix", "calendar", "canvas", "chart", "checkbox",
           "dropdown", "image", "keyboard", "label", "led", "line", "list", "msgbox", "roller",
           "scale", "slider", "span", "spinner", "switch", "table", "tabview", "textarea"):
    OFFERED[f"src/widgets/{_w}/lv_{_w}.h"] = f"widget: {_w}"
OFFERED["src/widgets/calendar/lv_calendar_header_arrow.h"] = "widget: calendar"
OFFERED["src/widgets/calendar/lv_calendar_header_dropdown.h"] = "widget: calendar"

# Header prefix -> why guests do not get it.
NOT_OFFERED = {
    "src/draw/": "drawing layer API (draw tasks, layers, draw buffers, image decoders): rendering "
                 "belongs to the firmware; guests draw with widgets and canvases",
    "src/indev/": "input devices belong to the firmware (touch comes from the panel or display.touch())",
    "src/core/lv_observer.h": "subjects and observers keep pointers to guest data and call C "
                              "callbacks with them",
    "src/core/lv_obj_class.h": "object classes are LVGL-internal",
    "src/core/lv_obj_draw.h": "draw descriptors belong to the drawing layer",
    "src/misc/lv_ll.h": "LVGL's internal data structures (guests use their own)",
    "src/misc/lv_rb.h": "LVGL's internal data structures (guests use their own)",
    "src/misc/lv_array.h": "LVGL's internal data structures (guests use their own)",
    "src/misc/lv_circle_buf.h": "LVGL's internal data structures (guests use their own)",
    "src/misc/lv_iter.h": "LVGL's internal data structures (guests use their own)",
    "src/misc/lv_tree.h": "LVGL's internal data structures (guests use their own)",
    "src/misc/lv_utils.h": "LVGL-internal helpers",
    "src/misc/lv_bidi.h": "bidirectional text is off in this build",
    "src/misc/lv_fs.h": "LVGL's file system layer has no drivers here: guests use WASI files, "
                        "and lv_image_set_src() loads images from VFS paths",
    "src/misc/lv_log.h": "LVGL's log is the firmware's: guests print through WASI",
    "src/misc/lv_async.h": "asynchronous calls: use a one-shot lv_timer instead",
    "src/misc/lv_anim_timeline.h": "animation timelines keep pointers to animation templates",
    "src/misc/lv_grad.h": "gradient descriptors are kept by pointer (use bg_grad_color and "
                          "bg_grad_dir styles)",
    "src/stdlib/": "LVGL's C library: guests use their own (wasi-libc)",
    "src/osal/": "LVGL's OS layer belongs to the firmware",
    "src/lv_init.h": "LVGL's lifetime belongs to the display module (display.init())",
    "src/libs/": "image decoder internals",
    "src/font/fmt_txt/": "font format internals",
    "src/font/binfont_loader/": "fonts load from LVGL's file system, which has no drivers here",
    "src/layouts/lv_layout.h": "custom layouts are registered by C code of the firmware",
    "src/widgets/animimage/": "widget not in this build",
    "src/widgets/spinbox/": "widget not in this build",
    "src/misc/cache/": "LVGL-internal caches",
    "lv_conf": "configuration",
}

# --- Per-function decisions ----------------------------------------------------

SHARED = "acts on the whole display, which other apps share"
RETAINS = "LVGL would keep a pointer into guest memory"

EXCLUDED = {
    # Unchecked by the generator (found by review): refused until a rule exists.
    "lv_obj_swap": "the guard checks only the first object: a screen, a widget's part or an "
                   "ancestor as the second one breaks LVGL's tree",
    "lv_chart_set_series_values2": "x_values has no count parameter of its own (LVGL reads "
                                   "values_cnt entries)",
    "lv_color24_luminance": "reads 3 bytes through a pointer to one",
    # Object internals and identity.
    "lv_obj_allocate_spec_attr": "LVGL-internal",
    "lv_obj_check_type": "object classes are LVGL-internal",
    "lv_obj_has_class": "object classes are LVGL-internal",
    "lv_obj_get_class": "object classes are LVGL-internal",
    "lv_obj_null_on_delete": RETAINS + " (a pointer to the guest's variable)",
    "lv_obj_add_screen_load_event": "keeps a pointer to another screen across its deletion",
    "lv_obj_add_screen_create_event": "takes a C callback without user data",
    "lv_obj_add_play_timeline_event": "animation timelines are not offered",
    "lv_obj_set_id": "the id slot belongs to the firmware (it maps objects to guest handles)",
    "lv_obj_get_id": "the id slot belongs to the firmware (it maps objects to guest handles)",
    "lv_obj_find_by_id": "the id slot belongs to the firmware (it maps objects to guest handles)",
    "lv_obj_assign_id": "the id slot belongs to the firmware (it maps objects to guest handles)",
    "lv_obj_free_id": "the id slot belongs to the firmware (it maps objects to guest handles)",
    "lv_obj_event_base": "for widget classes' own event functions",
    "lv_obj_get_event_dsc": "event descriptors are LVGL-internal",
    "lv_obj_remove_event_dsc": "event descriptors are LVGL-internal",
    "lv_obj_remove_event": "indexes LVGL's own event list, which holds the firmware's entries too",
    "lv_obj_tree_walk": "takes a C callback",
    "lv_obj_dump_tree": "prints LVGL's internal pointers",
    "lv_obj_get_child_by_type": "object classes are LVGL-internal",
    "lv_obj_get_sibling_by_type": "object classes are LVGL-internal",
    "lv_obj_get_child_count_by_type": "object classes are LVGL-internal",
    "lv_obj_get_index_by_type": "object classes are LVGL-internal",
    "lv_obj_enable_style_refresh": "global switch of LVGL's style engine, " + SHARED,
    "lv_obj_style_set_disabled": "LVGL-internal style bookkeeping",
    "lv_obj_style_get_disabled": "LVGL-internal style bookkeeping",
    "lv_obj_get_style_prop": "generic property access through lv_style_value_t: use the typed "
                             "lv_obj_get_style_* functions",
    "lv_obj_set_local_style_prop": "generic property access through lv_style_value_t: use the "
                                   "typed lv_obj_set_style_* functions",
    "lv_obj_get_local_style_prop": "generic property access through lv_style_value_t",
    "lv_obj_style_apply_color_filter": "LVGL-internal style computation",
    "lv_obj_style_apply_recolor": "LVGL-internal style computation",
    "lv_obj_get_style_recolor_recursive": "LVGL-internal style computation",
    "lv_obj_calculate_style_text_align": "LVGL-internal style computation",
    "lv_obj_bind_style": "subjects and observers are not offered",
    "lv_obj_bind_style_prop": "subjects and observers are not offered",
    "lv_obj_refr_size": "LVGL-internal layout step",
    "lv_obj_refr_pos": "LVGL-internal layout step",
    "lv_obj_readjust_scroll": "LVGL-internal layout step",
    "lv_obj_set_transform": "transformation matrices are off in this build",
    "lv_obj_reset_transform": "transformation matrices are off in this build",
    "lv_obj_get_transform": "transformation matrices are off in this build",
    "lv_obj_transform_point_array": "takes a guest array LVGL would write in place; use "
                                    "lv_obj_transform_point per point",
    "lv_clamp_width": "LVGL-internal layout step",
    "lv_clamp_height": "LVGL-internal layout step",
    "lv_obj_calc_dynamic_width": "LVGL-internal layout step",
    "lv_obj_calc_dynamic_height": "LVGL-internal layout step",
    "lv_obj_move_children_by": "LVGL-internal layout step",
    "lv_obj_get_scrollbar_area": "LVGL-internal drawing step",
    # Events.
    "lv_event_get_indev": "input devices are not offered",
    "lv_event_get_layer": "drawing layers are not offered",
    "lv_event_get_old_size": "returns a pointer into LVGL's memory",
    "lv_event_get_scroll_anim": "returns LVGL's internal scroll animation",
    "lv_event_set_ext_draw_size": "drawing events are not delivered to guests",
    "lv_event_get_self_size_info": "layout events are not delivered to guests",
    "lv_event_get_hit_test_info": "hit-test events are not delivered to guests",
    "lv_event_get_cover_area": "drawing events are not delivered to guests",
    "lv_event_set_cover_res": "drawing events are not delivered to guests",
    "lv_event_get_draw_task": "drawing events are not delivered to guests",
    "lv_event_send": "sends on LVGL's raw event lists: use lv_obj_send_event",
    "lv_event_add": "LVGL's raw event lists are internal",
    "lv_event_remove_dsc": "LVGL's raw event lists are internal",
    "lv_event_get_count": "LVGL's raw event lists are internal",
    "lv_event_get_dsc": "LVGL's raw event lists are internal",
    "lv_event_dsc_get_cb": "LVGL's raw event lists are internal",
    "lv_event_dsc_get_user_data": "LVGL's raw event lists are internal",
    "lv_event_remove": "LVGL's raw event lists are internal",
    "lv_event_remove_all": "LVGL's raw event lists are internal",
    "lv_event_free_user_data_cb": "frees LVGL memory given as user data",
    "lv_event_stop_trickling": "LVGL-internal event propagation",
    # Groups.
    "lv_group_set_default": SHARED,
    "lv_group_get_default": "the default group is shared with the firmware and other apps",
    "lv_group_set_focus_cb": "takes a C callback",
    "lv_group_set_edge_cb": "takes a C callback",
    "lv_group_get_focus_cb": "returns a C callback",
    "lv_group_get_edge_cb": "returns a C callback",
    "lv_group_get_count": "counts every app's groups",
    "lv_group_by_index": "reaches every app's groups",
    "lv_group_set_user_data": "user data of groups is the firmware's",
    "lv_group_get_user_data": "user data of groups is the firmware's",
    # Screens and the display.
    "lv_display_get_screen_prev": "the previous screen may belong to another app",
    "lv_display_get_screen_loading": "the loading screen may belong to another app",
    "lv_display_get_layer_top": "display-wide layers are shared between apps",
    "lv_display_get_layer_sys": "display-wide layers are shared between apps",
    "lv_display_get_layer_bottom": "display-wide layers are shared between apps",
    "lv_layer_top": "display-wide layers are shared between apps",
    "lv_layer_sys": "display-wide layers are shared between apps",
    "lv_layer_bottom": "display-wide layers are shared between apps",
    "lv_screen_load_anim": "a screen transition keeps pointers to both screens while they may be "
                           "deleted: use lv_screen_load",
    "lv_display_get_theme": "returns the display's theme object",
    "lv_display_refr_timer": "LVGL's refresh timer belongs to the firmware",
    "lv_obj_redraw": "drawing layers are not offered",
    "lv_event_get_invalidated_area": "display events are not delivered to guests",
    # Style objects.
    "lv_style_register_prop": "custom style properties are global, " + SHARED,
    "lv_style_get_num_custom_props": "custom style properties are not offered",
    "lv_style_set_prop": "generic property access through lv_style_value_t: use lv_style_set_*",
    "lv_style_get_prop": "generic property access through lv_style_value_t",
    "lv_style_get_prop_inlined": "generic property access through lv_style_value_t",
    "lv_style_prop_get_default": "generic property access through lv_style_value_t",
    "lv_style_prop_lookup_flags": "LVGL-internal style bookkeeping",
    "lv_style_prop_has_flag": "LVGL-internal style bookkeeping",
    "lv_style_get_prop_group": "LVGL-internal style bookkeeping",
    "lv_style_is_const": "constant styles are not offered",
    "lv_style_transition_dsc_init": RETAINS + " (styles keep the descriptor)",
    "lv_style_set_transition": RETAINS + " (styles keep the descriptor)",
    "lv_obj_set_style_transition": RETAINS + " (styles keep the descriptor)",
    "lv_style_set_anim": RETAINS + " (styles keep the animation template)",
    "lv_obj_set_style_anim": RETAINS + " (styles keep the animation template)",
    "lv_style_set_bg_grad": RETAINS + " (gradient descriptors are not offered)",
    "lv_obj_set_style_bg_grad": RETAINS + " (gradient descriptors are not offered)",
    "lv_style_set_color_filter_dsc": RETAINS + " (colour filters are not offered)",
    "lv_obj_set_style_color_filter_dsc": RETAINS + " (colour filters are not offered)",
    "lv_style_set_bitmap_mask_src": "bitmap masks are not offered",
    "lv_obj_set_style_bitmap_mask_src": "bitmap masks are not offered",
    "lv_style_set_grid_column_dsc_array": RETAINS + ": use lv_obj_set_grid_dsc_array",
    "lv_style_set_grid_row_dsc_array": RETAINS + ": use lv_obj_set_grid_dsc_array",
    "lv_obj_set_style_grid_column_dsc_array": RETAINS + ": use lv_obj_set_grid_dsc_array",
    "lv_obj_set_style_grid_row_dsc_array": RETAINS + ": use lv_obj_set_grid_dsc_array",
    # Animations.
    "lv_anim_get_timer": "LVGL's animation timer belongs to the firmware",
    "lv_obj_delete_anim_completed_cb": "an animation callback for C code (deletes the animated variable)",
    "lv_anim_custom_delete": "use lv_anim_delete(var, exec_cb)",
    "lv_anim_custom_get": "use lv_anim_get(var, exec_cb)",
    "lv_anim_resolve_speed": "LVGL-internal",
    "lv_anim_refr_now": "LVGL's animation timer belongs to the firmware",
    # Timers.
    "lv_timer_handler_run_in_period": "use lv_timer_handler",
    "lv_timer_periodic_handler": "use lv_timer_handler",
    "lv_timer_handler_set_resume_cb": "LVGL's timer handler belongs to the firmware",
    "lv_timer_enable": "switches every app's timers, " + SHARED,
    "lv_timer_get_next": "iterates every app's timers",
    "lv_timer_create_basic": "use lv_timer_create",
    # Colours and geometry.
    "lv_color_16_16_mix": "16-bit pixel arithmetic for renderers",
    "lv_color16_premultiply": "pixel arithmetic for renderers",
    "lv_color_premultiply": "pixel arithmetic for renderers",
    "lv_color_mix32_premultiplied": "pixel arithmetic for renderers",
    "lv_color_over32": "pixel arithmetic for renderers",
    "lv_color_filter_dsc_init": "colour filters are not offered",
    "lv_point_array_transform": "takes a guest array LVGL would write in place",
    # Fonts and themes.
    "lv_font_get_glyph_bitmap": "glyph data belongs to the renderer",
    "lv_font_get_glyph_static_bitmap": "glyph data belongs to the renderer",
    "lv_font_get_glyph_dsc": "glyph data belongs to the renderer",
    "lv_font_glyph_release_draw_data": "glyph data belongs to the renderer",
    "lv_font_set_kerning": "the built-in fonts are in flash and shared",
    "lv_font_info_is_equal": "font infos are for the font manager, which is off",
    "lv_font_has_static_bitmap": "glyph data belongs to the renderer",
    "lv_theme_create": "themes are the display's: only the built-in ones are offered",
    "lv_theme_copy": "themes are the display's: only the built-in ones are offered",
    "lv_theme_set_parent": "themes are the display's: only the built-in ones are offered",
    "lv_theme_set_apply_cb": "takes a C callback",
    "lv_theme_delete": "themes are the display's: only the built-in ones are offered",
    "lv_theme_default_deinit": "would free the theme every app's objects use",
    "lv_theme_simple_deinit": "would free the theme every app's objects use",
    "lv_tick_inc": "LVGL's clock belongs to the firmware",
    "lv_delay_ms": "blocks LVGL: use mp.sleep_ms or WASI",
    "lv_delay_set_cb": "LVGL's clock belongs to the firmware",
    "lv_tick_set_cb": "LVGL's clock belongs to the firmware",
    "lv_tick_get_cb": "LVGL's clock belongs to the firmware",
    "lv_flex_init": "LVGL-internal (done at init)",
    "lv_grid_init": "LVGL-internal (done at init)",
    # Widgets.
    "lv_calendar_set_day_names": RETAINS,
    "lv_calendar_header_dropdown_set_year_list": RETAINS,
    "lv_calendar_get_highlighted_dates": "returns a pointer into LVGL's memory",
    "lv_canvas_set_draw_buf": "draw buffers are not offered: use lv_canvas_set_buffer",
    "lv_canvas_get_draw_buf": "draw buffers are not offered",
    "lv_canvas_get_image": "returns LVGL's image descriptor",
    "lv_canvas_get_buf": "returns a pointer into LVGL's memory: read pixels with lv_canvas_get_px",
    "lv_canvas_copy_buf": "draw buffers are not offered",
    "lv_canvas_init_layer": "drawing layers are not offered",
    "lv_canvas_finish_layer": "drawing layers are not offered",
    "lv_chart_set_series_ext_y_array": RETAINS + ": use lv_chart_set_series_values",
    "lv_chart_set_series_ext_x_array": RETAINS,
    "lv_chart_get_series_y_array": "returns a pointer into LVGL's memory",
    "lv_chart_get_series_x_array": "returns a pointer into LVGL's memory",
    "lv_buttonmatrix_get_map": "returns LVGL's pointers to the map",
    "lv_keyboard_get_map_array": "returns LVGL's pointers to the map",
    "lv_keyboard_def_event_cb": "a C event callback of LVGL's own",
    "lv_keyboard_set_map": "keyboard maps are global in LVGL: they would change every app's keyboards",
    "lv_image_get_src": "returns a pointer to the source",
    "lv_image_set_bitmap_map_src": "bitmap masks are not offered",
    "lv_image_get_bitmap_map_src": "bitmap masks are not offered",
    "lv_line_set_points_mutable": RETAINS + " (mutable points): use lv_line_set_points",
    "lv_line_get_points": "returns a pointer into LVGL's memory",
    "lv_line_get_points_mutable": "returns a pointer into LVGL's memory",
    "lv_line_is_point_array_mutable": "mutable point arrays are not offered",
    "lv_scale_set_post_draw": "drawing order belongs to the renderer",
    "lv_span_stack_init": "LVGL-internal (done at init)",
    "lv_span_stack_deinit": "LVGL-internal",
    "lv_table_set_cell_user_data": "takes LVGL-allocated user data (freed by LVGL)",
    "lv_table_get_cell_user_data": "returns LVGL-allocated user data",
    "lv_dropdown_get_symbol": "returns the pointer given to lv_dropdown_set_symbol",
}

# Functions whose host side is written by hand (lvgl_bindings_custom.c): the
# generator emits their table rows and guest declarations. What they do
# differently is the reason shown in the report.
CUSTOM = {
    "lv_screen_active": "returns the app's own root (its screen, or its area of a shared screen)",
    "lv_display_get_screen_active": "returns the app's own root (its screen, or its area of a shared screen)",
    "lv_screen_load": "only the app's own screens",
    "lv_obj_delete": "keeps the display showing a screen when the active one is deleted",
    "lv_obj_clean": "refused inside LV_EVENT_DELETE callbacks",
    "lv_obj_delete_delayed": "refused for screens",
    "lv_obj_delete_async": "refused for screens",
    "lv_obj_set_parent": "only to the app's own objects",
    "lv_obj_is_valid": "answers for any handle without trapping",
    "lv_obj_set_user_data": "the guest's value is kept by the firmware",
    "lv_obj_get_user_data": "the guest's value is kept by the firmware",
    "lv_obj_add_event_cb": "the callback is a guest function (table index)",
    "lv_obj_remove_event_cb": "the callback is a guest function (table index)",
    "lv_obj_remove_event_cb_with_user_data": "the callback is a guest function (table index)",
    "lv_obj_get_event_count": "counts the app's own callbacks",
    "lv_obj_send_event": "only events LVGL sends without a parameter, and the app's own codes",
    "lv_event_get_user_data": "the user data given to lv_obj_add_event_cb",
    "lv_event_get_param": "the parameter of the app's own event codes (0 for LVGL's)",
    "lv_event_get_target": "the object, as a handle",
    "lv_event_get_current_target": "the object, as a handle",
    "lv_timer_create": "the callback is a guest function (table index)",
    "lv_timer_delete": "frees the handle",
    "lv_timer_set_cb": "the callback is a guest function (table index)",
    "lv_timer_set_user_data": "the guest's value is kept by the firmware",
    "lv_timer_get_user_data": "the guest's value is kept by the firmware",
    "lv_timer_set_auto_delete": "the firmware deletes the timer and its handle",
    "lv_timer_handler": "runs the display's timers, delivering callbacks to every app",
    "lv_anim_start": "copies the guest's template; callbacks are guest functions",
    "lv_anim_delete": "matches the guest's variable and callback",
    "lv_anim_delete_all": "the app's own animations",
    "lv_anim_get": "matches the guest's variable and callback",
    "lv_anim_count_running": "the app's own animations",
    "lv_anim_get_user_data": "the guest's value is kept by the firmware",
    "lv_style_init": "allocates the style in the firmware; the guest's lv_style_t holds its handle",
    "lv_style_copy": "copies between the app's styles",
    "lv_group_create": "the group belongs to the app",
    "lv_group_delete": "frees the handle",
    "lv_image_set_src": "images are copied from guest memory or read from a VFS path",
    "lv_obj_set_style_bg_image_src": "images are copied from guest memory or read from a VFS path",
    "lv_obj_set_style_arc_image_src": "images are copied from guest memory or read from a VFS path",
    "lv_style_set_bg_image_src": "images are copied from guest memory or read from a VFS path",
    "lv_style_set_arc_image_src": "images are copied from guest memory or read from a VFS path",
    "lv_line_set_points": "the points are copied and kept with the line",
    "lv_obj_set_grid_dsc_array": "the arrays are copied and kept with the object",
    "lv_buttonmatrix_set_map": "the map is copied and kept with the object",
    "lv_buttonmatrix_set_ctrl_map": "reads one control per button of the map",
    "lv_keyboard_set_textarea": "the keyboard forgets the text area when it is deleted",
    "lv_scale_set_text_src": "the labels are copied and kept with the object",
    "lv_calendar_set_highlighted_dates": "the dates are copied and kept with the object",
    "lv_dropdown_set_symbol": "the symbol text is copied and kept with the object",
    "lv_canvas_set_buffer": "the pixel buffer is allocated by the firmware (guest memory is not used)",
    "lv_chart_add_series": "the series handle belongs to the chart",
    "lv_chart_remove_series": "frees the handle",
    "lv_chart_add_cursor": "the cursor handle belongs to the chart",
    "lv_chart_remove_cursor": "frees the handle",
    "lv_spangroup_add_span": "the span handle belongs to the span group",
    "lv_spangroup_delete_span": "frees the handle",
    "lv_span_get_style": "a style handle that belongs to the span",
    "lv_scale_add_section": "the section handle belongs to the scale",
    "lv_list_add_button": "the icon is an image source",
    "lv_theme_default_init": "the built-in theme (display-wide)",
    "lv_theme_simple_init": "the built-in theme (display-wide)",
}

# Functions the guest SDK implements in the guest (guest/include/lvgl/*.h):
# they work on guest memory only.
GUEST_SDK = {
    "lv_anim_init", "lv_anim_set_var", "lv_anim_set_exec_cb", "lv_anim_set_duration",
    "lv_anim_set_delay", "lv_anim_set_values", "lv_anim_set_custom_exec_cb", "lv_anim_set_path_cb",
    "lv_anim_set_start_cb", "lv_anim_set_get_value_cb", "lv_anim_set_completed_cb",
    "lv_anim_set_deleted_cb", "lv_anim_set_reverse_duration", "lv_anim_set_reverse_time",
    "lv_anim_set_reverse_delay", "lv_anim_set_repeat_count", "lv_anim_set_repeat_delay",
    "lv_anim_set_early_apply", "lv_anim_set_user_data", "lv_anim_set_bezier3_param",
    "lv_anim_path_linear", "lv_anim_path_ease_in", "lv_anim_path_ease_out",
    "lv_anim_path_ease_in_out", "lv_anim_path_overshoot", "lv_anim_path_bounce",
    "lv_anim_path_step", "lv_anim_path_custom_bezier3",
    # Colour helpers every style call uses: plain arithmetic, no host call.
    "lv_color_hex", "lv_color_hex3", "lv_color_make", "lv_color32_make", "lv_color_white",
    "lv_color_black", "lv_color_to_u32", "lv_color_to_int", "lv_color_eq", "lv_color32_eq",
    "lv_color_to_32", "lv_pct",
}

# --- Types ------------------------------------------------------------------------

# Pointer targets that cross the sandbox as handles: (kind, C enum name).
HANDLES = {
    "lv_obj_t": "OBJ",
    "lv_group_t": "GROUP",
    "lv_timer_t": "TIMER",
    "lv_anim_t": "ANIM",
    "lv_event_t": "EVENT",
    "lv_chart_series_t": "SERIES",
    "lv_chart_cursor_t": "CURSOR",
    "lv_span_t": "SPAN",
    "lv_scale_section_t": "SECTION",
    "lv_style_t": "STYLE",
    "lv_font_t": "FONT",
    "lv_display_t": "DISPLAY",
    "lv_theme_t": "THEME",
}

# Plain-data structs that are copied in and out by value or by pointer
# (their bytes are the same on wasm32 and the host, checked by the build).
POD_STRUCTS = {"lv_area_t", "lv_point_t", "lv_point_precise_t", "lv_color_hsv_t",
               "lv_calendar_date_t", "lv_color32_t", "lv_color16_t", "lv_sqrt_res_t"}
# Plain integers a function may write through a pointer (one element).
POD_OUT_SCALARS = {"int32_t", "uint32_t", "int16_t", "uint16_t", "uint8_t", "int8_t", "bool",
                   "lv_value_precise_t"}

# Parameters that may be NULL (0 from the guest); every other handle or
# string must be valid. (function, parameter name)
NULLABLE = {
    ("*_create", "parent"),
    ("lv_obj_remove_style", "style"),
    ("lv_obj_replace_style", "old_style"),
    ("lv_obj_report_style_change", "style"),
    ("lv_label_set_text", "text"),
    ("lv_textarea_set_text", "txt"),
    ("lv_list_add_text", "txt"),
    ("lv_list_add_button", "txt"),
    ("lv_msgbox_add_footer_button", "text"),
    ("lv_obj_align_to", "base"),
    ("lv_theme_default_init", "font"),
    ("lv_theme_simple_init", "disp"),
    ("lv_checkbox_set_text", "txt"),
    ("lv_keyboard_set_textarea", "ta"),
    ("lv_tabview_add_tab", "name"),
    ("lv_group_focus_obj", "obj"),
    ("lv_chart_get_series_next", "ser"),
    ("lv_chart_set_cursor_point", "ser"),
    ("lv_msgbox_create", "parent"),
}
# Display handles: NULL means the default display everywhere.
NULL_MEANS_DEFAULT = {"DISPLAY"}

# Widget functions check the class of their first argument (LVGL itself
# does not: a label function on a button would write past the button).
WIDGETS = {
    "arc": "lv_arc_class", "bar": "lv_bar_class", "button": "lv_button_class",
    "buttonmatrix": "lv_buttonmatrix_class", "calendar": "lv_calendar_class",
    "canvas": "lv_canvas_class", "chart": "lv_chart_class", "checkbox": "lv_checkbox_class",
    "dropdown": "lv_dropdown_class", "image": "lv_image_class", "keyboard": "lv_keyboard_class",
    "label": "lv_label_class", "led": "lv_led_class", "line": "lv_line_class",
    "list": "lv_list_class", "msgbox": "lv_msgbox_class", "roller": "lv_roller_class",
    "scale": "lv_scale_class", "slider": "lv_slider_class", "spangroup": "lv_spangroup_class",
    "spinner": "lv_spinner_class", "switch": "lv_switch_class", "table": "lv_table_class",
    "tabview": "lv_tabview_class", "textarea": "lv_textarea_class",
}
# Exceptions to "the first argument's class is the prefix's widget".
WIDGET_ARG_CLASS = {
    "lv_calendar_add_header_arrow": "lv_calendar_class",
    "lv_calendar_add_header_dropdown": "lv_calendar_class",
    "lv_list_get_button_text": "lv_list_class",
    "lv_list_set_button_text": "lv_list_class",
}

# Object parameters past the first whose class LVGL assumes.
PARAM_CLASS = {
    ("lv_scale_set_line_needle_value", "needle_line"): "lv_line_class",
    ("lv_scale_set_image_needle_value", "needle_img"): "lv_image_class",
}

# The display belongs to the firmware: guests read it, nothing more.
DISPLAY_READS = {
    "lv_display_get_default", "lv_display_get_horizontal_resolution",
    "lv_display_get_vertical_resolution", "lv_display_get_original_horizontal_resolution",
    "lv_display_get_original_vertical_resolution", "lv_display_get_physical_horizontal_resolution",
    "lv_display_get_physical_vertical_resolution", "lv_display_get_offset_x",
    "lv_display_get_offset_y", "lv_display_get_rotation", "lv_display_get_dpi",
    "lv_display_get_color_format", "lv_display_get_antialiasing", "lv_display_get_inactive_time",
    "lv_display_trigger_activity", "lv_dpx", "lv_display_dpx", "lv_display_get_screen_active",
    "lv_screen_active", "lv_screen_load", "lv_refr_now",
}
DISPLAY_HEADERS = ("src/display/lv_display.h", "src/core/lv_refr.h")
DISPLAY_REASON = "configures the display, which belongs to the firmware and other apps share"

# Objects that LVGL creates inside a call are parts of the widget that made
# them (a message box's header, a text area's label, a tab view's pages):
# widgets keep pointers to them, so guests may style them but not delete,
# move or re-parent them. The object these functions return is the
# guest's own.
CREATORS = {
    "lv_list_add_button", "lv_list_add_text", "lv_msgbox_add_text",
    "lv_msgbox_add_footer_button", "lv_msgbox_add_header_button", "lv_msgbox_add_close_button",
}
# Host functions that change the object tree check it first (C guard in
# lvgl_bindings_objects.c, called with the first argument).
GUARDS = {
    "lv_obj_move_to_index": "lvb_guard_reorder",
    "lv_obj_move_foreground": "lvb_guard_reorder",
    "lv_obj_move_background": "lvb_guard_reorder",
    "lv_msgbox_close": "lvb_guard_delete",
    "lv_dropdown_close": "lvb_guard_tree",
}


def nullable(func, param):
    if (func, param) in NULLABLE:
        return True
    return any(f.startswith("*") and func.endswith(f[1:]) and p == param for f, p in NULLABLE)


def widget_class(func):
    """The class the first argument must have, or None."""
    if func in WIDGET_ARG_CLASS:
        return WIDGET_ARG_CLASS[func]
    if func.endswith("_create"):
        return None
    for prefix in sorted(WIDGETS, key=len, reverse=True):
        if func.startswith(f"lv_{prefix}_"):
            return WIDGETS[prefix]
    return None


def area_of(file):
    """(area, None) for an offered header, (None, reason) otherwise."""
    if file in OFFERED:
        return OFFERED[file], None
    for prefix, reason in NOT_OFFERED.items():
        if file.startswith(prefix):
            return None, reason
    return None, None


# Sizes and indexes LVGL trusts: beyond these it overflows a count
# (index + 1 == 0) or asks for more memory than the pool has, and an
# allocation failure in the middle of a widget's update leaves it broken.
# (function, parameter) -> (C condition on the converted arguments a0, a1,
# ..., what the guest is told).
_CELLS = "at most 4096 rows, 256 columns and 4096 cells"
LIMITS = {
    ("lv_table_set_row_count", "row_cnt"):
        ("a1 <= 4096 && (uint64_t)a1 * lv_table_get_column_count(a0) <= 4096", _CELLS),
    ("lv_table_set_column_count", "col_cnt"):
        ("a1 <= 256 && (uint64_t)a1 * lv_table_get_row_count(a0) <= 4096", _CELLS),
    ("lv_table_set_column_width", "col_id"):
        ("a1 < 256 && (uint64_t)(a1 + 1) * lv_table_get_row_count(a0) <= 4096", _CELLS),
    ("lv_table_set_cell_value", "row"):
        ("a1 < 4096 && a2 < 256 && (uint64_t)(a1 + 1) * (a2 + 1) <= 4096", _CELLS),
    ("lv_table_set_cell_ctrl", "row"):
        ("a1 < 4096 && a2 < 256 && (uint64_t)(a1 + 1) * (a2 + 1) <= 4096", _CELLS),
    ("lv_table_clear_cell_ctrl", "row"):
        ("a1 < 4096 && a2 < 256 && (uint64_t)(a1 + 1) * (a2 + 1) <= 4096", _CELLS),
    ("lv_chart_set_point_count", "cnt"): ("a1 <= 4096", "at most 4096 points"),
}


def frees_or_reads(func):
    """Functions that take no LVGL memory (getters, deleting): allowed
    even when the pool is at its reserve, so an app can free memory."""
    return any(w in func for w in ("_get_", "_is_", "_has_", "delete", "remove", "_clean", "_close",
                                   "reset", "_count")) or func.startswith(("lv_obj_get", "lv_event_get"))
