"""The HTML report in a real browser: headless Chromium loads it offline, logs nothing to the
console, and its rendered DOM shows every target of the plan with its status, bar and
explanation. Skipped only when Chromium is not installed (CI installs Debian's package).

Chromium's ``--dump-dom`` prints the DOM after the page has loaded; ``--enable-logging=stderr``
writes every console message (errors, uncaught exceptions, Content-Security-Policy refusals,
failed loads) to standard error as ``…:CONSOLE(…)`` lines, which the tests collect.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_report_formats import EXAMPLE, SCRIPT, Node, hostile_facts, mini_report, parse_html, target_rows

import qcrules
from qcrules.report.explain import status_word
from qcrules.report.html import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install chromium; .ci/run installs it)")

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0")


def load(page: Path, profile: Path, width: int | None = None) -> tuple[Node, str, list[str]]:
    """Open ``page`` in headless Chromium (in a window ``width`` pixels wide, when given): the
    DOM after load, as parsed and as text, and the console messages."""
    window = [f"--window-size={width},900"] if width is not None else []
    done = subprocess.run([CHROMIUM or "chromium", *FLAGS, *window, f"--user-data-dir={profile}",
                           "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines()
               if ":CONSOLE" in line or "Uncaught" in line]
    return parse_html(done.stdout), done.stdout, console


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_console_errors_are_seen(tmp_path: Path) -> None:
    """The harness itself: a page that logs an error and throws is caught (so a clean report's
    empty console means something)."""
    page = write(tmp_path, "bad.html", "<!DOCTYPE html><p>x</p>"
                 "<script>console.error('boom'); notDefined();</script>")
    _, _, console = load(page, tmp_path / "profile")
    assert any("boom" in line for line in console)
    assert any("Uncaught ReferenceError" in line for line in console)


Loaded = tuple[qcrules.Report, Node, list[str]]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """The example's report, its page as the browser rendered it, and the console messages."""
    folder = tmp_path_factory.mktemp("example")
    report = qcrules.evaluate(qcrules.load_catalog(), qcrules.load_facts(EXAMPLE))
    page = write(folder, "tongcheng-2026.html", render_html(report))
    dom, _, console = load(page, folder / "profile")
    return report, dom, console


class TestExampleReport:
    """examples/tongcheng-2026.yaml against the bundled plan, as a reader's browser shows it."""

    def test_loads_without_console_messages(self, loaded: Loaded) -> None:
        """No error, no refused load or fetch, nothing logged at all."""
        _, dom, console = loaded
        assert console == []
        assert dom.find("html")[0].attrs["lang"] == "zh-CN"

    def test_every_target_with_its_status(self, loaded: Loaded) -> None:
        """Each of the plan's 44 targets is in the page, its badge saying its status."""
        report, dom, _ = loaded
        rows = target_rows(dom)
        assert sorted(rows) == sorted(rule.id for rule in report.catalog)
        assert len(rows) == 44
        for verdict in report.verdicts:
            row = rows[verdict.rule_id]
            assert row.attrs["data-status"] == verdict.status.value
            assert status_word(verdict.status) in row.by_class("badge")[0].text

    def test_bars_and_explanations(self, loaded: Loaded) -> None:
        """A numeric target with a value has a bar with a tick per threshold; every target has
        its explanation."""
        report, dom, _ = loaded
        rows = target_rows(dom)
        bars = 0
        for verdict in report.verdicts:
            row = rows[verdict.rule_id]
            svgs = row.find("svg")
            if isinstance(verdict.value, bool) or verdict.value is None or not verdict.thresholds:
                assert not svgs
            else:
                bars += 1
                assert len(svgs[0].by_class("threshold")) == len(verdict.thresholds)
            summary = row.by_class("summary")[0].text
            assert summary == qcrules.explain(verdict).summary
        assert bars >= 25

    def test_department_summary_and_missing_data(self, loaded: Loaded) -> None:
        """Every lead department has its met/owned line; missing data is listed by department."""
        report, dom, _ = loaded
        departments = {node.attrs["data-department"]: node.by_class("met-of-owned")[0].text
                       for node in dom.find("section", id="departments")[0].find("tr")
                       if "data-department" in node.attrs}
        for lead, counts in report.by_lead.items():
            assert departments[lead] == f"{counts[qcrules.Status.MET]}/{sum(counts.values())}"
        missing = dom.find("section", id="missing")[0]
        listed = {node.attrs["data-rule-id"] for node in missing.find("tr")
                  if "data-rule-id" in node.attrs}
        assert listed == {v.rule_id for v in report.verdicts
                          if v.status in (qcrules.Status.UNKNOWN, qcrules.Status.INVALID)}

    def test_english_page(self, tmp_path: Path) -> None:
        """The English page declares its language and says its statuses in English."""
        report = qcrules.evaluate(qcrules.load_catalog(), qcrules.load_facts(EXAMPLE))
        dom, _, console = load(write(tmp_path, "en.html", render_html(report, lang="en")),
                               tmp_path / "profile")
        assert console == []
        assert dom.find("html")[0].attrs["lang"] == "en"
        assert "not met" in target_rows(dom)["gdp-per-capita"].by_class("badge")[0].text


def test_script_in_a_source_is_text(tmp_path: Path) -> None:
    """A <script> in fact sources and notes: no script element in the DOM, the text shown."""
    page = write(tmp_path, "hostile.html", render_html(mini_report(hostile_facts(tmp_path))))
    dom, text, console = load(page, tmp_path / "profile")
    assert console == []
    assert not dom.find("script")
    assert "<script" not in text.lower()
    assert SCRIPT in dom.by_class("fact-sources")[0].text
    assert f"{SCRIPT}<b>x</b>" in target_rows(dom)["award"].text


