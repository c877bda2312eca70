"""SQLite's printf for REAL values, digit for digit.

Owns the rendering of floats the way SQLite 3.40's ``sqlite3_str_vappendf``
prints ``%!.15g`` (text of a REAL) and ``%!.20g`` (the shell's quote, insert
and json modes). SQLite computes digits in ``long double``; on x86-64 that is
the x87 80-bit format, so the digits past the 17th are not the exact decimal
expansion. This module replays that arithmetic exactly with rationals rounded
to a 64-bit significand after every operation. Knows nothing of SQL."""

from __future__ import annotations

import math
from fractions import Fraction

_MANT_BITS = 64
_AR_ROUND = tuple(float(f"5.0e-{k + 1:02d}") for k in range(10))


def _ld(x: Fraction) -> Fraction:
    """_ld(x) -> x rounded to the nearest long double (64-bit significand, ties to even)."""
    if x == 0:
        return x
    sign = 1
    if x < 0:
        sign, x = -1, -x
    p, q = x.numerator, x.denominator
    e = p.bit_length() - q.bit_length()
    # Choose shift so that 2**63 <= p / q * 2**-shift < 2**64.
    shift = e - _MANT_BITS
    while True:
        num, den = (p, q << shift) if shift >= 0 else (p << -shift, q)
        m, rem = divmod(num, den)
        if m >= 1 << _MANT_BITS:
            shift += 1
            continue
        if m < 1 << (_MANT_BITS - 1):
            shift -= 1
            continue
        break
    twice = 2 * rem
    if twice > den or (twice == den and m & 1):
        m += 1
    value = Fraction(m) * (Fraction(2) ** shift)
    return value if sign > 0 else -value


def _d(x: float) -> Fraction:
    return Fraction(x)


def sqlite_g(value: float, precision: int) -> str:
    """sqlite_g(r, p) -> SQLite's "%!.<p>g" rendering of r (the '!' flag form)."""
    if math.isnan(value):
        return "NaN"
    prefix = ""
    if value < 0.0:
        value = -value
        prefix = "-"
    if math.isinf(value):
        return prefix + "Inf"
    if precision > 0:
        precision -= 1
    idx = precision & 0xFFF
    rounder = _d(_AR_ROUND[idx % 10])
    while idx >= 10:
        rounder = _ld(rounder * _d(1.0e-10))
        idx -= 10
    real = Fraction(value)
    exp = 0
    if real > 0:
        scale = Fraction(1)
        big100, big10, ten = _d(1e100), _d(1e10), Fraction(10)
        while real >= _ld(big100 * scale) and exp <= 350:
            scale = _ld(scale * big100)
            exp += 100
        while real >= _ld(big10 * scale) and exp <= 350:
            scale = _ld(scale * big10)
            exp += 10
        while real >= _ld(ten * scale) and exp <= 350:
            scale = _ld(scale * ten)
            exp += 1
        real = _ld(real / scale)
        small = _d(1e-8)
        while real < small:
            real = _ld(real * _d(1e8))
            exp -= 8
        while real < 1:
            real = _ld(real * ten)
            exp -= 1
        if exp > 350:
            return prefix + "Inf"
    real = _ld(real + rounder)
    if real >= 10:
        real = _ld(real * _d(0.1))
        exp += 1
    use_exp = exp < -4 or exp > precision
    if not use_exp:
        precision -= exp
    e2 = 0 if use_exp else exp
    nsd = 26
    out: list[str] = []

    def digit() -> str:
        nonlocal real, nsd
        if nsd <= 0:
            return "0"
        nsd -= 1
        d = int(real)
        real = _ld(_ld(real - d) * 10)
        return chr(48 + d)

    if e2 < 0:
        out.append("0")
    else:
        while e2 >= 0:
            out.append(digit())
            e2 -= 1
    out.append(".")
    e2 += 1
    while e2 < 0:
        out.append("0")
        precision -= 1
        e2 += 1
    while precision > 0:
        out.append(digit())
        precision -= 1
    while out[-1] == "0":
        out.pop()
    if out[-1] == ".":
        out.append("0")
    text = prefix + "".join(out)
    if use_exp:
        sign = "+"
        if exp < 0:
            sign, exp = "-", -exp
        text += "e" + sign + (f"{exp:02d}")
    return text
