"""One file for a whole time series: a 时期 column (CSV, .xlsx) or ``facts:`` as a list (YAML).

Rows of one indicator for different periods are its series, read by ``qcrules progress`` and
``qcrules.progress``; for one period they must agree (QC204). What judges one period
(``explain``, ``qcrules.evaluate``) never picks a row itself: it refuses a series (QC210) unless
``--period`` / ``period=`` chooses one (QC211 when the file does not hold it); ``check`` and
``report`` judge every period and summarise them, one line each, unless ``--period`` chooses one.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import qcrules
from qcrules.cli import main

ROOT = Path(__file__).parents[2]
SERIES = str(ROOT / "examples" / "tongcheng-series.csv")
Y2024 = str(ROOT / "examples" / "tongcheng-2024.yaml")
Y2026 = str(ROOT / "examples" / "tongcheng-2026.yaml")
#: The rules the example series covers.
COVERED = ("gdp-per-capita", "rd-intensity", "high-tech-enterprises", "agriculture-share",
           "urbanization-rate", "urban-rural-income-ratio", "special-equipment-hazard-closure")
GDP_SERIES = [("2024", "7.6"), ("2025", "7.9"), ("2026", "8.2")]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def workbook(tmp_path: Path, rows: list[list[Any]]) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "主要指标"
    for row in rows:
        sheet.append(row)
    path = tmp_path / "series.xlsx"
    book.save(path)
    return str(path)


@pytest.fixture(scope="module")
def plan() -> qcrules.Plan:
    return qcrules.compile_catalog(qcrules.load_catalog())


def gdp_series(data: dict[str, Any]) -> list[tuple[str, str]]:
    target = next(t for t in data["targets"] if t["rule_id"] == "gdp-per-capita")
    return [(point["period"], point["value"]) for point in target["series"]]


CSV_TEXT = ("指标,数值,单位,时期\n人均GDP,7.6,万元/人,2024\n人均GDP,7.9,万元/人,2025\n"
            "人均GDP,8.2,万元/人,2026\n")
YAML_TEXT = """qcrules-facts: 1
region: 桐城市
source: 市统计局
facts:
  - {id: gdp-per-capita, value: 7.6万元/人, period: 2024}
  - {id: gdp-per-capita, value: 79000元/人, period: 2025}
  - {name: 人均GDP, value: 8.2, unit: 万元/人, period: 2026年}
