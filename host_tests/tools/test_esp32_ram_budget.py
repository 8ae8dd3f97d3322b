"""ESP32_WAMR's internal-RAM budget, from ESP-IDF 5.2.2's ESP32 memory layout
(the numbers below are ESP-IDF's, quoted with the file they come from), and
the statement of it in boards/ESP32_WAMR/mpconfigboard.cmake."""

import re

import pytest

from scripts import esp32

# components/esp_system/ld/esp32/memory.ld.in: dram0_0_seg starts at
# 0x3FFB0000 + CONFIG_BTDM_RESERVE_DRAM, DRAM0_0_SEG_LEN 0x2c200 long.
DRAM0_0_ORG = 0x3FFB0000
DRAM0_0_SEG_LEN = 0x2C200
# components/heap/port/esp32/memory_layout.c: the 8-bit capable internal
# regions (DRAM, then D/IRAM; adjacent regions of a type are merged) and the
# ranges reserved from them (ROM data, ROM APP-CPU data on dual-core builds,
# the app's static data from _data_start to _heap_start).
DRAM = (0x3FFAE000, 0x3FFE0000)
DIRAM = (0x3FFE0000, 0x40000000)
ROM_RESERVED = [(0x3FFAE000, 0x3FFAE6E0), (0x3FFE0000, 0x3FFE0440), (0x3FFE3F20, 0x3FFE4350)]
# Room left for the heap allocator's own bookkeeping (TLSF control block,
# block headers, poisoning) in the block the pool comes from.
HEAP_OVERHEAD = 8 * 1024


def free_blocks(static_bytes):
    """Free 8-bit internal heap blocks at app_main, for `static_bytes` of
    .data + .bss (Bluetooth off, so static data starts at 0x3FFB0000)."""
    reserved = sorted(ROM_RESERVED + [(DRAM0_0_ORG, DRAM0_0_ORG + static_bytes)])
    blocks = []
    for start, end in (DRAM, DIRAM):
        pos = start
        for r_start, r_end in reserved:
            if r_end <= pos or r_start >= end:
                continue
            if r_start > pos:
                blocks.append(r_start - pos)
            pos = max(pos, r_end)
        if pos < end:
            blocks.append(end - pos)
    return blocks


@pytest.fixture(scope="module")
def board():
    return esp32.load_board("ESP32_WAMR")


def test_budget_numbers_come_from_the_layout():
    assert DRAM0_0_SEG_LEN == 180736                       # 176.5 KB of static DRAM
    assert free_blocks(0) == [6432, 196608, 15072, 113840]
    assert free_blocks(60 * 1024) == [6432, 196608 - 60 * 1024, 15072, 113840]
    assert sum(free_blocks(0)) == 331952


def test_board_is_the_configuration_the_arithmetic_assumes(board):
    # Bluetooth off (no BT DRAM reserved), dual core (ROM APP data reserved:
    # a unicore build only frees more), the pool from the heap at boot.
    assert not any("sdkconfig.ble" in str(f) for f in board.sdkconfig_fragments)
    assert board.sdkconfig.get("CONFIG_BT_ENABLED") != "y"
    assert board.sdkconfig.get("CONFIG_FREERTOS_UNICORE") != "y"
    assert board.chip == "esp32" and board.pool_at_boot and not board.pool_in_psram


def test_pool_reserved_at_boot_fits_whatever_the_static_size(board):
    # Every static size that links leaves a free block the pool fits in:
    # the D/IRAM block above the ROM data never holds static data.
    for static in range(0, DRAM0_0_SEG_LEN + 1, 256):
        assert max(free_blocks(static)) - HEAP_OVERHEAD >= board.pool_size, static
    assert board.pool_size <= 113840 - HEAP_OVERHEAD == 105648


def test_the_same_pool_in_static_bss_would_leave_little_for_everything_else(board):
    # Why the board does not put it in .bss: 80.5 KB for all other static data.
    assert DRAM0_0_SEG_LEN - board.pool_size == 82432


def test_board_files_state_these_numbers(board):
    text = (board.dir / "mpconfigboard.cmake").read_text()
    comment = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    for number in ("0x2c200", "180736", "82432", "6432", "196608", "15072", "113840",
                   "331952", "105648", str(board.pool_size)):
        assert re.search(rf"\b{number}\b", comment), number
    assert re.search(r"^set\(MICROPY_WASM_POOL_AT_BOOT ON\)$", text, re.M)
