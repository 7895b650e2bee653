"""Progress: fact sets of several periods → a time series per target and its trajectory.

Facts are grouped by their period (a fact's own ``period``, which defaults to its file's), the
periods ordered, and every period evaluated; the latest is judged against the path from the
baseline (the earliest period unless another is chosen). Pure apart from locating a bad
file-level period in its file; :func:`render_progress` words the result as text or JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import attrs

from ._compile import Plan
from ._errors import Diagnostic, FactError, Location
from ._evaluate import evaluate_plan
from ._explain import quantity_text, status_word, trajectory_line, trajectory_word
from ._facts import FactSet, period_key
from ._model import Catalog, Fact
from ._numbers import format_number
from ._periods import Period, PeriodProblem, parse_period
from ._results import Report, Verdict
from ._trajectory import TrajectoryStatus, with_trajectories

__all__ = ["PROGRESS_SCHEMA_ID", "Progress", "facts_by_period", "one_period", "progress",
           "render_progress", "single_period"]

PROGRESS_SCHEMA_ID = "qcrules-progress/1"


def _period_location(file: str | None) -> Location | None:
    """Where a fact file states its period (the line of ``period:``), or the file."""
    if file is None:
        return None
    from ._parse import LocatedMap, parse_yaml_text, read_text

    if file.lower().endswith((".yaml", ".yml", ".json")):
        text, _ = read_text(file)
        if text is not None:
            data = parse_yaml_text(text, file=file).data
            if isinstance(data, LocatedMap) and "period" in data:
                return data.at("period")
    return Location(file)


def facts_by_period(sets: Iterable[FactSet]) -> list[tuple[Period, FactSet]]:
    """Group the facts of several fact sets by period, oldest first.

    A fact belongs to its own ``period`` (which defaults to its file's); a fact set holding a
    time series (``FactSet.series``, one file for several periods) is split by period. The same
    fact given twice in one period with different values is a conflict.

    Raises:
        FactError: a period that cannot be read (QC207), a fact with no period (QC208), or a
            conflict (QC204); every problem found.
    """
    problems: list[Diagnostic] = []
    reported: set[tuple[str | None, str | None]] = set()
    groups: dict[Period, dict[str, Fact]] = {}
    sources: dict[Period, list[str]] = {}
    regions: dict[Period, str | None] = {}
    for fact_set in sets:
        file = fact_set.sources[0] if fact_set.sources else None
        rows = (((fact.id, fact) for fact in fact_set.series) if fact_set.series
                else fact_set.facts.items())
        for key, fact in rows:
            text = fact.period
            if text is None:
                if (file, None) not in reported:
                    reported.add((file, None))
                    problems.append(Diagnostic(
                        "QC208", "facts without a period", fact.location or Location(file),
                        fact_id=key, field="period",
                        expected="a period for the file (period: 2026) or for each fact"))
                continue
            try:
                period = parse_period(text)
            except PeriodProblem as problem:
                if (file, text) not in reported:
                    reported.add((file, text))
                    file_level = text == fact_set.period
                    where = _period_location(file) if file_level else fact.location
                    problems.append(problem.diagnostic(text, where,
                                                       fact_id=None if file_level else key))
                continue
            group = groups.setdefault(period, {})
            if key in group and (group[key].form, group[key].value, group[key].unit) != (
                    fact.form, fact.value, fact.unit):
                before = f" (first at {group[key].location})" if group[key].location else ""
                problems.append(Diagnostic(
                    "QC204", f"fact given twice for {period} with different values{before}",
                    fact.location, fact_id=key, field="value",
                    expected=group[key].raw or "the same value", got=fact.raw))
                continue
            group.setdefault(key, fact)
            if file and file not in sources.setdefault(period, []):
                sources[period].append(file)
            regions.setdefault(period, fact_set.region)
    if problems:
        raise FactError(problems)
    return [(period, FactSet(groups[period], region=regions.get(period), period=period.text,
                             sources=tuple(sources.get(period, ()))))
            for period in sorted(groups)]


def single_period(fact_set: FactSet, what: str) -> Period:
    """The one period of a fact set (``what`` names it in messages: facts, baseline).

    Raises:
        FactError: no period, an unreadable one, or facts of several periods (QC207, QC208).
    """
    if not fact_set.facts:
        raise FactError(Diagnostic("QC208", f"the {what} have no facts, so no period",
                                   Location(fact_set.sources[0]) if fact_set.sources else None,
                                   field="period", expected="facts of one period"))
    periods = [period for period, _ in facts_by_period([fact_set])]
    if len(periods) != 1:
        raise FactError(Diagnostic(
            "QC208", f"the {what} hold facts of several periods",
            Location(fact_set.sources[0]) if fact_set.sources else None, field="period",
            expected="facts of one period (qcrules progress shows a series)",
            got=", ".join(p.text for p in periods)))
    return periods[0]


def _held(fact_set: FactSet) -> str:
    """The periods a fact set gives, oldest first, as written in messages."""
    texts: list[str | None] = []
    for fact in fact_set.series or fact_set.facts.values():
        key = period_key(fact.period)
        if key not in texts:
            texts.append(key)

    def order(text: str | None) -> tuple[int, tuple[Any, ...], str]:
        if text is None:
            return (2, (), "")
        try:
            return (0, parse_period(text).sort_key, text)
        except PeriodProblem:
            return (1, (), text)

    return ", ".join(text or "no period" for text in sorted(texts, key=order))


def one_period(fact_set: FactSet, period: Period | None = None, *,
               what: str = "facts") -> FactSet:
    """The facts to evaluate: ``fact_set`` itself, or with ``period`` its facts of that period.

    A fact set holding a time series (the same indicator for several periods) is never
    evaluated as it is: which row would count is not for qcrules to guess.

    Raises:
        FactError: (QC210) a series and no ``period``; (QC211) no facts of ``period``; with
            ``period``, an unreadable period or a fact without one (QC207, QC208).
    """
    where = Location(fact_set.sources[0]) if fact_set.sources else None
    if period is None:
        if not fact_set.series:
            return fact_set
        seen: set[str] = set()
        repeated = None
        for fact in fact_set.series:
            if fact.id in seen:
                repeated = fact
                break
            seen.add(fact.id)
        raise FactError(Diagnostic(
            "QC210", f"the {what} hold several periods",
            (repeated.location if repeated else None) or where,
            fact_id=repeated.id if repeated else None,
            field="period", expected="facts of one period", got=_held(fact_set),
            hint=("give the facts of one period as the baseline, or show the series with "
                  "qcrules progress --baseline P") if what.startswith("baseline") else
                 "choose one (qcrules check --period P, period= in Python) or show the series "
                 "(qcrules progress)"))
    for held, facts in facts_by_period([fact_set]):
        if held == period:
            return attrs.evolve(facts, diagnostics=fact_set.diagnostics)
    raise FactError(Diagnostic(
        "QC211", f"no {what} of {period}", where, field="period",
        expected=f"one of the periods given: {_held(fact_set)}", got=period.text))


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


def progress(plan: Plan, fact_sets: Sequence[tuple[Period, FactSet]], *,
             baseline: Period | None = None) -> Progress:
    """Evaluate each period's facts and judge the latest against the path from ``baseline``
    (default: the earliest period).

    Raises:
        FactError: (QC208) fewer than two periods; (QC209) a baseline that is not one of the
            periods or is the latest one.
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
    reports = [evaluate_plan(plan, facts) for _, facts in ordered]
    reports[-1] = with_trajectories(reports[-1], reports[periods.index(start)], periods[-1],
                                    start)
    return Progress(plan.catalog, periods, tuple(reports), start)


def _value(verdict: Verdict, lang: str) -> str:
    if verdict.value is None:
        return status_word(verdict.status, lang)
    return quantity_text(verdict.value, verdict.unit, rule=verdict.rule, lang=lang)


def _number(verdict: Verdict) -> Fraction | None:
    value = verdict.value
    return value if isinstance(value, Fraction) else None


def _exact(value: Fraction | bool | None) -> str | bool | None:
    if value is None or isinstance(value, bool):
        return value
    return format_number(value, max_places=12)


def progress_to_dict(result: Progress, lang: str = "zh") -> dict[str, Any]:
    """The progress as JSON-ready data (``qcrules-progress/1``)."""
    from ._render import trajectory_to_dict

    targets = []
    for verdict in result.latest.verdicts:
        targets.append({
            "rule_id": verdict.rule_id,
            "indicator": {"zh": verdict.rule.indicator.zh, "en": verdict.rule.indicator.en},
            "kind": verdict.rule.kind.value,
            "unit": verdict.unit,
            "deadline": verdict.rule.deadline,
            "series": [{"period": period.text, "status": v.status.value,
                        "value": _exact(v.value)}
                       for period, v in result.series(verdict.rule_id)],
            "status": verdict.status.value,
            "trajectory": (trajectory_to_dict(verdict.trajectory)
                           if verdict.trajectory is not None else None),
            "explanation": trajectory_line(verdict, lang),
        })
    return {
        "schema": PROGRESS_SCHEMA_ID,
        "catalog": {"id": result.catalog.id, "title": result.catalog.title,
                    "region": result.catalog.region},
        "periods": [p.text for p in result.periods],
        "baseline_period": result.baseline.text,
        "period": result.periods[-1].text,
        "lang": lang,
        "counts": {status.value: n for status, n in result.by_trajectory.items()},
        "targets": targets,
    }


_MARKS = {TrajectoryStatus.ON_TRACK: "↗", TrajectoryStatus.BEHIND: "↘",
          TrajectoryStatus.MET_EARLY: "✔", TrajectoryStatus.DUE: "•",
          TrajectoryStatus.UNKNOWN: "?", TrajectoryStatus.NOT_APPLICABLE: " "}


def render_progress(result: Progress, fmt: str = "text", *, lang: str = "zh") -> str:
    """The progress as a text table (one column per period) with the path lines, as JSON, or
    as the HTML report of the latest period with a trend line per target."""
    if fmt == "json":
        return json.dumps(progress_to_dict(result, lang), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from ._html import render_html

        history = {v.rule_id: [(period.text, _number(verdict))
                               for period, verdict in result.series(v.rule_id)]
                   for v in result.latest.verdicts}
        return render_html(result.latest, lang=lang, history=history)
    from ._render import _pad, _target_cell, _width

    zh = lang == "zh"
    latest = result.periods[-1]
    headers = ("", "编号" if zh else "id", *(p.text for p in result.periods),
               "目标" if zh else "target", f"{latest.text}应达" if zh else f"expected {latest}",
               "进度" if zh else "trajectory", "按当前速度" if zh else "at this pace")
    rows = []
    for verdict in result.latest.verdicts:
        path = verdict.trajectory
        assert path is not None
        deadline = f"（{verdict.rule.deadline}）" if zh else f" ({verdict.rule.deadline})"
        rows.append((_MARKS[path.status], verdict.rule_id,
                     *(_value(v, lang) for _, v in result.series(verdict.rule_id)),
                     _target_cell(verdict, lang) + deadline,
                     quantity_text(path.expected, verdict.unit, rule=verdict.rule, lang=lang)
                     if path.expected is not None else "—",
                     trajectory_word(path.status, lang),
                     quantity_text(path.projected, verdict.unit, rule=verdict.rule, lang=lang)
                     if path.projected is not None else "—"))
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    title = result.catalog.title
    span = (f"进度 {result.periods[0]} → {latest}，基期 {result.baseline}" if zh
            else f"progress {result.periods[0]} → {latest}, baseline {result.baseline}")
    lines = [f"{title} — {span}",
             "  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    counts = result.by_trajectory
    words = "，".join if zh else ", ".join
    lines += ["", (f"共 {len(rows)} 项：" if zh else f"{len(rows)} targets: ")
              + words(f"{trajectory_word(s, lang)} {counts[s]}" for s in TrajectoryStatus), ""]
    for verdict in result.latest.verdicts:
        path = verdict.trajectory
        if path is not None and path.expected is not None:
            lines.append(f"{_MARKS[path.status]} {verdict.rule_id} [{verdict.rule.clause}] "
                         f"{trajectory_line(verdict, lang)}")
    return "\n".join(lines) + "\n"



def track(report: Report, fact_set: FactSet, baseline: Report, baseline_set: FactSet) -> Report:
    """``report`` (of ``fact_set``) with trajectories from ``baseline`` (of ``baseline_set``);
    each fact set must hold facts of one period.

    Raises:
        FactError: a missing, unreadable or mixed period (QC207, QC208).
        EvaluationError: the baseline period does not come first (QC209).
    """
    return with_trajectories(report, baseline, single_period(fact_set, "facts"),
                             single_period(baseline_set, "baseline facts"))
