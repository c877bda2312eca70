"""SQLAlchemy runs on pyrite: create_engine("sqlite://", module=pyrite).

Skipped when SQLAlchemy is not installed (it is in the `test` extra)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import pyrite

sa = pytest.importorskip("sqlalchemy")
orm = pytest.importorskip("sqlalchemy.orm")


@pytest.fixture
def engine() -> Any:
    eng = sa.create_engine("sqlite://", module=pyrite)
    yield eng
    eng.dispose()


def test_core_insert_select(engine: Any) -> None:
    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("name", sa.String(20)), sa.Column("at", sa.DateTime))
    md.create_all(engine)
    when = datetime.datetime(2020, 1, 2, 3, 4, 5, 600)
    with engine.begin() as c:
        c.execute(t.insert(), [{"name": "a", "at": when}, {"name": "b", "at": None}])
    with engine.connect() as c:
        assert c.execute(sa.select(t).where(t.c.name == "a")).fetchall() == [(1, "a", when)]
        assert c.execute(sa.select(sa.func.count()).select_from(t)).scalar() == 2
    with engine.begin() as c:
        c.execute(t.delete().where(t.c.name == "b"))
    with engine.connect() as c:
        assert c.execute(sa.select(t.c.name)).scalars().all() == ["a"]
    assert sa.inspect(engine).get_table_names() == ["t"]


def test_orm_session(engine: Any) -> None:
    class Base(orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "users"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str]

    Base.metadata.create_all(engine)
    with orm.Session(engine) as session:
        session.add_all([User(name="x"), User(name="y")])
        session.commit()
        assert [u.name for u in session.query(User).order_by(User.id)] == ["x", "y"]
        session.query(User).filter_by(name="x").delete()
        session.rollback()
        assert session.query(User).count() == 2


def test_reflect_columns(engine: Any) -> None:
    with engine.begin() as c:
        c.execute(sa.text("create table r(a integer primary key, b text not null)"))
    cols = sa.inspect(engine).get_columns("r")
    # as with sqlite3: an INTEGER PRIMARY KEY column without NOT NULL reflects nullable
    assert [(c["name"], c["nullable"]) for c in cols] == [("a", True), ("b", False)]
