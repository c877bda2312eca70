"""`Connection` and `connect()`: the DB-API connection over one engine session.

Owns the per-connection statement cache, the legacy (Python 3.11) transaction
control (`isolation_level`, implicit BEGIN before INSERT/UPDATE/DELETE/REPLACE),
user callbacks (functions, aggregates, window functions, collations,
authorizer, progress handler, trace) and their error reporting, and the thread
check. Everything SQL goes through `pyrite.exec.Session` (docs/INTERFACES.md,
"exec/"), imported lazily so that `import pyrite` stays light.

The engine session is built by `session_factory`; tests may point it at
another implementation of the same interface.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import traceback
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from types import SimpleNamespace, TracebackType
from typing import Any, Literal

from pyrite import constants as C
from pyrite.api.adapters import arg_type_name
from pyrite.api.cursor import Cursor, buffer_bytes, is_dml, sql_tail_is_empty
from pyrite.errors import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)

__all__ = ["Connection", "connect", "enable_callback_tracebacks", "session_factory"]

_ISOLATION_LEVELS = ("", "DEFERRED", "IMMEDIATE", "EXCLUSIVE")
_callback_tracebacks = [False]
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


def _default_session_factory(path: str, **kwargs: Any) -> Any:
    engine = importlib.import_module("pyrite.exec")
    return engine.Session(path, **kwargs)


# Replaceable (tests): builds the engine session for a new connection.
session_factory: list[Callable[..., Any]] = [_default_session_factory]


def enable_callback_tracebacks(enable: bool, /) -> None:
    """enable_callback_tracebacks(flag): report exceptions raised in callbacks."""
    _callback_tracebacks[0] = bool(enable)


def report_callback_error(exc: BaseException, obj: object) -> None:
    """Hand an exception from a user callback to sys.unraisablehook, if enabled."""
    if not _callback_tracebacks[0]:
        return
    hook = sys.unraisablehook
    if hook is sys.__unraisablehook__:
        sys.stderr.write(f"Exception ignored in: {obj!r}\n")
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        return
    hook(SimpleNamespace(
        exc_type=type(exc), exc_value=exc, exc_traceback=exc.__traceback__,
        err_msg=None, object=obj,
    ))


def _result_value(value: Any) -> Any:
    """A user callback's return value as an SQL value (CPython's rules): NaN is
    NULL; an int outside 64 bits raises OverflowError; text must be UTF-8."""
    if value is None:
        return None
    if type(value) is float:
        return None if value != value else value
    if type(value) is str:
        value.encode("utf-8")
        return value
    if isinstance(value, int):
        v = int(value)
        if not _INT64_MIN <= v <= _INT64_MAX:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return v
    if isinstance(value, float):
        f = float(value)
        return None if f != f else f
    if isinstance(value, str):
        value.encode("utf-8")
        return str(value)
    return buffer_bytes(value)


def _user_error(exc: BaseException, obj: object, message: str) -> Error:
    report_callback_error(exc, obj)
    if isinstance(exc, Error):
        return exc
    return OperationalError(message)


def _wrap_function(func: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        try:
            return _result_value(func(*args))
        except DataError:
            raise
        except MemoryError as exc:
            report_callback_error(exc, func)
            raise
        except OverflowError as exc:
            report_callback_error(exc, func)
            raise DataError("string or blob too big", code=C.SQLITE_TOOBIG) from None
        except BaseException as exc:
            raise _user_error(exc, func, "user-defined function raised exception") from None

    return call


class _AggregateAdapter:
    """Wraps a user aggregate class with CPython's rules: the instance is made
    at the first step (no rows: no instance, the result is NULL); errors become
    "user-defined aggregate's '<method>' method raised error"."""

    _UNSET: Any = object()

    def __init__(self, cls: Any, window: bool = False) -> None:
        self._cls = cls
        self._obj: Any = self._UNSET
        self._window = window

    def _instance(self) -> Any:
        if self._obj is self._UNSET:
            try:
                self._obj = self._cls()
            except BaseException as exc:
                self._obj = None
                report_callback_error(exc, self._cls)
                raise OperationalError(
                    "user-defined aggregate's '__init__' method raised error"
                ) from None
        elif self._obj is None:
            raise OperationalError("user-defined aggregate's '__init__' method raised error")
        return self._obj

    def _method(self, name: str) -> Any:
        obj = self._instance()
        try:
            return getattr(obj, name)
        except AttributeError as exc:
            report_callback_error(exc, self._cls)
            raise OperationalError(
                f"user-defined aggregate's '{name}' method not defined"
            ) from None

    def _call(self, name: str, *args: Any) -> Any:
        method = self._method(name)
        try:
            return method(*args)
        except BaseException as exc:
            report_callback_error(exc, self._cls)
            raise OperationalError(
                f"user-defined aggregate's '{name}' method raised error"
            ) from None

    def step(self, *args: Any) -> None:
        self._call("step", *args)

    def inverse(self, *args: Any) -> None:
        self._call("inverse", *args)

    def value(self) -> Any:
        return self._result("value")

    def finalize(self) -> Any:
        if self._obj is self._UNSET:  # no rows were stepped: NULL, no instance
            return None
        if self._window:
            # SQLite does not pass a window function's xFinal error on to step():
            # the error is reported (unraisable hook) and the result is NULL.
            try:
                return self._result("finalize")
            except OperationalError:
                return None
        return self._result("finalize")

    def _result(self, name: str) -> Any:
        value = self._call(name)
        try:
            return _result_value(value)
        except OverflowError as exc:
            report_callback_error(exc, self._cls)
            raise DataError("string or blob too big", code=C.SQLITE_TOOBIG) from None
        except BaseException as exc:
            report_callback_error(exc, self._cls)
            raise OperationalError(
                f"user-defined aggregate's '{name}' method raised error"
            ) from None


def _aggregate_factory(cls: Any, window: bool = False) -> Callable[[], _AggregateAdapter]:
    def make() -> _AggregateAdapter:
        return _AggregateAdapter(cls, window)

    return make


def _wrap_collation(func: Callable[[str, str], Any]) -> Callable[[str, str], int]:
    def compare(a: str, b: str) -> int:
        try:
            result = func(a, b)
            n = int(result)
        except BaseException as exc:
            report_callback_error(exc, func)
            return 0
        return (n > 0) - (n < 0)

    return compare


class _CachedStatement:
    """An engine Statement with the module's bookkeeping (CPython's pysqlite_Statement)."""

    __slots__ = ("stmt", "sql", "is_dml", "in_use", "desc")

    def __init__(self, stmt: Any, sql: str) -> None:
        self.stmt = stmt
        self.sql = sql
        self.is_dml = stmt is not None and is_dml(sql)
        self.in_use = False
        self.desc: tuple[Any, Any] | None = None  # Cursor._description's (key, description)


class Statement:
    """What `connection(sql)` returns: a prepared statement (opaque)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Statement:
        raise TypeError(f"cannot create '{cls.__module__}.{cls.__name__}' instances")


