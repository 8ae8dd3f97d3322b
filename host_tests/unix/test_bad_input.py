"""Malformed and hostile module input: always a Python exception, never a crash."""

import platform

from scripts.wasm_binary import sections

WASM_HEADER = b"\0asm\x01\0\0\0"


def wasm_sections(data):
    """[(section id, end offset), ...] of a wasm binary (host-side parser)."""
    assert data[:8] == WASM_HEADER
    found = sections(data)
    assert found[-1][2] == len(data)
    return [(kind, end) for kind, _, end in found]


def valid_prefix_lengths(data):
    """Proper prefixes of `data` that are complete modules on their own.

    A prefix is valid when it ends right after the header, after the type or
    import section, or after the code section (dropping only the data
    section). Between the function and the code section, function bodies
    would be missing.
    """
    return [8] + [end for sid, end in wasm_sections(data)
                  if sid in (1, 2, 10) and end < len(data)]


def test_empty_and_too_short_input(any_fw):
    out = any_fw.lines("""
        import wasm
        for data in (b'', bytearray(), memoryview(b''), b'\\0', b'\\0as', b'\\0asm', b'\\0asm\\x01\\0\\0'):
            try:
                wasm.Module(data)
            except wasm.LoadError as exc:
                print(len(data), 'LoadError:', exc)
    """)
    assert out == [
        "0 LoadError: empty module",
        "0 LoadError: empty module",
        "0 LoadError: empty module",
        "1 LoadError: file too short to be a wasm module",
        "3 LoadError: file too short to be a wasm module",
        "4 LoadError: unexpected end",
        "7 LoadError: unexpected end",
    ]


def test_header_only_module_loads(any_fw):
    out = any_fw.lines("""
        import wasm
        m = wasm.Module(b'\\0asm\\x01\\0\\0\\0')
        print(m, m.imports(), m.exports())
        inst = wasm.Instance(m)
        print(inst.memory, inst.closed)
    """)
    assert out == ["<wasm.Module wasm, 8 bytes> [] []", "None False"]


def test_wrong_magic_and_version(any_fw):
    out = any_fw.lines("""
        import wasm
        for data in (b'garbage!', bytes(8), b'\\x7fELF\\x02\\x01\\x01\\x00', b'\\0ASM\\x01\\0\\0\\0',
                     b'\\0asm\\x02\\0\\0\\0', b'\\0asm\\0\\0\\0\\0', b'\\0asm\\x01\\0\\0\\x01'):
            try:
                wasm.Module(data)
            except wasm.LoadError as exc:
                print('LoadError:', exc)
        print(issubclass(wasm.LoadError, wasm.Error), issubclass(wasm.Error, Exception))
    """)
    assert out == [
        "LoadError: not a wasm or AOT module (bad magic number)",
        "LoadError: not a wasm or AOT module (bad magic number)",
        "LoadError: not a wasm or AOT module (bad magic number)",
        "LoadError: not a wasm or AOT module (bad magic number)",
        "LoadError: unknown binary version",
        "LoadError: unknown binary version",
        "LoadError: unknown binary version",
        "True True",
    ]


