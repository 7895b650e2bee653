"""Stage 2, validate: parsed catalogue data → a :class:`~qcrules.Catalog`, or every problem at once.

Checks shape (types, required and unknown fields, with did-you-mean) and meaning (unique ids,
known units, compatible dimensions, thresholds inside the indicator's possible values,
formulas that parse and yield the indicator's unit, quotes found in the source document).
What a reviewer should know but is no error (a kind read from the target's words, a number
with no bound word) becomes a note (``Catalog.notes``, codes QC17x).
A pure function: the caller reads the files.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import attrs

from ..base.errors import CatalogError, Diagnostic, Location, did_you_mean
from ..base.numbers import terminates
from .formula import Formula, FormulaError, parse_formula
from .model import (
    DEFAULT_TOLERANCE,
    PATHS,
    PROGRESS_METHODS,
    RATIO_ORDERS,
    RULE_ID,
    Approximation,
    Bound,
    Catalog,
    Change,
    Department,
    Derivation,
    Indicator,
    Input,
    Kind,
    Op,
    Phase,
    Quantity,
    RatioTerms,
    Reference,
    Rule,
    Section,
    SourceDocument,
    UnitDeclaration,
)
from .parse import LocatedList, LocatedMap
from .units import (
    ParsedQuantity,
    UnitProblem,
    canonical_unit,
    check_declared,
    check_unit,
    conversion_factor,
    declare_units,
    is_percent_like,
    normalize_text,
    parse_number,
    parse_quantity,
    shipped_meaning,
    unit_text,
    whole_scale,
)
from .words import (
    APPROX_PREFIXES,
    APPROX_SUFFIXES,
    FORM_KINDS,
    ApproxText,
    BoundText,
    Form,
    TargetText,
    WordError,
    parse_bound_text,
    parse_change_text,
    parse_commitment,
    read_target,
    split_approx,
)

__all__ = ["validate_catalog"]

FORMAT_VERSION = 1

_TOP_FIELDS = ("qcrules", "catalog", "units", "progress", "rules")
_CATALOG_FIELDS = ("id", "title", "issuer", "region", "period", "source", "phases", "sections",
                   "departments")
_RULE_FIELDS = ("id", "indicator", "kind", "target", "commitment", "deadline", "clause", "quote",
                "lead", "support", "precision", "reference", "formula", "inputs", "ratio", "note",
                "path", "progress", "tier", "base", "tolerance", "group", "review")
_INDICATOR_FIELDS = ("zh", "en", "unit", "min", "max")
_REQUIRED_RULE_FIELDS = ("id", "indicator", "commitment", "clause", "quote", "lead")


class _Collector:
    """Gathers diagnostics for one file."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.items: list[Diagnostic] = []
        self.notes: list[Diagnostic] = []

    def add(self, code: str, message: str, where: Location | None, **fields: Any) -> None:
        self.items.append(Diagnostic(code, message, where or Location(self.file), **fields))

    def note(self, code: str, message: str, where: Location | None, **fields: Any) -> None:
        """Something a reviewer should know that is not an error."""
        self.notes.append(Diagnostic(code, message, where or Location(self.file), **fields))



def _check_fields(node: LocatedMap, allowed: tuple[str, ...], out: _Collector, *,
                  rule_id: str | None = None, prefix: str = "") -> None:
    for key in node:
        if key not in allowed:
            out.add("QC103", f"unknown field {prefix}{key!r}", node.at(key), rule_id=rule_id,
                    field=f"{prefix}{key}", expected=", ".join(allowed), got=key,
                    hint=did_you_mean(key, allowed))


def _text(node: LocatedMap, key: str, out: _Collector, *, rule_id: str | None = None,
          required: bool = False, field: str | None = None) -> str:
    value = node.get(key)
    name = field or key
    if value is None:
        if required:
            out.add("QC102", f"missing required field {name!r}", node.location, rule_id=rule_id,
                    field=name, expected="a value")
        return ""
    if isinstance(value, (LocatedMap, LocatedList, bool)):
        out.add("QC101", f"field {name!r} must be text", node.at(key), rule_id=rule_id,
                field=name, expected="text", got=type(value).__name__)
        return ""
    return str(value) if not isinstance(value, Fraction) else _fraction_text(value)


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    from decimal import Decimal

    return str(Decimal(value.numerator) / Decimal(value.denominator))


def _text_list(node: LocatedMap, key: str, out: _Collector, rule_id: str | None,
               *, required: bool = False) -> tuple[str, ...]:
    value = node.get(key)
    if value is None:
        if required:
            out.add("QC102", f"missing required field {key!r}", node.location, rule_id=rule_id,
                    field=key, expected="a list of departments")
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.replace("，", "、").replace(",", "、").split("、")
                     if part.strip())
    if isinstance(value, LocatedList) and all(isinstance(item, str) for item in value):
        return tuple(value)
    out.add("QC101", f"field {key!r} must be a list of names", node.at(key), rule_id=rule_id,
            field=key, expected="a list of text", got=type(value).__name__)
    return ()


def _quantity(text: object, where: Location, out: _Collector, rule_id: str | None,
              field: str, own: frozenset[str] = frozenset()) -> Quantity | None:
    if isinstance(text, Fraction | int) and not isinstance(text, bool):
        return Quantity(Fraction(text), None)
    if not isinstance(text, str):
        out.add("QC101", f"field {field!r} must be a quantity", where, rule_id=rule_id,
                field=field, expected='a quantity such as "8.5万元/人"', got=repr(text))
        return None
    try:
        parsed = parse_quantity(text)
        if parsed.unit is not None:
            check_declared(parsed.unit, own)
    except UnitProblem as problem:
        out.add(problem.code, problem.message, where, rule_id=rule_id, field=field,
                expected=problem.expected, got=problem.got, hint=problem.hint or None)
        return None
    return Quantity(parsed.magnitude, parsed.unit)


#: 达 or 达到 alone before a ratio (师生比达1:12.5), with no other comparison word.
_REACH_RATIO = re.compile(r"^(?:达到|达)\s*[\d.]+\s*:\s*[\d.]+\s*$")


def _change_kind(text: str) -> Kind | None:
    """The kind a change, growth or approximate target's words decide (比2020年下降13.5% →
    change, 年均增长8% → growth, 3%左右 → approx), or ``None``."""
    try:
        read = parse_change_text(text)
    except WordError:
        return Kind.APPROX if split_approx(text) is not None else None
    return Kind.GROWTH if read.annual else Kind.CHANGE


def _ratio_hint(first: Fraction, second: Fraction) -> str:
    """How to write ``first:second`` with a term of 1, in the form that is exact."""
    forms = [f"{_fraction_text(first / second)}:1" if terminates(first / second) else "",
             f"1:{_fraction_text(second / first)}" if terminates(second / first) else ""]
    shown = " or ".join(form for form in forms if form)
    return (f"write the number per one of the other term, as the plan means it: {shown}"
            if shown else "write the number per one of the other term (x:1 or 1:x)")


def _to_unit(quantity: Quantity, unit: str | None) -> Fraction:
    """A quantity's magnitude in ``unit`` (bare numbers are already in it)."""
    if quantity.unit is None or unit is None:
        return quantity.magnitude
    return quantity.magnitude * conversion_factor(quantity.unit, unit)


