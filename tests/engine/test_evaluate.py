"""Evaluation: exact boundaries in every unit, every verdict state, every rule kind."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import qcrules
from helpers import one_rule_plan, status_of
from qcrules import Severity, Status
from qcrules.catalog.words import parse_bound_text

MET, NOT_MET, UNKNOWN, INVALID = Status.MET, Status.NOT_MET, Status.UNKNOWN, Status.INVALID
DATA = Path(__file__).parents[1] / "data"


# (target words, indicator unit, [(fact, expected status), ...]) — on the boundary, just inside,
# just outside, and the same three in another unit.
BOUNDARY_TABLE = [
    ("14件/万人以上", "件/万人",
     [("14件/万人", MET), ("14.0001件/万人", MET), ("13.9999件/万人", NOT_MET),
      ("0.0014件/人", MET), ("0.00140001件/人", MET), ("0.00139999件/人", NOT_MET)]),
    ("达8.5万元/人", "万元/人",
     [("8.5万元/人", MET), ("8.50001万元/人", MET), ("8.49999万元/人", NOT_MET),
      ("85000元/人", MET), ("85000.01元/人", MET), ("84999.99元/人", NOT_MET)]),
    ("不低于98%", "%",
     [("98%", MET), ("98.001%", MET), ("97.999%", NOT_MET),
      ("0.98", MET), ("0.98001", MET), ("0.97999", NOT_MET), ("980‰", MET), ("979.9‰", NOT_MET)]),
    ("超过5%", "%",
     [("5%", NOT_MET), ("5.001%", MET), ("4.999%", NOT_MET), ("0.05", NOT_MET),
      ("50‰", NOT_MET), ("50.01‰", MET)]),
    ("高于5%", "%", [("5%", NOT_MET), ("5.0001%", MET), ("0.050001", MET)]),
    ("低于1%", "%",
     [("1%", NOT_MET), ("0.999%", MET), ("1.001%", NOT_MET), ("0.01", NOT_MET),
      ("10‰", NOT_MET), ("9.99‰", MET)]),
    ("小于1%", "%", [("1%", NOT_MET), ("0.9999%", MET)]),
    ("不足1%", "%", [("1%", NOT_MET), ("0.9999%", MET)]),
    ("1.8以内", "1",
     [("1.8", MET), ("1.7999", MET), ("1.8001", NOT_MET), ("180%", MET), ("180.01%", NOT_MET)]),
    ("2%以下", "%", [("2%", MET), ("1.999%", MET), ("2.001%", NOT_MET), ("0.02", MET)]),
    ("不高于2%", "%", [("2%", MET), ("2.0001%", NOT_MET), ("20‰", MET)]),
    ("不超过2%", "%", [("2%", MET), ("2.0001%", NOT_MET)]),
    ("至多3个", "个", [("3个", MET), ("4个", NOT_MET), ("3家", MET)]),
    ("至少3个", "个", [("3个", MET), ("2个", NOT_MET), ("3项", MET)]),
    ("10项以上", "项", [("10项", MET), ("11项", MET), ("9项", NOT_MET)]),
    (">= 30平方米/人", "平方米/人",
     [("30平方米/人", MET), ("29.99平方米/人", NOT_MET), ("0.003万平方米/人", MET)]),
    ("< 0.01人/亿元", "人/亿元",
     [("0.01人/亿元", NOT_MET), ("0.0099人/亿元", MET), ("0.000001人/万元", NOT_MET),
      ("0.00000099人/万元", MET)]),
    ("= 100%", "%", [("100%", MET), ("99.99%", NOT_MET), ("1", MET)]),
]


def _cases() -> list[tuple[str, str, str, Status]]:
    return [(words, unit, fact, status)
            for words, unit, facts in BOUNDARY_TABLE for fact, status in facts]


class TestBoundaries:
    """Every comparator word, on the boundary, just inside and just outside, in several units."""

    @pytest.mark.parametrize(("words", "unit", "fact", "expected"), _cases())
    def test_boundary(self, words: str, unit: str, fact: str, expected: Status) -> None:
        """The verdict follows the word's inclusiveness, whatever the fact's unit."""
        kind = "ceiling" if parse_bound_text(words).op.upper else "floor"
        plan = one_rule_plan(kind=kind, target=words, indicator={"zh": "指标", "unit": unit})
        assert status_of(plan, fact) is expected

    def test_float_noise_never_flips(self) -> None:
        """0.1 + 0.2 as a Python float is read as 0.30000000000000004, but 0.3 is exactly 30 %."""
        plan = one_rule_plan(kind="ceiling", target="30%以下")
        assert status_of(plan, 0.3) is MET
        assert status_of(plan, 0.1 + 0.2) is NOT_MET  # the float really is above 0.3
        assert status_of(plan, "0.3") is MET

    def test_euro_example_design(self) -> None:
        """DESIGN's examples: 85,000 元/人 = 8.5 万元/人; 0.035 = 3.5 %; 12 人/600 亿元 = 0.02."""
        assert status_of(one_rule_plan(target="达8.5万元/人",
                                       indicator={"zh": "x", "unit": "万元/人"}),
                         "85,000元/人") is MET
        assert status_of(one_rule_plan(target="达3.5%"), 0.035) is MET
        derived = one_rule_plan(kind="ceiling", target="0.02人/亿元以下",
                                indicator={"zh": "x", "unit": "人/亿元"},
                                formula="deaths / gdp",
                                inputs={"deaths": {"unit": "人"}, "gdp": {"unit": "亿元"}})
        verdict = qcrules.evaluate(derived, {"r.deaths": 12, "r.gdp": "6000000万元"})["r"]
        assert verdict.status is MET
        assert verdict.value == Fraction(1, 50)
        assert verdict.margin == 0


