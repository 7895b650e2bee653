"""Stage 4, evaluate: a compiled plan and a fact set → a :class:`Report`. No I/O, no wording.

Every number is a :class:`~fractions.Fraction`, so a value equal to the threshold in any
compatible unit is equal, and binary float noise cannot flip a verdict. The judgement is
full-value comparison unless the rule declares a precision (GB/T 8170 §4.3).

:func:`evaluate_rule` is the general path: it records each step as it goes. :func:`evaluate_plan`
first asks each rule's compiled evaluator (:func:`qcrules.engine.compile.build_judge`), which
decides the common cases with the same result, and falls back to :func:`evaluate_rule`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from ..base.errors import Diagnostic
from ..base.numbers import round_gbt8170
from ..catalog.model import Kind, Op, Rule
from ..catalog.units import UnitProblem, normalize_text
from ..facts.model import Fact, FactForm, FactSet
from ..facts.periods import PeriodProblem, months_between, parse_period
from ..facts.read import FALSE_WORDS, TRUE_WORDS, as_fact_set
from .compile import CompiledRule, Plan, domain_terms
from .results import (
    ChangeMeasured,
    Compared,
    Converted,
    Derived,
    FactUsed,
    Lazy,
    RatioRead,
    ReferenceUsed,
    Report,
    Rounded,
    Severity,
    Status,
    Step,
    UnitAssumed,
    Verdict,
)

__all__ = ["POSITIVE_BASE", "FactReader", "Missing", "Unusable", "domain_problem", "evaluate_plan",
           "evaluate_rule", "finish_verdict", "growth_years", "indicator_fact", "input_facts",
           "lookup_fact",
           "measure_change",
           "nonpositive_problem", "read_boolean", "unmatched_facts"]


class Unusable(Exception):
    """A fact that is present but cannot be used for this rule."""

    def __init__(self, code: str, message: str, fact: Fact | None, *, expected: str = "",
                 field: str = "value") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fact = fact
        self.expected = expected
        self.field = field

    @property
    def diagnostic(self) -> Diagnostic:
        """The problem, not yet attributed to a rule."""
        return self.for_rule(None)

    def for_rule(self, rule_id: str | None) -> Diagnostic:
        """The problem, as the verdict of rule ``rule_id`` reports it."""
        fact = self.fact
        return Diagnostic(self.code, self.message, fact.location if fact else None, rule_id,
                          fact.id if fact else None, self.field, self.expected or None,
                          fact.raw if fact else None)


class Missing(Exception):
    def __init__(self, ids: tuple[str, ...]) -> None:
        super().__init__(", ".join(ids))
        self.ids = ids


def lookup_fact(facts: FactSet, *keys: str) -> Fact | None:
    return _first(facts.facts, keys)


def _first(facts: Mapping[str, Fact], keys: Iterable[str]) -> Fact | None:
    """The first fact given (and not null) under one of ``keys``."""
    for key in keys:
        if key:
            fact = facts.get(key)
            if fact is not None and fact.form is not _MISSING:
                return fact
    return None


_MISSING = FactForm.MISSING
_QUANTITY = FactForm.QUANTITY
_NUMBER = FactForm.NUMBER


def indicator_fact(compiled: CompiledRule, facts: FactSet) -> Fact | None:
    """The indicator's own fact, given by the rule's id or its Chinese name.

    Raises:
        Unusable: (QC204) both names given with different values — which one counts is not
            for qcrules to guess; the same value written two ways (8.2万元/人 and 82000元/人)
            is no conflict.
    """
    given = facts.facts
    found = None
    for key in compiled.keys:
        fact = given.get(key)
        if fact is None or fact.form is _MISSING:
            continue
        if found is None:
            found = fact
        elif _differ(compiled, found, fact):
            raise Unusable("QC204", f"given twice, as {found.id} and as {fact.id}, with "
                           "different values", fact,
                           expected=f"one value, or the same: {found.id} = {found.raw}")
    return found


def _differ(compiled: CompiledRule, first: Fact, second: Fact) -> bool:
    """Whether two facts for one indicator say different things (read exactly, in its unit)."""
    if (first.form, first.value, first.unit) == (second.form, second.value, second.unit):
        return False
    if not compiled.numeric:
        return True
    try:
        return _read(compiled, [], first, None, "value") != _read(compiled, [], second, None,
                                                                   "value")
    except Unusable:
        return True


def _provenance(fact: Fact, role: str) -> FactUsed:
    return FactUsed(fact.id, fact.raw, fact.source, fact.date, fact.period, role)


class FactReader:
    """Reads facts into exact numbers in a rule's unit, recording steps."""

    def __init__(self, compiled: CompiledRule, steps: list[Step]) -> None:
        self.compiled = compiled
        self.steps = steps

    def number(self, fact: Fact, unit: str | None, role: str) -> Fraction:
        """The fact's value in ``unit`` (``None``: the rule's unit)."""
        return _read(self.compiled, self.steps, fact, unit, role)


