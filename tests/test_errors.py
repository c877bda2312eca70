"""The exception tree matches CPython's sqlite3 module: classes, codes, names."""

from __future__ import annotations

import sqlite3

import pytest

from pyrite import constants, errors


@pytest.mark.parametrize(
    "name",
    ["Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
     "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError"],
)
def test_class_hierarchy_matches_sqlite3(name: str) -> None:
    ours = getattr(errors, name)
    theirs = getattr(sqlite3, name)
    our_bases = [c.__name__ for c in ours.__mro__ if c.__module__ == errors.__name__]
    their_bases = [c.__name__ for c in theirs.__mro__ if c.__module__ == "sqlite3"]
    assert our_bases == their_bases


def test_constants_match_sqlite3() -> None:
    names = [n for n in dir(sqlite3) if n.startswith("SQLITE_")]
    assert names
    for n in names:
        assert getattr(constants, n) == getattr(sqlite3, n), n


def test_codes_and_names() -> None:
    e = errors.CorruptError()
    assert str(e) == "database disk image is malformed"
    assert (e.sqlite_errorcode, e.sqlite_errorname) == (11, "SQLITE_CORRUPT")
    u = errors.ConstraintError("UNIQUE constraint failed: t.a",
                               code=constants.SQLITE_CONSTRAINT_UNIQUE)
    assert isinstance(u, errors.IntegrityError)
    assert u.sqlite_errorname == "SQLITE_CONSTRAINT_UNIQUE"
    assert errors.error_name(constants.SQLITE_BUSY) == "SQLITE_BUSY"
    assert errors.error_name(constants.SQLITE_READONLY) == "SQLITE_READONLY"


def test_error_for_code_follows_cpython_mapping() -> None:
    assert type(errors.error_for_code(constants.SQLITE_CONSTRAINT_NOTNULL, "x")) is errors.IntegrityError
    assert type(errors.error_for_code(constants.SQLITE_BUSY, "x")) is errors.OperationalError
    assert type(errors.error_for_code(constants.SQLITE_TOOBIG, "x")) is errors.DataError
    assert type(errors.error_for_code(constants.SQLITE_CORRUPT, "x")) is errors.DatabaseError
    assert type(errors.error_for_code(constants.SQLITE_RANGE, "x")) is errors.InterfaceError