class TestRounding:
    """Rounded-value comparison only where a precision is declared (GB/T 8170 §4.3)."""

    def test_full_value_by_default(self) -> None:
        """Without a precision, 89.95 is below 90."""
        plan = one_rule_plan(target="90分以上", indicator={"zh": "x", "unit": "分"})
        assert status_of(plan, "89.95分") is NOT_MET

    @pytest.mark.parametrize(
        ("fact", "expected"),
        [("89.95分", MET), ("89.85分", NOT_MET), ("89.94999分", NOT_MET), ("89.96分", MET)],
    )
    def test_rounded_value(self, fact: str, expected: Status) -> None:
        """With precision 0.1, the value is rounded once, half to even: 89.95 → 90.0, 89.85 → 89.8."""
        plan = one_rule_plan(target="90分以上", precision="0.1",
                             indicator={"zh": "x", "unit": "分"})
        assert status_of(plan, fact) is expected

    def test_rounds_in_the_rules_unit(self) -> None:
        """Rounding happens after conversion: 0.9795 → 97.95 % → 98.0 % at precision 0.1."""
        plan = one_rule_plan(target="98%以上", precision="0.1")
        verdict = qcrules.evaluate(plan, {"r": 0.9795})["r"]
        assert verdict.status is MET
        assert verdict.value == 98


