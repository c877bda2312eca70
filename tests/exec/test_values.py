"""pyrite.exec.values against CPython's sqlite3 (SQLite 3.40.1) as the oracle:
operators, casts, affinity, comparison and LIKE/GLOB over a grid of hostile
values, comparing value *and* storage class."""

from __future__ import annotations

import itertools
import math
import sqlite3
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrite.errors import Error
from pyrite.exec import values as V

GRID: list[Any] = [
    None, 0, -0.0, 1, -1, 2, 64, b'\xc3', b'\xa4', 'a\x00b', -64, 100, 2**63 - 1, -(2**63), 1e308, 0.1, 1.5, -2.5, 2.0,
    1e20, 'abc', 'ABC', '12', ' 12 ', '12abc', '0x1A', '', 'ÄÖ', '1e3', '3.0', ' -7.5e2xyz',
    '9223372036854775808', '-0', '.5', '1.', '1e', b'\x00\xff', b'', b'12', 'a%', '_b',
]


def _oracle() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.text_factory = lambda b: b.decode("utf-8", "replace")
    return con


CON = _oracle()


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if type(a) is float:
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return bool(a == b)


def _run_ours(fn: Any, *args: Any) -> Any:
    try:
        got = fn(*args)
    except Error as e:
        return ("error", str(e))
    if type(got) is str:
        # bytes that are not UTF-8 stay as surrogate escapes in pyrite's TEXT (so the
        # module can raise sqlite3's decode error); the oracle decodes with "replace"
        got = got.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return got


def _run_sqlite(sql: str, args: tuple[Any, ...]) -> Any:
    try:
        return CON.execute(sql, args).fetchone()[0]
    except sqlite3.Error as e:
        return ("error", str(e))


def _check(sql: str, fn: Any, args: tuple[Any, ...], failures: list[str]) -> None:
    want = _run_sqlite(sql, args)
    got = _run_ours(fn, *args)
    if isinstance(want, tuple) or isinstance(got, tuple):
        ok = want == got
    else:
        ok = _same(want, got)
    if not ok:
        failures.append(f"{sql} {args!r}: sqlite={want!r} pyrite={got!r}")


BINARY_OPS = [
    ("?1 + ?2", V.add), ("?1 - ?2", V.sub), ("?1 * ?2", V.mul), ("?1 / ?2", V.div),
    ("?1 % ?2", V.mod), ("?1 & ?2", V.bitand), ("?1 | ?2", V.bitor), ("?1 << ?2", V.shl),
    ("?1 >> ?2", V.shr), ("?1 || ?2", V.concat), ("?1 = ?2", V.sql_eq),
    ("?1 <> ?2", V.sql_ne), ("?1 < ?2", V.sql_lt), ("?1 <= ?2", V.sql_le),
    ("?1 > ?2", V.sql_gt), ("?1 >= ?2", V.sql_ge), ("?1 IS ?2", V.sql_is),
    ("?1 IS NOT ?2", V.sql_isnot), ("?1 AND ?2", V.sql_and), ("?1 OR ?2", V.sql_or),
    ("?2 LIKE ?1", V.like), ("?2 GLOB ?1", V.glob),
]


@pytest.mark.parametrize("sql,fn", BINARY_OPS, ids=[s for s, _ in BINARY_OPS])
def test_binary_operators(sql: str, fn: Any) -> None:
    failures: list[str] = []
    for a, b in itertools.product(GRID, GRID):
        _check("SELECT " + sql, fn, (a, b), failures)
    assert failures == [], "\n".join(failures[:30])


UNARY_OPS = [
    ("-?1", V.neg), ("~?1", V.bitnot), ("NOT ?1", V.sql_not), ("+?1", V.pos),
    ("CAST(?1 AS TEXT)", V.to_text), ("CAST(?1 AS REAL)", V.to_real),
    ("CAST(?1 AS INTEGER)", V.to_integer), ("CAST(?1 AS NUMERIC)", V.to_numeric),
    ("CAST(?1 AS BLOB)", V.to_blob), ("CAST(?1 AS VARCHAR(10))", lambda v: V.cast(v, "VARCHAR(10)")),
    ("CAST(?1 AS DOUBLE PRECISION)", lambda v: V.cast(v, "DOUBLE PRECISION")),
    ("CAST(?1 AS BIGINT)", lambda v: V.cast(v, "BIGINT")),
    ("CAST(?1 AS DECIMAL(5,2))", lambda v: V.cast(v, "DECIMAL(5,2)")),
    ("CASE WHEN ?1 THEN 1 ELSE 0 END", lambda v: 1 if V.truth(v) else 0),
]


@pytest.mark.parametrize("sql,fn", UNARY_OPS, ids=[s for s, _ in UNARY_OPS])
def test_unary_operators(sql: str, fn: Any) -> None:
    failures: list[str] = []
    for a in GRID:
        _check("SELECT " + sql, fn, (a,), failures)
    assert failures == [], "\n".join(failures)


