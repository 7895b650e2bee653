"""Validation: every problem at once, each located with file, line, rule id, field and code."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import qcrules
from helpers import catalog_text, rule_yaml
from qcrules.cli import main

FIVE_MISTAKES = """\
qcrules: 1
catalog: {id: five, title: 五个错误}
rules:
  - id: gdp
    indicator: {zh: 人均GDP, unit: 万元/人}
    kind: floor
    target: 达8.5万圆/人
    commitment: strive
    deadline: 2027
    clause: 二(一)1
    quote: 人均GDP达8.5万元
    lead: [市科工局]
  - id: rate
    indicator: {zh: 合格率, unit: "%", max: 100%}
    kind: floor
    target: 达130%
    commitment: ensure
    deadline: 2027
    clause: 二(三)1
    quote: 合格率达130%
    lead: [市市场监管局]
  - id: rate
    indicator: {zh: 合格率二, unit: "%"}
    kind: floor
    target: 达95%
    commitment: ensure
    deadline: 2027
    clause: 二(三)1
    quote: 合格率达95%
    lead: [市市场监管局]
  - id: patents
    indicator: {zh: 万人有效发明专利拥有量, unit: 件/万人}
    kind: floor
    target: 14件/万人以上
    commitment: strive
    deadline: 2027
    clause: 二(一)1
    quote: 万人有效发明专利拥有量达到14件以上
    lead: [市科工局]
    formula: patents * population
    inputs:
      patents: {zh: 有效发明专利数, unit: 件}
      population: {zh: 常住人口, unit: 万人}
  - id: area
    indicator: {zh: 人均城市道路面积, unit: 平方米/人}
    kind: floor
    target: 达30平方米/人
    commitment: strive
    deadline: 2027
    clause: 二(七)
    quote: 人均城市道路面积达30平方米
    lead: [市住建局]
    dedline: 2027
