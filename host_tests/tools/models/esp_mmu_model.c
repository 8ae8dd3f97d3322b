// A host model of how ESP-IDF 5.2 maps flash partitions through the cache
// MMU, for running port/esp32/wasm_xip_esp32.c's address logic on the host
// (test_esp32_port_models.py). Nothing is dereferenced: addresses are numbers.
//
// MODEL_LINEAR_REGIONS (the chip's SOC_MMU_LINEAR_ADDRESS_REGION_NUM):
//   5 (ESP32): the data bus (DROM0, 0x3F400000) and the instruction bus
//     (IROM0, 0x400D0000) have page tables of their own; a DATA mapping
//     lands in the first, an INST mapping in the second.
//   1 (ESP32-S3, -C3): one page table; page i is seen at 0x3C000000 + i*64K
//     on the data bus and at 0x42000000 + i*64K on the instruction bus.
// Mapping flash that a block already maps returns that block's address with
// success (esp_mmu_map's ESP_ERR_INVALID_STATE, which spi_flash_mmap turns
// into ESP_OK), on the bus the block was first mapped for.
//
// MODEL_PART_ADDR / MODEL_PART_SIZE: the `wasmapps` partition (the board's
// CSV); MODEL_NO_PARTITION: a table without one.

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "esp_mmu_map.h"
#include "esp_partition.h"

#define PAGE (0x10000u)
#define PAGES (64)
#define ESP_ERR_NOT_FOUND (0x105)

static const uint32_t bus_base[2][2] = {
    #if MODEL_LINEAR_REGIONS == 1
    { 0x3C000000u, 0x42000000u },   // region 0: [data bus, instruction bus]
    { 0, 0 },
    #else
    { 0x3F400000u, 0 },             // DROM0: data bus only
    { 0, 0x400D0000u },             // IROM0: instruction bus only
    #endif
};

typedef struct {
    bool used;
    uint32_t paddr;
} entry_t;

typedef struct {
    int region, bus;
    uint32_t first, count, paddr;
} block_t;

static entry_t table[2][PAGES];
static block_t blocks[8];
static int block_count;
int model_mmap_calls;

static uint32_t vaddr_of(int region, int bus, uint32_t page) {
    return bus_base[region][bus] + page * PAGE;
}

// The (region, bus) window holding vaddr; false if none.
static bool window_of(uint32_t vaddr, int *region, int *bus, uint32_t *page) {
    for (int r = 0; r < 2; r++) {
        for (int b = 0; b < 2; b++) {
            uint32_t base = bus_base[r][b];
            if (base != 0 && vaddr >= base && vaddr - base < PAGES * PAGE) {
                *region = r;
                *bus = b;
                *page = (vaddr - base) / PAGE;
                return true;
            }
        }
    }
    return false;
}

bool model_is_instruction_bus(uint32_t vaddr) {
    int region, bus;
    uint32_t page;
    return window_of(vaddr, &region, &bus, &page) && bus == 1;
}

static const esp_partition_t wasmapps = {
    .type = ESP_PARTITION_TYPE_DATA,
    .subtype = 0x06,
    .address = MODEL_PART_ADDR,
    .size = MODEL_PART_SIZE,
    .erase_size = 4096,
    .label = "wasmapps",
};

const esp_partition_t *esp_partition_find_first(esp_partition_type_t type,
    esp_partition_subtype_t subtype, const char *label) {
    (void)subtype;
    #ifdef MODEL_NO_PARTITION
    const bool present = false;
    #else
    const bool present = true;
    #endif
    return present && type == wasmapps.type && strcmp(label, wasmapps.label) == 0 ? &wasmapps : NULL;
}

