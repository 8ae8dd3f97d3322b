"""Materialise the pinned dependencies of firmware/deps.lock.json into cache/.

Every download is verified against the lock file's sha256 before it is used.
Nothing here touches the machine's apt configuration: Debian source packages
(MicroPython, and the real programs built as guests: Lua, zlib) are fetched
with a private sources list and lists directory.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from . import patches, paths
from .progress import ToolError, info, run, step, warn


def load_lock():
    with open(paths.LOCK_FILE) as f:
        return json.load(f)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path, expected, what):
    actual = sha256_of(path)
    if actual != expected:
        raise ToolError(
            f"{what}: checksum mismatch for {path.name}\n"
            f"    expected sha256 {expected}\n    got      sha256 {actual}"
        )


def _stamp_ok(stamp, content):
    return stamp.exists() and stamp.read_text() == content


def _extract(archive, dest_parent, tree, link):
    """Extract `archive` into a fresh `dest_parent/tree` (patches are applied
    to pristine trees only), then point `link` at it."""
    dest_parent.mkdir(parents=True, exist_ok=True)
    top = dest_parent / Path(tree).parts[0]
    if top.is_dir():
        shutil.rmtree(top)
    with tarfile.open(archive) as tar:
        tar.extractall(dest_parent, filter="data")
    target = dest_parent / tree
    if not target.is_dir():
        raise ToolError(f"{archive.name}: expected directory {tree} inside the archive")
    if link.is_symlink() or link.exists():
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        else:
            link.unlink()
    link.symlink_to(target.relative_to(link.parent))


# --- Debian packages -------------------------------------------------------

def installed_debian_version(name):
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}\t${Version}", name],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    if result.returncode != 0 or not result.stdout.startswith("install ok installed"):
        return None
    return result.stdout.split("\t", 1)[1]


# Messages apt and dpkg print when another apt-get, dpkg or unattended-upgrades
# holds the package manager's lock.
APT_LOCK_MESSAGES = ("Could not get lock", "Unable to acquire the dpkg frontend lock",
                     "Unable to lock directory")
APT_LOCK_WAIT_S = 900


def apt_get(sudo, args, *, what, env, wait_s=APT_LOCK_WAIT_S, poll_s=10):
    """apt-get that waits for the package manager's lock instead of failing
    (a fresh machine often runs unattended-upgrades, and two set-ups may run at
    once). apt's own DPkg::Lock::Timeout covers the dpkg lock; the retry loop
    covers the lists lock of `apt-get update`, which that option does not."""
    cmd = sudo + ["apt-get", "-o", f"DPkg::Lock::Timeout={wait_s}"] + args
    deadline = time.monotonic() + wait_s
    said = False
    while True:
        try:
            return run(cmd, what=what, env=env, quiet=True)
        except ToolError as exc:
            if not any(m in str(exc) for m in APT_LOCK_MESSAGES):
                raise
            if time.monotonic() >= deadline:
                raise ToolError(f"{what}: the package manager stayed locked by another apt-get or "
                                f"dpkg for {wait_s} s; let it finish (ps -C apt-get,dpkg) and run "
                                f"make setup again") from exc
            if not said:
                info(f"{what}: another apt-get or dpkg holds the package manager's lock; waiting")
                said = True
            time.sleep(poll_s)


def ensure_debian_packages(lock):
    step("Debian packages")
    wanted = lock["debian_packages"]
    missing = [name for name in wanted if installed_debian_version(name) is None]
    if missing:
        info(f"installing: {' '.join(missing)}")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        apt_get(sudo, ["update", "-q"], what="apt-get update", env=env)
        apt_get(sudo, ["install", "-y", "-q", "--no-install-recommends"] + missing,
                what="apt-get install", env=env)
    for name, pinned in wanted.items():
        have = installed_debian_version(name)
        if have is None:
            raise ToolError(f"Debian package {name} is still not installed")
        if have != pinned:
            # Debian replaces versions in place (security updates), so an
            # exact pin cannot always be installed; report the difference.
            warn(f"{name}: locked {pinned}, installed {have}")
    info(f"{len(wanted)} packages present")


# --- MicroPython from Debian's source package --------------------------------

def _private_apt(cache):
    """apt-get options for a private sources list, lists dir and cache."""
    root = cache / "apt"
    for sub in ("lists/partial", "archives/partial"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return root, [
        "-o", f"Dir::Etc::SourceList={root / 'sources.list'}",
        "-o", "Dir::Etc::SourceParts=/dev/null",
        "-o", f"Dir::State::Lists={root / 'lists'}",
        "-o", f"Dir::Cache={root}",
        "-o", "APT::Sandbox::User=root",
    ]


def _fetch_debian_source(src, downloads):
    """Downloads the files of a Debian source package (apt-get source with
    a private sources list) unless they are there already; verifies them."""
    downloads.mkdir(parents=True, exist_ok=True)
    have_all = all((downloads / f).exists() and sha256_of(downloads / f) == h
                   for f, h in src["files"].items())
    if not have_all:
        apt_root, opts = _private_apt(paths.CACHE)
        (apt_root / "sources.list").write_text(
            f"deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
            f"{src['archive']} {src['suite']} main\n")
        try:
            run(["apt-get", *opts, "update", "-q"],
                what=f"apt-get update (private {src['suite']} deb-src list)", quiet=True)
            run(["apt-get", *opts, "source", "--download-only",
                 f"{src['package']}={src['debian_version']}"],
                what=f"apt-get source {src['package']}", cwd=downloads, quiet=True)
        except ToolError as exc:
            raise ToolError(f"could not fetch Debian source package "
                            f"{src['package']} {src['debian_version']} from {src['archive']} "
                            f"({src['suite']}): is the Debian archive reachable?\n{exc}") from exc
    for fname, expected in src["files"].items():
        verify(downloads / fname, expected, f"{src['package']} source package")


def ensure_debian_source(lock, key, link):
    """Fetch the Debian source package of lock["sources"][key] with apt-get
    source (private sources list), verify every file and unpack the upstream
    .orig tarball (Debian's packaging patches are not applied) behind `link`."""
    src = lock["sources"][key]
    name = src.get("name", key)
    step(f"{name} {src['version']} (Debian source package {src['debian_version']})")
    downloads = paths.CACHE / "downloads" / key
    stamp = paths.CACHE / f"{key}.stamp"
    stamp_text = json.dumps(src, sort_keys=True)
    if _stamp_ok(stamp, stamp_text) and link.is_dir():
        info("already materialised")
        return
    _fetch_debian_source(src, downloads)
    orig = next(f for f in src["files"] if ".orig." in f)
    info(f"extracting {orig}")
    _extract(downloads / orig, paths.CACHE / "src", src["tree"], link)
    stamp.write_text(stamp_text)


def ensure_micropython(lock):
    ensure_debian_source(lock, "micropython", paths.MICROPYTHON)


def ensure_programs(lock):
    """The real C programs built as guest apps (guest/programs)."""
    for key, link in paths.PROGRAM_SOURCES.items():
        ensure_debian_source(lock, key, link)


def ensure_spec_tests(lock):
    """The WebAssembly spec tests (`make spec`): only test/spec/*.wast of
    binaryen's Debian source package, into cache/spec-tests."""
    src = lock["sources"]["spec_tests"]
    step(f"WebAssembly spec tests (Debian source package {src['package']} {src['debian_version']})")
    stamp = paths.CACHE / "spec-tests.stamp"
    stamp_text = json.dumps(src, sort_keys=True)
    if _stamp_ok(stamp, stamp_text) and paths.SPEC_TESTS.is_dir():
        info("already materialised")
        return
    downloads = paths.CACHE / "downloads" / src["package"]
    _fetch_debian_source(src, downloads)
    orig = next(f for f in src["files"] if ".orig." in f)
    info(f"extracting {src['tree']}/*.wast from {orig}")
    dest = paths.CACHE / "src" / src["tree"]
    if dest.exists():
        shutil.rmtree(dest)
    prefix = src["tree"] + "/"
    with tarfile.open(downloads / orig) as tar:
        members = [m for m in tar.getmembers()
                   if m.isfile() and m.name.startswith(prefix) and m.name.endswith(".wast")
                   and "/" not in m.name[len(prefix):]]
        if not members:
            raise ToolError(f"{orig}: no {prefix}*.wast files")
        tar.extractall(paths.CACHE / "src", members=members, filter="data")
    link = paths.SPEC_TESTS
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(dest.relative_to(link.parent))
    info(f"{len(members)} .wast files")
    stamp.write_text(stamp_text)


# --- Crates (WAMR, LVGL) ------------------------------------------------------

def ensure_crates(lock):
    crates = {key: src for key, src in lock["sources"].items() if src["via"] == "cargo fetch"}
    step("C sources from crates.io: " + ", ".join(
        f"{s['crate']} {s['crate_version']}" for s in crates.values()))
    stamp = paths.CACHE / "crates.stamp"
    stamp_text = json.dumps({"crates": crates,
                             "patches": {k: patches.describe(lock, k) for k in crates}},
                            sort_keys=True)
    links = {"wamr": paths.WAMR, "lvgl": paths.LVGL}
    if _stamp_ok(stamp, stamp_text) and all(links[k].is_dir() for k in crates):
        info("already materialised")
        return

    work = paths.CACHE / "cargo"
    home = work / "home"
    (work / "src").mkdir(parents=True, exist_ok=True)
    (work / "src" / "lib.rs").write_text("")
    deps = "\n".join(
        f'{s["crate"]} = {{ version = "={s["crate_version"]}", default-features = false }}'
        for s in crates.values())
    (work / "Cargo.toml").write_text(
        '[package]\nname = "fetch-c-sources"\nversion = "0.0.0"\nedition = "2021"\n'
        f'publish = false\n\n[lib]\npath = "src/lib.rs"\n\n[dependencies]\n{deps}\n')
    env = dict(os.environ, CARGO_HOME=str(home))
    try:
        run(["cargo", "fetch", "--manifest-path", work / "Cargo.toml"], what="cargo fetch",
            env=env, quiet=True)
    except ToolError as exc:
        raise ToolError(f"could not fetch crates from crates.io: {exc}") from exc
    for key, src in crates.items():
        name = f"{src['crate']}-{src['crate_version']}.crate"
        found = list((home / "registry" / "cache").glob(f"*/{name}"))
        if not found:
            raise ToolError(f"cargo fetch did not produce {name}")
        verify(found[0], src["sha256"], f"crate {src['crate']}")
        info(f"extracting {name}")
        _extract(found[0], paths.CACHE / "src", src["tree"], links[key])
        patches.apply(lock, key, links[key])
    stamp.write_text(stamp_text)


# --- Python packages ------------------------------------------------------------

def venv_python():
    return paths.VENV / "bin" / "python"


def ensure_python_packages(lock):
    pkgs = lock["python_packages"]
    step(f"Python packages ({len(pkgs)} pinned, into {paths.VENV.relative_to(paths.ROOT)})")
    stamp = paths.CACHE / "venv.stamp"
    patched = sorted(name for name in pkgs if patches.series(lock, name))
    stamp_text = json.dumps({"packages": pkgs,
                             "patches": {n: patches.describe(lock, n) for n in patched}},
                            sort_keys=True)
    if _stamp_ok(stamp, stamp_text) and venv_python().exists():
        info("already installed")
        return
    if not venv_python().exists():
        run([sys.executable, "-m", "venv", paths.VENV], what="create virtualenv", quiet=True)
    req = paths.CACHE / "requirements.lock.txt"
    req.write_text("".join(f"{name}=={p['version']} --hash=sha256:{p['sha256']}\n"
                           for name, p in sorted(pkgs.items())))
    try:
        run([venv_python(), "-m", "pip", "install", "-q", "--require-hashes", "--no-deps",
             "-r", req], what="pip install (hash-checked)", quiet=True)
        if patched:
            # Patches apply to pristine packages: reinstall the patched ones.
            pins = [line for line in req.read_text().splitlines()
                    if line.split("==")[0] in patched]
            req_patched = paths.CACHE / "requirements.patched.txt"
            req_patched.write_text("".join(f"{line}\n" for line in pins))
            run([venv_python(), "-m", "pip", "install", "-q", "--require-hashes", "--no-deps",
                 "--force-reinstall", "-r", req_patched],
                what="pip reinstall (packages to patch)", quiet=True)
    except ToolError as exc:
        raise ToolError(f"could not install the pinned Python packages from PyPI: {exc}") from exc
    site = _site_packages()
    for name in patched:
        patches.apply(lock, name, site)
    stamp.write_text(stamp_text)


def _site_packages():
    out = subprocess.run([str(venv_python()), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                         stdout=subprocess.PIPE, text=True, check=True)
    return Path(out.stdout.strip())


STEPS = {
    "debian": ensure_debian_packages,
    "micropython": ensure_micropython,
    "programs": ensure_programs,
    "crates": ensure_crates,
    "python": ensure_python_packages,
    "spec": ensure_spec_tests,
}


def main(only=None):
    lock = load_lock()
    paths.CACHE.mkdir(parents=True, exist_ok=True)
    for name, fn in STEPS.items():
        if only and name not in only:
            continue
        fn(lock)
    step("dependencies ready")
