"""wasm.Global: globals as objects, imported by instances and shared between
them (issue 14), on the fast and classic interpreters and as AOT code, with
the same results in every mode."""

import pytest

from wat_modes import MODES, build_for_mode

# Imports a mutable i32 and an immutable i64, re-exports the first, exports
# a global initialised from the second, and calls a host function between
# a write and a read of the shared global.
IMPORTER_WAT = """
(module
  (import "env" "g" (global $g (mut i32)))
  (import "env" "k" (global $k i64))
  (import "env" "host" (func $host))
  (global $derived (export "derived") i64 (global.get $k))
  (global $own (export "own") (mut f32) (f32.const 1.5))
  (export "g" (global $g))
  (func (export "get") (result i32) global.get $g)
  (func (export "k") (result i64) global.get $k)
  (func (export "inc") global.get $g i32.const 1 i32.add global.set $g)
  (func (export "inc_call") (result i32)
    global.get $g i32.const 1 i32.add global.set $g
    call $host
    global.get $g)
  (func (export "set_trap") (param i32) local.get 0 global.set $g unreachable))
"""

# Defines and exports a mutable global.
DEFINER_WAT = """
(module
  (global $c (export "c") (mut i32) (i32.const 40))
  (func (export "get") (result i32) global.get $c)
  (func (export "bump") global.get $c i32.const 10 i32.add global.set $c))
"""

# Imports one global twice, under two names.
TWICE_WAT = """
(module
  (import "env" "a" (global (mut i32)))
  (import "env" "b" (global (mut i32))))
"""

# An immutable imported global placing a data segment.
PLACED_WAT = """
(module
  (import "env" "at" (global $at i32))
  (memory (export "memory") 1)
  (data (global.get $at) "hi"))
"""


@pytest.fixture(params=MODES)
def mode(request, tmp_path):
    """(firmware, {name: module path}) for one mode."""
    return build_for_mode(request, tmp_path, {"importer": IMPORTER_WAT, "definer": DEFINER_WAT,
                                              "twice": TWICE_WAT, "placed": PLACED_WAT})


def test_global_objects(fw):
    out = fw.lines("""
import wasm
g = wasm.Global("i32", -5, mutable=True)
k = wasm.Global("f64", 2.5)
print(g, g.value, g.kind, g.mutable, g.type)
print(k, k.value, k.kind, k.mutable, k.type)
g.value = 0xFFFFFFFF
print(g.value)
print(wasm.Global("i64", 2**63).value, wasm.Global("f32", 0.1).value == 0.1, wasm.Global("f32", 0.5).value)
print(wasm.Global(kind="i32", value=3).value)
def attempt(f):
    try:
        f()
        print('accepted')
    except Exception as e:
        print(type(e).__name__, e)
def set_value(obj, v):
    obj.value = v
attempt(lambda: set_value(k, 1.0))
attempt(lambda: set_value(g, 2**32))
attempt(lambda: set_value(g, 1.5))
attempt(lambda: wasm.Global("v128", 0))
attempt(lambda: wasm.Global(32, 0))
attempt(lambda: wasm.Global("i32", "7"))
attempt(lambda: wasm.Global("i64", -2**63 - 1))
attempt(lambda: wasm.Global("i32"))
print(g.value, k.value)
""")
    assert out == [
        "<wasm.Global mut i32 -5> -5 i32 True global mut i32",
        "<wasm.Global f64 2.5> 2.5 f64 False global f64",
        "-1",
        "-9223372036854775808 False 0.5",
        "3",
        "AttributeError wasm.Global is immutable",
        "OverflowError Global.value() argument 1: int out of range for i32",
        "TypeError Global.value() argument 1: expected int for i32, got float",
        "ValueError Global kind must be 'i32', 'i64', 'f32', 'f64' or 'externref'",
        "ValueError Global kind must be 'i32', 'i64', 'f32', 'f64' or 'externref'",
        "TypeError Global() argument 2: expected int for i32, got str",
        "OverflowError Global() argument 2: int out of range for i64",
        "TypeError 'value' argument required",
        "-1 2.5",
    ]


