"""Validation: every problem at once, each located with file, line, rule id, field and code."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
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
            ({"target": "3%—5%"}, "QC120", "target"),
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
        """确保 governs (三)1 and the two assigned targets of (五); (六)'s task sentence is annual,
        with no word: the 96366 platform, the inspection plan and hazard closure."""
        ensure = {r.id for r in catalog if r.commitment is qcrules.Commitment.ENSURE}
        assigned = {r.id for r in catalog if r.kind is qcrules.Kind.ASSIGNED}
        assert len(assigned) == 2
        assert assigned <= ensure
        annual = [r for r in catalog if r.deadline == "annual"]
        assert len(annual) == 3
        assert all(r.commitment is qcrules.Commitment.NONE for r in annual)


class TestRatioOrder:
    """A target written a:b is read as written: the number judged is the term that is not 1,
    per one of the other; a ratio with neither term 1 does not say which is measured."""

    @pytest.mark.parametrize(("kind", "target", "ratio", "order", "threshold"), [
        ("ceiling", "控制在2.2∶1以内", None, "x:1", "2.2"),
        ("ceiling", "缩小到1.2∶1", None, "x:1", "1.2"),
        ("ceiling", "缩小至1.8：1以内", None, "x:1", "1.8"),
        ("ratio", "不超过19:1", {"antecedent": "学生", "consequent": "教师"}, "x:1", "19"),
        ("ratio", "1:12.5", {"antecedent": "教师", "consequent": "学生"}, "1:x", "12.5"),
        ("ratio", "１∶１２.５", None, "1:x", "12.5"),
        ("ratio", "<= 12.5", {"antecedent": "教师", "consequent": "学生", "order": "1:x"},
         "1:x", "12.5"),
        ("ratio", "<= 19", {"antecedent": "学生", "consequent": "教师", "order": "x:1"}, "x:1", "19"),
    ])
    def test_the_number_judged_and_the_order(self, kind: str, target: str,
                                              ratio: dict[str, str] | None, order: str,
                                              threshold: str) -> None:
        fields: dict[str, Any] = {"kind": kind, "target": target,
                                  "indicator": {"zh": "比", "unit": "1"}}
        if ratio is not None:
            fields["ratio"] = ratio
        rule = qcrules.loads_catalog(catalog_text(rule_yaml(**fields)))["r"]
        assert rule.ratio is not None
        assert rule.ratio.order == order
        assert rule.bounds[0].threshold == qcrules.Quantity(Fraction(threshold), None)

    def test_a_ratio_with_no_term_of_one_is_refused(self) -> None:
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(catalog_text(rule_yaml(kind="ceiling", target="3:2以内",
                                                         indicator={"zh": "比", "unit": "1"})),
                                  file="c.yaml")
        (problem,) = raised.value.diagnostics
        assert problem.code == "QC122"
        assert problem.field == "target"
        assert problem.location is not None
        assert problem.location.line is not None
        assert problem.hint is not None
        assert "1.5:1" in problem.hint

    def test_a_range_in_two_orders_is_refused(self) -> None:
        text = catalog_text(rule_yaml(kind="range", target=["不低于1:10", "不超过20:1"],
                                      indicator={"zh": "比", "unit": "1"}))
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(text)
        assert [d.code for d in raised.value.diagnostics] == ["QC122"]

    def test_a_stated_order_must_agree_with_the_target(self) -> None:
        text = catalog_text(rule_yaml(kind="ratio", target="1:12.5",
                                      ratio={"antecedent": "教师", "consequent": "学生",
                                             "order": "x:1"}))
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(text)
        assert [(d.code, d.field) for d in raised.value.diagnostics] == [("QC122", "ratio.order")]

    def test_an_unknown_order_is_refused(self) -> None:
        text = catalog_text(rule_yaml(kind="ratio", target="<= 12.5", ratio={"order": "x:y"}))
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(text)
        assert [(d.code, d.field) for d in raised.value.diagnostics] == [("QC101", "ratio.order")]

    @pytest.mark.parametrize(("target", "order"), [("控制在2.2∶1以内", "x:1"), ("1:12.5", "1:x")])
    def test_the_order_survives_a_dump(self, target: str, order: str) -> None:
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(
            kind="ratio", target=target, indicator={"zh": "比"})))
        again = qcrules.loads_catalog(qcrules.dump_catalog(catalog))
        assert again == catalog
        assert again["r"].ratio is not None
        assert again["r"].ratio.order == order


class TestChangeGrowthApprox:
    """Change, growth and approximate targets are stated in the plan's own words."""

    @pytest.mark.parametrize(("kind", "unit", "target", "measure", "direction", "base", "bounds"), [
        ("change", "万元", "比2020年下降13.5%", "relative", -1, 2020, [(">=", "13.5", "%")]),
        ("change", "万元", "较2020年末压减13.5%以上", "relative", -1, 2020, [(">=", "13.5", "%")]),
        ("change", "%", "较2024年提高5个百分点", "points", 1, 2024, [(">=", "5", "百分点")]),
        ("change", "项", "增加12项", "absolute", 1, None, [(">=", "12", "项")]),
        ("change", "亿元", "翻一番", "multiple", 1, None, [(">=", "2", None)]),
        ("change", "亿元", "翻两番", "multiple", 1, None, [(">=", "4", None)]),
        ("change", "亿元", "倍增", "multiple", 1, None, [(">=", "2", None)]),
        ("change", "亿元", "增长1倍", "multiple", 1, None, [(">=", "2", None)]),
        ("change", "万元", "增长控制在3%以内", "relative", 1, None, [("<=", "3", "%")]),
        ("growth", "亿元", "年均增长8%以上", "compound", 1, None, [(">=", "8", "%")]),
        ("growth", "亿元", "年均下降3%", "compound", -1, None, [(">=", "3", "%")]),
        ("growth", "%", "年均提高1个百分点以上", "points", 1, None, [(">=", "1", "百分点")]),
        ("growth", "亿元", "年均增长15%左右", "compound", 1, None,
         [(">=", "14.25", "%"), ("<=", "15.75", "%")]),
    ])
    def test_the_words_decide_the_measure(self, kind: str, unit: str, target: str, measure: str,
                                          direction: int, base: int | None,
                                          bounds: list[tuple[str, str, str | None]]) -> None:
        rule = qcrules.loads_catalog(catalog_text(rule_yaml(
            kind=kind, target=target, indicator={"zh": "指标", "unit": unit})))["r"]
        assert rule.change == qcrules.Change(measure, direction, base)
        assert [(b.op.value, b.threshold.magnitude if b.threshold else None,
                 b.threshold.unit if b.threshold else None) for b in rule.bounds] == [
            (op, Fraction(n), u) for op, n, u in bounds]
        assert all(b.words == target for b in rule.bounds)
        assert "r.baseline" in rule.fact_ids

    @pytest.mark.parametrize(("target", "lower_only", "low", "high"), [
        ("3%左右", False, "2.85", "3.15"),
        ("稳定在3%左右", False, "2.85", "3.15"),
        ("均保持在3%左右", False, "2.85", "3.15"),
        ("约1100亿元", False, "1045", "1155"),
        ("近100个", True, "95", None),
        ("接近100个", True, "95", None),
    ])
    def test_an_approximate_target_is_a_band(self, target: str, lower_only: bool, low: str,
                                            high: str | None) -> None:
        unit = "%" if "%" in target else ("亿元" if "亿元" in target else "个")
        rule = qcrules.loads_catalog(catalog_text(rule_yaml(
            kind="approx", target=target, indicator={"zh": "指标", "unit": unit})))["r"]
        assert rule.approx is not None
        assert rule.approx.lower_only is lower_only
        assert rule.approx.tolerance == Fraction(1, 20)
        assert rule.bounds[0].op is qcrules.Op.GE
        assert rule.bounds[0].threshold is not None
        assert rule.bounds[0].threshold.magnitude == Fraction(low)
        if high is None:
            assert len(rule.bounds) == 1
        else:
            assert rule.bounds[1].op is qcrules.Op.LE
            assert rule.bounds[1].threshold is not None
            assert rule.bounds[1].threshold.magnitude == Fraction(high)

    def test_an_absolute_tolerance(self) -> None:
        rule = qcrules.loads_catalog(catalog_text(rule_yaml(
            kind="approx", target="98%左右", tolerance={"absolute": "0.5%"})))["r"]
        assert [b.threshold.magnitude for b in rule.bounds if b.threshold] == [
            Fraction("97.5"), Fraction("98.5")]

    @pytest.mark.parametrize(("fields", "code", "field"), [
        ({"kind": "change", "target": "年均增长8%"}, "QC123", "kind"),
        ({"kind": "growth", "target": "增长8%"}, "QC123", "kind"),
        ({"kind": "growth", "target": "年均翻一番"}, "QC123", "kind"),
        ({"kind": "change", "target": "提高5个百分点", "indicator": {"zh": "x", "unit": "万元"}},
         "QC123", "target"),
        ({"kind": "change", "target": "比2020年下降5%", "base": 2021}, "QC123", "base"),
        ({"kind": "change", "target": "下降5%", "base": "去年"}, "QC101", "base"),
        ({"kind": "change", "target": "提高到98%"}, "QC120", "target"),
        ({"kind": "change", "target": "达到98%"}, "QC120", "target"),
        ({"kind": "approx", "target": "达98%"}, "QC120", "target"),
        ({"kind": "approx", "target": "控制在3%左右"}, "QC112", "target"),
        ({"kind": "approx", "target": "达到3%左右"}, "QC112", "target"),
        ({"kind": "approx", "target": "98%左右", "tolerance": {"relative": "5万元"}}, "QC101",
         "tolerance"),
        ({"kind": "approx", "target": "98%左右", "tolerance": "5%"}, "QC101", "tolerance"),
    ])
    def test_words_and_fields_that_disagree_are_refused(self, fields: dict[str, Any], code: str,
                                                        field: str) -> None:
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(catalog_text(rule_yaml(**fields)), file="c.yaml")
        assert [(d.code, d.field) for d in raised.value.diagnostics] == [(code, field)]
        assert raised.value.diagnostics[0].location.line is not None

    @pytest.mark.parametrize(("fields"), [
        {"kind": "change", "target": "比2020年下降13.5%", "indicator": {"zh": "x", "unit": "万元"}},
        {"kind": "growth", "target": "年均增长8%以上", "base": 2020,
         "indicator": {"zh": "x", "unit": "亿元"}},
        {"kind": "approx", "target": "98%左右", "tolerance": {"absolute": "0.5%"}},
        {"kind": "approx", "target": "稳定在98%左右", "tolerance": {"absolute": "0.5%"}},
        {"kind": "approx", "target": "近100个", "tolerance": {"relative": "10%"},
         "indicator": {"zh": "x", "unit": "个"}},
    ])
    def test_they_survive_a_dump(self, fields: dict[str, Any]) -> None:
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(**fields)))
        assert qcrules.loads_catalog(qcrules.dump_catalog(catalog)) == catalog


