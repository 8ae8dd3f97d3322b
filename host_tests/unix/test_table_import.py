"""wasm.Table(size, max, kind) and imported tables (issue 14, WAMR patch
0091): a module that imports a table gets one of the wasm.Table's size,
capped at its maximum, and the object becomes that table's view; sharing
one between instances is refused with a clear LinkError; on the fast and
classic interpreters and as AOT code, with the same results in every mode."""

import pytest

from wat_modes import MODES, PRELUDE, build_for_mode

# A funcref table from a module other than "env", which the module grows
# and re-exports, and an externref table it never grows.
IMPORTER_WAT = """
(module
  (type $ii (func (param i32) (result i32)))
  (import "mylib" "tbl" (table $t 2 6 funcref))
  (import "env" "ext" (table $x 1 externref))
  (export "tbl" (table $t))
  (elem (table $t) (i32.const 0) func $double)
  (func $double (export "double") (type $ii) local.get 0 i32.const 2 i32.mul)
  (func (export "call") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect $t (type $ii))
  (func (export "size") (result i32) table.size $t)
  (func (export "grow") (param i32) (result i32) ref.null func local.get 0 table.grow $t)
  (func (export "getx") (param i32) (result externref) local.get 0 table.get $x)
  (func (export "setx") (param i32 externref) local.get 0 local.get 1 table.set $x))
"""

# Imports two tables of the same type.
TWICE_WAT = """
(module
  (import "env" "a" (table 2 externref))
  (import "env" "b" (table 2 externref)))
"""

# Its element segment lies beyond the module's minimum.
PLACED_WAT = """
(module
  (import "env" "tbl" (table 1 funcref))
  (func $f)
  (func (export "grow") (result i32) ref.null func i32.const 0 table.grow 0)
  (elem (i32.const 2) func $f))
"""


@pytest.fixture(params=MODES)
def mode(request, tmp_path):
    """(firmware, {name: module path}) for one mode."""
    return build_for_mode(request, tmp_path, {"importer": IMPORTER_WAT, "placed": PLACED_WAT,
                                              "twice": TWICE_WAT})


def test_table_objects_before_any_import(fw):
    out = fw.lines(PRELUDE + """
t = wasm.Table(3, 5)
x = wasm.Table(size=1, kind="externref")
print(t, len(t), t.kind, t.max, x, x.kind, x.max)
attempt(lambda: t[0])
attempt(lambda: t.__class__.grow(t, 1, None))
print(len(t))
attempt(lambda: t.grow(2))
attempt(lambda: x.grow(1, "x"))
attempt(lambda: wasm.Table(-1))
attempt(lambda: wasm.Table(10000001))
attempt(lambda: wasm.Table(2, 1))
attempt(lambda: wasm.Table(2, kind="i32"))
attempt(lambda: wasm.Table(2, kind=None))
""")
    assert out == [
        "<wasm.Table funcref 3 (not imported)> 3 funcref 5 <wasm.Table externref 1 (not imported)> externref None",
        "ValueError wasm.Table holds no elements until an instance imports it",
        "3",
        "4",
        "Error cannot grow table by 2 elements (now 4, max 5)",
        "ValueError wasm.Table holds no elements until an instance imports it",
        "ValueError size must be between 0 and 10000000",
        "ValueError size must be between 0 and 10000000",
        "ValueError max must be between size and 10000000",
        "ValueError Table kind must be 'funcref' or 'externref'",
        "ValueError Table kind must be 'funcref' or 'externref'",
    ]


def test_imported_tables_are_the_instances_tables(mode):
    fw, p = mode
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(p['importer'])!r})
print(m.imports())
t = wasm.Table(3, 5)
x = wasm.Table(1, kind="externref")
inst = wasm.Instance(m, {{"mylib": {{"tbl": t}}, "env": {{"ext": x}}}})
e = inst.exports
print(e.tbl is t, len(t), t.max, t[0] is e.double, t[1], t[2], e.size())
t[2] = e.double
print(e.call(2, 21), e.grow(1), len(t), e.grow(1), e.grow(1))
attempt(lambda: t.grow(1))
o = ["host"]
x[0] = o
print(e.getx(0) is o)
e.setx(0, None)
print(x[0], len(x), x.max)
attempt(lambda: x.grow(1))
other = wasm.Instance(m, {{"mylib": {{"tbl": wasm.Table(2, 6)}}, "env": {{"ext": wasm.Table(1, kind="externref")}}}})
def set_item(tbl, i, v):
    tbl[i] = v
