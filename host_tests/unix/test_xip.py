"""AOT and execute-in-place apps on the unix firmware."""

import os
import struct
import subprocess
import zlib

import pytest

from scripts import aot, paths, xip

KERNELS = """
import wasm
def kernels(inst):
    e = inst.exports
    p = e.alloc(9)
    inst.memory[p:p + 9] = b'123456789'
    return (e.fib(25), e.fib_rec(20), e.matmul(10), e.crc32(p, 9) & 0xffffffff, e.divmod(-17, 5),
            e.sum_i64(2**62, 2**62 - 1), e.neg_i64(-2**63 + 1), e.mul_f64(1.5, -2.25),
            e.add_f32(1.5, 2.25), e.u32_max(), e.counter.value, e.bump())
"""


def compile_aot(aotc, wasm, out, target="x86_64", xip_mode=False):
    return aot.compile_wasm(wasm, target, xip=xip_mode, output=out, quiet=True).read_bytes()


@pytest.fixture
def apps(aotc, guest_dir, tmp_path):
    blobs = [(name, compile_aot(aotc, guest_dir / f"{name}.wasm", tmp_path / f"{name}.aot", xip_mode=True))
             for name in ("kernels", "traps", "bigcode")]
    image = tmp_path / "wasmapps.bin"
    image.write_bytes(xip.pack(blobs))
    return image, dict(blobs)


def test_interpreter_aot_and_xip_agree(fw, aotc, apps, tmp_path):
    image, _ = apps
    compile_aot(aotc, fw.guest_dir / "kernels.wasm", tmp_path / "k.aot")
    env = dict(os.environ, WASM_APPS=str(image))
    out = fw.lines(KERNELS + f"""
interp = kernels(wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm')))
m = wasm.Module.load({str(tmp_path / 'k.aot')!r})
aot = kernels(wasm.Instance(m))
x = wasm.Module.xip('kernels')
inplace = kernels(wasm.Instance(x))
print(m.is_aot, x.is_aot, interp == aot == inplace)
print(interp)
""", env=env)
    assert out == ["True True True",
                   "(75025, 6765, 8250, 3421780262, (-3, -2), 9223372036854775807, 9223372036854775807, "
                   "-3.375, 3.75, -1, 7, 8)"]


def test_aot_traps_are_exceptions(fw, apps):
    image, _ = apps
    out = fw.lines("""
import wasm
t = wasm.Instance(wasm.Module.xip('traps'))
for name, args in (('do_unreachable', ()), ('oob_read', ()), ('oob_write', ()), ('div_zero', (1, 0))):
    try:
        t.call(name, *args)
    except wasm.Trap as e:
        print(name, e)
print(t.exports.ok())
""", env=dict(os.environ, WASM_APPS=str(image)))
    assert out == ["do_unreachable unreachable", "oob_read out of bounds memory access",
                   "oob_write out of bounds memory access", "div_zero integer divide by zero", "1"]


def test_limits_on_xip_code(fw, apps):
    """A time limit stops code running in place (the same suspend flag as
    Ctrl-C); fuel cannot meter it and says so (README "Limits")."""
    image, _ = apps
    out = fw.lines("""
import wasm
m = wasm.Module.xip('traps')
t = wasm.Instance(m, timeout_ms=100)
try:
    t.exports.spin()
except wasm.Trap as e:
    print('Trap:', e)
print(t.exports.ok(), t.fuel)
try:
    wasm.Instance(m, fuel=10)
except ValueError as e:
    print('ValueError:', e)
""", env=dict(os.environ, WASM_APPS=str(image)))
    assert out == ["Trap: time limit of 100 ms exceeded", "1 None",
                   "ValueError: fuel needs an interpreter; this module is AOT"]


def test_apps_listing_and_cli(fw, apps):
    image, blobs = apps
    out = fw.lines("import wasm\nprint(wasm.apps())", env=dict(os.environ, WASM_APPS=str(image)))
    assert out == [str([(n, "x86_64", len(b)) for n, b in blobs.items()])]
    listing = subprocess.run(["python3", "-m", "scripts", "xip-list", str(image)], cwd=paths.ROOT,
                             capture_output=True, text=True, check=True).stdout.splitlines()
    assert [line.split()[:3] for line in listing] == [[n, "x86_64", "AOT"] for n in blobs]


def test_xip_does_not_copy_code_into_ram(fw, classic_fw, apps):
    image, blobs = apps
    text = xip.aot_text_size(blobs["bigcode"])
    assert text >= 32 * 1024
    out = fw.lines("""
import wasm, gc
wasm.Module.xip('kernels').close()
gc.collect()
pool0, heap0 = wasm.pool_info()[1], gc.mem_free()
m = wasm.Module.xip('bigcode')
gc.collect()
pool1, heap1 = wasm.pool_info()[1], gc.mem_free()
print(pool0 - pool1, heap0 - heap1)
print(wasm.Instance(m).exports.churn(12345) & 0xffffffff)
""", env=dict(os.environ, WASM_APPS=str(image)))
    pool_used, heap_used = map(int, out[0].split())
    assert pool_used + heap_used < text // 10, (pool_used, heap_used, text)
    # The classic interpreter agrees (the fast interpreter's precompiled copy
    # of this module, like a RAM copy of its AOT code, would not fit the pool).
    interp = classic_fw.lines("import wasm\nm = wasm.Module.load(GUEST + '/bigcode.wasm')\n"
                           "print(wasm.Instance(m).exports.churn(12345) & 0xffffffff)")
    assert out[1] == interp[0]


