"""The emulated RISC-V board's own hardware: the ESP32-C3's instruction set,
and the wasmapps image's instruction view, which takes only word reads.
Run with `--emulated-board QEMU_WAMR_RV32` (as `make test` does)."""

import pytest

from scripts import emulated_boards

pytestmark = pytest.mark.emulated_board("QEMU_WAMR_RV32")

DATA_VIEW, CODE_VIEW = emulated_boards.get("QEMU_WAMR_RV32").wasmapps_views


def test_cpu_has_exactly_the_esp32c3_instruction_set(board):
    # misa as the firmware reads it: no A (atomics), no F/D (floating point).
    # (host_tests/tools/test_emulate.py checks that this is the ISA the
    # riscv32 AOT target compiles for, the ESP32-C3 board's target.)
    assert board.run("import board; print(board.cpu())") == [emulated_boards.RV32_ISA]


def test_instruction_view_reads_words_and_faults_on_bytes(board, repl):
    # Aligned words read the same through both views of the image ...
    out = board.run(f"""
import machine
print([machine.mem32[{CODE_VIEW} + 4 * i] == machine.mem32[{DATA_VIEW} + 4 * i] for i in range(8)])
print(hex(machine.mem32[{CODE_VIEW}]), machine.mem8[{DATA_VIEW} + 1])
""")
    assert out == ["[True, True, True, True, True, True, True, True]", f"0x50504157 {ord('A')}"]
    # ... but a byte read through the instruction view stops the board, as a
    # fault on the chip's instruction bus would, and it resets.
    repl.write(f"import machine; machine.mem8[{CODE_VIEW + 1}]\r".encode())
    repl.expect_exact("board: fatal load access fault (mcause 5)", timeout=10)
    repl.expect_exact(f"address {CODE_VIEW + 1:#010x}; resetting", timeout=10)
    repl.expect_exact("MicroPython v1.25.0", timeout=20)
    repl.expect_exact(">>> ", timeout=10)
    assert board.run("import wasm; print([a[0] for a in wasm.apps()])") == [
        "['kernels', 'traps', 'bigcode']"]
