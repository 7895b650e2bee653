"""The pytest plugin: a project's rule test files are collected as pytest items, one per case,
failures shown as `qcrules test` shows them, without a Python traceback."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).parent.parent
MINI = ROOT / "tests" / "data" / "mini.yaml"

TESTS = """\
qcrules-tests: 1
cases:
  - name: GDP per capita exactly 8.5万元/人 in 元 is met
    facts: {gdp-per-capita: 85000元/人}
    expect:
      gdp-per-capita: {status: met, margin: 0}
  - name: one 元 short is met (wrong on purpose)
    facts: {gdp-per-capita: 84999元/人}
    expect:
      gdp-per-capita: met
  - name: a pass rate of 97.8% violates 98%以上
    facts: {pass-rate: 97.8%}
    expect:
      pass-rate: {status: not_met, severity: violation, margin: -0.2%}
"""


@pytest.fixture
def user_project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project holding a catalogue, its tests file, and an unrelated YAML file."""
    plans = pytester.mkdir("plans")
    (plans / "county.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    (plans / "county.tests.yaml").write_text(TESTS, encoding="utf-8")
    (plans / "settings.yaml").write_text("a: 1\n", encoding="utf-8")
    return pytester


class TestCollection:
    """A user project with only qcrules installed gets its cases collected."""

    def test_one_item_per_case_in_a_fresh_process(self, user_project: pytest.Pytester) -> None:
        """Run as a user would (a new pytest process): 3 items, named after the cases."""
        result = user_project.runpytest_subprocess("-v", "-p", "no:cacheprovider", "plans")
        result.assert_outcomes(passed=2, failed=1)
        result.stdout.fnmatch_lines([
            "*county.tests.yaml::GDP per capita exactly 8.5万元/人 in 元 is met PASSED*",
            "*county.tests.yaml::one 元 short is met (wrong on purpose) FAILED*",
            "*county.tests.yaml::a pass rate of 97.8% violates 98%以上 PASSED*",
        ])

    def test_failure_is_explained_without_traceback(self, user_project: pytest.Pytester) -> None:
        """The failure shows expected vs got and the verdict's explanation, no Python code."""
        result = user_project.runpytest("-p", "no:cacheprovider", "plans")
        result.assert_outcomes(passed=2, failed=1)
        result.stdout.fnmatch_lines([
            "*case: one 元 short is met (wrong on purpose)*",
            "*gdp-per-capita: expected status met, got not_met",
            "*人均GDP 8.4999万元/人，未达到目标（不低于 8.5万元/人）*",
            "*比较 8.4999万元/人 >= 8.5万元/人：不成立",
        ])
        output = result.stdout.str()
        assert "Traceback" not in output
        assert "raise RuleCaseFailed" not in output
        assert "pytest_plugin.py" not in output

    def test_select_one_case_by_name(self, user_project: pytest.Pytester) -> None:
        """A case is an addressable node: its id is FILE::NAME."""
        result = user_project.runpytest(
            "-p", "no:cacheprovider",
            "plans/county.tests.yaml::a pass rate of 97.8% violates 98%以上")
        result.assert_outcomes(passed=1)

    def test_only_tests_files_are_collected(self, user_project: pytest.Pytester) -> None:
        """The catalogue and other YAML files are not collected."""
        result = user_project.runpytest("--collect-only", "-q", "-p", "no:cacheprovider",
                                        "plans")
        collected = [line for line in result.stdout.lines if "::" in line]
        assert len(collected) == 3
        assert all(line.startswith("plans/county.tests.yaml::") for line in collected)

    def test_switched_off(self, user_project: pytest.Pytester) -> None:
        """`-p no:qcrules` collects nothing from the tests file."""
        result = user_project.runpytest("-p", "no:qcrules", "-p", "no:cacheprovider", "plans")
        result.assert_outcomes()
        assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED

    def test_malformed_file_is_a_located_collection_error(self,
                                                          user_project: pytest.Pytester) -> None:
        """A tests file naming an unknown rule is a collection error with its diagnostic."""
        path = user_project.path / "plans" / "county.tests.yaml"
        path.write_text(TESTS.replace("      pass-rate:", "      pass-rat:"), encoding="utf-8")
        result = user_project.runpytest("-p", "no:cacheprovider", "plans")
        result.assert_outcomes(errors=1)
        result.stdout.fnmatch_lines([
            "*county.tests.yaml:14:7: QC506 rule pass-rat, field expect: no such rule in the "
            "catalogue*did you mean 'pass-rate'?*"])
        assert "Traceback" not in result.stdout.str()


class TestOwnFilesOnly:
    """The plugin minds its own files: a project's other *.tests.yaml are not its business."""

    @pytest.mark.parametrize("text", [
        "suite: smoke\nsteps: [login]\n",
        "# cases for another tool\nname: x\nqcrules-tests: 1\n",
        "- qcrules-tests: 1\n",
        "",
    ], ids=["other-tool", "key-not-first", "a-list", "empty"])
    def test_other_files_are_skipped_silently(self, user_project: pytest.Pytester,
                                              text: str) -> None:
        """Another tool's *.tests.yaml is not collected, and no error is shown (no QC502)."""
        (user_project.path / "plans" / "api.tests.yaml").write_text(text, encoding="utf-8")
        result = user_project.runpytest("-p", "no:cacheprovider", "plans")
        result.assert_outcomes(passed=2, failed=1)
        assert "QC50" not in result.stdout.str()
        assert "api.tests.yaml" not in result.stdout.str()

    @pytest.mark.parametrize("head", [
        "qcrules-tests: 1\n", "# a comment\n\n---\nqcrules-tests: 1\n",
        '"qcrules-tests": 1\n', "%YAML 1.2\n---\nqcrules-tests: 1\n", "{qcrules-tests: 1}\n",
    ])
    def test_first_key(self, tmp_path: Path, head: str) -> None:
        from qcrules.pytest_plugin import is_rule_tests_file

        path = tmp_path / "x.tests.yaml"
        path.write_text(head, encoding="utf-8")
        assert is_rule_tests_file(path)
        assert not is_rule_tests_file(path.with_name("x.yaml"))

    @pytest.mark.parametrize(("name", "text"), [
        ("pytest.ini", "[pytest]\nqcrules_rule_tests = false\n"),
        ("pyproject.toml", "[tool.pytest.ini_options]\nqcrules_rule_tests = false\n"),
    ])
    def test_turned_off_in_the_projects_config(self, user_project: pytest.Pytester, name: str,
                                               text: str) -> None:
        """`qcrules_rule_tests = false` in the configuration collects nothing of qcrules'."""
        (user_project.path / name).write_text(text, encoding="utf-8")
        result = user_project.runpytest("-p", "no:cacheprovider", "--strict-config", "plans")
        assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
        (user_project.path / name).write_text(text.replace("false", "true"), encoding="utf-8")
        user_project.runpytest("-p", "no:cacheprovider", "plans").assert_outcomes(
            passed=2, failed=1)


class TestOwnSuite:
    """The plugin neither breaks nor double-collects qcrules's own test suite."""

    def test_testpaths_hold_no_tests_files(self) -> None:
        """pytest runs tests/ only, and tests/ holds no *.tests.yaml (they live in rules/)."""
        config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        assert config["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]
        assert not list((ROOT / "tests").rglob("*.tests.yaml"))

    def test_bundled_tests_collect_once(self, pytester: pytest.Pytester) -> None:
        """`pytest rules/` collects the bundled file's cases, each once, and they all pass."""
        rules = pytester.mkdir("rules")
        for name in ("tongcheng-2025-2027.yaml", "tongcheng-2025-2027.tests.yaml"):
            (rules / name).write_text((ROOT / "rules" / name).read_text(encoding="utf-8"),
                                      encoding="utf-8")
        result = pytester.runpytest("-p", "no:cacheprovider", "rules", "rules")
        from qcrules.ruletests import load_rule_tests

        cases = len(load_rule_tests(ROOT / "rules" / "tongcheng-2025-2027.tests.yaml").cases)
        result.assert_outcomes(passed=cases)
