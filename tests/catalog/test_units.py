"""Units: the Chinese statistical registry, exact factors, quantity strings."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from qcrules import Op
from qcrules.catalog.units import (
    KNOWN_UNITS,
    UnitProblem,
    canonical_unit,
    conversion_factor,
    is_percent_like,
    parse_quantity,
    same_dimension,
)
from qcrules.catalog.words import parse_bound_text


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


class TestUnitsOfTheGenre:
    """The units county plans write: mass, standard coal, length and area, time and age, counted
    things, money and ‱, each exact."""

    @pytest.mark.parametrize(
        ("source", "target", "factor"),
        [
            ("万吨", "千克", Fraction(10**7)),
            ("亿吨", "吨", Fraction(10**8)),
            ("吨", "千克", Fraction(1000)),
            ("公斤", "千克", Fraction(1)),
            ("斤", "千克", Fraction(1, 2)),
            ("斤", "吨", Fraction(1, 2000)),
            ("万斤", "吨", Fraction(5)),
            ("亿斤", "万吨", Fraction(5)),
            ("万亿斤", "亿吨", Fraction(5)),
            ("吨/万元", "千克/元", Fraction(1, 10)),
            ("万吨标准煤", "吨标准煤", Fraction(10000)),
            ("千克标准煤", "吨标准煤", Fraction(1, 1000)),
            ("亿吨标准煤", "万吨标准煤", Fraction(10000)),
            ("吨标煤", "吨标准煤", Fraction(1)),
            ("万吨标煤", "千克标准煤", Fraction(10**7)),
            ("公斤标准煤", "千克标准煤", Fraction(1)),
            ("吨标准煤/万元", "千克标准煤/元", Fraction(1, 10)),
            ("万吨标准煤/亿元", "吨标准煤/万元", Fraction(1)),
            ("公里", "米", Fraction(1000)),
            ("千米", "公里", Fraction(1)),
            ("平方公里", "平方米", Fraction(10**6)),
            ("百平方公里", "平方公里", Fraction(100)),
            ("万平方公里", "平方米", Fraction(10**10)),
            ("亿亩", "平方米", Fraction(10**8) * Fraction(2000, 3)),
            ("亿亩", "万亩", Fraction(10**4)),
            ("公顷", "亩", Fraction(15)),
            ("万公顷", "万亩", Fraction(15)),
            ("公里/百平方公里", "米/平方公里", Fraction(10)),
            ("人/平方公里", "人/公顷", Fraction(1, 100)),
            ("亿立方米", "万立方米", Fraction(10000)),
            ("立方米/万元", "立方米/元", Fraction(1, 10000)),
            ("小时", "天", Fraction(1, 24)),
            ("岁", "年", Fraction(1)),
            ("周岁", "岁", Fraction(1)),
            ("月", "年", Fraction(1, 12)),
            ("起", "件", Fraction(1)),
            ("批次", "次", Fraction(1)),
            ("辆", "车", Fraction(1)),
            ("万车", "辆", Fraction(10000)),
            ("万辆", "万车", Fraction(1)),
            ("户", "个", Fraction(1)),
            ("百户", "户", Fraction(100)),
            ("万户", "户", Fraction(10000)),
            ("张", "床", Fraction(1)),
            ("处", "条", Fraction(1)),
            ("辆/千人", "辆/人", Fraction(1, 1000)),
            ("床/千人", "张/万人", Fraction(10)),
            ("人/万车", "人/辆", Fraction(1, 10000)),
            ("万亿元", "亿元", Fraction(10000)),
            ("万亿元", "元", Fraction(10**12)),
            ("‱", "%", Fraction(1, 100)),
            ("‱", "1", Fraction(1, 10000)),
            ("‰", "‱", Fraction(10)),
        ],
    )
    def test_exact(self, source: str, target: str, factor: Fraction) -> None:
        """Each factor is the exact rational: 1 万吨 is 10,000,000 kg, 1 斤 is 1/2 kg."""
        assert conversion_factor(source, target) == factor
        assert conversion_factor(target, source) == 1 / factor

    @pytest.mark.parametrize(
        ("source", "target"),
        [
            ("吨标准煤", "吨"), ("万吨标准煤", "万吨"), ("千克标准煤", "千克"),
            ("吨标准煤/万元", "吨/万元"), ("吨标准煤", "kWh"), ("万车", "元"), ("辆", "人"),
            ("户", "人"), ("床/千人", "%"), ("年", "天"), ("岁", "小时"), ("月", "天"),
            ("年", "year"), ("‱", "百分点"), ("公里", "平方公里"), ("斤", "亩"), ("万亿元", "万亿斤"),
        ],
    )
    def test_distinct_dimensions(self, source: str, target: str) -> None:
        """Standard coal is not mass, vehicles are not money, a calendar year is not a number
        of days: QC111, never a conversion."""
        with pytest.raises(UnitProblem) as info:
            conversion_factor(source, target)
        assert info.value.code == "QC111"
        assert not same_dimension(source, target)

    @pytest.mark.parametrize("unit", [
        "吨", "万吨", "亿吨", "千克", "公斤", "斤", "万斤", "亿斤", "万亿斤", "吨标准煤", "吨标煤",
        "万吨标准煤", "万吨标煤", "亿吨标准煤", "千克标准煤", "公里", "千米", "米", "百平方公里",
        "万平方公里", "亿亩", "万公顷", "立方米", "万立方米", "亿立方米", "年", "岁", "周岁", "月",
        "小时", "起", "批次", "辆", "车", "万车", "万辆", "户", "百户", "万户", "张", "床", "处", "条",
        "种", "万亿元", "‱"])
    def test_alone_and_in_a_ratio(self, unit: str) -> None:
        """Each name reads alone, over and under another unit, and after a number."""
        for written in (unit, f"{unit}/万元", f"{unit}/千人", f"人/{unit}", f"万元/{unit}"):
            canonical_unit(written)
        assert parse_quantity(f"12.5{unit}").unit == unit
        assert parse_quantity(f"12.5 {unit}/千人") == parse_quantity(f"12.5{unit}/千人")

    @pytest.mark.parametrize(("ratio", "per_base"), [
        ("吨/万元", "kilogram / yuan"), ("吨标准煤/万元", "tce / yuan"), ("辆/千人", "item / person"),
        ("床/千人", "item / person"), ("人/平方公里", "person / meter ** 2"),
    ])
    def test_ratios_of_the_genre(self, ratio: str, per_base: str) -> None:
        """Intensities and densities are a over b of the two dimensions."""
        assert same_dimension(ratio, per_base)

    def test_permyriad_is_a_fraction(self) -> None:
        """‱ is dimensionless like % and ‰: a bare number for a rule in ‱ is a fraction."""
        assert is_percent_like("‱")
        assert parse_quantity("３‱").unit == "‱"

    def test_every_known_unit_is_documented(self) -> None:
        """Every known unit has a row in docs/reference/units.md."""
        page = (Path(__file__).parents[2] / "docs" / "reference" / "units.md").read_text(
            encoding="utf-8")
        rows = {cell.strip() for line in page.splitlines() if line.startswith("| ")
                for cell in line.split("|")[1].split(",")}
        assert [unit for unit in KNOWN_UNITS if unit not in rows] == []


class TestMeasureWord:
    """个 between a number and a unit it does not belong to is a measure word (量词)."""

    @pytest.mark.parametrize(("text", "magnitude", "unit"), [
        ("2个百分点", Fraction(2), "百分点"),
        ("0.5 个百分点", Fraction(1, 2), "百分点"),
        ("1.5个百分点/年", Fraction(3, 2), "百分点/年"),
        ("3个月", Fraction(3), "月"),
        ("3个", Fraction(3), "个"),
        ("3 个", Fraction(3), "个"),
        ("3个/千人", Fraction(3), "个/千人"),
        ("12万个", Fraction(12), "万个"),
    ])
    def test_read(self, text: str, magnitude: Fraction, unit: str) -> None:
        """2个百分点 is 2 百分点; 3个 and 个/千人 are counts, 个 being their unit."""
        parsed = parse_quantity(text)
        assert (parsed.magnitude, parsed.unit) == (magnitude, unit)
        assert parse_quantity(text, check_unit=False) == parsed

    @pytest.mark.parametrize(("text", "op", "magnitude", "unit"), [
        ("5个百分点以上", Op.GE, Fraction(5), "百分点"),
        ("不低于2个百分点", Op.GE, Fraction(2), "百分点"),
        ("2个百分点以内", Op.LE, Fraction(2), "百分点"),
        ("超过0.5个百分点", Op.GT, Fraction(1, 2), "百分点"),
        ("达到10个", Op.GE, Fraction(10), "个"),
        ("3个以上", Op.GE, Fraction(3), "个"),
        ("控制在6个月以内", Op.LE, Fraction(6), "月"),
    ])
    def test_in_bound_words(self, text: str, op: Op, magnitude: Fraction, unit: str) -> None:
        """The bound words read around the measure word."""
        read = parse_bound_text(text)
        parsed = parse_quantity(read.quantity)
        assert (read.op, parsed.magnitude, parsed.unit) == (op, magnitude, unit)

    def test_an_unknown_unit_after_it_is_still_unknown(self) -> None:
        """个 before something that is not a unit is not dropped: QC110 names what was written."""
        with pytest.raises(UnitProblem) as info:
            parse_quantity("2个百分比")
        assert info.value.code == "QC110"
        assert info.value.got == "个百分比"
