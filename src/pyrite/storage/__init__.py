"""Storage: pages and bytes of SQLite's file format; knows nothing of SQL.

The names here are the seam the executor codes against (docs/INTERFACES.md).

Using it (one statement in autocommit mode):

    pager.begin_read()                      # SHARED; hot journal rolled back; cache checked
    rows = read_schema(pager)               # sqlite_schema = table B-tree rooted at page 1
    pager.begin_write()                     # RESERVED (BusyError if another writer)
    sp = pager.savepoint_begin()            # statement atomicity
    TableCursor(pager, root).insert(rowid, record.encode(values))
    pager.savepoint_release(sp)             # or savepoint_rollback(sp) + release(sp)
    pager.commit()                          # journal, EXCLUSIVE, write, sync; back to READ
    pager.end_read()                        # releases the lock: always pair with begin_read

Text columns are in the database encoding: decode with record.decode(payload,
pager.codec) ("utf-8", "utf-16-le" or "utf-16-be"). Any page change moves
pager.gen; cursors then re-seek by their key on the next move, and iter_table
continues after the last rowid it returned -- so a scan that inserts rows with
larger rowids into the table it scans will see them: materialize first."""

from __future__ import annotations

from . import btree, record
from .btree import clear_tree, create_index, create_table, drop_tree
from .cursor import IndexCursor, TableCursor, iter_index, iter_table, iter_table_from
from .integrity import integrity_check
from .pager import Pager, State
from .record import KeyInfo
from .schema import SchemaRow, read_schema

__all__ = [
    "IndexCursor", "KeyInfo", "Pager", "State", "TableCursor", "btree", "clear_tree",
    "create_index", "create_table", "drop_tree", "integrity_check", "iter_index", "iter_table",
    "iter_table_from", "read_schema", "record", "SchemaRow",
]
