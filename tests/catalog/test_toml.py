"""TOML catalogues and fact files: the same rules, facts and located errors as YAML."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import qcrules
from qcrules.catalog.toml import parse_toml_text
from qcrules.cli import main

DATA = Path(__file__).parents[1] / "data"
TOML = DATA / "toml"


def test_a_toml_catalogue_loads_the_same_rules_as_yaml() -> None:
    """Inline tables, sub-tables and arrays of tables give the rules the YAML file gives."""
    from_toml = qcrules.load_catalog(TOML / "mini.toml")
    from_yaml = qcrules.load_catalog(DATA / "mini.yaml")
    assert from_toml.rules == tuple(from_yaml[rule.id] for rule in from_toml.rules)
    assert [rule.id for rule in from_toml] == ["gdp-per-capita", "pass-rate", "death-rate"]
    assert from_toml.sections == from_yaml.sections


def test_toml_facts_are_read_exactly_and_give_the_yaml_verdicts() -> None:
    """0.978 is 489/500, not a binary float; quoted Chinese keys name indicators."""
    facts = qcrules.load_facts(TOML / "mini-facts.toml")
    assert facts.facts["抽检合格率"].value == Fraction(489, 500)
    assert (facts.region, facts.period) == ("测试市", "2026")
    plan = qcrules.compile_catalog(qcrules.load_catalog(DATA / "mini.yaml"))
    from_yaml = qcrules.evaluate(plan, qcrules.load_facts(DATA / "mini-facts.yaml"))
    from_toml = qcrules.evaluate(plan, facts)
    for rule_id in ("gdp-per-capita", "pass-rate", "death-rate"):
        assert (from_toml[rule_id].status, from_toml[rule_id].value) == (
            from_yaml[rule_id].status, from_yaml[rule_id].value)


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize(("change", "field", "line_with"), [
    # a key of the second [[rules]] table's [rules.indicator] sub-table
    (('unit = "%"', 'unit = "百分"'), "indicator.unit", 'unit = "百分"'),
    # a key inside an inline table: located at the key that holds the inline table
    (('unit = "人/亿元"', 'unit = "人/亿"'), "indicator.unit", 'zh = "亿元GDP死亡率"'),
    # a plain key of the third rule
    (('kind = "ceiling"', 'kind = "cieling"'), "kind", 'kind = "cieling"'),
])
def test_validation_errors_are_located_by_line(tmp_path: Path, change: tuple[str, str],
                                               field: str, line_with: str) -> None:
    text = (TOML / "mini.toml").read_text(encoding="utf-8").replace(*change, 1)
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(qcrules.CatalogError) as raised:
        qcrules.load_catalog(path)
    [problem] = raised.value.diagnostics
    assert problem.field == field
    assert problem.location is not None
    assert (problem.location.file, problem.location.line) == (str(path), _line_of(text, line_with))


def test_invalid_toml_is_located_with_line_and_column() -> None:
    result = parse_toml_text('qcrules = 1\n[catalog]\nid = "a"\ntitle = \n', file="c.toml")
    [problem] = result.diagnostics
    assert result.data is None
    assert problem.code == "QC100"
    assert problem.location == qcrules.Location("c.toml", 4, 9)


@pytest.mark.parametrize(("text", "code"), [
    ("", "QC152"),
    ("x = nan\n", None),
    ('x = "1e99999"\n', None),
])
def test_edge_documents(text: str, code: str | None) -> None:
    """An empty document is QC152; NaN and huge numbers are kept for the evaluator to refuse."""
    result = parse_toml_text(text, file="f.toml")
    assert [d.code for d in result.diagnostics] == ([code] if code else [])


def test_nan_fact_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text('[facts]\n"抽检合格率" = nan\n', encoding="utf-8")
    plan = qcrules.compile_catalog(qcrules.load_catalog(TOML / "mini.toml"))
    verdict = qcrules.evaluate(plan, qcrules.load_facts(path))["pass-rate"]
    assert verdict.status is qcrules.Status.INVALID
    assert verdict.problem is not None
    assert verdict.problem.code == "QC301"


def test_cli_validates_and_checks_toml() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(TOML / "mini.toml")]).exit_code == 0
    result = runner.invoke(main, ["check", str(TOML / "mini-facts.toml"), "-r",
                                  str(TOML / "mini.toml"), "--format", "json"])
    assert result.exit_code == 1   # the 确保 pass rate is missed: 97.8 % < 98 %
    assert '"rule_id": "pass-rate"' in result.stdout


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*'[]{}=."\'#\n abc1_-,:9二', '"""', "[[", "]]", "x = 1\n"]),
                max_size=40).map("".join))
def test_any_text_gives_data_or_a_diagnostic(text: str) -> None:
    """The TOML reader never raises: located data, or a qcrules diagnostic."""
    result = parse_toml_text(text, file="f.toml")
    assert result.data is not None or result.diagnostics
    assert all(d.code.startswith("QC") for d in result.diagnostics)


def test_quoted_chinese_keys_are_located(tmp_path: Path) -> None:
    """A problem under a quoted key such as "二(一)" points at that key's line."""
    path = tmp_path / "f.toml"
    path.write_text('period = 2026\n\n[facts]\n"抽检合格率" = "97.8 百分"\n', encoding="utf-8")
    fact = qcrules.load_facts(path).facts["抽检合格率"]
    assert fact.location == qcrules.Location(str(path), 4)


DOC_BLOCKS = [
    (page, block)
    for page in ("docs/reference/catalog-format.md", "docs/reference/facts-format.md")
    for block in re.findall(r"^```toml\n(.*?)^```", (Path(__file__).parents[2] / page)
                            .read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
]


@pytest.mark.parametrize(("page", "block"), DOC_BLOCKS, ids=[page for page, _ in DOC_BLOCKS])
def test_documented_toml_loads(page: str, block: str, tmp_path: Path) -> None:
    """The TOML examples of the reference load, against the bundled catalogue for facts."""
    path = tmp_path / "example.toml"
    path.write_text(block, encoding="utf-8")
    if "qcrules-facts" in block:
        facts = qcrules.load_facts(path)
        report = qcrules.evaluate(qcrules.load_catalog(), facts)
        assert report.diagnostics == ()
        assert report["agri-product-pass-rate"].met
    else:
        assert qcrules.load_catalog(path)["gdp-per-capita"].quote == "力争本地区人均GDP达8.5万元"
