"""AST -> canonical SQL text.

Owns turning expressions and statements back into SQL that parses to the same
tree: constraint messages that have no source text, schema rows rewritten by
ALTER TABLE, the dump. Knows nothing of schemas or pages. Identifiers are
double-quoted when they are not plain words or collide with a keyword;
string literals are single-quoted with '' doubled; blobs as X'..'; REAL by
repr (exact round trip). Every compound operand is parenthesized where the
tree's shape needs it, so render(parse(render(e))) == render(e)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyrite.sql import ast
from pyrite.sql.tokens import KEYWORDS

# Binary operator precedence (higher binds tighter), SQLite's grammar order.
_PREC: dict[str, int] = {
    "OR": 1, "AND": 2,
    "=": 4, "!=": 4, "IS": 4, "IS NOT": 4,
    "<": 5, "<=": 5, ">": 5, ">=": 5,
    "&": 6, "|": 6, "<<": 6, ">>": 6,
    "+": 7, "-": 7,
    "*": 8, "/": 8, "%": 8,
    "||": 9, "->": 9, "->>": 9,
}
_P_NOT = 3
_P_CMP = 4  # LIKE, BETWEEN, IN, ISNULL share the equality level
_P_UNARY = 10
_P_ATOM = 11


def quote_id(name: str) -> str:
    """quote_id(name) -> name as-is when it is a plain non-keyword word, else "name"."""
    if name and (name[0].isalpha() or name[0] == "_") and all(
            c.isalnum() or c == "_" for c in name) and name.upper() not in KEYWORDS \
            and name.isascii():
        return name
    return '"' + name.replace('"', '""') + '"'


def literal(v: Any) -> str:
    """literal(v) -> SQL literal text for a Python SQL value."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return "NULL"
        if v in (float("inf"), float("-inf")):
            return "1e999" if v > 0 else "-1e999"
        return repr(v)
    if isinstance(v, bytes):
        return "X'" + v.hex().upper() + "'"
    return "'" + str(v).replace("'", "''") + "'"


def _wrap(text: str, prec: int, need: int) -> str:
    return f"({text})" if prec < need else text


def _expr(e: ast.Expr) -> tuple[str, int]:
    """(text, precedence of its outermost operator)."""
    fn = _EXPR.get(type(e))
    if fn is None:
        raise TypeError(f"cannot render {type(e).__name__}")
    return fn(e)


def render_expr(e: ast.Expr) -> str:
    """render_expr(e) -> SQL text of an expression."""
    return _expr(e)[0]


def _sub(e: ast.Expr, need: int) -> str:
    t, p = _expr(e)
    return _wrap(t, p, need)


def _literal(e: ast.Literal) -> tuple[str, int]:
    v = e.value
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0:
        return literal(v), _P_UNARY
    return literal(v), _P_ATOM


def _column(e: ast.ColumnRef) -> tuple[str, int]:
    parts = [p for p in (e.schema, e.table) if p is not None] + [e.column]
    return ".".join(quote_id(p) for p in parts), _P_ATOM


def _param(e: ast.Param) -> tuple[str, int]:
    return (e.name or "?"), _P_ATOM


def _unary(e: ast.Unary) -> tuple[str, int]:
    if e.op == "NOT":
        return "NOT " + _sub(e.operand, _P_NOT), _P_NOT
    inner = _sub(e.operand, _P_UNARY)
    sep = " " if inner[:1] in ("-", "+") else ""
    return e.op + sep + inner, _P_UNARY


def _binary(e: ast.Binary) -> tuple[str, int]:
    p = _PREC[e.op]
    return f"{_sub(e.left, p)} {e.op} {_sub(e.right, p + 1)}", p


def _like(e: ast.Like) -> tuple[str, int]:
    op = ("NOT " if e.negated else "") + e.op.upper()
    s = f"{_sub(e.left, _P_CMP + 1)} {op} {_sub(e.right, _P_CMP + 1)}"
    if e.escape is not None:
        s += f" ESCAPE {_sub(e.escape, _P_CMP + 1)}"
    return s, _P_CMP


def _between(e: ast.Between) -> tuple[str, int]:
    op = "NOT BETWEEN" if e.negated else "BETWEEN"
    return (f"{_sub(e.expr, _P_CMP + 1)} {op} {_sub(e.low, _P_CMP + 1)} AND "
            f"{_sub(e.high, _P_CMP + 1)}"), _P_CMP


def _in_list(e: ast.InList) -> tuple[str, int]:
    op = "NOT IN" if e.negated else "IN"
    return f"{_sub(e.expr, _P_CMP + 1)} {op} ({', '.join(map(render_expr, e.items))})", _P_CMP