def _read(compiled: CompiledRule, steps: list[Step], fact: Fact, unit: str | None,
          role: str) -> Fraction:
    """The fact's value in ``unit`` (``None``: the rule's unit), recording the steps."""
    steps.append(FactUsed(fact.id, fact.raw, fact.source, fact.date, fact.period, role))
    form = fact.form
    value: Fraction = fact.value  # type: ignore[assignment]  # a Fraction in these two forms
    if form is _QUANTITY:
        fact_unit: str = fact.unit  # type: ignore[assignment]  # a quantity has a unit
        if compiled.reads_ratio and role == "value":
            return _ratio_quantity(compiled, steps, fact, value)
        if unit is None:
            if fact_unit == compiled.unit:
                return value
        elif fact_unit == unit:
            return value
        factor = _factor(compiled, fact, unit)
        n, d = value.as_integer_ratio()
        fn, fd = factor.as_integer_ratio()
        result = Fraction(n * fn, d * fd)  # value * factor, with one reduction
        steps.append(Converted(fact.id, value, fact_unit, factor, result,
                               (compiled.unit if unit is None else unit) or "1"))
        return result
    if form is _NUMBER:
        if compiled.reads_ratio and role == "value":
            steps.append(RatioRead(fact.id, value))
            return value
        if unit is None:
            target_unit = compiled.unit
            if target_unit is None:
                return value
            assumed = compiled.assumed.get(fact.id)
            steps.append(assumed if assumed is not None
                         else UnitAssumed(fact.id, target_unit, compiled.percent_like))
            if compiled.percent_like:
                factor = compiled.fraction_factor
                n, d = value.as_integer_ratio()
                fn, fd = factor.as_integer_ratio()
                result = Fraction(n * fn, d * fd)  # value * factor, with one reduction
                steps.append(Converted(fact.id, value, "1", factor, result, target_unit))
                return result
            return value
        steps.append(UnitAssumed(fact.id, unit))
        return value
    target_unit = compiled.unit if unit is None else unit
    if form is FactForm.INVALID:
        problem = fact.problem
        raise Unusable(problem.code if problem else "QC201",
                        problem.message if problem else "the fact could not be read", fact,
                        expected=problem.expected or "" if problem else "")
    if form is FactForm.NOT_A_NUMBER:
        raise Unusable("QC301", "not a finite number", fact, expected="a finite number")
    if form is FactForm.RATIO:
        assert isinstance(value, Fraction)
        if not (compiled.reads_ratio and role == "value"):
            raise Unusable("QC300", "a ratio a:b is read only for ratio targets", fact,
                            expected=f"a quantity in {target_unit or 'a pure number'}")
        if compiled.ratio_first:
            # a:b is stored as b / a (never 0: a zero term is refused when read); the rule,
            # written x:1, judges a / b.
            value = 1 / value
        steps.append(RatioRead(fact.id, value))
        return value
    # BOOLEAN, TEXT (MISSING is never looked up).
    raise Unusable("QC300", "not a quantity", fact,
                    expected=f"a quantity in {target_unit or 'a pure number'}")


def _factor(compiled: CompiledRule, fact: Fact, unit: str | None) -> Fraction:
    """The factor from the fact's unit to ``unit`` (``None``: the rule's), or why there is none."""
    assert fact.unit is not None
    try:
        return compiled.factor(fact.unit, unit)
    except UnitProblem as problem:
        target_unit = compiled.unit if unit is None else unit
        if problem.code == "QC110":
            raise Unusable("QC110", problem.message, fact, field="unit",
                            expected=f"a known unit like {target_unit or '1'}"
                            + (f"; {problem.hint}" if problem.hint else "")) from problem
        raise Unusable("QC300", f"wrong dimension: {fact.unit} is not convertible to "
                        f"{target_unit or 'a pure number'}", fact,
                        expected=f"a unit like {target_unit or '1'}", field="unit") from problem


