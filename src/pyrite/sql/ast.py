"""The abstract syntax tree: frozen, slotted dataclasses for SQLite's grammar.

Owns the shape of every statement and expression the parser produces. Knows
nothing of schemas, pages or execution. Nodes are immutable: a later stage that
rewrites a tree builds new nodes (dataclasses.replace).

Conventions
  * Identifiers are stored unquoted, with their original case ("t x", not
    '"t x"'). Name resolution is case-insensitive for ASCII, done later.
  * Operators are the upper-case SQL spelling: "+", "||", "AND", "IS NOT", …
    ("==" is folded to "=", "<>" to "!=").
  * Literals carry Python values: int, float, str, bytes, or None for NULL.
    Integer literals too large for 64 bits are float (as SQLite does); a
    negative literal is Unary("-", Literal(…)), except -9223372036854775808,
    which is Literal(-9223372036854775808) (its positive form is not an integer).
  * Optional parts are None; lists are tuples (empty when absent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# --------------------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Literal:
    value: int | float | str | bytes | None


@dataclass(frozen=True, slots=True)
class CurrentTime:
    """CURRENT_TIME, CURRENT_DATE or CURRENT_TIMESTAMP (kind is that keyword)."""

    kind: str


@dataclass(frozen=True, slots=True)
class Param:
    """A bound parameter. `number` is SQLite's 1-based parameter index (?, ?NNN,
    or the index SQLite assigns to a name on first use); `name` is the text
    with its prefix (":a", "@a", "$a", "?3") or None for a bare "?"."""

    number: int
    name: str | None


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """[schema.][table.]column. `column` may be "rowid"/"oid"/"_rowid_".
    `quoted` when the column was written in double quotes: SQLite turns such a
    name into a string literal when no column matches it (the DQS rule)."""

    schema: str | None
    table: str | None
    column: str
    quoted: bool = False
    pos: int = field(default=-1, compare=False)  # offset in the SQL text (error carets)


@dataclass(frozen=True, slots=True)
class Unary:
    """op is "-", "+", "~" or "NOT"."""

    op: str
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    """op is one of: || * / % + - << >> & | < <= > >= = != IS "IS NOT" AND OR -> ->>."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Like:
    """left [NOT] LIKE|GLOB|REGEXP|MATCH right [ESCAPE escape]."""

    op: str
    left: Expr
    right: Expr
    escape: Expr | None
    negated: bool


@dataclass(frozen=True, slots=True)
class Between:
    expr: Expr
    low: Expr
    high: Expr
    negated: bool


