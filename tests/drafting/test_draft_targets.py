"""Targets read from the genre's sentences: commitments and deadlines and how far they reach,
lists, compound targets, numbers in words, the kinds, and what is left out with its reason.
The sentences are composed for these tests."""

from __future__ import annotations

from fractions import Fraction

import pytest

import qcrules
from qcrules import Kind, Op

HEAD = "（三）推进质量提升\n"
BRACKET = "（牵头单位：县市场监管局，配合单位：县统计局、县农业农村局）"


def drafted(sentence: str, period: tuple[int, int] = (2025, 2027)) -> qcrules.Draft:
    return qcrules.draft(HEAD + "1." + sentence + BRACKET + "\n", period=period)


def rules(sentence: str) -> list[qcrules.Rule]:
    return list(drafted(sentence).catalog.rules)


def bound(rule: qcrules.Rule) -> list[tuple[Op, Fraction | None, str | None]]:
    return [(b.op, b.threshold.magnitude if b.threshold else None,
             b.threshold.unit if b.threshold else None) for b in rule.bounds]


class TestCommitmentsAndDeadlines:
    def test_a_commitment_word_governs_until_the_next_one(self) -> None:
        found = rules("到2027年，确保农产品抽检合格率达到98%以上、食品抽检合格率达到97%，"
                      "力争放心消费示范单位达到120家、消费投诉按时办结率达到95%。")
        assert [(r.indicator.zh, r.commitment.value) for r in found] == [
            ("农产品抽检合格率", "ensure"), ("食品抽检合格率", "ensure"),
            ("放心消费示范单位数", "strive"), ("消费投诉按时办结率", "strive")]
        assert {r.deadline for r in found} == {2027}

    def test_a_deadline_governs_the_targets_after_it_in_its_sentence(self) -> None:
        found = rules("到2025年，绿色食品认证数量达到40个；到2027年，有机农产品认证数量达到25个。")
        assert [(r.indicator.zh, r.deadline) for r in found] == [("绿色食品认证数量", 2025),
                                                                  ("有机农产品认证数量", 2027)]

    def test_a_target_with_no_year_is_due_at_the_plan_end_and_marked(self) -> None:
        (rule,) = rules("确保主要农产品质量安全监测合格率稳定在98%以上。")
        assert rule.deadline == 2027
        assert rule.review
        assert "方案期末2027年" in rule.note

    def test_a_yearly_requirement_is_annual(self) -> None:
        (rule,) = rules("年度食品安全监督抽检批次不少于1200批次。")
        assert (rule.deadline, rule.commitment.value, rule.kind) == ("annual", "none", Kind.COUNT)

    def test_no_commitment_word_is_a_plain_requirement(self) -> None:
        (rule,) = rules("到2027年，县域质量基础设施一站式服务站覆盖率达到100%。")
        assert rule.commitment is qcrules.Commitment.NONE

    def test_quote_carries_the_commitment_word_but_not_the_deadline(self) -> None:
        (rule,) = rules("力争到2027年规上工业企业标准化良好行为企业达到30家。")
        assert rule.quote == "规上工业企业标准化良好行为企业达到30家"
        assert rule.commitment is qcrules.Commitment.STRIVE

    def test_lead_and_support_come_from_the_clause_bracket(self) -> None:
        (rule,) = rules("到2027年，力争产品质量合格率达到95%。")
        assert rule.clause == "(三)1"
        assert rule.lead == ("县市场监管局",)
        assert rule.support == ("县统计局", "县农业农村局")


