"""Properties of the domain semantics, over generated rules and facts.

Inclusive and exclusive words (民法典 第1259条, GB/T 8170-2008), monotonicity, unit invariance,
missing data, determinism, GB/T 8170 rounded-value comparison, and targets against a base
value (比2020年下降13.5%, 年均增长8%) or approximate ones (3%左右).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import qcrules
from qcrules import strategies as qst
from qcrules.catalog.units import conversion_factor

Status = qcrules.Status

#: Whether each word includes the number itself, from the law and the standard, not the code.
INCLUSIVE = {
    "以上": True, "以下": True, "以内": True, "不低于": True, "不小于": True, "不少于": True,
    "至少": True, "不高于": True, "不大于": True, "不多于": True, "不超过": True, "至多": True,
    "达": True, "达到": True, "提高到": True, "提高至": True, "控制在": True, "缩小至": True,
    "缩小到": True, "下降至": True, "下降到": True, "降至": True, "降低到": True, "等于": True,
    "降低至": True, "减少至": True, "减少到": True, "上升到": True, "上升至": True, "增长到": True,
    "增长至": True, "提升到": True, "提升至": True, "不突破": True,
    ">=": True, "≥": True, "<=": True, "≤": True, "=": True,
    "超过": False, "高于": False, "大于": False, "多于": False, "突破": False, "低于": False,
    "小于": False,
    "少于": False, "不足": False, "不满": False, ">": False, "<": False,
}
#: Which side each word bounds: a floor (more is better), a ceiling, or equality.
SIDE = dict.fromkeys(("以上", "不低于", "不小于", "不少于", "至少", "达", "达到", "提高到", "提高至",
                     "上升到", "上升至", "增长到", "增长至", "提升到", "提升至",
                     ">=", "≥", "超过", "高于", "大于", "多于",
                     "突破", ">"), "floor")
SIDE |= dict.fromkeys(("以下", "以内", "不高于", "不大于", "不多于", "不超过", "至多", "控制在", "缩小至",
                      "缩小到", "下降至", "下降到", "降至", "降低到", "降低至", "减少至", "减少到",
                      "不突破", "<=", "≤", "低于", "小于", "少于", "不足", "不满", "<"), "ceiling")
SIDE |= {"等于": "equal", "=": "equal"}


def _catalog(*rules: qcrules.Rule) -> qcrules.Catalog:
    return qcrules.Catalog("c", "t", rules)


def _verdict(rule: qcrules.Rule, facts: dict[str, Any]) -> qcrules.Verdict:
    return qcrules.evaluate(_catalog(rule), facts)[rule.id]


def test_every_word_is_classified() -> None:
    """A new bound word must be added to these tables, with its meaning, before it is tested."""
    assert set(INCLUSIVE) == set(qst.BOUND_WORDS) == set(SIDE)


#: Each of the 49 words gets a twentieth of the profile's examples (5 in ci, 100 when thorough).
PER_WORD = settings(max_examples=max(5, settings.default.max_examples // 20))


@pytest.mark.parametrize("word", sorted(INCLUSIVE))
class TestBoundWords:
    """Each word, on generated rules, thresholds and units."""

    @PER_WORD
    @given(data=st.data())
    def test_on_the_threshold(self, word: str, data: st.DataObject) -> None:
        """Exactly on the number (in any unit): met for 以上/不低于/以内…, not met for 超过/低于/不满…"""
        rule = data.draw(qst.rules(kinds=["floor", "ceiling"], words=[word], precision=False))
        case = data.draw(qst.boundary_facts(rule, positions=["on"]))
        expected = Status.MET if INCLUSIVE[word] else Status.NOT_MET
        assert _verdict(rule, case.facts).status is expected

    @PER_WORD
    @given(data=st.data())
    def test_just_inside_and_just_outside(self, word: str, data: st.DataObject) -> None:
        """The nearest values either side are judged by the side the word bounds."""
        rule = data.draw(qst.rules(kinds=["floor", "ceiling"], words=[word], precision=False))
        case = data.draw(qst.boundary_facts(rule, positions=["inside", "outside"]))
        assert case.threshold is not None
        above = case.value > case.threshold
        met = {"floor": above, "ceiling": not above, "equal": False}[SIDE[word]]
        assert _verdict(rule, case.facts).status is (Status.MET if met else Status.NOT_MET)


def _value_facts(rule: qcrules.Rule, value: Fraction, data: st.DataObject) -> dict[str, Any]:
    return {rule.id: data.draw(qst.fact_values(rule, value))}


def _in_domain(rule: qcrules.Rule, value: Fraction) -> bool:
    indicator = rule.indicator
    for bound, inside in ((indicator.min, value.__ge__), (indicator.max, value.__le__)):
        if bound is not None:
            limit = bound.magnitude * (conversion_factor(bound.unit, indicator.unit)
                                       if bound.unit and indicator.unit else 1)
            if not inside(limit):
                return False
    return True


values = st.decimals(min_value=-200, max_value=2000, places=3).map(Fraction)


class TestMonotonicity:
    """More is never worse for a floor; less is never worse for a ceiling."""

    @pytest.mark.parametrize("kind", ["floor", "ceiling"])
    @given(data=st.data(), low=values, high=values)
    def test_a_better_value_never_turns_met_into_not_met(
            self, kind: str, data: st.DataObject, low: Fraction, high: Fraction) -> None:
        """For a floor, met at x implies met at every y ≥ x (a ceiling: every y ≤ x).

        Only for directed bounds: a floor or ceiling may also state an equality ("= 100%"),
        which a larger value leaves."""
        rule = data.draw(qst.rules(kinds=[kind], derived=False))
        assume(all(bound.op is not qcrules.Op.EQ for bound in rule.bounds))
        low, high = sorted((low, high))
        assume(_in_domain(rule, low) and _in_domain(rule, high))
        worse, better = (low, high) if kind == "floor" else (high, low)
        first = _verdict(rule, _value_facts(rule, worse, data)).status
        second = _verdict(rule, _value_facts(rule, better, data)).status
        assert first in (Status.MET, Status.NOT_MET)
        if first is Status.MET:
            assert second is Status.MET


class TestUnitInvariance:
    """The same quantity in another unit or form gets the same verdict and margin."""

    @given(data=st.data())
    def test_two_writings_of_one_value(self, data: st.DataObject) -> None:
        """8.5 万元/人 and 85,000 元/人; 3.5 %, 35 ‰ and 0.035; 1:12.5 and 2:25."""
        rule = data.draw(qst.rules(kinds=["floor", "ceiling", "range", "ratio", "count", "rank",
                                          "approx"]))
        value = data.draw(qst.boundary_facts(rule)).value
        assert isinstance(value, Fraction)
        first = _verdict(rule, _value_facts(rule, value, data))
        second = _verdict(rule, _value_facts(rule, value, data))
        assert (first.status, first.value, first.margin) == (second.status, second.value,
                                                              second.margin)


class TestMissingData:
    """Missing data is never a pass and never a fail."""

    @given(qst.catalogs(), st.data())
    def test_a_rule_without_its_facts_is_unknown(self, catalog: qcrules.Catalog,
                                                 data: st.DataObject) -> None:
        """With its value, its reference or its base value missing, a verdict is unknown (or
        invalid), never met or not met."""
        facts = data.draw(qst.fact_sets(catalog, missing=True))
        report = qcrules.evaluate(catalog, facts)
        for rule in catalog:
            has_value = rule.id in facts or (rule.derivation is not None and all(
                rule.derivation.input_fact_id(rule.id, i.name) in facts
                for i in rule.derivation.inputs))
            has_reference = rule.reference is None or rule.reference.id in facts
            has_base = not rule.kind.needs_base or rule.baseline_id in facts
            if not (has_value and has_reference and has_base):
                assert report[rule.id].status in (Status.UNKNOWN, Status.INVALID)
            if not has_value:
                assert report[rule.id].status is Status.UNKNOWN
                assert rule.id in report[rule.id].missing

    @given(qst.catalogs())
    def test_no_facts_at_all(self, catalog: qcrules.Catalog) -> None:
        """An empty fact set: every target unknown, and no exit code for a violation."""
        report = qcrules.evaluate(catalog, {})
        assert {v.status for v in report} == {Status.UNKNOWN}
        assert report.exit_code() == 0


def _by_fact(diagnostics: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in diagnostics)


class TestDeterminism:
    """The same facts give the same report, whatever their order and however often."""

    @given(qst.catalogs(), st.data(), st.randoms(use_true_random=False))
    def test_same_facts_same_report(self, catalog: qcrules.Catalog, data: st.DataObject,
                                    shuffler: random.Random) -> None:
        """Evaluating twice gives an identical report; with the facts in another order, the same
        verdicts and the same diagnostics (listed in the order the facts were given)."""
        facts = data.draw(qst.fact_sets(catalog, invalid=True))
        plan = qcrules.compile_catalog(catalog)
        items = list(facts.items())
        shuffler.shuffle(items)
        first = qcrules.report_to_dict(qcrules.evaluate(plan, facts))
        assert qcrules.report_to_dict(qcrules.evaluate(plan, facts)) == first
        fresh = qcrules.compile_catalog(catalog)
        assert qcrules.report_to_dict(qcrules.evaluate(fresh, facts)) == first
        shuffled = qcrules.report_to_dict(qcrules.evaluate(plan, dict(items)))
        assert _by_fact(shuffled.pop("diagnostics")) == _by_fact(first.pop("diagnostics"))
        assert shuffled == first


class TestRoundedComparison:
    """GB/T 8170 §4.3: rounding once to the precision, then comparing."""

    @pytest.mark.parametrize("kind", ["floor", "ceiling"])
    @given(data=st.data(), value=values)
    def test_full_value_met_implies_rounded_value_met(self, kind: str, data: st.DataObject,
                                                     value: Fraction) -> None:
        """When the threshold is a multiple of the precision, a value meeting it unrounded
        meets it rounded (rounding never crosses a multiple of the precision)."""
        rule = data.draw(qst.rules(kinds=[kind], precision=True, derived=False,
                                   words=[w for w, side in SIDE.items() if side == kind]))
        plan = qcrules.compile_catalog(_catalog(rule))
        compiled = plan.rules[0]
        (op, threshold), = compiled.thresholds
        assert rule.precision is not None
        assume((threshold / rule.precision).denominator == 1)
        assume(_in_domain(rule, value) and not (compiled.whole and value.denominator != 1))
        full = {qcrules.Op.GE: value >= threshold, qcrules.Op.GT: value > threshold,
                qcrules.Op.LE: value <= threshold, qcrules.Op.LT: value < threshold}[op]
        unrounded = attrs.evolve(rule, precision=None)
        assert (_verdict(unrounded, _value_facts(rule, value, data)).status is Status.MET) == full
        if full and op.inclusive:
            assert _verdict(rule, _value_facts(rule, value, data)).status is Status.MET

    def test_the_converse_does_not_hold(self) -> None:
        """89.95 分 misses 90 unrounded but meets it rounded to 0.1 (五成双: 89.95 → 90.0)."""
        catalog = qcrules.load_catalog("tests/data/mini.yaml")
        rule = catalog["quality-index"]
        assert _verdict(rule, {"quality-index": "89.95分"}).status is Status.MET
        assert _verdict(attrs.evolve(rule, precision=None),
                        {"quality-index": "89.95分"}).status is Status.NOT_MET


def _with_fact(facts: Mapping[str, Any], fact_id: str, written: Any) -> dict[str, Any]:
    """``facts`` with ``fact_id`` written otherwise, keeping its period if it has one."""
    changed = dict(facts)
    fact = changed[fact_id]
    changed[fact_id] = {**fact, "value": written} if isinstance(fact, dict) else written
    return changed


def _whole(rule: qcrules.Rule) -> bool:
    return qcrules.compile_catalog(_catalog(rule)).rules[0].whole


def _possible(rule: qcrules.Rule, value: Fraction) -> bool:
    """Within the indicator's ``min`` and ``max``; and a count is a whole number ≥ 0."""
    return _in_domain(rule, value) and (not _whole(rule) or (value.denominator == 1
                                                             and value >= 0))


