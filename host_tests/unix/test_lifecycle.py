"""Create/run/close cycles, garbage collection and close order: no leaks.

Measurements happen inside functions: module-level names would keep the
last objects alive. The GC also scans the C stack conservatively, so a
stale pointer left there by a deeper call can keep one dropped object
alive; COLLECT overwrites that stack area before collecting.
"""

# Indented like the test scripts, which are dedented as a whole.
COLLECT = """
        import gc
        def clobber(n):
            x = [0, 0, 0, 0]
            return clobber(n - 1) + len(x) if n else 0
        def collect():
            clobber(50)
            gc.collect()
"""


def test_module_instance_cycles_do_not_leak(any_fw):
    out = any_fw.lines(COLLECT + """
        import wasm, gc
        data = open(GUEST + '/kernels.wasm', 'rb').read()
        def cycle():
            m = wasm.Module(data)
            inst = wasm.Instance(m)
            ok = inst.exports.fib(20) == 6765
            inst.close()
            m.close()
            return ok
        def measure(n):
            cycle()  # warm-up: starts the runtime, interns names
            ok = 0
            collect()
            pool0 = wasm.pool_info()
            heap0 = gc.mem_free()
            for i in range(n):
                if cycle():
                    ok += 1
            collect()
            heap1 = gc.mem_free()
            pool1 = wasm.pool_info()
            print(ok, pool1 == pool0, heap0 - heap1)
        measure(1000)
    """)
    assert out == ["1000 True 0"]


def test_pool_is_back_without_gc_after_explicit_close(fw):
    out = fw.lines("""
        import wasm
        data = open(GUEST + '/kernels.wasm', 'rb').read()
        def measure():
            wasm.Module(data).close()
            pool0 = wasm.pool_info()
            for i in range(200):
                with wasm.Module(data) as m:
                    with wasm.Instance(m) as inst:
                        inst.exports.matmul(3)
                if wasm.pool_info() != pool0:
                    print('differs after', i)
                    break
            print(wasm.pool_info() == pool0)
        measure()
    """)
    assert out == ["True"]


def test_wasm_run_cycles_do_not_leak(any_fw):
    out = any_fw.lines(COLLECT + """
        import wasm, gc, io
        data = open(GUEST + '/hello.wasm', 'rb').read()
        def cycle():
            out = io.BytesIO()
            code = wasm.run(data, ['x'], stdout=out, stderr=out, stdin=io.BytesIO(b'q'))
            return code == 1 and len(out.getvalue()) == 79
        def measure(n):
            cycle()
            ok = 0
            collect()
            pool0 = wasm.pool_info()
            heap0 = gc.mem_free()
            for i in range(n):
                if cycle():
                    ok += 1
            collect()
            heap1 = gc.mem_free()
            pool1 = wasm.pool_info()
            print(ok, pool1 == pool0, heap0 - heap1)
        measure(200)
    """)
    assert out == ["200 True 0"]


def test_unclosed_instances_are_reclaimed_by_gc(any_fw):
    # 1200 instances need more than the 16 MB unix pool (each holds about
    # 19 KB of it, 68 KB with the classic interpreter's block cache): creating
    # them only works because a full pool triggers a collection that runs
    # the finalisers of the unreachable ones.
    out = any_fw.lines(COLLECT + """
        import wasm, gc
        data = open(GUEST + '/kernels.wasm', 'rb').read()
        def drop(n):
            m = wasm.Module(data)
            total = 0
            for i in range(n):
                inst = wasm.Instance(m)  # never closed
                total += inst.exports.fib(5)
            return total
        def measure():
            drop(1)
            collect()
            pool0 = wasm.pool_info()
            heap0 = gc.mem_free()
            print(drop(1200))
            collect()
            heap1 = gc.mem_free()
            pool1 = wasm.pool_info()
            print(pool1 == pool0, heap0 - heap1)
        measure()
    """)
    assert out == ["6000", "True 0"]


def test_unclosed_modules_are_reclaimed_by_gc(any_fw):
    out = any_fw.lines(COLLECT + """
        import wasm
        data = open(GUEST + '/hello.wasm', 'rb').read()
        def drop(n):
            for i in range(n):
                m = wasm.Module(data)  # never closed
                m.exports()
        def measure():
            drop(1)
            collect()
            pool0 = wasm.pool_info()
            same = 0
            for round in range(20):
                drop(2)  # two fit in the pool at once
                collect()
                if wasm.pool_info() == pool0:
                    same += 1
            print(same)
        measure()
    """)
    assert out == ["20"]


def test_close_instance_before_module(any_fw):
    out = any_fw.lines("""
        import wasm, gc
        K = GUEST + '/kernels.wasm'
        def run():
            m = wasm.Module.load(K)
            inst = wasm.Instance(m)
            print(inst.exports.fib(10))
            inst.close()
            print(inst.closed, m.closed, m.exports()[2])
            inst2 = wasm.Instance(m)  # the module is still usable
            print(inst2.exports.fib(11))
            inst2.close()
            m.close()
            print(m.closed)
        wasm.Module.load(K).close()
        gc.collect()
        pool0 = wasm.pool_info()
        run()
        print(wasm.pool_info() == pool0)
    """)
    assert out == ["55", "True False ('fib', 'func (i)i')", "89", "True", "True"]


