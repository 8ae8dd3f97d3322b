"""WASI commands: argv, environment, stdio streams and exit codes."""

import subprocess


def hello_lines(argv, greeting=None, stdin=b""):
    """What hello.wasm writes to stdout (see guest/README.md)."""
    lines = ["hello from wasm"]
    lines += [f"arg[{i}]={a}" for i, a in enumerate(argv)]
    lines.append(f"GREETING={greeting}" if greeting is not None else "GREETING unset")
    lines.append(f"stdin: {len(stdin)} bytes")
    text = "".join(line + "\n" for line in lines)
    if stdin:
        text += stdin.decode() + "\n"
    return text


def merged(stdout_text):
    """hello.wasm's output when stdout and stderr go to the same stream."""
    return stdout_text.replace("stdin: ", "to stderr\nstdin: ", 1)


def test_run_with_bytesio_streams(any_fw):
    out = any_fw.lines("""
        import wasm, io
        out, err = io.BytesIO(), io.BytesIO()
        code = wasm.run(GUEST + '/hello.wasm', ('a', 'b c'), env={'GREETING': 'hi there'},
                        stdin=io.BytesIO(b'in\\nput'), stdout=out, stderr=err)
        print(code)
        print(repr(out.getvalue()))
        print(repr(err.getvalue()))
    """)
    path = f"{any_fw.guest_dir}/hello.wasm"
    expected = hello_lines([path, "a", "b c"], "hi there", b"in\nput").encode()
    assert out == ["2", repr(expected), "b'to stderr\\n'"]


def test_run_with_stringio_streams(fw):
    out = fw.lines("""
        import wasm, io
        out, err = io.StringIO(), io.StringIO()
        code = wasm.run(GUEST + '/hello.wasm', stdin=io.StringIO('text in'), stdout=out, stderr=err)
        print(code)
        print(repr(out.getvalue()))
        print(repr(err.getvalue()))
    """)
    path = f"{fw.guest_dir}/hello.wasm"
    assert out == ["0", repr(hello_lines([path], None, b"text in")), "'to stderr\\n'"]


def test_run_with_open_files(fw, tmp_path):
    (tmp_path / "in.txt").write_bytes(b"file input")
    out = fw.lines("""
        import wasm
        with open('out.txt', 'wb') as fout, open('err.txt', 'w') as ferr, open('in.txt', 'rb') as fin:
            print(wasm.run(GUEST + '/hello.wasm', ['f'], stdout=fout, stderr=ferr, stdin=fin))
        print(repr(open('out.txt').read()))
        print(repr(open('err.txt').read()))
    """)
    path = f"{fw.guest_dir}/hello.wasm"
    assert out == ["1", repr(hello_lines([path, "f"], None, b"file input")), "'to stderr\\n'"]
    # The files are really on disk.
    assert (tmp_path / "out.txt").read_bytes() == hello_lines([path, "f"], None, b"file input").encode()
    assert (tmp_path / "err.txt").read_bytes() == b"to stderr\n"


def test_run_from_bytes_uses_wasm_as_argv0(fw):
    out = fw.lines("""
        import wasm, io
        out = io.BytesIO()
        data = open(GUEST + '/hello.wasm', 'rb').read()
        print(wasm.run(data, ['x', 'y', 'z'], stdout=out, stderr=io.BytesIO(), stdin=io.BytesIO()))
        print(repr(out.getvalue()))
        out = io.BytesIO()
        print(wasm.run(bytearray(data), stdout=out, stderr=io.BytesIO(), stdin=io.BytesIO()))
        print(repr(out.getvalue()))
    """)
    assert out == [
        "3",
        repr(hello_lines(["wasm", "x", "y", "z"]).encode()),
        "0",
        repr(hello_lines(["wasm"]).encode()),
    ]


