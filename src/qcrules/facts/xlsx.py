"""Reading facts from .xlsx workbooks, as statistics offices lay them out, within fixed bounds.

A worksheet holds a row per indicator under a header row (``指标名称 | 数值 | 单位 | 来源 | 时期``
or ``id | value | unit | …``); title rows may stand above the header, which is found by its
labels. Every sheet with such a header is read. The result is the same located row list as a
CSV file gives (:func:`qcrules.facts.tables.parse_csv_text`), each cell located as ``file:Sheet!B7``.

Cells are read as Excel stores them: a number is a binary float, read to 15 significant digits
(Excel's own precision, so ``0.9799999999999999`` left by a formula reads as 0.98); a number
formatted as a percentage holds a fraction (0.964 shown as 96.4 %) and is read as ``96.4%``.
Formulas are never computed: the value Excel saved with the file is used.

Before openpyxl sees the file, the zip archive is checked: its unzipped size and compression
ratio are bounded (``LIMITS``), and XML with a document type declaration is refused.
"""

from __future__ import annotations

import datetime as _dt
import math
import warnings
import zlib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..base.errors import Diagnostic, Location
from ..base.numbers import MAX_DIGITS
from ..catalog.parse import LIMITS, LocatedList, LocatedMap, ParseResult, read_bytes
from .tables import find_header, no_header

__all__ = ["XLSX_SUFFIXES", "parse_xlsx"]

#: Suffixes read as Office Open XML workbooks.
XLSX_SUFFIXES = (".xlsx", ".xlsm")

_DTD_SCAN_BYTES = 64 * 1024
_MAX_MEMBERS = 10_000


