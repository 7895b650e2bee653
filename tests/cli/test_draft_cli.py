"""`qcrules draft`: a catalogue from a plan's text that `qcrules validate` accepts, the
reviewer's checklist, JSON, and one-line errors for what cannot be drafted from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import qcrules
from qcrules.cli import main

ROOT = Path(__file__).parents[2]
PLAN = ROOT / "rules" / "sources" / "tongcheng-quality-plan-2025-2027.txt"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder laid out as the repository is: the plan under rules/sources/."""
    (tmp_path / "rules" / "sources").mkdir(parents=True)
    shutil.copy(PLAN, tmp_path / "rules" / "sources" / PLAN.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_draft_then_validate(checkout: Path) -> None:
    """qcrules draft rules/sources/….txt -o draft.yaml && qcrules validate draft.yaml"""
    code, out, err = invoke("draft", f"rules/sources/{PLAN.name}", "-o", "draft.yaml")
    assert code == 0
    assert out == ""
    assert "draft.yaml: 44 rules drafted, 17 to review, 4 sentences left out" in err
    assert "QC180 [二(六)]" in err
    text = (checkout / "draft.yaml").read_text(encoding="utf-8")
    assert f"file: rules/sources/{PLAN.name}" in text
    code, out, _ = invoke("validate", "draft.yaml")
    assert code == 0
    assert out.startswith("draft.yaml: ok, 44 rules")
    assert "QC179" in out   # the rules still to review are noted


def test_a_changed_quote_fails_validation(checkout: Path) -> None:
    invoke("draft", f"rules/sources/{PLAN.name}", "-o", "draft.yaml")
    path = checkout / "draft.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("力争本地区人均GDP达8.5万元",
                                                            "力争本地区人均GDP达8.6万元"),
                    encoding="utf-8")
    code, _, err = invoke("validate", "draft.yaml")
    assert code == 2
    assert "QC160" in err


def test_standard_output_formats(checkout: Path) -> None:
    code, out, _ = invoke("draft", f"rules/sources/{PLAN.name}")
    assert code == 0
    assert qcrules.loads_catalog(out) == qcrules.draft(PLAN.read_text(encoding="utf-8"),
                                                       source=f"rules/sources/{PLAN.name}").catalog
    code, dash, _ = invoke("draft", f"rules/sources/{PLAN.name}", "-o", "-")
    assert dash == out
    code, out, _ = invoke("draft", f"rules/sources/{PLAN.name}", "--format", "json")
    data = json.loads(out)
    assert len(data["catalog"]["rules"]) == 44
    assert "gdp-per-capita" in data["to_review"]
    assert [f["code"] for f in data["findings"]] == ["QC180", "QC180", "QC180", "QC181"]
    code, out, _ = invoke("draft", f"rules/sources/{PLAN.name}", "-f", "text")
    assert out.splitlines()[0].endswith("44 rules drafted, 17 to review, 4 sentences left out")
    assert "  [left out] line 37: QC181" in out


def test_id_region_and_plan_period(checkout: Path) -> None:
    excerpt = checkout / "excerpt.txt"
    excerpt.write_text("（二）提升质量\n1.确保产品抽检合格率达到96%以上。（牵头单位：县市场监管局）\n",
                       encoding="utf-8")
    code, out, _ = invoke("draft", "excerpt.txt", "--id", "qingling-2026", "--region", "青岭县",
                          "--plan-period", "2026-2028")
    assert code == 0
    catalog = qcrules.loads_catalog(out)
    assert (catalog.id, catalog.region, catalog.period_end) == ("qingling-2026", "青岭县", 2028)
    assert catalog.rules[0].deadline == 2028


@pytest.mark.parametrize("period", ["2028-2026", "2026", "soon"])
def test_a_bad_plan_period_is_a_usage_error(checkout: Path, period: str) -> None:
    code, _, err = invoke("draft", f"rules/sources/{PLAN.name}", "--plan-period", period)
    assert code == 2
    assert "QC409" in err
    assert len(err.strip().splitlines()) == 1


def test_a_plan_outside_the_drafts_folder_is_warned_about(checkout: Path) -> None:
    (checkout / "out").mkdir()
    code, _, err = invoke("draft", f"rules/sources/{PLAN.name}", "-o", "out/draft.yaml")
    assert code == 0
    assert "QC176" in err
    assert "../rules/sources/" in (checkout / "out" / "draft.yaml").read_text(encoding="utf-8")


def test_what_cannot_be_read_is_one_line_and_exit_2(checkout: Path) -> None:
    code, _, err = invoke("draft", "missing.txt")
    assert (code, err.count("\n")) == (2, 1)
    assert "QC150" in err
    (checkout / "plan.txt").write_bytes(b"PK\x03\x04" + bytes(200))
    code, _, err = invoke("draft", "plan.txt")
    assert code == 2
    assert "QC153" in err


def test_an_unwritable_output_is_qc405(checkout: Path) -> None:
    code, _, err = invoke("draft", f"rules/sources/{PLAN.name}", "-o", "no/such/folder/d.yaml")
    assert code == 2
    assert "QC405" in err


def test_a_plan_with_no_targets_drafts_an_empty_catalogue(checkout: Path) -> None:
    (checkout / "plan.txt").write_text("某县工作方案\n一、总体要求\n加强组织领导。\n", encoding="utf-8")
    code, out, err = invoke("draft", "plan.txt")
    assert code == 0
    assert qcrules.loads_catalog(out).rules == ()
    assert "0 rules drafted" in err
