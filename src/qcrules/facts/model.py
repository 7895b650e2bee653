"""The fact model: a reported value, exact, with where it came from, and the set of one
evaluation. Frozen value objects; reading them from data is :mod:`qcrules.facts.read`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from fractions import Fraction

import attrs
from attrs import validators as v

from ..base.errors import Diagnostic, Location

__all__ = ["Fact", "FactForm", "FactSet"]


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
