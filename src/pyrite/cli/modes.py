"""Output modes of the shell: how a result set becomes text, as sqlite3 prints it.

Owns value rendering (text of a value, SQL literals, JSON strings, CSV and
HTML escaping) and one printer per mode: row-at-a-time modes (list, csv,
line, html, insert, quote, json, tcl, ascii) and columnar modes (column,
table, markdown, box) that read every row before printing. Never touches the
database: rows arrive as tuples of SQL values (None, int, float, str, bytes).
The byte-level rules follow the sqlite3 3.40 command-line program."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from pyrite.cli.fmt import sqlite_g

Value = None | int | float | str | bytes
Write = Callable[[str], None]


class Mode(enum.IntEnum):
    """Output modes, in the order of sqlite3's modeDescr table."""

    LINE = 0
    COLUMN = 1
    LIST = 2
    SEMI = 3
    HTML = 4
    INSERT = 5
    QUOTE = 6
    TCL = 7
    CSV = 8
    EXPLAIN = 9
    ASCII = 10
    PRETTY = 11
    EQP = 12
    JSON = 13
    MARKDOWN = 14
    TABLE = 15
    BOX = 16
    COUNT = 17
    OFF = 18


MODE_NAMES: tuple[str, ...] = (
    "line", "column", "list", "semi", "html", "insert", "quote", "tcl", "csv",
    "explain", "ascii", "prettyprint", "eqp", "json", "markdown", "table", "box",
    "count", "off",
)
COLUMNAR = frozenset({Mode.COLUMN, Mode.TABLE, Mode.MARKDOWN, Mode.BOX})

SEP_COLUMN = "|"
SEP_ROW = "\n"
SEP_TAB = "\t"
SEP_SPACE = " "
SEP_COMMA = ","
SEP_CRLF = "\r\n"
SEP_UNIT = "\x1f"
SEP_RECORD = "\x1e"

# SQLite's keywords: an identifier equal to one of them is quoted by the shell.
KEYWORDS = frozenset("""
ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT
BEFORE BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT
CONSTRAINT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP
DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH
ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST
FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE
IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS
ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING
NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN
PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX
RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT
SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED
UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH
WITHOUT
""".split())

BOX_H = "\u2500"
BOX_V = "\u2502"
BOX_DR = "\u250c"
BOX_DL = "\u2510"
BOX_UR = "\u2514"
BOX_UL = "\u2518"
BOX_VR = "\u251c"
BOX_VL = "\u2524"
BOX_DH = "\u252c"
BOX_UH = "\u2534"
BOX_VH = "\u253c"


@dataclass
class OutputSettings:
    """The shell state that shapes output (sqlite3's ShellState fields)."""

    mode: Mode = Mode.LIST
    show_header: bool = False
    header_set: bool = False
    colsep: str = SEP_COLUMN
    rowsep: str = SEP_ROW
    nullvalue: str = ""
    widths: list[int] = field(default_factory=list)
    dest_table: str = "table"
    wrap: int = 0
    wordwrap: bool = False
    quote: bool = False


# ---------------------------------------------------------------- values


def _is_cont(ch: str) -> bool:
    """True for a UTF-8 continuation byte carried as a surrogate escape."""
    return "\udc80" <= ch <= "\udcbf"


def blob_text(b: bytes) -> str:
    """The text of a BLOB as sqlite3_column_text gives it, cut at the first NUL."""
    cut = b.find(b"\x00")
    if cut >= 0:
        b = b[:cut]
    return b.decode("utf-8", "surrogateescape")


def text_of(v: Value) -> str | None:
    """text_of(v) -> sqlite3_column_text(v) as a C string; None for NULL."""
    if v is None:
        return None
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return sqlite_g(v, 15)
    if isinstance(v, bytes):
        return blob_text(v)
    cut = v.find("\x00")
    return v if cut < 0 else v[:cut]


