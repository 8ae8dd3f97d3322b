"""Closing and collecting instances from inside host functions, and deep
guest -> Python -> guest recursion (issue 10, item 2)."""

from hostile_support import hostile, mode  # noqa: F401

POOL = """
import gc
def pool_free():
    gc.collect()
    gc.collect()
    return wasm.pool_info()[1]
"""


def test_close_from_inside_a_host_function_raises_runtime_error(mode):
    out = mode.lines(POOL + """
def cb(x):
    try:
        inst.close()
    except RuntimeError as exc:
        print('RuntimeError:', exc)
    return x * 10
inst = wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': cb}})
print(inst.exports.run(4), inst.closed)
inst.close()
print(inst.closed)
""")
    assert out == ["RuntimeError: instance is running", "41 False", "True"]


def test_nested_instances_cannot_close_a_running_outer_one(mode):
    out = mode.lines(POOL + """
def inner_cb(x):
    for name, victim in (('outer', outer), ('inner', inner)):
        try:
            victim.close()
        except RuntimeError as exc:
            print(name, 'RuntimeError:', exc)
    return x
inner = wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': inner_cb}})
outer = wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': lambda x: inner.exports.run(x)}})
print(outer.exports.run(1))
outer.close()
inner.close()
print(outer.closed, inner.closed)
""")
    assert out == ["outer RuntimeError: instance is running", "inner RuntimeError: instance is running",
                   "3", "True True"]


def test_module_close_and_gc_from_inside_a_host_function(mode):
    out = mode.lines(POOL + """
def module_close(x):
    m.close()
    return x
def drop_and_collect(x):
    global inst
    inst = None
    print('collected inside', pool_free() < base)
    return x + 1
def cycle(cb):
    global m, inst
    m = wasm.Module.load(PATH_CALLHOST)
    inst = wasm.Instance(m, {'env': {'cb': cb}})
    run = inst.exports.run
    print(run(5), m.closed, inst is None or inst.closed)
    run = None
cycle(abs)
m = inst = None
base = pool_free()
cycle(module_close)
print(inst.exports.run(6))
inst.close()
m = inst = None
print(pool_free() - base)
cycle(drop_and_collect)
m = inst = None
print(pool_free() - base)
""")
    assert out == ["6 False False", "6 True False", "7", "0",
                   "collected inside True", "7 False True", "0"]


def test_deep_guest_python_guest_recursion_ends_in_a_clean_exception(mode):
    out = mode.lines(POOL + """
depth = 0
def cb(n):
    global depth
    depth += 1
    return n and inst.exports.run(n - 1)
def ping(n):
    return n and pong.exports.run(n - 1)
inst = wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': cb}})
pong = wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': lambda n: ping_inst.exports.run(n)}})
ping_inst = wasm.Instance(wasm.Module.load(PATH_CALLHOST), {'env': {'cb': ping}})
base = pool_free()
for attempt in range(3):
    for f in (inst.exports.run, ping_inst.exports.run):
        try:
            f(1000000)
        except RuntimeError as exc:
            print('RuntimeError:', exc)
print(depth > 10, inst.exports.run(3), ping_inst.exports.run(3), pool_free() - base)
""")
    assert out == ["RuntimeError: maximum recursion depth exceeded"] * 6 + ["True 4 7 0"]
