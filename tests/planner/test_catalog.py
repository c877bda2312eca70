"""planner.catalog: tables, affinity, rowid alias and auto-indexes from schema SQL."""

from __future__ import annotations

import pytest

from pyrite.planner.catalog import (
    AFF_BLOB,
    AFF_INTEGER,
    AFF_NUMERIC,
    AFF_REAL,
    AFF_TEXT,
    Catalog,
    affinity_of,
)


@pytest.mark.parametrize(("decl", "aff"), [
    ("INT", AFF_INTEGER), ("BIGINT", AFF_INTEGER), ("VARCHAR(10)", AFF_TEXT), ("CLOB", AFF_TEXT),
    ("BLOB", AFF_BLOB), (None, AFF_BLOB), ("REAL", AFF_REAL), ("DOUBLE PRECISION", AFF_REAL),
    ("FLOATING POINT", AFF_INTEGER), ("DECIMAL(10,5)", AFF_NUMERIC), ("STRING", AFF_NUMERIC),
])
def test_affinity_rules(decl: str | None, aff: int) -> None:
    assert affinity_of(decl) == aff


def _cat(*rows: tuple[str, str, str, int, str | None]) -> Catalog:
    c = Catalog()
    c.load([(i + 1, list(r)) for i, r in enumerate(rows)], 1)
    return c


def test_integer_primary_key_is_rowid_alias() -> None:
    c = _cat(("table", "t", "t", 2, "CREATE TABLE t(id INTEGER PRIMARY KEY, x)"),
             ("table", "u", "u", 3, "CREATE TABLE u(id INT PRIMARY KEY, x)"),
             ("index", "sqlite_autoindex_u_1", "u", 4, None),
             ("table", "w", "w", 5, "CREATE TABLE w(id INTEGER, x, PRIMARY KEY(id DESC))"),
             ("index", "sqlite_autoindex_w_1", "w", 6, None))
    t, u, w = c.table("T"), c.table("u"), c.table("w")
    assert t is not None and t.ipk == 0 and not t.indexes
    assert u is not None and u.ipk is None and u.indexes[0].unique
    assert w is not None and w.ipk is None


def test_indexes_collations_and_views() -> None:
    c = _cat(("table", "t", "t", 2, "CREATE TABLE t(a TEXT COLLATE NOCASE, b, UNIQUE(b, a))"),
             ("index", "sqlite_autoindex_t_1", "t", 3, None),
             ("index", "ta", "t", 4, "CREATE INDEX ta ON t(a DESC, b COLLATE RTRIM)"),
             ("view", "v", "v", 0, "CREATE VIEW v(x) AS SELECT a FROM t"))
    t = c.table("t")
    assert t is not None
    auto, ta = t.indexes
    assert auto.columns == [1, 0] and auto.collations == [None, "NOCASE"]
    assert ta.columns == [0, 1] and ta.desc == [True, False] and ta.collations == ["NOCASE", "RTRIM"]
    assert c.views["v"].columns == ("x",)
    assert c.table("sqlite_schema") is not None
