"""Hypothesis strategies for property-testing catalogues and rule logic.

>>> from hypothesis import given
>>> import qcrules
>>> from qcrules import strategies as qst
>>> plan = qcrules.compile_catalog(qcrules.load_catalog())
>>> @given(qst.boundary_facts(plan.catalog["gdp-per-capita"]))
... def test_gdp_boundary(case):
...     assert qcrules.evaluate(plan, case.facts)[case.rule_id].status is case.expected
>>> test_gdp_boundary()

Every number drawn is exact: magnitudes are decimals, written as decimal text, so a value
*on* a threshold is on it in every unit it is written in (8.5 万元/人 = 85000 元/人; 3.5 % =
35 ‰ = 0.035). The strategies follow Hypothesis's own style: keyword-only options, arguments
checked when the strategy is built (``hypothesis.errors.InvalidArgument``), readable reprs.
See ``docs/reference/strategies.md``.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import yaml

try:
    from hypothesis import reject
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as _missing:   # hypothesis is the extra qcrules[testing]
    raise ImportError(
        "qcrules.strategies needs Hypothesis, which is not installed: "
        "pip install 'qcrules[testing]' (or pip install hypothesis)", name="hypothesis",
    ) from _missing

from .base.errors import CatalogError
from .base.numbers import terminates
from .catalog.load import loads_catalog
from .catalog.model import Catalog, Kind, Op, Quantity, Rule
from .catalog.units import (
    KNOWN_UNITS,
    UnitProblem,
    canonical_unit,
    conversion_factor,
    is_percent_like,
)
from .catalog.words import NEUTRAL_WORDS, PREFIX_OPS, SUFFIX_OPS
from .engine.compile import CompiledRule, Plan, compile_rule
from .engine.results import Status
from .facts.read import FALSE_WORDS, TRUE_WORDS

__all__ = [
    "BOUND_WORDS",
    "BoundaryCase",
    "Position",
    "boundary_facts",
    "catalogs",
    "fact_sets",
    "fact_values",
    "facts_for",
    "quantities",
    "quantity_text",
    "rules",
]


class Position(enum.Enum):
    """Where a boundary value lies relative to the bound it probes."""

    ON = "on"            # exactly on the threshold (after rounding, for a rule with a precision)
    INSIDE = "inside"    # the nearest value that meets the bound
    OUTSIDE = "outside"  # the nearest value that misses it


@attrs.frozen
class BoundaryCase:
    """A fact set probing one bound of one rule, and the status it must get.

    ``value`` is the rule's value in the rule's unit, before any rounding; ``rounded`` is the
    value after GB/T 8170 rounding for a rule with a precision (else ``None``). ``op`` and
    ``threshold`` are the bound probed (``None`` for boolean and qualitative rules).
    ``expected`` is worked out from the position and the comparison's meaning, not by
    evaluating the rule: ``MET`` inside, ``NOT_MET`` outside, and on the threshold ``MET``
    exactly when the bound's word includes the number (以上, 不低于, 以内) — with every other
    bound of a range holding as well.

    For a change or growth (judged against ``<rule-id>.baseline``), ``value`` is the value now
    and ``base`` the base value, both in the indicator's unit; ``threshold`` and ``change`` are
    in the change's own unit (% of the base, 百分点, a multiple, or the indicator's unit), and
    ``rounded`` is the change after rounding. ``change`` is ``None`` for a compound growth whose
    annual rate is irrational; ``years`` is the span of a growth.
    """

    rule_id: str
    position: Position
    op: Op | None
    threshold: Fraction | None
    value: Fraction | bool
    rounded: Fraction | None
    facts: Mapping[str, Any]
    expected: Status
    base: Fraction | None = None
    change: Fraction | None = None
    years: Fraction | None = None

    @property
    def fact(self) -> Any:
        """The rule's own fact as written (``facts[rule_id]``)."""
        return self.facts[self.rule_id]


def _word_table() -> dict[str, tuple[Op, str]]:
    table: dict[str, tuple[Op, str]] = {}
    for word, op in PREFIX_OPS:
        table[word] = (op, "prefix")
    for word, op in SUFFIX_OPS:
        table[word] = (op, "suffix")
    for word, implied in NEUTRAL_WORDS:
        if implied is not None and word not in ("前", "完成"):
            table[word] = (implied, "prefix")
    return table


#: Every word (or symbol) that states a bound, with its operator and whether it stands before
#: the number (``不低于98%``) or after it (``98%以上``).
BOUND_WORDS: Mapping[str, tuple[Op, str]] = _word_table()

#: Values a statistics office may send that no numeric rule can use.
_UNUSABLE: tuple[Any, ...] = ("很多", True, float("nan"), "1:2", "-3", "12 kg", "达标", "1e2000")


def _named(name: str) -> Any:
    """``st.composite`` under the public name, so that a strategy's repr is the call written."""
    def decorate(function: Any) -> Any:
        function.__name__ = function.__qualname__ = name
        return st.composite(function)
    return decorate


def _given(defaults: Mapping[str, Any], **arguments: Any) -> dict[str, Any]:
    """The arguments that differ from their defaults (for the repr)."""
    return {k: v for k, v in arguments.items() if v is not defaults.get(k) and v != defaults.get(k)}


def _check_flag(value: object, name: str) -> None:
    if value not in (None, True, False):
        msg = f"{name}={value!r} must be True, False or None"
        raise InvalidArgument(msg)


# -- exact decimals ------------------------------------------------------------------------

