# syntax=docker/dockerfile:1
#
# ESP32 firmware of this project, built with ESP-IDF in Docker (nothing to
# install on the host but Docker with BuildKit, the default since Docker 23):
#
#   docker build --build-arg BOARD=ESP32_WAMR \
#       --output type=local,dest=build/esp32/ESP32_WAMR .
#
# exports into build/esp32/ESP32_WAMR (where `python -m scripts flash` looks):
#   firmware.bin         bootloader + partition table + app, for 0x1000 (ESP32)
#                        or 0x0 (S3, C3): MicroPython's usual single image
#   bootloader.bin, partition-table.bin, micropython.bin   the same, in pieces
#   vfs.img              littlefs for the `vfs` partition, with the demo apps
#   wasmapps.bin         XIP AOT apps for the `wasmapps` partition (xip-pack)
#   sdkconfig, build-info.txt
#
# Build arguments:
#   BOARD          ESP32_WAMR (default) | ESP32S3_WAMR_LCD | ESP32C3_WAMR
#   BOARD_VARIANT  a board variant, e.g. SPIRAM_QUAD for ESP32S3_WAMR_LCD
#   WASM_INTERP    classic (default, the boards' choice: less RAM) | fast
#   WASMAPPS       auto (default): wasmapps.bin whenever an AOT compiler for
#                  the chip is in the image: always for the ESP32-C3 (riscv32,
#                  Debian's LLVM 19), for the Xtensa boards only with
#                  XTENSA_LLVM=1; otherwise the build says so and goes on
#                  without it (flash with `--skip xip`).
#                  1: wasmapps.bin or fail, saying why. 0: no wasmapps.bin.
#   XTENSA_LLVM    0 (default) | 1: build Espressif's LLVM fork with the Xtensa
#                  backend (about an hour) for `scripts aot --target xtensa`:
#                  ESP32 and ESP32-S3 wasmapps images need it.
#
# Pinned inputs: the versions below equal firmware/deps.lock.json (checked by
# host_tests/tools/test_esp32_docker.py). MicroPython comes from its git tag
# (with the submodules the esp32 port needs) rather than Debian's source
# package, which strips them; WAMR and LVGL come from the same crates.io
# crates as `make setup`, verified against the lock file's sha256.

ARG IDF_VERSION=v5.2.2
ARG DEBIAN_IMAGE=debian:bookworm-slim
ARG MICROPY_VERSION=1.25.0
ARG WAMR_VERSION=2.4.3
ARG WAMR_CRATE=wamrx-sys
ARG WAMR_CRATE_VERSION=0.3.0
ARG WAMR_CRATE_SHA256=ab9efc67ebd6c574684794e3a25933c58d2ad3f1b1078830f8c779974132e0d1
ARG WAMR_TREE=wamrx-sys-0.3.0/wasm-micro-runtime
ARG LVGL_CRATE=lightvgl-sys
ARG LVGL_CRATE_VERSION=9.5.5
ARG LVGL_CRATE_SHA256=9815c400aacf046c2830216112aa283af97178d3d20a1143e926e8d7d58a2f70
ARG LVGL_TREE=lightvgl-sys-9.5.5/vendor
ARG ESP_LLVM_TAG=esp-19.1.2_20250211
ARG BOARD=ESP32_WAMR
ARG BOARD_VARIANT=
ARG WASM_INTERP=classic
ARG WASMAPPS=auto
ARG XTENSA_LLVM=0


