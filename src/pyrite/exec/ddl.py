"""CREATE / DROP of tables, indexes, views and triggers; PRAGMAs.

Executed directly (DDL is rare and never hot): each function writes
sqlite_schema rows exactly as SQLite does — (type, name, tbl_name, rootpage,
sql) — creates or drops the B-trees, and bumps the schema cookie so that
every connection reloads its catalog. Spec: fileformat2.html section 2.6,
lang_createtable.html, lang_createindex.html, pragma.html."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyrite import constants as C
from pyrite import errors
from pyrite.exec import values as V
from pyrite.planner.catalog import Table, auto_index_specs, table_from_ast
from pyrite.sql import ast

if TYPE_CHECKING:
    from pyrite.exec.session import Session
    from pyrite.storage.integrity import TableSpec

Row = tuple[Any, ...]


def _schema_insert(s: Session, row: list[Any], pager: Any = None) -> None:
    from pyrite.storage import TableCursor, record

    cur = TableCursor(pager or s.pager, 1)
    rowid = cur.max_rowid() + 1
    cur.insert(rowid, bytes(record.encode(row)))


def _schema_delete(s: Session, pred: Any, pager: Any = None) -> list[tuple[str, int]]:
    """Delete sqlite_schema rows matching pred(rec); returns (type, root) of each."""
    from pyrite.storage import TableCursor, iter_table, record

    pg = pager or s.pager
    victims = []
    for rowid, payload in list(iter_table(pg, 1)):
        rec = record.decode(payload)
        if pred(rec):
            victims.append((rowid, str(rec[0]), int(rec[3] or 0)))
    cur = TableCursor(pg, 1)
    for rowid, _, _ in victims:
        if cur.seek(rowid):
            cur.delete()
    return [(t, r) for _, t, r in victims]


def _seq_delete(s: Session, name: str, temp: bool = False) -> None:
    from pyrite.storage import TableCursor, iter_table, record

    seq = s.catalog.of(temp).tables.get("sqlite_sequence")
    if seq is None:
        return
    pg = s.temp_pager if temp else s.pager
    cur = TableCursor(pg, seq.root)
    for rowid, payload in list(iter_table(pg, seq.root)):
        rec = record.decode(payload)
        if isinstance(rec[0], str) and rec[0].lower() == name.lower() and cur.seek(rowid):
            cur.delete()


def _init_schema_page(pg: Any) -> None:
    """A fresh TEMP database: make page 1 exist by creating and dropping a tree."""
    from pyrite.storage import btree

    if pg.page_count == 0:
        root = btree.create_table(pg)
        btree.drop_tree(pg, root)


def _bump(s: Session) -> None:
    p = s.pager
    if p.header_get("schema_format") == 0:
        p.header_set("schema_format", 4)
    if p.header_get("text_encoding") == 0:
        p.header_set("text_encoding", 1)
    p.header_set("schema_cookie", p.header_get("schema_cookie") + 1)
    s.reload_schema()


def _name_taken(s: Session, name: str, temp: bool = False) -> str | None:
    """The kind of object already named `name` in the schema (TEMP or main) a new
    one goes to: SQLite checks names within one schema only."""
    low = name.lower()
    cat = s.catalog.of(temp)
    if low in cat.tables or low in ("sqlite_master", "sqlite_schema"):
        return "table"
    if low in cat.views:
        return "view"
    if low in cat.indexes:
        return "index"
    if low in cat.triggers:
        return "trigger"
    return None


def _target_temp(s: Session, schema: str | None, temp: bool) -> bool:
    """Whether CREATE [TEMP] ... [schema.]name goes to the TEMP schema; SQLite's
    errors for an unknown schema or a TEMP object qualified by another one."""
    if schema is None:
        return temp
    low = schema.lower()
    if low not in ("main", "temp"):
        raise errors.OperationalError(f"unknown database {schema}")
    if temp and low != "temp":
        raise errors.OperationalError("temporary table name must be unqualified")
    return low == "temp"


def _schema_done(s: Session, temp: bool) -> None:
    """After a schema change: reload TEMP's catalog, or bump main's schema cookie."""
    if temp:
        pg = s.temp_pager
        if pg.page_count > 0:  # TEMP's schema cookie counts its changes too
            pg.header_set("schema_cookie", pg.header_get("schema_cookie") + 1)
        s.reload_temp()
    else:
        _bump(s)


def _temp_schema_pager(s: Session) -> Any:
    """The TEMP database's pager, its sqlite_schema page made to exist."""
    pg = s.temp_pager
    if pg.page_count == 0:
        _init_schema_page(pg)
    return pg


def _affinity_type(aff: int | None) -> str:
    return {None: "", 0: "", 1: "TEXT", 2: "NUM", 3: "INT", 4: "REAL"}[aff]


def _quote_ident(name: str) -> str:
    if name.replace("_", "a").isalnum() and not name[0].isdigit():
        return name
    return '"' + name.replace('"', '""') + '"'


STRICT_TYPES = ("INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY")


def create_table(s: Session, node: ast.CreateTable) -> None:
    from pyrite.storage import btree

    is_temp = _target_temp(s, node.schema, node.temp)
    kind = _name_taken(s, node.name, is_temp)
    if kind is not None:
        if node.if_not_exists:
            return
        if kind == "index":
            raise errors.OperationalError(f"there is already an index named {node.name}")
        raise errors.OperationalError(f"{kind} {node.name} already exists").at(node.name_offset)
    if node.name.lower().startswith("sqlite_") and not _bool_value(
            s.pragma_store.get("writable_schema", 0)):
        raise errors.OperationalError(f"object name reserved for internal use: {node.name}")
    sql = node.schema_sql
    rows: list[Row] = []
    if node.as_select is not None:
        prog, info_affs = s.compile_select_for_ctas(node.as_select)
        cols = ",".join(
            _quote_ident(n) + (" " + _affinity_type(a) if _affinity_type(a) else "")
            for n, a in zip(prog.column_names, info_affs, strict=True))
        sql = f"CREATE TABLE {_quote_ident(node.name)}({cols})"
        rows = list(prog.run((), s.pager, s.run_ctx()))
        node = ast.CreateTable(node.schema, node.name, tuple(
            ast.ColumnDef(n, _affinity_type(a) or None)
            for n, a in zip(prog.column_names, info_affs, strict=True)))
    seen: set[str] = set()
    npk = 0
    for cd in node.columns:
        if cd.name.lower() in seen:
            raise errors.OperationalError(f"duplicate column name: {cd.name}")
        seen.add(cd.name.lower())
        npk += sum(1 for c in cd.constraints if c.kind == "PRIMARY KEY")
    npk += sum(1 for c in node.constraints if c.kind == "PRIMARY KEY")
    if npk > 1:
        raise errors.OperationalError(f'table "{node.name}" has more than one primary key')
    if node.strict:
        for cd in node.columns:
            if not cd.type_name:
                raise errors.OperationalError(f"missing datatype for {node.name}.{cd.name}")
            if cd.type_name.upper() not in STRICT_TYPES:
                raise errors.OperationalError(
                    f'unknown datatype for {node.name}.{cd.name}: "{cd.type_name}"')
    if node.without_rowid and any(
            cc.autoincrement for cd in node.columns for cc in cd.constraints) or \
            node.without_rowid and any(tc.autoincrement for tc in node.constraints):
        raise errors.OperationalError("AUTOINCREMENT not allowed on WITHOUT ROWID tables")
    pg = _temp_schema_pager(s) if is_temp else s.pager
    probe = table_from_ast(node, 0, sql)
    _check_generated(s, node, probe)
    if probe.autoincrement and probe.ipk is None:
        raise errors.OperationalError("AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY")
    root = btree.create_index(pg) if node.without_rowid else btree.create_table(pg)
    t = table_from_ast(node, root, sql)
    _schema_insert(s, ["table", node.name, node.name, root, sql], pg)
    for n, spec in enumerate(auto_index_specs(t, node)):
        if t.without_rowid and spec[2] == "pk":
            continue  # the table's own B-tree is its PRIMARY KEY index
        iroot = btree.create_index(pg)
        _schema_insert(s, ["index", f"sqlite_autoindex_{node.name}_{n + 1}", node.name, iroot, None],
                       pg)
    if probe.autoincrement and s.catalog.of(is_temp).tables.get("sqlite_sequence") is None:
        sroot = btree.create_table(pg)
        _schema_insert(s, ["table", "sqlite_sequence", "sqlite_sequence", sroot,
                           "CREATE TABLE sqlite_sequence(name,seq)"], pg)
    _schema_done(s, is_temp)
    if rows:
        t2 = s.catalog.table(node.name, "temp" if is_temp else "main")
        assert t2 is not None
        from pyrite.exec.dml import TableWriter

        ctx = s.run_ctx()
        w = TableWriter(ctx, t2, None, [], [None] * len(t2.columns))
        for r in rows:
            w.insert(list(r), None)


def _check_generated(s: Session, node: ast.CreateTable, t: Table) -> None:
    """SQLite's refusals for generated columns at CREATE TABLE (build.c
    sqlite3AddGenerated, resolve.c with NC_GenCol)."""
    if not t.has_generated():
        return
    for cd in node.columns:
        kinds = [cc.kind for cc in cd.constraints]
        if "GENERATED" not in kinds:
            continue
        g = kinds.index("GENERATED")
        if "DEFAULT" in kinds[:g]:
            raise errors.OperationalError(f'error in generated column "{cd.name}"')
        if "DEFAULT" in kinds[g:]:
            raise errors.OperationalError("cannot use DEFAULT on a generated column")
    if any(c.generated is not None and c.pk for c in t.columns):
        raise errors.OperationalError("generated columns cannot be part of the PRIMARY KEY")
    if all(c.generated is not None for c in t.columns):
        raise errors.OperationalError("must have at least one non-generated column")
    for c in t.columns:
        if c.generated is not None:
            check_generated_expr(s, t, c.generated)


def check_generated_expr(s: Session, t: Table, e: ast.Expr) -> None:
    """A generated column's expression: deterministic, no sub-selects, parameters or
    qualified names, only columns of its own table (which compiles it)."""
    import dataclasses

    from pyrite.planner.catalog import column_refs

    stack: list[Any] = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, ast.ColumnRef) and x.table is not None:
            raise errors.OperationalError('the "." operator prohibited in generated columns')
        if isinstance(x, ast.FunctionCall):
            from pyrite.functions import AGGREGATES, WINDOWS

            low = x.name.lower()
            if x.over is not None and (low in AGGREGATES or low in WINDOWS):
                raise errors.OperationalError(f"misuse of window function {x.name}()")
            if (low in AGGREGATES or x.star) and (len(x.args) <= 1 or low not in ("min", "max")):
                raise errors.OperationalError(f"misuse of aggregate function {x.name}()")
        if dataclasses.is_dataclass(x) and not isinstance(x, (type, ast.Select)):
            stack.extend(getattr(x, f.name) for f in dataclasses.fields(x))
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
    _check_index_expr(e, "generated columns")
    for name in column_refs(e):
        if t.column_index(name) < 0:
            raise errors.OperationalError(f"no such column: {name}")
    s.compile_row_predicate(t, e)


def create_index(s: Session, node: ast.CreateIndex) -> None:
    from pyrite.storage import btree

    sch = node.schema.lower() if node.schema is not None else None
    if sch is not None and sch not in ("main", "temp"):
        raise errors.OperationalError(f"unknown database {node.schema}")
    t = s.catalog.table(node.table, "main" if sch == "main" else None)
    if t is None or t.name.lower() == "sqlite_schema":
        where = "" if sch == "temp" else "main."
        raise errors.OperationalError(f"no such table: {where}{node.table}")
    if sch == "temp" and not t.temp:
        raise errors.OperationalError(f'cannot create a TEMP index on non-TEMP table "{t.name}"')
    kind = _name_taken(s, node.name, t.temp)
    if kind is not None:
        if node.if_not_exists:
            return
        if kind == "index":
            raise errors.OperationalError(f"index {node.name} already exists")
        raise errors.OperationalError(f"there is already a {kind} named {node.name}")
    if node.name.lower().startswith("sqlite_"):
        raise errors.OperationalError(f"object name reserved for internal use: {node.name}")
    for ic in node.columns:
        _check_no_rowid(ic.expr, t)
    idx = s.catalog.index_from_ast(node, t, 0, node.schema_sql)
    pg = s.temp_pager if t.temp else s.pager
    colls = s.collations
    for cn in idx.collations:
        if cn is not None and cn.upper() not in colls:
            raise errors.OperationalError(f"no such collation sequence: {cn}")
    for x in idx.exprs:
        if x is not None:
            _check_index_expr(x)
    root = btree.create_index(pg)
    idx.root = root
    fill_index(s, t, idx)
    _schema_insert(s, ["index", node.name, t.name, root, node.schema_sql], pg)
    _schema_done(s, t.temp)


