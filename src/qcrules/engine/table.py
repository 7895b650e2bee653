"""The vectorised path: many fact sets at once, as columns, with verdicts identical to the exact path.

A table is a mapping of fact key (rule id, indicator name, reference or input id) to a column
of values, one row per fact set (a region, a period). Numeric columns are judged with NumPy in
binary floating point *only where the float answer is certain*: a row whose value lies within a
relative ``1e-12`` of a threshold, of a rounding half-way point, of the domain's edge, or whose
count is not whole, is sent to the exact evaluator (:func:`qcrules.engine.evaluate.evaluate_rule`)
with the value read as the shortest decimal that prints it — the same reading the exact path
gives a float. Float rounding error (a few units in 2⁻⁵³ ≈ 1.1e-16, per operation) is far below
that margin, so the two paths agree on every row; ``tests/engine/test_table.py`` and ``bench/`` check it.

``None`` and NaN in a table mean *missing* (the data-frame convention), not an invalid value;
so do the nulls of every data-frame library (pandas' ``<NA>``, Polars' and Arrow's nulls). A
data frame of any library narwhals knows (pandas, Polars, PyArrow, Modin, cuDF), or a mapping
whose columns are such series, is read by position: row ``i`` is the ``i``-th row whatever the
frame's index says. A column that matches no rule is reported once (``QC202``, with the
nearest fact key) in :attr:`TableResult.diagnostics` and as a :class:`UnmatchedColumnWarning`.
"""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, cast

import attrs
import narwhals as nw
import numpy as np

from ..base.errors import Diagnostic, EvaluationError, UsageError
from ..catalog.model import Op
from ..catalog.units import UnitProblem
from ..facts.model import FactSet
from ..facts.read import read_value
from .compile import CompiledRule, Plan
from .evaluate import evaluate_rule
from .results import Report, Status

__all__ = ["NOISE_BAND", "NOISE_FLOOR", "STATUS_ORDER", "TableResult", "UnmatchedColumnWarning",
           "evaluate_table", "positional_columns"]

#: Status codes in the arrays of a :class:`TableResult`.
STATUS_ORDER: tuple[Status, ...] = (Status.MET, Status.NOT_MET, Status.UNKNOWN, Status.INVALID)
MET, NOT_MET, UNKNOWN, INVALID, PENDING = 0, 1, 2, 3, -1
#: The float-noise band: a float within this relative distance of a limit is decided exactly
#: (the band is drawn twice as wide around a fixed threshold, and never narrower than
#: :data:`NOISE_FLOOR`, so that an underflow cannot hide a sign).
NOISE_BAND = 1e-12
NOISE_FLOOR = 1e-300


class UnmatchedColumnWarning(UserWarning):
    """A table column (or a long table's indicator) that matches no rule of the plan."""


@attrs.frozen
class TableResult:
    """Verdict codes per rule for every row; full verdicts on demand, from the exact path."""

    plan: Plan
    rows: int
    codes: Mapping[str, np.ndarray]
    table: Mapping[str, Sequence[Any]] = attrs.field(repr=False)
    units: Mapping[str, str] = attrs.field(repr=False)
    exact_rows: int = 0
    diagnostics: tuple[Diagnostic, ...] = ()

    def statuses(self, rule_id: str) -> list[Status]:
        """The status of ``rule_id`` in every row."""
        return [STATUS_ORDER[code] for code in self.codes[rule_id]]

    def counts(self) -> dict[Status, int]:
        """How many verdicts of each status over the whole table."""
        totals = np.zeros(len(STATUS_ORDER), dtype=np.int64)
        for codes in self.codes.values():
            totals += np.bincount(codes, minlength=len(STATUS_ORDER))
        return {status: int(totals[i]) for i, status in enumerate(STATUS_ORDER)}

    def fact_set(self, row: int) -> FactSet:
        """Row ``row`` as a fact set."""
        return _row_facts(self.table, self.units, row)

    def report(self, row: int) -> Report:
        """The full report of one row (explanations included), from the exact path."""
        from .evaluate import evaluate_plan

        return evaluate_plan(self.plan, self.fact_set(row))


