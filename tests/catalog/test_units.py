"""Units: the Chinese statistical registry, exact factors, quantity strings."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import attrs
import pytest

from qcrules import (
    CatalogError,
    Op,
    Status,
    compile_catalog,
    dump_catalog,
    evaluate,
    load_catalog,
    loads_catalog,
)
from qcrules.catalog.model import UnitDeclaration
from qcrules.catalog.toml import parse_toml_text
from qcrules.catalog.units import (
    KNOWN_UNITS,
    UnitProblem,
    canonical_unit,
    conversion_factor,
    is_percent_like,
    parse_quantity,
    same_dimension,
    unit_text_is_plain,
)
from qcrules.catalog.validate import validate_catalog
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


def _port_catalogue(units: str, *, unit: str = "万标箱", target: str = "达到50万标箱",
                    min_value: str = "0标箱") -> str:
    """A catalogue of a county's port targets, with the ``units`` section given (YAML text)."""
    return f"""\
qcrules: 1
catalog: {{id: port, title: 某县港口发展实施方案}}
units:
{units}
rules:
  - id: teu
    indicator: {{zh: 集装箱吞吐量, unit: {unit}, min: {min_value}}}
    kind: floor
    target: {target}
    commitment: strive
    deadline: 2027
    clause: 二(一)1
    quote: 力争集装箱吞吐量达到50万标箱
    lead: [县交通运输局]
"""


PORT_UNITS = "  艘: item\n  标箱: item\n  万标箱: 10000 标箱\n"


def _problems(text: str) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(CatalogError) as caught:
        loads_catalog(text, file="port.yaml")
    return [(d.code, d.location.line if d.location else None, d.field)
            for d in caught.value.diagnostics]


