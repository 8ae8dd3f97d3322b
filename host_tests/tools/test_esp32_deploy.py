"""`python -m scripts deploy` and `esp32-images`: argument checks, the
mpremote invocation, deployment to the emulated board (QEMU) end to end, and
`deploy --xip` flashing only the wasmapps partition of a mock ESP32."""

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import deploy, emulate, emulated_boards, esp32, flash, flashfs, paths, xip
from scripts.progress import ToolError
from esp_mock import MOCK, MockFlash
from test_esp32_flash import make_images, wasmapps_image

GUEST = paths.BUILD / "guest"
EMULATED = emulated_boards.get()
FIRMWARE = EMULATED.build_dir / "firmware.elf"


def run_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "scripts", *map(str, args)], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def apps(tmp_path):
    a = tmp_path / "a.wasm"
    a.write_bytes(b"\0asm\1\0\0\0" + bytes(100))
    b = tmp_path / "b.aot"
    b.write_bytes(b"\0aot\4\0\0\0" + bytes(200))
    return [a, b]


# --- argument checks ---------------------------------------------------------------------

def test_apps_must_exist_and_be_wasm_or_aot(tmp_path, apps):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ToolError) as exc:
        deploy.check_apps([*apps, tmp_path / "missing.wasm", text])
    msg = str(exc.value)
    assert "nothing was copied" in msg
    assert f"{tmp_path / 'missing.wasm'}: no such file" in msg
    assert f"{text}: not a .wasm module or WAMR AOT file" in msg
    assert deploy.check_apps(apps) == apps


def test_two_apps_with_one_name_are_refused(tmp_path, apps):
    (tmp_path / "sub").mkdir()
    other = tmp_path / "sub" / "a.wasm"
    other.write_bytes(apps[0].read_bytes())
    with pytest.raises(ToolError, match="same name on the board: a.wasm"):
        deploy.check_apps([apps[0], other])


def test_cli_refuses_bad_input_before_touching_the_port(tmp_path, apps):
    result = run_cli("deploy", "--port", "/dev/ttyNOSUCH", tmp_path / "missing.wasm")
    assert result.returncode == 1 and "no such file" in result.stderr
    result = run_cli("deploy", "--port", "/dev/ttyNOSUCH", *apps)
    assert result.returncode == 1 and "serial port /dev/ttyNOSUCH does not exist" in result.stderr
    result = run_cli("deploy", "--port", "/dev/ttyNOSUCH", "--xip", *apps)
    assert result.returncode == 1 and "--xip needs --board" in result.stderr
    result = run_cli("deploy", "--port", "/dev/ttyNOSUCH")
    assert result.returncode == 2       # argparse: apps are required


def test_mpremote_command_copies_then_checks_sizes(apps):
    cmd = deploy.mpremote_command("/dev/ttyUSB0", apps)
    assert cmd[:6] == [sys.executable, "-m", "mpremote", "connect", "/dev/ttyUSB0", "cp"]
    assert cmd[6:8] == [str(a) for a in apps]
    assert cmd[8] == ":"                 # the board's current directory
    assert cmd[9:11] == ["+", "exec"]
    code = cmd[11]
    compile(code, "<deploy check>", "exec")
    assert "('a.wasm', 108)" in code and "('b.aot', 208)" in code
    cmd = deploy.mpremote_command("/dev/ttyUSB0", apps, dest="/flash")
    assert cmd[8] == ":/flash/" and "('/flash/a.wasm', 108)" in cmd[11]
    assert deploy.mpremote_command("p", apps, dest=":lib/")[8] == ":lib/"


# --- the data images -------------------------------------------------------------------------

