"""Benchmark: the durable_rules engine against raw durable_rules and the native engine.

    python bench/bench_durable.py [--rules PATH] [--sets 100000] [--sample 2000] [--seed 1]

Fact sets are generated for every rule of the catalogue (default: the bundled plan): values on,
just beside and around each threshold in the rule's unit, references, derived inputs and yes/no
answers. One run prints:

1. **Adapter overhead**: ``DurableEngine.evaluate`` against *raw* durable_rules doing the same
   comparisons. Raw means the same generated ruleset on the same host, fed the batches of facts
   the adapter built for the same fact sets, already encoded as the JSON the engine reads
   (probe integers computed and written): only ``DurableHost.run_encoded`` - the session, the
   Rete matching, the dispatch and the actions (derivation, rounding, joins) - is timed, not
   reading facts, encoding them nor assembling verdicts.
2. **Against the native engine**: ``evaluate_plan`` on the same fact sets.
3. **Memory**: ``--sets`` fact sets through one engine in one process; the resident set size
   (``ru_maxrss``) after the first 1,000 and after all of them, and the Python heap
   (``tracemalloc``) growth over a stretch of 5,000 evaluations after warm-up.

Every report of the sample is also compared with the native report; a difference fails the run.
Timings are the best of five, interleaved (``time.perf_counter``), on one core.

durable_rules allocates and clears its session state for every session. With glibc, whether
that memory is returned to the system and faulted in again for the next session depends on the
layout of the whole heap (here: how many fact sets the sample holds), and when it is, it costs
more than the rest of the engine's work, in both the raw and the adapter runs, which lowers the
ratio. Run once more with ``MALLOC_TRIM_THRESHOLD_=1000000000 MALLOC_MMAP_THRESHOLD_=1000000000``
in the environment to see the figures without it.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import qcrules
from qcrules.base.numbers import format_number
from qcrules.durable.engine import DurableEngine
from qcrules.engine.evaluate import evaluate_plan

OFFSETS = [Fraction(0), Fraction(0), Fraction(1, 10**6), Fraction(-1, 10**6), Fraction(1, 20),
           Fraction(-1, 20), Fraction(1, 3), Fraction(-1, 3)]


def _number(value: Fraction) -> str:
    return format_number(value, max_places=8)


def fact_set(plan: qcrules.Plan, rng: random.Random) -> dict[str, Any]:
    """Facts for every rule of ``plan``: mostly near a threshold, a few missing."""
    facts: dict[str, Any] = {}
    for compiled in plan:
        rule = compiled.rule
        if rng.random() < 0.05:
            continue
        if not compiled.numeric:
            facts[rule.id] = rng.choice([True, False, "是", "否", "达标"])
            continue
        centre = compiled.thresholds[0][1] if compiled.thresholds else Fraction(rng.randint(1, 99))
        value = max(centre * (1 + rng.choice(OFFSETS)), Fraction(0))
        if compiled.whole:
            value = Fraction(round(value))
        plain = not compiled.unit or compiled.unit == "1" or rule.kind is qcrules.Kind.RATIO
        unit = "" if plain else f" {compiled.unit}"
        if rule.derivation is not None and rng.random() < 0.5:
            first, *rest = rule.derivation.inputs
            for spec in rest:
                facts[rule.derivation.input_fact_id(rule.id, spec.name)] = (
                    f"{rng.randint(1, 1000)} {spec.unit or ''}".strip())
            facts[rule.derivation.input_fact_id(rule.id, first.name)] = (
                f"{rng.randint(0, 1000)} {first.unit or ''}".strip())
        else:
            facts[rule.id] = _number(value) + unit
        if rule.reference is not None:
            reference = centre * (1 + rng.choice(OFFSETS)) if compiled.thresholds else value
            facts[rule.reference.id] = _number(max(reference, Fraction(0))) + unit
    return facts


def best_of(*runs: Callable[[], object], repeat: int = 5) -> list[float]:
    """The best time of each of ``runs``, interleaved so that a busy machine affects all alike."""
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for k, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[k] = min(best[k], time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default=None, help="catalogue (default: the bundled plan)")
    parser.add_argument("--sets", type=int, default=100_000, help="fact sets for the memory run")
    parser.add_argument("--sample", type=int, default=2_000, help="fact sets timed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    plan = qcrules.compile_catalog(qcrules.load_catalog(args.rules))
    rng = random.Random(args.seed)
    sample = [qcrules.facts_from_data(fact_set(plan, rng)) for _ in range(args.sample)]
    engine = DurableEngine(plan)
    host = engine.host
    assert host is not None

    # Capture what the adapter sends to the engine for each fact set (and the exact values
    # its actions use), to replay it as the raw durable_rules workload.
    captured: list[tuple[list[str], Any]] = []
    run = host.run_encoded

    def capture(batch: list[str]) -> list[Any]:
        captured.append((list(batch), engine._state))
        return run(batch)

    host.run_encoded = capture  # type: ignore[method-assign]
    differences = 0
    for facts in sample:
        report = engine.evaluate(facts)
        native = evaluate_plan(plan, facts)
        if report.verdicts != native.verdicts:
            differences += 1
    del host.run_encoded

    def raw() -> None:
        for batch, state in captured:
            engine._state = state
            run(batch)

    t_durable, t_raw, t_native = best_of(
        lambda: [engine.evaluate(facts) for facts in sample], raw,
        lambda: [evaluate_plan(plan, facts) for facts in sample])
    n = len(sample)
    rules = len(plan)
    print(f"catalogue: {plan.catalog.id}, {rules} rules -> {len(host.rule_names)} Rete rules")
    print(f"{n} fact sets; reports differing from the native engine: {differences}")
    print(f"durable engine   {t_durable / n * 1e6:9.1f} us per fact set")
    print(f"raw durable      {t_raw / n * 1e6:9.1f} us per fact set (same rules, pre-encoded facts)")
    print(f"native engine    {t_native / n * 1e6:9.1f} us per fact set")
    print(f"ratio durable engine / raw durable_rules: {t_durable / t_raw:.2f}x")
    print(f"ratio durable engine / native engine:     {t_durable / t_native:.2f}x")

    # Memory: many fact sets through one engine, in one process.
    gc.collect()
    rss: list[int] = []
    peak_heap = 0
    for k in range(args.sets):
        engine.evaluate(sample[k % n])
        if k == 999:
            rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        if k == 2_000:
            tracemalloc.start()
            before = tracemalloc.take_snapshot()
        if k == 7_000:
            after = tracemalloc.take_snapshot()
            peak_heap = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
            tracemalloc.stop()
    rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    unit = "KiB" if sys.platform != "darwin" else "bytes"
    print(f"memory: {args.sets} fact sets evaluated in one process; ru_maxrss after 1,000: "
          f"{rss[0]} {unit}, after {args.sets}: {rss[-1]} {unit}")
    if args.sets > 7_000:
        print(f"python heap growth over 5,000 evaluations after warm-up: {peak_heap} bytes")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
