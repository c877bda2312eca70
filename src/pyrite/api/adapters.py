"""Adapters (Python value -> SQL value) and converters (SQL bytes -> Python value).

Owns the module-level registries `adapters` and `converters`, `adapt()` (PEP 246
microprotocols as CPython's `sqlite3` implements them), `PrepareProtocol`, the
default date/datetime adapters and converters, and the DB-API type
constructors. Knows nothing of connections or SQL.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

from pyrite.errors import ProgrammingError

__all__ = [
    "Binary", "Date", "DateFromTicks", "PrepareProtocol", "Time", "TimeFromTicks",
    "Timestamp", "TimestampFromTicks", "adapt", "adapters", "converters",
    "register_adapter", "register_converter",
]


class PrepareProtocol:
    """The protocol object passed to `__conform__` (DB-API adaptation protocol)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        if args or kwargs:
            raise TypeError("PrepareProtocol() takes no arguments")


adapters: dict[tuple[type, Any], Any] = {}
converters: dict[str, Any] = {}

# Set once an adapter is registered for int, float, str or bytearray: from then
# on even exact instances of those types go through adapt() (CPython's rule).
_base_types_adapted = [False]
_BASE_TYPES = (int, float, str, bytearray)

_MISSING = object()


def register_adapter(type_: type, adapter: Callable[[Any], Any], /) -> None:
    """register_adapter(type, callable): adapt values of `type` with `callable`."""
    if type_ in _BASE_TYPES:
        _base_types_adapted[0] = True
    adapters[(type_, PrepareProtocol)] = adapter


def arg_type_name(obj: object) -> str:
    """How CPython's argument errors name a type: "None" for None, else the class name."""
    return "None" if obj is None else type(obj).__name__


def register_converter(typename: str, converter: Callable[[bytes], Any], /) -> None:
    """register_converter(typename, callable): convert columns declared `typename`."""
    if not isinstance(typename, str):
        raise TypeError(
            f"register_converter() argument 1 must be str, not {arg_type_name(typename)}"
        )
    converters[typename.upper()] = converter


def adapt(obj: Any, proto: Any = PrepareProtocol, alt: Any = _MISSING, /) -> Any:
    """adapt(obj, proto=PrepareProtocol, alt=...) -> the adapted object."""
    adapter = adapters.get((type(obj), proto))
    if adapter is not None:
        return adapter(obj)
    adapt_method = getattr(proto, "__adapt__", None)
    if adapt_method is not None:
        try:
            adapted = adapt_method(obj)
        except TypeError:
            adapted = None
        if adapted is not None:
            return adapted
    conform = getattr(obj, "__conform__", None)
    if conform is not None:
        try:
            adapted = conform(proto)
        except TypeError:
            adapted = None
        if adapted is not None:
            return adapted
    if alt is not _MISSING:
        return alt
    raise ProgrammingError("can't adapt")


def need_adapt(obj: object) -> bool:
    """need_adapt(obj) -> bool: whether binding `obj` must go through adapt()."""
    if _base_types_adapted[0]:
        return True
    t = type(obj)
    return not (t is int or t is float or t is str or t is bytearray)


# -- DB-API type constructors ------------------------------------------------------

Date = datetime.date
Time = datetime.time
Timestamp = datetime.datetime
Binary = memoryview


def DateFromTicks(ticks: float) -> datetime.date:  # noqa: N802 - DB-API name
    return Date(*time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> datetime.time:  # noqa: N802 - DB-API name
    return Time(*time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> datetime.datetime:  # noqa: N802 - DB-API name
    return Timestamp(*time.localtime(ticks)[:6])


# -- default adapters and converters (as CPython 3.11, without 3.12's warnings) ----

def _adapt_date(val: datetime.date) -> str:
    return val.isoformat()


def _adapt_datetime(val: datetime.datetime) -> str:
    return val.isoformat(" ")


def _convert_date(val: bytes) -> datetime.date:
    return datetime.date(*map(int, val.split(b"-")))


def _convert_timestamp(val: bytes) -> datetime.datetime:
    datepart, timepart = val.split(b" ")
    year, month, day = map(int, datepart.split(b"-"))
    time_and_fraction = timepart.split(b".")
    hours, minutes, seconds = map(int, time_and_fraction[0].split(b":"))
    microseconds = 0
    if len(time_and_fraction) == 2:
        microseconds = int(f"{time_and_fraction[1].decode():0<6.6}")
    return datetime.datetime(year, month, day, hours, minutes, seconds, microseconds)


register_adapter(datetime.date, _adapt_date)
register_adapter(datetime.datetime, _adapt_datetime)
register_converter("date", _convert_date)
register_converter("timestamp", _convert_timestamp)