"""
XLSX_ROWS: list[list[Any]] = [["桐城市主要统计指标 2024—2026"], [],
                              ["指标名称", "数值", "单位", "年份"],
                              ["人均GDP", 7.6, "万元/人", 2024], ["人均GDP", 7.9, "万元/人", 2025],
                              ["人均GDP", 8.2, "万元/人", 2026]]


def series_file(tmp_path: Path, kind: str) -> str:
    if kind == "csv":
        return write(tmp_path, "series.csv", CSV_TEXT)
    if kind == "yaml":
        return write(tmp_path, "series.yaml", YAML_TEXT)
    return workbook(tmp_path, XLSX_ROWS)


@pytest.mark.parametrize("kind", ["csv", "yaml", "xlsx"])
class TestOneFileSeries:
    """The same three years of 人均GDP as a CSV, a YAML list and a workbook."""

    def test_progress_command(self, tmp_path: Path, kind: str) -> None:
        """qcrules progress on the one file: three periods, 2024 the baseline, 2026 on track."""
        code, out, err = invoke("progress", series_file(tmp_path, kind), "--format", "json")
        assert code == 0, err
        data = json.loads(out)
        assert data["periods"] == ["2024", "2025", "2026"]
        assert data["baseline_period"] == "2024"
        assert gdp_series(data) == GDP_SERIES
        gdp = next(t for t in data["targets"] if t["rule_id"] == "gdp-per-capita")
        assert gdp["trajectory"]["status"] == "on_track"
        assert gdp["trajectory"]["expected"] == "8.2"

    def test_progress_command_other_baseline(self, tmp_path: Path, kind: str) -> None:
        """--baseline picks a period of the file: from 7.9 in 2025, 8.2 is expected for 2026."""
        code, out, err = invoke("progress", series_file(tmp_path, kind), "--baseline-period", "2025",
                                "--format", "json")
        assert code == 0, err
        gdp = next(t for t in json.loads(out)["targets"] if t["rule_id"] == "gdp-per-capita")
        assert gdp["trajectory"]["baseline"] == "7.9"
        assert gdp["trajectory"]["expected"] == "8.2"       # 7.9 + 0.6 × 12/24

    def test_progress_api(self, tmp_path: Path, kind: str, plan: qcrules.Plan) -> None:
        """qcrules.progress takes the loaded file alone or in a list, with the same result."""
        facts = qcrules.load_facts(series_file(tmp_path, kind))
        for given in (facts, [facts]):
            result = qcrules.progress(plan, given)
            assert [p.text for p in result.periods] == ["2024", "2025", "2026"]
            values = [verdict.value for _, verdict in result.series("gdp-per-capita")]
            assert values == [Fraction("7.6"), Fraction("7.9"), Fraction("8.2")]
            path = result.latest["gdp-per-capita"].trajectory
            assert path is not None
            assert path.status is qcrules.TrajectoryStatus.ON_TRACK

    def test_check_summarises_the_series(self, tmp_path: Path, kind: str) -> None:
        """check without --period judges every period, one summary line each (no row is
        picked for all): 人均GDP misses 8.5 in each, a strive target, so exit 0."""
        path = series_file(tmp_path, kind)
        code, out, err = invoke("check", path, "--format", "json")
        assert code == 0, err
        lines = json.loads(out)["regions"]
        assert sorted(line["period"] for line in lines) == ["2024", "2025", "2026"]
        assert all(line["severity"]["shortfall"] >= 1 for line in lines)

    def test_check_one_period(self, tmp_path: Path, kind: str) -> None:
        """check --period 2026 judges the 2026 row: 8.2 万元/人 misses 8.5 (a strive target)."""
        code, out, err = invoke("check", series_file(tmp_path, kind), "--period", "2026",
                                "--format", "json")
        assert code == 0, err
        verdict = next(v for v in json.loads(out)["verdicts"] if v["rule_id"] == "gdp-per-capita")
        assert verdict["status"] == "not_met"
        assert verdict["value"] == "8.2"


class TestConflicts:
    """One indicator twice for one period: the same value is fine, another is QC204."""

    def test_same_period_other_value_csv(self, tmp_path: Path) -> None:
        """The second row is named, with the first; the rows of other periods are no conflict."""
        path = write(tmp_path, "s.csv", CSV_TEXT + "人均GDP,8.3,万元/人,2026\n")
        code, _, err = invoke("progress", path)
        assert code == 2
        assert (f"{path}:5: QC204 fact 人均GDP, field value: fact given twice with different "
                f"values (first at {path}:4) (expected 8.2万元/人; got 8.3万元/人)") in err
        assert err.count("QC204") == 1

    def test_same_period_written_differently(self, tmp_path: Path) -> None:
        """2026 and 2026年 are one period: different values conflict, equal values do not."""
        clash = write(tmp_path, "s.csv", CSV_TEXT + "人均GDP,8.3,万元/人,2026年\n")
        code, _, err = invoke("progress", clash)
        assert code == 2
        assert f"{clash}:5: QC204" in err
        same = write(tmp_path, "t.csv", CSV_TEXT + "人均GDP,8.2,万元/人,2026年\n")
        code, out, err = invoke("progress", same, "--format", "json")
        assert code == 0, err
        assert gdp_series(json.loads(out)) == GDP_SERIES

    def test_same_value_in_another_unit_is_still_a_conflict(self, tmp_path: Path) -> None:
        """Rows agree only when written alike: 82000元/人 beside 8.2万元/人 is reported (as
        between files of one period), so a plan office sees the two sources disagree."""
        path = write(tmp_path, "s.csv", CSV_TEXT + "人均GDP,82000,元/人,2026\n")
        code, _, err = invoke("progress", path)
        assert code == 2
        assert f"{path}:5: QC204" in err

    def test_yaml_list_conflict(self, tmp_path: Path) -> None:
        """In a YAML list the second item's value is located by line and column."""
        path = write(tmp_path, "s.yaml", YAML_TEXT + "  - {id: gdp-per-capita, value: 7.7万元/人, "
                                                     "period: 2024}\n")
        code, _, err = invoke("progress", path)
        assert code == 2
        assert f"{path}:8:" in err
        assert "QC204 fact gdp-per-capita, field value: fact given twice with different values " \
               f"(first at {path}:5:" in err

    def test_workbook_conflict(self, tmp_path: Path) -> None:
        """A workbook's conflicting row is named by its cell."""
        path = workbook(tmp_path, [*XLSX_ROWS, ["人均GDP", 8.0, "万元/人", 2025]])
        code, _, err = invoke("progress", path)
        assert code == 2
        assert f"{path}:主要指标!B7: QC204 fact 人均GDP" in err

    def test_api_conflict(self, plan: qcrules.Plan) -> None:
        """A conflict in a fact set given to qcrules.progress is a FactError (QC204)."""
        facts = qcrules.facts_from_data({"facts": [
            {"id": "gdp-per-capita", "value": "7.6万元/人", "period": 2024},
            {"id": "gdp-per-capita", "value": "8.2万元/人", "period": 2026},
            {"id": "gdp-per-capita", "value": "8.3万元/人", "period": 2026},
        ]})
        assert [d.code for d in facts.diagnostics] == ["QC204"]
        # the first value of the period is kept, as between files
        result = qcrules.progress(plan, facts)
        assert result.latest["gdp-per-capita"].value == Fraction("8.2")


