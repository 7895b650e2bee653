"""Loading fact files: the reader chosen by suffix, workbooks and CSV as statistics offices lay
them out, and the same verdicts whatever the format."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

import qcrules
from qcrules import FactForm, load_facts

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
FIXTURES = DATA / "facts"
EXAMPLE = ROOT / "examples" / "tongcheng-2026.yaml"


def _fixture_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_fixtures"] = module
    spec.loader.exec_module(module)
    return module


make_fixtures = _fixture_module()
SOURCE, CATALOGUE = make_fixtures.default_source()


def workbook(tmp_path: Path, sheets: dict[str, list[list[object]]],
             formats: dict[tuple[str, str], str] | None = None) -> Path:
    """An .xlsx file with the given sheets; ``formats`` maps (sheet, cell) to a number format."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for (title, cell), number_format in (formats or {}).items():
        book[title][cell].number_format = number_format
    path = tmp_path / "f.xlsx"
    book.save(path)
    return path


def verdicts(facts: qcrules.FactSet) -> list[tuple[str, str, object]]:
    """(rule id, status, value) for every rule of the fixture's catalogue."""
    plan = qcrules.compile_catalog(qcrules.load_catalog(CATALOGUE))
    return [(v.rule_id, v.status.value, v.value) for v in qcrules.evaluate(plan, facts).verdicts]


class TestSameVerdictsWhateverTheFormat:
    """The example statistics as a GB18030 CSV and as a workbook give the YAML's verdicts."""

    @pytest.mark.parametrize("name", [f"{SOURCE.stem}-gb18030.csv", f"{SOURCE.stem}.xlsx"])
    def test_same_verdicts(self, name: str) -> None:
        """Every rule gets the same status and value as from the YAML file, with no problem."""
        facts = load_facts(FIXTURES / name)
        assert facts.diagnostics == ()
        assert verdicts(facts) == verdicts(load_facts(SOURCE))

    def test_csv_is_gb18030(self) -> None:
        """The CSV fixture really is GB18030 (not UTF-8), so detection is exercised."""
        data = (FIXTURES / f"{SOURCE.stem}-gb18030.csv").read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")

    def test_csv_fixture_is_current(self) -> None:
        """The committed CSV is what make_fixtures.py writes from the example today."""
        import yaml

        data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
        title = f"{data.get('region', '')}{data.get('period', '')}年主要统计指标"
        expected = make_fixtures.csv_text(make_fixtures.rows_from_facts(data), title)
        assert (FIXTURES / f"{SOURCE.stem}-gb18030.csv").read_bytes() == expected.encode("gb18030")

    def test_workbook_fixture_is_current(self) -> None:
        """The committed workbook holds one row per fact of the example, under two title rows."""
        import yaml

        data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
        facts = load_facts(FIXTURES / f"{SOURCE.stem}.xlsx")
        assert set(facts.facts) == {str(key) for key in data["facts"]}

    def test_region_and_period_from_the_rows(self) -> None:
        """Rows that all name one region and period give the fact set that region and period."""
        facts = load_facts(FIXTURES / f"{SOURCE.stem}.xlsx")
        yaml_facts = load_facts(SOURCE)
        assert (facts.region, facts.period) == (yaml_facts.region, yaml_facts.period)


class TestReaderBySuffix:
    """load_facts picks the reader by the file's suffix."""

    @pytest.mark.parametrize(("name", "text"), [
        ("f.yaml", "facts:\n  award: 1\n"),
        ("f.yml", "facts:\n  award: 1\n"),
        ("f.json", '{"facts": {"award": 1}}'),
        ("f.csv", "id,value\naward,1\n"),
    ])
    def test_text_formats(self, tmp_path: Path, name: str, text: str) -> None:
        """YAML, JSON and CSV give the same fact."""
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        fact = load_facts(path).get("award")
        assert fact is not None
        assert (fact.form, fact.value) == (FactForm.NUMBER, 1)

    def test_json_indented_with_tabs(self, tmp_path: Path) -> None:
        """JSON indented with tabs (which YAML refuses) is read."""
        path = tmp_path / "f.json"
        path.write_text('{\n\t"facts": {\n\t\t"award": 1\n\t}\n}\n', encoding="utf-8")
        fact = load_facts(path).get("award")
        assert fact is not None
        assert fact.value == 1

    def test_xlsx(self, tmp_path: Path) -> None:
        """An .xlsx file is read as a workbook."""
        path = workbook(tmp_path, {"表": [["id", "value"], ["award", 1]]})
        assert load_facts(path).get("award") is not None

    def test_several_files_merge(self, tmp_path: Path) -> None:
        """Facts from several files of different formats form one set."""
        yaml_path = tmp_path / "a.yaml"
        yaml_path.write_text("facts:\n  award: 1\n", encoding="utf-8")
        xlsx = workbook(tmp_path, {"表": [["id", "value"], ["pilot", "是"]]})
        assert set(load_facts(yaml_path, xlsx).facts) == {"award", "pilot"}