def _rule(**fields: object) -> qcrules.Rule:
    """The one rule of a catalogue made from :func:`rule_yaml` with ``fields`` (``None`` drops a
    field)."""
    rule = {k: v for k, v in rule_yaml(**fields).items() if v is not None}
    return qcrules.loads_catalog(catalog_text(rule), file="c.yaml")["r"]


def _notes(**fields: object) -> list[tuple[str, str | None, str | None]]:
    rule = {k: v for k, v in rule_yaml(**fields).items() if v is not None}
    catalog = qcrules.loads_catalog(catalog_text(rule), file="c.yaml")
    return [(n.code, n.rule_id, n.field) for n in catalog.notes]


def _thresholds(rule: qcrules.Rule) -> list[tuple[str, str | None]]:
    shown = []
    for bound in rule.bounds:
        assert bound.threshold is not None
        magnitude = bound.threshold.magnitude
        number = str(magnitude.numerator) if magnitude.denominator == 1 else str(float(magnitude))
        shown.append((bound.op.value, f"{number}{bound.threshold.unit or ''}"))
    return shown


COUNT = {"zh": "个数", "unit": "个", "min": "0个"}
AMOUNT = {"zh": "金额", "unit": "万元", "min": "0万元"}
RATE = {"zh": "比率", "unit": "%", "min": "0%", "max": "100%"}
RANK = {"zh": "位次", "unit": "位", "min": "1位"}
SCORE = {"zh": "得分", "unit": "分"}
EVENTS = {"zh": "重大事故起数", "unit": "件", "min": "0件"}
PEOPLE = {"zh": "死亡人数", "unit": "人", "min": "0人"}

