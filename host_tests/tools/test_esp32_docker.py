"""The Docker build and the CI workflow, checked statically (no Docker engine
here): pinned versions equal the lock file, the stages and their references
hold together, every RUN script parses, and the workflow builds every board."""

import json
import re
import shutil
import subprocess

import pytest

from scripts import esp32, paths

DOCKERFILE = paths.ROOT / "Dockerfile"
WORKFLOW = paths.ROOT / ".github" / "workflows" / "esp32.yml"
SUPPORTED_IDF = ("v5.2", "v5.2.2", "v5.3", "v5.4")   # MicroPython 1.25's ports/esp32/README.md


def instructions():
    """[(KEYWORD, text)] with continuation lines joined, comments dropped."""
    out, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, rest = current.partition(" ")
        out.append((keyword.upper(), rest.strip()))
        current = ""
    assert not current, "Dockerfile ends inside a continued line"
    return out


def global_args():
    args = {}
    for keyword, rest in instructions():
        if keyword == "FROM":
            break
        if keyword == "ARG":
            name, _, value = rest.partition("=")
            args[name] = value
    return args


@pytest.fixture(scope="module")
def lock():
    return json.loads(paths.LOCK_FILE.read_text())


def test_pinned_versions_equal_the_lock_file(lock):
    args = global_args()
    mp, wamr, lvgl = (lock["sources"][k] for k in ("micropython", "wamr", "lvgl"))
    assert args["MICROPY_VERSION"] == mp["version"]
    assert args["WAMR_VERSION"] == wamr["version"]
    assert args["WAMR_CRATE"] == wamr["crate"]
    assert args["WAMR_CRATE_VERSION"] == wamr["crate_version"]
    assert args["WAMR_CRATE_SHA256"] == wamr["sha256"]
    assert args["WAMR_TREE"] == wamr["tree"]
    assert args["LVGL_CRATE"] == lvgl["crate"]
    assert args["LVGL_CRATE_VERSION"] == lvgl["crate_version"]
    assert args["LVGL_CRATE_SHA256"] == lvgl["sha256"]
    assert args["LVGL_TREE"] == lvgl["tree"]


def test_esp_idf_image_is_pinned_to_a_version_micropython_supports():
    args = global_args()
    assert args["IDF_VERSION"] in SUPPORTED_IDF
    froms = [rest for keyword, rest in instructions() if keyword == "FROM"]
    assert "espressif/idf:${IDF_VERSION} AS firmware" in froms
    readme = esp32.ESP32_PORT / "README.md"
    if readme.exists():
        supported = re.search(r"Currently MicroPython supports (.*)\.", readme.read_text()).group(1)
        assert args["IDF_VERSION"] in re.findall(r"v\d+\.\d+(?:\.\d+)?", supported)


def test_board_argument_defaults_to_a_real_board():
    args = global_args()
    assert args["BOARD"] in esp32.board_names()
    assert args["WASMAPPS"] == "auto" and args["XTENSA_LLVM"] == "0"
    assert re.fullmatch(r"esp-\d+\.\d+\.\d+_\d{8}", args["ESP_LLVM_TAG"])


def test_stages_and_references_hold_together():
    stages, copies_from, froms = [], [], []
    declared = set(global_args())
    for keyword, rest in instructions():
        if keyword == "FROM":
            m = re.fullmatch(r"(\S+)(?: AS (\S+))?", rest, re.I)
            image, name = m.group(1), m.group(2)
            froms.append(image)
            for var in re.findall(r"\$\{(\w+)\}", image):
                assert var in declared, f"FROM uses undeclared global ARG {var}"
            stages.append(name)
        elif keyword == "COPY":
            m = re.match(r"--from=(\S+)", rest)
            if m:
                copies_from.append(m.group(1))
    assert stages == ["sources", "llvm-xtensa-0", "llvm-xtensa-1", "llvm-xtensa", "apps", "firmware", "export"]
    assert "llvm-xtensa-${XTENSA_LLVM}" in froms
    for ref in copies_from:
        assert ref in stages, ref
    # The export stage holds only the images.
    export = DOCKERFILE.read_text().split("AS export", 1)[1]
    assert "FROM scratch" in DOCKERFILE.read_text().split("AS export", 1)[0].splitlines()[-1]
    assert re.findall(r"COPY --from=(\w+) /out/ /", export) == ["firmware", "apps"]


