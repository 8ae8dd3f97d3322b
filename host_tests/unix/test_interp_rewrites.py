"""What the fast interpreter's loader rewrites must not change (WAMR patches
0095-0097): a local.tee folded into the instruction that produced its
value, an i32 compare fused with the br_if after it, the cheaper function
entry (locals cleared without memset, reference locals set to null only
where there are some) and return. Each module gives the same results
interpreted fast and classic, and compiled AOT."""

import pytest

from wat_modes import MODES, build_for_mode, run_instance

COMPARES = ("eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u")

# One function per compare: 1 when br_if's branch is taken.
BRANCHES = "".join(f"""
  (func (export "br_{op}") (param i32 i32) (result i32)
    (block (br_if 0 (i32.{op} (local.get 0) (local.get 1))) (return (i32.const 0)))
    (i32.const 1))""" for op in COMPARES)

REWRITES_WAT = """
(module
""" + BRANCHES + """
  (func (export "br_eqz") (param i32) (result i32)
    (block (br_if 0 (i32.eqz (local.get 0))) (return (i32.const 0)))
    (i32.const 1))
  ;; a branch that carries a value
  (func (export "br_value") (param i32 i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.const 100) (i32.lt_u (local.get 0) (local.get 1))))
      (i32.const 200)))
  ;; a loop entered through a fused compare and closed by another, whose
  ;; operand comes through a folded local.tee: 0 + 1 + ... + (n - 1)
  (func (export "sum_to") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (loop $next
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (br_if $next (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                               (local.get $n)))))
    (local.get $s))
  ;; the old value of $x is still on the stack when local.tee writes $x
  (func (export "tee_keeps_old") (param $x i32) (result i32)
    (i32.add (local.get $x) (local.tee $x (i32.add (local.get $x) (i32.const 1)))))
  ;; the tee'd value is still on the stack when local.set overwrites $x
  (func (export "tee_then_set") (param $x i32) (result i32)
    (local.tee $x (i32.mul (local.get $x) (i32.const 3)))
    (local.set $x (i32.const 5))
    (i32.add (local.get $x)))
  (func (export "tee_i64") (param $x i64) (result i64)
    (local $y i64)
    (i64.add (local.tee $y (i64.mul (local.get $x) (i64.const 7))) (local.get $y)))
  (func (export "tee_f64") (param $x f64) (result f64)
    (local $y f64)
    (f64.sub (local.tee $y (f64.mul (local.get $x) (f64.const 0.5)))
             (f64.mul (local.get $y) (f64.const 4))))
  ;; a compare's result kept in a local and branched on
  (func (export "tee_cond") (param $a i32) (param $b i32) (result i32)
    (local $c i32)
    (block
      (br_if 0 (local.tee $c (i32.lt_s (local.get $a) (local.get $b))))
      (return (i32.add (local.get $c) (i32.const 10))))
    (i32.add (local.get $c) (i32.const 20)))
  ;; locals start at zero (5 cells: the odd one too) after a callee that
  ;; left its own locals set, and a reference local starts null
  (func $dirty (param $v i32) (local i32 i32 i32 i32 i32 i32 i32 i32)
    (local.set 1 (local.get 0)) (local.set 2 (local.get 0)) (local.set 3 (local.get 0))
    (local.set 4 (local.get 0)) (local.set 5 (local.get 0)) (local.set 6 (local.get 0))
    (local.set 7 (local.get 0)) (local.set 8 (local.get 0)))
  (func $fresh (result i64)
    (local i32 i64 i32 i32)
    (i64.add (local.get 1)
      (i64.extend_i32_u (i32.or (i32.or (local.get 0) (local.get 2)) (local.get 3)))))
  (func (export "fresh_after_dirty") (result i64)
    (call $dirty (i32.const -1)) (call $fresh))
  (func (export "ref_local_null") (result i32)
    (local i32 externref i64)
    (local.set 0 (i32.const 9))
    (i32.add (local.get 0) (ref.is_null (local.get 1))))
)
"""


@pytest.fixture(params=MODES)
def rewrites(request, tmp_path):
    return build_for_mode(request, tmp_path, {"rewrites": REWRITES_WAT})


def run(rewrites, body):
    return run_instance(rewrites, "rewrites", body)


VALUES = (0, 1, 7, -1, 0x7FFFFFFF, -0x80000000)


def expected(op, a, b):
    ua, ub = a & 0xFFFFFFFF, b & 0xFFFFFFFF
    return int({"eq": a == b, "ne": a != b, "lt_s": a < b, "lt_u": ua < ub,
                "gt_s": a > b, "gt_u": ua > ub, "le_s": a <= b, "le_u": ua <= ub,
                "ge_s": a >= b, "ge_u": ua >= ub}[op])


