"""qcrules: a policy plan's quantified targets as unit-aware rules, with explained verdicts.

>>> import qcrules
>>> plan = qcrules.compile_catalog(qcrules.load_catalog())      # the bundled 桐城 plan
>>> report = qcrules.evaluate(plan, {"gdp-per-capita": "85000元/人"})
>>> report["gdp-per-capita"].status
<Status.MET: 'met'>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .base import VERSION
from .base.errors import (
    CatalogError,
    Diagnostic,
    EvaluationError,
    FactError,
    Location,
    QcrulesError,
    UsageError,
)
from .base.numbers import round_gbt8170
from .catalog.load import load_catalog, loads_catalog
from .catalog.model import (
    Approximation,
    Bound,
    Catalog,
    Change,
    Commitment,
    Derivation,
    Indicator,
    Input,
    Kind,
    Op,
    Quantity,
    RatioTerms,
    Reference,
    Rule,
)
from .engine.compile import Plan, compile_catalog
from .engine.evaluate import evaluate_plan
from .engine.results import (
    Report,
    Severity,
    Status,
    Trajectory,
    TrajectoryCategory,
    TrajectoryStatus,
    Verdict,
)
from .facts.load import load_facts
from .facts.model import Fact, FactForm, FactSet
from .facts.periods import facts_by_period, one_period, period_argument, with_base_values
from .facts.read import as_fact_set, facts_from_data
from .progress.series import Progress, track
from .progress.series import progress as _progress
from .report.explain import Explanation, explain
from .report.render import render, report_to_dict

if TYPE_CHECKING:
    from .drafting.build import Draft, draft
    from .drafting.compare import Comparison, compare_catalogs
    from .drafting.targets import Finding
    from .durable.monitor import Monitor, VerdictChange
    from .engine.table import TableResult, UnmatchedColumnWarning

__version__ = VERSION

#: Names whose modules are imported when first asked for, not with ``import qcrules``: the
#: table path (with NumPy and narwhals), drafting and the monitor, which checking a fact set
#: does not need.
_LAZY = {"TableResult": "engine.table", "UnmatchedColumnWarning": "engine.table",
         "Draft": "drafting.build", "draft": "drafting.build", "Comparison": "drafting.compare",
         "compare_catalogs": "drafting.compare", "Finding": "drafting.targets",
         "Monitor": "durable.monitor", "VerdictChange": "durable.monitor"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # asked once
        return value
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


ENGINES = ("native", "durable")


def _not_a_catalog(catalog: object) -> UsageError:
    msg = f"expected a Catalog or a compiled Plan, got {type(catalog).__name__}"
    return UsageError(Diagnostic("QC400", msg, field="catalog", expected="Catalog or Plan",
                                 got=type(catalog).__name__))


def _plan(catalog: Catalog | Plan) -> Plan:
    if isinstance(catalog, Plan):
        return catalog
    if isinstance(catalog, Catalog):
        return compile_catalog(catalog)
    raise _not_a_catalog(catalog)


def dump_catalog(catalog: Catalog | Plan) -> str:
    """The catalogue (or a compiled plan's catalogue) as YAML text in the catalogue format.

    ``loads_catalog(dump_catalog(catalog)) == catalog`` for every catalogue qcrules loads or
    :mod:`qcrules.strategies` builds: bounds keep the catalogue's words, numbers are exact
    decimals, comments and key order of the original file are not kept. A bound built in
    Python without ``words`` is written with symbols (``>= 98 %``) and loads back with those
    words.

    Raises:
        UsageError: not a catalogue (QC400), or a number with no exact decimal form, such as a
            threshold of 1/3 built in Python (QC420).
    """
    from .catalog.dump import dump_catalog as dump  # with the first catalogue written

    if isinstance(catalog, Plan):
        return dump(catalog.catalog)
    if isinstance(catalog, Catalog):
        return dump(catalog)
    raise _not_a_catalog(catalog)


def _run(engine: str) -> Callable[[Plan, FactSet], Report]:
    """The engine's evaluation of one fact set of one period."""
    if engine == "native":
        return evaluate_plan
    if engine == "durable":
        from .durable import durable_engine_for  # durable_rules is loaded only when asked for

        return lambda plan, facts: durable_engine_for(plan).evaluate(facts)
    raise UsageError(Diagnostic("QC401", f"unknown engine {engine!r}", field="engine",
                                expected=" or ".join(ENGINES), got=engine))


def _facts_of(facts: FactSet | Mapping[str, Any] | Iterable[Fact], period: str | int | None,
              what: str = "facts", plan: Plan | None = None) -> FactSet:
    """Read the facts and keep those of ``period`` (a series needs one), with the base values
    of the plan's changes and growths from their base years in the series."""
    chosen = period_argument(period, "period") if period is not None else None
    return one_period(as_fact_set(facts), chosen, what=what,
                      bases=plan.bases if plan is not None else None)


def evaluate(catalog: Catalog | Plan, facts: FactSet | Mapping[str, Any] | Iterable[Fact], *,
             engine: str = "native",
             baseline: FactSet | Mapping[str, Any] | Iterable[Fact] | None = None,
             period: str | int | None = None, method: str | None = None) -> Report:
    """Evaluate one fact set against a catalogue (compiled on the fly) or a compiled plan.

    ``facts`` is a :class:`FactSet` (from :func:`load_facts`), a plain mapping of fact id or
    indicator name to value (``{"gdp-per-capita": "8.2万元/人"}``), or an iterable of facts.
    With ``period`` (``2026``, ``"2026Q3"``), only the facts of that period are evaluated; a
    fact set holding several periods (``FactSet.series``) needs it. With ``baseline`` (the
    facts of an earlier period), every verdict also carries a :class:`Trajectory` toward its
    deadline; both fact sets then need a ``period``. A change or growth with a base year
    (比2020年…, ``base: 2020``) takes its base value from the indicator's fact of that year in
    the series or the baseline, unless ``<rule-id>.baseline`` is given. ``method`` (``path``,
    ``sdg``, ``un``) judges every trajectory, instead of each rule's or the catalogue's
    ``progress.method``.

    The way through is one: the facts are read and their period chosen (``qcrules.facts``),
    the engine evaluates them (``qcrules.engine`` or ``qcrules.durable``), and only then, with
    a baseline, trajectories are added (``qcrules.progress``).

    Raises:
        UsageError: an unknown engine or a wrong argument type; a ``period`` that is not one
            (QC207); an unknown ``method`` (QC142).
        FactError: facts of several periods and no ``period`` (QC210); no facts of ``period``
            (QC211); facts of several regions (QC215: ``evaluate_frame`` judges them all);
            with a baseline, a missing or unreadable period (QC207, QC208).
        EvaluationError: a baseline period that does not come first (QC209).
    """
    plan = _plan(catalog)
    run = _run(engine)
    fact_set = _facts_of(facts, period, plan=plan)
    base_set = _facts_of(baseline, None, "baseline facts") if baseline is not None else None
    if base_set is not None:
        fact_set = with_base_values(fact_set, [base_set], plan.bases)
    report = run(plan, fact_set)
    if base_set is None:
        return report
    return track(report, fact_set, run(plan, base_set), base_set, method=method)


def evaluate_many(catalog: Catalog | Plan,
                  fact_sets: Iterable[FactSet | Mapping[str, Any]], *,
                  engine: str = "native") -> Iterator[Report]:
    """Evaluate many fact sets (one per region or period) against one compiled plan, one at a
    time as the iterator is read: a report per fact set, in order. Fact sets given by a
    generator are read one by one, so a million of them take the memory of one (keep the
    reports with ``list(...)``). The catalogue and engine are checked at the call; a fact set
    raises, as :func:`evaluate` does, when its turn comes.

    Raises:
        UsageError: not a catalogue or plan, an unknown engine, ``fact_sets`` not iterable.
    """
    plan = _plan(catalog)
    run = _run(engine)
    if not isinstance(fact_sets, Iterable) or isinstance(fact_sets, (str, bytes, Mapping)):
        name = type(fact_sets).__name__
        raise UsageError(Diagnostic(
            "QC400", f"expected an iterable of fact sets, got {name}", field="fact_sets",
            expected="fact sets (FactSet or mappings), e.g. a list or a generator", got=name))
    return (run(plan, _facts_of(facts, None, plan=plan)) for facts in fact_sets)


def progress(catalog: Catalog | Plan,
             fact_sets: FactSet | Mapping[str, Any] | Iterable[FactSet | Mapping[str, Any]], *,
             baseline: str | int | None = None, method: str | None = None) -> Progress:
    """Evaluate the fact sets of several periods (one per period, in any order) as a series.

    Each fact set needs a period (``{"period": 2024, "facts": {...}}``, or a fact file's
    ``period:``); one fact set may hold the whole series (a file with a 时期 column, or
    ``facts:`` as a list of facts each with its ``period``), given alone or among others. The
    result holds every period's report, oldest first; the latest carries a
    :class:`Trajectory` on every verdict, judged from ``baseline`` (a period such as ``2024``;
    default: the earliest) by ``method`` (``path``, ``sdg``, ``un``; default: each rule's
    ``progress.method``, else the catalogue's). ``Progress.series(rule_id)`` gives one target's
    verdicts over time.

    Raises:
        FactError: a missing or unreadable period, a conflict within a period, fewer than two
            periods (QC204, QC207, QC208), or a baseline that is not one of the periods before
            the latest (QC209).
        UsageError: a ``baseline`` that is not a period (QC207); an unknown ``method`` (QC142).
    """
    start = period_argument(baseline, "baseline") if baseline is not None else None
    if isinstance(fact_sets, (FactSet, Mapping)):
        fact_sets = [fact_sets]
    grouped = facts_by_period([as_fact_set(facts) for facts in fact_sets])
    return _progress(_plan(catalog), grouped, baseline=start, method=method)


def evaluate_table(catalog: Catalog | Plan, table: Mapping[str, Any], *,
                   units: Mapping[str, str] | None = None) -> TableResult:
    """Evaluate many fact sets given as columns (one row per region or period) at once.

    ``table`` maps fact keys to equal-length columns (lists, NumPy arrays, series), or is an
    eager data frame (pandas, Polars, PyArrow …); rows are read by position and nulls mean
    missing. ``units`` gives each numeric column's unit. Statuses are identical to evaluating
    each row alone; ``TableResult.report(row)`` gives the full report of the ``row``-th row.
    A column that matches no rule is reported once (``QC202`` in ``TableResult.diagnostics``
    and an :class:`UnmatchedColumnWarning`).

    Raises:
        EvaluationError: columns of different lengths.
        UsageError: a table that is neither a mapping of columns nor a data frame (QC400).
    """
    from .engine.table import evaluate_table as evaluate_columns

    return evaluate_columns(_plan(catalog), table, units=units)


def evaluate_frame(catalog: Catalog | Plan, frame: Any, *, layout: str = "wide",
                   units: Mapping[str, str] | None = None,
                   keys: Sequence[str] = ("region", "period"), details: bool = True) -> Any:
    """Evaluate a whole province at once: one result row per (region, period, rule).

    ``frame`` is a pandas, Polars or PyArrow data frame, or a Dask, DuckDB, PySpark or Polars
    lazy frame; the result is a frame of the same library (eager in, eager out; lazy in, lazy out).
    ``layout="wide"``: one row per key, one column per fact key, ``units`` per column;
    ``layout="long"``: columns ``indicator``, ``value`` and optionally ``unit`` and ``source``
    beside the ``keys``. Nulls mean missing; a column or indicator matching no rule is
    reported once (``UnmatchedColumnWarning``, QC202). Statuses equal the per-row engine's.

    Raises:
        UsageError: not a data frame (QC400); an unknown layout or a missing column (QC411).
        FactError: a long frame giving one indicator twice for one key (QC204).
    """
    from .frames.evaluate import evaluate_frame as evaluate_whole_frame

    return evaluate_whole_frame(_plan(catalog), frame, layout=layout, units=units, keys=keys,
                                details=details)


__all__ = [
    "ENGINES",
    "Approximation",
    "Bound",
    "Catalog",
    "CatalogError",
    "Change",
    "Commitment",
    "Comparison",
    "Derivation",
    "Diagnostic",
    "Draft",
    "EvaluationError",
    "Explanation",
    "Fact",
    "FactError",
    "FactForm",
    "FactSet",
    "Finding",
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
    "TrajectoryCategory",
    "TrajectoryStatus",
    "UnmatchedColumnWarning",
    "UsageError",
    "Verdict",
    "VerdictChange",
    "__version__",
    "compare_catalogs",
    "compile_catalog",
    "draft",
    "dump_catalog",
    "evaluate",
    "evaluate_frame",
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
