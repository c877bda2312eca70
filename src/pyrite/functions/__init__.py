"""SQL functions: scalar (core and math), aggregate, window, printf, date/time.

Exports the registries the binder and executor look functions up in; see
`scalar` and `aggregate` for how each kind is called."""

from pyrite.functions.aggregate import (
    AGGREGATES,
    WINDOWS,
    AggregateDef,
    WindowDef,
    aggregate_over_frames,
)
from pyrite.functions.scalar import CONTEXT_FUNCTIONS, SCALARS, FunctionDef, find_scalar

__all__ = [
    "SCALARS", "AGGREGATES", "WINDOWS", "FunctionDef", "AggregateDef", "WindowDef",
    "find_scalar", "aggregate_over_frames", "CONTEXT_FUNCTIONS",
]
