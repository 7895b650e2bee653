"""The shipped strategies: what they draw is valid, exact and labelled truthfully."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import qcrules
from qcrules import strategies as qst
from qcrules.catalog.model import DEFAULT_TOLERANCE
from qcrules.catalog.units import conversion_factor, same_dimension

MINI = qcrules.load_catalog(Path(__file__).parent.parent / "data" / "mini.yaml")


class TestQuantities:
    """``quantities(unit)``: exact values of the unit's dimension, within the bounds asked."""

    @given(qst.quantities("万元/人", min_value="8.5", max_value=9))
    def test_within_bounds_in_the_units_own_terms(self, quantity: qcrules.Quantity) -> None:
        """8.5 万元/人 ≤ value ≤ 9 万元/人, whatever unit it is written in."""
        assert quantity.unit is not None
        assert same_dimension(quantity.unit, "万元/人")
        value = quantity.magnitude * conversion_factor(quantity.unit, "万元/人")
        assert Fraction("8.5") <= value <= 9

    @given(qst.quantities("%", places=2))
    def test_percent_may_be_a_bare_fraction(self, quantity: qcrules.Quantity) -> None:
        """A pure number has unit None; text written from it reads back exactly."""
        text = qst.quantity_text(quantity)
        fact = qcrules.facts_from_data({"x": text}).get("x")
        assert fact is not None
        assert fact.value == quantity.magnitude

    @given(qst.quantities("万元/人", units=["元/人", "千元/人"]))
    def test_units_can_be_chosen(self, quantity: qcrules.Quantity) -> None:
        """``units`` restricts the units written."""
        assert quantity.unit in ("元/人", "千元/人")

    @pytest.mark.parametrize(("call", "message"), [
        (lambda: qst.quantities("万圆"), "unknown unit"),
        (lambda: qst.quantities("%", units=["元"]), "not compatible"),
        (lambda: qst.quantities("%", min_value=2, max_value=1), "greater than"),
        (lambda: qst.quantities("%", min_value=0.1), "exact number"),
        (lambda: qst.quantities("%", places=13), "places"),
        (lambda: qst.quantities("%", min_value="0.0001", max_value="0.0002", places=2),
         "no value"),
    ])
    def test_bad_arguments(self, call: object, message: str) -> None:
        """Arguments are checked when the strategy is built, with a message naming them."""
        with pytest.raises(InvalidArgument, match=message):
            call()  # type: ignore[operator]


#: The kinds ``qcrules.strategies`` generates rules of: every kind.
GENERATED_KINDS = list(qcrules.Kind)

#: The plan's verbs of a decrease (an increase is 增长, 提高, 增加 …), and its approximation words.
DECREASE_VERBS = ("下降", "降低", "减少", "压减", "缩减")
APPROX_WORDS = ("左右", "约", "近")
#: For asking whether a strategy draws something at all: the first example found, unshrunk.
DRAWN = settings(phases=[Phase.generate], max_examples=1000, database=None)
#: What a change or growth may measure, and in which direction (+1 more, −1 less).
MEASURES = [("change", "relative", 1), ("change", "relative", -1), ("change", "points", 1),
            ("change", "points", -1), ("change", "absolute", 1), ("change", "absolute", -1),
            ("change", "multiple", 1), ("growth", "compound", 1), ("growth", "compound", -1),
            ("growth", "points", 1), ("growth", "points", -1), ("growth", "absolute", 1),
            ("growth", "absolute", -1)]


