"""Stage 3, compile: a catalogue → a :class:`Plan`, prepared once and evaluated many times.

Every threshold is converted to the rule's unit exactly, once; formulas are parsed once. The
conversion factor to the rule's unit from every known unit of the same dimension (and, for a
unit written ``a/b``, from every known ``x/y`` of the same dimensions: 元/人, 亿元/万人, ...) is
computed here; a fact in any other unit has its factor computed the first time that unit is
seen for that rule and then reused, never recomputed per fact.

What evaluation needs on every fact set is prepared here too, so that judging a fact is a few
operations on whole numbers: the names a rule's fact may be given under, each threshold as a
comparison function with its numerator and denominator, and the indicator's possible values as
numerators and denominators. Each rule of the common kinds also gets its compiled evaluator
(:func:`build_judge`): a closure over those constants that judges a fact set with integer
comparisons and leaves its explanation steps to be built when they are read.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import Literal

import attrs

from ..base.errors import CatalogError, Diagnostic, Location
from ..base.numbers import round_gbt8170
from ..catalog.formula import Formula, parse_formula
from ..catalog.model import Catalog, Kind, Op, Quantity, Rule
from ..catalog.units import (
    KNOWN_UNITS,
    Dimension,
    UnitProblem,
    check_declared,
    conversion_factor,
    declare_units,
    is_percent_like,
    normalize_text,
    quotient_parts,
    same_dimension,
    unit_dimension,
    whole_scale,
)
from ..facts.model import Fact, FactForm, fraction_of
from .results import (
    Compared,
    Converted,
    FactUsed,
    Lazy,
    ReferenceUsed,
    Rounded,
    Severity,
    Status,
    Step,
    UnitAssumed,
    Verdict,
    judged_verdict,
)

__all__ = ["CompiledRule", "Judge", "Plan", "build_judge", "compile_catalog", "domain_terms",
           "judged_unit", "judges_whole_numbers"]


#: A fixed threshold ready to judge: the bound, its threshold, and ``op.compare`` with the
#: threshold's numerator and denominator (``value op threshold`` is ``compare(n * td, tn * d)``).
Comparison = tuple[Op, Fraction, Callable[[int, int], bool], int, int]

#: A rule's compiled evaluator: the facts of one fact set (keyed as given) → the verdict, or
#: ``None`` when the facts call for the general path (see :func:`build_judge`).
Judge = Callable[[Mapping[str, Fact]], "Verdict | None"]


@attrs.define(eq=False)
class CompiledRule:
    """A rule ready to evaluate: thresholds, domain and factors in the rule's unit."""

    rule: Rule
    unit: str | None
    bounds: tuple[tuple[Op, Fraction | None], ...]
    minimum: Fraction | None
    maximum: Fraction | None
    whole: bool
    percent_like: bool
    formula: Formula | None
    input_units: Mapping[str, str | None]
    ratio_units: tuple[str, str] | None
    formula_factor: Fraction = Fraction(1)
    #: The unit of the judged value and thresholds (a change's unit for change and growth).
    judged_unit: str | None = None
    #: For a change in percentage points: the factor from the indicator's unit to %.
    points_factor: Fraction = Fraction(1)
    #: How many of the smallest whole thing one unit of a whole count is (10,000 for 万台, 1
    #: for 件): a count in 万台 is whole when it is a whole number of 台.
    whole_scale: int = 1
    #: The units the rule's catalogue declares; a fact may use no unit another catalogue
    #: declared (``None``: not checked, for a rule compiled on its own).
    own_units: frozenset[str] | None = None
    numeric: bool = attrs.field(init=False)
    needs_base: bool = attrs.field(init=False)
    needs_reference: bool = attrs.field(init=False)
    checks_domain: bool = attrs.field(init=False)
    thresholds: tuple[tuple[Op, Fraction], ...] = attrs.field(init=False)
    miss_severity: Severity = attrs.field(init=False)
    #: The names the indicator's own fact may be given under: the rule id, the Chinese name.
    keys: tuple[str, ...] = attrs.field(init=False)
    #: :attr:`thresholds` as :data:`Comparison` tuples.
    comparisons: tuple[Comparison, ...] = attrs.field(init=False)
    #: :attr:`minimum` and :attr:`maximum` as (numerator, denominator), or ``None``.
    low: tuple[int, int] | None = attrs.field(init=False)
    high: tuple[int, int] | None = attrs.field(init=False)
    #: Whether the indicator's fact is read as a ratio (a target written a:b, or a ratio rule).
    reads_ratio: bool = attrs.field(init=False)
    ratio_first: bool = attrs.field(init=False)
    #: The factor from a pure number to the rule's unit (100 for %), for percent-like units.
    fraction_factor: Fraction = attrs.field(init=False, default=Fraction(1))
    #: The step recorded when a bare number is read in the rule's unit, by fact id (the rule's
    #: own names and its reference): the same for every fact set, so made once.
    assumed: dict[str, UnitAssumed] = attrs.field(init=False, factory=dict)
    _factors: dict[tuple[str, str | None], Fraction | UnitProblem] = attrs.field(factory=dict)
    #: The rule's compiled evaluator (:func:`build_judge`), or ``None``: every fact set takes
    #: the general path.
    judge: Judge | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        rule = self.rule
        kind = rule.kind
        self.numeric = kind.numeric
        self.needs_reference = kind.needs_reference
        self.needs_base = kind.needs_base
        self.checks_domain = (self.minimum is not None or self.maximum is not None
                              or self.whole)
        self.thresholds = tuple((op, t) for op, t in self.bounds if t is not None)
        self.miss_severity = Severity.for_miss(rule.commitment)
        self.keys = tuple(key for key in (rule.id, rule.indicator.zh) if key)
        self.comparisons = tuple((op, t, op.compare, *t.as_integer_ratio())
                                 for op, t in self.thresholds)
        self.low = self.minimum.as_integer_ratio() if self.minimum is not None else None
        self.high = self.maximum.as_integer_ratio() if self.maximum is not None else None
        self.reads_ratio = rule.ratio is not None
        #: A ratio written ``x:1`` judges a fact ``a:b`` as ``a / b``; one written ``1:x``, as
        #: ``b / a`` (the form a ratio fact is stored in).
        self.ratio_first = rule.ratio is not None and rule.ratio.order == "x:1"
        if self.percent_like:
            self.fraction_factor = self.factor("1")
        if self.unit is not None:
            names = (*self.keys, rule.reference.id if rule.reference is not None else "")
            self.assumed = {name: UnitAssumed(name, self.unit, self.percent_like)
                            for name in names if name}

    def factor(self, from_unit: str, to_unit: str | None = None) -> Fraction:
        """The exact factor from ``from_unit`` to ``to_unit`` (default: the rule's unit).

        Raises:
            UnitProblem: unknown or incompatible unit.
        """
        key = (from_unit, to_unit)
        cached = self._factors.get(key)
        if cached is None:
            try:
                if self.own_units is not None:
                    check_declared(from_unit, self.own_units)
                cached = conversion_factor(from_unit, to_unit or self.unit or "1")
            except UnitProblem as problem:
                cached = problem
            self._factors[key] = cached
        if isinstance(cached, UnitProblem):
            raise cached
        return cached


