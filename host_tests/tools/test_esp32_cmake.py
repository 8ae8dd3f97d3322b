"""The ESP32 build files without ESP-IDF: micropython.cmake must mirror the
make fragments (micropython.mk, wamr.mk), and with cmake installed the board
files and the module are run for real, against MicroPython's
ports/esp32/CMakeLists.txt and py/usermod.cmake, with small stand-ins for the
ESP-IDF pieces they call."""

import os
import re
import shutil
import subprocess
import textwrap

import pytest

from scripts import esp32, paths

WASM_MOD = paths.MODULES / "wasm"
CMAKE_FILE = WASM_MOD / "micropython.cmake"
DISPLAY_MOD = paths.MODULES / "display"
DISPLAY_CMAKE = DISPLAY_MOD / "micropython.cmake"
CMAKE = shutil.which("cmake")
HAVE_PORT = (esp32.ESP32_PORT / "CMakeLists.txt").exists()
needs_cmake = pytest.mark.skipif(CMAKE is None or not HAVE_PORT,
                                 reason="needs cmake and MicroPython's sources in cache/")


def make_list(text, var):
    """Items of a `VAR := a b \\` / `VAR = ...` block of a makefile."""
    m = re.search(rf"^{var}\s*:?=\s*\\?\n?((?:.*\\\n)*.*)$", text, re.M)
    assert m, var
    return m.group(1).replace("\\\n", " ").split()


def cmake_list(text, var):
    m = re.search(rf"^set\({var}\s*\n(.*?)^\)", text, re.M | re.S)
    assert m, var
    return [item for line in m.group(1).splitlines()
            for item in line.split("#", 1)[0].split()]


# --- mirrors of the make fragments ------------------------------------------------------

def test_binding_sources_equal_micropython_mk():
    mk = (WASM_MOD / "micropython.mk").read_text()
    assert cmake_list(CMAKE_FILE.read_text(), "WASM_MOD_SRC") == make_list(mk, "WASM_MOD_SRC")


def test_feature_defines_equal_wamr_mk():
    mk = (WASM_MOD / "wamr.mk").read_text()
    make_defs = [re.sub(r"\$\((\w+)\)", r"${\1}", d.removeprefix("-D"))
                 for d in make_list(mk, "WAMR_FEATURE_DEFS")]
    assert cmake_list(CMAKE_FILE.read_text(), "WAMR_FEATURE_DEFS") == make_defs
    assert "WASM_ENABLE_THREAD_MGR=1" in make_defs and "WASM_ENABLE_LIBC_WASI=0" in make_defs
    assert "WASM_INSTRUCTION_METERING_BY_TABLE=${WAMR_METERING_BY_TABLE}" in make_defs


def test_esp32_meters_by_table_like_the_emulated_boards():
    """In-order cores meter the classic interpreter by dispatch table
    (WAMR patch 0102); unix keeps the counter at each dispatch."""
    cmake = CMAKE_FILE.read_text()
    assert "set(WAMR_METERING_BY_TABLE 1)" in cmake
    mk = (WASM_MOD / "wamr.mk").read_text()
    assert "WAMR_METERING_BY_TABLE ?= $(if $(filter baremetal,$(WAMR_PLATFORM)),1,0)" in mk


def test_wamr_sources_equal_wamr_mk():
    mk = (WASM_MOD / "wamr.mk").read_text()
    core = make_list((WASM_MOD / "wamr_sources.mk").read_text(), "WAMR_CORE_SRC")
    make_src = [s.replace("$(WAMR_INTERP_SRC)", "wasm_interp_${MICROPY_WASM_INTERP}.c")
                for s in make_list(mk, "WAMR_SRC")
                if s not in ("$(WAMR_AOT_RELOC)", "$(WAMR_PLATFORM_SRC)")]
    assert make_src[0] == "$(WAMR_CORE_SRC)"
    make_src[0:1] = core
    assert cmake_list(CMAKE_FILE.read_text(), "WAMR_CORE_SRC") == make_src
    shim = [s for s in make_list(mk, "WAMR_SHIM_SRC") if not s.startswith("$(")]
    assert cmake_list(CMAKE_FILE.read_text(), "WAMR_SHIM_SRC") == shim


