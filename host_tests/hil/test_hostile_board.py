"""Hostile guests on the board (issue 10): a guest filling the littlefs
/flash gets ENOSPC and every other file survives a reboot; start functions
calling imports; deep guest -> Python -> guest recursion ends in an
exception with the REPL alive."""

import subprocess

FILL_WAT = """
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "big.bin")
  (data (i32.const 16) "\\00\\04\\00\\00\\00\\10\\00\\00")   ;; iovec: 4096 bytes at 1024
  (global $blocks (mut i32) (i32.const 0))
  ;; Creates big.bin in the preopen (fd 3) and writes 4 KB blocks until an
  ;; error (at most 1000); returns the errno, or 1000 + errno of the open.
  (func (export "fill") (result i32)
    (local $fd i32) (local $err i32)
    (local.set $err (call $open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 7)
                     (i32.const 9) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 32)))
    (if (local.get $err) (then (return (i32.add (i32.const 1000) (local.get $err)))))
    (local.set $fd (i32.load (i32.const 32)))
    (loop $l
      (local.set $err (call $write (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 40)))
      (if (i32.eqz (local.get $err)) (then (global.set $blocks (i32.add (global.get $blocks) (i32.const 1)))))
      (br_if $l (i32.and (i32.eqz (local.get $err)) (i32.lt_u (global.get $blocks) (i32.const 1000)))))
    (drop (call $close (local.get $fd)))
    (local.get $err))
  (func (export "blocks") (result i32) (global.get $blocks)))
"""

CALLHOST_WAT = """
(module
  (import "env" "cb" (func $cb (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\\10\\00\\00\\00\\06\\00\\00\\00")
  (data (i32.const 16) "start\\n")
  (global $g (mut i32) (i32.const 0))
  (func $start
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))
    (global.set $g (call $cb (i32.const 0))))
  (func (export "started") (result i32) (global.get $g))
  (func (export "run") (param i32) (result i32) (i32.add (call $cb (local.get 0)) (i32.const 1)))
  (start $start))
"""


def deploy_wat(board, tmp_path, name, source):
    (tmp_path / f"{name}.wat").write_text(source)
    subprocess.run(["wat2wasm", str(tmp_path / f"{name}.wat"), "-o", str(tmp_path / f"{name}.wasm")],
                   check=True, capture_output=True)
    board.mpremote("cp", str(tmp_path / f"{name}.wasm"), f":/flash/{name}.wasm")


CHECK_FILES = """
import os
def checksum(path):
    total = 0
    with open(path, 'rb') as f:
        while True:
            chunk = f.read(512)
            if not chunk:
                return total
            total = (total * 31 + sum(chunk)) & 0xffffffff
names = sorted(n for n in os.listdir('/flash') if n != 'big.bin')
print([(n, checksum('/flash/' + n)) for n in names if n.endswith('.wasm')])
"""


def test_a_guest_filling_flash_gets_enospc_and_other_files_survive(board, tmp_path):
    deploy_wat(board, tmp_path, "fill", FILL_WAT)
    before = board.run(CHECK_FILES)
    out = board.run("""
import os, wasm
inst = wasm.Instance(wasm.Module.load('/flash/fill.wasm'), wasi=wasm.WASI(preopens={'/f': '/flash'}), heap=0)
err = inst.exports.fill()
print(err, inst.exports.blocks() > 10, 'big.bin' in os.listdir('/flash'))
inst.close()
""", timeout=600)
    assert out == ["51 True True"]   # ENOSPC
    board.reboot()
    assert board.run(CHECK_FILES) == before
    out = board.run("""
import os
os.remove('/flash/big.bin')
with open('/flash/after.txt', 'w') as f:
    f.write('room again')
print(open('/flash/after.txt').read())
os.remove('/flash/after.txt')
""")
    assert out == ["room again"]


def test_start_functions_and_deep_recursion_on_the_board(board, tmp_path):
    deploy_wat(board, tmp_path, "callhost", CALLHOST_WAT)
    out = board.run("""
import io, wasm
out = io.BytesIO()
depth = 0
def cb(n):
    global depth
    depth += 1
    return n and inst.exports.run(n - 1)
inst = None
inst = wasm.Instance(wasm.Module.load('/flash/callhost.wasm'), {'env': {'cb': cb}},
                     wasi=wasm.WASI(stdout=out), heap=0)
print(out.getvalue(), inst.exports.started())
try:
    inst.exports.run(100000)
except (RuntimeError, wasm.Trap) as exc:
    print(type(exc).__name__, exc, depth > 3)
def closer(n):
    if n:  # not from the start function
        try:
            inst.close()
        except RuntimeError as exc:
            print('RuntimeError', exc)
    return n
inst2 = inst
inst = wasm.Instance(wasm.Module.load('/flash/callhost.wasm'), {'env': {'cb': closer}},
                     wasi=wasm.WASI(stdout=out), heap=0)
print(inst.exports.run(2), inst2.exports.run(3))
inst.close()
inst2.close()
""", timeout=120)
    assert out == ["b'start\\n' 0", "RuntimeError maximum recursion depth exceeded True",
                   # inst2's callback re-enters the running instance too
                   "RuntimeError instance is running", "RuntimeError instance is running", "3 4"]
    assert board.run("print(6 * 7)") == ["42"]
