"""Dot-commands of the shell (.mode, .schema, .dump, .import …), as sqlite3 3.40 has them.

Owns argument splitting of a dot-command line and one handler per command,
looked up by prefix in COMMANDS. Handlers talk to the database only through
the shell's DB-API connection (SELECTs on sqlite_schema, PRAGMAs, the
module's backup()); never through engine internals. A handler returns 0
(ok), 1 (error: counts for -bail) or raises ShellExit."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence

from pyrite.cli.modes import (
    COLUMNAR,
    MODE_NAMES,
    SEP_COLUMN,
    SEP_COMMA,
    SEP_CRLF,
    SEP_RECORD,
    SEP_ROW,
    SEP_SPACE,
    SEP_TAB,
    SEP_UNIT,
    Mode,
    c_string,
    insert_literal,
    quote_char,
    quote_ident,
    schema_line,
    text_of,
)
from pyrite.cli.shell import Shell, ShellExit

Handler = Callable[[Shell, list[str]], int]

_ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            '"': '"', "'": "'", "\\": "\\"}


def resolve_backslashes(z: str) -> str:
    """resolve_backslashes: C escapes (\\n, \\t, \\NNN octal …) in a dot-command argument."""
    if "\\" not in z:
        return z
    out: list[str] = []
    i = 0
    n = len(z)
    while i < n:
        c = z[i]
        if c == "\\" and i + 1 < n:
            i += 1
            c = z[i]
            if c in _ESCAPES:
                c = _ESCAPES[c]
            elif "0" <= c <= "7":
                v = ord(c) - 48
                for _ in range(2):
                    if i + 1 < n and "0" <= z[i + 1] <= "7":
                        i += 1
                        v = (v << 3) + ord(z[i]) - 48
                    else:
                        break
                c = chr(v & 0xFF)
        out.append(c)
        i += 1
    return "".join(out)


def split_args(line: str) -> list[str]:
    """Split a dot-command line into arguments like sqlite3's do_meta_command."""
    args: list[str] = []
    h = 1
    n = len(line)
    while h < n:
        while h < n and line[h] in " \t\n\r\f\v":
            h += 1
        if h >= n:
            break
        if line[h] in "'\"":
            delim = line[h]
            h += 1
            start = h
            while h < n and line[h] != delim:
                if line[h] == "\\" and delim == '"' and h + 1 < n:
                    h += 1
                h += 1
            arg = line[start:h]
            if h < n:
                h += 1
            args.append(resolve_backslashes(arg) if delim == '"' else arg)
        else:
            start = h
            while h < n and line[h] not in " \t\n\r\f\v":
                h += 1
            args.append(resolve_backslashes(line[start:h]))
            h += 1
    return args


def boolean_value(sh: Shell, z: str) -> bool:
    """booleanValue: on/yes/off/no or an integer; anything else warns and means no."""
    digits = z[2:] if z.startswith("0x") else z
    if digits and all(c in "0123456789abcdefABCDEF" if z.startswith("0x") else c.isdigit()
                      for c in digits):
        return integer_value(z) & 0xFFFFFFFF != 0
    low = z.lower()
    if low in ("on", "yes"):
        return True
    if low in ("off", "no"):
        return False
    sh.error(f"ERROR: Not a boolean value: \"{z}\". Assuming \"no\".\n")
    return False


def integer_value(z: str) -> int:
    """integerValue: a decimal/hex integer with an optional KiB/MiB-style suffix."""
    z = z.strip()
    sign = 1
    if z.startswith("-"):
        sign, z = -1, z[1:]
    elif z.startswith("+"):
        z = z[1:]
    v = 0
    i = 0
    if z.startswith("0x"):
        i = 2
        while i < len(z) and z[i] in "0123456789abcdefABCDEF":
            v = v * 16 + int(z[i], 16)
            i += 1
    else:
        while i < len(z) and z[i].isdigit():
            v = v * 10 + int(z[i])
            i += 1
    mult = {"KiB": 1024, "MiB": 1024 * 1024, "GiB": 1024 ** 3, "KB": 1000, "MB": 1000000,
            "GB": 1000000000, "K": 1000, "M": 1000000, "G": 1000000000}
    suffix = z[i:]
    for k, m in mult.items():
        if suffix.lower() == k.lower():
            v *= m
            break
    return sign * v


def _usage(sh: Shell, text: str) -> int:
    sh.error(f"Usage: {text}\n")
    return 1


# ---------------------------------------------------------------- simple switches


def _switch(attr: str, usage: str) -> Handler:
    def handler(sh: Shell, args: list[str]) -> int:
        if len(args) != 2:
            return _usage(sh, usage)
        setattr(sh, attr, boolean_value(sh, args[1]))
        return 0

    return handler


def cmd_headers(sh: Shell, args: list[str]) -> int:
    if len(args) != 2:
        return _usage(sh, ".headers on|off")
    sh.settings.show_header = boolean_value(sh, args[1])
    sh.settings.header_set = True
    return 0


