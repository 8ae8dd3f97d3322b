"""The module's ESP32 port files compiled for the host and run against small
models of the ESP-IDF 5.2 APIs they call (no ESP-IDF or hardware here):

- wasm_xip_esp32.c against a model of the flash MMU (models/esp_mmu_model.c)
  in both layouts: the ESP32's separate data/instruction regions and the
  single linear region of the ESP32-S3 and -C3;
- wasm_pool_esp32.c: where each placement puts the WAMR pool (the section
  of the static array, or the heap block reserved at boot).
- wasm_port_esp32.c's Ctrl-C polling and the deadline timer of timeout_ms
  against a model of esp_timer (models/esp_timer_model.c).
"""

import re
import subprocess

import pytest

from idf_stubs import IDF_STUBS, soc_caps, write_stubs
from scripts import esp32, partitions, paths
from test_esp32_csyntax import HOST, UNIX_GENHDR, compile_port_file, needs_unix_headers

MODELS = paths.ROOT / "host_tests" / "tools" / "models"
WASM_MOD = paths.MODULES / "wasm"


def build_and_run(tmp_path, sources, *flags, linear_regions=5):
    stubs = write_stubs(tmp_path / "stubs", {**IDF_STUBS, **soc_caps(linear_regions), "sdkconfig.h": ""})
    mp = paths.MICROPYTHON
    exe = tmp_path / "model"
    result = subprocess.run(
        [HOST, "-std=gnu17", "-Wall", "-Wextra", "-Werror", "-DMICROPY_WASM_PORT_POOL=1",
         f"-DMODEL_LINEAR_REGIONS={linear_regions}", *flags,
         f"-I{stubs}", f"-I{mp}", f"-I{mp / 'ports' / 'unix'}",
         f"-I{mp / 'ports' / 'unix' / 'variants' / 'standard'}", f"-I{UNIX_GENHDR.parent}",
         f"-I{WASM_MOD}", f"-I{WASM_MOD / 'port' / 'esp32'}", f"-I{paths.WAMR / 'core' / 'iwasm' / 'include'}",
         "-o", str(exe), *map(str, sources)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True, timeout=60).stdout
    return dict(kv.split("=", 1) for kv in out.split())


def run_xip_model(tmp_path, board, *flags):
    model = esp32.load_board(board)
    part = partitions.find(model.partitions, esp32.XIP_PARTITION)
    regions = 5 if model.chip == "esp32" else 1
    return part, build_and_run(
        tmp_path, [WASM_MOD / "port" / "esp32" / "wasm_xip_esp32.c", MODELS / "esp_mmu_model.c"],
        f"-DMODEL_PART_ADDR={part.offset:#x}", f"-DMODEL_PART_SIZE={part.size:#x}", *flags,
        linear_regions=regions)


@needs_unix_headers
@pytest.mark.parametrize("board, mmaps, data_base, code_base", [
    # ESP32: mapped twice, into DROM0 and IROM0.
    ("ESP32_WAMR", 2, 0x3F400000, 0x400D0000),
    # ESP32-S3 / -C3: mapped once; the code address is the instruction-bus
    # alias of the same MMU pages.
    ("ESP32S3_WAMR_LCD", 1, 0x3C000000, 0x42000000),
    ("ESP32C3_WAMR", 1, 0x3C000000, 0x42000000),
])
def test_xip_views_are_the_same_flash_on_the_right_buses(tmp_path, board, mmaps, data_base, code_base):
    part, found = run_xip_model(tmp_path, board)
    assert found["data_bus"] == "data" and found["code_bus"] == "instruction"
    assert int(found["data"], 16) == data_base and int(found["code"], 16) == code_base
    assert int(found["size"], 16) == part.size
    assert int(found["mmap_calls"]) == mmaps and found["stable"] == "1"
    # Both views start and end at the partition's bytes in flash.
    assert int(found["data_paddr"], 16) == int(found["code_paddr"], 16) == part.offset
    assert int(found["data_last_paddr"], 16) == int(found["code_last_paddr"], 16) == part.end - 1


@needs_unix_headers
@pytest.mark.parametrize("board", ["ESP32_WAMR", "ESP32C3_WAMR"])
def test_xip_views_without_a_partition_are_null(tmp_path, board):
    part, found = run_xip_model(tmp_path, board, "-DMODEL_NO_PARTITION")
    assert found == {"data": "0x00000000", "code": "0x00000000", "size": "0x0",
                     "mmap_calls": "0", "stable": "1"}


# --- the WAMR pool --------------------------------------------------------------------

def symbol_section(obj, symbol):
    table = subprocess.run(["objdump", "-t", str(obj)], capture_output=True, text=True, check=True).stdout
    m = re.search(rf"^\S+\s+l\s+O\s+(\S+)\s+(\S+)\s+{symbol}$", table, re.M)
    assert m, table
    return m.group(1), int(m.group(2), 16)


@needs_unix_headers
def test_psram_pool_lands_in_external_ram_bss(tmp_path):
    board = esp32.load_board("ESP32S3_WAMR_LCD")
    assert board.pool_in_psram and not board.pool_at_boot
    # EXT_RAM_BSS_ATTR only moves the pool when the board enables external .bss.
    assert board.sdkconfig["CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY"] == "y"
    obj = tmp_path / "pool.o"
    result = compile_port_file(
        tmp_path, "wasm_pool_esp32.c", "-DMICROPY_WASM_POOL_IN_PSRAM=1",
        f"-DMICROPY_WASM_POOL_SIZE={board.pool_size}",
        sdkconfig="#define CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY 1\n", out=obj)
    assert result.returncode == 0, result.stderr
    section, size = symbol_section(obj, "mp_wasm_pool")
    # ESP-IDF's default linker scheme (esp_system/app.lf) sends the
    # `.ext_ram.bss+` input sections to extern_ram when external .bss is on.
    assert re.fullmatch(r"\.ext_ram\.bss\.\d+", section), section
    assert size == board.pool_size


@needs_unix_headers
def test_psram_pool_refuses_to_fall_back_to_internal_bss(tmp_path):
    result = compile_port_file(tmp_path, "wasm_pool_esp32.c", "-DMICROPY_WASM_POOL_IN_PSRAM=1")
    assert result.returncode != 0
    assert "a WAMR pool in PSRAM needs CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY=y" in result.stderr


@needs_unix_headers
def test_internal_pool_is_plain_bss(tmp_path):
    board = esp32.load_board("ESP32C3_WAMR")
    assert not board.pool_in_psram and not board.pool_at_boot
    obj = tmp_path / "pool.o"
    result = compile_port_file(tmp_path, "wasm_pool_esp32.c", "-fdata-sections",
                               f"-DMICROPY_WASM_POOL_SIZE={board.pool_size}", out=obj)
    assert result.returncode == 0, result.stderr
    assert symbol_section(obj, "mp_wasm_pool") == (".bss.mp_wasm_pool", board.pool_size)


BOOT_DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "esp_heap_caps.h"
#include "modwasm.h"
#include "wasm_pool_esp32.h"

static int startup_calls;
static unsigned alloc_caps, alloc_align;
static size_t alloc_size;

void boardctrl_startup(void) {
    startup_calls++;
}

void *heap_caps_aligned_alloc(size_t alignment, size_t size, uint32_t caps) {
    alloc_align = (unsigned)alignment;
    alloc_size = size;
    alloc_caps = caps;
    return aligned_alloc(alignment, size);
}

int main(void) {
    size_t before, after;
    uint8_t *p0 = mp_wasm_port_pool(&before);
    mp_wasm_esp32_board_startup();
    uint8_t *p1 = mp_wasm_port_pool(&after);
    printf("before=%zu null_before=%d after=%zu null_after=%d startup_calls=%d "
           "align=%u size=%zu internal=%d byte=%d aligned=%d\n",
           before, p0 == NULL, after, p1 == NULL, startup_calls, alloc_align, alloc_size,
           (alloc_caps & MALLOC_CAP_INTERNAL) != 0, (alloc_caps & MALLOC_CAP_8BIT) != 0,
           ((uintptr_t)p1 & 7) == 0);
    return 0;
}
"""


@needs_unix_headers
def test_boot_pool_is_reserved_from_internal_ram_by_the_board_startup(tmp_path):
    board = esp32.load_board("ESP32_WAMR")
    assert board.pool_at_boot and not board.pool_in_psram
    header = (board.dir / "mpconfigboard.h").read_text()
    assert re.search(r"^#define MICROPY_BOARD_STARTUP\s+mp_wasm_esp32_board_startup$", header, re.M)
    driver = tmp_path / "driver.c"
    driver.write_text(BOOT_DRIVER)
    found = build_and_run(tmp_path, [WASM_MOD / "port" / "esp32" / "wasm_pool_esp32.c", driver],
                          "-DMICROPY_WASM_POOL_AT_BOOT=1", f"-DMICROPY_WASM_POOL_SIZE={board.pool_size}")
    assert found == {"before": "0", "null_before": "1", "after": str(board.pool_size), "null_after": "0",
                     "startup_calls": "1", "align": "8", "size": str(board.pool_size),
                     "internal": "1", "byte": "1", "aligned": "1"}


@needs_unix_headers
def test_ctrl_c_timer_is_armed_once_per_busy_spell(tmp_path):
    """wasm_port_esp32.c's Ctrl-C polling on a model of esp_timer: guest
    calls only set flags (one timer start for 1000 calls), the one-shot timer
    re-arms itself while a guest runs and stops at the 10th idle poll, a pending
    KeyboardInterrupt stops a running guest and nothing else. The deadline
    timer (timeout_ms) is created once, runs the module's check under the
    interrupt lock, re-arms for what is left and is stopped on disarm."""
    out = build_and_run(tmp_path, [WASM_MOD / "port" / "esp32" / "wasm_port_esp32.c",
                                   MODELS / "esp_timer_model.c"])
    # starts, armed, stop requests, starts of an armed timer; then the
    # deadline timer of timeout_ms: armed, armed for (us), module checks,
    # checks outside the interrupt lock
    assert out == {"calls": "1,1,0,0", "running": "51,1,0,0", "ctrl_c": "52,1,1,0",
                   "idle": "61,0,1,0", "after": "63,1,1,0", "creates": "1", "stops": "0",
                   "deadline_armed": "1,250000,0,0", "deadline_early": "1,1200,1,0",
                   "deadline_passed": "0,1200,2,0", "deadline_disarmed": "0,5000,2,0",
                   "deadline_creates": "2", "double_arm": "0"}