def test_exit_code_is_argc_minus_one(any_fw):
    out = any_fw.lines("""
        import wasm, io
        for args in ((), ('1',), ('1', '2'), tuple(str(i) for i in range(9))):
            code = wasm.run(GUEST + '/hello.wasm', args, stdout=io.BytesIO(),
                            stderr=io.BytesIO(), stdin=io.BytesIO())
            print(len(args), code)
    """)
    assert out == ["0 0", "1 1", "2 2", "9 9"]


def test_exit_through_proc_exit(any_fw):
    out = any_fw.lines("""
        import wasm, io
        out = io.BytesIO()
        print(wasm.run(GUEST + '/hello.wasm', ['exit'], stdout=out, stderr=io.BytesIO(),
                       stdin=io.BytesIO()))
        print(repr(out.getvalue()))
        m = wasm.Module.load(GUEST + '/hello.wasm')
        inst = wasm.Instance(m, wasi=wasm.WASI(['p', 'exit', 'more'], stdout=io.BytesIO(),
                                                stderr=io.BytesIO(), stdin=io.BytesIO()))
        print(inst.run())
    """)
    path = f"{any_fw.guest_dir}/hello.wasm"
    assert out == ["42", repr(hello_lines([path, "exit"]).encode()), "42"]


def test_proc_exit_through_call_raises_exit(any_fw):
    out = any_fw.lines("""
        import wasm, io
        m = wasm.Module.load(GUEST + '/hello.wasm')
        out = io.BytesIO()
        inst = wasm.Instance(m, wasi=wasm.WASI(['p', 'exit'], stdout=out, stderr=out,
                                                stdin=io.BytesIO()))
        try:
            inst.call('_start')
        except wasm.Exit as exc:
            print('Exit', exc.code, exc.args, str(exc), isinstance(exc, wasm.Error))
        print(repr(out.getvalue()))
        print(inst.closed)
        inst.close()
        print(inst.closed)
        # A non-zero return from main also goes through proc_exit.
        inst = wasm.Instance(m, wasi=wasm.WASI(['p', 'q'], stdout=io.BytesIO(),
                                                stderr=io.BytesIO(), stdin=io.BytesIO()))
        try:
            inst.exports._start()
        except wasm.Exit as exc:
            print('Exit', exc.code)
        # A zero return is a normal return.
        inst = wasm.Instance(m, wasi=wasm.WASI(['p'], stdout=io.BytesIO(),
                                                stderr=io.BytesIO(), stdin=io.BytesIO()))
        print(inst.call('_start'))
        print(wasm.Exit(3).code, wasm.Exit().code)
    """)
    assert out == [
        "Exit 42 (42,) 42 True",
        repr(merged(hello_lines(["p", "exit"])).encode()),
        "False",
        "True",
        "Exit 1",
        "None",
        "3 0",
    ]


def test_instance_with_wasi_object(any_fw):
    out = any_fw.lines("""
        import wasm, io
        out = io.BytesIO()
        w = wasm.WASI(['prog', 'x', 'y'], {'GREETING': 'yo'}, stdout=out, stderr=out,
                      stdin=io.BytesIO(b'bytes in'))
        print(w.args, w.env, w.stdout is out, w.stderr is out)
        inst = wasm.Instance(wasm.Module.load(GUEST + '/hello.wasm'), wasi=w)
        print(inst.run())
        print(repr(out.getvalue()))
    """)
    text = merged(hello_lines(["prog", "x", "y"], "yo", b"bytes in"))
    assert out == [
        "(b'prog', b'x', b'y') (b'GREETING=yo',) True True",
        "2",
        repr(text.encode()),
    ]


