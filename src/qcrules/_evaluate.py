"""Stage 4, evaluate: a compiled plan and a fact set → a :class:`Report`. No I/O, no wording.

Every number is a :class:`~fractions.Fraction`, so a value equal to the threshold in any
compatible unit is equal, and binary float noise cannot flip a verdict. The judgement is
full-value comparison unless the rule declares a precision (GB/T 8170 §4.3).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from ._compile import CompiledRule, Plan
from ._errors import Diagnostic
from ._facts import FALSE_WORDS, TRUE_WORDS, FactSet, facts_from_data
from ._model import Fact, FactForm, Kind, Op
from ._numbers import round_gbt8170
from ._results import (
    Compared,
    Converted,
    Derived,
    FactUsed,
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
from ._units import UnitProblem, normalize_text

__all__ = ["as_fact_set", "evaluate_plan", "evaluate_rule"]


class _Unusable(Exception):
    """A fact that is present but cannot be used for this rule."""

    def __init__(self, code: str, message: str, fact: Fact | None, *, expected: str = "",
                 field: str = "value") -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(code, message, fact.location if fact else None,
                                     fact_id=fact.id if fact else None, field=field,
                                     expected=expected or None,
                                     got=fact.raw if fact else None)


class _Missing(Exception):
    def __init__(self, ids: tuple[str, ...]) -> None:
        super().__init__(", ".join(ids))
        self.ids = ids


def as_fact_set(facts: FactSet | Mapping[str, Any] | Iterable[Fact]) -> FactSet:
    """Accept a :class:`FactSet`, a plain mapping of id → value, or an iterable of facts."""
    if isinstance(facts, FactSet):
        return facts
    if isinstance(facts, Mapping):
        return facts_from_data(facts)
    return FactSet({fact.id: fact for fact in facts})


def _lookup(facts: FactSet, *keys: str) -> Fact | None:
    for key in keys:
        if key:
            fact = facts.facts.get(key)
            if fact is not None and fact.form is not FactForm.MISSING:
                return fact
    return None


def _provenance(fact: Fact, role: str) -> FactUsed:
    return FactUsed(fact.id, fact.raw, fact.source, fact.date, fact.period, role)


class _Reader:
    """Reads facts into exact numbers in a rule's unit, recording steps."""

    def __init__(self, compiled: CompiledRule, steps: list[Step]) -> None:
        self.compiled = compiled
        self.steps = steps

    def number(self, fact: Fact, unit: str | None, role: str) -> Fraction:
        """The fact's value in ``unit`` (``None``: the rule's unit)."""
        compiled = self.compiled
        target_unit = unit if unit is not None else compiled.unit
        self.steps.append(_provenance(fact, role))
        form = fact.form
        if form is FactForm.INVALID:
            problem = fact.problem
            raise _Unusable(problem.code if problem else "QC201",
                            problem.message if problem else "the fact could not be read", fact,
                            expected=problem.expected or "" if problem else "")
        if form is FactForm.NOT_A_NUMBER:
            raise _Unusable("QC301", "not a finite number", fact, expected="a finite number")
        if form in (FactForm.BOOLEAN, FactForm.TEXT):
            raise _Unusable("QC300", "not a quantity", fact,
                            expected=f"a quantity in {target_unit or 'a pure number'}")
        value = fact.value
        assert isinstance(value, Fraction)
        is_ratio_rule = compiled.rule.kind is Kind.RATIO and role == "value"
        if form is FactForm.RATIO:
            if not is_ratio_rule:
                raise _Unusable("QC300", "a ratio a:b is read only for ratio targets", fact,
                                expected=f"a quantity in {target_unit or 'a pure number'}")
            self.steps.append(RatioRead(fact.id, value))
            return value
        if form is FactForm.NUMBER:
            if is_ratio_rule:
                self.steps.append(RatioRead(fact.id, value))
                return value
            if target_unit is not None and compiled.percent_like and unit is None:
                factor = compiled.factor("1")
                self.steps.append(UnitAssumed(fact.id, target_unit, as_fraction=True))
                result = value * factor
                self.steps.append(Converted(fact.id, value, "1", factor, result, target_unit))
                return result
            if target_unit is not None:
                self.steps.append(UnitAssumed(fact.id, target_unit))
            return value
        # A quantity with a unit.
        assert fact.unit is not None
        if is_ratio_rule:
            return self._ratio_quantity(fact, value)
        if fact.unit == target_unit:
            return value
        try:
            factor = compiled.factor(fact.unit, unit)
        except UnitProblem as problem:
            if problem.code == "QC110":
                raise _Unusable("QC110", problem.message, fact, field="unit",
                                expected=f"a known unit like {target_unit or '1'}"
                                + (f"; {problem.hint}" if problem.hint else "")) from problem
            raise _Unusable("QC300", f"wrong dimension: {fact.unit} is not convertible to "
                            f"{target_unit or 'a pure number'}", fact,
                            expected=f"a unit like {target_unit or '1'}", field="unit") from problem
        result = value * factor
        self.steps.append(Converted(fact.id, value, fact.unit, factor, result,
                                    target_unit or "1"))
        return result

    def _ratio_quantity(self, fact: Fact, value: Fraction) -> Fraction:
        units = self.compiled.ratio_units
        written = normalize_text(fact.unit or "")
        if units is not None and written == units[0]:
            self.steps.append(RatioRead(fact.id, value))
            return value
        if units is not None and written == units[1]:
            if value == 0:
                raise _Unusable("QC302", "an inverse ratio of zero", fact,
                                expected="a positive number")
            result = 1 / value
            self.steps.append(RatioRead(fact.id, result, inverted=True))
            return result
        expected = f"a:b, a number, or a value in {units[0]} or {units[1]}" if units else "a:b"
        raise _Unusable("QC300", "wrong form for a ratio", fact, expected=expected, field="unit")


