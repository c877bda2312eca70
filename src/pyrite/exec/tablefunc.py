"""Table-valued functions in FROM: json_each, json_tree and the pragma_* functions.

Owns the row generators of SQLite's eponymous virtual tables that pyrite has
(json.c's json_each/json_tree, pragma.c's pragma virtual tables), their column
lists with the HIDDEN argument columns last, and the small pieces the code
generator asks of such a source: its FROM item (`make_source`), its loop
iterator and EXPLAIN QUERY PLAN line (`access_path`) and its join-order loop
(`where_loop`). Knows nothing of B-trees. PRAGMA rows come from exec/ddl.py's pragma.
Spec: json1.html#jeach, pragma.html#pragfunc, vtab.html#tabfunc2.

A source's arguments fill its hidden columns in order (json_each(J, P) is
`json = J AND root = P`); they may read earlier FROM items or outer queries, so
the generator is called again for every outer row (a correlated, lateral
source). The generated loop is ``for r in <fn>(X, arg, ...)``; every function
takes the run context X first.

json_each/json_tree ids
-----------------------
SQLite numbers the nodes of its parse in document order, an object's label and
value each taking one (``{"a":[1]}``: object 0, label "a" 1, array 2, element
3); ``id`` is the number of the value, ``parent`` of its container. The
numbering is rebuilt here over functions/json.py's tree (``_Flat``). The quirks
of 3.40's json_tree are kept: ``fullkey``/``path`` are computed from the
document root with the array indexes of the current walk, so an array above a
path-selected root shows index 0 (``json_tree('[5,[1,2]]', '$[1]')`` has
fullkey ``$[0]``), and the key of a path-selected root in an array is NULL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyrite import errors
from pyrite.functions import json as J
from pyrite.planner import cost as COST
from pyrite.sql import ast

if TYPE_CHECKING:
    from pyrite.exec.codegen import Src

Row = tuple[Any, ...]


@dataclass(frozen=True)
class TableFunc:
    """One table-valued function: visible columns, hidden (argument) columns,
    the row generator rows(X, *args), and the EXPLAIN idxNum for n arguments."""

    name: str
    columns: tuple[str, ...]
    hidden: tuple[str, ...]
    rows: Callable[..., Iterator[Row]]
    index_num: Callable[[int], int]


# --------------------------------------------------------------------------- JSON


JSON_COLUMNS = ("key", "value", "type", "atom", "id", "parent", "fullkey", "path")
JSON_HIDDEN = ("json", "root")


class _Flat:
    """A parse tree numbered as json.c's aNode: nodes[i], is a label, aUp[i],
    and end[i] (one past the last node of i's subtree, i + jsonNodeSize)."""

    __slots__ = ("nodes", "label", "up", "end")

    def __init__(self, root: J.JNode) -> None:
        nodes: list[J.JNode] = []
        label: list[bool] = []
        up: list[int] = []
        stack: list[tuple[J.JNode, int, bool]] = [(root, 0, False)]
        while stack:
            node, parent, lab = stack.pop()
            i = len(nodes)
            nodes.append(node)
            label.append(lab)
            up.append(parent)
            if lab:
                continue
            items = node.items
            if node.kind == J.J_ARRAY:
                stack.extend((x, i, False) for x in reversed(items))
            elif node.kind == J.J_OBJECT:
                for k in range(len(items) - 2, -1, -2):
                    stack.append((items[k + 1], i, False))
                    stack.append((items[k], i, True))
        size = [1] * len(nodes)
        for i in range(len(nodes) - 1, 0, -1):
            size[up[i]] += size[i]
        self.nodes = nodes
        self.label = label
        self.up = up
        self.end = [i + n for i, n in enumerate(size)]

    def index_of(self, node: J.JNode) -> int:
        for i, x in enumerate(self.nodes):
            if x is node and not self.label[i]:
                return i
        raise AssertionError("node not in its own parse")


def _value(node: J.JNode) -> Any:
    """jsonReturn: the SQL value of a node; a container as its (minified) JSON text."""
    v = J.sql_value(node)
    return v.text if isinstance(v, J.JsonText) else v


def _object_element(label: J.JNode) -> str:
    """jsonAppendObjectPathElement: `.key` when the key is an ASCII letter then
    letters and digits, else `."key"` as written in the JSON text."""
    z = label.text
    inner = z[1:-1]
    if inner and inner.isascii() and inner[0].isalpha() and inner.isalnum():
        return "." + inner
    return "." + z


def _each(args: tuple[Any, ...], recursive: bool) -> Iterator[Row]:
    """jsonEachFilter, then jsonEachNext/jsonEachColumn per row."""
    if not args:
        return
    z = J.value_text(args[0])
    if z is None:
        return
    root = J.parse(z)
    if root is None:
        raise errors.OperationalError("malformed JSON")
    flat = _Flat(root)
    nodes, label, up = flat.nodes, flat.label, flat.up
    zroot: str | None = None
    begin = 0
    if len(args) > 1:
        zroot = J.value_text(args[1])
        if zroot is None:
            return
        found, _ = J.lookup(root, zroot)
        if found is None:
            return
        begin = flat.index_of(found)
    root_text = zroot if zroot is not None else "$"
    node = nodes[begin]
    etype = node.kind
    i = begin
    ikey: dict[int, int] = {}  # an array's u.iKey: the index of the child being walked
    if etype >= J.J_ARRAY:
        end = flat.end[begin]
        if recursive:
            etype = nodes[up[i]].kind
            if i > 0 and label[i - 1]:
                i -= 1
        else:
            i += 1
    else:
        end = i + 1

    def path_of(k: int) -> str:
        """jsonEachComputePath, iteratively."""
        segs: list[str] = []
        while k != 0:
            u = up[k]
            if nodes[u].kind == J.J_ARRAY:
                segs.append(f"[{ikey.get(u, 0)}]")
            else:
                segs.append(_object_element(nodes[k] if label[k] else nodes[k - 1]))
            k = u
        return "$" + "".join(reversed(segs))

    rowid = 0
    while i < end:
        v = i + 1 if label[i] else i
        this = nodes[v]
        key: Any = None
        if i != 0:
            if etype == J.J_OBJECT:
                key = _value(nodes[i])
            elif etype == J.J_ARRAY:
                if recursive:
                    key = None if rowid == 0 else ikey.get(up[i], 0)
                else:
                    key = rowid
        value = _value(this)
        atom = value if this.kind < J.J_ARRAY else None
        if recursive:
            parent = up[i] if i > begin else None
            fullkey = path_of(i)
            path = path_of(up[i])
        else:
            parent = None
            if etype == J.J_ARRAY:
                fullkey = f"{root_text}[{rowid}]"
            elif etype == J.J_OBJECT:
                fullkey = root_text + _object_element(nodes[i])
            else:
                fullkey = root_text
            path = root_text
        yield (key, value, J.TYPE_NAMES[this.kind], atom, v, parent, fullkey, path, z,
               root_text)
        # jsonEachNext
        if recursive:
            if label[i]:
                i += 1
            i += 1
            rowid += 1
            if i < end:
                u = up[i]
                etype = nodes[u].kind
                if etype == J.J_ARRAY:
                    ikey[u] = 0 if u == i - 1 else ikey.get(u, 0) + 1
        elif etype == J.J_ARRAY:
            i = flat.end[i]
            rowid += 1
        elif etype == J.J_OBJECT:
            i = flat.end[i + 1]
            rowid += 1
        else:
            i = end


def json_each(x: Any, *args: Any) -> Iterator[Row]:
    """json_each(X, json[, root]) -> rows over the children of root (json1.html#jeach)."""
    return _each(args, False)


def json_tree(x: Any, *args: Any) -> Iterator[Row]:
    """json_tree(X, json[, root]) -> rows over root and everything below it, depth first."""
    return _each(args, True)


def _json_index_num(n: int) -> int:
    return 0 if n == 0 else (1 if n == 1 else 3)


# --------------------------------------------------------------------------- PRAGMA

_ARG_SCHEMA = ("arg", "schema")
_SCHEMA = ("schema",)

# The pragma virtual tables pyrite's PRAGMA implementation can fill, with
# SQLite's column names (pragma.h pragCName) and hidden columns (PragFlg_Result1
# gives `arg`, PragFlg_SchemaOpt/SchemaReq give `schema`).
PRAGMA_FUNCS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "table_info": (("cid", "name", "type", "notnull", "dflt_value", "pk"), _ARG_SCHEMA),
    "table_xinfo": (("cid", "name", "type", "notnull", "dflt_value", "pk", "hidden"),
                    _ARG_SCHEMA),
    "table_list": (("schema", "name", "type", "ncol", "wr", "strict"), ("arg",)),
    "index_list": (("seq", "name", "unique", "origin", "partial"), _ARG_SCHEMA),
    "index_info": (("seqno", "cid", "name"), _ARG_SCHEMA),
    "index_xinfo": (("seqno", "cid", "name", "desc", "coll", "key"), _ARG_SCHEMA),
    "foreign_key_list": (("id", "seq", "table", "from", "to", "on_update", "on_delete",
                          "match"), _ARG_SCHEMA),
    "integrity_check": (("integrity_check",), _ARG_SCHEMA),
    "quick_check": (("quick_check",), _ARG_SCHEMA),
    "database_list": (("seq", "name", "file"), ()),
    "collation_list": (("seq", "name"), ()),
    "user_version": (("user_version",), ()),
    "application_id": (("application_id",), ()),
    "schema_version": (("schema_version",), ()),
    "freelist_count": (("freelist_count",), ()),
    "encoding": (("encoding",), ()),
    "foreign_keys": (("foreign_keys",), ()),
    "journal_mode": (("journal_mode",), _SCHEMA),
    "page_size": (("page_size",), _SCHEMA),
    "page_count": (("page_count",), _SCHEMA),
    "cache_size": (("cache_size",), _SCHEMA),
    "synchronous": (("synchronous",), _SCHEMA),
    "auto_vacuum": (("auto_vacuum",), _SCHEMA),
    "locking_mode": (("locking_mode",), _SCHEMA),
    "busy_timeout": (("timeout",), ()),
    "temp_store": (("temp_store",), ()),
    "automatic_index": (("automatic_index",), ()),
    "recursive_triggers": (("recursive_triggers",), ()),
    "defer_foreign_keys": (("defer_foreign_keys",), ()),
    "ignore_check_constraints": (("ignore_check_constraints",), ()),
}

