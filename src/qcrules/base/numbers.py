"""Exact numbers: GB/T 8170 rounding and reading floats without binary noise."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

__all__ = ["MAX_DIGITS", "exact", "format_number", "round_gbt8170", "terminates", "too_many_digits"]


MAX_EXPONENT = 1000
"""The largest decimal exponent of a number qcrules reads exactly (``1e1000``); beyond it,
computing the exact value would take unbounded time and memory."""


MAX_DIGITS = 2000
"""The most digits a number may be written with. Reading a number exactly takes time that
grows with the square of its digits (400,000 digits took seconds), so a longer one is refused
before anything converts it. Any number within :data:`MAX_EXPONENT` written in full (``1e1000``
has 1,001 digits) stays within it."""


def too_many_digits(text: str) -> bool:
    """Whether ``text`` holds more than :data:`MAX_DIGITS` digits: counted, never converted, so
    the answer takes time in proportion to the text's length."""
    return len(text) > MAX_DIGITS and sum(map(str.isdigit, text)) > MAX_DIGITS


def exponent_in_range(number: Decimal) -> bool:
    """Whether a finite decimal's exponent is within ±:data:`MAX_EXPONENT`."""
    return number == 0 or abs(number.adjusted()) <= MAX_EXPONENT


def exact(value: float | int | Decimal | Fraction) -> Fraction:
    """An exact number for ``value``; a float is read as the shortest decimal that prints it.

    ``exact(0.1) == Fraction(1, 10)``, not the binary float's 3602879701896397/36028797018963968.

    Raises:
        ValueError: NaN or infinity.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        msg = "a boolean is not a number"
        raise TypeError(msg)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            msg = f"{value} is not a finite number"
            raise ValueError(msg)
        return Fraction(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            msg = f"{value} is not a finite number"
            raise ValueError(msg)
        if not exponent_in_range(value):
            msg = f"{value} is out of range (decimal exponent beyond ±{MAX_EXPONENT})"
            raise ValueError(msg)
        return Fraction(value)
    return Fraction(value)


def terminates(value: Fraction) -> bool:
    """Whether ``value`` has a finite decimal expansion (its denominator has no prime but 2, 5)."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def round_gbt8170(value: Fraction, interval: Fraction) -> Fraction:
    """Round ``value`` to a multiple of ``interval`` per GB/T 8170-2008 (四舍六入五成双).

    The absolute value is rounded, half to even, and the sign restored; a 0.5 or 0.2 interval
    rounds ``value / interval`` to a whole number the same way (GB/T 8170 §3.3).
    """
    if interval <= 0:
        msg = "the rounding interval must be positive"
        raise ValueError(msg)
    steps = abs(value) / interval
    whole = math.floor(steps)
    rest = steps - whole
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2 == 1):
        whole += 1
    rounded = whole * interval
    return -rounded if value < 0 else rounded


def format_number(value: Fraction, *, places: int | None = None, max_places: int = 6) -> str:
    """A plain decimal string: exact when the fraction terminates within ``max_places``.

    ``places`` fixes the number of decimals (half-even); otherwise trailing zeros are dropped.
    A fraction that does not terminate (1/3) is shown to ``max_places`` significant decimals.
    Any magnitude is written in full (``1e26`` as its 27 digits), never as an error.
    """
    if places is not None:
        return f"{_quantized(value, places):f}"
    # value * 10**digits is whole when the denominator divides 10**digits (in whole numbers,
    # without building a Fraction for each count of digits)
    numerator, denominator = value.numerator, value.denominator
    for digits in range(max_places + 1):
        power = 10**digits
        if power % denominator == 0:
            return f"{Decimal(numerator * (power // denominator)).scaleb(-digits):f}"
    magnitude = abs(value)
    # six significant decimals below one, six decimals above
    decimals = max_places if magnitude >= 1 else max_places - 1 - math.floor(math.log10(magnitude))
    with localcontext() as context:
        context.prec = _precision(value, decimals)
        return f"{_quantized(value, decimals).normalize():f}"


def _precision(value: Fraction, places: int) -> int:
    """Enough significant digits to hold ``value`` to ``places`` decimals."""
    whole = abs(value.numerator) // value.denominator
    return max(28, len(str(whole)) + places + 2)


def _quantized(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half-even to ``places`` decimals, however large it is."""
    with localcontext() as context:
        context.prec = _precision(value, places)
        quotient = Decimal(value.numerator) / Decimal(value.denominator)
        return quotient.quantize(Decimal(1).scaleb(-places))
