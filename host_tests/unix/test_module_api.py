"""wasm.Module: loading from buffers and files, introspection, closing."""

import shutil

KERNELS_EXPORTS = [
    ("memory", "memory"),
    ("_initialize", "func ()"),
    ("fib", "func (i)i"),
    ("fib_rec", "func (i)i"),
    ("crc32", "func (ii)i"),
    ("alloc", "func (i)i"),
    ("matmul", "func (i)i"),
    ("sum_i64", "func (II)I"),
    ("mul_f64", "func (FF)F"),
    ("add_f32", "func (ff)f"),
    ("neg_i64", "func (I)I"),
    ("u32_max", "func ()i"),
    ("divmod", "func (ii)ii"),
    ("bump", "func ()i"),
    ("counter", "global mut i32"),
]


def test_load_from_bytes_bytearray_and_memoryview(any_fw):
    out = any_fw.lines("""
        import wasm
        data = open(GUEST + '/kernels.wasm', 'rb').read()
        ba = bytearray(data)
        padded = b'xyz' + data + b'tail'
        for src in (data, ba, memoryview(data), memoryview(ba), memoryview(padded)[3:-4]):
            m = wasm.Module(src)
            inst = wasm.Instance(m)
            print(type(src).__name__, m, len(m.exports()), inst.exports.fib(20))
            inst.close()
            m.close()
        # The loader works on its own copy: the caller's buffer is untouched.
        print(ba == data, bytes(ba) == open(GUEST + '/kernels.wasm', 'rb').read())
    """)
    assert out == [
        "bytes <wasm.Module wasm, 2160 bytes> 15 6765",
        "bytearray <wasm.Module wasm, 2160 bytes> 15 6765",
        "memoryview <wasm.Module wasm, 2160 bytes> 15 6765",
        "memoryview <wasm.Module wasm, 2160 bytes> 15 6765",
        "memoryview <wasm.Module wasm, 2160 bytes> 15 6765",
        "True True",
    ]


def test_module_load_from_unix_paths(fw, guest_dir, tmp_path):
    shutil.copy(guest_dir / "kernels.wasm", tmp_path / "copy.wasm")
    (tmp_path / "sub dir").mkdir()
    shutil.copy(guest_dir / "memgrow.wasm", tmp_path / "sub dir" / "m g.wasm")
    out = fw.lines(f"""
        import wasm
        m = wasm.Module.load('copy.wasm')          # relative to the cwd
        print(m, wasm.Instance(m).exports.fib(12))
        m = wasm.Module.load({str(tmp_path / 'sub dir' / 'm g.wasm')!r})
        print(m, m.exports()[2])
        # A file the script writes itself.
        with open('written.wasm', 'wb') as f:
            f.write(open(GUEST + '/traps.wasm', 'rb').read())
        m = wasm.Module.load('written.wasm')
        print(m, wasm.Instance(m).exports.div_zero(9, 2))
    """)
    assert out == [
        "<wasm.Module wasm, 2160 bytes> 144",
        "<wasm.Module wasm, 159 bytes> ('pages', 'func ()i')",
        "<wasm.Module wasm, 375 bytes> 4",
    ]


def test_kernels_imports_and_exports(any_fw):
    out = any_fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/kernels.wasm')
        print(m.imports())
        for item in m.exports():
            print(item)
    """)
    assert out[0] == "[]"
    assert out[1:] == [repr(item) for item in KERNELS_EXPORTS]


def test_needs_import_imports_and_exports(any_fw):
    out = any_fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/needs_import.wasm')
        print(m.imports())
        print(m.exports())
    """)
    assert out == [
        "[('env', 'host_add', 'func (ii)i'), ('env', 'host_log', 'func (ii)')]",
        "[('memory', 'memory'), ('_initialize', 'func ()'), ('call_host', 'func (ii)i'), "
        "('say', 'func ()')]",
    ]


def test_hello_imports_and_exports(any_fw):
    out = any_fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/hello.wasm')
        for item in m.imports():
            print(item)
        print(m.exports())
    """)
    wasi = "wasi_snapshot_preview1"
    assert out == [
        f"('{wasi}', 'args_get', 'func (ii)i')",
        f"('{wasi}', 'args_sizes_get', 'func (ii)i')",
        f"('{wasi}', 'environ_get', 'func (ii)i')",
        f"('{wasi}', 'environ_sizes_get', 'func (ii)i')",
        f"('{wasi}', 'fd_read', 'func (iiii)i')",
        f"('{wasi}', 'fd_write', 'func (iiii)i')",
        f"('{wasi}', 'proc_exit', 'func (i)')",
        "[('memory', 'memory'), ('_start', 'func ()')]",
    ]


def test_imports_and_exports_return_fresh_lists(fw):
    out = fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/memgrow.wasm')
        a = m.exports()
        a.clear()
        print(len(m.exports()), m.exports() == m.exports(), type(m.imports()).__name__)
    """)
    assert out == ["6 True list"]