@dataclass(frozen=True, slots=True)
class InList:
    """expr [NOT] IN (items…). `items` may be empty: `x IN ()` is legal in SQLite."""

    expr: Expr
    items: tuple[Expr, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class InSelect:
    """expr [NOT] IN (select). `expr` may be a RowValue."""

    expr: Expr
    select: Select
    negated: bool


@dataclass(frozen=True, slots=True)
class InTable:
    """expr [NOT] IN [schema.]table  or  expr [NOT] IN tablefunc(args)."""

    expr: Expr
    schema: str | None
    table: str
    args: tuple[Expr, ...] | None
    negated: bool


@dataclass(frozen=True, slots=True)
class IsNull:
    """expr ISNULL / expr NOTNULL / expr NOT NULL (negated=True for the last two)."""

    expr: Expr
    negated: bool


@dataclass(frozen=True, slots=True)
class Exists:
    select: Select


@dataclass(frozen=True, slots=True)
class Subquery:
    """A scalar subquery: (SELECT …) used as a value."""

    select: Select


@dataclass(frozen=True, slots=True)
class Case:
    operand: Expr | None
    whens: tuple[tuple[Expr, Expr], ...]
    else_: Expr | None


@dataclass(frozen=True, slots=True)
class Cast:
    """CAST(expr AS type_name); type_name is the type text as written ("" if none)."""

    expr: Expr
    type_name: str


@dataclass(frozen=True, slots=True)
class Collate:
    expr: Expr
    collation: str


@dataclass(frozen=True, slots=True)
class RowValue:
    """(a, b, …) with two or more items."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Raise:
    """RAISE(IGNORE) / RAISE(ROLLBACK|ABORT|FAIL, message) inside a trigger."""

    action: str
    message: Expr | None


@dataclass(frozen=True, slots=True)
class FrameBound:
    """kind: "UNBOUNDED PRECEDING", "PRECEDING", "CURRENT ROW", "FOLLOWING",
    "UNBOUNDED FOLLOWING"; `offset` set for PRECEDING/FOLLOWING."""

    kind: str
    offset: Expr | None


@dataclass(frozen=True, slots=True)
class WindowSpec:
    """OVER (base PARTITION BY … ORDER BY … frame) or OVER name (base only)."""

    base: str | None
    partition_by: tuple[Expr, ...]
    order_by: tuple[OrderingTerm, ...]
    frame_unit: str | None  # "ROWS", "RANGE", "GROUPS"
    frame_start: FrameBound | None
    frame_end: FrameBound | None
    exclude: str | None  # "NO OTHERS", "CURRENT ROW", "GROUP", "TIES"


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """name(args) with its decorations. `star` for count(*); `order_by` for
    group_concat(x ORDER BY y); `filter` for FILTER (WHERE …); `over` for
    window calls."""

    name: str
    args: tuple[Expr, ...]
    distinct: bool = False
    star: bool = False
    order_by: tuple[OrderingTerm, ...] = ()
    filter: Expr | None = None
    over: WindowSpec | None = None
    pos: int = field(default=-1, compare=False)  # offset of the name in the SQL text


Expr = Union[
    Literal, CurrentTime, Param, ColumnRef, Unary, Binary, Like, Between, InList, InSelect,
    InTable, IsNull, Exists, Subquery, Case, Cast, Collate, RowValue, Raise, FunctionCall,
]

# --------------------------------------------------------------------------- SELECT


@dataclass(frozen=True, slots=True)
class OrderingTerm:
    """expr [COLLATE c] [ASC|DESC] [NULLS FIRST|LAST]; a COLLATE stays inside expr."""

    expr: Expr
    desc: bool = False
    nulls: str | None = None  # "FIRST", "LAST" or None


@dataclass(frozen=True, slots=True)
class ResultColumn:
    """One item of the select list. A `*` is expr=None, table=None; `t.*` is
    expr=None, table="t". `alias` is the AS name if any. `text` is the
    expression's source text exactly as written (SQLite uses it as the
    column name when there is no alias)."""

    expr: Expr | None
    alias: str | None = None
    table: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class TableRef:
    schema: str | None
    name: str
    alias: str | None = None
    indexed_by: str | None = None
    not_indexed: bool = False


@dataclass(frozen=True, slots=True)
class TableFunctionRef:
    schema: str | None
    name: str
    args: tuple[Expr, ...]
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class SubqueryRef:
    select: Select
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class Join:
    """left <kind> JOIN right. kind: "INNER", "LEFT", "RIGHT", "FULL", "CROSS", or
    "," for a comma join. `natural` for NATURAL; `on` / `using` as written."""

    left: FromItem
    right: FromItem
    kind: str
    natural: bool = False
    on: Expr | None = None
    using: tuple[str, ...] | None = None


FromItem = Union[TableRef, TableFunctionRef, SubqueryRef, Join]


@dataclass(frozen=True, slots=True)
class NamedWindow:
    name: str
    spec: WindowSpec


@dataclass(frozen=True, slots=True)
class SelectCore:
    columns: tuple[ResultColumn, ...]
    from_: FromItem | None = None
    where: Expr | None = None
    group_by: tuple[Expr, ...] = ()
    having: Expr | None = None
    windows: tuple[NamedWindow, ...] = ()
    distinct: bool = False


@dataclass(frozen=True, slots=True)
class Values:
    """VALUES (…), (…) used as a select body."""

    rows: tuple[tuple[Expr, ...], ...]


@dataclass(frozen=True, slots=True)
class Compound:
    """left op right, op: "UNION", "UNION ALL", "INTERSECT", "EXCEPT".
    Compounds nest to the left: a UNION b EXCEPT c is Compound(Compound(a,b),c)."""

    op: str
    left: SelectBody
    right: SelectBody


SelectBody = Union[SelectCore, Values, Compound]


@dataclass(frozen=True, slots=True)
class CommonTableExpr:
    name: str
    columns: tuple[str, ...]
    select: Select
    materialized: bool | None = None


@dataclass(frozen=True, slots=True)
class With:
    recursive: bool
    ctes: tuple[CommonTableExpr, ...]


@dataclass(frozen=True, slots=True)
class Select:
    body: SelectBody
    with_: With | None = None
    order_by: tuple[OrderingTerm, ...] = ()
    limit: Expr | None = None
    offset: Expr | None = None


# --------------------------------------------------------------------------- DML


@dataclass(frozen=True, slots=True)
class Upsert:
    """ON CONFLICT [(target) [WHERE target_where]] DO NOTHING | DO UPDATE SET … [WHERE …].
    `sets` is None for DO NOTHING."""

    target: tuple[IndexedColumn, ...]
    target_where: Expr | None
    sets: tuple[SetClause, ...] | None
    where: Expr | None


@dataclass(frozen=True, slots=True)
class SetClause:
    """col = expr, or (a, b) = (row value / subquery)."""

    columns: tuple[str, ...]
    expr: Expr


@dataclass(frozen=True, slots=True)
class Insert:
    """INSERT/REPLACE. `conflict` is the OR-action ("REPLACE" for REPLACE INTO)
    or None. `source` is a Select (VALUES is a Select whose body is Values) or
    None for DEFAULT VALUES."""

    table: TableRef
    columns: tuple[str, ...]
    source: Select | None
    conflict: str | None = None
    upsert: tuple[Upsert, ...] = ()
    returning: tuple[ResultColumn, ...] = ()
    with_: With | None = None


@dataclass(frozen=True, slots=True)
class Update:
    table: TableRef
    sets: tuple[SetClause, ...]
    where: Expr | None = None
    from_: FromItem | None = None
    conflict: str | None = None
    returning: tuple[ResultColumn, ...] = ()
    order_by: tuple[OrderingTerm, ...] = ()
    limit: Expr | None = None
    offset: Expr | None = None
    with_: With | None = None


@dataclass(frozen=True, slots=True)
class Delete:
    table: TableRef
    where: Expr | None = None
    returning: tuple[ResultColumn, ...] = ()
    order_by: tuple[OrderingTerm, ...] = ()
    limit: Expr | None = None
    offset: Expr | None = None
    with_: With | None = None


# --------------------------------------------------------------------------- DDL


@dataclass(frozen=True, slots=True)
class ForeignKeyClause:
    table: str
    columns: tuple[str, ...]
    on_delete: str | None = None  # "SET NULL", "SET DEFAULT", "CASCADE", "RESTRICT", "NO ACTION"
    on_update: str | None = None
    deferrable: bool | None = None
    initially_deferred: bool = False


@dataclass(frozen=True, slots=True)
class ColumnConstraint:
    """kind: "PRIMARY KEY", "NOT NULL", "NULL", "UNIQUE", "CHECK", "DEFAULT",
    "COLLATE", "REFERENCES", "GENERATED". `conflict` is the ON CONFLICT action
    (None if absent); `desc` for PRIMARY KEY DESC; `expr` for CHECK, DEFAULT and
    GENERATED (DEFAULT of a literal is a Literal; DEFAULT (expr) the expr;
    DEFAULT name is Literal("name"), DEFAULT true/false Literal(1)/Literal(0));
    `stored` for GENERATED ... STORED. `text` is the DEFAULT/GENERATED
    expression's source text as PRAGMA table_info shows it ("1 + 2" for
    DEFAULT (1 + 2), "-1" for DEFAULT -1); for CHECK the text between the
    parentheses, outer white space trimmed (SQLite's constraint message)."""

    kind: str
    name: str | None = None
    expr: Expr | None = None
    conflict: str | None = None
    desc: bool = False
    autoincrement: bool = False
    collation: str | None = None
    foreign_key: ForeignKeyClause | None = None
    stored: bool = False
    text: str = ""


@dataclass(frozen=True, slots=True)
class ColumnDef:
    """`type_name` is the declared type as SQLite records it (PRAGMA
    table_info): the source text of the type words with any (n[, m]) kept
    ("VARCHAR(10)", "unsigned  big int"), dequoted if it starts with a quoted
    word, and ANY/BLOB/INT/INTEGER/REAL/TEXT upper-cased; None when absent."""

    name: str
    type_name: str | None
    constraints: tuple[ColumnConstraint, ...] = ()


@dataclass(frozen=True, slots=True)
class IndexedColumn:
    """An index / PRIMARY KEY / UNIQUE term: expr (a ColumnRef for a plain column)."""

    expr: Expr
    collation: str | None = None
    desc: bool = False


@dataclass(frozen=True, slots=True)
class TableConstraint:
    """kind: "PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY"."""

    kind: str
    name: str | None = None
    columns: tuple[IndexedColumn, ...] = ()
    expr: Expr | None = None
    conflict: str | None = None
    foreign_key: ForeignKeyClause | None = None
    autoincrement: bool = False
    text: str = ""  # CHECK: the expression's source text (as ColumnConstraint.text)


@dataclass(frozen=True, slots=True)
class CreateTable:
    """`schema_sql` is the text SQLite stores in sqlite_schema.sql: "CREATE TABLE "
    followed by the source text from the (unqualified) table name to the end of
    the statement, trailing white space and ';' removed."""

    schema: str | None
    name: str
    columns: tuple[ColumnDef, ...]
    constraints: tuple[TableConstraint, ...] = ()
    temp: bool = False
    if_not_exists: bool = False
    without_rowid: bool = False
    strict: bool = False
    as_select: Select | None = None
    schema_sql: str = ""
    name_offset: int = field(default=-1, compare=False)  # of the name in the SQL text


@dataclass(frozen=True, slots=True)
class CreateIndex:
    schema: str | None
    name: str
    table: str
    columns: tuple[IndexedColumn, ...]
    unique: bool = False
    if_not_exists: bool = False
    where: Expr | None = None
    schema_sql: str = ""


@dataclass(frozen=True, slots=True)
class CreateView:
    schema: str | None
    name: str
    columns: tuple[str, ...]
    select: Select
    temp: bool = False
    if_not_exists: bool = False
    schema_sql: str = ""
    name_offset: int = field(default=-1, compare=False)  # of the name in the SQL text


@dataclass(frozen=True, slots=True)
class CreateTrigger:
    """timing: "BEFORE", "AFTER", "INSTEAD OF"; event: "INSERT", "UPDATE", "DELETE"."""

    schema: str | None
    name: str
    table: str
    timing: str
    event: str
    body: tuple[Statement, ...]
    update_columns: tuple[str, ...] = ()
    when: Expr | None = None
    for_each_row: bool = False
    temp: bool = False
    if_not_exists: bool = False
    schema_sql: str = ""
    table_schema: str | None = None  # ON schema.table


@dataclass(frozen=True, slots=True)
class CreateVirtualTable:
    schema: str | None
    name: str
    module: str
    args: tuple[str, ...]
    if_not_exists: bool = False
    schema_sql: str = ""


@dataclass(frozen=True, slots=True)
class Drop:
    """kind: "TABLE", "INDEX", "VIEW", "TRIGGER"."""

    kind: str
    schema: str | None
    name: str
    if_exists: bool = False


@dataclass(frozen=True, slots=True)
class AlterTable:
    """action: "RENAME" (new_name), "RENAME COLUMN" (column -> new_name),
    "ADD COLUMN" (column_def), "DROP COLUMN" (column)."""

    schema: str | None
    table: str
    action: str
    new_name: str | None = None
    column: str | None = None
    column_def: ColumnDef | None = None


# --------------------------------------------------------------------------- other statements


@dataclass(frozen=True, slots=True)
class Begin:
    mode: str | None = None  # "DEFERRED", "IMMEDIATE", "EXCLUSIVE", "CONCURRENT"


@dataclass(frozen=True, slots=True)
class Commit:
    pass


@dataclass(frozen=True, slots=True)
class Rollback:
    savepoint: str | None = None


@dataclass(frozen=True, slots=True)
class Savepoint:
    name: str


@dataclass(frozen=True, slots=True)
class Release:
    name: str


@dataclass(frozen=True, slots=True)
class Pragma:
    """PRAGMA [schema.]name [= value | (value)]. value is a Literal: a number
    (sign folded in: Literal(-1)), a string, or a bare identifier/keyword as
    Literal(str)."""

    schema: str | None
    name: str
    value: Expr | None = None


@dataclass(frozen=True, slots=True)
class Analyze:
    schema: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Vacuum:
    schema: str | None = None
    into: Expr | None = None


@dataclass(frozen=True, slots=True)
class Reindex:
    schema: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Attach:
    expr: Expr
    name: Expr


@dataclass(frozen=True, slots=True)
class Detach:
    name: str


@dataclass(frozen=True, slots=True)
class Explain:
    statement: Statement
    query_plan: bool


Statement = Union[
    Select, Insert, Update, Delete, CreateTable, CreateIndex, CreateView, CreateTrigger,
    CreateVirtualTable, Drop, AlterTable, Begin, Commit, Rollback, Savepoint, Release,
    Pragma, Analyze, Vacuum, Reindex, Attach, Detach, Explain,
]


@dataclass(frozen=True, slots=True)
class Parsed:
    """One statement and its place in the source: text[start:end] is the
    statement without the terminating ';'. `param_count` is the highest
    parameter number used; `param_names` maps each number to its name (None
    for anonymous ones), as sqlite3_bind_parameter_name would."""

    statement: Statement
    start: int
    end: int
    param_count: int
    param_names: tuple[str | None, ...]