def test_esp32_only_additions():
    text = CMAKE_FILE.read_text()
    # The boards' block-address cache is wamr.mk's default.
    cache = re.search(r"^WAMR_BLOCK_ADDR_CACHE \?= (\d+)$", (WASM_MOD / "wamr.mk").read_text(), re.M)
    assert cmake_list(text, "WAMR_ESP32_DEFS") == ["WASM_ENABLE_WORD_ALIGN_READ=1",
                                                   f"BLOCK_ADDR_CACHE_SIZE={cache.group(1)}"]
    platform = cmake_list(text, "WAMR_PLATFORM_SRC")
    assert all(p.startswith("shared/platform/esp-idf/") for p in platform)
    for src in platform:
        assert (paths.WAMR / "core" / src).exists(), src


# --- the board files through the port's real CMakeLists.txt -----------------------------

FAKE_PROJECT = """\
# Stand-in for ESP-IDF's project.cmake: record what the port set up.
file(WRITE "${CMAKE_BINARY_DIR}/board.txt"
    "IDF_TARGET=${IDF_TARGET}\\n"
    "SDKCONFIG_DEFAULTS=${SDKCONFIG_DEFAULTS}\\n"
    "MICROPY_FROZEN_MANIFEST=${MICROPY_FROZEN_MANIFEST}\\n"
    "USER_C_MODULES=${USER_C_MODULES}\\n"
    "MICROPY_WASM_POOL_SIZE=${MICROPY_WASM_POOL_SIZE}\\n"
    "MICROPY_WASM_POOL_IN_PSRAM=${MICROPY_WASM_POOL_IN_PSRAM}\\n"
    "MICROPY_WASM_INTERP=${MICROPY_WASM_INTERP}\\n"
    "MICROPY_DISPLAY_LVGL_POOL_SIZE=${MICROPY_DISPLAY_LVGL_POOL_SIZE}\\n")
macro(project)
endmacro()
"""


def read_vars(path):
    out = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        out[key] = value
    return out


