"""Code generator: AST (bound against the catalog) -> Python source -> Program.

Owns name resolution, affinity/collation of comparisons, the shape of the row
loops (nested loops with terms pushed to the innermost loop that can test
them), aggregation, ordering and limits. Generated source addresses columns by
position (r3[2]) and every value that came from SQL — literal, identifier,
type name, root page — through a constant (c7), so SQL text never becomes
code. Spec: lang_select.html, datatype3.html (comparison affinity, collation)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pyrite import errors
from pyrite.exec import runtime as RT
from pyrite.exec import values as V
from pyrite.exec.source import Func, Names
from pyrite.planner import cost as COST
from pyrite.planner.catalog import (
    AFF_BLOB,
    AFF_INTEGER,
    AFF_NUMERIC,
    AFF_REAL,
    AFF_TEXT,
    Catalog,
    Index,
    Table,
    affinity_of,
)
from pyrite.sql import ast

NUMERIC_AFFS = (AFF_INTEGER, AFF_REAL, AFF_NUMERIC)
ROWID_NAMES = ("rowid", "oid", "_rowid_")

CMP_HELPERS = {"<": "sql_lt", "<=": "sql_le", ">": "sql_gt", ">=": "sql_ge", "=": "sql_eq",
               "!=": "sql_ne", "IS": "sql_is", "IS NOT": "sql_isnot"}
ARITH_HELPERS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "||": "concat",
                 "&": "bitand", "|": "bitor", "<<": "shl", ">>": "shr"}
BOOL_OPS = frozenset(CMP_HELPERS) | {"AND", "OR"}


# --------------------------------------------------------------------------- scopes


@dataclass(eq=False)
class Src:
    """One FROM item inside a scope: where its row lives and what it holds."""

    name: str  # alias or table name, as written
    colnames: list[str]
    affs: list[int | None]
    colls: list[str | None]
    decltypes: list[str | None]
    rvar: str
    kvar: str | None
    table: Table | None = None
    rows_var: str | None = None  # materialized list of rows (subquery, view, CTE)
    merged: set[int] = field(default_factory=set)  # right side of USING/NATURAL
    used: set[int] = field(default_factory=set)
    ipk: int | None = None
    left: bool = False  # right side of a LEFT JOIN
    label: str = ""  # name in EXPLAIN QUERY PLAN lines (subqueries: "(subquery-N)")
    indexes: list[Index] | None = None  # NOT INDEXED / INDEXED BY restrict the choice
    cross: bool = False  # joined by CROSS JOIN: the join order stays as written
    outer_kind: str = ""  # "RIGHT" or "FULL": the second of two FROM items
    full_row: bool = False  # the row holds VIRTUAL generated columns (else computed on read)
    tvf: Any = None  # a table-valued function: (tablefunc.TableFunc, argument exprs)


@dataclass(eq=False)
class Scope:
    srcs: list[Src]
    parent: Scope | None
    func: Func
    aliases: dict[str, ast.Expr] = field(default_factory=dict)
    agg_map: dict[Any, str] | None = None
    win_map: dict[Any, str] | None = None
    correlated: bool = False
    in_agg_args: bool = False
    splits: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class SelInfo:
    fname: str
    names: list[str]
    decltypes: list[str | None]
    affs: list[int | None]
    correlated: bool


@dataclass
class Cte:
    name: str
    columns: tuple[str, ...]
    select: ast.Select
    recursive: bool
    cur_var: str | None = None
    cur_names: list[str] | None = None
    materialized: bool | None = None


@dataclass
class Plan:
    """What the generator decided, for EXPLAIN QUERY PLAN."""

    lines: list[tuple[int, int, str]] = field(default_factory=list)
    next_id: int = 1

    def add(self, parent: int, text: str) -> int:
        i = self.next_id
        self.next_id += 1
        self.lines.append((i, parent, text))
        return i


def children(e: Any) -> Iterator[Any]:
    """children(e) -> the sub-expressions of e (not those inside sub-selects)."""
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        if isinstance(v, tuple):
            for x in v:
                if isinstance(x, tuple):
                    yield from (y for y in x if _is_expr(y))
                elif _is_expr(x):
                    yield x
                elif isinstance(x, ast.OrderingTerm):
                    yield x.expr
        elif _is_expr(v):
            yield v


_EXPR_TYPES = (ast.Literal, ast.CurrentTime, ast.Param, ast.ColumnRef, ast.Unary, ast.Binary,
               ast.Like, ast.Between, ast.InList, ast.InSelect, ast.InTable, ast.IsNull,
               ast.Exists, ast.Subquery, ast.Case, ast.Cast, ast.Collate, ast.RowValue,
               ast.Raise, ast.FunctionCall)


def _is_expr(x: Any) -> bool:
    return isinstance(x, _EXPR_TYPES)


def conjuncts(e: ast.Expr | None) -> list[ast.Expr]:
    if e is None:
        return []
    if isinstance(e, ast.Binary) and e.op == "AND":
        return conjuncts(e.left) + conjuncts(e.right)
    return [e]


def disjuncts(e: ast.Expr) -> list[ast.Expr]:
    """The terms of an OR tree, left to right (iteratively: long OR chains are
    common in generated SQL)."""
    out: list[ast.Expr] = []
    stack: list[ast.Expr] = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, ast.Binary) and x.op == "OR":
            stack.extend((x.right, x.left))
        else:
            out.append(x)
    return out


def has_subquery(e: Any) -> bool:
    if isinstance(e, (ast.Subquery, ast.Exists, ast.InSelect)):
        return True
    return any(has_subquery(c) for c in children(e))


def ordinal_suffix(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }".replace(" ", "")


# --------------------------------------------------------------------------- compiler



def col_code(src: Src, i: int, raw: bool = False) -> str:
    """The code of column i of a source's row. A column of REAL affinity reads as REAL
    (SQLite's OP_RealAffinity): sqlite3 stores an integral REAL value as an integer,
    so an int read from the record is made a float -- unless `raw` (a comparison,
    where both compare alike)."""
    x = f"{src.rvar}[{i}]"
    t = src.table
    if raw or t is None or i >= len(t.columns) or t.columns[i].affinity != AFF_REAL:
        return x
    return f"(float({x}) if {x}.__class__ is int else {x})"

class Compiler:
    """Compiles one statement. `env` supplies functions, aggregates and collations."""

    def __init__(self, catalog: Catalog, env: Any) -> None:
        self.catalog = catalog
        self.env = env
        self.consts: list[Any] = []
        self._const_ids: dict[Any, str] = {}
        self.names = Names()
        self.placeholders: dict[str, Src] = {}
        self.ctes: list[dict[str, Cte]] = []
        self.plan = Plan()
        self.plan_parent = 0
        self.reads: set[str] = set()
        self.main_pre: list[str] = []
        self.coll_names: dict[str, str] = {}  # upper-case name -> as written in the SQL
        self.outer: Scope | None = None  # old/new rows while compiling a trigger body
        self.no_cache = False  # trigger bodies re-evaluate every subquery per row
        self.trigger_stack: list[str] = []
        self.need: dict[int, set[int]] | None = None  # per source: columns read
        self.order_hint: tuple[str, list[tuple[Src, int | None, bool]]] | None = None
        self.order_done = False
        self.path_decoded = False
        self.path_omit: set[int] = set()  # terms the last access path answers (access_path)
        # a Bloom filter on the last access path: (plan text, [(column, probe)] or None)
        self.path_bloom: tuple[str, list[tuple[int, str]] | None] | None = None
        self.in_multi_or = False  # inside multi_index_or: the disjuncts pick their own searches
        self.order_all: list[tuple[tuple[Src, int | None, bool], bool]] = []  # see order_want
        self.hash_col_name = ""
        self.minmax_scan = False
        self.leaf_scan: Scope | None = None  # the scope whose scan may walk leaf lists
        self.cover_leaves: tuple[str, str] | None = None  # (cover_rows path, its leaf form)
        self.raw_real = False  # col_source: a REAL column as stored (see _cmp_side)
        self.leaf_hook: tuple[Scope, Func, int, str, int] | None = None  # see narrow_topk
        self.or_children: list[tuple[int, str]] = []  # MULTI-INDEX OR: (INDEX n, its search)
        self.deferred_out: tuple[str, str] | None = None  # see _gen_core (ORDER BY)
        # the schema an unqualified table name means inside a main-schema view or
        # trigger ("main": SQLite's DbFixer binds those names there); None: TEMP first
        self.default_schema: str | None = None
        # ORDER BY and GROUP BY name only their own query's columns, not an outer
        # query's (resolve.c: "may not refer to terms in outer queries"); set while
        # they are resolved (local_names), beyond it only a trigger's OLD/NEW
        self.name_barrier: Scope | None = None
        # ids of scalar subqueries' SelectCores whose result is a JSON function's
        # argument: the result column keeps its JSON subtype (json_arg)
        self.json_cores: set[int] = set()
        self.trigger_fnames: dict[str, str] = {}  # triggers being compiled -> function

    def pragma_flag(self, name: str) -> bool:
        """The connection's PRAGMA flag `name` as this statement is compiled (a
        setting that changes code: the statement cache is dropped when it changes)."""
        s = getattr(self.env, "s", None)
        store = getattr(s, "pragma_store", None)
        if store is None:
            return False
        from pyrite.exec.ddl import flag_default

        return bool(store.get(name, flag_default(name)))

    # ---- constants and names

    def const(self, v: Any) -> str:
        """const(v) -> the generated-code name holding v."""
        try:
            # -0.0 == 0.0, yet SQLite keeps the sign of a stored REAL: key reals by repr
            key: Any = (type(v), repr(v) if type(v) is float else v)
            hash(key)
        except TypeError:
            key = ("id", id(v))
        name = self._const_ids.get(key)
        if name is None:
            name = f"c{len(self.consts)}"
            self.consts.append(v)
            self._const_ids[key] = name
            if key[0] == "id":
                self._keep = getattr(self, "_keep", [])
                self._keep.append(v)
        return name

    def fresh(self, prefix: str) -> str:
        return self.names.fresh(prefix)

    # ---- name resolution

    def find_cte(self, name: str) -> Cte | None:
        low = name.lower()
        for frame in reversed(self.ctes):
            if low in frame:
                return frame[low]
        return None

    def resolve(self, ref: ast.ColumnRef, sc: Scope) -> tuple[Scope, Src, int] | None:
        """resolve(ref, sc) -> (scope, src, column or -1 for rowid), or None."""
        s: Scope | None = sc
        col = ref.column.lower()
        tname = ref.table.lower() if ref.table is not None else None
        crossed: list[Scope] = []
        while s is not None:
            hits: list[tuple[Src, int]] = []
            for src in s.srcs:
                if tname is not None and src.name.lower() != tname:
                    continue
                if ref.schema is not None and not self._in_schema(src, ref.schema):
                    continue
                for i, n in enumerate(src.colnames):
                    if n.lower() == col:
                        hits.append((src, i))
                        break
            if tname is not None and len(hits) > 1:
                # FROM items of one name (FROM main.t, temp.t): only a USING/NATURAL
                # join's merged right-hand column gives way
                unmerged = [h for h in hits if h[1] not in h[0].merged]
                hits = unmerged if unmerged else hits[:1]
            if tname is not None and len(hits) > 1:
                name = f"{ref.table}.{ref.column}"
                if ref.schema is not None:
                    name = f"{ref.schema}.{name}"
                raise errors.OperationalError(f"ambiguous column name: {name}").at(ref.pos)
            if tname is None and len(hits) > 1:
                unmerged = [h for h in hits if h[1] not in h[0].merged]
                if len(unmerged) == 1:
                    hits = unmerged
                elif len(unmerged) == 0:
                    hits = hits[:1]
                else:
                    raise errors.OperationalError(f"ambiguous column name: {ref.column}").at(
                        ref.pos)
            if hits:
                for c in crossed:
                    c.correlated = True
                return s, hits[0][0], hits[0][1]
            if col in ROWID_NAMES:
                cands = [src for src in s.srcs if src.kvar is not None
                         and (tname is None or src.name.lower() == tname)
                         and (ref.schema is None or self._in_schema(src, ref.schema))]
                if len(cands) == 1 or (cands and tname is None):
                    for c in crossed:
                        c.correlated = True
                    return s, cands[0], -1
            crossed.append(s)
            s = self.outer if s is self.name_barrier else s.parent
        return None

    @contextlib.contextmanager
    def local_names(self, sc: Scope) -> Iterator[None]:
        """Names resolved inside stop at sc (name_barrier)."""
        saved = self.name_barrier
        self.name_barrier = sc
        try:
            yield
        finally:
            self.name_barrier = saved

    def check_local_names(self, e: ast.Expr, sc: Scope) -> None:
        """SQLite's "no such column" for an ORDER BY / GROUP BY term of sc naming an
        outer query's column (sub-selects in it fail when compiled, local_names)."""
        stack: list[Any] = [e]
        with self.local_names(sc):
            while stack:
                x = stack.pop()
                if isinstance(x, ast.ColumnRef):
                    if self.resolve(x, sc) is None and (
                            x.table is not None or x.column.lower() not in sc.aliases):
                        name = f"{x.table}.{x.column}" if x.table else x.column
                        if not x.quoted:  # else the DQS rule may make it a string
                            raise errors.OperationalError(f"no such column: {name}").at(x.pos)
                elif isinstance(x, ast.InSelect):
                    stack.append(x.expr)
                elif not isinstance(x, (ast.Subquery, ast.Exists)):
                    stack.extend(children(x))

    def ex_local(self, e: ast.Expr, sc: Scope) -> str:
        """ex() of an ORDER BY / GROUP BY term of sc (local_names)."""
        with self.local_names(sc):
            return self.ex(e, sc)

    def _in_schema(self, src: Src, schema: str) -> bool:
        """Whether src is a table of `schema`, read under its own name (SQLite's
        lookupName: `main.t.a` matches FROM t or FROM t AS t, never an alias)."""
        t = src.table
        if t is None or src.name.lower() != t.name.lower() or src.rvar in ("old", "new"):
            return False
        low = schema.lower()
        return low == ("temp" if t.temp else "main")

    def col_source(self, scope: Scope, src: Src, i: int) -> str:
        auth = getattr(self.env, "authorizer", None)
        if auth is not None and src.table is not None and i >= 0 and src.rvar not in (
                "old", "new", "row"):
            from pyrite import constants as C

            t = src.table
            code = auth(C.SQLITE_READ, t.name, t.columns[i].name, "temp" if t.temp else "main",
                        None)
            if code == C.SQLITE_DENY:
                raise errors.DatabaseError(f"access to {t.name}.{t.columns[i].name} is prohibited",
                                           code=C.SQLITE_AUTH)
            if code == C.SQLITE_IGNORE:
                return "None"
        if i == -1 or (src.ipk is not None and i == src.ipk):
            assert src.kvar is not None
            return src.kvar
        if src.table is not None and not src.full_row and src.table.columns[i].virtual:
            return self.generated_read(scope, src, i)
        src.used.add(i)
        return col_code(src, i, self.raw_real)

    def generated_loop_check(self) -> None:
        """Raise the `generated column loop` a generated_read met, if any."""
        name = self.__dict__.pop("_gen_loop", None)
        if name is not None:
            raise errors.OperationalError(f'generated column loop on "{name}"')

    def generated_read(self, scope: Scope, src: Src, i: int) -> str:
        """A VIRTUAL generated column of a row read from the table: its expression
        over the same row, with the column's affinity (NULL on a LEFT JOIN's NULL row)."""
        t = src.table
        assert t is not None
        col = t.columns[i]
        assert col.generated is not None
        busy: set[tuple[int, int]] = self.__dict__.setdefault("_gen_busy", set())
        key = (id(t), i)
        if key in busy:
            # reported when the statement's sources are finished: as in SQLite, the
            # last loop met while compiling names the column (sqlite3ErrorMsg)
            self.__dict__["_gen_loop"] = col.name
            return "None"
        busy.add(key)
        try:
            code = self.ex(col.generated, Scope([src], None, scope.func))
        finally:
            busy.discard(key)
        if col.affinity != AFF_BLOB:
            code = f"apply_affinity({code}, {self.const(V.Affinity(col.affinity))})"
        if src.left or any(x.outer_kind for x in scope.srcs):
            code = f"(None if {src.rvar} is NULLROW else {code})"
        return code

    # ---- affinity and collation of expressions

    def aff(self, e: ast.Expr, sc: Scope) -> int | None:
        if isinstance(e, ast.ColumnRef):
            r = self.resolve(e, sc)
            if r is None:
                a = sc.aliases.get(e.column.lower())
                return self.aff(a, sc) if a is not None and a is not e else None
            _, src, i = r
            return AFF_INTEGER if i == -1 else src.affs[i]
        if isinstance(e, ast.Cast):
            return affinity_of(e.type_name)
        if isinstance(e, ast.Collate):
            return self.aff(e.expr, sc)
        return None

    def coll(self, e: ast.Expr, sc: Scope) -> tuple[str | None, bool]:
        """coll(e) -> (collation name, explicit?)."""
        if isinstance(e, ast.Collate):
            self.coll_names[e.collation.upper()] = e.collation
            return e.collation.upper(), True
        if isinstance(e, ast.ColumnRef):
            r = self.resolve(e, sc)
            if r is not None and r[2] >= 0:
                c = r[1].colls[r[2]]
                return (c.upper() if c else None), False
            return None, False
        if isinstance(e, (ast.Unary, ast.Binary)):
            return None, False
        return None, False

    def cmp_coll(self, a: ast.Expr, b: ast.Expr, sc: Scope) -> str | None:
        ca, ea = self.coll(a, sc)
        cb, eb = self.coll(b, sc)
        if ea:
            return ca
        if eb:
            return cb
        if ca is None and isinstance(a, ast.ColumnRef):
            r = self.resolve(a, sc)
            if r is not None and r[2] >= 0:
                return None  # a left column's own collation, BINARY when it declares none
        return ca or cb

    def coll_arg(self, name: str | None) -> str:
        """Generated-code argument for a collation (None = BINARY)."""
        if name is None or name == "BINARY":
            return ""
        if name not in self.env.collations:
            raise errors.OperationalError(
                f"no such collation sequence: {self.coll_names.get(name, name)}")
        return ", " + self.const(self.env.collations[name])

    # ---- expressions

    def ex(self, e: ast.Expr, sc: Scope) -> str:
        m = getattr(self, "_ex_" + type(e).__name__)
        try:
            return m(e, sc)  # type: ignore[no-any-return]
        except errors.OperationalError as x:
            locate(x, e)
            raise

    def _ex_Literal(self, e: ast.Literal, sc: Scope) -> str:
        if e.value is None:
            return "None"
        return self.const(e.value)

    def _ex_CurrentTime(self, e: ast.CurrentTime, sc: Scope) -> str:
        return f"current_time({self.const(e.kind.upper())})"

    def _ex_Param(self, e: ast.Param, sc: Scope) -> str:
        return f"P[{e.number - 1}]"

    def _ex_ColumnRef(self, e: ast.ColumnRef, sc: Scope) -> str:
        r = self.resolve(e, sc)
        if r is None:
            if e.table is None:
                s: Scope | None = sc
                while s is not None:
                    a = s.aliases.get(e.column.lower())
                    if a is not None:
                        if isinstance(a, ast.ColumnRef) and a.column.lower() == e.column.lower():
                            break
                        return self.ex(a, s)
                    s = None if s is self.name_barrier else s.parent
            name = f"{e.table}.{e.column}" if e.table else e.column
            if e.schema is not None and e.table is not None:
                name = f"{e.schema}.{name}"
            raise errors.OperationalError(f"no such column: {name}")
        scope, src, i = r
        if sc.agg_map is not None and scope is sc and sc.in_agg_args is False:
            pass
        return self.col_source(scope, src, i)

    def _ex_Unary(self, e: ast.Unary, sc: Scope) -> str:
        if e.op == "-" and isinstance(e.operand, ast.Literal) and isinstance(
                e.operand.value, (int, float)) and not isinstance(e.operand.value, bool):
            v = e.operand.value
            if isinstance(v, int) and not -(2**63) <= -v < 2**63:  # overflow to REAL
                return self.const(float(-v))
            return self.const(-v)
        a = self.ex(e.operand, sc)
        if e.op == "-":
            return f"neg({a})"
        if e.op == "+":
            return a
        if e.op == "~":
            return f"bitnot({a})"
        return f"sql_not({a})"

    def _cmp_operands(self, left: ast.Expr, right: ast.Expr, sc: Scope) -> tuple[str, str]:
        conv_l, conv_r = self._cmp_convs(left, right, sc)
        return self._cmp_side(left, conv_l, sc), self._cmp_side(right, conv_r, sc)

    def _cmp_side(self, e: ast.Expr, conv: Any, sc: Scope) -> str:
        """A comparison operand. A REAL column compared as it is stored (an integer
        for an integral value sqlite3 wrote) compares as its REAL value would."""
        if not isinstance(e, ast.ColumnRef):
            return self._conv(e, conv, sc)
        self.raw_real = True
        try:
            return self._conv(e, conv, sc)
        finally:
            self.raw_real = False

    def _cmp_convs(self, left: ast.Expr, right: ast.Expr,
                   sc: Scope) -> tuple[int | None, int | None]:
        """The affinities a comparison applies to (left, right) before comparing."""
        la, ra = self.aff(left, sc), self.aff(right, sc)
        if la in NUMERIC_AFFS and ra not in NUMERIC_AFFS:
            return None, AFF_NUMERIC
        if ra in NUMERIC_AFFS and la not in NUMERIC_AFFS:
            return AFF_NUMERIC, None
        if la == AFF_TEXT and ra is None:
            return None, AFF_TEXT
        if ra == AFF_TEXT and la is None:
            return AFF_TEXT, None
        return None, None

    def _conv(self, e: ast.Expr, aff: int | None, sc: Scope) -> str:
        if aff is None:
            return self.ex(e, sc)
        if isinstance(e, ast.Literal):
            return self._ex_Literal(ast.Literal(V.apply_affinity(e.value, V.Affinity(aff))), sc)
        if isinstance(e, ast.Param):
            # a parameter converts once per run, at the top of main(), not once per row
            owned: tuple[list[str], dict[tuple[int, int], str]] | None = getattr(
                self, "_param_convs", None)
            if owned is None or owned[0] is not self.main_pre:
                owned = (self.main_pre, {})
                self._param_convs = owned
            name = owned[1].get((e.number, aff))
            if name is None:
                name = owned[1][(e.number, aff)] = self.fresh("pa")
                self.main_pre.append(f"{name} = apply_affinity(P[{e.number - 1}], "
                                     f"{self.const(V.Affinity(aff))}) "
                                     f"if len(P) >= {e.number} else None")
            return name
        return f"apply_affinity({self.ex(e, sc)}, {self.const(V.Affinity(aff))})"

    def _ex_Binary(self, e: ast.Binary, sc: Scope) -> str:
        op = e.op
        if op in CMP_HELPERS:
            if isinstance(e.left, ast.RowValue) or isinstance(e.right, ast.RowValue):
                return self._row_cmp(e, sc)
            a, b = self._cmp_operands(e.left, e.right, sc)
            coll = self.coll_arg(self.cmp_coll(e.left, e.right, sc))
            if op == "=" and not coll:
                x, y = self.fresh("x"), self.fresh("y")
                return (f"(None if ({x} := {a}) is None or ({y} := {b}) is None "
                        f"else int({x} == {y}))")
            return f"{CMP_HELPERS[op]}({a}, {b}{coll})"
        if op == "AND":
            return f"sql_and({self.ex(e.left, sc)}, {self.ex(e.right, sc)})"
        if op == "OR":
            return f"sql_or({self.ex(e.left, sc)}, {self.ex(e.right, sc)})"
        if op in ARITH_HELPERS:
            return f"{ARITH_HELPERS[op]}({self.ex(e.left, sc)}, {self.ex(e.right, sc)})"
        if op in ("->", "->>"):
            return self._call_function(ast.FunctionCall(op,
                                                        (e.left, e.right)), sc)
        raise errors.OperationalError(f"unsupported operator: {op}")

    def _row_cmp(self, e: ast.Binary, sc: Scope) -> str:
        def items(x: ast.Expr) -> str:
            if isinstance(x, ast.RowValue):
                return "(" + "".join(self.ex(i, sc) + ", " for i in x.items) + ")"
            if isinstance(x, ast.Subquery):
                info = self.gen_select(x.select, sc, sc.func)
                return f"(first_row({info.fname}()) or {self.const(RT.NULLROW[:len(info.names)])})"
            raise errors.OperationalError("row value misused")
        return f"row_eq({items(e.left)}, {items(e.right)}, {self.const(e.op)})"

    def _ex_Like(self, e: ast.Like, sc: Scope) -> str:
        a = self.ex(e.left, sc)
        p = self.ex(e.right, sc)
        if e.op == "LIKE":
            esc = self.ex(e.escape, sc) if e.escape is not None else "None"
            r = f"like({p}, {a}, {esc}, {self.const(bool(self.env.case_sensitive_like))})"
        elif e.op == "GLOB":
            r = f"glob({p}, {a})"
        else:
            r = self._call_function(ast.FunctionCall(e.op.lower(), (e.right, e.left)), sc)
        return f"sql_not({r})" if e.negated else r

    def _ex_Between(self, e: ast.Between, sc: Scope) -> str:
        lo = self._ex_Binary(ast.Binary(">=", e.expr, e.low), sc)
        hi = self._ex_Binary(ast.Binary("<=", e.expr, e.high), sc)
        r = f"sql_and({lo}, {hi})"
        return f"sql_not({r})" if e.negated else r

    def _ex_InList(self, e: ast.InList, sc: Scope) -> str:
        if isinstance(e.expr, ast.RowValue):
            parts = [self._row_cmp(ast.Binary("=", e.expr, it), sc) for it in e.items]
            r = "sql_or_all((" + "".join(p + ", " for p in parts) + "))" if parts else "0"
            return f"sql_not({r})" if e.negated else r
        x = self.ex(e.expr, sc)
        la = self.aff(e.expr, sc)
        coll = self.coll(e.expr, sc)[0]
        if coll not in (None, "BINARY"):
            parts = [self._ex_Binary(ast.Binary("=", e.expr, it), sc) for it in e.items]
            r = "sql_or_all((" + "".join(p + ", " for p in parts) + "))" if parts else "0"
        else:
            items = "(" + "".join(self.ex(i, sc) + ", " for i in e.items) + ")"
            if la in NUMERIC_AFFS or la == AFF_TEXT:
                # the items get the comparison's affinity: REAL compares as NUMERIC, an
                # integer item stays an integer (sqlite3CodeRhsOfIN, applyAffinity)
                ia = AFF_NUMERIC if la == AFF_REAL else la
                r = f"in_list_aff({x}, {items}, {self.const(V.Affinity(ia))})"
            else:
                r = f"in_list({x}, {items})"
        return f"sql_not({r})" if e.negated else r

    def insel_rows(self, e: ast.InSelect, sc: Scope) -> tuple[str, SelInfo]:
        """The rows of an IN (SELECT ...) list: (generated expression, its SelInfo),
        compiled once per statement and function."""
        memo: dict[tuple[int, int], tuple[str, SelInfo]] = self.__dict__.setdefault(
            "insel_memo", {})
        key = (id(e), id(sc.func))
        if key in memo:
            return memo[key]
        n = self.sel_no(e.select)
        op = self.plan_open(f"LIST SUBQUERY {n}")
        at = len(self.plan.lines)
        info = self.gen_select(e.select, sc, sc.func)
        via = self.in_operator_index(e.select) if not info.correlated else None
        if via is not None:  # SQLite reads the subquery's index as the IN set
            del self.plan.lines[at:]
            self.plan_close(op, f"USING INDEX {via} FOR IN-OPERATOR")
        else:
            self.plan_close(op, f"CORRELATED LIST SUBQUERY {n}" if info.correlated else None)
        if via is not None and getattr(self, "live_in", False):
            return f"{info.fname}()", info  # UPDATE's SET: SQLite probes the live index
        rows = self._cached_rows(info, sc)
        if not info.correlated and not self.no_cache:
            memo[key] = (rows, info)
        return rows, info

    def in_operator_index(self, sel: ast.Select) -> str | None:
        """`SELECT col FROM tbl` whose column leads an index: that index's name."""
        core = sel.body
        if not isinstance(core, ast.SelectCore) or sel.with_ is not None or sel.order_by \
                or sel.limit is not None or core.where is not None or core.group_by \
                or core.having is not None or core.distinct or len(core.columns) != 1 \
                or not isinstance(core.from_, ast.TableRef):
            return None
        e = core.columns[0].expr
        t = self.schema_object(core.from_)[0]
        if not isinstance(e, ast.ColumnRef) or t is None or self.find_cte(core.from_.name):
            return None
        col = next((i for i, c in enumerate(t.columns) if c.name.lower() == e.column.lower()), None)
        if col is None or col == t.ipk:
            return None
        for idx in self._scan_order(t.indexes):
            if idx.where is None and idx.columns and idx.columns[0] == col:
                return idx.name
        return None

    def in_index_desc(self, e: ast.InSelect, sc: Scope) -> bool:
        """Whether SQLite probes `x IN (SELECT col FROM tbl)` through an index whose
        leading column col is DESC (sqlite3FindInIndex: the newest index first, no
        partial index, the comparison's collation, an affinity the index can hold).
        SQLite then decides whether the set holds a NULL from the index's first entry
        alone (sqlite3SetHasNullFlag): in DESC order that is the largest value, NULL
        only when every value is."""
        if self.in_operator_index(e.select) is None:
            return False
        core = e.select.body
        assert isinstance(core, ast.SelectCore) and isinstance(core.from_, ast.TableRef)
        rhs = core.columns[0].expr
        t = self.schema_object(core.from_)[0]
        assert isinstance(rhs, ast.ColumnRef) and t is not None
        col = next(i for i, c in enumerate(t.columns) if c.name.lower() == rhs.column.lower())
        idx_aff = t.columns[col].affinity
        la = self.aff(e.expr, sc)
        if la is None:  # sqlite3CompareAffinity
            cmp_aff = idx_aff
        else:
            cmp_aff = AFF_NUMERIC if la in NUMERIC_AFFS or idx_aff in NUMERIC_AFFS else AFF_BLOB
        if (cmp_aff == AFF_TEXT and idx_aff != AFF_TEXT) \
                or (cmp_aff in NUMERIC_AFFS and idx_aff not in NUMERIC_AFFS):
            return False
        lc, explicit = self.coll(e.expr, sc)
        rc = t.columns[col].collation
        want = (lc if explicit or lc else (rc.upper() if rc else None)) or "BINARY"
        for idx in reversed(t.indexes):
            if idx.where is not None or not idx.columns or idx.columns[0] != col:
                continue
            if (idx.collations[0] or rc or "BINARY").upper() != want:
                continue
            return idx.desc[0]
        return False

    def _ex_InSelect(self, e: ast.InSelect, sc: Scope) -> str:
        rows, info = self.insel_rows(e, sc)
        if isinstance(e.expr, ast.RowValue):
            x = "(" + "".join(self.ex(i, sc) + ", " for i in e.expr.items) + ")"
            r = f"in_rowvals({x}, {rows})"
        else:
            if len(info.names) != 1:
                raise errors.OperationalError(
                    f"sub-select returns {len(info.names)} columns - expected 1")
            x = self.ex(e.expr, sc)
            # SQLite (exprINAffinity/sqlite3CompareAffinity): with an affinity on both
            # sides the probe compares as NUMERIC if either is numeric, else as is;
            # with one side only, that side's affinity (REAL included) applies to the
            # left value and to every row of the set.
            la = self.aff(e.expr, sc)
            ra = info.affs[0] if info.affs else None
            aff: int | None
            if la is not None and ra is not None:
                aff = AFF_NUMERIC if la in NUMERIC_AFFS or ra in NUMERIC_AFFS else None
            else:
                aff = la if la is not None else ra
            if aff == AFF_BLOB:
                aff = None
            if aff is not None:
                x = f"apply_affinity({x}, {self.const(V.Affinity(aff))})"
            a = "None" if aff is None else self.const(V.Affinity(aff))
            desc = ", True" if not info.correlated and self.in_index_desc(e, sc) else ""
            r = f"in_rows({x}, {rows}, {a}{desc})"
        return f"sql_not({r})" if e.negated else r

    def _cached_rows(self, info: SelInfo, sc: Scope) -> str:
        if info.correlated or self.no_cache:
            return f"{info.fname}()"
        cache = self.fresh("s")
        self.main_pre.append(f"{cache} = []")
        return f"({cache}[0] if {cache} else cached({cache}, lambda: list({info.fname}())))"

    def _ex_InTable(self, e: ast.InTable, sc: Scope) -> str:
        sel = ast.Select(ast.SelectCore((ast.ResultColumn(None),),
                                        ast.TableRef(e.schema, e.table)))
        return self._ex_InSelect(ast.InSelect(e.expr, sel, e.negated), sc)

    def _ex_IsNull(self, e: ast.IsNull, sc: Scope) -> str:
        a = self.ex(e.expr, sc)
        return f"int({a} is not None)" if e.negated else f"int({a} is None)"

    def _ex_Exists(self, e: ast.Exists, sc: Scope) -> str:
        n = self.sel_no(e.select)
        op = self.plan_open(f"SCALAR SUBQUERY {n}")
        info = self.gen_select(e.select, sc, sc.func)
        self.plan_close(op, f"CORRELATED SCALAR SUBQUERY {n}" if info.correlated else None)
        if info.correlated or self.no_cache:
            return f"exists({info.fname}())"
        cache = self.fresh("s")
        self.main_pre.append(f"{cache} = []")
        return f"({cache}[0] if {cache} else cached({cache}, lambda: exists({info.fname}())))"

    def _ex_Subquery(self, e: ast.Subquery, sc: Scope) -> str:
        memo: dict[tuple[int, int], str] = self.__dict__.setdefault("sub_memo", {})
        key = (id(e), id(sc.func))
        if key in memo:
            return memo[key]
        code = self._ex_Subquery1(e, sc)
        if code.startswith("(") and not self.no_cache:
            memo[key] = code
        return code

    def _ex_Subquery1(self, e: ast.Subquery, sc: Scope, json_out: bool = False) -> str:
        """json_out: the value is a JSON function's argument (json_arg); a result
        column that is a JSON value keeps its subtype unless a sorter or DISTINCT
        handled the row (SQLite copies the register; a sorter record drops it)."""
        sel = e.select
        n = self.sel_no(sel)
        if sel.limit is None:
            sel = dataclasses.replace(sel, limit=ast.Literal(1))
        body = sel.body
        json_out = json_out and isinstance(body, ast.SelectCore) and not sel.order_by \
            and not body.distinct and len(body.columns) == 1 and not body.windows
        if json_out:
            self.json_cores.add(id(body))
        op = self.plan_open(f"SCALAR SUBQUERY {n}")
        try:
            info = self.gen_select(sel, sc, sc.func)
        finally:
            self.json_cores.discard(id(body))
        self.plan_close(op, f"CORRELATED SCALAR SUBQUERY {n}" if info.correlated else None)
        if len(info.names) != 1:
            raise errors.OperationalError(
                f"sub-select returns {len(info.names)} columns - expected 1")
        if info.correlated or self.no_cache or json_out:
            return f"first_value({info.fname}())"
        cache = self.fresh("s")
        self.main_pre.append(f"{cache} = []")
        return f"({cache}[0] if {cache} else cached({cache}, lambda: first_value({info.fname}())))"

    def _ex_Case(self, e: ast.Case, sc: Scope, json_arg: bool = False) -> str:
        """json_arg: the CASE is an argument of a JSON function (json_arg)."""
        val = self.json_arg if json_arg else self.ex
        out = val(e.else_, sc) if e.else_ is not None else "None"
        if e.operand is not None:
            t = self.fresh("t")
            base = self.ex(e.operand, sc)
            first = True
            for w, then in reversed(e.whens):
                # CASE x WHEN w compares as x = w, affinities included (sqlite3ExprAffinity
                # of the TK_REGISTER copy of x is x's own)
                conv_t, conv_w = self._cmp_convs(e.operand, w, sc)
                wv = self._conv(w, conv_w, sc)
                tc = t if conv_t is None else \
                    f"apply_affinity({t}, {self.const(V.Affinity(conv_t))})"
                coll = self.coll_arg(self.cmp_coll(e.operand, w, sc))
                tv = val(then, sc)
                out = f"({tv} if sql_eq({tc}, {wv}{coll}) == 1 else {out})"
                first = False
            del first
            return f"(lambda {t}: {out})({base})" if self._uses_closure_safe() else \
                f"case_eval({base}, lambda {t}: {out})"
        for w, then in reversed(e.whens):
            out = f"({val(then, sc)} if {self.cond(w, sc)} else {out})"
        return out

    def _uses_closure_safe(self) -> bool:
        return True

    def _ex_Cast(self, e: ast.Cast, sc: Scope) -> str:
        return f"cast({self.ex(e.expr, sc)}, {self.const(e.type_name)})"

    def _ex_Collate(self, e: ast.Collate, sc: Scope) -> str:
        if e.collation.upper() not in self.env.collations:
            raise errors.OperationalError(f"no such collation sequence: {e.collation}")
        return self.ex(e.expr, sc)

    def _ex_RowValue(self, e: ast.RowValue, sc: Scope) -> str:
        raise errors.OperationalError("row value misused")

    def _ex_Raise(self, e: ast.Raise, sc: Scope) -> str:
        msg = self.ex(e.message, sc) if e.message is not None else "None"
        return f"raise_trigger({self.const(e.action)}, {msg})"

    def _ex_FunctionCall(self, e: ast.FunctionCall, sc: Scope) -> str:
        if sc.agg_map is not None and e in sc.agg_map:
            return sc.agg_map[e]
        if e.over is not None:
            if sc.win_map is not None and e in sc.win_map:
                return sc.win_map[e]
            raise errors.OperationalError(f"misuse of window function {e.name}()")
        if self.is_aggregate(e):
            s: Scope | None = sc.parent
            crossed = [sc]
            while s is not None:
                if s.agg_map is not None and e in s.agg_map:
                    for c in crossed:  # the value changes with the outer row (group)
                        c.correlated = True
                    return s.agg_map[e]
                crossed.append(s)
                s = s.parent
            if self.agg_owner(e, sc) is not sc:
                raise errors.OperationalError(f"misuse of aggregate: {e.name}()")
            raise errors.OperationalError(f"misuse of aggregate function {e.name}()")
        return self._call_function(e, sc)

    def _call_function(self, e: ast.FunctionCall, sc: Scope, tagged: bool = False) -> str:
        """tagged: the call is an argument of a JSON function (json_arg)."""
        name = e.name.lower()
        if len(e.args) > self.env.max_function_args:
            raise errors.OperationalError(f"too many arguments on function {e.name}")
        found = self.env.lookup_function(name, len(e.args))
        jf = _functions().json if found is not None else None
        if (jf is not None and jf.is_json_consumer(found[0])) or (tagged and name in (
                "coalesce", "ifnull", "iif", "likely", "unlikely", "likelihood")):
            args = [self.json_arg(a, sc) for a in e.args]
        elif tagged and name == "nullif" and len(e.args) == 2:
            # nullif returns its first argument, JSON subtype and all (func.c)
            args = [self.json_arg(e.args[0], sc), self.ex(e.args[1], sc)]
        else:
            args = [self.ex(a, sc) for a in e.args]
        n = len(args)
        if name in ("coalesce", "ifnull"):
            if n < 2 or (name == "ifnull" and n != 2):
                raise errors.OperationalError(f"wrong number of arguments to function {e.name}()")
            out = args[-1]
            for a in reversed(args[:-1]):
                t = self.fresh("t")
                out = f"({t} if ({t} := {a}) is not None else {out})"
            return out
        if name == "iif" and n == 3:
            return f"({args[1]} if {self.cond(e.args[0], sc)} else {args[2]})"
        if name in ("likely", "unlikely") and n == 1:
            return args[0]
        if name == "likelihood" and n == 2:
            return args[0]
        found = self.env.lookup_function(name, n)
        if found is None:
            if self.env.function_exists(name):
                raise errors.OperationalError(f"wrong number of arguments to function {e.name}()")
            raise errors.OperationalError(f"no such function: {e.name}")
        fn, kind = found
        if kind == "ctx":
            return f"X.session.{name}"
        if kind == "coll":
            fcoll: str | None = None
            for arg in e.args:
                cn, _ = self.coll(arg, sc)
                if cn is not None:
                    fcoll = cn
                    break
            carg = self.coll_arg(fcoll)
            if tagged and jf is not None:
                fn = jf.JSON_TAGGED.get(fn, fn)
            return f"{self.const(fn)}({carg[2:] or 'None'}, {', '.join(args)})"
        if tagged and jf is not None:
            fn = jf.JSON_TAGGED.get(fn, fn)
        return f"{self.const(fn)}({', '.join(args)})"

    def json_arg(self, a: ast.Expr, sc: Scope) -> str:
        """An argument of a built-in JSON function: the value of a JSON function
        written there keeps SQLite's JSON subtype (functions/json.py)."""
        inner = a
        while isinstance(inner, (ast.Unary, ast.Collate)):
            if isinstance(inner, ast.Unary):
                if inner.op != "+":
                    return self.ex(a, sc)
                inner = inner.operand
            else:
                if inner.collation.upper() not in self.env.collations:
                    raise errors.OperationalError(f"no such collation sequence: {inner.collation}")
                inner = inner.expr
        if isinstance(inner, ast.Case):
            return self._ex_Case(inner, sc, True)
        if isinstance(inner, ast.Subquery):
            return self._ex_Subquery1(inner, sc, json_out=True)
        if isinstance(inner, ast.Cast) and V.affinity_of(inner.type_name) == V.Affinity.TEXT:
            # CAST(x AS TEXT) of a JSON value keeps its subtype (OP_Cast on a string)
            v = self.fresh("v")
            jt = self.const(_functions().json.JsonText)
            return (f"({v} if type({v} := {self.json_arg(inner.expr, sc)}) is {jt} "
                    f"else cast({v}, {self.const(inner.type_name)}))")
        if isinstance(inner, ast.Binary) and inner.op == "->":
            return self._call_function(ast.FunctionCall("->", (inner.left, inner.right)), sc, True)
        if isinstance(inner, ast.FunctionCall):
            jf = _functions().json
            if inner.over is None and not self.is_aggregate(inner):
                return self._call_function(inner, sc, True)
            if inner.name.lower() in jf.JSON_GROUP_NAMES and self.env.user_aggregate(
                    inner.name.lower(), len(inner.args)) is None:
                return f"{self.const(jf.JsonText)}({self.ex(inner, sc)})"
            arg = inner.args[0] if len(inner.args) == 1 else None
            if inner.name.lower() in ("min", "max") and isinstance(arg, ast.FunctionCall) \
                    and self.env.user_aggregate(inner.name.lower(), 1) is None:
                found = self.env.lookup_function(arg.name.lower(), len(arg.args))
                if found is not None and found[0] in jf.ALWAYS_JSON:
                    return f"{self.const(jf.as_json)}({self.ex(inner, sc)})"
        if isinstance(inner, ast.ColumnRef):
            from pyrite.exec import tablefunc as TF
            tagged = TF.json_arg(self, inner, sc)
            if tagged is not None:
                return tagged
        return self.ex(a, sc)

    def is_aggregate(self, e: ast.FunctionCall) -> bool:
        if e.over is not None:
            return False
        name = e.name.lower()
        if name in ("min", "max"):
            return len(e.args) == 1
        if e.star:
            return True
        return bool(self.env.is_aggregate(name, len(e.args)))

    def cond(self, e: ast.Expr, sc: Scope) -> str:
        """cond(e) -> Python expression true exactly when e is TRUE in WHERE."""
        if isinstance(e, ast.Binary) and e.op in BOOL_OPS and not isinstance(
                e.left, ast.RowValue) and not isinstance(e.right, ast.RowValue):
            if e.op == "AND":
                return f"({self.cond(e.left, sc)} and {self.cond(e.right, sc)})"
            if e.op == "OR":
                return f"({self.cond(e.left, sc)} or {self.cond(e.right, sc)})"
            if e.op in ("<", "<=", ">", ">=", "="):
                return self._cmp_cond(e, sc)
            return self.ex(e, sc)
        if isinstance(e, ast.Between) and not e.negated:
            return (f"({self._cmp_cond(ast.Binary('>=', e.expr, e.low), sc)} and "
                    f"{self._cmp_cond(ast.Binary('<=', e.expr, e.high), sc)})")
        if isinstance(e, (ast.IsNull, ast.Like, ast.InList, ast.InSelect, ast.Exists, ast.Between)):
            return self.ex(e, sc)
        return f"truth({self.ex(e, sc)})"

    def _cmp_cond(self, e: ast.Binary, sc: Scope) -> str:
        """A comparison as a WHERE condition: values of one type (not NULL) compare as
        Python compares them, which is SQLite's order for two ints, two reals, two
        texts under BINARY or two blobs; anything else goes to the helper."""
        a, b = self._cmp_operands(e.left, e.right, sc)
        coll = self.coll_arg(self.cmp_coll(e.left, e.right, sc))
        if coll:
            return self.ex(e, sc)
        x, y = self.fresh("x"), self.fresh("y")
        if e.op == "=":
            return f"(({x} := {a}) is not None and ({y} := {b}) is not None and {x} == {y})"
        kind = self.const_type(b)
        if kind is not None:  # a constant: its type is known here
            return (f"({x} {e.op} {b} if type({x} := {a}) is {kind} "
                    f"else {CMP_HELPERS[e.op]}({x}, {b}))")
        return (f"({x} {e.op} {y} if type({x} := {a}) is type({y} := {b}) and {x} is not None "
                f"else {CMP_HELPERS[e.op]}({x}, {y}))")

    def const_type(self, code: str) -> str | None:
        """const_type(code) -> the constant naming int, float, str or bytes when code
        names a constant (const) of that type, else None."""
        if code[:1] != "c" or not code[1:].isdigit() or int(code[1:]) >= len(self.consts):
            return None
        t = type(self.consts[int(code[1:])])
        return self.const(t) if t in (int, float, str, bytes) else None

    # ---- aggregates in an expression tree

    def collect_aggs(self, e: Any, out: list[ast.FunctionCall], sc: Scope | None = None,
                     owner: Scope | None = None) -> None:
        """The aggregates of e. With sc (the scope e is written in): only those
        `owner` (default sc) owns (agg_owner), sub-selects included."""
        if isinstance(e, ast.FunctionCall) and self.is_aggregate(e):
            if (sc is None or self.agg_owner(e, sc) is (owner or sc)) and e not in out:
                out.append(e)
            return
        if isinstance(e, (ast.Subquery, ast.Exists, ast.InSelect)):
            if isinstance(e, ast.InSelect):
                self.collect_aggs(e.expr, out, sc, owner)
            if sc is not None:
                self.sub_select_aggs(e.select, sc, owner or sc, out)
            return
        for c in children(e):
            self.collect_aggs(c, out, sc, owner)

    def agg_owner(self, e: ast.FunctionCall, sc: Scope) -> Scope:
        """The query an aggregate written in sc belongs to (resolve.c, with
        sqlite3ReferencesSrcList): the innermost one whose FROM items its arguments
        or FILTER name; sc itself when they name no column."""
        best: Scope | None = None
        depth = {id(s): n for n, s in enumerate(self._scope_chain(sc))}
        stack: list[Any] = list(e.args) + ([e.filter] if e.filter is not None else [])
        while stack:
            x = stack.pop()
            if isinstance(x, ast.ColumnRef):
                r = self.resolve_quiet(x, sc)
                if r is not None and (best is None or depth[id(r[0])] < depth[id(best)]):
                    best = r[0]
                    if best is sc:
                        break
            elif isinstance(x, ast.InSelect):
                stack.append(x.expr)
            elif not isinstance(x, (ast.Subquery, ast.Exists)):
                stack.extend(children(x))
        return sc if best is None else best

    def check_window_owner(self, sc: Scope, exprs: list[Any]) -> None:
        """A window query's result columns and ORDER BY move into a sub-select
        (window.c), where an aggregate of this query written in a sub-select of
        theirs is "misuse of aggregate" when coded."""
        wins: list[ast.FunctionCall] = []
        for e in exprs:
            self.collect_windows(e, wins)
        if not wins:
            return
        direct: list[ast.FunctionCall] = []
        owned: list[ast.FunctionCall] = []
        for e in exprs:
            self.collect_aggs(e, direct)
            self.collect_aggs(e, owned, sc)
        for a in owned:
            if a not in direct:
                raise errors.OperationalError(f"misuse of aggregate: {a.name}()")

    @staticmethod
    def _scope_chain(sc: Scope) -> list[Scope]:
        out: list[Scope] = []
        s: Scope | None = sc
        while s is not None:
            out.append(s)
            s = s.parent
        return out

    def sub_select_aggs(self, sel: ast.Select, parent: Scope, owner: Scope,
                        out: list[ast.FunctionCall]) -> None:
        """Aggregates inside sub-select sel (written in scope parent) that belong
        to owner, found before sel is compiled (walk_sub_select). A select whose
        names cannot be told keeps its aggregates (the query they are written in)."""

        def having_check(core: ast.SelectCore, stub: Scope) -> None:
            if core.having is not None and not core.group_by:
                own: list[ast.FunctionCall] = []
                for rc in core.columns:
                    if rc.expr is not None:
                        self.collect_aggs(rc.expr, own, stub)
                if not own:  # resolve.c checks it before any outer one codes
                    raise errors.OperationalError("HAVING clause on a non-aggregate query")

        self.walk_sub_select(sel, parent, lambda x, sc: self.collect_aggs(x, out, sc, owner),
                             having_check)

    def walk_sub_select(self, sel: ast.Select, parent: Scope,
                        fn: Callable[[Any, Scope], None],
                        core_hook: Callable[[ast.SelectCore, Scope], None] | None = None
                        ) -> bool:
        """Call fn(expr, scope) for each expression of sub-select sel (written in
        scope parent) with the scope its names resolve in, before sel is compiled:
        FROM items' column names are looked up without generating code (stub_scope).
        False when some core's names cannot be told that way (its expressions, or a
        table-valued function's arguments, are left out)."""
        pushed = False
        if sel.with_ is not None:
            self.ctes.append({c.name.lower(): Cte(c.name, c.columns, c.select,
                                                  sel.with_.recursive) for c in sel.with_.ctes})
            pushed = True
        known = True
        try:
            bodies: list[Any] = []
            b: Any = sel.body
            while isinstance(b, ast.Compound):
                bodies.append(b.right)
                b = b.left
            bodies.append(b)
            last: Scope | None = None
            for core in reversed(bodies):
                if isinstance(core, ast.Values):
                    for row in core.rows:
                        for x in row:
                            fn(x, parent)
                    last = None
                    continue
                items = self.flatten_from(core.from_)
                for leaf, *_ in items:
                    if isinstance(leaf, ast.SubqueryRef):
                        known = self.walk_sub_select(leaf.select, parent, fn, core_hook) and known
                    elif isinstance(leaf, ast.TableFunctionRef) and leaf.args:
                        known = False
                stub = self.stub_scope(core, parent)
                last = stub
                if stub is None:
                    known = False
                    continue
                if core_hook is not None:
                    core_hook(core, stub)
                exprs: list[Any] = [rc.expr for rc in core.columns if rc.expr is not None]
                exprs += [core.where, *core.group_by, core.having]
                exprs += [on for _, _, _, on, _ in items]
                exprs += [w.spec for w in core.windows]
                for x in exprs:
                    if x is not None:
                        fn(x, stub)
            if last is not None:
                for t in sel.order_by:
                    fn(t.expr, last)
            for y in (sel.limit, sel.offset):
                if y is not None:
                    fn(y, parent)
        finally:
            if pushed:
                self.ctes.pop()
        return known

    def stub_scope(self, core: ast.SelectCore, parent: Scope) -> Scope | None:
        """A Scope for core holding only its FROM items' names and column names (no
        code, no plan lines), for resolve(); None when a name cannot be told."""
        sc = Scope([], parent, parent.func)
        try:
            for leaf, _kind, natural, _on, using in self.flatten_from(core.from_):
                names = self.stub_columns(leaf, parent)
                if names is None:
                    return None
                alias = getattr(leaf, "alias", None) or getattr(leaf, "name", "") or ""
                table = None
                if isinstance(leaf, ast.TableRef) and (
                        leaf.schema is not None or self.find_cte(leaf.name) is None):
                    table = self.schema_object(leaf)[0] or self.schema_table_of(leaf)
                src = Src(alias, names, [None] * len(names), [None] * len(names),
                          [None] * len(names), "", "k" if table is not None else None,
                          table=table)
                if natural or using:
                    low = [n.lower() for n in names]
                    shared = {x.lower() for x in using} if using else {
                        m.lower() for s in sc.srcs for m in s.colnames}
                    src.merged = {i for i, n in enumerate(low) if n in shared}
                sc.srcs.append(src)
        except errors.Error:
            return None
        return sc

    def stub_columns(self, leaf: Any, parent: Scope) -> list[str] | None:
        """The column names of FROM item leaf, from the catalog or the result
        columns of its select (stub_scope); None when they cannot be told."""
        if isinstance(leaf, ast.TableRef):
            cte = self.find_cte(leaf.name) if leaf.schema is None else None
            if cte is not None:
                return list(cte.columns) if cte.columns else self.stub_result_names(
                    cte.select, parent)
            t, v = self.schema_object(leaf)
            if t is None:
                t = self.schema_table_of(leaf)
            if t is not None:
                return [c.name for c in t.columns]
            if v is not None:
                if v.columns:
                    return list(v.columns)
                saved = self.ctes
                self.ctes = []
                try:
                    return self.stub_result_names(v.select, None)
                finally:
                    self.ctes = saved
            from pyrite.exec import tablefunc as TF
            tf = TF.find(leaf.name)
            return None if tf is None else list(tf.columns) + list(tf.hidden)
        if isinstance(leaf, ast.SubqueryRef):
            return self.stub_result_names(leaf.select, parent)
        if isinstance(leaf, ast.TableFunctionRef):
            from pyrite.exec import tablefunc as TF
            tf = TF.find(leaf.name)
            return None if tf is None else list(tf.columns) + list(tf.hidden)
        return None

    def stub_result_names(self, sel: ast.Select, parent: Scope | None) -> list[str] | None:
        b: Any = sel.body
        while isinstance(b, ast.Compound):
            b = b.left
        if isinstance(b, ast.Values):
            return [f"column{i + 1}" for i in range(len(b.rows[0]))]
        if sel.with_ is not None:
            return None
        if parent is None:
            parent = Scope([], None, Func("def _():"))
        stub = self.stub_scope(b, parent)
        if stub is None:
            return None
        try:
            return [n for _, n, _ in self.expand_columns(b, stub)]
        except errors.Error:
            return None

    # ======================================================================= SELECT

    def sel_no(self, node: Any) -> int:
        """SQLite's select number of node (a Select or one of its cores): cores are
        numbered in the order the parser completes them, inner before outer."""
        ids: dict[int, int] = self.__dict__.setdefault("sel_ids", {})
        if id(node) not in ids:
            self._number_selects(node, ids)
        return ids.get(id(node), 0)

    def _number_selects(self, node: Any, ids: dict[int, int]) -> None:
        if isinstance(node, ast.Select):
            if node.with_ is not None:
                self._number_selects(node.with_, ids)
            bodies: list[Any] = []
            b: Any = node.body
            while isinstance(b, ast.Compound):
                bodies.append(b.right)
                b = b.left
            bodies.append(b)
            bodies.reverse()
            for k, core in enumerate(bodies):
                self._number_selects_in(core, ids)
                if k == len(bodies) - 1:
                    self._number_selects_in((node.order_by, node.limit, node.offset), ids)
                n = self.__dict__.get("sel_count", 0) + 1
                if isinstance(core, ast.Values):  # one SELECT per row in SQLite
                    n += len(core.rows) - 1
                self.sel_count = n
                ids[id(core)] = n
            ids[id(node)] = ids[id(bodies[-1])]
            return
        self._number_selects_in(node, ids)

    def _number_selects_in(self, node: Any, ids: dict[int, int]) -> None:
        if isinstance(node, ast.Select):
            self._number_selects(node, ids)
        elif isinstance(node, (list, tuple)):
            for x in node:
                self._number_selects_in(x, ids)
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            for fl in dataclasses.fields(node):
                self._number_selects_in(getattr(node, fl.name), ids)

    def plan_open(self, text: str) -> tuple[int, int]:
        """plan_open(text) -> (line id, saved parent): later plan lines nest under it."""
        lid = self.plan.add(self.plan_parent, text)
        saved = self.plan_parent
        self.plan_parent = lid
        return lid, saved

    def plan_close(self, opened: tuple[int, int], text: str | None = None) -> None:
        lid, saved = opened
        self.plan_parent = saved
        if text is not None:
            self.plan.lines = [(a, b, text if a == lid else d) for a, b, d in self.plan.lines]

    def gen_select(self, sel: ast.Select, parent: Scope | None, host: Func,
                   names_override: tuple[str, ...] = ()) -> SelInfo:
        """gen_select(sel, parent, host) -> SelInfo; the generator function is nested in host."""
        pushed = False
        if sel.with_ is not None:
            frame: dict[str, Cte] = {}
            self.ctes.append(frame)
            pushed = True
            for c in sel.with_.ctes:
                frame[c.name.lower()] = Cte(c.name, c.columns, c.select, sel.with_.recursive,
                                            materialized=c.materialized)
        try:
            return self._gen_select(sel, parent, host)
        finally:
            if pushed:
                self.ctes.pop()

    def _gen_select(self, sel: ast.Select, parent: Scope | None, host: Func) -> SelInfo:
        self.sel_no(sel)  # number the selects as written, before any rewrite
        flat = self.flatten_select(sel) if self.outer is None else None
        while flat is not None:
            sel = flat
            flat = self.flatten_select(sel)
        body = sel.body
        order = sel.order_by
        if isinstance(body, ast.SelectCore):
            self.has_limit = sel.limit is not None
            self.__dict__.setdefault("core_limits", {})[id(body)] = (body, sel.limit)
            self.__dict__.setdefault("core_bounds", {})[id(body)] = (sel.limit, sel.offset)
            self.deferred_out = None
            self.order_runs = 0
            info, keyed, specs = self.gen_core(body, parent, host, order)
            deferred, self.deferred_out = self.deferred_out, None
            runs, self.order_runs = self.order_runs, 0
        else:
            deferred = None
            runs = 0
            info = self.gen_compound(body, parent, host, bool(order))
            keyed = False
            specs = self.compound_order_specs(order, info) if order else ()
        if not order and sel.limit is None:
            return info
        f = Func(f"def {self.fresh('f')}():")
        fname = f.header[4:-3]
        # LIMIT and OFFSET name no column (resolve.c: an empty NameContext), only a
        # trigger's OLD/NEW
        lsc = Scope([], self.outer, f)
        if order:
            lk = "-1"
            if sel.limit is not None:
                lim0 = self.ex(sel.limit, lsc)
                off0 = self.ex(sel.offset, lsc) if sel.offset is not None else "0"
                lk = f"topk_limit({lim0}, {off0})"
            if runs:  # rows come in order of the first `runs` terms: sort each run
                f.emit(0, f"rows = sort_runs({info.fname}(), {self.const(specs)}, {runs}, {lk})")
            else:
                f.emit(0, f"rows = sort_iter({info.fname}(), {self.const(specs)}, {lk})")
            if keyed and deferred is not None:
                f.emit(0, f"rows = ({deferred[1]} for {deferred[0]}, *_ in rows)")
            elif keyed:
                f.emit(0, "rows = (r[0] for r in rows)")
            src = "rows"
        else:
            src = f"{info.fname}()"
        if sel.limit is not None:
            lim = self.ex(sel.limit, lsc)
            off = self.ex(sel.offset, lsc) if sel.offset is not None else "0"
            f.emit(0, f"yield from limit_rows({src}, {lim}, {off})")
        else:
            f.emit(0, f"yield from {src}")
        host.nest(f)
        return SelInfo(fname, info.names, info.decltypes, info.affs,
                       info.correlated or lsc.correlated)

    def order_spec(self, pos: int, t: ast.OrderingTerm, coll: str | None) -> tuple[Any, ...]:
        nulls_first = (t.nulls == "FIRST") if t.nulls else not t.desc
        custom = None
        if coll not in (None, "BINARY", "NOCASE", "RTRIM"):
            assert coll is not None
            if coll not in self.env.collations:
                raise errors.OperationalError(
                    f"no such collation sequence: {self.coll_names.get(coll, coll)}")
            custom = self.env.collations[coll]
        return (pos, t.desc, nulls_first, coll, custom)

    def compound_order_specs(self, order: tuple[ast.OrderingTerm, ...], info: SelInfo
                             ) -> tuple[tuple[Any, ...], ...]:
        specs = []
        for n, t in enumerate(order):
            e = t.expr
            coll = None
            while isinstance(e, ast.Collate):
                coll = e.collation.upper()
                self.coll_names[coll] = e.collation
                e = e.expr
            pos = -1
            if isinstance(e, ast.Literal) and isinstance(e.value, int):
                pos = e.value - 1
                if not 0 <= pos < len(info.names):
                    raise errors.OperationalError(
                        f"{ordinal_suffix(n + 1)} ORDER BY term out of range - should be between 1 and {len(info.names)}")
            elif isinstance(e, ast.ColumnRef):
                for i, nm in enumerate(info.names):
                    if nm.lower() == e.column.lower():
                        pos = i
                        break
            if pos < 0:
                raise errors.OperationalError(
                    f"{ordinal_suffix(n + 1)} ORDER BY term does not match any column in the result set")
            specs.append(self.order_spec(pos, t, coll))
        return tuple(specs)

    def gen_compound(self, body: ast.Compound | ast.Values, parent: Scope | None, host: Func,
                     merge: bool = False) -> SelInfo:
        """merge: the compound has an ORDER BY (SQLite merges its sorted sides)."""
        if isinstance(body, ast.Values):
            return self.gen_values(body, parent, host)
        parts: list[tuple[str, ast.SelectBody]] = []
        b: ast.SelectBody = body
        while isinstance(b, ast.Compound):
            parts.append((b.op, b.right))
            b = b.left
        parts.reverse()
        top = self.plan_open("COMPOUND QUERY")
        sub = self.plan_open("LEFT-MOST SUBQUERY")
        first = self.gen_body(b, parent, host)
        self.plan_close(sub)
        infos = [first]
        for op_, pb in parts:
            sub = self.plan_open(op_ if op_ == "UNION ALL" else f"{op_} USING TEMP B-TREE")
            inf = self.gen_body(pb, parent, host)
            self.plan_close(sub)
            if len(inf.names) != len(first.names):
                raise errors.OperationalError(
                    "SELECTs to the left and right of UNION do not have the same number of result columns")
            infos.append(inf)
        f = Func(f"def {self.fresh('f')}():")
        fname = f.header[4:-3]
        if any(op != "UNION ALL" for op, _ in parts):
            # Each side sorted through the external sorter, then merged key by key
            # (sorter.compound_rows): no side is held whole in memory.
            from pyrite.exec.sorter import COMPOUND_OPS

            ops = "".join(f"({COMPOUND_OPS[op]}, {inf.fname}), "
                          for (op, _), inf in zip(parts, infos[1:], strict=True))
            f.emit(0, f"yield from compound_rows({first.fname}(), ({ops}), {not merge})")
        else:
            f.emit(0, f"acc = list({first.fname}())")
            for inf in infos[1:]:
                f.emit(0, f"acc.extend({inf.fname}())")
            f.emit(0, "yield from acc")
        self.plan_close(top)
        host.nest(f)
        return SelInfo(fname, first.names, first.decltypes, first.affs,
                       any(i.correlated for i in infos))

    def gen_body(self, b: ast.SelectBody, parent: Scope | None, host: Func) -> SelInfo:
        if isinstance(b, ast.SelectCore):
            return self.gen_core(b, parent, host, ())[0]
        return self.gen_compound(b, parent, host)

    def gen_values(self, body: ast.Values, parent: Scope | None, host: Func) -> SelInfo:
        f = Func(f"def {self.fresh('f')}():")
        fname = f.header[4:-3]
        sc = Scope([], parent, f)
        width = len(body.rows[0])
        n = len(body.rows)
        self.plan.add(self.plan_parent, "SCAN CONSTANT ROW" if n == 1 else f"SCAN {n} CONSTANT ROWS")
        for row in body.rows:
            if len(row) != width:
                raise errors.OperationalError("all VALUES must have the same number of terms")
            f.emit(0, "yield (" + "".join(self.ex(x, sc) + ", " for x in row) + ")")
        host.nest(f)
        names = [f"column{i + 1}" for i in range(width)]
        return SelInfo(fname, names, [None] * width, [None] * width, sc.correlated)

    # ---- FROM

    def flatten_from(self, item: ast.FromItem | None) -> list[tuple[Any, str, bool, Any, Any]]:
        if item is None:
            return []
        if isinstance(item, ast.Join):
            left = self.flatten_from(item.left)
            right = self.flatten_from(item.right)
            if len(right) != 1:
                # a parenthesized join on the right: join its items as inner joins
                first = right[0]
                right = [(first[0], item.kind, item.natural, item.on, item.using)] + right[1:]
                return left + right
            return left + [(right[0][0], item.kind, item.natural, item.on, item.using)]
        return [(item, ",", False, None, None)]

    def make_source(self, leaf: Any, parent: Scope | None, f: Func, materialize: list[str]) -> Src:
        if isinstance(leaf, ast.TableRef):
            alias = leaf.alias or leaf.name
            cte = self.find_cte(leaf.name) if leaf.schema is None else None
            if cte is not None:
                return self.cte_source(cte, alias, f, materialize)
            t, v = self.schema_object(leaf)
            if t is not None:
                self.reads.add(t.name)
                rv = self.fresh("r")
                src = Src(alias, [c.name for c in t.columns], [c.affinity for c in t.columns],
                          [c.collation for c in t.columns], [c.decl_type for c in t.columns],
                          rv, "k" + rv[1:], table=t, ipk=t.ipk, label=self.plan_name(leaf))
                if leaf.not_indexed:
                    src.indexes = []
                elif leaf.indexed_by is not None:
                    want = [x for x in t.indexes if x.name.lower() == leaf.indexed_by.lower()]
                    if not want:
                        raise errors.OperationalError(f"no such index: {leaf.indexed_by}")
                    src.indexes = want
                return src
            if v is not None:
                saved, saved_ds = self.ctes, self.default_schema
                self.ctes = []
                self.default_schema = None if self.catalog.is_temp(v) else "main"
                op, co = self.from_open(alias)
                try:
                    info = self.gen_select(v.select, None, f)
                finally:
                    self.ctes, self.default_schema = saved, saved_ds
                    self.plan_close(op)
                names = list(v.columns) if v.columns else info.names
                return self.rows_source(alias, names, info, f, materialize, co)
            t = self.schema_table_of(leaf)
            if t is not None:
                rv = self.fresh("r")
                return Src(alias if leaf.alias else leaf.name, [c.name for c in t.columns],
                           [c.affinity for c in t.columns], [None] * 5,
                           [c.decl_type for c in t.columns], rv, "k" + rv[1:], table=t,
                           label=self.plan_name(leaf))
            from pyrite.exec import tablefunc as TF
            return TF.make_source(self, leaf.schema or self.default_schema, leaf.name, (),
                                  leaf.alias)
        if isinstance(leaf, ast.SubqueryRef):
            label = leaf.alias or f"(subquery-{self.sel_no(leaf.select)})"
            op, co = self.from_open(label)
            info = self.gen_select(leaf.select, parent, f)
            self.plan_close(op)
            src = self.rows_source(leaf.alias or "", info.names, info, f, materialize, co)
            src.label = label
            self.__dict__.setdefault("sub_rows", {})[id(src)] = (src, self.select_log_rows(leaf.select))
            return src
        if isinstance(leaf, ast.TableFunctionRef):
            from pyrite.exec import tablefunc as TF
            return TF.make_source(self, leaf.schema, leaf.name, leaf.args, leaf.alias, call=True)
        raise errors.OperationalError("unsupported FROM item")

    @staticmethod
    def plan_name(ref: ast.TableRef) -> str:
        """A table's name in EXPLAIN QUERY PLAN lines (SQLite's %S of a SrcItem): its
        alias, else schema.name when written with a schema, else ""  (Src.name)."""
        return f"{ref.schema}.{ref.name}" if ref.schema is not None and not ref.alias else ""

    def schema_object(self, ref: ast.TableRef) -> tuple[Table | None, Any]:
        """schema_object(ref) -> (table, None) or (None, view) that a FROM name
        means: in its schema when qualified, else TEMP's before main's."""
        obj = self.catalog.table_or_view(ref.name, ref.schema or self.default_schema)
        if isinstance(obj, Table):
            if obj.name.lower() == "sqlite_schema":
                return None, None  # schema_table_of reads it, under the name written
            return obj, None
        return None, obj

    def schema_table_of(self, ref: ast.TableRef) -> Table | None:
        """The sqlite_schema table a FROM name like sqlite_master / temp.sqlite_schema /
        sqlite_temp_master reads (main's or TEMP's), or None when ref names none."""
        from pyrite.planner.catalog import schema_table

        low = ref.name.lower()
        sch = (ref.schema or "main").lower()
        if low in ("sqlite_temp_master", "sqlite_temp_schema"):
            if sch != "temp" and ref.schema is not None:
                return None
            sch = "temp"
        elif low not in ("sqlite_master", "sqlite_schema"):
            return None
        cat = self.catalog.schema(sch)
        if cat is None:
            return None
        return cat.tables.get("sqlite_schema") or schema_table(temp=sch == "temp")

    def flatten_select(self, sel: ast.Select) -> ast.Select | None:
        """The query flattener (planner/flatten.py) with this statement's CTEs and views."""
        from pyrite.planner.flatten import flatten

        def inner_of(item: Any) -> tuple[ast.Select, tuple[str, ...], str] | None:
            if isinstance(item, ast.SubqueryRef):
                return item.select, (), item.alias or ""
            if isinstance(item, ast.TableRef) and item.schema is None:
                cte = self.find_cte(item.name)
                if cte is not None:
                    if cte.recursive and self._is_recursive(cte) or cte.materialized:
                        return None
                    if self._refers_to(cte.select, cte.name.lower()):
                        return None
                    if sum(1 for x in self._cte_uses(sel, cte.name.lower())) != 1:
                        return None
                    return cte.select, cte.columns, item.alias or item.name
                return None
            return None

        def table_columns(name: str) -> list[str] | None:
            if self.find_cte(name) is not None:
                return None
            t = self.catalog.table(name)
            return [c.name for c in t.columns] if t is not None else None

        return flatten(sel, inner_of, table_columns)

    def _cte_uses(self, node: Any, name: str) -> Iterator[Any]:
        stack = [node]
        while stack:
            x = stack.pop()
            if isinstance(x, ast.TableRef) and x.schema is None and x.name.lower() == name:
                yield x
            if isinstance(x, (list, tuple)):
                stack.extend(x)
            elif dataclasses.is_dataclass(x) and not isinstance(x, type):
                stack.extend(getattr(x, fl.name) for fl in dataclasses.fields(x))

    def from_open(self, label: str) -> tuple[tuple[int, int], bool]:
        """Open the plan line of a FROM subquery: a co-routine when it is the
        outermost loop and read once, else materialized."""
        co = bool(getattr(self, "from_coroutine", False))
        return self.plan_open(f"{'CO-ROUTINE' if co else 'MATERIALIZE'} {label}"), co

    def rows_source(self, alias: str, names: list[str], info: SelInfo, f: Func,
                    materialize: list[str], coroutine: bool = False) -> Src:
        mv = self.fresh("m")
        if coroutine:  # read once, as the outermost loop: iterate the generator itself
            materialize.append(f"{mv} = {info.fname}()")
        else:
            materialize.append(f"{mv} = list({info.fname}())")
        rv = self.fresh("r")
        return Src(alias, names, list(info.affs) + [None] * (len(names) - len(info.affs)),
                   [None] * len(names), list(info.decltypes) + [None] * len(names), rv, None,
                   rows_var=mv)

    def cte_source(self, cte: Cte, alias: str, f: Func, materialize: list[str]) -> Src:
        if cte.cur_var is not None:
            names = cte.cur_names or []
            rv = self.fresh("r")
            return Src(alias, names, [None] * len(names), [None] * len(names),
                       [None] * len(names), rv, None, rows_var=cte.cur_var)
        # A CTE sees the CTEs defined before it (and itself when recursive).
        saved = self.ctes
        idx = None
        for i, frame in enumerate(saved):
            if cte.name.lower() in frame and frame[cte.name.lower()] is cte:
                idx = i
        self.ctes = saved[: (idx + 1) if idx is not None else len(saved)]
        if cte.materialized:
            self.from_coroutine = False
        op, co = self.from_open(alias if alias.lower() == cte.name.lower() else cte.name)
        try:
            if self._is_recursive(cte):
                info = self.gen_recursive(cte, f)
            else:
                if cte.recursive:
                    pass
                info = self.gen_select(cte.select, None, f)
        finally:
            self.ctes = saved
            self.plan_close(op)
        names = list(cte.columns) if cte.columns else info.names
        if cte.columns and len(cte.columns) != len(info.names):
            raise errors.OperationalError(
                f"table {cte.name} has {len(info.names)} values for {len(cte.columns)} columns")
        return self.rows_source(alias, names, info, f, materialize, co)

    def _is_recursive(self, cte: Cte) -> bool:
        body = cte.select.body
        if not isinstance(body, ast.Compound) or body.op not in ("UNION", "UNION ALL"):
            return False
        return self._refers_to(body.right, cte.name.lower())

    def _refers_to(self, node: Any, name: str) -> bool:
        if isinstance(node, ast.TableRef):
            return node.name.lower() == name and node.schema is None
        if dataclasses.is_dataclass(node) and not isinstance(node, type):
            for fl in dataclasses.fields(node):
                v = getattr(node, fl.name)
                if isinstance(v, tuple):
                    if any(self._refers_to(x, name) for x in v):
                        return True
                elif dataclasses.is_dataclass(v) and self._refers_to(v, name):
                    return True
        return False

    def gen_recursive(self, cte: Cte, host: Func) -> SelInfo:
        body = cte.select.body
        assert isinstance(body, ast.Compound)
        f = Func(f"def {self.fresh('f')}():")
        fname = f.header[4:-3]
        op = self.plan_open("SETUP")
        setup = self.gen_body(body.left, None, f)
        self.plan_close(op)
        names = list(cte.columns) if cte.columns else setup.names
        cur = self.fresh("q")
        cte.cur_var = cur
        cte.cur_names = names
        op = self.plan_open("RECURSIVE STEP")
        try:
            step = self.gen_body(body.right, None, f)
        finally:
            cte.cur_var = None
            self.plan_close(op)
        lsc = Scope([], None, f)
        union = body.op == "UNION"
        f.emit(0, "seen = set()")
        f.emit(0, "queue = collections_deque()")
        f.emit(0, f"for row in {setup.fname}():")
        if union:
            f.emit(1, "if row in seen: continue")
            f.emit(1, "seen.add(row)")
        f.emit(1, "queue.append(row)")
        lim = "None"
        off = "None"
        if cte.select.limit is not None:
            lim = self.ex(cte.select.limit, lsc)
            if cte.select.offset is not None:
                off = self.ex(cte.select.offset, lsc)
        f.emit(0, f"n = -1 if {lim} is None else to_limit({lim})")
        f.emit(0, f"o = 0 if {off} is None else to_limit({off})")
        f.emit(0, "while queue and n != 0:")
        f.emit(1, "row = queue.popleft()")
        f.emit(1, "if o > 0:")
        f.emit(2, "o -= 1")
        f.emit(1, "else:")
        f.emit(2, "yield row")
        f.emit(2, "n -= 1")
        f.emit(1, f"{cur} = (row,)")
        f.emit(1, f"for nrow in {step.fname}():")
        if union:
            f.emit(2, "if nrow in seen: continue")
            f.emit(2, "seen.add(nrow)")
        f.emit(2, "queue.append(nrow)")
        f.pre.insert(0, f"{cur} = ()")
        host.nest(f)
        return SelInfo(fname, names, [None] * len(names), [None] * len(names), False)

    # ---- one SELECT core

    def _star_schema(self, src: Src, sc: Scope) -> str | None:
        """The schema that tells src's columns apart when another FROM item has the
        same name (FROM main.t, temp.t), else None."""
        if src.table is None or not any(
                o is not src and o.name.lower() == src.name.lower() for o in sc.srcs):
            return None
        return "temp" if src.table.temp else "main"

    def expand_columns(self, core: ast.SelectCore, sc: Scope
                       ) -> list[tuple[ast.Expr, str, str | None]]:
        out: list[tuple[ast.Expr, str, str | None]] = []
        for rc in core.columns:
            if rc.expr is None:
                matched = False
                for src in sc.srcs:
                    if rc.table is not None and src.name.lower() != rc.table.lower():
                        continue
                    matched = True
                    for i, n in enumerate(src.colnames):
                        if rc.table is None and i in src.merged:
                            continue
                        if src.tvf is not None and i >= len(src.tvf[0].columns):
                            break  # HIDDEN columns of a table-valued function
                        out.append((ast.ColumnRef(self._star_schema(src, sc), src.name, n)
                                    if src.name else ast.ColumnRef(None, None, n), n,
                                    src.decltypes[i]))
                if rc.table is not None and not matched:
                    raise errors.OperationalError(f"no such table: {rc.table}")
                if rc.table is None and not sc.srcs:
                    raise errors.OperationalError("no tables specified")
                continue
            e = rc.expr
            if rc.alias is not None:
                name = rc.alias
            elif isinstance(e, ast.ColumnRef):
                r = self.resolve(e, sc)
                if r is not None and r[2] >= 0:
                    name = r[1].colnames[r[2]]
                elif r is not None and r[1].table is not None:
                    t = r[1].table
                    name = t.columns[t.ipk].name if t.ipk is not None else "rowid"
                else:
                    name = e.column if r is not None else (rc.text or e.column)
            else:
                name = rc.text or f"column{len(out) + 1}"
            decl = None
            if isinstance(e, ast.ColumnRef):
                r = self.resolve(e, sc)
                if r is not None and r[2] >= 0:
                    decl = r[1].decltypes[r[2]]
                elif r is not None:
                    decl = "INTEGER"
            out.append((e, name, decl))
        return out

    def gen_core(self, core: ast.SelectCore, parent: Scope | None, host: Func,
                 order: tuple[ast.OrderingTerm, ...]
                 ) -> tuple[SelInfo, bool, tuple[tuple[Any, ...], ...]]:
        # Planning state is per SELECT core; a nested subquery must not leak its own.
        saved = (self.need, self.order_hint, self.order_done, self.minmax_scan)
        saved_all = self.__dict__.get("order_all", [])
        try:
            return self._gen_core(core, parent, host, order)
        finally:
            self.need, self.order_hint, self.order_done, self.minmax_scan = saved
            self.order_all = saved_all

    def _gen_core(self, core: ast.SelectCore, parent: Scope | None, host: Func,
                  order: tuple[ast.OrderingTerm, ...]
                  ) -> tuple[SelInfo, bool, tuple[tuple[Any, ...], ...]]:
        f = Func(f"def {self.fresh('f')}():")
        fname = f.header[4:-3]
        sc = Scope([], parent, f)
        materialize: list[str] = []
        items = self.flatten_from(core.from_)
        on_terms: list[list[ast.Expr]] = []
        for k, (leaf, kind, natural, on, using) in enumerate(items):
            self.from_coroutine = k == 0 and (len(items) == 1 or items[1][1] in ("LEFT", "CROSS"))
            src = self.make_source(leaf, parent, f, materialize)
            self.from_coroutine = False
            src.left = kind in ("LEFT", "FULL", "RIGHT")
            src.cross = kind == "CROSS"
            if kind in ("RIGHT", "FULL"):
                if k != 1 or len(items) != 2:
                    raise errors.OperationalError(
                        f"{kind} JOIN is supported only between two FROM items")
                src.outer_kind = kind
            terms = conjuncts(on)
            if natural or using:
                names = list(using) if using else [  # NATURAL: HIDDEN columns left out
                    n for n in src.colnames[:_visible(src)] if any(
                        n.lower() in (m.lower() for m in s.colnames[:_visible(s)])
                        for s in sc.srcs)]
                for n in names:
                    left_src = None
                    for s in sc.srcs:
                        if any(m.lower() == n.lower() for m in s.colnames):
                            left_src = s
                            break
                    ri = next((i for i, m in enumerate(src.colnames) if m.lower() == n.lower()), -1)
                    if left_src is None or ri < 0:
                        raise errors.OperationalError(
                            f"cannot join using column {n} - column not present in both tables")
                    src.merged.add(ri)
                    li = next(i for i, m in enumerate(left_src.colnames) if m.lower() == n.lower())
                    terms.append(_ColEq(left_src, li, src, ri))  # type: ignore[arg-type]
            sc.srcs.append(src)
            on_terms.append(terms)

        cols = self.expand_columns(core, sc)
        for e, name, _ in cols:
            if name and e is not None:
                sc.aliases.setdefault(name.lower(), e)
        # The alias map must not shadow real columns: resolve() is tried first.
        for x in [*core.group_by, *(t.expr for t in order)]:
            self.check_local_names(x, sc)
        # An aggregate belongs to the query its arguments name (agg_owner), which may
        # be this one when written in a sub-select, or an outer one.
        aggs: list[ast.FunctionCall] = []
        for e, _, _ in cols:
            self.collect_aggs(e, aggs, sc)
        if core.having is not None:
            if not aggs and not core.group_by:
                # Only the result columns and GROUP BY make a query an aggregate
                # one (SF_Aggregate in resolve.c), not HAVING itself.
                raise errors.OperationalError("HAVING clause on a non-aggregate query")
            self.collect_aggs(core.having, aggs, sc)
        order_aggs: list[ast.FunctionCall] = []
        with self.local_names(sc):
            for t in order:
                self.collect_aggs(t.expr, order_aggs, sc)
        if order_aggs and not aggs and not core.group_by:
            # An aggregate only in ORDER BY does not make the query an aggregate
            # one: SQLite fails when it codes the term (expr.c).
            raise errors.OperationalError(f"misuse of aggregate: {order_aggs[0].name}()")
        aggs += order_aggs
        self.check_window_owner(sc, [e for e, _, _ in cols] + [t.expr for t in order])
        for w in conjuncts(core.where):
            probe: list[ast.FunctionCall] = []
            self.collect_aggs(w, probe)
            if probe and (aggs or core.group_by):
                # an outer query's aggregate is fine in an aggregate query's WHERE
                probe = [a for a in probe if self.agg_owner(a, sc) is sc]
            if not probe:
                probe = []
                self.collect_aggs(w, probe, sc)
                what = "aggregate:"
            else:
                what = "aggregate:" if aggs or core.group_by else "aggregate function"
            if probe:
                # resolve.c refuses it in a non-aggregate query; in an aggregate one
                # (or in a sub-select) it fails later, when coded (expr.c), with the
                # shorter message
                raise errors.OperationalError(
                    f"misuse of {what} {probe[0].name}()").at(probe[0].pos)
        for g in core.group_by:
            probe = []
            self.collect_aggs(g, probe, sc)
            if probe:
                raise errors.OperationalError("aggregate functions are not allowed in the GROUP BY clause")
        grouped = bool(aggs) or bool(core.group_by)
        if core.having is not None and not grouped:
            raise errors.OperationalError("a GROUP BY clause is required before HAVING")

        fast = self.minmax_shortcut(core, sc, cols, aggs) or self.count_shortcut(core, sc, cols,
                                                                                   aggs)
        self.minmax_scan = (len(aggs) == 1 and len(sc.srcs) == 1 and not core.group_by
                            and aggs[0].name.lower() in ("min", "max") and len(aggs[0].args) == 1
                            and isinstance(aggs[0].args[0], ast.ColumnRef))
        if fast is not None:
            f.emit(0, f"yield ({fast},)")
            host.nest(f)
            return (SelInfo(fname, [n for _, n, _ in cols], [d for _, _, d in cols],
                            [None], sc.correlated), False, ())
        for line in materialize:
            f.emit(0, line)
        self.order_done = False
        self.compute_need(sc, [[e for e, _, _ in cols], core.where, list(core.group_by),
                               core.having, [t.expr for t in order], on_terms,
                               list(core.windows)])
        self.order_hint = self.order_want(core, sc, cols, order, grouped)
        self.leaf_scan = sc if self.rows_consumed_whole(core, sc, cols, order, grouped) else None
        level = self.gen_loops(sc, f, self.or_join_in(self.transitive_terms(
            self.or_to_in(core.where), on_terms, sc), on_terms, sc), on_terms)
        order_done = self.order_done
        runs = 0  # leading ORDER BY terms the loops deliver: a sort within their runs
        if not order_done and self.order_hint is not None and self.order_hint[0] == "order" \
                and not any(s.outer_kind for s in sc.srcs):
            runs = self.__dict__.get("order_runs_by", {}).get(id(sc), 0) \
                or self._order_sat(sc.srcs[0], 0, [-1], [False], set())[0]
            if runs < 0 and all(t[0][0] is sc.srcs[0] for t in getattr(self, "order_all", [])):
                order_done = True  # the outer loop reads one row (WHERE_ONEROW)
            runs = max(runs, 0)
        group_done = order_done and self.order_hint is not None and self.order_hint[0] == "group"
        distinct_done = order_done and self.order_hint is not None \
            and self.order_hint[0] == "distinct"
        if group_done or distinct_done:
            order_done = False
        self.order_hint = None
        self.need = None
        self.minmax_scan = False

        keyed = bool(order)
        specs: list[tuple[Any, ...]] = []
        order_exprs: list[tuple[int, ast.Expr]] = []  # (output position or -1, expr)
        for n, t in enumerate(order):
            e = t.expr
            coll = None
            while isinstance(e, ast.Collate):
                coll = e.collation.upper()
                self.coll_names[coll] = e.collation
                e = e.expr
            pos = -1
            if isinstance(e, ast.Literal) and isinstance(e.value, int):
                pos = e.value - 1
                if not 0 <= pos < len(cols):
                    raise errors.OperationalError(
                        f"{ordinal_suffix(n + 1)} ORDER BY term out of range - should be between 1 and {len(cols)}")
            elif isinstance(e, ast.ColumnRef) and e.table is None and self.resolve(
                    e, Scope(sc.srcs, None, f)) is None:
                for i, (_, nm, _) in enumerate(cols):
                    if nm.lower() == e.column.lower():
                        pos = i
                        break
            else:
                for i, (ce, _, _) in enumerate(cols):
                    if ce == e:
                        pos = i
                        break
            if coll is None:
                src_e = cols[pos][0] if pos >= 0 else e
                coll = self.coll(src_e, sc)[0]
            order_exprs.append((pos, e))
            specs.append(self.order_spec(n + 1, t, coll))

        wins: list[ast.FunctionCall] = []
        for e, _, _ in cols:
            self.collect_windows(e, wins)
        for t in order:
            self.collect_windows(t.expr, wins)
        if grouped and core.group_by and order and len(order) <= len(core.group_by) and all(
                not t.desc and t.nulls in (None, "FIRST") and not isinstance(t.expr, ast.Collate)
                and t.expr == g for t, g in zip(order, core.group_by[:len(order)], strict=True)):
            order_done = True  # groups come out sorted by their key (gen_group)
        if order_done and not wins:
            keyed = False  # rows already come in ORDER BY order from the access path
            specs = []
        if grouped and core.group_by and not group_done:
            self.plan.add(self.plan_parent, "USE TEMP B-TREE FOR GROUP BY")
        if core.distinct and not distinct_done:
            self.plan.add(self.plan_parent, "USE TEMP B-TREE FOR DISTINCT")
        if keyed and runs and not wins:
            self.plan.add(self.plan_parent, "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY")
        elif keyed:
            self.plan.add(self.plan_parent, "USE TEMP B-TREE FOR ORDER BY")
        if grouped:
            level = self.gen_group(sc, f, level, core, cols, aggs)
        if wins:
            level = self.gen_windows(sc, f, level, core, wins)
        val = self.json_arg if id(core) in self.json_cores and not wins else self.ex
        out = "(" + "".join(val(e, sc) + ", " for e, _, _ in cols) + ")"
        # DISTINCT holds at most sorter.SPILL_GROUPS keys; rows of new keys past that
        # go to the external sorter and come out after the others (DistinctSpill),
        # unless the rows must keep the scan's order for ORDER BY.
        dspill = core.distinct and (keyed or not order)
        if core.distinct:
            f.pre.append("seen = set()")
            if dspill:
                f.pre.append("dsp = DistinctSpill()")
                f.pre.append("dlim = dsp.limit")
            row = self.fresh("o")
            f.emit(level, f"{row} = {out}")
            f.emit(level, f"dk = tuple(group_key(v, None) for v in {row})")
            f.emit(level, "if dk in seen: continue")
            if not dspill:
                f.emit(level, "seen.add(dk)")
            out = row
        deferred: tuple[str, str] | None = None
        src0 = sc.srcs[0] if len(sc.srcs) == 1 else None
        plain = set() if src0 is None else {
            col_code(src0, i, raw) for i in range(len(src0.colnames)) for raw in (False, True)}
        if src0 is not None and src0.kvar:
            plain.add(src0.kvar)
        if keyed and not core.distinct and not grouped and not wins and not sc.splits \
                and src0 is not None and src0.table is not None and cols \
                and all(isinstance(e, ast.ColumnRef) and self.ex(e, sc) in plain
                        for e, _, _ in cols):
            # Output of plain columns is built after the sort, only for the rows kept
            # (a LIMIT keeps few): the loop yields the row and its sort keys.
            snap = f"({src0.rvar}, {src0.kvar or 'None'})"
            deferred = (f"({src0.rvar}, {src0.kvar or '_k'})", out)
            keys = [self.ex(cols[pos][0], sc) if pos >= 0 else self.ex_local(e, sc)
                    for pos, e in order_exprs]
            self.narrow_topk(core, sc, src0, keys, specs)
            f.emit(level, f"yield ({snap}, {', '.join(keys)},)")
        elif keyed:
            row = self.fresh("o")
            f.emit(level, f"{row} = {out}")
            keys = []
            for pos, e in order_exprs:
                keys.append(f"{row}[{pos}]" if pos >= 0 else self.ex_local(e, sc))
            self.emit_yield(f, level, f"({row}, {', '.join(keys)},)", dspill)
        else:
            self.emit_yield(f, level, out, dspill)
        self.close_splits(f, sc)
        if dspill:
            f.emit(0, "yield from dsp.rows()")
        self.finish_sources(sc)
        host.nest(f)
        self.deferred_out = deferred
        self.order_runs = runs if keyed and not wins else 0
        names = [n for _, n, _ in cols]
        decls = [d for _, _, d in cols]
        affs = [self.aff(e, sc) for e, _, _ in cols]
        return SelInfo(fname, names, decls, affs, sc.correlated), keyed, tuple(specs)

    def rows_consumed_whole(self, core: ast.SelectCore, sc: Scope,
                            cols: list[tuple[ast.Expr, str, str | None]],
                            order: tuple[ast.OrderingTerm, ...], grouped: bool) -> bool:
        """Does the scan of core's outermost table run to its end before any row
        leaves (an aggregate, or rows fed to the sorter), with only pyrite's own code
        per row (no user function or aggregate on the connection, no window)? Then
        nothing can write to the table in between (inner loops of a join only read),
        and the scan may walk each leaf's kept rows as one list (cursor.scan_leaf_rows)."""
        if not sc.srcs or not (grouped or order):
            return False
        if getattr(self.env, "s", None) is None or self.env.s.user_functions \
                or self.env.s.user_aggregates:
            return False
        wins: list[ast.FunctionCall] = []
        for e in [e for e, _, _ in cols] + [t.expr for t in order] + [core.having]:
            if e is not None:
                self.collect_windows(e, wins)
        return not wins and not core.windows

    def emit_yield(self, f: Func, level: int, row: str, dspill: bool) -> None:
        """Yield a result row; under a spilling DISTINCT (dspill) a row of a new key
        goes to the sorter instead once the seen set is full."""
        if dspill:
            f.emit(level, f"yv = {row}")
            f.emit(level, "if len(seen) >= dlim: dsp.add(dk, yv); continue")
            f.emit(level, "seen.add(dk)")
            row = "yv"
        f.emit(level, f"yield {row}")

    def narrow_topk(self, core: ast.SelectCore, sc: Scope, src: Src, keys: list[str],
                    specs: list[tuple[Any, ...]]) -> None:
        """ORDER BY one stored column, LIMIT and OFFSET constants or parameters, every
        row of a leaf-walking scan reaching the sorter: each leaf is first narrowed
        to the rows that may still be among the first LIMIT+OFFSET (sorter.TopkLeaves,
        exact), so the others are never yielded."""
        hook = self.leaf_hook
        bounds = self.__dict__.get("core_bounds", {}).get(id(core))
        if hook is None or hook[0] is not sc or len(keys) != 1 or bounds is None:
            return
        t = src.table
        lim, off = bounds
        if t is None or t.has_virtual() or lim is None or not all(
                x is None or isinstance(x, (ast.Literal, ast.Param)) for x in (lim, off)):
            return
        # (a REAL column's stored integers order as their REAL values: narrowing by them
        # keeps the same rows)
        pos = {col_code(src, i, raw): i for i in range(len(src.colnames)) if i != t.ipk
               for raw in (False, True)}.get(keys[0])
        if pos is None:
            return
        from pyrite.exec.sorter import TopkLeaves

        _, f, at, lr, level = hook
        tk = self.fresh("tk")
        # LIMIT and OFFSET are evaluated again here: constants or parameters give the
        # same count as the sorter's (and any error was raised before this runs)
        bound = f"topk_limit({self.ex(lim, sc)}, {self.ex(off, sc) if off is not None else '0'})"
        assert f.body[at][0] == level and f.body[at][1].startswith(f"for {lr} in "), f.body[at]
        f.body.insert(at + 1, (level + 1, f"{lr} = {tk}({lr})"))
        binary = specs[0][3] in (None, "BINARY") and specs[0][4] is None  # TEXT as Python orders it
        f.body.insert(at, (level, f"{tk} = {self.const(TopkLeaves)}({bound}, {pos}, "
                                  f"{bool(specs[0][1])}, {binary})"))
        self.leaf_hook = None

    def finish_sources(self, sc: Scope) -> None:
        self.generated_loop_check()
        for src in sc.srcs:
            if src.table is not None:
                ph = f"@{src.rvar}@"
                self.placeholders[ph] = src

    # ---- loops and access paths

    def term_sources(self, e: Any, sc: Scope) -> set[int] | None:
        """Indices of this scope's sources that e reads; None = must run innermost."""
        if isinstance(e, _ColEq):
            return {sc.srcs.index(e.ls), sc.srcs.index(e.rs)}
        if has_subquery(e) and not self.subqueries_independent(e, sc):
            return None
        out: set[int] = set()
        stack = [e]
        while stack:
            x = stack.pop()
            if isinstance(x, (ast.Subquery, ast.Exists)):
                continue
            if isinstance(x, ast.InSelect):
                stack.append(x.expr)
                continue
            if isinstance(x, ast.ColumnRef):
                r = self.resolve(x, sc)
                if r is None:
                    if x.table is None and x.column.lower() in sc.aliases:
                        return None
                    raise errors.OperationalError(
                        f"no such column: {x.table + '.' if x.table else ''}{x.column}").at(x.pos)
                if r[0] is sc:
                    out.add(sc.srcs.index(r[1]))
            elif isinstance(x, ast.FunctionCall) and self.is_aggregate(x):
                return None
            else:
                stack.extend(children(x))
        return out

    def or_to_in(self, where: ast.Expr | None) -> ast.Expr | None:
        """`x = c1 OR x = c2 ...` on one column becomes `x IN (c1, c2, ...)`, as SQLite
        rewrites it (where.c, exprAnalyzeOrTerm), so that an index can serve it."""
        terms = conjuncts(where)
        out: list[ast.Expr] = []
        changed = False
        for t in terms:
            new = t
            if isinstance(t, ast.Binary) and t.op == "OR":
                disj: list[ast.Expr] = []
                stack: list[ast.Expr] = [t]
                while stack:
                    x = stack.pop()
                    if isinstance(x, ast.Binary) and x.op == "OR":
                        stack.append(x.right)
                        stack.append(x.left)
                    else:
                        disj.append(x)
                col: ast.Expr | None = None
                items: list[ast.Expr] = []
                for d in disj:
                    if not (isinstance(d, ast.Binary) and d.op == "="):
                        break
                    if isinstance(d.left, ast.ColumnRef) and isinstance(d.right, (ast.Literal, ast.Param)):
                        c, v = d.left, d.right
                    elif isinstance(d.right, ast.ColumnRef) and isinstance(d.left, (ast.Literal, ast.Param)):
                        c, v = d.right, d.left
                    else:
                        break
                    if col is None:
                        col = c
                    elif c != col:
                        break
                    items.append(v)
                else:
                    if col is not None and len(items) > 1:
                        new = ast.InList(col, tuple(items), False)
                        changed = True
            out.append(new)
        if not changed:
            return where
        acc = out[0]
        for x in out[1:]:
            acc = ast.Binary("AND", acc, x)
        return acc

    def or_join_in(self, where: ast.Expr | None, on_terms: list[list[ast.Expr]], sc: Scope
                   ) -> ast.Expr | None:
        """`A.x = B.y OR A.x = C.z ...` in a join also gives `A.x IN (B.y, C.z, ...)`,
        a virtual term an index on A.x can use (where.c, exprAnalyzeOrTerm case 2);
        the OR stays the filter. Made only where the IN compares as the OR does: the
        other sides without an affinity of their own, or A.x's (okToChngToIN), and
        every column under A.x's collation. Added to derived_ids, as transitive_terms'
        terms: the cost model gives it no weight."""
        if len(sc.srcs) < 2 or any(x.left or x.cross or x.outer_kind for x in sc.srcs):
            return where
        added: list[ast.Expr] = []
        for t in conjuncts(where) + [t for ts in on_terms for t in ts]:
            if not (isinstance(t, ast.Binary) and t.op == "OR") or has_subquery(t):
                continue
            disj = disjuncts(t)
            if not all(isinstance(d, ast.Binary) and d.op == "=" for d in disj):
                continue
            first = disj[0]
            assert isinstance(first, ast.Binary)
            for cand in (first.left, first.right):
                cc = self._col_of(cand, sc)
                if cc is None:
                    continue
                items: list[ast.Expr] = []
                for d in disj:
                    assert isinstance(d, ast.Binary)
                    other = d.right if self._col_of(d.left, sc) == cc else \
                        d.left if self._col_of(d.right, sc) == cc else None
                    srcs = self.term_sources(other, sc) if other is not None else None
                    if other is None or srcs is None or cc[0] in srcs \
                            or isinstance(other, ast.Collate) \
                            or self.aff(other, sc) not in (None, self.aff(cand, sc)) \
                            or (self.cmp_coll(d.left, d.right, sc) or "BINARY").upper() != (
                                self.coll(cand, sc)[0] or "BINARY").upper():
                        break
                    items.append(other)
                else:
                    in_term = ast.InList(cand, tuple(items), False)
                    added.append(in_term)
                    self.derived_ids.add(id(in_term))
                    break
        for e in added:
            where = e if where is None else ast.Binary("AND", where, e)
        return where

    def subqueries_independent(self, e: Any, sc: Scope) -> bool:
        """Do the subqueries inside e read nothing of sc's sources? (Conservative:
        any column name one of sc's sources has counts as a reference.)"""
        names = {s.name.lower() for s in sc.srcs}
        cols = {c.lower() for s in sc.srcs for c in s.colnames} | set(ROWID_NAMES)
        todo: list[tuple[Any, bool]] = [(e, False)]
        while todo:
            x, sub = todo.pop()
            if isinstance(x, ast.InSelect):
                todo.append((x.expr, sub))
                x, sub = x.select, True
            if isinstance(x, (ast.Subquery, ast.Exists, ast.Select)):
                sub = True
            if sub and isinstance(x, ast.ColumnRef):
                if x.table is not None and x.table.lower() in names:
                    return False
                if x.table is None and x.column.lower() in cols:
                    return False
            if isinstance(x, (list, tuple)):
                todo.extend((y, sub) for y in x)
            elif dataclasses.is_dataclass(x) and not isinstance(x, type):
                todo.extend((getattr(x, fl.name), sub) for fl in dataclasses.fields(x))
        return True

    def gen_loops(self, sc: Scope, f: Func, where: ast.Expr | None,
                  on_terms: list[list[ast.Expr]]) -> int:
        n = len(sc.srcs)
        if n >= 2 and not any(x.left or x.cross for x in sc.srcs):
            self.reorder(sc, where, on_terms)
        elif n == 1 and sc.srcs[0].table is not None and sc.srcs[0].tvf is None and any(
                tn == sc.srcs[0].table.name.lower() for tn, _ in self.stat1()):
            self.reorder(sc, where, on_terms)  # with sqlite_stat1 a lone table is costed too
        pending: list[tuple[ast.Expr, set[int] | None, int]] = []  # (term, sources, home)
        for t in conjuncts(where):
            pending.append((t, self.term_sources(t, sc), -1))
        for i, terms in enumerate(on_terms):
            for t in terms:
                s = self.term_sources(t, sc)
                if sc.srcs[i].left:
                    pending.append((t, s, i))
                else:
                    pending.append((t, s, -1))
        # A WHERE term that reads a LEFT JOIN's right side waits until after
        # that side's NULL row is substituted; it may never pick an access path.
        placed: list[list[ast.Expr]] = [[] for _ in range(max(n, 1))]
        on_placed: list[list[ast.Expr]] = [[] for _ in range(max(n, 1))]
        srcsets: dict[int, set[int] | None] = {}
        for t, s, home in pending:
            srcsets[id(t)] = s
            if home >= 0:
                on_placed[home].append(t)
                continue
            lvl = n - 1 if s is None else (max(s) if s else 0)
            placed[max(lvl, 0)].append(t)
        level = 0
        if n == 0:
            self.plan.add(self.plan_parent, "SCAN CONSTANT ROW")
            f.emit(0, "for _ in ONE:")
            level = 1
            for t in placed[0]:
                f.emit(level, f"if not {self.cond(t, sc)}: continue")
            return level
        # Access paths first; an inner source that would be re-scanned for
        # every outer row is read once instead, filtered by its own terms and
        # hashed on an equality join term when it has one.
        paths: list[tuple[str, str, bool]] = []  # (iterator, plan text, yields decoded rows)
        for i, src in enumerate(sc.srcs):
            usable = on_placed[i] if src.left else placed[i]
            if n == 2 and sc.srcs[1].outer_kind:
                # WHERE applies after the join: no term may narrow either side's reads
                if i == 0:
                    placed[1] = placed[0] + placed[1]
                    placed[0] = []
                usable = []  # read whole, once: unmatched rows are emitted after the outer loop
            mark = len(self.plan.lines)
            self.path_omit = set()
            self.path_bloom = None
            it, desc = self.access_path(src, i, sc, usable)
            bloom, self.path_bloom = self.path_bloom, None
            decoded = src.table is None or self.path_decoded
            if i > 0 and src.tvf is None and (desc.startswith("SCAN")
                                              or not self._depends(it, sc.srcs[:i])):
                it, decoded, hashed = self.prebuild(src, i, sc, f, usable, srcsets,
                                                    None if desc.startswith("SCAN") else it,
                                                    decoded and src.table is not None)
                done = {id(t) for t in usable if srcsets.get(id(t)) is not None
                        and srcsets[id(t)] <= {i} and not has_subquery(t)}  # type: ignore[operator]
                if src.left:
                    on_placed[i] = [t for t in on_placed[i] if id(t) not in done]
                else:
                    placed[i] = [t for t in placed[i] if id(t) not in done]
                if hashed:
                    desc = (f"SEARCH {desc.split(' ')[1]} USING AUTOMATIC "
                            f"{'PARTIAL ' if self.auto_partial else ''}COVERING INDEX ({hashed}=?)")
            elif self.path_omit and not src.left and not (n == 2 and sc.srcs[1].outer_kind):
                placed[i] = [t for t in placed[i] if id(t) not in self.path_omit]
            if bloom is not None and desc.startswith("SEARCH") and "AUTOMATIC" not in desc:
                self.plan_add_scan(src, f"BLOOM FILTER ON {src.name} ({bloom[0]})", mark)
                mark += 1
                if bloom[1] is not None:
                    it = self.bloom_build(src, i, sc, f, usable, srcsets, bloom[1], it)
            self.plan_add_scan(src, desc + (" LEFT-JOIN" if src.left and src.outer_kind != "RIGHT"
                                            else ""), mark)
            if src.outer_kind and n == 2:
                rj = self.plan.add(self.plan_parent, "RIGHT-JOIN " + (
                    src.table.name if src.table is not None else src.label or src.name))
                self.plan.add(rj, f"SCAN {src.label or src.name}")
            if desc == "MULTI-INDEX OR":
                top = self.plan.lines[-1][0] if mark >= len(self.plan.lines) - 1 else \
                    self.plan.lines[mark][0]
                for n_, child in self.or_children:
                    sub = self.plan.add(top, f"INDEX {n_}")
                    self.plan.add(sub, child)
            paths.append((it, desc, decoded))
        for i, src in enumerate(sc.srcs):
            it, _desc, decoded = paths[i]
            if i > 0 and i % 9 == 0:
                # Python allows 20 nested blocks per function: continue the
                # loop nest inside a nested generator (closed by close_splits).
                gname = self.fresh("g")
                f.emit(level, f"def {gname}():")
                sc.splits.append((level, gname))
                level += 1
                f.emit(level, "if False: yield")  # always a generator, even when it only aggregates
            kv = src.kvar or "_"
            full = n == 2 and sc.srcs[1].outer_kind
            if full and i == 0:
                # RIGHT/FULL JOIN: one extra pass of the outer loop with a NULL row,
                # in which the inner loop yields the inner rows no outer row matched.
                self.full_matched = self.fresh("fm")
                self.full_phase = self.fresh("ph")
                f.emit(level, f"{self.full_matched} = set()")
                ph = self.full_phase
                if src.table is not None and not decoded:
                    f.emit(level, f"for {kv}, p{src.rvar} in chain({it}, SENT_PAIR):")
                    f.emit(level + 1, f"{ph} = p{src.rvar} is SENT")
                    f.emit(level + 1, f"if {ph}: {src.rvar} = NULLROW; {kv} = None")
                    f.emit(level + 1, "else:")
                    f.emit(level + 2, f"{src.rvar} = decode_columns(p{src.rvar}, @{src.rvar}@)")
                    f.emit(level + 2, self.pad_line(src))
                elif src.table is not None:
                    f.emit(level, f"for {kv}, {src.rvar} in chain({it}, SENT_PAIR):")
                    f.emit(level + 1, f"{ph} = {src.rvar} is SENT")
                    f.emit(level + 1, f"if {ph}: {src.rvar} = NULLROW; {kv} = None")
                else:
                    f.emit(level, f"for {src.rvar} in chain({it}, (SENT,)):")
                    f.emit(level + 1, f"{ph} = {src.rvar} is SENT")
                    f.emit(level + 1, f"if {ph}: {src.rvar} = NULLROW")
                level += 1
            elif full and i == 1:
                mv = self.fresh("lm")
                ph, fm = self.full_phase, self.full_matched
                pairs = src.table is not None
                f.emit(level, f"{mv} = False")
                f.emit(level, f"for nf, {kv}, {src.rvar} in full_rows({it}, {fm}, {ph}, "
                              f"{src.outer_kind == 'FULL'}, {pairs}):")
                f.emit(level + 1, f"if {src.rvar} is SENT:")
                f.emit(level + 2, f"if {mv}: break")
                f.emit(level + 2, f"{src.rvar} = NULLROW; {kv} = None")
                f.emit(level + 1, f"elif not {ph}:")
                for t in on_placed[i]:
                    f.emit(level + 2, f"if not {self.cond(t, sc)}: continue")
                f.emit(level + 2, f"{mv} = True; {fm}.add(nf)")
                level += 1
            elif src.left:
                mv = self.fresh("lm")
                f.emit(level, f"{mv} = False")
                if src.table is not None and not decoded:
                    f.emit(level, f"for {kv}, p{src.rvar} in chain({it}, SENT_PAIR):")
                    f.emit(level + 1, f"if p{src.rvar} is SENT:")
                    f.emit(level + 2, f"if {mv}: break")
                    f.emit(level + 2, f"{src.rvar} = NULLROW; {kv} = None")
                    f.emit(level + 1, "else:")
                    f.emit(level + 2, f"{src.rvar} = decode_columns(p{src.rvar}, @{src.rvar}@)")
                    f.emit(level + 2, self.pad_line(src))
                elif src.table is not None:
                    f.emit(level, f"for {kv}, {src.rvar} in chain({it}, SENT_PAIR):")
                    f.emit(level + 1, f"if {src.rvar} is SENT:")
                    f.emit(level + 2, f"if {mv}: break")
                    f.emit(level + 2, f"{src.rvar} = NULLROW")
                    f.emit(level + 1, "else:")
                else:
                    f.emit(level, f"for {src.rvar} in chain({it}, (SENT,)):")
                    f.emit(level + 1, f"if {src.rvar} is SENT:")
                    f.emit(level + 2, f"if {mv}: break")
                    f.emit(level + 2, f"{src.rvar} = NULLROW")
                    f.emit(level + 1, "else:")
                for t in on_placed[i]:
                    f.emit(level + 2, f"if not {self.cond(t, sc)}: continue")
                f.emit(level + 2, f"{mv} = True")
                level += 1
            elif src.table is not None and not decoded and it.startswith("iter_table("):
                # a whole-table scan: rows come decoded (and kept per page, cursor.scan_rows)
                if self.leaf_scan is sc and not self.order_done and i == 0:
                    # walked a leaf's kept list at a time (rows_consumed_whole)
                    lr = self.fresh("lr")
                    f.emit(level, f"for {lr} in scan_leaf_rows{it[10:]}:")
                    if not placed[i] and n == 1:  # every row reaches the output: see narrow_topk
                        self.leaf_hook = (sc, f, len(f.body) - 1, lr, level)
                    level += 1
                    f.emit(level, f"for {kv}, {src.rvar} in {lr}:")
                else:
                    f.emit(level, f"for {kv}, {src.rvar} in scan_rows{it[10:]}:")
                level += 1
                f.emit(level, self.pad_line(src))
            elif src.table is not None and not decoded:
                f.emit(level, f"for {kv}, p{src.rvar} in {it}:")
                level += 1
                f.emit(level, f"{src.rvar} = decode_columns(p{src.rvar}, @{src.rvar}@)")
                f.emit(level, self.pad_line(src))
            elif src.table is not None and self.leaf_scan is sc and not self.order_done \
                    and self.cover_leaves is not None and self.cover_leaves[0] == it:
                # a covering index read consumed whole: a leaf's records at a time
                lr = self.fresh("lr")
                f.emit(level, f"for {lr} in {self.cover_leaves[1]}:")
                f.emit(level + 1, f"for {kv}, {src.rvar} in {lr}:")
                level += 2
            elif src.table is not None:
                f.emit(level, f"for {kv}, {src.rvar} in {it}:")
                level += 1
            else:
                f.emit(level, f"for {src.rvar} in {it}:")
                level += 1
            for t in placed[i]:
                f.emit(level, f"if not {self.cond(t, sc)}: continue")
        return level

    def reorder(self, sc: Scope, where: ast.Expr | None, on_terms: list[list[ast.Expr]]) -> None:
        """Join order for inner joins, SQLite's way (where.c): each source gets its
        candidate loops (full scan, rowid and index searches, automatic indexes)
        costed in LogEst by planner/cost.py, and the path solver picks the order."""
        terms = conjuncts(where) + [t for ts in on_terms for t in ts]
        n = len(sc.srcs)
        wterms, cons = self.where_terms(sc, terms)
        loops: list[COST.WhereLoop] = []
        for j in range(n):
            self.where_loops(j, sc, wterms, cons, loops)
            self.or_loops(j, sc, terms, loops)
        info = self.__dict__.get("order_info")
        n_order, distinct, limit = (info[1], info[2], info[3]) if info is not None \
            and info[0] is sc else (0, False, None)
        path = COST.solve(loops, n, n_order, distinct, limit)
        if len(path) != n:
            return
        kinds: dict[int, tuple[Src, str, str | None]] = self.__dict__.setdefault("loop_kinds", {})
        for lp in path:
            kinds[id(sc.srcs[lp.tab])] = (sc.srcs[lp.tab], lp.kind, lp.index)
        self.bloom_filters(sc, path, wterms, cons)
        best = [lp.tab for lp in path]
        if best != list(range(n)):
            sc.srcs[:] = [sc.srcs[j] for j in best]
            on_terms[:] = [on_terms[j] for j in best]

    def or_loops(self, j: int, sc: Scope, terms: list[ast.Expr], loops: list[COST.WhereLoop]
                 ) -> None:
        """Source j's MULTI-INDEX OR loops (whereLoopAddOr): for an OR term every
        disjunct of which source j can search by an index, the cheapest searches of
        each disjunct alone (at most 3 by their prerequisites, whereOrInsert), summed
        over the disjuncts: run cost and rows out added up, plus 1."""
        src = sc.srcs[j]
        if src.table is None or src.table.without_rowid or src.tvf is not None:
            return
        for term in terms:
            if not (isinstance(term, ast.Binary) and term.op == "OR") or has_subquery(term):
                continue
            disj = disjuncts(term)
            total: list[tuple[int, int, int]] = []
            saved = self.order_hint
            self.order_hint = None  # the searches of one disjunct deliver no order
            try:
                for k, d in enumerate(disj):
                    wt, cs = self.where_terms(sc, conjuncts(d))
                    sub: list[COST.WhereLoop] = []
                    self._where_loops(j, sc, wt, cs, sub)
                    cur: list[tuple[int, int, int]] = []
                    for lp in sub:
                        if lp.terms and lp.kind in ("index", "ipk"):
                            _or_insert(cur, lp.prereq, lp.run, lp.nout)
                    if not cur:
                        total = []
                        break
                    if k == 0:
                        total = cur
                        continue
                    prev, total = total, []
                    for a in prev:
                        for b in cur:
                            _or_insert(total, a[0] | b[0], COST.log_est_add(a[1], b[1]),
                                       COST.log_est_add(a[2], b[2]))
            finally:
                self.order_hint = saved
            for prereq, run, nout in total:
                COST.insert_loop(loops, COST.WhereLoop(j, prereq, 0, run + 1, nout, "or"))

    def bloom_filters(self, sc: Scope, path: list[COST.WhereLoop], wterms: list[COST.WTerm],
                      cons: list[COST.Constraint]) -> None:
        """The loops of the chosen join order that get a Bloom filter (where.c,
        whereCheckIfBloomFilterIsUseful): while every table so far has sqlite_stat1
        rows, an inner search by == whose table has more searches coming (the rows
        of the loops outside it) than rows, and which is self-culling (a WHERE term
        on its table alone that it does not use narrows it)."""
        marks: dict[int, Src] = self.__dict__.setdefault("bloom_srcs", {})
        n_search = 0
        for pos, lp in enumerate(path):
            src = sc.srcs[lp.tab]
            t = src.table
            if t is None or not any(tn == t.name.lower() for tn, _ in self.stat1()):
                break
            bit = 1 << lp.tab
            # WHERE_SELFCULL sticks to the loop built on from the one searching the first
            # key column only (whereLoopAddBtreeIndex keeps the flags of the shorter
            # loop), and a rowid search inherits it from the full scan
            first = -1 if lp.kind != "index" else next(
                (x.columns[0] for x in t.indexes if x.name == lp.index), -2)
            used = set() if lp.kind == "ipk" else {
                cons[k].term for k in lp.terms if cons[k].col == first}
            cull = any(w.prereq_all == bit and ti not in used and (w.cmp or not src.left)
                       for ti, w in enumerate(wterms))
            if pos >= 1 and lp.kind in ("index", "ipk") and cull and any(
                    cons[k].op in ("eq", "is") for k in lp.terms) \
                    and n_search > self._log_rows(src):
                marks[id(src)] = src
            n_search += lp.nout

    def loop_kind(self, src: Src) -> str | None:
        """The kind of loop the join-order solver chose for src (cost.WhereLoop.kind)."""
        got = self.__dict__.get("loop_kinds", {}).get(id(src))
        return got[1] if got is not None and got[0] is src else None

    def loop_index(self, src: Src) -> str | None:
        """The index of the search the join-order solver chose for src, if any."""
        got = self.__dict__.get("loop_kinds", {}).get(id(src))
        return got[2] if got is not None and got[0] is src and got[1] == "index" else None

    def stat1(self) -> dict[tuple[str, str | None], list[float]]:
        """sqlite_stat1 rows by (table, index) (lower case), read once per statement."""
        got: dict[tuple[str, str | None], list[float]] | None = self.__dict__.get("_stat1")
        if got is not None:
            return got
        got = {}
        self._stat1 = got
        t = self.catalog.table("sqlite_stat1", "main")
        pager = getattr(self.env, "pager", None)
        if t is None or pager is None or t.root < 1:
            return got
        from pyrite.storage import iter_table
        from pyrite.storage.record import decode

        try:
            for _, payload in iter_table(pager, t.root):
                row = decode(payload)
                if len(row) >= 3 and isinstance(row[0], str):
                    vals = COST.stat_rows(row[2] if isinstance(row[2], str) else None)
                    if vals is not None:
                        idx = row[1].lower() if isinstance(row[1], str) else None
                        got[(row[0].lower(), idx)] = vals
        except errors.Error:
            pass
        return got

    def table_rows(self, src: Src) -> float:
        if src.table is None:
            return COST.DEFAULT_ROWS
        st = self.stat1()
        name = src.table.name.lower()
        v = st.get((name, None))
        if v is None:
            v = next((x for (tn, ix), x in st.items() if tn == name), None)
        return v[0] if v else COST.DEFAULT_ROWS

    def _col_aff(self, sc: Scope, k: int, c: int) -> int | None:
        return AFF_INTEGER if c < 0 else sc.srcs[k].affs[c]

    def _col_ref(self, sc: Scope, k: int, c: int) -> ast.ColumnRef:
        src = sc.srcs[k]
        if c < 0:
            c = src.ipk if src.ipk is not None else -1
        return ast.ColumnRef(None, src.name, src.colnames[c] if c >= 0 else "rowid")

    def transitive_terms(self, where: ast.Expr | None, on_terms: list[list[ast.Expr]],
                         sc: Scope) -> ast.Expr | None:
        """WHERE plus the terms SQLite's planner reaches through column equivalences
        (whereScanNext, WO_EQUIV): with `A.x = B.y`, a constraint on A.x against a
        constant or a third table constrains B.y too. The derived terms are redundant
        filters; the cost model gives them no weight of their own (SQLite's are
        virtual), but an index may use them."""
        self.derived_ids: set[int] = set()
        if len(sc.srcs) < 2 or any(x.left or x.cross or x.outer_kind for x in sc.srcs) \
                or not any(x.table is not None for x in sc.srcs):
            return where
        terms = conjuncts(where) + [t for ts in on_terms for t in ts]
        parent: dict[tuple[int, int], tuple[int, int]] = {}

        def find(x: tuple[int, int]) -> tuple[int, int]:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        linked: set[frozenset[tuple[int, int]]] = set()
        for t in terms:
            pair = self._equivalence(t, sc)
            if pair is not None:
                a, b = pair
                parent.setdefault(a, a)
                parent.setdefault(b, b)
                parent[find(a)] = find(b)
                linked.add(frozenset(pair))
        if not parent:
            return where
        classes: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for member in parent:
            classes.setdefault(find(member), []).append(member)

        def nameable(m: tuple[int, int]) -> bool:
            src = sc.srcs[m[0]]
            if not src.name or sum(1 for x in sc.srcs if x.name.lower() == src.name.lower()) > 1:
                return False
            return m[1] >= 0 or src.ipk is not None or not any(
                c.lower() in ROWID_NAMES for c in src.colnames)
        derived: list[ast.Expr] = []

        def add(e: ast.Expr) -> None:
            derived.append(e)
            self.derived_ids.add(id(e))

        for t in terms:
            # col op constant, col IN (constants), col BETWEEN constants
            col: ast.Expr | None = None
            if isinstance(t, ast.Binary) and t.op in ("=", "<", "<=", ">", ">="):
                for x, y in ((t.left, t.right), (t.right, t.left)):
                    if self._col_of(x, sc) is not None and not isinstance(y, ast.Collate) \
                            and not has_subquery(y) and self.term_sources(y, sc) == set():
                        col = x
                        break
            elif isinstance(t, (ast.InList, ast.Between)) and not t.negated \
                    and not has_subquery(t) and self._col_of(t.expr, sc) is not None:
                rest = t.items if isinstance(t, ast.InList) else (t.low, t.high)
                if all(self.term_sources(x, sc) == set() for x in rest) and rest:
                    col = t.expr
            if col is None:
                continue
            kc = self._col_of(col, sc)
            assert kc is not None
            if kc not in parent:
                continue
            for other in classes[find(kc)]:
                if other == kc or not nameable(other):
                    continue
                ref = self._col_ref(sc, *other)
                if isinstance(t, ast.Binary):
                    add(ast.Binary(t.op, ref, t.right) if t.left is col
                        else ast.Binary(t.op, t.left, ref))
                elif isinstance(t, ast.InList):
                    add(ast.InList(ref, t.items, False))
                elif isinstance(t, ast.Between):
                    add(ast.Between(ref, t.low, t.high, False))
        for members in classes.values():
            # a third table joins through the class: A.x = B.y, A.x = C.z give B.y = C.z
            for m1 in members:
                for m2 in members:
                    if m1 < m2 and m1[0] != m2[0] and frozenset((m1, m2)) not in linked \
                            and nameable(m1) and nameable(m2):
                        add(ast.Binary("=", self._col_ref(sc, *m1), self._col_ref(sc, *m2)))
        out = where
        for e in derived:
            out = e if out is None else ast.Binary("AND", out, e)
        self.derived_keep = derived  # the ids above stay valid while the statement compiles
        return out

    def _equivalence(self, t: ast.Expr, sc: Scope) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The two columns of `A.x = B.y` when it makes them interchangeable in
        constraints (termIsEquivalence: same or both numeric affinity, one collation)."""
        if isinstance(t, _ColEq):
            a = (sc.srcs.index(t.ls), -1 if t.li == t.ls.ipk else t.li)
            b = (sc.srcs.index(t.rs), -1 if t.ri == t.rs.ipk else t.ri)
        elif isinstance(t, ast.Binary) and t.op == "=":
            ac, bc = self._col_of(t.left, sc), self._col_of(t.right, sc)
            if ac is None or bc is None:
                return None
            a, b = ac, bc
        else:
            return None
        if a == b:
            return None
        fa, fb = self._col_aff(sc, *a), self._col_aff(sc, *b)
        if fa != fb and not (fa in NUMERIC_AFFS and fb in NUMERIC_AFFS):
            return None
        ca = (sc.srcs[a[0]].colls[a[1]] if a[1] >= 0 else None) or "BINARY"
        cb = (sc.srcs[b[0]].colls[b[1]] if b[1] >= 0 else None) or "BINARY"
        if ca.upper() != cb.upper():
            return None
        return a, b

    def _col_of(self, e: ast.Expr, sc: Scope) -> tuple[int, int] | None:
        """(source position, column) when e is a plain column of this scope (-1 = rowid)."""
        if not isinstance(e, ast.ColumnRef):
            return None
        try:
            r = self.resolve(e, sc)
        except errors.Error:
            return None
        if r is None or r[0] is not sc:
            return None
        src, c = r[1], r[2]
        return sc.srcs.index(src), (-1 if c >= 0 and c == src.ipk else c)

    def where_terms(self, sc: Scope, terms: list[ast.Expr]
                    ) -> tuple[list[COST.WTerm], list[COST.Constraint]]:
        """The WHERE/ON conjuncts as the loop estimates see them (exprAnalyze): per
        term the sources it reads, and the index constraints it offers each source."""
        n = len(sc.srcs)
        every = (1 << n) - 1
        wterms: list[COST.WTerm] = []
        cons: list[COST.Constraint] = []

        def mask(s: set[int] | None) -> int:
            return every if s is None else sum(1 << k for k in s)

        def small_int(e: ast.Expr) -> bool:
            if isinstance(e, ast.Unary) and e.op == "-":
                e = e.operand
            return isinstance(e, ast.Literal) and type(e.value) is int and -1 <= e.value <= 1

        def constant(e: ast.Expr) -> bool:
            if isinstance(e, ast.Unary) and e.op in ("-", "+"):
                e = e.operand
            return isinstance(e, (ast.Literal, ast.Param))

        derived: set[int] = getattr(self, "derived_ids", set())
        # The constant propagation (select.c propagateConstants): a column held to a
        # constant by `col = value` counts as that constant in the other terms.
        fixed: dict[tuple[int, int], int] = {}
        for ti, t in enumerate(terms):
            if id(t) in derived or not (isinstance(t, ast.Binary) and t.op == "="):
                continue
            for x, y in ((t.right, t.left), (t.left, t.right)):
                xc = self._col_of(x, sc)
                if xc is not None and xc not in fixed and constant(y) \
                        and self._col_aff(sc, *xc) not in (None, AFF_BLOB) \
                        and (self.cmp_coll(x, y, sc) or "BINARY") == "BINARY":
                    fixed[xc] = ti

        def is_fixed(e: ast.Expr, ti: int) -> bool:
            xc = self._col_of(e, sc)
            return xc is not None and xc in fixed and fixed[xc] != ti

        for ti, t in enumerate(terms):
            srcs = self.term_sources(t, sc)
            tcols = self._term_cols(t, sc)
            if srcs is not None and tcols is not None and fixed:
                srcs = {k for k in srcs if any(
                    kc[0] == k and not (kc in fixed and fixed[kc] != ti) for kc in tcols)}
            reduce = 0
            if isinstance(t, _ColEq):
                a, b = sc.srcs.index(t.ls), sc.srcs.index(t.rs)
                reduce = 20
                for (k, s, c), (ok, os_, oc) in (((b, t.rs, t.ri), (a, t.ls, t.li)),
                                                 ((a, t.ls, t.li), (b, t.rs, t.ri))):
                    col = -1 if c == s.ipk else c
                    ocol = -1 if oc == os_.ipk else oc
                    pre = 0 if (ok, ocol) in fixed else 1 << ok
                    if k != ok and self._probe_ok(s, col, os_.affs[oc]):
                        cons.append(COST.Constraint(ti, k, col, "eq", pre))
            elif isinstance(t, ast.Binary) and t.op in ("=", "<", "<=", ">", ">=", "IS"):
                sides = ((t.left, t.right, False), (t.right, t.left, True))
                if t.op in ("=", "IS"):
                    lc = self._col_of(t.left, sc)
                    rc = self._col_of(t.right, sc)
                    if lc is not None or rc is not None:
                        reduce = 10 if small_int(t.right if lc is not None else t.left) else 20
                for x, y, flip in sides:
                    xc = self._col_of(x, sc)
                    if xc is None or isinstance(y, ast.Collate):
                        continue
                    ys = set() if is_fixed(y, ti) else self.term_sources(y, sc)
                    k, col = xc
                    if ys is None or k in ys or (col >= 0 and not self._probe_ok(
                            sc.srcs[k], col, self.aff(y, sc))):
                        continue
                    if t.op == "IS" and not (isinstance(y, ast.Literal) and y.value is None):
                        op = "is"
                    elif t.op == "IS":
                        op = "null"
                    elif t.op == "=":
                        op = "eq"
                    else:
                        o = t.op if not flip else {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[t.op]
                        op = "gt" if o in (">", ">=") else "lt"
                    cons.append(COST.Constraint(ti, k, col, op, mask(ys)))
            elif isinstance(t, ast.InList) and not t.negated and t.items:
                xc = self._col_of(t.expr, sc)
                item_srcs: set[int] | None = set()
                for it in t.items:
                    got = self.term_sources(it, sc)
                    item_srcs = None if got is None or item_srcs is None else item_srcs | got
                if xc is not None and item_srcs is not None and xc[0] not in item_srcs:
                    if len(t.items) == 1:
                        reduce = 10 if small_int(t.items[0]) else 20
                        cons.append(COST.Constraint(ti, xc[0], xc[1], "eq", mask(item_srcs)))
                    else:
                        cons.append(COST.Constraint(ti, xc[0], xc[1], "in", mask(item_srcs),
                                                    COST.log_est(len(t.items))))
            elif isinstance(t, ast.InSelect) and not t.negated \
                    and self.subqueries_independent(t, sc):
                xc = self._col_of(t.expr, sc)
                if xc is not None:
                    cons.append(COST.Constraint(ti, xc[0], xc[1], "in", 0, 46, True))
            elif isinstance(t, ast.Between) and not t.negated:
                xc = self._col_of(t.expr, sc)
                lo, hi = self.term_sources(t.low, sc), self.term_sources(t.high, sc)
                if xc is not None and lo is not None and xc[0] not in lo:
                    cons.append(COST.Constraint(ti, xc[0], xc[1], "gt", mask(lo)))
                if xc is not None and hi is not None and xc[0] not in hi:
                    cons.append(COST.Constraint(ti, xc[0], xc[1], "lt", mask(hi)))
            elif isinstance(t, ast.IsNull) and not t.negated:
                xc = self._col_of(t.expr, sc)
                if xc is not None and xc[1] >= 0:
                    cons.append(COST.Constraint(ti, xc[0], xc[1], "null", 0))
            elif isinstance(t, ast.Like) and t.op.upper() == "GLOB" and not t.negated \
                    and t.escape is None and isinstance(t.right, ast.Literal) \
                    and isinstance(t.right.value, str):
                xc = self._col_of(t.left, sc)
                pat = t.right.value
                if xc is not None and xc[1] >= 0 and pat[:1] not in ("", "*", "?", "[") \
                        and sc.srcs[xc[0]].affs[xc[1]] == AFF_TEXT:
                    cons.append(COST.Constraint(ti, xc[0], xc[1], "glob", 0))
            virt = 0
            if isinstance(t, _ColEq) or (reduce and isinstance(t, ast.Binary) and self._col_of(
                    t.left, sc) is not None and self._col_of(t.right, sc) is not None):
                virt = 20  # `a = b` also yields its commuted copy `b = a`
            elif isinstance(t, ast.Between) and not t.negated:
                virt = 2  # and BETWEEN its two bounds
            if id(t) in derived:  # SQLite's are virtual: they narrow no loop's rows
                wterms.append(COST.WTerm(0, 0, tcols, 0))
                continue
            cmp = isinstance(t, _ColEq) or any(c.term == ti for c in cons) and isinstance(
                t, (ast.Binary, ast.InList, ast.InSelect)) and not (
                    isinstance(t, ast.Binary) and t.op == "IS")
            wterms.append(COST.WTerm(mask(srcs), reduce, tcols, virt, cmp))
        return wterms, cons

    def _term_cols(self, t: ast.Expr, sc: Scope) -> frozenset[tuple[int, int]] | None:
        """The (source, column) pairs of this scope a term reads; None when unknown."""
        if isinstance(t, _ColEq):
            return frozenset({(sc.srcs.index(t.ls), -1 if t.li == t.ls.ipk else t.li),
                              (sc.srcs.index(t.rs), -1 if t.ri == t.rs.ipk else t.ri)})
        if has_subquery(t):
            return None
        out: set[tuple[int, int]] = set()
        stack: list[Any] = [t]
        while stack:
            x = stack.pop()
            if isinstance(x, ast.ColumnRef):
                xc = self._col_of(x, sc)
                if xc is not None:
                    out.add(xc)
                elif x.table is None and x.column.lower() in sc.aliases:
                    return None
            else:
                stack.extend(children(x))
        return frozenset(out)

    def _log_rows(self, src: Src) -> int:
        """nRowLogEst of a source: sqlite_stat1's row count, else about a million."""
        if src.table is None:
            got = self.__dict__.get("sub_rows", {}).get(id(src))
            return got[1] if got is not None and got[0] is src else 200
        name = src.table.name.lower()
        if any(tn == name for tn, _ in self.stat1()):
            return COST.log_est(self.table_rows(src))
        return 200

    def select_log_rows(self, sel: ast.Select) -> int:
        """A FROM subquery's estimated rows (LogEst), as SQLite's nSelectRow: a table's
        rows, at most 100 groups for GROUP BY, one row for an aggregate, LIMIT n."""
        body = sel.body
        est = 200
        if isinstance(body, ast.Values):
            est = COST.log_est(len(body.rows))
        elif isinstance(body, ast.SelectCore):
            if isinstance(body.from_, ast.TableRef) and body.from_.schema is None:
                t = self.schema_object(body.from_)[0]
                if t is not None and any(tn == t.name.lower() for tn, _ in self.stat1()):
                    est = COST.log_est(self.stat1_rows(t.name))
            if body.group_by:
                est = min(est, 66)
            elif any(isinstance(c.expr, ast.FunctionCall) and self.is_aggregate(c.expr)
                     for c in body.columns):
                est = 0
        if isinstance(sel.limit, ast.Literal) and type(sel.limit.value) is int \
                and sel.limit.value >= 0:
            est = min(est, COST.log_est(sel.limit.value))
        return est

    def stat1_rows(self, name: str) -> float:
        st = self.stat1()
        v = st.get((name.lower(), None)) or next(
            (x for (tn, _), x in st.items() if tn == name.lower()), None)
        return v[0] if v else COST.DEFAULT_ROWS

    def _row_width(self, t: Table, cols: list[int]) -> int:
        """szTabRow / szIdxRow: LogEst of 4 bytes per column unit (estimateTableWidth)."""
        w = 0
        for c in cols:
            w += 1 if c < 0 else COST.column_width(t.columns[c].decl_type)
        return COST.log_est(w * 4)

    def where_loops(self, j: int, sc: Scope, wterms: list[COST.WTerm],
                    cons: list[COST.Constraint], loops: list[COST.WhereLoop]) -> None:
        """Add source j's candidate loops to `loops` (whereLoopAddBtree); when every
        ORDER BY column is pinned to a constant of source j, its loops are ordered."""
        self._where_loops(j, sc, wterms, cons, loops)
        if getattr(self, "order_const_src", None) is sc.srcs[j]:
            loops[:] = [dataclasses.replace(lp, ordered=True) if lp.tab == j else lp
                        for lp in loops]

    def _where_loops(self, j: int, sc: Scope, wterms: list[COST.WTerm],
                     cons: list[COST.Constraint], loops: list[COST.WhereLoop]) -> None:
        src = sc.srcs[j]
        if src.tvf is not None:
            from pyrite.exec import tablefunc as TF
            return TF.where_loop(self, j, sc, cons, loops)
        bit = 1 << j
        mine = [(k, c) for k, c in enumerate(cons) if c.tab == j and not c.prereq & bit]

        def adjust(nout: int, rsize: int, prereq: int, used: frozenset[int]) -> int:
            """whereLoopOutputAdjust: terms this loop only tests still cut its rows."""
            used_terms = {cons[k].term for k in used}
            not_allowed = ~(prereq | bit)
            reduce = 0
            for ti, w in enumerate(wterms):
                if w.prereq_all & not_allowed or not w.prereq_all & bit or ti in used_terms:
                    continue
                nout -= 1
                reduce = max(reduce, w.reduce)
            return min(nout, rsize - reduce)

        rsize = self._log_rows(src)
        t = src.table
        stats = self.stat1()
        if t is not None and any(tn == t.name.lower() for tn, _ in stats) and any(
                (t.name.lower(), x.name.lower()) not in stats for x in t.indexes):
            rsize = max(rsize, 99)  # sqlite3DefaultRowEst: no fewer than 1000 rows then
        rlog = COST.est_log(rsize)
        if src.indexes is None and (t is None or not t.without_rowid) \
                and self.pragma_flag("automatic_index"):
            for k, c in mine:
                if c.op in ("eq", "is") and c.col >= 0:
                    setup = max(rlog + rsize + (28 if t is not None else -10), 0)
                    COST.insert_loop(loops, COST.WhereLoop(
                        j, c.prereq, setup, COST.log_est_add(rlog, 43), 43, "auto",
                        terms=frozenset({k})))
        if t is None:
            COST.insert_loop(loops, COST.WhereLoop(j, 0, 0, rsize + 16,
                                                   adjust(rsize, rsize, 0, frozenset()), "scan"))
            return
        need = self.need_cols(src)
        all_cols = list(range(len(t.columns)))
        sz_tab = self._row_width(t, all_cols if t.ipk is not None or t.without_rowid
                                 else all_cols + [-1])
        # B-trees whose order might spare the sort get loops of their own (iSortIdx)
        want = getattr(self, "order_hint", None)
        ocols = {c for s_, c, _ in want[1] if s_ is src} if want is not None else set()
        if not t.without_rowid:
            sort_idx = 1 if -1 in ocols else 0
            ordered = self._order_match(src, 0, [-1], [False], set()) is not None
            COST.insert_loop(loops, COST.WhereLoop(
                j, 0, 0, rsize + 16, adjust(rsize, rsize, 0, frozenset()), "scan",
                sort_idx=sort_idx, ordered=ordered,
                n_sat=0 if ordered else self._order_sat(src, 0, [-1], [False], set())[0]))
            self._btree_loops(j, src, None, [-1], [rsize, 0], sz_tab, sz_tab, mine, adjust,
                              loops, sort_idx=sort_idx)
        for pos, idx in enumerate(reversed(t.indexes if src.indexes is None else src.indexes)):
            if idx.where is not None or any(c < 0 for c in idx.columns):
                continue
            sort_idx = pos + 2 if -1 in ocols or ocols & set(idx.columns) else 0
            st = stats.get((idx.table.lower(), idx.name.lower()))
            nk = len(idx.columns)
            if st is not None:
                ai = [COST.log_est(v) for v in st[:nk + 1]]
                ai += [0] * (nk + 2 - len(ai))
            else:
                ai = COST.default_row_est(rsize, nk, idx.unique)
            cols = list(idx.columns) + ([] if t.without_rowid else [-1])
            sz_idx = self._row_width(t, cols)
            cover = self._covers(idx, need)
            if sort_idx or (cover and sz_idx < sz_tab):
                run = ai[0] + 1 + (15 * sz_idx) // sz_tab
                if not cover:
                    # and a table lookup (3 units) per row, fewer when leading terms
                    # can be tested on the index entry alone
                    in_idx = set(cols)
                    n_lookup = ai[0] + 16
                    for w in wterms:
                        if w.cols is None or any(k == j and c not in in_idx for k, c in w.cols):
                            break
                        n_lookup -= 20 if w.reduce else 1
                    else:
                        n_lookup -= sum(w.virt for w in wterms)
                    run = COST.log_est_add(run, n_lookup)
                ordered = self._order_match(src, 0, cols, list(idx.desc) + [False], set(),
                                            idx) is not None
                COST.insert_loop(loops, COST.WhereLoop(
                    j, 0, 0, run, adjust(ai[0], ai[0], 0, frozenset()),
                    "cover_scan" if cover else "index_scan", idx.name, idx_only=cover,
                    sort_idx=sort_idx, ordered=ordered, n_sat=0 if ordered else self._order_sat(
                        src, 0, cols, list(idx.desc) + [False], set(), idx)[0]))
            self._btree_loops(j, src, idx, cols, ai, sz_idx, sz_tab, mine, adjust, loops,
                              cover, sort_idx, st is not None)

    def _btree_loops(self, j: int, src: Src, idx: Index | None, cols: list[int], ai: list[int],
                     sz_idx: int, sz_tab: int, mine: list[tuple[int, COST.Constraint]],
                     adjust: Callable[[int, int, int, frozenset[int]], int],
                     loops: list[COST.WhereLoop], cover: bool = False, sort_idx: int = 0,
                     has_stat: bool = False) -> None:
        """Searches of one B-tree (idx None: the rowid) by an equality prefix, then IN,
        IS NULL or a range (whereLoopAddBtreeIndex)."""
        assert src.table is not None
        ipk = idx is None
        rsize = ai[0]
        rlog = COST.est_log(rsize)
        tcols = src.table.columns

        def rec(neq: int, nout: int, prereq: int, used: frozenset[int], n_in_mul: int,
                btm: int | None, col_eq: bool) -> None:
            col = cols[neq]
            for k, c in mine:
                if c.col != col or (btm is not None and c.op != "lt"):
                    continue
                if c.op == "null" and (col < 0 or tcols[col].not_null):
                    continue
                if idx is not None and col >= 0 and neq < len(idx.columns) \
                        and not self._coll_ok(idx, neq, src, col):
                    continue
                if c.op == "in" and has_stat and rlog >= 10 and n_in_mul >= 2 \
                        and ai[neq] + COST.est_log(c.n_in) + 10 - (c.n_in + rlog) < 0:
                    continue  # scanning the prefix's rows beats the searches of a second IN
                prereq2 = prereq | c.prereq
                used2 = used | {k}
                n_in = c.n_in if c.op == "in" else 0
                top = False
                if c.op in ("eq", "is", "in", "null"):
                    out = nout + ai[neq + 1] - ai[neq] + (10 if c.op == "null" else 0)
                    neq2 = neq + 1
                else:
                    lower = c.op in ("gt", "glob") or btm is not None
                    upper = c.op in ("lt", "glob")
                    top = upper
                    nnew = nout - (20 if lower else 0) - (20 if upper else 0) \
                        - (20 if lower and upper else 0)
                    out = max(min(nout - int(lower) - int(upper), max(nnew, 10)), -32768)
                    neq2 = neq
                cidx = out + 16 if ipk else out + 1 + (15 * sz_idx) // sz_tab
                run = COST.log_est_add(rlog, cidx)
                if not (cover or ipk):
                    run = COST.log_est_add(run, out + 16)
                eq2 = col_eq or c.op in ("eq", "is")
                ordered = False
                n_sat = 0
                prefix = {mine_c.col for k2, mine_c in mine if k2 in used2
                          and mine_c.op in ("eq", "is", "null")}
                descs = [False] * len(cols) if idx is None else list(idx.desc) + [False]
                # IN (lists) are searched value by value in index order: they order too
                in_ok = idx is not None and not any(cons_k.sub for k2, cons_k in mine
                                                    if k2 in used2)
                if sort_idx and (in_ok or not n_in_mul and c.op != "in"):
                    ordered = self._order_match(src, 0, cols, descs, prefix, idx) is not None
                if not ordered and (in_ok or not n_in_mul and c.op != "in"):
                    n_sat = self._order_sat(src, 0, cols, descs, prefix, idx)[0]
                COST.insert_loop(loops, COST.WhereLoop(
                    j, prereq2, 0, run + n_in_mul + n_in,
                    adjust(out + n_in_mul + n_in, rsize, prereq2, used2),
                    "ipk" if ipk else "index", None if idx is None else idx.name, used2,
                    eq2 and not ipk, cover, sort_idx, ordered, n_sat))
                if top or neq2 >= len(cols):
                    continue
                if c.op == "gt":
                    rec(neq, nout, prereq2, used2, n_in_mul, k, eq2)
                elif neq2 > neq:
                    rec(neq2, out, prereq2, used2, n_in_mul + n_in, None, eq2)

        rec(0, rsize, 0, frozenset(), 0, None, False)

    def bloom_build(self, src: Src, i: int, sc: Scope, f: Func, terms: list[ast.Expr],
                    srcsets: dict[int, set[int] | None], probes: list[tuple[int, str]],
                    it: str) -> str:
        """Emit the Bloom filter of an inner search (sqlite3ConstructBloomFilter): one
        pass over src before the loops keeps the keys of the rows its own terms pass,
        and a search whose probe is not among them is skipped. The keys are exact (a
        set of group_key tuples under the key columns' collations), so a skipped
        search is one that would have found nothing; terms that call functions are
        left to the rows found (the filter stays a superset)."""
        assert src.table is not None
        colls = []
        for c, _ in probes:
            coll = (src.colls[c] or "BINARY").upper()
            if coll not in ("BINARY", "NOCASE", "RTRIM"):
                return it  # equality under another collation is not value equality
            colls.append(None if coll == "BINARY" else coll)
        local = [t for t in terms if srcsets.get(id(t)) is not None
                 and srcsets[id(t)] <= {i} and not has_subquery(t)  # type: ignore[operator]
                 and not any(isinstance(x, ast.FunctionCall) for x in self._walk_expr(t))]
        box = self.fresh("bf")
        kv = src.kvar or "_"
        f.emit(0, f"{box} = set()")
        f.emit(0, f"for {kv}, p{src.rvar} in iter_table({self.pg_of(src.table)}, "
                  f"{self.const(src.table.root)}):")
        f.emit(1, f"{src.rvar} = decode_columns(p{src.rvar}, @{src.rvar}@)")
        f.emit(1, self.pad_line(src))
        for t in local:
            f.emit(1, f"if not {self.cond(t, sc)}: continue")
        for c, _ in probes:  # a NULL key is found by no search
            f.emit(1, f"if {src.rvar}[{c}] is None: continue")
        key = "".join(f"group_key({src.rvar}[{c}], {self.const(coll)}), "
                      for (c, _), coll in zip(probes, colls, strict=True))
        f.emit(1, f"{box}.add(({key}))")
        probe = "".join(f"group_key({p}, {self.const(coll)}), "
                        for (_, p), coll in zip(probes, colls, strict=True))
        return f"({it} if ({probe}) in {box} else ())"

    def _walk_expr(self, e: Any) -> Iterator[Any]:
        stack = [e]
        while stack:
            x = stack.pop()
            yield x
            if _is_expr(x):
                stack.extend(children(x))

    def prebuild(self, src: Src, i: int, sc: Scope, f: Func, terms: list[ast.Expr],
                 srcsets: dict[int, set[int] | None], base: str | None,
                 base_decoded: bool = False) -> tuple[str, bool, str]:
        """Emit a one-time read of an inner source (before the loops); returns
        the per-outer-row iterator expression and True (rows come decoded)."""
        local = [t for t in terms if srcsets.get(id(t), None) is not None
                 and srcsets[id(t)] <= {i} and not has_subquery(t)]  # type: ignore[operator]
        probe: tuple[str, str] | None = None  # (build key expr, probe key expr)
        pname = ""
        # SQLite's solver may find a plain rescan cheaper than building an automatic
        # index, and a search that needs no outer row is still a search per outer row
        kind = self.loop_kind(src)
        for t in () if kind in ("scan", "cover_scan", "index_scan") or (
                kind in ("index", "ipk") and base is not None) or not self.pragma_flag(
                "automatic_index") else terms:
            hk = self.hash_term(t, src, i, sc)
            if hk is not None:
                probe = hk
                pname = self.hash_col_name
                break
        # terms on src alone make SQLite's automatic index a partial one (constructAutomaticIndex)
        derived: set[int] = getattr(self, "derived_ids", set())
        self.auto_partial = any(id(t) not in derived for t in local)
        kv = src.kvar or "_"
        box = self.fresh("h" if probe is not None else "m")
        lv = 0
        if probe is not None:
            f.emit(lv, f"{box} = {{}}")
        else:
            f.emit(lv, f"{box} = []")
        if src.table is not None:
            if base_decoded and base:
                f.emit(lv, f"for {kv}, {src.rvar} in {base}:")
            else:
                base = base or f"iter_table({self.pg_of(src.table)}, {self.const(src.table.root)})"
                f.emit(lv, f"for {kv}, p{src.rvar} in {base}:")
                f.emit(lv + 1, f"{src.rvar} = decode_columns(p{src.rvar}, @{src.rvar}@)")
                f.emit(lv + 1, self.pad_line(src))
        else:
            f.emit(lv, f"for {src.rvar} in {src.rows_var}:")
        for t in local:
            f.emit(lv + 1, f"if not {self.cond(t, sc)}: continue")
        item = f"({kv}, {src.rvar})" if src.table is not None else src.rvar
        if probe is not None:
            f.emit(lv + 1, f"hk = {probe[0]}")
            f.emit(lv + 1, "if hk is None: continue")
            f.emit(lv + 1, f"hl = {box}.get(hk)")
            f.emit(lv + 1, f"if hl is None: {box}[hk] = [{item}]")
            f.emit(lv + 1, f"else: hl.append({item})")
            return f"{box}.get({probe[1]}, ())", True, pname or "?"
        f.emit(lv + 1, f"{box}.append({item})")
        return box, True, ""

    def minmax_shortcut(self, core: ast.SelectCore, sc: Scope,
                        cols: list[tuple[ast.Expr, str, str | None]],
                        aggs: list[ast.FunctionCall]) -> str | None:
        """SELECT min(x)/max(x) FROM t, x the rowid or an index's first column:
        one seek instead of a scan (SQLite's min/max optimization)."""
        if (len(sc.srcs) != 1 or sc.srcs[0].table is None or core.where is not None
                or core.group_by or core.having is not None or core.distinct
                or len(aggs) != 1 or len(cols) != 1 or cols[0][0] is not aggs[0]):
            return None
        a = aggs[0]
        name = a.name.lower()
        if name not in ("min", "max") or a.distinct or a.filter is not None or len(a.args) != 1:
            return None
        src = sc.srcs[0]
        t = src.table
        assert t is not None
        col = self._own_col(a.args[0], src, sc)
        if col is None:
            return None
        pg = self.pg_of(t)
        if col == -1:
            self.plan.add(self.plan_parent, f"SEARCH {src.label or src.name}")
            return f"rowid_minmax({pg}, {self.const(t.root)}, {name == 'max'})"
        for idx in t.indexes:
            if idx.where is None and idx.columns[0] == col and self._coll_ok(idx, 0, src, col):
                kind = "COVERING INDEX" if self._covers(idx, {col}) else "INDEX"  # generated
                self.plan.add(self.plan_parent,
                              f"SEARCH {src.label or src.name} USING {kind} {idx.name}")
                fn = "index_minmax_desc" if idx.desc[0] else "index_minmax"
                code = (f"{fn}({pg}, {self.const(idx.root)}, {self.key_info(idx)}, "
                        f"{name == 'max'})")
                # the key as stored: a REAL column's integral value comes back an int
                return f"as_real({code})" if t.columns[col].affinity == AFF_REAL else code
        return None

    def count_shortcut(self, core: ast.SelectCore, sc: Scope,
                       cols: list[tuple[ast.Expr, str, str | None]],
                       aggs: list[ast.FunctionCall]) -> str | None:
        """SELECT count(*) FROM t: count the entries of the narrowest index (or the
        table) from page headers, no row decoded (SQLite's OP_Count)."""
        if (len(sc.srcs) != 1 or sc.srcs[0].table is None or core.where is not None
                or core.group_by or core.having is not None or core.distinct
                or len(aggs) != 1 or len(cols) != 1 or cols[0][0] is not aggs[0]):
            return None
        a = aggs[0]
        if a.name.lower() != "count" or a.args or a.filter is not None or a.distinct:
            return None
        src = sc.srcs[0]
        t = src.table
        assert t is not None
        if t.without_rowid or t.temp or getattr(self.env, "pager", None) is None:
            return None
        indexes = t.indexes if src.indexes is None else src.indexes
        root, desc = t.root, f"SCAN {t.name}"  # explainSimpleCount: the table's name
        for idx in self._scan_order(indexes):
            if idx.where is None and not any(c < 0 for c in idx.columns) and \
                    len(idx.columns) + 1 < len(t.columns) + (0 if t.ipk is not None else 1):
                root, desc = idx.root, f"SCAN {t.name} USING COVERING INDEX {idx.name}"
                break
        self.reads.add(t.name)
        self.plan.add(self.plan_parent, desc)
        return f"btree_count({self.pg_of(t)}, {self.const(root)})"

    def collect_windows(self, e: Any, out: list[ast.FunctionCall]) -> None:
        if isinstance(e, ast.FunctionCall) and e.over is not None:
            if e not in out:
                out.append(e)
            return
        if isinstance(e, (ast.Subquery, ast.Exists, ast.InSelect)):
            return
        for c in children(e):
            self.collect_windows(c, out)

    def window_spec(self, fc: ast.FunctionCall, core: ast.SelectCore) -> ast.WindowSpec:
        spec = fc.over
        assert spec is not None
        if spec.base is not None:
            base = next((w.spec for w in core.windows if w.name.lower() == spec.base.lower()), None)
            if base is None:
                raise errors.OperationalError(f"no such window: {spec.base}")
            spec = ast.WindowSpec(None, base.partition_by or spec.partition_by,
                                  base.order_by or spec.order_by,
                                  spec.frame_unit or base.frame_unit,
                                  spec.frame_start or base.frame_start,
                                  spec.frame_end or base.frame_end, spec.exclude or base.exclude)
        return spec

    def gen_windows(self, sc: Scope, f: Func, level: int, core: ast.SelectCore,
                    wins: list[ast.FunctionCall]) -> int:
        """Rows are collected with their snapshot and per-window keys; window
        values are computed per partition after the loops; output resumes at level 1."""
        from pyrite import functions

        snap_vars: list[str] = []
        for src in sc.srcs:
            snap_vars.append(src.rvar)
            if src.kvar is not None:
                snap_vars.append(src.kvar)
        if sc.agg_map:
            snap_vars.extend(sc.agg_map.values())
        snap = "(" + "".join(v + ", " for v in snap_vars) + ")"
        f.pre.append("wrows = []")
        parts = []
        specs = []
        for fc in wins:
            spec = self.window_spec(fc, core)
            name = fc.name.lower()
            wdef = functions.WINDOWS.get(name)
            fdef: Any
            if wdef is not None:
                if len(fc.args) not in wdef.arg_counts:
                    raise errors.OperationalError(
                        f"wrong number of arguments to function {fc.name}()").at(fc.pos)
                kind, fdef = "win", wdef
            elif self.env.user_aggregate(name, len(fc.args)) is not None:
                kind, fdef = "agg", RT.UserWindowDef(self.env.user_aggregate(name, len(fc.args)))
            else:
                adef = functions.AGGREGATES.get(name)
                if adef is None or not adef.accepts(0 if fc.star else len(fc.args)):
                    raise errors.OperationalError(f"no such window function: {fc.name}")
                kind, fdef = "agg", adef
            coll = self.coll(fc.args[0], sc)[0] if fc.args else None
            collf = self.env.collations.get(coll) if coll not in (None, "BINARY") else None
            ospecs = []
            okeys = []
            for t in spec.order_by:
                e = t.expr
                ocoll = None
                while isinstance(e, ast.Collate):
                    ocoll = e.collation.upper()
                    e = e.expr
                ocoll = ocoll or self.coll(e, sc)[0]
                _, desc, nf, cname, custom = self.order_spec(0, t, ocoll)
                ospecs.append((desc, nf, cname, custom))
                okeys.append(self.ex(e, sc))
            unit = spec.frame_unit or "RANGE"
            fs = spec.frame_start
            fe = spec.frame_end
            if fs is None:
                sk, ek = "UNBOUNDED PRECEDING", ("CURRENT ROW" if spec.order_by else "UNBOUNDED FOLLOWING")
                so = eo = "None"
            else:
                sk = fs.kind
                so = self.ex(fs.offset, sc) if fs.offset is not None else "None"
                if fe is None:
                    ek, eo = "CURRENT ROW", "None"
                else:
                    ek = fe.kind
                    eo = self.ex(fe.offset, sc) if fe.offset is not None else "None"
            if unit == "RANGE" and ("PRECEDING" == sk or "FOLLOWING" == sk or ek in (
                    "PRECEDING", "FOLLOWING")) and len(spec.order_by) != 1:
                raise errors.OperationalError(
                    "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY term")
            specs.append(((kind, fdef, collf, tuple(ospecs), unit, sk, ek), so, eo))
            pk = "(" + "".join(self.ex(x, sc) + ", " for x in spec.partition_by) + ")"
            ok = "(" + "".join(x + ", " for x in okeys) + ")"
            argex = self.json_arg if kind == "agg" and name in functions.json.JSON_GROUP_NAMES \
                and fdef is functions.AGGREGATES.get(name) else self.ex
            args = "(" + "".join(argex(x, sc) + ", " for x in fc.args) + ")"
            parts.append(f"({pk}, {ok}, {args})")
        f.emit(level, f"wrows.append(({snap}, {', '.join(parts)},))")
        self.close_splits(f, sc)
        wmap: dict[Any, str] = {}
        first_order = ""
        for j, (spec_c, so, eo) in enumerate(specs):
            v = self.fresh("wv")
            o = self.fresh("wo")
            f.emit(0, f"{v}, {o} = window_values(wrows, {j + 1}, {self.const(spec_c)}, {so}, {eo})")
            wmap[wins[j]] = f"{v}[wi]"
            if not first_order:
                first_order = o
        f.emit(0, f"for wi in {first_order}:")
        if snap_vars:
            f.emit(1, f"{snap} = wrows[wi][0]")
        sc.win_map = wmap
        return 1

    def pg_of(self, t: Table) -> str:
        """The generated-code name of the pager holding t (TP: the TEMP database)."""
        if t.temp:
            if "TP = X.session.temp_pager" not in self.main_pre:
                self.main_pre.insert(0, "TP = X.session.temp_pager")
            return "TP"
        return "PG"

    def close_splits(self, f: Func, sc: Scope) -> None:
        while sc.splits:
            lvl, name = sc.splits.pop()
            f.emit(lvl, f"yield from {name}()")

    def pad_line(self, src: Src) -> str:
        """A record written before ALTER TABLE ADD COLUMN is shorter than the
        table: the missing columns read as their DEFAULT (file format 2.1).
        VIRTUAL generated columns are not in the record: the row gets a None in
        their place (col_source computes them)."""
        assert src.table is not None
        defaults = short_record_defaults(src.table)
        virt = src.table.has_virtual()
        if virt:
            layout = tuple(not c.virtual for c in src.table.columns)
            return (f"{src.rvar} = {self.const(expand_row)}({src.rvar}, {self.const(layout)}, "
                    f"{self.const(tuple(defaults))})")
        return (f"if len({src.rvar}) < @{src.rvar}@: "
                f"{src.rvar} = pad_row({src.rvar}, {self.const(tuple(defaults))})")

    def small(self, t: Table) -> bool:
        """Is the table's B-tree a single leaf page (cheap to read whole)?"""
        pager = getattr(self.env, "pager", None)
        if pager is None or t.root < 1:
            return False
        try:
            page = pager.get_page(t.root)
            off = 100 if t.root == 1 else 0
            if page[off] == 0x0D:
                return True
            return bool(page[off] == 0x05 and (page[off + 3] << 8 | page[off + 4]) < 16)
        except Exception:
            return False

    def _depends(self, code: str, srcs: list[Src]) -> bool:
        """Does generated expression `code` read a row of one of srcs?"""
        import re

        names = [x.rvar for x in srcs] + [x.kvar for x in srcs if x.kvar]
        if not names:
            return False
        return re.search(r"\b(" + "|".join(names) + r")\b", code) is not None

    def hash_term(self, t: ast.Expr, src: Src, i: int, sc: Scope) -> tuple[str, str] | None:
        """(build key, probe key) when t is `src.col = expr-of-earlier-sources`."""
        if isinstance(t, _ColEq):
            if t.rs is not src or sc.srcs.index(t.ls) >= i:
                return None
            a_own, a_other = ast.ColumnRef(None, None, "?"), None
            del a_own, a_other
            own = self.col_source(sc, src, t.ri)
            other = self.col_source(sc, t.ls, t.li)
            self.hash_col_name = src.colnames[t.ri]
            la, ra = src.affs[t.ri], t.ls.affs[t.li]
            coll = (src.colls[t.ri] or t.ls.colls[t.li] or "BINARY").upper()
        elif isinstance(t, ast.Binary) and t.op == "=" and not isinstance(
                t.left, (ast.RowValue, ast.Collate)) and not isinstance(t.right, (ast.RowValue, ast.Collate)):
            own_e = other_e = None
            for x, y in ((t.left, t.right), (t.right, t.left)):
                c = self._own_col(x, src, sc)
                if c is not None and self._is_outer(y, i, sc):
                    own_e, other_e = x, y
                    break
            if own_e is None or other_e is None:
                return None
            coll = (self.cmp_coll(t.left, t.right, sc) or "BINARY").upper()
            oc = self._own_col(own_e, src, sc)
            self.hash_col_name = "rowid" if oc is None or oc < 0 else src.colnames[oc]
            la, ra = self.aff(own_e, sc), self.aff(other_e, sc)
            own = self.ex(own_e, sc)
            other = self.ex(other_e, sc)
        else:
            return None
        if coll != "BINARY":
            return None
        if la in NUMERIC_AFFS and ra not in NUMERIC_AFFS:
            other = f"apply_affinity({other}, {self.const(V.Affinity.NUMERIC)})"
        elif ra in NUMERIC_AFFS and la not in NUMERIC_AFFS:
            own = f"apply_affinity({own}, {self.const(V.Affinity.NUMERIC)})"
        elif la == AFF_TEXT and ra is None:
            other = f"apply_affinity({other}, {self.const(V.Affinity.TEXT)})"
        elif ra == AFF_TEXT and la is None:
            own = f"apply_affinity({own}, {self.const(V.Affinity.TEXT)})"
        return f"group_key({own}, None)", f"group_key({other}, None)"

    def plan_add_scan(self, src: Src | None, desc: str, at: int | None = None) -> None:
        if src is None:
            return
        self.plan.add(self.plan_parent, desc)
        if at is not None and at < len(self.plan.lines) - 1:
            self.plan.lines.insert(at, self.plan.lines.pop())

    def need_cols(self, src: Src) -> set[int] | None:
        """Columns of src the statement reads (-1 = rowid), or None when unknown."""
        need = getattr(self, "need", None)
        if need is None:
            return None
        got: set[int] | None = need.get(id(src))
        return got

    def compute_need(self, sc: Scope, roots: list[Any]) -> None:
        """Record, per source of sc, which columns the statement can read (for
        covering indexes); a name resolves without side effects, conservatively."""
        need: dict[int, set[int]] = {id(s): set() for s in sc.srcs}
        stack = list(roots)
        while stack:
            x = stack.pop()
            if isinstance(x, _ColEq):
                need[id(x.ls)].add(-1 if x.li == x.ls.ipk else x.li)
                need[id(x.rs)].add(-1 if x.ri == x.rs.ipk else x.ri)
                continue
            if isinstance(x, ast.ColumnRef):
                col = x.column.lower()
                tn = x.table.lower() if x.table is not None else None
                for s in sc.srcs:
                    if tn is not None and s.name.lower() != tn:
                        continue
                    for i, nm in enumerate(s.colnames):
                        if nm.lower() == col:
                            need[id(s)].add(-1 if i == s.ipk else i)
                            break
                    else:
                        if col in ROWID_NAMES:
                            need[id(s)].add(-1)
                continue
            if isinstance(x, ast.Select) and self._need_in_select(x, sc, need):
                continue
            if isinstance(x, (list, tuple)):
                stack.extend(x)
            elif dataclasses.is_dataclass(x) and not isinstance(x, type):
                for fl in dataclasses.fields(x):
                    stack.append(getattr(x, fl.name))
        self.need = need

    def _need_in_select(self, sel: ast.Select, sc: Scope, need: dict[int, set[int]]) -> bool:
        """compute_need inside a sub-select: only the names that resolve to sc's
        sources count (a sub-select's own columns of the same name do not). False
        when its names cannot all be told (walk_sub_select): then every name counts."""
        hits: list[tuple[Src, int]] = []

        def visit(e: Any, scope: Scope) -> None:
            stack = [e]
            while stack:
                x = stack.pop()
                if isinstance(x, ast.ColumnRef):
                    r = self.resolve_quiet(x, scope)
                    if r is not None and r[0] is sc:
                        hits.append((r[1], r[2]))
                elif isinstance(x, (ast.Subquery, ast.Exists, ast.InSelect)):
                    if isinstance(x, ast.InSelect):
                        stack.append(x.expr)
                    if not self.walk_sub_select(x.select, scope, visit):
                        raise _Unknown
                elif isinstance(x, (list, tuple)):
                    stack.extend(x)
                elif dataclasses.is_dataclass(x) and not isinstance(x, type):
                    stack.extend(getattr(x, fl.name) for fl in dataclasses.fields(x))

        try:
            if not self.walk_sub_select(sel, sc, visit):
                return False
        except (_Unknown, errors.Error):
            return False
        for src, i in hits:
            need[id(src)].add(-1 if i == src.ipk or i < 0 else i)
        return True

    def _covers(self, idx: Index, need: set[int] | None) -> bool:
        if need is None:
            return False
        t = self.catalog.table_of_index(idx)
        if t is None:
            return False
        if any(c >= 0 and t.columns[c].generated is not None for c in need):
            # SQLite counts every column as used once a generated one is, and never
            # a VIRTUAL column as held by an index (sqlite3ExprColUsed, colNotIdxed)
            if t.has_virtual():
                return False
            need = set(range(len(t.columns)))
        return need <= set(idx.columns) | {-1}

    def _order_match(self, src: Src, i: int, cols: list[int], descs: list[bool],
                     eq: set[int], idx: Index | None = None) -> bool | None:
        """Does reading src in the key order (cols, descs) deliver the wanted
        order/grouping? Returns the scan direction (True = reverse) or None."""
        want = getattr(self, "order_hint", None)
        if want is None or i != 0:
            return None
        kind, terms = want
        if any(s is not src or c is None for s, c, _ in terms):
            return None
        if (eq or idx is None) and self._bignull(src, eq):
            return None  # NULLs last (ASC) / first (DESC): only a whole index, read in two parts
        if idx is not None:
            # an index sorted under another collation than the column's gives another
            # order: only its key columns before the first such one count
            for k, c in enumerate(cols[:len(idx.columns)]):
                if c not in eq and not self._coll_ok(idx, k, src, c):
                    cols, descs = cols[:k], descs[:k]
                    break
        rest = [(c, d) for _, c, d in terms if c not in eq]
        if not rest:
            return False
        if kind != "order":
            wanted = {c for c, _ in rest}
            seq = [c for c in cols if c not in eq]
            if set(seq[:len(wanted)]) == wanted:
                return False
            return None
        seq2 = [(c, d) for c, d in zip(cols, descs, strict=True) if c not in eq]
        rev: bool | None = None
        for (c, d), (ic, idesc) in zip(rest, seq2[:len(rest)], strict=False):
            if c != ic:
                return None
            r = d != idesc
            if rev is None:
                rev = r
            elif rev != r:
                return None
        if len(rest) > len(seq2):
            return None
        return rev

    def _order_sat(self, src: Src, i: int, cols: list[int], descs: list[bool], eq: set[int],
                   idx: Index | None = None) -> tuple[int, bool]:
        """How many leading ORDER BY terms reading src in the key order (cols, descs)
        delivers when it does not deliver them all, and the scan direction: the rows
        then need sorting only within runs equal on those (wherePathSatisfiesOrderBy's
        partial answer). 0 when the loop is order-distinct (a UNIQUE index with no
        NULL in its free columns; the rowid), where SQLite sorts everything."""
        want = getattr(self, "order_hint", None)
        if want is None or i != 0 or want[0] != "order" or src.table is None \
                or getattr(self, "order_bignull", None) is not None:
            return 0, False
        tcols = src.table.columns
        if idx is not None and idx.unique and all(
                c in eq or (c >= 0 and tcols[c].not_null) for c in idx.columns):
            return 0, False
        seq: list[tuple[int, bool]] = []
        for k, (c, d) in enumerate(zip(cols, descs, strict=True)):
            if idx is None:
                break  # the rowid: order-distinct when it is the next term
            if k < len(idx.columns) and c not in eq and not self._coll_ok(idx, k, src, c):
                break
            if c < 0 or c in eq:
                if c < 0:
                    break  # the rowid ends the key: order-distinct from there on
                continue
            if (src.colls[c] or "BINARY").upper() not in ("BINARY", "NOCASE", "RTRIM"):
                break  # runs are cut by value equality under a built-in collation only
            seq.append((c, d))
        terms = getattr(self, "order_all", [])
        n = 0
        rev: bool | None = None
        nxt = iter(seq)
        for (s, c, d), held in terms:
            if s is src and (held or c in eq):
                n += 1
                continue
            got = next(nxt, None)
            if got is None or s is not src or c != got[0]:
                break
            r = d != got[1]
            if rev is not None and r != rev:
                break
            rev = r
            n += 1
        if n >= len(terms):
            return 0, False
        return n, bool(rev)

    def access_path(self, src: Src, i: int, sc: Scope, terms: list[ast.Expr]) -> tuple[str, str]:
        """access_path(src, i, sc, terms) -> (iterator expression, EXPLAIN QUERY PLAN text).
        Sets self.path_decoded when the iterator yields decoded rows (covering index)."""
        self.path_omit = set()
        it, desc = self._access_path(src, i, sc, terms)
        self.path_decoded = it.startswith("cover_rows(")
        if not desc.startswith("SEARCH") or not it.startswith(("index_rows(", "cover_rows(")):
            self.path_omit = set()  # set by a search tried and then not taken
        return it, desc

    def _consumed_terms(self, src: Src, sc: Scope, terms: list[ast.Expr],
                        prefix: list[int], eqs: dict[int, ast.Expr],
                        lows: dict[int, tuple[ast.Expr, bool]],
                        highs: dict[int, tuple[ast.Expr, bool]]) -> set[int]:
        """ids of the terms an index search fully answers, which the loop then need not
        test again (SQLite's WHERE_..._omit, disableTerm): `col = v`, `col < v` and the
        like, `col BETWEEN a AND b`, whose column is a key column the search bounds,
        compared under BINARY with numeric or TEXT affinity, against a parameter, a
        literal or an outer column (evaluated once either way). The index compares
        the probe (the column's affinity applied, _probe) in SQLite's order, which is
        the comparison's own result for those operand kinds."""
        def plain(e: ast.Expr) -> bool:
            if not isinstance(e, (ast.Param, ast.Literal, ast.ColumnRef)):
                return False
            c, explicit = self.coll(e, sc)
            return not explicit and (c is None or c == "BINARY")

        def col_ok(c: int) -> bool:
            return c >= 0 and (src.affs[c] in NUMERIC_AFFS or src.affs[c] == AFF_TEXT) \
                and (src.colls[c] or "BINARY").upper() == "BINARY"

        keyed = set(prefix)
        out: set[int] = set()
        for t in terms:
            if isinstance(t, ast.Between) and not t.negated:
                c = self._own_col(t.expr, src, sc)
                if c is not None and col_ok(c) and c in lows and c in highs \
                        and lows[c][0] is t.low and highs[c][0] is t.high \
                        and plain(t.low) and plain(t.high):
                    out.add(id(t))
                continue
            if not isinstance(t, ast.Binary) or t.op not in ("=", "<", "<=", ">", ">="):
                continue
            for a, b in ((t.left, t.right), (t.right, t.left)):
                c = self._own_col(a, src, sc)
                if c is None or not col_ok(c) or not plain(b):
                    continue
                if t.op == "=" and c in keyed and eqs.get(c) is b \
                        or t.op != "=" and (lows.get(c, (None,))[0] is b
                                            or highs.get(c, (None,))[0] is b):
                    out.add(id(t))
                break
        return out

    def _range_bounds(self, c: int | None, lows: dict[int, Any], highs: dict[int, Any],
                      src: Src, sc: Scope, names: list[str]) -> tuple[str, bool, str, bool]:
        """(lo, lo inclusive, hi, hi inclusive) code of a range on column c of an index
        search (the rowid when c is -1; no range when None); the EQP names grow."""
        lo = hi = "SENT"
        lo_incl, hi_incl = False, True
        if c is None:
            return lo, lo_incl, hi, hi_incl
        cn = src.colnames[c] if c >= 0 else "rowid"
        if c in lows:
            lo = self._probe(lows[c][0], src, c, sc) if c >= 0 else \
                self._conv(lows[c][0], AFF_NUMERIC, sc)
            lo_incl = lows[c][1]
            names.append(f"{cn}>?")
        if c in highs:
            hi = self._probe(highs[c][0], src, c, sc) if c >= 0 else \
                self._conv(highs[c][0], AFF_NUMERIC, sc)
            hi_incl = highs[c][1]
            names.append(f"{cn}<?")
        return lo, lo_incl, hi, hi_incl

    def _access_path(self, src: Src, i: int, sc: Scope, terms: list[ast.Expr]
                     ) -> tuple[str, str]:
        if src.tvf is not None:
            from pyrite.exec import tablefunc as TF
            return TF.access_path(self, src, i, sc, terms)
        if src.table is None:
            assert src.rows_var is not None
            label = src.label or src.name or "(subquery)"
            return src.rows_var, f"SCAN {label}"
        t = src.table
        label = src.label or src.name
        pg = self.pg_of(t)
        root = self.const(t.root)
        eqs: dict[int, ast.Expr] = {}  # column (-1 rowid) -> probe expression
        ins: dict[int, ast.InList] = {}
        lows: dict[int, tuple[ast.Expr, bool]] = {}
        highs: dict[int, tuple[ast.Expr, bool]] = {}
        for term in terms:
            self._classify(term, src, i, sc, eqs, ins, lows, highs)
        need = self.need_cols(src)
        if -1 in eqs:
            self._order_match(src, i, [], [], {-1})
            if i > 0 and id(src) in self.__dict__.get("bloom_srcs", {}):
                ipk = src.colnames[t.ipk] if t.ipk is not None else "rowid"
                self.path_bloom = (f"{ipk}=?", None)  # the plan line; no filter is built
            if i == 0 and self.order_hint is not None:  # not a MULTI-INDEX OR's part
                self.__dict__.setdefault("order_runs_by", {})[id(sc)] = -1
            return (f"rowid_eq({pg}, {root}, {self.ex(eqs[-1], sc)})",
                    f"SEARCH {label} USING INTEGER PRIMARY KEY (rowid=?)")
        # Candidate index searches: equality prefix, then IN or a range on the next column.
        best: tuple[float, Index, list[int], str | None, bool, bool | None] | None = None
        best_suffix: list[int] = []
        best_rng: int | None = None
        best_in_order = False
        indexes = t.indexes if src.indexes is None else src.indexes
        forced = self._ordered_scan(src, i, sc, terms)
        # follow the solver's choice between a rowid search and an index search
        chosen_kind = self.loop_kind(src)
        chosen_idx = self.loop_index(src)
        if self.__dict__.get("in_multi_or"):
            chosen_kind = chosen_idx = None  # a disjunct's own search, not the solver's loop
        if chosen_idx is not None and any(x.name == chosen_idx for x in indexes):
            search_in: list[Index] = [x for x in indexes if x.name == chosen_idx]
        elif chosen_kind == "ipk" and (-1 in ins or -1 in lows or -1 in highs):
            search_in = []
        elif chosen_kind in ("scan", "cover_scan", "index_scan", "or") and len(sc.srcs) == 1:
            search_in = []  # the solver found a full scan (or MULTI-INDEX OR) cheaper
        else:
            search_in = indexes
        whole = chosen_kind in ("scan", "cover_scan", "index_scan") and len(sc.srcs) == 1
        for idx in search_in if forced is None else ():
            if idx.where is not None or any(c < 0 for c in idx.columns):
                continue
            prefix: list[int] = []
            for c in idx.columns:
                if c in eqs and self._coll_ok(idx, len(prefix), src, c):
                    prefix.append(c)
                else:
                    break
            nxt = idx.columns[len(prefix)] if len(prefix) < len(idx.columns) else None
            extra: str | None = None
            suffix: list[int] = []  # == and IN (list) columns after an IN (list) one
            rng: int | None = None  # and a range on the key column after those
            if nxt is None and prefix and not t.without_rowid and (-1 in lows or -1 in highs):
                extra = "range"  # the rowid ends every index key: a range on it
                nxt = -1
            elif nxt is not None and self._coll_ok(idx, len(prefix), src, nxt):
                if nxt in ins and not prefix and not isinstance(ins[nxt], ast.InList):
                    extra = "in"
                elif nxt in ins and isinstance(ins[nxt], ast.InList):
                    extra = "in"
                    if (src.colls[nxt] or "BINARY").upper() == "BINARY":
                        suffix, rng = self._in_key_suffix(src, idx, len(prefix), eqs, ins,
                                                          lows, highs)
                    if prefix and not suffix and (src.colls[nxt] or "BINARY").upper() != "BINARY":
                        extra = None
                elif (nxt in lows or nxt in highs) and not idx.desc[len(prefix)]:
                    extra = "range"
            if not prefix and extra is None:
                continue
            cover = self._covers(idx, need)
            score = (len(prefix) + len(suffix)) * 100.0 + (25 if rng is not None else 0)
            if idx.unique and len(prefix) == len(idx.columns):
                score += 1000
            if extra == "in":
                score += 90
            elif extra == "range":
                score += 30 if (nxt in lows and nxt in highs) else 20
            if cover:
                score += 5
            # an IN (list) searched value by value in index order (sorted, as SQLite's IN
            # index) orders the rows by its column like any key column
            in_order = extra == "in" and nxt is not None and isinstance(ins.get(nxt), ast.InList) \
                and (src.colls[nxt] or "BINARY").upper() == "BINARY"
            held = set(prefix) | {c for c in suffix if c in eqs}
            rev = self._order_match(src, i, idx.columns + [-1], list(idx.desc) + [False],
                                    held, idx) if extra != "in" or in_order else None
            if rev is not None:
                score += 3
            score -= len(idx.columns) * 0.01
            if best is None or score > best[0]:
                best = (score, idx, prefix, extra, cover, rev)
                best_suffix, best_rng, best_in_order = suffix, rng, in_order
        rowid_score = 95.0 if -1 in ins else (26.0 if (-1 in lows or -1 in highs) else -1.0)
        if chosen_idx is not None and best is not None:
            rowid_score = -1.0
        if best is not None and best[0] > rowid_score:
            _, idx, prefix, extra, cover, rev = best
            kinfo = self.key_info(idx)
            iroot = self.const(idx.root)
            names = [f"{src.colnames[c]}=?" for c in prefix]
            if extra == "in" and (prefix or best_suffix or best_rng is not None or best_in_order):
                # one search per distinct IN value (per combination of them, when
                # several key columns have one), the == columns around them in the
                # key, and a range on the next key column: the rows come in index
                # order (reversed when rev), which may give the ORDER BY or its start
                held = set(prefix) | {c for c in best_suffix if c in eqs}
                if rev is None and i == 0 and self.order_hint is not None:
                    n_sat, prev = self._order_sat(src, i, idx.columns + [-1],
                                                  list(idx.desc) + [False], held, idx)
                    if n_sat:
                        self.__dict__.setdefault("order_runs_by", {})[id(sc)] = n_sat
                        rev_in = prev
                    else:
                        rev_in = False
                else:
                    rev_in = bool(rev)
                if rev is not None:
                    self.order_done = True
                key = "".join(self._probe(eqs[k], src, k, sc) + ", " for k in prefix)
                loops = ""
                for pos, c in enumerate([idx.columns[len(prefix)], *best_suffix], len(prefix)):
                    if c in eqs and c != idx.columns[len(prefix)]:
                        key += self._probe(eqs[c], src, c, sc) + ", "
                        continue
                    v, w = self.fresh("v"), self.fresh("w")
                    items = "(" + "".join(self._probe(x, src, c, sc, True) + ", "
                                          for x in ins[c].items) + ")"
                    key += v + ", "  # distinct values in index order, as SQLite's IN index
                    down = rev_in != idx.desc[pos]
                    loops += (f" for ({v},) in sorted({{({w},) for {w} in {items}}}, "
                              f"key=row_key{', reverse=True' if down else ''})")
                names += [f"{src.colnames[k]}=?" for k in [idx.columns[len(prefix)], *best_suffix]]
                lo, lo_incl, hi, hi_incl = self._range_bounds(best_rng, lows, highs, src, sc,
                                                              names)
                entries = (f"chain.from_iterable(index_scan({pg}, {iroot}, {kinfo}, ({key}), "
                           f"{best_rng is not None}, {lo}, {lo_incl}, {hi}, {hi_incl}, {rev_in})"
                           f"{loops})")
            elif extra == "in":
                c = idx.columns[0]
                it_ = ins[c]
                if isinstance(it_, ast.InSelect):
                    rows, info = self.insel_rows(it_, sc)
                    ra = info.affs[0] if info.affs else None
                    if src.affs[c] == AFF_TEXT and ra not in (None, AFF_TEXT, AFF_BLOB):
                        return f"iter_table({pg}, {root})", f"SCAN {label}"
                    items = f"in_values({rows}, {self.const(V.Affinity(src.affs[c]))})"
                else:
                    items = "(" + "".join(self._probe(x, src, c, sc, True) + ", "
                                          for x in it_.items) + ")"
                entries = f"index_in_entries({pg}, {iroot}, {kinfo}, {items})"
                names = [f"{src.colnames[c]}=?"]
            else:
                key = "(" + "".join(self._probe(eqs[c], src, c, sc) + ", " for c in prefix) + ")"
                if i > 0 and id(src) in self.__dict__.get("bloom_srcs", {}) and prefix:
                    cover = False  # a Bloom filter clears WHERE_IDX_ONLY
                    self.path_bloom = (" AND ".join(f"{src.colnames[c]}=?" for c in prefix),
                                       None if any(isinstance(eqs[c], _NullProbe) for c in prefix)
                                       else [(c, self._probe(eqs[c], src, c, sc)) for c in prefix])
                lo, lo_incl, hi, hi_incl = self._range_bounds(
                    (idx.columns + [-1])[len(prefix)] if extra == "range" else None,
                    lows, highs, src, sc, names)
                partial = False
                if rev is None and i == 0 and self.order_hint is not None:
                    if idx.unique and len(prefix) == len(idx.columns) and not any(
                            isinstance(eqs[c], _NullProbe) for c in prefix):
                        self.__dict__.setdefault("order_runs_by", {})[id(sc)] = -1
                    else:
                        n_sat, prev = self._order_sat(src, i, idx.columns + [-1],
                                                      list(idx.desc) + [False], set(prefix), idx)
                        if n_sat:
                            self.__dict__.setdefault("order_runs_by", {})[id(sc)] = n_sat
                            rev, partial = prev, True  # the rows still need sorting in runs
                entries = (f"index_scan({pg}, {iroot}, {kinfo}, {key}, {extra == 'range'}, "
                           f"{lo}, {lo_incl}, {hi}, {hi_incl}, {bool(rev)})")
                if rev is not None and not partial:
                    self.order_done = True
                rc = (idx.columns + [-1])[len(prefix)] if extra == "range" else None
                self.path_omit = self._consumed_terms(  # the bounds of the range column only
                    src, sc, terms, prefix, eqs,
                    {rc: lows[rc]} if rc in lows else {}, {rc: highs[rc]} if rc in highs else {})
            kind = "COVERING INDEX" if cover else "INDEX"
            desc = f"SEARCH {label} USING {kind} {idx.name} ({' AND '.join(names)})"
            return self._index_iter(src, idx, entries, cover, pg, root), desc
        if -1 in ins and forced is None and not whole and chosen_kind != "or":
            items = "(" + "".join(self.ex(x, sc) + ", " for x in ins[-1].items) + ")"
            return (f"rowid_in({pg}, {root}, {items})",
                    f"SEARCH {label} USING INTEGER PRIMARY KEY (rowid=?)")
        if (-1 in lows or -1 in highs) and forced is None and not whole and chosen_kind != "or":
            lo = self.ex(lows[-1][0], sc) if -1 in lows else "None"
            hi = self.ex(highs[-1][0], sc) if -1 in highs else "None"
            cond = " AND ".join(x for x in (("rowid>?" if -1 in lows else ""),
                                             ("rowid<?" if -1 in highs else "")) if x)
            rrev = self._order_match(src, i, [-1], [False], set())
            if rrev is not None:
                self.order_done = True
            return (f"rowid_range{'_rev' if rrev else ''}({pg}, {root}, {lo}, {hi})",
                    f"SEARCH {label} USING INTEGER PRIMARY KEY ({cond})")
        multi = self.multi_index_or(src, i, sc, terms) if forced is None and not whole else None
        if multi is not None:
            return multi
        # Full scans: in rowid order, in an index's order, or over a narrower covering index.
        rev0 = self._order_match(src, i, [-1], [False], set()) if forced is None else None
        if rev0 is not None:
            self.order_done = True
            if rev0:
                return f"iter_table_rev({pg}, {root})", f"SCAN {label}"
            return f"iter_table({pg}, {root})", f"SCAN {label}"
        chosen: tuple[Index, bool, bool] | None = None
        for idx in self._scan_order(indexes) if forced is None else [forced]:
            if idx.where is not None or any(c < 0 for c in idx.columns):
                continue
            rev = self._order_match(src, i, idx.columns + [-1], list(idx.desc) + [False], set(),
                                    idx)
            if rev is not None:
                chosen = (idx, rev, self._covers(idx, need))
                break
        got = self.__dict__.get("loop_kinds", {}).get(id(src))
        if chosen is None and i == 0 and (forced is not None or (
                got is not None and got[0] is src and got[1] in ("index_scan", "cover_scan"))):
            # the solver's index read whole for a leading part of the ORDER BY
            pidx = forced or next((x for x in indexes if got is not None
                                   and x.name == got[2]), None)
            if pidx is not None:
                n_sat, prev = self._order_sat(src, i, pidx.columns + [-1],
                                              list(pidx.desc) + [False], set(), pidx)
                if n_sat:
                    self.__dict__.setdefault("order_runs_by", {})[id(sc)] = n_sat
                    chosen = (pidx, prev, self._covers(pidx, need))
        if chosen is None and need is not None:
            for idx in self._scan_order(indexes):
                if idx.where is not None or any(c < 0 for c in idx.columns):
                    continue
                if self._covers(idx, need) and len(idx.columns) + 1 < len(t.columns) + (
                        0 if t.ipk is not None else 1):
                    chosen = (idx, False, True)
                    break
        if chosen is not None:
            idx, rev, cover = chosen
            if self._order_match(src, i, idx.columns + [-1], list(idx.desc) + [False],
                                 set(), idx) is not None:
                self.order_done = True
            entries = (f"iter_index({pg}, {self.const(idx.root)}, {self.key_info(idx)}, "
                       f"None, True, None, True, {rev})")
            if self.order_done and self._bignull(src, set()):
                # WHERE_BIGNULL_SORT: the non-NULL keys in order, and the NULL keys apart
                ir, ki = self.const(idx.root), self.key_info(idx)
                keyed = f"index_scan({pg}, {ir}, {ki}, (), True, SENT, False, SENT, True, {rev})"
                nulls = f"index_scan({pg}, {ir}, {ki}, (ISNULL,), False, SENT, False, SENT, True, {rev})"
                entries = f"chain({nulls}, {keyed})" if rev else f"chain({keyed}, {nulls})"
            kind = "COVERING INDEX" if cover else "INDEX"
            verb = "SEARCH" if cover and getattr(self, "minmax_scan", False) else "SCAN"
            return (self._index_iter(src, idx, entries, cover, pg, root),
                    f"{verb} {label} USING {kind} {idx.name}")
        return f"iter_table({pg}, {root})", f"SCAN {label}"

    def multi_index_or(self, src: Src, i: int, sc: Scope, terms: list[ast.Expr]
                       ) -> tuple[str, str] | None:
        """`A OR B` where every disjunct has an index search of its own: the union of
        those searches by rowid (SQLite's MULTI-INDEX OR); the OR term stays a filter."""
        assert src.table is not None
        if src.table.without_rowid:
            return None
        for t in terms:
            if not (isinstance(t, ast.Binary) and t.op == "OR"):
                continue
            disj = disjuncts(t)
            saved = (self.need, self.order_hint, self.order_done)
            self.need, self.order_hint = None, None
            parts: list[tuple[str, str]] = []
            mark = len(self.plan.lines)
            self.in_multi_or = True
            try:
                for d in disj:
                    rest = [x for x in terms if x is not t]
                    it, desc = self._access_path(src, i, sc, conjuncts(d) + rest)
                    if not desc.startswith("SEARCH") or it.startswith("cover_rows("):
                        parts = []
                        break
                    parts.append((it, desc))
            finally:
                self.need, self.order_hint, self.order_done = saved
                self.in_multi_or = False
            if not parts:
                del self.plan.lines[mark:]
                continue
            slots = self._or_slots(disj, src, sc)
            order = sorted(range(len(parts)), key=lambda k: slots[k])
            self.or_children = [(slots[k] + 1, parts[k][1]) for k in order]
            its = "(" + "".join(parts[k][0] + ", " for k in order) + ")"
            return f"or_union({its})", "MULTI-INDEX OR"
        return None

    def _or_slots(self, disj: list[ast.Expr], src: Src, sc: Scope) -> list[int]:
        """The WHERE-term slot of each disjunct as a loop over src reads it, which
        numbers SQLite's `INDEX n` lines (and orders them): the disjuncts take slots
        0..n-1, then, analysed from the last, each `col = col` (and the other
        comparisons between columns) gets one more slot for its commuted copy
        (exprAnalyze); a disjunct whose left side is not a column of src is
        read through that copy."""
        def column(e: ast.Expr) -> bool:
            return isinstance(e, ast.ColumnRef) and self.resolve_quiet(e, sc) is not None

        slots = list(range(len(disj)))
        nxt = len(disj)
        for k in range(len(disj) - 1, -1, -1):
            d = disj[k]
            if not (isinstance(d, ast.Binary) and d.op in ("=", "<", "<=", ">", ">=", "IS")):
                continue
            if column(d.left) and column(d.right):
                if self._own_col(d.left, src, sc) is None \
                        and self._own_col(d.right, src, sc) is not None:
                    slots[k] = nxt
                nxt += 1
        return slots

    def _in_key_suffix(self, src: Src, idx: Index, n_prefix: int, eqs: dict[int, ast.Expr],
                       ins: dict[int, ast.InList], lows: dict[int, tuple[ast.Expr, bool]],
                       highs: dict[int, tuple[ast.Expr, bool]]) -> tuple[list[int], int | None]:
        """The key columns after an IN (list) on idx's column n_prefix that the search
        also bounds: == columns and further IN (lists), then a range on the next one
        (whereLoopAddBtreeIndex goes on after WO_IN). A further IN is left out, as
        SQLite leaves it, when sqlite_stat1 says a scan of the rows it would split is
        cheaper."""
        out: list[int] = []
        n_in_mul = COST.log_est(len(ins[idx.columns[n_prefix]].items))
        for pos in range(n_prefix + 1, len(idx.columns)):
            c = idx.columns[pos]
            if not self._coll_ok(idx, pos, src, c):
                break
            if c in eqs:
                out.append(c)
                continue
            lst = ins.get(c)
            if isinstance(lst, ast.InList) and (src.colls[c] or "BINARY").upper() == "BINARY" \
                    and self._in_usable(idx, pos, COST.log_est(len(lst.items)), n_in_mul):
                out.append(c)
                n_in_mul += COST.log_est(len(lst.items))
                continue
            if (c in lows or c in highs) and not idx.desc[pos]:
                return out, c
            return out, None
        t = src.table
        if t is not None and not t.without_rowid and (-1 in lows or -1 in highs):
            return out, -1  # the rowid ends every index key: a range on it
        return out, None

    def _in_usable(self, idx: Index, neq: int, n_in: int, n_in_mul: int) -> bool:
        """Does SQLite's whereLoopAddBtreeIndex keep an IN of n_in (LogEst) values on
        idx's key column neq? With sqlite_stat1, not when scanning the M rows of the
        prefix beats K searches (M*log(K) < K*log(N)) and an IN came before."""
        st = self.stat1().get((idx.table.lower(), idx.name.lower()))
        if st is None:
            return True
        ai = [COST.log_est(v) for v in st]
        rlog = COST.est_log(ai[0])
        if rlog < 10 or neq >= len(ai):
            return True
        return ai[neq] + COST.est_log(n_in) + 10 - (n_in + rlog) >= 0 or n_in_mul < 2

    def _ordered_scan(self, src: Src, i: int, sc: Scope, terms: list[ast.Expr]) -> Index | None:
        """The index a lone table is read through, whole, when SQLite's solver finds
        that cheaper than a search followed by a sort (ORDER BY/GROUP BY/DISTINCT)."""
        info = self.__dict__.get("order_info")
        if i != 0 or len(sc.srcs) != 1 or info is None or info[0] is not sc or not info[1] \
                or getattr(self, "order_hint", None) is None or src.table is None:
            return None
        wterms, cons = self.where_terms(sc, terms)
        loops: list[COST.WhereLoop] = []
        self.where_loops(0, sc, wterms, cons, loops)
        path = COST.solve(loops, 1, info[1], info[2], info[3])
        if len(path) != 1 or path[0].kind not in ("index_scan", "cover_scan") \
                or not (path[0].ordered or path[0].n_sat):
            return None
        return next((x for x in src.table.indexes if x.name == path[0].index), None)

    def _held_cols(self, where: ast.Expr | None, sc: Scope) -> set[tuple[int, int]]:
        """(id(source), column) of the columns a top-level `col = constant` pins."""
        out: set[tuple[int, int]] = set()
        for t in conjuncts(where):
            if not isinstance(t, ast.Binary) or t.op != "=":
                continue
            for x, y in ((t.left, t.right), (t.right, t.left)):
                v = y.operand if isinstance(y, ast.Unary) and y.op in ("-", "+") else y
                xc = self._col_of(x, sc)
                if xc is not None and (isinstance(v, ast.Param) or (
                        isinstance(v, ast.Literal) and v.value is not None)):
                    out.add((id(sc.srcs[xc[0]]), xc[1]))
        return out

    def _bignull(self, src: Src, eq: set[int]) -> bool:
        """Does the leading ORDER BY term put a nullable column of src's NULLs at the
        other end from an index (ASC NULLS LAST, DESC NULLS FIRST)?"""
        big = getattr(self, "order_bignull", None)
        if big is None or big[0] is not src or big[1] is None or big[1] < 0 or big[1] in eq:
            return False
        t = src.table
        return t is None or not t.columns[big[1]].not_null

    def _scan_order(self, indexes: list[Index]) -> list[Index]:
        """Indexes in the order SQLite prefers them for a full scan: fewest columns
        first; among equals, the most recently created."""
        return sorted(reversed(indexes), key=lambda x: len(x.columns))

    def _index_iter(self, src: Src, idx: Index, entries: str, cover: bool, pg: str,
                    root: str) -> str:
        if not cover:
            return f"index_rows({pg}, {root}, {entries})"
        assert src.table is not None
        pos = tuple((j, c) for j, c in enumerate(idx.columns) if c >= 0)
        for _, c in pos:
            src.used.add(c)
        self.path_decoded = True
        it = f"cover_rows({entries}, {self.const(pos)}, {len(src.table.columns)})"
        if entries.startswith(("index_scan(", "iter_index(")) and entries.endswith(")"):
            # the same read a leaf's run of records at a time (leaves=True), for a scan
            # consumed whole (rows_consumed_whole): see gen_loops
            self.cover_leaves = (it, f"cover_leaves({entries[:-1]}, True), "
                                     f"{self.const(pos)}, {len(src.table.columns)})")
        return it

    def order_want(self, core: ast.SelectCore, sc: Scope,
                   cols: list[tuple[ast.Expr, str, str | None]],
                   order: tuple[ast.OrderingTerm, ...], grouped: bool
                   ) -> tuple[str, list[tuple[Src, int | None, bool]]] | None:
        """The row order the outermost loop could deliver to spare a sort: ORDER BY
        terms, else GROUP BY terms, else DISTINCT columns (simple columns only)."""
        # what the join-order solver must cost a sort for (SQLite's WhereInfo.pOrderBy)
        lim = self.__dict__.get("core_limits", {}).get(id(core))
        limit = lim[1] if lim is not None and lim[0] is core and not grouped else None
        self.order_info = (sc, len(core.group_by) if core.group_by else len(order)
                           if order and not grouped else len(cols) if core.distinct else 0,
                           bool(core.distinct),
                           COST.log_est(limit.value) if isinstance(limit, ast.Literal)
                           and type(limit.value) is int and limit.value >= 0 else None)
        self.order_bignull: tuple[Src, int | None] | None = None
        self.order_const_src: Src | None = None
        self.order_all = []  # the ORDER BY terms (src, column, desc) and whether held
        if not sc.srcs:
            return None

        def simple(e: ast.Expr) -> tuple[Src, int | None] | None:
            if isinstance(e, ast.Literal) and isinstance(e.value, int) and \
                    1 <= e.value <= len(cols):
                e = cols[e.value - 1][0]
            if not isinstance(e, ast.ColumnRef):
                return None
            r = self.resolve_quiet(e, sc)
            if r is None or r[0] is not sc:
                return None
            src, c = r[1], r[2]
            if c >= 0 and c == src.ipk:
                c = -1
            if c >= 0 and src.table is None:
                return None
            return src, c

        out: list[tuple[Src, int | None, bool]] = []
        if core.group_by:
            for g in core.group_by:
                r = simple(g)
                if r is None or (r[1] is not None and r[1] >= 0
                                 and (r[0].colls[r[1]] or "BINARY").upper() != "BINARY"):
                    return None
                out.append((r[0], r[1], False))
            return "group", out
        if order and not grouped and not core.distinct:
            for k, t in enumerate(order):
                e = t.expr
                big = t.nulls is not None and (t.nulls == "FIRST") == t.desc
                if big and k:
                    return None
                if isinstance(e, ast.Collate):
                    return None
                if isinstance(e, ast.ColumnRef) and e.table is None and \
                        self.resolve_quiet(e, sc) is None:
                    for ce, nm, _ in cols:
                        if nm.lower() == e.column.lower():
                            e = ce
                            break
                r = simple(e)
                if r is None:
                    return None
                if big:
                    self.order_bignull = r
                out.append((r[0], r[1], t.desc))
            # a column held to one value by `col = constant` is in order whatever the plan
            held = self._held_cols(core.where, sc)
            rest = [x for x in out if (id(x[0]), x[1]) not in held]
            self.order_all = [(x, (id(x[0]), x[1]) in held) for x in out]
            if not rest:
                self.order_done = True
                self.order_const_src = out[0][0] if all(x[0] is out[0][0] for x in out) else None
                return None
            if len(rest) < len(out) and self.order_bignull is not None \
                    and (id(self.order_bignull[0]), self.order_bignull[1]) in held:
                self.order_bignull = None
            return "order", rest
        if core.distinct and not grouped:
            for e, _, _ in cols:
                r = simple(e)
                if r is None:
                    return None
                out.append((r[0], r[1], False))
            return "distinct", out
        return None

    def resolve_quiet(self, e: ast.ColumnRef, sc: Scope) -> tuple[Scope, Src, int] | None:
        try:
            return self.resolve(e, sc)
        except errors.Error:
            return None

    def _coll_ok(self, idx: Index, pos: int, src: Src, c: int) -> bool:
        ic = (idx.collations[pos] or "BINARY").upper()
        cc = (src.colls[c] or "BINARY").upper()
        return ic == cc

    def key_info(self, idx: Index) -> str:
        from pyrite.storage import KeyInfo

        colls = tuple(None if (c or "BINARY").upper() == "BINARY"
                      else self.env.collations.get((c or "").upper()) for c in idx.collations)
        return self.const(KeyInfo(colls + (None,), tuple(idx.desc) + (False,)))

    def _probe(self, e: ast.Expr, src: Src, c: int, sc: Scope, in_item: bool = False) -> str:
        """The key for column c from e; in_item: e is an IN (list) item, which takes the
        column's affinity whatever its own (sqlite3CodeRhsOfIN)."""
        if isinstance(e, _NullProbe):
            return "ISNULL"
        aff = src.affs[c]
        if aff == AFF_TEXT:
            # a probe with an affinity of its own compares as BLOB against a TEXT
            # column: no conversion (sqlite3CompareAffinity in codeAllEqualityTerms)
            other = e.src.affs[e.i] if isinstance(e, _ColProbe) else self.aff(e, sc)
            if other is not None and not in_item:
                return self.ex(e, sc)
        if aff == AFF_REAL:  # an index's affinity is NUMERIC at most (sqlite3IndexAffinityStr)
            return self._conv(e, AFF_NUMERIC, sc)
        if aff in NUMERIC_AFFS or aff == AFF_TEXT:
            return self._conv(e, aff, sc)
        return self.ex(e, sc)

    def _classify(self, term: ast.Expr, src: Src, i: int, sc: Scope, eqs: dict[int, ast.Expr],
                  ins: dict[int, ast.InList], lows: dict[int, tuple[ast.Expr, bool]],
                  highs: dict[int, tuple[ast.Expr, bool]]) -> None:
        col: int | None
        if isinstance(term, _ColEq):
            if term.rs is src and sc.srcs.index(term.ls) < i:
                col = term.ri if term.ri != src.ipk else -1
                if self._probe_ok(src, col, term.ls.affs[term.li]):
                    eqs.setdefault(col, _ColProbe(term.ls, term.li))  # type: ignore[arg-type]
            return
        if isinstance(term, ast.InList) and not term.negated:
            col = self._own_col(term.expr, src, sc)
            if col is not None and all(self._is_outer(x, i, sc) for x in term.items) and term.items:
                if col == -1 or src.affs[col] in NUMERIC_AFFS or src.affs[col] == AFF_TEXT:
                    ins.setdefault(col, term)
            return
        if isinstance(term, ast.IsNull) and not term.negated:
            col = self._own_col(term.expr, src, sc)
            if col is not None and col >= 0:
                eqs.setdefault(col, _NullProbe())  # type: ignore[arg-type]
            return
        if isinstance(term, ast.Like) and term.op.upper() == "GLOB" and not term.negated \
                and term.escape is None and isinstance(term.right, ast.Literal) \
                and isinstance(term.right.value, str):
            # GLOB 'abc*' on a BINARY text column: the range [abc, abd) (where.c,
            # isLikeOrGlob); the GLOB itself stays as the filter.
            col = self._own_col(term.left, src, sc)
            pat = term.right.value
            cut = min([pat.index(ch) for ch in "*?[" if ch in pat] or [len(pat)])
            prefix = pat[:cut]
            if col is not None and col >= 0 and prefix and cut < len(pat) \
                    and src.affs[col] == AFF_TEXT and (src.colls[col] or "BINARY").upper() == "BINARY" \
                    and ord(prefix[-1]) < 0x10FFFF:
                lows.setdefault(col, (ast.Literal(prefix), True))
                highs.setdefault(col, (ast.Literal(prefix[:-1] + chr(ord(prefix[-1]) + 1)), False))
            return
        if isinstance(term, ast.InSelect) and not term.negated \
                and self.subqueries_independent(term, sc):
            col = self._own_col(term.expr, src, sc)
            if col is not None and col >= 0 and (src.affs[col] in NUMERIC_AFFS
                                                  or src.affs[col] == AFF_TEXT):
                ins.setdefault(col, term)  # type: ignore[arg-type]
            return
        if isinstance(term, ast.Between) and not term.negated:
            col = self._own_col(term.expr, src, sc)
            if col is not None and self._is_outer(term.low, i, sc) and self._is_outer(term.high, i, sc):
                # each half is a term of its own (where.c: the virtual terms of a
                # BETWEEN); a bound under an explicit COLLATE compares under it, not
                # under the index's collation, and bounds nothing
                if self._probe_ok(src, col, self.aff(term.low, sc)) and self._probe_ok(
                        src, col, self.aff(term.high, sc)):
                    if not isinstance(term.low, ast.Collate):
                        lows.setdefault(col, (term.low, True))
                    if not isinstance(term.high, ast.Collate):
                        highs.setdefault(col, (term.high, True))
            return
        if not isinstance(term, ast.Binary) or term.op not in ("=", "<", "<=", ">", ">=", "IS"):
            return
        op = term.op
        for a, b, flip in ((term.left, term.right, False), (term.right, term.left, True)):
            col = self._own_col(a, src, sc)
            if col is None or not self._is_outer(b, i, sc):
                continue
            if isinstance(b, ast.Collate) or isinstance(a, ast.Collate):
                continue
            if (self.cmp_coll(term.left, term.right, sc) or "BINARY").upper() != (
                    (src.colls[col] if col >= 0 else None) or "BINARY").upper():
                continue  # compared under the other operand's collation, not the column's
            if not self._probe_ok(src, col, self.aff(b, sc)):
                continue
            if op == "=":
                eqs.setdefault(col, b)
            elif op == "IS":
                if col >= 0 and isinstance(b, ast.Literal) and b.value is None:
                    eqs.setdefault(col, _NullProbe())  # type: ignore[arg-type]
                continue
            else:
                o = op
                if flip:
                    o = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
                if o in (">", ">="):
                    lows.setdefault(col, (b, o == ">="))
                else:
                    highs.setdefault(col, (b, o == "<="))
            return

    def _probe_ok(self, src: Src, col: int, other_aff: int | None) -> bool:
        caff = AFF_INTEGER if col == -1 else src.affs[col]
        if caff in NUMERIC_AFFS:
            return True
        if caff == AFF_TEXT:
            return other_aff in (None, AFF_TEXT, AFF_BLOB)
        return other_aff is None or other_aff == AFF_BLOB

    def _own_col(self, e: ast.Expr, src: Src, sc: Scope) -> int | None:
        if not isinstance(e, ast.ColumnRef):
            return None
        r = self.resolve(e, sc)
        if r is None or r[0] is not sc or r[1] is not src:
            return None
        c = r[2]
        if c >= 0 and c == src.ipk:
            return -1
        return c

    def _is_outer(self, e: ast.Expr, i: int, sc: Scope) -> bool:
        s = self.term_sources(e, sc)
        return s is not None and all(j < i for j in s)

    def _ex__ColEq(self, e: _ColEq, sc: Scope) -> str:
        a = self.col_source(sc, e.ls, e.li)
        b = self.col_source(sc, e.rs, e.ri)
        la, ra = e.ls.affs[e.li], e.rs.affs[e.ri]
        if la in NUMERIC_AFFS and ra not in NUMERIC_AFFS:
            b = f"apply_affinity({b}, {self.const(V.Affinity.NUMERIC)})"
        elif ra in NUMERIC_AFFS and la not in NUMERIC_AFFS:
            a = f"apply_affinity({a}, {self.const(V.Affinity.NUMERIC)})"
        coll = e.ls.colls[e.li] or e.rs.colls[e.ri]
        return f"sql_eq({a}, {b}{self.coll_arg(coll.upper() if coll else None)})"

    def _ex__ColProbe(self, e: _ColProbe, sc: Scope) -> str:
        return self.col_source(sc, e.src, e.i)

    # ---- aggregation

    def gen_group(self, sc: Scope, f: Func, level: int, core: ast.SelectCore,
                  cols: list[tuple[ast.Expr, str, str | None]], aggs: list[ast.FunctionCall]) -> int:
        na = len(aggs)
        snap_vars: list[str] = []
        for src in sc.srcs:
            snap_vars.append(src.rvar)
            if src.kvar is not None:
                snap_vars.append(src.kvar)
        snap = "(" + "".join(v + ", " for v in snap_vars) + ")"
        factories = []
        # count(*) is a plain counter in its slot: no object, no method call per row
        counters = {j for j, a in enumerate(aggs) if a.star and a.filter is None
                    and not a.args and not a.distinct}
        for j, a in enumerate(aggs):
            factories.append("0" if j in counters else self.agg_factory(a, sc))
        make = "[" + "".join(fa + ", " for fa in factories) + "None]"
        extremes = [j for j, a in enumerate(aggs) if a.name.lower() in ("min", "max")
                    and len(a.args) == 1 and not a.distinct
                    and self.env.user_aggregate(a.name.lower(), 1) is None]
        # Bare columns (and the GROUP BY terms themselves: -0.0 and 0 are one group) come
        # from the group's first row, then from each row where the last min()/max() of
        # the query takes a new value (lang_select 2.5; SQLite's OP_CollSeq register is
        # shared, so only the last one counts).
        last = extremes[-1] if extremes else -1
        if core.group_by:
            # At most sorter.SPILL_GROUPS groups in the dict; rows of the others are
            # recorded for the external sorter and replayed in the output phase.
            f.pre.append("groups = {}")
            flags = tuple(j in counters for j in range(na))
            f.pre.append(f"gsp = GroupSpill(lambda: {make}, {self.const(flags)}, {last})")
            f.pre.append("glim = gsp.limit")
            keys = []
            for g in core.group_by:
                ge = g
                if isinstance(g, ast.Literal) and isinstance(g.value, int):
                    if not 1 <= g.value <= len(cols):
                        raise errors.OperationalError(
                            f"{ordinal_suffix(core.group_by.index(g) + 1)} GROUP BY term out of range - should be between 1 and {len(cols)}")
                    ge = cols[g.value - 1][0]
                coll = self.coll(ge, sc)[0]
                gv = self.fresh("gv")  # an integer is its own key (group_key)
                gx = self.ex_local(ge, sc) if ge is g else self.ex(ge, sc)
                keys.append(f"({gv} if type({gv} := {gx}) is int "
                            f"else group_key({gv}, {self.const(coll)}))")
            f.emit(level, "gk = (" + "".join(k + ", " for k in keys) + ")")
            f.emit(level, "g = groups.get(gk)")
            f.emit(level, "if g is None:")
            f.emit(level + 1, f"if len(groups) < glim: g = groups[gk] = {make}")
            f.emit(level + 1, "else: g = gsp.record(gk)")
        else:
            f.pre.append(f"g = {make}")
        moved = "False"
        inline = self.inline_sums(core, sc, aggs)
        for j, a in enumerate(aggs):
            ex = self.json_arg if a.name.lower().startswith("json") \
                and a.name.lower() in _functions().json.JSON_GROUP_NAMES \
                and self.env.user_aggregate(a.name.lower(), len(a.args)) is None else self.ex
            args = ", ".join(ex(x, sc) for x in (*a.args, *(t.expr for t in a.order_by))) \
                if not a.star else ""
            if j in inline:
                sv, nv = inline[j]
                xv, tv = self.fresh("x"), self.fresh("t")
                bound = _functions().aggregate.INLINE_SUM_BOUND
                f.pre.append(f"{sv} = {nv} = 0")
                f.emit(level, f"{xv} = {args}")
                f.emit(level, f"if type({xv}) is int and {sv} is not None and "
                              f"{-bound} <= ({tv} := {sv} + {xv}) <= {bound}: {sv} = {tv}; {nv} += 1")
                f.emit(level, f"elif {xv} is not None: {sv} = g[{j}].take_ints({sv}, {nv}, {xv})")
            elif j in counters and not (core.group_by or sc.splits):
                cv = self.fresh("n")  # one group: the counter is a local
                f.pre.append(f"{cv} = 0")
                f.emit(level, f"{cv} += 1")
                inline[j] = (cv, "")
            elif j in counters:
                f.emit(level, f"g[{j}] += 1")
            elif j == last:
                moved = self.fresh("mv")
                cond = self.cond(a.filter, sc) if a.filter is not None else "True"
                f.emit(level, f"{moved} = {cond} and g[{j}].step({args})")
            elif a.filter is not None:
                f.emit(level, f"if {self.cond(a.filter, sc)}: g[{j}].step({args})")
            else:
                f.emit(level, f"g[{j}].step({args})")
        f.emit(level, f"if {moved + ' or ' if moved != 'False' else ''}g[{na}] is None: "
                      f"g[{na}] = {snap}")
        self.close_splits(f, sc)
        # Output phase: one pass over the groups, after the loops.
        if core.group_by:
            f.emit(0, "for gk, g in gsp.groups(groups):")
        else:
            f.emit(0, "for _ in ONE:")
        f.emit(1, f"if g[{na}] is None:")
        if snap_vars:
            f.emit(2, " = ".join(snap_vars) + " = None")
            for src in sc.srcs:
                f.emit(2, f"{src.rvar} = NULLROW")
            f.emit(1, "else:")
            f.emit(2, f"{snap} = g[{na}]")
        else:
            f.emit(2, "pass")
        amap: dict[Any, str] = {}
        for j, a in enumerate(aggs):
            v = self.fresh("a")
            if j in inline and j in counters:
                f.emit(1, f"{v} = {inline[j][0]}")
                amap[a] = v
                continue
            if j in inline:
                f.emit(1, f"g[{j}].take_ints({inline[j][0]}, {inline[j][1]})")
            f.emit(1, f"{v} = g[{j}]" if j in counters else f"{v} = g[{j}].finalize()")
            amap[a] = v
        sc.agg_map = amap
        if core.having is not None:
            f.emit(1, f"if not {self.cond(core.having, sc)}: continue")
        return 1

    def inline_sums(self, core: ast.SelectCore, sc: Scope, aggs: list[ast.FunctionCall]
                    ) -> dict[int, tuple[str, str]]:
        """{aggregate number: (sum, count) locals} for the built-in sum/total/avg of one
        argument (no DISTINCT, FILTER or ORDER BY) of a query without GROUP BY: their
        loop adds integers in two locals while the sum stays small, and hands over to
        the accumulator at the first other value (functions.aggregate _Sum.take_ints)."""
        if core.group_by or sc.splits:
            return {}
        out: dict[int, tuple[str, str]] = {}
        for j, a in enumerate(aggs):
            name = a.name.lower()
            if name in ("sum", "total", "avg") and len(a.args) == 1 and not a.distinct \
                    and not a.star and a.filter is None and not a.order_by and a.over is None \
                    and self.env.user_aggregate(name, 1) is None \
                    and name in _functions().AGGREGATES:
                out[j] = (self.fresh("s"), self.fresh("n"))
        return out

    def agg_factory(self, a: ast.FunctionCall, sc: Scope) -> str:
        name = a.name.lower()
        if a.star or (name == "count" and not a.args):
            if a.args:
                raise errors.OperationalError("wrong number of arguments to function count()")
            base = self.const(RT.CountStar) + "()"
            return base
        user = self.env.user_aggregate(name, len(a.args))
        if user is not None:
            base = f"{self.const(RT.Adapter)}({self.const(user)}())"
        elif name in ("min", "max"):
            coll = self.coll(a.args[0], sc)[0]
            cls = RT.Min if name == "min" else RT.Max
            base = f"{self.const(cls)}({self.coll_arg(coll)[2:] or 'None'})"
        elif name in ("sum", "total", "avg", "group_concat", "string_agg") \
                and name in _functions().AGGREGATES:
            # functions.aggregate holds SQLite's exact rules (sum of integer-looking
            # text stays INTEGER, overflow after a REAL, …).
            adef = _functions().AGGREGATES[name]
            if not adef.accepts(len(a.args)):
                raise errors.OperationalError(
                    f"wrong number of arguments to function {a.name}()").at(a.pos)
            base = self.const(adef.factory) + "(None)"
        elif name in RT.BUILTIN_AGGREGATES:
            n = len(a.args)
            ok = {"count": (1,), "sum": (1,), "total": (1,), "avg": (1,),
                  "group_concat": (1, 2), "string_agg": (2,)}[name]
            if n not in ok:
                raise errors.OperationalError(
                    f"wrong number of arguments to function {a.name}()").at(a.pos)
            base = self.const(RT.BUILTIN_AGGREGATES[name]) + "()"
        else:
            fac = self.env.module_aggregate(name, len(a.args))
            if fac is None:
                raise errors.OperationalError(
                    f"wrong number of arguments to function {a.name}()").at(a.pos)
            base = f"{self.const(RT.Adapter)}({self.const(fac)}())"
        if a.distinct:
            if len(a.args) != 1:
                raise errors.OperationalError(
                    "DISTINCT aggregates must have exactly one argument")
            base = f"{self.const(RT.Distinct)}({base})"
        if a.order_by:  # the keys follow the arguments in each step (agg_args)
            n = len(a.args)
            specs = tuple(self.order_spec(n + k, t, self.coll(t.expr, sc)[0])
                          for k, t in enumerate(a.order_by))
            base = f"{self.const(RT.Ordered)}({base}, {n}, {self.const(specs)})"
        return base


