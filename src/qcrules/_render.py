"""Stage 6, render: a report → text table, JSON, Markdown or CSV (a string; the caller writes it).

The JSON layout is versioned (``schema: qcrules-report/1``) and documented in
``docs/reference/json-report.md``. Exact numbers are written as decimal strings so that no
precision is lost.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from ._explain import commitment_word, explain, op_word, quantity_text, status_word
from ._numbers import format_number
from ._results import Report, Severity, Status, Verdict

__all__ = ["FORMATS", "JSON_SCHEMA_ID", "render", "report_to_dict"]

JSON_SCHEMA_ID = "qcrules-report/1"

SYMBOLS = {Status.MET: "✔", Status.NOT_MET: "✘", Status.UNKNOWN: "?", Status.INVALID: "!"}
COLOURS = {Status.MET: "green", Status.NOT_MET: "red", Status.UNKNOWN: "yellow",
           Status.INVALID: "magenta"}


def _exact(value: Fraction | bool | None) -> str | bool | None:
    if value is None or isinstance(value, bool):
        return value
    return format_number(value, max_places=12)


def verdict_to_dict(verdict: Verdict, lang: str = "zh") -> dict[str, Any]:
    """One verdict as JSON-ready data (see the JSON reference)."""
    rule = verdict.rule
    explanation = explain(verdict, lang)
    return {
        "rule_id": verdict.rule_id,
        "indicator": {"zh": rule.indicator.zh, "en": rule.indicator.en},
        "kind": rule.kind.value,
        "status": verdict.status.value,
        "severity": verdict.severity.value,
        "commitment": rule.commitment.value,
        "deadline": rule.deadline,
        "clause": rule.clause,
        "section": rule.section,
        "quote": rule.quote,
        "lead": list(rule.lead),
        "support": list(rule.support),
        "unit": verdict.unit,
        "value": _exact(verdict.value),
        "thresholds": [{"op": op.value, "value": _exact(t)} for op, t in verdict.thresholds],
        "margin": _exact(verdict.margin),
        "relative_margin": _exact(verdict.relative_margin),
        "judgement": rule.judgement,
        "precision": _exact(rule.precision),
        "missing": list(verdict.missing),
        "problem": verdict.problem.to_dict() if verdict.problem else None,
        "note": rule.note or None,
        "explanation": {"summary": explanation.summary, "steps": list(explanation.steps)},
    }


def report_to_dict(report: Report, lang: str = "zh") -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    catalog = report.catalog
    return {
        "schema": JSON_SCHEMA_ID,
        "catalog": {"id": catalog.id, "title": catalog.title, "region": catalog.region},
        "engine": report.engine,
        "region": report.region,
        "period": report.period,
        "sources": list(report.sources),
        "lang": lang,
        "counts": {
            "status": {s.value: n for s, n in report.by_status.items()},
            "severity": {s.value: n for s, n in report.by_severity.items() if s is not Severity.NONE},
            "by_section": {k: {s.value: n for s, n in v.items()} for k, v in report.by_section.items()},
            "by_lead": {k: {s.value: n for s, n in v.items()} for k, v in report.by_lead.items()},
        },
        "exit_code": report.exit_code(),
        "verdicts": [verdict_to_dict(v, lang) for v in report.verdicts],
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            return out + "…"
        out += ch
    return out


def _target_cell(verdict: Verdict, lang: str) -> str:
    if verdict.thresholds:
        return " ".join(f"{op.value}{quantity_text(t, verdict.unit, rule=verdict.rule, lang=lang)}"
                        for op, t in verdict.thresholds)
    rule = verdict.rule
    if rule.kind.needs_reference and rule.bounds:
        label = rule.reference.zh if rule.reference and lang == "zh" else (
            rule.reference.en if rule.reference else "")
        return f"{op_word(rule.bounds[0].op, lang)} {label}".strip()
    stated = [(b.op, b.threshold) for b in rule.bounds if b.threshold is not None]
    if stated:   # no fact to convert: the threshold as the catalogue states it
        return " ".join(f"{op.value}{quantity_text(t.magnitude, t.unit, rule=rule, lang=lang)}"
                        for op, t in stated)
    return "是" if lang == "zh" else "yes"


def _margin_cell(verdict: Verdict) -> str:
    if verdict.margin is None:
        return ""
    sign = "+" if verdict.margin > 0 else ("" if verdict.margin == 0 else "-")
    text = f"{sign}{format_number(abs(verdict.margin))}"
    if verdict.relative_margin is not None:
        text += f" ({sign}{format_number(abs(verdict.relative_margin) * 100, places=1)}%)"
    return text


def _rows(report: Report, lang: str, only_unmet: bool) -> list[Verdict]:
    if not only_unmet:
        return list(report.verdicts)
    return [v for v in report.verdicts if v.status is not Status.MET]


def render_text(report: Report, *, lang: str = "zh", only_unmet: bool = False,
                colour: bool = False, explain_all: bool = True) -> str:
    """A readable table with status symbols, then each verdict's explanation."""
    import click

    headers = (("", "编号", "指标", "实际", "目标", "余量/差距", "承诺") if lang == "zh" else
               ("", "id", "indicator", "observed", "target", "margin", "commitment"))
    rows = []
    for verdict in _rows(report, lang, only_unmet):
        rule = verdict.rule
        name = rule.indicator.zh if lang == "zh" else (rule.indicator.en or rule.indicator.zh)
        rows.append((verdict, (SYMBOLS[verdict.status], verdict.rule_id, _cut(name, 28),
                     quantity_text(verdict.value, verdict.unit, rule=rule, lang=lang)
                     if verdict.value is not None else status_word(verdict.status, lang),
                     _target_cell(verdict, lang), _margin_cell(verdict),
                     commitment_word(rule.commitment, lang))))
    widths = [max([_width(h)] + [_width(r[1][i]) for r in rows]) for i, h in enumerate(headers)]
    lines = []
    title = report.catalog.title
    context = " · ".join(x for x in (report.region, report.period) if x)
    lines.append(f"{title}{(' — ' + context) if context else ''}")
    lines.append("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for verdict, cells in rows:
        line = "  ".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()
        if colour:
            line = click.style(line, fg=COLOURS[verdict.status])
        lines.append(line)
    lines.append("")
    lines.append(_summary_line(report, lang))
    if explain_all:
        lines.append("")
        for verdict, _cells in rows:
            lines.append(f"{SYMBOLS[verdict.status]} {verdict.rule_id} [{verdict.rule.clause}]")
            lines.append(str(explain(verdict, lang)))
    return "\n".join(lines) + "\n"


def _summary_line(report: Report, lang: str) -> str:
    counts = report.by_status
    severities = report.by_severity
    if lang == "zh":
        return (f"共 {len(report)} 项：达标 {counts[Status.MET]}，未达标 {counts[Status.NOT_MET]}"
                f"（违反确保目标 {severities[Severity.VIOLATION]}，力争目标差距 "
                f"{severities[Severity.SHORTFALL]}，一般要求未达 {severities[Severity.MISS]}），"
                f"缺数据 {counts[Status.UNKNOWN]}，数据无效 {counts[Status.INVALID]}")
    return (f"{len(report)} targets: {counts[Status.MET]} met, {counts[Status.NOT_MET]} not met "
            f"({severities[Severity.VIOLATION]} violations, {severities[Severity.SHORTFALL]} "
            f"shortfalls, {severities[Severity.MISS]} missed requirements), "
            f"{counts[Status.UNKNOWN]} unknown, {counts[Status.INVALID]} invalid")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report, *, lang: str = "zh", only_unmet: bool = False) -> str:
    """Markdown: a summary, then a table per plan section, then the explanations."""
    catalog = report.catalog
    headers = (("状态", "编号", "指标", "实际", "目标", "余量/差距", "承诺", "牵头单位") if lang == "zh"
               else ("status", "id", "indicator", "observed", "target", "margin", "commitment",
                     "lead"))
    out = [f"# {_md(catalog.title)}", ""]
    context = " · ".join(x for x in (report.region, report.period) if x)
    if context:
        out += [context, ""]
    out += [_summary_line(report, lang), ""]
    sections: dict[str, list[Verdict]] = {}
    for verdict in _rows(report, lang, only_unmet):
        sections.setdefault(verdict.rule.section, []).append(verdict)
    for prefix, verdicts in sections.items():
        title = catalog.section_title(prefix)
        out += [f"## {prefix} {_md(title)}".rstrip(), "", "| " + " | ".join(headers) + " |",
                "|" + "---|" * len(headers)]
        for verdict in verdicts:
            rule = verdict.rule
            name = rule.indicator.zh if lang == "zh" else (rule.indicator.en or rule.indicator.zh)
            cells = (f"{SYMBOLS[verdict.status]} {status_word(verdict.status, lang)}",
                     f"`{verdict.rule_id}`", name,
                     quantity_text(verdict.value, verdict.unit, rule=rule, lang=lang),
                     _target_cell(verdict, lang), _margin_cell(verdict),
                     commitment_word(rule.commitment, lang), "、".join(rule.lead))
            out.append("| " + " | ".join(_md(c) for c in cells) + " |")
        out.append("")
        for verdict in verdicts:
            explanation = explain(verdict, lang)
            out.append(f"- **{verdict.rule_id}**: {_md(explanation.summary)}")
        out.append("")
    return "\n".join(out)