def test_stage_args_are_declared_where_they_are_used():
    declared_global = set(global_args())
    stage_args = set()
    for keyword, rest in instructions():
        if keyword == "FROM":
            stage_args = set()
        elif keyword == "ARG":
            stage_args.add(rest.partition("=")[0])
        elif keyword in ("RUN", "ENV", "COPY", "WORKDIR"):
            for var in re.findall(r"\$\{(\w+)", rest):
                if var in declared_global:
                    assert var in stage_args, f"{keyword} {rest[:60]}... uses ${{{var}}} not declared in its stage"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_every_run_script_parses():
    for keyword, rest in instructions():
        if keyword != "RUN":
            continue
        result = subprocess.run(["bash", "-n", "-o", "pipefail", "-c", rest], capture_output=True, text=True)
        assert result.returncode == 0, f"{rest[:80]}...\n{result.stderr}"


def test_build_uses_absolute_board_and_module_paths():
    text = DOCKERFILE.read_text()
    assert 'BOARD_DIR="/project/boards/${BOARD}"' in text
    assert "USER_C_MODULES=/project/micropython_modules/wasm/micropython.cmake" in text
    assert "make -C ports/esp32 submodules" in text and "make -C mpy-cross" in text
    assert 'git clone --depth 1 --branch "v${MICROPY_VERSION}"' in text
    assert "https://static.crates.io/crates/" in text and "sha256sum -c" in text
    # WAMR gets the project's patch series, as in `make setup`.
    assert 'python3 -m scripts.patches wamr "/opt/src/$WAMR_TREE"' in text
    assert "COPY firmware/patches /project/firmware/patches" in text
    # The images the flash tool looks for: the firmware's are copied out of
    # the ESP-IDF build, vfs.img and wasmapps.bin are made by esp32-images.
    for kind in ("bootloader", "partition-table", "app"):
        idf_path = esp32.IMAGE_FILES[kind][-1]
        assert f'"$build/{idf_path}"' in text, idf_path
    assert '"$build/firmware.bin"' in text
    # The wasmapps step calls the real packer (esp32-images -> xip-pack);
    # its decisions are run by test_wasmapps_step_* below.
    assert "scripts esp32-images" in text and "--no-xip" in text


def test_dockerignore_keeps_local_state_out_of_the_context():
    ignored = (paths.ROOT / ".dockerignore").read_text().split()
    for entry in (".git", "cache", "build"):
        assert entry in ignored


def test_workflow_builds_every_board():
    import yaml

    wf = yaml.safe_load(WORKFLOW.read_text())
    jobs = wf["jobs"]
    boards = [entry["board"] for entry in jobs["build"]["strategy"]["matrix"]["include"]]
    assert sorted(boards) == sorted(esp32.board_names())
    for entry in jobs["build"]["strategy"]["matrix"]["include"]:
        assert entry["aot"] == esp32.load_board(entry["board"]).aot_target
    steps = jobs["build"]["steps"]
    build = next(s for s in steps if s.get("uses", "").startswith("docker/build-push-action"))
    assert "BOARD=${{ matrix.board }}" in build["with"]["build-args"]
    assert build["with"]["outputs"].startswith("type=local,dest=")
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    check = jobs["check"]["steps"]
    assert any("python -m scripts esp32-check" in s.get("run", "") for s in check)


def wasmapps_step():
    """The apps stage's RUN that decides about wasmapps.bin."""
    runs = [rest for keyword, rest in instructions() if keyword == "RUN" and "esp32-images" in rest]
    assert len(runs) == 1, runs
    return runs[0]