def in_unit(quantity: Quantity | None, unit: str | None) -> Fraction | None:
    if quantity is None:
        return None
    if quantity.unit is None or unit is None:
        return quantity.magnitude
    return quantity.magnitude * conversion_factor(quantity.unit, unit)


def _is_whole(rule: Rule) -> bool:
    return _counts_whole(rule.kind, rule.indicator.unit, rule.derivation is not None)


@functools.lru_cache(maxsize=1024)
def _counts_whole(kind: Kind, unit: str | None, derived: bool) -> bool:
    """Whether a rule of ``kind`` whose indicator is in ``unit`` counts whole things (kept by
    what it depends on: a report asks it of every value it shows)."""
    if kind in (Kind.COUNT, Kind.RANK):
        return True
    if unit is None or derived:
        return False
    return same_dimension(unit, "件") or same_dimension(unit, "位")


#: The unit a change is judged in, by measure (``None``: the indicator's own unit).
_CHANGE_UNITS = {"relative": "%", "compound": "%", "points": "百分点", "multiple": "倍"}


def judged_unit(rule: Rule) -> str | None:
    """The unit of the value a rule judges and of its thresholds: the indicator's unit, or for
    a change or growth the unit of the change (``%``, ``百分点``, ``倍``)."""
    if rule.change is not None:
        return _CHANGE_UNITS.get(rule.change.measure, rule.indicator.unit)
    return rule.indicator.unit


