"""INSERT, UPDATE and DELETE: generated row producers plus the table writer.

The generated part computes the new rows (expressions, affinity, defaults);
TableWriter applies them to the B-trees: NOT NULL, CHECK, UNIQUE/PRIMARY KEY
with the statement's or constraint's conflict action, ON CONFLICT (UPSERT)
clauses, and every index kept in step with the table (invariant W1: after
each row, every index holds exactly one entry per table row). Spec:
lang_insert.html, lang_update.html, lang_delete.html, lang_conflict.html,
lang_upsert.html, lang_returning.html."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyrite import constants as C
from pyrite import errors
from pyrite.exec import fkey as _fkey
from pyrite.exec import values as V
from pyrite.exec.codegen import Compiler, Cte, Scope, Src
from pyrite.exec.runtime import NULLROW
from pyrite.exec.runtime import rowid_value as _rowid_value
from pyrite.exec.source import Func
from pyrite.planner.catalog import AFF_BLOB, Index, Table, generated_deps, generated_order
from pyrite.sql import ast
from pyrite.storage import IndexCursor as _IndexCursor
from pyrite.storage import TableCursor as _TableCursor
from pyrite.storage import btree as _btree
from pyrite.storage import record as _record
from pyrite.storage.encode import encode_row as _encode_row


class ConflictAbort(errors.ConstraintError):
    """A constraint failure carrying the conflict action that must be taken."""

    def __init__(self, message: str, code: int, action: str) -> None:
        super().__init__(message, code=code)
        self.action = action


class IgnoreRow(Exception):
    """Internal: the current row is skipped (OR IGNORE)."""


class UpsertHit(Exception):
    """Internal: a uniqueness conflict that an ON CONFLICT clause handles."""

    def __init__(self, rowid: Any, clause: int) -> None:
        super().__init__(rowid)
        self.rowid = rowid
        self.clause = clause


_BUILTIN_COLLATIONS = frozenset(("BINARY", "NOCASE", "RTRIM"))
_CONSTRAINT_DATATYPE = 3091  # SQLITE_CONSTRAINT_DATATYPE (absent from CPython 3.11's list)
_STRICT_OK: dict[str, tuple[type, ...]] = {
    "INT": (int,), "INTEGER": (int,), "REAL": (float,), "TEXT": (str,), "BLOB": (bytes,)}
_CLASS_NAME = {int: "INT", float: "REAL", str: "TEXT", bytes: "BLOB"}


def unique_message(t: Table, idx: Index) -> str:
    """SQLite's text for a uniqueness failure of idx ("index 'i'" for expression keys)."""
    if idx.exprs:
        return f"UNIQUE constraint failed: index '{idx.name}'"
    names = ", ".join(f"{t.name}.{t.columns[c].name}" if c >= 0 else f"{t.name}.rowid"
                      for c in idx.columns)
    return f"UNIQUE constraint failed: {names}"


class _Static:
    """What a TableWriter needs of its table that does not change between statements:
    built once per (table, catalog generation) and kept by the session."""

    __slots__ = ("table", "generation", "strict", "affs", "aff_fast", "notnull", "key_infos",
                 "has_unique", "rec_cols", "virt")

    def __init__(self, session: Any, table: Table) -> None:
        from pyrite.storage import KeyInfo

        self.table = table
        self.generation = session.catalog.generation
        # STRICT: (column, accepted Python types, "INT column t.a") per typed column
        self.strict = [(i, _STRICT_OK[(c.decl_type or "").upper()],
                        f"{(c.decl_type or '').upper()} column {table.name}.{c.name}")
                       for i, c in enumerate(table.columns)
                       if table.strict and (c.decl_type or "").upper() in _STRICT_OK]
        self.affs = [V.Affinity(c.affinity) for c in table.columns]
        # per column: the one Python type affinity leaves as it is (no call needed),
        # None when every value goes through apply_affinity
        self.aff_fast: list[type | bool | None] = [_AFF_KEEPS.get(a) for a in self.affs]
        self.notnull = [i for i, c in enumerate(table.columns) if c.not_null]
        colls = session.collations
        self.key_infos = [
            (idx, KeyInfo(tuple(None if (c or "BINARY").upper() == "BINARY"
                                else colls.get((c or "").upper()) for c in idx.collations)
                          + (None,), tuple(idx.desc) + (False,)))
            for idx in table.indexes]
        self.has_unique = any(idx.unique for idx in table.indexes)
        self.rec_cols = table.record_order()
        self.virt = table.has_virtual()


# affinity -> the Python type it stores unchanged (True: every type, BLOB affinity)
# (REAL: float, but a zero goes through apply_affinity, which stores -0.0 as 0.0)
_AFF_KEEPS: dict[V.Affinity, type | bool] = {
    V.Affinity.TEXT: str, V.Affinity.INTEGER: int, V.Affinity.NUMERIC: int,
    V.Affinity.REAL: float, V.Affinity.BLOB: True}


def _table_static(session: Any, table: Table) -> _Static:
    cache: dict[int, _Static] | None = getattr(session, "writer_static", None)
    if cache is None:
        return _Static(session, table)
    st = cache.get(id(table))
    if st is None or st.table is not table or st.generation != session.catalog.generation:
        if len(cache) > 64:
            cache.clear()
        st = cache[id(table)] = _Static(session, table)
    return st


