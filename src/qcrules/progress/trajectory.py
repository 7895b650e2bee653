"""Trajectories: is a target due later on its way, judged against a path from a baseline?

Pure and exact. A rule's target is reached at its deadline (the end of the deadline year); its
*path* runs from the indicator's value in a baseline period (the path starts at that period's
end) to the threshold at the deadline. The value expected for an evaluation period is the
path's value at that period's end, and the observed value is compared with it using the rule's
own bound (direction and inclusiveness). Time is counted in whole months between period ends.
The statuses are data; :mod:`qcrules.report.explain` words them. See
``docs/explanation/trajectories.md``.

Three methods judge the way (``Trajectory.method``): ``path`` (the path above, qcrules' own and
the default); ``sdg``, the Statistics Canada method open-sdg publishes (the ratio R of the
observed to the required compound annual growth rate, categories at 0.95, 0.6 and 0); ``un``,
the UN SDG Progress Chart (the current trend projected to the deadline, the share of the way
from the baseline to the target it covers, categories at 0.95 and 0.10). The growth rates are
roots, so those two compute in a 40-digit decimal context and record the results to 30
significant digits; the path stays exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

import attrs

from ..base.errors import Diagnostic, EvaluationError, UsageError
from ..catalog.model import PROGRESS_METHODS, Kind, Op, Rule
from ..engine.compile import in_unit
from ..engine.results import (
    Reason,
    Report,
    Status,
    Trajectory,
    TrajectoryCategory,
    TrajectoryStatus,
    Verdict,
)
from ..facts.periods import Period, deadline_end, months_between

__all__ = ["GROWTH_KINDS", "HELD_WORDS", "PATH_KINDS", "SDG_PARAMETERS", "UN_PARAMETERS",
           "expected_share", "held_in_every_period", "method_of", "trajectory",
           "with_trajectories"]

#: The kinds judged along a numeric path. A rank climbs toward its tier like any ceiling
#: (14th → 10th). Boolean and qualitative targets have no number; relative and assigned
#: targets have a threshold known only in the period itself; a range has two ends.
PATH_KINDS = frozenset({Kind.FLOOR, Kind.CEILING, Kind.COUNT, Kind.RATIO, Kind.RANK})

#: The kinds the growth methods (``sdg``, ``un``) judge: quantities that grow or shrink,
#: including a change or growth against its base (judged in the change's own terms). A rank
#: is an order, not a quantity: a compound growth rate of "14th" means nothing.
GROWTH_KINDS = frozenset({Kind.FLOOR, Kind.CEILING, Kind.COUNT, Kind.RATIO, Kind.CHANGE,
                          Kind.GROWTH})

#: The ``sdg`` method's thresholds on R and the value it puts for a zero base or target.
SDG_PARAMETERS = (("substantial", Fraction("0.95")), ("moderate", Fraction("0.6")),
                  ("limited", Fraction(0)), ("zero_replacement", Fraction("0.001")))
#: The ``un`` method's thresholds on the share of the way the projection covers.
UN_PARAMETERS = (("on_track", Fraction("0.95")), ("fair", Fraction("0.10")))

#: Words of a target to be held in every period (稳定在98%以上, 保持在…): met only when each
#: period of the series meets it.
HELD_WORDS = ("稳定在", "保持在", "始终")

_SDG_ZERO = Fraction("0.001")
_DIGITS = 30


def method_of(rule: Rule, catalog_method: str = "path", method: str | None = None) -> str:
    """The method that judges ``rule``: ``method`` (given for the call), else the rule's own,
    else the catalogue's."""
    chosen = method or rule.method or catalog_method
    if chosen not in PROGRESS_METHODS:
        msg = f"unknown progress method {chosen!r}"
        raise ValueError(msg)
    return chosen