def _column_array(values: Sequence[Any]) -> tuple[np.ndarray | None, bool]:
    """A float64 array with NaN for missing (or ``None`` when not numeric), and whether it held
    booleans (read as 1 and 0 only by boolean rules)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        return values.astype(np.float64, copy=False), False
    if isinstance(values, np.ndarray) and values.dtype.kind == "b":
        return values.astype(np.float64), True
    out = np.empty(len(values), dtype=np.float64)
    has_bool = False
    for i, item in enumerate(values):
        if item is None:
            out[i] = math.nan
        elif isinstance(item, (bool, np.bool_)):
            out[i] = float(item)
            has_bool = True
        elif isinstance(item, (int, float, np.integer, np.floating)):
            out[i] = float(item)
        else:
            return None, False
    return out, has_bool


def _row_value(values: Sequence[Any], row: int) -> Any:
    item = values[row]
    if isinstance(item, np.generic):
        item = item.item()
    if isinstance(item, float) and math.isnan(item):
        return None
    return item


def _row_facts(table: Mapping[str, Sequence[Any]], units: Mapping[str, str], row: int,
               keys: Sequence[str] | None = None) -> FactSet:
    facts = {}
    for key in keys if keys is not None else table:
        if key not in table:
            continue
        fact, _ = read_value(key, _row_value(table[key], row), units.get(key), None)
        facts[key] = fact
    return FactSet(facts)


def _keys_for(compiled: CompiledRule,
              table: Mapping[str, Any]) -> tuple[dict[str, str | None], list[str]]:
    """Which table column feeds each role of a rule (value, reference, inputs), and the other
    columns that name the same fact (its id and its Chinese name both given): a row then reads
    the first of them that is not missing, as the exact path does, so such a rule takes it."""
    rule = compiled.rule
    roles: dict[str, tuple[str, ...]] = {"value": (rule.id, rule.indicator.zh)}
    if rule.reference is not None:
        roles["reference"] = (rule.reference.id,)
    if rule.kind.needs_base:
        roles["baseline"] = (rule.baseline_id,)
    if rule.derivation is not None:
        for spec in rule.derivation.inputs:
            roles[f"input:{spec.name}"] = (rule.derivation.input_fact_id(rule.id, spec.name),
                                          spec.zh)
    found: dict[str, str | None] = {}
    also: list[str] = []
    for role, candidates in roles.items():
        present = [key for key in candidates if key and key in table]
        found[role] = present[0] if present else None
        also += present[1:]
    return found, also


def _scale(compiled: CompiledRule, unit: str | None, target: str | None = None) -> float | None:
    """The float factor from a column's unit to the rule's unit; ``None`` if incompatible."""
    try:
        if unit is None:
            if target is None and compiled.percent_like:
                return float(compiled.factor("1"))
            return 1.0
        return float(compiled.factor(unit, target))
    except UnitProblem:
        return None


class _Vector:
    """The float evaluation of one numeric rule over all rows, marking uncertain rows.

    The checks run in the exact path's order (value missing, value domain, reference missing,
    reference domain, rounding, comparison); a row leaves the float path at the first check
    whose float answer is not certain, and the exact path decides it.
    """

    def __init__(self, compiled: CompiledRule, rows: int) -> None:
        self.compiled = compiled
        self.codes = np.full(rows, PENDING, dtype=np.int8)
        self.exact = np.zeros(rows, dtype=bool)
        # Rows whose float value is a whole number read without conversion: comparing it with
        # whole thresholds is exact in binary floating point, so no tolerance is needed.
        self.whole_rows = np.zeros(rows, dtype=bool)
        self.unscaled = False

    def mark_whole(self, x: np.ndarray, scale: float) -> None:
        """Note the rows where ``x`` is exact in float against the rule's whole thresholds."""
        compiled = self.compiled
        self.unscaled = scale == 1.0
        limits = [compiled.minimum, compiled.maximum, *(t for _, t in compiled.bounds)]
        if scale != 1.0 or compiled.rule.precision is not None or not all(
                t is None or t.denominator == 1 for t in limits):
            return
        with np.errstate(invalid="ignore"):
            self.whole_rows = (x == np.rint(x)) & (np.abs(x) < 2.0**53)

    def near_unless_whole(self, a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
        return self.near(a, b) & ~self.whole_rows

    @property
    def open(self) -> np.ndarray:
        return (self.codes == PENDING) & ~self.exact

    @staticmethod
    def near(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
        """Rows where ``a`` lies within the tolerance of ``b`` (a superset, never fewer)."""
        with np.errstate(invalid="ignore"):
            if isinstance(b, float):
                # A window twice the relative tolerance wide, and never narrower than the
                # smallest normal floats, so that an underflow cannot hide a sign.
                low, high = _band(b)
                return (a >= low) & (a <= high)
            scale = np.maximum(np.abs(a), np.abs(b))
            return np.abs(a - b) <= NOISE_BAND * scale

    def missing(self, x: np.ndarray) -> None:
        self.codes[self.open & np.isnan(x)] = UNKNOWN

    def domain(self, x: np.ndarray) -> None:
        compiled = self.compiled
        with np.errstate(invalid="ignore"):
            for limit, outside in ((compiled.minimum, np.less), (compiled.maximum, np.greater)):
                if limit is None:
                    continue
                self.exact |= self.open & self.near_unless_whole(x, float(limit))
                self.codes[self.open & outside(x, float(limit))] = INVALID
            if compiled.whole:
                fractional = self.open & (x != np.rint(x))
                if self.unscaled and compiled.whole_scale == 1:
                    # The float is the reported number itself: a fraction in it is a fraction.
                    self.codes[fractional] = INVALID
                else:
                    self.exact |= fractional

    def compare(self, x: np.ndarray, thresholds: list[tuple[Op, np.ndarray | float]]) -> None:
        precision = self.compiled.rule.precision
        with np.errstate(invalid="ignore"):
            if precision is not None:
                steps = np.abs(x) / float(precision)
                self.exact |= self.open & self.near(steps - np.floor(steps), 0.5)
                x = np.sign(x) * np.round(steps) * float(precision)
            holds = np.ones(len(x), dtype=bool)
            for op, threshold in thresholds:
                near = self.near(x, threshold) if isinstance(threshold, np.ndarray) else \
                    self.near_unless_whole(x, threshold)
                self.exact |= self.open & near
                holds &= op.compare(x, threshold)
        decided = self.open
        self.codes[decided & holds] = MET
        self.codes[decided & ~holds] = NOT_MET



def _needs_exact_path(compiled: CompiledRule) -> bool:
    """A formula that adds or subtracts (floats may cancel), or holds a number beyond floats."""
    formula = compiled.formula
    return formula is not None and any(
        (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)))
        or (isinstance(node, ast.Constant) and not _fits_float(cast(Fraction, node.value)))
        for node in ast.walk(formula.tree))


