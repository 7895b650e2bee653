"""`check` and `report` on a long table of many regions and periods: one row per fact (region,
period, indicator, value, unit, source) in CSV, .xlsx or Parquet; a summary per region and
period, the worst first; --region and --period choose; `report` writes the long result.

The data are the counties of an imagined prefecture, 岚州, judged by the test catalogue."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import qcrules
from qcrules.cli import main
from qcrules.frames import RESULT_COLUMNS

DATA = Path(__file__).parents[1] / "data"
RULES = str(DATA / "mini.yaml")

HEADER = ["地区", "时期", "指标", "数值", "单位", "来源"]
#: One row per fact. Boundary values come in other units than the rules': 85000 元/人 and
#: 0.00085 亿元/人 are 8.5 万元/人 (met), 980‰ is 98 % (met), 3 deaths over 300 亿元 are
#: exactly 0.01 人/亿元 (not met: 低于 is strict); 石门县's award cell is empty (unknown); 白沙县
#: misspells 抽检合格率 in two periods.
ROWS: list[list[Any]] = [
    ["青溪县", "2026", "人均GDP", "85000", "元/人", "县统计局"],
    ["青溪县", "2026", "抽检合格率", "980", "‰", "县市场监管局"],
    ["青溪县", "2026", "省级政府质量奖", "1", "项", ""],
    ["青溪县", "2026", "师生比", "1:12.5", "", "县教育局"],
    ["青溪县", "2026", "生产安全事故死亡人数", "3", "人", "县应急管理局"],
    ["青溪县", "2026", "地区生产总值", "300", "亿元", "县统计局"],
    ["石门县", "2026", "人均GDP", "8.49", "万元/人", "县统计局"],
    ["石门县", "2026", "抽检合格率", "97.9", "%", "县市场监管局"],
    ["石门县", "2026", "省级政府质量奖", "", "项", ""],
    ["白沙县", "2025", "人均GDP", "8.1", "万元/人", ""],
    ["白沙县", "2025", "抽检合格律", "96", "%", ""],
    ["白沙县", "2026", "gdp-per-capita", "0.00085", "亿元/人", ""],
    ["白沙县", "2026", "抽检合格律", "99", "%", ""],
    ["柳河县", "2025", "抽检合格率", "97.99", "%", ""],
    ["柳河县", "2026", "抽检合格率", "98.0", "%", ""],
]
#: (region, period), the worst first: most violations, then most not met, then most unknown;
#: ties in the order the table gives them.
WORST_FIRST = [("石门县", "2026"), ("柳河县", "2025"), ("白沙县", "2025"), ("青溪县", "2026"),
               ("白沙县", "2026"), ("柳河县", "2026")]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def write_csv(tmp_path: Path, rows: list[list[Any]] = ROWS, name: str = "岚州.csv") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return str(path)


def write_parquet(tmp_path: Path, rows: list[list[Any]] = ROWS) -> str:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = ["region", "period", "indicator", "value", "unit", "source"]
    table = pa.table({name: [row[i] or None for row in rows]
                      for i, name in enumerate(columns)})
    path = tmp_path / "岚州.parquet"
    pq.write_table(table, path)
    return str(path)


def write_xlsx(tmp_path: Path) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["岚州市各县主要指标"])            # a title row above the header
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([cell or None for cell in row])
    path = tmp_path / "岚州.xlsx"
    book.save(path)
    return str(path)


def summary(out: str) -> list[dict[str, Any]]:
    data = json.loads(out)
    assert data["schema"] == "qcrules-regions/1"
    return list(data["regions"])


@pytest.fixture(scope="module")
def plan() -> qcrules.Plan:
    return qcrules.compile_catalog(qcrules.load_catalog(RULES))


def one_region(region: str, period: str) -> dict[str, Any]:
    """The facts of one region and period as a plain mapping, as a fact file of that county
    would give them (a null cell is a missing fact)."""
    return {row[2]: (f"{row[3]}{row[4]}" if row[3] else None) for row in ROWS
            if (row[0], row[1]) == (region, period)}


class TestSummary:
    """Facts of several regions and periods: one summary line each, the worst first."""

    def test_worst_first(self, tmp_path: Path) -> None:
        """The order is most violations, then most not met, then most unknown; a 确保 target
        missed anywhere exits 1."""
        code, out, err = invoke("check", write_csv(tmp_path), "--rules", RULES, "-f", "json")
        assert code == 1, err
        lines = summary(out)
        assert [(line["region"], line["period"]) for line in lines] == WORST_FIRST
        first = lines[0]
        assert first["status"] == {"met": 0, "not_met": 2, "unknown": 8, "invalid": 0}
        assert first["severity"] == {"violation": 1, "shortfall": 1, "miss": 0}
        data = json.loads(out)
        assert set(data) == {"schema", "catalog", "order", "regions", "totals"}
        assert data["catalog"] == "mini"
        assert data["totals"] == {"met": 6, "not_met": 5, "unknown": 49, "invalid": 0,
                                  "violation": 2, "region_periods": 6}

    def test_boundaries_in_other_units(self, tmp_path: Path) -> None:
        """85000 元/人, 0.00085 亿元/人 and 980‰ meet their targets exactly; 0.01 人/亿元 does
        not meet 低于0.01; an empty cell is unknown, never met or missed."""
        code, _, err = invoke("report", write_csv(tmp_path), "--rules", RULES,
                                "-o", str(tmp_path / "out.csv"))
        assert code == 1, err
        rows = list(csv.DictReader(io.StringIO(
            (tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
        status = {(r["region"], r["period"], r["rule"]): r["status"] for r in rows}
        assert status["青溪县", "2026", "gdp-per-capita"] == "met"
        assert status["白沙县", "2026", "gdp-per-capita"] == "met"
        assert status["青溪县", "2026", "pass-rate"] == "met"
        assert status["青溪县", "2026", "teacher-ratio"] == "met"
        assert status["青溪县", "2026", "death-rate"] == "not_met"
        assert status["石门县", "2026", "award"] == "unknown"
        assert status["柳河县", "2025", "pass-rate"] == "not_met"
        gdp = next(r for r in rows if (r["region"], r["rule"]) == ("青溪县", "gdp-per-capita"))
        assert (gdp["value"], gdp["unit"], gdp["threshold"], gdp["margin"]) == (
            "8.5", "万元/人", "8.5", "0")

    def test_statuses_equal_evaluate_of_each_region(self, tmp_path: Path,
                                                    plan: qcrules.Plan) -> None:
        """Every region and period's statuses are those of qcrules.evaluate on that county's
        facts alone."""
        output = tmp_path / "out.csv"
        invoke("report", write_csv(tmp_path), "--rules", RULES, "-o", str(output))
        rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
        assert len(rows) == len(WORST_FIRST) * len(plan.rules)
        for region, period in WORST_FIRST:
            alone = qcrules.evaluate(plan, one_region(region, period))
            got = {r["rule"]: r["status"] for r in rows
                   if (r["region"], r["period"]) == (region, period)}
            assert got == {v.rule_id: v.status.value for v in alone}, (region, period)

    def test_text_table(self, tmp_path: Path) -> None:
        """The text summary has a heading, one line per region and period, and the totals."""
        code, out, _ = invoke("check", write_csv(tmp_path), "--rules", RULES, "--lang", "en")
        assert code == 1
        lines = out.splitlines()
        assert lines[0].split() == ["region", "period", "met", "not", "met", "violations",
                                    "unknown", "invalid"]
        assert lines[1].split() == ["石门县", "2026", "0", "2", "1", "8", "0"]
        assert "6 region-periods (4 regions, 2 periods): 6 met, 5 not met (2 violations), " \
               "49 unknown, 0 invalid" in out

    def test_markdown(self, tmp_path: Path) -> None:
        """--format markdown: the same lines as a table."""
        code, out, _ = invoke("check", write_csv(tmp_path), "--rules", RULES, "-f", "markdown")
        assert code == 1
        assert out.splitlines()[2] == "| 石门县 | 2026 | 0 | 2 | 1 | 8 | 0 |"

    def test_only_unmet(self, tmp_path: Path) -> None:
        """--only unmet leaves out the rows of met targets from the long result."""
        code, out, _ = invoke("check", write_csv(tmp_path), "--rules", RULES, "-f", "csv",
                              "--only", "unmet", "--no-bom")
        assert code == 1
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows
        assert all(r["status"] != "met" for r in rows)

    def test_misspelt_indicator_said_once(self, tmp_path: Path) -> None:
        """抽检合格律, in two of 白沙县's periods, is one warning with the nearest name."""
        _, _, err = invoke("check", write_csv(tmp_path), "--rules", RULES)
        warnings = [line for line in err.splitlines() if "QC202" in line]
        assert len(warnings) == 1
        assert "抽检合格律" in warnings[0]
        assert "did you mean '抽检合格率'?" in warnings[0]

    @pytest.mark.parametrize(("options", "expected"), [
        ((), 1), (("--fail-on", "none"), 0), (("--region", "青溪县,白沙县"), 0),
        (("--region", "青溪县", "--region", "白沙县", "--strict"), 1),
    ])
    def test_exit_code(self, tmp_path: Path, options: tuple[str, ...], expected: int) -> None:
        """The exit code is that of the worst region and period, by --fail-on and --strict."""
        code, _, err = invoke("check", write_csv(tmp_path), "--rules", RULES, *options)
        assert code == expected, err


