"""Image paths a guest gives LVGL (lv_image_set_src with a path) resolve
through its WASI preopens exactly like path_open: only absolute paths
under a preopened directory, the longest preopen first, `/` as a preopen
for everything, never a directory, nothing without WASI
(mp_wasm_wasi_resolve_abs, reached through guest/apps/ui_hostile.c)."""

import struct

HEADER = struct.pack("<BBHHHHH", 0x19, 0x12, 0, 3, 2, 6, 0)   # RGB565, 3x2, stride 6


def run_paths(fw, preopens, paths, wasi=True):
    wasi_arg = f"wasi=wasm.WASI(preopens={preopens!r})" if wasi else "wasi=None"
    return fw.lines(f"""
import wasm, display
display.init()
g = wasm.Instance(wasm.Module.load(GUEST + '/ui_hostile.wasm'), heap=0, {wasi_arg})
g.exports.h_setup()
buf = g.exports.h_path_buf()
for p in {paths!r}:
    b = p.encode() + b'\\0'
    g.memory[buf:buf + len(b)] = b
    try:
        print('ok', g.exports.h_image_path(buf))
    except Exception as e:
        print(type(e).__name__, str(e).split(': ', 2)[-1])
""")


def refused(path, errno):
    return f"Trap image path '{path}' is not inside the app's WASI preopens (WASI errno {errno})"


def make_tree(root):
    for sub in ("data", "data/sub", "datax"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "data" / "img.bin").write_bytes(HEADER + bytes(12))
    (root / "data" / "sub" / "deep.bin").write_bytes(HEADER + bytes(12))
    (root / "datax" / "img.bin").write_bytes(HEADER + bytes(12))


def test_preopen_prefixes_slashes_and_directories(fw):
    make_tree(fw.workdir)
    data, sub = str(fw.workdir / "data"), str(fw.workdir / "data" / "sub")
    out = run_paths(fw, {"/data/": data, "/data/sub": sub},
                    ["/data//img.bin", "/data/sub/deep.bin", "/datax/img.bin", "/data", "/data/",
                     "/d", "data/img.bin", ""])
    assert out == [
        "ok 3002",                               # a preopen named with a trailing slash; // in the path
        "ok 3002",                               # the longest preopen wins
        refused("/datax/img.bin", 76),           # a name that only starts like the preopen
        refused("/data", 31),                    # the preopen itself is a directory
        refused("/data/", 31),
        refused("/d", 76),                       # shorter than every preopen
        refused("data/img.bin", 76),             # relative paths have no preopen
        "Trap argument 2: not an image source (a descriptor, a symbol or a path)",  # ""
    ]


def test_root_preopen_and_no_wasi(fw):
    make_tree(fw.workdir)
    out = run_paths(fw, {"/": str(fw.workdir)}, ["/data/img.bin", "/datax/img.bin", "/"])
    assert out == ["ok 3002", "ok 3002", refused("/", 31)]
    assert run_paths(fw, {}, ["/data/img.bin"], wasi=False) == [refused("/data/img.bin", 76)]
