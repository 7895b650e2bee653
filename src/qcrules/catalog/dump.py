"""Writing a catalogue back out: a :class:`~qcrules.Catalog` → YAML text in the catalogue format.

The text loads back (``loads_catalog``) into an equal catalogue: every number is written as an
exact decimal, every bound in the catalogue's own words, and the defaults the loader fills in
(an assigned target's reference, ``完成``) are written explicitly. Source positions
(``location``, ``path``) are not part of a catalogue's value and are not written.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..base.errors import Diagnostic, UsageError
from .model import DEFAULT_TOLERANCE, Bound, Catalog, Indicator, Kind, Op, Quantity, Rule
from .words import Form, WordError, read_target

if TYPE_CHECKING:
    import yaml  # imported when a catalogue is first written, not with qcrules

__all__ = ["dump_catalog"]


@functools.cache
def _dumper() -> type[yaml.SafeDumper]:
    """The safe dumper, writing exact decimals as plain YAML numbers."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(Decimal, _represent_decimal)
    return Dumper


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = f"{value:f}"
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _decimal(value: Fraction, rule_id: str | None, field: str) -> Decimal:
    """``value`` as an exact decimal.

    Raises:
        UsageError: a fraction with no finite decimal form (QC420).
    """
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise UsageError(Diagnostic(
            "QC420", "a number with no exact decimal form cannot be written", rule_id=rule_id,
            field=field, expected="a number with a finite decimal expansion (e.g. 0.125)",
            got=str(value)))
    places = max(twos, fives)
    digits = str(abs((value * 10**places).numerator)).rjust(places + 1, "0")
    whole, fraction = digits[: len(digits) - places], digits[len(digits) - places:].rstrip("0")
    # From text, so that no decimal context rounds a long number.
    return Decimal(("-" if value < 0 else "") + whole + (f".{fraction}" if fraction else ""))


def _number_text(value: Fraction, rule_id: str | None, field: str) -> str:
    return f"{_decimal(value, rule_id, field):f}"


def _quantity(quantity: Quantity, rule_id: str, field: str) -> Any:
    if quantity.unit is None:
        return _decimal(quantity.magnitude, rule_id, field)
    return f"{_number_text(quantity.magnitude, rule_id, field)} {quantity.unit}"


def _bound_text(bound: Bound, rule: Rule) -> str:
    """The bound in the catalogue's own words; a bound built without words gets symbols."""
    if bound.words:
        return bound.words
    if bound.threshold is None:
        return bound.op.value
    number = _number_text(bound.threshold.magnitude, rule.id, "target")
    if rule.ratio is not None:
        ratio = f"{number}:1" if rule.ratio.order == "x:1" else f"1:{number}"
        return ratio if bound.op is Op.LE else f"{bound.op.value} {ratio}"
    unit = f" {bound.threshold.unit}" if bound.threshold.unit else ""
    return f"{bound.op.value} {number}{unit}"


def _tier(rule: Rule) -> int | None:
    """The declared tier of a rule whose target names one (第一方阵, 前列): its bound's number."""
    bound = rule.bounds[0]
    try:
        form = read_target(bound.words).form if bound.words else None
    except WordError:
        return None
    if form is not Form.TIER or bound.threshold is None:
        return None
    magnitude = bound.threshold.magnitude
    return magnitude.numerator if magnitude.denominator == 1 else None


