"""Subquery flattening: `SELECT ... FROM (SELECT ...)` becomes one SELECT.

Owns the AST rewrite SQLite calls the query flattener (select.c,
flattenSubquery) for the cases that are always safe: the outer query reads one
FROM item — a subquery, a view or a CTE used in place — and the inner query is
a plain join with a WHERE (no aggregate, DISTINCT, GROUP BY, window, compound;
ORDER BY/LIMIT only when the outer query adds nothing). The inner result
columns are substituted for the outer references to them; the WHERE clauses
are joined with AND. Knows the AST only: catalog lookups are passed in.
Spec: optoverview.html#flattening."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from pyrite.sql import ast

ROWID_NAMES = ("rowid", "oid", "_rowid_")
AGGREGATES = frozenset({"count", "sum", "total", "avg", "min", "max", "group_concat",
                        "string_agg", "json_group_array", "json_group_object"})

# (table name) -> column names, or None when it is not a plain table
TableColumns = Callable[[str], "list[str] | None"]


def _walk(node: Any) -> Any:
    stack = [node]
    while stack:
        x = stack.pop()
        yield x
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            stack.extend(getattr(x, f.name) for f in dataclasses.fields(x))


def _has(node: Any, kinds: tuple[type, ...]) -> bool:
    return any(isinstance(x, kinds) for x in _walk(node))


def _has_aggregate_or_window(node: Any) -> bool:
    for x in _walk(node):
        if isinstance(x, ast.FunctionCall) and (
                x.over is not None or x.name.lower() in AGGREGATES or x.filter is not None):
            return True
    return False


def _from_tables(item: Any) -> list[ast.TableRef] | None:
    if isinstance(item, ast.TableRef):
        return [item]
    if isinstance(item, ast.Join):
        a, b = _from_tables(item.left), _from_tables(item.right)
        if a is None or b is None or item.kind in ("RIGHT", "FULL"):
            return None
        return a + b
    return None


def _substitute(node: Any, fn: Callable[[ast.ColumnRef], ast.Expr | None]) -> Any:
    if isinstance(node, ast.ColumnRef):
        r = fn(node)
        if r is None:
            raise _Bail
        return r
    if isinstance(node, tuple):
        return tuple(_substitute(x, fn) for x in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {}
        for f in dataclasses.fields(node):
            v = getattr(node, f.name)
            nv = _substitute(v, fn)
            if nv is not v:
                changes[f.name] = nv
        return dataclasses.replace(node, **changes) if changes else node
    return node


class _Bail(Exception):
    pass


def flatten(sel: ast.Select, inner_of: Callable[[Any], tuple[ast.Select, tuple[str, ...], str] | None],
            table_columns: TableColumns) -> ast.Select | None:
    """flatten(sel, inner_of, table_columns) -> the flattened SELECT, or None.

    inner_of(from_item) gives (inner select, column names it is given or (),
    the name the outer query calls it by) for a flattenable FROM item."""
    core = sel.body
    if not isinstance(core, ast.SelectCore) or core.from_ is None or core.windows:
        return None
    if isinstance(core.from_, ast.Join):
        return _flatten_join(sel, core, core.from_, inner_of, table_columns)
    got = inner_of(core.from_)
    if got is None:
        return None
    inner, names_given, alias = got
    icore = inner.body
    if not isinstance(icore, ast.SelectCore) or inner.with_ is not None or icore.group_by \
            or icore.having is not None or icore.distinct or icore.windows or icore.from_ is None:
        return None
    tables = _from_tables(icore.from_)
    if tables is None or _has_aggregate_or_window(icore.columns):
        return None
    subq = (ast.Subquery, ast.Exists, ast.InSelect, ast.InTable)
    outer_parts = (core.columns, core.where, core.group_by, core.having, sel.order_by,
                   sel.limit, sel.offset)
    if _has(outer_parts, subq) or _has(icore.columns, subq):
        return None
    trivial = (all(rc.expr is None and rc.table is None for rc in core.columns)
               and core.where is None and not core.group_by and core.having is None
               and not core.distinct and not sel.order_by and sel.limit is None)
    if (inner.order_by or inner.limit is not None) and not trivial:
        return None
    # The inner result columns: (name, expression).
    cols: list[tuple[str, ast.Expr]] = []
    for rc in icore.columns:
        if rc.expr is None:
            for t in tables:
                if rc.table is not None and (t.alias or t.name).lower() != rc.table.lower():
                    continue
                tcols = table_columns(t.name)
                if tcols is None:
                    return None
                for c in tcols:
                    cols.append((c, ast.ColumnRef(None, t.alias or t.name, c)))
            continue
        if rc.alias is not None:
            name = rc.alias
        elif isinstance(rc.expr, ast.ColumnRef) and rc.expr.column.lower() not in ROWID_NAMES:
            name = rc.expr.column
        else:
            return None
        cols.append((name, rc.expr))
    if names_given:
        if len(names_given) != len(cols):
            return None
        cols = [(n, e) for n, (_, e) in zip(names_given, cols, strict=True)]
    if trivial and not names_given:
        return dataclasses.replace(inner, with_=None)
    by_name: dict[str, ast.Expr] = {}
    for n, e in cols:
        by_name.setdefault(n.lower(), e)
    inner_names = {(t.alias or t.name).lower() for t in tables}
    if alias.lower() in inner_names and not trivial:
        return None

    def sub(ref: ast.ColumnRef) -> ast.Expr | None:
        if ref.table is not None and ref.table.lower() != alias.lower():
            return None
        return by_name.get(ref.column.lower())

    try:
        out_cols: list[ast.ResultColumn] = []
        for rc in core.columns:
            if rc.expr is None:
                if rc.table is not None and rc.table.lower() != alias.lower():
                    return None
                out_cols.extend(ast.ResultColumn(e, n) for n, e in cols)
                continue
            e = _substitute(rc.expr, sub)
            a = rc.alias
            if a is None and isinstance(rc.expr, ast.ColumnRef):
                a = next((n for n, _ in cols if n.lower() == rc.expr.column.lower()), None)
            out_cols.append(dataclasses.replace(rc, expr=e, alias=a))
        where = _substitute(core.where, sub) if core.where is not None else None
        group_by = tuple(_substitute(g, sub) for g in core.group_by)
        having = _substitute(core.having, sub) if core.having is not None else None
        order = tuple(dataclasses.replace(t, expr=_order_sub(t.expr, sub, core))
                      for t in sel.order_by)
    except _Bail:
        return None
    if icore.where is not None:
        where = icore.where if where is None else ast.Binary("AND", icore.where, where)
    new_core = ast.SelectCore(tuple(out_cols), icore.from_, where, group_by, having, (),
                              core.distinct)
    return ast.Select(new_core, sel.with_, order, sel.limit, sel.offset)


def _order_sub(e: ast.Expr, sub: Callable[[ast.ColumnRef], ast.Expr | None],
               core: ast.SelectCore) -> ast.Expr:
    """ORDER BY terms may name a result column alias of the outer query: keep those."""
    if isinstance(e, ast.ColumnRef) and e.table is None and any(
            rc.alias is not None and rc.alias.lower() == e.column.lower() for rc in core.columns):
        return e
    if isinstance(e, ast.Literal):
        return e
    r: ast.Expr = _substitute(e, sub)
    return r


def _join_items(item: Any, lefts: dict[int, ast.Join] | None = None) -> list[Any] | None:
    """The FROM items of an inner join, in order; None for outer, NATURAL or USING joins.
    With `lefts`, a LEFT JOIN ... ON of one FROM item is taken too: lefts then maps
    that item's id to its join."""
    if isinstance(item, ast.Join):
        if item.natural or item.using is not None:
            return None
        if item.kind == "LEFT" and lefts is not None and not isinstance(item.right, ast.Join):
            lefts[id(item.right)] = item
        elif item.kind not in (",", "INNER", "CROSS"):
            return None
        a, b = _join_items(item.left, lefts), _join_items(item.right, lefts)
        return None if a is None or b is None else a + b
    return [item]


