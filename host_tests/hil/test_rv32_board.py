"""The emulated RISC-V board's own hardware: the ESP32-C3's instruction set,
and the wasmapps image's instruction view, which takes no stores. Run with
`--emulated-board QEMU_WAMR_RV32` (as `make test` does)."""

import ast

import pytest

from scripts import emulated_boards

pytestmark = pytest.mark.emulated_board("QEMU_WAMR_RV32")

DATA_VIEW, CODE_VIEW = emulated_boards.get("QEMU_WAMR_RV32").wasmapps_views


def test_cpu_has_exactly_the_esp32c3_instruction_set(board):
    # misa as the firmware reads it: no A (atomics), no F/D (floating point).
    # (host_tests/tools/test_emulate.py checks that this is the ISA the
    # riscv32 AOT target compiles for, the ESP32-C3 board's target.)
    assert board.run("import board; print(board.cpu())") == [emulated_boards.RV32_ISA]


def test_instruction_view_refuses_stores(board):
    # Flash is read-only: a store through the instruction view is reported
    # and does not happen; the data view holds the image unchanged.
    out = board.run(f"""
import board, machine
board.xip_bus()
before = machine.mem32[{DATA_VIEW} + 8]
machine.mem32[{CODE_VIEW} + 8] = 0x12345678
loads, redirects, faults = board.xip_bus()
print(machine.mem32[{DATA_VIEW} + 8] == before, machine.mem32[{CODE_VIEW} + 8] == before)
print([fault[1:] for fault in faults])
""")
    assert out[0] == "True True"
    assert ast.literal_eval(out[1]) == [
        (CODE_VIEW + 8, "not a load the instruction bus takes (byte/halfword load or store)")]