def _ratio_quantity(compiled: CompiledRule, steps: list[Step], fact: Fact,
                    value: Fraction) -> Fraction:
    units = compiled.ratio_units
    written = normalize_text(fact.unit or "")
    if units is not None and written == units[0]:
        steps.append(RatioRead(fact.id, value))
        return value
    if units is not None and written == units[1]:
        if value == 0:
            raise Unusable("QC302", "an inverse ratio of zero", fact,
                            expected="a positive number")
        result = 1 / value
        steps.append(RatioRead(fact.id, result, inverted=True))
        return result
    expected = f"a:b, a number, or a value in {units[0]} or {units[1]}" if units else "a:b"
    raise Unusable("QC300", "wrong form for a ratio", fact, expected=expected, field="unit")


def _check_domain(compiled: CompiledRule, value: Fraction, fact: Fact | None) -> None:
    n, d = value.as_integer_ratio()
    low = compiled.low
    if low is not None and n * low[1] < low[0] * d:
        raise domain_problem(compiled, "below", fact)
    high = compiled.high
    if high is not None and n * high[1] > high[0] * d:
        raise domain_problem(compiled, "above", fact)
    if compiled.whole and compiled.whole_scale % d:  # value * whole_scale is not whole
        raise domain_problem(compiled, "whole", fact)


def domain_problem(compiled: CompiledRule, which: str, fact: Fact | None) -> Unusable:
    """The problem of a value outside the indicator's domain (``below``, ``above`` or ``whole``)."""
    code, message, expected = domain_terms(compiled, which)
    return Unusable(code, message, fact, expected=expected)


def input_facts(compiled: CompiledRule, facts: FactSet) -> list[tuple[str, Fact]]:
    """A derived indicator's input facts, by name, each given by its id or its Chinese name.

    Raises:
        Missing: the rule's own id and every input that is not given.
    """
    derivation = compiled.rule.derivation
    assert derivation is not None
    found: list[tuple[str, Fact]] = []
    missing: list[str] = []
    for spec in derivation.inputs:
        input_id = derivation.input_fact_id(compiled.rule.id, spec.name)
        input_fact = lookup_fact(facts, input_id, spec.zh)
        if input_fact is None:
            missing.append(input_id)
        else:
            found.append((spec.name, input_fact))
    if missing:
        raise Missing((compiled.rule.id, *missing))
    return found


def _derived_value(compiled: CompiledRule, facts: FactSet, steps: list[Step]) -> Fraction:
    """The value of an indicator given by none of its names, from its formula's inputs."""
    rule = compiled.rule
    if compiled.formula is None or rule.derivation is None:
        raise Missing((rule.id,))
    values: dict[str, Fraction] = {}
    shown: list[tuple[str, Fraction, str | None]] = []
    found = input_facts(compiled, facts)
    for name, input_fact in found:
        unit = compiled.input_units.get(name)
        value = _read(compiled, steps, input_fact, unit or "1", name)
        if value < 0:
            raise Unusable("QC302", "a negative input to a derived indicator", input_fact,
                            expected="a value >= 0")
        values[name] = value
        shown.append((name, value, unit))
    try:
        raw_result = compiled.formula.evaluate(values)
    except ZeroDivisionError:
        raise Unusable("QC302", "division by zero in the formula", found[-1][1],
                        expected="a non-zero divisor") from None
    result = raw_result * compiled.formula_factor
    steps.append(Derived(compiled.formula.text, tuple(shown), result, compiled.unit))
    return result


def read_boolean(compiled: CompiledRule, facts: FactSet, steps: list[Step]) -> bool:
    rule = compiled.rule
    fact = indicator_fact(compiled, facts)
    if fact is None:
        raise Missing((rule.id,))
    steps.append(_provenance(fact, "value"))
    if fact.form is FactForm.BOOLEAN:
        return bool(fact.value)
    if fact.form is FactForm.NUMBER and fact.value in (0, 1):
        return fact.value == 1
    if fact.form is FactForm.TEXT and isinstance(fact.value, str):
        word = fact.value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise Unusable("QC300", "not a yes/no assessment", fact,
                    expected="true/false, 是/否, 达标/未达标, 完成/未完成")


