"""PRAGMA integrity_check / quick_check where the check needs SQL, against sqlite3
3.40.1 row for row: expression indexes, partial indexes and the secondary indexes of
WITHOUT ROWID tables ("row N missing from index", "wrong # of entries in index",
"non-unique entry in index"), NOT NULL columns (VIRTUAL generated ones too), STRICT
types ("non-INTEGER value in t.a") and CHECK constraints ("CHECK constraint failed
in t", quick_check too, not with ignore_check_constraints).

Each damaged file is made by sqlite3: rows written under one schema, then the schema
text changed with writable_schema so that the stored rows or index entries break the
new one (the records keep their layout), or a page edited by hand."""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import pyrite


def _rows_sql(vals: list[str], table: str) -> str:
    return "".join(f"insert into {table} values({v});" for v in vals)


E_SETUP = ("create table e(p, q); create index eq on e(p + q); create index ep on e(p) where q > 2;"
           + _rows_sql([f"{i}, {i % 5}" for i in range(10)], "e"))
W_SETUP = ("create table w(x, y, z, primary key(y, x)) without rowid; create index wz on w(z);"
           "create index wzz on w(z + x);"
           + _rows_sql([f"{i}, {-i}, {i % 5}" for i in range(10)], "w"))
W2_SETUP = ("create table w(a, b, c, primary key(a)) without rowid; create index wc on w(c);"
            "create index wp on w(b) where c > 2;"
            + _rows_sql([f"{i}, {'null' if i % 3 == 0 else i}, {i % 4}" for i in range(8)], "w"))
T_SETUP = "create table t(a, b, c);" + _rows_sql(
    ["1, 'x', 2.5", "null, 2, x'00'", "'s', null, 3", "4, 5.0, null", "2.0, '7', 6"], "t")
H_SETUP = ("create table h(a); insert into h values(1); insert into h values(2);"
           "alter table h add column b default 5; insert into h values(3, 7);"
           "create index hb on h(b); create index hbe on h(b + 1) where b > 0;")

_MIXED = ["null", "1", "2", "-3", "2.5", "'abc'", "'M'", "'z'", "x'01'", "7", "'10'"]
# 300 rows of mixed types over a few pages (page_size 512): an index of several levels
S_SETUP = ("pragma page_size=512; create table t(a, b); create index i on t(b);"
           + _rows_sql([f"{_MIXED[i * 7 % 11]}, {_MIXED[i * i % 11]}" for i in range(300)], "t"))

