"""SQL values at run time: storage classes, affinity, comparison, arithmetic, casts.

Owns the semantics of a single SQL value as SQLite defines them (datatype3.html
"Datatypes In SQLite", lang_expr.html "Operators", "CAST expressions",
"The LIKE, GLOB ... operators"). Values are plain Python objects:
``None`` (NULL), ``int`` (64-bit), ``float``, ``str`` (TEXT), ``bytes`` (BLOB).
Knows nothing of rows, cursors or the schema.

Storage-class order (compare): NULL < INTEGER/REAL < TEXT < BLOB.

Affinity and comparisons ("Type Conversions Prior To Comparison")
------------------------------------------------------------------
The binder knows the affinity of each operand: a column reference has its
column's affinity, ``CAST(x AS T)`` has T's affinity, every other expression
has *no* affinity, written ``None`` here (distinct from ``Affinity.BLOB``,
which a column declared ``BLOB`` or untyped has). For ``a <op> b``:

    aff = comparison_affinity(aff_a, aff_b)      # Affinity | None
    a2, b2 = prepare_compare(a, b, aff)         # apply it to both operands
    sql_lt(a2, b2, coll)

``compare_with_affinity(a, aff_a, b, aff_b, coll)`` does the three steps at
once. ``IN (list)`` and ``BETWEEN`` use the same rule pairwise.

Text produced from a REAL uses SQLite's ``%!.15g``: ``1.0 -> '1.0'``,
``1e20 -> '1.0e+20'``, ``-0.0 -> '0.0'``, ``inf -> 'Inf'``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from enum import IntEnum
from fractions import Fraction
from functools import lru_cache
from typing import Union

from pyrite.errors import OperationalError
from pyrite.storage.record import TEXT_ERRORS as TEXT_ERRORS

Value = Union[None, int, float, str, bytes]
Collation = Callable[[str, str], int]

__all__ = [
    "Affinity", "Value", "Collation", "MAX_INT", "MIN_INT",
    "affinity_of", "apply_affinity", "comparison_affinity", "prepare_compare",
    "compare_with_affinity", "cast", "cast_to_affinity",
    "compare", "sql_eq", "sql_ne", "sql_lt", "sql_le", "sql_gt", "sql_ge", "sql_is", "sql_isnot",
    "add", "sub", "mul", "div", "mod", "neg", "pos", "bitand", "bitor", "shl", "shr", "bitnot",
    "concat", "truth", "sql_and", "sql_or", "sql_not",
    "to_text", "to_real", "to_integer", "to_numeric", "to_blob", "real_to_text", "type_name",
    "numeric_type_value", "numeric_value", "int_value", "real_value",
    "like", "like_escape", "glob",
    "COLLATIONS", "binary_collation", "nocase_collation", "rtrim_collation",
]

MAX_INT = 0x7FFFFFFFFFFFFFFF
MIN_INT = -0x8000000000000000
_TWO64 = 1 << 64
_MASK64 = _TWO64 - 1


class Affinity(IntEnum):
    """Column affinity; values ordered as SQLite's SQLITE_AFF_* (BLOB is also NONE)."""

    BLOB = 0
    TEXT = 1
    NUMERIC = 2
    INTEGER = 3
    REAL = 4


def affinity_of(decl_type: str | None) -> Affinity:
    """affinity_of(decl) -> Affinity: SQLite's five rules on a declared type name."""
    if not decl_type:
        return Affinity.BLOB
    d = decl_type.upper()
    if "INT" in d:
        return Affinity.INTEGER
    if "CHAR" in d or "CLOB" in d or "TEXT" in d:
        return Affinity.TEXT
    if "BLOB" in d:
        return Affinity.BLOB
    if "REAL" in d or "FLOA" in d or "DOUB" in d:
        return Affinity.REAL
    return Affinity.NUMERIC


def type_name(v: Value) -> str:
    """type_name(v) -> 'null'/'integer'/'real'/'text'/'blob' (typeof())."""
    return _TYPE_NAMES[type(v)]


_TYPE_NAMES: dict[type, str] = {
    type(None): "null", int: "integer", bool: "integer", float: "real", str: "text",
    bytes: "blob",
}

# ---------------------------------------------------------------------------
# Text -> number, as sqlite3AtoF and sqlite3Atoi64 (util.c)
# ---------------------------------------------------------------------------

_WS = " \t\n\v\f\r"
_ATOF_RE = re.compile(
    r"[ \t\n\v\f\r]*([+-]?)([0-9]*)(\.([0-9]*))?(?:([eE])([+-]?)([0-9]*))?[ \t\n\v\f\r]*"
)
_ATOI_RE = re.compile(r"[ \t\n\v\f\r]*([+-]?)(0*)([0-9]*)")


