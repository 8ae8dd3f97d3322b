"""Hardware-in-loop: the firmware on a board (emulated by default)."""

import ast
import re
import time

import pytest

from scripts.paths import BUILD

GUEST_DIR = BUILD / "guest"

BANNER = re.compile(rb"MicroPython v1\.25\.0 on \S+; .+ with .+\r\n")

# Free RAM for modules and instances: the WAMR pool, plus the arena the
# emulated RISC-V board maps linear memory and AOT code and data from (the
# ESP32-C3 takes them from its ESP-IDF heap).
FREE_RAM = """
import wasm
def free_ram():
    free = wasm.pool_info()[1]
    try:
        import board
        free += board.arena_info()[1]
    except (ImportError, AttributeError):
        pass
    return free
"""


def test_soft_reset_banner_and_version(repl):
    repl.write(b"\x04")  # Ctrl-D at the prompt: soft reset
    repl.expect_exact("MPY: soft reboot", timeout=10)
    repl.expect(BANNER, timeout=10)
    repl.expect_exact(">>> ", timeout=10)
    repl.write(b"import wasm; print(wasm.version())\r")
    repl.expect(re.compile(rb"WAMR 2\.4\.3 \(interp=\w+, aot, bulk-memory, ref-types, multi-value, wasi-preview1, pool=\d+K\)"),
                timeout=10)


def test_deploy_with_mpremote_and_run(board):
    board.mpremote("cp", str(GUEST_DIR / "hello.wasm"), ":/flash/app.wasm")
    listing = board.mpremote("ls", "/flash")
    size = (GUEST_DIR / "hello.wasm").stat().st_size
    assert re.search(rf"^\s*{size} app\.wasm$", listing, re.M), listing
    out = board.run("""
import io, wasm
out = io.BytesIO()
err = io.BytesIO()
code = wasm.run('/flash/app.wasm', ('x', 'y'), env={'GREETING': 'board'}, stdout=out,
                stderr=err, stdin=io.BytesIO(b'abc'))
print(err.getvalue())
print(code)
print(out.getvalue().decode())
""")
    assert out == ["b'to stderr\\n'", "2", "hello from wasm", "arg[0]=/flash/app.wasm", "arg[1]=x", "arg[2]=y",
                   "GREETING=board", "stdin: 3 bytes", "abc", ""]


def test_kernels_on_the_board(board):
    out = board.run("""
import wasm
inst = wasm.Instance(wasm.Module.load('/flash/kernels.wasm'), heap=0)
e = inst.exports
p = e.alloc(9)
inst.memory[p:p + 9] = b'123456789'
print(e.fib(30), e.matmul(10), hex(e.crc32(p, 9) & 0xffffffff))
print(e.sum_i64(2**62, 2**62 - 1), e.neg_i64(-2**63 + 1), e.divmod(-17, 5))
print(e.mul_f64(1.5, 2.5), e.counter.value, e.bump())
inst.close()
""")
    assert out == ["832040 8250 0xcbf43926",
                   "9223372036854775807 9223372036854775807 (-3, -2)",
                   "3.75 7 8"]


def test_guest_output_file_survives_reboot(board):
    out = board.run("""
import io, wasm
with open('/flash/guest_out.txt', 'wb') as f:
    print(wasm.run('/flash/hello.wasm', ('persist',), stdout=f, stderr=io.BytesIO(),
                   stdin=io.BytesIO(b'xyz')))
print(open('/flash/guest_out.txt').read().splitlines()[:2])
""")
    assert out == ["1", "['hello from wasm', 'arg[0]=/flash/hello.wasm']"]
    board.reboot()
    out = board.run("""
import os
lines = open('/flash/guest_out.txt').read().splitlines()
print(lines[:3], len(lines))
print([name in os.listdir('/flash') for name in ('app.wasm', 'guest_out.txt', 'hello.wasm')])
""")
    assert out[0] == "['hello from wasm', 'arg[0]=/flash/hello.wasm', 'arg[1]=persist'] 6"
    assert out[1] == "[True, True, True]"


@pytest.fixture
def traps_aot(board):
    """traps.aot in /flash, copied before the test's dut holds the port."""
    board.mpremote("cp", str(board.aot_files["traps"]), ":/flash/traps.aot")