# name -> (setup script, [(schema entry, its new SQL)], the table for integrity_check(T))
CASES: dict[str, tuple[str, list[tuple[str, str]], str]] = {
    "expression and partial, clean": (E_SETUP, [], "e"),
    "expression changed": (E_SETUP, [("eq", "create index eq on e(p - q)")], "e"),
    "partial WHERE wider": (E_SETUP, [("ep", "create index ep on e(p) where q > 1")], "e"),
    "partial WHERE narrower": (E_SETUP, [("ep", "create index ep on e(p) where q > 3")], "e"),
    "without rowid, clean": (W_SETUP, [], "w"),
    "without rowid index columns": (W_SETUP, [("wz", "create index wz on w(x)"),
                                              ("wzz", "create index wzz on w(z - x)")], "w"),
    "without rowid partial": (W2_SETUP, [("wp", "create index wp on w(b) where c > 1")], "w"),
    "without rowid unique": (W2_SETUP, [("wc", "create unique index wc on w(c)")], "w"),
    "without rowid NULL in key": (
        "create table w(a, b, c, primary key(a)) without rowid;"
        + _rows_sql([f"{i}, {'null' if i % 3 == 0 else i}, {i}" for i in range(8)], "w"),
        [("w", "create table w(a, b, c, primary key(a, b)) without rowid")], "w"),
    "NOT NULL and CHECK": (T_SETUP, [("t", "create table t(a not null, b check(b > 1), "
                                            "c not null, check(a < 3), check(c is not null))")],
                           "t"),
    "STRICT": (T_SETUP, [("t", "create table t(a integer not null, b text, c real) strict")], "t"),
    "STRICT INT BLOB ANY": (T_SETUP, [("t", "create table t(a int, b blob, c any not null) "
                                            "strict")], "t"),
    "STRICT and CHECK": (T_SETUP, [("t", "create table t(a integer, b text, c real check(c > 0))"
                                         " strict")], "t"),
    "rowid alias in STRICT": (
        "create table p(id integer primary key, v);" + _rows_sql(["1, 1", "2, 't'", "3, null"], "p"),
        [("p", "create table p(id integer primary key, v int not null) strict")], "p"),
    "VIRTUAL generated columns": (
        "create table g(a, b);" + _rows_sql(["1, 2", "null, 3", "'x', 4"], "g"),
        [("g", "create table g(a any, b any, c any as (a + 1) not null, "
               "d integer as (a || 'z'), e text as (b) stored) strict")], "g"),
    "STORED generated column in CHECK": (
        "create table m(a, b as (a * 2) stored, c);"
        + "".join(f"insert into m(a, c) values({i}, {i});" for i in range(5)),
        [("m", "create table m(a, b as (a * 2) stored, c, check (b < 5))")], "m"),
    "short records, clean": (H_SETUP, [], "h"),
    "short records": (H_SETUP, [("hbe", "create index hbe on h(b + 2) where b > 0")], "h"),
    "short records, REAL and negative defaults, clean": (
        "create table h(a); insert into h values(1); insert into h values(2);"
        "alter table h add column c real default -2; alter table h add column d text default 7;"
        "insert into h values(3, 4, 5); create index hc on h(c, d);"
        "create index hce on h(typeof(c), typeof(d)) where c < 0;", [], "h"),
    # entries in another order than the index's: which rows SQLite reports depends on
    # where its index cursor stands (sqlite3BtreeIndexMoveto's last-page shortcuts)
    "index order DESC": (S_SETUP, [("i", "create index i on t(b desc)")], "t"),
    "unique index order NOCASE": (S_SETUP, [("i", "create unique index i on t(b collate nocase)")],
                                  "t"),
    # entries with fewer fields than the key: "Corrupt index", an error of the statement
    "index entries short": (S_SETUP, [("i", "create index i on t(b, a)")], "t"),
    "collation in an expression": (
        "create table k(s); create index ks on k(lower(s) collate nocase);"
        + _rows_sql(["'A'", "'b'", "'C'", "'a'"], "k"),
        [("ks", "create index ks on k(upper(s))")], "k"),
}

FORMS = ("pragma integrity_check", "pragma quick_check", "pragma integrity_check(2)",
         "pragma quick_check(3)", "pragma integrity_check({t})")


def _rows(mod: Any, path: Path, sql: str, setup: str = "") -> list[str] | str:
    try:
        con = mod.connect(str(path))
        try:
            if setup:
                con.execute(setup)
            return [r[0] for r in con.execute(sql)]
        finally:
            con.close()
    except mod.DatabaseError as exc:
        return f"DatabaseError: {exc}"


def _make(path: Path, setup: str, edits: list[tuple[str, str]]) -> None:
    con = sqlite3.connect(path)
    con.executescript(setup)
    con.commit()
    con.execute("pragma writable_schema=1")
    for name, sql in edits:
        assert con.execute("update sqlite_master set sql=? where name=?", (sql, name)).rowcount == 1
    con.commit()
    con.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_pragma_output_as_sqlite(tmp_path: Path, case: str) -> None:
    setup, edits, table = CASES[case]
    path = tmp_path / "c.db"
    _make(path, setup, edits)
    found = []
    for form in FORMS:
        sql = form.format(t=table)
        want = _rows(sqlite3, path, sql)
        assert _rows(pyrite, path, sql) == want, sql
        found.append(want)
    assert (found[0] == ["ok"]) == case.endswith("clean")


