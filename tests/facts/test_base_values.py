"""A change's or growth's base value from the series or the baseline: 比2020年… reads the
indicator's fact of 2020 when ``<rule-id>.baseline`` is not given."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import qcrules
from helpers import catalog_text, rule_yaml
from qcrules.cli import main

RULES = (rule_yaml(id="spending", indicator={"zh": "一般性支出", "unit": "万元"}, kind="change",
                   target="比2020年压减13.5%", quote="一般性支出比2020年压减13.5%"),
         rule_yaml(id="income", indicator={"zh": "人均可支配收入", "unit": "元/人"}, kind="growth",
                   target="年均增长8%以上", base=2020, quote="人均可支配收入年均增长8%以上"))
PLAN = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(*RULES)))
SERIES = {"facts": [
    {"id": "spending", "value": "1000万元", "period": 2020},
    {"id": "人均可支配收入", "value": "10000元/人", "period": 2020},
    {"id": "spending", "value": "865万元", "period": 2026},
    {"id": "income", "value": "15868.74322944元/人", "period": 2026},
]}


def _statuses(report: qcrules.Report) -> dict[str, str]:
    return {v.rule_id: v.status.value for v in report.verdicts}


@pytest.mark.parametrize("engine", qcrules.ENGINES)
def test_the_series_gives_the_base_year(engine: str) -> None:
    """On the boundary: 865 against 1000 is exactly 13.5 % less; 8 % a year exactly."""
    report = qcrules.evaluate(PLAN, SERIES, period=2026, engine=engine)
    assert _statuses(report) == {"spending": "met", "income": "met"}
    assert [v.margin for v in report.verdicts] == [0, 0]
    lines = qcrules.explain(report["spending"]).steps
    assert "数据 基期值 spending.baseline = 1000万元（2020）" in lines


def test_a_baseline_file_of_the_base_year_gives_it() -> None:
    now = {"period": 2026, "facts": {"spending": "865.01万元"}}
    then = {"period": 2020, "facts": {"一般性支出": "1000万元"}}
    report = qcrules.evaluate(PLAN, now, baseline=then)
    assert report["spending"].status is qcrules.Status.NOT_MET  # just outside: 13.499 %


def test_a_base_value_given_is_kept() -> None:
    facts = dict(SERIES)
    facts["facts"] = [*SERIES["facts"],
                      {"id": "spending.baseline", "value": "1001万元", "period": 2026}]
    report = qcrules.evaluate(PLAN, facts, period=2026)
    assert report["spending"].status is qcrules.Status.MET
    assert report["spending"].margin != 0


def test_no_fact_of_the_base_year_leaves_it_unknown() -> None:
    report = qcrules.evaluate(PLAN, {"period": 2026, "facts": {"spending": "865万元"}})
    assert report["spending"].missing == ("spending.baseline",)


def test_progress_over_the_series() -> None:
    result = qcrules.progress(PLAN, SERIES)
    assert _statuses(result.latest) == {"spending": "met", "income": "met"}


def test_check_a_series_file_for_one_period(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(catalog_text(*RULES), encoding="utf-8")
    series = tmp_path / "series.csv"
    series.write_text("指标,数值,时期\nspending,1000万元,2020\nspending,866万元,2026\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(series), "-r", str(rules), "--period", "2026",
                                       "-f", "json"])
    assert '"status": "not_met"' in result.stdout
    assert "spending.baseline" in result.stdout
