"""What the text, Markdown and HTML reports share: cells, widths and the summary line."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from fractions import Fraction

from ..base.errors import printable
from ..catalog.model import Op, Rule
from ..engine.results import Report, Severity, Status, Verdict
from .explain import (
    display_number,
    format_number,
    op_word,
    percent_number,
    quantity_text,
    rule_words,
    status_word,
)

__all__ = ["OP_SYMBOLS", "exact_text", "group_lines", "margin_cell", "markdown_cell", "pad",
           "shorten", "spreadsheet_text", "summary_line", "target_cell", "text_width"]


def exact_text(value: Fraction | bool | None) -> str | bool | None:
    if value is None or isinstance(value, bool):
        return value
    return format_number(value, max_places=12)


def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


@functools.lru_cache(maxsize=8192)
def text_width(text: str) -> int:
    """Display columns: 2 for each wide or full-width character, else 1 (kept by text)."""
    if text.isascii():
        return len(text)
    return sum(_char_width(ch) for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def shorten(text: str, width: int) -> str:
    if text_width(text) <= width:
        return text
    used = 0
    for index, ch in enumerate(text):
        used += _char_width(ch)
        if used > width - 1:
            return text[:index] + "…"
    return text


OP_SYMBOLS = {Op.GE: "≥", Op.GT: ">", Op.LE: "≤", Op.LT: "<", Op.EQ: "="}


def target_cell(verdict: Verdict, lang: str, *, symbols: bool = False) -> str:
    """The target as ``>=8.5万元/人`` (with ``symbols``, ``≥8.5万元/人``)."""
    def sign(op: Op) -> str:
        return OP_SYMBOLS[op] if symbols else op.value

    thresholds = verdict.thresholds
    if thresholds:
        words = rule_words(verdict.rule, lang)
        what = "cell, symbols" if symbols else "cell"
        kept = words.kept(what, thresholds, verdict.unit)
        if kept is not None:
            return kept
        return words.keep(what, thresholds, verdict.unit, " ".join(
            f"{sign(op)}"
            f"{quantity_text(t, verdict.unit, rule=verdict.rule, lang=lang, display=True)}"
            for op, t in thresholds))
    # no threshold to judge with: the cell is the rule's own, whatever the facts
    words = rule_words(verdict.rule, lang)
    what = "no threshold, symbols" if symbols else "no threshold"
    kept = words.kept(what, _RULES_OWN, None)
    if kept is not None:
        return kept
    return words.keep(what, _RULES_OWN, None, _stated_target(verdict.rule, lang, sign))


#: What a target cell kept without thresholds is kept for: the rule alone.
_RULES_OWN = object()


def _stated_target(rule: Rule, lang: str, sign: Callable[[Op], str]) -> str:
    """The target cell of a verdict with no thresholds: the reference it is judged against, the
    thresholds as the catalogue states them, or yes."""
    if rule.kind.needs_reference and rule.bounds:
        label = rule.reference.zh if rule.reference and lang == "zh" else (
            rule.reference.en if rule.reference else "")
        return f"{op_word(rule.bounds[0].op, lang)} {label}".strip()
    stated = [(b.op, b.threshold) for b in rule.bounds if b.threshold is not None]
    if stated:   # no fact to convert: the threshold as the catalogue states it
        return " ".join(f"{sign(op)}"
                        f"{quantity_text(t.magnitude, t.unit, rule=rule, lang=lang, display=True)}"
                        for op, t in stated)
    return "是" if lang == "zh" else "yes"


def margin_cell(verdict: Verdict) -> str:
    """The margin for a table, rounded for display like a value (``+0.52``, ``-0.2``)."""
    margin = verdict.margin  # each is computed from the thresholds: read once
    if margin is None:
        return ""
    relative_margin = verdict.relative_margin
    numerator = margin.numerator   # its sign is the margin's (compared as a whole number)
    sign = "+" if numerator > 0 else ("" if numerator == 0 else "-")
    text = f"{sign}{display_number(-margin if numerator < 0 else margin)}"
    if relative_margin is not None:
        text += f" ({sign}{percent_number(relative_margin)}%)"
    return text


def summary_line(report: Report, lang: str) -> str:
    counts = report.by_status
    severities = report.by_severity
    if lang == "zh":
        return (f"共 {len(report)} 项：达标 {counts[Status.MET]}，未达标 {counts[Status.NOT_MET]}"
                f"（违反确保目标 {severities[Severity.VIOLATION]}，力争目标差距 "
                f"{severities[Severity.SHORTFALL]}，一般要求未达 {severities[Severity.MISS]}），"
                f"缺数据 {counts[Status.UNKNOWN]}，数据无效 {counts[Status.INVALID]}")
    return (f"{_count(len(report), 'target')}: {counts[Status.MET]} met, "
            f"{counts[Status.NOT_MET]} not met ({_count(severities[Severity.VIOLATION], 'violation')}, "
            f"{_count(severities[Severity.SHORTFALL], 'shortfall')}, "
            f"{_count(severities[Severity.MISS], 'missed requirement')}), "
            f"{counts[Status.UNKNOWN]} unknown, {counts[Status.INVALID]} invalid")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def group_lines(report: Report, lang: str) -> list[str]:
    """One line per compound target: its members and the status they give together."""
    zh = lang == "zh"
    lines = []
    for group in report.groups:
        members = ("、" if zh else ", ").join(group.rule_ids)
        word = status_word(group.status, lang)
        lines.append(f"组合目标 {group.id}（{members}）：{word}" if zh
                     else f"compound target {group.id} ({members}): {word}")
    return lines


_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


@functools.lru_cache(maxsize=8192)
def markdown_cell(text: str) -> str:
    """Text safe in a Markdown table cell: a backslash, ``|`` and a ``<`` that could open an HTML
    tag or an autolink (``<script``, ``</``, ``<!``) are escaped; line breaks become spaces.
    ``<=10位`` stays as it is."""
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return _TAG_OPEN.sub(r"\\<", text)


def spreadsheet_text(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula: a leading ``= + - @`` (or tab, CR)
    gets an apostrophe in front (numbers are written as numbers, never through here);
    a control character is written as its escape, as on a terminal (``cat report.csv``)."""
    text = printable(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
