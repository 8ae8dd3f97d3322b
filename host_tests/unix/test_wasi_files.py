"""WASI files through MicroPython's VFS, confined to preopened directories."""

import os

RUN = """
import wasm, io
def files(*args, preopens=None):
    out = io.BytesIO()
    w = wasm.WASI(args=('files',) + args, stdout=out, stderr=out,
                  preopens=preopens if preopens is not None else {'/data': 'data'})
    with wasm.Module.load(GUEST + '/files.wasm') as m, wasm.Instance(m, wasi=w) as inst:
        code = inst.run()
    return code, out.getvalue().decode()
"""

CRUD = [
    "mkdir 0", "write 0", "stat size=11 regular=1", "append 0",
    "read alpha\\nbeta\\ngamma\\n", "seek beta", "rename 0", "list b.txt",
    "stat-old -1 errno=ENOENT", "rmdir-nonempty -1 errno=ENOTEMPTY", "unlink 0",
    "rmdir 0", "stat-dir -1 errno=ENOENT", "done",
]


def test_file_crud_inside_a_preopen(any_fw):
    (any_fw.workdir / "data").mkdir()
    out = any_fw.run(RUN + """
code, text = files('crud')
print(code)
print(text, end='')
""").stdout.splitlines()
    assert out == ["0"] + CRUD
    assert os.listdir(any_fw.workdir / "data") == []


def test_files_written_by_the_guest_are_visible_to_python(fw):
    (fw.workdir / "data").mkdir()
    out = fw.lines(RUN + """
print(files('write', '/data/log.txt', '3'))
print(repr(open('data/log.txt').read()))
print(files('cat', '/data/log.txt'))
print(files('stat', '/data/log.txt'))
print(files('ls', '/data'))
print(files('cat', '/data/missing'))
""")
    assert out == [
        "(0, 'wrote 3\\n')",
        "'line 0\\nline 1\\nline 2\\n'",
        "(0, 'line 0\\nline 1\\nline 2\\n')",
        "(0, 'size=21 dir=0\\n')",
        "(0, 'log.txt\\n')",
        "(1, 'cat -1 errno=ENOENT\\n')",
    ]


def test_traversal_and_symlink_escapes_are_refused(fw):
    (fw.workdir / "data").mkdir()
    (fw.workdir / "secret.txt").write_text("outside")
    os.symlink(fw.workdir, fw.workdir / "data" / "up")
    os.symlink(fw.workdir / "created.txt", fw.workdir / "data" / "dangling")
    out = fw.lines(RUN + """
code, text = files('escape')
print(code)
print(text, end='')
print(files('cat', '/data/up/secret.txt'))
print(files('ls', '/data/up'))
print(files('write', '/data/dangling', '1'))
""")
    assert out == [
        "0",
        "open-dotdot -1 errno=ENOTCAPABLE",
        "open-outside -1 errno=ENOTCAPABLE",
        "open-relative -1 errno=ENOTCAPABLE",
        "mkdir-dotdot -1 errno=ENOTCAPABLE",
        "rename-dotdot -1 errno=ENOTCAPABLE",
        "symlink-abs -1 errno=EPERM",
        "done",
        "(1, 'cat -1 errno=ENOTCAPABLE\\n')",
        "(1, 'ls -1 errno=ENOTCAPABLE\\n')",
        "(1, 'write -1 errno=ENOTCAPABLE\\n')",
    ]
    assert sorted(os.listdir(fw.workdir)) == ["data", "secret.txt", "test_script.py"]
    assert (fw.workdir / "secret.txt").read_text() == "outside"


def test_without_preopens_paths_are_not_capable(fw):
    out = fw.lines(RUN + """
print(files('cat', '/data/x', preopens={}))
print(files('ls', '/data', preopens={}))
""")
    assert out == ["(1, 'cat -1 errno=ENOTCAPABLE\\n')", "(1, 'ls -1 errno=ENOTCAPABLE\\n')"]


def test_preopen_configuration_errors(fw):
    (fw.workdir / "afile").write_text("x")
    out = fw.lines("""
import wasm
for kw in ({'preopens': ['/data']}, {'preopens': {'/data': 5}}, {'preopens': {'': 'data'}}):
    try:
        wasm.WASI(**kw)
    except (TypeError, ValueError) as e:
        print(type(e).__name__, e)
m = wasm.Module.load(GUEST + '/files.wasm')
for host in ('nowhere', 'afile'):
    try:
        wasm.Instance(m, wasi=wasm.WASI(preopens={'/data': host}))
    except OSError as e:
        print('OSError', e.errno)
print(wasm.WASI(preopens={'/data': 'x'}).preopens)
""")
    assert out == [
        "TypeError WASI preopens must be a dict",
        "ValueError WASI preopens map guest names to VFS directory paths",
        "ValueError WASI preopens map guest names to VFS directory paths",
        "OSError 2",
        "OSError 20",
        "((b'/data', 'x'),)",
    ]


def test_trap_while_writing_leaves_other_files_intact(fw):
    (fw.workdir / "data").mkdir()
    (fw.workdir / "data" / "keep.txt").write_text("precious\n")
    out = fw.lines(RUN + """
try:
    files('writetrap', '/data/partial.bin')
except wasm.Trap as e:
    print('Trap', e)
print(files('cat', '/data/keep.txt'))
print(files('stat', '/data/partial.bin'))
print(files('ls', '/data'))
""")
    assert out == [
        "Trap unreachable",
        "(0, 'precious\\n')",
        "(0, 'size=1000 dir=0\\n')",
        "(0, 'keep.txt\\npartial.bin\\n')",
    ]


def test_guest_clocks_sleep_and_random(any_fw):
    out = any_fw.lines("""
import wasm, io
out = io.BytesIO()
print(wasm.run(GUEST + '/clock.wasm', stdout=out))
print(out.getvalue().decode(), end='')
""")
    assert out == ["0", "sleep ok", "realtime ok", "random ok"]