class TestOnePeriodOfASeries:
    """What judges one period refuses a series, and --period / period= chooses one."""

    def test_evaluate_refuses(self, plan: qcrules.Plan) -> None:
        """qcrules.evaluate given a series raises QC210 naming the periods; no row is picked."""
        with pytest.raises(qcrules.FactError) as caught:
            qcrules.evaluate(plan, qcrules.load_facts(SERIES))
        [problem] = caught.value.diagnostics
        assert (problem.code, problem.field, problem.fact_id) == ("QC210", "period", "人均GDP")
        assert problem.got == "2024, 2025, 2026"
        assert problem.location is not None
        assert (problem.location.file, problem.location.line) == (SERIES, 3)

    @pytest.mark.parametrize("period", [2026, "2026", "2026年"])
    def test_evaluate_one_period(self, plan: qcrules.Plan, period: str | int) -> None:
        """period= evaluates the rows of that period, however the period is written."""
        report = qcrules.evaluate(plan, qcrules.load_facts(SERIES), period=period)
        assert report.period == "2026"
        assert report["gdp-per-capita"].value == Fraction("8.2")
        assert report["urbanization-rate"].value == Fraction("64.8")

    def test_evaluate_period_not_held(self, plan: qcrules.Plan) -> None:
        """A period the facts do not hold is QC211, listing those they do; an unreadable one
        is a usage error (QC207)."""
        with pytest.raises(qcrules.FactError) as caught:
            qcrules.evaluate(plan, qcrules.load_facts(SERIES), period=2027)
        [problem] = caught.value.diagnostics
        assert problem.code == "QC211"
        assert problem.expected == "one of the periods given: 2024, 2025, 2026"
        with pytest.raises(qcrules.UsageError) as usage:
            qcrules.evaluate(plan, qcrules.load_facts(SERIES), period="2026Q5")
        assert usage.value.diagnostics[0].code == "QC207"

    def test_evaluate_series_as_baseline(self, plan: qcrules.Plan) -> None:
        """A series is no baseline either: which period would start the path? (QC210)"""
        with pytest.raises(qcrules.FactError) as caught:
            qcrules.evaluate(plan, qcrules.load_facts(Y2026),
                             baseline=qcrules.load_facts(SERIES))
        assert caught.value.diagnostics[0].code == "QC210"
        assert caught.value.diagnostics[0].message == "the baseline facts hold several periods"

    def test_check_period_not_held_and_unreadable(self) -> None:
        """check --period 2023 is QC211, --period soon QC207; both exit 2."""
        code, _, err = invoke("check", SERIES, "--period", "2023")
        assert code == 2
        assert (f"{SERIES}: QC211 field period: no facts of 2023 (expected one of the periods "
                "given: 2024, 2025, 2026; got 2023)") in err
        code, _, err = invoke("check", SERIES, "--period", "soon")
        assert code == 2
        assert "QC207" in err

    def test_check_series_as_baseline(self) -> None:
        """check --baseline with a series file names it and points to progress (QC210)."""
        code, _, err = invoke("check", Y2026, "--baseline", SERIES)
        assert code == 2
        assert "QC210" in err
        assert "the baseline facts hold several periods" in err
        assert "qcrules progress --baseline P" in err

    def test_check_period_with_baseline(self) -> None:
        """check --period 2026 --baseline 2024.yaml: the 2026 rows judged on the path from 2024."""
        code, out, err = invoke("check", SERIES, "--period", "2026", "--baseline", Y2024,
                                "--format", "json")
        assert code == 0, err
        verdicts = {v["rule_id"]: v for v in json.loads(out)["verdicts"]}
        assert verdicts["gdp-per-capita"]["trajectory"]["status"] == "on_track"
        assert verdicts["rd-intensity"]["trajectory"]["status"] == "behind"

    def test_report_and_explain(self, tmp_path: Path) -> None:
        """report summarises every period without --period and judges one with it; explain
        judges one period: refused without --period, done with it."""
        output = str(tmp_path / "r.json")
        code, _, err = invoke("report", SERIES, "-o", output)
        assert code == 0, err
        summary = json.loads(Path(output).read_text(encoding="utf-8"))
        assert [line["period"] for line in summary["regions"]] == ["2024", "2025", "2026"]
        code, _, err = invoke("report", SERIES, "-o", output, "--period", "2024")
        assert code == 0, err
        verdicts = {v["rule_id"]: v for v in json.loads(Path(output).read_text())["verdicts"]}
        assert verdicts["gdp-per-capita"]["value"] == "7.6"
        code, _, err = invoke("explain", "gdp-per-capita", SERIES)
        assert code == 2
        assert "QC210" in err
        code, out, err = invoke("explain", "gdp-per-capita", SERIES, "--period", "2025",
                                "--lang", "en")
        assert code == 0, err
        assert "7.9" in out

    def test_rows_without_a_period(self, tmp_path: Path) -> None:
        """A row of no period beside rows of one is a series too: check refuses the
        period-less row (QC208, located), with or without --period, as progress does."""
        path = write(tmp_path, "s.csv", "指标,数值,单位,时期\n人均GDP,7.6,万元/人,2024\n"
                                        "人均GDP,8.2,万元/人,\n")
        code, _, err = invoke("check", path)
        assert code == 2
        assert "s.csv:3: QC208 fact 人均GDP, field period: facts without a period" in err
        code, _, err = invoke("check", path, "--period", "2024")
        assert code == 2
        assert "QC208" in err

    def test_one_row_per_indicator_is_checked_as_before(self, tmp_path: Path) -> None:
        """A file giving each indicator once is no series, whatever its facts' periods (a
        figure published a year late keeps its own period): check evaluates every fact."""
        path = write(tmp_path, "f.yaml", "period: 2026\nfacts:\n  gdp-per-capita: 8.2万元/人\n"
                                         "  urbanization-rate: {value: 63.2%, period: 2025}\n")
        facts = qcrules.load_facts(path)
        assert facts.series == ()
        code, out, err = invoke("check", path, "--format", "json")
        assert code == 0, err
        verdicts = {v["rule_id"]: v for v in json.loads(out)["verdicts"]}
        assert verdicts["urbanization-rate"]["value"] == "63.2"
        # --period keeps only that period's facts
        code, out, err = invoke("check", path, "--period", "2026", "--format", "json")
        assert code == 0, err
        verdicts = {v["rule_id"]: v for v in json.loads(out)["verdicts"]}
        assert verdicts["urbanization-rate"]["status"] == "unknown"
        assert verdicts["gdp-per-capita"]["value"] == "8.2"


