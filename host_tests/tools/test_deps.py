"""The dependency tool: lock file contents, verification and clear failures."""

import subprocess
import sys

import pytest

from scripts import deps, paths
from scripts.progress import ToolError


@pytest.fixture
def lock():
    return deps.load_lock()


def test_lock_pins_every_source_with_version_and_sha256(lock):
    sources = lock["sources"]
    assert sources["micropython"]["debian_version"] == "1.25.0+ds-1"
    assert sources["micropython"]["suite"] == "trixie"
    assert all(len(h) == 64 for h in sources["micropython"]["files"].values())
    assert sources["wamr"]["crate"] == "wamrx-sys"
    assert sources["wamr"]["crate_version"] == "0.3.0"
    assert sources["wamr"]["version"] == "2.4.3"
    assert sources["lvgl"]["crate"] == "lightvgl-sys"
    for src in (sources["wamr"], sources["lvgl"]):
        assert len(src["sha256"]) == 64


def test_lock_lists_toolchains_and_python_packages(lock):
    for pkg in ("clang", "lld", "wasi-libc", "libclang-rt-14-dev-wasm32", "wabt", "llvm-19-dev",
                "gcc-arm-none-eabi", "libnewlib-arm-none-eabi", "qemu-system-arm"):
        assert pkg in lock["debian_packages"]
    py = lock["python_packages"]
    for pkg in ("pytest", "pytest-embedded", "pytest-embedded-serial", "esptool", "mpremote",
                "pyserial", "littlefs-python", "esp32-mock-bootloader", "pillow"):
        assert pkg in py, pkg
        assert py[pkg]["version"] and len(py[pkg]["sha256"]) == 64


def test_materialised_wamr_matches_the_locked_version(lock):
    version_h = (paths.WAMR / "core" / "version.h").read_text()
    major, minor, patch = lock["sources"]["wamr"]["version"].split(".")
    assert f"#define WAMR_VERSION_MAJOR {major}" in version_h
    assert f"#define WAMR_VERSION_MINOR {minor}" in version_h
    assert f"#define WAMR_VERSION_PATCH {patch}" in version_h


def test_verify_names_file_and_both_checksums(tmp_path):
    f = tmp_path / "thing.tar.xz"
    f.write_bytes(b"not what was locked")
    with pytest.raises(ToolError) as exc:
        deps.verify(f, "0" * 64, "MicroPython source package")
    msg = str(exc.value)
    assert "MicroPython source package: checksum mismatch for thing.tar.xz" in msg
    assert "expected sha256 " + "0" * 64 in msg
    assert "got      sha256 " + deps.sha256_of(f) in msg


