"""Benchmark: cost linear in rules and memory flat in fact sets.

    python bench/bench_scale.py [--copies 1 10 100] [--sets 64] [--rounds 5]
                                [--stream 1000000] [--every 100000]

1. Rules: the bundled plan's 44 rules, and the plan copied 10 and 100 times (each copy's rules
   with their own ids, about 440 and 4,400 rules), over the same kind of varied fact sets as
   ``bench_engine.py`` (values on, just inside and just outside every threshold, 5 % missing).
   Prints the time per fact set and per rule judged (median of interleaved rounds, with min and
   max); cost linear in rules means the time per rule stays the same.
2. Fact sets: ``--stream`` fact sets, made one at a time by a generator, through
   ``qcrules.evaluate_many``, each report's verdicts counted and the report dropped (as a
   caller writing each to a file would). Prints the process's resident memory after every
   ``--every`` fact sets: flat memory means it does not grow with the count. (The table
   path's memory over a million rows is measured by ``bench_engine.py``.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Iterator
from typing import Any

import attrs
from bench_engine import fact_sets  # the same varied fact sets as the engine benchmark

import qcrules


def copied(catalog: qcrules.Catalog, copies: int) -> qcrules.Catalog:
    """The catalogue with its rules ``copies`` times, each copy's ids suffixed (the first
    keeps its own, so a compound target's members are still found)."""
    rules = [attrs.evolve(rule, id=rule.id if k == 0 else f"{rule.id}-{k}")
             for k in range(copies) for rule in catalog.rules]
    return attrs.evolve(catalog, rules=tuple(rules))


def per_rule(rounds: int, sets: int, copies: list[int], seed: int) -> None:
    catalog = qcrules.load_catalog()
    plans = {n: qcrules.compile_catalog(copied(catalog, n)) for n in copies}
    inputs = {n: [raw for raw, _ in fact_sets(plans[n], sets, seed, spelled=False)]
              for n in copies}
    times: dict[int, list[float]] = {n: [] for n in copies}
    for _ in range(rounds):  # interleaved: every size once per round
        for n in copies:
            plan, raws = plans[n], inputs[n]
            start = time.perf_counter()
            for raw in raws:
                qcrules.evaluate(plan, raw)
            times[n].append((time.perf_counter() - start) / len(raws))
    print(f"cost in rules ({sets} fact sets of floats per round, {rounds} rounds)")
    print(f"  {'rules':>6}  {'µs per fact set':>24}  {'µs per rule':>22}")
    base = statistics.median(times[copies[0]]) / len(plans[copies[0]])
    for n in copies:
        rules = len(plans[n])
        med, low, high = (f(times[n]) * 1e6 for f in (statistics.median, min, max))
        each = med / rules
        print(f"  {rules:>6}  {med:>10.1f} [{low:.1f}–{high:.1f}]  {each:>8.3f} "
              f"({each / (base * 1e6):.2f}× the {len(plans[copies[0]])}-rule plan's)")


def stream(count: int, every: int, seed: int) -> Iterator[dict[str, Any]]:
    """``count`` varied fact sets, made a batch at a time and given one at a time."""
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    batch = min(every, 10_000)
    for start in range(0, count, batch):
        for raw, _ in fact_sets(plan, min(batch, count - start), seed + start, spelled=False):
            yield raw


def resident_mib() -> float:
    """The process's resident memory now (Linux ``/proc``; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10


def memory(count: int, every: int, seed: int) -> None:
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    print(f"\nmemory over {count:,} fact sets through evaluate_many, each report read and "
          "dropped (resident MiB)")
    statuses = dict.fromkeys(qcrules.Status, 0)
    print(f"    before:          {resident_mib():7.1f}")
    start = time.perf_counter()
    for i, report in enumerate(qcrules.evaluate_many(plan, stream(count, every, seed)), 1):
        for verdict in report:
            statuses[verdict.status] += 1
        if i % every == 0:
            print(f"    after {i:>9,}: {resident_mib():7.1f}", flush=True)
    elapsed = time.perf_counter() - start
    print(f"    {count / elapsed:,.0f} fact sets/s, making them included; "
          + ", ".join(f"{s.value} {n:,}" for s, n in statuses.items()))
    print("    (the table path's memory over 1,000,000 rows: bench/bench_engine.py)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--sets", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--stream", type=int, default=1_000_000)
    parser.add_argument("--every", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    per_rule(args.rounds, args.sets, args.copies, args.seed)
    memory(args.stream, args.every, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