# pragmas whose argument names a table or index, and so a schema
_TABLE_ARG = frozenset({"table_info", "table_xinfo", "index_list", "index_info",
                        "index_xinfo", "foreign_key_list"})


def _pragma_text(v: Any) -> str | None:
    """sqlite3_value_text of an argument, as pragma.c's xFilter copies it."""
    if v is None:
        return None
    return J.value_text(v)


def _pragma_rows(name: str, ncols: int, hidden: tuple[str, ...]
                 ) -> Callable[..., Iterator[Row]]:
    def rows(x: Any, *args: Any) -> Iterator[Row]:
        """pragma_<name>(X, [arg, ][schema]) -> the rows of PRAGMA [schema.]name[=arg]."""
        from pyrite.exec import ddl

        vals = [_pragma_text(a) for a in args] + [None] * (len(hidden) - len(args))
        arg = vals[0] if hidden[:1] == ("arg",) else None
        schema = vals[hidden.index("schema")] if "schema" in hidden else None
        s = x.session
        if schema is not None and schema.lower() not in ("main", "temp"):
            raise errors.OperationalError(f"unknown database '{schema}'")
        if schema is not None and name in _TABLE_ARG and arg is not None:
            want_temp = schema.lower() == "temp"
            obj: Any = s.catalog.table(arg)
            if obj is None:
                obj = s.catalog.indexes.get(arg.lower())
                if obj is not None:
                    obj = s.catalog.table(obj.table)
            if obj is not None and bool(getattr(obj, "temp", False)) != want_temp:
                return
            if obj is None and want_temp:
                return
        node = ast.Pragma(None, name, None if arg is None else ast.Literal(arg))
        _, got, _ = ddl.pragma(s, node)
        tail = tuple(vals)
        for r in got:
            yield tuple(r[:ncols]) + (None,) * (ncols - len(r)) + tail
    return rows


