"""The report's shortcuts say exactly what the plain definitions say.

Numbers are rounded for display in whole numbers and worded once per value; JSON is written
by one recursion instead of json's indented encoder. Each is compared here with the plain
definition it replaces, on generated values.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from qcrules.base.numbers import format_number, round_gbt8170
from qcrules.report.explain import DISPLAY_DIGITS, DISPLAY_PLACES, display_number, percent_number
from qcrules.report.render import json_text


def plain_display(value: Fraction, *, whole: bool = False) -> str:
    """:func:`display_number` as the documentation defines it, in fractions."""
    if whole:
        return format_number(round_gbt8170(value, Fraction(1)))
    if (value * 10**DISPLAY_PLACES).denominator == 1:
        return format_number(value)
    magnitude, digits = abs(value), 0
    while magnitude >= 1:
        magnitude /= 10
        digits += 1
    places = max(0, DISPLAY_DIGITS - digits)
    if digits == 0:
        scaled = abs(value)
        while scaled < Fraction(1, 10):
            scaled *= 10
            places += 1
    return format_number(round_gbt8170(value, Fraction(1, 10**places)))


decimals = st.builds(lambda n, k: Fraction(n, 10**k), st.integers(-10**13, 10**13),
                     st.integers(0, 14))
#: Values on a rounding half (x.5 at the last kept place) are where half-to-even shows.
halves = st.builds(lambda n, k: Fraction(2 * n + 1, 2 * 10**k), st.integers(-10**6, 10**6),
                   st.integers(0, 8))
values = st.fractions(max_denominator=10**9) | decimals | halves


@settings(max_examples=3000)
@given(values, st.booleans())
def test_display_numbers_are_the_plain_definition(value: Fraction, whole: bool) -> None:
    """Whole-number rounding for display gives the definition's text, halves included."""
    assert display_number(value, whole=whole) == plain_display(value, whole=whole)


@settings(max_examples=1000)
@given(values)
def test_percentages_are_the_plain_definition(value: Fraction) -> None:
    """A relative margin in per cent, one decimal, as ``format_number`` words it."""
    assert percent_number(value) == format_number(abs(value) * 100, places=1)


json_data = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                               max_size=4),
    max_leaves=30)


@settings(max_examples=1000)
@given(json_data)
def test_json_text_is_json_dumps(data: Any) -> None:
    """Any report-like data (text with quotes, escapes and control characters, numbers,
    nesting, empty lists and mappings) is written as ``json.dumps`` writes it."""
    assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2)


@given(st.dictionaries(st.integers() | st.floats(allow_nan=False), st.integers(), min_size=1,
                       max_size=3) | st.lists(st.floats(allow_nan=False), min_size=1, max_size=3))
def test_other_data_goes_to_json_dumps(data: Any) -> None:
    """Keys that are not text and floats are left to ``json.dumps``, with its result."""
    assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2)