def _fspath(database: Any) -> str:
    path = os.fspath(database)
    if isinstance(path, bytes):
        return os.fsdecode(path)
    return str(path)


class Connection:
    """Connection(database, timeout=5.0, detect_types=0, isolation_level="",
    check_same_thread=True, factory=Connection, cached_statements=128, uri=False)."""

    Warning = Warning
    Error = Error
    InterfaceError = InterfaceError
    DatabaseError = DatabaseError
    DataError = DataError
    OperationalError = OperationalError
    IntegrityError = IntegrityError
    InternalError = InternalError
    ProgrammingError = ProgrammingError
    NotSupportedError = NotSupportedError

    row_factory: Any
    text_factory: Any

    def __init__(
        self,
        database: Any,
        timeout: float = 5.0,
        detect_types: int = 0,
        isolation_level: str | None = "",
        check_same_thread: bool = True,
        factory: Any = None,
        cached_statements: int = 128,
        uri: bool = False,
    ) -> None:
        path = _fspath(database)
        # Re-initialising keeps the old session alive for cursors still reading
        # from it (CPython: the old handle closes once its statements are gone).
        self._initialized = False
        self._closed = True
        self._session: Any = None
        self._thread_ident = threading.get_ident()
        self._check_same_thread = bool(check_same_thread)
        self._detect_types = int(detect_types)
        self._begin_statement: str | None = None
        self._isolation_level: str | None = None
        self._set_isolation_level(isolation_level, commit=False)
        self._cache: OrderedDict[str, _CachedStatement] = OrderedDict()
        self._cache_size = int(cached_statements)
        self._blobs: weakref.WeakSet[Any] = weakref.WeakSet()
        self.row_factory = None
        self.text_factory = str
        self._trace: Callable[[str], None] | None = None
        # Held while a statement steps: threads sharing this connection take turns.
        self._lock = threading.RLock()
        self._depth = 0  # cursor methods running (see Cursor.__del__)
        # The shell reads its input with surrogate escapes: bytes that are not UTF-8
        # reach the engine as they are, as sqlite3's CLI passes them on.
        self._raw_sql = False
        self._orphans: list[_CachedStatement] = []  # statements of freed cursors
        from pyrite.api.uri import parse_target

        target = parse_target(path, bool(uri))
        extra: dict[str, Any] = {}
        if target.memory_name is not None:  # file:name?mode=memory&cache=shared
            extra["memory_name"] = target.memory_name
        self._session = session_factory[0](
            target.path, readonly=target.readonly, create=target.create, uri=False,
            timeout=float(timeout), **extra,
        )
        self._closed = False
        self._initialized = True

    # -- state checks ---------------------------------------------------------------

    def _check_thread(self) -> None:
        if self._check_same_thread and threading.get_ident() != self._thread_ident:
            raise ProgrammingError(
                "SQLite objects created in a thread can only be used in that same thread. "
                f"The object was created in thread id {self._thread_ident} and this is "
                f"thread id {threading.get_ident()}."
            )

    def _check_open(self) -> None:
        if not getattr(self, "_initialized", False):
            raise ProgrammingError("Base Connection.__init__ not called.")
        if self._closed:
            raise ProgrammingError("Cannot operate on a closed database.")

    def _check_open_or_closed(self) -> None:
        if not getattr(self, "_initialized", False):
            raise ProgrammingError("Base Connection.__init__ not called.")

    def _check(self) -> None:
        d = self.__dict__
        if d.get("_closed") is not False or not d.get("_initialized") or (
                self._check_same_thread and threading.get_ident() != self._thread_ident):
            self._check_open()
            self._check_thread()

    # -- statements -----------------------------------------------------------------

    def _check_sql_length(self, sql: str) -> None:
        """DataError past SQLITE_LIMIT_SQL_LENGTH; UnicodeEncodeError for lone surrogates."""
        limit = self._session.get_limit(C.SQLITE_LIMIT_SQL_LENGTH)
        if len(sql) * 4 > limit and len(sql.encode("utf-8")) > limit:
            raise DataError("query string is too large")
        if not sql.isascii() and not self._raw_sql:
            sql.encode("utf-8")

    def _prepare_at(self, sql: str, pos: int) -> tuple[Any, int]:
        stmt, end = self._session.prepare(sql, pos)
        return stmt, end

    def _statement(self, sql: Any) -> _CachedStatement:
        """The cached statement for `sql` (a fresh one when the cached one is in use)."""
        if not isinstance(sql, str):
            raise TypeError(f"execute() argument 1 must be str, not {arg_type_name(sql)}")
        cached = self._cache.get(sql)
        if cached is not None and not cached.in_use:
            self._cache.move_to_end(sql)
            return cached
        if "\0" in sql:
            raise ProgrammingError("the query contains a null character")
        self._check_sql_length(sql)
        stmt, end = self._session.prepare(sql, 0)
        if stmt is not None and not sql_tail_is_empty(sql, end):
            raise ProgrammingError("You can only execute one statement at a time.")
        st = _CachedStatement(stmt, sql)
        if self._cache_size > 0 and cached is None:
            self._cache[sql] = st
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return st

    def _release_statement(self, st: _CachedStatement) -> None:
        if st.stmt is not None and st.in_use:
            st.stmt.reset()
        st.in_use = False

    def _step(self, stmt: Any) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = stmt.step()
        return row

    def _trace_statement(self, sql: str, stmt: Any, values: Sequence[Any]) -> None:
        """Report a statement that starts running to the trace callback."""
        trace = self._trace
        if trace is None:
            return
        text = sql
        if values:
            from pyrite.api.trace import expand_sql

            try:
                text = expand_sql(sql, tuple(stmt.param_names), values)
            except Error:
                text = sql
            if len(text.encode("utf-8", "surrogatepass")) > self._session.get_limit(
                C.SQLITE_LIMIT_LENGTH
            ):
                report_callback_error(DataError(
                    "Expanded SQL string exceeds the maximum string length"), trace)
                text = sql
        trace(text)

    def _exec_simple(self, sql: str) -> None:
        stmt, _ = self._session.prepare(sql, 0)
        self._trace_statement(sql, stmt, [])
        try:
            while stmt.step() is not None:
                pass
        finally:
            stmt.reset()

    def _begin(self) -> None:
        assert self._begin_statement is not None
        self._exec_simple(self._begin_statement)

    # -- DB-API ---------------------------------------------------------------------

    def cursor(self, factory: Any = Cursor) -> Any:
        """cursor(factory=Cursor) -> a new cursor."""
        self._check()
        cur = factory(self)
        if not issubclass(type(cur), Cursor):
            raise TypeError(f"factory must return a cursor, not {type(cur).__name__}")
        if self.row_factory is not None:
            cur.row_factory = self.row_factory
        return cur

    def execute(self, sql: str, parameters: Any = (), /) -> Cursor:
        cur = self.cursor()
        return cur.execute(sql, parameters)  # type: ignore[no-any-return]

    def executemany(self, sql: str, parameters: Any, /) -> Cursor:
        cur = self.cursor()
        return cur.executemany(sql, parameters)  # type: ignore[no-any-return]

    def executescript(self, sql_script: str, /) -> Cursor:
        cur = self.cursor()
        return cur.executescript(sql_script)  # type: ignore[no-any-return]

    def commit(self) -> None:
        """commit(): COMMIT the open transaction, if any."""
        self._check()
        with self._lock:
            if not self._session.autocommit:
                self._exec_simple("COMMIT")

    def rollback(self) -> None:
        """rollback(): ROLLBACK the open transaction, if any."""
        self._check()
        with self._lock:
            if not self._session.autocommit:
                self._exec_simple("ROLLBACK")

    def close(self) -> None:
        """close(): close the connection; an open transaction is rolled back."""
        self._check_open_or_closed()
        self._check_thread()
        if self._closed:
            return
        for blob in list(self._blobs):
            blob.close()
        for st in self._cache.values():
            if st.in_use and st.stmt is not None:
                st.stmt.reset()
        self._cache.clear()
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def __del__(self) -> None:
        # Like CPython's dealloc: an unreachable connection releases its database
        # (and file locks); an open transaction is rolled back.
        session = getattr(self, "_session", None)
        if session is not None and not getattr(self, "_closed", True):
            try:
                session.close()
            except Exception:  # noqa: BLE001 - nothing can be reported from __del__
                pass

    def __call__(self, *args: Any) -> Statement:
        self._check()
        if len(args) != 1:
            raise TypeError(f"Connection() takes exactly 1 argument ({len(args)} given)")
        sql = args[0]
        if not isinstance(sql, str):
            raise TypeError(f"argument must be str, not {arg_type_name(sql)}")
        self._statement(sql)
        return object.__new__(Statement)

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        if exc_type is None:
            try:
                self.commit()
            except BaseException:
                self.rollback()
                raise
        else:
            self.rollback()
        return False

    # -- transaction control attributes -------------------------------------------

    def _set_isolation_level(self, level: Any, *, commit: bool) -> None:
        if level is None:
            if commit and not self._session.autocommit:
                self._exec_simple("COMMIT")
            self._isolation_level = None
            self._begin_statement = None
            return
        if not isinstance(level, str):
            raise TypeError("isolation_level must be str or None")
        if "\0" in level:
            raise ValueError("embedded null character")
        upper = str.upper(level)
        if upper not in _ISOLATION_LEVELS:
            raise ValueError(
                "isolation_level string must be '', 'DEFERRED', 'IMMEDIATE', or 'EXCLUSIVE'"
            )
        self._isolation_level = upper
        self._begin_statement = "BEGIN " + upper

    @property
    def isolation_level(self) -> str | None:
        self._check()
        return self._isolation_level

    @isolation_level.setter
    def isolation_level(self, level: str | None) -> None:
        self._check()
        self._set_isolation_level(level, commit=True)

    @isolation_level.deleter
    def isolation_level(self) -> None:
        raise AttributeError("cannot delete attribute")

    @property
    def in_transaction(self) -> bool:
        self._check()
        return not self._session.autocommit

    @property
    def total_changes(self) -> int:
        self._check()
        return int(self._session.total_changes)

    # -- user callbacks -------------------------------------------------------------

    def create_function(
        self, name: str, narg: int, func: Callable[..., Any] | None, *,
        deterministic: bool = False,
    ) -> None:
        """create_function(name, narg, func, *, deterministic=False)."""
        self._check()
        if not isinstance(name, str):
            raise TypeError(
                f"create_function() argument 'name' must be str, not {arg_type_name(name)}"
            )
        if not -1 <= narg <= 127:
            raise OperationalError("Error creating function")
        name.encode("utf-8")
        wrapped = None if func is None else _wrap_function(func)
        self._session.create_function(name, narg, wrapped, deterministic=deterministic)

    def create_aggregate(self, name: str, n_arg: int, aggregate_class: Any) -> None:
        """create_aggregate(name, n_arg, aggregate_class)."""
        self._check()
        if not isinstance(name, str):
            raise TypeError(
                f"create_aggregate() argument 'name' must be str, not {arg_type_name(name)}"
            )
        if not -1 <= n_arg <= 127:
            raise OperationalError("Error creating aggregate")
        factory = None if aggregate_class is None else _aggregate_factory(aggregate_class)
        self._session.create_aggregate(name, n_arg, factory)

    def create_window_function(
        self, name: str, num_params: int, aggregate_class: Any, /,
    ) -> None:
        """create_window_function(name, num_params, aggregate_class)."""
        self._check()
        if not -1 <= num_params <= 127:
            raise ProgrammingError("bad parameter or other API misuse")
        factory = None if aggregate_class is None else _aggregate_factory(aggregate_class, True)
        self._session.create_window_function(name, num_params, factory)

    def create_collation(self, name: str, callable: Any, /) -> None:  # noqa: A002
        """create_collation(name, callable): callable(a, b) -> negative/0/positive."""
        self._check()
        if not isinstance(name, str):
            raise TypeError(
                f"create_collation() argument 1 must be str, not {arg_type_name(name)}"
            )
        name.encode("utf-8")
        if callable is not None and not hasattr(callable, "__call__"):  # noqa: B004
            raise TypeError("parameter must be callable")
        self._session.create_collation(
            name, None if callable is None else _wrap_collation(callable)
        )

    def set_authorizer(self, authorizer_callback: Any) -> None:
        """set_authorizer(callback | None): callback(action, a1, a2, db, src) -> int."""
        self._check()
        if authorizer_callback is None:
            self._session.set_authorizer(None)
            return
        cb = authorizer_callback

        def authorize(*args: Any) -> int:
            try:
                result = cb(*args)
            except BaseException as exc:
                report_callback_error(exc, cb)
                return C.SQLITE_DENY
            if not isinstance(result, int):
                report_callback_error(
                    ValueError("authorizer callback must return an integer"), cb
                )
                return C.SQLITE_DENY
            if not -(2**31) <= result < 2**31:  # CPython: _PyLong_AsInt overflows
                report_callback_error(
                    OverflowError("Python int too large to convert to C int"), cb
                )
                return C.SQLITE_DENY
            return int(result)

        self._session.set_authorizer(authorize)

    def set_progress_handler(self, progress_handler: Any, n: int) -> None:
        """set_progress_handler(handler | None, n): a truthy return aborts the query."""
        self._check()
        if progress_handler is None:
            self._session.set_progress_handler(None, n)
            return
        handler = progress_handler

        def progress() -> bool:
            try:
                return bool(handler())
            except BaseException as exc:
                report_callback_error(exc, handler)
                return True

        self._session.set_progress_handler(progress, n)

    def set_trace_callback(self, trace_callback: Any) -> None:
        """set_trace_callback(callback | None): callback(sql) for each statement run.

        Traced here, not in the engine: the module knows when each top-level
        statement starts (see pyrite.api.trace)."""
        self._check()
        if trace_callback is None:
            self._trace = None
            return
        cb = trace_callback

        def trace(sql: str) -> None:
            try:
                cb(sql)
            except BaseException as exc:
                report_callback_error(exc, cb)

        self._trace = trace

    def enable_load_extension(self, enable: bool, /) -> None:
        """Extensions are native code; pyrite is pure Python and cannot load them."""
        self._check()
        raise NotSupportedError("pyrite cannot load SQLite extensions (pure Python engine)")

    def load_extension(self, name: str, /, *, entrypoint: str | None = None) -> None:
        """Extensions are native code; pyrite is pure Python and cannot load them."""
        self._check()
        raise NotSupportedError("pyrite cannot load SQLite extensions (pure Python engine)")

    def interrupt(self) -> None:
        """interrupt(): abort running statements of this connection (any thread)."""
        self._check_open()
        self._session.interrupt()

    # -- limits, dump, backup, blobs, serialization ---------------------------------

    def getlimit(self, category: int, /) -> int:
        self._check()
        if not isinstance(category, int):
            raise TypeError("'category' must be an integer")
        if not 0 <= category <= C.SQLITE_LIMIT_WORKER_THREADS:
            raise ProgrammingError("'category' is out of bounds")
        return int(self._session.get_limit(category))

    def setlimit(self, category: int, limit: int, /) -> int:
        self._check()
        if not isinstance(category, int):
            raise TypeError("'category' must be an integer")
        if not 0 <= category <= C.SQLITE_LIMIT_WORKER_THREADS:
            raise ProgrammingError("'category' is out of bounds")
        return int(self._session.set_limit(category, limit))

    def iterdump(self) -> Iterator[str]:
        """iterdump() -> the database as SQL text lines (like the shell's .dump)."""
        self._check()
        from pyrite.api.dump import iterdump

        return iterdump(self)

    def backup(
        self, target: Connection, *, pages: int = -1, progress: Any = None,
        name: str = "main", sleep: float = 0.250,
    ) -> None:
        """backup(target, *, pages=-1, progress=None, name="main", sleep=0.250)."""
        self._check()
        from pyrite.api.backup import backup

        backup(self, target, pages=pages, progress=progress, name=name, sleep=sleep)

    def blobopen(
        self, table: str, column: str, row: int, /, *, readonly: bool = False,
        name: str = "main",
    ) -> Any:
        """blobopen(table, column, row, /, *, readonly=False, name="main") -> Blob."""
        self._check()
        from pyrite.api.blob import open_blob

        blob = open_blob(self, table, column, row, readonly=readonly, name=name)
        self._blobs.add(blob)
        return blob

    def serialize(self, *, name: str = "main") -> bytes:
        """serialize(*, name="main") -> the database image as bytes."""
        self._check()
        serialize = getattr(self._session, "serialize", None)
        if serialize is None:
            raise NotSupportedError("serialize() is not supported by this engine yet")
        data: bytes = serialize(name)
        return data

    def deserialize(self, data: Any, /, *, name: str = "main") -> None:
        """deserialize(data, /, *, name="main"): replace the database with an image."""
        self._check()
        if not isinstance(data, (bytes, bytearray, memoryview)) and not hasattr(
            type(data), "__buffer__"
        ):
            try:
                memoryview(data)
            except TypeError:
                raise TypeError(
                    f"a bytes-like object is required, not '{type(data).__name__}'"
                ) from None
        blob = buffer_bytes(data)
        deserialize = getattr(self._session, "deserialize", None)
        if deserialize is None:
            raise NotSupportedError("deserialize() is not supported by this engine yet")
        deserialize(blob, name)


def connect(database: Any, *args: Any, **kwargs: Any) -> Any:
    """connect(database, timeout=5.0, detect_types=0, isolation_level="",
    check_same_thread=True, factory=Connection, cached_statements=128, uri=False)."""
    factory: Any = Connection
    if len(args) >= 5:
        factory = args[4]
        args = args[:4] + args[5:]
    elif "factory" in kwargs:
        factory = kwargs.pop("factory")
    if factory is None:
        factory = Connection
    return factory(database, *args, **kwargs)