def evaluate_rule(compiled: CompiledRule, facts: FactSet) -> Verdict:
    """The verdict for one compiled rule."""
    rule = compiled.rule
    steps: list[Step] = []
    try:
        if not compiled.numeric:
            holds = read_boolean(compiled, facts, steps)
            steps.append(Compared(holds, None, None, holds))
            return finish_verdict(compiled, steps, holds, holds, ())
        fact = indicator_fact(compiled, facts)
        if fact is not None:
            value = _read(compiled, steps, fact, None, "value")
        else:
            if compiled.formula is None:
                return _unknown(compiled, facts, steps, (rule.id,))
            fact = None
            value = _derived_value(compiled, facts, steps)
        if compiled.checks_domain:
            _check_domain(compiled, value, fact)
        if compiled.needs_base:
            return _judge_change(compiled, facts, steps, fact, value)
        if compiled.needs_reference:
            thresholds = _referenced_thresholds(compiled, facts, steps)
            comparisons = tuple((op, t, op.compare, *t.as_integer_ratio()) for op, t in thresholds)
        else:
            thresholds = compiled.thresholds
            comparisons = compiled.comparisons
        if rule.precision is not None:
            rounded = round_gbt8170(value, rule.precision)
            steps.append(Rounded(rule.precision, value, rounded))
            value = rounded
        holds_all = True
        n, d = value.as_integer_ratio()
        for op, threshold, compare, tn, td in comparisons:
            holds = compare(n * td, tn * d)
            steps.append(Compared(value, op, threshold, holds))
            holds_all = holds_all and holds
        return finish_verdict(compiled, steps, holds_all, value, thresholds)
    except Missing as missing:
        return _unknown(compiled, facts, steps, missing.ids)
    except Unusable as unusable:
        return Verdict(rule, rule.id, Status.INVALID, unit=compiled.unit, steps=tuple(steps),
                       problem=unusable.for_rule(rule.id))


def _unknown(compiled: CompiledRule, facts: FactSet, steps: list[Step],
             ids: tuple[str, ...]) -> Verdict:
    """Unknown: the facts ``ids`` are missing (and the reference or base value, when it is
    missing too)."""
    rule = compiled.rule
    reference = rule.reference
    if reference is not None and reference.id not in ids and lookup_fact(facts, reference.id) is None:
        ids = (*ids, reference.id)
    if (compiled.needs_base and rule.baseline_id not in ids
            and lookup_fact(facts, rule.baseline_id) is None):
        ids = (*ids, rule.baseline_id)
    return Verdict(rule, rule.id, Status.UNKNOWN, unit=compiled.judged_unit, steps=tuple(steps),
                   missing=ids)


def _judge_change(compiled: CompiledRule, facts: FactSet, steps: list[Step], fact: Fact | None,
                  current: Fraction) -> Verdict:
    """A change or growth against the base value ``<rule-id>.baseline``, measured exactly and
    compared with every bound; a compound growth is compared as (now/base)^b against
    (1 ± r)^a for a span of a/b years, never through a floating root."""
    rule = compiled.rule
    change = rule.change
    assert change is not None
    base_fact = lookup_fact(facts, rule.baseline_id)
    if base_fact is None:
        raise Missing((rule.baseline_id,))
    base = _read(compiled, steps, base_fact, None, "baseline")
    if compiled.checks_domain:
        _check_domain(compiled, base, base_fact)
    measure, sign = change.measure, change.direction
    years = base_period = None
    if rule.kind is Kind.GROWTH:
        years, base_period = growth_years(rule, facts, fact, base_fact)
    if measure in POSITIVE_BASE and base <= 0:
        raise nonpositive_problem(measure, "base", base, base_fact)
    if measure == "compound" and current <= 0:
        raise nonpositive_problem(measure, "value", current, fact)
    value, approximate = measure_change(compiled, current, base, years)
    steps.append(ChangeMeasured(measure, sign, base, current, compiled.unit, value,
                                compiled.judged_unit, years, base_period, approximate))
    if rule.precision is not None and measure != "compound":
        rounded = round_gbt8170(value, rule.precision)
        steps.append(Rounded(rule.precision, value, rounded))
        value = rounded
    holds_all = True
    for op, threshold in compiled.thresholds:
        if measure == "compound":
            holds = _compound_holds(current / base, years, sign, op, threshold)  # type: ignore[arg-type]
        else:
            holds = op.holds(value, threshold)
        steps.append(Compared(value, op, threshold, holds))
        holds_all = holds_all and holds
    severity = Severity.NONE if holds_all else compiled.miss_severity
    return Verdict(rule, rule.id, Status.MET if holds_all else Status.NOT_MET, severity, value,
                   compiled.judged_unit, compiled.thresholds, tuple(steps))


