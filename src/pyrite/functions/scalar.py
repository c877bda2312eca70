"""Core scalar SQL functions and the math functions (lang_corefunc.html,
lang_mathfunc.html), as SQLite 3.40 builds them (func.c).

Owns ``FunctionDef`` and the registry ``SCALARS`` keyed by lower-case name;
each name maps to a list of overloads by argument count (``nargs == -1``
takes any count from ``min_args`` up). Knows nothing of rows or the engine.

How the executor calls a FunctionDef ``fd`` with SQL values ``args``:

* ``fd.needs_context``: ``fd.func(ctx, *args)`` where ``ctx`` is whatever the
  executor passes (the Session: changes(), last_insert_rowid(),
  total_changes()). Registered here with ``func=None``; the executor supplies
  the implementation (see ``CONTEXT_FUNCTIONS``).
* ``fd.needs_collation``: ``fd.func(coll, *args)`` with the collation function
  of the first argument that has one (``None`` means BINARY): max, min, nullif.
* otherwise ``fd.func(*args)``.

Errors are raised as ``OperationalError`` with SQLite's message
("integer overflow", "string or blob too big", ...).
"""

from __future__ import annotations

import math
import os
import random as _random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyrite.errors import DataError, OperationalError
from pyrite.exec.values import (
    MIN_INT,
    TEXT_ERRORS,
    Collation,
    Value,
    _atof,
    compare,
    glob,
    int_value,
    like,
    like_escape,
    numeric_type_value,
    real_to_text,
    real_value,
    to_text,
    truth,
    type_name,
)
from pyrite.functions.aggregate import AGGREGATES
from pyrite.functions.datetime import DATETIME_FUNCTIONS
from pyrite.functions.json import JSON_AGGREGATES, JSON_FUNCTIONS, JSON_TAGGED, nullif_tagged
from pyrite.functions.printf import format_float, sql_printf

__all__ = ["FunctionDef", "SCALARS", "CONTEXT_FUNCTIONS", "find_scalar", "SQLITE_VERSION"]

SQLITE_VERSION = "3.40.1"
SQLITE_SOURCE_ID = (
    "2022-12-28 14:03:47 df5c253c0b3dd24916e4ec7cf77d3db5294cc9fd45ae7b9c5e82ad8197f3alt1"
)
MAX_LENGTH = 1_000_000_000


@dataclass(frozen=True, slots=True)
class FunctionDef:
    """One overload of a scalar SQL function."""

    name: str
    nargs: int                      # exact count, or -1 for "min_args or more"
    func: Callable[..., Any] | None
    deterministic: bool = True
    needs_context: bool = False     # func(ctx, *args)
    needs_collation: bool = False   # func(coll, *args)
    min_args: int = 0

    def accepts(self, n: int) -> bool:
        """accepts(n) -> bool: can this overload take n arguments?"""
        return n == self.nargs or (self.nargs < 0 and n >= self.min_args)


def _i32(v: Value) -> int:
    """sqlite3_value_int: the int64 value truncated to 32 bits as C does."""
    i = int_value(v) & 0xFFFFFFFF
    return i - 0x100000000 if i > 0x7FFFFFFF else i


def _text(v: Value) -> str | None:
    """sqlite3_value_text as a C string: NULL stays None, text stops at NUL."""
    s = to_text(v)
    if s is None:
        return None
    i = s.find("\0")
    return s if i < 0 else s[:i]


def _as_bytes(v: Value) -> bytes:
    if type(v) is bytes:
        return v
    s = to_text(v)
    return b"" if s is None else s.encode("utf-8", TEXT_ERRORS)


def _numeric_type(v: Value) -> int | float | None:
    """sqlite3_value_numeric_type: numbers, or well-formed numeric text; else None."""
    return numeric_type_value(v)


def _full_text(v: Value) -> str | None:
    """sqlite3_value_text with its byte count: embedded NULs kept."""
    if type(v) is bytes:
        return v.decode("utf-8", TEXT_ERRORS)
    return to_text(v)


def _check_length(n: int) -> None:
    if n > MAX_LENGTH:
        raise DataError("string or blob too big")


# ---------------------------------------------------------------------------
# Core functions
# ---------------------------------------------------------------------------


def f_abs(x: Value) -> Value:
    if x is None:
        return None
    if type(x) is int:
        if x == MIN_INT:
            raise OperationalError("integer overflow")
        return -x if x < 0 else x
    r = real_value(x)
    return -r if r < 0 else r