class TestChoosing:
    """--region and --period choose: repeatable, or several comma-separated."""

    def test_comma_separated_and_repeated_agree(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path)
        _, joined, _ = invoke("check", path, "--rules", RULES, "-f", "json",
                              "--region", "石门县，白沙县", "--period", "2026")
        _, repeated, _ = invoke("check", path, "--rules", RULES, "-f", "json",
                                "--region", "石门县", "--region", "白沙县", "--period", "2026")
        assert joined == repeated
        assert [(line["region"], line["period"]) for line in summary(joined)] == [
            ("石门县", "2026"), ("白沙县", "2026")]

    def test_one_region_and_period_is_the_full_report(self, tmp_path: Path,
                                                      plan: qcrules.Plan) -> None:
        """One region and period chosen gives the report of one fact set, as for a file."""
        code, out, err = invoke("check", write_csv(tmp_path), "--rules", RULES, "-f", "json",
                                "--region", "石门县", "--period", "2026")
        assert code == 1, err
        data = json.loads(out)
        assert data["schema"] == "qcrules-report/1"
        assert (data["region"], data["period"]) == ("石门县", "2026")
        alone = qcrules.evaluate(plan, one_region("石门县", "2026"))
        assert {v["rule_id"]: v["status"] for v in data["verdicts"]} == {
            v.rule_id: v.status.value for v in alone}
        code, out, _ = invoke("check", write_csv(tmp_path), "--rules", RULES,
                              "--region", "石门县", "--period", "2026")
        assert "抽检合格率 97.9%，未达到目标（不低于 98%），差 0.1个百分点" in out

    def test_one_period_however_written(self) -> None:
        """`--period 2026，` (a stray full-width comma) is the one period 2026: its report."""
        series = str(Path(__file__).parents[2] / "examples" / "tongcheng-series.csv")
        code, out, err = invoke("check", series, "-f", "json", "--period", "2026，")
        assert code == 0, err
        assert json.loads(out)["period"] == "2026"

    def test_one_period_of_a_county_with_one(self, tmp_path: Path) -> None:
        """--region alone gives the full report when that county has one period."""
        code, out, _ = invoke("check", write_csv(tmp_path), "--rules", RULES, "-f", "json",
                              "--region", "青溪县")
        assert code == 0
        assert json.loads(out)["schema"] == "qcrules-report/1"

    @pytest.mark.parametrize(("option", "value", "message"), [
        ("--region", "石门", "QC213 field region: no facts of region '石门' (expected one of "
                             "the regions given: 青溪县, 石门县, 白沙县, 柳河县; got 石门); "
                             "did you mean '石门县'?"),
        ("--period", "2027", "QC211 field period: no facts of 2027 (expected one of the "
                             "periods given: 2025, 2026; got 2027); did you mean '2026'?"),
        ("--period", "2026Q5", "QC207"),
    ])
    def test_unknown_region_or_period(self, tmp_path: Path, option: str, value: str,
                                      message: str) -> None:
        """A region or period the table does not hold is one line with the nearest; exit 2."""
        code, out, err = invoke("check", write_csv(tmp_path), "--rules", RULES, option, value)
        assert code == 2
        assert out == ""
        assert len(err.splitlines()) == 1
        assert message in err

    def test_region_and_period_not_held_together(self, tmp_path: Path) -> None:
        """青溪县 and 2025 are each held, but not together: QC211, exit 2."""
        code, _, err = invoke("check", write_csv(tmp_path), "--rules", RULES,
                              "--region", "青溪县", "--period", "2025")
        assert code == 2
        assert "QC211" in err

    def test_one_sheet_without_regions_is_as_before(self, tmp_path: Path) -> None:
        """A file of one county's facts, each once, is one report without any option."""
        facts = tmp_path / "one.yaml"
        facts.write_text("region: 青溪县\nperiod: 2026\nfacts:\n  pass-rate: 99%\n",
                         encoding="utf-8")
        code, out, _ = invoke("check", str(facts), "--rules", RULES, "-f", "json")
        assert code == 0
        assert json.loads(out)["schema"] == "qcrules-report/1"
        code, _, err = invoke("check", str(facts), "--rules", RULES, "--region", "石门县")
        assert code == 2
        assert "QC213" in err

    def test_explain_judges_one_county(self, tmp_path: Path) -> None:
        """explain shows one verdict: a table of several counties is QC215, never one picked."""
        code, out, err = invoke("explain", "pass-rate", write_csv(tmp_path), "--rules", RULES)
        assert code == 2
        assert out == ""
        assert "QC215 field region: the facts hold several regions" in err

    def test_progress_follows_one_county(self, tmp_path: Path) -> None:
        """progress of a table of several counties is QC215, not a conflict between them."""
        code, _, err = invoke("progress", write_csv(tmp_path), "--rules", RULES)
        assert code == 2
        assert "QC215" in err
        assert "QC204" not in err

    def test_a_row_without_a_region(self, tmp_path: Path) -> None:
        """A row with no region beside rows of several is not given to one: QC214, located."""
        path = write_csv(tmp_path, [*ROWS, ["", "2026", "人均GDP", "9", "万元/人", ""]])
        code, _, err = invoke("check", path, "--rules", RULES)
        assert code == 2
        assert f"{path}:17: QC214 fact 人均GDP, field region: facts without a region" in err