@attrs.define
class _RuleBuilder:
    node: LocatedMap
    out: _Collector
    source_text: str | None
    #: The units the catalogue declares (``units``), which its rules may use.
    own_units: frozenset[str] = frozenset()

    rule_id: str | None = None
    #: The order a ratio-written target takes (``1:x`` or ``x:1``), once one is read.
    ratio_order: str | None = None
    #: What a change or growth target measures, and an approximate target's band, once read.
    change: Change | None = None
    approx: Approximation | None = None
    before: int = 0

    def build(self) -> Rule | None:
        node, out = self.node, self.out
        before = self.before = len(out.items)
        raw_id = node.get("id")
        if isinstance(raw_id, str) and RULE_ID.match(raw_id):
            self.rule_id = raw_id
        elif raw_id is None:
            out.add("QC102", "missing required field 'id'", node.location, field="id",
                    expected="an id such as gdp-per-capita")
        else:
            out.add("QC101", "invalid rule id", node.at("id"), field="id",
                    expected="lower-case letters, digits, '-' and '.', e.g. gdp-per-capita",
                    got=repr(raw_id))
        rid = self.rule_id
        _check_fields(node, _RULE_FIELDS, out, rule_id=rid)
        for key in _REQUIRED_RULE_FIELDS:
            if key != "id" and node.get(key) is None:
                out.add("QC102", f"missing required field {key!r}", node.location, rule_id=rid,
                        field=key, expected=_EXPECTED.get(key, "a value"))
        kind = self._kind()
        self._fields_of_other_kinds(kind)
        indicator = self._indicator(kind)
        bounds = self._bounds(kind, indicator)
        commitment = None
        if node.get("commitment") is not None:
            try:
                commitment = parse_commitment(node.get("commitment"))
            except WordError:
                out.add("QC140", "unknown commitment", node.at("commitment"), rule_id=rid,
                        field="commitment", expected="ensure (确保), strive (力争) or none",
                        got=repr(node.get("commitment")))
        deadline = self._deadline()
        clause = _text(node, "clause", out, rule_id=rid)
        quote = _text(node, "quote", out, rule_id=rid)
        if quote and self.source_text is not None and quote not in self.source_text:
            out.add("QC160", "quote not found in the source document", node.at("quote"),
                    rule_id=rid, field="quote", expected="the plan's exact words", got=quote)
        lead = _text_list(node, "lead", out, rid)
        support = _text_list(node, "support", out, rid)
        precision = self._precision()
        reference = self._reference(kind)
        derivation = self._derivation(indicator)
        ratio = self._ratio(kind)
        note = _text(node, "note", out, rule_id=rid)
        review = node.get("review", False)
        if not isinstance(review, bool):
            out.add("QC101", "field 'review' must be true or false", node.at("review"),
                    rule_id=rid, field="review", expected="true or false", got=_shown(review))
        elif review:
            out.note("QC179", "marked for review: a reading still to confirm (see its note)",
                     node.at("review"), rule_id=rid, field="review",
                     expected="review: true removed once the reading is confirmed")
        path = self._path()
        method = _progress_method(node, out, rid)
        if (len(out.items) > before or rid is None or kind is None or indicator is None
                or commitment is None or deadline is None):
            return None
        return Rule(id=rid, indicator=indicator, kind=kind, bounds=bounds, commitment=commitment,
                    deadline=deadline, clause=clause, quote=quote, lead=lead, support=support,
                    precision=precision, reference=reference, derivation=derivation, ratio=ratio,
                    note=note, path=path, method=method, change=self.change, approx=self.approx,
                    group=self._group(), review=review is True, location=node.location)

    def _fields_of_other_kinds(self, kind: Kind | None) -> None:
        """``base`` belongs to a change or growth, ``tolerance`` to an approximate target: on
        any other rule they would be ignored without a word."""
        if kind is None:
            return
        target = str(self.node.get("target") or "")
        approximate = kind is Kind.APPROX or (kind.needs_base and any(
            word in target for word in (*APPROX_SUFFIXES, *(w for w, _ in APPROX_PREFIXES))))
        compound = kind is Kind.GROWTH and "%" in target and "百分点" not in target
        fields = (("base", kind.needs_base, "kind change or growth"),
                  ("tolerance", approximate, "an approximate target (3%左右, 近100个)"),
                  ("precision", not compound, "a rule whose value is not a compound yearly rate "
                                              "(a rate found by a root is never rounded)"))
        for field, fits, expected in fields:
            if self.node.get(field) is not None and not fits:
                self.out.add("QC103", f"field {field!r} does not apply to a {kind.value} rule",
                             self.node.at(field), rule_id=self.rule_id, field=field,
                             expected=expected, got=kind.value)

    def _group(self) -> str | None:
        raw = self.node.get("group")
        if raw is None:
            return None
        if isinstance(raw, str) and RULE_ID.match(raw):
            return raw
        self.out.add("QC101", "invalid group id", self.node.at("group"), rule_id=self.rule_id,
                     field="group", expected="an id such as food-pass-rates", got=repr(raw))
        return None

    def _path(self) -> str:
        raw = self.node.get("path")
        if raw is None:
            return "linear"
        if raw not in PATHS:
            self.out.add("QC141", "unknown path", self.node.at("path"), rule_id=self.rule_id,
                         field="path", expected=", ".join(PATHS), got=repr(raw),
                         hint=did_you_mean(str(raw), PATHS))
            return "linear"
        return str(raw)

    def _kind(self) -> Kind | None:
        raw = self.node.get("kind")
        if raw is None:
            return self._inferred_kind()
        try:
            return Kind(raw)
        except ValueError:
            choices = tuple(k.value for k in Kind)
            self.out.add("QC140", "unknown kind", self.node.at("kind"), rule_id=self.rule_id,
                         field="kind", expected=", ".join(choices), got=repr(raw),
                         hint=did_you_mean(str(raw), choices))
            return None

    def _inferred_kind(self) -> Kind | None:
        """A rule without ``kind`` takes the kind its target's words decide, with a note."""
        node, out, rid = self.node, self.out, self.rule_id
        raw = node.get("target")
        kind: Kind | None = None
        if isinstance(raw, LocatedList):
            readings = [self._read(item, None) for item in raw]
            if any(reading is None for reading in readings):
                return None
            words = [r for r in readings if r is not None and r.form is Form.WORDS]
            if (len(words) == len(readings) == 2 and words[0].bounds[0].op.lower
                    and words[1].bounds[0].op.upper):
                kind = Kind.RANGE
            elif len(readings) == 1 and readings[0] is not None:
                kind = readings[0].kind
        elif isinstance(raw, str) and (changed := _change_kind(raw)) is not None:
            kind = changed
        elif raw is not None and not isinstance(raw, (LocatedMap, bool)):
            reading = self._read(raw, None)
            if reading is None:
                return None
            kind = reading.kind
        if kind is None:
            said = "" if raw is None else ": the target's words do not say which kind it is"
            out.add("QC102", f"missing required field 'kind'{said}", node.location, rule_id=rid,
                    field="kind", expected=_EXPECTED["kind"],
                    got=None if raw is None else _shown(raw),
                    hint="write kind: … (a:b is a ratio, '= x' a floor or ceiling, a word with "
                         "no number relative or assigned, no target boolean or qualitative)")
            return None
        out.note("QC172", f"kind read from the target's words: {kind.value}", node.at("target"),
                 rule_id=rid, field="kind", got=_shown(raw))
        return kind

    def _read(self, text: object, kind: Kind | None) -> TargetText | None:
        """The target's words read for ``kind`` (``None``: not declared), or a QC120."""
        where = self.node.at("target")
        if isinstance(text, Fraction | int) and not isinstance(text, bool):
            text = _fraction_text(Fraction(text))
        if not isinstance(text, str):
            self.out.add("QC101", "field 'target' must be text", where, rule_id=self.rule_id,
                         field="target", expected=_EXPECTED["target"], got=type(text).__name__)
            return None
        try:
            return read_target(text, default=_DEFAULT_OPS.get(kind) if kind else None)
        except WordError as error:
            self.out.add("QC120", str(error), where, rule_id=self.rule_id, field="target",
                         expected=_EXPECTED["target"], got=text)
            return None

    def _tier(self) -> int | None:
        raw = self.node.get("tier")
        if raw is None:
            return None
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 1:
            return raw
        self.out.add("QC101", "invalid tier", self.node.at("tier"), rule_id=self.rule_id,
                     field="tier", expected="the tier's size as a whole number of positions, "
                     "e.g. 10 (第一方阵 read as the first ten)", got=repr(raw))
        return None

    def _indicator(self, kind: Kind | None) -> Indicator | None:
        node, out, rid = self.node, self.out, self.rule_id
        raw = node.get("indicator")
        if raw is None:
            return None
        if not isinstance(raw, LocatedMap):
            out.add("QC101", "field 'indicator' must be a mapping", node.at("indicator"),
                    rule_id=rid, field="indicator", expected="{zh: …, en: …, unit: …}",
                    got=type(raw).__name__)
            return None
        _check_fields(raw, _INDICATOR_FIELDS, out, rule_id=rid, prefix="indicator.")
        zh = _text(raw, "zh", out, rule_id=rid, required=True, field="indicator.zh")
        en = _text(raw, "en", out, rule_id=rid, field="indicator.en")
        unit = _text(raw, "unit", out, rule_id=rid, field="indicator.unit") or None
        if unit is not None:
            try:
                check_unit(unit)
                check_declared(unit, self.own_units)
            except UnitProblem as problem:
                out.add(problem.code, problem.message, raw.at("unit"), rule_id=rid,
                        field="indicator.unit", expected=problem.expected, got=unit,
                        hint=problem.hint or None)
                unit = None
                return None
        elif kind is not None and kind.numeric and kind is not Kind.RATIO:
            out.add("QC102", "missing required field 'indicator.unit'", raw.location, rule_id=rid,
                    field="indicator.unit", expected="the unit results are expressed in, e.g. 万元/人")
            return None
        domain: dict[str, Quantity | None] = {}
        for side in ("min", "max"):
            domain[side] = None
            if raw.get(side) is None:
                continue
            quantity = _quantity(raw[side], raw.at(side), out, rid, f"indicator.{side}",
                                 self.own_units)
            if quantity is not None and not self._compatible(quantity, unit, raw.at(side),
                                                             f"indicator.{side}"):
                quantity = None
            domain[side] = quantity
        if not zh:
            return None
        return Indicator(zh=zh, en=en, unit=unit, min=domain["min"], max=domain["max"])

    def _compatible(self, quantity: Quantity, unit: str | None, where: Location,
                    field: str) -> bool:
        if quantity.unit is None or unit is None:
            return True
        try:
            conversion_factor(quantity.unit, unit)
        except UnitProblem:
            self.out.add("QC111", f"unit {quantity.unit!r} is incompatible with the indicator's "
                         f"unit {unit!r}", where, rule_id=self.rule_id, field=field,
                         expected=f"a unit convertible to {unit}", got=quantity.unit)
            return False
        return True

    def _bounds(self, kind: Kind | None, indicator: Indicator | None) -> tuple[Bound, ...]:
        tier = self._tier()
        bounds, tier_read = self._target_bounds(kind, indicator, tier)
        if tier is not None and not tier_read and not self.out.items[self.before:]:
            self.out.add("QC120", "a tier is declared but the target names none",
                         self.node.at("tier"), rule_id=self.rule_id, field="tier",
                         expected="a target such as 第一方阵 or 前列, or no tier",
                         got=None if self.node.get("target") is None
                         else _shown(self.node.get("target")))
            return ()
        return bounds

    def _target_bounds(self, kind: Kind | None, indicator: Indicator | None,
                       tier: int | None) -> tuple[tuple[Bound, ...], bool]:
        """The bounds, and whether a tier word used the declared tier."""
        node, out, rid = self.node, self.out, self.rule_id
        raw = node.get("target")
        if kind is None:
            return (), False
        if kind in (Kind.BOOLEAN, Kind.QUALITATIVE):
            if raw is not None and raw not in ("是", True, "true", "完成", "达标"):
                out.add("QC120", f"a {kind.value} rule has no numeric target", node.at("target"),
                        rule_id=rid, field="target", expected="no target", got=repr(raw))
            return (), False
        if raw is not None and kind.needs_base:
            return self._change_bounds(raw, kind, indicator), False
        if raw is not None and kind is Kind.APPROX:
            return self._approx_bounds(raw, indicator), False
        if raw is None:
            if kind is Kind.ASSIGNED:
                return (Bound(Op.GE, None, "完成"),), False
            out.add("QC102", "missing required field 'target'", node.location, rule_id=rid,
                    field="target", expected=_EXPECTED["target"])
            return (), False
        texts = list(raw) if isinstance(raw, LocatedList) else [raw]
        readings = []
        for text in texts:
            reading = self._read(text, kind)
            if reading is None:
                return (), False
            readings.append(reading)
        form = readings[0].form
        parts: list[BoundText] = [bound for reading in readings for bound in reading.bounds]
        if form is Form.RANGE and len(readings) == 1:
            if kind is not Kind.RANGE:
                out.add("QC120", f"{readings[0].words!r} is a range target, not a {kind.value}",
                        node.at("target"), rule_id=rid, field="target",
                        expected="kind: range, or no kind", got=_shown(raw))
                return (), False
        elif kind is Kind.RANGE and len(texts) != 2:
            out.add("QC120", "a range needs two bounds", node.at("target"), rule_id=rid,
                    field="target", expected='"3—5个" or [">= a", "<= b"]', got=repr(raw))
            return (), False
        elif kind is not Kind.RANGE and len(texts) != 1:
            out.add("QC120", f"a {kind.value} rule has one bound", node.at("target"), rule_id=rid,
                    field="target", expected="one bound", got=repr(raw))
            return (), False
        elif kind is Kind.RANGE and any(r.form is not Form.WORDS for r in readings):
            out.add("QC120", "each bound of a range list is one comparison word and a number",
                    node.at("target"), rule_id=rid, field="target",
                    expected='[">= a", "<= b"] or one text "a—b"', got=repr(raw))
            return (), False
        allowed = FORM_KINDS.get(form)
        if allowed is not None and kind not in allowed:
            out.add("QC120", f"{readings[0].words!r} is a {allowed[0].value} target, not a "
                    f"{kind.value}", node.at("target"), rule_id=rid, field="target",
                    expected=" or ".join(f"kind: {k.value}" for k in allowed) + ", or no kind",
                    got=_shown(raw))
            return (), False
        bounds = []
        for part in parts:
            bound = self._bound(part, form, kind, indicator, tier)
            if bound is None:
                return (), False
            bounds.append(bound)
        if kind is Kind.RANGE and not (bounds[0].op.lower and bounds[1].op.upper):
            out.add("QC120", "a range is a lower bound then an upper bound", node.at("target"),
                    rule_id=rid, field="target", expected='[">= a", "<= b"]', got=repr(raw))
            return (), False
        if kind is Kind.RANGE and not self._ordered(bounds, indicator):
            return (), False
        expected_side = {Kind.FLOOR: "lower", Kind.CEILING: "upper"}.get(kind)
        if expected_side and not (getattr(bounds[0].op, expected_side) or bounds[0].op is Op.EQ):
            out.add("QC120", f"a {kind.value} needs a {expected_side} bound", node.at("target"),
                    rule_id=rid, field="target",
                    expected="以上/达/不低于/超过/>=/>" if expected_side == "lower" else
                    "以下/以内/不高于/低于/<=/<", got=repr(raw))
            return (), False
        return tuple(bounds), form is Form.TIER

    def _ordered(self, bounds: list[Bound], indicator: Indicator | None) -> bool:
        """A range's lower number may not stand above its upper one (nothing would meet it)."""
        low, high = bounds[0].threshold, bounds[1].threshold
        unit = indicator.unit if indicator is not None else None
        if low is None or high is None or _to_unit(low, unit) <= _to_unit(high, unit):
            return True
        self.out.add("QC121", "impossible range: the lower number is above the upper one",
                     self.node.at("target"), rule_id=self.rule_id, field="target",
                     expected=f"a lower number at most {_quantity_text(high)}",
                     got=_quantity_text(low))
        return False

    def _bound(self, read: BoundText, form: Form, kind: Kind, indicator: Indicator | None,
               tier: int | None) -> Bound | None:
        node, out, rid = self.node, self.out, self.rule_id
        where = node.at("target")
        text = read.words
        unit = indicator.unit if indicator is not None else None
        if kind.needs_reference:
            if read.quantity:
                out.add("QC120", f"a {kind.value} target takes its threshold from the reference "
                        "fact, not a number", where, rule_id=rid, field="target",
                        expected="a comparison word alone, e.g. 低于", got=text)
                return None
            return Bound(read.op, None, text)
        if not self._unit_fits(form, unit, text):
            return None
        if form is Form.TIER:
            if tier is None:
                out.add("QC102", f"missing required field 'tier': {text!r} names a tier whose "
                        "size the plan leaves to the reader", node.location, rule_id=rid,
                        field="tier", expected="tier: N, the worst position that still counts "
                        "(e.g. tier: 10 for the first ten)", got=None)
                return None
            return Bound(read.op, Quantity(tier), text)
        if not read.quantity:
            out.add("QC120", "target has no number", where, rule_id=rid, field="target",
                    expected=_EXPECTED["target"], got=text)
            return None
        quantity = _quantity(read.quantity, where, out, rid, "target", self.own_units)
        if quantity is None:
            return None
        parsed = parse_quantity(read.quantity)
        if parsed.ratio:
            quantity = self._ratio_threshold(parsed, where, text)
            if quantity is None:
                return None
        elif kind is Kind.RATIO and quantity.unit is not None:
            out.add("QC120", "a ratio target is written a:b", where, rule_id=rid,
                    field="target", expected="e.g. 1:12.5", got=text)
            return None
        quantity = self._per_unit(quantity, unit, where, text)
        if not self._compatible(quantity, unit, where, "target"):
            return None
        if indicator is not None and not self._inside_domain(quantity, indicator, where):
            return None
        if kind is Kind.COUNT and whole_scale(unit) % _to_unit(quantity, unit).denominator:
            out.add("QC121", "a count target must be a whole number", where, rule_id=rid,
                    field="target", expected="a whole number", got=text)
            return None
        if form is Form.BARE and kind in (Kind.FLOOR, Kind.COUNT, Kind.CEILING):
            side = "a ceiling (the rule's kind)" if read.op.upper else "a floor (more is better)"
            out.note("QC171" if read.op.upper else "QC170",
                     f"no bound word: read as {read.op.value} {_quantity_text(quantity)}, {side}",
                     where, rule_id=rid, field="target",
                     expected="以下/以内/控制在 to say so" if read.op.upper else
                     "达/以上/不低于 to say so, or kind: ceiling if less is better", got=text)
        op = read.op
        if parsed.ratio and kind is Kind.RATIO and _REACH_RATIO.match(normalize_text(text)):
            # 师生比达1:12.5: "reach" names the ratio to reach, not a side; a ratio's side is its
            # kind's (at most x per one), said in a note for the reviewer (医护比 may be the other).
            op = Op.LE
            out.note("QC177", f"达 before a ratio read as the ratio's own bound: at most "
                     f"{_fraction_text(quantity.magnitude)} per one", where, rule_id=rid,
                     field="target", expected="不超过/以内 or 不低于/以上 to say which side", got=text)
        return Bound(op, quantity, text)

    def _unit_fits(self, form: Form, unit: str | None, text: str) -> bool:
        """A phrase's bound is of a kind of quantity: 为零 and 零的突破 count things, 全覆盖 is a
        rate, 前三 and 第一方阵 are positions. A number the phrase implies (1, 100 %) would
        otherwise be read in a unit it was not meant in."""
        needed = _PHRASE_UNITS.get(form)
        if needed is None or unit is None:
            return True
        base, what, examples = needed
        try:
            factor = conversion_factor(unit, base)
        except UnitProblem:
            factor = None
        if form in (Form.ZERO, Form.BREAKTHROUGH) and factor is None:
            try:
                factor = conversion_factor(unit, "人")
            except UnitProblem:
                factor = None
        if factor is not None and (form is not Form.BREAKTHROUGH or factor == 1):
            return True
        self.out.add("QC111", f"{text!r} is {what}, but the indicator's unit is {unit!r}",
                     self.node.at("target"), rule_id=self.rule_id, field="target",
                     expected=f"an indicator in {examples}", got=unit)
        return False

    def _change_bounds(self, raw: object, kind: Kind,
                       indicator: Indicator | None) -> tuple[Bound, ...]:
        """The bounds on a change against the base value, and :attr:`change` (what is measured):
        ``比2020年下降13.5%`` is a relative decrease of at least 13.5 %; ``提高5个百分点`` a
        difference of rates; ``增加12项`` an amount; ``翻一番`` a multiple; ``年均增长8%`` a
        compound annual rate; ``年均提高1个百分点`` a linear one."""
        where, rid = self.node.at("target"), self.rule_id
        if not isinstance(raw, str):
            self.out.add("QC101", "field 'target' must be text", where, rule_id=rid,
                         field="target", expected=_EXPECTED["target"], got=type(raw).__name__)
            return ()
        try:
            read = parse_change_text(raw)
        except WordError as error:
            self.out.add("QC120", str(error), where, rule_id=rid, field="target",
                         expected=_EXPECTED["target"], got=raw)
            return ()
        base = self._base_year(read.base)
        if read.annual != (kind is Kind.GROWTH):
            self.out.add("QC123", "年均 (per year) makes a growth target, and a growth target says "
                         "年均", where, rule_id=rid, field="kind",
                         expected="kind: growth" if read.annual else "年均增长…/年均提高…",
                         got=kind.value)
            return ()
        if read.multiple is not None:
            if kind is Kind.GROWTH:
                self.out.add("QC123", "a multiple (翻一番) is a change, not an annual growth", where,
                             rule_id=rid, field="kind", expected="kind: change", got=kind.value)
                return ()
            self.change = Change("multiple", 1, base)
            return (Bound(Op.GE, Quantity(read.multiple, None), raw),)
        # 5个百分点: the measure word 个 before a unit of difference.
        amount = read.amount.replace("个百分点", "百分点")
        approx = split_approx(amount)
        try:
            bound = parse_bound_text(approx.text if approx else amount, default=Op.GE)
        except WordError as error:
            self.out.add("QC120", str(error), where, rule_id=rid, field="target",
                         expected=_EXPECTED["target"], got=raw)
            return ()
        quantity = _quantity(bound.quantity, where, self.out, rid, "target")
        if quantity is None:
            return ()
        measure = self._change_measure(quantity, kind, indicator, where, raw)
        if measure is None:
            return ()
        self.change = Change(measure, read.direction, base)
        if approx is not None:
            return self._band(quantity, approx, raw)
        return (Bound(bound.op, quantity, raw),)

    def _change_measure(self, quantity: Quantity, kind: Kind, indicator: Indicator | None,
                        where: Location, text: str) -> str | None:
        unit = normalize_text(quantity.unit or "").removeprefix("个") or None
        indicator_unit = indicator.unit if indicator is not None else None
        if unit == "%":
            return "compound" if kind is Kind.GROWTH else "relative"
        if unit == "百分点":
            if not is_percent_like(indicator_unit):
                self.out.add("QC123", "a change in percentage points needs a rate", where,
                             rule_id=self.rule_id, field="target",
                             expected="an indicator in % or ‰", got=indicator_unit or "no unit")
                return None
            return "points"
        if unit is None and indicator_unit is None:
            self.out.add("QC123", "say what the change is measured in", where,
                         rule_id=self.rule_id, field="target",
                         expected="13.5%, 5个百分点, 12项, or the indicator's unit", got=text)
            return None
        if not self._compatible(quantity, indicator_unit, where, "target"):
            return None
        return "absolute"

    def _base_year(self, from_words: int | None) -> int | None:
        raw = self.node.get("base")
        if raw is None:
            return from_words
        if not (isinstance(raw, int) and not isinstance(raw, bool) and 1900 <= raw <= 2200):
            self.out.add("QC101", "invalid base year", self.node.at("base"), rule_id=self.rule_id,
                         field="base", expected="a year such as 2020", got=repr(raw))
            return from_words
        if from_words is not None and raw != from_words:
            self.out.add("QC123", "the base year contradicts the target's words",
                         self.node.at("base"), rule_id=self.rule_id, field="base",
                         expected=str(from_words), got=str(raw))
        return raw

    def _approx_bounds(self, raw: object, indicator: Indicator | None) -> tuple[Bound, ...]:
        """An approximate target (3%左右, 约1100亿元, 近100个): the band of its tolerance."""
        where, rid = self.node.at("target"), self.rule_id
        approx = split_approx(raw) if isinstance(raw, str) else None
        if approx is None:
            self.out.add("QC120", "an approx target says 左右, 约, 近 or 接近", where, rule_id=rid,
                         field="target", expected="3%左右, 约1100亿元, 近100个", got=repr(raw))
            return ()
        quantity = _quantity(approx.text, where, self.out, rid, "target")
        if quantity is None:
            return ()
        unit = indicator.unit if indicator is not None else None
        assert isinstance(raw, str)
        quantity = self._per_unit(quantity, unit, where, raw)  # 人均…2.8平方米左右 in 平方米/人
        if not self._compatible(quantity, unit, where, "target"):
            return ()
        return self._band(quantity, approx, raw)

    def _band(self, quantity: Quantity, approx: ApproxText, words: str) -> tuple[Bound, ...]:
        """``quantity`` ± its tolerance (``tolerance:``, else 5 % of it), recorded in
        :attr:`approx`; 近/接近 keep the lower edge only."""
        relative, tolerance = self._tolerance(quantity)
        self.approx = Approximation(quantity.magnitude, tolerance, relative,
                                    approx.lower_only, approx.word)
        half = self.approx.half_width
        low = Bound(Op.GE, Quantity(quantity.magnitude - half, quantity.unit), words)
        if approx.lower_only:
            return (low,)
        return (low, Bound(Op.LE, Quantity(quantity.magnitude + half, quantity.unit), words))

    def _tolerance(self, quantity: Quantity) -> tuple[bool, Fraction]:
        """(relative?, tolerance): ``tolerance: {relative: 5%}`` or ``{absolute: 0.3%}`` in the
        target's unit; by default 5 % of the target (:data:`DEFAULT_TOLERANCE`)."""
        raw = self.node.get("tolerance")
        where = self.node.at("tolerance") if raw is not None else None
        if raw is None:
            return True, DEFAULT_TOLERANCE
        if isinstance(raw, LocatedMap) and len(raw) == 1 and ("relative" in raw or "absolute" in raw):
            side = "relative" if "relative" in raw else "absolute"
            amount = _quantity(raw[side], raw.at(side), self.out, self.rule_id, f"tolerance.{side}")
            if (amount is not None and amount.unit == "百分点" and quantity.unit is not None
                    and is_percent_like(quantity.unit)):
                # ±0.5个百分点 of a rate (98%左右): half a point either side, in %.
                amount = Quantity(amount.magnitude, "%")
            if amount is not None and amount.magnitude >= 0:
                if side == "relative" and amount.unit in (None, "%", "‰"):
                    return True, _to_unit(amount, "1") if amount.unit else amount.magnitude
                if side == "absolute" and self._compatible(amount, quantity.unit,
                                                           raw.at(side), "tolerance.absolute"):
                    return False, _to_unit(amount, quantity.unit)
        self.out.add("QC101", "invalid tolerance", where, rule_id=self.rule_id, field="tolerance",
                     expected="{relative: 5%} or {absolute: 0.3%} (in the target's unit)",
                     got=repr(raw))
        return True, DEFAULT_TOLERANCE

    def _per_unit(self, quantity: Quantity, unit: str | None, where: Location,
                  text: str) -> Quantity:
        """A per-head or per-thing target written without its denominator, as plans write them
        ("人均GDP达8.5万元" for an indicator in 万元/人, "每万人口…达3件" in 件/万人): the
        indicator's denominator completes the unit, and a note says so (QC175)."""
        if quantity.unit is None or unit is None or "/" not in unit or "/" in quantity.unit:
            return quantity
        try:
            conversion_factor(quantity.unit, unit)
        except UnitProblem:
            numerator, _, denominator = normalize_text(unit).partition("/")
            completed = f"{quantity.unit}/{denominator}"
            try:
                conversion_factor(quantity.unit, numerator)
                conversion_factor(completed, unit)
            except UnitProblem:
                return quantity
            self.out.note("QC175", f"the unit completed from the indicator's: {completed}", where,
                          rule_id=self.rule_id, field="target",
                          expected=f"{_fraction_text(quantity.magnitude)} {completed} to say so",
                          got=text)
            return Quantity(quantity.magnitude, completed)
        return quantity

    def _ratio_threshold(self, parsed: ParsedQuantity, where: Location,
                         text: str) -> Quantity | None:
        """The number a ratio target judges, read as written: ``1:12.5`` is 12.5 of the second
        term per one of the first, ``2.2:1`` is 2.2 of the first per one of the second. A ratio
        with neither term 1 does not say which is measured and is refused."""
        assert parsed.terms is not None
        first, second = parsed.terms
        if first == 1:
            order, number = ("1:x", second) if second != 1 else (self.ratio_order, Fraction(1))
        elif second == 1:
            order, number = "x:1", first
        else:
            self.out.add("QC122", "a ratio target must have 1 as one of its terms",
                         where, rule_id=self.rule_id, field="target",
                         expected="x:1 (x of the first per one of the second) or 1:x "
                                  "(x of the second per one of the first)", got=text,
                         hint=_ratio_hint(first, second))
            return None
        if order is not None:
            if self.ratio_order is not None and order != self.ratio_order:
                self.out.add("QC122", "the bounds of a ratio are written in different orders",
                             where, rule_id=self.rule_id, field="target",
                             expected=f"both {self.ratio_order}", got=text)
                return None
            self.ratio_order = order
        return Quantity(number, None)

    def _inside_domain(self, quantity: Quantity, indicator: Indicator, where: Location) -> bool:
        value = _to_unit(quantity, indicator.unit)
        for side, bound in (("min", indicator.min), ("max", indicator.max)):
            if bound is None:
                continue
            limit = _to_unit(bound, indicator.unit)
            if (side == "min" and value < limit) or (side == "max" and value > limit):
                self.out.add("QC121", "impossible threshold: outside the indicator's possible "
                             "values", where, rule_id=self.rule_id, field="target",
                             expected=f"{'at least' if side == 'min' else 'at most'} "
                             f"{_quantity_text(bound)}", got=_quantity_text(quantity))
                return False
        return True

    def _deadline(self) -> int | str | None:
        """A year, ``annual`` (每年: judged every year), or ``ongoing`` (an ongoing requirement
        such as 稳定在98%以上, with no date: also when the rule names no deadline, with a note)."""
        raw = self.node.get("deadline")
        if raw is None:
            self.out.note("QC173", "no deadline: an ongoing requirement, judged in every period",
                          self.node.location, rule_id=self.rule_id, field="deadline",
                          expected="a year, annual, or ongoing to say so")
            return "ongoing"
        if raw in {"annual", "每年"}:
            return "annual"
        if raw in {"ongoing", "持续", "长期"}:
            return "ongoing"
        if isinstance(raw, int) and not isinstance(raw, bool) and 1900 <= raw <= 2200:
            return raw
        self.out.add("QC101", "invalid deadline", self.node.at("deadline"), rule_id=self.rule_id,
                     field="deadline", expected="a year such as 2027, annual, or ongoing",
                     got=repr(raw))
        return None

    def _precision(self) -> Fraction | None:
        raw = self.node.get("precision")
        if raw is None:
            return None
        try:
            value = parse_number(str(raw)) if not isinstance(raw, Fraction) else raw
        except UnitProblem:
            value = Fraction(0)
        if isinstance(raw, bool) or value <= 0:
            self.out.add("QC101", "invalid precision", self.node.at("precision"),
                         rule_id=self.rule_id, field="precision",
                         expected="a positive rounding interval such as 0.1, 1 or 0.5",
                         got=repr(raw))
            return None
        return value

    def _reference(self, kind: Kind | None) -> Reference | None:
        node, out, rid = self.node, self.out, self.rule_id
        raw = node.get("reference")
        if raw is None:
            if kind is not None and kind.needs_reference:
                if kind is Kind.ASSIGNED and rid:
                    return Reference(f"{rid}.assigned", "上级下达的任务", "assigned target")
                out.add("QC102", f"a {kind.value} rule needs a reference", node.location,
                        rule_id=rid, field="reference", expected="{id: …, zh: 全省平均数}")
            return None
        if isinstance(raw, str):
            raw_map: dict[str, Any] = {"id": raw}
        elif isinstance(raw, LocatedMap):
            _check_fields(raw, ("id", "zh", "en"), out, rule_id=rid, prefix="reference.")
            raw_map = raw
        else:
            out.add("QC101", "field 'reference' must be a mapping", node.at("reference"),
                    rule_id=rid, field="reference", expected="{id: …, zh: …}",
                    got=type(raw).__name__)
            return None
        ref_id = raw_map.get("id")
        if not isinstance(ref_id, str) or not RULE_ID.match(ref_id):
            out.add("QC101", "invalid reference id", node.at("reference"), rule_id=rid,
                    field="reference.id", expected="a fact id such as x.province-average",
                    got=repr(ref_id))
            return None
        return Reference(ref_id, str(raw_map.get("zh") or ""), str(raw_map.get("en") or ""))

    def _derivation(self, indicator: Indicator | None) -> Derivation | None:
        node, out, rid = self.node, self.out, self.rule_id
        formula_text = node.get("formula")
        raw_inputs = node.get("inputs")
        if formula_text is None and raw_inputs is None:
            return None
        if not isinstance(formula_text, str):
            out.add("QC130", "a derived indicator needs a formula", node.at("formula"),
                    rule_id=rid, field="formula", expected="e.g. patents / population",
                    got=repr(formula_text))
            return None
        try:
            formula = parse_formula(formula_text)
        except FormulaError as error:
            out.add("QC130", f"formula {error}", node.at("formula"), rule_id=rid, field="formula",
                    expected="+ - * / over input names and numbers", got=formula_text)
            return None
        inputs: list[Input] = []
        if not isinstance(raw_inputs, LocatedMap):
            out.add("QC101", "field 'inputs' must be a mapping", node.at("inputs"), rule_id=rid,
                    field="inputs", expected="{name: {zh: …, unit: …}}",
                    got=type(raw_inputs).__name__)
            return None
        for name, spec in raw_inputs.items():
            where = raw_inputs.at(name)
            if not isinstance(spec, LocatedMap):
                out.add("QC101", f"input {name!r} must be a mapping", where, rule_id=rid,
                        field=f"inputs.{name}", expected="{zh: …, unit: …}",
                        got=type(spec).__name__)
                continue
            _check_fields(spec, ("zh", "en", "unit"), out, rule_id=rid, prefix=f"inputs.{name}.")
            unit = spec.get("unit")
            if unit is not None:
                try:
                    check_unit(str(unit))
                    check_declared(str(unit), self.own_units)
                except UnitProblem as problem:
                    out.add(problem.code, problem.message, spec.at("unit"), rule_id=rid,
                            field=f"inputs.{name}.unit", expected=problem.expected, got=str(unit),
                            hint=problem.hint or None)
                    continue
            try:
                inputs.append(Input(name, str(spec.get("zh") or ""), str(spec.get("en") or ""),
                                    str(unit) if unit is not None else None))
            except ValueError:
                out.add("QC101", f"invalid input name {name!r}", where, rule_id=rid,
                        field=f"inputs.{name}", expected="a name such as patents", got=name)
        known = {i.name for i in inputs}
        missing = [name for name in formula.names if name not in known]
        if missing:
            out.add("QC131", f"formula uses undeclared input {missing[0]!r}", node.at("formula"),
                    rule_id=rid, field="formula", expected=", ".join(sorted(known)) or "inputs",
                    got=missing[0], hint=did_you_mean(missing[0], tuple(sorted(known))))
            return None
        if len(inputs) != len(raw_inputs):
            return None
        if indicator is not None and indicator.unit is not None:
            if self._formula_fits(formula, {i.name: i.unit for i in inputs}, indicator.unit):
                return Derivation(formula.text, tuple(inputs))
            import pint  # the registry reads the formula's units (a unit outside the shipped table)

            try:
                result = formula.result_unit({i.name: i.unit for i in inputs})
            except ZeroDivisionError:
                out.add("QC130", "the formula divides by zero whatever its inputs are",
                        node.at("formula"), rule_id=rid, field="formula",
                        expected="a divisor that is not zero by itself", got=formula_text)
                return None
            except pint.errors.DimensionalityError as error:
                out.add("QC131", "formula mixes incompatible units: "
                        f"{unit_text(error.units1)} and {unit_text(error.units2)}",
                        node.at("formula"),
                        rule_id=rid, field="formula", expected="terms of one kind in + and -",
                        got=formula_text)
                return None
            if canonical_unit(indicator.unit).dimensionality != result.dimensionality:
                out.add("QC131", "formula's unit does not match the indicator's unit",
                        node.at("formula"), rule_id=rid, field="formula",
                        expected=f"a result in a unit like {indicator.unit}",
                        got=unit_text(result))
                return None
        return Derivation(formula.text, tuple(inputs))

    @staticmethod
    def _formula_fits(formula: Formula, units: dict[str, str | None], unit: str) -> bool:
        """Whether the formula's result is of ``unit``'s dimension, told from the shipped unit
        table alone (``False`` also when it cannot tell: then pint decides, and says why not)."""
        try:
            meaning = formula.result_meaning(units)
        except ZeroDivisionError:
            return False
        target = shipped_meaning(unit)
        return meaning is not None and target is not None and meaning[1] == target[1]

    def _ratio(self, kind: Kind | None) -> RatioTerms | None:
        """The ratio's terms and order: a target written ``a:b`` makes any numeric rule read
        ratios (``控制在2.2∶1以内`` is a ceiling of 2.2 per 1); ``ratio.order`` states the order
        of a ratio rule whose target is a bare number."""
        raw = self.node.get("ratio")
        order = self.ratio_order
        if raw is None:
            if kind is Kind.RATIO or order is not None:
                return RatioTerms("", "", order or "1:x")
            return None
        if not isinstance(raw, LocatedMap):
            self.out.add("QC101", "field 'ratio' must be a mapping", self.node.at("ratio"),
                         rule_id=self.rule_id, field="ratio",
                         expected="{antecedent: 教师, consequent: 学生}", got=type(raw).__name__)
            return None
        _check_fields(raw, ("antecedent", "consequent", "order"), self.out, rule_id=self.rule_id,
                      prefix="ratio.")
        stated = raw.get("order")
        if stated is not None:
            if stated not in RATIO_ORDERS:
                self.out.add("QC101", "unknown ratio order", raw.at("order"), rule_id=self.rule_id,
                             field="ratio.order", expected=" or ".join(RATIO_ORDERS),
                             got=repr(stated))
                return None
            if order is not None and stated != order:
                self.out.add("QC122", "ratio.order contradicts the target as written",
                             raw.at("order"), rule_id=self.rule_id, field="ratio.order",
                             expected=order, got=str(stated))
                return None
            order = str(stated)
        return RatioTerms(str(raw.get("antecedent") or ""), str(raw.get("consequent") or ""),
                          order or "1:x")


