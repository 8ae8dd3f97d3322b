/*
 * ui_gallery.c - a gallery of LVGL widgets in a tab view, drawn by a
 * guest: labels, buttons, an image from guest memory, a line, bars,
 * sliders, arcs, switches, checkboxes, a dropdown, a roller, a text area,
 * a keyboard, a list, a table, a chart, a message box, a spinner, LEDs,
 * a canvas, a scale and spans, with shared style objects.
 *
 *   inst.exports.app_start()     build it (tab 0)
 *   inst.exports.app_tab(n)      show tab n (0..2), without animation
 *   inst.exports.app_animate()   animate the first bar (an lv_anim_t)
 *   inst.exports.app_value()     the slider's value (changed by touch)
 */
#include <lvgl.h>

static lv_obj_t *tabview, *bar, *slider, *value_label;
static lv_style_t card_style, title_style;
static int animated;

/* A 24x24 RGB565 image made at run time (an ordinary lv_image_dsc_t in
   guest memory: the firmware copies it). */
static uint16_t icon_pixels[24 * 24];
static lv_image_dsc_t icon = {
    .header = { .magic = LV_IMAGE_HEADER_MAGIC, .cf = LV_COLOR_FORMAT_RGB565, .w = 24, .h = 24, .stride = 48 },
    .data_size = sizeof(icon_pixels),
    .data = (const uint8_t *)icon_pixels,
};

static void make_icon(void) {
    for (int y = 0; y < 24; y++) {
        for (int x = 0; x < 24; x++) {
            int r = (x * 31) / 23, g = (y * 63) / 23, b = ((x + y) % 8 < 4) ? 31 : 8;
            icon_pixels[y * 24 + x] = (uint16_t)((r << 11) | (g << 5) | b);
        }
    }
}

static lv_obj_t *card(lv_obj_t *parent, const char *title) {
    lv_obj_t *c = lv_obj_create(parent);
    lv_obj_add_style(c, &card_style, 0);
    lv_obj_set_width(c, LV_PCT(100));
    lv_obj_set_height(c, LV_SIZE_CONTENT);
    lv_obj_set_flex_flow(c, LV_FLEX_FLOW_ROW_WRAP);
    lv_obj_set_flex_align(c, LV_FLEX_ALIGN_START, LV_FLEX_ALIGN_CENTER, LV_FLEX_ALIGN_CENTER);
    lv_obj_t *t = lv_label_create(c);
    lv_obj_add_style(t, &title_style, 0);
    lv_label_set_text(t, title);
    lv_obj_set_width(t, LV_PCT(100));
    return c;
}

static void slider_changed(lv_event_t *e) {
    lv_obj_t *s = lv_event_get_target(e);
    char text[8];
    int v = lv_slider_get_value(s);
    text[0] = (char)('0' + v / 100 % 10);
    text[1] = (char)('0' + v / 10 % 10);
    text[2] = (char)('0' + v % 10);
    text[3] = '%';
    text[4] = 0;
    lv_label_set_text(value_label, v >= 100 ? text : v >= 10 ? text + 1 : text + 2);
}

