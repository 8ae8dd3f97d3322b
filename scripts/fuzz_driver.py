# Runs one fuzz case inside the firmware (MicroPython, not CPython):
#   micropython fuzz_driver.py MODE FILE RUN
# MODE: "module" (wasm.Module.load(FILE)) or "xip" (Module.xip('app') from the
# image the WASM_APPS environment variable names). RUN "1": instantiate, and
# for interpreted modules call every exported function; "inst": instantiate
# only; "0": load and list only. Prints one line per step and `DONE` at the
# end; the host (scripts/fuzz.py) classifies the process's fate.

import io
import sys
import wasm

MODE, PATH, RUN = sys.argv[1], sys.argv[2], sys.argv[3]


def stub(results):
    if not results:
        return lambda *a: None
    if len(results) == 1:
        return lambda *a: 0.0 if results in "fF" else 0
    return lambda *a: tuple(0.0 if r in "fF" else 0 for r in results)


def bindings(module):
    """Every Python-bindable function import gets a stub of its type."""
    imports = {}
    for mod, name, kind in module.imports():
        if kind.startswith("func ") and mod not in ("wasi_snapshot_preview1", "mp"):
            sig = kind[5:]
            imports.setdefault(mod, {})[name] = (stub(sig[sig.index(")") + 1:]), sig)
    return imports


def call_exports(inst, exports):
    for name, kind in exports:
        if not kind.startswith("func (") or "r" in kind:
            continue
        params = kind[6:kind.index(")")]
        args = [0.0 if c in "fF" else 0 for c in params]
        try:
            inst.exports[name](*args)
            print("call", name, "returned")
        except (wasm.Trap, wasm.Exit) as exc:
            print("call", name, type(exc).__name__)


def main():
    try:
        m = wasm.Module.xip("app") if MODE == "xip" else wasm.Module.load(PATH)
        exports = m.exports()
        m.imports()
        print("loaded")
        if RUN != "0":
            wasi = wasm.WASI(args=("fuzz",), stdin=io.BytesIO(b"fuzz input\n"),
                             stdout=io.BytesIO(), stderr=io.BytesIO())
            inst = wasm.Instance(m, bindings(m), wasi=wasi)
            print("instantiated")
            if RUN == "1":
                call_exports(inst, exports)
            inst.close()
        m.close()
    except KeyboardInterrupt:
        print("interrupted")
    except (wasm.Error, MemoryError) as exc:
        print("raised", type(exc).__name__)
    print("DONE")


main()
