"""Real programs (Lua 5.4, zlib's minigzip; scripts/real_programs.py) on the
unix firmware: fast and classic interpreters and AOT, each compared with
the same program built natively from the same sources."""

import pytest

from scripts import aot
from scripts import real_programs as rp

TEST_WORKLOADS = [w.name for w in rp.workloads("test")]


def run_workload(fw, w, module_expr, tmp_path, env=None):
    stdin_path = tmp_path / f"{w.name}.in"
    stdout_path = tmp_path / f"{w.name}.out"
    stdin_path.write_bytes(w.stdin())
    out = fw.lines(rp.guest_script(module_expr, w, stdin_path, stdout_path), env=env)
    return out, stdout_path.read_bytes()


def assert_same_as_native(w, out, stdout):
    code, native_stdout = rp.expected(w)
    assert out == [f"exit {code}", "stderr b''"]
    assert stdout == native_stdout
    assert len(stdout) > 0


@pytest.mark.parametrize("name", TEST_WORKLOADS)
def test_interpreters_match_native(any_fw, name, tmp_path):
    w = rp.workload(name)
    out, stdout = run_workload(any_fw, w, f"wasm.Module.load({str(rp.wasm_path(w.program))!r})", tmp_path)
    assert_same_as_native(w, out, stdout)


@pytest.fixture(scope="module")
def aot_files(aotc, guest_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("aot")
    return {program: aot.compile_wasm(guest_dir / f"{program}.wasm", "x86_64",
                                      output=out / f"{program}.aot", quiet=True)
            for program in ("lua", "minigzip")}


@pytest.mark.parametrize("name", TEST_WORKLOADS)
def test_aot_matches_native(fw, aot_files, name, tmp_path):
    w = rp.workload(name)
    out, stdout = run_workload(fw, w, f"wasm.Module.load({str(aot_files[w.program])!r})", tmp_path)
    assert_same_as_native(w, out, stdout)


def test_sizes_are_real_programs(guest_dir):
    # The issue asks for programs of 100 KB to 1 MB; minigzip is zlib's
    # whole deflate/inflate/gz* library with its test driver.
    sizes = {p: rp.wasm_path(p).stat().st_size for p in ("lua", "minigzip")}
    assert 250_000 < sizes["lua"] < 1_000_000, sizes
    assert 90_000 < sizes["minigzip"] < 1_000_000, sizes


def test_pool_use_per_mode(any_fw, aot_files):
    # The unix pool holds the real programs; what a loaded module keeps
    # there (README's table) stays within these bounds.
    out = any_fw.lines(f"""
import wasm
for path in ({str(rp.wasm_path('lua'))!r}, {str(aot_files['lua'])!r}):
    before = wasm.pool_info()[1]
    m = wasm.Module.load(path)
    print(m.is_aot, before - wasm.pool_info()[1])
    m.close()
""")
    sizes = [(flag, int(used)) for flag, used in (line.split() for line in out)]
    lua = rp.wasm_path("lua").stat().st_size
    assert [flag for flag, _ in sizes] == ["False", "True"]
    interp_used, aot_used = sizes[0][1], sizes[1][1]
    if any_fw.binary.parent.name == "unix":
        assert 2 * lua < interp_used < 5 * lua  # fast: precompiled code
    else:
        assert lua < interp_used < 2 * lua      # classic: the bytes and tables
    assert 0 < aot_used < 4 * lua


def test_pool_exhaustion_errors(any_fw):
    # As the README says: an instance the pool cannot hold raises MemoryError,
    # a module it cannot hold wasm.LoadError; closing the instances gives the
    # whole pool back. 15 instances with 1 MB stacks fill the 16 MB pool.
    lua = rp.wasm_path("lua")
    out = any_fw.lines(f"""
import gc, wasm
m = wasm.Module.load(GUEST + '/memgrow.wasm')
start = wasm.pool_info()
held = []
try:
    while True:
        held.append(wasm.Instance(m, heap=0, stack=1048576))
except MemoryError as exc:
    print(len(held), exc)
try:
    wasm.Module.load({str(lua)!r})
except wasm.LoadError as exc:
    print(exc)
for inst in held:
    inst.close()
gc.collect()
print(wasm.pool_info() == start)
""")
    size = lua.stat().st_size
    assert out[0] == "15 WAMR pool exhausted (exec env)"
    assert out[1].startswith(f"out of WAMR pool memory while loading a {size} byte module (largest free block ")
    assert out[1].endswith(" of 16776824 bytes): the module is malformed or too large for the pool")
    assert out[2] == "True"


def test_lua_is_interactive_only_on_the_console(fw):
    # Lua's stand-alone interpreter asks isatty(0) whether to show its
    # banner and prompts: on the console it does (the firmware's own stdin,
    # here a pipe, is still "the console" to a guest); a piped script in an
    # io.BytesIO runs silently, as the native build does with a pipe.
    result = fw.run(f"""
import io, wasm
out = io.BytesIO()
print(wasm.run({str(rp.wasm_path('lua'))!r}, (), stdin=io.BytesIO(b'print(1 + 1)'), stdout=out, heap=0), out.getvalue())
print(wasm.run({str(rp.wasm_path('lua'))!r}, (), heap=0))
""", stdin=b"print(2 + 2)\n")
    assert result.stdout.splitlines() == [
        "0 b'2\\n'",
        "Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio",
        "> 4",
        "> ",
        "0",
    ]
