"""Reports to hand on: HTML, Markdown, CSV (with a byte-order mark), JUnit XML, and `qcrules report`.

The HTML page is read back through a small DOM built with the standard library's HTML parser,
so the tests check what a reader sees (elements, attributes, text), not string fragments.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

import qcrules
from helpers import catalog_text, rule_yaml
from qcrules.cli import main
from qcrules.report import render as _render
from qcrules.report.html import render_html
from qcrules.report.junit import render_junit

ROOT = Path(__file__).parents[2]
DATA = Path(__file__).parents[1] / "data"
MINI = DATA / "mini.yaml"
MINI_FACTS = DATA / "mini-facts.yaml"
EXAMPLE = ROOT / "examples" / "tongcheng-2026.yaml"
SCRIPT = "<script>alert(1)</script>"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    """An element of a parsed page: tag, attributes, children and text."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This element and every element below it (with ``tag``, if given), in order."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    def find(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Elements below with ``tag`` whose attributes (``_`` for ``-``) have these values."""
        wanted = {key.replace("_", "-"): value for key, value in attrs.items()}
        return [node for node in self.iter(tag)
                if all(node.attrs.get(key) == value for key, value in wanted.items())]

    def by_class(self, name: str) -> list[Node]:
        """Elements below whose class list holds ``name``."""
        return [node for node in self.iter() if name in (node.attrs.get("class") or "").split()]

    @property
    def text(self) -> str:
        """The text content, as a reader sees it."""
        return "".join(child if isinstance(child, str) else child.text for child in self.children)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    """A page as a tree of :class:`Node`."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


def target_rows(page: Node) -> dict[str, Node]:
    """The per-target ``<tbody>`` of every section table, by rule id."""
    return {node.attrs["data-rule-id"] or "": node
            for node in page.by_class("target") if node.tag == "tbody"}


def mini_report(facts: object = MINI_FACTS) -> qcrules.Report:
    plan = qcrules.compile_catalog(qcrules.load_catalog(MINI))
    data = qcrules.load_facts(facts) if isinstance(facts, Path) else facts
    return qcrules.evaluate(plan, data)  # type: ignore[arg-type]


def hostile_facts(tmp_path: Path) -> Path:
    """Mini facts whose file-level source and one fact's source and note carry markup."""
    text = MINI_FACTS.read_text(encoding="utf-8").replace("source: 市统计局", f"source: '{SCRIPT}'")
    text = text.replace("award: 0", f"award: {{value: 0, source: '{SCRIPT}<b>x</b>', "
                                    f"note: '{SCRIPT}'}}")
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report() -> qcrules.Report:
    return mini_report()


@pytest.fixture(scope="module")
def page(report: qcrules.Report) -> Node:
    return parse_html(render_html(report))


class TestHtmlContent:
    """The page shows the plan, every target with its status, bar and explanation, and summaries."""

    def test_every_target_with_its_status(self, report: qcrules.Report, page: Node) -> None:
        """Each rule has a row whose badge says its status in words and symbol."""
        rows = target_rows(page)
        assert sorted(rows) == sorted(v.rule_id for v in report.verdicts)
        for verdict in report.verdicts:
            badge = rows[verdict.rule_id].by_class("badge")[0]
            assert badge.attrs["data-status"] == verdict.status.value
            word = qcrules.report.explain.status_word(verdict.status, "zh")
            assert word in badge.text
            assert _render.SYMBOLS[verdict.status] in badge.text

    def test_row_contents(self, page: Node) -> None:
        """A row holds the plan's words, the value in the target's unit, the gap, commitment,
        lead and supporting departments, and the explanation with its steps."""
        row = target_rows(page)["gdp-per-capita"]
        text = row.text
        assert "力争本地区人均GDP达8.5万元" in row.find("blockquote")[0].text
        assert row.by_class("observed")[0].text == "8.5万元/人"      # 85000元/人 shown in 万元/人
        assert row.by_class("goal")[0].text == "≥8.5万元/人"
        assert "力争目标" in text
        assert "2027年" in text
        assert "市科工局、市企业服务中心" in text
        assert "市统计局" in text
        assert "恰在目标上" in row.by_class("summary")[0].text
        steps = [li.text for li in row.find("li")]
        assert steps[0] == "数据 gdp-per-capita = 85000元/人（市统计局，2026）"
        gap = target_rows(page)["pass-rate"].by_class("gap")[0].text
        assert gap == "−0.2个百分点 (−0.2%)"

    def test_header_names_plan_region_period_and_sources(self, page: Node) -> None:
        """The plan title, region, period, fact files and the sources named in facts."""
        assert page.find("h1")[0].text == "测试方案"
        assert page.by_class("region")[0].text == "测试市"
        assert page.by_class("period")[0].text == "2026"
        assert "mini-facts.yaml" in page.by_class("files")[0].text
        assert page.by_class("fact-sources")[0].text == "市统计局、省市场监管局"

    def test_headline_counts(self, report: qcrules.Report, page: Node) -> None:
        """The four headline boxes carry the report's counts."""
        headline = page.by_class("headline")[0]
        for status, count in report.by_status.items():
            box = headline.find("li", data_status=status.value)[0]
            assert box.by_class("n")[0].text == str(count)

    def test_violations_come_first(self, page: Node) -> None:
        """The violated 确保 target is listed in a block before the section tables."""
        ids = [node.attrs.get("id") for node in page.find("section")]
        assert ids.index("violations") < ids.index("targets")
        violations = page.find("section", id="violations")[0]
        assert [n.attrs["data-rule-id"] for n in violations.find("tr") if "data-rule-id" in n.attrs] \
            == ["pass-rate"]

    def test_no_violation_is_said(self) -> None:
        """With no violated 确保 target, the block says so."""
        page = parse_html(render_html(mini_report({"pass-rate": "99%", "energy-drop": "3%",
                                                   "energy-drop.assigned": "3%"})))
        assert page.by_class("no-violations")[0].text == "没有违反确保目标。"

    def test_one_table_per_section(self, page: Node) -> None:
        """Each plan section is a table titled with its prefix and title."""
        titles = [s.find("h3")[0].text for s in page.by_class("plan-section")]
        assert titles == ["二(一) 经济", "二(二) 民生"]

    def test_department_summary(self, page: Node) -> None:
        """Targets met of targets owned, per lead department."""
        row = page.find("tr", data_department="市市场监管局")[0]
        assert row.by_class("met-of-owned")[0].text == "3/5"
        assert page.find("tr", data_department="市发改委")[0].by_class("met-of-owned")[0].text \
            == "0/1"

    def test_missing_data_names_the_department(self, page: Node) -> None:
        """Unknown targets are listed under the department that should supply the data."""
        group = page.find("tbody", data_department="市发改委")[0]
        text = group.text
        assert "energy-drop" in text
        assert "上级下达的任务（energy-drop.assigned）" in text

    def test_invalid_data_is_listed(self) -> None:
        """An unusable fact is listed with the problem, under its department."""
        page = parse_html(render_html(mini_report({"pass-rate": "130%"})))
        group = page.find("tbody", data_department="市市场监管局")[0]
        assert "数据无效：" in group.text
        assert "pass-rate" in group.text

    def test_lang_attribute(self, report: qcrules.Report) -> None:
        """zh-CN by default, en in English, with English words."""
        assert parse_html(render_html(report)).find("html")[0].attrs["lang"] == "zh-CN"
        english = parse_html(render_html(report, lang="en"))
        assert english.find("html")[0].attrs["lang"] == "en"
        assert "not met" in target_rows(english)["pass-rate"].by_class("badge")[0].text

    def test_only_unmet(self, report: qcrules.Report) -> None:
        """Met targets are left out of the tables; the counts still cover every target."""
        page = parse_html(render_html(report, only_unmet=True))
        assert set(target_rows(page)) == {v.rule_id for v in report.verdicts if not v.met}
        assert page.find("li", data_status="met")[0].by_class("n")[0].text == "5"

    def test_registered_format(self, report: qcrules.Report) -> None:
        """qcrules.render(report, "html") gives the same page."""
        assert qcrules.render(report, "html") == render_html(report)

    def test_unknown_language(self, report: qcrules.Report) -> None:
        """An unknown language is a ValueError, as for the other formats."""
        with pytest.raises(ValueError, match="unknown language"):
            render_html(report, lang="fr")


class TestHtmlBar:
    """The inline SVG bar: the value against the threshold, the tick where the target is."""

    @staticmethod
    def _bar(value: str) -> tuple[float, list[float]]:
        page = parse_html(render_html(mini_report({"gdp-per-capita": value})))
        svg = target_rows(page)["gdp-per-capita"].find("svg")[0]
        rect = svg.by_class("value")[0]
        ticks = [float(line.attrs["x1"] or 0) for line in svg.by_class("threshold")]
        return float(rect.attrs["x"] or 0) + float(rect.attrs["width"] or 0), ticks

    @pytest.mark.parametrize(("value", "relation"), [
        ("8.5万元/人", 0), ("85000元/人", 0),            # on the threshold, in either unit
        ("8.49万元/人", -1), ("84900元/人", -1),          # just below
        ("8.51万元/人", 1), ("85100元/人", 1),            # just above
    ])
    def test_bar_end_against_tick(self, value: str, relation: int) -> None:
        """The bar ends on the tick at the threshold, just before it, or just past it."""
        end, ticks = self._bar(value)
        assert len(ticks) == 1
        assert (end > ticks[0]) - (end < ticks[0]) == relation

    def test_negative_value_runs_left_of_zero(self) -> None:
        """A negative value (energy intensity rose: −1 % against an assigned 3 %) draws its bar
        from the zero line leftwards; the tick stays at the target."""
        page = parse_html(render_html(mini_report({"energy-drop": "-1%",
                                                   "energy-drop.assigned": "3%"})))
        svg = target_rows(page)["energy-drop"].find("svg")[0]
        zero = float(svg.by_class("zero")[0].attrs["x1"] or 0)
        rect = svg.by_class("value")[0]
        assert float(rect.attrs["x"] or 0) < zero
        assert float(rect.attrs["x"] or 0) + float(rect.attrs["width"] or 0) == pytest.approx(zero)
        assert float(svg.by_class("threshold")[0].attrs["x1"] or 0) > zero

    def test_no_bar_without_a_number(self, page: Node) -> None:
        """A yes/no target and a target without data have no bar, only a dash."""
        rows = target_rows(page)
        for rule_id in ("pilot", "energy-drop"):
            assert not rows[rule_id].find("svg")
            assert rows[rule_id].by_class("bar")[0].text.strip() == "—"

    def test_bar_is_labelled(self, page: Node) -> None:
        """The bar says in words what it draws (for screen readers and on hover)."""
        svg = target_rows(page)["pass-rate"].find("svg")[0]
        assert svg.attrs["role"] == "img"
        assert svg.attrs["aria-label"] == "实际 97.8%；目标 ≥98%"
        assert svg.find("title")[0].text == "实际 97.8%；目标 ≥98%"


class TestHtmlSelfContained:
    """One file: inline CSS and SVG, no script, nothing fetched, printable on A4."""

    def test_nothing_external(self, report: qcrules.Report) -> None:
        """No script, stylesheet link, image or frame source, and no url() in the CSS."""
        text = render_html(report)
        page = parse_html(text)
        assert not page.find("script")
        assert not page.find("link")
        assert not page.find("img")
        assert not [n for n in page.iter() if "src" in n.attrs or ("href" in n.attrs
                    and not (n.attrs["href"] or "").startswith("#"))]
        assert "url(" not in text
        assert "@import" not in text

    def test_content_security_policy(self, page: Node) -> None:
        """The page forbids scripts and network fetches itself."""
        policy = page.find("meta", http_equiv="Content-Security-Policy")[0].attrs["content"] or ""
        assert "default-src 'none'" in policy
        assert "script-src" not in policy

    def test_print_css(self, report: qcrules.Report) -> None:
        """A4 pages; target rows not split across pages."""
        style = parse_html(render_html(report)).find("style")[0].text
        assert "size: A4" in style
        assert "tbody.target { break-inside: avoid; page-break-inside: avoid; }" in style

    def test_templates_are_package_data(self) -> None:
        """The templates ship inside the package (found through importlib.resources)."""
        folder = resources.files("qcrules.report") / "templates"
        assert {"report.html", "_macros.html", "report.css"} <= {p.name for p in folder.iterdir()}


class TestUntrustedText:
    """Text from fact files (sources, notes, raw values) is shown as text, never as markup."""

    def test_html_escapes_sources(self, tmp_path: Path) -> None:
        """A <script> in a source is escaped in the file and is text in the page."""
        text = render_html(mini_report(hostile_facts(tmp_path)))
        assert SCRIPT not in text
        assert "<b>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        page = parse_html(text)
        assert not page.find("script")
        assert not page.find("b")
        assert SCRIPT in page.by_class("fact-sources")[0].text
        assert f"{SCRIPT}<b>x</b>" in target_rows(page)["award"].text

    def test_html_escapes_catalogue_text(self) -> None:
        """Text from a catalogue is escaped too (a quote with markup stays text)."""
        plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(
            rule_yaml(quote=f"确保{SCRIPT}", indicator={"zh": "<i>指标</i>", "unit": "%"}))))
        page = parse_html(render_html(qcrules.evaluate(plan, {"r": "99%"})))
        assert not page.find("script")
        assert not page.find("i")
        assert SCRIPT in target_rows(page)["r"].find("blockquote")[0].text

    def test_junit_keeps_markup_as_text(self, tmp_path: Path) -> None:
        """XML escaping: the source comes back from the parser exactly as written."""
        xml = render_junit(mini_report(hostile_facts(tmp_path)))
        root = ET.fromstring(xml)
        sources = [p.get("value") for p in root.iter("property") if p.get("name") == "source"]
        assert sources
        assert all(s and s.endswith("hostile.yaml") for s in sources)
        failure = next(c for c in root.iter("testcase") if c.get("name", "").startswith("award"))
        assert f"{SCRIPT}<b>x</b>" in (failure.find("failure").text or "")  # type: ignore[union-attr]

    def test_junit_control_characters(self) -> None:
        """A control character (possible in a YAML escape) cannot break the XML."""
        plan = qcrules.compile_catalog(qcrules.load_catalog(MINI))
        facts = qcrules.facts_from_data({"facts": {"award": {"value": 0, "source": "a\x01b"}}})
        root = ET.fromstring(render_junit(qcrules.evaluate(plan, facts)))
        case = next(c for c in root.iter("testcase") if c.get("name", "").startswith("award"))
        assert "a\ufffdb" in (case.find("failure").text or "")  # type: ignore[union-attr]

    def test_markdown_escapes_markup(self) -> None:
        """A tag in Markdown is escaped so a renderer shows it; a pipe cannot split a cell."""
        plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(
            rule_yaml(indicator={"zh": "<b>x</b>|y", "unit": "%"}))))
        text = qcrules.render(qcrules.evaluate(plan, {"r": "97%"}), "markdown")
        tags = re.findall(r".?</?b>", text)
        assert tags
        assert all(tag.startswith("\\") for tag in tags)
        assert "| \\<b>x\\</b>\\|y |" in text
        assert "| >=98% |" in text          # a comparison is not a tag and stays readable

    def test_csv_formula_cells(self, tmp_path: Path) -> None:
        """Text a spreadsheet would run as a formula gets an apostrophe; numbers stay numbers."""
        plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(
            rule_yaml(indicator={"zh": "=HYPERLINK(\"x\")", "unit": "%"}, lead=["@市统计局"]))))
        row = next(csv.DictReader(io.StringIO(qcrules.render(qcrules.evaluate(plan, {"r": "97%"}),
                                                             "csv"))))
        assert row["indicator"] == "'=HYPERLINK(\"x\")"
        assert row["lead"] == "'@市统计局"
        assert row["margin"] == "-1"