def _atof(s: str) -> tuple[int, float]:
    """sqlite3AtoF: (rc, value). rc 1 pure integer, 2/3 real, 0 not a number,
    -1 a real-looking prefix followed by junk. `value` is the prefix's value,
    computed exactly as SQLite does (a 64-bit significand and a long-double
    power of ten), so that it is bit-identical to SQLite's."""
    m = _ATOF_RE.match(s)
    assert m is not None
    sign, ip, dot, fp, e, esign, edig = m.groups()
    fp = fp or ""
    n_digit = len(ip) + len(fp)
    e_type = 1 + (dot is not None) + (e is not None)
    e_valid = e is None or bool(edig)
    if n_digit == 0:
        value = -0.0 if sign == "-" else 0.0
    else:
        value = _atof_calc(sign == "-", ip, fp, esign == "-", edig)
    if m.end() == len(s) and n_digit > 0 and e_valid:
        return e_type, value
    if e_type >= 2 and (e_type == 3 or e_valid) and n_digit > 0:
        return -1, value
    return 0, value


_SIG_LIMIT = (MAX_INT - 9) // 10
_POW10_LD: dict[int, Fraction] = {}


def _pow10_ld(e: int) -> Fraction:
    """sqlite3Pow10 in long double (square-and-multiply, rounded each step)."""
    r = _POW10_LD.get(e)
    if r is None:
        from pyrite.functions.printf import _ld

        x = Fraction(10)
        r = Fraction(1)
        k = e
        while True:
            if k & 1:
                r = _ld(r * x)
            k >>= 1
            if k == 0:
                break
            x = _ld(x * x)
        _POW10_LD[e] = r
    return r


def _ld_to_double(q: Fraction) -> float:
    from pyrite.functions.printf import _ld

    try:
        return float(_ld(q))
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def _atof_calc(neg: bool, ip: str, fp: str, eneg: bool, edig: str | None) -> float:
    """do_atof_calc of sqlite3AtoF on the digits of a well-formed prefix."""
    d = 0
    if len(ip) <= 18:
        s = int(ip) if ip else 0
    else:
        s = 0
        for i, ch in enumerate(ip):
            s = s * 10 + ord(ch) - 48
            if s >= _SIG_LIMIT:
                d = len(ip) - i - 1
                break
    for ch in fp:
        if s < _SIG_LIMIT:
            s = s * 10 + ord(ch) - 48
            d -= 1
    e = 0
    if edig:
        e = int(edig[:6]) if len(edig) <= 6 else 100000
        e = min(e, 100000)
        if eneg:
            e = -e
    e += d
    if s == 0:
        return -0.0 if neg else 0.0
    esign = 1
    if e < 0:
        esign = -1
        e = -e
    while e > 0:
        if esign > 0:
            if s >= MAX_INT // 10:
                break
            s *= 10
        else:
            if s % 10 != 0:
                break
            s //= 10
        e -= 1
    if neg:
        s = -s
    if e == 0:
        return float(s)
    if e > 307:
        if e < 342:
            scale = _pow10_ld(e - 308)
            if esign < 0:
                return _ld_to_double(Fraction(s) / scale) / 1.0e308
            return _ld_to_double(Fraction(s) * scale) * 1.0e308
        if esign < 0:
            return 0.0 * s
        return math.inf if s > 0 else -math.inf
    if e <= 27:
        # 10**e is exact in a long double: one rounding to 64 bits, then to 53.
        if esign < 0:
            return _ld_quotient(s, 10 ** e)
        return _ld_quotient(s * 10 ** e, 1)
    scale = _pow10_ld(e)
    if esign < 0:
        return _ld_to_double(Fraction(s) / scale)
    return _ld_to_double(Fraction(s) * scale)


def _ld_quotient(n: int, d: int) -> float:
    """float(long double(n / d)) for d > 0, in integer arithmetic."""
    neg = n < 0
    if neg:
        n = -n
    if n == 0:
        return -0.0 if neg else 0.0
    e = n.bit_length() - d.bit_length() - 64
    while True:
        if e >= 0:
            m, r = divmod(n, d << e)
            den = d << e
        else:
            m, r = divmod(n << -e, d)
            den = d
        if m >= 1 << 64:
            e += 1
        elif m < 1 << 63:
            e -= 1
        else:
            break
    if 2 * r > den or (2 * r == den and m & 1):
        m += 1
    try:
        f = math.ldexp(float(m), e)
    except OverflowError:
        f = math.inf
    return -f if neg else f


