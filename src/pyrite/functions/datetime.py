"""Date and time functions (lang_datefunc.html) as SQLite 3.40 computes them
(date.c): date, time, datetime, julianday, unixepoch, strftime, their
modifiers, and the values of CURRENT_DATE / CURRENT_TIME / CURRENT_TIMESTAMP.

Owns the DateTime state of date.c (a julian day in milliseconds, ``i_jd``,
and/or broken-down Y-M-D h:m:s) and its parsers. Knows nothing of rows.

"now": every use within one statement must see the same instant. The
executor calls ``begin_statement()`` when a statement starts stepping (and
``end_statement()`` after); without it each call reads the clock.
"""

from __future__ import annotations

import struct
import threading
import time as _time
from typing import Any

from pyrite.exec.values import Value, _atof, to_text
from pyrite.functions.printf import format_float

__all__ = [
    "f_date", "f_time", "f_datetime", "f_julianday", "f_unixepoch", "f_strftime",
    "current_date", "current_time", "current_timestamp", "begin_statement", "end_statement",
    "DATETIME_FUNCTIONS",
]

_UNIX_EPOCH_JDMS = 210866760000000   # 1970-01-01 00:00:00 as julian day milliseconds
_MAX_JDMS = 464269060799999           # 9999-12-31 23:59:59.999
_local = threading.local()


def begin_statement() -> None:
    """Freeze "now" for the statement that is starting on this thread."""
    _local.now = _clock_jdms()


def end_statement() -> None:
    """Unfreeze "now" (the statement finished)."""
    _local.now = None


def _clock_jdms() -> int:
    return _time.time_ns() // 1_000_000 + _UNIX_EPOCH_JDMS


def _now_jdms() -> int:
    now: int | None = getattr(_local, "now", None)
    return now if now is not None else _clock_jdms()


def _f32(x: float) -> float:
    return float(struct.unpack("f", struct.pack("f", x))[0])


_XFORMS = (
    ("second", _f32(4.6427e14), 1.0), ("minute", _f32(7.7379e12), 60.0),
    ("hour", _f32(1.2897e11), 3600.0), ("day", _f32(5373485.0), 86400.0),
    ("month", _f32(176546.0), 2592000.0), ("year", _f32(14713.0), 31536000.0),
)
_WS = " \t\n\v\f\r"