def _isolated_cache(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(paths, "MICROPYTHON", tmp_path / "cache" / "micropython")
    monkeypatch.setattr(paths, "WAMR", tmp_path / "cache" / "wamr")
    monkeypatch.setattr(paths, "LVGL", tmp_path / "cache" / "lvgl")
    (tmp_path / "cache").mkdir()


def test_unreachable_debian_archive_is_named(lock, monkeypatch, tmp_path):
    _isolated_cache(monkeypatch, tmp_path)
    lock["sources"]["micropython"]["archive"] = "http://127.0.0.1:9/debian"
    with pytest.raises(ToolError) as exc:
        deps.ensure_micropython(lock)
    msg = str(exc.value)
    assert "could not fetch Debian source package micropython 1.25.0+ds-1" in msg
    assert "http://127.0.0.1:9/debian (trixie)" in msg


def test_crate_checksum_mismatch_is_reported(lock, monkeypatch, tmp_path):
    _isolated_cache(monkeypatch, tmp_path)
    del lock["sources"]["lvgl"]
    lock["sources"]["wamr"]["sha256"] = "f" * 64
    with pytest.raises(ToolError) as exc:
        deps.ensure_crates(lock)
    assert "crate wamrx-sys: checksum mismatch for wamrx-sys-0.3.0.crate" in str(exc.value)
    assert not (tmp_path / "cache" / "wamr").exists()


def test_deps_is_idempotent_once_materialised():
    out = subprocess.run([sys.executable, "-m", "scripts", "deps", "--only", "micropython",
                          "--only", "crates"], cwd=paths.ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("already materialised") == 2
    assert out.stdout.rstrip().endswith("==> dependencies ready")


def test_cli_reports_errors_without_traceback(tmp_path):
    out = subprocess.run([sys.executable, "-m", "scripts", "build"], cwd=paths.ROOT,
                         capture_output=True, text=True,
                         env={"WASM_FW_CACHE": str(tmp_path / "nowhere"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 1
    assert out.stderr.startswith("error: MicroPython source not found at ")
    assert "run `make setup` first" in out.stderr
    assert "Traceback" not in out.stderr


def test_wamr_patch_series_is_pinned_and_documented(lock):
    """firmware/patches/wamr: every file is in the lock with its sha256, in
    order, and says what it fixes, why and how it was tested."""
    from scripts import patches

    series = patches.series(lock, "wamr")
    on_disk = sorted((paths.ROOT / "firmware" / "patches" / "wamr").glob("*.patch"))
    assert [path for path, _ in series] == on_disk
    for path, digest in series:
        assert deps.sha256_of(path) == digest, path.name
        assert path.name[:4].isdigit() and path.name[4] == "-", path.name
        header, _, diff = path.read_text().partition("\n--- a/")
        for part in ("What:", "Why:", "How tested:"):
            assert part in header, (path.name, part)
        assert diff.startswith("core/"), path.name
    # make setup applied them: the fixes are in the tree the firmware builds from.
    loader = (paths.WAMR / "core" / "iwasm" / "interpreter" / "wasm_loader.c").read_text()
    assert "ensure_offset_capacity" in loader


def test_spec_tests_source_is_pinned(lock):
    src = lock["sources"]["spec_tests"]
    assert (src["package"], src["debian_version"], src["suite"]) == ("binaryen", "108-1", "bookworm")
    assert len(src["files"]) == 3 and all(len(h) == 64 for h in src["files"].values())
    assert sorted(p.name for p in paths.SPEC_TESTS.glob("*.wast"))[:2] == [
        "address-offset-range.fail.wast", "address.wast"]


def _lock_error(what):
    return ToolError(f"{what} failed (exit 100): apt-get ...\n"
                     "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 7 "
                     "(apt-get)")


def test_apt_get_waits_for_the_package_manager_lock(monkeypatch, capsys):
    calls = []

    def fake_run(cmd, *, what, env, quiet):
        calls.append(cmd)
        if len(calls) < 3:
            raise _lock_error(what)
        return "ok"

    monkeypatch.setattr(deps, "run", fake_run)
    monkeypatch.setattr(deps.time, "sleep", lambda s: None)
    assert deps.apt_get([], ["install", "-y", "wabt"], what="apt-get install", env={}) == "ok"
    assert len(calls) == 3
    assert calls[0] == ["apt-get", "-o", "DPkg::Lock::Timeout=900", "install", "-y", "wabt"]
    out = capsys.readouterr().out
    assert out.count("holds the package manager's lock; waiting") == 1


def test_apt_get_gives_up_on_a_lock_with_a_clear_error(monkeypatch):
    def fake_run(cmd, *, what, env, quiet):
        raise _lock_error(what)

    monkeypatch.setattr(deps, "run", fake_run)
    monkeypatch.setattr(deps.time, "sleep", lambda s: None)
    with pytest.raises(ToolError, match=r"apt-get update: the package manager stayed locked by "
                                        r"another apt-get or dpkg for 0 s"):
        deps.apt_get(["sudo"], ["update"], what="apt-get update", env={}, wait_s=0)


def test_apt_get_does_not_retry_other_failures(monkeypatch):
    calls = []

    def fake_run(cmd, *, what, env, quiet):
        calls.append(cmd)
        raise ToolError("apt-get install failed (exit 100): E: Unable to locate package nope")

    monkeypatch.setattr(deps, "run", fake_run)
    with pytest.raises(ToolError, match="Unable to locate package nope"):
        deps.apt_get([], ["install", "nope"], what="apt-get install", env={})
    assert len(calls) == 1
