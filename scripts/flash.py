"""`python -m scripts flash`: write a WAMR board's images to an ESP32 with
esptool's Python API, at the offsets of the board's partition table, then
verify them.

Regions (offsets from boards/<BOARD>/partitions.csv and the chip):
  bootloader       bootloader.bin       0x1000 (ESP32) / 0x0 (S3, C3)
  partition-table  partition-table.bin  0x8000 (made from the CSV if absent)
  app              micropython.bin      `factory`
  fs               vfs.img              `vfs` (littlefs, see `scripts mkfs`)
  xip              wasmapps.bin         `wasmapps` (see `scripts xip-pack`)

Every image is checked before the port is opened (present, fits its
partition, right chip, littlefs geometry, table equal to the CSV), and the
chip and its flash size are checked before anything is written: a problem
means nothing is written.
"""

import struct
from dataclasses import dataclass
from pathlib import Path

from . import esp32, flashfs, partitions
from .progress import ToolError, info, step, warn

REGIONS = ("bootloader", "partition-table", "app", "fs", "xip")
DESCRIPTION = {
    "bootloader": "bootloader",
    "partition-table": "partition table",
    "app": "MicroPython firmware (factory app)",
    "fs": "littlefs image (vfs)",
    "xip": "XIP apps image (wasmapps)",
}
HINT = {
    "bootloader": "build the firmware (docker build ... , see README) or pass --build-dir",
    "partition-table": "build the firmware or delete it to have it made from the CSV",
    "app": "build the firmware (docker build ... , see README) or pass --build-dir / --app",
    "fs": "make one with `python3 -m scripts esp32-images --board BOARD`, or pass --skip fs "
          "to keep the board's files",
    "xip": "make one with `python3 -m scripts esp32-images --board BOARD`, "
           "or pass --skip xip",
}
ESP_IMAGE_MAGIC = 0xE9
DEFAULT_BAUD = 460800


@dataclass
class Region:
    name: str
    offset: int
    limit: int           # the most bytes the region may hold
    data: bytes
    source: str          # file name, or how the data was made

    @property
    def end(self):
        return self.offset + len(self.data)


def find_image(build_dir, kind):
    """The image of `kind` in a build directory (Docker export or ESP-IDF
    build directory layout), or None."""
    for rel in esp32.IMAGE_FILES[kind]:
        path = Path(build_dir) / rel
        if path.is_file():
            return path
    return None


def _check_esp_image(data, board, what):
    if len(data) < 24 or data[0] != ESP_IMAGE_MAGIC:
        return f"{what} is not an ESP-IDF image (no 0xE9 magic byte)"
    chip_id = struct.unpack_from("<H", data, 12)[0]
    want = esp32.IMAGE_CHIP_ID[board.chip]
    if chip_id != want:
        built_for = next((c for c, i in esp32.IMAGE_CHIP_ID.items() if i == chip_id), f"chip id {chip_id}")
        return f"{what} was built for {built_for}, board {board.name} is {board.chip}"
    return None


def _check_xip_image(data, board, what):
    """The wasmapps image parses (scripts/xip.py) and holds apps for the
    board's AOT target."""
    from . import aot, xip

    try:
        apps = xip.parse(data)
    except ToolError as exc:
        return f"{what}: {exc}"
    arch = aot.target_arch(board.aot_target)
    wrong = [f"{a.name} ({a.target})" for a in apps if a.target != arch]
    if wrong:
        return (f"{what} holds apps for another target than {board.name}'s "
                f"{arch}: {', '.join(wrong)}")
    return None


def littlefs_geometry(data):
    """(block_size, block_count) from a littlefs v2 superblock, or None."""
    for block in (0, 1):
        base = block * flashfs.BLOCK_SIZE
        if data[base + 8:base + 16] == b"littlefs":
            # revision (4), tag (4), "littlefs", tag (4), then the superblock
            # struct: version, block_size, block_count, name_max, file_max, attr_max.
            version, block_size, block_count = struct.unpack_from("<III", data, base + 20)
            return block_size, block_count
    return None


