"""Compiling: what a compiled rule prepares once so that judging a fact set is cheap, and that
judging with it gives the exact answers (boundaries, domain limits, units, results classes)."""

from __future__ import annotations

import inspect
from fractions import Fraction
from typing import Any

import attrs
import pytest

import qcrules
import qcrules.catalog.units
import qcrules.engine.compile
from helpers import catalog_text, one_rule_plan, rule_yaml, status_of
from qcrules import Op, Status
from qcrules.engine.results import (
    Compared,
    Converted,
    Derived,
    FactUsed,
    RatioRead,
    ReferenceUsed,
    Rounded,
    UnitAssumed,
    Verdict,
)

MET, NOT_MET, INVALID = Status.MET, Status.NOT_MET, Status.INVALID


class TestFactorsAtCompileTime:
    """Factors from every known unit of a rule's dimension are computed when it is compiled."""

    @pytest.fixture
    def no_conversions(self, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
        """Record every conversion factor computed after this point."""
        computed: list[tuple[str, str]] = []
        original = qcrules.engine.compile.conversion_factor

        def counting(from_unit: str, to_unit: str) -> Fraction:
            computed.append((from_unit, to_unit))
            return original(from_unit, to_unit)

        monkeypatch.setattr(qcrules.engine.compile, "conversion_factor", counting)
        return computed

    @pytest.mark.parametrize(("fact", "status"), [
        ("85000元/人", MET), ("84999.99元/人", NOT_MET),          # 元/人, on and below
        ("0.085百万元/人", MET), ("8.5亿元/万人", MET),           # any known x/y of the dimensions
        ("8.4999亿元/万人", NOT_MET), ("850000000元/万人", MET),
    ])
    def test_known_units_need_no_conversion_at_evaluation(
            self, no_conversions: list[tuple[str, str]], fact: str, status: Status) -> None:
        """A fact in a known unit compatible with 万元/人 is judged exactly with a factor made
        at compile time."""
        plan = qcrules.compile_catalog(qcrules.loads_catalog(_catalog("达8.5万元/人", "万元/人")))
        compiled_count = len(no_conversions)
        assert status_of(plan, fact) is status
        assert len(no_conversions) == compiled_count

    def test_other_unit_computed_once(self, no_conversions: list[tuple[str, str]]) -> None:
        """A unit outside the known ones (a parenthesised denominator) is converted exactly, its
        factor computed the first time and reused for later fact sets."""
        plan = qcrules.compile_catalog(qcrules.loads_catalog(_catalog("达8.5万元/人", "万元/人")))
        compiled_count = len(no_conversions)
        for _ in range(3):
            assert status_of(plan, "85000元/(人)") is MET
            assert status_of(plan, "84999元/(人)") is NOT_MET
        assert len(no_conversions) == compiled_count + 1

    def test_percent_rule_bare_number_factor(self) -> None:
        """A % rule reads a bare number as a fraction, with the factor 100 prepared once."""
        plan = one_rule_plan()
        assert plan.rules[0].fraction_factor == 100
        verdict = qcrules.evaluate(plan, {"r": 0.98})["r"]
        assert verdict.status is MET
        assert verdict.value == 98
        assert UnitAssumed("r", "%", as_fraction=True) in verdict.steps
        assert Converted("r", Fraction(49, 50), "1", Fraction(100), Fraction(98), "%") \
            in verdict.steps

    def test_unit_assumed_step_under_either_name(self) -> None:
        """The step for a bare number names the fact as given, by id or by Chinese name."""
        plan = one_rule_plan(indicator={"zh": "合格率", "unit": "%"})
        by_id = qcrules.evaluate(plan, {"r": 0.97})["r"]
        by_name = qcrules.evaluate(plan, {"合格率": 0.97})["r"]
        assert UnitAssumed("r", "%", as_fraction=True) in by_id.steps
        assert UnitAssumed("合格率", "%", as_fraction=True) in by_name.steps
        assert by_id.value == by_name.value == 97


    @pytest.mark.parametrize("unit", ["万元/人", "件/万人", "人/十万台", "平方米/人", "%", "个",
                                      "人/亿元", "元/人*人"])
    def test_prepared_factors_are_pints(self, unit: str) -> None:
        """Each factor prepared at compile time, a pair's made from its two terms', is exactly
        the factor pint gives for the unit as written."""
        plan = qcrules.compile_catalog(qcrules.loads_catalog(_catalog("0" + unit + "以上", unit)))
        factors = plan.rules[0]._factors
        assert len(factors) > 1 or unit == "元/人*人"
        for (from_unit, to_unit), factor in factors.items():
            assert to_unit is None
            assert factor == qcrules.catalog.units.conversion_factor(from_unit, unit), from_unit


def _catalog(target: str, unit: str, kind: str = "floor") -> str:
    return catalog_text(rule_yaml(indicator={"zh": "指标", "unit": unit}, target=target,
                                  kind=kind, quote=f"指标{target}"))


class TestCompiledComparisons:
    """Thresholds compiled to whole-number comparisons judge exactly as ``Op.holds``."""

    @pytest.mark.parametrize("op", list(Op))
    @pytest.mark.parametrize("threshold", [Fraction(17, 2), Fraction(1, 3), Fraction(-5),
                                           Fraction(10**30 + 1, 10**29)])
    def test_on_beside_and_around(self, op: Op, threshold: Fraction) -> None:
        """On the threshold, a hair either side and well away: the compiled comparison and
        ``Op.holds`` agree."""
        hair = Fraction(1, 10**40)
        for value in (threshold, threshold + hair, threshold - hair, threshold * 2 + 1,
                      threshold - 7):
            n, d = value.as_integer_ratio()
            tn, td = threshold.as_integer_ratio()
            assert op.compare(n * td, tn * d) is op.holds(value, threshold)

    def test_compiled_rule_keeps_numerator_and_denominator(self) -> None:
        """A rule's comparisons carry the threshold in the rule's unit, as whole numbers."""
        plan = qcrules.compile_catalog(qcrules.loads_catalog(_catalog("低于0.02人/亿元", "人/亿元",
                                                                      "ceiling")))
        ((op, threshold, compare, tn, td),) = plan.rules[0].comparisons
        assert (op, threshold, tn, td) == (Op.LT, Fraction(1, 50), 1, 50)
        assert compare(1 * 50, 1 * 50) is False       # 0.02 < 0.02 fails


@pytest.fixture(scope="module")
def plan() -> qcrules.Plan:
    """A % rule whose indicator lies between 0 % and 100 %."""
    return one_rule_plan(indicator={"zh": "合格率", "unit": "%", "min": "0%", "max": "100%"},
                         target="达98%")


class TestDomainLimits:
    """The indicator's possible values, compiled to whole numbers, bound exactly."""

    @pytest.mark.parametrize(("fact", "status"), [
        ("100%", MET), ("100.0000001%", INVALID), ("99.9999999%", MET),      # the maximum
        ("1", MET), ("1.000000001", INVALID), ("1000‰", MET), ("1000.001‰", INVALID),
        ("0%", NOT_MET), ("-0.0000001%", INVALID), ("0", NOT_MET), ("-0.1‰", INVALID),
    ])
    def test_limits_in_any_unit(self, plan: qcrules.Plan, fact: str, status: Status) -> None:
        """On a limit is possible; just beyond it, in % or as a fraction or in ‰, is invalid."""
        assert status_of(plan, fact) is status

    def test_above_names_the_limit(self, plan: qcrules.Plan) -> None:
        """An impossible value is invalid with QC302 and the limit it breaks."""
        problem = qcrules.evaluate(plan, {"r": "130%"})["r"].problem
        assert problem is not None
        assert (problem.code, problem.rule_id, problem.fact_id, problem.expected) == \
            ("QC302", "r", "r", "<= 100 %")

    def test_whole_count(self) -> None:
        """A count is whole: 3 is possible, 3.5 is not (QC303), and -1 is below zero."""
        plan = one_rule_plan(indicator={"zh": "数量", "unit": "件"}, kind="count",
                             target="1件以上", quote="数量1件以上")
        assert status_of(plan, "3件") is MET
        assert status_of(plan, "0件") is NOT_MET
        report = qcrules.evaluate(plan, {"r": "3.5件"})
        assert report["r"].problem is not None
        assert report["r"].problem.code == "QC303"
        assert status_of(plan, "-1件") is INVALID

    @pytest.mark.parametrize("kind", ["count", "floor"])
    @pytest.mark.parametrize("engine", qcrules.ENGINES)
    def test_whole_count_in_a_unit_of_ten_thousand(self, kind: str, engine: str) -> None:
        """A count in 万辆 is whole when it is a whole number of 辆: 2.5万辆 and 24,999辆 are
        counts, 2.50001万辆 (25,000.1 辆) is not; the target 2.5万辆 is a whole count too."""
        plan = one_rule_plan(indicator={"zh": "新能源汽车保有量", "unit": "万辆"}, kind=kind,
                             target="达到2.5万辆", quote="新能源汽车保有量达到2.5万辆")
        assert plan.rules[0].whole_scale == 10000
        report = qcrules.evaluate(plan, {"r": "2.5万辆"}, engine=engine)
        assert (report["r"].status, report["r"].margin) == (MET, 0)
        report = qcrules.evaluate(plan, {"r": "24999辆"}, engine=engine)
        assert (report["r"].status, report["r"].margin) == (NOT_MET, Fraction(-1, 10000))
        problem = qcrules.evaluate(plan, {"r": "2.50001万辆"}, engine=engine)["r"].problem
        assert problem is not None
        assert (problem.code, problem.expected) == ("QC303", "a multiple of 1/10000 万辆")
        assert status_of(plan, "-1辆") is INVALID

    def test_whole_count_in_a_unit_of_ten_thousand_in_a_table(self) -> None:
        """The vectorised path sends a fraction of 万辆 to the exact one, which decides."""
        plan = one_rule_plan(indicator={"zh": "新能源汽车保有量", "unit": "万辆"}, kind="count",
                             target="达到2.5万辆", quote="新能源汽车保有量达到2.5万辆")
        result = qcrules.evaluate_table(plan, {"r": [2.5, 2.4999, 2.50001, 3]})
        assert result.statuses("r") == [MET, NOT_MET, INVALID, MET]


RESULT_CLASSES = [FactUsed, UnitAssumed, RatioRead, Converted, Derived, ReferenceUsed, Rounded,
                  Compared, Verdict]


class TestResultsClasses:
    """Verdicts and steps are built cheaply but stay what attrs made them."""

    @pytest.mark.parametrize("cls", RESULT_CLASSES)
    def test_signature_is_the_fields(self, cls: type) -> None:
        """The constructor takes every field it sets, in order, with its default (a private
        field by its public name: a verdict's ``_steps`` is ``steps=``)."""
        parameters = list(inspect.signature(cls).parameters.values())
        fields = [field for field in attrs.fields(cls) if field.init]
        assert [p.name for p in parameters] == [f.alias for f in fields]
        for parameter, field in zip(parameters, fields, strict=True):
            expected = inspect.Parameter.empty if field.default is attrs.NOTHING else field.default
            assert parameter.default == expected

    @pytest.mark.parametrize("cls", RESULT_CLASSES)
    def test_frozen_equal_hashable(self, cls: type) -> None:
        """Frozen; equal and equally hashed when the fields are; ``attrs.evolve`` works."""
        values = {f.alias: _sample(f.alias) for f in attrs.fields(cls) if f.init}
        first, second = cls(**values), cls(*values.values())
        assert first == second
        assert hash(first) == hash(second)
        assert repr(first) == repr(second)
        name = next(iter(values))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(first, name, "x")
        changed = attrs.evolve(first, **{name: "other"})
        assert getattr(changed, name) == "other"
        assert getattr(first, name) == values[name]

    def test_defaults(self) -> None:
        """Defaults are filled in as before: an unknown verdict has no severity or steps."""
        plan = one_rule_plan()
        verdict = Verdict(plan.rules[0].rule, "r", Status.UNKNOWN)
        assert (verdict.severity, verdict.value, verdict.steps, verdict.missing,
                verdict.problem, verdict.trajectory) == (qcrules.Severity.NONE, None, (), (),
                                                         None, None)
        assert FactUsed("f", "1").role == "value"


def _sample(name: str) -> Any:
    if name == "rule":
        return one_rule_plan().rules[0].rule
    return f"{name}-value"


class TestReadingNumbers:
    """Facts are read exactly, however they are written."""

    @pytest.mark.parametrize(("value", "exact"), [
        (0.1, Fraction(1, 10)), (0.98, Fraction(49, 50)), (1e16, Fraction(10**16)),
        (5e-324, Fraction(5, 10**324)), (-0.0, Fraction(0)), (123456.789, Fraction(123456789, 1000)),
    ])
    def test_float_is_its_shortest_decimal(self, value: float, exact: Fraction) -> None:
        """A float fact is the decimal that prints it, not the binary value."""
        fact = qcrules.evaluate(one_rule_plan(indicator={"zh": "x", "unit": "1"},
                                              target="1.8以内", kind="ceiling",
                                              quote="x1.8以内"), {"r": value})
        assert fact["r"].value == exact

    @pytest.mark.parametrize(("text", "magnitude", "unit", "ratio"), [
        ("85,000元/人", Fraction(85000), "元/人", False),
        ("１∶１２.５", Fraction(25, 2), None, True),
        ("1 : 13.2", Fraction(66, 5), None, True),
        ("+.5e-3‰", Fraction(1, 2000), "‰", False),
        ("第3位", Fraction(3), "位", False),
    ])
    def test_quantities(self, text: str, magnitude: Fraction, unit: str | None,
                        ratio: bool) -> None:
        """Numbers with units, ratios (full-width too) and ranks parse exactly."""
        parsed = qcrules.catalog.units.parse_quantity(text)
        assert (parsed.magnitude, parsed.unit, parsed.ratio) == (magnitude, unit, ratio)

    @pytest.mark.parametrize(("text", "code"), [("0:1", "QC112"), ("1e1001", "QC112"),
                                                 ("3..5", "QC112"), ("12万元/人)", "QC110")])
    def test_bad_quantities(self, text: str, code: str) -> None:
        """A ratio with a zero first term, a huge exponent, a malformed number or unit fail."""
        with pytest.raises(qcrules.catalog.units.UnitProblem) as raised:
            qcrules.catalog.units.parse_quantity(text)
        assert raised.value.code == code
