"""The call path's fast paths (issue 11) give the same answers as the slow
ones: small ints straight into WAMR's cells next to big ints through the
checked conversion, errors formatted only when raised, import callables
resolved once per instance, Ctrl-C through loops that cross into Python or
a native import. On unix, small ints cover -2**62 .. 2**62 - 1."""

from hostile_support import hostile, interrupt_after, mode  # noqa: F401

INSTANCE = """
import gc
m = wasm.Module.load(PATH_VALUES)
ret = [0]
seen = []
def h(x):
    seen.append(x)
    return ret[0]
e = wasm.Instance(m, {'env': {'h32': h, 'h64': h}}).exports
def errors(f, values):
    for v in values:
        try:
            print('no error', f(v))
        except (OverflowError, TypeError) as exc:
            print(type(exc).__name__ + ':', exc)
"""

I32_RANGE = "OverflowError: id32() argument 1: int out of range for i32"
I64_RANGE = "OverflowError: id64() argument 1: int out of range for i64"


def test_i32_arguments_at_the_small_int_and_range_boundaries(mode):
    out = mode.lines(INSTANCE + """
print([e.id32(v) for v in (0, 1, -1, 2**31 - 1, -2**31, 2**31, 2**32 - 1)])
# Out of range: small ints (2**32, -2**31 - 1, +-2**62 edges) and big ints.
errors(e.id32, (2**32, -2**31 - 1, 2**62 - 1, -2**62, 2**62, -2**62 - 1, 2**100))
errors(e.id32, (True, 1.0, '1'))
""")
    assert out == ["[0, 1, -1, 2147483647, -2147483648, -2147483648, -1]"] + [I32_RANGE] * 7 + [
        "TypeError: id32() argument 1: expected int for i32, got bool",
        "TypeError: id32() argument 1: expected int for i32, got float",
        "TypeError: id32() argument 1: expected int for i32, got str",
    ]


def test_i64_arguments_and_results_across_the_small_int_edge(mode):
    out = mode.lines(INSTANCE + """
for v in (2**62 - 1, 2**62, -2**62, -2**62 - 1, 2**63 - 1, -2**63):
    r = e.id64(v)
    print(r == v, r)
print(e.id64(2**63), e.id64(2**64 - 1))   # bit patterns
errors(e.id64, (2**64, -2**63 - 1, 2**200, -2**200))
""")
    assert out == [
        "True 4611686018427387903", "True 4611686018427387904",
        "True -4611686018427387904", "True -4611686018427387905",
        "True 9223372036854775807", "True -9223372036854775808",
        "-9223372036854775808 -1",
    ] + [I64_RANGE] * 4


def test_import_arguments_and_return_values_at_the_boundaries(mode):
    out = mode.lines(INSTANCE + """
for f, v in ((e.host32, 2**31 - 1), (e.host32, 2**32 - 1), (e.host64, -2**62), (e.host64, 2**62),
             (e.host64, 2**64 - 1)):
    ret[0] = v
    print(f(5))
ret[0] = 0
e.host32(2**32 - 1)
e.host64(2**63 - 1)
e.host64(-2**63)
print(seen)
for v in (2**32, -2**31 - 1, 2**62):
    ret[0] = v
    try:
        e.host32(0)
    except OverflowError as exc:
        print('OverflowError:', exc)
ret[0] = 2**64
try:
    e.host64(0)
except OverflowError as exc:
    print('OverflowError:', exc)
ret[0] = 7
print(e.host32(1), e.host64(1))
""")
    assert out == [
        "2147483647", "-1", "-4611686018427387904", "4611686018427387904", "-1",
        "[5, 5, 5, 5, 5, -1, 9223372036854775807, -9223372036854775808]",
    ] + ["OverflowError: h32() return value: int out of range for i32"] * 3 + [
        "OverflowError: h64() return value: int out of range for i64",
        "7 7",
    ]


def test_small_int_crossings_allocate_nothing(mode):
    """Error labels are built only for errors and no range bounds at all:
    calls with small ints leave the heap untouched, and so does -2**62 (a
    long int argument, a small int result); a big-int result allocates."""
    out = mode.lines(INSTANCE + """
id32, id64 = e.id32, e.id64
ret[0] = -3
def loop(f, v, n):
    for i in range(n):
        f(v)
def allocated(f, v):
    loop(f, v, 3)
    gc.collect()
    gc.disable()
    before = gc.mem_alloc()
    loop(f, v, 500)
    after = gc.mem_alloc()
    gc.enable()
    return after - before
q = wasm.Instance(m, {'env': {'h32': lambda x: ret[0], 'h64': lambda x: ret[0]}}).exports
# -(2**61) * 2 is the smallest small int; -2**62 would be a long int
# (2**62 is one), which takes the checked path.
print(allocated(id32, -5), allocated(id32, 2**32 - 1), allocated(id64, 2**62 - 1),
      allocated(id64, -(2**61) * 2), allocated(q.host32, 7), allocated(q.host64, 1))
ret[0] = -(2**61) * 2
print(allocated(q.host64, 2**62 - 1), allocated(id64, 2**62) > 0, allocated(id64, -2**62))
""")
    assert out == ["0 0 0 0 0 0", "0 True 0"]


