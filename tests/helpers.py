"""Small builders shared by the tests: a one-rule catalogue from a few fields."""

from __future__ import annotations

from typing import Any

import yaml

import qcrules


def rule_yaml(**fields: Any) -> dict[str, Any]:
    """A valid rule mapping, overridden by ``fields``."""
    rule: dict[str, Any] = {
        "id": "r",
        "indicator": {"zh": "指标", "en": "indicator", "unit": "%"},
        "kind": "floor",
        "target": "达98%",
        "commitment": "ensure",
        "deadline": 2027,
        "clause": "二(一)1",
        "quote": "确保指标达98%",
        "lead": ["市统计局"],
    }
    rule.update(fields)
    return rule


def catalog_text(*rules: dict[str, Any]) -> str:
    """A catalogue document holding ``rules``."""
    return yaml.safe_dump({"qcrules": 1, "catalog": {"id": "t", "title": "测试"},
                           "rules": list(rules)}, allow_unicode=True, sort_keys=False)


def one_rule_plan(**fields: Any) -> qcrules.Plan:
    """A compiled plan with one rule built by :func:`rule_yaml`."""
    return qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(rule_yaml(**fields))))


def status_of(plan: qcrules.Plan, value: Any, **facts: Any) -> qcrules.Status:
    """The status of rule ``r`` when its fact is ``value`` (plus any other facts)."""
    return qcrules.evaluate(plan, {"r": value, **facts})["r"].status