# --- WAMR and LVGL C sources from crates.io, checked against the lock file ----
FROM ${DEBIAN_IMAGE} AS sources
ARG WAMR_VERSION
ARG WAMR_CRATE
ARG WAMR_CRATE_VERSION
ARG WAMR_CRATE_SHA256
ARG WAMR_TREE
ARG LVGL_CRATE
ARG LVGL_CRATE_VERSION
ARG LVGL_CRATE_SHA256
ARG LVGL_TREE
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl patch python3 \
    && rm -rf /var/lib/apt/lists/*
# The project's patch series for WAMR and LVGL (firmware/patches/<name>,
# sha256 in the lock file), applied by the same code as `make setup`.
COPY firmware/deps.lock.json /project/firmware/
COPY firmware/patches /project/firmware/patches
COPY scripts /project/scripts
WORKDIR /opt/src
RUN set -eu; \
    fetch() { \
        file="$1-$2.crate"; \
        curl -fsSL --retry 3 -o "$file" "https://static.crates.io/crates/$1/$file" \
            || { echo "error: cannot download crate $1 $2 from crates.io" >&2; exit 1; }; \
        echo "$3  $file" | sha256sum -c - \
            || { echo "error: crate $1 $2: sha256 differs from firmware/deps.lock.json" >&2; exit 1; }; \
        tar -xzf "$file"; rm "$file"; \
    }; \
    fetch "$WAMR_CRATE" "$WAMR_CRATE_VERSION" "$WAMR_CRATE_SHA256"; \
    fetch "$LVGL_CRATE" "$LVGL_CRATE_VERSION" "$LVGL_CRATE_SHA256"; \
    major="${WAMR_VERSION%%.*}"; rest="${WAMR_VERSION#*.}"; minor="${rest%%.*}"; patch="${rest#*.}"; \
    for part in "MAJOR $major" "MINOR $minor" "PATCH $patch"; do \
        grep -q "#define WAMR_VERSION_$part\$" "$WAMR_TREE/core/version.h" \
            || { echo "error: $WAMR_TREE is not WAMR $WAMR_VERSION" >&2; exit 1; }; \
    done; \
    (cd /project && python3 -m scripts.patches wamr "/opt/src/$WAMR_TREE"); \
    (cd /project && python3 -m scripts.patches lvgl "/opt/src/$LVGL_TREE"); \
    mv "$WAMR_TREE" /opt/wamr; \
    mv "$LVGL_TREE" /opt/lvgl; \
    rm -rf /opt/src


# --- Optional: LLVM with the Xtensa backend (Espressif's fork) -----------------
FROM ${DEBIAN_IMAGE} AS llvm-xtensa-0
RUN mkdir -p /opt/llvm-xtensa

FROM ${DEBIAN_IMAGE} AS llvm-xtensa-1
ARG ESP_LLVM_TAG
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates git cmake ninja-build \
        g++ python3 zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
RUN git clone --depth 1 --branch "${ESP_LLVM_TAG}" \
        https://github.com/espressif/llvm-project.git /src/llvm-project \
    && cmake -G Ninja -S /src/llvm-project/llvm -B /src/build \
        -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX=/opt/llvm-xtensa \
        -DLLVM_TARGETS_TO_BUILD="X86;RISCV" \
        -DLLVM_EXPERIMENTAL_TARGETS_TO_BUILD=Xtensa \
        -DLLVM_ENABLE_PROJECTS= \
        -DLLVM_INCLUDE_TESTS=OFF -DLLVM_INCLUDE_BENCHMARKS=OFF -DLLVM_INCLUDE_EXAMPLES=OFF \
        -DLLVM_INCLUDE_DOCS=OFF -DLLVM_ENABLE_BINDINGS=OFF \
        -DLLVM_ENABLE_ZSTD=OFF -DLLVM_ENABLE_TERMINFO=OFF -DLLVM_ENABLE_LIBXML2=OFF \
    && ninja -C /src/build install \
    && /opt/llvm-xtensa/bin/llvm-config --targets-built | grep -qw Xtensa \
    && rm -rf /src

FROM llvm-xtensa-${XTENSA_LLVM} AS llvm-xtensa


# --- Guest apps, the littlefs image and the wasmapps image (host tools) --------
FROM ${DEBIAN_IMAGE} AS apps
ARG BOARD
ARG WASMAPPS
ARG XTENSA_LLVM
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /project
# The lock file's Debian packages (clang + wasi-libc, wabt, LLVM 19) and its
# hash-checked Python packages (littlefs-python, ...), with the project's tool.
COPY firmware/deps.lock.json firmware/
COPY scripts scripts
RUN python3 -m scripts deps --only debian --only python
COPY --from=sources /opt/wamr cache/wamr
COPY --from=llvm-xtensa /opt/llvm-xtensa /opt/llvm-xtensa
COPY . .
RUN cache/venv/bin/python -m scripts esp32-check --board "${BOARD}" \
    && cache/venv/bin/python -m scripts guests
# wasmapps.bin needs AOT for the board's chip: Debian's LLVM 19 covers
# riscv32, Xtensa needs the llvm-xtensa-1 stage (XTENSA_LLVM=1).
RUN set -e; \
    case "${WASMAPPS}" in \
        auto|0|1) ;; \
        *) echo "error: WASMAPPS=${WASMAPPS}: use auto, 1 or 0" >&2; exit 1 ;; \
    esac; \
    if [ "${WASMAPPS}" = 0 ]; then \
        echo "WASMAPPS=0: no wasmapps.bin"; \
        cache/venv/bin/python -m scripts esp32-images --board "${BOARD}" -o /out --no-xip; \
        exit 0; \
    fi; \
    target="$(cache/venv/bin/python -c "from scripts import esp32; print(esp32.load_board('${BOARD}').aot_target)")"; \
    if [ "${target%%-*}" = xtensa ] && [ "${XTENSA_LLVM}" != 1 ]; then \
        why="${BOARD}'s wasmapps image needs AOT for ${target}, which needs an LLVM with the Xtensa backend"; \
        if [ "${WASMAPPS}" = 1 ]; then \
            echo "error: ${why}: build with --build-arg XTENSA_LLVM=1 (about an hour)," \
                 "or --build-arg WASMAPPS=auto to go on without it" >&2; \
            exit 1; \
        fi; \
        echo "note: no wasmapps.bin: ${why} (--build-arg XTENSA_LLVM=1, about an hour)." \
             "The firmware and vfs.img are built; flash with --skip xip."; \
        cache/venv/bin/python -m scripts esp32-images --board "${BOARD}" -o /out --no-xip; \
        exit 0; \
    fi; \
    if [ "${target%%-*}" = xtensa ]; then \
        export LLVM_CONFIG=/opt/llvm-xtensa/bin/llvm-config; \
    fi; \
    cache/venv/bin/python -m scripts esp32-images --board "${BOARD}" -o /out


# --- The firmware, with ESP-IDF -------------------------------------------------
FROM espressif/idf:${IDF_VERSION} AS firmware
ARG IDF_VERSION
ARG MICROPY_VERSION
ARG WAMR_VERSION
ARG LVGL_CRATE_VERSION
ARG BOARD
ARG BOARD_VARIANT
ARG WASM_INTERP
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# mpy-cross is built with the host compiler, which the image may lack.
RUN command -v gcc >/dev/null \
    || { apt-get update \
         && apt-get install -y --no-install-recommends gcc libc6-dev make \
         && rm -rf /var/lib/apt/lists/*; }
RUN git clone --depth 1 --branch "v${MICROPY_VERSION}" \
        https://github.com/micropython/micropython.git /opt/micropython \
    && grep -q "#define MICROPY_VERSION_MINOR $(echo "${MICROPY_VERSION}" | cut -d. -f2)\$" \
        /opt/micropython/py/mpconfig.h
COPY --from=sources /opt/wamr /opt/wamr
COPY --from=sources /opt/lvgl /opt/lvgl
ENV WAMR_DIR=/opt/wamr LVGL_DIR=/opt/lvgl
COPY firmware /project/firmware
COPY scripts /project/scripts
COPY boards /project/boards
COPY micropython_modules /project/micropython_modules
# The project's tools find MicroPython in cache/micropython: point that at
# the clone, so the board check also reads the port's sdkconfig fragments.
RUN mkdir -p /project/cache \
    && ln -s /opt/micropython /project/cache/micropython \
    && ln -s /opt/wamr /project/cache/wamr
WORKDIR /project
RUN python3 -m scripts esp32-check --board "${BOARD}"
WORKDIR /opt/micropython
# mpy-cross, then the submodules the esp32 port needs for this board (the
# port's `make submodules`), then the firmware. USER_C_MODULES and BOARD_DIR
# are absolute; WAMR_DIR comes from the environment.
RUN source "${IDF_PATH}/export.sh" >/dev/null \
    && make -C mpy-cross -j"$(nproc)" \
    && make -C ports/esp32 submodules \
        BOARD_DIR="/project/boards/${BOARD}" ${BOARD_VARIANT:+BOARD_VARIANT=${BOARD_VARIANT}} \
        USER_C_MODULES=/project/micropython_modules/wasm/micropython.cmake
RUN source "${IDF_PATH}/export.sh" >/dev/null \
    && MICROPY_WASM_INTERP="${WASM_INTERP}" make -C ports/esp32 -j"$(nproc)" \
        BOARD_DIR="/project/boards/${BOARD}" ${BOARD_VARIANT:+BOARD_VARIANT=${BOARD_VARIANT}} \
        USER_C_MODULES=/project/micropython_modules/wasm/micropython.cmake
# Collect the images and check them the way `scripts flash` will (right chip,
# sizes, partition table equal to the board's CSV).
RUN set -e; \
    build="ports/esp32/build-${BOARD}${BOARD_VARIANT:+-${BOARD_VARIANT}}"; \
    mkdir -p /out; \
    cp "$build/bootloader/bootloader.bin" "$build/partition_table/partition-table.bin" \
       "$build/micropython.bin" "$build/firmware.bin" "$build/sdkconfig" /out/; \
    cd /project && python3 -c "from scripts import esp32, flash; \
flash.plan(esp32.load_board('${BOARD}'), '/out', skip=('fs', 'xip'))"; \
    { echo "board: ${BOARD}${BOARD_VARIANT:+ (variant ${BOARD_VARIANT})}"; \
      echo "micropython: ${MICROPY_VERSION} ($(git -C /opt/micropython describe --tags --always))"; \
      echo "esp-idf: ${IDF_VERSION}"; \
      echo "wamr: ${WAMR_VERSION} (${WASM_INTERP} interpreter + AOT)"; \
      echo "lvgl: crate ${LVGL_CRATE_VERSION}"; } > /out/build-info.txt


# --- Export: `docker build --output type=local,dest=DIR .` -------------------------
FROM scratch AS export
COPY --from=firmware /out/ /
COPY --from=apps /out/ /
