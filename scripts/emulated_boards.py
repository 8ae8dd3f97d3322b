"""The emulated boards, one table: what `make emulated/emulate BOARD=...`,
`python -m scripts emulated|emulate --board ...` and the hardware-in-loop
suite know about each board. A board is a directory in boards/ built
through MicroPython's qemu port, plus how QEMU runs it."""

from dataclasses import dataclass

from . import paths
from .progress import ToolError

WASMAPPS_MAX = 1024 * 1024


@dataclass(frozen=True)
class EmulatedBoard:
    name: str               # its directory in boards/
    description: str
    build_subdir: str       # firmware.elf and flash.img go to build/<build_subdir>
    qemu: str               # the QEMU system emulator
    machine: tuple          # QEMU options that make the machine and its CPU
    aot_target: str         # `python -m scripts aot --target` for its apps
    wasmapps_views: tuple   # where QEMU loads the wasmapps image (one per view)
    xip_window: int         # where XIP code runs, under the model of the ESP32 instruction bus
    xip_fetch_redirects: bool  # the model redirects code fetches from the window elsewhere

    @property
    def board_dir(self):
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


DEFAULT = "QEMU_WAMR"

# The RISC-V board's CPU: the ESP32-C3's instruction set.
RV32_ISA = "rv32imc"

BOARDS = {board.name: board for board in (
    EmulatedBoard(
        name="QEMU_WAMR",
        description="Cortex-M4F (QEMU mps2-an386)",
        build_subdir="emulated",
        qemu="qemu-system-arm",
        machine=("-machine", "mps2-an386"),
        aot_target="thumbv7em",
        wasmapps_views=(0x00300000,),
        # An MPU region with no access; code runs from QEMU's mirror of it
        # (boards/QEMU_WAMR/board_xip_bus.c).
        xip_window=0x00300000,
        xip_fetch_redirects=True),
    EmulatedBoard(
        name="QEMU_WAMR_RV32",
        description=f"RISC-V {RV32_ISA}, the ESP32-C3's CPU (QEMU virt)",
        build_subdir="emulated-rv32",
        qemu="qemu-system-riscv32",
        machine=("-machine", "virt", "-bios", "none", "-m", "16M", "-cpu", _riscv_cpu(RV32_ISA)),
        aot_target="riscv32",
        # The data view, then the instruction view (boards/QEMU_WAMR_RV32/qemu_wamr_rv32.ld).
        wasmapps_views=(0x80300000, 0x80400000),
        # Execute-only by PMP: code runs there, loads trap
        # (boards/QEMU_WAMR_RV32/board_xip.c).
        xip_window=0x80400000,
        xip_fetch_redirects=False),
)}


def get(name=None):
    """The board called `name` (default: the Cortex-M board)."""
    try:
        return BOARDS[name or DEFAULT]
    except KeyError:
        raise ToolError(f"unknown emulated board {name!r}: choose one of {', '.join(BOARDS)}") from None
