"""Tests for the safe durable_rules host."""

from __future__ import annotations

import gc
import math
import os
import resource
import sys
import threading
import tracemalloc
from decimal import Decimal

import pytest

pytest.importorskip("durable")

import durable_rules_engine
from durable import lang
from durable.lang import c, m, when_all
from hypothesis import given, settings
from hypothesis import strategies as st

from qcrules.durable.host import (
    MAX_FACT_KEYS,
    DurableActionError,
    DurableEngineError,
    DurableHost,
    DurableInputError,
    FactView,
    _fnv1a32,
    _Run,
)


def indicator_rules():
    """Stats above their limit derive a breach indicator; breaches are reported."""

    @when_all((m.kind == "stat") & (m.value >= m.limit))
    def over_limit(c):
        c.assert_fact({"kind": "breach", "ref": c.m.ref, "value": c.m.value})
        return ("over", c.m.ref)

    @when_all(m.kind == "breach")
    def report(c):
        return ("breach", c.m.ref, c.m.value)


@pytest.fixture
def host():
    with DurableHost(indicator_rules) as h:
        yield h


def stat(ref, value, limit=10.0):
    return {"kind": "stat", "ref": ref, "value": value, "limit": limit}


# -- basic behaviour ---------------------------------------------------------


def test_rule_fires_and_output_is_returned():
    def rules():
        @when_all(m.kind == "x")
        def flag(c):
            return {"ref": c.m.ref}

    with DurableHost(rules) as h:
        assert h.run([{"kind": "x", "ref": "a"}]) == [{"ref": "a"}]


def test_no_match_returns_empty_list(host):
    assert host.run([{"kind": "other"}]) == []
    assert host.run([stat("a", 1.0)]) == []
    assert host.run([]) == []


def test_partial_match_still_runs_the_matching_actions(host):
    # The stock API raises MessageNotHandledException for such a batch and
    # runs nothing.
    out = host.run([{"kind": "other"}, stat("a", 11.0), {"kind": "other2"}])
    assert ("over", "a") in out


def test_forward_chaining_in_one_run(host):
    out = host.run([stat("a", 12.5), stat("b", 3.0)])
    assert sorted(out) == [("breach", "a", 12.5), ("over", "a")]
    assert out.index(("over", "a")) < out.index(("breach", "a", 12.5))


def test_derived_facts_that_match_nothing_are_fine():
    def rules():
        @when_all(m.kind == "x")
        def derive(c):
            c.assert_fact({"kind": "unconsumed"})
            return "x"

    with DurableHost(rules) as h:
        assert h.run([{"kind": "x"}]) == ["x"]


def test_identical_facts_are_distinct_facts(host):
    # The engine drops a fact equal to an earlier one (the stock API then
    # raises MessageObservedException and runs nothing).
    out = host.run([stat("a", 11.0)] * 3)
    assert out.count(("over", "a")) == 3
    assert out.count(("breach", "a", 11.0)) == 3


def test_many_identical_facts(host):
    out = host.run([stat("a", 11.0)] * 2000)
    assert out.count(("over", "a")) == 2000


def test_fact_ids_avoid_32_bit_hash_collisions():
    # "f6059" and "f264602" have the same FNV-1a hash: the engine would treat
    # the second fact as already seen and drop it.
    assert _fnv1a32("f6059") == _fnv1a32("f264602")
    run = _Run("1")
    ids = [run.new_id() for _ in range(300_000)]
    assert len({_fnv1a32(i) for i in ids}) == len(ids)
    assert "f264602" not in ids


def test_collision_is_real_in_the_engine():
    # Documents the engine behaviour the id allocator works around.
    import json

    handle = durable_rules_engine.create_ruleset(
        "collision_probe", json.dumps({"r": {"all": [{"m": {"kind": "x"}}]}})
    )
    try:
        facts = [
            {"sid": "s", "id": "f6059", "kind": "x"},
            {"sid": "s", "id": "f264602", "kind": "x"},
        ]
        code, offset = durable_rules_engine.assert_facts(handle, json.dumps(facts))
        assert code == 2  # "already observed"
        fired = 0
        result = durable_rules_engine.start_action_for_state(handle, offset)
        pending = None if result is None else result[1]
        while pending is not None:
            fired += 1
            pending = durable_rules_engine.complete_and_start_action(handle, offset)
        durable_rules_engine.delete_state(handle, "s")
        assert fired == 1
    finally:
        durable_rules_engine.delete_ruleset(handle)


