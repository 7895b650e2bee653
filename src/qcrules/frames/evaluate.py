"""One call for many regions and periods, in the caller's data-frame library.

A frame is *wide* (one row per region and period, one column per fact key, with ``units=``)
or *long*, as statistical offices keep it: one row per fact, with the columns ``indicator``
(a rule id, an indicator's Chinese name, or a reference or input id), ``value`` (a number, or
a quantity string such as ``"8.2万元/人"``), and optionally ``unit`` and ``source``, beside the
key columns (by default ``region`` and ``period``).

An eager frame (pandas, Polars, PyArrow) is judged on the driver by
:func:`qcrules.engine.table.evaluate_table` (:mod:`.eager`): NumPy decides every row whose
float answer is certain and the exact evaluator the rows within the float-noise band of a
threshold, so every status equals the per-row engine's. A lazy frame (Dask, DuckDB, PySpark,
a Polars LazyFrame) is judged in its backend (:mod:`.lazy`): only the rows within the band,
and those the backend's expressions do not decide, are collected and judged exactly on the
driver, and the result is a lazy frame of the same backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import narwhals as nw

from ..base.errors import Diagnostic, UsageError, did_you_mean
from ..engine.compile import Plan
from ..engine.table import unmatched_columns, warn_unmatched
from .eager import LONG_COLUMNS, RESULT_COLUMNS, evaluate_eager
from .lazy import as_lazy, evaluate_lazy

__all__ = ["LAYOUTS", "RESULT_COLUMNS", "evaluate_frame"]

LAYOUTS = ("wide", "long")
_LONG_OPTIONAL = ("unit", "source")


def _usage(message: str, field: str, expected: str, got: str, names: Sequence[str] = ()) -> UsageError:
    return UsageError(Diagnostic("QC411", message, field=field, expected=expected, got=got,
                                 hint=did_you_mean(got, names)))


def _columns_of(frame: nw.DataFrame[Any] | nw.LazyFrame[Any]) -> list[str]:
    return list(frame.collect_schema().names())


def _require(columns: Sequence[str], wanted: Sequence[str], what: str) -> None:
    for name in wanted:
        if name not in columns:
            raise _usage(f"the frame has no {what} column {name!r}", "keys" if what == "key"
                         else "layout", f"one of {', '.join(map(repr, columns))}", name, columns)


def evaluate_frame(plan: Plan, frame: Any, *, layout: str = "wide",
                   units: Mapping[str, str] | None = None,
                   keys: Sequence[str] = ("region", "period"), details: bool = True) -> Any:
    """Evaluate every (key, rule) of a wide or long frame; a frame of the same library back.

    The result has the ``keys`` columns, then :data:`RESULT_COLUMNS`: ``rule`` (id),
    ``indicator`` (its Chinese name), ``status``, ``severity``, ``value`` (in the rule's
    unit, after any rounding), ``unit``, ``threshold`` (the nearest), ``margin`` (signed
    toward meeting), ``commitment``, ``clause`` and ``code`` (the diagnostic of an invalid
    verdict). ``value``, ``threshold`` and ``margin`` are floats; the exact fractions are in
    the per-row reports. ``details=False`` leaves those five columns empty and skips the exact
    reports that fill them: the statuses are still exact.

    Raises:
        UsageError: not a data frame (QC400); an unknown layout or a missing key, indicator or
            value column (QC411).
        FactError: a long frame giving one indicator twice for one key (QC204).
    """
    if layout not in LAYOUTS:
        raise _usage(f"unknown layout {layout!r}", "layout", "wide or long", str(layout),
                     LAYOUTS)
    try:
        native = nw.from_native(frame)
    except TypeError:
        name = type(frame).__name__
        raise UsageError(Diagnostic(
            "QC400", f"expected a data frame, got {name}", field="frame",
            expected="a pandas, Polars, PyArrow, Dask or DuckDB frame", got=name)) from None
    keys = tuple(keys)
    units = dict(units or {})
    columns = _columns_of(native)
    _require(columns, keys, "key")
    lazy = isinstance(native, nw.LazyFrame)
    if layout == "long":
        _require(columns, LONG_COLUMNS, "long-layout")
        extra = [c for c in columns if c not in (*keys, *LONG_COLUMNS, *_LONG_OPTIONAL)]
        warn_unmatched(unmatched_columns(plan, extra))
        wanted = [c for c in (*keys, *LONG_COLUMNS, "unit") if c in columns]
    else:
        wanted = columns
    if lazy:
        out = evaluate_lazy(plan, native, frame, layout=layout, units=units, keys=keys,
                            details=details)
        if out is not None:
            return out.to_native()
    narrowed = native.select(wanted)
    eager = narrowed.collect() if isinstance(narrowed, nw.LazyFrame) else narrowed
    result = evaluate_eager(plan, eager, layout=layout, units=units, keys=keys, details=details)
    if lazy:
        return as_lazy(result, native, frame).to_native()
    return result.to_native()
