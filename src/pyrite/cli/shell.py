"""The pyrite shell: `pyrite [OPTIONS] [FILE] [SQL...]`, like the sqlite3 program.

Owns the input loop (arguments, batch stdin, interactive prompts with
readline), statement boundaries, running statements through a DB-API module
and reporting errors the way sqlite3 3.40 does. Dot-commands live in
commands.py, output formatting in modes.py.

The shell never imports an engine: it is given a DB-API module (``pyrite``
in production) and uses only connect(), complete_statement(), Error and the
connection/cursor surface. Two optional attributes on the module's
exceptions make error reports exact: ``offset`` (byte offset of the error in
the statement, -1 if none) and ``phase`` ("prepare" or "step")."""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from pyrite.cli.modes import (
    SEP_COMMA,
    SEP_RECORD,
    SEP_ROW,
    SEP_TAB,
    SEP_UNIT,
    Mode,
    OutputSettings,
    RowPrinter,
    Value,
)

PROMPT_MAIN = "sqlite> "
PROMPT_CONTINUE = "   ...> "

# Messages of SQLITE_ERROR failures that happen while a statement runs, not
# while it compiles; used only when the module does not say which phase failed.
_RUNTIME_PREFIXES = (
    "integer overflow", "malformed JSON", "JSON ", "json_", "bad JSON path",
    "cannot start a transaction", "cannot commit", "cannot rollback",
    "no such savepoint", "too many levels of trigger", "interrupted",
    "user-defined function raised exception", "sub-select returns",
    "database is locked", "cannot VACUUM", "unable to", "out of memory",
)


class ShellExit(Exception):
    """Raised by .quit/.exit to leave the input loop."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code


# ---------------------------------------------------------------- SQL text


@dataclass(frozen=True, slots=True)
class Piece:
    """One statement cut from a buffer: its text and where it starts."""

    start: int
    end: int
    has_code: bool
    params: tuple[str, ...]


def _scan(sql: str, pos: int) -> Iterator[tuple[int, str]]:
    """Yield (offset, kind) for each ';' and parameter and code at top level.

    kind is ';', 'code' (first char of a token that is not a comment/space)
    or 'param:<name>'."""
    n = len(sql)
    i = pos
    while i < n:
        c = sql[i]
        if c in " \t\n\r\f\v":
            i += 1
        elif c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif c == "/" and sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "'\"`[":
            yield i, "code"
            close = "]" if c == "[" else c
            j = i + 1
            while True:
                k = sql.find(close, j)
                if k < 0:
                    i = n
                    break
                if close != "]" and sql.startswith(close * 2, k):
                    j = k + 2
                    continue
                i = k + 1
                break
        elif c == ";":
            yield i, ";"
            i += 1
        elif c == "?":
            j = i + 1
            while j < n and sql[j].isdigit():
                j += 1
            yield i, "param:" + sql[i:j]
            i = j
        elif c in ":@$" and i + 1 < n and (sql[i + 1].isalnum() or sql[i + 1] == "_"
                                            or ord(sql[i + 1]) > 127):
            j = i + 1
            while j < n:
                ch = sql[j]
                if ch.isalnum() or ch == "_" or ord(ch) > 127:
                    j += 1
                elif c == "$" and ch == ":" and sql.startswith("::", j):
                    j += 2
                elif c == "$" and ch == "(":
                    k = sql.find(")", j)
                    j = n if k < 0 else k + 1
                    break
                else:
                    break
            yield i, "param:" + sql[i:j]
            i = j
        else:
            yield i, "code"
            j = i + 1
            if c.isalnum() or c == "_" or ord(c) > 127:
                while j < n and (sql[j].isalnum() or sql[j] == "_" or ord(sql[j]) > 127):
                    j += 1
            i = j


def _shell_text(b: bytes) -> str:
    """The shell's text_factory: TEXT that is not UTF-8 keeps its bytes."""
    return b.decode("utf-8", "surrogateescape")


def split_statements(sql: str, complete: Callable[[str], bool]) -> Iterator[Piece]:
    """Cut a buffer into statements the way sqlite3_prepare's tail pointer does."""
    pos = 0
    n = len(sql)
    while pos < n:
        while pos < n and sql[pos] in " \t\n\r\f\v":
            pos += 1
        if pos >= n:
            return
        has_code = False
        params: list[str] = []
        end = n
        for off, kind in _scan(sql, pos):
            if kind == ";":
                if not has_code or complete(sql[pos:off + 1]):
                    end = off + 1
                    break
            elif kind == "code":
                has_code = True
            else:
                has_code = True
                params.append(kind[6:])
        yield Piece(pos, end, has_code, tuple(params))
        pos = end


