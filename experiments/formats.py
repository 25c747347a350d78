"""Numbers for people: significant digits, thousands separators, intervals.

Used by the reports (compare, sensitivity, discovery): `number(78912.4)` is
"78,900", `number(-9.51e-05)` is "-0.0000951", `interval(0.52, 0.41, 0.63)` is
"0.52 (0.41 to 0.63)". A point and its interval share one number of decimals,
set by the largest of the three, so they read as one quantity.
"""

from __future__ import annotations

import math

DIGITS = 3


def decimals(*values: float, digits: int = DIGITS) -> int:
    """Decimals that show `digits` significant digits of the largest finite value (0-7)."""
    finite = [abs(v) for v in values if v is not None and math.isfinite(v) and v != 0]
    if not finite:
        return 0
    return max(0, min(7, digits - 1 - math.floor(math.log10(max(finite)))))


def number(v: float | None, digits: int = DIGITS, dec: int | None = None) -> str:
    """One value: 'n/a' when undefined, '∞' for infinity, else fixed decimals with
    thousands separators (large values rounded to `digits` significant digits)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if abs(v) < 1e-9:  # rounding noise of a sum that is zero (not '0.0000000')
        return "0"
    if dec is None:
        dec = decimals(v, digits=digits)
    if dec == 0 and v != 0:
        mag = math.floor(math.log10(abs(v)))
        v = round(v, -(mag - digits + 1)) if mag >= digits else round(v)
    text = f"{v:,.{dec}f}"
    return "0" if text.lstrip("-").strip("0.,") == "" and dec == 0 else text


def interval(m: float, lo: float, hi: float, digits: int = DIGITS, scale: float = 1.0,
             dec: int | None = None, to: str = " to ") -> str:
    """'m (lo to hi)', all times `scale`; just 'm' when there is no interval; `to`
    joins the ends (another language's word).
    Digits are added (up to 6) while rounding would hide a difference between
    the three, so '158,000 (157,000 to 158,000)' reads '157,600 (157,200 to 158,100)'."""
    m, lo, hi = (v * scale if v is not None and not math.isnan(v) else math.nan
                 for v in (m, lo, hi))
    if math.isnan(m):
        return "n/a"
    if math.isnan(lo) or math.isnan(hi):
        return number(m, digits, dec if dec is not None else decimals(m, digits=digits))
    for d in range(digits, 7):
        k = dec if dec is not None else decimals(m, lo, hi, digits=d)
        texts = [number(v, d, k) for v in (m, lo, hi)]
        distinct = len({v for v in (m, lo, hi)}) == len(set(texts))
        if distinct or dec is not None:
            break
    return f"{texts[0]} ({texts[1]}{to}{texts[2]})"