def _c_div(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _c_mod(a: int, b: int) -> int:
    return a - b * _c_div(a, b)


class _DateTime:
    __slots__ = ("i_jd", "Y", "M", "D", "h", "m", "s", "tz", "valid_jd", "valid_ymd",
                 "valid_hms", "valid_tz", "raw_s", "tz_set", "is_error")

    def __init__(self) -> None:
        self.i_jd = 0
        self.Y = self.M = self.D = self.h = self.m = 0
        self.s = 0.0
        self.tz = 0
        self.valid_jd = self.valid_ymd = self.valid_hms = self.valid_tz = False
        self.raw_s = self.tz_set = self.is_error = False

    def copy(self) -> _DateTime:
        n = _DateTime()
        for k in self.__slots__:
            setattr(n, k, getattr(self, k))
        return n

    def error(self) -> None:
        self.__init__()  # type: ignore[misc]
        self.is_error = True

    def compute_jd(self) -> None:
        if self.valid_jd:
            return
        if self.valid_ymd:
            y, mo, d = self.Y, self.M, self.D
        else:
            y, mo, d = 2000, 1, 1
        if y < -4713 or y > 9999 or self.raw_s:
            self.error()
            return
        if mo <= 2:
            y -= 1
            mo += 12
        a = _c_div(y, 100)
        b = 2 - a + _c_div(a, 4)
        x1 = _c_div(36525 * (y + 4716), 100)
        x2 = _c_div(306001 * (mo + 1), 10000)
        self.i_jd = int((x1 + x2 + d + b - 1524.5) * 86400000)
        self.valid_jd = True
        if self.valid_hms:
            self.i_jd += self.h * 3600000 + self.m * 60000 + int(self.s * 1000 + 0.5)
            if self.valid_tz:
                self.i_jd -= self.tz * 60000
                self.valid_ymd = self.valid_hms = self.valid_tz = False

    def compute_ymd(self) -> None:
        if self.valid_ymd:
            return
        if not self.valid_jd:
            self.Y, self.M, self.D = 2000, 1, 1
        elif not 0 <= self.i_jd <= _MAX_JDMS:
            self.error()
            return
        else:
            z = (self.i_jd + 43200000) // 86400000
            a = int((z - 1867216.25) / 36524.25)
            a = z + 1 + a - _c_div(a, 4)
            b = a + 1524
            c = int((b - 122.1) / 365.25)
            d = _c_div(36525 * (c & 32767), 100)
            e = int((b - d) / 30.6001)
            x1 = int(30.6001 * e)
            self.D = b - d - x1
            self.M = e - 1 if e < 14 else e - 13
            self.Y = c - 4716 if self.M > 2 else c - 4715
        self.valid_ymd = True

    def compute_hms(self) -> None:
        if self.valid_hms:
            return
        self.compute_jd()
        si = _c_mod(self.i_jd + 43200000, 86400000)
        s = si / 1000.0
        whole = int(s)
        s -= whole
        self.h = whole // 3600
        whole -= self.h * 3600
        self.m = whole // 60
        self.s = s + (whole - self.m * 60)
        self.raw_s = False
        self.valid_hms = True

    def compute_ymd_hms(self) -> None:
        self.compute_ymd()
        self.compute_hms()

    def clear_ymd_hms_tz(self) -> None:
        self.valid_ymd = self.valid_hms = self.valid_tz = False

    def set_raw_number(self, r: float) -> None:
        self.s = r
        self.raw_s = True
        if 0.0 <= r < 5373484.5:
            self.i_jd = int(r * 86400000.0 + 0.5)
            self.valid_jd = True


# --- parsing -----------------------------------------------------------------

_MAXES = {"a": 12, "b": 14, "c": 24, "d": 31, "e": 59, "f": 9999}


def _get_digits(z: str, pos: int, fmt: str) -> list[int]:
    """getDigits: fmt is groups of 4 chars (count, min, max letter, next char)."""
    out: list[int] = []
    for k in range(0, len(fmt), 4):
        n = int(fmt[k])
        lo = int(fmt[k + 1])
        hi = _MAXES[fmt[k + 2]]
        nxt = fmt[k + 3] if k + 3 < len(fmt) else ""
        chunk = z[pos:pos + n]
        if len(chunk) < n or not all("0" <= ch <= "9" for ch in chunk):
            return out
        val = int(chunk)
        pos += n
        follow = z[pos] if pos < len(z) else ""
        if val < lo or val > hi or (nxt != "" and nxt != follow):
            return out
        out.append(val)
        pos += 1
    return out


def _parse_timezone(z: str, pos: int, p: _DateTime) -> bool:
    """parseTimezone: True on error."""
    while pos < len(z) and z[pos] in _WS:
        pos += 1
    p.tz = 0
    c = z[pos] if pos < len(z) else ""
    if c == "-" or c == "+":
        sgn = -1 if c == "-" else 1
        pos += 1
        d = _get_digits(z, pos, "20b:20e")
        if len(d) != 2:
            return True
        pos += 5
        p.tz = sgn * (d[1] + d[0] * 60)
    elif c in ("Z", "z"):
        pos += 1
    else:
        return c != ""
    while pos < len(z) and z[pos] in _WS:
        pos += 1
    p.tz_set = True
    return pos < len(z)


def _parse_hms(z: str, pos: int, p: _DateTime) -> bool:
    """parseHhMmSs: True on error."""
    d = _get_digits(z, pos, "20c:20e")
    if len(d) != 2:
        return True
    h, m = d
    pos += 5
    ms = 0.0
    s = 0
    if pos < len(z) and z[pos] == ":":
        pos += 1
        d2 = _get_digits(z, pos, "20e")
        if len(d2) != 1:
            return True
        s = d2[0]
        pos += 2
        if pos + 1 < len(z) and z[pos] == "." and "0" <= z[pos + 1] <= "9":
            scale = 1.0
            pos += 1
            while pos < len(z) and "0" <= z[pos] <= "9":
                ms = ms * 10.0 + (ord(z[pos]) - 48)
                scale *= 10.0
                pos += 1
            ms /= scale
    p.valid_jd = False
    p.raw_s = False
    p.valid_hms = True
    p.h = h
    p.m = m
    p.s = s + ms
    if _parse_timezone(z, pos, p):
        return True
    p.valid_tz = p.tz != 0
    return False


def _parse_ymd(z: str, p: _DateTime) -> bool:
    """parseYyyyMmDd: True on error."""
    pos = 0
    neg = False
    if z[:1] == "-":
        pos = 1
        neg = True
    d = _get_digits(z, pos, "40f-21a-21d")
    if len(d) != 3:
        return True
    pos += 10
    while pos < len(z) and (z[pos] in _WS or z[pos] == "T"):
        pos += 1
    if not _parse_hms(z, pos, p):
        pass
    elif pos >= len(z):
        p.valid_hms = False
    else:
        return True
    p.valid_jd = False
    p.valid_ymd = True
    p.Y = -d[0] if neg else d[0]
    p.M = d[1]
    p.D = d[2]
    if p.valid_tz:
        p.compute_jd()
    return False


def _set_now(p: _DateTime) -> None:
    p.i_jd = _now_jdms()
    p.valid_jd = True


def _parse_date_or_time(z: str, p: _DateTime) -> bool:
    if not _parse_ymd(z, p):
        return False
    if not _parse_hms(z, 0, p):
        return False
    if z.lower() == "now":
        _set_now(p)
        return False
    rc, r = _atof(z)
    if rc > 0:
        p.set_raw_number(r)
        return False
    return True


# --- modifiers -----------------------------------------------------------------


def _local_offset_ms(p: _DateTime) -> int:
    """localtimeOffset (3.40): local time minus UTC at p, in milliseconds; years
    outside 1971..2037 use the offset of 2000-01-01."""
    x = p.copy()
    x.compute_ymd_hms()
    if x.Y < 1971 or x.Y >= 2038:
        x.Y, x.M, x.D, x.h, x.m, x.s = 2000, 1, 1, 0, 0, 0.0
    else:
        x.s = float(int(x.s + 0.5))
    x.tz = 0
    x.valid_jd = False
    x.compute_jd()
    t = _c_div(x.i_jd, 1000) - 21086676 * 10000
    lt = _time.localtime(t)
    y = _DateTime()
    y.Y, y.M, y.D = lt.tm_year, lt.tm_mon, lt.tm_mday
    y.h, y.m, y.s = lt.tm_hour, lt.tm_min, float(lt.tm_sec)
    y.valid_ymd = y.valid_hms = True
    y.compute_jd()
    return y.i_jd - x.i_jd


def _parse_modifier(z: str, p: _DateTime, idx: int) -> bool:
    """parseModifier: True on error."""
    lz = z.lower()
    first = lz[:1]
    if first == "a":
        if lz == "auto":
            if idx > 1:
                return True
            if not p.raw_s or p.valid_jd:
                p.raw_s = False
                return False
            if -210866760000 <= p.s <= 253402300799:
                r = p.s * 1000.0 + 210866760000000.0
                p.clear_ymd_hms_tz()
                p.i_jd = int(r + 0.5)
                p.valid_jd = True
                p.raw_s = False
                return False
        return True
    if first == "j":
        if lz == "julianday":
            if idx > 1:
                return True
            if p.valid_jd and p.raw_s:
                p.raw_s = False
                return False
        return True
    if first == "l":
        if lz == "localtime":
            if p.raw_s and not p.valid_jd:
                p.__init__()  # type: ignore[misc]
            p.compute_jd()
            p.i_jd += _local_offset_ms(p)
            p.clear_ymd_hms_tz()
            return False
        return True
    if first == "u":
        if lz == "unixepoch" and p.raw_s:
            if idx > 1:
                return True
            r = p.s * 1000.0 + 210866760000000.0
            if 0.0 <= r < 464269060800000.0:
                p.clear_ymd_hms_tz()
                p.i_jd = int(r + 0.5)
                p.valid_jd = True
                p.raw_s = False
                return False
            return True
        if lz == "utc":
            if not p.tz_set:
                p.compute_jd()
                p.i_jd -= _local_offset_ms(p)
                jd = p.i_jd
                p.__init__()  # type: ignore[misc]
                p.i_jd = jd
                p.valid_jd = True
                p.tz_set = True
            return False
        return True
    if first == "w":
        if lz.startswith("weekday "):
            rc, r = _atof(z[8:])
            if rc > 0 and r == int(r) and 0 <= r < 7:
                n = int(r)
                p.compute_ymd_hms()
                p.valid_tz = False
                p.valid_jd = False
                p.compute_jd()
                zd = ((p.i_jd + 129600000) // 86400000) % 7
                if zd > n:
                    zd -= 7
                p.i_jd += (n - zd) * 86400000
                p.clear_ymd_hms_tz()
                return False
        return True
    if first == "s":
        if not lz.startswith("start of "):
            return True
        if not p.valid_jd and not p.valid_ymd and not p.valid_hms:
            return True
        rest = lz[9:]
        p.compute_ymd()
        p.valid_hms = True
        p.h = p.m = 0
        p.s = 0.0
        p.raw_s = False
        p.valid_tz = False
        p.valid_jd = False
        if rest == "month":
            p.D = 1
            return False
        if rest == "year":
            p.M = 1
            p.D = 1
            return False
        return rest != "day"
    if first and (first in "+-" or "0" <= first <= "9"):
        n = 1
        while n < len(z) and z[n] != ":" and z[n] not in _WS:
            n += 1
        rc, r = _atof(z[:n])
        if rc <= 0:
            return True
        if n < len(z) and z[n] == ":":
            z2 = z if "0" <= z[0] <= "9" else z[1:]
            tx = _DateTime()
            if _parse_hms(z2, 0, tx):
                return True
            tx.compute_jd()
            tx.i_jd -= 43200000
            day = _c_div(tx.i_jd, 86400000)
            tx.i_jd -= day * 86400000
            if z[0] == "-":
                tx.i_jd = -tx.i_jd
            p.compute_jd()
            p.clear_ymd_hms_tz()
            p.i_jd += tx.i_jd
            return False
        rest = z[n:].lstrip(_WS)
        k = len(rest)
        if k > 10 or k < 3:
            return True
        if rest[-1] in "sS":
            rest = rest[:-1]
        p.compute_jd()
        rounder = -0.5 if r < 0 else 0.5
        err = True
        for i, (name, limit, xform) in enumerate(_XFORMS):
            if rest.lower() == name and -limit < r < limit:
                if i == 4:
                    p.compute_ymd_hms()
                    p.M += int(r)
                    x = _c_div(p.M - 1, 12) if p.M > 0 else _c_div(p.M - 12, 12)
                    p.Y += x
                    p.M -= x * 12
                    p.valid_jd = False
                    r -= int(r)
                elif i == 5:
                    p.compute_ymd_hms()
                    p.Y += int(r)
                    p.valid_jd = False
                    r -= int(r)
                p.compute_jd()
                p.i_jd += int(r * 1000.0 * xform + rounder)
                err = False
                break
        p.clear_ymd_hms_tz()
        return err
    return True


def _text_c(v: Value) -> str | None:
    s = to_text(v)
    if s is None:
        return None
    i = s.find("\0")
    return s if i < 0 else s[:i]


def _is_date(args: tuple[Value, ...]) -> _DateTime | None:
    """isDate: the DateTime for (time-value, modifier...) or None (NULL result)."""
    p = _DateTime()
    if not args:
        _set_now(p)
        return p
    a0 = args[0]
    if type(a0) is int or type(a0) is float:
        p.set_raw_number(float(a0))
    else:
        z = _text_c(a0)
        if z is None or _parse_date_or_time(z, p):
            return None
    for i in range(1, len(args)):
        mz = _text_c(args[i])
        if mz is None or _parse_modifier(mz, p, i):
            return None
    p.compute_jd()
    if p.is_error or not 0 <= p.i_jd <= _MAX_JDMS:
        return None
    return p


# --- the SQL functions --------------------------------------------------------


def _ymd_text(p: _DateTime) -> str:
    y = p.Y
    body = f"{abs(y) % 10000:04d}-{p.M:02d}-{p.D:02d}"
    return "-" + body if y < 0 else body


def _hms_text(p: _DateTime) -> str:
    return f"{p.h:02d}:{p.m:02d}:{int(p.s):02d}"


def f_date(*args: Value) -> Value:
    p = _is_date(args)
    if p is None:
        return None
    p.compute_ymd()
    return _ymd_text(p)


def f_time(*args: Value) -> Value:
    p = _is_date(args)
    if p is None:
        return None
    p.compute_hms()
    return _hms_text(p)


def f_datetime(*args: Value) -> Value:
    p = _is_date(args)
    if p is None:
        return None
    p.compute_ymd_hms()
    return f"{_ymd_text(p)} {_hms_text(p)}"


def f_julianday(*args: Value) -> Value:
    p = _is_date(args)
    if p is None:
        return None
    return p.i_jd / 86400000.0


def f_unixepoch(*args: Value) -> Value:
    p = _is_date(args)
    if p is None:
        return None
    p.compute_jd()
    return _c_div(p.i_jd, 1000) - 21086676 * 10000


def f_strftime(*args: Value) -> Value:
    if not args:
        return None
    fmt = _text_c(args[0])
    if fmt is None:
        return None
    p = _is_date(args[1:])
    if p is None:
        return None
    p.compute_jd()
    p.compute_ymd_hms()
    out: list[str] = []
    i = 0
    n = len(fmt)
    while i < n:
        c = fmt[i]
        if c != "%":
            j = fmt.find("%", i)
            if j < 0:
                j = n
            out.append(fmt[i:j])
            i = j
            continue
        i += 1
        k = fmt[i] if i < n else ""
        i += 1
        if k == "d":
            out.append(f"{p.D:02d}")
        elif k == "f":
            s = p.s if p.s <= 59.999 else 59.999
            out.append(format_float(s, "f", 3, zero_pad_width=6))
        elif k == "H":
            out.append(f"{p.h:02d}")
        elif k in ("W", "j"):
            y = p.copy()
            y.valid_jd = False
            y.M = 1
            y.D = 1
            y.compute_jd()
            n_day = _c_div(p.i_jd - y.i_jd + 43200000, 86400000)
            if k == "W":
                wd = ((p.i_jd + 43200000) // 86400000) % 7
                out.append(f"{_c_div(n_day + 7 - wd, 7):02d}")
            else:
                out.append(f"{n_day + 1:03d}")
        elif k == "J":
            out.append(format_float(p.i_jd / 86400000.0, "g", 16))
        elif k == "m":
            out.append(f"{p.M:02d}")
        elif k == "M":
            out.append(f"{p.m:02d}")
        elif k == "s":
            out.append(str(_c_div(p.i_jd, 1000) - 21086676 * 10000))
        elif k == "S":
            out.append(f"{int(p.s):02d}")
        elif k == "w":
            out.append(str(((p.i_jd + 129600000) // 86400000) % 7))
        elif k == "Y":
            out.append(f"{p.Y:04d}")
        elif k == "%":
            out.append("%")
        else:
            return None
    return "".join(out)


def current_timestamp() -> str:
    """CURRENT_TIMESTAMP: 'YYYY-MM-DD HH:MM:SS' (UTC) of the statement's "now"."""
    r = f_datetime()
    assert isinstance(r, str)
    return r


def current_date() -> str:
    """CURRENT_DATE: 'YYYY-MM-DD' (UTC)."""
    r = f_date()
    assert isinstance(r, str)
    return r


def current_time() -> str:
    """CURRENT_TIME: 'HH:MM:SS' (UTC)."""
    r = f_time()
    assert isinstance(r, str)
    return r


DATETIME_FUNCTIONS: tuple[tuple[str, Any], ...] = (
    ("date", f_date), ("time", f_time), ("datetime", f_datetime),
    ("julianday", f_julianday), ("unixepoch", f_unixepoch), ("strftime", f_strftime),
)

