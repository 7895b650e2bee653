"""The bundled 桐城 catalogue against the plan it implements.

What a reviewer holding the plan checks: every quantified target of section 二 is in the
catalogue, quoted exactly, under its clause, with commitment, deadline and departments.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

import qcrules
from qcrules import CatalogError, Commitment, Kind, Op

ROOT = Path(__file__).parents[2]
CATALOGUE = ROOT / "rules" / "tongcheng-2025-2027.yaml"
PLAN = ROOT / "rules" / "sources" / "tongcheng-quality-plan-2025-2027.txt"

# A number in the plan's text that is not a target: a list item ("1."), a year ("2027年"),
# or the 96366 lift-rescue hotline.
NOT_A_TARGET = re.compile(r"^\d\.\D|^\d{4}年|^96366")
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[:：∶]\d+(?:\.\d+)?)?[^\d\s]{0,2}")


@pytest.fixture(scope="module")
def catalog() -> qcrules.Catalog:
    return qcrules.load_catalog(CATALOGUE)


@pytest.fixture(scope="module")
def section_two() -> str:
    text = PLAN.read_text(encoding="utf-8")
    return text[text.index("二、重点任务"):text.index("三、工作安排")]


def _paragraph(section_two: str, clause: str) -> str:
    """The text of a clause such as 二(三)2: its （三） block, then its numbered item if any."""
    match = re.fullmatch(r"二\((.)\)(\d)?", clause)
    assert match, f"unexpected clause {clause!r}"
    block_start = section_two.index(f"（{match.group(1)}）")
    next_block = re.compile(r"\n（.）").search(section_two, block_start + 1)
    block = section_two[block_start:next_block.start() if next_block else len(section_two)]
    if match.group(2) is None:
        return block
    item_start = block.index(f"\n{match.group(2)}.")
    next_item = re.compile(r"\n\d\.").search(block, item_start + 1)
    return block[item_start:next_item.start() if next_item else len(block)]


def test_the_bundled_catalogue_is_this_file(catalog: qcrules.Catalog) -> None:
    """load_catalog() with no path loads the same catalogue (checkout or installed package)."""
    assert qcrules.load_catalog() == catalog
    assert len(catalog) == 44


def test_every_rule_is_complete(catalog: qcrules.Catalog) -> None:
    for rule in catalog:
        assert rule.quote, rule.id
        assert rule.clause, rule.id
        assert rule.lead, rule.id
        assert rule.deadline in {2027, "annual"}, rule.id
        assert rule.indicator.zh, rule.id
        assert rule.indicator.en, rule.id


def test_every_quote_is_verbatim_under_its_clause(catalog: qcrules.Catalog,
                                                 section_two: str) -> None:
    for rule in catalog:
        assert rule.quote in _paragraph(section_two, rule.clause), rule.id


def test_every_number_in_section_two_is_covered_by_a_quote(catalog: qcrules.Catalog,
                                                          section_two: str) -> None:
    """No quantified target of the plan is left out of the catalogue."""
    spans = []
    for rule in catalog:
        start = section_two.find(rule.quote)
        while start != -1:
            spans.append((start, start + len(rule.quote)))
            start = section_two.find(rule.quote, start + 1)
    uncovered = [match.group() for match in NUMBER.finditer(section_two)
                 if not NOT_A_TARGET.match(match.group())
                 and not any(a <= match.start() < b for a, b in spans)]
    assert uncovered == []


def test_commitment_words_govern_their_lists(catalog: qcrules.Catalog,
                                             section_two: str) -> None:
    """A rule is 确保 or 力争 as the nearest commitment word before it in its sentence says."""
    for rule in catalog:
        paragraph = _paragraph(section_two, rule.clause)
        before = paragraph[:paragraph.index(rule.quote) + 2]
        sentence = re.split(r"[。；]", before)[-1]
        words = re.findall(r"确保|力争", sentence)
        expected = {"确保": Commitment.ENSURE, "力争": Commitment.STRIVE}.get(
            words[-1] if words else "", Commitment.NONE)
        assert rule.commitment is expected, rule.id


def test_the_sentence_that_switches_from_ensure_to_strive() -> None:
    """二(五): 确保 governs the energy and CO2 targets; 力争 those after it."""
    catalog = qcrules.load_catalog()
    assert catalog["energy-intensity-drop"].commitment is Commitment.ENSURE
    assert catalog["co2-intensity-drop"].commitment is Commitment.ENSURE
    assert catalog["good-air-days-share"].commitment is Commitment.STRIVE


def test_the_annual_targets_have_no_commitment_word(catalog: qcrules.Catalog) -> None:
    annual = [rule.id for rule in catalog if rule.deadline == "annual"]
    assert annual == ["lift-rescue-platform", "special-equipment-inspection-plan",
                      "special-equipment-hazard-closure"]
    assert all(catalog[rule_id].commitment is Commitment.NONE for rule_id in annual)


@pytest.mark.parametrize(("rule_id", "op", "magnitude", "unit"), [
    ("production-safety-death-rate", Op.LT, Fraction(1, 100), "人/亿元"),  # 低于1%: 0.01 人/亿元
    ("manufacturing-quality-index", Op.GE, Fraction(90), "分"),           # 90%以上: index points
    ("teacher-student-ratio", Op.LE, Fraction(25, 2), None),             # 1:12.5: at most 12.5
    ("urban-rural-income-ratio", Op.LE, Fraction(9, 5), None),           # 缩小至1.8以内
    ("county-gdp-rank", Op.LE, Fraction(10), "位"),                       # 第一方阵: top ten
])
def test_ambiguous_targets_are_read_as_a_statistician_would(
        catalog: qcrules.Catalog, rule_id: str, op: Op, magnitude: Fraction,
        unit: str | None) -> None:
    """The chosen reading is the threshold, and the note records why."""
    rule = catalog[rule_id]
    [bound] = rule.bounds
    assert bound.op is op
    assert bound.threshold == qcrules.Quantity(magnitude, unit)
    assert rule.note


def test_interpretive_kinds_record_their_reading(catalog: qcrules.Catalog) -> None:
    for rule in catalog:
        if rule.kind in (Kind.RANK, Kind.RELATIVE, Kind.ASSIGNED, Kind.RATIO):
            assert rule.note, rule.id


def test_a_misquoted_rule_is_located(tmp_path: Path) -> None:
    """A quote changed by one character fails with the rule, field and line."""
    text = CATALOGUE.read_text(encoding="utf-8").replace("quote: 力争本地区人均GDP达8.5万元",
                                                         "quote: 力争本地区人均GDP达8.6万元")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / PLAN.name).write_text(PLAN.read_text(encoding="utf-8"),
                                                  encoding="utf-8")
    changed = tmp_path / CATALOGUE.name
    changed.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        qcrules.load_catalog(changed)
    [problem] = raised.value.diagnostics
    assert problem.rule_id == "gdp-per-capita"
    assert problem.field == "quote"
    line = next(number for number, content in enumerate(text.splitlines(), 1)
                if "8.6万元" in content)
    assert problem.location is not None
    assert problem.location.line == line


def test_the_explanation_page_lists_every_rule_as_the_catalogue_has_it(
        catalog: qcrules.Catalog) -> None:
    """docs/explanation/tongcheng-catalogue.md moves with the catalogue."""
    page = (ROOT / "docs" / "explanation" / "tongcheng-catalogue.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (二\(.\)\d?) \| `([a-z0-9-]+)` \| [^|]+ \| (\S+) \|$", page,
                      re.MULTILINE)
    words = {Commitment.ENSURE: "确保", Commitment.STRIVE: "力争", Commitment.NONE: "none"}
    assert rows == [(rule.clause, rule.id, words[rule.commitment]) for rule in catalog]