class TestFormatsOfMany:
    """What a summary can be, and what only one region and period can."""

    @pytest.mark.parametrize("fmt", ["html", "junit"])
    def test_one_report_formats_are_refused(self, tmp_path: Path, fmt: str) -> None:
        code, out, err = invoke("check", write_csv(tmp_path), "--rules", RULES, "-f", fmt)
        assert code == 2
        assert out == ""
        assert "QC412" in err
        assert "choose one with --region and --period" in err

    def test_baseline_is_refused(self, tmp_path: Path) -> None:
        base = tmp_path / "base.yaml"
        base.write_text("period: 2024\nfacts:\n  gdp-per-capita: 7万元/人\n", encoding="utf-8")
        code, _, err = invoke("check", write_csv(tmp_path), "--rules", RULES,
                              "--baseline", str(base))
        assert code == 2
        assert "QC412" in err

    def test_report_json_and_markdown_are_the_summary(self, tmp_path: Path) -> None:
        for name in ("out.json", "out.md"):
            code, out, err = invoke("report", write_csv(tmp_path), "--rules", RULES,
                                    "-o", str(tmp_path / name))
            assert code == 1, err
            assert "6 组（4 个地区，2 个时期）" in out
        regions = summary((tmp_path / "out.json").read_text(encoding="utf-8"))
        assert [(line["region"], line["period"]) for line in regions] == WORST_FIRST
        assert "| 石门县 | 2026 | 0 | 2 | 1 | 8 | 0 |" in (tmp_path / "out.md").read_text(
            encoding="utf-8")

    def test_report_html_is_refused(self, tmp_path: Path) -> None:
        output = tmp_path / "out.html"
        code, _, err = invoke("report", write_csv(tmp_path), "--rules", RULES, "-o", str(output))
        assert code == 2
        assert "QC412" in err
        assert not output.exists()


