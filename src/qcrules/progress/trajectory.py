"""Trajectories: is a target due later on its way, judged against a path from a baseline?

Pure and exact. A rule's target is reached at its deadline (the end of the deadline year); its
*path* runs from the indicator's value in a baseline period (the path starts at that period's
end) to the threshold at the deadline. The value expected for an evaluation period is the
path's value at that period's end, and the observed value is compared with it using the rule's
own bound (direction and inclusiveness). Time is counted in whole months between period ends.
The statuses are data; :mod:`qcrules.report.explain` words them. See
``docs/explanation/trajectories.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import attrs

from ..base.errors import Diagnostic, EvaluationError
from ..catalog.model import Kind, Op, Rule
from ..engine.compile import in_unit
from ..engine.results import Reason, Report, Status, Trajectory, TrajectoryStatus, Verdict
from ..facts.periods import Period, deadline_end, months_between

__all__ = ["PATH_KINDS", "expected_share", "trajectory", "with_trajectories"]

#: The kinds judged along a numeric path. A rank climbs toward its tier like any ceiling
#: (14th → 10th). Boolean and qualitative targets have no number; relative and assigned
#: targets have a threshold known only in the period itself; a range has two ends.
PATH_KINDS = frozenset({Kind.FLOOR, Kind.CEILING, Kind.COUNT, Kind.RATIO, Kind.RANK})


def expected_share(path: str, share: Fraction) -> Fraction:
    """The share of the way from baseline to target expected after ``share`` of the time.

    ``linear``: ``share``; ``front-loaded``: ``share * (2 - share)`` (half the time, three
    quarters of the way). Both are exact and run from 0 to 1.
    """
    if path == "front-loaded":
        return share * (2 - share)
    return share


def _signed(op: Op, value: Fraction, expected: Fraction) -> Fraction:
    return value - expected if op.lower else expected - value


def _number(verdict: Verdict | None) -> Fraction | None:
    if verdict is None or verdict.status not in (Status.MET, Status.NOT_MET):
        return None
    value = verdict.value
    return value if isinstance(value, Fraction) else None


def trajectory(verdict: Verdict, baseline: Verdict | None, period: Period,
               baseline_period: Period | None) -> Trajectory:
    """The trajectory of one verdict for ``period``, from ``baseline`` (the same rule's verdict
    for ``baseline_period``; ``None`` when there is no baseline).

    Raises:
        ValueError: the baseline period does not end before ``period`` does.
    """
    rule = verdict.rule
    base = Trajectory(TrajectoryStatus.NOT_APPLICABLE, period.text, rule.deadline,
                      Reason.KIND, rule.path,
                      baseline_period.text if baseline_period is not None else None)
    if baseline_period is not None and months_between(baseline_period.end, period.end) <= 0:
        msg = f"the baseline period {baseline_period} does not end before {period}"
        raise ValueError(msg)
    bound = _path_bound(rule, verdict)
    if bound is None:
        return base
    op, target = bound
    value = _number(verdict)
    base = attrs.evolve(base, op=op, target=target, value=value)
    if rule.deadline == "annual":
        return attrs.evolve(base, status=TrajectoryStatus.DUE, reason=Reason.ANNUAL)
    if rule.deadline == "ongoing":
        return attrs.evolve(base, status=TrajectoryStatus.DUE, reason=Reason.ONGOING)
    assert isinstance(rule.deadline, int)
    due = deadline_end(rule.deadline)
    if months_between(period.end, due) <= 0:
        return attrs.evolve(base, status=TrajectoryStatus.DUE, reason=Reason.DEADLINE)
    if value is None:
        return attrs.evolve(base, status=TrajectoryStatus.UNKNOWN, reason=Reason.VALUE)
    start = _number(baseline)
    met = verdict.status is Status.MET
    if baseline_period is None or baseline is None or start is None:
        if met:   # met now: no path is needed to say so
            return attrs.evolve(base, status=TrajectoryStatus.MET_EARLY, reason=Reason.NONE)
        reason = Reason.NO_BASELINE if baseline is None else Reason.BASELINE_VALUE
        return attrs.evolve(base, status=TrajectoryStatus.UNKNOWN, reason=reason)
    elapsed = months_between(baseline_period.end, period.end)
    total = months_between(baseline_period.end, due)
    if op.holds(start, target):
        expected = target   # met at the baseline: the path holds the line at the target
    else:
        expected = start + (target - start) * expected_share(rule.path, Fraction(elapsed, total))
    projected = start + (value - start) * Fraction(total, elapsed)
    if met:
        status = TrajectoryStatus.MET_EARLY
    elif op.holds(value, expected):
        status = TrajectoryStatus.ON_TRACK
    else:
        status = TrajectoryStatus.BEHIND
    return attrs.evolve(base, status=status, reason=Reason.NONE, baseline=start,
                        elapsed_months=elapsed, total_months=total, expected=expected,
                        gap=_signed(op, value, expected), projected=projected)


def _path_bound(rule: Rule, verdict: Verdict) -> tuple[Op, Fraction] | None:
    """The one directed bound a path runs to, or ``None`` for a kind with no path."""
    if rule.kind not in PATH_KINDS or len(verdict.rule.bounds) != 1:
        return None
    op = rule.bounds[0].op
    if op is Op.EQ:
        return None
    if verdict.thresholds:
        return verdict.thresholds[0]
    threshold = in_unit(rule.bounds[0].threshold, rule.indicator.unit)
    return None if threshold is None else (op, threshold)


def with_trajectories(report: Report, baseline: Report | None, period: Period,
                      baseline_period: Period | None) -> Report:
    """``report`` with a :class:`Trajectory` on every verdict, from ``baseline`` (a report of the
    same catalogue for ``baseline_period``).

    Raises:
        EvaluationError: (QC209) the baseline period does not end before ``period``.
    """
    if baseline_period is not None and months_between(baseline_period.end, period.end) <= 0:
        raise EvaluationError(Diagnostic(
            "QC209", "the baseline period does not come before the evaluation period",
            field="period", expected=f"a baseline period ending before {period} ends",
            got=str(baseline_period)))
    before: Mapping[str, Verdict] = ({v.rule_id: v for v in baseline.verdicts}
                                     if baseline is not None else {})
    verdicts = tuple(
        attrs.evolve(v, trajectory=trajectory(v, before.get(v.rule_id), period,
                                              baseline_period if baseline is not None else None))
        for v in report.verdicts)
    return attrs.evolve(report, verdicts=verdicts)
