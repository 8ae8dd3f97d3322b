"""An emulated board of a test's own: its own flash image and wasmapps
image, booted and driven over raw REPL. For tests that need apps or files
the session board does not carry (no real board needed).
Test modules import it: `from private_board import boot, exec_on`."""

from scripts import build, emulate, flashfs


def boot(tmp_path, apps, board, files):
    """An emulator of `board` with `files` ({'/name': bytes}) in /flash and
    the wasmapps image `apps`; returns (emulator, flash image path)."""
    image = tmp_path / "flash.img"
    flashfs.write_image(image, files)
    firmware = build.emulated_build_dir(board) / "firmware.elf"
    assert firmware.exists(), f"{firmware} is missing: run `make emulated BOARD={board}`"
    return emulate.Emulator(firmware=firmware, image=image, apps=apps, board=board,
                            panel=tmp_path / "panel.bin"), image


def exec_on(emu, code, timeout=600):
    """Runs `code` on the booted board; its printed lines (stderr must be empty)."""
    out, err = emulate.raw_exec(emu.port, code, timeout)
    assert err == "", err
    return out.replace("\r\n", "\n").splitlines()
