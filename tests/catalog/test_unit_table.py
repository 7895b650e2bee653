"""The shipped unit table: every entry is what pint computes, and the file is what the
generator writes, so that it can never drift from the registry's definitions.

Regenerate the table after changing the built-in units or the bundled plan's units::

    python tests/catalog/test_unit_table.py
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from fractions import Fraction
from pathlib import Path

import pint
import pytest

import qcrules
from qcrules.catalog import unit_table, units
from qcrules.catalog.formula import Formula, parse_formula
from qcrules.catalog.units import (
    KNOWN_UNITS,
    UnitProblem,
    canonical_unit,
    computed_meaning,
    conversion_factor,
    normalize_text,
    registry,
    same_dimension,
    shipped_meaning,
    unit_is_malformed,
    whole_scale,
)

TABLE = Path(unit_table.__file__)

_HEADER = '''"""The units qcrules knows without its unit registry: each with its exact factor to the
registry's root units and its dimension, computed once with pint and shipped, so that reading
and compiling the bundled plan never builds the registry (see ``docs/explanation/engines.md``).

Generated: do not edit. ``python tests/catalog/test_unit_table.py`` writes it from the
registry's definitions (``catalog/units.py``) and the bundled plan; a test checks that this file
is what it writes.
"""

#: A unit as written → (numerator, denominator, dimension): one of the unit is
#: numerator/denominator root units; the dimension is each base dimension with its exponent.
SHIPPED: dict[str, tuple[int, int, tuple[tuple[str, int], ...]]] = {
'''


def defined_names() -> list[str]:
    """The Chinese names and aliases the registry's definitions give (元, 公斤, 吨标煤 …)."""
    names: list[str] = []
    for line in units._DEFINITIONS.strip().splitlines():
        for part in line.removeprefix("@alias").split("=")[1:]:
            name = part.strip()
            if name and re.fullmatch(r"[^\W\d_\x00-\x7f]+|[‱]", name):
                names.append(name)
    return names


def plan_units() -> list[str]:
    """The units the bundled plan writes: indicators', thresholds', domains' and inputs'."""
    found: list[str] = []
    for rule in qcrules.load_catalog().rules:
        quantities = [b.threshold for b in rule.bounds] + [rule.indicator.min, rule.indicator.max]
        found.append(rule.indicator.unit or "")
        found.extend(q.unit or "" for q in quantities if q is not None)
        if rule.derivation is not None:
            found.extend(i.unit or "" for i in rule.derivation.inputs)
    return found


def shipped_units() -> list[str]:
    """The table's units, in a stable order: the built-in list, the definitions' names, the
    plan's units."""
    every = [normalize_text(u) for u in (*KNOWN_UNITS, *defined_names(), *plan_units())]
    return list(dict.fromkeys(u for u in every if u))


def _exponent(exponent: Fraction | int) -> int:
    if Fraction(exponent).denominator != 1:  # never, for these units; refuse rather than round
        msg = f"a fractional exponent {exponent}"
        raise ValueError(msg)
    return int(exponent)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a Python string literal, in double quotes


def table_source() -> str:
    """The table module, computed with pint."""
    lines = [_HEADER]
    for unit in shipped_units():
        factor, dimension = computed_meaning(unit)
        terms = [f"({_quoted(name)}, {_exponent(e)})" for name, e in dimension]
        dims = terms[0] + "," if len(terms) == 1 else ", ".join(terms)
        lines.append(f"    {_quoted(unit)}: ({factor.numerator}, {factor.denominator}, ({dims})),\n")
    lines.append("}\n")
    return "".join(lines)


class TestTheShippedTable:
    """The shipped table is pint's own computation, entry by entry."""

    def test_the_file_is_what_the_generator_writes(self) -> None:
        assert TABLE.read_text(encoding="utf-8") == table_source(), (
            "the shipped unit table is out of date: run python tests/catalog/test_unit_table.py")

    @pytest.mark.parametrize("unit", sorted(unit_table.SHIPPED))
    def test_each_entry_is_pints_meaning(self, unit: str) -> None:
        assert shipped_meaning(unit) == computed_meaning(unit)

    def test_it_holds_every_built_in_unit_and_every_unit_of_the_bundled_plan(self) -> None:
        for unit in (*KNOWN_UNITS, *plan_units()):
            assert not unit or shipped_meaning(unit) is not None, unit

    def test_it_holds_every_chinese_name_the_registry_defines(self) -> None:
        """A name of Chinese characters outside the table is no unit until a catalogue
        declares it: the table is the whole of the registry's own."""
        chinese = {name for name in registry()._units
                   if re.search("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", name)}
        assert chinese - set(units._DECLARED) <= set(unit_table.SHIPPED)


def _quotients() -> list[tuple[str, str]]:
    simple = [u for u in unit_table.SHIPPED if "/" not in u and "^" not in u]
    return list(itertools.product(simple, ["人", "万人", "千人", "亿元", "万元", "平方米", "年", "台",
                                           "十万台", "%", "1"]))


