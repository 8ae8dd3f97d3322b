# Runs after every (soft) reset: mount the board's littlefs flash at /flash.
# A flash this firmware cannot mount is never formatted here: it may be
# damaged, or fine but made for other settings, and still hold the only copy
# of someone's files. Formatting is a deliberate command (see the message).
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
    except OSError as _e:
        print("board: /flash not mounted: the flash image is not a littlefs this firmware can read", _e)
        print("board: the image was left untouched. To erase it and start an empty /flash:")
        print("board:   import vfs, board; vfs.VfsLfs2.mkfs(board.Flash()); vfs.mount(vfs.VfsLfs2(board.Flash()), '/flash')")
    else:
        import os

        os.chdir("/flash")
        sys.path.append("/flash/lib")
        del os
    del _bdev
del sys, vfs, board