def _fits_float(value: Fraction) -> bool:
    try:
        return math.isfinite(float(value)) and (value == 0 or float(value) != 0)
    except OverflowError:
        return False


def _scaled(compiled: CompiledRule, key: str | None, columns: _Columns,
            units: Mapping[str, str], rows: int) -> tuple[np.ndarray, float] | None:
    """A value or reference column in the rule's unit (all NaN when absent) and the factor
    used; ``None`` when the rule must take the exact path."""
    if key is None:
        return np.full(rows, math.nan), 1.0
    column = columns.numbers.get(key)
    if column is None or key in columns.booleans:
        return None
    scale = _scale(compiled, units.get(key))
    if scale is None:
        return None
    return (column if scale == 1.0 else column * scale), scale


def _vector_rule(compiled: CompiledRule, columns: _Columns, keys: dict[str, str | None],
                 units: Mapping[str, str], rows: int) -> _Vector | None:
    """Float-evaluate a rule, or ``None`` when the whole rule must take the exact path."""
    rule = compiled.rule
    vector = _Vector(compiled, rows)
    value_key = keys["value"]
    if not rule.kind.numeric:
        return _vector_boolean(vector, value_key, columns)
    if compiled.needs_base:
        return None  # a change against a base value: every row takes the exact path
    if compiled.reads_ratio and value_key is not None and units.get(value_key):
        return None
    scaled = _scaled(compiled, value_key, columns, units, rows)
    if scaled is None:
        return None
    x, scale = scaled
    if rule.derivation is not None:
        absent = np.isnan(x)
        if absent.any():
            derived = _vector_derived(compiled, vector, columns, keys, units, rows, absent)
            if derived is None:
                return None
            x = np.where(absent, derived, x)
            scale = math.nan
    vector.mark_whole(x, scale)
    vector.missing(x)
    vector.domain(x)
    thresholds: list[tuple[Op, np.ndarray | float]]
    if rule.kind.needs_reference:
        scaled = _scaled(compiled, keys.get("reference"), columns, units, rows)
        if scaled is None:
            return None
        reference = scaled[0]
        vector.whole_rows[:] = False
        vector.unscaled = False
        vector.missing(reference)
        vector.domain(reference)
        thresholds = [(op, reference) for op, _ in compiled.bounds]
    else:
        thresholds = [(op, float(t)) for op, t in compiled.bounds if t is not None]
    vector.compare(x, thresholds)
    return vector


