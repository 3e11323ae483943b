"""Every figure the harness prints, with its unit and a precision a reader can take in: durations
in the unit that fits ("605.0 ms", not "605019.2 us"), limits as written ("1 s", not
"1e+06 us"), bytes and cycles grouped by thousands. Durations are given in microseconds."""

from __future__ import annotations

# (microseconds per unit, unit); the micro unit is the caller's ("us" in text, "µs" in HTML)
_SCALES = ((1e6, "s"), (1e3, "ms"))


def duration_scale(us: float, micro: str = "us", *, rounding: float = 0.05) -> tuple[float, str]:
    """(divisor, unit) for showing `us`: the largest unit in which it is at least 1 once
    rounded (`rounding`: half the last digit shown, so 999.96 us reads "1.0 ms")."""
    for scale, unit in _SCALES:
        if abs(us) >= (1000 - rounding) * scale / 1000:
            return scale, unit
    return 1.0, micro


def duration_text(us: float, micro: str = "us", digits: int = 1) -> str:
    """A measured duration: "139.2 us", "69.8 ms", "2.5 s"."""
    scale, unit = duration_scale(us, micro, rounding=0.5 / 10 ** digits)
    return f"{us / scale:,.{digits}f} {unit}"


def limit_text(us: float, micro: str = "us") -> str:
    """A limit someone wrote down (a deadline): no digits it does not have, "1 s", "50 ms", "250 us"."""
    scale, unit = duration_scale(us, micro, rounding=0.0)
    return f"{us / scale:g} {unit}"


def bytes_text(n: int) -> str:
    return f"{n:,} B"


def cycles_text(n: int) -> str:
    return f"{n:,} cycles"
