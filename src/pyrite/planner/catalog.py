"""The catalog: Table/Column/Index/View/Trigger built from sqlite_schema rows.

Owns the in-memory picture of the schema: each object's parsed SQL, column
affinities and collations, the INTEGER PRIMARY KEY rowid alias, and the
schema cookie the picture was read at. Knows nothing of pages beyond reading
sqlite_schema (root page 1) through the storage iterator.

Spec: "Datatypes In SQLite" section 3.1 (affinity), "ROWIDs and the INTEGER
PRIMARY KEY", file format section 2.6 (the schema table)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyrite import errors
from pyrite.sql import ast

# Affinity codes match exec.values.Affinity (BLOB TEXT NUMERIC INTEGER REAL).
AFF_BLOB = 0
AFF_TEXT = 1
AFF_NUMERIC = 2
AFF_INTEGER = 3
AFF_REAL = 4


def affinity_of(decl: str | None) -> int:
    """affinity_of(decl) -> affinity code by SQLite's five rules (section 3.1)."""
    if decl is None:
        return AFF_BLOB
    d = decl.upper()
    if "INT" in d:
        return AFF_INTEGER
    if "CHAR" in d or "CLOB" in d or "TEXT" in d:
        return AFF_TEXT
    if "BLOB" in d or d == "":
        return AFF_BLOB
    if "REAL" in d or "FLOA" in d or "DOUB" in d:
        return AFF_REAL
    return AFF_NUMERIC


@dataclass(slots=True)
class Column:
    name: str
    decl_type: str | None
    affinity: int
    not_null: bool = False
    default: ast.Expr | None = None
    collation: str | None = None
    pk: int = 0  # 1-based position in the PRIMARY KEY, 0 if not part of it
    generated: ast.Expr | None = None  # GENERATED ALWAYS AS (expr)
    stored: bool = False  # a STORED generated column (else VIRTUAL: not in the record)

    @property
    def virtual(self) -> bool:
        """A VIRTUAL generated column: computed on read, absent from the record."""
        return self.generated is not None and not self.stored

    @property
    def hidden(self) -> int:
        """PRAGMA table_xinfo's `hidden`: 0 ordinary, 2 VIRTUAL, 3 STORED."""
        if self.generated is None:
            return 0
        return 3 if self.stored else 2


@dataclass(slots=True)
class Index:
    name: str
    table: str
    root: int
    columns: list[int]  # table column positions; -1 = rowid
    collations: list[str | None]
    desc: list[bool]
    unique: bool
    sql: str | None
    where: ast.Expr | None = None
    origin: str = "c"  # "c" CREATE INDEX, "u" UNIQUE, "pk" PRIMARY KEY
    on_conflict: str | None = None
    # expression indexes: per key column the expression (column position -2), else None;
    # empty when every key column is a plain column
    exprs: list[ast.Expr | None] = field(default_factory=list)


@dataclass(slots=True)
class Table:
    name: str
    root: int
    columns: list[Column]
    sql: str
    ipk: int | None = None  # column position of the INTEGER PRIMARY KEY alias
    without_rowid: bool = False
    autoincrement: bool = False
    # CHECK constraints: (message label: the constraint name, else its source text; expr)
    checks: list[tuple[str, ast.Expr]] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)
    pk_conflict: str | None = None
    notnull_conflict: dict[int, str] = field(default_factory=dict)
    temp: bool = False
    # WITHOUT ROWID: the PRIMARY KEY columns (deduplicated, key order) and the
    # B-tree's pseudo-index over them (root = the table's root; not in `indexes`).
    # The record is the PK columns first, then the rest in declaration order.
    wr_pk: list[int] = field(default_factory=list)
    wr_index: Index | None = None
    strict: bool = False  # STRICT: every value's storage class checked on write
    pk_desc: bool = False  # a column's PRIMARY KEY DESC (then not a rowid alias)

    def record_order(self) -> list[int]:
        """record_order() -> table column position of each record column (WITHOUT
        ROWID: PK columns first; rowid tables: declaration order). VIRTUAL generated
        columns are not in the record (file format 2.1: "generated columns")."""
        cols = self.columns
        if not self.without_rowid:
            return [i for i, c in enumerate(cols) if not c.virtual]
        return self.wr_pk + [i for i, c in enumerate(cols) if i not in self.wr_pk and not c.virtual]

    def has_virtual(self) -> bool:
        return any(c.virtual for c in self.columns)

    def has_generated(self) -> bool:
        return any(c.generated is not None for c in self.columns)

    def column_index(self, name: str) -> int:
        """column_index(name) -> position, or -1 (case-insensitive)."""
        low = name.lower()
        for i, c in enumerate(self.columns):
            if c.name.lower() == low:
                return i
        return -1