def _vector_boolean(vector: _Vector, key: str | None, columns: _Columns) -> _Vector | None:
    if key is None:
        vector.codes[:] = UNKNOWN
        return vector
    column = columns.numbers.get(key)
    if column is None:
        return None
    np.copyto(vector.codes, UNKNOWN, where=np.isnan(column))
    np.copyto(vector.codes, MET, where=column == 1)
    np.copyto(vector.codes, NOT_MET, where=column == 0)
    vector.exact |= vector.codes == PENDING
    return vector


def _vector_derived(compiled: CompiledRule, vector: _Vector, columns: _Columns,
                    keys: dict[str, str | None], units: Mapping[str, str], rows: int,
                    absent: np.ndarray) -> np.ndarray | None:
    assert compiled.formula is not None
    if _needs_exact_path(compiled):
        return None
    values: dict[str, np.ndarray] = {}
    any_missing = np.zeros(rows, dtype=bool)
    for name, unit in compiled.input_units.items():
        key = keys.get(f"input:{name}")
        if key is None:
            any_missing[:] = True
            continue
        column = columns.numbers.get(key)
        if column is None or key in columns.booleans:
            return None
        scale = _scale(compiled, units[key], unit or "1") if units.get(key) else 1.0
        if scale is None:
            return None
        values[name] = column * scale
        any_missing |= np.isnan(column)
        with np.errstate(invalid="ignore"):
            vector.exact |= absent & (column < 0)
    if any_missing.all():
        return np.full(rows, math.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        result = compiled.formula.evaluate(values) * float(compiled.formula_factor)  # type: ignore[arg-type]
    vector.exact |= absent & ~any_missing & ~np.isfinite(result)
    return np.where(any_missing, math.nan, result)


@attrs.define
class _Columns:
    """Numeric views of a table's columns; ``None`` for a column that is not numeric."""

    numbers: dict[str, np.ndarray | None]
    booleans: set[str]


def _columns(table: Mapping[str, Sequence[Any]]) -> _Columns:
    numbers: dict[str, np.ndarray | None] = {}
    booleans: set[str] = set()
    for key, values in table.items():
        array, has_bool = _column_array(values)
        numbers[key] = array
        if has_bool:
            booleans.add(key)
    return _Columns(numbers, booleans)


def _distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of equal-length float columns and the index of each row among them.

    One or two columns take NumPy's fast one-dimensional path (two packed as the real and
    imaginary parts of complex numbers); more take ``np.unique(axis=0)``. NaNs are never
    merged (``equal_nan=False``): a row with a missing value is evaluated on its own.
    """
    if len(columns) == 1:
        distinct, inverse = np.unique(columns[0], return_inverse=True, equal_nan=False)
        return distinct.reshape(-1, 1), inverse
    if len(columns) == 2:
        packed = np.empty(len(columns[0]), dtype=np.complex128)
        packed.real = columns[0]
        packed.imag = columns[1]
        distinct, inverse = np.unique(packed, return_inverse=True, equal_nan=False)
        return np.column_stack([distinct.real, distinct.imag]), inverse
    return np.unique(np.column_stack(columns), axis=0, return_inverse=True, equal_nan=False)


def _decide_exactly(compiled: CompiledRule, table: Mapping[str, Sequence[Any]], arrays: _Columns,
                    units: Mapping[str, str], needed: list[str], rows: np.ndarray,
                    result: np.ndarray) -> None:
    """Decide ``rows`` with the exact evaluator, once per distinct combination of inputs.

    The exact path is a pure function of the row's values, so rows that repeat a combination
    (common in real tables: counts, rates to one decimal) share one evaluation.
    """
    if len(rows) == 0:
        return
    numeric = [arrays.numbers.get(k) for k in needed]
    if needed and all(a is not None and k not in arrays.booleans
                      for a, k in zip(numeric, needed, strict=True)):
        distinct, inverse = _distinct_rows([a[rows] for a in numeric])  # type: ignore[index]
        codes = np.empty(len(distinct), dtype=np.int8)
        for i, values in enumerate(distinct):
            facts = {}
            for key, value in zip(needed, values, strict=True):
                fact, _ = read_value(key, None if math.isnan(value) else float(value),
                                     units.get(key), None)
                facts[key] = fact
            codes[i] = STATUS_ORDER.index(evaluate_rule(compiled, FactSet(facts)).status)
        result[rows] = codes[inverse.reshape(-1)]
        return
    decided: dict[tuple[Any, ...], int] = {}
    for row in rows:
        inputs = tuple(_row_value(table[k], int(row)) for k in needed)
        code = decided.get(inputs)
        if code is None:
            verdict = evaluate_rule(compiled, _row_facts(table, units, int(row), needed))
            code = decided[inputs] = STATUS_ORDER.index(verdict.status)
        result[row] = code


def _positional(values: Any) -> Sequence[Any]:
    """A column as a sequence indexed by position, nulls as ``None`` (or NaN in a float array).

    A series of a data-frame library is converted through narwhals: its index labels play no
    part, and its nulls (pandas' ``<NA>``, Polars' and Arrow's nulls) become missing values.
    Float columns become NumPy arrays; integer columns keep exact Python integers.
    """
    if isinstance(values, (list, tuple, np.ndarray)):  # not a series: as it is
        return cast(Sequence[Any], values)
    series = nw.from_native(values, series_only=True, pass_through=True)
    if not isinstance(series, nw.Series):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            return cast(Sequence[Any], values)
        return cast(Sequence[Any], values if isinstance(values, (list, tuple, np.ndarray))
                    else list(values))
    nulls = series.is_null().to_numpy().astype(bool)
    if series.dtype.is_float():
        array = series.to_numpy().astype(np.float64)
        array[nulls] = math.nan
        return cast(Sequence[Any], array)
    if series.dtype.is_integer() and not nulls.any():
        integers = series.to_numpy()
        if integers.dtype.kind == "i" or (integers.dtype.kind == "u" and integers.itemsize < 8):
            return cast(Sequence[Any], integers)
    items = series.to_list()
    return [None if null else item for item, null in zip(items, nulls, strict=True)]


def positional_columns(table: Any) -> dict[str, Sequence[Any]]:
    """A table (a mapping of columns, or an eager data frame of any library narwhals knows) as
    a dict of positional columns.

    Raises:
        UsageError: a value that is neither a mapping of columns nor a data frame (QC400).
    """
    frame = nw.from_native(table, eager_only=True, pass_through=True)
    if isinstance(frame, nw.DataFrame):
        return {str(name): _positional(frame.get_column(name)) for name in frame.columns}
    if not isinstance(table, Mapping):
        name = type(table).__name__
        raise UsageError(Diagnostic(
            "QC400", f"expected a mapping of columns or a data frame, got {name}",
            field="table", expected="a dict of columns or a pandas/Polars/PyArrow data frame",
            got=name, hint="a lazy frame (Dask, DuckDB, Polars LazyFrame) goes to "
                           "qcrules.evaluate_frame"))
    return {str(key): _positional(table[key]) for key in table}


def unmatched_columns(plan: Plan, columns: Sequence[str], what: str = "column") -> tuple[
        Diagnostic, ...]:
    """``QC202`` for each name that matches no fact key of ``plan``, with the nearest."""
    return tuple(plan.unmatched(key, what) for key in columns if key not in plan.keys)


def warn_unmatched(diagnostics: Sequence[Diagnostic]) -> None:
    """One :class:`UnmatchedColumnWarning` naming every unmatched column at once."""
    if diagnostics:
        warnings.warn("; ".join(str(d) for d in diagnostics), UnmatchedColumnWarning,
                      stacklevel=3)


def evaluate_table(plan: Plan, table: Mapping[str, Sequence[Any]] | Any, *,
                   units: Mapping[str, str] | None = None,
                   ignore: Sequence[str] = ()) -> TableResult:
    """Evaluate many fact sets given as columns (a dict of sequences, or a data frame).

    ``units`` gives each column's unit (``{"gdp-per-capita": "元/人"}``); a column without one
    holds bare numbers, read as the exact path reads them. ``ignore`` names columns that are
    not facts (a region or period column) and are left out.

    Raises:
        EvaluationError: columns of different lengths.
        UsageError: a table that is neither a mapping of columns nor a data frame.
    """
    units = dict(units or {})
    columns_in = {key: values for key, values in positional_columns(table).items()
                  if key not in ignore}
    diagnostics = unmatched_columns(plan, list(columns_in))
    warn_unmatched(diagnostics)
    lengths = {len(values) for values in columns_in.values()}
    if len(lengths) > 1:
        raise EvaluationError(Diagnostic("QC410", "table columns differ in length",
                                         field="table", expected="columns of one length",
                                         got=", ".join(str(n) for n in sorted(lengths))))
    rows = lengths.pop() if lengths else 0
    arrays = _columns(columns_in)
    codes: dict[str, np.ndarray] = {}
    exact_rows = 0
    for compiled in plan.rules:
        keys, also = _keys_for(compiled, columns_in)
        result = np.full(rows, PENDING, dtype=np.int8)
        pending = np.arange(rows) if also else _vector_chunks(compiled, arrays, keys, units,
                                                             rows, result)
        needed = [k for k in keys.values() if k is not None] + also
        _decide_exactly(compiled, columns_in, arrays, units, needed, pending, result)
        exact_rows += len(pending)
        codes[compiled.rule.id] = result
    return TableResult(plan, rows, codes, columns_in, units, exact_rows, diagnostics)


#: Rows judged at a time: a chunk's float column (256 KiB) and its masks stay in the cache
#: while one rule's checks pass over it, and no temporary grows with the table.
CHUNK_ROWS = 1 << 15


def _vector_chunks(compiled: CompiledRule, arrays: _Columns, keys: dict[str, str | None],
                   units: Mapping[str, str], rows: int, result: np.ndarray) -> np.ndarray:
    """Judge a rule over the table chunk by chunk, writing codes into ``result``; the rows left
    to the exact evaluator (all of them when the rule must take the exact path)."""
    fast = _Fast.of(compiled, arrays, keys, units)
    parts: list[np.ndarray] = []
    for start in range(0, rows, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, rows)
        if fast is not None:
            parts.append(fast.judge(start, stop, result))
            continue
        chunk = _Columns({key: None if column is None else column[start:stop]
                          for key, column in arrays.numbers.items()}, arrays.booleans)
        vector = _vector_rule(compiled, chunk, keys, units, stop - start)
        if vector is None:
            parts.append(np.arange(start, stop))
            continue
        result[start:stop] = vector.codes
        parts.append(np.flatnonzero(vector.exact | (vector.codes == PENDING)) + start)
    return np.concatenate(parts) if parts else np.arange(0)


class _Fast:
    """The float path of a rule judged against fixed thresholds (a floor, ceiling, range or
    count on one fact, no reference, formula or rounding), one chunk at a time.

    Each bound costs two comparisons against the edges of its noise band (the same band
    :meth:`_Vector.near` uses): a row above or below the band on every bound, strictly inside
    the domain (beyond the band of its edges) and whole where the rule counts is decided by
    them; every other row — missing, near a threshold or an edge, outside the domain, a
    fraction of a count — is judged by :class:`_Vector`'s checks, in the exact path's order, on
    those rows alone, and what they leave undecided goes to the exact evaluator.
    """

    def __init__(self, compiled: CompiledRule, column: np.ndarray | None, scale: float) -> None:
        self.compiled = compiled
        self.column = column
        self.scale = scale
        #: The domain's edges with their bands: (below the band, above it).
        self.low_band = None if compiled.minimum is None else _band(float(compiled.minimum))
        self.high_band = None if compiled.maximum is None else _band(float(compiled.maximum))
        self.above_low = None if self.low_band is None else self.low_band[1]
        self.below_high = None if self.high_band is None else self.high_band[0]
        #: Per bound: whether it holds above the threshold (>=, >), below it (<=, <) or only on
        #: it (=, never decided here), and its band's edges.
        self.bounds = [(op in (Op.GE, Op.GT), op is Op.EQ, *_band(float(t)))
                       for op, t in compiled.bounds if t is not None]
        self.thresholds: list[tuple[Op, np.ndarray | float]] = [
            (op, float(t)) for op, t in compiled.bounds if t is not None]
        self.buffer = np.empty(CHUNK_ROWS, dtype=np.float64)
        #: A count judged in its own unit against whole thresholds: a whole float value (below
        #: 2**53) compares exactly, so no band is needed (as :meth:`_Vector.mark_whole` notes).
        limits = [compiled.minimum, compiled.maximum, *(t for _, t in compiled.bounds)]
        self.counted = (compiled.whole and scale == 1.0
                        and all(t is None or t.denominator == 1 for t in limits))
        if self.counted:
            largest = float(2**53 - 1)
            self.whole_low = max(float(compiled.minimum), -largest) \
                if compiled.minimum is not None else -largest
            self.whole_high = min(float(compiled.maximum), largest) \
                if compiled.maximum is not None else largest

    @classmethod
    def of(cls, compiled: CompiledRule, arrays: _Columns, keys: dict[str, str | None],
           units: Mapping[str, str]) -> _Fast | None:
        """The fast path of ``compiled`` over these columns, or ``None`` when the rule needs
        more than it (a reference, inputs to a formula, rounding, a change, a ratio in units,
        a yes-or-no or text column)."""
        rule = compiled.rule
        if (not rule.kind.numeric or compiled.needs_base or rule.kind.needs_reference
                or rule.precision is not None or len(compiled.thresholds) != len(compiled.bounds)
                or any(key is not None for role, key in keys.items() if role != "value")):
            return None
        key = keys["value"]
        if key is None:
            return cls(compiled, None, 1.0)
        if compiled.reads_ratio and units.get(key):
            return None
        column = arrays.numbers.get(key)
        if column is None or key in arrays.booleans:
            return None
        scale = _scale(compiled, units.get(key))
        return None if scale is None else cls(compiled, column, scale)

    def judge(self, start: int, stop: int, result: np.ndarray) -> np.ndarray:
        """Write the codes of rows ``start:stop`` into ``result``; the rows (absolute) left to
        the exact evaluator."""
        codes = result[start:stop]
        if self.column is None:  # no column: every value is missing
            codes[:] = UNKNOWN
            return np.arange(0)
        x = self.column[start:stop]
        if self.scale != 1.0:
            x = np.multiply(x, self.scale, out=self.buffer[:stop - start])
        with np.errstate(invalid="ignore"):
            if self.counted:
                return self._judge_counts(x, start, codes)
            # Not missing (a comparison with NaN is false) and inside the domain's edges.
            if self.above_low is not None:
                certain = x > self.above_low
                if self.below_high is not None:
                    certain &= x < self.below_high
            elif self.below_high is not None:
                certain = x < self.below_high
            else:
                certain = ~np.isnan(x)
            holds: np.ndarray | None = None
            for above, only_on, low, high in self.bounds:
                beyond = x > high
                certain &= (x >= low) == beyond  # not within the band
                if only_on:
                    beyond[:] = False
                elif not above:
                    np.logical_not(beyond, out=beyond)
                if holds is None:
                    holds = beyond
                else:
                    holds &= beyond
            if self.compiled.whole:
                certain &= x == np.rint(x)
        return self._finish(x, start, codes, certain, holds)

    def _judge_counts(self, x: np.ndarray, start: int, codes: np.ndarray) -> np.ndarray:
        """:meth:`judge` of a count in its own unit: one exact comparison per bound."""
        certain = x == np.rint(x)  # whole, and not missing
        certain &= x >= self.whole_low
        certain &= x <= self.whole_high
        holds: np.ndarray | None = None
        for op, threshold in self.thresholds:
            held = op.compare(x, threshold)
            if holds is None:
                holds = held
            else:
                holds &= held
        return self._finish(x, start, codes, certain, holds)

    def _finish(self, x: np.ndarray, start: int, codes: np.ndarray, certain: np.ndarray,
                holds: np.ndarray | None) -> np.ndarray:
        """Write the certain rows' codes, judge the others; the rows left to the exact path."""
        if holds is None:
            codes[:] = MET
        else:  # MET (0) where it holds, NOT_MET (1) where not
            np.logical_not(holds, out=codes.view(np.bool_))
        rest = np.flatnonzero(~certain)
        if len(rest) == 0:
            return rest
        values = x[rest]
        missing = np.isnan(values)
        if missing.any():  # the first check: a missing value is unknown, whatever the rule
            codes[rest[missing]] = UNKNOWN
            rest, values = rest[~missing], values[~missing]
        # Beyond an edge's band, a value is outside the domain (the check after a missing one).
        outside = np.zeros(len(values), dtype=bool)
        if self.low_band is not None:
            outside |= values < self.low_band[0]
        if self.high_band is not None:
            above = values > self.high_band[1]
            if self.low_band is not None:  # and not within the minimum's band (a domain of one)
                above &= values > self.low_band[1]
            outside |= above
        if outside.any():
            codes[rest[outside]] = INVALID
            rest, values = rest[~outside], values[~outside]
        exact = np.zeros(0, dtype=np.intp)
        if not self.counted and self.bounds:
            # A value in a threshold's band goes to the exact evaluator, whatever else holds
            # of it (which that evaluator decides, in its order).
            banded = np.zeros(len(values), dtype=bool)
            for _, _, low, high in self.bounds:
                banded |= (values >= low) & (values <= high)
            if banded.any():
                exact = rest[banded]
                codes[exact] = PENDING
                rest, values = rest[~banded], values[~banded]
        vector = _Vector(self.compiled, len(rest))
        vector.mark_whole(values, self.scale)
        vector.missing(values)
        vector.domain(values)
        vector.compare(values, self.thresholds)
        codes[rest] = vector.codes
        return np.concatenate([exact, rest[vector.exact | (vector.codes == PENDING)]]) + start


def _band(threshold: float) -> tuple[float, float]:
    """The edges of the noise band around a threshold, as :meth:`_Vector.near` draws it."""
    half = max(2 * NOISE_BAND * abs(threshold), NOISE_FLOOR)
    return threshold - half, threshold + half

