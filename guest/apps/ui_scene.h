/*
 * ui_scene.h - a user interface scene built with LVGL's API, compiled both
 * as guest code (guest/apps/ui_bench.c, against the guest SDK: every call
 * goes through the bindings) and natively into the unix test firmware
 * (display.scene_native(), lvgl_bindings_py.c): `make bench` times the
 * two (scripts/lvgl_bench.py). Twelve cards in a wrapping row, each a
 * styled container with a title, a button, a slider and a bar; laid out,
 * then deleted.
 */
#ifndef UI_SCENE_H
#define UI_SCENE_H

#define UI_SCENE_CARDS (12)

static void ui_scene_card(lv_obj_t *parent, int i) {
    static const char *const titles[] = { "Temperature", "Humidity", "Pressure", "Wind" };
    lv_obj_t *card = lv_obj_create(parent);
    lv_obj_set_size(card, 110, 96);
    lv_obj_set_style_radius(card, 8, 0);
    lv_obj_set_style_pad_all(card, 4, 0);
    lv_obj_set_style_bg_color(card, lv_color_hex(0x203040 + (uint32_t)i * 0x040404), 0);
    lv_obj_set_flex_flow(card, LV_FLEX_FLOW_COLUMN);
    lv_obj_t *title = lv_label_create(card);
    lv_label_set_text(title, titles[i % 4]);
    lv_obj_set_style_text_color(title, lv_color_hex(0xffffff), 0);
    lv_obj_t *button = lv_button_create(card);
    lv_obj_set_size(button, 80, 20);
    lv_obj_t *text = lv_label_create(button);
    lv_label_set_text(text, "Reset");
    lv_obj_center(text);
    lv_obj_t *slider = lv_slider_create(card);
    lv_obj_set_width(slider, 90);
    lv_slider_set_value(slider, (i * 17) % 100, LV_ANIM_OFF);
    lv_obj_t *bar = lv_bar_create(card);
    lv_obj_set_size(bar, 90, 8);
    lv_bar_set_value(bar, (i * 29) % 100, LV_ANIM_OFF);
}

/* Builds the scene in `parent`, lays it out and deletes it, `n` times. */
static void ui_scene_run(lv_obj_t *parent, int n) {
    lv_obj_set_flex_flow(parent, LV_FLEX_FLOW_ROW_WRAP);
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < UI_SCENE_CARDS; i++) {
            ui_scene_card(parent, i);
        }
        lv_obj_update_layout(parent);
        lv_obj_clean(parent);
    }
}

/* The benchmark: `n` scenes on a screen of their own (not shown: nothing
 * is drawn, the cost is building, layout and deleting). */
static void ui_scene_bench(int n) {
    lv_obj_t *screen = lv_obj_create(NULL);
    ui_scene_run(lv_obj_create(screen), n);
    lv_obj_delete(screen);
}

#endif /* UI_SCENE_H */
