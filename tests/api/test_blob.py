"""Blob I/O (Connection.blobopen) compared with sqlite3."""

from __future__ import annotations

import os
from typing import Any


def opened(m: Any, **kwargs: Any) -> Any:
    con = m.connect(":memory:")
    con.execute("create table t(b blob, n)")
    con.execute("insert into t values (?, NULL)", (b"0123456789",))
    return con, con.blobopen("t", "b", 1, **kwargs)


def test_read_seek_tell(both: Any) -> None:
    def run(m: Any) -> Any:
        _, b = opened(m)
        out = [len(b), b.read(3), b.tell(), b.read(), b.tell(), b.read()]
        b.seek(2)
        out.append(b.read(2))
        b.seek(-3, os.SEEK_END)
        out.append(b.read())
        b.seek(-2, os.SEEK_CUR)
        out.append((b.tell(), b[0], b[-1], b[2:5], b[::3]))
        return out

    both(run)


def test_write_and_item_assignment(both: Any) -> None:
    def run(m: Any) -> Any:
        con, b = opened(m)
        b.write(b"ab")
        b.seek(8)
        b.write(bytearray(b"yz"))
        b[4] = 0x41
        b[5:7] = b"XY"
        b.close()
        return con.execute("select b from t").fetchone()

    both(run)


def test_errors(both: Any) -> None:
    cases = [
        lambda b: b.write(b"x" * 11),
        lambda b: b.seek(11),
        lambda b: b.seek(-1),
        lambda b: b.seek(0, 7),
        lambda b: b[10],
        lambda b: b["a"],
        lambda b: b.__setitem__(0, 256),
        lambda b: b.__setitem__(0, b"a"),
        lambda b: b.__setitem__(slice(0, 2), b"a"),
        lambda b: b.__delitem__(0),
        lambda b: b.__setitem__(slice(0, 2), memoryview(b"abcd")[::2]),
    ]
    for case in cases:
        both(lambda m, c=case: c(opened(m)[1]))
    # The message names the type ('sqlite3.Blob' vs 'Blob'): compare the class only.
    both(lambda m: raised_class(lambda: opened(m)[1] + opened(m)[1]))
    both(lambda m: raised_class(lambda: b"a" in opened(m)[1]))


def raised_class(fn: Any) -> str:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the class is what we compare
        return type(exc).__name__
    return "no exception"


def test_open_errors(both: Any) -> None:
    both(lambda m: opened(m)[0].blobopen("nosuch", "b", 1))
    both(lambda m: opened(m)[0].blobopen("t", "nosuch", 1))
    both(lambda m: opened(m)[0].blobopen("t", "b", 2))
    both(lambda m: opened(m)[0].blobopen("t", "n", 1))


def test_readonly_and_closed(both: Any) -> None:
    def readonly(m: Any) -> Any:
        _, b = opened(m, readonly=True)
        return b.write(b"a")

    def closed(m: Any) -> Any:
        _, b = opened(m)
        b.close()
        b.close()
        return b.read()

    def closed_connection(m: Any) -> Any:
        con, b = opened(m)
        con.close()
        return b.read()

    both(readonly)
    both(closed)
    both(closed_connection)


def test_context_manager(both: Any) -> None:
    def run(m: Any) -> Any:
        con, b = opened(m)
        with b as same:
            same.write(b"zz")
        try:
            b.read()
        except m.ProgrammingError as e:
            return str(e), con.execute("select b from t").fetchone()
        return None

    both(run)


def test_row_changed_expires_blob(both: Any) -> None:
    def run(m: Any) -> Any:
        con, b = opened(m)
        con.execute("update t set b = ?", (b"9876543210",))
        return b.read()

    both(run)


def test_cannot_instantiate(mod: Any) -> None:
    try:
        mod.Blob()
    except TypeError as e:
        assert "cannot create" in str(e)
    else:
        raise AssertionError("Blob() was instantiated")