class TestDeclaredUnits:
    """A catalogue's own units (``units:``): a restricted grammar, never redefining a unit."""

    def test_declared_units_in_targets_and_facts(self) -> None:
        """标箱 and 万标箱 are declared, used in the indicator, its min and the target, and a
        fact in either is judged exactly at the threshold."""
        catalog = loads_catalog(_port_catalogue(PORT_UNITS))
        assert catalog.units == (UnitDeclaration("艘", "item"), UnitDeclaration("标箱", "item"),
                                 UnitDeclaration("万标箱", "10000 标箱"))
        plan = compile_catalog(catalog)
        report = evaluate(plan, {"teu": "500000标箱"})
        assert (report["teu"].status, report["teu"].margin) == (Status.MET, 0)
        assert evaluate(plan, {"teu": "499999标箱"})["teu"].margin == Fraction(-1, 10000)
        assert evaluate(plan, {"teu": "50.0001万标箱"})["teu"].margin == Fraction(1, 10000)

    def test_a_declared_count_is_an_item(self) -> None:
        """艘 declared as ``item`` converts to 件 and to any counted thing, exactly."""
        loads_catalog(_port_catalogue(PORT_UNITS))
        assert conversion_factor("艘", "件") == 1
        assert conversion_factor("万标箱", "标箱") == 10000
        assert conversion_factor("艘/万人", "件/人") == Fraction(1, 10000)

    def test_a_dimension_of_its_own(self) -> None:
        """千瓦时 declared as ``base`` is a dimension of its own: 亿千瓦时 converts to it, nothing
        else does."""
        catalog = loads_catalog(_port_catalogue(
            "  千瓦时: base\n  亿千瓦时: 100000000 千瓦时\n", unit="亿千瓦时",
            target="30亿千瓦时以内", min_value="0千瓦时").replace("kind: floor", "kind: ceiling"))
        plan = compile_catalog(catalog)
        assert evaluate(plan, {"teu": "3000000000千瓦时"})["teu"].margin == 0
        assert evaluate(plan, {"teu": "3000000001千瓦时"})["teu"].status is Status.NOT_MET
        wrong = evaluate(plan, {"teu": "30亿元"})["teu"]
        assert (wrong.status, wrong.problem.code if wrong.problem else None) == (Status.INVALID,
                                                                                 "QC300")
        for other in ("吨标准煤", "kWh", "1", "件"):
            assert not same_dimension("千瓦时", other)

    def test_round_trip(self) -> None:
        """The section is written back as declared, and loads into an equal catalogue."""
        catalog = loads_catalog(_port_catalogue(PORT_UNITS))
        text = dump_catalog(catalog)
        assert "units:\n  艘: item\n  标箱: item\n  万标箱: 10000 标箱\n" in text
        assert loads_catalog(text) == catalog
        assert "units:" not in dump_catalog(loads_catalog(_port_catalogue("").replace(
            "units:\n\n", "").replace("万标箱", "件").replace("0标箱", "0件")))

    def test_the_same_meaning_again_is_fine(self) -> None:
        """Declaring a unit that exists with the same meaning changes nothing: 吨 as 1000 千克 or
        2000 斤, 件 as item, 万标箱 again (also in another form)."""
        units = "  吨: 1000 千克\n  斤: 0.5 千克\n  件: item\n  标箱: item\n  万标箱: 1e4 标箱\n"
        catalog = loads_catalog(_port_catalogue(units))
        assert [u.name for u in catalog.units] == ["吨", "斤", "件", "标箱", "万标箱"]
        assert conversion_factor("吨", "千克") == 1000

    @pytest.mark.parametrize(("units", "line"), [
        ("  吨: 1000 斤\n", 4),                  # built in with another factor
        ("  亩: 666.67 平方米\n", 4),             # not exactly 2000/3
        ("  个: base\n", 4),                      # a counting word is not a dimension of its own
        ("  元: base\n", 4),
        ("  台: 10 件\n", 4),
        ("  标箱: item\n  万标箱: 1000 标箱\n", 5),  # declared elsewhere as 10000 标箱
        ("  percent: item\n", 4),
        ("  length: base\n", 4),                  # a dimension that exists
    ])
    def test_a_conflicting_meaning_is_refused_with_its_line(self, units: str, line: int) -> None:
        """A declaration that would change what a unit means is QC114, at the line of its name,
        and the unit keeps its meaning."""
        loads_catalog(_port_catalogue(PORT_UNITS))
        name = units.strip().splitlines()[-1].split(":")[0].strip()
        assert ("QC114", line, f"units.{name}") in _problems(_port_catalogue(units))
        assert conversion_factor("吨", "千克") == 1000
        assert conversion_factor("亩", "平方米") == Fraction(2000, 3)
        assert conversion_factor("万标箱", "标箱") == 10000

    def test_a_conflict_in_a_file_names_file_and_line(self, tmp_path: Path) -> None:
        """Loaded from a file, the conflict reads ``file:line:column: QC114`` with the field."""
        path = tmp_path / "port.yaml"
        path.write_text(_port_catalogue("  标箱: item\n  吨: 1000 斤\n"), encoding="utf-8")
        with pytest.raises(CatalogError) as caught:
            load_catalog(path)
        assert str(caught.value.diagnostics[0]).split(" (expected")[0] == (
            f"{path}:5:3: QC114 field units.吨: unit '吨' already exists with another meaning")

    def test_first_declaration_wins_in_a_process(self) -> None:
        """Two catalogues meaning different things by one name: the second is refused."""
        loads_catalog(_port_catalogue(PORT_UNITS + "  驳船队: 12 艘\n"))
        assert _problems(_port_catalogue(PORT_UNITS + "  驳船队: 10 艘\n")) == [
            ("QC114", 7, "units.驳船队")]
        assert conversion_factor("驳船队", "艘") == 12

    @pytest.mark.parametrize("definition", [
        "m**2", "10 元 人", "2 (元)", "-1 件", "0 件", "1/0 件", "元/人*年", "1 吨/万元/人",
        "__import__('os')", "1e2000 件", "10 ‰", "ten 件", "10", "10 件 + 1 件", "[item]",
    ])
    def test_bad_grammar_is_refused(self, definition: str) -> None:
        """Only ``item``, ``base`` or a positive number times known units: never pint syntax,
        an expression whose reading is ambiguous (元/人*年), or a bare number."""
        problems = _problems(_port_catalogue(PORT_UNITS + f"  未定单位: {definition!r}\n"))
        assert problems[0][0] in {"QC113", "QC110"}
        assert problems[0][1:] == (7, "units.未定单位")

    @pytest.mark.parametrize(("name", "definition", "unit", "factor"), [
        ("打", "12 个", "个", Fraction(12)),
        ("半箱", "0.5 标箱", "标箱", Fraction(1, 2)),
        ("三分之一亩", "1/3 亩", "平方米", Fraction(2000, 9)),
        ("十标箱", "10 * 标箱", "标箱", Fraction(10)),
        ("吨公里", "1 吨*公里", "千克*米", Fraction(10**6)),
        ("万吨公里每万元", "10000 吨·公里/万元", "吨*公里/元", Fraction(1)),
        ("车公里", "车×公里", "辆*米", Fraction(1000)),
        ("岁月", "12 月", "年", Fraction(1)),
    ])
    def test_good_grammar(self, name: str, definition: str, unit: str, factor: Fraction) -> None:
        """A number (decimal, or n/d) times units joined by *, ·, × and one /; no number is 1."""
        loads_catalog(_port_catalogue(PORT_UNITS + f"  {name}: {definition}\n"))
        assert conversion_factor(name, unit) == factor

    @pytest.mark.parametrize(("units", "code"), [
        ("  船2: item\n", "QC113"),             # a name has letters only
        ("  item: item\n", "QC113"),
        ("  万吨级泊位: 10000 艘位\n", "QC110"),  # 艘位 is not a unit
        ("  万吨级泊位: 10 泊位\n  泊位: 2 万吨级泊位\n", "QC110"),  # each from the other
        ("  万标箱: 10000 标箱\n  标箱: 2 (件)\n", "QC110"),  # 标箱 is refused (QC113)
        ("  标箱: 10000\n", "QC101"),           # a number alone is not a definition
        ("  标箱: [item]\n", "QC101"),
    ])
    def test_other_bad_declarations(self, units: str, code: str) -> None:
        """Bad names, units unknown where used, and definitions that are not text."""
        assert _problems(_port_catalogue(units))[0][:2] == (code, 4)

    def test_in_any_order(self) -> None:
        """A unit may be defined from one declared below it (YAML and JSON mappings need not
        keep their order); the catalogue keeps the file's order."""
        catalog = loads_catalog(_port_catalogue("  万标箱: 10000 标箱\n  标箱: item\n"))
        assert [unit.name for unit in catalog.units] == ["万标箱", "标箱"]
        assert conversion_factor("万标箱", "件") == 10000

    def test_the_section_is_a_mapping(self) -> None:
        """``units: [艘]`` is QC101 at the section."""
        assert _problems(_port_catalogue("  - 艘\n"))[0] == ("QC101", 3, "units")

    def test_another_catalogues_unit_is_unknown(self) -> None:
        """A unit one catalogue declared is unknown to another that does not declare it: in its
        targets (QC110, located) and in the facts judged against it (invalid, QC110)."""
        loads_catalog(_port_catalogue(PORT_UNITS))
        without = _port_catalogue(PORT_UNITS).replace(PORT_UNITS, "  辅助: item\n")
        assert ("QC110", 8, "indicator.unit") in _problems(without)
        counted = loads_catalog(without.replace("unit: 万标箱, min: 0标箱", "unit: 件").replace(
            "达到50万标箱", "达到50件"))
        verdict = evaluate(counted, {"teu": "50艘"})["teu"]
        assert verdict.status is Status.INVALID
        assert verdict.problem is not None
        assert verdict.problem.code == "QC110"
        assert evaluate(counted, {"teu": "50个"})["teu"].status is Status.MET

    def test_a_catalogue_built_in_python_declares_its_units(self) -> None:
        """Compiling a catalogue declares its units (a pickled catalogue in a new process); a
        conflicting one is a CatalogError naming the field."""
        catalog = loads_catalog(_port_catalogue(PORT_UNITS))
        compile_catalog(attrs.evolve(catalog, units=(*catalog.units,
                                                     UnitDeclaration("拖轮", "item"))))
        assert conversion_factor("拖轮", "件") == 1
        bad = attrs.evolve(catalog, units=(UnitDeclaration("吨", "1000 斤"),))
        with pytest.raises(CatalogError) as caught:
            compile_catalog(bad)
        assert caught.value.diagnostics[0].field == "units.吨"

    def test_toml(self) -> None:
        """A TOML catalogue declares units in a ``[units]`` table, located by its keys' lines."""
        text = ('qcrules = 1\n[catalog]\nid = "port"\ntitle = "港口"\n[units]\n"标箱" = "item"\n'
                '"万标箱" = "10000 标箱"\n"吨" = "1000 斤"\n')
        parsed = parse_toml_text(text, file="port.toml")
        with pytest.raises(CatalogError) as caught:
            validate_catalog(parsed.data, file="port.toml")
        assert [(d.code, d.location.line if d.location else None)
                for d in caught.value.diagnostics] == [("QC102", 1), ("QC114", 8)]


