"""Values that used to come back wrong (issue 10, item 10): f32 bit
patterns (signalling NaNs) in both directions, Memory.grow() counts."""

from hostile_support import hostile, mode  # noqa: F401

F32 = """
import struct
def f64_bits(x):
    return struct.unpack('<Q', struct.pack('<d', x))[0]
seen = []
def h32(x):
    seen.append(f64_bits(x))
    return x
inst = wasm.Instance(wasm.Module.load(PATH_FLOATS), {'env': {'f32': h32, 'f64': lambda x: x}})
e = inst.exports
"""

# Signalling NaNs (quiet bit clear) with payloads, a quiet NaN with a
# payload, negative NaNs, infinity, the smallest subnormal, 1.5.
PATTERNS = [0x7FA00001, 0x7F800001, 0xFFBFFFFF, 0x7FC12345, 0xFF800000, 0x00000001, 0x3FC00000]


def test_f32_bit_patterns_survive_every_crossing(mode):
    out = mode.lines(F32 + f"""
for bits in {PATTERNS!r}:
    x = e.from_bits32(bits)            # guest -> Python
    back = e.bits32(x) & 0xffffffff    # Python -> guest
    same = e.bits32(e.id32(x)) & 0xffffffff
    via_host = e.host32(bits) & 0xffffffff   # guest -> Python import -> guest
    print(hex(bits), hex(back), hex(same), hex(via_host))
print([hex(b) for b in seen])
""")
    assert out == [f"{hex(b)} {hex(b)} {hex(b)} {hex(b)}" for b in PATTERNS] + [
        # As Python floats (f64), NaN payloads sit in the top mantissa bits.
        "['0x7ff4000020000000', '0x7ff0000020000000', '0xfff7ffffe0000000', '0x7ff82468a0000000', "
        "'0xfff0000000000000', '0x36a0000000000000', '0x3ff8000000000000']"]


def test_f64_signalling_nans_and_python_floats_pass_unchanged(mode):
    out = mode.lines(F32 + """
for bits in (0x7FF0000000000001, 0xFFF4000000000000, 0x7FF8000000000abc):
    print(hex(e.host64(bits) & 0xffffffffffffffff))
x = struct.unpack('<d', struct.pack('<Q', 0x7FF4000020000000))[0]   # an f32 sNaN, widened
print(hex(e.bits32(x) & 0xffffffff))
# Ordinary floats are rounded to f32 as before.
print(e.id32(0.1) == struct.unpack('<f', struct.pack('<f', 0.1))[0], e.id32(1e40), e.id32(-2.5))
""")
    assert out == ["0x7ff0000000000001", "0xfff4000000000000", "0x7ff8000000000abc",
                   "0x7fa00001", "True inf -2.5"]


def test_memory_grow_rejects_counts_beyond_the_maximum(mode):
    out = mode.lines("""
inst = wasm.Instance(wasm.Module.load(PATH_WASI))
mem = inst.memory
for n in (2 ** 32, 2 ** 32 + 1, 2 ** 64, 2 ** 100, 65535):
    try:
        mem.grow(n)
        print('grew by', n)
    except wasm.Error as exc:
        print(exc)
for n in (-1, -2 ** 70, 1.0, '1'):
    try:
        mem.grow(n)
    except (TypeError, ValueError) as exc:
        print(type(exc).__name__, exc)
print(mem.pages, mem.grow(3), mem.pages, mem.grow(0))
""")
    assert out == [
        "cannot grow memory by 4294967296 pages (now 2, max 65536)",
        "cannot grow memory by 4294967297 pages (now 2, max 65536)",
        "cannot grow memory by 18446744073709551616 pages (now 2, max 65536)",
        "cannot grow memory by 1267650600228229401496703205376 pages (now 2, max 65536)",
        "cannot grow memory by 65535 pages (now 2, max 65536)",
        "ValueError pages must be >= 0",
        "ValueError pages must be >= 0",
        "TypeError pages must be an int",
        "TypeError pages must be an int",
        "2 2 5 5",
    ]
