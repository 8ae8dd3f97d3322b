"""`python -m scripts flash` end to end against esp32-mock-bootloader (an
emulated ROM bootloader speaking esptool's protocol over socket://): every
region lands at the offset of the board's partition table and reads back
equal; bad ports, missing, oversized or mismatched images and the wrong chip
are clear errors that leave the flash untouched."""

import hashlib
import os
import random
import struct
import subprocess
import sys

import pytest

from scripts import aot, esp32, flash, flashfs, partitions, paths
from scripts.progress import ToolError

from esp_mock import MOCK, MOCK_FLASH_SIZE, MockFlash, free_port

pytestmark = pytest.mark.skipif(not MOCK.exists(), reason="esp32-mock-bootloader not installed (make setup)")


def esp_image(chip, payload):
    """A minimal, well-formed ESP-IDF image (header, extended header with the
    chip id, one segment, checksum) around `payload`."""
    payload += b"\0" * (-len(payload) % 4)
    header = struct.pack("<BBBBI", 0xE9, 1, 2, 0x20, 0x40080000)
    extended = struct.pack("<B3sHBHH4sB", 0xEE, b"\0\0\0", esp32.IMAGE_CHIP_ID[chip], 0, 0, 0xFFFF,
                           b"\0" * 4, 0)
    body = header + extended + struct.pack("<II", 0x3FFB0000, len(payload)) + payload
    checksum = 0xEF
    for byte in payload:
        checksum ^= byte
    return body + b"\0" * (15 - len(body) % 16) + bytes([checksum])


def aot_blob(target, code):
    """A stand-in XIP AOT file: the header fields scripts/xip.py reads."""
    info = struct.pack("<HHHHIIQQ16s", 0, 0, 4, 0, 1, 0, 0, 0, target.encode())
    return b"\0aot" + struct.pack("<III", 6, 0, len(info)) + info + code


def wasmapps_image(target, rng):
    from scripts import xip
    return xip.pack([("app1", aot_blob(target, rng.randbytes(10000))),
                     ("app2", aot_blob(target, rng.randbytes(30000)))])


def make_images(directory, board_name, *, app_size=200 * 1024, table=True, chip=None):
    """The files a Docker build exports, small but well-formed."""
    board = esp32.load_board(board_name)
    chip = chip or board.chip
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(board_name)
    (directory / "bootloader.bin").write_bytes(esp_image(chip, rng.randbytes(20 * 1024)))
    (directory / "micropython.bin").write_bytes(esp_image(chip, rng.randbytes(app_size)))
    if table:
        (directory / "partition-table.bin").write_bytes(partitions.to_binary(board.partitions))
    vfs = board.partition("vfs")
    (directory / "vfs.img").write_bytes(flashfs.make_image({"/hello.wasm": b"\0asm\1\0\0\0"}, vfs.size))
    (directory / "wasmapps.bin").write_bytes(wasmapps_image(aot.target_arch(board.aot_target), rng))
    return board


def run_flash(*args):
    return subprocess.run([sys.executable, "-m", "scripts", "flash", *map(str, args)],
                          cwd=paths.ROOT, capture_output=True, text=True, timeout=300)


def assert_untouched(url, size=MOCK_FLASH_SIZE):
    assert MockFlash(url).is_erased(0, size), "the flash was written to"


# --- writing every region --------------------------------------------------------------

