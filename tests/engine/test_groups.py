"""Compound targets: "A和B均达到98%以上" is two rules and a group met only when both are."""

from __future__ import annotations

import json
from typing import Any

import pytest

import qcrules
from helpers import catalog_text, rule_yaml

QUOTE = "食品和食用农产品抽检合格率均达到98%以上"


def _plan(*extra: dict[str, Any]) -> qcrules.Plan:
    food = rule_yaml(id="food-pass", indicator={"zh": "食品抽检合格率", "unit": "%", "max": "100%"},
                     target="98%以上", quote=QUOTE, group="pass-rates")
    farm = rule_yaml(id="farm-pass", indicator={"zh": "食用农产品抽检合格率", "unit": "%",
                                                 "max": "100%"},
                     target="98%以上", quote=QUOTE, group="pass-rates")
    return qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(food, farm, *extra)))


class TestTheGroupsVerdict:
    @pytest.mark.parametrize(("food", "farm", "status"), [
        ("98%", "98.5%", "met"),
        ("98%", "97.9%", "not_met"),
        ("97%", None, "not_met"),       # a miss is a miss, whatever else is missing
        ("98%", None, "unknown"),       # missing data is never a pass
        ("98%", "130%", "invalid"),
        ("130%", None, "invalid"),      # unusable data before missing data
    ])
    def test_met_only_when_every_member_is(self, food: str, farm: str | None,
                                          status: str) -> None:
        facts = {"food-pass": food} | ({"farm-pass": farm} if farm else {})
        plan = _plan()
        for engine in qcrules.ENGINES:
            report = qcrules.evaluate(plan, facts, engine=engine)
            (group,) = report.groups
            assert (group.id, group.rule_ids, group.status.value) == (
                "pass-rates", ("food-pass", "farm-pass"), status), engine

    def test_a_catalogue_without_groups_has_none(self) -> None:
        plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(rule_yaml())))
        assert qcrules.evaluate(plan, {"r": "99%"}).groups == ()


class TestReportsShowTheGroup:
    def test_json(self) -> None:
        report = qcrules.evaluate(_plan(), {"food-pass": "99%", "farm-pass": "97%"})
        data = json.loads(qcrules.render(report, "json"))
        assert data["groups"] == [{"id": "pass-rates", "status": "not_met",
                                   "rule_ids": ["food-pass", "farm-pass"]}]

    @pytest.mark.parametrize(("fmt", "lang", "line"), [
        ("text", "zh", "组合目标 pass-rates（food-pass、farm-pass）：未达标"),
        ("text", "en", "compound target pass-rates (food-pass, farm-pass): not met"),
        ("markdown", "zh", "- 组合目标 pass-rates（food-pass、farm-pass）：未达标"),
    ])
    def test_text_and_markdown(self, fmt: str, lang: str, line: str) -> None:
        report = qcrules.evaluate(_plan(), {"food-pass": "99%", "farm-pass": "97%"})
        assert line in qcrules.render(report, fmt, lang=lang).splitlines()


class TestValidation:
    def test_the_group_survives_a_dump(self) -> None:
        catalog = _plan().catalog
        assert qcrules.loads_catalog(qcrules.dump_catalog(catalog)) == catalog
        assert [rule.group for rule in catalog] == ["pass-rates", "pass-rates"]

    def test_two_bounds_of_one_indicator_may_share_its_name_in_a_group(self) -> None:
        """稳定在98%以上，且不低于全省平均水平: one indicator, two rules, one group."""
        quote = "稳定在98%以上，且不低于全省平均水平"
        level = rule_yaml(id="level", target="稳定在98%以上", quote=quote, group="both")
        average = rule_yaml(id="vs-province", kind="relative", target="不低于", quote=quote,
                            group="both", reference={"id": "vs-province.province-average"})
        plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(level, average)))
        report = qcrules.evaluate(plan, {"指标": "98.5%", "vs-province.province-average": "99%"})
        assert [v.status.value for v in report.verdicts] == ["met", "not_met"]
        assert report.groups[0].status is qcrules.Status.NOT_MET

    @pytest.mark.parametrize(("rules", "code"), [
        ([rule_yaml(group="alone")], "QC105"),
        ([rule_yaml(id="a", group="b", indicator={"zh": "甲", "unit": "%"}),
          rule_yaml(id="b", group="b", indicator={"zh": "乙", "unit": "%"})], "QC105"),
        ([rule_yaml(group="Not An Id")], "QC101"),
    ])
    def test_a_group_that_cannot_be_one_is_refused(self, rules: list[dict[str, Any]],
                                                   code: str) -> None:
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(catalog_text(*rules), file="c.yaml")
        assert [(d.code, d.field) for d in raised.value.diagnostics] == [(code, "group")]
