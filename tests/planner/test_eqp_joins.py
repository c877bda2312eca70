"""Join order against sqlite3's EXPLAIN QUERY PLAN: joins of 2-4 tables with and
without usable indexes, without statistics and after ANALYZE (sqlite_stat1).

The plans pin down SQLite's cost model as planner/cost.py follows it: LogEst
row and cost estimates per loop, WHERE terms a loop only tests narrowing its
rows (20 for `col = ?`, 10 for `col = 1`), automatic indexes, the path solver.
Each query also returns the same rows as sqlite3 from the plan pyrite chose."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

import pytest
from test_eqp import SCHEMA, _fill, _tree

import pyrite

# Over test_eqp's schema: t1(a INTEGER PRIMARY KEY, b, c, d) with t1b(b), t1cd(c, d);
# t2(x, y, z) with UNIQUE t2x(x), t2yz(y, z); t3(p, q, r) without index; t4(k TEXT PRIMARY KEY, v).
JOIN_QUERIES = [
    "SELECT * FROM t1, t2 WHERE t1.b=t2.x AND t1.c='a'",
    "SELECT * FROM t1, t2 WHERE t1.b=t2.x AND t2.z='a'",
    "SELECT * FROM t1, t3 WHERE t1.a=t3.p",
    "SELECT * FROM t1, t3 WHERE t1.a=t3.p AND t3.q=5",
    "SELECT * FROM t1, t3 WHERE t1.b=t3.p AND t1.c='x'",
    "SELECT * FROM t1, t3 WHERE t1.b=t3.p AND t3.q=?",
    "SELECT * FROM t1, t3 WHERE t1.b=t3.p AND t3.q=1",
    "SELECT * FROM t1, t3 WHERE t1.b=t3.p AND t3.q=5",
    "SELECT * FROM t1, t3 WHERE t1.b=t3.p AND t3.q>5",
    "SELECT * FROM t1, t3 WHERE t1.b=t3.p AND t1.d=t3.q",
    "SELECT * FROM t1, t3 WHERE t1.b=t3.p AND t3.q+1=5",
    "SELECT * FROM t1, t3 WHERE t1.a>t3.p AND t3.q=1",
    "SELECT * FROM t1, t3 WHERE t1.c='x' AND t3.q=1",
    "SELECT * FROM t1, t3 WHERE t1.b<t3.p",
    "SELECT * FROM t3, t1 WHERE t1.b=t3.p AND t1.d>2",
    "SELECT * FROM t2, t3 WHERE t2.y=t3.p AND t3.r=2",
    "SELECT * FROM t2, t3 WHERE t2.x=t3.q",
    "SELECT * FROM t2, t3 WHERE t2.z=t3.r AND t3.p IS NOT NULL",
    "SELECT * FROM t3, t4 WHERE t4.k=t3.r",
    "SELECT * FROM t1, t4 WHERE t4.v=t1.b",
    "SELECT * FROM t1, t4 WHERE t1.c=t4.k AND t1.b=2",
    "SELECT * FROM t4, t1 WHERE t1.c=t4.k AND t4.v=2",
    "SELECT * FROM t1, t2 WHERE t1.a=t2.x",
    "SELECT * FROM t1, t2 WHERE t1.c=t2.z",
    "SELECT * FROM t1, t2 WHERE t1.c=t2.z AND t2.y=3",
    "SELECT * FROM t1, t2 WHERE t1.b=t2.y AND t1.a=3",
    "SELECT * FROM t1, t2 WHERE t1.b=t2.y AND t2.x=3",
    "SELECT * FROM t2, t1 WHERE t2.y=t1.b AND t2.z=t1.c",
    "SELECT count(*) FROM t1 JOIN t2 ON t2.y=t1.b WHERE t1.c=?",
    "SELECT * FROM t3 a, t3 b WHERE a.p=b.p AND a.q=1",
    "SELECT * FROM t1 x, t1 y WHERE x.b=y.b",
    "SELECT * FROM t1 x, t1 y WHERE x.c=y.c AND x.d=y.d",
    "SELECT * FROM t3 JOIN t1 ON t1.a=t3.p AND t1.b=t3.q",
    "SELECT * FROM t2 JOIN t1 ON t1.c=t2.z AND t1.d=t2.y",
    "SELECT t1.a, t3.r FROM t3 JOIN t1 ON t1.a=t3.q WHERE t3.p=4",
    "SELECT * FROM t1 JOIN t3 ON t3.p=t1.b WHERE t1.b IN (1,2,3)",
    "SELECT * FROM t1 JOIN t2 ON t2.x=t1.b WHERE t1.a BETWEEN 2 AND 9",
    "SELECT * FROM t2 JOIN t3 ON t2.x=t3.p WHERE t2.y>3",
    "SELECT t2.z, count(*) FROM t1 JOIN t2 ON t1.b=t2.x GROUP BY t2.z",
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.x ORDER BY t1.a",
    "SELECT * FROM t1, t2, t3 WHERE t1.a=t2.y AND t3.p=t2.x",
    "SELECT * FROM t1, t2, t3 WHERE t1.b=t3.p AND t2.x=t3.q",
    "SELECT * FROM t3, t1, t2 WHERE t1.b=t2.y AND t3.r=t1.a",
    "SELECT * FROM t1, t2, t3 WHERE t1.a=t3.p AND t2.x=t1.b AND t3.q=2",
    "SELECT * FROM t1, t2, t3 WHERE t1.b=t2.x AND t1.c='a'",
    "SELECT * FROM t1, t2, t3, t4 WHERE t1.b=t2.x AND t2.y=t3.p AND t4.k=t1.c",
    "SELECT * FROM t4, t3, t2, t1 WHERE t1.b=t2.x AND t2.y=t3.p AND t4.k=t1.c",
    "SELECT * FROM t1, t2, t3, t4 WHERE t1.a=t3.q AND t2.x=t3.p AND t4.v=t3.r",
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.y JOIN t3 ON t3.p=t2.x JOIN t4 ON t4.k=t2.z",
    # a constant reaches the other side of `A.x = B.y` (constant propagation and
    # SQLite's column equivalences): the other table can be searched first
    "SELECT * FROM t3, t1 WHERE t3.p=t1.a AND t3.p=5",
    "SELECT * FROM t3 JOIN t1 ON t3.p=t1.a WHERE t3.p=5",
    "SELECT * FROM t3 JOIN t1 ON t3.p=t1.a AND t3.p=5",
    "SELECT * FROM t3, t1 WHERE t3.p=t1.a AND t3.p='5'",
    "SELECT * FROM t3, t1 WHERE t3.r=t1.c AND t3.r=5",
    "SELECT * FROM t1, t2 WHERE t1.c=t2.y AND t2.y=5",
    "SELECT * FROM t3, t1 WHERE t3.p=t1.a AND t3.p=?",
    "SELECT * FROM t3, t1 WHERE t3.p=t1.b AND t3.p IN (1,2)",
    "SELECT * FROM t3, t1 WHERE t3.p=t1.b AND t3.p>4",
    "SELECT * FROM t2, t1 WHERE t2.y=t1.b AND t2.y>4",
    "SELECT * FROM t1, t2, t4 WHERE t2.y=t4.v AND t4.v=t1.b AND t4.v=5",
    "SELECT * FROM t4, t3 WHERE t4.v=t3.q AND t4.v IN (1,2)",
    "SELECT * FROM t1, t4, t3 WHERE t1.a=t4.v AND t4.v=t3.p AND t4.v>1",
    "SELECT * FROM t3, t4, t1 WHERE t1.b=t3.p AND t1.b=t4.v AND t1.a IN (1,2) AND t4.v BETWEEN 1 AND 3",
    "SELECT * FROM t1, t4 WHERE t4.v=t1.b AND t1.a BETWEEN 1 AND 30",
    "SELECT * FROM t4, t1 WHERE t1.b=t4.v AND t1.a>10 AND t1.b=5",
]

# Joins whose rows must come out in order: the solver costs the sort (3 N log N,
# +5) against an outer loop that delivers the order from an index.
ORDER_QUERIES = [
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.x ORDER BY t2.x",
    "SELECT * FROM t1 JOIN t3 ON t1.b=t3.p ORDER BY t1.b",
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.x ORDER BY t1.b",
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.y ORDER BY t2.y, t2.z",
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.y ORDER BY t1.c",
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.y ORDER BY t1.c, t1.d",
    "SELECT * FROM t3 JOIN t1 ON t1.a=t3.p ORDER BY t1.a",
    "SELECT * FROM t3 JOIN t1 ON t1.a=t3.p ORDER BY t3.q",
    "SELECT * FROM t3 JOIN t2 ON t2.x=t3.q ORDER BY t2.x DESC",
    "SELECT t1.b, count(*) FROM t1 JOIN t3 ON t3.p=t1.b GROUP BY t1.b",
    "SELECT t2.y, count(*) FROM t1 JOIN t2 ON t1.b=t2.x GROUP BY t2.y",
    "SELECT DISTINCT t1.b FROM t1 JOIN t3 ON t3.p=t1.a",
    "SELECT DISTINCT t2.y FROM t1 JOIN t2 ON t1.b=t2.x",
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.x WHERE t1.c='a' ORDER BY t1.d",
    "SELECT * FROM t1 JOIN t2 ON t1.b=t2.x WHERE t2.y=3 ORDER BY t2.z",
    "SELECT * FROM t1, t2, t3 WHERE t1.b=t2.x AND t2.y=t3.p ORDER BY t1.a",
    "SELECT * FROM t1, t2, t3 WHERE t1.b=t2.x AND t2.y=t3.p ORDER BY t3.r",
    "SELECT * FROM t1 JOIN t4 ON t4.k=t1.c ORDER BY t4.k",
    # the outer loop delivers the first term: a sort within its runs
    "SELECT t1.a FROM t1 JOIN t2 ON t1.b=t2.x ORDER BY t2.x, t1.a",
]

# Plans not reproduced yet: query -> reason (strict xfail; ANALYZED_GAPS after ANALYZE).
JOIN_GAPS: dict[str, str] = {}
ANALYZED_GAPS: dict[str, str] = {}
JOIN_QUERIES += [
    # MULTI-INDEX OR numbers its INDEX lines by SQLite's WHERE-term slots; after
    # ANALYZE, `t1.b IN (t2.x, t2.y)` from the OR makes SCAN t2 + SEARCH t1 cheaper
    "SELECT * FROM t1, t2 WHERE t1.b=t2.x OR t1.b=t2.y",
]

# A one-table subquery or CTE inside an inner join is flattened into it (its table
# joins the FROM list, its WHERE the outer WHERE): no MATERIALIZE, same names.
FLATTEN_QUERIES = [
    "WITH c AS (SELECT x, z FROM t2 WHERE y>1) SELECT t1.a, c.z FROM t1 JOIN c ON c.x=t1.b",
    "SELECT * FROM t1, (SELECT p, q FROM t3 WHERE r=2) AS s WHERE s.p=t1.b",
    "SELECT s.*, t1.c FROM (SELECT p AS pp FROM t3) AS s JOIN t1 ON t1.a=s.pp",
    "SELECT a, pp FROM (SELECT p AS pp FROM t3) AS s JOIN t1 ON t1.a=pp ORDER BY a",
    "SELECT * FROM t3, (SELECT b FROM t1 WHERE c='x') AS s WHERE s.b=t3.q",
    "SELECT count(*) FROM t1, (SELECT * FROM t2) AS s WHERE s.x=t1.b",
    "SELECT * FROM (SELECT y, z FROM t2) AS s, t3, t1 WHERE s.y=t3.p AND t1.b=t3.q",
    "WITH c AS (SELECT b FROM t1) SELECT * FROM c JOIN t2 ON t2.x=c.b WHERE t2.y<3",
]
FLATTEN_QUERIES += [
    # on the right of a LEFT JOIN: its WHERE joins the ON clause (its columns are columns)
    "SELECT * FROM t1 LEFT JOIN (SELECT x FROM t2) AS s ON s.x=t1.b",
    "SELECT count(*) FROM t1 LEFT JOIN (SELECT x FROM t2) AS s ON s.x=t1.b",
    "SELECT * FROM t1 LEFT JOIN (SELECT x, y FROM t2 WHERE z='a') AS s ON s.x=t1.b",
    "SELECT * FROM t1 LEFT JOIN (SELECT x FROM t2) AS s ON s.x=t1.b WHERE s.x IS NULL",
    "WITH c AS (SELECT x, z FROM t2) SELECT t1.a, c.z FROM t1 LEFT JOIN c ON c.x=t1.b",
    "SELECT t1.b, max(s.x) FROM t1 LEFT JOIN (SELECT x FROM t2) AS s ON s.x=t1.b GROUP BY t1.b",
    "SELECT t1.a, s.w FROM t1 LEFT JOIN (SELECT y AS w, z FROM t2 WHERE x>3) AS s "
    "ON s.w=t1.b AND s.z=t1.c",
    "SELECT * FROM t3 JOIN t1 ON t1.a=t3.p LEFT JOIN (SELECT x, z FROM t2) s ON s.x=t1.b",
    # not flattened: a join inside, DISTINCT outside
    "SELECT * FROM t1 LEFT JOIN (SELECT x FROM t2, t3 WHERE t2.y=t3.p) AS s ON s.x=t1.b",
]
FLATTEN_GAPS: dict[str, str] = {}

# A schema whose tables differ in size, for plans read from sqlite_stat1.
STAT_SCHEMA = """
CREATE TABLE big(id INTEGER PRIMARY KEY, k INT, g INT, s TEXT);
CREATE INDEX big_k ON big(k);
CREATE INDEX big_gs ON big(g, s);
CREATE TABLE small(id INTEGER PRIMARY KEY, k INT, name TEXT);
CREATE TABLE mid(a INT, b INT, c INT);
CREATE INDEX mid_a ON mid(a);
CREATE TABLE lone(p INT, q INT);
"""

STAT_QUERIES = [
    "SELECT * FROM big, small WHERE big.k=small.k",
    "SELECT * FROM small, big WHERE big.k=small.k AND small.name='x'",
    "SELECT * FROM big JOIN small ON small.id=big.k",
    "SELECT * FROM big, mid WHERE mid.a=big.g",
    "SELECT * FROM big, mid WHERE mid.b=big.k",
    "SELECT * FROM big, lone WHERE lone.p=big.k",
    "SELECT * FROM lone, mid WHERE lone.q=mid.a",
    "SELECT * FROM mid, lone WHERE lone.q=mid.b",
    "SELECT * FROM small JOIN lone ON lone.p=small.id",
    "SELECT * FROM lone JOIN small ON lone.p=small.id WHERE lone.q>5",
    "SELECT big.id FROM big JOIN mid ON mid.b=big.id WHERE mid.a=4",
    "SELECT count(*) FROM big JOIN mid ON mid.a=big.k WHERE big.g=3",
    "SELECT * FROM big JOIN small ON big.g=small.k WHERE big.s='x'",
    "SELECT * FROM big JOIN small ON big.g=small.k AND big.s=small.name",
    "SELECT * FROM big a, big b WHERE a.k=b.g",
    "SELECT * FROM big a, big b WHERE a.id=b.k AND b.g=2",
    "SELECT * FROM small a, small b WHERE a.k=b.id",
    "SELECT * FROM mid, small WHERE mid.c=small.id",
    "SELECT * FROM big, lone WHERE big.k=lone.p AND big.g=lone.q",
    "SELECT sum(mid.c) FROM small, mid WHERE mid.a=small.k AND small.name='a'",
    "SELECT * FROM small, big WHERE big.id BETWEEN small.id AND small.k",
    "SELECT * FROM big, small WHERE big.k IN (1,2,3) AND small.id=big.g",
    "SELECT * FROM big, small, mid WHERE big.k=small.k AND mid.a=small.id",
    "SELECT * FROM mid, big, small WHERE big.id=mid.b AND small.k=big.g",
    "SELECT * FROM lone, small, mid WHERE lone.p=small.id AND mid.a=lone.q",
    "SELECT * FROM big, mid, lone WHERE big.k=mid.a AND mid.b=lone.q AND big.g=1",
    "SELECT * FROM lone, big, small WHERE big.id=lone.q AND small.id=lone.p",
    "SELECT * FROM big, small, mid, lone WHERE big.k=small.k AND mid.a=big.g AND lone.p=mid.b",
    "SELECT * FROM mid JOIN lone ON lone.q=mid.a JOIN small ON small.k=lone.p",
    "SELECT * FROM big JOIN mid ON big.id=mid.b JOIN lone ON lone.p=mid.c "
    "JOIN small ON small.id=lone.q",
]


def _fill_stat(execute: Any) -> None:
    rnd = random.Random(5)
    for i in range(1, 1001):
        execute("INSERT INTO big VALUES(?,?,?,?)", (i, i % 50, i % 7, rnd.choice("abcxyz")))
    for i in range(1, 11):
        execute("INSERT INTO small VALUES(?,?,?)", (i, i * 3, rnd.choice("abx")))
    for i in range(200):
        execute("INSERT INTO mid VALUES(?,?,?)", (i % 20, i, rnd.randint(0, 9)))
    for i in range(30):
        execute("INSERT INTO lone VALUES(?,?)", (i % 10, rnd.randint(0, 25)))


def _pair(schema: str, fill: Any, analyze: bool) -> tuple[Any, Any]:
    out = []
    for mod in (sqlite3, pyrite):
        con = mod.connect(":memory:")
        con.executescript(schema)
        fill(con.execute)
        con.commit()
        if analyze:
            con.execute("ANALYZE")
        out.append(con)
    return out[0], out[1]


@pytest.fixture(scope="module")
def plain() -> tuple[Any, Any]:
    return _pair(SCHEMA, _fill, False)


@pytest.fixture(scope="module")
def analyzed() -> tuple[Any, Any]:
    return _pair(SCHEMA, _fill, True)


@pytest.fixture(scope="module")
def stats() -> tuple[Any, Any]:
    return _pair(STAT_SCHEMA, _fill_stat, True)


def _params(queries: list[str], gaps: dict[str, str]) -> list[Any]:
    out = []
    for q in queries + sorted(set(gaps) - set(queries)):
        marks = [pytest.mark.xfail(strict=True, reason=gaps[q])] if q in gaps else []
        out.append(pytest.param(q, marks=marks, id=q[:80]))
    return out


def _check(engines: tuple[Any, Any], q: str) -> None:
    s, p = engines
    args = (1,) if "?" in q else ()
    want_rows = s.execute(q, args).fetchall()
    got_rows = p.execute(q, args).fetchall()
    if "ORDER BY" in q:  # the order of the sort keys, ties aside
        key = q.split("ORDER BY ")[1].split(",")[0].split(" ")[0]
        if key == "t1.a":
            assert [r[0] for r in got_rows] == [r[0] for r in want_rows]
    assert sorted(got_rows, key=repr) == sorted(want_rows, key=repr)
    want = _tree(s.execute("EXPLAIN QUERY PLAN " + q, args).fetchall())
    got = _tree(p.execute("EXPLAIN QUERY PLAN " + q, args).fetchall())
    assert got == want


@pytest.mark.parametrize("q", _params(JOIN_QUERIES + ORDER_QUERIES, JOIN_GAPS))
def test_join_plan_without_stats(plain: tuple[Any, Any], q: str) -> None:
    _check(plain, q)


@pytest.mark.parametrize("q", _params(JOIN_QUERIES + ORDER_QUERIES, ANALYZED_GAPS))
def test_join_plan_after_analyze(analyzed: tuple[Any, Any], q: str) -> None:
    _check(analyzed, q)


@pytest.mark.parametrize("q", _params(FLATTEN_QUERIES, FLATTEN_GAPS))
def test_subquery_flattened_into_join(plain: tuple[Any, Any], q: str) -> None:
    s, p = plain
    assert [d[0] for d in p.execute(q).description] == [d[0] for d in s.execute(q).description]
    _check(plain, q)


@pytest.mark.parametrize("q", _params(STAT_QUERIES, {}))
def test_join_plan_by_table_sizes(stats: tuple[Any, Any], q: str) -> None:
    _check(stats, q)


def test_stat1_matches_sqlite(analyzed: tuple[Any, Any], stats: tuple[Any, Any]) -> None:
    # the plans above read these rows; a UNIQUE index with repeated NULLs is not "1"
    for s, p in (analyzed, stats):
        q = "SELECT tbl, idx, stat FROM sqlite_stat1"
        assert sorted(p.execute(q).fetchall(), key=repr) == sorted(s.execute(q).fetchall(), key=repr)


JOIN_INDEX_SCHEMA = """
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, value INTEGER, score REAL, grp INTEGER);
CREATE TABLE u(id INTEGER PRIMARY KEY, t_id INTEGER, qty INTEGER);
CREATE INDEX u_t ON u(t_id);
"""


@pytest.mark.parametrize("arg", ["?", "1", "7"])
def test_unindexed_term_narrows_the_outer_loop(arg: str) -> None:
    """bench 'join through an index': t.grp = ? cuts SCAN t to a quarter, so t goes
    outside and u is searched by u_t; t.grp = 1 only halves it (truthProb of a
    small integer), and SQLite keeps SCAN u + rowid search of t."""
    def fill(execute: Any) -> None:
        for i in range(1, 201):
            execute("INSERT INTO t VALUES(?,?,?,?,?)", (i, f"n{i}", i * 3, i / 7, i % 20))
            execute("INSERT INTO u VALUES(?,?,?)", (i, (i * 79) % 200 + 1, i % 13))

    pair = _pair(JOIN_INDEX_SCHEMA, fill, False)
    q = ("SELECT count(*), sum(u.qty * t.value) FROM t JOIN u ON u.t_id = t.id "
         f"WHERE t.grp = {arg}")
    _check(pair, q)


# Where SQLite's choice flips as one table grows (its sqlite_stat1 row edited):
# the LogEst arithmetic must agree to the unit on both sides of each boundary.
FLIPS = [
    # ordered index scan + automatic index against scan + search + sort: t3 25 | 26
    ("SELECT * FROM t3 JOIN t2 ON t2.x=t3.q ORDER BY t2.x", {"t3": None}, [20, 25, 26, 40]),
    # ordered scan of t2 by t2x against scan of t1 + sort: t1 38 | 40
    ("SELECT * FROM t1 JOIN t2 ON t1.b=t2.x ORDER BY t2.x", {"t1": ("t1b", "t1cd")},
     [20, 38, 40, 100]),
    # which side gets the automatic index: t3 80 | 100; and none at 5
    ("SELECT * FROM t1 JOIN t3 ON t3.q=t1.d", {"t3": None}, [5, 10, 80, 100, 1000]),
]


def _set_rows(con: Any, table: str, indexes: tuple[str, ...] | None, n: int) -> None:
    if indexes is None:
        con.execute("UPDATE sqlite_stat1 SET stat=? WHERE tbl=? AND idx IS NULL", (str(n), table))
        return
    for ix in indexes:
        old = con.execute("SELECT stat FROM sqlite_stat1 WHERE idx=?", (ix,)).fetchone()[0]
        con.execute("UPDATE sqlite_stat1 SET stat=? WHERE idx=?",
                    (" ".join([str(n), *old.split()[1:]]), ix))


@pytest.mark.parametrize("q,tables,sizes", FLIPS, ids=[f[0][:60] for f in FLIPS])
def test_plan_flips_with_table_size(q: str, tables: dict[str, Any], sizes: list[int]) -> None:
    for n in sizes:
        s, p = _pair(SCHEMA, _fill, True)  # fresh: a statement cache keeps its plan
        for con in (s, p):
            for table, indexes in tables.items():
                _set_rows(con, table, indexes, n)
            con.commit()
        s.execute("ANALYZE sqlite_schema")  # sqlite3 rereads sqlite_stat1
        want = _tree(s.execute("EXPLAIN QUERY PLAN " + q).fetchall())
        got = _tree(p.execute("EXPLAIN QUERY PLAN " + q).fetchall())
        assert (n, got) == (n, want)


_INT_COLS = {"t1": ["a", "b"], "t2": ["x", "y"], "t3": ["p", "q", "r"], "t4": ["v"]}
_ALL_COLS = {"t1": ["a", "b", "c", "d"], "t2": ["x", "y", "z"], "t3": ["p", "q", "r"],
             "t4": ["k", "v"]}


def _random_join(rnd: random.Random) -> str:
    tabs = rnd.sample(sorted(_INT_COLS), rnd.choice([2, 3, 4]))
    terms = []
    for i in range(1, len(tabs)):
        a, b = rnd.choice(tabs[:i]), tabs[i]
        terms.append(f"{a}.{rnd.choice(_INT_COLS[a])}={b}.{rnd.choice(_INT_COLS[b])}")
    for _ in range(rnd.choice([0, 1, 1, 2])):
        t = rnd.choice(tabs)
        c = f"{t}.{rnd.choice(_INT_COLS[t])}"
        n = rnd.randint(0, 5)
        terms.append(rnd.choice([f"{c}={n}", f"{c}>{n}", f"{c} IN (1,2)", f"{c} BETWEEN 1 AND 3"]))
    rnd.shuffle(tabs)
    q = f"SELECT * FROM {', '.join(tabs)} WHERE {' AND '.join(terms)}"
    if rnd.random() < 0.2:
        t = rnd.choice(tabs)
        q += f" ORDER BY {t}.{rnd.choice(_ALL_COLS[t])}"
    return q


@pytest.mark.parametrize("seed", range(4))
def test_random_joins_same_rows(plain: tuple[Any, Any], analyzed: tuple[Any, Any],
                                seed: int) -> None:
    """Whatever order and access paths the solver picks (derived terms included),
    the rows are sqlite3's."""
    rnd = random.Random(seed)
    for _ in range(25):
        q = _random_join(rnd)
        for s, p in (plain, analyzed):
            assert sorted(p.execute(q).fetchall(), key=repr) == \
                sorted(s.execute(q).fetchall(), key=repr), q
