"""Trajectories: a target due later judged against the path from its baseline.

Baseline 2024, evaluation 2026, deadline 2027: two thirds of the time has passed, so a straight
path from 6 to 9 expects 8. Each bound is tested on the path, just inside and just outside it,
also in another unit; exactly on the path counts per the rule's inclusiveness.
"""

from __future__ import annotations

import importlib.resources
import json
from fractions import Fraction
from typing import Any

import jsonschema
import pytest

import qcrules
from helpers import catalog_text, rule_yaml
from qcrules.engine.results import Reason, TrajectoryStatus
from qcrules.facts.periods import parse_period
from qcrules.progress.trajectory import trajectory, with_trajectories

RULES = [
    rule_yaml(id="floor", indicator={"zh": "人均GDP", "unit": "万元/人"}, target="达9万元/人",
              quote="q"),
    rule_yaml(id="strict-floor", indicator={"zh": "增速", "unit": "万元/人"},
              target="超过9万元/人", quote="q"),
    rule_yaml(id="ceiling", indicator={"zh": "收入比", "unit": "1"}, kind="ceiling",
              target="1.8以内", quote="q"),
    rule_yaml(id="strict-ceiling", indicator={"zh": "死亡率", "unit": "%"}, kind="ceiling",
              target="低于1%", quote="q"),
    rule_yaml(id="count", indicator={"zh": "企业数", "unit": "家"}, kind="count",
              target=">= 180家", quote="q"),
    rule_yaml(id="front", indicator={"zh": "指数", "unit": "分"}, target="达9分", quote="q",
              path="front-loaded"),
    rule_yaml(id="annual", indicator={"zh": "完成率", "unit": "%"}, target="达100%",
              deadline="annual", quote="q"),
    rule_yaml(id="rank", indicator={"zh": "位次", "unit": "位"}, kind="rank", target="<= 10 位",
              quote="q"),
    rule_yaml(id="pilot", indicator={"zh": "示范"}, kind="boolean", target=None, quote="q"),
]
BASELINE = {"floor": "6万元/人", "strict-floor": "6万元/人", "ceiling": "2.1",
            "strict-ceiling": "4%", "count": "120家", "front": "6分", "annual": "90%",
            "rank": 14, "pilot": "否"}
PLAN = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(*RULES)))
Y2024, Y2026 = parse_period("2024"), parse_period("2026")


def tracked(facts: dict[str, Any], baseline: dict[str, Any] | None = None,
            period: str = "2026", baseline_period: str = "2024") -> qcrules.Report:
    base = qcrules.evaluate(PLAN, BASELINE if baseline is None else baseline)
    return with_trajectories(qcrules.evaluate(PLAN, facts), base, parse_period(period),
                             parse_period(baseline_period))


def status(rule_id: str, value: Any, **kwargs: Any) -> TrajectoryStatus:
    path = tracked({rule_id: value}, **kwargs)[rule_id].trajectory
    assert path is not None
    return path.status


ON, BEHIND = TrajectoryStatus.ON_TRACK, TrajectoryStatus.BEHIND


