"""Charts of the HTML report as plain view data: geometry in SVG user units, labels as text.

Pure: the numbers come from a report (and its trajectories) and go to the templates
(``_charts.html``), which write them as inline SVG with every label escaped. Geometry is
float — it is for the eye only; every judged number stays exact in the report.

- :func:`status_bars` and :func:`category_bars`: the counts of a report (or of its
  trajectories' categories) as one stacked bar, and one per section and per lead department;
- :func:`trajectory_chart`: one dated target over time — the observed periods as points, the
  target at its deadline, the chosen method's path or projection dashed to the deadline, the
  category named beside it, a labelled year axis and a value axis in the rule's unit.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from ..catalog.model import Catalog
from ..engine.results import Report, Status, Trajectory, TrajectoryCategory, Verdict
from ..facts.periods import Period, PeriodProblem, deadline_end, parse_period
from ..progress.trajectory import expected_share
from .explain import category_word, display_number, method_word, quantity_text, status_word

__all__ = ["CATEGORY_ORDER", "BarRow", "Segment", "StackedBars", "TrajectoryChart",
           "category_bars", "status_bars", "trajectory_chart"]

#: The order categories are stacked in: best first, then the ones with no judgement.
CATEGORY_ORDER = (
    TrajectoryCategory.TARGET_ACHIEVED, TrajectoryCategory.ON_TRACK,
    TrajectoryCategory.SUBSTANTIAL, TrajectoryCategory.MODERATE, TrajectoryCategory.FAIR,
    TrajectoryCategory.LIMITED, TrajectoryCategory.BEHIND, TrajectoryCategory.STAGNATION,
    TrajectoryCategory.DETERIORATION, TrajectoryCategory.NOT_ASSESSABLE,
    TrajectoryCategory.NOT_APPLICABLE,
)

_BAR_WIDTH, _BAR_HEIGHT = 300, 14


@attrs.frozen
class Segment:
    """One part of a stacked bar: its class (a status or category), count and place."""

    kind: str
    count: int
    word: str
    x: float
    width: float


@attrs.frozen
class BarRow:
    """A labelled stacked bar (a section, a department, or the whole report)."""

    label: str
    total: int
    segments: tuple[Segment, ...]
    description: str

    @property
    def width(self) -> int:
        return _BAR_WIDTH

    @property
    def height(self) -> int:
        return _BAR_HEIGHT


@attrs.frozen
class StackedBars:
    """A chart of stacked bars: ``overall``, then a row per section and per lead department
    (``groups``: each a heading and its rows), with the legend's entries."""

    id: str
    title: str
    overall: BarRow
    groups: tuple[tuple[str, tuple[BarRow, ...]], ...]
    legend: tuple[tuple[str, str], ...]


def _bar(label: str, counts: Sequence[tuple[str, str, int]], lang: str) -> BarRow:
    total = sum(n for _, _, n in counts)
    segments = []
    x = 0.0
    for kind, word, n in counts:
        if n == 0:
            continue
        width = _BAR_WIDTH * n / total
        segments.append(Segment(kind, n, word, round(x, 2), round(width, 2)))
        x += width
    joiner = "，" if lang == "zh" else ", "
    parts = joiner.join(f"{word} {n}" for _, word, n in counts if n)
    return BarRow(label, total, tuple(segments), f"{label}: {parts}" if label else parts)


def status_bars(report: Report, lang: str, titles: Mapping[str, str]) -> StackedBars:
    """Met / not met / unknown / invalid: overall, by section and by lead department."""
    def counts(by: Mapping[Status, int]) -> list[tuple[str, str, int]]:
        return [(s.value, status_word(s, lang), by.get(s, 0)) for s in Status]

    catalog: Catalog = report.catalog
    sections = [_bar(f"{prefix} {catalog.section_title(prefix, lang)}".strip(), counts(by), lang)
                for prefix, by in report.by_section.items()]
    leads = [_bar(catalog.department_name(name, lang), counts(by), lang)
             for name, by in report.by_lead.items()]
    return StackedBars("status", titles["chart_status"], _bar("", counts(report.by_status), lang),
                       ((titles["chart_sections"], tuple(sections)),
                        (titles["chart_leads"], tuple(leads))),
                       tuple((s.value, status_word(s, lang)) for s in Status))


