"""The emulated boards, one record each: what `make emulated/emulate
BOARD=...`, `python3 -m scripts emulated|emulate --board ...`, the emulator
and the hardware-in-loop suite know about a board. Adding a board is adding
a record here and its directory under boards/ (built through MicroPython's
qemu port)."""

from dataclasses import dataclass
from typing import Optional, Tuple

from . import paths
from .progress import ToolError

WASMAPPS_MAX = 1024 * 1024


@dataclass(frozen=True)
class EmulatedBoard:
    name: str                   # its directory in boards/
    build_subdir: str           # firmware.elf and flash.img go to build/<build_subdir>
    qemu: str                   # the QEMU system emulator
    machine: tuple              # QEMU options that make the machine and its CPU
    description: str = ""
    aot_target: str = "thumbv7em"   # `python3 -m scripts aot --target` for its apps
    # Where QEMU loads the wasmapps image (one address per view of it).
    wasmapps_views: tuple = (0x00300000,)
    # Where XIP code runs, under the board's model of the ESP32 instruction
    # bus, and whether that model redirects code fetches from it elsewhere.
    xip_window: int = 0x00300000
    xip_fetch_redirects: bool = True
    # A host-side LCD panel (semihosting file, see scripts/panel.py):
    # (width, height) of the panel, or None.
    panel: Optional[Tuple[int, int]] = None

    @property
    def dir(self):
        return paths.ROOT / "boards" / self.name

    @property
    def build_dir(self):
        return paths.BUILD / self.build_subdir


def _riscv_cpu(isa):
    """QEMU's -cpu for exactly `isa` ("rv32imc"): every standard extension
    QEMU 7.2 would add by default is switched off unless `isa` names it. S
    stays on (the port's start-up code writes satp; the firmware runs in
    machine mode only), and so do Zicsr, Zifencei and PMP, as on the C3."""
    letters = isa[len("rv32"):]
    flags = [f"{ext}={'on' if ext in letters else 'off'}" for ext in "mafdcvh"]
    extra = ["g=off", "i=on", "s=on", "u=on", "Zicsr=on", "Zifencei=on", "pmp=on",
             "zba=off", "zbb=off", "zbc=off", "zbs=off"]
    return ",".join(["rv32"] + extra + flags)


# The RISC-V board's CPU: the ESP32-C3's instruction set.
RV32_ISA = "rv32imc"

_MPS2 = ("-machine", "mps2-an386")

BOARDS = {board.name: board for board in (
    EmulatedBoard(
        "QEMU_WAMR", "emulated", "qemu-system-arm", _MPS2,
        description="Cortex-M4F (QEMU mps2-an386)",
        # The XIP window is an MPU region with no access; code runs from
        # QEMU's mirror of it (boards/QEMU_WAMR/board_xip_bus.c).
        xip_window=0x00300000, xip_fetch_redirects=True),
    EmulatedBoard(
        "QEMU_WAMR_LCD", "emulated-lcd", "qemu-system-arm", _MPS2,
        description="Cortex-M4F with a 240x320 LCD and PSRAM like an ESP32-S3 (QEMU mps2-an386)",
        panel=(240, 320)),
    EmulatedBoard(
        "QEMU_WAMR_RV32", "emulated-rv32", "qemu-system-riscv32",
        ("-machine", "virt", "-bios", "none", "-m", "16M", "-cpu", _riscv_cpu(RV32_ISA)),
        description=f"RISC-V {RV32_ISA}, the ESP32-C3's CPU (QEMU virt)",
        aot_target="riscv32",
        # The data view, then the instruction view (boards/QEMU_WAMR_RV32/qemu_wamr_rv32.ld),
        # which PMP makes execute-only: code runs there, loads trap
        # (boards/QEMU_WAMR_RV32/board_xip.c).
        wasmapps_views=(0x80300000, 0x80400000),
        xip_window=0x80400000, xip_fetch_redirects=False),
)}
DEFAULT = "QEMU_WAMR"


def get(name=None):
    """The board called `name` (default: the Cortex-M board)."""
    name = name or DEFAULT
    try:
        return BOARDS[name]
    except KeyError:
        raise ToolError(f"unknown emulated board {name!r} (boards: {', '.join(BOARDS)})") from None
