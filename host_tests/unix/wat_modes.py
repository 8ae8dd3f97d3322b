"""Modules a test writes in WAT, built for one mode of the unix firmware:
the fast or classic interpreter (wat2wasm) or x86_64 AOT (tools/aotc).

    @pytest.fixture(params=MODES)
    def mode(request, tmp_path):
        return build_for_mode(request, tmp_path, {"importer": IMPORTER_WAT})

gives the test (firmware, {name: module path}) for each mode.
"""

import subprocess

from scripts import aot

MODES = ["fast", "classic", "aot"]


def build_for_mode(request, tmp_path, wats):
    paths = {}
    for name, wat in wats.items():
        src = tmp_path / f"{name}.wat"
        src.write_text(wat)
        paths[name] = tmp_path / f"{name}.wasm"
        subprocess.run(["wat2wasm", str(src), "-o", str(paths[name])], check=True)
    if request.param == "aot":
        request.getfixturevalue("aotc")
        paths = {name: aot.compile_wasm(p, "x86_64", output=p.with_suffix(".aot"), quiet=True)
                 for name, p in paths.items()}
    fw = request.getfixturevalue("classic_fw" if request.param == "classic" else "fw")
    return fw, paths


# What the tests' firmware scripts start with: attempt(f) prints f()'s
# result, or the type and message of the exception it raised.
PRELUDE = """
import wasm
def attempt(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
"""


def run_instance(built, name, body):
    """Runs `body` after PRELUDE with `inst`, an instance of module `name`
    (heap=0), and `e`, its exports; returns the output's lines."""
    fw, paths = built
    return fw.lines(PRELUDE + f"""
inst = wasm.Instance(wasm.Module.load({str(paths[name])!r}), heap=0)
e = inst.exports
""" + body)