def _atoi(s: str) -> tuple[int, int]:
    """sqlite3Atoi64: (rc, value). rc 0 ok, 1 trailing junk, 2 overflow,
    3 exactly 9223372036854775808, -1 no digits. Value saturates."""
    m = _ATOI_RE.match(s)
    assert m is not None
    sign, zeros, digits = m.groups()
    neg = sign == "-"
    end = m.end()
    if not zeros and not digits:
        rc = -1
    elif end < len(s) and s[end:].strip(_WS):
        rc = 1
    else:
        rc = 0
    if not digits:
        return rc, 0
    u = int(digits) if len(digits) <= 20 else _TWO64
    if u > MAX_INT:
        val = MIN_INT if neg else MAX_INT
        if u == MAX_INT + 1 and len(digits) == 19:
            return (rc if neg else 3), val
        return 2, val
    return rc, (-u if neg else u)


def _text_of(v: str | bytes) -> str:
    return v if type(v) is str else v.decode("latin-1")  # type: ignore[union-attr]


def real_value(v: Value) -> float:
    """real_value(v) -> float: sqlite3VdbeRealValue (NULL -> 0.0, text -> prefix)."""
    t = type(v)
    if t is float:
        return v  # type: ignore[return-value]
    if t is int or t is bool:
        return float(v)  # type: ignore[arg-type]
    if v is None:
        return 0.0
    return _atof(_text_of(v))[1]  # type: ignore[arg-type]


def _double_to_int(r: float) -> int:
    if r != r:
        return 0
    if r <= -9.223372036854775808e18:
        return MIN_INT
    if r >= 9.223372036854775807e18:
        return MAX_INT
    return int(r)


def int_value(v: Value) -> int:
    """int_value(v) -> int: sqlite3VdbeIntValue (reals truncate and saturate,
    text takes its leading integer, '1e5' -> 1)."""
    t = type(v)
    if t is int:
        return v  # type: ignore[return-value]
    if t is float:
        return _double_to_int(v)  # type: ignore[arg-type]
    if v is None:
        return 0
    if t is bool:
        return int(v)
    return _atoi(_text_of(v))[1]  # type: ignore[arg-type]


def numeric_value(v: Value) -> int | float | None:
    """numeric_value(v) -> int | float | None: the operand of arithmetic
    (vdbe.c numericType/computeNumericType): text takes its numeric prefix."""
    t = type(v)
    if t is int or t is float or v is None:
        return v  # type: ignore[return-value]
    if t is bool:
        return int(v)
    s = _text_of(v)  # type: ignore[arg-type]
    rc, r = _atof(s)
    if rc <= 0:
        if rc == 0:
            irc, i = _atoi(s)
            if irc <= 1:
                return i
        return r
    if rc == 1:
        irc, i = _atoi(s)
        if irc == 0:
            return i
    return r


def _real_same_as_int(r: float, i: int) -> bool:
    return r == 0.0 or (float(i) == r and -2251799813685248 <= i < 2251799813685248)


# ---------------------------------------------------------------------------
# Rendering a REAL as text ("%!.15g")
# ---------------------------------------------------------------------------


def real_to_text(r: float) -> str:
    """real_to_text(r) -> str: SQLite's "%!.15g" rendering of a REAL."""
    if r != r:
        return "NaN"
    if r == math.inf:
        return "Inf"
    if r == -math.inf:
        return "-Inf"
    if r == 0.0:
        return "0.0"
    rep = repr(r)
    mant, _, _ = rep.partition("e")
    digits = mant.replace("-", "").replace(".", "").strip("0")
    if len(digits) <= 15:
        s = format(r, ".15g")
    else:
        # SQLite rounds half up on a long-double approximation; Python rounds
        # the exact value. They can differ only when the digits after the 15th
        # are close to ...50, or for magnitudes >= 1e100, where SQLite scales
        # by the inexact constant 1e100: emulate SQLite exactly there.
        tail = format(r, ".20e").lstrip("-")[16:18]
        if tail == "49" or tail == "50" or not 1e-300 < abs(r) < 1e100:
            s = _g15_exact(r)
        else:
            s = format(r, ".15g")
    if "e" in s:
        m, _, ex = s.partition("e")
        if "." not in m:
            m += ".0"
        sign = ex[0]
        ex = ex[1:].lstrip("0").rjust(2, "0")
        return f"{m}e{sign}{ex}"
    if "." not in s:
        s += ".0"
    return s


def _g15_exact(r: float) -> str:
    """%.15g with SQLite's round-half-up on the exact binary value."""
    from pyrite.functions.printf import format_float

    return format_float(r, "g", 15, alt=False, alt2=False)


