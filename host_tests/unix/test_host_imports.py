"""Python callables as guest imports."""

import subprocess

SETUP = """
import wasm
m = wasm.Module.load(GUEST + '/needs_import.wasm')
logged = []
def host_log(ptr, n):
    logged.append(inst.memory[ptr:ptr + n])
"""


def test_callables_with_and_without_signature(any_fw):
    out = any_fw.lines(SETUP + """
inst = wasm.Instance(m, {'env': {'host_add': (lambda a, b: a + b, '(ii)i'), 'host_log': host_log}})
print(inst.exports.call_host(3, 4), inst.exports.call_host(-10, 2))
inst.exports.say()
print(logged)
""")
    assert out == ["14 -16", "[b'hello from needs_import']"]


def test_each_instance_binds_its_own_callables(any_fw):
    out = any_fw.lines(SETUP + """
a = wasm.Instance(m, {'env': {'host_add': lambda x, y: x + y, 'host_log': host_log}})
b = wasm.Instance(m, {'env': {'host_add': lambda x, y: x * y, 'host_log': host_log}})
print(a.exports.call_host(3, 4), b.exports.call_host(3, 4), a.exports.call_host(3, 4))
m2 = wasm.Module.load(GUEST + '/needs_import.wasm')
c = wasm.Instance(m2, {'env': {'host_add': lambda x, y: x - y, 'host_log': host_log}})
print(c.exports.call_host(3, 4))
""")
    assert out == ["14 24 14", "-2"]


def test_exception_in_host_function_reaches_the_caller(any_fw):
    out = any_fw.lines(SETUP + """
def boom(a, b):
    raise ValueError('boom %d' % a)
inst = wasm.Instance(m, {'env': {'host_add': boom, 'host_log': host_log}})
for i in range(3):
    try:
        inst.exports.call_host(i, 1)
    except ValueError as e:
        print(type(e).__name__, e)
inst2 = wasm.Instance(m, {'env': {'host_add': lambda a, b: 'x', 'host_log': host_log}})
try:
    inst2.exports.call_host(1, 1)
except TypeError as e:
    print('TypeError', e)
inst3 = wasm.Instance(m, {'env': {'host_add': lambda a, b: 1, 'host_log': lambda p, n: 5}})
try:
    inst3.exports.say()
except TypeError as e:
    print('TypeError', e)
print(inst.exports.call_host.__class__ is wasm.Function)
""")
    assert out == [
        "ValueError boom 0", "ValueError boom 1", "ValueError boom 2",
        "TypeError host_add() return value: expected int for i32, got str",
        "TypeError host function env.host_log must return None",
        "True",
    ]


def test_link_errors_name_the_problem(fw):
    out = fw.lines(SETUP + """
def boom(a, b):
    pass
for imports in (None, {}, {'env': {'host_log': host_log}},
                {'env': {'host_add': (boom, '(i)i'), 'host_log': host_log}},
                {'env': {'host_add': 5, 'host_log': host_log}},
                {'env': {'host_add': (boom,), 'host_log': host_log}},
                {'env': 7}):
    try:
        wasm.Instance(m, imports)
    except wasm.LinkError as e:
        print('LinkError:', e)
try:
    wasm.Instance(m, [1])
except TypeError as e:
    print('TypeError:', e)
""")
    assert out == [
        "LinkError: missing import env.host_add (func (ii)i)",
        "LinkError: missing import env.host_add (func (ii)i)",
        "LinkError: missing import env.host_add (func (ii)i)",
        "LinkError: import env.host_add: signature (i)i does not match the module's (ii)i",
        "LinkError: import env.host_add is not callable",
        "LinkError: import env.host_add must be a callable or (callable, signature)",
        "LinkError: imports['env'] must be a dict",
        "TypeError: imports must be a dict",
    ]


def test_host_function_reentering_the_guest(fw):
    out = fw.lines(SETUP + """
k = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm'))
inst = wasm.Instance(m, {'env': {'host_add': lambda a, b: k.exports.fib(a) + b, 'host_log': host_log}})
print(inst.exports.call_host(10, 1))
""")
    assert out == ["112"]


def test_imports_beyond_the_trampoline_limits_are_link_errors(fw, tmp_path):
    imports = {"wide": "(param " + " i32" * 17 + ")", "pair": "(param i32) (result i32 i32)"}
    for name, signature in imports.items():
        (tmp_path / f"{name}.wat").write_text(f'(module (import "env" "{name}" (func {signature})))')
        subprocess.run(["wat2wasm", str(tmp_path / f"{name}.wat"), "-o", str(tmp_path / f"{name}.wasm")],
                       check=True, capture_output=True)
    out = fw.lines(f"""
import wasm
for name in ('wide', 'pair'):
    m = wasm.Module.load({str(tmp_path)!r} + '/' + name + '.wasm')
    try:
        wasm.Instance(m, {{'env': {{name: print}}}})
    except wasm.LinkError as e:
        print('LinkError:', e)
""")
    assert out == [
        "LinkError: import env.wide has 17 parameters; host functions take at most 16",
        "LinkError: import env.pair returns 2 values; host functions return at most one",
    ]
