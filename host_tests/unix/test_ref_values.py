"""Reference values and exported tables (issue 14): funcref arguments and
results as wasm.Function objects of the same instance (or None), externref
carrying any Python object across the guest and back, wasm.Table views of
exported tables; on the fast and classic interpreters and as AOT code, with
the same results in every mode."""

import subprocess

import pytest

from wat_modes import MODES, PRELUDE, build_for_mode

REFS_WAT = """
(module
  (type $ii (func (param i32) (result i32)))
  (import "env" "host" (func $host (param i32) (result i32)))
  (import "env" "tick" (func $tick))
  (table $t (export "t") 4 funcref)
  (table $ext (export "ext") 2 10 externref)
  (global $held (mut externref) (ref.null extern))
  (elem (table $t) (i32.const 0) func $double $hidden)
  (elem declare func $host)
  (func $double (export "double") (type $ii) local.get 0 i32.const 2 i32.mul)
  (func $hidden (type $ii) local.get 0 i32.const 1 i32.add)
  (func (export "id_ext") (param externref) (result externref) local.get 0)
  (func (export "id_func") (param funcref) (result funcref) local.get 0)
  (func (export "is_null") (param externref) (result i32) local.get 0 ref.is_null)
  (func (export "slot") (param i32) (result funcref) local.get 0 table.get $t)
  (func (export "call_slot") (param i32 i32) (result i32)
    local.get 1 local.get 0 call_indirect $t (type $ii))
  (func (export "keep") (param externref) local.get 0 global.set $held)
  (func (export "kept") (result externref) global.get $held)
  (func (export "store") (param i32 externref) local.get 0 local.get 1 table.set $ext)
  (func (export "load") (param i32) (result externref) local.get 0 table.get $ext)
  (func (export "grow_ext") (param i32 externref) (result i32)
    local.get 1 local.get 0 table.grow $ext)
  (func (export "swap") (param externref i64 externref) (result externref i64 externref)
    local.get 2 local.get 1 local.get 0)
  (func (export "ref_double") (result funcref) ref.func $double)
  (func (export "ref_host") (result funcref) ref.func $host)
  ;; Holds its argument on the wasm stack while a host function runs.
  (func (export "hold") (param externref) (result externref) call $tick local.get 0))
"""


@pytest.fixture(params=MODES)
def mode(request, tmp_path):
    """(firmware, module path) for one mode."""
    fw, paths = build_for_mode(request, tmp_path, {"refs": REFS_WAT})
    return fw, paths["refs"]


HOSTS = PRELUDE + """
def host(x):
    return x + 1000
tick_hook = [None]
def tick():
    if tick_hook[0]:
        tick_hook[0]()
def new(path):
    return wasm.Instance(wasm.Module.load(path), {"env": {"host": host, "tick": tick}})
"""


def test_externref_carries_python_objects(mode):
    fw, path = mode
    out = fw.lines(HOSTS + f"""
e = new({str(path)!r}).exports
o, d = object(), {{"k": 1}}
print(e.id_ext(o) is o, e.id_ext(d) is d, e.id_ext(None), e.id_ext(0), e.id_ext(""))
print(e.is_null(None), e.is_null(0), e.is_null(False), e.is_null(o))
a, n, b = e.swap("first", -2**63, [3])
print(a, n, b)
e.keep(d)
e.store(1, o)
print(e.kept() is d, e.load(1) is o, e.load(0))
print(e.grow_ext(3, "fill"), e.load(4), e.grow_ext(100, None))
attempt(lambda: e.load(5))
""")
    assert out == [
        "True True None 0 ",
        "1 0 0 0",
        "[3] -9223372036854775808 first",
        "True True None",
        "2 fill -1",
        "Trap out of bounds table access",
    ]


