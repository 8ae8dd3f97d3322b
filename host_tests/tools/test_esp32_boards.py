"""The ESP32 boards: partition tables, sdkconfig fragments, the files the
board cmake files reference, and the ESP32 port hooks of the wasm module."""

import re
import shutil
from pathlib import Path

import pytest

from scripts import esp32, partitions, paths
from scripts.progress import ToolError

BOARDS = esp32.BOARDS
FLASH_MB = {"ESP32_WAMR": 4, "ESP32S3_WAMR_LCD": 8, "ESP32C3_WAMR": 4}
CHIPS = {"ESP32_WAMR": "esp32", "ESP32S3_WAMR_LCD": "esp32s3", "ESP32C3_WAMR": "esp32c3"}
WASM_MOD = paths.MODULES / "wasm"


def test_the_three_boards_exist():
    assert set(BOARDS) <= set(esp32.board_names())


@pytest.fixture(params=BOARDS)
def board(request):
    return esp32.load_board(request.param, need_port=esp32.ESP32_PORT.is_dir())


def test_board_is_sound(board):
    assert esp32.check_board(board) == []


def test_partition_csv_parses_with_the_required_partitions(board):
    table = partitions.load_csv(board.dir / "partitions.csv")
    assert [p.name for p in table] == ["nvs", "phy_init", "factory", "wasmapps", "vfs"]
    assert partitions.find(table, "factory").is_app
    assert partitions.find(table, "vfs").subtype_name == "fat"     # what flashbdev.py expects


def test_partitions_do_not_overlap_and_fit_the_flash(board):
    ordered = sorted(board.partitions, key=lambda p: p.offset)
    assert ordered[0].offset >= board.table_offset + partitions.TABLE_SECTOR
    for a, b in zip(ordered, ordered[1:]):
        assert a.end <= b.offset, (a, b)
    assert board.flash_size == FLASH_MB[board.name] * partitions.MB
    # The tables use the whole chip.
    assert ordered[-1].end == board.flash_size


def test_app_and_wasmapps_are_64k_aligned(board):
    for label in ("factory", "wasmapps"):
        part = board.partition(label)
        assert part.offset % 0x10000 == 0, label
        assert part.size % 0x10000 == 0, label


def test_chip_flash_and_pool(board):
    assert board.chip == CHIPS[board.name]
    assert board.aot_target == {"esp32": "xtensa", "esp32s3": "xtensa-esp32s3",
                                "esp32c3": "riscv32"}[board.chip]
    assert board.pool_in_psram == (board.name == "ESP32S3_WAMR_LCD")
    assert board.pool_size % 8 == 0 and board.pool_size >= 64 * 1024


def test_sdkconfig_fragments_set_the_keys_the_port_needs(board):
    cfg = board.sdkconfig
    assert cfg["CONFIG_PARTITION_TABLE_CUSTOM"] == "y"
    filename = Path(cfg["CONFIG_PARTITION_TABLE_CUSTOM_FILENAME"].strip('"'))
    assert filename.is_absolute() and filename == (board.dir / "partitions.csv").resolve()
    assert cfg[f"CONFIG_ESPTOOLPY_FLASHSIZE_{FLASH_MB[board.name]}MB"] == "y"
    selected = [k for k, v in cfg.items() if k.startswith("CONFIG_ESPTOOLPY_FLASHSIZE_") and v == "y"]
    assert len(selected) == 1
    assert cfg.get("CONFIG_PARTITION_TABLE_OFFSET", "0x8000") == "0x8000"
    if board.pool_in_psram:
        assert cfg["CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY"] == "y"


def test_board_fragments_are_read_from_the_board_directory(board):
    text = (board.dir / "mpconfigboard.cmake").read_text()
    assert "${MICROPY_BOARD_DIR}/sdkconfig.board" in text
    assert "include(${MICROPY_BOARD_DIR}/../esp32_common/wamr_board.cmake)" in text


def test_every_file_the_board_cmake_references_exists(board):
    port = esp32.ESP32_PORT.is_dir()
    for path, in_port in esp32.referenced_files(board):
        if in_port and not port:
            continue
        assert path.exists(), path


