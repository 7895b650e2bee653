"""Parquet tables of facts, read with pyarrow (the optional extra ``qcrules[pyarrow]``).

A Parquet file is a table as a CSV file is: its columns are named by the labels of
:data:`~qcrules.facts.tables.HEADER_LABELS` (``region``, ``period``, ``indicator``, ``value``,
``unit``, ``source``, or 地区, 时期, 指标, 数值, …), one row per fact. A row's place is its row
number, the first row 1 (``facts.parquet:7``). Never raises for bad input: an unreadable file
gives ``ParseResult(None, diagnostics)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..base.errors import Diagnostic, Location
from ..catalog.parse import LIMITS, LocatedList, LocatedMap, ParseResult, read_bytes
from .tables import header_field, no_header

__all__ = ["PARQUET_SUFFIXES", "PYARROW_MISSING", "parse_parquet", "pyarrow_missing"]

PARQUET_SUFFIXES = (".parquet", ".pq")
#: The code of "Parquet needs pyarrow, which is not installed".
PYARROW_MISSING = "QC159"


def pyarrow_missing(where: Location | None, what: str = "reading") -> Diagnostic | None:
    """The one-line problem when pyarrow cannot be imported (QC159, naming the extra to
    install), else ``None``."""
    try:
        import pyarrow  # only whether it imports
        import pyarrow.parquet  # noqa: F401
    except ImportError as error:
        return Diagnostic(PYARROW_MISSING, f"{what} Parquet needs pyarrow, which is not installed",
                          where, expected="pyarrow", got=" ".join(str(error).split()) or "ImportError",
                          hint='pip install "qcrules[pyarrow]", or use CSV')
    return None


def parse_parquet(path: str | Path, *, file: str | None = None) -> ParseResult:
    """Read a Parquet table of facts into located row mappings keyed by field.

    Columns with other labels are ignored, as in a CSV file; a table without a value column
    and an id or indicator column is QC205.
    """
    name = file if file is not None else str(path)
    where = Location(name)
    missing = pyarrow_missing(where)
    if missing is not None:
        return ParseResult(None, (missing,))
    data, problems = read_bytes(path)
    if data is None:
        return ParseResult(None, tuple(problems))
    if not data.strip():
        return ParseResult(None, (Diagnostic("QC152", "file is empty", where,
                                             expected="a Parquet table"),))
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        if parquet.metadata.num_rows > LIMITS.max_rows:
            return ParseResult(None, (Diagnostic(
                "QC155", "too many rows", where, expected=f"at most {LIMITS.max_rows} rows",
                got=str(parquet.metadata.num_rows)),))
        table = parquet.read()
    except (pa.ArrowException, OSError, ValueError) as error:
        said = " ".join(str(error).split())   # pyarrow's own words, on one line
        return ParseResult(None, (Diagnostic("QC100", f"invalid Parquet: {said}", where,
                                             expected="a Parquet table"),))
    fields: dict[str, str] = {}
    for column in table.column_names:
        field = header_field(column)
        if field is not None and field not in fields.values():
            fields[column] = field
    if "value" not in fields.values() or not {"id", "name"} & set(fields.values()):
        return ParseResult(None, (no_header(where, [table.column_names]),))
    columns: dict[str, list[Any]] = {field: table.column(column).to_pylist()
                                     for column, field in fields.items()}
    rows = LocatedList()
    rows.location = where
    rows.item_locations = []
    for index in range(table.num_rows):
        at = Location(name, index + 1)
        record = LocatedMap()
        record.location = at
        record.key_locations = {}
        for field, values in columns.items():
            cell = values[index]
            if isinstance(cell, str):
                cell = cell.strip() or None
            record[field] = cell
            record.key_locations[field] = at
        if all(cell is None for cell in record.values()):
            continue
        rows.append(record)
        rows.item_locations.append(at)
    return ParseResult(rows, ())
