"""Stage 6, render: a report → text table, JSON, Markdown, CSV, HTML or JUnit XML (a string;
:func:`write_report` or the caller writes it).

The JSON layout is versioned (``schema: qcrules-report/1``) and documented in
``docs/reference/json-report.md``. Exact numbers are written as decimal strings so that no
precision is lost.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..base.errors import printable
from ..catalog.model import Commitment, Op, Rule
from ..engine.compile import judges_whole_numbers
from ..engine.results import Report, Severity, Status, Trajectory, Verdict
from .cells import (
    exact_text,
    group_lines,
    margin_cell,
    markdown_cell,
    pad,
    shorten,
    spreadsheet_text,
    summary_line,
    target_cell,
    text_width,
)
from .explain import (
    commitment_word,
    display_number,
    explain,
    observed_text,
    rule_words,
    status_word,
    trajectory_cell,
)

__all__ = ["FORMATS", "JSON_SCHEMA_ID", "format_for", "render", "report_to_dict", "write_report"]

JSON_SCHEMA_ID = "qcrules-report/1"

SYMBOLS = {Status.MET: "✔", Status.NOT_MET: "✘", Status.UNKNOWN: "?", Status.INVALID: "!"}
COLOURS = {Status.MET: "green", Status.NOT_MET: "red", Status.UNKNOWN: "yellow",
           Status.INVALID: "magenta"}


def verdict_to_dict(verdict: Verdict, lang: str = "zh") -> dict[str, Any]:
    """One verdict as JSON-ready data (see the JSON reference)."""
    rule = verdict.rule
    explanation = explain(verdict, lang)
    kept = _RULE_DATA.get(id(rule))
    if kept is None or kept[0] is not rule:
        kept = _rule_data(rule)
    _rule, zh, en, kind, commitment, clause, section, quote, lead, support, precision, note = kept
    data = {
        "rule_id": verdict.rule_id,
        "indicator": {"zh": zh, "en": en},
        "kind": kind,
        "status": verdict.status.value,
        "severity": verdict.severity.value,
        "commitment": commitment,
        "deadline": rule.deadline,
        "clause": clause,
        "section": section,
        "quote": quote,
        "lead": list(lead),
        "support": list(support),
        "unit": verdict.unit,
        "value": exact_text(verdict.value),
        "thresholds": [{"op": op.value, "value": exact_text(t)} for op, t in verdict.thresholds],
        "margin": exact_text(verdict.margin),
        "relative_margin": exact_text(verdict.relative_margin),
        "judgement": rule.judgement,
        "precision": precision,
        "missing": list(verdict.missing),
        "problem": verdict.problem.to_dict() if verdict.problem else None,
        "note": note,
        "explanation": {"summary": explanation.summary, "steps": list(explanation.steps)},
    }
    if verdict.trajectory:
        data["trajectory"] = trajectory_to_dict(verdict.trajectory)
    return data


#: The data of a verdict that is its rule's, whatever the facts: (the rule, indicator names,
#: kind, commitment, clause, section, quote, lead and support departments, precision, note).
RuleData = tuple[Rule, str, "str | None", str, str, str, str, str, tuple[str, ...],
                 tuple[str, ...], "str | bool | None", "str | None"]
#: id of a rule → its data, the rule first (held, so that its id is not reused while kept).
_RULE_DATA: dict[int, RuleData] = {}
_KEPT_RULES = 1 << 15


def _rule_data(rule: Rule) -> RuleData:
    data: RuleData = (rule, rule.indicator.zh, rule.indicator.en, rule.kind.value,
                      rule.commitment.value, rule.clause, rule.section, rule.quote,
                      tuple(rule.lead), tuple(rule.support), exact_text(rule.precision),
                      rule.note or None)
    if len(_RULE_DATA) >= _KEPT_RULES:
        _RULE_DATA.clear()   # a bound on the rules kept alive
    _RULE_DATA[id(rule)] = data
    return data


def trajectory_to_dict(path: Trajectory) -> dict[str, Any]:
    """A verdict's trajectory as JSON-ready data (present only when a baseline was given)."""
    return {
        "status": path.status.value, "reason": path.reason.value, "path": path.path,
        "period": path.period, "baseline_period": path.baseline_period,
        "deadline": path.deadline, "baseline": exact_text(path.baseline), "value": exact_text(path.value),
        "op": path.op.value if path.op else None, "target": exact_text(path.target),
        "elapsed_months": path.elapsed_months, "total_months": path.total_months,
        "expected": exact_text(path.expected), "gap": exact_text(path.gap),
        "projected": exact_text(path.projected), "projected_meets": path.projected_meets,
        "method": path.method,
        "parameters": {name: exact_text(value) for name, value in path.parameters},
        "category": path.category.value if path.category is not None else None,
        "progress_value": exact_text(path.progress_value),
        "cagr_observed": exact_text(path.cagr_observed),
        "cagr_required": exact_text(path.cagr_required),
        "direction": path.direction, "substituted": list(path.substituted),
        "broken_period": path.broken_period,
    }


