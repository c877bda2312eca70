"""FOREIGN KEY enforcement while PRAGMA foreign_keys is on (fkey.c).

Owns: the per-table foreign key plan (the keys a table holds as child and the keys
that refer to it as parent), the violation counters and the ON DELETE / ON UPDATE
actions. TableWriter (dml.py) calls in around each row it writes, only when the
session's foreign_keys flag was on when the writer was made; Statement and COMMIT
(session.py) read the counters. Never touches pages directly except through the
B-tree lookups and TableWriter. Spec: foreignkeys.html.

As SQLite, violations are counted rather than raised: a child row whose key has no
parent adds one, a parent row leaving with n children adds n, and the opposite
changes take them back (only while the counter is not zero). Immediate keys count
per statement (an error at statement end: NO ACTION is checked then, not per
row); DEFERRABLE INITIALLY DEFERRED keys, and every key while PRAGMA
defer_foreign_keys is on, count per transaction (COMMIT refuses while not zero).
RESTRICT fails at the row. CASCADE / SET NULL / SET DEFAULT rewrite the children
through their own TableWriter, so actions recurse.

Action rows fire the child table's triggers and meet its NOT NULL and CHECK
constraints. Not done: generated columns of a child row changed by an action are
not recomputed."""

from __future__ import annotations

from typing import Any

from pyrite import constants as C
from pyrite import errors
from pyrite.exec import runtime as RT
from pyrite.exec import values as V
from pyrite.planner.catalog import Table
from pyrite.sql import ast

FK_MESSAGE = "FOREIGN KEY constraint failed"
_NULLROW = RT.NULLROW
_NUMERIC = (V.Affinity.INTEGER, V.Affinity.REAL, V.Affinity.NUMERIC)


def fk_error() -> errors.IntegrityError:
    return errors.IntegrityError(FK_MESSAGE, code=C.SQLITE_CONSTRAINT_FOREIGNKEY)


class FKey:
    """One FOREIGN KEY clause of `child`, resolved against its parent table."""

    __slots__ = ("child", "cols", "parent", "pcols", "colls", "affs", "is_rowid", "index",
                 "on_delete", "on_update", "deferred", "child_index")

    def __init__(self, child: Table, cols: list[int], parent: Table, pcols: list[int],
                 colls: list[str], is_rowid: bool, fk: ast.ForeignKeyClause) -> None:
        self.child = child
        self.cols = cols
        self.parent = parent
        self.pcols = pcols
        self.colls = colls
        self.affs = [V.Affinity(parent.columns[c].affinity) for c in pcols]
        self.is_rowid = is_rowid
        self.index = next((ix for ix in parent.indexes if ix.unique and ix.where is None
                           and not ix.exprs and sorted(ix.columns) == sorted(pcols)), None)
        self.on_delete = (fk.on_delete or "NO ACTION").upper()
        self.on_update = (fk.on_update or "NO ACTION").upper()
        self.deferred = bool(fk.deferrable) and fk.initially_deferred
        # a child index whose first columns are the key, holding the values as the
        # parent compares them (same affinity and collation): children() reads it
        self.child_index = None
        n = len(cols)
        if not child.without_rowid and not child.has_virtual() and all(
                V.Affinity(child.columns[c].affinity) == a for c, a in zip(cols, self.affs,
                                                                         strict=True)):
            for ix in child.indexes:
                if ix.where is not None or ix.exprs or len(ix.columns) < n \
                        or sorted(ix.columns[:n]) != sorted(cols):
                    continue
                icolls = [(cl or child.columns[c].collation or "BINARY").upper()
                          for c, cl in zip(ix.columns[:n], ix.collations, strict=False)]
                if all(icolls[j] == self.colls[cols.index(c)]
                       for j, c in enumerate(ix.columns[:n])):
                    self.child_index = ix
                    break


