"""Well-known locations inside the project checkout."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("WASM_FW_CACHE", ROOT / "cache"))
BUILD = ROOT / "build"
LOCK_FILE = ROOT / "firmware" / "deps.lock.json"
MODULES = ROOT / "micropython_modules"
GUEST = ROOT / "guest"

# Materialised dependency trees (created by `python -m scripts deps`).
MICROPYTHON = CACHE / "micropython"
WAMR = CACHE / "wamr"
LVGL = CACHE / "lvgl"
VENV = CACHE / "venv"
# Real C programs built as guest apps (guest/programs), by lock-file key.
PROGRAM_SOURCES = {"lua": CACHE / "lua", "zlib": CACHE / "zlib"}
# test/spec/*.wast of binaryen's Debian source package (`make spec`).
SPEC_TESTS = CACHE / "spec-tests"


def venv_tool(name):
    """How to run cache/venv's `name` from the current directory (for hints)."""
    tool = VENV / "bin" / name
    try:
        return str(tool.relative_to(Path.cwd()))
    except ValueError:
        return str(tool)
