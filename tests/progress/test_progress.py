"""`qcrules check --baseline` and `qcrules progress`: trajectories from the command line.

The bundled plan with the 2024 baseline and the 2026 example: every dated target with a
numeric path and facts in both years shows where it stands on its path, with the value expected
for 2026 in its explanation.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

import qcrules
from qcrules.cli import main
from qcrules.facts.periods import facts_by_period
from qcrules.progress.trajectory import PATH_KINDS

ROOT = Path(__file__).parents[2]
Y2024 = str(ROOT / "examples" / "tongcheng-2024.yaml")
Y2026 = str(ROOT / "examples" / "tongcheng-2026.yaml")
ON_THE_WAY = {"on_track", "behind", "met_early"}


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def dated_with_both_facts() -> list[str]:
    """Rules with a year deadline and a numeric path whose value is known in 2024 and 2026."""
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    before = qcrules.evaluate(plan, qcrules.load_facts(Y2024))
    after = qcrules.evaluate(plan, qcrules.load_facts(Y2026))
    known = (qcrules.Status.MET, qcrules.Status.NOT_MET)
    return [rule.id for rule in plan.catalog
            if isinstance(rule.deadline, int) and rule.kind in PATH_KINDS
            and before[rule.id].status in known and after[rule.id].status in known]


class TestExample:
    """The done-when test: the 桐城 example with its 2024 baseline."""

    def test_enough_targets(self) -> None:
        """The baseline covers the example's dated numeric targets (all but the unknown ones)."""
        assert len(dated_with_both_facts()) >= 20

    def test_check_with_baseline(self) -> None:
        """check --baseline: each such target is on track, behind or met early, with the value
        expected for 2026 and the gap to it in its explanation; the JSON carries the same."""
        code, out, err = invoke("check", Y2026, "--baseline", Y2024, "--format", "json")
        assert code in (0, 1), err
        data = json.loads(out)
        verdicts = {v["rule_id"]: v for v in data["verdicts"]}
        statuses = set()
        for rule_id in dated_with_both_facts():
            path = verdicts[rule_id]["trajectory"]
            assert path["status"] in ON_THE_WAY, rule_id
            assert path["expected"] is not None, rule_id
            assert (path["period"], path["baseline_period"]) == ("2026", "2024")
            assert "2026 应达" in verdicts[rule_id]["explanation"]["steps"][-1], rule_id
            statuses.add(path["status"])
        assert {"on_track", "behind"} <= statuses

    def test_text_and_english(self) -> None:
        """The text table gains a trajectory column; the English explanation names the path."""
        code, out, _ = invoke("check", Y2026, "--baseline", Y2024, "--lang", "en")
        assert code in (0, 1)
        assert "trajectory" in out.splitlines()[1]
        for rule_id in dated_with_both_facts():
            row = next(line for line in out.splitlines() if f" {rule_id} " in line)
            assert any(word in row for word in ("on track", "behind", "met early")), row
        assert "expected 8.2 万元/人 for 2026" in out

    def test_progress_matches_check(self) -> None:
        """progress (files in any order) gives each target the same trajectory as check."""
        code, out, err = invoke("progress", Y2026, Y2024, "--format", "json")
        assert code == 0, err
        data = json.loads(out)
        assert (data["periods"], data["baseline_period"]) == (["2024", "2026"], "2024")
        _, checked, _ = invoke("check", Y2026, "--baseline", Y2024, "--format", "json")
        by_check = {v["rule_id"]: v["trajectory"] for v in json.loads(checked)["verdicts"]}
        targets = {t["rule_id"]: t for t in data["targets"]}
        for rule_id in dated_with_both_facts():
            assert targets[rule_id]["trajectory"] == by_check[rule_id]
            assert [p["period"] for p in targets[rule_id]["series"]] == ["2024", "2026"]
            assert "2026 应达" in targets[rule_id]["explanation"]
        assert targets["gdp-per-capita"]["series"][0]["value"] == "7.6"

    def test_progress_text(self) -> None:
        """The text shows one column per period, the expected value and the projection."""
        code, out, _ = invoke("progress", Y2024, Y2026)
        assert code == 0
        header = out.splitlines()[1]
        assert "2024" in header
        assert "2026应达" in header
        assert "按当前速度" in header
        gdp = next(line for line in out.splitlines() if line.startswith("↗  gdp-per-capita"))
        assert "7.6万元/人" in gdp
        assert "进度正常" in gdp


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


