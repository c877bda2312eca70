"""`Cursor`: runs statements through the connection's engine session and
fetches rows, with CPython 3.11 `sqlite3` semantics.

Owns parameter binding (qmark / named, adaptation), the conversion of result
values (converters, `text_factory`, `row_factory`), `description`, `rowcount`
and `lastrowid`. Never touches pages or the parser: everything goes through
`pyrite.exec.Session` / `Statement` (docs/INTERFACES.md, "exec/").

Row protocol (as CPython's module): `execute()` steps the statement once; the
row it produced waits in `_next_row`. Each fetch returns the waiting row and
steps again, so an error raised while stepping surfaces on the fetch that
would have returned the preceding row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from threading import get_ident
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pyrite.api import adapters as _adapters
from pyrite.api.adapters import arg_type_name
from pyrite.errors import OperationalError, ProgrammingError

if TYPE_CHECKING:
    from pyrite.api.connection import Connection

__all__ = ["Cursor", "is_dml", "sql_tail_is_empty"]

PARSE_DECLTYPES = 1
PARSE_COLNAMES = 2

_BATCH = 256  # rows stepped per acquisition of the engine's lock by fetchall/fetchmany
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


# -- SQL text helpers -------------------------------------------------------------

def skip_space_and_comments(sql: str, pos: int = 0) -> int:
    """skip_space_and_comments(sql, pos) -> offset of the next token after pos."""
    n = len(sql)
    while pos < n:
        c = sql[pos]
        if c in " \t\n\f\r":
            pos += 1
        elif c == "-" and sql.startswith("--", pos):
            end = sql.find("\n", pos)
            pos = n if end < 0 else end + 1
        elif c == "/" and sql.startswith("/*", pos):
            end = sql.find("*/", pos + 2)
            pos = n if end < 0 else end + 2
        else:
            break
    return pos


def sql_tail_is_empty(sql: str, pos: int) -> bool:
    """sql_tail_is_empty(sql, pos) -> True when only white space and comments follow."""
    return skip_space_and_comments(sql, pos) >= len(sql)


_DML_WORDS = ("insert", "update", "delete", "replace")


def is_dml(sql: str) -> bool:
    """is_dml(sql) -> whether the statement starts (after comments) with
    INSERT/UPDATE/DELETE/REPLACE: CPython 3.11's rule for implicit BEGIN and
    for counting `rowcount`."""
    pos = skip_space_and_comments(sql)
    head = sql[pos:pos + 7].lower()
    return any(head.startswith(w) for w in _DML_WORDS)


def real_to_text(value: float) -> str:
    """real_to_text(x) -> SQLite's "%!.15g" rendering of a REAL (1.0 -> "1.0")."""
    if value != value:
        return ""
    if value in (float("inf"), float("-inf")):
        return "Inf" if value > 0 else "-Inf"
    text = f"{value:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{exponent}"
    if "." not in text:
        text += ".0"
    return text


