# The benchmark harness that runs inside MicroPython (unix firmware or an
# emulated board), driven by scripts/bench.py, which puts a line
#   CONFIG = {...}
# in front of this file. It prints one Python literal per measurement:
#   ('kernel', mode, name, checksum, [ticks, ...])
#   ('call', what, n, [ticks, ...])
#   ('load', mode, module_bytes, pool_module, pool_instance, [ticks, ...][, why not])
#   ('error', mode, message)
# Ticks are nanoseconds on unix and board.ticks_cpu() on the boards (the
# host converts those to instructions).
import gc
import os
import sys

import wasm

try:
    import board

    _clock = board.ticks_cpu
except ImportError:
    import time

    _clock = time.time_ns

_dir = CONFIG["dir"]  # noqa: F821 (set by the driver)
if _dir not in sys.path:
    sys.path.insert(0, _dir)


def _path(name):
    return _dir + "/" + name if _dir else name


def _read(name):
    with open(_path(name), "rb") as f:
        return f.read()


def _module_source(name):
    """(bytes or path, size): the path when the file would not fit the GC
    heap (the RISC-V board's 64 KB), for Module.load(), which reads it into
    the pool."""
    size = os.stat(_path(name))[6]
    gc.collect()
    return (_path(name) if 2 * size > gc.mem_free() else _read(name)), size


def _wasm_exports(mode, stem):
    if mode == "xip":
        module = wasm.Module.xip(stem)
    elif mode == "aot":
        module = wasm.Module(_read(stem + ".aot"))
    else:
        module = wasm.Module(_read(stem + ".wasm"))
    return module


def _kernels(mode):
    """The kernel functions of `mode` by name, and what to close afterwards."""
    if mode in ("wasm", "aot", "xip"):
        inst = wasm.Instance(_wasm_exports(mode, "bench"), heap=0)
        return (lambda name: getattr(inst.exports, name)), inst
    name = {"native": "benchnat", "bytecode": "kernels",
            "emit_native": "kernels_native", "viper": "kernels_viper"}[mode]
    module = __import__(name)
    return (lambda attr: getattr(module, attr)), _Unimport(name)


class _Unimport:
    """Forgets a kernel module after its mode: compiling the next one from
    source needs the heap (64 KB on the RISC-V board)."""

    def __init__(self, name):
        self.name = name

    def close(self):
        sys.modules.pop(self.name, None)


def run_kernels(mode, sizes, reps):
    # The previous mode's garbage goes first: on the RISC-V board's 64 KB
    # heap, compiling the next kernel module fails without this.
    gc.collect()
    get, closer = _kernels(mode)
    try:
        for name, n in sizes:
            f = get(name)
            checksum = f(n) & 0xFFFFFFFF
            ticks = []
            for _ in range(reps):
                gc.collect()
                t0 = _clock()
                f(n)
                t1 = _clock()
                ticks.append(t1 - t0)
            print(repr(("kernel", mode, name, checksum, ticks)))
    finally:
        closer.close()
        gc.collect()


def run_kernels_interleaved(modes, sizes, reps):
    """Every mode's kernel in turn, call by call. On a machine whose speed
    changes from one second to the next (shared cores), each mode's median
    then comes from the same stretches of time, and so do their ratios.
    Unix only: a board's heap cannot hold every mode's kernels at once."""
    gc.collect()
    opened = []
    for mode in modes:
        try:
            get, closer = _kernels(mode)
            opened.append((mode, get, closer))
        except Exception as e:
            print(repr(("error", mode, "%s: %s" % (type(e).__name__, e))))
    try:
        for name, n in sizes:
            runs = []
            for mode, get, _ in opened:
                try:
                    f = get(name)
                    runs.append((mode, f, f(n) & 0xFFFFFFFF, []))
                except Exception as e:
                    print(repr(("error", mode, "%s: %s" % (type(e).__name__, e))))
            for _ in range(reps):
                for mode, f, _, ticks in runs:
                    gc.collect()
                    t0 = _clock()
                    f(n)
                    t1 = _clock()
                    ticks.append(t1 - t0)
            for mode, _, checksum, ticks in runs:
                print(repr(("kernel", mode, name, checksum, ticks)))
    finally:
        for _, _, closer in opened:
            closer.close()
        gc.collect()


def _loop_empty(n):
    for _ in range(n):
        pass


def _loop0(n, f):
    for _ in range(n):
        f()


