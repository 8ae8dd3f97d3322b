// Image sources from guests: an lv_image_dsc_t in guest memory (LVGL's
// image converter's C arrays), a symbol (LV_SYMBOL_*), or a path to a file
// in LVGL's binary image format inside the guest's WASI preopens
// ("/data/logo.bin", or with LVGL's drive letter "S:/data/logo.bin").
// Everything is checked (header, colour format, sizes against the data)
// and copied into a blob that LVGL points to; the blob lives as long as
// the object or style that uses it.

#include <string.h>

#include "py/runtime.h"
#include "py/stream.h"
#include "extmod/vfs.h"
#include "lvgl_bindings.h"
#include "lvgl_bindings_guest.h"
#include "wasm_wasi.h"
#include "lvgl_private.h"

#define MAX_IMAGE_SIDE (4096)
#define MAX_IMAGE_FILE (1024 * 1024)

static bool supported_cf(uint32_t cf) {
    switch (cf) {
        case LV_COLOR_FORMAT_RGB565:
        case LV_COLOR_FORMAT_RGB565A8:
        case LV_COLOR_FORMAT_RGB888:
        case LV_COLOR_FORMAT_XRGB8888:
        case LV_COLOR_FORMAT_ARGB8888:
        case LV_COLOR_FORMAT_L8:
        case LV_COLOR_FORMAT_AL88:
        case LV_COLOR_FORMAT_A8:
        case LV_COLOR_FORMAT_I1:
        case LV_COLOR_FORMAT_I2:
        case LV_COLOR_FORMAT_I4:
        case LV_COLOR_FORMAT_I8:
            return true;
        default:
            return false;
    }
}

// Bytes of pixel data (and palette) the header describes, or 0 if the
// header is not one LVGL can draw safely.
static uint64_t image_bytes(lvb_call_t *c, const lv_image_header_t *h) {
    if (h->magic != LV_IMAGE_HEADER_MAGIC) {
        lvb_trap(c, "the image header's magic is 0x%02x, not 0x%02x", (unsigned)h->magic, LV_IMAGE_HEADER_MAGIC);
    }
    if (!supported_cf(h->cf)) {
        lvb_trap(c, "image colour format %u is not supported", (unsigned)h->cf);
    }
    if (h->flags & LV_IMAGE_FLAGS_COMPRESSED) {
        lvb_trap(c, "compressed images are not supported");
    }
    if (h->w == 0 || h->h == 0 || h->w > MAX_IMAGE_SIDE || h->h > MAX_IMAGE_SIDE) {
        lvb_trap(c, "image size %ux%u is not 1..%u", (unsigned)h->w, (unsigned)h->h, MAX_IMAGE_SIDE);
    }
    uint32_t min_stride = lv_draw_buf_width_to_stride(h->w, (lv_color_format_t)h->cf);
    uint32_t stride = h->stride ? h->stride : min_stride;
    if (stride < min_stride) {
        lvb_trap(c, "image stride %u is less than %u", (unsigned)stride, (unsigned)min_stride);
    }
    uint64_t size = (uint64_t)stride * h->h;
    if (h->cf == LV_COLOR_FORMAT_RGB565A8) {
        size += (uint64_t)(stride / 2) * h->h;
    }
    if (LV_COLOR_FORMAT_IS_INDEXED(h->cf)) {
        size += (uint64_t)LV_COLOR_INDEXED_PALETTE_SIZE(h->cf) * sizeof(lv_color32_t);
    }
    return size;
}

// A blob holding the header and the pixels (its `dsc` describes them).
static lvb_blob_t *dsc_blob(lvb_call_t *c, const lv_image_header_t *header, uint32_t data_size) {
    uint64_t need = image_bytes(c, header);
    if (data_size < need) {
        lvb_trap(c, "the image has %u bytes of data, its header needs %u", (unsigned)data_size, (unsigned)need);
    }
    lvb_blob_t *b = lvb_blob_held(c, sizeof(lv_image_header_t) + data_size);
    lv_image_header_t *h = (lv_image_header_t *)b->data;
    *h = *header;
    h->flags &= ~LV_IMAGE_FLAGS_ALLOCATED;
    return b;
}

