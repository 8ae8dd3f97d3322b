// Execute-in-place apps: AOT files in the `wasmapps` partition image (format
// in scripts/xip.py) run straight from where the port maps the image
// (flash, a memory region, an mmap), so their code is never copied to RAM.

#include <string.h>

#include "py/runtime.h"
#include "modwasm.h"

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

// Reads an AOT file the way WAMR's loader does: u32 fields 4-byte aligned
// from the start of the file, bounds-checked.
typedef struct _aot_reader_t {
    const uint8_t *buf;
    uint32_t end;
    uint32_t pos;
    bool ok;
} aot_reader_t;

static uint32_t aot_u32(aot_reader_t *r) {
    r->pos = (r->pos + 3) & ~3u;
    if (!r->ok || r->pos > r->end || r->end - r->pos < 4) {
        r->ok = false;
        return 0;
    }
    r->pos += 4;
    return rd32(r->buf + r->pos - 4);
}

static void aot_skip(aot_reader_t *r, uint32_t n) {
    if (!r->ok || r->pos > r->end || r->end - r->pos < n) {
        r->ok = false;
        return;
    }
    r->pos += n;
}

#define AOT_SECTION_TARGET_INFO (0)
#define AOT_SECTION_RELOCATION (5)
#define AOT_BIN_TYPE_64BIT (2)

// Whether group `index` of the symbol table names a code section
// (".rela.text", ".rel.text.*", ".rela.literal", ...).
static bool aot_is_text_group(const aot_reader_t *table, uint32_t offsets, uint32_t count,
    uint32_t strings, uint32_t strings_len, uint32_t index) {
    if (index >= count) {
        return false;
    }
    uint32_t off = rd32(table->buf + offsets + 4 * index);
    if (off > strings_len || strings_len - off < 2) {
        return false;
    }
    const uint8_t *p = table->buf + strings + off;
    uint32_t len = p[0] | (p[1] << 8);
    if (len > strings_len - off - 2) {
        return false;
    }
    const char *name = (const char *)p + 2;
    size_t skip = (len >= 5 && strncmp(name, ".rela", 5) == 0) ? 5
        : (len >= 4 && strncmp(name, ".rel", 4) == 0) ? 4 : 0;
    name += skip;
    len -= skip;
    return (len >= 5 && strncmp(name, ".text", 5) == 0)
           || (len >= 8 && strncmp(name, ".literal", 8) == 0);
}

// Relocations the loader would have to patch into the code, which stays in
// read-only flash (layout: WAMR's load_relocation_section). WAMR refuses them
// on the boards; on Linux it would write into the read-only mapping.
// Returns their number, or -1 if the file cannot be parsed.
static long aot_text_relocations(const uint8_t *aot, uint32_t size) {
    aot_reader_t r = { aot, size, 8, size >= 8 };
    bool is_64bit = false;
    long relocs = 0;
    while (r.ok && ((r.pos + 3) & ~3u) < size) {
        uint32_t type = aot_u32(&r);
        uint32_t section_size = aot_u32(&r);
        uint32_t start = r.pos;
        if (!r.ok || section_size > size - start) {
            return -1;
        }
        if (type == AOT_SECTION_TARGET_INFO && section_size >= 2) {
            is_64bit = (aot[start] & AOT_BIN_TYPE_64BIT) != 0;
        } else if (type == AOT_SECTION_RELOCATION) {
            aot_reader_t s = { aot, start + section_size, start, true };
            uint32_t count = aot_u32(&s);
            uint32_t offsets = s.pos;
            aot_skip(&s, count > section_size / 4 ? section_size : 4 * count);
            uint32_t strings_len = aot_u32(&s);
            uint32_t strings = s.pos;
            aot_skip(&s, strings_len);
            uint32_t groups = aot_u32(&s);
            for (uint32_t g = 0; s.ok && g < groups; g++) {
                uint32_t name = aot_u32(&s);
                uint32_t n = aot_u32(&s);
                if (s.ok && aot_is_text_group(&s, offsets, count, strings, strings_len, name)) {
                    relocs += n;
                }
                // offset and addend (u32 each, u64 on 64-bit targets), type, symbol
                uint32_t reloc_size = is_64bit ? 24 : 16;
                aot_skip(&s, n > section_size / reloc_size ? section_size : n * reloc_size);
            }
            if (!s.ok) {
                return -1;
            }
        }
        r.pos = start + section_size;
    }
    return r.ok ? relocs : -1;
}

