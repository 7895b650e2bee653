"""A drafted catalogue against a reference one (a hand-made catalogue of the same plan).

Rules are matched by their quotes (the same words of the plan, or one quote inside the other),
and compared field by field: kind, bounds (operator and threshold, in the rule's unit), unit,
commitment, deadline, clause, lead, support and quote. The figures are what a rule author
gains from a draft: how many of the reference's rules it found, how many it made that the
reference does not have, and how many fields a reviewer would not need to change.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs
import yaml

from ..catalog.load import loads_catalog
from ..catalog.model import Catalog, Rule
from ..catalog.units import UnitProblem, conversion_factor

__all__ = ["FIELDS", "Comparison", "CorpusFigures", "compare_catalogs", "measure_corpus"]


def _bounds(rule: Rule) -> object:
    return tuple((b.op, b.threshold.magnitude if b.threshold else None) for b in rule.bounds)


def _bounds_in(rule: Rule, unit: str | None) -> object:
    """The bounds with thresholds converted to ``unit`` where they can be (8.5万元/人 and
    85000元/人 are the same bound)."""
    out: list[tuple[object, Fraction | None]] = []
    for bound in rule.bounds:
        threshold = bound.threshold
        if threshold is None:
            out.append((bound.op, None))
            continue
        magnitude = threshold.magnitude
        if threshold.unit and unit and threshold.unit != unit:
            with contextlib.suppress(UnitProblem):
                magnitude *= conversion_factor(threshold.unit, unit)
        out.append((bound.op, magnitude))
    return tuple(out)


#: The fields compared, and how each is read from a rule.
FIELDS: dict[str, Callable[[Rule], object]] = {
    "kind": lambda rule: rule.kind,
    "bound": _bounds,
    "unit": lambda rule: rule.indicator.unit,
    "commitment": lambda rule: rule.commitment,
    "deadline": lambda rule: rule.deadline,
    "clause": lambda rule: rule.clause,
    "lead": lambda rule: rule.lead,
    "support": lambda rule: rule.support,
    "quote": lambda rule: rule.quote,
}


@attrs.frozen
class Comparison:
    """How a draft compares with a reference catalogue."""

    pairs: tuple[tuple[Rule, Rule], ...]           # (drafted, reference), matched by quote
    missed: tuple[Rule, ...]                       # reference rules the draft did not find
    spurious: tuple[Rule, ...]                     # drafted rules the reference does not have
    differences: tuple[tuple[str, str, object, object], ...]  # (reference id, field, got, want)
    compared: dict[str, int] = attrs.field(factory=dict)  # field → pairs it was compared on

    @property
    def fields_compared(self) -> int:
        return sum(self.compared.values())

    @property
    def fields_equal(self) -> int:
        return self.fields_compared - len(self.differences)

    @property
    def field_agreement(self) -> float:
        return self.fields_equal / self.fields_compared if self.pairs else 0.0

    @property
    def recall(self) -> float:
        total = len(self.pairs) + len(self.missed)
        return len(self.pairs) / total if total else 1.0

    @property
    def precision(self) -> float:
        total = len(self.pairs) + len(self.spurious)
        return len(self.pairs) / total if total else 1.0

    def per_field(self) -> dict[str, float]:
        """The share of matched rules on which each field agrees."""
        if not self.pairs:
            return dict.fromkeys(FIELDS, 0.0)
        wrong = dict.fromkeys(FIELDS, 0)
        for _, field, _, _ in self.differences:
            wrong[field] += 1
        return {field: 1 - wrong[field] / self.compared[field] if self.compared.get(field) else 0.0
                for field in FIELDS}

    def summary(self) -> str:
        per_field = ", ".join(f"{field} {share:.0%}" for field, share in self.per_field().items())
        return (f"found {len(self.pairs)} of {len(self.pairs) + len(self.missed)} rules, "
                f"{len(self.spurious)} spurious; fields equal {self.fields_equal} of "
                f"{self.fields_compared} ({self.field_agreement:.1%}): {per_field}")


def _same_words(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a))


def compare_catalogs(drafted: Catalog | tuple[Rule, ...], reference: Catalog | tuple[Rule, ...],
                     *, fields: Iterable[str] = FIELDS) -> Comparison:
    """Match ``drafted`` rules to ``reference`` rules by quote and compare them field by field
    (all of :data:`FIELDS`, or those named)."""
    chosen = {field: FIELDS[field] for field in fields}
    draft_rules = list(drafted.rules if isinstance(drafted, Catalog) else drafted)
    reference_rules = list(reference.rules if isinstance(reference, Catalog) else reference)
    pairs: list[tuple[Rule, Rule]] = []
    missed: list[Rule] = []
    free = list(draft_rules)
    for want in reference_rules:
        match = next((got for got in free if got.quote == want.quote), None) or next(
            (got for got in free if _same_words(got.quote, want.quote)), None)
        if match is None:
            missed.append(want)
            continue
        free.remove(match)
        pairs.append((match, want))
    differences = [(want.id, field,
                    _bounds_in(got, want.indicator.unit) if field == "bound" else read(got),
                    read(want))
                   for got, want in pairs for field, read in chosen.items()
                   if (_bounds_in(got, want.indicator.unit) if field == "bound" else read(got)) != read(want)]
    return Comparison(tuple(pairs), tuple(missed), tuple(free), tuple(differences),
                      {field: len(pairs) for field in chosen})


@attrs.frozen
class CorpusFigures:
    """A drafter measured on a corpus of passages with hand-made rules: the comparisons of all
    passages pooled, and how many passages left out as many sentences (sentences holding a
    number or target word that gave no rule) as the corpus expects."""

    passages: int
    comparison: Comparison
    findings_expected: int
    findings_drafted: int
    findings_agree: int      # passages whose count of findings is the expected one

    def summary(self) -> str:
        pooled = self.comparison
        return (f"{self.passages} passages: targets precision {pooled.precision:.1%}, recall "
                f"{pooled.recall:.1%}; {pooled.summary()}; sentences left out {self.findings_drafted} "
                f"drafted, {self.findings_expected} expected, agreeing in "
                f"{self.findings_agree} of {self.passages} passages")


_NAMES_DEPARTMENTS = re.compile("牵头|责任单位|配合单位")


def measure_corpus(passages: Iterable[Mapping[str, Any]], *,
                   period: tuple[int, int] | None = None) -> CorpusFigures:
    """Draft each passage's ``text`` (in a plan of ``period``) and compare it with its ``rules``
    (catalogue rules, whose quotes must be in the text) and its count of ``findings``. Lead and
    support are compared only where the passage names departments."""
    from .build import draft  # build imports the catalogue loader; compare stays light

    pairs: list[tuple[Rule, Rule]] = []
    missed: list[Rule] = []
    spurious: list[Rule] = []
    differences: list[tuple[str, str, object, object]] = []
    expected_findings = drafted_findings = agree = count = 0
    compared: dict[str, int] = {}
    for number, passage in enumerate(passages, start=1):
        text = passage["text"]
        document = {"qcrules": 1, "catalog": {"id": f"passage-{number}", "title": "passage"},
                    "rules": list(passage.get("rules", []))}
        expected = loads_catalog(yaml.safe_dump(document, allow_unicode=True), source_text=text,
                                 file=f"passage {number}")
        drafted = draft(text, period=period)
        fields = FIELDS if _NAMES_DEPARTMENTS.search(text) else [
            field for field in FIELDS if field not in ("lead", "support")]
        result = compare_catalogs(drafted.catalog, expected, fields=fields)
        for field, times in result.compared.items():
            compared[field] = compared.get(field, 0) + times
        pairs.extend(result.pairs)
        missed.extend(result.missed)
        spurious.extend(result.spurious)
        differences.extend(result.differences)
        want = int(passage.get("findings", 0))
        quotes = [rule.quote for rule in drafted.catalog.rules]
        left_out = {finding.sentence or finding.text for finding in drafted.findings}
        left_out = {s for s in left_out if not any(quote in s for quote in quotes)}
        expected_findings += want
        drafted_findings += len(left_out)
        agree += want == len(left_out)
        count += 1
    pooled = Comparison(tuple(pairs), tuple(missed), tuple(spurious), tuple(differences), compared)
    return CorpusFigures(count, pooled, expected_findings, drafted_findings, agree)
