"""Malformed input through the CLI: one test per class of bad input.

Each asserts the located one- or two-line message (file and line, or sheet and cell; the fact
and field; the stable code) and exit code 2, and that no traceback is shown. Facts present but
unusable for their rule give an *invalid* verdict; unreadable files and values give diagnostics;
both are shown and both exit 2.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import attrs
import openpyxl
import pytest
from click.testing import CliRunner

from qcrules.catalog import parse as _parse
from qcrules.cli import main
from qcrules.facts import xlsx as _xlsx

DATA = Path(__file__).parents[1] / "data"
RULES = str(DATA / "mini.yaml")
BAD = DATA / "bad"


def check(*args: str) -> tuple[int, str, str]:
    """Run ``qcrules check ARGS --rules mini.yaml`` and return (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, ["check", *args, "--rules", RULES])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def error_lines(stderr: str) -> list[str]:
    """The ``error:`` lines of the CLI's standard error."""
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    """A file in ``tmp_path`` with ``content`` (text is written as UTF-8)."""
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def workbook(tmp_path: Path, rows: list[list[object]], name: str = "f.xlsx") -> str:
    """An .xlsx file with one sheet (统计表) holding ``rows``."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "统计表"
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return str(path)


class TestUnreadableFiles:
    """A file that cannot be read at all: one located line, exit 2, nothing evaluated."""

    def test_invalid_yaml(self) -> None:
        """Invalid YAML names the line and column where parsing stopped (QC100)."""
        code, out, err = check(str(BAD / "invalid.yaml"))
        assert code == 2
        assert out == ""
        assert f"{BAD / 'invalid.yaml'}:4:1: QC100 invalid YAML" in err

    def test_invalid_json(self) -> None:
        """JSON is read strictly: a trailing comma is an error at its line and column (QC100)."""
        code, _, err = check(str(BAD / "trailing-comma.json"))
        assert code == 2
        assert f"{BAD / 'trailing-comma.json'}:4:3: QC100 invalid JSON" in err

    def test_empty_file(self) -> None:
        """An empty (or blank) file is named (QC152)."""
        code, _, err = check(str(BAD / "empty.yaml"))
        assert code == 2
        assert error_lines(err) == [f"error: {BAD / 'empty.yaml'}: QC152 file is empty (expected a document)"]

    def test_comment_only_document(self, tmp_path: Path) -> None:
        """A YAML file holding only a comment has no document (QC152)."""
        path = write(tmp_path, "c.yaml", "# 2026年数据待补\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}: QC152 document is empty" in err

    def test_unknown_encoding(self) -> None:
        """Text neither UTF-8 nor GB18030 is refused at the line of the first bad byte (QC154)."""
        code, _, err = check(str(BAD / "latin1.csv"))
        assert code == 2
        assert f"{BAD / 'latin1.csv'}:3: QC154 field encoding: text in an unknown encoding" in err
        assert "--encoding" in err

    def test_wrong_encoding_option(self) -> None:
        """--encoding names the encoding to use; a file not in it is refused (QC154)."""
        code, _, err = check(str(DATA / "facts" / "mini-facts-gb18030.csv"), "--encoding", "utf-8")
        assert code == 2
        assert "QC154" in err
        assert "not utf-8" in err

    def test_unknown_encoding_name(self) -> None:
        """An --encoding Python does not know is a usage error naming the option (QC403)."""
        code, _, err = check(str(DATA / "facts" / "mini-facts-gb18030.csv"), "--encoding", "klingon")
        assert code == 2
        assert "QC403 field encoding: unknown encoding name 'klingon'" in err

    def test_binary_file(self) -> None:
        """A binary file given as YAML is refused as binary, saying what it looks like (QC153)."""
        code, _, err = check(str(BAD / "binary.yaml"))
        assert code == 2
        assert f"{BAD / 'binary.yaml'}: QC153 file is binary, not text" in err

    def test_workbook_with_a_yaml_suffix(self, tmp_path: Path) -> None:
        """A workbook saved under .yaml is binary; the message says it is a zip archive."""
        source = workbook(tmp_path, [["id", "value"], ["award", 1]])
        path = write(tmp_path, "f.yaml", Path(source).read_bytes())
        code, _, err = check(path)
        assert code == 2
        assert "QC153" in err
        assert "zip archive" in err

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is named (QC150)."""
        code, _, err = check(str(tmp_path / "2026.yaml"))
        assert code == 2
        assert f"{tmp_path / '2026.yaml'}: QC150 file not found" in err

    def test_file_too_large(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A file above LIMITS.max_bytes is refused without being read whole (QC151)."""
        limit = Path(RULES).stat().st_size  # the catalogue itself still fits
        monkeypatch.setattr(_parse, "LIMITS", attrs.evolve(_parse.LIMITS, max_bytes=limit))
        path = write(tmp_path, "big.yaml", "facts:\n" + "  award: 1\n" * limit)
        code, _, err = check(path)
        assert code == 2
        assert f"{path}: QC151 file too large (expected at most {limit} bytes" in err

    def test_document_too_deep(self) -> None:
        """Nesting deeper than LIMITS.max_depth is refused (QC155)."""
        code, _, err = check(str(BAD / "deep.json"))
        assert code == 2
        assert "QC155 document nested too deeply" in err

    def test_billion_laughs(self) -> None:
        """Aliases count each time they are used: an alias bomb stops at LIMITS.max_nodes (QC155)."""
        code, _, err = check(str(BAD / "billion-laughs.yaml"))
        assert code == 2
        assert "QC155 document too large" in err
        assert "aliases count each time they are used" in err

    def test_old_xls_workbook(self, tmp_path: Path) -> None:
        """An .xls file is refused with what to do instead (QC156)."""
        path = write(tmp_path, "f.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
        code, _, err = check(path)
        assert code == 2
        assert f"{path}: QC156 .xls files are not read" in err
        assert "save it as .xlsx or CSV" in err

    def test_not_a_workbook(self, tmp_path: Path) -> None:
        """An .xlsx that is not a zip of XML parts is refused (QC156)."""
        path = write(tmp_path, "f.xlsx", "指标,数值\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}: QC156 not a readable .xlsx workbook" in err

    def test_zip_bomb(self, tmp_path: Path) -> None:
        """A workbook that would unzip far beyond its size is refused before parsing (QC151)."""
        path = tmp_path / "bomb.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (4 * 1024 * 1024))
        code, _, err = check(str(path))
        assert code == 2
        assert f"{path}: QC151 workbook compressed too densely" in err

    def test_workbook_too_large_unzipped(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A workbook whose parts add up beyond LIMITS.max_unzipped_bytes is refused (QC151)."""
        monkeypatch.setattr(_xlsx, "LIMITS", attrs.evolve(_xlsx.LIMITS, max_unzipped_bytes=1000))
        path = workbook(tmp_path, [["id", "value"], ["award", 1]])
        code, _, err = check(path)
        assert code == 2
        assert "QC151 workbook too large once unzipped (expected at most 1000 bytes" in err

    def test_workbook_with_a_doctype(self, tmp_path: Path) -> None:
        """XML with a document type (entity expansion) is refused, naming the part (QC156)."""
        path = tmp_path / "dtd.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml",
                             '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Types/>')
        code, _, err = check(str(path))
        assert code == 2
        assert "QC156 field [Content_Types].xml: workbook XML declares a document type" in err

    def test_too_many_rows(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A sheet with more than LIMITS.max_rows rows is refused at the first row too many (QC155)."""
        monkeypatch.setattr(_xlsx, "LIMITS", attrs.evolve(_xlsx.LIMITS, max_rows=5))
        path = workbook(tmp_path, [["id", "value"]] + [[f"f{i}", i] for i in range(10)])
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:统计表!A6: QC155 too many rows (expected at most 5 rows a sheet)" in err

    def test_sheet_without_header(self, tmp_path: Path) -> None:
        """A sheet with no row naming an indicator and a value column is refused (QC205)."""
        path = workbook(tmp_path, [["2026年统计"], ["地区生产总值", "600亿元"]])
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:统计表!A1: QC205 field header: no header row" in err
        assert "got 2026年统计" in err

    def test_csv_without_header(self, tmp_path: Path) -> None:
        """A CSV with no header row is refused at its first line (QC205)."""
        path = write(tmp_path, "f.csv", "award,1\npilot,是\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:1: QC205 field header: no header row" in err

    def test_unreadable_suffix_spelled_out(self, tmp_path: Path) -> None:
        """Every file is tried: two bad files give two located lines."""
        first = write(tmp_path, "a.yaml", "")
        second = write(tmp_path, "b.yaml", "facts: [\n")
        code, _, err = check(first, second)
        assert code == 2
        assert [line.split(":")[1].strip() for line in error_lines(err)] == [first, second]


class TestUnreadableValues:
    """A file that reads but holds values that cannot be read: each is located, exit 2."""

    def test_wrong_type(self, tmp_path: Path) -> None:
        """'facts' given as text names the field and what was found (QC201)."""
        path = write(tmp_path, "f.yaml", "facts: 8.2万元\n")
        code, _, err = check(path)
        assert code == 2
        assert (f"{path}:1:1: QC201 field facts: 'facts' must be a mapping of id to value or a "
                "list of facts (expected {id: value} or [{id: …, value: …, period: …}]; "
                "got text '8.2万元')") in err

    def test_list_of_non_facts(self, tmp_path: Path) -> None:
        """A 'facts' list whose items are not facts names each item's place (QC201)."""
        path = write(tmp_path, "f.yaml", "facts: [1, 2]\n")
        code, _, err = check(path)
        assert code == 2
        assert (f"{path}:1:9: QC201 field facts: a fact in the 'facts' list must be a mapping "
                "(expected {id: …, value: …, period: …}; got a number)") in err
        assert f"{path}:1:12: QC201" in err

    def test_value_is_a_list(self, tmp_path: Path) -> None:
        """A fact whose value is a list is named with its line (QC201)."""
        path = write(tmp_path, "f.yaml", "facts:\n  award: 1\n  pilot: [是]\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:3:3: QC201 fact pilot, field value: a fact value must not be a list" in err

    def test_unit_not_text(self, tmp_path: Path) -> None:
        """A unit field that is a number is refused at the unit (QC201)."""
        path = write(tmp_path, "f.yaml", "facts:\n  award: {value: 1, unit: 3}\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:2:11: QC201 fact award, field value: a unit must be text" in err

    def test_unknown_field(self, tmp_path: Path) -> None:
        """A misspelt field of a fact is named (QC203)."""
        path = write(tmp_path, "f.yaml", "facts:\n  award: {value: 1, sorce: 省局}\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:2:21: QC203 fact award, field sorce: unknown field 'sorce' in fact" in err

    def test_malformed_number(self, tmp_path: Path) -> None:
        """A value that starts as a number but is not a quantity is refused (QC112)."""
        path = write(tmp_path, "f.yaml", "facts:\n  gdp-per-capita: 8.5.1万元/人\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:2:3: QC112 fact gdp-per-capita, field value" in err

    def test_huge_exponent(self, tmp_path: Path) -> None:
        """A number with an enormous exponent is refused at once, not computed for hours (QC112)."""
        path = write(tmp_path, "f.yaml", "facts:\n  award: 1e99999999\n  pilot: 1.0e99999999\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:2:3: QC112 fact award, field value: a number out of range" in err
        assert f"{path}:3:3: QC112 fact pilot, field value: a number out of range" in err

    def test_same_fact_twice_in_yaml(self, tmp_path: Path) -> None:
        """A key given twice in one mapping names both lines (QC104)."""
        path = write(tmp_path, "f.yaml", "facts:\n  award: 1\n  award: 2\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:3:3: QC104 field award: key 'award' appears twice" in err
        assert "also at line 2" in err

    def test_same_fact_twice_in_csv(self, tmp_path: Path) -> None:
        """Two rows for one indicator with different values: the second row is named (QC204)."""
        path = write(tmp_path, "f.csv", "指标名称,数值\n省级政府质量奖,1\n省级政府质量奖,2\n")
        code, _, err = check(path)
        assert code == 2
        assert (f"{path}:3: QC204 fact 省级政府质量奖, field value: fact given twice with different "
                f"values (first at {path}:2) (expected 1; got 2)") in err

    def test_same_fact_in_two_files(self, tmp_path: Path) -> None:
        """The same fact in two files with different values is a conflict (QC204)."""
        first = write(tmp_path, "a.yaml", "facts:\n  award: 1\n")
        second = write(tmp_path, "b.csv", "id,value\naward,2\n")
        code, _, err = check(first, second)
        assert code == 2
        assert f"{second}:2: QC204 fact award" in err
        assert f"first at {first}:2:3" in err

    def test_same_value_twice_is_fine(self, tmp_path: Path) -> None:
        """The same value given twice (in two files) is not a conflict."""
        first = write(tmp_path, "a.yaml", "facts:\n  pass-rate: 99%\n")
        second = write(tmp_path, "b.csv", "id,value,unit\npass-rate,99,%\n")
        code, _, err = check(first, second)
        assert code == 0, err

    def test_row_without_indicator(self, tmp_path: Path) -> None:
        """A CSV row with a value but no indicator is named by its line (QC202)."""
        path = write(tmp_path, "f.csv", "id,value\n,1\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:2: QC206 field id: row has no indicator id or name" in err

    def test_row_longer_than_header(self, tmp_path: Path) -> None:
        """A CSV row with more cells than the header is named by its line (QC101)."""
        path = write(tmp_path, "f.csv", "id,value\naward,1,2,3\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:2: QC101 row has more cells than the header" in err

    def test_bad_cell_in_a_workbook(self, tmp_path: Path) -> None:
        """A bad value in a workbook is located by sheet and cell."""
        path = workbook(tmp_path, [["全市主要指标"], ["指标", "数值", "单位"],
                                   ["人均GDP", "8.5.1", "万元/人"]])
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:统计表!B3: QC112 fact 人均GDP, field value" in err

    def test_keep_going_still_exits_2(self, tmp_path: Path) -> None:
        """With --keep-going the readable facts are evaluated and reported; the exit code is 2."""
        path = write(tmp_path, "f.yaml", "facts:\n  award: 1\n  pilot: [是]\n")
        code, out, err = check(path, "--keep-going", "-f", "json")
        assert code == 2
        statuses = {v["rule_id"]: v["status"] for v in json.loads(out)["verdicts"]}
        assert statuses["award"] == "met"
        assert statuses["pilot"] == "invalid"
        assert f"{path}:3:3: QC201 fact pilot" in err


class TestUnusableFacts:
    """Facts present but unusable for their rule: an invalid verdict, shown, exit 2."""

    def test_unknown_unit(self, tmp_path: Path) -> None:
        """A unit qcrules does not know is named, with what was expected (QC110)."""
        path = write(tmp_path, "f.yaml", "facts:\n  award: 3 万元/口\n")
        code, _, err = check(path)
        assert code == 2
        assert (f"{path}:2:3: QC110 rule award, fact award, field unit: unknown unit '万元/口' "
                "(expected a known unit like 项") in err

    def test_incompatible_dimension(self, tmp_path: Path) -> None:
        """A unit of another dimension than the rule's is named (QC300)."""
        path = write(tmp_path, "f.yaml", "facts:\n  pass-rate: 12 万元\n")
        code, _, err = check(path)
        assert code == 2
        assert (f"{path}:2:3: QC300 rule pass-rate, fact pass-rate, field unit: wrong dimension: "
                "万元 is not convertible to %") in err

    @pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "NaN", "Infinity"])
    def test_nan_or_infinity(self, tmp_path: Path, value: str) -> None:
        """NaN and infinity, in any spelling, are not finite numbers (QC301)."""
        path = write(tmp_path, "f.yaml", f"facts:\n  gdp-per-capita: {value}\n")
        code, _, err = check(path)
        assert code == 2
        assert (f"{path}:2:3: QC301 rule gdp-per-capita, fact gdp-per-capita, field value: "
                "not a finite number") in err

    def test_nan_in_json(self, tmp_path: Path) -> None:
        """JSON's non-standard NaN is read, then refused as not finite (QC301)."""
        path = write(tmp_path, "f.json", '{"facts": {"gdp-per-capita": NaN}}')
        code, _, err = check(path)
        assert code == 2
        assert "QC301 rule gdp-per-capita" in err

    def test_rate_above_100_percent(self, tmp_path: Path) -> None:
        """A pass rate of 130 % is impossible for an indicator with max 100 % (QC302)."""
        path = write(tmp_path, "f.yaml", "facts:\n  抽检合格率: 130%\n")
        code, _, err = check(path)
        assert code == 2
        assert (f"{path}:2:3: QC302 rule pass-rate, fact 抽检合格率, field value: above the "
                "indicator's possible values (expected <= 100 %; got 130%)") in err

    def test_negative_count(self, tmp_path: Path) -> None:
        """A negative count is below the indicator's possible values (QC302)."""
        path = write(tmp_path, "f.csv", "id,value\naward,-1\n")
        code, _, err = check(path)
        assert code == 2
        assert (f"{path}:2: QC302 rule award, fact award, field value: below the indicator's "
                "possible values") in err

    def test_fractional_count(self, tmp_path: Path) -> None:
        """A count of 1.5 is not a whole number (QC303)."""
        path = write(tmp_path, "f.yaml", "facts:\n  award: 1.5\n")
        code, _, err = check(path)
        assert code == 2
        assert f"{path}:2:3: QC303 rule award, fact award, field value: not a whole number" in err

    def test_text_for_a_quantity(self, tmp_path: Path) -> None:
        """Text where a quantity is needed is named (QC300)."""
        path = write(tmp_path, "f.yaml", "facts:\n  gdp-per-capita: 待统计\n")
        code, _, err = check(path)
        assert code == 2
        assert (f"{path}:2:3: QC300 rule gdp-per-capita, fact gdp-per-capita, field value: "
                "not a quantity") in err

    def test_invalid_verdict_shown_with_keep_going(self, tmp_path: Path) -> None:
        """--keep-going prints the report (the invalid rule marked) and the problem; exit 2."""
        path = write(tmp_path, "f.yaml", "facts:\n  pass-rate: 130%\n  award: 1\n")
        code, out, err = check(path, "--keep-going", "-f", "csv")
        assert code == 2
        assert "pass-rate" in out
        assert "invalid" in out
        assert "QC302 rule pass-rate" in err


class TestWarnings:
    """A fact that matches no rule is a warning with a suggestion, not an error."""

    def test_did_you_mean_for_a_csv_name(self, tmp_path: Path) -> None:
        """A misspelt Chinese indicator name in a CSV gets a did-you-mean; the run succeeds."""
        path = write(tmp_path, "f.csv", "指标名称,数值\n抽检合格律,99%\n")
        code, _, err = check(path)
        assert code == 0
        assert f"warning: {path}:2: QC202 fact 抽检合格律, field id: fact matches no rule" in err
        assert "did you mean '抽检合格率'?" in err

    def test_did_you_mean_for_a_workbook_id(self, tmp_path: Path) -> None:
        """A misspelt rule id in a workbook is located by its cell, with a suggestion."""
        path = workbook(tmp_path, [["id", "value"], ["pass-rat", "99%"]])
        code, _, err = check(path)
        assert code == 0
        assert f"warning: {path}:统计表!B2: QC202 fact pass-rat" in err
        assert "did you mean 'pass-rate'?" in err


class TestErrorsReference:
    """docs/reference/errors.md lists every code the code base can report."""

    def test_every_code_documented(self) -> None:
        """Each QCnnn string in src/qcrules has a row (or mention) in errors.md, and vice versa."""
        import re

        root = Path(__file__).parents[2]
        used = {code for path in (root / "src" / "qcrules").rglob("*.py")
                for code in re.findall(r"QC\d{3}", path.read_text(encoding="utf-8"))}
        page = (root / "docs" / "reference" / "errors.md").read_text(encoding="utf-8")
        documented = set(re.findall(r"^\| (QC\d{3}) \|", page, re.MULTILINE))
        assert used - documented <= {"QC000"}
        assert "QC000" in page
        assert documented <= used


class TestJsonDiagnostics:
    """JSON output carries each problem's place, a workbook cell included."""

    def test_sheet_and_cell(self, tmp_path: Path) -> None:
        """A bad workbook value appears in the JSON report with its sheet and cell."""
        path = workbook(tmp_path, [["指标", "数值"], ["人均GDP", "8.5.1"], ["award", 1]])
        code, out, _ = check(path, "--keep-going", "-f", "json")
        assert code == 2
        problems = [d for d in json.loads(out)["diagnostics"] if d["code"] == "QC112"]
        assert [(d["file"], d["sheet"], d["cell"], d["line"], d["fact_id"]) for d in problems] == [
            (path, "统计表", "B2", 2, "人均GDP")]


class TestOutputAndInternalErrors:
    """A write error is one line and exit 2; an error nobody foresaw is one line and exit 3;
    neither is a traceback (regression: OSError on a full disk printed one, exit 1)."""

    def test_a_full_disk(self) -> None:
        import subprocess
        import sys
        from pathlib import Path

        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full on this system")
        root = Path(__file__).parents[2]
        with open("/dev/full", "w", encoding="utf-8") as full:
            done = subprocess.run([sys.executable, "-m", "qcrules.cli", "check",
                                   "examples/tongcheng-2026.yaml"], cwd=root, stdout=full,
                                  stderr=subprocess.PIPE, text=True, check=False)
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [
            "error: QC407 cannot write the output: No space left on device "
            "(expected a writable standard output or file)"]

    def test_an_internal_error_is_one_line_and_exit_3(self, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
        from qcrules.cli import commands, run

        def broken(*_args: object, **_kwargs: object) -> object:
            raise RuntimeError("a planted fault")

        monkeypatch.setattr(commands, "evaluate", broken)
        code = run(["check", str(DATA / "mini-facts.yaml"), "-r", str(DATA / "mini.yaml")])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 3
        assert len(err) == 1
        assert err[0].startswith("internal error: RuntimeError: a planted fault — this is a bug")


class TestNumbersTooLongAndFormulasDividingByZero:
    """Regressions: these were tracebacks (ValueError, ZeroDivisionError)."""

    @pytest.mark.parametrize(("name", "text"), [
        ("f.json", '{"facts": {"gdp-per-capita": ' + "9" * 5000 + "}}"),
        ("f.toml", "[facts]\ngdp-per-capita = " + "9" * 5000 + "\n"),
    ])
    def test_an_integer_of_5000_digits_is_qc112(self, tmp_path: Path, name: str,
                                                text: str) -> None:
        facts = tmp_path / name
        facts.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(facts)])
        assert result.exit_code == 2
        assert "QC112" in result.stderr
        assert "a number too long to read" in result.stderr
        assert "Traceback" not in result.output + result.stderr

    def test_a_divisor_zero_by_itself_is_qc130_and_one_that_is_not_passes(self,
                                                                         tmp_path: Path) -> None:
        def catalogue(formula: str) -> Path:
            path = tmp_path / "c.yaml"
            path.write_text(
                "qcrules: 1\ncatalog: {id: t, title: t}\nrules:\n"
                "  - {id: r, indicator: {zh: 指标, unit: 件/万人}, kind: floor, target: 达14件/万人,"
                " commitment: none, deadline: 2027, clause: 一, quote: q, lead: [a],"
                f" formula: '{formula}', inputs: {{a: {{unit: 件}}, b: {{unit: 万人}},"
                " c: {unit: 万人}}}\n", encoding="utf-8")
            return path

        bad = CliRunner().invoke(main, ["validate", str(catalogue("a / (b - b) + 0 * c"))])
        assert bad.exit_code == 2
        assert "QC130 rule r, field formula: the formula divides by zero" in bad.stderr
        good = CliRunner().invoke(main, ["validate", str(catalogue("a / (b - c)"))])
        assert good.exit_code == 0, good.stderr


class TestOutputCannotBeTurnedAgainstItsReader:
    """Terminal escape sequences in a fact's source, a region or a raw value reach the reader as
    visible text, never as commands; a 10,000-digit value is quoted cut, not whole."""

    FACTS = ('region: "\\e]0;pwned\\a县"\nfacts:\n'
             '  gdp-per-capita: {value: "8.6万元/人", source: "\\e[2J\\e]8;;http://x\\e\\\\局"}\n')

    def test_no_escape_reaches_the_terminal(self, tmp_path: Path) -> None:
        facts = tmp_path / "f.yaml"
        facts.write_text(self.FACTS, encoding="utf-8")
        for args in (["check", str(facts)], ["check", str(facts), "-f", "markdown"],
                     ["explain", "gdp-per-capita", str(facts)]):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, args
            assert "\x1b" not in result.stdout, args
            assert "\x07" not in result.stdout, args
            assert "\\x1b" in result.stdout, args

    def test_a_long_value_is_quoted_cut(self, tmp_path: Path) -> None:
        facts = tmp_path / "f.yaml"
        facts.write_text("facts:\n  rd-intensity: \"" + "9" * 10000 + "x\"\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(facts)])
        assert result.exit_code == 2
        (line, *_) = [line for line in result.stderr.splitlines() if "rd-intensity" in line]
        assert len(line) < 700  # the path, the message and two quotes of 120 characters
        assert "9" * 121 not in line
        assert "characters)" in line

    def test_an_escape_in_an_error_line_is_shown_not_run(self, tmp_path: Path) -> None:
        facts = tmp_path / "f.yaml"
        facts.write_text('facts:\n  gdp-per-capita: "8.6\\e[2J万元/人"\n', encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(facts)])
        assert "\x1b" not in result.stderr
        assert "\\x1b" in result.stderr


def test_a_corrupt_deflate_stream_in_a_workbook_is_qc156(tmp_path: Path) -> None:
    """A workbook whose compressed sheet is damaged is one located error (regression:
    zlib.error escaped as a traceback)."""
    source = DATA / "facts" / "tongcheng-2026.xlsx"
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        sheet = next(member for member in archive.infolist()
                     if member.compress_type == zipfile.ZIP_DEFLATED and "sheet" in member.filename)
    start = sheet.header_offset + 30 + len(sheet.filename) + len(sheet.extra) + 10
    for offset in range(40):
        data[start + offset] ^= 0xFF
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["check", str(broken)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {broken}: QC156 not a readable .xlsx workbook")


class TestKeepGoingPastABadRule:
    """--keep-going covers catalogue problems too: one bad rule no longer blocks the others."""

    CATALOGUE = ("qcrules: 1\ncatalog: {id: t, title: t}\nrules:\n"
                 "  - {id: a, indicator: {zh: 甲, unit: '%'}, kind: floor, target: 达98%,"
                 " commitment: none, deadline: 2027, clause: 一, quote: q, lead: [x]}\n"
                 "  - {id: b, indicator: {zh: 乙, unit: '%'}, kind: floor, target: 达98万圆,"
                 " commitment: none, deadline: 2027, clause: 一, quote: q, lead: [x]}\n")

    @pytest.mark.parametrize("command", [["check"], ["report", "-o", "{out}"]])
    def test_the_sound_rules_are_evaluated(self, tmp_path: Path, command: list[str]) -> None:
        rules = tmp_path / "c.yaml"
        rules.write_text(self.CATALOGUE, encoding="utf-8")
        facts = tmp_path / "f.yaml"
        facts.write_text("facts: {a: 99%}\n", encoding="utf-8")
        args = [part.format(out=tmp_path / "r.md") for part in command]
        without = CliRunner().invoke(main, [*args, str(facts), "-r", str(rules)])
        assert without.exit_code == 2
        assert "QC110 rule b" in without.stderr
        result = CliRunner().invoke(main, [*args, str(facts), "-r", str(rules), "--keep-going"])
        assert result.exit_code == 2
        assert "QC110 rule b" in result.stderr
        assert "共 1 项：达标 1" in result.stdout

    def test_from_python(self, tmp_path: Path) -> None:
        import qcrules

        rules = tmp_path / "c.yaml"
        rules.write_text(self.CATALOGUE, encoding="utf-8")
        catalog = qcrules.load_catalog(rules, keep_going=True)
        assert [rule.id for rule in catalog] == ["a"]
        assert [(d.code, d.rule_id) for d in catalog.problems] == [("QC110", "b")]
        with pytest.raises(qcrules.CatalogError):
            qcrules.load_catalog(rules)
