/*
 * ui_traps.c - malformed arguments to the LVGL bindings' hand-written
 * marshalling (host_tests/unix/test_hostile_lvgl_args.py): output buffers,
 * button matrix maps, grid templates, canvas buffers, calendar dates,
 * forged font and display tokens, and calls that trap after a copy was
 * made (which must not leak it). One export per attack, `arg` picks the
 * variant.
 */
#include <stdint.h>
#include <string.h>
#include <lvgl.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define OUTSIDE ((void *)0xfffffff0)

static lv_obj_t *dropdown, *btnm, *grid, *canvas, *calendar, *list, *label, *image;
static char out[64];

EXPORT("setup") void setup(void) {
    lv_obj_t *scr = lv_screen_active();
    dropdown = lv_dropdown_create(scr);
    lv_dropdown_set_options(dropdown, "alpha\nbeta");
    btnm = lv_buttonmatrix_create(scr);
    grid = lv_obj_create(scr);
    canvas = lv_canvas_create(scr);
    calendar = lv_calendar_create(scr);
    list = lv_list_create(scr);
    label = lv_label_create(scr);
    image = lv_image_create(scr);
}

/* lv_dropdown_get_selected_str into: 0 a buffer of 0 bytes, 1 of 1 byte,
 * 2 a pointer + length that wraps around, 3 a buffer running past the end
 * of memory, 4 NULL. Returns the first byte written (variant 1). */
EXPORT("outbuf") int outbuf(int arg) {
    memset(out, 'x', sizeof(out));
    uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536;
    if (arg == 0) {
        lv_dropdown_get_selected_str(dropdown, out, 0);
    } else if (arg == 1) {
        lv_dropdown_get_selected_str(dropdown, out, 1);
    } else if (arg == 2) {
        lv_dropdown_get_selected_str(dropdown, OUTSIDE, 0x20);
    } else if (arg == 3) {
        lv_dropdown_get_selected_str(dropdown, (char *)(uintptr_t)(end - 4), 16);
    } else {
        lv_dropdown_get_selected_str(dropdown, NULL, 16);
    }
    return out[0] | out[1] << 8;
}

static const char *map[600];

/* A button matrix map: 0 without its "" (runs to the end of memory),
 * 1 600 entries, 2 a forged text pointer, 3 a NULL entry, 4 a pointer to
 * the map outside memory, 5 valid. */
EXPORT("btnm_map") int btnm_map(int arg) {
    for (int i = 0; i < 600; i++) {
        map[i] = "k";
    }
    if (arg == 0) {
        uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536;
        const char **tail = (const char **)(uintptr_t)(end - 8);
        tail[0] = "a";
        tail[1] = "b";
        lv_buttonmatrix_set_map(btnm, tail);
    } else if (arg == 1) {
        lv_buttonmatrix_set_map(btnm, map);
    } else if (arg == 2) {
        map[1] = (const char *)0x7ffffff0;
        map[2] = "";
        lv_buttonmatrix_set_map(btnm, map);
    } else if (arg == 3) {
        map[1] = NULL;
        lv_buttonmatrix_set_map(btnm, map);
    } else if (arg == 4) {
        lv_buttonmatrix_set_map(btnm, OUTSIDE);
    } else {
        map[2] = "\n";
        map[4] = "";
        lv_buttonmatrix_set_map(btnm, map);
    }
    const char *first = lv_buttonmatrix_get_button_text(btnm, 1);   /* not reached when it traps */
    return first != NULL ? (int)strlen(first) : -1;
}

static int32_t cols[80], rows[4] = { 20, 20, LV_GRID_TEMPLATE_LAST };

/* Grid templates: 0 80 values without LV_GRID_TEMPLATE_LAST, 1 running
 * to the end of memory, 2 a row template outside memory after a valid
 * column one, 3 valid. */
EXPORT("grid_dsc") int grid_dsc(int arg) {
    for (int i = 0; i < 80; i++) {
        cols[i] = 10;
    }
    if (arg == 0) {
        lv_obj_set_grid_dsc_array(grid, cols, rows);
    } else if (arg == 1) {
        uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536;
        int32_t *tail = (int32_t *)(uintptr_t)(end - 8);
        tail[0] = tail[1] = 5;
        lv_obj_set_grid_dsc_array(grid, tail, rows);
    } else if (arg == 2) {
        cols[2] = LV_GRID_TEMPLATE_LAST;
        lv_obj_set_grid_dsc_array(grid, cols, OUTSIDE);
    } else {
        cols[2] = LV_GRID_TEMPLATE_LAST;
        lv_obj_set_grid_dsc_array(grid, cols, rows);
    }
    return 1;
}

