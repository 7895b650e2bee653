"""Facts: parsed fact files and Python mappings → exact :class:`~qcrules.Fact` values.

Pure: the caller reads the files (:mod:`qcrules.facts.load`). A value that cannot be read at all (an unknown
unit, a malformed number) becomes a diagnostic and a fact of form ``invalid`` so that the rule
that needs it is judged *invalid* while every other rule is still evaluated.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from ..base.errors import Diagnostic, FactError, Location
from ..base.numbers import MAX_DIGITS
from ..catalog.parse import LIMITS, LocatedList, LocatedMap, NotANumber
from ..catalog.units import (
    UnitProblem,
    normalize_text,
    parse_quantity,
    unit_is_malformed,
    unit_text_is_plain,
    without_measure_word,
)
from .model import Fact, FactForm, FactSet, fraction_of, trusted_fact
from .periods import period_key
from .tables import header_field

__all__ = ["FALSE_WORDS", "TRUE_WORDS", "as_fact_set", "facts_from_data", "merge_fact_sets",
           "read_value"]

TRUE_WORDS = frozenset({"true", "yes", "是", "达标", "完成", "已完成", "已开展", "开展", "met"})
FALSE_WORDS = frozenset({"false", "no", "否", "未达标", "未完成", "未开展", "not met"})

_FACT_FIELDS = ("value", "unit", "source", "date", "period", "region", "note")
_EXPONENT = re.compile(r"[eE]\s*[+-]?\s*(\d+)")
#: The smallest whole number of more than ``MAX_DIGITS`` digits.
_TOO_LONG = 10**MAX_DIGITS


def _too_long(value: object) -> bool:
    """Whether a number given as a Python int, Decimal or Fraction has more digits than a fact
    may (counted without converting it)."""
    if isinstance(value, Decimal):
        return value.is_finite() and len(value.as_tuple().digits) > MAX_DIGITS
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        return False
    number = Fraction(value)
    return abs(number.numerator) >= _TOO_LONG or number.denominator >= _TOO_LONG


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Fraction):
        return _fraction_text(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{Decimal(value.numerator) / Decimal(value.denominator):f}"


def read_value(fact_id: str, value: Any, unit: Any, where: Location | None,
               **meta: str | None) -> tuple[Fact, Diagnostic | None]:
    """One fact from a value (and an optional separate unit)."""
    raw = _raw_text(value, unit)
    get = meta.get
    source, date, period, region, note = (get("source"), get("date"), get("period"),
                                          get("region"), get("note"))

    def make(form: FactForm, val: Fraction | bool | str | None = None,
             fact_unit: str | None = None) -> Fact:
        return Fact(fact_id, form, val, fact_unit, raw, source, date, period, region, note, where)

    def bad(code: str, message: str, expected: str) -> tuple[Fact, Diagnostic]:
        diagnostic = Diagnostic(code, message, where, fact_id=fact_id, field="value",
                                expected=expected, got=raw)
        return attrs.evolve(make(FactForm.INVALID, raw), problem=diagnostic), diagnostic

    if unit is not None and not isinstance(unit, str):
        return bad("QC201", "a unit must be text", "a unit such as 万元/人")
    if value is None:
        return make(FactForm.MISSING), None
    if isinstance(value, bool):
        return make(FactForm.BOOLEAN, value), None
    if isinstance(value, NotANumber) or (isinstance(value, float) and not math.isfinite(value)):
        return make(FactForm.NOT_A_NUMBER, raw), None
    if isinstance(value, Decimal) and not value.is_finite():
        return make(FactForm.NOT_A_NUMBER, raw), None
    if isinstance(value, Decimal) and abs(value.adjusted()) > LIMITS.max_exponent:
        return bad("QC112", "a number out of range",
                   f"a decimal exponent of at most {LIMITS.max_exponent}")
    if _too_long(value):
        return bad("QC112", "a number too long to read", f"a number of at most {MAX_DIGITS} digits")
    if isinstance(value, (int, float, Decimal, Fraction)):
        # A float is read as the shortest decimal that prints it: 0.1 is 1/10.
        number = (Fraction(*Decimal(repr(value)).as_integer_ratio()) if isinstance(value, float)
                  else Fraction(value))
        if unit:
            return _with_unit(number, unit, make, bad)
        return make(FactForm.NUMBER, number), None
    if isinstance(value, str):
        text = normalize_text(value)
        lowered = text.lower()
        if _exponent_too_large(text):
            return bad("QC112", "a number out of range",
                       f"a decimal exponent of at most {LIMITS.max_exponent}")
        if lowered in TRUE_WORDS or lowered in FALSE_WORDS:
            return make(FactForm.BOOLEAN, lowered in TRUE_WORDS), None
        if lowered in {"nan", "inf", "-inf", "+inf", "infinity", "-infinity"}:
            return make(FactForm.NOT_A_NUMBER, raw), None
        try:
            parsed = parse_quantity(text, check_unit=False)
        except UnitProblem as problem:
            if problem.code == "QC112" and not any(ch.isdigit() for ch in text):
                return make(FactForm.TEXT, text), None
            diagnostic = Diagnostic(problem.code, problem.message, where, fact_id=fact_id,
                                    field="unit" if problem.code == "QC110" else "value",
                                    expected=problem.expected, got=problem.got or raw,
                                    hint=problem.hint or None)
            return attrs.evolve(make(FactForm.INVALID, raw), problem=diagnostic), diagnostic
        if parsed.ratio and not unit:
            return make(FactForm.RATIO, parsed.magnitude), None
        if unit:
            if parsed.ratio or (parsed.unit is not None and parsed.unit != _unit_field(unit)):
                return bad("QC201", "the value has a unit and the unit field another",
                           f"a bare number with unit {unit}, or the unit in one place only")
            return _with_unit(parsed.magnitude, unit, make, bad)
        if parsed.unit is None:
            return make(FactForm.NUMBER, parsed.magnitude), None
        if not _unit_parses(parsed.unit):
            return bad("QC110", f"unreadable unit {parsed.unit!r}", "a unit such as 万元/人, %, 件")
        return make(FactForm.QUANTITY, parsed.magnitude, parsed.unit), None
    return bad("QC201", "a fact value must be a number, a quantity string or true/false",
               'e.g. 8.2万元/人, "96.4%", "1:13.1", true')


_NOT_A_NUMBER_WORDS = frozenset({"nan", "inf", "-inf", "+inf", "infinity", "-infinity"})


def _read_plain(fact_id: str, value: Any, where: Location | None, source: str | None,
                date: str | None, period: str | None, region: str | None) -> Fact | None:
    """The fact :func:`read_value` reads from a value with no unit of its own (a float, an int,
    a string, true/false), read the short way: each float through its shortest decimal once
    (which is also its text), strings through :func:`_plain_text`, the fact made without the
    validators (:func:`trusted_fact`). ``None`` for anything else, and for a value
    :func:`read_value` would refuse: it says why."""
    kind = type(value)
    number: Fraction | bool | str
    if kind is float:
        raw = repr(value)
        if not math.isfinite(value):
            return trusted_fact(fact_id, FactForm.NOT_A_NUMBER, raw, None, raw,
                                source, date, period,
                                region, where)
        return trusted_fact(fact_id, FactForm.NUMBER, _shortest_decimal(raw), None, raw,
                            source, date, period, region,
                            where)
    if kind is str:
        read = _plain_text(value)
        if read is None:
            return None
        form, number, unit = read
        return trusted_fact(fact_id, form, number, unit, value, source, date,
                            period, region, where)
    if kind is bool:
        return trusted_fact(fact_id, FactForm.BOOLEAN, value, None, str(value),
                            source, date, period, region,
                            where)
    if kind is int and -_TOO_LONG < value < _TOO_LONG:
        return trusted_fact(fact_id, FactForm.NUMBER, Fraction(value), None, str(value),
                            source, date, period, region,
                            where)
    return None


#: 10 to the power of each length of a float's fraction digits (``repr`` writes at most 21
#: without an exponent: four zeros, then 17 digits).
_POWERS_OF_TEN = tuple(10**length for length in range(24))


def _shortest_decimal(raw: str) -> Fraction:
    """The exact value of a finite float's shortest decimal ``raw`` (its ``repr``): read from
    its digits when it is written ``[-]digits.digits``, else (an exponent) by
    :class:`~decimal.Decimal`; the same number either way."""
    if "e" not in raw:
        whole, _, digits = raw.partition(".")
        return fraction_of(int(whole + digits), _POWERS_OF_TEN[len(digits)])
    return fraction_of(*Decimal(raw).as_integer_ratio())


@functools.lru_cache(maxsize=8192)
def _plain_text(value: str) -> tuple[FactForm, Fraction | bool | str, str | None] | None:
    """(form, value, unit) of a fact written as ``value`` with no unit field, as
    :func:`read_value` reads it; ``None`` where it reports a problem (or the text is no
    number: it says which). Kept by text: a fact set after fact set with the same writings
    reads each once."""
    text = normalize_text(value)
    lowered = text.lower()
    if _exponent_too_large(text):
        return None
    if lowered in TRUE_WORDS or lowered in FALSE_WORDS:
        return FactForm.BOOLEAN, lowered in TRUE_WORDS, None
    if lowered in _NOT_A_NUMBER_WORDS:
        return FactForm.NOT_A_NUMBER, value, None
    try:
        parsed = parse_quantity(text, check_unit=False)
    except UnitProblem:
        return None
    if parsed.ratio:
        return FactForm.RATIO, parsed.magnitude, None
    if parsed.unit is None:
        return FactForm.NUMBER, parsed.magnitude, None
    if not _unit_parses(parsed.unit):
        return None
    return FactForm.QUANTITY, parsed.magnitude, parsed.unit


def _exponent_too_large(text: str) -> bool:
    """Whether a number's exponent is so large that reading it exactly would take very long."""
    for match in _EXPONENT.finditer(text):
        digits = match.group(1).lstrip("0")
        if len(digits) > 6 or (digits and int(digits) > LIMITS.max_exponent):
            return True
    return False


