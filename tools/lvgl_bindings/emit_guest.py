"""The guest SDK's generated headers (wasm32, clang):

  lvgl/lvgl_gen_types.h  LVGL's macros, enums, typedefs and structs, as the
                         guest sees them (style and font objects are handles)
  lvgl/lvgl_gen_api.h    every public function: an import from module
                         "lvgl" (with a small inline wrapper where a value
                         is converted, e.g. lv_color_t), LVGL's own pure
                         inline helpers, or a declaration marked
                         unavailable with the reason (a clear compile error)

  lvgl.h                 what guests include: both around the hand-written
                         guest/include/lvgl/sdk.h (generated, so that no file
                         named like LVGL's own header is kept in the repo)
"""

import re

from pycparser import c_ast, c_generator

from . import ctype, fonts, rules

_GEN = c_generator.CGenerator()

_C_WORDS = {
    "sizeof", "int", "unsigned", "signed", "long", "short", "char", "void", "const", "float",
    "double", "struct", "union", "enum", "do", "while", "if", "else", "for", "return", "true",
    "false", "bool", "NULL", "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t",
    "int64_t", "uint64_t", "size_t", "uintptr_t", "intptr_t", "INT8_MAX", "INT16_MAX", "INT32_MAX",
    "INT32_MIN", "UINT8_MAX", "UINT16_MAX", "UINT32_MAX", "INT64_MAX", "UINT64_MAX", "INT16_MIN",
    "INT8_MIN", "PRId32", "PRIu32", "PRIx32", "PRIX32", "PRId64", "PRIu64", "PRIx64", "PRIX64",
    "extern", "static", "inline", "break", "switch", "case", "default", "typedef", "defined",
}
_MACRO_SKIP = re.compile(
    r"(_H|_H_)$|^LV_(ATTRIBUTE|LOG|ASSERT|TRACE|PROFILER|STYLE_CONST|LL_|GLOBAL|MEM_|"
    r"EXPORT_CONST|FORMAT_ATTRIBUTE|NORETURN|FONT_DECLARE|FONT_CUSTOM|OS_|STDLIB_|USE_STDLIB|"
    r"SPRINTF|CONF_|BUILD_|KCONFIG|ENABLE_GLOBAL|.*_INCLUDE$)")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_STRING = re.compile(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'')
_NUMBER = re.compile(r"\b(0[xX][0-9a-fA-F]+|\d+(\.\d*)?)([uUlLfF]*)\b")


def _macros(api, known):
    """LVGL's public macros whose expansion only uses what the guest has
    (fixpoint: a macro using a dropped macro is dropped too)."""
    cands = {}
    for m in api.macros.values():
        if not (m.name.startswith(("LV_", "LVGL_", "lv_"))) or _MACRO_SKIP.search(m.name):
            continue
        cands[m.name] = m
    kept = set(cands)
    changed = True
    while changed:
        changed = False
        for name in sorted(kept):
            m = cands[name]
            params = set(m.params or ())
            body = _NUMBER.sub("0", _STRING.sub('""', m.body))
            for ident in _IDENT.findall(body):
                if ident in params or ident in kept or ident in known or ident in _C_WORDS \
                        or ident.startswith("__VA_ARGS__"):
                    continue
                kept.discard(name)
                changed = True
                break
    out = []
    for name in sorted(kept):
        m = cands[name]
        head = name if m.params is None else f"{name}({', '.join(m.params)})"
        out.append(f"#define {head} {m.body}".rstrip())
    return out


def _params(fn, api, replace=None):
    parts = []
    for i, (name, node) in enumerate(fn.params):
        t = ctype.spell(node)
        pname = name or f"arg{i}"
        if replace and i in replace:
            t = replace[i]
        parts.append(_decl(t, pname))
    return ", ".join(parts) if parts else "void"


