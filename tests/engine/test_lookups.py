"""What evaluation keeps so as not to compute it twice gives what computing it again gives:
the report's look-up by rule id, the did-you-mean of an unmatched fact name, and the quantity
texts already read. Checked on the case corpus, the examples and random fact sets."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qcrules
from qcrules.catalog.units import parse_quantity
from qcrules.strategies import catalogs, fact_sets

ROOT = Path(__file__).parents[2]
CASES = ROOT / "tests" / "cases"
PLAN = qcrules.compile_catalog(qcrules.load_catalog())
FORMATS = ("text", "json", "markdown", "csv", "html", "junit")


def _corpus() -> list[tuple[qcrules.Plan, Any]]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        if path.name == "divergences.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        catalog = data["catalog"]
        loaded = (qcrules.load_catalog(str(path.parent / catalog)) if isinstance(catalog, str)
                  else qcrules.loads_catalog(yaml.safe_dump(catalog, allow_unicode=True)))
        plan = qcrules.compile_catalog(loaded)
        found += [(plan, case.get("facts") or {}) for case in data["cases"]]
    found += [(PLAN, qcrules.load_facts(str(ROOT / "examples" / name)))
              for name in ("tongcheng-2024.yaml", "tongcheng-2026.yaml")]
    return found


CORPUS = _corpus()


def _scan(report: qcrules.Report, rule_id: str) -> qcrules.Verdict:
    """The look-up as a scan of the verdicts in order: the first with the id."""
    for verdict in report.verdicts:
        if verdict.rule_id == rule_id:
            return verdict
    raise KeyError(rule_id)


def _everything(report: qcrules.Report) -> dict[str, Any]:
    """Every field, step, explanation and format of a report."""
    return {"verdicts": [repr(v) for v in report.verdicts],
            "diagnostics": [repr(d) for d in report.diagnostics],
            "explained": [str(qcrules.explain(v, lang)) for v in report.verdicts
                          for lang in ("zh", "en")],
            **{name: qcrules.render(report, name) for name in FORMATS}}


@pytest.mark.parametrize(("plan", "facts"), CORPUS)
def test_report_looks_up_every_rule_as_a_scan_would(plan: qcrules.Plan, facts: Any) -> None:
    report = qcrules.evaluate(plan, facts)
    for verdict in report.verdicts:
        assert report[verdict.rule_id] is _scan(report, verdict.rule_id)
    with pytest.raises(KeyError, match="no-such-rule"):
        report["no-such-rule"]


def test_report_look_up_gives_the_first_of_a_repeated_id_and_survives_evolve() -> None:
    report = qcrules.evaluate(PLAN, {"gdp-per-capita": "8.4万元/人"})
    first = report.verdicts[0]
    later = attrs.evolve(first, status=qcrules.Status.MET)
    doubled = attrs.evolve(report, verdicts=(*report.verdicts, later))
    assert doubled[first.rule_id] is first
    assert report[first.rule_id] is first  # built once, then kept: the same verdict again
    assert report == qcrules.evaluate(PLAN, {"gdp-per-capita": "8.4万元/人"})
    other = attrs.evolve(report, verdicts=(later, *report.verdicts[1:]))
    assert other[first.rule_id] is later  # an evolved report looks up its own verdicts


@pytest.mark.parametrize("name", ["gdp-per-capta", "rd-intensty", "zzz-unknown", "人均地区生产总值（元）",
                                  "全社会研发经费支出占地区生产总值比重"])
def test_unmatched_fact_hint_is_the_nearest_name_every_time(name: str) -> None:
    close = difflib.get_close_matches(name, list(PLAN.keys), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else None
    for _ in range(3):  # the first search and the kept answer give the same diagnostic
        report = qcrules.evaluate(PLAN, {name: 1, "gdp-per-capita": "8.5万元/人"})
        (diagnostic,) = [d for d in report.diagnostics if d.code == "QC202"]
        assert diagnostic.hint == hint
        assert diagnostic.fact_id == name
    assert PLAN.nearest_key(name) == (close[0] if close else None)


def test_nearest_key_is_kept_per_plan() -> None:
    other = qcrules.compile_catalog(qcrules.loads_catalog(
        (ROOT / "tests" / "data" / "mini.yaml").read_text(encoding="utf-8")))
    assert PLAN.nearest_key("gdp-per-capta") == "gdp-per-capita"
    expected = difflib.get_close_matches("pass-rat", list(other.keys), n=1, cutoff=0.6)
    assert other.nearest_key("pass-rat") == expected[0]
    assert PLAN.nearest_key("pass-rat") == (
        difflib.get_close_matches("pass-rat", list(PLAN.keys), n=1, cutoff=0.6) or [None])[0]


@pytest.mark.parametrize(("plan", "facts"), CORPUS)
def test_quantities_read_again_give_the_same_report(plan: qcrules.Plan, facts: Any) -> None:
    parse_quantity.cache_clear()
    cold = _everything(qcrules.evaluate(plan, facts))
    assert _everything(qcrules.evaluate(plan, facts)) == cold


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.data())
def test_random_fact_sets_read_again_give_the_same_report(catalog: qcrules.Catalog,
                                                           data: st.DataObject) -> None:
    facts = data.draw(fact_sets(catalog, invalid=True))
    plan = qcrules.compile_catalog(catalog)
    parse_quantity.cache_clear()
    cold = qcrules.evaluate(plan, facts)
    warm = qcrules.evaluate(plan, facts)
    assert _everything(warm) == _everything(cold)
    for verdict in warm.verdicts:
        assert warm[verdict.rule_id] is _scan(warm, verdict.rule_id)