def category_bars(report: Report, lang: str, titles: Mapping[str, str]) -> StackedBars | None:
    """The trajectories' categories counted the same way; ``None`` without trajectories."""
    tracked = [v for v in report.verdicts if v.trajectory is not None]
    if not tracked:
        return None

    def counts(verdicts: Sequence[Verdict]) -> list[tuple[str, str, int]]:
        found: dict[TrajectoryCategory, int] = {}
        for verdict in verdicts:
            path = verdict.trajectory
            if path is not None and path.category is not None:
                found[path.category] = found.get(path.category, 0) + 1
        return [(c.value, category_word(c, lang), found.get(c, 0)) for c in CATEGORY_ORDER]

    by_section: dict[str, list[Verdict]] = {}
    by_lead: dict[str, list[Verdict]] = {}
    for verdict in tracked:
        by_section.setdefault(verdict.rule.section, []).append(verdict)
        for lead in verdict.rule.lead:
            by_lead.setdefault(lead, []).append(verdict)
    catalog = report.catalog
    sections = [_bar(f"{prefix} {catalog.section_title(prefix, lang)}".strip(), counts(vs), lang)
                for prefix, vs in by_section.items()]
    leads = [_bar(catalog.department_name(name, lang), counts(vs), lang)
             for name, vs in by_lead.items()]
    used = {c for v in tracked for c in ((v.trajectory.category,) if v.trajectory else ())}
    methods = sorted({v.trajectory.method for v in tracked if v.trajectory is not None})
    names = ("、" if lang == "zh" else ", ").join(method_word(m, lang) for m in methods)
    title = (f"{titles['categories']}（{names}）" if lang == "zh"
             else f"{titles['categories']} ({names})")
    return StackedBars("categories", title, _bar("", counts(tracked), lang),
                       ((titles["chart_sections"], tuple(sections)),
                        (titles["chart_leads"], tuple(leads))),
                       tuple((c.value, category_word(c, lang)) for c in CATEGORY_ORDER
                             if c in used))


# --- the per-target line chart ---------------------------------------------------------------

_W, _H = 320, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 46, 12, 22, 26


@attrs.frozen
class Tick:
    """An axis tick: its position and its label."""

    at: float
    label: str


@attrs.frozen
class TrajectoryChart:
    """A line chart of one dated target (SVG user units, y downwards)."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    unit_label: str
    points: tuple[tuple[float, float, str], ...]     # x, y, "2026: 8.2万元/人"
    target_y: float
    deadline_x: float
    target_label: str
    dashed: tuple[tuple[float, float], ...]
    dashed_label: str
    category: str
    category_kind: str
    label: str

    @property
    def observed_line(self) -> str:
        return " ".join(f"{x},{y}" for x, y, _ in self.points)

    @property
    def dashed_line(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.dashed)


def _months(day: _dt.date) -> int:
    """A month's end as a count of months (the end of 2024 is 2024 × 12 + 12)."""
    return day.year * 12 + day.month


def _nice_step(span: float) -> float:
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _float(value: Fraction) -> float:
    return float(value)


def _method_curve(path: Trajectory, start: int, now: int, due: int) -> list[tuple[int, float]]:
    """The dashed curve: the path method's path from the baseline, the ``sdg`` method's
    required compound path from the baseline, or the ``un`` projection from now."""
    assert path.baseline is not None
    assert path.target is not None
    steps = 12
    if path.method == "un":
        if path.value is None or path.cagr_observed is None:
            return []
        rate = float(path.cagr_observed)
        return [(now + (due - now) * i // steps,
                 float(path.value) * (1 + rate) ** ((due - now) * i / steps / 12))
                for i in range(steps + 1)]
    if path.method == "sdg":
        if path.cagr_required is None:
            return []
        rate = float(path.cagr_required)
        base = float(path.baseline) if path.baseline != 0 else 0.001
        return [(start + (due - start) * i // steps,
                 base * (1 + rate) ** ((due - start) * i / steps / 12))
                for i in range(steps + 1)]
    b, target = path.baseline, path.target
    if path.op is not None and path.op.holds(b, target):
        return [(start, float(target)), (due, float(target))]
    return [(start + (due - start) * i // steps,
             float(b + (target - b) * expected_share(path.path, Fraction(i, steps))))
            for i in range(steps + 1)]


