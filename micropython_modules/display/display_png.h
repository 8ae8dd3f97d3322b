// A small streaming PNG encoder for screenshots: RGB565 rows in, an 8-bit
// RGB PNG out through a write callback, with constant memory (three rows
// and one IDAT chunk). Compression: each row is filtered with PNG's Sub or
// Up filter and the result run-length coded in one fixed-Huffman deflate
// block, which shrinks the flat areas of a UI a lot and needs no tables.
#ifndef MICROPY_INCLUDED_DISPLAY_DISPLAY_PNG_H
#define MICROPY_INCLUDED_DISPLAY_DISPLAY_PNG_H

#include <stddef.h>
#include <stdint.h>

#define MP_DISPLAY_PNG_CHUNK (2048)

typedef void (*mp_display_png_write_t)(void *ctx, const uint8_t *data, size_t len);

typedef struct _mp_display_png_t {
    mp_display_png_write_t write;
    void *ctx;
    int width;
    uint8_t *row, *prev_row, *filtered; // 3 * width bytes each
    uint32_t adler_a, adler_b;
    uint32_t bits;
    int nbits;
    int last;          // the last byte coded as a literal, -1 before any
    uint32_t run;      // repeats of `last` not coded yet
    size_t chunk_len;
    uint8_t chunk[MP_DISPLAY_PNG_CHUNK];
} mp_display_png_t;

// `rows` points to 3 * 3 * width bytes of scratch memory for the writer.
void mp_display_png_begin(mp_display_png_t *png, int width, int height, uint8_t *rows,
    mp_display_png_write_t write, void *ctx);
void mp_display_png_row(mp_display_png_t *png, const uint16_t *rgb565);
void mp_display_png_end(mp_display_png_t *png);

// RGB565 -> 8-bit channels (bit replication, as the host tools do).
static inline void mp_display_rgb565_to_rgb(uint16_t c, uint8_t *out) {
    uint8_t r = c >> 11, g = (c >> 5) & 0x3f, b = c & 0x1f;
    out[0] = (uint8_t)((r << 3) | (r >> 2));
    out[1] = (uint8_t)((g << 2) | (g >> 4));
    out[2] = (uint8_t)((b << 3) | (b >> 2));
}

#endif // MICROPY_INCLUDED_DISPLAY_DISPLAY_PNG_H
