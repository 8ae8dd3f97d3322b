// Execute-in-place apps: AOT files in the `wasmapps` partition image (format
// in scripts/xip.py) run straight from where the port maps the image
// (flash, a memory region, an mmap), so their code is never copied to RAM.

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"
#include "wasm_aot_check.h"

#define XIP_MAGIC "WAPP"
#define XIP_FORMAT_VERSION 1
#define XIP_HEADER_SIZE 16
#define XIP_ENTRY_SIZE 64
#define XIP_NAME_LEN 32
#define XIP_TARGET_LEN 16

typedef struct _xip_entry_t {
    char name[XIP_NAME_LEN + 1];
    char target[XIP_TARGET_LEN + 1];
    uint32_t aot_version;
    uint32_t offset;
    uint32_t size;
    uint32_t crc;
} xip_entry_t;

static uint32_t rd32(const uint8_t *p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

// CRC-32 (IEEE, as zlib), bitwise: runs once per load, no table in RAM.
static uint32_t crc32_update(uint32_t crc, const uint8_t *data, size_t len) {
    crc = ~crc;
    while (len--) {
        crc ^= *data++;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

// The mapped image with a valid header and index, or raise LoadError.
// `*code`, if given, receives where the same bytes can be executed.
static const uint8_t *xip_image(uint16_t *count, const uint8_t **code) {
    size_t mapped = 0;
    const uint8_t *code_image = NULL;
    const uint8_t *image = mp_wasm_port_xip_map(&mapped, &code_image);
    if (image == NULL) {
        mp_raise_msg(&mp_type_wasm_load_error, MP_ERROR_TEXT("no wasmapps partition image on this device"));
    }
    if (mapped < XIP_HEADER_SIZE || memcmp(image, XIP_MAGIC, 4) != 0) {
        mp_raise_msg(&mp_type_wasm_load_error, MP_ERROR_TEXT("wasmapps partition holds no app image (bad magic)"));
    }
    uint16_t version = image[4] | (image[5] << 8);
    if (version != XIP_FORMAT_VERSION) {
        mp_wasm_raise_fmt(&mp_type_wasm_load_error, MP_ERROR_TEXT("wasmapps format version %u is not supported"), version);
    }
    *count = image[6] | (image[7] << 8);
    uint32_t size = rd32(image + 8);
    size_t table_end = XIP_HEADER_SIZE + (size_t)*count * XIP_ENTRY_SIZE;
    if (size > mapped || table_end > size) {
        mp_raise_msg(&mp_type_wasm_load_error, MP_ERROR_TEXT("wasmapps image is truncated"));
    }
    if (crc32_update(0, image + XIP_HEADER_SIZE, table_end - XIP_HEADER_SIZE) != rd32(image + 12)) {
        mp_raise_msg(&mp_type_wasm_load_error, MP_ERROR_TEXT("wasmapps index checksum mismatch"));
    }
    if (code != NULL) {
        *code = code_image;
    }
    return image;
}

static void xip_entry(const uint8_t *image, size_t i, xip_entry_t *e) {
    const uint8_t *p = image + XIP_HEADER_SIZE + i * XIP_ENTRY_SIZE;
    memcpy(e->name, p, XIP_NAME_LEN);
    e->name[XIP_NAME_LEN] = '\0';
    memcpy(e->target, p + XIP_NAME_LEN, XIP_TARGET_LEN);
    e->target[XIP_TARGET_LEN] = '\0';
    e->aot_version = rd32(p + 48);
    e->offset = rd32(p + 52);
    e->size = rd32(p + 56);
    e->crc = rd32(p + 60);
}

// The AOT target of this firmware, as the compiler names it ("thumbv7em").
static void runtime_target(char *buf, size_t len) {
    const char *t = BUILD_TARGET;
    size_t i = 0;
    for (; t[i] != '\0' && i + 1 < len; i++) {
        char c = t[i];
        buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    buf[i] = '\0';
}

// apps() -> [(name, target, size), ...] of the wasmapps partition.
static mp_obj_t mod_wasm_apps(void) {
    uint16_t count;
    const uint8_t *image = xip_image(&count, NULL);
    mp_obj_t list = mp_obj_new_list(0, NULL);
    for (size_t i = 0; i < count; i++) {
        xip_entry_t e;
        xip_entry(image, i, &e);
        mp_obj_t items[3] = {
            mp_obj_new_str(e.name, strlen(e.name)),
            mp_obj_new_str(e.target, strlen(e.target)),
            mp_obj_new_int_from_uint(e.size),
        };
        mp_obj_list_append(list, mp_obj_new_tuple(3, items));
    }
    return list;
}
MP_DEFINE_CONST_FUN_OBJ_0(mp_wasm_apps_obj, mod_wasm_apps);

// Module.xip(name): load an app in place.
static mp_obj_t wasm_module_xip(mp_obj_t name_in) {
    const char *name = mp_obj_str_get_str(name_in);
    uint16_t count;
    const uint8_t *code_image;
    const uint8_t *image = xip_image(&count, &code_image);
    uint32_t image_size = rd32(image + 8);
    for (size_t i = 0; i < count; i++) {
        xip_entry_t e;
        xip_entry(image, i, &e);
        if (strcmp(e.name, name) != 0) {
            continue;
        }
        if ((uint64_t)e.offset + e.size > image_size) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, MP_ERROR_TEXT("%s: blob lies outside the image"), name);
        }
        const uint8_t *blob = image + e.offset;
        if (((uintptr_t)blob & 3) != 0 || ((uintptr_t)code_image & 3) != 0) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, MP_ERROR_TEXT("%s: blob is not word-aligned"), name);
        }
        char target[XIP_TARGET_LEN + 1];
        runtime_target(target, sizeof(target));
        if (strncmp(e.target, target, strlen(target)) != 0) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, MP_ERROR_TEXT("%s: built for %s, this firmware runs %s"),
                name, e.target, target);
        }
        uint32_t runtime_version = wasm_runtime_get_current_package_version(Wasm_Module_AoT);
        if (e.aot_version != runtime_version) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error,
                MP_ERROR_TEXT("%s: AOT version %u does not match this firmware's AOT version %u"),
                name, (unsigned)e.aot_version, (unsigned)runtime_version);
        }
        if (crc32_update(0, blob, e.size) != e.crc) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, MP_ERROR_TEXT("%s: blob checksum mismatch"), name);
        }
        if (!wasm_runtime_is_xip_file(blob, e.size)) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, MP_ERROR_TEXT("%s: not an XIP AOT file"), name);
        }
        // WAMR's loader trusts the file, and would patch code in flash.
        const uint8_t *imports;
        char refused[128];
        if (!mp_wasm_aot_check(blob, e.size, true, &imports, refused, sizeof(refused))) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, MP_ERROR_TEXT("%s: %s"), name, refused);
        }
        return mp_wasm_module_from_xip(code_image + e.offset, e.size, imports);
    }
    mp_wasm_raise_fmt(&mp_type_wasm_load_error, MP_ERROR_TEXT("no app named '%s' in the wasmapps partition"), name);
}
static MP_DEFINE_CONST_FUN_OBJ_1(wasm_module_xip_fun_obj, wasm_module_xip);
MP_DEFINE_CONST_STATICMETHOD_OBJ(mp_wasm_module_xip_obj, MP_ROM_PTR(&wasm_module_xip_fun_obj));