attempt(lambda: set_item(t, 0, other.exports.double))
inst.close()
attempt(lambda: t[0])
""")
    assert out == [
        "[('mylib', 'tbl', 'table'), ('env', 'ext', 'table')]",
        "True 3 5 True None None 3",
        "42 3 4 4 -1",
        "Error cannot grow table by 1 elements (now 5, max 5)",
        "True",
        "None 1 1",
        "Error cannot grow table by 1 elements (now 1, max 1)",
        "TypeError Table.set() argument 2: a funcref must be a function of the same instance",
        "ValueError wasm instance is closed",
    ]


def test_imported_table_link_errors(mode):
    fw, p = mode
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(p['importer'])!r})
def new(tbl, ext=None):
    return wasm.Instance(m, {{"mylib": {{"tbl": tbl}}, "env": {{"ext": ext or wasm.Table(1, kind="externref")}}}})
a = new(wasm.Table(2, 6))
attempt(lambda: new(a.exports.tbl))
attempt(lambda: new(wasm.Table(1, 5)))
attempt(lambda: new(wasm.Table(2, 7)))
attempt(lambda: new(wasm.Table(2)))
attempt(lambda: new(wasm.Table(2, 6, kind="externref")))
attempt(lambda: new(wasm.Table(2, 6), wasm.Table(1)))
attempt(lambda: new(wasm.Table(2, 6), wasm.Table(2, kind="externref")))
attempt(lambda: new(wasm.Table(2, 6), 3))
attempt(lambda: wasm.Instance(m, {{"mylib": {{"tbl": wasm.Table(2, 6)}}}}))
both = wasm.Table(2, 6, kind="externref")
attempt(lambda: wasm.Instance(wasm.Module.load({str(p['twice'])!r}), {{"env": {{"a": both, "b": both}}}}))
print(a.exports.call(0, 4))
""")
    assert out == [
        "LinkError import mylib.tbl: the wasm.Table is already an instance's table (WAMR 2.4 tables "
        "hold their own instance's functions: one cannot be shared)",
        "LinkError import mylib.tbl: the module imports table funcref 2..6, the wasm.Table is funcref 1..5",
        "LinkError import mylib.tbl: the module imports table funcref 2..6, the wasm.Table is funcref 2..7",
        "LinkError import mylib.tbl: the module imports table funcref 2..6, the wasm.Table is funcref 2..",
        "LinkError import mylib.tbl: the module imports table funcref 2..6, the wasm.Table is externref 2..6",
        "LinkError import env.ext: the module imports table externref 1.., the wasm.Table is funcref 1..",
        "LinkError import env.ext: the module never grows this table (no table.grow), so WAMR gives "
        "it its 1 elements; the wasm.Table has 2",
        "LinkError import env.ext must be a wasm.Table, not int",
        "LinkError missing import env.ext (table)",
        "LinkError import env.b: one wasm.Table cannot be imported twice",
        "8",
    ]


def test_element_segments_use_the_tables_size(mode):
    # The segment at index 2 fits a wasm.Table of 3, not the module's 1; a
    # failed instantiation leaves the object importable.
    fw, p = mode
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(p['placed'])!r})
small = wasm.Table(1)
attempt(lambda: wasm.Instance(m, {{"env": {{"tbl": small}}}}))
attempt(lambda: small[0])
big = wasm.Table(3)
inst = wasm.Instance(m, {{"env": {{"tbl": big}}}})
print(len(big), big[0], big[2], inst.exports.grow())
inst2 = wasm.Instance(m, {{"env": {{"tbl": small.grow(2) and small}}}})
print(len(small), small[2])
""")
    assert out[0].startswith("LinkError instantiation failed: ")
    assert out[1:] == [
        "ValueError wasm.Table holds no elements until an instance imports it",
        "3 None <wasm.Function func[0]> 3",
        "3 <wasm.Function func[0]>",
    ]
