"""Compile checks of the ESP32 C code without ESP-IDF (syntax and types only):

- WAMR's core, the module's WAMR shim and the AOT relocation file of each
  chip, with exactly the defines micropython.cmake gives them, by a 32-bit
  newlib compiler (Debian's arm-none-eabi-gcc: ESP-IDF's libc is newlib too).
  WAMR's esp-idf platform header needs a few ESP-IDF headers; small
  stand-ins declare what it uses.
- The module's ESP32 port files, against MicroPython's headers (the unix
  port's configuration, from the unix build) and stand-ins that declare the
  ESP-IDF 5.x APIs they call, with -Wall -Wextra -Werror.

The stand-ins carry no behaviour: this catches typing and define mistakes, not
API drift in ESP-IDF itself (the Docker build is the real check).
"""

import re
import shutil
import subprocess

import pytest

from idf_stubs import ESP_LCD_STUBS, IDF_STUBS, soc_caps, write_stubs
from scripts import paths

WASM_MOD = paths.MODULES / "wasm"
CMAKE_FILE = WASM_MOD / "micropython.cmake"
CROSS = shutil.which("arm-none-eabi-gcc")
HOST = shutil.which("gcc")

PLATFORM_STUBS = {
    "arpa/inet.h": "#include <stdint.h>\nuint32_t htonl(uint32_t); uint16_t htons(uint16_t);\n"
                   "uint32_t ntohl(uint32_t); uint16_t ntohs(uint16_t);\n",
    "sys/socket.h": "typedef unsigned int socklen_t;\n"
                    "struct sockaddr { unsigned char sa_len, sa_family; char sa_data[14]; };\n",
    "sys/uio.h": "#include <stddef.h>\nstruct iovec { void *iov_base; size_t iov_len; };\n",
    "dirent.h": "typedef struct { int fd; } DIR;\n"
                "struct dirent { unsigned char d_type; char d_name[256]; };\n",
    "esp_pthread.h": "#include <pthread.h>\n",
    "sdkconfig.h": "",
}

def cmake_list(var):
    text = CMAKE_FILE.read_text()
    m = re.search(rf"^set\({var}\s*\n(.*?)^\)", text, re.M | re.S)
    return [item for line in m.group(1).splitlines() for item in line.split("#", 1)[0].split()]


def cmake_defaults():
    """The values micropython.cmake gives its options when the board does
    not: `if(NOT DEFINED X)` followed directly by `set(X value)`."""
    return dict(re.findall(r"^if\(NOT DEFINED (\w+)\)\s*\n\s*set\(\1 (\S+)\)",
                           CMAKE_FILE.read_text(), re.M))


def feature_defs(interp):
    """WAMR_FEATURE_DEFS with its ${options} as a build of `interp` sets them."""
    values = {**cmake_defaults(), "WAMR_FAST_INTERP": "1" if interp == "fast" else "0",
              "WAMR_INSTRUCTION_METERING": "0" if interp == "fast" else "1"}
    return [re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], d)
            for d in cmake_list("WAMR_FEATURE_DEFS")]


def test_every_feature_option_has_a_value():
    """feature_defs resolves each ${option} of the list (a new option
    without a default would reach the compiler as text)."""
    for interp in ("fast", "classic"):
        assert not [d for d in feature_defs(interp) if "$" in d]
    assert feature_defs("classic").count("WASM_ENABLE_CLASSIC_FUSED_OPS=1") == 1


@pytest.mark.skipif(CROSS is None or not (paths.WAMR / "core").is_dir(),
                    reason="needs arm-none-eabi-gcc (make setup) and the WAMR sources")
