"""Session and Statement: the engine surface used by the module and the shell.

A Session is one connection's view of a Database: its catalog, its statement
cache (keyed by SQL text and offset, so a hit does no parsing or planning),
its registered functions and collations, and its transaction state.

Transaction states and transitions
  AUTOCOMMIT --BEGIN (_exec_begin)--> EXPLICIT --COMMIT/ROLLBACK--> AUTOCOMMIT
  AUTOCOMMIT --SAVEPOINT--> EXPLICIT (savepoint-opened) --RELEASE outermost--> AUTOCOMMIT

Statement states
  READY --step (_start)--> RUNNING --exhausted/error/reset (_finish)--> DONE --reset--> READY

Invariants
  S1: while any statement of the session is RUNNING, the session's PagerView holds
      SHARED in the Database's lock table (database.py D1-D5; other connections of
      the process never see its uncommitted pages); in AUTOCOMMIT the last statement
      to finish commits and lets go. A statement that cannot start lets go of a lock
      it took (like SQLite's unlockBtreeIfUnused).
  S2: a writing statement runs inside its own pager savepoint; on error the
      savepoint is rolled back (statement atomicity), except OR FAIL keeps
      the rows already written and OR ROLLBACK rolls back the transaction.
  S3: a Program compiled at catalog generation g runs only while the catalog
      is at generation g; otherwise the statement recompiles first."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NoReturn

from pyrite import constants as C
from pyrite import errors
from pyrite.exec import values as V
from pyrite.exec.program import Program, build
from pyrite.exec.source import Func
from pyrite.planner.catalog import Catalog
from pyrite.sql import ast

Row = tuple[Any, ...]


_IDLE_TICKS = 1 << 30  # page fetches between _tick calls with no progress handler
_CONTROL = frozenset(("begin", "commit", "rollback", "savepoint", "release"))
_DONE: Any = object()  # next(it, _DONE): the statement has no more rows
_LIST_ITERATOR: type = type(iter([]))


class StmtState(enum.Enum):
    READY = 0
    RUNNING = 1
    DONE = 2


class RunCtx:
    """Per-execution state handed to generated code as X."""

    __slots__ = ("session", "pager", "changes", "collations")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pager = session.pager
        self.changes = 0
        self.collations = session.collations

    @property
    def last_insert_rowid(self) -> int:
        return self.session.last_insert_rowid

    @last_insert_rowid.setter
    def last_insert_rowid(self, v: int) -> None:
        self.session.last_insert_rowid = v

    def writer(self, table: Any, conflict: str | None, checks: list[Any], defaults: list[Any],
               partial: dict[str, Any] | None = None) -> Any:
        from pyrite.exec.dml import TableWriter

        return TableWriter(self, table, conflict, checks, defaults, partial)

    def fire(self, fn: Callable[..., Any], old: Any, oldk: Any, new: Any, newk: Any) -> bool:
        """fire(trigger, old, oldk, new, newk) -> False when it did RAISE(IGNORE)."""
        from pyrite.exec.codegen import RT_TriggerRaise
        from pyrite.exec.dml import ConflictAbort

        sub = RunCtx(self.session)
        try:
            fn(sub, old, oldk, new, newk)
        except RT_TriggerRaise as e:
            if e.action.upper() == "IGNORE":
                return False
            msg = "" if e.msg is None else str(V.to_text(e.msg))
            raise ConflictAbort(msg, C.SQLITE_CONSTRAINT_TRIGGER, e.action.upper()) from None
        self.session.total_changes += sub.changes  # total_changes() counts trigger rows
        return True

    def clear_table(self, table: Any) -> None:
        from pyrite.storage import btree

        s = self.session
        if s.foreign_keys:
            from pyrite.exec import fkey

            if fkey.plan_for(s, table) is not None:
                fkey.delete_all(s, self, table)  # no truncation: the keys count and act
                return
        pg = self.session.temp_pager if table.temp else self.pager
        n = btree.clear_tree(pg, table.root)
        for idx in table.indexes:
            btree.clear_tree(pg, idx.root)
        self.changes += n


class Env:
    """What the compiler may call: functions, aggregates, collations."""

    def __init__(self, session: Session) -> None:
        self.s = session

    @property
    def collations(self) -> dict[str, Callable[[str, str], int]]:
        return self.s.collations

    @property
    def pager(self) -> Any:
        return self.s.pager

    @property
    def authorizer(self) -> Any:
        return self.s.authorizer

    @property
    def max_function_args(self) -> int:
        return self.s.get_limit(C.SQLITE_LIMIT_FUNCTION_ARG)

    @property
    def case_sensitive_like(self) -> bool:
        return self.s.case_sensitive_like

    def lookup_function(self, name: str, n: int) -> tuple[Callable[..., Any] | None, str] | None:
        """lookup_function(name, n) -> (callable, kind) with kind plain/ctx/coll, or None."""
        uf = self.s.user_functions
        f = uf.get((name, n)) or uf.get((name, -1))
        if f is not None:
            return f, "plain"
        from pyrite.functions import find_scalar

        d = find_scalar(name, n)
        if d is None:
            return None
        if d.needs_context:
            return None, "ctx"
        if d.needs_collation:
            return d.func, "coll"
        return d.func, "plain"

    def function_exists(self, name: str) -> bool:
        if any(k[0] == name for k in self.s.user_functions):
            return True
        try:
            from pyrite import functions
        except ImportError:
            return False
        return name in getattr(functions, "SCALARS", {}) or name in getattr(
            functions, "AGGREGATES", {})

    def is_aggregate(self, name: str, n: int) -> bool:
        from pyrite.exec import runtime as RT

        if (name, n) in self.s.user_aggregates or (name, -1) in self.s.user_aggregates:
            return True
        if (name, n) in self.s.user_functions or (name, -1) in self.s.user_functions:
            return False
        if name in RT.BUILTIN_AGGREGATES:
            return True
        try:
            from pyrite import functions
        except ImportError:
            return False
        return name in getattr(functions, "AGGREGATES", {})

    def user_aggregate(self, name: str, n: int) -> Any:
        ua = self.s.user_aggregates
        return ua.get((name, n)) or ua.get((name, -1))

    def module_aggregate(self, name: str, n: int) -> Any:
        try:
            from pyrite import functions
        except ImportError:
            return None
        d = getattr(functions, "AGGREGATES", {}).get(name)
        if d is None or not d.accepts(n):
            return None
        fac = d.factory
        return lambda: fac(None)


def _public(e: errors.Error) -> errors.Error:
    """The exception users see: internal ConflictAbort becomes ConstraintError."""
    from pyrite.exec.dml import ConflictAbort

    if isinstance(e, ConflictAbort):
        return errors.ConstraintError(str(e), code=e.sqlite_errorcode)
    return e


def _statement_auth(st: Any) -> list[tuple[int, str | None, str | None, str | None]]:
    """The statement-level authorizer calls SQLite makes at prepare time (column
    reads are asked by the compiler): (action, arg1, arg2, database)."""
    if isinstance(st, ast.Select):
        return [(C.SQLITE_SELECT, None, None, None)]
    if isinstance(st, ast.Insert):
        return [(C.SQLITE_INSERT, st.table.name, None, "main")]
    if isinstance(st, ast.Delete):
        return [(C.SQLITE_DELETE, st.table.name, None, "main")]
    if isinstance(st, ast.Update):
        return [(C.SQLITE_UPDATE, st.table.name, col, "main")
                for sc in st.sets for col in sc.columns]
    if isinstance(st, ast.Pragma):
        val = None if st.value is None else str(getattr(st.value, "value", st.value))
        return [(C.SQLITE_PRAGMA, st.name, val, None)]
    if isinstance(st, ast.Begin):
        return [(C.SQLITE_TRANSACTION, "BEGIN", None, None)]
    if isinstance(st, ast.Commit):
        return [(C.SQLITE_TRANSACTION, "COMMIT", None, None)]
    if isinstance(st, ast.Rollback):
        if st.savepoint is not None:
            return [(C.SQLITE_SAVEPOINT, "ROLLBACK", st.savepoint, None)]
        return [(C.SQLITE_TRANSACTION, "ROLLBACK", None, None)]
    if isinstance(st, ast.Savepoint):
        return [(C.SQLITE_SAVEPOINT, "BEGIN", st.name, None)]
    if isinstance(st, ast.Release):
        return [(C.SQLITE_SAVEPOINT, "RELEASE", st.name, None)]
    return []


def _function_calls(node: Any) -> Iterator[ast.FunctionCall]:
    """Every function call inside an AST node (frozen dataclasses, tuples)."""
    if isinstance(node, ast.FunctionCall):
        yield node
    if isinstance(node, tuple):
        for item in node:
            yield from _function_calls(item)
        return
    fields = getattr(type(node), "__dataclass_fields__", None)
    if fields is None:
        return
    for name in fields:
        yield from _function_calls(getattr(node, name))


def _rows_fn(rows: list[Row]) -> Callable[[Any, Any, Any], Iterator[Row]]:
    def run(P: Any, PG: Any, X: Any) -> Iterator[Row]:
        return iter(rows)
    return run


def _callable(d: Any) -> Callable[..., Any]:
    f: Callable[..., Any] = d.func
    return f


class Statement:
    """One prepared statement (see module docstring for its states)."""

    def __init__(self, session: Session, parsed: ast.Parsed, sql: str, program: Program) -> None:
        self.session = session
        self.parsed = parsed
        self.sql = sql
        self.program = program
        self.state = StmtState.READY
        self.params: tuple[Any, ...] = (None,) * parsed.param_count
        self._it: Iterator[Row] | None = None
        self._sp: int | None = None
        self._fk_saved: tuple[int, int] | None = None  # deferred FK counts at start
        self._pending: list[Row] | None = None
        self._ctx: RunCtx | None = None
        st = parsed.statement
        if isinstance(st, ast.Explain):
            st = st.statement
        self.is_dml = isinstance(st, (ast.Insert, ast.Update, ast.Delete))
        self.begins = isinstance(st, (ast.Begin, ast.Savepoint))
        self.ends_transaction = isinstance(st, (ast.Commit, ast.Rollback)) and (
            not isinstance(st, ast.Rollback) or st.savepoint is None)

    # ---- shape

    @property
    def column_names(self) -> list[str]:
        return self.program.column_names

    @property
    def column_decltypes(self) -> list[str | None]:
        return self.program.decltypes

    @property
    def param_count(self) -> int:
        return self.parsed.param_count

    @property
    def param_names(self) -> tuple[str | None, ...]:
        return self.parsed.param_names

    @property
    def readonly(self) -> bool:
        return self.program.readonly

    # ---- binding and stepping

    def bind(self, values: Sequence[Any] | Mapping[str, Any]) -> None:
        n = self.parsed.param_count
        t = type(values)
        if (t is list or t is tuple) and len(values) == n:
            self.params = tuple(values)
            return
        if isinstance(values, Mapping):
            out = []
            for i, name in enumerate(self.parsed.param_names):
                if name is None:
                    raise errors.ProgrammingError(
                        f"Binding {i + 1} has no name, but you supplied a dictionary (which has only names).")
                key = name[1:]
                if key in values:
                    out.append(values[key])
                elif name in values:
                    out.append(values[name])
                else:
                    raise errors.ProgrammingError(f"You did not supply a value for binding parameter {name}.")
            self.params = tuple(out) + (None,) * (n - len(out))
        else:
            vals = tuple(values)
            if len(vals) != n:
                raise errors.ProgrammingError(
                    f"Incorrect number of bindings supplied. The current statement uses {n}, and there are {len(vals)} supplied.")
            self.params = vals

    def step(self) -> Row | None:
        """One row, or None when done; connections of other threads wait (D5)."""
        if self.state is StmtState.DONE:
            return None
        with self.session.database.lock:
            s = self.session
            if s._interrupted:
                self._interrupt()
            if self.state is StmtState.READY:
                if s.progress is not None:
                    try:
                        stop = s.progress()
                    except Exception:
                        stop = 1
                    if stop:
                        raise errors.InterruptError()
                self._start()
            return self._next()

    def step_many(self, n: int) -> list[Row]:
        """Up to n rows, fewer only when the statement ends: what n calls of step()
        return, under one acquisition of the lock. An error raises as step() would
        (the rows of this call before it are dropped, as fetchall/fetchmany drop them)."""
        out: list[Row] = []
        if self.state is not StmtState.RUNNING:
            while len(out) < n:
                row = self.step()
                if row is None:
                    break
                out.append(row)
            return out
        with self.session.database.lock:
            s = self.session
            for _ in range(n):
                if s._interrupted:
                    self._interrupt()
                row = self._next()
                if row is None:
                    break
                out.append(row)
        return out

    def _next(self) -> Row | None:
        """The next row of the running program; None (and the statement finished)
        at its end."""
        it = self._it
        assert it is not None
        try:
            row = next(it, _DONE)
        except (errors.Error, RecursionError, MemoryError, OverflowError) as e:
            self._fail(e)
        if row is _DONE:
            self._finish(True, None)
            return None
        return row

    def _interrupt(self) -> NoReturn:
        """interrupt() took effect: the statement ends, SQLITE_INTERRUPT."""
        self.session._interrupted = False
        if self.state is StmtState.RUNNING:
            self._finish(False, None)
        raise errors.InterruptError()

    def _fail(self, e: BaseException) -> NoReturn:
        """The statement stopped on an error from its program: end it, raise the
        error the module shows."""
        if isinstance(e, errors.Error):
            self._finish(False, e)
            raise _public(e) from None
        if isinstance(e, RecursionError):
            err = errors.OperationalError("parser stack overflow")
            self._finish(False, err)
            raise err from None
        if isinstance(e, MemoryError):
            # CPython's module turns SQLITE_NOMEM into MemoryError too: let it through.
            self._finish(False, errors.OperationalError("out of memory"))
            raise e from None
        err2 = errors.OperationalError(str(e) or "out of memory")  # OverflowError
        self._finish(False, err2)
        raise err2 from None

    def _start(self) -> None:
        s = self.session
        prog = self.program
        if prog.kind in _CONTROL:
            self._sp = None
        else:
            if prog.generation != s.catalog.generation:
                s.check_schema()
                if prog.generation != s.catalog.generation:
                    self.program = prog = s.compile(self.parsed, self.sql)
            self._sp = s.stmt_begin(prog)
            if prog.generation != s.catalog.generation:
                try:
                    self.program = prog = s.compile(self.parsed, self.sql)
                except errors.Error as e:
                    self._finish(False, e)
                    raise
        self.state = StmtState.RUNNING
        ctx = RunCtx(s)
        self._ctx = ctx
        fk = s.foreign_keys and not prog.readonly
        if fk:
            s.fk_imm = 0
            self._fk_saved = (s.fk_def, s.fk_defimm)
        try:
            gen = prog.run(self.params, s.pager, ctx)
            if not prog.readonly:
                rows = list(gen)
                if fk and (s.fk_imm > 0 or (not s._explicit and s.fk_def + s.fk_defimm > 0)):
                    from pyrite.exec.fkey import fk_error

                    raise fk_error()  # checked at statement end (and autocommit's commit)
                self._it = iter(rows)
            else:
                self._it = iter(gen)
        except errors.Error as e:
            self._finish(False, e)
            raise _public(e) from None
        except RecursionError:
            err = errors.OperationalError("parser stack overflow")
            self._finish(False, err)
            raise err from None

    def _finish(self, ok: bool, err: BaseException | None) -> None:
        if self.state is not StmtState.RUNNING:
            self.state = StmtState.DONE
            return
        self.state = StmtState.DONE
        s = self.session
        saved = self._fk_saved
        if saved is not None:
            self._fk_saved = None
            s.fk_imm = 0
            if not ok and getattr(err, "action", "ABORT") != "FAIL":
                # the statement's rows are undone: so are its deferred counts, and
                # its own changes are not counted (those of FK actions are, as SQLite
                # counts trigger programs' rows)
                s.fk_def, s.fk_defimm = saved
        ctx = self._ctx
        if ctx is not None and not ok and getattr(err, "action", "ABORT") != "FAIL":
            ctx.changes = 0  # the statement's rows were undone: not counted (ABORT, ROLLBACK)
        if self.is_dml and ctx is not None:
            s.changes = ctx.changes
            s.total_changes += ctx.changes
        it = self._it
        self._it = None
        if it is not None and type(it) is not _LIST_ITERATOR and hasattr(it, "close"):
            try:
                it.close()
            except Exception:
                pass
        if self.program.kind not in _CONTROL:
            s.stmt_end(self._sp, ok, err, self.program)
        if s.progress is None and s.pager.watch is not None:
            s._rewatch()  # interrupt() watched page fetches for this statement only

    def reset(self) -> None:
        if self.state is StmtState.RUNNING:
            with self.session.database.lock:
                self._finish(True, None)
        self.state = StmtState.READY

    def close(self) -> None:
        self.reset()


class Session:
    """One connection's engine state (see module docstring)."""

    def __init__(self, path: str, *, readonly: bool = False, create: bool = True, uri: bool = False,
                 timeout: float = 5.0, memory_name: str | None = None) -> None:
        self.path = path
        self.timeout = timeout
        from pyrite.database import Database

        self.database = Database.acquire(path, readonly=readonly, create=create,
                                         uri_memory_name=memory_name)
        # This connection's pager: its transitions go through the in-process lock
        # table, its reads hide other connections' uncommitted pages (database.py D1-D5).
        self.pager: Any = self.database.view()
        self.pager.busy_timeout = timeout
        self.catalog = Catalog()
        self._temp_pager: Any = None
        self._interrupted = False
        self.collations: dict[str, Callable[[str, str], int]] = dict(V.COLLATIONS)
        self.collation_names: dict[str, str] = {}  # upper -> first registered name
        self.user_functions: dict[tuple[str, int], Callable[..., Any]] = {}
        self.user_aggregates: dict[tuple[str, int], Any] = {}
        self.nondeterministic: set[tuple[str, int]] = set()
        self.case_sensitive_like = False
        self.foreign_keys = 0
        # FOREIGN KEY violations counted (exec/fkey.py): this statement's immediate
        # ones; the transaction's deferred ones; those of PRAGMA defer_foreign_keys
        self.fk_imm = 0
        self.fk_def = 0
        self.fk_defimm = 0
        self._fk_sp: dict[int, tuple[int, int]] = {}  # pager savepoint -> deferred counts
        self.cache_size_setting = -2000
        self.pragma_store: dict[str, Any] = {}
        self.changes = 0
        self.total_changes = 0
        self.last_insert_rowid = 0
        self._explicit = False
        self._active = 0
        self._cookie_gen = -1  # pager generation at which _cookie_seen was read
        self._single_gen = -1  # pager generation when a single_write statement began
        self._cookie_seen = 0
        self._savepoints: list[tuple[str, int]] = []  # (name, pager savepoint number)
        self._cache: dict[tuple[str, int], tuple[ast.Parsed, int, Program]] = {}
        self.writer_static: dict[int, Any] = {}  # exec/dml.py: per-table writer set-up
        self._closed = False
        self.env = Env(self)
        self.authorizer: Any = None
        self.progress: Any = None
        self.progress_n = 1
        self.trace: Any = None
        self.limits: dict[int, int] = {}
        self._rewatch()

    # ---- the TEMP database: a private in-memory pager, opened on first use

    @property
    def temp_pager(self) -> Any:
        p = self._temp_pager
        if p is None:
            from pyrite.io.memory import MemoryFile
            from pyrite.storage import Pager

            p = self._temp_pager = Pager.open(MemoryFile())
            self.catalog.temp = Catalog()
        if not p.in_write:
            if not p.in_read:
                p.begin_read()
            p.begin_write()
        return p

    def reload_temp(self) -> None:
        from pyrite.storage import iter_table, record

        p = self.temp_pager
        rows = [(rowid, list(record.decode(payload))) for rowid, payload in iter_table(p, 1)] \
            if p.page_count > 0 else []
        tc = Catalog()
        tc.load(rows, 0)
        for t in tc.tables.values():
            t.temp = True
        self.catalog.temp = tc
        self.catalog.generation += 1

    def _temp_end(self, commit: bool) -> None:
        p = self._temp_pager
        if p is None or not p.in_write:
            return
        if commit:
            p.commit()
        else:
            p.rollback()
            self.reload_temp()

    def close_temp(self) -> None:
        """Close the TEMP database, dropping everything in it (PRAGMA temp_store)."""
        p = self._temp_pager
        if p is None:
            return
        if p.in_write:
            p.rollback()
        if p.in_read:
            p.end_read()
        self._temp_pager = None
        self.catalog.temp = None
        self.catalog.generation += 1
        self.invalidate_cache()

    # ---- properties

    @property
    def autocommit(self) -> bool:
        return not self._explicit

    @property
    def in_transaction(self) -> bool:
        return self._explicit or bool(self.pager.in_write)

    # ---- schema

    def check_schema(self) -> None:
        """Reload the catalog if the schema cookie moved (needs a read transaction)."""
        p = self.pager
        opened = not p.in_read
        if opened:
            p.begin_read()
        try:
            cookie = p.header_get("schema_cookie") if p.page_count > 0 else 0
            if cookie != self.catalog.cookie:
                self.reload_schema()
        finally:
            if opened and self._active == 0:
                p.end_read()

    def reload_schema(self) -> None:
        from pyrite.storage import iter_table, record

        p = self.pager
        rows: list[tuple[int, list[object]]] = []
        if p.page_count > 0:
            for rowid, payload in iter_table(p, 1):
                rows.append((rowid, list(record.decode(payload))))
        cookie = p.header_get("schema_cookie") if p.page_count > 0 else 0
        self.catalog.load(rows, cookie)

    def invalidate_cache(self) -> None:
        self._cache.clear()
        self.catalog.generation += 1

    # ---- prepare / compile

    def prepare(self, sql: str, start: int = 0) -> tuple[Statement | None, int]:
        if self._closed:
            raise errors.ProgrammingError("Cannot operate on a closed database.")
        with self.database.lock:
            return self._prepare(sql, start)

    def _prepare(self, sql: str, start: int) -> tuple[Statement | None, int]:
        key = (sql, start)
        hit = self._cache.get(key)
        if hit is not None:
            parsed, end, prog = hit
            return Statement(self, parsed, sql[parsed.start:parsed.end], prog), end
        from pyrite.sql import parse_one

        parsed_opt, end = parse_one(sql, start)
        if parsed_opt is None:
            return None, end
        parsed = parsed_opt
        if parsed.param_count > self.get_limit(C.SQLITE_LIMIT_VARIABLE_NUMBER):
            raise errors.OperationalError("too many SQL variables")
        text = sql[parsed.start:parsed.end]
        if self.catalog.cookie < 0 or not self._explicit:
            self.check_schema()
        prog = self.compile(parsed, text)
        if len(self._cache) > 500:
            self._cache.clear()
        self._cache[key] = (parsed, end, prog)
        return Statement(self, parsed, text, prog), end

    def compile(self, parsed: ast.Parsed, text: str) -> Program:
        from pyrite.exec.dml import DmlCompiler

        st = parsed.statement
        gen = self.catalog.generation
        if isinstance(st, ast.Explain):
            inner = self.compile(ast.Parsed(st.statement, parsed.start, parsed.end,
                                            parsed.param_count, parsed.param_names), text)
            if st.query_plan:
                lines = [(i, par, 0, d) for i, par, d in inner.plan]
                return Program("explain", _rows_fn(lines),
                               ["id", "parent", "notused", "detail"], [None] * 4, True, gen)
            src_lines = [(n, "Python", 0, 0, 0, line, 0, None)
                         for n, line in enumerate(inner.source.splitlines())]
            return Program("explain", _rows_fn(src_lines),
                           ["addr", "opcode", "p1", "p2", "p3", "p4", "p5", "comment"],
                           [None] * 8, True, gen)
        if self.authorizer is not None:
            for action, arg1, arg2, db in _statement_auth(st):
                if self.authorizer(action, arg1, arg2, db, None) == C.SQLITE_DENY:
                    raise errors.DatabaseError("not authorized", code=C.SQLITE_AUTH)
        if isinstance(st, (ast.Select, ast.Insert, ast.Update, ast.Delete)):
            comp = DmlCompiler(self.catalog, self.env)
            main = Func("def main(P, PG, X):")
            comp.main_pre = []
            if isinstance(st, ast.Select):
                info = comp.gen_select(st, None, main)
                main.emit(0, f"yield from {info.fname}()")
                names, decls, kind, ro = info.names, info.decltypes, "select", True
            else:
                comp.returning_names = []
                comp.returning_decls = []
                if isinstance(st, ast.Insert):
                    comp.gen_insert(st, main)
                elif isinstance(st, ast.Update):
                    comp.gen_update(st, main)
                else:
                    comp.gen_delete(st, main)
                main.emit(0, "return")
                main.emit(0, "yield")
                names, decls, kind, ro = (comp.returning_names, comp.returning_decls, "dml",
                                          False)
            run, source = build(main, comp.consts, comp.placeholders, comp.main_pre)
            plan = list(comp.plan.lines)
            return Program(kind, run, names, decls, ro, gen, source, plan,
                           single_write=kind == "dml" and comp.single_write)
        if isinstance(st, ast.CreateIndex):
            self._check_deterministic(st.where, "partial index WHERE clauses")
            for ic in st.columns:
                self._check_deterministic(ic, "index expressions")
        return self._compile_other(st, gen, text)

    def _check_deterministic(self, node: Any, where: str) -> None:
        """SQLite refuses non-deterministic functions where a stored value depends on
        them: "non-deterministic functions prohibited in <where>"."""
        for call in _function_calls(node):
            name = call.name.lower()
            n = len(call.args)
            nondet = name in ("random", "randomblob") or (
                ((name, n) in self.nondeterministic or (name, -1) in self.nondeterministic)
                and ((name, n) in self.user_functions or (name, -1) in self.user_functions))
            if nondet:
                raise errors.OperationalError(f"non-deterministic functions prohibited in {where}")

    def compile_row_predicate(self, t: Any, expr: ast.Expr) -> Callable[[list[Any], int], Any]:
        """A function (row values, rowid) -> value of expr over one row of t."""
        from pyrite.exec.codegen import Scope
        from pyrite.exec.dml import DmlCompiler

        comp = DmlCompiler(self.catalog, self.env)
        main = Func("def main(P, PG, X):")
        f = Func("def pred(row, rowid):")
        src = comp.table_src(t, t.name, "row", "rowid")
        f.emit(0, f"return {comp.ex(expr, Scope([src], None, f))}")
        main.nest(f)
        main.emit(0, "return pred")
        run, _ = build(main, comp.consts, comp.placeholders, comp.main_pre)
        fn: Callable[[list[Any], int], Any] = run((), self.pager, None)  # type: ignore[assignment]
        return fn

    def compile_select_for_ctas(self, sel: ast.Select) -> tuple[Program, list[int | None]]:
        from pyrite.exec.dml import DmlCompiler

        comp = DmlCompiler(self.catalog, self.env)
        main = Func("def main(P, PG, X):")
        comp.main_pre = []
        info = comp.gen_select(sel, None, main)
        main.emit(0, f"yield from {info.fname}()")
        run, source = build(main, comp.consts, comp.placeholders, comp.main_pre)
        return Program("select", run, info.names, info.decltypes, True, self.catalog.generation,
                       source), list(info.affs)

    def _compile_other(self, st: Any, gen: int, text: str) -> Program:
        from pyrite.exec import ddl

        def ddl_run(fn: Callable[[Session, Any], None]) -> Program:
            def run(P: Any, PG: Any, X: Any) -> Iterator[Row]:
                fn(self, st)
                return iter(())
            return Program("ddl", run, [], [], False, gen)

        if isinstance(st, ast.CreateTable):
            return ddl_run(ddl.create_table)
        if isinstance(st, ast.CreateIndex):
            return ddl_run(ddl.create_index)
        if isinstance(st, ast.CreateView):
            return ddl_run(ddl.create_view)
        if isinstance(st, ast.CreateTrigger):
            return ddl_run(ddl.create_trigger)
        if isinstance(st, ast.Drop):
            return ddl_run(ddl.drop)
        if isinstance(st, ast.Begin):
            return Program("begin", lambda P, PG, X: self._exec_begin(st), [], [], True, gen)
        if isinstance(st, ast.Commit):
            return Program("commit", lambda P, PG, X: self._exec_commit(), [], [], True, gen)
        if isinstance(st, ast.Rollback):
            return Program("rollback", lambda P, PG, X: self._exec_rollback(st.savepoint),
                           [], [], True, gen)
        if isinstance(st, ast.Savepoint):
            return Program("savepoint", lambda P, PG, X: self._exec_savepoint(st.name),
                           [], [], True, gen)
        if isinstance(st, ast.Release):
            return Program("release", lambda P, PG, X: self._exec_release(st.name),
                           [], [], True, gen)
        if isinstance(st, ast.Pragma):
            writes = ddl.pragma_writes(st)
            holder: dict[str, Any] = {}

            def prun(P: Any, PG: Any, X: Any) -> Iterator[Row]:
                names, rows, _ = ddl.pragma(self, st)
                holder["names"] = names
                return iter(rows)
            names = self._pragma_names(st)
            return Program("pragma", prun, names, [None] * len(names), not writes, gen)
        if isinstance(st, ast.Reindex) and st.name is not None:
            low = st.name.lower()
            cat = self.catalog
            if st.schema is not None and cat.schema(st.schema) is None:
                raise errors.OperationalError(f"unknown database {st.schema}")
            sch = st.schema or "main"  # unqualified: main's only (sqlite3Reindex)
            if cat.table(st.name, sch) is None and cat.index(st.name, sch) is None \
                    and (st.schema is not None or low not in ("binary", "nocase", "rtrim")
                         and st.name.upper() not in self.collations):
                raise errors.OperationalError("unable to identify the object to be reindexed")
        if isinstance(st, ast.Analyze):
            return ddl_run(ddl.analyze)
        if isinstance(st, ast.Reindex):
            return ddl_run(ddl.reindex)
        if isinstance(st, ast.Vacuum):
            return ddl_run(ddl.vacuum)
        if isinstance(st, ast.AlterTable):
            return ddl_run(lambda sess, node: ddl.alter_table(sess, node, text))
        raise errors.OperationalError(f"unsupported statement: {type(st).__name__}")

    def _pragma_names(self, st: ast.Pragma) -> list[str]:
        from pyrite.exec import ddl

        return ddl.pragma_columns(st)

    # ---- transactions (S1, S2)

    def stmt_begin(self, prog: Program) -> int | None:
        p = self.pager
        if prog.kind in _CONTROL:
            return None
        readonly = prog.readonly
        if not readonly and self.pragma_store.get("query_only"):
            raise errors.ReadOnlyError()  # PRAGMA query_only
        opened = p not in p.db.readers
        if opened:
            if readonly:
                p.begin_read()
            else:
                p.begin_write()  # waits for another writer only when holding nothing
        try:
            # The schema cookie, read again only when a page changed since it was
            # last read (the pager's generation moves with every page change).
            gen = p.gen
            if gen == self._cookie_gen:
                cookie = self._cookie_seen
            else:
                cookie = p.header_get("schema_cookie") if p.page_count > 0 else 0
                self._cookie_gen, self._cookie_seen = gen, cookie
            if cookie != self.catalog.cookie:
                self.reload_schema()
            sp = None
            if not readonly:
                if p.db.writer is not p:
                    self._begin_write(p)
                if prog.single_write and not self.foreign_keys:
                    # One row, every check before the first page write: nothing to
                    # undo when it fails, so no statement journal (SQLite's
                    # usesStmtJournal); stmt_end looks whether a page moved.
                    self._single_gen = p.gen
                else:
                    sp = p.savepoint_begin()
        except BaseException:
            # Like SQLite's unlockBtreeIfUnused: a lock this statement took is let go
            # again when the statement could not start (also inside BEGIN ... COMMIT).
            if self._active == 0 and (opened or not self._explicit):
                if p.in_write:
                    p.rollback()
                p.end_read()
            raise
        self._active += 1
        return sp

    def stmt_end(self, sp: int | None, ok: bool, err: BaseException | None, prog: Program) -> None:
        if prog.kind in _CONTROL:
            return
        p = self.pager
        self._active -= 1
        writes = not prog.readonly
        if writes and p.db.writer is p:
            if sp is not None:
                if ok:
                    p.savepoint_release(sp)
                else:
                    action = getattr(err, "action", "ABORT")
                    if action == "FAIL":
                        p.savepoint_release(sp)
                    elif action == "ROLLBACK":
                        self._rollback_all(p)
                    else:
                        p.savepoint_rollback(sp)
                        p.savepoint_release(sp)
            elif not ok:
                # A statement without a statement journal (single_write): nothing was
                # written unless a page moved -- then only an I/O error or a damaged
                # file can have stopped it, and the transaction goes, as in SQLite.
                action = getattr(err, "action", "ABORT")
                if action == "ROLLBACK" or (action != "FAIL" and p.gen != self._single_gen):
                    self._rollback_all(p)
        if not ok and prog.kind == "ddl":
            self.reload_schema()
        # Autocommit: a write commits when it ends even while readers of this
        # connection are still open (SQLite's sqlite3VdbeHalt waits only for other
        # writing statements; writes here run to their end at their first step).
        # The read lock stays until the last reader ends.
        if not self._explicit and (self._active == 0 or writes):
            if self._temp_pager is not None:
                self._temp_end(ok)
            try:
                if p.db.writer is p:
                    p.commit()
            except BaseException:
                if p.in_write:
                    p.rollback()
                if self._active == 0:
                    p.end_read()
                self.reload_schema_later()
                raise
            if self._active == 0:
                p.end_read()

    def _rollback_all(self, p: Any) -> None:
        """ON CONFLICT ROLLBACK, or a failure that cannot be undone alone: the whole
        transaction is rolled back and autocommit resumes."""
        p.rollback()
        self._explicit = False
        self._savepoints.clear()

    def _begin_write(self, p: Any) -> None:
        """RESERVED for this session (database.py D1): waits for another writer of
        this process up to the busy timeout, then BusyError."""
        p.begin_write()

    def reload_schema_later(self) -> None:
        self.catalog.cookie = -1

    def _exec_begin(self, st: ast.Begin) -> Iterator[Row]:
        if self._explicit:
            raise errors.OperationalError("cannot start a transaction within a transaction")
        p = self.pager
        if st.mode in ("IMMEDIATE", "EXCLUSIVE"):
            held = p.in_read
            try:
                self._begin_write(p)
            except errors.Error:
                # No transaction opened: let go of the read lock (and, in WAL mode, the
                # snapshot) this BEGIN took, or the other writer could never commit and
                # every retry here would meet a stale snapshot.
                if not held and self._active == 0 and p.in_read:
                    p.end_read()
                raise
        self._explicit = True
        return iter(())

    def _exec_commit(self) -> Iterator[Row]:
        if not self._explicit:
            raise errors.OperationalError("cannot commit - no transaction is active")
        if self.fk_def + self.fk_defimm > 0:
            from pyrite.exec.fkey import fk_error

            raise fk_error()  # deferred violations: the transaction stays open
        self._fk_end()
        p = self.pager
        self._temp_end(True)
        # Unfinished readers do not hold the commit back (as SQLite's OP_AutoCommit,
        # which refuses only while a write is in progress; writes here run to their
        # end at their first step): they keep their read lock until they finish.
        if p.in_write:
            p.commit()
        if self._active == 0 and p.in_read:
            p.end_read()
        self._explicit = False
        self._savepoints.clear()
        return iter(())

    def _exec_rollback(self, name: str | None) -> Iterator[Row]:
        p = self.pager
        if name is not None:
            return self._rollback_to(name)
        if not self._explicit:
            raise errors.OperationalError("cannot rollback - no transaction is active")
        self._fk_end()
        self._temp_end(False)
        if p.in_write:
            p.rollback()
        if self._active == 0 and p.in_read:
            p.end_read()
        self._explicit = False
        self._savepoints.clear()
        self.catalog.cookie = -1
        return iter(())

    def _exec_savepoint(self, name: str) -> Iterator[Row]:
        p = self.pager
        if not p.in_write:
            self._begin_write(p)
        if not self._explicit:
            self._explicit = True
            self._sp_opened_txn = True
        elif not self._savepoints:
            self._sp_opened_txn = False
        n = p.savepoint_begin()
        self._savepoints.append((name, n))
        self._fk_sp[n] = (self.fk_def, self.fk_defimm)
        return iter(())

    def _fk_end(self) -> None:
        """The transaction ends: its deferred counts go, defer_foreign_keys turns off."""
        self.fk_def = self.fk_defimm = 0
        self._fk_sp.clear()
        if self.pragma_store.get("defer_foreign_keys"):
            self.pragma_store["defer_foreign_keys"] = 0

    def _find_sp(self, name: str) -> int:
        for i in range(len(self._savepoints) - 1, -1, -1):
            if self._savepoints[i][0].lower() == name.lower():
                return i
        raise errors.OperationalError(f"no such savepoint: {name}")

    def _exec_release(self, name: str) -> Iterator[Row]:
        i = self._find_sp(name)
        p = self.pager
        _, n = self._savepoints[i]
        p.savepoint_release(n)
        del self._savepoints[i:]
        if not self._savepoints and getattr(self, "_sp_opened_txn", False):
            self._sp_opened_txn = False
            self._exec_commit_inner()
        return iter(())

    def _exec_commit_inner(self) -> None:
        self._explicit = True
        self._exec_commit()

    def _rollback_to(self, name: str) -> Iterator[Row]:
        i = self._find_sp(name)
        p = self.pager
        _, n = self._savepoints[i]
        p.savepoint_rollback(n)
        if n in self._fk_sp:
            self.fk_def, self.fk_defimm = self._fk_sp[n]
        del self._savepoints[i + 1:]
        self.catalog.cookie = -1
        self.reload_schema()
        return iter(())

    # ---- run-time helpers

    def run_ctx(self) -> RunCtx:
        return RunCtx(self)

    # ---- module-facing API

    def execute_script(self, sql: str) -> None:
        pos = 0
        while True:
            st, pos = self.prepare(sql, pos)
            if st is None:
                break
            try:
                while st.step() is not None:
                    pass
            finally:
                st.reset()

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[Row]:
        """execute(sql, params) -> all rows of one statement (a convenience for tests)."""
        st, _ = self.prepare(sql)
        if st is None:
            return []
        st.bind(params)
        out = []
        try:
            while True:
                r = st.step()
                if r is None:
                    break
                out.append(r)
        finally:
            st.reset()
        return out

    def close(self) -> None:
        if self._closed:
            return
        p = self.pager
        try:
            with self.database.lock:
                if p.in_write:
                    p.rollback()
                if p.in_read:
                    p.end_read()
        finally:
            self._closed = True
            self._cache.clear()
            self.database.release()

    # ---- database images: serialize / deserialize / backup

    def serialize(self, name: str = "main") -> bytes:
        """serialize(name) -> the database file image as this connection sees it."""
        if name.lower() == "temp":
            tp = self._temp_pager
            if tp is None:
                return b""
            return b"".join(bytes(tp.get_page(i)) for i in range(1, tp.page_count + 1))
        if name.lower() != "main":
            raise errors.OperationalError(f"unable to serialize '{name}'")
        with self.database.lock:
            p = self.pager
            opened = not p.in_read
            if opened:
                p.begin_read()
            try:
                return b"".join(bytes(p.get_page(i)) for i in range(1, p.page_count + 1))
            finally:
                if opened and self._active == 0:
                    p.end_read()

    def deserialize(self, data: bytes, name: str = "main") -> None:
        """deserialize(data, name): this connection now uses a private in-memory database
        holding `data` (SQLite's sqlite3_deserialize); a bad image fails at next use."""
        if name.lower() != "main":
            raise errors.OperationalError(f"no such database: {name}")
        from pyrite.database import Database

        with self.database.lock:
            if self._active:
                raise errors.OperationalError("database is locked", code=C.SQLITE_BUSY)
            p = self.pager
            if p.in_write:
                p.rollback()
            if p.in_read:
                p.end_read()
            old = self.database
            self.database = Database.from_image(data)
            self.pager = self.database.view()
            self.pager.busy_timeout = self.timeout
            self._rewatch()
            self._explicit = False
            self._savepoints.clear()
        old.release()
        self.catalog.cookie = -1
        self.invalidate_cache()

    def restore_image(self, data: bytes) -> None:
        """Replace the content of this connection's database by a database image, in one
        write transaction (the target side of backup()). NotSupportedError when the page
        sizes differ and the target is not empty."""
        if len(data) < 100:
            raise errors.NotSupportedError("not a database image")
        ps = int.from_bytes(data[16:18], "big")
        ps = 65536 if ps == 1 else ps
        reserved = data[20]
        n = len(data) // ps
        with self.database.lock:
            p = self.pager
            if self._explicit or self._active:
                raise errors.OperationalError("destination database is in use")
            p.begin_write()
            try:
                if ps != p.page_size or p.page_size - p.usable_size != reserved:
                    if p.page_count > 0 or not self.database.pager.set_page_size(ps, reserved):
                        raise errors.NotSupportedError("page sizes differ")
                cookie = p.header_get("schema_cookie") if p.page_count > 0 else 0
                keep = bytes(p.get_page(1)[18:20]) if p.page_count > 0 else None
                for i in range(1, n + 1):
                    page = p.write_page(i) if i <= p.page_count else p.new_page(i)
                    page[:] = data[(i - 1) * ps:i * ps]
                if n < p.page_count:
                    p.truncate_pages(n)
                page1 = p.write_page(1)
                if keep is not None:
                    page1[18:20] = keep  # the target keeps its journal mode
                p.header_set("schema_cookie", cookie + 1)
                p.commit()
            except BaseException:
                p.rollback()
                raise
            finally:
                p.end_read()
        self.catalog.cookie = -1
        self.invalidate_cache()

    def create_function(self, name: str, nargs: int, func: Callable[..., Any] | None,
                        deterministic: bool = False) -> None:
        key = (name.lower(), nargs)
        self.nondeterministic.discard(key)
        if func is None:
            self.user_functions.pop(key, None)
        else:
            self.user_functions[key] = func
            if not deterministic:
                self.nondeterministic.add(key)
        self.invalidate_cache()

    def create_aggregate(self, name: str, nargs: int, cls: Any) -> None:
        key = (name.lower(), nargs)
        if cls is None:
            self.user_aggregates.pop(key, None)
        else:
            self.user_aggregates[key] = cls
        self.invalidate_cache()

    def create_window_function(self, name: str, nargs: int, cls: Any) -> None:
        self.create_aggregate(name, nargs, cls)

    def create_collation(self, name: str, func: Callable[[str, str], int] | None) -> None:
        up = str.upper(name)
        self.collation_names.setdefault(up, name)  # PRAGMA collation_list keeps them all
        if func is None:
            self.collations.pop(up, None)
        else:
            self.collations[up] = func
        self.invalidate_cache()

    def set_authorizer(self, cb: Any) -> None:
        self.authorizer = cb
        self.invalidate_cache()

    def set_progress_handler(self, cb: Any, n: int = 0) -> None:
        """cb() is called when a statement starts and then about every n virtual steps
        (counted here as one per ~10 per page fetched); a true result interrupts it."""
        self.progress = cb if n > 0 or cb is None else None
        self.progress_n = max(1, n // 10)
        self._rewatch()

    def _rewatch(self) -> None:
        # Without a progress handler no page fetch is watched (each would cost a
        # Python call); interrupt() installs the watch when it is needed.
        if self.progress is not None:
            self.pager.set_watch(self._tick, self.progress_n)
        else:
            self.pager.set_watch(None, _IDLE_TICKS)

    def _tick(self) -> None:
        """Between page fetches of a running statement: interrupt() and the progress
        handler take effect here (SQLITE_INTERRUPT, "interrupted")."""
        self.pager.ticks = self.progress_n if self.progress is not None else _IDLE_TICKS
        if self._interrupted:
            self._interrupted = False
            raise errors.InterruptError()
        cb = self.progress
        if cb is not None:
            try:
                stop = cb()
            except Exception:
                stop = 1
            if stop:
                raise errors.InterruptError()

    def set_trace_callback(self, cb: Any) -> None:
        self.trace = cb

    def interrupt(self) -> None:
        """Stop the running statement at its next page fetch or step (any thread)."""
        self._interrupted = True
        p = self.pager
        p.ticks = 0  # the next page fetch calls _tick (no lock needed) ...
        if getattr(p, "watch", self._tick) is None:
            # ... once page fetches are watched: plain attribute stores, each atomic,
            # in the order route() relies on (watch set before get_page is switched)
            p.watch = self._tick
            p.get_page = p._watched_get_page

    def get_limit(self, id: int) -> int:
        defaults = {C.SQLITE_LIMIT_LENGTH: 1000000000, C.SQLITE_LIMIT_SQL_LENGTH: 1000000000,
                    C.SQLITE_LIMIT_COLUMN: 2000, C.SQLITE_LIMIT_EXPR_DEPTH: 1000,
                    C.SQLITE_LIMIT_COMPOUND_SELECT: 500, C.SQLITE_LIMIT_VDBE_OP: 250000000,
                    C.SQLITE_LIMIT_FUNCTION_ARG: 127, C.SQLITE_LIMIT_ATTACHED: 10,
                    C.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 50000,
                    C.SQLITE_LIMIT_VARIABLE_NUMBER: 250000, C.SQLITE_LIMIT_TRIGGER_DEPTH: 1000,
                    C.SQLITE_LIMIT_WORKER_THREADS: 0}
        if id not in defaults:
            return -1
        return self.limits.get(id, defaults[id])

    def set_limit(self, id: int, value: int) -> int:
        old = self.get_limit(id)
        if old < 0:
            return -1
        if value >= 0:
            self.limits[id] = value
        return old