def plan(board, build_dir=None, overrides=None, skip=()):
    """Reads and checks every image to write; returns [Region]. Raises
    ToolError naming every problem found (nothing has been written)."""
    build_dir = Path(build_dir) if build_dir else board.default_build_dir()
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    unknown = set(skip) - set(REGIONS)
    if unknown:
        raise ToolError(f"unknown region(s) to skip: {', '.join(sorted(unknown))}")
    table_offset = board.table_offset
    limits = {
        "bootloader": (board.bootloader_offset, table_offset - board.bootloader_offset),
        "partition-table": (table_offset, partitions.TABLE_SECTOR),
        "app": board.partition(esp32.APP_PARTITION),
        "fs": board.partition(esp32.FS_PARTITION),
        "xip": board.partition(esp32.XIP_PARTITION),
    }
    regions, problems = [], []
    for name in REGIONS:
        if name in skip:
            continue
        spec = limits[name]
        offset, limit = (spec.offset, spec.size) if isinstance(spec, partitions.Partition) else spec
        path = Path(overrides[name]) if name in overrides else find_image(build_dir, name)
        if path is None and name == "partition-table":
            data = partitions.to_binary(board.partitions)
            regions.append(Region(name, offset, limit, data, f"made from {board.dir / 'partitions.csv'}"))
            continue
        if path is None or not path.is_file():
            where = path if path is not None else build_dir / esp32.IMAGE_FILES[name][0]
            problems.append(f"{DESCRIPTION[name]}: {where} is missing ({HINT[name]})")
            continue
        data = path.read_bytes()
        what = f"{DESCRIPTION[name]} {path}"
        if not data:
            problems.append(f"{what} is empty")
            continue
        if len(data) > limit:
            problems.append(f"{what} is {len(data)} bytes, larger than its "
                            f"{limit}-byte region at 0x{offset:x}")
            continue
        if name in ("bootloader", "app"):
            problem = _check_esp_image(data, board, what)
            if problem:
                problems.append(problem)
                continue
        if name == "partition-table":
            try:
                table = partitions.from_binary(data, str(path))
            except ToolError as exc:
                problems.append(str(exc))
                continue
            if not partitions.same_layout(table, board.partitions):
                problems.append(f"{what} does not match {board.dir / 'partitions.csv'}: "
                                f"rebuild the firmware, or delete it to have it made from the CSV")
                continue
        if name == "xip":
            problem = _check_xip_image(data, board, what)
            if problem:
                problems.append(problem)
                continue
        if name == "fs":
            geometry = littlefs_geometry(data)
            if geometry is None:
                problems.append(f"{what} is not a littlefs image")
                continue
            block_size, block_count = geometry
            if block_size * block_count != limit:
                problems.append(f"{what} is a littlefs of {block_count} x {block_size} bytes, "
                                f"the vfs partition has {limit} bytes: MicroPython would not "
                                f"mount it (`scripts esp32-images` sizes it to the partition)")
                continue
        regions.append(Region(name, offset, limit, data, str(path)))
    if problems:
        raise ToolError("nothing was written:\n    " + "\n    ".join(problems))
    if not regions:
        raise ToolError("nothing to write (every region skipped)")
    return regions


def _chip_name(esp):
    return esp.CHIP_NAME.lower().replace("-", "")


def _check_port(port):
    if "://" in port:
        return
    if not Path(port).exists():
        raise ToolError(f"serial port {port} does not exist (is the board plugged in? "
                        f"`python -m serial.tools.list_ports` lists the ports)")


def connect(port, baud=DEFAULT_BAUD, attempts=3):
    """An esptool loader with the flasher stub running, or ToolError."""
    try:
        from esptool.cmds import detect_chip, run_stub
        from esptool.util import FatalError
        from serial import SerialException
    except ImportError as exc:
        raise ToolError("esptool is missing: run `make setup` and use cache/venv/bin/python") from exc
    _check_port(port)
    try:
        esp = detect_chip(port, baud, connect_attempts=attempts)
    except (FatalError, SerialException, OSError) as exc:
        raise ToolError(f"no ESP32 bootloader answers on {port}: {exc}\n"
                        f"    (hold BOOT, press RESET, release BOOT; check the port and cable)") from None
    try:
        return run_stub(esp)
    except (FatalError, SerialException, OSError) as exc:
        _close(esp)
        raise ToolError(f"could not start esptool's flasher stub on {port}: {exc}") from None


def _close(esp):
    try:
        esp._port.close()
    except Exception:
        pass


def write(port, board, regions, *, baud=DEFAULT_BAUD, erase=False, verify=True, reset=True):
    """Connects, checks chip and flash size, optionally erases the chip,
    writes every region (esptool prints progress), verifies them (MD5 of
    the flash against the data) and resets the board."""
    from esptool.cmds import (attach_flash, detect_flash_size, erase_flash, flash_size_bytes,
                              reset_chip, verify_flash, write_flash)
    from esptool.util import FatalError
    from serial import SerialException

    step(f"flashing {board.name} on {port}")
    esp = connect(port, baud)
    try:
        chip = _chip_name(esp)
        if chip != board.chip:
            raise ToolError(f"the device is an {esp.CHIP_NAME}, board {board.name} is for "
                            f"{board.chip}: nothing was written")
        attach_flash(esp)
        detected = detect_flash_size(esp)
        size = flash_size_bytes(detected) if detected else None
        needed = max(r.end for r in regions)
        if size is None:
            warn(f"could not detect the flash size; the board expects "
                 f"{board.flash_size // partitions.MB} MB")
        elif size < board.flash_size or size < needed:
            raise ToolError(f"the device has {detected} of flash, board {board.name} needs "
                            f"{board.flash_size // partitions.MB} MB: nothing was written")
        else:
            info(f"{esp.CHIP_NAME} with {detected} of flash")
        if erase:
            step("erasing the whole flash")
            erase_flash(esp)
        for r in regions:
            info(f"{r.name:<16} 0x{r.offset:06x}  {len(r.data):>8} bytes  {r.source}")
        write_flash(esp, [(r.offset, r.data) for r in regions], flash_size="keep")
        if verify:
            step("verifying")
            verify_flash(esp, [(r.offset, r.data) for r in regions])
        if reset:
            reset_chip(esp, "hard-reset")
    except (FatalError, SerialException, OSError) as exc:
        raise ToolError(f"flashing failed: {exc}") from None
    finally:
        _close(esp)
    step(f"{board.name}: {len(regions)} regions written and verified" if verify
         else f"{board.name}: {len(regions)} regions written")


def flash_board(port, board_name, *, build_dir=None, overrides=None, skip=(), erase=False,
                baud=DEFAULT_BAUD, verify=True, reset=True):
    board = esp32.load_board(board_name)
    regions = plan(board, build_dir, overrides, skip)
    write(port, board, regions, baud=baud, erase=erase, verify=verify, reset=reset)
    return regions
