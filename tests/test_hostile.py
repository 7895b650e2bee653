"""The hostile-input corpus: every attack on the input and output paths, through every loader
and command it applies to.

Each case is a small file under ``tests/data/hostile/`` (the large ones are written here, at run
time). Every command is run through :func:`qcrules.cli.run`, the console script's own entry, so
that an unforeseen error would show as exit 3: each run must exit 0, 1 or 2, print no traceback
and no internal error, and say what is wrong on one line with its code. The Python API
(``load_facts``, ``load_catalog``, ``evaluate``) must raise only a ``QcrulesError`` or carry the
problem in its result. Bounds on time and memory are checked by counting (values composed,
bytes allocated), never by timing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tracemalloc
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import attrs
import pytest
import yaml
from click.testing import CliRunner

import qcrules
from qcrules.base.errors import CatalogError, FactError, QcrulesError
from qcrules.catalog import parse as _parse
from qcrules.cli import run

DATA = Path(__file__).parent / "data"
HOSTILE = DATA / "hostile"
MINI = str(DATA / "mini.yaml")
PLAN = str(HOSTILE / "plan.yaml")
GOOD_2025 = str(HOSTILE / "good-2025.yaml")
GOOD_2026 = str(HOSTILE / "good-2026.yaml")


@attrs.frozen
class Ran:
    code: int
    out: str
    err: str

    def lines_with(self, code: str) -> list[str]:
        return [line for line in (self.out + self.err).splitlines() if f" {code} " in line]


def cli(*argv: str, stdin: str = "") -> Ran:
    """Run ``qcrules ARGV`` as the console script does; never a traceback, never exit 3."""
    with CliRunner().isolation(input=stdin) as (out, err, _):
        code = run(list(argv))
    ran = Ran(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))
    assert code in (0, 1, 2), ran
    assert "Traceback" not in ran.out + ran.err
    assert "internal error" not in ran.err
    return ran


def assert_one_line(ran: Ran, code: str, message: str, *, prefix: str = "error: ") -> str:
    """The problem is said on one line that starts with ``prefix`` and holds ``code message``."""
    lines = ran.lines_with(code)
    assert lines, ran
    assert all(line.startswith(prefix) for line in lines), lines
    assert any(f" {code} {message}" in line for line in lines), lines
    assert "\x1b" not in ran.out + ran.err   # no escape sequence reaches a terminal
    return lines[0]


def hostile(name: str) -> str:
    return str(HOSTILE / name)


# -- facts whose value must be refused, never read as something nobody wrote ----------------

#: file, the rule the fact feeds (``None``: a problem of the file), code, message after the code
REFUSED_FACTS = [
    ("comma-decimal.yaml", "gdp-per-capita", "QC112",
     "fact gdp-per-capita, field value: '8,5万元/人' is not a quantity"),
    ("comma-rate.yaml", "pass-rate", "QC112", "fact pass-rate, field value: '3,6%' is not a quantity"),
    ("comma-groups.yaml", "gdp-per-capita", "QC112",
     "fact gdp-per-capita, field value: '1,2,3万元/人' is not a quantity"),
    ("double-percent.yaml", "pass-rate", "QC112",
     "fact pass-rate, field value: '3.6%%' is not a quantity: '%%' is not a unit"),
    ("trailing-garbage.yaml", "pass-rate", "QC112",
     "fact pass-rate, field value: '9%#garbage' is not a quantity: '%#garbage' is not a unit"),
    ("trailing-nul.json", "pass-rate", "QC112",
     "fact pass-rate, field value: '96%\\x00' is not a quantity: '%\\x00' is not a unit"),
    ("ratio-zero.yaml", "teacher-ratio", "QC112",
     "fact teacher-ratio, field value: ratio '1:0' has a zero second term"),
    ("escape-in-value.yaml", "gdp-per-capita", "QC112",
     "fact gdp-per-capita, field value: '8.6万元/人\\x1b]0;pwned\\x07\\x1b[2J' is not a quantity"),
    ("lone-surrogate.json", None, "QC100",
     "a lone surrogate escape (\\ud800–\\udfff) is not a character"),
]


class TestRefusedFacts:
    @pytest.mark.parametrize(("name", "rule", "code", "message"), REFUSED_FACTS)
    @pytest.mark.parametrize("command", ["check", "check-json", "report", "progress", "watch"])
    def test_every_command_refuses_the_file(self, tmp_path: Path, command: str, name: str,
                                            rule: str | None, code: str, message: str) -> None:
        facts = hostile(name)
        argv = {"check": ["check", facts], "check-json": ["check", facts, "--format", "json"],
                "report": ["report", facts, "-o", str(tmp_path / "r.html")],
                "progress": ["progress", GOOD_2025, facts], "watch": ["watch", facts]}[command]
        ran = cli(*argv, "-r", MINI)
        assert ran.code == 2
        line = assert_one_line(ran, code, message)
        assert line.startswith(f"error: {facts}:")
        assert not (tmp_path / "r.html").exists()

    @pytest.mark.parametrize(("name", "rule", "code", "message"), REFUSED_FACTS)
    def test_explain_shows_the_verdict_invalid(self, name: str, rule: str | None, code: str,
                                               message: str) -> None:
        """explain explains an invalid verdict: it names what is wrong with the value, and
        exits 2 as check does (a bad fact of another rule leaves this one's verdict usable)."""
        ran = cli("explain", rule or "gdp-per-capita", hostile(name), "-r", MINI)
        assert ran.code == (2 if rule is not None else 0)
        assert "\x1b" not in ran.out
        if rule is not None:
            assert "数据无效" in ran.out
            quoted = re.search(r"'.*?'", message)
            assert quoted is not None
            assert quoted.group() in ran.out   # the value as written, shown safe

    @pytest.mark.parametrize(("name", "rule", "code", "message"), REFUSED_FACTS)
    def test_watch_refuses_the_same_values_on_a_line_and_goes_on(
            self, name: str, rule: str | None, code: str, message: str) -> None:
        text = (HOSTILE / name).read_text(encoding="utf-8")
        # the file's own text as one line: JSON as it is, YAML as the JSON it reads as
        line = (" ".join(text.split("\n")) if name.endswith(".json")
                else json.dumps(yaml.safe_load(text), ensure_ascii=False))
        ran = cli("watch", "-r", MINI, stdin=line + '\n{"id": "award", "value": 1}\n')
        assert ran.code == 0
        assert_one_line(ran, code, message, prefix="<stdin>:1: ")
        assert "award: 缺数据 → 达标" in ran.out   # the line after it is read

    @pytest.mark.parametrize(("name", "rule", "code", "message"), REFUSED_FACTS)
    def test_python(self, name: str, rule: str | None, code: str, message: str) -> None:
        plan = qcrules.compile_catalog(qcrules.load_catalog(MINI))
        facts = qcrules.load_facts(hostile(name))
        assert [d.code for d in facts.diagnostics] == [code]
        assert message in str(facts.diagnostics[0])
        if rule is None:   # a problem of the file, not of one value
            return
        verdict = qcrules.evaluate(plan, facts)[rule]
        assert verdict.status is qcrules.Status.INVALID
        assert verdict.problem is not None
        assert verdict.problem.code == code


class TestOneIndicatorByIdAndByName:
    """Given by its id and by its Chinese name with different values: QC204, in one file or
    two; with equal values written differently (8.2万元/人, 82000元/人): no conflict."""

    MESSAGE = ("rule gdp-per-capita, fact 人均GDP, field value: given twice, as gdp-per-capita "
               "and as 人均GDP, with different values")
    FILES: ClassVar = [(hostile("id-and-name.yaml"),),
             (hostile("id-in-one-file.yaml"), hostile("name-in-another-file.yaml"))]

    @pytest.mark.parametrize("files", FILES)
    @pytest.mark.parametrize("command", ["check", "report", "progress"])
    def test_a_conflict(self, tmp_path: Path, files: tuple[str, ...], command: str) -> None:
        argv = {"check": ["check", *files], "report": ["report", *files, "-o",
                                                        str(tmp_path / "r.md")],
                "progress": ["progress", GOOD_2025, *files]}[command]
        ran = cli(*argv, "-r", MINI)
        assert ran.code == 2
        assert_one_line(ran, "QC204", self.MESSAGE)

    @pytest.mark.parametrize("files", FILES)
    def test_explain_watch_and_python(self, files: tuple[str, ...]) -> None:
        assert "given twice" in cli("explain", "gdp-per-capita", *files, "-r", MINI).out
        watched = cli("watch", "--initial", *files, "-r", MINI)
        assert watched.code == 0
        assert "gdp-per-capita: 数据无效" in watched.out
        plan = qcrules.compile_catalog(qcrules.load_catalog(MINI))
        verdict = qcrules.evaluate(plan, qcrules.load_facts(*files))["gdp-per-capita"]
        assert verdict.problem is not None
        assert verdict.problem.code == "QC204"

    def test_equal_values_are_no_conflict(self) -> None:
        ran = cli("check", hostile("id-and-name-equal.yaml"), "-r", MINI)
        assert ran.code == 0
        assert "QC204" not in ran.err
        assert "8.2万元/人" in ran.out


# -- legal values that used to crash the output --------------------------------------------

class TestLegalValuesAreWrittenWhatever_They_Are:
    @pytest.mark.parametrize(("name", "shown"), [
        ("large-value.yaml", "100000000000000000000000000万元/人"),   # 1e26
        ("large-value.json", "30000000000000000万元/人"),             # 3e16
        ("surrogate-pair.json", "𠀀市统计局"),                         # a pair is its character
        ("escape-in-source.yaml", "市统计局\\x1b]0;pwned\\x07"),        # shown, never run
    ])
    @pytest.mark.parametrize("command", ["check", "check-json", "explain", "report-html",
                                         "report-md", "report-json", "report-csv", "report-xml",
                                         "progress", "watch"])
    def test_every_output(self, tmp_path: Path, name: str, shown: str, command: str) -> None:
        facts = hostile(name)
        output = tmp_path / f"r.{command.rsplit('-', maxsplit=1)[-1]}"
        argv = {"check": ["check", facts], "check-json": ["check", facts, "-f", "json"],
                "explain": ["explain", "gdp-per-capita", facts],
                "progress": ["progress", GOOD_2025, facts],
                "watch": ["watch", "--initial", facts]}.get(
                    command, ["report", facts, "-o", str(output)])
        ran = cli(*argv, "-r", MINI)
        assert ran.code == 0, ran
        assert "\x1b" not in ran.out + ran.err
        written = output.read_text(encoding="utf-8") if output.exists() else ran.out
        if command not in ("report-html", "report-csv"):   # see test_report_files_below_…
            assert "\x1b" not in written
        if command == "explain":
            assert shown in ran.out

    def test_a_large_value_does_not_end_a_watch_stream(self) -> None:
        lines = ('{"id": "gdp-per-capita", "value": "1e26"}\n'
                 '{"id": "gdp-per-capita", "value": 3e16}\n{"id": "award", "value": 1}\n')
        for fmt in ("text", "json"):
            ran = cli("watch", "-r", MINI, "-f", fmt, stdin=lines)
            assert ran.code == 0
            assert len(ran.out.splitlines()) == 2   # unknown → met, then award; 3e16 is met too
            assert "award" in ran.out.splitlines()[-1]

    @pytest.mark.parametrize("fmt", ["text", "json"])
    def test_a_lone_surrogate_on_a_watch_line_is_refused(self, fmt: str) -> None:
        """Regression: a lone surrogate in a line's source ended watch --format json with an
        internal error (UnicodeEncodeError, exit 3)."""
        lines = ('{"id": "gdp-per-capita", "value": "8.6万元/人", "source": "\\ud840"}\n'
                 '{"id": "award", "value": 1}\n')
        ran = cli("watch", "-r", MINI, "-f", fmt, stdin=lines)
        assert ran.code == 0
        assert_one_line(ran, "QC100", "a lone surrogate escape", prefix="<stdin>:1: ")
        assert "award" in ran.out


# -- catalogues ---------------------------------------------------------------------------

#: file, code, message after the code
REFUSED_CATALOGUES = [
    ("name-is-other-id.yaml", "QC104",
     "rule third, field indicator.zh: the indicator name 'pass-rate' is another rule's id"),
    ("shared-name.yaml", "QC104",
     "rule third, field indicator.zh: two rules share the indicator name '人均GDP'"),
    ("formula-zero-divisor.yaml", "QC130",
     "rule per-head, field formula: the formula divides by zero whatever its inputs are"),
    ("one-bad-rule.yaml", "QC110", "rule third, field target: unknown unit '件每吨口'"),
    ("doublings.yaml", "QC120",
     "rule third, field target: '翻9999999999番' names more doublings than any plan"),
    ("unit-tower.yaml", "QC110", "rule third, field indicator.unit: unknown unit 'a**2**2"),
]


class TestRefusedCatalogues:
    @pytest.mark.parametrize(("name", "code", "message"), REFUSED_CATALOGUES)
    @pytest.mark.parametrize("command", ["validate", "check", "report", "explain", "progress",
                                         "watch"])
    def test_every_command(self, tmp_path: Path, command: str, name: str, code: str,
                           message: str) -> None:
        rules = hostile(name)
        argv = {"validate": ["validate", rules], "check": ["check", GOOD_2026, "-r", rules],
                "report": ["report", GOOD_2026, "-o", str(tmp_path / "r.html"), "-r", rules],
                "explain": ["explain", "gdp-per-capita", GOOD_2026, "-r", rules],
                "progress": ["progress", GOOD_2025, GOOD_2026, "-r", rules],
                "watch": ["watch", "-r", rules]}[command]
        ran = cli(*argv)
        assert ran.code == 2
        line = assert_one_line(ran, code, message)
        assert line.startswith(f"error: {rules}:")

    @pytest.mark.parametrize(("name", "code", "message"), REFUSED_CATALOGUES)
    def test_keep_going_evaluates_every_other_rule(self, name: str, code: str,
                                                   message: str) -> None:
        ran = cli("check", "--keep-going", GOOD_2026, "-r", hostile(name))
        assert ran.code == 2
        assert_one_line(ran, code, message)
        assert "gdp-per-capita" in ran.out
        assert "8.6万元/人" in ran.out

    @pytest.mark.parametrize(("name", "code", "message"), REFUSED_CATALOGUES)
    def test_python(self, name: str, code: str, message: str) -> None:
        with pytest.raises(CatalogError) as raised:
            qcrules.load_catalog(hostile(name))
        assert code in [d.code for d in raised.value.diagnostics]
        assert message in str(raised.value)
        kept = qcrules.load_catalog(hostile(name), keep_going=True)
        assert "gdp-per-capita" in kept
        assert code in [d.code for d in kept.problems]


class TestSoundCataloguesOfHostileText:
    def test_a_formula_literal_1e999(self, tmp_path: Path) -> None:
        rules = hostile("formula-1e999.yaml")
        assert cli("validate", rules).code == 0
        facts = tmp_path / "f.yaml"
        facts.write_text("gdp-per-capita: 8.6万元/人\nper-head.a: 280\nper-head.b: 20万人\n",
                         encoding="utf-8")
        for argv in (["check", str(facts)], ["explain", "per-head", str(facts)],
                     ["report", str(facts), "-o", str(tmp_path / "r.html")]):
            assert cli(*argv, "-r", rules).code == 0
        assert "14件/万人" in cli("explain", "per-head", str(facts), "-r", rules).out

    def test_markdown_cannot_be_broken_out_of(self, tmp_path: Path) -> None:
        rules = hostile("markdown.yaml")
        for suffix in ("md", "html"):
            output = tmp_path / f"r.{suffix}"
            assert cli("report", GOOD_2026, "-o", str(output), "-r", rules).code == 0
            written = output.read_text(encoding="utf-8")
            # HTML: escaped as &lt;; Markdown: \< renders as a literal <, never a tag
            assert "<script>" not in written.replace("\\<script>", "")
            assert "<img" not in written.replace("\\<img", "")
        table = [line for line in (tmp_path / "r.md").read_text(encoding="utf-8").splitlines()
                 if "script" in line]
        assert table
        assert all(line.count("|") - line.count("\\|") in (0, 7, 8, 9) for line in table)

    @pytest.mark.parametrize("suffix", ["html", "csv"])
    def test_report_files_below_carry_no_control_character(self, tmp_path: Path,
                                                           suffix: str) -> None:
        output = tmp_path / f"r.{suffix}"
        cli("report", GOOD_2026, "-o", str(output), "-r", hostile("escape-in-catalogue.yaml"))
        written = output.read_text(encoding="utf-8")
        assert "\x1b" not in written
        assert "人均GDP\\x1b]0;pwned" in written   # shown, as on a terminal

    def test_escapes_in_catalogue_names_are_shown_not_run(self, tmp_path: Path) -> None:
        rules = hostile("escape-in-catalogue.yaml")
        for argv in (["check", GOOD_2026], ["explain", "gdp-per-capita", GOOD_2026],
                     ["report", GOOD_2026, "-o", str(tmp_path / "r.md")], ["rules", "list"],
                     ["rules", "show", "gdp-per-capita"]):
            ran = cli(*argv, "-r", rules)
            assert ran.code == 0
            assert "\x1b" not in ran.out + ran.err
        assert "\x1b" not in (tmp_path / "r.md").read_text(encoding="utf-8")
        assert "人均GDP\\x1b]0;pwned" in cli("check", GOOD_2026, "-r", rules).out

    def test_a_source_outside_the_catalogue_folder_is_never_read(self) -> None:
        ran = cli("validate", hostile("source-outside.yaml"))
        assert ran.code == 0
        assert_one_line(ran, "QC176", "field catalog.source.file: quotes not checked: the source "
                        "document is outside the catalogue's folder", prefix="note: ")
        assert "root:" not in ran.out   # nothing of the file it names is shown
        assert not qcrules.load_catalog(hostile("source-outside.yaml")).notes[0].got.startswith(
            "root")

    @pytest.mark.parametrize("kind", ["fifo", "too-large", "directory"])
    def test_a_source_that_is_not_a_readable_file_is_skipped_and_said(self, tmp_path: Path,
                                                                      kind: str) -> None:
        """A FIFO used to hang validate; a too-large file skipped the check silently."""
        rules = tmp_path / "plan.yaml"
        shutil.copy(hostile("source-special.yaml"), rules)
        source = tmp_path / "plan.txt"
        if kind == "fifo":
            if not hasattr(os, "mkfifo"):
                pytest.skip("no FIFOs here")
            os.mkfifo(source)
        elif kind == "too-large":
            with source.open("wb") as stream:
                stream.truncate(_parse.LIMITS.max_bytes + 1)
        else:
            source.mkdir()
        ran = cli("validate", str(rules))
        assert ran.code == 0
        assert_one_line(ran, "QC176", "field catalog.source.file: quotes not checked: the "
                        "source document:", prefix="note: ")


# -- size: bounded by counting, not by timing ---------------------------------------------

@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, composed: list[int]) -> list[int]:
    """A document limit of 1,000 values (the real one is 200,000, so that each command stays
    quick), and a count of the YAML nodes composed under it."""
    monkeypatch.setattr(_parse, "LIMITS", attrs.evolve(_parse.LIMITS, max_nodes=1_000))
    return composed


