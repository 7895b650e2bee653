"""The durable_rules (Rete) engine: the same compiled plan, the same reports as the native engine.

:class:`DurableEngine` turns a :class:`~qcrules.Plan` into one durable_rules ruleset, once, and
evaluates each fact set in one isolated session of a :class:`~qcrules.durable.host.DurableHost`
(never durable_rules directly: the host handles its traps).

Who does what
-------------
*Reading* is shared with the native engine (``qcrules.engine.evaluate.FactReader`` and helpers): looking facts
up, unit conversion, ratio forms, unreadable facts. A fact that is missing or cannot be read is
recorded by the adapter and never asserted; the rule's verdict is then unknown or invalid with
exactly the native ``missing`` tuple or problem.

*Deciding* is done by the Rete network, generated from the plan (``r`` is the rule's index):

- ``i`` facts (the inputs of a derived indicator) are joined by a *derive* rule that fires when
  every input is present and not negative; its action computes the formula exactly and asserts
  a ``v`` fact (forward chaining). A negative input fires a rule of its own; division by zero is
  reported by the action.
- ``v`` facts (the indicator's value) are checked against the indicator's domain (min, max,
  whole numbers) by rules that fire on a value outside it.
- with a declared precision, a *round* rule on an in-domain ``v`` fact rounds it exactly
  (GB/T 8170) in its action and asserts a ``j`` fact (the judged value).
- relative and assigned rules: a *join* rule matches the judged value with the rule's ``ref``
  fact (the reference or assigned target, in-domain) and asserts a ``d`` fact holding the
  difference ``value - reference``, computed exactly in its action.
- for every bound a *holds* rule and a *fails* rule compare the judged value with the threshold
  in their conditions; exactly one of them fires.

Changes and growth
------------------
A change or growth rule (``kind: change`` or ``growth``) is judged against its base value
``<rule-id>.baseline``. The adapter reads it like any fact (role ``baseline``) and, for a
growth, counts the years from the base period to the period evaluated with the native
engine's ``growth_years`` (its QC212, QC207 and QC209 problems included). It asserts a
``base`` fact whose field ``y`` is 1 when the years could be counted (always, for a change)
and 0 when they could not: the base is then still checked against the domain, whose problem
comes first, but joins nothing.

- domain rules fire on a ``base`` fact outside the indicator's domain; one rule fires on an
  in-domain base of zero or less for a measure that divides by it (relative, multiple,
  compound), and one on an in-domain value of zero or less for a compound growth;
- the *change* rule joins the in-domain value (above zero for a compound growth) with the
  rule's in-domain base (``y`` 1, above zero where divided by). Its action measures the change
  exactly with the native ``measure_change`` (a growth in points or an amount is per year)
  and asserts a ``ch`` fact; with a precision, a *round* rule on it asserts the rounded change
  as a ``j`` fact (GB/T 8170). The holds and fails rules compare it with each threshold;
- a compound growth (年均增长8%) is never compared through a root. For a span of ``a/b`` years
  the action asserts, for each threshold ``r`` %, a ``d`` fact (field ``k``: the threshold's
  position) holding ``(now/base)^b - (1 + sign*r/100)^a``, or 1 when ``1 + sign*r/100 <= 0``
  (no rate reaches it: ``1 + g > 0`` is above it). The holds and fails rules compare it with 0
  with the bound's operator, reversed for a decline (``sign`` -1: a decline ``-g >= r`` is
  ``1 + g <= 1 - r/100``). The rate shown is the native one (exact when it is rational, else to
  12 decimal places); the verdict comes from the exact difference.

The verdict takes the problems in the native engine's order: the value (read, derived, its
domain), then a missing base (unknown), the base read, its domain, the years, a base and then
a value of zero or less.

Exact comparisons in the engine
-------------------------------
The engine compares numbers as doubles or 64-bit integers, so no fraction is ever sent. For a
constant ``t = N/D`` (lowest terms) the fact carries the integers ``f = floor(x*D)`` and
``c = ceil(x*D)``; then ``x >= t`` iff ``f >= N``, ``x > t`` iff ``c > N``, ``x <= t`` iff
``c <= N``, ``x < t`` iff ``f < N`` and ``x = t`` iff ``f = N = c``. The integers are clamped
to ``±2**62`` keeping ``c - f``, which preserves every comparison with ``|N| <= 2**62 - 2`` and
the test ``f = c`` (a whole number, with ``D = 1``). A threshold whose numerator is larger is
compared through ``floor``/``ceil`` of ``x - t`` against 0 instead. The difference of a join is
compared against 0 the same way.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
from durable.lang import c, m, when_all

from ..base.numbers import round_gbt8170
from ..catalog.model import Kind, Op
from ..engine.compile import CompiledRule, Plan
from ..engine.evaluate import (
    POSITIVE_BASE,
    FactReader,
    Missing,
    Unusable,
    domain_problem,
    finish_verdict,
    growth_years,
    indicator_fact,
    input_facts,
    lookup_fact,
    measure_change,
    nonpositive_problem,
    read_boolean,
    unmatched_facts,
)
from ..engine.results import (
    ChangeMeasured,
    Compared,
    Derived,
    ReferenceUsed,
    Report,
    Rounded,
    Severity,
    Status,
    Step,
    Verdict,
)
from ..facts.model import Fact, FactSet
from ..facts.read import as_fact_set
from .host import ActionContext, DurableEngineError, DurableHost, DurableSession

__all__ = ["DurableEngine", "LiveSession", "engine_for"]

_CLAMP = 2**62
_MAX_CONSTANT = 2**62 - 2

#: A probe of a value ``x``: the integers floor and ceil of ``(x - shift) * scale``.
_Probe = tuple[int, Fraction]

_DOMAIN_ORDER = ("below", "above", "whole")


def _probe_ints(x: Fraction, probes: tuple[_Probe, ...]) -> list[int]:
    """``[floor0, ceil0, floor1, ceil1, ...]``: the integers of each probe of ``x``, clamped."""
    numerator, denominator = x.numerator, x.denominator
    ints: list[int] = []
    for scale, shift in probes:
        if shift:
            top = (numerator * shift.denominator - shift.numerator * denominator) * scale
            bottom = denominator * shift.denominator
        else:
            top, bottom = numerator * scale, denominator
        floor, rest = divmod(top, bottom)
        ceil = floor + 1 if rest else floor
        if floor > _CLAMP:
            floor, ceil = _CLAMP, _CLAMP + ceil - floor
        elif floor < -_CLAMP:
            floor, ceil = -_CLAMP, -_CLAMP + ceil - floor
        ints.append(floor)
        ints.append(ceil)
    return ints


def _probe_fields(x: Fraction, probes: tuple[_Probe, ...], fact: dict[str, Any]) -> dict[str, Any]:
    ints = _probe_ints(x, probes)
    for k in range(len(probes)):
        fact[_F[k]] = ints[2 * k]
        fact[_C[k]] = ints[2 * k + 1]
    return fact


_F = tuple(f"f{k}" for k in range(64))
_C = tuple(f"c{k}" for k in range(64))


class _Shape:
    """One kind of fact of one rule: its fixed fields and its probes, as a dict or as JSON.

    The JSON is written from a template made once per rule: only integers are filled in (the
    clamped probe integers fit in 64 bits), so it is in the form the host would write itself.
    """

    __slots__ = ("fields", "probes", "template")

    def __init__(self, fields: dict[str, str | int], probes: tuple[_Probe, ...]) -> None:
        self.fields = fields
        self.probes = probes
        members = [f"{json.dumps(key)}:{json.dumps(value)}" for key, value in fields.items()]
        members += [f'"{_F[k]}":%d,"{_C[k]}":%d' for k in range(len(probes))]
        self.template = ",".join(members)

    def fact(self, x: Fraction) -> dict[str, Any]:
        return _probe_fields(x, self.probes, dict(self.fields))

    def encode(self, x: Fraction) -> str:
        return self.template % tuple(_probe_ints(x, self.probes))


class _Probes:
    """The probes one kind of fact carries, shared between conditions on the same constant."""

    def __init__(self) -> None:
        self.items: list[_Probe] = []

    def constant(self, t: Fraction) -> tuple[int, int]:
        """(probe index, N): compare the probe's integers with N to compare x with ``t``."""
        if abs(t.numerator) <= _MAX_CONSTANT:
            return self._index((t.denominator, Fraction(0))), t.numerator
        return self._index((1, t)), 0

    def _index(self, probe: _Probe) -> int:
        if probe not in self.items:
            self.items.append(probe)
        return self.items.index(probe)