@pytest.mark.parametrize("module", [
    "wasm.Module.load('/flash/traps.wasm')",        # interpreter
    "wasm.Module.load('/flash/traps.aot')",         # AOT, code copied to RAM
    "wasm.Module.xip('traps')",                     # AOT, in place
], ids=["interpreted", "aot", "xip"])
def test_ctrl_c_stops_a_runaway_guest(traps_aot, repl, module):
    repl.write(f"import wasm; t = wasm.Instance({module}, heap=0)\r".encode())
    repl.expect_exact(">>> ", timeout=10)
    repl.write(b"t.exports.spin()\r")
    time.sleep(1.0)
    repl.write(b"\x03")
    repl.expect_exact("KeyboardInterrupt", timeout=10)
    repl.expect_exact(">>> ", timeout=10)
    repl.write(b"print('ok', t.exports.ok()); t.close(); print('closed', t.closed)\r")
    repl.expect_exact("ok 1", timeout=10)
    repl.expect_exact("closed True", timeout=10)


def test_guest_sleep_wakes_up(board):
    # mp.sleep_ms idles the CPU between clock reads: the board must wake it
    # without any input arriving (the RISC-V board has no periodic tick).
    out = board.run("""
import wasm
inst = wasm.Instance(wasm.Module.load('/flash/hostcalls.wasm'), heap=0)
print([inst.exports.nap(ms) >= ms for ms in (1, 20, 120)])
inst.close()
""")
    assert out == ["[True, True, True]"]


def test_soft_reset_frees_all_wamr_memory(board):
    measure = FREE_RAM + """
print('keep' in globals())
wasm.Module.load('/flash/traps.wasm').close()
print(free_ram())
"""
    board.soft_reset()
    fresh = board.run(measure)
    # Leave instances and modules alive, unclosed, in globals.
    busy = board.run(FREE_RAM + """
keep = [wasm.Instance(wasm.Module.load('/flash/traps.wasm'), heap=0) for i in range(2)]
print(free_ram())
""")
    assert int(busy[0]) < int(fresh[1]) - 20000
    board.soft_reset()
    assert board.run(measure) == fresh
    assert fresh[0] == "False"


def test_malformed_module_raises_load_error(board):
    out = board.run("""
import wasm
for data in (b'', b'\\x00asm\\x01\\x00\\x00\\x00\\x01\\x03', b'not wasm at all', bytes(range(64))):
    try:
        wasm.Module(data)
        print('loaded?!')
    except wasm.LoadError as e:
        print('LoadError:', e)
print('alive', 1 + 1)
""")
    assert out == [
        "LoadError: empty module",
        "LoadError: unexpected end",
        "LoadError: not a wasm or AOT module (bad magic number)",
        "LoadError: not a wasm or AOT module (bad magic number)",
        "alive 2",
    ]


FILES = """
import io, os, wasm
def files(*args):
    out = io.BytesIO()
    w = wasm.WASI(args=('files',) + args, stdout=out, stderr=out, preopens={'/data': '/flash/data'})
    with wasm.Module.load('/flash/files.wasm') as m, wasm.Instance(m, wasi=w, heap=0) as inst:
        code = inst.run()
    return code, out.getvalue().decode()
try:
    os.mkdir('/flash/data')
except OSError:
    pass
"""


def test_wasi_file_crud_on_littlefs(board):
    board.mpremote("cp", str(GUEST_DIR / "files.wasm"), ":/flash/files.wasm")
    out = board.run(FILES + """
code, text = files('crud')
print(code)
print(text, end='')
code, text = files('escape')
print(text, end='')
""", timeout=120)
    assert out == ["0", "mkdir 0", "write 0", "stat size=11 regular=1", "append 0",
                   "read alpha\\nbeta\\ngamma\\n", "seek beta", "rename 0", "list b.txt",
                   "stat-old -1 errno=ENOENT", "rmdir-nonempty -1 errno=ENOTEMPTY", "unlink 0",
                   "rmdir 0", "stat-dir -1 errno=ENOENT", "done",
                   "open-dotdot -1 errno=ENOTCAPABLE", "open-outside -1 errno=ENOTCAPABLE",
                   "open-relative -1 errno=ENOTCAPABLE", "mkdir-dotdot -1 errno=ENOTCAPABLE",
                   "rename-dotdot -1 errno=ENOTCAPABLE", "symlink-abs -1 errno=EPERM", "done"]