class TestPeriodsOfFiles:
    """Periods come from the files (or each fact); bad or missing ones are located errors."""

    def test_bad_file_period(self, tmp_path: Path) -> None:
        """An unreadable file-level period is QC207 at its line."""
        bad = write(tmp_path, "bad.yaml", "qcrules-facts: 1\nregion: x\nperiod: 2026Q5\n"
                                          "facts:\n  gdp-per-capita: 8\n")
        code, _, err = invoke("progress", Y2024, bad)
        assert code == 2
        assert f"{bad}:3:" in err
        assert "QC207" in err
        assert "2026Q5" in err

    def test_bad_fact_period(self, tmp_path: Path) -> None:
        """A fact's own unreadable period is QC207 at the fact, naming it."""
        bad = write(tmp_path, "bad.yaml", "period: 2026\nfacts:\n  gdp-per-capita:\n"
                                          "    value: 8\n    period: 2026-06-30\n")
        code, _, err = invoke("progress", Y2024, bad)
        assert code == 2
        assert "QC207" in err
        assert "fact gdp-per-capita" in err

    def test_no_period(self, tmp_path: Path) -> None:
        """Facts with no period cannot be placed in a series: QC208."""
        bare = write(tmp_path, "bare.yaml", "gdp-per-capita: 8\n")
        code, _, err = invoke("progress", Y2024, bare)
        assert code == 2
        assert "QC208" in err
        code, _, err = invoke("check", bare, "--baseline", Y2024)
        assert code == 2
        assert "QC208" in err

    def test_one_period(self) -> None:
        """progress needs at least two periods."""
        code, _, err = invoke("progress", Y2026)
        assert code == 2
        assert "QC208" in err

    def test_baseline_choice(self, tmp_path: Path) -> None:
        """--baseline picks a period given; another period, or the latest, is QC209."""
        y2025 = write(tmp_path, "y2025.yaml", "period: 2025\nfacts:\n  gdp-per-capita: 7.9\n")
        code, out, _ = invoke("progress", Y2026, y2025, Y2024, "--baseline-period", "2025",
                              "--format", "json")
        assert code == 0
        data = json.loads(out)
        assert data["periods"] == ["2024", "2025", "2026"]
        gdp = next(t for t in data["targets"] if t["rule_id"] == "gdp-per-capita")
        assert gdp["trajectory"]["baseline"] == "7.9"
        assert gdp["trajectory"]["expected"] == "8.2"    # 7.9 + 0.6 × 12/24
        for period in ("2023", "2026"):
            code, _, err = invoke("progress", Y2026, Y2024, "--baseline-period", period)
            assert code == 2
            assert "QC209" in err
        code, _, err = invoke("progress", Y2026, Y2024, "--baseline-period", "soon")
        assert code == 2
        assert "QC207" in err

    def test_baseline_after_facts(self) -> None:
        """check --baseline with a later baseline is QC209."""
        code, _, err = invoke("check", Y2024, "--baseline", Y2026)
        assert code == 2
        assert "QC209" in err

    def test_same_period_files(self, tmp_path: Path) -> None:
        """Two files of one period are one fact set; the same fact twice must agree (QC204)."""
        extra = write(tmp_path, "extra.yaml", "period: 2026\nfacts:\n  gdp-per-capita: 82000元/人\n")
        code, _, _ = invoke("progress", Y2024, Y2026, extra)
        assert code == 0
        clash = write(tmp_path, "clash.yaml", "period: 2026\nfacts:\n  gdp-per-capita: 9万元/人\n")
        code, _, err = invoke("progress", Y2024, Y2026, clash)
        assert code == 2
        assert "QC204" in err

    def test_grouping_order(self, tmp_path: Path) -> None:
        """facts_by_period orders the periods, whatever the order of the files."""
        sets = [qcrules.load_facts(p) for p in (Y2026, Y2024)]
        assert [p.text for p, _ in facts_by_period(sets)] == ["2024", "2026"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_progress_english(fmt: str) -> None:
    """progress speaks English too."""
    code, out, _ = invoke("progress", Y2024, Y2026, "--lang", "en", "--format", fmt)
    assert code == 0
    assert "on track" in out


def test_progress_html_trend_lines() -> None:
    """--format html: the latest period's report; every target with a known value in both
    periods gets a line chart when it is dated and has a path (years, values in its unit, the
    target at its deadline, the category) and a trend line otherwise; none for the others."""
    code, out, _ = invoke("progress", Y2026, Y2024, "--format", "html")
    assert code == 0
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    before = qcrules.evaluate(plan, qcrules.load_facts(Y2024))
    after = qcrules.evaluate(plan, qcrules.load_facts(Y2026))
    both = [v.rule_id for v in after
            if isinstance(v.value, Fraction) and isinstance(before[v.rule_id].value, Fraction)]
    charted = [rule_id for rule_id in both if isinstance(plan.catalog[rule_id].deadline, int)
               and plan.catalog[rule_id].kind in PATH_KINDS]
    assert len(charted) >= 20
    assert out.count('<figure class="chart trajectory-chart"') == len(charted)
    assert out.count('<svg class="trend') == len(both) - len(charted)
    assert ('aria-label="2024: 7.6万元/人；2026: 8.2万元/人；目标 8.5万元/人（2027年）；'
            '评估：进度正常"') in out
    assert '<text class="unit-label" x="42" y="12" text-anchor="end">万元/人</text>' in out
    assert "2026 应达 8.2万元/人" in out


class TestFromPython:
    """qcrules.progress: the same series and trajectories as the command, from fact sets."""

    def test_any_order_and_the_earliest_is_the_baseline(self) -> None:
        result = qcrules.progress(qcrules.load_catalog(), [
            {"period": 2026, "facts": {"gdp-per-capita": "8.2万元/人", "rd-intensity": "3.1%"}},
            {"period": "2024年", "facts": {"gdp-per-capita": "76000元/人", "rd-intensity": 0.026}},
        ])
        assert [period.text for period in result.periods] == ["2024", "2026"]
        assert result.baseline.text == "2024"
        statuses = {rule_id: result.latest[rule_id].trajectory.status  # type: ignore[union-attr]
                    for rule_id in ("gdp-per-capita", "rd-intensity")}
        assert statuses == {"gdp-per-capita": qcrules.TrajectoryStatus.ON_TRACK,
                            "rd-intensity": qcrules.TrajectoryStatus.BEHIND}
        assert [v.value for _, v in result.series("gdp-per-capita")] == [
            Fraction("7.6"), Fraction("8.2")]

    def test_a_later_baseline(self) -> None:
        sets = [{"period": year, "facts": {"gdp-per-capita": value}}
                for year, value in ((2024, "7.0万元/人"), (2025, "7.9万元/人"), (2026, "8.2万元/人"))]
        path = qcrules.progress(qcrules.load_catalog(), sets, baseline=2025).latest[
            "gdp-per-capita"].trajectory
        assert path is not None
        assert path.baseline_period == "2025"
        assert path.expected == Fraction("7.9") + (Fraction("8.5") - Fraction("7.9")) / 2

    @pytest.mark.parametrize(("baseline", "error", "code"), [
        ("2025x", qcrules.UsageError, "QC207"),
        (2026, qcrules.FactError, "QC209"),
        (2023, qcrules.FactError, "QC209"),
    ])
    def test_a_bad_baseline(self, baseline: object, error: type[Exception], code: str) -> None:
        sets = [{"period": 2024, "facts": {"gdp-per-capita": "7.6万元/人"}},
                {"period": 2026, "facts": {"gdp-per-capita": "8.2万元/人"}}]
        with pytest.raises(error) as raised:
            qcrules.progress(qcrules.load_catalog(), sets, baseline=baseline)  # type: ignore[arg-type]
        assert raised.value.code == code  # type: ignore[attr-defined]


class TestMethodOption:
    """--method on check --baseline and progress; the done-when check of the methods."""

    SDG: ClassVar[set[str]] = {
        "target_achieved", "substantial_progress", "moderate_progress", "limited_progress",
        "deterioration", "not_assessable", "not_applicable", "behind"}

    def test_every_dated_target_has_a_category(self) -> None:
        """progress … --method sdg --format json: a category on every dated target, and the
        method, its thresholds and its growth rates recorded with each judged one."""
        code, out, err = invoke("progress", Y2024, Y2026, "--method", "sdg", "--format", "json")
        assert code == 0, err
        data = json.loads(out)
        dated = [t for t in data["targets"] if isinstance(t["deadline"], int)]
        assert len(dated) >= 30
        for target in dated:
            path = target["trajectory"]
            assert path["method"] == "sdg", target["rule_id"]
            assert path["category"] in self.SDG, target["rule_id"]
        judged = {t["rule_id"]: t["trajectory"] for t in dated}
        gdp = judged["gdp-per-capita"]
        assert gdp["category"] == "substantial_progress"
        assert gdp["parameters"] == {"substantial": "0.95", "moderate": "0.6", "limited": "0",
                                     "zero_replacement": "0.001"}
        assert gdp["cagr_observed"].startswith("0.0387")     # (8.2/7.6)^(1/2) − 1
        assert judged["rd-intensity"]["category"] == "moderate_progress"
        assert judged["teacher-student-ratio"]["category"] == "limited_progress"
        assert sum(data["categories"].values()) == len(data["targets"])

    def test_check_baseline_method(self) -> None:
        code, out, _ = invoke("check", Y2026, "--baseline", Y2024, "--method", "un",
                              "--format", "json")
        assert code in (0, 1)
        verdicts = {v["rule_id"]: v for v in json.loads(out)["verdicts"]}
        assert verdicts["rd-intensity"]["trajectory"]["category"] == "fair_progress"
        assert "趋势外推法" in verdicts["rd-intensity"]["explanation"]["steps"][-1]

    def test_default_is_path(self) -> None:
        _, out, _ = invoke("progress", Y2024, Y2026, "--format", "json")
        assert {t["trajectory"]["method"] for t in json.loads(out)["targets"]} == {"path"}

    def test_unknown_method_is_a_usage_error(self) -> None:
        code, _, err = invoke("progress", Y2024, Y2026, "--method", "eurostat")
        assert code == 2
        assert "eurostat" in err


def test_check_table_names_the_category() -> None:
    """check --baseline --method sdg: the trajectory column adds the method's category."""
    code, out, _ = invoke("check", Y2026, "--baseline", Y2024, "--method", "sdg")
    assert code in (0, 1)
    rd = next(line for line in out.splitlines() if " rd-intensity " in line)
    assert "落后于进度（进展中等）" in rd
    _, plain, _ = invoke("check", Y2026, "--baseline", Y2024)
    assert "（" not in next(line for line in plain.splitlines() if " rd-intensity " in line)