def judges_whole_numbers(rule: Rule) -> bool:
    """Whether the values a rule judges are whole numbers (a count of firms, a rank): those of
    a count or rank indicator, unless a change or growth judges them as a rate."""
    return _judges_whole(rule.kind, rule.indicator.unit, rule.derivation is not None,
                         rule.change.measure if rule.change is not None else None)


def _judges_whole(kind: Kind, unit: str | None, derived: bool, measure: str | None) -> bool:
    """:func:`judges_whole_numbers` of a rule of ``kind`` whose indicator is in ``unit``."""
    judged = _CHANGE_UNITS.get(measure, unit) if measure is not None else unit
    return _counts_whole(kind, unit, derived) and judged == unit


def compile_rule(rule: Rule, own_units: frozenset[str] | None = None) -> CompiledRule:
    """Prepare one validated rule; ``own_units`` are the units its catalogue declares."""
    unit = rule.indicator.unit
    judged = judged_unit(rule)
    in_judged = None if judged == "倍" else judged
    bounds = tuple((bound.op, in_unit(bound.threshold, in_judged)) for bound in rule.bounds)
    minimum = in_unit(rule.indicator.min, unit)
    whole = _is_whole(rule)
    if whole and minimum is None:
        minimum = Fraction(1) if rule.kind is Kind.RANK else Fraction(0)
    formula = parse_formula(rule.derivation.formula) if rule.derivation else None
    input_units = {i.name: i.unit for i in rule.derivation.inputs} if rule.derivation else {}
    ratio_units = None
    if rule.ratio is not None and rule.ratio.antecedent and rule.ratio.consequent:
        # The judged number's unit first (学生/教师 for 师生比 1:12.5), then its inverse.
        numerator, denominator = rule.ratio.measured
        ratio_units = (normalize_text(f"{numerator}/{denominator}"),
                       normalize_text(f"{denominator}/{numerator}"))
    formula_factor = Fraction(1)
    if formula is not None:
        formula_factor = formula.result_factor(input_units, unit or "1")
    compiled = CompiledRule(rule, unit, bounds, minimum, in_unit(rule.indicator.max, unit),
                            whole, is_percent_like(unit), formula, input_units, ratio_units,
                            formula_factor, judged_unit=judged,
                            whole_scale=whole_scale(unit) if whole else 1, own_units=own_units)
    if rule.change is not None and rule.change.measure == "points":
        compiled.points_factor = compiled.factor(unit or "1", "%")
    if unit is not None:
        # The factors of the rule's own units and of every known unit a fact may be given in,
        # so that facts in them never compute one.
        stated = () if rule.change is not None else rule.bounds  # a change's are in its own unit
        own = {unit, *(b.threshold.unit for b in stated if b.threshold and b.threshold.unit)}
        for from_unit in sorted(own):
            compiled.factor(from_unit)
        for from_unit, factor in _known_factors(unit):
            compiled._factors.setdefault((from_unit, None), factor)
    compiled.judge = build_judge(compiled)
    return compiled