esp_err_t esp_partition_mmap(const esp_partition_t *partition, size_t offset, size_t size,
    esp_partition_mmap_memory_t memory, const void **out_ptr, esp_partition_mmap_handle_t *out_handle) {
    model_mmap_calls++;
    uint32_t paddr = partition->address + (uint32_t)offset;
    uint32_t count = ((uint32_t)size + PAGE - 1) / PAGE;
    int bus = memory == ESP_PARTITION_MMAP_INST ? 1 : 0;
    int region = MODEL_LINEAR_REGIONS == 1 ? 0 : bus;
    if (paddr % PAGE != 0) {
        return -1;   // the boards' partitions are 64 KB aligned
    }
    for (int i = 0; i < block_count; i++) {
        block_t *b = &blocks[i];
        if (b->region == region && paddr >= b->paddr
            && paddr + count * PAGE <= b->paddr + b->count * PAGE) {
            *out_ptr = (const void *)(uintptr_t)(vaddr_of(region, b->bus, b->first) + (paddr - b->paddr));
            *out_handle = (esp_partition_mmap_handle_t)i;
            return ESP_OK;
        }
    }
    for (uint32_t first = 0; first + count <= PAGES; first++) {
        uint32_t n = 0;
        while (n < count && !table[region][first + n].used) {
            n++;
        }
        if (n == count) {
            for (n = 0; n < count; n++) {
                table[region][first + n] = (entry_t){ true, paddr + n * PAGE };
            }
            blocks[block_count] = (block_t){ region, bus, first, count, paddr };
            *out_handle = (esp_partition_mmap_handle_t)block_count++;
            *out_ptr = (const void *)(uintptr_t)vaddr_of(region, bus, first);
            return ESP_OK;
        }
    }
    return ESP_ERR_NOT_FOUND;
}

esp_err_t esp_mmu_vaddr_to_paddr(void *vaddr, esp_paddr_t *out_paddr, mmu_target_t *out_target) {
    int region, bus;
    uint32_t page;
    uint32_t v = (uint32_t)(uintptr_t)vaddr;
    if (!window_of(v, &region, &bus, &page) || !table[region][page].used) {
        return ESP_ERR_NOT_FOUND;
    }
    *out_paddr = table[region][page].paddr + v % PAGE;
    *out_target = MMU_TARGET_FLASH0;
    return ESP_OK;
}

esp_err_t esp_mmu_paddr_to_vaddr(esp_paddr_t paddr, mmu_target_t target, mmu_vaddr_t type, void **out_vaddr) {
    int bus = type == MMU_VADDR_INSTRUCTION ? 1 : 0;
    int region = MODEL_LINEAR_REGIONS == 1 ? 0 : bus;
    if (target != MMU_TARGET_FLASH0) {
        return ESP_ERR_NOT_FOUND;
    }
    for (uint32_t page = 0; page < PAGES; page++) {
        if (table[region][page].used && table[region][page].paddr == paddr - paddr % PAGE) {
            *out_vaddr = (void *)(uintptr_t)(vaddr_of(region, bus, page) + paddr % PAGE);
            return ESP_OK;
        }
    }
    return ESP_ERR_NOT_FOUND;
}

// --- the test driver ---------------------------------------------------------

const uint8_t *mp_wasm_port_xip_map(size_t *size, const uint8_t **code);

static uint32_t paddr_of(const uint8_t *p) {
    esp_paddr_t paddr;
    mmu_target_t target;
    return esp_mmu_vaddr_to_paddr((void *)p, &paddr, &target) == ESP_OK ? paddr : 0xffffffffu;
}

int main(void) {
    size_t size, size2;
    const uint8_t *code, *code2;
    const uint8_t *data = mp_wasm_port_xip_map(&size, &code);
    const uint8_t *data2 = mp_wasm_port_xip_map(&size2, &code2);
    uint32_t d = (uint32_t)(uintptr_t)data, c = (uint32_t)(uintptr_t)code;
    printf("data=0x%08x code=0x%08x size=0x%x mmap_calls=%d stable=%d\n",
        (unsigned)d, (unsigned)c, (unsigned)size, model_mmap_calls,
        data2 == data && code2 == code && size2 == size);
    if (data != NULL && code != NULL) {
        printf("data_bus=%s code_bus=%s data_paddr=0x%x code_paddr=0x%x "
            "data_last_paddr=0x%x code_last_paddr=0x%x\n",
            model_is_instruction_bus(d) ? "instruction" : "data",
            model_is_instruction_bus(c) ? "instruction" : "data",
            (unsigned)paddr_of(data), (unsigned)paddr_of(code),
            (unsigned)paddr_of(data + size - 1), (unsigned)paddr_of(code + size - 1));
    }
    return 0;
}