#: The measures of a change that divide by the base value, which must then be above zero.
POSITIVE_BASE = ("relative", "multiple", "compound")


def nonpositive_problem(measure: str, which: str, value: Fraction, fact: Fact | None) -> Unusable:
    """The problem of a base value (``which="base"``) of zero or less for a measure in
    :data:`POSITIVE_BASE`, or of a value (``"value"``) of zero or less for a compound growth."""
    if which == "base":
        return Unusable("QC302", f"a base value of {value} has no {measure} change", fact,
                        expected="a base value > 0")
    return Unusable("QC302", "a value of zero or less has no annual growth rate", fact,
                    expected="a value > 0")


def measure_change(compiled: CompiledRule, current: Fraction, base: Fraction,
                   years: Fraction | None) -> tuple[Fraction, bool]:
    """The change from ``base`` to ``current`` as the rule measures it, signed so that the plan's
    direction is positive, in the rule's judged unit (per year for a growth in points or an
    amount), and whether it is approximate (a compound rate with no rational value, see
    :func:`_annual_rate`). ``years`` is the span of a growth (``None`` for a change); ``base``
    is above zero for a measure in :data:`POSITIVE_BASE`, and ``current`` for a compound one."""
    change = compiled.rule.change
    assert change is not None
    measure, sign = change.measure, change.direction
    approximate = False
    if measure == "relative":
        value = sign * (current - base) / base * 100
    elif measure == "multiple":
        value = current / base
    elif measure == "points":
        value = sign * (current - base) * compiled.points_factor
    elif measure == "absolute":
        value = sign * (current - base)
    else:
        assert years is not None
        value, approximate = _annual_rate(current / base, years, sign, compiled.thresholds)
    if years is not None and measure in ("points", "absolute"):
        value /= years  # a growth in points or an amount is per year (年均提高1个百分点)
    return value, approximate


def growth_years(rule: Rule, facts: FactSet, fact: Fact | None,
                 base_fact: Fact) -> tuple[Fraction, str]:
    """The years from the base period to the period evaluated (whole months / 12), and the base
    period as written; ``fact`` is the indicator's own fact (``None`` for a derived value).

    Raises:
        Unusable: no period to count from (QC212), an unreadable one (QC207), or a base
            period that does not come first (QC209).
    """
    assert rule.change is not None
    now_text = (fact.period if fact is not None else None) or facts.period
    base_text = str(rule.change.base) if rule.change.base is not None else base_fact.period
    if now_text is None or base_text is None:
        raise Unusable("QC212", "no period to count the years of growth from",
                       base_fact if base_text is None else fact,
                       expected="a period for the facts (period: 2026) and a base year "
                                "(比2020年, base: 2020, or the base fact's period)", field="period")
    try:
        now, then = parse_period(now_text), parse_period(base_text)
    except PeriodProblem as problem:
        raise Unusable("QC207", str(problem), fact, field="period",
                       expected="a period such as 2026") from None
    months = months_between(then.end, now.end)
    if months <= 0:
        raise Unusable("QC209", f"the base period {then.text} does not come before the period "
                       f"evaluated", base_fact, field="period", expected=f"a base before {now.text}")
    return Fraction(months, 12), then.text


def _compound_holds(ratio: Fraction, years: Fraction, sign: int, op: Op,
                    threshold: Fraction) -> bool:
    """Whether the annual rate ``g`` with (1 + g)^years = ratio satisfies ``sign·g op r`` for
    ``r = threshold %``: (1 + g) op (1 + sign·r) for a growth, with op reversed for a decline;
    compared as ratio^b against (1 + sign·r)^a for years = a/b, both sides positive."""
    factor = 1 + sign * threshold / 100
    achieved_op = op if sign == 1 else _REVERSED[op]
    if factor <= 0:
        # No rate reaches it: 1 + g > 0 always, so 1 + g is above any factor <= 0.
        return achieved_op in (Op.GE, Op.GT)
    a, b = years.numerator, years.denominator
    return achieved_op.holds(ratio**b, factor**a)


