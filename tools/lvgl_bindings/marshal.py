"""How each public function crosses the sandbox.

`classify(api)` returns one `Decision` per public function: bound (host
function, hand-written host function, or pure inline helper compiled into
the guest) or not bound, with the reason. A bound host function has one
`Arg` per parameter and a `Ret`, each with a marshalling kind:

  i32 i64 f32 f64     plain numbers (enums, bools, coordinates, ...)
  color / color32     lv_color_t as 0xRRGGBB, lv_color32_t as 0xAARRGGBB
  handle              an object/style/timer/... handle (per-instance table)
  str                 const char *: copied from validated guest memory
  outbuf              char *buf + its size: LVGL writes a copy for the guest
  pod_in / pod_inout  pointer to a plain struct or integer, copied in (and out)
  pod_array           const T *array + count, copied in
  pod_val             plain struct by value (the guest passes a pointer)
  str_ret             returned string, copied into a guest buffer
  pod_ret             returned plain struct, written to a guest pointer
"""

import re
from dataclasses import dataclass, field

from . import ctype, purity, rules


@dataclass
class Arg:
    name: str
    kind: str
    ctype: ctype.CType
    handle: str = ""         # handle kind (OBJ, STYLE, ...)
    nullable: bool = False
    pod: str = ""            # C type name of a pod_* element
    count: int | None = None  # index of the count parameter (pod_array, outbuf)
    widget: str = ""         # required class of an OBJ handle
    wasm: str = "i"          # WAMR signature letter
    enum_range: tuple | None = None   # (min, max) of a plain (not flag) enum


@dataclass
class Decision:
    name: str
    file: str
    area: str
    how: str                 # host | custom | inline | sdk | unbound
    reason: str = ""
    args: list = field(default_factory=list)
    ret: Arg | None = None
    fn: object = None

    @property
    def bound(self):
        return self.how != "unbound"

    def signature(self):
        """WAMR's signature string of the import."""
        params = "".join(a.wasm for a in self.args)
        if self.ret is not None and self.ret.kind == "str_ret":
            params += "ii"
        if self.ret is not None and self.ret.kind == "pod_ret":
            params = "i" + params
        result = self.ret.wasm if self.ret is not None and self.ret.kind not in ("void", "pod_ret") else ""
        return f"({params}){result}"


class Unbindable(Exception):
    pass


_COUNT_NAME = re.compile(r"(^|_)(cnt|num|count|len|size|n|number)$|_cnt$|_num$")


def _enum_range(t, api):
    """(min, max) of the enumerators of an enum type, or None for flag
    enums (values that are bits and unions of bits, as lv_dir_t or
    lv_state_t), where LVGL takes any combination. LVGL indexes arrays with
    some enums (the keyboard's modes): values outside are refused."""
    values = api.enum_members.get(t.name)
    if not values:
        return None
    vals = sorted({v for n, v in values if not n.endswith(("_LAST", "_NUM", "_COUNT")) and not n.startswith("_")})
    if not vals:
        return None
    dense = vals[-1] - vals[0] + 1 == len(vals)
    if not dense:
        bits = [v for v in vals if v > 0 and v & (v - 1) == 0]
        mask = 0
        for v in bits:
            mask |= v
        if len(bits) >= 2 and all(v >= 0 and (v & ~mask) == 0 for v in vals):
            return None
    return (vals[0], vals[-1])


def _scalar(t, name, api=None):
    if t.kind in ("int", "enum", "bool"):
        if t.bits == 64:
            return Arg(name, "i64", t, wasm="I")
        a = Arg(name, "i32", t)
        if t.kind == "enum" and api is not None:
            a.enum_range = _enum_range(t, api)
        return a
    if t.kind == "float":
        return Arg(name, "f64", t, wasm="F") if t.bits == 64 else Arg(name, "f32", t, wasm="f")
    return None


def _pod_name(t):
    return t.name if t.name else t.spelled.replace("const", "").strip()