def _holds(k: int, op: Op, n: int) -> Any:
    f, c_ = getattr(m, _F[k]), getattr(m, _C[k])
    if op is Op.GE:
        return f >= n
    if op is Op.GT:
        return c_ > n
    if op is Op.LE:
        return c_ <= n
    if op is Op.LT:
        return f < n
    return (f == n) & (c_ == n)


def _fails(k: int, op: Op, n: int) -> Any:
    f, c_ = getattr(m, _F[k]), getattr(m, _C[k])
    if op is Op.GE:
        return f < n
    if op is Op.GT:
        return c_ <= n
    if op is Op.LE:
        return c_ > n
    if op is Op.LT:
        return f >= n
    return (f < n) | (c_ > n)


def _define_comparisons(i: int, ready: Any, comparisons: Sequence[tuple[Op, int, int]]) -> None:
    """A holds and a fails rule on ``ready`` for each (op, probe index, N); ``ready`` alone
    when there is none."""
    for j, (op, k, n) in enumerate(comparisons):
        when_all(ready & _holds(k, op, n))(_constant(("cmp", i, j, True)))
        when_all(ready & _fails(k, op, n))(_constant(("cmp", i, j, False)))
    if not comparisons:
        when_all(ready)(_constant(("ready", i)))


#: The bound on 1 + g that a bound on a decline's rate -g means (-g >= r iff 1 + g <= 1 - r).
_REVERSED = {Op.GE: Op.LE, Op.GT: Op.LT, Op.LE: Op.GE, Op.LT: Op.GT, Op.EQ: Op.EQ}


class _Domain:
    """Conditions for the indicator's domain on one kind of fact."""

    def __init__(self, compiled: CompiledRule, probes: _Probes) -> None:
        self.checks: list[tuple[str, Any, Any]] = []   # (which, outside, inside)
        if compiled.minimum is not None:
            k, n = probes.constant(compiled.minimum)
            self.checks.append(("below", _fails(k, Op.GE, n), _holds(k, Op.GE, n)))
        if compiled.maximum is not None:
            k, n = probes.constant(compiled.maximum)
            self.checks.append(("above", _fails(k, Op.LE, n), _holds(k, Op.LE, n)))
        if compiled.whole:  # x * whole_scale is a whole number
            k = probes._index((compiled.whole_scale, Fraction(0)))
            f, c_ = getattr(m, _F[k]), getattr(m, _C[k])
            self.checks.append(("whole", f < c_, f == c_))

    def inside(self, condition: Any) -> Any:
        for _, _, inside in self.checks:
            condition = condition & inside
        return condition