def test_wasi_stdio_kinds_and_cpu_clocks(board):
    # isatty() (wasi-libc, guest/apps/isatty.c) is true only on the console;
    # the board cannot measure CPU time: its CPU-time clocks (2, 3) give
    # EINVAL (28), the monotonic one (1) works.
    board.mpremote("cp", str(GUEST_DIR / "isatty.wasm"), ":/flash/isatty.wasm")
    board.mpremote("cp", str(GUEST_DIR / "wasi_raw.wasm"), ":/flash/wasi_raw.wasm")
    out = board.run("""
import io, wasm
print(wasm.run('/flash/isatty.wasm'))
with open('/flash/isatty.out', 'w') as f:
    err = io.BytesIO()
    print(wasm.run('/flash/isatty.wasm', stdout=f, stderr=err), err.getvalue())
inst = wasm.Instance(wasm.Module.load('/flash/wasi_raw.wasm'), wasi=wasm.WASI(), heap=0)
e = inst.exports
print([(e.clock_time_get(c, 1, 256), e.clock_res_get(c, 264)) for c in (1, 2, 3)])
inst.close()
inst.module.close()
del inst, e
""", timeout=120)
    assert out == ["isatty 0=1 1=1 2=1", "0", "0 b'isatty 0=1 1=0 2=0\\n'", "[(0, 0), (28, 28), (28, 28)]"]


def test_guest_file_survives_reboot_and_trap_mid_write(board):
    board.mpremote("cp", str(GUEST_DIR / "files.wasm"), ":/flash/files.wasm")
    out = board.run(FILES + """
print(files('write', '/data/kept.txt', '4'))
try:
    files('writetrap', '/data/partial.bin')
except wasm.Trap as e:
    print('Trap', e)
print(sorted(os.listdir('/flash/data')))
""", timeout=120)
    assert out == ["(0, 'wrote 4\\n')", "Trap unreachable", "['kept.txt', 'partial.bin']"]
    board.reboot()
    out = board.run(FILES + """
print(files('cat', '/data/kept.txt'))
print(files('stat', '/data/partial.bin'))
print(sorted(os.listdir('/flash/data')))
""", timeout=120)
    assert out == ["(0, 'line 0\\nline 1\\nline 2\\nline 3\\n')", "(0, 'size=1000 dir=0\\n')",
                   "['kept.txt', 'partial.bin']"]