def _check_domain(compiled: CompiledRule, value: Fraction, fact: Fact | None) -> None:
    if compiled.minimum is not None and Op.LT.holds(value, compiled.minimum):
        raise _domain_problem(compiled, "below", fact)
    if compiled.maximum is not None and Op.GT.holds(value, compiled.maximum):
        raise _domain_problem(compiled, "above", fact)
    if compiled.whole and value.denominator != 1:
        raise _domain_problem(compiled, "whole", fact)


def _domain_problem(compiled: CompiledRule, which: str, fact: Fact | None) -> _Unusable:
    """The problem of a value outside the indicator's domain (``below``, ``above`` or ``whole``)."""
    if which == "below":
        return _Unusable("QC302", "below the indicator's possible values", fact,
                         expected=f">= {compiled.minimum} {compiled.unit or ''}".strip())
    if which == "above":
        return _Unusable("QC302", "above the indicator's possible values", fact,
                         expected=f"<= {compiled.maximum} {compiled.unit or ''}".strip())
    return _Unusable("QC303", "not a whole number", fact, expected="a whole number")


def _indicator_value(compiled: CompiledRule, facts: FactSet, reader: _Reader) -> tuple[Fraction, Fact | None]:
    rule = compiled.rule
    fact = _lookup(facts, rule.id, rule.indicator.zh)
    if fact is not None:
        return reader.number(fact, None, "value"), fact
    if compiled.formula is None or rule.derivation is None:
        raise _Missing((rule.id,))
    values: dict[str, Fraction] = {}
    shown: list[tuple[str, Fraction, str | None]] = []
    missing: list[str] = []
    found: list[tuple[str, Fact]] = []
    for spec in rule.derivation.inputs:
        input_id = rule.derivation.input_fact_id(rule.id, spec.name)
        input_fact = _lookup(facts, input_id, spec.zh)
        if input_fact is None:
            missing.append(input_id)
        else:
            found.append((spec.name, input_fact))
    if missing:
        raise _Missing((rule.id, *missing))
    for name, input_fact in found:
        unit = compiled.input_units.get(name)
        value = reader.number(input_fact, unit or "1", name)
        if value < 0:
            raise _Unusable("QC302", "a negative input to a derived indicator", input_fact,
                            expected="a value >= 0")
        values[name] = value
        shown.append((name, value, unit))
    try:
        raw_result = compiled.formula.evaluate(values)
    except ZeroDivisionError:
        raise _Unusable("QC302", "division by zero in the formula", found[-1][1],
                        expected="a non-zero divisor") from None
    result = raw_result * compiled.formula_factor
    reader.steps.append(Derived(compiled.formula.text, tuple(shown), result, compiled.unit))
    return result, None