def _decl(t, name):
    """`int32_t x`, `lv_obj_t * obj`, `const int32_t x[]` (spelled types may
    carry array brackets or function-pointer parentheses)."""
    if t.endswith("[]"):
        return f"{t[:-2].strip()} {name}[]"
    if "(*)" in t:
        return t.replace("(*)", f"(*{name})", 1)
    return f"{t} {name}"


def _names(fn):
    return [name or f"arg{i}" for i, (name, _) in enumerate(fn.params)]


def _ret_spell(fn):
    return ctype.spell(fn.ret)


def _import_decl(d, api):
    """Declaration(s) of a bound host function in the guest."""
    fn = d.fn
    name = d.name
    attr = f'LVGL_IMPORT("{name}")'
    ret = _ret_spell(fn)
    wrap = d.how == "host" and (any(a.kind in ("color", "color32", "pod_val") for a in d.args)
                                or d.ret.kind in ("color", "color32", "str_ret", "pod_ret"))
    if not wrap:
        return [f"{attr} {_decl(ret, name)}({_params(fn, api)});"]
    # The import takes plain numbers and pointers; the wrapper keeps LVGL's prototype.
    imp_params = []
    call = []
    if d.ret.kind == "pod_ret":
        imp_params.append(f"{d.ret.pod} *__ret")
        call.append("&__r")
    for i, (a, pname) in enumerate(zip(d.args, _names(fn))):
        if a.kind in ("color", "color32"):
            imp_params.append(f"uint32_t {pname}")
            call.append(f"__lvgl_{a.kind}_to_u32({pname})")
        elif a.kind == "pod_val":
            imp_params.append(f"const {a.pod} *{pname}")
            call.append(f"&{pname}")
        else:
            imp_params.append(_decl(ctype.spell(fn.params[i][1]), pname))
            call.append(pname)
    if d.ret.kind == "str_ret":
        imp_params += ["char *__buf", "uint32_t __size"]
    imp_ret = {"color": "uint32_t", "color32": "uint32_t", "str_ret": "int32_t", "pod_ret": "void"}.get(
        d.ret.kind, ret)
    lines = [f"{attr} {_decl(imp_ret, '__lvgl_' + name)}({', '.join(imp_params) or 'void'});"]
    head = f"static inline {_decl(ret, name)}({_params(fn, api)})"
    args = ", ".join(call)
    if d.ret.kind in ("color", "color32"):
        body = f"return __lvgl_u32_to_{d.ret.kind}(__lvgl_{name}({args}));"
    elif d.ret.kind == "pod_ret":
        body = f"{d.ret.pod} __r; __lvgl_{name}({args}); return __r;"
    elif d.ret.kind == "str_ret":
        sargs = ", ".join(call + ["__b->data", "__b->size"])
        body = (f"__lvgl_strbuf_t *__b = __lvgl_strbuf_next(); int32_t __n = __lvgl_{name}({sargs}); "
                f"if (__n >= (int32_t)__b->size && __lvgl_strbuf_grow(__b, (uint32_t)__n + 1)) "
                f"__n = __lvgl_{name}({sargs}); "
                f"return __n < 0 ? NULL : ({ret})__b->data;")
    elif d.ret.kind == "void":
        body = f"__lvgl_{name}({args});"
    else:
        body = f"return __lvgl_{name}({args});"
    lines.append(f"{head} {{ {body} }}")
    return lines


def _unavailable(d, api):
    reason = d.reason.replace('"', "'")
    return [f'{_decl(_ret_spell(d.fn), d.name)}({_params(d.fn, api)}) '
            f'__attribute__((unavailable("not offered to guests: {reason}")));']


STYLE_OVERRIDE = ("typedef struct { uint32_t _lvgl_handle; uint32_t _lvgl_reserved[2]; } lv_style_t; "
                  "/* a handle: the style lives in the firmware */")