def _clauses(t: Table) -> list[tuple[list[str], ast.ForeignKeyClause]]:
    from pyrite.exec.ddl import _parsed_table

    st = _parsed_table(t) if t.sql and "REFERENCES" in t.sql.upper() else None
    if st is None:
        return []
    out: list[tuple[list[str], ast.ForeignKeyClause]] = []
    for cd in st.columns:
        for cc in cd.constraints:
            if cc.kind == "REFERENCES" and cc.foreign_key is not None:
                out.append(([cd.name], cc.foreign_key))
    for tc in st.constraints:
        if tc.kind == "FOREIGN KEY" and tc.foreign_key is not None:
            out.append(([c.expr.column if isinstance(c.expr, ast.ColumnRef) else ""
                         for c in tc.columns], tc.foreign_key))
    return out


def _resolve(s: Any, child: Table, cols: list[str], fk: ast.ForeignKeyClause) -> FKey:
    from pyrite.exec.ddl import _fk_parent_key

    schema = "temp" if child.temp else "main"
    parent = s.catalog.table(fk.table, schema)
    if parent is None:
        raise errors.OperationalError(f"no such table: {schema}.{fk.table}")
    names = [c.name.lower() for c in child.columns]
    to: list[str | None] = [fk.columns[i] if i < len(fk.columns) else None
                            for i in range(len(cols))]
    key = _fk_parent_key(s, child, parent, to)
    frm = [names.index(c.lower()) if c.lower() in names else -1 for c in cols]
    if key is None or -1 in frm or (fk.columns and len(fk.columns) != len(cols)):
        raise errors.OperationalError(
            f'foreign key mismatch - "{child.name}" referencing "{parent.name}"')
    pcols, colls, is_rowid = key
    return FKey(child, frm, parent, pcols, colls, is_rowid, fk)


class Plan:
    """The foreign keys one table takes part in: `child` (its own clauses) and
    `parent` (other tables' clauses naming it)."""

    __slots__ = ("table", "generation", "child", "parent", "mismatch")

    def __init__(self, s: Any, t: Table) -> None:
        self.table = t
        self.generation = s.catalog.generation
        self.child = [_resolve(s, t, cols, fk) for cols, fk in _clauses(t)]
        # the keys naming t, the newest first (SQLite's sqlite3FkReferences list);
        # a key that does not resolve is its error, raised when a row of t leaves
        self.parent: list[FKey] = []
        self.mismatch: errors.OperationalError | None = None
        for other in referencing(s, t):
            for cols, fk in reversed(_clauses(other)):
                if fk.table.lower() == t.name.lower():
                    try:
                        self.parent.append(_resolve(s, other, cols, fk))
                    except errors.OperationalError as e:
                        if self.mismatch is None:
                            self.mismatch = e


def referencing(s: Any, t: Table) -> list[Table]:
    """The tables with a FOREIGN KEY naming t, the newest first."""
    name = t.name.lower()
    return [o for o in reversed(list(s.catalog.tables.values())) if o.temp == t.temp
            and any(fk.table.lower() == name for _, fk in _clauses(o))]


def plan_for(s: Any, t: Table) -> Plan | None:
    """The foreign key plan of t (None when t takes part in no foreign key); kept by
    the session per catalog generation. Raises the mismatch / missing parent errors."""
    cache: dict[int, Plan] | None = getattr(s, "fk_plans", None)
    if cache is None:
        cache = s.fk_plans = {}
    p = cache.get(id(t))
    if p is None or p.table is not t or p.generation != s.catalog.generation:
        if len(cache) > 64:
            cache.clear()
        p = cache[id(t)] = Plan(s, t)
    return p if (p.child or p.parent or p.mismatch) else None


# ---------------------------------------------------------------- counters


def _defer(s: Any) -> bool:
    return bool(s.pragma_store.get("defer_foreign_keys"))


def _incr(s: Any, f: FKey, n: int) -> None:
    if _defer(s):
        s.fk_defimm += n
    elif f.deferred:
        s.fk_def += n
    else:
        s.fk_imm += n


def _nonzero(s: Any, f: FKey) -> bool:
    if f.deferred:
        return bool(s.fk_def + s.fk_defimm)
    return bool(s.fk_imm or s.fk_defimm)


# ---------------------------------------------------------------- lookups


def _pager(s: Any, t: Table) -> Any:
    return s.temp_pager if t.temp else s.pager