def test_externref_objects_are_released_once_the_guest_drops_them(mode):
    # 5,000 distinct 1 KB objects: kept all, they would not fit the 2 MB
    # heap. Objects the guest holds in a global or a table survive sweeps.
    fw, path = mode
    out = fw.lines(HOSTS + f"""
inst = new({str(path)!r})
e = inst.exports
x, y = ["in a global"], ["in a table"]
e.keep(x)
e.store(0, y)
for i in range(5000):
    if e.id_ext(bytearray(1000)) is None:
        print("lost")
print(e.kept() is x, e.load(0) is y, e.load(1))
e.keep(None)
e.store(0, None)
for i in range(5000):
    e.id_ext(bytearray(1000))
print(e.kept(), e.load(0))
""")
    assert out == ["True True None", "None None"]


def test_externrefs_on_the_guest_stack_survive_nested_calls(mode):
    # While `hold` keeps its argument on the wasm stack, a host function
    # makes hundreds of calls with new objects: no handle may be reused.
    fw, path = mode
    out = fw.lines(HOSTS + f"""
e = new({str(path)!r}).exports
def churn():
    for i in range(300):
        e.id_ext(object())
tick_hook[0] = churn
mine = ["held"]
print(e.hold(mine) is mine)
tick_hook[0] = None
print(e.hold(None))
""")
    assert out == ["True", "None"]


def test_funcref_arguments_and_results(mode):
    fw, path = mode
    out = fw.lines(HOSTS + f"""
inst = new({str(path)!r})
e = inst.exports
print(e.id_func(e.double) is e.double, e.id_func(None), e.ref_double() is e.double)
hidden = e.slot(1)
print(hidden, hidden(5), e.slot(1) is hidden, e.slot(2))
h = e.ref_host()
print(h, h(7), e.ref_host() is h)
other = new({str(path)!r})
attempt(lambda: e.id_func(other.exports.double))
attempt(lambda: e.id_func(5))
attempt(lambda: e.id_func(host))
attempt(lambda: e.slot(4))
""")
    assert out == [
        "True None True",
        "<wasm.Function func[3]> 6 True None",
        "<wasm.Function func[0]> 1007 True",
        "TypeError id_func() argument 1: a funcref must be a function of the same instance",
        "TypeError id_func() argument 1: expected wasm.Function or None for funcref, got int",
        "TypeError id_func() argument 1: expected wasm.Function or None for funcref, got function",
        "Trap out of bounds table access",
    ]


def test_exported_tables(mode):
    fw, path = mode
    out = fw.lines(HOSTS + f"""
inst = new({str(path)!r})
e = inst.exports
t, x = e.t, e.ext
print(t, len(t), t.kind, t.max, t is e.t, isinstance(t, wasm.Table), e["ext"] is x)
print(t[0] is e.double, t[1], t[-4] is e.double, t[2], t[3])
t[2] = e.double
print(e.call_slot(2, 21))
t[3] = t[1]
print(e.call_slot(3, 21))
t[2] = None
attempt(lambda: e.call_slot(2, 1))
o = object()
x[0] = o
print(x, e.load(0) is o, x[0] is o, x[1])
print(x.grow(3, "s"), len(x), x[4], e.load(3), x.grow(0), len(x))
attempt(lambda: x.grow(6))
attempt(lambda: x.grow(-1))
attempt(lambda: t.grow(1))
attempt(lambda: t[4])
attempt(lambda: t[-5])
attempt(lambda: t["0"])
attempt(lambda: t.__setitem__(0, 3))
def set_item(tbl, i, v):
    tbl[i] = v
attempt(lambda: set_item(t, 0, new({str(path)!r}).exports.double))
attempt(lambda: set_item(t, 0, 3))
attempt(lambda: set_item(t, 9, None))
def del_item():
    del t[0]
attempt(del_item)
print(wasm.Table(3))
print(t[0] is e.double)
inst.close()
attempt(lambda: len(t))
attempt(lambda: t[0])
print(t)
""")
    assert out == [
        "<wasm.Table funcref 4/4> 4 funcref 4 True True True",
        "True <wasm.Function func[3]> True None None",
        "42",
        "22",
        "Trap uninitialized element",
        "<wasm.Table externref 2/10> True True None",
        "2 5 s s 5 5",
        "Error cannot grow table by 6 elements (now 5, max 10)",
        "ValueError n must be >= 0",
        "Error cannot grow table by 1 elements (now 4, max 4)",
        "IndexError Table index out of range",
        "IndexError Table index out of range",
        "TypeError Table indices must be integers, not str",
        "AttributeError 'Table' object has no attribute '__setitem__'",
        "TypeError Table.set() argument 2: a funcref must be a function of the same instance",
        "TypeError Table.set() argument 2: expected wasm.Function or None for funcref, got int",
        "IndexError Table index out of range",
        "TypeError wasm tables cannot shrink",
        "<wasm.Table funcref 3 (not imported)>",
        "True",
        "ValueError wasm instance is closed",
        "ValueError wasm instance is closed",
        "<wasm.Table of a closed instance>",
    ]