@dataclass(slots=True)
class View:
    name: str
    columns: tuple[str, ...]
    select: ast.Select
    sql: str


@dataclass(slots=True)
class Trigger:
    name: str
    table: str
    node: ast.CreateTrigger
    sql: str


def _parse(sql: str) -> ast.Statement:
    from pyrite.sql import parse_one

    parsed, _ = parse_one(sql)
    if parsed is None:
        raise errors.CorruptError("malformed database schema")
    return parsed.statement


def table_from_ast(node: ast.CreateTable, root: int, sql: str) -> Table:
    """table_from_ast(node, root, sql) -> Table (without its indexes)."""
    cols: list[Column] = []
    t = Table(node.name, root, cols, sql, without_rowid=node.without_rowid, strict=node.strict)
    pk_cols: list[tuple[int, ast.IndexedColumn | None]] = []
    ic: ast.IndexedColumn | None
    for cd in node.columns:
        col = Column(cd.name, cd.type_name, affinity_of(cd.type_name))
        if node.strict and (cd.type_name or "").upper() == "ANY":
            col.affinity = AFF_BLOB  # STRICT ANY keeps every value as given
        pos = len(cols)
        for cc in cd.constraints:
            k = cc.kind
            if k == "NOT NULL":
                col.not_null = True
                if cc.conflict:
                    t.notnull_conflict[pos] = cc.conflict
            elif k == "DEFAULT":
                col.default = cc.expr
            elif k == "COLLATE":
                col.collation = cc.collation
            elif k == "PRIMARY KEY":
                pk_cols.append((pos, None))
                t.pk_conflict = cc.conflict
                if cc.autoincrement:
                    t.autoincrement = True
                if cc.desc:
                    t.pk_desc = True
            elif k == "CHECK" and cc.expr is not None:
                t.checks.append((cc.name or cc.text, cc.expr))
            elif k == "GENERATED":
                col.generated = cc.expr
                col.stored = bool(cc.stored)
        cols.append(col)
    for tc in node.constraints:
        if tc.kind == "PRIMARY KEY":
            for ic in tc.columns:
                e = ic.expr
                while isinstance(e, ast.Collate):
                    e = e.expr
                if isinstance(e, ast.ColumnRef):
                    pos = t.column_index(e.column)
                    if pos < 0:
                        raise errors.OperationalError(f"no such column: {e.column}")
                    pk_cols.append((pos, ic))
            t.pk_conflict = tc.conflict
            if tc.autoincrement:
                t.autoincrement = True
        elif tc.kind == "CHECK" and tc.expr is not None:
            t.checks.append((tc.name or tc.text, tc.expr))
    for n, (pos, _) in enumerate(pk_cols):
        cols[pos].pk = n + 1
    if node.without_rowid:
        _without_rowid_pk(t, pk_cols, t.pk_desc)
        assert t.wr_index is not None
        for seq, spec in enumerate(auto_index_specs(t, node)):
            if spec[2] == "pk":
                t.wr_index.name = f"sqlite_autoindex_{node.name}_{seq + 1}"
                if spec[3] is not None and t.pk_conflict is None:  # from a merged UNIQUE
                    t.pk_conflict = t.wr_index.on_conflict = spec[3]
    if len(pk_cols) == 1 and not node.without_rowid:
        pos, ic = pk_cols[0]
        c = cols[pos]
        desc_col = ic is not None and ic.desc
        is_desc = t.pk_desc if ic is None else desc_col
        if c.decl_type is not None and c.decl_type.upper() == "INTEGER" and not is_desc:
            t.ipk = pos
    return t


