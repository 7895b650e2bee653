"""A long table of many regions and periods: facts told apart by region as well as period, and
split into one fact set per (region, period), as each county's own file would give them."""

from __future__ import annotations

from pathlib import Path

import pytest

import qcrules
from qcrules.facts.regions import is_several, option_values, select, split_by_region_and_period

ROOT = Path(__file__).parents[2]
QINGLING = ROOT / "examples" / "qingling" / "qingling-2025-2027.yaml"


def write(tmp_path: Path, text: str, name: str = "岚州.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


COUNTIES = ("地区,时期,指标,数值,单位\n"
            "青溪县,2024,高新技术企业数,40,家\n"
            "石门县,2024,高新技术企业数,25,家\n"
            "青溪县,2026,高新技术企业数,72,家\n"
            "石门县,2026,高新技术企业数,49,家\n"
            "石门县,2026,人均GDP,7.2,万元/人\n")


class TestReading:
    def test_regions_are_not_conflicts(self, tmp_path: Path) -> None:
        """The same indicator and period for two counties is two facts, no QC204."""
        facts = qcrules.load_facts(write(tmp_path, COUNTIES))
        assert facts.diagnostics == ()
        assert len(facts.series) == 5
        assert facts.region is None
        assert is_several(facts)

    def test_one_county_twice_is_a_conflict(self, tmp_path: Path) -> None:
        """Two different values for one county, indicator and period stay a conflict."""
        facts = qcrules.load_facts(write(tmp_path, COUNTIES + "石门县,2026,人均GDP,7.3,万元/人\n"))
        assert [(d.code, d.location.line if d.location else None) for d in facts.diagnostics] \
            == [("QC204", 7)]

    def test_one_county_file_is_one_fact_set(self, tmp_path: Path) -> None:
        path = write(tmp_path, "region: 青溪县\nperiod: 2026\nfacts:\n  人均GDP: 8.6万元/人\n",
                     "one.yaml")
        assert not is_several(qcrules.load_facts(path))


class TestSplit:
    def test_one_set_per_region_and_period(self, tmp_path: Path) -> None:
        """Regions in the order first given, each one's periods oldest first."""
        sets = split_by_region_and_period(qcrules.load_facts(write(tmp_path, COUNTIES)))
        assert [(s.region, s.period, sorted(s.facts)) for s in sets] == [
            ("青溪县", "2024", ["高新技术企业数"]), ("青溪县", "2026", ["高新技术企业数"]),
            ("石门县", "2024", ["高新技术企业数"]), ("石门县", "2026", ["人均GDP", "高新技术企业数"])]

    def test_base_value_from_the_regions_own_base_year(self, tmp_path: Path) -> None:
        """比2024年增加30家: 青溪县 from 40 to 72 is met, 石门县 from 25 to 49 is not (24 more),
        each from its own 2024 row, as a county's own series would give it."""
        plan = qcrules.compile_catalog(qcrules.load_catalog(QINGLING))
        loaded = qcrules.load_facts(write(tmp_path, COUNTIES))
        sets = select(split_by_region_and_period(loaded, bases=plan.bases), periods=["2026"])
        status = {s.region: qcrules.evaluate(plan, s)["high-tech-enterprises"].status
                  for s in sets}
        assert status == {"青溪县": qcrules.Status.MET, "石门县": qcrules.Status.NOT_MET}
        alone = qcrules.load_facts(write(tmp_path, "\n".join(
            line for line in COUNTIES.splitlines() if not line.startswith("青溪县")) + "\n",
            "石门县.csv"))
        own = qcrules.evaluate(plan, alone, period=2026)["high-tech-enterprises"]
        assert own.status is qcrules.Status.NOT_MET

    def test_a_row_without_a_region(self, tmp_path: Path) -> None:
        loaded = qcrules.load_facts(write(tmp_path, COUNTIES + ",2026,人均GDP,8,万元/人\n"))
        with pytest.raises(qcrules.FactError) as raised:
            split_by_region_and_period(loaded)
        (problem,) = raised.value.diagnostics
        assert (problem.code, problem.field, problem.fact_id) == ("QC214", "region", "人均GDP")
        assert problem.location is not None
        assert problem.location.line == 7


class TestSelect:
    def test_comma_separated_values(self) -> None:
        assert option_values(["青溪县，石门县", "石门县", " 2026 ,2025"]) == [
            "青溪县", "石门县", "2026", "2025"]

    def test_period_forms_are_one_period(self, tmp_path: Path) -> None:
        sets = split_by_region_and_period(qcrules.load_facts(write(tmp_path, COUNTIES)))
        chosen = select(sets, regions=["石门县"], periods=["2026年"])
        assert [(s.region, s.period) for s in chosen] == [("石门县", "2026")]

    def test_unknown_region_names_the_nearest(self, tmp_path: Path) -> None:
        sets = split_by_region_and_period(qcrules.load_facts(write(tmp_path, COUNTIES)))
        with pytest.raises(qcrules.UsageError) as raised:
            select(sets, regions=["清溪县"])
        (problem,) = raised.value.diagnostics
        assert (problem.code, problem.hint) == ("QC213", "did you mean '青溪县'?")


class TestOneFactSet:
    def test_evaluate_refuses_several_regions(self, tmp_path: Path) -> None:
        """qcrules.evaluate judges one fact set: several counties are QC215, with or without
        a period, never a county picked."""
        plan = qcrules.compile_catalog(qcrules.load_catalog(QINGLING))
        loaded = qcrules.load_facts(write(tmp_path, COUNTIES))
        for period in (None, 2026):
            with pytest.raises(qcrules.FactError) as raised:
                qcrules.evaluate(plan, loaded, period=period)
            assert raised.value.code == "QC215"
            assert raised.value.diagnostics[0].got == "青溪县, 石门县"
