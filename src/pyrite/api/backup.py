"""Connection.backup(): copy one database of a connection into another
connection's main database, `pages` at a time, reporting progress like
SQLite's online backup API (`progress(status, remaining, total)`).

Two ways to copy, chosen by what the engine session offers:
  * page image — `Session.serialize(name)` / `Session.deserialize(data, name)`:
    the copy is the same file image, page for page;
  * logical — otherwise: the source is read as SQL (`dump.iterdump`) and
    replayed into the emptied target in one transaction. Rowids of tables
    without an INTEGER PRIMARY KEY may be renumbered.
Either way a step copies the next `pages` pages of the snapshot; when the
source changes between steps the copy starts again from the first page, as
sqlite3_backup_step() does."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyrite import constants as C
from pyrite.api.adapters import arg_type_name
from pyrite.api.cursor import Cursor
from pyrite.errors import NotSupportedError, OperationalError

if TYPE_CHECKING:
    from pyrite.api.connection import Connection

__all__ = ["backup"]

_PAGE = 4096


def _page_count(image: bytes) -> int:
    if len(image) >= 100:
        size = int.from_bytes(image[16:18], "big")
        page = 65536 if size == 1 else max(size, 512)
    else:
        page = _PAGE
    return max((len(image) + page - 1) // page, 1)


def _schema_names(con: Connection) -> list[str]:
    cur = Cursor(con)
    try:
        return [str(r[1]).lower() for r in cur.execute("PRAGMA database_list").fetchall()]
    except OperationalError:
        return ["main", "temp"]
    finally:
        cur.close()


def _logical_snapshot(source: Connection, name: str) -> tuple[bytes, int]:
    from pyrite.api.dump import iterdump

    text = "\n".join(iterdump(source, name)).encode("utf-8", "surrogatepass")
    cur = Cursor(source)
    try:
        row = cur.execute(f'PRAGMA "{name.replace(chr(34), chr(34) * 2)}".page_count').fetchone()
        pages = int(row[0]) if row and isinstance(row[0], int) else _page_count(text)
    except OperationalError:
        pages = _page_count(text)
    finally:
        cur.close()
    return text, max(pages, 1)


def _logical_restore(target: Connection, script: bytes) -> None:
    cur = Cursor(target)
    try:
        objects = cur.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
            "AND type IN ('table', 'view')"
        ).fetchall()
        drops = "".join(
            f'DROP {kind.upper()} IF EXISTS "{obj.replace(chr(34), chr(34) * 2)}";'
            for kind, obj in objects
        )
        lines = script.decode("utf-8", "surrogatepass").split("\n")
        body = "\n".join(lines[1:-1])  # without the dump's BEGIN TRANSACTION / COMMIT
        cur.executescript(f"BEGIN;{drops}\n{body}\nCOMMIT;")
    finally:
        cur.close()


def backup(
    source: Connection, target: Any, *, pages: int, progress: Any, name: str, sleep: float,
) -> None:
    """backup(source, target, ...) : see Connection.backup."""
    from pyrite.api.connection import Connection

    if not issubclass(type(target), Connection):
        raise TypeError(
            "backup() argument 'target' must be sqlite3.Connection, "
            f"not {arg_type_name(target)}"
        )
    if target is source:
        raise ValueError("target cannot be the same connection instance")
    target._check()
    if progress is not None and not callable(progress):
        raise TypeError("progress argument must be a callable")
    if target.in_transaction:
        raise OperationalError("destination database is in use", code=C.SQLITE_ERROR)
    if name.lower() not in ("main", "temp") and name.lower() not in _schema_names(source):
        raise OperationalError(f"unknown database {name}")

    session = source._session
    paged = hasattr(session, "serialize") and hasattr(target._session, "deserialize")
    snapshot: Callable[[], tuple[bytes, int]]
    if paged:
        def snapshot() -> tuple[bytes, int]:
            image = bytes(session.serialize(name))
            return image, _page_count(image)
    else:
        def snapshot() -> tuple[bytes, int]:
            return _logical_snapshot(source, name)

    if pages == 0 or pages < -1:
        pages = -1
    image, total = snapshot()
    copied = 0
    while True:
        copied = total if pages < 0 else min(total, copied + pages)
        remaining = total - copied
        if progress is not None:
            progress(C.SQLITE_OK if remaining else C.SQLITE_DONE, remaining, total)
        if remaining == 0:
            break
        if sleep > 0:
            time.sleep(0)  # the source is not locked between steps; nothing to wait for
        fresh, fresh_total = snapshot()
        if fresh != image:
            image, total, copied = fresh, fresh_total, 0
    if paged and hasattr(target._session, "restore_image"):
        try:
            target._session.restore_image(image)
            return
        except NotSupportedError:  # page sizes differ: copy logically instead
            image = _logical_snapshot(source, name)[0]
            paged = False
    if paged:
        target._session.deserialize(image, "main")
    else:
        _logical_restore(target, image)