def cmd_eqp(sh: Shell, args: list[str]) -> int:
    if len(args) != 2:
        return _usage(sh, ".eqp off|on|trace|trigger|full")
    z = args[1].lower()
    sh.eqp = {"full": 3, "trigger": 2, "trace": 1}.get(z, 1 if boolean_value(sh, args[1]) else 0)
    return 0


def cmd_nullvalue(sh: Shell, args: list[str]) -> int:
    if len(args) != 2:
        return _usage(sh, ".nullvalue STRING")
    sh.settings.nullvalue = args[1][:19]
    return 0


def cmd_separator(sh: Shell, args: list[str]) -> int:
    if len(args) < 2 or len(args) > 3:
        return _usage(sh, ".separator COL ?ROW?")
    sh.settings.colsep = args[1]
    if len(args) == 3:
        sh.settings.rowsep = args[2]
    return 0


def cmd_width(sh: Shell, args: list[str]) -> int:
    sh.settings.widths = [integer_value(a) for a in args[1:]]
    return 0


def cmd_print(sh: Shell, args: list[str]) -> int:
    sh.write(" ".join(args[1:]) + "\n")
    return 0


def cmd_quit(sh: Shell, args: list[str]) -> int:
    raise ShellExit(0)


def cmd_exit(sh: Shell, args: list[str]) -> int:
    raise ShellExit(integer_value(args[1]) if len(args) > 1 else 0)


# ---------------------------------------------------------------- .mode


def _option_match(z: str, name: str) -> bool:
    if not z.startswith("-"):
        return False
    z = z[1:]
    if z.startswith("-"):
        z = z[1:]
    return z == name


_MODE_ORDER: tuple[str, ...] = (
    "lines", "columns", "list", "html", "tcl", "csv", "tabs", "insert", "quote", "ascii",
    "markdown", "table", "box", "count", "off", "json",
)


def cmd_mode(sh: Shell, args: list[str]) -> int:
    s = sh.settings
    wrap, wordwrap, quote = 60, False, False
    zmode: str | None = None
    tabname: str | None = None
    i = 1
    while i < len(args):
        z = args[i]
        if _option_match(z, "wrap") and i + 1 < len(args):
            i += 1
            wrap = integer_value(args[i])
        elif _option_match(z, "ww"):
            wordwrap = True
        elif _option_match(z, "wordwrap") and i + 1 < len(args):
            i += 1
            wordwrap = boolean_value(sh, args[i])
        elif _option_match(z, "quote"):
            quote = True
        elif _option_match(z, "noquote"):
            quote = False
        elif zmode is None:
            zmode = z
            if z == "qbox":
                zmode = "box"
                wrap, wordwrap, quote = 60, False, True
        elif tabname is None:
            tabname = z
        elif z.startswith("-"):
            sh.error(f"unknown option: {z}\noptions:\n  --noquote\n  --quote\n"
                     "  --wordwrap on/off\n  --wrap N\n  --ww\n")
            return 1
        else:
            sh.error(f"extra argument: \"{z}\"\n")
            return 1
        i += 1
    if zmode is None:
        if s.mode in COLUMNAR:
            sh.write(f"current output mode: {MODE_NAMES[s.mode]} --wrap {s.wrap} "
                     f"--wordwrap {'on' if s.wordwrap else 'off'} "
                     f"--{'' if s.quote else 'no'}quote\n")
        else:
            sh.write(f"current output mode: {MODE_NAMES[s.mode]}\n")
        zmode = MODE_NAMES[s.mode]
    chosen = next((m for m in _MODE_ORDER if zmode and m.startswith(zmode)), None)
    if chosen is None:
        sh.error("Error: mode should be one of: ascii box column csv html insert json line "
                 "list markdown qbox quote table tabs tcl\n")
        return 1

    def columnar(mode: Mode) -> None:
        s.mode = mode
        s.wrap, s.wordwrap, s.quote = wrap, wordwrap, quote

    if chosen == "lines":
        s.mode = Mode.LINE
        s.rowsep = SEP_ROW
    elif chosen == "columns":
        columnar(Mode.COLUMN)
        if not s.header_set:
            s.show_header = True
        s.rowsep = SEP_ROW
    elif chosen == "list":
        s.mode = Mode.LIST
        s.colsep, s.rowsep = SEP_COLUMN, SEP_ROW
    elif chosen == "html":
        s.mode = Mode.HTML
    elif chosen == "tcl":
        s.mode = Mode.TCL
        s.colsep, s.rowsep = SEP_SPACE, SEP_ROW
    elif chosen == "csv":
        s.mode = Mode.CSV
        s.colsep, s.rowsep = SEP_COMMA, SEP_CRLF
    elif chosen == "tabs":
        s.mode = Mode.LIST
        s.colsep = SEP_TAB
    elif chosen == "insert":
        s.mode = Mode.INSERT
        s.dest_table = quote_ident(tabname or "table")
    elif chosen == "quote":
        s.mode = Mode.QUOTE
        s.colsep, s.rowsep = SEP_COMMA, SEP_ROW
    elif chosen == "ascii":
        s.mode = Mode.ASCII
        s.colsep, s.rowsep = SEP_UNIT, SEP_RECORD
    elif chosen == "markdown":
        columnar(Mode.MARKDOWN)
    elif chosen == "table":
        columnar(Mode.TABLE)
    elif chosen == "box":
        columnar(Mode.BOX)
    elif chosen == "count":
        s.mode = Mode.COUNT
    elif chosen == "off":
        s.mode = Mode.OFF
    else:
        s.mode = Mode.JSON
    return 0


