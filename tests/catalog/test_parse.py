"""Stage 1, parse: reading text files safely, YAML that cannot run code, tables whose header is
found by its labels."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import attrs
import pytest

from qcrules.catalog import parse as _parse
from qcrules.catalog.parse import LIMITS, LocatedMap, parse_yaml_text, read_text
from qcrules.facts import tables as _tables
from qcrules.facts.tables import find_header, header_field, parse_csv_text


class TestReadText:
    """read_text: encodings detected, bad files refused with a located diagnostic."""

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-32"])
    def test_detects_encoding(self, tmp_path: Path, encoding: str) -> None:
        """UTF-8 (with or without BOM), GB18030 and BOM-marked UTF-16/32 read the same text."""
        path = tmp_path / "f.txt"
        path.write_bytes("指标: 96.4%\n".encode(encoding))
        assert read_text(path) == ("指标: 96.4%\n", [])

    def test_unknown_encoding_names_the_line(self, tmp_path: Path) -> None:
        """Undecodable text is QC154 at the line of the first bad byte."""
        path = tmp_path / "f.txt"
        path.write_bytes(b"a\nb\n\xff\xff\n")
        text, problems = read_text(path)
        assert text is None
        assert [(p.code, p.location.line if p.location else None) for p in problems] == [("QC154", 3)]

    def test_unknown_encoding_name(self, tmp_path: Path) -> None:
        """An encoding name Python does not know is QC403, naming the encoding field."""
        path = tmp_path / "f.txt"
        path.write_text("a", encoding="utf-8")
        _, problems = read_text(path, encoding="nope")
        assert [(p.code, p.field, p.got) for p in problems] == [("QC403", "encoding", "nope")]

    @pytest.mark.parametrize(("content", "code"), [
        (b"", "QC152"), (b"  \n\t\n", "QC152"), ("\ufeff".encode(), "QC152"),
        (b"ab\x00cd", "QC153"), (b"PK\x03\x04\x00\x00", "QC153"),
    ])
    def test_refused(self, tmp_path: Path, content: bytes, code: str) -> None:
        """Empty (even a lone BOM) and binary files are refused with their code."""
        path = tmp_path / "f.txt"
        path.write_bytes(content)
        text, problems = read_text(path)
        assert text is None
        assert [p.code for p in problems] == [code]

    def test_directory(self, tmp_path: Path) -> None:
        """A directory is not a file (QC150)."""
        assert [p.code for p in read_text(tmp_path)[1]] == ["QC150"]

    def test_too_large(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A file above LIMITS.max_bytes is QC151."""
        monkeypatch.setattr(_parse, "LIMITS", attrs.evolve(LIMITS, max_bytes=10))
        path = tmp_path / "f.txt"
        path.write_text("x" * 11, encoding="utf-8")
        assert [p.code for p in read_text(path)[1]] == ["QC151"]


