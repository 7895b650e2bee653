"""The three progress methods: ``path``, ``sdg`` (Statistics Canada / open-sdg) and ``un`` (UN
SDG Progress Chart), on worked series whose categories follow from the published definitions.

Baseline 2024, evaluation 2026, deadline 2030: two of six years have passed. The expected
growth rates and shares are computed here from the published formulas with floats, apart from
the code under test; categories are read from them by the published thresholds.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import qcrules
from helpers import catalog_text, rule_yaml
from qcrules.engine.results import Trajectory, TrajectoryCategory, TrajectoryStatus
from qcrules.facts.periods import parse_period
from qcrules.progress.trajectory import trajectory, with_trajectories

C = TrajectoryCategory
RULES = [
    rule_yaml(id="floor", indicator={"zh": "覆盖率", "unit": "%"}, target="达80%", deadline=2030,
              quote="力争覆盖率达80%"),
    rule_yaml(id="ceiling", indicator={"zh": "死亡率", "unit": "人/亿元"}, kind="ceiling",
              target="1人/亿元以内", deadline=2030, quote="死亡率控制在1人/亿元以内"),
    rule_yaml(id="count", indicator={"zh": "品牌数", "unit": "个"}, kind="count",
              target=">= 3个", deadline=2030, quote="培育品牌3个以上"),
    rule_yaml(id="zero", indicator={"zh": "事故数", "unit": "起"}, kind="ceiling",
              target="<= 0起", deadline=2030, quote="事故为零"),
    rule_yaml(id="balance", indicator={"zh": "净值", "unit": "1"}, target=">= 5",
              deadline=2030, quote="净值达5"),
    rule_yaml(id="negative", indicator={"zh": "差额", "unit": "1"}, target=">= -1",
              deadline=2030, quote="差额不低于-1"),
    rule_yaml(id="held", indicator={"zh": "合格率", "unit": "%"}, target="98%以上",
              deadline=2030, quote="确保合格率稳定在98%以上"),
    rule_yaml(id="rank", indicator={"zh": "位次", "unit": "位"}, kind="rank", target="<= 10 位",
              deadline=2030, quote="位次进入前十"),
    rule_yaml(id="pilot", indicator={"zh": "示范"}, kind="boolean", target=None, quote="开展示范"),
    rule_yaml(id="yearly", indicator={"zh": "完成率", "unit": "%"}, target="达100%",
              deadline="annual", quote="每年完成100%"),
]
PLAN = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(*RULES)))
Y2024, Y2026 = parse_period("2024"), parse_period("2026")


def judged(rule_id: str, base: Any, now: Any, method: str) -> Trajectory:
    """The trajectory of one rule from ``base`` in 2024 to ``now`` in 2026."""
    before = qcrules.evaluate(PLAN, {rule_id: base})
    after = qcrules.evaluate(PLAN, {rule_id: now})
    path = with_trajectories(after, before, Y2026, Y2024, method=method)[rule_id].trajectory
    assert path is not None
    return path


def cagr(start: float, end: float, years: float) -> float:
    return (end / start) ** (1 / years) - 1


def ratio(start: float, now: float, target: float, direction: int) -> float:
    """open-sdg's R = sign(y0) · d · CAGR_observed / |CAGR_required|."""
    return (math.copysign(1, start) * direction * cagr(start, now, 2)
            / abs(cagr(start, target, 6)))


def share(start: float, now: float, target: float) -> float:
    """The UN Progress Chart's share of the way the projected value covers."""
    projected = now * (1 + cagr(start, now, 2)) ** 4
    return (projected - start) / (target - start)