def str_len(z: str) -> int:
    """strlenChar: the number of UTF-8 characters (not display cells) in z."""
    n = 0
    for ch in z:
        if not _is_cont(ch):
            n += 1
    return n


def byte_len(z: str) -> int:
    return len(z.encode("utf-8", "surrogateescape"))


def quote_char(name: str) -> bool:
    """quoteChar: must this identifier be written in double quotes?"""
    if not name or not (name[0].isascii() and (name[0].isalpha() or name[0] == "_")):
        return True
    for ch in name:
        if not (ch.isascii() and (ch.isalnum() or ch == "_")):
            return True
    return name.upper() in KEYWORDS


def quote_ident(name: str) -> str:
    """The identifier, double-quoted (quotes doubled) only when quote_char says so."""
    if quote_char(name):
        return '"' + name.replace('"', '""') + '"'
    return name


def sql_string(z: str) -> str:
    """'…' with single quotes doubled (SQLite's %Q of a non-NULL string)."""
    return "'" + z.replace("'", "''") + "'"


def hex_blob(b: bytes) -> str:
    return "X'" + b.hex() + "'"


def real_literal(r: float) -> str:
    """A REAL as the insert/quote/json modes write it (%!.20g, infinities as 1e999)."""
    if r == float("inf"):
        return "1e999"
    if r == float("-inf"):
        return "-1e999"
    return sqlite_g(r, 20)


def _unused_string(z: str, a: str, b: str) -> str:
    if a not in z:
        return a
    if b not in z:
        return b
    i = 0
    while True:
        cand = f"({a}{i})"
        if cand not in z:
            return cand
        i += 1


def escaped_string(z: str) -> str:
    """output_quoted_escaped_string: a text literal with newlines spelled char(10)."""
    if "\n" not in z and "\r" not in z:
        return sql_string(z)
    head = ""
    tail = ""
    nl = cr = ""
    if "\n" in z:
        head += "replace("
        nl = _unused_string(z, "\\n", "\\012")
    if "\r" in z:
        head += "replace("
        cr = _unused_string(z, "\\r", "\\015")
    body = z.replace("'", "''")
    if nl:
        body = body.replace("\n", nl)
    if cr:
        body = body.replace("\r", cr)
    if cr:
        tail += f",'{cr}',char(13))"
    if nl:
        tail += f",'{nl}',char(10))"
    return head + "'" + body + "'" + tail


def insert_literal(v: Value, *, escape_newlines: bool = True) -> str:
    """A value as the insert mode (and .dump) writes it."""
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return escaped_string(text_of(v) or "") if escape_newlines else sql_string(v)
    if isinstance(v, bool | int):
        return str(int(v))
    if isinstance(v, float):
        if -(2.0**63) <= v < 2.0**63 and v == int(v):
            return f"{int(v)}.0"
        return real_literal(v)
    return hex_blob(v)


def quote_literal(v: Value) -> str:
    """A value as the quote mode writes it (no newline escaping, no 1e999)."""
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return sql_string(text_of(v) or "")
    if isinstance(v, bool | int):
        return str(int(v))
    if isinstance(v, float):
        return sqlite_g(v, 20)
    return hex_blob(v)


def quoted_column(v: Value) -> str:
    """quoted_column: the --quote form of a value in the columnar modes."""
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return sql_string(text_of(v) or "")
    if isinstance(v, bytes):
        return "x'" + v.hex() + "'"
    return text_of(v) or ""


