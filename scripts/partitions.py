"""ESP-IDF partition tables: the CSV the build uses, and its binary form.

A small, self-contained reader and writer (no ESP-IDF needed) so that the
host tools can check a board's table, find the offset of each region to
flash, and compare a built `partition-table.bin` with the CSV it came from.
The formats follow ESP-IDF's partition table documentation (v5.x):

CSV: `Name, Type, SubType, Offset, Size, Flags`; `#` starts a comment;
numbers are decimal or 0x hex with an optional K/M suffix; an empty offset
means "right after the previous partition", aligned as ESP-IDF aligns it.

Binary: one 32-byte entry per partition (magic 0xAA50, type, subtype,
offset, size, 16-byte label, flags), then an MD5 entry (0xEBEB, 14 x 0xFF,
the MD5 of the entries), padded with 0xFF to 0xC00 bytes.
"""

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

from .progress import ToolError

KB = 1024
MB = 1024 * 1024

TABLE_OFFSET = 0x8000          # CONFIG_PARTITION_TABLE_OFFSET default
TABLE_SECTOR = 0x1000          # the table owns this whole flash sector
TABLE_MAX_LEN = 0xC00          # entries + MD5 entry, padded with 0xFF
ENTRY = struct.Struct("<2sBBLL16sL")
ENTRY_MAGIC = b"\xaa\x50"
MD5_MAGIC = b"\xeb\xeb"

APP_ALIGN = 0x10000            # app partitions must start on a 64 KB boundary
DATA_ALIGN = 0x1000            # everything else on a flash sector
XIP_ALIGN = 0x10000            # the XIP partition is mapped by the 64 KB MMU pages

TYPES = {"app": 0x00, "data": 0x01}
SUBTYPES = {
    "app": {"factory": 0x00, "test": 0x20, **{f"ota_{i}": 0x10 + i for i in range(16)}},
    "data": {
        "ota": 0x00, "phy": 0x01, "nvs": 0x02, "coredump": 0x03, "nvs_keys": 0x04,
        "efuse": 0x05, "undefined": 0x06, "esphttpd": 0x80, "fat": 0x81, "spiffs": 0x82,
        "littlefs": 0x83,
    },
}
FLAGS = {"encrypted": 0x01, "readonly": 0x02}


@dataclass(frozen=True)
class Partition:
    name: str
    type: int
    subtype: int
    offset: int
    size: int
    flags: int = 0
    line: int = 0

    @property
    def end(self):
        return self.offset + self.size

    @property
    def type_name(self):
        return next((k for k, v in TYPES.items() if v == self.type), f"0x{self.type:02x}")

    @property
    def subtype_name(self):
        names = SUBTYPES.get(self.type_name, {})
        return next((k for k, v in names.items() if v == self.subtype), f"0x{self.subtype:02x}")

    @property
    def is_app(self):
        return self.type == TYPES["app"]


def parse_int(text, what="number"):
    """`0x1F0000`, `65536`, `64K`, `2M` -> int."""
    t = text.strip().upper()
    scale = 1
    if t.endswith("K"):
        scale, t = KB, t[:-1]
    elif t.endswith("M"):
        scale, t = MB, t[:-1]
    try:
        value = int(t, 0)
    except ValueError:
        raise ValueError(f"{what} {text.strip()!r} is not a number") from None
    return value * scale


def _parse_kind(text, table, what):
    text = text.strip()
    if text.lower() in table:
        return table[text.lower()]
    try:
        value = int(text, 0)
    except ValueError:
        raise ValueError(f"unknown {what} {text!r} (known: {', '.join(table)})") from None
    if not 0 <= value <= 0xFE:
        raise ValueError(f"{what} {text!r} is out of range 0..0xFE")
    return value


def parse_csv(text, source="<csv>", table_offset=TABLE_OFFSET):
    """Parses a partition CSV into Partitions (empty offsets resolved).
    Raises ToolError naming the file and line on any syntax problem."""
    parts = []
    next_free = table_offset + TABLE_SECTOR
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        cols = [c.strip() for c in line.split(",")]
        while len(cols) < 6:
            cols.append("")
        if len(cols) > 6 and any(cols[6:]):
            raise ToolError(f"{source}:{lineno}: too many columns: {raw.strip()!r}")
        name, type_s, subtype_s, offset_s, size_s, flags_s = cols[:6]
        try:
            if not name:
                raise ValueError("missing name")
            if len(name.encode()) > 15:
                raise ValueError(f"name {name!r} is longer than 15 bytes")
            ptype = _parse_kind(type_s, TYPES, "type")
            subtypes = SUBTYPES.get(type_s.strip().lower(), {})
            subtype = _parse_kind(subtype_s, subtypes, "subtype") if subtype_s else 0
            align = APP_ALIGN if ptype == TYPES["app"] else DATA_ALIGN
            if offset_s:
                offset = parse_int(offset_s, "offset")
            else:
                offset = (next_free + align - 1) // align * align
            if not size_s:
                raise ValueError("missing size")
            size = parse_int(size_s, "size")
            if size <= 0:
                raise ValueError(f"size {size_s!r} must be positive")
            flags = 0
            for flag in filter(None, (f.strip() for f in flags_s.split(":"))):
                if flag not in FLAGS:
                    raise ValueError(f"unknown flag {flag!r} (known: {', '.join(FLAGS)})")
                flags |= FLAGS[flag]
        except ValueError as exc:
            raise ToolError(f"{source}:{lineno}: {exc}") from None
        parts.append(Partition(name, ptype, subtype, offset, size, flags, lineno))
        next_free = offset + size
    if not parts:
        raise ToolError(f"{source}: no partitions")
    return parts


