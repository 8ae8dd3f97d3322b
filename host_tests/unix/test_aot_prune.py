"""aotc drops the stop-flag polls of loops it proves short and the bounds
checks of accesses it proves inside the initial memory (issue 11; WAMR
patches 0073 and 0074, tools/aotc/aotc_prune.cpp), and keeps every other
one: the counts it reports, the results of the code that lost its checks,
a stop (time limit, Ctrl-C) still ending every loop that kept a poll, and
every access that can leave the memory still trapping."""

import subprocess

import pytest

from hostile_support import interrupt_after

POLLS = """
(module
  ;; 24 iterations: the poll goes.
  (func (export "short") (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 24))))
    (local.get $s))
  ;; An endless loop around a short one: only the inner poll goes.
  (func (export "short_in_endless") (local $i i32)
    (loop $outer
      (local.set $i (i32.const 0))
      (loop $inner
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $i) (i32.const 24))))
      (br $outer)))
  ;; A constant bound far above the limit: kept. Without its poll LLVM
  ;; would fold the loop into its result.
  (func (export "huge") (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 0x7fffffff))))
    (local.get $i))
  ;; The bound is the caller's: kept.
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  ;; 300 x 300 iterations: the inner loop (300) loses its poll, the nest
  ;; (90,000 > 65,536) keeps the outer one.
  (func (export "nest") (result i32) (local $i i32) (local $j i32) (local $s i32)
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $s (i32.add (local.get $s) (i32.xor (local.get $i) (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (i32.const 300))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (i32.const 300))))
    (local.get $s))
  ;; The branch back to the endless outer loop sits inside the short inner
  ;; one: that poll guards the outer loop and stays.
  (func (export "continue_outer") (local $i i32)
    (loop $outer
      (local.set $i (i32.const 0))
      (loop $inner
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $outer (i32.eq (local.get $i) (i32.const 10)))
        (br $inner))))
  (func (export "ok") (result i32) (i32.const 7)))
"""


def assemble(tmp_path_factory, name, source):
    out = tmp_path_factory.mktemp(name)
    (out / f"{name}.wat").write_text(source)
    subprocess.run(["wat2wasm", str(out / f"{name}.wat"), "-o", str(out / f"{name}.wasm")],
                   check=True, capture_output=True)
    return out / f"{name}.wasm"


@pytest.fixture(scope="module")
def polls_wasm(tmp_path_factory):
    return assemble(tmp_path_factory, "polls", POLLS)


def compile_polls(aotc, wasm_path, *extra, what="loop polls"):
    output = wasm_path.with_name(f"{wasm_path.stem}{''.join(extra)}.aot")
    proc = subprocess.run([str(aotc), "--target=x86_64", *extra, "-o", str(output),
                           str(wasm_path)], capture_output=True, text=True, check=True)
    reports = [line for line in proc.stdout.splitlines() if what in line]
    return output, reports


def test_aotc_reports_the_polls_it_drops(aotc, polls_wasm):
    _, default = compile_polls(aotc, polls_wasm)
    assert default == [
        "aotc: 4 of 9 loop polls dropped (loop nests proven to end within 65536 iterations)"]
    _, wider = compile_polls(aotc, polls_wasm, "--loop-poll-limit=90000")
    assert wider == [
        "aotc: 5 of 9 loop polls dropped (loop nests proven to end within 90000 iterations)"]
    _, none = compile_polls(aotc, polls_wasm, "--loop-poll-limit=0")
    assert none == []
    _, off = compile_polls(aotc, polls_wasm, "--no-suspend-checks")
    assert off == []
    _, unpruned = compile_polls(aotc, polls_wasm, "--no-prune")
    assert unpruned == []


