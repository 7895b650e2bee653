"""The lazy path: verdicts computed in the backend (Dask, DuckDB, PySpark, a Polars LazyFrame).

A wide frame is unpivoted to the long layout first. Each fact row that feeds a rule gets, as
backend expressions, its value in the rule's unit (the float factor of its unit, chosen by a
``when/then`` on its indicator and unit), the rule's domain checks and comparisons in the
engine's order, and a code: met, not met, invalid, *band* (within the float-noise band
:data:`qcrules.engine.table.NOISE_BAND` of a threshold or of the domain's edge) or *driver*
(what the expressions do not decide). Rows with a placeholder for every distinct key and rule
are added, and a ``group_by`` on the keys and the rule gives one row per (key, rule): no fact is
the verdict of an empty fact set (unknown), one fact its code, several facts for one rule (the
id and the Chinese name both given, or a repeat) the driver's.

Only the (key, rule) rows coded *band* or *driver* (and, with details, *invalid*, whose
diagnostic the exact path names) are collected, with the facts that feed them, and judged on
the driver by the eager path (:func:`qcrules.frames.eager.evaluate_eager`), which rechecks
them exactly; those rows go back to the backend and replace the band ones. The result stays a
lazy frame of the backend it came from, in no particular row order.

The backend decides a numeric rule with fixed thresholds (floor, ceiling, strict, equality,
count, rank, a ratio given as a number) and a boolean rule given 1 or 0. The driver decides:
a value column of text (quantity strings such as ``"8.2万元/人"``: every row); a unit the
rule's factor table does not know or that is incompatible; a ratio given with a unit; a
rule with a precision (rounded comparison), a reference or assigned threshold, a derived
formula, a change or growth; and a value that overflows a float.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import narwhals as nw

from ..catalog.model import Op
from ..catalog.units import UnitProblem
from ..engine.compile import CompiledRule, Plan
from ..engine.evaluate import evaluate_rule
from ..engine.results import Severity, Status
from ..engine.table import NOISE_BAND, STATUS_ORDER, unmatched_columns, warn_unmatched
from ..facts.model import FactSet
from .eager import RESULT_COLUMNS, evaluate_eager

__all__ = ["as_lazy", "evaluate_lazy", "exact_on_driver"]

MET, NOT_MET, UNKNOWN, INVALID = (STATUS_ORDER.index(s) for s in
                                  (Status.MET, Status.NOT_MET, Status.UNKNOWN, Status.INVALID))
BAND, DRIVER = -1, -2
_TINY = 1e-300   # the band is never narrower than the smallest normal floats
_HUGE = 1.7976931348623157e308
_WHOLE = 2.0**53
_COMPARE: dict[Op, Callable[[Any, Any], Any]] = {
    Op.GE: lambda x, t: x >= t, Op.GT: lambda x, t: x > t, Op.LE: lambda x, t: x <= t,
    Op.LT: lambda x, t: x < t, Op.EQ: lambda x, t: x == t}
_FLOAT = nw.Float64()
_TEXT = nw.String()
_CODE = nw.Float64()  # codes as floats: a null is NaN in every backend, pandas too


def _nest(branches: Sequence[tuple[Any, Any]], otherwise: Any) -> Any:
    """``when(c1).then(v1)`` … ``otherwise(v)``, as nested single ``when`` expressions."""
    out = otherwise
    for condition, value in reversed(branches):
        out = nw.when(condition).then(value).otherwise(out)
    return out


def _lit(value: Any, dtype: Any) -> Any:
    return nw.lit(value, dtype)


def _near(x: Any, threshold: float) -> Any:
    """Rows within the noise band of a fixed threshold: the window of ``engine.table``."""
    half = max(2 * NOISE_BAND * abs(threshold), _TINY)
    return (x >= threshold - half) & (x <= threshold + half)


def expressed(plan: Plan, compiled: CompiledRule) -> bool:
    """Whether the backend decides this rule's rows (see the module's docstring)."""
    rule = compiled.rule
    names = {name for name, ids in plan.keys.items() if rule.id in ids}
    if not names <= {rule.id, rule.indicator.zh}:
        return False
    if not rule.kind.numeric:
        return True
    return not (compiled.needs_reference or compiled.needs_base or rule.derivation is not None
                or rule.precision is not None)


def _factor(compiled: CompiledRule, unit: str | None) -> float | None:
    """The float factor from a fact's unit to the rule's unit, as the vectorised path reads it;
    ``None`` when the driver must decide."""
    if compiled.reads_ratio and unit:
        return None
    try:
        if unit is None:
            return float(compiled.factor("1")) if compiled.percent_like else 1.0
        factor = float(compiled.factor(unit))
    except (UnitProblem, OverflowError):
        return None
    return factor if math.isfinite(factor) and factor != 0 else None


def _scale(compiled: CompiledRule, pairs: Sequence[tuple[str, str | None]],
           units: Mapping[str, str]) -> Any:
    """The factor of each row's (indicator, unit), as one expression (null: the driver's)."""
    factors = {(indicator, unit): _factor(compiled, unit if unit is not None
                                          else units.get(indicator))
               for indicator, unit in pairs}
    distinct = set(factors.values())
    if len(distinct) == 1:
        return _lit(distinct.pop(), _FLOAT)
    indicator, unit = nw.col("indicator"), nw.col("unit")
    branches = [((indicator == i) & (unit.is_null() if u is None else unit == u), _lit(f, _FLOAT))
                for (i, u), f in factors.items()]
    return _nest(branches, _lit(None, _FLOAT))


def _numeric(compiled: CompiledRule, scale: Any) -> tuple[Any, Any, Any, Any]:
    """(value in the rule's unit, code, threshold, margin) of a numeric rule's fact rows."""
    x = nw.col("value") * scale
    limits = [compiled.minimum, compiled.maximum, *(t for _, t in compiled.bounds)]
    if all(t is None or t.denominator == 1 for t in limits):
        # A whole number read without conversion compares exactly with whole limits.
        whole = (scale == 1.0) & (x.round(0) == x) & (x.abs() < _WHOLE)
    else:
        whole = _lit(False, nw.Boolean())
    branches: list[tuple[Any, Any]] = [(scale.is_null() | (x.abs() > _HUGE), DRIVER)]
    for limit, outside in ((compiled.minimum, lambda v, t: v < t),
                           (compiled.maximum, lambda v, t: v > t)):
        if limit is not None:
            branches += [(_near(x, float(limit)) & ~whole, BAND),
                         (outside(x, float(limit)), INVALID)]
    if compiled.whole:
        fractional = x.round(0) != x
        if compiled.whole_scale == 1:
            # The float is the reported number itself: a fraction in it is a fraction.
            branches.append((fractional & (scale == 1.0), INVALID))
        branches.append((fractional, BAND))
    thresholds = [(op, float(t)) for op, t in compiled.bounds if t is not None]
    holds = _lit(True, nw.Boolean())
    for op, t in thresholds:
        branches.append((_near(x, t) & ~whole, BAND))
        holds = holds & _COMPARE[op](x, t)
    code = _nest([(c, _lit(v, _CODE)) for c, v in branches],
                 nw.when(holds).then(_lit(MET, _CODE)).otherwise(_lit(NOT_MET, _CODE)))
    margins = [(x - t if op.lower else t - x if op.upper else -(x - t).abs(), t)
               for op, t in thresholds]
    if not margins:
        return x, code, _lit(None, _FLOAT), _lit(None, _FLOAT)
    margin, threshold = margins[-1][0], _lit(margins[-1][1], _FLOAT)
    for m, t in reversed(margins[:-1]):  # the nearest bound; the first on a tie
        closer = m <= margin
        margin, threshold = (nw.when(closer).then(m).otherwise(margin),
                             nw.when(closer).then(_lit(t, _FLOAT)).otherwise(threshold))
    return x, code, threshold, margin


def _fact_rows(plan: Plan, facts: nw.LazyFrame[Any], keys: Sequence[str],
               pairs: Sequence[tuple[str, str | None]], units: Mapping[str, str]) -> list[
                   nw.LazyFrame[Any]]:
    """Per rule, its fact rows with the rule's columns (value in its unit, code, ...)."""
    parts = []
    for compiled in plan.rules:
        rule = compiled.rule
        names = sorted(name for name, ids in plan.keys.items() if rule.id in ids)
        own = [(i, u) for i, u in pairs if i in names]
        if not own:
            continue
        x: Any = _lit(None, _FLOAT)
        threshold: Any = _lit(None, _FLOAT)
        margin: Any = _lit(None, _FLOAT)
        if not expressed(plan, compiled):
            code: Any = _lit(DRIVER, _CODE)
        elif not rule.kind.numeric:
            value = nw.col("value")
            code = _nest([(value == 1, _lit(MET, _CODE)), (value == 0, _lit(NOT_MET, _CODE))],
                         _lit(DRIVER, _CODE))
        else:
            x, code, threshold, margin = _numeric(compiled, _scale(compiled, own, units))
        parts.append(facts.filter(nw.col("indicator").is_in(names)).select(
            *keys, _lit(rule.id, _TEXT).alias("rule"), "indicator", "value", "unit",
            x.cast(_FLOAT).alias("x"), code.cast(_CODE).alias("code"),
            threshold.cast(_FLOAT).alias("threshold"), margin.cast(_FLOAT).alias("margin")))
    return parts


def _rule_table(plan: Plan) -> dict[str, list[Any]]:
    """The per-rule constants: names, commitment, miss severity, and an empty set's verdict."""
    table: dict[str, list[Any]] = {name: [] for name in (
        "rule", "r_indicator", "r_unit", "r_commitment", "r_clause", "r_miss", "r_empty",
        "r_empty_code")}
    for compiled in plan.rules:
        rule = compiled.rule
        empty = evaluate_rule(compiled, FactSet({}))
        for name, value in (("rule", rule.id), ("r_indicator", rule.indicator.zh),
                            ("r_unit", compiled.unit), ("r_commitment", rule.commitment.value),
                            ("r_clause", rule.clause),
                            ("r_miss", Severity.for_miss(rule.commitment).value),
                            ("r_empty", STATUS_ORDER.index(empty.status)),
                            ("r_empty_code", empty.problem.code if empty.problem else None)):
            table[name].append(value)
    return table


_RULE_SCHEMA = {"rule": _TEXT, "r_indicator": _TEXT, "r_unit": _TEXT, "r_commitment": _TEXT,
                "r_clause": _TEXT, "r_miss": _TEXT, "r_empty": _CODE, "r_empty_code": _TEXT}


def _by_rule(values: Mapping[str, Any], dtype: Any) -> Any:
    """A per-rule constant as an expression on the ``rule`` column."""
    groups: dict[Any, list[str]] = {}
    for rule, value in values.items():
        groups.setdefault(value, []).append(rule)
    common = max(groups, key=lambda v: len(groups[v]))
    return _nest([(nw.col("rule").is_in(rules), _lit(value, dtype))
                  for value, rules in groups.items() if value != common], _lit(common, dtype))


def as_lazy(eager: nw.DataFrame[Any], like: nw.LazyFrame[Any], frame: Any) -> nw.LazyFrame[Any]:
    """A small driver-side frame as a lazy frame that combines with ``like`` (``frame``'s
    native form): the same Spark session, the same DuckDB connection."""
    if like.implementation is nw.Implementation.DUCKDB:
        # A relation joins only relations of its own connection; the connection reads an
        # Arrow table of the calling scope by name.
        _qc_rows = eager.to_arrow()
        return nw.from_native(frame.query("_qc_frame", "select * from _qc_rows"))
    session = getattr(frame, "sparkSession", None)
    options: dict[str, Any] = {"session": session} if session is not None else {}
    return eager.lazy(backend=like.implementation, **options)


def _small(data: Mapping[str, list[Any]], schema: Mapping[str, Any], like: nw.LazyFrame[Any],
           frame: Any) -> nw.LazyFrame[Any]:
    kind = like.implementation
    eager = nw.from_dict(dict(data), schema=dict(schema), backend=(
        "polars" if kind is nw.Implementation.POLARS
        else "pandas" if kind is nw.Implementation.DASK else "pyarrow"))
    return as_lazy(eager, like, frame)


def _long(native: nw.LazyFrame[Any], plan: Plan, layout: str, keys: Sequence[str],
          units: Mapping[str, str]) -> nw.LazyFrame[Any] | None:
    """The frame as long rows of keys, indicator, value (float), unit (text), or ``None``
    when the value column is not numeric (the driver reads every row then)."""
    schema = native.collect_schema()
    if layout == "long":
        if not schema["value"].is_numeric():
            return None
        unit = nw.col("unit").cast(_TEXT) if "unit" in schema else _lit(None, _TEXT)
        return native.select(*keys, nw.col("indicator").cast(_TEXT),
                             nw.col("value").cast(_FLOAT), unit.alias("unit"))
    columns = [c for c in schema.names() if c not in keys]
    if not all(schema[c].is_numeric() and schema[c] != nw.Boolean() for c in columns):
        return None
    warn_unmatched(unmatched_columns(plan, columns))
    known = [c for c in columns if c in plan.keys]
    if not known:
        known = columns[:1]
    if not known:
        return None
    # One select per column, stacked: an unpivot that every backend runs on its own
    # connection (narwhals' DuckDB unpivot reads the default one).
    return nw.concat([native.select(*keys, _lit(c, _TEXT).alias("indicator"),
                                    nw.col(c).cast(_FLOAT).alias("value"),
                                    _lit(units.get(c), _TEXT).alias("unit")) for c in known],
                     how="vertical")


def exact_on_driver(plan: Plan, rows: nw.DataFrame[Any], units: Mapping[str, str],
                    keys: Sequence[str], details: bool) -> nw.DataFrame[Any]:
    """The collected fact rows of the (key, rule) pairs the backend did not decide, judged
    exactly by the eager path: a result row for every rule of each of their keys."""
    return evaluate_eager(plan, rows, layout="long", units=units, keys=keys, details=details)


def evaluate_lazy(plan: Plan, native: nw.LazyFrame[Any], frame: Any, *, layout: str,
                  units: Mapping[str, str], keys: Sequence[str],
                  details: bool) -> nw.LazyFrame[Any] | None:
    """The result of :func:`qcrules.evaluate_frame` for a lazy frame, computed in its backend;
    ``None`` when the frame must be read on the driver (a text value column, no keys)."""
    if not keys or not plan.rules:
        return None
    long = _long(native, plan, layout, keys, units)
    if long is None:
        return None
    pairs: list[tuple[str, str | None]] = [
        (str(i), None if u is None else str(u)) for i, u in
        long.select("indicator", "unit").unique().collect().iter_rows()]
    if layout == "long":
        names = sorted({i for i, _ in pairs})
        warn_unmatched(unmatched_columns(plan, names, "indicator"))
    pairs = [(i, u) for i, u in pairs if i in plan.keys]
    value = nw.col("value")
    facts = long.filter(~(value.is_null() | value.is_nan()).fill_null(False))
    table = _rule_table(plan)
    rules = _small({"rule": table["rule"]}, {"rule": _TEXT}, native, frame)
    placeholders = long.select(*keys).unique().join(rules.select("rule"), how="cross").select(
        *keys, "rule", *(_lit(None, dtype).alias(name) for name, dtype in (
            ("indicator", _TEXT), ("value", _FLOAT), ("unit", _TEXT), ("x", _FLOAT),
            ("code", _CODE), ("threshold", _FLOAT), ("margin", _FLOAT))))
    parts = _fact_rows(plan, facts, keys, pairs, units)
    grouped = nw.concat([placeholders, *parts], how="vertical").group_by(
        *keys, "rule").agg(nw.col("value").count().alias("n"), nw.col("code").max(),
                           nw.col("x").max(), nw.col("threshold").max(),
                           nw.col("margin").max())
    n = nw.col("n")
    code = nw.when(n == 0).then(nw.col("r_empty")).otherwise(
        nw.when(n == 1).then(nw.col("code")).otherwise(_lit(DRIVER, _CODE)))
    # The rule's constants by expression, not by a join: few distinct values, few branches.
    verdicts = grouped.with_columns(
        *(_by_rule(dict(zip(table["rule"], values, strict=True)), _RULE_SCHEMA[name]).alias(name)
          for name, values in table.items() if name != "rule")).with_columns(code.alias("code"))
    final = nw.col("code")
    to_driver = (final == BAND) | (final == DRIVER)
    if details:
        to_driver = to_driver | ((final == INVALID) & (n > 0))
    needed = verdicts.filter(to_driver).select(*keys, "rule")
    decided = verdicts.filter(~to_driver)
    status = _nest([(final == i, _lit(s.value, _TEXT)) for i, s in enumerate(STATUS_ORDER)],
                   _lit(None, _TEXT))
    judged = (final == MET) | (final == NOT_MET)
    detail = (lambda e: e) if details else (lambda e: _lit(None, _FLOAT))
    out = decided.select(
        *keys, "rule", nw.col("r_indicator").alias("indicator"), status.alias("status"),
        nw.when(final == NOT_MET).then(nw.col("r_miss")).otherwise(
            _lit(Severity.NONE.value, _TEXT)).alias("severity"),
        detail(nw.when(judged).then(nw.col("x")).otherwise(_lit(None, _FLOAT))).alias("value"),
        (nw.col("r_unit") if details else _lit(None, _TEXT)).alias("unit"),
        detail(nw.when(judged).then(nw.col("threshold")).otherwise(
            _lit(None, _FLOAT))).alias("threshold"),
        detail(nw.when(judged).then(nw.col("margin")).otherwise(
            _lit(None, _FLOAT))).alias("margin"),
        nw.col("r_commitment").alias("commitment"), nw.col("r_clause").alias("clause"),
        (nw.when(n == 0).then(nw.col("r_empty_code")).otherwise(_lit(None, _TEXT))
         if details else _lit(None, _TEXT)).alias("code"))
    pending = needed.collect()
    if len(pending) == 0:
        return out
    # The facts of the pending pairs (all the rows that feed each of them), to the driver.
    facts_of = nw.concat(parts, how="vertical")
    kinds = facts_of.collect_schema()
    pairs_of = as_lazy(pending, native, frame).select(
        *(nw.col(c).cast(kinds[c]) for c in (*keys, "rule")))  # one dtype on both sides
    wanted = facts_of.with_columns(nw.col("rule").cast(kinds["rule"])).join(
        pairs_of, on=[*keys, "rule"], how="inner")
    rows = wanted.select(*keys, "indicator", "value", "unit").collect()
    judged_rows = exact_on_driver(plan, rows, units, keys, details)
    pairs_wanted = {tuple(row) for row in pending.iter_rows()}
    mask = [tuple(row) in pairs_wanted for row in judged_rows.select(*keys, "rule").iter_rows()]
    exact = judged_rows.filter(nw.new_series("_keep", mask, nw.Boolean(),
                                             backend=judged_rows.implementation))
    schema = out.collect_schema()
    back = as_lazy(exact.select(*(nw.col(c).cast(schema[c]) for c in (*keys, *RESULT_COLUMNS))),
                   native, frame)
    return nw.concat([out, back], how="vertical")

