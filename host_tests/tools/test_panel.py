"""The emulated LCD panel's host file (scripts/panel.py), the screenshot
tool and the emulated-board records: without booting a board."""

import struct
import subprocess
import sys

import pytest

from scripts import emulate, emulated_boards, panel, paths
from scripts.progress import ToolError


def _scripts(*args):
    return subprocess.run([sys.executable, "-m", "scripts", *args], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=120)


def write_frame(path, pixels, width=4, height=2, seq=2, powered=1, backlight=70):
    head = struct.pack("<8sHHHBBI", b"MPYPANEL", width, height, 1, backlight, powered, seq)
    path.write_bytes(head.ljust(panel.HEADER, b"\0") + struct.pack(f"<{len(pixels)}H", *pixels))


def test_blank_panel_and_a_written_frame(tmp_path):
    path = panel.create(tmp_path / "p.bin", 240, 320)
    assert path.stat().st_size == 32 + 240 * 320 * 2
    frame = panel.read(path)
    assert (frame.width, frame.height, frame.powered, frame.backlight, frame.sequence) == \
        (240, 320, False, 0, 0)
    # Pure red, green, blue, white, black and one mid value: 565 -> 888 by
    # bit replication, as the firmware's PNG writer does.
    write_frame(tmp_path / "f.bin", [0xF800, 0x07E0, 0x001F, 0xFFFF, 0x0000, 0x8410, 0x0841, 0x1234])
    frame = panel.read(tmp_path / "f.bin")
    assert (frame.powered, frame.backlight) == (True, 70)
    image = frame.image()
    assert image.size == (4, 2)
    assert [image.getpixel((x, y)) for y in range(2) for x in range(4)] == [
        (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255),
        (0, 0, 0), (132, 130, 132), (8, 8, 8), (16, 69, 165)]


def test_screenshot_tool_writes_the_frame_and_refuses_an_unpowered_panel(tmp_path):
    write_frame(tmp_path / "on.bin", [0xF800] * 8)
    proc = _scripts("screenshot", str(tmp_path / "out.png"), "--panel", str(tmp_path / "on.bin"))
    assert proc.returncode == 0, proc.stderr
    assert "out.png: 4x2" in proc.stdout and "backlight 70%" in proc.stdout
    from PIL import Image

    with Image.open(tmp_path / "out.png") as im:
        assert (im.format, im.size, im.getpixel((3, 1))) == ("PNG", (4, 2), (255, 0, 0))

    write_frame(tmp_path / "off.bin", [0] * 8, powered=0)
    proc = _scripts("screenshot", str(tmp_path / "x.png"), "--panel", str(tmp_path / "off.bin"))
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: {tmp_path / 'off.bin'}: the panel is off: " \
                                  "run display.init() on the board first"
    proc = _scripts("screenshot", str(tmp_path / "x.png"), "--panel", str(tmp_path / "none.bin"))
    assert proc.returncode == 1
    assert "is the emulated LCD board running (make emulate BOARD=QEMU_WAMR_LCD)?" in proc.stderr


def test_bad_panel_files_are_errors(tmp_path):
    (tmp_path / "short.bin").write_bytes(b"MPYPANEL")
    with pytest.raises(ToolError, match="not a panel file \\(too short\\)"):
        panel.read(tmp_path / "short.bin")
    (tmp_path / "other.bin").write_bytes(b"\0" * 64)
    with pytest.raises(ToolError, match="not a panel file of the emulated LCD board"):
        panel.read(tmp_path / "other.bin")
    write_frame(tmp_path / "cut.bin", [0] * 3)
    with pytest.raises(ToolError, match="truncated panel file"):
        panel.read(tmp_path / "cut.bin")


def test_a_frame_being_written_is_waited_for(tmp_path):
    # An odd sequence number: the board is in the middle of a frame.
    write_frame(tmp_path / "busy.bin", [0] * 8, seq=5)
    with pytest.raises(ToolError, match="kept writing frames"):
        panel.read(tmp_path / "busy.bin", timeout=0.3)


def test_emulated_boards_and_their_qemu_command(tmp_path):
    assert emulated_boards.get().name == "QEMU_WAMR"
    with pytest.raises(ToolError, match="unknown emulated board 'NOPE' \\(boards: QEMU_WAMR, QEMU_WAMR_LCD, QEMU_WAMR_RV32\\)"):
        emulated_boards.get("NOPE")
    lcd = emulated_boards.get("QEMU_WAMR_LCD")
    assert lcd.panel == (240, 320) and lcd.build_dir == paths.BUILD / "emulated-lcd"
    emu = emulate.Emulator(image=tmp_path / "f.img", board="QEMU_WAMR_LCD", panel=tmp_path / "p.bin",
                           icount=True)
    cmd = emu.command()
    semihosting = cmd[cmd.index("-semihosting-config") + 1]
    assert semihosting.endswith(f"arg=firmware,arg={tmp_path / 'f.img'},arg={tmp_path / 'p.bin'}")
    assert cmd[cmd.index("-icount") + 1] == "shift=0"
    assert cmd[cmd.index("-kernel") + 1] == str(paths.BUILD / "emulated-lcd" / "firmware.elf")
    plain = emulate.Emulator(image=tmp_path / "f.img").command()
    assert "-icount" not in plain and plain[plain.index("-semihosting-config") + 1].count("arg=") == 2