def _is_white(line: str) -> bool:
    """True if the line holds only white space and comments (sqlite3's QSS_PLAINWHITE)."""
    for _off, _kind in _scan(line, 0):
        return False
    return _open_comment(line) is False


def _open_comment(text: str) -> bool:
    """True if text ends inside a /* comment."""
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("--", i):
            j = text.find("\n", i)
            if j < 0:
                return False
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                return True
            i = j + 2
        else:
            i += 1
    return False


def _ends_with_semicolon(text: str) -> bool:
    """QSS_SEMITERM: the last token outside strings and comments is ';'."""
    last = ""
    for _off, kind in _scan(text, 0):
        last = kind
    if _open_comment(text):
        return False
    return last == ";"


def error_context(sql: str, offset: int) -> str:
    """shell_error_context: the statement (at most 78 bytes) and a caret line."""
    if offset < 0:
        return ""
    b = sql.encode("utf-8", "surrogateescape")
    if offset > len(b):
        offset = len(b)
    pos = 0
    while offset > 50:
        offset -= 1
        pos += 1
        while pos < len(b) and (b[pos] & 0xC0) == 0x80:
            pos += 1
            offset -= 1
    z = b[pos:]
    ln = len(z)
    if ln > 78:
        ln = 78
        while ln > 0 and (z[ln] & 0xC0) == 0x80:
            ln -= 1
    code = bytes(32 if ch in b" \t\n\v\f\r" else ch for ch in z[:ln])
    text = code.decode("utf-8", "surrogateescape")
    if offset < 25:
        return f"\n  {text}\n  {' ' * offset}^--- error here"
    return f"\n  {text}\n  {' ' * (offset - 14)}error here ---^"


def _is_explain_query_plan(sql: str) -> int:
    """sqlite3_stmt_isexplain: 2 for EXPLAIN QUERY PLAN, 1 for EXPLAIN, else 0."""
    words = sql.lstrip().split(None, 3)
    if not words or words[0].upper() != "EXPLAIN":
        return 0
    if len(words) >= 3 and words[1].upper() == "QUERY" and words[2].upper() == "PLAN":
        return 2
    return 1


class SqlError(Exception):
    """A failed statement: `kind` is "Parse error"/"Runtime error"/"Error" and
    `detail` sqlite3's message tail (with the caret lines for parse errors)."""

    def __init__(self, kind: str, detail: str, code: int) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.code = code

    @property
    def raw(self) -> str:
        """The message as shell_exec's zErrMsg spells it ("in prepare, …")."""
        prefix = {"Parse error": "in prepare, ", "Runtime error": "stepping, "}.get(self.kind, "")
        return prefix + self.detail


# ---------------------------------------------------------------- the shell