class TestCsv:
    """CSV files open with Chinese intact in spreadsheet programs: UTF-8 with a byte-order mark."""

    def test_file_has_bom(self, report: qcrules.Report, tmp_path: Path) -> None:
        """write_report writes the BOM; the rows read back whole."""
        path = tmp_path / "r.csv"
        _render.write_report(report, path, "csv")
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) == 10
        assert rows[1]["indicator"] == "抽检合格率"

    def test_string_has_no_bom(self, report: qcrules.Report) -> None:
        """render() gives text for standard output or further processing, without a BOM."""
        assert qcrules.render(report, "csv").startswith("rule_id,")

    @pytest.mark.parametrize("fmt", ["html", "markdown", "json", "junit"])
    def test_other_files_have_no_bom(self, report: qcrules.Report, tmp_path: Path,
                                     fmt: str) -> None:
        """Other formats are plain UTF-8."""
        path = tmp_path / "r"
        _render.write_report(report, path, fmt)
        assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


class TestMarkdown:
    """Markdown for pasting into documents: summaries by section, commitment and department."""

    @pytest.fixture
    def text(self, report: qcrules.Report) -> str:
        return qcrules.render(report, "markdown")

    def test_order_of_parts(self, text: str) -> None:
        """Violations first, then the summaries, the section tables, and the missing data."""
        heads = [line for line in text.splitlines() if line.startswith("## ")]
        assert heads == ["## 违反确保目标", "## 分领域统计", "## 按承诺统计", "## 牵头单位完成情况",
                         "## 分领域目标", "## 缺少或无效的数据"]
        assert "- ✘ **pass-rate** [二(一)2]: 抽检合格率 97.8%，未达到目标" in text

    def test_section_counts(self, text: str) -> None:
        """Counts by state per section, with the total."""
        assert "| 二(一) 经济 | 3 | 1 | 0 | 0 | 4 |" in text
        assert "| 二(二) 民生 | 2 | 3 | 1 | 0 | 6 |" in text

    def test_commitment_counts(self, text: str) -> None:
        """Counts by state per commitment: 确保, 力争, plain requirement."""
        assert "| 确保目标 | 0 | 1 | 1 | 0 | 2 |" in text
        assert "| 力争目标 | 4 | 3 | 0 | 0 | 7 |" in text
        assert "| 一般要求 | 1 | 0 | 0 | 0 | 1 |" in text

    def test_department_counts(self, text: str) -> None:
        """Met of owned per lead department."""
        assert "| 市市场监管局 | 3/5 | 2 | 0 | 0 |" in text

    def test_missing_by_department(self, text: str) -> None:
        """The missing facts under the department that leads the target."""
        assert "- **市发改委**: `energy-drop` 缺少 energy-drop, energy-drop.assigned" in text

    def test_english(self, report: qcrules.Report) -> None:
        """English headings and words."""
        text = qcrules.render(report, "markdown", lang="en")
        assert "## By commitment" in text
        assert "| ensure target | 0 | 1 | 1 | 0 | 2 |" in text


