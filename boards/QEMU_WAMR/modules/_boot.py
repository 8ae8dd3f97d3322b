# Runs after every (soft) reset: mount the board's littlefs flash at /flash.
import sys
import vfs

import board

try:
    _bdev = board.Flash()
except OSError as _e:
    print("board: no flash image, /flash not mounted:", _e)
else:
    try:
        vfs.mount(vfs.VfsLfs2(_bdev), "/flash")
    except OSError:
        # Blank or corrupt image: format it, as a fresh device would be.
        vfs.VfsLfs2.mkfs(_bdev)
        vfs.mount(vfs.VfsLfs2(_bdev), "/flash")
    import os

    os.chdir("/flash")
    sys.path.append("/flash/lib")
    del os, _bdev
del sys, vfs, board