#: (indicator, target, tier, kind inferred, bounds): each form on its own, kind left out.
FORMS = [
    (COUNT, "1—2个", None, "range", [(">=", "1个"), ("<=", "2个")]),
    (COUNT, "3-5个", None, "range", [(">=", "3个"), ("<=", "5个")]),
    (COUNT, "1~2家", None, "range", [(">=", "1家"), ("<=", "2家")]),
    (COUNT, "新增3～5个", None, None, None),
    (SCORE, "80至100之间", None, "range", [(">=", "80"), ("<=", "100")]),
    (SCORE, "80到100之间", None, "range", [(">=", "80"), ("<=", "100")]),
    (AMOUNT, "控制在800万元至1200万元之间", None, "range", [(">=", "800万元"), ("<=", "1200万元")]),
    (AMOUNT, "800万元至0.12亿元", None, "range", [(">=", "800万元"), ("<=", "0.12亿元")]),
    (RATE, "控制在3%—5%", None, "range", [(">=", "3%"), ("<=", "5%")]),
    (RATE, "3%-5%", None, "range", [(">=", "3%"), ("<=", "5%")]),
    (RATE, "3—5%", None, "range", [(">=", "3%"), ("<=", "5%")]),
    (AMOUNT, "突破1000万元", None, "floor", [(">", "1000万元")]),
    (AMOUNT, "不突破1000万元", None, "ceiling", [("<=", "1000万元")]),
    (RATE, "上升到92%", None, "floor", [(">=", "92%")]),
    (RATE, "提高至92%", None, "floor", [(">=", "92%")]),
    (AMOUNT, "增长到360万元", None, "floor", [(">=", "360万元")]),
    (RATE, "达到96%", None, "floor", [(">=", "96%")]),
    (COUNT, "减少至4个", None, "ceiling", [("<=", "4个")]),
    (RATE, "降至0.3%", None, "ceiling", [("<=", "0.3%")]),
    (RATE, "下降到0.3%", None, "ceiling", [("<=", "0.3%")]),
    (RATE, "降低至0.3%", None, "ceiling", [("<=", "0.3%")]),
    (RATE, "控制在1.2%以内", None, "ceiling", [("<=", "1.2%")]),
    (RATE, "均达到98%以上", None, "floor", [(">=", "98%")]),
    (RATE, "要达到95%", None, "floor", [(">=", "95%")]),
    (RATE, "在90%以上", None, "floor", [(">=", "90%")]),
    (SCORE, "90分以上（含90分）", None, "floor", [(">=", "90分")]),
    (SCORE, "60分以下（不含60分）", None, "ceiling", [("<", "60分")]),
    (EVENTS, "重大事故为零", None, "count", [("=", "0")]),
    (EVENTS, "不发生重大质量安全事故", None, "count", [("=", "0")]),
    (EVENTS, "实现零事故", None, "count", [("=", "0")]),
    (PEOPLE, "实现零死亡", None, "count", [("=", "0")]),
    (RATE, "全覆盖", None, "floor", [(">=", "100%")]),
    (RATE, "实现乡镇全覆盖", None, "floor", [(">=", "100%")]),
    (RANK, "前三", None, "rank", [("<=", "3")]),
    (RANK, "位居全市前十", None, "rank", [("<=", "10")]),
    (RANK, "前5名", None, "rank", [("<=", "5名")]),
    (COUNT, "零的突破", None, "count", [(">=", "1")]),
    (COUNT, "省级质量奖实现零的突破", None, "count", [(">=", "1")]),
    (RANK, "第一方阵", 10, "rank", [("<=", "10")]),
    (RANK, "位居全市前列", 3, "rank", [("<=", "3")]),
    (AMOUNT, "1100万元", None, "floor", [(">=", "1100万元")]),
    (RATE, "100%", None, "floor", [(">=", "100%")]),
    (RATE, [">= 1%", "<= 3%"], None, "range", [(">=", "1%"), ("<=", "3%")]),
]


