"""Connection behaviour compared with sqlite3: transactions (3.11 legacy
control), close, context manager, thread check, limits, factories."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest


def test_implicit_begin_before_dml(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        out = [con.in_transaction]
        for sql in ("create table t(x)", "select * from t", "insert into t values (1)",
                    "COMMIT", "/* c */ update t set x = 2", "ROLLBACK",
                    "replace into t values (3)", "delete from t", "ROLLBACK"):
            if sql == "COMMIT":
                con.commit()
            elif sql == "ROLLBACK":
                con.rollback()
            else:
                con.execute(sql)
            out.append(con.in_transaction)
        con.execute("with c as (select 1) insert into t select * from c")
        out.append(con.in_transaction)
        out.append(con.execute("select * from t").fetchall())
        return out

    both(run)


def test_isolation_level_none_is_autocommit(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:", isolation_level=None)
        con.execute("create table t(x)")
        con.execute("insert into t values (1)")
        out = [con.in_transaction, con.isolation_level]
        con.execute("begin")
        con.execute("insert into t values (2)")
        out.append(con.in_transaction)
        con.rollback()
        out.append(con.execute("select * from t").fetchall())
        return out

    both(run)


@pytest.mark.parametrize("level", ["", "deferred", "IMMEDIATE", "Exclusive", None])
def test_isolation_level_values(both: Any, level: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:", isolation_level=level)
        con.execute("create table t(x)")
        con.execute("insert into t values (1)")
        return con.isolation_level, con.in_transaction

    both(run)


@pytest.mark.parametrize("level", [1, b"", "abc", "IMMEDIATE\0EXCLUSIVE", "\xe9"])
def test_isolation_level_invalid(both: Any, level: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        try:
            con.isolation_level = level
        except (TypeError, ValueError) as e:
            return type(e).__name__, str(e), con.isolation_level
        return con.isolation_level

    both(run)


def test_setting_isolation_level_none_commits(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        con.execute("create table t(x)")
        con.execute("insert into t values (1)")
        con.isolation_level = None
        return con.in_transaction

    both(run)


def test_context_manager(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        con.execute("create table t(x unique)")
        with con:
            con.execute("insert into t values (1)")
        try:
            with con:
                con.execute("insert into t values (2)")
                con.execute("insert into t values (1)")
        except m.IntegrityError as e:
            err = str(e)
        return err, con.in_transaction, con.execute("select * from t").fetchall(), \
            con.__enter__() is con

    both(run)


def test_total_changes(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        con.execute("create table t(x)")
        con.executemany("insert into t values (?)", [(i,) for i in range(5)])
        con.execute("update t set x = x + 1 where x > 2")
        return con.total_changes

    both(run)


def test_use_after_close(both: Any) -> None:
    def closed(m: Any) -> Any:
        con = m.connect(":memory:")
        con.close()
        con.close()  # closing twice is fine
        return con

    for op in ("cursor", "commit", "rollback", "iterdump", "interrupt"):
        both(lambda m, op=op: getattr(closed(m), op)())
    for attr in ("in_transaction", "total_changes", "isolation_level"):
        both(lambda m, attr=attr: getattr(closed(m), attr))
    both(lambda m: closed(m).execute("select 1"))
    both(lambda m: closed(m)("select 1"))
    both(lambda m: closed(m).create_function("f", 0, int))


def test_uninitialised_connection(both: Any) -> None:
    both(lambda m: m.Connection.__new__(m.Connection).cursor())
    both(lambda m: m.Connection.__new__(m.Connection).close())


def test_thread_check(both: Any) -> None:
    def run(m: Any, check: bool) -> Any:
        con = m.connect(":memory:", check_same_thread=check)
        result: list[Any] = []

        def worker() -> None:
            try:
                result.append(con.execute("select 1").fetchall())
            except m.ProgrammingError as e:
                result.append(str(e).split(".")[0])

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        return result

    both(lambda m: run(m, True))
    both(lambda m: run(m, False))


def test_limits(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        old = con.setlimit(m.SQLITE_LIMIT_SQL_LENGTH, 100)
        out = [con.getlimit(m.SQLITE_LIMIT_SQL_LENGTH)]
        con.execute("select 1".ljust(100))
        try:
            con.execute("select 2".ljust(101))
        except m.DataError as e:
            out.append(str(e))
        con.setlimit(m.SQLITE_LIMIT_SQL_LENGTH, old)
        return out

    both(run)
    both(lambda m: m.connect(":memory:").getlimit(100))
    both(lambda m: m.connect(":memory:").setlimit(-1, 1))


def test_factory_and_subclass(both: Any) -> None:
    def run(m: Any) -> Any:
        class MyConnection(m.Connection):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.extra = 1

        con = m.connect(":memory:", factory=MyConnection)
        return type(con).__name__, con.extra, con.execute("select 2").fetchall()

    both(run)


def test_row_and_text_factory_attributes(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        out = [con.row_factory, con.text_factory is str]
        con.text_factory = bytes
        out.append(con.execute("select 'abc'").fetchone())
        con.text_factory = lambda b: b.decode() + "!"
        out.append(con.execute("select 'abc', 1, x'00'").fetchone())
        con.row_factory = lambda cur, row: list(row)
        out.append(con.execute("select 1, 2").fetchone())
        return out

    both(run)


def test_file_database_persists(both: Any, tmp_path: Path) -> None:
    def run(m: Any) -> Any:
        path = tmp_path / f"{m.__name__}.db"
        con = m.connect(path)
        con.execute("create table t(x)")
        con.execute("insert into t values ('kept')")
        con.commit()
        con.execute("insert into t values ('rolled back on close')")
        con.close()
        con = m.connect(str(path))
        rows = con.execute("select * from t").fetchall()
        con.close()
        return rows

    both(run)


def test_uri_errors(both: Any, tmp_path: Path) -> None:
    for query in ("mode=foo", "vfs=foo", "cache=foo"):
        both(lambda m, q=query: m.connect(f"file:{tmp_path}/u.db?{q}", uri=True) and None)
    both(lambda m: m.connect("file://host/tmp/u.db", uri=True) and None)


def test_uri_modes(both: Any, tmp_path: Path) -> None:
    def run(m: Any) -> Any:
        path = tmp_path / f"uri-{m.__name__}.db"
        con = m.connect(f"file:{path}?mode=rwc", uri=True)
        con.execute("create table t(x)")
        con.execute("insert into t values (1)")
        con.commit()
        con.close()
        ro = m.connect(f"file:{path}?mode=ro", uri=True)
        rows = ro.execute("select * from t").fetchall()
        try:
            ro.execute("insert into t values (2)")
            wrote = "wrote"
        except m.OperationalError as e:
            wrote = str(e)
        ro.close()
        mem = m.connect("file::memory:", uri=True)
        return rows, wrote, mem.execute("select 1").fetchall()

    both(run)


def test_statement_object_from_call(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        st = con("select 1")
        try:
            type(st)()
        except TypeError as e:
            return "cannot create" in str(e)
        return "instantiated"

    both(run)
    both(lambda m: m.connect(":memory:")("select 1; select 2"))


def test_connection_shared_between_threads(mod: Any, tmp_path: Path) -> None:
    con = mod.connect(tmp_path / "shared.db", check_same_thread=False, isolation_level=None)
    con.execute("create table t(x)")

    def worker(base: int) -> None:
        for i in range(50):
            con.execute("insert into t values (?)", (base + i,))

    threads = [threading.Thread(target=worker, args=(k * 1000,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert con.execute("select count(*), count(distinct x) from t").fetchone() == (200, 200)
    con.close()


def test_garbage_collected_connection_releases_file(mod: Any, tmp_path: Path) -> None:
    path = tmp_path / "gc.db"
    con = mod.connect(path)
    con.execute("create table t(x)")
    con.execute("insert into t values (1)")  # left open: rolled back when collected
    del con
    import gc

    gc.collect()
    other = mod.connect(path, timeout=0)
    other.execute("insert into t values (2)")
    other.commit()
    assert other.execute("select * from t").fetchall() == [(2,)]
    other.close()