def _check_no_rowid(e: Any, t: Table) -> None:
    """An index key names no rowid (sqlite3ResolveSelfReference with NC_IdxExpr:
    "no such column: rowid"), unless the table has a column of that name; its
    WHERE may (on a rowid table)."""
    import dataclasses

    if isinstance(e, ast.ColumnRef):
        if not e.quoted and e.column.lower() in ("rowid", "oid", "_rowid_") \
                and t.column_index(e.column) < 0:
            raise errors.OperationalError(f"no such column: {e.column}").at(e.pos)
        return
    if not dataclasses.is_dataclass(e) or isinstance(e, ast.Select):
        return
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        for x in (v if isinstance(v, tuple) else (v,)):
            _check_no_rowid(x, t)


_DATE_FUNCS = frozenset(("date", "time", "datetime", "julianday", "strftime", "unixepoch",
                         "timediff"))


def clock_use(e: Any) -> str | None:
    """clock_use(expr) -> name of a date/time function in expr that reads the clock
    ('now' or no time argument), else None. SQLite refuses such a call in an index
    only when it computes a key (so CREATE INDEX on an empty table succeeds)."""
    import dataclasses

    if isinstance(e, ast.FunctionCall) and e.name.lower() in _DATE_FUNCS:
        low = e.name.lower()
        if (not e.args or (low == "strftime" and len(e.args) == 1)) or any(
                isinstance(a, ast.Literal) and isinstance(a.value, str)
                and a.value.lower() == "now" for a in e.args):
            return low
    if not dataclasses.is_dataclass(e) or isinstance(e, ast.Select):
        return None
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        for x in (v if isinstance(v, tuple) else (v,)):
            if dataclasses.is_dataclass(x):
                hit = clock_use(x)
                if hit is not None:
                    return hit
    return None


def _check_index_expr(e: Any, what: str = "index expressions") -> None:
    """SQLite's limits on an index expression (or, `what`, a generated column):
    deterministic, no sub-selects or parameters."""
    import dataclasses

    from pyrite.functions import SCALARS

    if isinstance(e, ast.Param):
        raise errors.OperationalError(f"parameters prohibited in {what}")
    if isinstance(e, (ast.Subquery, ast.Exists, ast.InSelect)):
        raise errors.OperationalError(f"subqueries prohibited in {what}")
    if isinstance(e, ast.FunctionCall):
        low = e.name.lower()
        defs = SCALARS.get(low, [])
        if low in _DATE_FUNCS:
            pass  # deterministic unless it reads the clock: checked per row (clock_use)
        elif defs and not any(d.deterministic for d in defs):
            raise errors.OperationalError(f"non-deterministic functions prohibited in {what}")
    if isinstance(e, ast.CurrentTime):
        raise errors.OperationalError(f"non-deterministic functions prohibited in {what}")
    if not dataclasses.is_dataclass(e):
        return
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        for x in (v if isinstance(v, tuple) else (v,)):
            for y in (x if isinstance(x, tuple) else (x,)):
                if dataclasses.is_dataclass(y) and not isinstance(y, ast.Select):
                    _check_index_expr(y, what)


def table_rows(s: Session, t: Table, need: set[int] | None = None) -> Any:
    """table_rows(s, t, need) -> (rowid or None, row in column order) for every row
    of t; the VIRTUAL generated columns in `need` (default: all) are computed."""
    from pyrite.exec.codegen import short_record_defaults
    from pyrite.exec.dml import wr_inverse, wr_rows
    from pyrite.storage import iter_table, record

    pg = s.temp_pager if t.temp else s.pager
    n = len(t.columns)
    virt = [i for i, c in enumerate(t.columns) if c.virtual and (need is None or i in need)]
    gen = generated_filler(s, t, virt) if t.has_virtual() else None
    if t.without_rowid:
        for _, row in wr_rows(pg, t.root, wr_inverse(t), None, None):
            if gen is not None:
                gen(row, None)
            yield None, row
        return
    order = t.record_order()
    defaults = short_record_defaults(t)
    for rowid, payload in iter_table(pg, t.root):
        vals = list(record.decode(payload))
        if gen is not None:
            rec = vals
            vals = [None] * n
            for j, c in enumerate(order):
                vals[c] = rec[j] if j < len(rec) else defaults[c]
        elif len(vals) < n:
            vals.extend(defaults[len(vals):])
        if t.ipk is not None:
            vals[t.ipk] = rowid
        if gen is not None:
            gen(vals, rowid)
        yield rowid, vals


def generated_filler(s: Session, t: Table, cols: list[int]) -> Callable[[list[Any], Any], None]:
    """A function (row, rowid) computing the VIRTUAL columns `cols` of a row read
    from t, each as a read computes it (so a loop is named as SELECT names it)."""
    from pyrite.exec.codegen import Scope
    from pyrite.exec.dml import DmlCompiler
    from pyrite.exec.program import build
    from pyrite.exec.source import Func

    comp = DmlCompiler(s.catalog, s.env)
    main = Func("def main(P, PG, X):")
    f = Func("def fill(row, rowid):")
    src = comp.table_src(t, t.name, "row", "rowid")
    src.full_row = False
    sc = Scope([src], None, f)
    for i in cols:
        f.emit(0, f"row[{i}] = {comp.generated_read(sc, src, i)}")
    f.emit(0, "return None")
    comp.generated_loop_check()
    main.nest(f)
    main.emit(0, "return fill")
    run, _ = build(main, comp.consts, comp.placeholders, comp.main_pre)
    fn: Callable[[list[Any], Any], None] = run((), s.pager, None)  # type: ignore[assignment]
    return fn


def fill_index(s: Session, t: Table, idx: Any) -> None:
    """Write an entry for every row of t into the (empty) index B-tree idx.root,
    checking uniqueness as CREATE UNIQUE INDEX does."""
    from pyrite.exec.dml import index_layout, unique_message
    from pyrite.storage import btree, record

    pg = s.temp_pager if t.temp else s.pager
    ki, tail = index_layout(s.collations, t, idx)
    pred = s.compile_row_predicate(t, idx.where) if idx.where is not None else None
    fns = [s.compile_row_predicate(t, x) if x is not None else None for x in idx.exprs]
    clock = next((c for c in map(clock_use, idx.exprs) if c is not None), None)
    entries: list[Any] = []
    from pyrite.planner.catalog import column_refs

    need = {c for c in idx.columns if c >= 0} | {
        t.column_index(n) for x in [*idx.exprs, idx.where] if x is not None for n in column_refs(x)}
    if (not t.without_rowid and not t.has_virtual() and not fns and pred is None
            and clock is None):
        _fill_plain(s, t, idx, ki, pg)
        return
    for rowid, vals in list(table_rows(s, t, need)):
        if clock is not None:
            raise errors.OperationalError(f"non-deterministic use of {clock}() in an index")
        if pred is not None and not V.truth(pred(vals, rowid)):
            continue
        if fns:
            key = tuple(fn(vals, rowid) if fn is not None else (rowid if c < 0 else vals[c])
                        for fn, c in zip(fns, idx.columns, strict=True))
        else:
            key = tuple(rowid if c < 0 else vals[c] for c in idx.columns)
        entries.append(key + (tuple(vals[c] for c in tail) if tail is not None else (rowid,)))
    # Sorted, then written bottom-up (btree.index_build) rather than one insert each.
    entries = record.sort_keys(entries, ki)
    k = len(idx.columns)
    out: list[Any] = []
    prev: Any = None
    for e in entries:
        if prev is not None:
            if idx.unique and record.compare(prev[:k], e[:k], ki) == 0 and not any(
                    v is None for v in e[:k]):
                raise errors.ConstraintError(unique_message(t, idx),
                                             code=C.SQLITE_CONSTRAINT_UNIQUE)
            if record.compare(prev, e, ki) == 0:
                out.pop()  # an equal full key replaces the earlier one, as insert does
        out.append(e)
        prev = e
    btree.index_build(pg, idx.root, out, pg.header_get("schema_format") or 4)


def _fill_plain(s: Session, t: Table, idx: Any, ki: Any, pg: Any) -> None:
    """fill_index for a rowid table without VIRTUAL columns and an index of plain
    columns: the rows come decoded a table leaf at a time (cursor.scan_leaf_rows, kept
    for the reads that follow), and when every key column holds only TEXT or only
    numbers (and no collation or DESC applies), entries sort as Python tuples, which
    is compare's order there. A record shorter than the table (written before ALTER
    TABLE ADD COLUMN) reads the added columns' DEFAULT."""
    from pyrite.exec.codegen import short_record_defaults
    from pyrite.exec.dml import unique_message
    from pyrite.storage import btree, iter_table, record
    from pyrite.storage.cursor import scan_leaf_rows
    from pyrite.storage.text_index import text_index_records

    cols = list(idx.columns)
    ipk = t.ipk
    m = max([c for c in cols if c >= 0 and c != ipk], default=-1) + 1
    defaults = tuple(short_record_defaults(t))
    fmt = pg.header_get("schema_format") or 4
    if len(cols) == 1 and 0 <= cols[0] != ipk and not any(c is not None for c in ki.collations) \
            and not any(ki.desc) and pg.codec == "utf-8" and fmt >= 4:
        # a column of TEXT and NULL only: the index records come from the table
        # records' bytes (storage.text_index), nothing decoded
        made = text_index_records(iter_table(pg, t.root), cols[0])
        if made is not None:
            if idx.unique and made[1]:
                raise errors.ConstraintError(unique_message(t, idx),
                                             code=C.SQLITE_CONSTRAINT_UNIQUE)
            btree.index_build(pg, idx.root, made[0], fmt)
            return
    entries: list[Any] = []
    app = entries.append
    if m == 0:
        for rows in scan_leaf_rows(pg, t.root):
            entries += [(rowid,) * (len(cols) + 1) for rowid, _ in rows]
    elif len(cols) == 1 and cols[0] != ipk and cols[0] >= 0:
        c0 = cols[0]
        d0 = defaults[c0]
        for rows in scan_leaf_rows(pg, t.root):
            entries += [(r[c0] if c0 < len(r) else d0, rowid) for rowid, r in rows]
    else:
        for rows in scan_leaf_rows(pg, t.root):
            for rowid, r in rows:
                if len(r) < m:
                    r = r + defaults[len(r):m]
                app(tuple([rowid if c < 0 or c == ipk else r[c] for c in cols]) + (rowid,))
    k = len(cols)
    plain = not any(c is not None for c in ki.collations) and not any(ki.desc)
    if plain:
        for j in range(k):
            kinds = {type(e[j]) for e in entries}
            if not (kinds <= {str} or kinds <= {int, float}):
                plain = False
                break
    if plain:
        if k == 1:
            # entries came in rowid order: a stable sort on the key alone orders
            # equal keys by rowid, as the whole tuple would (and compares less)
            entries.sort(key=operator.itemgetter(0))
        else:
            entries.sort()  # the rowid ends each entry: no two are equal
        if idx.unique:
            prev: Any = None
            for e in entries:
                key = e[:k]
                if key == prev:
                    raise errors.ConstraintError(unique_message(t, idx),
                                                 code=C.SQLITE_CONSTRAINT_UNIQUE)
                prev = key
    else:
        entries = record.sort_keys(entries, ki)
        if idx.unique:
            for a, b in zip(entries, entries[1:], strict=False):
                if record.compare(a[:k], b[:k], ki) == 0 and not any(v is None for v in b[:k]):
                    raise errors.ConstraintError(unique_message(t, idx),
                                                 code=C.SQLITE_CONSTRAINT_UNIQUE)
    btree.index_build(pg, idx.root, entries, pg.header_get("schema_format") or 4)


