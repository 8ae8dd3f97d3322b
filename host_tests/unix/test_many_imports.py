"""A module with 2000 imports loads, lists its imports in declaration order
and links them, in every mode: AOT's import list is read in one pass (it
used to be rescanned from the start for every entry and every rank, cubic in
the number of imports)."""

import subprocess

import pytest

from scripts import aot

COUNT = 2000
SIGS = (("(param i32) (result i32)", "func (i)i"), ("(param i64 f64)", "func (IF)"),
        ("(result f32)", "func ()f"))


def imports_wat(with_globals):
    """COUNT imports over three modules, functions of three types, and (with
    `with_globals`) every 7th a global: AOT ranks functions and globals apart."""
    lines, expected = ["(module"], []
    for i in range(COUNT):
        module = ("env", "host", "x")[i % 3]
        if with_globals and i % 7 == 3:
            lines.append(f'  (import "{module}" "g{i}" (global i32))')
            expected.append((module, f"g{i}", "global i32"))
        else:
            wat_sig, kind = SIGS[i % len(SIGS)]
            lines.append(f'  (import "{module}" "f{i}" (func {wat_sig}))')
            expected.append((module, f"f{i}", kind))
    if not with_globals:
        # Functions 0 and 1998 are (i)i: the first and one near the end.
        lines.append('  (func (export "first") (param i32) (result i32) (call 0 (local.get 0)))')
        lines.append('  (func (export "last") (param i32) (result i32) (call 1998 (local.get 0)))')
    lines.append(")")
    # WAMR lists function imports first, then globals, each kind in
    # declaration order; AOT files list theirs the same way.
    expected.sort(key=lambda e: e[2].startswith("global"))
    return "\n".join(lines), expected


@pytest.fixture(params=["fast", "classic", "aot"])
def built(request, tmp_path):
    """(firmware, {with_globals: (module path, expected imports)})."""
    modules = {}
    for with_globals in (False, True):
        text, expected = imports_wat(with_globals)
        stem = tmp_path / f"many{int(with_globals)}"
        stem.with_suffix(".wat").write_text(text)
        subprocess.run(["wat2wasm", str(stem.with_suffix(".wat")), "-o", str(stem.with_suffix(".wasm"))],
                       check=True)
        path = stem.with_suffix(".wasm")
        if request.param == "aot":
            request.getfixturevalue("aotc")
            path = aot.compile_wasm(path, "x86_64", output=stem.with_suffix(".aot"), quiet=True)
        modules[with_globals] = (str(path), expected)
    fw = request.getfixturevalue("classic_fw" if request.param == "classic" else "fw")
    return fw, modules


def test_2000_imports_are_listed_in_order(built):
    fw, modules = built
    for path, expected in modules.values():
        out = fw.lines(f"""
import wasm
m = wasm.Module.load({path!r})
for entry in m.imports():
    print(*entry)
print(m.imports() == m.imports())
""")
        assert out == [" ".join(e) for e in expected] + ["True"]


def test_2000_python_imports_link(built):
    fw, modules = built
    path, _ = modules[False]
    out = fw.lines(f"""
import wasm
m = wasm.Module.load({path!r})
calls = []
def make(i):
    def f(*args):
        calls.append(i)
        return {{0: args[0] + 1, 1: None, 2: 0.5}}[i % 3]
    return f
imports = {{'env': {{}}, 'host': {{}}, 'x': {{}}}}
for i in range({COUNT}):
    imports[('env', 'host', 'x')[i % 3]]['f%d' % i] = make(i)
e = wasm.Instance(m, imports).exports
print(e.first(41), e.last(9), calls)
del imports['x']['f1001']
try:
    wasm.Instance(m, imports)
except wasm.LinkError as exc:
    print(exc)
""")
    assert out == ["42 10 [0, 1998]", "missing import x.f1001 (func ()f)"]
