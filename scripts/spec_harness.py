# Runs one converted spec test file inside the firmware (MicroPython, not
# CPython): `micropython spec_harness.py PLAN MODULE_DIR`.
#
# PLAN holds one JSON command per line, prepared by scripts/spec.py from
# wast2json's output. Every command prints one line
#     R <index> pass|fail|na <detail>
# and the host compares those with the expected-failures list. What the
# `wasm` API cannot express is reported as `na` with the reason (a table
# shared between instances: WAMR 2.4 cannot).

import sys
import json
import struct
import wasm

PLAN, MODULE_DIR = sys.argv[1], sys.argv[2]

# spectest's functions print their arguments; the suite only calls them. The
# signatures make a module that imports one with another type unlinkable,
# except for `print`, which older tests in the suite import with parameters.
def _ignore(*args):
    return None


SPECTEST_FUNCS = {
    "print": _ignore,
    "print_i32": (_ignore, "(i)"),
    "print_i64": (_ignore, "(I)"),
    "print_f32": (_ignore, "(f)"),
    "print_f64": (_ignore, "(F)"),
    "print_i32_f32": (_ignore, "(if)"),
    "print_f64_f64": (_ignore, "(FF)"),
}


# spectest's globals (the values of the spec's reference interpreter).
SPECTEST_GLOBALS = {
    "global_i32": wasm.Global("i32", 666),
    "global_i64": wasm.Global("i64", 666),
    "global_f32": wasm.Global("f32", 666.6),
    "global_f64": wasm.Global("f64", 666.6),
}


class NotApplicable(Exception):
    pass


class HostRef:
    """The spec's `ref.extern N`: one object per number, passed to the
    guest as an externref and expected back as the same object."""

    def __init__(self, n):
        self.n = n


HOST_REFS = {}


def host_ref(n):
    return HOST_REFS.setdefault(n, HostRef(n))


def import_bindings(module, registered):
    """The imports dict for `module`: spectest's functions, globals, memory
    and table, and the exports of instances registered under a module name.
    What is not there is left out (instantiation then raises LinkError);
    other instances' tables raise NotApplicable."""
    imports = {}
    for mod, name, kind in module.imports():
        value = None
        if kind in ("memory", "table") and name in imports.get(mod, {}):
            raise NotApplicable("imports one %s twice: WAMR 2.4 has one memory and one table per instance" % kind)
        if kind == "table" and mod in registered:
            raise NotApplicable("imports another instance's table: WAMR 2.4 cannot share one")
        if (mod, name) == ("spectest", "memory"):
            # Its own: the spec's one spectest memory would outlive them all.
            value = wasm.Memory(1, 2)
        elif (mod, name) == ("spectest", "table"):
            value = wasm.Table(10, 20)
        elif mod == "spectest":
            value = SPECTEST_FUNCS.get(name) if kind.startswith("func") else SPECTEST_GLOBALS.get(name)
        elif mod in registered:
            inst = registered[mod]
            if isinstance(inst, NotApplicable):
                raise inst
            try:
                value = inst.exports[name]
            except KeyError:
                pass
        if value is not None:
            imports.setdefault(mod, {})[name] = value
    return imports or None


# f32 NaNs as the firmware passes them (README: f32 values keep their bit
# pattern): widened by hand, payload and quiet bit in the top mantissa bits
# of the double. struct's float <-> double conversion would quiet them.
def f32_from_bits(bits):
    if bits & 0x7F800000 == 0x7F800000 and bits & 0x7FFFFF:
        wide = (bits & 0x80000000) << 32 | 0x7FF0000000000000 | (bits & 0x7FFFFF) << 29
        return struct.unpack("<d", struct.pack("<Q", wide))[0]
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def f32_bits(value):
    wide = struct.unpack("<Q", struct.pack("<d", value))[0]
    if wide & 0x7FF0000000000000 == 0x7FF0000000000000 and wide & 0xFFFFFFFFFFFFF:
        return (wide >> 32 & 0x80000000) | 0x7F800000 | (wide >> 29 & 0x7FFFFF)
    return struct.unpack("<I", struct.pack("<f", value))[0]


def to_value(arg):
    kind, value = arg
    if kind in ("externref", "funcref"):
        if value == "null":
            return None
        if kind == "externref" and isinstance(value, int):
            return host_ref(value)
        raise NotApplicable("%s argument %r" % (kind, value))
    if kind in ("i32", "i64"):
        return value
    if kind == "f32":
        return f32_from_bits(value)
    if kind == "f64":
        return struct.unpack("<d", struct.pack("<Q", value))[0]
    raise NotApplicable("%s argument: issue 14" % kind)


def matches(kind, expected, got):
    if kind in ("externref", "funcref"):
        if expected == "null":
            return got is None
        if expected == "any":
            return got is not None and (kind == "externref" or isinstance(got, wasm.Function))
        return got is HOST_REFS.get(expected)
    if kind == "i32":
        return isinstance(got, int) and (got & 0xFFFFFFFF) == expected
    if kind == "i64":
        return isinstance(got, int) and (got & 0xFFFFFFFFFFFFFFFF) == expected
    if not isinstance(got, float):
        return False
    if kind == "f32":
        bits = f32_bits(got)
        canonical, quiet, mask = 0x7FC00000, 0x7FC00000, 0x7FFFFFFF
    else:
        bits = struct.unpack("<Q", struct.pack("<d", got))[0]
        canonical, quiet, mask = 0x7FF8000000000000, 0x7FF8000000000000, 0x7FFFFFFFFFFFFFFF
    if expected == "nan:canonical":
        return bits & mask == canonical
    if expected == "nan:arithmetic":
        return bits & quiet == quiet
    return bits == expected