@pytest.fixture
def run_wasmapps_step(tmp_path):
    """Runs the wasmapps step with bash as Docker would (ARGs in the
    environment, /project as the working directory), the project's python
    standing in for cache/venv/bin/python: `-c` snippets run for real (the
    board's AOT target), `-m scripts ...` calls are recorded, not run."""
    import sys

    project = tmp_path / "project"
    stub = project / "cache" / "venv" / "bin" / "python"
    stub.parent.mkdir(parents=True)
    log = tmp_path / "calls.log"
    stub.write_text(f"""#!/bin/sh
if [ "$1" = -c ]; then cd '{paths.ROOT}' && exec '{sys.executable}' "$@"; fi
echo "$* LLVM_CONFIG=${{LLVM_CONFIG:-}}" >> '{log}'
""")
    stub.chmod(0o755)
    script = wasmapps_step().replace("/out", str(tmp_path / "out"))

    def run(board, wasmapps, xtensa_llvm):
        log.write_text("")
        env = {"PATH": "/usr/bin:/bin", "BOARD": board, "WASMAPPS": wasmapps, "XTENSA_LLVM": xtensa_llvm}
        # ${VAR} in the RUN line is expanded by the shell from these ARGs.
        result = subprocess.run(["bash", "-o", "pipefail", "-c", script], cwd=project, env=env,
                                capture_output=True, text=True)
        return result.returncode, result.stdout, result.stderr, log.read_text().splitlines()

    return run



@pytest.mark.parametrize("board", ["ESP32_WAMR", "ESP32S3_WAMR_LCD"])
def test_wasmapps_step_default_build_of_an_xtensa_board_succeeds_without_the_image(
        run_wasmapps_step, tmp_path, board):
    defaults = global_args()
    code, out, err, calls = run_wasmapps_step(board, defaults["WASMAPPS"], defaults["XTENSA_LLVM"])
    assert code == 0, err
    assert calls == [f"-m scripts esp32-images --board {board} -o {tmp_path / 'out'} --no-xip LLVM_CONFIG="]
    target = esp32.load_board(board).aot_target
    assert (f"note: no wasmapps.bin: {board}'s wasmapps image needs AOT for {target}, which needs "
            "an LLVM with the Xtensa backend (--build-arg XTENSA_LLVM=1, about an hour). "
            "The firmware and vfs.img are built; flash with --skip xip.") in out


def test_wasmapps_step_refuses_an_explicit_request_it_cannot_build(run_wasmapps_step):
    code, out, err, calls = run_wasmapps_step("ESP32_WAMR", "1", "0")
    assert code == 1 and calls == []
    assert err.startswith("error: ESP32_WAMR's wasmapps image needs AOT for xtensa, which needs an "
                          "LLVM with the Xtensa backend: build with --build-arg XTENSA_LLVM=1")


@pytest.mark.parametrize("wasmapps", ["auto", "1"])
def test_wasmapps_step_builds_the_image_with_the_xtensa_llvm(run_wasmapps_step, tmp_path, wasmapps):
    code, out, err, calls = run_wasmapps_step("ESP32S3_WAMR_LCD", wasmapps, "1")
    assert code == 0, err
    assert calls == [f"-m scripts esp32-images --board ESP32S3_WAMR_LCD -o {tmp_path / 'out'} "
                     "LLVM_CONFIG=/opt/llvm-xtensa/bin/llvm-config"]


@pytest.mark.parametrize("wasmapps", ["auto", "1"])
def test_wasmapps_step_builds_riscv_images_with_debians_llvm(run_wasmapps_step, tmp_path, wasmapps):
    code, out, err, calls = run_wasmapps_step("ESP32C3_WAMR", wasmapps, "0")
    assert code == 0, err
    assert calls == [f"-m scripts esp32-images --board ESP32C3_WAMR -o {tmp_path / 'out'} LLVM_CONFIG="]