class TestForms:
    """Each form of the genre, read by the validator into bounds and, without ``kind``, a kind."""

    @pytest.mark.parametrize(("indicator", "target", "tier", "kind", "bounds"), FORMS,
                             ids=[str(f[1]) for f in FORMS])
    def test_kind_left_out(self, indicator: dict[str, str], target: object, tier: int | None,
                           kind: str | None, bounds: list[tuple[str, str]] | None) -> None:
        """The kind the words decide, its bounds, and a note saying the kind was read."""
        fields = {"indicator": indicator, "target": target, "kind": None, "tier": tier}
        if kind is None:
            with pytest.raises(qcrules.CatalogError):
                _rule(**fields)
            return
        rule = _rule(**fields)
        assert (rule.kind.value, _thresholds(rule)) == (kind, bounds)
        assert ("QC172", "r", "kind") in _notes(**fields)

    @pytest.mark.parametrize(("indicator", "target", "tier", "kind", "bounds"),
                             [f for f in FORMS if f[3] is not None], ids=[
                                 str(f[1]) for f in FORMS if f[3] is not None])
    def test_kind_declared(self, indicator: dict[str, str], target: object, tier: int | None,
                           kind: str, bounds: list[tuple[str, str]]) -> None:
        """Declared, the same kind gives the same bounds and no kind note."""
        rule = _rule(indicator=indicator, target=target, kind=kind, tier=tier)
        assert _thresholds(rule) == bounds
        assert "QC172" not in [code for code, _, _ in _notes(indicator=indicator, target=target,
                                                             kind=kind, tier=tier)]

    def test_words_are_kept(self) -> None:
        """Both bounds of a range text keep the text, for explanations and dumps."""
        rule = _rule(kind=None, target="3%—5%")
        assert [b.words for b in rule.bounds] == ["3%—5%", "3%—5%"]
        assert not rule.strict

    def test_range_in_another_unit_is_compared_in_the_indicators(self) -> None:
        """800万元至0.12亿元: 0.12亿元 is 1200万元, above 800万元."""
        with pytest.raises(qcrules.CatalogError) as info:
            _rule(kind=None, indicator=AMOUNT, target="0.12亿元至800万元")
        assert [(d.code, d.field) for d in info.value.diagnostics] == [("QC121", "target")]


