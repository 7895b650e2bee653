"""What a report says of a rule whatever the facts is worded once per rule and kept.

The kept words (``rule_words``, the rule's part of the JSON verdict) belong to the rule object,
not to its id: two catalogues giving one rule id other words, and two fact sets giving one
rule other values, each read exactly what they would read worded afresh.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import attrs
import click
import pytest
import yaml

import qcrules
from qcrules.report import explain as explain_module
from qcrules.report import render as render_module
from qcrules.report.explain import explain, rule_words

COUNTY = """\
qcrules: 1
catalog: {id: county, title: 某县质量提升行动方案}
rules:
  - id: pass-rate
    indicator: {zh: NAME, en: ENGLISH, unit: "%"}
    kind: floor
    target: 达到96%以上
    commitment: COMMITMENT
    deadline: 2027
    clause: CLAUSE
    quote: 产品质量监督抽查合格率达到96%以上
    lead: [LEAD]
"""


def county(name: str, english: str, lead: str, commitment: str, clause: str) -> qcrules.Plan:
    text = (COUNTY.replace("NAME", name).replace("ENGLISH", english).replace("LEAD", lead)
            .replace("COMMITMENT", commitment).replace("CLAUSE", clause))
    return qcrules.compile_catalog(qcrules.loads_catalog(text))


PRODUCTS = ("产品抽查合格率", "spot-check pass rate", "县市场监管局", "ensure", "二(一)1")
FOOD = ("食品抽检合格率", "food sampling pass rate", "县农业农村局", "strive", "三(二)4")


def fresh(render: object) -> object:
    """``render()`` with nothing kept from earlier reports."""
    explain_module._RULE_WORDS.clear()
    render_module._RULE_DATA.clear()
    return render()  # type: ignore[operator]


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "csv"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_rule_id_in_two_catalogues_keeps_each_catalogues_words(fmt: str, lang: str) -> None:
    products, food = county(*PRODUCTS), county(*FOOD)
    report_products = qcrules.evaluate(products, {"pass-rate": "97.2%"})
    report_food = qcrules.evaluate(food, {"pass-rate": "97.2%"})
    first = qcrules.render(report_products, fmt, lang=lang)
    second = qcrules.render(report_food, fmt, lang=lang)   # the same rule id, other words
    assert first == fresh(lambda: qcrules.render(report_products, fmt, lang=lang))
    assert second == fresh(lambda: qcrules.render(report_food, fmt, lang=lang))
    name, english, lead = (FOOD[0], FOOD[1], FOOD[2])
    assert (name if lang == "zh" else english) in second
    if lang == "zh" and fmt != "csv":   # CSV has no lead column in English's words
        assert lead in second
    assert PRODUCTS[0] not in second
    assert PRODUCTS[2] not in second


def test_two_fact_sets_of_one_rule_read_their_own_values() -> None:
    plan = county(*PRODUCTS)
    met = qcrules.evaluate(plan, {"pass-rate": "97.2%"})
    missed = qcrules.evaluate(plan, {"pass-rate": "94.5%"})
    met_json = json.loads(qcrules.render(met, "json"))["verdicts"][0]
    missed_json = json.loads(qcrules.render(missed, "json"))["verdicts"][0]
    assert (met_json["status"], met_json["value"], met_json["margin"]) == ("met", "97.2", "1.2")
    assert (missed_json["status"], missed_json["value"], missed_json["margin"]) == (
        "not_met", "94.5", "-1.5")
    # the rule's own part is the rule's, in both
    for data in (met_json, missed_json):
        assert data["indicator"] == {"zh": PRODUCTS[0], "en": PRODUCTS[1]}
        assert (data["commitment"], data["clause"], data["lead"]) == ("ensure", "二(一)1",
                                                                      ["县市场监管局"])
    assert "达到目标" in met_json["explanation"]["summary"]
    assert "未达到目标" in missed_json["explanation"]["summary"]
    assert "差 1.5个百分点" in missed_json["explanation"]["summary"]


def test_the_json_lists_are_each_reports_own() -> None:
    """Changing one report's data leaves the next report's as it was."""
    plan = county(*PRODUCTS)
    report = qcrules.evaluate(plan, {"pass-rate": "97.2%"})
    data = qcrules.report_to_dict(report)
    data["verdicts"][0]["lead"].append("县财政局")
    data["verdicts"][0]["indicator"]["zh"] = "改过的名字"
    again = qcrules.report_to_dict(report)["verdicts"][0]
    assert again["lead"] == ["县市场监管局"]
    assert again["indicator"]["zh"] == PRODUCTS[0]


def test_rule_words_are_kept_per_rule_and_language() -> None:
    rule = county(*PRODUCTS).catalog.rules[0]
    zh, en = rule_words(rule, "zh"), rule_words(rule, "en")
    assert rule_words(rule, "zh") is zh   # worded once
    assert (zh.name, zh.commitment, zh.tail) == (PRODUCTS[0], "确保目标",
                                                 "；确保目标，牵头单位：县市场监管局")
    assert (en.name, en.commitment) == (PRODUCTS[1], "ensure target")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        rule_words(rule, "fr")


def test_control_characters_are_escaped_in_the_unstyled_text_as_in_the_styled() -> None:
    """The plain text is escaped whole, the coloured one line by line: the same characters."""
    # YAML's escapes: the catalogue holds the control characters themselves
    plan = county('"合格率\\x1b[2J"', '"pass\\x07rate"', '"县市场监管局\\u202e"', "ensure",
                  "二(一)1")
    report = qcrules.evaluate(plan, {"pass-rate": "97.2%"})
    plain = qcrules.render(report, "text")
    coloured = qcrules.render(report, "text", colour=True)
    assert "\x1b[2J" not in plain
    assert "\u202e" not in plain
    assert "合格率\\x1b[2J" in plain
    assert "县市场监管局\\u202e" in plain
    assert click.unstyle(coloured) == plain


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def plain_json(report: qcrules.Report, lang: str, only_unmet: bool) -> str:
    """The JSON report as its definition writes it: json.dumps of the report's data."""
    data = qcrules.report_to_dict(report, lang)
    if only_unmet:
        data["verdicts"] = [v for v in data["verdicts"] if v["status"] != "met"]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def varied(facts: dict[str, object], seed: int) -> dict[str, object]:
    """The example's facts with each number moved a little, some left out, some spoilt."""
    rng = random.Random(seed)
    out: dict[str, object] = {}
    for key, value in facts.items():
        roll = rng.random()
        if roll < 0.1:
            continue
        if roll < 0.15:
            out[key] = "不详"
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = round(value * rng.uniform(0.9, 1.1), 3)
        else:
            out[key] = value
    return out