def _with_unit(number: Fraction, unit: str, make: Any, bad: Any) -> tuple[Fact, Diagnostic | None]:
    """A number with a unit given apart (a ``unit:`` field or a table column's unit)."""
    written = _unit_field(unit)
    if not written:
        return make(FactForm.NUMBER, number), None
    if ((written[0].isdigit() and written != "1") or not unit_text_is_plain(written)
            or not _unit_parses(written)):
        return bad("QC201", f"invalid unit {unit!r}", "a unit such as 万元/人")
    return make(FactForm.QUANTITY, number, written), None


def _unit_field(unit: str) -> str:
    """A unit given apart, as a quantity's unit is read: ``个百分点`` is 百分点 (个 is a measure
    word there)."""
    written = normalize_text(unit)
    return without_measure_word(written) if written else written


def _unit_parses(unit: str) -> bool:
    """Whether pint's unit parser reads ``unit`` without breaking.

    An unknown unit is fine here (it may be a ratio's terms, such as 教师/学生, that only the
    rule knows, and the rule reports it); a unit that is not a unit expression at all, such as
    one with an unbalanced ``)``, is refused now.
    """
    return not unit_is_malformed(unit)


def _raw_text(value: Any, unit: Any) -> str:
    if _too_long(value):  # never written out in full (Python refuses beyond 4,300 digits)
        text = f"a number of more than {MAX_DIGITS} digits"
    elif isinstance(value, NotANumber):
        text = value.text
    elif isinstance(value, Fraction):
        text = _fraction_text(value)
    elif value is None:
        text = ""
    else:
        text = str(value)
    if unit and isinstance(unit, str) and not text.endswith(unit):
        text = f"{text}{unit}"
    return text