def to_text(v: Value) -> str | None:
    """to_text(v) -> str | None: CAST(v AS TEXT)."""
    t = type(v)
    if t is str:
        return v  # type: ignore[return-value]
    if t is int:
        return str(v)
    if t is float:
        return real_to_text(v)  # type: ignore[arg-type]
    if v is None:
        return None
    if t is bool:
        return str(int(v))
    return v.decode("utf-8", TEXT_ERRORS)  # type: ignore[union-attr]


def to_real(v: Value) -> float | None:
    """to_real(v) -> float | None: CAST(v AS REAL)."""
    if v is None:
        return None
    return real_value(v)


def to_integer(v: Value) -> int | None:
    """to_integer(v) -> int | None: CAST(v AS INTEGER)."""
    if v is None:
        return None
    return int_value(v)


def to_numeric(v: Value) -> int | float | None:
    """to_numeric(v): CAST(v AS NUMERIC) (sqlite3VdbeMemNumerify)."""
    t = type(v)
    if t is int or t is float or v is None:
        return v  # type: ignore[return-value]
    if t is bool:
        return int(v)
    s = _text_of(v)  # type: ignore[arg-type]
    rc, r = _atof(s)
    if rc == 0 or rc == 1:
        irc, i = _atoi(s)
        if irc <= 1:
            return i
    i = _double_to_int(r)
    if _real_same_as_int(r, i):
        return i
    return r


def to_blob(v: Value) -> bytes | None:
    """to_blob(v) -> bytes | None: CAST(v AS BLOB)."""
    if v is None or type(v) is bytes:
        return v
    s = to_text(v)
    assert s is not None
    return s.encode("utf-8", TEXT_ERRORS)


_CASTS: dict[Affinity, Callable[[Value], Value]] = {
    Affinity.BLOB: to_blob, Affinity.TEXT: to_text, Affinity.NUMERIC: to_numeric,
    Affinity.INTEGER: to_integer, Affinity.REAL: to_real,
}


def cast(v: Value, type_name_: str) -> Value:
    """cast(v, type_name) -> value: CAST(v AS type_name)."""
    return _CASTS[affinity_of(type_name_)](v)


def cast_to_affinity(v: Value, aff: Affinity) -> Value:
    """cast_to_affinity(v, aff) -> value: CAST to a type of affinity `aff`."""
    return _CASTS[aff](v)


# ---------------------------------------------------------------------------
# Affinity
# ---------------------------------------------------------------------------


def _numeric_affinity_text(s: str, aff: Affinity) -> Value:
    rc, r = _atof(s)
    if rc <= 0:
        return s
    if rc == 1:
        irc, i = _atoi(s)
        if irc == 0:
            return float(i) if aff == Affinity.REAL else i
    if aff == Affinity.REAL:
        return r
    i = _double_to_int(r)
    if r == i and MIN_INT < i < MAX_INT:
        return i
    return r


def apply_affinity(v: Value, aff: Affinity | None) -> Value:
    """apply_affinity(v, aff) -> value: column affinity on store (vdbe.c applyAffinity).

    TEXT: numbers become text. NUMERIC/INTEGER: well-formed numeric text becomes
    INTEGER (or REAL), an integral REAL becomes INTEGER. REAL: numbers become REAL.
    BLOB or None: unchanged."""
    t = type(v)
    if aff is None or aff == Affinity.BLOB or v is None:
        return v
    if aff == Affinity.TEXT:
        if t is int or t is float or t is bool:
            return to_text(v)
        return v
    if t is int:
        return float(v) if aff == Affinity.REAL else v
    if t is float:
        if aff == Affinity.REAL:
            # an integral REAL is stored as an integer and read back as REAL
            return 0.0 if v == 0.0 else v
        i = _double_to_int(v)  # type: ignore[arg-type]
        if v == i and MIN_INT < i < MAX_INT:
            return i
        return v
    if t is str:
        return _numeric_affinity_text(v, aff)  # type: ignore[arg-type]
    if t is bool:
        return apply_affinity(int(v), aff)
    return v


def comparison_affinity(aff_a: Affinity | None, aff_b: Affinity | None) -> Affinity | None:
    """comparison_affinity(aff_a, aff_b) -> affinity to apply to both operands
    (None = no conversion). None means "expression without affinity"."""
    if aff_a is not None and aff_b is not None:
        if aff_a >= Affinity.NUMERIC or aff_b >= Affinity.NUMERIC:
            return Affinity.NUMERIC
        return None
    aff = aff_a if aff_b is None else aff_b
    if aff is None or aff == Affinity.BLOB:
        return None
    return aff