class Shell:
    """One shell session over a DB-API module (sqlite3's ShellState)."""

    def __init__(self, module: Any, *, stdin: IO[str] | None = None,
                 stdout: IO[bytes] | None = None, stderr: IO[bytes] | None = None,
                 interactive: bool = False) -> None:
        self.module = module
        self.stdin = stdin if stdin is not None else sys.stdin
        self.stdout: IO[bytes] = stdout if stdout is not None else sys.stdout.buffer
        self.stderr: IO[bytes] = stderr if stderr is not None else sys.stderr.buffer
        self.out: IO[bytes] = self.stdout
        self.outfile = ""
        self.out_count = 0
        self.interactive = interactive
        self.settings = OutputSettings()
        self.echo = False
        self.bail = False
        self.timer = False
        self.count_changes = False
        self.eqp = 0
        self.stats = False
        self.readonly = False
        self.filename = ""
        self.conn: Any = None
        self.lineno = 0
        self.in_file = False

    # -- output

    def write(self, text: str) -> None:
        self.out.write(text.encode("utf-8", "surrogateescape"))

    def error(self, text: str) -> None:
        self.out.flush()
        self.stderr.write(text.encode("utf-8", "surrogateescape"))
        self.stderr.flush()

    def set_output(self, name: str) -> bool:
        self.reset_output()
        if name in ("", "stdout"):
            return True
        try:
            self.out = open(name, "wb")  # noqa: SIM115 - closed by reset_output
        except OSError:
            self.error(f"Error: cannot write to \"{name}\"\n")
            return False
        self.outfile = name
        return True

    def reset_output(self) -> None:
        if self.out is not self.stdout:
            self.out.close()
        self.out = self.stdout
        self.outfile = ""

    # -- database

    def open_db(self, path: str | None = None, *, readonly: bool | None = None,
                new: bool = False) -> bool:
        """Open (or reopen) the database; False (and a message) on failure."""
        if path is None:
            path = self.filename
        if readonly is None:
            readonly = self.readonly
        if self.conn is not None:
            try:
                self.conn.close()
            except self.module.Error:
                pass
            self.conn = None
        if new and path and path != ":memory:" and os.path.exists(path):
            try:
                os.unlink(path)
            except OSError:
                pass
        try:
            if readonly and path and path != ":memory:":
                uri = "file:" + path.replace("?", "%3f").replace("#", "%23") + "?mode=ro"
                conn = self.module.connect(uri, isolation_level=None, uri=True)
            else:
                conn = self.module.connect(path or ":memory:", isolation_level=None)
        except self.module.Error as exc:
            self.error(f"Error: unable to open database \"{path}\": {exc}\n")
            return False
        if hasattr(conn, "_raw_sql"):
            # Bytes that are not UTF-8 pass through both ways, as in sqlite3's CLI:
            # into SQL text (pyrite only) and out of TEXT values.
            conn._raw_sql = True
        conn.text_factory = _shell_text
        self.conn = conn
        self.filename = path
        return True

    def db(self) -> Any:
        if self.conn is None:
            self.open_db()
        return self.conn

    def query(self, sql: str, params: Sequence[Value] | dict[str, Value] = ()) -> list[tuple[Any, ...]]:
        """Run one internal statement and return all its rows."""
        cur = self.db().cursor()
        try:
            cur.execute(sql, params)
            return list(cur.fetchall())
        finally:
            cur.close()

    # -- running SQL

    def _classify(self, exc: BaseException) -> tuple[str, int, int]:
        msg = str(exc)
        code = getattr(exc, "sqlite_errorcode", 1)
        if not isinstance(code, int):
            code = 1
        code &= 0xFF
        phase = getattr(exc, "phase", None)
        if phase not in ("prepare", "step"):
            if code != 1 or msg.startswith(_RUNTIME_PREFIXES):
                phase = "step"
            else:
                phase = "prepare"
        offset = getattr(exc, "offset", -1)
        if not isinstance(offset, int) or phase != "prepare":
            offset = -1
        return str(phase), code, offset

    def _bindings(self, params: tuple[str, ...]) -> Sequence[Value] | dict[str, Value]:
        if not params:
            return ()
        table: dict[str, Value] = {}
        try:
            for key, value in self.query(
                    "SELECT key, value FROM temp.sqlite_parameters"):
                table[str(key)] = value
        except self.module.Error:
            table = {}
        if all(p.startswith("?") for p in params):
            values: list[Value] = []
            for idx, p in enumerate(params, 1):
                values.append(table.get(p if len(p) > 1 else f"?{idx}"))
            return values
        return {p[1:]: table.get(p) for p in params if not p.startswith("?")}

    def execute(self, sql: str) -> None:
        """shell_exec: run every statement of sql, printing results; SqlError on failure."""
        for piece in split_statements(sql, self.module.complete_statement):
            if not piece.has_code:
                continue
            text = sql[piece.start:piece.end]
            rest = sql[piece.start:]
            if self.eqp and not _is_explain_query_plan(text):
                self._print_eqp("EXPLAIN QUERY PLAN " + text, silent=True)
            if _is_explain_query_plan(text) == 2:
                self._run_eqp(text, rest)
                continue
            self._run_one(text, rest, piece.params)

    def _fail(self, exc: BaseException, rest: str, phase: str | None = None) -> SqlError:
        """The SqlError for a module exception; a failure while fetching is always a step error."""
        guessed, code, offset = self._classify(exc)
        phase = phase or guessed
        if offset > 0 and getattr(self.module, "__name__", "") == "pyrite":
            # pyrite's offsets count characters of the statement; SQLite's count bytes
            offset = len(rest[:offset].encode("utf-8", "surrogateescape"))
        detail = str(exc)
        if code > 1:
            detail += f" ({code})"
        if phase == "prepare":
            return SqlError("Parse error", detail + error_context(rest, offset), code)
        return SqlError("Runtime error", detail, code)

    def _run_one(self, text: str, rest: str, params: tuple[str, ...]) -> None:
        cur = self.db().cursor()
        try:
            try:
                cur.execute(text, self._bindings(params))
            except self.module.Error as exc:
                raise self._fail(exc, rest) from None
            desc = cur.description
            if not desc:
                return
            printer = RowPrinter(self.settings, self.write)
            printer.start([d[0] for d in desc])
            failure: SqlError | None = None
            try:
                while True:
                    try:
                        row = cur.fetchone()
                    except self.module.Error as exc:
                        failure = self._fail(exc, rest, phase="step")
                        break
                    if row is None:
                        break
                    printer.row(tuple(row))
            finally:
                printer.finish()
            if failure is not None:
                raise failure
        finally:
            try:
                cur.close()
            except self.module.Error:
                pass

    def _run_eqp(self, text: str, rest: str) -> None:
        try:
            self._print_eqp(text, silent=False)
        except self.module.Error as exc:
            raise self._fail(exc, rest) from None

    def _print_eqp(self, sql: str, *, silent: bool) -> None:
        try:
            rows = self.query(sql)
        except self.module.Error:
            if silent:
                return
            raise
        render_eqp(rows, self.write)

    def run_sql_line(self, sql: str, startline: int, from_file: bool) -> bool:
        """runOneSqlLine: run a buffer, report an error; True if one occurred."""
        t0 = time.perf_counter()
        c0 = time.process_time()
        try:
            self.execute(sql)
        except SqlError as err:
            if from_file or not self.interactive:
                prefix = f"{err.kind} near line {startline}:"
            else:
                prefix = f"{err.kind}:"
            self.error(f"{prefix} {err.detail}\n")
            return True
        finally:
            if self.timer:
                real = time.perf_counter() - t0
                user = time.process_time() - c0
                self.write(f"Run Time: real {real:.3f} user {user:.6f} sys 0.000000\n")
        if self.count_changes:
            try:
                rows = self.query("SELECT changes(), total_changes()")
                self.write(f"changes: {rows[0][0]}   total_changes: {rows[0][1]}\n")
            except self.module.Error:
                pass
        return False

    # -- input

    def echo_input(self, text: str) -> None:
        if self.echo:
            self.write(text + "\n")

    def _reader(self, source: IO[str] | None) -> Callable[[bool], str | None]:
        """A function reading the next input line (None at end of input)."""
        if source is None:
            from pyrite.cli import completion

            completion.install(self)

            def read_tty(continuing: bool) -> str | None:
                while True:
                    try:
                        return input(PROMPT_CONTINUE if continuing else PROMPT_MAIN)
                    except EOFError:
                        sys.stdout.write("\n")
                        return None
                    except KeyboardInterrupt:
                        sys.stdout.write("^C\n")

            return read_tty

        def read_file(continuing: bool) -> str | None:
            line = source.readline()
            if not line:
                return None
            if line.endswith("\n"):
                line = line[:-1]
                if line.endswith("\r"):
                    line = line[:-1]
            return line

        return read_file

    def process_input(self, source: IO[str] | None, *, from_file: bool = False) -> int:
        """process_input: read lines, run dot-commands and complete statements.

        Returns the number of errors. `source` None means the interactive terminal."""
        from pyrite.cli.commands import run_meta_command

        errors = 0
        buf = ""
        startline = 0
        saved_lineno = self.lineno
        saved_in_file = self.in_file
        self.lineno = 0
        self.in_file = from_file
        interactive = source is None
        read = self._reader(source)
        try:
            while errors == 0 or not self.bail or interactive:
                if interactive:
                    self.out.flush()
                line = read(bool(buf))
                if line is None:
                    break
                self.lineno += 1
                if not buf and _is_white(line):
                    self.echo_input(line)
                    continue
                if not buf and line[:1] in (".", "#"):
                    self.echo_input(line)
                    if line[0] == ".":
                        rc = run_meta_command(self, line)
                        if rc:
                            errors += 1
                    continue
                stripped = line.strip()
                if buf and stripped.lower() in ("go", "/") and self.module.complete_statement(buf + ";"):
                    line = ";"
                elif not buf and stripped.lower() in ("go", "/"):
                    line = ";"
                if not buf:
                    buf = line.lstrip(" \t\n\r\f\v")
                    startline = self.lineno
                else:
                    buf += "\n" + line
                if buf and _ends_with_semicolon(buf) and self.module.complete_statement(buf):
                    self.echo_input(buf)
                    try:
                        if self.run_sql_line(buf, startline, from_file):
                            errors += 1
                    except KeyboardInterrupt:
                        if not interactive:
                            raise
                        self.error("Interrupt\n")
                    buf = ""
                    if self.out_count:
                        self.reset_output()
                        self.out_count = 0
                elif buf and _is_white(buf):
                    self.echo_input(buf)
                    buf = ""
            if buf and not (errors and self.bail and not interactive):
                self.echo_input(buf)
                if self.run_sql_line(buf, startline, from_file):
                    errors += 1
        finally:
            self.lineno = saved_lineno
            self.in_file = saved_in_file
        return errors