class TestFactSet:
    """A series is one FactSet: every row in ``series``, the first of each id in ``facts``."""

    def test_series_rows(self) -> None:
        """The example's 21 rows, in file order; facts keeps the first (2024) of each name."""
        facts = qcrules.load_facts(SERIES)
        assert len(facts.series) == 21
        assert len(facts) == len(COVERED)
        assert facts.period is None
        assert facts.get("人均GDP") is facts.series[0]
        assert [f.period for f in facts.series[:3]] == ["2024", "2025", "2026"]

    def test_one_period_file_unchanged(self) -> None:
        """A one-period file has no series, and its FactSet equals one built from its facts."""
        facts = qcrules.load_facts(Y2026)
        assert facts.series == ()
        assert facts.period == "2026"
        assert facts == qcrules.FactSet(facts.facts, region=facts.region, period=facts.period,
                                        sources=facts.sources, diagnostics=facts.diagnostics)

    def test_two_files_of_two_periods(self, plan: qcrules.Plan) -> None:
        """load_facts over a 2024 and a 2026 file is a series (no longer a conflict per fact):
        progress takes it, and check summarises the two periods, one line each."""
        facts = qcrules.load_facts(Y2024, Y2026)
        assert facts.series
        assert not [d for d in facts.diagnostics if d.code == "QC204"]
        result = qcrules.progress(plan, facts)
        assert [p.text for p in result.periods] == ["2024", "2026"]
        code, out, err = invoke("check", Y2024, Y2026, "--format", "json")
        assert code == 1, err       # 2024 misses a 确保 target
        lines = {line["period"]: line for line in json.loads(out)["regions"]}
        assert list(lines) == ["2024", "2026"]    # the worst first
        assert lines["2024"]["severity"]["violation"] == 1
        assert lines["2026"]["severity"]["violation"] == 0

    def test_series_beside_a_period_file(self, tmp_path: Path, plan: qcrules.Plan) -> None:
        """A series of 2024–2025 and a file of 2026 make one three-period progress."""
        early = write(tmp_path, "early.csv", CSV_TEXT.rsplit("人均GDP,8.2", 1)[0])
        code, out, err = invoke("progress", Y2026, early, "--format", "json")
        assert code == 0, err
        data = json.loads(out)
        assert data["periods"] == ["2024", "2025", "2026"]
        assert gdp_series(data) == GDP_SERIES

    def test_list_items_are_checked(self, tmp_path: Path) -> None:
        """A list item with an unknown field (QC203) or without an id (QC206) is located."""
        path = write(tmp_path, "s.yaml", "facts:\n  - {id: gdp-per-capita, value: 8.2万元/人, "
                                         "peroid: 2026}\n  - {value: 3}\n")
        code, _, err = invoke("progress", path)
        assert code == 2
        assert f"{path}:2:42: QC203 fact gdp-per-capita, field peroid: unknown field" in err
        assert f"{path}:3:5: QC206 field id: a fact in the list has no id or name" in err


