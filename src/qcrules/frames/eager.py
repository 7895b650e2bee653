"""The eager path: a frame on the driver, judged by the vectorised engine, results built whole.

A long frame is pivoted to wide columns (one per fact key, the distinct keys in order of first
appearance) and judged by :func:`qcrules.engine.table.evaluate_table`, which recomputes the rows
within the float-noise band exactly; the result columns are built as NumPy arrays. The lazy path
(:mod:`qcrules.frames.lazy`) hands the rows it cannot decide in the backend to the same functions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import narwhals as nw
import numpy as np

from ..base.errors import Diagnostic, FactError
from ..engine.compile import Plan
from ..engine.results import Severity, Status
from ..engine.table import (
    STATUS_ORDER,
    TableResult,
    evaluate_table,
    positional_columns,
    unmatched_columns,
    warn_unmatched,
)

__all__ = ["LONG_COLUMNS", "RESULT_COLUMNS", "evaluate_eager", "pivot_long"]

#: The result's columns after the key columns, in order.
RESULT_COLUMNS = ("rule", "indicator", "status", "severity", "value", "unit", "threshold",
                  "margin", "commitment", "clause", "code")
LONG_COLUMNS = ("indicator", "value")


def key_tuples(eager: nw.DataFrame[Any], keys: Sequence[str]) -> list[tuple[Any, ...]]:
    if not keys:
        return [()] * len(eager)
    lists = [list(positional_columns({k: eager.get_column(k)})[k]) for k in keys]
    return list(zip(*lists, strict=True))


def _text(value: Any) -> str:
    """A number as the shortest decimal that reads back as it (``85000.0``, ``8.5e-05``)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _object_array(values: Sequence[Any]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values) if not isinstance(values, np.ndarray) else values
    return array


