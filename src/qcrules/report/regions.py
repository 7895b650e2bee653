"""Many regions and periods at once: a summary line per region and period, worst first, and the
long result (one row per region, period and rule) as CSV or Parquet.

*Worst* is, in this order: the most violations (确保 targets missed), then the most targets not
met, then the most unknown (data missing), then the most invalid (data unusable); ties keep the
order of the facts (regions as first given, each region's periods oldest first).

The long result has the columns ``region``, ``period`` and then those of
:data:`qcrules.frames.RESULT_COLUMNS`, as :func:`qcrules.evaluate_frame` gives them. Pure: the
caller writes the text or bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs

from ..base.errors import printable
from ..engine.results import Report, Severity, Status, Verdict
from ..frames import RESULT_COLUMNS
from .cells import exact_text, markdown_cell, pad, spreadsheet_text, text_width

__all__ = ["LONG_COLUMNS", "SUMMARY_FORMATS", "RegionCounts", "long_parquet", "long_rows",
           "render_long_csv", "render_summary", "totals_line", "worst_first"]

#: The columns of the long result: the region and period, then :data:`RESULT_COLUMNS`.
LONG_COLUMNS = ("region", "period", *RESULT_COLUMNS)
#: The formats of the summary of many regions and periods.
SUMMARY_FORMATS = ("text", "json", "markdown")
_FLOATS = ("value", "threshold", "margin")
_NONE = "—"


@attrs.frozen
class RegionCounts:
    """One region and period's verdicts, counted: by status and by the severity of a miss."""

    region: str | None
    period: str | None
    status: dict[Status, int]
    severity: dict[Severity, int]

    @classmethod
    def of(cls, report: Report) -> RegionCounts:
        return cls(report.region, report.period, report.by_status, report.by_severity)

    @property
    def order(self) -> tuple[int, int, int, int]:
        """Sorts the worst first: violations, then not met, unknown, invalid (most first)."""
        return (-self.severity[Severity.VIOLATION], -self.status[Status.NOT_MET],
                -self.status[Status.UNKNOWN], -self.status[Status.INVALID])

    @property
    def all_met(self) -> bool:
        return self.status[Status.MET] == sum(self.status.values())


def worst_first(reports: Sequence[Report]) -> list[RegionCounts]:
    """Each report's counts, the worst region and period first (see the module's docstring)."""
    return sorted((RegionCounts.of(report) for report in reports), key=lambda c: c.order)


_HEADINGS = {
    "zh": ("地区", "时期", "达标", "未达标", "违反确保目标", "缺数据", "数据无效"),
    "en": ("region", "period", "met", "not met", "violations", "unknown", "invalid"),
}


def _cells(counts: RegionCounts) -> list[str]:
    return [counts.region or _NONE, counts.period or _NONE,
            str(counts.status[Status.MET]), str(counts.status[Status.NOT_MET]),
            str(counts.severity[Severity.VIOLATION]), str(counts.status[Status.UNKNOWN]),
            str(counts.status[Status.INVALID])]


def totals_line(reports: Sequence[Report], lang: str) -> str:
    """One line of totals over many regions and periods (the summary's last)."""
    return _totals([RegionCounts.of(report) for report in reports], lang)


def _totals(rows: Sequence[RegionCounts], lang: str) -> str:
    regions = len({r.region for r in rows} - {None})
    periods = len({r.period for r in rows} - {None})
    status = {s: sum(r.status[s] for r in rows) for s in Status}
    violations = sum(r.severity[Severity.VIOLATION] for r in rows)
    if lang == "zh":
        held = "，".join([*([f"{regions} 个地区"] if regions else []), f"{periods} 个时期"])
        return (f"共 {len(rows)} 组（{held}）：达标 {status[Status.MET]}，"
                f"未达标 {status[Status.NOT_MET]}（违反确保目标 {violations}），"
                f"缺数据 {status[Status.UNKNOWN]}，数据无效 {status[Status.INVALID]}")
    held = ", ".join([*([f"{regions} region{'' if regions == 1 else 's'}"] if regions else []),
                      f"{periods} period{'' if periods == 1 else 's'}"])
    return (f"{len(rows)} region-periods ({held}): "
            f"{status[Status.MET]} met, {status[Status.NOT_MET]} not met "
            f"({violations} violation{'' if violations == 1 else 's'}), "
            f"{status[Status.UNKNOWN]} unknown, "
            f"{status[Status.INVALID]} invalid")


_ORDER_NOTE = {
    "zh": "排序：违反确保目标最多者在前，其次未达标、缺数据、数据无效最多者。",
    "en": "Worst first: most violations, then most not met, most unknown, most invalid. ",
}
_ONE_NOTE = {
    ("zh", True): "单个地区的完整报告：--region 地区 --period 时期",
    ("zh", False): "单个时期的完整报告：--period 时期",
    ("en", True): "One region's full report: --region REGION --period PERIOD",
    ("en", False): "One period's full report: --period PERIOD",
}