def _in_select(e: ast.InSelect) -> tuple[str, int]:
    op = "NOT IN" if e.negated else "IN"
    return f"{_sub(e.expr, _P_CMP + 1)} {op} ({render_select(e.select)})", _P_CMP


def _in_table(e: ast.InTable) -> tuple[str, int]:
    op = "NOT IN" if e.negated else "IN"
    name = (quote_id(e.schema) + "." if e.schema else "") + quote_id(e.table)
    if e.args is not None:
        name += "(" + ", ".join(map(render_expr, e.args)) + ")"
    return f"{_sub(e.expr, _P_CMP + 1)} {op} {name}", _P_CMP


def _is_null(e: ast.IsNull) -> tuple[str, int]:
    return f"{_sub(e.expr, _P_CMP + 1)} {'NOTNULL' if e.negated else 'ISNULL'}", _P_CMP


def _exists(e: ast.Exists) -> tuple[str, int]:
    return f"EXISTS ({render_select(e.select)})", _P_ATOM


def _subquery(e: ast.Subquery) -> tuple[str, int]:
    return f"({render_select(e.select)})", _P_ATOM


def _case(e: ast.Case) -> tuple[str, int]:
    s = ["CASE"]
    if e.operand is not None:
        s.append(render_expr(e.operand))
    for w, t in e.whens:
        s.append(f"WHEN {render_expr(w)} THEN {render_expr(t)}")
    if e.else_ is not None:
        s.append(f"ELSE {render_expr(e.else_)}")
    s.append("END")
    return " ".join(s), _P_ATOM


def _cast(e: ast.Cast) -> tuple[str, int]:
    return f"CAST({render_expr(e.expr)} AS {e.type_name})", _P_ATOM


def _collate(e: ast.Collate) -> tuple[str, int]:
    return f"{_sub(e.expr, _P_UNARY)} COLLATE {quote_id(e.collation)}", _P_UNARY


def _row_value(e: ast.RowValue) -> tuple[str, int]:
    return "(" + ", ".join(map(render_expr, e.items)) + ")", _P_ATOM


def _raise(e: ast.Raise) -> tuple[str, int]:
    if e.message is None:
        return f"RAISE({e.action.upper()})", _P_ATOM
    return f"RAISE({e.action.upper()}, {render_expr(e.message)})", _P_ATOM


def _current(e: ast.CurrentTime) -> tuple[str, int]:
    return e.kind.upper(), _P_ATOM


def _ordering(o: ast.OrderingTerm) -> str:
    s = render_expr(o.expr)
    if o.desc:
        s += " DESC"
    if o.nulls:
        s += f" NULLS {o.nulls.upper()}"
    return s


def _bound(b: ast.FrameBound) -> str:
    if b.offset is not None:
        return f"{render_expr(b.offset)} {b.kind}"
    return b.kind


def render_window(w: ast.WindowSpec) -> str:
    """render_window(spec) -> the text inside OVER (…)."""
    parts: list[str] = []
    if w.base:
        parts.append(quote_id(w.base))
    if w.partition_by:
        parts.append("PARTITION BY " + ", ".join(map(render_expr, w.partition_by)))
    if w.order_by:
        parts.append("ORDER BY " + ", ".join(map(_ordering, w.order_by)))
    if w.frame_unit:
        if w.frame_end is not None and w.frame_start is not None:
            parts.append(f"{w.frame_unit} BETWEEN {_bound(w.frame_start)} AND {_bound(w.frame_end)}")
        elif w.frame_start is not None:
            parts.append(f"{w.frame_unit} {_bound(w.frame_start)}")
        if w.exclude:
            parts.append(f"EXCLUDE {w.exclude}")
    return " ".join(parts)


def _function(e: ast.FunctionCall) -> tuple[str, int]:
    if e.star:
        args = "*"
    else:
        args = ("DISTINCT " if e.distinct else "") + ", ".join(map(render_expr, e.args))
        if e.order_by:
            args += " ORDER BY " + ", ".join(map(_ordering, e.order_by))
    s = f"{e.name}({args})"
    if e.filter is not None:
        s += f" FILTER (WHERE {render_expr(e.filter)})"
    if e.over is not None:
        w = e.over
        if w.base and not (w.partition_by or w.order_by or w.frame_unit):
            s += f" OVER {quote_id(w.base)}"
        else:
            s += f" OVER ({render_window(w)})"
    return s, _P_ATOM


