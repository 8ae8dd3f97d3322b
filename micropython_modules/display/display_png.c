// Streaming PNG encoder (see display_png.h). Plain C, no MicroPython calls:
// errors surface from the write callback.

#include <string.h>

#include "display_png.h"

// --- Output: IDAT chunks and the CRC every chunk carries ---------------------------

static uint32_t crc32_update(uint32_t crc, const uint8_t *data, size_t len) {
    crc = ~crc;
    while (len--) {
        crc ^= *data++;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void write_chunk(mp_display_png_t *png, const char *type, const uint8_t *data, size_t len) {
    uint8_t head[8], tail[4];
    put_be32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    uint32_t crc = crc32_update(crc32_update(0, head + 4, 4), data, len);
    put_be32(tail, crc);
    png->write(png->ctx, head, 8);
    if (len > 0) {
        png->write(png->ctx, data, len);
    }
    png->write(png->ctx, tail, 4);
}

static void out_byte(mp_display_png_t *png, uint8_t b) {
    png->chunk[png->chunk_len++] = b;
    if (png->chunk_len == sizeof(png->chunk)) {
        write_chunk(png, "IDAT", png->chunk, png->chunk_len);
        png->chunk_len = 0;
    }
}

// --- Deflate: one fixed-Huffman block of literals and distance-1 matches ------------

// Values go into the stream least significant bit first.
static void put_bits(mp_display_png_t *png, uint32_t value, int n) {
    png->bits |= value << png->nbits;
    png->nbits += n;
    while (png->nbits >= 8) {
        out_byte(png, (uint8_t)png->bits);
        png->bits >>= 8;
        png->nbits -= 8;
    }
}

// Huffman codes go in most significant bit first.
static void put_code(mp_display_png_t *png, uint32_t code, int n) {
    uint32_t rev = 0;
    for (int i = 0; i < n; i++) {
        rev = (rev << 1) | ((code >> i) & 1u);
    }
    put_bits(png, rev, n);
}

// The fixed literal/length alphabet (RFC 1951, 3.2.6).
static void put_symbol(mp_display_png_t *png, unsigned sym) {
    if (sym < 144) {
        put_code(png, 0x30 + sym, 8);
    } else if (sym < 256) {
        put_code(png, 0x190 + (sym - 144), 9);
    } else if (sym < 280) {
        put_code(png, sym - 256, 7);
    } else {
        put_code(png, 0xc0 + (sym - 280), 8);
    }
}

static const uint16_t length_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t length_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};

// Repeat the previous byte `len` (3..258) more times.
static void put_repeat(mp_display_png_t *png, unsigned len) {
    int i = 28;
    while (length_base[i] > len) {
        i--;
    }
    put_symbol(png, 257 + i);
    put_bits(png, len - length_base[i], length_extra[i]);
    put_code(png, 0, 5); // distance code 0: distance 1
}

static void flush_run(mp_display_png_t *png) {
    while (png->run >= 3) {
        unsigned n = png->run > 258 ? 258 : png->run;
        if (png->run - n > 0 && png->run - n < 3) {
            n = png->run - 3; // leave a codable remainder
        }
        put_repeat(png, n);
        png->run -= n;
    }
    while (png->run > 0) {
        put_symbol(png, (unsigned)png->last);
        png->run--;
    }
}

static void deflate_byte(mp_display_png_t *png, uint8_t b) {
    png->adler_a += b;
    if (png->adler_a >= 65521u) {
        png->adler_a -= 65521u;
    }
    png->adler_b += png->adler_a;
    if (png->adler_b >= 65521u) {
        png->adler_b -= 65521u;
    }
    if (png->last == b) {
        png->run++;
        return;
    }
    flush_run(png);
    put_symbol(png, b);
    png->last = b;
}

// --- PNG -----------------------------------------------------------------------------

void mp_display_png_begin(mp_display_png_t *png, int width, int height, uint8_t *rows,
    mp_display_png_write_t write, void *ctx) {
    png->write = write;
    png->ctx = ctx;
    png->width = width;
    png->row = rows;
    png->prev_row = rows + 3 * width;
    png->filtered = rows + 6 * width;
    memset(png->prev_row, 0, 3 * (size_t)width);
    png->adler_a = 1;
    png->adler_b = 0;
    png->bits = 0;
    png->nbits = 0;
    png->last = -1;
    png->run = 0;
    png->chunk_len = 0;

    static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    write(ctx, signature, sizeof(signature));
    uint8_t ihdr[13];
    put_be32(ihdr, (uint32_t)width);
    put_be32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;  // bits per channel
    ihdr[9] = 2;  // truecolour RGB
    ihdr[10] = 0; // deflate
    ihdr[11] = 0; // adaptive filtering
    ihdr[12] = 0; // no interlace
    write_chunk(png, "IHDR", ihdr, sizeof(ihdr));

    out_byte(png, 0x78); // zlib: deflate, 32 KB window
    out_byte(png, 0x01); // no dictionary, check bits
    put_bits(png, 1, 1); // the final block
    put_bits(png, 1, 2); // fixed Huffman codes
}

void mp_display_png_row(mp_display_png_t *png, const uint16_t *rgb565) {
    size_t n = 3 * (size_t)png->width;
    uint8_t *row = png->row, *prev = png->prev_row, *f = png->filtered;
    for (int x = 0; x < png->width; x++) {
        mp_display_rgb565_to_rgb(rgb565[x], row + 3 * x);
    }
    // Up (the row above) or Sub (the pixel to the left): whichever gives
    // more zero bytes, as these code to long runs.
    size_t zeros_up = 0, zeros_sub = 0;
    for (size_t i = 0; i < n; i++) {
        zeros_up += row[i] == prev[i];
        zeros_sub += row[i] == (i >= 3 ? row[i - 3] : 0);
    }
    uint8_t filter = zeros_up >= zeros_sub ? 2 : 1;
    for (size_t i = 0; i < n; i++) {
        uint8_t ref = filter == 2 ? prev[i] : (i >= 3 ? row[i - 3] : 0);
        f[i] = (uint8_t)(row[i] - ref);
    }
    deflate_byte(png, filter);
    for (size_t i = 0; i < n; i++) {
        deflate_byte(png, f[i]);
    }
    png->row = prev;
    png->prev_row = row;
}

void mp_display_png_end(mp_display_png_t *png) {
    flush_run(png);
    put_symbol(png, 256); // end of block
    if (png->nbits > 0) {
        put_bits(png, 0, 8 - png->nbits);
    }
    uint8_t adler[4];
    put_be32(adler, (png->adler_b << 16) | png->adler_a);
    for (int i = 0; i < 4; i++) {
        out_byte(png, adler[i]);
    }
    if (png->chunk_len > 0) {
        write_chunk(png, "IDAT", png->chunk, png->chunk_len);
        png->chunk_len = 0;
    }
    write_chunk(png, "IEND", NULL, 0);
}
