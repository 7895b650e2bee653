"""GB/T 8170-2008 rounding and exact reading of floats."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcrules.base.numbers import exact, format_number, round_gbt8170

F = Fraction


class TestRoundGbt8170:
    """四舍六入五成双 on the absolute value, to a rounding interval."""

    @pytest.mark.parametrize(
        ("value", "interval", "expected"),
        [
            # GB/T 8170-2008 §3.2 examples
            ("12.1498", "0.1", "12.1"),
            ("1268", "10", "1270"),
            ("10.502", "1", "11"),
            ("0.35", "0.1", "0.4"),     # 5 after an odd digit: up
            ("0.45", "0.1", "0.4"),     # 5 after an even digit: stays
            ("2500", "1000", "2000"),
            ("3500", "1000", "4000"),
            ("-0.0365", "0.001", "-0.036"),
            ("-355", "10", "-360"),
            ("-325", "10", "-320"),
            # 0.5-unit and 0.2-unit intervals (§3.3)
            ("60.25", "0.5", "60.0"),
            ("60.38", "0.5", "60.5"),
            ("60.28", "0.5", "60.5"),
            ("-60.75", "0.5", "-61.0"),
            ("830", "20", "840"),
            ("842", "20", "840"),
            ("930", "20", "920"),
            # exact halves that a binary float would get wrong
            ("2.675", "0.01", "2.68"),
            ("1.005", "0.01", "1.00"),
            ("89.95", "0.1", "90.0"),
        ],
    )
    def test_vectors(self, value: str, interval: str, expected: str) -> None:
        """The standard's vectors, halves and negatives included."""
        assert round_gbt8170(F(value), F(interval)) == F(expected)

    def test_python_round_differs(self) -> None:
        """Python's float round is not the standard's rule (2.675 → 2.67 as a float)."""
        assert round(2.675, 2) == 2.67
        assert round_gbt8170(F("2.675"), F("0.01")) == F("2.68")

    def test_rejects_non_positive_interval(self) -> None:
        """A zero interval is an error, not a division by zero."""
        with pytest.raises(ValueError, match="interval"):
            round_gbt8170(F(1), F(0))


class TestExact:
    """Floats are read as the shortest decimal that prints them."""

    def test_float_noise(self) -> None:
        """0.1 is 1/10 and 0.035 is 7/200."""
        assert exact(0.1) == F(1, 10)
        assert exact(0.035) == F(7, 200)
        assert exact(Decimal("8.5")) == F(17, 2)

    @pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN")])
    def test_non_finite(self, value: object) -> None:
        """NaN and infinity are refused."""
        with pytest.raises(ValueError, match="finite"):
            exact(value)  # type: ignore[arg-type]


class TestFormatNumber:
    """Display of exact numbers."""

    @pytest.mark.parametrize(
        ("value", "text"),
        [(F(17, 2), "8.5"), (F(85000), "85000"), (F(1, 3), "0.333333"), (F(-1, 50), "-0.02"),
         (F(1, 10000), "0.0001")],
    )
    def test_plain(self, value: Fraction, text: str) -> None:
        """Terminating fractions are exact; others are cut to six decimals."""
        assert format_number(value) == text


class TestFormatAnyMagnitude:
    """A legal large value (1e26 万元/人, 3e16) is written in full, never a crash in check,
    explain, report or watch (regression: decimal.InvalidOperation past 28 digits)."""

    @pytest.mark.parametrize(("value", "places", "text"), [
        (Fraction(10**26), None, "1" + "0" * 26),
        (Fraction(10**26) + Fraction(1, 3), None, "1" + "0" * 25 + "0.333333"),
        (Fraction(10**40, 7), 1, "1428571428571428571428571428571428571428.6"),
        (Fraction(-(10**30), 3), None, "-" + "3" * 30 + ".333333"),
    ])
    def test_written_in_full(self, value: Fraction, places: int | None, text: str) -> None:
        assert format_number(value, places=places) == text

    def test_every_output_of_a_huge_value(self) -> None:
        import qcrules

        plan = qcrules.compile_catalog(qcrules.load_catalog())
        report = qcrules.evaluate(plan, {"gdp-per-capita": "1e26", "rd-intensity": "3e-16"})
        for fmt in ("text", "json", "markdown", "csv", "html", "junit"):
            assert "100000000000000000000000000" in qcrules.render(report, fmt)
        assert "100000000000000000000000000" in str(qcrules.explain(report["gdp-per-capita"]))


def _terminating_text(value: Fraction, max_places: int) -> str | None:
    """The decimal text of ``value`` when it has at most ``max_places`` decimals, as the
    definition reads: the first count of digits that makes ``value * 10**digits`` whole."""
    for digits in range(max_places + 1):
        scaled = value * 10**digits
        if scaled.denominator == 1:
            return f"{Decimal(scaled.numerator).scaleb(-digits):f}"
    return None


@given(st.fractions(max_denominator=10**15), st.integers(min_value=0, max_value=14))
def test_format_number_writes_a_terminating_fraction_by_its_definition(value: Fraction,
                                                                       max_places: int) -> None:
    expected = _terminating_text(value, max_places)
    if expected is not None:
        assert format_number(value, max_places=max_places) == expected


@pytest.mark.parametrize(("value", "text"), [
    (Fraction(0), "0"), (Fraction(-7, 200), "-0.035"), (Fraction(17, 2), "8.5"),
    (Fraction(10**30), "1" + "0" * 30), (Fraction(1, 10**6), "0.000001"),
    (Fraction(1, 3), "0.333333"), (Fraction(-1, 8), "-0.125"),
])
def test_format_number_terminating_and_not(value: Fraction, text: str) -> None:
    assert format_number(value) == text
