"""Stand-ins for the ESP-IDF 5.2 headers the module's ESP32 files include,
for compiling them on the host (test_esp32_csyntax.py, test_esp32_port_models.py).
They declare the APIs with ESP-IDF's names and types and carry no behaviour;
the models that need behaviour (the MMU, the heap) are written per test."""

IDF_STUBS = {
    "freertos/FreeRTOS.h": """\
#include <stdint.h>
typedef uint32_t TickType_t;
typedef struct { uint32_t owner; uint32_t count; } portMUX_TYPE;
#define portMUX_INITIALIZER_UNLOCKED { 0, 0 }
void vPortEnterCritical(portMUX_TYPE *mux);
void vPortExitCritical(portMUX_TYPE *mux);
#define portENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL(mux) vPortExitCritical(mux)
#define portTICK_PERIOD_MS ((TickType_t)10)
""",
    "freertos/task.h": '#include "freertos/FreeRTOS.h"\nvoid vTaskDelay(const TickType_t ticks);\n',
    "esp_random.h": "#include <stddef.h>\nvoid esp_fill_random(void *buf, size_t len);\n",
    "esp_timer.h": """\
#include <stdbool.h>
#include <stdint.h>
typedef int esp_err_t;
#define ESP_OK 0
typedef struct esp_timer *esp_timer_handle_t;
typedef void (*esp_timer_cb_t)(void *arg);
typedef enum { ESP_TIMER_TASK, ESP_TIMER_ISR, ESP_TIMER_MAX } esp_timer_dispatch_t;
typedef struct {
    esp_timer_cb_t callback;
    void *arg;
    esp_timer_dispatch_t dispatch_method;
    const char *name;
    bool skip_unhandled_events;
} esp_timer_create_args_t;
esp_err_t esp_timer_create(const esp_timer_create_args_t *create_args, esp_timer_handle_t *out_handle);
esp_err_t esp_timer_start_periodic(esp_timer_handle_t timer, uint64_t period);
esp_err_t esp_timer_stop(esp_timer_handle_t timer);
int64_t esp_timer_get_time(void);
""",
    "esp_partition.h": """\
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef int esp_err_t;
#define ESP_OK 0
typedef enum { ESP_PARTITION_TYPE_APP = 0x00, ESP_PARTITION_TYPE_DATA = 0x01 } esp_partition_type_t;
typedef enum { ESP_PARTITION_SUBTYPE_ANY = 0xff } esp_partition_subtype_t;
typedef enum { ESP_PARTITION_MMAP_DATA, ESP_PARTITION_MMAP_INST } esp_partition_mmap_memory_t;
typedef uint32_t esp_partition_mmap_handle_t;
typedef struct {
    void *flash_chip;
    esp_partition_type_t type;
    esp_partition_subtype_t subtype;
    uint32_t address;
    uint32_t size;
    uint32_t erase_size;
    char label[17];
    bool encrypted;
    bool readonly;
} esp_partition_t;
const esp_partition_t *esp_partition_find_first(esp_partition_type_t type,
    esp_partition_subtype_t subtype, const char *label);
esp_err_t esp_partition_mmap(const esp_partition_t *partition, size_t offset, size_t size,
    esp_partition_mmap_memory_t memory, const void **out_ptr, esp_partition_mmap_handle_t *out_handle);
""",
}

# ESP-IDF 5.2: esp_mm/include/esp_mmu_map.h and hal/include/hal/mmu_types.h.
IDF_STUBS["esp_mmu_map.h"] = """\
#include <stddef.h>
#include <stdint.h>
typedef int esp_err_t;
typedef uint32_t esp_paddr_t;
typedef enum { MMU_VADDR_DATA, MMU_VADDR_INSTRUCTION } mmu_vaddr_t;
typedef enum { MMU_TARGET_FLASH0, MMU_TARGET_PSRAM0 } mmu_target_t;
esp_err_t esp_mmu_vaddr_to_paddr(void *vaddr, esp_paddr_t *out_paddr, mmu_target_t *out_target);
esp_err_t esp_mmu_paddr_to_vaddr(esp_paddr_t paddr, mmu_target_t target, mmu_vaddr_t type, void **out_vaddr);
"""
# ESP-IDF 5.2: esp_common/include/esp_attr.h (the part the pool uses).
IDF_STUBS["esp_attr.h"] = """\
#include "sdkconfig.h"
#define IDF_STUB_SECTION(name, n) __attribute__((section(name "." IDF_STUB_STR(n))))
#define IDF_STUB_STR(n) #n
#if CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY
#define EXT_RAM_BSS_ATTR IDF_STUB_SECTION(".ext_ram.bss", __COUNTER__)
#else
#define EXT_RAM_BSS_ATTR
#endif
"""
# ESP-IDF 5.2: heap/include/esp_heap_caps.h (the part the pool uses).
IDF_STUBS["esp_heap_caps.h"] = """\
#include <stddef.h>
#include <stdint.h>
#define MALLOC_CAP_EXEC (1 << 0)
#define MALLOC_CAP_32BIT (1 << 1)
#define MALLOC_CAP_8BIT (1 << 2)
#define MALLOC_CAP_DMA (1 << 3)
#define MALLOC_CAP_SPIRAM (1 << 10)
#define MALLOC_CAP_INTERNAL (1 << 11)
#define MALLOC_CAP_DEFAULT (1 << 12)
void *heap_caps_aligned_alloc(size_t alignment, size_t size, uint32_t caps);
"""


def soc_caps(linear_regions):
    """soc/soc_caps.h of a chip: 5 linear MMU regions on the ESP32, one on
    the ESP32-S3 and -C3 (ESP-IDF 5.2's soc/<chip>/include/soc/soc_caps.h)."""
    return {"soc/soc_caps.h": f"#define SOC_MMU_LINEAR_ADDRESS_REGION_NUM {linear_regions}\n"}


def write_stubs(root, stubs):
    for name, text in stubs.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#pragma once\n" + text)
    return root
