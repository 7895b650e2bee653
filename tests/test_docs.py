"""The documentation stays true: its examples run, its links resolve, and the shipped JSON
Schemas accept what qcrules reads and writes (and agree with the code about field names)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import qcrules
from qcrules.base.errors import Diagnostic, Location
from qcrules.catalog.schema import catalog_schema
from qcrules.catalog.validate import (
    _CATALOG_FIELDS,
    _INDICATOR_FIELDS,
    _REQUIRED_RULE_FIELDS,
    _RULE_FIELDS,
    _TOP_FIELDS,
)
from qcrules.catalog.words import _COMMITMENTS
from qcrules.report.schema import report_schema

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
MINI = ROOT / "tests" / "data" / "mini.yaml"
MINI_FACTS = ROOT / "tests" / "data" / "mini-facts.yaml"
CATALOGUES = (ROOT / "rules" / "tongcheng-2025-2027.yaml", MINI)

# Pages that must show runnable examples; every page's ```python blocks run as written.
TEACHING_PAGES = ("docs/tutorial.md", "docs/reference/api.md")
EXAMPLE_PAGES = tuple(str(page.relative_to(ROOT)) for page in
                      sorted([ROOT / "README.md", *DOCS.rglob("*.md")]))
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _python_blocks(page: str) -> list[str]:
    path = ROOT / page
    if not path.is_file():
        return []
    return [m.group(2) for m in _FENCE.finditer(path.read_text(encoding="utf-8"))
            if m.group(1) == "python"]


BLOCKS = [pytest.param(page, code, id=f"{page}#{i + 1}")
          for page in EXAMPLE_PAGES for i, code in enumerate(_python_blocks(page))]
PAGES = sorted([ROOT / "README.md", *DOCS.rglob("*.md")])


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"`", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", text, re.MULTILINE)}


def _links(path: Path) -> list[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)
    return [m.group(1) for m in _LINK.finditer(text)]


class TestExamples:
    """Every ```python block of the README and docs/ runs as written."""

    @pytest.mark.parametrize("page", TEACHING_PAGES)
    def test_page_has_examples(self, page: str) -> None:
        """The page exists and shows at least one runnable example."""
        assert _python_blocks(page), f"{page} has no ```python block"

    @pytest.mark.parametrize(("page", "code"), BLOCKS)
    def test_block_runs(self, page: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """The block runs in a fresh namespace from the repository root, its asserts holding."""
        monkeypatch.chdir(ROOT)
        # Named after the page but not its path: the page is not Python, and a reader of source
        # lines (inspect, Hypothesis's example database key) must not tokenize the Markdown.
        exec(compile(code, f"<{page}>", "exec"), {"__name__": "__docs__"})


class TestLinks:
    """Relative links in README.md and docs/ point to files (and headings) that exist."""

    @pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
    def test_relative_links_resolve(self, page: Path) -> None:
        """Every relative link names an existing file; a #fragment names a heading in it."""
        broken = []
        for link in _links(page):
            if re.match(r"^[a-z][a-z0-9+.-]*:", link):
                continue
            target, _, fragment = link.partition("#")
            path = (page.parent / target).resolve() if target else page
            if not path.exists():
                broken.append(f"{link} (no such file)")
            elif fragment and path.suffix == ".md" and fragment not in _anchors(path):
                broken.append(f"{link} (no such heading)")
        assert not broken, f"{page.relative_to(ROOT)}: " + ", ".join(broken)


@pytest.fixture
def validator() -> Any:
    """A draft 2020-12 validator class, when jsonschema is installed."""
    jsonschema = pytest.importorskip(
        "jsonschema", reason="jsonschema is not installed (optional: pip install jsonschema)")
    return jsonschema.Draft202012Validator


def _errors(validator: Any, schema: dict[str, Any], data: object) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator(schema).iter_errors(data)]