class TableWriter:
    """Writes rows of one table and keeps its indexes in step (W1)."""

    def __init__(self, ctx: Any, table: Table, conflict: str | None,
                 checks: list[tuple[str, Callable[[list[Any], int], Any]]],
                 defaults: list[Callable[[], Any] | None],
                 partial: dict[str, Callable[[list[Any], int], Any]] | None = None,
                 keys: dict[str, Callable[[list[Any], Any], tuple[Any, ...]]] | None = None,
                 gen: Callable[[list[Any], Any], None] | None = None
                 ) -> None:
        self.ctx = ctx
        self.pg = ctx.session.temp_pager if table.temp else ctx.pager
        self.t = table
        self.conflict = conflict
        self.checks = checks
        self.defaults = defaults
        self.partial = partial or {}
        self.keys = keys or {}  # expression indexes: name -> key(row, rowid)
        # generated columns: gen(row, rowid) computes them into the row (after the
        # other columns' affinity); VIRTUAL ones are left out of the record
        self.gen = gen
        st = self._st = _table_static(ctx.session, table)
        self.rec_cols = st.rec_cols
        self.virt = st.virt
        self.strict = st.strict
        self.affs = st.affs
        self.aff_fast = st.aff_fast
        self.notnull = st.notnull
        self._valid = bool(st.strict or st.notnull or checks)  # _validate has work to do
        pg = self.pg
        self.idx: list[tuple[Index, Any, Any]] = [
            (idx, ki, _IndexCursor(pg, idx.root, ki)) for idx, ki in st.key_infos]
        self.has_unique = st.has_unique
        self._pos: tuple[int, int, Any] | None = None  # (rowid, pager gen, TablePos)
        self.ipk = table.ipk
        self.ncols = len(table.columns)
        # ON CONFLICT clauses: (target column set, or None for any; handler, None = DO
        # NOTHING; AFTER UPDATE triggers (old, oldk, new, newk), or None)
        self.upserts: list[tuple[frozenset[int] | None, Callable[..., Any] | None,
                                 Callable[..., Any] | None]] = []
        self.upserted = False  # the last insert() became the UPSERT's UPDATE
        # (BEFORE, AFTER) DELETE triggers of rows REPLACE removes: set by the
        # statement's code when PRAGMA recursive_triggers is on (replace_delete)
        self.replace_triggers: tuple[list[Any], list[Any]] | None = None
        self._in_upsert = False
        # foreign keys (exec/fkey.py): the table's plan while PRAGMA foreign_keys is on;
        # fk_cols: the columns an UPDATE's SET names (None: those whose value changes)
        self.fk = _fkey.plan_for(ctx.session, table) if ctx.session.foreign_keys else None
        self.fk_cols: frozenset[int] | None = None

    # ---- helpers

    def __getattr__(self, name: str) -> Any:
        if name == "cur":  # the table cursor, made on first use
            cur = self.cur = _TableCursor(self.pg, self.t.root)
            return cur
        raise AttributeError(name)

    def _found(self, rowid: int) -> Any:
        """Where rowid_eq below found rowid (a TablePos), while no page changed since;
        else None."""
        p = self._pos
        if p is not None and p[0] == rowid and p[1] == self.pg.gen and p[2][3]:
            return p[2]
        return None

    def rowid_eq(self, v: Any) -> tuple[tuple[int, bytes], ...]:
        """The statement's own row lookup by rowid (runtime.rowid_eq through
        btree.table_find): ((rowid, payload),) or (), remembering where the row is:
        the update or delete that follows need not descend again."""
        r = v if type(v) is int else _rowid_value(v)
        if r is None:
            return ()
        pg = self.pg
        pos, payload = _btree.table_find(pg, self.t.root, r)
        if payload is None:
            return ()
        self._pos = (r, pg.gen, pos)
        return ((r, payload),)

    def _action(self, own: str | None) -> str:
        return (self.conflict or own or "ABORT").upper()

    def _fail(self, msg: str, code: int, own: str | None) -> None:
        act = self._action(own)
        if act == "IGNORE":
            raise IgnoreRow()
        raise ConflictAbort(msg, code, act)

    def _upsert_for(self, cols: frozenset[int]) -> int:
        if self._in_upsert:
            return -1
        for n, (target, *_) in enumerate(self.upserts):
            if target is None or target == cols:
                return n
        return -1

    def _covers(self, idx: Index, vals: list[Any], rowid: int) -> bool:
        """Does the (partial) index hold an entry for this row?"""
        pred = self.partial.get(idx.name)
        if pred is None:
            return True
        return bool(V.truth(pred(vals, rowid)))

    def _key(self, idx: Index, vals: list[Any], rowid: Any) -> tuple[Any, ...]:
        if idx.exprs:
            return self.keys[idx.name](vals, rowid)
        return tuple(rowid if c < 0 else vals[c] for c in idx.columns)

    def _find(self, idx: Index, ki: Any, key: tuple[Any, ...], rowid: int) -> int | None:
        from pyrite.storage import iter_index

        for e in iter_index(self.pg, idx.root, ki, key, True, key, True):
            if e[-1] != rowid:
                return int(e[-1])
        return None

    def _read(self, rowid: int) -> list[Any] | None:
        if not self.cur.seek(rowid):
            return None
        vals = list(_record.decode(self.cur.payload()))
        if self.virt:
            rec = vals
            vals = [None] * self.ncols
            for j, c in enumerate(self.rec_cols):
                vals[c] = rec[j] if j < len(rec) else self._default(c)
        elif len(vals) < self.ncols:
            vals.extend(self._default(i) for i in range(len(vals), self.ncols))
        if self.ipk is not None:
            vals[self.ipk] = rowid
        if self.gen is not None and self.virt:
            self.gen(vals, rowid)
        return vals

    def _default(self, i: int) -> Any:
        d = self.defaults[i] if i < len(self.defaults) else None
        return d() if d is not None else None

    def _prepare(self, vals: list[Any], rowid: Any) -> int:
        """Affinity, rowid choice, NOT NULL and CHECK; returns the rowid."""
        affs = self.affs
        i = 0
        for v, k in zip(vals, self.aff_fast, strict=True):
            if v is not None and k is not True and (type(v) is not k or v == 0.0 and k is float):
                vals[i] = V.apply_affinity(v, affs[i])
            i += 1
        if self.ipk is not None:
            rowid = vals[self.ipk]
        if rowid is None:
            rowid = self._new_rowid()
        elif not isinstance(rowid, int):
            r = V.apply_affinity(rowid, V.Affinity.INTEGER)
            if isinstance(r, float) and r.is_integer() and abs(r) < 2**63:
                r = int(r)
            if not isinstance(r, int):
                raise errors.IntegrityError("datatype mismatch", code=C.SQLITE_MISMATCH)
            rowid = r
        if self.ipk is not None:
            vals[self.ipk] = rowid
        if self.gen is not None:
            self.gen(vals, rowid)
        if self._valid:
            self._validate(vals, rowid)
        return int(rowid)

    def fill(self, vals: list[Any], rowid: Any) -> None:
        """fill(vals, rowid): a NEW row as a BEFORE trigger sees it: the columns'
        affinity applied, then the generated columns computed (insert.c)."""
        cols = self.t.columns
        for i, aff in enumerate(self.affs):
            v = vals[i]
            if v is not None and cols[i].generated is None:
                vals[i] = V.apply_affinity(v, aff)
        if self.gen is not None:
            self.gen(vals, rowid)

    def _strict(self, vals: list[Any]) -> None:
        """STRICT: after affinity, each value must be of its column's storage class."""
        for i, ok, col in self.strict:
            v = vals[i]
            if v is not None and type(v) not in ok:
                raise ConflictAbort(
                    f"cannot store {_CLASS_NAME.get(type(v), 'BLOB')} value in {col}",
                    _CONSTRAINT_DATATYPE,
                    "ABORT" if self._action(None) in ("IGNORE", "REPLACE") else self._action(None))

    def _validate(self, vals: list[Any], rowid: Any) -> None:
        """STRICT types, NOT NULL (with REPLACE's default substitution), CHECK."""
        t = self.t
        affs = self.affs
        if self.strict:
            self._strict(vals)
        gen = self.gen
        replaced = False
        for i in self.notnull:
            col = t.columns[i]
            if vals[i] is None:
                if gen is not None and col.generated is not None:
                    continue  # generated columns: on a second pass, below
                act = self._action(t.notnull_conflict.get(i))
                if act == "REPLACE" and col.default is not None:
                    vals[i] = V.apply_affinity(self._default(i), affs[i])
                    replaced = True
                    if vals[i] is not None:
                        continue
                self._fail(f"NOT NULL constraint failed: {t.name}.{col.name}",
                           C.SQLITE_CONSTRAINT_NOTNULL,
                           None if act == "REPLACE" else t.notnull_conflict.get(i))
        if gen is not None:
            if replaced:  # a DEFAULT filled in: the generated columns may read it
                gen(vals, rowid)
            for i in self.notnull:
                if vals[i] is None and t.columns[i].generated is not None:
                    act = self._action(t.notnull_conflict.get(i))  # REPLACE acts as ABORT
                    self._fail(f"NOT NULL constraint failed: {t.name}.{t.columns[i].name}",
                               C.SQLITE_CONSTRAINT_NOTNULL,
                               None if act == "REPLACE" else t.notnull_conflict.get(i))
        for name, chk in self.checks:
            res = chk(vals, rowid)
            if res is not None and not V.truth(res):
                act = self._action(None)
                if act == "IGNORE":
                    raise IgnoreRow()
                raise ConflictAbort(f"CHECK constraint failed: {name}", C.SQLITE_CONSTRAINT_CHECK,
                                    "ABORT" if act == "REPLACE" else act)

    def _seq(self) -> tuple[int | None, int]:
        """AUTOINCREMENT: (sqlite_sequence rowid of this table or None, its seq)."""
        from pyrite.storage import iter_table, record

        seq = self.ctx.session.catalog.of(self.t.temp).tables.get("sqlite_sequence")
        if seq is None:
            return None, 0
        for rowid, payload in iter_table(self.pg, seq.root):
            rec = record.decode(payload)
            if isinstance(rec[0], str) and rec[0].lower() == self.t.name.lower():
                return rowid, int(rec[1] or 0) if isinstance(rec[1], int) else 0
        return None, 0

    def _seq_update(self, r: int) -> None:
        from pyrite.storage import TableCursor, record

        seq = self.ctx.session.catalog.of(self.t.temp).tables.get("sqlite_sequence")
        if seq is None:
            return
        srow, cur_seq = self._seq()
        if srow is not None and r <= cur_seq:
            return
        cur = TableCursor(self.pg, seq.root)
        if srow is None:
            srow = cur.max_rowid() + 1
        cur.insert(srow, bytes(record.encode([self.t.name, r])))

    def _new_rowid(self) -> int:
        m = self.cur.max_rowid()
        if self.t.autoincrement:
            _, s = self._seq()
            m = max(m, s)
            if m >= 2**63 - 1:
                raise errors.OperationalError("database or disk is full", code=C.SQLITE_FULL)
        if m < 2**63 - 1:
            return int(m) + 1
        import random

        for _ in range(100):
            r = random.randint(1, 2**63 - 1)
            if not self.cur.seek(r):
                return r
        raise errors.OperationalError("database or disk is full", code=C.SQLITE_FULL)

    def _check_unique(self, vals: list[Any], rowid: int, old_rowid: int | None,
                      exists: bool | None = None) -> list[int]:
        """Returns rowids to delete first (REPLACE); raises on other conflicts.
        exists: whether the table holds rowid, when the caller has just _locate'd it."""
        t = self.t
        victims: list[int] = []
        if rowid != old_rowid and (self._locate(rowid)[3] if exists is None else exists):
            own = t.pk_conflict if t.ipk is not None else None
            u = self._upsert_for(frozenset((-1,)))
            if u >= 0 and old_rowid is None:
                raise UpsertHit(rowid, u)
            if self._action(own) == "REPLACE":
                victims.append(rowid)
            else:
                if t.ipk is not None:
                    msg = f"UNIQUE constraint failed: {t.name}.{t.columns[t.ipk].name}"
                    code = C.SQLITE_CONSTRAINT_PRIMARYKEY
                else:
                    msg = f"UNIQUE constraint failed: {t.name}.rowid"
                    code = C.SQLITE_CONSTRAINT_ROWID
                self._fail(msg, code, own)
        for idx, ki, _ in self._unique_order():
            if not self._covers(idx, vals, rowid):
                continue
            key = self._key(idx, vals, rowid)
            if any(v is None for v in key):
                continue
            other = self._find(idx, ki, key, old_rowid if old_rowid is not None else rowid)
            if other is None or other in victims:
                continue
            if other == rowid and old_rowid is None:
                continue
            u = self._upsert_for(frozenset(idx.columns))
            if u >= 0 and old_rowid is None:
                raise UpsertHit(other, u)
            if self._action(idx.on_conflict) == "REPLACE":
                victims.append(other)
                continue
            code = C.SQLITE_CONSTRAINT_PRIMARYKEY if idx.origin == "pk" else C.SQLITE_CONSTRAINT_UNIQUE
            self._fail(unique_message(t, idx), code, idx.on_conflict)
        return victims

    _uorder: list[tuple[Index, Any, Any]] | None = None

    def _unique_order(self) -> list[tuple[Index, Any, Any]]:
        """The UNIQUE indexes in the order SQLite checks them: the ON CONFLICT
        targets first (clause order), then its table's index list, which puts the
        newest first and those declared ON CONFLICT REPLACE last (build.c)."""
        order = self._uorder
        if order is None:
            uniq = [e for e in reversed(self.idx) if e[0].unique]
            order = [e for e in uniq if (e[0].on_conflict or "").upper() != "REPLACE"] + [
                e for e in uniq if (e[0].on_conflict or "").upper() == "REPLACE"]
            self._uorder = order
        if self.upserts:
            first: list[tuple[Index, Any, Any]] = []
            for target, *_ in self.upserts:
                for e in order:
                    if target is not None and frozenset(e[0].columns) == target and e not in first:
                        first.append(e)
            if first:
                order = first + [e for e in order if e not in first]
        return order

    def _locate(self, rowid: int) -> Any:
        """Where rowid is or belongs in the table (btree.table_locate), remembered for
        the write that follows while no page changes."""
        pg = self.pg
        pos = _btree.table_locate(pg, self.t.root, rowid)
        self._pos = (rowid, pg.gen, pos)
        return pos

    def _encode(self, vals: list[Any]) -> bytes:
        if self.virt:
            return _encode_row([None if c == self.ipk else vals[c] for c in self.rec_cols])
        if self.ipk is not None:
            rec = list(vals)
            rec[self.ipk] = None
            return _encode_row(rec)
        return _encode_row(vals)

    # ---- operations

    def _upsert(self, hit: UpsertHit, vals: list[Any], oldk: Any) -> list[Any] | None:
        """The ON CONFLICT clause `hit` names, run on the row in the way: its DO UPDATE
        (BEFORE UPDATE triggers inside the handler, AFTER UPDATE ones here) or DO
        NOTHING. -> the updated row, also left in `vals`; None when nothing was
        written. oldk: the row's rowid (None WITHOUT ROWID)."""
        _, handler, after = self.upserts[hit.clause]
        if handler is None:
            return None
        old = self._read(hit.rowid)
        assert old is not None
        new: list[Any] | None = handler(list(old), oldk, list(vals))
        if new is None:
            return None
        self._in_upsert = True
        try:
            if not self.update(oldk, old, new):
                return None
        finally:
            self._in_upsert = False
        vals[:] = new
        self.upserted = True
        if after is not None:
            newk = int(new[self.ipk]) if oldk is not None and self.ipk is not None else oldk
            after(old, oldk, new, newk)
        return new

    def insert(self, vals: list[Any], rowid: Any = None) -> int | None:
        """insert(vals, rowid) -> the rowid written (or updated by UPSERT), None if skipped.
        `vals` is left holding the stored values (affinity applied, rowid alias set)."""
        pg = self.pg
        root = self.t.root
        try:
            r = self._prepare(vals, rowid)
            # where the row goes: the write below uses it unless REPLACE removed rows
            # first (the checks in between only read)
            at = _btree.table_locate(pg, root, r)
            victims = self._check_unique(vals, r, None, at[3]) if (
                at[3] or self.has_unique) else ()
        except IgnoreRow:
            return None
        except UpsertHit as hit:
            new = self._upsert(hit, vals, hit.rowid)
            if new is None:
                return None
            return int(new[self.ipk]) if self.ipk is not None else hit.rowid
        for v in victims:
            old = self._read(v)
            if old is not None:
                self.replace_delete(v, old)
        payload = self._encode(vals)
        _btree.table_insert(pg, root, r, payload, None if victims else at)
        for idx, _, icur in self.idx:
            if self._covers(idx, vals, r):
                icur.insert(self._key(idx, vals, r) + (r,))
        if self.t.autoincrement:
            self._seq_update(r)
        if self.fk is not None:
            _fkey.after_write(self, self.fk, None, None, vals, r)
        ctx = self.ctx
        ctx.changes += 1
        ctx.session.last_insert_rowid = r
        return r

    def replace_delete(self, rowid: Any, old: list[Any]) -> None:
        """Delete a row a REPLACE conflict removes; its DELETE triggers fire around it
        only with PRAGMA recursive_triggers on (insert.c: replace_triggers)."""
        rt = self.replace_triggers
        if rt is None:
            self.delete(rowid, old)
            return
        for b in rt[0]:
            self.ctx.fire(b, old, rowid, NULLROW, None)
        self.delete(rowid, old)
        for a in rt[1]:
            self.ctx.fire(a, old, rowid, NULLROW, None)

    def delete(self, rowid: int, old: list[Any] | None) -> None:
        """delete(rowid, old): old is the row, or None from a DELETE that did not read
        it (no index, trigger, RETURNING or generated column needs it); read here
        when something still does (a foreign key: PRAGMA foreign_keys is per run)."""
        fk = self.fk
        if old is None and (fk is not None or self.idx):
            old = self._read(rowid)
            if old is None:
                return
        if fk is not None:
            _fkey.before_write(self, fk, rowid, old, None)
        at = self._found(rowid)
        if at is not None:
            self._pos = None
            _btree.table_delete(self.pg, self.t.root, rowid, at)
        elif self.cur.seek(rowid):
            self.cur.delete()
        if old is not None:
            for idx, _, icur in self.idx:
                if self._covers(idx, old, rowid):
                    icur.delete_values(self._key(idx, old, rowid) + (rowid,))
        if fk is not None:
            _fkey.after_write(self, fk, rowid, old, None, None)

    def update(self, rowid: int, old: list[Any], new: list[Any]) -> bool:
        """update(rowid, old, new) -> False when the row was skipped (OR IGNORE, or
        already deleted by an earlier row's REPLACE: SQLite's OP_NotExists)."""
        at = self._found(rowid)
        gen = self.pg.gen
        if at is None and not self.cur.seek(rowid):
            return False
        try:
            r = self._prepare(new, rowid if self.ipk is None else None)
            victims = self._check_unique(new, r, rowid) if (
                r != rowid or self.has_unique) else ()
        except IgnoreRow:
            return False
        for v in victims:
            if v == rowid:
                continue
            o = self._read(v)
            if o is not None:
                self.replace_delete(v, o)
        fk = self.fk
        if fk is not None:
            _fkey.before_write(self, fk, rowid, old, new)
        for idx, _, icur in self.idx:
            if self._covers(idx, old, rowid):
                icur.delete_values(self._key(idx, old, rowid) + (rowid,))
        if r != rowid and self.cur.seek(rowid):
            self.cur.delete()
        payload = self._encode(new)
        if at is not None and r == rowid and self.pg.gen == gen:
            _btree.table_insert(self.pg, self.t.root, r, payload, at)
        else:
            self.cur.insert(r, payload)
        for idx, _, icur in self.idx:
            if self._covers(idx, new, r):
                icur.insert(self._key(idx, new, r) + (r,))
        self.ctx.changes += 1
        if fk is not None:
            _fkey.after_write(self, fk, rowid, old, new, r)
        return True


