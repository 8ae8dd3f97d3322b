"""The emulated LCD panel: a host file that the board writes through ARM
semihosting (boards/QEMU_WAMR_LCD/board_lcd.c), so it always holds the
current frame. Layout (little endian):

    0  b"MPYPANEL"   8 width u16   10 height u16   12 format u16 (1: RGB565)
    14 backlight u8 (0..100)       15 powered u8
    16 sequence u32: odd while the board writes a frame, even when complete
    32 width * height RGB565 pixels, row by row
"""

import struct
import time
from dataclasses import dataclass
from pathlib import Path

from .progress import ToolError

MAGIC = b"MPYPANEL"
HEADER = 32
FORMAT_RGB565 = 1
_HEAD = struct.Struct("<8sHHHBBI")


@dataclass
class Frame:
    width: int
    height: int
    backlight: int
    powered: bool
    sequence: int
    pixels: bytes          # RGB565, little endian

    def rgb(self):
        """The pixels as 8-bit RGB bytes (bit replication, as the firmware's
        own display.screenshot() writes them)."""
        lut5 = [(v << 3) | (v >> 2) for v in range(32)]
        lut6 = [(v << 2) | (v >> 4) for v in range(64)]
        out = bytearray(3 * self.width * self.height)
        for i, (c,) in enumerate(struct.iter_unpack("<H", self.pixels)):
            out[3 * i] = lut5[c >> 11]
            out[3 * i + 1] = lut6[(c >> 5) & 0x3F]
            out[3 * i + 2] = lut5[c & 0x1F]
        return bytes(out)

    def image(self):
        from PIL import Image

        return Image.frombytes("RGB", (self.width, self.height), self.rgb())


def create(path, width, height):
    """A blank, unpowered panel (what the emulator starts with)."""
    head = _HEAD.pack(MAGIC, width, height, FORMAT_RGB565, 0, 0, 0)
    Path(path).write_bytes(head.ljust(HEADER, b"\0") + bytes(2 * width * height))
    return Path(path)


def _parse_header(data, path):
    if len(data) < HEADER:
        raise ToolError(f"{path}: not a panel file (too short)")
    magic, width, height, fmt, backlight, powered, seq = _HEAD.unpack_from(data)
    if magic != MAGIC or fmt != FORMAT_RGB565:
        raise ToolError(f"{path}: not a panel file of the emulated LCD board")
    return width, height, backlight, bool(powered), seq


def read(path, timeout=10.0):
    """The panel's last complete frame. The board may be writing while we
    read: the sequence number must be even and unchanged around the read."""
    path = Path(path)
    if not path.exists():
        raise ToolError(f"no panel file at {path}: is the emulated LCD board running "
                        "(make emulate BOARD=QEMU_WAMR_LCD)?")
    deadline = time.monotonic() + timeout
    while True:
        data = path.read_bytes()
        width, height, backlight, powered, seq = _parse_header(data, path)
        size = 2 * width * height
        if len(data) < HEADER + size:
            raise ToolError(f"{path}: truncated panel file ({len(data)} bytes)")
        with open(path, "rb") as f:
            again = _parse_header(f.read(HEADER), path)[4]
        if seq % 2 == 0 and again == seq:
            return Frame(width, height, backlight, powered, seq, data[HEADER:HEADER + size])
        if time.monotonic() > deadline:
            raise ToolError(f"{path}: the board kept writing frames for {timeout:.0f} s")
        time.sleep(0.02)


def screenshot(path, out):
    """Saves what the panel shows as a PNG; returns the frame."""
    frame = read(path)
    if not frame.powered:
        raise ToolError(f"{path}: the panel is off: run display.init() on the board first")
    frame.image().save(out, format="PNG")
    return frame
