/*
 * xipdata.c - WASI reactor whose memory is initialised from data segments of
 * odd sizes at odd places in the module. Run in place (XIP), WAMR copies
 * them out of the instruction-bus mapping at instantiation, which must be
 * done with aligned 32-bit reads only (host_tests/hil: the XIP bus tests).
 */
#include <stdint.h>

#include "wasm_app.h"

static const char greeting[] = "read me word by word";   /* 21 bytes */
static char odd[7] = { 1, 2, 3, 4, 5, 6, 7 };
static volatile uint8_t tail[3] = { 0xa5, 0x5a, 0x3c };

WASM_EXPORT("checksum")
int32_t checksum(void) {
    uint32_t sum = 0;
    for (unsigned i = 0; i < sizeof(greeting); i++) {
        sum = sum * 31u + (uint8_t)greeting[i];
    }
    for (unsigned i = 0; i < sizeof(odd); i++) {
        sum = sum * 31u + (uint8_t)odd[i];
    }
    for (unsigned i = 0; i < sizeof(tail); i++) {
        sum = sum * 31u + tail[i];
    }
    return (int32_t)sum;
}

WASM_EXPORT("char_at")
int32_t char_at(int32_t i) {
    return (i >= 0 && i < (int32_t)sizeof(greeting)) ? greeting[i] : -1;
}