class TestBounds:
    """On, just inside and just outside the path, for floors and ceilings, in two units."""

    @pytest.mark.parametrize(("value", "expected"), [
        ("8万元/人", ON), ("80000元/人", ON), ("8.01万元/人", ON), ("79999元/人", BEHIND),
        ("7.99万元/人", BEHIND),
    ])
    def test_inclusive_floor(self, value: str, expected: TrajectoryStatus) -> None:
        """达9 (>=): on the path (8) is on track, in 万元 or in 元."""
        assert status("floor", value) is expected

    @pytest.mark.parametrize(("value", "expected"), [
        ("8万元/人", BEHIND), ("80000元/人", BEHIND), ("80001元/人", ON), ("7.99万元/人", BEHIND),
    ])
    def test_strict_floor(self, value: str, expected: TrajectoryStatus) -> None:
        """超过9 (>): exactly on the path is not beyond it, so behind."""
        assert status("strict-floor", value) is expected

    @pytest.mark.parametrize(("value", "expected"), [
        ("1.9", ON), ("1.89", ON), ("1.91", BEHIND), ("190%", ON), ("191%", BEHIND),
    ])
    def test_inclusive_ceiling(self, value: str, expected: TrajectoryStatus) -> None:
        """1.8以内 (<=): from 2.1 the path expects 1.9 in 2026; at or below it is on track."""
        assert status("ceiling", value) is expected

    @pytest.mark.parametrize(("value", "expected"), [
        ("2%", BEHIND), (0.02, BEHIND), ("1.99%", ON), (0.0199, ON), ("2.01%", BEHIND),
    ])
    def test_strict_ceiling(self, value: Any, expected: TrajectoryStatus) -> None:
        """低于1% (<): from 4 % the path expects 2 %; exactly 2 % is behind."""
        assert status("strict-ceiling", value) is expected

    def test_count(self) -> None:
        """A count follows its path too: 120 → 180 expects 160 in 2026."""
        assert status("count", "160家") is ON
        assert status("count", "159家") is BEHIND

    def test_expected_gap_and_projection(self) -> None:
        """The data: expected 8, gap signed toward meeting, projection at the pace so far."""
        path = tracked({"floor": "7.5万元/人"})["floor"].trajectory
        assert path is not None
        assert (path.baseline, path.expected, path.gap) == (6, 8, Fraction(-1, 2))
        assert (path.elapsed_months, path.total_months) == (24, 36)
        assert path.projected == Fraction(33, 4)          # 6 + 1.5 × 36/24
        assert path.projected_meets is False
        ceiling = tracked({"ceiling": "1.85"})["ceiling"].trajectory
        assert ceiling is not None
        assert ceiling.gap == Fraction(5, 100)             # below the path is ahead for <=

    def test_front_loaded(self) -> None:
        """front-loaded expects 8/9 of the way after 2/3 of the time: 6 + 3 × 8/9 = 26/3."""
        path = tracked({"front": "8.6分"})["front"].trajectory
        assert path is not None
        assert path.expected == Fraction(26, 3)
        assert path.status is BEHIND
        assert status("front", Fraction(26, 3)) is ON
        assert status("floor", "8.6万元/人") is ON          # the same value on a straight path

    def test_quarter(self) -> None:
        """Time is counted in months: 2026Q2 is 18 of 36 months, so the path expects 7.5."""
        path = tracked({"floor": "7.5万元/人"}, period="2026Q2")["floor"].trajectory
        assert path is not None
        assert (path.expected, path.status) == (Fraction(15, 2), ON)


class TestStates:
    """Met early, due, unknown and not applicable."""

    def test_met_early(self) -> None:
        """A target due in 2027 and met in 2026 is met early; the path is still stated."""
        path = tracked({"floor": "9.2万元/人"})["floor"].trajectory
        assert path is not None
        assert path.status is TrajectoryStatus.MET_EARLY
        assert path.expected == 8

    def test_met_early_without_baseline(self) -> None:
        """Met now needs no baseline to be met early."""
        path = tracked({"floor": "9万元/人"}, baseline={})["floor"].trajectory
        assert path is not None
        assert (path.status, path.expected) == (TrajectoryStatus.MET_EARLY, None)

    def test_baseline_already_met(self) -> None:
        """Met at the baseline, the path holds the line at the target: a fall below is behind."""
        path = tracked({"floor": "8.5万元/人"}, baseline={"floor": "9.5万元/人"})["floor"]
        assert path.trajectory is not None
        assert (path.trajectory.expected, path.trajectory.status) == (9, BEHIND)

    def test_annual(self) -> None:
        """An annual target is judged every year: due, whatever the baseline."""
        report = tracked({"annual": "95%"})
        path = report["annual"].trajectory
        assert path is not None
        assert (path.status, path.reason) == (TrajectoryStatus.DUE, Reason.ANNUAL)
        assert report["annual"].status is qcrules.Status.NOT_MET

    def test_deadline_reached(self) -> None:
        """In 2027 the deadline has come; in 2027Q3 it has not."""
        assert status("floor", "8万元/人", period="2027") is TrajectoryStatus.DUE
        assert status("floor", "8.9万元/人", period="2027Q3") is ON

    def test_missing_baseline_fact(self) -> None:
        """A baseline without the indicator leaves the trajectory unknown."""
        path = tracked({"floor": "8万元/人"}, baseline={})["floor"].trajectory
        assert path is not None
        assert (path.status, path.reason) == (TrajectoryStatus.UNKNOWN, Reason.BASELINE_VALUE)

    def test_no_baseline(self) -> None:
        """No baseline at all: unknown."""
        verdict = qcrules.evaluate(PLAN, {"floor": "8万元/人"})["floor"]
        path = trajectory(verdict, None, Y2026, None)
        assert (path.status, path.reason) == (TrajectoryStatus.UNKNOWN, Reason.NO_BASELINE)

    def test_missing_value(self) -> None:
        """No value now: unknown, never on track or behind."""
        path = tracked({})["floor"].trajectory
        assert path is not None
        assert (path.status, path.reason) == (TrajectoryStatus.UNKNOWN, Reason.VALUE)

    def test_not_applicable(self) -> None:
        """Yes/no targets have no numeric path."""
        assert status("pilot", "是") is TrajectoryStatus.NOT_APPLICABLE

    @pytest.mark.parametrize(("value", "expected"), [
        (11, TrajectoryStatus.ON_TRACK),    # the path from 14th to 10th passes 11.33 by 2026
        (12, TrajectoryStatus.BEHIND),
        (10, TrajectoryStatus.MET_EARLY),
    ])
    def test_a_rank_climbs_toward_its_tier(self, value: int, expected: TrajectoryStatus) -> None:
        """A rank is a ceiling on the position: lower is better, along the same path."""
        assert status("rank", value) is expected

    @pytest.mark.parametrize("baseline_period", ["2026", "2027"])
    def test_baseline_after_period(self, baseline_period: str) -> None:
        """A baseline that does not come first is QC209."""
        with pytest.raises(qcrules.EvaluationError) as error:
            tracked({}, baseline_period=baseline_period)
        assert error.value.code == "QC209"