class TestTheExample:
    """examples/tongcheng-series.csv agrees with the 2024 and 2026 example files."""

    @pytest.mark.parametrize(("period", "path"), [("2024", Y2024), ("2026", Y2026)])
    def test_same_verdicts(self, plan: qcrules.Plan, period: str, path: str) -> None:
        """Each period's rows give the verdicts the example file of that year gives."""
        from_series = qcrules.evaluate(plan, qcrules.load_facts(SERIES), period=period)
        from_file = qcrules.evaluate(plan, qcrules.load_facts(path))
        for rule_id in COVERED:
            assert from_series[rule_id].status is from_file[rule_id].status, rule_id
            assert from_series[rule_id].value == from_file[rule_id].value, rule_id

    def test_same_trajectories(self, plan: qcrules.Plan) -> None:
        """progress over the one table gives the trajectories of progress over the two files."""
        one = qcrules.progress(plan, qcrules.load_facts(SERIES))
        two = qcrules.progress(plan, [qcrules.load_facts(Y2024), qcrules.load_facts(Y2026)])
        assert [p.text for p in one.periods] == ["2024", "2025", "2026"]
        for rule_id in COVERED:
            assert one.latest[rule_id].trajectory == two.latest[rule_id].trajectory, rule_id

    def test_progress_text(self) -> None:
        """The text table has a column per year and the series of each covered target."""
        code, out, err = invoke("progress", SERIES, "--lang", "en")
        assert code == 0, err
        assert "progress 2024 → 2026, baseline 2024" in out
        assert out.splitlines()[1].split()[1:4] == ["2024", "2025", "2026"]
        gdp = next(line for line in out.splitlines() if " gdp-per-capita " in line)
        assert " ".join(gdp.split()[2:8]) == "7.6 万元/人 7.9 万元/人 8.2 万元/人"
