"""Round trips: a catalogue through dump_catalog, a report through JSON."""

from __future__ import annotations

import json
from fractions import Fraction

import attrs
from hypothesis import given
from hypothesis import strategies as st

import qcrules
from qcrules import strategies as qst

#: Text of any kind, YAML syntax, line breaks and number-like words included.
texts = st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n:#-'\"&*!"),
                min_size=1, max_size=30)


@given(qst.catalogs(min_rules=0, max_rules=8))
def test_dump_then_load_gives_an_equal_catalogue(catalog: qcrules.Catalog) -> None:
    """Every kind, word, unit, precision, reference and formula survives."""
    assert qcrules.loads_catalog(qcrules.dump_catalog(catalog)) == catalog


@given(qst.rules(), texts, texts, texts)
def test_free_text_survives(rule: qcrules.Rule, quote: str, note: str, title: str) -> None:
    """A quote, a note and a title of any characters load back as written."""
    edited = attrs.evolve(rule, quote=quote, note=note)
    catalog = qcrules.Catalog("c", title, (edited,))
    assert qcrules.loads_catalog(qcrules.dump_catalog(catalog)) == catalog


@given(qst.catalogs(), st.data())
def test_report_json_round_trip(catalog: qcrules.Catalog, data: st.DataObject) -> None:
    """``render(report, "json")`` parses back to ``report_to_dict``; exact numbers stay exact."""
    facts = data.draw(qst.fact_sets(catalog, invalid=True))
    report = qcrules.evaluate(catalog, facts)
    for lang in ("zh", "en"):
        parsed = json.loads(qcrules.render(report, "json", lang=lang))
        assert parsed == qcrules.report_to_dict(report, lang)
    for verdict, written in zip(report, parsed["verdicts"], strict=True):
        value = verdict.value
        if isinstance(value, Fraction) and (value * 10**12).denominator == 1:
            assert Fraction(written["value"]) == value