def _coll(s: Any, name: str) -> Any:
    return None if name == "BINARY" else s.collations.get(name)


def parent_exists(s: Any, f: FKey, key: list[Any]) -> bool:
    """Whether the parent table holds a row whose parent key equals key (child values,
    the parent columns' affinity applied as SQLite's lookup does)."""
    from pyrite.storage import btree

    vals = [V.apply_affinity(v, a) for v, a in zip(key, f.affs, strict=True)]
    P = f.parent
    if f.is_rowid:
        v = vals[0]
        if isinstance(v, float) and v.is_integer() and abs(v) < 2**63:
            v = int(v)
        if type(v) is not int:
            return False
        return btree.table_find(_pager(s, P), P.root, v)[1] is not None
    colls = [_coll(s, c) for c in f.colls]
    if f.index is not None and not P.without_rowid:
        from pyrite.exec.dml import _table_static
        from pyrite.storage import IndexCursor

        ki = next(k for ix, k in _table_static(s, P).key_infos if ix is f.index)
        order = [f.pcols.index(c) for c in f.index.columns]
        want = [vals[i] for i in order]
        cur = IndexCursor(_pager(s, P), f.index.root, ki)
        if not cur.seek_ge(want):
            return False
        got = cur.values()
        return all(V.compare(want[j], got[j], colls[order[j]]) == 0
                   for j in range(len(want)))
    from pyrite.exec.ddl import table_rows

    for _, row in table_rows(s, P, set()):
        if all(row[c] is not None and V.compare(v, row[c], cl) == 0
               for v, c, cl in zip(vals, f.pcols, colls, strict=True)):
            return True
    return False


def children(s: Any, f: FKey, key: list[Any], skip: Any) -> list[tuple[Any, list[Any]]]:
    """The child rows (rowid, row) whose key equals the parent key `key`, leaving out
    the row `skip` (the row being written, of a self-referencing table)."""
    from pyrite.exec.ddl import table_rows

    colls = [_coll(s, c) for c in f.colls]
    out = []
    same = f.child is f.parent
    if f.child_index is not None:
        return _children_by_index(s, f, key, skip if same else None, colls)
    for rowid, row in table_rows(s, f.child):
        if same and skip is not None and rowid == skip:
            continue
        for c, pv, a, cl in zip(f.cols, key, f.affs, colls, strict=True):
            cv = row[c]
            if cv is None:
                break
            if a in _NUMERIC:
                cv = V.apply_affinity(cv, a)
            if V.compare(pv, cv, cl) != 0:
                break
        else:
            out.append((rowid, row))
    return out


def _children_by_index(s: Any, f: FKey, key: list[Any], skip: Any, colls: list[Any]
                       ) -> list[tuple[Any, list[Any]]]:
    from pyrite.exec.dml import _table_static
    from pyrite.storage import IndexCursor, btree, record

    t = f.child
    ix = f.child_index
    assert ix is not None
    n = len(f.cols)
    order = [f.cols.index(c) for c in ix.columns[:n]]
    want = [key[i] for i in order]
    ki = next(k for i, k in _table_static(s, t).key_infos if i is ix)
    pg = _pager(s, t)
    cur = IndexCursor(pg, ix.root, ki)
    rowids = []
    ok = cur.seek_ge(want)
    while ok:
        got = cur.values()
        if any(got[j] is None or V.compare(want[j], got[j], colls[order[j]]) != 0
               for j in range(n)):
            break
        if got[-1] != skip:
            rowids.append(got[-1])
        ok = cur.next()
    out = []
    ncols = len(t.columns)
    for r in rowids:
        payload = btree.table_find(pg, t.root, r)[1]
        if payload is None:
            continue
        vals = list(record.decode(payload))
        if len(vals) < ncols:
            vals.extend([None] * (ncols - len(vals)))
        if t.ipk is not None:
            vals[t.ipk] = r
        out.append((r, vals))
    return out


# ---------------------------------------------------------------- writer hooks