_REVERSED = {Op.GE: Op.LE, Op.GT: Op.LT, Op.LE: Op.GE, Op.LT: Op.GT, Op.EQ: Op.EQ}


def _annual_rate(ratio: Fraction, years: Fraction, sign: int,
                 thresholds: tuple[tuple[Op, Fraction], ...]) -> tuple[Fraction, bool]:
    """The annual rate ``sign·g`` in %, exact when (ratio)^(1/years) is rational (on a
    threshold above all), else to 12 decimal places (and ``True``); a rate of 10^27 % or more
    has no room for them in 40 digits and is given to 40 significant digits."""
    for _, threshold in thresholds:
        factor = 1 + sign * threshold / 100
        if factor > 0 and ratio**years.denominator == factor**years.numerator:
            return threshold, False
    with localcontext() as context:
        context.prec = 40
        root = (Decimal(ratio.numerator) / Decimal(ratio.denominator)) ** (
            Decimal(years.denominator) / Decimal(years.numerator))
        shown = (root - 1) * 100 * sign
        if shown.adjusted() < 27:
            shown = shown.quantize(Decimal("1e-12"))
        rate = Fraction(shown)
    exact = (1 + sign * rate / 100) ** years.numerator == ratio ** years.denominator
    return rate, not exact


def _referenced_thresholds(compiled: CompiledRule, facts: FactSet,
                           steps: list[Step]) -> tuple[tuple[Op, Fraction], ...]:
    reference = compiled.rule.reference
    assert reference is not None
    fact = lookup_fact(facts, reference.id)
    if fact is None:
        raise Missing((reference.id,))
    role = "assigned" if compiled.rule.kind is Kind.ASSIGNED else "reference"
    value = _read(compiled, steps, fact, None, role)
    _check_domain(compiled, value, fact)
    steps.append(ReferenceUsed(reference.id, value, compiled.unit, reference.zh))
    return tuple((op, value) for op, _ in compiled.bounds)


def finish_verdict(compiled: CompiledRule, steps: list[Step], holds: bool, value: Fraction | bool,
            thresholds: tuple[tuple[Op, Fraction], ...]) -> Verdict:
    rule = compiled.rule
    if holds:
        return Verdict(rule, rule.id, Status.MET, Severity.NONE, value, compiled.unit,
                       thresholds, tuple(steps))
    return Verdict(rule, rule.id, Status.NOT_MET, compiled.miss_severity, value, compiled.unit,
                   thresholds, tuple(steps))


def _all_diagnostics(plan: Plan, facts: FactSet) -> tuple[Diagnostic, ...]:
    return (*facts.diagnostics, *unmatched_facts(plan, facts))


def unmatched_facts(plan: Plan, facts: FactSet) -> list[Diagnostic]:
    """``QC202`` for each fact that no rule reads, with the nearest name."""
    return [plan.unmatched(key, location=fact.location) for key, fact in facts.facts.items()
            if key not in plan.keys]


def evaluate_plan(plan: Plan, facts: FactSet | Mapping[str, Any] | Iterable[Fact], *,
                  compiled: bool = True) -> Report:
    """Evaluate every rule of ``plan`` against one fact set, in catalogue order.

    Each rule is judged by its compiled evaluator (:func:`~qcrules.engine.compile.build_judge`)
    where it has one and the facts suit it, else by :func:`evaluate_rule`; with
    ``compiled=False``, by :func:`evaluate_rule` alone. Both give the same report.
    """
    fact_set = as_fact_set(facts)
    if compiled:
        given = fact_set.facts
        verdicts: list[Verdict] = []
        add = verdicts.append
        for judge, rule in plan.judging:
            verdict = judge(given) if judge is not None else None
            add(verdict if verdict is not None else evaluate_rule(rule, fact_set))
        judged = tuple(verdicts)
    else:
        judged = tuple([evaluate_rule(rule, fact_set) for rule in plan.rules])
    diagnostics: tuple[Diagnostic, ...] | Lazy = fact_set.diagnostics
    if not fact_set.facts.keys() <= plan.keys.keys():   # a fact matches no rule
        # the did-you-mean search runs when the diagnostics are read, not here
        diagnostics = Lazy(_all_diagnostics, plan, fact_set)
    return Report(plan.catalog, judged, region=fact_set.region, period=fact_set.period,
                  sources=fact_set.sources, diagnostics=diagnostics)
