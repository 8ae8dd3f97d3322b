"""Compile checks of the ESP32 C code without ESP-IDF (syntax and types only):

- WAMR's core, the module's WAMR shim and the AOT relocation file of each
  chip, with exactly the defines micropython.cmake gives them, by a 32-bit
  newlib compiler (Debian's arm-none-eabi-gcc: ESP-IDF's libc is newlib too).
  WAMR's esp-idf platform header needs a few ESP-IDF headers; small
  stand-ins declare what it uses.
- The module's ESP32 port files, against MicroPython's headers (the unix
  port's configuration, from the unix build) and stand-ins that declare the
  ESP-IDF 5.x APIs they call, with -Wall -Wextra -Werror.

The stand-ins carry no behaviour: this catches typing and define mistakes, not
API drift in ESP-IDF itself (the Docker build is the real check).
"""

import re
import shutil
import subprocess

import pytest

from scripts import paths

WASM_MOD = paths.MODULES / "wasm"
CMAKE_FILE = WASM_MOD / "micropython.cmake"
CROSS = shutil.which("arm-none-eabi-gcc")
HOST = shutil.which("gcc")

PLATFORM_STUBS = {
    "arpa/inet.h": "#include <stdint.h>\nuint32_t htonl(uint32_t); uint16_t htons(uint16_t);\n"
                   "uint32_t ntohl(uint32_t); uint16_t ntohs(uint16_t);\n",
    "sys/socket.h": "typedef unsigned int socklen_t;\n"
                    "struct sockaddr { unsigned char sa_len, sa_family; char sa_data[14]; };\n",
    "sys/uio.h": "#include <stddef.h>\nstruct iovec { void *iov_base; size_t iov_len; };\n",
    "dirent.h": "typedef struct { int fd; } DIR;\n"
                "struct dirent { unsigned char d_type; char d_name[256]; };\n",
    "esp_pthread.h": "#include <pthread.h>\n",
    "sdkconfig.h": "",
}

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


def write_stubs(root, stubs):
    for name, text in stubs.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#pragma once\n" + text)
    return root


def cmake_list(var):
    text = CMAKE_FILE.read_text()
    m = re.search(rf"^set\({var}\s*\n(.*?)^\)", text, re.M | re.S)
    return [item for line in m.group(1).splitlines() for item in line.split("#", 1)[0].split()]


@pytest.mark.skipif(CROSS is None or not (paths.WAMR / "core").is_dir(),
                    reason="needs arm-none-eabi-gcc (make setup) and the WAMR sources")
