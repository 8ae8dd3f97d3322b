# Entry points. README's set-up is `make setup` then `make test`.
PYTHON ?= python3
VENV_PY := cache/venv/bin/python
INTERP ?= fast
# The boards default to the classic interpreter: the fast one precompiles
# modules into about 3.5 times their size of RAM.
BOARD_INTERP ?= classic
# The unix pool holds real programs (a 1 MB module on the fast interpreter
# plus its memory); pages the pool never touches cost no RAM.
POOL_KB ?= 16384

# `make unix DISPLAY=sdl`: the display in an SDL2 window (build/unix-sdl).
# Only a DISPLAY given on the command line counts (the environment's is X11's).
DISPLAY_ARG = $(if $(filter command line,$(origin DISPLAY)),--display $(DISPLAY))
# `make emulated|emulate BOARD=QEMU_WAMR_LCD|QEMU_WAMR_RV32`: the emulated
# boards (QEMU_*); BOARD otherwise names an ESP32 board (below).
EMU_BOARD = $(if $(filter QEMU_%,$(BOARD)),$(BOARD),QEMU_WAMR)

.PHONY: bench setup deps unix unix-classic unix-sdl asan guests emulated emulated-lcd emulated-all emulate test test-unix test-hil test-asan fuzz spec coverage mutate clean distclean  display-bench lvgl-bench

# Debian packages, pinned sources and Python packages (firmware/deps.lock.json).
setup:
	$(PYTHON) -m scripts deps

deps: setup

# build/unix/micropython: the unix port with the `wasm` and `display` modules
# (headless display; DISPLAY=sdl: build/unix-sdl, an SDL2 window).
unix:
	$(PYTHON) -m scripts build --interp $(INTERP) --pool-kb $(POOL_KB) $(DISPLAY_ARG)

# The same firmware on WAMR's classic interpreter (build/unix-classic).
unix-classic:
	$(PYTHON) -m scripts build --interp classic --pool-kb $(POOL_KB)

# build/unix-asan/micropython: the fast-interpreter firmware with
# AddressSanitizer + UBSan (WAMR allocating from malloc, so ASan sees it).
asan:
	$(PYTHON) -m scripts build --interp fast --pool-kb $(POOL_KB) --asan

# The display in an SDL2 window (build/unix-sdl), = make unix DISPLAY=sdl.
unix-sdl:
	$(PYTHON) -m scripts build --interp $(INTERP) --pool-kb $(POOL_KB) --display sdl

guests:
	$(PYTHON) -m scripts guests

# The emulated boards (scripts/emulated_boards.py): QEMU_WAMR (Cortex-M4F,
# build/emulated) by default, BOARD=QEMU_WAMR_LCD the same with an LCD
# (build/emulated-lcd), BOARD=QEMU_WAMR_RV32 the ESP32-C3's rv32imc
# (build/emulated-rv32).
EMULATED_BOARDS := QEMU_WAMR QEMU_WAMR_LCD QEMU_WAMR_RV32

emulated:
	$(PYTHON) -m scripts emulated --board $(EMU_BOARD) --interp $(BOARD_INTERP)

# Boot an emulated board and open its REPL (the serial pty is printed).
emulate: emulated guests
	$(VENV_PY) -m scripts emulate --board $(EMU_BOARD)

# The bad-input, hostile-guest and WAMR-patch tests, and those of linking
# (globals, references, tables, memories), again on the ASan build:
# any sanitizer report fails them.
SANITIZED_TESTS = host_tests/unix/test_bad_input.py host_tests/unix/test_aot_check.py \
	host_tests/unix/test_wamr_patches.py $(wildcard host_tests/unix/test_hostile_*.py) \
	host_tests/unix/test_ref_values.py host_tests/unix/test_memory_import.py host_tests/unix/test_memory_sharing.py \
	host_tests/unix/test_table_import.py host_tests/unix/test_globals.py \
	host_tests/unix/test_leaf_natives.py host_tests/unix/test_interp_rewrites.py

# Every emulated board, for the hardware-in-loop suite.
emulated-all:
	$(foreach b,$(EMULATED_BOARDS),$(PYTHON) -m scripts emulated --board $(b) --interp $(BOARD_INTERP) &&) true

emulated-lcd:
	$(PYTHON) -m scripts emulated --interp $(BOARD_INTERP) --board QEMU_WAMR_LCD

# LVGL's render benchmark: fps on unix, instructions per frame on the
# emulated LCD board (QEMU -icount), as JSON.
display-bench: unix emulated-lcd
	$(VENV_PY) -m scripts display-bench

# The cost of a guest's call into LVGL (guest/apps/ui_bench.c): ns per call on
# unix, instructions per call on the emulated LCD board, as JSON.
lvgl-bench: unix emulated-lcd guests
	$(VENV_PY) -m scripts lvgl-bench

# The benchmark suite (README "Performance"): the kernels in every mode on
# unix (wall clock) and on the emulated Cortex-M and RISC-V boards
# (instructions), call overheads, load times, pool and flash use, with the
# targets; writes build/bench/results.json, results.md and chart.png. Then
# LVGL's rendering and the bindings' call cost.
bench: unix unix-classic guests display-bench lvgl-bench
	$(VENV_PY) -m scripts bench

