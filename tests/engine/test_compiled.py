"""The compiled evaluator and the general path give the same verdicts, field by field.

A plan's rules of the common kinds are judged by closures made when the plan is compiled
(``CompiledRule.judge``), which record only the values they used; the steps are built from
those values when first read. ``evaluate_plan(..., compiled=False)`` judges every rule the
general way, recording its steps as it goes. On the case corpus, the examples and generated
fact sets (on, just inside and just outside the thresholds, in other units, as strings,
missing and unusable), both give the same status, severity, value, unit, threshold, margin,
problem, steps and explanation of every verdict, and the same report in every format.
"""

from __future__ import annotations

import pickle
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qcrules
from qcrules import strategies as qst
from qcrules.engine.evaluate import evaluate_plan
from qcrules.engine.results import Lazy, Report, Verdict
from qcrules.report.explain import explain
from qcrules.report.render import FORMATS

ROOT = Path(__file__).parents[2]
CASES = ROOT / "tests" / "cases"
EXAMPLES = ROOT / "examples"

#: What is compared of each verdict, besides the verdict itself (``==`` compares its steps).
FIELDS = ("rule_id", "status", "severity", "value", "unit", "thresholds", "threshold", "margin",
          "relative_margin", "missing", "problem", "steps", "trajectory")


def _rendered(report: Report) -> dict[tuple[str, str], str]:
    return {(fmt, lang): qcrules.render(report, fmt, lang=lang)
            for fmt in FORMATS for lang in ("zh", "en")}


def _verdict_fields(verdict: Verdict) -> dict[str, Any]:
    fields = {name: getattr(verdict, name) for name in FIELDS}
    # the problem's location too (a diagnostic's equality leaves it out)
    fields["location"] = verdict.problem.location if verdict.problem else None
    for lang in ("zh", "en"):
        fields[f"explanation-{lang}"] = str(explain(verdict, lang))
    return fields


def assert_same(plan: qcrules.Plan, facts: Any) -> tuple[Report, Report]:
    """Judge ``facts`` both ways and compare everything a caller can see. Each report is
    rendered first, while the compiled evaluator's steps are still unbuilt."""
    fact_set = qcrules.as_fact_set(facts)
    fast = evaluate_plan(plan, fact_set)
    general = evaluate_plan(plan, fact_set, compiled=False)
    assert _rendered(fast) == _rendered(general)
    fast, general = evaluate_plan(plan, fact_set), evaluate_plan(plan, fact_set, compiled=False)
    for one, other in zip(fast.verdicts, general.verdicts, strict=True):
        assert _verdict_fields(one) == _verdict_fields(other), one.rule_id
    assert fast == general
    assert fast.diagnostics == general.diagnostics
    assert repr(fast) == repr(general)
    return fast, general


def _corpus() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        if path.name == "divergences.yaml":
            continue
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        catalog = document["catalog"]
        if isinstance(catalog, str):
            loaded = qcrules.load_catalog(str(path.parent / catalog))
        else:
            loaded = qcrules.loads_catalog(yaml.safe_dump(catalog, allow_unicode=True))
        plan = qcrules.compile_catalog(loaded)
        for index, case in enumerate(document["cases"]):
            params.append(pytest.param(plan, case["facts"], id=f"{path.stem}-{index}"))
    return params


@pytest.mark.parametrize(("plan", "facts"), _corpus())
def test_the_case_corpus_is_judged_the_same(plan: qcrules.Plan, facts: dict[str, Any]) -> None:
    """Every case of the corpus: the same verdicts, explanations and reports both ways."""
    assert_same(plan, facts)


@pytest.mark.parametrize(("catalog", "facts"), [
    (None, "tongcheng-2026.yaml"), (None, "tongcheng-2024.yaml"),
    ("qingling/qingling-2025-2027.yaml", "qingling/qingling-2026.yaml"),
])
def test_the_examples_are_judged_the_same(catalog: str | None, facts: str) -> None:
    """The bundled examples: the same reports both ways, and most rules on the fast path."""
    plan = qcrules.compile_catalog(qcrules.load_catalog(str(EXAMPLES / catalog))
                                   if catalog else qcrules.load_catalog())
    assert_same(plan, qcrules.load_facts(str(EXAMPLES / facts)))
    judged = [compiled.judge(qcrules.load_facts(str(EXAMPLES / facts)).facts)
              for compiled in plan.rules if compiled.judge is not None]
    assert sum(verdict is not None for verdict in judged) >= len(plan.rules) // 2


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
          deadline=None)
@given(qst.catalogs(min_rules=1, max_rules=5), st.data())
def test_generated_fact_sets_are_judged_the_same(catalog: qcrules.Catalog,
                                                 data: st.DataObject) -> None:
    """Any catalogue, fact sets with missing and unusable values: the same both ways."""
    plan = qcrules.compile_catalog(catalog)
    for facts in data.draw(st.lists(qst.fact_sets(plan, invalid=True), min_size=1, max_size=3)):
        assert_same(plan, facts)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(qst.rules(), st.data())