def _compare_affinity_one(v: Value, aff: Affinity) -> Value:
    t = type(v)
    if aff >= Affinity.NUMERIC:
        if t is str:
            rc, r = _atof(v)  # type: ignore[arg-type]
            if rc <= 0:
                return v
            if rc == 1:
                irc, i = _atoi(v)  # type: ignore[arg-type]
                if irc == 0:
                    return i
            return r
        return v
    if t is int or t is float:
        return to_text(v)
    return v


def numeric_type_value(v: Value) -> int | float | None:
    """numeric_type_value(v) -> int | float | None: sqlite3_value_numeric_type's
    view of v: numbers, or text that is a well-formed number; else None."""
    t = type(v)
    if t is int or t is float:
        return v  # type: ignore[return-value]
    if t is str:
        r = _compare_affinity_one(v, Affinity.NUMERIC)
        return None if type(r) is str else r  # type: ignore[return-value]
    return None


def prepare_compare(a: Value, b: Value, aff: Affinity | None) -> tuple[Value, Value]:
    """prepare_compare(a, b, aff) -> (a, b) with the comparison affinity applied."""
    if aff is None or aff == Affinity.BLOB:
        return a, b
    return _compare_affinity_one(a, aff), _compare_affinity_one(b, aff)


def compare_with_affinity(
    a: Value, aff_a: Affinity | None, b: Value, aff_b: Affinity | None,
    coll: Collation | None = None,
) -> int | None:
    """compare_with_affinity(a, aff_a, b, aff_b, coll) -> -1/0/1, None if a NULL."""
    if a is None or b is None:
        return None
    a, b = prepare_compare(a, b, comparison_affinity(aff_a, aff_b))
    return compare(a, b, coll)


# ---------------------------------------------------------------------------
# Collations and comparison
# ---------------------------------------------------------------------------

_ASCII_LOWER = {c: c + 32 for c in range(65, 91)}


def binary_collation(a: str, b: str) -> int:
    """BINARY: memcmp of UTF-8 (code-point order)."""
    return (a > b) - (a < b)


def _nocase_key(s: str) -> str:
    return s.lower() if s.isascii() else s.translate(_ASCII_LOWER)


def nocase_collation(a: str, b: str) -> int:
    """NOCASE: ASCII letters folded to lower case, everything else binary."""
    a = _nocase_key(a)
    b = _nocase_key(b)
    return (a > b) - (a < b)


def rtrim_collation(a: str, b: str) -> int:
    """RTRIM: BINARY ignoring trailing spaces."""
    a = a.rstrip(" ")
    b = b.rstrip(" ")
    return (a > b) - (a < b)


COLLATIONS: dict[str, Collation] = {
    "BINARY": binary_collation, "NOCASE": nocase_collation, "RTRIM": rtrim_collation,
}

_RANK: dict[type, int] = {
    type(None): 0, int: 1, float: 1, bool: 1, str: 2, bytes: 3,
}


def compare(a: Value, b: Value, coll: Collation | None = None) -> int:
    """compare(a, b, coll) -> -1/0/1: SQLite ordering of two values (NULL first)."""
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta is str and coll is not None:
            r = coll(a, b)  # type: ignore[arg-type]
            return (r > 0) - (r < 0)
        if a is None:
            return 0
        return (a > b) - (a < b)  # type: ignore[operator]
    ra = _RANK[ta]
    rb = _RANK[tb]
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        return 0
    return (a > b) - (a < b)  # type: ignore[operator]


def sql_eq(a: Value, b: Value, coll: Collation | None = None) -> int | None:
    """sql_eq(a, b, coll) -> 1/0/None: a = b."""
    if a is None or b is None:
        return None
    if coll is None or type(a) is not str or type(b) is not str:
        return 1 if a == b else 0
    return 1 if coll(a, b) == 0 else 0


def sql_ne(a: Value, b: Value, coll: Collation | None = None) -> int | None:
    """sql_ne(a, b, coll) -> 1/0/None: a <> b."""
    if a is None or b is None:
        return None
    if coll is None or type(a) is not str or type(b) is not str:
        return 0 if a == b else 1
    return 0 if coll(a, b) == 0 else 1


def sql_lt(a: Value, b: Value, coll: Collation | None = None) -> int | None:
    """sql_lt(a, b, coll) -> 1/0/None: a < b."""
    if a is None or b is None:
        return None
    if coll is None and type(a) is type(b):
        return 1 if a < b else 0  # type: ignore[operator]
    return 1 if compare(a, b, coll) < 0 else 0