def test_args_and_env_encoding(fw):
    out = fw.lines("""
        import wasm, io
        out = io.BytesIO()
        code = wasm.run(GUEST + '/hello.wasm', ['h\\u00e9llo', b'raw\\xff', ''],
                        env={'GREETING': '\\u20ac 5', 'OTHER': 'x=y'},
                        stdout=out, stderr=io.BytesIO(), stdin=io.BytesIO())
        print(code)
        for line in out.getvalue().split(b'\\n'):
            print(repr(line))
        print(wasm.WASI(env={b'K': b'V=W'}).env, wasm.WASI().args, wasm.WASI().env)
    """)
    path = f"{fw.guest_dir}/hello.wasm"
    assert out == [
        "3",
        "b'hello from wasm'",
        repr(f"arg[0]={path}".encode()),
        "b'arg[1]=h\\xc3\\xa9llo'",
        "b'arg[2]=raw\\xff'",
        "b'arg[3]='",
        "b'GREETING=\\xe2\\x82\\xac 5'",
        "b'stdin: 0 bytes'",
        "b''",
        "(b'K=V=W',) () ()",
    ]


def test_default_streams_are_the_console(any_fw):
    result = any_fw.run("""
        import wasm
        print('python before')
        print(wasm.run(GUEST + '/hello.wasm', ['z']))
        print('python after')
    """, stdin=b"abc")
    path = f"{any_fw.guest_dir}/hello.wasm"
    assert result.stdout == "python before\n" + hello_lines([path, "z"], None, b"abc") + "1\npython after\n"
    assert result.stderr == "to stderr\n"


def test_default_wasi_for_instance_without_wasi(fw):
    # wasi=None gives a WASI guest the console, with an empty argv.
    result = fw.run("""
        import wasm
        inst = wasm.Instance(wasm.Module.load(GUEST + '/hello.wasm'))
        print(inst.run())
    """, stdin=b"xyz\n")
    assert result.stdout == hello_lines([], None, b"xyz\n") + "-1\n"
    assert result.stderr == "to stderr\n"


def test_wasi_stdio_uppercases_200k(any_fw):
    out = any_fw.lines("""
        import wasm, io
        data = bytes((i * 7 + i // 251) % 256 for i in range(200 * 1024))
        out = io.BytesIO()
        code = wasm.run(GUEST + '/wasi_stdio.wasm', stdin=io.BytesIO(data), stdout=out)
        got = out.getvalue()
        expected = bytes(b - 32 if 97 <= b <= 122 else b for b in data)
        print(code, len(got), got == expected, got[:8])
    """)
    assert out == ["0 204800 True b'\\x00\\x07\\x0e\\x15\\x1c#*1'"]


def test_isatty_only_on_the_console(any_fw):
    """wasi-libc's isatty() (guest/apps/isatty.c) is true only for the REPL
    console: the default streams and sys.std* passed explicitly; false for a
    file, io.BytesIO and a Python object with write()."""
    result = any_fw.run("""
        import wasm, io, sys
        class Sink:
            def __init__(self):
                self.data = b''
            def write(self, data):
                self.data += data
                return len(data)
        print(wasm.run(GUEST + '/isatty.wasm'))
        with open('out.txt', 'w') as f:
            err = io.BytesIO()
            print(wasm.run(GUEST + '/isatty.wasm', stdin=io.BytesIO(), stdout=f, stderr=err), err.getvalue())
        sink = Sink()
        print(wasm.run(GUEST + '/isatty.wasm', stdin=sys.stdin, stdout=sys.stdout, stderr=sink), sink.data)
    """)
    assert result.stdout.splitlines() == [
        "0",
        "0 b'isatty 0=0 1=0 2=0\\n'",
        "0 b'isatty 0=1 1=1 2=0\\n'",
    ]
    assert result.stderr == "isatty 0=1 1=1 2=1\n"


def test_wasi_stdio_through_process_stdio(fw):
    # Default streams: the firmware's own stdin and stdout (ASCII data, so
    # that the fixture's UTF-8 decoding of stdout is exact).
    data = bytes((i * 13 + 5) % 128 for i in range(100_000))
    result = fw.run("""
        import wasm
        code = wasm.run(GUEST + '/wasi_stdio.wasm')
        print('exit', code)
    """, stdin=data)
    expected = bytes(b - 32 if 97 <= b <= 122 else b for b in data).decode()
    assert result.stdout == expected + "exit 0\n"
    assert result.stderr == ""


