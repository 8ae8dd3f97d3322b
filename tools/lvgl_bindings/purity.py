"""Which of LVGL's static inline functions can be compiled into the guest.

An inline helper is "pure" when its body only computes on its arguments
and public plain structs (lv_color_hex, lv_area_get_width, lv_pct, ...):
it calls nothing but other pure helpers, reads no global variable, and
touches no field of a type the guest sees differently from the host
(style and font objects are handles in the guest). Pure helpers go into
the guest header as LVGL wrote them; the other inline functions become
host functions like any other.
"""

from pycparser import c_ast

from . import ctype, rules

# Types whose fields the guest does not have (they are handles there).
GUEST_OPAQUE = {"lv_style_t", "lv_font_t", "_lv_style_t", "_lv_font_t"}


class _Impure(Exception):
    pass


class _Checker(c_ast.NodeVisitor):
    def __init__(self, fn, api, pure):
        self.api = api
        self.pure = pure
        self.env = {name: ctype.describe(node, api) for name, node in fn.params}

    def visit_Decl(self, node):
        if node.name and not isinstance(node.type, c_ast.FuncDecl):
            self.env[node.name] = ctype.describe(node.type, self.api)
        self.generic_visit(node)

    def visit_FuncCall(self, node):
        if not isinstance(node.name, c_ast.ID):
            raise _Impure("indirect call")
        name = node.name.name
        if name not in self.pure and name not in rules.GUEST_SDK:
            raise _Impure(f"calls {name}")
        if node.args is not None:
            self.visit(node.args)

    def visit_ID(self, node):
        name = node.name
        if name in self.env or name in self.api.enum_values or name in self.pure or name in rules.GUEST_SDK:
            return
        if name in self.api.globals:
            raise _Impure(f"reads global {name}")
        if name in self.api.functions:
            raise _Impure(f"takes the address of {name}")

    def visit_StructRef(self, node):
        t = self.type_of(node.name)
        if t is None:
            raise _Impure("field of an expression of unknown type")
        if node.type == "->":
            if t.kind != "ptr":
                raise _Impure("-> on a non-pointer")
            t = t.target
        if t.name in GUEST_OPAQUE or t.tag in GUEST_OPAQUE:
            raise _Impure(f"reads a field of {t.name}")
        self.visit(node.name)

    def visit_Typename(self, node):
        return

    def type_of(self, expr):
        """The type of a (simple) lvalue expression, or None."""
        if isinstance(expr, c_ast.ID):
            return self.env.get(expr.name)
        if isinstance(expr, c_ast.StructRef):
            base = self.type_of(expr.name)
            if base is None:
                return None
            if expr.type == "->":
                base = base.target if base.kind == "ptr" else None
            if base is None or base.kind not in ("struct", "union"):
                return None
            try:
                fields, _, _ = ctype.struct_fields(base.tag, self.api)
            except Exception:
                return None
            for fname, ft, _, _, _ in fields:
                if fname == expr.field.name:
                    return ft
            return None
        if isinstance(expr, c_ast.ArrayRef):
            base = self.type_of(expr.name)
            return base.target if base is not None and base.kind in ("ptr", "array") else None
        if isinstance(expr, c_ast.UnaryOp) and expr.op == "*":
            base = self.type_of(expr.expr)
            return base.target if base is not None and base.kind == "ptr" else None
        if isinstance(expr, c_ast.Cast):
            return ctype.describe(expr.to_type.type, self.api)
        return None


def guest_pure_inlines(api):
    """Names of the inline functions that compile into the guest unchanged."""
    candidates = {f.name: f for f in api.functions.values() if f.inline}
    pure = set(candidates)
    changed = True
    while changed:
        changed = False
        for name in sorted(pure):
            fn = candidates[name]
            try:
                _Checker(fn, api, pure).visit(fn.body)
                ret = ctype.describe(fn.ret, api)
                for t in [ret] + [ctype.describe(p, api) for _, p in fn.params]:
                    inner = t.target if t.kind == "ptr" else t
                    if inner is not None and (inner.name in GUEST_OPAQUE or inner.tag in GUEST_OPAQUE):
                        raise _Impure("handle type in the signature")
            except _Impure:
                pure.discard(name)
                changed = True
    return pure