def _zero(n: int) -> int:
    return 0


TABLE_FUNCS: dict[str, TableFunc] = {
    "json_each": TableFunc("json_each", JSON_COLUMNS, JSON_HIDDEN, json_each, _json_index_num),
    "json_tree": TableFunc("json_tree", JSON_COLUMNS, JSON_HIDDEN, json_tree, _json_index_num),
}
for _name, (_cols, _hid) in PRAGMA_FUNCS.items():
    TABLE_FUNCS["pragma_" + _name] = TableFunc(
        "pragma_" + _name, _cols, _hid, _pragma_rows(_name, len(_cols), _hid), _zero)


def find(name: str) -> TableFunc | None:
    """find(name) -> the table-valued function of that name (any case), or None."""
    return TABLE_FUNCS.get(name.lower())


# --------------------------------------------------------------------------- code generator


def make_source(comp: Any, schema: str | None, name: str, args: tuple[ast.Expr, ...],
                alias: str | None, call: bool = False) -> Src:
    """The FROM item of a table-valued function, written as a call or as a bare
    name; raises SQLite's errors for an unknown name, a table called like a
    function, or too many arguments."""
    from pyrite.exec.codegen import Src

    tf = find(name)
    if tf is None:
        if call and (comp.catalog.table(name) is not None or name.lower() in comp.catalog.views):
            raise errors.OperationalError(f"'{name}' is not a function")
        where = "" if schema is None else schema + "."
        raise errors.OperationalError(f"no such table: {where}{name}")
    if len(args) > len(tf.hidden):
        raise errors.OperationalError(
            f"too many arguments on {tf.name}() - max {len(tf.hidden)}")
    names = list(tf.columns) + list(tf.hidden)
    n = len(names)
    rv = comp.fresh("r")
    src = Src(alias or tf.name, names, [None] * n, [None] * n, [None] * n, rv, None,
              label=alias or tf.name)
    src.tvf = (tf, args)
    return src