class TestLists:
    def test_names_joined_by_commas_share_the_number_after_them(self) -> None:
        """国家标准、行业标准、团体标准10项以上 is one count of three kinds of standard."""
        (rule,) = rules("到2027年，力争主导制定国家标准、行业标准、团体标准12项以上。")
        assert rule.indicator.zh == "主导制定国家标准、行业标准、团体标准数"
        assert bound(rule) == [(Op.GE, Fraction(12), "项")]

    def test_jun_gives_each_name_its_own_rule_in_one_group(self) -> None:
        found = rules("到2027年，确保食品、药品、化妆品抽检合格率均达到98%以上。")
        assert [r.indicator.zh for r in found] == ["食品", "药品", "化妆品抽检合格率"]
        assert len({r.group for r in found}) == 1
        assert found[0].group is not None
        assert found[0].quote == "确保食品、药品、化妆品抽检合格率均达到98%以上"
        assert all(bound(r) == [(Op.GE, Fraction(98), "%")] for r in found)

    def test_qizhong_is_a_sub_target_of_the_one_before(self) -> None:
        first, sub = rules("到2027年，力争新增高新技术企业40家，其中营业收入超亿元的12家。")
        assert first.indicator.zh == "新增高新技术企业数"
        assert sub.indicator.zh == "新增高新技术企业数（其中营业收入超亿元）"
        assert sub.quote == "其中营业收入超亿元的12家"
        assert first.group == sub.group
        assert first.group is not None
        assert bound(sub) == [(Op.GE, Fraction(12), "家")]

    def test_qie_adds_a_second_bound_on_the_same_indicator(self) -> None:
        first, second = rules("到2027年，确保义务教育巩固率达到97%以上且不低于全省平均水平。")
        assert first.indicator.zh == second.indicator.zh == "义务教育巩固率"
        assert second.kind is Kind.RELATIVE
        assert second.reference is not None
        assert second.reference.zh == "全省平均水平"
        assert first.group == second.group

    def test_fenbie_pairs_names_with_values_in_order(self) -> None:
        """A和B比2024年分别下降15%、10%: two rules, each with its own value, in one group."""
        first, second = rules("到2027年，确保较大生产安全事故起数和死亡人数比2024年分别下降15%、10%。")
        assert [(r.indicator.zh, r.kind, bound(r)) for r in (first, second)] == [
            ("较大生产安全事故起数", Kind.CHANGE, [(Op.GE, Fraction(15), "%")]),
            ("死亡人数", Kind.CHANGE, [(Op.GE, Fraction(10), "%")])]
        assert first.quote == "确保较大生产安全事故起数和死亡人数比2024年分别下降15%、10%"
        assert second.quote == "死亡人数比2024年分别下降15%、10%"
        assert first.group == second.group
        assert first.group is not None

    def test_fenbie_shares_the_tail_of_the_last_name_and_its_about(self) -> None:
        first, second = rules("到2027年，城乡居民医保政策范围内门诊费用基金支付比例"
                              "和职工医保政策范围内门诊费用基金支付比例分别达到60%、65%左右。")
        assert second.indicator.zh == "职工医保政策范围内门诊费用基金支付比例"
        assert (first.kind, second.kind) == (Kind.APPROX, Kind.APPROX)

    def test_a_colon_introduces_the_list(self) -> None:
        found = rules("力争实现“两个翻番”：规上工业营业收入、旅游总收入均比2024年翻一番。")
        assert [r.indicator.zh for r in found] == ["规上工业营业收入", "旅游总收入"]
        assert all(r.kind is Kind.CHANGE for r in found)


class TestNumbersAndUnits:
    def test_chinese_numerals_are_read_exactly_and_noted(self) -> None:
        (rule,) = rules("到2027年，力争人均地区生产总值达到九点六万元。")
        assert bound(rule) == [(Op.GE, Fraction(96, 10), "万元/人")]
        assert rule.quote == "力争人均地区生产总值达到九点六万元"
        assert "九点六" in rule.note
        assert rule.review

    def test_full_width_digits(self) -> None:
        (rule,) = rules("到2027年，确保食品抽检合格率达到９８．５％以上。")
        assert bound(rule) == [(Op.GE, Fraction(985, 10), "%")]

    def test_percent_in_words_and_tenths(self) -> None:
        first, second = rules("到2027年，力争农村卫生厕所普及率达到百分之九十，"
                              "新能源汽车销量占比达到三成以上。")
        assert bound(first) == [(Op.GE, Fraction(90), "%")]
        assert bound(second) == [(Op.GE, Fraction(30), "%")]

    @pytest.mark.parametrize(("sentence", "unit"), [
        ("到2027年，力争每万人口高价值发明专利拥有量达到6件。", "件/万人"),
        ("到2027年，力争每千人口拥有3岁以下婴幼儿托位数达到4.5个。", "个/千人"),
        ("到2027年，力争规上工业企业亩均税收达到25万元。", "万元/亩"),
    ])
    def test_a_per_head_unit_is_completed_from_the_name(self, sentence: str, unit: str) -> None:
        (rule,) = rules(sentence)
        assert rule.indicator.unit == unit
        assert rule.review

    def test_a_rate_gets_its_domain(self) -> None:
        (rule,) = rules("到2027年，力争城市生活垃圾资源化利用率达到80%。")
        assert rule.indicator.min == qcrules.Quantity(0, "%")
        assert rule.indicator.max == qcrules.Quantity(100, "%")

    def test_a_rate_that_may_pass_a_hundred_has_no_upper_limit(self) -> None:
        (rule,) = rules("确保政府综合债务率控制在120%以内。")
        assert rule.indicator.max is None
        assert bound(rule) == [(Op.LE, Fraction(120), "%")]

    def test_growth_is_judged_on_the_level_in_its_unit(self) -> None:
        (rule,) = rules("到2027年，力争社会消费品零售总额年均增长7%左右。")
        assert rule.kind is Kind.GROWTH
        assert rule.indicator.unit == "亿元"
        assert rule.review

    def test_an_index_in_percent_is_read_in_points(self) -> None:
        (rule,) = rules("到2027年，力争制造业质量竞争力指数达到88%以上。")
        assert rule.indicator.unit == "分"
        assert bound(rule) == [(Op.GE, Fraction(88), "分")]
        assert rule.review