def f_char(*args: Value) -> str:
    out = []
    for a in args:
        c = int_value(a)
        if c < 0 or c > 0x10FFFF:
            c = 0xFFFD
        out.append(chr(c))
    return "".join(out)


def f_coalesce(*args: Value) -> Value:
    for a in args:
        if a is not None:
            return a
    return None


def f_ifnull(a: Value, b: Value) -> Value:
    return b if a is None else a


def f_iif(c: Value, a: Value, b: Value) -> Value:
    return a if truth(c) else b


def f_printf(*args: Value) -> Value:
    if not args:
        return None
    fmt = _text(args[0])
    if fmt is None:
        return None
    return sql_printf(fmt, args[1:])


def f_glob(pattern: Value, s: Value) -> Value:
    return glob(pattern, s)


def f_like(pattern: Value, s: Value, escape: Value = None) -> Value:
    if escape is None and type(pattern) is not bytes and type(s) is not bytes:
        return like(pattern, s)
    return like(pattern, s, escape)


def f_like3(pattern: Value, s: Value, escape: Value) -> Value:
    return like_escape(pattern, s, escape)


def f_hex(x: Value) -> str:
    return _as_bytes(x).hex().upper()


def f_unhex(x: Value, ignore: Value = "") -> Value:
    if x is None:
        return None
    if ignore is None:
        return None
    s = _as_bytes(x)
    ign = set(_as_bytes(ignore))
    hexdigits = b"0123456789abcdefABCDEF"
    out = bytearray()
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c in hexdigits:
            if i + 1 >= n or s[i + 1] not in hexdigits:
                return None
            out.append(int(s[i:i + 2], 16))
            i += 2
        elif c in ign:
            i += 1
        else:
            return None
    return bytes(out)


def f_instr(hay: Value, needle: Value) -> Value:
    if hay is None or needle is None:
        return None
    if type(hay) is bytes and type(needle) is bytes:
        if not needle:
            return 1
        return hay.find(needle) + 1
    h = _full_text(hay)
    nd = _full_text(needle)
    assert h is not None and nd is not None
    if not nd:
        return 1
    return h.find(nd) + 1


def f_length(x: Value) -> Value:
    if type(x) is str:
        i = x.find("\0")
        return len(x) if i < 0 else i
    if type(x) is bytes:
        return len(x)
    if x is None:
        return None
    return len(to_text(x))  # type: ignore[arg-type]


def f_octet_length(x: Value) -> Value:
    if x is None:
        return None
    return len(_as_bytes(x))


def f_likelihood(x: Value, _p: Value) -> Value:
    return x


def f_likely(x: Value) -> Value:
    return x


_UPPER = {c: c - 32 for c in range(97, 123)}
_LOWER = {c: c + 32 for c in range(65, 91)}


def f_lower(x: Value) -> Value:
    s = _full_text(x)
    if s is None:
        return None
    return s.lower() if s.isascii() else s.translate(_LOWER)


def f_upper(x: Value) -> Value:
    s = _full_text(x)
    if s is None:
        return None
    return s.upper() if s.isascii() else s.translate(_UPPER)


def _trim(x: Value, chars: Value, left: bool, right: bool) -> Value:
    s = _full_text(x)
    if s is None:
        return None
    if chars is _SPACE:
        cs = " "
    else:
        c2 = _text(chars)
        if c2 is None:
            return None
        cs = c2
    if not cs:
        return s
    if left:
        s = s.lstrip(cs)
    if right:
        s = s.rstrip(cs)
    return s


_SPACE: Any = object()  # "argument not given"


def f_trim(x: Value, chars: Value = _SPACE) -> Value:
    return _trim(x, chars, True, True)


def f_ltrim(x: Value, chars: Value = _SPACE) -> Value:
    return _trim(x, chars, True, False)


def f_rtrim(x: Value, chars: Value = _SPACE) -> Value:
    return _trim(x, chars, False, True)


def f_max(coll: Collation | None, *args: Value) -> Value:
    best = args[0]
    if best is None:
        return None
    for a in args[1:]:
        if a is None:
            return None
        if compare(best, a, coll) < 0:
            best = a
    return best


def f_min(coll: Collation | None, *args: Value) -> Value:
    best = args[0]
    if best is None:
        return None
    for a in args[1:]:
        if a is None:
            return None
        if compare(best, a, coll) >= 0:
            best = a
    return best


def f_nullif(coll: Collation | None, a: Value, b: Value) -> Value:
    return None if compare(a, b, coll) == 0 else a