def reindex(s: Session, node: ast.Reindex) -> None:
    """REINDEX [name]: rebuild every index, those using collation `name`, those of
    table `name`, or index `name` (SQLite tries them in that order)."""
    from pyrite.storage import btree

    cat = s.catalog
    tables = [t for t in list(cat.tables.values()) + (
        list(cat.temp.tables.values()) if cat.temp is not None else []) if t.indexes]
    pick: list[tuple[Table, Any]] = []
    name = node.name
    low = (name or "").lower()
    if name is None:
        pick = [(t, ix) for t in tables for ix in t.indexes]
    elif node.schema is None and (low in ("binary", "nocase", "rtrim")
                                  or name.upper() in s.collations):
        pick = [(t, ix) for t in tables for ix in t.indexes
                if any((c or "BINARY").lower() == low for c in ix.collations)]
    elif cat.table(name, node.schema or "main") is not None:
        t = cat.table(name, node.schema or "main")
        assert t is not None
        pick = [(t, ix) for ix in t.indexes]
    elif cat.index(name, node.schema or "main") is not None:
        ix = cat.index(name, node.schema or "main")
        assert ix is not None
        t = cat.table_of_index(ix)
        assert t is not None
        pick = [(t, ix)]
    else:
        raise errors.OperationalError("unable to identify the object to be reindexed")
    for t, ix in pick:
        btree.clear_tree(s.temp_pager if t.temp else s.pager, ix.root)
        fill_index(s, t, ix)


_VACUUM_HEADER = ("user_version", "application_id", "text_encoding", "schema_format",
                  "default_cache_size")


def vacuum_image(s: Session) -> bytes:
    """The database rebuilt compactly, as a file image: every B-tree copied into a
    fresh pager (tables with their rowids, indexes entry by entry in key order),
    sqlite_schema rows in their order with the new root pages. The copy keeps the
    page size, reserved bytes, encoding, auto_vacuum mode and the header's user
    fields; the schema cookie moves on by one (VACUUM is a schema change)."""
    from pyrite.exec.dml import index_layout
    from pyrite.io.memory import MemoryFile
    from pyrite.storage import (
        IndexCursor,
        KeyInfo,
        Pager,
        TableCursor,
        btree,
        iter_index,
        iter_table,
        record,
    )

    old = s.pager
    cat = s.catalog
    ps = old.page_size
    new = Pager.open(MemoryFile(), page_size_hint=ps)
    reserved = ps - old.usable_size
    if reserved:
        new.set_page_size(ps, reserved)
    new.begin_read()
    new.begin_write()
    _init_schema_page(new)
    for f in _VACUUM_HEADER:
        new.header_set(f, old.header_get(f))
    page1 = bytes(old.get_page(1))
    if int.from_bytes(page1[52:56], "big"):
        p1 = new.write_page(1)
        p1[52:56] = (1).to_bytes(4, "big")
        p1[64:68] = page1[64:68]
    # Which B-tree is what: rowid table, or index / WITHOUT ROWID with its key order.
    kinds: dict[int, KeyInfo | None] = {}
    for t in cat.tables.values():
        if t.root <= 1:
            continue
        if t.without_rowid:
            pk = t.wr_index
            assert pk is not None
            kinds[t.root] = index_layout(s.collations, t, pk)[0]
        else:
            kinds[t.root] = None
        for ix in t.indexes:
            kinds[ix.root] = index_layout(s.collations, t, ix)[0]
    schema = [(rowid, list(record.decode(payload))) for rowid, payload in iter_table(old, 1)]
    scur = TableCursor(new, 1)
    for n, (_rowid, rec) in enumerate(schema):
        rec = rec + [None] * (5 - len(rec))
        root = rec[3]
        if rec[0] in ("table", "index") and isinstance(root, int) and root > 1:
            is_table = root in kinds and kinds[root] is None
            nroot = btree.create_table(new) if is_table else btree.create_index(new)
            if is_table:
                tcur = TableCursor(new, nroot)
                for rid, payload in iter_table(old, root):
                    tcur.insert(rid, payload)
            else:
                ki = kinds.get(root) or KeyInfo()
                icur = IndexCursor(new, nroot, ki)
                for entry in iter_index(old, root, ki):
                    icur.insert(entry)
            rec[3] = nroot
        scur.insert(n + 1, bytes(record.encode(rec)))
    new.header_set("schema_cookie", old.header_get("schema_cookie") + 1)
    new.commit()  # fills the header's page count and version-valid-for fields
    new.begin_read()
    image = b"".join(bytes(new.get_page(i)) for i in range(1, new.page_count + 1))
    new.end_read()
    new.close()
    return image


def vacuum(s: Session, node: ast.Vacuum) -> None:
    """VACUUM [INTO file]: rewrite the database compactly (through vacuum_image), in
    the statement's own write transaction, so a failure leaves the file as it was."""
    if not s.autocommit:
        raise errors.OperationalError("cannot VACUUM from within a transaction")
    if node.schema is not None and node.schema.lower() not in ("main", "temp"):
        raise errors.OperationalError(f"unknown database {node.schema}")
    if node.schema is not None and node.schema.lower() == "temp":
        return
    image = vacuum_image(s)
    ps = s.pager.page_size
    if node.into is not None:
        target = _pragma_value(node.into)
        if not isinstance(target, str):
            raise errors.OperationalError("non-text filename")
        import os

        if target and os.path.exists(target) and os.path.getsize(target) > 0:
            raise errors.OperationalError("output file already exists")
        with open(target, "wb") as fh:
            fh.write(image)
        return
    p = s.pager
    n = len(image) // ps
    for i in range(1, n + 1):
        page = p.write_page(i) if i <= p.page_count else p.new_page(i)
        page[:] = image[(i - 1) * ps:i * ps]
    if n < p.page_count:
        p.truncate_pages(n)
    s.reload_schema()


def _refs_other_schema(node: Any, schema: str) -> str | None:
    """The first schema other than `schema` that a qualified table name in node
    names, else None (SQLite's DbFixer for a view or trigger outside TEMP)."""
    import dataclasses

    stack: list[Any] = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, (ast.TableRef, ast.TableFunctionRef, ast.InTable)) \
                and x.schema is not None and x.schema.lower() != schema:
            return x.schema
        if isinstance(x, (list, tuple)):
            stack.extend(reversed(x))
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            stack.extend(reversed([getattr(x, f.name) for f in dataclasses.fields(x)]))
    return None


def create_view(s: Session, node: ast.CreateView) -> None:
    is_temp = _target_temp(s, node.schema, node.temp)
    kind = _name_taken(s, node.name, is_temp)
    if kind is not None:
        if node.if_not_exists:
            return
        if kind == "index":
            raise errors.OperationalError(f"there is already an index named {node.name}")
        raise errors.OperationalError(f"{kind} {node.name} already exists").at(node.name_offset)
    other = None if is_temp else _refs_other_schema(node.select, "main")
    if other is not None:
        raise errors.OperationalError(
            f"view {node.name} cannot reference objects in database {other}")
    pg = _temp_schema_pager(s) if is_temp else s.pager
    _schema_insert(s, ["view", node.name, node.name, 0, node.schema_sql], pg)
    _schema_done(s, is_temp)


def create_trigger(s: Session, node: ast.CreateTrigger) -> None:
    sch = node.schema.lower() if node.schema is not None else None
    if node.temp and sch is not None:
        raise errors.OperationalError("temporary trigger may not have qualified name")
    if sch is not None and sch not in ("main", "temp"):
        raise errors.OperationalError(f"unknown database {node.schema}")
    cat = s.catalog
    tsch = node.table_schema
    target = cat.table_or_view(node.table, tsch if tsch is not None else (
        "main" if sch == "main" else None))
    # a trigger on a TEMP table or view is a TEMP trigger (sqlite3BeginTrigger)
    is_temp = node.temp or sch == "temp" or (
        sch is None and target is not None and cat.is_temp(target))
    if not is_temp:
        other = tsch if tsch is not None and tsch.lower() != "main" else \
            _refs_other_schema(node.body, "main")
        if other is not None:
            raise errors.OperationalError(
                f"trigger {node.name} cannot reference objects in database {other}")
    if target is None:
        where = "main." if tsch is None else tsch + "."
        raise errors.OperationalError(f"no such table: {where}{node.table}")
    kind = _name_taken(s, node.name, is_temp)
    if kind is not None:
        if node.if_not_exists:
            return
        raise errors.OperationalError(f"trigger {node.name} already exists")
    pg = _temp_schema_pager(s) if is_temp else s.pager
    _schema_insert(s, ["trigger", node.name, node.table, 0, node.schema_sql], pg)
    cat.bound_main.discard(node.name.lower())
    if is_temp and tsch is None and not cat.is_temp(target):
        cat.bound_main.add(node.name.lower())
    _schema_done(s, is_temp)


def drop(s: Session, node: ast.Drop) -> None:
    from pyrite.storage import btree

    low = node.name.lower()
    cat = s.catalog
    kind = node.kind.upper()
    sch = node.schema
    qname = node.name if sch is None else f"{sch}.{node.name}"
    if kind == "TABLE":
        obj = cat.table_or_view(node.name, sch)
        t = obj if isinstance(obj, Table) else None
        if t is None or low == "sqlite_schema":
            if node.if_exists and low != "sqlite_schema":
                return
            if obj is not None and t is None:
                raise errors.OperationalError(f"use DROP VIEW to delete view {node.name}")
            if low in ("sqlite_schema", "sqlite_master"):
                raise errors.OperationalError(f"table {node.name} may not be dropped")
            raise errors.OperationalError(f"no such table: {qname}")
        if t.name.lower().startswith("sqlite_") and t.name.lower() not in (
                "sqlite_stat1", "sqlite_sequence", "sqlite_parameters"):
            raise errors.OperationalError(f"table {t.name} may not be dropped")
        if s.foreign_keys:
            from pyrite.exec import fkey

            fkey.drop_table(s, t)  # an implicit DELETE FROM (foreignkeys.html 5)
        if t.autoincrement:
            _seq_delete(s, t.name, t.temp)
        # its triggers go with it, TEMP ones on a main table included (and a TEMP
        # trigger bound to main's table of the same name stays)
        bound = cat.bound_main
        trig = {tr.name.lower() for tr in cat.triggers_on(t) if cat.is_temp(tr)}
        if t.temp:
            pg = s.temp_pager
            gone = _schema_delete(s, lambda r: isinstance(r[2], str) and r[2].lower() == low
                                  and not (r[0] == "trigger" and str(r[1]).lower() in bound),
                                  pg)
        else:
            pg = s.pager
            gone = _schema_delete(s, lambda r: isinstance(r[2], str) and r[2].lower() == low, pg)
            if trig:
                _schema_delete(s, lambda r: r[0] == "trigger" and str(r[1]).lower() in trig,
                               s.temp_pager)
                s.reload_temp()
        bound -= trig
        for typ, root in sorted(gone, key=lambda x: -x[1]):
            if root > 0 and typ in ("table", "index"):
                btree.drop_tree(pg, root)
        _schema_done(s, t.temp)
        return
    temp = False
    if kind == "INDEX":
        idx = cat.index(node.name, sch)
        if idx is None:
            if node.if_exists:
                return
            raise errors.OperationalError(f"no such index: {qname}")
        if idx.sql is None:
            raise errors.OperationalError(
                "index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped")
        temp = cat.is_temp(idx)
        pg = s.temp_pager if temp else s.pager
        _schema_delete(s, lambda r: r[0] == "index" and isinstance(r[1], str)
                       and r[1].lower() == low, pg)
        btree.drop_tree(pg, idx.root)
    elif kind == "VIEW":
        obj = cat.table_or_view(node.name, sch)
        if obj is None or isinstance(obj, Table):
            if node.if_exists:
                return
            if obj is not None:
                raise errors.OperationalError(f"use DROP TABLE to delete table {node.name}")
            raise errors.OperationalError(f"no such view: {qname}")
        temp = cat.is_temp(obj)
        _schema_delete(s, lambda r: r[0] == "view" and isinstance(r[1], str)
                       and r[1].lower() == low, s.temp_pager if temp else s.pager)
    elif kind == "TRIGGER":
        trg = cat.trigger(node.name, sch)
        if trg is None:
            if node.if_exists:
                return
            raise errors.OperationalError(f"no such trigger: {qname}")
        temp = cat.is_temp(trg)
        _schema_delete(s, lambda r: r[0] == "trigger" and isinstance(r[1], str)
                       and r[1].lower() == low, s.temp_pager if temp else s.pager)
        if temp:
            cat.bound_main.discard(low)
    _schema_done(s, temp)


