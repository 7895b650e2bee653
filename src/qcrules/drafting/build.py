"""A reviewable catalogue drafted from a plan's text (pure: text in, catalogue text out).

The drafted rules are written in the catalogue format and loaded by the catalogue's own
validator, so a draft is a catalogue like any other: what the validator refuses is left out of
it and becomes a finding (QC183), and what the validator notes (a completed unit, a bare number
read as a floor) is added to the rule's note and marks it for review.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

import attrs
import yaml

from ..base.errors import CatalogError, Diagnostic
from ..catalog.load import loads_catalog
from ..catalog.model import Catalog
from .glossary import lookup
from .structure import Structure, read_structure
from .targets import Finding, Found, find_targets

__all__ = ["Draft", "draft"]


@attrs.frozen
class Draft:
    """A drafted catalogue, the YAML it is written as, and what was left out.

    ``catalog`` is a :class:`~qcrules.Catalog` like any loaded one; ``findings`` lists every
    sentence (or item of one) that holds a number or a target word and was not made into a
    rule, each with its clause, line and reason; ``text`` is the catalogue as YAML, which
    :func:`qcrules.load_catalog` loads back (with ``source.file`` naming the plan).
    """

    catalog: Catalog
    findings: tuple[Finding, ...]
    text: str
    data: dict[str, Any] = attrs.field(eq=False, repr=False)

    @property
    def to_review(self) -> tuple[str, ...]:
        """Ids of the rules whose reading is a guess a reviewer must confirm."""
        return tuple(rule.id for rule in self.catalog.rules if rule.review)

    def to_dict(self) -> dict[str, Any]:
        """The catalogue document, what to review and the findings, for JSON."""
        return {
            "catalog": self.data,
            "to_review": list(self.to_review),
            "findings": [attrs.asdict(finding) for finding in self.findings],
        }

    def checklist(self) -> str:
        """A reviewer's checklist, grouped by clause: each rule to confirm with its reading and
        the guesses in its note, and each sentence left out with the reason."""
        rules = self.catalog.rules
        lines = [f"{self.catalog.title} — {len(rules)} rules drafted, "
                 f"{len(self.to_review)} to review, {len(self.findings)} sentences left out"]
        clauses: list[str] = []
        for clause in [rule.clause for rule in rules] + [f.clause for f in self.findings]:
            if clause not in clauses:
                clauses.append(clause)
        for clause in clauses:
            lines.extend(["", clause])
            for rule in rules:
                if rule.clause != clause:
                    continue
                mark = "[review]" if rule.review else "[ok]    "
                reading = " ".join(f"{b.op.value} {_number_text(b)}" for b in rule.bounds)
                lines.append(f"  {mark} {rule.id}: {rule.indicator.zh} — {rule.kind.value}"
                             f"{' ' + reading if reading else ''}, {rule.commitment.value}, "
                             f"{rule.deadline}")
                lines.append(f"           「{rule.quote}」")
                if rule.review and rule.note:
                    lines.extend(f"           - {part}。" for part in rule.note.split("。") if part)
            for finding in self.findings:
                if finding.clause == clause:
                    lines.append(f"  [left out] line {finding.line}: {finding.code} {finding.reason}")
                    lines.append(f"           「{finding.text}」")
        return "\n".join(lines) + "\n"


def _number_text(bound: Any) -> str:
    threshold = bound.threshold
    if threshold is None:
        return bound.words
    value = threshold.magnitude
    if value.denominator == 1:
        number = str(value.numerator)
    else:
        number = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return f"{number}{threshold.unit or ''}"


def draft(text: str, *, source: str | None = None, catalog_id: str | None = None,
          region: str | None = None, period: tuple[int, int] | None = None) -> Draft:
    """Draft a catalogue from the text of a plan of the genre.

    ``source`` is the plan's file name as the catalogue should name it (``source.file``,
    relative to where the catalogue will be written): with it, the catalogue's quotes are
    checked against the plan when it is loaded from a file. ``catalog_id`` and ``region``
    replace what the plan's heading gives, and ``period`` (start and end year) the period its
    title gives (for an excerpt, or a title that names none): a target with no year of its own
    is due at the period's end.
    """
    structure = read_structure(text)
    if period is not None:
        structure = attrs.evolve(structure, period=period)
    plan_end = structure.period[1] if structure.period else None
    found: list[Found] = []
    findings: list[Finding] = []
    for line in structure.lines:
        made, missed = find_targets(line, plan_end=plan_end)
        found.extend(made)
        findings.extend(missed)
    rules = _rules(found, structure)
    lines = {rule["id"]: target.line for rule, target in zip(rules, found, strict=True)}
    header = _header(structure, source, catalog_id, region, rules)
    document = {"qcrules": 1, "catalog": header, "rules": rules}
    catalog, refused = _validated(document, text, lines)
    findings.extend(refused)
    noted = [_add_note(document, note) for note in catalog.notes if note.rule_id]
    if any(noted):   # the notes are carried into the catalogue by loading it once more
        catalog, again = _validated(document, text, lines)
        findings.extend(again)
    findings.sort(key=lambda finding: finding.line)
    return Draft(catalog, tuple(findings), _yaml(document, structure), document)


def _rules(found: list[Found], structure: Structure) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    used: set[str] = set()
    positions: dict[str, int] = defaultdict(int)
    groups: dict[str, str] = {}   # a compound target's key → its group id (its first rule's)
    for target in found:
        positions[target.clause] += 1
        known = lookup(target.zh)
        rule_id = known[0] if known else f"c{_slug(target.clause)}-{positions[target.clause]}"
        base, n = rule_id, 2
        while rule_id in used:
            rule_id, n = f"{base}-{n}", n + 1
        used.add(rule_id)
        indicator: dict[str, Any] = {"zh": target.zh}
        if known:
            indicator["en"] = known[1]
        if target.unit:
            indicator["unit"] = target.unit
        if target.min is not None:
            indicator["min"] = target.min
        if target.max is not None:
            indicator["max"] = target.max
        rule: dict[str, Any] = {"id": rule_id, "indicator": indicator, "kind": target.kind}
        if target.target is not None:
            rule["target"] = target.target
        if target.tier is not None:
            rule["tier"] = target.tier
        if target.kind in ("relative", "assigned") and target.reference:
            suffix = "average" if target.kind == "relative" else "assigned"
            rule["reference"] = {"id": f"{rule_id}.{suffix}", "zh": target.reference}
        rule.update(commitment=target.commitment, deadline=target.deadline, clause=target.clause,
                    quote=target.quote)
        if target.group is not None:
            groups.setdefault(target.group, f"{rule_id}-all")
            rule["group"] = groups[target.group]
        departments = structure.departments_of(target.clause)
        notes = list(target.notes)
        if departments is not None:
            rule["lead"] = list(departments.lead)
            if departments.support:
                rule["support"] = list(departments.support)
        else:
            rule["lead"] = [structure.issuer or structure.region or "待定"]
            notes.append("条款未写牵头单位，暂以发文机关登记，请确认。")
        if notes:
            rule["note"] = "".join(notes)
            rule["review"] = True
        rules.append(rule)
    return rules


def _slug(clause: str) -> str:
    """``二(三)1`` → ``2-3-1``; ``一(1)①`` → ``1-1-1``."""
    parts = re.findall(r"[一二三四五六七八九十]+|\d+|[①-⑳]", clause)
    return "-".join(str(_number(part)) for part in parts) or "0"


def _number(part: str) -> int:
    if part.isdigit() and part.isascii():
        return int(part)
    if "①" <= part <= "⑳":
        return ord(part) - ord("①") + 1
    import cn2an

    return int(cn2an.cn2an(part, "normal"))


def _header(structure: Structure, source: str | None, catalog_id: str | None,
            region: str | None, rules: list[dict[str, Any]]) -> dict[str, Any]:
    period = structure.period
    header: dict[str, Any] = {
        "id": catalog_id or (f"draft-{period[0]}-{period[1]}" if period else "draft"),
        "title": structure.title or "未命名方案",
    }
    if structure.issuer:
        header["issuer"] = structure.issuer
    if region or structure.region:
        header["region"] = region or structure.region
    if period:
        header["period"] = {"start": period[0], "end": period[1]}
    header["source"] = {"title": structure.title or "未命名方案"}
    if source:
        header["source"]["file"] = source
    if structure.phases:
        header["phases"] = [{"name": n, "start": s, "end": e} for n, s, e in structure.phases]
    clauses = [rule["clause"] for rule in rules]
    sections = {prefix: title for prefix, title in structure.sections
                if "(" in prefix and any(c.startswith(prefix) for c in clauses)}
    for prefix, title in structure.sections:
        if "(" not in prefix and any(c.startswith(prefix) and not any(
                c.startswith(p) for p in sections) for c in clauses):
            sections[prefix] = title
    if sections:
        header["sections"] = dict(sorted(sections.items(), key=lambda item: clauses.index(
            next(c for c in clauses if c.startswith(item[0])))))
    return header


def _validated(document: dict[str, Any], text: str, lines: dict[str, int]
               ) -> tuple[Catalog, list[Finding]]:
    """The document loaded by the catalogue's validator; rules it refuses are taken out of
    the document and returned as findings."""
    findings: list[Finding] = []
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    catalog = loads_catalog(body, source_text=text, keep_going=True)
    refused = {problem.rule_id for problem in catalog.problems if problem.rule_id}
    if not refused:
        if catalog.problems:
            raise CatalogError(catalog.problems)
        return catalog, findings
    kept = []
    for rule in document["rules"]:
        if rule["id"] in refused:
            problems = [p for p in catalog.problems if p.rule_id == rule["id"]]
            reason = "; ".join(f"{p.code} {p.message}" for p in problems)
            findings.append(Finding("QC183", rule["clause"], lines[rule["id"]], rule["quote"],
                                    f"a target the catalogue refuses as drafted: {reason}"))
        else:
            kept.append(rule)
    document["rules"] = kept
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    return loads_catalog(body, source_text=text), findings


def _add_note(document: dict[str, Any], note: Diagnostic) -> bool:
    """A validator's note on a drafted rule, in the rule's note, marked for review; whether
    the rule changed (notes the drafter has said already, or need not say, change nothing)."""
    said = _NOTE_WORDS.get(note.code)
    rule = next((rule for rule in document["rules"] if rule["id"] == note.rule_id), None)
    if said is None or rule is None:
        return False
    text = said.format(got=note.got or "", message=note.message)
    if text in rule.get("note", "") and rule.get("review"):
        return False
    if text not in rule.get("note", ""):
        rule["note"] = rule.get("note", "") + text
    rule["review"] = True
    return True


_NOTE_WORDS = {
    "QC170": "原文未写比较词，“{got}”读作不低于（越大越好）。",
    "QC171": "原文未写比较词，“{got}”读作不高于。",
    "QC177": "“达”后接比值，读作比值本身的上限（每1对应不超过该数），请确认方向。",
}


def _yaml(document: dict[str, Any], structure: Structure) -> str:
    """The catalogue as YAML: a comment heading the rules of each clause."""
    head = {"qcrules": document["qcrules"], "catalog": document["catalog"]}
    lines = ["# 由 qcrules draft 从方案原文草拟；review: true 的规则须复核后使用。", ""]
    lines.append(yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=100).rstrip())
    lines.extend(["", "rules:"])
    clause = None
    for rule in document["rules"]:
        if rule["clause"] != clause:
            clause = rule["clause"]
            lines.extend(["", f"  # {clause}"])
        dumped = yaml.safe_dump([rule], allow_unicode=True, sort_keys=False, width=100)
        lines.extend("  " + row for row in dumped.rstrip().splitlines())
    if not document["rules"]:
        lines[-1] = "rules: []"
    return "\n".join(lines) + "\n"