class TestCsvEncodings:
    """CSV in UTF-8, UTF-8 with a BOM, GB18030 or UTF-16 with a BOM is detected."""

    TEXT = "指标名称,数值,单位\n抽检合格率,97.8,%\n"

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
    def test_detected(self, tmp_path: Path, encoding: str) -> None:
        """The Chinese header and name are read whatever the encoding."""
        path = tmp_path / "f.csv"
        path.write_bytes(self.TEXT.encode(encoding))
        fact = load_facts(path).get("抽检合格率")
        assert fact is not None
        assert (fact.value, fact.unit) == (Fraction("97.8"), "%")

    def test_encoding_option(self, tmp_path: Path) -> None:
        """An explicit encoding is used as given: UTF-16 without a BOM, which looks binary."""
        path = tmp_path / "f.csv"
        path.write_bytes(self.TEXT.encode("utf-16-le"))
        with pytest.raises(qcrules.FactError, match="QC153"):
            load_facts(path)
        fact = load_facts(path, encoding="utf-16-le").get("抽检合格率")
        assert fact is not None
        assert fact.value == Fraction("97.8")


class TestWorkbookLayout:
    """Workbooks laid out as statistics offices lay them out."""

    def test_title_rows_above_the_header(self, tmp_path: Path) -> None:
        """Title rows above the header are skipped; the header is found by its labels."""
        path = workbook(tmp_path, {"2026": [
            ["桐城市2026年主要统计指标"], [None, None, "单位：见各行"],
            ["序号", "指标名称", "数值", "单位", "来源", "时期", "地区", "备注"],
            [1, "人均GDP", 8.2, "万元/人", "市统计局", "2026", "桐城市", "初步核算"],
        ]})
        fact = load_facts(path).get("人均GDP")
        assert fact is not None
        assert (fact.value, fact.unit, fact.source, fact.period, fact.region, fact.note) == (
            Fraction("8.2"), "万元/人", "市统计局", "2026", "桐城市", "初步核算")

    def test_english_header(self, tmp_path: Path) -> None:
        """English labels (id, value, unit, source, period, region, note) are read too."""
        path = workbook(tmp_path, {"s": [["ID", "Value", "Unit", "Source"],
                                         ["gdp-per-capita", 82000, "元/人", "bureau"]]})
        fact = load_facts(path).get("gdp-per-capita")
        assert fact is not None
        assert (fact.value, fact.unit, fact.source) == (82000, "元/人", "bureau")

    def test_id_column_wins_over_name(self, tmp_path: Path) -> None:
        """With both an id and a name column, the id keys the fact; the name fills in a blank id."""
        path = workbook(tmp_path, {"s": [["代码", "指标名称", "数值"],
                                         ["award", "省级政府质量奖", 1],
                                         [None, "国家级标准化示范", "是"]]})
        assert set(load_facts(path).facts) == {"award", "国家级标准化示范"}

    def test_quantity_text_in_a_cell(self, tmp_path: Path) -> None:
        """A text cell such as 8.2万元 with the unit column's /人 is read as a quantity string."""
        path = workbook(tmp_path, {"s": [["指标", "数值"], ["人均GDP", "8.2万元/人"],
                                         ["抽检合格率", "96.4%"]]})
        facts = load_facts(path)
        assert (facts.facts["人均GDP"].value, facts.facts["人均GDP"].unit) == (Fraction("8.2"), "万元/人")
        assert (facts.facts["抽检合格率"].value, facts.facts["抽检合格率"].unit) == (Fraction("96.4"), "%")

    def test_percent_formatted_cells_hold_fractions(self, tmp_path: Path) -> None:
        """A cell shown as 96.4% holds 0.964; it is read as 96.4 %, exactly."""
        path = workbook(tmp_path, {"s": [["指标", "数值"], ["抽检合格率", 0.964], ["覆盖率", 1]]},
                        {("s", "B2"): "0.0%", ("s", "B3"): "0%"})
        facts = load_facts(path)
        assert (facts.facts["抽检合格率"].value, facts.facts["抽检合格率"].unit) == (Fraction("96.4"), "%")
        assert (facts.facts["覆盖率"].value, facts.facts["覆盖率"].unit) == (100, "%")

    def test_float_noise_is_dropped(self, tmp_path: Path) -> None:
        """Numbers are read to Excel's 15 significant digits: 0.1+0.2 is 0.3, 97.99999999999999 is 98."""
        path = workbook(tmp_path, {"s": [["id", "value"], ["a", 0.1 + 0.2], ["b", 97.99999999999999],
                                         ["c", 1234567.125]]})
        facts = load_facts(path)
        assert [facts.facts[k].value for k in "abc"] == [Fraction("0.3"), 98, Fraction("1234567.125")]

    def test_every_sheet_with_a_header(self, tmp_path: Path) -> None:
        """Every sheet with a header is read; a sheet without one (notes, charts' data) is skipped."""
        path = workbook(tmp_path, {"说明": [["本表数据为初步统计"]],
                                   "经济": [["指标", "数值"], ["人均GDP", "8.2万元/人"]],
                                   "民生": [["指标", "数值"], ["师生比", "1:13.1"]]})
        assert set(load_facts(path).facts) == {"人均GDP", "师生比"}

    def test_formula_cells_use_the_saved_value(self, tmp_path: Path) -> None:
        """A formula is never computed: without a value saved by Excel the fact is missing."""
        path = workbook(tmp_path, {"s": [["id", "value"], ["award", "=1+1"]]})
        fact = load_facts(path).get("award")
        assert fact is not None
        assert fact.form is FactForm.MISSING

    def test_dates_and_blank_rows(self, tmp_path: Path) -> None:
        """A date cell becomes an ISO date; blank rows between facts are skipped."""
        path = workbook(tmp_path, {"s": [["id", "value", "日期"], ["award", 1, datetime.date(2026, 6, 30)],
                                         [None, None, None], ["pilot", "是", None]]})
        facts = load_facts(path)
        assert facts.facts["award"].date == "2026-06-30T00:00:00"
        assert set(facts.facts) == {"award", "pilot"}

    def test_repaired_cells_are_quiet(self, tmp_path: Path) -> None:
        """A cell openpyxl repairs (a date serial out of range) is read without a warning."""
        path = workbook(tmp_path, {"s": [["id", "value"], ["award", -1e16], ["pilot", "是"]]},
                        {("s", "B2"): "yyyy-mm-dd"})
        facts = load_facts(path)  # warnings are errors in this test suite
        assert facts.facts["pilot"].value is True

    def test_cells_located_by_sheet(self, tmp_path: Path) -> None:
        """A fact's location is its value cell, shown file:Sheet!B3."""
        path = workbook(tmp_path, {"经济": [["2026"], ["指标", "数值"], ["人均GDP", "8.2万元/人"]]})
        fact = load_facts(path).get("人均GDP")
        assert fact is not None
        assert str(fact.location) == f"{path}:经济!B3"


