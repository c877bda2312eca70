"""CREATE / DROP of tables, indexes, views and triggers; PRAGMAs.

Executed directly (DDL is rare and never hot): each function writes
sqlite_schema rows exactly as SQLite does — (type, name, tbl_name, rootpage,
sql) — creates or drops the B-trees, and bumps the schema cookie so that
every connection reloads its catalog. Spec: fileformat2.html section 2.6,
lang_createtable.html, lang_createindex.html, pragma.html."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyrite import constants as C
from pyrite import errors
from pyrite.exec import values as V
from pyrite.planner.catalog import Table, auto_index_specs, table_from_ast
from pyrite.sql import ast

if TYPE_CHECKING:
    from pyrite.exec.session import Session

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


def _seq_delete(s: Session, name: str) -> None:
    from pyrite.storage import TableCursor, iter_table, record

    seq = s.catalog.tables.get("sqlite_sequence")
    if seq is None:
        return
    cur = TableCursor(s.pager, seq.root)
    for rowid, payload in list(iter_table(s.pager, seq.root)):
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


def _name_taken(s: Session, name: str) -> str | None:
    low = name.lower()
    cat = s.catalog
    if cat.temp is not None and low in cat.temp.tables and low != "sqlite_schema":
        return "table"
    if low in cat.tables or low in ("sqlite_master", "sqlite_schema"):
        return "table"
    if low in cat.views:
        return "view"
    if low in cat.indexes:
        return "index"
    if low in cat.triggers:
        return "trigger"
    return None


def _affinity_type(aff: int | None) -> str:
    return {None: "", 0: "", 1: "TEXT", 2: "NUM", 3: "INT", 4: "REAL"}[aff]


def _quote_ident(name: str) -> str:
    if name.replace("_", "a").isalnum() and not name[0].isdigit():
        return name
    return '"' + name.replace('"', '""') + '"'


STRICT_TYPES = ("INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY")


def create_table(s: Session, node: ast.CreateTable) -> None:
    from pyrite.storage import btree

    if node.temp:
        pass  # TEMP objects live in the main schema here (see report)
    kind = _name_taken(s, node.name)
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
    pg = s.temp_pager if node.temp else s.pager
    if node.temp and pg.page_count == 0:
        _init_schema_page(pg)
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
    if probe.autoincrement and not node.temp and s.catalog.tables.get("sqlite_sequence") is None:
        sroot = btree.create_table(pg)
        _schema_insert(s, ["table", "sqlite_sequence", "sqlite_sequence", sroot,
                           "CREATE TABLE sqlite_sequence(name,seq)"], pg)
    if node.temp:
        s.reload_temp()
    else:
        _bump(s)
    if rows:
        t2 = s.catalog.table(node.name)
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

    t = s.catalog.table(node.table)
    if t is None or t.name.lower() == "sqlite_schema":
        raise errors.OperationalError(f"no such table: main.{node.table}")
    kind = _name_taken(s, node.name)
    if kind is not None:
        if node.if_not_exists:
            return
        if kind == "index":
            raise errors.OperationalError(f"index {node.name} already exists")
        raise errors.OperationalError(f"there is already a {kind} named {node.name}")
    if node.name.lower().startswith("sqlite_"):
        raise errors.OperationalError(f"object name reserved for internal use: {node.name}")
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
    if t.temp:
        s.reload_temp()
    else:
        _bump(s)


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
    for rowid, payload in iter_table(pg, t.root):
        vals = list(record.decode(payload))
        if gen is not None:
            rec = vals
            vals = [None] * n
            for j, c in enumerate(order):
                if j < len(rec):
                    vals[c] = rec[j]
        elif len(vals) < n:
            vals.extend([None] * (n - len(vals)))
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
    elif cat.table(name) is not None:
        t = cat.table(name)
        assert t is not None
        pick = [(t, ix) for ix in t.indexes]
    elif low in cat.indexes:
        ix = cat.indexes[low]
        t = cat.table(ix.table)
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


def create_view(s: Session, node: ast.CreateView) -> None:
    kind = _name_taken(s, node.name)
    if kind is not None:
        if node.if_not_exists:
            return
        raise errors.OperationalError(f"{kind} {node.name} already exists").at(node.name_offset)
    _schema_insert(s, ["view", node.name, node.name, 0, node.schema_sql])
    _bump(s)


def create_trigger(s: Session, node: ast.CreateTrigger) -> None:
    kind = _name_taken(s, node.name)
    if kind is not None:
        if node.if_not_exists:
            return
        raise errors.OperationalError(f"trigger {node.name} already exists")
    if s.catalog.table(node.table) is None and node.table.lower() not in s.catalog.views:
        raise errors.OperationalError(f"no such table: main.{node.table}")
    _schema_insert(s, ["trigger", node.name, node.table, 0, node.schema_sql])
    _bump(s)


def drop(s: Session, node: ast.Drop) -> None:
    from pyrite.storage import btree

    low = node.name.lower()
    cat = s.catalog
    kind = node.kind.upper()
    if kind == "TABLE":
        t = cat.table(node.name)
        if t is None or low == "sqlite_schema":
            if node.if_exists and low != "sqlite_schema":
                return
            if low in cat.views:
                raise errors.OperationalError(f"use DROP VIEW to delete view {node.name}")
            if low in ("sqlite_schema", "sqlite_master"):
                raise errors.OperationalError(f"table {node.name} may not be dropped")
            raise errors.OperationalError(f"no such table: {node.name}")
        if t.name.lower().startswith("sqlite_") and t.name.lower() not in (
                "sqlite_stat1", "sqlite_sequence", "sqlite_parameters"):
            raise errors.OperationalError(f"table {t.name} may not be dropped")
        if t.autoincrement:
            _seq_delete(s, t.name)
        pg = s.temp_pager if t.temp else s.pager
        gone = _schema_delete(s, lambda r: isinstance(r[2], str) and r[2].lower() == low, pg)
        for typ, root in sorted(gone, key=lambda x: -x[1]):
            if root > 0 and typ in ("table", "index"):
                btree.drop_tree(pg, root)
        if t.temp:
            s.reload_temp()
            return
    elif kind == "INDEX":
        idx = cat.indexes.get(low)
        if idx is None:
            if node.if_exists:
                return
            raise errors.OperationalError(f"no such index: {node.name}")
        if idx.sql is None:
            raise errors.OperationalError(
                "index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped")
        _schema_delete(s, lambda r: r[0] == "index" and isinstance(r[1], str) and r[1].lower() == low)
        btree.drop_tree(s.pager, idx.root)
    elif kind == "VIEW":
        if low not in cat.views:
            if node.if_exists:
                return
            if cat.table(node.name) is not None:
                raise errors.OperationalError(f"use DROP TABLE to delete table {node.name}")
            raise errors.OperationalError(f"no such view: {node.name}")
        _schema_delete(s, lambda r: r[0] == "view" and isinstance(r[1], str) and r[1].lower() == low)
    elif kind == "TRIGGER":
        if low not in cat.triggers:
            if node.if_exists:
                return
            raise errors.OperationalError(f"no such trigger: {node.name}")
        _schema_delete(s, lambda r: r[0] == "trigger" and isinstance(r[1], str) and r[1].lower() == low)
    _bump(s)


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


def pragma(s: Session, node: ast.Pragma) -> tuple[list[str], list[Row], bool]:
    """pragma(s, node) -> (column names, rows, writes?)."""
    name = node.name.lower()
    val = _pragma_value(node.value)
    p = s.pager
    cat = s.catalog
    if name == "table_info" or name == "table_xinfo":
        t = cat.table(str(val)) if val is not None else None
        rows: list[Row] = []
        xinfo = name == "table_xinfo"
        if t is not None:
            for i, c in enumerate(t.columns):
                dflt = None
                if c.default is not None:
                    dflt = _default_text(c.default)
                if not xinfo and c.generated is not None:
                    continue  # table_info leaves generated (hidden) columns out
                row: Row = (i if xinfo else len(rows), c.name, c.decl_type or "",
                            int(c.not_null), dflt, c.pk)
                # hidden: 0 ordinary, 2 VIRTUAL, 3 STORED
                rows.append(row + (c.hidden,) if xinfo else row)
        elif val is not None and str(val).lower() in cat.views:
            v = cat.views[str(val).lower()]
            prog, _ = s.compile_select_for_ctas(v.select)
            names = list(v.columns) or prog.column_names
            for i, n in enumerate(names):
                row = (i, n, prog.decltypes[i] if i < len(prog.decltypes) else "", 0, None, 0)
                rows.append(row + (0,) if xinfo else row)
        cols = ["cid", "name", "type", "notnull", "dflt_value", "pk"]
        return cols + ["hidden"] if xinfo else cols, rows, False
    if name == "index_list":
        t = cat.table(str(val)) if val is not None else None
        rows = []
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
        return ["seq", "name", "unique", "origin", "partial"], rows, False
    if name in ("index_info", "index_xinfo"):
        ix = cat.indexes.get(str(val).lower()) if val is not None else None
        rows = []
        if ix is not None:
            it = cat.table(ix.table)
            assert it is not None
            for seq, cid in enumerate(ix.columns):
                rows.append((seq, cid, it.columns[cid].name if cid >= 0 else None))
        return ["seqno", "cid", "name"], rows, False
    header = {"user_version": "user_version", "schema_version": "schema_cookie",
              "application_id": "application_id"}
    if name in header:
        if node.value is not None:
            hv = V.to_integer(val) if not isinstance(val, int) else val
            p.header_set(header[name], int(hv or 0))
            if name == "schema_version":
                s.reload_schema()
            return [], [], True
        v = p.header_get(header[name])
        if v >= 2**31 and name != "schema_version":
            v -= 2**32
        return [name], [(v,)], False
    if name == "journal_mode":
        if val is not None:
            mode = str(val).lower()
            if mode in ("delete", "truncate", "persist", "memory", "off", "wal"):
                try:
                    p.journal_mode = mode
                except errors.Error:
                    raise
        return ["journal_mode"], [(p.journal_mode,)], False
    if name == "page_size":
        if val is not None:
            ps = V.to_integer(val)
            if isinstance(ps, int):
                try:
                    p.set_page_size(ps)
                except AttributeError:
                    pass
            return [], [], False
        return ["page_size"], [(p.page_size,)], False
    if name == "page_count":
        return ["page_count"], [(p.page_count,)], False
    if name == "freelist_count":
        return ["freelist_count"], [(p.header_get("freelist_count"),)], False
    if name == "cache_size":
        if val is not None:
            cs = V.to_integer(val)
            s.cache_size_setting = int(cs or 0)
            pages = cs if isinstance(cs, int) and cs >= 0 else (
                max(10, (-(cs or 0) * 1024) // p.page_size) if isinstance(cs, int) else 2000)
            p.cache_size = int(pages)
            return [], [], False
        return ["cache_size"], [(s.cache_size_setting,)], False
    if name == "foreign_keys":
        if val is not None:
            s.foreign_keys = _bool_value(val)
            return [], [], False
        return ["foreign_keys"], [(s.foreign_keys,)], False
    if name == "case_sensitive_like":
        if val is not None:
            s.case_sensitive_like = bool(_bool_value(val))
            s.invalidate_cache()
        return [], [], False
    if name == "encoding":
        return ["encoding"], [("UTF-8",)], False
    if name in ("integrity_check", "quick_check"):
        return [name], [(m,) for m in s.integrity_check(val, name == "quick_check")], False
    if name == "database_list":
        return ["seq", "name", "file"], [(0, "main", s.path if s.path != ":memory:" else "")], False
    if name in ("synchronous", "busy_timeout", "temp_store", "locking_mode", "recursive_triggers",
                "automatic_index", "count_changes", "full_column_names", "short_column_names",
                "legacy_file_format", "reverse_unordered_selects", "defer_foreign_keys",
                "ignore_check_constraints", "cell_size_check", "mmap_size", "threads",
                "wal_autocheckpoint", "auto_vacuum", "secure_delete", "optimize",
                "writable_schema"):
        store = s.pragma_store
        if val is not None:
            store[name] = val
            if name == "synchronous" and hasattr(p, "synchronous"):
                m = {"off": 0, "normal": 1, "full": 2, "extra": 3}
                p.synchronous = m.get(str(val).lower(), V.to_integer(val) or 0)
            return [], [], False
        default = {"synchronous": 2, "busy_timeout": int(s.timeout * 1000), "temp_store": 0,
                   "locking_mode": "normal", "auto_vacuum": 0, "mmap_size": 0,
                   "wal_autocheckpoint": 1000}.get(name, 0)
        if name == "synchronous" and hasattr(p, "synchronous"):
            default = p.synchronous
        return [name], [(store.get(name, default),)], False
    if name == "collation_list":
        return ["seq", "name"], [(i, n) for i, n in enumerate(s.collations)], False
    if name == "wal_checkpoint":
        return ["busy", "log", "checkpointed"], [(0, 0, 0)], False
    return [], [], False


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


def _schema_rewrite(s: Session, fix: Any) -> None:
    """Rewrite sqlite_schema rows in place: fix(rec) -> new record or None."""
    from pyrite.storage import TableCursor, iter_table, record

    changes = []
    for rowid, payload in list(iter_table(s.pager, 1)):
        rec = list(record.decode(payload))
        new = fix(rec)
        if new is not None:
            changes.append((rowid, new))
    cur = TableCursor(s.pager, 1)
    for rowid, new in changes:
        cur.insert(rowid, bytes(record.encode(new)))


def alter_table(s: Session, node: ast.AlterTable, text: str) -> None:
    import re

    t = s.catalog.table(node.table)
    tl = node.table.lower()
    if tl in ("sqlite_schema", "sqlite_master"):
        raise errors.OperationalError("table sqlite_master may not be altered")
    if t is None and tl in s.catalog.views:
        v = s.catalog.views[tl].name
        raise errors.OperationalError({
            "RENAME COLUMN": f'cannot rename columns of view "{v}"',
            "DROP COLUMN": f'cannot drop column from view "{v}"',
            "ADD COLUMN": "Cannot add a column to a view"}.get(
                node.action, f"view {v} may not be altered"))
    if t is None:
        raise errors.OperationalError(f"no such table: {node.table}")
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
        _schema_rewrite(s, fix)
    elif node.action == "RENAME":
        new = node.new_name
        assert new is not None
        if _name_taken(s, new) is not None:
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
        _schema_rewrite(s, fix2)
    elif node.action == "RENAME COLUMN":
        _rename_column(s, t, node)
    elif node.action == "DROP COLUMN":
        _drop_column(s, t, node)
    else:
        raise errors.OperationalError(f"ALTER TABLE {node.action} is not supported")
    _bump(s)


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
    _schema_rewrite(s, fix)


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
    _schema_rewrite(s, fix)


def _mentions(sql: str, name: str, skip_first_id: bool) -> bool:
    return _rename_in_sql(sql, name, name + "\x00", skip_first_id) != sql


def analyze(s: Session, node: ast.Analyze) -> None:
    """ANALYZE: write sqlite_stat1 rows (tbl, idx, "nrow avg-per-prefix...")."""
    from pyrite.storage import TableCursor, btree, iter_index, iter_table, record

    cat = s.catalog
    targets = [t for t in cat.tables.values() if not t.name.lower().startswith("sqlite_")
               and not t.temp]
    if node.name is not None:
        low = node.name.lower()
        t1 = cat.tables.get(low)
        ix = cat.indexes.get(low)
        if t1 is not None:
            targets = [t1]
        elif ix is not None:
            t2 = cat.tables.get(ix.table.lower())
            targets = [t2] if t2 is not None else []
        elif low not in ("main",):
            raise errors.OperationalError(f"no such table: {node.name}")
    if not targets:
        return
    if cat.tables.get("sqlite_stat1") is None:
        root = btree.create_table(s.pager)
        _schema_insert(s, ["table", "sqlite_stat1", "sqlite_stat1", root,
                           "CREATE TABLE sqlite_stat1(tbl,idx,stat)"])
        _bump(s)
    stat = cat.tables["sqlite_stat1"]
    names = {t.name.lower() for t in targets}
    cur = TableCursor(s.pager, stat.root)
    for rowid, payload in list(iter_table(s.pager, stat.root)):
        rec = record.decode(payload)
        if isinstance(rec[0], str) and rec[0].lower() in names and cur.seek(rowid):
            cur.delete()
    from pyrite.storage import KeyInfo

    for t in targets:
        nrow = sum(1 for _ in iter_table(s.pager, t.root))
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
            for e in iter_index(s.pager, idx.root, ki):
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