"""


def _codes(text: str) -> list[tuple[str, int | None, str | None, str | None]]:
    with pytest.raises(qcrules.CatalogError) as info:
        qcrules.loads_catalog(text, file="c.yaml")
    return [(d.code, d.location.line if d.location else None, d.rule_id, d.field)
            for d in info.value.diagnostics]


class TestFiveMistakes:
    """A catalogue with five different mistakes yields five located messages."""

    def test_all_reported_at_once(self) -> None:
        """Unknown unit, impossible threshold, duplicate id, formula units, unknown field."""
        assert _codes(FIVE_MISTAKES) == [
            ("QC110", 7, "gdp", "target"),
            ("QC121", 16, "rate", "target"),
            ("QC104", 22, "rate", "id"),
            ("QC131", 40, "patents", "formula"),
            ("QC103", 53, "area", "dedline"),
        ]

    def test_cli_exit_2_and_messages(self, tmp_path: Path) -> None:
        """`qcrules validate` prints the five, each starting file:line, and exits 2."""
        path = tmp_path / "five.yaml"
        path.write_text(FIVE_MISTAKES, encoding="utf-8")
        result = CliRunner().invoke(main, ["validate", str(path)])
        assert result.exit_code == 2
        lines = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert len(lines) == 5
        assert all(f"{path}:" in line for line in lines)
        assert "did you mean 'deadline'?" in result.output
        assert "did you mean 万元/人" in result.output
        assert "Traceback" not in result.output


class TestRuleProblems:
    """Each validation error has its code, field and expectation."""

    @pytest.mark.parametrize(
        ("fields", "code", "field"),
        [
            ({"kind": "flor"}, "QC140", "kind"),
            ({"commitment": "必须"}, "QC140", "commitment"),
            ({"deadline": "soon"}, "QC101", "deadline"),
            ({"id": "Bad Id"}, "QC101", "id"),
            ({"target": "98%"}, "QC120", "target"),
            ({"target": "低于98%"}, "QC120", "target"),
            ({"target": "达98万元"}, "QC111", "target"),
            ({"indicator": {"zh": "x", "unit": "万圆"}}, "QC110", "indicator.unit"),
            ({"indicator": {"zh": "x", "unit": "%", "max": "100%"}, "target": "达101%"},
             "QC121", "target"),
            ({"precision": "-1"}, "QC101", "precision"),
            ({"kind": "relative", "target": "低于"}, "QC102", "reference"),
            ({"kind": "relative", "target": "低于5%",
              "reference": {"id": "r.avg"}}, "QC120", "target"),
            ({"kind": "count", "target": ">= 1.5 个", "indicator": {"zh": "x", "unit": "个"}},
             "QC121", "target"),
            ({"formula": "a ** b", "inputs": {"a": {"unit": "%"}}}, "QC130", "formula"),
            ({"formula": "__import__('os')", "inputs": {"a": {"unit": "%"}}}, "QC130", "formula"),
            ({"formula": "a + c", "inputs": {"a": {"unit": "%"}}}, "QC131", "formula"),
            ({"formula": "a + b", "inputs": {"a": {"unit": "%"}, "b": {"unit": "元"}}},
             "QC131", "formula"),
            ({"lead": "市统计局", "quote": None}, "QC102", "quote"),
            ({"formula": "a * a", "inputs": {"a": {"unit": "米"}}}, "QC131", "formula"),
            ({"formula": "a * a + b", "inputs": {"a": {"unit": "米"}, "b": {"unit": "元"}}},
             "QC131", "formula"),
        ],
    )
    def test_problem(self, fields: dict[str, object], code: str, field: str) -> None:
        """The problem is reported with its stable code, rule id and field."""
        rule = rule_yaml(**fields)
        rule = {k: v for k, v in rule.items() if v is not None}
        diagnostics = _codes(catalog_text(rule))
        assert (code, field) in [(c, f) for c, _, _, f in diagnostics]

    def test_bad_yaml_is_located(self) -> None:
        """Invalid YAML is QC100 at the line where the parser stopped."""
        assert _codes("qcrules: 1\nrules: [\n  - id: x\n")[0][:2] == ("QC100", 3)

    def test_quote_must_be_in_source(self) -> None:
        """With the plan's text, a quote that is not verbatim is QC160."""
        text = catalog_text(rule_yaml(quote="确保指标达到98%"))
        with pytest.raises(qcrules.CatalogError) as info:
            qcrules.loads_catalog(text, source_text="……确保指标达98%……")
        assert [d.code for d in info.value.diagnostics] == ["QC160"]


@pytest.fixture(scope="module")
def catalog() -> qcrules.Catalog:
    """The bundled catalogue."""
    return qcrules.load_catalog()


class TestBundledCatalogue:
    """The bundled 桐城 catalogue loads clean and every rule is complete."""

    def test_loads_clean(self, catalog: qcrules.Catalog) -> None:
        """Every quantified target of section 二, quoted verbatim (checked against the source)."""
        assert len(catalog) >= 40
        assert catalog.title.startswith("桐城市质量强市培育建设实施方案")

    def test_every_rule_complete(self, catalog: qcrules.Catalog) -> None:
        """Each rule has quote, clause, commitment, deadline and lead departments."""
        for rule in catalog:
            assert rule.quote, rule.id
            assert rule.clause, rule.id
            assert rule.lead, rule.id
            assert rule.deadline in (2027, "annual"), rule.id
            assert catalog.section_title(rule.section), rule.id

    def test_commitments(self, catalog: qcrules.Catalog) -> None:
        """确保 governs (三)1 and the two assigned targets of (五); (六) is annual, no word."""
        ensure = {r.id for r in catalog if r.commitment is qcrules.Commitment.ENSURE}
        assigned = {r.id for r in catalog if r.kind is qcrules.Kind.ASSIGNED}
        assert len(assigned) == 2
        assert assigned <= ensure
        annual = [r for r in catalog if r.deadline == "annual"]
        assert len(annual) == 2
        assert all(r.commitment is qcrules.Commitment.NONE for r in annual)
