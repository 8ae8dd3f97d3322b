"""The ESP32 boards (boards/ESP32*_WAMR*): what the host tools need to know
about each, read from the board files themselves, and the checks that run in
`make test` and `python -m scripts esp32-check`.

A board's facts come from its mpconfigboard.cmake (IDF_TARGET, the sdkconfig
fragments, the WAMR pool options), the fragments it lists (flash size,
partition table options) and its partitions.csv. The cmake files are kept
simple enough to read this way; host_tests/tools/test_esp32_cmake.py runs them
through the port's real CMakeLists.txt when cmake is installed.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import partitions, paths
from .progress import ToolError

BOARDS_DIR = paths.ROOT / "boards"
COMMON_DIR = BOARDS_DIR / "esp32_common"
BOARDS = ("ESP32_WAMR", "ESP32S3_WAMR_LCD", "ESP32C3_WAMR")
ESP32_PORT = paths.MICROPYTHON / "ports" / "esp32"

# Where each chip's ROM loads the second-stage bootloader from.
BOOTLOADER_OFFSET = {"esp32": 0x1000, "esp32s2": 0x1000, "esp32s3": 0x0, "esp32c3": 0x0,
                     "esp32c6": 0x0}
# Chip id in the extended header of ESP-IDF app and bootloader images.
IMAGE_CHIP_ID = {"esp32": 0, "esp32s2": 2, "esp32c3": 5, "esp32s3": 9, "esp32c6": 13}
# `scripts aot` / `xip-pack` target of each chip.
AOT_TARGET = {"esp32": "xtensa", "esp32s2": "xtensa", "esp32s3": "xtensa-esp32s3",
              "esp32c3": "riscv32", "esp32c6": "riscv32"}

# The partitions the WAMR boards must have, by label.
APP_PARTITION = "factory"
FS_PARTITION = "vfs"
XIP_PARTITION = "wasmapps"
REQUIRED_PARTITIONS = ("nvs", "phy_init", APP_PARTITION, XIP_PARTITION, FS_PARTITION)

# Build outputs: the Docker build exports these names (flat); an ESP-IDF build
# directory (ports/esp32/build-BOARD) has the first three in subdirectories.
IMAGE_FILES = {
    "bootloader": ("bootloader.bin", "bootloader/bootloader.bin"),
    "partition-table": ("partition-table.bin", "partition_table/partition-table.bin"),
    "app": ("micropython.bin",),
    "fs": ("vfs.img",),
    "xip": ("wasmapps.bin",),
}


@dataclass
class Board:
    name: str
    dir: Path
    chip: str
    sdkconfig_fragments: list      # resolved paths, in the order the port applies them
    sdkconfig: dict                # merged settings (later fragments win)
    partitions: list
    pool_size: int
    pool_in_psram: bool
    pool_at_boot: bool
    variables: dict = field(default_factory=dict)

    @property
    def flash_size(self):
        for key, value in self.sdkconfig.items():
            m = re.fullmatch(r"CONFIG_ESPTOOLPY_FLASHSIZE_(\d+)MB", key)
            if m and value == "y":
                return int(m.group(1)) * partitions.MB
        return None

    @property
    def table_offset(self):
        return partitions.parse_int(self.sdkconfig.get("CONFIG_PARTITION_TABLE_OFFSET", "0x8000"))

    @property
    def bootloader_offset(self):
        return BOOTLOADER_OFFSET[self.chip]

    @property
    def aot_target(self):
        return AOT_TARGET[self.chip]

    def partition(self, label):
        part = partitions.find(self.partitions, label)
        if part is None:
            raise ToolError(f"board {self.name}: no `{label}` partition in {self.dir / 'partitions.csv'}")
        return part

    def default_build_dir(self):
        return paths.BUILD / "esp32" / self.name


# --- reading the board files -----------------------------------------------------

_SET_RE = re.compile(r"^\s*set\(\s*(\w+)\s+(.*?)\s*\)", re.S | re.M)


def _cmake_strip_comments(text):
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def cmake_sets(text):
    """{VAR: [values]} of the plain set() calls in a cmake file (first wins;
    conditional defaults such as `if(NOT DEFINED X) set(X 1)` count too)."""
    found = {}
    for m in _SET_RE.finditer(_cmake_strip_comments(text)):
        found.setdefault(m.group(1), m.group(2).split())
    return found


def cmake_includes(text):
    return re.findall(r"^\s*include\(\s*(\S+?)\s*\)", _cmake_strip_comments(text), re.M)


def expand(value, board_dir):
    """Resolves a path as ports/esp32/CMakeLists.txt does: ${MICROPY_BOARD_DIR}
    is the board; anything relative is relative to ports/esp32."""
    value = value.strip('"').replace("${MICROPY_BOARD_DIR}", str(board_dir))
    if "${" in value:
        raise ToolError(f"cannot resolve {value!r} (only ${{MICROPY_BOARD_DIR}} is known)")
    path = Path(value)
    return path if path.is_absolute() else ESP32_PORT / path


def parse_sdkconfig(text):
    """{CONFIG_X: value} of one fragment; `CONFIG_X=` (empty) unsets."""
    settings = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if sep and key.startswith("CONFIG_"):
            settings[key.strip()] = value.strip()
    return settings


def partition_fragment(board_dir):
    """The fragment esp32_common/wamr_board.cmake generates into the build
    directory: the partition table with its absolute path."""
    return {"CONFIG_PARTITION_TABLE_CUSTOM": "y",
            "CONFIG_PARTITION_TABLE_CUSTOM_FILENAME": f'"{Path(board_dir).resolve() / "partitions.csv"}"'}


def board_names():
    return [p.name for p in sorted(BOARDS_DIR.iterdir())
            if (p / "mpconfigboard.cmake").exists() and (p / "partitions.csv").exists()
            and (p / "sdkconfig.board").exists()]


def load_board(name_or_dir, need_port=False):
    """Reads a board. Fragments that belong to the MicroPython port are only
    read when the port sources are present (or `need_port` demands them)."""
    board_dir = Path(name_or_dir)
    if not board_dir.is_dir():
        board_dir = BOARDS_DIR / str(name_or_dir)
    cmake_file = board_dir / "mpconfigboard.cmake"
    if not cmake_file.exists():
        known = ", ".join(board_names()) or "none"
        raise ToolError(f"unknown board {name_or_dir!r} (no {cmake_file}); boards: {known}")
    text = cmake_file.read_text()
    sets = cmake_sets(text)
    chip = (sets.get("IDF_TARGET") or ["esp32"])[0]
    if chip not in BOOTLOADER_OFFSET:
        raise ToolError(f"board {board_dir.name}: unsupported IDF_TARGET {chip}")

    fragments = [expand(v, board_dir) for v in sets.get("SDKCONFIG_DEFAULTS", [])]
    merged = {}
    for frag in fragments:
        if not frag.exists():
            if frag.is_relative_to(ESP32_PORT) and not need_port:
                continue
            raise ToolError(f"board {board_dir.name}: sdkconfig fragment {frag} is missing")
        merged.update(parse_sdkconfig(frag.read_text()))
    merged.update(partition_fragment(board_dir))

    table = partitions.load_csv(board_dir / "partitions.csv")
    pool = int((sets.get("MICROPY_WASM_POOL_SIZE") or ["131072"])[0], 0)
    psram, at_boot = ((sets.get(var) or ["OFF"])[0].upper() in ("ON", "1", "TRUE", "YES")
                      for var in ("MICROPY_WASM_POOL_IN_PSRAM", "MICROPY_WASM_POOL_AT_BOOT"))
    return Board(board_dir.name, board_dir, chip, fragments, merged, table, pool, psram, at_boot, sets)


# --- checks --------------------------------------------------------------------------

def referenced_files(board):
    """Every file the board's cmake references, with whether it belongs to
    the MicroPython port (those exist only where the port sources are)."""
    text = (board.dir / "mpconfigboard.cmake").read_text()
    refs = []
    for frag in board.sdkconfig_fragments:
        refs.append((frag, frag.is_relative_to(ESP32_PORT)))
    for inc in cmake_includes(text):
        path = expand(inc, board.dir)
        refs.append((path, path.is_relative_to(ESP32_PORT)))
    for extra in ("partitions.csv", "manifest.py", "mpconfigboard.h"):
        refs.append((board.dir / extra, False))
    for variant in board.dir.glob("mpconfigvariant_*.cmake"):
        for value in re.findall(r"boards/\S+|\$\{MICROPY_BOARD_DIR\}/\S+",
                                _cmake_strip_comments(variant.read_text())):
            path = expand(value.rstrip(")"), board.dir)
            refs.append((path, path.is_relative_to(ESP32_PORT)))
    return refs


def check_board(board, port_available=None):
    """Returns a list of problems with one board (empty when it is sound)."""
    if port_available is None:
        port_available = (ESP32_PORT / "CMakeLists.txt").exists()
    problems = []
    for path, in_port in referenced_files(board):
        if in_port and not port_available:
            continue
        if not path.exists():
            problems.append(f"referenced file {path} does not exist")

    manifest = (board.dir / "manifest.py").read_text() if (board.dir / "manifest.py").exists() else ""
    if '$(PORT_DIR)/boards/manifest.py' not in manifest:
        problems.append("manifest.py does not include $(PORT_DIR)/boards/manifest.py "
                        "(the port's boot code that mounts the vfs partition)")

    cfg = board.sdkconfig
    if cfg.get("CONFIG_PARTITION_TABLE_CUSTOM") != "y":
        problems.append("CONFIG_PARTITION_TABLE_CUSTOM is not y")
    filename = cfg.get("CONFIG_PARTITION_TABLE_CUSTOM_FILENAME", "").strip('"')
    if not Path(filename).is_absolute():
        problems.append(f"CONFIG_PARTITION_TABLE_CUSTOM_FILENAME {filename!r} is not absolute")
    elif Path(filename) != (board.dir / "partitions.csv").resolve():
        problems.append(f"CONFIG_PARTITION_TABLE_CUSTOM_FILENAME points at {filename}")
    sizes = [k for k, v in cfg.items() if re.fullmatch(r"CONFIG_ESPTOOLPY_FLASHSIZE_\d+MB", k) and v == "y"]
    if len(sizes) != 1:
        problems.append(f"the fragments select {len(sizes)} flash sizes ({', '.join(sizes) or 'none'})")
    board_only = {}
    for frag in board.sdkconfig_fragments:
        if not frag.is_relative_to(ESP32_PORT) and frag.exists():
            board_only.update(parse_sdkconfig(frag.read_text()))
    if not any(re.fullmatch(r"CONFIG_ESPTOOLPY_FLASHSIZE_\d+MB", k) and v == "y"
               for k, v in board_only.items()):
        problems.append("no board fragment sets CONFIG_ESPTOOLPY_FLASHSIZE_<N>MB=y")

    flash = board.flash_size
    problems += partitions.check(board.partitions, flash, board.table_offset)
    for label in REQUIRED_PARTITIONS:
        if partitions.find(board.partitions, label) is None:
            problems.append(f"no `{label}` partition")
    app = partitions.find(board.partitions, APP_PARTITION)
    if app is not None and not app.is_app:
        problems.append("`factory` is not an app partition")
    if app is not None and app.size < 0x200000:
        problems.append(f"factory app partition ({app.size // 1024} KB) is too small for "
                        f"MicroPython + WAMR (2 MB at least)")
    fs = partitions.find(board.partitions, FS_PARTITION)
    if fs is not None and fs.type != partitions.TYPES["data"]:
        problems.append("`vfs` is not a data partition")
    xip = partitions.find(board.partitions, XIP_PARTITION)
    if xip is not None and xip.type != partitions.TYPES["data"]:
        problems.append("`wasmapps` is not a data partition (the XIP mapper looks for a data one)")
    if board.pool_size <= 0 or board.pool_size % 8:
        problems.append(f"MICROPY_WASM_POOL_SIZE {board.pool_size} is not a positive multiple of 8")
    if board.pool_in_psram:
        if cfg.get("CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY") != "y":
            problems.append("the WAMR pool is in PSRAM but CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY is not y")
        if port_available and cfg.get("CONFIG_SPIRAM") != "y":
            problems.append("the WAMR pool is in PSRAM but CONFIG_SPIRAM is not y")
    if board.pool_at_boot:
        if board.pool_in_psram:
            problems.append("MICROPY_WASM_POOL_IN_PSRAM and MICROPY_WASM_POOL_AT_BOOT exclude each other")
        header = board.dir / "mpconfigboard.h"
        if not re.search(r"^#define MICROPY_BOARD_STARTUP\s+mp_wasm_esp32_board_startup\s*$",
                         header.read_text() if header.exists() else "", re.M):
            problems.append("MICROPY_WASM_POOL_AT_BOOT needs `#define MICROPY_BOARD_STARTUP "
                            "mp_wasm_esp32_board_startup` in mpconfigboard.h (nothing would reserve the pool)")
    return problems


def pool_place(board):
    if board.pool_in_psram:
        return "PSRAM"
    return "internal RAM (heap, reserved at boot)" if board.pool_at_boot else "internal RAM"


def describe(board):
    lines = [f"{board.name}: {board.chip}, {board.flash_size // partitions.MB} MB flash, "
             f"WAMR pool {board.pool_size // 1024} KB in "
             f"{pool_place(board)}, AOT target {board.aot_target}",
             f"    bootloader 0x{board.bootloader_offset:x}, partition table 0x{board.table_offset:x}"]
    lines += ["    " + line for line in partitions.describe(board.partitions)]
    return lines
