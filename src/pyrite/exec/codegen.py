"""Code generator: AST (bound against the catalog) -> Python source -> Program.

Owns name resolution, affinity/collation of comparisons, the shape of the row
loops (nested loops with terms pushed to the innermost loop that can test
them), aggregation, ordering and limits. Generated source addresses columns by
position (r3[2]) and every value that came from SQL — literal, identifier,
type name, root page — through a constant (c7), so SQL text never becomes
code. Spec: lang_select.html, datatype3.html (comparison affinity, collation)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pyrite import errors
from pyrite.exec import runtime as RT
from pyrite.exec import values as V
from pyrite.exec.source import Func, Names
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


def has_subquery(e: Any) -> bool:
    if isinstance(e, (ast.Subquery, ast.Exists, ast.InSelect)):
        return True
    return any(has_subquery(c) for c in children(e))


def ordinal_suffix(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }".replace(" ", "")


# --------------------------------------------------------------------------- compiler


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

    # ---- constants and names

    def const(self, v: Any) -> str:
        """const(v) -> the generated-code name holding v."""
        try:
            key: Any = (type(v), v)
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
                for i, n in enumerate(src.colnames):
                    if n.lower() == col:
                        hits.append((src, i))
                        break
            if tname is None and len(hits) > 1:
                unmerged = [h for h in hits if h[1] not in h[0].merged]
                if len(unmerged) == 1:
                    hits = unmerged
                elif len(unmerged) == 0:
                    hits = hits[:1]
                else:
                    raise errors.OperationalError(f"ambiguous column name: {ref.column}")
            if hits:
                for c in crossed:
                    c.correlated = True
                return s, hits[0][0], hits[0][1]
            if col in ROWID_NAMES:
                cands = [src for src in s.srcs if src.kvar is not None
                         and (tname is None or src.name.lower() == tname)]
                if len(cands) == 1 or (cands and tname is None):
                    for c in crossed:
                        c.correlated = True
                    return s, cands[0], -1
            crossed.append(s)
            s = s.parent
        return None

    def col_source(self, scope: Scope, src: Src, i: int) -> str:
        auth = getattr(self.env, "authorizer", None)
        if auth is not None and src.table is not None and i >= 0 and src.rvar not in (
                "old", "new", "row"):
            from pyrite import constants as C

            t = src.table
            code = auth(C.SQLITE_READ, t.name, t.columns[i].name, "main", None)
            if code == C.SQLITE_DENY:
                raise errors.DatabaseError(f"access to {t.name}.{t.columns[i].name} is prohibited",
                                           code=C.SQLITE_AUTH)
            if code == C.SQLITE_IGNORE:
                return "None"
        if i == -1 or (src.ipk is not None and i == src.ipk):
            assert src.kvar is not None
            return src.kvar
        src.used.add(i)
        return f"{src.rvar}[{i}]"

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
        return m(e, sc)  # type: ignore[no-any-return]

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
                    s = s.parent
            name = f"{e.table}.{e.column}" if e.table else e.column
            raise errors.OperationalError(f"no such column: {name}")
        scope, src, i = r
        if sc.agg_map is not None and scope is sc and sc.in_agg_args is False:
            pass
        return self.col_source(scope, src, i)

    def _ex_Unary(self, e: ast.Unary, sc: Scope) -> str:
        if e.op == "-" and isinstance(e.operand, ast.Literal) and isinstance(
                e.operand.value, (int, float)) and not isinstance(e.operand.value, bool):
            v = e.operand.value
            if isinstance(v, int) and -v < -(2**63):
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
        la, ra = self.aff(left, sc), self.aff(right, sc)
        conv_l: int | None = None
        conv_r: int | None = None
        if la in NUMERIC_AFFS and ra not in NUMERIC_AFFS:
            conv_r = AFF_NUMERIC
        elif ra in NUMERIC_AFFS and la not in NUMERIC_AFFS:
            conv_l = AFF_NUMERIC
        elif la == AFF_TEXT and ra is None:
            conv_r = AFF_TEXT
        elif ra == AFF_TEXT and la is None:
            conv_l = AFF_TEXT
        return self._conv(left, conv_l, sc), self._conv(right, conv_r, sc)

    def _conv(self, e: ast.Expr, aff: int | None, sc: Scope) -> str:
        if aff is None:
            return self.ex(e, sc)
        if isinstance(e, ast.Literal):
            return self._ex_Literal(ast.Literal(V.apply_affinity(e.value, V.Affinity(aff))), sc)
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
            return self._call_function(ast.FunctionCall("json_extract" if op == "->>" else "->",
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
                r = f"in_list_aff({x}, {items}, {self.const(V.Affinity(la))})"
            else:
                r = f"in_list({x}, {items})"
        return f"sql_not({r})" if e.negated else r

    def _ex_InSelect(self, e: ast.InSelect, sc: Scope) -> str:
        info = self.gen_select(e.select, sc, sc.func)
        rows = self._cached_rows(info, sc)
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
            r = f"in_rows({x}, {rows}, {a})"
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
        info = self.gen_select(e.select, sc, sc.func)
        if info.correlated or self.no_cache:
            return f"exists({info.fname}())"
        cache = self.fresh("s")
        self.main_pre.append(f"{cache} = []")
        return f"({cache}[0] if {cache} else cached({cache}, lambda: exists({info.fname}())))"

    def _ex_Subquery(self, e: ast.Subquery, sc: Scope) -> str:
        sel = e.select
        if sel.limit is None:
            sel = dataclasses.replace(sel, limit=ast.Literal(1))
        info = self.gen_select(sel, sc, sc.func)
        if len(info.names) != 1:
            raise errors.OperationalError(
                f"sub-select returns {len(info.names)} columns - expected 1")
        if info.correlated or self.no_cache:
            return f"first_value({info.fname}())"
        cache = self.fresh("s")
        self.main_pre.append(f"{cache} = []")
        return f"({cache}[0] if {cache} else cached({cache}, lambda: first_value({info.fname}())))"

    def _ex_Case(self, e: ast.Case, sc: Scope) -> str:
        out = self.ex(e.else_, sc) if e.else_ is not None else "None"
        if e.operand is not None:
            t = self.fresh("t")
            base = self.ex(e.operand, sc)
            first = True
            for w, then in reversed(e.whens):
                wv = self.ex(w, sc)
                coll = self.coll_arg(self.cmp_coll(e.operand, w, sc))
                tv = self.ex(then, sc)
                out = f"({tv} if sql_eq({t}, {wv}{coll}) == 1 else {out})"
                first = False
            del first
            return f"(lambda {t}: {out})({base})" if self._uses_closure_safe() else \
                f"case_eval({base}, lambda {t}: {out})"
        for w, then in reversed(e.whens):
            out = f"({self.ex(then, sc)} if {self.cond(w, sc)} else {out})"
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
            while s is not None:
                if s.agg_map is not None and e in s.agg_map:
                    return s.agg_map[e]
                s = s.parent
            raise errors.OperationalError(f"misuse of aggregate: {e.name}()")
        return self._call_function(e, sc)

    def _call_function(self, e: ast.FunctionCall, sc: Scope) -> str:
        name = e.name.lower()
        if len(e.args) > self.env.max_function_args:
            raise errors.OperationalError(f"too many arguments on function {e.name}")
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
            return f"{self.const(fn)}({carg[2:] or 'None'}, {', '.join(args)})"
        return f"{self.const(fn)}({', '.join(args)})"

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
            return self.ex(e, sc)
        if isinstance(e, (ast.IsNull, ast.Like, ast.InList, ast.InSelect, ast.Exists, ast.Between)):
            return self.ex(e, sc)
        return f"truth({self.ex(e, sc)})"

    # ---- aggregates in an expression tree

    def collect_aggs(self, e: Any, out: list[ast.FunctionCall]) -> None:
        if isinstance(e, ast.FunctionCall) and self.is_aggregate(e):
            if e not in out:
                out.append(e)
            return
        if isinstance(e, (ast.Subquery, ast.Exists, ast.InSelect)):
            if isinstance(e, ast.InSelect):
                self.collect_aggs(e.expr, out)
            return
        for c in children(e):
            self.collect_aggs(c, out)

    # ======================================================================= SELECT

    def gen_select(self, sel: ast.Select, parent: Scope | None, host: Func,
                   names_override: tuple[str, ...] = ()) -> SelInfo:
        """gen_select(sel, parent, host) -> SelInfo; the generator function is nested in host."""
        pushed = False
        if sel.with_ is not None:
            frame: dict[str, Cte] = {}
            self.ctes.append(frame)
            pushed = True
            for c in sel.with_.ctes:
                frame[c.name.lower()] = Cte(c.name, c.columns, c.select, sel.with_.recursive)
        try:
            return self._gen_select(sel, parent, host)
        finally:
            if pushed:
                self.ctes.pop()

    def _gen_select(self, sel: ast.Select, parent: Scope | None, host: Func) -> SelInfo:
        body = sel.body
        order = sel.order_by
        if isinstance(body, ast.SelectCore):
            self.has_limit = sel.limit is not None
            info, keyed, specs = self.gen_core(body, parent, host, order)
        else:
            info = self.gen_compound(body, parent, host)
            keyed = False
            specs = self.compound_order_specs(order, info) if order else ()
        if not order and sel.limit is None:
            return info
        f = Func(f"def {self.fresh('f')}():")
        fname = f.header[4:-3]
        lsc = Scope([], parent, f)
        if order:
            f.emit(0, f"rows = list({info.fname}())")
            f.emit(0, f"sort_rows(rows, {self.const(specs)})")
            if keyed:
                f.emit(0, "rows = [r[0] for r in rows]")
            src = "rows"
        else:
            src = f"{info.fname}()"
        if sel.limit is not None:
            lim = self.ex(sel.limit, lsc)
            off = self.ex(sel.offset, lsc) if sel.offset is not None else "None"
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

    def gen_compound(self, body: ast.Compound | ast.Values, parent: Scope | None, host: Func
                     ) -> SelInfo:
        if isinstance(body, ast.Values):
            return self.gen_values(body, parent, host)
        parts: list[tuple[str, ast.SelectBody]] = []
        b: ast.SelectBody = body
        while isinstance(b, ast.Compound):
            parts.append((b.op, b.right))
            b = b.left
        parts.reverse()
        first = self.gen_body(b, parent, host)
        infos = [first]
        for _, pb in parts:
            inf = self.gen_body(pb, parent, host)
            if len(inf.names) != len(first.names):
                raise errors.OperationalError(
                    "SELECTs to the left and right of UNION do not have the same number of result columns")
            infos.append(inf)
        f = Func(f"def {self.fresh('f')}():")
        fname = f.header[4:-3]
        f.emit(0, f"acc = list({first.fname}())")
        distinct_done = False
        for (op, _), inf in zip(parts, infos[1:], strict=True):
            if op == "UNION ALL":
                f.emit(0, f"acc.extend({inf.fname}())")
            elif op == "UNION":
                f.emit(0, f"acc = distinct_rows(acc + list({inf.fname}()))")
                distinct_done = True
            elif op == "INTERSECT":
                f.emit(0, f"acc = intersect_rows(acc, {inf.fname}())")
                distinct_done = True
            else:
                f.emit(0, f"acc = except_rows(acc, {inf.fname}())")
                distinct_done = True
        if distinct_done:
            f.emit(0, "acc.sort(key=row_key)")
        f.emit(0, "yield from acc")
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
            t = self.catalog.table(leaf.name)
            if t is not None:
                self.reads.add(t.name)
                rv = self.fresh("r")
                src = Src(alias, [c.name for c in t.columns], [c.affinity for c in t.columns],
                          [c.collation for c in t.columns], [c.decl_type for c in t.columns],
                          rv, "k" + rv[1:], table=t, ipk=t.ipk)
                return src
            v = self.catalog.views.get(leaf.name.lower())
            if v is not None:
                saved = self.ctes
                self.ctes = []
                try:
                    info = self.gen_select(v.select, None, f)
                finally:
                    self.ctes = saved
                names = list(v.columns) if v.columns else info.names
                return self.rows_source(alias, names, info, f, materialize)
            if leaf.name.lower() in ("sqlite_master", "sqlite_temp_master", "sqlite_temp_schema"):
                t = self.catalog.table("sqlite_schema")
                assert t is not None
                rv = self.fresh("r")
                return Src(alias if leaf.alias else leaf.name, [c.name for c in t.columns],
                           [c.affinity for c in t.columns], [None] * 5,
                           [c.decl_type for c in t.columns], rv, "k" + rv[1:], table=t)
            raise errors.OperationalError(f"no such table: {leaf.name}")
        if isinstance(leaf, ast.SubqueryRef):
            info = self.gen_select(leaf.select, parent, f)
            return self.rows_source(leaf.alias or "", info.names, info, f, materialize)
        if isinstance(leaf, ast.TableFunctionRef):
            raise errors.OperationalError(f"no such table: {leaf.name}")
        raise errors.OperationalError("unsupported FROM item")

    def rows_source(self, alias: str, names: list[str], info: SelInfo, f: Func,
                    materialize: list[str]) -> Src:
        mv = self.fresh("m")
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
        try:
            if self._is_recursive(cte):
                info = self.gen_recursive(cte, f)
            else:
                if cte.recursive:
                    pass
                info = self.gen_select(cte.select, None, f)
        finally:
            self.ctes = saved
        names = list(cte.columns) if cte.columns else info.names
        if cte.columns and len(cte.columns) != len(info.names):
            raise errors.OperationalError(
                f"table {cte.name} has {len(info.names)} values for {len(cte.columns)} columns")
        return self.rows_source(alias, names, info, f, materialize)

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
        setup = self.gen_body(body.left, None, f)
        names = list(cte.columns) if cte.columns else setup.names
        cur = self.fresh("q")
        cte.cur_var = cur
        cte.cur_names = names
        try:
            step = self.gen_body(body.right, None, f)
        finally:
            cte.cur_var = None
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
                        out.append((ast.ColumnRef(None, src.name, n) if src.name else
                                    ast.ColumnRef(None, None, n), n, src.decltypes[i]))
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
        f = Func(f"def {self.fresh('f')}():")
        fname = f.header[4:-3]
        sc = Scope([], parent, f)
        materialize: list[str] = []
        items = self.flatten_from(core.from_)
        on_terms: list[list[ast.Expr]] = []
        for leaf, kind, natural, on, using in items:
            src = self.make_source(leaf, parent, f, materialize)
            src.left = kind in ("LEFT", "FULL")
            if kind in ("RIGHT", "FULL"):
                raise errors.OperationalError(f"{kind} JOIN is not supported")
            terms = conjuncts(on)
            if natural or using:
                names = list(using) if using else [
                    n for n in src.colnames if any(
                        n.lower() in (m.lower() for m in s.colnames) for s in sc.srcs)]
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
        aggs: list[ast.FunctionCall] = []
        for e, _, _ in cols:
            self.collect_aggs(e, aggs)
        if core.having is not None:
            self.collect_aggs(core.having, aggs)
        for t in order:
            self.collect_aggs(t.expr, aggs)
        for w in conjuncts(core.where):
            probe: list[ast.FunctionCall] = []
            self.collect_aggs(w, probe)
            if probe:
                raise errors.OperationalError(f"misuse of aggregate: {probe[0].name}()")
        for g in core.group_by:
            probe = []
            self.collect_aggs(g, probe)
            if probe:
                raise errors.OperationalError("aggregate functions are not allowed in the GROUP BY clause")
        grouped = bool(aggs) or bool(core.group_by)
        if core.having is not None and not grouped:
            raise errors.OperationalError("a GROUP BY clause is required before HAVING")

        fast = self.minmax_shortcut(core, sc, cols, aggs)
        if fast is not None:
            f.emit(0, f"yield ({fast},)")
            host.nest(f)
            return (SelInfo(fname, [n for _, n, _ in cols], [d for _, _, d in cols],
                            [None], sc.correlated), False, ())
        for line in materialize:
            f.emit(0, line)
        self.order_hint = None
        self.order_done = False
        if order and not grouped and len(sc.srcs) == 1 and not core.distinct:
            self.order_hint = self.order_path(sc.srcs[0], sc, order,
                                              getattr(self, "has_limit", False))
        level = self.gen_loops(sc, f, core.where, on_terms)
        order_done = self.order_done
        self.order_hint = None

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
            elif isinstance(e, ast.ColumnRef) and e.table is None and self.resolve(e, sc) is None:
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
        if order_done and not wins:
            keyed = False  # rows already come in ORDER BY order from the access path
            specs = []
        if grouped and core.group_by:
            self.plan.add(self.plan_parent, "USE TEMP B-TREE FOR GROUP BY")
        if core.distinct:
            self.plan.add(self.plan_parent, "USE TEMP B-TREE FOR DISTINCT")
        if keyed:
            self.plan.add(self.plan_parent, "USE TEMP B-TREE FOR ORDER BY")
        if grouped:
            level = self.gen_group(sc, f, level, core, cols, aggs)
        if wins:
            level = self.gen_windows(sc, f, level, core, wins)
        out = "(" + "".join(self.ex(e, sc) + ", " for e, _, _ in cols) + ")"
        if core.distinct:
            f.pre.append("seen = set()")
            row = self.fresh("o")
            f.emit(level, f"{row} = {out}")
            f.emit(level, f"dk = tuple(group_key(v, None) for v in {row})")
            f.emit(level, "if dk in seen: continue")
            f.emit(level, "seen.add(dk)")
            out = row
        if keyed:
            row = self.fresh("o")
            f.emit(level, f"{row} = {out}")
            keys = []
            for pos, e in order_exprs:
                keys.append(f"{row}[{pos}]" if pos >= 0 else self.ex(e, sc))
            f.emit(level, f"yield ({row}, {', '.join(keys)},)")
        else:
            f.emit(level, f"yield {out}")
        self.close_splits(f, sc)
        self.finish_sources(sc)
        host.nest(f)
        names = [n for _, n, _ in cols]
        decls = [d for _, _, d in cols]
        affs = [self.aff(e, sc) for e, _, _ in cols]
        return SelInfo(fname, names, decls, affs, sc.correlated), keyed, tuple(specs)

    def finish_sources(self, sc: Scope) -> None:
        for src in sc.srcs:
            if src.table is not None:
                ph = f"@{src.rvar}@"
                self.placeholders[ph] = src

    # ---- loops and access paths

    def term_sources(self, e: Any, sc: Scope) -> set[int] | None:
        """Indices of this scope's sources that e reads; None = must run innermost."""
        if isinstance(e, _ColEq):
            return {sc.srcs.index(e.ls), sc.srcs.index(e.rs)}
        if has_subquery(e):
            return None
        out: set[int] = set()
        stack = [e]
        while stack:
            x = stack.pop()
            if isinstance(x, ast.ColumnRef):
                r = self.resolve(x, sc)
                if r is None:
                    if x.table is None and x.column.lower() in sc.aliases:
                        return None
                    raise errors.OperationalError(
                        f"no such column: {x.table + '.' if x.table else ''}{x.column}")
                if r[0] is sc:
                    out.add(sc.srcs.index(r[1]))
            elif isinstance(x, ast.FunctionCall) and self.is_aggregate(x):
                return None
            else:
                stack.extend(children(x))
        return out

    def gen_loops(self, sc: Scope, f: Func, where: ast.Expr | None,
                  on_terms: list[list[ast.Expr]]) -> int:
        n = len(sc.srcs)
        if n >= 2 and not any(x.left for x in sc.srcs):
            self.reorder(sc, where, on_terms)
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
            it, desc = self.access_path(src, i, sc, usable)
            decoded = src.table is None
            if i > 0 and not desc.startswith("SCAN") and self._depends(it, sc.srcs[:i]) \
                    and src.table is not None and self.small(src.table) \
                    and any(self.hash_term(t, src, i, sc) is not None for t in usable):
                desc = "SCAN " + desc.split(" ")[1]
                it = ""
            if i > 0 and (desc.startswith("SCAN") or not self._depends(it, sc.srcs[:i])):
                it, decoded, hashed = self.prebuild(src, i, sc, f, usable, srcsets,
                                                    None if desc.startswith("SCAN") else it)
                done = {id(t) for t in usable if srcsets.get(id(t)) is not None
                        and srcsets[id(t)] <= {i} and not has_subquery(t)}  # type: ignore[operator]
                if src.left:
                    on_placed[i] = [t for t in on_placed[i] if id(t) not in done]
                else:
                    placed[i] = [t for t in placed[i] if id(t) not in done]
                if hashed:
                    desc = desc.replace("SCAN", "SEARCH", 1) + " USING AUTOMATIC HASH"
            self.plan_add_scan(src, desc)
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
            if src.left:
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
            elif src.table is not None and not decoded:
                f.emit(level, f"for {kv}, p{src.rvar} in {it}:")
                level += 1
                f.emit(level, f"{src.rvar} = decode_columns(p{src.rvar}, @{src.rvar}@)")
                f.emit(level, self.pad_line(src))
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
        """Greedy join order for inner joins: next comes the source with the most
        terms it can test against the sources already placed (equalities first)."""
        terms = conjuncts(where) + [t for ts in on_terms for t in ts]
        info: list[tuple[set[int], float]] = []
        for t in terms:
            srcs = self.term_sources(t, sc)
            if srcs is None or not srcs:
                continue
            sel = 0.5
            if isinstance(t, _ColEq) or (isinstance(t, ast.Binary) and t.op in ("=", "IS")):
                sel = 0.1
            elif isinstance(t, ast.InList):
                sel = min(0.9, 0.1 * max(1, len(t.items)))
            elif isinstance(t, ast.Between) or (
                    isinstance(t, ast.Binary) and t.op in ("<", "<=", ">", ">=")):
                sel = 0.33
            info.append((srcs, sel))
        n = len(sc.srcs)
        chosen: list[int] = []
        left = list(range(n))
        while left:
            cset = set(chosen)
            best, best_est = left[0], 2.0
            for j in left:
                est = 1.0
                for srcs, sel in info:
                    if j in srcs and srcs <= cset | {j}:
                        est *= sel
                if est < best_est - 1e-9:
                    best, best_est = j, est
            chosen.append(best)
            left.remove(best)
        if chosen != list(range(n)):
            sc.srcs[:] = [sc.srcs[j] for j in chosen]
            on_terms[:] = [on_terms[j] for j in chosen]

    def prebuild(self, src: Src, i: int, sc: Scope, f: Func, terms: list[ast.Expr],
                 srcsets: dict[int, set[int] | None], base: str | None
                 ) -> tuple[str, bool, bool]:
        """Emit a one-time read of an inner source (before the loops); returns
        the per-outer-row iterator expression and True (rows come decoded)."""
        local = [t for t in terms if srcsets.get(id(t), None) is not None
                 and srcsets[id(t)] <= {i} and not has_subquery(t)]  # type: ignore[operator]
        probe: tuple[str, str] | None = None  # (build key expr, probe key expr)
        for t in terms:
            hk = self.hash_term(t, src, i, sc)
            if hk is not None:
                probe = hk
                break
        kv = src.kvar or "_"
        box = self.fresh("h" if probe is not None else "m")
        lv = 0
        if probe is not None:
            f.emit(lv, f"{box} = {{}}")
        else:
            f.emit(lv, f"{box} = []")
        if src.table is not None:
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
            return f"{box}.get({probe[1]}, ())", True, True
        f.emit(lv + 1, f"{box}.append({item})")
        return box, True, False

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
            self.plan.add(self.plan_parent, f"SEARCH {t.name}")
            return f"rowid_minmax({pg}, {self.const(t.root)}, {name == 'max'})"
        for idx in t.indexes:
            if idx.where is None and idx.columns[0] == col and not idx.desc[0] \
                    and self._coll_ok(idx, 0, src, col):
                self.plan.add(self.plan_parent, f"SEARCH {t.name} USING COVERING INDEX {idx.name}")
                return (f"index_minmax({pg}, {self.const(idx.root)}, {self.key_info(idx)}, "
                        f"{name == 'max'})")
        return None

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
                    raise errors.OperationalError(f"wrong number of arguments to function {fc.name}()")
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
            args = "(" + "".join(self.ex(x, sc) + ", " for x in fc.args) + ")"
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
        table: the missing columns read as their DEFAULT (file format 2.1)."""
        assert src.table is not None
        defaults = []
        for c in src.table.columns:
            d = c.default
            v: Any = None
            if isinstance(d, ast.Literal):
                v = d.value
            elif isinstance(d, ast.Unary) and d.op == "-" and isinstance(d.operand, ast.Literal) \
                    and isinstance(d.operand.value, (int, float)):
                v = -d.operand.value
            defaults.append(V.apply_affinity(v, V.Affinity(c.affinity)) if v is not None else None)
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
            coll = (self.cmp_coll(own_e, other_e, sc) or "BINARY").upper()
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

    def plan_add_scan(self, src: Src | None, desc: str) -> None:
        if src is None:
            return
        self.plan.add(self.plan_parent, desc)

    def access_path(self, src: Src, i: int, sc: Scope, terms: list[ast.Expr]) -> tuple[str, str]:
        """access_path(src, i, sc, terms) -> (iterator expression, EXPLAIN QUERY PLAN text)."""
        if src.table is None:
            assert src.rows_var is not None
            label = src.name or "(subquery)"
            return src.rows_var, f"SCAN {label}"
        t = src.table
        label = t.name if src.name.lower() == t.name.lower() else f"{t.name} AS {src.name}"
        pg = self.pg_of(t)
        root = self.const(t.root)
        eqs: dict[int, ast.Expr] = {}  # column (-1 rowid) -> probe expression
        ins: dict[int, ast.InList] = {}
        lows: dict[int, tuple[ast.Expr, bool]] = {}
        highs: dict[int, tuple[ast.Expr, bool]] = {}
        for term in terms:
            self._classify(term, src, i, sc, eqs, ins, lows, highs)
        if -1 in eqs:
            return (f"rowid_eq({pg}, {root}, {self.ex(eqs[-1], sc)})",
                    f"SEARCH {label} USING INTEGER PRIMARY KEY (rowid=?)")
        best: tuple[int, Index, list[int]] | None = None
        for idx in t.indexes:
            if idx.where is not None:
                continue
            prefix: list[int] = []
            for c in idx.columns:
                if c in eqs and c >= 0 and self._coll_ok(idx, len(prefix), src, c):
                    prefix.append(c)
                else:
                    break
            if prefix:
                score = len(prefix) * 10 + (5 if idx.unique and len(prefix) == len(idx.columns) else 0)
                if best is None or score > best[0]:
                    best = (score, idx, prefix)
        if best is not None:
            _, idx, prefix = best
            key = "(" + "".join(self._probe(eqs[c], src, c, sc) + ", " for c in prefix) + ")"
            names = " AND ".join(f"{src.colnames[c]}=?" for c in prefix)
            return (f"index_eq({pg}, {self.const(idx.root)}, {root}, {self.key_info(idx)}, {key})",
                    f"SEARCH {label} USING INDEX {idx.name} ({names})")
        if -1 in ins:
            items = "(" + "".join(self.ex(x, sc) + ", " for x in ins[-1].items) + ")"
            return (f"rowid_in({pg}, {root}, {items})",
                    f"SEARCH {label} USING INTEGER PRIMARY KEY (rowid=?)")
        for idx in t.indexes:
            if idx.where is not None:
                continue
            c = idx.columns[0]
            if c >= 0 and c in ins and self._coll_ok(idx, 0, src, c):
                items = "(" + "".join(self._probe(x, src, c, sc) + ", " for x in ins[c].items) + ")"
                return (f"index_in({pg}, {self.const(idx.root)}, {root}, {self.key_info(idx)}, {items})",
                        f"SEARCH {label} USING INDEX {idx.name} ({src.colnames[c]}=?)")
        if -1 in lows or -1 in highs:
            lo = self.ex(lows[-1][0], sc) if -1 in lows else "None"
            hi = self.ex(highs[-1][0], sc) if -1 in highs else "None"
            cond = " AND ".join(x for x in (("rowid>?" if -1 in lows else ""),
                                             ("rowid<?" if -1 in highs else "")) if x)
            return (f"rowid_range({pg}, {root}, {lo}, {hi})",
                    f"SEARCH {label} USING INTEGER PRIMARY KEY ({cond})")
        for idx in t.indexes:
            if idx.where is not None:
                continue
            c = idx.columns[0]
            if c >= 0 and (c in lows or c in highs) and self._coll_ok(idx, 0, src, c) \
                    and not idx.desc[0]:
                lo = self._probe(lows[c][0], src, c, sc) if c in lows else "SENT"
                lo_incl = lows[c][1] if c in lows else False
                hi = self._probe(highs[c][0], src, c, sc) if c in highs else "SENT"
                hi_incl = highs[c][1] if c in highs else True
                cn = src.colnames[c]
                cond = " AND ".join(x for x in ((f"{cn}>?" if c in lows else ""),
                                                 (f"{cn}<?" if c in highs else "")) if x)
                return (f"index_range({pg}, {self.const(idx.root)}, {root}, {self.key_info(idx)}, "
                        f"{lo}, {lo_incl}, {hi}, {hi_incl})",
                        f"SEARCH {label} USING INDEX {idx.name} ({cond})")
        hint = getattr(self, "order_hint", None)
        if hint is not None and hint[0] is src:
            self.order_done = True
            if hint[1] is None:
                if hint[2]:
                    return f"iter_table_rev({pg}, {root})", f"SCAN {label}"
                return f"iter_table({pg}, {root})", f"SCAN {label}"
            idx = hint[1]
            return (f"index_rows({pg}, {root}, iter_index({pg}, {self.const(idx.root)}, "
                    f"{self.key_info(idx)}, None, True, None, True, {hint[2]}))",
                    f"SCAN {label} USING INDEX {idx.name}")
        return f"iter_table({pg}, {root})", f"SCAN {label}"

    def order_path(self, src: Src, sc: Scope, order: tuple[ast.OrderingTerm, ...],
                   has_limit: bool) -> tuple[Src, Index | None, bool] | None:
        """(src, index or None for rowid order, descending) when a scan can deliver
        rows already in ORDER BY order (index order only pays off under LIMIT)."""
        t = src.table
        if t is None:
            return None
        cols: list[int] = []
        desc = order[0].desc
        for term in order:
            if term.desc != desc or (term.nulls is not None and (term.nulls == "FIRST") == desc):
                return None
            col = self._own_col(term.expr, src, sc)
            if col is None:
                return None
            cols.append(col)
        if cols == [-1]:
            return (src, None, desc)
        if not has_limit or -1 in cols:
            return None
        for idx in t.indexes:
            if idx.where is None and idx.columns[:len(cols)] == cols and not any(idx.desc) and all(
                    self._coll_ok(idx, i, src, c) for i, c in enumerate(cols)):
                return (src, idx, desc)
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

    def _probe(self, e: ast.Expr, src: Src, c: int, sc: Scope) -> str:
        aff = src.affs[c]
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
        if isinstance(term, ast.Between) and not term.negated:
            col = self._own_col(term.expr, src, sc)
            if col is not None and self._is_outer(term.low, i, sc) and self._is_outer(term.high, i, sc):
                if self._probe_ok(src, col, self.aff(term.low, sc)) and self._probe_ok(
                        src, col, self.aff(term.high, sc)):
                    lows.setdefault(col, (term.low, True))
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
            if not self._probe_ok(src, col, self.aff(b, sc)):
                continue
            if op == "=":
                eqs.setdefault(col, b)
            elif op == "IS":
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
        for a in aggs:
            factories.append(self.agg_factory(a, sc))
        make = "[" + "".join(fa + ", " for fa in factories) + "None]"
        if core.group_by:
            f.pre.append("groups = {}")
            keys = []
            for g in core.group_by:
                ge = g
                if isinstance(g, ast.Literal) and isinstance(g.value, int):
                    if not 1 <= g.value <= len(cols):
                        raise errors.OperationalError(
                            f"{ordinal_suffix(core.group_by.index(g) + 1)} GROUP BY term out of range - should be between 1 and {len(cols)}")
                    ge = cols[g.value - 1][0]
                coll = self.coll(ge, sc)[0]
                keys.append(f"group_key({self.ex(ge, sc)}, {self.const(coll)})")
            f.emit(level, "gk = (" + "".join(k + ", " for k in keys) + ")")
            f.emit(level, "g = groups.get(gk)")
            f.emit(level, "if g is None:")
            f.emit(level + 1, f"g = groups[gk] = {make}")
        else:
            f.pre.append(f"g = {make}")
        extremes = [j for j, a in enumerate(aggs) if a.name.lower() in ("min", "max")
                     and len(a.args) == 1 and not a.distinct and a.filter is None
                     and self.env.user_aggregate(a.name.lower(), 1) is None]
        follow = extremes[0] if len(extremes) == 1 else -1
        for j, a in enumerate(aggs):
            args = ", ".join(self.ex(x, sc) for x in a.args) if not a.star else ""
            if a.filter is not None:
                f.emit(level, f"if {self.cond(a.filter, sc)}: g[{j}].step({args})")
            elif j == follow:
                # Bare columns come from the row holding the min/max (lang_select 2.5).
                f.emit(level, f"if g[{j}].step({args}) or g[{na}] is None: g[{na}] = {snap}")
            else:
                f.emit(level, f"g[{j}].step({args})")
        if follow < 0:
            f.emit(level, f"g[{na}] = {snap}")
        self.close_splits(f, sc)
        # Output phase: one pass over the groups, after the loops.
        if core.group_by:
            f.emit(0, "for gk, g in sorted(groups.items(), key=lambda kv: row_key(kv[0])):")
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
            f.emit(1, f"{v} = g[{j}].finalize()")
            amap[a] = v
        sc.agg_map = amap
        if core.having is not None:
            f.emit(1, f"if not {self.cond(core.having, sc)}: continue")
        return 1

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
                raise errors.OperationalError(f"wrong number of arguments to function {a.name}()")
            base = self.const(adef.factory) + "(None)"
        elif name in RT.BUILTIN_AGGREGATES:
            n = len(a.args)
            ok = {"count": (1,), "sum": (1,), "total": (1,), "avg": (1,),
                  "group_concat": (1, 2), "string_agg": (2,)}[name]
            if n not in ok:
                raise errors.OperationalError(f"wrong number of arguments to function {a.name}()")
            base = self.const(RT.BUILTIN_AGGREGATES[name]) + "()"
        else:
            fac = self.env.module_aggregate(name, len(a.args))
            if fac is None:
                raise errors.OperationalError(f"wrong number of arguments to function {a.name}()")
            base = f"{self.const(RT.Adapter)}({self.const(fac)}())"
        if a.distinct:
            if len(a.args) != 1:
                raise errors.OperationalError(
                    "DISTINCT aggregates must have exactly one argument")
            return f"{self.const(RT.Distinct)}({base})"
        return base


def _functions() -> Any:
    """The functions package, imported on first use (it is large)."""
    from pyrite import functions

    return functions


@dataclass(frozen=True, eq=False)
class _ColEq:
    """USING/NATURAL join term: left column = right column (not an AST node)."""

    ls: Src
    li: int
    rs: Src
    ri: int


@dataclass(frozen=True, eq=False)
class _ColProbe:
    src: Src
    i: int


def helper_namespace() -> dict[str, Any]:
    """The globals every generated module starts from (helper functions only)."""
    from collections import deque
    from itertools import chain

    from pyrite.storage import iter_table
    from pyrite.storage.record import decode_columns

    def sql_or_all(vals: tuple[Any, ...]) -> int | None:
        res: int | None = 0
        for v in vals:
            if v == 1:
                return 1
            if v is None:
                res = None
        return res

    def distinct_rows(rows: list[Any]) -> list[Any]:
        seen: set[Any] = set()
        out = []
        for r in rows:
            k = tuple(RT.group_key(v, None) for v in r)
            if k not in seen:
                seen.add(k)
                out.append(r)
        return out

    def intersect_rows(a: list[Any], b: Any) -> list[Any]:
        keys = {tuple(RT.group_key(v, None) for v in r) for r in b}
        return [r for r in distinct_rows(a) if tuple(RT.group_key(v, None) for v in r) in keys]

    def except_rows(a: list[Any], b: Any) -> list[Any]:
        keys = {tuple(RT.group_key(v, None) for v in r) for r in b}
        return [r for r in distinct_rows(a) if tuple(RT.group_key(v, None) for v in r) not in keys]

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

    ns: dict[str, Any] = {
        "__builtins__": {"int": int, "list": list, "tuple": tuple, "set": set, "sorted": sorted,
                         "len": len, "None": None, "True": True, "False": False},
        "NULLROW": RT.NULLROW, "SENT": RT.SENT, "SENT_PAIR": RT.SENT_PAIR, "ONE": RT.ONE,
        "chain": chain, "collections_deque": deque, "iter_table": iter_table,
        "decode_columns": decode_columns,
        "apply_affinity": V.apply_affinity, "truth": V.truth, "sql_and": V.sql_and,
        "sql_or": V.sql_or, "sql_not": V.sql_not, "neg": V.neg, "bitnot": V.bitnot,
        "cast": V.cast, "like": V.like, "glob": V.glob, "sql_or_all": sql_or_all,
        "distinct_rows": distinct_rows, "intersect_rows": intersect_rows,
        "except_rows": except_rows, "first_row": first_row, "pad_row": pad_row, "current_time": current_time,
        "raise_trigger": raise_trigger,
    }
    for fn in set(CMP_HELPERS.values()) | set(ARITH_HELPERS.values()):
        ns[fn] = getattr(V, fn)
    from pyrite.storage import iter_index as _iter_index

    ns["iter_index"] = _iter_index
    ns["index_rows"] = RT.index_rows
    ns["iter_table_rev"] = RT.iter_table_rev
    ns["rowid_minmax"] = RT.rowid_minmax
    ns["index_minmax"] = RT.index_minmax
    for fn in ("sort_rows", "row_key", "group_key", "to_limit", "limit_rows", "in_list",
               "in_list_aff", "in_rows", "in_rowvals", "first_value", "exists", "cached",
               "row_eq", "rowid_eq", "rowid_in", "rowid_range", "index_eq", "index_in",
               "index_range", "raise_error", "window_values"):
        ns[fn] = getattr(RT, fn)
    return ns


class RT_TriggerRaise(Exception):  # noqa: N801 - runtime signal, not an SQL error
    def __init__(self, action: str, msg: Any) -> None:
        super().__init__(msg)
        self.action = action
        self.msg = msg


Factory = Callable[[], Any]