def test_multi_pattern_rule_with_aliases():
    def rules():
        @when_all(
            c.target << (m.kind == "target"),
            c.obs << ((m.kind == "obs") & (m.indicator == c.target.indicator)),
        )
        def join(c):
            return (c.target.indicator, c.obs.value)

    with DurableHost(rules) as h:
        out = h.run(
            [
                {"kind": "target", "indicator": "i1"},
                {"kind": "obs", "indicator": "i1", "value": 1.5},
                {"kind": "obs", "indicator": "i2", "value": 2.5},
            ]
        )
        assert out == [("i1", 1.5)]


def test_declarative_mapping_definition():
    def action(c):
        return c.m.value

    definition = {
        "low": {"all": [{"m": {"$lt": {"value": 0.5}}}], "run": action},
        "high": {"all": [{"m": {"$gte": {"value": 0.5}}}], "run": action},
    }
    with DurableHost(definition) as h:
        assert h.rule_names == ("low", "high")
        assert h.run([{"value": 0.25}]) == [0.25]
        assert h.run([{"value": 0.75}]) == [0.75]
    assert "run" in definition["low"]  # the caller's definition is not modified


def test_actions_see_the_facts_without_host_keys():
    seen = []

    def rules():
        @when_all(m.kind == "x")
        def look(c):
            seen.append(c.m)
            return c.m.to_dict()

    fact = {"kind": "x", "nested": {"a": 1, "b": [1, {"c": None}]}, "s": 'q"\\é'}
    with DurableHost(rules) as h:
        assert h.run([fact]) == [fact]
    view = seen[0]
    assert isinstance(view, FactView)
    assert "sid" not in view
    assert "id" not in view
    assert view.nested.a == 1
    with pytest.raises(AttributeError):
        _ = view.missing


def test_rule_names_needing_json_escapes_fire_their_own_action():
    # Actions are found from the engine's JSON text; a name written with escapes must not be
    # taken for another rule whose name is the text before the escape.
    def named(name):
        return lambda c: (name, c.m.value)

    definition = {
        name: {"all": [{"m": {"value": k}}], "run": named(name)}
        for k, name in enumerate(['a\\', 'a"b', "a\\b", "达标", "a/b"])
    }
    with DurableHost(definition) as h:
        assert h.run([{"value": k} for k in range(5)]) == [
            ('a\\', 0), ('a"b', 1), ("a\\b", 2), ("达标", 3), ("a/b", 4)]


def test_strings_that_look_like_the_session_state_fact_are_plain_values():
    def rules():
        @when_all(-m.kind)
        def no_kind(c):
            return dict(c.m)

    texts = ['"$s":1', '{"$s":1}', "sid-1", '"id":"sid-1"']
    with DurableHost(rules) as h:
        out = h.run([{"text": text} for text in texts])
    assert sorted(fact["text"] for fact in out) == sorted(texts)


def test_run_encoded_runs_facts_written_by_the_caller(host):
    encoded = ['"kind":"stat","ref":"a","value":12.5,"limit":10.0',
               '"kind":"stat","ref":"b","value":3,"limit":10']
    out = host.run_encoded(encoded)
    assert out == host.run([stat("a", 12.5), stat("b", 3, 10)])
    assert sorted(out) == [("breach", "a", 12.5), ("over", "a")]
    # Identical encoded facts are distinct facts, as with run().
    assert host.run_encoded(encoded[:1] * 3).count(("over", "a")) == 3
    assert host.run_encoded([]) == []


def test_run_encoded_fact_without_members():
    def rules():
        @when_all(-m.kind)
        def empty(c):
            return dict(c.m)

    with DurableHost(rules) as h:
        out = h.run_encoded(["", '"n":1'])
    assert sorted(out, key=len) == [{}, {"n": 1}]


def test_nested_paths():
    def rules():
        @when_all(m.stat.value > 2)
        def nested(c):
            return c.m.stat.value

    with DurableHost(rules) as h:
        assert h.run([{"stat": {"value": 3}}, {"stat": {"value": 1}}]) == [3]