def _param(fn, index, params, api):
    name, node = params[index]
    t = ctype.describe(node, api)
    s = _scalar(t, name, api)
    if s is not None:
        return s
    if t.kind in ("struct", "union"):
        if t.name == "lv_color_t":
            return Arg(name, "color", t)
        if t.name == "lv_color32_t":
            return Arg(name, "color32", t)
        if t.name in rules.POD_STRUCTS and ctype.is_pod(t, api):
            return Arg(name, "pod_val", t, pod=t.name)
        raise Unbindable(f"takes {t.spelled} by value")
    if t.kind == "func":
        raise Unbindable(f"takes a C callback ({t.name or t.spelled})")
    if t.kind == "array":
        t = ctype.CType("ptr", t.spelled, const=t.const, target=t.target)
    if t.kind != "ptr":
        raise Unbindable(f"takes {t.spelled}")
    target = t.target
    kind = rules.HANDLES.get(target.name)
    if kind is not None:
        return Arg(name, "handle", t, handle=kind,
                   nullable=kind in rules.NULL_MEANS_DEFAULT or rules.nullable(fn.name, name))
    if target.kind == "ptr":
        raise Unbindable(f"takes a pointer to pointers ({t.spelled})")
    if target.kind == "void":
        raise Unbindable("takes an untyped pointer (void *)")
    if target.kind == "int" and target.bits == 8 and target.name in ("char",):
        if t.const:
            return Arg(name, "str", t, nullable=rules.nullable(fn.name, name))
        nxt = params[index + 1] if index + 1 < len(params) else None
        if nxt is not None and ctype.describe(nxt[1], api).kind == "int":
            return Arg(name, "outbuf", t, count=index + 1)
        raise Unbindable("writes to a char buffer of unknown size")
    pod = _pod_name(target)
    is_pod = (target.kind in ("int", "enum", "bool") and pod in rules.POD_OUT_SCALARS) or \
        (target.kind == "struct" and pod in rules.POD_STRUCTS and ctype.is_pod(target, api))
    if not is_pod:
        raise Unbindable(f"takes a pointer to {target.spelled}")
    nxt = params[index + 1] if index + 1 < len(params) else None
    if t.const and nxt is not None and _COUNT_NAME.search(nxt[0]) \
            and ctype.describe(nxt[1], api).kind == "int":
        return Arg(name, "pod_array", t, pod=pod, count=index + 1)
    return Arg(name, "pod_in" if t.const else "pod_inout", t, pod=pod)


def _ret(fn, api):
    t = ctype.describe(fn.ret, api)
    if t.kind == "void":
        return Arg("return", "void", t, wasm="")
    s = _scalar(t, "return")
    if s is not None:
        return s
    if t.kind == "struct" and t.name == "lv_color_t":
        return Arg("return", "color", t)
    if t.kind == "struct" and t.name == "lv_color32_t":
        return Arg("return", "color32", t)
    if t.kind == "struct" and t.name in rules.POD_STRUCTS and ctype.is_pod(t, api):
        return Arg("return", "pod_ret", t, pod=t.name, wasm="")
    if t.kind == "ptr":
        kind = rules.HANDLES.get(t.target.name)
        if kind is not None:
            return Arg("return", "handle", t, handle=kind)
        if t.target.kind == "int" and t.target.bits == 8 and t.target.name == "char":
            return Arg("return", "str_ret", t)
        if t.target.kind == "void":
            raise Unbindable("returns an untyped pointer (void *)")
        raise Unbindable(f"returns a pointer into LVGL's memory ({t.spelled})")
    raise Unbindable(f"returns {t.spelled}")


def _bind(fn, api):
    args = [_param(fn, i, fn.params, api) for i in range(len(fn.params))]
    ret = _ret(fn, api)
    cls = rules.widget_class(fn.name)
    if cls and args and args[0].kind == "handle" and args[0].handle == "OBJ":
        args[0].widget = cls
    return args, ret


def classify(api):
    pure = purity.guest_pure_inlines(api)
    decisions = {}
    for fn in api.functions.values():
        area, reason = rules.area_of(fn.file)
        d = Decision(fn.name, fn.file, area or "", "unbound", fn=fn)
        decisions[fn.name] = d
        if area is None:
            d.reason = reason or f"header {fn.file} is not classified (tools/lvgl_bindings/rules.py)"
            continue
        if fn.name in rules.EXCLUDED:
            d.reason = rules.EXCLUDED[fn.name]
        elif fn.file in rules.DISPLAY_HEADERS and fn.name not in rules.DISPLAY_READS:
            d.reason = rules.DISPLAY_REASON
        elif fn.name in rules.GUEST_SDK:
            d.how, d.reason = "sdk", "implemented in the guest SDK (guest memory only)"
        elif fn.name.endswith("_static"):
            d.reason = "LVGL would keep the pointer to guest memory: use the copying variant"
        elif fn.variadic or any(ctype.describe(p, api).name == "va_list" for _, p in fn.params):
            d.reason = "printf-style: format the text in the guest and call the plain variant"
        elif "_bind_" in fn.name:
            d.reason = "subjects and observers are not offered"
        elif fn.name in rules.CUSTOM:
            d.how, d.reason = "custom", rules.CUSTOM[fn.name]
            try:
                d.args, d.ret = _bind(fn, api)
            except Unbindable:
                d.args, d.ret = [], None   # the custom code defines the interface
        elif fn.name in pure:
            d.how, d.reason = "inline", "pure inline helper, compiled into the guest"
        else:
            try:
                d.args, d.ret = _bind(fn, api)
                d.how = "host"
            except Unbindable as exc:
                d.reason = str(exc)
    return decisions