def _loop1(n, f, a):
    for _ in range(n):
        f(a)


def _loop2(n, f, a, b):
    for _ in range(n):
        f(a, b)


def _nothing():
    pass


def _py_add(a, b):
    return a + b


def _timed(reps, f, *args):
    ticks = []
    for _ in range(reps):
        gc.collect()
        t0 = _clock()
        f(*args)
        ticks.append(_clock() - t0)
    return ticks


def run_calls(mode, n, reps):
    """Per-crossing costs: loops of n calls in Python (and the same loop
    empty, and calling a C builtin, for comparison) or in the guest (n
    calls minus none: the guest's own set-up drops out)."""
    imports = {"env": {"py_nop": _nothing, "py_add": _py_add}}
    inst = wasm.Instance(_wasm_exports(mode, "bench_calls"), imports, heap=0)
    try:
        ex = inst.exports
        loops = [("export_nop", _loop0, (ex.nop,)), ("export_add", _loop2, (ex.add, 1, 2))]
        if mode == "wasm":
            loops[:0] = [("empty", _loop_empty, ()), ("builtin", _loop1, (abs, 1)),
                         ("python", _loop0, (_nothing,))]
        for what, loop, args in loops:
            print(repr(("call", mode, what, n, _timed(reps, loop, n, *args))))
        for what, f in (("import_py", ex.call_py), ("import_py_add", ex.call_py_add),
                        ("import_native", ex.call_native)):
            f(1)
            none = _timed(reps, f, 0)
            full = _timed(reps, f, n)
            print(repr(("call", mode, what, n, [b - a for a, b in zip(none, full)])))
    finally:
        inst.close()


def run_load(mode, reps):
    """Load + instantiate of bench_big, and the pool it takes."""
    stem = "bench_big"
    data, size = (None, 0) if mode == "xip" else _module_source(stem + (".aot" if mode == "aot" else ".wasm"))
    ticks = []
    used_module = used_instance = 0
    for _ in range(reps):
        gc.collect()
        free0 = wasm.pool_info()[1]
        t0 = _clock()
        try:
            if data is None:
                module = wasm.Module.xip(stem)
            elif isinstance(data, str):
                module = wasm.Module.load(data)
            else:
                module = wasm.Module(data)
        except (MemoryError, wasm.LoadError) as e:
            if "pool" not in str(e):
                raise
            # Too big for this pool: a result too (the pool's size is known).
            print(repr(("load", mode, size, -1, -1, [], str(e))))
            return
        t1 = _clock()
        try:
            inst = wasm.Instance(module, heap=0)
        except MemoryError as e:
            module.close()
            print(repr(("load", mode, size, -1, -1, [], str(e))))
            return
        t2 = _clock()
        free2 = wasm.pool_info()[1]
        inst.close()
        free1 = wasm.pool_info()[1]
        module.close()
        ticks.append(t2 - t0)
        used_module = free0 - free1
        used_instance = free1 - free2
        del t1
    print(repr(("load", mode, size, used_module, used_instance, ticks, "")))


def _run_kernel_modes(cfg, modes):
    for mode in modes:
        try:
            run_kernels(mode, cfg["sizes"], cfg["reps"])
        except Exception as e:  # reported, and the other modes still run
            print(repr(("error", mode, "%s: %s" % (type(e).__name__, e))))


def main():
    cfg = CONFIG  # noqa: F821
    # The native module goes last: its machine code and arrays (~20 KB)
    # take GC heap that forgetting the module does not give back, and the
    # RISC-V board's 64 KB heap has no room for the other modes then.
    kernel_modes = cfg.get("kernels", ())
    if cfg.get("interleave"):
        run_kernels_interleaved(kernel_modes, cfg["sizes"], cfg["reps"])
        kernel_modes = ()
    _run_kernel_modes(cfg, [m for m in kernel_modes if m != "native"])
    for mode in cfg.get("calls", ()):
        try:
            run_calls(mode, cfg["call_n"], cfg["reps"])
        except Exception as e:
            print(repr(("error", mode, "%s: %s" % (type(e).__name__, e))))
    for mode in cfg.get("load", ()):
        try:
            run_load(mode, cfg["load_reps"])
        except Exception as e:
            print(repr(("error", mode, "%s: %s" % (type(e).__name__, e))))
    _run_kernel_modes(cfg, [m for m in kernel_modes if m == "native"])
    print(repr(("done",)))


main()