def test_negative_only_rule_does_not_see_the_session_state_fact():
    # The engine matches such a rule against its internal {"$s": 1} fact.
    def rules():
        @when_all(-m.kind)
        def no_kind(c):
            return dict(c.m)

    with DurableHost(rules) as h:
        assert h.run([{"kind": "x"}]) == []
        assert h.run([{"other": 1}]) == [{"other": 1}]


def test_rules_on_the_session_state_are_rejected():
    def rules():
        @when_all(m.kind == "x")
        def uses_state(c):
            return 1

        from durable.lang import s

        @when_all(s.status == "x")
        def on_state(c):
            return 2

    with pytest.raises(DurableInputError, match="session state"):
        DurableHost(rules)


def test_no_match_runs_on_several_live_hosts():
    # Deleting a session in which no action ever started frees uninitialised
    # pointers in the engine; with a few rulesets alive this used to abort.
    hosts = [DurableHost(indicator_rules) for _ in range(5)]
    try:
        for _ in range(20):
            for h in hosts:
                assert h.run([stat("x", 1.0)]) == []
                assert h.run([{"kind": "none"}]) == []
                assert h.run([stat("y", 11.0)]) == [("over", "y"), ("breach", "y", 11.0)]
    finally:
        for h in hosts:
            h.close()


# -- isolation ---------------------------------------------------------------


def test_two_hosts_from_the_same_definition_do_not_interfere():
    a = DurableHost(indicator_rules)
    b = DurableHost(indicator_rules)
    try:
        assert a.name != b.name
        for i in range(50):
            assert a.run([stat("a", 20.0 + i)]) == [
                ("over", "a"),
                ("breach", "a", 20.0 + i),
            ]
            assert b.run([stat("b", 1.0)]) == []
            assert b.run([stat("b", 30.0)]) == [("over", "b"), ("breach", "b", 30.0)]
    finally:
        a.close()
        b.close()


def test_no_background_threads_and_no_global_registration():
    before = threading.active_count()
    with DurableHost(indicator_rules) as h:
        h.run([stat("a", 11.0)])
        assert threading.active_count() == before
        assert h.name not in lang._rulesets


def test_runs_are_isolated(host):
    # Facts of one run are invisible to the next one.
    assert host.run([stat("a", 11.0)]) == [("over", "a"), ("breach", "a", 11.0)]
    assert host.run([{"kind": "breach_probe"}]) == []


# -- many runs ---------------------------------------------------------------


def _current_rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def test_more_runs_than_the_session_cap_with_flat_memory(host):
    batch = [stat("a", 11.0), stat("b", 1.0), {"kind": "noise", "n": 3}]
    expected = [("over", "a"), ("breach", "a", 11.0)]
    tracemalloc.start()
    try:
        for _ in range(500):
            assert host.run(batch) == expected
        gc.collect()
        traced_500 = tracemalloc.get_traced_memory()[0]
        rss_500 = _current_rss_bytes()
        for _ in range(2500):
            assert host.run(batch) == expected
        gc.collect()
        traced_3000 = tracemalloc.get_traced_memory()[0]
        rss_3000 = _current_rss_bytes()
    finally:
        tracemalloc.stop()
    assert traced_3000 - traced_500 < 256 * 1024
    assert rss_3000 - rss_500 < 16 * 1024 * 1024


def test_sessions_are_deleted_even_when_actions_fail():
    def rules():
        @when_all(m.kind == "x")
        def boom(c):
            raise ValueError("bad")

    with DurableHost(rules) as h:
        for _ in range(1100):
            with pytest.raises(DurableActionError):
                h.run([{"kind": "x"}])
            assert h.run([{"kind": "no match"}]) == []


# -- threads -----------------------------------------------------------------