#: The operator a target with no bound word takes in each kind (a floor: the genre's reading).
_DEFAULT_OPS = {Kind.FLOOR: Op.GE, Kind.CEILING: Op.LE, Kind.COUNT: Op.GE, Kind.RATIO: Op.LE,
                Kind.RANK: Op.LE}

#: What a phrase bounds: a unit it converts to, in words, and examples.
_PHRASE_UNITS = {
    Form.ZERO: ("件", "a count of things or people", "件, 个, 项, 人"),
    Form.BREAKTHROUGH: ("件", "a count of single things or people (at least one)",
                        "件, 个, 项, 家, 人"),
    Form.COVERAGE: ("%", "a rate (100 %)", "%, ‰"),
    Form.TOP: ("位", "a rank", "位, 名"),
    Form.TIER: ("位", "a rank", "位, 名"),
}


def _shown(raw: object) -> str:
    """A target as the catalogue wrote it, for a message."""
    if isinstance(raw, LocatedList):
        return repr(list(raw))
    if isinstance(raw, Fraction):
        return _fraction_text(raw)
    return str(raw)


_EXPECTED = {
    "indicator": "{zh: …, en: …, unit: …}",
    "kind": "floor, ceiling, range, ratio, count, boolean, qualitative, relative, assigned, rank",
    "commitment": "ensure (确保), strive (力争) or none",
    "deadline": "a year such as 2027, annual, or ongoing",
    "clause": "the clause, e.g. 二(一)1",
    "quote": "the plan's exact words",
    "lead": "a list of lead departments",
    "target": 'a bound such as "达8.5万元/人", "14件/万人以上", "低于1%", ">= 98%", "3—5个"',
}


