"""Tests for live monitoring (``qcrules.Monitor``) and the durable_rules session behind it.

Agreement of the two engines over random update sequences is in
``properties/test_monitor_engines.py``; the ``qcrules watch`` command is tested in
``TestWatchCommand`` below.
"""

from __future__ import annotations

import gc
import itertools
import json
import threading
from pathlib import Path
from typing import Any

import pytest

import qcrules
from qcrules import Status
from qcrules.durable.host import DurableActionError, DurableEngineError, DurableHost

DATA = Path(__file__).parents[1] / "data"
CASES = Path(__file__).parents[1] / "cases"
ENGINES = ["native", "durable"]


@pytest.fixture(scope="module")
def plan() -> qcrules.Plan:
    return qcrules.compile_catalog(qcrules.load_catalog(str(DATA / "mini.yaml")))


@pytest.fixture(params=ENGINES)
def monitor(request: pytest.FixtureRequest, plan: qcrules.Plan) -> Any:
    if request.param == "durable":
        pytest.importorskip("durable")
    with qcrules.Monitor(plan, engine=request.param) as watched:
        yield watched


def _moves(changes: list[qcrules.VerdictChange]) -> list[tuple[str, Status | None, Status]]:
    return [(c.rule_id, c.before.status if c.before else None, c.after.status) for c in changes]


