"""`python -m scripts emulate --run` and the flash image tools."""

import subprocess
import sys

from scripts import flashfs, paths


def _scripts(*args, **kw):
    return subprocess.run([sys.executable, "-m", "scripts", *args], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=180, **kw)


def test_run_script_exit_status(tmp_path):
    image = tmp_path / "flash.img"
    flashfs.write_image(image, {"/hello.wasm": (paths.BUILD / "guest" / "hello.wasm").read_bytes()},
                        256 * 1024)
    ok = tmp_path / "ok.py"
    ok.write_text("import io, wasm\nprint(wasm.run('hello.wasm', ('q',), stdin=io.BytesIO(),"
                  " stdout=io.BytesIO(), stderr=io.BytesIO()))\n")
    proc = _scripts("emulate", "--run", str(ok), "--image", str(image))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "1"

    bad = tmp_path / "bad.py"
    bad.write_text("print('before')\nraise ValueError('on the board')\n")
    proc = _scripts("emulate", "--run", str(bad), "--image", str(image))
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1] == "before"
    assert "ValueError: on the board" in proc.stderr


def test_mkfs_and_lsfs_round_trip(tmp_path):
    app = tmp_path / "app.wasm"
    app.write_bytes(b"\0asm\x01\0\0\0")
    image = tmp_path / "img.bin"
    proc = _scripts("mkfs", "-o", str(image), "--size", "64K", f"{app}:/apps/one.wasm", str(app))
    assert proc.returncode == 0, proc.stderr
    assert image.stat().st_size == 64 * 1024
    proc = _scripts("lsfs", str(image))
    assert proc.stdout.split() == ["8", "/app.wasm", "8", "/apps/one.wasm"]
    assert flashfs.read_file(image, "/apps/one.wasm") == b"\0asm\x01\0\0\0"


def test_mkfs_rejects_bad_sizes_and_lsfs_bad_images(tmp_path):
    proc = _scripts("mkfs", "-o", str(tmp_path / "x.img"), "--size", "1000")
    assert proc.returncode == 1
    assert "image size must be a multiple of 4096 and at least 32K, not 1000" in proc.stderr
    junk = tmp_path / "junk.img"
    junk.write_bytes(b"\xff" * 65536)
    proc = _scripts("lsfs", str(junk))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: {junk}: not a littlefs image")


def test_bad_arguments_are_errors_not_tracebacks(tmp_path):
    missing = tmp_path / "missing.bin"
    app = tmp_path / "app.wasm"
    app.write_bytes(b"\0asm\x01\0\0\0")
    cases = [
        (("mkfs", "-o", tmp_path / "a.img", "--size", "abc", app), "error: image size 'abc' is not a number"),
        (("mkfs", "-o", tmp_path / "a.img", "--size", "64K", missing),
         f"error: [Errno 2] No such file or directory: '{missing}'"),
        (("lsfs", missing), f"error: [Errno 2] No such file or directory: '{missing}'"),
        (("xip-list", missing), f"error: [Errno 2] No such file or directory: '{missing}'"),
    ]
    for args, message in cases:
        proc = _scripts(*map(str, args))
        assert (proc.returncode, proc.stderr.strip().splitlines()[-1]) == (1, message), proc.stderr
        assert "Traceback" not in proc.stderr