class _RunState:
    """What the adapter knows about one fact set while its session runs."""

    __slots__ = ("base", "changes", "derived", "inputs", "judged", "reference", "value", "years")

    def __init__(self) -> None:
        self.value: dict[int, Fraction] = {}
        self.inputs: dict[int, dict[str, Fraction]] = {}
        self.derived: dict[int, Derived] = {}
        self.judged: dict[int, Fraction] = {}
        self.reference: dict[int, Fraction] = {}
        self.base: dict[int, Fraction] = {}
        #: A growth's span of years and its base period as written, when they could be counted.
        self.years: dict[int, tuple[Fraction, str]] = {}
        #: The change measured by the *change* rule's action, as the step the verdict shows.
        self.changes: dict[int, ChangeMeasured] = {}

    def forget(self, i: int) -> None:
        """Drop everything held for rule ``i``."""
        for held in (self.value, self.inputs, self.derived, self.judged, self.reference,
                     self.base, self.years, self.changes):
            held.pop(i, None)


_NO_SHAPE = _Shape({}, ())
_WHOLE = ((1, Fraction(0)),)


@attrs.define(eq=False)
class _RulePlan:
    """One compiled rule as the Rete network sees it."""

    index: int
    compiled: CompiledRule
    #: The facts of the rule (set when the ruleset is defined): ``v``, ``j``, ``ref``, ``d``,
    #: the ``i`` fact of each input, and the ``b`` facts of a yes/no rule (false, true).
    value: _Shape = _NO_SHAPE
    judged: _Shape = _NO_SHAPE
    reference: _Shape = _NO_SHAPE
    difference: _Shape = _NO_SHAPE
    inputs: tuple[_Shape, ...] = ()
    input_names: tuple[str, ...] = ()
    booleans: tuple[str, str] = ("", "")
    #: A change or growth: the ``base`` fact (years counted, ``y`` 1; not, ``y`` 0), the ``ch``
    #: fact, and for a compound growth one ``d`` fact per threshold.
    base: tuple[_Shape, _Shape] = (_NO_SHAPE, _NO_SHAPE)
    change: _Shape = _NO_SHAPE
    differences: tuple[_Shape, ...] = ()


class _Outcomes:
    """What the session's rules reported for one rule."""

    __slots__ = ("compared", "negative", "nonpositive", "outside_base", "outside_reference",
                 "outside_value", "ready", "zero")

    def __init__(self) -> None:
        self.compared: dict[int, bool] = {}
        #: The domain checks (``below``, ``above``, ``whole``) the value, reference or base failed.
        self.outside_value: frozenset[str] = _NOTHING
        self.outside_reference: frozenset[str] = _NOTHING
        self.outside_base: frozenset[str] = _NOTHING
        #: ``"base"``, ``"v"``: a base value, or a compound growth's value, of zero or less.
        self.nonpositive: frozenset[str] = _NOTHING
        self.negative: frozenset[int] = _NOTHING_INT
        self.zero = False
        self.ready = False


_NOTHING: frozenset[str] = frozenset()
_NOTHING_INT: frozenset[int] = frozenset()
#: The outcomes of a rule the session reported nothing on (never changed).
_NO_OUTCOMES = _Outcomes()


