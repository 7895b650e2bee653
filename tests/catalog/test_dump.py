"""dump_catalog: a catalogue written back as YAML loads into an equal catalogue."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import attrs
import pytest
import yaml

import qcrules
from helpers import catalog_text, rule_yaml

DATA = Path(__file__).parents[1] / "data"


class TestRoundTrip:
    """``loads_catalog(dump_catalog(c)) == c``."""

    def test_bundled_catalogue(self) -> None:
        """All 43 rules of the 桐城 plan, with its header, survive a round trip."""
        catalog = qcrules.load_catalog()
        again = qcrules.loads_catalog(qcrules.dump_catalog(catalog))
        assert again == catalog
        assert [r.id for r in again] == [r.id for r in catalog]

    def test_small_catalogue_of_every_kind(self) -> None:
        """Derived, ratio, reference, assigned (implicit reference) and precision rules."""
        catalog = qcrules.load_catalog(DATA / "mini.yaml")
        assert qcrules.loads_catalog(qcrules.dump_catalog(catalog)) == catalog

    def test_declared_units(self) -> None:
        """A catalogue's ``units`` section is written between the header and the rules, in its
        order, and loads back into an equal catalogue that judges alike."""
        units = {"艘": "item", "万标箱": "10000 标箱", "标箱": "item"}
        rule = rule_yaml(indicator={"zh": "集装箱吞吐量", "unit": "万标箱"}, target="达到50万标箱",
                         quote="集装箱吞吐量达到50万标箱")
        document = yaml.safe_load(catalog_text(rule))
        text = yaml.safe_dump({"qcrules": 1, "catalog": document["catalog"], "units": units,
                               "rules": document["rules"]}, allow_unicode=True, sort_keys=False)
        catalog = qcrules.loads_catalog(text)
        dumped = qcrules.dump_catalog(catalog)
        assert list(yaml.safe_load(dumped)) == ["qcrules", "catalog", "units", "rules"]
        assert yaml.safe_load(dumped)["units"] == units
        again = qcrules.loads_catalog(dumped)
        assert again == catalog
        assert [u.name for u in again.units] == ["艘", "万标箱", "标箱"]
        facts = {"r": "499999标箱"}
        assert qcrules.evaluate(again, facts)["r"].margin == Fraction(-1, 10000)

    def test_a_compiled_plan_is_accepted(self) -> None:
        """A plan is dumped as the catalogue it was compiled from."""
        catalog = qcrules.load_catalog(DATA / "mini.yaml")
        plan = qcrules.compile_catalog(catalog)
        assert qcrules.dump_catalog(plan) == qcrules.dump_catalog(catalog)

    def test_verdicts_are_unchanged(self) -> None:
        """The dumped catalogue judges facts exactly as the original does."""
        catalog = qcrules.load_catalog(DATA / "mini.yaml")
        again = qcrules.loads_catalog(qcrules.dump_catalog(catalog))
        facts = qcrules.load_facts(DATA / "mini-facts.yaml")
        before = qcrules.report_to_dict(qcrules.evaluate(catalog, facts))
        after = qcrules.report_to_dict(qcrules.evaluate(again, facts))
        assert before == after


class TestWhatIsWritten:
    """The text is the catalogue format a rule author would write."""

    def test_bounds_keep_the_plans_words(self) -> None:
        """``98%以上`` is written as the plan wrote it, not as ``>= 98``."""
        text = qcrules.dump_catalog(qcrules.load_catalog(DATA / "mini.yaml"))
        rules = {r["id"]: r for r in yaml.safe_load(text)["rules"]}
        assert rules["pass-rate"]["target"] == "98%以上"
        assert rules["gdp-per-capita"]["target"] == "达8.5万元/人"

    def test_loader_defaults_are_written_out(self) -> None:
        """An assigned target's implicit reference and 完成 bound appear explicitly."""
        text = qcrules.dump_catalog(qcrules.load_catalog(DATA / "mini.yaml"))
        rule = {r["id"]: r for r in yaml.safe_load(text)["rules"]}["energy-drop"]
        assert rule["reference"]["id"] == "energy-drop.assigned"
        assert rule["target"] == "完成"

    def test_numbers_are_exact_decimals(self) -> None:
        """A precision of 0.1 is the YAML number 0.1, read back as exactly 1/10."""
        text = qcrules.dump_catalog(qcrules.load_catalog(DATA / "mini.yaml"))
        assert "precision: 0.1\n" in text
        again = qcrules.loads_catalog(text)
        assert again["quality-index"].precision == Fraction(1, 10)

    def test_a_bound_without_words_is_written_in_symbols(self) -> None:
        """A bound built in Python has no words; it is written ``>= 0.125 %`` and reloads."""
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml()))
        rule = catalog["r"]
        bound = qcrules.Bound(qcrules.Op.GE, qcrules.Quantity(Fraction(1, 8), "%"))
        built = attrs.evolve(catalog, rules=(attrs.evolve(rule, bounds=(bound,)),))
        again = qcrules.loads_catalog(qcrules.dump_catalog(built))
        assert again["r"].bounds == (attrs.evolve(bound, words=">= 0.125 %"),)

    def test_a_trajectory_path_is_kept(self) -> None:
        """A front-loaded path is written; the default linear one is left out."""
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(path="front-loaded")))
        text = qcrules.dump_catalog(catalog)
        assert "path: front-loaded" in text
        assert qcrules.loads_catalog(text) == catalog
        assert "path:" not in qcrules.dump_catalog(qcrules.loads_catalog(catalog_text(rule_yaml())))

    def test_free_text_is_quoted_where_yaml_needs_it(self) -> None:
        """Notes and quotes with YAML syntax, line breaks or number-like text stay text."""
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml()))
        odd = attrs.evolve(catalog["r"], note="a: b\n- c # d\n\n  e", clause="2027",
                           quote="yes", lead=("null", "、"))
        built = attrs.evolve(catalog, rules=(odd,), title="'[*&!%@`")
        assert qcrules.loads_catalog(qcrules.dump_catalog(built)) == built


