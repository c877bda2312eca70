"""iterdump(): the database as SQL text, line by line, as CPython 3.11's
`Connection.iterdump()` produces it (schema, then rows as INSERTs, then
indexes, triggers and views, then sqlite_sequence).

Reads only through the connection's public SQL surface."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pyrite.api.cursor import Cursor

if TYPE_CHECKING:
    from pyrite.api.connection import Connection

__all__ = ["iterdump"]


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rows(con: Connection, sql: str) -> list[Any]:
    cur = Cursor(con)
    try:
        return cur.execute(sql).fetchall()
    finally:
        cur.close()


def iterdump(con: Connection, schema: str = "main") -> Iterator[str]:
    """iterdump(con, schema="main") -> lines of SQL that recreate the database.

    With another `schema` (temp, an attached name) the same lines are made from
    that database, table names unqualified (used by the logical backup)."""
    yield "BEGIN TRANSACTION;"
    writable_schema = False
    sequence_lines: list[str] = []
    if schema == "main":
        prefix = ""
        master = '"sqlite_master"'
    else:
        prefix = _quote_ident(schema) + "."
        master = prefix + ('"sqlite_temp_master"' if schema.lower() == "temp"
                           else '"sqlite_master"')
    tables = _rows(
        con,
        f'SELECT "name", "type", "sql" FROM {master} '
        "WHERE \"sql\" NOT NULL AND \"type\" == 'table' ORDER BY \"name\"",
    )
    for name, _type, sql in tables:
        if name == "sqlite_sequence":
            sequence_lines = ['DELETE FROM "sqlite_sequence"'] + [
                f"INSERT INTO \"sqlite_sequence\" VALUES('{row[0]}',{row[1]})"
                for row in _rows(con, f'SELECT * FROM {prefix}"sqlite_sequence";')
            ]
            continue
        if name == "sqlite_stat1":
            yield 'ANALYZE "sqlite_master";'
        elif name.startswith("sqlite_"):
            continue
        elif sql.startswith("CREATE VIRTUAL TABLE"):
            if not writable_schema:
                writable_schema = True
                yield "PRAGMA writable_schema=ON;"
            yield (
                "INSERT INTO sqlite_master(type,name,tbl_name,rootpage,sql)"
                f"VALUES('table',{_quote_text(name)},{_quote_text(name)},0,{_quote_text(sql)});"
            )
        else:
            yield f"{sql};"
        columns = [str(info[1]) for info in
                   _rows(con, f"PRAGMA {prefix}table_info({_quote_ident(name)})")]
        values = ",".join(f"'||quote({_quote_ident(c)})||'" for c in columns)
        query = (f"SELECT 'INSERT INTO {_quote_ident(name)} VALUES({values})' "
                 f"FROM {prefix}{_quote_ident(name)};")
        cur = Cursor(con)
        try:
            for row in cur.execute(query):
                yield f"{row[0]};"
        finally:
            cur.close()
    others = _rows(
        con,
        f'SELECT "name", "type", "sql" FROM {master} '
        "WHERE \"sql\" NOT NULL AND \"type\" IN ('index', 'trigger', 'view')",
    )
    for _name, _type, sql in others:
        yield f"{sql};"
    if writable_schema:
        yield "PRAGMA writable_schema=OFF;"
    for line in sequence_lines:
        yield f"{line};"
    yield "COMMIT;"