class TestCatalogSchema:
    """``qcrules/schema/catalog.schema.json``: the editor schema of the catalogue format."""

    def test_loader_returns_a_fresh_copy(self) -> None:
        """catalog_schema() gives a new dict each call, declaring draft 2020-12."""
        first, second = catalog_schema(), catalog_schema()
        assert first == second
        assert first is not second
        assert first["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def test_rule_fields_match_the_validator(self) -> None:
        """The schema allows exactly the fields the validator reads, and requires the same ones."""
        rule = catalog_schema()["$defs"]["rule"]
        assert set(rule["properties"]) == set(_RULE_FIELDS)
        assert set(rule["required"]) == set(_REQUIRED_RULE_FIELDS)
        definitions = catalog_schema()["$defs"]
        assert set(definitions["indicator"]["properties"]) == set(_INDICATOR_FIELDS)
        assert set(definitions["catalog"]["properties"]) == set(_CATALOG_FIELDS)
        assert set(catalog_schema()["properties"]) == set(_TOP_FIELDS)

    def test_kinds_and_commitments_match_the_model(self) -> None:
        """The kind and commitment enums are the model's kinds and the words it reads."""
        rule = catalog_schema()["$defs"]["rule"]["properties"]
        assert rule["kind"]["enum"] == [kind.value for kind in qcrules.Kind]
        assert set(rule["commitment"]["enum"]) == set(_COMMITMENTS)

    def test_schema_is_valid(self, validator: Any) -> None:
        """The schema itself is a valid draft 2020-12 schema."""
        validator.check_schema(catalog_schema())

    @pytest.mark.parametrize("path", CATALOGUES, ids=[p.name for p in CATALOGUES])
    def test_catalogues_validate(self, validator: Any, path: Path) -> None:
        """The bundled catalogue and the test catalogue are accepted."""
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert _errors(validator, catalog_schema(), data) == []

    @pytest.mark.parametrize("change", [
        {"kind": None, "target": "3—5个"},
        {"kind": "range", "target": "80至100之间"},
        {"kind": None, "target": "进入全省第一方阵", "tier": 10},
        {"kind": None, "target": "重大事故为零"},
    ], ids=["no-kind-range", "range-text", "tier", "no-kind-zero"])
    def test_schema_accepts_the_genres_forms(self, validator: Any, change: dict[str, Any]) -> None:
        """A rule may leave kind out, write a range as one text and declare a tier."""
        data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
        data["rules"][0].update(change)
        data["rules"][0] = {k: v for k, v in data["rules"][0].items() if v is not None}
        assert _errors(validator, catalog_schema(), data) == []

    def test_units_section(self, validator: Any) -> None:
        """A catalogue's ``units`` section of text definitions is accepted; a number is not."""
        data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
        data["units"] = {"标箱": "item", "万标箱": "10000 标箱"}
        assert _errors(validator, catalog_schema(), data) == []
        data["units"]["万标箱"] = 10000
        assert _errors(validator, catalog_schema(), data)

    @pytest.mark.parametrize(("change", "fragment"), [
        ({"comitment": "ensure"}, "comitment"),
        ({"kind": "flor"}, "flor"),
        ({"id": "GDP Per Capita"}, "GDP Per Capita"),
        ({"deadline": "next year"}, "next year"),
        ({"kind": "range", "target": ">= 1%"}, "range"),
        ({"kind": None}, "rules[0]"),
        ({"tier": 0}, "tier"),
    ], ids=["misspelled-field", "unknown-kind", "bad-id", "bad-deadline", "range-one-bound",
            "no-kind-no-target", "tier-zero"])
    def test_schema_rejects_mistakes(self, validator: Any, change: dict[str, Any],
                                     fragment: str) -> None:
        """A rule with a typical mistake is rejected, the error naming what is wrong."""
        data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
        data["rules"][0].update(change)
        if change.get("kind", "") is None:
            del data["rules"][0]["kind"], data["rules"][0]["target"]
        errors = _errors(validator, catalog_schema(), data)
        assert errors
        assert any(fragment in error or "rules[0]" in error for error in errors)


def _reports() -> list[qcrules.Report]:
    plan = qcrules.compile_catalog(qcrules.load_catalog(MINI))
    return [
        qcrules.evaluate(plan, qcrules.load_facts(MINI_FACTS)),
        qcrules.evaluate(plan, {}),
        qcrules.evaluate(plan, {"抽检合格率": "130%", "gdp-per-capita": "8.5公斤", "nothing": 1,
                                "teacher-ratio": 0.08, "pilot": "也许"}),
    ]


class TestReportSchema:
    """``qcrules/schema/report.schema.json`` and docs/reference/json-report.md describe the JSON."""

    def test_fields_match_the_output(self) -> None:
        """The schema requires exactly the fields report_to_dict writes, at every level."""
        schema = report_schema()
        data = qcrules.report_to_dict(_reports()[0])
        assert set(schema["required"]) == set(data)
        assert set(schema["properties"]["counts"]["required"]) == set(data["counts"])
        assert set(schema["$defs"]["verdict"]["required"]) == set(data["verdicts"][0])
        full = Diagnostic("QC300", "m", Location("f", 1, 2), rule_id="r", fact_id="f",
                          field="value", expected="e", got="g", hint="h").to_dict()
        assert set(schema["$defs"]["diagnostic"]["properties"]) == set(full)

    def test_every_field_is_documented(self) -> None:
        """Every key the report can carry is named in the JSON reference page."""
        page = (DOCS / "reference" / "json-report.md").read_text(encoding="utf-8")
        data = qcrules.report_to_dict(_reports()[0])
        full = Diagnostic("QC300", "m", Location("f", 1, 2), rule_id="r", fact_id="f",
                          field="value", expected="e", got="g", hint="h").to_dict()
        keys = {*data, *data["counts"], *data["verdicts"][0], *full, "summary", "steps", "op"}
        undocumented = sorted(key for key in keys if f"`{key}`" not in page)
        assert not undocumented

    @pytest.mark.parametrize("lang", ["zh", "en"])
    def test_real_reports_validate(self, validator: Any, lang: str) -> None:
        """Reports with every state (met, not met, unknown, invalid) are accepted as written."""
        schema = report_schema()
        validator.check_schema(schema)
        for report in _reports():
            data = json.loads(qcrules.render(report, "json", lang=lang))
            assert _errors(validator, schema, data) == []

    def test_schema_rejects_a_float_value(self, validator: Any) -> None:
        """Numbers are decimal strings: a binary float in ``value`` is not the documented format."""
        data = qcrules.report_to_dict(_reports()[0])
        data["verdicts"][0]["value"] = 8.5
        assert _errors(validator, report_schema(), data)


def _transcripts() -> list[Any]:
    """(page, command, expected output lines, expected exit code or None) for every
    ``$ qcrules …`` line of a ```console or ```text block that is followed by its output."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in _FENCE.finditer(text):
            if block.group(1) not in ("console", "text"):
                continue
            lines = block.group(2).splitlines()
            for i, line in enumerate(lines):
                if not line.startswith("$ qcrules "):
                    continue
                output = []
                for following in lines[i + 1:]:
                    if following.startswith("$ "):
                        break
                    output.append(following)
                rest = lines[i + 1 + len(output):]
                exit_code = int(rest[1]) if rest[:1] == ["$ echo $?"] and len(rest) > 1 else None
                if output or exit_code is not None:
                    found.append(pytest.param(line[2:], output, exit_code,
                                              id=f"{page.relative_to(ROOT)}:{line[2:40]}"))
    return found


def _squeeze(line: str) -> str:
    return " ".join(line.split())


@pytest.mark.parametrize(("command", "expected", "exit_code"), _transcripts())
def test_console_transcripts_are_what_qcrules_prints(command: str, expected: list[str],
                                                     exit_code: int | None, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A shown command prints the shown lines (runs of spaces aside; "…" skips lines).

    It runs in a folder that links to everything at the repository's top, so that the files
    a command writes (``report -o result.csv``) land there and not in the repository."""
    import shlex

    from click.testing import CliRunner

    from qcrules.cli import main

    for entry in ROOT.iterdir():
        (tmp_path / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    monkeypatch.chdir(tmp_path)
    result = CliRunner(env={"NO_COLOR": "1"}).invoke(main, shlex.split(command)[1:])
    printed = [_squeeze(line) for line in result.stdout.splitlines()]
    position = 0
    skipping = False
    for line in expected:
        if line.strip() == "…":
            skipping = True
            continue
        wanted = _squeeze(line)
        if skipping:
            assert wanted in printed[position:], f"{command}: {line!r} not printed"
            position = printed.index(wanted, position) + 1
        else:
            assert printed[position:position + 1] == [wanted], f"{command}: line {position + 1}"
            position += 1
        skipping = False
    if exit_code is not None:
        assert result.exit_code == exit_code


def test_every_page_is_reachable_from_the_index() -> None:
    """docs/index.md links every page of docs/, so none is orphaned."""
    linked = {(DOCS / link.partition("#")[0]).resolve() for link in _links(DOCS / "index.md")
              if not link.startswith(("http://", "https://"))}
    pages = {page.resolve() for page in DOCS.rglob("*.md")} - {(DOCS / "index.md").resolve()}
    assert sorted(str(p.relative_to(DOCS.resolve())) for p in pages - linked) == []
