"""The department glossary and English section titles: read, validated, dumped, and used with
--lang en wherever a department or a section is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import qcrules
from helpers import catalog_text, rule_yaml
from qcrules.cli import main

ROOT = Path(__file__).parents[2]


def _catalog(**header: object) -> str:
    text = catalog_text(rule_yaml(lead=["市统计局"], support=["市发改委"]))
    data = yaml.safe_load(text)
    data["catalog"].update(header)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


GLOSSARY = {"departments": {"市统计局": "Municipal Bureau of Statistics",
                            "市发改委": "Municipal Development and Reform Commission"},
            "sections": {"二(一)": {"zh": "驱动经济高质量发展", "en": "Driving growth"}}}


def test_read_and_used_by_the_rules() -> None:
    catalog = qcrules.loads_catalog(_catalog(**GLOSSARY))
    rule = catalog["r"]
    assert rule.lead_in("en") == ("Municipal Bureau of Statistics",)
    assert rule.support_in("en") == ("Municipal Development and Reform Commission",)
    assert rule.lead_in("zh") == ("市统计局",)
    assert catalog.section_title("二(一)") == "驱动经济高质量发展"
    assert catalog.section_title("二(一)", "en") == "Driving growth"
    assert catalog.notes == ()


def test_without_a_glossary_the_chinese_names() -> None:
    catalog = qcrules.loads_catalog(_catalog(sections={"二(一)": "驱动经济高质量发展"}))
    assert catalog["r"].lead_in("en") == ("市统计局",)
    assert catalog.section_title("二(一)", "en") == "驱动经济高质量发展"


def test_a_department_left_out_is_a_note() -> None:
    catalog = qcrules.loads_catalog(_catalog(departments={"市统计局": "Bureau of Statistics"}))
    assert [(n.code, n.got) for n in catalog.notes] == [("QC178", "市发改委")]
    assert catalog["r"].support_in("en") == ("市发改委",)


@pytest.mark.parametrize(("header", "code"), [
    ({"departments": ["市统计局"]}, "QC101"),
    ({"departments": {"市统计局": 3}}, "QC101"),
    ({"sections": {"二(一)": {"en": "Driving growth"}}}, "QC102"),
    ({"sections": {"二(一)": {"zh": "驱动", "fr": "Croissance"}}}, "QC103"),
])
def test_mistakes(header: dict[str, object], code: str) -> None:
    with pytest.raises(qcrules.CatalogError) as caught:
        qcrules.loads_catalog(_catalog(**header))
    assert caught.value.code == code


def test_round_trip() -> None:
    catalog = qcrules.loads_catalog(_catalog(**GLOSSARY))
    again = qcrules.loads_catalog(qcrules.dump_catalog(catalog))
    assert again == catalog
    assert again["r"].lead_in("en") == ("Municipal Bureau of Statistics",)


def test_the_bundled_plan_has_every_department_in_english() -> None:
    catalog = qcrules.load_catalog()
    assert not [n for n in catalog.notes if n.code == "QC178"]
    for rule in catalog:
        assert all(rule.lead_in("en"))
        assert not set(rule.lead_in("en")) & set(rule.lead)
    assert all(section.en for section in catalog.sections)


def test_english_output_has_no_chinese_department() -> None:
    """check, report and rules show in English name the bundled plan's departments in English."""
    runner = CliRunner()
    facts = str(ROOT / "examples" / "tongcheng-2026.yaml")
    out = runner.invoke(main, ["check", facts, "--lang", "en"]).stdout
    assert "lead: Municipal Bureau of Science, Technology and Industry, Municipal Enterprise " \
           "Service Centre" in out
    assert "lead: 市" not in out
    assert "lead:" in out
    markdown = runner.invoke(main, ["check", facts, "--lang", "en", "-f", "markdown"]).stdout
    assert "| Municipal Administration for Market Regulation |" in markdown
    assert "二(一) Driving high-quality economic development" in markdown
    assert "| 市统计局 |" not in markdown
    assert "**市" not in markdown
    data = json.loads(runner.invoke(main, ["check", facts, "--lang", "en", "-f", "json"]).stdout)
    assert "Municipal Enterprise Service Centre" in data["verdicts"][0]["explanation"]["summary"]
    shown = runner.invoke(main, ["rules", "show", "gdp-per-capita", "--lang", "en"]).stdout
    assert "lead:       Municipal Bureau of Science, Technology and Industry, Municipal " \
           "Enterprise Service Centre" in shown