# --------------------------------------------------------------------------- PRAGMA


def _pragma_value(e: ast.Expr | None) -> Any:
    if e is None:
        return None
    if isinstance(e, ast.Literal):
        return e.value
    if isinstance(e, ast.Unary) and e.op == "-" and isinstance(e.operand, ast.Literal):
        v = e.operand.value
        return -v if isinstance(v, (int, float)) else v
    if isinstance(e, ast.ColumnRef):
        return e.column
    return None


def _bool_value(v: Any) -> int:
    if isinstance(v, str):
        low = v.lower()
        if low in ("on", "yes", "true"):
            return 1
        if low in ("off", "no", "false"):
            return 0
        n = V.to_integer(v)
        return 1 if n else 0
    return 1 if v else 0


# pragma.h's PragFlg_NoColumns (never a result column) and PragFlg_NoColumns1
# (no result column when given a value); a pragma that is neither names its
# result column(s) also when setting.
_NOCOLS = 1
_NOCOLS1 = 2

# Every pragma of SQLite 3.40.1's default build, in pragma_list order:
# name -> (flags, result column names; () for the pragma's own name).
PRAGMAS: dict[str, tuple[int, tuple[str, ...]]] = {
    "analysis_limit": (0, ()),
    "application_id": (_NOCOLS1, ()),
    "auto_vacuum": (_NOCOLS1, ()),
    "automatic_index": (_NOCOLS1, ()),
    "busy_timeout": (0, ("timeout",)),
    "cache_size": (_NOCOLS1, ()),
    "cache_spill": (_NOCOLS1, ()),
    "case_sensitive_like": (_NOCOLS, ()),
    "cell_size_check": (_NOCOLS1, ()),
    "checkpoint_fullfsync": (_NOCOLS1, ()),
    "collation_list": (0, ("seq", "name")),
    "compile_options": (0, ()),
    "count_changes": (_NOCOLS1, ()),
    "data_version": (0, ()),
    "database_list": (0, ("seq", "name", "file")),
    "default_cache_size": (_NOCOLS1, ("cache_size",)),
    "defer_foreign_keys": (_NOCOLS1, ()),
    "empty_result_callbacks": (_NOCOLS1, ()),
    "encoding": (_NOCOLS1, ()),
    "foreign_key_check": (0, ("table", "rowid", "parent", "fkid")),
    "foreign_key_list": (0, ("id", "seq", "table", "from", "to", "on_update", "on_delete",
                             "match")),
    "foreign_keys": (_NOCOLS1, ()),
    "freelist_count": (0, ()),
    "full_column_names": (_NOCOLS1, ()),
    "fullfsync": (_NOCOLS1, ()),
    "function_list": (0, ("name", "builtin", "type", "enc", "narg", "flags")),
    "hard_heap_limit": (0, ()),
    "ignore_check_constraints": (_NOCOLS1, ()),
    "incremental_vacuum": (_NOCOLS, ()),
    "index_info": (0, ("seqno", "cid", "name")),
    "index_list": (0, ("seq", "name", "unique", "origin", "partial")),
    "index_xinfo": (0, ("seqno", "cid", "name", "desc", "coll", "key")),
    "integrity_check": (0, ()),
    "journal_mode": (0, ()),
    "journal_size_limit": (0, ()),
    "legacy_alter_table": (_NOCOLS1, ()),
    "locking_mode": (0, ()),
    "max_page_count": (0, ()),
    "mmap_size": (0, ()),
    "module_list": (0, ("name",)),
    "optimize": (0, ()),
    "page_count": (0, ()),
    "page_size": (_NOCOLS1, ()),
    "pragma_list": (0, ("name",)),
    "query_only": (_NOCOLS1, ()),
    "quick_check": (0, ()),
    "read_uncommitted": (_NOCOLS1, ()),
    "recursive_triggers": (_NOCOLS1, ()),
    "reverse_unordered_selects": (_NOCOLS1, ()),
    "schema_version": (_NOCOLS1, ()),
    "secure_delete": (0, ()),
    "short_column_names": (_NOCOLS1, ()),
    "shrink_memory": (_NOCOLS, ()),
    "soft_heap_limit": (0, ()),
    "synchronous": (_NOCOLS1, ()),
    "table_info": (0, ("cid", "name", "type", "notnull", "dflt_value", "pk")),
    "table_list": (0, ("schema", "name", "type", "ncol", "wr", "strict")),
    "table_xinfo": (0, ("cid", "name", "type", "notnull", "dflt_value", "pk", "hidden")),
    "temp_store": (_NOCOLS1, ()),
    "temp_store_directory": (_NOCOLS1, ()),
    "threads": (0, ()),
    "trusted_schema": (_NOCOLS1, ()),
    "user_version": (_NOCOLS1, ()),
    "wal_autocheckpoint": (0, ()),
    "wal_checkpoint": (0, ("busy", "log", "checkpointed")),
    "writable_schema": (_NOCOLS1, ()),
}

# PragTyp_FLAG pragmas (a bit of db->flags) and their defaults when on
_FLAGS: dict[str, int] = {
    "automatic_index": 1, "cell_size_check": 0, "checkpoint_fullfsync": 0,
    "count_changes": 0, "defer_foreign_keys": 0, "empty_result_callbacks": 0,
    "full_column_names": 0, "fullfsync": 0, "ignore_check_constraints": 0,
    "legacy_alter_table": 0, "query_only": 0, "read_uncommitted": 0,
    "recursive_triggers": 0, "reverse_unordered_selects": 0, "short_column_names": 1,
    "trusted_schema": 1, "writable_schema": 0,
}

# flags compiled into statements: a change drops the statement cache
_CODE_FLAGS = frozenset(("automatic_index", "ignore_check_constraints", "recursive_triggers"))


def flag_default(name: str) -> int:
    """The default of PRAGMA flag `name` (0 for an unknown one)."""
    return _FLAGS.get(name, 0)


# pragmas that write the database file when given a value
_WRITES = frozenset(("user_version", "schema_version", "application_id", "default_cache_size"))

_MAX_PAGE_COUNT = 1073741823  # SQLITE_MAX_PAGE_COUNT
_MAX_MMAP_SIZE = 0x7FFF0000  # SQLITE_MAX_MMAP_SIZE on Linux
_MAX_WORKER_THREADS = 8  # SQLITE_MAX_WORKER_THREADS
_PCACHE_EXTRA = 144  # bytes pcache1 adds to each page (64-bit build): sizes -N KiB caches


def pragma_columns(node: ast.Pragma) -> list[str]:
    """pragma_columns(node) -> the result column names of a PRAGMA statement, as
    pragma.c sets them before running it (none for an unknown pragma)."""
    name = node.name.lower()
    spec = PRAGMAS.get(name)
    if spec is None:
        return []
    flags, cols = spec
    if flags & _NOCOLS or (flags & _NOCOLS1 and node.value is not None):
        return []
    return list(cols) if cols else [name]


def pragma_writes(node: ast.Pragma) -> bool:
    """Whether running the PRAGMA needs a write transaction."""
    name = node.name.lower()
    return name == "incremental_vacuum" or (node.value is not None and name in _WRITES)


def _ztext(v: Any) -> str:
    """The argument as the text pragma.c sees (zRight)."""
    return v if isinstance(v, str) else str(v)


