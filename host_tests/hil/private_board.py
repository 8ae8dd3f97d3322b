"""An emulated board of a test's own: its own flash image and wasmapps
image, booted and driven over raw REPL. For tests that need apps or files
the session board does not carry (no real board needed).
Test modules import it: `from private_board import boot, exec_on`."""

import subprocess

from scripts import aot, build, emulate, flashfs, xip


def wat_apps(out, wats):
    """Modules written in WAT ({name: text}) built in directory `out` for
    both ways a board runs them: ({'/name.wasm': bytes} for its flash, the
    path of a wasmapps image with their thumbv7em XIP builds)."""
    files, blobs = {}, []
    for name, wat in wats.items():
        (out / f"{name}.wat").write_text(wat)
        subprocess.run(["wat2wasm", str(out / f"{name}.wat"), "-o", str(out / f"{name}.wasm")], check=True)
        files[f"/{name}.wasm"] = (out / f"{name}.wasm").read_bytes()
        blobs.append((name, aot.compile_wasm(out / f"{name}.wasm", "thumbv7em", xip=True,
                                             output=out / f"{name}.aot", quiet=True).read_bytes()))
    image = out / "wasmapps.bin"
    image.write_bytes(xip.pack(blobs))
    return files, image


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