def _known_units(dimension: Dimension) -> tuple[str, ...]:
    return _known_by_dimension().get(dimension, ())


@functools.cache
def _known_by_dimension() -> dict[Dimension, tuple[str, ...]]:
    """The known units of each dimension, in :data:`KNOWN_UNITS` order (from the shipped unit
    table: no registry is built)."""
    known: dict[Dimension, tuple[str, ...]] = {}
    for unit in KNOWN_UNITS:
        dimension = unit_dimension(unit)
        known[dimension] = (*known.get(dimension, ()), unit)
    return known


@functools.lru_cache(maxsize=1024)
def _known_factors(unit: str) -> tuple[tuple[str, Fraction], ...]:
    """The factor to ``unit`` from every known unit of its dimension and, for ``a/b``, from
    every known ``x/y`` like it.

    A factor of ``x/y`` is the factor of ``x`` to ``a`` over that of ``y`` to ``b`` (units here
    are multiplicative), so a rule in 件/万人 costs one conversion per known unit of each
    dimension rather than one per pair. That holds only when ``unit`` is ``a`` over ``b`` as
    pint reads it (``a/b*c`` is ``(a/b)*c``); otherwise each pair is converted by itself. For
    the units of the shipped table (every known unit, and the bundled plan's), all of this is
    computed from the table, without the registry.
    """
    try:
        factors = [(known, conversion_factor(known, unit))
                   for known in _known_units(unit_dimension(unit))]
        numerator, slash, denominator = normalize_text(unit).partition("/")
        if slash and "/" not in denominator:
            tops = _known_units(unit_dimension(numerator))
            bottoms = _known_units(unit_dimension(denominator))
            if quotient_parts(unit) is not None:
                ups = [(x, conversion_factor(x, numerator)) for x in tops]
                downs = [(y, conversion_factor(y, denominator)) for y in bottoms]
                factors.extend((f"{x}/{y}", up / down) for x, up in ups for y, down in downs)
            else:
                for x in tops:
                    for y in bottoms:
                        with contextlib.suppress(UnitProblem):
                            factors.append((f"{x}/{y}", conversion_factor(f"{x}/{y}", unit)))
    except UnitProblem:
        return ()
    return tuple(factors)


@attrs.frozen
class Plan:
    """A compiled catalogue: one :class:`CompiledRule` per rule, and a fact-name index.

    ``keys`` maps every name a fact may be given under (a rule id, an indicator's Chinese
    name, a reference id, a derived input's id or Chinese name) to what it feeds.
    """

    catalog: Catalog
    rules: tuple[CompiledRule, ...]
    keys: Mapping[str, tuple[str, ...]]
    #: :meth:`nearest_key` of each name asked so far.
    _nearest: dict[str, str | None] = attrs.field(factory=dict, init=False, eq=False, repr=False)
    _bases: dict[str, tuple[tuple[str, ...], int]] | None = attrs.field(
        default=None, init=False, eq=False, repr=False)
    _judging: tuple[tuple[Judge | None, CompiledRule], ...] | None = attrs.field(
        default=None, init=False, eq=False, repr=False)

    def __iter__(self) -> Iterator[CompiledRule]:
        return iter(self.rules)

    def nearest_key(self, name: str) -> str | None:
        """The fact name of :attr:`keys` closest to ``name`` (did-you-mean), or ``None``.

        The search runs once per name and plan: a fact set after fact set carrying the same
        unmatched name costs a dictionary look-up, not a search over every name.
        """
        try:
            return self._nearest[name]
        except KeyError:
            pass
        close = difflib.get_close_matches(name, list(self.keys), n=1, cutoff=0.6)
        nearest = close[0] if close else None
        self._nearest[name] = nearest
        return nearest

    def unmatched(self, key: str, what: str = "fact",
                  location: Location | None = None) -> Diagnostic:
        """``QC202``: ``key`` names nothing a rule of this plan reads (``what``: a fact, a
        column, an indicator), with the nearest name it may have meant."""
        close = self.nearest_key(key)
        return Diagnostic(
            "QC202", f"{what} matches no rule", location, fact_id=key,
            field="id" if what == "fact" else what,
            expected="a rule id, an indicator's Chinese name, or a reference/input id",
            got=key, hint=f"did you mean {close!r}?" if close is not None else None)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def judging(self) -> tuple[tuple[Judge | None, CompiledRule], ...]:
        """Each rule's compiled evaluator (``None`` where it has none) with the rule, in
        catalogue order: what an evaluation runs through, gathered on the first reading."""
        judging = self._judging
        if judging is None:
            judging = tuple((compiled.judge, compiled) for compiled in self.rules)
            object.__setattr__(self, "_judging", judging)
        return judging

    @property
    def bases(self) -> dict[str, tuple[tuple[str, ...], int]]:
        """What the changes and growths with a base year need of earlier periods:
        ``<rule-id>.baseline`` → (the names of the indicator's fact, the base year).

        Worked out on the first reading (every evaluation asks) and kept; each reading gets
        its own copy."""
        bases = self._bases
        if bases is None:
            bases = {rule.baseline_id: ((rule.id, rule.indicator.zh), rule.change.base)
                     for rule in self.catalog.rules
                     if rule.change is not None and rule.change.base is not None}
            object.__setattr__(self, "_bases", bases)
        return dict(bases)