class TestStates:
    """Missing data is never a pass and never a fail; unusable data is invalid."""

    def test_missing_is_unknown(self) -> None:
        """No fact: unknown, naming the missing id, with no severity."""
        verdict = qcrules.evaluate(one_rule_plan(), {})["r"]
        assert verdict.status is UNKNOWN
        assert verdict.missing == ("r",)
        assert verdict.severity is Severity.NONE

    def test_null_is_unknown(self) -> None:
        """A null value is missing."""
        assert status_of(one_rule_plan(), None) is UNKNOWN

    @pytest.mark.parametrize(
        ("fact", "code"),
        [("8.2万元/人", "QC300"), (float("nan"), "QC301"), ("nan", "QC301"), ("130%", "QC302"),
         (True, "QC300"), ("很好", "QC300"), ("-1%", "QC302")],
    )
    def test_invalid(self, fact: object, code: str) -> None:
        """A wrong dimension, NaN, a rate of 130 % or a word: invalid, with a coded problem."""
        plan = one_rule_plan(indicator={"zh": "合格率", "unit": "%", "min": "0%", "max": "100%"})
        verdict = qcrules.evaluate(plan, {"r": fact})["r"]
        assert verdict.status is INVALID
        assert verdict.problem is not None
        assert verdict.problem.code == code
        assert verdict.problem.rule_id == "r"

    @pytest.mark.parametrize(("fact", "expected"), [("-1个", INVALID), ("1.5个", INVALID),
                                                    ("0个", NOT_MET), ("1个", MET)])
    def test_counts(self, fact: str, expected: Status) -> None:
        """A count is whole and never negative (零的突破 = at least one)."""
        plan = one_rule_plan(kind="count", target=">= 1 个", indicator={"zh": "x", "unit": "个"})
        assert status_of(plan, fact) is expected

    @pytest.mark.parametrize(
        ("commitment", "severity"),
        [("ensure", Severity.VIOLATION), ("strive", Severity.SHORTFALL), ("none", Severity.MISS)],
    )
    def test_severity_from_commitment(self, commitment: str, severity: Severity) -> None:
        """A missed 确保 target is a violation; 力争 a shortfall; no word a missed requirement."""
        plan = one_rule_plan(commitment=commitment)
        verdict = qcrules.evaluate(plan, {"r": "90%"})["r"]
        assert verdict.status is NOT_MET
        assert verdict.severity is severity


    @pytest.mark.parametrize(("now", "base"), [("1e30", "0.0001"), ("1e300", "1e-300")])
    def test_a_growth_beyond_12_decimal_places_in_40_digits(self, now: str, base: str) -> None:
        """A yearly rate of 10^27 % or more is shown to 40 significant digits, not a crash."""
        plan = one_rule_plan(indicator={"zh": "x", "unit": "亿元"}, kind="growth",
                             target="年均增长8%以上", base=2025)
        verdict = qcrules.evaluate(plan, {"period": "2026-01", "facts": {"r": now,
                                                                         "r.baseline": base}})["r"]
        assert verdict.status is MET
        assert verdict.value is not None
        assert verdict.value > 10**27


class TestRatio:
    """师生比 1:12.5 means at most 12.5 students per teacher, in any written form."""

    @pytest.fixture
    def ratio_plan(self) -> qcrules.Plan:
        return one_rule_plan(kind="ratio", target="1:12.5", indicator={"zh": "师生比"},
                             ratio={"antecedent": "教师", "consequent": "学生"})

    @pytest.mark.parametrize(
        ("fact", "expected"),
        [("1:12.5", MET), ("1∶12.5", MET), ("1：13.2", NOT_MET), ("1:12.4", MET), (12.5, MET),
         (13.2, NOT_MET), ("2:25", MET), ({"value": 0.08, "unit": "教师/学生"}, MET),
         ({"value": "0.0799", "unit": "教师/学生"}, NOT_MET),
         ({"value": 12.6, "unit": "学生/教师"}, NOT_MET)],
    )
    def test_forms(self, ratio_plan: qcrules.Plan, fact: object, expected: Status) -> None:
        """a:b with either colon, a bare number, or the inverse with its unit."""
        assert status_of(ratio_plan, fact) is expected

    def test_wrong_unit_is_invalid(self, ratio_plan: qcrules.Plan) -> None:
        """A unit that is neither form of the ratio is invalid, not a crash."""
        assert status_of(ratio_plan, "13万元") is INVALID


@pytest.fixture(scope="module")
def plan() -> qcrules.Plan:
    """The mini catalogue, one rule of each kind, compiled once."""
    return qcrules.compile_catalog(qcrules.load_catalog(DATA / "mini.yaml"))