class TestJunit:
    """JUnit XML: a suite per section, a case per target; misses fail, unknown skips, invalid errs."""

    @pytest.fixture
    def root(self) -> ET.Element:
        return ET.fromstring(render_junit(mini_report({**_mini_facts(), "gdp-rank": "第1.5位"})))

    @staticmethod
    def _case(root: ET.Element, rule_id: str) -> ET.Element:
        return next(c for c in root.iter("testcase") if (c.get("name") or "").split()[0] == rule_id)

    def test_suites_per_section(self, root: ET.Element) -> None:
        """One testsuite per plan section, counts adding up to the totals."""
        suites = root.findall("testsuite")
        assert [s.get("name") for s in suites] == ["二(一) 经济", "二(二) 民生"]
        assert [(s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped"))
                for s in suites] == [("4", "1", "1", "0"), ("6", "3", "0", "1")]
        assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) \
            == ("10", "4", "1", "1")

    def test_case_names(self, root: ET.Element) -> None:
        """classname is catalogue and section; name is rule id and indicator."""
        case = self._case(root, "gdp-per-capita")
        assert (case.get("classname"), case.get("name")) == ("mini.二(一)", "gdp-per-capita 人均GDP")

    def test_met_passes(self, root: ET.Element) -> None:
        """A met target is a passing case, its explanation in system-out."""
        case = self._case(root, "gdp-per-capita")
        assert [child.tag for child in case] == ["system-out"]
        assert "恰在目标上" in (case.findtext("system-out") or "")

    @pytest.mark.parametrize(("rule_id", "kind"), [("pass-rate", "violation"),
                                                    ("death-rate", "shortfall")])
    def test_not_met_fails(self, root: ET.Element, rule_id: str, kind: str) -> None:
        """A miss is a failure whose type is its severity and whose text is the explanation."""
        failure = self._case(root, rule_id).find("failure")
        assert failure is not None
        assert failure.get("type") == kind
        assert "未达到目标" in (failure.get("message") or "")
        assert "比较" in (failure.text or "")

    def test_unknown_is_skipped(self, root: ET.Element) -> None:
        """Missing data skips the case (never a pass, never a fail)."""
        skipped = self._case(root, "energy-drop").find("skipped")
        assert skipped is not None
        assert "缺少数据" in (skipped.get("message") or "")

    def test_invalid_is_an_error(self, root: ET.Element) -> None:
        """An unusable fact is an error typed with its diagnostic code."""
        error = self._case(root, "gdp-rank").find("error")
        assert error is not None
        assert (error.get("type") or "").startswith("QC3")

    def test_declaration_and_encoding(self, report: qcrules.Report) -> None:
        """An XML declaration; Chinese written as characters."""
        text = render_junit(report)
        assert text.startswith("<?xml version='1.0' encoding='utf-8'?>")
        assert "人均GDP" in text