class TestNotes:
    """Notes are not errors: the catalogue loads, and each note is located."""

    def test_no_bound_word_in_a_floor(self) -> None:
        """合格率100% (no word) in a floor is >= 100 %, with QC170 at the target's line."""
        rule = _rule(target="100%")
        assert rule.bounds[0].op is qcrules.Op.GE
        text = catalog_text(rule_yaml(target="100%"))
        catalog = qcrules.loads_catalog(text, file="c.yaml")
        (note,) = catalog.notes
        assert (note.code, note.rule_id, note.field, note.got) == ("QC170", "r", "target", "100%")
        assert note.location is not None
        assert note.location.file == "c.yaml"
        assert text.splitlines()[note.location.line - 1].strip().startswith("target:")

    def test_no_bound_word_in_a_ceiling(self) -> None:
        """A ceiling with a number alone is <=, with QC171."""
        rule = _rule(kind="ceiling", target="3个", indicator=COUNT)
        assert rule.bounds[0].op is qcrules.Op.LE
        assert _notes(kind="ceiling", target="3个", indicator=COUNT) == [("QC171", "r", "target")]

    def test_no_bound_word_in_a_count(self) -> None:
        """A count with a number alone is >=, with QC170: a count may be of accidents."""
        assert _rule(kind="count", target="3个", indicator=COUNT).bounds[0].op is qcrules.Op.GE
        assert _notes(kind="count", target="3个", indicator=COUNT) == [("QC170", "r", "target")]

    def test_a_bare_number_without_kind_gets_both_notes(self) -> None:
        """The kind read (a floor) and the number read as a floor."""
        assert _notes(kind=None, target="1100万元", indicator=AMOUNT) == [
            ("QC172", "r", "kind"), ("QC170", "r", "target")]

    @pytest.mark.parametrize(("kind", "target"), [("rank", "8位"), ("ratio", "1:12.5")])
    def test_kinds_that_say_the_side_have_no_note(self, kind: str, target: str) -> None:
        """A rank and a ratio are ceilings by kind: no note."""
        indicator = RANK if kind == "rank" else {"zh": "师生比"}
        assert _notes(kind=kind, target=target, indicator=indicator) == []

    def test_worded_targets_have_no_notes(self) -> None:
        """The bundled catalogue declares every kind and writes every word: no notes."""
        assert qcrules.load_catalog().notes == ()

    def test_notes_are_not_part_of_equality(self) -> None:
        """Two catalogues differing only in notes are equal (and hash alike)."""
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(target="100%")))
        again = attrs.evolve(catalog, notes=())
        assert again == catalog
        assert hash(again) == hash(catalog)


