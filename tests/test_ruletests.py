"""Rule test files and `qcrules test`: cases beside a catalogue, failures explained, outcome
coverage, and located errors for a malformed tests file."""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from qcrules import Status, loads_catalog
from qcrules.cli import main
from qcrules.ruletests import (
    OUTCOMES,
    Coverage,
    RuleCoverage,
    RuleTestError,
    find_rule_test_files,
    load_rule_tests,
    possible_outcomes,
    run_rule_tests,
)

ROOT = Path(__file__).parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"
BUNDLED_TESTS = ROOT / "rules" / "tongcheng-2025-2027.tests.yaml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def project(tmp_path: Path, tests: str, *, name: str = "mini") -> Path:
    """A folder holding the mini catalogue as NAME.yaml and TESTS as NAME.tests.yaml."""
    shutil.copy(MINI, tmp_path / f"{name}.yaml")
    path = tmp_path / f"{name}.tests.yaml"
    path.write_text(tests, encoding="utf-8")
    return path


GOOD = """\
qcrules-tests: 1
cases:
  - name: GDP per capita exactly 8.5万元/人 in 元 is met
    facts: {gdp-per-capita: 85000元/人}
    expect:
      gdp-per-capita: {status: met, margin: 0}
  - name: one 元 short is a shortfall
    facts: {gdp-per-capita: 84999元/人}
    expect:
      gdp-per-capita: {status: not_met, severity: shortfall, margin: -1元/人}
  - name: a total in 万元 is not per capita
    facts: {gdp-per-capita: 8.5万元}
    expect:
      gdp-per-capita: {status: invalid, code: QC300}
  - name: nothing reported is unknown
    facts: {}
    expect:
      gdp-per-capita: unknown
"""


class TestBundledCatalogue:
    """The bundled catalogue's tests pass and assert every outcome of every rule."""

    def test_qcrules_test_rules_passes_with_full_coverage(self) -> None:
        """`qcrules test rules/` finds the tests file, passes, and prints 100 % of 176 outcomes."""
        code, out, _ = invoke("test", str(ROOT / "rules"), "--min-coverage", "100")
        assert code == 0
        assert " 0 failed" in out
        assert ("outcome coverage of tongcheng-2025-2027: 100.0% "
                "(176 of 176 possible outcomes, 44 rules)") in out

    def test_every_rule_has_every_outcome_asserted(self) -> None:
        """Each of the 44 rules can reach all four outcomes and a case asserts each."""
        run = run_rule_tests([BUNDLED_TESTS])
        [coverage] = run.coverage
        assert len(coverage.rules) == 44
        for rule in coverage.rules:
            assert rule.possible == frozenset(OUTCOMES), rule.rule_id
            assert rule.covered == frozenset(OUTCOMES), rule.rule_id
        assert not run.failed

    def test_case_names_are_unique_and_cases_small(self) -> None:
        """Cases are named after what they show, and none is a blob of the whole plan."""
        loaded = load_rule_tests(BUNDLED_TESTS)
        assert len(loaded.cases) > 44
        assert max(len(case.expect) for case in loaded.cases) <= 7

    def test_a_wrong_expectation_in_the_bundled_tests_fails(self, tmp_path: Path) -> None:
        """Claiming 低于1% is met at exactly 0.01人/亿元 fails, with the comparison shown."""
        shutil.copy(ROOT / "rules" / "tongcheng-2025-2027.yaml", tmp_path)
        text = BUNDLED_TESTS.read_text(encoding="utf-8")
        wrong = text.replace("production-safety-death-rate: {status: not_met, severity: "
                             "shortfall, margin: 0}", "production-safety-death-rate: met")
        assert wrong != text
        (tmp_path / BUNDLED_TESTS.name).write_text(wrong, encoding="utf-8")
        code, out, _ = invoke("test", str(tmp_path), "--lang", "en")
        assert code == 1
        assert "FAIL  12 deaths over 1200亿元 is exactly 0.01人/亿元, not below it" in out
        assert "production-safety-death-rate: expected status met, got not_met" in out
        assert "compare 0.01 人/亿元 < 0.01 人/亿元: fails" in out
        assert " 1 failed" in out
        # the only case asserting not met for the rule now fails: that outcome is untested
        assert "not tested: production-safety-death-rate: not met" in out

    def test_durable_engine_agrees(self) -> None:
        """The same cases pass on the durable_rules engine."""
        assert not run_rule_tests([BUNDLED_TESTS], engine="durable").failed


