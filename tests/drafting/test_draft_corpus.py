"""The drafter on a corpus of composed passages in the genre's style (tests/drafting/corpus/):
several targets per sentence, mixed commitments, departments in brackets, numbers in words,
其中/且/均, and sentences with numbers that are no target. Each passage carries the rules a
careful rule author would write; the figures the drafter reaches are asserted as floors, so a
change that loses ground fails. ``python bench/bench_draft.py`` prints them in full."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import qcrules
from qcrules.drafting.compare import CorpusFigures, measure_corpus

CORPUS = Path(__file__).parent / "corpus"
#: The plan period the passages belong to (each file's note says so).
PERIOD = (2025, 2027)


def passages() -> list[dict]:
    found = []
    for path in sorted(CORPUS.glob("*.yaml")):
        found.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["passages"])
    return found


@pytest.fixture(scope="module")
def figures() -> CorpusFigures:
    return measure_corpus(passages(), period=PERIOD)


def test_the_corpus_is_large_enough() -> None:
    assert len(passages()) >= 150
    assert sum(len(p["rules"]) for p in passages()) >= 400


def test_every_expected_rule_is_a_valid_rule_quoting_its_passage() -> None:
    for number, passage in enumerate(passages(), start=1):
        document = {"qcrules": 1, "catalog": {"id": "p", "title": "p"}, "rules": passage["rules"]}
        qcrules.loads_catalog(yaml.safe_dump(document, allow_unicode=True),
                              source_text=passage["text"], file=f"passage {number}")


def test_targets_found(figures: CorpusFigures) -> None:
    print(figures.summary())
    assert figures.comparison.precision >= 0.98
    assert figures.comparison.recall >= 0.92


def test_fields_of_the_targets_found(figures: CorpusFigures) -> None:
    assert figures.comparison.field_agreement >= 0.98
    per_field = figures.comparison.per_field()
    for field in ("commitment", "clause", "deadline"):
        assert per_field[field] >= 0.99, field
    assert per_field["quote"] >= 0.96
    assert per_field["unit"] >= 0.9


def test_findings(figures: CorpusFigures) -> None:
    assert figures.findings_agree >= 0.85 * figures.passages


def test_every_draft_of_the_corpus_is_a_catalogue_that_loads_back() -> None:
    for passage in passages():
        drafted = qcrules.draft(passage["text"], period=PERIOD)
        assert qcrules.loads_catalog(drafted.text, source_text=passage["text"]) == \
            drafted.catalog