def test_wasmapps_step_off_and_bad_values(run_wasmapps_step, tmp_path):
    code, out, err, calls = run_wasmapps_step("ESP32_WAMR", "0", "1")
    assert code == 0 and out == "WASMAPPS=0: no wasmapps.bin\n"
    assert calls == [f"-m scripts esp32-images --board ESP32_WAMR -o {tmp_path / 'out'} --no-xip LLVM_CONFIG="]
    code, out, err, calls = run_wasmapps_step("ESP32_WAMR", "yes", "0")
    assert (code, calls) == (1, []) and err == "error: WASMAPPS=yes: use auto, 1 or 0\n"


def test_make_esp32_and_the_workflow_take_the_default_path():
    # `make esp32` passes WASMAPPS only when it is given.
    dry = subprocess.run(["make", "-n", "esp32", "DOCKER=docker"], cwd=paths.ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "--build-arg BOARD=ESP32_WAMR" in dry and "WASMAPPS" not in dry
    # The workflow asks for the Xtensa LLVM only when its input says so and
    # leaves WASMAPPS at auto, so every board builds by default.
    import yaml

    build = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]
    assert "WASMAPPS" not in build.get("env", {})
    step = next(s for s in build["steps"] if s.get("uses", "").startswith("docker/build-push-action"))
    assert "WASMAPPS" not in step["with"]["build-args"]
    assert "XTENSA_LLVM=${{ env.XTENSA_LLVM }}" in step["with"]["build-args"]
    assert build["env"]["XTENSA_LLVM"] == \
        "${{ (startsWith(matrix.aot, 'xtensa') && inputs.xtensa_llvm) && '1' || '0' }}"


def test_wamr_gets_the_same_patch_series_as_make_setup(lock, tmp_path):
    """The sources stage verifies the crate, then runs the project's patch
    tool on the tree before the firmware stage uses it; the same command on a
    pristine copy of the crate gives the tree `make setup` builds from."""
    sources = DOCKERFILE.read_text().split("AS sources", 1)[1].split("\nFROM ", 1)[0]
    for copied in ("firmware/patches", "scripts"):
        assert re.search(rf"^COPY {re.escape(copied)} /project/{re.escape(copied)}$", sources, re.M)
    assert re.search(r"^COPY firmware/deps.lock.json /project/firmware/$", sources, re.M)
    run = next(rest for keyword, rest in instructions() if keyword == "RUN" and "fetch()" in rest)
    order = [run.index(s) for s in ('fetch "$WAMR_CRATE"',
                                    'python3 -m scripts.patches wamr "/opt/src/$WAMR_TREE"',
                                    'mv "$WAMR_TREE" /opt/wamr')]
    assert order == sorted(order)
    # The same command, on a pristine tree from the verified crate.
    crate = next((paths.CACHE / "cargo" / "home" / "registry" / "cache").glob("*/wamrx-sys-0.3.0.crate"))
    subprocess.run(["tar", "-xzf", str(crate), "-C", str(tmp_path)], check=True)
    tree = tmp_path / lock["sources"]["wamr"]["tree"]
    proc = subprocess.run(["python3", "-m", "scripts.patches", "wamr", str(tree)], cwd=paths.ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    applied = [p["file"] for p in lock["patches"]["wamr"]]
    assert applied and all(f"patched wamr: {name}" in proc.stdout for name in applied)
    diff = subprocess.run(["diff", "-r", str(tree / "core"), str(paths.WAMR / "core")],
                          capture_output=True, text=True)
    assert diff.returncode == 0, diff.stdout[:2000]


def test_dockerfile_applies_the_lvgl_patch_series_where_it_fetches_lvgl():
    sources_stage = DOCKERFILE.read_text().split("AS sources", 1)[1].split("\nFROM ", 1)[0]
    patch = 'python3 -m scripts.patches lvgl "/opt/src/$LVGL_TREE"'
    assert patch in sources_stage
    assert sources_stage.index(patch) < sources_stage.index('mv "$LVGL_TREE" /opt/lvgl')