class TestKinds:
    @pytest.mark.parametrize(("sentence", "kind", "bounds"), [
        ("到2027年，力争全县城乡居民收入比缩小至1.85以内。", Kind.CEILING,
         [(Op.LE, Fraction(185, 100), None)]),
        ("到2027年，力争中小学师生比达到1:13。", Kind.RATIO, [(Op.LE, Fraction(13), None)]),
        ("到2027年，确保居民消费价格涨幅控制在2%—3%。", Kind.RANGE,
         [(Op.GE, Fraction(2), "%"), (Op.LE, Fraction(3), "%")]),
        ("到2027年，力争单位地区生产总值能耗比2024年下降9%。", Kind.CHANGE, [(Op.GE, Fraction(9), "%")]),
        ("到2027年，力争省级以上质量标杆企业零的突破。", Kind.COUNT, [(Op.GE, Fraction(1), None)]),
        ("到2027年，力争县域经济综合实力位居全市前三。", Kind.RANK, [(Op.LE, Fraction(3), None)]),
    ])
    def test_the_kind_and_bound(self, sentence: str, kind: Kind, bounds: list) -> None:
        (rule,) = rules(sentence)
        assert rule.kind is kind
        assert bound(rule) == bounds

    def test_a_tier_is_a_guess_marked_for_review(self) -> None:
        (rule,) = rules("到2027年，力争营商环境评价在全省县域排第一方阵。")
        assert (rule.kind, rule.indicator.zh) == (Kind.RANK, "营商环境评价全省县域位次")
        assert rule.review
        assert "前10位" in rule.note

    def test_relative_and_assigned_targets_name_their_reference(self) -> None:
        first, second = rules("确保单位地区生产总值二氧化碳排放下降率完成上级下达的任务，"
                              "力争居民健康素养水平高于全省平均水平。")
        assert (first.kind, second.kind) == (Kind.ASSIGNED, Kind.RELATIVE)
        assert first.reference is not None
        assert first.reference.id == f"{first.id}.assigned"
        assert second.reference is not None
        assert second.reference.zh == "全省平均水平"

    def test_nothing_happens_is_a_count_of_zero(self) -> None:
        (rule,) = rules("到2027年，确保不发生重大食品安全事故。")
        assert (rule.kind, rule.indicator.zh, rule.indicator.unit) == (
            Kind.COUNT, "重大食品安全事故起数", "起")
        assert bound(rule) == [(Op.EQ, Fraction(0), None)]

    def test_booleans_and_qualitative_targets_under_a_commitment(self) -> None:
        first, second = rules("到2027年，力争创建全国质量强县示范县，"
                              "确保县级以上集中式饮用水水源水质稳定达标。")
        assert (first.kind, second.kind) == (Kind.BOOLEAN, Kind.QUALITATIVE)


class TestLeftOut:
    def test_a_number_inside_a_phrase_is_a_finding(self) -> None:
        result = drafted("支持企业对标国际先进，推动100家以上企业开展质量提升行动中的对标达标工作。")
        assert result.catalog.rules == ()
        assert [f.code for f in result.findings] == ["QC180"]

    def test_a_count_of_work_with_no_bound_word_commitment_or_deadline_is_a_finding(self) -> None:
        result = drafted("新建县级质量检验检测公共服务平台2个。")
        assert result.catalog.rules == ()
        (finding,) = result.findings
        assert finding.code == "QC184"
        assert finding.clause == "(三)1"
        assert finding.line == 2

    def test_a_commitment_with_no_measurable_target_is_a_finding(self) -> None:
        result = drafted("确保各项质量提升任务落地见效。")
        assert result.catalog.rules == ()
        assert [f.code for f in result.findings] == ["QC181"]

    def test_a_year_inside_a_name_is_no_deadline(self) -> None:
        (rule,) = rules("到2027年，力争完成2000年底前建成的老旧小区改造数达到60个。")
        assert rule.deadline == 2027

    def test_a_target_the_validator_refuses_is_a_finding_not_a_rule(self) -> None:
        """A target whose words the catalogue cannot read is left out of the draft, and the
        catalogue that remains still loads."""
        result = drafted("到2027年，力争优质农产品基地面积达到3至5万亩以内。")
        assert all("3至5万亩" not in r.quote for r in result.catalog.rules)
        assert any(f.code == "QC183" for f in result.findings)
        assert qcrules.loads_catalog(result.text) == result.catalog


def test_the_indicator_ends_where_the_target_begins_in_the_plans_words() -> None:
    """The same digits earlier in the item do not move where the indicator's name is cut."""
    (rule,) = rules("到2027年，力争90%以上街道的政务服务事项网上可办率达到百分之九十以上。")
    assert rule.indicator.zh == "90%以上街道的政务服务事项网上可办率"
    assert bound(rule) == [(Op.GE, Fraction(90), "%")]
