"""LVGL's public API as data: lvgl.h through a C preprocessor and pycparser.

The preprocessor runs with -undef -nostdinc on the parser-only C library in
fake_libc/ (wasm32 types), so gcc and clang give the same declarations on
any host. Everything declared in LVGL's own files is kept, in header order;
the C library's declarations are dropped.
"""

import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pycparser import c_ast, c_parser

HERE = Path(__file__).resolve().parent
FAKE_LIBC = HERE / "fake_libc"


class GenError(Exception):
    """A failure the user can act on (printed as one `error:` line)."""


@dataclass
class Macro:
    name: str
    params: list | None     # None: object-like
    body: str
    file: str


@dataclass
class Function:
    name: str
    decl: c_ast.Decl
    ret: c_ast.Node                  # the return type node
    params: list                     # [(name, type node)]
    variadic: bool
    file: str                        # path relative to LVGL's src/
    body: c_ast.Compound | None = None   # static inline functions

    @property
    def inline(self):
        return self.body is not None


@dataclass
class Api:
    lvgl_dir: Path
    ext: list = field(default_factory=list)          # LVGL's own top-level nodes, in order
    files: dict = field(default_factory=dict)         # id(node) -> relative file
    typedefs: dict = field(default_factory=dict)      # name -> type node
    structs: dict = field(default_factory=dict)       # tag -> c_ast.Struct/Union with decls
    enum_values: dict = field(default_factory=dict)   # enumerator -> int
    enum_types: set = field(default_factory=set)      # typedef names of enums
    enum_members: dict = field(default_factory=dict)  # typedef name -> [(enumerator, value)]
    globals: dict = field(default_factory=dict)       # variable name -> Decl
    functions: dict = field(default_factory=dict)     # name -> Function
    macros: dict = field(default_factory=dict)        # name -> Macro
    version: str = ""


def _preprocess(lvgl_dir, conf_dir, include_dirs, cpp, defines):
    cmd = shlex.split(cpp) + [
        "-E", "-dD", "-undef", "-nostdinc",
        f"-I{FAKE_LIBC}", f"-I{conf_dir}", *(f"-I{d}" for d in include_dirs), f"-I{lvgl_dir}",
        "-DLV_CONF_INCLUDE_SIMPLE", *(f"-D{d}" for d in defines),
        str(lvgl_dir / "lvgl.h"),
    ]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise GenError(f"C preprocessor not found: {cmd[0]} (set --cpp)") from exc
    if result.returncode != 0:
        raise GenError(f"preprocessing lvgl.h failed: {' '.join(cmd)}\n{result.stderr.strip()[-2000:]}")
    return result.stdout


_LINE_MARKER = re.compile(r'^#\s*(\d+)\s+"([^"]*)"')
_DEFINE = re.compile(r"^#\s*define\s+([A-Za-z_]\w*)(\(([^)]*)\))?\s*(.*)$")


def _split_macros(text):
    """Returns (C text for the parser, [(name, params, body, file)]).
    #define/#undef lines become blank lines, so line numbers stay right."""
    lines = text.split("\n")
    macros = []
    current = ""
    for i, line in enumerate(lines):
        m = _LINE_MARKER.match(line)
        if m:
            current = m.group(2)
            continue
        if line.startswith("#"):
            d = _DEFINE.match(line)
            if d:
                params = None
                if d.group(2) is not None:
                    params = [p.strip() for p in d.group(3).split(",") if p.strip()]
                macros.append((d.group(1), params, d.group(4).strip(), current))
            elif re.match(r"^#\s*undef\s+(\w+)", line):
                name = line.split()[-1]
                macros.append((name, "undef", "", current))
            lines[i] = ""
    return "\n".join(lines), macros


def _relative(path, lvgl_dir, conf_dir):
    """Path of an LVGL file relative to the LVGL tree ('src/core/lv_obj.h'),
    'lv_conf' for the configuration, or None for anything else."""
    p = os.path.normpath(path)
    for root, tag in ((os.path.normpath(str(lvgl_dir)), None), (os.path.normpath(str(conf_dir)), "lv_conf")):
        if p.startswith(root + os.sep):
            return tag or p[len(root) + 1:]
    if os.path.basename(p).startswith("lv_conf"):
        return "lv_conf"
    return None