def _places(value: Fraction) -> int:
    """How many decimal places ``value`` has (it must terminate)."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    return places


def _text(value: Fraction) -> str:
    """``value`` as plain decimal text, exactly, however many digits (it must terminate)."""
    places = _places(value)
    digits = str(abs((value * 10**places).numerator)).rjust(places + 1, "0")
    whole, fraction = digits[: len(digits) - places], digits[len(digits) - places:].rstrip("0")
    return ("-" if value < 0 else "") + whole + (f".{fraction}" if fraction else "")


def _decimal(value: Fraction) -> Decimal:
    """``value`` as an exact :class:`Decimal` (it must terminate); no context rounding."""
    return Decimal(_text(value))


def _exact(value: object, name: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal, Fraction)):
        msg = f"{name}={value!r} must be an exact number (int, Decimal, Fraction or decimal string)"
        raise InvalidArgument(msg)
    try:
        number = Fraction(value)
    except (ValueError, ArithmeticError):
        msg = f"{name}={value!r} is not a finite number"
        raise InvalidArgument(msg) from None
    return number


def quantity_text(quantity: Quantity) -> str:
    """A quantity as fact text: ``Quantity(Fraction(17, 2), "万元/人")`` → ``"8.5万元/人"``.

    Raises:
        InvalidArgument: a magnitude with no exact decimal form (1/3).
    """
    if not terminates(quantity.magnitude):
        msg = f"{quantity.magnitude} has no exact decimal form"
        raise InvalidArgument(msg)
    return _text(quantity.magnitude) + (quantity.unit or "")


# -- units ---------------------------------------------------------------------------------

def _check_unit(unit: object, name: str = "unit") -> str:
    if not isinstance(unit, str):
        msg = f"{name}={unit!r} must be a unit string such as '万元/人' or '%'"
        raise InvalidArgument(msg)
    try:
        canonical_unit(unit)
    except UnitProblem as problem:
        msg = f"{name}={unit!r}: {problem.message}" + (f" ({problem.hint})" if problem.hint else "")
        raise InvalidArgument(msg) from None
    return unit


def _same(unit: str) -> list[str]:
    dimension = canonical_unit(unit).dimensionality
    return [known for known in KNOWN_UNITS if known != "1"
            and canonical_unit(known).dimensionality == dimension]


@functools.lru_cache(maxsize=512)
def _compatible_units(unit: str) -> tuple[str, ...]:
    """Units a fact may be written in for ``unit``: itself first, then others of its dimension."""
    parts = unit.split("/")
    found: list[str] = []
    if len(parts) == 1:
        found = _same(unit)
    elif len(parts) == 2 and all(part.strip() for part in parts):
        try:
            found = [f"{a}/{b}" for a in _same(parts[0]) for b in _same(parts[1])]
        except UnitProblem:
            found = []
    own = [] if unit == "1" else [unit]
    return tuple(dict.fromkeys([*own, *found]))


# -- quantities ----------------------------------------------------------------------------

def quantities(unit: str, *, min_value: int | str | Decimal | Fraction | None = None,
               max_value: int | str | Decimal | Fraction | None = None, places: int = 3,
               units: Iterable[str] | None = None) -> st.SearchStrategy[Quantity]:
    """Quantities of ``unit``'s dimension, written in any compatible unit.

    ``min_value`` and ``max_value`` bound the value *in* ``unit``; the magnitude has at most
    ``places`` decimals in the unit it is written in. ``units`` restricts the units written
    (default: ``unit`` and every known unit of its dimension: 元/人, 千元/人, 万元/人 …). A pure
    number (``unit`` ``"1"`` or a unit of no dimension written bare) has ``unit=None``.

    Raises:
        InvalidArgument: an unknown unit, an incompatible one in ``units``, ``min_value >
            max_value``, a bound that is not an exact number, or ``places`` outside 0..12.
    """
    _quantity_options(unit, min_value, max_value, places, units)
    return _quantities(unit, **_given({"places": 3}, min_value=min_value, max_value=max_value,
                                      places=places, units=units))


def _quantity_options(unit: object, min_value: object, max_value: object, places: object,
                      units: Iterable[str] | None) -> tuple[Fraction | None, Fraction | None,
                                                             int, tuple[str | None, ...]]:
    unit = _check_unit(unit)
    low, high = _exact(min_value, "min_value"), _exact(max_value, "max_value")
    if low is not None and high is not None and low > high:
        msg = f"min_value={min_value!r} is greater than max_value={max_value!r}"
        raise InvalidArgument(msg)
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 12:
        msg = f"places={places!r} must be a whole number from 0 to 12"
        raise InvalidArgument(msg)
    if units is None:
        written: list[str | None] = list(_compatible_units(unit))
        if canonical_unit(unit).dimensionless:
            written.append(None)
    else:
        written = []
        for candidate in units:
            _check_unit(candidate, "units")
            if canonical_unit(candidate).dimensionality != canonical_unit(unit).dimensionality:
                msg = f"units: {candidate!r} is not compatible with {unit!r}"
                raise InvalidArgument(msg)
            written.append(candidate)
        if not written:
            msg = "units must name at least one unit"
            raise InvalidArgument(msg)
    step = Fraction(1, 10**places)
    if _interval(low, high, Fraction(1), step) is None:
        msg = f"no value with {places} decimals lies between {min_value} and {max_value}"
        raise InvalidArgument(msg)
    return low, high, places, tuple(written)


def _interval(low: Fraction | None, high: Fraction | None, factor: Fraction,
              step: Fraction) -> tuple[Fraction | None, Fraction | None] | None:
    """The bounds in a unit whose value times ``factor`` is in the reference unit, on ``step``."""
    def inner(bound: Fraction | None, up: bool) -> Fraction | None:
        if bound is None:
            return None
        steps = bound / factor / step
        whole = -((-steps.numerator) // steps.denominator) if up else steps.numerator // steps.denominator
        return whole * step
    lo, hi = inner(low, True), inner(high, False)
    if lo is not None and hi is not None and lo > hi:
        return None
    return lo, hi


@_named("quantities")
def _quantities(draw: st.DrawFn, unit: str, *, min_value: Any = None, max_value: Any = None,
                places: int = 3, units: Iterable[str] | None = None) -> Quantity:
    min_value, max_value, places, choices = _quantity_options(unit, min_value, max_value, places,
                                                              units)
    written = draw(st.sampled_from(choices))
    factor = conversion_factor(written or "1", unit)
    bounds = _interval(min_value, max_value, factor, Fraction(1, 10**places))
    if bounds is None:  # too narrow in this unit: write it in the unit itself
        written, factor = unit if unit != "1" else None, Fraction(1)
        bounds = _interval(min_value, max_value, factor, Fraction(1, 10**places))
        assert bounds is not None
    lo, hi = bounds
    magnitude = draw(st.decimals(min_value=None if lo is None else _decimal(lo),
                                 max_value=None if hi is None else _decimal(hi),
                                 places=places, allow_nan=False, allow_infinity=False))
    return Quantity(Fraction(magnitude), written)


# -- writing one exact value for a rule ----------------------------------------------------

def _check_rule(rule: object) -> Rule:
    if not isinstance(rule, Rule):
        msg = f"rule={rule!r} must be a qcrules.Rule (e.g. catalog['gdp-per-capita'])"
        raise InvalidArgument(msg)
    return rule


@functools.lru_cache(maxsize=1024)
def _compiled(rule: Rule) -> CompiledRule:
    return compile_rule(rule)


def _grouped(text: str) -> str:
    """``85000.5`` → ``85,000.5``."""
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    return sign + f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def _quantity_writings(compiled: CompiledRule, value: Fraction) -> list[Any]:
    unit = compiled.unit or "1"
    writings: list[Any] = []
    bare = value * conversion_factor(unit, "1") if compiled.percent_like else value
    if terminates(bare):
        writings += [_text(bare), _decimal(bare)]
    for written in _compatible_units(unit):
        magnitude = value / conversion_factor(written, unit)
        if terminates(magnitude):
            text = _text(magnitude)
            writings += [f"{text}{written}", f"{text} {written}"]
            if abs(magnitude) >= 1000:
                writings.append(f"{_grouped(text)}{written}")
    if compiled.rule.kind is Kind.RANK and value.denominator == 1:
        writings.append(f"第{value}位")
    return writings


def _ratio_writings(compiled: CompiledRule, value: Fraction) -> list[Any]:
    writings: list[Any] = []
    for one in range(1, 11):
        other = value * one
        if terminates(other):
            # In the order the rule is written: x:1 puts the judged number first.
            terms = (_text(other), str(one)) if compiled.ratio_first else (str(one), _text(other))
            writings += [f"{terms[0]}:{terms[1]}", f"{terms[0]}∶{terms[1]}"]
    if terminates(value):
        writings += [_text(value), _decimal(value)]
        if compiled.ratio_units is not None:
            writings.append(f"{_text(value)} {compiled.ratio_units[0]}")
    if compiled.ratio_units is not None and value != 0 and terminates(1 / value):
        writings.append(f"{_text(1 / value)} {compiled.ratio_units[1]}")
    return writings


def _writings(compiled: CompiledRule, value: Fraction | bool, role: str = "value") -> list[Any]:
    if isinstance(value, bool):
        words = sorted(TRUE_WORDS if value else FALSE_WORDS)
        return [value, *words]
    if compiled.reads_ratio and role == "value":
        return _ratio_writings(compiled, value)
    return _quantity_writings(compiled, value)


def fact_values(rule: Rule, value: int | str | Decimal | Fraction | bool) -> st.SearchStrategy[Any]:
    """The ways a statistics office may write exactly ``value`` (in the rule's unit) for ``rule``.

    For a quantity: in the rule's unit and every compatible unit where the number is an exact
    decimal (``8.5万元/人``, ``85000 元/人``, ``85,000元/人``), and bare (in the indicator's unit;
    as a fraction for %, ‰: ``0.035`` for 3.5 %), as text or as a :class:`~decimal.Decimal`.
    For a ratio, in the order its target is written: ``1:12.5``, ``2:25``, ``1∶12.5``, ``12.5``,
    ``0.08 教师/学生`` (a rule written ``19:1``: ``19:1``, ``38:2``, ``19``). For a rank:
    also ``第8位``. For boolean and qualitative rules, ``value`` is a bool: ``True``, 是, 达标, ….

    Raises:
        InvalidArgument: not a rule, a value that is not exact, or a value with no exact
            decimal writing for this rule (1/3 of a %).
    """
    compiled = _compiled(_check_rule(rule))
    if isinstance(value, bool):
        if compiled.numeric:
            msg = f"rule {rule.id} is judged from a quantity, not {value!r}"
            raise InvalidArgument(msg)
        return st.sampled_from(_writings(compiled, value))
    if not compiled.numeric:
        msg = f"rule {rule.id} is a {rule.kind.value} rule: value must be True or False"
        raise InvalidArgument(msg)
    exact = _exact(value, "value")
    assert exact is not None
    writings = _writings(compiled, exact)
    if not writings:
        msg = f"{exact} has no exact decimal writing for rule {rule.id}"
        raise InvalidArgument(msg)
    return st.sampled_from(writings)


# -- boundary facts ------------------------------------------------------------------------

_STEPS = (*(Fraction(1, 10**k) for k in (0, 1, 2, 3, 6, 9)), Fraction(1, 2), Fraction(5))


def _satisfies(op: Op, value: Fraction, threshold: Fraction) -> bool:
    """The meaning of a comparison, stated independently of :meth:`Op.holds`."""
    if op is Op.GE:
        return value >= threshold
    if op is Op.GT:
        return value > threshold
    if op is Op.LE:
        return value <= threshold
    if op is Op.LT:
        return value < threshold
    return value == threshold


def _in_domain(compiled: CompiledRule, value: Fraction) -> bool:
    if compiled.minimum is not None and value < compiled.minimum:
        return False
    if compiled.reads_ratio and value <= 0:  # a ratio's terms are positive: 1:0 is no ratio
        return False
    if compiled.maximum is not None and value > compiled.maximum:
        return False
    return not (compiled.whole and value.denominator != 1)


def _inside_direction(op: Op) -> int:
    return 1 if op.lower else -1


def _multiple_beyond(threshold: Fraction, precision: Fraction, direction: int) -> Fraction:
    """The first multiple of ``precision`` strictly beyond ``threshold`` in ``direction``."""
    steps = threshold / precision
    if direction > 0:
        return (steps.numerator // steps.denominator + 1) * precision
    return (-((-steps.numerator) // steps.denominator) - 1) * precision


def _candidates(compiled: CompiledRule, op: Op, threshold: Fraction,
                position: Position, step: Fraction, nudge: Fraction) -> Fraction | None:
    """The rule's value for ``position``; ``None`` when the position cannot be reached."""
    precision = None if compiled.whole else compiled.rule.precision
    if position is Position.ON:
        if precision is not None and (threshold / precision).denominator != 1:
            return None
        target = threshold
    else:
        if op is Op.EQ and position is Position.INSIDE:
            return None
        direction = _inside_direction(op) if position is Position.INSIDE else -_inside_direction(op)
        if op is Op.EQ:
            direction = 1 if nudge >= 0 else -1
        if precision is not None:
            target = _multiple_beyond(threshold, precision, direction)
        elif compiled.whole:  # the nearest whole number beyond (an approximate 93.1: 94, 93)
            target = _multiple_beyond(threshold, Fraction(1), direction)
        else:
            target = threshold + direction * step
    if precision is not None:
        return target + nudge * precision   # |nudge| < 1/2: rounds back to ``target``
    return target


#: The comparison that holds of (1 + g) when ``-g op r`` holds (a decline's rate is −g).
_MIRROR = {Op.GE: Op.LE, Op.GT: Op.LT, Op.LE: Op.GE, Op.LT: Op.GT, Op.EQ: Op.EQ}
#: Measures whose change is a ratio to the base value (a base of zero has none).
_RATIO_MEASURES = ("relative", "multiple", "compound")


def _iroot(number: int, degree: int) -> int:
    """The whole ``degree``-th root of ``number`` ≥ 0, rounded down."""
    if number < 2:
        return number
    root = 1 << -(-number.bit_length() // degree)
    while True:
        better = ((degree - 1) * root + number // root ** (degree - 1)) // degree
        if better >= root:
            return root
        root = better


def _rational_root(value: Fraction, degree: int) -> Fraction | None:
    """``value ** (1 / degree)`` when it is rational, else ``None``."""
    if value < 0:
        return None
    top, bottom = _iroot(value.numerator, degree), _iroot(value.denominator, degree)
    if top**degree == value.numerator and bottom**degree == value.denominator:
        return Fraction(top, bottom)
    return None


def _per_unit(compiled: CompiledRule) -> Fraction:
    """One unit of the indicator in the change's unit, for a change by an amount: 1, or for
    percentage points of a rate in ‰, 1/10."""
    change = compiled.rule.change
    assert change is not None
    if change.measure == "points":
        return conversion_factor(compiled.unit or "1", "%")
    return Fraction(1)


def _current_for(compiled: CompiledRule, base: Fraction, change_value: Fraction,
                 years: Fraction | None) -> Fraction:
    """The value now that makes the change from ``base`` exactly ``change_value`` (for a
    compound growth, the annual rate in %, over whole ``years``)."""
    change = compiled.rule.change
    assert change is not None
    sign = change.direction
    if change.measure == "relative":
        return base * (1 + sign * change_value / 100)
    if change.measure == "multiple":
        return base * change_value
    if change.measure == "compound":
        assert years is not None
        return base * (1 + sign * change_value / 100) ** int(years)
    return base + sign * change_value * (years or 1) / _per_unit(compiled)


def _measured(compiled: CompiledRule, base: Fraction, current: Fraction,
              years: Fraction | None) -> Fraction | None:
    """The change the rule judges, from its definition (docs/explanation/semantics.md):
    (now − base) / base in %, now / base, the annual rate g with (1 + g)^years = now / base
    (``None`` when irrational), or (now − base) in the change's unit, per year for a growth;
    signed so that the plan's direction is positive."""
    change = compiled.rule.change
    assert change is not None
    sign = change.direction
    if change.measure == "relative":
        return sign * (current - base) / base * 100
    if change.measure == "multiple":
        return current / base
    if change.measure == "compound":
        assert years is not None
        root = _rational_root(current / base, int(years))
        return None if root is None else sign * (root - 1) * 100
    return sign * (current - base) * _per_unit(compiled) / (years or 1)


def _change_met(compiled: CompiledRule, base: Fraction, current: Fraction,
                years: Fraction | None, judged: Fraction | None) -> bool:
    """Whether every bound holds of the change: a compound growth's rate g (sign · g op r) as
    now / base op (1 + r)^years — the other way round for a decline — never through a root."""
    change = compiled.rule.change
    assert change is not None
    for op, threshold in compiled.thresholds:
        if change.measure == "compound":
            assert years is not None
            factor = (1 + change.direction * threshold / 100) ** int(years)
            holds = _satisfies(op if change.direction == 1 else _MIRROR[op], current / base, factor)
        else:
            assert judged is not None
            holds = _satisfies(op, judged, threshold)
        if not holds:
            return False
    return True


def _growth_period(draw: st.DrawFn, rule: Rule) -> tuple[Fraction, str, str | None]:
    """(years, the period now, the base fact's period or ``None``) for a growth: whole years
    for a compound growth (2026 for a base of 2020: 6), whole years or quarters for a linear
    one (2026Q2: 5.5)."""
    change = rule.change
    assert change is not None
    base_year, base_period = change.base, None
    if base_year is None:  # the base fact's period gives it
        base_year = draw(st.integers(2015, 2024))
        base_period = str(base_year)
    span = draw(st.integers(1, 8))
    if change.measure == "compound" or draw(st.booleans()):
        text = draw(st.sampled_from([str(base_year + span), f"{base_year + span}年"]))
        return Fraction(span), text, base_period
    quarter = draw(st.integers(1, 4))
    return Fraction(span - 1) + Fraction(quarter, 4), f"{base_year + span}Q{quarter}", base_period


@st.composite
def _base_values(draw: st.DrawFn, compiled: CompiledRule, threshold: Fraction,
                 years: Fraction | None) -> Fraction:
    """A base value whose boundary value now lies among the indicator's possible values; for
    a whole-numbered indicator, often one whose boundary value is whole as well."""
    change = compiled.rule.change
    assert change is not None
    ratio = change.measure in _RATIO_MEASURES
    places = 0 if compiled.whole else draw(st.integers(0, 3))
    step = Fraction(1, 10**places)
    low = compiled.minimum if compiled.minimum is not None else Fraction(0)
    high = compiled.maximum if compiled.maximum is not None else Fraction(
        100 if compiled.percent_like else 10000)
    if ratio:
        low = max(low, step)
        growth = _current_for(compiled, Fraction(1), threshold, years)
        if compiled.maximum is not None and growth > 0:
            high = min(high, compiled.maximum / growth)
        if compiled.whole and growth.denominator <= 10**4 and draw(st.booleans()):
            # a multiple of the denominator: the boundary value is whole too
            most = high // growth.denominator
            if most >= 1:
                return Fraction(growth.denominator * draw(st.integers(1, min(int(most), 50))))
    else:
        shift = _current_for(compiled, Fraction(0), threshold, years)
        if compiled.maximum is not None:
            high = min(high, compiled.maximum - shift)
        low = max(low, -shift)
    bounds = _interval(low, high, Fraction(1), step)
    if bounds is None:
        reject()
    assert bounds is not None
    lo, hi = bounds
    assert lo is not None
    assert hi is not None
    return Fraction(draw(st.decimals(min_value=_decimal(lo), max_value=_decimal(hi),
                                     places=places)))


def _change_case(draw: st.DrawFn, rule: Rule, compiled: CompiledRule,
                 positions: tuple[Position, ...]) -> BoundaryCase:
    """A base value and a value now whose change is on, just inside or just outside a bound.

    Without a precision the change itself is moved by a small step (a change of 13.5 % ±
    0.01) and the value now worked back from it; for a compound growth and for whole-numbered
    indicators the value now is moved instead: by one, or by the last decimal place of the
    boundary value (15868.74322944 ± 0.00000001 for 10000 over 6 years at 8 %).
    """
    change = rule.change
    assert change is not None
    compound = change.measure == "compound"
    years = period = base_period = None
    if rule.kind is Kind.GROWTH:
        years, period, base_period = _growth_period(draw, rule)
    op, threshold = draw(st.sampled_from(compiled.thresholds))
    position = draw(st.sampled_from(positions))
    base = draw(_base_values(compiled, threshold, years))
    precision = None if compound else rule.precision
    if compound or compiled.whole:
        on = _current_for(compiled, base, threshold, years)
        if position is Position.ON:
            current = on
        else:
            if op is Op.EQ and position is Position.INSIDE:
                reject()
            toward = _inside_direction(op) if op is not Op.EQ else draw(st.sampled_from([1, -1]))
            direction = change.direction * (toward if position is Position.INSIDE else -toward)
            if compiled.whole:
                current = _multiple_beyond(on, Fraction(1), direction)
            else:
                extra = draw(st.sampled_from([0, 1, 3]))
                current = on + direction * Fraction(1, 10 ** (_places(on) + extra))
    else:
        step = draw(st.sampled_from(_STEPS))
        nudge = draw(st.sampled_from([Fraction(0), Fraction(1, 10), Fraction(-1, 10),
                                      Fraction(49, 100), Fraction(-49, 100)]))
        wanted = _candidates(compiled, op, threshold, position, step, nudge)
        if wanted is None:
            reject()
        assert wanted is not None
        current = _current_for(compiled, base, wanted, years)
        assert _measured(compiled, base, current, years) == wanted
    if not (_in_domain(compiled, base) and _in_domain(compiled, current)):
        reject()
    if compound and current <= 0:
        reject()
    measured = _measured(compiled, base, current, years)
    rounded = None
    judged = measured
    if precision is not None and measured is not None:
        rounded = judged = round(measured / precision) * precision  # half to even, exactly
    met = _change_met(compiled, base, current, years, judged)
    if position is Position.ON and not compound and judged != threshold:
        reject()   # rounding a whole-numbered change moved it off the threshold
    if (position is Position.INSIDE and not met) or (position is Position.OUTSIDE and met):
        reject()   # a band narrower than the step
    base_writings, writings = _writings(compiled, base), _writings(compiled, current)
    if not base_writings or not writings:
        reject()
    written_base = draw(st.sampled_from(base_writings))
    written = draw(st.sampled_from(writings))
    facts = {rule.baseline_id: written_base if base_period is None
             else {"value": written_base, "period": base_period},
             rule.id: written if period is None else {"value": written, "period": period}}
    return BoundaryCase(rule.id, position, op, threshold, current, rounded, facts,
                        Status.MET if met else Status.NOT_MET, base, measured, years)


@_named("boundary_facts")
def _boundary_facts(draw: st.DrawFn, rule: Rule, *,
                    positions: Iterable[Position | str] | None = None) -> BoundaryCase:
    positions = _positions(rule, positions)
    compiled = _compiled(rule)
    facts: dict[str, Any] = {}
    if compiled.needs_base:
        return _change_case(draw, rule, compiled, positions)
    if not compiled.numeric:
        position = draw(st.sampled_from([p for p in positions if p is not Position.ON]))
        holds = position is Position.INSIDE
        facts[rule.id] = draw(st.sampled_from(_writings(compiled, holds)))
        return BoundaryCase(rule.id, position, None, None, holds, None, facts,
                            Status.MET if holds else Status.NOT_MET)
    thresholds = compiled.thresholds
    if compiled.needs_reference:
        assert rule.reference is not None
        low = compiled.minimum if compiled.minimum is not None else Fraction(0)
        high = compiled.maximum if compiled.maximum is not None else low + 1000
        reference = Fraction(draw(st.decimals(min_value=_decimal(low) if terminates(low) else 0,
                                              max_value=_decimal(high) if terminates(high)
                                              else 1000, places=0 if compiled.whole else 2)))
        precision = rule.precision
        if precision is not None and not compiled.whole and draw(st.booleans()):
            reference = round(reference / precision) * precision
        if not _in_domain(compiled, reference) or not terminates(reference):
            reject()
        facts[rule.reference.id] = draw(st.sampled_from(_writings(compiled, reference,
                                                                  "reference")))
        thresholds = tuple((op, reference) for op, _ in compiled.bounds)
    op, threshold = draw(st.sampled_from(thresholds))
    position = draw(st.sampled_from(positions))
    step = draw(st.sampled_from(_STEPS))
    nudge = draw(st.sampled_from([Fraction(0), Fraction(1, 10), Fraction(-1, 10),
                                  Fraction(49, 100), Fraction(-49, 100)]))
    value = _candidates(compiled, op, threshold, position, step, nudge)
    if value is None or not _in_domain(compiled, value):
        reject()
    assert value is not None
    precision = compiled.rule.precision
    rounded = None
    judged = value
    if precision is not None:
        rounded = value - nudge * precision if not compiled.whole else value
        judged = rounded
    met = all(_satisfies(o, judged, t) for o, t in thresholds)
    if (position is Position.INSIDE and not met) or (position is Position.OUTSIDE and met):
        reject()   # a range narrower than the step: the neighbour lies past the other bound
    writings = _writings(compiled, value)
    if not writings:
        reject()
    facts[rule.id] = draw(st.sampled_from(writings))
    return BoundaryCase(rule.id, position, op, threshold, value, rounded, facts,
                        Status.MET if met else Status.NOT_MET)


def boundary_facts(rule: Rule, *,
                   positions: Iterable[Position | str] | None = None) -> st.SearchStrategy[BoundaryCase]:
    """Facts exactly on, just inside and just outside a bound of ``rule``, with the status due.

    One bound of the rule is drawn (either side of a range), then a position; the value is
    the threshold itself, or the threshold moved by a small exact step (1, 0.5, 0.1 … 10⁻⁹; a
    whole number for counts and ranks) toward meeting or missing it, and written in a random
    compatible unit and form (see :func:`fact_values`). For a rule with a ``precision`` the
    position is that of the *rounded* value: the value is a multiple of the precision moved by
    less than half of it. A relative or assigned rule gets a drawn reference fact too; a
    boolean or qualitative rule gets a yes (inside) or no (outside) word. An approximate
    target's bounds are its band's edges. Values stay inside the indicator's possible values.

    A change or growth gets a base value (``<rule-id>.baseline``) and a value now, each in any
    compatible unit, whose change lies on, just inside or just outside the bound: the change
    moved by a small step and the value now worked back from it, or — for a compound growth
    and a whole-numbered indicator — the value now moved by one or by its last decimal place
    (10000 over 6 years at 8 %: 15868.74322944, ± 0.00000001). A growth's value now carries a
    ``period`` (whole years after the base year for a compound growth, or quarters for a
    linear one) and, when the rule names no base year, the base value carries one too.

    Raises:
        InvalidArgument: not a rule, an unknown position, or only ``on`` for a rule without a
            numeric bound.
    """
    _positions(rule, positions)
    return _boundary_facts(rule, **_given({}, positions=positions))


def _positions(rule: object, positions: Iterable[Position | str] | None) -> tuple[Position, ...]:
    rule = _check_rule(rule)
    chosen: tuple[Position, ...] = tuple(Position) if positions is None else tuple(
        _position(p) for p in positions)
    if not chosen:
        msg = "positions must name at least one of on, inside, outside"
        raise InvalidArgument(msg)
    compiled = _compiled(rule)
    if not compiled.numeric and set(chosen) == {Position.ON}:
        msg = f"rule {rule.id} ({rule.kind.value}) has no threshold to be on; use inside or outside"
        raise InvalidArgument(msg)
    return chosen


def _position(value: Position | str) -> Position:
    try:
        return value if isinstance(value, Position) else Position(value)
    except ValueError:
        msg = f"unknown position {value!r}; expected one of on, inside, outside"
        raise InvalidArgument(msg) from None


# -- facts for a rule and for a catalogue --------------------------------------------------

@_named("facts_for")
def _facts_for(draw: st.DrawFn, rule: Rule, *, derived: bool | None = None,
               invalid: bool = False) -> dict[str, Any]:
    compiled = _compiled(rule)
    if invalid and draw(st.integers(0, 4)) == 0:
        facts = {rule.id: draw(st.sampled_from(_UNUSABLE))}
        if rule.reference is not None:
            facts[rule.reference.id] = draw(st.sampled_from(_UNUSABLE))
        if compiled.needs_base:
            facts[rule.baseline_id] = draw(st.sampled_from(_UNUSABLE))
        return facts
    if (rule.derivation is not None and derived is not False
            and (derived or draw(st.booleans()))):
        facts = {}
        for spec in rule.derivation.inputs:
            input_unit = spec.unit or "1"
            quantity = draw(quantities(input_unit, min_value=0, max_value=10**6, places=2))
            facts[rule.derivation.input_fact_id(rule.id, spec.name)] = (
                quantity_text(quantity) if spec.unit else _text(quantity.magnitude))
        return facts
    if draw(st.booleans()) or not compiled.numeric:
        return dict(draw(boundary_facts(rule)).facts)
    facts = {}
    low = compiled.minimum if compiled.minimum is not None else Fraction(-100)
    high = compiled.maximum if compiled.maximum is not None else Fraction(10**5)
    if compiled.needs_reference:
        assert rule.reference is not None
        facts[rule.reference.id] = draw(_any_value(compiled, low, high, "reference"))
    if compiled.needs_base:
        return facts | draw(_any_change(compiled, low, high))
    facts[rule.id] = draw(_any_value(compiled, low, high, "value"))
    return facts


@st.composite
def _any_change(draw: st.DrawFn, compiled: CompiledRule, low: Fraction,
                high: Fraction) -> dict[str, Any]:
    """A base value and a value now anywhere among the indicator's possible values (a base
    above zero where the change is a ratio to it), with a growth's periods."""
    rule = compiled.rule
    assert rule.change is not None
    positive = max(low, Fraction(1, 10**4))
    measure = rule.change.measure
    base = draw(_any_value(compiled, positive if measure in _RATIO_MEASURES else low, high,
                           "baseline"))
    current = draw(_any_value(compiled, positive if measure == "compound" else low, high,
                              "value"))
    if rule.kind is not Kind.GROWTH:
        return {rule.baseline_id: base, rule.id: current}
    _, period, base_period = _growth_period(draw, rule)
    return {rule.baseline_id: base if base_period is None
            else {"value": base, "period": base_period},
            rule.id: {"value": current, "period": period}}


@st.composite
def _any_value(draw: st.DrawFn, compiled: CompiledRule, low: Fraction, high: Fraction,
               role: str) -> Any:
    places = 0 if compiled.whole else draw(st.integers(0, 4))
    if compiled.reads_ratio:
        low = max(low, Fraction(1, 10**places))
    bounds = _interval(low, high, Fraction(1), Fraction(1, 10**places))
    if bounds is None:
        reject()
    assert bounds is not None
    lo, hi = bounds
    assert lo is not None
    assert hi is not None
    value = Fraction(draw(st.decimals(min_value=_decimal(lo), max_value=_decimal(hi),
                                      places=places)))
    writings = _writings(compiled, value, role)
    if not writings:
        reject()
    return draw(st.sampled_from(writings))


def facts_for(rule: Rule, *, derived: bool | None = None,
              invalid: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Every fact ``rule`` reads, as a mapping of fact id to value (pass it to ``evaluate``).

    Half the time the value lies on or next to a bound (see :func:`boundary_facts`), else
    anywhere among the indicator's possible values; a relative or assigned rule also gets its
    reference, a change or growth its base value (and a growth its periods). ``derived``: for
    a derived indicator, ``True`` gives its inputs instead of the value, ``False`` never,
    ``None`` either. ``invalid=True`` sometimes gives values no rule can use (``很多``, NaN,
    ``12 kg``, a ratio for a quantity).

    Raises:
        InvalidArgument: not a rule.
    """
    _check_rule(rule)
    _check_flag(derived, "derived")
    _check_flag(invalid, "invalid")
    return _facts_for(rule, **_given({"invalid": False}, derived=derived, invalid=invalid))


@_named("fact_sets")
def _fact_sets(draw: st.DrawFn, catalog: Catalog | Plan, *, missing: bool = True,
               invalid: bool = False) -> dict[str, Any]:
    if isinstance(catalog, Plan):
        catalog = catalog.catalog
    facts: dict[str, Any] = {}
    for rule in catalog:
        if missing and draw(st.integers(0, 4)) == 0:
            continue
        facts.update(draw(facts_for(rule, invalid=invalid)))
        if missing and rule.reference is not None and draw(st.integers(0, 6)) == 0:
            facts.pop(rule.reference.id, None)
        if missing and rule.kind.needs_base and draw(st.integers(0, 6)) == 0:
            facts.pop(rule.baseline_id, None)
    return facts


def fact_sets(catalog: Catalog | Plan, *, missing: bool = True,
              invalid: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Fact sets for a whole catalogue: :func:`facts_for` each rule, merged into one mapping.

    With ``missing=True`` (the default) some rules get no fact and some references and base
    values are left out, so their verdicts must be *unknown*; ``invalid=True`` mixes in unusable values.

    Raises:
        InvalidArgument: not a catalogue or plan.
    """
    if not isinstance(catalog, (Catalog, Plan)):
        msg = f"catalog={catalog!r} must be a qcrules.Catalog or Plan"
        raise InvalidArgument(msg)
    _check_flag(missing, "missing")
    _check_flag(invalid, "invalid")
    return _fact_sets(catalog, **_given({"missing": True, "invalid": False}, missing=missing,
                                        invalid=invalid))


# -- rules and catalogues ------------------------------------------------------------------

#: Indicator units rules are drawn with, and each unit's possible values (None: unbounded).
_INDICATOR_UNITS: dict[str, tuple[str | None, str | None]] = {
    "%": ("0%", "100%"), "‰": ("0‰", "1000‰"), "万元/人": ("0元/人", None), "亿元": (None, None),
    "件/万人": ("0件/万人", None), "分": (None, None), "人/十万台": ("0人/十万台", None),
    "人/亿元": ("0人/亿元", None), "百分点": (None, None), "天": ("0天", None),
    "平方米": ("0平方米", None), "万人": ("0万人", None),
}
_COUNT_UNITS = ("项", "件", "个", "家")
_RANK_UNITS = ("位", "名")
_DEPARTMENTS = ("市发改委", "市科工局", "市统计局", "市市场监管局", "市教育局", "市财政局",
                "市生态环境局", "市应急管理局", "市农业农村局")
_NAMES = ("人均GDP", "合格率", "专利拥有量", "质量竞争力指数", "死亡率", "覆盖率", "增长率",
          "达标率", "师生比", "认证数", "示范项目", "排名")
_SECTIONS = ("一", "二", "三", "四")
_NUMBERS = ("一", "二", "三", "四", "五", "六")
_KINDS = tuple(Kind)
_rule_ids = st.from_regex(r"\A[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}\Z")

#: Derived indicators: unit → (formula, {input: unit}).
_DERIVED: dict[str, tuple[str, dict[str, str | None]]] = {
    "人/亿元": ("deaths / gdp", {"deaths": "人", "gdp": "亿元"}),
    "件/万人": ("patents / population", {"patents": "件", "population": "万人"}),
    "%": ("passed / checked", {"passed": "件", "checked": "件"}),
    "万元/人": ("gdp / population", {"gdp": "亿元", "population": "万人"}),
}


#: Verbs of a change by an amount, by measure and direction (+1 an increase, −1 a decrease).
_VERBS: dict[str, dict[int, tuple[str, ...]]] = {
    "relative": {1: ("增长", "提高", "增加", "上升", "提升", "扩大"),
                 -1: ("下降", "降低", "减少", "压减", "缩减")},
    "compound": {1: ("增长", "提高"), -1: ("下降", "降低")},
    "points": {1: ("提高", "上升", "提升"), -1: ("下降", "降低")},
    "absolute": {1: ("增加", "提高", "增长"), -1: ("减少", "降低", "下降", "压减")},
}
#: A change that is a multiple of the base value (翻一番 ×2, 翻两番 ×4, 增长1.5倍 ×2.5).
_MULTIPLES = ("翻一番", "倍增", "翻番", "双倍增", "实现翻一番", "翻两番", "翻三番", "增长1倍",
              "增长1.5倍", "增长2倍", "翻一番以上", "增长1倍以上")
#: How a bound word (a key of BOUND_WORDS) states the amount of a change: 下降13.5%以上,
#: 增长控制在3%以内, 提高不低于5个百分点. With no word the amount is a floor (at least).
_AMOUNT_WORDS: dict[str, tuple[str, ...]] = {
    "以上": ("{}以上", "保持在{}以上"), "以内": ("{}以内", "控制在{}以内"), "以下": ("{}以下",),
    "控制在": ("控制在{}",), "不低于": ("不低于{}",), "不少于": ("不少于{}",),
    "达到": ("达到{}",), "超过": ("超过{}",), "不超过": ("不超过{}",),
}
#: An approximate number: 3%左右, 约1100亿元, 近100个 (近, 接近, 将近: the band's lower edge).
_APPROX_FORMS = ("{}左右", "约{}", "大约{}", "近{}", "接近{}", "将近{}")
#: How a change names its base year (or the rule says ``base:``).
_BASE_WORDS = ("比{}年", "较{}年", "与{}年相比")
_WHOLE_DIMENSIONS = (canonical_unit("件").dimensionality, canonical_unit("位").dimensionality)


def _whole_unit(unit: str) -> bool:
    return canonical_unit(unit).dimensionality in _WHOLE_DIMENSIONS


@st.composite
def _written(draw: st.DrawFn, value: Fraction, unit: str) -> str:
    """``value`` (in ``unit``) written in a compatible unit where it is an exact decimal."""
    units = [u for u in _compatible_units(unit) if terminates(value / conversion_factor(u, unit))]
    written = draw(st.sampled_from(units))
    return _text(value / conversion_factor(written, unit)) + written


@st.composite
def _tolerance(draw: st.DrawFn, amount: Fraction, unit: str) -> dict[str, str] | None:
    """No tolerance (5 % of the number), a share of it, or an amount in its unit (``unit``)."""
    how = draw(st.integers(0, 2))
    if how == 0:
        return None
    if how == 1:
        return {"relative": draw(st.sampled_from(["10%", "2%", "0.1", "20‰", "5%", "2.5%"]))}
    share = Fraction(draw(st.integers(1, 10)), 20)
    return {"absolute": draw(_written(amount * share, unit))}


def _measure_units(kind: Kind, units: tuple[str, ...]) -> dict[str, list[str]]:
    """What a change or growth may measure on indicators of ``units``, and in which units: a
    share of the base or a multiple on any; percentage points on a rate only (提高5% of a rate
    is a share of it); an amount on anything but a rate (in 百分点 it would read as points)."""
    rates = [u for u in units if is_percent_like(u)]
    amounts = [u for u in units if not is_percent_like(u) and u != "百分点"]
    found = {"compound" if kind is Kind.GROWTH else "relative": list(units)}
    if kind is Kind.CHANGE:
        found["multiple"] = list(units)
    found |= {"points": rates, "absolute": amounts}
    return {measure: found_units for measure, found_units in found.items() if found_units}


@st.composite
def _change_fields(draw: st.DrawFn, kind: Kind, units: tuple[str, ...],
                   words: tuple[str, ...]) -> tuple[dict[str, Any], str, str]:
    """The target (and base year, tolerance) of a change or growth in the plan's words, what
    it measures, and the indicator's unit (one of ``units`` the measure fits)."""
    growth = kind is Kind.GROWTH
    choices = _measure_units(kind, units)
    measure = draw(st.sampled_from(list(choices)))
    unit = draw(st.sampled_from(choices[measure]))
    fields: dict[str, Any] = {}
    year = draw(st.integers(2015, 2024))
    named = draw(st.sampled_from(["words", "field", "both"] if growth
                                 else ["none", "words", "field", "both"]))
    said = draw(st.sampled_from(_BASE_WORDS)).format(year) if named in ("words", "both") else ""
    if named in ("field", "both"):
        fields["base"] = year
    if measure == "multiple":
        fields["target"] = said + draw(st.sampled_from(_MULTIPLES))
        return fields, measure, unit
    direction = draw(st.sampled_from([1, -1]))
    verb = draw(st.sampled_from(_VERBS[measure][direction]))
    if measure == "absolute":
        whole = _whole_unit(unit)
        value = Fraction(draw(st.integers(1, 50)) if whole else draw(
            st.decimals(min_value=Decimal("0.1"), max_value=100, places=draw(st.integers(0, 3)))))
        amount = draw(_written(value, unit))
        amount_unit = unit
    else:
        top = {"relative": (100, 80), "compound": (30, 20), "points": (20, 20)}[measure]
        value = Fraction(draw(st.decimals(
            min_value=Decimal("0.5") if measure != "points" else Decimal("0.1"),
            max_value=top[0] if direction == 1 else top[1],
            places=draw(st.integers(0, 1 if measure == "compound" else 2)))))
        amount_unit = "%" if measure != "points" else "百分点"
        # A share of the base is read in % only (13.5‰ would be an amount in the indicator's
        # unit); points are 个百分点.
        suffix = draw(st.sampled_from(["个百分点", "百分点"])) if measure == "points" else "%"
        amount = _text(value) + suffix
    if draw(st.integers(0, 4)) == 0:
        written = draw(st.sampled_from(_APPROX_FORMS)).format(amount)
        tolerance = draw(_tolerance(value, amount_unit))
        if tolerance is not None:
            fields["tolerance"] = tolerance
    else:
        word = draw(st.sampled_from(["", *(w for w in _AMOUNT_WORDS if w in words)]))
        written = draw(st.sampled_from(_AMOUNT_WORDS[word])).format(amount) if word else amount
    fields["target"] = said + ("年均" if growth else "") + verb + written
    return fields, measure, unit


@st.composite
def _approx_fields(draw: st.DrawFn, unit: str) -> dict[str, Any]:
    """An approximate target on an indicator in ``unit``: 3%左右, 约1100亿元, 近100个."""
    if _whole_unit(unit):
        value = Fraction(draw(st.integers(1, 500)))
    else:
        high = 100 if unit == "%" else 1000
        places = draw(st.integers(0, 3))
        value = Fraction(draw(st.decimals(min_value=_decimal(Fraction(1, 10**places)),
                                          max_value=high, places=places)))
    fields: dict[str, Any] = {
        "target": draw(st.sampled_from(_APPROX_FORMS)).format(draw(_written(value, unit)))}
    tolerance = draw(_tolerance(value, unit))
    if tolerance is not None:
        fields["tolerance"] = tolerance
    return fields


def _word_for(op_filter: Any, words: tuple[str, ...]) -> list[str]:
    return [w for w in words if op_filter(BOUND_WORDS[w][0])]


def _bound_text(word: str, number: str, unit: str | None) -> str:
    place = BOUND_WORDS[word][1]
    written = f"{number}{unit or ''}"
    if place == "suffix":
        return f"{written}{word}"
    if word[0] in "<>=≥≤":
        return f"{word} {number} {unit or ''}".strip()
    return f"{word}{written}"


@st.composite
def _threshold_text(draw: st.DrawFn, unit: str, word: str, low: Fraction,
                    high: Fraction, places: int) -> str:
    value = Fraction(draw(st.decimals(min_value=_decimal(low), max_value=_decimal(high),
                                      places=places)))
    units = [u for u in _compatible_units(unit) if terminates(value / conversion_factor(u, unit))]
    written = draw(st.sampled_from(units))
    return _bound_text(word, _text(value / conversion_factor(written, unit)), written)


@st.composite
def _rule_mapping(draw: st.DrawFn, *, rule_id: str, index: int, kinds: tuple[Kind, ...],
                  words: tuple[str, ...], units: tuple[str, ...], precision: bool | None,
                  derived: bool | None, change_units: tuple[str, ...]) -> dict[str, Any]:
    kind = draw(st.sampled_from(kinds))
    unit = draw(st.sampled_from(change_units if kind is Kind.APPROX else units))
    indicator: dict[str, Any] = {"zh": f"{draw(st.sampled_from(_NAMES))}{index}"}
    if draw(st.booleans()):
        indicator["en"] = f"indicator {index}"
    section = draw(st.sampled_from(_SECTIONS))
    rule: dict[str, Any] = {
        "id": rule_id, "indicator": indicator, "kind": kind.value,
        "commitment": draw(st.sampled_from(["ensure", "strive", "none", "确保", "力争"])),
        "deadline": draw(st.sampled_from([2025, 2026, 2027, "annual"])),
        "clause": f"{section}({draw(st.sampled_from(_NUMBERS))}){draw(st.integers(1, 9))}",
        "quote": f"目标{index}", "lead": draw(st.lists(st.sampled_from(_DEPARTMENTS), min_size=1,
                                                      max_size=2, unique=True)),
    }
    if draw(st.booleans()):
        rule["support"] = draw(st.lists(st.sampled_from(_DEPARTMENTS), min_size=1, max_size=3,
                                        unique=True))
    if draw(st.integers(0, 3)) == 0:
        rule["note"] = f"解读{index}"
    if kind.numeric and draw(st.integers(0, 3)) == 0:
        rule["path"] = draw(st.sampled_from(["linear", "front-loaded"]))
    if kind.numeric and (precision or (precision is None and draw(st.booleans()))):
        rule["precision"] = draw(st.sampled_from(["0.1", "0.5", "1", "0.01", "0.2"]))
    low_text, high_text = _INDICATOR_UNITS.get(unit, (None, None))
    low = Fraction(0)
    high = Fraction(100) if unit == "%" else Fraction(1000)
    places = draw(st.integers(0, 3))
    if kind in (Kind.FLOOR, Kind.CEILING):
        indicator["unit"] = unit
        if draw(st.booleans()):
            if low_text is not None:
                indicator["min"] = low_text
            if high_text is not None:
                indicator["max"] = high_text
        side = (lambda op: op.lower or op is Op.EQ) if kind is Kind.FLOOR else (
            lambda op: op.upper or op is Op.EQ)
        word = draw(st.sampled_from(_word_for(side, words)))
        if draw(st.booleans()) and BOUND_WORDS[word][1] == "suffix":
            prefix = draw(st.sampled_from(["稳定在", "保持在", ""]))
        else:
            prefix = ""
        rule["target"] = prefix + draw(_threshold_text(unit, word, low, high, places))
        if derived is not False and (derived or draw(st.booleans())) and unit in _DERIVED:
            formula, inputs = _DERIVED[unit]
            rule["formula"] = formula
            rule["inputs"] = {name: {"zh": f"{name}{index}", "unit": input_unit}
                              for name, input_unit in inputs.items()}
    elif kind is Kind.RANGE:
        indicator["unit"] = unit
        low_word = draw(st.sampled_from(_word_for(lambda op: op.lower, words)))
        high_word = draw(st.sampled_from(_word_for(lambda op: op.upper, words)))
        first = Fraction(draw(st.decimals(min_value=0, max_value=_decimal(high), places=places)))
        second = Fraction(draw(st.decimals(min_value=_decimal(first), max_value=_decimal(high),
                                           places=places)))
        rule["target"] = [_bound_text(low_word, _text(first), unit),
                          _bound_text(high_word, _text(second), unit)]
    elif kind is Kind.RATIO:
        value = Fraction(draw(st.decimals(min_value=Decimal("0.5"), max_value=50, places=places)))
        leading = draw(st.booleans())  # 生师比 19:1 (the judged number first) or 师生比 1:12.5
        rule["target"] = f"{_text(value)}:1" if leading else f"1:{_text(value)}"
        if draw(st.booleans()):
            rule["ratio"] = ({"antecedent": "学生", "consequent": "教师"} if leading
                             else {"antecedent": "教师", "consequent": "学生"})
    elif kind is Kind.COUNT:
        indicator["unit"] = draw(st.sampled_from(_COUNT_UNITS))
        count = draw(st.integers(1, 20))
        rule["target"] = draw(st.sampled_from([f">= {count} {indicator['unit']}",
                                               f"{count}{indicator['unit']}以上",
                                               f"不少于{count}{indicator['unit']}"]))
    elif kind is Kind.RANK:
        indicator["unit"] = draw(st.sampled_from(_RANK_UNITS))
        place = draw(st.integers(1, 20))
        rule["target"] = draw(st.sampled_from([f"<= {place} {indicator['unit']}",
                                               f"前{place}{indicator['unit']}",
                                               f"{place}{indicator['unit']}以内"]))
    elif kind in (Kind.CHANGE, Kind.GROWTH, Kind.APPROX):
        measure = None
        if kind is Kind.APPROX:
            fields = draw(_approx_fields(unit))
        else:
            fields, measure, unit = draw(_change_fields(kind, change_units, words))
        indicator["unit"] = unit
        if draw(st.booleans()):
            low_text, high_text = _INDICATOR_UNITS.get(unit, (None, None))
            if low_text is not None:
                indicator["min"] = low_text
            if high_text is not None:
                indicator["max"] = high_text
        rule |= fields
        if measure == "compound" or (measure is not None and _whole_unit(unit)):
            # A compound rate is compared unrounded; and the boundary facts of a count's
            # change move the count, not the change, so a rounded position is not chosen.
            rule.pop("precision", None)
    elif kind in (Kind.RELATIVE, Kind.ASSIGNED):
        indicator["unit"] = unit
        if draw(st.booleans()) and low_text is not None:
            indicator["min"] = low_text
        word = draw(st.sampled_from(words))
        if kind is Kind.RELATIVE or draw(st.booleans()):
            rule["target"] = word
        if kind is Kind.RELATIVE or draw(st.booleans()):
            relative = kind is Kind.RELATIVE
            rule["reference"] = {
                "id": f"{rule_id}.{'province-average' if relative else 'assigned'}",
                "zh": "全省平均数" if relative else "上级下达的任务"}
    return rule


def _document(rules: list[dict[str, Any]], header: dict[str, Any]) -> str:
    return yaml.safe_dump({"qcrules": 1, "catalog": header, "rules": rules},
                          allow_unicode=True, sort_keys=False)


def _load(rules: list[dict[str, Any]], header: dict[str, Any]) -> Catalog:
    text = _document(rules, header)
    try:
        return loads_catalog(text, file="<generated>")
    except CatalogError as error:  # a bug in these strategies, not in the code under test
        msg = f"a generated catalogue did not load:\n{error}\n{text}"
        raise AssertionError(msg) from error


def _options(kinds: Iterable[Kind | str] | None, words: Iterable[str] | None,
             units: Iterable[str] | None) -> tuple[tuple[Kind, ...], tuple[str, ...],
                                                   tuple[str, ...], tuple[str, ...]]:
    """The kinds, words and units asked for (checked), and the units of changes, growths and
    approximate targets: those asked for, or by default counts (项, 个 …) as well."""
    chosen_kinds: list[Kind] = []
    for kind in _KINDS if kinds is None else kinds:
        try:
            chosen_kinds.append(kind if isinstance(kind, Kind) else Kind(kind))
        except ValueError:
            msg = f"unknown kind {kind!r}; expected one of {', '.join(k.value for k in _KINDS)}"
            raise InvalidArgument(msg) from None
    chosen_words = tuple(BOUND_WORDS) if words is None else tuple(words)
    for word in chosen_words:
        if word not in BOUND_WORDS:
            msg = f"unknown bound word {word!r}; expected one of {', '.join(BOUND_WORDS)}"
            raise InvalidArgument(msg)
    chosen_units = tuple(_INDICATOR_UNITS) if units is None else tuple(units)
    for unit in chosen_units:
        _check_unit(unit, "units")
    change_units = (*chosen_units, *_COUNT_UNITS) if units is None else chosen_units
    if not chosen_kinds or not chosen_words or not chosen_units:
        msg = "kinds, words and units must each name at least one choice"
        raise InvalidArgument(msg)
    ops = {BOUND_WORDS[w][0] for w in chosen_words}
    feasible = []
    for kind in dict.fromkeys(chosen_kinds):
        if kind is Kind.FLOOR and not ops & {Op.GE, Op.GT, Op.EQ}:
            continue
        if kind is Kind.CEILING and not ops & {Op.LE, Op.LT, Op.EQ}:
            continue
        if kind is Kind.RANGE and not (ops & {Op.GE, Op.GT} and ops & {Op.LE, Op.LT}):
            continue
        feasible.append(kind)
    if not feasible:
        msg = (f"no rule of kind {', '.join(k.value for k in chosen_kinds)} can be written with "
               f"the words {', '.join(chosen_words)}")
        raise InvalidArgument(msg)
    return tuple(feasible), chosen_words, chosen_units, change_units


def rules(*, kinds: Iterable[Kind | str] | None = None, words: Iterable[str] | None = None,
          units: Iterable[str] | None = None, precision: bool | None = None,
          derived: bool | None = None) -> st.SearchStrategy[Rule]:
    """Valid rules of every kind, as the loader builds them from a catalogue file.

    ``kinds`` restricts the kinds (``Kind`` members or names: floor, ceiling, range, ratio,
    count, boolean, qualitative, relative, assigned, rank, change, growth, approx). ``words``
    restricts the bound words (keys of :data:`BOUND_WORDS`: 以上, 不低于, 低于, 超过, ``>=`` …);
    a floor gets a lower-bound word, a ceiling an upper-bound one, and the amount of a change
    no word or one that reads after it (下降13.5%以上, 增长控制在3%以内). ``units`` restricts the
    indicator units of floors, ceilings, ranges, relative, assigned, change, growth and
    approximate rules (default: %, ‰, 万元/人, 亿元, 件/万人, 分, 人/十万台, 人/亿元, 百分点, 天,
    平方米, 万人, and counts for the last three kinds); the target may be written in any
    compatible unit (a 万元/人 rule may say 达85000元/人). ``precision``: ``True`` always
    declares one (but never on a compound growth or a change of a count), ``False`` never,
    ``None`` either. ``derived``: floors and ceilings of some units may be derived from inputs
    by a formula (``True`` whenever possible, ``False`` never).

    Changes and growths are written as plans write them: 比2020年下降13.5%, 较2024年提高5个百分点,
    增加12项, 翻一番, 年均增长8%以上, 年均提高1个百分点, with the base year in the words, as
    ``base:`` or (a change only) not at all; approximate targets as 3%左右, 约1100亿元, 近100个, with
    the default tolerance or a declared one.

    Raises:
        InvalidArgument: an unknown kind, word or unit, or kinds no given word can express.
    """
    _options(kinds, words, units)
    _check_flag(precision, "precision")
    _check_flag(derived, "derived")
    return _rules(**_given({}, kinds=kinds, words=words, units=units, precision=precision,
                           derived=derived))


@_named("rules")
def _rules(draw: st.DrawFn, *, kinds: Iterable[Kind | str] | None = None,
           words: Iterable[str] | None = None, units: Iterable[str] | None = None,
           precision: bool | None = None, derived: bool | None = None) -> Rule:
    chosen = _options(kinds, words, units)
    mapping = draw(_rule_mapping(rule_id=draw(_rule_ids), index=1, kinds=chosen[0],
                                 words=chosen[1], units=chosen[2], precision=precision,
                                 derived=derived, change_units=chosen[3]))
    return _load([mapping], {"id": "generated", "title": "生成的方案"})[mapping["id"]]


def catalogs(*, min_rules: int = 1, max_rules: int = 6,
             kinds: Iterable[Kind | str] | None = None, words: Iterable[str] | None = None,
             units: Iterable[str] | None = None, precision: bool | None = None,
             derived: bool | None = None) -> st.SearchStrategy[Catalog]:
    """Whole valid catalogues: a header (title, issuer, region, period, sections, phases,
    source) and ``min_rules`` to ``max_rules`` rules drawn as by :func:`rules` (same options),
    with unique ids and indicator names.

    Raises:
        InvalidArgument: bad sizes (negative, ``min_rules > max_rules``, more than 50) or a bad
            option of :func:`rules`.
    """
    for name, size in (("min_rules", min_rules), ("max_rules", max_rules)):
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= 50:
            msg = f"{name}={size!r} must be a whole number from 0 to 50"
            raise InvalidArgument(msg)
    if min_rules > max_rules:
        msg = f"min_rules={min_rules} is greater than max_rules={max_rules}"
        raise InvalidArgument(msg)
    _options(kinds, words, units)
    _check_flag(precision, "precision")
    _check_flag(derived, "derived")
    return _catalogs(**_given({"min_rules": 1, "max_rules": 6}, min_rules=min_rules,
                              max_rules=max_rules, kinds=kinds, words=words, units=units,
                              precision=precision, derived=derived))


@_named("catalogs")
def _catalogs(draw: st.DrawFn, *, min_rules: int = 1, max_rules: int = 6,
              kinds: Iterable[Kind | str] | None = None, words: Iterable[str] | None = None,
              units: Iterable[str] | None = None, precision: bool | None = None,
              derived: bool | None = None) -> Catalog:
    kinds, words, units, change_units = _options(kinds, words, units)
    ids = draw(st.lists(_rule_ids, min_size=min_rules, max_size=max_rules, unique=True))
    mappings = [draw(_rule_mapping(rule_id=rule_id, index=i + 1, kinds=kinds, words=words,
                                   units=units, precision=precision, derived=derived,
                                   change_units=change_units))
                for i, rule_id in enumerate(ids)]
    start = draw(st.integers(2020, 2030))
    header: dict[str, Any] = {"id": draw(_rule_ids), "title": f"{draw(st.sampled_from(_SECTIONS))}号实施方案"}
    if draw(st.booleans()):
        header |= {"issuer": "某市人民政府", "region": "某市",
                   "period": {"start": start, "end": start + draw(st.integers(0, 5))}}
    if draw(st.booleans()):
        header["sections"] = {f"{s}({n})": f"第{s}部分第{n}节" for s in _SECTIONS[:2]
                              for n in _NUMBERS[:2]}
    if draw(st.booleans()):
        header["phases"] = [{"name": "部署阶段", "start": f"{start}-07", "end": f"{start}-08"}]
    if draw(st.booleans()):
        header["source"] = {"title": header["title"]}
    return _load(mappings, header)