def compile_catalog(catalog: Catalog) -> Plan:
    """Compile a validated catalogue once; evaluate the plan against many fact sets.

    Raises:
        CatalogError: a unit the catalogue declares conflicts with one already in the registry
            (only for a catalogue built in Python: a loaded one was checked when it was loaded).
    """
    own = _declare(catalog)
    compiled = tuple(compile_rule(rule, own) for rule in catalog.rules)
    keys: dict[str, list[str]] = {}
    for rule in catalog.rules:
        names = [rule.id, rule.indicator.zh, *rule.fact_ids[1:]]
        if rule.derivation is not None:
            names.extend(i.zh for i in rule.derivation.inputs if i.zh)
        for name in names:
            if name and rule.id not in keys.setdefault(name, []):
                keys[name].append(rule.id)
    return Plan(catalog, compiled, {k: tuple(v) for k, v in keys.items()})


def _declare(catalog: Catalog) -> frozenset[str]:
    """The catalogue's declared units, put in the registry if they are not there yet (a
    catalogue built in Python, or read back in another process); a loaded catalogue's already
    are, with the same meaning, and declaring them again changes nothing."""
    own, problems = declare_units((unit.name, unit.definition) for unit in catalog.units)
    if problems:
        raise CatalogError([Diagnostic(problem.code, problem.message, Location(catalog.path),
                                       field=f"units.{name}", expected=problem.expected,
                                       got=problem.got, hint=problem.hint or None)
                            for name, problem in problems.items()])
    return own


# The compiled evaluator. Each rule of the common kinds gets a closure over its constants (the
# names of its fact, its thresholds and domain as whole numerators and denominators, its unit
# factors) that judges a fact set with a few integer operations and records only the values
# it used; the steps are built from them when first read (Lazy). Whatever the closure
# does not decide — it returns None — goes to the general path (evaluate.evaluate_rule), which
# records its steps as it goes; both give the same verdict, field by field.

_MISSING = FactForm.MISSING
_QUANTITY = FactForm.QUANTITY
_NUMBER = FactForm.NUMBER
_BOOLEAN = FactForm.BOOLEAN


