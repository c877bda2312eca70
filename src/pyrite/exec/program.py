"""Program: one compiled statement — generated code, constants, result shape.

Owns turning a finished Compiler into a callable: placeholders resolved, the
source compiled once with `compile()`, constants bound as module globals of
the generated code. A Program is reentrant: all per-run state lives in the
locals of its `main(P, PG, X)` generator. EXPLAIN shows `source`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from pyrite.exec.source import Func

Row = tuple[Any, ...]
RunFn = Callable[[tuple[Any, ...], Any, Any], Iterator[Row]]

_BASE_NS: dict[str, Any] | None = None

# Code objects by generated source. The source holds no SQL text (constants live in
# the namespace), so statements of one shape -- in every connection, and again after
# a schema change -- share one compile().
_CODE: dict[str, CodeType] = {}
_CODE_MAX = 1024


def _base_namespace() -> dict[str, Any]:
    global _BASE_NS
    if _BASE_NS is None:
        from pyrite.exec.codegen import helper_namespace

        _BASE_NS = helper_namespace()
    return _BASE_NS


@dataclass
class Program:
    kind: str  # select, dml, ddl, begin, commit, rollback, savepoint, release, pragma, explain
    run: RunFn
    column_names: list[str] = field(default_factory=list)
    decltypes: list[str | None] = field(default_factory=list)
    readonly: bool = True
    generation: int = 0
    source: str = ""
    plan: list[tuple[int, int, str]] = field(default_factory=list)
    # DmlCompiler.single_write: no statement savepoint needed (foreign_keys off)
    single_write: bool = False


def build(main: Func, consts: list[Any], placeholders: dict[str, Any], pre: list[str]) -> tuple[RunFn, str]:
    """build(main, consts, placeholders, pre) -> (main function, its source)."""
    main.pre[0:0] = pre
    lines = main.render(0)
    text = "\n".join(lines) + "\n"
    for ph, src in placeholders.items():
        n = (max(src.used) + 1) if src.used else 0
        if n == 0:  # the statement reads no column of this row: skip decoding it
            text = text.replace(f"decode_columns(p{src.rvar}, {ph})", "()")
        text = text.replace(ph, str(n))
    ns = dict(_base_namespace())
    for i, v in enumerate(consts):
        ns[f"c{i}"] = v
    code = _CODE.get(text)
    if code is None:
        try:
            code = compile(text, "<pyrite>", "exec")
        except (SyntaxError, RecursionError, MemoryError) as e:
            from pyrite.errors import OperationalError

            raise OperationalError(f"statement too complex: {e}") from None
        if len(_CODE) >= _CODE_MAX:
            _CODE.clear()
        _CODE[text] = code
    exec(code, ns)  # noqa: S102 - our own generated code; SQL values live in ns only
    fn: RunFn = ns["main"]
    return fn, text
