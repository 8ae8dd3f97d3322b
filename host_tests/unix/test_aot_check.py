"""Malformed AOT files and XIP images. WAMR's AOT loader trusts much of a
file; the firmware checks every file first (wasm_aot_check.c), so a changed
byte gives LoadError or a working module, never a crash. AOT and the
interpreters list and link imports the same way."""

import os
import struct
import zlib

import pytest

from scripts import aot, xip

GUESTS = ("kernels", "hostcalls")
TEXT = 2

# Runs in the firmware: loads every one-byte change of an AOT file (XOR with
# each mask) in byte range [lo, hi), lists its imports and exports, and
# instantiates it unless the change is in the code (AOT code is native code,
# trusted like the firmware: changing it is out of scope). Prints how often
# each outcome happened; anything but LoadError or a working module is
# printed in full.
MUTATE = """
import wasm
data = open(PATH, 'rb').read()
counts = {}
def outcome(i, x, b):
    try:
        m = wasm.Module(b)
    except wasm.LoadError as e:
        return 'LoadError'
    m.imports()
    m.exports()
    if not (TEXT_LO <= i < TEXT_HI):
        try:
            wasm.Instance(m, heap=0).close()
        except wasm.LinkError:
            pass
    m.close()
    return 'loaded'
for i in range(LO, HI):
    for x in MASKS:
        b = bytearray(data)
        b[i] ^= x
        try:
            key = outcome(i, x, b)
        except Exception as e:
            key = 'UNEXPECTED at %d ^ %d: %s: %s' % (i, x, type(e).__name__, e)
        counts[key] = counts.get(key, 0) + 1
for k in sorted(counts):
    print(counts[k], k)
"""


@pytest.fixture(scope="module")
def aot_files(aotc, guest_dir, tmp_path_factory):
    """{name: bytes} of the guests compiled for this firmware, plain and XIP."""
    out_dir = tmp_path_factory.mktemp("aot")
    files = {}
    for name, xip_mode in [(g, False) for g in GUESTS] + [("kernels", True)]:
        key = name + (".xip" if xip_mode else "")
        path = aot.compile_wasm(guest_dir / f"{name}.wasm", "x86_64", xip=xip_mode,
                                output=out_dir / f"{key}.aot", quiet=True)
        files[key] = path.read_bytes()
    return files


def text_range(blob):
    (_, start, size), = [s for s in aot.sections(blob) if s[0] == TEXT]
    return start, start + size


def mutation_outcomes(fw, blob, masks, tmp_path, lo=0, hi=None):
    path = tmp_path / "victim.aot"
    path.write_bytes(blob)
    text_lo, text_hi = text_range(blob)
    script = (f"PATH = {str(path)!r}\nLO, HI = {lo}, {hi or len(blob)}\nMASKS = {masks!r}\n"
              f"TEXT_LO, TEXT_HI = {text_lo}, {text_hi}\n" + MUTATE)
    out = fw.lines(script, timeout=900)
    counts = {line.split(" ", 1)[1]: int(line.split(" ", 1)[0]) for line in out}
    return counts


@pytest.mark.parametrize("name", GUESTS)
def test_every_one_byte_change_loads_or_raises_load_error(fw, aot_files, name, tmp_path):
    blob = aot_files[name]
    text_lo, text_hi = text_range(blob)
    # Every byte flipped outside the code, and one flip of every code byte.
    meta = mutation_outcomes(fw, blob, (0xFF, 0x01), tmp_path, 0, text_lo + 8)
    meta_tail = mutation_outcomes(fw, blob, (0xFF, 0x01), tmp_path, text_hi, len(blob))
    code = mutation_outcomes(fw, blob, (0x10,), tmp_path, text_lo + 8, text_hi)
    for counts in (meta, meta_tail, code):
        assert [k for k in counts if k not in ("loaded", "LoadError")] == []
    assert sum(meta.values()) + sum(meta_tail.values()) == 2 * (len(blob) - (text_hi - text_lo) + 8)
    assert sum(code.values()) == text_hi - text_lo - 8
    # The file is full of checked metadata: most changes there are refused.
    assert meta["LoadError"] + meta_tail["LoadError"] > sum(meta.values()) // 2


def truncation_points(blob):
    points = set()
    for _, start, size in aot.sections(blob):
        for edge in (start - 8, start, start + size):
            points.update(p for p in range(edge - 3, edge + 4) if 0 < p < len(blob))
    return sorted(points)


def test_truncation_at_every_section_boundary_is_a_load_error(fw, aot_files, tmp_path):
    results = {}
    for name in GUESTS:
        blob = aot_files[name]
        path = tmp_path / f"{name}.aot"
        path.write_bytes(blob)
        points = truncation_points(blob)
        out = fw.lines(f"""
import wasm
data = open({str(path)!r}, 'rb').read()
for n in {points!r}:
    try:
        wasm.Module(data[:n])
        print(n, 'loaded')
    except wasm.LoadError as e:
        print(n, 'LoadError')
""")
        results[name] = out
        assert out == [f"{n} LoadError" for n in points], name
    assert len(results["kernels"]) > 40