def sql_le(a: Value, b: Value, coll: Collation | None = None) -> int | None:
    """sql_le(a, b, coll) -> 1/0/None: a <= b."""
    if a is None or b is None:
        return None
    if coll is None and type(a) is type(b):
        return 1 if a <= b else 0  # type: ignore[operator]
    return 1 if compare(a, b, coll) <= 0 else 0


def sql_gt(a: Value, b: Value, coll: Collation | None = None) -> int | None:
    """sql_gt(a, b, coll) -> 1/0/None: a > b."""
    if a is None or b is None:
        return None
    if coll is None and type(a) is type(b):
        return 1 if a > b else 0  # type: ignore[operator]
    return 1 if compare(a, b, coll) > 0 else 0


def sql_ge(a: Value, b: Value, coll: Collation | None = None) -> int | None:
    """sql_ge(a, b, coll) -> 1/0/None: a >= b."""
    if a is None or b is None:
        return None
    if coll is None and type(a) is type(b):
        return 1 if a >= b else 0  # type: ignore[operator]
    return 1 if compare(a, b, coll) >= 0 else 0


def sql_is(a: Value, b: Value, coll: Collation | None = None) -> int:
    """sql_is(a, b, coll) -> 1/0: a IS b (NULL IS NULL is 1)."""
    if a is None or b is None:
        return 1 if a is b else 0
    return 1 if compare(a, b, coll) == 0 else 0


def sql_isnot(a: Value, b: Value, coll: Collation | None = None) -> int:
    """sql_isnot(a, b, coll) -> 1/0: a IS NOT b."""
    return 1 - sql_is(a, b, coll)


# ---------------------------------------------------------------------------
# Arithmetic (vdbe.c OP_Add ... OP_Remainder)
# ---------------------------------------------------------------------------


def _fp_result(r: float) -> float | None:
    return None if r != r else r


def add(a: Value, b: Value) -> Value:
    """add(a, b) -> a + b (NULL-propagating; integer overflow -> REAL)."""
    if type(a) is int and type(b) is int:
        r = a + b
        if MIN_INT <= r <= MAX_INT:
            return r
        return float(a) + float(b)
    if type(a) is float and type(b) is float:
        f = a + b
        return None if f != f else f
    x = numeric_value(a)
    y = numeric_value(b)
    if x is None or y is None:
        return None
    if type(x) is int and type(y) is int:
        return add(x, y)
    return _fp_result(real_value(a) + real_value(b))


def sub(a: Value, b: Value) -> Value:
    """sub(a, b) -> a - b."""
    if type(a) is int and type(b) is int:
        r = a - b
        if MIN_INT <= r <= MAX_INT:
            return r
        return float(a) - float(b)
    if type(a) is float and type(b) is float:
        f = a - b
        return None if f != f else f
    x = numeric_value(a)
    y = numeric_value(b)
    if x is None or y is None:
        return None
    if type(x) is int and type(y) is int:
        return sub(x, y)
    return _fp_result(real_value(a) - real_value(b))


def mul(a: Value, b: Value) -> Value:
    """mul(a, b) -> a * b."""
    if type(a) is int and type(b) is int:
        r = a * b
        if MIN_INT <= r <= MAX_INT:
            return r
        return float(a) * float(b)
    if type(a) is float and type(b) is float:
        f = a * b
        return None if f != f else f
    x = numeric_value(a)
    y = numeric_value(b)
    if x is None or y is None:
        return None
    if type(x) is int and type(y) is int:
        return mul(x, y)
    return _fp_result(real_value(a) * real_value(b))


def div(a: Value, b: Value) -> Value:
    """div(a, b) -> a / b (integer division truncates; /0 -> NULL)."""
    x = numeric_value(a)
    y = numeric_value(b)
    if x is None or y is None:
        return None
    if type(x) is int and type(y) is int:
        if y == 0:
            return None
        if y == -1 and x == MIN_INT:
            return float(x) / -1.0
        q = abs(x) // abs(y)
        return q if (x < 0) == (y < 0) else -q
    fy = real_value(b)
    if fy == 0.0:
        return None
    return _fp_result(real_value(a) / fy)


def _c_rem(x: int, y: int) -> int:
    r = abs(x) % abs(y)
    return -r if x < 0 else r


def mod(a: Value, b: Value) -> Value:
    """mod(a, b) -> a % b (C remainder; reals are truncated to integers first; %0 -> NULL)."""
    x = numeric_value(a)
    y = numeric_value(b)
    if x is None or y is None:
        return None
    if type(x) is int and type(y) is int:
        if y == 0:
            return None
        if y == -1:
            return 0
        return _c_rem(x, y)
    ia = int_value(b)
    ib = int_value(a)
    if ia == 0:
        return None
    if ia == -1:
        ia = 1
    return float(_c_rem(ib, ia))