class WriterSlot:
    """One statement's TableWriter, kept between its executions when the writer holds
    nothing of a single run (no CHECK, DEFAULT, partial or expression index, generated
    column functions: those are closures of the run). take() hands it out (or a new
    one, while it is out: a nested run of the same program); the statement's code puts
    it back at its normal end. A writer of another pager or catalog is not reused."""

    def __init__(self, table: Table, conflict: str | None) -> None:
        self.table = table
        self.conflict = conflict
        self.defaults: list[Callable[[], Any] | None] = [None] * len(table.columns)
        self.free: TableWriter | None = None

    def take(self, ctx: Any) -> TableWriter:
        w = self.free
        t = self.table
        if w is not None:
            self.free = None
            session = ctx.session
            pg = session.temp_pager if t.temp else ctx.pager
            st = w._st
            if pg is w.pg and st.table is t and st.generation == session.catalog.generation:
                w.ctx = ctx
                w.upserts = []
                w.replace_triggers = None
                w._in_upsert = False
                w._pos = None
                w.fk = _fkey.plan_for(session, t) if session.foreign_keys else None
                w.fk_cols = None
                return w
        return TableWriter(ctx, t, self.conflict, [], self.defaults, {}, {}, None)


# --------------------------------------------------------------------------- WITHOUT ROWID


def _coll_fn(ctx: Any, name: str | None) -> Any:
    n = (name or "BINARY").upper()
    return None if n == "BINARY" else ctx.collations.get(n)


def wr_inverse(t: Table) -> tuple[int, ...]:
    """wr_inverse(t) -> for each table column, its position in the record (-1 for
    a VIRTUAL generated column, which the record does not hold)."""
    order = t.record_order()
    inv = [-1] * len(t.columns)
    for j, c in enumerate(order):
        inv[c] = j
    return tuple(inv)


def wr_rows(pager: Any, root: int, inv: tuple[int, ...], ki: Any,
            key: tuple[Any, ...] | None) -> Any:
    """wr_rows(pager, root, inv, ki, key) -> (None, row in table order) for each entry
    of a WITHOUT ROWID table, all of them or those whose PRIMARY KEY starts with key."""
    from pyrite.storage import iter_index

    if key is None:
        it = iter_index(pager, root, ki)
    elif any(v is None for v in key):
        return
    else:
        it = iter_index(pager, root, ki, key, True, key, True)
    n = len(inv)
    if -1 in inv:
        n = max(inv) + 1
        for rec in it:
            if len(rec) < n:
                rec = tuple(rec) + (None,) * (n - len(rec))
            yield None, [rec[j] if j >= 0 else None for j in inv]
        return
    for rec in it:
        if len(rec) < n:
            rec = tuple(rec) + (None,) * (n - len(rec))
        yield None, [rec[j] for j in inv]


def index_layout(collations: Any, t: Table, idx: Index) -> tuple[Any, list[int] | None]:
    """index_layout(collations, t, idx) -> (KeyInfo of an entry, the PK columns that
    end each entry of a WITHOUT ROWID table's index, or None: entries end with the rowid).
    A PK column already in the key (same collation) is not repeated (isDupColumn)."""
    from pyrite.storage import KeyInfo

    def fn(name: str | None) -> Any:
        n = (name or "BINARY").upper()
        return None if n == "BINARY" else collations.get(n)

    if not t.without_rowid:
        return (KeyInfo(tuple(fn(c) for c in idx.collations) + (None,),
                        tuple(idx.desc) + (False,)), None)
    pk = t.wr_index
    assert pk is not None
    tail_j = [j for j, c in enumerate(pk.columns) if not any(
        ic == c and (idx.collations[n] or "BINARY").upper()
        == (pk.collations[j] or "BINARY").upper() for n, ic in enumerate(idx.columns))]
    ki = KeyInfo(tuple(fn(c) for c in idx.collations) + tuple(fn(pk.collations[j]) for j in tail_j),
                 tuple(idx.desc) + tuple(pk.desc[j] for j in tail_j))
    return ki, [pk.columns[j] for j in tail_j]


