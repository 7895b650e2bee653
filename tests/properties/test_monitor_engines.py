"""Differential test: a monitor on either engine reports the same changes for any updates.

Hypothesis applies a random sequence of updates (one fact or several, under a rule id, a
Chinese name, an input or reference id; values near the thresholds, in other units and forms,
or unusable) and retractions to a native and a durable monitor of the small catalogue, and of
the change and growth catalogue of the case corpus (values and base values on and beside their
boundaries, base periods). After every step both return identical changes (verdicts with their
steps), and in the end both reports equal a batch evaluation of the facts the monitors hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("durable")

import qcrules

DATA = Path(__file__).parent.parent / "data"
MINI = qcrules.compile_catalog(qcrules.load_catalog(str(DATA / "mini.yaml")))
KEYS = sorted(MINI.keys)

#: Values near the small catalogue's thresholds, in several units and forms, and bad ones.
VALUES = st.one_of(
    st.sampled_from(["8.5万元/人", "85000元/人", "84999.99元/人", "9万元/人", "98%", "0.98",
                     "97.99%", "100.01%", "0.01 人/亿元", "1:12.5", "1∶13.2", "12.4",
                     "0.42 人/十万台", "0.4", "3.2%", "第8位", "11位", "89.95", "89.94分",
                     "600亿元", "0", "-1", "12", "6000000万元"]),
    st.sampled_from([True, False, "是", "未开展", "也许", None, float("nan"), "12 kg",
                     "很多", 1, 0, 2]),
    st.decimals(min_value=-1, max_value=200, places=3, allow_nan=False, allow_infinity=False),
)

updates = st.builds(lambda key, value: ("update", key, value), st.sampled_from(KEYS), VALUES)
batches = st.builds(lambda facts: ("many", facts),
                    st.dictionaries(st.sampled_from(KEYS), VALUES, min_size=1, max_size=4))
retractions = st.builds(lambda key: ("retract", key), st.sampled_from(KEYS))
operations = st.lists(st.one_of(updates, batches, retractions), min_size=1, max_size=25)

_CHANGES_CATALOG = yaml.safe_load((DATA.parent / "cases" / "changes.yaml").read_text(
    encoding="utf-8"))["catalog"]
CHANGES = qcrules.compile_catalog(qcrules.loads_catalog(yaml.safe_dump(_CHANGES_CATALOG,
                                                                       allow_unicode=True)))
CHANGE_KEYS = sorted(CHANGES.keys)

#: Values and base values on and beside the boundaries of the change catalogue, and bad ones.
CHANGE_VALUES = st.one_of(
    st.sampled_from(["865万元", "865.01万元", "1000万元", "10000000元", "865.4万元", "865.5万元",
                     "90%", "85%", "0.9", "101%", "30项", "18项", "18.5项", "1000亿元", "500亿元",
                     "133.1亿元", "133.09亿元", "100亿元", "108亿元", "130.530625亿元",
                     "15868.74322944元/人", "10000元/人", "0.832972004929平方米/万元",
                     "0.83297200493平方米/万元", "1平方米/万元", "86%", "80%", "120件",
                     "10万人", "10件/万人", "0", "-5", "1", "12 kg"]),
    st.sampled_from([None, float("nan"), "很多", {"value": "100亿元", "period": 2025},
                     {"value": "100亿元", "period": 2026}, {"value": "108亿元", "period": "2026Q2"}]),
)
change_operations = st.lists(st.one_of(
    st.builds(lambda key, value: ("update", key, value), st.sampled_from(CHANGE_KEYS),
              CHANGE_VALUES),
    st.builds(lambda facts: ("many", facts),
              st.dictionaries(st.sampled_from(CHANGE_KEYS), CHANGE_VALUES, min_size=1, max_size=4)),
    st.builds(lambda key: ("retract", key), st.sampled_from(CHANGE_KEYS)),
), min_size=1, max_size=25)


def _apply(monitor: qcrules.Monitor, operation: tuple[Any, ...]) -> list[qcrules.VerdictChange]:
    if operation[0] == "update":
        return monitor.update(operation[1], operation[2])
    if operation[0] == "many":
        return monitor.update_many(operation[1])
    return monitor.retract(operation[1])


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_both_engines_report_the_same_changes(sequence: list[tuple[Any, ...]]) -> None:
    """Every step gives identical changes on both engines; the end state is the batch one."""
    seen: dict[str, list[qcrules.VerdictChange]] = {"native": [], "durable": []}
    with qcrules.Monitor(MINI, on_change=seen["native"].append) as native, \
            qcrules.Monitor(MINI, engine="durable", on_change=seen["durable"].append) as durable:
        for operation in sequence:
            assert _apply(durable, operation) == _apply(native, operation), operation
        assert seen["durable"] == seen["native"]
        batch = qcrules.evaluate(MINI, native.facts)
        assert native.report().verdicts == batch.verdicts
        assert durable.report().verdicts == batch.verdicts


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change_operations, st.sampled_from([2026, "2026Q2"]))
def test_both_engines_report_the_same_changes_of_change_targets(
        sequence: list[tuple[Any, ...]], period: object) -> None:
    """Changes and growth: a base arriving, changing, retracted; the same on both engines."""
    start = {"period": period, "facts": {}}
    with qcrules.Monitor(CHANGES, facts=start) as native, \
            qcrules.Monitor(CHANGES, engine="durable", facts=start) as durable:
        for operation in sequence:
            assert _apply(durable, operation) == _apply(native, operation), operation
        batch = qcrules.evaluate(CHANGES, native.facts)
        assert native.report().verdicts == batch.verdicts
        assert durable.report().verdicts == batch.verdicts