def test_repr_closed_and_idempotent_close(fw):
    out = fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/memgrow.wasm')
        print(repr(m), m.closed)
        print(m.close(), repr(m), m.closed)
        print(m.close(), repr(m), m.closed)
        for what, f in (('exports', m.exports), ('imports', m.imports),
                        ('is_aot', lambda: m.is_aot), ('Instance', lambda: wasm.Instance(m))):
            try:
                f()
            except ValueError as exc:
                print(what, 'ValueError:', exc)
    """)
    assert out == [
        "<wasm.Module wasm, 159 bytes> False",
        "None <wasm.Module closed> True",
        "None <wasm.Module closed> True",
        "exports ValueError: wasm module is closed",
        "imports ValueError: wasm module is closed",
        "is_aot ValueError: wasm module is closed",
        "Instance ValueError: wasm module is closed",
    ]


def test_context_managers_close_module_and_instance(fw):
    out = fw.lines("""
        import wasm
        with wasm.Module.load(GUEST + '/kernels.wasm') as m:
            print(type(m).__name__, m.closed)
            with wasm.Instance(m) as inst:
                print(type(inst).__name__, inst.exports.fib(15), inst.closed)
            print(inst.closed, m.closed)
        print(m.closed, repr(m))
        # The with block closes on an exception too, and lets it through.
        try:
            with wasm.Module.load(GUEST + '/kernels.wasm') as m2:
                with wasm.Instance(m2) as inst2:
                    raise KeyError('inside')
        except KeyError as exc:
            print('KeyError:', exc, inst2.closed, m2.closed)
        try:
            inst2.exports
        except ValueError as exc:
            print('ValueError:', exc)
    """)
    assert out == [
        "Module False",
        "Instance 610 False",
        "True False",
        "True <wasm.Module closed>",
        "KeyError: inside True True",
        "ValueError: wasm instance is closed",
    ]


def test_is_aot_is_false_for_bytecode(any_fw):
    out = any_fw.lines("""
        import wasm
        for name in ('hello', 'kernels', 'memgrow', 'needs_import', 'traps', 'wasi_stdio'):
            m = wasm.Module.load(GUEST + '/' + name + '.wasm')
            print(name, m.is_aot, repr(m).startswith('<wasm.Module wasm, '))
    """)
    assert out == [
        "hello False True",
        "kernels False True",
        "memgrow False True",
        "needs_import False True",
        "traps False True",
        "wasi_stdio False True",
    ]


def test_load_of_missing_path_raises_oserror(fw):
    out = fw.lines("""
        import wasm
        for path in ('/nonexistent/dir/x.wasm', 'missing.wasm'):
            try:
                wasm.Module.load(path)
            except OSError as exc:
                print('OSError', exc.errno)
        try:
            wasm.run('missing.wasm')
        except OSError as exc:
            print('run OSError', exc.errno)
    """)
    assert out == ["OSError 2", "OSError 2", "run OSError 2"]


def test_load_of_empty_file_is_a_load_error(fw, tmp_path):
    (tmp_path / "empty.wasm").write_bytes(b"")
    (tmp_path / "short.wasm").write_bytes(b"\0as")
    out = fw.lines("""
        import wasm
        for path in ('empty.wasm', 'short.wasm'):
            try:
                wasm.Module.load(path)
            except wasm.LoadError as exc:
                print('LoadError:', exc)
    """)
    assert out == [
        "LoadError: empty module",
        "LoadError: file too short to be a wasm module",
    ]


def test_load_of_a_directory_raises_oserror(fw, tmp_path):
    # A directory is not a module file: the error should come from the
    # file system, like for a missing path, not claim a huge module.
    (tmp_path / "adir").mkdir()
    out = fw.lines("""
        import wasm
        try:
            wasm.Module.load('adir')
        except OSError as exc:
            print('OSError')
        except Exception as exc:
            print(type(exc).__name__ + ':', exc)
    """)
    assert out == ["OSError"]


def test_one_module_gives_independent_instances(any_fw):
    out = any_fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/kernels.wasm')
        a = wasm.Instance(m)
        b = wasm.Instance(m)
        print(a.exports.bump(), a.exports.bump(), b.exports.bump(), a.exports.counter.value, b.exports.counter.value)
        p = a.exports.alloc(4)
        a.memory[p:p + 4] = b'abcd'
        print(a.memory[p:p + 4], b.memory[p:p + 4])
        print(a.module is m, b.module is m)
    """)
    assert out == [
        "8 9 8 9 8",
        "b'abcd' b'\\x00\\x00\\x00\\x00'",
        "True True",
    ]
