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
count, rank, a ratio given as a number) and a boolean rule given 1 or 0. A rule with a
reference or an assigned threshold (低于全省平均, 完成上级下达的任务) is compared per key in the
backend too: the fact's row and the reference's row pass their domain checks one by one, and
after the ``group_by`` the value is compared with the key's reference (band: the driver's). A
rule with a precision (GB/T 8170, half to even on the exact decimal) is rounded in the backend
where float noise cannot move the rounding: not within the band of a half step, and compared
with a threshold that is a whole number of steps as whole steps (else outside its band). The
driver decides: a value column of text (quantity strings such as ``"8.2万元/人"``: every row);
a unit the rule's factor table does not know or that is incompatible; a ratio given with a
unit; a value on a half step of a rounding; a derived formula's inputs, a change or growth;
and a value that overflows a float.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any

import narwhals as nw

from ..catalog.model import Op
from ..catalog.units import UnitProblem
from ..engine.compile import CompiledRule, Plan
from ..engine.evaluate import evaluate_rule
from ..engine.results import Severity, Status
from ..engine.table import NOISE_BAND, NOISE_FLOOR, STATUS_ORDER, unmatched_columns, warn_unmatched
from ..facts.model import FactSet
from .eager import RESULT_COLUMNS, evaluate_eager

__all__ = ["as_lazy", "evaluate_lazy", "exact_on_driver"]

MET, NOT_MET, UNKNOWN, INVALID = (STATUS_ORDER.index(s) for s in
                                  (Status.MET, Status.NOT_MET, Status.UNKNOWN, Status.INVALID))
BAND, DRIVER = -1, -2
_HUGE = 1.7976931348623157e308
_WHOLE = 2.0**53
_FLOAT = nw.Float64()
_TEXT = nw.String()
_CODE = nw.Float64()  # codes as floats: a null is NaN in every backend, pandas too


def _nest(branches: Sequence[tuple[Any, Any]], otherwise: Any) -> Any:
    """``when(c1).then(v1)`` … ``otherwise(v)``, as nested single ``when`` expressions."""
    out = otherwise
    for condition, value in reversed(branches):
        if condition is True:
            out = value
        elif condition is not False:
            out = nw.when(condition).then(value).otherwise(out)
    return out


def _lit(value: Any, dtype: Any) -> Any:
    return nw.lit(value, dtype)


def _null(item: Any) -> bool:
    """A null as a collected cell of any backend: ``None``, NaN, pandas' ``<NA>``."""
    return item is None or item is getattr(nw.dependencies.get_pandas(), "NA", None) or (
        isinstance(item, float) and math.isnan(item))


def expressed(plan: Plan, compiled: CompiledRule) -> bool:
    """Whether the backend decides this rule from a fact of its own (see the module's
    docstring); a derived rule's inputs are the driver's even then."""
    rule = compiled.rule
    if not rule.kind.numeric:
        return True
    return not compiled.needs_base


def _referenced(compiled: CompiledRule) -> bool:
    """Whether the backend compares the rule's value with a reference of the same key: a
    numeric rule with a reference or an assigned threshold (any other with one: the driver's,
    its reference rows coded as the driver's like any fact that is not its own)."""
    return (compiled.needs_reference and compiled.rule.reference is not None
            and compiled.rule.kind.numeric)


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


#: The per-(indicator, unit, rule) constants the fact rows are joined with.
_CONSTANTS = {"indicator": _TEXT, "ukey": _TEXT, "rule": _TEXT, "c_kind": _FLOAT,
              "c_factor": _FLOAT, "c_min": _FLOAT, "c_max": _FLOAT, "c_whole": _FLOAT,
              "c_whole1": _FLOAT, "c_limits": _FLOAT, "c_t1": _FLOAT, "c_op1": _FLOAT,
              "c_t2": _FLOAT, "c_op2": _FLOAT, "c_role": _FLOAT, "c_ref": _FLOAT,
              "c_prec": _FLOAT, "c_inv": _FLOAT, "c_m1": _FLOAT, "c_m2": _FLOAT}
_OPS = (Op.GE, Op.GT, Op.LE, Op.LT, Op.EQ)
_NUMERIC, _BOOLEAN, _UNDECIDED = 1.0, 2.0, 0.0
_OWN, _REFERENCE = 1.0, 2.0
_STEPS = 2.0**50   # a rounding's step count beyond which the float cannot place the half


