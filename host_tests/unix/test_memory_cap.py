"""Per-instance memory cap (Instance(max_pages=...), wasm.run(max_pages=...))
and Instance.memory_error, which says why the last memory.grow failed."""


def test_cap_limits_guest_and_host_growth(any_fw):
    out = any_fw.lines("""
import wasm
m = wasm.Module.load(GUEST + '/memgrow.wasm')
inst = wasm.Instance(m, heap=0, max_pages=3)
e = inst.exports
print(inst.memory_error, inst.memory.max_pages)
print(e.grow(2), e.pages(), inst.memory_error)
print(e.grow(1), e.pages(), inst.memory_error)
try:
    inst.memory.grow(1)
except wasm.Error as exc:
    print('Error:', exc)
uncapped = wasm.Instance(m, heap=0)
print(uncapped.memory.max_pages, uncapped.exports.grow(4), uncapped.memory_error)
""")
    assert out == [
        "None 3",
        "1 3 None",
        "-1 3 memory.grow to 4 pages refused: the maximum is 3 pages",
        "Error: cannot grow memory by 1 pages (now 3, max 3)",
        "65536 1 None",
    ]


def test_cap_is_validated(fw):
    out = fw.lines("""
import wasm
m = wasm.Module.load(GUEST + '/memgrow.wasm')
for cap in (-1, 65537):
    try:
        wasm.Instance(m, max_pages=cap)
    except ValueError as exc:
        print(exc)
""")
    assert out == ["max_pages must be between 0 (no cap) and 65536"] * 2


def test_run_passes_the_cap(fw):
    # hello.wasm starts with 2 pages: a cap below that cannot instantiate.
    out = fw.lines("""
import io, wasm
print(wasm.run(GUEST + '/hello.wasm', stdout=io.BytesIO(), stderr=io.BytesIO(), stdin=io.BytesIO(),
               max_pages=2))
try:
    wasm.run(GUEST + '/hello.wasm', stdout=io.BytesIO(), max_pages=1)
except wasm.LinkError as exc:
    print('LinkError:', exc)
""")
    assert out[0] == "0"
    assert out[1].startswith("LinkError: instantiation failed: ")
