# The port's manifest freezes the boot code (_boot.py, inisetup.py,
# flashbdev.py) that mounts the `vfs` littlefs partition, plus asyncio and
# the usual micropython-lib packages.
include("$(PORT_DIR)/boards/manifest.py")