def _constants(plan: Plan, pairs: Sequence[tuple[str, str | None]],
               units: Mapping[str, str]) -> dict[str, list[Any]]:
    """One row per (indicator, unit) of the data and rule it feeds: how the backend judges it.

    ``c_kind`` is numeric, boolean or undecided (the driver's); a numeric row has the float
    factor from its unit to the rule's (null: the driver's), the domain's bounds, whether the
    rule counts whole things (and a fraction is invalid outright), whether all its limits are
    whole, and up to two thresholds with their operators (as indices of ``_OPS``).
    """
    table: dict[str, list[Any]] = {name: [] for name in _CONSTANTS}
    by_id = {compiled.rule.id: compiled for compiled in plan.rules}
    for indicator, unit in pairs:
        for rule_id in plan.keys[indicator]:
            compiled = by_id[rule_id]
            rule = compiled.rule
            own = indicator in (rule.id, rule.indicator.zh)
            referenced = _referenced(compiled)
            base = referenced and indicator == rule.reference.id  # type: ignore[union-attr]
            thresholds = [(op, t) for op, t in compiled.bounds]
            row: dict[str, Any] = dict.fromkeys(_CONSTANTS)
            row.update(indicator=indicator, ukey=unit or "", rule=rule_id, c_kind=_UNDECIDED,
                       c_role=_REFERENCE if base else _OWN, c_ref=float(referenced))
            fixed = all(t is not None and _fits(t) for _, t in thresholds)
            if own and not rule.kind.numeric and expressed(plan, compiled):
                row["c_kind"] = _BOOLEAN
            elif (own or base) and expressed(plan, compiled) and len(thresholds) <= 2 and (
                    fixed or referenced):
                limits = [compiled.minimum, compiled.maximum,
                          *(t for _, t in thresholds if not referenced)]
                row.update(
                    c_kind=_NUMERIC,
                    c_factor=_factor(compiled, unit if unit is not None else units.get(indicator)),
                    c_min=None if compiled.minimum is None else float(compiled.minimum),
                    c_max=None if compiled.maximum is None else float(compiled.maximum),
                    c_whole=float(compiled.whole), c_whole1=float(compiled.whole_scale == 1),
                    c_limits=float(all(t is None or t.denominator == 1 for t in limits)))
                step = rule.precision
                if step is not None:
                    row["c_prec"] = float(step)
                    inverse = 1 / Fraction(step)
                    row["c_inv"] = float(inverse) if inverse.denominator == 1 else None
                for k, (op, t) in enumerate(thresholds, start=1):
                    row[f"c_op{k}"] = float(_OPS.index(op))
                    if referenced or t is None:
                        continue
                    row[f"c_t{k}"] = float(t)
                    if step is not None:
                        steps = Fraction(t) / Fraction(step)
                        if steps.denominator == 1 and abs(steps) < _STEPS:
                            row[f"c_m{k}"] = float(steps)
            for name in _CONSTANTS:
                table[name].append(row[name])
    return table


