"""Units: the Chinese statistical registry, exact factors, quantity strings."""

from __future__ import annotations

from fractions import Fraction

import pytest

from qcrules.catalog.units import (
    UnitProblem,
    canonical_unit,
    conversion_factor,
    parse_quantity,
    same_dimension,
)


class TestParseQuantity:
    """Quantity strings are read exactly, with the unit as written."""

    @pytest.mark.parametrize(
        ("text", "magnitude", "unit", "ratio"),
        [
            ("8.5万元/人", Fraction(17, 2), "万元/人", False),
            ("85,000 元/人", Fraction(85000), "元/人", False),
            ("3.5%", Fraction(7, 2), "%", False),
            ("0.035", Fraction(7, 200), None, False),
            ("12.5‰", Fraction(25, 2), "‰", False),
            ("1:12.5", Fraction(25, 2), None, True),
            ("1∶12.5", Fraction(25, 2), None, True),
            ("1：12.5", Fraction(25, 2), None, True),
            ("2:25", Fraction(25, 2), None, True),
            ("９６．４％", Fraction(482, 5), "%", False),
            ("第8位", Fraction(8), "位", False),
            ("-3.2%", Fraction(-16, 5), "%", False),
            ("14件/万人", Fraction(14), "件/万人", False),
            ("0.1", Fraction(1, 10), None, False),
            ("1e3 元", Fraction(1000), "元", False),
        ],
    )
    def test_reads_exactly(self, text: str, magnitude: Fraction, unit: str | None,
                           ratio: bool) -> None:
        """The number is exact (0.1 is 1/10, not a binary float) and the unit is kept."""
        parsed = parse_quantity(text)
        assert (parsed.magnitude, parsed.unit, parsed.ratio) == (magnitude, unit, ratio)

    @pytest.mark.parametrize("text", ["", "abc", "万元", "0:5", "1.2.3%", "nan"])
    def test_rejects_non_quantities(self, text: str) -> None:
        """Text that is not a quantity raises a UnitProblem with a code."""
        with pytest.raises(UnitProblem) as info:
            parse_quantity(text)
        assert info.value.code in {"QC112", "QC301"}

    def test_unknown_unit_suggests(self) -> None:
        """An unknown unit is QC110 and suggests a known one."""
        with pytest.raises(UnitProblem) as info:
            parse_quantity("8.5万圆/人")
        assert info.value.code == "QC110"
        assert "万元/人" in info.value.hint


class TestConversionFactor:
    """Factors are exact rationals, so equal quantities compare equal in any unit."""

    @pytest.mark.parametrize(
        ("source", "target", "factor"),
        [
            ("万元/人", "元/人", Fraction(10000)),
            ("亿元", "万元", Fraction(10000)),
            ("元", "亿元", Fraction(1, 100000000)),
            ("%", "1", Fraction(1, 100)),
            ("‰", "%", Fraction(1, 10)),
            ("1", "%", Fraction(100)),
            ("件/万人", "件/人", Fraction(1, 10000)),
            ("人/十万台", "人/台", Fraction(1, 100000)),
            ("亩", "平方米", Fraction(2000, 3)),
            ("千人", "人", Fraction(1000)),
            ("家", "个", Fraction(1)),
            ("万台", "台", Fraction(10000)),
        ],
    )
    def test_exact(self, source: str, target: str, factor: Fraction) -> None:
        """Each factor is the exact rational (8.5 万元/人 is exactly 85,000 元/人)."""
        assert conversion_factor(source, target) == factor

    def test_boundary_equal_in_other_unit(self) -> None:
        """8.5 万元/人 equals 85,000 元/人; 0.035 equals 3.5 %; 12 人 / 600 亿元 = 0.02 人/亿元."""
        assert Fraction(17, 2) * conversion_factor("万元/人", "元/人") == 85000
        assert Fraction(7, 200) * conversion_factor("1", "%") == Fraction(7, 2)
        assert Fraction(12, 600) * conversion_factor("人/亿元", "人/亿元") == Fraction(1, 50)

    @pytest.mark.parametrize(
        ("source", "target"),
        [("%", "百分点"), ("%", "分"), ("百分点", "分"), ("人", "件"), ("元", "人"), ("位", "1")],
    )
    def test_distinct_dimensions(self, source: str, target: str) -> None:
        """Percent, percentage points, index points, people, counts and ranks never convert."""
        with pytest.raises(UnitProblem) as info:
            conversion_factor(source, target)
        assert info.value.code == "QC111"
        assert not same_dimension(source, target)


class TestCanonicalUnit:
    """Unit strings as written in catalogues and facts."""

    @pytest.mark.parametrize("unit", ["元", "万元", "亿元", "人", "万人", "千人", "件", "个", "家",
                                      "项", "台", "万台", "十万台", "亩", "平方米", "%", "‰",
                                      "百分点", "分", "位", "1", "万元/人", "人/亿元"])
    def test_known(self, unit: str) -> None:
        """Every unit the catalogue format documents is known."""
        canonical_unit(unit)