class TestSdg:
    """R against 0.95, 0.6 and 0; target achieved first."""

    @pytest.mark.parametrize(("now", "category"), [
        ("60%", C.SUBSTANTIAL), ("56%", C.MODERATE), ("52%", C.LIMITED), ("50%", C.LIMITED),
        ("48%", C.DETERIORATION),
    ])
    def test_rising_floor(self, now: str, category: TrajectoryCategory) -> None:
        """50 % → ? against 达80% by 2030: CAGR_r = 1.6^(1/6) − 1 ≈ 8.15 % a year."""
        path = judged("floor", "50%", now, "sdg")
        value = float(now.rstrip("%"))
        assert path.category is category
        assert path.progress_value is not None
        assert float(path.progress_value) == pytest.approx(ratio(50, value, 80, 1), rel=1e-12)
        assert float(path.cagr_required or 0) == pytest.approx(cagr(50, 80, 6), rel=1e-12)
        assert path.direction == 1
        assert path.method == "sdg"
        assert dict(path.parameters)["substantial"] == Fraction("0.95")

    @pytest.mark.parametrize(("now", "category"), [
        ("1.6人/亿元", C.SUBSTANTIAL), ("1.9人/亿元", C.LIMITED), ("2.2人/亿元", C.DETERIORATION),
    ])
    def test_falling_ceiling(self, now: str, category: TrajectoryCategory) -> None:
        """2 → ? against 1以内: less is better, d = −1, so a fall is progress."""
        path = judged("ceiling", "2人/亿元", now, "sdg")
        value = float(now.removesuffix("人/亿元"))
        assert path.direction == -1
        assert path.category is category
        assert float(path.progress_value or 0) == pytest.approx(ratio(2, value, 1, -1),
                                                                rel=1e-12)

    def test_status_follows_category(self) -> None:
        """Substantial progress is on track; moderate, limited and deterioration are behind."""
        assert judged("floor", "50%", "60%", "sdg").status is TrajectoryStatus.ON_TRACK
        for now in ("56%", "52%", "48%"):
            assert judged("floor", "50%", now, "sdg").status is TrajectoryStatus.BEHIND

    def test_target_achieved_whatever_the_trend(self) -> None:
        """Met now is *target achieved*, even after a fall from a higher baseline."""
        path = judged("floor", "90%", "85%", "sdg")
        assert path.category is C.TARGET_ACHIEVED
        assert path.status is TrajectoryStatus.MET_EARLY
        assert path.progress_value is None

    def test_sign_change_is_not_assessable(self) -> None:
        """−2 → 1: no compound growth links values of opposite signs."""
        path = judged("balance", -2, 1, "sdg")
        assert path.category is C.NOT_ASSESSABLE
        assert path.status is TrajectoryStatus.UNKNOWN
        assert "符号" in qcrules.explain(after_with("balance", -2, 1, "sdg")).steps[-1]

    def test_negative_values_flip_the_sign(self) -> None:
        """−4 → −2 against ≥ −1: sign(y0) = −1 turns the falling magnitude into progress."""
        path = judged("negative", -4, -2, "sdg")
        assert float(path.progress_value or 0) == pytest.approx(ratio(-4, -2, -1, 1), rel=1e-12)
        assert path.category is C.SUBSTANTIAL

    def test_zero_base_is_replaced(self) -> None:
        """A zero base is 0.001 in the growth rates, and the explanation says so."""
        path = judged("count", "0个", "1个", "sdg")
        assert path.substituted == ("baseline",)
        assert float(path.progress_value or 0) == pytest.approx(ratio(0.001, 1, 3, 1), rel=1e-12)
        assert path.category is C.SUBSTANTIAL
        step = qcrules.explain(after_with("count", "0个", "1个", "sdg"), "en").steps[-1]
        assert "baseline zero, replaced by 0.001" in step

    def test_zero_target_is_replaced(self) -> None:
        """事故为零: the target 0 is 0.001; 5 → 2 of 6 years is limited progress."""
        path = judged("zero", "5起", "2起", "sdg")
        assert path.substituted == ("target",)
        assert float(path.progress_value or 0) == pytest.approx(ratio(5, 2, 0.001, -1), rel=1e-12)
        assert path.category is C.LIMITED

    def test_one_period(self) -> None:
        """With one period there is no growth: not assessable (unknown), unless met."""
        verdict = qcrules.evaluate(PLAN, {"floor": "60%"})["floor"]
        path = trajectory(verdict, None, Y2026, None, method="sdg")
        assert (path.category, path.status) == (C.NOT_ASSESSABLE, TrajectoryStatus.UNKNOWN)
        met = qcrules.evaluate(PLAN, {"floor": "85%"})["floor"]
        assert trajectory(met, None, Y2026, None, method="sdg").category is C.TARGET_ACHIEVED


def after_with(rule_id: str, base: Any, now: Any, method: str) -> qcrules.Verdict:
    before = qcrules.evaluate(PLAN, {rule_id: base})
    after = qcrules.evaluate(PLAN, {rule_id: now})
    return with_trajectories(after, before, Y2026, Y2024, method=method)[rule_id]


