"""Live monitoring: current facts, updated one at a time, and the verdicts that change.

A :class:`Monitor` holds one fact set and the verdict of every rule of a compiled plan. Each
update (a fact set, replaced or retracted) re-judges only the rules that read that fact - the
rule's own value (by id or Chinese name), the inputs of its derived indicator, its reference or
assigned target - and reports the rules whose status changed as :class:`VerdictChange` values,
to the caller and to an ``on_change`` callback. The dependency index is built once, from the
plan's fact-name index (:attr:`Plan.keys`).

With ``engine="durable"`` the facts live in one long-lived durable_rules session
(:class:`~qcrules.durable.engine.LiveSession`): an update retracts the affected rules' facts and
asserts them again, and the Rete network forward-chains derived indicators, joins references
and compares. Both engines give identical verdicts, so identical changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from ..base.errors import Diagnostic, FactError, UsageError
from ..catalog.model import Catalog, Rule
from ..engine.compile import Plan, compile_catalog
from ..engine.evaluate import evaluate_rule
from ..engine.results import Report, Status, Verdict
from ..facts.model import Fact, FactSet
from ..facts.periods import one_period
from ..facts.read import as_fact_set, facts_from_data

__all__ = ["Monitor", "VerdictChange"]

_ENGINES = ("native", "durable")


@attrs.frozen
class VerdictChange:
    """A rule whose status changed: the verdict before (``None``: none yet) and after.

    Both verdicts carry their steps, so ``qcrules.explain(change.after)`` words the new state.
    """

    rule_id: str
    before: Verdict | None
    after: Verdict

    @property
    def rule(self) -> Rule:
        """The rule whose verdict changed."""
        return self.after.rule

    @property
    def status(self) -> Status:
        """The new status."""
        return self.after.status


OnChange = Callable[[VerdictChange], object]


class Monitor:
    """The current facts of one plan and their verdicts, kept up to date update by update.

    ``catalog`` is a :class:`Catalog` (compiled here) or a compiled :class:`Plan`; ``engine``
    is ``"native"`` or ``"durable"``; ``on_change`` is called with each :class:`VerdictChange`,
    in catalogue order, after the update that caused it; ``facts`` are the starting facts (a
    :class:`FactSet` from :func:`load_facts`, or a mapping as for :func:`evaluate`), judged
    without calling ``on_change``; their period is that of every update (a growth's years run
    to it). Every update method returns the list of changes.

    A change is a change of *status* (met, not met, unknown, invalid). A new value with the
    same status changes the verdict but is not reported; :meth:`report` always has the
    current verdicts.

    Thread-safe: updates run one at a time, and callbacks are called in the order the changes
    happened, while the monitor's lock is held (a callback must not update the monitor that
    called it). With the durable engine, close the monitor (or use it as a context manager)
    to free its durable_rules session.

    Raises:
        UsageError: an unknown engine, or a catalogue that is neither a Catalog nor a Plan.
        FactError: (QC210) starting facts that hold a series of several periods.
    """

    def __init__(self, catalog: Catalog | Plan, *, engine: str = "native",
                 on_change: OnChange | None = None,
                 facts: FactSet | Mapping[str, Any] | None = None) -> None:
        if isinstance(catalog, Catalog):
            catalog = compile_catalog(catalog)
        if not isinstance(catalog, Plan):
            raise UsageError(Diagnostic(
                "QC400", f"expected a Catalog or a compiled Plan, got {type(catalog).__name__}",
                field="catalog", expected="Catalog or Plan", got=type(catalog).__name__))
        if engine not in _ENGINES:
            raise UsageError(Diagnostic("QC401", f"unknown engine {engine!r}", field="engine",
                                        expected=" or ".join(_ENGINES), got=str(engine)))
        self._plan = catalog
        self._engine = engine
        self._on_change = on_change
        self._lock = threading.RLock()
        self._notifying: int | None = None
        positions = {compiled.rule.id: i for i, compiled in enumerate(catalog.rules)}
        self._index: dict[str, tuple[int, ...]] = {
            key: tuple(sorted(positions[rule_id] for rule_id in rule_ids))
            for key, rule_ids in catalog.keys.items()}
        start = one_period(as_fact_set(facts)) if facts is not None else FactSet()
        self._region, self._period = start.region, start.period
        self._sources = start.sources
        self._facts: dict[str, Fact] = {}
        self._live = None
        if engine == "durable":
            from . import durable_engine_for  # durable_rules is loaded only when asked for

            self._live = durable_engine_for(catalog).session()
        self._verdicts: list[Verdict] = [
            Verdict(compiled.rule, compiled.rule.id, Status.UNKNOWN)
            for compiled in catalog.rules]
        self._check_keys(start.facts)
        self._facts.update(start.facts)
        for i, verdict in self._judge(range(len(catalog.rules))).items():
            self._verdicts[i] = verdict

    # -- reading ---------------------------------------------------------------

    @property
    def plan(self) -> Plan:
        """The compiled plan the monitor judges."""
        return self._plan

    @property
    def engine(self) -> str:
        """``"native"`` or ``"durable"``."""
        return self._engine

    @property
    def facts(self) -> FactSet:
        """A copy of the facts held now, keyed as they were given."""
        with self._lock:
            return FactSet(dict(self._facts), region=self._region, period=self._period,
                           sources=self._sources, diagnostics=self._diagnostics())

    def depends_on(self, fact_id: str) -> tuple[str, ...]:
        """The ids of the rules that read the fact ``fact_id`` (empty for an unknown id)."""
        return tuple(self._plan.rules[i].rule.id for i in self._index.get(fact_id, ()))

    def report(self) -> Report:
        """The current verdicts as a :class:`Report` (the same as evaluating :attr:`facts`)."""
        with self._lock:
            return Report(self._plan.catalog, tuple(self._verdicts), region=self._region,
                          period=self._period, sources=self._sources,
                          diagnostics=self._diagnostics(), engine=self._engine)

    def snapshot(self) -> list[VerdictChange]:
        """Every rule's current verdict as a change from nothing (``before`` is ``None``).

        For a newcomer that wants the whole state before the changes that follow.
        """
        with self._lock:
            return [VerdictChange(v.rule_id, None, v) for v in self._verdicts]

    # -- updating ----------------------------------------------------------------

    def update(self, fact_id: str, value: Any, **meta: Any) -> list[VerdictChange]:
        """Set one fact: ``update("gdp-per-capita", "8.2万元/人", source="市统计局")``.

        ``meta`` holds the fields of a fact-file entry besides ``value``: ``unit``,
        ``source``, ``date``, ``period``, ``region``, ``note``. A value that cannot be read
        (a bad unit, NaN, an unknown field) is kept: the rules that read it are *invalid*.

        Raises:
            FactError: ``fact_id`` is read by no rule (``QC202``, with the nearest id).
            UsageError: called from this monitor's own ``on_change`` callback (``QC430``).
        """
        entry = {"value": value, **meta} if meta else value
        return self.update_many({fact_id: entry})

    def update_many(self, facts: FactSet | Mapping[str, Any]) -> list[VerdictChange]:
        """Set several facts at once; every affected rule is judged once.

        ``facts`` is a :class:`FactSet` or a mapping like the ``facts:`` of a fact file
        (``{"gdp-per-capita": "8.2万元/人", "pass-rate": {"value": 0.97, "source": "…"}}``).
        Nothing is changed if any id is read by no rule.

        Raises:
            FactError: an id read by no rule (``QC202``), or a value that is not a mapping.
            UsageError: called from this monitor's own ``on_change`` callback (``QC430``).
        """
        with self._lock:
            self._check_reentry()
            if not isinstance(facts, (FactSet, Mapping)):
                _fact_set(facts)    # raises the usage error
            self._check_keys(facts.facts if isinstance(facts, FactSet) else facts)
            fact_set = _fact_set(facts)
            self._facts.update(fact_set.facts)
            return self._rejudge(fact_set.facts)

    def retract(self, fact_id: str) -> list[VerdictChange]:
        """Remove a fact; the rules that read it become unknown (or use another name's fact).

        Retracting a fact that is not held changes nothing.

        Raises:
            FactError: ``fact_id`` is read by no rule (``QC202``).
            UsageError: called from this monitor's own ``on_change`` callback (``QC430``).
        """
        with self._lock:
            self._check_reentry()
            self._check_keys((fact_id,))
            if self._facts.pop(fact_id, None) is None:
                return []
            return self._rejudge((fact_id,))

    def close(self) -> None:
        """Free the durable_rules session (nothing to do for the native engine). Idempotent."""
        with self._lock:
            if self._live is not None:
                self._live.close()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- inside ------------------------------------------------------------------

    def _check_reentry(self) -> None:
        if self._notifying == threading.get_ident():
            raise UsageError(Diagnostic(
                "QC430", "a monitor updated from its own on_change callback", field="on_change",
                expected="a callback that records or forwards changes",
                got="a call to update, update_many or retract",
                hint="collect the changes and update after the callback returns"))

    def _check_keys(self, keys: Iterable[str]) -> None:
        problems = []
        for key in keys:
            if isinstance(key, str) and key in self._index:
                continue
            problems.append(self._plan.unmatched(str(key)))
        if problems:
            raise FactError(problems)

    def _diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(fact.problem for fact in self._facts.values() if fact.problem is not None)

    def _judge(self, indices: Iterable[int]) -> dict[int, Verdict]:
        # The period of the starting facts counts for every update (a growth's years run to it).
        fact_set = FactSet(self._facts, region=self._region, period=self._period)
        if self._live is not None:
            return self._live.judge(fact_set, indices)
        rules = self._plan.rules
        return {i: evaluate_rule(rules[i], fact_set) for i in sorted(set(indices))}

    def _rejudge(self, keys: Iterable[str]) -> list[VerdictChange]:
        affected = {i for key in keys for i in self._index[key]}
        changes = []
        for i, after in sorted(self._judge(affected).items()):
            before = self._verdicts[i]
            self._verdicts[i] = after
            if after.status is not before.status:
                changes.append(VerdictChange(after.rule_id, before, after))
        callback = self._on_change
        if callback is not None and changes:
            self._notifying = threading.get_ident()
            try:
                for change in changes:
                    callback(change)
            finally:
                self._notifying = None
        return changes


def _fact_set(facts: FactSet | Mapping[str, Any]) -> FactSet:
    if isinstance(facts, FactSet):
        return facts
    if not isinstance(facts, Mapping):
        raise UsageError(Diagnostic(
            "QC400", f"expected a mapping of fact id to value, got {type(facts).__name__}",
            field="facts", expected="a mapping or a FactSet", got=type(facts).__name__))
    # Always the structured form, so that a fact id such as "facts" is read as an id.
    return facts_from_data({"facts": facts})