static void basics(lv_obj_t *tab) {
    lv_obj_set_flex_flow(tab, LV_FLEX_FLOW_COLUMN);
    lv_obj_t *c = card(tab, "Buttons");
    lv_obj_t *b = lv_button_create(c);
    lv_label_set_text(lv_label_create(b), LV_SYMBOL_OK " OK");
    b = lv_button_create(c);
    lv_obj_add_flag(b, LV_OBJ_FLAG_CHECKABLE);
    lv_obj_add_state(b, LV_STATE_CHECKED);
    lv_label_set_text(lv_label_create(b), "Toggle");
    lv_obj_t *img = lv_image_create(c);
    lv_image_set_src(img, &icon);

    c = card(tab, "Indicators");
    bar = lv_bar_create(c);
    lv_obj_set_width(bar, 120);
    lv_bar_set_value(bar, 60, LV_ANIM_OFF);
    for (int i = 0; i < 3; i++) {
        lv_obj_t *led = lv_led_create(c);
        lv_obj_set_size(led, 14, 14);
        lv_led_set_color(led, lv_palette_main(i == 0 ? LV_PALETTE_RED : i == 1 ? LV_PALETTE_GREEN : LV_PALETTE_BLUE));
        if (i == 1) {
            lv_led_off(led);
        } else {
            lv_led_on(led);
        }
    }
    lv_obj_t *arc = lv_arc_create(c);
    lv_obj_set_size(arc, 70, 70);
    lv_arc_set_value(arc, 70);

    c = card(tab, "Line and canvas");
    static const lv_point_precise_t zigzag[] = {{0, 20}, {20, 0}, {40, 20}, {60, 0}, {80, 20}};
    lv_obj_t *line = lv_line_create(c);
    lv_line_set_points(line, zigzag, 5);
    lv_obj_set_style_line_width(line, 3, 0);
    lv_obj_set_style_line_color(line, lv_palette_main(LV_PALETTE_PURPLE), 0);
    static uint8_t canvas_buf[LV_CANVAS_BUF_SIZE(40, 24, 16, 1)];
    lv_obj_t *canvas = lv_canvas_create(c);
    lv_canvas_set_buffer(canvas, canvas_buf, 40, 24, LV_COLOR_FORMAT_RGB565);
    lv_canvas_fill_bg(canvas, lv_color_hex(0xffe0b0), LV_OPA_COVER);
    for (int i = 0; i < 24; i++) {
        lv_canvas_set_px(canvas, i, i, lv_color_hex(0xc02020), LV_OPA_COVER);
        lv_canvas_set_px(canvas, 39 - i, i, lv_color_hex(0x2020c0), LV_OPA_COVER);
    }

    c = card(tab, "Spans");
    lv_obj_t *spans = lv_spangroup_create(c);
    lv_obj_set_width(spans, LV_PCT(100));
    lv_span_t *s = lv_spangroup_add_span(spans);
    lv_span_set_text(s, "Guests ");
    s = lv_spangroup_add_span(spans);
    lv_span_set_text(s, "draw ");
    lv_style_set_text_color(lv_span_get_style(s), lv_palette_main(LV_PALETTE_RED));
    s = lv_spangroup_add_span(spans);
    lv_span_set_text(s, "with LVGL");
    lv_style_set_text_decor(lv_span_get_style(s), LV_TEXT_DECOR_UNDERLINE);
}

static void inputs(lv_obj_t *tab) {
    lv_obj_set_flex_flow(tab, LV_FLEX_FLOW_COLUMN);
    lv_obj_t *c = card(tab, "Slider");
    slider = lv_slider_create(c);
    lv_obj_set_width(slider, 150);
    lv_slider_set_value(slider, 40, LV_ANIM_OFF);
    lv_obj_add_event_cb(slider, slider_changed, LV_EVENT_VALUE_CHANGED, NULL);
    value_label = lv_label_create(c);
    lv_label_set_text(value_label, "40%");

    c = card(tab, "Choices");
    lv_obj_t *sw = lv_switch_create(c);
    lv_obj_add_state(sw, LV_STATE_CHECKED);
    lv_obj_t *cb = lv_checkbox_create(c);
    lv_checkbox_set_text(cb, "Check");
    lv_obj_t *dd = lv_dropdown_create(c);
    lv_dropdown_set_options(dd, "Apple\nBanana\nCherry");
    lv_dropdown_set_selected(dd, 1);
    lv_obj_t *roller = lv_roller_create(c);
    lv_roller_set_options(roller, "Mon\nTue\nWed\nThu\nFri", LV_ROLLER_MODE_NORMAL);
    lv_roller_set_visible_row_count(roller, 3);
    lv_roller_set_selected(roller, 2, LV_ANIM_OFF);

    c = card(tab, "Text");
    lv_obj_t *ta = lv_textarea_create(c);
    lv_obj_set_size(ta, 180, 40);
    lv_textarea_set_one_line(ta, true);
    lv_textarea_set_text(ta, "Hello, guest");
    lv_obj_t *kb = lv_keyboard_create(c);
    lv_obj_set_size(kb, LV_PCT(100), 120);
    lv_keyboard_set_textarea(kb, ta);
}