class TestUn:
    """The trend projected to the deadline: share of the way ≥ 0.95, 0.10–0.95, < 0.10."""

    @pytest.mark.parametrize(("now", "category"), [
        ("60%", C.ON_TRACK), ("56%", C.FAIR), ("50.5%", C.STAGNATION), ("48%", C.STAGNATION),
    ])
    def test_rising_floor(self, now: str, category: TrajectoryCategory) -> None:
        path = judged("floor", "50%", now, "un")
        value = float(now.rstrip("%"))
        assert path.category is category
        assert float(path.progress_value or 0) == pytest.approx(share(50, value, 80), rel=1e-12)
        assert float(path.projected or 0) == pytest.approx(
            value * (1 + cagr(50, value, 2)) ** 4, rel=1e-12)
        assert dict(path.parameters) == {"on_track": Fraction("0.95"), "fair": Fraction("0.1")}

    def test_falling_ceiling(self) -> None:
        """2 → 1.6 against ≤ 1: projected 1.6 × 0.8² = 1.024, 97.6 % of the way: on track."""
        path = judged("ceiling", "2人/亿元", "1.6人/亿元", "un")
        assert float(path.projected or 0) == pytest.approx(1.024, rel=1e-12)
        assert float(path.progress_value or 0) == pytest.approx(0.976, rel=1e-12)
        assert path.category is C.ON_TRACK

    def test_met_at_baseline_missed_now_is_regression(self) -> None:
        """98.6 % → 97.9 % against 98%以上: moving away below the target is regression, though
        the share of a way from above the target would read as positive."""
        path = judged("held", "98.6%", "97.9%", "un")
        assert path.category is C.STAGNATION

    def test_target_achieved(self) -> None:
        assert judged("floor", "50%", "81%", "un").category is C.TARGET_ACHIEVED


class TestPath:
    """The default method keeps its statuses and gains a category and a share."""

    def test_categories(self) -> None:
        path = judged("floor", "50%", "60%", "path")
        assert (path.method, path.category) == ("path", C.ON_TRACK)
        assert path.progress_value == Fraction(1)        # 60 on a path expecting 60
        assert judged("floor", "50%", "55%", "path").category is C.BEHIND
        assert judged("floor", "50%", "85%", "path").category is C.TARGET_ACHIEVED

    def test_rank_follows_a_path_but_no_growth(self) -> None:
        """A rank follows the path (a ceiling on the position); its growth rate means nothing."""
        assert judged("rank", 14, 12, "path").status is TrajectoryStatus.ON_TRACK
        for method in ("sdg", "un"):
            path = judged("rank", 14, 12, method)
            assert (path.status, path.category) == (TrajectoryStatus.NOT_APPLICABLE,
                                                    C.NOT_APPLICABLE)


class TestNotApplicable:
    @pytest.mark.parametrize("method", ["path", "sdg", "un"])
    def test_boolean(self, method: str) -> None:
        path = judged("pilot", "否", "是", method)
        assert (path.status, path.category) == (TrajectoryStatus.NOT_APPLICABLE, C.NOT_APPLICABLE)

    @pytest.mark.parametrize("method", ["path", "sdg", "un"])
    def test_annual_is_due(self, method: str) -> None:
        """An annual target is judged every year: due, achieved or not by the verdict."""
        path = judged("yearly", "90%", "100%", method)
        assert (path.status, path.category) == (TrajectoryStatus.DUE, C.TARGET_ACHIEVED)
        assert judged("yearly", "90%", "95%", method).category is C.BEHIND


class TestHeldInEveryPeriod:
    """稳定在98%以上 is met only when every period meets it; the break is named."""

    SERIES = ({"period": 2024, "facts": {"held": "98.6%"}},
              {"period": 2025, "facts": {"held": "97.5%"}},
              {"period": 2026, "facts": {"held": "98.4%"}})

    @pytest.mark.parametrize("method", ["path", "sdg", "un"])
    def test_a_broken_year_is_named(self, method: str) -> None:
        result = qcrules.progress(PLAN, list(self.SERIES), method=method)
        path = result.latest["held"].trajectory
        assert path is not None
        assert path.broken_period == "2025"
        assert path.category is not C.TARGET_ACHIEVED
        assert path.status is not TrajectoryStatus.MET_EARLY
        line = qcrules.explain(result.latest["held"]).steps[-1]
        assert "2025 未达标" in line

    def test_held_throughout_is_achieved(self) -> None:
        series = [dict(s, facts={"held": "98.5%"}) for s in self.SERIES]
        path = qcrules.progress(PLAN, series, method="sdg").latest["held"].trajectory
        assert path is not None
        assert (path.broken_period, path.category) == (None, C.TARGET_ACHIEVED)

    def test_a_plain_floor_is_not_held(self) -> None:
        """Without 稳定在, an earlier miss does not matter once the target is met."""
        series = [{"period": 2024, "facts": {"floor": "85%"}},
                  {"period": 2025, "facts": {"floor": "70%"}},
                  {"period": 2026, "facts": {"floor": "81%"}}]
        path = qcrules.progress(PLAN, series, method="sdg").latest["floor"].trajectory
        assert path is not None
        assert (path.broken_period, path.category) == (None, C.TARGET_ACHIEVED)


