"""The seed plan drafted from its text, measured against the hand-made catalogue.

The figures asserted here are the ones the drafter reaches; a change that loses a rule, makes a
spurious one or gets a field wrong fails, and the closing figures are printed for the record.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

import qcrules
from qcrules import Fact, FactForm, FactSet

ROOT = Path(__file__).parent.parent.parent
PLAN = ROOT / "rules" / "sources" / "tongcheng-quality-plan-2025-2027.txt"
EXAMPLE = ROOT / "examples" / "tongcheng-2026.yaml"


@pytest.fixture(scope="module")
def drafted() -> qcrules.Draft:
    return qcrules.draft(PLAN.read_text(encoding="utf-8"),
                         source="sources/tongcheng-quality-plan-2025-2027.txt")


@pytest.fixture(scope="module")
def comparison(drafted: qcrules.Draft) -> qcrules.Comparison:
    return qcrules.compare_catalogs(drafted.catalog, qcrules.load_catalog())


class TestAgainstTheHandMadeCatalogue:
    def test_every_hand_made_rule_is_found_and_none_is_spurious(
            self, comparison: qcrules.Comparison) -> None:
        print(comparison.summary())
        assert [rule.id for rule in comparison.missed] == []
        assert [rule.id for rule in comparison.spurious] == []
        assert len(comparison.pairs) == 44

    def test_fields_agree(self, comparison: qcrules.Comparison) -> None:
        """At least 395 of the 396 fields compared are equal (99.7 %); the one that differs is
        a reading the rule author chose (a count of standards as a floor)."""
        assert comparison.fields_equal >= 395, comparison.differences
        assert comparison.field_agreement >= 0.95
        assert [(rule_id, field) for rule_id, field, _, _ in comparison.differences] == [
            ("new-standards", "kind")]

    def test_quotes_clauses_commitments_deadlines_and_departments_all_agree(
            self, comparison: qcrules.Comparison) -> None:
        per_field = comparison.per_field()
        for field in ("quote", "clause", "commitment", "deadline", "lead", "support", "bound",
                      "unit"):
            assert per_field[field] == 1.0, field

    def test_the_heading_timeline_and_sections(self, drafted: qcrules.Draft) -> None:
        hand = qcrules.load_catalog()
        catalog = drafted.catalog
        assert (catalog.title, catalog.region, catalog.issuer) == (hand.title, hand.region,
                                                                  hand.issuer)
        assert (catalog.period_start, catalog.period_end) == (2025, 2027)
        assert catalog.phases == hand.phases
        # the same parts and titles; English titles are the reviewer's to add
        assert [(s.prefix, s.title) for s in catalog.sections] == [
            (s.prefix, s.title) for s in hand.sections]

    def test_what_was_left_out_is_listed(self, drafted: qcrules.Draft) -> None:
        """The sentences with numbers that are no target: the 100 counties of 一、主要目标, the
        names “四个最严” and “两个规定”, and the closing 确保 that names no indicator."""
        left = [(f.code, f.line, f.text) for f in drafted.findings]
        assert left == [
            ("QC180", 8, "力争在国家市场监管总局培育建设的100个以上质量强县（区、镇）中崭露头角"),
            ("QC180", 26, "严格落实食品安全“四个最严”要求"),
            ("QC180", 26, "销售单位质量安全主体责任“两个规定”"),
            ("QC181", 37, left[3][2]),
        ]
        assert "确保各项任务落实落细" in left[3][2]

    def test_guesses_are_marked_for_review(self, drafted: qcrules.Draft) -> None:
        rules = {rule.id: rule for rule in drafted.catalog.rules}
        assert rules["gdp-per-capita"].review
        assert "万元/人" in rules["gdp-per-capita"].note
        assert rules["manufacturing-quality-index"].review
        assert rules["rd-intensity"].review is False
        tiered = [rule for rule in drafted.catalog.rules if rule.kind is qcrules.Kind.RANK]
        assert tiered
        assert all(rule.review for rule in tiered)

    def test_the_yaml_loads_back_into_the_same_catalogue(self, drafted: qcrules.Draft) -> None:
        text = PLAN.read_text(encoding="utf-8")
        assert qcrules.loads_catalog(drafted.text, source_text=text) == drafted.catalog

    def test_the_yaml_quotes_are_checked_against_the_plan(self, drafted: qcrules.Draft,
                                                          tmp_path: Path) -> None:
        """Written beside the plan, the draft's quotes are checked; a changed quote is QC160."""
        (tmp_path / "sources").mkdir()
        (tmp_path / "sources" / PLAN.name).write_bytes(PLAN.read_bytes())
        path = tmp_path / "draft.yaml"
        path.write_text(drafted.text, encoding="utf-8")
        assert len(qcrules.load_catalog(path).rules) == 44
        path.write_text(drafted.text.replace("quote: 千人企业数达30个", "quote: 千人企业数达31个"),
                        encoding="utf-8")
        with pytest.raises(qcrules.CatalogError) as error:
            qcrules.load_catalog(path)
        assert [d.code for d in error.value.diagnostics] == ["QC160"]


def _draft_facts(pairs: tuple[tuple[qcrules.Rule, qcrules.Rule], ...],
                 hand_report: qcrules.Report) -> FactSet:
    """The 2026 example's facts under the draft's ids: a fact named by a hand-made rule's id or
    Chinese name is renamed to its drafted rule's id, a reference fact to the drafted rule's
    reference, and a derived indicator's inputs are replaced by the value they give (the draft
    has no formula)."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw = data["facts"]
    facts: dict[str, Fact] = {}
    for got, want in pairs:
        if want.reference and got.reference and want.reference.id in raw:
            data_out = qcrules.facts_from_data({"facts": {got.reference.id:
                                                          raw[want.reference.id]}})
            facts[got.reference.id] = data_out.facts[got.reference.id]
        if want.derivation is not None:
            verdict = hand_report[want.id]
            assert isinstance(verdict.value, Fraction)
            facts[got.id] = Fact(got.id, FactForm.QUANTITY, verdict.value, verdict.unit)
            continue
        for key in (want.id, want.indicator.zh):
            if key in raw:
                data_out = qcrules.facts_from_data({"facts": {got.id: raw[key]}})
                facts[got.id] = data_out.facts[got.id]
    return FactSet(facts, region=data["region"], period=str(data["period"]))


@pytest.mark.parametrize("engine", qcrules.ENGINES)
def test_the_drafts_verdicts_are_the_hand_made_catalogues(
        drafted: qcrules.Draft, comparison: qcrules.Comparison, engine: str) -> None:
    """On the 2026 example, every rule both catalogues have gets the same status."""
    hand_report = qcrules.evaluate(qcrules.compile_catalog(qcrules.load_catalog()),
                                   qcrules.load_facts(EXAMPLE), engine=engine)
    facts = _draft_facts(comparison.pairs, hand_report)
    draft_report = qcrules.evaluate(qcrules.compile_catalog(drafted.catalog), facts,
                                    engine=engine)
    differ = [(want.id, draft_report[got.id].status, hand_report[want.id].status)
              for got, want in comparison.pairs
              if draft_report[got.id].status is not hand_report[want.id].status]
    assert differ == []
    statuses = {hand_report[want.id].status for _, want in comparison.pairs}
    assert {qcrules.Status.MET, qcrules.Status.NOT_MET, qcrules.Status.UNKNOWN} <= statuses