def _missing(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return np.isnan(values)
    return np.array([v is None or (isinstance(v, float) and math.isnan(v)) for v in values],
                    dtype=bool)


def pivot_long(plan: Plan, eager: nw.DataFrame[Any], keys: Sequence[str],
                units: Mapping[str, str]) -> tuple[list[tuple[Any, ...]], dict[str, Any],
                                                   dict[str, str]]:
    """A long frame as distinct keys (in order of first appearance) and wide columns."""
    columns = eager.columns
    cols = positional_columns(eager.select([c for c in (*keys, *LONG_COLUMNS, "unit")
                                            if c in columns]))
    indicators = _object_array([None if i is None else str(i) for i in cols["indicator"]])
    raw = cols["value"]
    values = raw if isinstance(raw, np.ndarray) and raw.dtype.kind == "f" else \
        _object_array(raw)
    row_units = _object_array(cols["unit"]) if "unit" in cols else None
    names = sorted({i for i in indicators.tolist() if i is not None})
    warn_unmatched(unmatched_columns(plan, names, "indicator"))
    order: dict[tuple[Any, ...], int] = {}
    key_columns = [cols[k] for k in keys]
    at = np.fromiter((order.setdefault(key, len(order)) for key in
                      (zip(*key_columns, strict=True) if keys else ((),) * len(indicators))),
                     dtype=np.int64, count=len(indicators))
    present = ~_missing(values)
    wide: dict[str, Any] = {}
    wide_units: dict[str, str] = {}
    for indicator in names:
        if indicator not in plan.keys:
            continue
        rows = np.flatnonzero((indicators == indicator) & present)
        where, cells = at[rows], values[rows]
        if row_units is not None:
            cell_units = np.array([units.get(indicator) if u is None else str(u)
                                   for u in row_units[rows]], dtype=object)
        else:
            cell_units = np.full(len(rows), units.get(indicator), dtype=object)
        _no_conflict(indicator, keys, list(order), where, cells, cell_units)
        kinds = set(cell_units.tolist())
        column = np.full(len(order), math.nan) if values.dtype.kind == "f" and len(kinds) == 1 \
            else np.full(len(order), None, dtype=object)
        if len(kinds) == 1:
            (unit,) = kinds
            if unit is not None:
                wide_units[indicator] = unit
            column[where] = cells
        else:  # one indicator in several units: each cell carries its own
            column[where] = [value if unit is None or (isinstance(value, str)
                                                       and not _is_number(value))
                             else f"{_text(value)}{unit}"
                             for value, unit in zip(cells, cell_units, strict=True)]
        wide[indicator] = column
    return list(order), wide, wide_units


def _no_conflict(indicator: str, keys: Sequence[str], key_rows: list[tuple[Any, ...]],
                 where: np.ndarray, cells: np.ndarray, cell_units: np.ndarray) -> None:
    """One value per indicator and key: a repeat of the same value is fine, another is QC204."""
    if len(np.unique(where)) == len(where):
        return
    first: dict[int, tuple[Any, Any]] = {}
    for position, value, unit in zip(where.tolist(), cells.tolist(), cell_units.tolist(),
                                     strict=True):
        seen = first.setdefault(position, (value, unit))
        if seen != (value, unit):
            key = key_rows[position]
            place = ", ".join(f"{k} {v}" for k, v in zip(keys, key, strict=True))
            raise FactError(Diagnostic(
                "QC204", f"{indicator} is given twice for {place or 'the frame'}",
                fact_id=indicator, field="value", expected="one value per indicator and key",
                got=f"{_text(seen[0])}{seen[1] or ''} and {_text(value)}{unit or ''}"))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def as_float(value: Fraction | bool | None) -> float:
    if value is None or isinstance(value, bool):
        return math.nan
    return float(value)


def results(plan: Plan, result: TableResult, key_rows: list[tuple[Any, ...]],
             keys: Sequence[str], details: bool) -> dict[str, Any]:
    """The result's columns, row-major by key then rule (NumPy arrays, built whole)."""
    rules = [compiled.rule for compiled in plan.rules]
    count, n_rules = len(key_rows), len(rules)
    out: dict[str, Any] = {}
    for i, name in enumerate(keys):
        column = np.empty(count, dtype=object)
        column[:] = [key[i] for key in key_rows]
        out[name] = np.repeat(column, n_rules)
    out["rule"] = np.tile(np.array([r.id for r in rules], dtype=object), count)
    out["indicator"] = np.tile(np.array([r.indicator.zh for r in rules], dtype=object), count)
    codes = (np.stack([result.codes[r.id] for r in rules], axis=1).reshape(-1) if n_rules
             else np.zeros(0, dtype=np.int8))
    names = np.array([status.value for status in STATUS_ORDER], dtype=object)
    out["status"] = names[codes]
    misses = np.array([Severity.for_miss(r.commitment).value for r in rules], dtype=object)
    out["severity"] = np.where(codes == STATUS_ORDER.index(Status.NOT_MET),
                               np.tile(misses, count), Severity.NONE.value)
    empty_floats = np.full(count * n_rules, np.nan)
    out["value"], out["threshold"], out["margin"] = (empty_floats.copy() for _ in range(3))
    out["unit"] = np.full(count * n_rules, None, dtype=object)
    out["commitment"] = np.tile(np.array([r.commitment.value for r in rules], dtype=object),
                                count)
    out["clause"] = np.tile(np.array([r.clause for r in rules], dtype=object), count)
    out["code"] = np.full(count * n_rules, None, dtype=object)
    if details:
        at = 0
        for row in range(result.rows):
            report = result.report(row)
            for rule in rules:
                verdict = report[rule.id]
                out["value"][at] = as_float(verdict.value)
                out["unit"][at] = verdict.unit
                out["threshold"][at] = as_float(verdict.threshold)
                out["margin"][at] = as_float(verdict.margin)
                out["code"][at] = verdict.problem.code if verdict.problem else None
                at += 1
    for name in ("value", "threshold", "margin"):
        out[name] = [None if math.isnan(x) else x for x in out[name].tolist()]
    return {name: out[name].tolist() if isinstance(out[name], np.ndarray) else out[name]
            for name in (*keys, *RESULT_COLUMNS)}


def schema(frame: nw.DataFrame[Any], keys: Sequence[str]) -> dict[str, Any]:
    schema = frame.schema
    floats = {"value", "threshold", "margin"}
    def key_type(dtype: Any) -> Any:  # an empty object column says nothing of its type
        return nw.String() if isinstance(dtype, (nw.Object, nw.Unknown)) or dtype in (
            nw.Object, nw.Unknown) else dtype

    return {**{k: key_type(schema[k]) for k in keys},
            **{c: nw.Float64() if c in floats else nw.String() for c in RESULT_COLUMNS}}


def evaluate_eager(plan: Plan, eager: nw.DataFrame[Any], *, layout: str,
                   units: Mapping[str, str], keys: Sequence[str],
                   details: bool) -> nw.DataFrame[Any]:
    """Every (key, rule) of an eager frame, as a frame of its library (row-major by key)."""
    if layout == "long":
        key_rows, table, table_units = pivot_long(plan, eager, keys, units)
        if not table:  # no known fact at all: as many rows as keys, every verdict unknown
            table = {plan.rules[0].rule.id: [None] * len(key_rows)} if plan.rules else {}
        result = evaluate_table(plan, table, units=table_units)
    else:
        key_rows = key_tuples(eager, keys)
        result = evaluate_table(plan, eager, units=units, ignore=keys)
    data = results(plan, result, key_rows, keys, details)
    return nw.from_dict(data, schema=schema(eager, keys), backend=eager.implementation)