CSV_COLUMNS = ("rule_id", "status", "severity", "indicator", "value", "unit", "op", "threshold",
               "margin", "relative_margin", "commitment", "deadline", "clause", "lead", "support",
               "quote", "explanation")


def render_csv(report: Report, *, lang: str = "zh", only_unmet: bool = False) -> str:
    """CSV, one row per verdict, exact numbers as decimal text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for verdict in _rows(report, lang, only_unmet):
        rule = verdict.rule
        op, threshold = verdict.thresholds[0] if verdict.thresholds else (None, None)
        writer.writerow((
            verdict.rule_id, verdict.status.value, verdict.severity.value,
            rule.indicator.zh if lang == "zh" else (rule.indicator.en or rule.indicator.zh),
            _csv_value(verdict.value), verdict.unit or "", op.value if op else "",
            _csv_value(threshold), _csv_value(verdict.margin), _csv_value(verdict.relative_margin),
            rule.commitment.value, rule.deadline, rule.clause, "、".join(rule.lead),
            "、".join(rule.support), rule.quote, explain(verdict, lang).summary))
    return buffer.getvalue()


def _csv_value(value: Fraction | bool | None) -> str:
    exact = _exact(value)
    return "" if exact is None else str(exact).lower() if isinstance(exact, bool) else str(exact)


def render_json(report: Report, *, lang: str = "zh", only_unmet: bool = False) -> str:
    """The versioned JSON report."""
    data = report_to_dict(report, lang)
    if only_unmet:
        data["verdicts"] = [v for v in data["verdicts"] if v["status"] != Status.MET.value]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "csv": render_csv,
}


def render(report: Report, fmt: str = "text", *, lang: str = "zh", only_unmet: bool = False,
           **options: Any) -> str:
    """Render a report in one of :data:`FORMATS`.

    Raises:
        ValueError: an unknown format or language.
    """
    if fmt not in FORMATS:
        msg = f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    return FORMATS[fmt](report, lang=lang, only_unmet=only_unmet, **options)
