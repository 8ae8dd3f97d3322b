"""What a new user meets first: README commands that work verbatim after
`make setup` with the system python3, tools that never create or replace a
user's flash image by accident nor leave QEMU behind, a board that never
formats /flash by itself, and one-line errors."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts import cli, emulated_boards, flashfs, paths

README = (paths.ROOT / "README.md").read_text()
SYSTEM_PYTHON = "/usr/bin/python3"


def _scripts(*args, python=sys.executable, **kw):
    return subprocess.run([python, "-m", "scripts", *map(str, args)], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=300, **kw)


def _system_env():
    """The environment of a shell that never activated cache/venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    return env


def _code_blocks(text):
    return re.findall(r"```[a-z]*\n(.*?)```", text, re.S)


def test_system_python3_runs_the_tools_in_the_venv(tmp_path):
    """`python3 -m scripts lsfs` needs littlefs-python, which only cache/venv has."""
    image = tmp_path / "img"
    flashfs.write_image(image, {"/app.wasm": b"\0asm\x01\0\0\0"}, 64 * 1024)
    proc = _scripts("lsfs", image, python=SYSTEM_PYTHON, env=_system_env())
    assert (proc.returncode, proc.stdout.split(), proc.stderr) == (0, ["8", "/app.wasm"], "")
    proc = _scripts("--help", python=SYSTEM_PYTHON, env=_system_env())
    assert proc.stdout.startswith("usage: python3 -m scripts ")


def test_readme_commands_exist_as_written():
    blocks = "\n".join(_code_blocks(README))
    inline = re.findall(r"`([^`\n]+)`", README)
    everything = blocks + "\n" + "\n".join(inline)
    # A clean Debian has no `python`: python3, or the venv's interpreter by path.
    assert not re.findall(r"(?<![/\w])python -m", everything)
    # mpremote is only in the venv: every command that runs it says where.
    runs = re.findall(r"(?m)(?:^|[\s(`])((?:\S*/)?mpremote) (?:connect|cp|exec|repl)", everything)
    assert runs and set(runs) == {"cache/venv/bin/mpremote"}, runs
    assert (paths.ROOT / "cache/venv/bin/mpremote").exists()
    # Every `python3 -m scripts X` names a real command.
    commands = set(re.findall(r"python3 -m scripts ([a-z0-9-]+)", everything))
    known = set(cli.make_parser()._subparsers._group_actions[0].choices)
    assert commands and commands <= known, commands - known


def test_readme_quick_start_runs_as_shown_without_console_input():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = next(b for b in _code_blocks(section) if ">>> " in b)
    lines = block.splitlines()
    code, expected = [], []
    for line in lines[1:]:
        if line.startswith(">>> "):
            stmt = line[4:]
            code.append(stmt if stmt.startswith("import ") else f"print({stmt})")
        else:
            expected.append(line)
    assert lines[0] == "./build/unix/micropython" and "..." in expected
    script = paths.BUILD / "quick_start_test.py"
    script.write_text("\n".join(code) + "\n")
    # A console that never sends EOF: a guest reading it would hang here.
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.run([str(paths.BUILD / "unix" / "micropython"), str(script)], cwd=paths.ROOT,
                              stdin=read_end, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=60, text=True)
    finally:
        os.close(read_end)
        os.close(write_end)
        script.unlink()
    out = proc.stdout.splitlines()
    cut = expected.index("...")
    head, tail = expected[:cut], expected[cut + 1:]
    assert out[:len(head)] == head and out[len(out) - len(tail):] == tail, out


def _image_with(tmp_path, name, files):
    image = tmp_path / name
    flashfs.write_image(image, files, 256 * 1024)
    return image


def test_emulate_never_creates_or_replaces_a_users_image(tmp_path):
    typo = tmp_path / "typo.img"
    proc = _scripts("emulate", "--image", typo, "--no-repl")
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"error: flash image {typo} does not exist (--fresh creates it with the demo apps; "
        "`python3 -m scripts mkfs` makes one with other files)"]
    assert not typo.exists()

    mine = _image_with(tmp_path, "mine.img", {"/precious.txt": b"mine"})
    before = mine.read_bytes()
    script = tmp_path / "ls.py"
    script.write_text("import os\nprint(sorted(os.listdir()))\n")
    proc = _scripts("emulate", "--fresh", "--image", mine, "--run", script)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"error: {mine} exists: --fresh would replace it with the demo apps; add --overwrite to do that"]
    assert mine.read_bytes() == before

    new = tmp_path / "new.img"
    proc = _scripts("emulate", "--fresh", "--image", new, "--run", script)
    assert proc.returncode == 0, proc.stderr
    assert "hello.wasm" in proc.stdout.splitlines()[-1]
    proc = _scripts("emulate", "--fresh", "--overwrite", "--image", mine, "--run", script)
    assert proc.returncode == 0, proc.stderr
    assert "precious.txt" not in proc.stdout and "hello.wasm" in proc.stdout.splitlines()[-1]