class TestUpdates:
    """An update re-judges the rules that read the fact and returns the status changes."""

    def test_a_new_fact_moves_unknown_to_a_judgement(self, monitor: qcrules.Monitor) -> None:
        """The first value of a fact takes its rule from unknown to met or not met."""
        changes = monitor.update("gdp-per-capita", "8.2万元/人", source="市统计局")
        assert _moves(changes) == [("gdp-per-capita", Status.UNKNOWN, Status.NOT_MET)]
        after = changes[0].after
        assert after.value == qcrules.evaluate(monitor.plan, {"gdp-per-capita": "8.2万元/人"})[
            "gdp-per-capita"].value
        assert after.steps[0].source == "市统计局"      # provenance is kept for the explanation
        assert _moves(monitor.update("gdp-per-capita", "9万元/人")) == [
            ("gdp-per-capita", Status.NOT_MET, Status.MET)]

    def test_a_new_value_with_the_same_status_is_no_change(self, monitor: qcrules.Monitor) -> None:
        """Only status changes are reported; the report still has the new value."""
        monitor.update("gdp-per-capita", "9万元/人")
        assert monitor.update("gdp-per-capita", "9.5万元/人") == []
        assert monitor.report()["gdp-per-capita"].value == 9.5

    @pytest.mark.parametrize(("value", "status"), [
        ("8.5万元/人", Status.MET),            # on the threshold (达 is inclusive)
        ("85000元/人", Status.MET),            # on it, in another unit
        ("84999.99元/人", Status.NOT_MET),     # just outside, in another unit
        ("8.50001万元/人", Status.MET),        # just inside
    ])
    def test_boundary(self, monitor: qcrules.Monitor, value: str, status: Status) -> None:
        """An update is judged exactly like evaluate, at and beside the threshold."""
        changes = monitor.update("gdp-per-capita", value)
        assert _moves(changes) == [("gdp-per-capita", Status.UNKNOWN, status)]

    def test_derived_indicator_follows_its_inputs(self, monitor: qcrules.Monitor) -> None:
        """A derived rule waits for all inputs, then moves with each (given by id or name)."""
        assert monitor.update("death-rate.deaths", 12) == []     # still unknown: no GDP
        assert monitor.report()["death-rate"].missing == ("death-rate", "death-rate.gdp")
        changes = monitor.update("地区生产总值", "600亿元")      # the input's Chinese name
        assert _moves(changes) == [("death-rate", Status.UNKNOWN, Status.NOT_MET)]  # 0.02 人/亿元
        assert _moves(monitor.update("death-rate.deaths", 5)) == [
            ("death-rate", Status.NOT_MET, Status.MET)]                          # 0.0083…
        assert _moves(monitor.update("death-rate.deaths", 6)) == [
            ("death-rate", Status.MET, Status.NOT_MET)]            # 0.01 is not below 0.01
        assert _moves(monitor.retract("地区生产总值")) == [
            ("death-rate", Status.NOT_MET, Status.UNKNOWN)]

    def test_reference_change_rejudges_the_relative_rule(self, monitor: qcrules.Monitor) -> None:
        """A new provincial average re-judges 低于全省平均数 with the same own value."""
        monitor.update("equipment-death-rate", "0.4 人/十万台")
        assert monitor.report()["equipment-death-rate"].missing == (
            "equipment-death-rate.province-average",)
        assert _moves(monitor.update("equipment-death-rate.province-average", 0.42)) == [
            ("equipment-death-rate", Status.UNKNOWN, Status.MET)]
        assert _moves(monitor.update("equipment-death-rate.province-average", 0.4)) == [
            ("equipment-death-rate", Status.MET, Status.NOT_MET)]    # 低于 is strict

    def test_update_many_judges_each_rule_once(self, monitor: qcrules.Monitor) -> None:
        """Several facts at once: the changes come in catalogue order, one per rule."""
        changes = monitor.update_many({"award": 1, "gdp-per-capita": "9万元/人",
                                       "death-rate.deaths": 3, "death-rate.gdp": "600亿元",
                                       "抽检合格率": {"value": 0.97, "source": "市市场监管局"}})
        assert _moves(changes) == [("gdp-per-capita", Status.UNKNOWN, Status.MET),
                                   ("pass-rate", Status.UNKNOWN, Status.NOT_MET),
                                   ("death-rate", Status.UNKNOWN, Status.MET),
                                   ("award", Status.UNKNOWN, Status.MET)]

    def test_retract(self, monitor: qcrules.Monitor) -> None:
        """Retracting a fact makes its rules unknown again; retracting an absent one is no-op."""
        monitor.update("pilot", "是")
        assert _moves(monitor.retract("pilot")) == [("pilot", Status.MET, Status.UNKNOWN)]
        assert monitor.retract("pilot") == []
        assert "pilot" not in monitor.facts.facts

    def test_report_equals_evaluating_the_held_facts(self, monitor: qcrules.Monitor) -> None:
        """After any updates the monitor's report is what evaluate gives for its facts."""
        facts = qcrules.load_facts(str(DATA / "mini-facts.yaml"))
        for fact in facts:
            monitor.update_many({fact.id: fact})
        monitor.retract("award")
        monitor.update("quality-index", 89.94)
        report = monitor.report()
        batch = qcrules.evaluate(monitor.plan, monitor.facts, engine=monitor.engine)
        assert report.verdicts == batch.verdicts
        assert report.engine == monitor.engine

    def test_starting_facts_and_snapshot(self, plan: qcrules.Plan) -> None:
        """Starting facts are judged silently; the snapshot gives every verdict from nothing."""
        seen: list[qcrules.VerdictChange] = []
        facts = qcrules.load_facts(str(DATA / "mini-facts.yaml"))
        watched = qcrules.Monitor(plan, facts=facts, on_change=seen.append)
        assert seen == []
        snapshot = watched.snapshot()
        assert [c.rule_id for c in snapshot] == [r.rule.id for r in plan.rules]
        assert all(c.before is None for c in snapshot)
        assert [c.after for c in snapshot] == list(qcrules.evaluate(plan, facts).verdicts)
        assert watched.report().period == "2026"


