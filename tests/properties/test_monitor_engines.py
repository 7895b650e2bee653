"""Differential test: a monitor on either engine reports the same changes for any updates.

Hypothesis applies a random sequence of updates (one fact or several, under a rule id, a
Chinese name, an input or reference id; values near the thresholds, in other units and forms,
or unusable) and retractions to a native and a durable monitor of the small catalogue. After
every step both return identical changes (verdicts with their steps), and in the end both
reports equal a batch evaluation of the facts the monitors hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
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
