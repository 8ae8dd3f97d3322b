# Frozen into the emulated RISC-V board's firmware: the same boot code as the
# Cortex-M board (mounts the littlefs flash at /flash).
freeze("$(BOARD_DIR)/../QEMU_WAMR/modules", "_boot.py")