# -- the registry is built on first use; quantity texts are read once --------------------------

_COUNT_REGISTRIES = """
import sys
import pint
built = []
original = pint.UnitRegistry.__init__
def counting(self, *args, **kwargs):
    built.append(1)
    original(self, *args, **kwargs)
pint.UnitRegistry.__init__ = counting
{body}
print(len(built))
"""


def _registries_built(body: str) -> int:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _COUNT_REGISTRIES.format(body=body)],
                          capture_output=True, text=True, check=True, timeout=120)
    return int(done.stdout.split()[-1])


def test_import_and_help_build_no_registry() -> None:
    assert _registries_built("import qcrules") == 0
    help_text = ("from click.testing import CliRunner\nfrom qcrules.cli import main\n"
                 "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
                 "assert CliRunner().invoke(main, ['check', '--help']).exit_code == 0")
    assert _registries_built(help_text) == 0


def test_import_does_not_import_pint() -> None:
    """pint is imported with the registry, when a unit outside the shipped table is first read:
    the bundled plan and facts in its units need neither."""
    import subprocess
    import sys

    code = ("import sys, qcrules\nassert 'pint' not in sys.modules\n"
            "plan = qcrules.compile_catalog(qcrules.load_catalog())\n"
            "r = qcrules.evaluate(plan, {'gdp-per-capita': '8.5万元/人'})\n"
            "assert r['gdp-per-capita'].status is qcrules.Status.MET\n"
            "assert 'pint' not in sys.modules\n"
            "r = qcrules.evaluate(plan, {'gdp-per-capita': '85 kCNY'})\n"
            "assert 'pint' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_registry_is_built_once_on_first_use() -> None:
    body = ("import qcrules\nfrom qcrules.catalog import units\n"
            "plan = qcrules.compile_catalog(qcrules.load_catalog())\n"
            "r = qcrules.evaluate(plan, {'gdp-per-capita': '8.5万元/人'})\n"
            "assert r['gdp-per-capita'].status is qcrules.Status.MET\n"
            "assert units._REGISTRY is None  # the shipped table knows 万元/人\n"
            "r = qcrules.evaluate(plan, {'gdp-per-capita': '850 yuan/person'})\n"
            "assert r['gdp-per-capita'].status is qcrules.Status.NOT_MET\n"
            "r = qcrules.evaluate(plan, {'gdp-per-capita': '8.5 万元 / 人'})\n"
            "assert r['gdp-per-capita'].status is qcrules.Status.MET\n"
            "assert units.UNITS is units.registry()")
    assert _registries_built(body) == 1


QUANTITY_TEXTS = ["8.5万元/人", "3.5%", "0.035", "1:12.5", "１∶１２.５", "12.5‰", "第8位", "2个百分点",
                  "85,000元", " 42 件 ", "1e3吨", "7 教师/学生", "96.4 %"]


@pytest.mark.parametrize("text", QUANTITY_TEXTS)
@pytest.mark.parametrize("check_unit", [True, False])
def test_a_quantity_read_again_is_the_quantity_read_first(text: str, check_unit: bool) -> None:
    uncached = parse_quantity.__wrapped__  # the reading itself, without the kept results
    problem: UnitProblem | None = None
    try:
        expected = uncached(text, check_unit=check_unit)
    except UnitProblem as raised:
        problem = raised
    if problem is not None:
        for _ in range(2):  # an unreadable text raises every time, with the same problem
            with pytest.raises(UnitProblem) as again:
                parse_quantity(text, check_unit=check_unit)
            assert (again.value.code, again.value.message) == (problem.code, problem.message)
        return
    assert parse_quantity(text, check_unit=check_unit) == expected
    assert parse_quantity(text, check_unit=check_unit) == expected


@pytest.mark.parametrize("text", ["%%", "%#", "万元/人%", "元", "%/年", "a\x00b", "个百分点"])
def test_plain_unit_text_is_judged_as_before(text: str) -> None:
    assert unit_text_is_plain(text) is unit_text_is_plain.__wrapped__(text)


def test_a_unit_declared_later_reads_a_kept_text_anew() -> None:
    """个 before a unit is a measure word only once that unit exists: a text read before a
    catalogue declares the unit is read again after it, not taken from what was kept."""
    from qcrules.catalog.units import declare_unit

    assert parse_quantity("3个漂流筏", check_unit=False).unit == "个漂流筏"
    declare_unit("漂流筏", "item")
    assert parse_quantity("3个漂流筏", check_unit=False).unit == "漂流筏"
    assert parse_quantity("3个漂流筏", check_unit=False) == parse_quantity.__wrapped__(
        "3个漂流筏", check_unit=False)