def facts_from_data(data: Any, *, file: str | None = None) -> FactSet:
    """Build a :class:`FactSet` from parsed YAML/JSON/CSV data or a plain mapping.

    Accepts ``{qcrules-facts: 1, region, period, source, facts: {...}}``, a flat mapping of
    id → value, a list of CSV rows, or a mapping whose values are :class:`Fact`.

    Raises:
        FactError: the structure itself is unusable (not a mapping, a wrong ``facts`` type).
    """
    where = getattr(data, "location", Location(file) if file else None)
    if isinstance(data, list):
        return _facts_from_rows(data, file)
    if not isinstance(data, Mapping):
        raise FactError(Diagnostic("QC201", "a fact file is a mapping", where,
                                   expected="qcrules-facts: 1, facts: {id: value}",
                                   got=_kind(data)))
    structured = "facts" in data or "qcrules-facts" in data
    defaults: dict[str, str | None] = {"source": None, "period": None, "region": None,
                                       "date": None}
    diagnostics: list[Diagnostic] = []
    if structured:
        unknown = [k for k in data if k not in {"qcrules-facts", "facts", "region", "period",
                                               "source", "date", "note"}]
        for key in unknown:
            diagnostics.append(Diagnostic("QC203", f"unknown field {key!r}", _at(data, key, file),
                                          field=key, expected="qcrules-facts, region, period, "
                                          "source, date, facts"))
        for key in defaults:
            defaults[key] = _text(data.get(key))
        body = data.get("facts")
        if body is None:
            body = {}
        if isinstance(body, list):
            listed = _facts_from_list(body, defaults, file)
            return attrs.evolve(listed, diagnostics=(*diagnostics, *listed.diagnostics))
        if not isinstance(body, Mapping):
            raise FactError(Diagnostic("QC201", "'facts' must be a mapping of id to value "
                                       "or a list of facts", _at(data, "facts", file),
                                       field="facts", expected="{id: value} or "
                                       "[{id: …, value: …, period: …}]", got=_kind(body)))
    else:
        body = data
    facts: dict[str, Fact] = {}
    plain = type(body) is dict   # no positions to look up, no mapping subclass
    plain_where = Location(file) if file else None
    source, date, period, region = (defaults["source"], defaults["date"], defaults["period"],
                                    defaults["region"])
    for key, value in body.items():
        if plain and type(key) is str and key.strip():
            fact = _read_plain(key, value, plain_where, source, date, period, region)
            if fact is not None:
                facts[key] = fact
                continue
        fact_where = _at(body, key, file)
        fact_id = str(key)
        if isinstance(value, Fact):
            facts[fact_id] = value
            continue
        if not fact_id.strip():
            diagnostics.append(Diagnostic("QC206", "a fact with an empty id", fact_where,
                                          field="id", expected="a rule id or an indicator's "
                                          "Chinese name", got=repr(fact_id)))
            continue
        fact, problem = _entry(fact_id, value, fact_where, defaults, file)
        facts[fact_id] = fact
        if problem is not None:
            diagnostics.append(problem)
    return FactSet(facts, region=defaults["region"], period=defaults["period"],
                   sources=(file,) if file else (), diagnostics=tuple(diagnostics))