class TestRulesAndCatalogues:
    """``rules()`` and ``catalogs()`` build what the loader builds from a valid file."""

    @given(qst.rules())
    def test_rules_are_valid_and_compile(self, rule: qcrules.Rule) -> None:
        """Every drawn rule compiles; numeric kinds have bounds, the others none."""
        plan = qcrules.compile_catalog(qcrules.Catalog("c", "t", (rule,)))
        assert len(plan) == 1
        assert bool(rule.bounds) == rule.kind.numeric

    @given(st.sampled_from(GENERATED_KINDS).flatmap(lambda k: st.tuples(
        st.just(k), qst.rules(kinds=[k]))))
    def test_every_kind_can_be_asked_for(self, case: tuple[qcrules.Kind, qcrules.Rule]) -> None:
        """``kinds`` restricts the kind."""
        kind, rule = case
        assert rule.kind is kind

    @pytest.mark.parametrize(("kind", "measure", "direction"), MEASURES)
    def test_every_measure_and_direction_is_drawn(self, kind: str, measure: str,
                                                  direction: int) -> None:
        """A change of a share (下降13.5%), of points (提高5个百分点), of an amount (增加12项), a
        multiple (翻一番); a compound (年均增长8%) or linear (年均提高1个百分点) growth; each way."""
        rule = find(qst.rules(kinds=[kind]), lambda r: r.change is not None
                    and (r.change.measure, r.change.direction) == (measure, direction),
                    settings=DRAWN)
        assert rule.kind is qcrules.Kind(kind)

    @pytest.mark.parametrize("tolerance", ["default", "relative", "absolute"])
    def test_approximate_targets_with_every_tolerance(self, tolerance: str) -> None:
        """3%左右 at the default 5 % of the number, or a declared share or amount."""
        def fits(rule: qcrules.Rule) -> bool:
            approx = rule.approx
            if approx is None:
                return False
            if tolerance == "default":
                return approx.relative and approx.tolerance == DEFAULT_TOLERANCE
            return approx.relative is (tolerance == "relative") and (
                approx.tolerance != DEFAULT_TOLERANCE)
        assert find(qst.rules(kinds=["approx"]), fits, settings=DRAWN).kind is qcrules.Kind.APPROX
        assert find(qst.rules(kinds=["growth"]), fits, settings=DRAWN).kind is qcrules.Kind.GROWTH

    @given(qst.rules(kinds=["change", "growth"]))
    def test_changes_are_in_the_plans_words(self, rule: qcrules.Rule) -> None:
        """The target's words say what the loader read: 年均 for a growth, a decrease verb for a
        decrease, 百分点 for points, 番 or 倍 for a multiple, 左右/约/近 for a band, and the
        base year 比2020年 names; a growth always has a base year to count from."""
        assert rule.change is not None
        words = rule.bounds[0].words
        assert ("年均" in words) == (rule.kind is qcrules.Kind.GROWTH)
        assert any(verb in words for verb in DECREASE_VERBS) == (rule.change.direction == -1)
        assert ("百分点" in words) == (rule.change.measure == "points")
        assert ("番" in words or "倍" in words) == (rule.change.measure == "multiple")
        assert any(word in words for word in APPROX_WORDS) == (rule.approx is not None)
        named = re.match(r"^(?:比|较|与)(\d{4})年", words)
        if named:
            assert rule.change.base == int(named.group(1))
        if rule.kind is qcrules.Kind.GROWTH:
            assert rule.change.base is not None

    @given(qst.catalogs(min_rules=2, max_rules=4))
    def test_catalogues_have_unique_ids(self, catalog: qcrules.Catalog) -> None:
        """2 to 4 rules with distinct ids and indicator names."""
        assert 2 <= len(catalog) <= 4
        assert len({r.indicator.zh for r in catalog}) == len(catalog)

    def test_reprs_are_the_call(self) -> None:
        """A strategy shows as the call that built it."""
        assert repr(qst.rules(kinds=["floor"])) == "rules(kinds=['floor'])"
        assert repr(qst.catalogs(max_rules=3)) == "catalogs(max_rules=3)"
        assert repr(qst.quantities("%", min_value=0)) == "quantities('%', min_value=0)"

    @pytest.mark.parametrize(("call", "message"), [
        (lambda: qst.rules(kinds=["flor"]),
         r"unknown kind 'flor'; expected one of floor, .*, change, growth, approx"),
        (lambda: qst.rules(words=["大约"]), "unknown bound word"),
        (lambda: qst.rules(units=["元元"]), "unknown unit"),
        (lambda: qst.rules(kinds=["floor"], words=["低于"]), "no rule of kind floor"),
        (lambda: qst.rules(precision="yes"), "precision"),
        (lambda: qst.catalogs(min_rules=3, max_rules=2), "greater than"),
        (lambda: qst.catalogs(max_rules=-1), "max_rules"),
    ])
    def test_bad_arguments(self, call: object, message: str) -> None:
        """Bad options are refused at once, naming the option and the choices."""
        with pytest.raises(InvalidArgument, match=message):
            call()  # type: ignore[operator]


