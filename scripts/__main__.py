import os
import sys
from pathlib import Path

from . import paths


def _run_in_venv():
    """`python3 -m scripts ...` with the system Python: every command but
    `deps` (which creates it) runs again under cache/venv, where the pinned
    packages (pyserial, esptool, littlefs-python, mpremote) are."""
    venv_python = paths.VENV / "bin" / "python"
    if sys.argv[1:2] == ["deps"] or not venv_python.exists():
        return
    if Path(sys.prefix).resolve() == paths.VENV.resolve():
        return
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(paths.ROOT), env.get("PYTHONPATH")]))
    os.execve(venv_python, [str(venv_python), "-m", "scripts", *sys.argv[1:]], env)


_run_in_venv()

from .cli import main  # noqa: E402

sys.exit(main())