def short_record_defaults(t: Table) -> list[Any]:
    """The value of each column of t in a record written before ALTER TABLE ADD
    COLUMN added it (file format 2.1): its DEFAULT, a literal or a negated number
    (ADD COLUMN allows no other), with the column's affinity; else NULL."""
    out: list[Any] = []
    for c in t.columns:
        d = c.default
        v: Any = None
        if isinstance(d, ast.Literal):
            v = d.value
        elif isinstance(d, ast.Unary) and d.op == "-" and isinstance(d.operand, ast.Literal) \
                and isinstance(d.operand.value, (int, float)):
            v = -d.operand.value
        out.append(V.apply_affinity(v, V.Affinity(c.affinity)) if v is not None else None)
    return out


def _or_insert(costs: list[tuple[int, int, int]], prereq: int, run: int, nout: int) -> None:
    """whereOrInsert: keep (prereq, run, rows out) unless an entry needing no more
    costs no more; at most 3 entries (N_OR_COST), the dearest giving way."""
    for k, (p, r, o) in enumerate(costs):
        if run <= r and (prereq & p) == prereq:
            costs[k] = (prereq, run, min(o, nout))
            return
        if r <= run and (p & prereq) == p:
            return
    if len(costs) < 3:
        costs.append((prereq, run, nout))
        return
    k = min(range(len(costs)), key=lambda i: costs[i][1])
    if costs[k][1] <= run:
        return
    costs[k] = (prereq, run, min(costs[k][2], nout))