def test_every_compare_branches_as_the_compare_says(rewrites):
    out = run(rewrites, f"""
V = {VALUES!r}
for op in {COMPARES!r}:
    f = getattr(e, 'br_' + op)
    print(op, ''.join(str(f(a, b)) for a in V for b in V))
print('eqz', ''.join(str(e.br_eqz(a)) for a in V))
print(e.br_value(1, 2), e.br_value(2, 1), e.br_value(-1, 1))
""")
    want = [f"{op} " + "".join(str(expected(op, a, b)) for a in VALUES for b in VALUES)
            for op in COMPARES]
    want.append("eqz " + "".join(str(int(a == 0)) for a in VALUES))
    want.append("100 200 200")
    assert out == want


def test_folded_tees_keep_every_value_on_the_stack(rewrites):
    out = run(rewrites, """
print(e.sum_to(0), e.sum_to(1), e.sum_to(10), e.sum_to(-5), e.sum_to(1000))
print(e.tee_keeps_old(20), e.tee_keeps_old(-1), e.tee_then_set(4), e.tee_then_set(-2))
print(e.tee_i64(3), e.tee_i64(-(1 << 40)), e.tee_f64(2.0), e.tee_f64(-0.25))
print(e.tee_cond(1, 2), e.tee_cond(2, 1), e.tee_cond(-3, -3))
""")
    assert out == ["0 0 45 0 499500",
                   "41 -1 17 -1",
                   f"42 {-14 * (1 << 40)} -3.0 0.375",
                   "21 10 10"]


def test_locals_start_cleared_and_reference_locals_null(rewrites):
    out = run(rewrites, """
print(e.fresh_after_dirty(), e.ref_local_null(), e.fresh_after_dirty())
""")
    assert out == ["0 10 0"]


# Immediates in the long LEB128 forms wasm-ld leaves in linked programs
# (relocated indexes and addresses padded to 5 bytes): the classic
# interpreter decodes 2- to 5-byte immediates unrolled (WAMR patch 0100).
# wat2wasm writes the shortest forms, so this module is put together here.
LEB_VALUES = (0, 1, 63, 64, -1, -64, -65, 127, 128, 8191, 8192, -8192, -8193,
              1 << 20, -(1 << 20), (1 << 27) - 1, 1 << 27, -(1 << 27), -(1 << 27) - 1,
              0x7FFFFFFF, -0x80000000, 0x12345678, -0x12345678)


def sleb(value, length=None):
    """value's signed LEB128, padded to `length` bytes if given."""
    out = []
    while True:
        byte = value & 0x7F
        value >>= 7
        if (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40):
            break
        out.append(byte | 0x80)
    out.append(byte)
    fill = 0x7F if value < 0 else 0
    while length and len(out) < length:
        out[-1] |= 0x80
        out.append(fill)
    return bytes(out)


def uleb(value, length=None):
    return sleb(value, length) if value < 0x40 or length else sleb(value)


def section(sid, items):
    body = uleb(len(items)) + b"".join(items)
    return bytes([sid]) + uleb(len(body)) + body


def name(s):
    return uleb(len(s)) + s.encode()


def leb_module():
    """(wasm bytes, [(export, expected value)])"""
    consts = [(v, n) for v in LEB_VALUES for n in range(len(sleb(v)), 6)]
    bodies = [b"\x20\x00\x0b"]  # $id: local.get 0
    types = [0]
    exports, want = [], []
    for i, (v, n) in enumerate(consts):
        bodies.append(b"\x41" + sleb(v, n) + b"\x0b")
        types.append(1)
        exports.append(f"c{i}")
        want.append(v)
    # call $id with its index padded, global.get padded, a load whose
    # alignment and offset are padded, a store through a padded offset
    tail = [("call", b"\x41\x07\x10" + uleb(0, 5) + b"\x0b", 7),
            ("global", b"\x23" + uleb(0, 5) + b"\x0b", 0x1234567),
            ("load", b"\x41\x00\x28" + uleb(2, 5) + uleb(300, 5) + b"\x0b", 0x11223344),
            ("store", b"\x41\x04\x41" + sleb(-5, 5) + b"\x36" + uleb(2, 3) + uleb(300, 4)
                      + b"\x41\x00\x28\x02" + uleb(304, 5) + b"\x0b", -5)]
    for label, body, v in tail:
        bodies.append(body)
        types.append(1)
        exports.append(label)
        want.append(v)
    mod = b"\x00asm\x01\x00\x00\x00"
    mod += section(1, [b"\x60\x01\x7f\x01\x7f", b"\x60\x00\x01\x7f"])
    mod += section(3, [uleb(t) for t in types])
    mod += section(5, [b"\x00\x01"])
    mod += section(6, [b"\x7f\x00\x41" + sleb(0x1234567) + b"\x0b"])
    mod += section(7, [name(x) + b"\x00" + uleb(i + 1) for i, x in enumerate(exports)])
    mod += section(10, [uleb(len(b) + 1) + b"\x00" + b for b in bodies])
    mod += section(11, [b"\x00\x41" + sleb(300) + b"\x0b\x04\x44\x33\x22\x11"])
    return mod, list(zip(exports, want))


