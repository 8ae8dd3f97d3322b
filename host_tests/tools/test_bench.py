"""`make bench`'s suite, once at tiny sizes: every mode runs on unix and on
both emulated boards and all give the same checksums. No timing is checked
here (the targets live in `make bench`); the report pieces are checked on
fixed inputs."""

import json

import pytest

from scripts import bench, bench_flash, bench_report

# The kernels' checksums at the tiny profile's sizes (fib 10, the others 1):
# computed by hand from the algorithms (fib(10) = 55) and by every mode.
TINY_CHECKSUMS = {"fib": 55, "crc32": 0x2B660B07, "matmul": 0xBC700, "mandel": 0x48B5,
                  "sieve": 0x404, "qsort": 0x1FF7E4}


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    results = bench.main(boards=bench.BOARDS, profile_name="tiny", output=out, valgrind=False)
    return out, results


def _modes(summary):
    return {mode for row in summary["kernels"].values() for mode in row}


def test_every_mode_runs_on_unix_with_the_same_checksums(tiny_results):
    _, results = tiny_results
    unix = results["unix"]
    assert _modes(unix) == {"native", "aot", "fast", "classic", "wasm3", "bytecode",
                            "emit_native", "viper"}
    for name, row in unix["kernels"].items():
        assert {mode: v["checksum"] for mode, v in row.items()} == \
            {mode: [TINY_CHECKSUMS[name]] for mode in row}, name
    assert unix["errors"] == []
    assert results["problems"] == []


@pytest.mark.parametrize("board", bench.BOARDS)
def test_every_mode_runs_on_the_emulated_boards(tiny_results, board):
    _, results = tiny_results
    summary = results["boards"][board]
    assert summary["unit"] == "instructions"
    assert _modes(summary) == {"native", "aot", "xip", "fast", "classic", "bytecode",
                               "emit_native", "viper"}
    for name, row in summary["kernels"].items():
        assert {mode: v["checksum"] for mode, v in row.items()} == \
            {mode: [TINY_CHECKSUMS[name]] for mode in row}, (board, name)
        assert all(v["median"] > 0 for v in row.values()), (board, name)
    # Call overheads and load times were measured in every wasm mode.
    assert {k.split("/")[0] for k in summary["calls"]} >= {"classic", "fast", "aot", "xip"}
    assert set(summary["load"]) >= {"classic", "aot", "xip"}


def test_outputs_written(tiny_results):
    out, results = tiny_results
    on_disk = json.loads((out / "results.json").read_text())
    assert on_disk["meta"]["profile"] == "tiny"
    assert set(on_disk["boards"]) == set(bench.BOARDS)
    md = (out / "results.md").read_text()
    assert "| native C (gcc -O2) |" in md and "#### QEMU_WAMR_RV32: instructions per call" in md
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    flash = results["flash"]["QEMU_WAMR"]
    assert flash["wamr"] > 50_000 and flash["module"] > 10_000
    assert flash["total"] == flash["wamr"] + flash["module"]


def test_cortex_m_board_keeps_its_flash_budget(tiny_results):
    # WAMR + the wasm module within 130 KB on the Cortex-M board (issue 11).
    # A size is exact, so it is kept on every run, not only by `make bench`:
    # the last overrun (123 -> 140 KB) went unseen until a bench run.
    _, results = tiny_results
    flash = results["flash"]["QEMU_WAMR"]
    assert flash["total"] <= 130 * 1024, \
        f"WAMR {flash['wamr']:,} B + module {flash['module']:,} B = {flash['total'] / 1024:.1f} KB"


MAP = """\
Memory Configuration
Linker script and memory map

.text           0x00000000    0x2000
 .text.wasm_runtime_call_wasm
                0x00000100       0x80 /b/obj/wamr/libwamr.a(wasm_runtime_common.o)
 .text.foo      0x00000180       0x20 /b/obj/py/runtime.o
 .text.mp_wasm_call
                0x000001a0       0x40 /b/obj/wasm/wasm_instance.o
 *(.text.unused)
 .text.gone     0x00000000       0x10 /b/obj/wamr/libwamr.a(gone.o)
.rodata         0x00002000     0x100
 .rodata.tab    0x00002000       0x30 /b/obj/wamr/libwamr.a(wasm_loader.o)
.bss            0x20000000     0x100
 .bss.pool      0x20000000     0x100 /b/obj/wasm/wasm_runtime_glue.o
"""