#: Targets in the genre's own words, each with its indicator, kind left out (and tier).
GENRE = [
    ({"zh": "新增企业", "unit": "个"}, "3—5个", None),
    ({"zh": "能耗", "unit": "万元"}, "控制在80万元至100万元之间", None),
    ({"zh": "比率", "unit": "%"}, ">= 1%", None),
    ({"zh": "重大事故", "unit": "件"}, "不发生重大质量安全事故", None),
    ({"zh": "覆盖率", "unit": "%"}, "实现全覆盖", None),
    ({"zh": "位次", "unit": "位"}, "全省前三", None),
    ({"zh": "位次", "unit": "位"}, "进入全省第一方阵", 10),
    ({"zh": "奖项", "unit": "项"}, "零的突破", None),
    ({"zh": "旅游总收入", "unit": "亿元"}, "1100亿元", None),
    ({"zh": "得分", "unit": "分"}, "90分以上（含90分）", None),
]


class TestGenreForms:
    """Targets written as the plan writes them survive a round trip, in their own words."""

    @pytest.mark.parametrize(("indicator", "target", "tier"), GENRE, ids=[g[1] for g in GENRE])
    def test_round_trip(self, indicator: dict[str, str], target: str, tier: int | None) -> None:
        """The text loads back equal; the target is written as one text, the tier with it."""
        fields = {k: v for k, v in rule_yaml(indicator=indicator, target=target, tier=tier).items()
                  if k != "kind" and v is not None}
        catalog = qcrules.loads_catalog(catalog_text(fields))
        text = qcrules.dump_catalog(catalog)
        assert qcrules.loads_catalog(text) == catalog
        (rule,) = yaml.safe_load(text)["rules"]
        assert rule["target"] == target
        assert rule["kind"] == catalog["r"].kind.value
        assert rule.get("tier") == tier

    def test_a_range_list_stays_a_list(self) -> None:
        """``[">= 1%", "<= 3%"]`` is written as the two bounds it was."""
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml(kind="range",
                                                                target=[">= 1%", "<= 3%"])))
        (rule,) = yaml.safe_load(qcrules.dump_catalog(catalog))["rules"]
        assert rule["target"] == [">= 1%", "<= 3%"]


class TestErrors:
    """What cannot be written is refused with a located usage error."""

    def test_a_number_with_no_decimal_form(self) -> None:
        """A threshold of 1/3 has no exact decimal text: QC420 names the rule and field."""
        catalog = qcrules.loads_catalog(catalog_text(rule_yaml()))
        third = qcrules.Bound(qcrules.Op.GE, qcrules.Quantity(Fraction(1, 3), "%"))
        built = attrs.evolve(catalog, rules=(attrs.evolve(catalog["r"], bounds=(third,)),))
        with pytest.raises(qcrules.UsageError) as caught:
            qcrules.dump_catalog(built)
        diagnostic = caught.value.diagnostics[0]
        assert (diagnostic.code, diagnostic.rule_id, diagnostic.field) == ("QC420", "r", "target")
        assert diagnostic.got == "1/3"

    def test_not_a_catalogue(self) -> None:
        """A path is not a catalogue: QC400."""
        with pytest.raises(qcrules.UsageError, match="expected a Catalog"):
            qcrules.dump_catalog("rules.yaml")  # type: ignore[arg-type]