# The WASI tests (and the hostile-guest tests, which reach the WASI layer's
# defences) again on a gcov build (build/unix-coverage), with the branch
# floor for wasm_wasi*.c (scripts/coverage.py; about 45 s).
WASI_TESTS := $(wildcard host_tests/unix/test_wasi*.py host_tests/unix/test_hostile_*.py)

# host_tests/ (with the HIL suite on QEMU_WAMR and QEMU_WAMR_LCD), the HIL
# suite again on the RISC-V board, the sanitized tests on the ASan build, the
# WASI coverage floor.
test: unix unix-classic unix-sdl guests emulated-all asan
	$(VENV_PY) -m pytest host_tests -q
	$(VENV_PY) -m pytest host_tests/hil -q --emulated-board QEMU_WAMR_RV32 --aot-target riscv32
	$(VENV_PY) -m pytest $(SANITIZED_TESTS) -q --sanitized
	$(VENV_PY) -m scripts coverage --check $(WASI_TESTS) -k "not classic"

# Each mutant of host_tests/mutants.json (one-line bugs in the sandbox and
# validation checks) built and run against its tests; all must be killed.
# About 10 minutes: run before each release, not in `make test`.
mutate: unix guests
	$(VENV_PY) -m scripts mutate

# gcov build, the whole unix suite on it, per-file line and branch coverage.
coverage: unix unix-classic guests
	$(VENV_PY) -m scripts coverage --check host_tests/unix

test-unix: unix unix-classic unix-sdl guests
	$(VENV_PY) -m pytest host_tests/unix host_tests/tools -q

test-asan: asan guests
	$(VENV_PY) -m pytest $(SANITIZED_TESTS) -q --sanitized

# A longer fuzzing campaign than the one `make test` runs (SEED=..., CASES=...);
# `python -m scripts fuzz --seconds 3600 --seed N` for an hour per mode.
SEED ?= 1
CASES ?= 2000
fuzz: unix unix-classic asan guests aotc
	$(VENV_PY) -m scripts fuzz --cases $(CASES) --seed $(SEED)

# The WebAssembly spec tests (binaryen's test/spec, from make setup) through
# the Python API on the fast and classic interpreters and AOT.
spec: unix unix-classic guests aotc
	$(VENV_PY) -m scripts spec

# The hardware-in-loop suite alone, on an emulated board (BOARD=...; the
# LCD board's tests run with the default one), or on a real one:
# PORT=/dev/ttyUSB0 [AOT_TARGET=riscv32].
test-hil: emulated emulated-lcd guests
	$(VENV_PY) -m pytest host_tests/hil -q $(if $(PORT),--port $(PORT),--emulated-board $(EMU_BOARD)) \
		$(if $(AOT_TARGET),--aot-target $(AOT_TARGET))

clean:
	rm -rf build

distclean: clean
	rm -rf cache

# build/host/aotc: the WAMR AOT compiler (tools/aotc; WAMR 2.4.3 + LLVM 19).
# Compile apps with `python -m scripts aot APP.wasm --target TARGET [--xip]`.
.PHONY: aotc aot
aotc:
	$(PYTHON) -m scripts aot --build-compiler

# make aot APP=app.wasm TARGET=thumbv7em [XIP=1] [OUTPUT=app.aot]
TARGET ?= x86_64
aot:
	$(if $(APP),,$(error APP=path/to/app.wasm is required))
	$(PYTHON) -m scripts aot $(APP) --target $(TARGET) $(if $(XIP),--xip) $(if $(OUTPUT),-o $(OUTPUT))

# --- ESP32 boards (boards/ESP32*_WAMR*) -----------------------------------------
# `make esp32 BOARD=ESP32S3_WAMR_LCD` builds the firmware and data images in
# Docker into build/esp32/$(BOARD); `make esp32-flash PORT=/dev/ttyUSB0`
# writes them (FLASH_ARGS="--erase", "--skip xip", ...).
BOARD ?= ESP32_WAMR
DOCKER ?= docker

.PHONY: esp32 esp32-check esp32-flash

esp32-check:
	$(PYTHON) -m scripts esp32-check

esp32:
	$(DOCKER) build --build-arg BOARD=$(BOARD) \
		$(if $(BOARD_VARIANT),--build-arg BOARD_VARIANT=$(BOARD_VARIANT)) \
		$(if $(WASM_INTERP),--build-arg WASM_INTERP=$(WASM_INTERP)) \
		$(if $(WASMAPPS),--build-arg WASMAPPS=$(WASMAPPS)) \
		$(if $(XTENSA_LLVM),--build-arg XTENSA_LLVM=$(XTENSA_LLVM)) \
		--output type=local,dest=build/esp32/$(BOARD) .

esp32-flash:
	$(if $(PORT),,$(error PORT=/dev/ttyUSB0 (the board's serial port) is required))
	$(VENV_PY) -m scripts flash --port $(PORT) --board $(BOARD) $(FLASH_ARGS)
