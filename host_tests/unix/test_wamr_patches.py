"""The project's fixes to WAMR 2.4.3 (firmware/patches/wamr), each checked on
the firmware: the bug's module runs as the spec says, in every mode."""

import subprocess

import pytest

from scripts import aot


def wat_module(tmp_path, name, text, *wat2wasm_flags):
    wat = tmp_path / f"{name}.wat"
    wat.write_text(text)
    out = tmp_path / f"{name}.wasm"
    subprocess.run(["wat2wasm", *wat2wasm_flags, str(wat), "-o", str(out)], check=True)
    return out


NULL_ELEMENT = """
(module
  (table 2 funcref)
  (elem (i32.const 0) funcref (ref.null func) (ref.func $answer))
  (func $zero (result i32) (i32.const 0))
  (func $answer (result i32) (i32.const 42))
  (func (export "is_null") (param i32) (result i32) local.get 0 table.get 0 ref.is_null)
  (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32)))
"""

NULL_ELEMENT_SCRIPT = """
import wasm
e = wasm.Instance(wasm.Module.load(PATH)).exports
print(e.is_null(0), e.is_null(1), e.call(1))
try:
    print(e.call(0))
except wasm.Trap as exc:
    print('Trap:', exc)
"""


def test_null_element_is_null_not_function_0(any_fw, aotc, tmp_path):
    """0002: `(ref.null func)` in an active segment stored function 0 (here
    $zero) in the interpreters."""
    path = wat_module(tmp_path, "null_elem", NULL_ELEMENT)
    paths = [path, aot.compile_wasm(path, "x86_64", output=tmp_path / "null_elem.aot", quiet=True)]
    for p in paths:
        out = any_fw.lines(f"PATH = {str(p)!r}\n" + NULL_ELEMENT_SCRIPT)
        assert out == ["1 0 42", "Trap: uninitialized element"], p.name


def deep_stack_module(tmp_path, depth, push, tail):
    """A function whose operand stack reaches `depth` cells of `push`
    values, then global.get + a block-opening `tail` (CVE-2025-64713: the
    fast interpreter's loader then indexed its offset stack past its end)."""
    body = [push] * depth + ["global.get 0"]
    if tail == "if":
        body += ["if", "nop", "end"]
    else:
        body += [tail, "global.get 0", "drop", "end", "drop"]
    body += ["drop"] * depth
    return wat_module(tmp_path, f"deep_{depth}_{tail}_{push.split()[0]}", f"""
(module (global i32 (i32.const 3)) (global i64 (i64.const 4))
  (func (export "f") (param i32) (local i64) {' '.join(body)}))""")


def test_deep_operand_stacks_around_every_growth_step(any_fw, tmp_path):
    """0001 (CVE-2025-64713): stacks ending at and around the loader's
    growth steps, with i32 and i64 values, before if/block/loop. On the ASan
    build (`make test` runs this file there too) an out-of-bounds access is
    a crash."""
    paths = [deep_stack_module(tmp_path, depth, push, tail)
             for depth in range(24, 73, 3)
             for push in ("i32.const 1", "local.get 0", "local.get 1", "global.get 1")
             for tail in ("if", "block", "loop")]
    out = any_fw.lines(f"""
import wasm
ok = 0
for p in {[str(p) for p in paths]!r}:
    inst = wasm.Instance(wasm.Module.load(p))
    ok += inst.exports.f(1) is None
    inst.close()
print(ok)
""")
    assert out == [str(len(paths))]


V128_STORE = """
(module (memory 1)
  (func (export "f") (v128.store (i32.const 0) (v128.const i64x2 1 2))))
"""


def test_simd_modules_are_refused_in_every_mode(any_fw, aotc, tmp_path):
    """CVE-2025-64704 is in the interpreters' SIMD code (v128.store), which
    this firmware does not compile (WASM_ENABLE_SIMD=0): SIMD modules are
    refused at load, and the AOT compiler (built the same way) refuses them."""
    path = wat_module(tmp_path, "v128", V128_STORE)
    out = any_fw.lines(f"""
import wasm
try:
    wasm.Module.load({str(path)!r})
except wasm.LoadError as e:
    print('LoadError:', e)
""")
    assert len(out) == 1 and out[0].startswith("LoadError: ")
    proc = subprocess.run([str(aotc), "--target=x86_64", "-o", str(tmp_path / "v128.aot"),
                           str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "invalid WebAssembly module" in proc.stderr


TAIL_CALL = """
(module
  (func $f (param i32) (result i32) local.get 0)
  (func (export "g") (param i32) (result i32) local.get 0 return_call $f))
"""


def test_tail_call_modules_are_refused_in_every_mode(any_fw, aotc, tmp_path):
    """WAMR issue #4916 (a heap overflow in the fast interpreter's tail-call
    path, 2.4.4 and earlier) is in code this firmware does not compile
    (WASM_ENABLE_TAIL_CALL=0): return_call is refused at load, and by the
    AOT compiler."""
    path = wat_module(tmp_path, "tail_call", TAIL_CALL, "--enable-tail-call")
    out = any_fw.lines(f"""
import wasm
try:
    wasm.Module.load({str(path)!r})
except wasm.LoadError as e:
    print('LoadError:', e)
""")
    assert out == ["LoadError: unsupported opcode 12"]
    proc = subprocess.run([str(aotc), "--target=x86_64", "-o", str(tmp_path / "tail_call.aot"),
                           str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "unsupported opcode 12" in proc.stderr


ROUNDING = """
(module
""" + "".join(f"""
  (func (export "{t}_{op}") (param {i}) (result {i})
    local.get 0 {t}.reinterpret_{i} {t}.{op} {i}.reinterpret_{t})"""
               for t, i in (("f32", "i32"), ("f64", "i64"))
               for op in ("ceil", "floor", "trunc", "nearest")) + ")\n"

ROUNDING_SCRIPT = """
import wasm
e = wasm.Instance(wasm.Module.load(PATH)).exports
for t, nans in (('f32', (0x7fa00001, 0xffa00000, 0x7fc00000)),
                ('f64', (0x7ff4000000000001, 0xfff4000000000000, 0x7ff8000000000000))):
    for op in ('ceil', 'floor', 'trunc', 'nearest'):
        print(t, op, ' '.join(hex(getattr(e, t + '_' + op)(n) & (2**(32 if t == 'f32' else 64) - 1))
                              for n in nans))
"""


def test_rounding_a_signalling_nan_quiets_it(any_fw, aotc, tmp_path):
    """0032: ceil, floor, trunc and nearest of a signalling NaN give it back
    with the quiet bit set (payload and sign kept); quiet NaNs pass as they
    are; the interpreters and AOT code agree."""
    path = wat_module(tmp_path, "rounding", ROUNDING)
    paths = [path, aot.compile_wasm(path, "x86_64", output=tmp_path / "rounding.aot", quiet=True)]
    expected = []
    for t, quieted in (("f32", "0x7fe00001 0xffe00000 0x7fc00000"),
                       ("f64", "0x7ffc000000000001 0xfffc000000000000 0x7ff8000000000000")):
        expected += [f"{t} {op} {quieted}" for op in ("ceil", "floor", "trunc", "nearest")]
    for p in paths:
        assert any_fw.lines(f"PATH = {str(p)!r}\n" + ROUNDING_SCRIPT) == expected, p.name
