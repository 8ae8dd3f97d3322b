"""C types of LVGL's API, resolved through typedefs, with wasm32 layouts.

`describe(node, api)` turns a pycparser type node into a `CType`: what the
value is (integer, pointer, struct, ...) and the name it is spelled with in
LVGL's headers. `layout(ctype, api)` gives size and alignment on wasm32 (the
guest), `struct_fields()` the offsets of a struct's members.
"""

from dataclasses import dataclass, field

from pycparser import c_ast, c_generator

from .cparse import GenError

_GEN = c_generator.CGenerator()

# (bits, signed) of C's integer types on wasm32 (ILP32, signed char).
_INTS = {
    ("char",): (8, True), ("signed", "char"): (8, True), ("unsigned", "char"): (8, False),
    ("short",): (16, True), ("short", "int"): (16, True), ("signed", "short"): (16, True),
    ("unsigned", "short"): (16, False), ("unsigned", "short", "int"): (16, False),
    ("int",): (32, True), ("signed",): (32, True), ("signed", "int"): (32, True),
    ("unsigned",): (32, False), ("unsigned", "int"): (32, False),
    ("long",): (32, True), ("long", "int"): (32, True), ("unsigned", "long"): (32, False),
    ("unsigned", "long", "int"): (32, False),
    ("long", "long"): (64, True), ("long", "long", "int"): (64, True),
    ("unsigned", "long", "long"): (64, False), ("unsigned", "long", "long", "int"): (64, False),
}


@dataclass
class CType:
    kind: str              # void int bool float enum struct union ptr array func
    spelled: str           # as written in LVGL's headers ('lv_obj_t *', 'int32_t')
    name: str = ""         # the outermost typedef name, or struct/enum tag
    const: bool = False    # const-qualified (for pointers: the pointee)
    bits: int = 0          # int, float, enum, bool
    signed: bool = False
    target: "CType" = None  # ptr/array element
    tag: str = ""          # struct/union tag
    length: int | None = None   # array
    typedefs: list = field(default_factory=list)  # every typedef name on the way down

    @property
    def is_scalar(self):
        return self.kind in ("int", "bool", "enum", "float")

    def pointee_name(self):
        return self.target.name if self.kind == "ptr" and self.target else ""


def spell(node):
    """C spelling of a type node without a declarator name."""
    return _GEN._generate_type(node, emit_declname=False).strip()


def _quals(node):
    return getattr(node, "quals", []) or []


def describe(node, api, _seen=None):
    spelled = spell(node)
    if isinstance(node, c_ast.Typename):
        node = node.type
    if isinstance(node, c_ast.PtrDecl):
        target = describe(node.type, api)
        if isinstance(node.type, c_ast.FuncDecl) or target.kind == "func":
            return CType("func", spelled, name=target.name)
        return CType("ptr", spelled, const=target.const, target=target)
    if isinstance(node, c_ast.ArrayDecl):
        target = describe(node.type, api)
        length = None
        if isinstance(node.dim, c_ast.Constant):
            length = int(node.dim.value.rstrip("uUlL"), 0)
        elif isinstance(node.dim, c_ast.ID) and node.dim.name in api.enum_values:
            length = api.enum_values[node.dim.name]
        return CType("array", spelled, const=target.const, target=target, length=length)
    if isinstance(node, c_ast.FuncDecl):
        return CType("func", spelled)
    if isinstance(node, c_ast.TypeDecl):
        const = "const" in _quals(node)
        inner = node.type
        if isinstance(inner, c_ast.IdentifierType):
            names = tuple(n for n in inner.names if n not in ("const", "volatile"))
            if len(names) == 1 and names[0] in api.typedefs and names[0] not in ("bool",):
                t = describe(api.typedefs[names[0]], api)
                t = CType(**{**t.__dict__})
                t.typedefs = [names[0]] + t.typedefs
                t.name = names[0]
                t.spelled = spelled
                t.const = t.const or const
                if t.kind in ("struct", "union") and not t.tag:
                    t.tag = names[0]   # typedef struct { ... } name;
                return t
            if names == ("void",):
                return CType("void", spelled, name="void", const=const)
            if names == ("_Bool",):
                return CType("bool", spelled, name="bool", const=const, bits=8)
            if names == ("float",):
                return CType("float", spelled, name="float", const=const, bits=32)
            if names == ("double",):
                return CType("float", spelled, name="double", const=const, bits=64)
            key = names if names in _INTS else None
            if key is None:
                raise GenError(f"unknown C type {' '.join(names)}")
            bits, signed = _INTS[key]
            return CType("int", spelled, name=" ".join(names), const=const, bits=bits, signed=signed)
        if isinstance(inner, c_ast.Enum):
            return CType("enum", spelled, name=inner.name or "", const=const, bits=32, signed=True)
        if isinstance(inner, (c_ast.Struct, c_ast.Union)):
            kind = "struct" if isinstance(inner, c_ast.Struct) else "union"
            return CType(kind, spelled, name=inner.name or "", tag=inner.name or "", const=const)
    raise GenError(f"type not understood: {spelled}")


