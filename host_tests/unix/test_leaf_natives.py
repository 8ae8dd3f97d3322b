"""Leaf natives (mp.ticks_ms, mp.random_bytes): WAMR calls them without a
frame of their own, straight from the interpreter's call instruction or AOT
code (WAMR patch 0093). Every way a guest can reach one, on fast, classic and
AOT, hostile arguments included: the result lands in the caller's slot, the
caller's locals survive, a bad range traps and the instance stays usable."""

import pytest

from wat_modes import MODES, build_for_mode, run_instance

LEAF_WAT = """
(module
  (import "mp" "random_bytes" (func $rand (param i32 i32) (result i32)))
  (import "mp" "ticks_ms" (func $ticks (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $rand $ticks)
  (type $rand_t (func (param i32 i32) (result i32)))
  (type $ticks_t (func (result i32)))
  ;; the imports themselves, called from Python
  (export "rand" (func $rand))
  (export "ticks" (func $ticks))
  ;; a direct call between locals that must survive it
  (func (export "around") (param $a i32) (param $b i32) (param $ptr i32) (param $len i32)
        (result i32)
    (local $c i32)
    (local.set $c (i32.const 7))
    (i32.add
      (i32.add (i32.mul (local.get $a) (i32.const 100)) (i32.mul (local.get $b) (i32.const 10)))
      (i32.add (local.get $c)
               (call $rand (local.get $ptr) (local.get $len)))))
  ;; a result that is not always 0, next to a local
  (func (export "stamp") (param $a i32) (result i32)
    (local $c i32)
    (local.set $c (i32.const 7))
    (i32.xor (call $ticks) (i32.mul (local.get $a) (local.get $c))))
  ;; a 64-bit argument between two 32-bit ones, locals around the call
  (func (export "clock_around") (param $id i32) (param $prec i64) (param $out i32)
        (result i32)
    (local $c i32)
    (local.set $c (i32.const 7))
    (i32.add (i32.mul (local.get $c) (i32.const 1000))
             (call $clock (local.get $id) (local.get $prec) (local.get $out))))
  ;; through the table
  (func (export "indirect_rand") (param i32 i32) (result i32)
    (call_indirect (type $rand_t) (local.get 0) (local.get 1) (i32.const 0)))
  (func (export "indirect_ticks") (result i32)
    (call_indirect (type $ticks_t) (i32.const 1)))
  ;; n calls in a loop, summing the results
  (func (export "many") (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (call $rand (i32.const 64) (i32.const 4))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s))
  ;; recursion without end, a leaf call on every level
  (func $dive (export "dive") (param $d i32) (result i32)
    (drop (call $ticks))
    (i32.add (call $dive (i32.add (local.get $d) (i32.const 1))) (call $ticks)))
)
"""


@pytest.fixture(params=MODES)
def leaf(request, tmp_path):
    return build_for_mode(request, tmp_path, {"leaf": LEAF_WAT})


def run(leaf, body):
    return run_instance(leaf, "leaf", "m = inst.memory\n" + body)


def test_results_land_in_the_callers_slot_and_its_locals_survive(leaf):
    out = run(leaf, """
m[256:272] = b'\\xaa' * 16
print(e.around(3, 4, 256, 8), e.around(9, 9, 1000, 0))
print(m[256:264] != b'\\xaa' * 8, m[264:272] == b'\\xaa' * 8)
m[64:68] = bytes(4)
print(e.many(1000), m[64:68] != bytes(4))
# mp.ticks_ms is time.ticks_ms() modulo 2**30, read between two readings
import time
M = (1 << 30) - 1
def between(read):
    t0 = time.ticks_ms()
    g = read()
    t1 = time.ticks_ms()
    return 0 <= g <= M and ((g - t0) & M) <= ((t1 - t0) & M)
print(between(e.ticks), between(e.indirect_ticks), between(lambda: e.stamp(12345) ^ (12345 * 7)))
""")
    assert out == ["347 997", "True True", "0 True", "True True True"]


def test_a_64_bit_argument_reaches_the_native_between_its_neighbours(leaf):
    # WASI clock_time_get(id, precision: i64, out): the id picks the clock,
    # the out pointer the place; a shifted argument would read another clock
    # or write elsewhere. 28 is WASI's EINVAL.
    out = run(leaf, """
import time
m[128:144] = b'\\x55' * 16
t0 = time.time_ns()
print(e.clock_around(0, 1 << 40, 132))
t1 = time.time_ns()
got = int.from_bytes(m[132:140], 'little')
print(t0 <= got <= t1, m[128:132] == b'\\x55' * 4, m[140:144] == b'\\x55' * 4)
print(e.clock_around(4, -1, 132), e.clock_around(-1, 0, 132))
attempt(lambda: e.clock_around(0, 1, len(m) - 4))
print(m[len(m) - 4:] == bytes(4), e.clock_around(0, 1, 0))
""")
    assert out == ["7000", "True True True", "7028 7028",
                   "Trap out of bounds memory access", "True 7000"]


def test_the_import_called_from_python_and_through_the_table(leaf):
    out = run(leaf, """
size = len(m)
m[size - 16:] = bytes(16)
print(e.rand(size - 16, 16), m[size - 16:] != bytes(16))
m[0:8] = bytes(8)
print(e.indirect_rand(0, 8), m[0:8] != bytes(8))
""")
    assert out == ["0 True", "0 True"]


def test_hostile_ranges_trap_on_every_path_and_the_instance_stays_usable(leaf):
    out = run(leaf, """
size = len(m)
m[size - 8:] = b'\\x55' * 8
cases = ((size - 4, 8), (size, 1), (0xfffffff0, 0x20), (-1, 2), (16, -1))
for ptr, n in cases:
    for name, f in (('call', lambda: e.around(1, 2, ptr, n)), ('export', lambda: e.rand(ptr, n)),
                    ('table', lambda: e.indirect_rand(ptr, n))):
        attempt(f)
print(m[size - 8:] == b'\\x55' * 8)
print(e.around(1, 2, 0, 4), e.many(3))
""")
    assert out[:-2] == ["Trap out of bounds memory access"] * 15
    assert out[-2:] == ["True", "127 0"]


def test_stack_exhaustion_between_leaf_calls_traps_cleanly(leaf):
    out = run(leaf, """
for _ in range(3):
    attempt(lambda: e.dive(0))
print(e.around(1, 1, 0, 0))
""")
    # AOT code recurses on the C stack, the interpreters on WAMR's own.
    aot = leaf[1]["leaf"].suffix == ".aot"
    limit = "native stack overflow" if aot else "wasm operand stack overflow"
    assert out == [f"Trap {limit}"] * 3 + ["117"]