def test_imported_globals_are_shared_with_the_host(mode):
    fw, p = mode
    out = fw.lines(f"""
import wasm
g = wasm.Global("i32", 5, mutable=True)
k = wasm.Global("i64", 2**40)
def host():
    print("host sees", g.value)
    g.value = 100
a = wasm.Instance(wasm.Module.load({str(p['importer'])!r}), {{"env": {{"g": g, "k": k, "host": host}}}})
print(a.exports.get(), a.exports.k(), a.exports.derived.value, a.exports.own.value)
a.exports.inc()
print(g.value)
print(a.exports.inc_call(), g.value)
g.value = -7
print(a.exports.get())
print(a.exports.g is g, a.exports.derived.mutable, a.exports.own.type)
try:
    a.exports.set_trap(55)
except wasm.Trap as e:
    print("Trap", e)
print(g.value, a.exports.get())
a.exports.g = 9
print(g.value, a.exports.get())
""")
    assert out == [
        "5 1099511627776 1099511627776 1.5",
        "6",
        "host sees 7",
        "100 100",
        "-7",
        "True False global mut f32",
        "Trap unreachable",
        "55 55",
        "9 9",
    ]


def test_instances_share_an_exported_global(mode):
    fw, p = mode
    out = fw.lines(f"""
import wasm, gc
d = wasm.Instance(wasm.Module.load({str(p['definer'])!r}))
c = d.exports.c
k = wasm.Global("i64", 1)
importer = wasm.Module.load({str(p['importer'])!r})
b = wasm.Instance(importer, {{"env": {{"g": c, "k": k, "host": d.exports.bump}}}})
b2 = wasm.Instance(importer, {{"env": {{"g": c, "k": k, "host": lambda: None}}}})
print(c, c is d.exports.c, b.exports.g is c)
# b writes 41, then d's bump (called by b) makes it 51: both see it.
print(b.exports.get(), b.exports.inc_call(), c.value, d.exports.get(), b2.exports.get())
c.value = 7
print(b.exports.get(), d.exports.get(), b2.exports.get())
b2.exports.inc()
print(b.exports.get(), d.exports.get())
# The defining instance closes: the global keeps its value and stays shared.
d.close()
print(c, b.exports.get())
b.exports.inc()
print(c.value, b2.exports.get())
# A Global keeps the instance it lives in alive.
e = wasm.Instance(wasm.Module.load({str(p['definer'])!r}))
h = e.exports.c
del e
gc.collect()
h.value = 3
print(h.value)
""")
    assert out == [
        "<wasm.Global mut i32 40> True True",
        "40 51 51 51 51",
        "7 7 7",
        "8 8",
        "<wasm.Global mut i32 8> 8",
        "9 9",
        "3",
    ]


def test_closing_the_defining_instance_from_a_callback(mode):
    """The importer runs while the instance its global lives in closes."""
    fw, p = mode
    out = fw.lines(f"""
import wasm
d = wasm.Instance(wasm.Module.load({str(p['definer'])!r}))
c = d.exports.c
def host():
    d.close()
    print("closed", d.closed, c.value)
    c.value = c.value * 2
b = wasm.Instance(wasm.Module.load({str(p['importer'])!r}),
                  {{"env": {{"g": c, "k": wasm.Global("i64", 0), "host": host}}}})
print(b.exports.inc_call(), c.value)
b.exports.inc()
print(c.value)
try:
    d.exports.get()
except ValueError as e:
    print("ValueError", e)
""")
    assert out == ["closed True 41", "82 82", "83", "ValueError wasm instance is closed"]