def big(tmp_path: Path, kind: str) -> Path:
    """The report's large files, each under the 20 MiB size limit."""
    if kind == "million-keys":
        path = tmp_path / "million-keys.yaml"
        path.write_text("facts:\n" + "".join(f"  k{i}: {i}\n" for i in range(1_000_000)),
                        encoding="utf-8")
    elif kind == "flow-list":
        path = tmp_path / "flow-list.yaml"
        path.write_text("facts: [" + "1," * 9_500_000 + "1]\n", encoding="utf-8")
    else:
        path = tmp_path / "rules-100000.yaml"
        rule = ("- {{id: r{0}, indicator: {{zh: 指标{0}, unit: 件}}, kind: floor, target: 达3件, "
                "commitment: strive, deadline: 2027, clause: 二, quote: q, lead: [局]}}\n")
        path.write_text("qcrules: 1\ncatalog: {id: big, title: 大}\nrules:\n"
                        + "".join(rule.format(i) for i in range(100_000)), encoding="utf-8")
    assert path.stat().st_size <= _parse.LIMITS.max_bytes
    return path


class TestLargeDocuments:
    @pytest.mark.parametrize("kind", ["million-keys", "flow-list"])
    @pytest.mark.parametrize("command", ["check", "report", "explain", "progress", "watch",
                                         "python"])
    def test_a_large_fact_file(self, tmp_path: Path, counted: list[int], kind: str,
                               command: str) -> None:
        facts = str(big(tmp_path, kind))
        if command == "python":
            with pytest.raises(FactError) as raised:
                qcrules.load_facts(facts)
            assert raised.value.code == "QC155"
        else:
            argv = {"check": ["check", facts], "report": ["report", facts, "-o",
                                                          str(tmp_path / "r.html")],
                    "explain": ["explain", "gdp-per-capita", facts],
                    "progress": ["progress", GOOD_2025, facts], "watch": ["watch", facts]}[command]
            ran = cli(*argv, "-r", MINI)
            assert ran.code == 2
            assert_one_line(ran, "QC155", "document too large")
        composed_for_mini = 400   # the catalogue is composed too
        assert counted[0] <= 2 * 1_000 + composed_for_mini + 50

    @pytest.mark.parametrize("command", ["validate", "check", "python"])
    def test_a_catalogue_of_100000_rules(self, tmp_path: Path, counted: list[int],
                                         command: str) -> None:
        rules = str(big(tmp_path, "rules"))
        if command == "python":
            with pytest.raises(CatalogError) as raised:
                qcrules.load_catalog(rules)
            assert raised.value.code == "QC155"
        else:
            ran = cli(*(["validate", rules] if command == "validate"
                        else ["check", GOOD_2026, "-r", rules]))
            assert ran.code == 2
            assert_one_line(ran, "QC155", "document too large")
        assert counted[0] <= 2 * 1_000 + 50

    def test_memory_is_bounded_by_the_limit_not_the_file(self, tmp_path: Path,
                                                         counted: list[int]) -> None:
        facts = big(tmp_path, "flow-list")
        tracemalloc.start()
        try:
            with pytest.raises(FactError):
                qcrules.load_facts(facts)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        # the file's text (19 MB, held while it is read) and little beyond it
        assert peak < facts.stat().st_size * 5 + 16 * 1024 * 1024


