# Frozen into the emulated LCD board's firmware: QEMU_WAMR's boot code.
freeze("$(BOARD_DIR)/../QEMU_WAMR/modules", "_boot.py")