// The mapped image with a valid header and index, or raise LoadError.
// `*code`, if given, receives where the same bytes can be executed.
static const uint8_t *xip_image(uint16_t *count, const uint8_t **code) {
    size_t mapped = 0;
    const uint8_t *code_image = NULL;
    const uint8_t *image = mp_wasm_port_xip_map(&mapped, &code_image);
    if (image == NULL) {
        mp_wasm_raise(&mp_type_wasm_load_error, "no wasmapps partition image on this device");
    }
    if (mapped < XIP_HEADER_SIZE || memcmp(image, XIP_MAGIC, 4) != 0) {
        mp_wasm_raise(&mp_type_wasm_load_error, "wasmapps partition holds no app image (bad magic)");
    }
    uint16_t version = image[4] | (image[5] << 8);
    if (version != XIP_FORMAT_VERSION) {
        mp_wasm_raise_fmt(&mp_type_wasm_load_error, "wasmapps format version %u is not supported", version);
    }
    *count = image[6] | (image[7] << 8);
    uint32_t size = rd32(image + 8);
    size_t table_end = XIP_HEADER_SIZE + (size_t)*count * XIP_ENTRY_SIZE;
    if (size > mapped || table_end > size) {
        mp_wasm_raise(&mp_type_wasm_load_error, "wasmapps image is truncated");
    }
    if (crc32_update(0, image + XIP_HEADER_SIZE, table_end - XIP_HEADER_SIZE) != rd32(image + 12)) {
        mp_wasm_raise(&mp_type_wasm_load_error, "wasmapps index checksum mismatch");
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
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, "%s: blob lies outside the image", name);
        }
        const uint8_t *blob = image + e.offset;
        if (((uintptr_t)blob & 3) != 0 || ((uintptr_t)code_image & 3) != 0) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, "%s: blob is not word-aligned", name);
        }
        char target[XIP_TARGET_LEN + 1];
        runtime_target(target, sizeof(target));
        if (strncmp(e.target, target, strlen(target)) != 0) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, "%s: built for %s, this firmware runs %s",
                name, e.target, target);
        }
        uint32_t runtime_version = wasm_runtime_get_current_package_version(Wasm_Module_AoT);
        if (e.aot_version != runtime_version) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error,
                "%s: AOT version %u does not match this firmware's AOT version %u",
                name, (unsigned)e.aot_version, (unsigned)runtime_version);
        }
        if (crc32_update(0, blob, e.size) != e.crc) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, "%s: blob checksum mismatch", name);
        }
        if (!wasm_runtime_is_xip_file(blob, e.size)) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, "%s: not an XIP AOT file", name);
        }
        long relocs = aot_text_relocations(blob, e.size);
        if (relocs < 0) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error, "%s: malformed AOT file", name);
        }
        if (relocs > 0) {
            mp_wasm_raise_fmt(&mp_type_wasm_load_error,
                "%s: %u text relocations, which code in flash cannot take (compile it with --xip)",
                name, (unsigned)relocs);
        }
        return mp_wasm_module_from_xip(code_image + e.offset, e.size);
    }
    mp_wasm_raise_fmt(&mp_type_wasm_load_error, "no app named '%s' in the wasmapps partition", name);
}
static MP_DEFINE_CONST_FUN_OBJ_1(wasm_module_xip_fun_obj, wasm_module_xip);
MP_DEFINE_CONST_STATICMETHOD_OBJ(mp_wasm_module_xip_obj, MP_ROM_PTR(&wasm_module_xip_fun_obj));