def _eval_int(node, values):
    """Value of an enumerator's constant expression (LVGL's enums use
    literals, other enumerators, shifts, casts and arithmetic)."""
    if node is None:
        return None
    if isinstance(node, c_ast.Constant):
        v = node.value.rstrip("uUlL")
        if node.type == "char":
            return ord(node.value.strip("'"))
        return int(v, 0) if not v.startswith("0") or v == "0" or v.startswith("0x") or v.startswith("0X") \
            else int(v, 8)
    if isinstance(node, c_ast.ID):
        if node.name in values:
            return values[node.name]
        raise GenError(f"enumerator uses unknown name {node.name}")
    if isinstance(node, c_ast.Cast):
        return _eval_int(node.expr, values)
    if isinstance(node, c_ast.UnaryOp):
        v = _eval_int(node.expr, values)
        return {"-": lambda: -v, "~": lambda: ~v, "+": lambda: v, "!": lambda: int(not v)}[node.op]()
    if isinstance(node, c_ast.BinaryOp):
        a, b = _eval_int(node.left, values), _eval_int(node.right, values)
        ops = {"+": a + b, "-": a - b, "*": a * b, "<<": a << b if b >= 0 else 0, ">>": a >> b if b >= 0 else 0,
               "|": a | b, "&": a & b, "^": a ^ b}
        if node.op in ops:
            return ops[node.op]
        if node.op == "/":
            return int(a / b)
        raise GenError(f"enumerator uses operator {node.op}")
    if isinstance(node, c_ast.TernaryOp):
        return _eval_int(node.iftrue if _eval_int(node.cond, values) else node.iffalse, values)
    raise GenError(f"enumerator value not understood: {type(node).__name__}")


def _collect_enum(enum, api):
    value = -1
    for e in enum.values.enumerators if enum.values else []:
        value = _eval_int(e.value, api.enum_values) if e.value is not None else value + 1
        api.enum_values[e.name] = value


def _walk_types(node, api):
    """Records struct/union definitions and enumerators found inside `node`."""
    for child in node:
        if isinstance(child, (c_ast.Struct, c_ast.Union)) and child.decls is not None and child.name:
            api.structs[child.name] = child
        if isinstance(child, c_ast.Enum) and child.values is not None:
            _collect_enum(child, api)
        _walk_types(child, api)


def parse(lvgl_dir, conf_dir, include_dirs=(), cpp="cpp", defines=()):
    """Parses `lvgl_dir`/lvgl.h with the lv_conf.h of `conf_dir`."""
    lvgl_dir = Path(lvgl_dir).resolve()
    conf_dir = Path(conf_dir).resolve()
    if not (lvgl_dir / "lvgl.h").exists():
        raise GenError(f"{lvgl_dir}/lvgl.h not found (run `make setup`)")
    if not (conf_dir / "lv_conf.h").exists():
        raise GenError(f"{conf_dir}/lv_conf.h not found")
    text = _preprocess(lvgl_dir, conf_dir, include_dirs, cpp, defines)
    code, raw_macros = _split_macros(text)
    try:
        ast = c_parser.CParser().parse(code, "lvgl.h")
    except Exception as exc:  # pycparser raises its own ParseError type
        raise GenError(f"pycparser could not parse LVGL's headers: {exc}") from exc

    api = Api(lvgl_dir=lvgl_dir)
    for name, params, body, path in raw_macros:
        rel = _relative(path, lvgl_dir, conf_dir) if path else None
        if params == "undef":
            api.macros.pop(name, None)
        elif rel is not None:
            api.macros[name] = Macro(name, params, body, rel)
    for node in ast.ext:
        rel = _relative(node.coord.file, lvgl_dir, conf_dir) if node.coord else None
        if isinstance(node, c_ast.Typedef):
            api.typedefs[node.name] = node.type
        if rel is None:
            continue
        api.ext.append(node)
        api.files[id(node)] = rel
        _walk_types(node, api)
        if isinstance(node, c_ast.Typedef):
            inner = node.type.type if isinstance(node.type, c_ast.TypeDecl) else None
            if isinstance(inner, c_ast.Enum):
                api.enum_types.add(node.name)
                if inner.values is not None:
                    api.enum_members[node.name] = [(e.name, api.enum_values[e.name])
                                                   for e in inner.values.enumerators]
            if isinstance(inner, (c_ast.Struct, c_ast.Union)) and inner.decls is not None and not inner.name:
                api.structs[node.name] = inner   # typedef struct { ... } name;
        elif isinstance(node, c_ast.FuncDef):
            _add_function(api, node.decl, rel, node.body)
        elif isinstance(node, c_ast.Decl):
            if isinstance(node.type, c_ast.FuncDecl):
                _add_function(api, node, rel, None)
            elif node.name:
                api.globals[node.name] = node
    major = api.macros.get("LVGL_VERSION_MAJOR")
    minor = api.macros.get("LVGL_VERSION_MINOR")
    patch = api.macros.get("LVGL_VERSION_PATCH")
    if major and minor and patch:
        api.version = f"{major.body}.{minor.body}.{patch.body}"
    return api


def _add_function(api, decl, rel, body):
    fdecl = decl.type
    params = []
    variadic = False
    if fdecl.args is not None:
        for i, p in enumerate(fdecl.args.params):
            if isinstance(p, c_ast.EllipsisParam):
                variadic = True
                continue
            if isinstance(p, c_ast.Typename) and _is_void(p.type):
                continue   # (void)
            params.append((p.name or f"arg{i}", p.type))
    fn = Function(decl.name, decl, fdecl.type, params, variadic, rel, body)
    previous = api.functions.get(decl.name)
    if previous is not None and previous.body is not None and body is None:
        return   # a prototype after its inline definition
    api.functions[decl.name] = fn


def _is_void(node):
    return (isinstance(node, c_ast.TypeDecl) and isinstance(node.type, c_ast.IdentifierType)
            and node.type.names == ["void"])