def test_python_object_streams(fw):
    out = fw.lines("""
        import wasm
        class Reader:
            def __init__(self):
                self.calls = 0
            def read(self, n):
                self.calls += 1
                return b'xy' if self.calls < 3 else b''
        class Writer:
            def __init__(self):
                self.chunks = []
            def write(self, b):
                self.chunks.append(bytes(b))
                return len(b)
        w = Writer()
        r = Reader()
        print(wasm.run(GUEST + '/hello.wasm', stdin=r, stdout=w, stderr=w))
        print(r.calls, repr(b''.join(w.chunks)))
    """)
    path = f"{fw.guest_dir}/hello.wasm"
    assert out == ["0", "3 " + repr(merged(hello_lines([path], None, b"xyxy")).encode())]


def test_exception_in_stdout_write_propagates(any_fw):
    out = any_fw.lines("""
        import wasm, io
        class Boom:
            def write(self, data):
                raise ValueError('boom')
        m = wasm.Module.load(GUEST + '/hello.wasm')
        inst = wasm.Instance(m, wasi=wasm.WASI(['p'], stdout=Boom(), stdin=io.BytesIO()))
        try:
            inst.run()
        except ValueError as exc:
            print('ValueError:', exc)
        print(inst.closed)
        inst.close()
        print(inst.closed)
        try:
            wasm.run(GUEST + '/hello.wasm', stdout=Boom(), stdin=io.BytesIO())
        except ValueError as exc:
            print('run ValueError:', exc)
        class ReadFails:
            def read(self, n):
                raise OSError(5)
        try:
            wasm.run(GUEST + '/hello.wasm', stdin=ReadFails(), stdout=io.BytesIO(),
                     stderr=io.BytesIO())
        except OSError as exc:
            print('run OSError:', exc.errno)
        # The module is still fine for a new instance.
        out = io.BytesIO()
        inst = wasm.Instance(m, wasi=wasm.WASI(['p'], stdout=out, stderr=out, stdin=io.BytesIO()))
        print(inst.run(), repr(out.getvalue()))
    """)
    assert out == [
        "ValueError: boom",
        "False",
        "True",
        "run ValueError: boom",
        "run OSError: 5",
        "0 " + repr(merged(hello_lines(["p"])).encode()),
    ]


def test_wasi_argument_validation(fw):
    out = fw.lines("""
        import wasm
        H = GUEST + '/hello.wasm'
        cases = (
            lambda: wasm.WASI(env=[('A', 'b')]),
            lambda: wasm.WASI(env='A=b'),
            lambda: wasm.run(H, env=5),
            lambda: wasm.WASI(['a\\0b']),
            lambda: wasm.WASI([b'a\\0']),
            lambda: wasm.WASI([1]),
            lambda: wasm.WASI(5),
            lambda: wasm.WASI(env={'A=B': 'c'}),
            lambda: wasm.WASI(env={'': 'c'}),
            lambda: wasm.WASI(env={'A': 'c\\0'}),
            lambda: wasm.WASI(env={1: 'c'}),
            lambda: wasm.WASI(env={'A': 1}),
            lambda: wasm.Instance(wasm.Module.load(H), wasi=object()),
        )
        for f in cases:
            try:
                f()
                print('no error')
            except (TypeError, ValueError) as exc:
                print(type(exc).__name__ + ':', exc)
    """)
    assert out == [
        "TypeError: WASI env must be a dict",
        "TypeError: WASI env must be a dict",
        "TypeError: WASI env must be a dict",
        "ValueError: WASI args cannot contain NUL",
        "ValueError: WASI args cannot contain NUL",
        "TypeError: WASI args must be str or bytes",
        "TypeError: object 'int' isn't a tuple or list",
        "ValueError: invalid WASI env entry",
        "ValueError: invalid WASI env entry",
        "ValueError: invalid WASI env entry",
        "TypeError: WASI env keys must be str or bytes",
        "TypeError: WASI env values must be str or bytes",
        "TypeError: wasi must be a wasm.WASI",
    ]