class TestRunning:
    """Cases pass or fail on status, severity, margin and problem code."""

    def test_passing_file(self, tmp_path: Path) -> None:
        """Catalogue found beside the tests file by name; 4 of the rule's 4 outcomes asserted."""
        path = project(tmp_path, GOOD)
        run = run_rule_tests([path])
        assert [r.passed for r in run.results] == [True] * 4
        [coverage] = run.coverage
        gdp = next(r for r in coverage.rules if r.rule_id == "gdp-per-capita")
        assert gdp.covered == frozenset(OUTCOMES)
        assert (coverage.covered, coverage.possible) == (4, 40)
        assert run.exit_code() == 0

    def test_wrong_expected_status_fails_with_the_explanation(self, tmp_path: Path) -> None:
        """A deliberately wrong verdict fails: expected vs got, then qcrules.explain's words."""
        path = project(tmp_path, GOOD.replace("{status: not_met, severity: shortfall, "
                                              "margin: -1元/人}", "met"))
        code, out, _ = invoke("test", str(path))
        assert code == 1
        assert "FAIL  one 元 short is a shortfall" in out
        assert "gdp-per-capita: expected status met, got not_met" in out
        assert "人均GDP 8.4999万元/人，未达到目标（不低于 8.5万元/人）" in out
        assert "4 cases: 3 passed, 1 failed" in out

    def test_failure_in_english(self, tmp_path: Path) -> None:
        """--lang en words the explanation in English."""
        path = project(tmp_path, GOOD.replace("status: met, margin: 0", "status: not_met"))
        code, out, _ = invoke("test", str(path), "--lang", "en")
        assert code == 1
        assert "expected status not_met, got met" in out
        assert "GDP per capita 8.5 万元/人, meets the target (at least 8.5 万元/人)" in out

    @pytest.mark.parametrize(("old", "new", "message"), [
        ("severity: shortfall", "severity: violation",
         "expected severity violation, got shortfall"),
        ("margin: -1元/人", "margin: -2元/人",
         "expected margin -0.0002万元/人, got -0.0001万元/人"),
        ("margin: -1元/人", "margin: -0.0001万元/人", None),
        ("code: QC300", "code: QC302", "expected code QC302, got QC300"),
    ])
    def test_severity_margin_and_code(self, tmp_path: Path, old: str, new: str,
                                      message: str | None) -> None:
        """Severity, exact margin (in any compatible unit) and problem code are compared."""
        run = run_rule_tests([project(tmp_path, GOOD.replace(old, new))])
        failures = [m.text("zh") for r in run.failed for m in r.mismatches]
        if message is None:
            assert failures == []
        else:
            assert len(failures) == 1
            assert message in failures[0]

    def test_margin_in_percentage_points(self, tmp_path: Path) -> None:
        """For a % rule, a margin in 百分点 or in % is the same number; 0.001 off fails."""
        tests = """\
qcrules-tests: 1
cases:
  - name: 97.8% misses 98% by 0.2 points
    facts: {pass-rate: 97.8%}
    expect:
      pass-rate: {status: not_met, severity: violation, margin: -0.2百分点}
  - name: the same in %
    facts: {pass-rate: 0.978}
    expect:
      pass-rate: {margin: -0.2%, status: not_met}
  - name: just off
    facts: {pass-rate: 97.8%}
    expect:
      pass-rate: {status: not_met, margin: -0.201%}
"""
        run = run_rule_tests([project(tmp_path, tests)])
        assert [r.passed for r in run.results] == [True, True, False]

    def test_margin_of_a_verdict_without_one(self, tmp_path: Path) -> None:
        """Expecting a margin of an unknown verdict fails on its status first."""
        tests = GOOD.replace("      gdp-per-capita: unknown",
                             "      gdp-per-capita: {status: met, margin: 1}")
        run = run_rule_tests([project(tmp_path, tests)])
        [failed] = run.failed
        assert failed.mismatches[0].field == "status"

    def test_catalog_named_in_the_file(self, tmp_path: Path) -> None:
        """`catalog:` names the catalogue relative to the tests file, whatever its name."""
        (tmp_path / "plans").mkdir()
        shutil.copy(MINI, tmp_path / "plans" / "plan.yaml")
        path = tmp_path / "checks.yaml"
        path.write_text(GOOD.replace("cases:", "catalog: plans/plan.yaml\ncases:", 1),
                        encoding="utf-8")
        loaded = load_rule_tests(path)
        assert loaded.catalog.id == "mini"
        assert loaded.cases[1].expect[0].margin == Fraction(-1, 10000)

    def test_directory_search_and_coverage_per_catalogue(self, tmp_path: Path) -> None:
        """A directory is searched recursively; two files on one catalogue add their coverage."""
        project(tmp_path, GOOD)
        nested = tmp_path / "more"
        nested.mkdir()
        (nested / "extra.tests.yaml").write_text(
            "qcrules-tests: 1\ncatalog: ../mini.yaml\ncases:\n"
            "  - name: award won\n    facts: {award: 1}\n    expect: {award: met}\n",
            encoding="utf-8")
        files = find_rule_test_files([tmp_path])
        assert [f.name for f in files] == ["mini.tests.yaml", "extra.tests.yaml"]
        run = run_rule_tests(files)
        assert len(run.coverage) == 1
        assert run.coverage[0].covered == 5