def test_boundary_facts_are_judged_the_same(rule: qcrules.Rule, data: st.DataObject) -> None:
    """On, just inside and just outside every bound, in any unit: the same, and as due."""
    plan = qcrules.compile_catalog(qcrules.Catalog("c", "t", (rule,)))
    case = data.draw(qst.boundary_facts(rule))
    fast, _ = assert_same(plan, dict(case.facts))
    assert fast.verdicts[0].status is case.expected


def _floor_plan() -> qcrules.Plan:
    return qcrules.compile_catalog(qcrules.loads_catalog("""
qcrules: 1
catalog: {id: c, title: 县}
rules:
  - {id: gdp, indicator: {zh: 人均GDP, unit: 万元/人}, kind: floor, target: 达8.5万元/人,
     commitment: strive, deadline: 2027, clause: 一(一)1, quote: 达8.5万元, lead: [甲]}
  - {id: rate, indicator: {zh: 达标率, unit: "%", min: 0, max: 100}, kind: floor,
     target: 98%以上, commitment: ensure, deadline: 2027, clause: 一(一)2, quote: 98%以上,
     lead: [乙]}
"""))


class TestFastPath:
    """The compiled evaluator is the one that judges the common kinds, and builds no step
    until one is read."""

    def test_a_floor_in_another_unit_is_judged_by_the_closure(self) -> None:
        """A quantity in 元/人 for a rule in 万元/人: the closure decides, exactly."""
        plan = _floor_plan()
        gdp = plan.rules[0]
        assert gdp.judge is not None
        verdict = gdp.judge(qcrules.as_fact_set({"gdp": "84999.99元/人"}).facts)
        assert verdict is not None
        assert (verdict.status, verdict.value, verdict.margin) == (
            qcrules.Status.NOT_MET, Fraction(8499999, 10**6), Fraction(-1, 10**6))

    def test_steps_are_built_when_read_and_kept(self) -> None:
        """Until read, a verdict holds the values to build its steps from; once read, the
        steps themselves, the same tuple every time."""
        report = evaluate_plan(_floor_plan(), {"gdp": 85000.0, "rate": 0.99})
        verdict = report["rate"]
        assert isinstance(verdict._steps, Lazy)
        steps = verdict.steps
        assert verdict.steps is steps
        assert isinstance(verdict._steps, tuple)
        assert [type(step).__name__ for step in steps] == [
            "FactUsed", "UnitAssumed", "Converted", "Compared"]

    def test_a_verdict_shows_its_steps_by_their_name(self) -> None:
        """``repr`` names the steps ``steps=`` and shows them built, as for any verdict."""
        verdict = evaluate_plan(_floor_plan(), {"gdp": "8.6万元/人"})["gdp"]
        text = repr(verdict)
        assert "steps=(FactUsed(fact_id='gdp'" in text
        assert "_steps" not in text
        assert "Lazy" not in text

    def test_a_value_outside_the_domain_is_invalid_as_on_the_general_path(self) -> None:
        """101 % for a rate of at most 100 %: invalid, with the general path's problem."""
        fast, _ = assert_same(_floor_plan(), {"rate": "101%"})
        problem = fast["rate"].problem
        assert problem is not None
        assert (problem.code, problem.expected, problem.got) == ("QC302", "<= 100 %", "101%")

    def test_facts_under_both_names_go_the_general_way(self) -> None:
        """The same value given by id and by name is no conflict; different ones are (QC204)."""
        plan = _floor_plan()
        assert plan.rules[0].judge is not None
        same = {"gdp": "8.5万元/人", "人均GDP": "85000元/人"}
        assert plan.rules[0].judge(qcrules.as_fact_set(same).facts) is None
        fast, _ = assert_same(plan, same)
        assert fast["gdp"].met
        fast, _ = assert_same(plan, {"gdp": "8.5万元/人", "人均GDP": "8万元/人"})
        assert fast["gdp"].problem is not None
        assert fast["gdp"].problem.code == "QC204"

    def test_a_report_with_unbuilt_steps_pickles(self) -> None:
        """A report read back from a pickle is the same report, steps included."""
        report = evaluate_plan(_floor_plan(), {"gdp": "8.6万元/人", "rate": 0.97})
        again = pickle.loads(pickle.dumps(report))
        assert again == report
        assert again["gdp"].steps == report["gdp"].steps


def test_the_nearest_name_is_searched_for_when_the_diagnostics_are_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A fact matching no rule costs no did-you-mean search until the report's diagnostics are
    read; then they say what the search found, as before."""
    asked: list[str] = []
    search = qcrules.Plan.nearest_key

    def counting(plan: qcrules.Plan, name: str) -> str | None:
        asked.append(name)
        return search(plan, name)

    monkeypatch.setattr(qcrules.Plan, "nearest_key", counting)
    report = evaluate_plan(_floor_plan(), {"gpd": "8.6万元/人", "rate": 0.99})
    assert asked == []
    [warning] = report.diagnostics
    assert asked == ["gpd"]
    assert (warning.code, warning.fact_id, warning.hint) == ("QC202", "gpd", "did you mean 'gdp'?")
    assert report == evaluate_plan(_floor_plan(), {"gpd": "8.6万元/人", "rate": 0.99},
                                   compiled=False)
