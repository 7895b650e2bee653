"""Benchmark: qcrules against a plain-Python baseline, as ratios from one run.

    python bench/bench_engine.py [--rows 100000] [--repeat 200] [--seed 1]

1. Latency of one fact set against the bundled catalogue, explanation data recorded, against a
   baseline that is a dict of precompiled float comparisons with precomputed unit factors.
2. Throughput of the vectorised table path over ``--rows`` generated fact sets, in rule
   evaluations per second, against the same baseline looping over the rows.
3. Correctness of the table path: every verdict is compared with an exact-decimal reference
   written here independently (Python ``decimal`` at 50 digits); the count of differences must
   be 0. Values are generated on, just beside and around every threshold, in other units.

Timings are the best of several runs (``time.perf_counter``), on one core.
"""

from __future__ import annotations

import argparse
import math
import operator
import random
import sys
import time
from decimal import Decimal, getcontext
from fractions import Fraction
from typing import Any

import numpy as np

import qcrules
from qcrules.catalog.units import conversion_factor
from qcrules.engine.compile import CompiledRule
from qcrules.engine.table import STATUS_ORDER

getcontext().prec = 50
OPS = {qcrules.Op.GE: operator.ge, qcrules.Op.GT: operator.gt, qcrules.Op.LE: operator.le,
       qcrules.Op.LT: operator.lt, qcrules.Op.EQ: operator.eq}
# Relative offsets from a threshold: on it, a hair either side, and well away, with weights:
# a fifth of the values sit on or within a hair of a threshold, where float noise would flip
# a verdict.
OFFSETS = (0, 1e-13, -1e-13, 1e-9, -1e-9, 1e-6, -1e-6, 0.001, -0.001, 0.05, -0.05, 0.3, -0.3)
WEIGHTS = np.array([10, 5, 5, 5, 5, 10, 10, 10, 10, 10, 10, 5, 5], dtype=float)
WEIGHTS /= WEIGHTS.sum()


def column_unit(compiled: CompiledRule) -> str | None:
    """The unit a generated column is written in: another compatible unit where there is one."""
    unit = compiled.unit
    alternatives = {"万元/人": "元/人", "%": None, "件/万人": "件/人", "人/亿元": "人/万元",
                    "人/十万台": "人/台", "个/千人": "个/人", "人/千人": "人/万人"}
    if compiled.rule.kind is qcrules.Kind.RATIO:
        return None
    return alternatives.get(unit, unit) if unit else None


def offsets_for(rng: np.random.Generator, rows: int, mix: str) -> np.ndarray:
    """Relative offsets from a threshold: ``boundary`` puts a fifth of the values on or within a
    hair of it; ``typical`` spreads them over ±30 % with 2 % exactly on it."""
    if mix == "boundary":
        return rng.choice(OFFSETS, size=rows, p=WEIGHTS)
    spread = rng.uniform(-0.3, 0.3, size=rows)
    return np.where(rng.random(rows) < 0.02, 0.0, spread)


def generate(plan: qcrules.Plan, rows: int, seed: int,
             mix: str = "boundary") -> tuple[dict[str, Any], dict[str, str]]:
    """Columns of values around each threshold, 5 % missing."""
    rng = np.random.default_rng(seed)
    table: dict[str, Any] = {}
    units: dict[str, str] = {}
    for compiled in plan.rules:
        rule = compiled.rule
        if not rule.kind.numeric:
            values = rng.choice([1.0, 0.0, np.nan], size=rows, p=[0.6, 0.35, 0.05])
            table[rule.id] = values
            continue
        unit = column_unit(compiled)
        factor = float(conversion_factor(unit or "1", compiled.unit or "1")) if compiled.unit \
            else 1.0
        if rule.kind.needs_reference:
            threshold = {"%": 3.2, "人/十万台": 0.42}.get(compiled.unit or "", 1.0)
            reference = threshold * (1 + offsets_for(rng, rows, mix) * 0.1)
            table[rule.reference.id] = np.where(rng.random(rows) < 0.05, np.nan,
                                                reference / factor)
            units[rule.reference.id] = unit or "1"
        else:
            threshold = float(compiled.bounds[0][1])
        offsets = offsets_for(rng, rows, mix)
        values = threshold * (1 + offsets) / factor
        if compiled.whole:
            values = np.where(rng.random(rows) < 0.9, np.round(values), values)
        values = np.where(rng.random(rows) < 0.05, np.nan, values)
        table[rule.id] = values
        if unit:
            units[rule.id] = unit
    return table, units