class DurableEngine:
    """Evaluates fact sets against one compiled plan in durable_rules; reports as the native engine.

    The ruleset is generated and registered once, when the engine is built; each
    :meth:`evaluate` is one isolated session. Thread-safe (evaluations run one at a time).
    """

    def __init__(self, plan: Plan) -> None:
        # A copy holding the same compiled rules: the engine does not keep ``plan`` alive.
        self._plan = Plan(plan.catalog, plan.rules, plan.keys)
        self._rules = tuple(_RulePlan(i, compiled) for i, compiled in enumerate(plan.rules))
        self._state = _RunState()
        self._lock = threading.Lock()
        self._host = DurableHost(self._define) if self._rules else None

    @property
    def host(self) -> DurableHost | None:
        """The durable_rules host running the generated ruleset (``None`` for an empty plan)."""
        return self._host

    def close(self) -> None:
        """Release the ruleset in durable_rules."""
        if self._host is not None:
            self._host.close()

    def session(self) -> LiveSession:
        """A long-lived session that re-judges rules as their facts change (see :class:`LiveSession`)."""
        return LiveSession(self)

    # -- the generated ruleset ---------------------------------------------

    def _define(self) -> None:
        for plan in self._rules:
            if plan.compiled.numeric:
                self._define_numeric(plan)
            else:
                self._define_boolean(plan)

    def _define_boolean(self, plan: _RulePlan) -> None:
        i = plan.index
        fact = (m.t == "b") & (m.r == i)
        plan.booleans = (_Shape({"t": "b", "r": i, "b": 0}, ()).template,
                         _Shape({"t": "b", "r": i, "b": 1}, ()).template)
        when_all(fact & (m.b == 1))(_constant(("cmp", i, 0, True)))
        when_all(fact & (m.b == 0))(_constant(("cmp", i, 0, False)))

    def _define_numeric(self, plan: _RulePlan) -> None:
        i, compiled = plan.index, plan.compiled
        value_probes = _Probes()
        value = (m.t == "v") & (m.r == i)
        domain = _Domain(compiled, value_probes)
        for which, outside, _ in domain.checks:
            when_all(value & outside)(_constant(("dom", i, which, "v")))
        ready = domain.inside(value)
        if compiled.formula is not None:
            self._define_derivation(plan)
        if compiled.needs_base:
            self._define_change(plan, ready, value_probes)
        else:
            self._define_level(plan, ready, value_probes)
        plan.value = _Shape({"t": "v", "r": i}, tuple(value_probes.items))
        derivation = compiled.rule.derivation
        if compiled.formula is not None and derivation is not None:
            plan.inputs = tuple(_Shape({"t": "i", "r": i, "n": k}, _WHOLE)
                                for k in range(len(derivation.inputs)))
            plan.input_names = tuple(spec.name for spec in derivation.inputs)

    def _define_level(self, plan: _RulePlan, ready: Any, value_probes: _Probes) -> None:
        """The rules judging the value itself; ``ready`` is the condition of an in-domain ``v``."""
        i, compiled = plan.index, plan.compiled
        judged_probes, reference_probes = _Probes(), _Probes()
        if compiled.rule.precision is not None:
            when_all(ready)(self._round_action(plan))
            ready = (m.t == "j") & (m.r == i)
            probes = judged_probes
        else:
            probes = value_probes
        if compiled.needs_reference:
            reference = (m.t == "ref") & (m.r == i)
            reference_domain = _Domain(compiled, reference_probes)
            for which, outside, _ in reference_domain.checks:
                when_all(reference & outside)(_constant(("dom", i, which, "ref")))
            when_all(c.val << ready,
                     c.ref << reference_domain.inside((m.t == "ref") & (m.r == c.val.r)),
                     )(self._join_action(plan))
            ready = (m.t == "d") & (m.r == i)
            difference = _Probes()
            comparisons = [(op, *difference.constant(Fraction(0))) for op, _ in compiled.bounds]
        else:
            comparisons = [(op, *probes.constant(t)) for op, t in compiled.thresholds]
        _define_comparisons(i, ready, comparisons)
        plan.judged = _Shape({"t": "j", "r": i}, tuple(judged_probes.items))
        plan.reference = _Shape({"t": "ref", "r": i}, tuple(reference_probes.items))
        plan.difference = _Shape({"t": "d", "r": i}, _WHOLE)

    def _define_change(self, plan: _RulePlan, value: Any, value_probes: _Probes) -> None:
        """The rules of a change or growth; ``value`` is the condition of an in-domain ``v`` fact."""
        i, compiled = plan.index, plan.compiled
        rule = compiled.rule
        assert rule.change is not None
        measure, sign = rule.change.measure, rule.change.direction
        base_probes = _Probes()
        base = (m.t == "base") & (m.r == i)
        base_domain = _Domain(compiled, base_probes)
        for which, outside, _ in base_domain.checks:
            when_all(base & outside)(_constant(("dom", i, which, "base")))
        joined = base_domain.inside((m.t == "base") & (m.r == c.val.r) & (m.y == 1))
        if measure in POSITIVE_BASE:
            k, n = base_probes.constant(Fraction(0))
            when_all(base_domain.inside(base) & _fails(k, Op.GT, n))(
                _constant(("nonpos", i, "base")))
            joined = joined & _holds(k, Op.GT, n)
        thresholds = compiled.thresholds
        if measure == "compound":
            k, n = value_probes.constant(Fraction(0))
            when_all(value & _fails(k, Op.GT, n))(_constant(("nonpos", i, "v")))
            value = value & _holds(k, Op.GT, n)
            plan.differences = tuple(_Shape({"t": "d", "r": i, "k": j}, _WHOLE)
                                     for j in range(len(thresholds)))
        when_all(c.val << value, c.base << joined)(self._change_action(plan))
        measured = (m.t == "ch") & (m.r == i)
        change_probes, judged_probes = _Probes(), _Probes()
        if measure == "compound":
            # (now/base)^b against (1 + sign·r)^a: the difference, against 0, with the
            # operator reversed for a decline (see _change_action).
            for j, (op, _) in enumerate(thresholds):
                achieved = op if sign == 1 else _REVERSED[op]
                difference = (m.t == "d") & (m.r == i) & (m.k == j)
                when_all(difference & _holds(0, achieved, 0))(_constant(("cmp", i, j, True)))
                when_all(difference & _fails(0, achieved, 0))(_constant(("cmp", i, j, False)))
            if not thresholds:
                when_all(measured)(_constant(("ready", i)))
        else:
            ready, probes = measured, change_probes
            if rule.precision is not None:
                when_all(measured)(self._round_action(plan, change=True))
                ready, probes = (m.t == "j") & (m.r == i), judged_probes
            _define_comparisons(i, ready, [(op, *probes.constant(t)) for op, t in thresholds])
        plan.base = (_Shape({"t": "base", "r": i, "y": 0}, tuple(base_probes.items)),
                     _Shape({"t": "base", "r": i, "y": 1}, tuple(base_probes.items)))
        plan.change = _Shape({"t": "ch", "r": i}, tuple(change_probes.items))
        plan.judged = _Shape({"t": "j", "r": i}, tuple(judged_probes.items))

    def _change_action(self, plan: _RulePlan) -> Callable[[ActionContext], Any]:
        i, compiled = plan.index, plan.compiled
        change = compiled.rule.change
        assert change is not None
        measure, sign = change.measure, change.direction
        # A compound growth's factor 1 + sign·r for each threshold r %, or None when it is
        # zero or less: no rate reaches it, since 1 + g > 0.
        factors = tuple(factor if factor > 0 else None
                        for factor in (1 + sign * t / 100 for _, t in compiled.thresholds))
        differences = plan.differences
        above = Fraction(1)

        def measure_action(context: ActionContext) -> None:
            state = self._state
            current, base = state.value[i], state.base[i]
            years, base_period = state.years.get(i, (None, None))
            value, approximate = measure_change(compiled, current, base, years)
            state.changes[i] = ChangeMeasured(measure, sign, base, current, compiled.unit, value,
                                              compiled.judged_unit, years, base_period,
                                              approximate)
            if measure != "compound":
                context.assert_fact(plan.change.fact(value))
                return
            assert years is not None
            a, b = years.numerator, years.denominator
            power = (current / base) ** b
            for shape, factor in zip(differences, factors, strict=True):
                # (1 + g)^years = now/base with years = a/b: 1 + g op factor iff
                # (now/base)^b op factor^a (both sides positive); 1 + g is above a factor <= 0.
                context.assert_fact(shape.fact(power - factor**a if factor is not None
                                               else above))
            if not differences:
                context.assert_fact(plan.change.fact(value))

        return measure_action

    def _define_derivation(self, plan: _RulePlan) -> None:
        i, rule = plan.index, plan.compiled.rule
        assert rule.derivation is not None
        inputs = (m.t == "i") & (m.r == i)
        when_all(inputs & (m.f0 < 0))(_negative_input)
        patterns = [inputs & (m.n == k) & (m.f0 >= 0) for k in range(len(rule.derivation.inputs))]
        when_all(*patterns)(self._derive_action(plan))

    def _derive_action(self, plan: _RulePlan) -> Callable[[ActionContext], Any]:
        i, compiled = plan.index, plan.compiled
        formula = compiled.formula
        assert formula is not None

        def derive(context: ActionContext) -> Any:
            state = self._state
            values = state.inputs[i]
            try:
                raw = formula.evaluate(values)
            except ZeroDivisionError:
                return ("zero", i)
            result = raw * compiled.formula_factor
            state.derived[i] = Derived(formula.text, tuple(
                (name, values[name], compiled.input_units.get(name)) for name in values),
                result, compiled.unit)
            state.value[i] = result
            context.assert_fact(plan.value.fact(result))
            return None

        return derive

    def _round_action(self, plan: _RulePlan, *,
                      change: bool = False) -> Callable[[ActionContext], Any]:
        """Round the value (or, with ``change``, the change measured) once, GB/T 8170, and
        assert the judged fact."""
        i = plan.index
        precision = plan.compiled.rule.precision
        assert precision is not None

        def round_value(context: ActionContext) -> None:
            state = self._state
            value = state.changes[i].change if change else state.value[i]
            rounded = round_gbt8170(value, precision)
            state.judged[i] = rounded
            context.assert_fact(plan.judged.fact(rounded))

        return round_value

    def _join_action(self, plan: _RulePlan) -> Callable[[ActionContext], Any]:
        i = plan.index

        def join(context: ActionContext) -> None:
            state = self._state
            judged = state.judged.get(i, state.value.get(i))
            assert judged is not None
            difference = judged - state.reference[i]
            context.assert_fact(plan.difference.fact(difference))

        return join

    # -- evaluation -----------------------------------------------------------

    def evaluate(self, facts: FactSet | Mapping[str, Any] | Iterable[Fact]) -> Report:
        """Evaluate one fact set: the same :class:`Report` as the native engine, ``engine="durable"``.

        Raises:
            DurableEngineError: durable_rules failed (not caused by the facts).
        """
        fact_set = as_fact_set(facts)
        readings = [_Reading(plan, fact_set) for plan in self._rules]
        state = _RunState()
        batch: list[str] = []
        for reading in readings:
            reading.assert_into(state, batch, encode=True)
        outcomes: list[_Outcomes] = [_NO_OUTCOMES] * len(readings)
        if batch:
            assert self._host is not None
            with self._lock:
                self._state = state
                try:
                    results = self._host.run_encoded(batch)
                finally:
                    self._state = _RunState()
            for result in results:
                outcome = outcomes[result[1]]
                if outcome is _NO_OUTCOMES:
                    outcome = outcomes[result[1]] = _Outcomes()
                _record(outcome, result)
        verdicts = tuple(reading.verdict(state, outcome)
                         for reading, outcome in zip(readings, outcomes, strict=True))
        diagnostics = (*fact_set.diagnostics, *unmatched_facts(self._plan, fact_set))
        return Report(self._plan.catalog, verdicts, region=fact_set.region,
                      period=fact_set.period, sources=fact_set.sources,
                      diagnostics=diagnostics, engine="durable")