def _indicator(indicator: Indicator, rule_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {"zh": indicator.zh}
    if indicator.en:
        data["en"] = indicator.en
    if indicator.unit is not None:
        data["unit"] = indicator.unit
    if indicator.min is not None:
        data["min"] = _quantity(indicator.min, rule_id, "indicator.min")
    if indicator.max is not None:
        data["max"] = _quantity(indicator.max, rule_id, "indicator.max")
    return data


def _rule(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = {"id": rule.id, "indicator": _indicator(rule.indicator, rule.id),
                            "kind": rule.kind.value}
    if rule.bounds:
        texts = [_bound_text(bound, rule) for bound in rule.bounds]
        if rule.kind is Kind.RANGE and not (len(set(texts)) == 1 and rule.bounds[0].words):
            data["target"] = texts
        else:  # one bound, or a range written as one text (3—5个)
            data["target"] = texts[0]
        tier = _tier(rule)
        if tier is not None:
            data["tier"] = tier
    data |= {"commitment": rule.commitment.value, "deadline": rule.deadline,
             "clause": rule.clause, "quote": rule.quote, "lead": list(rule.lead)}
    if rule.support:
        data["support"] = list(rule.support)
    if rule.precision is not None:
        data["precision"] = _decimal(rule.precision, rule.id, "precision")
    if rule.change is not None and rule.change.base is not None:
        data["base"] = rule.change.base
    if rule.approx is not None and not (rule.approx.relative
                                        and rule.approx.tolerance == DEFAULT_TOLERANCE):
        approx = rule.approx
        if approx.relative:
            data["tolerance"] = {"relative": f"{_number_text(approx.tolerance * 100, rule.id, 'tolerance')}%"}
        else:
            unit = rule.bounds[0].threshold.unit if rule.bounds and rule.bounds[0].threshold else None
            data["tolerance"] = {"absolute": _quantity(Quantity(approx.tolerance, unit), rule.id,
                                                       "tolerance")}
    if rule.reference is not None:
        reference = {"id": rule.reference.id, "zh": rule.reference.zh, "en": rule.reference.en}
        data["reference"] = {k: v for k, v in reference.items() if v}
    if rule.derivation is not None:
        data["formula"] = rule.derivation.formula
        inputs: dict[str, Any] = {}
        for spec in rule.derivation.inputs:
            fields = {"zh": spec.zh, "en": spec.en, "unit": spec.unit}
            inputs[spec.name] = {k: v for k, v in fields.items() if v}
        data["inputs"] = inputs
    if rule.ratio is not None and (rule.ratio.antecedent or rule.ratio.consequent
                                   or rule.ratio.order != "1:x"):
        terms = {"antecedent": rule.ratio.antecedent, "consequent": rule.ratio.consequent}
        data["ratio"] = {key: value for key, value in terms.items() if value}
        if rule.ratio.order != "1:x":
            data["ratio"]["order"] = rule.ratio.order
    if rule.note:
        data["note"] = rule.note
    if rule.review:
        data["review"] = True
    if rule.path != "linear":
        data["path"] = rule.path
    if rule.method is not None:
        data["progress"] = {"method": rule.method}
    if rule.group is not None:
        data["group"] = rule.group
    return data


def _header(catalog: Catalog) -> dict[str, Any]:
    data: dict[str, Any] = {"id": catalog.id, "title": catalog.title}
    if catalog.issuer:
        data["issuer"] = catalog.issuer
    if catalog.region:
        data["region"] = catalog.region
    period = {"start": catalog.period_start, "end": catalog.period_end}
    if any(v is not None for v in period.values()):
        data["period"] = {k: v for k, v in period.items() if v is not None}
    if catalog.source is not None:
        source = {"title": catalog.source.title}
        if catalog.source.file:
            source["file"] = catalog.source.file
        data["source"] = source
    if catalog.phases:
        data["phases"] = [{"name": p.name, "start": p.start, "end": p.end}
                          for p in catalog.phases]
    if catalog.sections:
        data["sections"] = {s.prefix: {"zh": s.title, "en": s.en} if s.en else s.title
                            for s in catalog.sections}
    if catalog.departments:
        data["departments"] = {d.zh: d.en for d in catalog.departments}
    return data


def dump_catalog(catalog: Catalog) -> str:
    """The catalogue as YAML text in the catalogue format (``qcrules: 1``); see
    :func:`qcrules.dump_catalog`, which takes a compiled plan too.

    Raises:
        UsageError: not a catalogue (QC400), or a number with no exact decimal form (QC420).
    """
    if not isinstance(catalog, Catalog):
        msg = f"expected a Catalog, got {type(catalog).__name__}"
        raise UsageError(Diagnostic("QC400", msg, field="catalog", expected="Catalog",
                                    got=type(catalog).__name__))
    document: dict[str, Any] = {"qcrules": 1, "catalog": _header(catalog)}
    if catalog.method != "path":
        document["progress"] = {"method": catalog.method}
    if catalog.units:
        document["units"] = {unit.name: unit.definition for unit in catalog.units}
    document["rules"] = [_rule(rule) for rule in catalog.rules]
    import yaml

    return yaml.dump(document, Dumper=_dumper(), allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