def _quantity_text(quantity: Quantity) -> str:
    return f"{_fraction_text(quantity.magnitude)}{quantity.unit or ''}"


def _progress_method(node: LocatedMap, out: _Collector, rule_id: str | None) -> str | None:
    """The ``progress: {method: …}`` of a catalogue or a rule; ``None`` when not given."""
    raw = node.get("progress")
    if raw is None:
        return None
    prefix = "progress"
    if not isinstance(raw, LocatedMap):
        out.add("QC101", "field 'progress' must be a mapping", node.at("progress"),
                rule_id=rule_id, field=prefix, expected="{method: path, sdg or un}",
                got=type(raw).__name__)
        return None
    _check_fields(raw, ("method",), out, prefix=f"{prefix}.", rule_id=rule_id)
    method = raw.get("method")
    if method is None:
        return None
    if method not in PROGRESS_METHODS:
        out.add("QC142", "unknown progress method", raw.at("method"), rule_id=rule_id,
                field=f"{prefix}.method", expected=", ".join(PROGRESS_METHODS), got=repr(method),
                hint=did_you_mean(str(method), PROGRESS_METHODS))
        return None
    return str(method)


def _catalog_header(node: LocatedMap, out: _Collector) -> dict[str, Any]:
    raw = node.get("catalog")
    if not isinstance(raw, LocatedMap):
        out.add("QC102" if raw is None else "QC101", "missing or invalid 'catalog' section",
                node.at("catalog"), field="catalog", expected="{id: …, title: …}",
                got=type(raw).__name__ if raw is not None else "nothing")
        return {"id": "catalog", "title": ""}
    _check_fields(raw, _CATALOG_FIELDS, out, prefix="catalog.")
    header: dict[str, Any] = {
        "id": _text(raw, "id", out, required=True, field="catalog.id") or "catalog",
        "title": _text(raw, "title", out, required=True, field="catalog.title"),
        "issuer": _text(raw, "issuer", out, field="catalog.issuer"),
        "region": _text(raw, "region", out, field="catalog.region"),
    }
    period = raw.get("period")
    if isinstance(period, LocatedMap):
        header["period_start"] = period.get("start") if isinstance(period.get("start"), int) else None
        header["period_end"] = period.get("end") if isinstance(period.get("end"), int) else None
    source = raw.get("source")
    if isinstance(source, LocatedMap):
        header["source"] = SourceDocument(str(source.get("title") or ""),
                                          str(source["file"]) if source.get("file") else None)
    phases = raw.get("phases")
    if isinstance(phases, LocatedList):
        built = []
        for item, where in zip(phases, phases.item_locations, strict=True):
            try:
                built.append(Phase(str(item["name"]), str(item["start"]), str(item["end"])))
            except (KeyError, TypeError, ValueError):
                out.add("QC101", "invalid phase", where, field="catalog.phases",
                        expected="{name: …, start: YYYY-MM, end: YYYY-MM}", got=repr(item))
        header["phases"] = tuple(built)
    sections = raw.get("sections")
    if isinstance(sections, LocatedMap):
        built_sections = []
        for prefix, title in sections.items():
            if isinstance(title, LocatedMap) and isinstance(title.get("zh"), str):
                _check_fields(title, ("zh", "en"), out, prefix=f"catalog.sections.{prefix}.")
                english = title.get("en")
                if english is not None and not isinstance(english, str):
                    out.add("QC101", "a section's English title is text",
                            title.at("en"), field=f"catalog.sections.{prefix}.en",
                            expected="text", got=type(english).__name__)
                built_sections.append(Section(str(prefix), title["zh"],
                                              english if isinstance(english, str) else ""))
            elif isinstance(title, LocatedMap):
                out.add("QC102", "a section given as a mapping needs its title in zh",
                        sections.at(prefix), field=f"catalog.sections.{prefix}",
                        expected="{zh: 标题, en: Title}", got="no zh")
            else:
                built_sections.append(Section(str(prefix), str(title)))
        header["sections"] = tuple(built_sections)
    departments = raw.get("departments")
    if isinstance(departments, LocatedMap):
        glossary = []
        for name, english in departments.items():
            if isinstance(english, str) and english.strip():
                glossary.append(Department(str(name), english.strip()))
            else:
                out.add("QC101", "a department's English name is text",
                        departments.at(name), field=f"catalog.departments.{name}",
                        expected="Chinese name: English name, e.g. 市统计局: Municipal "
                                 "Bureau of Statistics", got=type(english).__name__)
        header["departments"] = tuple(glossary)
    elif departments is not None:
        out.add("QC101", "the department glossary is a mapping", raw.at("departments"),
                field="catalog.departments", expected="Chinese name: English name",
                got=type(departments).__name__)
    return header


