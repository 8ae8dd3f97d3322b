"""python3 -m tools.lvgl_bindings --lvgl DIR --conf DIR --out DIR [--guest-out DIR]

Writes into --out: lvgl_bindings_gen.c (host functions and their native
table) and lvgl_bindings.md (the coverage report); into --guest-out:
lvgl/lvgl_gen_types.h, lvgl/lvgl_gen_api.h (the guest SDK's generated
headers) and lvgl_calls.c (a guest that calls every bound function).
Files are only rewritten when their content changes, so make does not
rebuild what depends on them for nothing.
"""

import argparse
import sys
import time
from pathlib import Path

from . import cparse, ctype, emit_calls, emit_guest, emit_host, emit_report, fonts, marshal

# Guest structs the host reads field by field (their wasm32 layout is
# checked by the guest build, and mirrored on the host).
MIRRORS = ("lv_anim_t", "lv_image_dsc_t", "lv_image_header_t", "lv_style_t")
# (host mirror struct, LVGL type) pairs of lvgl_bindings_guest.h.
HOST_MIRRORS = (("lvb_guest_anim_t", "lv_anim_t"), ("lvb_guest_image_dsc_t", "lv_image_dsc_t"))


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text() == text:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return True


def _pod_sizes(decisions, api):
    sizes = {}
    for d in decisions.values():
        if d.how != "host":
            continue
        for a in d.args + [d.ret]:
            if a.kind in ("pod_in", "pod_inout", "pod_array", "pod_val", "pod_ret") and a.pod:
                t = a.ctype.target if a.ctype.kind == "ptr" else a.ctype
                sizes[a.pod] = ctype.layout(t, api)[0]
    return sizes


def _mirror_sizes(api):
    out = {}
    for name in MIRRORS:
        if name == "lv_style_t":
            out[name] = 12   # emit_guest.STYLE_OVERRIDE
            continue
        t = ctype.named(name, api)
        out[name] = ctype.layout(t, api)[0]
    return out


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m tools.lvgl_bindings", description=__doc__.splitlines()[0])
    p.add_argument("--lvgl", required=True, help="LVGL's tree (the directory with lvgl.h)")
    p.add_argument("--conf", required=True, help="directory of the lv_conf.h to use")
    p.add_argument("--include", action="append", default=[], help="more include directories")
    p.add_argument("--define", action="append", default=[], help="preprocessor definitions")
    p.add_argument("--cpp", default="cpp", help="C preprocessor command (default: cpp)")
    p.add_argument("--out", help="directory for the host sources and the report")
    p.add_argument("--guest-out", help="directory for the guest headers and the all-calls guest")
    args = p.parse_args(argv)
    started = time.monotonic()
    try:
        api = cparse.parse(args.lvgl, args.conf, args.include, args.cpp, args.define)
        decisions = marshal.classify(api)
        pods = _pod_sizes(decisions, api)
        mirrors = _mirror_sizes(api)
        n = emit_report.counts(decisions)
        written = []
        if args.out:
            out = Path(args.out)
            host = emit_host.emit(decisions, api, pods, HOST_MIRRORS) + "\n".join(fonts.host_table(api)) + "\n"
            for name, text in (("lvgl_bindings_gen.c", host),
                               ("lvgl_bindings.md", emit_report.emit(decisions, api))):
                if _write(out / name, text):
                    written.append(out / name)
        if args.guest_out:
            gout = Path(args.guest_out)
            types_h, api_h = emit_guest.emit(decisions, api, pods, mirrors)
            outputs = [("lvgl/lvgl_gen_types.h", types_h), ("lvgl/lvgl_gen_api.h", api_h),
                       ("lvgl.h", emit_guest.UMBRELLA)]
            outputs += [(f"lvgl_calls_{i}.c", emit_calls.emit(decisions, api, i))
                        for i in range(emit_calls.PARTS)]
            outputs += [(f"lvgl_fuzz_{i}.c", emit_calls.emit_fuzz(decisions, api, i))
                        for i in range(emit_calls.PARTS)]
            for name, text in outputs:
                if _write(gout / name, text):
                    written.append(gout / name)
    except cparse.GenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"lvgl bindings: {n['host']} host functions ({n['generated']} generated, {n['custom']} "
          f"hand-written), {n['inline'] + n['sdk']} in the guest, {n['unbound']} of {n['public']} "
          f"public functions not bound; {len(written)} files updated "
          f"({time.monotonic() - started:.1f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