def test_esp32_images_makes_a_littlefs_of_the_partition_size(tmp_path, apps):
    made = deploy.make_images("ESP32C3_WAMR", apps, tmp_path, xip=False)
    assert made == [tmp_path / "vfs.img"]
    vfs = esp32.load_board("ESP32C3_WAMR").partition("vfs")
    assert (tmp_path / "vfs.img").stat().st_size == vfs.size
    listing = flashfs.list_image(tmp_path / "vfs.img")
    assert listing[1:] == [("/flash/a.wasm", 108), ("/flash/b.aot", 208)]
    assert listing[0][0] == "/boot.py"
    boot = flashfs.read_file(tmp_path / "vfs.img", "/boot.py").decode()
    assert 'os.chdir("/flash")' in boot
    compile(boot, "boot.py", "exec")
    assert flash.littlefs_geometry((tmp_path / "vfs.img").read_bytes()) == (4096, vfs.size // 4096)


def fake_pack(calls, image):
    """Stands in for xip.pack_files (the apps here are not real modules)."""
    def pack_files(files, output, target=None):
        calls.append(([str(f) for f in files], Path(output), target))
        Path(output).write_bytes(image)
        return image
    return pack_files


def test_wasmapps_image_is_packed_for_the_chip(tmp_path, apps, monkeypatch):
    calls = []
    monkeypatch.setattr(xip, "pack_files", fake_pack(calls, b"WAPP" + bytes(60)))
    deploy.make_images("ESP32C3_WAMR", apps, tmp_path)
    assert calls == [([str(a) for a in apps], tmp_path / "wasmapps.bin", "riscv32")]
    deploy.make_images("ESP32S3_WAMR_LCD", apps, tmp_path)
    assert calls[1][2] == "xtensa-esp32s3"


def test_wasmapps_image_larger_than_the_partition(tmp_path, apps, monkeypatch):
    size = esp32.load_board("ESP32_WAMR").partition("wasmapps").size
    monkeypatch.setattr(xip, "pack_files", fake_pack([], bytes(size + 1)))
    with pytest.raises(ToolError, match=f"larger than the {size}-byte `wasmapps` partition"):
        deploy.make_images("ESP32_WAMR", apps, tmp_path)


# --- deploy --xip: only the wasmapps partition is written -------------------------------------

@pytest.mark.skipif(not MOCK.exists(), reason="esp32-mock-bootloader not installed")
def test_deploy_xip_flashes_only_the_wasmapps_partition(tmp_path, apps, monkeypatch, mock_bootloader):  # noqa: F811
    board = make_images(tmp_path / "out", "ESP32_WAMR")
    image = wasmapps_image("xtensa", random.Random(3))
    monkeypatch.setattr(xip, "pack_files", fake_pack([], image))
    url = mock_bootloader("esp32")
    deploy.deploy_xip(url, "ESP32_WAMR", apps, build_dir=tmp_path / "out")
    mock = MockFlash(url)
    part = board.partition("wasmapps")
    assert mock.read(part.offset, len(image)) == image
    assert (tmp_path / "out" / "wasmapps.bin").read_bytes() == image
    # Firmware, table and filesystem untouched.
    assert mock.is_erased(0, part.offset)
    assert mock.is_erased(part.end, board.flash_size - part.end)


def test_deploy_xip_that_cannot_compile_writes_nothing(tmp_path, apps, monkeypatch):
    def fail(files, output, target=None):
        raise ToolError("AOT compilation of app1.wasm for xtensa failed")
    monkeypatch.setattr(xip, "pack_files", fail)
    monkeypatch.setattr(flash, "connect", lambda *a, **k: pytest.fail("connected"))
    with pytest.raises(ToolError, match="AOT compilation of app1.wasm for xtensa failed"):
        deploy.deploy_xip("/dev/null", "ESP32_WAMR", apps, build_dir=tmp_path)


# --- deploy to the emulated board ---------------------------------------------------------------

@pytest.mark.skipif(not FIRMWARE.exists() or shutil.which(EMULATED.qemu) is None,
                    reason="needs the emulated board (make emulated) and qemu-system-arm")
def test_deploy_to_the_emulated_board(tmp_path):
    apps = sorted(GUEST.glob("*.wasm"))[:2] if GUEST.is_dir() else []
    if len(apps) < 2:
        pytest.skip("guest apps not built (make guests)")
    image = tmp_path / "flash.img"
    flashfs.write_image(image, {}, flashfs.DEFAULT_SIZE)
    with emulate.Emulator(image=image) as emu:
        # A safety net, not a timing target: on a loaded machine the
        # emulated UART is slow (180 s ran out next to four other test runs).
        result = run_cli("deploy", "--port", emu.port, *apps, timeout=900)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{len(apps)} app(s) deployed" in result.stdout
        repl = emulate.RawRepl(emu.port)
        try:
            repl.enter()
            out, err = repl.exec("import os\nprint(sorted(os.listdir()))")
        finally:
            repl.close()
    assert err == ""
    assert all(a.name in out for a in apps)
    # What the board wrote is in its littlefs image, at the filesystem root.
    assert flashfs.list_image(image) == [(f"/{a.name}", a.stat().st_size) for a in apps]


# --- vfs.img as the ESP32 port mounts it --------------------------------------------------------

UNIX_FW = paths.BUILD / "unix" / "micropython"

MOUNT_AS_ESP32 = """\
import vfs, os

class Partition:
    # esp32.Partition as a block device: 4096-byte blocks, littlefs ioctls.
    def __init__(self, data):
        self.data = bytearray(data)
    def readblocks(self, n, buf, off=0):
        start = n * 4096 + off
        buf[:] = self.data[start:start + len(buf)]
    def writeblocks(self, n, buf, off=None):
        start = n * 4096 + (off or 0)
        self.data[start:start + len(buf)] = buf
    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // 4096
        if op == 5:
            return 4096
        if op == 6:
            return 0

bdev = Partition(open(IMAGE, 'rb').read())
vfs.umount('/')
vfs.mount(vfs.VfsLfs2(bdev), '/')      # what the port's _boot.py does
exec(open('/boot.py').read())
print(os.getcwd())
print(sorted(os.listdir()))
print(os.stat('a.wasm')[6])
"""


@pytest.mark.skipif(not UNIX_FW.exists(), reason="needs the unix firmware (make unix)")
def test_vfs_image_mounts_in_micropython_and_boots_into_flash(tmp_path, apps):
    deploy.make_images("ESP32_WAMR", apps, tmp_path, xip=False)
    script = tmp_path / "mount.py"
    script.write_text(f"IMAGE = {str(tmp_path / 'vfs.img')!r}\n" + MOUNT_AS_ESP32)
    result = subprocess.run([str(UNIX_FW), "-X", "heapsize=8M", str(script)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["/flash", "['a.wasm', 'b.aot']", "108"]


def test_default_apps_put_real_programs_only_where_they_run(guest_dir):
    # Lua and minigzip go into the vfs image of a board whose WAMR pool runs
    # them (the S3's 1 MB of PSRAM), never into a wasmapps image by default.
    names = {b: [a.name for a in deploy.default_apps(esp32.load_board(b))]
             for b in ("ESP32_WAMR", "ESP32C3_WAMR", "ESP32S3_WAMR_LCD")}
    demos = [a.name for a in deploy.default_apps()]
    assert "lua.wasm" not in demos and "minigzip.wasm" not in demos and "kernels.wasm" in demos
    assert names["ESP32_WAMR"] == names["ESP32C3_WAMR"] == [d for d in demos if not d.startswith("ui_")]
    assert names["ESP32S3_WAMR_LCD"] == sorted(demos + ["lua.wasm", "minigzip.wasm"])


def test_default_apps_leave_out_test_guests_and_lvgl_apps_without_a_display(tmp_path, monkeypatch):
    guests = tmp_path / "guest"
    guests.mkdir()
    for name in ("hello", "ui_counter", "ui_hostile", "ui_bench", "lvgl_calls_0", "lvgl_fuzz_3"):
        (guests / f"{name}.wasm").write_bytes(b"\0asm\x01\0\0\0")
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    names = {b: [p.name for p in deploy.default_apps(esp32.load_board(b))]
             for b in ("ESP32S3_WAMR_LCD", "ESP32C3_WAMR", "ESP32_WAMR")}
    assert names == {"ESP32S3_WAMR_LCD": ["hello.wasm", "ui_counter.wasm"],
                     "ESP32C3_WAMR": ["hello.wasm"], "ESP32_WAMR": ["hello.wasm"]}