def results_match(expected, got):
    # One result comes back as itself (None included: a null reference),
    # several as a tuple, none as None.
    if len(expected) == 1:
        values = (got,)
    else:
        values = got if isinstance(got, tuple) else (() if got is None else (got,))
    if len(values) != len(expected):
        return False
    return all(matches(k, v, g) for (k, v), g in zip(expected, values))


class Runner:
    def __init__(self):
        self.instances = {}     # "$name" -> Instance (or NotApplicable)
        self.registered = {}    # module name -> Instance (or NotApplicable)
        self.current = None

    def skip_module(self, cmd):
        # What runs against a module that cannot be set up is not applicable either.
        self.replace_current()
        self.current = NotApplicable(cmd["na"])
        if cmd.get("name"):
            self.instances[cmd["name"]] = self.current

    def load(self, cmd):
        with open(MODULE_DIR + "/" + cmd["file"], "rb") as f:
            return wasm.Module(f.read())

    def instantiate(self, module):
        # heap=0: an app heap would add a page to the module's memory.
        return wasm.Instance(module, import_bindings(module, self.registered), stack=65536, heap=0)

    def in_use(self, inst):
        return any(i is inst for i in self.instances.values()) \
            or any(i is inst for i in self.registered.values())

    def forget(self, names):
        # Named modules no later command uses give their pool memory back.
        for name in names:
            inst = self.instances.pop(name, None)
            if isinstance(inst, wasm.Instance) and inst is not self.current and not self.in_use(inst):
                inst.close()

    def replace_current(self):
        # The pool holds a few instances at a time: close the one that no
        # command can reach any more.
        cur = self.current
        self.current = None
        if isinstance(cur, wasm.Instance) and not self.in_use(cur):
            cur.close()

    def target(self, action):
        inst = self.instances.get(action.get("module")) if action.get("module") else self.current
        if isinstance(inst, NotApplicable):
            raise inst
        if inst is None:
            raise RuntimeError("no module to run against")
        return inst

    def perform(self, action):
        inst = self.target(action)
        if action["kind"] == "get":
            return inst.exports[action["field"]].value
        args = [to_value(a) for a in action["args"]]
        return inst.exports[action["field"]](*args)

    def run(self, cmd):
        t = cmd["type"]
        if t == "module":
            self.replace_current()
            try:
                inst = self.instantiate(self.load(cmd))
            except NotApplicable as exc:
                inst = exc
            self.current = inst
            if cmd.get("name"):
                self.instances[cmd["name"]] = inst
            if isinstance(inst, NotApplicable):
                raise inst
            return "module"
        if t == "assert_return":
            got = self.perform(cmd["action"])
            if results_match(cmd["expected"], got):
                return "returned %r" % (got,)
            raise AssertionError("returned %r" % (got,))
        if t == "register":
            # Registered instances stay open: others import from them.
            inst = self.instances.get(cmd["name"]) if cmd.get("name") else self.current
            if inst is None:
                raise RuntimeError("no module to register")
            self.registered[cmd["as"]] = inst
            if isinstance(inst, NotApplicable):
                raise inst
            return "registered"
        if t == "action":
            self.perform(cmd["action"])
            return "done"
        if t in ("assert_trap", "assert_exhaustion"):
            try:
                got = self.perform(cmd["action"])
            except wasm.Trap as exc:
                return "trapped: %s" % exc
            raise AssertionError("returned %r instead of trapping" % (got,))
        if t in ("assert_invalid", "assert_malformed"):
            try:
                self.load(cmd)
            except wasm.LoadError as exc:
                return "LoadError: %s" % exc
            raise AssertionError("module loaded")
        if t in ("assert_unlinkable", "assert_uninstantiable"):
            try:
                module = self.load(cmd)
            except OSError:
                # scripts/spec.py keeps no AOT file the compiler refused.
                raise NotApplicable("the AOT compiler refuses the module (WAMR's loader checks "
                                    "imports from spectest)")
            except wasm.LoadError as exc:
                # WAMR's loader checks imports from spectest itself.
                if t == "assert_unlinkable" and "incompatible import type" in str(exc):
                    return "LoadError: %s" % exc
                raise
            try:
                self.instantiate(module)
            except (wasm.LinkError, wasm.Trap) as exc:
                return "%s: %s" % (type(exc).__name__, exc)
            raise AssertionError("instantiated")
        raise NotApplicable("command %s" % t)


def last_uses(plan):
    """{module name: index of the last command that names it}"""
    last = {}
    for cmd in plan:
        name = cmd.get("name") or (cmd.get("action") or {}).get("module")
        if name:
            last[name] = cmd["i"]
    return last


def main():
    runner = Runner()
    with open(PLAN) as f:
        plan = [json.loads(line) for line in f]
    last = last_uses(plan)
    for cmd in plan:
        if cmd.get("na"):
            status, detail = "na", cmd["na"]
            if cmd["type"] == "module":
                runner.skip_module(cmd)
        else:
            try:
                status, detail = "pass", runner.run(cmd)
            except NotApplicable as exc:
                status, detail = "na", str(exc)
            except Exception as exc:
                status, detail = "fail", "%s: %s" % (type(exc).__name__, exc)
        print("R", cmd["i"], status, detail.replace("\n", " ")[:160])
        runner.forget([n for n, i in last.items() if i == cmd["i"]])


main()