def f_quote(x: Value) -> str:
    t = type(x)
    if x is None:
        return "NULL"
    if t is int:
        return str(x)
    if t is float:
        s = real_to_text(x)  # type: ignore[arg-type]
        if s in ("Inf", "-Inf"):
            return s
        if _atof(s)[1] != x:
            return format_float(x, "e", 20, alt2=True)  # type: ignore[arg-type]
        return s
    if t is bytes:
        return "X'" + x.hex().upper() + "'"  # type: ignore[union-attr]
    txt = _text(x)
    assert txt is not None
    return "'" + txt.replace("'", "''") + "'"


def f_random() -> int:
    return _random.getrandbits(64) - (1 << 63)


def f_randomblob(n: Value) -> bytes:
    k = int_value(n)
    if k < 1:
        k = 1
    _check_length(k)
    return os.urandom(k)


def f_zeroblob(n: Value) -> bytes:
    k = int_value(n)
    if k < 0:
        k = 0
    _check_length(k)
    return bytes(k)


def f_replace(x: Value, pat: Value, rep: Value) -> Value:
    s = _full_text(x)
    if s is None:
        return None
    p = _full_text(pat)
    if p is None:
        return None
    if not p:
        return s if type(x) is bytes else x
    r = _full_text(rep)
    if r is None:
        return None
    if len(r) > len(p):
        _check_length(len(s) + s.count(p) * (len(r) - len(p)))
    return s.replace(p, r)


def f_round(x: Value, digits: Value = 0) -> Value:
    if digits is None:
        return None
    n = _i32(digits)
    n = 30 if n > 30 else (0 if n < 0 else n)
    if x is None:
        return None
    r = real_value(x)
    if r < -4503599627370496.0 or r > 4503599627370496.0:
        return r
    if n == 0:
        return float(int(r + (-0.5 if r < 0 else 0.5)))
    if r == 0.0:
        return 0.0
    if n <= 10 and -1e5 < r < 1e5:
        # Python rounds the exact value; SQLite rounds half up after an upward
        # nudge of |r|*3e-16. Away from the half-way point both agree.
        tail = int(format(r, f".{n + 4}f")[-4:-1]) / 1000.0
        nudge = abs(r) * 3e-16 * 10.0 ** n
        if not 0.5 - nudge - 0.003 <= tail <= 0.503:
            return _atof(format(r, f".{n}f"))[1]
    return _atof(format_float(r, "f", n))[1]


def f_sign(x: Value) -> Value:
    v = _numeric_type(x)
    if v is None:
        return None
    return -1 if v < 0 else (1 if v > 0 else 0)


def f_substr(x: Value, start: Value, length: Value = _SPACE) -> Value:
    has_len = length is not _SPACE
    if start is None or (has_len and length is None):
        return None
    if x is None:
        return None
    p1 = _i32(start)
    is_blob = type(x) is bytes
    data: str | bytes
    if is_blob:
        if not x:
            return None
        data = x  # type: ignore[assignment]
    else:
        data = _text(x)  # type: ignore[assignment]
    size = len(data)
    neg_p2 = False
    if has_len:
        p2 = _i32(length)
        if p2 < 0:
            p2 = -p2
            neg_p2 = True
    else:
        p2 = MAX_LENGTH
    if p1 < 0:
        p1 += size
        if p1 < 0:
            p2 += p1
            if p2 < 0:
                p2 = 0
            p1 = 0
    elif p1 > 0:
        p1 -= 1
    elif p2 > 0:
        p2 -= 1
    if neg_p2:
        p1 -= p2
        if p1 < 0:
            p2 += p1
            p1 = 0
    return data[p1:p1 + p2]


def f_typeof(x: Value) -> str:
    return type_name(x)


def f_unicode(x: Value) -> Value:
    s = _text(x)
    if not s:
        return None
    return ord(s[0])


def f_sqlite_version() -> str:
    return SQLITE_VERSION


def f_sqlite_source_id() -> str:
    return SQLITE_SOURCE_ID


_SOUNDEX_CODE = {
    **dict.fromkeys("AEIOUYHW", 0), **dict.fromkeys("BFPV", 1),
    **dict.fromkeys("CGJKQSXZ", 2), **dict.fromkeys("DT", 3), "L": 4,
    **dict.fromkeys("MN", 5), "R": 6,
}