class TestLongResult:
    """report -o FILE.csv / FILE.parquet: one row per region, period and rule."""

    def test_parquet(self, tmp_path: Path, plan: qcrules.Plan) -> None:
        """The Parquet file has the columns of evaluate_frame's result after region and
        period, values as floats in the rule's unit."""
        import pyarrow.parquet as pq

        output = tmp_path / "result.parquet"
        code, out, err = invoke("report", write_csv(tmp_path), "--rules", RULES,
                                "-o", str(output))
        assert code == 1, err
        assert out.startswith(f"{output} (parquet): 共 6 组")
        table = pq.read_table(output)
        assert table.column_names == ["region", "period", *RESULT_COLUMNS]
        rows = table.to_pylist()
        assert len(rows) == len(WORST_FIRST) * len(plan.rules)
        gdp = next(r for r in rows if (r["region"], r["rule"]) == ("白沙县", "gdp-per-capita")
                   and r["period"] == "2026")
        assert (gdp["status"], gdp["value"], gdp["unit"], gdp["threshold"]) == (
            "met", 8.5, "万元/人", 8.5)
        award = next(r for r in rows if (r["region"], r["rule"]) == ("石门县", "award"))
        assert (award["status"], award["value"], award["code"]) == ("unknown", None, None)

    def test_parquet_of_one_fact_set(self, tmp_path: Path, plan: qcrules.Plan) -> None:
        """A single fact set's long result has one row per rule."""
        import pyarrow.parquet as pq

        output = tmp_path / "result.parquet"
        code, _, err = invoke("report", str(DATA / "mini-facts.yaml"), "--rules", RULES,
                              "-o", str(output))
        assert code == 1, err
        assert pq.read_table(output).num_rows == len(plan.rules)

    def test_parquet_not_to_standard_output(self, tmp_path: Path) -> None:
        code, out, err = invoke("report", write_csv(tmp_path), "--rules", RULES, "-o", "-",
                                "-f", "parquet")
        assert code == 2
        assert out == ""
        assert "QC413" in err

    def test_bad_input_leaves_the_file_as_it_was(self, tmp_path: Path) -> None:
        """Written atomically: bad input writes nothing, and an earlier file stays."""
        output = tmp_path / "result.csv"
        output.write_text("earlier\n", encoding="utf-8")
        path = write_csv(tmp_path, [*ROWS, ["柳河县", "2026", "人均GDP", "8..5", "万元/人", ""]])
        code, _, _ = invoke("report", path, "--rules", RULES, "-o", str(output))
        assert code == 2
        assert output.read_text(encoding="utf-8") == "earlier\n"

    def test_unwritable(self, tmp_path: Path) -> None:
        code, _, err = invoke("report", write_csv(tmp_path), "--rules", RULES,
                              "-o", str(tmp_path / "missing" / "result.parquet"))
        assert code == 2
        assert "QC405" in err


