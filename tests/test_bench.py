"""The benchmarks run, at a small size, and their exactness checks hold.

Timings are never asserted (they are the benchmarks' to print); what is asserted is that each
script still runs against today's API and that every verdict it checks agrees with its
independent exact-decimal reference.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[1] / "bench"


def run(script: str, *args: str) -> str:
    ran = subprocess.run([sys.executable, str(BENCH / script), *args], check=False,
                         capture_output=True,
                         text=True, timeout=600, cwd=BENCH.parent)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def test_engine_bench_agrees_with_its_reference() -> None:
    out = run("bench_engine.py", "--sets", "4", "--rounds", "1", "--process-rounds", "1",
              "--table-rows", "3000", "--table-rounds", "1")
    checks = re.findall(r"exact-decimal reference: (\d+) differing verdicts of ([\d,]+)", out)
    assert len(checks) == 3   # one fact set at a time, and the table path on two mixes
    assert all(differing == "0" and checked != "0" for differing, checked in checks)
    for row in ("evaluate on a parsed FactSet", "import qcrules", "evaluate_table, 3,000 rows"):
        assert f"| {row}" in out


def test_scale_bench_reports_rules_and_memory() -> None:
    out = run("bench_scale.py", "--copies", "1", "2", "--sets", "2", "--rounds", "1",
              "--stream", "40", "--every", "20")
    assert re.search(r"^\s+88\s", out, re.MULTILINE)   # the plan copied twice: 88 rules
    assert "after        40:" in out
    counted = dict(re.findall(r"(met|not_met|unknown|invalid) ([\d,]+)", out))
    assert sum(int(n.replace(",", "")) for n in counted.values()) == 40 * 44