def test_tables_written_by_python_inside_a_host_call(mode):
    # Re-entry: the guest calls out, Python rewires the table under it, and
    # the guest's next call_indirect sees the change.
    fw, path = mode
    out = fw.lines(HOSTS + f"""
inst = new({str(path)!r})
e = inst.exports
def rewire():
    e.t[0] = e.slot(1)
    e.ext.grow(1, "from the host")
    attempt(inst.close)
tick_hook[0] = rewire
print(e.hold("x"), e.call_slot(0, 1), len(e.ext), e.load(2))
""")
    assert out == ["RuntimeError instance is running", "x 2 3 from the host"]


# Host functions taking and returning references.
HOSTREF_WAT = """
(module
  (import "env" "lookup" (func $lookup (param externref i32) (result externref)))
  (import "env" "make" (func $make (result externref)))
  (import "env" "pick" (func $pick (param funcref) (result funcref)))
  (func $one (export "one") (result i32) i32.const 1)
  (elem declare func $one)
  (func (export "run") (param externref) (result externref) local.get 0 i32.const 5 call $lookup)
  (func (export "fresh") (result externref) call $make)
  (func (export "via_pick") (result funcref) ref.func $one call $pick))
"""


@pytest.fixture(params=MODES)
def host_mode(request, tmp_path):
    fw, paths = build_for_mode(request, tmp_path, {"hostref": HOSTREF_WAT})
    return fw, paths["hostref"]


def test_host_functions_take_and_return_references(host_mode):
    fw, path = host_mode
    out = fw.lines(PRELUDE + f"""
box = {{"k": 1}}
made, picked = [], []
def lookup(obj, n):
    print("lookup got", obj is box, n)
    return [obj, n]
def make():
    made.append(object())
    return made[-1]
def pick(f):
    picked.append(f)
    return f
m = wasm.Module.load({str(path)!r})
print(m.imports())
def new(p=pick):
    return wasm.Instance(m, {{"env": {{"lookup": lookup, "make": make, "pick": p}}}})
e = new().exports
r = e.run(box)
print(r[0] is box, r[1], e.run(None))
print(e.fresh() is made[-1], e.via_pick() is e.one, picked[0] is e.one)
attempt(lambda: new(lambda f: 5).exports.via_pick())
attempt(lambda: new(lambda f: e.one).exports.via_pick())
attempt(lambda: new(lambda f: None).exports.via_pick())
for i in range(3000):
    e.fresh()
print(len(made))
""")
    assert out == [
        "[('env', 'lookup', 'func (ri)r'), ('env', 'make', 'func ()r'), ('env', 'pick', 'func (r)r')]",
        "lookup got True 5",
        "lookup got False 5",
        "True 5 [None, 5]",
        "True True True",
        "TypeError pick() return value: expected wasm.Function or None for funcref, got int",
        "TypeError pick() return value: a funcref must be a function of the same instance",
        "None",
        "3001",
    ]


