"""The shared case corpus (``tests/cases/*.yaml``), run on every engine.

Each file holds a ``note``, a catalogue (inline, or a path relative to the file) and ``cases``:
``{note, facts, want: {rule-id: {status, margin, severity, missing, problem}}}``. Every case is
checked against ``want`` on each engine, and the engines' whole reports must be identical
(explanations included) unless ``divergences.yaml`` lists the case with a reason.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

import qcrules

CASES = Path(__file__).parents[1] / "cases"
FILES = sorted(p for p in CASES.glob("*.yaml") if p.name != "divergences.yaml")
WANT_KEYS = {"status", "margin", "severity", "missing", "problem"}


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


_PLANS: dict[Path, qcrules.Plan] = {}


def _plan(path: Path) -> qcrules.Plan:
    if path not in _PLANS:
        catalog = _load(path)["catalog"]
        if isinstance(catalog, str):
            loaded = qcrules.load_catalog(str(path.parent / catalog))
        else:
            loaded = qcrules.loads_catalog(yaml.safe_dump(catalog, allow_unicode=True))
        _PLANS[path] = qcrules.compile_catalog(loaded)
    return _PLANS[path]


def _cases() -> list[Any]:
    params = []
    for path in FILES:
        for index, case in enumerate(_load(path)["cases"]):
            params.append(pytest.param(path, index, case, id=f"{path.stem}-{index}"))
    return params


DIVERGENCES = _load(CASES / "divergences.yaml")["divergences"] or []
DIVERGENT = {(d["file"], d["case"]) for d in DIVERGENCES}


def _without_engine(report: qcrules.Report) -> dict[str, Any]:
    data = qcrules.report_to_dict(report)
    data.pop("engine")
    return data


class TestCorpus:
    """The corpus itself is well formed, so a case cannot silently check nothing."""

    def test_there_are_case_files(self) -> None:
        """The corpus covers the kinds, words, units, ratios, rounding, derivation and references."""
        assert {p.stem for p in FILES} >= {"kinds", "comparators", "units", "ratios", "rounding",
                                           "derived", "references", "missing-invalid"}

    @pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
    def test_every_case_has_a_note_and_wants_known_rules(self, path: Path) -> None:
        """Each file and case has a note; each want names a rule of the catalogue and known keys."""
        document = _load(path)
        assert document["note"]
        rule_ids = {compiled.rule.id for compiled in _plan(path)}
        for case in document["cases"]:
            assert case["note"]
            assert case["want"]
            for rule_id, want in case["want"].items():
                assert rule_id in rule_ids
                assert set(want) <= WANT_KEYS
                assert "status" in want

    def test_divergences_name_existing_cases_with_reasons(self) -> None:
        """A listed divergence points at a real case and says why."""
        for divergence in DIVERGENCES:
            path = CASES / divergence["file"]
            assert path in FILES
            assert 0 <= divergence["case"] < len(_load(path)["cases"])
            assert divergence["reason"].strip()


@pytest.mark.parametrize("engine", qcrules.ENGINES)
@pytest.mark.parametrize(("path", "index", "case"), _cases())
class TestCases:
    """Every case on every engine."""

    def test_verdicts_are_as_wanted(self, path: Path, index: int, case: dict[str, Any],
                                    engine: str) -> None:
        """Status, margin, severity, missing facts and problem code are those the case wants."""
        if engine != "native" and (path.name, index) in DIVERGENT:
            pytest.skip("a listed divergence")
        report = qcrules.evaluate(_plan(path), case["facts"] or {}, engine=engine)
        assert report.engine == engine
        for rule_id, wanted in case["want"].items():
            verdict = report[rule_id]
            want = dict(wanted)
            got = {"status": verdict.status.value}
            if "margin" in want:
                got["margin"] = verdict.margin
                want["margin"] = Fraction(want["margin"])
            if "severity" in want:
                got["severity"] = verdict.severity.value
            if "missing" in want:
                got["missing"] = list(verdict.missing)
            if "problem" in want:
                got["problem"] = verdict.problem.code if verdict.problem else None
            assert got == want, rule_id

    def test_engines_agree(self, path: Path, index: int, case: dict[str, Any],
                           engine: str) -> None:
        """The whole report, steps and explanations included, equals the native engine's."""
        if (path.name, index) in DIVERGENT:
            pytest.skip("a listed divergence")
        plan = _plan(path)
        facts = case["facts"] or {}
        native = qcrules.evaluate(plan, facts)
        report = qcrules.evaluate(plan, facts, engine=engine)
        assert _without_engine(report) == _without_engine(native)
        assert report.verdicts == native.verdicts
        text = {lang: qcrules.render(report, "text", lang=lang) for lang in ("zh", "en")}
        assert text == {lang: qcrules.render(native, "text", lang=lang) for lang in ("zh", "en")}


def _one_cell(value: Any) -> bool:
    """A fact a table cell can hold as the case means it: not a mapping, and not NaN (which a
    column holds for a missing value)."""
    return not isinstance(value, dict | list) and not (isinstance(value, float) and math.isnan(value))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_table_path_agrees(path: Path) -> None:
    """The vectorised path judges every case of a file, one row per case, exactly as the native
    engine does: statuses of every rule in every row, and the full report of every row.

    Cases whose facts are written as mappings (``{value: …, unit: …}``) are left out, and so
    are cases with a NaN fact: a column's NaN means *missing* (docs/reference/api.md)."""
    plan = _plan(path)
    cases = [case["facts"] or {} for case in _load(path)["cases"]]
    cases = [facts for facts in cases if all(_one_cell(v) for v in facts.values())]
    keys = sorted({key for facts in cases for key in facts})
    table = {key: [facts.get(key) for facts in cases] for key in keys}
    result = qcrules.evaluate_table(plan, table)
    for row, facts in enumerate(cases):
        native = qcrules.evaluate(plan, facts)
        statuses = {v.rule_id: result.statuses(v.rule_id)[row] for v in native.verdicts}
        assert statuses == {v.rule_id: v.status for v in native.verdicts}, (row, facts)
        assert result.report(row).verdicts == native.verdicts