def f_soundex(x: Value) -> str:
    s = _text(x) or ""
    i = 0
    while i < len(s) and not (s[i].isascii() and s[i].isalpha()):
        i += 1
    if i >= len(s):
        return "?000"
    out = [s[i].upper()]
    prev = _SOUNDEX_CODE.get(s[i].upper(), 0)
    for ch in s[i + 1:]:
        if not (ch.isascii() and ch.isalpha()):
            continue
        code = _SOUNDEX_CODE.get(ch.upper(), 0)
        if code > 0:
            if code != prev:
                out.append(str(code))
                if len(out) == 4:
                    break
            prev = code
        else:
            prev = 0
    return "".join(out).ljust(4, "0")


# ---------------------------------------------------------------------------
# Math functions (SQLITE_ENABLE_MATH_FUNCTIONS)
# ---------------------------------------------------------------------------


def _math1(fn: Callable[[float], float], domain_inf: Callable[[float], float | None] | None = None,
           ) -> Callable[[Value], Value]:
    def f(x: Value) -> Value:
        v = _numeric_type(x)
        if v is None:
            return None
        r = float(v)
        try:
            ans = fn(r)
        except ValueError:
            return domain_inf(r) if domain_inf is not None else None
        except OverflowError:
            return math.copysign(math.inf, r) if fn is not math.cosh else math.inf
        return None if ans != ans else ans
    return f


def _atanh_edge(r: float) -> float | None:
    if r == 1.0:
        return math.inf
    if r == -1.0:
        return -math.inf
    return None


def _rounding(fn: Callable[[float], float]) -> Callable[[Value], Value]:
    def f(x: Value) -> Value:
        v = _numeric_type(x)
        if v is None:
            return None
        if type(v) is int or not math.isfinite(v):
            return v
        r = float(fn(v))
        return math.copysign(0.0, v) if r == 0.0 else r
    return f


def _c_pow(x: float, y: float) -> float | None:
    try:
        return math.pow(x, y)
    except OverflowError:
        odd = y == int(y) and int(y) % 2 == 1
        return -math.inf if (x < 0 and odd) else math.inf
    except ValueError:
        if x == 0.0 and y < 0:
            odd = y == int(y) and int(y) % 2 == 1
            return math.copysign(math.inf, x) if odd else math.inf
        return None


def _c_fmod(x: float, y: float) -> float | None:
    try:
        return math.fmod(x, y)
    except ValueError:
        return None


def _c_atan2(x: float, y: float) -> float | None:
    return math.atan2(x, y)


def _math2(fn: Callable[[float, float], float | None]) -> Callable[[Value, Value], Value]:
    def f(a: Value, b: Value) -> Value:
        x = _numeric_type(a)
        if x is None:
            return None
        y = _numeric_type(b)
        if y is None:
            return None
        r = fn(float(x), float(y))
        return None if (r is None or r != r) else r
    return f


def _log_value(x: Value) -> float | None:
    v = _numeric_type(x)
    if v is None:
        return None
    r = float(v)
    return None if r <= 0.0 else r


def f_log(a: Value, b: Value = _SPACE) -> Value:
    if b is _SPACE:
        x = _log_value(a)
        return None if x is None else math.log(x) / _LN10
    x = _log_value(a)
    if x is None:
        return None
    base = math.log(x)
    if base <= 0.0:
        return None
    y = real_value(b)
    if y <= 0.0:
        return None
    return math.log(y) / base


def _log1(fn: Callable[[float], float]) -> Callable[[Value], Value]:
    def f(a: Value) -> Value:
        x = _log_value(a)
        return None if x is None else fn(x)
    return f


_LN10 = 2.302585092994045684017991454684364208
_LN2 = 0.693147180559945309417232121458176568


def _log10(x: float) -> float:
    return math.log(x) / _LN10


def _log2(x: float) -> float:
    return math.log(x) / _LN2


def f_pi() -> float:
    return math.pi


def _exp(x: float) -> float:
    return math.exp(x)


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

SCALARS: dict[str, list[FunctionDef]] = {}


def _reg(name: str, nargs: int, func: Callable[..., Any] | None, *, deterministic: bool = True,
         needs_context: bool = False, needs_collation: bool = False, min_args: int = 0) -> None:
    SCALARS.setdefault(name, []).append(FunctionDef(
        name, nargs, func, deterministic, needs_context, needs_collation, min_args))