@pytest.mark.parametrize("interp", ["fast", "classic"])
@pytest.mark.parametrize("target, name, reloc", [
    ("XTENSA", "XTENSA", "iwasm/aot/arch/aot_reloc_xtensa.c"),
    ("RISCV32_ILP32", "RISCV32", "iwasm/aot/arch/aot_reloc_riscv.c"),
])
def test_wamr_core_compiles_with_the_esp32_feature_set(tmp_path, target, name, reloc, interp):
    stubs = write_stubs(tmp_path / "stubs", {**PLATFORM_STUBS, **IDF_STUBS})
    core = paths.WAMR / "core"
    defs = [f"-D{d}" for d in feature_defs(interp)]
    defs += [f"-D{d}" for d in cmake_list("WAMR_ESP32_DEFS")]
    defs += [f"-DBUILD_TARGET_{target}", f'-DBUILD_TARGET="{name}"', "-DBH_PLATFORM_ESP_IDF",
             "-DBH_VPRINTF=mp_wasm_vprintf",
             # ESP-IDF's newlib has POSIX threads and rwlocks; Debian's arm one
             # declares them only on request.
             "-D_POSIX_THREADS", "-D_POSIX_READER_WRITER_LOCKS", "-D_GNU_SOURCE"]
    incs = [f"-I{core / d}" for d in (
        ".", "iwasm/include", "iwasm/common", "iwasm/interpreter", "iwasm/aot", "shared/include",
        "shared/utils", "shared/mem-alloc", "shared/platform/include", "shared/platform/esp-idf",
        "iwasm/libraries/thread-mgr")] + [f"-I{stubs}"]
    sources = [core / s.replace("${MICROPY_WASM_INTERP}", interp) for s in cmake_list("WAMR_CORE_SRC")]
    sources += [core / reloc] + [WASM_MOD / s for s in cmake_list("WAMR_SHIM_SRC")]
    failures = []
    for src in sources:
        result = subprocess.run([CROSS, "-fsyntax-only", "-std=gnu17", "-w", *defs, *incs, str(src)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"{src}:\n{result.stderr[-1500:]}")
    assert not failures, "\n".join(failures)


UNIX_GENHDR = paths.BUILD / "unix" / "obj" / "genhdr"


POOL_CONFIGS = {
    "internal": ("", []),
    "psram": ("#define CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY 1\n", ["-DMICROPY_WASM_POOL_IN_PSRAM=1"]),
    "at-boot": ("", ["-DMICROPY_WASM_POOL_AT_BOOT=1"]),
}


def compile_port_file(tmp_path, source, *flags, linear_regions=5, sdkconfig="", out=None):
    """Compiles one of the module's ESP32 port files on the host against
    MicroPython's headers (the unix port's configuration) and the ESP-IDF
    stand-ins, as micropython.cmake configures it (MICROPY_WASM_PORT_POOL=1).
    Syntax only, or an object file in `out`."""
    stubs = write_stubs(tmp_path / "stubs", {**IDF_STUBS, **soc_caps(linear_regions),
                                             "sdkconfig.h": sdkconfig})
    mp = paths.MICROPYTHON
    return subprocess.run(
        [HOST, "-std=gnu17", "-Wall", "-Wextra", "-Werror", "-DMICROPY_WASM_PORT_POOL=1", *flags,
         f"-I{stubs}", f"-I{mp}", f"-I{mp / 'ports' / 'unix'}",
         f"-I{mp / 'ports' / 'unix' / 'variants' / 'standard'}", f"-I{UNIX_GENHDR.parent}",
         f"-I{WASM_MOD}", f"-I{WASM_MOD / 'port' / 'esp32'}", f"-I{paths.WAMR / 'core' / 'iwasm' / 'include'}",
         *(["-c", "-o", str(out)] if out else ["-fsyntax-only"]),
         str(WASM_MOD / "port" / "esp32" / source)],
        capture_output=True, text=True)


needs_unix_headers = pytest.mark.skipif(
    HOST is None or not UNIX_GENHDR.is_dir(),
    reason="needs gcc and the unix build's generated headers (make unix)")


@needs_unix_headers
@pytest.mark.parametrize("source, linear_regions", [
    ("wasm_port_esp32.c", 5), ("wasm_xip_esp32.c", 5), ("wasm_xip_esp32.c", 1)])
def test_esp32_port_files_compile_against_micropython_headers(tmp_path, source, linear_regions):
    result = compile_port_file(tmp_path, source, linear_regions=linear_regions)
    assert result.returncode == 0, result.stderr


@needs_unix_headers
@pytest.mark.parametrize("config", sorted(POOL_CONFIGS))
def test_esp32_pool_file_compiles_in_every_placement(tmp_path, config):
    sdkconfig, flags = POOL_CONFIGS[config]
    result = compile_port_file(tmp_path, "wasm_pool_esp32.c", *flags, sdkconfig=sdkconfig)
    assert result.returncode == 0, result.stderr


# --- The display module's ESP32 backend -------------------------------------------------

DISPLAY_MOD = paths.MODULES / "display"

@pytest.mark.skipif(HOST is None or not UNIX_GENHDR.is_dir() or not (paths.LVGL / "lvgl").is_dir(),
                    reason="needs gcc, the unix build's generated headers (make unix) and LVGL")
@pytest.mark.parametrize("source", ["port/esp32/display_esp32_st7789.c", "display_pool.c"])
def test_display_esp32_files_compile_against_esp_lcd(tmp_path, source):
    stubs = write_stubs(tmp_path / "stubs", {**IDF_STUBS, **ESP_LCD_STUBS})
    mp = paths.MICROPYTHON
    board_h = paths.ROOT / "boards" / "ESP32S3_WAMR_LCD" / "mpconfigboard.h"
    result = subprocess.run(
        [HOST, "-fsyntax-only", "-std=gnu99", "-Wall", "-Wextra", "-Werror",
         "-DESP_PLATFORM", "-DLV_CONF_INCLUDE_SIMPLE", "-DMICROPY_DISPLAY_LVGL_POOL_SIZE=262144",
         "-include", str(board_h),
         f"-I{stubs}", f"-I{DISPLAY_MOD / 'lv_conf' / 'mcu'}", f"-I{DISPLAY_MOD}",
         f"-I{paths.LVGL / 'lvgl'}", f"-I{mp}", f"-I{mp / 'ports' / 'unix'}",
         f"-I{mp / 'ports' / 'unix' / 'variants' / 'standard'}", f"-I{UNIX_GENHDR.parent}",
         str(DISPLAY_MOD / source)],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(CROSS is None or not (paths.LVGL / "lvgl").is_dir(),
                    reason="needs arm-none-eabi-gcc (make setup) and LVGL")
def test_lvgl_mcu_configuration_compiles_for_esp_idf(tmp_path):
    # lv_conf/mcu with ESP_PLATFORM (IRAM for lv_display_flush_ready), on a
    # 32-bit newlib compiler, through the LVGL files that use the attribute.
    stubs = write_stubs(tmp_path / "stubs", ESP_LCD_STUBS)
    lvgl = paths.LVGL / "lvgl"
    for src in ("src/display/lv_display.c", "src/stdlib/builtin/lv_mem_core_builtin.c"):
        result = subprocess.run(
            [CROSS, "-fsyntax-only", "-std=gnu99", "-w", "-DESP_PLATFORM", "-DLV_CONF_INCLUDE_SIMPLE",
             "-DMICROPY_DISPLAY_LVGL_POOL_SIZE=262144", f"-I{stubs}",
             f"-I{DISPLAY_MOD / 'lv_conf' / 'mcu'}", f"-I{DISPLAY_MOD}", f"-I{lvgl}", str(lvgl / src)],
            capture_output=True, text=True)
        assert result.returncode == 0, f"{src}:\n{result.stderr[-1500:]}"
