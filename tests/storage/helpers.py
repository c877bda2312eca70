"""Shared helpers for storage tests: open a pager on a file, read and write sqlite_schema."""

from __future__ import annotations

import os
from typing import Any

from pyrite.io import open_file
from pyrite.storage import Pager, btree, iter_table, record
from pyrite.storage.cursor import TableCursor


def open_pager(path: str | os.PathLike[str], readonly: bool = False) -> Pager:
    p = str(path)
    return Pager.open(open_file(p, readonly=readonly), journal_path=p + "-journal",
                      wal_path=p + "-wal", readonly=readonly)


def schema_rows(pager: Pager) -> list[list[Any]]:
    return [record.decode(pl) for _, pl in iter_table(pager, 1)]


def roots(pager: Pager) -> list[tuple[int, bool]]:
    out = [(1, True)]
    for typ, _name, _tbl, root, sql in schema_rows(pager):
        if root:
            is_table = typ == "table" and "WITHOUT ROWID" not in (sql or "").upper()
            out.append((root, is_table))
    return out


def add_schema(pager: Pager, typ: str, name: str, tbl: str, root: int, sql: str) -> None:
    """Append a sqlite_schema row (inside a write transaction) and bump the schema cookie."""
    cur = TableCursor(pager, 1)
    rowid = cur.max_rowid() + 1
    cur.insert(rowid, record.encode([typ, name, tbl, root, sql]))
    pager.header_set("schema_cookie", pager.header_get("schema_cookie") + 1)


def create_table(pager: Pager, name: str, cols: str = "a, b") -> int:
    root = btree.create_table(pager)
    add_schema(pager, "table", name, name, root, f"CREATE TABLE {name}({cols})")
    return root