class TestMinCoverage:
    """--min-coverage N fails below N %, passes at and above it."""

    @pytest.mark.parametrize(("minimum", "code"), [
        ("9.99", 0), ("10", 0), ("10.01", 1), ("100", 1), ("0", 0)])
    def test_boundary(self, tmp_path: Path, minimum: str, code: int) -> None:
        """GOOD covers exactly 4 of the mini catalogue's 40 outcomes: 10 %."""
        path = project(tmp_path, GOOD)
        exit_code, out, _ = invoke("test", str(path), "--min-coverage", minimum)
        assert exit_code == code
        assert "outcome coverage of mini: 10.0% (4 of 40 possible outcomes, 10 rules)" in out
        assert ("below the minimum" in out) == (code == 1)
        assert "not tested: pass-rate: met, not met, unknown, invalid" in out

    def test_out_of_range_is_a_usage_error(self, tmp_path: Path) -> None:
        """A minimum above 100 is refused with exit 2."""
        assert invoke("test", str(project(tmp_path, GOOD)), "--min-coverage", "101")[0] == 2

    def test_percentage_is_rounded_down(self) -> None:
        """1999 of 2000 shows 99.9 %, never a 100.0 % that is not all."""
        rules = tuple(RuleCoverage(f"r{i}", frozenset(OUTCOMES),
                                   frozenset(OUTCOMES) - ({Status.MET} if i == 0 else set()))
                      for i in range(500))
        coverage = Coverage("c", "c.yaml", rules)
        assert (coverage.covered, coverage.possible) == (1999, 2000)
        assert coverage.percent_text == "99.9%"


def _rule(target: str, unit: str = "%", minimum: str = "0%", maximum: str = "100%",
          kind: str = "floor") -> str:
    bounds = f", min: {minimum}" if minimum else ""
    bounds += f", max: {maximum}" if maximum else ""
    return f"""\
qcrules: 1
catalog: {{id: one, title: 一项}}
rules:
  - id: r
    indicator: {{zh: 指标, unit: "{unit}"{bounds}}}
    kind: {kind}
    target: "{target}"
    commitment: strive
    deadline: 2027
    clause: 一
    quote: 指标
    lead: [市统计局]
"""