def test_manifest_includes_the_port_manifest(board):
    assert 'include("$(PORT_DIR)/boards/manifest.py")' in (board.dir / "manifest.py").read_text()


def test_board_header_names_the_board(board):
    header = (board.dir / "mpconfigboard.h").read_text()
    assert "MICROPY_HW_BOARD_NAME" in header and "MICROPY_HW_MCU_NAME" in header
    if board.name == "ESP32S3_WAMR_LCD":
        for pin in ("SCLK", "MOSI", "CS", "DC", "RST", "BACKLIGHT"):
            assert f"MICROPY_HW_LCD_PIN_{pin}" in header


def test_esp32_without_bluetooth_has_it_off_in_both_places():
    board = esp32.load_board("ESP32_WAMR")
    assert not any("sdkconfig.ble" in str(f) for f in board.sdkconfig_fragments)
    assert re.search(r"#define MICROPY_PY_BLUETOOTH\s+\(0\)", (board.dir / "mpconfigboard.h").read_text())


@pytest.mark.skipif(not esp32.ESP32_PORT.is_dir(), reason="MicroPython sources not in cache/")
def test_port_fragments_give_psram_to_the_s3_board():
    board = esp32.load_board("ESP32S3_WAMR_LCD", need_port=True)
    assert board.sdkconfig["CONFIG_SPIRAM"] == "y"
    assert board.sdkconfig["CONFIG_SPIRAM_MODE_OCT"] == "y"
    assert board.sdkconfig["CONFIG_SPIRAM_IGNORE_NOTFOUND"] == "n"


def test_unknown_board_is_a_clear_error():
    with pytest.raises(ToolError, match="unknown board 'NOPE'.*ESP32_WAMR"):
        esp32.load_board("NOPE")


# --- the partition table tool -----------------------------------------------------

CSV = """# comment
nvs,      data, nvs,     0x9000,  0x6000,
phy_init, data, phy,     ,        4K,
factory,  app,  factory, ,        1M,
vfs,      data, fat,     ,        0x10000, readonly
"""


def test_csv_empty_offsets_follow_esp_idf_alignment():
    table = partitions.parse_csv(CSV)
    assert [(p.name, p.offset, p.size) for p in table] == [
        ("nvs", 0x9000, 0x6000), ("phy_init", 0xF000, 0x1000),
        ("factory", 0x10000, 0x100000), ("vfs", 0x110000, 0x10000)]
    assert table[-1].flags == partitions.FLAGS["readonly"]
    assert partitions.check(table, 2 * partitions.MB) == []


def test_binary_round_trip_and_md5():
    table = partitions.parse_csv(CSV)
    blob = partitions.to_binary(table)
    assert len(blob) == 0xC00
    assert blob[:2] == b"\xaa\x50"
    assert partitions.same_layout(partitions.from_binary(blob), table)
    corrupted = bytearray(blob)
    corrupted[8] ^= 1
    with pytest.raises(ToolError, match="MD5"):
        partitions.from_binary(bytes(corrupted))
    with pytest.raises(ToolError, match="not an ESP-IDF partition table"):
        partitions.from_binary(b"\x00" * 0xC00)


@pytest.mark.parametrize("line, message", [
    ("nvs, data, nvs, 0x9000", "missing size"),
    ("nvs, data, nosuch, 0x9000, 0x1000", "unknown subtype 'nosuch'"),
    ("nvs, blob, nvs, 0x9000, 0x1000", "unknown type 'blob'"),
    ("a_very_long_partition_name, data, nvs, 0x9000, 0x1000", "longer than 15 bytes"),
    ("nvs, data, nvs, 0x9000, lots", "size 'lots' is not a number"),
    ("nvs, data, nvs, 0x9000, 0x1000, shiny", "unknown flag 'shiny'"),
])
def test_csv_errors_name_the_line(line, message):
    with pytest.raises(ToolError, match=f"board.csv:2: .*{message}"):
        partitions.parse_csv("# header\n" + line + "\n", "board.csv")