def expand_row(rec: list[Any], layout: tuple[bool, ...], defaults: tuple[Any, ...]) -> list[Any]:
    """expand_row(rec, layout, defaults) -> the row in column order from the record
    of a table with VIRTUAL generated columns: layout[i] is False for those (None
    in their place); columns past the record's end take their DEFAULT."""
    out: list[Any] = []
    j = 0
    n = len(rec)
    for i, stored in enumerate(layout):
        if not stored:
            out.append(None)
        elif j < n:
            out.append(rec[j])
            j += 1
        else:
            out.append(defaults[i])
    return out


_LOCATED: dict[type, tuple[str, ...]] = {
    ast.ColumnRef: ("no such column", "ambiguous column name"),
    ast.FunctionCall: ("no such function", "wrong number of arguments", "misuse of aggregate",
                       "misuse of window function", "too many arguments"),
}


def _visible(src: Src) -> int:
    """How many of src's columns are not HIDDEN (a table-valued function's arguments)."""
    return len(src.colnames) if src.tvf is None else len(src.tvf[0].columns)


def locate(exc: errors.OperationalError, node: Any) -> errors.OperationalError:
    """locate(exc, node) -> exc, placed at node when it is one of the errors SQLite
    reports at a column reference or function call (sqlite3_error_offset)."""
    prefixes = _LOCATED.get(type(node))
    if prefixes is not None and exc.offset < 0 and str(exc).startswith(prefixes):
        exc.offset = node.pos
    return exc


