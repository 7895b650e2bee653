"""Input is bounded while it is read, not after: a YAML document is refused once it holds more
values than the limit (regression: a million keys took 155 s and 1.3 GB, a 9.5-million-item flow
list 363 s and 5.3 GB, a 100,000-rule catalogue 99 s and 1.6 GB before QC155), and a number
is refused by its digits before it is converted (regression: 400,000 digits took 7 s).

Bounds are checked by counting (nodes composed, bytes allocated, digits), never by timing.
"""

from __future__ import annotations

import io
import tracemalloc
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

from qcrules import compile_catalog, evaluate
from qcrules.base.errors import CatalogError
from qcrules.base.numbers import MAX_DIGITS, too_many_digits
from qcrules.catalog import parse as _parse
from qcrules.catalog.load import load_catalog, loads_catalog
from qcrules.catalog.parse import LIMITS, parse_yaml_text
from qcrules.catalog.toml import parse_toml_text
from qcrules.catalog.units import (
    MAX_UNIT_LENGTH,
    UnitProblem,
    canonical_unit,
    parse_number,
    parse_quantity,
    unit_is_malformed,
)
from qcrules.catalog.words import MAX_DOUBLINGS, parse_change_text

SMALL = 1_000


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """A document limit of 1,000 values, so that a document far beyond it stays quick to make."""
    monkeypatch.setattr(_parse, "LIMITS", attrs.evolve(LIMITS, max_nodes=SMALL))
    return SMALL



def many_keys(count: int) -> str:
    return "".join(f"k{i}: {i}\n" for i in range(count))