def _replace_item(item: Any, old: Any, new: Any, sub: Callable[[ast.ColumnRef], ast.Expr | None],
                  old_where: ast.Expr | None = None) -> Any:
    """The join with `old` replaced by `new`; old_where, the WHERE of a subquery on
    the right of a LEFT JOIN, joins that join's ON clause (EP_OuterON)."""
    if item is old:
        return new
    if isinstance(item, ast.Join):
        on = _substitute(item.on, sub) if item.on is not None else None
        if item.right is old and old_where is not None:
            on = old_where if on is None else ast.Binary("AND", old_where, on)
        return dataclasses.replace(item, left=_replace_item(item.left, old, new, sub, old_where),
                                   right=_replace_item(item.right, old, new, sub, old_where),
                                   on=on)
    return item


def _flatten_join(sel: ast.Select, core: ast.SelectCore, join: ast.Join,
                  inner_of: Callable[[Any], tuple[ast.Select, tuple[str, ...], str] | None],
                  table_columns: TableColumns) -> ast.Select | None:
    """One FROM item of an inner join is a plain one-table subquery or CTE: its table
    takes its place, its WHERE joins the outer WHERE (flattenSubquery, with the
    restrictions for a subquery in a join: no LIMIT, ORDER BY, DISTINCT, aggregate).
    On the right of a LEFT JOIN (restriction 3: the outer query not DISTINCT) its
    WHERE joins the ON clause instead, and its result columns must be columns, which
    are NULL in the NULL row as the subquery's would be (SQLite wraps any other
    expression in TK_IF_NULL_ROW, which pyrite has not)."""
    lefts: dict[int, ast.Join] = {}
    items = _join_items(join, lefts)
    if items is None:
        return None
    found = [(it, got) for it in items for got in (inner_of(it),) if got is not None]
    if len(found) != 1:
        return None
    item, (inner, names_given, alias) = found[0]
    outer_join = id(item) in lefts
    if outer_join and (core.distinct or lefts[id(item)].on is None):
        return None
    if any(id(it) in lefts for it in items if it is not item) and not outer_join:
        return None  # another LEFT JOIN: flattening an inner-join item is left as it was
    icore = inner.body
    if not isinstance(icore, ast.SelectCore) or inner.with_ is not None or icore.group_by \
            or icore.having is not None or icore.distinct or icore.windows \
            or not isinstance(icore.from_, ast.TableRef) or inner.order_by \
            or inner.limit is not None or _has_aggregate_or_window(icore.columns):
        return None
    subq = (ast.Subquery, ast.Exists, ast.InSelect, ast.InTable)
    if _has((core.columns, core.where, core.group_by, core.having, sel.order_by, sel.limit,
             sel.offset, join, icore.columns, icore.where), subq):
        return None
    itab = icore.from_
    others: dict[str, list[str]] = {}  # name the outer query uses -> its columns
    for it in items:
        if it is item:
            continue
        if not isinstance(it, ast.TableRef) or it.schema is not None:
            return None
        tcols = table_columns(it.name)
        if tcols is None:
            return None
        others[(it.alias or it.name).lower()] = tcols
    iname = (itab.alias or itab.name).lower()
    if iname in others or alias.lower() in others or table_columns(itab.name) is None:
        return None
    cols: list[tuple[str, ast.Expr]] = []
    for rc in icore.columns:
        if rc.expr is None:
            if rc.table is not None and rc.table.lower() != iname:
                return None
            for c in table_columns(itab.name) or []:
                cols.append((c, ast.ColumnRef(None, itab.alias or itab.name, c)))
        elif outer_join and not (isinstance(rc.expr, ast.ColumnRef)
                                 and rc.expr.column.lower() not in ROWID_NAMES):
            return None
        elif rc.alias is not None:
            cols.append((rc.alias, rc.expr))
        elif isinstance(rc.expr, ast.ColumnRef) and rc.expr.column.lower() not in ROWID_NAMES:
            cols.append((rc.expr.column, rc.expr))
        else:
            return None
    if names_given:
        if len(names_given) != len(cols):
            return None
        cols = [(n, e) for n, (_, e) in zip(names_given, cols, strict=True)]
    by_name: dict[str, ast.Expr] = {}
    for n, e in cols:
        by_name.setdefault(n.lower(), e)
    outer_cols = {c.lower() for tc in others.values() for c in tc}
    for x in _walk((icore.columns, icore.where)):
        # an unqualified inner name must stay unambiguous beside the outer tables
        if isinstance(x, ast.ColumnRef) and x.table is None and (
                x.column.lower() in outer_cols or x.column.lower() in ROWID_NAMES):
            return None

    def sub(ref: ast.ColumnRef) -> ast.Expr | None:
        if ref.table is not None:
            if ref.table.lower() == alias.lower():
                return by_name.get(ref.column.lower())
            return ref
        name = ref.column.lower()
        if name in by_name:
            return None if name in outer_cols or name in ROWID_NAMES else by_name[name]
        return ref

    try:
        out_cols: list[ast.ResultColumn] = []
        for rc in core.columns:
            if rc.expr is None and rc.table is None:
                for it in items:
                    if it is item:
                        out_cols.extend(ast.ResultColumn(e, n) for n, e in cols)
                    else:
                        nm = it.alias or it.name
                        out_cols.extend(ast.ResultColumn(ast.ColumnRef(None, nm, c), c)
                                        for c in others[nm.lower()])
                continue
            if rc.expr is None:
                assert rc.table is not None
                if rc.table.lower() == alias.lower():
                    out_cols.extend(ast.ResultColumn(e, n) for n, e in cols)
                else:
                    out_cols.append(rc)
                continue
            e = _substitute(rc.expr, sub)
            a = rc.alias
            if a is None and isinstance(rc.expr, ast.ColumnRef) and e is not rc.expr:
                a = next((n for n, _ in cols if n.lower() == rc.expr.column.lower()), None)
            out_cols.append(dataclasses.replace(rc, expr=e, alias=a))
        where = _substitute(core.where, sub) if core.where is not None else None
        group_by = tuple(_substitute(g, sub) for g in core.group_by)
        having = _substitute(core.having, sub) if core.having is not None else None
        order = tuple(dataclasses.replace(t, expr=_order_sub(t.expr, sub, core))
                      for t in sel.order_by)
        from_ = _replace_item(join, item, itab, sub, icore.where if outer_join else None)
    except _Bail:
        return None
    if icore.where is not None and not outer_join:
        where = icore.where if where is None else ast.Binary("AND", icore.where, where)
    new_core = ast.SelectCore(tuple(out_cols), from_, where, group_by, having, (), core.distinct)
    return ast.Select(new_core, sel.with_, order, sel.limit, sel.offset)