def _mini_facts() -> dict[str, object]:
    """tests/data/mini-facts.yaml as a mapping (without the rank, so a test can set it)."""
    return {
        "gdp-per-capita": "85000元/人", "抽检合格率": 0.978, "death-rate.deaths": 12,
        "地区生产总值": "600亿元", "teacher-ratio": "1∶13.2", "award": 0, "pilot": "是",
        "equipment-death-rate": "0.4 人/十万台",
        "equipment-death-rate.province-average": "0.42 人/十万台", "quality-index": 89.95}


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


class TestReportCommand:
    """`qcrules report FACTS -o FILE`: the format from the extension, exit codes as `check`."""

    @pytest.mark.parametrize(("name", "probe"), [
        ("r.html", "<!DOCTYPE html>"), ("r.htm", "<!DOCTYPE html>"), ("r.md", "# 测试方案"),
        ("r.csv", "\ufeffrule_id,"), ("r.json", '"schema": "qcrules-report/1"'),
        ("r.xml", "<testsuites"),
    ])
    def test_format_from_extension(self, tmp_path: Path, name: str, probe: str) -> None:
        """Each extension gives its format; a violation still exits 1 after writing."""
        target = tmp_path / name
        code, out, _ = invoke("report", str(MINI_FACTS), "-r", str(MINI), "-o", str(target))
        assert code == 1
        assert probe in target.read_text(encoding="utf-8")
        assert out.startswith(f"{target} (")
        assert "共 10 项：达标 5，未达标 4" in out

    def test_format_option_wins(self, tmp_path: Path) -> None:
        """--format overrides the extension."""
        target = tmp_path / "report.txt"
        invoke("report", str(MINI_FACTS), "-r", str(MINI), "-o", str(target), "-f", "junit")
        assert ET.fromstring(target.read_text(encoding="utf-8")).tag == "testsuites"

    def test_unknown_extension(self, tmp_path: Path) -> None:
        """An extension that names no format is a usage error (QC404); nothing is written."""
        target = tmp_path / "report.pdf"
        code, _, err = invoke("report", str(MINI_FACTS), "-r", str(MINI), "-o", str(target))
        assert code == 2
        assert f"{target}: QC404 field output: cannot tell the report format" in err
        assert "got .pdf" in err
        assert not target.exists()

    def test_unwritable_output(self, tmp_path: Path) -> None:
        """A file that cannot be written is QC405, exit 2, no traceback."""
        target = tmp_path / "no-such-dir" / "r.html"
        code, _, err = invoke("report", str(MINI_FACTS), "-r", str(MINI), "-o", str(target))
        assert code == 2
        assert "QC405 field output: cannot write the report file" in err

    def test_english(self, tmp_path: Path) -> None:
        """--lang en: an English page."""
        target = tmp_path / "r.html"
        invoke("report", str(MINI_FACTS), "-r", str(MINI), "-o", str(target), "--lang", "en")
        assert parse_html(target.read_text(encoding="utf-8")).find("html")[0].attrs["lang"] == "en"

    def test_strict(self, tmp_path: Path) -> None:
        """Shortfalls alone exit 0; with --strict, 1."""
        facts = tmp_path / "f.yaml"
        facts.write_text("facts:\n  pass-rate: 99%\n  award: 0\n", encoding="utf-8")
        args = ("report", str(facts), "-r", str(MINI), "-o", str(tmp_path / "r.md"))
        assert invoke(*args)[0] == 0
        assert invoke(*args, "--strict")[0] == 1

    def test_bad_fact_writes_nothing(self, tmp_path: Path) -> None:
        """An unusable fact stops the report (exit 2) unless --keep-going."""
        facts = tmp_path / "f.yaml"
        facts.write_text("facts:\n  pass-rate: 130%\n  award: 1\n", encoding="utf-8")
        target = tmp_path / "r.html"
        code, _, err = invoke("report", str(facts), "-r", str(MINI), "-o", str(target))
        assert code == 2
        assert "QC302" in err
        assert "no report written" in err
        assert not target.exists()
        code, _, _ = invoke("report", str(facts), "-r", str(MINI), "-o", str(target),
                            "--keep-going")
        assert code == 2
        row = target_rows(parse_html(target.read_text(encoding="utf-8")))["pass-rate"]
        assert row.attrs["data-status"] == "invalid"

    def test_encoding(self, tmp_path: Path) -> None:
        """--encoding reads fact files as check does (a GB18030 CSV)."""
        target = tmp_path / "r.json"
        code, _, _ = invoke("report", str(DATA / "facts" / "mini-facts-gb18030.csv"), "-r",
                            str(MINI), "-o", str(target), "--encoding", "gb18030")
        assert code == 1
        data = json.loads(target.read_text(encoding="utf-8"))
        assert data["counts"]["status"]["met"] == 5

    def test_engines_write_the_same_file(self, tmp_path: Path) -> None:
        """--engine durable writes exactly what --engine native writes."""
        texts = []
        for engine in ("native", "durable"):
            target = tmp_path / f"{engine}.html"
            invoke("report", str(MINI_FACTS), "-r", str(MINI), "-o", str(target), "--engine",
                   engine)
            # The files' paths first: a checkout's path may hold an engine's name.
            text = target.read_text(encoding="utf-8").replace(str(ROOT), "ROOT")
            texts.append(text.replace(engine, "ENGINE"))
        assert texts[0] == texts[1]

    def test_check_output_file_csv_has_bom(self, tmp_path: Path) -> None:
        """`check -f csv -o FILE` writes the same BOM."""
        target = tmp_path / "r.csv"
        invoke("check", str(MINI_FACTS), "-r", str(MINI), "-f", "csv", "-o", str(target))
        assert target.read_bytes().startswith(b"\xef\xbb\xbf")

    def test_example_report(self, tmp_path: Path) -> None:
        """The bundled 2026 example: every one of the plan's targets is in the page."""
        target = tmp_path / "tongcheng-2026.html"
        code, _, _ = invoke("report", str(EXAMPLE), "-o", str(target))
        assert code == 0
        page = parse_html(target.read_text(encoding="utf-8"))
        assert list(target_rows(page)) == [rule.id for rule in qcrules.load_catalog()]  # plan order
        assert len(page.by_class("plan-section")) == 7