class TestCatalogue:
    """``path`` is validated like every other field."""

    def test_unknown_path(self) -> None:
        """An unknown path is QC141, located, naming the choices."""
        text = catalog_text(rule_yaml(path="geometric"))
        with pytest.raises(qcrules.CatalogError) as error:
            qcrules.loads_catalog(text, file="c.yaml")
        diagnostic = error.value.diagnostics[0]
        assert (diagnostic.code, diagnostic.field, diagnostic.rule_id) == ("QC141", "path", "r")
        assert diagnostic.location is not None
        assert diagnostic.location.line is not None
        assert "front-loaded" in (diagnostic.expected or "")

    def test_default_and_dump(self) -> None:
        """linear by default; a front-loaded path survives a dump and reload."""
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(), rule_yaml(
            id="f", path="front-loaded", indicator={"zh": "另一指标", "unit": "%"})))
        assert [rule.path for rule in catalog] == ["linear", "front-loaded"]
        assert qcrules.loads_catalog(qcrules.dump_catalog(catalog)) == catalog


class TestWords:
    """The explanation states the expected value and the gap; JSON carries the data."""

    def test_explanation(self) -> None:
        """zh and en name the expected value for the period and the gap to it."""
        verdict = tracked({"floor": "7.5万元/人"})["floor"]
        zh = qcrules.explain(verdict, "zh").steps[-1]
        en = qcrules.explain(verdict, "en").steps[-1]
        assert "2026 应达 8万元/人" in zh
        assert "落后路径 0.5万元/人" in zh
        assert "落后于进度" in zh
        assert "expected 8 万元/人 for 2026" in en
        assert "0.5 万元/人 behind the path" in en

    def test_percentage_points(self) -> None:
        """A gap between percentages is in percentage points."""
        verdict = tracked({"strict-ceiling": "2.5%"})["strict-ceiling"]
        assert "落后路径 0.5个百分点" in qcrules.explain(verdict, "zh").steps[-1]

    def test_no_trajectory_no_line(self) -> None:
        """Without a baseline the explanation is as before."""
        verdict = qcrules.evaluate(PLAN, {"floor": "7.5万元/人"})["floor"]
        assert not any("进度" in line for line in qcrules.explain(verdict, "zh").steps)

    @pytest.mark.parametrize("lang", ["zh", "en"])
    def test_json_validates(self, lang: str) -> None:
        """Every verdict's trajectory object is in the report and valid against the schema."""
        report = tracked({"floor": "7.5万元/人", "annual": "95%", "rank": 12, "ceiling": "1.85"})
        data = json.loads(qcrules.render(report, "json", lang=lang))
        schema = json.loads((importlib.resources.files("qcrules") / "schema"
                             / "report.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(data)
        floor = next(v for v in data["verdicts"] if v["rule_id"] == "floor")
        assert floor["trajectory"]["status"] == "behind"
        assert (floor["trajectory"]["expected"], floor["trajectory"]["gap"]) == ("8", "-0.5")
        assert data["schema"] == "qcrules-report/1"

    def test_json_without_baseline(self) -> None:
        """Without a baseline no verdict has a trajectory key: the change is additive."""
        data = qcrules.report_to_dict(qcrules.evaluate(PLAN, {"floor": 8}))
        assert all("trajectory" not in verdict for verdict in data["verdicts"])


def test_an_ongoing_requirement_is_due_in_every_period() -> None:
    """稳定在98%以上 with no date is judged in every period, like an annual target."""
    fields = rule_yaml(target="稳定在98%以上", deadline="ongoing")
    plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(fields)))
    report = qcrules.evaluate(plan, {"period": 2026, "facts": {"r": "98.5%"}},
                              baseline={"period": 2024, "facts": {"r": "97%"}})
    path = report["r"].trajectory
    assert path is not None
    assert path.status is qcrules.TrajectoryStatus.DUE
    assert path.reason.value == "ongoing"
    assert "持续性要求" in qcrules.explain(report["r"]).steps[-1]