def _boolean(compiled: CompiledRule, facts: FactSet, steps: list[Step]) -> bool:
    rule = compiled.rule
    fact = _lookup(facts, rule.id, rule.indicator.zh)
    if fact is None:
        raise _Missing((rule.id,))
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
    raise _Unusable("QC300", "not a yes/no assessment", fact,
                    expected="true/false, 是/否, 达标/未达标, 完成/未完成")


def evaluate_rule(compiled: CompiledRule, facts: FactSet) -> Verdict:
    """The verdict for one compiled rule."""
    rule = compiled.rule
    steps: list[Step] = []
    try:
        if not compiled.numeric:
            holds = _boolean(compiled, facts, steps)
            steps.append(Compared(holds, None, None, holds))
            return _finish(compiled, steps, holds, holds, ())
        reader = _Reader(compiled, steps)
        value, fact = _indicator_value(compiled, facts, reader)
        if compiled.checks_domain:
            _check_domain(compiled, value, fact)
        thresholds = compiled.thresholds
        if compiled.needs_reference:
            thresholds = _referenced_thresholds(compiled, facts, reader)
        if rule.precision is not None:
            rounded = round_gbt8170(value, rule.precision)
            steps.append(Rounded(rule.precision, value, rounded))
            value = rounded
        holds_all = True
        for op, threshold in thresholds:
            holds = op.holds(value, threshold)
            steps.append(Compared(value, op, threshold, holds))
            holds_all = holds_all and holds
        return _finish(compiled, steps, holds_all, value, thresholds)
    except _Missing as missing:
        ids = missing.ids
        reference = rule.reference
        if reference is not None and reference.id not in ids and _lookup(facts, reference.id) is None:
            ids = (*ids, reference.id)
        return Verdict(rule, rule.id, Status.UNKNOWN, unit=compiled.unit, steps=tuple(steps),
                       missing=ids)
    except _Unusable as unusable:
        problem = attrs.evolve(unusable.diagnostic, rule_id=rule.id)
        return Verdict(rule, rule.id, Status.INVALID, unit=compiled.unit, steps=tuple(steps),
                       problem=problem)


def _referenced_thresholds(compiled: CompiledRule, facts: FactSet,
                           reader: _Reader) -> tuple[tuple[Op, Fraction], ...]:
    reference = compiled.rule.reference
    assert reference is not None
    fact = _lookup(facts, reference.id)
    if fact is None:
        raise _Missing((reference.id,))
    role = "assigned" if compiled.rule.kind is Kind.ASSIGNED else "reference"
    value = reader.number(fact, None, role)
    _check_domain(compiled, value, fact)
    reader.steps.append(ReferenceUsed(reference.id, value, compiled.unit, reference.zh))
    return tuple((op, value) for op, _ in compiled.bounds)


def _finish(compiled: CompiledRule, steps: list[Step], holds: bool, value: Fraction | bool,
            thresholds: tuple[tuple[Op, Fraction], ...]) -> Verdict:
    rule = compiled.rule
    if holds:
        return Verdict(rule, rule.id, Status.MET, Severity.NONE, value, compiled.unit,
                       thresholds, tuple(steps))
    return Verdict(rule, rule.id, Status.NOT_MET, compiled.miss_severity, value, compiled.unit,
                   thresholds, tuple(steps))


def _unmatched(plan: Plan, facts: FactSet) -> list[Diagnostic]:
    warnings = []
    for key, fact in facts.facts.items():
        if key in plan.keys:
            continue
        close = difflib.get_close_matches(key, list(plan.keys), n=1, cutoff=0.6)
        warnings.append(Diagnostic(
            "QC202", "fact matches no rule", fact.location, fact_id=key, field="id",
            expected="a rule id, an indicator's Chinese name, or a reference/input id",
            got=key, hint=f"did you mean {close[0]!r}?" if close else None))
    return warnings


def evaluate_plan(plan: Plan, facts: FactSet | Mapping[str, Any] | Iterable[Fact]) -> Report:
    """Evaluate every rule of ``plan`` against one fact set, in catalogue order."""
    fact_set = as_fact_set(facts)
    verdicts = tuple(evaluate_rule(compiled, fact_set) for compiled in plan.rules)
    diagnostics = (*fact_set.diagnostics, *_unmatched(plan, fact_set))
    return Report(plan.catalog, verdicts, region=fact_set.region, period=fact_set.period,
                  sources=fact_set.sources, diagnostics=diagnostics)