# ---------------------------------------------------------------- .show .databases


def cmd_show(sh: Shell, args: list[str]) -> int:
    if len(args) != 1:
        return _usage(sh, ".show")
    s = sh.settings
    onoff = ("off", "on", "trigger", "full")
    lines = [
        ("echo", onoff[int(sh.echo)]),
        ("eqp", onoff[sh.eqp & 3]),
        ("explain", "auto"),
        ("headers", onoff[int(s.show_header)]),
    ]
    if s.mode in COLUMNAR:
        lines.append(("mode", f"{MODE_NAMES[s.mode]} --wrap {s.wrap} --wordwrap "
                              f"{'on' if s.wordwrap else 'off'} --{'' if s.quote else 'no'}quote"))
    else:
        lines.append(("mode", MODE_NAMES[s.mode]))
    lines += [
        ("nullvalue", c_string(s.nullvalue)),
        ("output", sh.outfile or "stdout"),
        ("colseparator", c_string(s.colsep)),
        ("rowseparator", c_string(s.rowsep)),
        ("stats", "on" if sh.stats else "off"),
        ("width", "".join(f"{w} " for w in s.widths)),
        ("filename", sh.filename),
    ]
    sh.write("".join(f"{k[:12]:>12}: {v}\n" for k, v in lines))
    return 0


def cmd_databases(sh: Shell, args: list[str]) -> int:
    try:
        rows = sh.query("PRAGMA database_list")
    except sh.module.Error as exc:
        sh.error(f"Error: {exc}\n")
        return 1
    txn = ""
    if getattr(sh.db(), "in_transaction", False):
        txn = " write txn"
    for r in rows:
        name, path = str(r[1]), r[2]
        ro = "r/o" if sh.readonly and name == "main" else "r/w"
        sh.write(f"{name}: {path if path else chr(34) * 2} {ro}{txn if name == 'main' else ''}\n")
    return 0


# ---------------------------------------------------------------- .tables .indexes .schema


def _database_names(sh: Shell) -> list[str]:
    try:
        return [str(r[1]) for r in sh.query("PRAGMA database_list")]
    except sh.module.Error:
        return ["main"]


