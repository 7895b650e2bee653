"""The fact model: a reported value, exact, with where it came from, and the set of one
evaluation. Frozen value objects; reading them from data is :mod:`qcrules.facts.read`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import Any

import attrs
from attrs import validators as v

from ..base.errors import Diagnostic, Location

__all__ = ["Fact", "FactForm", "FactSet", "fraction_of", "trusted_fact"]


class FactForm(enum.Enum):
    """How a fact's value was written."""

    QUANTITY = "quantity"   # a number with a unit
    NUMBER = "number"       # a bare number
    RATIO = "ratio"         # a:b, stored as b/a
    BOOLEAN = "boolean"
    TEXT = "text"           # an assessment word or anything else
    NOT_A_NUMBER = "nan"    # NaN or infinity
    MISSING = "missing"     # null
    INVALID = "invalid"     # could not be read (unknown unit, malformed number); see ``problem``


@attrs.frozen
class Fact:
    """A reported value, exact, with where it came from."""

    id: str = attrs.field(validator=v.and_(v.instance_of(str), v.min_len(1)))
    form: FactForm = attrs.field(validator=v.instance_of(FactForm))
    value: Fraction | bool | str | None = None
    unit: str | None = None
    raw: str = ""
    source: str | None = None
    date: str | None = None
    period: str | None = None
    region: str | None = None
    note: str | None = None
    location: Location | None = attrs.field(default=None, eq=False, repr=False)
    problem: Diagnostic | None = attrs.field(default=None, eq=False, repr=False)


def _slot_setters() -> tuple[Callable[[Fact, Any], None], ...]:
    names = ("id", "form", "value", "unit", "raw", "source", "date", "period", "region", "note",
             "location", "problem")
    assert names == tuple(field.name for field in attrs.fields(Fact))
    return tuple(Fact.__dict__[name].__set__ for name in names)


(_SET_ID, _SET_FORM, _SET_VALUE, _SET_UNIT, _SET_RAW, _SET_SOURCE, _SET_DATE, _SET_PERIOD,
 _SET_REGION, _SET_NOTE, _SET_LOCATION, _SET_PROBLEM) = _slot_setters()
_new = object.__new__


def trusted_fact(fact_id: str, form: FactForm, value: Fraction | bool | str | None,
                 unit: str | None, raw: str, source: str | None, date: str | None,
                 period: str | None, region: str | None, location: Location | None) -> Fact:
    """``Fact(fact_id, form, value, unit, raw, source, date, period, region, None, location)``
    for values qcrules read itself (a non-empty id, a form of :class:`FactForm`): the same
    object, made without running the validators that check what a caller passes."""
    fact: Fact = _new(Fact)
    _SET_ID(fact, fact_id)
    _SET_FORM(fact, form)
    _SET_VALUE(fact, value)
    _SET_UNIT(fact, unit)
    _SET_RAW(fact, raw)
    _SET_SOURCE(fact, source)
    _SET_DATE(fact, date)
    _SET_PERIOD(fact, period)
    _SET_REGION(fact, region)
    _SET_NOTE(fact, None)
    _SET_LOCATION(fact, location)
    _SET_PROBLEM(fact, None)
    return fact


#: Whether :class:`~fractions.Fraction` keeps its terms in the two slots :func:`fraction_of`
#: fills (CPython's since 3.0); if not, :func:`fraction_of` calls the constructor.
_FRACTION_SLOTS = getattr(Fraction, "__slots__", None) == ("_numerator", "_denominator")
_gcd = math.gcd


def fraction_of(numerator: int, denominator: int) -> Fraction:
    """``Fraction(numerator, denominator)`` for whole numbers and a ``denominator`` above zero,
    reduced the same way, without the constructor's sorting out of what a caller may pass
    (strings, floats, rationals): a fact read or judged makes one per value, and the
    constructor's checks are most of its cost."""
    if not _FRACTION_SLOTS:
        return Fraction(numerator, denominator)
    divisor = _gcd(numerator, denominator)
    if divisor != 1:
        numerator //= divisor
        denominator //= divisor
    made: Fraction = _new(Fraction)
    made._numerator = numerator  # type: ignore[attr-defined]
    made._denominator = denominator  # type: ignore[attr-defined]
    return made


@attrs.frozen
class FactSet:
    """The facts of one evaluation (one region and period), keyed as given (id or Chinese name).

    ``diagnostics`` lists facts that could not be read; the rules that need them are invalid.

    A file may hold a time series: the same indicator for several periods (a 时期 column, or
    ``facts:`` as a list). Then ``series`` holds every fact read, in file order, and ``facts``
    the first given for each key; such a set is split by period for ``qcrules progress`` and
    must be narrowed to one period before it is evaluated. ``series`` is empty otherwise.
    """

    facts: Mapping[str, Fact] = attrs.field(factory=dict)
    region: str | None = None
    period: str | None = None
    sources: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    series: tuple[Fact, ...] = ()

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts.values())

    def __len__(self) -> int:
        return len(self.facts)

    def get(self, key: str) -> Fact | None:
        """The fact given under ``key``, or ``None``."""
        return self.facts.get(key)