def build_judge(compiled: CompiledRule) -> Judge | None:
    """The compiled evaluator of one rule, or ``None`` when its kind keeps the general path.

    The fast path takes the common kinds: a floor, ceiling, range, equality or count on one
    fact (a quantity in any unit with a known factor, or a bare number in the rule's unit, a
    fraction for percent-like units), with the indicator's domain and a declared precision;
    and a yes-or-no assessment given as true or false. It returns ``None`` — the general path
    decides — for a fact in a unit whose factor is not known yet, in any other form (text, a
    ratio a:b, not a number, unreadable), given under both of its names, or missing when the
    indicator can be derived. A value outside the indicator's domain is judged invalid here,
    with the problem every path reports.

    A relative or assigned target (a reference fact) takes it too, the reference read the
    same way. Kept on the general path altogether: changes and growths (a base value), ratios
    (a:b and inverse units), and a derived indicator's formula. Compound targets (groups) are
    judged on the report, from the verdicts.
    """
    if compiled.needs_base:
        return None
    if not compiled.numeric:
        return _boolean_judge(compiled)
    if compiled.reads_ratio:
        return None
    return _numeric_judge(compiled)


def _lookup(keys: tuple[str, ...]) -> Callable[[Mapping[str, Fact]], Fact | Literal[False] | None]:
    """The indicator's fact under one of ``keys``: the fact, ``None`` when none is given, or
    ``False`` when more than one is (the general path decides whether they conflict)."""
    if len(keys) == 1:
        only = keys[0]

        def one(given: Mapping[str, Fact]) -> Fact | Literal[False] | None:
            fact = given.get(only)
            return None if fact is None or fact.form is _MISSING else fact

        return one
    first_key, second_key = keys

    def two(given: Mapping[str, Fact]) -> Fact | Literal[False] | None:
        first = given.get(first_key)
        if first is not None and first.form is _MISSING:
            first = None
        second = given.get(second_key)
        if second is not None and second.form is not _MISSING:
            return False if first is not None else second
        return first

    return two


def _boolean_judge(compiled: CompiledRule) -> Judge:
    rule = compiled.rule
    rule_id = rule.id
    lookup = _lookup(compiled.keys)
    unit = compiled.unit
    miss = compiled.miss_severity
    unknown = (rule_id,)
    reference = rule.reference

    def judge(given: Mapping[str, Fact]) -> Verdict | None:
        fact = lookup(given)
        if fact is None:
            if reference is not None:
                return None
            return Verdict(rule, rule_id, Status.UNKNOWN, unit=compiled.judged_unit,
                           missing=unknown)
        if fact is False or fact.form is not _BOOLEAN:
            return None
        holds = bool(fact.value)
        steps = Lazy(_boolean_steps, fact, holds)
        if holds:
            return judged_verdict(rule, rule_id, _MET, _NONE, True, unit, (), steps)
        return judged_verdict(rule, rule_id, _NOT_MET, miss, False, unit, (), steps)

    return judge


def _boolean_steps(fact: Fact, holds: bool) -> tuple[Step, ...]:
    return (FactUsed(fact.id, fact.raw, fact.source, fact.date, fact.period, "value"),
            Compared(holds, None, None, holds))


_MET, _NOT_MET, _NONE = Status.MET, Status.NOT_MET, Severity.NONE
#: The outcomes of a single comparison, made once (a verdict's steps are built from them).
_HELD, _MISSED = (True,), (False,)


def domain_terms(compiled: CompiledRule, which: str) -> tuple[str, str, str]:
    """The code, message and expected value of a value outside the indicator's domain
    (``which``: ``below``, ``above`` or ``whole``), as every path words it."""
    if which == "below":
        return ("QC302", "below the indicator's possible values",
                f">= {compiled.minimum} {compiled.unit or ''}".strip())
    if which == "above":
        return ("QC302", "above the indicator's possible values",
                f"<= {compiled.maximum} {compiled.unit or ''}".strip())
    if compiled.whole_scale == 1:
        return "QC303", "not a whole number", "a whole number"
    return ("QC303", "not a whole count",
            f"a multiple of 1/{compiled.whole_scale} {compiled.unit}")


