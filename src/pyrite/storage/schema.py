"""sqlite_schema rows as stored on root page 1, and the schema cookie.

Owns only the decoding of the schema table's records (type, name, tbl_name,
rootpage, sql); what the SQL means is the planner's business."""

from __future__ import annotations

from typing import NamedTuple

from pyrite.errors import CorruptError

from . import record
from .cursor import iter_table
from .pager import Pager

SCHEMA_ROOT = 1


class SchemaRow(NamedTuple):
    rowid: int
    type: str
    name: str
    tbl_name: str
    rootpage: int
    sql: str | None


def read_schema(pager: Pager) -> list[SchemaRow]:
    """read_schema(pager) -> every sqlite_schema row, in rowid order (inside a read txn)."""
    out: list[SchemaRow] = []
    codec = pager.codec
    for rowid, payload in iter_table(pager, SCHEMA_ROOT):
        v = record.decode(payload, codec)
        v += [None] * (5 - len(v))
        typ, name, tbl, root, sql = v[:5]
        if not isinstance(typ, str) or not isinstance(name, str):
            raise CorruptError("malformed database schema")
        out.append(SchemaRow(rowid, typ, name, tbl if isinstance(tbl, str) else name,
                             root if isinstance(root, int) else 0,
                             sql if isinstance(sql, str) else None))
    return out