def arg_sources(comp: Any, src: Any, sc: Any) -> set[int] | None:
    """Positions in sc of the FROM items src's arguments read (None: unknown)."""
    out: set[int] = set()
    for a in src.tvf[1]:
        s = comp.term_sources(a, sc)
        if s is None:
            return None
        out |= s
    return out


def _hidden_value(comp: Any, src: Any, col: int, i: int, sc: Any, terms: list[ast.Expr]
                  ) -> ast.Expr | None:
    """expr of a WHERE/ON term `hidden_col = expr` the function can take as an
    argument (expr reads no FROM item at or after position i); the term leaves
    `terms`, as SQLite's xBestIndex omits it (aConstraintUsage.omit)."""
    for t in list(terms):
        if not (isinstance(t, ast.Binary) and t.op == "="):
            continue
        for mine, other in ((t.left, t.right), (t.right, t.left)):
            if not isinstance(mine, ast.ColumnRef):
                continue
            r = comp.resolve_quiet(mine, sc)
            if r is None or r[0] is not sc or r[1] is not src or r[2] != col:
                continue
            deps = comp.term_sources(other, sc)
            if deps is not None and all(k < i for k in deps):
                terms.remove(t)
                return other
    return None


def access_path(comp: Any, src: Any, i: int, sc: Any, terms: list[ast.Expr]
                ) -> tuple[str, str]:
    """(iterator expression, EXPLAIN QUERY PLAN text) of the loop over src at
    position i: the generator called with its hidden columns' values, in order.
    Each comes from the argument written in that place, else from a term
    `hidden = expr` among `terms` (SQLite turns arguments into such terms,
    vtab.html#tabfunc2). An argument that reads src itself or a later FROM item
    (a LEFT JOIN keeps the order) is a constraint the function cannot use: it
    and the ones after it are left out. A term used leaves `terms` (the caller's
    list of tests at this loop): the function applies it."""
    tf, args = src.tvf
    usable: list[ast.Expr] = []
    for h in range(len(tf.hidden)):
        if h < len(args):
            deps = comp.term_sources(args[h], sc)
            if deps is not None and any(k >= i for k in deps):
                if any(k > i for k in deps) and any(x.outer_kind for x in sc.srcs):
                    # SQLite's arguments are ON terms of the function's join
                    raise errors.OperationalError("ON clause references tables to its right")
                break
            usable.append(args[h])
            continue
        got = _hidden_value(comp, src, len(tf.columns) + h, i, sc, terms)
        if got is None:
            break
        usable.append(got)
    code = "".join(", " + comp.ex(a, sc) for a in usable)
    it = f"{comp.const(tf.rows)}(X{code})"
    return it, f"SCAN {src.label} VIRTUAL TABLE INDEX {tf.index_num(len(usable))}:"