def _changed(old: list[Any], new: list[Any], cols: list[int], setcols: Any) -> bool:
    if setcols is not None:
        return any(c in setcols for c in cols)
    return any(old[c] is not new[c] and (old[c] is None or new[c] is None
               or V.compare(old[c], new[c]) != 0) for c in cols)


def _differ(old: list[Any], new: list[Any], cols: list[int]) -> bool:
    """old.key IS NOT new.key (the WHEN of SQLite's ON UPDATE action triggers)."""
    for c in cols:
        a, b = old[c], new[c]
        if (a is None) != (b is None) or (a is not None and V.compare(a, b) != 0):
            return True
    return False


def before_write(w: Any, plan: Plan, rowid: Any, old: list[Any] | None,
                 new: list[Any] | None) -> None:
    """Counting for the row leaving (old, before it is removed) as child and parent."""
    s = w.ctx.session
    if old is None:
        return
    if plan.mismatch is not None:
        raise plan.mismatch
    setcols = getattr(w, "fk_cols", None) if new is not None else None
    for f in plan.child:
        if new is not None and not _changed(old, new, f.cols, setcols):
            continue
        key = [old[c] for c in f.cols]
        if None in key or not _nonzero(s, f):
            continue
        if not parent_exists(s, f, key):
            _incr(s, f, -1)
    for f in plan.parent:
        if new is not None and not _changed(old, new, f.pcols, setcols):
            continue
        key = [old[c] for c in f.pcols]
        if None in key:
            continue
        n = len(children(s, f, key, rowid))
        if n:
            _incr(s, f, n)


def after_write(w: Any, plan: Plan, rowid: Any, old: list[Any] | None,
                new: list[Any] | None, new_rowid: Any) -> None:
    """Counting for the row arriving (new, once written), then the actions for
    the row that left."""
    s = w.ctx.session
    setcols = getattr(w, "fk_cols", None) if old is not None else None
    if new is not None:
        for f in plan.child:
            if old is not None and not _changed(old, new, f.cols, setcols):
                continue
            key = [new[c] for c in f.cols]
            if None in key:
                continue
            if not parent_exists(s, f, key):
                _incr(s, f, 1)
        for f in plan.parent:
            if old is not None and not _changed(old, new, f.pcols, setcols):
                continue
            key = [new[c] for c in f.pcols]
            if None in key or not _nonzero(s, f):
                continue
            n = len(children(s, f, key, new_rowid))
            if n:
                _incr(s, f, -n)
    if old is None:
        return
    for f in plan.parent:
        act = f.on_delete if new is None else f.on_update
        if act == "NO ACTION":
            continue
        if new is not None and not _differ(old, new, f.pcols):
            continue
        key = [old[c] for c in f.pcols]
        if None in key:
            continue
        if act == "RESTRICT":
            if not _defer(s) and children(s, f, key, new_rowid if new is not None else rowid):
                raise fk_error()
            continue
        rows = children(s, f, key, new_rowid if new is not None else rowid)
        if rows:
            _act(s, w.ctx, f, act, rows, None if new is None else [new[c] for c in f.pcols])


def _writer(s: Any, ctx: Any, t: Table) -> Any:
    """A TableWriter of t for rows written by an action or DROP TABLE."""
    from pyrite.exec.dml import TableWriter, WrTableWriter, _check_text

    partial = {ix.name: s.compile_row_predicate(t, ix.where)
               for ix in t.indexes if ix.where is not None}
    keys: dict[str, Any] = {}
    for ix in t.indexes:
        if ix.exprs:
            fns = [s.compile_row_predicate(t, x) if x is not None else None for x in ix.exprs]
            keys[ix.name] = _key_fn(fns, list(ix.columns))
    checks = [(name or _check_text(x), s.compile_row_predicate(t, x)) for name, x in t.checks]
    make = WrTableWriter if t.without_rowid else TableWriter
    return make(ctx, t, None, checks, [None] * len(t.columns), partial, keys, None)


def _key_fn(fns: list[Any], cols: list[int]) -> Any:
    def key(row: list[Any], rowid: Any) -> tuple[Any, ...]:
        return tuple(fn(row, rowid) if fn is not None else (row[c] if c >= 0 else rowid)
                     for fn, c in zip(fns, cols, strict=True))
    return key


