"""Generator of the guest bindings for LVGL (issue 13).

Reads LVGL's public headers (lvgl.h with the project's lv_conf.h) through a
C preprocessor and pycparser, decides for every public function whether
guests get it and how its arguments cross the sandbox, and writes:

- the host side: C host functions for the import module `lvgl` and their
  WAMR signature table (a native family of the `wasm` module);
- the guest SDK's generated header (LVGL's names, types, enums, constants
  and pure inline helpers for wasm32);
- the coverage report (every public function, bound or not, and why);
- a guest program that calls every bound function once (the test suite's).

Run `python3 -m tools.lvgl_bindings --help` from the repository root. The
build runs it; its outputs go to the build directory and are never
committed.
"""