const void *lvb_image_src_of(lvb_blob_t *b) {
    const lv_image_header_t *h = (const lv_image_header_t *)b->data;
    if (b->size < sizeof(*h) || h->magic != LV_IMAGE_HEADER_MAGIC) {
        return b->data;   // a symbol's text
    }
    b->dsc.header = *h;
    b->dsc.data_size = (uint32_t)(b->size - sizeof(*h));
    b->dsc.data = b->data + sizeof(*h);
    return &b->dsc;
}

static uint32_t fnv1a(const uint8_t *p, size_t n) {
    uint32_t h = 2166136261u;
    while (n--) {
        h = (h ^ *p++) * 16777619u;
    }
    return h;
}

// An image file from the guest's preopens (runs Python: the VFS).
static lvb_blob_t *file_blob(lvb_call_t *c, const char *path) {
    if (path[0] != '\0' && path[1] == ':') {
        path += 2;   // LVGL's drive letter
    }
    mp_obj_t vfs_path;
    int32_t err = mp_wasm_wasi_resolve_abs(mp_wasm_native_instance(c->env), path, strlen(path), &vfs_path);
    if (err != 0) {
        lvb_trap(c, "image path '%s' is not inside the app's WASI preopens (WASI errno %d)", path, (int)err);
    }
    mp_obj_t stat = mp_vfs_stat(vfs_path);
    mp_obj_t *items;
    size_t n;
    mp_obj_get_array(stat, &n, &items);
    mp_int_t size = n > 6 ? mp_obj_get_int(items[6]) : 0;
    if (size < (mp_int_t)sizeof(lv_image_header_t) || size > MAX_IMAGE_FILE) {
        lvb_trap(c, "image file '%s' has %d bytes (an LVGL binary image of up to 1 MB)", path, (int)size);
    }
    mp_obj_t args[2] = { vfs_path, mp_obj_new_str("rb", 2) };
    mp_obj_t f = mp_vfs_open(2, args, (mp_map_t *)&mp_const_empty_map);
    lv_image_header_t header;
    lvb_blob_t *b = NULL;   // held by the call
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        if (wasi_stream_read(f, (uint8_t *)&header, sizeof(header)) != sizeof(header)) {
            lvb_trap(c, "image file '%s' is shorter than its header", path);
        }
        uint32_t data_size = (uint32_t)(size - (mp_int_t)sizeof(header));
        b = dsc_blob(c, &header, data_size);
        if (wasi_stream_read(f, b->data + sizeof(header), data_size) != data_size) {
            lvb_trap(c, "image file '%s' changed while it was read", path);
        }
        wasi_stream_close(f);
        nlr_pop();
    } else {
        wasi_stream_close(f);
        nlr_jump(nlr.ret_val);
    }
    return b;
}

lvb_blob_t *lvb_image_blob(lvb_call_t *c, int slot, bool nullable) {
    uint32_t addr = lvb_u32(c, slot);
    if (addr == 0) {
        if (!nullable) {
            lvb_trap(c, "argument %d: the image source must not be NULL", slot + 1);
        }
        return NULL;
    }
    uint8_t first;
    if (!mp_wasm_guest_read(c->env, addr, &first, 1)) {
        lvb_trap(c, "argument %d: the image source 0x%08x is outside guest memory", slot + 1, (unsigned)addr);
    }
    lvb_blob_t *b;
    if (first == LV_IMAGE_HEADER_MAGIC) {
        lvb_guest_image_dsc_t g;
        lvb_pod_in(c, slot, &g, sizeof(g));
        b = dsc_blob(c, &g.header, g.data_size);
        if (!mp_wasm_guest_read(c->env, g.data, b->data + sizeof(lv_image_header_t), g.data_size)) {
            lvb_trap(c, "argument %d: the image's %u bytes at 0x%08x are outside guest memory", slot + 1,
                (unsigned)g.data_size, (unsigned)g.data);
        }
    } else {
        const char *text = lvb_str(c, slot, 0);
        if (first < 0x20) {
            lvb_trap(c, "argument %d: not an image source (a descriptor, a symbol or a path)", slot + 1);
        }
        if (first >= 0x80) {
            size_t n = strlen(text) + 1;   // a symbol: LVGL keeps the text
            b = lvb_blob_held(c, n);
            memcpy(b->data, text, n);
        } else {
            b = file_blob(c, text);
        }
    }
    b->hash = fnv1a(b->data, b->size);
    return b;
}