static void data(lv_obj_t *tab) {
    lv_obj_set_flex_flow(tab, LV_FLEX_FLOW_COLUMN);
    lv_obj_t *c = card(tab, "Chart");
    lv_obj_t *chart = lv_chart_create(c);
    lv_obj_set_size(chart, 180, 90);
    lv_chart_set_point_count(chart, 8);
    lv_chart_series_t *ser = lv_chart_add_series(chart, lv_palette_main(LV_PALETTE_TEAL), LV_CHART_AXIS_PRIMARY_Y);
    static const int32_t points[] = {10, 40, 25, 70, 55, 90, 60, 80};
    lv_chart_set_series_values(chart, ser, points, 8);

    c = card(tab, "Table");
    lv_obj_t *table = lv_table_create(c);
    static const char *names[] = {"Name", "Alpha", "Beta", "Gamma"};
    for (int r = 0; r < 4; r++) {
        lv_table_set_cell_value(table, r, 0, names[r]);
        lv_table_set_cell_value(table, r, 1, r == 0 ? "Value" : r == 1 ? "1" : r == 2 ? "22" : "333");
    }
    lv_table_set_column_width(table, 0, 90);
    lv_table_set_column_width(table, 1, 70);

    c = card(tab, "List and scale");
    lv_obj_t *list = lv_list_create(c);
    lv_obj_set_size(list, 160, 110);
    lv_list_add_text(list, "Files");
    lv_list_add_button(list, LV_SYMBOL_FILE, "notes.txt");
    lv_list_add_button(list, LV_SYMBOL_IMAGE, "photo.bin");
    lv_list_add_button(list, LV_SYMBOL_AUDIO, "song.wav");
    lv_obj_t *scale = lv_scale_create(c);
    lv_obj_set_size(scale, 160, 40);
    lv_scale_set_mode(scale, LV_SCALE_MODE_HORIZONTAL_BOTTOM);
    lv_scale_set_range(scale, 0, 100);
    lv_scale_set_total_tick_count(scale, 11);
    lv_scale_set_major_tick_every(scale, 5);

    c = card(tab, "Message box and spinner");
    lv_obj_t *mbox = lv_msgbox_create(c);
    lv_msgbox_add_title(mbox, "Note");
    lv_msgbox_add_text(mbox, "Drawn by a guest.");
    lv_msgbox_add_footer_button(mbox, "OK");
    lv_obj_t *spinner = lv_spinner_create(c);
    lv_obj_set_size(spinner, 40, 40);
}

__attribute__((export_name("app_start")))
void app_start(void) {
    make_icon();
    lv_style_init(&card_style);
    lv_style_set_pad_all(&card_style, 6);
    lv_style_set_pad_gap(&card_style, 6);
    lv_style_set_radius(&card_style, 6);
    lv_style_set_border_color(&card_style, lv_color_hex(0xc8d0da));
    lv_style_init(&title_style);
    lv_style_set_text_color(&title_style, lv_palette_darken(LV_PALETTE_BLUE, 2));
    lv_style_set_text_font(&title_style, &lv_font_montserrat_12);

    tabview = lv_tabview_create(lv_screen_active());
    lv_tabview_set_tab_bar_size(tabview, 36);
    basics(lv_tabview_add_tab(tabview, "Basics"));
    inputs(lv_tabview_add_tab(tabview, "Inputs"));
    data(lv_tabview_add_tab(tabview, "Data"));
}

__attribute__((export_name("app_tab")))
void app_tab(int n) {
    lv_tabview_set_active(tabview, (uint32_t)n, LV_ANIM_OFF);
}

static void set_bar(void *obj, int32_t v) {
    lv_bar_set_value(obj, v, LV_ANIM_OFF);
}

static void anim_done(lv_anim_t *a) {
    (void)a;
    animated++;
}

__attribute__((export_name("app_animate")))
void app_animate(void) {
    lv_anim_t a;
    lv_anim_init(&a);
    lv_anim_set_var(&a, bar);
    lv_anim_set_exec_cb(&a, set_bar);
    lv_anim_set_values(&a, 0, 100);
    lv_anim_set_duration(&a, 300);
    lv_anim_set_path_cb(&a, lv_anim_path_ease_out);
    lv_anim_set_completed_cb(&a, anim_done);
    lv_anim_start(&a);
}

__attribute__((export_name("app_animated")))
int app_animated(void) {
    return animated;
}

__attribute__((export_name("app_value")))
int app_value(void) {
    return lv_slider_get_value(slider);
}

__attribute__((export_name("app_bar")))
int app_bar(void) {
    return lv_bar_get_value(bar);
}
