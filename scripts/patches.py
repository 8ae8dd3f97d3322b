"""The project's own patch series against pinned upstream code.

Each fix is one file, firmware/patches/<dependency>/NNNN-<slug>.patch: a
header saying what it fixes, why and how it was tested, then a unified diff
against the dependency's tree (`-p1`). The lock file lists every patch with
its sha256; `make setup` verifies the dependency, then the patch, then
applies the series in order. The Dockerfile runs the same code:

    python3 -m scripts.patches DEPENDENCY TREE
"""

import subprocess
import sys
from pathlib import Path

from . import paths
from .progress import ToolError, info

PATCH_DIR = paths.ROOT / "firmware" / "patches"


def series(lock, dependency):
    """[(Path, sha256)] of the dependency's patches, in the lock file's order."""
    entries = lock.get("patches", {}).get(dependency, [])
    return [(PATCH_DIR / dependency / e["file"], e["sha256"]) for e in entries]


def describe(lock, dependency):
    """A stamp fragment: changes whenever the series changes."""
    return [[path.name, digest] for path, digest in series(lock, dependency)]


def apply(lock, dependency, tree):
    """Verifies and applies the dependency's series to `tree` (pristine)."""
    from .deps import verify

    tree = Path(tree)
    for path, digest in series(lock, dependency):
        if not path.is_file():
            raise ToolError(f"patch {path.relative_to(paths.ROOT)} is in the lock file but missing")
        verify(path, digest, f"patch for {dependency}")
        result = subprocess.run(
            ["patch", "-p1", "--forward", "--batch", "--no-backup-if-mismatch",
             "-d", str(tree), "-i", str(path)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            raise ToolError(f"patch {path.name} does not apply to {tree}:\n{result.stdout.strip()}")
        info(f"patched {dependency}: {path.name}")


def main(argv=None):
    from .deps import load_lock

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python3 -m scripts.patches DEPENDENCY TREE", file=sys.stderr)
        return 2
    try:
        apply(load_lock(), argv[0], argv[1])
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
