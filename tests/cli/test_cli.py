"""The CLI: exit codes, formats, languages, and no traceback for bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import catalog_text, rule_yaml
from qcrules.cli import main, run

DATA = Path(__file__).parents[1] / "data"
RULES = str(DATA / "mini.yaml")
FACTS = str(DATA / "mini-facts.yaml")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


class TestCheck:
    """`qcrules check`: verdicts with explanations, documented exit codes."""

    def test_violation_exits_1(self) -> None:
        """A missed 确保 target (pass-rate) exits 1; the table and explanations are printed."""
        code, out, _ = invoke("check", FACTS, "--rules", RULES)
        assert code == 1
        assert "✘  pass-rate" in out
        assert "抽检合格率 97.8%，未达到目标（不低于 98%），差 0.2个百分点" in out
        assert "共 10 项：达标 5，未达标 4" in out

    def test_no_violation_exits_0(self, tmp_path: Path) -> None:
        """Shortfalls of 力争 targets alone exit 0; --strict makes them exit 1."""
        facts = tmp_path / "f.yaml"
        facts.write_text("facts:\n  pass-rate: 99%\n  award: 0\n", encoding="utf-8")
        assert invoke("check", str(facts), "--rules", RULES)[0] == 0
        assert invoke("check", str(facts), "--rules", RULES, "--strict")[0] == 1

    def test_english(self) -> None:
        """--lang en words the explanations in English."""
        _, out, _ = invoke("check", FACTS, "--rules", RULES, "--lang", "en")
        assert "misses the target (at least 98%) by 0.2 percentage points" in out

    def test_json(self) -> None:
        """--format json follows the versioned schema, with exact decimal strings."""
        _, out, _ = invoke("check", FACTS, "--rules", RULES, "--format", "json")
        data = json.loads(out)
        assert data["schema"] == "qcrules-report/1"
        verdict = next(v for v in data["verdicts"] if v["rule_id"] == "pass-rate")
        assert (verdict["status"], verdict["severity"], verdict["value"]) == (
            "not_met", "violation", "97.8")
        assert verdict["thresholds"] == [{"op": ">=", "value": "98"}]
        assert data["counts"]["status"]["met"] == 5

    def test_csv_and_markdown(self) -> None:
        """CSV has a row per rule; Markdown a table per section."""
        _, out, _ = invoke("check", FACTS, "--rules", RULES, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(out)))
        assert len(rows) == 10
        assert rows[0]["rule_id"] == "gdp-per-capita"
        _, out, _ = invoke("check", FACTS, "--rules", RULES, "--format", "markdown")
        assert "## 二(一) 经济" in out
        assert "| ✘ 未达标 | `pass-rate` |" in out

    def test_only_unmet(self) -> None:
        """--only unmet leaves met targets out."""
        _, out, _ = invoke("check", FACTS, "--rules", RULES, "--only", "unmet", "-f", "csv")
        statuses = {row["status"] for row in csv.DictReader(io.StringIO(out))}
        assert statuses == {"not_met", "unknown"}

    def test_no_colour_when_not_a_terminal(self) -> None:
        """Output to a pipe has no ANSI escapes."""
        _, out, _ = invoke("check", FACTS, "--rules", RULES)
        assert "\x1b[" not in out

    def test_output_file(self, tmp_path: Path) -> None:
        """-o writes the report to a file."""
        target = tmp_path / "r.json"
        invoke("check", FACTS, "--rules", RULES, "-f", "json", "-o", str(target))
        assert json.loads(target.read_text(encoding="utf-8"))["catalog"]["id"] == "mini"


class TestBadInput:
    """Bad input: located one-line errors, exit 2, never a traceback."""

    def test_missing_fact_file(self) -> None:
        """A missing file is named."""
        code, _, err = invoke("check", "nope.yaml", "--rules", RULES)
        assert code == 2
        assert "nope.yaml: QC150 file not found" in err

    def test_bad_catalogue(self, tmp_path: Path) -> None:
        """A broken catalogue stops before evaluation."""
        path = tmp_path / "c.yaml"
        path.write_text("qcrules: 1\nrules: [\n", encoding="utf-8")
        code, _, err = invoke("check", FACTS, "--rules", str(path))
        assert code == 2
        assert f"{path}:" in err
        assert "QC100" in err

    def test_invalid_fact_stops_without_keep_going(self, tmp_path: Path) -> None:
        """A fact unusable for its rule is an input error: exit 2 and no report."""
        path = tmp_path / "f.yaml"
        path.write_text("facts:\n  pass-rate: 130%\n  award: 1\n", encoding="utf-8")
        code, out, err = invoke("check", str(path), "--rules", RULES)
        assert code == 2
        assert out == ""
        assert f"{path}:2:3: QC302 rule pass-rate, fact pass-rate" in err

    def test_keep_going_evaluates_the_rest(self, tmp_path: Path) -> None:
        """With --keep-going the sound rules are reported, and the exit code is still 2."""
        path = tmp_path / "f.yaml"
        path.write_text("facts:\n  pass-rate: 130%\n  award: 1\n", encoding="utf-8")
        code, out, err = invoke("check", str(path), "--rules", RULES, "--keep-going", "-f", "json")
        assert code == 2
        statuses = {v["rule_id"]: v["status"] for v in json.loads(out)["verdicts"]}
        assert statuses["award"] == "met"
        assert statuses["pass-rate"] == "invalid"
        assert "QC302" in err

    def test_usage_error(self) -> None:
        """An unknown option is a usage error, exit 2."""
        assert invoke("check", FACTS, "--format", "pdf")[0] == 2

    def test_unknown_fact_warns(self, tmp_path: Path) -> None:
        """A fact matching no rule is a warning with did-you-mean; the exit code is unchanged."""
        path = tmp_path / "f.yaml"
        path.write_text("facts:\n  pass-rat: 99%\n", encoding="utf-8")
        code, _, err = invoke("check", str(path), "--rules", RULES)
        assert code == 0
        assert "warning:" in err
        assert "did you mean 'pass-rate'?" in err


class TestOtherCommands:
    """explain, rules list, rules show, validate."""

    def test_explain(self) -> None:
        """explain shows the steps, the clause and quote."""
        code, out, _ = invoke("explain", "quality-index", FACTS, "--rules", RULES)
        assert code == 0
        assert "按 GB/T 8170 修约到 0.1：89.95 → 90" in out
        assert "条款 二(一)2: 指数达90%以上" in out

    def test_explain_unusable_fact_exits_2(self, tmp_path: Path) -> None:
        """A fact unusable for its rule is explained, and the exit code says the input is bad,
        as check's does; a usable one still exits 0."""
        facts = tmp_path / "f.yaml"
        facts.write_text("qcrules-facts: 1\nfacts:\n  抽检合格率: 1.3\n", encoding="utf-8")
        code, out, _ = invoke("explain", "pass-rate", str(facts), "--rules", RULES)
        assert code == 2
        assert "抽检合格率" in out
        facts.write_text("qcrules-facts: 1\nfacts:\n  抽检合格率: 0.99\n", encoding="utf-8")
        code, _, _ = invoke("explain", "pass-rate", str(facts), "--rules", RULES)
        assert code == 0

    def test_explain_unknown_rule(self) -> None:
        """An unknown rule id suggests the closest."""
        code, _, err = invoke("explain", "quality-indx", FACTS, "--rules", RULES)
        assert code == 2
        assert "did you mean 'quality-index'?" in err

    def test_rules_list_and_show(self) -> None:
        """rules list has one line per rule; rules show everything about one."""
        _, out, _ = invoke("rules", "list", "--rules", RULES)
        assert len(out.splitlines()) == 10
        _, out, _ = invoke("rules", "show", "teacher-ratio", "--rules", RULES)
        assert "quote:      师生比达1:12.5" in out

    def test_validate_ok(self) -> None:
        """A clean catalogue exits 0."""
        code, out, _ = invoke("validate", RULES)
        assert (code, out.strip()) == (0, f"{RULES}: ok, 10 rules")

    def test_validate_prints_notes(self, tmp_path: Path) -> None:
        """A catalogue's notes follow its ok line on standard output, one a line,
        ``note: FILE:LINE:COLUMN: QCnnn …``, and the exit code stays 0."""
        path = tmp_path / "genre.yaml"
        path.write_text(catalog_text(
            rule_yaml(id="tourism", kind=None, target="1100亿元",
                      indicator={"zh": "旅游总收入", "unit": "亿元"}),
            rule_yaml(id="firms", kind=None, target="3—5个", indicator={"zh": "新增企业", "unit": "个"}),
            rule_yaml(id="pass-rate", target="达98%")), encoding="utf-8")
        code, out, err = invoke("validate", str(path))
        assert (code, err) == (0, "")
        lines = out.splitlines()
        assert lines[0] == f"{path}: ok, 3 rules"
        assert len(lines) == 4
        assert all(line.startswith(f"note: {path}:") for line in lines[1:])
        assert [line.split(": ")[2].split()[0] for line in lines[1:]] == ["QC172", "QC170", "QC172"]
        assert "rule tourism, field kind: kind read from the target's words: floor" in lines[1]
        assert "no bound word: read as >= 1100亿元" in lines[2]
        assert run(["validate", str(path)]) == 0

    def test_validate_notes_only_when_sound(self, tmp_path: Path) -> None:
        """A catalogue with an error prints the error and no notes, and exits 2."""
        path = tmp_path / "bad.yaml"
        path.write_text(catalog_text(rule_yaml(id="a", kind=None, target="3—5个"),
                                     rule_yaml(id="b", target="达98万元")), encoding="utf-8")
        code, out, err = invoke("validate", str(path))
        assert (code, out) == (2, "")
        assert err.startswith(f"error: {path}:")
        assert "note:" not in err

    def test_run_returns_exit_code(self) -> None:
        """run() is the embeddable entry point: it returns the exit code."""
        assert run(["validate", RULES]) == 0

    @pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["--version"]])
    def test_help(self, args: list[str]) -> None:
        """Help and version exit 0."""
        assert invoke(*args)[0] == 0
