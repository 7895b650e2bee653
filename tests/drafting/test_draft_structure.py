"""A plan's structure: numbering into clauses, heading, period, phases and departments."""

from __future__ import annotations

from qcrules.drafting.structure import Departments, read_structure

PLAN = """\
青岭县制造业数字化转型三年行动计划
（2026—2028年）

一、总体目标
到2028年，力争全县规上工业企业数字化改造覆盖率达到80%。
二、主要任务
（一）夯实数字基础
1.建设算力设施。推进数据中心建设。（牵头单位：县发改委，配合单位：县数据资源局、县电信分公司）
（1）优化网络。新建5G基站300个。
①城区。城区重点区域连续覆盖。
（二）培育产业生态
加快培育服务商。（县经信局牵头，县财政局、县科技局配合）
三、进度安排
（一）启动阶段（2026年3月—6月）
制定方案。
（二）全面推进阶段（2026年7月-2027年12月）
（三）总结评估阶段（2028年底前）
四、保障措施
加强组织领导。

青岭县人民政府办公室
"""


def test_numbering_becomes_clauses() -> None:
    structure = read_structure(PLAN)
    clauses = {line.text.strip()[:6]: line.clause for line in structure.lines}
    assert clauses["到2028年"] == "一"
    assert clauses["推进数据中心"] == "二(一)1"
    assert clauses["新建5G基站"] == "二(一)1(1)"
    assert clauses["城区重点区域"] == "二(一)1(1)①"
    assert clauses["加快培育服务"] == "二(二)"


def test_lines_keep_their_numbers_and_the_plans_characters() -> None:
    structure = read_structure(PLAN)
    line = next(line for line in structure.lines if line.clause == "二(一)1(1)")
    assert PLAN.splitlines()[line.number - 1].endswith(line.text.strip())


def test_heading_period_and_issuer() -> None:
    structure = read_structure(PLAN)
    assert structure.title == "青岭县制造业数字化转型三年行动计划（2026—2028年）"
    assert structure.region == "青岭县"
    assert structure.period == (2026, 2028)
    assert (structure.issuer, structure.issuer_guessed) == ("青岭县人民政府办公室", False)


def test_an_issuer_not_signed_is_guessed_from_the_region() -> None:
    structure = read_structure(PLAN.replace("青岭县人民政府办公室\n", ""))
    assert (structure.issuer, structure.issuer_guessed) == ("青岭县人民政府", True)


def test_phases_from_the_dated_headings_of_the_schedule() -> None:
    assert read_structure(PLAN).phases == (
        ("启动阶段", "2026-03", "2026-06"),
        ("全面推进阶段", "2026-07", "2027-12"),
        ("总结评估阶段", "2028-01", "2028-12"),
    )


def test_departments_in_both_forms_of_the_bracket() -> None:
    structure = read_structure(PLAN)
    assert structure.departments["二(一)1"] == Departments(("县发改委",),
                                                          ("县数据资源局", "县电信分公司"))
    assert structure.departments["二(二)"] == Departments(("县经信局",), ("县财政局", "县科技局"))
    # a sub-clause with no bracket of its own takes its parent's
    assert structure.departments_of("二(一)1(1)①") == structure.departments["二(一)1"]
    assert structure.departments_of("一") is None


def test_the_bracket_is_not_read_as_a_sentence() -> None:
    line = next(line for line in read_structure(PLAN).lines if line.clause == "二(一)1")
    assert "牵头" not in line.text
    assert "推进数据中心建设。" in line.text


def test_sections_are_the_headings_of_the_first_two_levels() -> None:
    sections = dict(read_structure(PLAN).sections)
    assert sections["二(一)"] == "夯实数字基础"
    assert sections["二"] == "主要任务"
    assert "二(一)1" not in sections


def test_a_title_and_its_period_on_one_line() -> None:
    structure = read_structure("桐岭县质量提升行动方案（2026—2028年）\n一、主要目标\n")
    assert structure.title == "桐岭县质量提升行动方案（2026—2028年）"
    assert (structure.region, structure.period) == ("桐岭县", (2026, 2028))
