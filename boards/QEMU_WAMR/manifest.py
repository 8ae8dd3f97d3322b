# Frozen into the emulated board's firmware.
freeze("$(BOARD_DIR)/modules", "_boot.py")
