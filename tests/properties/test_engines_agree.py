"""Differential test: the durable_rules engine and the native engine give identical reports.

Hypothesis builds catalogues of every rule kind (floor, ceiling, range, ratio, count, boolean,
qualitative, relative, assigned, rank, derived; with and without a precision and a domain) and
fact sets near their boundaries, in other units and forms, missing or unusable; both engines
must return the same report (``report_to_dict`` without ``engine``), verdict steps included.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

pytest.importorskip("durable")

import qcrules
from helpers import catalog_text

DATA = Path(__file__).parent.parent / "data"
MINI = qcrules.compile_catalog(qcrules.load_catalog(str(DATA / "mini.yaml")))

#: Indicator unit -> (fact units that express it, factor from the fact unit to the indicator's).
UNITS: dict[str, list[tuple[str | None, Decimal]]] = {
    "%": [("%", Decimal(1)), ("‰", Decimal("0.1")), (None, Decimal(100))],
    "万元/人": [("万元/人", Decimal(1)), ("元/人", Decimal("0.0001")), (None, Decimal(1))],
    "分": [("分", Decimal(1)), (None, Decimal(1))],
    "人/十万台": [("人/十万台", Decimal(1)), (None, Decimal(1))],
}
WORDS = [">=", ">", "<=", "<", "="]
BAD = ["很多", True, float("nan"), "1:2", "-3", "12 kg", None, "达标"]

numbers = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False,
                      allow_infinity=False).map(lambda d: d.normalize() if d else Decimal(0))
deltas = st.sampled_from([Decimal(0), Decimal("0.01"), Decimal("-0.01"), Decimal("0.005"),
                          Decimal("-0.005"), Decimal("1e-9"), Decimal("-1e-9"), Decimal(5)])


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}"


@st.composite
def rules(draw: st.DrawFn, index: int) -> tuple[dict[str, Any], list[Decimal]]:
    """A rule mapping of any kind, and the numbers its facts should lie near."""
    rule_id = f"r{index}"
    kind = draw(st.sampled_from(["floor", "ceiling", "range", "ratio", "count", "boolean",
                                 "qualitative", "relative", "assigned", "rank", "derived"]))
    unit = draw(st.sampled_from(sorted(UNITS)))
    base: dict[str, Any] = {"id": rule_id, "commitment": draw(st.sampled_from(
        ["ensure", "strive", "none"])), "deadline": 2027, "clause": "一(一)1", "quote": "目标",
        "lead": ["甲"]}
    indicator: dict[str, Any] = {"zh": f"指标{index}", "unit": unit}
    near: list[Decimal] = []
    if draw(st.booleans()):
        base["precision"] = draw(st.sampled_from(["0.1", "0.5", "1", "0.01"]))
    if draw(st.booleans()):
        indicator["min"] = f"0 {unit}"
    if kind in ("floor", "ceiling", "derived"):
        t = draw(numbers)
        word = draw(st.sampled_from(WORDS))
        base["kind"] = "ceiling" if word in ("<=", "<") else "floor"
        base["target"] = f"{word} {_text(t)} {unit}"
        near.append(t)
        if kind == "derived":
            base["formula"] = draw(st.sampled_from(["a / b", "a * b", "a - b", "(a + b) / 2"]))
            base["inputs"] = {"a": {"zh": f"甲{index}"}, "b": {"zh": f"乙{index}"}}
            indicator["unit"] = "1"
            base["target"] = f"{word} {_text(t)}"
    elif kind == "range":
        low, high = sorted((draw(numbers), draw(numbers)))
        base |= {"kind": "range", "target": [f">= {_text(low)} {unit}", f"<= {_text(high)} {unit}"]}
        near += [low, high]
    elif kind == "ratio":
        t = draw(numbers.filter(bool))
        base |= {"kind": "ratio", "target": f"1:{_text(t)}",
                 "ratio": {"antecedent": "教师", "consequent": "学生"}}
        indicator.pop("unit")
        indicator.pop("min", None)
        near.append(t)
    elif kind in ("count", "rank"):
        t = draw(st.integers(1, 20))
        base |= {"kind": kind, "target": f"{'>=' if kind == 'count' else '<='} {t} "
                 f"{'项' if kind == 'count' else '位'}"}
        indicator |= {"unit": "项" if kind == "count" else "位"}
        indicator.pop("min", None)
        near.append(Decimal(t))
    elif kind in ("boolean", "qualitative"):
        base["kind"] = kind
        indicator.pop("unit")
        indicator.pop("min", None)
        base.pop("precision", None)
    else:
        base |= {"kind": kind, "reference": {"id": f"{rule_id}.ref", "zh": "参照"}}
        base["target"] = draw(st.sampled_from(WORDS)) if kind == "relative" or draw(
            st.booleans()) else None
        if base["target"] is None:
            base.pop("target")
        near.append(draw(numbers))
    base["indicator"] = indicator
    return base, near


@st.composite
def quantity(draw: st.DrawFn, unit: str | None, around: list[Decimal]) -> Any:
    """A fact value near one of ``around`` (or anywhere), in any form the indicator accepts."""
    value = (draw(st.sampled_from(around)) if around and draw(st.booleans()) else draw(numbers))
    value += draw(deltas)
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(BAD))
    if unit not in UNITS:
        return draw(st.sampled_from([_text(value), f"1:{_text(value)}", f"{_text(value)} 学生/教师",
                                     value]))
    fact_unit, factor = draw(st.sampled_from(UNITS[unit]))
    written = value / factor
    return _text(written) + (f" {fact_unit}" if fact_unit else "")


@st.composite
def fact_sets(draw: st.DrawFn, catalog: list[tuple[dict[str, Any], list[Decimal]]]) -> dict[str, Any]:
    """A fact set for the rules of ``catalog``: some facts missing, some unusable."""
    facts: dict[str, Any] = {}
    for rule, near in catalog:
        rule_id, unit = rule["id"], rule["indicator"].get("unit")
        if rule["kind"] in ("boolean", "qualitative"):
            if draw(st.booleans()):
                facts[rule_id] = draw(st.sampled_from([True, False, "是", "否", "达标", "未完成",
                                                       1, 0, 2, "也许"]))
            continue
        if rule["kind"] in ("count", "rank"):
            if draw(st.integers(0, 5)):
                facts[rule_id] = (draw(st.sampled_from(BAD)) if not draw(st.integers(0, 9))
                                  else str(int(near[0]) + draw(st.integers(-2, 2))))
            continue
        if "inputs" in rule and draw(st.booleans()):
            for name in ("a", "b"):
                if draw(st.integers(0, 5)):
                    facts[f"{rule_id}.{name}"] = draw(quantity(None, near))
            continue
        if draw(st.integers(0, 5)):
            facts[rule_id] = draw(quantity(unit, near))
        if "reference" in rule and draw(st.integers(0, 5)):
            facts[rule["reference"]["id"]] = draw(quantity(unit, near))
    return facts


@st.composite
def catalogues_with_facts(draw: st.DrawFn) -> tuple[qcrules.Plan, list[dict[str, Any]]]:
    count = draw(st.integers(1, 4))
    catalog = [draw(rules(i)) for i in range(count)]
    try:
        loaded = qcrules.loads_catalog(catalog_text(*(rule for rule, _ in catalog)))
    except qcrules.CatalogError:
        assume(False)
        raise
    plan = qcrules.compile_catalog(loaded)
    return plan, draw(st.lists(fact_sets(catalog), min_size=1, max_size=4))


def _report(plan: qcrules.Plan, facts: dict[str, Any], engine: str) -> dict[str, Any]:
    data = qcrules.report_to_dict(qcrules.evaluate(plan, facts, engine=engine))
    assert data.pop("engine") == engine
    return data


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(catalogues_with_facts())
def test_generated_catalogues_agree(case: tuple[qcrules.Plan, list[dict[str, Any]]]) -> None:
    """For any catalogue and fact sets, both engines return the same report."""
    plan, fact_sets_ = case
    for facts in fact_sets_:
        assert _report(plan, facts, "durable") == _report(plan, facts, "native")


MINI_NEAR: dict[str, list[Decimal]] = {
    "gdp-per-capita": [Decimal("8.5")], "pass-rate": [Decimal(98), Decimal(100)],
    "death-rate": [Decimal("0.01")], "teacher-ratio": [Decimal("12.5")], "award": [Decimal(1)],
    "equipment-death-rate": [Decimal("0.42")], "energy-drop": [Decimal("3.2")],
    "gdp-rank": [Decimal(10)], "quality-index": [Decimal(90), Decimal("89.95")],
}


@st.composite
def mini_facts(draw: st.DrawFn) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for compiled in MINI:
        rule = compiled.rule
        if not draw(st.integers(0, 4)):
            continue
        if not rule.kind.numeric:
            facts[rule.id] = draw(st.sampled_from([True, False, "是", "未开展", "也许"]))
            continue
        near = MINI_NEAR[rule.id]
        facts[rule.id] = draw(quantity(compiled.unit if compiled.unit in UNITS else None, near))
        if rule.reference is not None and draw(st.booleans()):
            facts[rule.reference.id] = draw(quantity(compiled.unit, near))
    if draw(st.booleans()):
        facts.pop("death-rate", None)
        facts["death-rate.deaths"] = draw(st.integers(-1, 20))
        facts["death-rate.gdp"] = draw(st.sampled_from(["600亿元", "0", "6000000万元", "-1", "many"]))
    return facts


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mini_facts())
def test_the_small_catalogue_agrees(facts: dict[str, Any]) -> None:
    """Fact sets for the small catalogue (every kind) give identical reports on both engines."""
    assert _report(MINI, facts, "durable") == _report(MINI, facts, "native")
