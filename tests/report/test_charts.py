"""The HTML report's charts: the summary's stacked bars and each dated target's line chart,
as view data (geometry, labels) and as the inline SVG the page carries."""

from __future__ import annotations

from pathlib import Path

import pytest

import qcrules
from helpers import catalog_text, rule_yaml
from qcrules.report.charts import TrajectoryChart, category_bars, status_bars, trajectory_chart
from qcrules.report.html import LABELS, css_string, render_html

ROOT = Path(__file__).parents[2]
Y2024 = qcrules.load_facts(ROOT / "examples" / "tongcheng-2024.yaml")
Y2026 = qcrules.load_facts(ROOT / "examples" / "tongcheng-2026.yaml")
PLAN = qcrules.compile_catalog(qcrules.load_catalog())
WORDS = LABELS["zh"]


def tracked(method: str = "path") -> qcrules.Report:
    return qcrules.evaluate(PLAN, Y2026, baseline=Y2024, method=method)


class TestStackedBars:
    def test_status_counts(self) -> None:
        """One bar of every status, then one per section and per lead department; the widths
        of a bar's segments add up to the bar, each in proportion to its count."""
        report = qcrules.evaluate(PLAN, Y2026)
        chart = status_bars(report, "zh", WORDS)
        overall = chart.overall
        assert overall.total == len(report)
        assert {s.kind: s.count for s in overall.segments} == {
            s.value: n for s, n in report.by_status.items() if n}
        assert sum(s.width for s in overall.segments) == pytest.approx(overall.width, abs=0.05)
        sections, leads = chart.groups
        assert [row.total for row in sections[1]] == [
            sum(c.values()) for c in report.by_section.values()]
        assert [row.label for row in leads[1]] == list(report.by_lead)
        assert "达标 18" in overall.description

    def test_categories_need_trajectories(self) -> None:
        assert category_bars(qcrules.evaluate(PLAN, Y2026), "zh", WORDS) is None
        chart = category_bars(tracked("sdg"), "zh", WORDS)
        assert chart is not None
        counted = {s.kind: s.count for s in chart.overall.segments}
        assert counted["substantial_progress"] == 7
        assert sum(counted.values()) == 44
        assert "open-sdg" in chart.title


class TestTrajectoryChart:
    def chart(self, rule_id: str, method: str) -> TrajectoryChart:
        verdict = tracked(method)[rule_id]
        path = verdict.trajectory
        assert path is not None
        chart = trajectory_chart(verdict, [("2024", path.baseline), ("2026", path.value)],
                                 "zh", WORDS)
        assert chart is not None
        return chart

    def test_axes_target_and_category(self) -> None:
        chart = self.chart("gdp-per-capita", "sdg")
        assert [t.label for t in chart.x_ticks] == ["2024", "2025", "2026", "2027"]
        assert chart.unit_label == "万元/人"
        labels = {t.label: t.at for t in chart.y_ticks}
        assert chart.target_y == labels["8.5"]            # the target on its own tick
        assert chart.deadline_x == pytest.approx(
            next(t.at for t in chart.x_ticks if t.label == "2027"))
        assert chart.category == "进展显著"
        assert [text for _, _, text in chart.points] == ["2024: 7.6万元/人", "2026: 8.2万元/人"]
        assert chart.target_label == "目标 8.5万元/人（2027年）"

    def test_dashed_line_per_method(self) -> None:
        """path and sdg: from the baseline to the target at the deadline; un: from now on."""
        for method in ("path", "sdg"):
            chart = self.chart("gdp-per-capita", method)
            assert chart.dashed[0] == pytest.approx(chart.points[0][:2])
            assert chart.dashed[-1] == pytest.approx((chart.deadline_x, chart.target_y))
        un = self.chart("gdp-per-capita", "un")
        assert un.dashed[0] == pytest.approx(un.points[-1][:2])
        assert un.dashed_label == "按当前趋势外推"

    def test_ratio_axis(self) -> None:
        assert self.chart("teacher-student-ratio", "path").unit_label == "学生/教师"

    def test_no_chart_without_a_number_or_a_year(self) -> None:
        report = tracked()
        for rule_id in ("national-standardization-pilot", "special-equipment-hazard-closure"):
            verdict = report[rule_id]
            assert trajectory_chart(verdict, [("2026", None)], "zh", WORDS) is None


class TestPage:
    def test_charts_come_before_the_tables(self) -> None:
        """The summary answers "how are we doing, and where" before any table of targets."""
        page = render_html(tracked("un"))
        first_table = page.index("<table")
        assert page.index('id="chart-status"') < first_table
        assert page.index('id="chart-categories"') < first_table
        assert page.count('<figure class="chart trajectory-chart"') >= 20
        assert "<script" not in page
        assert "default-src 'none'" in page

    def test_text_in_charts_is_escaped(self) -> None:
        hostile = "<script>alert(1)</script>"
        text = catalog_text(rule_yaml(id="r", clause="二(一)1", deadline=2030))
        text = text.replace("title: 测试", f"title: 测试\n  sections: {{'二(一)': '{hostile}'}}")
        plan = qcrules.compile_catalog(qcrules.loads_catalog(text))
        report = qcrules.evaluate(plan, {"period": 2026, "facts": {"r": "97%"}},
                                  baseline={"period": 2024, "facts": {"r": "95%"}})
        page = render_html(report)
        assert "<script" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert 'class="chart trajectory-chart"' in page

    def test_print_header_names_the_plan_and_period(self) -> None:
        page = render_html(tracked())
        header = css_string("桐城市质量强市培育建设实施方案（2025—2027年） · 桐城市 · 2026")
        assert f"@top-left {{ content: {header}" in page
        assert css_string('a"</style>') == '"a\\22 \\3c \\2f style\\3e "'
