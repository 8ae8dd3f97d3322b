"""Import and export names holding U+0000 (WAMR patch 0033): a valid module,
so it loads, and the names reach Python as the strs the module wrote, on
both interpreters and as AOT code."""

import subprocess

import pytest

from scripts import aot

NAMES_WAT = r"""
(module
  (import "env\00x" "cb\00" (func $cb (param i32) (result i32)))
  (global (export "g\00") (mut i32) (i32.const 7))
  (func (export "f") (result i32) (i32.const 1))
  (func (export "f\00x") (result i32) (i32.const 2))
  (func (export "f\00y") (result i32) (i32.const 3))
  (func (export "\00") (param i32) (result i32) (call $cb (local.get 0))))
"""


@pytest.fixture(params=["fast", "classic", "aot"])
def names_module(request, tmp_path):
    """(firmware, path of the module) for one mode."""
    wat = tmp_path / "names.wat"
    wat.write_text(NAMES_WAT)
    path = tmp_path / "names.wasm"
    subprocess.run(["wat2wasm", str(wat), "-o", str(path)], check=True)
    if request.param == "aot":
        request.getfixturevalue("aotc")
        path = aot.compile_wasm(path, "x86_64", output=tmp_path / "names.aot", quiet=True)
    fw = request.getfixturevalue("classic_fw" if request.param == "classic" else "fw")
    return fw, path


def test_names_with_u0000_are_listed_and_called(names_module):
    fw, path = names_module
    out = fw.lines(f"""
import wasm
m = wasm.Module.load({str(path)!r})
print([n for n, k in m.exports()])
print([(mod, n) for mod, n, k in m.imports()])
inst = wasm.Instance(m, imports={{"env\\x00x": {{"cb\\x00": lambda x: x * 10}}}})
e = inst.exports
print(e["f"](), e["f\\x00x"](), e["f\\x00y"](), inst.call("f\\x00y"), e["\\x00"](4))
print(e["g\\x00"].value)
e["g\\x00"] = 9
print(e["g\\x00"].value)
""")
    assert out == [
        r"['g\x00', 'f', 'f\x00x', 'f\x00y', '\x00']",
        r"[('env\x00x', 'cb\x00')]",
        "1 2 3 3 40",
        "7",
        "9",
    ]


def test_a_name_with_u0000_is_not_its_prefix(names_module):
    fw, path = names_module
    out = fw.lines(f"""
import wasm
m = wasm.Module.load({str(path)!r})
inst = wasm.Instance(m, imports={{"env\\x00x": {{"cb\\x00": lambda x: x}}}})
for name in ("f\\x00z", "g", "\\x00\\x00"):
    try:
        inst.exports[name]
        print("found", repr(name))
    except KeyError:
        print("KeyError", repr(name))
try:
    inst.call("f\\x00z")
except AttributeError as exc:
    print("AttributeError")
try:
    wasm.Instance(m, imports={{"env": {{"cb": lambda x: x}}}})
except wasm.LinkError as exc:
    print("LinkError")
""")
    assert out == [r"KeyError 'f\x00z'", "KeyError 'g'", r"KeyError '\x00\x00'",
                   "AttributeError", "LinkError"]
