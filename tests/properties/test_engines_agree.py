"""Differential test: the durable_rules engine and the native engine give identical reports.

The shipped strategies (:mod:`qcrules.strategies`) build catalogues of every rule kind (floor,
ceiling, range, ratio, count, boolean, qualitative, relative, assigned, rank, derived; with and
without a precision and a domain) and fact sets on and near their boundaries, in other units
and forms, missing or unusable; both engines must return the same report (``report_to_dict``
without ``engine``), verdict steps included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("durable")

import qcrules
from qcrules import strategies as qst

DATA = Path(__file__).parent.parent / "data"
MINI = qcrules.compile_catalog(qcrules.load_catalog(str(DATA / "mini.yaml")))


def _report(plan: qcrules.Plan, facts: dict[str, Any], engine: str) -> dict[str, Any]:
    data = qcrules.report_to_dict(qcrules.evaluate(plan, facts, engine=engine))
    assert data.pop("engine") == engine
    return data


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(qst.catalogs(min_rules=1, max_rules=4), st.data())
def test_generated_catalogues_agree(catalog: qcrules.Catalog, data: st.DataObject) -> None:
    """For any catalogue and fact sets, both engines return the same report."""
    plan = qcrules.compile_catalog(catalog)
    for facts in data.draw(st.lists(qst.fact_sets(plan, invalid=True), min_size=1, max_size=4)):
        assert _report(plan, facts, "durable") == _report(plan, facts, "native")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(qst.rules(), st.data())
def test_boundary_facts_agree(rule: qcrules.Rule, data: st.DataObject) -> None:
    """Exactly on, just inside and just outside every bound: the same verdict, as expected."""
    plan = qcrules.compile_catalog(qcrules.Catalog("c", "t", (rule,)))
    case = data.draw(qst.boundary_facts(rule))
    durable = _report(plan, dict(case.facts), "durable")
    assert durable == _report(plan, dict(case.facts), "native")
    assert durable["verdicts"][0]["status"] == case.expected.value


@st.composite
def mini_facts(draw: st.DrawFn) -> dict[str, Any]:
    """Fact sets for the small catalogue, with awkward inputs to its derived indicator."""
    facts = draw(qst.fact_sets(MINI, invalid=True))
    if draw(st.booleans()):
        facts.pop("death-rate", None)
        facts["death-rate.deaths"] = draw(st.integers(-1, 20))
        facts["death-rate.gdp"] = draw(st.sampled_from(["600亿元", "0", "6000000万元", "-1", "many"]))
    return facts


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mini_facts())
def test_the_small_catalogue_agrees(facts: dict[str, Any]) -> None:
    """Fact sets for the small catalogue (every kind) give identical reports on both engines."""
    assert _report(MINI, facts, "durable") == _report(MINI, facts, "native")
