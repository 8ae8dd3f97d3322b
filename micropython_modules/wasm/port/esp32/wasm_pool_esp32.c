// Where the WAMR pool lives on ESP32 (micropython.cmake picks one per board):
//
// - MICROPY_WASM_POOL_IN_PSRAM: a static array in PSRAM. EXT_RAM_BSS_ATTR
//   names its section .ext_ram.bss.<n>, which ESP-IDF's default linker
//   scheme places in external RAM when CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY
//   is set (and in internal .bss otherwise, hence the #error below).
// - MICROPY_WASM_POOL_AT_BOOT: reserved from the internal heap by the board's
//   startup hook (MICROPY_BOARD_STARTUP = mp_wasm_esp32_board_startup), before
//   MicroPython takes its GC heap and before Wi-Fi starts, so the block is
//   there however large the firmware's static RAM grows. The ESP32 needs this:
//   its static DRAM segment (dram0_0_seg) is only 176.5 KB (see
//   boards/ESP32_WAMR/mpconfigboard.cmake for the arithmetic).
// - otherwise: a static array in internal .bss.

#include "esp_attr.h"
#include "esp_heap_caps.h"
#include "sdkconfig.h"

#include "modwasm.h"
#include "wasm_pool_esp32.h"

#if MICROPY_WASM_POOL_IN_PSRAM && MICROPY_WASM_POOL_AT_BOOT
#error "wasm: the WAMR pool is either in PSRAM or reserved at boot, not both"
#endif

#if MICROPY_WASM_POOL_AT_BOOT

static uint8_t *mp_wasm_boot_pool;

void mp_wasm_esp32_board_startup(void) {
    boardctrl_startup();
    // Never freed: the pool outlives soft resets (WAMR is re-initialised in it).
    mp_wasm_boot_pool = heap_caps_aligned_alloc(8, MICROPY_WASM_POOL_SIZE,
        MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT);
}

uint8_t *mp_wasm_port_pool(size_t *size) {
    *size = mp_wasm_boot_pool != NULL ? MICROPY_WASM_POOL_SIZE : 0;
    return mp_wasm_boot_pool;
}

#else

#if MICROPY_WASM_POOL_IN_PSRAM
#if !CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY
#error "wasm: a WAMR pool in PSRAM needs CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY=y"
#endif
#define MP_WASM_POOL_SECTION EXT_RAM_BSS_ATTR
#else
#define MP_WASM_POOL_SECTION
#endif

// WAMR's allocator (ems) wants 8-byte alignment for its pool.
static MP_WASM_POOL_SECTION uint8_t mp_wasm_pool[MICROPY_WASM_POOL_SIZE] __attribute__((aligned(8)));

uint8_t *mp_wasm_port_pool(size_t *size) {
    *size = sizeof(mp_wasm_pool);
    return mp_wasm_pool;
}

#endif
