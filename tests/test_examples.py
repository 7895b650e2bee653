"""Every example runs, and the 2026 example gives the verdicts worked out by hand."""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import qcrules
from qcrules.cli import main

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_script_runs(script: Path, tmp_path: Path) -> None:
    """Each script in examples/ runs to completion from the repository root."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


class TestExample2026:
    """The bundled 2026 statistics against the bundled plan."""

    def test_verdicts_match_the_hand_worked_oracle(self) -> None:
        """examples/tongcheng-2026.expected.yaml was derived by hand from the facts."""
        expected = yaml.safe_load((EXAMPLES / "tongcheng-2026.expected.yaml").read_text(
            encoding="utf-8"))["verdicts"]
        report = qcrules.evaluate(qcrules.load_catalog(),
                                  qcrules.load_facts(EXAMPLES / "tongcheng-2026.yaml"))
        assert {v.rule_id: v.status.value for v in report} == expected

    def test_margins_match_the_hand_worked_oracle(self) -> None:
        """Margins are exact, in the target's unit, whatever unit the fact came in."""
        margins = yaml.safe_load((EXAMPLES / "tongcheng-2026.expected.yaml").read_text(
            encoding="utf-8"))["margins"]
        report = qcrules.evaluate(qcrules.load_catalog(),
                                  qcrules.load_facts(EXAMPLES / "tongcheng-2026.yaml"))
        assert {rule_id: report[rule_id].margin for rule_id in margins} == {
            rule_id: Fraction(text) for rule_id, text in margins.items()}

    def test_main_job(self) -> None:
        """The README's main job prints every target with an explanation and exits 0."""
        result = CliRunner().invoke(main, ["check", str(EXAMPLES / "tongcheng-2026.yaml")])
        assert result.exit_code == 0, result.output
        catalog = qcrules.load_catalog()
        for rule in catalog:
            assert rule.id in result.stdout
        assert "牵头单位" in result.stdout
        assert result.stderr == ""

    def test_mixed_units_and_forms(self) -> None:
        """The example uses several units and forms, and exercises each state but invalid."""
        facts = qcrules.load_facts(EXAMPLES / "tongcheng-2026.yaml")
        raws = [fact.raw for fact in facts]
        assert any("元/人" in raw and "万" not in raw for raw in raws)
        assert any(raw.startswith(("1:", "1∶")) for raw in raws)
        report = qcrules.evaluate(qcrules.load_catalog(), facts)
        states = {v.status for v in report}
        assert {qcrules.Status.MET, qcrules.Status.NOT_MET, qcrules.Status.UNKNOWN} <= states
        assert not report.violations
