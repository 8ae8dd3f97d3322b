"""The built-in fonts as handles: `&lv_font_montserrat_14` in a guest is a
constant token (no guest memory), the host maps it to LVGL's font. The
same numbering is written into both sides."""

import re

# Global (instance-independent) handles have tag 0: values below 1 << 20.
FONT_TOKEN_BASE = 0x000F1000
DISPLAY_TOKEN = 0x000F2001
THEME_TOKEN_BASE = 0x000F3000
THEMES = ("lv_theme_default", "lv_theme_simple")


def builtin(api):
    """[(C name, token)] of the fonts lv_conf.h enables, in a fixed order."""
    fonts = []
    for name, m in sorted(api.macros.items()):
        mm = re.fullmatch(r"LV_FONT_(MONTSERRAT_\d+|UNSCII_\d+|DEJAVU_16_PERSIAN_HEBREW)", name)
        if mm and m.body.strip() == "1":
            fonts.append(f"lv_font_{mm.group(1).lower()}")
    fonts.sort(key=lambda n: (re.sub(r"\d+", "", n), int(re.sub(r"\D", "", n) or 0)))
    return [(n, FONT_TOKEN_BASE + i + 1) for i, n in enumerate(fonts)]


def guest_names(api):
    return {n for n, _ in builtin(api)}


def guest_macros(api):
    lines = ["// The built-in fonts: handles, not data (use the lv_font_* functions)."]
    for name, token in builtin(api):
        lines.append(f"#define {name} (*(const lv_font_t *)0x{token:08X}u)")
    return lines


def host_table(api):
    lines = ["// The built-in fonts by token (tools/lvgl_bindings/fonts.py).",
             "const lv_font_t *const lvb_fonts[] = {"]
    for name, token in builtin(api):
        lines.append(f"    &{name},   // 0x{token:08X}")
    lines.append("};")
    lines.append("const size_t lvb_fonts_len = MP_ARRAY_SIZE(lvb_fonts);")
    return lines