def test_real_to_text_matches_sqlite() -> None:
    samples = [
        0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1e20, 1e-7, 1e15, 1e16, 123456789012345678.0,
        100000000000000.5, 0.1 + 0.2, 1 / 3, 2 / 3, math.pi, 1e308, 5e-324, 2.5e-5,
        1e100, 9.999999999999999e22, 12345.678, 1e-4, 1e-5, 123456.0, 1e300 * 10,
        -1e300 * 10, 4503599627370496.5, 0.30000000000000004,
    ]
    failures = []
    for r in samples:
        want = CON.execute("SELECT CAST(? AS TEXT)", (r,)).fetchone()[0]
        got = V.real_to_text(r)
        if want != got:
            failures.append(f"{r!r}: sqlite={want!r} pyrite={got!r}")
    assert failures == []


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False))
def test_real_to_text_random(r: float) -> None:
    assert V.real_to_text(r) == CON.execute("SELECT CAST(? AS TEXT)", (r,)).fetchone()[0]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" 0123456789+-.eEx\t", max_size=12))
def test_numeric_text_random(s: str) -> None:
    for sql, fn in [("SELECT ?+0", lambda v: V.add(v, 0)), ("SELECT CAST(? AS NUMERIC)", V.to_numeric),
                    ("SELECT CAST(? AS INTEGER)", V.to_integer), ("SELECT CAST(? AS REAL)", V.to_real)]:
        want = CON.execute(sql, (s,)).fetchone()[0]
        got = fn(s)
        assert _same(want, got), (sql, s, want, got)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(2**63), max_value=2**63 - 1),
       st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_integer_arithmetic_random(a: int, b: int) -> None:
    row = CON.execute("SELECT ?1+?2, ?1-?2, ?1*?2, ?1/?2, ?1%?2, ?1<<(?2%70), ?1>>(?2%70)",
                      (a, b)).fetchone()
    got = (V.add(a, b), V.sub(a, b), V.mul(a, b), V.div(a, b), V.mod(a, b),
           V.shl(a, V.mod(b, 70)), V.shr(a, V.mod(b, 70)))
    for w, g in zip(row, got, strict=True):
        assert _same(w, g), (a, b, row, got)


# --- affinity -------------------------------------------------------------

DECLS = [
    ("INTEGER", V.Affinity.INTEGER), ("TINYINT", V.Affinity.INTEGER),
    ("VARCHAR(10)", V.Affinity.TEXT), ("CLOB", V.Affinity.TEXT), ("BLOB", V.Affinity.BLOB),
    ("", V.Affinity.BLOB), (None, V.Affinity.BLOB), ("REAL", V.Affinity.REAL),
    ("DOUBLE", V.Affinity.REAL), ("FLOAT", V.Affinity.REAL), ("NUMERIC", V.Affinity.NUMERIC),
    ("DECIMAL(10,5)", V.Affinity.NUMERIC), ("BOOLEAN", V.Affinity.NUMERIC),
    ("DATE", V.Affinity.NUMERIC), ("CHARINT", V.Affinity.INTEGER),
    ("POINT", V.Affinity.INTEGER), ("STRING", V.Affinity.NUMERIC),
    ("FLOATING POINT", V.Affinity.INTEGER),
]


@pytest.mark.parametrize("decl,aff", DECLS)
def test_affinity_of(decl: str | None, aff: V.Affinity) -> None:
    assert V.affinity_of(decl) == aff


@pytest.mark.parametrize("decl", ["INTEGER", "TEXT", "BLOB", "REAL", "NUMERIC", ""])
def test_apply_affinity_on_store(decl: str) -> None:
    con = _oracle()
    con.execute(f"CREATE TABLE t(a {decl})")
    aff = V.affinity_of(decl)
    failures = []
    for v in GRID:
        con.execute("DELETE FROM t")
        con.execute("INSERT INTO t VALUES (?)", (v,))
        want = con.execute("SELECT a FROM t").fetchone()[0]
        got = V.apply_affinity(v, aff)
        if not _same(want, got):
            failures.append(f"{decl} {v!r}: sqlite={want!r} pyrite={got!r}")
    assert failures == []


@pytest.mark.parametrize("da,db", [("INTEGER", "TEXT"), ("TEXT", None), ("REAL", None),
                                   ("BLOB", "TEXT"), ("NUMERIC", "BLOB"), ("TEXT", "TEXT"),
                                   (None, "INTEGER"), ("BLOB", None)])