def test_a_funcref_import_name_with_two_types_is_refused(fw, tmp_path):
    # WAMR's native signatures cannot say "funcref": such an import is
    # linked by name alone, so the name must not come again with another type.
    src = tmp_path / "twice.wat"
    src.write_text('(module (import "env" "f" (func (param funcref))) (import "env" "f" (func (param i32))))')
    subprocess.run(["wat2wasm", str(src), "-o", str(tmp_path / "twice.wasm")], check=True)
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(tmp_path / 'twice.wasm')!r})
print(m.imports())
attempt(lambda: wasm.Instance(m, {{"env": {{"f": print}}}}))
""")
    assert out == [
        "[('env', 'f', 'func (r)'), ('env', 'f', 'func (i)')]",
        "LinkError import env.f: imported twice with different types, one with a funcref",
    ]


# Exported globals of reference type, and one imported.
REF_GLOBALS_WAT = """
(module
  (global $e (export "e") (mut externref) (ref.null extern))
  (global $f (export "f") (mut funcref) (ref.func $one))
  (global $c (export "c") funcref (ref.func $one))
  (func $one (export "one") (result i32) i32.const 1)
  (func (export "get_e") (result externref) global.get $e)
  (func (export "f_is_null") (result i32) global.get $f ref.is_null))
"""

REF_IMPORT_WAT = '(module (import "env" "g" (global externref)))'

# Imports a mutable and an immutable externref global; `set_then_host`
# stores into the mutable one and reads it back after a host call.
REF_USER_WAT = """
(module
  (import "env" "g" (global $g (mut externref)))
  (import "env" "k" (global $k externref))
  (import "env" "host" (func $host))
  (export "g" (global $g))
  (func (export "get") (result externref) global.get $g)
  (func (export "set") (param externref) local.get 0 global.set $g)
  (func (export "get_k") (result externref) global.get $k)
  (func (export "id") (param externref) (result externref) local.get 0)
  (func (export "set_then_host") (param externref) (result externref)
    local.get 0 global.set $g call $host global.get $g))
"""

FUNCREF_IMPORT_WAT = '(module (import "env" "f" (global funcref)))'


@pytest.fixture(params=MODES)
def globals_mode(request, tmp_path):
    return build_for_mode(request, tmp_path, {"globals": REF_GLOBALS_WAT, "importer": REF_IMPORT_WAT,
                                              "user": REF_USER_WAT, "funcref_importer": FUNCREF_IMPORT_WAT})


def test_exported_reference_globals(globals_mode):
    fw, p = globals_mode
    out = fw.lines(PRELUDE + f"""
m = wasm.Module.load({str(p['globals'])!r})
inst = wasm.Instance(m)
e = inst.exports
print(e.e, e.f, e.c, e.e.type)
o = ["obj"]
e.e.value = o
print(e.get_e() is o, e.e.value is o, e.f.value is e.one, e.c.value is e.one)
e.f.value = None
print(e.f_is_null(), e.f.value)
attempt(lambda: setattr(e.c, "value", None))
attempt(lambda: setattr(e.f, "value", 3))
attempt(lambda: setattr(e.f, "value", wasm.Instance(m).exports.one))
e.e = "via exports"
for i in range(2000):
    inst.exports.get_e()
print(e.get_e(), e.e.value)
g = e.e
f = e.f
inst.close()
print(g.value, g)
# Without its instance it holds the object itself, as a Python-made one.
g.value = 1
print(g.value)
attempt(lambda: wasm.Instance(wasm.Module.load({str(p['importer'])!r}), {{"env": {{"g": g}}}}))
attempt(lambda: setattr(f, "value", g))
""")
    assert out == [
        "<wasm.Global mut externref None> <wasm.Global mut funcref <wasm.Function one>> "
        "<wasm.Global funcref <wasm.Function one>> global mut externref",
        "True True True True",
        "1 None",
        "AttributeError wasm.Global is immutable",
        "TypeError Global.value() argument 1: expected wasm.Function or None for funcref, got int",
        "TypeError Global.value() argument 1: a funcref must be a function of the same instance",
        "via exports via exports",
        "via exports <wasm.Global mut externref 'via exports'>",
        "1",
        "LinkError import env.g: the module imports global externref, the wasm.Global is global mut externref",
        "TypeError Global.value: a funcref global without its instance can only be None",
    ]


def test_externref_globals_shared_by_instances(globals_mode):
    # One mutable externref global imported by two instances and written by
    # each guest and by Python (also while a guest waits in a host call);
    # the handle each instance keeps for it survives its handle sweeps.
    fw, p = globals_mode
    out = fw.lines(PRELUDE + f"""
