"""Flash cost of WAMR and of the `wasm` module on an emulated board, from
the firmware's linker map: the sizes of the input sections that land in
flash (code, constants, initialised data), by the object they come from."""

import re
from pathlib import Path

from . import emulated_boards
from .progress import ToolError, info

# Output sections the firmware keeps in flash (the .data image included).
FLASH_SECTIONS = (".text", ".rodata", ".data", ".srodata", ".sdata", ".ARM.exidx")
# " .text.foo  0x00001234  0x40 /path/libwamr.a(wasm_runtime.o)", the name
# possibly on the line before.
_ENTRY = re.compile(r"^\s*(\.\S+)?\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$")
_OUTPUT = re.compile(r"^(\.\S+)\s")


def _owner(path):
    if "libwamr.a(" in path:
        return "wamr"
    if "/obj/wasm/" in path:
        return "module"
    return None


def parse_map(text):
    """{'wamr': bytes, 'module': bytes} of a GNU ld map."""
    totals = {"wamr": 0, "module": 0}
    output = None
    in_memory_map = False
    for line in text.splitlines():
        if line.startswith("Linker script and memory map"):
            in_memory_map = True
            continue
        if not in_memory_map:
            continue
        m = _OUTPUT.match(line)
        if m:
            output = m.group(1)
        if output is None or not output.startswith(FLASH_SECTIONS):
            continue
        m = _ENTRY.match(line)
        if not m or line.lstrip().startswith("*"):
            continue
        owner = _owner(m.group(4).strip())
        if owner and int(m.group(2), 16) != 0:
            totals[owner] += int(m.group(3), 16)
    return totals


def measure(boards, firmwares=None):
    """Per board: WAMR's and the module's flash bytes (the default build)."""
    result = {}
    for name in boards:
        board = emulated_boards.get(name)
        elf = Path((firmwares or {}).get(name) or board.build_dir / "firmware.elf")
        map_file = board.build_dir / "obj" / "firmware.map" if firmwares is None else elf.parent / "obj" / "firmware.map"
        if not map_file.exists():
            raise ToolError(f"{map_file} is missing: run `make emulated BOARD={name}`")
        sizes = parse_map(map_file.read_text(errors="replace"))
        interp = _interp_of(map_file.parent)
        result[name] = {**sizes, "total": sizes["wamr"] + sizes["module"], "interp": interp,
                        "map": str(map_file)}
        info(f"{name}: WAMR {sizes['wamr']:,} B + module {sizes['module']:,} B of flash")
    return result


def _interp_of(obj_dir):
    lib = obj_dir / "wamr" / "iwasm" / "interpreter"
    if (lib / "wasm_interp_fast.o").exists():
        return "fast"
    if (lib / "wasm_interp_classic.o").exists():
        return "classic"
    return "?"
