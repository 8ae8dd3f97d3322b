# Entry points. README's set-up is `make setup` then `make test`.
PYTHON ?= python3
VENV_PY := cache/venv/bin/python
INTERP ?= fast
POOL_KB ?= 256

.PHONY: setup deps unix unix-classic guests test test-unix clean distclean

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

test: unix unix-classic guests
	$(VENV_PY) -m pytest host_tests -q

clean:
	rm -rf build

distclean: clean
	rm -rf cache