# --- wasm32 layouts ----------------------------------------------------------------

def layout(t, api):
    """(size, align) of `t` on wasm32."""
    if t.kind in ("int", "enum", "bool", "float"):
        size = t.bits // 8
        return size, size
    if t.kind in ("ptr", "func"):
        return 4, 4
    if t.kind == "array":
        if t.length is None:
            raise GenError(f"array of unknown length: {t.spelled}")
        size, align = layout(t.target, api)
        return size * t.length, align
    if t.kind in ("struct", "union"):
        fields, size, align = struct_fields(t.tag, api)
        return size, align
    raise GenError(f"no layout for {t.spelled}")


def struct_fields(tag, api):
    """([(name, CType, offset, bit_offset, bit_width)], size, align) on wasm32.
    Bit-fields pack into units of their declared type, as clang lays them
    out on wasm32; the guest header checks every size with _Static_assert."""
    node = api.structs.get(tag)
    if node is None:
        raise GenError(f"struct {tag} is not defined in LVGL's public headers")
    is_union = isinstance(node, c_ast.Union)
    fields = []
    offset_bits = 0
    size_bits = 0
    align = 1
    for decl in node.decls:
        t = describe(decl.type, api)
        fsize, falign = layout(t, api)
        align = max(align, falign)
        if decl.bitsize is not None:
            width = int(decl.bitsize.value, 0)
            unit = fsize * 8
            start = 0 if is_union else offset_bits
            if width == 0:
                offset_bits = (offset_bits + unit - 1) // unit * unit
                continue
            if start // unit != (start + width - 1) // unit:
                start = (start + unit - 1) // unit * unit
            fields.append((decl.name, t, (start // unit) * fsize, start % unit, width))
            if not is_union:
                offset_bits = start + width
            size_bits = max(size_bits, start + width)
            continue
        start = 0 if is_union else (offset_bits + falign * 8 - 1) // (falign * 8) * (falign * 8)
        fields.append((decl.name, t, start // 8, 0, 0))
        if not is_union:
            offset_bits = start + fsize * 8
        size_bits = max(size_bits, start + fsize * 8)
    size = (size_bits + 7) // 8
    size = (size + align - 1) // align * align
    return fields, size, align


def is_pod(t, api, _depth=0):
    """True when the type has the same bytes on wasm32 and on every host the
    firmware runs on: fixed-width integers and enums (and arrays and structs
    of them), no pointers, no bit-fields. Such values cross the sandbox with
    one bounds-checked copy."""
    if t.kind in ("int", "enum", "bool"):
        return t.kind != "int" or t.name not in ("long", "unsigned long", "long int", "unsigned long int")
    if t.kind == "array":
        return t.length is not None and is_pod(t.target, api, _depth + 1)
    if t.kind == "struct" and _depth < 8:
        if t.tag not in api.structs:
            return False
        fields, _, _ = struct_fields(t.tag, api)
        return all(bw == 0 and is_pod(ft, api, _depth + 1) for _, ft, _, _, bw in fields)
    return False


def named(name, api):
    """The CType of a type name ('lv_area_t')."""
    return describe(c_ast.TypeDecl(None, [], None, c_ast.IdentifierType([name])), api)
