"""Python imports: linked per module, bound per instance, nothing left in
WAMR's pool or native registry once the module is gone (issue 10, item 7);
AOT modules that re-export their imports (item 9)."""

from hostile_support import hostile, mode  # noqa: F401

# A module importing env.<name> (a function of no arguments) and
# re-exporting it as "f", built in the script for any name.
MODULE_FOR = """
import gc, wasm
def module_for(name):
    name = name.encode()
    imp = b'\\x01' + b'\\x03env' + bytes([len(name)]) + name + b'\\x00\\x00'
    return wasm.Module(b'\\x00asm\\x01\\x00\\x00\\x00' + b'\\x01\\x04\\x01\\x60\\x00\\x00'
                       + b'\\x02' + bytes([len(imp)]) + imp + b'\\x07\\x05\\x01\\x01f\\x00\\x00')
def pool_free():
    gc.collect()
    return wasm.pool_info()[1]
"""


def test_binding_thousands_of_distinct_names_leaks_no_pool(any_fw):
    out = any_fw.lines(MODULE_FOR + """
calls = []
def bind(i):
    m = module_for('name_%d' % i)
    inst = wasm.Instance(m, {'env': {'name_%d' % i: lambda: calls.append(i)}})
    inst.exports.f()
    inst.close()
    m.close()
bind(-1)
free = pool_free()
for i in range(1500):
    bind(i)
print(len(calls), calls[-1], pool_free() - free)
""")
    assert out == ["1501 1499 0"]


def test_one_name_with_two_signatures_in_one_process(mode):
    out = mode.lines("""
a = wasm.Instance(wasm.Module.load(PATH_SIG_A), {'env': {'f': lambda x: x * 3}})
b = wasm.Instance(wasm.Module.load(PATH_SIG_B), {'env': {'f': lambda x, y: x / y}})
print(a.exports.call(14), b.exports.call(7.0, 2.0), a.exports.call(-1))
m = wasm.Module.load(PATH_SIG_TWICE)   # one module, one name, two types
print(m.imports())
for i in range(3):
    twice = wasm.Instance(m, {'env': {'f': lambda x: x * 2}})
    print(twice.exports.a(21), twice.exports.b(1.25))
try:
    wasm.Instance(wasm.Module.load(PATH_SIG_B), {'env': {'f': (abs, '(i)i')}})
except wasm.LinkError as exc:
    print('LinkError:', exc)
""")
    assert out == ["42 3.5 -3", "[('env', 'f', 'func (i)i'), ('env', 'f', 'func (F)F')]"] + ["42 2.5"] * 3 + [
        "LinkError: import env.f: signature (i)i does not match the module's (FF)F"]


def test_callables_are_resolved_once_when_the_instance_is_created(mode):
    out = mode.lines("""
imports = {'env': {'f': lambda x: x + 1}}
m = wasm.Module.load(PATH_SIG_A)
a = wasm.Instance(m, imports)
imports['env']['f'] = lambda x: x - 1
b = wasm.Instance(m, imports)
del imports['env']
print(a.exports.call(10), b.exports.call(10))
""")
    assert out == ["11 9"]


def test_pool_exhaustion_while_linking_leaks_nothing(any_fw):
    out = any_fw.lines(MODULE_FOR + """
# 300 imports: linking them takes one block of pool memory.
names = ['f%d' % i for i in range(300)]
body = b''.join(b'\\x03env' + bytes([len(n)]) + n.encode() + b'\\x00\\x00' for n in names)
count = b'\\xac\\x02'  # 300 as LEB128
imp = count + body
size = len(imp)
leb = bytes([size & 0x7f | 0x80, size >> 7])
module_for('warm_up').close()  # WAMR keeps ~0.9 KB for good after its first typed module
free = pool_free()
many = wasm.Module(b'\\x00asm\\x01\\x00\\x00\\x00' + b'\\x01\\x04\\x01\\x60\\x00\\x00' + b'\\x02' + leb + imp)
imports = {'env': {n: print for n in names}}
fillers = []
try:
    while True:
        # A 4 KB data segment: about 5 KB of pool each.
        fillers.append(wasm.Module(b'\\x00asm\\x01\\x00\\x00\\x00\\x05\\x03\\x01\\x00\\x01'
                                   + b'\\x0b\\x87\\x20\\x01\\x00\\x41\\x00\\x0b\\x80\\x20' + bytes(4096)))
except (MemoryError, wasm.LoadError) as exc:
    print('pool full', wasm.pool_info()[2] < 16 * 1024)
try:
    wasm.Instance(many, imports)
except MemoryError as exc:
    print('MemoryError:', exc)
for f in fillers:
    f.close()
fillers = None
inst = wasm.Instance(many, imports)
inst.close()
many.close()
print(pool_free() - free)
""")
    assert out == ["pool full True", "MemoryError: WAMR pool exhausted", "0"]


def test_aot_and_interpreters_call_re_exported_imports(mode):
    out = mode.lines("""
notes = []
inst = wasm.Instance(wasm.Module.load(PATH_REEXPORT),
                     {'env': {'add': lambda a, b: a + b, 'half': lambda x: x / 2, 'note': notes.append}})
e = inst.exports
print(e.add(2, 40), e.add_inside(-2, -40), e.half(5.0), e.note(-2 ** 63), notes, e['yield']())
t0 = e.ticks()
print(type(t0), 0 <= e.ticks() - t0 < 5000)
def boom(a, b):
    raise ValueError('from add')
inst2 = wasm.Instance(wasm.Module.load(PATH_REEXPORT),
                      {'env': {'add': boom, 'half': lambda x: 'half', 'note': print}})
try:
    inst2.exports.add(1, 2)
except ValueError as exc:
    print('ValueError:', exc)
try:
    inst2.exports.half(1.0)
except TypeError as exc:
    print('TypeError:', exc)
""")
    assert out == [
        "42 -42 2.5 None [-9223372036854775808] 0",
        "<class 'int'> True",
        "ValueError: from add",
        "TypeError: half() return value: expected float for f64, got str",
    ]