for _name, _n, _f in (
    ("abs", 1, f_abs), ("char", -1, f_char), ("coalesce", -1, f_coalesce),
    ("format", -1, f_printf), ("printf", -1, f_printf), ("glob", 2, f_glob),
    ("hex", 1, f_hex), ("ifnull", 2, f_ifnull), ("iif", 3, f_iif), ("instr", 2, f_instr),
    ("length", 1, f_length), ("like", 2, f_like), ("like", 3, f_like3),
    ("likelihood", 2, f_likelihood), ("likely", 1, f_likely), ("lower", 1, f_lower),
    ("ltrim", 1, f_ltrim), ("ltrim", 2, f_ltrim), ("octet_length", 1, f_octet_length),
    ("quote", 1, f_quote), ("replace", 3, f_replace), ("round", 1, f_round),
    ("round", 2, f_round), ("rtrim", 1, f_rtrim), ("rtrim", 2, f_rtrim), ("sign", 1, f_sign),
    ("substr", 2, f_substr), ("substr", 3, f_substr), ("substring", 2, f_substr),
    ("substring", 3, f_substr), ("trim", 1, f_trim), ("trim", 2, f_trim),
    ("typeof", 1, f_typeof), ("unhex", 1, f_unhex), ("unhex", 2, f_unhex),
    ("unicode", 1, f_unicode), ("unlikely", 1, f_likely), ("upper", 1, f_upper),
    ("zeroblob", 1, f_zeroblob), ("sqlite_version", 0, f_sqlite_version),
    ("sqlite_source_id", 0, f_sqlite_source_id), ("soundex", 1, f_soundex),
    # math
    ("acos", 1, _math1(math.acos)), ("acosh", 1, _math1(math.acosh)),
    ("asin", 1, _math1(math.asin)), ("asinh", 1, _math1(math.asinh)),
    ("atan", 1, _math1(math.atan)), ("atan2", 2, _math2(_c_atan2)),
    ("atanh", 1, _math1(math.atanh, _atanh_edge)), ("ceil", 1, _rounding(math.ceil)),
    ("ceiling", 1, _rounding(math.ceil)), ("cos", 1, _math1(math.cos)),
    ("cosh", 1, _math1(math.cosh)), ("degrees", 1, _math1(math.degrees)),
    ("exp", 1, _math1(_exp)), ("floor", 1, _rounding(math.floor)),
    ("ln", 1, _log1(math.log)), ("log", 1, f_log), ("log", 2, f_log),
    ("log10", 1, _log1(_log10)), ("log2", 1, _log1(_log2)),
    ("mod", 2, _math2(_c_fmod)), ("pi", 0, f_pi), ("pow", 2, _math2(_c_pow)),
    ("power", 2, _math2(_c_pow)), ("radians", 1, _math1(math.radians)),
    ("sin", 1, _math1(math.sin)), ("sinh", 1, _math1(math.sinh)),
    ("sqrt", 1, _math1(math.sqrt)), ("tan", 1, _math1(math.tan)),
    ("tanh", 1, _math1(math.tanh)), ("trunc", 1, _rounding(math.trunc)),
):
    _reg(_name, _n, _f, min_args=2 if _name == "coalesce" else 0)

_reg("random", 0, f_random, deterministic=False)
_reg("randomblob", 1, f_randomblob, deterministic=False)
_reg("max", -1, f_max, needs_collation=True, min_args=2)
_reg("min", -1, f_min, needs_collation=True, min_args=2)
_reg("nullif", 2, f_nullif, needs_collation=True)
JSON_TAGGED[f_nullif] = nullif_tagged  # nullif passes a JSON subtype on

for _jname, _jn, _jf, _jmin in JSON_FUNCTIONS:
    _reg(_jname, _jn, _jf, min_args=_jmin)
# The JSON aggregates live beside the JSON scalars (functions/json.py).
AGGREGATES.update(JSON_AGGREGATES)

for _name, _f in DATETIME_FUNCTIONS:
    # Deterministic within a statement only ('now'), so never constant-folded.
    _reg(_name, -1, _f, deterministic=False)

# Functions whose value comes from the connection: the executor implements them
# (func(ctx) where ctx is its session) and may replace these entries.
CONTEXT_FUNCTIONS = ("changes", "last_insert_rowid", "total_changes")
for _name in CONTEXT_FUNCTIONS:
    _reg(_name, 0, None, deterministic=False, needs_context=True)


def find_scalar(name: str, nargs: int) -> FunctionDef | None:
    """find_scalar(name, nargs) -> the overload taking nargs arguments, or None."""
    defs = SCALARS.get(name.lower())
    if not defs:
        return None
    for fd in defs:
        if fd.nargs == nargs:
            return fd
    for fd in defs:
        if fd.accepts(nargs):
            return fd
    return None
