"""Data frames in, data frames out: a whole province's statistics in one call.

Holds :func:`evaluate_frame` (``evaluate``): a wide or long table in any library narwhals
reads (pandas, Polars, PyArrow, and lazily Dask, DuckDB, PySpark, Polars' LazyFrame), with
one result row per (region, period, rule), returned in the library it came in. An eager frame
is judged by the vectorised path of :mod:`qcrules.engine.table` (``eager``); a lazy one in its
own backend, with only the rows that need the exact recheck collected (``lazy``). Pure: no
I/O, no wording.

May import: :mod:`qcrules.base`, :mod:`qcrules.catalog`, :mod:`qcrules.facts`,
:mod:`qcrules.engine`.
"""

from .evaluate import LAYOUTS, RESULT_COLUMNS, evaluate_frame

__all__ = ["LAYOUTS", "RESULT_COLUMNS", "evaluate_frame"]
