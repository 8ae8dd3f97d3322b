"""The `wasmapps` XIP partition image: AOT apps that run from flash.

Layout (all integers little-endian):

  header (16 bytes)
    0   magic b"WAPP"
    4   u16 format version (1)
    6   u16 number of entries
    8   u32 image size in bytes
    12  u32 CRC-32 of the entry table
  entry table: one 64-byte entry per app
    0   name, 32 bytes, UTF-8, NUL-padded (at least one NUL)
    32  target, 16 bytes, ASCII, NUL-padded ("thumbv7em", "x86_64", ...)
    48  u32 WAMR AOT format version of the blob
    52  u32 blob offset from the start of the image
    56  u32 blob size
    60  u32 CRC-32 of the blob
  blobs, each starting at a multiple of BLOB_ALIGN

Blobs are aligned to 4 KB so that their code is word-aligned for every
instruction bus and page-aligned for mmap; the partition itself is 64 KB
aligned in flash (ESP32 MMU pages).
"""

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from .progress import ToolError

MAGIC = b"WAPP"
FORMAT_VERSION = 1
HEADER = struct.Struct("<4sHHII")
ENTRY = struct.Struct("<32s16sIIII")
BLOB_ALIGN = 4096
NAME_MAX = 31


@dataclass
class App:
    name: str
    target: str
    aot_version: int
    offset: int
    size: int
    crc32: int


def aot_info(blob, what="AOT file"):
    """(target, aot_version, is_xip) from a WAMR AOT file's header."""
    from . import aot

    try:
        info = aot.read_target_info(blob)
    except ValueError as exc:
        raise ToolError(f"{what}: {exc}") from None
    return info["arch"], info["version"], info["xip"]


def aot_text_size(blob):
    """Size in bytes of the code (text section) of a WAMR AOT file."""
    from . import aot

    try:
        return next(size for kind, _, size in aot.sections(blob) if kind == 2)
    except (StopIteration, ValueError):
        raise ToolError("AOT file has no text section") from None


def _align(n):
    return (n + BLOB_ALIGN - 1) // BLOB_ALIGN * BLOB_ALIGN


def pack(apps):
    """apps: [(name, aot_bytes)] -> image bytes. Every blob must be XIP AOT."""
    if not apps:
        raise ToolError("xip-pack needs at least one app")
    names = set()
    entries = []
    offset = _align(HEADER.size + ENTRY.size * len(apps))
    blobs = []
    for name, blob in apps:
        encoded = name.encode()
        if not encoded or len(encoded) > NAME_MAX or b"\0" in encoded:
            raise ToolError(f"app name {name!r} must be 1 to {NAME_MAX} bytes")
        if name in names:
            raise ToolError(f"app name {name!r} appears twice")
        names.add(name)
        target, version, is_xip = aot_info(blob, name)
        if not is_xip:
            raise ToolError(f"{name}: not an XIP AOT file (compile it with `scripts aot --xip`)")
        entries.append(ENTRY.pack(encoded, target.encode(), version, offset, len(blob),
                                  zlib.crc32(blob)))
        blobs.append((offset, blob))
        offset = _align(offset + len(blob))
    table = b"".join(entries)
    image = bytearray(offset)
    image[:HEADER.size] = HEADER.pack(MAGIC, FORMAT_VERSION, len(apps), offset, zlib.crc32(table))
    image[HEADER.size:HEADER.size + len(table)] = table
    for at, blob in blobs:
        image[at:at + len(blob)] = blob
    return bytes(image)


def parse(image, verify_blobs=True):
    """Image bytes -> [App]; raises ToolError naming the problem."""
    if len(image) < HEADER.size:
        raise ToolError("image too short for a wasmapps header")
    magic, version, count, size, table_crc = HEADER.unpack_from(image, 0)
    if magic != MAGIC:
        raise ToolError("not a wasmapps image (bad magic)")
    if version != FORMAT_VERSION:
        raise ToolError(f"wasmapps format version {version} is not supported")
    table_end = HEADER.size + count * ENTRY.size
    if size > len(image) or table_end > size:
        raise ToolError("wasmapps image is truncated")
    if zlib.crc32(image[HEADER.size:table_end]) != table_crc:
        raise ToolError("wasmapps index checksum mismatch")
    apps = []
    for i in range(count):
        name, target, aot_version, offset, blob_size, crc = ENTRY.unpack_from(
            image, HEADER.size + i * ENTRY.size)
        app = App(name.split(b"\0", 1)[0].decode(), target.split(b"\0", 1)[0].decode(),
                  aot_version, offset, blob_size, crc)
        if offset % 4 or offset + blob_size > size:
            raise ToolError(f"{app.name}: blob misaligned or outside the image")
        if verify_blobs and zlib.crc32(image[offset:offset + blob_size]) != crc:
            raise ToolError(f"{app.name}: blob checksum mismatch")
        apps.append(app)
    return apps


def compile_xip(wasm, target, out_dir):
    """Compiles a .wasm to XIP AOT bytes for `target`."""
    from . import aot

    out = Path(out_dir) / (Path(wasm).stem + ".aot")
    return aot.compile_wasm(wasm, target, xip=True, output=out, quiet=True).read_bytes()


def pack_files(files, output, target=None):
    """Packs .aot (XIP) files, and .wasm files compiled for `target`."""
    import tempfile

    apps = []
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            f = Path(f)
            if f.suffix == ".wasm":
                if target is None:
                    raise ToolError(f"{f}: .wasm inputs need --target")
                apps.append((f.stem, compile_xip(f, target, tmp)))
            else:
                apps.append((f.stem, f.read_bytes()))
    image = pack(apps)
    Path(output).write_bytes(image)
    return image