_JSON_ESC = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def json_string(z: str) -> str:
    out = ['"']
    for ch in z:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch < " ":
            out.append(_JSON_ESC.get(ch) or f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_value(v: Value) -> str:
    if v is None:
        return "null"
    if isinstance(v, float):
        return real_literal(v)
    if isinstance(v, bytes):
        return json_string(v.decode("utf-8", "surrogateescape"))
    if isinstance(v, str):
        return json_string(text_of(v) or "")
    return str(int(v))


_CSV_QUOTE = frozenset(chr(c) for c in range(0x21)) | {'"', "'", "\x7f"}


def csv_field(z: str | None, s: OutputSettings) -> str:
    if z is None:
        return s.nullvalue
    need = z == "" or any(ch in _CSV_QUOTE or ch >= "\x80" for ch in z)
    if need or (s.colsep and s.colsep in z):
        return '"' + z.replace('"', '""') + '"'
    return z


_HTML_ESC = {"<": "&lt;", "&": "&amp;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def html_string(z: str) -> str:
    return "".join(_HTML_ESC.get(ch, ch) for ch in z)


_C_ESC = {0x5C: "\\\\", 0x22: '\\"', 0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def c_string(z: str) -> str:
    """output_c_string: a C string literal, bytes outside printable ASCII in octal."""
    out = ['"']
    for c in z.encode("utf-8", "surrogateescape"):
        esc = _C_ESC.get(c)
        if esc is not None:
            out.append(esc)
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append(f"\\{c:03o}")
    out.append('"')
    return "".join(out)


def tcl_string(z: str) -> str:
    return c_string(z)


# ---------------------------------------------------------------- row printers


class RowPrinter:
    """Prints one result set: start(columns), row(values) per row, finish()."""

    def __init__(self, settings: OutputSettings, write: Write) -> None:
        self.s = settings
        self.w = write
        self.cnt = 0
        self.cols: list[str] = []
        self.rows: list[Sequence[Value]] = []

    def start(self, cols: Sequence[str]) -> None:
        self.cols = list(cols)
        self.cnt = 0

    def row(self, values: Sequence[Value]) -> None:
        mode = self.s.mode
        if mode in COLUMNAR:
            self.rows.append(values)
            return
        handler = _ROW_HANDLERS.get(mode, _row_list)
        handler(self, values)

    def finish(self) -> None:
        mode = self.s.mode
        if mode in COLUMNAR:
            if self.rows:
                _print_columnar(self)
            self.rows = []
        elif mode is Mode.JSON and self.cnt > 0:
            self.w("]\n")


def _row_list(p: RowPrinter, values: Sequence[Value]) -> None:
    s = p.s
    first = p.cnt == 0
    p.cnt += 1
    n = len(values)
    if first and s.show_header:
        p.w("".join(c + (s.rowsep if i == n - 1 else s.colsep) for i, c in enumerate(p.cols)))
    parts = []
    for i, v in enumerate(values):
        z = text_of(v)
        parts.append((s.nullvalue if z is None else z) + (s.colsep if i < n - 1 else s.rowsep))
    p.w("".join(parts))


def _row_line(p: RowPrinter, values: Sequence[Value]) -> None:
    s = p.s
    w = 5
    for c in p.cols:
        w = max(w, byte_len(c))
    if p.cnt > 0:
        p.w(s.rowsep)
    p.cnt += 1
    for c, v in zip(p.cols, values, strict=False):
        z = text_of(v)
        pad = " " * (w - byte_len(c))
        p.w(f"{pad}{c} = {s.nullvalue if z is None else z}{s.rowsep}")


def _row_html(p: RowPrinter, values: Sequence[Value]) -> None:
    s = p.s
    if p.cnt == 0 and s.show_header:
        p.w("<TR>" + "".join(f"<TH>{html_string(c)}</TH>\n" for c in p.cols) + "</TR>\n")
    p.cnt += 1
    cells = []
    for v in values:
        z = text_of(v)
        cells.append(f"<TD>{html_string(s.nullvalue if z is None else z)}</TD>\n")
    p.w("<TR>" + "".join(cells) + "</TR>\n")


def _row_tcl(p: RowPrinter, values: Sequence[Value]) -> None:
    s = p.s
    n = len(values)
    if p.cnt == 0 and s.show_header:
        p.w("".join(tcl_string(c) + (s.colsep if i < n - 1 else "") for i, c in enumerate(p.cols))
            + s.rowsep)
    p.cnt += 1
    parts = []
    for i, v in enumerate(values):
        z = text_of(v)
        parts.append(tcl_string(s.nullvalue if z is None else z) + (s.colsep if i < n - 1 else ""))
    p.w("".join(parts) + s.rowsep)


def _row_csv(p: RowPrinter, values: Sequence[Value]) -> None:
    s = p.s
    if p.cnt == 0 and s.show_header:
        p.w(s.colsep.join(csv_field(c, s) for c in p.cols) + s.rowsep)
    p.cnt += 1
    if values:
        p.w(s.colsep.join(csv_field(text_of(v), s) for v in values) + s.rowsep)


def _row_ascii(p: RowPrinter, values: Sequence[Value]) -> None:
    s = p.s
    if p.cnt == 0 and s.show_header:
        p.w(s.colsep.join(p.cols) + s.rowsep)
    p.cnt += 1
    out = []
    for v in values:
        z = text_of(v)
        out.append(s.nullvalue if z is None else z)
    p.w(s.colsep.join(out) + s.rowsep)


def _row_insert(p: RowPrinter, values: Sequence[Value]) -> None:
    s = p.s
    head = "INSERT INTO " + s.dest_table
    if s.show_header:
        head += "(" + ",".join(quote_ident(c) for c in p.cols) + ")"
    p.cnt += 1
    p.w(head + " VALUES(" + ",".join(insert_literal(v) for v in values) + ");\n")


def _row_quote(p: RowPrinter, values: Sequence[Value]) -> None:
    s = p.s
    if p.cnt == 0 and s.show_header:
        p.w(s.colsep.join(sql_string(c) for c in p.cols) + s.rowsep)
    p.cnt += 1
    p.w(s.colsep.join(quote_literal(v) for v in values) + s.rowsep)


def _row_json(p: RowPrinter, values: Sequence[Value]) -> None:
    p.w("[{" if p.cnt == 0 else ",\n{")
    p.cnt += 1
    p.w(",".join(json_string(c) + ":" + json_value(v)
                 for c, v in zip(p.cols, values, strict=False)) + "}")


def _row_semi(p: RowPrinter, values: Sequence[Value]) -> None:
    z = text_of(values[0]) if values else None
    if z is not None:
        p.w(schema_line(z, ";\n"))


def _row_off(p: RowPrinter, values: Sequence[Value]) -> None:
    p.cnt += 1


_ROW_HANDLERS: dict[Mode, Callable[[RowPrinter, Sequence[Value]], None]] = {
    Mode.LIST: _row_list,
    Mode.LINE: _row_line,
    Mode.HTML: _row_html,
    Mode.TCL: _row_tcl,
    Mode.CSV: _row_csv,
    Mode.ASCII: _row_ascii,
    Mode.INSERT: _row_insert,
    Mode.QUOTE: _row_quote,
    Mode.JSON: _row_json,
    Mode.SEMI: _row_semi,
    Mode.OFF: _row_off,
    Mode.COUNT: _row_off,
    Mode.EXPLAIN: _row_list,
    Mode.PRETTY: _row_semi,
    Mode.EQP: _row_list,
}


# ---------------------------------------------------------------- schema lines


def schema_line(z: str, tail: str, complete: Callable[[str], bool] | None = None) -> str:
    """printSchemaLine: a CREATE statement closed by `tail`; quoted table names
    gain IF NOT EXISTS so that a dump replays over an existing schema."""
    if tail.startswith(";") and ("/*" in z or "--" in z) and complete is not None:
        for term in ("", "*/", "\n"):
            cand = z + term + ";"
            if complete(cand):
                z = cand[:-1]
                break
    if z.startswith("CREATE TABLE ") and len(z) > 13 and z[13] in "'\"":
        return "CREATE TABLE IF NOT EXISTS " + z[13:] + tail
    return z + tail


# ---------------------------------------------------------------- columnar


_C_SPACE = frozenset(b" \t\n\v\f\r")


def _c_alnum(c: int) -> bool:
    return 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def translate_for_display(text: str, mx: int, wordwrap: bool) -> tuple[str, str | None]:
    """translateForDisplayAndDup: the first display line of text (tabs expanded,
    at most mx characters) and the rest still to show, or None. Works on the
    UTF-8 bytes, as sqlite3 does, so that word-wrap break points agree."""
    if mx < 0:
        mx = -mx
    if mx == 0:
        mx = 1000000
    z = text.encode("utf-8", "surrogateescape")
    size = len(z)

    def at(j: int) -> int:
        return z[j] if j < size else 0

    i = n = 0
    while n < mx:
        c = at(i)
        if c >= 0x20:
            n += 1
            i += 1
            while (at(i) & 0xC0) == 0x80:
                i += 1
            continue
        if c == 0x09:
            while True:
                n += 1
                if not ((n & 7) != 0 and n < mx):
                    break
            i += 1
            continue
        break
    if n >= mx and wordwrap:
        k = i
        while k > i // 2:
            if at(k - 1) in _C_SPACE:
                break
            k -= 1
        if k <= i // 2:
            k = i
            while k > i // 2:
                if _c_alnum(at(k - 1)) != _c_alnum(at(k)) and (at(k) & 0xC0) != 0x80:
                    break
                k -= 1
        if k <= i // 2:
            k = i
        else:
            i = k
            while at(i) == 0x20:
                i += 1
    else:
        k = i
    c = at(i)
    tail: bytes | None
    if n >= mx and c >= 0x20:
        tail = z[i:]
    elif c == 0x0D and at(i + 1) == 0x0A:
        tail = z[i + 2:] if i + 2 < size else None
    elif c == 0 or at(i + 1) == 0:
        tail = None
    else:
        tail = z[i + 1:]
    out = bytearray()
    i = n = 0
    while i < k:
        c = at(i)
        if c >= 0x20:
            n += 1
            out.append(c)
            i += 1
            while (at(i) & 0xC0) == 0x80:
                out.append(at(i))
                i += 1
            continue
        if c == 0x09:
            while True:
                n += 1
                out.append(0x20)
                if not ((n & 7) != 0 and n < mx):
                    break
            i += 1
            continue
        break
    line = bytes(out).decode("utf-8", "surrogateescape")
    return line, (None if tail is None else tail.decode("utf-8", "surrogateescape"))


def width_print(w: int, z: str) -> str:
    """utf8_width_print: z in a field of |w| characters (right-aligned if w < 0)."""
    aw = -w if w < 0 else w
    n = 0
    for idx, ch in enumerate(z):
        if not _is_cont(ch):
            n += 1
            if n == aw:
                j = idx + 1
                while j < len(z) and _is_cont(z[j]):
                    j += 1
                return z[:j]
    if n >= aw:
        return z
    if w < 0:
        return " " * (aw - n) + z
    return z + " " * (aw - n)


def _print_columnar(p: RowPrinter) -> None:
    s = p.s
    ncol = len(p.cols)
    widths = list(s.widths) + [0] * max(0, ncol - len(s.widths))
    actual = [abs(w) for w in widths[:ncol]]
    heads = [translate_for_display(c, widths[i] if widths[i] != 0 else s.wrap, s.wordwrap)[0]
             for i, c in enumerate(p.cols)]
    data: list[str | None] = list(heads)
    rowdiv: list[bool] = []
    multiline = False
    for values in p.rows:
        pending: list[str | None] = []
        for i in range(ncol):
            v = values[i] if i < len(values) else None
            z = quoted_column(v) if s.quote else text_of(v)
            pending.append(s.nullvalue if z is None else z)
        while True:
            rowdiv.append(True)
            again = False
            nxt: list[str | None] = []
            for i in range(ncol):
                z = pending[i]
                wx = widths[i] if widths[i] != 0 else s.wrap
                if z is None:
                    data.append(None)
                    nxt.append(None)
                    continue
                line, tail = translate_for_display(z, wx, s.wordwrap)
                data.append(line)
                nxt.append(tail)
                if tail is not None:
                    again = True
                    rowdiv[-1] = False
                    multiline = True
            if not again:
                break
            # On continuation lines a column with nothing left shows as empty text.
            pending = ["" if z is None else z for z in nxt]
    total = len(data)
    for i in range(total):
        z = data[i]
        n = str_len(s.nullvalue if z is None else z)
        j = i % ncol
        if n > actual[j]:
            actual[j] = n
    if ncol == 0:
        return
    w = p.w
    mode = s.mode
    out: list[str] = []

    def dashes(n: int) -> str:
        return "-" * n

    def row_sep(sep: str) -> str:
        return sep + sep.join(dashes(a + 2) for a in actual) + sep + "\n"

    def box_sep(a: str, b: str, c: str) -> str:
        return a + b.join(BOX_H * (x + 2) for x in actual) + c + "\n"

    def center(i: int) -> str:
        z = heads[i]
        n = str_len(z)
        return " " * ((actual[i] - n) // 2) + z + " " * ((actual[i] - n + 1) // 2)

    if mode is Mode.COLUMN:
        colsep, rowsep = "  ", "\n"
        if s.show_header:
            for i in range(ncol):
                ww = -actual[i] if widths[i] < 0 else actual[i]
                out.append(width_print(ww, heads[i]) + ("\n" if i == ncol - 1 else "  "))
            for i in range(ncol):
                out.append(dashes(actual[i]) + ("\n" if i == ncol - 1 else "  "))
    elif mode is Mode.TABLE:
        colsep, rowsep = " | ", " |\n"
        out.append(row_sep("+"))
        out.append("| " + " | ".join(center(i) for i in range(ncol)) + " |\n")
        out.append(row_sep("+"))
    elif mode is Mode.MARKDOWN:
        colsep, rowsep = " | ", " |\n"
        out.append("| " + " | ".join(center(i) for i in range(ncol)) + " |\n")
        out.append(row_sep("|"))
    else:
        colsep, rowsep = f" {BOX_V} ", f" {BOX_V}\n"
        out.append(box_sep(BOX_DR, BOX_DH, BOX_DL))
        out.append(BOX_V + " " + f" {BOX_V} ".join(center(i) for i in range(ncol))
                   + f" {BOX_V}\n")
        out.append(box_sep(BOX_VR, BOX_VH, BOX_VL))
    j = 0
    for i in range(ncol, total):
        if j == 0 and mode is not Mode.COLUMN:
            out.append(f"{BOX_V} " if mode is Mode.BOX else "| ")
        z = data[i]
        if z is None:
            z = s.nullvalue
        ww = -actual[j] if widths[j] < 0 else actual[j]
        out.append(width_print(ww, z))
        if j == ncol - 1:
            out.append(rowsep)
            if multiline and rowdiv[i // ncol - 1] and i + 1 < total:
                if mode is Mode.TABLE:
                    out.append(row_sep("+"))
                elif mode is Mode.BOX:
                    out.append(box_sep(BOX_VR, BOX_VH, BOX_VL))
                elif mode is Mode.COLUMN:
                    out.append("\n")
            j = 0
        else:
            out.append(colsep)
            j += 1
    if mode is Mode.TABLE:
        out.append(row_sep("+"))
    elif mode is Mode.BOX:
        out.append(box_sep(BOX_UR, BOX_UH, BOX_UL))
    w("".join(out))


def print_rows(settings: OutputSettings, write: Write, cols: Sequence[str],
               rows: Iterable[Sequence[Value]]) -> None:
    """Print one whole result set (used by dot-commands that query)."""
    p = RowPrinter(settings, write)
    p.start(cols)
    try:
        for r in rows:
            p.row(r)
    finally:
        p.finish()