def _note(rows: Sequence[RegionCounts], lang: str) -> str:
    regional = any(r.region is not None for r in rows)
    lang = lang if lang in _HEADINGS else "en"
    return _ORDER_NOTE[lang] + _ONE_NOTE[lang, regional]


def render_summary(reports: Sequence[Report], fmt: str = "text", *, lang: str = "zh",
                   only_unmet: bool = False) -> str:
    """The summary of many regions and periods: one row each, the worst first, then the totals
    (``fmt`` text, json or markdown; ``only_unmet`` leaves out those with every target met).

    Raises:
        ValueError: an unknown format.
    """
    every = worst_first(reports)
    rows = [r for r in every if not (only_unmet and r.all_met)]
    if fmt == "json":
        return json.dumps(_summary_dict(reports[0] if reports else None, every, rows),
                          ensure_ascii=False, indent=2) + "\n"
    headings = list(_HEADINGS.get(lang, _HEADINGS["en"]))
    table = [[printable(cell) for cell in _cells(r)] for r in rows]
    if not any(r.region is not None for r in every):   # periods of one place: no region column
        headings, table = headings[1:], [row[1:] for row in table]
    if fmt == "markdown":
        lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
        lines += ["| " + " | ".join(markdown_cell(cell) for cell in row) + " |" for row in table]
        return "\n".join([*lines, "", _totals(every, lang), "", _note(every, lang), ""])
    if fmt != "text":
        msg = f"unknown summary format {fmt!r}; expected one of {', '.join(SUMMARY_FORMATS)}"
        raise ValueError(msg)
    widths = [max(text_width(row[i]) for row in [headings, *table])
              for i in range(len(headings))]
    lines = ["  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in [headings, *table]]
    return "\n".join([*lines, "", _totals(every, lang), _note(every, lang), ""])


def _summary_dict(first: Report | None, every: Sequence[RegionCounts],
                  rows: Sequence[RegionCounts]) -> dict[str, Any]:
    return {
        "schema": "qcrules-regions/1",
        "catalog": first.catalog.id if first is not None else None,
        "order": ["violation", "not_met", "unknown", "invalid"],
        "regions": [{"region": r.region, "period": r.period,
                     "status": {s.value: r.status[s] for s in Status},
                     "severity": {s.value: r.severity[s] for s in Severity
                                  if s is not Severity.NONE}} for r in rows],
        "totals": {s.value: sum(r.status[s] for r in every) for s in Status}
                  | {"violation": sum(r.severity[Severity.VIOLATION] for r in every),
                     "region_periods": len(every)},
    }


def _float(value: Fraction | bool | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    return float(value)


def _row(report: Report, verdict: Verdict) -> dict[str, Any]:
    rule = verdict.rule
    return {"region": report.region, "period": report.period, "rule": verdict.rule_id,
            "indicator": rule.indicator.zh, "status": verdict.status.value,
            "severity": verdict.severity.value, "value": verdict.value, "unit": verdict.unit,
            "threshold": verdict.threshold, "margin": verdict.margin,
            "commitment": rule.commitment.value, "clause": rule.clause,
            "code": verdict.problem.code if verdict.problem is not None else None}


def long_rows(reports: Sequence[Report], *, only_unmet: bool = False) -> list[dict[str, Any]]:
    """One row per region, period and rule (regions and periods in the order given, rules in
    catalogue order), keyed by :data:`LONG_COLUMNS`; ``value``, ``threshold`` and ``margin``
    exact (a :class:`~fractions.Fraction`, or ``True``/``False`` for a boolean target)."""
    return [_row(report, verdict) for report in reports for verdict in report.verdicts
            if not (only_unmet and verdict.status is Status.MET)]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Fraction):
        return str(exact_text(value))
    return spreadsheet_text(str(value))


def render_long_csv(reports: Sequence[Report], *, only_unmet: bool = False) -> str:
    """The long result as CSV: numbers as exact decimals (at most 12 places), a boolean
    target's value ``true``/``false``, an empty cell for none."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LONG_COLUMNS)
    for row in long_rows(reports, only_unmet=only_unmet):
        writer.writerow([_csv_cell(row[name]) for name in LONG_COLUMNS])
    return buffer.getvalue()


def long_parquet(reports: Sequence[Report], *, only_unmet: bool = False) -> bytes:
    """The long result as a Parquet file's bytes: text columns, and ``value``, ``threshold``
    and ``margin`` as float64 (null for none and for a boolean target), as
    :func:`qcrules.evaluate_frame` gives them.

    Raises:
        ImportError: pyarrow is not installed.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = long_rows(reports, only_unmet=only_unmet)
    columns = {name: [_float(row[name]) if name in _FLOATS else row[name] for row in rows]
               for name in LONG_COLUMNS}
    schema = pa.schema([(name, pa.float64() if name in _FLOATS else pa.string())
                        for name in LONG_COLUMNS])
    table = pa.table(columns, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())