class TestKinds:
    """Reference, assigned, rank, boolean and derived rules on the bundled-style mini plan."""

    def test_example_facts(self, plan: qcrules.Plan) -> None:
        """Each kind gets the verdict the facts imply."""
        report = qcrules.evaluate(plan, qcrules.load_facts(DATA / "mini-facts.yaml"))
        assert {v.rule_id: v.status for v in report} == {
            "gdp-per-capita": MET, "pass-rate": NOT_MET, "death-rate": NOT_MET,
            "teacher-ratio": NOT_MET, "award": NOT_MET, "pilot": MET,
            "equipment-death-rate": MET, "energy-drop": UNKNOWN, "gdp-rank": MET,
            "quality-index": MET}

    @pytest.mark.parametrize(
        ("value", "reference", "expected"),
        [("0.42人/十万台", "0.42人/十万台", NOT_MET), ("0.41人/十万台", "0.42人/十万台", MET),
         ("0.0000042人/台", "0.42人/十万台", NOT_MET), ("0.4人/十万台", None, UNKNOWN),
         ("0.4人/十万台", "-1人/十万台", INVALID)],
    )
    def test_relative(self, plan: qcrules.Plan, value: str, reference: str | None,
                      expected: Status) -> None:
        """低于全省平均数: strictly below the reference fact, in any unit; no reference: unknown."""
        facts = {"equipment-death-rate": value,
                 "equipment-death-rate.province-average": reference}
        assert qcrules.evaluate(plan, facts)["equipment-death-rate"].status is expected

    @pytest.mark.parametrize(
        ("value", "assigned", "expected"),
        [("3.2%", "3.2%", MET), ("3.1%", "3.2%", NOT_MET), ("3.1%", None, UNKNOWN),
         (None, "3.2%", UNKNOWN)],
    )
    def test_assigned(self, plan: qcrules.Plan, value: str | None, assigned: str | None,
                      expected: Status) -> None:
        """完成上级下达的任务: the threshold arrives as a fact at evaluation time."""
        facts = {"energy-drop": value, "energy-drop.assigned": assigned}
        verdict = qcrules.evaluate(plan, facts)["energy-drop"]
        assert verdict.status is expected
        if expected is NOT_MET:
            assert verdict.severity is Severity.VIOLATION

    def test_unknown_names_both_missing_facts(self, plan: qcrules.Plan) -> None:
        """With neither value nor assigned target, both ids are reported missing."""
        verdict = qcrules.evaluate(plan, {})["energy-drop"]
        assert verdict.missing == ("energy-drop", "energy-drop.assigned")

    @pytest.mark.parametrize(("fact", "expected"),
                             [("第10位", MET), (10, MET), ("第11位", NOT_MET), (0, INVALID)])
    def test_rank(self, plan: qcrules.Plan, fact: object, expected: Status) -> None:
        """排第一方阵 read as position ≤ 10; a position starts at 1."""
        assert qcrules.evaluate(plan, {"gdp-rank": fact})["gdp-rank"].status is expected

    @pytest.mark.parametrize(("fact", "expected"),
                             [(True, MET), ("否", NOT_MET), ("完成", MET), (1, MET),
                              ("也许", INVALID), (None, UNKNOWN)])
    def test_boolean(self, plan: qcrules.Plan, fact: object, expected: Status) -> None:
        """开展…工作: yes/no words in Chinese or English."""
        assert qcrules.evaluate(plan, {"pilot": fact})["pilot"].status is expected

    def test_derived_from_inputs_by_name(self, plan: qcrules.Plan) -> None:
        """Inputs may be named by their Chinese names; units flow through the formula."""
        verdict = qcrules.evaluate(plan, {"生产安全事故死亡人数": 5, "地区生产总值": "600亿元"})[
            "death-rate"]
        assert verdict.status is MET
        assert verdict.value == Fraction(5, 600)

    def test_derived_missing_input(self, plan: qcrules.Plan) -> None:
        """A missing input makes the derived indicator unknown, naming the input."""
        verdict = qcrules.evaluate(plan, {"地区生产总值": "600亿元"})["death-rate"]
        assert verdict.status is UNKNOWN
        assert "death-rate.deaths" in verdict.missing

    def test_derived_zero_divisor_is_invalid(self, plan: qcrules.Plan) -> None:
        """Division by zero is invalid data, not a crash."""
        verdict = qcrules.evaluate(plan, {"death-rate.deaths": 1, "death-rate.gdp": 0})[
            "death-rate"]
        assert verdict.status is INVALID

    def test_direct_value_wins_over_inputs(self, plan: qcrules.Plan) -> None:
        """A reported indicator value is used as is; inputs are only a fallback."""
        verdict = qcrules.evaluate(plan, {"death-rate": "0.005人/亿元", "death-rate.deaths": 100,
                                          "death-rate.gdp": 1})["death-rate"]
        assert verdict.status is MET