def test_check_finds_overlap_alignment_and_size_problems():
    table = partitions.parse_csv(
        "nvs, data, nvs, 0x9000, 0x6000\n"
        "factory, app, factory, 0x18000, 0x100000\n"      # app not 64 KB aligned
        "vfs, data, fat, 0x100000, 0x200000\n"            # overlaps factory, past 2 MB
        "wasmapps, data, undefined, 0x301000, 0x10000\n"  # XIP not 64 KB aligned
        "boot, data, undefined, 0x7000, 0x1000\n")        # below the table
    problems = "\n".join(partitions.check(table, 2 * partitions.MB))
    assert "factory (0x18000..0x118000) is not 64 KB aligned" in problems
    assert "factory (0x18000..0x118000) overlaps vfs" in problems
    assert "vfs (0x100000..0x300000) does not fit in 2 MB" in problems
    assert "XIP partition wasmapps (0x301000..0x311000) is not 64 KB aligned" in problems
    assert "boot (0x7000..0x8000) starts below 0x9000" in problems


def test_board_check_reports_a_broken_table(tmp_path):
    board = esp32.load_board("ESP32_WAMR")
    board.partitions = partitions.parse_csv(
        "nvs, data, nvs, 0x9000, 0x6000\nfactory, app, factory, 0x10000, 0x100000\n")
    problems = "\n".join(esp32.check_board(board))
    assert "no `wasmapps` partition" in problems and "no `vfs` partition" in problems
    assert "too small for MicroPython + WAMR" in problems


# --- the wasm module's ESP32 port files ------------------------------------------------

def _defined_functions(text):
    return set(re.findall(r"^[\w \*]*?\b(mp_wasm_port_\w+)\s*\([^;]*?\)\s*\{", text, re.M | re.S))


def test_esp32_port_implements_every_port_hook():
    declared = set(re.findall(r"\b(mp_wasm_port_\w+)\s*\(", (WASM_MOD / "modwasm.h").read_text()))
    port_dir = WASM_MOD / "port" / "esp32"
    defined = set()
    for src in port_dir.glob("*.c"):
        defined |= _defined_functions(src.read_text())
    assert declared, "modwasm.h declares no port hooks?"
    assert declared - defined == set()


def test_esp32_ctrl_c_hook_stops_the_guest():
    text = (WASM_MOD / "port" / "esp32" / "wasm_port_esp32.c").read_text()
    assert "mp_wasm_request_interrupt()" in text
    # A one-shot timer re-armed while guests run: no timer call per guest call
    # (the deadline timer is started and stopped only for calls with a time
    # limit: test_esp32_port_models.py).
    assert "mp_kbd_exception" in text and "esp_timer_start_once(guest_poll_timer" in text
    assert "esp_timer_stop(guest_poll_timer" not in text
    assert "esp_timer_start_periodic" not in text
    # Inside a guest call a Python exception must not unwind through WAMR.
    assert "mp_handle_pending" not in re.sub(r"//.*", "", text)


def test_xip_mapping_uses_the_instruction_bus_of_the_wasmapps_partition():
    # Behaviour on both MMU layouts: test_esp32_port_models.py.
    text = (WASM_MOD / "port" / "esp32" / "wasm_xip_esp32.c").read_text()
    header = (WASM_MOD / "port" / "esp32" / "wasm_xip_esp32.h").read_text()
    assert "ESP_PARTITION_MMAP_INST" in text and "esp_partition_find_first" in text
    assert "MMU_VADDR_INSTRUCTION" in text and "SOC_MMU_LINEAR_ADDRESS_REGION_NUM" in text
    assert f'"{esp32.XIP_PARTITION}"' in header


def test_boot_pool_needs_the_board_startup_hook(tmp_path):
    board = esp32.load_board("ESP32_WAMR")
    assert board.pool_at_boot and esp32.check_board(board) == []
    copy = tmp_path / "ESP32_WAMR"
    shutil.copytree(board.dir, copy)
    header = copy / "mpconfigboard.h"
    header.write_text(header.read_text().replace("#define MICROPY_BOARD_STARTUP", "// "))
    board.dir = copy
    # (The copy's other problems come from its new place.)
    assert ("MICROPY_WASM_POOL_AT_BOOT needs `#define MICROPY_BOARD_STARTUP mp_wasm_esp32_board_startup` "
            "in mpconfigboard.h (nothing would reserve the pool)") in esp32.check_board(board)
