// The `wasmapps` partition mapped for execute-in-place AOT apps. ESP32 build
// only: the data-bus mapping cannot execute, so WAMR gets the partition
// through the instruction bus (ESP_PARTITION_MMAP_INST); the index is parsed
// through a data-bus mapping of the same flash, where byte loads work.

#include "esp_partition.h"

#include "modwasm.h"
#include "wasm_xip_esp32.h"

typedef struct {
    const uint8_t *base;
    size_t size;
} xip_mapping_t;

static const uint8_t *map_partition(xip_mapping_t *m, esp_partition_mmap_memory_t memory, size_t *size) {
    if (m->base == NULL) {
        const esp_partition_t *part = esp_partition_find_first(
            ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, MP_WASM_XIP_PARTITION_LABEL);
        const void *ptr = NULL;
        esp_partition_mmap_handle_t handle;
        if (part != NULL && esp_partition_mmap(part, 0, part->size, memory, &ptr, &handle) == ESP_OK) {
            // Never unmapped: loaded XIP modules point into it for good.
            m->base = ptr;
            m->size = part->size;
        }
    }
    *size = m->size;
    return m->base;
}

// Both mappings or none: the index is parsed on the data bus and WAMR runs
// the code through the instruction bus, at the same offsets.
const uint8_t *mp_wasm_port_xip_map(size_t *size, const uint8_t **code) {
    static xip_mapping_t data, inst;
    size_t data_size, inst_size;
    const uint8_t *readable = map_partition(&data, ESP_PARTITION_MMAP_DATA, &data_size);
    const uint8_t *executable = map_partition(&inst, ESP_PARTITION_MMAP_INST, &inst_size);
    if (readable == NULL || executable == NULL || data_size != inst_size) {
        *size = 0;
        *code = NULL;
        return NULL;
    }
    *size = data_size;
    *code = executable;
    return readable;
}