def value_as_bytes(value: object) -> bytes:
    """value_as_bytes(v) -> the bytes a converter receives (sqlite3_column_blob)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, float):
        return real_to_text(value).encode("ascii")
    return str(value).encode("ascii")


# -- binding --------------------------------------------------------------------

def sql_value(value: Any) -> Any:
    """sql_value(v) -> v as an SQL value (None/int/float/str/bytes) or raise."""
    if value is None:
        return None
    t = type(value)
    if t is int:
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return value
    if t is str:
        return value
    if t is float:
        return None if value != value else value  # SQLite binds NaN as NULL
    if isinstance(value, int):
        v = int(value)
        if not _INT64_MIN <= v <= _INT64_MAX:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return v
    if isinstance(value, float):
        f = float(value)
        return None if f != f else f
    if isinstance(value, str):
        return str(value)
    try:
        return buffer_bytes(value)
    except TypeError:
        raise _Unsupported() from None


class _Unsupported(Exception):
    """Internal: a parameter of a type that cannot be bound."""


def buffer_bytes(value: Any) -> bytes:
    """buffer_bytes(obj) -> the bytes of a C-contiguous buffer (BufferError otherwise)."""
    if isinstance(value, bytes):
        return value
    view = memoryview(value)
    if not view.c_contiguous:
        raise BufferError("memoryview: underlying buffer is not C-contiguous")
    return view.tobytes()


def _check_text(value: Any) -> None:
    if isinstance(value, str):
        value.encode("utf-8")  # raises UnicodeEncodeError on lone surrogates


def _bind_one(value: Any, label: str) -> Any:
    if _adapters.need_adapt(value):
        value = _adapters.adapt(value, _adapters.PrepareProtocol, value)
    try:
        out = sql_value(value)
    except _Unsupported:
        raise ProgrammingError(
            f"Error binding parameter {label}: type '{type(value).__name__}' is not supported"
        ) from None
    _check_text(out)
    return out


def _bind_plain(parameters: tuple[Any, ...] | list[Any]) -> Sequence[Any] | None:
    """The SQL values of a tuple/list of plain None/int/float/str parameters with no
    adapter registered for those types (what _bind_one would return), or None when any
    parameter needs the general path."""
    if _adapters._base_types_adapted[0]:
        return None
    out: list[Any] | None = None  # a copy, made only when a value must change
    for i, v in enumerate(parameters):
        t = type(v)
        if t is str:
            if not v.isascii():
                v.encode("utf-8")  # raises UnicodeEncodeError on lone surrogates
        elif t is int:
            if not _INT64_MIN <= v <= _INT64_MAX:
                return None
        elif t is float:
            if v != v:
                if out is None:
                    out = list(parameters)
                out[i] = None  # SQLite binds NaN as NULL
        elif v is not None:
            return None
    return parameters if out is None else out


def bind_parameters(
    param_count: int, param_names: tuple[str | None, ...], parameters: Any
) -> Sequence[Any]:
    """bind_parameters(n, names, params) -> SQL values in order (CPython's rules)."""
    t = type(parameters)
    if (t is tuple or t is list) and len(parameters) == param_count:
        plain = _bind_plain(parameters)
        if plain is not None:
            return plain
    if isinstance(parameters, (tuple, list)) or (
        not isinstance(parameters, dict) and hasattr(type(parameters), "__getitem__")
        and not isinstance(parameters, Mapping)
    ):
        try:
            supplied = len(parameters)
        except TypeError:
            raise ProgrammingError("parameters are of unsupported type") from None
        if supplied != param_count:
            raise ProgrammingError(
                "Incorrect number of bindings supplied. The current statement uses "
                f"{param_count}, and there are {supplied} supplied."
            )
        return [_bind_one(parameters[i], str(i + 1)) for i in range(supplied)]
    if isinstance(parameters, dict):
        values = []
        for i in range(param_count):
            name = param_names[i] if i < len(param_names) else None
            if name is None:
                raise ProgrammingError(
                    f"Binding {i + 1} has no name, but you supplied a dictionary "
                    "(which has only names)."
                )
            key = name[1:]
            try:
                if type(parameters) is dict:
                    value = parameters[key]
                else:
                    value = parameters[key]
            except LookupError:
                raise ProgrammingError(
                    f"You did not supply a value for binding parameter :{key}."
                ) from None
            values.append(_bind_one(value, str(i + 1)))
        return values
    raise ProgrammingError("parameters are of unsupported type")


# -- the cursor -------------------------------------------------------------------

_F = TypeVar("_F", bound=Callable[..., Any])


def serialized(method: _F) -> _F:
    """Run a cursor method holding its connection's lock, so that threads sharing
    a connection (check_same_thread=False; threadsafety 3) take turns."""

    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            con: Any = self._connection
            lock = con._lock
            orphans = con._orphans
        except AttributeError:  # __init__ not called: the method raises the error
            return method(self, *args, **kwargs)
        with lock:
            con._depth += 1
            try:
                while orphans:  # statements of cursors freed while this one ran
                    con._release_statement(orphans.pop())
                return method(self, *args, **kwargs)
            finally:
                con._depth -= 1

    return cast(_F, locked)

_CONNECTION: list[type] = []  # pyrite.api.connection.Connection, once imported


def _connection_class() -> type:
    if not _CONNECTION:
        from pyrite.api.connection import Connection

        _CONNECTION.append(Connection)
    return _CONNECTION[0]


class Cursor:
    """Cursor(connection): DB-API cursor over one pyrite connection."""

    arraysize: int
    row_factory: Callable[[Any, tuple[Any, ...]], Any] | None

    def __init__(self, connection: Connection, /) -> None:
        if self.__dict__.get("_locked"):
            raise ProgrammingError("Recursive use of cursors not allowed.")
        if not issubclass(type(connection), _CONNECTION[0] if _CONNECTION else _connection_class()):
            raise TypeError(
                "Cursor() argument 1 must be sqlite3.Connection, "
                f"not {arg_type_name(connection)}"
            )
        self._connection = connection
        self._initialized = True
        self._closed = False
        self._locked = False
        self._stmt: Any = None       # the connection's _CachedStatement in progress
        self._next_row: tuple[Any, ...] | None = None
        self._converters: list[Callable[[bytes], Any] | None] | None = None
        self.arraysize = 1
        self.description: tuple[tuple[Any, ...], ...] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.row_factory = None

    # -- checks -------------------------------------------------------------------

    def _check(self) -> Connection:
        if not self.__dict__.get("_initialized"):
            raise ProgrammingError("Base Cursor.__init__ not called.")
        con = self._connection
        d = con.__dict__
        if d.get("_closed") is not False or not d.get("_initialized"):
            con._check_thread()
            con._check_open()
        elif con._check_same_thread and get_ident() != con._thread_ident:
            con._check_thread()
        if self._closed:
            raise ProgrammingError("Cannot operate on a closed cursor.")
        if self._locked:
            raise ProgrammingError("Recursive use of cursors not allowed.")
        return con

    @property
    def connection(self) -> Connection:
        if not getattr(self, "_initialized", False):
            raise ProgrammingError("Base Cursor.__init__ not called.")
        return self._connection

    # -- execution ----------------------------------------------------------------

    def _reset_statement(self) -> None:
        st = self._stmt
        self._stmt = None
        self._next_row = None
        if st is not None:
            self._connection._release_statement(st)

    @serialized
    def _run(self, sql: Any, param_sets: Iterator[Any], multiple: bool) -> None:
        con = self._check()
        self._locked = True
        try:
            if self._stmt is not None:
                self._reset_statement()
            self._next_row = None
            self.description = None
            st = con._statement(sql)
            stmt = st.stmt
            is_dml = st.is_dml
            if multiple and stmt is not None and stmt.readonly:
                raise ProgrammingError("executemany() can only execute DML statements.")
            session = con._session
            if is_dml and con._begin_statement is not None and session.autocommit:
                con._begin()
            self.rowcount = 0 if is_dml else -1
            self._stmt = st
            self._converters = None
            if stmt is not None:
                count = stmt.param_count
                names = stmt.param_names
                for params in param_sets:
                    stmt.reset()
                    values = bind_parameters(count, names, params)
                    stmt.bind(values)
                    st.in_use = True
                    if con._trace is not None:
                        con._trace_statement(sql, stmt, values)
                    row = stmt.step()
                    if self.description is None:
                        self.description = self._description(st)
                    if self._converters is None:
                        self._converters = self._build_converters() if con._detect_types else []
                    if row is None:
                        if is_dml:
                            self.rowcount += session.changes
                        stmt.reset()
                        st.in_use = False
                        self._next_row = None
                    else:
                        self._next_row = row
            else:
                for _ in param_sets:
                    pass
            if stmt is None or self._next_row is None:
                self._reset_statement()
            if not multiple:
                self.lastrowid = session.last_insert_rowid
        except BaseException:
            self._reset_statement()
            self.rowcount = -1
            raise
        finally:
            self._locked = False

    def execute(self, sql: str, parameters: Any = (), /) -> Cursor:
        """execute(sql, parameters=()) -> self: run one statement."""
        self._run(sql, iter((parameters,)), False)
        return self

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> Cursor:
        """executemany(sql, seq_of_parameters) -> self: run a DML statement per set."""
        if not isinstance(sql, str):
            raise TypeError(f"executemany() argument 1 must be str, not {arg_type_name(sql)}")
        self._check()
        params_iter = iter(seq_of_parameters)
        self._run(sql, params_iter, True)
        return self

    @serialized
    def executescript(self, sql_script: str, /) -> Cursor:
        """executescript(script) -> self: COMMIT if needed, then run every statement."""
        if not isinstance(sql_script, str):
            raise TypeError(
                f"executescript() argument must be str, not {arg_type_name(sql_script)}"
            )
        con = self._check()
        if "\0" in sql_script:
            raise ValueError("embedded null character")
        con._check_sql_length(sql_script)
        self._locked = True
        try:
            self._reset_statement()
            self.description = None
            if not con._session.autocommit:
                con._exec_simple("COMMIT")
            pos = 0
            while True:
                stmt, end = con._prepare_at(sql_script, pos)
                if stmt is None:
                    break
                if con._trace is not None:
                    con._trace_statement(sql_script[pos:end], stmt, [])
                try:
                    while con._step(stmt) is not None:
                        pass
                finally:
                    stmt.reset()
                pos = end
        finally:
            self._locked = False
        return self

    # -- fetching -----------------------------------------------------------------

    def _description(self, st: Any) -> tuple[tuple[Any, ...], ...] | None:
        """The statement's description (None when it returns no columns), kept on the
        cached statement for its program and PARSE_COLNAMES setting."""
        stmt = st.stmt
        key = (stmt.program, self._connection._detect_types & PARSE_COLNAMES)
        kept = st.desc
        if kept is not None and kept[0] == key:
            return kept[1]  # type: ignore[no-any-return]
        names = stmt.column_names
        desc = self._build_description(names) if names else None
        st.desc = (key, desc)
        return desc

    def _build_description(self, names: list[str]) -> tuple[tuple[Any, ...], ...]:
        colnames = self._connection._detect_types & PARSE_COLNAMES
        out = []
        for name in names:
            if colnames:
                bracket = name.find("[")
                if bracket >= 0:
                    name = name[:bracket]
                    if name.endswith(" "):
                        name = name[:-1]
            out.append((name, None, None, None, None, None, None))
        return tuple(out)

    def _build_converters(self) -> list[Callable[[bytes], Any] | None]:
        detect = self._connection._detect_types
        st = self._stmt
        if not detect or st is None or st.stmt is None:
            return []
        stmt = st.stmt
        names: list[str] = stmt.column_names
        decltypes: list[str | None] = list(stmt.column_decltypes)
        result: list[Callable[[bytes], Any] | None] = []
        found = False
        for i, name in enumerate(names):
            conv = None
            if detect & PARSE_COLNAMES:
                start = name.find("[")
                if start >= 0:
                    end = name.find("]", start + 1)
                    if end >= 0:
                        conv = _adapters.converters.get(name[start + 1:end].upper())
            if conv is None and detect & PARSE_DECLTYPES:
                decl = decltypes[i] if i < len(decltypes) else None
                if decl:
                    cut = len(decl)
                    for j, ch in enumerate(decl):
                        if ch in " (":
                            cut = j
                            break
                    conv = _adapters.converters.get(decl[:cut].upper())
            found = found or conv is not None
            result.append(conv)
        return result if found else []

    def _convert(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """Apply converters and text_factory (CPython's _pysqlite_fetch_one_row)."""
        convs = self._converters
        text_factory = self._connection.text_factory
        if not convs and text_factory is str:
            for v in row:
                # text that is not UTF-8 arrives with surrogate escapes (values.concat)
                if type(v) is str and not v.isascii():
                    break
            else:
                return row
        values = list(row)
        for i, v in enumerate(values):
            conv = convs[i] if convs else None
            if conv is not None:
                if v is not None:
                    data = value_as_bytes(v)
                    # sqlite3_column_blob() of a zero-length value is NULL: None
                    values[i] = conv(data) if data else None
            elif type(v) is str and text_factory is str:
                try:
                    v.encode("utf-8")
                except UnicodeEncodeError:
                    self._decode_error(i, _text_data(v))
            elif type(v) is str and text_factory is not str:
                data = _text_data(v)
                if text_factory is bytes:
                    values[i] = data
                    continue
                try:
                    values[i] = text_factory(data)
                except UnicodeDecodeError:
                    self._decode_error(i, data)
        return tuple(values)

    def _decode_error(self, i: int, data: bytes) -> None:
        names = self._stmt.stmt.column_names if self._stmt else []
        col = names[i] if i < len(names) else ""
        text = data.split(b"\0", 1)[0].decode("utf-8", "replace")  # a C string: to its NUL
        raise OperationalError(
            f"Could not decode to UTF-8 column '{col}' with text '{text}'") from None

    @serialized
    def _fetch_one(self) -> Any:
        con = self._check()
        row = self._next_row
        if row is None:
            return None
        st = self._stmt
        # Converters run with the cursor locked; the row factory runs after the
        # step, unlocked (it may even execute on this cursor), as in CPython.
        self._locked = True
        try:
            values = self._convert(row)
        finally:
            self._locked = False
        try:
            nxt = st.stmt.step()
        except BaseException:
            self._reset_statement()
            raise
        if nxt is None:
            if st.is_dml:
                self.rowcount = con._session.changes
            self._reset_statement()
        else:
            self._next_row = nxt
        factory = self.row_factory
        if factory is not None:
            return factory(self, values)
        return values

    def fetchone(self) -> Any:
        """fetchone() -> the next row, or None."""
        return self._fetch_one()

    def fetchmany(self, size: int | None = None) -> list[Any]:
        """fetchmany(size=cursor.arraysize) -> up to size rows."""
        if size is None:
            size = self.arraysize
        if size > 0 and self.row_factory is None and type(self)._fetch_one is Cursor._fetch_one:
            return self._fetch_rows(size)
        rows: list[Any] = []
        for _ in range(size):
            row = self._fetch_one()
            if row is None:
                break
            rows.append(row)
        return rows

    def fetchall(self) -> list[Any]:
        """fetchall() -> every remaining row."""
        if self.row_factory is None and type(self)._fetch_one is Cursor._fetch_one:
            return self._fetch_rows(-1)
        rows: list[Any] = []
        while True:
            row = self._fetch_one()
            if row is None:
                return rows
            rows.append(row)

    @serialized
    def _fetch_rows(self, size: int) -> list[Any]:
        """Up to `size` rows (all when negative) with no row factory: what as many
        _fetch_one() calls return, the statement stepped in batches."""
        con = self._check()
        rows: list[Any] = []
        while size < 0 or len(rows) < size:
            row = self._next_row
            if row is None:
                break
            st = self._stmt
            want = _BATCH if size < 0 else min(_BATCH, size - len(rows))
            try:
                more = st.stmt.step_many(want)
            except BaseException:
                self._reset_statement()
                raise
            batch = [row, *more]
            ended = len(more) < want
            if not ended:
                self._next_row = batch.pop()
            try:
                rows.extend(self._convert_batch(con, batch))
            finally:
                if ended:  # the statement is done (after the conversion, which may
                    if st.is_dml:  # name its columns in an error)
                        self.rowcount = con._session.changes
                    self._reset_statement()
        return rows

    def _convert_batch(self, con: Connection, batch: list[tuple[Any, ...]]) -> list[Any]:
        """_convert() of each row; rows of plain values come back as they are."""
        if self._converters or con.text_factory is not str:
            self._locked = True
            try:
                return [self._convert(r) for r in batch]
            finally:
                self._locked = False
        for r in batch:
            for v in r:
                if type(v) is str and not v.isascii():
                    return [self._convert(r) for r in batch]  # text to check
        return batch

    def __iter__(self) -> Cursor:
        return self

    def __next__(self) -> Any:
        row = self._fetch_one()
        if row is None:
            raise StopIteration
        return row

    # -- misc ---------------------------------------------------------------------

    def close(self) -> None:
        """close(): release the statement; the cursor is unusable afterwards."""
        if not getattr(self, "_initialized", False):
            raise ProgrammingError("Base Cursor.__init__ not called.")
        con = self._connection
        con._check_thread()
        if self._locked:
            raise ProgrammingError("Recursive use of cursors not allowed.")
        if not con._closed:
            self._reset_statement()
        self._closed = True

    def __del__(self) -> None:
        # As CPython's module: a cursor freed with its statement unfinished resets
        # it, so an unfetched SELECT does not keep its read transaction (and a
        # stale snapshot) open. Freed inside the engine (cycle collection during
        # a statement), the statement is released when the connection next runs one.
        st = getattr(self, "_stmt", None)
        if st is None:
            return
        self._stmt = None
        try:
            con = self._connection
            if con._closed:
                return
            if con._depth:
                con._orphans.append(st)
            else:
                con._release_statement(st)
        except Exception:
            pass  # never raise from a finalizer

    def setinputsizes(self, sizes: object, /) -> None:
        """setinputsizes(sizes): required by DB-API; does nothing."""

    def setoutputsize(self, size: object, column: object = None, /) -> None:
        """setoutputsize(size, column=None): required by DB-API; does nothing."""


def _text_data(v: str) -> bytes:
    """The bytes of a TEXT value: surrogate escapes (bytes that were not UTF-8) turn
    back into those bytes; other lone surrogates are kept as sqlite3 stores them."""
    try:
        return v.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return v.encode("utf-8", "surrogatepass")
