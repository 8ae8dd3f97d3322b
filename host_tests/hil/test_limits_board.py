"""Instance limits on the board (issue 14): fuel stops a runaway guest on
the board's interpreter and refills; the bare-metal boards have no timer
for timeout_ms and say so; the memory cap below the module's maximum."""

import fused_cases
import metering_cases
from test_hostile_board import deploy_wat

LIMITS_WAT = """
(module
  (memory (export "memory") 1 4)
  (func (export "spin") (loop $l (br $l)))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
"""


def test_fuel_and_memory_cap_on_the_board(board, tmp_path):
    deploy_wat(board, tmp_path, "limits", LIMITS_WAT)
    out = board.run("""
import wasm
m = wasm.Module.load('/flash/limits.wasm')
free = wasm.pool_info()[1]
inst = wasm.Instance(m, heap=0, fuel=5000, max_pages=2)
try:
    inst.exports.spin()
except wasm.Trap as exc:
    print('Trap:', exc, inst.fuel)
inst.fuel = 1000
print(inst.exports.count(10), 1000 - inst.fuel)
print(inst.exports.grow(1), inst.exports.grow(1), inst.memory_error)
try:
    wasm.Instance(m, timeout_ms=100)
except RuntimeError as exc:
    print('RuntimeError:', exc)
inst.close()
print(wasm.pool_info()[1] == free)
""", timeout=120)
    # The emulated boards run the classic interpreter: 8 instructions per
    # iteration of count's loop, as on unix.
    assert out == [
        "Trap: out of fuel 0",
        "10 84",
        "1 -1 memory.grow to 3 pages refused: the maximum is 2 pages",
        "RuntimeError: timeout_ms: this port has no timer for it",
        "True",
    ]


CB_WAT = """
(module
  (import "env" "cb" (func $cb (param i32) (result i32)))""" + metering_cases.CB_THEN_COUNT_WAT + """)
"""


def test_metering_switched_by_a_host_function_counts_as_on_unix(board, tmp_path):
    """The board meters by switching dispatch tables (WAMR patch 0102):
    a host function that starts or ends metering switches them for the
    guest it returns to, and the count is unix's, which counts at each
    dispatch."""
    deploy_wat(board, tmp_path, "metering", CB_WAT)
    out = board.run("import wasm\nm = wasm.Module.load('/flash/metering.wasm')\n"
                    + metering_cases.SCRIPT, timeout=120)
    assert out == metering_cases.EXPECTED


def test_fuel_running_out_at_every_instruction_of_the_last_iteration(board, tmp_path):
    """The dispatch table stops the guest wherever the count runs out, as
    unix's counter does."""
    deploy_wat(board, tmp_path, "limits", LIMITS_WAT)
    out = board.run("import wasm\ninst = wasm.Instance(wasm.Module.load('/flash/limits.wasm'), heap=0)\n"
                    + metering_cases.BOUNDARY_SCRIPT, timeout=120)
    assert out == metering_cases.BOUNDARY_EXPECTED


def test_fused_runs_cost_their_instructions_as_on_unix(board, tmp_path):
    """Fuel running out at each instruction of each kind of run the classic
    loader may fuse (WAMR patch 0103: the RISC-V board fuses, the Cortex-M
    one does not): the same stops and leftovers as unix's, and as
    instruction by instruction."""
    deploy_wat(board, tmp_path, "fused", fused_cases.FUSED_WAT)
    out = board.run("import wasm\ninst = wasm.Instance(wasm.Module.load('/flash/fused.wasm'), heap=0)\n"
                    "e = inst.exports\n" + fused_cases.METERED_SCRIPT, timeout=300)
    assert out == fused_cases.METERED_EXPECTED