# ---- targeted changes: the message says what is wrong ------------------------

def u32_at(blob, offset, value):
    out = bytearray(blob)
    struct.pack_into("<I", out, offset, value)
    return bytes(out)


def section(blob, kind):
    return next((start, size) for k, start, size in aot.sections(blob) if k == kind)


def first_relocation(blob):
    """File offset of the first relocation's offset field."""
    start, _ = section(blob, 5)
    count = struct.unpack_from("<I", blob, start)[0]
    pos = start + 4 + 4 * count
    strings = struct.unpack_from("<I", blob, pos)[0]
    pos = (pos + 4 + strings + 3) & ~3
    groups, _name, relocs = struct.unpack_from("<III", blob, pos)
    assert groups > 0 and relocs > 0
    return pos + 12


def load_error(fw, blob, tmp_path):
    path = tmp_path / "case.aot"
    path.write_bytes(blob)
    out = fw.lines(f"""
import wasm
try:
    m = wasm.Module.load({str(path)!r})
    print('loaded', m.imports(), m.exports())
except wasm.LoadError as e:
    print('LoadError:', e)
""")
    return out[0]


def test_targeted_changes_name_the_problem(fw, aot_files, tmp_path):
    k = aot_files["kernels"]
    init, _ = section(k, 1)
    text, text_size = section(k, 2)
    cases = {
        # (a) of issue 10: a memory import without an import array
        "imported memory": u32_at(k, init, 1),
        # the literal pool larger than the code: code would start outside it
        "literal size": u32_at(k, text, 0xFFFFFF00),
        # (b): a relocation far outside the code
        "relocation": u32_at(k, first_relocation(k), text_size + 0x100000),
        # an XIP file loaded into RAM (its code would run from the pool)
        "xip in ram": aot_files["kernels.xip"],
    }
    got = {name: load_error(fw, blob, tmp_path) for name, blob in cases.items()}
    assert got == {
        "imported memory": "LoadError: malformed AOT file: imported memory (not supported in AOT files)",
        "literal size": "LoadError: malformed AOT file: literal size larger than the text section",
        "relocation": "LoadError: malformed AOT file: relocation outside its section (group 0)",
        "xip in ram": "LoadError: XIP AOT file: it runs in place from the wasmapps partition (Module.xip)",
    }


def test_non_utf8_names_are_load_errors_at_load(fw, aot_files, tmp_path):
    blob = aot_files["hostcalls"]
    # An import's field name in the function import list ("ticks_ms", ...).
    at = blob.index(b"ticks_ms\0")
    bad = bytearray(blob)
    bad[at] = 0xFF
    assert load_error(fw, bytes(bad), tmp_path) == \
        "LoadError: malformed AOT file: name is not valid UTF-8"
    # An export name (kernels exports "fib").
    k = aot_files["kernels"]
    at = k.index(b"fib\0", section(k, 4)[0])
    bad = bytearray(k)
    bad[at + 1] = 0xC0
    assert load_error(fw, bytes(bad), tmp_path) == \
        "LoadError: malformed AOT file: name is not valid UTF-8"


def test_loader_messages_quoting_the_file_stay_load_errors(fw, aot_files, tmp_path):
    """WAMR names a symbol it cannot resolve; non-UTF-8 bytes in it must not
    turn the LoadError into a UnicodeError."""
    k = aot_files["kernels"]
    at = k.index(b"aot_set_exception_with_id\0")
    bad = bytearray(k)
    bad[at + 3] = 0xFF
    assert load_error(fw, bytes(bad), tmp_path) == \
        "LoadError: resolve symbol aot?set_exception_with_id failed"


# ---- the same through XIP images ------------------------------------------------

def pack_raw(apps, target="x86_64", version=aot.AOT_VERSION):
    """A wasmapps image with a valid index and CRCs around any bytes."""
    table_end = xip.HEADER.size + xip.ENTRY.size * len(apps)
    offset = (table_end + xip.BLOB_ALIGN - 1) // xip.BLOB_ALIGN * xip.BLOB_ALIGN
    entries, blobs = [], []
    for name, blob in apps:
        entries.append(xip.ENTRY.pack(name.encode(), target.encode(), version, offset, len(blob),
                                      zlib.crc32(blob)))
        blobs.append((offset, blob))
        offset = (offset + len(blob) + xip.BLOB_ALIGN - 1) // xip.BLOB_ALIGN * xip.BLOB_ALIGN
    table = b"".join(entries)
    image = bytearray(offset)
    image[:xip.HEADER.size] = xip.HEADER.pack(xip.MAGIC, xip.FORMAT_VERSION, len(apps), offset,
                                              zlib.crc32(table))
    image[xip.HEADER.size:table_end] = table
    for at, blob in blobs:
        image[at:at + len(blob)] = blob
    return bytes(image)


