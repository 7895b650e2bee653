"""Hostile input: random bytes, structures and strings fed to every loader and parser.

The result is a valid object or a documented error — :class:`~qcrules.QcrulesError` for the
loaders, or the ``ValueError`` subclass of a low-level parser (``UnitProblem``, ``WordError``,
``FormulaError``) — never another exception, never a hang (inputs are bounded in size), and
nothing in an input can run code or write a file. Formulas are checked against a whitelist and
never evaluated as Python.
"""

from __future__ import annotations

import io
import json
import math
import string
import zipfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import qcrules
from qcrules import Op, QcrulesError, facts_from_data, load_facts, loads_catalog
from qcrules.catalog.formula import FormulaError, parse_formula
from qcrules.catalog.parse import parse_yaml_text
from qcrules.catalog.units import UnitProblem, parse_quantity
from qcrules.catalog.words import WordError, parse_bound_text
from qcrules.facts.tables import parse_csv_text
from qcrules.facts.xlsx import parse_xlsx

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

#: Characters that matter to the parsers: digits, units, comparison words, YAML/CSV syntax.
ALPHABET = st.sampled_from(list(string.printable) + list("万元人件个%‰:∶：，。以上下内超过不低于达第位"
                                                     "确保力争亿平方米百分点\ufeff\u3000１２"))
TEXT = st.text(ALPHABET, max_size=60)
SCALARS = (st.none() | st.booleans() | st.integers(-10**6, 10**6)
           | st.floats(allow_nan=True, allow_infinity=True) | TEXT)
STRUCTURES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5)
                          | st.dictionaries(TEXT, inner, max_size=5), max_leaves=30)


def attempt(call: Any, *args: Any) -> tuple[Any, Any]:
    """``(result, None)``, or ``(None, error)`` when the call raises a QcrulesError."""
    try:
        return call(*args), None
    except QcrulesError as error:
        return None, error


def _dump(data: Any, style: str) -> str:
    if style == "json":
        return json.dumps(data, ensure_ascii=False)
    return yaml.safe_dump(data, allow_unicode=True)


