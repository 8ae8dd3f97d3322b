"""Calling exported guest functions: value conversion, results, globals."""


def test_version_names_wamr_and_features(any_fw):
    out = any_fw.lines("import wasm\nprint(wasm.version())")
    assert out[0].startswith("WAMR 2.4.3 (")
    for feature in ("aot", "bulk-memory", "ref-types", "multi-value", "wasi-preview1", "pool=16384K"):
        assert feature in out[0]


def test_interpreter_flavour_is_reported(any_fw):
    out = any_fw.lines("import wasm\nprint(wasm.version())")
    flavour = "classic" if "unix-classic" in str(any_fw.binary) else "fast"
    assert f"interp={flavour}" in out[0]


def test_compute_kernels(any_fw):
    out = any_fw.lines("""
        import wasm
        inst = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm'))
        e = inst.exports
        print(e.fib(10), e.fib(30), e.fib_rec(20))
        print(e.matmul(2), e.matmul(3), e.matmul(10), e.matmul(64))
        p = e.alloc(9)
        inst.memory[p:p + 9] = b'123456789'
        print(hex(e.crc32(p, 9) & 0xffffffff))
    """)
    assert out == ["55 832040 6765", "2 18 8250 89456640", "0xcbf43926"]


def test_i64_full_signed_range_round_trips(any_fw):
    out = any_fw.lines("""
        import wasm
        e = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm')).exports
        print(e.neg_i64(-2**63 + 1), e.neg_i64(2**63 - 1), e.neg_i64(0))
        print(e.sum_i64(2**62, 2**62 - 1), e.sum_i64(-2**63, 0))
        print(e.sum_i64(2**63 - 1, 1))
        print(e.neg_i64(2**64 - 1))
    """)
    assert out == [
        "9223372036854775807 -9223372036854775807 0",
        "9223372036854775807 -9223372036854775808",
        "-9223372036854775808",  # wraps like the guest's i64.add
        "1",  # 2**64-1 is passed as the bit pattern of -1
    ]


def test_floats(any_fw):
    out = any_fw.lines("""
        import wasm
        e = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm')).exports
        print(e.mul_f64(1.5, -2.25), e.mul_f64(3, 4), e.add_f32(1.5, 2.25))
        print(e.mul_f64(1e300, 1e300))
    """)
    assert out == ["-3.375 12.0 3.75", "inf"]


def test_i32_results_are_signed(any_fw):
    out = any_fw.lines("""
        import wasm
        e = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm')).exports
        print(e.u32_max(), e.u32_max() & 0xffffffff)
        print(e.fib(0xffffffff))  # unsigned input accepted as its bit pattern
    """)
    assert out == ["-1 4294967295", "0"]


def test_multi_value_returns_tuple(any_fw):
    out = any_fw.lines("""
        import wasm
        e = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm')).exports
        print(e.divmod(-17, 5), e.divmod(100, 7))
    """)
    assert out == ["(-3, -2) (14, 2)"]


def test_exported_global_reads_current_value(any_fw):
    out = any_fw.lines("""
        import wasm
        e = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm')).exports
        print(e.counter.value, e.bump(), e.bump(), e.counter.value, e['counter'].value, e.counter is e['counter'])
    """)
    assert out == ["7 8 9 9 9 True"]


def test_call_and_subscript_forms(fw):
    out = fw.lines("""
        import wasm
        inst = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm'))
        print(inst.call('fib', 12), inst.exports['fib'](12), inst.exports.fib)
        print(inst.call('_initialize'))
    """)
    assert out == ["144 144 <wasm.Function fib>", "None"]


def test_wrong_arguments_raise_type_errors(fw):
    out = fw.lines("""
        import wasm
        e = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm')).exports
        for args in ((), (1, 2), ('x',), (1.5,), (None,)):
            try:
                e.fib(*args)
            except TypeError as exc:
                print('TypeError:', exc)
        for value in (2**32, -2**31 - 1):
            try:
                e.fib(value)
            except OverflowError as exc:
                print('OverflowError:', exc)
        try:
            e.sum_i64(2**64, 0)
        except OverflowError as exc:
            print('OverflowError:', exc)
        try:
            e.mul_f64('a', 1.0)
        except TypeError as exc:
            print('TypeError:', exc)
        try:
            e.fib(n=1)
        except TypeError as exc:
            print('TypeError:', exc)
    """)
    assert out == [
        "TypeError: fib() takes 1 arguments but 0 were given",
        "TypeError: fib() takes 1 arguments but 2 were given",
        "TypeError: fib() argument 1: expected int for i32, got str",
        "TypeError: fib() argument 1: expected int for i32, got float",
        "TypeError: fib() argument 1: expected int for i32, got NoneType",
        "OverflowError: fib() argument 1: int out of range for i32",
        "OverflowError: fib() argument 1: int out of range for i32",
        "OverflowError: sum_i64() argument 1: int out of range for i64",
        "TypeError: mul_f64() argument 1: expected float for f64, got str",
        "TypeError: wasm functions take no keyword arguments",
    ]


def test_missing_export(fw):
    out = fw.lines("""
        import wasm
        inst = wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm'))
        try:
            inst.exports.nope
        except AttributeError as exc:
            print('AttributeError:', exc)
        try:
            inst.exports['nope']
        except KeyError as exc:
            print('KeyError:', exc)
        try:
            inst.call('nope', 1)
        except AttributeError as exc:
            print('AttributeError:', exc)
        try:
            inst.run()
        except wasm.LinkError as exc:
            print('LinkError:', exc)
    """)
    assert out == [
        "AttributeError: 'Exports' object has no attribute 'nope'",
        "KeyError: nope",
        "AttributeError: no exported function 'nope'",
        "LinkError: module has no _start function (not a WASI command)",
    ]