def neg(a: Value) -> Value:
    """neg(a) -> -a (computed as 0 - a, so -'abc' is 0 and -(-0.0) is 0.0)."""
    if type(a) is int and a != MIN_INT:
        return -a
    return sub(0, a)


def pos(a: Value) -> Value:
    """pos(a) -> +a: the operand unchanged."""
    return a


def _wrap64(u: int) -> int:
    u &= _MASK64
    return u - _TWO64 if u > MAX_INT else u


def bitand(a: Value, b: Value) -> int | None:
    """bitand(a, b) -> a & b."""
    if a is None or b is None:
        return None
    return int_value(a) & int_value(b)


def bitor(a: Value, b: Value) -> int | None:
    """bitor(a, b) -> a | b."""
    if a is None or b is None:
        return None
    return int_value(a) | int_value(b)


def _shift(x: int, n: int, left: bool) -> int:
    if n == 0:
        return x
    if n < 0:
        left = not left
        n = -n if n > -64 else 64
    if n >= 64:
        return 0 if (x >= 0 or left) else -1
    if left:
        return _wrap64(x << n)
    return x >> n


def shl(a: Value, b: Value) -> int | None:
    """shl(a, b) -> a << b (64-bit; negative count shifts right)."""
    if a is None or b is None:
        return None
    return _shift(int_value(a), int_value(b), True)


def shr(a: Value, b: Value) -> int | None:
    """shr(a, b) -> a >> b (arithmetic; negative count shifts left)."""
    if a is None or b is None:
        return None
    return _shift(int_value(a), int_value(b), False)


def bitnot(a: Value) -> int | None:
    """bitnot(a) -> ~a."""
    if a is None:
        return None
    return ~int_value(a)


def concat(a: Value, b: Value) -> str | None:
    """concat(a, b) -> a || b as TEXT (NULL if either is NULL)."""
    if type(a) is str and type(b) is str:
        return a + b
    if a is None or b is None:
        return None
    if type(a) is bytes or type(b) is bytes:
        # SQLite joins the bytes, then reads them as UTF-8 text; bytes that are not
        # UTF-8 are kept (as surrogate escapes) so the module can report them as sqlite3 does
        return (_text_bytes(a) + _text_bytes(b)).decode("utf-8", TEXT_ERRORS)
    return to_text(a) + to_text(b)  # type: ignore[operator]


def _text_bytes(v: Value) -> bytes:
    if type(v) is bytes:
        return v
    t = to_text(v)
    assert t is not None
    return t.encode("utf-8", TEXT_ERRORS)


# ---------------------------------------------------------------------------
# Truth values
# ---------------------------------------------------------------------------


def truth(v: Value) -> bool | None:
    """truth(v) -> True/False/None: v as a WHERE condition (text by numeric prefix)."""
    t = type(v)
    if t is int or t is float:
        return v != 0
    if v is None:
        return None
    return real_value(v) != 0.0


def sql_and(a: Value, b: Value) -> int | None:
    """sql_and(a, b) -> 1/0/None: three-valued AND."""
    x = truth(a)
    if x is False:
        return 0
    y = truth(b)
    if y is False:
        return 0
    if x is None or y is None:
        return None
    return 1


def sql_or(a: Value, b: Value) -> int | None:
    """sql_or(a, b) -> 1/0/None: three-valued OR."""
    x = truth(a)
    if x is True:
        return 1
    y = truth(b)
    if y is True:
        return 1
    if x is None or y is None:
        return None
    return 0


def sql_not(a: Value) -> int | None:
    """sql_not(a) -> 1/0/None: NOT a."""
    x = truth(a)
    if x is None:
        return None
    return 0 if x else 1


# ---------------------------------------------------------------------------
# LIKE and GLOB (func.c patternCompare)
# ---------------------------------------------------------------------------