class TestLoaders:
    """Catalogue and fact loaders: a valid object or a QcrulesError."""

    @FUZZ
    @given(st.binary(max_size=400))
    def test_random_bytes_as_fact_files(self, tmp_path: Path, data: bytes) -> None:
        """Random bytes under every suffix load or raise FactError."""
        for suffix in (".yaml", ".json", ".csv", ".xlsx"):
            path = tmp_path / f"f{suffix}"
            path.write_bytes(data)
            facts, error = attempt(load_facts, path)
            assert isinstance(facts, qcrules.FactSet) or error.diagnostics

    @FUZZ
    @given(STRUCTURES, st.sampled_from(["yaml", "json"]))
    def test_random_structures_as_fact_files(self, tmp_path: Path, data: Any, style: str) -> None:
        """Random YAML/JSON documents load as facts or raise FactError; every fact is located."""
        path = tmp_path / f"f.{style}"
        try:
            text = _dump(data, style)
        except ValueError:  # json refuses NaN only with allow_nan=False; keep the guard general
            return
        path.write_text(text, encoding="utf-8")
        try:
            facts = load_facts(path)
        except QcrulesError:
            return
        for diagnostic in facts.diagnostics:
            assert diagnostic.code.startswith("QC")

    @FUZZ
    @given(STRUCTURES)
    def test_random_structures_as_facts_data(self, data: Any) -> None:
        """facts_from_data on any plain structure gives a FactSet or raises FactError."""
        try:
            facts = facts_from_data(data)
        except QcrulesError:
            return
        assert isinstance(facts, qcrules.FactSet)

    @FUZZ
    @given(st.dictionaries(TEXT, SCALARS, max_size=8))
    def test_random_facts_evaluate(self, data: dict[str, Any]) -> None:
        """Any mapping of strings to scalars evaluates against a catalogue, or raises FactError
        (``{"facts": false}`` is a fact file whose ``facts`` is not a mapping)."""
        plan = qcrules.compile_catalog(qcrules.load_catalog(Path(__file__).parent / "data" / "mini.yaml"))
        report, error = attempt(qcrules.evaluate, plan, data)
        assert isinstance(error, qcrules.FactError) if report is None else (
            len(report.verdicts) == len(plan.rules))

    @FUZZ
    @given(STRUCTURES)
    def test_random_structures_as_catalogues(self, data: Any) -> None:
        """loads_catalog on any YAML document gives a Catalog or raises CatalogError."""
        catalog, error = attempt(loads_catalog, _dump(data, "yaml"))
        assert isinstance(catalog, qcrules.Catalog) or error.diagnostics

    @FUZZ
    @given(st.text(max_size=300))
    def test_random_text_as_catalogue(self, text: str) -> None:
        """Any text given as a catalogue gives a Catalog or raises CatalogError."""
        catalog, error = attempt(loads_catalog, text)
        assert isinstance(catalog, qcrules.Catalog) or error.diagnostics

    @FUZZ
    @given(st.lists(st.sampled_from(["rules:", "  - id: r", "    kind: floor", "    target: 达98%",
                                     "    formula: a / b", "    inputs: {a: {unit: 人}}", "&x a",
                                     "*x", "<<: *x", "!!python/object:os.system", "- [", "{",
                                     "qcrules: 1", "catalog: {id: c}", "    indicator: {zh: 率}"]),
                    max_size=12))
    def test_catalogue_shaped_text(self, lines: list[str]) -> None:
        """Text made of catalogue-like lines gives a Catalog or raises CatalogError."""
        catalog, error = attempt(loads_catalog, "\n".join(lines))
        assert isinstance(catalog, qcrules.Catalog) or error.diagnostics

    @FUZZ
    @given(st.lists(st.lists(SCALARS, max_size=6), max_size=8),
           st.sampled_from(["0.0%", "General", "0.00", "yyyy-mm-dd"]))
    def test_random_workbooks(self, tmp_path: Path, rows: list[list[Any]], number_format: str) -> None:
        """A workbook of random cells under a header loads or raises FactError."""
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["指标", "数值", "单位", "时期"])
        for row in rows:
            cells = [c if not isinstance(c, str) else "".join(ch for ch in c if ch.isprintable())
                     for c in row]
            sheet.append([None if isinstance(c, float) and not math.isfinite(c) else c
                          for c in cells])
            for cell in sheet[sheet.max_row]:
                cell.number_format = number_format
        path = tmp_path / "f.xlsx"
        book.save(path)
        facts, error = attempt(load_facts, path)
        assert isinstance(facts, qcrules.FactSet) or error.diagnostics

    @FUZZ
    @given(st.dictionaries(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml",
                                            "xl/worksheets/sheet1.xml", "xl/_rels/workbook.xml.rels",
                                            "_rels/.rels", "xl/sharedStrings.xml"]),
                           st.binary(max_size=200) | st.text(max_size=200).map(str.encode),
                           max_size=6))
    def test_random_zip_parts(self, tmp_path: Path, parts: dict[str, bytes]) -> None:
        """A zip of random workbook parts gives rows or diagnostics, never an exception."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in parts.items():
                archive.writestr(name, content)
        path = tmp_path / "f.xlsx"
        path.write_bytes(buffer.getvalue())
        result = parse_xlsx(path)
        assert (result.data is None) == bool(result.diagnostics)


class TestParsers:
    """Low-level parsers: a value or their documented ValueError subclass."""

    @FUZZ
    @given(st.text(max_size=400))
    def test_parse_yaml_text(self, text: str) -> None:
        """parse_yaml_text returns data or diagnostics, never raises."""
        result = parse_yaml_text(text)
        assert result.data is not None or result.diagnostics

    @FUZZ
    @given(st.text(max_size=400))
    def test_parse_csv_text(self, text: str) -> None:
        """parse_csv_text returns rows or diagnostics, never raises."""
        result = parse_csv_text(text)
        assert result.data is not None or result.diagnostics

    @FUZZ
    @given(TEXT | st.text(max_size=60))
    def test_parse_quantity(self, text: str) -> None:
        """parse_quantity gives an exact quantity or raises UnitProblem."""
        try:
            parsed = parse_quantity(text)
        except UnitProblem as problem:
            code = problem.code
        else:
            code = "QC000"
            assert isinstance(parsed.magnitude, Fraction)
        assert code.startswith("QC")

    @FUZZ
    @given(st.text(ALPHABET | st.sampled_from(list("()'\"{}@")), max_size=12))
    def test_fact_units_never_break_evaluation(self, unit: str) -> None:
        """Whatever follows the number in a fact, evaluation gives a verdict (invalid at worst)."""
        plan = qcrules.compile_catalog(qcrules.load_catalog(Path(__file__).parent / "data" / "mini.yaml"))
        report = qcrules.evaluate(plan, {"gdp-per-capita": f"5 {unit}", "award": f"1{unit}"})
        assert report["gdp-per-capita"].status in set(qcrules.Status)


class TestUnitsPintCannotParse:
    """Unit strings that make pint's tokenizer or arithmetic fail are unknown units."""

    def test_unbalanced_parenthesis(self) -> None:
        """An unbalanced parenthesis in a unit is an unknown unit (QC110)."""
        with pytest.raises(UnitProblem):
            parse_quantity("5 万元/人)")

    def test_division_by_zero_in_a_unit(self) -> None:
        """A unit dividing by zero is an unknown unit (QC110)."""
        with pytest.raises(UnitProblem):
            parse_quantity("5 元/0")

    def test_fact_with_such_a_unit_is_invalid(self) -> None:
        """A fact with such a unit is an invalid fact with a located QC110, not a crash."""
        facts = facts_from_data({"gdp-per-capita": "5 万元/人)", "award": {"value": 1, "unit": "项)"}})
        assert [(d.code, d.fact_id) for d in facts.diagnostics] == [
            ("QC110", "gdp-per-capita"), ("QC201", "award")]

    @FUZZ
    @given(TEXT | st.text(max_size=60), st.sampled_from([None, *Op]))
    def test_parse_bound_text(self, text: str, default: Op | None) -> None:
        """parse_bound_text gives a bound or raises WordError."""
        try:
            bound = parse_bound_text(text, default=default)
        except WordError:
            return
        assert isinstance(bound.op, Op)

    @FUZZ
    @given(st.lists(st.sampled_from([*"ab_xy01.+-*/()e '[],:.", "**", "lambda", "__", "import",
                                     "os"]), max_size=30).map("".join))
    def test_parse_formula(self, text: str) -> None:
        """parse_formula gives a checked formula or raises FormulaError; evaluating it with
        positive inputs gives a Fraction or a ZeroDivisionError."""
        try:
            formula = parse_formula(text)
        except FormulaError:
            return
        values = dict.fromkeys(formula.names, Fraction(3, 2))
        try:
            result = formula.evaluate(values)
        except ZeroDivisionError:
            return
        assert isinstance(result, Fraction)


