"""littlefs images for the boards' `/flash`, made and read on the host.

The geometry matches MicroPython's VfsLfs2 on the boards: 4096-byte blocks,
on-disk format 2.1 (the littlefs MicroPython 1.25 ships).
"""

from pathlib import Path

from .progress import ToolError

BLOCK_SIZE = 4096
DISK_VERSION = 0x00020001
DEFAULT_SIZE = 1024 * 1024


def _lfs(block_count, **kw):
    try:
        from littlefs import LittleFS
    except ImportError as exc:
        raise ToolError("littlefs-python is missing: run `make setup`") from exc
    return LittleFS(block_size=BLOCK_SIZE, block_count=block_count, read_size=32, prog_size=32,
                    lookahead_size=32, disk_version=DISK_VERSION, **kw)


def parse_size(text):
    from .partitions import parse_int

    try:
        size = parse_int(str(text), "image size")
    except ValueError as exc:
        raise ToolError(str(exc)) from None
    if size % BLOCK_SIZE or size < 8 * BLOCK_SIZE:
        raise ToolError(f"image size must be a multiple of {BLOCK_SIZE} and at least 32K, not {text}")
    return size


def make_image(files, size=DEFAULT_SIZE):
    """Returns a formatted image holding `files` ({'/dir/name': bytes})."""
    fs = _lfs(size // BLOCK_SIZE)
    from littlefs import errors

    try:
        for name, data in sorted(files.items()):
            parent = str(Path("/" + name.lstrip("/")).parent)
            if parent != "/":
                fs.makedirs(parent, exist_ok=True)
            with fs.open(name, "wb") as f:
                f.write(data)
    except errors.LittleFSError as exc:
        if exc.code != errors.LittleFSError.Error.LFS_ERR_NOSPC:
            raise
        total = sum(len(data) for data in files.values())
        raise ToolError(f"the files ({len(files)}, {total} bytes) do not fit in a {size // 1024}K "
                        "littlefs image: choose a larger --size") from None
    return bytes(fs.context.buffer)


def write_image(path, files, size=DEFAULT_SIZE):
    image = make_image(files, size)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(image)
    return image


def _mount(path):
    data = Path(path).read_bytes()
    if len(data) % BLOCK_SIZE:
        raise ToolError(f"{path}: size {len(data)} is not a multiple of {BLOCK_SIZE}")
    fs = _lfs(len(data) // BLOCK_SIZE, mount=False)
    fs.context.buffer = bytearray(data)
    try:
        fs.mount()
    except Exception as exc:
        raise ToolError(f"{path}: not a littlefs image ({exc})") from exc
    return fs


def list_image(path):
    """Returns [(path, size)] of every file in the image, sorted."""
    fs = _mount(path)
    found = []
    for root, _dirs, names in fs.walk("/"):
        for name in names:
            full = root.rstrip("/") + "/" + name
            found.append((full, fs.stat(full).size))
    return sorted(found)


def read_file(path, name):
    fs = _mount(path)
    with fs.open(name, "rb") as f:
        return f.read()
