"""Facts from parsed data: rows of a table, values read exactly, problems located."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from qcrules import FactError, FactForm, facts_from_data
from qcrules.base.errors import Location
from qcrules.catalog.parse import LocatedList, LocatedMap
from qcrules.facts.tables import parse_csv_text


def located_row(cells: dict[str, object], row: int) -> LocatedMap:
    """A worksheet row whose cells are located in sheet s, columns A, B, C…"""
    record = LocatedMap(cells)
    record.location = Location("f.xlsx", row, 1, sheet="s", cell=f"A{row}")
    record.key_locations = {key: Location("f.xlsx", row, i + 1, sheet="s", cell=f"{'ABCDEFG'[i]}{row}")
                            for i, key in enumerate(cells)}
    return record


class TestRows:
    """facts_from_data on a list of rows (CSV, worksheets, or plain dicts)."""

    def test_id_or_name(self) -> None:
        """A row is keyed by its id, or by its Chinese name when the id is blank."""
        facts = facts_from_data([{"id": "award", "name": "省级政府质量奖", "value": 1},
                                 {"id": None, "name": "国家级标准化示范", "value": "是"}])
        assert set(facts.facts) == {"award", "国家级标准化示范"}

    def test_labels_as_keys(self) -> None:
        """Plain dict rows may use column labels (指标名称, 数值, 单位) as keys."""
        facts = facts_from_data([{"指标名称": "人均GDP", "数值": "8.2", "单位": "万元/人"}])
        fact = facts.facts["人均GDP"]
        assert (fact.form, fact.value, fact.unit) == (FactForm.QUANTITY, Fraction("8.2"), "万元/人")

    def test_value_located_at_its_cell(self) -> None:
        """A bad value is located at the value's own cell, not the row."""
        rows = LocatedList([located_row({"name": "人均GDP", "value": "8.5.1万元"}, 7)])
        rows.location, rows.item_locations = Location("f.xlsx"), [Location("f.xlsx", 7)]
        facts = facts_from_data(rows)
        assert [str(d.location) for d in facts.diagnostics] == ["f.xlsx:s!B7"]

    def test_conflict(self) -> None:
        """The same indicator with two values is QC204, naming the first row; the first is kept."""
        rows = parse_csv_text("id,value\naward,1\naward,2\n", file="f.csv").data
        facts = facts_from_data(rows, file="f.csv")
        assert [(d.code, d.got, str(d.location)) for d in facts.diagnostics] == [("QC204", "2", "f.csv:3")]
        assert facts.facts["award"].value == 1

    def test_same_value_other_source(self) -> None:
        """The same value twice, from two sources, is not a conflict."""
        facts = facts_from_data([{"id": "award", "value": 1, "source": "甲"},
                                 {"id": "award", "value": "1", "source": "乙"}])
        assert facts.diagnostics == ()

    def test_row_not_a_mapping(self) -> None:
        """A row that is not a mapping is QC201, saying what it is."""
        facts = facts_from_data(["award"])
        assert [(d.code, d.got) for d in facts.diagnostics] == [("QC201", "text 'award'")]

    def test_region_and_period(self) -> None:
        """Rows that agree on region and period give the set its region and period."""
        facts = facts_from_data([{"id": "a", "value": 1, "region": "桐城市", "period": 2026},
                                 {"id": "b", "value": 2, "region": "桐城市", "period": 2026}])
        assert (facts.region, facts.period) == ("桐城市", "2026")
        mixed = facts_from_data([{"id": "a", "value": 1, "period": 2025},
                                 {"id": "b", "value": 2, "period": 2026}])
        assert mixed.period is None


class TestValues:
    """Values read exactly; hostile numbers refused quickly."""

    @pytest.mark.parametrize(("value", "form", "number", "unit"), [
        ("96.4%", FactForm.QUANTITY, Fraction("96.4"), "%"),
        ("8.2万元/人", FactForm.QUANTITY, Fraction("8.2"), "万元/人"),
        (0.978, FactForm.NUMBER, Fraction("0.978"), None),
        (Decimal("0.978"), FactForm.NUMBER, Fraction("0.978"), None),
        ("1∶13.2", FactForm.RATIO, Fraction("13.2"), None),
        ("是", FactForm.BOOLEAN, True, None),
    ])
    def test_forms(self, value: object, form: FactForm, number: object, unit: str | None) -> None:
        """Quantity strings, floats (shortest repr), decimals, ratios and yes/no words."""
        fact = facts_from_data({"x": value}).facts["x"]
        assert (fact.form, fact.value, fact.unit) == (form, number, unit)

    @pytest.mark.parametrize(("fact", "unit"), [
        ({"value": "2个百分点"}, "百分点"), ({"value": 2, "unit": "个百分点"}, "百分点"),
        ({"value": "2个百分点", "unit": "个百分点"}, "百分点"),
        ({"value": "2个百分点", "unit": "百分点"}, "百分点"), ({"value": 3, "unit": "个"}, "个"),
        ({"value": "6个月"}, "月"),
    ])
    def test_measure_word(self, fact: dict[str, object], unit: str) -> None:
        """个 before a unit it does not belong to is a measure word, in the value or the unit
        field alike: 2个百分点 is 2 百分点; 3 个 is a count."""
        facts = facts_from_data({"x": fact})
        assert facts.diagnostics == ()
        assert (facts.facts["x"].value, facts.facts["x"].unit) == (Fraction(int(
            str(fact["value"])[0])), unit)

    @pytest.mark.parametrize("value", ["1e99999999", "5E+1000001万元", "1e-99999999%",
                                       Decimal("1e99999999")])
    def test_huge_exponent(self, value: object) -> None:
        """An exponent beyond LIMITS.max_exponent is QC112 at once, never an hours-long computation."""
        facts = facts_from_data({"x": value})
        assert facts.facts["x"].form is FactForm.INVALID
        assert [d.code for d in facts.diagnostics] == ["QC112"]

    def test_exponent_at_the_limit(self) -> None:
        """An exponent of exactly LIMITS.max_exponent is read."""
        assert facts_from_data({"x": "1e1000"}).facts["x"].value == 10 ** 1000


class TestStructure:
    """Structures that are not fact files."""

    @pytest.mark.parametrize(("data", "got"), [("text", "text 'text'"), (3, "a number"),
                                               (None, "nothing")])
    def test_not_a_mapping(self, data: object, got: str) -> None:
        """A document that is not a mapping (or rows) raises FactError naming what it is."""
        with pytest.raises(FactError) as error:
            facts_from_data(data)
        assert (error.value.code, error.value.diagnostics[0].got) == ("QC201", got)