def held_in_every_period(rule: Rule) -> bool:
    """Whether the plan asks the target to be held in every period (稳定在…以上)."""
    return any(word in rule.quote for word in HELD_WORDS)


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
               baseline_period: Period | None, *, method: str = "path",
               broken_period: str | None = None) -> Trajectory:
    """The trajectory of one verdict for ``period``, from ``baseline`` (the same rule's verdict
    for ``baseline_period``; ``None`` when there is no baseline), judged by ``method``
    (``path``, ``sdg`` or ``un``). ``broken_period`` names the first period of the series that
    missed a target to be held in every period: such a target is then never achieved early.

    Raises:
        ValueError: the baseline period does not end before ``period`` does; an unknown method.
    """
    rule = verdict.rule
    if method not in PROGRESS_METHODS:
        msg = f"unknown progress method {method!r}"
        raise ValueError(msg)
    parameters = {"sdg": SDG_PARAMETERS, "un": UN_PARAMETERS}.get(method, ())
    base = Trajectory(TrajectoryStatus.NOT_APPLICABLE, period.text, rule.deadline,
                      Reason.KIND, rule.path,
                      baseline_period.text if baseline_period is not None else None,
                      method=method, category=TrajectoryCategory.NOT_APPLICABLE,
                      parameters=parameters, broken_period=broken_period)
    if baseline_period is not None and months_between(baseline_period.end, period.end) <= 0:
        msg = f"the baseline period {baseline_period} does not end before {period}"
        raise ValueError(msg)
    bound = _path_bound(rule, verdict, PATH_KINDS if method == "path" else GROWTH_KINDS)
    if bound is None:
        return base
    if method != "path":
        return _growth(method, base, verdict, baseline, period, baseline_period, bound)
    op, target = bound
    value = _number(verdict)
    met = verdict.status is Status.MET
    achieved = met and broken_period is None
    base = attrs.evolve(base, op=op, target=target, value=value, direction=1 if op.lower else -1,
                        category=_due_category(verdict, broken_period))
    if rule.deadline == "annual":
        return attrs.evolve(base, status=TrajectoryStatus.DUE, reason=Reason.ANNUAL)
    if rule.deadline == "ongoing":
        return attrs.evolve(base, status=TrajectoryStatus.DUE, reason=Reason.ONGOING)
    assert isinstance(rule.deadline, int)
    due = deadline_end(rule.deadline)
    if months_between(period.end, due) <= 0:
        return attrs.evolve(base, status=TrajectoryStatus.DUE, reason=Reason.DEADLINE)
    if value is None:
        return attrs.evolve(base, status=TrajectoryStatus.UNKNOWN, reason=Reason.VALUE,
                            category=TrajectoryCategory.NOT_ASSESSABLE)
    start = _number(baseline)
    if baseline_period is None or baseline is None or start is None:
        if achieved:   # met now: no path is needed to say so
            return attrs.evolve(base, status=TrajectoryStatus.MET_EARLY, reason=Reason.NONE,
                                category=TrajectoryCategory.TARGET_ACHIEVED)
        reason = Reason.NO_BASELINE if baseline is None else Reason.BASELINE_VALUE
        return attrs.evolve(base, status=TrajectoryStatus.UNKNOWN, reason=reason,
                            category=TrajectoryCategory.NOT_ASSESSABLE)
    elapsed = months_between(baseline_period.end, period.end)
    total = months_between(baseline_period.end, due)
    if op.holds(start, target):
        expected = target   # met at the baseline: the path holds the line at the target
    else:
        expected = start + (target - start) * expected_share(rule.path, Fraction(elapsed, total))
    projected = start + (value - start) * Fraction(total, elapsed)
    if achieved:
        status, category = TrajectoryStatus.MET_EARLY, TrajectoryCategory.TARGET_ACHIEVED
    elif op.holds(value, expected):
        status, category = TrajectoryStatus.ON_TRACK, TrajectoryCategory.ON_TRACK
    else:
        status, category = TrajectoryStatus.BEHIND, TrajectoryCategory.BEHIND
    share = (None if op.holds(start, target) or expected == start
             else (value - start) / (expected - start))
    return attrs.evolve(base, status=status, reason=Reason.NONE, baseline=start,
                        elapsed_months=elapsed, total_months=total, expected=expected,
                        gap=_signed(op, value, expected), projected=projected,
                        category=category, progress_value=share)


def _due_category(verdict: Verdict, broken_period: str | None = None) -> TrajectoryCategory:
    """The category of a target the verdict itself decides (due, or annual): achieved only
    when met, and for a target to be held in every period, held in each."""
    if verdict.status is Status.MET:
        if broken_period is not None:
            return TrajectoryCategory.BEHIND
        return TrajectoryCategory.TARGET_ACHIEVED
    if verdict.status is Status.NOT_MET:
        return TrajectoryCategory.BEHIND
    return TrajectoryCategory.NOT_ASSESSABLE


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


#: Results beyond ±10^60 (a growth from a zero base, replaced by 0.001, over a few months) are
#: not recorded as numbers; the category read from them still is.
_LARGEST = 60


