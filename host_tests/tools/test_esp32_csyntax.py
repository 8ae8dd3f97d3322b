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