def _unit_label(verdict: Verdict, words: Mapping[str, str]) -> str:
    """The value axis's unit: the rule's unit; a ratio's terms (学生/教师 for 1:x); 比值."""
    ratio = verdict.rule.ratio
    if ratio is not None:
        measured, per = ratio.measured
        return f"{measured}/{per}" if measured and per else ratio.order
    if not verdict.unit or verdict.unit == "1":
        return words["chart_ratio"]
    return verdict.unit


def trajectory_chart(verdict: Verdict, series: Sequence[tuple[str, Fraction | None]],
                     lang: str, words: Mapping[str, str]) -> TrajectoryChart | None:
    """The chart of a dated target with a trajectory and at least one known value, or
    ``None`` (no trajectory, no year deadline, no numbers)."""
    path = verdict.trajectory
    rule = verdict.rule
    if (path is None or not isinstance(rule.deadline, int) or path.target is None
            or path.category is None):
        return None
    try:
        periods: list[tuple[Period, Fraction]] = [
            (parse_period(text), value) for text, value in series if value is not None]
    except PeriodProblem:
        return None
    if not periods:
        return None
    due = _months(deadline_end(rule.deadline))
    now = _months(periods[-1][0].end)
    start = _months(parse_period(path.baseline_period).end) if path.baseline_period else now
    try:
        curve = (_method_curve(path, start, now, due)
                 if path.baseline is not None and path.baseline_period is not None else [])
    except OverflowError:   # a growth from a zero base over months: off any scale
        curve = []
    known = [_float(v) for _, v in periods] + [_float(path.target)]
    reach = max(known) - min(known) or abs(max(known)) or 1.0
    floor, ceiling = min(known) - 2 * reach, max(known) + 2 * reach
    curve = [(month, min(max(value, floor), ceiling)) for month, value in curve]
    earliest = min(_months(periods[0][0].end), start)
    x_low, x_high = earliest - 6, due + 3
    values = known + [y for _, y in curve]
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.12
    low, high = low - pad, high + pad
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    inner_w, inner_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(month: int) -> float:
        return round(_LEFT + inner_w * (month - x_low) / max(1, x_high - x_low), 2)

    def y(value: float) -> float:
        return round(_TOP + inner_h * (high - value) / (high - low), 2)

    whole = rule.kind.value in ("count", "rank")
    y_ticks = []
    tick = low
    while tick <= high + step / 1000:
        number = Fraction(Decimal(repr(round(tick, 10))))
        y_ticks.append(Tick(y(tick), display_number(number, whole=whole and step >= 1)))
        tick += step
    years = range((earliest - 1) // 12, rule.deadline + 1)
    x_ticks = tuple(Tick(x(year * 12 + 12), str(year)) for year in years)

    def q(value: Fraction | None) -> str:
        return quantity_text(value, verdict.unit, rule=rule, lang=lang, display=True)

    points = tuple((x(_months(period.end)), y(_float(value)), f"{period.text}: {q(value)}")
                   for period, value in periods)
    category = category_word(path.category, lang)
    target_label = words["chart_target"].format(target=q(path.target), deadline=rule.deadline)
    dashed_label = words[f"chart_{path.method}"] if curve else ""
    joiner = "；" if lang == "zh" else "; "
    label = joiner.join([*(text for _, _, text in points), target_label,
                         f"{words['chart_category']}{category}"])
    return TrajectoryChart(
        _W, _H, _LEFT, _W - _RIGHT, _TOP, _H - _BOTTOM, x_ticks, tuple(y_ticks),
        _unit_label(verdict, words), points, y(_float(path.target)), x(due), target_label,
        tuple((x(month), y(value)) for month, value in curve), dashed_label, category,
        path.category.value, label)
