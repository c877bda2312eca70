"""complete_statement() used until `pyrite.sql` provides its own: does the text
end with a ';' that closes a statement (outside quotes, comments and
CREATE TRIGGER bodies)? Follows SQLite's sqlite3_complete() state machine."""

from __future__ import annotations

__all__ = ["complete_statement"]

# Token classes of sqlite3_complete().
_SEMI, _WS, _OTHER, _EXPLAIN, _CREATE, _TEMP, _TRIGGER, _END = range(8)

# trans[state][token] -> next state (states 0..7 of sqlite3_complete()).
_TRANS = (
    # SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END
    (1, 0, 2, 3, 4, 2, 2, 2),  # 0 INVALID
    (1, 1, 2, 3, 4, 2, 2, 2),  # 1 START
    (1, 2, 2, 2, 2, 2, 2, 2),  # 2 NORMAL
    (1, 3, 3, 2, 4, 2, 2, 2),  # 3 EXPLAIN
    (1, 4, 2, 2, 2, 4, 5, 2),  # 4 CREATE
    (6, 5, 5, 5, 5, 5, 5, 5),  # 5 TRIGGER
    (6, 6, 5, 5, 5, 5, 5, 7),  # 6 SEMI
    (1, 7, 5, 5, 5, 5, 5, 5),  # 7 END
)

_KEYWORDS = {"create": _CREATE, "trigger": _TRIGGER, "temp": _TEMP,
             "temporary": _TEMP, "end": _END, "explain": _EXPLAIN}


def complete_statement(sql: str) -> bool:
    """complete_statement(sql) -> True if sql ends in a complete statement."""
    state = 0
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c == ";":
            token = _SEMI
            i += 1
        elif c in " \t\n\f\r":
            token = _WS
            i += 1
        elif c == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end < 0:
                return False
            token, i = _WS, end + 2
        elif c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            if end < 0:
                return state == 1
            token, i = _WS, end + 1
        elif c == "[":
            end = sql.find("]", i + 1)
            if end < 0:
                return False
            token, i = _OTHER, end + 1
        elif c in "`\"'":
            end = sql.find(c, i + 1)
            if end < 0:
                return False
            token, i = _OTHER, end + 1
        elif c.isalnum() or c == "_" or ord(c) >= 0x80:
            j = i
            while j < n and (sql[j].isalnum() or sql[j] in "_$" or ord(sql[j]) >= 0x80):
                j += 1
            token = _KEYWORDS.get(sql[i:j].lower(), _OTHER)
            i = j
        else:
            token = _OTHER
            i += 1
        state = _TRANS[state][token]
    return state == 1