def test_concurrent_runs_match_sequential_runs(host):
    def batch(t, i):
        return [stat(f"{t}-{i}", float(i % 20)), stat("const", 15.0, limit=15.0)]

    sequential = {(t, i): host.run(batch(t, i)) for t in range(4) for i in range(200)}
    results = {}
    errors = []
    start = threading.Barrier(4)

    def worker(t):
        try:
            start.wait()
            for i in range(200):
                results[(t, i)] = host.run(batch(t, i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == sequential


def test_concurrent_runs_on_different_hosts():
    hosts = [DurableHost(indicator_rules) for _ in range(4)]
    errors = []

    def worker(k):
        try:
            for i in range(200):
                value = float(k * 1000 + i)
                out = hosts[k].run([stat(str(k), value, limit=0.0)])
                assert out == [("over", str(k)), ("breach", str(k), value)]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for h in hosts:
        h.close()
    assert not errors


# -- numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [1e16, -1e16, 1e-5, 5e-324, 1e300, 1.7976931348623157e308, 2.5e-5, 1.5e20, 0.0],
)
def test_floats_that_python_writes_with_an_exponent(value):
    # Sent as-is, "1e+16" or "5e-324" crash the process.
    below = math.nextafter(value, -math.inf)  # one ulp lower

    def rules():
        @when_all(m.value == value)
        def equal(c):
            return ("eq", c.m.value)

        @when_all(m.value > below)
        def greater(c):
            return ("gt", c.m.value)

    with DurableHost(rules) as h:
        assert sorted(h.run([{"value": value}])) == [("eq", value), ("gt", value)]
        assert h.run([{"value": below}]) == []


def test_float_precision_is_kept():
    def rules():
        @when_all(m.value > 0.3)
        def above(c):
            return c.m.value

    with DurableHost(rules) as h:
        assert h.run([{"value": 0.1 + 0.2}]) == [0.30000000000000004]
        assert h.run([{"value": 0.3}]) == []


def test_int64_boundaries():
    def rules():
        @when_all(m.value == 2**63 - 2)
        def equal(c):
            return "eq"

        @when_all(m.value > 2**63 - 2)
        def greater(c):
            return "gt"

    with DurableHost(rules) as h:
        assert h.run([{"value": 2**63 - 2}]) == ["eq"]
        assert h.run([{"value": 2**63 - 1}]) == ["gt"]
        assert h.run([{"value": 2**63 - 3}]) == []


THRESHOLDS = [0.0, 1e-5, 0.1, 1e16, -1e300, 5e-324, 123.456]


@pytest.fixture(scope="module")
def threshold_hosts():
    hosts = []
    for t in THRESHOLDS:

        def rules(t=t):
            @when_all(m.value >= t)
            def ge(c):
                return "ge"

            @when_all(m.value < t)
            def lt(c):
                return "lt"

            @when_all(m.value == t)
            def eq(c):
                return "eq"

        hosts.append(DurableHost(rules))
    yield list(zip(THRESHOLDS, hosts, strict=True))
    for h in hosts:
        h.close()


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(min_value=-(2**53), max_value=2**53),
    )
)
def test_comparisons_agree_with_python(threshold_hosts, value):
    for t, h in threshold_hosts:
        expected = set()
        if value >= t:
            expected.add("ge")
        if value < t:
            expected.add("lt")
        if value == t:
            expected.add("eq")
        assert set(h.run([{"value": value}])) == expected, (value, t)


# -- rejected input ----------------------------------------------------------


@pytest.mark.parametrize(
    "fact",
    [
        {"value": float("nan")},
        {"value": float("inf")},
        {"value": -float("inf")},
        {"value": 2**63},
        {"value": -(2**63) - 1},
        {"value": Decimal("1.5")},
        {"value": {1, 2}},
        {"a.b": 1},
        {"$s": 1},
        {"": 1},
        {1: "x"},
        {"sid": "x"},
        {"id": "x"},
        {"nested": {"bad.key": 1}},
        {"nested": [{"v": float("nan")}]},
        {f"k{i}": i for i in range(MAX_FACT_KEYS + 1)},
        {"a": {f"k{i}": i for i in range(MAX_FACT_KEYS)}},
    ],
)
def test_input_the_engine_would_mishandle_is_rejected(host, fact):
    with pytest.raises(DurableInputError):
        host.run([stat("ok", 11.0), fact])
    assert host.run([stat("a", 11.0)]) == [("over", "a"), ("breach", "a", 11.0)]


def test_non_mapping_fact_is_rejected(host):
    with pytest.raises(DurableInputError):
        host.run([["kind", "stat"]])


def test_large_fact_within_the_key_limit(host):
    fact = {f"k{i}": i for i in range(MAX_FACT_KEYS - 4)}
    fact.update(stat("big", 11.0))
    assert host.run([fact]) == [("over", "big"), ("breach", "big", 11.0)]


def test_derived_fact_is_validated_too():
    def rules():
        @when_all(m.kind == "x")
        def derive(c):
            c.assert_fact({"kind": "y", "value": float("nan")})

    with DurableHost(rules) as h:
        with pytest.raises(DurableActionError) as info:
            h.run([{"kind": "x"}])
        assert isinstance(info.value.__cause__, DurableInputError)