class TestRefused:
    """Conflicting or ambiguous targets are errors, located, with code, rule and field."""

    @pytest.mark.parametrize(
        ("fields", "code", "field"),
        [
            ({"kind": None, "target": None}, "QC102", "kind"),
            ({"kind": None, "target": "= 98%"}, "QC102", "kind"),
            ({"kind": None, "target": "1:12.5", "indicator": {"zh": "师生比"}}, "QC102", "kind"),
            ({"kind": None, "target": "低于"}, "QC102", "kind"),
            ({"kind": None, "target": True}, "QC102", "kind"),
            ({"kind": None, "target": "降至3%以上"}, "QC120", "target"),
            ({"kind": "floor", "target": "3%—5%"}, "QC120", "target"),
            ({"kind": "ceiling", "target": "3%—5%"}, "QC120", "target"),
            ({"kind": "range", "target": "达3%"}, "QC120", "target"),
            ({"kind": "range", "target": ["3%", "<= 5%"]}, "QC120", "target"),
            ({"kind": "range", "target": ["3%—4%", "<= 5%"]}, "QC120", "target"),
            ({"kind": None, "target": "3%-5"}, "QC120", "target"),
            ({"kind": None, "target": "3—5%以内"}, "QC120", "target"),
            ({"kind": None, "target": "5%—3%"}, "QC121", "target"),
            ({"kind": "floor", "target": "超过90%（含）"}, "QC120", "target"),
            ({"kind": "floor", "target": "重大事故为零", "indicator": EVENTS}, "QC120", "target"),
            ({"kind": "ceiling", "target": "全覆盖"}, "QC120", "target"),
            ({"kind": "floor", "target": "前三", "indicator": RANK}, "QC120", "target"),
            ({"kind": "ceiling", "target": "第一方阵", "indicator": RANK, "tier": 10},
             "QC120", "target"),
            ({"kind": None, "target": "第一方阵", "indicator": RANK}, "QC102", "tier"),
            ({"kind": "rank", "target": "前列", "indicator": RANK}, "QC102", "tier"),
            ({"kind": None, "target": "第一方阵", "indicator": RANK, "tier": 0}, "QC101", "tier"),
            ({"kind": None, "target": "第一方阵", "indicator": RANK, "tier": "十"},
             "QC101", "tier"),
            ({"kind": None, "target": "第一方阵", "indicator": RANK, "tier": True},
             "QC101", "tier"),
            ({"kind": "rank", "target": "<= 10 位", "indicator": RANK, "tier": 10},
             "QC120", "tier"),
            ({"kind": None, "target": "全覆盖", "indicator": COUNT}, "QC111", "target"),
            ({"kind": None, "target": "零的突破"}, "QC111", "target"),
            ({"kind": None, "target": "零的突破", "indicator": {"zh": "x", "unit": "万个"}},
             "QC111", "target"),
            ({"kind": None, "target": "实现零增长"}, "QC111", "target"),
            ({"kind": None, "target": "前三"}, "QC111", "target"),
            ({"kind": "floor", "target": "突破"}, "QC120", "target"),
            ({"kind": None, "target": "突破"}, "QC102", "kind"),
        ],
    )
    def test_refused(self, fields: dict[str, object], code: str, field: str) -> None:
        """The problem has its stable code and field, and a line in the file."""
        rule = {k: v for k, v in rule_yaml(**fields).items() if v is not None}
        diagnostics = _codes(catalog_text(rule))
        assert (code, "r", field) in [(c, r, f) for c, _, r, f in diagnostics]
        assert all(line is not None for _, line, _, _ in diagnostics)

    def test_the_message_says_what_to_write(self) -> None:
        """Without kind and with words that do not decide it, the message says what to write."""
        with pytest.raises(qcrules.CatalogError) as info:
            _rule(kind=None, target="= 98%")
        (problem,) = info.value.diagnostics
        assert "do not say which kind" in problem.message
        assert problem.hint is not None
        assert "write kind" in problem.hint
        assert problem.expected is not None
        assert "floor, ceiling" in problem.expected

    def test_a_tier_without_its_size(self) -> None:
        """第一方阵 with no tier says to declare it."""
        with pytest.raises(qcrules.CatalogError) as info:
            _rule(kind=None, target="进入全省第一方阵", indicator=RANK)
        (problem,) = info.value.diagnostics
        assert problem.code == "QC102"
        assert problem.expected is not None
        assert "tier: 10" in problem.expected

    def test_everything_else_is_still_validated(self) -> None:
        """A target refused in one rule leaves the others validated and reported."""
        bad = rule_yaml(id="a", kind=None, target="降至3%以上")
        worse = rule_yaml(id="b", kind="floor", target="达98万元")
        assert [(c, r) for c, _, r, _ in _codes(catalog_text(bad, worse))] == [
            ("QC120", "a"), ("QC111", "b")]



