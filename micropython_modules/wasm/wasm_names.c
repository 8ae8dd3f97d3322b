// Import and export names between WAMR and Python. WAMR keeps names as C
// strings and stores a U+0000 in a name as the two bytes C0 80 (WAMR patch
// 0033; valid UTF-8 never holds them), so these map a Python str to and
// from that form. Names without U+0000 pass through unchanged.

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"

static const char encoded_nul[2] = { (char)0xC0, (char)0x80 };

mp_obj_t mp_wasm_name_to_str(const char *name) {
    size_t len = strlen(name);
    if (strstr(name, "\xC0\x80") == NULL) {
        return mp_obj_new_str(name, len);
    }
    vstr_t vstr;
    vstr_init(&vstr, len);
    for (size_t i = 0; i < len; i++) {
        if (i + 1 < len && memcmp(name + i, encoded_nul, 2) == 0) {
            vstr_add_byte(&vstr, 0);
            i++;
        } else {
            vstr_add_byte(&vstr, name[i]);
        }
    }
    return mp_obj_new_str_from_vstr(&vstr);
}

const char *mp_wasm_name_from_str(mp_obj_t name_in) {
    size_t len;
    const char *name = mp_obj_str_get_data(name_in, &len);
    if (memchr(name, 0, len) == NULL) {
        return name; // a str's text is NUL-terminated: no copy
    }
    vstr_t vstr;
    vstr_init(&vstr, len + 8);
    for (size_t i = 0; i < len; i++) {
        if (name[i] == 0) {
            vstr_add_strn(&vstr, encoded_nul, 2);
        } else {
            vstr_add_byte(&vstr, name[i]);
        }
    }
    return vstr_null_terminated_str(&vstr);
}