def _list_names(sh: Shell, args: list[str], indexes: bool) -> int:
    parts = []
    for db in _database_names(sh):
        qdb = '"' + db.replace('"', '""') + '"'
        sel = "SELECT name FROM " if db.lower() == "main" else \
            "SELECT " + "'" + db.replace("'", "''") + "'||'.'||name FROM "
        if indexes:
            where = " WHERE type='index'   AND tbl_name LIKE ?1"
        else:
            where = (" WHERE type IN ('table','view')   AND name NOT LIKE 'sqlite_%'"
                     "   AND name LIKE ?1")
        parts.append(sel + qdb + ".sqlite_schema " + where)
    sql = " UNION ALL ".join(parts) + " ORDER BY 1"
    pattern = args[1] if len(args) > 1 else "%"
    try:
        names = [str(r[0]) for r in sh.query(sql, (pattern,))]
    except sh.module.Error as exc:
        sh.error(f"Error: {exc}\n")
        return 1
    if not names:
        return 0
    maxlen = max(len(n.encode("utf-8", "surrogateescape")) for n in names)
    ncol = max(1, 80 // (maxlen + 2))
    nrow = (len(names) + ncol - 1) // ncol
    out = []
    for i in range(nrow):
        j = i
        while j < len(names):
            sp = "" if j < nrow else "  "
            name = names[j]
            pad = maxlen - len(name.encode("utf-8", "surrogateescape"))
            out.append(sp + name + " " * max(0, pad))
            j += nrow
        out.append("\n")
    sh.write("".join(out))
    return 0


def cmd_tables(sh: Shell, args: list[str]) -> int:
    if len(args) > 2:
        return _usage(sh, ".tables ?LIKE-PATTERN?")
    return _list_names(sh, args, indexes=False)


def cmd_indexes(sh: Shell, args: list[str]) -> int:
    if len(args) > 2:
        sh.error("Usage: .indexes ?LIKE-PATTERN?\n")
        return 1
    return _list_names(sh, args, indexes=True)


def _fake_schema(sh: Shell, schema: str | None, name: str) -> str | None:
    """shellFakeSchema: "name(col1,col2,…)" for a view, from PRAGMA table_info."""
    try:
        db = schema or "main"
        rows = sh.query(f'PRAGMA "{db.replace(chr(34), chr(34) * 2)}".table_info('
                        + "'" + name.replace("'", "''") + "')")
    except sh.module.Error:
        return None
    if not rows:
        return None
    text = ""
    if schema:
        text = (schema if not quote_char(schema) or schema.lower() == "temp"
                else '"' + schema.replace('"', '""') + '"') + "."
    text += quote_ident(name)
    return text + "(" + ",".join(quote_ident(str(r[1])) for r in rows) + ")"


_SCHEMA_PREFIXES = ("TABLE", "INDEX", "UNIQUE INDEX", "VIEW", "TRIGGER", "VIRTUAL TABLE")


def add_schema(sh: Shell, sql: str, schema: str | None, name: str) -> str:
    """shellAddSchemaName: qualify a CREATE with its schema; annotate views with columns."""
    if not sql.startswith("CREATE "):
        return sql
    for prefix in _SCHEMA_PREFIXES:
        n = len(prefix)
        if sql[7:7 + n] == prefix and sql[7 + n:8 + n] == " ":
            z: str | None = None
            if schema:
                if quote_char(schema) and schema.lower() != "temp":
                    z = sql[:n + 7] + ' "' + schema.replace('"', '""') + '".' + sql[n + 8:]
                else:
                    z = sql[:n + 7] + " " + schema + "." + sql[n + 8:]
            if prefix[0] == "V":
                fake = _fake_schema(sh, schema, name)
                if fake is not None:
                    z = (z if z is not None else sql) + f"\n/* {fake} */"
            if z is not None:
                return z
    return sql


def cmd_schema(sh: Shell, args: list[str]) -> int:
    pattern: str | None = None
    nosys = False
    for a in args[1:]:
        if _option_match(a, "indent"):
            continue
        if _option_match(a, "nosys"):
            nosys = True
        elif pattern is None:
            pattern = a
        else:
            return _usage(sh, ".schema ?--indent? ?--nosys? ?LIKE-PATTERN?")
    out: list[str] = []
    for db in _database_names(sh):
        qdb = quote_ident(db) if db.lower() != "main" else "main"
        where = ["sql IS NOT NULL"]
        params: list[str] = []
        if pattern is not None:
            is_glob = any(c in pattern for c in "*?[")
            col = "lower(tbl_name)"
            if "." in pattern:
                col = "lower(printf('%s.%s', ?, tbl_name))"
                params.append(db)
            where.insert(0, col + (" GLOB ?" if is_glob else " LIKE ? ESCAPE '\\'"))
            params.append(pattern)
        if nosys:
            where.insert(0, "name NOT LIKE 'sqlite_%'")
        sql = (f"SELECT sql, name FROM {qdb}.sqlite_schema WHERE " + " AND ".join(where)
               + " ORDER BY rowid")
        try:
            rows = sh.query(sql, params)
        except sh.module.Error as exc:
            sh.error(f"Error: {exc}\n")
            return 1
        for sql_text, name in rows:
            z = text_of(sql_text)
            if z is None:
                continue
            z = add_schema(sh, z, None if db.lower() == "main" else db, str(name))
            out.append(schema_line(z, ";\n", sh.module.complete_statement))
    sh.write("".join(out))
    return 0


# ---------------------------------------------------------------- .dump


def _table_columns(sh: Shell, table: str) -> list[str] | None:
    try:
        rows = sh.query("PRAGMA table_info(" + "'" + table.replace("'", "''") + "')")
    except sh.module.Error:
        return None
    return [str(r[1]) for r in rows]


def dump_lines(sh: Shell, patterns: Sequence[str]) -> tuple[list[str], int]:
    """The .dump text for the tables whose names match (all when empty), and an error count."""
    errors = 0
    like = " OR ".join(["name LIKE ? ESCAPE '\\'"] * len(patterns)) or "1"
    out: list[str] = []
    write = out.append
    rows = sh.query(
        f"SELECT name, type, sql FROM sqlite_schema AS o WHERE ({like}) AND type=='table'"
        "  AND sql NOT NULL ORDER BY tbl_name='sqlite_sequence', rowid", list(patterns))
    complete = sh.module.complete_statement
    writable = False
    for name, kind, sql in rows:
        table = str(name)
        zsql = str(sql)
        if table == "sqlite_sequence":
            write("DELETE FROM sqlite_sequence;\n")
        elif table.startswith("sqlite_stat") and len(table) == 12:
            write("ANALYZE sqlite_schema;\n")
        elif table.startswith("sqlite_"):
            continue
        elif zsql.startswith("CREATE VIRTUAL TABLE"):
            if not writable:
                write("PRAGMA writable_schema=ON;\n")
                writable = True
            q = table.replace("'", "''")
            write("INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)"
                  f"VALUES('table','{q}','{q}',0,'{zsql.replace(chr(39), chr(39) * 2)}');\n")
            continue
        else:
            write(schema_line(zsql, ";\n", complete))
        if kind != "table":
            continue
        cols = _table_columns(sh, table)
        if cols is None:
            errors += 1
            continue
        target = quote_ident(table)
        select = "SELECT " + ",".join(quote_ident(c) for c in cols) + " FROM " + target
        try:
            cur = sh.db().cursor()
            cur.execute(select)
            while True:
                row = cur.fetchone()
                if row is None:
                    break
                write(f"INSERT INTO {target} VALUES("
                      + ",".join(insert_literal(v) for v in row) + ");\n")
            cur.close()
        except sh.module.Error:
            errors += 1
    if writable:
        write("PRAGMA writable_schema=OFF;\n")
    rows = sh.query(
        f"SELECT sql FROM sqlite_schema AS o WHERE ({like}) AND sql NOT NULL"
        "  AND type IN ('index','trigger','view')", list(patterns))
    for (sql,) in rows:
        z = text_of(sql) or ""
        write(z + ("\n;\n" if "--" in z else ";\n"))
    return out, errors


def cmd_dump(sh: Shell, args: list[str]) -> int:
    patterns: list[str] = []
    for a in args[1:]:
        if a.startswith("-"):
            if _option_match(a, "preserve-rowids") or _option_match(a, "newlines") \
                    or _option_match(a, "nosys") or _option_match(a, "data-only"):
                continue
            sh.error(f"Unknown option \"{a}\" on \".dump\"\n")
            return 1
        patterns.append(a)
    sh.write("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n")
    try:
        lines, errors = dump_lines(sh, patterns)
    except sh.module.Error as exc:
        sh.error(f"Error: {exc}\n")
        return 1
    sh.write("".join(lines))
    sh.write("ROLLBACK; -- due to errors\n" if errors else "COMMIT;\n")
    return 0


# ---------------------------------------------------------------- files


def cmd_read(sh: Shell, args: list[str]) -> int:
    if len(args) != 2:
        return _usage(sh, ".read FILE")
    try:
        with open(args[1], encoding="utf-8", errors="surrogateescape", newline="") as f:
            return 1 if sh.process_input(f, from_file=True) else 0
    except OSError:
        sh.error(f"Error: cannot open \"{args[1]}\"\n")
        return 1


def cmd_output(sh: Shell, args: list[str]) -> int:
    once = args[0].startswith("once")
    files = [a for a in args[1:] if not a.startswith("-")]
    if len(files) > 1:
        sh.error(f"ERROR: extra parameter: \"{files[1]}\".  Usage:\n")
        return 1
    name = files[0] if files else ""
    if once and not name:
        return _usage(sh, ".once FILE")
    if not sh.set_output(name):
        return 1
    if once:
        sh.out_count = 2
    return 0


def cmd_open(sh: Shell, args: list[str]) -> int:
    new = False
    readonly = False
    name: str | None = None
    for a in args[1:]:
        if _option_match(a, "new"):
            new = True
        elif _option_match(a, "readonly"):
            readonly = True
        elif _option_match(a, "append") or _option_match(a, "zip") or _option_match(a, "nofollow"):
            continue
        elif a.startswith("-"):
            sh.error(f"unknown option: {a}\n")
            return 1
        elif name is not None:
            sh.error(f"extra argument: \"{a}\"\n")
            return 1
        else:
            name = a
    return 0 if sh.open_db(name if name is not None else ":memory:", readonly=readonly,
                           new=new) else 1


def cmd_backup(sh: Shell, args: list[str]) -> int:
    rest = [a for a in args[1:] if not a.startswith("-")]
    if len(rest) == 1:
        db, path = "main", rest[0]
    elif len(rest) == 2:
        db, path = rest
    else:
        sh.error("Usage: .save ?--append? ?DB? FILENAME\n")
        return 1
    try:
        dest = sh.module.connect(path, isolation_level=None)
    except sh.module.Error:
        sh.error(f"Error: cannot open \"{path}\"\n")
        return 1
    try:
        sh.db().backup(dest, name=db)
    except sh.module.Error as exc:
        sh.error(f"Error: {exc}\n")
        return 1
    finally:
        dest.close()
    return 0


def cmd_restore(sh: Shell, args: list[str]) -> int:
    if len(args) == 2:
        db, path = "main", args[1]
    elif len(args) == 3:
        db, path = args[1], args[2]
    else:
        return _usage(sh, ".restore ?DB? FILE")
    if not os.path.exists(path):
        sh.error(f"Error: cannot open \"{path}\"\n")
        return 1
    try:
        src = sh.module.connect(path, isolation_level=None)
    except sh.module.Error:
        sh.error(f"Error: cannot open \"{path}\"\n")
        return 1
    try:
        src.backup(sh.db(), name=db)
    except sh.module.Error as exc:
        sh.error(f"Error: {exc}\n")
        return 1
    finally:
        src.close()
    return 0


# ---------------------------------------------------------------- .import


def _read_records(data: str, csv_mode: bool, colsep: str, rowsep: str) -> list[tuple[int, list[str]]]:
    """The records of an import file, each with the line it starts on."""
    records: list[tuple[int, list[str]]] = []
    if csv_mode:
        line = 1
        reader = csv.reader(io.StringIO(data, newline=""), delimiter=colsep, quotechar='"',
                            doublequote=True, strict=False)
        for rec in reader:
            start = line
            line = reader.line_num + 1
            if rec == [] :
                continue
            records.append((start, rec))
        return records
    line = 1
    for chunk in data.split(rowsep):
        start = line
        line += chunk.count("\n") + (1 if rowsep == "\n" else 0)
        records.append((start, chunk.split(colsep)))
    if records and records[-1][1] == [""]:
        records.pop()
    return records


def cmd_import(sh: Shell, args: list[str]) -> int:
    file: str | None = None
    table: str | None = None
    skip = 0
    mode_csv = sh.settings.mode is Mode.CSV
    mode_ascii = sh.settings.mode is Mode.ASCII
    verbose = False
    i = 1
    while i < len(args):
        z = args[i]
        if z.startswith("-") and z != "-":
            if _option_match(z, "skip") and i + 1 < len(args):
                i += 1
                skip = integer_value(args[i])
            elif _option_match(z, "csv"):
                mode_csv, mode_ascii = True, False
            elif _option_match(z, "ascii"):
                mode_csv, mode_ascii = False, True
            elif _option_match(z, "v"):
                verbose = True
            elif _option_match(z, "schema") and i + 1 < len(args):
                i += 1
            else:
                sh.error(f"ERROR: unknown option: \"{z}\".  Usage:\n")
                return 1
        elif file is None:
            file = z
        elif table is None:
            table = z
        else:
            sh.error(f"ERROR: extra argument: \"{z}\".  Usage:\n")
            return 1
        i += 1
    if file is None or table is None:
        sh.error("ERROR: missing FILE and/or TABLE argument.  Usage:\n")
        return 1
    if sh.settings.mode is Mode.CSV and sh.settings.rowsep == SEP_CRLF:
        # sqlite3 switches the (output) row separator to the input default, for good.
        sh.settings.rowsep = SEP_ROW
    if mode_csv:
        colsep, rowsep = ",", "\n"
        if sh.settings.mode is Mode.CSV:
            colsep = sh.settings.colsep
    elif mode_ascii:
        colsep, rowsep = SEP_UNIT, SEP_RECORD
    else:
        colsep, rowsep = sh.settings.colsep, sh.settings.rowsep
        if rowsep == SEP_CRLF:
            rowsep = SEP_ROW
    if len(colsep) != 1:
        sh.error("Error: multi-character column separators not allowed for import\n")
        return 1
    if len(rowsep) != 1:
        sh.error("Error: multi-character row separators not allowed for import\n")
        return 1
    try:
        with open(file, encoding="utf-8", errors="surrogateescape", newline="") as f:
            data = f.read()
    except OSError:
        sh.error(f"Error: cannot open \"{file}\"\n")
        return 1
    records = _read_records(data, mode_csv, colsep, rowsep)
    records = records[skip:]
    qtable = '"' + table.replace('"', '""') + '"'
    ncol: int | None = None
    try:
        cur = sh.db().cursor()
        cur.execute(f"SELECT * FROM {qtable}")
        ncol = len(cur.description or ())
        cur.close()
    except sh.module.Error as exc:
        if not str(exc).startswith("no such table: "):
            sh.error(f"Error: {exc}\n")
            return 1
    if ncol is None:
        if not records:
            sh.error(f"{file}: empty file\n")
            return 1
        header = records.pop(0)[1]
        cols = ", ".join('"' + c.replace('"', '""') + '" TEXT' for c in header)
        create = f"CREATE TABLE {qtable}(\n{cols})\n"
        if verbose:
            sh.write(create + "\n")
        try:
            sh.db().execute(create)
        except sh.module.Error as exc:
            sh.error(f"{create} failed:\n{exc}\n")
            return 1
        ncol = len(header)
    insert = f"INSERT INTO {qtable} VALUES(" + ",".join("?" * ncol) + ")"
    conn = sh.db()
    need_commit = not getattr(conn, "in_transaction", False)
    errors = 0
    try:
        if need_commit:
            conn.execute("BEGIN")
        for line, rec in records:
            values: list[str | None] = list(rec[:ncol])
            if len(rec) < ncol:
                sh.error(f"{file}:{line}: expected {ncol} columns but found {len(rec)}"
                         " - filling the rest with NULL\n")
                values += [None] * (ncol - len(rec))
            elif len(rec) > ncol:
                sh.error(f"{file}:{line}: expected {ncol} columns but found {len(rec)}"
                         " - extras ignored\n")
            try:
                conn.execute(insert, values)
            except sh.module.Error as exc:
                sh.error(f"{file}:{line}: INSERT failed: {exc}\n")
                errors += 1
        if need_commit:
            conn.execute("COMMIT")
    except sh.module.Error as exc:
        sh.error(f"Error: {exc}\n")
        return 1
    return 0


# ---------------------------------------------------------------- .parameter


_PARAM_INIT = ("CREATE TABLE IF NOT EXISTS temp.sqlite_parameters(\n"
               "  key TEXT PRIMARY KEY,\n  value\n) WITHOUT ROWID;")


def _param_init(sh: Shell) -> None:
    """bind_table_init: create temp.sqlite_parameters (a reserved name, so the
    schema is made writable for the moment, as sqlite3 does)."""
    conn = sh.db()
    conn.execute("PRAGMA writable_schema=ON")
    try:
        conn.execute(_PARAM_INIT)
    finally:
        conn.execute("PRAGMA writable_schema=OFF")


def cmd_parameter(sh: Shell, args: list[str]) -> int:
    conn = sh.db()
    sub = args[1] if len(args) > 1 else ""
    try:
        if len(args) == 2 and sub == "clear":
            conn.execute("DROP TABLE IF EXISTS temp.sqlite_parameters;")
        elif len(args) == 2 and sub == "list":
            try:
                width = sh.query("SELECT max(length(key)) FROM temp.sqlite_parameters;")[0][0]
            except sh.module.Error:
                width = 0
            width = min(int(width or 0), 40)
            if width:
                for key, val in sh.query("SELECT key, quote(value) FROM temp.sqlite_parameters;"):
                    sh.write(f"{str(key):<{width}} {text_of(val) or ''}\n")
        elif len(args) == 2 and sub == "init":
            _param_init(sh)
        elif len(args) == 4 and sub == "set":
            _param_init(sh)
            key = args[2].replace("'", "''")
            try:
                conn.execute(f"REPLACE INTO temp.sqlite_parameters(key,value) "
                             f"VALUES('{key}',{args[3]});")
            except sh.module.Error:
                try:
                    conn.execute("REPLACE INTO temp.sqlite_parameters(key,value) VALUES(?,?);",
                                 (args[2], args[3]))
                except sh.module.Error as exc:
                    sh.error(f"Error: {exc}\n")
                    return 1
        elif len(args) == 3 and sub == "unset":
            conn.execute("DELETE FROM temp.sqlite_parameters WHERE key=?", (args[2],))
        else:
            sh.error("Usage: .parameter CMD ...\n")
            return 1
    except sh.module.Error as exc:
        sh.error(f"Error: {exc}\n")
        return 1
    return 0


# ---------------------------------------------------------------- misc


def cmd_changes(sh: Shell, args: list[str]) -> int:
    if len(args) != 2:
        return _usage(sh, ".changes on|off")
    sh.count_changes = boolean_value(sh, args[1])
    return 0


def cmd_dbinfo(sh: Shell, args: list[str]) -> int:
    path = sh.filename
    if not path or path == ":memory:" or not os.path.exists(path):
        sh.error("error: no such table: sqlite_dbpage\n")
        return 1
    with open(path, "rb") as f:
        hdr = f.read(100)
    if len(hdr) < 100:
        sh.error("unable to read database header\n")
        return 1

    def u32(off: int) -> int:
        return int.from_bytes(hdr[off:off + 4], "big")

    page_size = int.from_bytes(hdr[16:18], "big")
    out = [f"{'database page size:':<20} {65536 if page_size == 1 else page_size}\n",
           f"{'write format:':<20} {hdr[18]}\n",
           f"{'read format:':<20} {hdr[19]}\n",
           f"{'reserved bytes:':<20} {hdr[20]}\n"]
    fields = (("file change counter:", 24), ("database page count:", 28),
              ("freelist page count:", 36), ("schema cookie:", 40), ("schema format:", 44),
              ("default cache size:", 48), ("autovacuum top root:", 52),
              ("incremental vacuum:", 64), ("text encoding:", 56), ("user version:", 60),
              ("application id:", 68), ("software version:", 96))
    for label, off in fields:
        val = u32(off)
        extra = {1: " (utf8)", 2: " (utf16le)", 3: " (utf16be)"}.get(val, "") if off == 56 else ""
        out.append(f"{label:<20} {val}{extra}\n")
    queries = (("number of tables:", "SELECT count(*) FROM main.sqlite_schema WHERE type='table'"),
               ("number of indexes:", "SELECT count(*) FROM main.sqlite_schema WHERE type='index'"),
               ("number of triggers:",
                "SELECT count(*) FROM main.sqlite_schema WHERE type='trigger'"),
               ("number of views:", "SELECT count(*) FROM main.sqlite_schema WHERE type='view'"),
               ("schema size:", "SELECT total(length(sql)) FROM main.sqlite_schema"))
    for label, sql in queries:
        try:
            val2 = sh.query(sql)[0][0]
        except sh.module.Error:
            val2 = 0
        out.append(f"{label:<20} {int(val2 or 0)}\n")
    sh.write("".join(out))
    return 0


HELP_TEXT = """\
.backup ?DB? FILE        Backup DB (default "main") to FILE
.bail on|off             Stop after hitting an error.  Default OFF
.changes on|off          Show number of rows changed by SQL
.databases               List names and files of attached databases
.dbinfo ?DB?             Show status information about the database
.dump ?OBJECTS?          Render database content as SQL
.echo on|off             Turn command echo on or off
.eqp on|off|full|...     Enable or disable automatic EXPLAIN QUERY PLAN
.exit ?CODE?             Exit this program with return-code CODE
.headers on|off          Turn display of headers on or off
.help ?-all? ?PATTERN?   Show help text for PATTERN
.import FILE TABLE       Import data from FILE into TABLE
.indexes ?TABLE?         Show names of indexes
.mode MODE ?OPTIONS?     Set output mode
.nullvalue STRING        Use STRING in place of NULL values
.once ?OPTIONS? ?FILE?   Output for the next SQL command only to FILE
.open ?OPTIONS? ?FILE?   Close existing database and reopen FILE
.output ?FILE?           Send output to FILE or stdout if FILE is omitted
.parameter CMD ...       Manage SQL parameter bindings
.print STRING...         Print literal STRING
.quit                    Exit this program
.read FILE               Read input from FILE
.restore ?DB? FILE       Restore content of DB (default "main") from FILE
.schema ?PATTERN?        Show the CREATE statements matching PATTERN
.separator COL ?ROW?     Change the column and row separators
.show                    Show the current values for various settings
.tables ?TABLE?          List names of tables matching LIKE pattern TABLE
.timer on|off            Turn SQL timer on or off
.width NUM1 NUM2 ...     Set minimum column widths for columnar output
"""


def cmd_help(sh: Shell, args: list[str]) -> int:
    lines = HELP_TEXT.splitlines(keepends=True)
    if len(args) > 1 and not args[1].startswith("-"):
        pat = args[1]
        lines = [ln for ln in lines if ln[1:].startswith(pat)]
        if not lines:
            sh.write(f"Nothing matches '{pat}'\n")
            return 0
    sh.write("".join(lines))
    return 0


# (name, shortest accepted prefix, handler), in the order sqlite3 tries them.
COMMANDS: tuple[tuple[str, int, Handler], ...] = (
    ("backup", 3, cmd_backup),
    ("save", 3, cmd_backup),
    ("bail", 3, _switch("bail", ".bail on|off")),
    ("changes", 3, cmd_changes),
    ("databases", 2, cmd_databases),
    ("dbinfo", 3, cmd_dbinfo),
    ("dump", 2, cmd_dump),
    ("echo", 2, _switch("echo", ".echo on|off")),
    ("eqp", 2, cmd_eqp),
    ("exit", 2, cmd_exit),
    ("headers", 1, cmd_headers),
    ("help", 2, cmd_help),
    ("import", 2, cmd_import),
    ("indexes", 2, cmd_indexes),
    ("indices", 2, cmd_indexes),
    ("mode", 1, cmd_mode),
    ("nullvalue", 2, cmd_nullvalue),
    ("once", 2, cmd_output),
    ("open", 2, cmd_open),
    ("output", 1, cmd_output),
    ("parameter", 2, cmd_parameter),
    ("print", 2, cmd_print),
    ("quit", 1, cmd_quit),
    ("read", 3, cmd_read),
    ("restore", 3, cmd_restore),
    ("schema", 2, cmd_schema),
    ("separator", 2, cmd_separator),
    ("show", 4, cmd_show),
    ("tables", 2, cmd_tables),
    ("timer", 2, _switch("timer", ".timer on|off")),
    ("width", 1, cmd_width),
)


def run_meta_command(sh: Shell, line: str) -> int:
    """do_meta_command: run one dot-command line; 0 ok, 1 error (ShellExit to quit)."""
    args = split_args(line)
    if not args:
        return 0
    name = args[0]
    rc = -1
    for full, min_len, handler in COMMANDS:
        if len(name) >= min_len and full.startswith(name):
            rc = handler(sh, [full] + args[1:])
            break
    if rc < 0:
        sh.error(f"Error: unknown command or invalid arguments:  \"{name}\". "
                 "Enter \".help\" for help\n")
        rc = 1
    if sh.out_count:
        sh.out_count -= 1
        if sh.out_count == 0:
            sh.reset_output()
    return rc