class _Pattern:
    """A compiled LIKE/GLOB pattern: fixed-length segments between wildcards.

    Every segment matches a fixed number of characters, so matching is a
    left-to-right scan (leftmost match of each middle segment) with no
    backtracking: hostile patterns like '%a%a%a%a%b' stay linear."""

    __slots__ = ("segs", "star", "never")

    def __init__(self, frags: list[str] | None) -> None:
        self.never = frags is None
        self.star = False
        self.segs: list[tuple[re.Pattern[str], int]] = []
        if frags is None:
            return
        cur: list[str] = []
        for f in frags:
            if f == "*":
                self.star = True
                self.segs.append((re.compile("".join(cur), re.DOTALL), len(cur)))
                cur = []
            else:
                cur.append(f)
        self.segs.append((re.compile("".join(cur), re.DOTALL), len(cur)))

    def matches(self, text: str) -> bool:
        if self.never:
            return False
        segs = self.segs
        if not self.star:
            return segs[0][0].fullmatch(text) is not None
        n = len(text)
        first_re, first_len = segs[0]
        last_re, last_len = segs[-1]
        if first_len + last_len > n:
            return False
        if first_len and first_re.match(text, 0, first_len) is None:
            return False
        pos = first_len
        end = n - last_len
        for rx, ln in segs[1:-1]:
            if ln == 0:
                continue
            m = rx.search(text, pos, end)
            if m is None:
                return False
            pos = m.end()
        return not last_len or last_re.match(text, end, n) is not None


_NEVER: list[str] | None = None


@lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str | None, case_sensitive: bool) -> _Pattern:
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        i += 1
        if c == escape:
            if i >= n:
                return _Pattern(_NEVER)
            c = pattern[i]
            i += 1
            out.append(_like_char(c, case_sensitive))
        elif c == "%":
            out.append("*")
        elif c == "_":
            out.append(".")
        else:
            out.append(_like_char(c, case_sensitive))
    return _Pattern(out)


def _like_char(c: str, case_sensitive: bool) -> str:
    if not case_sensitive and c.isascii() and c.isalpha():
        return f"[{c.lower()}{c.upper()}]"
    return re.escape(c)


def _nul_cut(s: str) -> str:
    i = s.find("\0")
    return s if i < 0 else s[:i]


def like(pattern: Value, s: Value, escape: Value = None, case_sensitive: bool = False,
         ) -> int | None:
    """like(pattern, s, escape, case_sensitive) -> 1/0/None: s LIKE pattern."""
    if type(pattern) is bytes or type(s) is bytes:
        return 0
    esc: str | None = None
    if escape is not None:
        e = to_text(escape)
        assert e is not None
        i = e.find("\0")
        if i >= 0:
            e = e[:i]
        if len(e) != 1:
            raise OperationalError("ESCAPE expression must be a single character")
        esc = e
    if pattern is None or s is None:
        return None
    p = _nul_cut(to_text(pattern))  # type: ignore[arg-type]
    if len(p.encode("utf-8", "surrogatepass")) > 50000:
        raise OperationalError("LIKE or GLOB pattern too complex")
    text = _nul_cut(to_text(s))  # type: ignore[arg-type]
    return 1 if _like_regex(p, esc, case_sensitive).matches(text) else 0


def like_escape(pattern: Value, s: Value, escape: Value, case_sensitive: bool = False,
                ) -> int | None:
    """like_escape(pattern, s, escape, cs) -> 1/0/None: s LIKE pattern ESCAPE escape
    (an ESCAPE value of NULL makes the result NULL)."""
    if type(pattern) is bytes or type(s) is bytes:
        return 0
    if escape is None:
        return None
    return like(pattern, s, escape, case_sensitive)


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> _Pattern:
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        i += 1
        if c == "*":
            out.append("*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            invert = False
            members: list[str] = []
            if i < n and pattern[i] == "^":
                invert = True
                i += 1
            if i < n and pattern[i] == "]":
                members.append(re.escape("]"))
                i += 1
            prior = ""
            closed = False
            while i < n:
                c2 = pattern[i]
                i += 1
                if c2 == "]":
                    closed = True
                    break
                if c2 == "-" and prior and i < n and pattern[i] != "]":
                    hi = pattern[i]
                    i += 1
                    if prior <= hi:
                        members.append(f"{re.escape(prior)}-{re.escape(hi)}")
                    prior = ""
                else:
                    members.append(re.escape(c2))
                    prior = c2
            if not closed:
                return _Pattern(_NEVER)
            body = "".join(members)
            if not body:
                out.append("." if invert else "(?!)")
            else:
                out.append(f"[{'^' if invert else ''}{body}]")
        else:
            out.append(re.escape(c))
    return _Pattern(out)


def glob(pattern: Value, s: Value) -> int | None:
    """glob(pattern, s) -> 1/0/None: s GLOB pattern (case-sensitive, * ? [...])."""
    if type(pattern) is bytes or type(s) is bytes:
        return 0
    if pattern is None or s is None:
        return None
    p = _nul_cut(to_text(pattern))  # type: ignore[arg-type]
    if len(p.encode("utf-8", "surrogatepass")) > 50000:
        raise OperationalError("LIKE or GLOB pattern too complex")
    text = _nul_cut(to_text(s))  # type: ignore[arg-type]
    return 1 if _glob_regex(p).matches(text) else 0