def _kind(value: Any) -> str:
    """What a parsed value is, in the words of a fact file (not Python's type names)."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float, Decimal, Fraction)):
        return "a number"
    return type(value).__name__


def _at(node: Any, key: str, file: str | None) -> Location | None:
    if isinstance(node, LocatedMap):
        return node.at(key)
    return Location(file) if file else None


def _entry(fact_id: str, value: Any, where: Location | None, defaults: dict[str, str | None],
           file: str | None) -> tuple[Fact, Diagnostic | None]:
    meta = dict(defaults)
    unit = None
    if isinstance(value, Mapping):
        for key in value:
            if key not in _FACT_FIELDS:
                problem = Diagnostic("QC203", f"unknown field {key!r} in fact",
                                     _at(value, key, file), fact_id=fact_id, field=str(key),
                                     expected=", ".join(_FACT_FIELDS), got=str(key))
                return (Fact(fact_id, FactForm.INVALID, None, raw=str(dict(value)),
                             location=where, problem=problem), problem)
        for key in ("source", "date", "period", "region"):
            if value.get(key) is not None:
                meta[key] = _text(value.get(key))
        meta["note"] = _text(value.get("note"))
        unit = value.get("unit")
        where = _at(value, "value", file) if "value" in value else where
        value = value.get("value")
    elif isinstance(value, LocatedList):
        problem = Diagnostic("QC201", "a fact value must not be a list", where, fact_id=fact_id,
                             field="value", expected="one value", got="a list")
        return Fact(fact_id, FactForm.INVALID, None, raw="[…]", location=where,
                    problem=problem), problem
    return read_value(fact_id, value, unit, where, **meta)


def _facts_from_rows(rows: Iterable[Any], file: str | None) -> FactSet:
    """Facts from table rows keyed by field (or by column labels such as 指标名称, 数值).

    A row names its indicator by ``id`` or, failing that, by ``name`` (the Chinese indicator
    name); the same indicator in two rows of one period with different values is a conflict,
    and in rows of different periods a time series (``FactSet.series``).
    """
    read: list[tuple[str, Fact]] = []
    diagnostics: list[Diagnostic] = []
    item_locations = getattr(rows, "item_locations", [])
    for index, row in enumerate(rows):
        where = getattr(row, "location", None)
        if where is None and index < len(item_locations):
            where = item_locations[index]
        if where is None and file:
            where = Location(file)
        if not isinstance(row, Mapping):
            diagnostics.append(Diagnostic("QC201", "a fact row must be a mapping", where,
                                          expected="a mapping of column to cell",
                                          got=_kind(row)))
            continue
        record: dict[str, Any] = {}
        labels: dict[str, str] = {}
        for key, cell in row.items():
            field = header_field(key) or str(key)
            if field not in record:
                record[field] = cell
                labels[field] = str(key)
        fact_id = _text(record.get("id")) or _text(record.get("name"))
        if fact_id is not None:
            fact_id = fact_id.strip()
        if not fact_id:
            diagnostics.append(Diagnostic("QC206", "row has no indicator id or name", where,
                                          field="id", expected="an id or Chinese indicator name",
                                          got=""))
            continue
        value_where = _at(row, labels["value"], file) if "value" in labels else where
        meta = {k: _text(record.get(k)) for k in ("source", "date", "period", "region", "note")}
        fact, problem = read_value(fact_id, record.get("value"), record.get("unit"),
                                   value_where, **meta)
        if problem is not None:
            diagnostics.append(problem)
        read.append((fact_id, fact))
    facts, series, conflicts = _gather(read)
    regions = {fact.region for fact in facts.values()} - {None}
    periods = {fact.period for fact in facts.values()} - {None}
    return FactSet(facts, region=regions.pop() if len(regions) == 1 else None,
                   period=periods.pop() if len(periods) == 1 and not series else None,
                   sources=(file,) if file else (), diagnostics=(*diagnostics, *conflicts),
                   series=series)


def _facts_from_list(items: list[Any], defaults: dict[str, str | None],
                     file: str | None) -> FactSet:
    """Facts from a fact file's ``facts:`` given as a list of mappings (``id`` or ``name``,
    ``value`` and the fields of a fact), which may give one id for several periods."""
    read: list[tuple[str, Fact]] = []
    diagnostics: list[Diagnostic] = []
    item_locations = getattr(items, "item_locations", [])
    for index, item in enumerate(items):
        where = item_locations[index] if index < len(item_locations) else (
            Location(file) if file else None)
        if not isinstance(item, Mapping):
            diagnostics.append(Diagnostic(
                "QC201", "a fact in the 'facts' list must be a mapping", where, field="facts",
                expected="{id: …, value: …, period: …}", got=_kind(item)))
            continue
        named = item.get("id") if item.get("id") is not None else item.get("name")
        fact_id = (_text(named) or "").strip()
        if not fact_id:
            diagnostics.append(Diagnostic("QC206", "a fact in the list has no id or name",
                                          _at(item, "id", file) or where, field="id",
                                          expected="a rule id or an indicator's Chinese name",
                                          got=repr(_text(named) or "")))
            continue
        fields = {key: cell for key, cell in item.items() if key not in {"id", "name"}}
        if isinstance(item, LocatedMap):
            located = LocatedMap(fields)
            located.location = item.location
            located.key_locations = item.key_locations
            fields = located
        fact, problem = _entry(fact_id, fields, where, defaults, file)
        read.append((fact_id, fact))
        if problem is not None:
            diagnostics.append(problem)
    facts, series, conflicts = _gather(read)
    periods = {fact.period for fact in facts.values()} - {None}
    one = defaults["period"] or (periods.pop() if len(periods) == 1 else None)
    return FactSet(facts, region=defaults["region"], period=None if series else one,
                   sources=(file,) if file else (), diagnostics=(*diagnostics, *conflicts),
                   series=series)


def _gather(read: Iterable[tuple[str, Fact]]) -> tuple[dict[str, Fact], tuple[Fact, ...],
                                                       list[Diagnostic]]:
    """Facts keyed as given (the first for each key), every fact kept when some key is given
    for more than one region or period (else no series), and the conflicts: one key given twice
    for one region and period with different values (QC204). The same value twice is kept
    once."""
    facts: dict[str, Fact] = {}
    kept: dict[tuple[str, str | None, str | None], Fact] = {}
    order: list[Fact] = []
    conflicts: list[Diagnostic] = []
    several = False
    for key, fact in read:
        slot = (key, fact.region, period_key(fact.period))
        if slot in kept:
            if not _same_value(kept[slot], fact):
                conflicts.append(_conflict(kept[slot], fact))
            continue
        kept[slot] = fact
        order.append(fact if fact.id == key else attrs.evolve(fact, id=key))
        if key in facts:
            several = True
        else:
            facts[key] = fact
    return facts, tuple(order) if several else (), conflicts


def _conflict(first: Fact, second: Fact) -> Diagnostic:
    before = f" (first at {first.location})" if first.location else ""
    return Diagnostic("QC204", f"fact given twice with different values{before}", second.location,
                      fact_id=second.id, field="value", expected=first.raw or "the same value",
                      got=second.raw)


def _same_value(a: Fact, b: Fact) -> bool:
    return (a.form, a.value, a.unit) == (b.form, b.value, b.unit)


def merge_fact_sets(sets: Iterable[FactSet]) -> FactSet:
    """One fact set from several files; the same fact for one region and period with different
    values is an error, and for different regions or periods a series (``FactSet.series``)."""
    diagnostics: list[Diagnostic] = []
    period = None
    regions: list[str | None] = []
    sources: list[str] = []
    read: list[tuple[str, Fact]] = []
    for fact_set in sets:
        diagnostics.extend(fact_set.diagnostics)
        if fact_set.region is not None and fact_set.region not in regions:
            regions.append(fact_set.region)
        period = period or fact_set.period
        sources.extend(fact_set.sources)
        read.extend(((fact.id, fact) for fact in fact_set.series) if fact_set.series
                    else fact_set.facts.items())
    facts, series, conflicts = _gather(read)
    region = regions[0] if len(regions) == 1 else None
    return FactSet(facts, region=region, period=None if series else period,
                   sources=tuple(sources), diagnostics=(*diagnostics, *conflicts), series=series)


def as_fact_set(facts: FactSet | Mapping[str, Any] | Iterable[Fact]) -> FactSet:
    """Accept a :class:`FactSet`, a plain mapping of id → value, or an iterable of facts."""
    if isinstance(facts, FactSet):
        return facts
    if isinstance(facts, Mapping):
        return facts_from_data(facts)
    return FactSet({fact.id: fact for fact in facts})