def _json_value(v: Any, type_name: Any) -> Any:
    """_json_value(v, type) -> json_each's value with its JSON subtype (a JsonText)
    when it is an array or object, as jsonReturn sets it."""
    return J.JsonText(v) if type_name == "array" or type_name == "object" else v


def json_arg(comp: Any, ref: ast.ColumnRef, sc: Any) -> str | None:
    """The `value` column of json_each/json_tree as an argument of a JSON function:
    a container keeps SQLite's JSON subtype (json_group_array(value) nests it).
    None for any other column."""
    r = comp.resolve(ref, sc)
    if r is None:
        return None
    src, col = r[1], r[2]
    tvf = src.tvf
    if tvf is None or tvf[0].rows not in (json_each, json_tree) or col != 1:
        return None
    return f"{comp.const(_json_value)}({comp.ex(ref, sc)}, {src.rvar}[2])"


def where_loop(comp: Any, j: int, sc: Any, cons: list[COST.Constraint],
               loops: list[COST.WhereLoop]) -> None:
    """The one loop of a table-valued function for the join-order solver
    (whereLoopAddVirtual): it needs the FROM items its arguments read, and costs
    what the function's xBestIndex estimates (json.c: 1.0 for 25 rows;
    pragma.c: 1, 20 with a schema, huge without the argument it needs)."""
    src = sc.srcs[j]
    tf, args = src.tvf
    deps = arg_sources(comp, src, sc)
    every = (1 << len(sc.srcs)) - 1
    prereq = (every & ~(1 << j)) if deps is None else sum(1 << k for k in deps if k != j)
    n = len(args)
    while n < len(tf.hidden):  # a hidden column held by a WHERE term `col = expr`
        col = len(tf.columns) + n
        c = next((c for c in cons if c.tab == j and c.col == col and c.op == "eq"
                  and not c.prereq & (1 << j)), None)
        if c is None:
            break
        prereq |= c.prereq
        n += 1
    if tf.name.startswith("pragma_"):
        if tf.hidden and not n:
            cost, rows = 2147483647.0, 2147483647.0
        elif n >= 2:
            cost, rows = 20.0, 20.0
        else:
            cost, rows = 1.0, 25.0
    else:
        cost, rows = (1.0, 25.0) if n else (5e300, 25.0)
    COST.insert_loop(loops, COST.WhereLoop(j, prereq, 0, COST.log_est(cost),
                                           COST.log_est(rows), "scan"))