def test_close_module_before_instance(any_fw):
    out = any_fw.lines("""
        import wasm, gc
        K = GUEST + '/kernels.wasm'
        def run():
            m = wasm.Module.load(K)
            inst = wasm.Instance(m)
            m.close()
            print(repr(m), m.closed, inst.closed, inst.module is m)
            print(inst.exports.fib(12), inst.exports.matmul(3), inst.exports.counter.value)
            inst.memory[0] = 5
            print(inst.memory[0])
            try:
                wasm.Instance(m)
            except ValueError as exc:
                print('ValueError:', exc)
            before_close = wasm.pool_info()
            inst.close()
            # Only now is the module's code released.
            print(inst.closed, wasm.pool_info()[1] > before_close[1])
            try:
                inst.exports.fib(1)
            except ValueError as exc:
                print('ValueError:', exc)
        wasm.Module.load(K).close()
        gc.collect()
        pool0 = wasm.pool_info()
        run()
        print(wasm.pool_info() == pool0)
    """)
    assert out == [
        "<wasm.Module closed> True False True",
        "144 18 7",
        "5",
        "ValueError: wasm module is closed",
        "True True",
        "ValueError: wasm instance is closed",
        "True",
    ]


def test_deleting_the_module_object_keeps_the_instance_working(any_fw):
    out = any_fw.lines("""
        import wasm, gc
        def make():
            return wasm.Instance(wasm.Module.load(GUEST + '/kernels.wasm'))
        def run():
            inst = make()
            gc.collect()
            gc.collect()
            print(inst.exports.fib(13), inst.exports.matmul(10), inst.module)
            m = inst.module
            del m
            gc.collect()
            print(inst.exports.fib_rec(15), inst.exports.bump())
            f = inst.exports.fib
            del inst
            gc.collect()
            print(f(16))  # a function keeps its instance alive
        run()
    """)
    assert out == ["233 8250 <wasm.Module wasm, 2160 bytes>", "610 8", "987"]


def test_close_is_idempotent_and_closed_instance_raises(any_fw):
    out = any_fw.lines("""
        import wasm
        m = wasm.Module.load(GUEST + '/kernels.wasm')
        inst = wasm.Instance(m)
        f = inst.exports.fib
        print(inst.close(), inst.close(), inst.closed, inst.module is m)
        for what, g in (('exports', lambda: inst.exports), ('memory', lambda: inst.memory),
                        ('call', lambda: inst.call('fib', 1)), ('run', inst.run),
                        ('function', lambda: f(1))):
            try:
                g()
            except ValueError as exc:
                print(what, 'ValueError:', exc)
        m.close()
        m.close()
        print(m.closed)
    """)
    assert out == [
        "None None True True",
        "exports ValueError: wasm instance is closed",
        "memory ValueError: wasm instance is closed",
        "call ValueError: wasm instance is closed",
        "run ValueError: wasm instance is closed",
        "function ValueError: wasm instance is closed",
        "True",
    ]


def test_failed_run_releases_pool_at_once(any_fw):
    # wasm.run() promises to release WAMR memory before re-raising, not at
    # the next garbage collection.
    out = any_fw.lines(COLLECT + """
        import wasm, io
        H = GUEST + '/hello.wasm'
        class Boom:
            def write(self, data):
                raise ValueError('boom')
        def attempt(f):
            collect()
            pool0 = wasm.pool_info()
            try:
                f()
            except Exception as exc:
                print(type(exc).__name__ + ':', exc, wasm.pool_info() == pool0)
        def run():
            wasm.run(H, stdout=io.BytesIO(), stderr=io.BytesIO(), stdin=io.BytesIO())
            attempt(lambda: wasm.run(H, stdout=Boom(), stdin=io.BytesIO()))
            attempt(lambda: wasm.run(GUEST + '/traps.wasm'))
            attempt(lambda: wasm.run(H, env=5))
            attempt(lambda: wasm.run(GUEST + '/needs_import.wasm'))
        run()
    """)
    assert out == [
        "ValueError: boom True",
        "LinkError: module has no _start function (not a WASI command) True",
        "TypeError: WASI env must be a dict True",
        "LinkError: missing import env.host_add (func (ii)i) True",
    ]


def test_module_load_collects_unreachable_instances(any_fw):
    # Instances dropped without close() hold pool memory until their
    # finalisers run. When the pool is too full to load a module, loading
    # must collect them first, as instantiation does. Several fill levels:
    # which one hits the problem depends on the interpreter's load size.
    out = any_fw.lines(COLLECT + """
        import wasm
        traps = open(GUEST + '/traps.wasm', 'rb').read()
        hello = open(GUEST + '/hello.wasm', 'rb').read()
        def fill(limit):
            m = wasm.Module(traps)
            held = []
            while wasm.pool_info()[1] > limit:
                held.append(wasm.Instance(m))
            return len(held) > 3
        def attempt(limit):
            filled = fill(limit)  # everything it made is garbage now
            try:
                m = wasm.Module(hello)
                print(limit, filled, 'loaded', m)
                m.close()
            except MemoryError as exc:
                print(limit, filled, 'MemoryError:', exc)
        for limit in (20000, 40000, 60000, 80000):
            attempt(limit)
            collect()
    """)
    assert out == [f"{limit} True loaded <wasm.Module wasm, 17161 bytes>"
                   for limit in (20000, 40000, 60000, 80000)]