def _triggers(s: Any, t: Table, event: str, set_cols: set[str]) -> tuple[list[Any], list[Any]]:
    """The BEFORE and AFTER row triggers of t for event, compiled as functions
    (X, old, oldk, new, newk): an action's rows fire them as its DELETE / UPDATE would."""
    if not s.catalog.triggers_on(t):
        return [], []
    from pyrite.exec.dml import DmlCompiler
    from pyrite.exec.program import build
    from pyrite.exec.source import Func

    comp = DmlCompiler(s.catalog, s.env)
    main = Func("def main(P, PG, X):")
    before = comp.trigger_funcs(t, event, "BEFORE", set_cols, main)
    after = comp.trigger_funcs(t, event, "AFTER", set_cols, main)
    main.emit(0, f"return ([{', '.join(before)}], [{', '.join(after)}])")
    run, _ = build(main, comp.consts, comp.placeholders, comp.main_pre)
    fns: tuple[list[Any], list[Any]] = run((), s.pager, None)  # type: ignore[assignment]
    return fns


def _act(s: Any, ctx: Any, f: FKey, act: str, rows: list[tuple[Any, list[Any]]],
         newkey: list[Any] | None) -> None:
    """CASCADE / SET NULL / SET DEFAULT on the child rows of one parent row."""
    from pyrite.exec.session import RunCtx

    t = f.child
    sub = RunCtx(s)
    cw = _writer(s, sub, t)
    delete = act == "CASCADE" and newkey is None
    if not delete:
        cw.fk_cols = frozenset(f.cols)
    before, after = _triggers(s, t, "DELETE" if delete else "UPDATE",
                              set() if delete else {t.columns[c].name.lower() for c in f.cols})
    defaults: list[Any] = []
    if act == "SET DEFAULT":
        for c in f.cols:
            d = t.columns[c].default
            defaults.append(None if d is None else s.compile_row_predicate(t, d)([], None))
    for rowid, row in rows:
        if t.without_rowid:
            rowid = cw.pk_of(row)
        if delete:
            if not all(sub.fire(b, row, rowid, _NULLROW, None) for b in before):
                continue
            cw.delete(rowid, row)
            sub.changes += 1
            for a in after:
                sub.fire(a, row, rowid, _NULLROW, None)
            continue
        new = list(row)
        for i, c in enumerate(f.cols):
            if act == "CASCADE":
                assert newkey is not None
                new[c] = newkey[i]
            elif act == "SET NULL":
                new[c] = None
            else:
                new[c] = defaults[i]
        if before:
            cw.fill(new, rowid)
            if not all(sub.fire(b, row, rowid, new, rowid) for b in before):
                continue
        if cw.update(rowid, row, new):
            nk = new[t.ipk] if t.ipk is not None else rowid
            for a in after:
                sub.fire(a, row, rowid, new, nk)
    s.total_changes += sub.changes


def delete_all(s: Any, ctx: Any, t: Table) -> None:
    """DELETE FROM t without WHERE, row by row (the foreign keys it takes part in
    count and act), counting the rows in ctx.changes."""
    from pyrite.exec.ddl import table_rows

    w = _writer(s, ctx, t)
    for rowid, row in list(table_rows(s, t)):
        w.delete(w.pk_of(row) if t.without_rowid else rowid, row)
        ctx.changes += 1


def drop_table(s: Any, t: Table) -> None:
    """DROP TABLE of a table other tables refer to: first DELETE FROM it (without
    triggers), failing with the FOREIGN KEY error when children are left behind."""
    if not referencing(s, t):
        return
    from pyrite.exec.session import RunCtx

    ctx = RunCtx(s)
    delete_all(s, ctx, t)
    if not _defer(s) and s.fk_imm > 0:
        raise fk_error()
    s.total_changes += ctx.changes  # SQLite counts the implicit DELETE's rows


__all__ = ["FK_MESSAGE", "FKey", "Plan", "after_write", "before_write", "delete_all", "drop_table",
           "fk_error", "plan_for"]