def _children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_sigterm_to_emulate_stops_qemu(tmp_path):
    image = _image_with(tmp_path, "flash.img", {"/a.txt": b"a"})
    proc = subprocess.Popen([sys.executable, "-m", "scripts", "emulate", "--no-repl", "--image", str(image)],
                            cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        deadline = time.monotonic() + 120
        while not any("connect with:" in line for line in seen):
            assert time.monotonic() < deadline and proc.poll() is None, (seen, proc.stderr.read())
            seen.append(proc.stdout.readline())
        qemu = [pid for pid in _children(proc.pid) if "qemu" in Path(f"/proc/{pid}/comm").read_text()]
        assert len(qemu) == 1
        hint = next(line for line in seen if "connect with:" in line).split("connect with: ", 1)[1].split()
        assert hint[0] == "cache/venv/bin/mpremote" and hint[1] == "connect" and hint[2].startswith("/dev/pts/")
        assert (paths.ROOT / hint[0]).exists()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 128 + signal.SIGTERM
        assert not Path(f"/proc/{qemu[0]}").exists()
    finally:
        proc.kill()
        proc.wait()
        for pid in _children(proc.pid):
            os.kill(pid, signal.SIGKILL)


BOOT_CHECK = """
import os
print('flash' in os.listdir('/'))
import _boot
"""


@pytest.mark.parametrize("board", sorted(emulated_boards.BOARDS))
def test_board_refuses_to_format_an_unreadable_flash(tmp_path, board):
    """A zeroed superblock, and a sound littlefs made with another block size:
    /flash stays unmounted, the board explains, the image is unchanged (every
    emulated board freezes the same boot code)."""
    from littlefs import LittleFS

    zeroed = _image_with(tmp_path, "zeroed.img", {"/keep.txt": b"keep" * 100})
    data = bytearray(zeroed.read_bytes())
    data[:2 * flashfs.BLOCK_SIZE] = bytes(2 * flashfs.BLOCK_SIZE)
    zeroed.write_bytes(data)
    fs = LittleFS(block_size=512, block_count=512, disk_version=flashfs.DISK_VERSION)
    with fs.open("/other.txt", "wb") as f:
        f.write(b"made elsewhere")
    foreign = tmp_path / "foreign.img"
    foreign.write_bytes(bytes(fs.context.buffer))
    script = tmp_path / "check.py"
    script.write_text(BOOT_CHECK)
    for image in (zeroed, foreign):
        before = image.read_bytes()
        proc = _scripts("emulate", "--board", board, "--image", image, "--run", script)
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout.splitlines()
        assert out[0] == "False"
        assert out[1].startswith("board: /flash not mounted: the flash image is not a littlefs "
                                 "this firmware can read")
        assert out[2:] == [
            "board: the image was left untouched. To erase it and start an empty /flash:",
            "board:   import vfs, board; vfs.VfsLfs2.mkfs(board.Flash()); "
            "vfs.mount(vfs.VfsLfs2(board.Flash()), '/flash')",
        ]
        assert image.read_bytes() == before


def test_the_explicit_format_command_works(tmp_path):
    image = tmp_path / "blank.img"
    image.write_bytes(bytes(256 * 1024))
    script = tmp_path / "format.py"
    script.write_text("import vfs, board, os\nvfs.VfsLfs2.mkfs(board.Flash())\n"
                      "vfs.mount(vfs.VfsLfs2(board.Flash()), '/flash')\n"
                      "with open('/flash/new.txt', 'w') as f:\n    f.write('formatted')\n"
                      "print(os.listdir('/flash'))\n")
    proc = _scripts("emulate", "--image", image, "--run", script)
    assert (proc.returncode, proc.stdout.splitlines()[-1]) == (0, "['new.txt']"), proc.stderr
    assert flashfs.read_file(image, "/new.txt") == b"formatted"


def test_mkfs_with_files_that_do_not_fit_is_one_error_line(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(70000))
    out = tmp_path / "small.img"
    proc = _scripts("mkfs", "-o", out, "--size", "32K", big)
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        1, "", "error: the files (1, 70000 bytes) do not fit in a 32K littlefs image: choose a larger --size\n")
    assert not out.exists()
