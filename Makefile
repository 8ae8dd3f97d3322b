# Entry points. README's set-up is `make setup` then `make test`.
PYTHON ?= python3
VENV_PY := cache/venv/bin/python
INTERP ?= fast
# The boards default to the classic interpreter: the fast one precompiles
# modules into about three times their size of RAM.
BOARD_INTERP ?= classic
POOL_KB ?= 256

.PHONY: setup deps unix unix-classic guests emulated emulate test test-unix test-hil clean distclean

# Debian packages, pinned sources and Python packages (firmware/deps.lock.json).
setup:
	$(PYTHON) -m scripts deps

deps: setup

# build/unix/micropython: the unix port with the `wasm` module.
unix:
	$(PYTHON) -m scripts build --interp $(INTERP) --pool-kb $(POOL_KB)

# The same firmware on WAMR's classic interpreter (build/unix-classic).
unix-classic:
	$(PYTHON) -m scripts build --interp classic --pool-kb $(POOL_KB)

guests:
	$(PYTHON) -m scripts guests

# build/emulated/firmware.elf: the emulated Cortex-M4F board (QEMU mps2-an386).
emulated:
	$(PYTHON) -m scripts emulated --interp $(BOARD_INTERP)

# Boot the emulated board and open its REPL (the serial pty is printed).
emulate: emulated guests
	$(VENV_PY) -m scripts emulate

test: unix unix-classic guests emulated
	$(VENV_PY) -m pytest host_tests -q

test-unix: unix unix-classic guests
	$(VENV_PY) -m pytest host_tests/unix host_tests/tools -q

# The hardware-in-loop suite alone; PORT=/dev/ttyUSB0 runs it on a real board.
test-hil: emulated guests
	$(VENV_PY) -m pytest host_tests/hil -q $(if $(PORT),--port $(PORT))

clean:
	rm -rf build

distclean: clean
	rm -rf cache