def test_ignore_check_constraints(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _make(path, *CASES["STRICT and CHECK"][:2])
    for pragma in ("pragma ignore_check_constraints=1", "pragma ignore_check_constraints=0"):
        for sql in ("pragma integrity_check", "pragma quick_check"):
            want = _rows(sqlite3, path, sql, pragma)
            assert _rows(pyrite, path, sql, pragma) == want, (pragma, sql)
    assert "CHECK constraint failed in t" not in _rows(
        pyrite, path, "pragma integrity_check", "pragma ignore_check_constraints=1")


def _leaf(data: bytearray, root: int, ps: int) -> int:
    """The left-most leaf page under root."""
    pg = root
    while data[(pg - 1) * ps] in (2, 5):
        b = (pg - 1) * ps
        pg = struct.unpack_from(">I", data, b + struct.unpack_from(">H", data, b + 12)[0])[0]
    return pg


def _drop_last_cell(data: bytearray, root: int, ps: int) -> None:
    b = (_leaf(data, root, ps) - 1) * ps
    n = struct.unpack_from(">H", data, b + 3)[0]
    struct.pack_into(">H", data, b + 3, n - 1)


def _flip_first_cell_key(data: bytearray, root: int, ps: int) -> None:
    """The first entry of a leaf index page: its first key field, the constant 0 or 1
    (serial type 8 or 9, no body bytes), becomes the other."""
    b = (_leaf(data, root, ps) - 1) * ps
    c = b + struct.unpack_from(">H", data, b + 8)[0]
    assert data[c + 2] in (8, 9)  # payload size, header size, then the first serial type
    data[c + 2] ^= 1


PAGE_EDITS: dict[str, tuple[str, str, Callable[[bytearray, int, int], None]]] = {
    "expression entry lost": (E_SETUP, "eq", _drop_last_cell),
    "partial entry lost": (E_SETUP, "ep", _drop_last_cell),
    "without rowid entry lost": (W_SETUP, "wzz", _drop_last_cell),
    "expression entry changed": (E_SETUP, "eq", _flip_first_cell_key),
}


@pytest.mark.parametrize("case", sorted(PAGE_EDITS))
def test_damaged_index_pages_as_sqlite(tmp_path: Path, case: str) -> None:
    setup, index, damage = PAGE_EDITS[case]
    path = tmp_path / "c.db"
    con = sqlite3.connect(path)
    con.execute("pragma page_size=1024")
    con.executescript(setup)
    con.commit()
    root = con.execute("select rootpage from sqlite_master where name=?", (index,)).fetchone()[0]
    table = con.execute("select tbl_name from sqlite_master where name=?", (index,)).fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    damage(data, root, 1024)
    path.write_bytes(bytes(data))
    for form in FORMS:
        sql = form.format(t=table)
        want = _rows(sqlite3, path, sql)
        assert _rows(pyrite, path, sql) == want, sql
    assert _rows(sqlite3, path, "pragma integrity_check") != ["ok"]


PYRITE_WRITES = [
    E_SETUP, W_SETUP, W2_SETUP,
    "create table w(a, b, c, primary key(a)) without rowid; create unique index wc on w(c);"
    + _rows_sql([f"{i}, {i % 3}, {'null' if i % 4 == 0 else i}" for i in range(8)], "w"),
    H_SETUP,  # CREATE INDEX over records shorter than the table: their DEFAULT
    CASES["collation in an expression"][0],
    "create table t(a not null, b check(b > 1), c not null, check(a < 3), check(c is not null));"
    + _rows_sql(["1, 2, 3", "2, 'x', 0", "-5, 2.5, x'00'"], "t"),
    "create table t(a integer not null, b text, c real) strict;"
    + _rows_sql(["1, 'x', 2.5", "2, null, 3", "3, '', null"], "t"),
    "create table g(a any, b any, c any as (a + 1) not null, d integer as (a * 2), "
    "e text as (b) stored) strict; create index gc on g(c, d); create index ge on g(e || c)"
    " where d > 2; insert into g(a, b) values (1, 'x'), (2, 'y'), (3, null), (4, 5);",
]


@pytest.mark.parametrize("setup", PYRITE_WRITES)
def test_files_pyrite_writes_pass_both_checks(tmp_path: Path, setup: str) -> None:
    """Files written by pyrite with such schemas pass pyrite's check and sqlite3's."""
    path = tmp_path / "p.db"
    con = pyrite.connect(str(path))
    con.executescript(setup)
    con.commit()
    con.close()
    assert _rows(pyrite, path, "pragma integrity_check") == ["ok"]
    assert _rows(sqlite3, path, "pragma integrity_check") == ["ok"]
