"""A number is read as written or refused, never read as a number nobody wrote: a comma only
separates groups of three digits, and a unit is one unit (regressions: 8,5万元/人 was read as 85,
3,6% as 36 %, 1,2,3万元/人 as 123, 3.6%% as 0.036 %, 9%#garbage and a trailing NUL accepted)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

import qcrules

PLAN = qcrules.compile_catalog(qcrules.load_catalog())


def _read(rule_id: str, value: Any) -> qcrules.Verdict:
    return qcrules.evaluate(PLAN, {rule_id: value})[rule_id]


@pytest.mark.parametrize(("rule_id", "value", "code"), [
    ("gdp-per-capita", "8,5万元/人", "QC112"),
    ("gdp-per-capita", "1,2,3万元/人", "QC112"),
    ("gdp-per-capita", "85,00元/人", "QC112"),
    ("gdp-per-capita", "8.5万元/人%", "QC112"),
    ("gdp-per-capita", {"value": "8.5", "unit": "万元/人#"}, "QC201"),
    ("gdp-per-capita", {"value": 8.5, "unit": "万元/人%"}, "QC201"),
    ("rd-intensity", "3,6%", "QC112"),
    ("rd-intensity", "3.6%%", "QC112"),
    ("rd-intensity", "9%#garbage", "QC112"),
    ("rd-intensity", "3.6%\x00", "QC112"),
    ("rd-intensity", "3.6\u200b%", "QC112"),
])
def test_a_misspelt_number_is_refused_with_its_text(rule_id: str, value: Any, code: str) -> None:
    verdict = _read(rule_id, value)
    assert verdict.status is qcrules.Status.INVALID
    assert verdict.problem is not None
    assert verdict.problem.code == code
    assert verdict.problem.fact_id == rule_id


@pytest.mark.parametrize(("rule_id", "value", "exact"), [
    ("gdp-per-capita", "85,000元/人", "8.5"),
    ("gdp-per-capita", "1,085,000元/人", "108.5"),
    ("gdp-per-capita", "85,000.5元/人", "8.50005"),
    ("gdp-per-capita", "8.5 万元/人", "8.5"),
    ("rd-intensity", "3.6%", "3.6"),
    ("rd-intensity", "36‰", "3.6"),
])
def test_a_well_written_number_reads_as_the_number_it_denotes(rule_id: str, value: str,
                                                              exact: str) -> None:
    verdict = _read(rule_id, value)
    assert verdict.value == Fraction(exact)


@pytest.mark.parametrize("text", ["8,5", "12,34", "1,2345", ",123"])
def test_parse_number_refuses_odd_groups(text: str) -> None:
    from qcrules.catalog.units import UnitProblem, parse_number

    with pytest.raises(UnitProblem) as raised:
        parse_number(text)
    assert raised.value.code == "QC112"
