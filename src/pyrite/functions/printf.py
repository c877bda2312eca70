"""SQLite's printf: the formatter behind format()/printf() and REAL-to-text.

Implements sqlite3_str_vappendf (printf.c) as the SQL function sees it
(lang_corefunc.html#format): conversions d i u f e E g G x X o p c s z q Q w
n % and the undocumented r (ordinal); flags - + space # ! 0 and ',';
width and precision as digits or ``*``. Floating point is rendered the way
SQLite does it: round half up by adding a rounder, at most 16 significant
digits (26 with ``!``), the rest zeros. Widths and precisions of %s/%q/%Q/%w
count UTF-8 bytes unless the ``!`` flag is given. An unknown conversion ends
the output. Knows nothing of rows or the engine.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from fractions import Fraction

from pyrite.errors import DataError

__all__ = ["sql_printf", "format_float"]

_MAX_LENGTH = 1_000_000_000
_AR_ROUND = (0.5, 5.0e-02, 5.0e-03, 5.0e-04, 5.0e-05, 5.0e-06, 5.0e-07, 5.0e-08, 5.0e-09,
             5.0e-10)
_TWO63 = 1 << 63
_TWO64 = 1 << 64


def _ld(q: Fraction) -> Fraction:
    """Round an exact rational to the x87 80-bit long double SQLite computes in
    (64-bit significand, round half to even)."""
    n = q.numerator
    if n == 0:
        return q
    neg = n < 0
    if neg:
        n = -n
    d = q.denominator
    e = n.bit_length() - d.bit_length() - 64
    while True:
        if e >= 0:
            num, den = n, d << e
        else:
            num, den = n << -e, d
        m, r = divmod(num, den)
        if m >= _TWO64:
            e += 1
        elif m < _TWO63:
            e -= 1
        else:
            break
    if 2 * r > den or (2 * r == den and m & 1):
        m += 1
    res = Fraction(m << e) if e >= 0 else Fraction(m, 1 << -e)
    return -res if neg else res


_F = Fraction
_F1E100 = _F(1e100)
_F1E10 = _F(1e10)
_F10 = _F(10)
_F1EM8 = _F(1e-8)
_F1E8 = _F(1e8)
_F01 = _F(0.1)
_F3EM16 = _F(3e-16)
_F1EM10 = _F(1.0e-10)
_F1 = _F(1)


def format_float(value: float, conv: str, precision: int, *, alt: bool = False,
                 alt2: bool = False, prefix_flag: str = "", zero_pad_width: int = 0) -> str:
    """format_float(v, 'f'|'e'|'E'|'g'|'G', precision, ...) -> the text SQLite prints,
    computed with SQLite's long-double rounder-and-truncate algorithm."""
    if precision < 0:
        precision = 6
    if value < 0.0:
        value = -value
        prefix = "-"
    else:
        prefix = prefix_flag
    if value != value:
        return "NaN"
    if value == float("inf"):
        return prefix + "Inf"
    lower = conv.lower()
    if lower == "g" and precision > 0:
        precision -= 1
    idx = precision & 0xFFF
    rounder = _F(_AR_ROUND[idx % 10])
    while idx >= 10:
        rounder = _ld(rounder * _F1EM10)
        idx -= 10
    rv = _F(value)
    if lower == "f":
        ex = ((struct.unpack(">Q", struct.pack(">d", value))[0] >> 52) & 0x7FF) - 1023
        if precision + int(ex / 3) < 15:
            rounder = _ld(rounder + _ld(rv * _F3EM16))
        rv = _ld(rv + rounder)
    exp = 0
    if rv > 0:
        scale = _F1
        while rv >= _ld(_F1E100 * scale) and exp <= 350:
            scale = _ld(scale * _F1E100)
            exp += 100
        while rv >= _ld(_F1E10 * scale) and exp <= 350:
            scale = _ld(scale * _F1E10)
            exp += 10
        while rv >= _ld(_F10 * scale) and exp <= 350:
            scale = _ld(scale * _F10)
            exp += 1
        rv = _ld(rv / scale)
        while rv < _F1EM8:
            rv = _ld(rv * _F1E8)
            exp -= 8
        while rv < 1:
            rv = _ld(rv * _F10)
            exp -= 1
        if exp > 350:
            return prefix + "Inf"
    if lower != "f":
        rv = _ld(rv + rounder)
        if rv >= 10:
            rv = _ld(rv * _F01)
            exp += 1
    etype = lower
    if lower == "g":
        rtz = not alt
        if exp < -4 or exp > precision:
            etype = "e"
        else:
            precision -= exp
            etype = "f"
    else:
        rtz = alt2
    e2 = 0 if etype == "e" else exp
    nsd = 16 + alt2 * 10

    def getdigit() -> str:
        nonlocal nsd, rv
        if nsd <= 0:
            return "0"
        nsd -= 1
        digit = int(rv)
        rv = _ld((rv - digit) * _F10)
        return "0123456789"[digit] if 0 <= digit <= 9 else "0"

    flag_dp = precision > 0 or alt or alt2
    out = [prefix]
    if e2 < 0:
        out.append("0")
    else:
        for _ in range(e2 + 1):
            out.append(getdigit())
    if flag_dp:
        out.append(".")
    e2 += 1
    while e2 < 0:
        out.append("0")
        precision -= 1
        e2 += 1
    while precision > 0 and nsd > 0:
        out.append(getdigit())
        precision -= 1
    if precision > 0:
        out.append("0" * precision)  # past the significant digits: zeros
    s = "".join(out)
    if rtz and flag_dp:
        s = s.rstrip("0")
        if s.endswith("."):
            s = s + "0" if alt2 else s[:-1]
    if etype == "e":
        letter = "E" if conv in "EG" else "e"
        sign = "-" if exp < 0 else "+"
        s += f"{letter}{sign}{abs(exp):02d}"
    if zero_pad_width and len(s) < zero_pad_width:
        i = 1 if prefix else 0
        s = s[:i] + "0" * (zero_pad_width - len(s)) + s[i:]
    return s