def _fraction(value: Decimal) -> Fraction | None:
    """A decimal result to :data:`_DIGITS` significant digits, as an exact fraction; ``None``
    beyond ±10^:data:`_LARGEST`."""
    if value != 0 and value.adjusted() > _LARGEST:
        return None
    with localcontext() as context:
        context.prec = _DIGITS
        return Fraction(+value)


def _cagr(start: Fraction, end: Fraction, years: Fraction) -> Decimal:
    """The compound annual growth rate from ``start`` to ``end`` over ``years`` (> 0), in the
    caller's decimal context: (end / start) ^ (1 / years) − 1, both of one sign."""
    ratio = end / start
    if ratio == 0:
        return Decimal(-1)
    return _decimal(ratio) ** (Decimal(years.denominator) / Decimal(years.numerator)) - 1


def _growth(method: str, base: Trajectory, verdict: Verdict, baseline: Verdict | None,
            period: Period, baseline_period: Period | None,
            bound: tuple[Op, Fraction]) -> Trajectory:
    """The ``sdg`` or ``un`` judgement of one verdict (see the module's docstring)."""
    rule = verdict.rule
    op, target = bound
    value = _number(verdict)
    direction = 1 if op.lower else -1
    achieved = verdict.status is Status.MET and base.broken_period is None
    base = attrs.evolve(base, op=op, target=target, value=value, direction=direction)
    assessable = TrajectoryCategory.NOT_ASSESSABLE
    if not isinstance(rule.deadline, int):
        reason = Reason.ANNUAL if rule.deadline == "annual" else Reason.ONGOING
        return attrs.evolve(base, status=TrajectoryStatus.DUE, reason=reason,
                            category=_due_category(verdict, base.broken_period))
    due = deadline_end(rule.deadline)
    reached = months_between(period.end, due) <= 0
    if value is None:
        status = TrajectoryStatus.DUE if reached else TrajectoryStatus.UNKNOWN
        return attrs.evolve(base, status=status,
                            reason=Reason.DEADLINE if reached else Reason.VALUE,
                            category=assessable)
    if achieved:   # target achieved, whatever the trend
        return attrs.evolve(base, status=TrajectoryStatus.DUE if reached
                            else TrajectoryStatus.MET_EARLY,
                            reason=Reason.DEADLINE if reached else Reason.NONE,
                            category=TrajectoryCategory.TARGET_ACHIEVED)
    start = _number(baseline)
    if baseline_period is None or baseline is None or start is None:
        reason = Reason.NO_BASELINE if baseline is None else Reason.BASELINE_VALUE
        return attrs.evolve(base, status=TrajectoryStatus.DUE if reached
                            else TrajectoryStatus.UNKNOWN,
                            reason=Reason.DEADLINE if reached else reason, category=assessable)
    elapsed = months_between(baseline_period.end, period.end)
    total = months_between(baseline_period.end, due)
    base = attrs.evolve(base, baseline=start, elapsed_months=elapsed, total_months=total,
                        status=TrajectoryStatus.DUE if reached else TrajectoryStatus.UNKNOWN,
                        reason=Reason.DEADLINE if reached else Reason.NONE)
    substituted: list[str] = []
    b, goal = start, target
    if b == 0:
        b = _SDG_ZERO
        substituted.append("baseline")
    if goal == 0:
        goal = _SDG_ZERO
        substituted.append("target")
    base = attrs.evolve(base, substituted=tuple(substituted))
    if (value != 0 and (value > 0) != (b > 0)) or (goal > 0) != (b > 0) or total <= 0:
        return attrs.evolve(base, category=assessable)   # signs differ: no compound growth
    years, years_total = Fraction(elapsed, 12), Fraction(total, 12)
    try:
        with localcontext() as context:
            context.prec = 40
            observed = _cagr(b, value, years)
            required = _cagr(b, goal, years_total)
            ahead = Decimal(max(0, total - elapsed)) / 12   # years from now to the deadline
            projected = _decimal(value) * (1 + observed) ** ahead
            expected = _decimal(b) * (1 + required) ** (Decimal(elapsed) / 12)
            sign = 1 if b > 0 else -1
            if method == "sdg":
                measure = (None if required == 0
                           else sign * direction * observed / abs(required))
            else:
                span = target - start
                measure = None if span == 0 else (projected - _decimal(start)) / _decimal(span)
    except ArithmeticError:   # a growth too large for any decimal: nothing to judge by
        return attrs.evolve(base, category=assessable)
    expected_value = _fraction(expected)
    base = attrs.evolve(base, cagr_observed=_fraction(observed),
                        cagr_required=_fraction(required), projected=_fraction(projected),
                        expected=expected_value,
                        gap=None if expected_value is None else _signed(op, value, expected_value))
    if measure is None:
        return attrs.evolve(base, category=assessable)
    with localcontext() as context:
        context.prec = _DIGITS   # the category is read from the value recorded
        measure = +measure
        if method == "un" and op.holds(start, target):
            measure = min(measure, Decimal(0))   # met at the baseline, missed now: regression
        category = _category(method, measure)
    share = _fraction(measure)
    on_track = category in (TrajectoryCategory.SUBSTANTIAL, TrajectoryCategory.ON_TRACK)
    status = (base.status if reached
              else TrajectoryStatus.ON_TRACK if on_track else TrajectoryStatus.BEHIND)
    return attrs.evolve(base, status=status, category=category, progress_value=share)


