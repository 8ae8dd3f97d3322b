// The `wasmapps` partition mapped for execute-in-place AOT apps. ESP32 build
// only. The index is parsed through a data-bus view of the partition (byte
// loads work there); WAMR gets the instruction-bus view of the same flash,
// the only one the CPU can execute from.
//
// How the two views are made depends on the chip's MMU:
// - ESP32: separate linear regions for the data bus (DROM) and the
//   instruction bus (IROM): the partition is mapped once into each.
// - ESP32-S3, -C3 (SOC_MMU_LINEAR_ADDRESS_REGION_NUM 1): one page table
//   serves both buses at a fixed distance. A second esp_partition_mmap()
//   would find the flash already mapped and hand back the data-bus address,
//   so the partition is mapped once and the instruction-bus address of the
//   same pages is asked from the MMU driver (esp_mmu_paddr_to_vaddr).

#include "esp_partition.h"
#include "soc/soc_caps.h"
#if SOC_MMU_LINEAR_ADDRESS_REGION_NUM == 1
#include "esp_mmu_map.h"
#endif

#include "modwasm.h"
#include "wasm_xip_esp32.h"

static const uint8_t *map_partition(const esp_partition_t *part, esp_partition_mmap_memory_t memory) {
    const void *ptr = NULL;
    esp_partition_mmap_handle_t handle;
    if (esp_partition_mmap(part, 0, part->size, memory, &ptr, &handle) != ESP_OK) {
        return NULL;
    }
    // Never unmapped: loaded XIP modules point into it for good.
    return ptr;
}

#if SOC_MMU_LINEAR_ADDRESS_REGION_NUM == 1

// The instruction-bus address of the bytes at `data`, or NULL.
static const uint8_t *instruction_view(const uint8_t *data) {
    esp_paddr_t paddr;
    mmu_target_t target;
    void *inst;
    if (esp_mmu_vaddr_to_paddr((void *)data, &paddr, &target) != ESP_OK
        || esp_mmu_paddr_to_vaddr(paddr, target, MMU_VADDR_INSTRUCTION, &inst) != ESP_OK) {
        return NULL;
    }
    return inst;
}

static bool map_views(const esp_partition_t *part, const uint8_t **data, const uint8_t **code) {
    *data = map_partition(part, ESP_PARTITION_MMAP_DATA);
    *code = *data != NULL ? instruction_view(*data) : NULL;
    if (*code == NULL) {
        return false;
    }
    // The last byte too: the instruction view must be the same contiguous
    // flash, not a page that happens to map the start elsewhere.
    esp_paddr_t first, last, code_last;
    mmu_target_t target;
    return esp_mmu_vaddr_to_paddr((void *)*data, &first, &target) == ESP_OK
           && esp_mmu_vaddr_to_paddr((void *)(*data + part->size - 1), &last, &target) == ESP_OK
           && esp_mmu_vaddr_to_paddr((void *)(*code + part->size - 1), &code_last, &target) == ESP_OK
           && last - first == part->size - 1 && code_last == last;
}

#else

static bool map_views(const esp_partition_t *part, const uint8_t **data, const uint8_t **code) {
    *data = map_partition(part, ESP_PARTITION_MMAP_DATA);
    *code = map_partition(part, ESP_PARTITION_MMAP_INST);
    return *data != NULL && *code != NULL;
}

#endif

// Both views or none, made once for the life of the firmware.
const uint8_t *mp_wasm_port_xip_map(size_t *size, const uint8_t **code) {
    static bool tried;
    static const uint8_t *data_view, *code_view;
    static size_t mapped_size;
    if (!tried) {
        tried = true;
        const esp_partition_t *part = esp_partition_find_first(
            ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, MP_WASM_XIP_PARTITION_LABEL);
        if (part != NULL && map_views(part, &data_view, &code_view)) {
            mapped_size = part->size;
        } else {
            data_view = NULL;
            code_view = NULL;
        }
    }
    *size = mapped_size;
    *code = code_view;
    return data_view;
}