def test_flash_cost_from_a_linker_map():
    # Flash sections only (bss is RAM), discarded sections (address 0) not.
    assert bench_flash.parse_map(MAP) == {"wamr": 0x80 + 0x30, "module": 0x40}


def test_targets_and_ratios_from_fixed_results():
    summary = {"unit": "ms", "errors": [],
               "kernels": {"fib": {"native": {"median": 1.0, "checksum": [55]},
                                   "aot": {"median": 1.1, "checksum": [55]},
                                   "fast": {"median": 10.0, "checksum": [55]},
                                   "classic": {"median": 20.0, "checksum": [55]},
                                   "wasm3": {"median": 12.0, "checksum": [55]}}},
               "geomean_vs_native": {"native": 1.0, "aot": 1.1, "fast": 10.0, "classic": 20.0,
                                     "wasm3": 12.0},
               "calls": {"python/builtin": 40e-6, "fast/export_nop": 100e-6,
                         "fast/import_py": 130e-6},
               "load": {}}
    results = {"unix": summary, "valgrind": {"instructions_per_call": {"import_native": 140}},
               "flash": {"QEMU_WAMR": {"wamr": 100_000, "module": 40_000, "total": 140_000,
                                       "interp": "classic"}}}
    targets = {t["target"]: (round(t["value"], 3), t["ok"]) for t in bench.evaluate_targets(results)}
    assert targets == {
        "fast interpreter time / wasm3 time (geomean)": (0.833, True),
        "classic interpreter time / fast (geomean)": (2.0, True),
        "AOT time / native (geomean)": (1.1, True),
        "Python -> export no-op / Python call to a C builtin": (2.5, True),
        "guest -> Python import / Python call to a C builtin": (3.25, False),
        "guest -> native import (valgrind, instructions)": (140, True),
        "QEMU_WAMR: flash of WAMR + wasm module (KB)": (136.719, False),
    }
    results.update(meta={"profile": "full", "date": "d", "commit": "0123456789ab", "dirty": False},
                   targets=bench.evaluate_targets(results), boards={})
    md = bench_report.markdown(results)
    assert "| guest -> Python import / Python call to a C builtin | 3.25 | 3.0 | **missed** | 3.25 |" in md
    assert "| WAMR fast interpreter | 10.0 | 10.00x |" in md


def test_unix_targets_are_medians_of_their_rounds():
    # One slow classic session (round 2) moves the pooled medians, not the
    # median of the rounds' ratios.
    def round_of(classic, builtin):
        return {"geomean_vs_native": {"native": 1.0, "aot": 1.1, "fast": 10.0, "classic": classic,
                                      "wasm3": 12.0},
                "calls": {"python/builtin": builtin, "fast/export_nop": 100e-6, "fast/import_py": 120e-6}}
    rounds = [round_of(22.0, 40e-6), round_of(40.0, 50e-6), round_of(24.0, 44e-6)]
    summary = {**round_of(40.0, 40e-6), "rounds": rounds}
    targets = {t["target"]: (round(t["value"], 3), t["ok"], [round(v, 3) for v in t["rounds"]])
               for t in bench.evaluate_targets({"unix": summary})}
    assert targets["classic interpreter time / fast (geomean)"] == (2.4, True, [2.2, 4.0, 2.4])
    assert targets["guest -> Python import / Python call to a C builtin"] == (2.727, True, [3.0, 2.4, 2.727])
    assert targets["AOT time / native (geomean)"] == (1.1, True, [1.1, 1.1, 1.1])


def test_mismatching_checksums_are_reported():
    summary = {"kernels": {"sieve": {"native": {"checksum": [1028]}, "fast": {"checksum": [1027]}}}}
    assert bench.check_checksums(summary, "unix") == [
        "unix: sieve: checksums differ: native=1028, fast=1027"]


def test_real_programs_are_timed_with_the_native_output():
    # make bench's real-program part, on the test-size workloads: every mode
    # gives the native build's output, and the table shows the ratios.
    from scripts import bench_programs

    programs, problems = bench_programs.run(size="test", reps=1, modes=("native", "fast", "classic"))
    assert problems == []
    assert sorted(programs) == ["lua-checks", "lua-small", "minigzip-compress", "minigzip-decompress"]
    for row in programs.values():
        assert set(row) == {"native", "fast", "classic"}
        assert all(v["median"] > 0 and v["runs"] == 1 for v in row.values())
    lines = bench_programs.table({"lua-small": {"native": {"median": 0.5}, "fast": {"median": 2.0}}})
    assert lines[4] == "| lua-small | 0.50 | - | 2.00 (4.0x) | - |"
