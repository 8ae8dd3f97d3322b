// Table-driven CRC-32 (zlib's polynomial) over a 1 KB buffer, n times:
// byte loads, table lookups, shifts.
#include "bench.h"

#define CRC_BUF 1024

uint32_t crc_table[256];
uint8_t crc_buf[CRC_BUF];

uint32_t bench_crc32(int32_t n) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
    uint32_t x = 1;
    for (int i = 0; i < CRC_BUF; i++) {
        x = bench_lcg(x);
        crc_buf[i] = (uint8_t)x;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (int32_t r = 0; r < n; r++) {
        for (int i = 0; i < CRC_BUF; i++) {
            crc = crc_table[(crc ^ crc_buf[i]) & 0xFF] ^ (crc >> 8);
        }
    }
    return ~crc;
}
