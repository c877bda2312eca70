"""Statement tracing for `Connection.set_trace_callback()`.

SQLite's SQLITE_TRACE_STMT reports each top-level statement when it starts to
run, with bound parameters expanded to literals (sqlite3_expanded_sql); the
module layer does the same here because it is the layer that knows when a
statement starts, including the BEGIN/COMMIT it issues itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pyrite.api.cursor import real_to_text

__all__ = ["expand_sql", "sql_literal"]

_VARIABLE_KIND = 8  # pyrite.sql.tokens.TokenKind.VARIABLE


def sql_literal(value: Any) -> str:
    """sql_literal(v) -> v as SQL text, as sqlite3_expanded_sql() renders it."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return real_to_text(value)
    if isinstance(value, bytes):
        return "x'" + value.hex() + "'"
    return "'" + str(value).replace("'", "''") + "'"


def expand_sql(sql: str, names: Sequence[str | None], values: Sequence[Any]) -> str:
    """expand_sql(sql, param_names, values) -> sql with each parameter replaced by
    the literal of its bound value (numbered as sqlite3_bind_parameter_index)."""
    if not values:
        return sql
    from pyrite.sql import tokenize

    index_of = {name: i for i, name in enumerate(names) if name is not None}
    out: list[str] = []
    pos = 0
    next_anon = 0
    for tok in tokenize(sql):
        kind, start, end = tok[0], tok[1], tok[2]
        if kind != _VARIABLE_KIND:
            continue
        text = sql[start:end]
        if text == "?":
            i = next_anon
        elif text in index_of:
            i = index_of[text]
        elif text[0] == "?" and text[1:].isdigit():
            i = int(text[1:]) - 1
        else:
            continue
        next_anon = i + 1
        if not 0 <= i < len(values):
            continue
        out.append(sql[pos:start])
        out.append(sql_literal(values[i]))
        pos = end
    out.append(sql[pos:])
    return "".join(out)