def _category(method: str, measure: Decimal) -> TrajectoryCategory:
    """The category of a progress value: R (``sdg``) or the share covered (``un``)."""
    if method == "sdg":
        limits = {name: _decimal(value) for name, value in SDG_PARAMETERS}
        if measure >= limits["substantial"]:
            return TrajectoryCategory.SUBSTANTIAL
        if measure >= limits["moderate"]:
            return TrajectoryCategory.MODERATE
        if measure >= limits["limited"]:
            return TrajectoryCategory.LIMITED
        return TrajectoryCategory.DETERIORATION
    limits = {name: _decimal(value) for name, value in UN_PARAMETERS}
    if measure >= limits["on_track"]:
        return TrajectoryCategory.ON_TRACK
    if measure >= limits["fair"]:
        return TrajectoryCategory.FAIR
    return TrajectoryCategory.STAGNATION


def _path_bound(rule: Rule, verdict: Verdict,
                kinds: frozenset[Kind] = PATH_KINDS) -> tuple[Op, Fraction] | None:
    """The one directed bound a path runs to, or ``None`` for a kind with no path."""
    if rule.kind not in kinds or len(verdict.rule.bounds) != 1:
        return None
    op = rule.bounds[0].op
    if op is Op.EQ:
        return None
    if verdict.thresholds:
        return verdict.thresholds[0]
    threshold = in_unit(rule.bounds[0].threshold, rule.indicator.unit)
    return None if threshold is None else (op, threshold)


def with_trajectories(report: Report, baseline: Report | None, period: Period,
                      baseline_period: Period | None, *, method: str | None = None,
                      series: Sequence[tuple[Period, Report]] = ()) -> Report:
    """``report`` with a :class:`Trajectory` on every verdict, from ``baseline`` (a report of the
    same catalogue for ``baseline_period``), each judged by ``method`` when given, else by its
    rule's own method, else by the catalogue's. ``series`` holds the reports of the periods
    from the baseline to ``period`` (default: the baseline and ``report``): a target to be held
    in every period (稳定在…以上) is achieved only when each of them meets it.

    Raises:
        EvaluationError: (QC209) the baseline period does not end before ``period``.
        UsageError: (QC142) an unknown method.
    """
    if method is not None and method not in PROGRESS_METHODS:
        raise UsageError(Diagnostic(
            "QC142", "unknown progress method", field="method",
            expected=", ".join(PROGRESS_METHODS), got=repr(method)))
    if baseline_period is not None and months_between(baseline_period.end, period.end) <= 0:
        raise EvaluationError(Diagnostic(
            "QC209", "the baseline period does not come before the evaluation period",
            field="period", expected=f"a baseline period ending before {period} ends",
            got=str(baseline_period)))
    before: Mapping[str, Verdict] = ({v.rule_id: v for v in baseline.verdicts}
                                     if baseline is not None else {})
    if not series:
        series = ((((baseline_period, baseline),) if baseline is not None
                   and baseline_period is not None else ()) + ((period, report),))
    catalog_method = report.catalog.method
    verdicts = tuple(
        attrs.evolve(v, trajectory=trajectory(
            v, before.get(v.rule_id), period,
            baseline_period if baseline is not None else None,
            method=method_of(v.rule, catalog_method, method),
            broken_period=_broken(v.rule, series)))
        for v in report.verdicts)
    return attrs.evolve(report, verdicts=verdicts)


def _broken(rule: Rule, series: Sequence[tuple[Period, Report]]) -> str | None:
    """The first period of ``series`` that missed a target to be held in every period."""
    if not held_in_every_period(rule):
        return None
    for period, report in series:
        if report[rule.id].status is Status.NOT_MET:
            return period.text
    return None