def _text_arg(v: object) -> str | None:
    from pyrite.exec.values import to_text

    if v is None:
        return None
    s = to_text(v)  # type: ignore[arg-type]
    assert s is not None
    i = s.find("\0")
    return s if i < 0 else s[:i]


_INT_CONV = {
    # conv: (base, signed, digits, alt prefix)
    "d": (10, True, "0123456789", ""), "i": (10, True, "0123456789", ""),
    "u": (10, False, "0123456789", ""), "r": (10, True, "0123456789", ""),
    "x": (16, False, "0123456789abcdef", "0x"), "X": (16, False, "0123456789ABCDEF", "0X"),
    "p": (16, False, "0123456789ABCDEF", "0x"), "o": (8, False, "01234567", "0"),
}


def _utf8_len(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


def sql_printf(fmt: str, args: Sequence[object]) -> str | None:
    """sql_printf(fmt, args) -> str | None: SQLite's printf() with SQL values as
    arguments; None (NULL) when nothing at all was output."""
    from pyrite.exec.values import int_value, real_value

    i_arg = 0
    nargs = len(args)

    def next_arg() -> object:
        nonlocal i_arg
        if i_arg < nargs:
            v = args[i_arg]
            i_arg += 1
            return v
        return None

    def int_arg() -> int:
        nonlocal i_arg
        if i_arg < nargs:
            i_arg += 1
            return int_value(args[i_arg - 1])  # type: ignore[arg-type]
        return 0

    nul = fmt.find("\0")
    if nul >= 0:
        fmt = fmt[:nul]
    out: list[str] = []
    total = 0
    n = len(fmt)
    i = 0
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        if j > i:
            out.append(fmt[i:j])
        i = j + 1
        if i >= n:
            out.append("%")
            break
        left = zero = alt = alt2 = False
        prefix_flag = ""
        comma = False
        width = 0
        precision = -1
        c = fmt[i]
        # flags, width, precision (printf.c's do/while loop)
        while True:
            if c == "-":
                left = True
            elif c == "+":
                prefix_flag = "+"
            elif c == " ":
                prefix_flag = " "
            elif c == "#":
                alt = True
            elif c == "!":
                alt2 = True
            elif c == "0":
                zero = True
            elif c == ",":
                comma = True
            elif c == "l":
                i += 1
                c = fmt[i] if i < n else ""
                if c == "l":
                    i += 1
                    c = fmt[i] if i < n else ""
                break
            elif "1" <= c <= "9":
                k = i
                while k < n and fmt[k].isdigit() and fmt[k].isascii():
                    k += 1
                width = int(fmt[i:k]) & 0x7FFFFFFF
                i = k
                c = fmt[i] if i < n else ""
                if c != "." and c != "l":
                    break
                continue
            elif c == "*":
                width = int_arg()
                if width < 0:
                    left = True
                    width = -width if width >= -2147483647 else 0
                width &= 0xFFFFFFFF
                nxt = fmt[i + 1] if i + 1 < n else ""
                if nxt != "." and nxt != "l":
                    i += 1
                    c = fmt[i] if i < n else ""
                    break
            elif c == ".":
                i += 1
                c = fmt[i] if i < n else ""
                if c == "*":
                    precision = int_arg()
                    if precision < 0:
                        precision = -precision if precision >= -2147483647 else -1
                    i += 1
                    c = fmt[i] if i < n else ""
                else:
                    k = i
                    while k < n and "0" <= fmt[k] <= "9":
                        k += 1
                    precision = (int(fmt[i:k]) if k > i else 0) & 0x7FFFFFFF
                    i = k
                    c = fmt[i] if i < n else ""
                if c == "l":
                    continue
                break
            else:
                break
            i += 1
            if i >= n:
                c = ""
                break
            c = fmt[i]
        if not c:
            break
        i += 1
        if width > _MAX_LENGTH or precision > _MAX_LENGTH:
            raise DataError("string or blob too big")
        text: str
        byte_len = -1  # length in bytes when the text holds a cut UTF-8 sequence
        char_width = False  # width counted in characters (the ! flag on strings)
        if c in _INT_CONV:
            base, signed, digs, alt_prefix = _INT_CONV[c]
            v = int_arg()
            prefix = ""
            if signed:
                if v < 0:
                    v = -v
                    prefix = "-"
                else:
                    prefix = prefix_flag
            else:
                v &= 0xFFFFFFFFFFFFFFFF
            if v == 0:
                alt = False
            if zero and precision < width - (prefix != ""):
                precision = width - (prefix != "")
            suffix = ""
            if c == "r":
                x = v % 10
                if x >= 4 or (v // 10) % 10 == 1:
                    x = 0
                suffix = "thstndrd"[x * 2: x * 2 + 2]
            if base == 10:
                body = str(v)
            elif base == 16:
                body = format(v, "x")
                if digs[10] == "A":
                    body = body.upper()
            else:
                body = format(v, "o")
            if len(body) + len(suffix) < precision:
                body = "0" * (precision - len(body) - len(suffix)) + body
            if comma and base == 10 and c != "r":
                length = len(body)
                head = (length - 1) % 3 + 1
                groups = [body[:head]] + [body[k:k + 3] for k in range(head, length, 3)]
                body = ",".join(groups)
            text = (alt_prefix if alt else "") + prefix + body + suffix
        elif c in "fFeEgG" and c != "F":
            r = real_value(next_arg())  # type: ignore[arg-type]
            text = format_float(
                r, c, precision, alt=alt, alt2=alt2, prefix_flag=prefix_flag,
                zero_pad_width=width if (zero and not left) else 0,
            )
        elif c == "s" or c == "z":
            sv = _text_arg(next_arg()) or ""
            if precision >= 0:
                if alt2:
                    sv = sv[:precision]
                else:
                    sv, byte_len = _cut_bytes(sv, precision)
            text = sv
            char_width = alt2
        elif c in "qQw":
            raw = next_arg()
            sv2 = _text_arg(raw)
            isnull = sv2 is None
            if sv2 is None:
                sv2 = "NULL" if c == "Q" else "(NULL)"
            if precision >= 0:
                if alt2:
                    sv2 = sv2[:precision]
                else:
                    sv2, byte_len = _cut_bytes(sv2, precision)
            q = '"' if c == "w" else "'"
            body = sv2.replace(q, q + q)
            text = f"{q}{body}{q}" if (c == "Q" and not isnull) else body
            if byte_len >= 0:
                byte_len += _utf8_len(text) - _utf8_len(sv2)
            char_width = alt2
        elif c == "c":
            sv3 = _text_arg(next_arg())
            ch = (sv3[:1] or "\0") if sv3 is not None else "\0"
            count = precision if precision > 1 else 1
            text = ch * count
            char_width = True
        elif c == "%":
            text = "%"
        elif c == "n":
            text = ""
            width = 0
        else:
            break  # unknown conversion (or %T/%S): output ends here
        if byte_len >= 0:
            length = byte_len
        else:
            length = len(text) if char_width else _utf8_len(text)
        if width > length:
            pad = " " * (width - length)
            text = text + pad if left else pad + text
        total += len(text)
        if total > _MAX_LENGTH:
            raise DataError("string or blob too big")
        out.append(text)
    if not out:
        return None
    return "".join(out)


def _cut_bytes(s: str, nbytes: int) -> tuple[str, int]:
    """The first nbytes bytes of s (a cut character becomes U+FFFD) and their
    length in bytes as SQLite counts them; -1 when nothing was cut."""
    b = s.encode("utf-8", "surrogatepass")
    if len(b) <= nbytes:
        return s, -1
    return b[:nbytes].decode("utf-8", "replace"), nbytes