def load_csv(path, table_offset=TABLE_OFFSET):
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ToolError(f"cannot read partition table {path}: {exc.strerror}") from None
    return parse_csv(text, str(path), table_offset)


def check(parts, flash_size=None, table_offset=TABLE_OFFSET, xip_names=("wasmapps",)):
    """Returns a list of problems (empty when the table is sound): overlaps,
    alignment, duplicate names, the table's own sector, the flash size."""
    problems = []
    names = set()
    for p in parts:
        where = f"{p.name} (0x{p.offset:x}..0x{p.end:x})"
        if p.name in names:
            problems.append(f"duplicate partition name {p.name!r}")
        names.add(p.name)
        if p.is_app and p.offset % APP_ALIGN:
            problems.append(f"app partition {where} is not 64 KB aligned")
        if p.name in xip_names and p.offset % XIP_ALIGN:
            problems.append(f"XIP partition {where} is not 64 KB aligned")
        if p.name in xip_names and p.size % XIP_ALIGN:
            problems.append(f"XIP partition {where} size is not a multiple of 64 KB")
        if p.offset % DATA_ALIGN or p.size % DATA_ALIGN:
            problems.append(f"{where} is not aligned to the 4 KB flash sector")
        if p.offset < table_offset + TABLE_SECTOR:
            problems.append(f"{where} starts below 0x{table_offset + TABLE_SECTOR:x}, where the "
                            f"bootloader and the partition table live")
        if flash_size is not None and p.end > flash_size:
            problems.append(f"{where} does not fit in {flash_size // MB} MB of flash")
    ordered = sorted(parts, key=lambda p: p.offset)
    for a, b in zip(ordered, ordered[1:]):
        if b.offset < a.end:
            problems.append(f"{a.name} (0x{a.offset:x}..0x{a.end:x}) overlaps "
                            f"{b.name} (0x{b.offset:x}..0x{b.end:x})")
    if len(parts) * ENTRY.size + ENTRY.size > TABLE_MAX_LEN:
        problems.append(f"too many partitions ({len(parts)}) for one table")
    return problems


def to_binary(parts):
    """The table as ESP-IDF's gen_esp32part.py writes it (with MD5 entry)."""
    body = b"".join(
        ENTRY.pack(ENTRY_MAGIC, p.type, p.subtype, p.offset, p.size,
                   p.name.encode().ljust(16, b"\0"), p.flags)
        for p in parts)
    body += MD5_MAGIC + b"\xff" * 14 + hashlib.md5(body).digest()
    if len(body) > TABLE_MAX_LEN:
        raise ToolError(f"partition table is {len(body)} bytes, more than 0x{TABLE_MAX_LEN:x}")
    return body + b"\xff" * (TABLE_MAX_LEN - len(body))


def from_binary(data, source="<binary>"):
    """Parses a binary table; checks the entry magic and the MD5 entry."""
    parts = []
    entries = b""
    for pos in range(0, min(len(data), TABLE_MAX_LEN), ENTRY.size):
        chunk = data[pos:pos + ENTRY.size]
        if len(chunk) < ENTRY.size or chunk == b"\xff" * ENTRY.size:
            break
        if chunk[:2] == MD5_MAGIC:
            if chunk[16:] != hashlib.md5(entries).digest():
                raise ToolError(f"{source}: MD5 of the partition table does not match")
            break
        magic, ptype, subtype, offset, size, label, flags = ENTRY.unpack(chunk)
        if magic != ENTRY_MAGIC:
            raise ToolError(f"{source}: not an ESP-IDF partition table "
                            f"(bad entry magic at offset 0x{pos:x})")
        name = label.rstrip(b"\0").decode(errors="replace")
        parts.append(Partition(name, ptype, subtype, offset, size, flags))
        entries += chunk
    if not parts:
        raise ToolError(f"{source}: no partition entries")
    return parts


def same_layout(a, b):
    """Whether two tables describe the same partitions (ignores CSV line numbers)."""
    def key(p):
        return (p.name, p.type, p.subtype, p.offset, p.size, p.flags)
    return [key(p) for p in a] == [key(p) for p in b]


def find(parts, name):
    for p in parts:
        if p.name == name:
            return p
    return None


def describe(parts):
    """Human-readable layout lines."""
    lines = []
    for p in sorted(parts, key=lambda p: p.offset):
        size = f"{p.size // KB} KB" if p.size < MB or p.size % MB else f"{p.size // MB} MB"
        lines.append(f"{p.name:<10} {p.type_name:<5} {p.subtype_name:<9} "
                     f"0x{p.offset:06x}..0x{p.end:06x}  {size:>8}")
    return lines