class TestLongNumbers:
    @pytest.mark.parametrize(("name", "text"), [
        ("digits.yaml", "gdp-per-capita: 0." + "3" * 400_000 + "\n"),
        ("digits-quoted.yaml", "gdp-per-capita: '0." + "3" * 400_000 + "万元/人'\n"),
        ("int-5000.json", '{"gdp-per-capita": ' + "9" * 5000 + "}"),
        ("int-5000.toml", "gdp-per-capita = " + "9" * 5000 + "\n"),
        ("float-400000.toml", "gdp-per-capita = 0." + "3" * 400_000 + "\n"),
        ("long-value-cut.yaml", "gdp-per-capita: '" + "1" * 10_000 + "'\n"),
    ])
    @pytest.mark.parametrize("command", ["check", "report", "progress", "watch", "python"])
    def test_refused_as_too_long_and_cut_in_the_message(self, tmp_path: Path, name: str,
                                                        text: str, command: str) -> None:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        facts = str(path)
        if command == "python":
            try:
                diagnostics = qcrules.load_facts(facts).diagnostics
            except FactError as error:
                diagnostics = error.diagnostics
            assert [d.code for d in diagnostics] == ["QC112"]
            return
        argv = {"check": ["check", facts], "report": ["report", facts, "-o",
                                                      str(tmp_path / "r.html")],
                "progress": ["progress", GOOD_2025, facts], "watch": ["watch", facts]}[command]
        ran = cli(*argv, "-r", MINI)
        assert ran.code == 2
        line = assert_one_line(ran, "QC112", "")
        assert "a number too long to read" in line
        assert len(line) < 600   # the value is cut with an ellipsis, never printed whole
        assert "…" in line or name.endswith(".toml")

    def test_a_long_number_on_a_watch_line(self) -> None:
        line = '{"id": "gdp-per-capita", "value": 0.' + "3" * 500_000 + "}\n"
        ran = cli("watch", "-r", MINI, stdin=line + '{"id": "award", "value": 1}\n')
        assert ran.code == 0
        assert_one_line(ran, "QC112", "fact gdp-per-capita, field value: a number too long to "
                        "read", prefix="<stdin>:1: ")
        assert "award" in ran.out

    def test_a_unit_of_a_thousand_parentheses(self) -> None:
        """Regression: a RecursionError traceback from pint's parser."""
        value = "8.6" + "(" * 1000 + "万元" + ")" * 1000 + "/人"
        line = json.dumps({"facts": {"gdp-per-capita": value}})
        ran = cli("watch", "-r", MINI, stdin=line + "\n")
        assert ran.code == 0
        assert_one_line(ran, "QC110", "fact gdp-per-capita, field value: unreadable unit",
                        prefix="<stdin>:1: ")
        plan = qcrules.compile_catalog(qcrules.load_catalog(MINI))
        verdict = qcrules.evaluate(plan, {"gdp-per-capita": value})
        assert verdict["gdp-per-capita"].problem is not None