class TestBoundaryFacts:
    """``boundary_facts(rule)`` carries the status its position implies."""

    @given(qst.rules().flatmap(lambda r: st.tuples(st.just(r), qst.boundary_facts(r))))
    def test_the_expected_status_is_the_verdict(
            self, case: tuple[qcrules.Rule, qst.BoundaryCase]) -> None:
        """On, just inside and just outside every bound of every kind, in any unit."""
        rule, boundary = case
        verdict = qcrules.evaluate(qcrules.Catalog("c", "t", (rule,)), boundary.facts)[rule.id]
        assert verdict.status is boundary.expected, (boundary, verdict.steps)

    @given(st.sampled_from(list(MINI)).flatmap(qst.boundary_facts))
    def test_positions_mean_what_they_say(self, case: qst.BoundaryCase) -> None:
        """Inside is met, outside is not, on is met exactly for an inclusive word."""
        if case.position is qst.Position.INSIDE:
            assert case.expected is qcrules.Status.MET
        elif case.position is qst.Position.OUTSIDE:
            assert case.expected is qcrules.Status.NOT_MET
        else:
            assert case.op is not None
            assert case.threshold is not None
            judged = case.rounded if case.rounded is not None else case.value
            assert judged == case.threshold
            assert (case.expected is qcrules.Status.MET) == (case.op.value in (">=", "<=", "="))

    @given(qst.rules(kinds=["change", "growth"]).flatmap(qst.boundary_facts))
    def test_a_change_is_where_its_position_says(self, case: qst.BoundaryCase) -> None:
        """On: the change (after rounding) is the threshold — for a compound growth the value
        now is exactly base × (1 + r)^years; inside is met, outside is not; a growth's value
        now carries the period its years are counted to."""
        assert case.base is not None
        if case.position is qst.Position.INSIDE:
            assert case.expected is qcrules.Status.MET
        elif case.position is qst.Position.OUTSIDE:
            assert case.expected is qcrules.Status.NOT_MET
        else:
            assert case.op is not None
            judged = case.rounded if case.rounded is not None else case.change
            assert judged == case.threshold
            assert (case.expected is qcrules.Status.MET) == case.op.inclusive
        if case.years is not None:
            period = case.fact["period"]
            assert isinstance(period, str)
            assert re.fullmatch(r"\d{4}(年|Q[1-4])?", period)

    @given(qst.rules(kinds=["growth"]).filter(
        lambda r: r.change is not None and r.change.measure == "compound").flatmap(
        lambda r: st.tuples(st.just(r), qst.boundary_facts(r, positions=["on"]))))
    def test_a_compound_boundary_is_an_exact_decimal(
            self, case: tuple[qcrules.Rule, qst.BoundaryCase]) -> None:
        """10000 over 6 years at 8 %: 15868.74322944, on the threshold exactly; whole years."""
        rule, boundary = case
        assert rule.change is not None
        assert boundary.base is not None
        assert boundary.years is not None
        assert boundary.threshold is not None
        assert boundary.years.denominator == 1
        rate = 1 + rule.change.direction * boundary.threshold / 100
        assert boundary.value == boundary.base * rate ** int(boundary.years)
        assert isinstance(boundary.value, Fraction)
        assert 10**60 % boundary.value.denominator == 0  # a decimal, written exactly

    @given(qst.boundary_facts(MINI["gdp-per-capita"], positions=["on"]))
    def test_on_is_exactly_on_in_every_unit(self, case: qst.BoundaryCase) -> None:
        """8.5 万元/人 however written: the fact reads back as exactly the threshold."""
        assert case.value == Fraction("8.5")
        assert case.expected is qcrules.Status.MET
        verdict = qcrules.evaluate(MINI, case.facts)["gdp-per-capita"]
        assert verdict.value == Fraction("8.5")
        assert verdict.margin == 0

    def test_only_on_for_a_boolean_rule_is_refused(self) -> None:
        """A yes/no rule has no threshold to be on."""
        with pytest.raises(InvalidArgument, match="no threshold"):
            qst.boundary_facts(MINI["pilot"], positions=["on"])

    def test_unknown_position(self) -> None:
        """Positions are on, inside, outside."""
        with pytest.raises(InvalidArgument, match="unknown position"):
            qst.boundary_facts(MINI["pass-rate"], positions=["near"])

    def test_not_a_rule(self) -> None:
        """A rule id is not a rule."""
        with pytest.raises(InvalidArgument, match=r"must be a qcrules\.Rule"):
            qst.boundary_facts("pass-rate")  # type: ignore[arg-type]


class TestFactValues:
    """``fact_values(rule, value)``: every writing means the same exact value."""

    @given(st.data())
    def test_every_writing_reads_as_the_value(self, data: st.DataObject) -> None:
        """3.5 % as ``3.5%``, ``35‰``, ``0.035``, Decimal('0.035'): the verdict's value is 3.5."""
        written = data.draw(qst.fact_values(MINI["pass-rate"], Decimal("98.5")))
        verdict = qcrules.evaluate(MINI, {"pass-rate": written})["pass-rate"]
        assert verdict.value == Fraction("98.5")

    @given(qst.fact_values(MINI["teacher-ratio"], "12.5"))
    def test_ratio_forms(self, written: object) -> None:
        """1:12.5, 2:25, 1∶12.5, 12.5, 0.08 教师/学生 all mean 12.5 students per teacher."""
        verdict = qcrules.evaluate(MINI, {"teacher-ratio": written})["teacher-ratio"]
        assert verdict.value == Fraction("12.5")

    def test_a_value_with_no_decimal_writing(self) -> None:
        """1/3 % cannot be written exactly."""
        with pytest.raises(InvalidArgument, match="no exact decimal"):
            qst.fact_values(MINI["pass-rate"], Fraction(1, 3))

    def test_booleans_for_yes_no_rules_only(self) -> None:
        """A quantity rule does not take True; a boolean rule takes nothing else."""
        with pytest.raises(InvalidArgument, match="judged from a quantity"):
            qst.fact_values(MINI["pass-rate"], True)
        with pytest.raises(InvalidArgument, match="True or False"):
            qst.fact_values(MINI["pilot"], 1)