class TestDeadlinesAndMilestones:
    """A rule may have no deadline (an ongoing 稳定在…以上), and one indicator may carry several
    dated targets (到2025年达X，到2027年达Y); a name must still say which rule a fact feeds."""

    @pytest.mark.parametrize("deadline", ["ongoing", "持续", "长期"])
    def test_an_ongoing_requirement(self, deadline: str) -> None:
        rule = qcrules.loads_catalog(catalog_text(rule_yaml(deadline=deadline)))["r"]
        assert rule.deadline == "ongoing"

    def test_no_deadline_is_ongoing_with_a_note(self) -> None:
        fields = rule_yaml()
        del fields["deadline"]
        catalog = qcrules.loads_catalog(catalog_text(fields), file="c.yaml")
        assert catalog["r"].deadline == "ongoing"
        assert [(n.code, n.field) for n in catalog.notes] == [("QC173", "deadline")]

    def test_dated_targets_of_one_indicator(self) -> None:
        early = rule_yaml(id="rate-2025", target="达95%", deadline=2025, quote="到2025年达95%")
        late = rule_yaml(id="rate-2027", target="达98%", deadline=2027, quote="到2027年达98%")
        catalog = qcrules.loads_catalog(catalog_text(early, late))
        assert [(n.code, n.rule_id) for n in catalog.notes] == [("QC174", "rate-2027")]
        report = qcrules.evaluate(qcrules.compile_catalog(catalog), {"指标": "96%"})
        assert [(v.rule_id, v.status) for v in report.verdicts] == [
            ("rate-2025", qcrules.Status.MET), ("rate-2027", qcrules.Status.NOT_MET)]

    @pytest.mark.parametrize(("second", "why"), [
        ({"deadline": 2027}, "the same deadline"),
        ({"indicator": {"zh": "指标", "unit": "万元"}, "target": "达9万元"}, "another unit"),
        ({"deadline": "annual"}, "not dated"),
    ])
    def test_two_rules_sharing_a_name_otherwise_are_refused(self, second: dict[str, Any],
                                                           why: str) -> None:
        first = rule_yaml(id="a", deadline=2027)
        text = catalog_text(first, rule_yaml(id="b", **second))
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(text, file="c.yaml")
        assert [(d.code, d.rule_id, d.field) for d in raised.value.diagnostics] == [
            ("QC104", "b", "indicator.zh")], why

    def test_a_name_that_is_another_rules_id_is_refused(self) -> None:
        text = catalog_text(rule_yaml(id="gdp"),
                            rule_yaml(id="b", indicator={"zh": "gdp", "unit": "%"}))
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(text)
        assert [(d.code, d.rule_id) for d in raised.value.diagnostics] == [("QC104", "b")]


class TestReview:
    """``review: true`` marks a reading still to confirm (a drafted rule's guess)."""

    def test_a_rule_marked_for_review_loads_with_a_note(self) -> None:
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(review=True, note="猜测")))
        assert catalog["r"].review is True
        assert [(n.code, n.rule_id, n.field) for n in catalog.notes] == [("QC179", "r", "review")]

    def test_unmarked_rules_have_no_note(self) -> None:
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(review=False)))
        assert catalog["r"].review is False
        assert catalog.notes == ()

    def test_review_is_true_or_false(self) -> None:
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(catalog_text(rule_yaml(review="yes")))
        assert [(d.code, d.field) for d in raised.value.diagnostics] == [("QC101", "review")]

    def test_review_round_trips_through_dump(self) -> None:
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(review=True)))
        assert qcrules.loads_catalog(qcrules.dump_catalog(catalog)) == catalog
        assert "review: true" in qcrules.dump_catalog(catalog)