class TestPossibleOutcomes:
    """An outcome a rule cannot reach is left out of the denominator, with the reason."""

    @pytest.mark.parametrize(("catalogue", "excluded"), [
        (_rule(">= 0%"), {Status.NOT_MET}),             # on the lower edge of the domain
        (_rule(">= 0.01%"), set()),                      # just inside
        (_rule("<= 100%", kind="ceiling"), {Status.NOT_MET}),     # on the upper edge
        (_rule("<= 99.99%", kind="ceiling"), set()),
        (_rule("> 0%"), set()),                          # a strict bound can be missed at 0
        (_rule("< 100%", kind="ceiling"), set()),
        # the edge in another unit: a pure number of at most 1, the bound in %
        (_rule("<= 100%", unit="1", minimum="0", maximum="1", kind="ceiling"), {Status.NOT_MET}),
        (_rule("<= 99.99%", unit="1", minimum="0", maximum="1", kind="ceiling"), set()),
        (_rule(">= 0 项", unit="项", minimum="", maximum="", kind="count"), {Status.NOT_MET}),
        (_rule(">= 1 项", unit="项", minimum="", maximum="", kind="count"), set()),
        (_rule("<= 1 位", unit="位", minimum="", maximum="", kind="rank"), set()),
    ])
    def test_edges_of_the_domain(self, catalogue: str, excluded: set[Status]) -> None:
        """A bound at the edge of the indicator's possible values cannot be missed."""
        rule = loads_catalog(catalogue).rules[0]
        possible, reasons = possible_outcomes(rule)
        assert {status for status, _ in reasons} == excluded
        assert possible == frozenset(OUTCOMES) - excluded

    def test_yes_no_and_reference_kinds_reach_everything(self) -> None:
        """Boolean, relative and assigned rules of the mini catalogue reach all four outcomes."""
        catalog = loads_catalog(MINI.read_text(encoding="utf-8"))
        for rule_id in ("pilot", "equipment-death-rate", "energy-drop", "teacher-ratio"):
            assert possible_outcomes(catalog[rule_id])[0] == frozenset(OUTCOMES)

    def test_unreachable_outcome_not_counted(self, tmp_path: Path) -> None:
        """Three asserted outcomes of a rule that cannot be missed are 100 %, and it says why."""
        (tmp_path / "one.yaml").write_text(_rule(">= 0%"), encoding="utf-8")
        path = tmp_path / "one.tests.yaml"
        path.write_text("""\
qcrules-tests: 1
cases:
  - {name: zero is met, facts: {r: 0%}, expect: {r: met}}
  - {name: nothing is unknown, facts: {}, expect: {r: unknown}}
  - {name: a negative rate is invalid, facts: {r: -1%}, expect: {r: invalid}}
""", encoding="utf-8")
        code, out, _ = invoke("test", str(path), "--min-coverage", "100")
        assert code == 0
        assert "outcome coverage of one: 100.0% (3 of 3 possible outcomes, 1 rules)" in out
        assert "not counted: r: not met cannot occur (every possible value (0% to 100%) " \
               "meets the target)" in out