def _with_english_departments(rules: list[Rule], glossary: tuple[Department, ...],
                              out: _Collector) -> list[Rule]:
    """Each rule with the English names of its departments, from the glossary; a department
    the glossary leaves out is a note (QC178), once, where a rule first names it."""
    if not glossary:
        return rules
    english = {d.zh: d.en for d in glossary}
    for rule in rules:
        for name in (*rule.lead, *rule.support):
            if name not in english:
                out.note("QC178", f"department {name!r} has no English name in the glossary",
                         rule.location, rule_id=rule.id, field="lead",
                         expected="an entry in catalog.departments", got=name,
                         hint="--lang en shows its Chinese name")
                english[name] = ""
    return [attrs.evolve(rule, lead_en=tuple(english.get(n, "") for n in rule.lead),
                         support_en=tuple(english.get(n, "") for n in rule.support))
            for rule in rules]


def validate_catalog(data: Any, *, file: str | None = None,
                     source_text: str | None = None, keep_going: bool = False) -> Catalog:
    """Check parsed catalogue data and build the model.

    ``source_text`` is the plan's text; when given, every quote must occur in it verbatim.
    With ``keep_going``, problems of rules leave those rules out: the catalogue of the sound
    rules is returned, its ``problems`` listing what was left out and why.

    Raises:
        CatalogError: with every problem found, each located (with ``keep_going``, only a
            problem of the catalogue as a whole, or no sound rule at all).
    """
    out = _Collector(file)
    if not isinstance(data, LocatedMap):
        where = getattr(data, "location", Location(file))
        raise CatalogError(Diagnostic("QC101", "a catalogue is a mapping", where,
                                      expected="qcrules: 1, catalog: …, rules: […]",
                                      got=type(data).__name__))
    _check_fields(data, _TOP_FIELDS, out)
    version = data.get("qcrules")
    if version != FORMAT_VERSION:
        out.add("QC101" if version is not None else "QC102", "unsupported or missing format version",
                data.at("qcrules"), field="qcrules", expected=str(FORMAT_VERSION),
                got=repr(version))
    header = _catalog_header(data, out)
    header["method"] = _progress_method(data, out, None) or "path"
    units, own = _declared_units(data, out)
    raw_rules = data.get("rules")
    rules: list[Rule] = []
    if not isinstance(raw_rules, LocatedList):
        out.add("QC102" if raw_rules is None else "QC101", "missing or invalid 'rules' list",
                data.at("rules"), field="rules", expected="a list of rules",
                got=type(raw_rules).__name__ if raw_rules is not None else "nothing")
    else:
        seen: dict[str, Location] = {}
        for item, where in zip(raw_rules, raw_rules.item_locations, strict=True):
            if not isinstance(item, LocatedMap):
                out.add("QC101", "a rule must be a mapping", where, field="rules",
                        expected="{id: …, indicator: …}", got=type(item).__name__)
                continue
            rule = _RuleBuilder(item, out, source_text, own).build()
            raw_id = item.get("id")
            if isinstance(raw_id, str):
                if raw_id in seen:
                    out.add("QC104", f"duplicate rule id {raw_id!r}", item.at("id"), rule_id=raw_id,
                            field="id", expected="a unique id",
                            got=f"already used at line {seen[raw_id].line}")
                    continue
                seen[raw_id] = item.at("id")
            if rule is not None:
                rules.append(rule)
        _check_reference_ids(rules, out)
        _check_indicator_names(rules, out)
        _check_groups(rules, out)
    rules = _with_english_departments(rules, header.get("departments", ()), out)
    if out.items and keep_going and rules and all(d.rule_id for d in out.items):
        bad = {d.rule_id for d in out.items}
        sound = [rule for rule in rules if rule.id not in bad]
        if sound:
            return Catalog(rules=tuple(sound), units=units, path=file, notes=tuple(out.notes),
                           problems=tuple(out.items), **header)
    if out.items:
        raise CatalogError(out.items)
    return Catalog(rules=tuple(rules), units=units, path=file, notes=tuple(out.notes),
                   **header)