class TestMargins:
    """Margins are exact, in the target's unit, signed toward meeting the target."""

    def test_floor_gap(self) -> None:
        """8.2 万元/人 against 8.5: a gap of 0.3 万元/人, 3.5 % of the target."""
        plan = one_rule_plan(target="达8.5万元/人", indicator={"zh": "x", "unit": "万元/人"})
        verdict = qcrules.evaluate(plan, {"r": "82000元/人"})["r"]
        assert verdict.value == Fraction(41, 5)
        assert verdict.margin == Fraction(-3, 10)
        assert verdict.relative_margin == Fraction(-3, 85)

    def test_ceiling_room(self) -> None:
        """1.7 against 1.8 以内: 0.1 to spare."""
        plan = one_rule_plan(kind="ceiling", target="1.8以内", indicator={"zh": "x", "unit": "1"})
        assert qcrules.evaluate(plan, {"r": "1.7"})["r"].margin == Fraction(1, 10)


class TestReport:
    """A report keeps catalogue order and counts by state, severity, section and lead."""

    def test_counts(self) -> None:
        """Counts add up and group by section and lead department."""
        plan = qcrules.compile_catalog(qcrules.load_catalog(DATA / "mini.yaml"))
        report = qcrules.evaluate(plan, qcrules.load_facts(DATA / "mini-facts.yaml"))
        assert [v.rule_id for v in report] == [r.id for r in plan.catalog]
        assert sum(report.by_status.values()) == len(report)
        assert report.by_status[MET] == 5
        assert report.by_severity[Severity.VIOLATION] == 1
        assert set(report.by_section) == {"二(一)", "二(二)"}
        assert report.by_lead["市市场监管局"][NOT_MET] == 2
        assert report.exit_code() == 1
        assert report.exit_code(strict=True) == 1

    def test_unmatched_fact_warns_with_suggestion(self) -> None:
        """A fact that feeds no rule is a QC202 warning with did-you-mean."""
        report = qcrules.evaluate(one_rule_plan(id="pass-rate"), {"pass-rat": "99%"})
        assert [d.code for d in report.diagnostics] == ["QC202"]
        assert "pass-rate" in (report.diagnostics[0].hint or "")

    def test_evaluate_many_matches_one_at_a_time(self) -> None:
        """evaluate_many gives the same reports as evaluating each fact set alone."""
        plan = one_rule_plan()
        sets = [{"r": "99%"}, {"r": "97%"}, {}]
        many = list(qcrules.evaluate_many(plan, sets))
        assert [r["r"].status for r in many] == [qcrules.evaluate(plan, s)["r"].status
                                                 for s in sets]

    def test_evaluate_many_reads_one_fact_set_at_a_time(self) -> None:
        """A generator of fact sets is read one set per report, and a report dropped by the
        caller is not kept: a million fact sets take the memory of one."""
        import gc
        import weakref

        plan = one_rule_plan()
        read: list[int] = []

        def sets() -> Iterator[dict[str, str]]:
            for i in range(5):
                read.append(i)
                yield {"r": f"{97 + i}%"}

        reports = qcrules.evaluate_many(plan, sets())
        assert read == []                       # nothing is read before it is asked for
        first = next(reports)
        assert read == [0]
        assert first["r"].status is qcrules.Status.NOT_MET   # 97% < 98%
        gone = weakref.ref(first)
        del first
        gc.collect()
        assert gone() is None                   # the iterator holds no report it gave
        assert [r["r"].status for r in reports] == [qcrules.Status.MET] * 4
        assert read == [0, 1, 2, 3, 4]

    @pytest.mark.parametrize(("kwargs", "code"), [
        ({"engine": "rete"}, "QC401"), ({"fact_sets": {"r": "99%"}}, "QC400"),
        ({"fact_sets": 7}, "QC400")])
    def test_evaluate_many_refuses_at_the_call(self, kwargs: dict[str, Any], code: str) -> None:
        """A wrong engine or a mapping where fact sets are expected is refused at the call,
        not when the first report is read."""
        arguments: dict[str, Any] = {"fact_sets": [{"r": "99%"}], **kwargs}
        with pytest.raises(qcrules.UsageError) as raised:
            qcrules.evaluate_many(one_rule_plan(), arguments.pop("fact_sets"), **arguments)
        assert raised.value.diagnostics[0].code == code