HOSTILE_WAT = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "fd_write") (param i32 i32 i32 i32) (result i32)
    (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "fd_read") (param i32 i32 i32 i32) (result i32)
    (call $fd_read (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "fd_renumber") (param i32 i32) (result i32)
    (call $fd_renumber (local.get 0) (local.get 1)))
  (func (export "random_get") (param i32 i32) (result i32)
    (call $random_get (local.get 0) (local.get 1)))
  (func (export "args_get") (param i32 i32) (result i32)
    (call $args_get (local.get 0) (local.get 1)))
  (func (export "path_open") (param i32 i32 i32) (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (local.get 0) (local.get 1) (i32.const 0)
                     (i64.const 0) (i64.const 0) (i32.const 0) (local.get 2))))
"""


def test_hostile_pointers_to_wasi_trap(fw, tmp_path):
    """Pointers and lengths straight from a guest: any that leave linear
    memory trap the guest before WASI touches anything, and the instance
    carries on. fd_renumber moves stdout to another descriptor."""
    (tmp_path / "hostile.wat").write_text(HOSTILE_WAT)
    subprocess.run(["wat2wasm", str(tmp_path / "hostile.wat"), "-o", str(tmp_path / "hostile.wasm")],
                   check=True, capture_output=True)
    out = fw.lines(f"""
import io, os, wasm
os.mkdir({str(tmp_path / 'd')!r})
out = io.BytesIO()
inst = wasm.Instance(wasm.Module.load({str(tmp_path / 'hostile.wasm')!r}),
                     wasi=wasm.WASI(['p'], stdout=out, preopens={{'/d': {str(tmp_path / 'd')!r}}}))
e, mem = inst.exports, inst.memory
def r(f, *args):
    try:
        return f(*args)
    except wasm.Trap as exc:
        return 'trap: ' + str(exc)
END = len(mem)
mem[0:2] = b'hi'
mem[16:24] = (0).to_bytes(4, 'little') + (2).to_bytes(4, 'little')   # iovec: 2 bytes at 0
mem[32:40] = (END - 1).to_bytes(4, 'little') + (2).to_bytes(4, 'little')  # straddles the end
print('write', r(e.fd_write, 1, 16, 1, 64), out.getvalue())
print('iovs past end', r(e.fd_write, 1, END - 4, 1, 64), r(e.fd_write, 1, 16, 0x20000000, 64))
print('buf past end', r(e.fd_write, 1, 32, 1, 64), r(e.fd_read, 0, 32, 1, 64))
print('nwritten past end', r(e.fd_write, 1, 16, 1, END - 2), r(e.fd_write, 1, 16, 1, 0xfffffffc))
print('random', r(e.random_get, END - 4, 8), r(e.random_get, 0xffffff00, 0x200))
print('args', r(e.args_get, END, 0), r(e.args_get, 0, END))
print('path', r(e.path_open, END - 2, 8, 64), r(e.path_open, 0, 0xffffffff, 64))
print('renumber', e.fd_renumber(1, 3), e.fd_write(3, 16, 1, 64), e.fd_write(1, 16, 1, 64))
print(out.getvalue())
""")
    oob = "trap: out of bounds memory access"
    assert out == [
        "write 0 b'hi'",
        f"iovs past end {oob} {oob}",
        f"buf past end {oob} {oob}",
        f"nwritten past end {oob} {oob}",
        f"random {oob} {oob}",
        f"args {oob} {oob}",
        f"path {oob} {oob}",
        "renumber 0 0 8",      # fd 3 is stdout now, fd 1 is closed (EBADF)
        "b'hihi'",
    ]