XIP_LOAD = """
import wasm
counts = {}
for i in range(COUNT):
    try:
        m = wasm.Module.xip('m%d' % i)
        m.imports()
        m.exports()
        if i not in IN_CODE:
            try:
                wasm.Instance(m, heap=0).close()
            except wasm.LinkError:
                pass
        m.close()
        key = 'loaded'
    except wasm.LoadError:
        key = 'LoadError'
    except Exception as e:
        key = 'UNEXPECTED m%d: %s: %s' % (i, type(e).__name__, e)
    counts[key] = counts.get(key, 0) + 1
for k in sorted(counts):
    print(counts[k], k)
"""


def run_xip_image(fw, blobs, in_code, tmp_path):
    image = tmp_path / "wasmapps.bin"
    image.write_bytes(pack_raw([(f"m{i}", b) for i, b in enumerate(blobs)]))
    out = fw.lines(f"COUNT = {len(blobs)}\nIN_CODE = {sorted(in_code)!r}\n" + XIP_LOAD,
                   env=dict(os.environ, WASM_APPS=str(image)), timeout=900)
    return {line.split(" ", 1)[1]: int(line.split(" ", 1)[0]) for line in out}


def test_xip_images_with_changed_blobs_raise_load_errors(fw, aot_files, tmp_path):
    blob = aot_files["kernels.xip"]
    text_lo, text_hi = text_range(blob)
    # Every byte outside the code, and the code's first bytes (literal size).
    positions = [i for i in range(len(blob)) if not text_lo + 8 <= i < text_hi]
    totals = {}
    for chunk in range(0, len(positions), 600):
        blobs, in_code = [], set()
        for n, i in enumerate(positions[chunk:chunk + 600]):
            b = bytearray(blob)
            b[i] ^= 0xFF
            blobs.append(bytes(b))
            if text_lo + 4 <= i < text_hi:
                in_code.add(n)
        for key, n in run_xip_image(fw, blobs, in_code, tmp_path).items():
            totals[key] = totals.get(key, 0) + n
    assert [k for k in totals if k not in ("loaded", "LoadError")] == []
    assert sum(totals.values()) == len(positions)
    assert totals["LoadError"] > len(positions) // 2


def test_xip_images_with_truncated_blobs_raise_load_errors(fw, aot_files, tmp_path):
    blob = aot_files["kernels.xip"]
    points = truncation_points(blob)
    counts = run_xip_image(fw, [blob[:n] for n in points], set(), tmp_path)
    assert counts == {"LoadError": len(points)}


# ---- imports: AOT agrees with the interpreters ------------------------------------

IMPORTS_WAT = """
(module
  (import "env" "f" (func (param i32) (result i32)))
  (import "env" "mem" (memory 1))
  (import "env" "g" (global i32))
  (import "env" "tbl" (table 2 funcref))
  (func (export "run") (result i32) (i32.const 7)))
"""


@pytest.fixture
def imports_module(aotc, tmp_path):
    import subprocess
    wat = tmp_path / "imp.wat"
    wat.write_text(IMPORTS_WAT)
    wasm_path = tmp_path / "imp.wasm"
    subprocess.run(["wat2wasm", str(wat), "-o", str(wasm_path)], check=True)
    aot_path = aot.compile_wasm(wasm_path, "x86_64", output=tmp_path / "imp.aot", quiet=True)
    return wasm_path, aot_path


def test_aot_lists_and_links_memory_and_table_imports_like_the_interpreters(
        any_fw, imports_module):
    wasm_path, aot_path = imports_module
    out = any_fw.lines(f"""
import wasm
for path in ({str(wasm_path)!r}, {str(aot_path)!r}):
    m = wasm.Module.load(path)
    print(m.is_aot, m.imports())
    try:
        wasm.Instance(m, {{"env": {{"f": lambda x: x}}}})
    except wasm.LinkError as e:
        print('LinkError:', e)
    env = {{"f": lambda x: x, "mem": wasm.Memory(1), "g": wasm.Global("i32", 3), "tbl": wasm.Table(2)}}
    inst = wasm.Instance(m, {{"env": env}})
    print(inst.exports.run(), inst.memory is env["mem"], len(env["tbl"]))
""")
    imports = ("[('env', 'f', 'func (i)i'), ('env', 'tbl', 'table'), ('env', 'mem', 'memory'), "
               "('env', 'g', 'global i32')]")
    assert out == [f"False {imports}", "LinkError: missing import env.tbl (table)", "7 True 2",
                   f"True {imports}", "LinkError: missing import env.tbl (table)", "7 True 2"]


def test_aot_file_without_the_firmware_section_is_refused(fw, imports_module, tmp_path):
    """Files from another compiler lack what the firmware checks them with
    (the native symbol count, the imports WAMR's format drops)."""
    _, aot_path = imports_module
    blob = aot_path.read_bytes()
    kind, start, _ = aot.sections(blob)[-1]
    assert kind == 100 and b"micropython.aot" in blob[start:]
    assert load_error(fw, blob[:start - 8], tmp_path) == (
        "LoadError: malformed AOT file: no micropython.aot section "
        "(compile it with `python3 -m scripts aot`)")