def test_big_int_arguments_in_range_allocate_nothing(mode):
    """The checked path for ints beyond small ints (|v| >= 2**62 on unix)
    reads the value's bytes; it builds no big-int bounds to compare with."""
    out = mode.lines(INSTANCE + """
import micropython
sink = e.sink64
values = (2**62, 2**63 - 1, 2**64 - 1, -2**62 - 1, -2**63)
v = None  # the loop's global exists first: a new one could grow the globals dict
micropython.heap_lock()
for v in values:
    sink(v)
micropython.heap_unlock()
print('no allocation')
errors(sink, (2**64, -2**63 - 1, 2**64 + 2**63, -2**65))
""")
    assert out == ["no allocation"] + ["OverflowError: sink64() argument 1: int out of range for i64"] * 4


def test_export_functions_are_made_once_per_instance(mode):
    """inst.exports.f is one object per instance and name (attribute or
    item access alike): repeated access and calls allocate nothing."""
    out = mode.lines(INSTANCE + """
import micropython
name = 'id' + '32'                        # a str made at run time, not a qstr
print(e.id32 is e.id32, e['id32'] is e.id32, e[name] is e.id32, e.id32 is not e.id64)
other = wasm.Instance(m, {'env': {'h32': h, 'h64': h}}).exports
print(other.id32 is e.id32, other.id32(7), e.id32(8))
def hot(n):
    s = 0
    for i in range(n):
        s += e.id32(i) + e['id64'](1)
    return s
s = hot(1)  # `s` exists first: a new global could grow the globals dict
micropython.heap_lock()
s = hot(100)
micropython.heap_unlock()
print(s)
for bad in ('nothing', 'id'):
    try:
        e[bad]
    except KeyError as exc:
        print('KeyError', exc)
""")
    assert out == ["True True True True", "False 7 8", "5050", "KeyError nothing", "KeyError id"]


def test_cached_functions_of_a_closed_instance_raise(mode):
    out = mode.lines(INSTANCE + """
inst = wasm.Instance(m, {'env': {'h32': h, 'h64': h}})
x = inst.exports
f = x.id32
g = x['host32']
print(f(1), g(2), x.id32 is f)
inst.close()
for what, call in (('cached', lambda: f(1)), ('cached item', lambda: g(2)),
                   ('attribute', lambda: x.id32), ('item', lambda: x['id64']),
                   ('exports', lambda: inst.exports)):
    try:
        call()
    except ValueError as exc:
        print(what, 'ValueError:', exc)
print(repr(f), e.id32(3))
""")
    assert out == [
        "1 0 True",
        "cached ValueError: wasm instance is closed",
        "cached item ValueError: wasm instance is closed",
        "attribute ValueError: wasm instance is closed",
        "item ValueError: wasm instance is closed",
        "exports ValueError: wasm instance is closed",
        "<wasm.Function id32> 3",
    ]


def test_import_callables_stay_bound_after_names_are_rebound(mode):
    out = mode.lines(INSTANCE + """
def f(x):
    return x + 1
a = wasm.Instance(m, {'env': {'h32': f, 'h64': f}})
def f(x):
    return x - 1
b = wasm.Instance(m, {'env': {'h32': f, 'h64': f}})
print(a.exports.host32(10), b.exports.host32(10), a.exports.host64(2**40), b.exports.host64(2**40))
class Scale:
    def __init__(self, k):
        self.k = k
    def f(self, x):
        return x * self.k
s = Scale(4)
c = wasm.Instance(m, {'env': {'h32': s.f, 'h64': abs}})
first = c.exports.host32(5)
s.k = 5                          # state read at call time
second = c.exports.host32(5)
Scale.f = lambda self, x: -x     # the bound method was resolved before
print(first, second, c.exports.host32(5), wasm.Instance(m, {'env': {'h32': s.f, 'h64': abs}}).exports.host32(5),
      c.exports.host64(-2**40))
# Only the instance keeps its callable alive: a collection must not lose it.
d = wasm.Instance(m, {'env': {'h32': (lambda k: lambda x: x + k)(1000), 'h64': abs}})
a.close()
a = None
junk = [bytearray(64) for i in range(2000)]
junk = None
gc.collect()
print(d.exports.host32(1), b.exports.host32(1), d.exports.host64(-5))
""")
    assert out == ["11 9 1099511627777 1099511627775", "20 25 25 -5 1099511627776", "1001 0 5"]


SPIN = """
e = wasm.Instance(wasm.Module.load({path!r}), {{'env': {{'h32': lambda x: x + 1, 'h64': abs}}}}).exports
for name in ('spin_py', 'spin_native', 'spin_py'):
    print('spinning')
    try:
        e[name]()
    except KeyboardInterrupt:
        print('KeyboardInterrupt', name)
    print('ok() ->', e.ok(), e.host32(1))
# Ctrl-C outside any guest call still reaches Python code.
print('spinning')
try:
    while True:
        pass
except KeyboardInterrupt:
    print('KeyboardInterrupt python')
print('ok() ->', e.ok(), e.host32(2))
"""


def test_sigint_stops_loops_that_cross_into_imports(mode):
    proc = mode.fw.start(mode.script(SPIN.format(path=mode.path("values"))))
    assert interrupt_after(proc, "spinning", [], times=4) == [
        "spinning", "KeyboardInterrupt spin_py", "ok() -> 1 2",
        "spinning", "KeyboardInterrupt spin_native", "ok() -> 1 2",
        "spinning", "KeyboardInterrupt spin_py", "ok() -> 1 2",
        "spinning", "KeyboardInterrupt python", "ok() -> 1 3",
    ]