# --- any screen: the report and the progress report at a phone's and a desktop's width ------

BASELINE = EXAMPLE.parent / "tongcheng-2024.yaml"
WIDTHS = (400, 1400)

#: Appended (in the test's copy only, with the Content-Security-Policy removed so that it may
#: run) to measure the page as laid out: the viewport and document widths, what sticks out,
#: and every chart with its axis labels as rendered.
PROBE = """<script>
addEventListener("load", () => {
  const root = document.documentElement, viewport = root.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > viewport + 0.5)
    .slice(0, 10).map(e => e.tagName + "." + (e.getAttribute("class") || ""));
  const texts = (chart, cls) => [...chart.querySelectorAll("text." + cls)]
    .filter(t => t.getBBox().width > 0).map(t => t.textContent);
  const charts = [...document.querySelectorAll("figure.trajectory-chart")].map(f => ({
    x: texts(f, "x-tick"), y: texts(f, "y-tick"), unit: texts(f, "unit-label"),
    category: texts(f, "category"), points: f.querySelectorAll("circle.point").length,
    width: f.getBoundingClientRect().width}));
  const bars = [...document.querySelectorAll("figure.stacked-bars")].map(f => ({
    id: f.dataset.chart, segments: f.querySelectorAll("rect.seg").length,
    width: f.getBoundingClientRect().width}));
  parent.postMessage(JSON.stringify({viewport, document: root.scrollWidth, wide, charts, bars}),
                     "*");
});
</script>"""

HARNESS = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="{page}" style="width:{width}px;height:3200px;border:0"></iframe>
<script>addEventListener("message", e => document.body.setAttribute("data-probe", e.data));</script>
</body></html>"""


def measure(page: Path, width: int, profile: Path, shot: Path) -> dict[str, Any]:
    """Lay ``page`` out ``width`` CSS pixels wide (in a frame of that width: a headless window
    is at least 500 pixels wide), return the probe's measurements, and write a screenshot."""
    probed = page.with_name(f"probe-{width}-{page.name}")
    text = page.read_text(encoding="utf-8").replace(
        '<meta http-equiv="Content-Security-Policy"', '<meta name="csp-removed-for-the-probe"')
    probed.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    harness = write(page.parent, f"harness-{width}-{page.name}",
                    HARNESS.format(page=probed.name, width=width))
    window = f"--window-size={width + 40},3200"
    common = [CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={profile}",
              "--allow-file-access-from-files", "--virtual-time-budget=5000", window]
    done = subprocess.run([*common, "--dump-dom", harness.as_uri()], capture_output=True,
                          text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    body = parse_html(done.stdout).find("body")[0]
    assert "data-probe" in body.attrs, "the probe did not report"
    subprocess.run([*common, f"--screenshot={shot}", harness.as_uri()], capture_output=True,
                   timeout=180, check=True)
    return dict(json.loads(body.attrs["data-probe"] or "{}"))


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 2026 report with its 2024 baseline (``check --baseline -o``) and the progress report
    judged by the ``sdg`` method, as files in the test's folder."""
    from click.testing import CliRunner

    from qcrules.cli import main

    folder = tmp_path_factory.mktemp("screens")
    report = folder / "report.html"
    runner = CliRunner()
    runner.invoke(main, ["check", str(EXAMPLE), "--baseline", str(BASELINE), "-o", str(report),
                         "-f", "html"])
    result = runner.invoke(main, ["progress", str(BASELINE), str(EXAMPLE), "--method", "sdg",
                                  "--format", "html"])
    assert result.exit_code == 0, result.output
    progress = write(folder, "progress.html", result.stdout)
    assert report.is_file()
    return {"report": report, "progress": progress}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["report", "progress"])
def test_any_screen(pages: dict[str, Path], name: str, width: int) -> None:
    """At 400 and 1,400 pixels: the document is exactly as wide as the viewport, every chart
    is drawn with its year axis, value axis, unit and category, and the page itself (with its
    Content-Security-Policy) logs nothing. Screenshots are left beside the pages."""
    page = pages[name]
    _, text, console = load(page, page.parent / f"profile-{name}-{width}", width)
    assert console == []
    expected = text.count('<figure class="chart trajectory-chart"')
    assert expected >= 20
    shot = page.with_name(f"{name}-{width}.png")
    probe = measure(page, width, page.parent / f"probe-profile-{name}-{width}", shot)
    assert probe["document"] == probe["viewport"], probe["wide"]
    assert probe["wide"] == []
    assert probe["viewport"] <= width
    assert len(probe["charts"]) == expected
    for chart in probe["charts"]:
        assert len(chart["x"]) >= 2, chart
        assert all(label.isdigit() for label in chart["x"]), chart
        assert len(chart["y"]) >= 2, chart
        assert chart["unit"], chart
        assert chart["category"], chart
        assert chart["points"] >= 1, chart
        assert 0 < chart["width"] <= probe["viewport"]
    bars = {bar["id"]: bar for bar in probe["bars"]}
    assert set(bars) == {"status", "categories"}
    assert all(bar["segments"] > 0 and bar["width"] <= probe["viewport"] for bar in bars.values())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ["report", "progress"])
def test_prints_on_a4(pages: dict[str, Path], name: str) -> None:
    """Printed to PDF, the page is A4 (595 × 842 pt) and runs over several pages."""
    page = pages[name]
    pdf = page.with_suffix(".pdf")
    subprocess.run([CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={page.parent / 'pdf'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   capture_output=True, timeout=180, check=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", data)
    assert len(boxes) >= 2
    assert all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)