/* lv_canvas_set_buffer: the pixels are the firmware's (the guest's
 * pointer is not used): 0 a buffer pointer outside memory (fine), 1 too
 * large, 2 a negative width, 3 an unsupported colour format. Returns
 * the pixel read back. */
EXPORT("canvas_buf") int canvas_buf(int arg) {
    static uint8_t small[4];
    if (arg == 0) {
        lv_canvas_set_buffer(canvas, OUTSIDE, 100, 100, LV_COLOR_FORMAT_RGB565);
    } else if (arg == 1) {
        lv_canvas_set_buffer(canvas, small, 2000, 2000, LV_COLOR_FORMAT_ARGB8888);
    } else if (arg == 2) {
        lv_canvas_set_buffer(canvas, small, -1, 0x7fffffff, LV_COLOR_FORMAT_RGB565);
    } else {
        lv_canvas_set_buffer(canvas, small, 2, 2, (lv_color_format_t)0x7f);
    }
    lv_canvas_set_px(canvas, 3, 3, lv_color_hex(0x00ff00), LV_OPA_COVER);
    lv_color32_t px = lv_canvas_get_px(canvas, 3, 3);
    return px.red << 16 | px.green << 8 | px.blue;
}

static lv_calendar_date_t dates[2] = { { 2024, 1, 5 }, { 2024, 1, 6 } };

/* Highlighted dates: 0 outside memory, 1 a pointer + count that wrap,
 * 2 too many, 3 valid. */
EXPORT("cal_dates") int cal_dates(int arg) {
    if (arg == 0) {
        lv_calendar_set_highlighted_dates(calendar, OUTSIDE, 2);
    } else if (arg == 1) {
        lv_calendar_set_highlighted_dates(calendar, dates, 0x40000000);
    } else if (arg == 2) {
        lv_calendar_set_highlighted_dates(calendar, dates, 367);
    } else {
        lv_calendar_set_highlighted_dates(calendar, dates, 2);
    }
    return (int)lv_calendar_get_highlighted_dates_num(calendar);
}

/* Forged tokens: 0 a font past the built-in ones, 1 an object handle as
 * a font, 2 a forged display, 3 a forged font given to a theme. */
EXPORT("tokens") void tokens(int arg) {
    if (arg == 0) {
        lv_obj_set_style_text_font(label, (const lv_font_t *)(uintptr_t)0x000F1FFF, 0);
    } else if (arg == 1) {
        lv_obj_set_style_text_font(label, (const lv_font_t *)label, 0);
    } else if (arg == 2) {
        lv_theme_default_init((lv_display_t *)(uintptr_t)0x000F2002, lv_color_hex(0), lv_color_hex(0), 0,
            &lv_font_montserrat_14);
    } else {
        lv_theme_default_init(NULL, lv_color_hex(0), lv_color_hex(0), 0, (const lv_font_t *)(uintptr_t)0x1234);
    }
}

/* Calls that trap after the bindings copied something: 0 a list button
 * with an icon and a text outside memory, 1 a grid with a valid column
 * template and a row template outside memory, 2 an image descriptor
 * whose pixels are outside memory, 3 dates outside memory. */
EXPORT("trap_after_copy") void trap_after_copy(int arg) {
    if (arg == 0) {
        lv_list_add_button(list, LV_SYMBOL_OK, (const char *)0x7ffffff0);
    } else if (arg == 1) {
        grid_dsc(2);
    } else if (arg == 2) {
        static lv_image_dsc_t dsc;
        dsc.header.magic = LV_IMAGE_HEADER_MAGIC;
        dsc.header.cf = LV_COLOR_FORMAT_RGB565;
        dsc.header.w = 2;
        dsc.header.h = 2;
        dsc.header.stride = 4;
        dsc.data_size = 8;
        dsc.data = OUTSIDE;
        lv_image_set_src(image, &dsc);
    } else {
        cal_dates(0);
    }
}

/* A string of 17000 characters (the bindings take at most 16 KB). */
EXPORT("long_text") void long_text(void) {
    static char text[17001];
    memset(text, 'a', 17000);
    lv_label_set_text(label, text);
}