def emit(decisions, api, pod_sizes, mirrors):
    types = []
    funcs = []
    for node in api.ext:
        if isinstance(node, c_ast.Typedef):
            if node.name == "lv_style_t":
                types.append(STYLE_OVERRIDE)
            elif node.name not in ("bool",):
                types.append(_GEN.visit(node) + ";")
            continue
        if isinstance(node, c_ast.Decl) and not isinstance(node.type, c_ast.FuncDecl):
            inner = node.type
            if node.name is None and isinstance(inner, (c_ast.Struct, c_ast.Union, c_ast.Enum)):
                if isinstance(inner, c_ast.Struct) and inner.name in ("_lv_font_t",):
                    continue   # fonts are handles in the guest
                types.append(_GEN.visit(node) + ";")
            continue
        fn_decl = node.decl if isinstance(node, c_ast.FuncDef) else node
        if not isinstance(fn_decl, c_ast.Decl) or not isinstance(fn_decl.type, c_ast.FuncDecl):
            continue
        d = decisions.get(fn_decl.name)
        if d is None or d.fn.decl is not fn_decl:
            continue
        if d.how in ("host", "custom"):
            funcs.extend(_import_decl(d, api))
        elif d.how == "inline":
            funcs.append(_GEN.visit(node))
        elif d.how == "unbound":
            funcs.extend(_unavailable(d, api))

    known = set(api.enum_values) | set(api.typedefs) | set(api.structs) | fonts.guest_names(api)
    known |= {d.name for d in decisions.values() if d.bound}
    macros = _macros(api, known)
    checks = [f'_Static_assert(sizeof({n}) == {s}, "{n}: layout differs from the firmware\'s");'
              for n, s in sorted({**pod_sizes, **mirrors}.items())]
    types_h = "\n".join([
        f"// Generated by tools/lvgl_bindings from LVGL {api.version}'s headers: do not edit.",
        "// LVGL's macros, types and constants for guests (wasm32). Include <lvgl.h>.",
        "#ifndef LVGL_GEN_TYPES_H",
        "#define LVGL_GEN_TYPES_H",
        "#include <stdint.h>",
        "#include <stdbool.h>",
        "#include <stddef.h>",
        "#include <string.h>",
        "#include <inttypes.h>",
        "#include <stdarg.h>",
        "",
        *macros,
        "",
        *fonts.guest_macros(api),
        "",
        *types,
        "",
        *checks,
        "",
        "#endif",
        "",
    ])
    api_h = "\n".join([
        f"// Generated by tools/lvgl_bindings from LVGL {api.version}'s headers: do not edit.",
        "// LVGL's functions for guests: imports from module \"lvgl\". Include <lvgl.h>.",
        "#ifndef LVGL_GEN_API_H",
        "#define LVGL_GEN_API_H",
        '#define LVGL_IMPORT(name) __attribute__((import_module("lvgl"), import_name(name)))',
        "",
        *funcs,
        "",
        "#endif",
        "",
    ])
    return types_h, api_h


UMBRELLA = """\
/*
 * lvgl.h - LVGL for guest apps (clang --target=wasm32-wasi), generated by
 * tools/lvgl_bindings.
 *
 * Ordinary LVGL 9 C code compiles against this header unchanged:
 *
 *   #include <lvgl.h>
 *   lv_obj_t *b = lv_button_create(lv_screen_active());
 *
 * Every LVGL function is an import from the firmware's module "lvgl" (or,
 * for pure helpers, compiled into the guest); LVGL's objects stay in the
 * firmware and the guest holds opaque handles to them. Functions the
 * firmware does not offer are declared unavailable with the reason.
 * Include path: build/guest/include and guest/include (lvgl/sdk.h).
 * See README.md, "Graphics for guests".
 */
#ifndef LVGL_H
#define LVGL_H

#include "lvgl/lvgl_gen_types.h"
#include "lvgl/sdk.h"
#include "lvgl/lvgl_gen_api.h"

#endif /* LVGL_H */
"""