def column_refs(e: object) -> list[str]:
    """column_refs(expr) -> the column names expr reads (lower case, in order met)."""
    import dataclasses

    out: list[str] = []
    stack: list[object] = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, ast.ColumnRef):
            out.append(x.column.lower())
        elif isinstance(x, (list, tuple)):
            stack.extend(reversed(x))
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            stack.extend(reversed([getattr(x, f.name) for f in dataclasses.fields(x)]))
    return out


def generated_deps(t: Table, i: int) -> set[int]:
    """generated_deps(t, i) -> positions of the columns generated column i reads."""
    expr = t.columns[i].generated
    return {p for p in (t.column_index(n) for n in column_refs(expr)) if p >= 0}


def generated_order(t: Table) -> list[int]:
    """generated_order(t) -> the generated columns in the order a write computes
    them: passes over the columns, each computing those whose inputs are ready,
    until none is left (SQLite's sqlite3ComputeGeneratedColumns); a cycle raises
    `generated column loop on "x"` naming the last column still waiting."""
    notavail = {i for i, c in enumerate(t.columns) if c.generated is not None}
    deps = {i: generated_deps(t, i) for i in notavail}
    order: list[int] = []
    redo = -1
    while True:
        redo = -1
        progress = False
        for i in range(len(t.columns)):
            if i not in notavail:
                continue
            if deps[i] & notavail:
                redo = i
                continue
            order.append(i)
            notavail.discard(i)
            progress = True
        if redo < 0 or not progress:
            break
    if redo >= 0:
        raise errors.OperationalError(f'generated column loop on "{t.columns[redo].name}"')
    return order


def _without_rowid_pk(t: Table, pk_cols: list[tuple[int, ast.IndexedColumn | None]],
                      col_desc: bool) -> None:
    """The PRIMARY KEY of a WITHOUT ROWID table: its columns are NOT NULL, a
    column named twice counts once (SQLite's convertToWithoutRowidTable)."""
    if not pk_cols:
        raise errors.OperationalError(f"PRIMARY KEY missing on table {t.name}")
    cols: list[int] = []
    colls: list[str | None] = []
    desc: list[bool] = []
    for pos, ic in pk_cols:
        if pos in cols:
            continue
        cols.append(pos)
        coll = t.columns[pos].collation
        if ic is not None:
            e = ic.expr
            while isinstance(e, ast.Collate):
                coll = e.collation
                e = e.expr
            coll = ic.collation or coll
        colls.append(coll)
        desc.append(ic.desc if ic is not None else col_desc)
        t.columns[pos].not_null = True
    t.wr_pk = cols
    t.wr_index = Index("", t.name, t.root, cols, colls, desc, True, None, None, "pk",
                       t.pk_conflict)


def _index_from_ast(node: ast.CreateIndex, table: Table, root: int, sql: str | None) -> Index:
    cols: list[int] = []
    colls: list[str | None] = []
    desc: list[bool] = []
    exprs: list[ast.Expr | None] = []
    for ic in node.columns:
        e = ic.expr
        coll = ic.collation
        while isinstance(e, ast.Collate):
            coll = coll or e.collation
            e = e.expr
        if isinstance(e, ast.Literal) and isinstance(e.value, str):
            e = ast.ColumnRef(None, None, e.value)  # SQLite reads a string here as a name
        if not isinstance(e, ast.ColumnRef) or e.table is not None:
            cols.append(-2)
            colls.append(coll)
            desc.append(ic.desc)
            exprs.append(e)
            continue
        exprs.append(None)
        pos = table.column_index(e.column)
        if pos < 0:
            if e.column.lower() in ("rowid", "oid", "_rowid_"):
                pos = -1
            else:
                raise errors.OperationalError(f"no such column: {e.column}").at(e.pos)
        if pos >= 0 and table.ipk == pos:
            pos = -1
        cols.append(pos)
        if coll is None and pos >= 0:
            coll = table.columns[pos].collation
        colls.append(coll)
        desc.append(ic.desc)
    return Index(node.name, table.name, root, cols, colls, desc, node.unique, sql, node.where,
                 exprs=exprs if any(x is not None for x in exprs) else [])