class LiveSession:
    """One fact set held in one long-lived durable_rules session, re-judged rule by rule.

    :meth:`judge` takes the current facts and the indices of the rules whose facts changed. For
    those rules only, it retracts what the session holds (the facts the adapter asserted and
    those the rules derived from them: durable_rules keeps derived facts after their premises
    are retracted), reads the rules' facts again and asserts them; the session's rules fire on
    them (derivation forward-chained, rounding, joins, comparisons) and the verdicts are
    assembled exactly as :meth:`DurableEngine.evaluate` does. No generated rule joins facts of
    two plan rules, so every other rule's facts, derived facts and verdict stay as they are.

    Used by :class:`qcrules.Monitor`; not thread-safe by itself (the monitor holds a lock).
    """

    def __init__(self, engine: DurableEngine) -> None:
        self._engine = engine
        self._state = _RunState()
        self._session = engine.host.session() if engine.host is not None else None

    @property
    def session(self) -> DurableSession | None:
        """The durable_rules session (``None`` for an empty plan)."""
        return self._session

    def judge(self, facts: FactSet, indices: Iterable[int]) -> dict[int, Verdict]:
        """The verdicts of the rules ``indices`` (plan positions) for ``facts``.

        Raises:
            DurableEngineError: durable_rules failed (the session is then unusable).
        """
        engine = self._engine
        chosen = sorted(set(indices))
        readings = {i: _Reading(engine._rules[i], facts) for i in chosen}
        state = self._state
        for i in chosen:
            state.forget(i)
        batch: list[Any] = []
        for reading in readings.values():
            reading.assert_into(state, batch, encode=False)
        outcomes = {i: _Outcomes() for i in chosen}
        if self._session is not None and chosen:
            wanted = frozenset(chosen)
            with engine._lock:
                engine._state = state
                try:
                    self._session.retract(lambda fact: fact["r"] in wanted)
                    results = self._session.assert_facts(batch)
                finally:
                    engine._state = _RunState()
            for result in results:
                _record(outcomes[result[1]], result)
        return {i: readings[i].verdict(state, outcomes[i]) for i in chosen}

    def close(self) -> None:
        """Delete the session in durable_rules. Idempotent."""
        if self._session is not None:
            self._session.close()