@pytest.fixture(params=MODES)
def leb(request, tmp_path):
    from scripts import aot

    mod, cases = leb_module()
    path = tmp_path / "leb.wasm"
    path.write_bytes(mod)
    if request.param == "aot":
        request.getfixturevalue("aotc")
        path = aot.compile_wasm(path, "x86_64", output=path.with_suffix(".aot"), quiet=True)
    fw = request.getfixturevalue("classic_fw" if request.param == "classic" else "fw")
    return (fw, {"leb": path}), cases


def test_long_leb128_immediates_decode_to_their_values(leb):
    built, cases = leb
    out = run_instance(built, "leb", f"""
for x in {[x for x, _ in cases]!r}:
    print(x, getattr(e, x)())
""")
    assert out == [f"{x} {v}" for x, v in cases]


# The classic interpreter's loader gives a 64-bit local's local.get,
# local.set and local.tee their own opcodes (WAMR patch 0101) where the
# local's frame offset fits a byte (below 128 cells); the locals past that
# keep the generic forms. Many i64, i32 and f64 locals, so that both kinds
# occur, read and written inside if/else arms (the classic interpreter scans
# them for the else and the end), and a branch out of a taken if.
WIDE_LOCALS = 50


def wide_locals_wat():
    n = WIDE_LOCALS
    decls = "".join(f" (local $a{i} i64) (local $m{i} i32) (local $f{i} f64)" for i in range(n))
    body = []
    for i in range(n):
        body.append(f"""
    (local.set $a{i} (i64.mul (local.get $k) (i64.const {i + 1})))
    (local.set $f{i} (f64.convert_i64_s (local.tee $a{i} (i64.add (local.get $a{i}) (i64.const {i})))))
    (local.set $m{i} (i32.wrap_i64 (local.get $a{i})))
    (if (i32.and (local.get $sel) (i32.const 1))
      (then (local.set $acc (i64.add (local.get $acc) (i64.trunc_f64_s (local.get $f{i})))))
      (else (local.set $acc (i64.sub (local.get $acc) (i64.extend_i32_s (local.get $m{i}))))))""")
    return f"""
(module
  (func (export "wide") (param $k i64) (param $sel i32) (result i64)
    (local $acc i64){decls}{''.join(body)}
    (if (local.get $sel)
      (then
        (br_if 0 (i32.gt_u (local.get $sel) (i32.const 2)))
        (local.set $acc (i64.add (local.get $acc) (i64.const 1000)))))
    (local.get $acc))
)
"""


def wide_expected(k, sel):
    def s64(v):
        v &= (1 << 64) - 1
        return v - (1 << 64) if v >> 63 else v

    def s32(v):
        v &= 0xFFFFFFFF
        return v - (1 << 32) if v >> 31 else v

    acc = 0
    for i in range(WIDE_LOCALS):
        a = s64(k * (i + 1) + i)
        acc = s64(acc + int(float(a)) if sel & 1 else acc - s32(a))
    if sel and not sel > 2:
        acc = s64(acc + 1000)
    return acc


WIDE_CASES = ((5, 0), (5, 1), (-7, 2), (123456789, 3), (1 << 40, 1), (-(1 << 35) + 3, 4))


@pytest.fixture(params=MODES)
def wide(request, tmp_path):
    return build_for_mode(request, tmp_path, {"wide": wide_locals_wat()})


def test_wide_locals_keep_their_values_on_both_sides_of_the_byte_offsets(wide):
    out = run_instance(wide, "wide", f"""
print(' '.join(str(e.wide(k, s)) for k, s in {WIDE_CASES!r}))
""")
    assert out == [" ".join(str(wide_expected(k, s)) for k, s in WIDE_CASES)]