def auto_index_specs(table: Table, node: ast.CreateTable) -> list[tuple[list[int], list[str | None], str, str | None]]:
    """Auto-index column lists for UNIQUE and (non-IPK) PRIMARY KEY constraints, in
    the order SQLite numbers sqlite_autoindex_<table>_N: (cols, collations, origin, conflict)."""
    out: list[tuple[list[int], list[str | None], str, str | None]] = []

    def add(cols: list[int], colls: list[str | None], origin: str, conflict: str | None) -> None:
        for k, prev in enumerate(out):
            if prev[0] == cols:
                if origin == "pk" and prev[2] != "pk":
                    # a PRIMARY KEY on a UNIQUE constraint's columns makes that index the
                    # PRIMARY KEY (sqlite3CreateIndex: idxType becomes PRIMARYKEY)
                    out[k] = (prev[0], prev[1], "pk", prev[3] or conflict)
                return
        out.append((cols, colls, origin, conflict))

    # WITHOUT ROWID with an INTEGER PRIMARY KEY: SQLite makes its index only at the end
    # of CREATE TABLE (convertToWithoutRowidTable), so it takes the last number
    late: tuple[list[int], list[str | None], str, str | None] | None = None

    def int_pk(pos: int, desc: bool) -> bool:
        decl = table.columns[pos].decl_type
        return node.without_rowid and not desc and decl is not None and decl.upper() == "INTEGER"

    for pos, cd in enumerate(node.columns):
        for cc in cd.constraints:
            if cc.kind == "PRIMARY KEY" and table.ipk is None:
                if int_pk(pos, bool(cc.desc)):
                    late = ([pos], [table.columns[pos].collation], "pk", cc.conflict)
                    continue
                add([pos], [table.columns[pos].collation], "pk", cc.conflict)
            elif cc.kind == "UNIQUE":
                add([pos], [table.columns[pos].collation], "u", cc.conflict)
    for tc in node.constraints:
        if tc.kind not in ("PRIMARY KEY", "UNIQUE"):
            continue
        if tc.kind == "PRIMARY KEY" and table.ipk is not None:
            continue
        cols: list[int] = []
        colls: list[str | None] = []
        for ic in tc.columns:
            e = ic.expr
            coll = ic.collation
            while isinstance(e, ast.Collate):
                coll = coll or e.collation
                e = e.expr
            if not isinstance(e, ast.ColumnRef):
                continue
            pos = table.column_index(e.column)
            if pos < 0:
                raise errors.OperationalError(f"no such column: {e.column}")
            cols.append(pos)
            colls.append(coll or table.columns[pos].collation)
        if tc.kind == "PRIMARY KEY" and len(cols) == 1 and len(tc.columns) == 1 \
                and int_pk(cols[0], tc.columns[0].desc):
            late = (cols, colls, "pk", tc.conflict)
            continue
        add(cols, colls, "pk" if tc.kind == "PRIMARY KEY" else "u", tc.conflict)
    if late is not None:
        add(*late)
    return out


