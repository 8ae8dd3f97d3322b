# benchnat.mpy: the kernels as a MicroPython native module, through
# MicroPython's own dynruntime.mk. Driven by scripts/bench_build.py:
#   make -f natmod.mk -C OUTDIR MPY_DIR=... ARCH=x64|armv7emsp|rv32imc \
#        PYTHON=cache/venv/bin/python MPY_LD_FLAGS="-l LIBGCC"
BENCH_DIR := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
MOD = benchnat
SRC = $(BENCH_DIR)natmod.c
# As the wasm build: -O2, and no contraction of a*b+c into fused
# multiply-adds, whose rounding would change the f64 kernel's result.
CFLAGS_EXTRA += -O2 -ffp-contract=off -fno-tree-loop-distribute-patterns
include $(MPY_DIR)/py/dynruntime.mk