def _atoi(v: Any, bits: int = 32) -> int:
    """sqlite3Atoi / sqlite3DecOrHexToI64 of zRight: a leading decimal (or 0x hex)
    integer, 0 when there is none or it does not fit."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        n = v
    elif isinstance(v, float):
        n = int(v)
    else:
        z = _ztext(v).strip()
        if z[:2].lower() == "0x":
            try:
                n = int(z[2:], 16)
            except ValueError:
                return 0
            n = n - (1 << 64) if n >= 1 << 63 else n
        else:
            i = 1 if z[:1] in ("+", "-") else 0
            j = i
            while j < len(z) and z[j].isdigit():
                j += 1
            n = int(z[:j]) if j > i else 0
    lim = 1 << (bits - 1)
    return n if -lim <= n < lim else 0


def _safety_level(v: Any, omit_full: bool, dflt: int) -> int:
    """pragma.c getSafetyLevel: a number, or on/no/off/false/yes/true/extra/full."""
    z = _ztext(v)
    if z[:1].isdigit():
        return _atoi(z)
    low = z.lower()
    for word, val in (("on", 1), ("no", 0), ("off", 0), ("false", 0), ("yes", 1),
                      ("true", 1), ("extra", 3), ("full", 2)):
        if low == word and (not omit_full or val <= 1):
            return val
    return dflt


def _boolean(v: Any) -> int:
    """sqlite3GetBoolean(zRight, 0)."""
    return 1 if _safety_level(v, True, 0) else 0


def _parsed_table(t: Table) -> ast.CreateTable | None:
    """The CREATE TABLE statement of t, parsed again from its schema text."""
    from pyrite.sql import parse

    if not t.sql:
        return None
    try:
        st = parse(t.sql)[0].statement
    except (errors.Error, IndexError):
        return None
    return st if isinstance(st, ast.CreateTable) else None


def _default_texts(t: Table) -> dict[str, str]:
    """column name (lower case) -> its DEFAULT's text as written (table_info's dflt_value)."""
    st = _parsed_table(t)
    out: dict[str, str] = {}
    if st is None:
        return out
    for cd in st.columns:
        for cc in cd.constraints:
            if cc.kind == "DEFAULT" and cc.text is not None:
                out[cd.name.lower()] = cc.text
    return out


def _table_info(s: Session, arg: Any, xinfo: bool) -> list[Row]:
    cat = s.catalog
    low = str(arg).lower()
    if low in ("sqlite_master", "sqlite_temp_master", "sqlite_temp_schema"):
        low = "sqlite_schema"  # the TEMP one has the same columns
    t = cat.table(low) if low != "sqlite_schema" else cat.tables.get(low)
    rows: list[Row] = []
    if t is not None:
        texts = _default_texts(t)
        for i, c in enumerate(t.columns):
            if not xinfo and c.generated is not None:
                continue  # table_info leaves generated (hidden) columns out
            dflt = None
            if c.default is not None:
                dflt = texts.get(c.name.lower()) or _default_text(c.default)
            typ = c.decl_type or ""
            if t.root == 1 and t.name.lower() == "sqlite_schema":
                typ = typ.upper()  # the built-in table: "TEXT", "INT" as the parser keeps them
            row: Row = (i if xinfo else len(rows), c.name, typ,
                        int(c.not_null), dflt, c.pk)
            # hidden: 0 ordinary, 2 VIRTUAL, 3 STORED
            rows.append(row + (c.hidden,) if xinfo else row)
    elif str(arg).lower() in cat.views:
        for i, (n, typ) in enumerate(_view_columns(s, str(arg))):
            row = (i, n, typ, 0, None, 0)
            rows.append(row + (0,) if xinfo else row)
    return rows


def _view_columns(s: Session, name: str) -> list[tuple[str, str]]:
    """(name, declared type) of each column of a view, as SQLite derives them."""
    v = s.catalog.views[name.lower()]
    prog, _ = s.compile_select_for_ctas(v.select)
    names = list(v.columns) or prog.column_names
    types = prog.decltypes
    return [(n, (types[i] if i < len(types) else None) or "") for i, n in enumerate(names)]


def _table_list(s: Session, arg: Any) -> list[Row]:
    """PRAGMA table_list[(name)]: schema, name, type, ncol, wr, strict of every
    table and view, each schema's in its schema-hash order (storage/integrity.py
    schema_order), main first."""
    from pyrite.storage import read_schema
    from pyrite.storage.integrity import schema_order

    want = None if arg is None else str(arg).lower()
    out: list[Row] = []
    cat = s.catalog
    dbs: list[tuple[str, Any, Any]] = [("main", cat, s.pager)]
    # the TEMP schema is listed (its sqlite_temp_schema) even before it is opened
    dbs.append(("temp", cat.temp, s.temp_pager if cat.temp is not None else None))
    for schema, c, pg in dbs:
        master = "sqlite_master" if schema == "main" else "sqlite_temp_master"
        shown = "sqlite_schema" if schema == "main" else "sqlite_temp_schema"
        rows = [r for r in read_schema(pg) if r.type in ("table", "view")] \
            if pg is not None and pg.page_count > 0 else []
        names = [master] + [r.name for r in rows]
        for pos in schema_order(names):
            if pos == 0:
                if want is None or want == master:
                    out.append((schema, shown, "table", 5, 0, 0))
                continue
            r = rows[pos - 1]
            if want is not None and r.name.lower() != want:
                continue
            if r.type == "view":
                try:
                    ncol = len(_view_columns(s, r.name)) if c is cat else 0
                except errors.Error:
                    ncol = 0
                out.append((schema, r.name, "view", ncol, 0, 0))
                continue
            t = c.tables.get(r.name.lower())
            if t is None:
                continue
            out.append((schema, t.name, "table", len(t.columns), int(t.without_rowid),
                        int(t.strict)))
    return out


def _index_list(s: Session, arg: Any) -> list[Row]:
    t = s.catalog.table(str(arg))
    rows: list[Row] = []
    if t is not None:
        ixs = list(t.indexes)
        if t.wr_index is not None:
            def num(ix: Any) -> int:
                tail = ix.name.rsplit("_", 1)[-1]
                return int(tail) if tail.isdigit() else 0
            wn = num(t.wr_index)
            ixs.insert(sum(1 for ix in ixs if ix.sql is None and num(ix) < wn), t.wr_index)
        for seq, ixl in enumerate(reversed(ixs)):
            origin = "c" if ixl.sql is not None else ("pk" if ixl.origin == "pk" else "u")
            rows.append((seq, ixl.name, int(ixl.unique), origin, int(ixl.where is not None)))
    return rows


def _find_index(s: Session, name: str) -> Any:
    """The index of that name (a TEMP one first), or a WITHOUT ROWID table's
    PRIMARY KEY index (sqlite_autoindex_T_N), or None."""
    low = name.lower()
    cat = s.catalog
    for c in (cat.temp, cat):
        if c is None:
            continue
        ix = c.indexes.get(low)
        if ix is None:
            ix = next((t.wr_index for t in c.tables.values()
                       if t.wr_index is not None and t.wr_index.name.lower() == low), None)
        if ix is not None:
            return ix
    return None


def _index_xinfo(s: Session, name: str) -> list[Row]:
    """PRAGMA index_xinfo(index): seqno, cid, name, desc, coll, key for the key
    columns, then the columns every entry also holds (key 0): the rowid, or for
    a WITHOUT ROWID table the PRIMARY KEY columns (its own index: the others)."""
    ix = _find_index(s, name)
    if ix is None:
        return []
    t = s.catalog.table(ix.table)
    if t is None:
        return []
    cols = t.columns

    def coll(c: str | None, cid: int) -> str:
        return c or (cols[cid].collation if cid >= 0 else None) or "BINARY"

    out: list[Row] = []
    for cid, c, desc in zip(ix.columns, ix.collations, ix.desc, strict=False):
        out.append((len(out), cid, cols[cid].name if cid >= 0 else None, int(desc),
                    coll(c, cid), 1))
    pk = t.wr_index
    if not t.without_rowid or pk is None:
        out.append((len(out), -1, None, 0, "BINARY", 0))
    elif ix is pk:
        for cid, col in enumerate(cols):
            if cid not in ix.columns and not col.virtual:
                out.append((len(out), cid, col.name, 0, "BINARY", 0))
    else:
        for cid, c, desc in zip(pk.columns, pk.collations, pk.desc, strict=False):
            if cid not in ix.columns:
                out.append((len(out), cid, cols[cid].name, int(desc), coll(c, cid), 0))
    return out


def _foreign_key_list(s: Session, table: str) -> list[Row]:
    """PRAGMA foreign_key_list(table): id, seq, table, from, to, on_update,
    on_delete, match per column of each FOREIGN KEY, the last declared first
    (SQLite prepends each to the table's list as the CREATE TABLE is parsed)."""
    from pyrite.exec.fkey import _clauses

    t = s.catalog.table(table)
    fks = [] if t is None else _clauses(t)
    out: list[Row] = []
    for fid, (cols, fk) in enumerate(reversed(fks)):
        for seq, col in enumerate(cols):
            to = fk.columns[seq] if seq < len(fk.columns) else None
            out.append((fid, seq, fk.table, col, to, fk.on_update or "NO ACTION",
                        fk.on_delete or "NO ACTION", "NONE"))
    return out


def _fk_parent_key(s: Session, child: Table, parent: Table, to: list[str | None]
                   ) -> tuple[list[int], list[str], bool] | None:
    """sqlite3FkLocateIndex: the parent columns a foreign key refers to, their
    collations, and whether they are the rowid (an INTEGER PRIMARY KEY); None when
    no PRIMARY KEY or UNIQUE index (not partial, default collations) matches."""
    names = [c.name.lower() for c in parent.columns]
    n = len(to)
    if n == 1 and parent.ipk is not None and (to[0] is None or to[0].lower() == names[parent.ipk]):
        return [parent.ipk], ["BINARY"], True
    cands = list(parent.indexes)
    if parent.wr_index is not None:
        cands.append(parent.wr_index)
    for ix in cands:
        if len(ix.columns) != n or not ix.unique or ix.where is not None or -2 in ix.columns:
            continue
        colls = [(c or parent.columns[cid].collation or "BINARY").upper()
                 for cid, c in zip(ix.columns, ix.collations, strict=False)]
        if to[0] is None:
            if ix.origin == "pk":
                return list(ix.columns), colls, False
            continue
        got: list[int] = []
        for want in to:
            w = (want or "").lower()
            k = next((i for i, cid in enumerate(ix.columns) if names[cid] == w), None)
            if k is None or colls[k] != (parent.columns[ix.columns[k]].collation
                                         or "BINARY").upper():
                break
            got.append(k)
        else:
            return [ix.columns[k] for k in got], [colls[k] for k in got], False
    return None


def _fk_key(vals: list[Any], colls: list[str]) -> tuple[Any, ...] | None:
    """A hashable key equal for values an index with these collations holds equal
    (None: a collation that cannot be keyed)."""
    out: list[Any] = []
    for v, c in zip(vals, colls, strict=True):
        if isinstance(v, str):
            if c == "NOCASE":
                v = V._nocase_key(v)
            elif c == "RTRIM":
                v = v.rstrip(" ")
            elif c != "BINARY":
                return None
            out.append(("t", v))
        elif isinstance(v, bytes):
            out.append(("b", v))
        else:
            out.append(("n", v))
    return tuple(out)


def _foreign_key_check(s: Session, arg: Any) -> list[Row]:
    """PRAGMA foreign_key_check[(table)]: table, rowid, parent, fkid of each child
    row whose (non-NULL) key has no parent row; tables in schema-hash order, rows
    in rowid order, each row's foreign keys by id."""
    from pyrite.storage.integrity import schema_order

    cat = s.catalog
    if arg is not None:
        only = cat.table(str(arg))
        if only is None:
            if str(arg).lower() in cat.views:
                return []
            raise errors.OperationalError(f"no such table: {arg}")
        tables = [only]
    else:
        items = list(cat.tables.items())
        names = ["sqlite_master" if k == "sqlite_schema" else t.name for k, t in items]
        tables = [items[pos][1] for pos in schema_order(names)]
    out: list[Row] = []
    for t in tables:
        fks: dict[int, list[Row]] = {}
        for r in _foreign_key_list(s, t.name):
            fks.setdefault(r[0], []).append(r)
        if not fks:
            continue
        checks: list[tuple[int, str, list[int], Any]] = []
        cnames = [c.name.lower() for c in t.columns]
        for fid, parts in sorted(fks.items()):
            ptab = cat.table(parts[0][2])
            frm = [cnames.index(str(r[3]).lower()) if str(r[3]).lower() in cnames else -1
                   for r in parts]
            if ptab is None:
                checks.append((fid, parts[0][2], frm, None))
                continue
            key = _fk_parent_key(s, t, ptab, [r[4] for r in parts])
            if key is None or -1 in frm:
                raise errors.OperationalError(
                    f'foreign key mismatch - "{t.name}" referencing "{ptab.name}"')
            pcols, colls, is_rowid = key
            affs = [ptab.columns[c].affinity for c in pcols]
            have: Any
            if is_rowid:
                have = {rid for rid, _ in table_rows(s, ptab, set())}
            elif any(c not in ("BINARY", "NOCASE", "RTRIM") for c in colls):
                have = [[row[c] for c in pcols] for _, row in table_rows(s, ptab)]
            else:
                have = {_fk_key([row[c] for c in pcols], colls)
                        for _, row in table_rows(s, ptab)}
            checks.append((fid, ptab.name, frm, (is_rowid, affs, colls, have)))
        for rowid, row in table_rows(s, t):
            for fid, pname, frm, found in checks:
                vals = [row[c] for c in frm]
                if any(v is None for v in vals):
                    continue
                if found is not None:
                    is_rowid, affs, colls, have = found
                    vals = [V.apply_affinity(v, a) for v, a in zip(vals, affs, strict=True)]
                    if is_rowid:
                        v = vals[0]
                        if isinstance(v, float) and v.is_integer():
                            v = int(v)
                        if isinstance(v, int) and v in have:
                            continue
                    elif isinstance(have, set):
                        if _fk_key(vals, colls) in have:
                            continue
                    elif any(all(V.compare(a, b, s.collations.get(c)) == 0
                                 for a, b, c in zip(vals, pv, colls, strict=True))
                             for pv in have):
                        continue
                out.append((t.name, rowid, pname, fid))
    return out


def integrity_check(s: Session, arg: Any = None, quick: bool = False) -> list[str]:
    """PRAGMA integrity_check / quick_check [(N | table)] -> result rows, as SQLite
    3.40 (storage/integrity.py pragma_check): the tables in SQLite's schema-hash
    order, each with its B-trees and its columns, CHECK constraints and indexes
    described; what needs SQL (CHECK, index expressions, partial-index WHERE,
    VIRTUAL columns) goes to storage as functions of a row."""
    from pyrite.storage.integrity import pragma_check, schema_order

    mx = 100
    only = None
    if arg is not None:
        text = str(arg).strip()
        if isinstance(arg, int) or text.lstrip("+-").isdigit():
            mx = int(text)
            if mx <= 0 or mx > 0x7FFFFFFF:
                mx = 100
        else:
            low = text.lower()
            only = s.catalog.tables.get(
                "sqlite_schema" if low in ("sqlite_master", "main.sqlite_master") else low)
            if only is None:
                raise errors.OperationalError(f"no such table: {text}")
    tables = list(s.catalog.tables.items())
    names = ["sqlite_master" if k == "sqlite_schema" else t.name for k, t in tables]
    checks = not s.pragma_store.get("ignore_check_constraints", 0)
    specs = [_integrity_spec(s, tables[pos][1], checks) for pos in schema_order(names)
             if only is None or tables[pos][1] is only]
    return pragma_check(s.pager, specs, mx, quick, only is not None)


def _integrity_spec(s: Session, t: Table, checks: bool) -> TableSpec:
    """The TableSpec of t for storage/integrity.py: record positions of what is
    checked, and functions of a row for the CHECK constraints and for the indexes
    whose entries need SQL to compute (expressions, partial indexes, VIRTUAL columns)."""
    from pyrite.exec.codegen import short_record_defaults
    from pyrite.exec.dml import index_layout
    from pyrite.storage.integrity import ColumnSpec, IndexSpec, TableSpec

    order = t.record_order()
    where = {c: n for n, c in enumerate(order)}
    if t.ipk is not None:
        where[t.ipk] = -1
    short = short_record_defaults(t)
    defaults = [short[c] for c in order]
    idxs = list(reversed(t.indexes))  # pIndex order: the newest first
    btrees = ([] if t.without_rowid else [t.root]) + [x.root for x in idxs]
    if t.without_rowid:
        btrees.append(t.root)
    columns = []
    for c, col in enumerate(t.columns):
        typ = (col.decl_type or "").upper() if t.strict else ""
        if c != t.ipk and (col.not_null or typ not in ("", "ANY")):
            columns.append(ColumnSpec(where.get(c, -1), c, col.name, col.not_null,
                                      typ if typ not in ("", "ANY") else None))
    spec = TableSpec(t.name, t.root, t.without_rowid, len(order), btrees, columns,
                     defaults=defaults)
    for x in idxs:
        ki, tail = index_layout(s.collations, t, x)
        fields = list(x.columns) + (tail if tail is not None else [-1])
        plain = x.where is None and all(c == -1 or c in where for c in fields)
        spec.indexes.append(IndexSpec(
            x.name, x.root, [-1 if c < 0 else where[c] for c in fields] if plain else [],
            ki, x.unique, [c == -1 or c >= 0 and t.columns[c].not_null for c in x.columns],
            None if plain else _index_entry(s, t, x, tail)))
    if t.without_rowid and t.wr_index is not None:
        spec.pk_key = index_layout(s.collations, t, t.wr_index)[0]
        spec.pk_cols = len(t.wr_pk)
    if checks and t.checks:
        preds = [s.compile_row_predicate(t, e) for _, e in t.checks]

        def check(row: list[Any], rowid: Any) -> bool:
            """A CHECK constraint is false (not NULL) for the row."""
            for pred in preds:
                v = pred(row, rowid)
                if v is not None and not V.truth(v):
                    return True
            return False

        spec.check = check
    spec.row = _row_maker(s, t, order)
    return spec


def _row_maker(s: Session, t: Table, order: list[int]) -> Callable[[list[Any], Any], list[Any]]:
    """A function (record values, rowid) -> the row in table column order, the rowid
    alias and VIRTUAL generated columns filled in, as a read sees it."""
    n = len(t.columns)
    ipk = t.ipk
    virt = [i for i, c in enumerate(t.columns) if c.virtual]
    gen = generated_filler(s, t, virt) if virt else None

    def row_of(vals: list[Any], rowid: Any) -> list[Any]:
        row: list[Any] = [None] * n
        for j, c in enumerate(order):
            row[c] = vals[j]
        if ipk is not None:
            row[ipk] = rowid
        if gen is not None:
            gen(row, rowid)
        return row

    return row_of


def _index_entry(s: Session, t: Table, x: Any, tail: list[int] | None
                 ) -> Callable[[list[Any], Any], list[Any] | None]:
    """A function (row, rowid) -> the entry of index x for the row, as CREATE INDEX
    (fill_index) makes it, or None when the row is not in the partial index."""
    pred = s.compile_row_predicate(t, x.where) if x.where is not None else None
    exprs = x.exprs or [None] * len(x.columns)
    fns = [s.compile_row_predicate(t, e) if e is not None else None for e in exprs]
    cols = list(x.columns)

    def entry(row: list[Any], rowid: Any) -> list[Any] | None:
        if pred is not None and not V.truth(pred(row, rowid)):
            return None
        key = [fn(row, rowid) if fn is not None else (rowid if c < 0 else row[c])
               for fn, c in zip(fns, cols, strict=True)]
        key.extend([row[c] for c in tail] if tail is not None else [rowid])
        return key

    return entry


def _collation_list(s: Session) -> list[Row]:
    """User collations newest first, then RTRIM, NOCASE, BINARY (the order of
    SQLite's collation hash with fewer than ten entries)."""
    names = list(getattr(s, "collation_names", {}).values())
    builtin = ["RTRIM", "NOCASE", "BINARY"]
    user = [n for n in reversed(names) if n.upper() not in builtin]
    return list(enumerate(user + builtin))


def _cache_pages(cs: int, page_size: int) -> int:
    """pcache numberOfCachePages: N pages, or -N KiB worth of pages."""
    return cs if cs >= 0 else (-1024 * cs) // (page_size + _PCACHE_EXTRA)


def pragma(s: Session, node: ast.Pragma) -> tuple[list[str], list[Row], bool]:
    """pragma(s, node) -> (column names, rows, writes?)."""
    name = node.name.lower()
    cols = pragma_columns(node)
    if node.schema is not None:
        rows = _schema_pragma_rows(s, node, name)  # a setting runs even with no columns
    else:
        rows = _pragma_rows(s, node, name)
    return cols, rows if cols else [], pragma_writes(node)


_OBJECT_PRAGMAS = {"table_info": "table", "table_xinfo": "table", "index_list": "table",
                   "foreign_key_list": "table", "index_info": "index", "index_xinfo": "index"}


def _schema_pragma_rows(s: Session, node: ast.Pragma, name: str) -> list[Row]:
    """PRAGMA schema.name: an unknown schema is an error; a pragma about a table or
    index sees only that schema's objects (main's: with TEMP's out of the way)."""
    assert node.schema is not None
    sch = node.schema.lower()
    cat = s.catalog
    if cat.schema(sch) is None:
        raise errors.OperationalError(f"unknown database {node.schema}")
    kind = _OBJECT_PRAGMAS.get(name)
    if kind is None or node.value is None:
        return _pragma_rows(s, node, name)
    arg = str(_pragma_value(node.value))
    found = cat.table_or_view(arg, sch) if kind == "table" else cat.index(arg, sch)
    if found is None and not (sch == "main" and arg.lower() in ("sqlite_master", "sqlite_schema")):
        return []
    if sch == "temp" or cat.temp is None:
        return _pragma_rows(s, node, name)
    saved = cat.temp
    cat.temp = None  # main's object, even when TEMP has one of the same name
    try:
        return _pragma_rows(s, node, name)
    finally:
        cat.temp = saved


_TEMP_PRAGMAS = frozenset((
    "user_version", "application_id", "schema_version", "page_count", "freelist_count",
    "journal_mode", "cache_size", "synchronous", "locking_mode", "page_size", "max_page_count",
    "auto_vacuum", "cache_spill"))


def _temp_pragma(s: Session, name: str, val: Any, has: bool) -> list[Row]:
    """PRAGMA temp.<name>: the TEMP database's own header fields and settings (an
    in-memory file SQLite opens lazily, with synchronous OFF and exclusive locking;
    its journal mode, cache size, page size... kept apart from main's)."""
    p = s._temp_pager  # not opened by reading a pragma
    store = s.pragma_store
    header = {"user_version": "user_version", "schema_version": "schema_cookie",
              "application_id": "application_id"}
    if name in header:
        if has:
            p = _temp_schema_pager(s)
            p.header_set(header[name], _atoi(val) & 0xFFFFFFFF)
            return []
        v = p.header_get(header[name]) if p is not None and p.page_count > 0 else 0
        return [(v - 2**32 if v >= 2**31 else v,)]
    if name in ("page_count", "freelist_count"):
        if p is None or p.page_count == 0:
            return [(0,)]
        return [(p.page_count if name == "page_count" else p.header_get("freelist_count"),)]
    key = "temp." + name
    if name == "journal_mode":
        mode = str(val).lower() if val is not None else ""
        if mode in ("delete", "truncate", "persist", "memory", "off"):
            store[key] = mode  # TEMP is never WAL
        return [(store.get(key, "delete"),)]
    if name == "synchronous":
        return [] if has else [(0,)]
    if name == "locking_mode":
        return [("exclusive",)]
    if name in ("cache_size", "page_size", "auto_vacuum"):
        if has:
            if name == "cache_size":
                store[key] = _atoi(val)
            elif name == "page_size":
                ps = _atoi(val)
                if (p is None or p.page_count == 0) and 512 <= ps <= 65536 and ps & (ps - 1) == 0:
                    store[key] = ps
            elif p is None or p.page_count == 0:
                mode = _ztext(val).lower()
                av = {"none": 0, "full": 1, "incremental": 2}.get(mode)
                store[key] = av if av is not None else max(0, min(_atoi(val), 2))
            return []
        # cache_size: SQLite's default until TEMP is opened, then the schema's own 0
        opened = p is not None and p.page_count > 0
        dflt = {"cache_size": 0 if opened else -2000, "page_size": 4096, "auto_vacuum": 0}
        return [(store.get(key, dflt[name]),)]
    if name == "max_page_count":
        if has:
            n = _atoi(val, 64)
            if n > 0:
                store[key] = max(min(n, 0xFFFFFFFF), p.page_count if p is not None else 0)
        return [(store.get(key, _MAX_PAGE_COUNT),)]
    assert name == "cache_spill"
    if has:
        return []
    return [(_cache_pages(int(store.get("temp.cache_size", -2000)),
                          int(store.get("temp.page_size", 4096))),)]


def _pragma_rows(s: Session, node: ast.Pragma, name: str) -> list[Row]:
    """The result rows of one PRAGMA (pragma.c sqlite3Pragma), after doing what it sets."""
    val = _pragma_value(node.value)
    has = node.value is not None
    if node.schema is not None and node.schema.lower() == "temp" and name in _TEMP_PRAGMAS:
        return _temp_pragma(s, name, val, has)
    p = s.pager
    cat = s.catalog
    store = s.pragma_store
    if name in ("table_info", "table_xinfo"):
        return _table_info(s, val, name == "table_xinfo") if has else []
    if name == "table_list":
        rows = _table_list(s, val)
        if node.schema is not None:
            rows = [r for r in rows if r[0] == node.schema.lower()]
        return rows
    if name == "index_list":
        return _index_list(s, val) if has else []
    if name == "index_xinfo":
        return _index_xinfo(s, str(val)) if has else []
    if name == "index_info":
        return [r[:3] for r in _index_xinfo(s, str(val)) if r[5]] if has else []
    if name == "foreign_key_list":
        return _foreign_key_list(s, str(val)) if has else []
    if name == "foreign_key_check":
        return _foreign_key_check(s, val)
    if name in _FLAGS:
        if has:
            if name in _CODE_FLAGS and int(store.get(name, _FLAGS[name])) != _boolean(val):
                s.invalidate_cache()
            store[name] = _boolean(val)
            if name == "foreign_keys":
                s.foreign_keys = store[name]
            elif name == "defer_foreign_keys" and not store[name]:
                s.fk_defimm = 0  # turning it off forgets its counted violations
            return []
        return [(int(store.get(name, _FLAGS[name])),)]
    if name == "foreign_keys":
        if has:
            if s.autocommit:  # a no-op inside a transaction
                s.foreign_keys = _boolean(val)
            return []
        return [(int(s.foreign_keys),)]
    header = {"user_version": "user_version", "schema_version": "schema_cookie",
              "application_id": "application_id"}
    if name in header:
        if has:
            p.header_set(header[name], _atoi(val) & 0xFFFFFFFF)
            if name == "schema_version":
                s.reload_schema()
            return []
        v = p.header_get(header[name]) if p.page_count > 0 else 0
        if v >= 2**31:
            v -= 2**32
        return [(v,)]
    if name == "data_version":
        return [(p.data_version(),)]
    if name == "journal_mode":
        if val is not None:
            mode = str(val).lower()
            if mode in ("delete", "truncate", "persist", "memory", "off", "wal"):
                p.journal_mode = mode
        return [(p.journal_mode,)]
    if name == "page_size":
        if has:
            ps = _atoi(val)
            try:
                p.set_page_size(ps)
            except AttributeError:
                pass
            return []
        return [(p.page_size,)]
    if name == "page_count":
        return [(p.page_count,)]
    if name == "max_page_count":
        if has:
            n = _atoi(val, 64)
            if n > 0:
                store[name] = max(min(n, 0xFFFFFFFF), p.page_count)
        return [(store.get(name, _MAX_PAGE_COUNT),)]
    if name == "freelist_count":
        return [(p.header_get("freelist_count") if p.page_count > 0 else 0,)]
    if name == "cache_size":
        if has:
            cs = _atoi(val)
            s.cache_size_setting = cs
            p.cache_size = max(10, _cache_pages(cs, p.page_size))
            return []
        return [(s.cache_size_setting,)]
    if name == "default_cache_size":
        if has:
            cs = abs(_atoi(val))
            p.header_set("default_cache_size", cs)
            s.cache_size_setting = cs
            return []
        dcs = abs(p.header_get("default_cache_size")) if p.page_count > 0 else 0
        return [(dcs or -2000,)]  # 0: SQLITE_DEFAULT_CACHE_SIZE
    if name == "cache_spill":
        if has:
            z = _ztext(val)
            size = _atoi(z) if z.lstrip("+-")[:1].isdigit() else 1
            if z.lstrip("+-")[:1].isdigit():
                store["cache_spill_size"] = _cache_pages(size, p.page_size) if size else \
                    store.get("cache_spill_size", 1)
            store[name] = 1 if _safety_level(z, True, int(size != 0)) else 0
            return []
        if not store.get(name, 1):
            return [(0,)]
        return [(max(_cache_pages(s.cache_size_setting, p.page_size),
                     int(store.get("cache_spill_size", 1))),)]
    if name == "case_sensitive_like":
        if has:
            s.case_sensitive_like = bool(_boolean(val))
            s.invalidate_cache()
        return []
    if name == "encoding":
        enc = p.header_get("text_encoding") if p.page_count > 0 else 1
        return [({2: "UTF-16le", 3: "UTF-16be"}.get(enc, "UTF-8"),)]
    if name in ("integrity_check", "quick_check"):
        return [(m,) for m in integrity_check(s, val, name == "quick_check")]
    if name == "database_list":
        out: list[Row] = [(0, "main", s.path if s.path != ":memory:" else "")]
        if cat.temp is not None:
            out.append((1, "temp", ""))
        return out
    if name == "collation_list":
        return _collation_list(s)
    if name == "pragma_list":
        return [(n,) for n in PRAGMAS]
    if name == "synchronous":
        if has:
            level = (_safety_level(val, False, 1) + 1) & 7
            level = level or 1
            store[name] = level - 1
            if hasattr(p, "synchronous"):
                p.synchronous = level - 1
            return []
        return [(int(store.get(name, getattr(p, "synchronous", 2))),)]
    if name == "temp_store":
        if has:
            z = _ztext(val)
            ts = int(z[0]) if z[:1] in ("0", "1", "2") else {"file": 1, "memory": 2}.get(
                z.lower(), 0)
            if ts != store.get(name, 0) and cat.temp is not None:
                # changeTempStorage: the TEMP database is closed, its objects gone
                if not s.autocommit:
                    raise errors.OperationalError(
                        "temporary storage cannot be changed from within a transaction")
                s.close_temp()
            store[name] = ts
            return []
        return [(int(store.get(name, 0)),)]
    if name == "locking_mode":
        mode = str(val).lower() if has else ""
        if mode not in ("normal", "exclusive"):
            return [(store.get(name, "normal"),)]  # the default for new attachments
        store[name] = mode
        if s.path == ":memory:" or not s.path:
            return [("exclusive",)]  # a memory database's pager is always exclusive
        store["main_locking_mode"] = mode
        return [(mode,)]
    if name == "secure_delete":
        if has:
            z = _ztext(val)
            store[name] = 2 if z.lower() == "fast" else _boolean(z)
        return [(int(store.get(name, 0)),)]
    if name == "journal_size_limit":
        if has:
            store[name] = max(-1, _atoi(val, 64))
        return [(int(store.get(name, -1)),)]
    if name == "busy_timeout":
        if has:
            ms = max(0, _atoi(val))
            s.timeout = ms / 1000
            if hasattr(p, "busy_timeout"):
                p.busy_timeout = s.timeout
        return [(int(round(s.timeout * 1000)),)]
    if name == "wal_autocheckpoint":
        if has:
            store[name] = max(0, _atoi(val))
            p.real.autocheckpoint = store[name]  # per database file in this process
        return [(int(store.get(name, 1000)),)]
    if name == "analysis_limit":
        if has:
            n = _atoi(val, 64)
            if n >= 0:
                store[name] = n & 0x7FFFFFFF
        return [(int(store.get(name, 0)),)]
    if name == "threads":
        if has:
            n = _atoi(val, 64)
            if n >= 0:
                store[name] = min(n & 0x7FFFFFFF, _MAX_WORKER_THREADS)
        return [(int(store.get(name, 0)),)]
    if name in ("soft_heap_limit", "hard_heap_limit"):
        if has:
            n = _atoi(val, 64)
            hard = int(store.get("hard_heap_limit", 0))
            if name == "hard_heap_limit":
                if n > 0 and (hard == 0 or n < hard):
                    store[name] = n
                    soft = int(store.get("soft_heap_limit", 0))
                    if soft == 0 or soft > n:
                        store["soft_heap_limit"] = n
            elif n >= 0:
                store[name] = min(n, hard) if hard > 0 and (n == 0 or n > hard) else n
        return [(int(store.get(name, 0)),)]
    if name == "mmap_size":
        if s.path == ":memory:" or not s.path:
            return []  # a memory database has no file to map
        if has:
            n = _atoi(val, 64)
            store[name] = min(n, _MAX_MMAP_SIZE) if n >= 0 else 0  # < 0: the default
        return [(int(store.get(name, 0)),)]
    if name == "auto_vacuum":
        if has:
            return []  # changing it needs an empty database or VACUUM: not done here
        if p.page_count == 0 or not p.header_get("largest_root_page"):
            return [(0,)]
        return [(2 if p.header_get("incremental_vacuum") else 1,)]
    if name == "incremental_vacuum":
        from pyrite.storage import btree

        if p.page_count > 0 and p.header_get("largest_root_page"):
            btree.incremental_vacuum(p, _atoi(val) if has else 0)
        return []
    if name == "wal_checkpoint":
        mode = str(val).lower() if has and val is not None else "passive"
        return [p.wal_checkpoint(mode if mode in ("full", "restart", "truncate") else "passive")]
    return []


def _default_text(e: ast.Expr) -> str | None:
    if isinstance(e, ast.Literal):
        v = e.value
        if v is None:
            return "NULL"
        if isinstance(v, str):
            return "'" + v.replace("'", "''") + "'"
        if isinstance(v, bytes):
            return "X'" + v.hex().upper() + "'"
        return V.to_text(v)
    if isinstance(e, ast.Unary) and isinstance(e.operand, ast.Literal):
        inner = _default_text(e.operand)
        return f"{e.op}{inner}"
    try:
        from pyrite.sql import render

        return str(render.render_expr(e))
    except Exception:
        return None


def _unused(t: Table) -> None:
    del t


def _schema_rewrite(s: Session, fix: Any, t: Table | None = None) -> None:
    """Rewrite sqlite_schema rows in place: fix(rec) -> new record or None; the
    rows of TEMP's sqlite_schema when t is a TEMP table."""
    from pyrite.storage import TableCursor, iter_table, record

    pg = s.temp_pager if t is not None and t.temp else s.pager
    changes = []
    for rowid, payload in list(iter_table(pg, 1)):
        rec = list(record.decode(payload))
        new = fix(rec)
        if new is not None:
            changes.append((rowid, new))
    cur = TableCursor(pg, 1)
    for rowid, new in changes:
        cur.insert(rowid, bytes(record.encode(new)))


def alter_table(s: Session, node: ast.AlterTable, text: str) -> None:
    import re

    obj = s.catalog.table_or_view(node.table, node.schema)
    t = obj if isinstance(obj, Table) else None
    tl = node.table.lower()
    if tl in ("sqlite_schema", "sqlite_master"):
        raise errors.OperationalError("table sqlite_master may not be altered")
    if obj is not None and t is None:
        v = obj.name
        raise errors.OperationalError({
            "RENAME COLUMN": f'cannot rename columns of view "{v}"',
            "DROP COLUMN": f'cannot drop column from view "{v}"',
            "ADD COLUMN": "Cannot add a column to a view"}.get(
                node.action, f"view {v} may not be altered"))
    if t is None:
        where = "" if node.schema is None else node.schema + "."
        raise errors.OperationalError(f"no such table: {where}{node.table}")
    low = t.name.lower()
    if node.action == "ADD COLUMN":
        cd = node.column_def
        assert cd is not None
        if t.column_index(cd.name) >= 0:
            raise errors.OperationalError(f"duplicate column name: {cd.name}")
        kinds = {c.kind for c in cd.constraints}
        if "PRIMARY KEY" in kinds:
            raise errors.OperationalError("Cannot add a PRIMARY KEY column")
        if "UNIQUE" in kinds:
            raise errors.OperationalError("Cannot add a UNIQUE column")
        gen = next((c for c in cd.constraints if c.kind == "GENERATED"), None)
        if gen is not None and gen.stored:
            raise errors.OperationalError("cannot add a STORED column")
        dflt = next((c.expr for c in cd.constraints if c.kind == "DEFAULT"), None)
        if gen is None and "NOT NULL" in kinds and (
                dflt is None or (isinstance(dflt, ast.Literal) and dflt.value is None)):
            raise errors.OperationalError("Cannot add a NOT NULL column with default value NULL")
        m = re.search(r"(?is)\bADD\s+(?:COLUMN\s+)?(.*)$", text)
        if m is None:
            raise errors.OperationalError("malformed ALTER TABLE")
        coldef = m.group(1).strip().rstrip(";").strip()
        old_sql = t.sql
        cut = old_sql.rstrip().rfind(")")
        tail = old_sql[cut:]
        new_sql = old_sql[:cut].rstrip() + ", " + coldef + tail
        if gen is not None:
            node2 = _parse_one(new_sql)
            assert isinstance(node2, ast.CreateTable)
            t2 = table_from_ast(node2, t.root, new_sql)
            gexpr = t2.columns[-1].generated
            assert gexpr is not None
            try:
                check_generated_expr(s, t2, gexpr)
            except errors.Error as e:
                raise errors.OperationalError(
                    f"error in table {t.name} after add column: {e}") from None

        def fix(rec: list[Any]) -> list[Any] | None:
            if rec[0] == "table" and isinstance(rec[1], str) and rec[1].lower() == low:
                rec[4] = new_sql
                return rec
            return None
        _schema_rewrite(s, fix, t)
    elif node.action == "RENAME":
        new = node.new_name
        assert new is not None
        if _name_taken(s, new, t.temp) is not None:
            raise errors.OperationalError(
                f"there is already another table or index with this name: {new}")
        qnew = '"' + new.replace('"', '""') + '"'  # SQLite always quotes the new name
        head = re.compile(r"(?is)^(CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?)"
                          r"(\"(?:[^\"]|\"\")*\"|\[[^\]]*\]|`[^`]*`|'[^']*'|[^\s(]+)")
        on = re.compile(r"(?is)(\bON\s+)(\"(?:[^\"]|\"\")*\"|\[[^\]]*\]|`[^`]*`|[^\s(]+)")

        def fix2(rec: list[Any]) -> list[Any] | None:
            if not (isinstance(rec[2], str) and rec[2].lower() == low):
                return None
            rec[2] = new
            if rec[0] == "table":
                rec[1] = new
                if isinstance(rec[4], str):
                    rec[4] = head.sub(lambda m: m.group(1) + qnew, rec[4], count=1)
            elif rec[0] == "index":
                if isinstance(rec[1], str) and rec[1].startswith(f"sqlite_autoindex_{t.name}_"):
                    rec[1] = f"sqlite_autoindex_{new}_" + rec[1].rsplit("_", 1)[1]
                if isinstance(rec[4], str):
                    rec[4] = on.sub(lambda m: m.group(1) + qnew, rec[4], count=1)
            elif rec[0] == "trigger" and isinstance(rec[4], str):
                rec[4] = on.sub(lambda m: m.group(1) + qnew, rec[4], count=1)
            return rec
        _schema_rewrite(s, fix2, t)
    elif node.action == "RENAME COLUMN":
        _rename_column(s, t, node)
    elif node.action == "DROP COLUMN":
        _drop_column(s, t, node)
    else:
        raise errors.OperationalError(f"ALTER TABLE {node.action} is not supported")
    _schema_done(s, t.temp)


def _dequote(tok: str) -> str:
    if tok[:1] in ('"', "`", "'"):
        return tok[1:-1].replace(tok[0] * 2, tok[0])
    if tok[:1] == "[":
        return tok[1:-1]
    return tok


def _rename_in_sql(sql: str, old: str, new: str, skip_first_id: bool) -> str:
    """Replace identifier tokens naming column `old` by `new` (quoted when the old
    token was quoted or the new name needs it), as SQLite's rename edits tokens."""
    from pyrite.sql import TokenKind, tokenize
    from pyrite.sql.render import quote_id

    toks = [t for t in tokenize(sql) if t.kind is not TokenKind.EOF]
    out: list[str] = []
    pos = 0
    seen_first = not skip_first_id
    low = old.lower()
    for n, tok in enumerate(toks):
        if tok.kind is not TokenKind.ID:
            continue
        if not seen_first:
            seen_first = True
            continue
        text = sql[tok.start:tok.end]
        if _dequote(text).lower() != low:
            continue
        if n + 1 < len(toks) and sql[toks[n + 1].start:toks[n + 1].end] in ("(", "."):
            continue  # a function call or a qualifier, not this column
        if n > 0 and sql[toks[n - 1].start:toks[n - 1].end].upper() == "REFERENCES":
            continue
        quoted = text[:1] in ('"', "`", "[", "'")
        rep_text = '"' + new.replace('"', '""') + '"' if quoted else quote_id(new)
        out.append(sql[pos:tok.start] + rep_text)
        pos = tok.end
    out.append(sql[pos:])
    return "".join(out)


def _rename_column(s: Session, t: Table, node: ast.AlterTable) -> None:
    old, new = node.column, node.new_name
    assert old is not None and new is not None
    if t.column_index(old) < 0:
        raise errors.OperationalError(f'no such column: "{old}"')
    tlow = t.name.lower()
    new_sql = _rename_in_sql(t.sql, old, new, True)
    try:
        node2 = _parse_one(new_sql)
        assert isinstance(node2, ast.CreateTable)
        seen: set[str] = set()
        for cd in node2.columns:
            if cd.name.lower() in seen:
                raise errors.OperationalError(f"duplicate column name: {cd.name}")
            seen.add(cd.name.lower())
    except errors.Error as e:
        raise errors.OperationalError(f"error in table {t.name} after rename: {e}") from None
    views = {v.lower() for v, vw in s.catalog.views.items() if tlow in vw.sql.lower()}

    def fix(rec: list[Any]) -> list[Any] | None:
        typ, name, tbl, _root, sql = (rec + [None] * 5)[:5]
        if not isinstance(sql, str) or not isinstance(name, str):
            return None
        if typ == "table" and name.lower() == tlow:
            rec[4] = new_sql
        elif typ in ("index", "trigger") and isinstance(tbl, str) and tbl.lower() == tlow:
            rec[4] = _rename_in_sql(sql, old, new, True)
        elif typ == "view" and name.lower() in views:
            rec[4] = _rename_in_sql(sql, old, new, True)
        else:
            return None
        return rec
    _schema_rewrite(s, fix, t)


def _parse_one(sql: str) -> ast.Statement:
    from pyrite.sql import parse_one

    parsed, _ = parse_one(sql)
    if parsed is None:
        raise errors.OperationalError("incomplete input")
    return parsed.statement


def _drop_column(s: Session, t: Table, node: ast.AlterTable) -> None:
    """DROP COLUMN: SQLite's refusals, the column's definition cut out of the
    CREATE TABLE text, and every row rewritten without the column."""
    from pyrite.sql import TokenKind, tokenize
    from pyrite.storage import IndexCursor, TableCursor, btree, iter_table, record

    name = node.column
    assert name is not None
    pos = t.column_index(name)
    if pos < 0:
        raise errors.OperationalError(f'no such column: "{name}"')
    col = t.columns[pos]
    if col.pk or pos in t.wr_pk:
        raise errors.OperationalError(f'cannot drop PRIMARY KEY column: "{col.name}"')
    if any(ix.unique and ix.sql is None and pos in ix.columns for ix in t.indexes):
        raise errors.OperationalError(f'cannot drop UNIQUE column: "{col.name}"')
    if len(t.columns) == 1:
        raise errors.OperationalError(f'cannot drop column "{col.name}": no other columns exist')
    for ix in t.indexes:
        if ix.sql is not None and (pos in ix.columns or _mentions(ix.sql, col.name, True)):
            raise errors.OperationalError(
                f"error in index {ix.name} after drop column: no such column: {col.name}")
    # Cut the column definition: the top-level comma-separated part that starts with it.
    sql = t.sql
    toks = [x for x in tokenize(sql) if x.kind is not TokenKind.EOF]
    depth = 0
    parts: list[tuple[int, int]] = []  # (start token index, end token index exclusive)
    start = -1
    for n, tok in enumerate(toks):
        text = sql[tok.start:tok.end]
        if text == "(":
            depth += 1
            if depth == 1:
                start = n + 1
                continue
        elif text == ")":
            if depth == 1:
                parts.append((start, n))
            depth -= 1
        elif text == "," and depth == 1:
            parts.append((start, n))
            start = n + 1
    target = next((k for k, (a, _b) in enumerate(parts)
                   if a < len(toks) and _dequote(sql[toks[a].start:toks[a].end]).lower()
                   == col.name.lower()), None)
    assert target is not None
    a, b = parts[target]
    if target == 0:
        cut_from, cut_to = toks[a].start, toks[parts[1][0]].start
    else:
        cut_from, cut_to = toks[parts[target - 1][1]].start, toks[b - 1].end
    new_sql = sql[:cut_from] + sql[cut_to:]
    node2 = _parse_one(new_sql)
    assert isinstance(node2, ast.CreateTable)
    t2 = table_from_ast(node2, t.root, new_sql)
    try:
        for _, expr in t2.checks:
            s.compile_row_predicate(t2, expr)
        for c2 in t2.columns:
            if c2.generated is not None:
                check_generated_expr(s, t2, c2.generated)
        for tc in node2.constraints:
            for ic in tc.columns:
                if isinstance(ic.expr, ast.ColumnRef) and t2.column_index(ic.expr.column) < 0:
                    raise errors.OperationalError(f"no such column: {ic.expr.column}")
            if tc.foreign_key is not None and any(
                    t2.column_index(c) < 0 for c in (x.expr.column for x in tc.columns
                                                     if isinstance(x.expr, ast.ColumnRef))):
                raise errors.OperationalError(f"no such column: {col.name}")
    except errors.Error as e:
        raise errors.OperationalError(f"error in table {t.name} after drop column: {e}") from None
    pg = s.temp_pager if t.temp else s.pager
    if t.without_rowid:
        from pyrite.exec.dml import index_layout, wr_inverse, wr_rows

        rows = [row for _, row in wr_rows(pg, t.root, wr_inverse(t), None, None)]
        btree.clear_tree(pg, t.root)
        assert t2.wr_index is not None
        ki = index_layout(s.collations, t2, t2.wr_index)[0]
        cur = IndexCursor(pg, t.root, ki)
        order = t2.record_order()
        for row in rows:
            del row[pos]
            cur.insert([row[c] for c in order])
    else:
        tcur = TableCursor(pg, t.root)
        rpos = -1 if col.virtual else t.record_order().index(pos)  # VIRTUAL: not in records
        for rowid, payload in list(iter_table(pg, t.root)) if rpos >= 0 else []:
            rec = list(record.decode(payload))
            if rpos < len(rec):
                del rec[rpos]
                tcur.insert(rowid, bytes(record.encode(rec)))
    tlow = t.name.lower()

    def fix(rec: list[Any]) -> list[Any] | None:
        if rec[0] == "table" and isinstance(rec[1], str) and rec[1].lower() == tlow:
            rec[4] = new_sql
            return rec
        return None
    _schema_rewrite(s, fix, t)


def _mentions(sql: str, name: str, skip_first_id: bool) -> bool:
    return _rename_in_sql(sql, name, name + "\x00", skip_first_id) != sql


def analyze(s: Session, node: ast.Analyze) -> None:
    """ANALYZE [schema | [schema.]table-or-index] (analyze.c sqlite3Analyze): each
    schema's sqlite_stat1 gets rows (tbl, idx, "nrow avg-per-prefix...") for its own
    tables, the table made even when there is none; no name: every schema but TEMP."""
    cat = s.catalog

    def tables(c: Any) -> list[Table]:
        return [t for t in c.tables.values() if not t.name.lower().startswith("sqlite_")]

    jobs: list[tuple[bool, list[Table]]] = []
    if node.name is None:
        jobs.append((False, tables(cat)))
    elif node.schema is None and cat.schema(node.name) is not None:
        temp = node.name.lower() == "temp"
        jobs.append((temp, tables(cat.of(temp))))
    else:
        if node.schema is not None and cat.schema(node.schema) is None:
            raise errors.OperationalError(f"unknown database {node.schema}")
        low = node.name.lower()
        for c in cat.search(node.schema):
            t1 = c.tables.get(low)
            ix = c.indexes.get(low) if t1 is None else None
            if ix is not None:
                t1 = c.tables.get(ix.table.lower())
            if t1 is not None:
                jobs.append((c is not cat, [t1]))
                break
        else:
            where = "" if node.schema is None else node.schema + "."
            raise errors.OperationalError(f"no such table: {where}{node.name}")
    for temp, targets in jobs:
        _analyze_schema(s, temp, targets)


def _analyze_schema(s: Session, temp: bool, targets: list[Table]) -> None:
    """ANALYZE of some tables of one schema (main's or TEMP's)."""
    from pyrite.storage import TableCursor, btree, iter_index, iter_table, record

    cat = s.catalog.of(temp)
    pg = _temp_schema_pager(s) if temp else s.pager
    if cat.tables.get("sqlite_stat1") is None:
        root = btree.create_table(pg)
        _schema_insert(s, ["table", "sqlite_stat1", "sqlite_stat1", root,
                           "CREATE TABLE sqlite_stat1(tbl,idx,stat)"], pg)
        _schema_done(s, temp)
        cat = s.catalog.of(temp)
    stat = cat.tables["sqlite_stat1"]
    names = {t.name.lower() for t in targets}
    cur = TableCursor(pg, stat.root)
    for rowid, payload in list(iter_table(pg, stat.root)):
        rec = record.decode(payload)
        if isinstance(rec[0], str) and rec[0].lower() in names and cur.seek(rowid):
            cur.delete()
    from pyrite.storage import KeyInfo

    for t in targets:
        nrow = sum(1 for _ in iter_table(pg, t.root))
        if not t.indexes:
            if nrow:
                cur.insert(cur.max_rowid() + 1, bytes(record.encode([t.name, None, str(nrow)])))
            continue
        for idx in t.indexes:
            k = len(idx.columns)
            colls = s.collations
            ki = KeyInfo(tuple(None if (c or "BINARY").upper() == "BINARY"
                               else colls.get((c or "").upper()) for c in idx.collations) + (None,),
                         tuple(idx.desc) + (False,))
            distinct = [0] * k
            prev: tuple[Any, ...] | None = None
            n = 0
            for e in iter_index(pg, idx.root, ki):
                n += 1
                key = tuple(e[:k])
                first_diff = 0
                if prev is not None:
                    while first_diff < k and record.compare(
                            key[:first_diff + 1], prev[:first_diff + 1], ki) == 0:
                        first_diff += 1
                for j in range(first_diff, k):
                    distinct[j] += 1
                prev = key
            if n == 0:
                continue
            # analyze.c statGet: rows per distinct key prefix, rounded up; 2 counts as 1
            # when at most one row in ten repeats a key (NULLs compare equal here)
            parts = [str(n)] + ["1" if not d or (n + d - 1) // d == 2 and n * 10 <= d * 11
                                else str((n + d - 1) // d) for d in distinct]
            cur.insert(cur.max_rowid() + 1, bytes(record.encode([t.name, idx.name, " ".join(parts)])))