class TestReadingTables:
    """A long table in CSV, .xlsx or Parquet gives the same summary."""

    @pytest.mark.parametrize("writer", [write_csv, write_xlsx, write_parquet])
    def test_every_table_format(self, tmp_path: Path, writer: Any) -> None:
        code, out, err = invoke("check", writer(tmp_path), "--rules", RULES, "-f", "json")
        assert code == 1, err
        assert [(line["region"], line["period"]) for line in summary(out)] == WORST_FIRST

    def test_parquet_that_cannot_be_read(self, tmp_path: Path) -> None:
        """A damaged file is QC100, an empty one QC152, one without an indicator and a value
        column QC205, one over the row limit QC155: one line each, exit 2."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from qcrules.catalog.parse import LIMITS

        damaged, empty = tmp_path / "damaged.parquet", tmp_path / "empty.parquet"
        damaged.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
        empty.write_bytes(b"")
        headless, large = tmp_path / "headless.parquet", tmp_path / "large.parquet"
        pq.write_table(pa.table({"县": ["青溪县"], "数": [1]}), headless)
        pq.write_table(pa.table({"indicator": ["人均GDP"] * (LIMITS.max_rows + 1),
                                 "value": [8.5] * (LIMITS.max_rows + 1)}), large)
        for path, expected in ((damaged, "QC100"), (empty, "QC152"), (headless, "QC205"),
                               (large, "QC155")):
            code, out, err = invoke("check", str(path), "--rules", RULES)
            assert (code, out, err.count("\n")) == (2, "", 1), path
            assert f"error: {path}: {expected}" in err

    def test_parquet_on_standard_input(self, tmp_path: Path) -> None:
        """Parquet piped in is sniffed by its first bytes (PAR1)."""
        data = Path(write_parquet(tmp_path)).read_bytes()
        result = CliRunner().invoke(main, ["check", "-", "--rules", RULES, "-f", "json"],
                                    input=data)
        assert result.exit_code == 1, result.stderr
        assert [(line["region"], line["period"]) for line in summary(result.stdout)] == \
            WORST_FIRST

    def test_parquet_with_numbers_and_nulls(self, tmp_path: Path) -> None:
        """A numeric value column with a unit column and nulls: a null is missing."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = tmp_path / "numbers.parquet"
        pq.write_table(pa.table({
            "地区": ["青溪县", "青溪县", "石门县", "石门县"],
            "时期": [2026, 2026, 2026, 2026],
            "指标名称": ["人均GDP", "抽检合格率", "人均GDP", "抽检合格率"],
            "数值": [85000.0, 0.98, None, 97.9],
            "单位": ["元/人", None, "元/人", "%"],
        }), path)
        code, out, err = invoke("check", str(path), "--rules", RULES, "-f", "csv", "--no-bom")
        assert code == 1, err
        status = {(r["region"], r["rule"]): r["status"] for r in csv.DictReader(io.StringIO(out))}
        assert status["青溪县", "gdp-per-capita"] == "met"
        assert status["石门县", "gdp-per-capita"] == "unknown"
        assert status["石门县", "pass-rate"] == "not_met"

    @pytest.mark.parametrize("writer", [write_csv, write_parquet])
    def test_bad_cell_is_one_located_line(self, tmp_path: Path, writer: Any) -> None:
        """A cell that cannot be read names file, line (row), fact and field; with
        --keep-going every other region is still evaluated, and the exit is 2."""
        rows = [*ROWS[:3], ["青溪县", "2026", "师生比", "1:1:2", "", ""], *ROWS[4:]]
        path = writer(tmp_path, rows)
        line = 5 if path.endswith(".csv") else 4    # CSV counts its header line
        code, out, err = invoke("check", path, "--rules", RULES)
        assert code == 2
        assert out == ""
        problems = [e for e in err.splitlines() if e.startswith("error:")]
        assert len(problems) == 1
        assert problems[0].startswith(f"error: {path}:{line}: QC")
        assert "fact 师生比, field value" in problems[0]
        code, out, err = invoke("check", path, "--rules", RULES, "--keep-going", "-f", "json")
        assert code == 2
        lines = {(line["region"], line["period"]): line for line in summary(out)}
        assert set(lines) == set(WORST_FIRST)
        assert lines["青溪县", "2026"]["status"]["invalid"] == 1
        assert f"{path}:{line}:" in err