def test_mpremote_run_exec_and_soft_reset(board, tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import wasm\nprint('fib', wasm.Instance(wasm.Module.load('/flash/kernels.wasm'),"
                      " heap=0).exports.fib(25))\n")
    assert board.mpremote("run", str(script)).splitlines() == ["fib 75025"]
    assert board.mpremote("exec", "print(6 * 7)").splitlines() == ["42"]
    board.mpremote("exec", "import wasm; keep = wasm.Module.load('/flash/traps.wasm'); x = 5")
    board.mpremote("soft-reset")
    assert board.mpremote("exec", "print('x' in globals())").splitlines() == ["False"]


KERNELS = """
import wasm, gc
def kernels(inst):
    e = inst.exports
    p = e.alloc(9)
    inst.memory[p:p + 9] = b'123456789'
    r = (e.fib(25), e.matmul(10), e.crc32(p, 9) & 0xffffffff, e.divmod(-17, 5), e.sum_i64(2**62, 2**62 - 1),
         e.mul_f64(1.5, -2.25), e.add_f32(1.5, 2.25), e.counter.value, e.bump())
    inst.close()
    return r
"""
KERNELS_RESULT = "(75025, 8250, 3421780262, (-3, -2), 9223372036854775807, -3.375, 3.75, 7, 8)"


def test_aot_files_load_from_flash(board):
    """Relocatable AOT files: code copied into executable RAM, same results."""
    for name, path in board.aot_files.items():
        board.mpremote("cp", str(path), f":/flash/{name}.aot")
    out = board.run(KERNELS + """
interp = kernels(wasm.Instance(wasm.Module.load('/flash/kernels.wasm'), heap=0))
m = wasm.Module.load('/flash/kernels.aot')
print(m.is_aot, kernels(wasm.Instance(m, heap=0)) == interp)
print(interp)
m.close()
t = wasm.Instance(wasm.Module.load('/flash/traps.aot'), heap=0)
for name, args in (('do_unreachable', ()), ('oob_write', ()), ('div_zero', (1, 0))):
    try:
        t.call(name, *args)
    except wasm.Trap as e:
        print(name, e)
print(t.exports.ok())
t.close()
gc.collect()
""", timeout=120)
    assert out == ["True True", KERNELS_RESULT, "do_unreachable unreachable",
                   "oob_write out of bounds memory access", "div_zero integer divide by zero", "1"]


def test_xip_apps_run_in_place(board):
    out = board.run(KERNELS + FREE_RAM + """
print([(name, target) for name, target, size in wasm.apps()])
interp = kernels(wasm.Instance(wasm.Module.load('/flash/kernels.wasm'), heap=0))
x = wasm.Module.xip('kernels')
print(x.is_aot, kernels(wasm.Instance(x, heap=0)) == interp)
print(interp)
x.close()
gc.collect()
ram0 = free_ram()
big = wasm.Module.xip('bigcode')
print(ram0 - free_ram())
inst = wasm.Instance(big, heap=0)
churned = inst.exports.churn(12345) & 0xffffffff
inst.close()
big.close()
inst = wasm.Instance(wasm.Module.load('/flash/bigcode.wasm'), heap=0)
print(churned == inst.exports.churn(12345) & 0xffffffff, churned != 0)
inst.close()
gc.collect()
t = wasm.Instance(wasm.Module.xip('traps'), heap=0)
for name in ('do_unreachable', 'oob_read'):
    try:
        t.call(name)
    except wasm.Trap as e:
        print(name, e)
t.close()
""", timeout=120)
    target = board.aot_target
    assert out[0] == str([("kernels", target), ("traps", target), ("bigcode", target), ("xipdata", target)])
    assert out[1] == "True True"
    assert out[2] == KERNELS_RESULT
    text = board.xip_text_sizes["bigcode"]
    assert text >= 32 * 1024
    # Only WAMR's metadata and the app's data sections go to RAM: with
    # word-aligned reading (the ESP32 boards' and the emulated boards'
    # build) that includes copies of the function and export names, about a
    # tenth of this app's code.
    assert int(out[3]) < text // 8, (out[3], text)
    assert out[4] == "True True"  # XIP and the interpreter agree on the big app
    assert out[5:] == ["do_unreachable unreachable", "oob_read out of bounds memory access"]


XIPDATA_RESULT = "880884744 114 0"   # guest/apps/xipdata.c: checksum(), char_at(0), char_at(20)


def test_xip_reads_only_words(board):
    """An XIP app is read through the instruction bus on the ESP32 boards,
    which takes only 4-byte-aligned 32-bit loads: loading, instantiating and
    calling an app whose data segments have odd sizes (21 and 3 bytes) must
    read it no other way. A real ESP32 resets on a wrong load (LoadStoreError);
    the emulated board models that bus (boards/QEMU_WAMR/board_xip_bus.c) and
    lists the loads it would not take (boards/QEMU_WAMR_RV32/board_xip.c
    on the RISC-V board)."""
    emulated = board.is_emulated
    out = board.run(("import board\nboard.xip_bus()\n" if emulated else "") + """
import wasm
m = wasm.Module.xip('xipdata')
i = wasm.Instance(m, heap=0)
print(i.exports.checksum(), i.exports.char_at(0), i.exports.char_at(20))
i.close()
m.close()
""" + ("print(board.xip_bus())\n" if emulated else ""), timeout=120)
    assert out[0] == XIPDATA_RESULT
    if emulated:
        loads, redirects, faults = ast.literal_eval(out[1])
        assert faults == []
        # The model was in the way: the loader's word reads were performed
        # by it, and the code ran through the window (on the Cortex-M board
        # each entry into it is a fetch fault the model redirects).
        assert loads > 100, loads
        assert (redirects > 0) == board.emulated_board.xip_fetch_redirects, redirects

        # And the model itself: an aligned word passes (b"WAPP"), byte,
        # halfword and unaligned loads are reported.
        out = board.run("""
import board
print(hex(board.xip_read(0, 4)), board.xip_bus())
for offset, width in ((1, 1), (2, 2), (2, 4)):
    board.xip_read(offset, width)
    print(board.xip_bus()[2][0][1:])
""")
        byte = "'not a load the instruction bus takes (byte/halfword load or store)'"
        window = board.emulated_board.xip_window
        assert out == ["0x50504157 (1, 0, [])", f"({window + 1}, {byte})", f"({window + 2}, {byte})",
                       f"({window + 2}, 'unaligned 32-bit load')"]
