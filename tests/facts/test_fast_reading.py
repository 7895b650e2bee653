"""The short way a plain float is read gives the fact the general reader gives, exactly."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcrules import FactForm, facts_from_data
from qcrules.facts.model import fraction_of
from qcrules.facts.read import read_value


def _same_fraction(got: object, expected: Fraction) -> None:
    assert type(got) is Fraction
    assert (got.numerator, got.denominator) == (expected.numerator, expected.denominator)
    assert hash(got) == hash(expected)
    assert repr(got) == repr(expected)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_is_its_shortest_decimal(value: float) -> None:
    fact = facts_from_data({"x": value}).facts["x"]
    assert fact.form is FactForm.NUMBER
    assert fact.raw == repr(value)
    _same_fraction(fact.value, Fraction(Decimal(repr(value))))
    general, problem = read_value("x", value, None, None)
    assert problem is None
    assert general == fact


@pytest.mark.parametrize("value", [0.0, -0.0, 1.0, -2.5, 0.1, 0.0001, 0.00012345678901234567,
                                   1e15, 1e16, 123456789012345.6, 5e-5, 5e-324,
                                   1.7976931348623157e308])
def test_floats_at_the_edges_of_repr(value: float) -> None:
    """Written with and without an exponent, and with the most fraction digits repr writes."""
    fact = facts_from_data({"x": value}).facts["x"]
    _same_fraction(fact.value, Fraction(Decimal(repr(value))))


@given(st.integers(), st.integers(min_value=1))
def test_fraction_of_is_the_constructor(numerator: int, denominator: int) -> None:
    made = fraction_of(numerator, denominator)
    _same_fraction(made, Fraction(numerator, denominator))
    assert made == Fraction(numerator, denominator)
