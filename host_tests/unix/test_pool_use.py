"""What a loaded module keeps in the WAMR pool on the fast interpreter (its
precompiled code), against the factors README "Performance" states, and
bigcode.wasm (60 KB, about 300 KB precompiled) loading and running in the
default unix pool."""

GUESTS = ("hello", "clock", "files", "bigcode", "kernels")

SCRIPT = """
import wasm, gc
for name in {guests!r}:
    data = open(GUEST + '/' + name + '.wasm', 'rb').read()
    gc.collect()
    free0 = wasm.pool_info()[1]
    m = wasm.Module(data)
    used = free0 - wasm.pool_info()[1]
    e = wasm.Instance(m, heap=0).exports if name in ('bigcode', 'kernels') else None
    check = e.churn(12345) & 0xffffffff if name == 'bigcode' else e.fib(20) if e else '-'
    print(name, len(data), used, check)
"""


def test_fast_interpreter_pool_use_per_module(fw, classic_fw):
    rows = {name: (int(size), int(used), result)
            for name, size, used, result in (line.split(" ") for line in
                                             fw.lines(SCRIPT.format(guests=GUESTS)))}
    # Modules of 15-50 KB: 3.1-3.3 times their size (the module's own records
    # included; 3.5-3.8 before WAMR patches 0095-0096 shortened the code).
    for name in ("hello", "clock", "files"):
        size, used, _ = rows[name]
        assert 3.0 * size < used < 3.5 * size, (name, size, used)
    # Code dense in small constants, and tiny modules: about 4.4 times.
    size, used, _ = rows["bigcode"]
    assert 4.2 * size < used < 4.7 * size, (size, used)
    size, used, _ = rows["kernels"]
    assert used < 4.6 * size, (size, used)
    # The precompiled code computes what the classic interpreter does.
    classic = [line.split(" ")[3] for line in classic_fw.lines(SCRIPT.format(guests=("bigcode", "kernels")))]
    assert [rows["bigcode"][2], rows["kernels"][2]] == classic == ["2625932886", "6765"]