def _fits(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _near(x: Any, t: Any) -> Any:
    """Rows within the noise band of the threshold column ``t``: the window of
    ``engine.table``. Null where ``t`` is null."""
    half = _band(t)
    return (x >= t - half) & (x <= t + half)


def _holds(x: Any, t: Any, op: Any) -> Any:
    """``x op t`` for an operator column; true where there is no threshold."""
    return t.is_null() | ((op == 0) & (x >= t)) | ((op == 1) & (x > t)) | (
        (op == 2) & (x <= t)) | ((op == 3) & (x < t)) | ((op == 4) & (x == t))


def _margin(x: Any, t: Any, op: Any) -> Any:
    """Signed toward meeting: ``x - t`` for a lower bound, ``t - x`` for an upper one, minus
    the distance for ``=`` (as :attr:`qcrules.Verdict.margin`)."""
    return nw.when(op <= 1).then(x - t).otherwise(
        nw.when(op <= 3).then(t - x).otherwise(-((x - t).abs())))


COMPARE = -3.0   # a referenced rule's row whose domain is fine: compared after the group_by


def _band(x: Any) -> Any:
    """The noise band's half width around ``x``: twice the relative band, never narrower
    than :data:`~qcrules.engine.table.NOISE_FLOOR` (as ``engine.table`` draws it)."""
    half = x.abs() * (2 * NOISE_BAND)
    return nw.when(half < NOISE_FLOOR).then(NOISE_FLOOR).otherwise(half)


def _coded(rows: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """The fact rows joined with their constants, with the value in the rule's unit (``x``,
    rounded where the rule has a precision), the code, and the nearest threshold and its
    margin; a reference's row has its value in ``y`` and its code in ``rcode``.

    The checks run in the vectorised path's order (domain, whole counts, rounding,
    thresholds); a row leaves at the first whose float answer is not certain (code *band*).
    A rounding is done here only where no float noise can move it: the value is not within
    the band of a half step (a half rounds to even on the exact decimal, the driver's), and
    the rounded value is compared with a threshold that is a whole number of steps as a
    whole number of steps, exactly, or else outside the band of the threshold. A referenced
    rule's own and reference rows pass their domain checks here and are compared per key
    after the group_by (:func:`_compared`)."""
    col = nw.col
    kind, factor, x = col("c_kind"), col("c_factor"), col("value") * col("c_factor")
    unscaled = factor == 1.0
    step = col("c_prec")
    steps = x / step
    k = steps.round(0)   # the nearest whole step: any rounding mode agrees off the half
    near_half = ((steps - k).abs() - 0.5).abs() <= _band(steps)
    rounded = nw.when(step.is_null()).then(x).otherwise(
        nw.when(col("c_inv").is_null()).then(k * step).otherwise(k / col("c_inv")))
    whole_row = (col("c_limits") == 1) & unscaled & (x.round(0) == x) & (
        x.abs() < _WHOLE) & step.is_null()
    fractional = (col("c_whole") == 1) & (x.round(0) != x)
    t1, t2, op1, op2 = col("c_t1"), col("c_t2"), col("c_op1"), col("c_op2")
    m1, m2 = col("c_m1"), col("c_m2")
    exact1, exact2 = ~m1.is_null(), ~m2.is_null()   # set only with a precision
    referenced = col("c_ref") == 1
    branches = [
        (factor.is_null() | (x.abs() > _HUGE), DRIVER),
        (_near(x, col("c_min")).fill_null(False) & ~whole_row, BAND),
        ((x < col("c_min")).fill_null(False), INVALID),
        (_near(x, col("c_max")).fill_null(False) & ~whole_row, BAND),
        ((x > col("c_max")).fill_null(False), INVALID),
        (fractional & (col("c_whole1") == 1) & unscaled, INVALID),
        (fractional, BAND),
        (referenced & (col("c_role") == _REFERENCE), COMPARE),
        (~step.is_null() & (steps.abs() >= _STEPS), DRIVER),
        (~step.is_null() & near_half, BAND),
        (referenced, COMPARE),
        (_near(rounded, t1).fill_null(False) & ~whole_row & ~exact1, BAND),
        (_near(rounded, t2).fill_null(False) & ~whole_row & ~exact2, BAND),
    ]
    holds = nw.when(exact1).then(_holds(k, m1, op1)).otherwise(_holds(rounded, t1, op1)) & (
        nw.when(exact2).then(_holds(k, m2, op2)).otherwise(_holds(rounded, t2, op2)))
    numeric = _nest([(c, _lit(v, _CODE)) for c, v in branches],
                    nw.when(holds).then(_lit(MET, _CODE)).otherwise(_lit(NOT_MET, _CODE)))
    value = col("value")
    boolean = nw.when(value == 1).then(_lit(MET, _CODE)).otherwise(
        nw.when(value == 0).then(_lit(NOT_MET, _CODE)).otherwise(_lit(DRIVER, _CODE)))
    code = nw.when(kind == _NUMERIC).then(numeric).otherwise(
        nw.when(kind == _BOOLEAN).then(boolean).otherwise(_lit(DRIVER, _CODE)))
    g1, g2 = _margin(rounded, t1, op1), _margin(rounded, t2, op2)
    first = g2.is_null() | (g1 <= g2)   # the nearer bound; the first on a tie
    numeric_row = kind == _NUMERIC
    base = col("c_role") == _REFERENCE
    nothing = _lit(None, _FLOAT)
    return rows.select(
        *(c for c in rows.collect_schema().names() if not c.startswith("c_") and c != "ukey"),
        nw.when(numeric_row & ~base).then(rounded).otherwise(nothing).alias("x"),
        nw.when(base).then(nothing).otherwise(code).alias("code"),
        nw.when(numeric_row & ~referenced).then(nw.when(first).then(t1).otherwise(t2)).otherwise(
            nothing).alias("threshold"),
        nw.when(numeric_row & ~referenced).then(nw.when(first).then(g1).otherwise(g2)).otherwise(
            nothing).alias("margin"),
        nw.when(numeric_row & base).then(x).otherwise(nothing).alias("y"),
        nw.when(base).then(code).otherwise(nothing).alias("rcode"))


def _compared(grouped: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """One row per (key, rule) with its code: an empty fact set's verdict, one fact's code,
    the driver's for several; for a referenced rule the value compared with the key's
    reference (unknown without one, band within the noise band of it), as the engine does:
    the fact's domain first, then the reference's."""
    col = nw.col
    n, nr, x, y = col("n"), col("nr"), col("x"), col("y")
    op1, op2 = col("r_op1"), col("r_op2")
    own, rcode = col("code"), col("rcode")
    # One target for both operators: a rule with one operator has none for the second.
    holds = _holds(x, y, op1) & (op2.is_null() | _holds(x, y, op2))
    g1 = _margin(x, y, op1)
    g2 = nw.when(op2.is_null()).then(_lit(None, _FLOAT)).otherwise(_margin(x, y, op2))
    first = g2.is_null() | (g1 <= g2)
    versus = _nest([
        (own != COMPARE, own), (nr == 0, _lit(UNKNOWN, _CODE)), (nr > 1, _lit(DRIVER, _CODE)),
        (rcode != COMPARE, rcode), (y.abs() > _HUGE, _lit(DRIVER, _CODE)),
        (_near(x, y), _lit(BAND, _CODE))],
        nw.when(holds).then(_lit(MET, _CODE)).otherwise(_lit(NOT_MET, _CODE)))
    code = _nest([(n == 0, col("r_empty")), (n > 1, _lit(DRIVER, _CODE)),
                  (col("r_ref") == 1, versus)], own)
    referenced = col("r_ref") == 1
    return grouped.with_columns(
        code.alias("code"),
        nw.when(referenced).then(y).otherwise(col("threshold")).alias("threshold"),
        nw.when(referenced).then(nw.when(first).then(g1).otherwise(g2)).otherwise(
            col("margin")).alias("margin"))


def _joined(left: nw.LazyFrame[Any], right: nw.DataFrame[Any], on: Sequence[str], native: Any,
            frame: Any) -> nw.LazyFrame[Any]:
    """``left`` joined with a small driver-side frame, moved to ``left``'s backend."""
    kinds = left.collect_schema()
    other = as_lazy(right, native, frame).with_columns(
        *(nw.col(c).cast(kinds[c]) for c in on))
    if native.implementation is nw.Implementation.DASK:
        # pandas has two string dtypes that narwhals both calls String; Dask warns at a join
        # of one with the other, so the right side takes the left's exactly.
        dtypes = left.select(*on).to_native().dtypes.to_dict()
        other = nw.from_native(other.to_native().astype(dtypes))
    return left.join(other, on=list(on), how="inner")


def _per_key_and_rule(rows: nw.LazyFrame[Any], keys: Sequence[str]) -> nw.LazyFrame[Any]:
    """One row per (key, rule): how many facts and references, and the largest code, value,
    threshold, margin, reference value and reference code (the only ones where there is one
    fact and one reference)."""
    if rows.implementation is nw.Implementation.DASK:
        # Dask puts a group-by's result in one partition unless told to split it: as many
        # as the input has, so that no worker holds every (key, rule) of the data.
        native = rows.with_columns(
            *(nw.when(nw.col(c).is_null()).then(0.0).otherwise(1.0).alias(name)
              for c, name in (("code", "n"), ("rcode", "nr")))).to_native()
        grouped = native.groupby([*keys, "rule"], dropna=False).agg(
            {"n": "sum", "code": "max", "nr": "sum", "rcode": "max", "x": "max",
             "y": "max", "threshold": "max", "margin": "max"},
            split_out=max(native.npartitions, 1)).reset_index()
        return nw.from_native(grouped)
    return rows.group_by(*keys, "rule").agg(
        nw.col("code").count().alias("n"), nw.col("code").max(),
        nw.col("rcode").count().alias("nr"), nw.col("rcode").max(), nw.col("x").max(),
        nw.col("y").max(), nw.col("threshold").max(), nw.col("margin").max())


def _rule_table(plan: Plan) -> dict[str, list[Any]]:
    """The per-rule constants: names, commitment, miss severity, and an empty set's verdict."""
    table: dict[str, list[Any]] = {name: [] for name in (
        "rule", "r_indicator", "r_unit", "r_commitment", "r_clause", "r_miss", "r_empty",
        "r_empty_code", "r_ref", "r_op1", "r_op2")}
    for compiled in plan.rules:
        rule = compiled.rule
        empty = evaluate_rule(compiled, FactSet({}))
        bounds = [float(_OPS.index(op)) for op, _ in compiled.bounds][:2]
        ops = [(f"r_op{k}", bounds[k - 1] if k <= len(bounds) else None) for k in (1, 2)]
        for name, value in (("rule", rule.id), ("r_indicator", rule.indicator.zh),
                            ("r_unit", compiled.unit), ("r_commitment", rule.commitment.value),
                            ("r_clause", rule.clause),
                            ("r_miss", Severity.for_miss(rule.commitment).value),
                            ("r_empty", STATUS_ORDER.index(empty.status)),
                            ("r_empty_code", empty.problem.code if empty.problem else None),
                            ("r_ref", float(_referenced(compiled))), *ops):
            table[name].append(value)
    return table


_RULE_SCHEMA = {"rule": _TEXT, "r_indicator": _TEXT, "r_unit": _TEXT, "r_commitment": _TEXT,
                "r_clause": _TEXT, "r_miss": _TEXT, "r_empty": _CODE, "r_empty_code": _TEXT,
                "r_ref": _FLOAT, "r_op1": _FLOAT, "r_op2": _FLOAT}


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


def _eager_backend(like: nw.LazyFrame[Any]) -> Any:
    """The eager library a small frame is built in before it moves to ``like``'s backend."""
    kind = like.implementation
    return ("polars" if kind is nw.Implementation.POLARS
            else "pandas" if kind is nw.Implementation.DASK else "pyarrow")


def _small(data: Mapping[str, list[Any]], schema: Mapping[str, Any], like: nw.LazyFrame[Any],
           frame: Any) -> nw.LazyFrame[Any]:
    eager = nw.from_dict(dict(data), schema=dict(schema), backend=_eager_backend(like))
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


def _pair(row: Sequence[Any]) -> tuple[Any, ...]:
    """A collected (key..., rule) row as a hashable tuple, its nulls as ``None``."""
    return tuple(None if _null(item) else item for item in row)


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
        (str(i), None if _null(u) else str(u)) for i, u in
        long.select("indicator", "unit").unique().collect().iter_rows() if not _null(i)]
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
            ("code", _CODE), ("threshold", _FLOAT), ("margin", _FLOAT), ("y", _FLOAT),
            ("rcode", _CODE))))
    order = (*keys, "rule", "indicator", "value", "unit", "x", "code", "threshold", "margin",
             "y", "rcode")
    constants = nw.from_dict(_constants(plan, pairs, units), schema=_CONSTANTS,
                             backend=_eager_backend(native))
    coded = _coded(_joined(facts.with_columns(nw.col("unit").fill_null("").alias("ukey")),
                           constants, ("indicator", "ukey"), native, frame)).select(*order)
    grouped = _per_key_and_rule(nw.concat([placeholders.select(*order), coded],
                                          how="vertical"), keys)
    n = nw.col("n")
    verdicts = _compared(_joined(grouped, nw.from_dict(table, schema=_RULE_SCHEMA,
                                                       backend=_eager_backend(native)),
                                 ("rule",), native, frame))
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
    # As (key, indicator) pairs joined with the facts.
    present = {i for i, _ in pairs}
    feeds = {rule.id: sorted(name for name, ids in plan.keys.items()
                             if rule.id in ids and name in present) for rule in plan.catalog.rules}
    pairs_wanted = {_pair(row) for row in pending.iter_rows()}
    wanted_rows = sorted({(*pair[:-1], name) for pair in pairs_wanted
                          for name in feeds[pair[-1]]}, key=repr)
    # A join never matches a null key: the facts of pending pairs with one are filtered.
    with_null = [row for row in wanted_rows if any(k is None for k in row[:-1])]
    wanted_rows = [row for row in wanted_rows if all(k is not None for k in row[:-1])]
    kinds = facts.collect_schema()
    columns = (*keys, "indicator")
    wanted_keys = nw.from_dict(
        {c: [row[i] for row in wanted_rows] for i, c in enumerate(columns)},
        schema={c: kinds[c] for c in columns}, backend=_eager_backend(native))
    rows = _joined(facts, wanted_keys, columns, native, frame).select(
        *keys, "indicator", "value", "unit")
    batches: Iterable[nw.DataFrame[Any]] = _batches(rows, keys, CHUNK_ROWS)
    if with_null:
        null_key = nw.any_horizontal(*(nw.col(k).is_null() for k in keys), ignore_nulls=True)
        extra = facts.filter(null_key & nw.col("indicator").is_in(
            sorted({row[-1] for row in with_null}))).select(
                *keys, "indicator", "value", "unit")
        batches = itertools.chain(batches, _batches(extra, keys, CHUNK_ROWS))
    # Only the rules some pending pair is of: the others' verdicts would be thrown away.
    pending_rules = {pair[-1] for pair in pairs_wanted}
    subplan = Plan(plan.catalog, tuple(c for c in plan.rules if c.rule.id in pending_rules),
                   plan.keys)
    schema = out.collect_schema()
    parts = []
    for chunk in _chunks(batches, keys):
        judged_rows = exact_on_driver(subplan, chunk, units, keys, details)
        mask = [_pair(row) in pairs_wanted
                for row in judged_rows.select(*keys, "rule").iter_rows()]
        exact = judged_rows.filter(nw.new_series("_keep", mask, nw.Boolean(),
                                                 backend=judged_rows.implementation))
        parts.append(exact.select(*(nw.col(c).cast(schema[c])
                                    for c in (*keys, *RESULT_COLUMNS))))
    if not parts:
        return out
    back = as_lazy(nw.concat(parts, how="vertical"), native, frame)
    return nw.concat([out, back], how="vertical")