def _numeric_judge(compiled: CompiledRule) -> Judge:
    rule = compiled.rule
    rule_id = rule.id
    lookup = _lookup(compiled.keys)
    unit = compiled.unit
    percent_like = compiled.percent_like
    fn, fd = compiled.fraction_factor.as_integer_ratio()
    low, high = compiled.low, compiled.high
    ln, ld = low if low is not None else (0, 0)
    hn, hd = high if high is not None else (0, 0)
    whole = compiled.whole
    scale = compiled.whole_scale
    precision = rule.precision
    comparisons = compiled.comparisons
    thresholds = compiled.thresholds
    single = len(comparisons) == 1
    _, _, compare, tn, td = comparisons[0] if comparisons else (None, None, None, 0, 0)
    miss = compiled.miss_severity
    derivable = compiled.formula is not None
    reference = rule.reference
    reference_id = reference.id if reference is not None else ""
    referenced = compiled.needs_reference
    ops = tuple((op, op.compare) for op, _ in compiled.bounds)
    unknown = (rule_id,) if reference is None else (rule_id, reference_id)
    judged_unit_ = compiled.judged_unit
    factor = compiled.factor
    steps_of = _step_builder(compiled)
    #: The domain problem of each kind, worded once: (code, message, expected).
    outside = {which: domain_terms(compiled, which) for which in ("below", "above", "whole")}

    def read(fact: Fact) -> Fraction | None:
        """The fact's value in the rule's unit, or ``None`` for the general path."""
        form = fact.form
        value: Fraction = fact.value  # type: ignore[assignment]
        if form is _QUANTITY:
            if fact.unit != unit:
                try:
                    by = factor(fact.unit)  # type: ignore[arg-type]
                except UnitProblem:
                    return None
                n, d = value.as_integer_ratio()
                bn, bd = by.as_integer_ratio()
                return fraction_of(n * bn, d * bd)
            return value
        if form is _NUMBER:
            if percent_like:
                n, d = value.as_integer_ratio()
                return fraction_of(n * fn, d * fd)
            return value
        return None

    def problem(value: Fraction) -> str | None:
        """Which side of the domain ``value`` is outside (``None``: inside)."""
        n, d = value.as_integer_ratio()
        if low is not None and n * ld < ln * d:
            return "below"
        if high is not None and n * hd > hn * d:
            return "above"
        if whole and scale % d:
            return "whole"
        return None

    def invalid(fact: Fact, which: str, steps: Lazy) -> Verdict:
        code, message, expected = outside[which]
        return Verdict(rule, rule_id, Status.INVALID, unit=unit, steps=steps,
                       problem=Diagnostic(code, message, fact.location, rule_id, fact.id,
                                          "value", expected, fact.raw))

    def judge(given: Mapping[str, Fact]) -> Verdict | None:
        fact = lookup(given)
        if fact is None:
            if derivable:
                return None
            if reference is not None:
                base = given.get(reference_id)
                if base is not None and base.form is not _MISSING:
                    return Verdict(rule, rule_id, Status.UNKNOWN, unit=judged_unit_,
                                   missing=unknown[:1])
            return Verdict(rule, rule_id, Status.UNKNOWN, unit=judged_unit_, missing=unknown)
        if fact is False:
            return None   # given under both names: the general path compares them
        value = read(fact)
        if value is None:
            return None
        which = problem(value)
        if which is not None:
            return invalid(fact, which, Lazy(steps_of, fact, value))
        if referenced:
            base = given.get(reference_id)
            if base is None or base.form is _MISSING:
                return Verdict(rule, rule_id, Status.UNKNOWN, unit=judged_unit_,
                               steps=Lazy(steps_of, fact, value),
                               missing=unknown[1:])
            target = read(base)
            if target is None:
                return None
            which = problem(target)
            if which is not None:
                return invalid(base, which,
                               Lazy(steps_of, fact, value, None, (), base, target))
            judged = tuple([(op, target) for op, _ in ops])
            rn, rd = target.as_integer_ratio()
            judging = tuple([(op, target, compare_, rn, rd) for op, compare_ in ops])
        else:
            base = target = None
            judged = thresholds
            judging = comparisons
        rounded = value if precision is None else round_gbt8170(value, precision)
        n, d = rounded.as_integer_ratio()
        if single and not referenced:
            holds_all = compare(n * td, tn * d)  # type: ignore[misc]
            steps = Lazy(steps_of, fact, value, rounded, _HELD if holds_all else _MISSED)
        else:
            holds = tuple([compare_(n * td_, tn_ * d) for _, _, compare_, tn_, td_ in judging])
            holds_all = all(holds)
            steps = Lazy(steps_of, fact, value, rounded, holds, base, target)
        if holds_all:
            return judged_verdict(rule, rule_id, _MET, _NONE, rounded, unit, judged, steps)
        return judged_verdict(rule, rule_id, _NOT_MET, miss, rounded, unit, judged, steps)

    return judge