def _patched(image, tmp_path, edit):
    data = bytearray(image.read_bytes())
    edit(data)
    out = tmp_path / "patched.bin"
    out.write_bytes(data)
    return out


def _fix_index_crc(data):
    count = struct.unpack_from("<H", data, 6)[0]
    table = bytes(data[16:16 + 64 * count])
    struct.pack_into("<I", data, 12, zlib.crc32(table))


def test_bad_partitions_raise_load_errors(fw, apps, aotc, tmp_path):
    image, blobs = apps

    def set_entry(field_offset, value):
        def edit(data):
            struct.pack_into("<I", data, 16 + field_offset, value)
            _fix_index_crc(data)
        return edit

    def set_target(data):
        data[16 + 32:16 + 48] = b"thumbv7em".ljust(16, b"\0")
        _fix_index_crc(data)

    kernels_offset = struct.unpack_from("<I", image.read_bytes(), 16 + 52)[0]
    cases = {
        "index": lambda d: d.__setitem__(20, d[20] ^ 0xff),
        "blob": lambda d: d.__setitem__(kernels_offset + 100, d[kernels_offset + 100] ^ 0xff),
        "target": set_target,
        "version": set_entry(48, 5),
        "misaligned": set_entry(52, kernels_offset + 2),
        "outside": set_entry(56, 1 << 30),
        "magic": lambda d: d.__setitem__(0, ord("X")),
    }
    lines = []
    for name, edit in cases.items():
        path = _patched(image, tmp_path, edit)
        out = fw.lines("""
import wasm
try:
    wasm.Module.xip('kernels')
except wasm.LoadError as e:
    print('LoadError:', e)
""", env=dict(os.environ, WASM_APPS=str(path)))
        lines.append((name, out))
    assert lines == [
        ("index", ["LoadError: wasmapps index checksum mismatch"]),
        ("blob", ["LoadError: kernels: blob checksum mismatch"]),
        ("target", ["LoadError: kernels: built for thumbv7em, this firmware runs x86_64"]),
        ("version", ["LoadError: kernels: AOT version 5 does not match this firmware's AOT version 6"]),
        ("misaligned", ["LoadError: kernels: blob is not word-aligned"]),
        ("outside", ["LoadError: kernels: blob lies outside the image"]),
        ("magic", ["LoadError: wasmapps partition holds no app image (bad magic)"]),
    ]
    out = fw.lines("""
import wasm
for name in ('missing',):
    try:
        wasm.Module.xip(name)
    except wasm.LoadError as e:
        print('LoadError:', e)
""", env=dict(os.environ, WASM_APPS=str(image)))
    assert out == ["LoadError: no app named 'missing' in the wasmapps partition"]
    env = dict(os.environ)
    env.pop("WASM_APPS", None)
    out = fw.lines("""
import wasm
try:
    wasm.apps()
except wasm.LoadError as e:
    print('LoadError:', e)
""", env=env)
    assert out == ["LoadError: no wasmapps partition image on this device"]


def test_packer_refuses_non_xip_and_bad_names(aotc, guest_dir, tmp_path):
    relocatable = compile_aot(aotc, guest_dir / "kernels.wasm", tmp_path / "k.aot")
    with pytest.raises(xip.ToolError, match="k: not an XIP AOT file"):
        xip.pack([("k", relocatable)])
    with pytest.raises(xip.ToolError, match="not a WAMR AOT file"):
        xip.pack([("w", (guest_dir / "kernels.wasm").read_bytes())])
    blob = compile_aot(aotc, guest_dir / "kernels.wasm", tmp_path / "x.aot", xip_mode=True)
    with pytest.raises(xip.ToolError, match="appears twice"):
        xip.pack([("a", blob), ("a", blob)])
    with pytest.raises(xip.ToolError, match="must be 1 to 31 bytes"):
        xip.pack([("n" * 32, blob)])
    apps = xip.parse(xip.pack([("a", blob)]))
    assert [(a.name, a.target, a.aot_version, a.offset % 4096) for a in apps] == [("a", "x86_64", 6, 0)]


def test_xip_blob_with_text_relocations_is_refused(fw, aotc, guest_dir, tmp_path):
    """A relocatable AOT file relabelled as XIP: its code needs patching,
    which code in flash (here: a read-only mapping) cannot take."""
    listing = subprocess.run([str(aotc), "--target=x86_64", "--print-relocations", "-o",
                              str(tmp_path / "k.aot"), str(guest_dir / "kernels.wasm")],
                             capture_output=True, text=True, check=True).stdout
    text_relocs = sum(1 for line in listing.splitlines() if line.split()[:1] == [".rela.text"])
    assert text_relocs > 0, listing
    blob = bytearray((tmp_path / "k.aot").read_bytes())
    struct.pack_into("<H", blob, 20, 4)  # target info e_type: XIP
    image = tmp_path / "wasmapps.bin"
    image.write_bytes(xip.pack([("kernels", bytes(blob))]))
    out = fw.lines("""
import wasm
try:
    wasm.Module.xip('kernels')
except wasm.LoadError as e:
    print('LoadError:', e)
print(wasm.apps()[0][0])
""", env=dict(os.environ, WASM_APPS=str(image)))
    assert out == [f"LoadError: kernels: {text_relocs} text relocations, which code in flash "
                   "cannot take (compile it with --xip)", "kernels"]