@pytest.mark.parametrize("seed", range(6))
def test_the_json_report_is_json_dumps_of_its_data(seed: int) -> None:
    """Written from the text kept per rule, the JSON is what json.dumps writes of
    report_to_dict, byte for byte: varied fact sets, both languages, with a trajectory."""
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    facts = yaml.safe_load((EXAMPLES / "tongcheng-2026.yaml").read_text(encoding="utf-8"))
    base = yaml.safe_load((EXAMPLES / "tongcheng-2024.yaml").read_text(encoding="utf-8"))
    current = {**facts, "facts": varied(facts["facts"], seed)}
    reports = [qcrules.evaluate(plan, current),
               qcrules.evaluate(plan, current, baseline={**base, "facts": varied(base["facts"],
                                                                                 seed + 99)})]
    assert any(v.trajectory is not None for v in reports[1].verdicts)
    for report in reports:
        for lang in ("zh", "en"):
            for only_unmet in (False, True):
                assert qcrules.render(report, "json", lang=lang, only_unmet=only_unmet) == (
                    plain_json(report, lang, only_unmet))


def test_data_json_dumps_must_write_takes_the_plain_way() -> None:
    """A diagnostic holding a number the fast writer leaves to json.dumps: the whole report is
    written by json.dumps, as report_to_dict's data."""
    plan = county(*PRODUCTS)
    report = qcrules.evaluate(plan, {"pass-rate": "97.2%"})
    odd = attrs.evolve(report, diagnostics=(
        qcrules.Diagnostic("QC202", "an unmatched fact", got=0.5),))  # type: ignore[arg-type]
    text = qcrules.render(odd, "json")
    assert text == plain_json(odd, "zh", False)
    assert '"got": 0.5' in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_thresholds_from_the_facts_are_worded_for_each_fact_set(lang: str) -> None:
    """An assigned target and a provincial average are thresholds each fact set gives anew:
    the wording kept for one fact set's thresholds is never another's."""
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    sets = [{"energy-intensity-drop": "3.5%", "energy-intensity-drop.assigned": "3.2%",
             "special-equipment-death-rate": 0.21,
             "special-equipment-death-rate.province-average": 0.3},
            {"energy-intensity-drop": "3.5%", "energy-intensity-drop.assigned": "3.8%",
             "special-equipment-death-rate": 0.21,
             "special-equipment-death-rate.province-average": 0.18}]
    reports = [qcrules.evaluate(plan, facts) for facts in sets]
    texts = {fmt: [qcrules.render(report, fmt, lang=lang) for report in reports]
             for fmt in ("text", "json", "markdown")}
    for fmt, (first, second) in texts.items():
        assert first == fresh(lambda fmt=fmt: qcrules.render(reports[0], fmt, lang=lang))
        assert second == fresh(lambda fmt=fmt: qcrules.render(reports[1], fmt, lang=lang))
    statuses = [(r["energy-intensity-drop"].status, r["special-equipment-death-rate"].status)
                for r in reports]
    assert statuses == [(qcrules.Status.MET, qcrules.Status.MET),
                        (qcrules.Status.NOT_MET, qcrules.Status.NOT_MET)]
    summaries = [explain(r["energy-intensity-drop"], lang).summary for r in reports]
    word = "不低于" if lang == "zh" else "at least"
    assert f"{word} 3.2%" in summaries[0]
    assert f"{word} 3.8%" in summaries[1]
    assert ">=3.2%" in texts["text"][0]
    assert ">=3.8%" in texts["text"][1]
    # without its assigned target the cell names what it awaits, and the next report's
    # threshold is its own again
    awaiting = qcrules.evaluate(plan, {"energy-intensity-drop": "3.5%"})
    word = "不低于 上级下达的任务" if lang == "zh" else "at least target assigned by"
    assert word in qcrules.render(awaiting, "text", lang=lang)
    assert ">=3.8%" in qcrules.render(reports[1], "text", lang=lang)
    assert qcrules.render(awaiting, "markdown", lang=lang) == fresh(
        lambda: qcrules.render(awaiting, "markdown", lang=lang))


def test_a_range_words_each_bound() -> None:
    """Both bounds of a range are compared, each worded with its own threshold."""
    plan = qcrules.compile_catalog(qcrules.loads_catalog(COUNTY.replace(
        "target: 达到96%以上", "target: 保持在92%~98%").replace("kind: floor", "kind: range")
        .replace("NAME", "合格率").replace("ENGLISH", "pass rate").replace("LEAD", "县市场监管局")
        .replace("COMMITMENT", "ensure").replace("CLAUSE", "二(一)1")
        .replace("达到96%以上", "保持在92%~98%")))
    for value, holds in (("95%", ("成立", "成立")), ("99%", ("成立", "不成立")),
                         ("90%", ("不成立", "成立"))):
        steps = explain(qcrules.evaluate(plan, {"pass-rate": value})["pass-rate"]).steps
        compared = [line for line in steps if line.startswith("比较")]
        assert compared == [f"比较 {value} >= 92%：{holds[0]}", f"比较 {value} <= 98%：{holds[1]}"]