def _check_groups(rules: list[Rule], out: _Collector) -> None:
    """A group is a compound target of several rules; a group of one is a misspelt id."""
    members: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.group is not None:
            members.setdefault(rule.group, []).append(rule)
    ids = {rule.id for rule in rules}
    for group, shared in members.items():
        if len(shared) == 1:
            out.add("QC105", f"group {group!r} has one rule", shared[0].location,
                    rule_id=shared[0].id, field="group",
                    expected="the same group on every rule of the compound target",
                    got=group, hint=did_you_mean(group, tuple(members)) if len(members) > 1 else None)
        if group in ids:
            out.add("QC105", f"group {group!r} is also a rule id", shared[0].location,
                    rule_id=shared[0].id, field="group", expected="a group id of its own",
                    got=group)


def _check_indicator_names(rules: list[Rule], out: _Collector) -> None:
    """A fact may name its indicator by id or by Chinese name, so a name must say which rule it
    feeds: no rule's Chinese name may be another rule's id, and two rules may share a Chinese
    name only as the dated targets of one indicator (到2025年达X，到2027年达Y: the same unit,
    different deadlines), which one fact feeds alike."""
    ids = {rule.id for rule in rules}
    by_name: dict[str, list[Rule]] = {}
    for rule in rules:
        by_name.setdefault(rule.indicator.zh, []).append(rule)
        if rule.indicator.zh in ids and rule.indicator.zh != rule.id:
            out.add("QC104", f"the indicator name {rule.indicator.zh!r} is another rule's id",
                    rule.location, rule_id=rule.id, field="indicator.zh",
                    expected="a name that is no rule's id", got=rule.indicator.zh)
    for name, shared in by_name.items():
        if len(shared) < 2:
            continue
        deadlines = [rule.deadline for rule in shared]
        one_unit = len({rule.indicator.unit for rule in shared}) == 1
        milestones = (one_unit and all(isinstance(d, int) for d in deadlines)
                      and len(set(deadlines)) == len(deadlines))
        # 稳定在98%以上，且不低于全省平均水平: two bounds of one compound target on one indicator.
        one_group = one_unit and shared[0].group is not None and len(
            {rule.group for rule in shared}) == 1
        first = shared[0]
        for rule in shared[1:]:
            if one_group:
                continue
            if milestones:
                out.note("QC174", f"a dated target of {name!r} beside {first.id!r} (by "
                         f"{first.deadline}): a fact named {name!r} feeds both", rule.location,
                         rule_id=rule.id, field="indicator.zh",
                         got=", ".join(f"{r.id} ({r.deadline})" for r in shared))
            else:
                out.add("QC104", f"two rules share the indicator name {name!r}", rule.location,
                        rule_id=rule.id, field="indicator.zh",
                        expected="a name of its own, or dated targets of one indicator (the same "
                                 "unit, a different year each)",
                        got=f"also rule {first.id!r}")