def _step_builder(compiled: CompiledRule) -> Callable[..., tuple[Step, ...]]:
    """The function that builds, from the values a verdict of the fast path was judged with,
    the steps the general path records (``evaluate._read`` and ``evaluate_rule``), for one
    rule: its constants bound once. (A verdict is pickled with its steps built, so the
    function need not pickle.)"""
    rule = compiled.rule
    unit = compiled.unit
    to_unit = unit or "1"
    percent_like = compiled.percent_like
    fraction_factor = compiled.fraction_factor
    assumed = compiled.assumed
    factor = compiled.factor
    precision = rule.precision
    thresholds = compiled.thresholds
    single = thresholds[0] if len(thresholds) == 1 else None
    reference = rule.reference
    role = "assigned" if rule.kind is Kind.ASSIGNED else "reference"
    ops = tuple(op for op, _ in compiled.bounds)

    def read(steps: list[Step], fact: Fact, value: Fraction, role: str) -> None:
        fact_id = fact.id
        steps.append(FactUsed(fact_id, fact.raw, fact.source, fact.date, fact.period, role))
        if fact.form is _QUANTITY:
            if fact.unit != unit:
                steps.append(Converted(fact_id, fact.value, fact.unit,  # type: ignore[arg-type]
                                       factor(fact.unit), value, to_unit))  # type: ignore[arg-type]
        elif unit is not None:
            made = assumed.get(fact_id)
            steps.append(made if made is not None
                         else UnitAssumed(fact_id, unit, percent_like))
            if percent_like:
                steps.append(Converted(fact_id, fact.value, "1",  # type: ignore[arg-type]
                                       fraction_factor, value, unit))

    def build(fact: Fact, read_value: Fraction, value: Fraction | None = None,
              holds: tuple[bool, ...] = (), base: Fact | None = None,
              target: Fraction | None = None) -> tuple[Step, ...]:
        """The steps of a fact read as ``read_value`` in the rule's unit, and of its reference
        ``base`` read as ``target``, judged as ``value`` (after any rounding) with the outcomes
        ``holds``; ``value`` is ``None`` when the verdict went no further."""
        steps: list[Step] = []
        read(steps, fact, read_value, "value")
        judged = thresholds
        if base is not None and target is not None and reference is not None:
            read(steps, base, target, role)
            if value is None:   # the reference is outside the domain
                return tuple(steps)
            steps.append(ReferenceUsed(reference.id, target, unit, reference.zh))
            judged = tuple([(op, target) for op in ops])
        elif value is None:
            return tuple(steps)
        assert value is not None
        if precision is not None:
            steps.append(Rounded(precision, read_value, value))
        if single is not None and judged is thresholds:
            steps.append(Compared(value, single[0], single[1], holds[0]))
        else:
            for (op, threshold), outcome in zip(judged, holds, strict=True):
                steps.append(Compared(value, op, threshold, outcome))
        return tuple(steps)

    return build
