"""A fact's number has at most MAX_DIGITS digits, in every way a fact is given (regression:
reading a number was quadratic in its digits, 400,000 digits took 7 s and 19 MB never ended;
a Python int of 5,000 digits was a ValueError traceback). The refusal is QC112 naming the
fact, decided by counting digits before any conversion; a number at the limit is read exactly.
"""

from __future__ import annotations

import zipfile
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from qcrules import load_facts
from qcrules.base.errors import FactError
from qcrules.base.numbers import MAX_DIGITS
from qcrules.facts.read import facts_from_data, read_value

LONG = "0." + "3" * 400_000          # the report's 400,000 digits
OVER = "0." + "3" * MAX_DIGITS       # one digit beyond the limit
AT = "0." + "3" * (MAX_DIGITS - 1)   # exactly at the limit
AT_VALUE = Fraction(int("3" * (MAX_DIGITS - 1)), 10 ** (MAX_DIGITS - 1))


def refused(fact_set: object, fact_id: str = "gdp-per-capita") -> str:
    diagnostics = fact_set.diagnostics  # type: ignore[attr-defined]
    assert [(d.code, d.fact_id) for d in diagnostics] == [("QC112", fact_id)]
    assert diagnostics[0].message == "a number too long to read"
    line = str(diagnostics[0])
    assert len(line) < 400   # the value is cut in the message, never quoted whole
    return line


class TestEveryWayOfGivingAFact:
    @pytest.mark.parametrize("number", [LONG, OVER])
    @pytest.mark.parametrize("template", [
        "facts:\n  gdp-per-capita: {n}\n",              # a YAML number
        "facts:\n  gdp-per-capita: '{n}万元/人'\n",      # a quantity string
        "facts:\n  gdp-per-capita: {{value: {n}, unit: 万元/人}}\n",
        "facts:\n  gdp-per-capita: '1:{n}'\n",          # a ratio's term
    ])
    def test_yaml(self, tmp_path: Path, template: str, number: str) -> None:
        path = tmp_path / "f.yaml"
        path.write_text(template.format(n=number), encoding="utf-8")
        line = refused(load_facts(path))
        assert line.startswith(f"{path}:2:")

    @pytest.mark.parametrize("number", [LONG, OVER, "7" * 5000])
    def test_json(self, tmp_path: Path, number: str) -> None:
        path = tmp_path / "f.json"
        path.write_text('{"facts": {"gdp-per-capita": ' + number + "}}", encoding="utf-8")
        refused(load_facts(path))

    @pytest.mark.parametrize("number", [LONG, OVER, "7" * 3000, f'"{OVER}万元/人"'])
    def test_toml(self, tmp_path: Path, number: str) -> None:
        path = tmp_path / "f.toml"
        path.write_text(f"[facts]\ngdp-per-capita = {number}\n", encoding="utf-8")
        refused(load_facts(path))

    def test_csv(self, tmp_path: Path) -> None:
        path = tmp_path / "f.csv"
        path.write_text(f"指标名称,数值,单位\ngdp-per-capita,{OVER},万元/人\n", encoding="utf-8")
        line = refused(load_facts(path))
        assert line.startswith(f"{path}:2")

    def test_csv_cell_beyond_the_csv_readers_own_limit(self, tmp_path: Path) -> None:
        """400,000 digits exceed the CSV reader's field size (128 KiB): the file is QC100."""
        path = tmp_path / "f.csv"
        path.write_text(f"指标名称,数值,单位\ngdp-per-capita,{LONG},万元/人\n", encoding="utf-8")
        with pytest.raises(FactError) as raised:
            load_facts(path)
        assert [d.code for d in raised.value.diagnostics] == ["QC100"]
        assert "field larger than field limit" in str(raised.value)
        assert raised.value.diagnostics[0].location.line == 2   # the cell's line, not the next

    def test_a_quoted_cell_over_lines_is_located_where_its_row_starts(self, tmp_path: Path) -> None:
        """A fact whose row holds a cell spanning lines is named by the line its row starts on,
        and the rows after it keep their own lines."""
        path = tmp_path / "f.csv"
        path.write_text(f'指标名称,数值,备注\ngdp-per-capita,{OVER},"第一行\n第二行"\n'
                        f"award,{OVER},\n", encoding="utf-8")
        diagnostics = load_facts(path).diagnostics
        assert [(d.code, d.fact_id, d.location.line) for d in diagnostics] == [
            ("QC112", "gdp-per-capita", 2), ("QC112", "award", 4)]

    def test_xlsx_text_cell(self, tmp_path: Path) -> None:
        book = openpyxl.Workbook()
        book.active.append(["指标名称", "数值", "单位"])
        book.active.append(["gdp-per-capita", OVER, "万元/人"])
        book.save(tmp_path / "f.xlsx")
        refused(load_facts(tmp_path / "f.xlsx"))

    def test_xlsx_number_cell(self, tmp_path: Path) -> None:
        """A numeric cell of 3,000 digits (Excel never writes one; a crafted file may)."""
        refused(load_facts(numeric_cell(tmp_path, "7" * 3000)))

    def test_xlsx_number_cell_beyond_what_python_converts(self, tmp_path: Path) -> None:
        """6,000 digits: openpyxl's conversion fails, and the workbook is refused as QC112."""
        with pytest.raises(FactError) as raised:
            load_facts(numeric_cell(tmp_path, "7" * 6000))
        assert [d.code for d in raised.value.diagnostics] == ["QC112"]
        assert "a number too long to read" in str(raised.value)

    @pytest.mark.parametrize("value", [10**5000, -(10**MAX_DIGITS), Fraction(1, 10**MAX_DIGITS),
                                       LONG, OVER + "万元/人"],
                             ids=["int-5000", "int-2001", "fraction", "str-400000", "quantity"])
    def test_python(self, value: object) -> None:
        refused(facts_from_data({"gdp-per-capita": value}))


class TestAtTheLimit:
    @pytest.mark.parametrize("template", ["gdp-per-capita: {n}\n", "gdp-per-capita: '{n}'\n"])
    def test_a_number_of_max_digits_is_read_exactly(self, tmp_path: Path, template: str) -> None:
        path = tmp_path / "f.yaml"
        path.write_text(template.format(n=AT), encoding="utf-8")
        fact = load_facts(path).facts["gdp-per-capita"]
        assert fact.value == AT_VALUE
        assert not load_facts(path).diagnostics

    def test_a_whole_number_of_max_digits(self) -> None:
        fact, problem = read_value("x", 10**MAX_DIGITS - 1, None, None)
        assert problem is None
        assert fact.value == 10**MAX_DIGITS - 1


def numeric_cell(tmp_path: Path, digits: str) -> Path:
    """A workbook whose B2 is a number cell holding ``digits``, written into the sheet's XML."""
    book = openpyxl.Workbook()
    book.active.append(["指标名称", "数值", "单位"])
    book.active.append(["gdp-per-capita", 12345, "万元/人"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = tmp_path / "f.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<v>12345</v>", f"<v>{digits}</v>".encode())
            out.writestr(member, data)
    return path