_EXPR: dict[type, Callable[[Any], tuple[str, int]]] = {
    ast.Literal: _literal, ast.CurrentTime: _current, ast.Param: _param,
    ast.ColumnRef: _column, ast.Unary: _unary, ast.Binary: _binary, ast.Like: _like,
    ast.Between: _between, ast.InList: _in_list, ast.InSelect: _in_select,
    ast.InTable: _in_table, ast.IsNull: _is_null, ast.Exists: _exists,
    ast.Subquery: _subquery, ast.Case: _case, ast.Cast: _cast, ast.Collate: _collate,
    ast.RowValue: _row_value, ast.Raise: _raise, ast.FunctionCall: _function,
}

# --------------------------------------------------------------------------- SELECT


def _from(f: ast.FromItem) -> str:
    if isinstance(f, ast.TableRef):
        s = (quote_id(f.schema) + "." if f.schema else "") + quote_id(f.name)
        if f.alias:
            s += " AS " + quote_id(f.alias)
        if f.indexed_by:
            s += " INDEXED BY " + quote_id(f.indexed_by)
        elif f.not_indexed:
            s += " NOT INDEXED"
        return s
    if isinstance(f, ast.TableFunctionRef):
        s = (quote_id(f.schema) + "." if f.schema else "") + quote_id(f.name)
        s += "(" + ", ".join(map(render_expr, f.args)) + ")"
        return s + (" AS " + quote_id(f.alias) if f.alias else "")
    if isinstance(f, ast.SubqueryRef):
        return f"({render_select(f.select)})" + (" AS " + quote_id(f.alias) if f.alias else "")
    right = _from(f.right)
    if isinstance(f.right, ast.Join):
        right = f"({right})"
    if f.kind == ",":
        s = f"{_from(f.left)}, {right}"
    else:
        kind = "" if f.kind == "INNER" and not f.natural else f.kind + " "
        if f.kind == "INNER" and f.natural:
            kind = ""
        s = f"{_from(f.left)} {'NATURAL ' if f.natural else ''}{kind}JOIN {right}"
    if f.on is not None:
        s += f" ON {render_expr(f.on)}"
    if f.using is not None:
        s += " USING (" + ", ".join(map(quote_id, f.using)) + ")"
    return s


def _result(c: ast.ResultColumn) -> str:
    if c.expr is None:
        return (quote_id(c.table) + ".*") if c.table else "*"
    s = render_expr(c.expr)
    return s + (" AS " + quote_id(c.alias) if c.alias else "")


def _body(b: ast.SelectBody) -> str:
    if isinstance(b, ast.Values):
        return "VALUES " + ", ".join("(" + ", ".join(map(render_expr, r)) + ")" for r in b.rows)
    if isinstance(b, ast.Compound):
        return f"{_body(b.left)} {b.op} {_body(b.right)}"
    s = "SELECT " + ("DISTINCT " if b.distinct else "") + ", ".join(map(_result, b.columns))
    if b.from_ is not None:
        s += " FROM " + _from(b.from_)
    if b.where is not None:
        s += " WHERE " + render_expr(b.where)
    if b.group_by:
        s += " GROUP BY " + ", ".join(map(render_expr, b.group_by))
    if b.having is not None:
        s += " HAVING " + render_expr(b.having)
    if b.windows:
        s += " WINDOW " + ", ".join(f"{quote_id(w.name)} AS ({render_window(w.spec)})"
                                    for w in b.windows)
    return s


def render_with(w: ast.With) -> str:
    """render_with(with) -> "WITH [RECURSIVE] name(cols) AS (…), …"."""
    parts = []
    for c in w.ctes:
        s = quote_id(c.name)
        if c.columns:
            s += "(" + ", ".join(map(quote_id, c.columns)) + ")"
        mat = "" if c.materialized is None else (
            "MATERIALIZED " if c.materialized else "NOT MATERIALIZED ")
        parts.append(f"{s} AS {mat}({render_select(c.select)})")
    return "WITH " + ("RECURSIVE " if w.recursive else "") + ", ".join(parts)


def render_select(s: ast.Select) -> str:
    """render_select(select) -> SQL text of a SELECT (WITH, compound, ORDER BY, LIMIT)."""
    out = (render_with(s.with_) + " " if s.with_ is not None else "") + _body(s.body)
    if s.order_by:
        out += " ORDER BY " + ", ".join(map(_ordering, s.order_by))
    if s.limit is not None:
        out += " LIMIT " + render_expr(s.limit)
        if s.offset is not None:
            out += " OFFSET " + render_expr(s.offset)
    return out


__all__ = ["literal", "quote_id", "render_expr", "render_select", "render_window",
           "render_with"]
