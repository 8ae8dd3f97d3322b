"""WAMR's pool allocator (ems) with the project's patches, compiled on the
host and driven by models/pool_realloc_stress.c: reallocation keeps every
block's contents and the pool consistent, and a block grows into the free
space before it (patch 0061), which is how linear memory grows on boards."""

import subprocess
from pathlib import Path

from scripts import paths

MODEL = Path(__file__).parent / "models" / "pool_realloc_stress.c"
EMS = ["mem_alloc.c", "ems/ems_alloc.c", "ems/ems_hmu.c", "ems/ems_kfc.c", "ems/ems_gc.c"]


def test_pool_realloc_stress(tmp_path):
    core = paths.WAMR / "core"
    mem = core / "shared" / "mem-alloc"
    exe = tmp_path / "stress"
    subprocess.run(
        ["gcc", "-O1", "-DBH_DEBUG=1", "-DBH_MALLOC=unused_malloc", "-DBH_FREE=unused_free",
         "-DBH_PLATFORM_LINUX", "-DBUILD_TARGET_X86_64", "-D_GNU_SOURCE",
         f"-I{mem}", f"-I{core / 'shared' / 'utils'}", f"-I{core / 'shared' / 'platform' / 'include'}",
         f"-I{core / 'shared' / 'platform' / 'linux'}", f"-I{core}", f"-I{core / 'iwasm' / 'include'}",
         *[str(mem / src) for src in EMS], str(MODEL), "-o", str(exe)],
        check=True, capture_output=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines() == [
        "random ok, free 261752 of 261752",
        "grow down ok, moved by 102408 bytes",
        "pool whole again",
    ]
