"""Seeded generator of random schemas, hostile data and SQL statements.

Owns nothing but text: every case is SQL source built from a `random.Random`,
so one seed always gives the same statements. Knows nothing of the engines;
run.py executes the text on pyrite and on sqlite3 and compares.

The statements stay inside the core language (issue 3): CREATE TABLE/INDEX,
INSERT [OR REPLACE|IGNORE], UPDATE, DELETE, and SELECT with WHERE, joins,
GROUP BY/HAVING, ORDER BY, LIMIT/OFFSET, DISTINCT, subqueries, compound
SELECT, CASE, CAST, LIKE, GLOB, BETWEEN, IN, IS [NOT] NULL. Results that SQLite
leaves unspecified (row order without ORDER BY, the row chosen by LIMIT
without a total order, random()) are never produced or never compared.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Declared types covering every affinity rule (datatype3.html, 3.1):
# INT -> INTEGER; CHAR/CLOB/TEXT -> TEXT; BLOB or none -> BLOB;
# REAL/FLOA/DOUB -> REAL; anything else -> NUMERIC.
DECLARED_TYPES: tuple[str, ...] = (
    "INTEGER", "INT", "BIGINT", "TINYINT",
    "TEXT", "VARCHAR(10)", "CLOB", "CHARACTER(3)",
    "BLOB", "",
    "REAL", "DOUBLE", "FLOAT",
    "NUMERIC", "DECIMAL(10,2)", "BOOLEAN", "DATE",
)

# Hostile literals, as SQL text.
INTEGERS = (
    "0", "1", "-1", "2", "3", "7", "10", "42", "-17", "100", "255", "1000",
    "2147483647", "-2147483648", "4294967296",
    "9223372036854775807", "-9223372036854775808", "9223372036854775806",
    "4611686018427387904", "-4611686018427387905",
)
REALS = (
    "0.0", "-0.0", "0.5", "-0.5", "1.5", "2.0", "3.25", "-7.75", "1e3", "1.0e-7",
    "123456789.125", "1e308", "-1e308", "9.2233720368547758e18", "-9.2233720368547758e18",
    "0.1", "3.0", "1e15",
)
TEXTS = (
    "''", "'a'", "'A'", "'b'", "'abc'", "'ABC'", "'abd'", "'a b'", "' 12'", "'12'",
    "'12 '", "'12abc'", "'1e3'", "'-5'", "'+5'", "'0x10'", "'3.0'", "'3.5'", "'.5'",
    "'NULL'", "'it''s'", "'\"q\"'", "'h\u00e9llo'", "'\u00c9T\u00c9'", "'\u65e5\u672c'",
    "'\U0001f600'", "'a%b'", "'a_b'", "'line\nbreak'", "'tab\there'", "'9223372036854775808'",
    "'-9223372036854775809'", "'1e400'", "'  '",
)
BLOBS = ("X''", "X'00'", "X'41'", "X'0001ff'", "X'616263'", "X'3132'")
SPECIAL = ("NULL", "NULL", "NULL")
LIKES = ("'a%'", "'%b%'", "'_'", "'A_C'", "'%'", "'1%'", "'%\u00e9%'", "'a\\%b' ESCAPE '\\'")
GLOBS = ("'a*'", "'*1*'", "'[a-c]*'", "'?'")


def literal(rng: random.Random) -> str:
    pool = rng.choice((INTEGERS, INTEGERS, REALS, TEXTS, TEXTS, BLOBS, SPECIAL))
    return rng.choice(pool)


@dataclass(slots=True)
class Column:
    name: str
    decl: str
    unique: bool = False
    not_null: bool = False
    generated: bool = False  # GENERATED ALWAYS AS (...): read, never written


@dataclass(slots=True)
class Table:
    name: str
    columns: list[Column]
    rowid_alias: str | None = None  # an INTEGER PRIMARY KEY column
    indexes: list[str] = field(default_factory=list)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def writable_names(self) -> list[str]:
        """The columns INSERT and UPDATE may name (not the generated ones)."""
        return [c.name for c in self.columns if not c.generated]


@dataclass(slots=True)
class Case:
    """One statement and how to compare its result."""

    sql: str
    ordered: bool = False  # ORDER BY orders every output column: compare as a list
    mutates: str | None = None  # the table a DML statement changes


class Generator:
    """Schemas, data and statements from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.grng = random.Random(seed * 1000003 + 17)  # generated columns' own stream
        self.tables: list[Table] = []
        self._index_count = 0

    # -- schema ------------------------------------------------------------

    def schema(self) -> list[Case]:
        """CREATE TABLE and CREATE INDEX statements for 2-3 fresh tables."""
        rng = self.rng
        self.tables = []
        cases: list[Case] = []
        for t in range(rng.randint(2, 3)):
            name = f"t{t + 1}"
            ncols = rng.randint(2, 5)
            columns: list[Column] = []
            parts: list[str] = []
            rowid_alias = None
            if rng.random() < 0.3:
                rowid_alias = "id"
                parts.append("id INTEGER PRIMARY KEY")
            for c in range(ncols):
                col = Column(f"c{c}", rng.choice(DECLARED_TYPES))
                text = f"{col.name} {col.decl}".rstrip()
                if rng.random() < 0.08:
                    col.not_null = True
                    text += " NOT NULL"
                if rng.random() < 0.1:
                    col.unique = True
                    text += " UNIQUE"
                if rng.random() < 0.1:
                    text += f" DEFAULT {literal(rng)}"
                columns.append(col)
                parts.append(text)
            if self.grng.random() < 0.3:
                parts.append(self._generated(columns))
            if rng.random() < 0.1 and ncols >= 2:
                parts.append("UNIQUE (c0, c1)")
            table = Table(name, columns, rowid_alias)
            self.tables.append(table)
            cases.append(Case(f"CREATE TABLE {name} ({', '.join(parts)})"))
            for _ in range(rng.randint(0, 3)):
                cases.append(self._create_index(table))
        return cases

    def _generated(self, columns: list[Column]) -> str:
        """A generated column g over the table's columns: VIRTUAL, STORED or neither
        said (VIRTUAL), with a declared type of any affinity."""
        g = self.grng
        a, b = (g.choice(columns).name for _ in range(2))
        expr = g.choice((f"{a} + {b}", f"{a} || {b}", f"coalesce({a}, {b})", f"lower({a})",
                         f"typeof({a})", f"{a} * 2", f"abs({a})", f"length({a}) + {b}",
                         f"CASE WHEN {a} > {b} THEN {a} ELSE {b} END", f"substr({a}, 2)"))
        # not REAL/FLOAT/DOUBLE: SQLite hands an integral value of a VIRTUAL REAL column
        # on as an "IntReal" (REAL when read, INTEGER when written to a record, sorter
        # or DISTINCT set), which pyrite does not model
        col = Column("g", g.choice([d for d in DECLARED_TYPES if d not in ("REAL", "DOUBLE", "FLOAT")]),
                     generated=True)
        columns.append(col)
        kind = g.choice(("", " VIRTUAL", " STORED"))
        return f"g {col.decl} GENERATED ALWAYS AS ({expr}){kind}".replace("g  G", "g G")

    def _create_index(self, table: Table) -> Case:
        rng = self.rng
        self._index_count += 1
        cols = rng.sample(table.column_names, k=rng.randint(1, min(3, len(table.columns))))
        spec = ", ".join(c + rng.choice(("", "", " DESC", " COLLATE NOCASE")) for c in cols)
        unique = "UNIQUE " if rng.random() < 0.25 else ""
        name = f"i{self._index_count}"
        table.indexes.append(name)
        return Case(f"CREATE {unique}INDEX {name} ON {table.name} ({spec})")

    def data(self, rows: int) -> list[Case]:
        """INSERTs filling every table with hostile values."""
        cases: list[Case] = []
        for table in self.tables:
            for _ in range(rows):
                cases.append(self._insert(table))
        return cases

    # -- statements ----------------------------------------------------------

    def statement(self) -> Case:
        rng = self.rng
        roll = rng.random()
        if roll < 0.62:
            return self.select()
        table = rng.choice(self.tables)
        if roll < 0.78:
            return self._insert(table)
        if roll < 0.9:
            return self._update(table)
        if roll < 0.98:
            return self._delete(table)
        return self._create_index(table) if rng.random() < 0.5 else Case(
            f"DROP INDEX IF EXISTS i{rng.randint(1, max(1, self._index_count))}"
        )

    def _insert(self, table: Table) -> Case:
        rng = self.rng
        verb = rng.choice(("INSERT", "INSERT", "INSERT", "INSERT OR REPLACE", "INSERT OR IGNORE", "REPLACE"))
        names = table.writable_names
        if table.rowid_alias and rng.random() < 0.4:
            names = [table.rowid_alias] + names
        cols = rng.sample(names, k=rng.randint(1, len(names))) if rng.random() < 0.3 else names
        if rng.random() < 0.15 and len(self.tables) > 1:
            other = rng.choice([t for t in self.tables if t is not table])
            exprs = ", ".join(self.expr(other, depth=1) for _ in cols)
            # ORDER BY: the order of the rows decides rowids and which row REPLACE keeps
            order = ", ".join(str(i) for i in range(1, len(cols) + 1))
            source = f"SELECT {exprs} FROM {other.name} WHERE {self.predicate(other, 1)} ORDER BY {order}"
            return Case(f"{verb} INTO {table.name} ({', '.join(cols)}) {source}", mutates=table.name)
        nrows = rng.choice((1, 1, 1, 2, 3))
        rows = []
        for _ in range(nrows):
            values = [
                rng.choice(INTEGERS[:12]) if c == table.rowid_alias else literal(rng) for c in cols
            ]
            rows.append("(" + ", ".join(values) + ")")
        return Case(f"{verb} INTO {table.name} ({', '.join(cols)}) VALUES {', '.join(rows)}", mutates=table.name)

    def _update(self, table: Table) -> Case:
        rng = self.rng
        verb = rng.choice(("UPDATE", "UPDATE", "UPDATE OR REPLACE", "UPDATE OR IGNORE"))
        names = table.writable_names
        cols = rng.sample(names, k=rng.randint(1, min(2, len(names))))
        sets = ", ".join(f"{c} = {self.expr(table, 2)}" for c in cols)
        return Case(f"{verb} {table.name} SET {sets} WHERE {self.predicate(table, 2)}", mutates=table.name)

    def _delete(self, table: Table) -> Case:
        return Case(f"DELETE FROM {table.name} WHERE {self.predicate(table, 2)}", mutates=table.name)

    # -- SELECT ----------------------------------------------------------------

    def select(self) -> Case:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            return self._compound()
        if roll < 0.3:
            return self._aggregate()
        if roll < 0.45 and len(self.tables) > 1:
            return self._join()
        return self._simple()

    def _simple(self) -> Case:
        rng = self.rng
        table = rng.choice(self.tables)
        n = rng.randint(1, 3)
        exprs = [self.expr(table, 3) for _ in range(n)]
        distinct = "DISTINCT " if rng.random() < 0.15 else ""
        sql = f"SELECT {distinct}{', '.join(exprs)} FROM {table.name}"
        if rng.random() < 0.8:
            sql += f" WHERE {self.predicate(table, 3)}"
        return self._order_and_limit(sql, n)

    def _order_and_limit(self, sql: str, n: int) -> Case:
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            keys = ", ".join(f"{i}{rng.choice(('', ' DESC', ' ASC'))}" for i in range(1, n + 1))
            sql += f" ORDER BY {keys}"
            if rng.random() < 0.4:
                sql += f" LIMIT {rng.randint(0, 5)}"
                if rng.random() < 0.3:
                    sql += f" OFFSET {rng.randint(0, 3)}"
            return Case(sql, ordered=True)
        if roll < 0.55:
            sql += f" ORDER BY {rng.randint(1, n)}"  # partial order: compared as a multiset
        return Case(sql)

    def _aggregate(self) -> Case:
        rng = self.rng
        table = rng.choice(self.tables)
        group = rng.sample(table.column_names, k=rng.randint(0, min(2, len(table.columns))))
        aggs = [self._agg_call(table) for _ in range(rng.randint(1, 3))]
        outputs = group + aggs
        sql = f"SELECT {', '.join(outputs)} FROM {table.name}"
        if rng.random() < 0.6:
            sql += f" WHERE {self.predicate(table, 2)}"
        if group:
            sql += f" GROUP BY {', '.join(group)}"
            if rng.random() < 0.4:
                sql += f" HAVING {self._agg_call(table)} {rng.choice(('>', '<', '>=', '=', '<>'))} {rng.choice(INTEGERS[:8])}"
        return self._order_and_limit(sql, len(outputs))

    def _agg_call(self, table: Table) -> str:
        rng = self.rng
        fn = rng.choice(("count", "sum", "min", "max", "avg", "total", "count"))
        if fn == "count" and rng.random() < 0.4:
            return "count(*)"
        distinct = "DISTINCT " if rng.random() < 0.2 else ""
        return f"{fn}({distinct}{self.expr(table, 1)})"

    def _join(self) -> Case:
        rng = self.rng
        a, b = rng.sample(self.tables, 2)
        kind = rng.choice(("JOIN", "LEFT JOIN", "CROSS JOIN", "JOIN", "LEFT JOIN"))
        on = ""
        if kind != "CROSS JOIN":
            on = f" ON {a.name}.{rng.choice(a.column_names)} {rng.choice(('=', '=', '<', '>=', 'IS'))} {b.name}.{rng.choice(b.column_names)}"
        cols = [f"{a.name}.{rng.choice(a.column_names)}", f"{b.name}.{rng.choice(b.column_names)}"]
        if rng.random() < 0.5:
            cols.append(self.expr(b, 2, qualify=True))
        sql = f"SELECT {', '.join(cols)} FROM {a.name} {kind} {b.name}{on}"
        if rng.random() < 0.6:
            sql += f" WHERE {self.predicate(a, 2, qualify=True)}"
        return self._order_and_limit(sql, len(cols))

    def _compound(self) -> Case:
        rng = self.rng
        op = rng.choice(("UNION", "UNION ALL", "INTERSECT", "EXCEPT"))
        n = rng.randint(1, 2)
        parts = []
        for _ in range(2):
            t = rng.choice(self.tables)
            exprs = ", ".join(self.expr(t, 2) for _ in range(n))
            parts.append(f"SELECT {exprs} FROM {t.name} WHERE {self.predicate(t, 2)}")
        sql = f" {op} ".join(parts)
        if rng.random() < 0.4:
            sql += " ORDER BY " + ", ".join(str(i) for i in range(1, n + 1))
            return Case(sql, ordered=True)
        return Case(sql)

    # -- expressions -----------------------------------------------------------

    def column(self, table: Table, qualify: bool = False) -> str:
        name = self.rng.choice(table.column_names + ([table.rowid_alias] if table.rowid_alias else []))
        return f"{table.name}.{name}" if qualify else name

    def expr(self, table: Table, depth: int, qualify: bool = False) -> str:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.35:
            return self.column(table, qualify) if rng.random() < 0.65 else literal(rng)
        d = depth - 1
        roll = rng.random()
        if roll < 0.25:
            op = rng.choice(("+", "-", "*", "/", "%", "||", "+", "-"))
            return f"({self.expr(table, d, qualify)} {op} {self.expr(table, d, qualify)})"
        if roll < 0.35:
            return f"CAST({self.expr(table, d, qualify)} AS {rng.choice(('INTEGER', 'REAL', 'TEXT', 'NUMERIC', 'BLOB'))})"
        if roll < 0.45:
            return (
                f"CASE WHEN {self.predicate(table, d, qualify)} THEN {self.expr(table, d, qualify)} "
                f"ELSE {self.expr(table, d, qualify)} END"
            )
        if roll < 0.52:
            return f"CASE {self.expr(table, d, qualify)} WHEN {literal(rng)} THEN {literal(rng)} END"
        if roll < 0.75:
            fn = rng.choice(("abs", "length", "lower", "upper", "typeof", "coalesce", "ifnull",
                             "nullif", "hex", "quote", "trim", "substr", "instr", "round", "max", "min"))
            if fn in ("coalesce", "ifnull", "nullif", "instr", "max", "min"):
                return f"{fn}({self.expr(table, d, qualify)}, {self.expr(table, d, qualify)})"
            if fn == "substr":
                return f"substr({self.expr(table, d, qualify)}, {rng.randint(-3, 4)}, {rng.randint(0, 4)})"
            if fn == "round":
                return f"round({self.expr(table, d, qualify)}, {rng.randint(0, 3)})"
            return f"{fn}({self.expr(table, d, qualify)})"
        if roll < 0.85:
            return f"({self.predicate(table, d, qualify)})"
        if roll < 0.92 and len(self.tables) > 1:
            other = rng.choice(self.tables)
            agg = rng.choice(("count(*)", f"max({rng.choice(other.column_names)})", f"min({rng.choice(other.column_names)})"))
            return f"(SELECT {agg} FROM {other.name})"
        return f"(- {self.expr(table, d, qualify)})"

    def predicate(self, table: Table, depth: int, qualify: bool = False) -> str:
        rng = self.rng
        d = max(depth - 1, 0)
        roll = rng.random()
        x = self.expr(table, d, qualify)
        if roll < 0.3:
            op = rng.choice(("=", "<>", "<", "<=", ">", ">=", "==", "!=", "IS", "IS NOT"))
            return f"{x} {op} {self.expr(table, d, qualify)}"
        if roll < 0.4:
            return f"{x} {rng.choice(('IS NULL', 'IS NOT NULL', 'NOTNULL', 'ISNULL'))}"
        if roll < 0.5:
            neg = "NOT " if rng.random() < 0.3 else ""
            return f"{x} {neg}BETWEEN {literal(rng)} AND {literal(rng)}"
        if roll < 0.6:
            neg = "NOT " if rng.random() < 0.3 else ""
            items = ", ".join(literal(rng) for _ in range(rng.randint(1, 4)))
            return f"{x} {neg}IN ({items})"
        if roll < 0.67:
            other = rng.choice(self.tables)
            neg = "NOT " if rng.random() < 0.3 else ""
            return f"{x} {neg}IN (SELECT {rng.choice(other.column_names)} FROM {other.name})"
        if roll < 0.72:
            other = rng.choice(self.tables)
            return f"EXISTS (SELECT 1 FROM {other.name} WHERE {self.predicate(other, d)})"
        if roll < 0.8:
            pattern = rng.choice(LIKES)
            neg = "NOT " if rng.random() < 0.3 else ""
            return f"{x} {neg}LIKE {pattern}"
        if roll < 0.84:
            return f"{x} GLOB {rng.choice(GLOBS)}"
        if roll < 0.94 and depth > 0:
            op = rng.choice(("AND", "OR"))
            return f"({self.predicate(table, d, qualify)} {op} {self.predicate(table, d, qualify)})"
        if roll < 0.97:
            return f"NOT ({self.predicate(table, d, qualify)})"
        return x