class TestBadTestsFiles:
    """A malformed tests file: located diagnostics with stable codes, exit 2, every problem."""

    @pytest.mark.parametrize(("tests", "code", "line", "words"), [
        ("qcrules-tests: 1\ncases: [\n", "QC100", 3, "invalid YAML"),
        ("- a\n- b\n", "QC501", 1, "a tests file is a mapping"),
        ("qcrules-tests: 1\ncases: {a: 1}\n", "QC501", 2, "'cases' must be a non-empty list"),
        ("qcrules-tests: 2\n" + GOOD.split("\n", 1)[1], "QC501", 1, "unsupported tests file"),
        (GOOD.split("\n", 1)[1], "QC502", 1, "missing field 'qcrules-tests'"),
        (GOOD.replace("  - name: nothing reported is unknown\n", "  - nam: x\n"),
         "QC503", 15, "did you mean 'name'?"),
        (GOOD.replace("one 元 short is a shortfall", "nothing reported is unknown"),
         "QC504", 15, "case name 'nothing reported is unknown' appears twice"),
        (GOOD.replace("      gdp-per-capita: unknown", "      gdp-per-capta: unknown"),
         "QC506", 18, "did you mean 'gdp-per-capita'?"),
        (GOOD.replace("      gdp-per-capita: unknown", "      gdp-per-capita: passed"),
         "QC507", 18, "not a status"),
        (GOOD.replace("severity: shortfall", "severity: bad"), "QC507", 10, "not a severity"),
        (GOOD.replace("margin: -1元/人", "margin: -1元"), "QC508", 10,
         "a margin that cannot be read"),
        (GOOD.replace("facts: {}", "facts: {gdp-per-capta: 1}"), "QC509", 16,
         "a case fact matches no rule"),
        (GOOD.replace("expect:\n      gdp-per-capita: unknown", "expect: {}"), "QC501", 17,
         "'expect' must map rule ids to verdicts"),
    ])
    def test_located_codes(self, tmp_path: Path, tests: str, code: str, line: int,
                           words: str) -> None:
        """Each problem names file, line, code and what was expected; the CLI exits 2."""
        path = project(tmp_path, tests)
        with pytest.raises(RuleTestError) as raised:
            load_rule_tests(path)
        diagnostic = next(d for d in raised.value.diagnostics if d.code == code)
        assert diagnostic.location is not None
        assert diagnostic.location.file == str(path)
        assert diagnostic.location.line == line
        assert words in str(diagnostic)
        exit_code, out, err = invoke("test", str(path))
        assert exit_code == 2
        assert out == ""
        assert f"{path}:{line}" in err
        assert code in err

    def test_every_problem_at_once(self, tmp_path: Path) -> None:
        """Problems of every case and file are reported together, nothing is run."""
        tests = (GOOD.replace("gdp-per-capita: unknown", "gdp-per-capta: unknown")
                 .replace("severity: shortfall", "severity: bad"))
        path = project(tmp_path, tests)
        other = tmp_path / "other.tests.yaml"
        other.write_text("qcrules-tests: 1\ncatalog: mini.yaml\ncases: []\n", encoding="utf-8")
        code, out, err = invoke("test", str(path), str(other))
        assert (code, out) == (2, "")
        assert (err.count("QC506"), err.count("QC507"), err.count("QC501")) == (1, 1, 1)

    def test_no_catalogue(self, tmp_path: Path) -> None:
        """Without `catalog:` and without X.yaml beside X.tests.yaml: QC505."""
        path = tmp_path / "lonely.tests.yaml"
        path.write_text(GOOD, encoding="utf-8")
        code, _, err = invoke("test", str(path))
        assert code == 2
        assert "QC505" in err
        assert "lonely.yaml beside the tests file" in err

    def test_catalogue_problems_are_reported(self, tmp_path: Path) -> None:
        """A broken catalogue's own diagnostics are shown (exit 2)."""
        (tmp_path / "mini.yaml").write_text("qcrules: 1\n", encoding="utf-8")
        path = tmp_path / "mini.tests.yaml"
        path.write_text(GOOD, encoding="utf-8")
        code, _, err = invoke("test", str(path))
        assert code == 2
        assert "QC102" in err

    def test_missing_path_and_empty_directory(self, tmp_path: Path) -> None:
        """A path that does not exist is QC150; a directory with no tests files QC510."""
        code, _, err = invoke("test", str(tmp_path / "nope.tests.yaml"), str(tmp_path))
        assert code == 2
        assert "QC150" in err
        assert "QC510" in err


class TestJsonOutput:
    """--format json: the same run as data, for CI dashboards."""

    def test_a_failure_and_the_coverage_as_data(self, tmp_path: Path) -> None:
        path = project(tmp_path, GOOD.replace("{status: not_met, severity: shortfall, "
                                              "margin: -1元/人}", "met"))
        code, out, _ = invoke("test", str(path), "--format", "json", "--min-coverage", "50")
        data = json.loads(out)
        assert code == 1
        assert data["schema"] == "qcrules-test-run/1"
        assert data["passed"] is False
        failed = [case for case in data["cases"] if not case["passed"]]
        assert [case["name"] for case in failed] == ["one 元 short is a shortfall"]
        [mismatch] = failed[0]["mismatches"]
        assert (mismatch["rule_id"], mismatch["field"], mismatch["expected"], mismatch["got"]) == (
            "gdp-per-capita", "status", "met", "not_met")
        assert mismatch["explanation"].startswith("人均GDP 8.4999万元/人，未达到目标")
        [coverage] = data["coverage"]
        assert (coverage["covered"], coverage["possible"], coverage["below_minimum"]) == (
            3, 40, True)
        gdp = next(rule for rule in coverage["rules"] if rule["rule_id"] == "gdp-per-capita")
        assert (gdp["covered"], gdp["missing"]) == (["met", "unknown", "invalid"], ["not_met"])

    def test_the_bundled_catalogue_in_json(self) -> None:
        code, out, _ = invoke("test", str(ROOT / "rules"), "--format", "json")
        data = json.loads(out)
        assert code == 0
        assert data["passed"] is True
        assert [(c["catalog_id"], c["percent"]) for c in data["coverage"]] == [
            ("tongcheng-2025-2027", "100.0")]
