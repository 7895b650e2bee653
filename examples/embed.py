"""Embedding qcrules in an application: load once, evaluate many, read typed results.

Run it from the repository root:  python examples/embed.py
"""

from __future__ import annotations

from pathlib import Path

import qcrules

HERE = Path(__file__).parent

# 1. Load and compile the catalogue once (the bundled 桐城 plan; pass a path for another one).
plan = qcrules.compile_catalog(qcrules.load_catalog())

# 2. Evaluate this year's statistics file.
report = qcrules.evaluate(plan, qcrules.load_facts(HERE / "tongcheng-2026.yaml"))
counts = report.by_status
print(f"{report.catalog.region} {report.period}: "
      f"{counts[qcrules.Status.MET]} met, {counts[qcrules.Status.NOT_MET]} not met, "
      f"{counts[qcrules.Status.UNKNOWN]} unknown, {counts[qcrules.Status.INVALID]} invalid")

# 3. Typed results: every verdict knows its rule, value, thresholds and margin, exactly.
for verdict in report:
    if verdict.status is qcrules.Status.NOT_MET:
        print(f"  {verdict.rule_id:32s} {verdict.severity.value:10s}",
              qcrules.explain(verdict, "en").summary)

# 4. Summaries by lead department, as a dashboard would show them.
for department, by_status in sorted(report.by_lead.items()):
    owned = sum(by_status.values())
    print(f"  {department}: {by_status[qcrules.Status.MET]} of {owned} met")

# 5. Facts from a plain dict (e.g. a web form), in any compatible unit.
quick = qcrules.evaluate(plan, {"gdp-per-capita": "85000元/人", "rd-intensity": 0.035})
assert quick["gdp-per-capita"].met  # exactly on the target: 85,000 元/人 = 8.5 万元/人
assert quick["rd-intensity"].met  # 0.035 = 3.5 %

# 6. Many regions or periods at once, as columns: identical verdicts, vectorised.
table = qcrules.evaluate_table(
    plan,
    {"gdp-per-capita": [8.2, 8.5, 9.1], "rd-intensity": [0.031, 0.035, None]},
    units={"gdp-per-capita": "万元/人"},
)
print("gdp-per-capita by region:", [s.value for s in table.statuses("gdp-per-capita")])

# 7. JSON for another system (schema qcrules-report/1, exact decimal strings).
data = qcrules.report_to_dict(report, lang="en")
print(data["schema"], "with", len(data["verdicts"]), "verdicts;",
      "first:", data["verdicts"][0]["rule_id"], data["verdicts"][0]["value"])