class WrTableWriter(TableWriter):
    """Writes a WITHOUT ROWID table: one index B-tree keyed by the PRIMARY KEY
    holding whole rows (PK columns first); secondary index keys end with the PK
    columns they do not already hold (SQLite's isDupColumn rule). The `rowid`
    of the base class becomes the PK tuple; last_insert_rowid is untouched."""

    def __init__(self, ctx: Any, table: Table, conflict: str | None,
                 checks: list[tuple[str, Callable[[list[Any], int], Any]]],
                 defaults: list[Callable[[], Any] | None],
                 partial: dict[str, Callable[[list[Any], int], Any]] | None = None,
                 keys: dict[str, Callable[[list[Any], Any], tuple[Any, ...]]] | None = None,
                 gen: Callable[[list[Any], Any], None] | None = None
                 ) -> None:
        from pyrite.storage import IndexCursor, KeyInfo

        super().__init__(ctx, table, conflict, checks, defaults, partial, keys, gen)
        pk = table.wr_index
        assert pk is not None
        self.pk = list(table.wr_pk)
        self.pk_ki = KeyInfo(tuple(_coll_fn(ctx, c) for c in pk.collations), tuple(pk.desc))
        self.wcur = IndexCursor(self.pg, table.root, self.pk_ki)
        self.order = table.record_order()
        self.pk_names = ", ".join(f"{table.name}.{table.columns[c].name}" for c in self.pk)
        # per secondary index: the PK columns appended to its key, and where each
        # PK column sits in an entry (to recover a conflicting row's PK)
        self.tails: list[list[int]] = []
        self.pkpos: list[list[int]] = []
        self.idx = []
        for idx in table.indexes:
            ki, tail_or_none = index_layout(ctx.collations, table, idx)
            assert tail_or_none is not None
            tail = tail_or_none
            self.idx.append((idx, ki, IndexCursor(self.pg, idx.root, ki)))
            self.tails.append(tail)
            self.pkpos.append([len(idx.columns) + tail.index(c) if c in tail
                               else idx.columns.index(c) for c in self.pk])

    def _same(self, a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
        from pyrite.storage import record

        return record.compare(a, b, self.pk_ki) == 0

    def pk_of(self, vals: list[Any]) -> tuple[Any, ...]:
        return tuple(vals[c] for c in self.pk)

    def _entry(self, n: int, vals: list[Any]) -> tuple[Any, ...]:
        return self._key(self.idx[n][0], vals, None) + tuple(vals[c] for c in self.tails[n])

    def _read(self, rowid: Any) -> list[Any] | None:
        from pyrite.storage import iter_index

        for rec in iter_index(self.pg, self.t.root, self.pk_ki, rowid, True, rowid, True):
            row: list[Any] = [None] * self.ncols
            for j, c in enumerate(self.order):
                row[c] = rec[j] if j < len(rec) else self._default(c)
            if self.gen is not None and self.virt:
                self.gen(row, None)
            return row
        return None

    def _prepare_wr(self, vals: list[Any]) -> tuple[Any, ...]:
        affs = self.affs
        for i in range(self.ncols):
            v = vals[i]
            if v is not None:
                vals[i] = V.apply_affinity(v, affs[i])
        if self.gen is not None:
            self.gen(vals, None)
        self._validate(vals, None)
        return self.pk_of(vals)

    def _check_unique_wr(self, vals: list[Any], pk: tuple[Any, ...],
                         old_pk: tuple[Any, ...] | None) -> list[tuple[Any, ...]]:
        """Returns PKs of rows to delete first (REPLACE); raises on other conflicts."""
        from pyrite.storage import iter_index

        t = self.t
        victims: list[tuple[Any, ...]] = []
        for n in self._wr_order():
            if n < 0:  # the PRIMARY KEY
                if old_pk is not None and self._same(pk, old_pk):
                    continue
                if self._read(pk) is not None and not any(self._same(pk, v) for v in victims):
                    u = self._upsert_for(frozenset(self.pk))
                    if u >= 0 and old_pk is None:
                        raise UpsertHit(pk, u)
                    if self._action(t.pk_conflict) == "REPLACE":
                        victims.append(pk)
                    else:
                        self._fail(f"UNIQUE constraint failed: {self.pk_names}",
                                   C.SQLITE_CONSTRAINT_PRIMARYKEY, t.pk_conflict)
                continue
            idx, ki, _ = self.idx[n]
            if not self._covers(idx, vals, None):  # type: ignore[arg-type]
                continue
            key = self._key(idx, vals, None)
            if any(v is None for v in key):
                continue
            pos = self.pkpos[n]
            for e in iter_index(self.pg, idx.root, ki, key, True, key, True):
                other = tuple(e[p] for p in pos)
                if (old_pk is not None and self._same(other, old_pk)) \
                        or any(self._same(other, v) for v in victims):
                    continue
                u = self._upsert_for(frozenset(idx.columns))
                if u >= 0 and old_pk is None:
                    raise UpsertHit(other, u)
                if self._action(idx.on_conflict) == "REPLACE":
                    victims.append(other)
                    continue
                code = (C.SQLITE_CONSTRAINT_PRIMARYKEY if idx.origin == "pk"
                        else C.SQLITE_CONSTRAINT_UNIQUE)
                self._fail(unique_message(t, idx), code, idx.on_conflict)
        return victims

    _wr_base: list[int] | None = None

    def _wr_order(self) -> list[int]:
        """The uniqueness checks in SQLite's order (see _unique_order): -1 for the
        PRIMARY KEY, else a position in self.idx. The PRIMARY KEY is one of the
        table's indexes there, created where its constraint stands."""
        base = self._wr_base
        if base is None:
            def rank(name: str, n: int) -> int:
                tail = name.rsplit("_", 1)[-1]
                if name.lower().startswith("sqlite_autoindex_") and tail.isdigit():
                    return int(tail)
                return 1_000_000 + n

            t = self.t
            assert t.wr_index is not None
            items = [(rank(t.wr_index.name, -1), -1, (t.pk_conflict or "").upper() == "REPLACE")]
            items += [(rank(idx.name, n), n, (idx.on_conflict or "").upper() == "REPLACE")
                      for n, (idx, _, _) in enumerate(self.idx) if idx.unique]
            items.sort(key=lambda x: (x[2], -x[0]))
            base = self._wr_base = [n for _, n, _ in items]
        if self.upserts:
            first: list[int] = []
            for target, *_ in self.upserts:
                for n in base:
                    cols = frozenset(self.pk) if n < 0 else frozenset(self.idx[n][0].columns)
                    if target is not None and cols == target and n not in first:
                        first.append(n)
            if first:
                return first + [n for n in base if n not in first]
        return base

    def _write(self, vals: list[Any]) -> None:
        self.wcur.insert([vals[c] for c in self.order])
        for n, (idx, _, icur) in enumerate(self.idx):
            if self._covers(idx, vals, None):  # type: ignore[arg-type]
                icur.insert(self._entry(n, vals))

    def insert(self, vals: list[Any], rowid: Any = None) -> Any:
        """insert(vals) -> the PK tuple written (or updated by UPSERT), None if skipped."""
        try:
            pk = self._prepare_wr(vals)
            victims = self._check_unique_wr(vals, pk, None)
        except IgnoreRow:
            return None
        except UpsertHit as hit:
            new = self._upsert(hit, vals, None)
            return None if new is None else self.pk_of(new)
        for v in victims:
            old = self._read(v)
            if old is not None:
                self.replace_delete(None, old)
        self._write(vals)
        self.ctx.changes += 1
        if self.fk is not None:
            _fkey.after_write(self, self.fk, None, None, vals, None)
        return pk

    def delete(self, rowid: Any, old: list[Any] | None) -> None:
        assert old is not None  # a WITHOUT ROWID row is found by its values
        fk = self.fk
        if fk is not None:
            _fkey.before_write(self, fk, None, old, None)
        self._delete(old)
        if fk is not None:
            _fkey.after_write(self, fk, None, old, None, None)

    def _delete(self, old: list[Any]) -> None:
        self.wcur.delete_values(self.pk_of(old))
        for n, (idx, _, icur) in enumerate(self.idx):
            if self._covers(idx, old, None):  # type: ignore[arg-type]
                icur.delete_values(self._entry(n, old))

    def update(self, rowid: Any, old: list[Any], new: list[Any]) -> bool:
        old_pk = self.pk_of(old)
        try:
            pk = self._prepare_wr(new)
            victims = self._check_unique_wr(new, pk, old_pk)
        except IgnoreRow:
            return False
        for v in victims:
            if self._same(v, old_pk):
                continue
            o = self._read(v)
            if o is not None:
                self.replace_delete(None, o)
        fk = self.fk
        if fk is not None:
            _fkey.before_write(self, fk, None, old, new)
        self._delete(old)
        self._write(new)
        self.ctx.changes += 1
        if fk is not None:
            _fkey.after_write(self, fk, None, old, new, None)
        return True


def row_payload(pager: Any, root: int, rowid: int) -> Any:
    """row_payload(pager, root, rowid) -> the record of that row, None if it is gone."""
    from pyrite.storage import TableCursor

    cur = TableCursor(pager, root)
    return cur.payload() if cur.seek(rowid) else None


def wr_current(pager: Any, root: int, inv: tuple[int, ...], ki: Any, pk: tuple[int, ...],
               row: list[Any]) -> list[Any] | None:
    """wr_current(...) -> the row of a WITHOUT ROWID table with row's PRIMARY KEY as
    it is now, None if there is none."""
    for _, cur in wr_rows(pager, root, inv, ki, tuple(row[c] for c in pk)):
        return list(cur)
    return None


def update_from_rows(rows: Any, pk: tuple[int, ...] | None) -> list[Any]:
    """update_from_rows(rows, pk) -> one (key, old, new) per target row of UPDATE … FROM:
    the last join match wins, in rowid order (SQLite's ephemeral table keyed by rowid)."""
    got: dict[Any, Any] = {}
    for k, old, new in rows:
        got[k if pk is None else tuple(old[c] for c in pk)] = (k, old, new)
    if pk is None:
        return [got[key] for key in sorted(got)]
    return list(got.values())


# --------------------------------------------------------------------------- codegen


def clock_use(e: ast.Expr | None) -> str | None:
    """See ddl.clock_use (an index expression that reads the clock)."""
    from pyrite.exec import ddl

    return ddl.clock_use(e)


def _check_text(e: ast.Expr) -> str:
    """Label of a CHECK with neither name nor source text (built, not parsed)."""
    from pyrite.sql import render

    return render.render_expr(e)


class DmlCompiler(Compiler):
    """Compiler with INSERT / UPDATE / DELETE (+ RETURNING, UPSERT)."""

    returning_names: list[str]
    returning_decls: list[str | None]
    # UPDATE/DELETE: (the target's Src, the writer's local name) while its loops compile
    _wtarget: tuple[Src, str] | None = None
    _one_row = False  # _scan_target's loop reads the target by rowid: one row at most
    # The statement writes one row at most and every check that can fail (constraints,
    # expressions, user collations) runs before its first page write: failing, it
    # wrote nothing, so it needs no statement savepoint while PRAGMA foreign_keys is
    # off -- an I/O or corruption error inside its writes must then roll back the
    # transaction (SQLite: usesStmtJournal false; sqlite3VdbeHalt's special errors).
    single_write = False

    def _single_target(self, t: Table) -> bool:
        """The writer evaluates nothing after its first write on t (no trigger, no
        expression or partial index, no user collation in an index) and t is a rowid
        table of the main pager; at top level (not a trigger body)."""
        return (self.outer is None and not t.without_rowid and not t.temp
                and not self.catalog.triggers_on(t)
                and not any(i.exprs or i.where is not None or any(
                    (c or "BINARY").upper() not in _BUILTIN_COLLATIONS for c in i.collations)
                    for i in t.indexes))

    @property
    def _slots(self) -> dict[str, str]:
        """Writer local name -> its WriterSlot constant (writer_setup, put_back)."""
        d: dict[str, str] | None = self.__dict__.get("_slot_names")
        if d is None:
            d = self.__dict__["_slot_names"] = {}
        return d

    def put_back(self, w: str, main: Func) -> None:
        """At the normal end of a statement's code: its writer goes back to its slot."""
        slot = self._slots.get(w)
        if slot is not None:
            main.emit(0, f"{slot}.free = {w}")

    live_in: bool = False  # compiling UPDATE's SET: IN (SELECT col) through an index reads live

    def target(self, ref: ast.TableRef) -> Table:
        sch = ref.schema or self.default_schema
        obj = self.catalog.table_or_view(ref.name, sch)
        t = obj if isinstance(obj, Table) else None
        if t is None:
            if obj is not None:
                raise errors.OperationalError(f"cannot modify {ref.name} because it is a view")
            where = "" if sch is None else sch + "."
            raise errors.OperationalError(f"no such table: {where}{ref.name}")
        if t.name.lower() == "sqlite_schema":
            raise errors.OperationalError(f"table {t.name} may not be modified")
        return t

    def table_src(self, t: Table, alias: str | None, rvar: str | None = None,
                  kvar: str | None = None) -> Src:
        rv = rvar or self.fresh("r")
        kv = None if t.without_rowid else (kvar or ("k" + rv[1:]))
        return Src(alias or t.name, [c.name for c in t.columns], [c.affinity for c in t.columns],
                   [c.collation for c in t.columns], [c.decl_type for c in t.columns],
                   rv, kv, table=t, ipk=t.ipk, full_row=True)

    # ---- reading WITHOUT ROWID tables (hooks over the SELECT compiler)

    def make_source(self, leaf: Any, parent: Scope | None, f: Func,
                    materialize: list[str]) -> Src:
        src = super().make_source(leaf, parent, f, materialize)
        if src.table is not None and src.table.without_rowid:
            src.kvar = None  # no rowid: "rowid" does not resolve
        return src

    def _wr_iter(self, t: Table, key: str | None = None) -> str:
        ki = "None" if key is None else self.key_info(t.wr_index)  # type: ignore[arg-type]
        return (f"{self.const(wr_rows)}({self.pg_of(t)}, {self.const(t.root)}, "
                f"{self.const(wr_inverse(t))}, {ki}, {key or 'None'})")

    def access_path(self, src: Src, i: int, sc: Scope, terms: list[ast.Expr]) -> tuple[str, str]:
        t = src.table
        if t is None or not t.without_rowid:
            it, desc = super().access_path(src, i, sc, terms)
            wt = self._wtarget
            if wt is not None and wt[0] is src and it.startswith("rowid_eq("):
                # the writer reads the row itself: its update/delete then needs no seek
                it = f"{wt[1]}.rowid_eq({it.split(', ', 2)[2]}"
                self._one_row = True
            return it, desc
        self.path_decoded = True
        pk = t.wr_index
        assert pk is not None
        label = src.label or (
            t.name if src.name.lower() == t.name.lower() else f"{t.name} AS {src.name}")
        eqs: dict[int, ast.Expr] = {}
        ins: dict[int, ast.InList] = {}
        lows: dict[int, tuple[ast.Expr, bool]] = {}
        highs: dict[int, tuple[ast.Expr, bool]] = {}
        for term in terms:
            self._classify(term, src, i, sc, eqs, ins, lows, highs)
        prefix: list[int] = []
        for n, c in enumerate(pk.columns):
            if c not in eqs or not self._coll_ok(pk, n, src, c):
                break
            prefix.append(c)
        if not prefix:
            return self._wr_iter(t), f"SCAN {label}"
        key = "(" + "".join(self._probe(eqs[c], src, c, sc) + ", " for c in prefix) + ")"
        names = " AND ".join(f"{src.colnames[c]}=?" for c in prefix)
        return self._wr_iter(t, key), f"SEARCH {label} USING PRIMARY KEY ({names})"

    def prebuild(self, src: Src, i: int, sc: Scope, f: Func, terms: list[ast.Expr],
                 srcsets: dict[int, set[int] | None], base: str | None,
                 base_decoded: bool = False) -> tuple[str, bool, str]:
        if src.table is not None and src.table.without_rowid and (base is None or not base_decoded):
            base, base_decoded = self._wr_iter(src.table), True
        return super().prebuild(src, i, sc, f, terms, srcsets, base, base_decoded)

    def minmax_shortcut(self, core: ast.SelectCore, sc: Scope,
                        cols: list[tuple[ast.Expr, str, str | None]],
                        aggs: list[ast.FunctionCall]) -> str | None:
        if any(s.table is not None and s.table.without_rowid for s in sc.srcs):
            return None
        return super().minmax_shortcut(core, sc, cols, aggs)

    def push_with(self, w: ast.With | None) -> None:
        if w is not None:
            self.ctes.append({c.name.lower(): Cte(c.name, c.columns, c.select, w.recursive)
                              for c in w.ctes})

    def gen_func(self, t: Table, main: Func) -> str:
        """A nested function gen(row, rowid) computing the generated columns of a
        full row in place, in SQLite's order, each with its column's affinity."""
        if not t.has_generated():
            return "None"
        fname = self.fresh("gen")
        f = Func(f"def {fname}(row, rowid):")
        sc = Scope([self.table_src(t, t.name, "row", "rowid")], None, f)
        for i in generated_order(t):
            col = t.columns[i]
            assert col.generated is not None
            code = self.ex(col.generated, sc)
            if col.affinity != AFF_BLOB:
                code = f"apply_affinity({code}, {self.const(V.Affinity(col.affinity))})"
            f.emit(0, f"row[{i}] = {code}")
        main.nest(f)
        return fname

    def writer_setup(self, t: Table, conflict: str | None, main: Func, gen: bool = True,
                     changed: set[int] | None = None) -> str:
        """Emit the writer construction; returns its local name. gen: the statement
        writes new rows (INSERT, UPDATE), so the writer computes generated columns.
        changed: an UPDATE's SET columns, whose CHECKs alone are tested."""
        checks = []
        ignore = self.pragma_flag("ignore_check_constraints")  # CHECKs not enforced
        for name, expr in () if ignore else t.checks:
            if changed is not None and not self._check_reads(t, expr, changed):
                continue  # sqlite3ExprReferencesUpdatedColumn: an UPDATE skips it
            fname = self.fresh("chk")
            f = Func(f"def {fname}(row, rowid):")
            src = self.table_src(t, t.name, "row", "rowid")
            sc = Scope([src], None, f)
            f.emit(0, f"return {self.ex(expr, sc)}")
            main.nest(f)
            label = name or _check_text(expr)
            checks.append(f"({self.const(label)}, {fname})")
        defaults = []
        for col in t.columns:
            if col.default is None:
                defaults.append("None")
            else:
                sc = Scope([], None, main)
                defaults.append(f"lambda: {self.ex(col.default, sc)}")
        partial = []
        for idx in t.indexes:
            if idx.where is None:
                continue
            fname = self.fresh("pix")
            f = Func(f"def {fname}(row, rowid):")
            src = self.table_src(t, t.name, "row", "rowid")
            f.emit(0, f"return {self.ex(idx.where, Scope([src], None, f))}")
            main.nest(f)
            partial.append(f"{self.const(idx.name)}: {fname}")
        keys = []
        for idx in t.indexes:
            if not idx.exprs:
                continue
            fname = self.fresh("ixk")
            f = Func(f"def {fname}(row, rowid):")
            clock = next((c for c in map(clock_use, idx.exprs) if c is not None), None)
            if clock is not None:
                f.emit(0, f"raise {self.const(errors.OperationalError)}("
                          f"{self.const(f'non-deterministic use of {clock}() in an index')})")
            ksc = Scope([self.table_src(t, t.name, "row", "rowid")], None, f)
            parts = [self.ex(x, ksc) if x is not None else (f"row[{c}]" if c >= 0 else "rowid")
                     for x, c in zip(idx.exprs, idx.columns, strict=True)]
            f.emit(0, f"return ({''.join(p + ', ' for p in parts)})")
            main.nest(f)
            keys.append(f"{self.const(idx.name)}: {fname}")
        gname = self.gen_func(t, main) if gen else "None"
        w = self.fresh("w")
        if not (checks or partial or keys or t.without_rowid or gname != "None"
                or any(d != "None" for d in defaults)):
            slot = self.const(WriterSlot(t, conflict))
            main.emit(0, f"{w} = {slot}.take(X)")
            self._slots[w] = slot
        else:
            make = self.const(WrTableWriter if t.without_rowid else TableWriter)
            main.emit(0, f"{w} = {make}(X, {self.const(t)}, {self.const(conflict)}, "
                         f"[{', '.join(checks)}], [{', '.join(defaults)}], "
                         f"{{{', '.join(partial)}}}, {{{', '.join(keys)}}}, {gname})")
        if gen and self.pragma_flag("recursive_triggers") and (conflict == "REPLACE" or (
                conflict is None and (t.pk_conflict == "REPLACE" or any(
                    i.on_conflict == "REPLACE" for i in t.indexes)))):
            before = self.trigger_funcs(t, "DELETE", "BEFORE", set(), main)
            after = self.trigger_funcs(t, "DELETE", "AFTER", set(), main)
            if before or after:
                main.emit(0, f"{w}.replace_triggers = ([{', '.join(before)}], "
                             f"[{', '.join(after)}])")
        return w

    @staticmethod
    def _check_reads(t: Table, expr: ast.Expr, changed: set[int]) -> bool:
        """Whether a CHECK reads a column an UPDATE changes (the rowid when the
        INTEGER PRIMARY KEY changes; a generated column when one it reads does)."""
        from pyrite.planner.catalog import column_refs

        grown = set(changed)
        more = True
        while more:  # generated columns over changed ones change too
            more = False
            for i, c in enumerate(t.columns):
                if c.generated is not None and i not in grown and generated_deps(t, i) & grown:
                    grown.add(i)
                    more = True
        for name in column_refs(expr):
            i = t.column_index(name)
            if i < 0 and name in ("rowid", "oid", "_rowid_"):
                i = t.ipk if t.ipk is not None else -1
            if i in grown or (i == -1 and -1 in grown):
                return True
        return False

    def returning(self, items: tuple[ast.ResultColumn, ...], sc: Scope) -> str:
        """Compile RETURNING items over scope sc; returns the row tuple expression."""
        core = ast.SelectCore(items)
        cols = self.expand_columns(core, sc)
        self.returning_names = [n for _, n, _ in cols]
        self.returning_decls = [d for _, _, d in cols]
        return "(" + "".join(self.ex(e, sc) + ", " for e, _, _ in cols) + ")"

    # ---- INSERT

    def gen_insert(self, node: ast.Insert, main: Func) -> None:
        self.push_with(node.with_)
        t = self.target(node.table)
        n = len(t.columns)
        if node.columns:
            targets = []
            for cname in node.columns:
                i = t.column_index(cname)
                if i < 0:
                    if cname.lower() in ("rowid", "oid", "_rowid_") and t.ipk is None \
                            and not t.without_rowid:
                        i = -1
                    else:
                        raise errors.OperationalError(f"table {t.name} has no column named {cname}")
                if i >= 0 and t.columns[i].generated is not None:
                    raise errors.OperationalError(
                        f'cannot INSERT into generated column "{t.columns[i].name}"')
                targets.append(i)
        else:
            targets = [i for i in range(n) if t.columns[i].generated is None]
        w = self.writer_setup(t, node.conflict, main)
        for up in node.upsert:
            self.gen_upsert(t, up, w, main)
        if node.source is None:
            main.emit(0, "for row in ONE:")
        else:
            info = self.gen_select(node.source, self.outer, main)
            width = len(info.names)
            if width != len(targets):
                if node.columns:
                    raise errors.OperationalError(f"{width} values for {len(targets)} columns")
                raise errors.OperationalError(
                    f"table {t.name} has {len(targets)} columns but {width} values were supplied")
            if t.name in self.reads:
                main.emit(0, f"for row in list({info.fname}()):")
            else:
                main.emit(0, f"for row in {info.fname}():")
        dsc = Scope([], None, main)
        parts = []
        for i, col in enumerate(t.columns):
            if i in targets and node.source is not None:
                parts.append(f"row[{targets.index(i)}]")
            elif col.default is not None:
                parts.append(self.ex(col.default, dsc))
            else:
                parts.append("None")
        rowid_expr = f"row[{targets.index(-1)}]" if -1 in targets else "None"
        src_sel = node.source
        self.single_write = self._single_target(t) and not node.upsert \
            and not node.returning and (src_sel is None or (
                isinstance(src_sel.body, ast.Values) and len(src_sel.body.rows) == 1
                and src_sel.with_ is None and src_sel.limit is None))
        before = self.trigger_funcs(t, "INSERT", "BEFORE", set(), main)
        after = self.trigger_funcs(t, "INSERT", "AFTER", set(), main)
        if before or after:
            vv, kk = self.fresh("v"), self.fresh("q")
            main.emit(1, f"{vv} = [{', '.join(parts)}]")
            rk = t.ipk is not None and f"{vv}[{t.ipk}]" or rowid_expr
            if before:
                main.emit(1, f"{w}.fill({vv}, {rk})")
            for b in before:
                main.emit(1, f"if not X.fire({b}, NULLROW, None, {vv}, "
                             f"-1 if {rk} is None else {rk}): continue")
            upd = after and any(up.sets is not None for up in node.upsert)
            if upd:
                main.emit(1, f"{w}.upserted = False")
            main.emit(1, f"{kk} = {w}.insert({vv}, {rowid_expr})")
            main.emit(1, f"if {kk} is None: continue")
            if upd:
                main.emit(1, f"if not {w}.upserted:")
            for a in after:
                main.emit(2 if upd else 1, f"X.fire({a}, NULLROW, None, {vv}, {kk})")
            if node.returning:
                src = self.table_src(t, node.table.alias, vv, kk)
                src.used = set(range(n))
                main.emit(1, f"yield {self.returning(node.returning, Scope([src], None, main))}")
        elif node.returning:
            vv, kk = self.fresh("v"), self.fresh("q")
            main.emit(1, f"{vv} = [{', '.join(parts)}]")
            main.emit(1, f"{kk} = {w}.insert({vv}, {rowid_expr})")
            main.emit(1, f"if {kk} is None: continue")
            src = self.table_src(t, node.table.alias, vv, kk)
            src.used = set(range(n))
            rsc = Scope([src], None, main)
            main.emit(1, f"yield {self.returning(node.returning, rsc)}")
        else:
            main.emit(1, f"{w}.insert([{', '.join(parts)}], {rowid_expr})")
        self.put_back(w, main)

    def gen_upsert(self, t: Table, up: ast.Upsert, w: str, main: Func) -> None:
        target = "None"
        if up.target:
            cols = []
            for ic in up.target:
                e = ic.expr
                while isinstance(e, ast.Collate):
                    e = e.expr
                if not isinstance(e, ast.ColumnRef):
                    raise errors.OperationalError("unsupported ON CONFLICT target")
                c = t.column_index(e.column)
                if c < 0:
                    raise errors.OperationalError(f"no such column: {e.column}")
                cols.append(-1 if c == t.ipk else c)
            key = frozenset(cols)
            if key != frozenset((-1,)) and key != frozenset(t.wr_pk) and not any(
                    ix.unique and frozenset(ix.columns) == key for ix in t.indexes):
                raise errors.OperationalError(
                    "ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint")
            target = self.const(key)
        if up.sets is None:
            main.emit(0, f"{w}.upserts.append(({target}, None, None))")
            return
        fname = self.fresh("ups")
        f = Func(f"def {fname}(old, oldk, exc):")
        src = self.table_src(t, t.name, "old", "oldk")
        src.used = set(range(len(t.columns)))
        exc = Src("excluded", [c.name for c in t.columns], [c.affinity for c in t.columns],
                  [c.collation for c in t.columns], [c.decl_type for c in t.columns],
                  "exc", None, table=None)
        exc.merged = set(range(len(t.columns)))  # unqualified names mean the table's row
        sc = Scope([src, exc], None, f)
        if up.where is not None:
            f.emit(0, f"if not {self.cond(up.where, sc)}: return None")
        f.emit(0, "new = list(old)")
        assigned = self.set_exprs(t, up.sets, sc, f, 0)
        for c, code in assigned.items():
            f.emit(0, f"new[{c}] = {code}")
        # The DO UPDATE is an UPDATE: its BEFORE/AFTER UPDATE triggers fire (and the
        # AFTER INSERT ones do not: gen_insert checks the writer's `upserted`).
        setcols = {t.columns[i].name.lower() for i in assigned if i >= 0}
        before = self.trigger_funcs(t, "UPDATE", "BEFORE", setcols, main)
        after = self.trigger_funcs(t, "UPDATE", "AFTER", setcols, main)
        if before:
            f.emit(0, f"{w}.fill(new, new[{t.ipk}] if new[{t.ipk}] is not None else oldk)"
                   if t.ipk is not None else f"{w}.fill(new, oldk)")
        for b in before:
            f.emit(0, f"if not X.fire({b}, old, oldk, new, oldk): return None")
        f.emit(0, "return new")
        main.nest(f)
        after_fn = "None"
        if after:
            after_fn = self.fresh("upa")
            g = Func(f"def {after_fn}(old, oldk, new, newk):")
            for a in after:
                g.emit(0, f"X.fire({a}, old, oldk, new, newk)")
            main.nest(g)
        main.emit(0, f"{w}.upserts.append(({target}, {fname}, {after_fn}))")

    # ---- triggers

    def trigger_funcs(self, t: Table, event: str, timing: str, set_cols: set[str],
                      main: Func) -> list[str]:
        """Compile the row triggers of t for (timing, event) as nested functions
        trgN(X, old, oldk, new, newk); returns their names in creation order."""
        names: list[str] = []
        for trg in self.catalog.triggers_on(t):
            node = trg.node
            if node.event.upper() != event \
                    or node.timing.upper() != timing:
                continue
            if trg.name.lower() in self.trigger_stack:
                # a trigger re-fires itself only with recursive_triggers on: the
                # function being compiled, called again (run_trigger counts depth)
                again = self.trigger_fnames.get(trg.name.lower())
                if again is not None and self.pragma_flag("recursive_triggers"):
                    names.append(again)
                continue
            if event == "UPDATE" and node.update_columns and not (
                    {c.lower() for c in node.update_columns} & set_cols):
                continue
            fname = self.fresh("trg")
            f = Func(f"def {fname}(X, old, oldk, new, newk):")
            entry = fname
            if self.pragma_flag("recursive_triggers"):
                entry = self.fresh("trg")
                g = Func(f"def {entry}(X, old, oldk, new, newk):")
                g.emit(0, f"return run_trigger(X, {fname}, old, oldk, new, newk)")
                main.nest(g)
            self.trigger_fnames[trg.name.lower()] = entry
            oldsrc = self.table_src(t, "old", "old", "oldk")
            newsrc = self.table_src(t, "new", "new", "newk")
            oldsrc.used = set(range(len(t.columns)))
            newsrc.used = set(range(len(t.columns)))
            sc = Scope([oldsrc, newsrc], None, f)
            saved = (self.outer, self.no_cache, len(self.ctes), self.default_schema)
            self.outer, self.no_cache = sc, True
            # a main trigger's body names main's tables only (SQLite's DbFixer)
            self.default_schema = None if self.catalog.is_temp(trg) else "main"
            self.trigger_stack.append(trg.name.lower())
            try:
                if node.when is not None:
                    f.emit(0, f"if not {self.cond(node.when, sc)}: return")
                for st in node.body:
                    if isinstance(st, ast.Insert):
                        self.gen_insert(st, f)
                    elif isinstance(st, ast.Update):
                        self.gen_update(st, f)
                    elif isinstance(st, ast.Delete):
                        self.gen_delete(st, f)
                    elif isinstance(st, ast.Select):
                        info = self.gen_select(st, sc, f)
                        f.emit(0, f"for _ in {info.fname}(): pass")
            finally:
                self.outer, self.no_cache = saved[0], saved[1]
                self.default_schema = saved[3]
                del self.ctes[saved[2]:]
                self.trigger_stack.pop()
                del self.trigger_fnames[trg.name.lower()]
            main.nest(f)
            names.append(entry)
        return names

    # ---- UPDATE / DELETE

    def _scan_target(self, t: Table, alias: str | None, where: ast.Expr | None,
                     from_: ast.FromItem | None = None, writer: str | None = None,
                     ref: ast.TableRef | None = None) -> tuple[Scope, Src, Func, int]:
        f = Func(f"def {self.fresh('f')}():")
        src = self.table_src(t, alias)
        src.full_row = False  # rows read from the table: VIRTUAL columns computed on read
        if ref is not None:
            src.label = self.plan_name(ref)  # main.t in EXPLAIN QUERY PLAN
        sc = Scope([src], self.outer, f)
        on_terms: list[list[ast.Expr]] = [[]]
        if from_ is not None:
            self._join_from(sc, from_, f, on_terms)
        saved = self._wtarget
        self._wtarget = (src, writer) if writer is not None and from_ is None else None
        self._one_row = False
        try:
            level = self.gen_loops(sc, f, where, on_terms)
        finally:
            self._wtarget = saved
        return sc, src, f, level

    def _join_from(self, sc: Scope, from_: ast.FromItem, f: Func,
                   on_terms: list[list[ast.Expr]]) -> None:
        """UPDATE … FROM: the FROM items join the target as further sources."""
        from pyrite.exec.codegen import _ColEq, conjuncts

        materialize: list[str] = []
        first = len(sc.srcs)
        target = sc.srcs[0].name.lower()
        for k, (leaf, kind, natural, on, using) in enumerate(self.flatten_from(from_)):
            src = self.make_source(leaf, sc.parent, f, materialize)
            if src.name.lower() == target and (src.table is None or src.name != src.table.name
                                               or src.table is sc.srcs[0].table):
                raise errors.OperationalError(
                    f"target object/alias may not appear in FROM clause: {sc.srcs[0].name}")
            if kind in ("RIGHT", "FULL"):
                raise errors.OperationalError(f"{kind} JOIN is not supported in UPDATE FROM")
            src.left = kind == "LEFT" and k > 0
            terms = conjuncts(on)
            if natural or using:
                names = list(using) if using else [
                    n for n in src.colnames if any(n.lower() in (m.lower() for m in x.colnames)
                                                   for x in sc.srcs[first:])]
                for n in names:
                    left_src = next((x for x in sc.srcs[first:] if any(
                        m.lower() == n.lower() for m in x.colnames)), None)
                    ri = next((i for i, m in enumerate(src.colnames) if m.lower() == n.lower()), -1)
                    if left_src is None or ri < 0:
                        raise errors.OperationalError(
                            f"cannot join using column {n} - column not present in both tables")
                    src.merged.add(ri)
                    li = next(i for i, m in enumerate(left_src.colnames) if m.lower() == n.lower())
                    terms.append(_ColEq(left_src, li, src, ri))  # type: ignore[arg-type]
            sc.srcs.append(src)
            on_terms.append(terms)
        for line in materialize:
            f.emit(0, line)

    def _limit_where(self, t: Table, ref: ast.TableRef, where: ast.Expr | None,
                     order_by: tuple[ast.OrderingTerm, ...], limit: ast.Expr | None,
                     offset: ast.Expr | None, from_: ast.FromItem | None = None
                     ) -> ast.Expr | None:
        """UPDATE/DELETE … ORDER BY … LIMIT … OFFSET: as SQLite's sqlite3LimitWhere,
        the WHERE becomes `rowid IN (SELECT rowid FROM t WHERE … ORDER BY … LIMIT …)`,
        so the rows chosen are fixed before any of them is written. UPDATE … FROM:
        the LIMIT counts rows of the join (the sub-select joins the FROM items too,
        and the join's WHERE stays)."""
        if limit is None:
            return where
        key = ast.ColumnRef(None, ref.alias or t.name, "rowid")
        inner: ast.FromItem = ast.TableRef(ref.schema, ref.name, ref.alias, ref.indexed_by,
                                           ref.not_indexed)
        if from_ is not None:
            inner = ast.Join(inner, from_, ",")
        sub = ast.Select(ast.SelectCore((ast.ResultColumn(key),), inner, where), None, order_by,
                         limit, offset)
        found = ast.InSelect(key, sub, False)
        return found if from_ is None or where is None else ast.Binary("AND", where, found)

    def _old_row(self, t: Table, src: Src, sc: Scope) -> str:
        parts: list[str] = []
        for i in range(len(t.columns)):
            if t.columns[i].virtual:
                parts.append(self.generated_read(sc, src, i))
                continue
            parts.append(str(src.kvar) if i == t.ipk else f"{src.rvar}[{i}]")
            src.used.add(i)
        return "[" + ", ".join(parts) + "]"

    def set_exprs(self, t: Table, sets: tuple[ast.SetClause, ...], sc: Scope, f: Func,
                  level: int) -> dict[int, str]:
        """SET clauses -> {column: value code}; a later assignment to a column wins.
        `(a, b) = (x, y)` assigns item by item; `(a, b) = (SELECT …)` evaluates the
        sub-select once per row into a local (NULLs when it returns no row)."""
        out: dict[int, str] = {}
        for s in sets:
            cols: list[int] = []
            for name in s.columns:
                i = t.column_index(name)
                if i < 0:
                    raise errors.OperationalError(f"no such column: {name}")
                if t.columns[i].generated is not None:
                    raise errors.OperationalError(
                        f'cannot UPDATE generated column "{t.columns[i].name}"')
                cols.append(i)
            e = s.expr
            if len(cols) == 1:
                out[cols[0]] = self.ex(e, sc)
                continue
            if isinstance(e, ast.RowValue):
                if len(e.items) != len(cols):
                    raise errors.OperationalError(
                        f"{len(cols)} columns assigned {len(e.items)} values")
                for c, x in zip(cols, e.items, strict=True):
                    out[c] = self.ex(x, sc)
            elif isinstance(e, ast.Subquery):
                info = self.gen_select(e.select, sc, sc.func)
                if len(info.names) != len(cols):
                    raise errors.OperationalError(
                        f"{len(cols)} columns assigned {len(info.names)} values")
                rv = self.fresh("rv")
                f.emit(level, f"{rv} = first_row({info.fname}()) or "
                              f"{self.const((None,) * len(cols))}")
                for j, c in enumerate(cols):
                    out[c] = f"{rv}[{j}]"
            else:
                raise errors.OperationalError(f"{len(cols)} columns assigned 1 values")
        return out

    def gen_update(self, node: ast.Update, main: Func) -> None:
        self.push_with(node.with_)
        t = self.target(node.table)
        set_cols = {t.column_index(c) for sc_ in node.sets for c in sc_.columns}
        w = self.writer_setup(t, node.conflict, main, changed=set_cols)
        where = self._limit_where(t, node.table, node.where, node.order_by, node.limit,
                                  node.offset, node.from_)
        sc, src, f, level = self._scan_target(t, node.table.alias, where, node.from_, w,
                                              node.table)
        buf, mark = "", -1
        # one row at most (found by rowid): its SET values are computed after the
        # WHERE read it and before it is written either way, so no second pass
        two_pass = node.from_ is None and not self._one_row
        self.single_write = self._one_row and node.from_ is None and not node.returning \
            and self._single_target(t)
        if two_pass:
            # Two passes, as SQLite's UPDATE: the WHERE picks every row first; then
            # row by row the SET expressions are computed and (while this generator
            # waits) the row written, so a subquery of a later row sees the earlier
            # rows' new values. Uncorrelated subqueries are computed once, at the
            # first row; `x IN (SELECT col …)` read through an index reads it live.
            buf = self.fresh("ub")
            kv = src.kvar or "_"
            f.pre.append(f"{buf} = []")
            f.emit(level, f"{buf}.append(({kv}, {src.rvar}))")
            mark = len(f.body)
            f.emit(0, "pass")  # becomes the sort into rowid order when SQLite uses a RowSet
            f.emit(0, f"for {kv}, {src.rvar} in {buf}:")
            level = 1
            may_replace = node.conflict == "REPLACE" or (node.conflict is None and (
                t.pk_conflict == "REPLACE" or any(i.on_conflict == "REPLACE" for i in t.indexes)))
            if may_replace or any(
                    tr.node.event.upper() == "UPDATE" for tr in self.catalog.triggers_on(t)):
                # a trigger or a REPLACE may have changed or deleted a later row: read
                # it again (SQLite's second pass seeks each row; a gone one is skipped)
                if t.without_rowid:
                    assert t.wr_index is not None
                    f.emit(1, f"{src.rvar} = {self.const(wr_current)}({self.pg_of(t)}, "
                              f"{self.const(t.root)}, {self.const(wr_inverse(t))}, "
                              f"{self.key_info(t.wr_index)}, {self.const(tuple(t.wr_pk))}, "
                              f"{src.rvar})")
                    f.emit(1, f"if {src.rvar} is None: continue")
                else:
                    p = f"p{src.rvar}"
                    f.emit(1, f"{p} = {self.const(row_payload)}({self.pg_of(t)}, "
                              f"{self.const(t.root)}, {kv})")
                    f.emit(1, f"if {p} is None: continue")
                    f.emit(1, f"{src.rvar} = decode_columns({p}, @{src.rvar}@)")
                    f.emit(1, self.pad_line(src))
        saved_live = self.live_in
        self.live_in = node.from_ is None
        try:
            assignments = self.set_exprs(t, node.sets, sc, f, level)
        finally:
            self.live_in = saved_live
        old = self._old_row(t, src, sc)
        new_parts = []
        for i in range(len(t.columns)):
            if i in assignments:
                new_parts.append(assignments[i])
            elif t.columns[i].generated is not None:
                new_parts.append("None")  # the writer computes it
            else:
                new_parts.append(str(src.kvar) if i == t.ipk else f"{src.rvar}[{i}]")
        f.emit(level, f"yield {src.kvar}, {old}, [{', '.join(new_parts)}]")
        if two_pass:
            # Without one-pass (REPLACE, triggers, a changed rowid) SQLite collects the
            # rowids in a RowSet and updates the rows in rowid order (update.c)
            replace = node.conflict == "REPLACE" or (node.conflict is None and any(
                i.on_conflict == "REPLACE" for i in t.indexes))
            # ... and so when the scan reads an index the UPDATE changes (ONEPASS_OFF)
            scan_idx = {ln[2].split(" INDEX ", 1)[1].split(" ", 1)[0].lower()
                        for ln in self.plan.lines if " INDEX " in ln[2]}
            changing = set(assignments)
            grow = True
            while grow:  # a generated column changes with any column it reads
                grow = False
                for g, col in enumerate(t.columns):
                    if col.generated is not None and g not in changing \
                            and generated_deps(t, g) & changing:
                        changing.add(g)
                        grow = True
            changed = any(i.name.lower() in scan_idx and set(i.columns) & changing
                          for i in t.indexes)
            rowset = not t.without_rowid and (replace or changed or t.ipk in assignments or any(
                self.catalog.triggers_on(t)))
            if rowset:
                f.body[mark] = (0, f"{buf}.sort(key=lambda r: r[0])")
        self.finish_sources(sc)
        main.nest(f)
        fname = f.header[4:-3]
        # the loop's names: inside a trigger body, fresh ones, so that the trigger's own
        # old/new rows (read by this statement's expressions) are not overwritten
        kn, on, nn = ("k", "old", "new") if self.outer is None else (
            self.fresh("uk"), self.fresh("uo"), self.fresh("un"))
        main.emit(0, f"{w}.fk_cols = {self.const(frozenset(assignments))}")
        if node.from_ is not None:
            pk = self.const(tuple(t.wr_pk) if t.without_rowid else None)
            main.emit(0, f"for {kn}, {on}, {nn} in {self.const(update_from_rows)}({fname}(), {pk}):")
        else:
            main.emit(0, f"for {kn}, {on}, {nn} in {fname}():")
        setcols = {t.columns[i].name.lower() for i in assignments}
        before = self.trigger_funcs(t, "UPDATE", "BEFORE", setcols, main)
        after = self.trigger_funcs(t, "UPDATE", "AFTER", setcols, main)
        if before:
            main.emit(1, f"{w}.fill({nn}, {nn}[{t.ipk}] if {nn}[{t.ipk}] is not None else {kn})"
                      if t.ipk is not None else f"{w}.fill({nn}, {kn})")
        for b in before:
            main.emit(1, f"if not X.fire({b}, {on}, {kn}, {nn}, {kn}): continue")
        if after:
            main.emit(1, f"if not {w}.update({kn}, {on}, {nn}): continue")
            nk = f"{nn}[{t.ipk}]" if t.ipk is not None else kn
            for a in after:
                main.emit(1, f"X.fire({a}, {on}, {kn}, {nn}, {nk})")
            main.emit(1, "pass")
        if after and not node.returning:
            pass
        elif node.returning and after:
            kk = self.fresh("q")
            main.emit(1, f"{kk} = {nn}[{t.ipk}]" if t.ipk is not None else f"{kk} = {kn}")
            rsrc = self.table_src(t, node.table.alias, nn, kk)
            rsrc.used = set(range(len(t.columns)))
            main.emit(1, f"yield {self.returning(node.returning, Scope([rsrc], None, main))}")
        elif node.returning:
            kk = self.fresh("q")
            main.emit(1, f"if not {w}.update({kn}, {on}, {nn}): continue")
            main.emit(1, f"{kk} = {nn}[{t.ipk}]" if t.ipk is not None else f"{kk} = {kn}")
            rsrc = self.table_src(t, node.table.alias, nn, kk)
            rsrc.used = set(range(len(t.columns)))
            main.emit(1, f"yield {self.returning(node.returning, Scope([rsrc], None, main))}")
        else:
            main.emit(1, f"{w}.update({kn}, {on}, {nn})")
        self.put_back(w, main)

    def gen_delete(self, node: ast.Delete, main: Func) -> None:
        self.push_with(node.with_)
        t = self.target(node.table)
        if node.where is None and node.limit is None and not self.catalog.all_triggers() \
                and not node.returning:
            main.emit(0, f"X.clear_table({self.const(t)})")
            return
        w = self.writer_setup(t, None, main, gen=False)
        where = self._limit_where(t, node.table, node.where, node.order_by, node.limit,
                                  node.offset)
        sc, src, f, level = self._scan_target(t, node.table.alias, where, None, w, node.table)
        # the old row, unless nothing reads it: then the row need not be decoded
        # (TableWriter.delete reads it itself when a foreign key needs it)
        need_old = t.without_rowid or bool(t.indexes) or bool(node.returning) \
            or t.has_generated() or any(tr.node.event.upper() == "DELETE"
                                        for tr in self.catalog.triggers_on(t))
        old = self._old_row(t, src, sc) if need_old else "None"
        self.single_write = self._one_row and not node.returning and self._single_target(t)
        f.emit(level, f"yield {src.kvar}, {old}")
        self.finish_sources(sc)
        main.nest(f)
        fname = f.header[4:-3]
        kn, on = ("k", "old") if self.outer is None else (self.fresh("dk"), self.fresh("do"))
        main.emit(0, f"for {kn}, {on} in list({fname}()):")
        for b in self.trigger_funcs(t, "DELETE", "BEFORE", set(), main):
            main.emit(1, f"if not X.fire({b}, {on}, {kn}, NULLROW, None): continue")
        main.emit(1, f"{w}.delete({kn}, {on})")
        main.emit(1, "X.changes += 1")
        for a in self.trigger_funcs(t, "DELETE", "AFTER", set(), main):
            main.emit(1, f"X.fire({a}, {on}, {kn}, NULLROW, None)")
        if node.returning:
            rsrc = self.table_src(t, node.table.alias, on, kn)
            rsrc.used = set(range(len(t.columns)))
            main.emit(1, f"yield {self.returning(node.returning, Scope([rsrc], None, main))}")
        self.put_back(w, main)


__all__ = ["ConflictAbort", "DmlCompiler", "TableWriter"]
