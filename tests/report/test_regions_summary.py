"""The summary of many regions and the long result escape their cells as every other report
does: a region's name is data, and Markdown or a spreadsheet must not read it as markup or a
formula."""

from __future__ import annotations

import qcrules
from qcrules.report.regions import render_long_csv, render_summary
from qcrules.report.render import render

PLAN = qcrules.compile_catalog(qcrules.load_catalog("tests/data/mini.yaml"))


def reports(*regions: str) -> list[qcrules.Report]:
    return [qcrules.evaluate(PLAN, {"region": region, "period": 2026,
                                    "facts": {"gdp-per-capita": "8.6万元/人"}})
            for region in regions]


def test_a_region_name_in_markdown_is_escaped_as_in_the_report() -> None:
    name = "东|区<script>"
    summary = render_summary(reports(name, "西区"), "markdown", lang="en")
    row = next(line for line in summary.splitlines() if line.startswith("| 东"))
    assert row.startswith("| 东\\|区\\<script> |")
    assert row.count(" | ") == 6   # seven cells: the name's bar split none
    # the one-region Markdown report words a text cell the same way
    assert "东\\|区\\<script>" in render(reports(name)[0], "markdown", lang="en")


def test_a_region_name_like_a_formula_is_text_in_the_long_csv() -> None:
    lines = render_long_csv(reports("=HYPERLINK(1)", "西区")).splitlines()
    assert lines[1].startswith("'=HYPERLINK(1),2026,")
    assert lines[-1].startswith("西区,2026,")