class TestObservedWhileTheThresholdIsMissing:
    """A rule unknown only for want of its reference or assigned target still shows its value."""

    def report(self) -> qcrules.Report:
        return qcrules.evaluate(qcrules.load_catalog(), {
            "co2-intensity-drop": "3.9%",                         # assigned target missing
            "special-equipment-death-rate.deaths": "1人",         # derived; average missing
            "special-equipment-death-rate.equipment": "25000台"})

    def test_text_markdown_and_html_show_the_value_read(self) -> None:
        report = self.report()
        assert report["co2-intensity-drop"].status is qcrules.Status.UNKNOWN
        assert report["co2-intensity-drop"].value is None
        text = qcrules.render(report, "text").splitlines()
        markdown = qcrules.render(report, "markdown").splitlines()
        html = qcrules.render(report, "html")
        cells = re.findall(r'<td class="num observed"[^>]*>([^<]*)</td>', html)
        for rule_id, shown in (("co2-intensity-drop", "3.9%"),
                               ("special-equipment-death-rate", "4人/十万台")):  # 1人/25000台
            assert shown in next(line for line in text if line.startswith(f"?  {rule_id} "))
            assert shown in next(line for line in markdown if f"`{rule_id}`" in line)
            assert shown in cells

    def test_a_missing_value_is_still_shown_as_missing(self) -> None:
        line = next(line for line in qcrules.render(self.report(), "text").splitlines()
                    if line.startswith("?  gdp-per-capita"))
        assert "缺数据" in line


