"""The progress views: a series of periods as a text table, JSON (``qcrules-progress/1``) or
the HTML report of the latest period with a trend line per target."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from ..engine.results import TrajectoryStatus, Verdict
from ..progress.series import Progress
from .cells import exact_text, pad, target_cell, text_width
from .explain import (
    category_word,
    method_word,
    quantity_text,
    status_word,
    trajectory_line,
    trajectory_word,
)

__all__ = ["PROGRESS_SCHEMA_ID", "progress_to_dict", "render_progress"]


PROGRESS_SCHEMA_ID = "qcrules-progress/1"


def _value(verdict: Verdict, lang: str) -> str:
    if verdict.value is None:
        return status_word(verdict.status, lang)
    return quantity_text(verdict.value, verdict.unit, rule=verdict.rule, lang=lang, display=True)


def _number(verdict: Verdict) -> Fraction | None:
    value = verdict.value
    return value if isinstance(value, Fraction) else None


def progress_to_dict(result: Progress, lang: str = "zh") -> dict[str, Any]:
    """The progress as JSON-ready data (``qcrules-progress/1``)."""
    from .render import trajectory_to_dict

    targets = []
    for verdict in result.latest.verdicts:
        targets.append({
            "rule_id": verdict.rule_id,
            "indicator": {"zh": verdict.rule.indicator.zh, "en": verdict.rule.indicator.en},
            "kind": verdict.rule.kind.value,
            "unit": verdict.unit,
            "deadline": verdict.rule.deadline,
            "series": [{"period": period.text, "status": v.status.value,
                        "value": exact_text(v.value)}
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
        "categories": {category.value: n for category, n in result.by_category.items()},
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
        from .html import render_html

        history = {v.rule_id: [(period.text, _number(verdict))
                               for period, verdict in result.series(v.rule_id)]
                   for v in result.latest.verdicts}
        return render_html(result.latest, lang=lang, history=history)

    zh = lang == "zh"
    latest = result.periods[-1]
    # The methods' own categories get a column; the path's would repeat its status.
    categorised = any(v.trajectory is not None and v.trajectory.method != "path"
                      for v in result.latest.verdicts)
    headers = ("", "编号" if zh else "id", *(p.text for p in result.periods),
               "目标" if zh else "target", f"{latest.text}应达" if zh else f"expected {latest}",
               "进度" if zh else "trajectory",
               *(("评估类别" if zh else "category",) if categorised else ()),
               "按当前速度" if zh else "at this pace")
    rows = []
    for verdict in result.latest.verdicts:
        path = verdict.trajectory
        assert path is not None
        deadline = f"（{verdict.rule.deadline}）" if zh else f" ({verdict.rule.deadline})"
        rows.append((_MARKS[path.status], verdict.rule_id,
                     *(_value(v, lang) for _, v in result.series(verdict.rule_id)),
                     target_cell(verdict, lang) + deadline,
                     quantity_text(path.expected, verdict.unit, rule=verdict.rule, lang=lang,
                                   display=True)
                     if path.expected is not None else "—",
                     trajectory_word(path.status, lang),
                     *((category_word(path.category, lang) if path.category is not None
                        else "—",) if categorised else ()),
                     quantity_text(path.projected, verdict.unit, rule=verdict.rule, lang=lang,
                                   display=True)
                     if path.projected is not None else "—"))
    widths = [max([text_width(h)] + [text_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    title = result.catalog.title
    span = (f"进度 {result.periods[0]} → {latest}，基期 {result.baseline}" if zh
            else f"progress {result.periods[0]} → {latest}, baseline {result.baseline}")
    lines = [f"{title} — {span}",
             "  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    counts = result.by_trajectory
    words = "，".join if zh else ", ".join
    methods = sorted({v.trajectory.method for v in result.latest.verdicts if v.trajectory})
    used = ("、" if zh else ", ").join(method_word(m, lang) for m in methods)
    lines += ["", (f"共 {len(rows)} 项：" if zh else f"{len(rows)} targets: ")
              + words(f"{trajectory_word(s, lang)} {counts[s]}" for s in TrajectoryStatus),
              (f"评估方法：{used}；" if zh else f"method: {used}; ")
              + words(f"{category_word(c, lang)} {n}" for c, n in result.by_category.items()),
              ""]
    for verdict in result.latest.verdicts:
        path = verdict.trajectory
        if path is not None and path.expected is not None:
            lines.append(f"{_MARKS[path.status]} {verdict.rule_id} [{verdict.rule.clause}] "
                         f"{trajectory_line(verdict, lang)}")
    return "\n".join(lines) + "\n"