def _constant(result: tuple[Any, ...]) -> Callable[[ActionContext], Any]:
    def action(_context: ActionContext) -> tuple[Any, ...]:
        return result

    return action


def _negative_input(context: ActionContext) -> tuple[Any, ...]:
    return ("neg", context.m.r, context.m.n)


def _record(outcome: _Outcomes, result: tuple[Any, ...]) -> None:
    tag = result[0]
    if tag == "cmp":
        if result[2] in outcome.compared:
            raise DurableEngineError(f"rule {result[1]}: comparison {result[2]} fired twice")
        outcome.compared[result[2]] = result[3]
    elif tag == "dom":
        where = result[3]
        if where == "v":
            outcome.outside_value = outcome.outside_value | {result[2]}
        elif where == "ref":
            outcome.outside_reference = outcome.outside_reference | {result[2]}
        else:
            outcome.outside_base = outcome.outside_base | {result[2]}
    elif tag == "nonpos":
        outcome.nonpositive = outcome.nonpositive | {result[2]}
    elif tag == "neg":
        outcome.negative = outcome.negative | {result[2]}
    elif tag == "zero":
        outcome.zero = True
    else:
        outcome.ready = True


class _Reading:
    """One rule's facts read exactly (by the native reading code) before the session runs."""

    # Defaults at class level: a reading sets only what its rule's facts give.
    done: Verdict | None = None
    fact: Fact | None = None
    boolean = False
    value = Fraction(0)
    input_ends: list[int]
    input_facts: list[Fact]
    inputs: list[Fraction]
    failed_input: tuple[int, Unusable] | None = None
    reference_fact: Fact | None = None
    reference_missing = False
    reference_problem: Unusable | None = None
    reference_steps: Sequence[Step] = ()
    reference_value = Fraction(0)
    base_fact: Fact | None = None
    base_problem: Unusable | None = None
    base_steps: Sequence[Step] = ()
    base_value = Fraction(0)
    years: tuple[Fraction, str] | None = None
    years_problem: Unusable | None = None

    def __init__(self, plan: _RulePlan, facts: FactSet) -> None:
        self.plan = plan
        self.steps: list[Step] = []
        self._read(facts)

    def _read(self, facts: FactSet) -> None:
        compiled = self.plan.compiled
        rule = compiled.rule
        try:
            if not compiled.numeric:
                self.boolean = read_boolean(compiled, facts, self.steps)
                return
            reader = FactReader(compiled, self.steps)
            fact = indicator_fact(compiled, facts)
            if fact is not None:
                self.fact = fact
                self.value = reader.number(fact, None, "value")
            elif compiled.formula is None or rule.derivation is None:
                raise Missing((rule.id,))
            else:
                self._read_inputs(facts, reader)
            if compiled.needs_reference:
                self._read_reference(facts)
            if compiled.needs_base:
                self._read_base(facts)
        except Missing as missing:
            ids = missing.ids
            reference = rule.reference
            if (reference is not None and reference.id not in ids
                    and lookup_fact(facts, reference.id) is None):
                ids = (*ids, reference.id)
            if (compiled.needs_base and rule.baseline_id not in ids
                    and lookup_fact(facts, rule.baseline_id) is None):
                ids = (*ids, rule.baseline_id)
            self.done = Verdict(rule, rule.id, Status.UNKNOWN, unit=compiled.judged_unit,
                                steps=tuple(self.steps), missing=ids)
        except Unusable as unusable:
            self.done = _invalid(compiled, self.steps, unusable)

    def _read_inputs(self, facts: FactSet, reader: FactReader) -> None:
        compiled = self.plan.compiled
        found = input_facts(compiled, facts)
        self.input_ends, self.input_facts, self.inputs = [], [], []
        for k, (name, input_fact) in enumerate(found):
            self.input_facts.append(input_fact)
            unit = compiled.input_units.get(name)
            try:
                self.inputs.append(reader.number(input_fact, unit or "1", name))
            except Unusable as unusable:
                self.failed_input = (k, unusable)
                self.input_ends.append(len(self.steps))
                return
            self.input_ends.append(len(self.steps))

    def _read_reference(self, facts: FactSet) -> None:
        compiled = self.plan.compiled
        reference = compiled.rule.reference
        assert reference is not None
        fact = lookup_fact(facts, reference.id)
        if fact is None:
            self.reference_missing = True
            return
        self.reference_fact = fact
        steps: list[Step] = []
        self.reference_steps = steps
        role = "assigned" if compiled.rule.kind is Kind.ASSIGNED else "reference"
        try:
            self.reference_value = FactReader(compiled, steps).number(fact, None, role)
        except Unusable as unusable:
            self.reference_problem = unusable

    def _read_base(self, facts: FactSet) -> None:
        """The base value of a change (role ``baseline``) and, for a growth, its years."""
        rule = self.plan.compiled.rule
        fact = lookup_fact(facts, rule.baseline_id)
        if fact is None:
            return
        self.base_fact = fact
        steps: list[Step] = []
        self.base_steps = steps
        try:
            self.base_value = FactReader(self.plan.compiled, steps).number(fact, None, "baseline")
        except Unusable as unusable:
            self.base_problem = unusable
            return
        if rule.kind is Kind.GROWTH:
            try:
                self.years = growth_years(rule, facts, self.fact, fact)
            except Unusable as unusable:
                self.years_problem = unusable

    def assert_into(self, state: _RunState, batch: list[Any], *, encode: bool) -> None:
        """Add this rule's facts to the session's batch, and their exact values to ``state``.

        The facts are JSON members for :meth:`DurableHost.run_encoded` if ``encode``, otherwise
        dicts (a long-lived session keeps them to choose what to retract).
        """
        if self.done is not None:
            return
        plan = self.plan
        i = plan.index
        if not plan.compiled.numeric:
            if encode:
                batch.append(plan.booleans[self.boolean])
            else:
                batch.append({"t": "b", "r": i, "b": 1 if self.boolean else 0})
            return
        if self.fact is not None:
            state.value[i] = self.value
            batch.append(plan.value.encode(self.value) if encode else plan.value.fact(self.value))
        else:
            state.inputs[i] = dict(zip(plan.input_names, self.inputs, strict=False))
            for shape, value in zip(plan.inputs, self.inputs, strict=False):
                batch.append(shape.encode(value) if encode else shape.fact(value))
        if self.reference_fact is not None and self.reference_problem is None:
            value = self.reference_value
            state.reference[i] = value
            batch.append(plan.reference.encode(value) if encode else plan.reference.fact(value))
        if self.base_fact is not None and self.base_problem is None:
            value = self.base_value
            state.base[i] = value
            if self.years is not None:
                state.years[i] = self.years
            # The base fact is judged against the domain even when a growth's years cannot be
            # counted (that problem comes after the domain's); it then joins nothing (y = 0).
            shape = plan.base[self.years_problem is None]
            batch.append(shape.encode(value) if encode else shape.fact(value))

    def verdict(self, state: _RunState, outcome: _Outcomes) -> Verdict:
        """The verdict from what was read and what the session's rules decided."""
        if self.done is not None:
            return self.done
        plan = self.plan
        compiled = plan.compiled
        rule = compiled.rule
        i = plan.index
        steps = self.steps
        if not compiled.numeric:
            holds = _decided(outcome, 0, i)
            steps.append(Compared(holds, None, None, holds))
            return finish_verdict(compiled, steps, holds, holds, ())
        fact = self.fact
        if fact is None:
            negative = min(outcome.negative, default=None)
            failed = self.failed_input
            if negative is not None and (failed is None or negative < failed[0]):
                del steps[self.input_ends[negative]:]
                return _invalid(compiled, steps, Unusable(
                    "QC302", "a negative input to a derived indicator",
                    self.input_facts[negative], expected="a value >= 0"))
            if failed is not None:
                return _invalid(compiled, steps, failed[1])
            if outcome.zero:
                return _invalid(compiled, steps, Unusable(
                    "QC302", "division by zero in the formula", self.input_facts[-1],
                    expected="a non-zero divisor"))
            steps.append(state.derived[i])
        value = state.value[i]
        if outcome.outside_value:
            problem = _first_domain_problem(compiled, outcome.outside_value, fact)
            assert problem is not None
            return _invalid(compiled, steps, problem)
        if compiled.needs_base:
            return self._change_verdict(state, outcome)
        thresholds = compiled.thresholds
        if compiled.needs_reference:
            reference = rule.reference
            assert reference is not None
            if self.reference_missing:
                return Verdict(rule, rule.id, Status.UNKNOWN, unit=compiled.unit,
                               steps=tuple(steps), missing=(reference.id,))
            steps.extend(self.reference_steps)
            if self.reference_problem is not None:
                return _invalid(compiled, steps, self.reference_problem)
            if outcome.outside_reference:
                problem = _first_domain_problem(compiled, outcome.outside_reference,
                                                self.reference_fact)
                assert problem is not None
                return _invalid(compiled, steps, problem)
            reference_value = state.reference[i]
            steps.append(ReferenceUsed(reference.id, reference_value, compiled.unit, reference.zh))
            thresholds = tuple((op, reference_value) for op, _ in compiled.bounds)
        if rule.precision is not None:
            rounded = state.judged[i]
            steps.append(Rounded(rule.precision, value, rounded))
            value = rounded
        holds_all = _compared(outcome, i, steps, value, thresholds, rule.id)
        return finish_verdict(compiled, steps, holds_all, value, thresholds)


    def _change_verdict(self, state: _RunState, outcome: _Outcomes) -> Verdict:
        """A change or growth, once its value is read and in the domain: the problems in the
        native engine's order, then the change the session measured and its comparisons."""
        compiled = self.plan.compiled
        rule = compiled.rule
        change = rule.change
        assert change is not None
        i = self.plan.index
        steps = self.steps
        base_fact = self.base_fact
        if base_fact is None:
            return Verdict(rule, rule.id, Status.UNKNOWN, unit=compiled.judged_unit,
                           steps=tuple(steps), missing=(rule.baseline_id,))
        steps.extend(self.base_steps)
        if self.base_problem is not None:
            return _invalid(compiled, steps, self.base_problem)
        if outcome.outside_base:
            problem = _first_domain_problem(compiled, outcome.outside_base, base_fact)
            assert problem is not None
            return _invalid(compiled, steps, problem)
        if self.years_problem is not None:
            return _invalid(compiled, steps, self.years_problem)
        if "base" in outcome.nonpositive:
            return _invalid(compiled, steps, nonpositive_problem(
                change.measure, "base", state.base[i], base_fact))
        if "v" in outcome.nonpositive:
            return _invalid(compiled, steps, nonpositive_problem(
                change.measure, "value", state.value[i], self.fact))
        measured = state.changes.get(i)
        if measured is None:
            raise DurableEngineError(f"rule {rule.id!r}: the session measured no change")
        steps.append(measured)
        value = measured.change
        if rule.precision is not None and change.measure != "compound":
            rounded = state.judged[i]
            steps.append(Rounded(rule.precision, value, rounded))
            value = rounded
        thresholds = compiled.thresholds
        holds_all = _compared(outcome, i, steps, value, thresholds, rule.id)
        if holds_all:
            return Verdict(rule, rule.id, Status.MET, Severity.NONE, value, compiled.judged_unit,
                           thresholds, tuple(steps))
        return Verdict(rule, rule.id, Status.NOT_MET, compiled.miss_severity, value,
                       compiled.judged_unit, thresholds, tuple(steps))


