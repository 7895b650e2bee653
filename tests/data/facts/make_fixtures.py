"""Write the CSV and .xlsx copies of an example fact file, laid out as a statistics office would.

    python tests/data/facts/make_fixtures.py [FACTS.yaml CATALOGUE.yaml]

With no argument it copies ``examples/tongcheng-2026.yaml`` (catalogue
``rules/tongcheng-2025-2027.yaml``) when that exists, else ``tests/data/mini-facts.yaml``
(catalogue ``tests/data/mini.yaml``). It writes, next to this script, ``<name>-gb18030.csv`` (a title
row, then Chinese headers, GB18030-encoded, values written as in the YAML) and ``<name>.xlsx``
(two title rows, then headers; numbers in numeric cells with the unit in its own column, and
percentages, and bare numbers for indicators in %, as percent-formatted fractions, the way
Excel keeps them). The tests check that both
give the same verdicts as the YAML file.
"""

from __future__ import annotations

import csv
import datetime
import io
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
ROOT = HERE.parent.parent.parent
HEADER = ["代码", "指标名称", "数值", "单位", "来源", "时期", "地区", "备注"]


def default_source() -> tuple[Path, Path]:
    """The example fact file the fixtures copy, and its catalogue."""
    example = ROOT / "examples" / "tongcheng-2026.yaml"
    if example.is_file():
        return example, ROOT / "rules" / "tongcheng-2025-2027.yaml"
    return ROOT / "tests" / "data" / "mini-facts.yaml", ROOT / "tests" / "data" / "mini.yaml"


def percent_keys(catalogue: Path) -> set[str]:
    """Rule ids and indicator names of the catalogue's indicators measured in %."""
    import qcrules

    return {key for rule in qcrules.load_catalog(catalogue) if rule.indicator.unit == "%"
            for key in (rule.id, rule.indicator.zh)}


def rows_from_facts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per fact: its key as 代码 (a rule id) or 指标名称 (a Chinese name), and its fields."""
    rows = []
    for key, entry in (data.get("facts") or {}).items():
        fields = dict(entry) if isinstance(entry, dict) else {"value": entry}
        is_id = str(key).isascii()
        rows.append({
            "代码": key if is_id else None,
            "指标名称": None if is_id else key,
            "数值": fields.get("value"),
            "单位": fields.get("unit"),
            "来源": fields.get("source", data.get("source")),
            "时期": fields.get("period", data.get("period")),
            "地区": fields.get("region", data.get("region")),
            "备注": fields.get("note"),
        })
    return rows


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def csv_text(rows: list[dict[str, Any]], title: str) -> str:
    """The CSV: a title row, the header, a row per fact."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title])
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([_csv_cell(row[name]) for name in HEADER])
    return out.getvalue()


def _split(value: Any, unit: Any, percent: bool) -> tuple[Any, Any, str | None]:
    """A numeric cell where the value is a number with a unit: (cell value, unit, number format)."""
    from qcrules.catalog.units import parse_quantity

    if isinstance(value, bool) or value is None:
        return ("是" if value else "否") if isinstance(value, bool) else None, unit, None
    if isinstance(value, (int, float)):
        return value, unit, "0.0%" if percent and not unit else None
    text = str(value)
    try:
        parsed = parse_quantity(text, check_unit=False)
    except ValueError:
        return text, unit, None
    if parsed.ratio or unit:
        return text, unit, None
    number = parsed.magnitude
    cell: float | int = int(number) if number.denominator == 1 else float(number)
    if parsed.unit == "%":
        return float(number / 100), None, "0.0%"
    return cell, parsed.unit, None


def write_xlsx(rows: list[dict[str, Any]], title: str, path: Path, percent: set[str]) -> None:
    """The workbook: two title rows, the header, a row per fact, percentages percent-formatted."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "主要指标"
    sheet.append([title])
    sheet.append(["单位：见各行", None, None, None, None, None, None, "制表：统计局"])
    sheet.append(HEADER)
    for row in rows:
        key = row["代码"] or row["指标名称"]
        value, unit, number_format = _split(row["数值"], row["单位"], key in percent)
        cells = [row["代码"], row["指标名称"], value, unit, row["来源"],
                 _csv_cell(row["时期"]) or None, row["地区"], row["备注"]]
        sheet.append(cells)
        if number_format:
            sheet.cell(row=sheet.max_row, column=3).number_format = number_format
    stamp = datetime.datetime(2026, 1, 1)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.save(path)


def main(argv: list[str]) -> None:
    """Write both fixtures for the fact file named in ``argv`` (or the default one)."""
    source, catalogue = (Path(argv[0]), Path(argv[1])) if argv else default_source()
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    rows = rows_from_facts(data)
    title = f"{data.get('region', '')}{data.get('period', '')}年主要统计指标"
    stem = source.stem
    (HERE / f"{stem}-gb18030.csv").write_bytes(csv_text(rows, title).encode("gb18030"))
    write_xlsx(rows, title, HERE / f"{stem}.xlsx", percent_keys(catalogue))


if __name__ == "__main__":
    main(sys.argv[1:])