class _Refused(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def _check_archive(path: Path, file: str) -> None:
    """Refuse what is not a workbook, or would unzip to too much, before any XML is parsed."""
    where = Location(file)
    data, problems = read_bytes(path)
    if data is None:
        raise _Refused(problems[0])
    if not data.strip():
        raise _Refused(Diagnostic("QC152", "file is empty", where, expected="an .xlsx workbook"))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Refused(Diagnostic("QC156", "an old .xls workbook, not .xlsx", where,
                                  expected="an .xlsx workbook", got=".xls (BIFF) format",
                                  hint="save it as .xlsx or CSV"))
    import zipfile  # imported with the first workbook, not with qcrules

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > _MAX_MEMBERS:
                raise _Refused(Diagnostic("QC151", "workbook has too many parts", where,
                                          expected=f"at most {_MAX_MEMBERS}",
                                          got=str(len(members))))
            unzipped = sum(member.file_size for member in members)
            zipped = sum(member.compress_size for member in members)
            if unzipped > LIMITS.max_unzipped_bytes:
                raise _Refused(Diagnostic("QC151", "workbook too large once unzipped", where,
                                          expected=f"at most {LIMITS.max_unzipped_bytes} bytes",
                                          got=f"{unzipped} bytes"))
            if unzipped > 1024 * 1024 and unzipped > LIMITS.max_zip_ratio * max(zipped, 1):
                raise _Refused(Diagnostic("QC151", "workbook compressed too densely (a zip bomb?)",
                                          where, expected=f"a ratio of at most {LIMITS.max_zip_ratio}",
                                          got=f"{unzipped // max(zipped, 1)}"))
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as stream:
                        head = stream.read(_DTD_SCAN_BYTES)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise _Refused(Diagnostic(
                            "QC156", "workbook XML declares a document type", where,
                            field=member.filename, expected="plain Office Open XML",
                            got="<!DOCTYPE …> (refused: entity expansion)"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError,
            RuntimeError, OSError, ValueError, zlib.error) as error:
        raise _Refused(Diagnostic("QC156", "not a readable .xlsx workbook", where,
                                  expected="an .xlsx workbook (a zip of XML parts)",
                                  got=str(error)[:120] or type(error).__name__)) from None


def _cell_value(cell: Any) -> Any:
    """A cell's value as the fact reader takes it (see the module docstring)."""
    value = cell.value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return value
        number = Decimal(format(value, ".15g"))
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{_plain(Fraction(number) * 100)}%"
        return number
    if isinstance(value, int):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{value * 100}%"
        return value
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip() or None
    return str(value)


def _plain(number: Fraction) -> str:
    if number.denominator == 1:
        return str(number.numerator)
    return f"{Decimal(number.numerator) / Decimal(number.denominator):f}"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _sheet_rows(sheet: Any, file: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for row in sheet.iter_rows(max_col=LIMITS.max_columns):
        if len(rows) >= LIMITS.max_rows:
            raise _Refused(Diagnostic(
                "QC155", "too many rows", Location(file, sheet=sheet.title,
                                                   cell=f"A{LIMITS.max_rows + 1}"),
                expected=f"at most {LIMITS.max_rows} rows a sheet"))
        rows.append(list(row))
    while rows and all(cell.value is None for cell in rows[-1]):
        rows.pop()
    return rows


def _records(sheet_title: str, rows: list[list[Any]], file: str,
             out: LocatedList) -> bool:
    values = [[_cell_value(cell) for cell in row] for row in rows]
    found = find_header(values)
    if found is None:
        return False
    header_index, fields = found
    for row_index in range(header_index + 1, len(values)):
        row = values[row_index]
        if all(cell is None for cell in row):
            continue
        excel_row = row_index + 1

        def at(column: int, excel_row: int = excel_row) -> Location:
            return Location(file, excel_row, column + 1, sheet=sheet_title,
                            cell=f"{_column_letter(column)}{excel_row}")

        record = LocatedMap()
        first = min((c for c, f in fields.items() if f in {"id", "name"}), default=0)
        record.location = at(first)
        record.key_locations = {}
        for column, field in fields.items():
            record[field] = row[column] if column < len(row) else None
            record.key_locations[field] = at(column)
        out.append(record)
        out.item_locations.append(record.location)
    return True


def _unreadable(name: str, error: Exception) -> ParseResult:
    return ParseResult(None, (Diagnostic(
        "QC156", "not a readable .xlsx workbook", Location(name),
        expected="an .xlsx workbook saved by a spreadsheet program",
        got=f"{type(error).__name__}: {str(error)[:120]}"),))


def parse_xlsx(path: str | Path, *, file: str | None = None) -> ParseResult:
    """Read every worksheet of an .xlsx workbook that has a header row into located rows.

    Never raises for bad input: an unreadable, oversized or header-less workbook gives
    ``ParseResult(None, diagnostics)``.
    """
    path = Path(path)
    name = file if file is not None else str(path)
    try:
        _check_archive(path, name)
    except _Refused as refused:
        return ParseResult(None, (refused.diagnostic,))
    import openpyxl  # deferred: only workbook users pay for the import

    rows = LocatedList()
    rows.location = Location(name)
    rows.item_locations = []
    headed = False
    without_header: tuple[str, list[list[Any]]] | None = None
    try:
        with warnings.catch_warnings():
            # openpyxl warns about what it repairs (no default style, a date out of range, an
            # unsupported extension); the cells it gives are judged here, so its warnings are noise.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True,
                                              keep_links=False)
            try:
                for sheet in workbook.worksheets:
                    sheet_rows = _sheet_rows(sheet, name)
                    if _records(sheet.title, sheet_rows, name, rows):
                        headed = True
                    elif sheet_rows and without_header is None:
                        without_header = (sheet.title, [[_cell_value(c) for c in r] for r in
                                                        sheet_rows[:LIMITS.header_search_rows]])
            finally:
                workbook.close()
    except _Refused as refused:
        return ParseResult(None, (refused.diagnostic,))
    except ValueError as error:
        if "integer string conversion" not in str(error):
            return _unreadable(name, error)
        # openpyxl converts a cell of thousands of digits and Python refuses it
        return ParseResult(None, (Diagnostic(
            "QC112", "a number too long to read", Location(name),
            expected=f"a number of at most {MAX_DIGITS} digits",
            got=str(error).split(":")[-1].split(";")[0].strip()),))
    except Exception as error:  # a hostile file may fail anywhere inside openpyxl
        return _unreadable(name, error)
    if headed:
        return ParseResult(rows, ())
    if without_header is None:
        return ParseResult(None, (Diagnostic("QC152", "workbook is empty", Location(name),
                                             expected="a header row and a row per fact"),))
    title, first_rows = without_header
    return ParseResult(None, (no_header(Location(name, 1, 1, sheet=title, cell="A1"), first_rows),))
