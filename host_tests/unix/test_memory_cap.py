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
    # Lua fills a table of 200000 integers (about 4 MB): under a 16-page
    # (1 MB) cap its allocator fails and Lua reports it, without the cap it
    # finishes.
    out = fw.lines("""
import io, wasm
script = b'local t = {} for i = 1, 200000 do t[i] = i end print(#t)'
for cap in (16, 0):
    out, err = io.BytesIO(), io.BytesIO()
    code = wasm.run(GUEST + '/lua.wasm', ('-',), stdin=io.BytesIO(script), stdout=out, stderr=err,
                    heap=0, stack=32768, max_pages=cap)
    print(cap, code, out.getvalue(), err.getvalue())
""")
    assert out == [
        f"16 1 b'' b'{fw.guest_dir}/lua.wasm: not enough memory\\n'",
        "0 0 b'200000\\n' b''",
    ]