def _declared_units(node: LocatedMap, out: _Collector) -> tuple[tuple[UnitDeclaration, ...],
                                                                frozenset[str]]:
    """The ``units`` section: each unit declared in the registry (or found there with the same
    meaning), so that the rules may use it; the declarations keep the file's order."""
    raw = node.get("units")
    if raw is None:
        return (), frozenset()
    if not isinstance(raw, LocatedMap):
        out.add("QC101", "field 'units' must be a mapping", node.at("units"), field="units",
                expected="{艘: item, 标箱: item, 万标箱: 10000 标箱}", got=type(raw).__name__)
        return (), frozenset()
    written: list[UnitDeclaration] = []
    for name, definition in raw.items():
        if not isinstance(definition, str) or not definition.strip():
            out.add("QC101", f"unit {name!r} must be defined by text", raw.at(name),
                    field=f"units.{name}",
                    expected="item, base, or a number times known units, e.g. 10000 标箱",
                    got=repr(definition))
            continue
        written.append(UnitDeclaration(name, definition.strip()))
    own, problems = declare_units((unit.name, unit.definition) for unit in written)
    for unit in written:
        problem = problems.get(unit.name)
        if problem is not None:
            out.add(problem.code, problem.message, raw.at(unit.name), field=f"units.{unit.name}",
                    expected=problem.expected, got=problem.got, hint=problem.hint or None)
    declared = [unit for unit in written if unit.name in own]
    return tuple(declared), frozenset(own)


def _check_reference_ids(rules: list[Rule], out: _Collector) -> None:
    ids = {rule.id for rule in rules}
    for rule in rules:
        if rule.reference is not None and rule.reference.id in ids:
            out.add("QC104", "a reference fact id may not be a rule id", rule.location,
                    rule_id=rule.id, field="reference.id",
                    expected="a fact id of its own, e.g. <rule-id>.province-average",
                    got=rule.reference.id)