def _functions() -> Any:
    """The functions package, imported on first use (it is large)."""
    from pyrite import functions

    return functions


class _Unknown(Exception):
    """A sub-select's names cannot be told before it is compiled (_need_in_select)."""


@dataclass(frozen=True, eq=False)
class _ColEq:
    """USING/NATURAL join term: left column = right column (not an AST node)."""

    ls: Src
    li: int
    rs: Src
    ri: int


@dataclass(frozen=True, eq=False)
class _NullProbe:
    """Index probe for `col IS NULL` (not an AST node)."""


@dataclass(frozen=True, eq=False)
class _ColProbe:
    src: Src
    i: int


def helper_namespace() -> dict[str, Any]:
    """The globals every generated module starts from (helper functions only)."""
    # The function registries are imported with the first program, not in the middle
    # of compiling the first statement that calls a function or aggregate.
    _functions()
    from collections import deque
    from itertools import chain

    from pyrite.storage import iter_table
    from pyrite.storage.cursor import scan_leaf_rows, scan_rows
    from pyrite.storage.record import decode_columns

    def sql_or_all(vals: tuple[Any, ...]) -> int | None:
        res: int | None = 0
        for v in vals:
            if v == 1:
                return 1
            if v is None:
                res = None
        return res

    def pad_row(row: list[Any], defaults: tuple[Any, ...]) -> list[Any]:
        return list(row) + list(defaults[len(row):])

    def first_row(rows: Any) -> Any:
        for r in rows:
            return r
        return None

    def current_time(kind: str) -> str:
        import datetime

        now = datetime.datetime.now(datetime.UTC)
        if kind == "CURRENT_DATE":
            return now.strftime("%Y-%m-%d")
        if kind == "CURRENT_TIME":
            return now.strftime("%H:%M:%S")
        return now.strftime("%Y-%m-%d %H:%M:%S")

    def raise_trigger(action: str, msg: Any) -> Any:
        raise RT_TriggerRaise(action, msg)

    def run_trigger(X: Any, fn: Any, old: Any, oldk: Any, new: Any, newk: Any) -> Any:
        """run_trigger(X, body, ...) -> body's result, at most TRIGGER_DEPTH triggers
        deep (recursive_triggers on; vdbe.c OP_Program's limit and message)."""
        s = X.session
        depth = s.__dict__.get("trigger_depth", 0)
        if depth >= TRIGGER_DEPTH or _stack_nearly_full():
            raise errors.OperationalError("too many levels of trigger recursion")
        s.trigger_depth = depth + 1
        try:
            return fn(X, old, oldk, new, newk)
        except RecursionError:  # Python's stack ends before SQLite's 1000 levels
            raise errors.OperationalError("too many levels of trigger recursion") from None
        finally:
            s.trigger_depth = depth

    ns: dict[str, Any] = {
        "__builtins__": {"int": int, "float": float, "list": list, "tuple": tuple, "set": set,
                         "sorted": sorted,
                         "len": len, "type": type, "None": None, "True": True, "False": False},
        "NULLROW": RT.NULLROW, "SENT": RT.SENT, "ISNULL": RT.ISNULL, "SENT_PAIR": RT.SENT_PAIR, "ONE": RT.ONE,
        "chain": chain, "collections_deque": deque, "iter_table": iter_table,
        "decode_columns": decode_columns, "scan_rows": scan_rows,
        "scan_leaf_rows": scan_leaf_rows,
        "apply_affinity": V.apply_affinity, "truth": V.truth, "sql_and": V.sql_and,
        "sql_or": V.sql_or, "sql_not": V.sql_not, "neg": V.neg, "bitnot": V.bitnot,
        "cast": V.cast, "like": V.like, "glob": V.glob, "sql_or_all": sql_or_all,
        "first_row": first_row, "pad_row": pad_row, "current_time": current_time,
        "raise_trigger": raise_trigger, "run_trigger": run_trigger,
    }
    for fn in set(CMP_HELPERS.values()) | set(ARITH_HELPERS.values()):
        ns[fn] = getattr(V, fn)
    from pyrite.storage import iter_index as _iter_index

    ns["iter_index"] = _iter_index
    from pyrite.exec.sorter import DistinctSpill, GroupSpill, compound_rows, sort_iter, sort_runs

    ns["sort_iter"] = sort_iter
    ns["sort_runs"] = sort_runs
    ns["GroupSpill"] = GroupSpill
    ns["compound_rows"] = compound_rows
    ns["DistinctSpill"] = DistinctSpill
    ns["index_rows"] = RT.index_rows
    ns["iter_table_rev"] = RT.iter_table_rev
    ns["rowid_minmax"] = RT.rowid_minmax
    ns["index_minmax"] = RT.index_minmax
    ns["as_real"] = RT.as_real
    ns["index_minmax_desc"] = RT.index_minmax_desc
    for fn in ("sort_rows", "row_key", "group_key", "to_limit", "limit_rows", "in_list",
               "in_list_aff", "in_rows", "in_rowvals", "first_value", "exists", "cached",
               "row_eq", "rowid_eq", "rowid_in", "rowid_range", "index_eq", "index_in",
               "index_range", "raise_error", "window_values", "index_scan", "index_in_entries",
               "cover_rows", "cover_leaves", "index_count", "rowid_range_rev", "in_values", "or_union",
               "full_rows", "topk_limit", "btree_count"):
        ns[fn] = getattr(RT, fn)
    return ns


TRIGGER_DEPTH = 1000  # SQLITE_MAX_TRIGGER_DEPTH


def _stack_nearly_full() -> bool:
    """Whether Python's stack is within TRIGGER_FRAMES of its limit: a trigger level
    then stops with SQLite's message before a RecursionError surfaces elsewhere
    (storage reads one as a malformed page)."""
    import sys

    try:
        sys._getframe(sys.getrecursionlimit() - TRIGGER_FRAMES)
    except ValueError:
        return False
    return True


TRIGGER_FRAMES = 200  # enough stack for one more trigger level's statement


class RT_TriggerRaise(Exception):  # noqa: N801 - runtime signal, not an SQL error
    def __init__(self, action: str, msg: Any) -> None:
        super().__init__(msg)
        self.action = action
        self.msg = msg


Factory = Callable[[], Any]