class TestAtomicWrites:
    """A report file is written whole or not at all: the earlier file survives any failure."""

    def test_a_failure_while_writing_leaves_the_old_file(self, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
        import os

        from qcrules.report import render as render_module

        plan = qcrules.compile_catalog(qcrules.load_catalog())
        report = qcrules.evaluate(plan, {"gdp-per-capita": "8.6万元/人"})
        target = tmp_path / "prev.html"
        target.write_text("the report of last month", encoding="utf-8")

        def full_disk(*_args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(render_module.os, "replace", full_disk)
        with pytest.raises(OSError, match="No space"):
            render_module.write_report(report, target, "html")
        assert target.read_text(encoding="utf-8") == "the report of last month"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["prev.html"]
        monkeypatch.undo()
        render_module.write_report(report, target, "html")
        assert "<html" in target.read_text(encoding="utf-8")
        assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_current_umask())
        assert os.path.exists(target)

    def test_a_failure_while_rendering_leaves_the_old_file(self, tmp_path: Path) -> None:
        from click.testing import CliRunner

        from qcrules.cli import main

        target = tmp_path / "prev.md"
        target.write_text("last month", encoding="utf-8")
        bad = tmp_path / "bad.yaml"
        bad.write_text("facts: [1, 2]\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["report", str(bad), "-o", str(target)])
        assert result.exit_code == 2
        assert target.read_text(encoding="utf-8") == "last month"


def _current_umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class TestMarkdownCannotBeBroken:
    """Every cell is escaped whatever it starts with, and so is the section heading made from a
    clause (regression: a name starting with a backtick skipped escaping)."""

    def test_a_hostile_name_and_clause(self) -> None:
        rule = rule_yaml(indicator={"zh": "`x | <script>alert(1)</script>`", "unit": "%"},
                         clause="<img src=x onerror=alert(1)>1")
        plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(rule)))
        text = qcrules.render(qcrules.evaluate(plan, {"r": "99%"}), "markdown")
        import re

        assert not re.search(r"(?<!\\)<(script|img|/script)", text)  # every < escaped as \<
        assert "\\<img" in text
        rows = [line for line in text.splitlines() if line.startswith("| ") and "`r`" in line]
        assert len(rows) == 1
        assert rows[0].count(" | ") == 7  # eight cells, the name's | escaped
        assert "\\|" in rows[0]