class TestYamlSafety:
    """No tag constructs an object; aliases and nesting are bounded; numbers are exact."""

    @pytest.mark.parametrize("text", [
        "!!python/object/apply:os.system ['echo hi > pwned']",
        "a: !!python/object/new:os.system [echo]",
        "a: !!python/name:os.system",
        "a: !!binary aGVsbG8=",
        "a: !custom {x: 1}",
    ])
    def test_tags_are_not_constructed(self, text: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
        """Tagged nodes stay plain data (text, lists, mappings); nothing runs, no file is written."""
        monkeypatch.chdir(tmp_path)
        result = parse_yaml_text(text)
        assert list(tmp_path.iterdir()) == []

        def plain(value: object) -> bool:
            if isinstance(value, dict):
                return all(isinstance(k, str) and plain(v) for k, v in value.items())
            if isinstance(value, list):
                return all(plain(v) for v in value)
            return value is None or isinstance(value, (str, int, bool, Fraction))

        assert plain(result.data)

    def test_billion_laughs(self) -> None:
        """Nine levels of nine aliases (387 million values) stop at LIMITS.max_nodes (QC155)."""
        lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        for level in range(1, 9):
            refs = ", ".join([f"*a{level - 1}"] * 9)
            lines.append(f"a{level}: &a{level} [{refs}]")
        result = parse_yaml_text("\n".join(lines))
        assert result.data is None
        assert [d.code for d in result.diagnostics] == ["QC155"]

    @pytest.mark.parametrize("text", ["[" * 100 + "]" * 100, "a:\n" + "".join(
        " " * (2 * i) + f"k{i}:\n" for i in range(1, 80)) + " " * 160 + "1\n",
        "[" * 5000 + "]" * 5000])
    def test_depth(self, text: str) -> None:
        """Nesting beyond LIMITS.max_depth (or Python's recursion limit) is QC155, not a crash."""
        result = parse_yaml_text(text)
        assert result.data is None
        assert [d.code for d in result.diagnostics] == ["QC155"]

    def test_floats_are_exact(self) -> None:
        """0.1 is read as 1/10, not the nearest binary float."""
        assert parse_yaml_text("a: 0.1").data == {"a": Fraction(1, 10)}

    @pytest.mark.parametrize("text", ["a: 1.0e99999999", "a: 1.0e-99999999"])
    def test_huge_exponents_stay_text(self, text: str) -> None:
        """A float whose exponent exceeds LIMITS.max_exponent stays text (refused later), at once."""
        assert isinstance(parse_yaml_text(text).data["a"], str)

    def test_nan_kept_as_not_a_number(self) -> None:
        """.nan is kept, so that the evaluator can call the fact invalid."""
        value = parse_yaml_text("a: .nan").data["a"]
        assert isinstance(value, _parse.NotANumber)
        assert value.text == ".nan"

    def test_locations(self) -> None:
        """Each key knows its line and column."""
        data = parse_yaml_text("facts:\n  award: 1\n", file="f.yaml").data
        assert isinstance(data["facts"], LocatedMap)
        assert str(data["facts"].at("award")) == "f.yaml:2:3"


class TestHeader:
    """The header row of a table is found by its labels."""

    @pytest.mark.parametrize(("label", "field"), [
        ("指标", "name"), ("指标名称", "name"), (" 指 标 名 称 ", "name"), ("ID", "id"),
        ("代码", "id"), ("数值", "value"), ("Value", "value"), ("单位", "unit"),
        ("计量单位", "unit"), ("来源", "source"), ("时期", "period"), ("地区", "region"),
        ("备注", "note"), ("ｖａｌｕｅ", "value"), ("序号", None), (3, None), (None, None),
    ])
    def test_header_field(self, label: object, field: str | None) -> None:
        """Chinese and English labels, full-width or spaced, name their field; others none."""
        assert header_field(label) == field

    def test_title_rows_skipped(self) -> None:
        """Title rows above the header are skipped."""
        rows = [["2026年主要指标"], [], ["序号", "指标名称", "数值", "单位"]]
        assert find_header(rows) == (2, {1: "name", 2: "value", 3: "unit"})

    def test_needs_value_and_indicator(self) -> None:
        """A row with only a value column, or only a name column, is not a header."""
        assert find_header([["数值", "单位"], ["指标", "备注"]]) is None

    def test_first_column_wins(self) -> None:
        """Two columns naming one field: the first is used."""
        assert find_header([["指标", "数值", "值"]]) == (0, {0: "name", 1: "value"})

    def test_search_is_bounded(self) -> None:
        """A header below LIMITS.header_search_rows is not found."""
        rows: list[list[object]] = [["title"]] * LIMITS.header_search_rows + [["id", "value"]]
        assert find_header(rows) is None


class TestParseCsv:
    """parse_csv_text: located rows keyed by field."""

    def test_rows_keyed_by_field(self) -> None:
        """Cells are keyed by the field their column's label names, blank cells are None."""
        rows = parse_csv_text("标题\n指标,数值,单位\n人均GDP,8.2,\n", file="f.csv").data
        assert rows == [{"name": "人均GDP", "value": "8.2", "unit": None}]
        assert str(rows[0].location) == "f.csv:3"

    def test_quoted_newlines_keep_lines(self) -> None:
        """A row holding a quoted cell over lines is located where it starts (where its id and
        value are), and the next row keeps its own line."""
        rows = parse_csv_text('id,value,note\na,1,"x\ny"\nb,2,\n', file="f.csv").data
        assert [str(r.location) for r in rows] == ["f.csv:2", "f.csv:4"]

    def test_too_many_rows(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """More than LIMITS.max_rows rows is QC155."""
        monkeypatch.setattr(_tables, "LIMITS", attrs.evolve(LIMITS, max_rows=3))
        result = parse_csv_text("id,value\n" + "a,1\n" * 5)
        assert [d.code for d in result.diagnostics] == ["QC155"]

    def test_too_many_columns(self) -> None:
        """A row wider than LIMITS.max_columns is QC155."""
        result = parse_csv_text("id,value\n" + "," * LIMITS.max_columns + "\n")
        assert [d.code for d in result.diagnostics] == ["QC155"]

    def test_field_too_large(self) -> None:
        """A cell beyond the csv module's field limit is QC100, not an exception."""
        result = parse_csv_text('id,value\na,"' + "9" * 200_000 + '"\n')
        assert [d.code for d in result.diagnostics] == ["QC100"]


class TestSurrogateEscapes:
    """json.dumps writes a character beyond U+FFFF (𠀀, Extension B) as a surrogate pair escape:
    it is that character; a lone surrogate is refused (regression: UnicodeEncodeError)."""

    def test_a_pair_is_the_character(self) -> None:
        import json

        text = json.dumps({"region": "𠀀县", "facts": {"r": 1}})
        assert "\\ud840\\udc00" in text  # the escape json.dumps writes
        result = parse_yaml_text(text, file="f.json")
        assert result.diagnostics == ()
        assert result.data["region"] == "𠀀县"

    def test_a_lone_surrogate_is_refused_and_replaced(self) -> None:
        result = parse_yaml_text('{"region": "\\ud840县"}', file="f.json")
        assert [(d.code, d.location.line if d.location else None) for d in result.diagnostics] == [
            ("QC100", 1)]
        assert result.data["region"] == "\ufffd县"
        assert "\\ud840" in str(result.diagnostics[0])

    def test_the_cli_prints_the_character(self, tmp_path: Path) -> None:
        from click.testing import CliRunner

        from qcrules.cli import main

        facts = tmp_path / "f.json"
        facts.write_text('{"region": "\\ud840\\udc00县", "facts": {"gdp-per-capita": "8.6万元/人"}}',
                         encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(facts)])
        assert result.exit_code == 0
        assert "𠀀县" in result.stdout