def render_eqp(rows: Sequence[Sequence[Any]], write: Callable[[str], None]) -> None:
    """eqp_render: the EXPLAIN QUERY PLAN rows (id, parent, _, detail) as a tree."""
    graph: list[tuple[int, int, str]] = []

    def flush() -> None:
        nonlocal graph
        if not graph:
            return
        items = graph
        if items[0][2].startswith("-"):
            if len(items) == 1:
                graph = []
                return
            write(items[0][2][3:] + "\n")
            items = items[1:]
        else:
            write("QUERY PLAN\n")

        def level(parent: int, prefix: str) -> None:
            kids = [r for r in items if r[1] == parent]
            for idx, (rid, _p, txt) in enumerate(kids):
                last = idx == len(kids) - 1
                write(f"{prefix}{'`--' if last else '|--'}{txt}\n")
                level(rid, prefix + ("   " if last else "|  "))

        level(0, "")
        graph = []

    for r in rows:
        txt = "" if r[3] is None else str(r[3])
        if txt.startswith("-"):
            flush()
        graph.append((int(r[0]), int(r[1]), txt))
    flush()


# ---------------------------------------------------------------- main

USAGE_OPTIONS = """\
OPTIONS include:
   -ascii               set output mode to 'ascii'
   -bail                stop after hitting an error
   -batch               force batch I/O
   -box                 set output mode to 'box'
   -column              set output mode to 'column'
   -cmd COMMAND         run "COMMAND" before reading stdin
   -csv                 set output mode to 'csv'
   -echo                print inputs before execution
   -[no]header          turn headers on or off
   -help                show this message
   -html                set output mode to HTML
   -interactive         force interactive I/O
   -json                set output mode to 'json'
   -line                set output mode to 'line'
   -list                set output mode to 'list'
   -markdown            set output mode to 'markdown'
   -newline SEP         set output row separator. Default: '\\n'
   -nullvalue TEXT      set text string for NULL values. Default ''
   -quote               set output mode to 'quote'
   -readonly            open the database read-only
   -separator SEP       set output column separator. Default: '|'
   -table               set output mode to 'table'
   -tabs                set output mode to 'tabs'
   -version             show SQLite version
"""

