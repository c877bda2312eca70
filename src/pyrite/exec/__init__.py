"""The engine between AST and storage: compile statements to Python, run them.

Exports Session and Statement (docs/INTERFACES.md "exec/"). Submodules:
codegen (plan -> source), program (compiled code), session (prepare/step,
transactions), dml (writes), ddl (schema changes, PRAGMA), runtime (helpers
the generated code calls), values (SQL value semantics)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyrite.exec.session import Session, Statement

__all__ = ["Session", "Statement"]


def __getattr__(name: str) -> Any:
    if name in ("Session", "Statement"):
        from pyrite.exec import session

        return getattr(session, name)
    raise AttributeError(name)
