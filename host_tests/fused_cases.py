"""Runs of instructions the classic interpreter's loader fuses into one
opcode (WAMR patch 0103), shared by the unix suite and the board suite:
functions whose bodies hold each kind of run, flat (one instruction a
line), inside if/else arms, and what metering them must cost: every
instruction one fuel, fused or not, on every build (the boards meter by
dispatch table, unix by a counter; the Cortex-M board does not fuse)."""

MASK = 0xFFFFFFFF


def s32(v):
    v &= MASK
    return v - (1 << 32) if v & 0x80000000 else v


def local_pair(params, result, op):
    """A function of two parameters: local.get 0, local.get 1, op."""
    return (params, result, f"""
    local.get 0
    local.get 1
    {op}""")


# Flat bodies, one instruction a line: the metering test counts them.
FLAT = {
    # (name, params, result, body)
    "get_pair": local_pair("i32 i32", "i32", "i32.sub"),
    "get_pair_add": local_pair("i32 i32", "i32", "i32.add"),
    "get_add": ("i32 i32", "i32", """
    local.get 0
    nop
    local.get 1
    i32.add"""),
    "get_const_add": ("i32 i32", "i32", """
    local.get 0
    i32.const 100000
    i32.add"""),
    "set_get": ("i32 i32", "i32", """
    local.get 0
    local.set 2
    local.get 1
    local.get 2
    i32.sub"""),
    "set_get_same": ("i32 i32", "i32", """
    local.get 0
    i32.const 5
    i32.mul
    local.set 1
    local.get 1
    local.get 1
    i32.mul"""),
    "tee_get": ("i32 i32", "i32", """
    local.get 0
    local.tee 2
    local.get 1
    i32.sub
    local.get 2
    i32.add"""),
    "tee_get_same": ("i32 i32", "i32", """
    local.get 0
    i32.const 3
    i32.mul
    local.tee 0
    local.get 0
    i32.add"""),
    "i64_pair": local_pair("i64 i64", "i64", "i64.sub"),
    "f64_pair": local_pair("f64 f64", "f64", "f64.div"),
    "f64_pair_add": local_pair("f64 f64", "f64", "f64.add"),
    "f64_pair_sub": local_pair("f64 f64", "f64", "f64.sub"),
    "f64_pair_mul": local_pair("f64 f64", "f64", "f64.mul"),
    "const_add": ("i32 i32", "i32", """
    local.get 0
    nop
    i32.const -3
    i32.add"""),
    "const_shl": ("i32 i32", "i32", """
    local.get 0
    i32.const 4
    i32.shl"""),
}


def flat_funcs():
    out = []
    for name, (params, result, body) in FLAT.items():
        out.append(f"""
  (func (export "{name}") (param {params}) (result {result}) (local i32)
{body})""")
    return "".join(out)


def flat_expected(name, a, b):
    return {
        "get_pair": lambda: s32(a - b),
        "get_pair_add": lambda: s32(a + b),
        "get_add": lambda: s32(a + b),
        "get_const_add": lambda: s32(a + 100000),
        "set_get": lambda: s32(b - a),
        "set_get_same": lambda: s32(5 * a * 5 * a),
        "tee_get": lambda: s32(a - b + a),
        "tee_get_same": lambda: s32(6 * a),
        "const_add": lambda: s32(a - 3),
        "const_shl": lambda: s32(a << 4),
    }[name]()


# Fused runs inside if/else arms, and a br_if out of a block over more:
# entering the if and the block has the interpreter scan for their else
# and end, over the fused opcodes. $u and $t sit at frame offsets 5 and 11,
# the bytes of else and end: a scanner that took a run's operand for an
# opcode would find the arms' ends in the wrong places.
ARMS = """
  (func (export "arms") (param $s i32) (param $a i32) (param $b i32) (result i32)
    (local $l3 i32) (local $l4 i32) (local $u i32) (local $l6 i32) (local $l7 i32)
    (local $l8 i32) (local $l9 i32) (local $l10 i32) (local $t i32)
    local.get $s
    if (result i32)
      local.get $a
      local.set $u
      local.get $u
      local.get $b
      i32.add
      i32.const 3
      i32.shl
      local.get $a
      local.get $b
      i32.sub
      i32.xor
    else
      local.get $a
      i32.const 1000
      i32.add
      local.set $t
      local.get $t
      local.get $b
      nop
      local.get $a
      i32.add
      i32.sub
    end
    local.tee $t
    local.get $t
    i32.xor
    local.get $t
    i32.add
    local.set $t
    block (result i32)
      local.get $t
      local.get $s
      i32.const 2
      i32.ge_s
      br_if 0
      i32.const 7
      i32.add
      local.get $b
      i32.const 255
      i32.and
      i32.xor
    end)
"""


def arms_expected(s, a, b):
    t = s32((s32(a + b) << 3) ^ s32(a - b)) if s else s32(s32(a + 1000) - s32(b + a))
    if s32(s) >= 2:
        return t
    return s32(s32(t + 7) ^ (b & 255))


FUSED_WAT = "(module" + flat_funcs() + ARMS + ")"

# What the metering test calls, and the fuel each call costs: one per
# instruction executed (each line of a flat body), one for the function's
# end; the arms call runs 35 (counted by hand along its then arm).
METERED_CALLS = [(name, (9, 4) if p == "i64 i64" else (1.5, 0.5) if p == "f64 f64" else (3, 5),
                  len(body.strip().splitlines()) + 1)
                 for name, (p, _, body) in FLAT.items()]
METERED_CALLS += [("arms", (1, 3, 5), 35)]


def metered_result(name, args):
    if name in FLAT and FLAT[name][0] == "i32 i32":
        return flat_expected(name, *args)
    if name == "arms":
        return arms_expected(*args)
    return {"i64_pair": 5, "f64_pair": 3.0, "f64_pair_add": 2.0, "f64_pair_sub": 1.0,
            "f64_pair_mul": 0.75}[name]


# `e`: the exports and `inst` the instance of FUSED_WAT's module.
METERED_SCRIPT = f"""
for name, args, cost in {METERED_CALLS!r}:
    f = getattr(e, name)
    for fuel in range(cost + 2):
        inst.fuel = fuel
        try:
            print(name, fuel, f(*args), inst.fuel)
        except wasm.Trap as exc:
            print(name, fuel, exc, inst.fuel)
"""
METERED_EXPECTED = [
    f"{name} {fuel} out of fuel 0" if fuel < cost
    else f"{name} {fuel} {metered_result(name, args)} {fuel - cost}"
    for name, args, cost in METERED_CALLS for fuel in range(cost + 2)]
