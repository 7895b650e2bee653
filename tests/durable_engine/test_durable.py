"""Tests for the durable_rules engine adapter (``qcrules.durable.engine``).

Agreement with the native engine case by case is in ``engine/test_cases.py`` and, for generated
catalogues and fact sets, in ``properties/test_engines_agree.py``. These tests cover what is
particular to running a plan in durable_rules: one ruleset per plan, isolated sessions, many
sessions in one process, threads, numbers the engine cannot hold, and the ways to select it.
"""

from __future__ import annotations

import gc
import threading
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("durable")

import qcrules
from helpers import catalog_text, one_rule_plan, rule_yaml
from qcrules import cli
from qcrules.durable.engine import _ENGINES, DurableEngine, engine_for

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def plan() -> qcrules.Plan:
    return qcrules.compile_catalog(qcrules.load_catalog(str(DATA / "mini.yaml")))


@pytest.fixture(scope="module")
def facts() -> qcrules.FactSet:
    return qcrules.load_facts(str(DATA / "mini-facts.yaml"))


def _same(report: qcrules.Report, native: qcrules.Report) -> bool:
    return report.verdicts == native.verdicts and report.diagnostics == native.diagnostics


class TestDurableEngine:
    """``DurableEngine(plan).evaluate`` gives the native report, marked as the durable engine."""

    def test_report_equals_native(self, plan: qcrules.Plan, facts: qcrules.FactSet) -> None:
        """Verdicts (steps included), diagnostics, region and period equal the native ones."""
        report = DurableEngine(plan).evaluate(facts)
        native = qcrules.evaluate(plan, facts)
        assert report.engine == "durable"
        assert _same(report, native)
        assert (report.region, report.period, report.sources) == (native.region, native.period,
                                                                   native.sources)

    def test_rules_are_generated_once_per_plan(self, plan: qcrules.Plan) -> None:
        """The ruleset is built when the engine is built; evaluations reuse it."""
        engine = DurableEngine(plan)
        assert engine.host is not None
        name, rules = engine.host.name, engine.host.rule_names
        assert len(rules) > len(plan)
        engine.evaluate({"gdp-per-capita": "9万元/人"})
        engine.evaluate({"award": 3})
        assert (engine.host.name, engine.host.rule_names) == (name, rules)

    def test_sessions_are_isolated(self, plan: qcrules.Plan) -> None:
        """A fact of one evaluation is not seen by the next."""
        engine = DurableEngine(plan)
        assert engine.evaluate({"award": 2})["award"].status is qcrules.Status.MET
        assert engine.evaluate({})["award"].status is qcrules.Status.UNKNOWN

    def test_more_than_1024_fact_sets(self, plan: qcrules.Plan) -> None:
        """2,000 evaluations in one process (durable_rules caps live sessions at 1,024)."""
        engine = DurableEngine(plan)
        for n in range(2000):
            facts = {"award": n % 3, "death-rate.deaths": n % 7, "death-rate.gdp": 600,
                     "equipment-death-rate": f"0.{n % 10}",
                     "equipment-death-rate.province-average": 0.42}
            report = engine.evaluate(facts)
            if n % 97 == 0:
                assert _same(report, qcrules.evaluate(plan, facts))
        assert report["award"].status is qcrules.Status.MET   # n = 1999: two awards

    def test_threads_share_one_engine(self, plan: qcrules.Plan) -> None:
        """Concurrent evaluations from several threads each get their own, correct report."""
        engine = DurableEngine(plan)
        wrong: list[int] = []

        def work(offset: int) -> None:
            for n in range(offset, offset + 150):
                facts = {"pass-rate": f"{90 + n % 10}%", "quality-index": 89.9 + (n % 3) / 20}
                if not _same(engine.evaluate(facts), qcrules.evaluate(plan, facts)):
                    wrong.append(n)

        threads = [threading.Thread(target=work, args=(k * 1000,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert wrong == []

    def test_an_empty_plan(self, plan: qcrules.Plan) -> None:
        """A plan without rules gives an empty report (no ruleset is registered)."""
        import attrs

        empty = qcrules.compile_catalog(attrs.evolve(plan.catalog, rules=()))
        engine = DurableEngine(empty)
        assert engine.host is None
        assert len(engine.evaluate({"x": 1})) == 0


class TestExactness:
    """Numbers the engine itself cannot hold exactly are still judged exactly."""

    @pytest.mark.parametrize("value", ["0.98", 0.98, 0.9799999999999999, "97.99999999999999999%",
                                       "98.00000000000000001%", 1e300, -1e300, 5e-324,
                                       "123456789012345678901234567890%"])
    def test_values_beyond_double_and_int64(self, value: object) -> None:
        """Tiny, huge and near-boundary values give the native verdict against 达98%."""
        plan = one_rule_plan()
        assert _same(engine_for(plan).evaluate({"r": value}), qcrules.evaluate(plan, {"r": value}))

    @pytest.mark.parametrize("value", ["100000000000000000000%", "99999999999999999999.99999%",
                                       "100000000000000000000.00001%", "1e19"])
    def test_a_threshold_beyond_int64(self, value: str) -> None:
        """A threshold whose numerator does not fit the engine's integers is compared exactly."""
        plan = one_rule_plan(target="达100000000000000000000%")
        assert _same(engine_for(plan).evaluate({"r": value}), qcrules.evaluate(plan, {"r": value}))

    @pytest.mark.parametrize("value", ["1/3", "0.333333333333333333333"])
    def test_non_terminating_fractions(self, value: str) -> None:
        """A derived value of 1/3 (no finite decimal) is compared with 1/3 exactly."""
        plan = one_rule_plan(indicator={"zh": "比", "unit": "1"}, target=">= 0.333333333333333333333",
                             formula="a / b", inputs={"a": {"zh": "甲"}, "b": {"zh": "乙"}})
        facts = {"r.a": 1, "r.b": 3} if value == "1/3" else {"r": value}
        report = engine_for(plan).evaluate(facts)
        assert _same(report, qcrules.evaluate(plan, facts))
        assert report["r"].status is qcrules.Status.MET


#: Change and growth targets of every measure, direction and kind of bound, as (unit, kind,
#: target, more fields): bounds on a decline are reversed on 1 + g, and a decline of 100 % a
#: year or more is never reached (1 + g > 0).
CHANGE_TARGETS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("万元", "change", "比2020年压减13.5%", {}),
    ("万元", "change", "比2020年压减13.5%", {"precision": 0.1}),
    ("万元", "change", "增长不超过10%", {}),
    ("万元", "change", "下降低于5%", {}),
    ("%", "change", "下降2个百分点", {"indicator": {"zh": "比率", "unit": "%", "max": "100%"}}),
    ("项", "change", "增加12项", {}),
    ("亿元", "change", "翻两番", {}),
    ("亿元", "growth", "年均增长8%以上", {}),
    ("亿元", "growth", "年均增长超过8%", {}),
    ("亿元", "growth", "年均下降3%左右", {}),
    ("亿元", "growth", "年均下降控制在3%以内", {}),
    ("亿元", "growth", "年均下降100%以上", {}),
    ("亿元", "growth", "年均下降120%以上", {}),
    ("亿元", "growth", "年均下降控制在120%以内", {}),
    ("%", "growth", "年均提高1个百分点左右", {"precision": 0.01}),
    ("项", "growth", "年均增加5项", {}),
]


def _change_plan() -> qcrules.Plan:
    rules = []
    for k, (unit, kind, target, more) in enumerate(CHANGE_TARGETS):
        fields = {"indicator": {"zh": f"指标{k}", "unit": unit}, **more}
        rules.append(rule_yaml(id=f"c{k}", kind=kind, target=target, quote=target, base=2020,
                               **fields))
    return qcrules.compile_catalog(qcrules.loads_catalog(catalog_text(*rules)))


CHANGES = _change_plan()

#: now / base on or beside the boundaries of the targets above over 6 years (2020 to 2026).
RATIOS = [Fraction(x) for x in ("0.865", "1.1", "0.95", "4", "1", "0")] + [
    Fraction(x) ** 6 for x in ("1.08", "0.97", "0.9715", "0.9685")]
NUDGES = [Fraction(0), Fraction(1, 10**12), Fraction(-1, 10**12)]
BASES = [Fraction(x) for x in ("100", "80", "18", "1", "0", "-5", "1e-300", "1e300")]


def _decimal(x: Fraction) -> str:
    """``x`` written out (every value here is a finite decimal)."""
    with localcontext() as context:
        context.prec = 800
        return format(Decimal(x.numerator) / Decimal(x.denominator), "f")


@st.composite
def change_facts(draw: st.DrawFn) -> dict[str, Any]:
    """Facts for :data:`CHANGES`: values on and beside the boundaries, bases of every sign and
    size, given or not, in the rule's unit, with none, or in another; periods whole or not."""
    facts: dict[str, Any] = {}
    for compiled in CHANGES:
        rule = compiled.rule
        base = draw(st.sampled_from(BASES))
        now = base * draw(st.sampled_from(RATIOS)) + draw(st.sampled_from(NUDGES))
        unit = compiled.unit or ""
        for key, value in ((rule.id, now), (rule.baseline_id, base)):
            form = draw(st.sampled_from(["unit", "unit", "bare", "other", "missing"]))
            if form == "missing":
                continue
            if form == "other" and unit in ("万元", "亿元"):
                facts[key] = _decimal(value * 10000) + ("元" if unit == "万元" else "万元")
            elif form == "bare":
                facts[key] = _decimal(value)
            else:
                facts[key] = _decimal(value) + unit
    period = draw(st.sampled_from([2026, "2026Q2", "2026-07", 2020, None]))
    return {"facts": facts} if period is None else {"period": period, "facts": facts}


class TestChanges:
    """Change and growth targets are judged in the network exactly as the native engine does."""

    def test_every_measure_is_defined_in_the_network(self) -> None:
        """A plan of change and growth targets builds (it once was refused) into one ruleset."""
        engine = engine_for(CHANGES)
        assert engine.host is not None
        assert len(engine.host.rule_names) > 4 * len(CHANGES)

    @pytest.mark.parametrize("period", [2026, "2026Q2", "2026-07"])
    @pytest.mark.parametrize("ratio", RATIOS)
    @pytest.mark.parametrize("nudge", NUDGES)
    def test_on_and_beside_every_boundary(self, period: object, ratio: Fraction,
                                          nudge: Fraction) -> None:
        """now/base on, just above and just below each boundary, over 6, 5.5 and 5 7/12 years."""
        facts = {"period": period, "facts": {}}
        for compiled in CHANGES:
            facts["facts"][compiled.rule.id] = _decimal(100 * ratio + nudge)  # type: ignore[index]
            facts["facts"][compiled.rule.baseline_id] = "100"  # type: ignore[index]
        assert _same(engine_for(CHANGES).evaluate(facts), qcrules.evaluate(CHANGES, facts))

    def test_a_decline_of_100_percent_a_year_or_more(self) -> None:
        """No value reaches a yearly decline of 100 % or more; every value is within 120 %."""
        facts = {"period": 2026, "facts": {}}
        for compiled in CHANGES:
            facts["facts"][compiled.rule.id] = "1e-300"  # type: ignore[index]
            facts["facts"][compiled.rule.baseline_id] = "1e300"  # type: ignore[index]
        report = engine_for(CHANGES).evaluate(facts)
        assert _same(report, qcrules.evaluate(CHANGES, facts))
        statuses = {v.rule.quote: v.status for v in report.verdicts}
        assert statuses["年均下降100%以上"] is qcrules.Status.NOT_MET
        assert statuses["年均下降120%以上"] is qcrules.Status.NOT_MET
        assert statuses["年均下降控制在120%以内"] is qcrules.Status.MET
        assert statuses["年均下降控制在3%以内"] is qcrules.Status.NOT_MET

    @given(change_facts())
    def test_generated_facts_agree(self, facts: dict[str, Any]) -> None:
        """Any such fact set gives the native report, steps and problems included."""
        assert _same(engine_for(CHANGES).evaluate(facts), qcrules.evaluate(CHANGES, facts))


class TestSelection:
    """The durable engine is selected by name in the API and the CLI."""

    def test_engines(self) -> None:
        """Both engines are listed."""
        assert qcrules.ENGINES == ("native", "durable")

    def test_evaluate_reuses_the_engine_of_a_plan(self, plan: qcrules.Plan,
                                                  facts: qcrules.FactSet) -> None:
        """``evaluate(plan, engine="durable")`` compiles the ruleset once per plan."""
        first = qcrules.evaluate(plan, facts, engine="durable")
        engine = engine_for(plan)
        second = qcrules.evaluate(plan, facts, engine="durable")
        assert engine_for(plan) is engine
        assert first.engine == second.engine == "durable"
        assert _same(first, second)

    def test_the_engine_goes_with_its_plan(self) -> None:
        """When a plan is garbage collected its cached engine and ruleset are released."""
        plan = one_rule_plan()
        engine = engine_for(plan)
        key = id(plan)
        assert _ENGINES[key] is engine
        del plan
        gc.collect()
        assert key not in _ENGINES or _ENGINES[key] is not engine
        assert engine.host is not None
        assert engine.host.closed

    def test_a_plan_collected_while_another_plans_engine_is_built(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The collector may free a dropped plan inside ``engine_for`` while it builds another
        plan's engine: the dropped plan's engine is released there, and ``engine_for`` returns
        (it deadlocked on its own lock when many plans were evaluated one after another)."""
        dropped = one_rule_plan()
        released = engine_for(dropped)
        cycle: list[Any] = [dropped]
        cycle.append(cycle)             # only the collector frees it
        del dropped, cycle
        build = DurableEngine.__init__

        def building(engine: DurableEngine, plan: qcrules.Plan) -> None:
            gc.collect()                # the collector runs while the engine is built
            build(engine, plan)

        monkeypatch.setattr(DurableEngine, "__init__", building)
        plan = one_rule_plan()
        worker = threading.Thread(target=engine_for, args=(plan,), daemon=True)
        worker.start()
        worker.join(timeout=30)
        assert not worker.is_alive(), "engine_for waits for its own lock"
        assert released.host is not None
        assert released.host.closed
        monkeypatch.undo()
        assert qcrules.evaluate(plan, {"r": "98%"}, engine="durable")["r"].met

    def test_unknown_engine(self, plan: qcrules.Plan) -> None:
        """Any other name is a usage error naming the engines."""
        with pytest.raises(qcrules.UsageError, match="unknown engine"):
            qcrules.evaluate(plan, {}, engine="rete")

    @pytest.mark.parametrize("command", [
        ["check", str(DATA / "mini-facts.yaml"), "-r", str(DATA / "mini.yaml")],
        ["check", str(DATA / "mini-facts.yaml"), "-r", str(DATA / "mini.yaml"), "-f", "markdown"],
        ["explain", "quality-index", str(DATA / "mini-facts.yaml"), "-r", str(DATA / "mini.yaml")],
        ["explain", "death-rate", str(DATA / "mini-facts.yaml"), "-r", str(DATA / "mini.yaml"),
         "--lang", "en"],
    ])
    def test_cli_output_is_identical(self, command: list[str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
        """``--engine durable`` prints exactly what ``--engine native`` prints, with the same exit code."""
        outputs = []
        for engine in ("native", "durable"):
            code = cli.run([*command, "--engine", engine])
            outputs.append((code, capsys.readouterr()))
        assert outputs[0] == outputs[1]

    def test_cli_rejects_an_unknown_engine(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``--engine rete`` is a usage error (exit 2), not a traceback."""
        code = cli.run(["check", str(DATA / "mini-facts.yaml"), "-r", str(DATA / "mini.yaml"),
                        "--engine", "rete"])
        assert code == 2
        assert "Traceback" not in capsys.readouterr().err