class TestUnitsOverUnits:
    """A unit written ``a/b`` of two names of the table means what pint reads."""

    @pytest.mark.parametrize(("top", "bottom"), _quotients())
    def test_a_quotient_is_pints_meaning(self, top: str, bottom: str) -> None:
        assert shipped_meaning(f"{top}/{bottom}") == computed_meaning(f"{top}/{bottom}")

    @pytest.mark.parametrize(("unit", "other"), [
        ("万元/人", "元/人"), ("万元/人", "元/万人"), ("件/万人", "个/人"), ("人/十万台", "人/台"),
        ("万元", "人"), ("%", "1"), ("%", "‰"), ("万元/人", "人/万元"), ("%/年", "‰/月"),
        ("吨标准煤", "吨"), ("平方公里", "亩"), ("岁", "月"), ("百分点", "%")])
    def test_factors_and_dimensions_agree_with_pint(self, unit: str, other: str) -> None:
        pint_same = canonical_unit(unit).dimensionality == canonical_unit(other).dimensionality
        assert same_dimension(unit, other) is pint_same
        if pint_same:
            expected = Fraction(registry().Quantity(Fraction(1), canonical_unit(unit))
                                .to(canonical_unit(other)).magnitude)
            assert conversion_factor(unit, other) == expected
        else:
            with pytest.raises(UnitProblem) as raised:
                conversion_factor(unit, other)
            assert raised.value.code == "QC111"
            assert raised.value.message == f"{unit!r} cannot be converted to {other!r}"

    @pytest.mark.parametrize("unit", ["万台", "吨", "件", "十万件", "%", "万元/人", "位", "亩"])
    def test_whole_scale_is_pints(self, unit: str) -> None:
        root = registry().Quantity(Fraction(1), canonical_unit(unit)).to_root_units()
        factor = Fraction(root.magnitude)
        single = list(root.units.dimensionality.values()) == [1]
        expected = factor.numerator if single and factor.denominator == 1 and factor >= 1 else 1
        assert whole_scale(unit) == expected

    @pytest.mark.parametrize("unit", ["教师/学生", "学生/教师", "万元/人", "医生", "万元/人)", "元/0",
                                      "(元", "个百分点"])
    def test_malformed_is_judged_as_pint_judges(self, unit: str) -> None:
        try:
            registry().parse_units(units._pint_expression(unit))
        except units._errors().UndefinedUnitError:
            malformed = False
        except units._malformed():
            malformed = True
        else:
            malformed = False
        assert unit_is_malformed(unit) is malformed

    @pytest.mark.parametrize("unit", ["个百分点", "个月", "个", "百分点", "万元", "漂流", "个/千人",
                                      "公斤", "吨标煤"])
    def test_a_name_is_known_as_pint_knows_it(self, unit: str) -> None:
        try:
            registry().parse_units(units._pint_expression(unit))
        except Exception:
            known = False
        else:
            known = True
        assert units._known_part(unit) is known


def _pint_result(formula: Formula, units_of: dict[str, str | None]) -> tuple[Fraction, object]:
    root = registry().Quantity(Fraction(1), formula.result_unit(units_of)).to_root_units()
    return Fraction(root.magnitude), tuple(sorted(root.units.dimensionality.items()))


def _derived_rules() -> list[tuple[str, str, dict[str, str | None], str]]:
    return [(rule.id, rule.derivation.formula, {i.name: i.unit for i in rule.derivation.inputs},
             rule.indicator.unit or "1")
            for rule in qcrules.load_catalog().rules if rule.derivation is not None]


class TestFormulaUnits:
    """A formula's unit is computed from the shipped table as pint computes it."""

    @pytest.mark.parametrize(("rule_id", "text", "units_of", "unit"), _derived_rules())
    def test_each_derived_rule_of_the_bundled_plan(self, rule_id: str, text: str,
                                                   units_of: dict[str, str | None],
                                                   unit: str) -> None:
        formula = parse_formula(text)
        assert formula.result_meaning(units_of) == _pint_result(formula, units_of), rule_id
        expected = Fraction(registry().Quantity(Fraction(1), formula.result_unit(units_of))
                            .to(canonical_unit(unit)).magnitude)
        assert formula.result_factor(units_of, unit) == expected

    @pytest.mark.parametrize(("text", "units_of"), [
        ("a / b", {"a": "万元", "b": "万人"}),
        ("(a - b) / b * 100", {"a": "亿元", "b": "万元"}),
        ("a / b - c", {"a": "件", "b": "万人", "c": "件/人"}),
        ("-a * 2 / (b + c)", {"a": "吨标准煤", "b": "万元", "c": "亿元"}),
        ("a / b", {"a": "%", "b": None}),
        ("a + 1", {"a": "%"}),
        ("1 + a", {"a": "‰"}),
        ("a * b / c", {"a": "平方米", "b": "人", "c": "万人"}),
    ])
    def test_formulas_in_shipped_units(self, text: str, units_of: dict[str, str | None]) -> None:
        formula = parse_formula(text)
        assert formula.result_meaning(units_of) == _pint_result(formula, units_of)

    @pytest.mark.parametrize(("text", "units_of"), [
        ("a + b", {"a": "万元", "b": "人"}),
        ("a / b - 1", {"a": "万元", "b": "人"}),
    ])
    def test_incompatible_terms_are_left_to_pint(self, text: str,
                                                 units_of: dict[str, str | None]) -> None:
        formula = parse_formula(text)
        assert formula.result_meaning(units_of) is None
        with pytest.raises(pint.errors.DimensionalityError):
            formula.result_unit(units_of)

    def test_a_divisor_zero_by_itself_raises_as_with_pint(self) -> None:
        formula = parse_formula("a / (b - b)")
        units_of: dict[str, str | None] = {"a": "万元", "b": "人"}
        with pytest.raises(ZeroDivisionError):
            formula.result_meaning(units_of)
        with pytest.raises(ZeroDivisionError):
            formula.result_unit(units_of)

    def test_a_unit_outside_the_table_is_left_to_pint(self) -> None:
        assert parse_formula("a / b").result_meaning({"a": "kilowatt_hour", "b": "万元"}) is None


def main() -> None:
    TABLE.write_text(table_source(), encoding="utf-8")
    print(f"wrote {len(unit_table.SHIPPED)} → {len(shipped_units())} units to {TABLE}")


if __name__ == "__main__":
    sys.exit(main())