class TestPerHeadUnits:
    """Plans write per-head targets without the denominator: 人均GDP达8.5万元."""

    @pytest.mark.parametrize(("unit", "target", "completed"), [
        ("万元/人", "达8.5万元", "万元/人"),
        ("件/万人", "达到14件以上", "件/万人"),
        ("元/人", "突破10万元", "万元/人"),
    ])
    def test_the_indicator_completes_the_unit_with_a_note(self, unit: str, target: str,
                                                           completed: str) -> None:
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(
            target=target, indicator={"zh": "指标", "unit": unit})))
        threshold = catalog["r"].bounds[0].threshold
        assert threshold is not None
        assert threshold.unit == completed
        assert [n.code for n in catalog.notes] == ["QC175"]

    def test_on_the_boundary_in_another_unit(self) -> None:
        plan = qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(rule_yaml(
            target="达8.5万元", indicator={"zh": "指标", "unit": "万元/人"}))))
        assert qcrules.evaluate(plan, {"r": "85000元/人"})["r"].status is qcrules.Status.MET
        assert qcrules.evaluate(plan, {"r": "84999.99元/人"})["r"].status is qcrules.Status.NOT_MET

    def test_an_unrelated_unit_is_still_refused(self) -> None:
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(catalog_text(rule_yaml(
                target="达8.5万吨", indicator={"zh": "指标", "unit": "万元/人"})))
        assert [d.code for d in raised.value.diagnostics] == ["QC111"]

    def test_an_approximate_per_head_target_is_completed_too(self) -> None:
        """人均体育场地面积2.8平方米左右: the band is 2.66–2.94 平方米/人, judged on its edges."""
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(
            kind="approx", target="2.8平方米左右",
            indicator={"zh": "人均体育场地面积", "unit": "平方米/人"})))
        assert [n.code for n in catalog.notes] == ["QC175"]
        plan = qcrules.compile_catalog(catalog)
        for value, status in (("2.66平方米/人", "met"), ("2.94平方米/人", "met"),
                              ("2.659平方米/人", "not_met"), ("2.941平方米/人", "not_met")):
            assert qcrules.evaluate(plan, {"r": value})["r"].status.value == status, value


@pytest.mark.parametrize(("fields", "field"), [
    ({"base": 2020}, "base"),
    ({"tolerance": {"relative": "5%"}}, "tolerance"),
    ({"kind": "change", "target": "比2020年下降13.5%", "tolerance": {"relative": "5%"}},
     "tolerance"),
])
def test_a_field_of_another_kind_is_refused_not_ignored(fields: dict[str, Any],
                                                        field: str) -> None:
    """``base`` on a floor or a tolerance on an exact target would change nothing silently."""
    with pytest.raises(qcrules.CatalogError) as raised:
        qcrules.loads_catalog(catalog_text(rule_yaml(**fields)), file="c.yaml")
    assert [(d.code, d.field) for d in raised.value.diagnostics] == [("QC103", field)]


class TestWordsOfChangesNoticedInUse:
    def test_a_decrease_of_at_least(self) -> None:
        """下降至少10% is a decrease of at least 10 %, not a level (下降至)."""
        rule = qcrules.loads_catalog(catalog_text(rule_yaml(
            kind="change", target="下降至少10%", indicator={"zh": "指标", "unit": "万元"})))["r"]
        assert rule.change == qcrules.Change("relative", -1, None)
        assert [(b.op, b.threshold) for b in rule.bounds] == [
            (qcrules.Op.GE, qcrules.Quantity(Fraction(10), "%"))]

    def test_a_tolerance_in_percentage_points_of_a_rate(self) -> None:
        rule = qcrules.loads_catalog(catalog_text(rule_yaml(
            kind="approx", target="98%左右", tolerance={"absolute": "0.5个百分点"})))["r"]
        assert [b.threshold.magnitude for b in rule.bounds if b.threshold] == [
            Fraction("97.5"), Fraction("98.5")]

    def test_no_precision_on_a_compound_rate(self) -> None:
        """The engines never round a rate found by a root, so a precision would be ignored."""
        with pytest.raises(qcrules.CatalogError) as raised:
            qcrules.loads_catalog(catalog_text(rule_yaml(
                kind="growth", target="年均增长8%", base=2020, precision=0.1,
                indicator={"zh": "指标", "unit": "亿元"})))
        assert [(d.code, d.field) for d in raised.value.diagnostics] == [("QC103", "precision")]


def test_reach_before_a_ratio_is_its_own_bound_with_a_note() -> None:
    """师生比达到1:13 is at most 13 students per teacher, as 1:13 alone reads (it was read as
    at least 13); the note lets a reviewer turn it round where more of the second is better."""
    catalog = qcrules.loads_catalog(catalog_text(rule_yaml(
        kind="ratio", target="达到1:13", indicator={"zh": "师生比"},
        ratio={"antecedent": "教师", "consequent": "学生"})))
    assert [(b.op, b.threshold) for b in catalog["r"].bounds] == [
        (qcrules.Op.LE, qcrules.Quantity(Fraction(13), None))]
    assert [n.code for n in catalog.notes] == ["QC177"]
    explicit = qcrules.loads_catalog(catalog_text(rule_yaml(
        kind="ratio", target="不低于1:1.25", indicator={"zh": "医护比"})))
    assert explicit["r"].bounds[0].op is qcrules.Op.GE
    assert explicit.notes == ()