def test_random_bytes_are_load_errors(any_fw):
    # Deterministic pseudo-random input (xorshift32), raw and behind a valid
    # wasm or AOT header so that the section parsers get exercised too.
    result = any_fw.run("""
        import wasm
        state = 0x2545F491
        def rand_byte():
            global state
            x = state
            x ^= (x << 13) & 0xFFFFFFFF
            x ^= x >> 17
            x ^= (x << 5) & 0xFFFFFFFF
            state = x
            return x & 0xFF
        lengths = list(range(1, 65)) + [100, 255, 256, 1000, 1023, 4096, 5000]
        outcomes = {}
        total = 0
        for prefix in (b'', b'\\0asm\\x01\\0\\0\\0', b'\\0aot\\x06\\0\\0\\0'):
            for n in lengths:
                for rep in range(3):
                    data = prefix + bytes(rand_byte() for _ in range(n))
                    try:
                        wasm.Module(data).close()
                        key = 'loaded'
                    except wasm.LoadError:
                        key = 'LoadError'
                    except Exception as exc:
                        key = type(exc).__name__ + ': ' + str(exc)
                    outcomes[key] = outcomes.get(key, 0) + 1
                    total += 1
        print(total, sorted(outcomes.items()))
        print('done')
    """, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["639 [('LoadError', 639)]", "done"]


def test_truncation_at_every_length(any_fw, guest_dir):
    names = ("kernels", "traps", "needs_import", "memgrow")
    result = any_fw.run(f"""
        import wasm
        for name in {names!r}:
            data = open(GUEST + '/' + name + '.wasm', 'rb').read()
            loaded = []
            other = []
            for n in range(len(data)):
                try:
                    m = wasm.Module(data[:n])
                except wasm.LoadError:
                    continue
                except Exception as exc:
                    other.append((n, type(exc).__name__, str(exc)))
                    continue
                loaded.append(n)
                m.exports()
                try:
                    wasm.Instance(m).close()
                except wasm.LinkError:
                    pass  # needs_import: the imports are still missing
                m.close()
            print(name, len(data), loaded, other)
        print('done')
    """, check=False)
    assert result.returncode == 0, result.stderr
    expected = []
    for name in names:
        data = (guest_dir / f"{name}.wasm").read_bytes()
        expected.append(f"{name} {len(data)} {valid_prefix_lengths(data)} []")
    assert result.stdout.splitlines() == expected + ["done"]


def test_truncation_messages_for_kernels(fw):
    out = fw.lines("""
        import wasm
        data = open(GUEST + '/kernels.wasm', 'rb').read()
        msgs = {}
        for n in range(len(data)):
            try:
                wasm.Module(data[:n])
            except wasm.LoadError as exc:
                msgs[str(exc)] = msgs.get(str(exc), 0) + 1
        for item in sorted(msgs.items()):
            print(item)
    """)
    # 2160 prefixes, 2 of which ([8, 59]) are valid modules.
    assert out == [
        "('empty module', 1)",
        "('file too short to be a wasm module', 3)",
        "('function and code section have inconsistent lengths or unexpected end', 5)",
        "('unexpected end', 2149)",
    ]


def test_bit_flips_never_crash(any_fw):
    # Every single-bit flip of four modules: each must load, or fail with
    # wasm.LoadError. Modules that load are also instantiated.
    result = any_fw.run("""
        import wasm
        for name in ('kernels', 'traps', 'needs_import', 'memgrow'):
            data = open(GUEST + '/' + name + '.wasm', 'rb').read()
            buf = bytearray(data)
            loaded = load_errors = magic = version = 0
            other = []
            for pos in range(len(buf)):
                for bit in range(8):
                    buf[pos] ^= 1 << bit
                    try:
                        m = wasm.Module(buf)
                    except wasm.LoadError as exc:
                        load_errors += 1
                        msg = str(exc)
                        if msg == 'not a wasm or AOT module (bad magic number)':
                            magic += 1
                        elif msg == 'unknown binary version':
                            version += 1
                    except Exception as exc:
                        other.append('%d.%d %s: %s' % (pos, bit, type(exc).__name__, exc))
                    else:
                        loaded += 1
                        m.imports()
                        m.exports()
                        try:
                            wasm.Instance(m).close()
                        except wasm.Error:
                            pass
                        m.close()
                    buf[pos] ^= 1 << bit
            print(name, load_errors > 0, loaded > 0,
                  magic, version, bytes(buf) == data, other)
        print('done')
    """, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "kernels True True 32 32 True []",
        "traps True True 32 32 True []",
        "needs_import True True 32 32 True []",
        "memgrow True True 32 32 True []",
        "done",
    ]


def test_huge_declared_counts_are_load_errors(any_fw):
    # A 13-byte module whose section claims 65535 entries is malformed.
    # It must be reported as such, not as an exhausted WAMR pool.
    out = any_fw.lines("""
        import wasm
        wasm.Module(b'\\0asm\\x01\\0\\0\\0').close()
        before = wasm.pool_info()
        for sid in (1, 2, 4, 6, 7, 9, 11):
            try:
                wasm.Module(b'\\0asm\\x01\\0\\0\\0' + bytes([sid, 3]) + b'\\xff\\xff\\x03')
                print(sid, 'loaded')
            except wasm.LoadError:
                print(sid, 'LoadError')
            except Exception as exc:
                print(sid, type(exc).__name__ + ':', exc)
        print(wasm.pool_info() == before)
    """)
    assert out == [f"{sid} LoadError" for sid in (1, 2, 4, 6, 7, 9, 11)] + ["True"]


def test_invalid_utf8_name_message(any_fw):
    out = any_fw.lines("""
        import wasm
        for name, field, byte in (('memgrow', b'pages', 0xff), ('needs_import', b'host_add', 0xc0)):
            data = bytearray(open(GUEST + '/' + name + '.wasm', 'rb').read())
            data[bytes(data).find(field)] = byte
            try:
                wasm.Module(data)
            except wasm.LoadError as exc:
                print(name, 'LoadError:', exc)
    """)
    # The module is rejected while loading; the message should not claim
    # that instantiation failed.
    assert out == [
        "memgrow LoadError: invalid UTF-8 encoding",
        "needs_import LoadError: invalid UTF-8 encoding",
    ]


def test_missing_import_is_a_link_error(any_fw):
    out = any_fw.lines("""
        import wasm, gc
        m = wasm.Module.load(GUEST + '/needs_import.wasm')
        for imports in (None, {}, {'env': {}}):
            try:
                wasm.Instance(m, imports)
            except wasm.LinkError as exc:
                print('LinkError:', exc, isinstance(exc, wasm.Error))
        # A failed instantiation gives its pool memory back at once.
        gc.collect()
        before = wasm.pool_info()
        for i in range(50):
            try:
                wasm.Instance(m)
            except wasm.LinkError:
                pass
        print(wasm.pool_info() == before, m.closed)
    """)
    assert out == [
        "LinkError: missing import env.host_add (func (ii)i) True",
        "LinkError: missing import env.host_add (func (ii)i) True",
        "LinkError: missing import env.host_add (func (ii)i) True",
        "True False",
    ]


def another_target(detail):
    return f"LoadError: AOT file built for another target ({detail}); " \
        "compile it with --target for this firmware"


AOT_SCRIPT_PRELUDE = """
import wasm, struct
def aot(version=6, bin_type=2, e_machine=62, arch=b'x86_64', e_type=1):
    info = struct.pack('<HHHHIIQQ16s', bin_type, 0, e_type, e_machine, 1, 0, 0, 0, arch)
    return b'\\0aot' + struct.pack('<I', version) + struct.pack('<II', 0, len(info)) + info
def load(**kw):
    try:
        wasm.Module(aot(**kw))
        print('loaded')
    except wasm.LoadError as exc:
        print('LoadError:', exc)
"""


def test_aot_header_for_another_target(any_fw):
    host = platform.machine()
    assert host in ("x86_64", "aarch64"), f"no AOT expectations for host {host}"
    if host == "x86_64":
        host_name, foreign = "x86_64", "e_machine=183, arch=b'aarch64v8'"
        foreign_name = "aarch64v8"
    else:
        host_name, foreign = "aarch64v8", "e_machine=62, arch=b'x86_64'"
        foreign_name = "x86_64"
    out = any_fw.lines(AOT_SCRIPT_PRELUDE + f"""
load({foreign})
load(e_machine=243, arch=b'riscv64')
load(bin_type=0, e_machine=94, arch=b'xtensa')
load(bin_type=0, e_machine=40, arch=b'thumbv7')
""")
    assert out == [
        another_target(f"invalid target type, expected {host_name} but got {foreign_name}"),
        another_target(f"invalid target type, expected {host_name} but got riscv64"),
        another_target("invalid target bit width, expected 64-bit but got 32-bit"),
        another_target("invalid target bit width, expected 64-bit but got 32-bit"),
    ]


def test_aot_header_version_and_format_checks(fw):
    assert platform.machine() == "x86_64", "expectations below are for an x86_64 host"
    out = fw.lines(AOT_SCRIPT_PRELUDE + """
load(version=5)
load(version=7)
load(version=0)
load(bin_type=3)
load(e_type=2)
load(arch=b'aarch64v8')
load()
try:
    wasm.Module(b'\\0aot\\x06\\0\\0\\0')
except wasm.LoadError as exc:
    print('LoadError:', exc)
data = aot()
for n in (4, 7, 9, 16, len(data) - 1):
    try:
        wasm.Module(data[:n])
    except wasm.LoadError as exc:
        print(n, 'LoadError:', exc)
""")
    assert out == [
        "LoadError: AOT file version 5 does not match this firmware's AOT version 6",
        "LoadError: AOT file version 7 does not match this firmware's AOT version 6",
        "LoadError: AOT file version 0 does not match this firmware's AOT version 6",
        another_target("invalid target endian type, expected little endian but got big endian"),
        "LoadError: invalid object file type, expected relocatable or XIP file type but got others",
        "LoadError: machine type (x86_64) isn't consistent with target type (aarch64v8)",
        # The firmware checks the file before WAMR's loader (wasm_aot_check.c).
        "LoadError: malformed AOT file: sections missing",
        "LoadError: malformed AOT file: sections missing",
        "4 LoadError: malformed AOT file: file header truncated",
        "7 LoadError: malformed AOT file: file header truncated",
        "9 LoadError: malformed AOT file: truncated section",
        "16 LoadError: malformed AOT file: section extends past the end of the file",
        "63 LoadError: malformed AOT file: section extends past the end of the file",
    ]


def test_wrong_argument_types_for_module(fw):
    out = fw.lines("""
        import wasm
        for bad in (123, None, 1.5, [0, 97, 115, 109], {}, wasm):
            try:
                wasm.Module(bad)
            except TypeError as exc:
                print('TypeError:', exc)
        try:
            wasm.Module()
        except TypeError as exc:
            print('TypeError:', exc)
        try:
            wasm.Module(b'\\0asm\\x01\\0\\0\\0', b'')
        except TypeError as exc:
            print('TypeError:', exc)
    """)
    assert out == ["TypeError: wasm.Module() expects bytes, bytearray or memoryview"] * 6 + [
        "TypeError: function takes 1 positional arguments but 0 were given",
        "TypeError: function takes 1 positional arguments but 2 were given",
    ]


def test_instance_argument_validation(fw):
    out = fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/memgrow.wasm')
        for kw in ({'stack': 1023}, {'stack': 1048577}, {'stack': -1},
                   {'heap': -1}, {'heap': 16777217}):
            try:
                wasm.Instance(m, **kw)
            except ValueError as exc:
                print('ValueError:', exc)
        for args, kw in (((None,), {}), ((b'\\0asm\\x01\\0\\0\\0',), {}), ((m, 5), {}),
                         ((m,), {'wasi': 5})):
            try:
                wasm.Instance(*args, **kw)
            except TypeError as exc:
                print('TypeError:', exc)
        for kw in ({'stack': 1024, 'heap': 0}, {'stack': 1048576 // 16, 'heap': 16777216}):
            with wasm.Instance(m, **kw) as inst:
                print(inst.exports.pages())
    """)
    assert out == [
        "ValueError: stack must be between 1024 and 1048576 bytes",
        "ValueError: stack must be between 1024 and 1048576 bytes",
        "ValueError: stack must be between 1024 and 1048576 bytes",
        "ValueError: heap must be between 0 and 16777216 bytes",
        "ValueError: heap must be between 0 and 16777216 bytes",
        "TypeError: expected a wasm.Module",
        "TypeError: expected a wasm.Module",
        "TypeError: imports must be a dict",
        "TypeError: wasi must be a wasm.WASI",
        "1",
        "257",
    ]


def test_instantiating_a_closed_module(any_fw):
    out = any_fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/kernels.wasm')
        m.close()
        try:
            wasm.Instance(m)
        except ValueError as exc:
            print('ValueError:', exc)
        with wasm.Module.load(GUEST + '/kernels.wasm') as m2:
            pass
        try:
            wasm.Instance(m2, stack=4096)
        except ValueError as exc:
            print('ValueError:', exc)
    """)
    assert out == ["ValueError: wasm module is closed", "ValueError: wasm module is closed"]


# SIMD is left out of every firmware (WASM_ENABLE_SIMD=0, issue 14): a module
# using v128 is refused with a message that says so, on both interpreters,
# and aotc refuses to compile it the same way.
V128_IN_TYPE = "(module (func (export \"f\") (param v128) (result i32) (i32.const 1)))"
V128_IN_CODE = """(module (func (export "g") (result i32)
  (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))"""
SIMD_HINT = "SIMD (v128) is not supported by this firmware; build the guest without -msimd128"


def test_simd_modules_are_refused_clearly(any_fw, aotc, tmp_path):
    import subprocess

    paths = []
    for name, source in (("in_type", V128_IN_TYPE), ("in_code", V128_IN_CODE)):
        (tmp_path / f"{name}.wat").write_text(source)
        subprocess.run(["wat2wasm", str(tmp_path / f"{name}.wat"), "-o", str(tmp_path / f"{name}.wasm")],
                       check=True, capture_output=True)
        paths.append(tmp_path / f"{name}.wasm")
    out = any_fw.lines(f"""
        import wasm
        for path in {[str(p) for p in paths]!r}:
            try:
                wasm.Module.load(path)
            except wasm.LoadError as exc:
                print('LoadError:', exc)
    """)
    assert out == [
        "LoadError: unknown value type (i32, i64, f32, f64, funcref and externref are known; "
        + SIMD_HINT + ")",
        "LoadError: unsupported opcode fd: " + SIMD_HINT,
    ]
    for path in paths:
        proc = subprocess.run([str(aotc), "--target=x86_64", "-o", str(path.with_suffix(".aot")),
                               str(path)], capture_output=True, text=True)
        assert proc.returncode == 1
        assert proc.stderr.splitlines()[-1] == ("aotc: SIMD (v128) is not supported (the firmware "
                                                "runtimes leave it out): build the guest without -msimd128")
        assert not path.with_suffix(".aot").exists()