#: Changes against a base value and growths, on every measure; and approximate targets.
CHANGES = ["change", "growth"]
BASED_OR_APPROXIMATE = ["change", "growth", "approx"]


class TestChanges:
    """A change from ``<rule-id>.baseline`` (下降13.5%, 提高5个百分点, 增加12项, 翻一番) and a growth
    over the years from the base year (年均增长8%以上 compound, 年均提高1个百分点 linear)."""

    @given(data=st.data())
    def test_boundaries_are_judged_as_labelled(self, data: st.DataObject) -> None:
        """A base value and a value now whose change is on, just inside or just outside a
        bound (a band's edge for 左右), in any units: the verdict is the status labelled."""
        rule = data.draw(qst.rules(kinds=BASED_OR_APPROXIMATE))
        case = data.draw(qst.boundary_facts(rule))
        verdict = _verdict(rule, case.facts)
        assert verdict.status is case.expected, (case, verdict.steps)

    @given(data=st.data())
    def test_exactly_on_the_boundary(self, data: st.DataObject) -> None:
        """On the threshold, however written: the value judged is the threshold itself and the
        margin zero — a compound rate too (10000 → 15868.74322944 over 6 years is 8 %)."""
        rule = data.draw(qst.rules(kinds=BASED_OR_APPROXIMATE))
        case = data.draw(qst.boundary_facts(rule, positions=["on"]))
        assert case.op is not None
        verdict = _verdict(rule, case.facts)
        assert verdict.value == case.threshold
        assert verdict.margin == 0
        assert verdict.status is (Status.MET if case.op.inclusive else Status.NOT_MET)

    @given(data=st.data(), amount=st.one_of(
        st.sampled_from([Fraction(1, 10**9), Fraction(1, 100), Fraction(1)]),
        st.decimals(min_value=0, max_value=100, places=3).map(Fraction)))
    def test_monotone_in_the_plans_direction(self, data: st.DataObject, amount: Fraction) -> None:
        """For an increase (增长8%以上, 翻一番) a larger value now never turns met into not met,
        for a decrease (下降13.5%以上) a smaller one; a bound on the amount the other way
        (增长控制在3%以内: a smaller one). Moving the other way never turns not met into met."""
        rule = data.draw(qst.rules(kinds=CHANGES))
        assert rule.change is not None
        assume(rule.approx is None)  # a band is not monotone: see TestApproximateTargets
        (bound,) = rule.bounds
        assume(bound.op is not qcrules.Op.EQ)
        better = rule.change.direction * (1 if bound.op.lower else -1)
        case = data.draw(qst.boundary_facts(rule))
        assert isinstance(case.value, Fraction)
        if _whole(rule):
            amount = Fraction(-(-amount.numerator // amount.denominator))
        toward = data.draw(st.sampled_from([better, -better]))
        moved = case.value + toward * amount
        assume(_possible(rule, moved))
        assume(moved > 0 or rule.change.measure != "compound")
        first = _verdict(rule, case.facts).status
        facts = _with_fact(case.facts, rule.id, data.draw(qst.fact_values(rule, moved)))
        second = _verdict(rule, facts).status
        assert first in (Status.MET, Status.NOT_MET)
        if toward == better and first is Status.MET:
            assert second is Status.MET
        if toward != better and first is Status.NOT_MET:
            assert second is Status.NOT_MET

    @given(data=st.data())
    def test_the_base_and_the_value_now_in_other_units(self, data: st.DataObject) -> None:
        """1000万元 → 865万元 is 0.1亿元 → 8650000元: the base value and the value now, each in
        any unit, give the same change, status and margin."""
        rule = data.draw(qst.rules(kinds=CHANGES))
        case = data.draw(qst.boundary_facts(rule))
        assert case.base is not None

        def written() -> dict[str, Any]:
            facts = _with_fact(case.facts, rule.id, data.draw(qst.fact_values(rule, case.value)))
            return _with_fact(facts, rule.baseline_id, data.draw(qst.fact_values(rule, case.base)))

        first, second = _verdict(rule, written()), _verdict(rule, written())
        assert (first.status, first.value, first.margin) == (second.status, second.value,
                                                              second.margin)
        assert first.status is case.expected

    @given(data=st.data())
    def test_without_the_base_value_unknown(self, data: st.DataObject) -> None:
        """The value now without its base value is neither met nor not met: unknown, naming
        the missing ``<rule-id>.baseline``."""
        rule = data.draw(qst.rules(kinds=CHANGES))
        case = data.draw(qst.boundary_facts(rule))
        facts = {k: v for k, v in case.facts.items() if k != rule.baseline_id}
        verdict = _verdict(rule, facts)
        assert verdict.status is Status.UNKNOWN
        assert verdict.missing == (rule.baseline_id,)


class TestApproximateTargets:
    """3%左右, 约1100亿元: the number ± its tolerance; 近100个 (nearly): its lower edge on."""

    @given(data=st.data(), share=st.integers(0, 1000))
    def test_inside_the_band_met_outside_not(self, data: st.DataObject, share: int) -> None:
        """Not monotone: met anywhere in the band, edges included (2.85 % to 3.15 % for 3%左右
        at the default 5 %), not met below it or above it; for 近 met from the lower edge up."""
        rule = data.draw(qst.rules(kinds=["approx"], precision=False))
        approx = rule.approx
        assert approx is not None
        written = rule.bounds[0].threshold
        assert written is not None
        factor = (conversion_factor(written.unit, rule.indicator.unit)
                  if written.unit and rule.indicator.unit else Fraction(1))
        half = approx.target * approx.tolerance if approx.relative else approx.tolerance
        low, high = (approx.target - half) * factor, (approx.target + half) * factor
        if approx.lower_only:
            high = low + data.draw(st.sampled_from([Fraction(0), Fraction(1), 10 * half * factor]))
        beyond = data.draw(st.decimals(min_value="0.001", max_value=100, places=3).map(Fraction))
        where = data.draw(st.sampled_from(["inside", "below"] if approx.lower_only
                                          else ["inside", "below", "above"]))
        value = {"inside": low + (high - low) * share / 1000, "below": low - beyond,
                 "above": high + beyond}[where]
        if _whole(rule):
            value = Fraction(-(-value.numerator // value.denominator) if where != "below"
                             else value.numerator // value.denominator)
            assume(where != "inside" or value <= high)
            assume(where != "below" or value < low)
        assume(_possible(rule, value))
        status = _verdict(rule, _value_facts(rule, value, data)).status
        assert status is (Status.MET if where == "inside" else Status.NOT_MET)