class TestChoosingTheMethod:
    """The call's method, else the rule's ``progress.method``, else the catalogue's, else path."""

    def test_precedence(self) -> None:
        text = catalog_text(rule_yaml(id="own", progress={"method": "un"}),
                            rule_yaml(id="plain", indicator={"zh": "另一指标", "unit": "%"}))
        text = text.replace("\nrules:", "\nprogress:\n  method: sdg\nrules:", 1)
        plan = qcrules.compile_catalog(qcrules.loads_catalog(text))
        assert plan.catalog.method == "sdg"
        base = {"period": 2024, "facts": {"own": "90%", "plain": "90%"}}
        now = {"period": 2026, "facts": {"own": "95%", "plain": "95%"}}
        latest = qcrules.progress(plan, [base, now]).latest
        assert latest["own"].trajectory.method == "un"          # type: ignore[union-attr]
        assert latest["plain"].trajectory.method == "sdg"       # type: ignore[union-attr]
        forced = qcrules.progress(plan, [base, now], method="path").latest
        assert {v.trajectory.method for v in forced.verdicts} == {"path"}  # type: ignore[union-attr]
        checked = qcrules.evaluate(plan, now, baseline=base, method="un")
        assert checked["plain"].trajectory.method == "un"      # type: ignore[union-attr]

    def test_unknown_method(self) -> None:
        with pytest.raises(qcrules.UsageError) as caught:
            qcrules.progress(PLAN, list(TestHeldInEveryPeriod.SERIES), method="eurostat")
        assert caught.value.diagnostics[0].code == "QC142"

    def test_unknown_method_in_the_catalogue(self) -> None:
        text = catalog_text(rule_yaml(progress={"method": "sdgs"}))
        with pytest.raises(qcrules.CatalogError) as caught:
            qcrules.loads_catalog(text)
        problem = caught.value.diagnostics[0]
        assert (problem.code, problem.field, problem.rule_id) == ("QC142", "progress.method", "r")
        assert problem.location is not None
        assert problem.location.line is not None

    def test_dump_round_trip(self) -> None:
        text = catalog_text(rule_yaml(progress={"method": "un"}))
        text = text.replace("\nrules:", "\nprogress:\n  method: sdg\nrules:", 1)
        catalog = qcrules.loads_catalog(text)
        again = qcrules.loads_catalog(qcrules.dump_catalog(catalog))
        assert (again.method, again.rules[0].method) == ("sdg", "un")


_ORDER = {"sdg": [C.DETERIORATION, C.LIMITED, C.MODERATE, C.SUBSTANTIAL, C.TARGET_ACHIEVED],
          "un": [C.STAGNATION, C.FAIR, C.ON_TRACK, C.TARGET_ACHIEVED]}
_values = st.decimals(min_value="0.5", max_value="200", places=2)


@given(method=st.sampled_from(["sdg", "un"]), rule_id=st.sampled_from(["floor", "ceiling"]),
       base=_values, first=_values, second=_values)
def test_categories_are_monotone_in_the_current_value(method: str, rule_id: str, base: Any,
                                                      first: Any, second: Any) -> None:
    """A better current value (higher for a floor, lower for a ceiling) never gets a worse
    category, whatever the baseline."""
    unit = "%" if rule_id == "floor" else "人/亿元"
    low, high = sorted((first, second))
    worse, better = (low, high) if rule_id == "floor" else (high, low)
    order = _ORDER[method]
    a = judged(rule_id, f"{base}{unit}", f"{worse}{unit}", method).category
    b = judged(rule_id, f"{base}{unit}", f"{better}{unit}", method).category
    assert a in order
    assert b in order
    assert order.index(a) <= order.index(b)