class TestInvalidUpdates:
    """A value that cannot be used makes its rules invalid; it never raises."""

    @pytest.mark.parametrize(("value", "meta", "code"), [
        (float("nan"), {}, "QC301"),
        ("NaN", {}, "QC301"),
        ("12 kg", {}, "QC300"),                 # wrong dimension
        ("8.2万元/人", {"sorce": "统计局"}, "QC203"),   # a misspelt field
        (8.2, {"unit": "万元/人)"}, "QC201"),   # a unit that is not a unit
    ])
    def test_invalid_value(self, monitor: qcrules.Monitor, value: Any, meta: dict[str, Any],
                           code: str) -> None:
        """The rule becomes invalid, with the problem's code; the monitor goes on."""
        monitor.update("gdp-per-capita", "9万元/人")
        changes = monitor.update("gdp-per-capita", value, **meta)
        assert _moves(changes) == [("gdp-per-capita", Status.MET, Status.INVALID)]
        assert changes[0].after.problem is not None
        assert changes[0].after.problem.code == code
        assert _moves(monitor.update("gdp-per-capita", "9万元/人")) == [
            ("gdp-per-capita", Status.INVALID, Status.MET)]

    def test_unknown_fact_id_raises_with_a_suggestion(self, monitor: qcrules.Monitor) -> None:
        """A fact no rule reads is a FactError (QC202) naming the nearest id; nothing changes."""
        with pytest.raises(qcrules.FactError) as raised:
            monitor.update_many({"gdp-per-capita": "9万元/人", "gdp-per-capta": 1})
        diagnostic = raised.value.diagnostics[0]
        assert (diagnostic.code, diagnostic.fact_id) == ("QC202", "gdp-per-capta")
        assert diagnostic.hint == "did you mean 'gdp-per-capita'?"
        assert monitor.report()["gdp-per-capita"].status is Status.UNKNOWN
        with pytest.raises(qcrules.FactError, match="QC202"):
            monitor.retract("no-such-fact")
        with pytest.raises(qcrules.FactError, match="QC202"):
            monitor.update("", 1)

    def test_bad_arguments(self, plan: qcrules.Plan) -> None:
        """An unknown engine or a non-catalogue is a usage error."""
        with pytest.raises(qcrules.UsageError, match="QC401"):
            qcrules.Monitor(plan, engine="rete")
        with pytest.raises(qcrules.UsageError, match="QC400"):
            qcrules.Monitor("rules.yaml")  # type: ignore[arg-type]
        with pytest.raises(qcrules.UsageError, match="QC400"):
            qcrules.Monitor(plan).update_many([("award", 1)])  # type: ignore[arg-type]