def test_aotc_refuses_a_bad_limit(aotc, polls_wasm):
    proc = subprocess.run([str(aotc), "--target=x86_64", "--loop-poll-limit=lots",
                           str(polls_wasm)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "--loop-poll-limit must be a number from 0 to 16777216, not 'lots'" in proc.stderr


SCRIPT = """
import time, wasm
inst = wasm.Instance(wasm.Module(open({path!r}, 'rb').read()))
e = inst.exports
print(e.short(), e.nest(), e.count(1000))
for name in ('short_in_endless', 'continue_outer', 'huge'):
    t = time.ticks_ms()
    try:
        print(name, inst.call(name, timeout_ms=100))
    except wasm.Trap as exc:
        print(name, 'Trap:', exc, time.ticks_diff(time.ticks_ms(), t) < 5000)
    print(e.ok())
"""


def test_loops_without_polls_compute_the_same(fw, aotc, polls_wasm):
    short = sum(i * i for i in range(24))
    nest = sum(i ^ j for i in range(300) for j in range(300))
    path, _ = compile_polls(aotc, polls_wasm)
    out = fw.lines(SCRIPT.format(path=str(path)))
    assert out[0] == f"{short} {nest} 1000"
    # The interpreter agrees (and so does AOT with every poll kept).
    for source in (polls_wasm, compile_polls(aotc, polls_wasm, "--loop-poll-limit=0")[0]):
        assert fw.lines(SCRIPT.format(path=str(source)))[0] == out[0]


def test_time_limit_stops_every_loop_that_kept_its_poll(fw, aotc, polls_wasm):
    path, _ = compile_polls(aotc, polls_wasm)
    out = fw.lines(SCRIPT.format(path=str(path)))
    assert out[1:] == [
        "short_in_endless Trap: time limit of 100 ms exceeded True", "7",
        "continue_outer Trap: time limit of 100 ms exceeded True", "7",
        "huge Trap: time limit of 100 ms exceeded True", "7",
    ]


def test_ctrl_c_stops_an_endless_loop_around_a_short_one(fw, aotc, polls_wasm):
    path, _ = compile_polls(aotc, polls_wasm)
    proc = fw.start(f"""
import wasm
e = wasm.Instance(wasm.Module(open({str(path)!r}, 'rb').read())).exports
for name in ('short_in_endless', 'continue_outer'):
    print('spinning')
    try:
        e[name]()
    except KeyboardInterrupt:
        print('KeyboardInterrupt', name)
    print(e.ok())
""")
    assert interrupt_after(proc, "spinning", [], times=2) == [
        "spinning", "KeyboardInterrupt short_in_endless", "7",
        "spinning", "KeyboardInterrupt continue_outer", "7",
    ]


BOUNDS = """
(module
  (memory (export "memory") 1)
  ;; Stores to all of the first page: proven inside, the check goes.
  (func (export "fill") (result i32) (local $i i32)
    (loop $l
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 16384))))
    (i32.load (i32.const 65532)))
  ;; One store more, at 65536: kept.
  (func (export "fill_one_more") (local $i i32)
    (loop $l
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.const -1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.le_u (local.get $i) (i32.const 16384)))))
  ;; A byte at most at 65535: goes. Four bytes there: kept.
  (func (export "masked8") (param $x i32) (result i32)
    (i32.load8_u (i32.and (local.get $x) (i32.const 0xffff))))
  (func (export "masked32") (param $x i32) (result i32)
    (i32.load (i32.and (local.get $x) (i32.const 0xffff))))
  ;; At most 65533: the last of its four bytes one past the page. Kept.
  (func (export "edge32") (param $x i32) (result i32)
    (i32.load (i32.and (local.get $x) (i32.const 0xfffd))))
  ;; Addresses read from memory, and a parameter: kept.
  (func (export "indirect") (param $p i32) (result i32)
    (i32.load (i32.load (local.get $p))))
  ;; 65528 + at most 7, four bytes: kept.
  (func (export "offset") (param $x i32) (result i32)
    (i32.load offset=65528 (i32.and (local.get $x) (i32.const 7))))
  (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
"""


@pytest.fixture(scope="module")
def bounds_wasm(tmp_path_factory):
    return assemble(tmp_path_factory, "bounds", BOUNDS)


def test_aotc_reports_the_bounds_checks_it_drops(aotc, bounds_wasm):
    what = "bounds checks"
    assert compile_polls(aotc, bounds_wasm, what=what)[1] == [
        "aotc: 2 of 9 bounds checks dropped (accesses proven inside the initial memory)"]
    assert compile_polls(aotc, bounds_wasm, "--no-prune", what=what)[1] == []
    # Without software bounds checks (runtimes with guard pages) there are none.
    assert compile_polls(aotc, bounds_wasm, "--bounds-checks=0", what=what)[1] == []


# heap=0: WAMR's own heap would make the memory larger than its one page.
BOUNDS_SCRIPT = """
import wasm
inst = wasm.Instance(wasm.Module(open({path!r}, 'rb').read()), heap=0)
e = inst.exports
def show(name, *args):
    try:
        print(name, args, getattr(e, name)(*args))
    except wasm.Trap as exc:
        print(name, args, 'Trap:', exc)
show('fill')
show('fill_one_more')
show('masked8', 0x1ffff)
show('masked32', 0xfffc)
show('masked32', 0xfffd)
show('edge32', 0xfffc)
show('edge32', 0xfffd)
e.poke(0, 0x10000)
show('indirect', 0)
show('indirect', 0xfffd)
show('offset', 4)
show('offset', 5)
show('grow', 1)
e.poke(0x10000, 77)
show('indirect', 0)
show('masked32', 0x1fffc)
show('fill')
"""

BOUNDS_OUT = [
    "fill () 16383",
    "fill_one_more () Trap: out of bounds memory access",
    "masked8 (131071,) 255",
    "masked32 (65532,) -1",
    "masked32 (65533,) Trap: out of bounds memory access",
    "edge32 (65532,) -1",
    "edge32 (65533,) Trap: out of bounds memory access",
    "indirect (0,) Trap: out of bounds memory access",
    "indirect (65533,) Trap: out of bounds memory access",
    "offset (4,) -1",
    "offset (5,) Trap: out of bounds memory access",
    "grow (1,) 1",
    "indirect (0,) 77",
    "masked32 (131068,) -1",
    "fill () 16383",
]


def test_accesses_that_can_leave_the_memory_still_trap(fw, aotc, bounds_wasm):
    # fill_one_more wrote -1 up to 65532 before its store at 65536 trapped.
    path, _ = compile_polls(aotc, bounds_wasm, what="bounds checks")
    assert fw.lines(BOUNDS_SCRIPT.format(path=str(path))) == BOUNDS_OUT
    # The interpreter and AOT with every check kept agree.
    unpruned, _ = compile_polls(aotc, bounds_wasm, "--no-prune", what="bounds checks")
    for source in (bounds_wasm, unpruned):
        assert fw.lines(BOUNDS_SCRIPT.format(path=str(source))) == BOUNDS_OUT
