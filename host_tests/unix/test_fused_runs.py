"""Runs of instructions the classic interpreter's loader fuses into one
opcode (WAMR patch 0103): a local.get pair, i32.const with the operator
after it, local.set / local.tee with the local.get after it, a local.get
pair with the i32.add or f64 operator after it. Each function gives the
values Python computes, interpreted fast and classic and compiled AOT;
inside if/else arms (the block scanner walks over the fused opcodes); and
metered, every run costs what its instructions cost one by one, with the
fuel running out at each instruction of it."""

import math
import struct
import subprocess

import pytest

from fused_cases import (ARMS, FLAT, MASK, METERED_EXPECTED, METERED_SCRIPT, arms_expected,
                         flat_expected, flat_funcs, s32)
from wat_modes import MODES, build_for_mode, run_instance


# i32.const c, then the operator: what it leaves for x (signed, as the
# firmware prints an i32 result).
CONST_OPS = {
    "add": lambda x, c: s32(x + c),
    "and": lambda x, c: s32(x & c),
    "xor": lambda x, c: s32(x ^ c),
    "shl": lambda x, c: s32(x << (c & 31)),
    "shr_s": lambda x, c: s32(s32(x) >> (c & 31)),
    "shr_u": lambda x, c: s32((x & MASK) >> (c & 31)),
    "eq": lambda x, c: int(s32(x) == s32(c)),
    "ne": lambda x, c: int(s32(x) != s32(c)),
    "lt_s": lambda x, c: int(s32(x) < s32(c)),
    "lt_u": lambda x, c: int(x & MASK < c & MASK),
    "gt_s": lambda x, c: int(s32(x) > s32(c)),
    "gt_u": lambda x, c: int(x & MASK > c & MASK),
    "ge_s": lambda x, c: int(s32(x) >= s32(c)),
}
# Immediates of 1 to 5 LEB128 bytes, shift counts past 31, both ends.
CONSTS = (0, 1, 5, 31, 32, 33, -1, 63, 64, -65, 1000, 0x7FFFFFFF, -0x80000000)
XS = (0, 1, 7, -1, 31, 1000, 0x7FFFFFFF, -0x80000000)


def const_funcs():
    out = []
    for op in CONST_OPS:
        for k, c in enumerate(CONSTS):
            # the nop keeps the local.get out of the run (i32.add would
            # fuse it too: that run is "get_const_add" below)
            out.append(f"""
  (func (export "c_{op}_{k}") (param i32) (result i32)
    local.get 0
    nop
    i32.const {c}
    i32.{op})""")
    return "".join(out)


FUSED_WAT = "(module" + const_funcs() + flat_funcs() + ARMS + ")"

I32_ARGS = ((0, 0), (1, 2), (7, -1), (-1, 1), (0x7FFFFFFF, 1), (-0x80000000, -1), (1000, 123456))
F64_ARGS = ((1.5, 0.25), (-0.0, 0.0), (math.inf, 1.0), (math.inf, -math.inf), (1e308, 10.0),
            (math.nan, 2.0), (3.0, -0.0))
I64_ARGS = ((0, 0), (1 << 40, -(1 << 40)), (-(1 << 63), 1), ((1 << 63) - 1, -1))


@pytest.fixture(params=MODES)
def fused(request, tmp_path):
    return build_for_mode(request, tmp_path, {"fused": FUSED_WAT})


def run(fused, body):
    return run_instance(fused, "fused", body)


def test_i32_const_and_the_operator_after_it(fused):
    out = run(fused, f"""
for op in {list(CONST_OPS)!r}:
    for k in range({len(CONSTS)}):
        f = getattr(e, 'c_%s_%d' % (op, k))
        print(op, k, ' '.join(str(f(x)) for x in {XS!r}))
""")
    assert out == [f"{op} {k} " + " ".join(str(fn(x, c)) for x in XS)
                   for op, fn in CONST_OPS.items() for k, c in enumerate(CONSTS)]


def f64_bits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def nan_as_word(word):
    """An f64's bits as printed, or "nan" for any NaN (payloads and signs
    are the CPU's, not the runs' business)."""
    if word.isdigit() and math.isnan(struct.unpack("<d", struct.pack("<Q", int(word)))[0]):
        return "nan"
    return word


def f64_div(a, b):
    """IEEE division, which Python's raises on for a zero divisor."""
    if b:
        return a / b
    if a != a or not a:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def test_local_runs_give_each_instruction_its_value(fused):
    i32_names = [n for n, (p, _, _) in FLAT.items() if p == "i32 i32"]
    out = run(fused, f"""
import struct
inf, nan = float('inf'), float('nan')
for name in {i32_names!r}:
    f = getattr(e, name)
    print(name, ' '.join(str(f(a, b)) for a, b in {I32_ARGS!r}))
print('i64_pair', ' '.join(str(e.i64_pair(a, b)) for a, b in {I64_ARGS!r}))
for name in ('f64_pair', 'f64_pair_add', 'f64_pair_sub', 'f64_pair_mul'):
    f = getattr(e, name)
    print(name, ' '.join(str(struct.unpack('<Q', struct.pack('<d', f(a, b)))[0])
                         for a, b in {F64_ARGS!r}))
""")
    want = [name + " " + " ".join(str(flat_expected(name, a, b)) for a, b in I32_ARGS)
            for name in i32_names]
    want.append("i64_pair " + " ".join(
        str((a - b + (1 << 63)) % (1 << 64) - (1 << 63)) for a, b in I64_ARGS))
    ops = {"f64_pair": f64_div, "f64_pair_add": lambda a, b: a + b, "f64_pair_sub": lambda a, b: a - b,
           "f64_pair_mul": lambda a, b: a * b}
    for name, fn in ops.items():
        vals = []
        for a, b in F64_ARGS:
            v = fn(a, b)
            # any NaN the guest makes is canonical here (x86-64 and Python alike)
            vals.append(str(f64_bits(v)) if v == v else "nan")
        want.append(name + " " + " ".join(vals))
    assert [line if not line.startswith("f64") else " ".join(map(nan_as_word, line.split()))
            for line in out] == want


def test_runs_inside_if_else_arms_and_a_block_left_by_br_if(fused):
    args = [(s, a, b) for s in (0, 1, 2, -1) for a, b in I32_ARGS]
    out = run(fused, f"""
print(' '.join(str(e.arms(s, a, b)) for s, a, b in {args!r}))
""")
    assert out == [" ".join(str(arms_expected(s, a, b)) for s, a, b in args)]


def wasm_file(tmp_path, wat):
    src = tmp_path / "fused.wat"
    src.write_text(wat)
    subprocess.run(["wat2wasm", str(src), "-o", str(tmp_path / "fused.wasm")], check=True)
    return {"fused": tmp_path / "fused.wasm"}


def test_metered_runs_cost_their_instructions_and_stop_inside(classic_fw, tmp_path):
    """Every instruction costs one fuel, fused or not: with less fuel than a
    call needs it stops, wherever in a run the fuel runs out; with enough,
    the result and the fuel left are exact."""
    out = run_instance((classic_fw, wasm_file(tmp_path, FUSED_WAT)), "fused", METERED_SCRIPT)
    assert out == METERED_EXPECTED