g = wasm.Global("externref", None, mutable=True)
k_obj = ["k"]
k = wasm.Global("externref", k_obj)
seen = []
def host():
    seen.append(g.value)
    g.value = "from host"
user = wasm.Module.load({str(p['user'])!r})
env = {{"env": {{"g": g, "k": k, "host": host}}}}
a = wasm.Instance(user, env)
b = wasm.Instance(user, env)
print(g, a.exports.get(), a.exports.get_k() is k_obj, b.exports.g is g, k.value is k_obj)
o = object()
a.exports.set(o)
print(g.value is o, b.exports.get() is o)
g.value = 5
print(a.exports.get(), b.exports.get())
x = ["x"]
print(b.exports.set_then_host(x), seen[0] is x, a.exports.get(), g.value)
b.exports.set(None)
print(g.value, a.exports.get())
g.value = o
for i in range(3000):
    a.exports.id(bytearray(8))
print(a.exports.get() is o, b.exports.get() is o, a.exports.get_k() is k_obj)
q = ["q"]
a.exports.set(q)
for i in range(3000):
    a.exports.id(bytearray(8))
print(g.value is q, a.exports.get() is q, b.exports.get() is q)
a.close()
print(b.exports.get() is q, g.value is q)
""")
    assert out == [
        "<wasm.Global mut externref None> None True True True",
        "True True",
        "5 5",
        "from host True from host from host",
        "None None",
        "True True True",
        "True True True",
        "True True",
    ]


def test_an_instances_own_externref_global_shared_with_another(globals_mode):
    # The exporter's mutable externref global, imported by a second
    # instance while the exporter waits in a host call of its own.
    fw, p = globals_mode
    out = fw.lines(PRELUDE + f"""
owner = wasm.Instance(wasm.Module.load({str(p['globals'])!r}))
user = wasm.Module.load({str(p['user'])!r})
e = owner.exports.e
start = ["start"]
e.value = start
k = wasm.Global("externref", None)
later = []
def host():
    later.append(wasm.Instance(user, {{"env": {{"g": owner.exports.e, "k": k, "host": print}}}}))
    later[0].exports.set(later)
c = wasm.Instance(user, {{"env": {{"g": e, "k": k, "host": host}}}})
print(c.exports.get() is start, owner.exports.e is e, c.exports.g is e)
x = ["x"]
c.exports.set(x)
print(owner.exports.get_e() is x, e.value is x)
print(c.exports.set_then_host(start) is later, owner.exports.get_e() is later, later[0].exports.get() is later)
e.value = None
print(owner.exports.get_e(), c.exports.get(), later[0].exports.get())
for i in range(3000):
    owner.exports.get_e()
    c.exports.id(bytearray(4))
e.value = x
print(owner.exports.get_e() is x, c.exports.get() is x)
owner.close()
c.exports.set(start)
print(e.value is start, later[0].exports.get() is start)
""")
    assert out == [
        "True True True",
        "True True",
        "True True True",
        "None None None",
        "True True",
        "True True",
    ]


def test_reference_globals_that_cannot_be_imported(globals_mode):
    fw, p = globals_mode
    out = fw.lines(PRELUDE + f"""
owner = wasm.Instance(wasm.Module.load({str(p['globals'])!r}))
user = wasm.Module.load({str(p['user'])!r})
k = wasm.Global("externref", None)
attempt(lambda: wasm.Instance(wasm.Module.load({str(p['funcref_importer'])!r}), {{"env": {{"f": owner.exports.c}}}}))
attempt(lambda: wasm.Global("funcref", None))
attempt(lambda: wasm.Instance(user, {{"env": {{"g": wasm.Global("externref", 1), "k": k, "host": print}}}}))
""")
    assert out == [
        "LinkError import env.f (global funcref): funcref globals cannot be imported "
        "(a funcref is an index into its own instance's functions)",
        "ValueError Global kind must be 'i32', 'i64', 'f32', 'f64' or 'externref'",
        "LinkError import env.g: the module imports global mut externref, the wasm.Global is global externref",
    ]