# -- errors ------------------------------------------------------------------


def test_action_errors_are_raised_not_swallowed():
    def rules():
        @when_all(m.kind == "x")
        def fails(c):
            raise KeyError("missing")

        @when_all(m.kind == "y")
        def fine(c):
            return "y"

    with DurableHost(rules) as h:
        with pytest.raises(DurableActionError) as info:
            h.run([{"kind": "x"}, {"kind": "y"}])
        assert isinstance(info.value.__cause__, KeyError)
        assert info.value.rule == "r_0"
        assert isinstance(info.value, DurableEngineError)
        assert isinstance(info.value, RuntimeError)
        assert h.run([{"kind": "y"}]) == ["y"]


def test_engine_rejection_of_a_definition_is_wrapped():
    definition = {"bad": {"all": [{"m": {"$nosuchop": {"value": 1}}}], "run": lambda c: None}}
    with pytest.raises(DurableEngineError) as info:
        DurableHost(definition)
    assert info.value.__cause__ is not None


def test_broken_definitions():
    with pytest.raises(DurableInputError):
        DurableHost({})
    with pytest.raises(DurableInputError):
        DurableHost({"r": {"all": [{"m": {"kind": "x"}}]}})  # no action
    with pytest.raises(DurableInputError):
        DurableHost({"r": {"all": [{"m": {"v": float("nan")}}], "run": print}})
    with pytest.raises(DurableInputError):
        DurableHost(42)

    def raises():
        raise RuntimeError("typo in rules")

    with pytest.raises(DurableEngineError) as info:
        DurableHost(raises)
    assert isinstance(info.value.__cause__, RuntimeError)
    assert not lang._ruleset_stack


def test_runaway_forward_chaining_is_stopped():
    def rules():
        @when_all(m.kind == "tick")
        def again(c):
            c.assert_fact({"kind": "tick"})

    with (
        DurableHost(rules, max_actions_per_run=500) as h,
        pytest.raises(DurableEngineError, match="500 actions"),
    ):
        h.run([{"kind": "tick"}])

    def ok():
        @when_all(m.kind == "x")
        def fine(c):
            return 1

    with DurableHost(ok, max_actions_per_run=3) as h:
        assert h.run([{"kind": "x"}] * 3) == [1, 1, 1]
        assert h.run([{"kind": "nothing"}]) == []


def test_closed_host():
    h = DurableHost(indicator_rules)
    h.close()
    h.close()
    assert h.closed
    with pytest.raises(DurableEngineError, match="closed"):
        h.run([stat("a", 11.0)])


def test_action_context_outlives_its_run():
    kept = []

    def rules():
        @when_all(m.kind == "x")
        def keep(c):
            kept.append(c)

    with DurableHost(rules) as h:
        h.run([{"kind": "x"}])
        with pytest.raises(DurableEngineError):
            kept[0].assert_fact({"kind": "late"})


def test_keyboard_interrupt_propagates_and_host_survives():
    calls = []

    def rules():
        @when_all(m.kind == "x")
        def interrupt(c):
            calls.append(1)
            if len(calls) == 1:
                raise KeyboardInterrupt

    with DurableHost(rules) as h:
        with pytest.raises(KeyboardInterrupt):
            h.run([{"kind": "x"}])
        assert h.run([{"kind": "x"}]) == []


def test_the_session_limit_says_what_happened_and_what_to_do() -> None:
    """durable_rules reports its 1,024th live session as a MemoryError with no message; the
    host's error names the limit and the remedy (run in a process of its own: the host is
    unusable afterwards)."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from qcrules.durable.host import DurableHost, DurableEngineError\n"
        "from test_durable_host import indicator_rules, stat\n"
        "with DurableHost(indicator_rules) as host:\n"
        "    sessions = []\n"
        "    try:\n"
        "        for i in range(1100):\n"
        "            session = host.session()\n"
        "            session.assert_facts([stat(f'r{i}', 20)])\n"
        "            sessions.append(session)\n"
        "    except DurableEngineError as error:\n"
        "        print(len(sessions), error)\n")
    done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    count, _, message = done.stdout.strip().partition(" ")
    assert int(count) == 1024
    assert "limit of 1,024 live sessions per ruleset" in message
    assert "LiveSession.close" in message