def test_the_html_report_names_departments_and_sections_in_english() -> None:
    """With --lang en, the lead column, the charts and the section headings use the
    catalogue's English names (the department glossary, section titles); only what the facts
    say of themselves (their sources) stays as written."""
    report = qcrules.evaluate(qcrules.compile_catalog(qcrules.load_catalog()),
                              qcrules.load_facts(ROOT / "examples" / "tongcheng-2026.yaml"))
    page = qcrules.render(report, "html", lang="en")
    leads = re.findall(r'<td class="lead"[^>]*>(.*?)</td>', page, flags=re.S)
    assert leads
    assert not any("市科工局" in cell for cell in leads)
    catalog = report.catalog
    assert any(catalog.department_name("市科工局", "en") in cell for cell in leads)
    svg_text = " ".join(re.findall(r"<svg.*?</svg>", page, flags=re.S))
    assert "市科工局" not in svg_text
    assert catalog.department_name("市科工局", "en") in svg_text
    assert "驱动经济高质量发展" not in page
    assert catalog.section_title("二(一)", "en") in page


def test_csv_numbers_are_shown_as_the_tables_show_them() -> None:
    """A derived rate in CSV is 14.52 (as in text, Markdown and HTML), a rank whole; JSON keeps
    the exact value."""
    report = qcrules.evaluate(qcrules.compile_catalog(qcrules.load_catalog()),
                              qcrules.load_facts(ROOT / "examples" / "tongcheng-2026.yaml"))
    rows = {row["rule_id"]: row for row in csv.DictReader(io.StringIO(qcrules.render(report, "csv")))}
    assert (rows["invention-patents-per-10k"]["value"], rows["invention-patents-per-10k"]["margin"]
            ) == ("14.52", "0.5185")
    assert rows["county-gdp-rank"]["value"] == "12"
    exact = json.loads(qcrules.render(report, "json"))
    patents = next(v for v in exact["verdicts"] if v["rule_id"] == "invention-patents-per-10k")
    assert patents["value"].startswith("14.518518")
