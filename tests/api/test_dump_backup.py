"""iterdump() and backup(), compared with sqlite3."""

from __future__ import annotations

from typing import Any

SCHEMA = """
create table t1(id integer primary key, s text, f real, b blob);
insert into t1 values (1, 'it''s', 1.5, x'00ff'), (2, NULL, -2.0, NULL);
create table "odd ""name"" t"(x);
insert into "odd ""name"" t" values ('a');
create index i1 on t1(s);
create view v1 as select s from t1;
create trigger tr1 after insert on t1 begin select 1; end;
"""


def test_iterdump(both: Any) -> None:
    def run(m: Any) -> Any:
        con = m.connect(":memory:")
        con.executescript(SCHEMA)
        return list(con.iterdump())

    both(run)


def test_iterdump_restores(both: Any) -> None:
    def run(m: Any) -> Any:
        src = m.connect(":memory:")
        src.executescript(SCHEMA)
        dst = m.connect(":memory:")
        dst.executescript("\n".join(src.iterdump()))
        return list(dst.iterdump()) == list(src.iterdump()), \
            dst.execute("select * from t1").fetchall()

    both(run)


def source(m: Any) -> Any:
    con = m.connect(":memory:")
    con.execute("create table foo(key integer)")
    con.executemany("insert into foo values (?)", [(3,), (4,)])
    con.commit()
    return con


def test_backup_copies(both: Any) -> None:
    def run(m: Any) -> Any:
        dst = m.connect(":memory:")
        dst.execute("create table old(x)")
        dst.commit()
        source(m).backup(dst)
        return dst.execute("select key from foo order by key").fetchall(), \
            dst.execute("select name from sqlite_master").fetchall()

    both(run)


def test_backup_progress(both: Any) -> None:
    def run(m: Any, pages: int) -> Any:
        journal: list[tuple[int, int, int]] = []
        src = source(m)
        src.backup(m.connect(":memory:"), pages=pages,
                   progress=lambda *args: journal.append(args))
        return journal

    for pages in (-1, 0, 1, 5):
        both(lambda m, p=pages: run(m, p))


def test_backup_restarts_when_source_changes(both: Any) -> None:
    def run(m: Any) -> Any:
        src = source(m)
        journal: list[int] = []

        def progress(status: int, remaining: int, total: int) -> None:
            if not journal:
                src.execute("insert into foo values (1000)")
                src.commit()
            journal.append(remaining)

        dst = m.connect(":memory:")
        src.backup(dst, pages=1, progress=progress)
        return journal, dst.execute("select key from foo order by key").fetchall()

    both(run)


def test_backup_errors(both: Any) -> None:
    both(lambda m: source(m).backup(None))
    both(lambda m: (lambda c: c.backup(c))(source(m)))
    both(lambda m: source(m).backup(m.connect(":memory:"), progress="x"))
    both(lambda m: source(m).backup(m.connect(":memory:"), name="nosuch"))

    def in_transaction(m: Any) -> Any:
        dst = m.connect(":memory:")
        dst.execute("create table x(y)")
        dst.execute("insert into x values (1)")
        return source(m).backup(dst)

    def failing_progress(m: Any) -> Any:
        def progress(*args: Any) -> None:
            raise ZeroDivisionError("boom")

        return source(m).backup(m.connect(":memory:"), progress=progress)

    def closed_target(m: Any) -> Any:
        dst = m.connect(":memory:")
        dst.close()
        return source(m).backup(dst)

    both(in_transaction)
    both(failing_progress)
    both(closed_target)
