"""Progress: fact sets of several periods → a time series per target and its trajectory.

Facts are grouped by their period (a fact's own ``period``, which defaults to its file's), the
periods ordered, and every period evaluated; the latest is judged against the path from the
baseline (the earliest period unless another is chosen). Pure apart from locating a bad
file-level period in its file; :func:`render_progress` words the result as text or JSON.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ..base.errors import Diagnostic, FactError, UsageError
from ..catalog.model import PROGRESS_METHODS, Catalog
from ..engine.compile import Plan
from ..engine.evaluate import evaluate_plan
from ..engine.results import Report, TrajectoryCategory, TrajectoryStatus, Verdict
from ..facts.model import FactSet
from ..facts.periods import Period, single_period, with_base_values
from .trajectory import with_trajectories

__all__ = ["Progress", "progress", "track"]


@attrs.frozen
class Progress:
    """Every period's report, oldest first; the last carries trajectories from ``baseline``."""

    catalog: Catalog = attrs.field(eq=False, repr=False)
    periods: tuple[Period, ...]
    reports: tuple[Report, ...]
    baseline: Period

    @property
    def latest(self) -> Report:
        """The report of the latest period, with a trajectory on every verdict."""
        return self.reports[-1]

    def series(self, rule_id: str) -> tuple[tuple[Period, Verdict], ...]:
        """One target's verdict in every period, oldest first."""
        return tuple((period, report[rule_id])
                     for period, report in zip(self.periods, self.reports, strict=True))

    @property
    def by_trajectory(self) -> dict[TrajectoryStatus, int]:
        """How many targets are in each trajectory state (every state present)."""
        counts = dict.fromkeys(TrajectoryStatus, 0)
        for verdict in self.latest.verdicts:
            if verdict.trajectory is not None:
                counts[verdict.trajectory.status] += 1
        return counts

    @property
    def by_category(self) -> dict[TrajectoryCategory, int]:
        """How many targets each method's category holds (only the categories that occur)."""
        counts: dict[TrajectoryCategory, int] = {}
        for verdict in self.latest.verdicts:
            path = verdict.trajectory
            if path is not None and path.category is not None:
                counts[path.category] = counts.get(path.category, 0) + 1
        return {category: counts[category] for category in TrajectoryCategory
                if category in counts}


def progress(plan: Plan, fact_sets: Sequence[tuple[Period, FactSet]], *,
             baseline: Period | None = None, method: str | None = None) -> Progress:
    """Evaluate each period's facts and judge the latest's progress from ``baseline``
    (default: the earliest period) by ``method`` (default: each rule's, else the catalogue's).

    Raises:
        FactError: (QC208) fewer than two periods; (QC209) a baseline that is not one of the
            periods or is the latest one.
        UsageError: (QC142) an unknown method.
    """
    ordered = sorted(fact_sets, key=lambda item: item[0].sort_key)
    periods = tuple(period for period, _ in ordered)
    if len(periods) < 2:
        raise FactError(Diagnostic(
            "QC208", "progress needs facts of at least two periods", field="period",
            expected="a baseline period and a later one",
            got=", ".join(p.text for p in periods) or "none"))
    start = baseline or periods[0]
    if start not in periods or start == periods[-1]:
        raise FactError(Diagnostic(
            "QC209", "the baseline must be one of the periods given, before the latest",
            field="baseline", expected=", ".join(p.text for p in periods[:-1]),
            got=start.text))
    if method is not None and method not in PROGRESS_METHODS:
        raise UsageError(Diagnostic(
            "QC142", "unknown progress method", field="method",
            expected=", ".join(PROGRESS_METHODS), got=repr(method)))
    everything = [facts for _, facts in ordered]
    reports = [evaluate_plan(plan, with_base_values(facts, everything, plan.bases))
               for _, facts in ordered]
    first = periods.index(start)
    reports[-1] = with_trajectories(reports[-1], reports[first], periods[-1], start,
                                    method=method,
                                    series=tuple(zip(periods[first:], reports[first:],
                                                     strict=True)))
    return Progress(plan.catalog, periods, tuple(reports), start)


def track(report: Report, fact_set: FactSet, baseline: Report, baseline_set: FactSet, *,
          method: str | None = None) -> Report:
    """``report`` (of ``fact_set``) with trajectories from ``baseline`` (of ``baseline_set``),
    judged by ``method`` when given; each fact set must hold facts of one period.

    Raises:
        FactError: a missing, unreadable or mixed period (QC207, QC208).
        EvaluationError: the baseline period does not come first (QC209).
    """
    return with_trajectories(report, baseline, single_period(fact_set, "facts"),
                             single_period(baseline_set, "baseline facts"), method=method)