class TestBrokenFilesAndOutputs:
    def test_a_corrupt_deflate_stream_in_a_workbook(self, tmp_path: Path) -> None:
        source = DATA / "facts" / "mini-facts.xlsx"
        broken = tmp_path / "broken.xlsx"
        with zipfile.ZipFile(source) as archive:
            members = [(m, archive.read(m.filename)) for m in archive.infolist()]
        with zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members:
                archive.writestr(member, data)
        raw = bytearray(broken.read_bytes())
        start = raw.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
        raw[start + 10:start + 60] = bytes(50)   # the sheet's deflate stream, zeroed
        broken.write_bytes(bytes(raw))
        for argv in (["check", str(broken)], ["progress", GOOD_2025, str(broken)],
                     ["watch", str(broken)]):
            ran = cli(*argv, "-r", MINI)
            assert ran.code == 2
            assert_one_line(ran, "QC156", "not a readable .xlsx workbook")
        with pytest.raises(FactError) as raised:
            qcrules.load_facts(broken)
        assert raised.value.code == "QC156"

    @pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
    @pytest.mark.parametrize("argv", [["check", GOOD_2026], ["explain", "gdp-per-capita",
                                                            GOOD_2026], ["validate", PLAN]])
    def test_a_full_disk_on_standard_output(self, argv: Sequence[str]) -> None:
        rules = [] if argv[0] == "validate" else ["-r", PLAN]
        with Path("/dev/full").open("w") as full:
            done = subprocess.run([sys.executable, "-m", "qcrules.cli", *argv, *rules],
                                  stdout=full, stderr=subprocess.PIPE, text=True, check=False)
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [
            "error: QC407 cannot write the output: No space left on device "
            "(expected a writable standard output or file)"]

    def test_a_failed_report_leaves_the_previous_one_whole(self, tmp_path: Path) -> None:
        previous = tmp_path / "prev.html"
        previous.write_text("<p>the report of last month</p>", encoding="utf-8")
        for facts in (hostile("comma-decimal.yaml"), hostile("id-and-name.yaml"),
                      hostile("lone-surrogate.json")):
            assert cli("report", facts, "-o", str(previous), "-r", MINI).code == 2
            assert previous.read_text(encoding="utf-8") == "<p>the report of last month</p>"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["prev.html"]   # no temporary left

    def test_watch_keeps_regions_apart(self) -> None:
        lines = ('{"id": "gdp-per-capita", "value": "8.6万元/人", "region": "甲县"}\n'
                 '{"id": "gdp-per-capita", "value": "7.9万元/人", "region": "乙县"}\n'
                 '{"id": "award", "value": 1, "region": "甲县"}\n')
        ran = cli("watch", "-r", MINI, "-f", "json", stdin=lines)
        assert ran.code == 0
        changes = [json.loads(line) for line in ran.out.splitlines()]
        assert [(c["rule_id"], c["after"]) for c in changes] == [
            ("gdp-per-capita", "met"), ("gdp-per-capita", "not_met"), ("award", "met")]

    def test_a_line_too_long_to_hold_is_skipped(self) -> None:
        long_line = '{"id": "award", "value": "' + "1" * (2 << 20) + '"}\n'
        ran = cli("watch", "-r", MINI, stdin=long_line + '{"id": "award", "value": 1}\n')
        assert ran.code == 0
        assert [line for line in ran.err.splitlines() if line.startswith("<stdin>:1: ")]
        assert "award: 缺数据 → 达标" in ran.out


def test_every_file_of_the_corpus_is_used() -> None:
    """No case file lies unused: each is named by a test of this module."""
    text = Path(__file__).read_text(encoding="utf-8")
    unused = [p.name for p in HOSTILE.iterdir() if f'"{p.name}"' not in text]
    assert unused == []


def test_every_error_is_a_qcrules_error() -> None:
    """The Python loaders load each file of the corpus or refuse it with a coded QcrulesError,
    never another exception."""
    for path in sorted(HOSTILE.iterdir()):
        for load in (qcrules.load_facts, qcrules.load_catalog):
            try:
                outcome = type(load(path)).__name__
            except QcrulesError as error:
                outcome = error.code
            assert outcome in ("FactSet", "Catalog") or re.fullmatch(r"QC[1-4]\d\d", outcome)