class TestWithoutPyarrow:
    """Parquet needs pyarrow (the extra qcrules[pyarrow]); CSV does not."""

    @pytest.fixture
    def no_pyarrow(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)

    def test_reading_parquet(self, tmp_path: Path, no_pyarrow: None) -> None:
        path = tmp_path / "岚州.parquet"
        path.write_bytes(b"PAR1")
        code, out, err = invoke("check", str(path), "--rules", RULES)
        assert code == 2
        assert out == ""
        assert err.count("\n") == 1
        assert "QC159" in err
        assert 'pip install "qcrules[pyarrow]"' in err

    def test_writing_parquet(self, tmp_path: Path, no_pyarrow: None) -> None:
        output = tmp_path / "result.parquet"
        code, _, err = invoke("report", write_csv(tmp_path), "--rules", RULES, "-o", str(output))
        assert code == 2
        assert err.count("\n") == 1
        assert "QC159" in err
        assert 'qcrules[pyarrow]' in err
        assert not output.exists()

    def test_csv_needs_nothing_more(self, tmp_path: Path, no_pyarrow: None) -> None:
        output = tmp_path / "result.csv"
        code, _, err = invoke("report", write_csv(tmp_path), "--rules", RULES, "-o", str(output))
        assert code == 1, err
        header = output.read_text(encoding="utf-8-sig").splitlines()[0]
        assert header == ",".join(["region", "period", *RESULT_COLUMNS])