@pytest.mark.parametrize("board_name", ["ESP32_WAMR", "ESP32C3_WAMR"])
def test_flash_writes_every_region_and_reads_back(tmp_path, mock_bootloader, board_name):
    board = make_images(tmp_path / "out", board_name)
    url = mock_bootloader(board.chip)
    result = run_flash("--port", url, "--board", board_name, "--build-dir", tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 regions written and verified" in result.stdout
    assert "Writing at" in result.stdout        # esptool's progress

    expected = {
        board.bootloader_offset: (tmp_path / "out" / "bootloader.bin").read_bytes(),
        0x8000: (tmp_path / "out" / "partition-table.bin").read_bytes(),
        board.partition("factory").offset: (tmp_path / "out" / "micropython.bin").read_bytes(),
        board.partition("vfs").offset: (tmp_path / "out" / "vfs.img").read_bytes(),
        board.partition("wasmapps").offset: (tmp_path / "out" / "wasmapps.bin").read_bytes(),
    }
    mock = MockFlash(url)
    vfs = board.partition("vfs")
    back = {}
    for offset, data in expected.items():
        if offset == vfs.offset and board_name != "ESP32_WAMR":
            # 1.3 MB through the mock is slow: one board reads it all back.
            assert mock.md5(offset, len(data)) == hashlib.md5(data).hexdigest()
            continue
        back[offset] = mock.read(offset, len(data))
        assert back[offset] == data, hex(offset)
    # Read back, the table is the board's CSV, and the littlefs mounts.
    assert partitions.same_layout(partitions.from_binary(back[0x8000]), board.partitions)
    if vfs.offset in back:
        image = tmp_path / "readback.img"
        image.write_bytes(back[vfs.offset])
        assert flashfs.list_image(image) == [("/hello.wasm", 8)]
    # Between the regions nothing was written.
    assert mock.is_erased(0x9000, 0x7000)


def test_missing_partition_table_is_made_from_the_csv(tmp_path, mock_bootloader):
    board = make_images(tmp_path / "out", "ESP32C3_WAMR", table=False)
    url = mock_bootloader("esp32c3")
    regions = flash.flash_board(url, "ESP32C3_WAMR", build_dir=tmp_path / "out", skip=["fs", "xip"])
    assert [r.name for r in regions] == ["bootloader", "partition-table", "app"]
    assert "made from" in regions[1].source
    mock = MockFlash(url)
    assert mock.read(0x8000, 0xC00) == partitions.to_binary(board.partitions)
    assert mock.is_erased(board.partition("vfs").offset, board.partition("vfs").size)


def test_skip_keeps_the_board_files_and_erase_clears_the_chip(tmp_path, mock_bootloader):
    board = make_images(tmp_path / "out", "ESP32_WAMR")
    url = mock_bootloader("esp32")
    vfs = board.partition("vfs")
    flash.flash_board(url, "ESP32_WAMR", build_dir=tmp_path / "out")
    # A firmware update that keeps the filesystem.
    (tmp_path / "out" / "micropython.bin").write_bytes(esp_image("esp32", b"new firmware" * 1000))
    regions = flash.flash_board(url, "ESP32_WAMR", build_dir=tmp_path / "out", skip=["fs", "xip"])
    assert {r.name for r in regions} == {"bootloader", "partition-table", "app"}
    mock = MockFlash(url)
    assert mock.read(vfs.offset, 64) == (tmp_path / "out" / "vfs.img").read_bytes()[:64]
    mock.write(0x9000, b"\x55" * 0x1000)          # scribble into nvs
    assert not mock.is_erased(0x9000, 0x1000)
    flash.flash_board(url, "ESP32_WAMR", build_dir=tmp_path / "out", skip=["fs", "xip"], erase=True)
    assert mock.is_erased(0x9000, 0x1000)
    assert mock.is_erased(vfs.offset, vfs.size)
    assert mock.read(board.partition("factory").offset, 12) == \
        (tmp_path / "out" / "micropython.bin").read_bytes()[:12]


# --- errors: nothing is written ------------------------------------------------------------

def test_bad_serial_port_path(tmp_path):
    make_images(tmp_path / "out", "ESP32_WAMR")
    result = run_flash("--port", "/dev/ttyNOSUCHPORT", "--board", "ESP32_WAMR", "--build-dir", tmp_path / "out")
    assert result.returncode == 1
    assert "serial port /dev/ttyNOSUCHPORT does not exist" in result.stderr


def test_port_without_a_bootloader(tmp_path):
    make_images(tmp_path / "out", "ESP32_WAMR")
    result = run_flash("--port", f"socket://127.0.0.1:{free_port()}", "--board", "ESP32_WAMR",
                       "--build-dir", tmp_path / "out")
    assert result.returncode == 1
    assert "no ESP32 bootloader answers on socket://127.0.0.1:" in result.stderr


def test_missing_images_are_all_named_and_nothing_is_written(tmp_path, mock_bootloader):
    make_images(tmp_path / "out", "ESP32_WAMR")
    (tmp_path / "out" / "vfs.img").unlink()
    (tmp_path / "out" / "micropython.bin").unlink()
    url = mock_bootloader("esp32")
    result = run_flash("--port", url, "--board", "ESP32_WAMR", "--build-dir", tmp_path / "out")
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    assert f"{tmp_path / 'out' / 'micropython.bin'} is missing" in result.stderr
    assert f"{tmp_path / 'out' / 'vfs.img'} is missing" in result.stderr
    assert "--skip fs" in result.stderr
    assert_untouched(url)


def test_image_larger_than_its_partition(tmp_path, mock_bootloader):
    board = make_images(tmp_path / "out", "ESP32_WAMR")
    xip = board.partition("wasmapps")
    (tmp_path / "out" / "wasmapps.bin").write_bytes(wasmapps_image("xtensa", random.Random(2))
                                                    + b"\0" * xip.size)
    url = mock_bootloader("esp32")
    result = run_flash("--port", url, "--board", "ESP32_WAMR", "--build-dir", tmp_path / "out")
    assert result.returncode == 1
    size = (tmp_path / "out" / "wasmapps.bin").stat().st_size
    assert f"is {size} bytes, larger than its {xip.size}-byte region at 0x{xip.offset:x}" \
        in result.stderr
    assert_untouched(url)


@pytest.mark.parametrize("breakage, message", [
    ("app-for-s3", "was built for esp32s3, board ESP32_WAMR is esp32"),
    ("not-an-image", "is not an ESP-IDF image"),
    ("small-littlefs", "MicroPython would not mount it"),
    ("garbage-littlefs", "is not a littlefs image"),
    ("other-table", "does not match"),
    ("xip-for-arm", "holds apps for another target than ESP32_WAMR's xtensa: app1 \\(thumbv7em\\)"),
    ("xip-garbage", "not a wasmapps image"),
    ("empty-bootloader", "is empty"),
])
def test_bad_images_are_refused_before_connecting(tmp_path, breakage, message):
    board = make_images(tmp_path / "out", "ESP32_WAMR")
    out = tmp_path / "out"
    if breakage == "app-for-s3":
        (out / "micropython.bin").write_bytes(esp_image("esp32s3", b"x" * 1024))
    elif breakage == "not-an-image":
        (out / "micropython.bin").write_bytes(b"MZ" + b"\0" * 1024)
    elif breakage == "small-littlefs":
        (out / "vfs.img").write_bytes(flashfs.make_image({}, 1024 * 1024))
    elif breakage == "garbage-littlefs":
        (out / "vfs.img").write_bytes(os.urandom(8192))
    elif breakage == "other-table":
        other = list(board.partitions)
        other[-1] = partitions.Partition("vfs", 1, 0x81, other[-1].offset, other[-1].size - 0x1000)
        (out / "partition-table.bin").write_bytes(partitions.to_binary(other))
    elif breakage == "xip-for-arm":
        (out / "wasmapps.bin").write_bytes(wasmapps_image("thumbv7em", random.Random(1)))
    elif breakage == "xip-garbage":
        (out / "wasmapps.bin").write_bytes(b"\0" * 4096)
    elif breakage == "empty-bootloader":
        (out / "bootloader.bin").write_bytes(b"")
    with pytest.raises(ToolError, match=message) as exc:
        flash.plan(board, out)
    assert "nothing was written" in str(exc.value)


def test_wrong_chip_is_refused_after_connecting(tmp_path, mock_bootloader):
    make_images(tmp_path / "out", "ESP32_WAMR")
    url = mock_bootloader("esp32s3")
    result = run_flash("--port", url, "--board", "ESP32_WAMR", "--build-dir", tmp_path / "out")
    assert result.returncode == 1
    assert "the device is an ESP32-S3, board ESP32_WAMR is for esp32: nothing was written" in result.stderr
    assert_untouched(url)


def test_flash_smaller_than_the_board_needs(tmp_path, mock_bootloader):
    # The S3 board's table spans 8 MB; the mock chip has 4 MB.
    make_images(tmp_path / "out", "ESP32S3_WAMR_LCD")
    url = mock_bootloader("esp32s3")
    result = run_flash("--port", url, "--board", "ESP32S3_WAMR_LCD", "--build-dir", tmp_path / "out")
    assert result.returncode == 1
    assert "has 4MB of flash, board ESP32S3_WAMR_LCD needs 8 MB: nothing was written" in result.stderr
    assert_untouched(url)


def test_unknown_board_and_bad_skip():
    result = run_flash("--port", "/dev/null", "--board", "NOPE")
    assert result.returncode == 1 and "unknown board 'NOPE'" in result.stderr
    with pytest.raises(ToolError, match="unknown region"):
        flash.plan(esp32.load_board("ESP32_WAMR"), "/nonexistent", skip=["bogus"])


def test_idf_build_directory_layout_is_found(tmp_path):
    board = make_images(tmp_path / "flat", "ESP32_WAMR")
    idf = tmp_path / "build-ESP32_WAMR"
    (idf / "bootloader").mkdir(parents=True)
    (idf / "partition_table").mkdir()
    (tmp_path / "flat" / "bootloader.bin").rename(idf / "bootloader" / "bootloader.bin")
    (tmp_path / "flat" / "partition-table.bin").rename(idf / "partition_table" / "partition-table.bin")
    (tmp_path / "flat" / "micropython.bin").rename(idf / "micropython.bin")
    regions = flash.plan(board, idf, overrides={"fs": tmp_path / "flat" / "vfs.img"}, skip=["xip"])
    assert [r.name for r in regions] == ["bootloader", "partition-table", "app", "fs"]
    assert regions[0].offset == 0x1000 and regions[2].offset == 0x10000
