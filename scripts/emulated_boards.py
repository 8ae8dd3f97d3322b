"""The emulated boards: one record each, read by the build and the emulator.
Adding a board is adding a record here and its directory under boards/."""

from dataclasses import dataclass
from typing import Optional, Tuple

from . import paths
from .progress import ToolError


@dataclass(frozen=True)
class EmulatedBoard:
    name: str
    build_subdir: str          # under build/
    qemu: str                  # emulator binary
    machine: str
    # A host-side LCD panel (semihosting file, see scripts/panel.py):
    # (width, height) of the panel, or None.
    panel: Optional[Tuple[int, int]] = None

    @property
    def dir(self):
        return paths.ROOT / "boards" / self.name

    @property
    def build_dir(self):
        return paths.BUILD / self.build_subdir


BOARDS = {
    "QEMU_WAMR": EmulatedBoard("QEMU_WAMR", "emulated", "qemu-system-arm", "mps2-an386"),
    "QEMU_WAMR_LCD": EmulatedBoard("QEMU_WAMR_LCD", "emulated-lcd", "qemu-system-arm", "mps2-an386",
                                   panel=(240, 320)),
}
DEFAULT = "QEMU_WAMR"


def get(name=None):
    name = name or DEFAULT
    try:
        return BOARDS[name]
    except KeyError:
        raise ToolError(f"unknown emulated board {name!r} (boards: {', '.join(BOARDS)})") from None