def test_global_link_errors(mode):
    fw, p = mode
    out = fw.lines(f"""
import wasm
m = wasm.Module.load({str(p['importer'])!r})
g = wasm.Global("i32", 1, mutable=True)
k = wasm.Global("i64", 1)
host = lambda: None
def attempt(env):
    try:
        wasm.Instance(m, {{"env": env}})
        print("accepted")
    except wasm.LinkError as e:
        print("LinkError", e)
attempt({{"g": k, "k": k, "host": host}})
attempt({{"g": wasm.Global("i32", 1), "k": k, "host": host}})
attempt({{"g": g, "k": wasm.Global("i64", 1, mutable=True), "host": host}})
attempt({{"g": g, "k": wasm.Global("f64", 1.0), "host": host}})
attempt({{"g": 5, "k": k, "host": host}})
attempt({{"k": k, "host": host}})
attempt({{"g": g, "k": k, "host": host}})
twice = wasm.Module.load({str(p['twice'])!r})
try:
    wasm.Instance(twice, {{"env": {{"a": g, "b": g}}}})
except wasm.LinkError as e:
    print("LinkError", e)
other = wasm.Global("i32", 2, mutable=True)
wasm.Instance(twice, {{"env": {{"a": g, "b": other}}}})
print("two globals accepted")
print(wasm.pool_info()[1] > 0)
""")
    assert out == [
        "LinkError import env.g: the module imports global mut i32, the wasm.Global is global i64",
        "LinkError import env.g: the module imports global mut i32, the wasm.Global is global i32",
        "LinkError import env.k: the module imports global i64, the wasm.Global is global mut i64",
        "LinkError import env.k: the module imports global i64, the wasm.Global is global f64",
        "LinkError import env.g (global mut i32) must be a wasm.Global, not int",
        "LinkError missing import env.g (global mut i32)",
        "accepted",
        "LinkError import env.b: one mutable wasm.Global cannot be imported twice by an instance",
        "two globals accepted",
        "True",
    ]


def test_imported_global_places_data(mode):
    """Initialisers read imported globals at instantiation: each instance of
    one module gets its own global's value. (heap=0: an app heap would
    extend the memory past its one page.)"""
    fw, p = mode
    out = fw.lines(f"""
import wasm
m = wasm.Module.load({str(p['placed'])!r})
a = wasm.Instance(m, {{"env": {{"at": wasm.Global("i32", 16)}}}}, heap=0)
b = wasm.Instance(m, {{"env": {{"at": wasm.Global("i32", 65534)}}}}, heap=0)
print(bytes(a.memory[16:18]), bytes(b.memory[65534:65536]), bytes(b.memory[16:18]), len(b.memory))
try:
    wasm.Instance(m, {{"env": {{"at": wasm.Global("i32", 65535)}}}}, heap=0)
except wasm.LinkError as e:
    print("LinkError", e)
""")
    assert out == [
        "b'hi' b'hi' b'\\x00\\x00' 65536",
        "LinkError instantiation failed: out of bounds memory access",
    ]


def test_reentry_sees_and_keeps_the_shared_global(mode):
    """A host function re-enters the importer: the nested call sees the
    outer call's write, and the outer call sees the nested one's."""
    fw, p = mode
    out = fw.lines(f"""
import wasm
g = wasm.Global("i32", 0, mutable=True)
seen = []
def host():
    seen.append(g.value)
    a.exports.inc()
    seen.append(a.exports.get())
a = wasm.Instance(wasm.Module.load({str(p['importer'])!r}),
                  {{"env": {{"g": g, "k": wasm.Global("i64", 0), "host": host}}}})
print(a.exports.inc_call(), g.value, seen)
""")
    assert out == ["2 2 [1, 2]"]


def test_another_instances_function_is_type_checked(mode):
    """A wasm.Function import has a type, checked at link time as the spec
    links modules; a Python callable takes what it is given."""
    fw, p = mode
    out = fw.lines(f"""
import wasm
d = wasm.Instance(wasm.Module.load({str(p['definer'])!r}))
m = wasm.Module.load({str(p['importer'])!r})
env = {{"g": wasm.Global("i32", 0, mutable=True), "k": wasm.Global("i64", 0)}}
for host in (d.exports.get, (d.exports.get, "()i"), (d.exports.get, "()")):
    env["host"] = host
    try:
        wasm.Instance(m, {{"env": env}})
        print("accepted")
    except wasm.LinkError as e:
        print("LinkError", e)
env["host"] = d.exports.bump
a = wasm.Instance(m, {{"env": env}})
print(a.exports.inc_call(), d.exports.get())
""")
    assert out == [
        "LinkError import env.host: the module imports func (), the wasm.Function is func ()i",
        "LinkError import env.host: signature ()i does not match the module's ()",
        "LinkError import env.host: the module imports func (), the wasm.Function is func ()i",
        "1 50",
    ]