def test_comparison_with_affinity(da: str | None, db: str | None) -> None:
    """Column-vs-column and column-vs-expression comparisons (None: a bound
    parameter, which has no affinity)."""
    con = _oracle()
    cols = []
    if da is not None:
        cols.append(f"a {da}")
    if db is not None:
        cols.append(f"b {db}")
    con.execute(f"CREATE TABLE t({', '.join(cols)})")
    small = [None, 1, 1.0, '1', '1.0', ' 1', 'abc', b'1', 12, '12', 2.5, '2.5']
    failures = []
    for a, b in itertools.product(small, small):
        con.execute("DELETE FROM t")
        vals = [v for v, d in ((a, da), (b, db)) if d is not None]
        if vals:
            con.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(vals))})", vals)
        ea = "a" if da is not None else "?"
        eb = "b" if db is not None else "?"
        params = tuple(v for v, d in ((a, da), (b, db)) if d is None)
        for op, fn in (("<", V.sql_lt), ("=", V.sql_eq), (">", V.sql_gt)):
            sql = f"SELECT {ea} {op} {eb} FROM t"
            want = con.execute(sql, params).fetchone()[0]
            sa = V.apply_affinity(a, V.affinity_of(da)) if da is not None else a
            sb = V.apply_affinity(b, V.affinity_of(db)) if db is not None else b
            aff_a = V.affinity_of(da) if da is not None else None
            aff_b = V.affinity_of(db) if db is not None else None
            x, y = V.prepare_compare(sa, sb, V.comparison_affinity(aff_a, aff_b))
            got = fn(x, y)
            if want != got:
                failures.append(f"{sql} {a!r} {b!r}: sqlite={want!r} pyrite={got!r}")
    assert failures == [], "\n".join(failures[:20])


# --- collations and ordering ---------------------------------------------


def test_order_by_matches_compare() -> None:
    con = _oracle()
    con.execute("CREATE TABLE t(a)")
    con.executemany("INSERT INTO t VALUES (?)", [(v,) for v in GRID])
    want = [r[0] for r in con.execute("SELECT a FROM t ORDER BY a")]
    import functools
    got = sorted(GRID, key=functools.cmp_to_key(V.compare))
    assert [(type(x), x) for x in want] == [(type(x), x) for x in got]


@pytest.mark.parametrize("coll", ["BINARY", "NOCASE", "RTRIM"])
def test_collations(coll: str) -> None:
    words = ["a", "A", "b", "B", "a ", "a  ", "ä", "Ä", "_", "[", "", " ", "ab", "aB", "Z"]
    failures = []
    for a, b in itertools.product(words, words):
        want = CON.execute(f"SELECT (?1 < ?2 COLLATE {coll}) - (?1 > ?2 COLLATE {coll})",
                           (a, b)).fetchone()[0]
        got = -V.compare(a, b, V.COLLATIONS[coll])
        if want != got:
            failures.append(f"{a!r} {b!r}: {want} {got}")
    assert failures == []


LIKE_PATTERNS = ["a%", "%b%", "_", "%", "", "A_C", "a\\%", "%\\_%", "[a]*", "*[a-c]?", "[^a]*",
                 "[]a]*", "*[", "a*", "?*", "%ä%", "Ä%", "[c-a]", "[a-]", "\\"]
LIKE_SUBJECTS = ["abc", "ABC", "a%", "_b", "", "a", "ä", "Äx", "]", "a-", "c", "\\", "a\\%",
                 "b", 12, None, b"abc"]


def test_like_glob_escape() -> None:
    failures = []
    for p, s in itertools.product(LIKE_PATTERNS, LIKE_SUBJECTS):
        for sql, fn in (("SELECT ?2 LIKE ?1", V.like), ("SELECT ?2 GLOB ?1", V.glob),
                        ("SELECT ?2 LIKE ?1 ESCAPE '\\'", lambda a, b: V.like(a, b, "\\")),
                        ("SELECT ?2 LIKE ?1 ESCAPE NULL", lambda a, b: V.like_escape(a, b, None))):
            _check(sql, fn, (p, s), failures)
    assert failures == [], "\n".join(failures[:20])


def test_like_escape_must_be_one_char() -> None:
    with pytest.raises(Error, match="ESCAPE expression must be a single character"):
        V.like("a", "a", "ab")


def test_hostile_like_patterns_stay_fast() -> None:
    """No backtracking blow-up: each pattern is matched in one left-to-right pass."""
    text = "a" * 5000
    assert V.like("%a%a%a%a%a%a%a%a%a%a%b", text) == 0
    assert V.glob("*a*a*a*a*a*a*a*a*a*a*b", text) == 0
    assert V.like("%a%a%a%a%a%a%a%a%a%a%", text) == 1
    assert V.glob("*[ab]?*a*a*[!b]*a", text) == CON.execute(
        "SELECT ? GLOB '*[ab]?*a*a*[!b]*a'", (text,)).fetchone()[0]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab%_*?[]^-\\", max_size=8), st.text(alphabet="abAB_%*[]-", max_size=8))
def test_like_glob_random(pattern: str, s: str) -> None:
    assert V.like(pattern, s) == CON.execute("SELECT ?2 LIKE ?1", (pattern, s)).fetchone()[0]
    assert V.glob(pattern, s) == CON.execute("SELECT ?2 GLOB ?1", (pattern, s)).fetchone()[0]
    esc = CON.execute("SELECT ?2 LIKE ?1 ESCAPE '\\'", (pattern, s)).fetchone()[0]
    assert V.like(pattern, s, "\\") == esc