# ---- the baseline: a dict of precompiled float comparisons ----------------------------------

def baseline_plan(plan: qcrules.Plan, units: dict[str, str]) -> list[tuple[Any, ...]]:
    """(key, factor, [(op, threshold)], reference key) per numeric rule, floats only."""
    compiled_rules = []
    for compiled in plan.rules:
        rule = compiled.rule
        if not rule.kind.numeric:
            compiled_rules.append((rule.id, None, [], None))
            continue
        factor = float(conversion_factor(units.get(rule.id, "1"), compiled.unit or "1")) \
            if compiled.unit and (rule.id in units or compiled.percent_like) else 1.0
        ref = rule.reference.id if rule.reference else None
        thresholds = [(OPS[op], float(t)) for op, t in compiled.bounds if t is not None]
        ops = [OPS[op] for op, _ in compiled.bounds]
        compiled_rules.append((rule.id, factor, thresholds, (ref, ops)))
    return compiled_rules


def baseline_evaluate(rules: list[tuple[Any, ...]], facts: dict[str, float],
                      ref_factor: float = 1.0) -> list[bool | None]:
    out: list[bool | None] = []
    for key, factor, thresholds, ref in rules:
        value = facts.get(key)
        if value is None or math.isnan(value):
            out.append(None)
            continue
        if factor is None:
            out.append(value == 1)
            continue
        value *= factor
        if ref is not None and ref[0] is not None:
            reference = facts.get(ref[0])
            if reference is None or math.isnan(reference):
                out.append(None)
                continue
            out.append(all(op(value, reference * factor) for op in ref[1]))
        else:
            out.append(all(op(value, threshold) for op, threshold in thresholds))
    return out


# ---- the exact-decimal reference, written independently of qcrules' evaluator ----------------

def decimal_status(compiled: CompiledRule, row: dict[str, float], units: dict[str, str]) -> str:
    rule = compiled.rule

    def read(key: str) -> Decimal | None:
        value = row.get(key)
        if value is None or math.isnan(value):
            return None
        exact = Decimal(repr(float(value)))
        unit = units.get(key)
        if rule.kind is qcrules.Kind.RATIO or compiled.unit is None:
            return exact
        if unit is None:
            unit = "1" if compiled.percent_like else compiled.unit
        factor = conversion_factor(unit, compiled.unit)
        return exact * Decimal(factor.numerator) / Decimal(factor.denominator)

    def dec(x: Fraction) -> Decimal:
        return Decimal(x.numerator) / Decimal(x.denominator)

    def outside(value: Decimal) -> bool:
        if compiled.minimum is not None and value < dec(compiled.minimum):
            return True
        if compiled.maximum is not None and value > dec(compiled.maximum):
            return True
        return compiled.whole and value != value.to_integral_value()

    if not rule.kind.numeric:
        value = row.get(rule.id)
        if value is None or math.isnan(value):
            return "unknown"
        return {1.0: "met", 0.0: "not_met"}.get(float(value), "invalid")
    value = read(rule.id)
    if value is None:
        return "unknown"
    if outside(value):
        return "invalid"
    if rule.kind.needs_reference:
        reference = read(rule.reference.id)
        if reference is None:
            return "unknown"
        if outside(reference):
            return "invalid"
        bounds = [(op, reference) for op, _ in compiled.bounds]
    else:
        bounds = [(op, dec(t)) for op, t in compiled.bounds]
    if rule.precision is not None:
        step = dec(rule.precision)
        value = (abs(value) / step).quantize(Decimal(1), rounding="ROUND_HALF_EVEN") * step * (
            -1 if value < 0 else 1)
    return "met" if all(OPS[op](value, t) for op, t in bounds) else "not_met"