class TestCsvLayout:
    """CSV laid out like the workbooks."""

    def test_title_row_and_chinese_header(self, tmp_path: Path) -> None:
        """A title row above a Chinese header is skipped; unknown columns are ignored."""
        path = tmp_path / "f.csv"
        path.write_text("桐城市2026年统计\n序号,指标,数值,单位,同比增长\n1,人均GDP,8.2,万元/人,5%\n",
                        encoding="utf-8")
        fact = load_facts(path).get("人均GDP")
        assert fact is not None
        assert (fact.value, fact.unit, str(fact.location)) == (Fraction("8.2"), "万元/人", f"{path}:3")


def test_fixtures_follow_the_2026_example() -> None:
    """The committed fixtures are generated from the 2026 example."""
    assert SOURCE == EXAMPLE
    assert (FIXTURES / "tongcheng-2026-gb18030.csv").is_file()
    assert (FIXTURES / "tongcheng-2026.xlsx").is_file()


class TestTheSourceDocument:
    """Only a regular file in the catalogue's folder is read as its source, and a check that
    was skipped says so (regressions: source.file could name any file on the machine, and a
    FIFO hung validate)."""

    CATALOGUE = ("qcrules: 1\ncatalog:\n  id: t\n  title: t\n  source: {{title: s, file: '{file}'}}\n"
                 "rules:\n  - {{id: r, indicator: {{zh: 指标, unit: '%'}}, kind: floor,"
                 " target: 达98%, commitment: none, deadline: 2027, clause: 一, quote: 达98%,"
                 " lead: [a]}}\n")

    def _load(self, folder: Path, file: str) -> qcrules.Catalog:
        path = folder / "c.yaml"
        path.write_text(self.CATALOGUE.format(file=file), encoding="utf-8")
        return qcrules.load_catalog(path)

    def test_a_file_outside_the_folder_is_never_read(self, tmp_path: Path) -> None:
        (tmp_path / "secret.txt").write_text("nothing of the plan", encoding="utf-8")
        inner = tmp_path / "rules"
        inner.mkdir()
        catalog = self._load(inner, "../secret.txt")
        assert [(n.code, n.field) for n in catalog.notes] == [("QC176", "catalog.source.file")]
        assert "outside the catalogue's folder" in catalog.notes[0].message

    def test_a_file_below_the_folder_is_checked(self, tmp_path: Path) -> None:
        (tmp_path / "sources").mkdir()
        (tmp_path / "sources" / "plan.txt").write_text("力争指标达97%", encoding="utf-8")
        with pytest.raises(qcrules.CatalogError) as raised:
            self._load(tmp_path, "sources/plan.txt")
        assert [d.code for d in raised.value.diagnostics] == ["QC160"]

    def test_a_missing_source_says_the_check_was_skipped(self, tmp_path: Path) -> None:
        catalog = self._load(tmp_path, "missing.txt")
        assert [n.code for n in catalog.notes] == ["QC176"]

    def test_a_fifo_is_refused_at_once(self, tmp_path: Path) -> None:
        import os

        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this system")
        os.mkfifo(tmp_path / "plan.txt")
        catalog = self._load(tmp_path, "plan.txt")
        assert [n.code for n in catalog.notes] == ["QC176"]
        assert "not a regular file" in catalog.notes[0].message
