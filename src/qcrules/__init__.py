"""qcrules: a policy plan's quantified targets as unit-aware rules, with explained verdicts.

>>> import qcrules
>>> plan = qcrules.compile_catalog(qcrules.load_catalog())      # the bundled 桐城 plan
>>> report = qcrules.evaluate(plan, {"gdp-per-capita": "85000元/人"})
>>> report["gdp-per-capita"].status
<Status.MET: 'met'>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._compile import Plan, compile_catalog
from ._dump import dump_catalog
from ._errors import (
    CatalogError,
    Diagnostic,
    EvaluationError,
    FactError,
    Location,
    QcrulesError,
    UsageError,
)
from ._evaluate import evaluate_plan
from ._explain import Explanation, explain
from ._facts import FactSet, facts_from_data
from ._load import load_catalog, load_facts, loads_catalog
from ._model import (
    Bound,
    Catalog,
    Commitment,
    Derivation,
    Fact,
    FactForm,
    Indicator,
    Input,
    Kind,
    Op,
    Quantity,
    RatioTerms,
    Reference,
    Rule,
)
from ._monitor import Monitor, VerdictChange
from ._numbers import round_gbt8170
from ._periods import period_argument
from ._progress import Progress
from ._render import render, report_to_dict
from ._results import Report, Severity, Status, Verdict
from ._table import TableResult
from ._trajectory import Trajectory, TrajectoryStatus

__version__ = "0.1.0"

ENGINES = ("native", "durable")


def _plan(catalog: Catalog | Plan) -> Plan:
    if isinstance(catalog, Plan):
        return catalog
    if isinstance(catalog, Catalog):
        return compile_catalog(catalog)
    msg = f"expected a Catalog or a compiled Plan, got {type(catalog).__name__}"
    raise UsageError(Diagnostic("QC400", msg, field="catalog", expected="Catalog or Plan",
                                got=type(catalog).__name__))


def _one_period(facts: FactSet | Mapping[str, Any] | Iterable[Fact], period: str | int | None,
                what: str = "facts") -> FactSet:
    from ._evaluate import as_fact_set
    from ._progress import one_period

    chosen = period_argument(period, "period") if period is not None else None
    return one_period(as_fact_set(facts), chosen, what=what)


def evaluate(catalog: Catalog | Plan, facts: FactSet | Mapping[str, Any] | Iterable[Fact], *,
             engine: str = "native",
             baseline: FactSet | Mapping[str, Any] | Iterable[Fact] | None = None,
             period: str | int | None = None) -> Report:
    """Evaluate one fact set against a catalogue (compiled on the fly) or a compiled plan.

    ``facts`` is a :class:`FactSet` (from :func:`load_facts`), a plain mapping of fact id or
    indicator name to value (``{"gdp-per-capita": "8.2万元/人"}``), or an iterable of facts.
    With ``period`` (``2026``, ``"2026Q3"``), only the facts of that period are evaluated; a
    fact set holding several periods (``FactSet.series``) needs it. With ``baseline`` (the
    facts of an earlier period), every verdict also carries a :class:`Trajectory` toward its
    deadline; both fact sets then need a ``period``.

    Raises:
        UsageError: an unknown engine or a wrong argument type; a ``period`` that is not one
            (QC207).
        FactError: facts of several periods and no ``period`` (QC210); no facts of ``period``
            (QC211); with a baseline, a missing or unreadable period (QC207, QC208).
        EvaluationError: a baseline period that does not come first (QC209).
    """
    plan = _plan(catalog)
    fact_set = _one_period(facts, period)
    if baseline is not None:
        from ._progress import track

        base_set = _one_period(baseline, None, "baseline facts")
        return track(evaluate(plan, fact_set, engine=engine), fact_set,
                     evaluate(plan, base_set, engine=engine), base_set)
    if engine == "native":
        return evaluate_plan(plan, fact_set)
    if engine == "durable":
        from ._durable import engine_for  # durable_rules is loaded only when asked for

        return engine_for(plan).evaluate(fact_set)
    raise UsageError(Diagnostic("QC401", f"unknown engine {engine!r}", field="engine",
                                expected=" or ".join(ENGINES), got=engine))


def evaluate_many(catalog: Catalog | Plan,
                  fact_sets: Iterable[FactSet | Mapping[str, Any]], *,
                  engine: str = "native") -> list[Report]:
    """Evaluate many fact sets (one per region or period) against one compiled plan."""
    plan = _plan(catalog)
    return [evaluate(plan, facts, engine=engine) for facts in fact_sets]


def progress(catalog: Catalog | Plan,
             fact_sets: FactSet | Mapping[str, Any] | Iterable[FactSet | Mapping[str, Any]], *,
             baseline: str | int | None = None) -> Progress:
    """Evaluate the fact sets of several periods (one per period, in any order) as a series.

    Each fact set needs a period (``{"period": 2024, "facts": {...}}``, or a fact file's
    ``period:``); one fact set may hold the whole series (a file with a 时期 column, or
    ``facts:`` as a list of facts each with its ``period``), given alone or among others. The
    result holds every period's report, oldest first; the latest carries a
    :class:`Trajectory` on every verdict, judged from ``baseline`` (a period such as ``2024``;
    default: the earliest). ``Progress.series(rule_id)`` gives one target's verdicts over time.

    Raises:
        FactError: a missing or unreadable period, a conflict within a period, fewer than two
            periods (QC204, QC207, QC208), or a baseline that is not one of the periods before
            the latest (QC209).
        UsageError: a ``baseline`` that is not a period (QC207).
    """
    from ._evaluate import as_fact_set
    from ._progress import facts_by_period
    from ._progress import progress as _progress

    start = period_argument(baseline, "baseline") if baseline is not None else None
    if isinstance(fact_sets, (FactSet, Mapping)):
        fact_sets = [fact_sets]
    grouped = facts_by_period([as_fact_set(facts) for facts in fact_sets])
    return _progress(_plan(catalog), grouped, baseline=start)


def evaluate_table(catalog: Catalog | Plan, table: Mapping[str, Any], *,
                   units: Mapping[str, str] | None = None) -> TableResult:
    """Evaluate many fact sets given as columns (one row per region or period) at once.

    ``table`` maps fact keys to equal-length columns (lists, NumPy arrays, or a data frame);
    ``units`` gives each numeric column's unit. Statuses are identical to evaluating each row
    alone; ``TableResult.report(row)`` gives a row's full report.

    Raises:
        EvaluationError: columns of different lengths.
    """
    from ._table import evaluate_table as _evaluate_table

    return _evaluate_table(_plan(catalog), table, units=units)


__all__ = [
    "ENGINES",
    "Bound",
    "Catalog",
    "CatalogError",
    "Commitment",
    "Derivation",
    "Diagnostic",
    "EvaluationError",
    "Explanation",
    "Fact",
    "FactError",
    "FactForm",
    "FactSet",
    "Indicator",
    "Input",
    "Kind",
    "Location",
    "Monitor",
    "Op",
    "Plan",
    "Progress",
    "QcrulesError",
    "Quantity",
    "RatioTerms",
    "Reference",
    "Report",
    "Rule",
    "Severity",
    "Status",
    "TableResult",
    "Trajectory",
    "TrajectoryStatus",
    "UsageError",
    "Verdict",
    "VerdictChange",
    "__version__",
    "compile_catalog",
    "dump_catalog",
    "evaluate",
    "evaluate_many",
    "evaluate_table",
    "explain",
    "facts_from_data",
    "load_catalog",
    "load_facts",
    "loads_catalog",
    "progress",
    "render",
    "report_to_dict",
    "round_gbt8170",
]