def _compared(outcome: _Outcomes, i: int, steps: list[Step], value: Fraction,
              thresholds: tuple[tuple[Op, Fraction], ...], rule_id: str) -> bool:
    """Record the session's judgement of each threshold; whether all of them hold."""
    holds_all = True
    for j, (op, threshold) in enumerate(thresholds):
        holds = _decided(outcome, j, i)
        steps.append(Compared(value, op, threshold, holds))
        holds_all = holds_all and holds
    if not thresholds and not outcome.ready:
        raise DurableEngineError(f"rule {rule_id!r}: the session reached no judgement")
    return holds_all


def _decided(outcome: _Outcomes, j: int, i: int) -> bool:
    try:
        return outcome.compared[j]
    except KeyError:
        raise DurableEngineError(f"rule {i}: comparison {j} was not decided by the session") from None


def _first_domain_problem(compiled: CompiledRule, outside: frozenset[str],
                          fact: Fact | None) -> Unusable | None:
    for which in _DOMAIN_ORDER:
        if which in outside:
            return domain_problem(compiled, which, fact)
    return None


def _invalid(compiled: CompiledRule, steps: list[Step], unusable: Unusable) -> Verdict:
    rule = compiled.rule
    problem = attrs.evolve(unusable.diagnostic, rule_id=rule.id)
    return Verdict(rule, rule.id, Status.INVALID, unit=compiled.unit, steps=tuple(steps),
                   problem=problem)


_ENGINES: dict[int, DurableEngine] = {}
#: Re-entrant: a plan's finalizer (:func:`_forget`) runs wherever the garbage collector does,
#: which may be inside :func:`engine_for` building another plan's engine, in the same thread
#: and with this lock held; a plain lock would deadlock there.
_ENGINES_LOCK = threading.RLock()


def engine_for(plan: Plan) -> DurableEngine:
    """The durable engine of ``plan``, built on first use and kept while the plan lives."""
    key = id(plan)
    engine = _ENGINES.get(key)
    if engine is None:
        with _ENGINES_LOCK:
            engine = _ENGINES.get(key)
            if engine is None:
                engine = DurableEngine(plan)
                _ENGINES[key] = engine
                weakref.finalize(plan, _forget, key)
    return engine


def _forget(key: int) -> None:
    with _ENGINES_LOCK:
        engine = _ENGINES.pop(key, None)
    if engine is not None:
        engine.close()

