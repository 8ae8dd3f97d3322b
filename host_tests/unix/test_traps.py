"""Guest traps: exact wasm.Trap messages, recovery, and no pool leaks."""


def test_each_trap_has_its_message(any_fw):
    out = any_fw.lines("""
        import wasm
        inst = wasm.Instance(wasm.Module.load(GUEST + '/traps.wasm'))
        e = inst.exports
        for name, args in (('do_unreachable', ()), ('oob_read', ()), ('oob_write', ()),
                           ('div_zero', (7, 0)), ('div_zero', (-2**31, -1)), ('recurse', (0,))):
            try:
                print(name, 'returned', inst.call(name, *args))
            except wasm.Trap as exc:
                print(name, type(exc).__name__, exc.args, isinstance(exc, wasm.Error))
            print(e.ok())
    """)
    assert out == [
        "do_unreachable Trap ('unreachable',) True",
        "1",
        "oob_read Trap ('out of bounds memory access',) True",
        "1",
        "oob_write Trap ('out of bounds memory access',) True",
        "1",
        "div_zero Trap ('integer divide by zero',) True",
        "1",
        "div_zero Trap ('integer overflow',) True",
        "1",
        "recurse Trap ('wasm operand stack overflow',) True",
        "1",
    ]


def test_trap_through_exports_and_call_is_the_same(fw):
    out = fw.lines("""
        import wasm
        inst = wasm.Instance(wasm.Module.load(GUEST + '/traps.wasm'))
        for f in (inst.exports.do_unreachable, inst.exports['do_unreachable'],
                  lambda: inst.call('do_unreachable')):
            try:
                f()
            except wasm.Trap as exc:
                print(repr(exc))
    """)
    assert out == ["Trap('unreachable',)"] * 3


def test_trap_is_catchable_as_wasm_error_and_exception(fw):
    out = fw.lines("""
        import wasm
        e = wasm.Instance(wasm.Module.load(GUEST + '/traps.wasm')).exports
        try:
            e.oob_read()
        except wasm.Error as exc:
            print('Error:', exc)
        try:
            e.oob_write()
        except Exception as exc:
            print('Exception:', type(exc).__name__, exc)
        print(issubclass(wasm.Trap, wasm.Error), issubclass(wasm.Trap, wasm.LoadError))
    """)
    assert out == [
        "Error: out of bounds memory access",
        "Exception: Trap out of bounds memory access",
        "True False",
    ]


def test_instance_stays_usable_after_traps(any_fw):
    out = any_fw.lines("""
        import wasm
        inst = wasm.Instance(wasm.Module.load(GUEST + '/traps.wasm'))
        e = inst.exports
        print(e.div_zero(7, 1), e.div_zero(7, 2), e.div_zero(-7, 2))
        try:
            e.recurse(0)
        except wasm.Trap:
            pass
        print(e.ok(), e.ok(), e.div_zero(7, 1))
        # Note: only one recursion trap here. Each one leaves the guest's C
        # stack pointer (a wasm global) where the trap hit, so a few of them
        # in a row use up the guest's 16 KiB shadow stack.
        for round in range(3):
            for name, args in (('do_unreachable', ()), ('oob_write', ()), ('div_zero', (1, 0)),
                               ('oob_read', ())):
                try:
                    inst.call(name, *args)
                except wasm.Trap:
                    pass
                print(e.ok(), e.ok(), e.div_zero(7, 1), end=' ')
            print()
        # Linear memory is intact and usable from both sides.
        inst.memory[100] = 42
        print(inst.memory[100], inst.closed)
    """)
    assert out == [
        "7 3 -3",
        "1 1 7",
        "1 1 7 " * 4,
        "1 1 7 " * 4,
        "1 1 7 " * 4,
        "42 False",
    ]


def test_trap_in_one_instance_does_not_affect_another(fw):
    out = fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/traps.wasm')
        a = wasm.Instance(m)
        b = wasm.Instance(m)
        try:
            a.exports.recurse(0)
        except wasm.Trap as exc:
            print('a:', exc)
        print(b.exports.ok(), b.exports.div_zero(9, 3), a.exports.ok())
    """)
    assert out == ["a: wasm operand stack overflow", "1 3 1"]


def test_recursion_with_small_wasm_stack(any_fw):
    out = any_fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/traps.wasm')
        for stack in (1024, 4096):
            with wasm.Instance(m, stack=stack) as inst:
                try:
                    inst.exports.recurse(0)
                except wasm.Trap as exc:
                    print(stack, exc)
                print(inst.exports.ok())
    """)
    assert out == [
        "1024 wasm operand stack overflow",
        "1",
        "4096 wasm operand stack overflow",
        "1",
    ]


def test_traps_do_not_leak_pool_or_heap(any_fw):
    out = any_fw.lines("""
        import wasm, gc
        inst = wasm.Instance(wasm.Module.load(GUEST + '/traps.wasm'))
        def trap_all(n):
            e = inst.exports
            count = 0
            for i in range(n):
                for f, args in ((e.do_unreachable, ()), (e.oob_read, ()), (e.oob_write, ()),
                                (e.div_zero, (1, 0)), (e.recurse, (0,))):
                    try:
                        f(*args)
                    except wasm.Trap:
                        count += 1
            return count
        def clobber(n):
            # Overwrites stale pointers on the C stack (the GC is conservative).
            x = [0, 0, 0, 0]
            return clobber(n - 1) + len(x) if n else 0
        def measure():
            trap_all(100)  # warm-up: the same work as the measured run
            clobber(50)
            gc.collect()
            pool0 = wasm.pool_info()
            heap0 = gc.mem_free()
            n = trap_all(100)
            clobber(50)
            gc.collect()
            heap1 = gc.mem_free()
            pool1 = wasm.pool_info()
            # The GC is conservative: a stale word on the C stack can keep
            # one small block alive, depending on the memory layout (the
            # path of the test's directory was enough). A leak per trap
            # would be at least 16 bytes x 500 traps.
            print(n, pool1 == pool0, heap0 - heap1 <= 64, inst.exports.ok())
        measure()
    """)
    assert out == ["500 True True 1"]


def test_traps_of_short_lived_instances_do_not_leak(fw):
    out = fw.lines("""
        import wasm, gc
        m = wasm.Module.load(GUEST + '/traps.wasm')
        def one():
            with wasm.Instance(m) as inst:
                try:
                    inst.exports.recurse(0)
                except wasm.Trap as exc:
                    return str(exc)
        def measure():
            one()
            gc.collect()
            pool0 = wasm.pool_info()
            msgs = set()
            for i in range(100):
                msgs.add(one())
            pool1 = wasm.pool_info()  # no gc.collect(): closing frees it all
            print(pool1 == pool0, msgs)
        measure()
    """)
    assert out == ["True {'wasm operand stack overflow'}"]