def best_of(runs: int, function: Any) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    catalog = qcrules.load_catalog()
    plan = qcrules.compile_catalog(catalog)
    table, units = generate(plan, args.rows, args.seed)
    n_rules = len(plan.rules)
    print(f"catalogue: {catalog.id}, {n_rules} rules; rows: {args.rows:,}")

    # 1. latency of one fact set
    row = {key: float(values[0]) for key, values in table.items()}
    row = {k: (None if math.isnan(v) else v) for k, v in row.items()}
    fact_set = qcrules.TableResult(plan, args.rows, {}, table, units).fact_set(0)
    rules = baseline_plan(plan, units)
    per_set = best_of(5, lambda: [qcrules.evaluate(plan, fact_set) for _ in range(args.repeat)])
    per_set /= args.repeat
    per_set_parse = best_of(3, lambda: [qcrules.evaluate(plan, {k: (f"{v}{units[k]}" if k in units
                                                                       else v)
                                                               for k, v in row.items()})
                                        for _ in range(args.repeat)]) / args.repeat
    base_set = best_of(5, lambda: [baseline_evaluate(rules, row)
                                   for _ in range(args.repeat * 10)]) / (args.repeat * 10)
    print("\none fact set (explanation data recorded)")
    print(f"  baseline (float dict)         {base_set * 1e6:10.1f} µs")
    print(f"  qcrules, parsed FactSet       {per_set * 1e6:10.1f} µs   ratio {per_set / base_set:6.1f}×")
    print(f"  qcrules, from a raw dict      {per_set_parse * 1e6:10.1f} µs   ratio "
          f"{per_set_parse / base_set:6.1f}×")

    # 2. throughput of the table path, on both mixes
    python_rows = [{k: (None if np.isnan(v[i]) else float(v[i])) for k, v in table.items()}
                   for i in range(min(args.rows, 20_000))]
    base_time = best_of(1, lambda: [baseline_evaluate(rules, r) for r in python_rows])
    base_rate = len(python_rows) * n_rules / base_time
    evaluations = args.rows * n_rules
    print(f"\nvectorised table path, {args.rows:,} fact sets × {n_rules} rules")
    print(f"  baseline loop (float dict)    {base_rate / 1e6:10.2f} M evaluations/s")
    results = {}
    for mix in ("typical", "boundary"):
        mix_table, _ = (table, units) if mix == "boundary" else generate(plan, args.rows,
                                                                         args.seed, mix)
        holder: dict[str, Any] = {}

        def run_table(mix_table: dict[str, Any] = mix_table, holder: dict[str, Any] = holder) -> None:
            holder["r"] = qcrules.evaluate_table(plan, mix_table, units=units)

        table_time = best_of(3, run_table)
        results[mix] = (mix_table, holder["r"])
        rate = evaluations / table_time
        exact = holder["r"].exact_rows
        print(f"  qcrules, {mix + ' mix':14s}       {rate / 1e6:10.2f} M evaluations/s   ratio "
              f"{rate / base_rate:6.1f}× the baseline; {table_time:.3f} s; "
              f"{exact / evaluations:.1%} decided exactly")

    # 3. differences from the exact-decimal reference, on both mixes
    differences = 0
    for mix, (mix_table, result) in results.items():
        start = time.perf_counter()
        for compiled in plan.rules:
            codes = result.codes[compiled.rule.id]
            keys = [k for k in (compiled.rule.id,
                                compiled.rule.reference.id if compiled.rule.reference else None)
                    if k]
            columns = [mix_table[k] for k in keys]
            for i in range(args.rows):
                row_i = {k: c[i] for k, c in zip(keys, columns, strict=True)}
                expected = decimal_status(compiled, row_i, units)
                if STATUS_ORDER[codes[i]].value != expected:
                    differences += 1
                    if differences <= 5:
                        print(f"  DIFFERENCE {compiled.rule.id} row {i}: {row_i} -> "
                              f"{STATUS_ORDER[codes[i]].value}, reference {expected}")
        counts = result.counts()
        print(f"\nexact-decimal reference, {mix} mix: {differences} differing verdicts of "
              f"{evaluations:,} ({time.perf_counter() - start:.1f} s)")
        print("  statuses: " + ", ".join(f"{s.value} {n:,}" for s, n in counts.items()))
    return 1 if differences else 0


if __name__ == "__main__":
    random.seed(0)
    sys.exit(main())