class Catalog:
    """The parsed schema of one database, as of schema cookie `cookie`."""

    def __init__(self) -> None:
        self.cookie = -1
        self.tables: dict[str, Table] = {}
        self.indexes: dict[str, Index] = {}
        self.views: dict[str, View] = {}
        self.triggers: dict[str, Trigger] = {}
        self.generation = 0
        self.max_schema_rowid = 0
        self.temp: Catalog | None = None  # the session's TEMP schema, searched first
        # TEMP triggers whose unqualified ON name meant a main table when created:
        # SQLite binds a trigger to its table then (Trigger.pTabSchema)
        self.bound_main: set[str] = set()

    # ---- name lookup (lang_naming.html): an unqualified name is searched in
    # TEMP first, then in main; a qualified one only in its schema. A schema name
    # maps to (catalog, pager): the catalog here, the pager through Table.temp
    # (exec/codegen.py pg_of); an ATTACHed database would add an entry to `schemas`.

    def schemas(self) -> list[tuple[str, Catalog]]:
        """schemas() -> (name, catalog) in SQLite's search order: temp, main."""
        out: list[tuple[str, Catalog]] = []
        if self.temp is not None:
            out.append(("temp", self.temp))
        out.append(("main", self))
        return out

    def schema(self, name: str) -> Catalog | None:
        """schema(name) -> the catalog of schema `name` (any case; TEMP before the
        TEMP database exists: an empty one), or None for an unknown database."""
        low = name.lower()
        if low == "main":
            return self
        if low == "temp":
            if self.temp is None:
                empty = Catalog()
                empty.tables["sqlite_schema"] = schema_table(temp=True)
                return empty
            return self.temp
        return None

    def of(self, temp: bool) -> Catalog:
        """of(temp) -> TEMP's catalog (empty before the TEMP database exists), or main's."""
        c = self.schema("temp" if temp else "main")
        assert c is not None
        return c

    def search(self, schema: str | None) -> list[Catalog]:
        """search(schema) -> the catalogs an object name qualified by `schema`
        (None: unqualified) is looked up in, in order; [] for an unknown schema."""
        if schema is None:
            return [c for _, c in self.schemas()]
        c = self.schema(schema)
        return [] if c is None else [c]

    def table(self, name: str, schema: str | None = None) -> Table | None:
        """table(name[, schema]) -> the TEMP table of that name if any, else the main
        one; with a schema, only that schema's (sqlite_schema only when qualified)."""
        low = name.lower()
        for c in self.search(schema):
            t = c.tables.get(low)
            if t is not None and (schema is not None or low != "sqlite_schema" or c is self):
                return t
        return None

    def view(self, name: str, schema: str | None = None) -> View | None:
        """view(name[, schema]) -> the view, searched as table() searches."""
        low = name.lower()
        for c in self.search(schema):
            v = c.views.get(low)
            if v is not None:
                return v
        return None

    def table_or_view(self, name: str, schema: str | None = None) -> Table | View | None:
        """The table or view a FROM name means: TEMP's table or view before main's."""
        low = name.lower()
        for c in self.search(schema):
            t = c.tables.get(low)
            if t is not None and (schema is not None or low != "sqlite_schema" or c is self):
                return t
            v = c.views.get(low)
            if v is not None:
                return v
        return None

    def index(self, name: str, schema: str | None = None) -> Index | None:
        """index(name[, schema]) -> the index, TEMP's first when unqualified."""
        low = name.lower()
        for c in self.search(schema):
            ix = c.indexes.get(low)
            if ix is not None:
                return ix
        return None

    def trigger(self, name: str, schema: str | None = None) -> Trigger | None:
        """trigger(name[, schema]) -> the trigger, TEMP's first when unqualified."""
        low = name.lower()
        for c in self.search(schema):
            tr = c.triggers.get(low)
            if tr is not None:
                return tr
        return None

    def is_temp(self, obj: object) -> bool:
        """Whether obj (a Table, View, Index or Trigger) belongs to the TEMP schema."""
        if isinstance(obj, Table):
            return obj.temp
        tc = self.temp
        if tc is None:
            return False
        return any(obj is x for d in (tc.views, tc.indexes, tc.triggers) for x in d.values())

    def table_of_index(self, idx: Index) -> Table | None:
        """The table index idx belongs to (in the index's own schema)."""
        for _, c in self.schemas():
            t = c.tables.get(idx.table.lower())
            if t is not None and (idx in t.indexes or t.wr_index is idx):
                return t
        return self.table(idx.table)

    def all_triggers(self) -> list[Trigger]:
        """Every trigger: TEMP's, then main's."""
        out: list[Trigger] = []
        if self.temp is not None:
            out.extend(self.temp.triggers.values())
        out.extend(self.triggers.values())
        return out

    def triggers_on(self, t: Table) -> list[Trigger]:
        """The triggers that fire on table t, in SQLite's order (sqlite3TriggerList):
        TEMP triggers whose target names t (searched as written) in creation
        order, then t's own schema's triggers on it, newest first."""
        low = t.name.lower()
        out: list[Trigger] = []
        if self.temp is not None:
            for tr in self.temp.triggers.values():
                sch = "main" if tr.name.lower() in self.bound_main else tr.node.table_schema
                if tr.table.lower() == low and self.table(tr.node.table, sch) is t:
                    out.append(tr)
            if t.temp:
                out.reverse()  # a TEMP table's own triggers: newest first as well
        if not t.temp:
            # SQLite prepends each new trigger to its table's list: newest fires first
            out.extend(tr for tr in reversed(self.triggers.values()) if tr.table.lower() == low)
        return out

    def load(self, rows: list[tuple[int, list[object]]], cookie: int) -> None:
        """load(rows, cookie): rebuild from sqlite_schema (rowid, record) rows."""
        self.tables.clear()
        self.indexes.clear()
        self.views.clear()
        self.triggers.clear()
        self.cookie = cookie
        self.generation += 1
        self.max_schema_rowid = max((r for r, _ in rows), default=0)
        self.tables["sqlite_schema"] = schema_table()
        auto: list[tuple[str, str, int]] = []
        later: list[tuple[str, str, str, int, str]] = []
        for _rowid, rec in rows:
            rec = list(rec) + [None] * (5 - len(rec))
            typ, name, tbl, root, sql = rec[:5]
            if not isinstance(typ, str) or not isinstance(name, str):
                continue
            rootn = root if isinstance(root, int) else 0
            if typ == "table" and isinstance(sql, str):
                if name.lower().startswith("sqlite_") and name.lower() not in (
                    "sqlite_sequence", "sqlite_stat1", "sqlite_stat4", "sqlite_parameters"
                ):
                    continue
                node = _parse(sql)
                if not isinstance(node, ast.CreateTable):
                    raise errors.CorruptError("malformed database schema")
                self.tables[name.lower()] = table_from_ast(node, rootn, sql)
            elif typ == "index":
                if sql is None:
                    auto.append((name, str(tbl), rootn))
                else:
                    later.append((typ, name, str(tbl), rootn, str(sql)))
            elif typ in ("view", "trigger") and isinstance(sql, str):
                later.append((typ, name, str(tbl), rootn, sql))
        for name, tbl, rootn in auto:
            t = self.tables.get(tbl.lower())
            if t is None:
                continue
            node = _parse(t.sql)
            assert isinstance(node, ast.CreateTable)
            specs = auto_index_specs(t, node)
            try:
                n = int(name.rsplit("_", 1)[1])
            except (ValueError, IndexError):
                continue
            if 1 <= n <= len(specs):
                cols, colls, origin, conflict = specs[n - 1]
                idx = Index(name, t.name, rootn, [c if c != t.ipk else -1 for c in cols],
                            colls, [False] * len(cols), True, None, None, origin, conflict)
                self._add_index(idx)
        for typ, name, tbl, rootn, sql in later:
            node2 = _parse(sql)
            if typ == "index" and isinstance(node2, ast.CreateIndex):
                t = self.tables.get(tbl.lower())
                if t is not None:
                    self._add_index(_index_from_ast(node2, t, rootn, sql))
            elif typ == "view" and isinstance(node2, ast.CreateView):
                self.views[name.lower()] = View(name, node2.columns, node2.select, sql)
            elif typ == "trigger" and isinstance(node2, ast.CreateTrigger):
                self.triggers[name.lower()] = Trigger(name, tbl, node2, sql)

    def _add_index(self, idx: Index) -> None:
        self.indexes[idx.name.lower()] = idx
        t = self.tables.get(idx.table.lower())
        if t is not None:
            t.indexes.append(idx)

    def index_from_ast(self, node: ast.CreateIndex, table: Table, root: int, sql: str | None) -> Index:
        return _index_from_ast(node, table, root, sql)


def schema_table(temp: bool = False) -> Table:
    """The built-in sqlite_schema table (root page 1) of main, or of TEMP."""
    sql = "CREATE TABLE sqlite_schema(type text,name text,tbl_name text,rootpage int,sql text)"
    cols = [Column("type", "text", AFF_TEXT), Column("name", "text", AFF_TEXT),
            Column("tbl_name", "text", AFF_TEXT), Column("rootpage", "int", AFF_INTEGER),
            Column("sql", "text", AFF_TEXT)]
    return Table("sqlite_schema", 1, cols, sql, temp=temp)