_VALUE_OPTIONS = frozenset({
    "-separator", "-newline", "-nullvalue", "-cmd", "-init", "-vfs", "-lookaside",
    "-pagecache", "-heap", "-maxsize", "-mmap", "-memtrace",
})

_MODE_OPTIONS: dict[str, tuple[Mode, str | None, str | None]] = {
    "-html": (Mode.HTML, None, None),
    "-list": (Mode.LIST, None, None),
    "-quote": (Mode.QUOTE, SEP_COMMA, SEP_ROW),
    "-line": (Mode.LINE, None, None),
    "-column": (Mode.COLUMN, None, None),
    "-json": (Mode.JSON, None, None),
    "-markdown": (Mode.MARKDOWN, None, None),
    "-table": (Mode.TABLE, None, None),
    "-box": (Mode.BOX, None, None),
    "-csv": (Mode.CSV, SEP_COMMA, None),
    "-ascii": (Mode.ASCII, SEP_UNIT, SEP_RECORD),
    "-tabs": (Mode.LIST, SEP_TAB, None),
}


def run(argv: Sequence[str], module: Any, *, stdin: IO[str] | None = None,
        stdout: IO[bytes] | None = None, stderr: IO[bytes] | None = None,
        interactive: bool | None = None) -> int:
    """Run the shell with command-line arguments (without the program name)."""
    from pyrite.cli.commands import run_meta_command

    src: IO[str]
    if stdin is not None:
        src = stdin
    elif hasattr(sys.stdin, "buffer"):
        # Bytes as sqlite3 sees them: no newline translation, undecodable bytes kept.
        src = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape",
                               newline="")
    else:
        src = sys.stdin
    if interactive is None:
        try:
            interactive = src.isatty()
        except (AttributeError, ValueError):
            interactive = False
    sh = Shell(module, stdin=src, stdout=stdout, stderr=stderr, interactive=interactive)
    args = list(argv)
    filename: str | None = None
    commands: list[str] = []
    pre: list[str] = []
    i = 0
    while i < len(args):
        z = args[i]
        if not z.startswith("-"):
            if filename is None:
                filename = z
            else:
                commands.append(z)
            i += 1
            continue
        opt = z[1:] if z.startswith("--") else z
        if opt in _VALUE_OPTIONS:
            if i + 1 >= len(args):
                sh.error(f"Error: missing argument to {z}\n")
                return 1
            val = args[i + 1]
            i += 2
            if opt == "-separator":
                sh.settings.colsep = val
            elif opt == "-newline":
                sh.settings.rowsep = val
            elif opt == "-nullvalue":
                sh.settings.nullvalue = val
            elif opt == "-cmd":
                pre.append(val)
            elif opt == "-init":
                pre.append(".read " + val)
            continue
        i += 1
        if opt in _MODE_OPTIONS:
            mode, colsep, rowsep = _MODE_OPTIONS[opt]
            sh.settings.mode = mode
            if colsep is not None:
                sh.settings.colsep = colsep
            if rowsep is not None:
                sh.settings.rowsep = rowsep
        elif opt in ("-header", "-headers"):
            sh.settings.show_header = True
            sh.settings.header_set = True
        elif opt in ("-noheader", "-noheaders"):
            sh.settings.show_header = False
            sh.settings.header_set = True
        elif opt == "-bail":
            sh.bail = True
        elif opt == "-echo":
            sh.echo = True
        elif opt == "-batch":
            sh.interactive = False
        elif opt == "-interactive":
            sh.interactive = True
        elif opt == "-readonly":
            sh.readonly = True
        elif opt in ("-stats", "-eqp", "-eqpfull", "-nofollow", "-safe", "-unsafe-testing",
                     "-append", "-deserialize", "-zip", "-nonce", "-memtrace"):
            if opt == "-eqp":
                sh.eqp = 1
        elif opt == "-version":
            version = getattr(module, "sqlite_version", "")
            name = getattr(module, "__name__", "pyrite")
            sh.write(f"{version} ({name})\n")
            return 0
        elif opt == "-help":
            sh.error(f"Usage: pyrite [OPTIONS] FILENAME [SQL]\n"
                     f"FILENAME is the name of an SQLite database. A new database is created\n"
                     f"if the file does not previously exist.\n{USAGE_OPTIONS}")
            return 0
        else:
            sh.error(f"pyrite: Error: unknown option: {z}\nUse -help for a list of options.\n")
            return 1
    sh.filename = filename if filename is not None else ":memory:"
    if not sh.open_db():
        return 1
    try:
        for cmd in pre:
            if cmd.startswith("."):
                rc = run_meta_command(sh, cmd)
                if rc and sh.bail:
                    return rc
            else:
                try:
                    sh.execute(cmd)
                except SqlError as err:
                    sh.error(f"Error: {err.raw}\n")
                    if sh.bail:
                        return err.code or 1
        if commands:
            for cmd in commands:
                if cmd.startswith("."):
                    rc = run_meta_command(sh, cmd)
                    if rc:
                        return rc
                else:
                    sh.echo_input(cmd)
                    try:
                        sh.execute(cmd)
                    except SqlError as err:
                        sh.error(f"Error: {err.raw}\n")
                        return err.code or 1
            return 0
        if sh.interactive:
            version = getattr(module, "sqlite_version", "")
            sh.write(f"pyrite shell (SQLite {version} dialect)\n"
                     'Enter ".help" for usage hints.\n')
            if filename is None:
                sh.write("Connected to a transient in-memory database.\n"
                         'Use ".open FILENAME" to reopen on a persistent database.\n')
            sh.out.flush()
            errors = sh.process_input(None)
        else:
            errors = sh.process_input(src)
        return 1 if errors else 0
    except ShellExit as ex:
        return ex.code
    finally:
        try:
            sh.out.flush()
        except (OSError, ValueError):
            pass
        sh.reset_output()
        if sh.conn is not None:
            try:
                sh.conn.close()
            except Exception:  # noqa: BLE001 - closing at exit must not mask the result
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `pyrite` and `python -m pyrite`."""
    import pyrite

    code = run(sys.argv[1:] if argv is None else argv, pyrite)
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