class TestChangeAndGrowth:
    """A change (比2020年下降13.5%) and a growth (年均增长8%以上) are judged in their own terms:
    the change so far against the change required, in the direction of their bound."""

    PLAN = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(
        rule_yaml(id="energy", indicator={"zh": "单位GDP能耗", "unit": "吨标准煤/万元"},
                  kind="change", target="比2020年下降13.5%", deadline=2027,
                  quote="单位GDP能耗比2020年下降13.5%"),
        rule_yaml(id="income", indicator={"zh": "居民收入", "unit": "元"}, kind="growth",
                  target="年均增长8%以上", base=2020, deadline=2027, quote="居民收入年均增长8%以上"))))

    def latest(self, energy_2026: str, method: str) -> qcrules.Report:
        series = [{"period": 2020, "facts": {"energy": "1吨标准煤/万元", "income": "10000元"}},
                  {"period": 2024, "facts": {"energy": "0.95吨标准煤/万元", "income": "13000元"}},
                  {"period": 2026, "facts": {"energy": energy_2026, "income": "15000元"}}]
        return qcrules.progress(self.PLAN, series, baseline=2024, method=method).latest

    def test_a_falling_indicator_is_a_rising_decrease(self) -> None:
        """5 % down by 2024, 10 % by 2026, 13.5 % due by 2027: R = ((10/5)^(1/2) − 1) /
        ((13.5/5)^(1/3) − 1) ≈ 1.06, substantial; back up to 3 % down is deterioration."""
        path = self.latest("0.9吨标准煤/万元", "sdg")["energy"].trajectory
        assert path is not None
        assert path.direction == 1
        assert float(path.progress_value or 0) == pytest.approx(
            (2 ** 0.5 - 1) / ((13.5 / 5) ** (1 / 3) - 1), rel=1e-9)
        assert path.category is C.SUBSTANTIAL
        worse = self.latest("0.97吨标准煤/万元", "sdg")["energy"].trajectory
        assert worse is not None
        assert worse.category is C.DETERIORATION

    @pytest.mark.parametrize("method", ["sdg", "un"])
    def test_growth_short_of_its_rate(self, method: str) -> None:
        """6.78 % a year since 2020 by 2024, 6.99 % by 2026, 8 % required: not on track."""
        path = self.latest("0.9吨标准煤/万元", method)["income"].trajectory
        assert path is not None
        assert path.direction == 1
        assert path.status is TrajectoryStatus.BEHIND
        assert path.category in (C.LIMITED, C.FAIR)


@pytest.mark.parametrize("method", ["sdg", "un"])
def test_a_growth_beyond_any_scale_is_judged_not_crashed(method: str) -> None:
    """From a zero base (0.001) to 10^50 in one month, projected 75 years: the category is
    read, the numbers beyond 10^60 are left out (null), and every format still renders."""
    plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(rule_yaml(
        id="c", indicator={"zh": "数", "unit": "个"}, kind="count",
        target=f">= {10**60}个", deadline=2100))))
    before = qcrules.evaluate(plan, {"c": 0})
    after = qcrules.evaluate(plan, {"c": 10**50})
    report = with_trajectories(after, before, parse_period("2026-01"), parse_period("2025-12"),
                               method=method)
    path = report["c"].trajectory
    assert path is not None
    assert path.category in (C.SUBSTANTIAL, C.ON_TRACK)
    assert path.projected is None
    assert path.cagr_observed is None
    for fmt in ("json", "text", "markdown", "html", "csv"):
        assert qcrules.render(report, fmt)
    assert "0.001" in qcrules.explain(report["c"], "en").steps[-1]


def test_a_strict_floor_starting_on_its_threshold() -> None:
    """超过9 from exactly 9: the path expects 9 all the way (no share of it to report), and the
    value is judged against it; no division by a zero way."""
    plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(rule_yaml(
        id="s", indicator={"zh": "指数", "unit": "分"}, target="超过9分", deadline=2030))))
    before = qcrules.evaluate(plan, {"s": "9分"})
    after = qcrules.evaluate(plan, {"s": "8分"})
    path = with_trajectories(after, before, Y2026, Y2024)["s"].trajectory
    assert path is not None
    assert (path.expected, path.progress_value) == (9, None)
    assert path.category is C.BEHIND


def test_held_target_missed_before_its_deadline_is_not_achieved_at_it() -> None:
    """At the deadline the verdict decides, but a 稳定在 target broken in an earlier period is
    not *achieved* even when the last period meets it."""
    series = [{"period": 2028, "facts": {"held": "98.6%"}},
              {"period": 2029, "facts": {"held": "97%"}},
              {"period": 2030, "facts": {"held": "98.4%"}}]
    for method in ("path", "sdg", "un"):
        path = qcrules.progress(PLAN, series, method=method).latest["held"].trajectory
        assert path is not None
        assert path.status is TrajectoryStatus.DUE
        assert path.broken_period == "2029"
        assert path.category is not C.TARGET_ACHIEVED, method
