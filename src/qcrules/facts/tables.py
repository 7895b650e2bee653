"""Tables of facts: finding the header row of a CSV file or worksheet, and reading CSV text.

The header row is found by its labels (:data:`HEADER_LABELS`), so title rows may stand above
it. Pure: the caller reads the file.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence

from ..base.errors import Diagnostic, Location
from ..catalog.parse import LIMITS, LocatedList, LocatedMap, ParseResult

__all__ = ["HEADER_LABELS", "find_header", "header_field", "no_header", "parse_csv_text"]


#: Column labels of a table of facts (CSV or worksheet) → the field each column holds.
#: Labels are compared after NFKC folding, lower-casing and removing spaces.
HEADER_LABELS: dict[str, str] = {
    "id": "id", "code": "id", "代码": "id", "指标代码": "id", "编码": "id", "指标编码": "id",
    "name": "name", "indicator": "name", "指标": "name", "指标名称": "name", "名称": "name",
    "项目": "name",
    "value": "value", "数值": "value", "值": "value", "指标值": "value", "数据": "value",
    "实际值": "value", "完成值": "value",
    "unit": "unit", "单位": "unit", "计量单位": "unit",
    "source": "source", "来源": "source", "数据来源": "source",
    "date": "date", "日期": "date",
    "period": "period", "时期": "period", "期间": "period", "报告期": "period",
    "统计期": "period", "年份": "period", "year": "period",
    "region": "region", "地区": "region", "区域": "region",
    "note": "note", "notes": "note", "备注": "note", "说明": "note",
}


def header_field(label: object) -> str | None:
    """The field a column label names (``"指标名称"`` → ``"name"``), or ``None``."""
    if not isinstance(label, str):
        return None
    folded = unicodedata.normalize("NFKC", label).lower()
    return HEADER_LABELS.get("".join(folded.split()))


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[int, str]] | None:
    """The header row among the first rows (title rows may stand above it).

    The header is the first row with a value column and an id or name column; returns its
    index and, for each recognised column, the field it holds (the first column wins when two
    name the same field). ``None`` when no row looks like a header.
    """
    for index, row in enumerate(rows[:LIMITS.header_search_rows]):
        fields: dict[int, str] = {}
        for column, cell in enumerate(row):
            field = header_field(cell)
            if field is not None and field not in fields.values():
                fields[column] = field
        if "value" in fields.values() and ({"id", "name"} & set(fields.values())):
            return index, fields
    return None


def no_header(where: Location, seen: Sequence[Sequence[object]]) -> Diagnostic:
    """The problem of a table with no recognisable header row."""
    first = next((row for row in seen if any(str(c or "").strip() for c in row)), [])
    got = ", ".join(str(c) for c in first if str(c or "").strip())[:120]
    return Diagnostic("QC205", "no header row", where, field="header",
                      expected="a row naming an indicator column (id, 指标, 指标名称) and a "
                               "value column (value, 数值)",
                      got=got or "no labels")


def parse_csv_text(text: str, *, file: str | None = None) -> ParseResult:
    """Parse a CSV of facts into a list of located row mappings keyed by field.

    The header row is found by its labels (see :data:`HEADER_LABELS`), so title rows may stand
    above it; columns with other labels are ignored.
    """
    rows = LocatedList()
    rows.location = Location(file, 1)
    rows.item_locations = []
    reader = csv.reader(io.StringIO(text))
    lines: list[tuple[int, list[str]]] = []
    diagnostics: list[Diagnostic] = []
    start = 1  # the line the row being read starts on (a quoted cell may span lines)
    try:
        for row in reader:
            if len(lines) >= LIMITS.max_rows:
                return ParseResult(None, (Diagnostic(
                    "QC155", "too many rows", Location(file, reader.line_num),
                    expected=f"at most {LIMITS.max_rows} rows"),))
            if len(row) > LIMITS.max_columns:
                return ParseResult(None, (Diagnostic(
                    "QC155", "too many columns", Location(file, reader.line_num),
                    expected=f"at most {LIMITS.max_columns} columns", got=str(len(row))),))
            lines.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        return ParseResult(None, (Diagnostic("QC100", f"invalid CSV: {error}",
                                             Location(file, start),
                                             expected="comma-separated values"),))
    if not lines:
        return ParseResult(None, (Diagnostic("QC152", "CSV file has no rows", Location(file, 1),
                                             expected="a header row and a row per fact"),))
    found = find_header([row for _, row in lines])
    if found is None:
        return ParseResult(None, (no_header(Location(file, lines[0][0]),
                                            [row for _, row in lines]),))
    header_index, fields = found
    width = len(lines[header_index][1])
    for line, row in lines[header_index + 1:]:
        if not any(cell.strip() for cell in row):
            continue
        where = Location(file, line)
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            diagnostics.append(Diagnostic("QC101", "row has more cells than the header", where,
                                          expected=f"{width} cells", got=f"{len(row)}"))
            continue
        record = LocatedMap()
        record.location = where
        record.key_locations = {}
        for column, field in fields.items():
            value = row[column].strip() if column < len(row) else ""
            record[field] = value if value != "" else None
            record.key_locations[field] = where
        rows.append(record)
        rows.item_locations.append(where)
    return ParseResult(rows, tuple(diagnostics))