def report_to_dict(report: Report, lang: str = "zh") -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    return _report_data(report, lang, [verdict_to_dict(v, lang) for v in report.verdicts])


def _report_data(report: Report, lang: str, verdicts: list[Any]) -> dict[str, Any]:
    """:func:`report_to_dict` with the verdicts' data given."""
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
        "verdicts": verdicts,
        "groups": [{"id": g.id, "status": g.status.value, "rule_ids": list(g.rule_ids)}
                   for g in report.groups],
        "diagnostics": [d.to_dict() for d in report.diagnostics],
    }


def _rows(report: Report, lang: str, only_unmet: bool) -> list[Verdict]:
    if not only_unmet:
        return list(report.verdicts)
    return [v for v in report.verdicts if v.status is not Status.MET]


def render_text(report: Report, *, lang: str = "zh", only_unmet: bool = False,
                colour: bool = False, explain_all: bool = True, width: int | None = None) -> str:
    """A readable table with status symbols, then each verdict's explanation.

    With ``width`` (a terminal's), indicator names are shortened (with …) so that the table's
    lines fit in it where they can; without, nothing is cut.
    """
    import click

    headers: tuple[str, ...] = (
        ("", "编号", "指标", "实际", "目标", "余量/差距", "承诺") if lang == "zh" else
        ("", "id", "indicator", "observed", "target", "margin", "commitment"))
    tracked = any(v.trajectory is not None for v in report.verdicts)
    if tracked:
        headers = (*headers, "进度" if lang == "zh" else "trajectory")
    rows = []
    for verdict in _rows(report, lang, only_unmet):
        words = rule_words(verdict.rule, lang)
        cells: tuple[str, ...] = (
            SYMBOLS[verdict.status], verdict.rule_id, words.name,
            observed_text(verdict, lang) or status_word(verdict.status, lang),
            target_cell(verdict, lang), margin_cell(verdict), words.commitment)
        if tracked:
            cells = (*cells, trajectory_cell(verdict.trajectory, lang)
                     if verdict.trajectory is not None else "")
        rows.append((verdict, cells))
    # each cell's display width, measured once
    measured = [[text_width(cell) for cell in cells] for _verdict, cells in rows]
    widths = [max([text_width(h)] + [cell_widths[i] for cell_widths in measured])
              for i, h in enumerate(headers)]
    if width is not None:
        excess = sum(widths) + 2 * (len(widths) - 1) - width
        if excess > 0:   # only the indicator column gives way, down to its header's width
            widths[2] = max(text_width(headers[2]), 8, widths[2] - excess)
            rows = [(verdict, (*cells[:2], shorten(cells[2], widths[2]), *cells[3:]))
                    for verdict, cells in rows]
            for (_verdict, cells), cell_widths in zip(rows, measured, strict=True):
                cell_widths[2] = text_width(cells[2])
    lines = []
    title = report.catalog.title
    context = " · ".join(x for x in (report.region, report.period) if x)
    lines.append(f"{title}{(' — ' + context) if context else ''}")
    lines.append("  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    styled: dict[int, str] = {}   # line number: colour
    for (verdict, cells), cell_widths in zip(rows, measured, strict=True):
        if colour:
            styled[len(lines)] = COLOURS[verdict.status]
        lines.append("  ".join(c + " " * (w - cw) if w > cw else c
                               for c, w, cw in zip(cells, widths, cell_widths, strict=True))
                     .rstrip())
    lines.append("")
    lines.append(summary_line(report, lang))
    lines += group_lines(report, lang)
    if explain_all:
        lines.append("")
        for verdict, _cells in rows:
            lines.append(f"{SYMBOLS[verdict.status]} {verdict.rule_id} [{verdict.rule.clause}]")
            lines.append(str(explain(verdict, lang)))
    if not styled:   # escaped at once: no control character is a line break
        return printable("\n".join(lines)) + "\n"
    # Styled after the text's own control characters are escaped, so that the colours' escape
    # sequences are the only ones printed.
    return "\n".join(click.style(printable(line), fg=styled[i]) if i in styled else printable(line)
                     for i, line in enumerate(lines)) + "\n"


_MD_WORDS = {
    "zh": {"violations": "违反确保目标", "no_violations": "没有违反确保目标。",
           "by_section": "分领域统计", "section": "领域", "by_commitment": "按承诺统计",
           "commitment": "承诺", "by_lead": "牵头单位完成情况", "lead": "牵头单位",
           "met_of_owned": "达标/牵头", "total": "合计", "targets": "分领域目标",
           "missing": "缺少或无效的数据", "missing_data": "缺少", "invalid_data": "数据无效"},
    "en": {"violations": "Violations of ensure (确保) targets",
           "no_violations": "No ensure (确保) target is violated.", "by_section": "By section",
           "section": "section", "by_commitment": "By commitment", "commitment": "commitment",
           "by_lead": "By lead department", "lead": "lead department", "met_of_owned": "met/owned",
           "total": "total", "targets": "Targets by section", "missing": "Missing or unusable data",
           "missing_data": "missing", "invalid_data": "invalid"},
}


def _status_headers(lang: str, statuses: tuple[Status, ...] = tuple(Status)) -> list[str]:
    return [f"{SYMBOLS[s]} {status_word(s, lang)}" for s in statuses]


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(markdown_cell(h) for h in headers) + " |", "|" + "---|" * len(headers),
            *("| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows), ""]


def _md_summaries(report: Report, lang: str, summaries: dict[int, str]) -> list[str]:
    """Violations first, then counts by section, by commitment and by lead department.
    ``summaries`` keeps each violation's summary line (by the verdict's identity) for the
    section tables."""
    words = _MD_WORDS[lang]
    catalog = report.catalog
    out = [f"## {words['violations']}", ""]
    if report.violations:
        for v in report.violations:
            summary = summaries[id(v)] = markdown_cell(explain(v, lang).summary)
            out.append(f"- ✘ **{v.rule_id}** [{markdown_cell(v.rule.clause)}]: {summary}")
        out.append("")
    else:
        out += [words["no_violations"], ""]
    statuses = tuple(Status)
    out += [f"## {words['by_section']}", ""]
    out += _md_table([words["section"], *_status_headers(lang), words["total"]],
                     [[f"{prefix} {catalog.section_title(prefix, lang)}".strip(),
                       *(str(counts[s]) for s in statuses), str(sum(counts.values()))]
                      for prefix, counts in report.by_section.items()])
    by_commitment: dict[Commitment, dict[Status, int]] = {}
    for verdict in report.verdicts:
        counts = by_commitment.setdefault(verdict.rule.commitment, dict.fromkeys(Status, 0))
        counts[verdict.status] += 1
    out += [f"## {words['by_commitment']}", ""]
    out += _md_table([words["commitment"], *_status_headers(lang), words["total"]],
                     [[commitment_word(c, lang), *(str(by_commitment[c][s]) for s in statuses),
                       str(sum(by_commitment[c].values()))]
                      for c in Commitment if c in by_commitment])
    others = (Status.NOT_MET, Status.UNKNOWN, Status.INVALID)
    out += [f"## {words['by_lead']}", ""]
    out += _md_table([words["lead"], words["met_of_owned"], *_status_headers(lang, others)],
                     [[catalog.department_name(lead, lang),
                       f"{counts[Status.MET]}/{sum(counts.values())}",
                       *(str(counts[s]) for s in others)]
                      for lead, counts in report.by_lead.items()])
    return out


def _md_missing(report: Report, lang: str) -> list[str]:
    """What each lead department should supply: unknown and invalid targets."""
    words = _MD_WORDS[lang]
    groups: dict[str, list[str]] = {}
    for verdict in report.verdicts:
        if verdict.status is Status.UNKNOWN:
            what = f"{words['missing_data']} {', '.join(verdict.missing)}"
        elif verdict.status is Status.INVALID:
            what = f"{words['invalid_data']}: {verdict.problem.message if verdict.problem else ''}"
        else:
            continue
        for lead in verdict.rule.lead_in(lang) or ("—",):
            groups.setdefault(lead, []).append(f"`{verdict.rule_id}` {markdown_cell(what)}")
    if not groups:
        return []
    out = [f"## {words['missing']}", ""]
    for lead, items in groups.items():
        out.append(f"- **{markdown_cell(lead)}**: " + "; ".join(items))
    return [*out, ""]


def render_markdown(report: Report, *, lang: str = "zh", only_unmet: bool = False) -> str:
    """Markdown: a summary, violations, counts by section, commitment and lead department, a
    table per plan section with the explanations, then the missing data by department."""
    catalog = report.catalog
    status_word(Status.MET, lang)   # an unknown language is a ValueError, as elsewhere
    headers = (("状态", "编号", "指标", "实际", "目标", "余量/差距", "承诺", "牵头单位") if lang == "zh"
               else ("status", "id", "indicator", "observed", "target", "margin", "commitment",
                     "lead"))
    out = [f"# {markdown_cell(catalog.title)}", ""]
    context = " · ".join(x for x in (report.region, report.period) if x)
    if context:
        out += [markdown_cell(context), ""]
    out += [summary_line(report, lang), ""]
    if report.groups:
        out += [f"- {markdown_cell(line)}" for line in group_lines(report, lang)] + [""]
    summaries: dict[int, str] = {}   # the report's verdicts are held: identities stay theirs
    out += _md_summaries(report, lang, summaries)
    out += [f"## {_MD_WORDS[lang]['targets']}", ""]
    sections: dict[str, list[Verdict]] = {}
    for verdict in _rows(report, lang, only_unmet):
        sections.setdefault(verdict.rule.section, []).append(verdict)
    for prefix, verdicts in sections.items():
        title = catalog.section_title(prefix, lang)
        out += [f"### {markdown_cell(prefix)} {markdown_cell(title)}".rstrip(), "",
                "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        for verdict in verdicts:
            rule = verdict.rule
            words = rule_words(rule, lang)
            cells = (f"{SYMBOLS[verdict.status]} {status_word(verdict.status, lang)}",
                     verdict.rule_id, words.name,
                     observed_text(verdict, lang) or "—",
                     target_cell(verdict, lang), margin_cell(verdict), words.commitment,
                     ("、" if lang == "zh" else ", ").join(rule.lead_in(lang)))
            # The rule id is code (its characters are restricted); every other cell is text,
            # escaped whatever it starts with.
            out.append("| " + " | ".join(f"`{c}`" if i == 1 else markdown_cell(c)
                                         for i, c in enumerate(cells)) + " |")
        out.append("")
        for verdict in verdicts:
            summary = summaries.get(id(verdict))
            if summary is None:
                summary = markdown_cell(explain(verdict, lang).summary)
            out.append(f"- **{verdict.rule_id}**: {summary}")
        out.append("")
    out += _md_missing(report, lang)
    return printable("\n".join(out))


CSV_COLUMNS = ("rule_id", "status", "severity", "indicator", "value", "unit", "op", "threshold",
               "margin", "relative_margin", "commitment", "deadline", "clause", "lead", "support",
               "quote", "explanation")


def render_csv(report: Report, *, lang: str = "zh", only_unmet: bool = False) -> str:
    """CSV, one row per verdict, numbers rounded for display as in every table.

    The string has no byte-order mark; :func:`write_report` writes CSV files in UTF-8 *with*
    one (``utf-8-sig``), so that spreadsheet programs open the Chinese text correctly.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for verdict in _rows(report, lang, only_unmet):
        rule = verdict.rule
        op, threshold = verdict.thresholds[0] if verdict.thresholds else (None, None)
        whole = judges_whole_numbers(rule)
        writer.writerow((
            verdict.rule_id, verdict.status.value, verdict.severity.value,
            spreadsheet_text(rule.indicator.zh if lang == "zh" else (rule.indicator.en or rule.indicator.zh)),
            _csv_value(verdict.value, whole), verdict.unit or "", op.value if op else "",
            _csv_value(threshold, whole), _csv_value(verdict.margin),
            _csv_value(verdict.relative_margin),
            rule.commitment.value, rule.deadline, spreadsheet_text(rule.clause),
            spreadsheet_text("、".join(rule.lead_in(lang))),
            spreadsheet_text("、".join(rule.support_in(lang))),
            spreadsheet_text(rule.quote), spreadsheet_text(explain(verdict, lang).summary)))
    return buffer.getvalue()


def _csv_value(value: Fraction | bool | None, whole: bool = False) -> str:
    """A number as the tables show it (:func:`display_number`: 14.52, not 14.518519); the
    exact value is in the JSON report."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return display_number(value, whole=whole)


def render_json(report: Report, *, lang: str = "zh", only_unmet: bool = False) -> str:
    """The versioned JSON report: ``json_text(report_to_dict(report, lang))``, the verdicts of
    ``only_unmet`` left out, each verdict's rule part written from text kept per rule."""
    verdicts = _rows(report, lang, only_unmet)
    out: list[str] = []
    try:
        encoded = [_verdict_json(verdict, lang) for verdict in verdicts]
        _json_value(_report_data(report, lang, encoded), "\n", out)
    except _NotPlain:   # data json.dumps writes: the whole report through it
        data = report_to_dict(report, lang)
        if only_unmet:
            data["verdicts"] = [v for v in data["verdicts"] if v["status"] != Status.MET.value]
        return json_text(data) + "\n"
    return "".join(out) + "\n"


_encode_string = json.encoder.encode_basestring   # as json.dumps(ensure_ascii=False) does


class _Encoded(str):
    """JSON text written as it is by :func:`_json_value` (a verdict at its place in a report)."""

    __slots__ = ()


#: Where a verdict stands in a report's JSON: in the list under the report's "verdicts".
_VERDICT_NEWLINE = "\n    "
_VERDICT_INNER = _VERDICT_NEWLINE + "  "
_VERDICT_SEPARATOR = "," + _VERDICT_INNER


def _verdict_json(verdict: Verdict, lang: str) -> _Encoded:
    """``verdict_to_dict(verdict, lang)`` as :func:`json_text` writes it within a report."""
    rule = verdict.rule
    kept = _RULE_JSON.get(id(rule))
    if kept is None or kept[0] is not rule:
        kept = _rule_json(rule)
    explanation = explain(verdict, lang)
    separator = _VERDICT_SEPARATOR
    out = ["{", _VERDICT_INNER, '"rule_id": ', _scalar_json(verdict.rule_id), kept[1],
           separator, '"status": ', _STATUS_JSON[verdict.status],
           separator, '"severity": ', _SEVERITY_JSON[verdict.severity], kept[2],
           separator, '"unit": ', _scalar_json(verdict.unit),
           separator, '"value": ', _scalar_json(exact_text(verdict.value))]
    _json_members((("thresholds", [{"op": _OP_VALUES[op], "value": exact_text(t)}
                                   for op, t in verdict.thresholds]),),
                  separator, separator, out)
    out += [separator, '"margin": ', _scalar_json(exact_text(verdict.margin)),
            separator, '"relative_margin": ', _scalar_json(exact_text(verdict.relative_margin)),
            kept[3], separator, '"missing": ', _strings_json(verdict.missing, _VERDICT_INNER)]
    _json_members((("problem", verdict.problem.to_dict() if verdict.problem else None),),
                  separator, separator, out)
    out += [kept[4], separator, '"explanation": {', _EXPLANATION_INNER, '"summary": ',
            _scalar_json(explanation.summary), ",", _EXPLANATION_INNER, '"steps": ',
            _strings_json(explanation.steps, _EXPLANATION_INNER), _VERDICT_INNER, "}"]
    if verdict.trajectory:
        _json_members((("trajectory", trajectory_to_dict(verdict.trajectory)),),
                      separator, separator, out)
    out.append(_VERDICT_NEWLINE + "}")
    return _Encoded("".join(out))


#: Each member's value (an enumeration's ``.value`` is a descriptor call each time), and as JSON.
_OP_VALUES = {op: op.value for op in Op}
_STATUS_JSON = {status: _encode_string(status.value) for status in Status}
_SEVERITY_JSON = {severity: _encode_string(severity.value) for severity in Severity}
#: Where an explanation's members stand in a report's JSON.
_EXPLANATION_INNER = _VERDICT_INNER + "  "


def _scalar_json(value: object) -> str:
    """A text, whole number, true/false or null as :func:`_json_value` writes it."""
    if isinstance(value, str) and type(value) is str:   # a subclass is for json.dumps
        return _encode_string(value)
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    raise _NotPlain


def _strings_json(items: tuple[str, ...] | list[str], newline: str) -> str:
    """A list of texts as :func:`_json_value` writes it on a line indented as ``newline``."""
    if not items:
        return "[]"
    for item in items:
        if type(item) is not str:
            raise _NotPlain
    inner = newline + "  "
    return "[" + inner + ("," + inner).join(map(_encode_string, items)) + newline + "]"

#: id of a rule → (the rule, then the JSON text of its verdicts' members that are the rule's:
#: indicator and kind; commitment to support; judgement and precision; note).
_RULE_JSON: dict[int, tuple[Rule, str, str, str, str]] = {}


def _rule_json(rule: Rule) -> tuple[Rule, str, str, str, str]:
    _rule, zh, en, kind, commitment, clause, section, quote, lead, support, precision, note = (
        _rule_data(rule))
    data = {"indicator": {"zh": zh, "en": en}, "kind": kind, "commitment": commitment,
            "deadline": rule.deadline, "clause": clause, "section": section, "quote": quote,
            "lead": list(lead), "support": list(support), "judgement": rule.judgement,
            "precision": precision, "note": note}
    parts = []
    for names in (("indicator", "kind"),
                  ("commitment", "deadline", "clause", "section", "quote", "lead", "support"),
                  ("judgement", "precision"), ("note",)):
        out: list[str] = []
        _json_members(((name, data[name]) for name in names), _VERDICT_SEPARATOR,
                      _VERDICT_SEPARATOR, out)
        parts.append("".join(out))
    kept = (rule, parts[0], parts[1], parts[2], parts[3])
    if len(_RULE_JSON) >= _KEPT_RULES:
        _RULE_JSON.clear()   # a bound on the rules kept alive
    _RULE_JSON[id(rule)] = kept
    return kept




def json_text(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, the same text, written by one plain
    recursion (json's indented encoder is a chain of generators, several times slower) with
    json's own string escaping. Data of other types than a report's (text, whole numbers,
    true/false, null, lists and mappings with text keys) goes to ``json.dumps``."""
    out: list[str] = []
    try:
        _json_value(data, "\n", out)
    except _NotPlain:
        return json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(out)


class _NotPlain(Exception):
    """A value :func:`json_text` leaves to ``json.dumps``."""


def _json_value(value: Any, newline: str, out: list[str]) -> None:
    """Append ``value`` as indented JSON; ``newline`` is a line break and the indentation of
    the line ``value`` starts on. The scalars of a list or mapping are written in its loop."""
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        _json_members(value.items(), "{" + inner, "," + inner, out)
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            item_kind = type(item)
            if item_kind is str:
                out.append(separator + _encode_string(item))
            elif item is None:
                out.append(separator + "null")
            elif item_kind is bool:
                out.append(separator + ("true" if item else "false"))
            elif item_kind is int:
                out.append(separator + int.__repr__(item))
            else:
                out.append(separator)
                _json_value(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    elif kind is str:
        out.append(_encode_string(value))
    elif value is None:
        out.append("null")
    elif kind is bool:
        out.append("true" if value else "false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is _Encoded:
        out.append(value)
    else:
        raise _NotPlain


def _json_members(items: Iterable[tuple[Any, Any]], first: str, separator: str,
                  out: list[str]) -> None:
    """Append a mapping's members: ``first`` before the first, ``separator`` (a comma, a line
    break and the members' indentation) before each other."""
    inner = separator[1:]
    for key, item in items:
        if type(key) is not str:
            raise _NotPlain
        head = f"{first}{_encode_string(key)}: "
        first = separator
        item_kind = type(item)
        if item_kind is str:
            out.append(head + _encode_string(item))
        elif item is None:
            out.append(head + "null")
        elif item_kind is bool:
            out.append(head + ("true" if item else "false"))
        elif item_kind is int:
            out.append(head + int.__repr__(item))
        else:
            out.append(head)
            _json_value(item, inner, out)


def render_html(report: Report, *, lang: str = "zh", only_unmet: bool = False) -> str:
    """One self-contained HTML page (see :mod:`qcrules.report.html`; Jinja2 is loaded when asked for)."""
    from .html import render_html as _render_html

    return _render_html(report, lang=lang, only_unmet=only_unmet)


def render_junit(report: Report, *, lang: str = "zh", only_unmet: bool = False) -> str:
    """JUnit XML, one test suite per plan section (see :mod:`qcrules.report.junit`)."""
    from .junit import render_junit as _render_junit

    return _render_junit(report, lang=lang, only_unmet=only_unmet)


FORMATS: dict[str, Callable[..., str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "csv": render_csv,
    "html": render_html,
    "junit": render_junit,
}


#: How each format is encoded in a file: CSV with a byte-order mark, the rest plain UTF-8.
FILE_ENCODINGS = {"csv": "utf-8-sig"}

#: The format a report file's extension stands for (``qcrules report -o FILE``).
EXTENSIONS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
              ".csv": "csv", ".json": "json", ".xml": "junit", ".txt": "text"}


def format_for(path: str | os.PathLike[str]) -> str | None:
    """The format a file name's extension stands for, or ``None``."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def write_report(report: Report, path: str | os.PathLike[str], fmt: str, *, lang: str = "zh",
                 only_unmet: bool = False, **options: Any) -> None:
    """Render ``report`` and write it to ``path`` in the format's file encoding, atomically: the
    whole report is written to a temporary file beside ``path`` and then renamed over it, so a
    failure (while rendering, a full disk) leaves any earlier file at ``path`` as it was.

    Raises:
        ValueError: an unknown format or language.
        OSError: the file cannot be written.
    """
    text = render(report, fmt, lang=lang, only_unmet=only_unmet, **options)
    write_atomically(Path(path), text.encode(FILE_ENCODINGS.get(fmt, "utf-8")))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Raises:
        OSError: the folder cannot be written; the temporary file is removed.
    """
    import tempfile  # with the first file written, not with qcrules

    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                         dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # as a file opened for writing would be
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


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