class TestDependencies:
    """Only the rules that read an updated fact are judged again."""

    def test_dependency_index(self, plan: qcrules.Plan) -> None:
        """Every name of a fact maps to the rules that read it."""
        watched = qcrules.Monitor(plan)
        assert watched.depends_on("gdp-per-capita") == ("gdp-per-capita",)
        assert watched.depends_on("人均GDP") == ("gdp-per-capita",)
        assert watched.depends_on("death-rate.gdp") == ("death-rate",)
        assert watched.depends_on("equipment-death-rate.province-average") == (
            "equipment-death-rate",)
        assert watched.depends_on("nothing") == ()

    def test_only_dependent_rules_are_evaluated(self, plan: qcrules.Plan,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        """An update evaluates the rules that read the fact, and no other."""
        from qcrules.durable import monitor as _monitor

        watched = qcrules.Monitor(plan)
        judged: list[str] = []
        real = _monitor.evaluate_rule

        def spy(compiled: Any, facts: Any) -> Any:
            judged.append(compiled.rule.id)
            return real(compiled, facts)

        monkeypatch.setattr(_monitor, "evaluate_rule", spy)
        watched.update("地区生产总值", "600亿元")
        watched.update("equipment-death-rate.province-average", 0.42)
        watched.update_many({"award": 1, "pilot": True})
        assert judged == ["death-rate", "equipment-death-rate", "award", "pilot"]

    def test_durable_session_holds_only_current_facts(self, plan: qcrules.Plan) -> None:
        """In the durable session, a rule's old facts and what was derived from them are gone."""
        pytest.importorskip("durable")
        with qcrules.Monitor(plan, engine="durable") as watched:
            session = watched._live.session  # type: ignore[union-attr]
            watched.update_many({"death-rate.deaths": 12, "death-rate.gdp": "600亿元"})
            first = session.facts
            assert {f["t"] for f in first} == {"i", "v"}      # inputs, and the derived value
            watched.update("death-rate.deaths", 3)
            assert session.sid == watched._live.session.sid  # type: ignore[union-attr]
            assert sorted(f["t"] for f in session.facts) == ["i", "i", "v"]
            watched.retract("death-rate.deaths")
            assert session.facts == ()


@pytest.fixture(scope="module")
def changes_plan() -> qcrules.Plan:
    """The change and growth catalogue of the case corpus."""
    import yaml

    catalog = yaml.safe_load((CASES / "changes.yaml").read_text(encoding="utf-8"))["catalog"]
    return qcrules.compile_catalog(qcrules.loads_catalog(yaml.safe_dump(catalog,
                                                                        allow_unicode=True)))


@pytest.fixture(params=ENGINES)
def change_monitor(request: pytest.FixtureRequest, changes_plan: qcrules.Plan) -> Any:
    if request.param == "durable":
        pytest.importorskip("durable")
    start = {"period": 2026, "facts": {}}
    with qcrules.Monitor(changes_plan, engine=request.param, facts=start) as watched:
        yield watched


def _as_batch(monitor: qcrules.Monitor) -> None:
    """The monitor's report is what both engines give for the facts it holds."""
    verdicts = monitor.report().verdicts
    assert verdicts == qcrules.evaluate(monitor.plan, monitor.facts).verdicts
    assert verdicts == qcrules.evaluate(monitor.plan, monitor.facts, engine=monitor.engine).verdicts


class TestChangeRules:
    """Changes and growth against a base value: the base arriving, changing, going away."""

    def test_the_base_arriving_later_changing_and_retracted(
            self, change_monitor: qcrules.Monitor) -> None:
        """比2020年压减13.5%: unknown until the base comes, then judged against each new base."""
        watched = change_monitor
        assert watched.update("spending-cut", "865万元") == []
        assert watched.report()["spending-cut"].missing == ("spending-cut.baseline",)
        assert _moves(watched.update("spending-cut.baseline", "1000万元")) == [
            ("spending-cut", Status.UNKNOWN, Status.MET)]             # 13.5 % exactly
        assert watched.report()["spending-cut"].margin == 0
        assert _moves(watched.update("spending-cut.baseline", "990万元")) == [
            ("spending-cut", Status.MET, Status.NOT_MET)]             # 12.6 %
        assert _moves(watched.update("spending-cut.baseline", "10000000元")) == [
            ("spending-cut", Status.NOT_MET, Status.MET)]             # 1000万元, in 元
        _as_batch(watched)
        assert _moves(watched.retract("spending-cut.baseline")) == [
            ("spending-cut", Status.MET, Status.UNKNOWN)]
        assert watched.report()["spending-cut"].missing == ("spending-cut.baseline",)
        _as_batch(watched)

    def test_a_growth_counts_its_years_to_the_monitors_period(
            self, change_monitor: qcrules.Monitor) -> None:
        """An update without a period of its own is of the monitor's period (2020 to 2026)."""
        watched = change_monitor
        watched.update("income-growth.baseline", "10000元/人")
        assert _moves(watched.update("income-growth", "15868.74322944元/人")) == [
            ("income-growth", Status.UNKNOWN, Status.MET)]           # 8 % a year, exactly
        assert watched.report()["income-growth"].margin == 0
        assert _moves(watched.update("income-growth", "15868.7432元/人")) == [
            ("income-growth", Status.MET, Status.NOT_MET)]
        _as_batch(watched)

    def test_a_compound_decline_and_an_unusable_base(self, change_monitor: qcrules.Monitor) -> None:
        """年均下降3%: a base of zero is invalid, a usable one judges the decline exactly."""
        watched = change_monitor
        watched.update("land-decline", "0.832972004929平方米/万元")
        changes = watched.update("land-decline.baseline", "0平方米/万元")
        assert _moves(changes) == [("land-decline", Status.UNKNOWN, Status.INVALID)]
        assert changes[0].after.problem is not None
        assert changes[0].after.problem.code == "QC302"
        assert _moves(watched.update("land-decline.baseline", 1)) == [
            ("land-decline", Status.INVALID, Status.MET)]             # 0.97^6 exactly
        assert _moves(watched.update("land-decline", "0.83297200493平方米/万元")) == [
            ("land-decline", Status.MET, Status.NOT_MET)]
        assert _moves(watched.update("land-decline.baseline", "很多")) == [
            ("land-decline", Status.NOT_MET, Status.INVALID)]
        _as_batch(watched)

    def test_a_derived_change_waits_for_its_inputs_and_base(
            self, change_monitor: qcrules.Monitor) -> None:
        """A derived value is measured against the base once every input and the base are in."""
        watched = change_monitor
        watched.update("发明专利数", "120件")
        assert watched.report()["patents-added"].missing == (
            "patents-added", "patents-added.population", "patents-added.baseline")
        watched.update("patents-added.population", "10万人")
        assert watched.report()["patents-added"].missing == ("patents-added.baseline",)
        assert _moves(watched.update("patents-added.baseline", "10件/万人")) == [
            ("patents-added", Status.UNKNOWN, Status.MET)]            # 12 - 10 = 2 件/万人
        assert _moves(watched.update("patents-added.population", "10.1万人")) == [
            ("patents-added", Status.MET, Status.NOT_MET)]
        _as_batch(watched)

    def test_durable_session_holds_only_current_facts(self, changes_plan: qcrules.Plan) -> None:
        """The base, the change measured and a growth's differences go with their rule's facts."""
        pytest.importorskip("durable")
        start = {"period": 2026, "facts": {}}
        with qcrules.Monitor(changes_plan, engine="durable", facts=start) as watched:
            session = watched._live.session  # type: ignore[union-attr]
            watched.update_many({"spending-rounded": "865.4万元",
                                 "spending-rounded.baseline": "1000万元"})
            assert sorted(f["t"] for f in session.facts) == ["base", "ch", "j", "v"]
            watched.update("spending-rounded.baseline", "990万元")
            assert sorted(f["t"] for f in session.facts) == ["base", "ch", "j", "v"]
            watched.retract("spending-rounded.baseline")
            assert [f["t"] for f in session.facts] == ["v"]
            watched.update_many({"investment-about": "130.530625亿元",
                                 "investment-about.baseline": "100亿元"})
            held = sorted((f["t"], f.get("k")) for f in session.facts if f["t"] != "v")
            assert held == [("base", None), ("d", 0), ("d", 1)]       # 15%左右: two bounds
            watched.retract("investment-about")      # a base is asserted only with a value
            watched.retract("spending-rounded")
            assert session.facts == ()


class TestCallbacks:
    """on_change sees every change, in order, with the new verdict."""

    @pytest.mark.parametrize("engine", ENGINES)
    def test_callback_gets_the_returned_changes(self, plan: qcrules.Plan, engine: str) -> None:
        """The callback is called once per change, with the same objects the update returns."""
        if engine == "durable":
            pytest.importorskip("durable")
        seen: list[qcrules.VerdictChange] = []
        with qcrules.Monitor(plan, engine=engine, on_change=seen.append) as watched:
            returned = watched.update_many({"award": 0, "pilot": "否"})
            returned += watched.update("award", 2)
        assert seen == returned
        assert _moves(seen) == [("award", Status.UNKNOWN, Status.NOT_MET),
                                ("pilot", Status.UNKNOWN, Status.NOT_MET),
                                ("award", Status.NOT_MET, Status.MET)]
        assert "达到目标" in str(qcrules.explain(seen[-1].after, lang="zh"))

    def test_updating_from_the_callback_is_refused(self, plan: qcrules.Plan) -> None:
        """A callback that updates its own monitor gets a usage error (QC430)."""
        errors: list[qcrules.UsageError] = []

        def callback(change: qcrules.VerdictChange) -> None:
            try:
                watched.update("pilot", True)
            except qcrules.UsageError as error:
                errors.append(error)

        watched = qcrules.Monitor(plan, on_change=callback)
        watched.update("award", 1)
        assert [e.code for e in errors] == ["QC430"]
        assert watched.update("pilot", True) != []      # usable again after the callback

    def test_a_failing_callback_leaves_the_state_updated(self, plan: qcrules.Plan) -> None:
        """The callback's exception reaches the caller; the verdicts are already current."""
        def callback(change: qcrules.VerdictChange) -> None:
            raise RuntimeError("dashboard down")

        watched = qcrules.Monitor(plan, on_change=callback)
        with pytest.raises(RuntimeError, match="dashboard down"):
            watched.update("award", 1)
        assert watched.report()["award"].status is Status.MET

    @pytest.mark.parametrize("engine", ENGINES)
    def test_threads(self, plan: qcrules.Plan, engine: str) -> None:
        """Updates from several threads: each rule's changes chain, the end state is consistent."""
        if engine == "durable":
            pytest.importorskip("durable")
        seen: list[qcrules.VerdictChange] = []
        values = ["8万元/人", "9万元/人", "nan", "85000元/人"]
        with qcrules.Monitor(plan, engine=engine, on_change=seen.append) as watched:
            def work(k: int) -> None:
                for n in range(40):
                    watched.update("gdp-per-capita", values[(n + k) % 4])
                    watched.update("award", (n + k) % 2)

            threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            report = watched.report()
            assert report.verdicts == qcrules.evaluate(plan, watched.facts).verdicts
        for rule_id in ("gdp-per-capita", "award"):
            chain = [c for c in seen if c.rule_id == rule_id]
            assert chain
            for earlier, later in itertools.pairwise(chain):
                assert later.before is not None
                assert later.before.status is earlier.after.status
                assert later.after.status is not later.before.status
            assert chain[-1].after.status is report[rule_id].status


class TestDurableSessions:
    """The long-lived durable_rules session API behind the durable monitor."""

    def test_more_monitors_than_the_session_cap(self, plan: qcrules.Plan) -> None:
        """1,100 monitors on one plan, closed or just dropped, do not exhaust the sessions."""
        pytest.importorskip("durable")
        for n in range(1100):
            watched = qcrules.Monitor(plan, engine="durable")
            watched.update("award", n % 3)
            if n % 2:
                watched.close()
            del watched
            if n % 100 == 0:
                gc.collect()
        assert qcrules.evaluate(plan, {"award": 1}, engine="durable")["award"].met

    def test_session_assert_retract_and_forward_chaining(self) -> None:
        """Facts persist between calls; retracting removes derived facts when asked."""
        pytest.importorskip("durable")
        from durable.lang import c, m, when_all

        def rules() -> None:
            @when_all(c.a << (m.t == "v"), c.b << (m.t == "ref"))
            def join(context: Any) -> None:
                context.assert_fact({"t": "d", "x": context.a.x - context.b.x})

            @when_all((m.t == "d") & (m.x > 0))
            def above(context: Any) -> Any:
                return ("above", context.m.x)

        with DurableHost(rules) as host, host.session() as session:
            assert session.assert_facts([{"t": "ref", "x": 3}]) == []
            assert session.assert_facts([{"t": "v", "x": 5}]) == [("above", 2)]
            assert session.retract(lambda f: f["t"] in ("v", "d")) == []
            assert session.facts == ({"t": "ref", "x": 3},)
            assert session.assert_facts([{"t": "v", "x": 9}]) == [("above", 6)]
            session.close()
            session.close()
            with pytest.raises(DurableEngineError, match="closed"):
                session.assert_facts([{"t": "v", "x": 1}])

    def test_a_failed_action_makes_the_session_unusable(self) -> None:
        """After an action error the session refuses further calls; the host stays usable."""
        pytest.importorskip("durable")
        from durable.lang import m, when_all

        def rules() -> None:
            @when_all(m.t == "boom")
            def boom(context: Any) -> None:
                raise ValueError("no")

            @when_all(m.t == "ok")
            def ok(context: Any) -> Any:
                return "ok"

        with DurableHost(rules) as host:
            session = host.session()
            with pytest.raises(DurableActionError):
                session.assert_facts([{"t": "boom"}])
            with pytest.raises(DurableEngineError, match="unusable"):
                session.assert_facts([{"t": "ok"}])
            session.close()
            assert host.run([{"t": "ok"}]) == ["ok"]


def _watch(lines: list[str], *args: str) -> tuple[int, list[str], list[str]]:
    from click.testing import CliRunner

    from qcrules.cli import main

    result = CliRunner().invoke(main, ["watch", "--rules", str(DATA / "mini.yaml"), *args],
                                input="\n".join(lines) + "\n")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


class TestWatchCommand:
    """``qcrules watch`` prints each verdict change of a stream of JSON lines."""

    @pytest.mark.parametrize("engine", ENGINES)
    def test_stream_of_updates(self, engine: str) -> None:
        """Updates, a facts line and a retraction print one line per change, in order."""
        if engine == "durable":
            pytest.importorskip("durable")
        code, out, err = _watch([
            '{"id": "gdp-per-capita", "value": "8.2万元/人", "source": "市统计局"}',
            '{"id": "gdp-per-capita", "value": "8.3万元/人"}',          # same status: silent
            '{"facts": {"award": 1, "抽检合格率": "97%"}, "source": "市市场监管局"}',
            "",
            '{"id": "gdp-per-capita", "value": "85000元/人"}',
            '{"retract": "award"}',
        ], "--engine", engine, "--lang", "en")
        assert (code, err) == (0, [])
        assert [line.split("  ")[0] for line in out] == [
            "gdp-per-capita: unknown → not met", "pass-rate: unknown → not met",
            "award: unknown → met", "gdp-per-capita: not met → met", "award: met → unknown"]
        assert "8.2 万元/人" in out[0]         # the explanation follows
        assert "at least 8.5 万元/人" in out[0]

    def test_bad_lines_are_located_and_skipped(self) -> None:
        """Each bad line gives <stdin>:LINE: QCnnn on stderr; the stream goes on."""
        code, out, err = _watch([
            "not json",
            '{"id": "gdp-per-capta", "value": 1}',
            "[1, 2]",
            '{"id": "award"}',
            '{"retract": 3}',
            '{"id": "award", "value": 1}',
        ])
        assert code == 0
        assert [line.split(" ")[:2] for line in err] == [
            ["<stdin>:1:", "QC100"], ["<stdin>:2:", "QC202"], ["<stdin>:3:", "QC201"],
            ["<stdin>:4:", "QC201"], ["<stdin>:5:", "QC201"]]
        assert "did you mean 'gdp-per-capita'?" in err[1]
        assert len(out) == 1
        assert out[0].startswith("award: 缺数据 → 达标")
        assert "Traceback" not in "\n".join(err)

    def test_an_unusable_value_is_invalid_and_reported(self) -> None:
        """NaN or a wrong unit: the change to invalid is printed and its problem located."""
        code, out, err = _watch(['{"id": "gdp-per-capita", "value": "9万元/人"}',
                                 '{"id": "gdp-per-capita", "value": "NaN"}',
                                 '{"id": "gdp-per-capita", "value": "12 kg"}',
                                 '{"id": "gdp-per-capita", "value": 9.1, "unit": "万元/人"}'],
                                "--lang", "en")
        assert code == 0
        assert [line.split("  ")[0] for line in out] == [
            "gdp-per-capita: unknown → met", "gdp-per-capita: met → invalid",
            "gdp-per-capita: invalid → met"]
        assert [line.split(" ")[:2] for line in err] == [["<stdin>:2:", "QC301"],
                                                         ["<stdin>:3:", "QC300"]]

    def test_json_format_initial_state_and_fail_on(self) -> None:
        """--initial prints every rule first; --format json gives one object per change;
        --fail-on violation exits 1 when a 确保 target is missed at the end."""
        code, out, _ = _watch(['{"id": "pass-rate", "value": 0.97}'], "--initial",
                              "--format", "json", "--fail-on", "violation")
        changes = [json.loads(line) for line in out]
        rules = [rule.id for rule in qcrules.load_catalog(str(DATA / "mini.yaml")).rules]
        assert [c["rule_id"] for c in changes] == [*rules, "pass-rate"]
        assert all(c["before"] is None and c["line"] is None and c["after"] == "unknown"
                   for c in changes[:-1])
        assert changes[-1] | {"verdict": None} == {
            "line": 1, "rule_id": "pass-rate", "before": "unknown", "after": "not_met",
            "severity": "violation", "verdict": None}
        assert changes[-1]["verdict"]["value"] == "97"
        assert code == 1
        assert _watch(['{"id": "pass-rate", "value": 0.98}'], "--fail-on", "violation")[0] == 0
        assert _watch(['{"id": "pass-rate", "value": 0.97}'])[0] == 0

    def test_starting_facts(self) -> None:
        """Starting fact files are judged first; only changes from them are printed."""
        code, out, err = _watch(['{"id": "award", "value": 1}'], str(DATA / "mini-facts.yaml"))
        assert (code, err) == (0, [])
        assert [line.split("  ")[0] for line in out] == ["award: 未达标 → 达标"]

    def test_the_how_to_example_is_what_watch_prints(self) -> None:
        """docs/how-to/monitor.md shows updates and the lines watch prints for them."""
        import re

        from click.testing import CliRunner

        from qcrules.cli import main

        page = (Path(__file__).parents[2] / "docs" / "how-to" / "monitor.md").read_text(
            encoding="utf-8")
        updates = re.search(r"```jsonl\n(.*?)```", page, re.DOTALL)
        shown = re.search(r"```console\n\$ cat updates.jsonl \| qcrules (.*?)\n(.*?)```", page,
                          re.DOTALL)
        assert updates is not None
        assert shown is not None
        result = CliRunner().invoke(main, shown.group(1).split(), input=updates.group(1))
        lines = shown.group(2).splitlines()
        assert result.exit_code == 0
        assert result.stdout.splitlines() == [x for x in lines if not x.startswith("<stdin>:")]
        assert result.stderr.splitlines() == [x for x in lines if x.startswith("<stdin>:")]


def test_starting_facts_holding_a_series_are_refused() -> None:
    """A monitor holds one period's facts: a whole series is QC210, not a guessed row."""
    series = qcrules.load_facts(Path(__file__).parents[2] / "examples" / "tongcheng-series.csv")
    with pytest.raises(qcrules.FactError) as raised:
        qcrules.Monitor(qcrules.load_catalog(), facts=series)
    assert raised.value.code == "QC210"


class TestWatchKeepsRegionsApart:
    """Facts of region B never overwrite region A's (regression: one fact set per process),
    and a line too long to hold is reported and skipped, the lines after it still read."""

    @pytest.mark.parametrize("engine", ENGINES)
    def test_each_region_has_its_own_verdicts(self, engine: str) -> None:
        code, out, err = _watch([
            '{"id": "gdp-per-capita", "value": "8.6万元/人", "region": "甲县"}',
            '{"id": "gdp-per-capita", "value": "8.2万元/人", "region": "乙县"}',
            '{"id": "gdp-per-capita", "value": "8.7万元/人", "region": "甲县"}',
            '{"facts": {"gdp-per-capita": "8.4万元/人"}, "region": "甲县", "period": 2026}',
            '{"retract": "gdp-per-capita", "region": "乙县"}',
        ], "--engine", engine, "-f", "json")
        assert code == 0, err
        changes = [json.loads(line) for line in out]
        assert [(c["line"], c.get("region"), c.get("period"), c["before"], c["after"])
                for c in changes] == [
            (1, "甲县", None, "unknown", "met"),
            (2, "乙县", None, "unknown", "not_met"),
            (4, "甲县", "2026", "unknown", "not_met"),
            (5, "乙县", None, "not_met", "unknown"),
        ]

    def test_fail_on_counts_every_region(self) -> None:
        code, _, _ = _watch(['{"id": "pass-rate", "value": "97%", "region": "乙县"}'],
                            "--fail-on", "violation")
        assert code == 1

    def test_a_line_too_long_is_skipped(self) -> None:
        code, out, err = _watch(['{"id": "pass-rate", "value": "' + "9" * (2 << 20) + '"}',
                                 '{"id": "pass-rate", "value": "99%"}'])
        assert code == 0
        assert err == ["<stdin>:1: QC155 line too long (expected at most 1048576 characters)"]
        assert len(out) == 1
        assert out[0].startswith("pass-rate:")
