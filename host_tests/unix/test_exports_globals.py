"""Exported globals are wasm.Global objects; assigning to one through
inst.exports sets a mutable one (the guest sees the new value), immutable
ones raise, on both interpreters and as AOT code."""

import subprocess

import pytest

from scripts import aot

GLOBALS_WAT = """
(module
  (global $k (export "k") i32 (i32.const 5))
  (global $g64 (export "g64") (mut i64) (i64.const 1))
  (global $f32 (export "f32") (mut f32) (f32.const 1.5))
  (global $f64 (export "f64") (mut f64) (f64.const 2.5))
  (func (export "sum") (result f64)
    global.get $g64 f64.convert_i64_s
    global.get $f32 f64.promote_f32 f64.add
    global.get $f64 f64.add
    global.get $k f64.convert_i32_s f64.add))
"""


@pytest.fixture(params=["fast", "classic", "aot"])
def mode(request, guest_dir, tmp_path):
    """(firmware, kernels module path, globals module path) for one mode."""
    wat = tmp_path / "globals.wat"
    wat.write_text(GLOBALS_WAT)
    subprocess.run(["wat2wasm", str(wat), "-o", str(tmp_path / "globals.wasm")], check=True)
    paths = [guest_dir / "kernels.wasm", tmp_path / "globals.wasm"]
    if request.param == "aot":
        request.getfixturevalue("aotc")
        paths = [aot.compile_wasm(p, "x86_64", output=tmp_path / (p.stem + ".aot"), quiet=True)
                 for p in paths]
    fw = request.getfixturevalue("classic_fw" if request.param == "classic" else "fw")
    return fw, paths


def test_mutable_globals_can_be_set(mode):
    fw, (kernels, globs) = mode
    out = fw.lines(f"""
import wasm
m = wasm.Module.load({str(kernels)!r})
print(m.is_aot)
inst = wasm.Instance(m)
e = inst.exports
print(e.counter, e.counter is e['counter'], e.counter.value, e.bump(), e.counter.value)
e.counter = 100
print(e.counter.value, e.bump(), e.counter.value)
e['counter'] = -1
print(e['counter'].value, e.bump())
e.counter = 0xFFFFFFFF
print(e.counter.value)
other = wasm.Instance(m)
print(other.exports.counter.value)
g = wasm.Instance(wasm.Module.load({str(globs)!r})).exports
print(g.sum())
g.g64 = 2**40
g.f32 = 0.25
g.f64.value = 3
print(g.g64.value, g.f32.value, g.f64.value, g.sum())
""")
    assert out == [
        str(kernels.suffix == ".aot"),
        "<wasm.Global mut i32 8> True 7 8 8", "100 101 101", "-1 0", "-1", "7",
        "10.0",
        "1099511627776 0.25 3.0 1099511627784.25",
    ]


def test_what_cannot_be_assigned(mode):
    fw, (kernels, globs) = mode
    out = fw.lines(f"""
import wasm
inst = wasm.Instance(wasm.Module.load({str(kernels)!r}))
g = wasm.Instance(wasm.Module.load({str(globs)!r})).exports
def attempt(f):
    try:
        f()
        print('accepted')
    except Exception as e:
        print(type(e).__name__, e)
def setattr_(obj, name, value):
    setattr(obj, name, value)
def setitem(obj, name, value):
    obj[name] = value
def delitem(obj, name):
    del obj[name]
attempt(lambda: setattr_(g, 'k', 6))
attempt(lambda: setitem(g, 'k', 6))
attempt(lambda: setattr_(inst.exports, 'bump', 1))
attempt(lambda: setitem(inst.exports, 'bump', 1))
attempt(lambda: setattr_(inst.exports, 'nothing', 1))
attempt(lambda: setattr_(inst.exports, 'counter', 'x'))
attempt(lambda: setattr_(inst.exports, 'counter', 2**32))
attempt(lambda: setattr_(g, 'f64', 'x'))
attempt(lambda: delitem(inst.exports, 'counter'))
attempt(lambda: setattr_(g.k, 'value', 6))
attempt(lambda: setattr_(g.f32, 'value', 'x'))
print(g.k.value, inst.exports.counter.value)
""")
    assert out == [
        "AttributeError exported global 'k' is immutable",
        "AttributeError exported global 'k' is immutable",
        "AttributeError exports are read-only",
        "TypeError exports are read-only",
        "AttributeError 'Exports' object has no attribute 'nothing'",
        "TypeError counter() argument 1: expected int for i32, got str",
        "OverflowError counter() argument 1: int out of range for i32",
        "TypeError f64() argument 1: expected float for f64, got str",
        "TypeError exports are read-only",
        "AttributeError wasm.Global is immutable",
        "TypeError Global.value() argument 1: expected float for f32, got str",
        "5 7",
    ]