def configure_port(tmp_path, board, *extra):
    idf = tmp_path / "idf"
    (idf / "tools" / "cmake").mkdir(parents=True)
    (idf / "tools" / "cmake" / "project.cmake").write_text(FAKE_PROJECT)
    build = tmp_path / "build"
    result = subprocess.run(
        [CMAKE, "-S", esp32.ESP32_PORT, "-B", build, f"-DMICROPY_BOARD_DIR={esp32.BOARDS_DIR / board}",
         *extra],
        env={"IDF_PATH": str(idf), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return read_vars(build / "board.txt"), build


def merged_sdkconfig(path):
    return esp32.parse_sdkconfig(path.read_text())


@needs_cmake
@pytest.mark.parametrize("board", esp32.BOARDS)
def test_port_cmake_configures_each_board(tmp_path, board):
    found, build = configure_port(tmp_path, board)
    model = esp32.load_board(board, need_port=True)
    assert found["IDF_TARGET"] == model.chip
    assert found["MICROPY_FROZEN_MANIFEST"] == str(model.dir / "manifest.py")
    # The board with the LCD adds the display module after the wasm one.
    modules = [str(CMAKE_FILE)] + ([str(DISPLAY_CMAKE)] if board == "ESP32S3_WAMR_LCD" else [])
    assert found["USER_C_MODULES"] == ";".join(modules)
    assert int(found["MICROPY_WASM_POOL_SIZE"]) == model.pool_size
    assert found["MICROPY_WASM_INTERP"] == "classic"      # the boards' default
    # What ESP-IDF would be given: the port concatenates the fragments.
    combined = merged_sdkconfig(build / "sdkconfig.combined")
    assert combined == model.sdkconfig
    assert combined["CONFIG_PARTITION_TABLE_CUSTOM_FILENAME"] == f'"{model.dir / "partitions.csv"}"'


@needs_cmake
def test_port_cmake_board_variant_and_user_module_list(tmp_path):
    found, build = configure_port(
        tmp_path, "ESP32S3_WAMR_LCD", "-DMICROPY_BOARD_VARIANT=SPIRAM_QUAD",
        f"-DUSER_C_MODULES={WASM_MOD}")
    combined = merged_sdkconfig(build / "sdkconfig.combined")
    assert combined["CONFIG_SPIRAM_MODE_QUAD"] == "y"
    assert combined.get("CONFIG_SPIRAM_MODE_OCT", "") == ""
    # The module given as a directory is not added a second time.
    assert found["USER_C_MODULES"] == f"{WASM_MOD};{DISPLAY_CMAKE}"


@needs_cmake
def test_port_cmake_interpreter_from_the_environment(tmp_path):
    idf = tmp_path / "idf"
    (idf / "tools" / "cmake").mkdir(parents=True)
    (idf / "tools" / "cmake" / "project.cmake").write_text(FAKE_PROJECT)
    result = subprocess.run(
        [CMAKE, "-S", esp32.ESP32_PORT, "-B", tmp_path / "b",
         f"-DMICROPY_BOARD_DIR={esp32.BOARDS_DIR / 'ESP32C3_WAMR'}"],
        env={"IDF_PATH": str(idf), "PATH": "/usr/bin:/bin", "MICROPY_WASM_INTERP": "fast"},
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert read_vars(tmp_path / "b" / "board.txt")["MICROPY_WASM_INTERP"] == "fast"


@needs_cmake
def test_port_cmake_relative_board_dir_still_gives_an_absolute_table(tmp_path):
    # As `idf.py -D MICROPY_BOARD_DIR=<relative>` run in ports/esp32.
    # cache/micropython is a symlink: use the real port directory, where the
    # lexical and the physical meaning of `..` agree.
    port = esp32.ESP32_PORT.resolve()
    rel = os.path.relpath(esp32.BOARDS_DIR.resolve() / "ESP32_WAMR", port)
    idf = tmp_path / "idf"
    (idf / "tools" / "cmake").mkdir(parents=True)
    (idf / "tools" / "cmake" / "project.cmake").write_text(FAKE_PROJECT)
    result = subprocess.run([CMAKE, "-S", port, "-B", tmp_path / "b", f"-DMICROPY_BOARD_DIR={rel}"],
                            env={"IDF_PATH": str(idf), "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, cwd=port)
    assert result.returncode == 0, result.stderr
    combined = merged_sdkconfig(tmp_path / "b" / "sdkconfig.combined")
    assert combined["CONFIG_PARTITION_TABLE_CUSTOM_FILENAME"] == \
        f'"{(esp32.BOARDS_DIR / "ESP32_WAMR" / "partitions.csv").resolve()}"'


# --- micropython.cmake as MicroPython's esp32 component includes it ----------------------

COMPONENT = """\
cmake_minimum_required(VERSION 3.19)
project(wasm_module_check C ASM)

# Stand-ins for what ESP-IDF gives a component's CMakeLists.txt.
function(idf_build_get_property var prop)
    if(prop STREQUAL "BUILD_COMPONENTS")
        set(${{var}} freertos esp_timer pthread lwip heap newlib log esp_common
            esp_hw_support esp_system esp_rom soc hal esp_lcd main PARENT_SCOPE)
    elseif(prop STREQUAL "CONFIG_DIR")
        set(${{var}} "${{CMAKE_BINARY_DIR}}/config" PARENT_SCOPE)
    else()
        set(${{var}} "" PARENT_SCOPE)
    endif()
endfunction()
foreach(comp freertos esp_timer pthread lwip heap newlib log esp_common esp_hw_support
        esp_system esp_rom soc hal esp_lcd)
    add_library(idf::${{comp}} INTERFACE IMPORTED)
endforeach()
{config}

# As ports/esp32/esp32_common.cmake: user modules first, the component after.
set(USER_C_MODULES "{module}")
include("{micropython}/py/usermod.cmake")
set(MICROPY_LDFRAGMENTS_SEEN "${{MICROPY_USER_LDFRAGMENTS}}")

{dump}"""


def dump_targets(lib, lib_target, module_target):
    """CMake that writes the library's and the module's target properties
    (and the QSTR sources) to module.txt when the directory is done."""
    items = [f"{lib}_SRC;{lib_target};SOURCES", f"{lib}_DEFS;{lib_target};COMPILE_DEFINITIONS",
             f"{lib}_INCS;{lib_target};INCLUDE_DIRECTORIES", f"{lib}_OPTS;{lib_target};COMPILE_OPTIONS",
             f"{lib}_LIBS;{lib_target};LINK_LIBRARIES", f"MOD_SRC;{module_target};INTERFACE_SOURCES",
             f"MOD_DEFS;{module_target};INTERFACE_COMPILE_DEFINITIONS",
             f"MOD_INCS;{module_target};INTERFACE_INCLUDE_DIRECTORIES",
             f"MOD_LIBS;{module_target};INTERFACE_LINK_LIBRARIES",
             "USERMOD_LIBS;usermod;INTERFACE_LINK_LIBRARIES"]
    quoted = " ".join(f'"{item}"' for item in items)
    return f"""function(dump)
    set(out "")
    foreach(item {quoted})
        list(GET item 0 key)
        list(GET item 1 target)
        list(GET item 2 prop)
        get_target_property(value ${{target}} ${{prop}})
        string(APPEND out "${{key}}=${{value}}\\n")
    endforeach()
    string(APPEND out "QSTR=${{MICROPY_SOURCE_USERMOD}}\\n")
    string(APPEND out "LDFRAGMENTS=${{MICROPY_LDFRAGMENTS_SEEN}}\\n")
    file(WRITE "${{CMAKE_BINARY_DIR}}/module.txt" "${{out}}")
endfunction()
cmake_language(DEFER CALL dump)
"""

CHIP_CONFIG = {
    "xtensa": "set(IDF_TARGET esp32)\nset(CONFIG_IDF_TARGET_ARCH_XTENSA y)",
    "riscv": "set(IDF_TARGET esp32c3)\nset(CONFIG_IDF_TARGET_ARCH_RISCV y)",
}


def configure_module(tmp_path, chip, *extra_config, expect_ok=True):
    src = tmp_path / "src"
    src.mkdir()
    config = "\n".join([CHIP_CONFIG[chip], *extra_config])
    (src / "CMakeLists.txt").write_text(COMPONENT.format(
        config=config, module=CMAKE_FILE, micropython=paths.MICROPYTHON,
        dump=dump_targets("WAMR", "micropy_wamr", "usermod_wasm")))
    build = tmp_path / "build"
    result = subprocess.run([CMAKE, "-S", src, "-B", build, f"-DWAMR_DIR={paths.WAMR}"],
                            capture_output=True, text=True)
    if not expect_ok:
        assert result.returncode != 0
        return result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    found = {k: v.split(";") if v else [] for k, v in read_vars(build / "module.txt").items()}
    return found


@needs_cmake
@pytest.mark.parametrize("chip, target, name, invoke, reloc", [
    ("xtensa", "XTENSA", "XTENSA", "invokeNative_xtensa.s", "aot_reloc_xtensa.c"),
    ("riscv", "RISCV32_ILP32", "RISCV32", "invokeNative_riscv.S", "aot_reloc_riscv.c"),
])
def test_module_cmake_builds_wamr_for_the_chip(tmp_path, chip, target, name, invoke, reloc):
    found = configure_module(tmp_path, chip, "set(MICROPY_WASM_POOL_SIZE 98304)",
                             "set(MICROPY_WASM_INTERP classic)")
    wamr_src = found["WAMR_SRC"]
    for path in wamr_src:
        assert os.path.exists(path), path
    names = [p.rsplit("/", 1)[-1] for p in wamr_src]
    assert invoke in names and reloc in names
    assert "wasm_interrupt.c" in names and "wasm_interp_classic.c" in names
    assert "espidf_platform.c" in names and "espidf_file.c" not in names
    for defs in (found["WAMR_DEFS"], found["MOD_DEFS"]):
        assert f"BUILD_TARGET_{target}" in defs
        assert f'BUILD_TARGET="{name}"' in defs
        assert "WASM_ENABLE_WORD_ALIGN_READ=1" in defs
        assert "WASM_ENABLE_LIBC_WASI=0" in defs and "WASM_ENABLE_THREAD_MGR=1" in defs
    assert "BH_PLATFORM_ESP_IDF" in found["WAMR_DEFS"]
    assert "BH_VPRINTF=mp_wasm_vprintf" in found["WAMR_DEFS"]
    assert "MICROPY_WASM_POOL_SIZE=98304" in found["MOD_DEFS"]
    assert 'MICROPY_WASM_INTERP_NAME="classic"' in found["MOD_DEFS"]
    assert "WASM_ENABLE_FAST_INTERP=0" in found["MOD_DEFS"]
    assert "-w" in found["WAMR_OPTS"]
    assert ("-mlongcalls" in found["WAMR_OPTS"]) == (chip == "xtensa")
    assert "idf::freertos" in found["WAMR_LIBS"] and "idf::pthread" in found["WAMR_LIBS"]
    # The binding: every source exists; it is QSTR-scanned, WAMR is not.
    mod_names = [p.rsplit("/", 1)[-1] for p in found["MOD_SRC"]]
    assert {"wasm_port_esp32.c", "wasm_pool_esp32.c", "wasm_xip_esp32.c"} <= set(mod_names)
    # The pool: static internal .bss unless the board asks otherwise.
    for define in ("MICROPY_WASM_PORT_POOL=1", "MICROPY_WASM_POOL_IN_PSRAM=0", "MICROPY_WASM_POOL_AT_BOOT=0"):
        assert define in found["MOD_DEFS"], define
    for path in found["MOD_SRC"]:
        assert os.path.exists(path), path
    assert sorted(found["QSTR"]) == sorted(found["MOD_SRC"])
    assert found["MOD_LIBS"] == ["micropy_wamr"] and "usermod_wasm" in found["USERMOD_LIBS"]
    assert any(p.endswith("core/iwasm/include") for p in found["MOD_INCS"])
    assert found["LDFRAGMENTS"] == []


@needs_cmake
def test_module_cmake_pool_in_psram_uses_the_attribute_not_a_fragment(tmp_path):
    found = configure_module(tmp_path, "xtensa", "set(MICROPY_WASM_POOL_IN_PSRAM ON)",
                             "set(CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY y)")
    assert "MICROPY_WASM_POOL_IN_PSRAM=1" in found["MOD_DEFS"]
    assert "MICROPY_WASM_POOL_AT_BOOT=0" in found["MOD_DEFS"]
    assert found["LDFRAGMENTS"] == []


@needs_cmake
def test_module_cmake_pool_at_boot(tmp_path):
    found = configure_module(tmp_path, "xtensa", "set(MICROPY_WASM_POOL_AT_BOOT ON)")
    assert "MICROPY_WASM_POOL_AT_BOOT=1" in found["MOD_DEFS"]
    assert "MICROPY_WASM_POOL_IN_PSRAM=0" in found["MOD_DEFS"]
    (tmp_path / "both").mkdir()
    out = configure_module(tmp_path / "both", "xtensa", "set(MICROPY_WASM_POOL_AT_BOOT ON)",
                           "set(MICROPY_WASM_POOL_IN_PSRAM ON)",
                           "set(CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY y)", expect_ok=False)
    assert "MICROPY_WASM_POOL_IN_PSRAM and MICROPY_WASM_POOL_AT_BOOT exclude each other" in " ".join(out.split())


@needs_cmake
def test_module_cmake_refuses_psram_pool_without_external_bss(tmp_path):
    out = configure_module(tmp_path, "xtensa", "set(MICROPY_WASM_POOL_IN_PSRAM ON)", expect_ok=False)
    assert "CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY" in out


@needs_cmake
def test_module_cmake_names_a_missing_wamr_tree(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(COMPONENT.format(
        config=CHIP_CONFIG["xtensa"], module=CMAKE_FILE, micropython=paths.MICROPYTHON,
        dump=dump_targets("WAMR", "micropy_wamr", "usermod_wasm")))
    result = subprocess.run([CMAKE, "-S", src, "-B", tmp_path / "b", f"-DWAMR_DIR={tmp_path}/nowamr"],
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "WAMR sources not found" in result.stderr and "nowamr" in result.stderr


def test_cmake_helpers_parse_what_they_should():
    assert make_list("X := \\\n\ta \\\n\tb\nY = c\n", "X") == ["a", "b"]
    assert cmake_list(textwrap.dedent("""\
        set(V
            a  # one
            b
        )
        """), "V") == ["a", "b"]


# --- the display module (LVGL) ------------------------------------------------------------

def test_display_lists_equal_the_make_fragments():
    cmake = DISPLAY_CMAKE.read_text()
    assert cmake_list(cmake, "LVGL_SRC_DIRS") == \
        make_list((DISPLAY_MOD / "lvgl_sources.mk").read_text(), "LVGL_SRC_DIRS")
    mk = (DISPLAY_MOD / "micropython.mk").read_text()
    assert cmake_list(cmake, "DISPLAY_LIB_SRC") == make_list(mk, "DISPLAY_LIB_SRC")
    assert cmake_list(cmake, "DISPLAY_MOD_SRC") == ["moddisplay.c"]
    assert cmake_list(cmake, "DISPLAY_PORT_SRC") == ["port/esp32/display_esp32_st7789.c"]


def configure_display(tmp_path, *config, lvgl_dir=None):
    src = tmp_path / "src"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(COMPONENT.format(
        config="\n".join([CHIP_CONFIG["xtensa"], *config]), module=DISPLAY_CMAKE,
        micropython=paths.MICROPYTHON, dump=dump_targets("LVGL", "micropy_lvgl", "usermod_display")))
    build = tmp_path / "build"
    return subprocess.run([CMAKE, "-S", src, "-B", build, f"-DLVGL_DIR={lvgl_dir or paths.LVGL}"],
                          capture_output=True, text=True), build


@needs_cmake
def test_display_cmake_builds_lvgl_as_its_own_library(tmp_path):
    result, build = configure_display(tmp_path, "set(MICROPY_DISPLAY_LVGL_POOL_SIZE 131072)")
    assert result.returncode == 0, result.stdout + result.stderr
    found = {k: v.split(";") if v else [] for k, v in read_vars(build / "module.txt").items()}
    lvgl = paths.LVGL / "lvgl"
    dirs = cmake_list(DISPLAY_CMAKE.read_text(), "LVGL_SRC_DIRS")
    expected = sorted(str(p) for d in dirs for p in (lvgl / d).glob("*.c"))
    assert sorted(found["LVGL_SRC"]) == expected and len(expected) > 150
    assert str(lvgl / "src/libs/bin_decoder/lv_bin_decoder.c") in found["LVGL_SRC"]
    assert not any("/drivers/" in p for p in found["LVGL_SRC"])
    for defs in (found["LVGL_DEFS"], found["MOD_DEFS"]):
        assert "LV_CONF_INCLUDE_SIMPLE" in defs and "MICROPY_DISPLAY_LVGL_POOL_SIZE=131072" in defs
    # The project's lv_conf.h before the crate's (which sits next to lvgl/).
    assert found["LVGL_INCS"][0] == str(DISPLAY_MOD / "lv_conf" / "mcu")
    assert str(paths.LVGL) not in found["LVGL_INCS"]
    assert "-w" in found["LVGL_OPTS"] and "-mlongcalls" in found["LVGL_OPTS"]
    assert "idf::esp_common" in found["LVGL_LIBS"]
    # The module: QSTR-scanned, LVGL not.
    names = sorted(p.rsplit("/", 1)[-1] for p in found["MOD_SRC"])
    assert "moddisplay.c" in names and "display_esp32_st7789.c" in names
    assert sorted(found["QSTR"]) == sorted(found["MOD_SRC"])
    assert found["MOD_LIBS"] == ["micropy_lvgl", "idf::esp_lcd"]
    assert "usermod_display" in found["USERMOD_LIBS"]


@needs_cmake
def test_display_cmake_names_a_missing_lvgl_tree(tmp_path):
    result, _ = configure_display(tmp_path, lvgl_dir=tmp_path / "nolvgl")
    assert result.returncode != 0
    assert "LVGL sources not found" in result.stderr and "nolvgl" in result.stderr
