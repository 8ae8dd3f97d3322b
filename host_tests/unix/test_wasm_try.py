"""The `wasm_try` native family (guest/include/wasm_try.h): non-local exits
for guests without setjmp, unwound by the host, in every execution mode."""

import subprocess

import pytest

from scripts import aot

TRY_WAT = """
(module
  (type $fn (func (param i32 i32)))
  (import "wasm_try" "call" (func $call (param i32 i32 i32) (result i32)))
  (import "wasm_try" "throw" (func $throw (param i32)))
  (memory (export "memory") 1)
  (global $depth (mut i32) (i32.const 0))
  (table 4 funcref)
  (elem (i32.const 0) $thrower $returner $trapper $nester)
  (func $thrower (param i32 i32) (call $throw (local.get 0)))
  (func $returner (param i32 i32) (i32.store (i32.const 16) (local.get 0)))
  (func $trapper (param i32 i32) unreachable)
  ;; try-within-try: the inner throw is caught inside, then the outer one
  (func $nester (param i32 i32)
    (global.set $depth (call $call (i32.const 0) (i32.const 7) (i32.const 0)))
    (call $throw (local.get 0)))
  (func (export "wasm_try_trampoline") (param i32 i32 i32)
    (call_indirect (type $fn) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "attempt") (param i32 i32) (result i32)
    (call $call (local.get 0) (local.get 1) (i32.const 0)))
  (func (export "inner") (result i32) (global.get $depth))
  (func (export "stored") (result i32) (i32.load (i32.const 16)))
  (func (export "throw_outside") (call $throw (i32.const 5)))
)
"""

NO_TRAMPOLINE_WAT = """
(module
  (import "wasm_try" "call" (func $call (param i32 i32 i32) (result i32)))
  (func (export "attempt") (result i32) (call $call (i32.const 0) (i32.const 0) (i32.const 0)))
)
"""

SCRIPT = """
import wasm
inst = wasm.Instance(wasm.Module(open({path!r}, 'rb').read()))
e = inst.exports
print('throw', e.attempt(0, 3), e.attempt(0, 0))
print('return', e.attempt(1, 42), e.stored())
print('nested', e.attempt(3, 9), e.inner())
for name, args in (('attempt', (2, 0)), ('attempt', (99, 0)), ('throw_outside', ())):
    try:
        e[name](*args)
    except wasm.Trap as exc:
        print('trap', exc)
print('after', e.attempt(0, 11))
"""

EXPECTED = [
    "throw 3 1",
    "return 0 42",
    "nested 9 7",
    "trap unreachable",
    "trap undefined element",
    "trap wasm_try.throw outside wasm_try.call",
    "after 11",
]


def wat_to_wasm(tmp_path, name, text):
    src = tmp_path / f"{name}.wat"
    out = tmp_path / f"{name}.wasm"
    src.write_text(text)
    subprocess.run(["wat2wasm", "-o", str(out), str(src)], check=True)
    return out


def test_try_and_throw_in_the_interpreters(any_fw, tmp_path):
    path = wat_to_wasm(tmp_path, "try", TRY_WAT)
    assert any_fw.lines(SCRIPT.format(path=str(path))) == EXPECTED


def test_try_and_throw_in_aot(fw, aotc, tmp_path):
    path = wat_to_wasm(tmp_path, "try", TRY_WAT)
    compiled = aot.compile_wasm(path, "x86_64", output=tmp_path / "try.aot", quiet=True)
    assert fw.lines(SCRIPT.format(path=str(compiled))) == EXPECTED


def test_call_without_trampoline_is_a_trap(any_fw, tmp_path):
    path = wat_to_wasm(tmp_path, "none", NO_TRAMPOLINE_WAT)
    out = any_fw.lines(f"""
import wasm
inst = wasm.Instance(wasm.Module(open({str(path)!r}, 'rb').read()))
try:
    inst.exports.attempt()
except wasm.Trap as exc:
    print(exc)
""")
    assert out == ["wasm_try.call needs an export wasm_try_trampoline (func (param i32 i32 i32))"]


WRONG_TRAMPOLINE_WAT = """
(module
  (import "wasm_try" "call" (func $call (param i32 i32 i32) (result i32)))
  (func (export "wasm_try_trampoline") (param i32 i32) (result i32) (i32.const 9))
  (func (export "attempt") (result i32) (call $call (i32.const 0) (i32.const 0) (i32.const 0)))
)
"""


def test_trampoline_of_the_wrong_type_is_a_trap(any_fw, tmp_path):
    # The trampoline is looked up once, when the instance is made; one of
    # another type is never called, on the first call or any later one.
    path = wat_to_wasm(tmp_path, "wrong", WRONG_TRAMPOLINE_WAT)
    out = any_fw.lines(f"""
import wasm
inst = wasm.Instance(wasm.Module(open({str(path)!r}, 'rb').read()))
for _ in range(2):
    try:
        print(inst.exports.attempt())
    except wasm.Trap as exc:
        print(exc)
""")
    assert out == ["wasm_try.call needs an export wasm_try_trampoline (func (param i32 i32 i32))"] * 2