class TestDocumentsAreCountedWhileComposed:
    def test_a_mapping_of_many_keys_stops_at_the_limit(self, small_limit: int,
                                                       composed: list[int]) -> None:
        """50,000 keys: refused after the limit's values (and their keys), not all of them."""
        result = parse_yaml_text(many_keys(50_000), file="big.yaml")
        assert [d.code for d in result.diagnostics] == ["QC155"]
        assert result.diagnostics[0].location is not None
        assert result.diagnostics[0].location.file == "big.yaml"
        assert result.diagnostics[0].location.line == small_limit  # the key after the limit
        assert composed[0] <= 2 * small_limit + 2

    def test_a_long_flow_list_stops_at_the_limit_in_bounded_memory(self, small_limit: int,
                                                                   composed: list[int]) -> None:
        """A flow list of 300,000 items: composed up to the limit, in a few hundred kilobytes."""
        text = "[" + "1, " * 300_000 + "1]"
        tracemalloc.start()
        try:
            result = parse_yaml_text(text, file="list.yaml")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert [d.code for d in result.diagnostics] == ["QC155"]
        assert str(result.diagnostics[0]).startswith("list.yaml:1:")
        assert composed[0] <= small_limit + 2
        assert peak < 8 * 1024 * 1024

    def test_a_composed_node_keeps_only_a_small_start_mark(self) -> None:
        """PyYAML's two marks a node, each with a dictionary, are most of a document's memory:
        only the start's line and column are kept."""
        loader = _parse._safe_composer()(io.StringIO(many_keys(10)), "f.yaml")
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        key, value = node.value[0]
        assert (key.start_mark.line, key.start_mark.column) == (0, 0)
        assert value.end_mark is None
        assert type(value.start_mark).__slots__ == ("column", "line")

    def test_nesting_is_refused_while_composed(self, composed: list[int]) -> None:
        text = "a: " + "[" * 1000 + "]" * 1000
        result = parse_yaml_text(text, file="deep.yaml")
        assert [d.code for d in result.diagnostics] == ["QC155"]
        assert "nested too deeply" in str(result.diagnostics[0])
        # libyaml's parser stops at its own depth first; the Python parser reads the document
        # again to report it, and stops at the limit: twice a bounded reading at most
        assert composed[0] <= 2 * (LIMITS.max_depth + 3)

    def test_a_catalogue_of_many_rules_stops_at_the_limit(self, small_limit: int,
                                                          composed: list[int]) -> None:
        with pytest.raises(CatalogError) as raised:
            loads_catalog(catalogue(2_000), file="big.yaml")
        assert raised.value.code == "QC155"
        assert str(raised.value).startswith("big.yaml:")
        assert composed[0] <= 2 * small_limit + 2

    def test_thousands_of_rules_still_load(self) -> None:
        """The real limit is far above a real plan (43 rules): 2,000 rules load."""
        plan = loads_catalog(catalogue(2_000), file="big.yaml")
        assert len(plan.rules) == 2_000
        assert plan.rules[-1].id == "r1999"

    def test_an_alias_still_counts_each_time_it_is_used(self) -> None:
        text = "a: &x [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n" + "".join(
            f"b{i}: *x\n" for i in range(LIMITS.max_nodes // 10))
        result = parse_yaml_text(text, file="aliases.yaml")
        assert [d.code for d in result.diagnostics] == ["QC155"]


def catalogue(rules: int) -> str:
    body = "".join(
        f"  - {{id: r{i}, indicator: {{zh: 指标{i}, unit: 万元/人}}, kind: floor, "
        f"target: 达{i}.5万元/人, commitment: strive, deadline: 2027, clause: 二, "
        f"quote: 力争达{i}.5万元, lead: [市统计局]}}\n" for i in range(rules))
    return "qcrules: 1\ncatalog: {id: big, title: 大方案}\nrules:\n" + body


class TestTheDigitsOfANumber:
    """A number of more than MAX_DIGITS digits is refused before it is converted."""

    def test_the_limit_holds_any_number_within_the_exponent_range_written_in_full(self) -> None:
        assert not too_many_digits("1" + "0" * 1000)
        assert not too_many_digits("0." + "0" * 999 + "15")
        assert too_many_digits("0." + "1" * MAX_DIGITS)

    @pytest.mark.parametrize("digits", [MAX_DIGITS - 1, MAX_DIGITS])
    def test_a_number_at_the_limit_is_read_exactly(self, digits: int) -> None:
        text = "0." + "3" * (digits - 1)
        assert parse_number(text) == Fraction(int("3" * (digits - 1)), 10 ** (digits - 1))
        assert parse_quantity(text + "万元").magnitude == parse_number(text)

    @pytest.mark.parametrize("text", [
        "0." + "1" * MAX_DIGITS + "万元",      # one digit too many
        "0." + "1" * 400_000 + "万元",         # the report's 400,000 digits
        "1:0." + "1" * MAX_DIGITS,             # a ratio's term
        "8." + "5" * 400_000 + "万元/人\n1",    # a line break, which the pattern cannot pass
    ])
    def test_a_longer_number_is_qc112(self, text: str) -> None:
        with pytest.raises(UnitProblem) as raised:
            parse_quantity(text)
        assert raised.value.code == "QC112"
        assert raised.value.message == "a number too long to read"
        assert raised.value.expected == f"a number of at most {MAX_DIGITS} digits"
        assert len(raised.value.got) < 100  # the value is quoted cut, not whole

    def test_parse_number_too(self) -> None:
        with pytest.raises(UnitProblem, match="too long"):
            parse_number("1" + ",000" * 700 + ".5")

    @pytest.mark.parametrize("written", ["0." + "7" * MAX_DIGITS, "7" * (MAX_DIGITS + 1)])
    def test_a_yaml_number_of_too_many_digits_stays_text(self, written: str) -> None:
        """Never converted by the parser: kept as text, which the reader then refuses."""
        data = parse_yaml_text(f"a: {written}\n").data
        assert data["a"] == written

    def test_a_toml_number_of_too_many_digits_stays_text(self) -> None:
        written = "0." + "7" * MAX_DIGITS
        whole = "7" * (MAX_DIGITS + 1)
        data = parse_toml_text(f"a = {written}\nb = {whole}\nc = 0.5\n").data
        assert (data["a"], data["b"], data["c"]) == (written, whole, Fraction(1, 2))

    def test_a_catalogue_target_of_too_many_digits_is_qc112(self) -> None:
        text = catalogue(1).replace("达0.5万元/人", "达0." + "5" * 400_000 + "万元/人")
        with pytest.raises(CatalogError) as raised:
            loads_catalog(text, file="c.yaml")
        assert [d.code for d in raised.value.diagnostics] == ["QC112"]
        assert "rule r0, field target: a number too long to read" in str(raised.value)

    def test_a_catalogue_file_with_a_yaml_number_too_long(self, tmp_path: Path) -> None:
        path = tmp_path / "c.yaml"
        path.write_text(catalogue(1).replace("达0.5万元/人", "0." + "5" * 10_000),
                        encoding="utf-8")
        with pytest.raises(CatalogError) as raised:
            load_catalog(path)
        assert "QC112" in {d.code for d in raised.value.diagnostics}

    def test_a_multiple_of_too_many_digits_is_refused(self) -> None:
        with pytest.raises(ValueError, match="too long"):
            parse_change_text("增长" + "1" * 400_000 + "倍")

    @pytest.mark.parametrize("count", ["65", "9999999999", "9" * 5000])
    def test_a_doubling_beyond_the_limit_is_refused(self, count: str) -> None:
        """翻9999999999番 would compute 2**9999999999: refused by its count."""
        with pytest.raises(ValueError, match=f"at most {MAX_DOUBLINGS}"):
            parse_change_text(f"翻{count}番")

    def test_a_doubling_within_the_limit_is_read(self) -> None:
        assert parse_change_text("翻三番").multiple == 8
        assert parse_change_text("翻64番").multiple == 2**64


class TestUnitsTooLargeToEvaluate:
    """A unit pint would recurse through or compute for ever is malformed: QC110, never a
    RecursionError (a thousand minus signs) or a hang (a tower of powers, a huge exponent)."""

    @pytest.mark.parametrize("unit", [
        "-" * 1000 + "元",             # RecursionError in pint's parser
        "元" + "-" * 1000 + "元",
        "(" * 1000 + "万元" + ")" * 1000 + "/人",
        "a" + "**2" * 300,             # 2**2**2**…: never finishes
        "万元**2**2",
        "万元**99999999",              # a factor of 400 million digits
        "元*1e99999999",
        "元" * (MAX_UNIT_LENGTH + 1),
    ])
    def test_refused(self, unit: str) -> None:
        assert unit_is_malformed(unit)
        with pytest.raises(UnitProblem) as raised:
            canonical_unit(unit)
        assert raised.value.code == "QC110"

    @pytest.mark.parametrize("unit", ["万元/人", "件/万人", "m^2/人", "千克标准煤/万元", "%"])
    def test_units_as_written_still_parse(self, unit: str) -> None:
        assert not unit_is_malformed(unit)
        canonical_unit(unit)

    def test_a_fact_with_such_a_unit_is_invalid_for_its_rule(self) -> None:
        plan = compile_catalog(load_catalog(Path(__file__).parents[1] / "data" / "mini.yaml"))
        for unit in ("(" * 1000 + "万元" + ")" * 1000 + "/人", "a" + "**2" * 300):
            verdict = evaluate(plan, {"gdp-per-capita": "8.5" + unit})["gdp-per-capita"]
            assert verdict.problem is not None
            assert verdict.problem.code == "QC110"