@pytest.mark.parametrize("target, name, reloc", [
    ("XTENSA", "XTENSA", "iwasm/aot/arch/aot_reloc_xtensa.c"),
    ("RISCV32_ILP32", "RISCV32", "iwasm/aot/arch/aot_reloc_riscv.c"),
])
def test_wamr_core_compiles_with_the_esp32_feature_set(tmp_path, target, name, reloc):
    stubs = write_stubs(tmp_path / "stubs", {**PLATFORM_STUBS, **IDF_STUBS})
    core = paths.WAMR / "core"
    defs = [f"-D{d.replace('${WAMR_FAST_INTERP}', '1')}" for d in cmake_list("WAMR_FEATURE_DEFS")]
    defs += [f"-D{d}" for d in cmake_list("WAMR_ESP32_DEFS")]
    defs += [f"-DBUILD_TARGET_{target}", f'-DBUILD_TARGET="{name}"', "-DBH_PLATFORM_ESP_IDF",
             "-DBH_VPRINTF=mp_wasm_vprintf",
             # ESP-IDF's newlib has POSIX threads and rwlocks; Debian's arm one
             # declares them only on request.
             "-D_POSIX_THREADS", "-D_POSIX_READER_WRITER_LOCKS", "-D_GNU_SOURCE"]
    incs = [f"-I{core / d}" for d in (
        ".", "iwasm/include", "iwasm/common", "iwasm/interpreter", "iwasm/aot", "shared/include",
        "shared/utils", "shared/mem-alloc", "shared/platform/include", "shared/platform/esp-idf",
        "iwasm/libraries/thread-mgr")] + [f"-I{stubs}"]
    sources = [core / s.replace("${MICROPY_WASM_INTERP}", "fast") for s in cmake_list("WAMR_CORE_SRC")]
    sources += [core / reloc] + [WASM_MOD / s for s in cmake_list("WAMR_SHIM_SRC")]
    failures = []
    for src in sources:
        result = subprocess.run([CROSS, "-fsyntax-only", "-std=gnu17", "-w", *defs, *incs, str(src)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"{src}:\n{result.stderr[-1500:]}")
    assert not failures, "\n".join(failures)


UNIX_GENHDR = paths.BUILD / "unix" / "obj" / "genhdr"


@pytest.mark.skipif(HOST is None or not UNIX_GENHDR.is_dir(),
                    reason="needs gcc and the unix build's generated headers (make unix)")
@pytest.mark.parametrize("source", ["wasm_port_esp32.c", "wasm_xip_esp32.c"])
def test_esp32_port_files_compile_against_micropython_headers(tmp_path, source):
    stubs = write_stubs(tmp_path / "stubs", IDF_STUBS)
    mp = paths.MICROPYTHON
    result = subprocess.run(
        [HOST, "-fsyntax-only", "-std=gnu99", "-Wall", "-Wextra", "-Werror",
         f"-I{stubs}", f"-I{mp}", f"-I{mp / 'ports' / 'unix'}",
         f"-I{mp / 'ports' / 'unix' / 'variants' / 'standard'}", f"-I{UNIX_GENHDR.parent}",
         f"-I{WASM_MOD}", f"-I{WASM_MOD / 'port' / 'esp32'}", f"-I{paths.WAMR / 'core' / 'iwasm' / 'include'}",
         str(WASM_MOD / "port" / "esp32" / source)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# --- The display module's ESP32 backend -------------------------------------------------

DISPLAY_MOD = paths.MODULES / "display"

# ESP-IDF 5.2's declarations that the ST7789 backend uses (esp_lcd, SPI
# master, LEDC, heap caps), as stand-ins: names, types and signatures only.
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


@pytest.mark.skipif(HOST is None or not UNIX_GENHDR.is_dir() or not (paths.LVGL / "lvgl").is_dir(),
                    reason="needs gcc, the unix build's generated headers (make unix) and LVGL")
@pytest.mark.parametrize("source", ["port/esp32/display_esp32_st7789.c", "display_pool.c"])
def test_display_esp32_files_compile_against_esp_lcd(tmp_path, source):
    stubs = write_stubs(tmp_path / "stubs", {**IDF_STUBS, **ESP_LCD_STUBS})
    mp = paths.MICROPYTHON
    board_h = paths.ROOT / "boards" / "ESP32S3_WAMR_LCD" / "mpconfigboard.h"
    result = subprocess.run(
        [HOST, "-fsyntax-only", "-std=gnu99", "-Wall", "-Wextra", "-Werror",
         "-DESP_PLATFORM", "-DLV_CONF_INCLUDE_SIMPLE", "-DMICROPY_DISPLAY_LVGL_POOL_SIZE=262144",
         "-include", str(board_h),
         f"-I{stubs}", f"-I{DISPLAY_MOD / 'lv_conf' / 'mcu'}", f"-I{DISPLAY_MOD}",
         f"-I{paths.LVGL / 'lvgl'}", f"-I{mp}", f"-I{mp / 'ports' / 'unix'}",
         f"-I{mp / 'ports' / 'unix' / 'variants' / 'standard'}", f"-I{UNIX_GENHDR.parent}",
         str(DISPLAY_MOD / source)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(CROSS is None or not (paths.LVGL / "lvgl").is_dir(),
                    reason="needs arm-none-eabi-gcc (make setup) and LVGL")
def test_lvgl_mcu_configuration_compiles_for_esp_idf(tmp_path):
    # lv_conf/mcu with ESP_PLATFORM (IRAM for lv_display_flush_ready), on a
    # 32-bit newlib compiler, through the LVGL files that use the attribute.
    stubs = write_stubs(tmp_path / "stubs", ESP_LCD_STUBS)
    lvgl = paths.LVGL / "lvgl"
    for src in ("src/display/lv_display.c", "src/stdlib/builtin/lv_mem_core_builtin.c"):
        result = subprocess.run(
            [CROSS, "-fsyntax-only", "-std=gnu99", "-w", "-DESP_PLATFORM", "-DLV_CONF_INCLUDE_SIMPLE",
             "-DMICROPY_DISPLAY_LVGL_POOL_SIZE=262144", f"-I{stubs}",
             f"-I{DISPLAY_MOD / 'lv_conf' / 'mcu'}", f"-I{DISPLAY_MOD}", f"-I{lvgl}", str(lvgl / src)],
            capture_output=True, text=True)
        assert result.returncode == 0, f"{src}:\n{result.stderr[-1500:]}"
