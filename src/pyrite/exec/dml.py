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
from pyrite.exec import values as V
from pyrite.exec.codegen import Compiler, Cte, Scope, Src
from pyrite.exec.source import Func
from pyrite.planner.catalog import Index, Table
from pyrite.sql import ast


class ConflictAbort(errors.ConstraintError):
    """A constraint failure carrying the conflict action that must be taken."""

    def __init__(self, message: str, code: int, action: str) -> None:
        super().__init__(message, code=code)
        self.action = action


class IgnoreRow(Exception):
    """Internal: the current row is skipped (OR IGNORE)."""


class UpsertHit(Exception):
    """Internal: a uniqueness conflict that an ON CONFLICT clause handles."""

    def __init__(self, rowid: int, clause: int) -> None:
        super().__init__(rowid)
        self.rowid = rowid
        self.clause = clause


class TableWriter:
    """Writes rows of one table and keeps its indexes in step (W1)."""

    def __init__(self, ctx: Any, table: Table, conflict: str | None,
                 checks: list[tuple[str, Callable[[list[Any], int], Any]]],
                 defaults: list[Callable[[], Any] | None],
                 partial: dict[str, Callable[[list[Any], int], Any]] | None = None) -> None:
        from pyrite.storage import IndexCursor, KeyInfo, TableCursor

        self.ctx = ctx
        self.pg = ctx.session.temp_pager if table.temp else ctx.pager
        self.t = table
        self.conflict = conflict
        self.checks = checks
        self.defaults = defaults
        self.partial = partial or {}
        self.cur = TableCursor(self.pg, table.root)
        colls = ctx.collations
        self.idx: list[tuple[Index, Any, Any]] = []
        for idx in table.indexes:
            ki = KeyInfo(tuple(None if (c or "BINARY").upper() == "BINARY"
                               else colls.get((c or "").upper()) for c in idx.collations) + (None,),
                         tuple(idx.desc) + (False,))
            self.idx.append((idx, ki, IndexCursor(self.pg, idx.root, ki)))
        self.affs = [V.Affinity(c.affinity) for c in table.columns]
        self.ipk = table.ipk
        self.ncols = len(table.columns)
        # ON CONFLICT clauses: (target column set, or None for any; handler, None = DO NOTHING)
        self.upserts: list[tuple[frozenset[int] | None, Callable[..., Any] | None]] = []
        self._in_upsert = False

    # ---- helpers

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
        for n, (target, _) in enumerate(self.upserts):
            if target is None or target == cols:
                return n
        return -1

    def _covers(self, idx: Index, vals: list[Any], rowid: int) -> bool:
        """Does the (partial) index hold an entry for this row?"""
        pred = self.partial.get(idx.name)
        if pred is None:
            return True
        return bool(V.truth(pred(vals, rowid)))

    def _key(self, idx: Index, vals: list[Any], rowid: int) -> tuple[Any, ...]:
        return tuple(rowid if c < 0 else vals[c] for c in idx.columns)

    def _find(self, idx: Index, ki: Any, key: tuple[Any, ...], rowid: int) -> int | None:
        from pyrite.storage import iter_index

        for e in iter_index(self.pg, idx.root, ki, key, True, key, True):
            if e[-1] != rowid:
                return int(e[-1])
        return None

    def _read(self, rowid: int) -> list[Any] | None:
        from pyrite.storage import record

        if not self.cur.seek(rowid):
            return None
        vals = list(record.decode(self.cur.payload()))
        if len(vals) < self.ncols:
            vals.extend(self._default(i) for i in range(len(vals), self.ncols))
        if self.ipk is not None:
            vals[self.ipk] = rowid
        return vals

    def _default(self, i: int) -> Any:
        d = self.defaults[i] if i < len(self.defaults) else None
        return d() if d is not None else None

    def _prepare(self, vals: list[Any], rowid: Any) -> int:
        """Affinity, rowid choice, NOT NULL and CHECK; returns the rowid."""
        affs = self.affs
        for i in range(self.ncols):
            v = vals[i]
            if v is not None:
                vals[i] = V.apply_affinity(v, affs[i])
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
        t = self.t
        for i, col in enumerate(t.columns):
            if col.not_null and vals[i] is None:
                act = self._action(t.notnull_conflict.get(i))
                if act == "REPLACE" and col.default is not None:
                    vals[i] = V.apply_affinity(self._default(i), affs[i])
                    if vals[i] is not None:
                        continue
                self._fail(f"NOT NULL constraint failed: {t.name}.{col.name}",
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
        return int(rowid)

    def _seq(self) -> tuple[int | None, int]:
        """AUTOINCREMENT: (sqlite_sequence rowid of this table or None, its seq)."""
        from pyrite.storage import iter_table, record

        seq = self.ctx.session.catalog.tables.get("sqlite_sequence")
        if seq is None:
            return None, 0
        for rowid, payload in iter_table(self.pg, seq.root):
            rec = record.decode(payload)
            if isinstance(rec[0], str) and rec[0].lower() == self.t.name.lower():
                return rowid, int(rec[1] or 0) if isinstance(rec[1], int) else 0
        return None, 0

    def _seq_update(self, r: int) -> None:
        from pyrite.storage import TableCursor, record

        seq = self.ctx.session.catalog.tables.get("sqlite_sequence")
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

    def _check_unique(self, vals: list[Any], rowid: int, old_rowid: int | None) -> list[int]:
        """Returns rowids to delete first (REPLACE); raises on other conflicts."""
        t = self.t
        victims: list[int] = []
        if rowid != old_rowid and self.cur.seek(rowid):
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
        for idx, ki, _ in self.idx:
            if not idx.unique or not self._covers(idx, vals, rowid):
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
            names = ", ".join(f"{t.name}.{t.columns[c].name}" if c >= 0 else f"{t.name}.rowid"
                              for c in idx.columns)
            code = C.SQLITE_CONSTRAINT_PRIMARYKEY if idx.origin == "pk" else C.SQLITE_CONSTRAINT_UNIQUE
            self._fail(f"UNIQUE constraint failed: {names}", code, idx.on_conflict)
        return victims

    def _encode(self, vals: list[Any]) -> bytes:
        from pyrite.storage import record

        if self.ipk is not None:
            rec = list(vals)
            rec[self.ipk] = None
            return bytes(record.encode(rec))
        return bytes(record.encode(vals))

    # ---- operations

    def insert(self, vals: list[Any], rowid: Any = None) -> int | None:
        """insert(vals, rowid) -> the rowid written (or updated by UPSERT), None if skipped.
        `vals` is left holding the stored values (affinity applied, rowid alias set)."""
        try:
            r = self._prepare(vals, rowid)
            victims = self._check_unique(vals, r, None)
        except IgnoreRow:
            return None
        except UpsertHit as hit:
            handler = self.upserts[hit.clause][1]
            if handler is None:
                return None
            old = self._read(hit.rowid)
            assert old is not None
            new = handler(list(old), hit.rowid, list(vals))
            if new is None:
                return None
            self._in_upsert = True
            try:
                if not self.update(hit.rowid, old, new):
                    return None
            finally:
                self._in_upsert = False
            vals[:] = new
            return int(new[self.ipk]) if self.ipk is not None else hit.rowid
        for v in victims:
            old = self._read(v)
            if old is not None:
                self.delete(v, old)
        self.cur.insert(r, self._encode(vals))
        for idx, _, icur in self.idx:
            if self._covers(idx, vals, r):
                icur.insert(self._key(idx, vals, r) + (r,))
        if self.t.autoincrement:
            self._seq_update(r)
        self.ctx.changes += 1
        self.ctx.last_insert_rowid = r
        return r

    def delete(self, rowid: int, old: list[Any]) -> None:
        if self.cur.seek(rowid):
            self.cur.delete()
        for idx, _, icur in self.idx:
            if self._covers(idx, old, rowid):
                icur.delete_values(self._key(idx, old, rowid) + (rowid,))

    def update(self, rowid: int, old: list[Any], new: list[Any]) -> bool:
        """update(rowid, old, new) -> False when the row was skipped (OR IGNORE)."""
        try:
            r = self._prepare(new, rowid if self.ipk is None else None)
            victims = self._check_unique(new, r, rowid)
        except IgnoreRow:
            return False
        for v in victims:
            if v == rowid:
                continue
            o = self._read(v)
            if o is not None:
                self.delete(v, o)
        for idx, _, icur in self.idx:
            if self._covers(idx, old, rowid):
                icur.delete_values(self._key(idx, old, rowid) + (rowid,))
        if r != rowid and self.cur.seek(rowid):
            self.cur.delete()
        self.cur.insert(r, self._encode(new))
        for idx, _, icur in self.idx:
            if self._covers(idx, new, r):
                icur.insert(self._key(idx, new, r) + (r,))
        self.ctx.changes += 1
        return True


# --------------------------------------------------------------------------- codegen


def _check_text(e: ast.Expr) -> str:
    try:
        from pyrite.sql import render  # type: ignore[attr-defined]

        return str(render.render_expr(e))
    except Exception:
        return ""


class DmlCompiler(Compiler):
    """Compiler with INSERT / UPDATE / DELETE (+ RETURNING, UPSERT)."""

    returning_names: list[str]
    returning_decls: list[str | None]

    def target(self, ref: ast.TableRef) -> Table:
        t = self.catalog.table(ref.name)
        if t is None:
            if ref.name.lower() in self.catalog.views:
                raise errors.OperationalError(f"cannot modify {ref.name} because it is a view")
            raise errors.OperationalError(f"no such table: {ref.name}")
        if t.name.lower() == "sqlite_schema":
            raise errors.OperationalError(f"table {t.name} may not be modified")
        return t

    def table_src(self, t: Table, alias: str | None, rvar: str | None = None,
                  kvar: str | None = None) -> Src:
        rv = rvar or self.fresh("r")
        return Src(alias or t.name, [c.name for c in t.columns], [c.affinity for c in t.columns],
                   [c.collation for c in t.columns], [c.decl_type for c in t.columns],
                   rv, kvar or ("k" + rv[1:]), table=t, ipk=t.ipk)

    def push_with(self, w: ast.With | None) -> None:
        if w is not None:
            self.ctes.append({c.name.lower(): Cte(c.name, c.columns, c.select, w.recursive)
                              for c in w.ctes})

    def writer_setup(self, t: Table, conflict: str | None, main: Func) -> str:
        """Emit the writer construction; returns its local name."""
        checks = []
        for name, expr in t.checks:
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
        w = self.fresh("w")
        main.emit(0, f"{w} = X.writer({self.const(t)}, {self.const(conflict)}, "
                     f"[{', '.join(checks)}], [{', '.join(defaults)}], {{{', '.join(partial)}}})")
        return w

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
                    if cname.lower() in ("rowid", "oid", "_rowid_") and t.ipk is None:
                        i = -1
                    else:
                        raise errors.OperationalError(f"table {t.name} has no column named {cname}")
                targets.append(i)
        else:
            targets = list(range(n))
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
        before = self.trigger_funcs(t, "INSERT", "BEFORE", set(), main)
        after = self.trigger_funcs(t, "INSERT", "AFTER", set(), main)
        if before or after:
            vv, kk = self.fresh("v"), self.fresh("q")
            main.emit(1, f"{vv} = [{', '.join(parts)}]")
            rk = t.ipk is not None and f"{vv}[{t.ipk}]" or rowid_expr
            for b in before:
                main.emit(1, f"if not X.fire({b}, NULLROW, None, {vv}, "
                             f"-1 if {rk} is None else {rk}): continue")
            main.emit(1, f"{kk} = {w}.insert({vv}, {rowid_expr})")
            main.emit(1, f"if {kk} is None: continue")
            for a in after:
                main.emit(1, f"X.fire({a}, NULLROW, None, {vv}, {kk})")
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
            if key != frozenset((-1,)) and not any(
                    ix.unique and frozenset(ix.columns) == key for ix in t.indexes):
                raise errors.OperationalError(
                    "ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint")
            target = self.const(key)
        if up.sets is None:
            main.emit(0, f"{w}.upserts.append(({target}, None))")
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
        for s in up.sets:
            if len(s.columns) != 1:
                raise errors.OperationalError("row value assignments are not supported")
            c = t.column_index(s.columns[0])
            if c < 0:
                raise errors.OperationalError(f"no such column: {s.columns[0]}")
            f.emit(0, f"new[{c}] = {self.ex(s.expr, sc)}")
        f.emit(0, "return new")
        main.nest(f)
        main.emit(0, f"{w}.upserts.append(({target}, {fname}))")

    # ---- triggers

    def trigger_funcs(self, t: Table, event: str, timing: str, set_cols: set[str],
                      main: Func) -> list[str]:
        """Compile the row triggers of t for (timing, event) as nested functions
        trgN(X, old, oldk, new, newk); returns their names in creation order."""
        names: list[str] = []
        for trg in self.catalog.triggers.values():
            node = trg.node
            if node.table.lower() != t.name.lower() or node.event.upper() != event \
                    or node.timing.upper() != timing:
                continue
            if trg.name.lower() in self.trigger_stack:
                continue  # recursive_triggers is off: a trigger never re-fires itself
            if event == "UPDATE" and node.update_columns and not (
                    {c.lower() for c in node.update_columns} & set_cols):
                continue
            fname = self.fresh("trg")
            f = Func(f"def {fname}(X, old, oldk, new, newk):")
            oldsrc = self.table_src(t, "old", "old", "oldk")
            newsrc = self.table_src(t, "new", "new", "newk")
            oldsrc.used = set(range(len(t.columns)))
            newsrc.used = set(range(len(t.columns)))
            sc = Scope([oldsrc, newsrc], None, f)
            saved = (self.outer, self.no_cache, len(self.ctes))
            self.outer, self.no_cache = sc, True
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
                del self.ctes[saved[2]:]
                self.trigger_stack.pop()
            main.nest(f)
            names.append(fname)
        return names

    # ---- UPDATE / DELETE

    def _scan_target(self, t: Table, alias: str | None, where: ast.Expr | None
                     ) -> tuple[Scope, Src, Func, int]:
        f = Func(f"def {self.fresh('f')}():")
        src = self.table_src(t, alias)
        sc = Scope([src], self.outer, f)
        level = self.gen_loops(sc, f, where, [[]])
        return sc, src, f, level

    def _old_row(self, t: Table, src: Src) -> str:
        parts: list[str] = []
        for i in range(len(t.columns)):
            parts.append(str(src.kvar) if i == t.ipk else f"{src.rvar}[{i}]")
            src.used.add(i)
        return "[" + ", ".join(parts) + "]"

    def gen_update(self, node: ast.Update, main: Func) -> None:
        if node.from_ is not None:
            raise errors.OperationalError("UPDATE FROM is not supported")
        self.push_with(node.with_)
        t = self.target(node.table)
        w = self.writer_setup(t, node.conflict, main)
        sc, src, f, level = self._scan_target(t, node.table.alias, node.where)
        assignments: dict[int, ast.Expr] = {}
        for s in node.sets:
            if len(s.columns) != 1:
                raise errors.OperationalError("row value assignments are not supported")
            i = t.column_index(s.columns[0])
            if i < 0:
                raise errors.OperationalError(f"no such column: {s.columns[0]}")
            assignments[i] = s.expr
        old = self._old_row(t, src)
        new_parts = []
        for i in range(len(t.columns)):
            if i in assignments:
                new_parts.append(self.ex(assignments[i], sc))
            else:
                new_parts.append(str(src.kvar) if i == t.ipk else f"{src.rvar}[{i}]")
        f.emit(level, f"yield {src.kvar}, {old}, [{', '.join(new_parts)}]")
        self.finish_sources(sc)
        main.nest(f)
        fname = f.header[4:-3]
        main.emit(0, f"for k, old, new in list({fname}()):")
        setcols = {t.columns[i].name.lower() for i in assignments}
        before = self.trigger_funcs(t, "UPDATE", "BEFORE", setcols, main)
        after = self.trigger_funcs(t, "UPDATE", "AFTER", setcols, main)
        for b in before:
            main.emit(1, f"if not X.fire({b}, old, k, new, k): continue")
        if after:
            main.emit(1, f"if not {w}.update(k, old, new): continue")
            nk = f"new[{t.ipk}]" if t.ipk is not None else "k"
            for a in after:
                main.emit(1, f"X.fire({a}, old, k, new, {nk})")
            main.emit(1, "pass")
        if after and not node.returning:
            pass
        elif node.returning and after:
            kk = self.fresh("q")
            main.emit(1, f"{kk} = new[{t.ipk}]" if t.ipk is not None else f"{kk} = k")
            rsrc = self.table_src(t, node.table.alias, "new", kk)
            rsrc.used = set(range(len(t.columns)))
            main.emit(1, f"yield {self.returning(node.returning, Scope([rsrc], None, main))}")
        elif node.returning:
            kk = self.fresh("q")
            main.emit(1, f"if not {w}.update(k, old, new): continue")
            main.emit(1, f"{kk} = new[{t.ipk}]" if t.ipk is not None else f"{kk} = k")
            rsrc = self.table_src(t, node.table.alias, "new", kk)
            rsrc.used = set(range(len(t.columns)))
            main.emit(1, f"yield {self.returning(node.returning, Scope([rsrc], None, main))}")
        else:
            main.emit(1, f"{w}.update(k, old, new)")

    def gen_delete(self, node: ast.Delete, main: Func) -> None:
        self.push_with(node.with_)
        t = self.target(node.table)
        if node.where is None and not self.catalog.triggers and not node.returning:
            main.emit(0, f"X.clear_table({self.const(t)})")
            return
        w = self.writer_setup(t, None, main)
        sc, src, f, level = self._scan_target(t, node.table.alias, node.where)
        old = self._old_row(t, src)
        f.emit(level, f"yield {src.kvar}, {old}")
        self.finish_sources(sc)
        main.nest(f)
        fname = f.header[4:-3]
        main.emit(0, f"for k, old in list({fname}()):")
        for b in self.trigger_funcs(t, "DELETE", "BEFORE", set(), main):
            main.emit(1, f"if not X.fire({b}, old, k, NULLROW, None): continue")
        main.emit(1, f"{w}.delete(k, old)")
        main.emit(1, "X.changes += 1")
        for a in self.trigger_funcs(t, "DELETE", "AFTER", set(), main):
            main.emit(1, f"X.fire({a}, old, k, NULLROW, None)")
        if node.returning:
            rsrc = self.table_src(t, node.table.alias, "old", "k")
            rsrc.used = set(range(len(t.columns)))
            main.emit(1, f"yield {self.returning(node.returning, Scope([rsrc], None, main))}")


__all__ = ["ConflictAbort", "DmlCompiler", "TableWriter"]