#: How many collected fact rows the driver judges at once (a key's rows are never split).
CHUNK_ROWS = 200_000


def _batches(rows: nw.LazyFrame[Any], keys: Sequence[str],
             size: int) -> Iterator[nw.DataFrame[Any]]:
    """The collected rows as eager frames of about ``size`` rows, each key's rows together
    (one after another, possibly across two batches).

    DuckDB streams them: the relation ordered by the keys, read as Arrow record batches, so
    the driver never holds more than a batch of the rows it has not judged yet. The other
    backends collect them (compact columns of floats and texts) and the driver cuts them,
    sorted by the keys, into batches: a Dask or Spark partition holds rows of any key, so a
    partition cannot be judged on its own."""
    if rows.implementation is nw.Implementation.DUCKDB:
        order = ", ".join('"' + k.replace('"', '""') + '"' for k in keys)
        reader = rows.to_native().order(order).to_arrow_reader(size)
        pa = nw.dependencies.get_pyarrow()
        for batch in reader:
            yield nw.from_native(pa.Table.from_batches([batch]), eager_only=True)
        return
    eager = rows.collect()
    if len(eager) == 0:
        return
    eager = eager.sort(*keys, nulls_last=True)
    for start in range(0, len(eager), size):
        yield eager[start:start + size]


def _chunks(batches: Iterable[nw.DataFrame[Any]],
            keys: Sequence[str]) -> Iterator[nw.DataFrame[Any]]:
    """Batches cut at key boundaries: when another batch follows, the rows of a batch's last
    key are held back and joined to the next batch's, since the key's rows may go on there."""
    pieces = iter(batches)
    held: nw.DataFrame[Any] | None = None
    piece = next(pieces, None)
    while piece is not None:
        following = next(pieces, None)
        batch = piece if held is None else nw.concat(
            [held, piece.select(*(nw.col(c).cast(held.schema[c]) for c in held.columns))],
            how="vertical")
        held = None
        if following is None:
            if len(batch):
                yield batch
            return
        if len(batch):
            tuples = [_pair(row) for row in batch.select(*keys).iter_rows()]
            tail = [key == tuples[-1] for key in tuples]
            keep = nw.new_series("_tail", tail, nw.Boolean(), backend=batch.implementation)
            held = batch.filter(keep)
            ready = batch.filter(~keep)
            if len(ready):
                yield ready
        piece = following