MINI_DERIVED = """\
qcrules: 1
catalog: {{id: t, title: t}}
rules:
  - id: r
    indicator: {{zh: 指标, unit: 件}}
    kind: floor
    target: 达1件
    commitment: strive
    deadline: 2027
    clause: 一
    quote: 达1件
    lead: [甲]
    formula: {formula}
    inputs:
      a: {{unit: 件}}
      b: {{unit: "1"}}
"""


class TestFormulasNeverRunCode:
    """A formula is checked against a whitelist (+ - * /, parentheses, numbers, names)."""

    @pytest.mark.parametrize("text", [
        "__import__('os').system('touch pwned')",
        "deaths.__class__",
        "gdp.real",
        "open('pwned', 'w')",
        "eval('1')",
        "(lambda: 1)()",
        "[x for x in deaths]",
        "{x: 1 for x in deaths}",
        "(x for x in deaths)",
        "9 ** 9 ** 9",
        "2 ** 100000000",
        "deaths[0]",
        "deaths if gdp else 1",
        "deaths < gdp",
        "'text'",
        "deaths; gdp",
        "(y := 1)",
        "not deaths",
        "deaths // gdp",
        "deaths % gdp",
        "deaths @ gdp",
        "f'{deaths}'",
        "1" * 5000,
        "(" * 1000 + "a" + ")" * 1000,
    ])
    def test_refused(self, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Anything outside the language is FormulaError; nothing runs, no file appears."""
        monkeypatch.chdir(tmp_path)
        with pytest.raises(FormulaError):
            parse_formula(text)
        assert list(tmp_path.iterdir()) == []

    def test_deep_unary_chain(self) -> None:
        """A long chain of signs is within the language and evaluates exactly."""
        assert parse_formula("-" * 300 + "a").evaluate({"a": Fraction(2)}) == 2

    def test_literals_are_read_exactly_as_written(self) -> None:
        """0.1 is 1/10 and 1e999 is 10**999, not a binary float or infinity."""
        formula = parse_formula("deaths / gdp * 0.1 + 1e999 - 1e999")
        assert formula.evaluate({"deaths": Fraction(3), "gdp": Fraction(1)}) == Fraction(3, 10)

    @pytest.mark.parametrize("literal", ["1e1001", "1e-1001", "1e999999999"])
    def test_literal_beyond_the_exponent_limit(self, literal: str) -> None:
        """A literal whose exponent is beyond the documented limit is refused, at once."""
        with pytest.raises(FormulaError, match="out of range"):
            parse_formula(f"deaths / gdp * {literal}")

    def test_literal_beyond_floats_in_the_vectorised_path(self, tmp_path: Path) -> None:
        """A literal no float can hold sends the rule to the exact path: same verdicts."""
        catalogue = tmp_path / "c.yaml"
        catalogue.write_text(MINI_DERIVED.format(formula="a * 1e999 / b"), encoding="utf-8")
        plan = qcrules.compile_catalog(qcrules.load_catalog(catalogue))
        table = {"r.a": [1.0, 0.0], "r.b": [3.0, 1e308]}
        result = qcrules.evaluate_table(plan, table)
        assert [result.report(row)["r"].status for row in range(2)] == [
            qcrules.evaluate(plan, {"r.a": a, "r.b": b})["r"].status
            for a, b in zip(table["r.a"], table["r.b"], strict=True)] == [
            qcrules.Status.MET, qcrules.Status.NOT_MET]
