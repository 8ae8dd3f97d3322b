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
esp_err_t esp_timer_start_once(esp_timer_handle_t timer, uint64_t timeout_us);
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


# What the display module's ST7789 backend uses (esp_lcd, SPI master, LEDC,
# heap caps), as in ESP-IDF 5.2.
ESP_LCD_STUBS = {
    "esp_err.h": "typedef int esp_err_t;\n#define ESP_OK 0\nconst char *esp_err_to_name(esp_err_t code);\n",
    "esp_attr.h": "#define IRAM_ATTR __attribute__((section(\".iram1\")))\n"
                  "#define EXT_RAM_BSS_ATTR __attribute__((section(\".ext_ram.bss\")))\n",
    "sdkconfig.h": "#define CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY 1\n",
    "esp_heap_caps.h": """\
#include <stddef.h>
#include <stdint.h>
#define MALLOC_CAP_DMA (1 << 3)
#define MALLOC_CAP_INTERNAL (1 << 11)
void *heap_caps_malloc(size_t size, uint32_t caps);
void heap_caps_free(void *ptr);
""",
    "driver/spi_master.h": """\
#include "esp_err.h"
typedef enum { SPI1_HOST = 0, SPI2_HOST = 1, SPI3_HOST = 2 } spi_host_device_t;
typedef enum { SPI_DMA_DISABLED = 0, SPI_DMA_CH_AUTO = 3 } spi_common_dma_t;
typedef struct {
    int mosi_io_num, miso_io_num, sclk_io_num, quadwp_io_num, quadhd_io_num;
    int data4_io_num, data5_io_num, data6_io_num, data7_io_num;
    int max_transfer_sz;
    unsigned flags;
    int isr_cpu_id;
    int intr_flags;
} spi_bus_config_t;
esp_err_t spi_bus_initialize(spi_host_device_t host_id, const spi_bus_config_t *bus_config,
    spi_common_dma_t dma_chan);
esp_err_t spi_bus_free(spi_host_device_t host_id);
""",
    "driver/ledc.h": """\
#include <stdint.h>
#include "esp_err.h"
typedef enum { LEDC_LOW_SPEED_MODE = 0 } ledc_mode_t;
typedef enum { LEDC_TIMER_0, LEDC_TIMER_1, LEDC_TIMER_2, LEDC_TIMER_3 } ledc_timer_t;
typedef enum { LEDC_CHANNEL_0, LEDC_CHANNEL_7 = 7 } ledc_channel_t;
typedef enum { LEDC_TIMER_10_BIT = 10 } ledc_timer_bit_t;
typedef enum { LEDC_AUTO_CLK = 0 } ledc_clk_cfg_t;
typedef enum { LEDC_INTR_DISABLE = 0 } ledc_intr_type_t;
typedef struct {
    ledc_mode_t speed_mode;
    ledc_timer_bit_t duty_resolution;
    ledc_timer_t timer_num;
    uint32_t freq_hz;
    ledc_clk_cfg_t clk_cfg;
    int deconfigure;
} ledc_timer_config_t;
typedef struct {
    int gpio_num;
    ledc_mode_t speed_mode;
    ledc_channel_t channel;
    ledc_intr_type_t intr_type;
    ledc_timer_t timer_sel;
    uint32_t duty;
    int hpoint;
    struct { unsigned output_invert: 1; } flags;
} ledc_channel_config_t;
esp_err_t ledc_timer_config(const ledc_timer_config_t *timer_conf);
esp_err_t ledc_channel_config(const ledc_channel_config_t *ledc_conf);
esp_err_t ledc_set_duty(ledc_mode_t speed_mode, ledc_channel_t channel, uint32_t duty);
esp_err_t ledc_update_duty(ledc_mode_t speed_mode, ledc_channel_t channel);
esp_err_t ledc_stop(ledc_mode_t speed_mode, ledc_channel_t channel, uint32_t idle_level);
""",
    "esp_lcd_types.h": """\
typedef struct esp_lcd_panel_io_t *esp_lcd_panel_io_handle_t;
typedef struct esp_lcd_panel_t *esp_lcd_panel_handle_t;
typedef enum { LCD_RGB_ELEMENT_ORDER_RGB, LCD_RGB_ELEMENT_ORDER_BGR } lcd_rgb_element_order_t;
typedef enum { LCD_RGB_DATA_ENDIAN_BIG = 0, LCD_RGB_DATA_ENDIAN_LITTLE } lcd_rgb_data_endian_t;
""",
    "esp_lcd_panel_io.h": """\
#include <stdbool.h>
#include <stddef.h>
#include "esp_err.h"
#include "esp_lcd_types.h"
typedef int esp_lcd_spi_bus_handle_t;
typedef struct { } esp_lcd_panel_io_event_data_t;
typedef bool (*esp_lcd_panel_io_color_trans_done_cb_t)(esp_lcd_panel_io_handle_t panel_io,
    esp_lcd_panel_io_event_data_t *edata, void *user_ctx);
typedef struct {
    int cs_gpio_num;
    int dc_gpio_num;
    int spi_mode;
    unsigned int pclk_hz;
    size_t trans_queue_depth;
    esp_lcd_panel_io_color_trans_done_cb_t on_color_trans_done;
    void *user_ctx;
    int lcd_cmd_bits;
    int lcd_param_bits;
    struct { unsigned int dc_low_on_data: 1; unsigned int octal_mode: 1; unsigned int sio_mode: 1;
             unsigned int lsb_first: 1; unsigned int cs_high_active: 1; } flags;
} esp_lcd_panel_io_spi_config_t;
esp_err_t esp_lcd_new_panel_io_spi(esp_lcd_spi_bus_handle_t bus, const esp_lcd_panel_io_spi_config_t *io_config,
    esp_lcd_panel_io_handle_t *ret_io);
esp_err_t esp_lcd_panel_io_del(esp_lcd_panel_io_handle_t io);
""",
    "esp_lcd_panel_vendor.h": """\
#include <stdint.h>
#include "esp_err.h"
#include "esp_lcd_types.h"
typedef struct {
    int reset_gpio_num;
    union {
        lcd_rgb_element_order_t color_space;
        lcd_rgb_element_order_t rgb_endian;
        lcd_rgb_element_order_t rgb_ele_order;
    };
    lcd_rgb_data_endian_t data_endian;
    uint32_t bits_per_pixel;
    struct { uint32_t reset_active_high: 1; } flags;
    void *vendor_config;
} esp_lcd_panel_dev_config_t;
esp_err_t esp_lcd_new_panel_st7789(const esp_lcd_panel_io_handle_t io,
    const esp_lcd_panel_dev_config_t *panel_dev_config, esp_lcd_panel_handle_t *ret_panel);
""",
    "esp_lcd_panel_ops.h": """\
#include <stdbool.h>
#include "esp_err.h"
#include "esp_lcd_types.h"
esp_err_t esp_lcd_panel_reset(esp_lcd_panel_handle_t panel);
esp_err_t esp_lcd_panel_init(esp_lcd_panel_handle_t panel);
esp_err_t esp_lcd_panel_del(esp_lcd_panel_handle_t panel);
esp_err_t esp_lcd_panel_draw_bitmap(esp_lcd_panel_handle_t panel, int x_start, int y_start, int x_end,
    int y_end, const void *color_data);
esp_err_t esp_lcd_panel_mirror(esp_lcd_panel_handle_t panel, bool mirror_x, bool mirror_y);
esp_err_t esp_lcd_panel_swap_xy(esp_lcd_panel_handle_t panel, bool swap_axes);
esp_err_t esp_lcd_panel_invert_color(esp_lcd_panel_handle_t panel, bool invert_color_data);
esp_err_t esp_lcd_panel_disp_on_off(esp_lcd_panel_handle_t panel, bool on_off);
""",
    # The esp32 port's mphalport.h has what the unix one lacks.
    "mphalport.h": "#include_next <mphalport.h>\nvoid mp_hal_wake_main_task(void);\n",
}


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
