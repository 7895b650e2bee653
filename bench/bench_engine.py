"""Benchmark: qcrules against fair plain-Python baselines, as ratios from one run.

    python bench/bench_engine.py [--sets 64] [--rounds 7] [--rows 100000] [--no-table]

1. One fact set at a time, over ``--sets`` varied fact sets of the bundled plan (values on,
   just inside and just outside every threshold, in the rule's unit and in other units, 5 %
   missing): ``evaluate`` on a parsed ``FactSet``, on a raw dict of floats, on a raw dict of
   strings with units, and raw dict → ``render(report, "text")``; and on a ``FactSet`` with
   every verdict's steps read (they are built on first reading). The baseline is a straight
   loop over the rules (no generator per rule) making the same domain checks qcrules makes
   (missing value, minimum, maximum, whole counts) and the same comparisons, with float
   factors computed beforehand; for strings it also splits the number from the unit and looks
   the factor up. Every verdict of every input is compared with an exact-decimal reference
   written here independently (Python ``decimal`` at 50 digits); the count of differences
   must be 0.
2. Start-up, whole processes: ``import qcrules``, ``qcrules --help`` and
   ``qcrules check examples/tongcheng-2026.yaml`` against a bare interpreter start.
3. Throughput of the vectorised table path over ``--rows`` generated fact sets, in rule
   evaluations per second, against the float baseline looping over the rows, and its
   differences from the exact-decimal reference.

Every figure is the median of ``--rounds`` interleaved rounds (each round times every case
once, in turn), with the minimum and maximum; a ratio is the median of the rounds' ratios.
The table at the end is printed from this one run.
"""

from __future__ import annotations

import argparse
import math
import operator
import random
import re
import statistics
import subprocess
import sys
import time
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path
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


# ---- one fact set at a time: varied fact sets, a straight-loop baseline -----------------------

#: Another unit each rule's values are written in, in the dict of strings (None: a bare number;
#: a % rule's bare number is a fraction, 0.035).
OTHER_UNITS = {"万元/人": "元/人", "%": "%", "件/万人": "件/人", "人/亿元": "人/万元",
               "人/十万台": "人/台", "个/千人": "个/人", "人/千人": "人/万人", "位": "位",
               "家": "家", "个": "个", "项": "项", "分": "分", "平方米/人": "平方米/人", "1": None}
_SPLIT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def fact_sets(plan: qcrules.Plan, count: int, seed: int,
              spelled: bool) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """``count`` fact sets as (raw dict, units of the spelled values), values around every
    threshold (:data:`OFFSETS`), 5 % missing. Plain: floats in each rule's unit (a bare
    fraction for % rules), ``True``/``False`` for yes-or-no rules. ``spelled``: strings with
    a unit of the same dimension where the rule has one (``"82000.0元/人"``), else as plain."""
    rng = np.random.default_rng(seed)
    columns: dict[str, np.ndarray] = {}
    units: dict[str, str] = {}
    for compiled in plan.rules:
        rule = compiled.rule
        if not rule.kind.numeric:
            columns[rule.id] = rng.choice([1.0, 0.0, np.nan], size=count, p=[0.6, 0.35, 0.05])
            continue
        unit = None
        if spelled and compiled.unit and rule.kind is not qcrules.Kind.RATIO:
            unit = OTHER_UNITS.get(compiled.unit)
        # the unit the float is in: the spelled one, else the rule's own (a fraction for %)
        written = unit or ("1" if compiled.percent_like else compiled.unit)
        factor = float(conversion_factor(written, compiled.unit)) if compiled.unit else 1.0
        if rule.kind.needs_reference:
            threshold = {"%": 3.2, "人/十万台": 0.42}.get(compiled.unit or "", 1.0)
            reference = threshold * (1 + rng.choice(OFFSETS, size=count, p=WEIGHTS) * 0.1)
            columns[rule.reference.id] = np.where(rng.random(count) < 0.05, np.nan,
                                                  reference / factor)
            if unit:
                units[rule.reference.id] = unit
        else:
            threshold = float(compiled.bounds[0][1])
        values = threshold * (1 + rng.choice(OFFSETS, size=count, p=WEIGHTS)) / factor
        if compiled.whole:
            values = np.where(rng.random(count) < 0.9, np.round(values), values)
        columns[rule.id] = np.where(rng.random(count) < 0.05, np.nan, values)
        if unit:
            units[rule.id] = unit
    booleans = {c.rule.id for c in plan.rules if not c.rule.kind.numeric}
    sets = []
    for i in range(count):
        facts: dict[str, Any] = {}
        for key, column in columns.items():
            value = float(column[i])
            if math.isnan(value):
                continue
            if key in booleans:
                facts[key] = value == 1.0
            elif key in units:
                facts[key] = f"{value!r}{units[key]}"
            else:
                facts[key] = value
        sets.append((facts, units))
    return sets


def loop_plan(plan: qcrules.Plan, units: dict[str, str]) -> list[tuple[Any, ...]]:
    """Per rule, what the straight loop needs, all floats: (key, reference key, factor by the
    unit a value is spelled in, minimum, maximum, whole scale or 0, [(op, threshold)])."""
    rules = []
    for compiled in plan.rules:
        rule = compiled.rule
        if not rule.kind.numeric:
            rules.append((rule.id, None, None, None, None, 0, ()))
            continue
        ref = rule.reference.id if rule.reference else None
        factors: dict[str | None, float] = {}
        if compiled.unit and rule.kind is not qcrules.Kind.RATIO:
            factors[None] = float(conversion_factor("1" if compiled.percent_like
                                                    else compiled.unit, compiled.unit))
            for key in (rule.id, ref):
                if key in units:
                    factors[units[key]] = float(conversion_factor(units[key], compiled.unit))
        else:
            factors[None] = 1.0
        low = float(compiled.minimum) if compiled.minimum is not None else None
        high = float(compiled.maximum) if compiled.maximum is not None else None
        thresholds = tuple((OPS[op], float(t) if t is not None else None)
                           for op, t in compiled.bounds)
        rules.append((rule.id, ref, factors, low, high,
                      compiled.whole_scale if compiled.whole else 0, thresholds))
    return rules


def _loop_value(raw: Any, factors: dict[str | None, float]) -> float:
    if type(raw) is str:
        match = _SPLIT.match(raw)
        return float(match.group()) * factors[raw[match.end():] or None]  # type: ignore[union-attr]
    return raw * factors[None]  # type: ignore[no-any-return]


def loop_evaluate(rules: list[tuple[Any, ...]], facts: dict[str, Any]) -> list[str]:
    """The straight loop: one status per rule, floats throughout."""
    out = []
    for key, ref, factors, low, high, whole, thresholds in rules:
        raw = facts.get(key)
        if raw is None:
            out.append("unknown")
            continue
        if factors is None:
            out.append("met" if raw is True else "not_met")
            continue
        value = _loop_value(raw, factors)
        if (low is not None and value < low) or (high is not None and value > high) or (
                whole and value * whole != round(value * whole)):
            out.append("invalid")
            continue
        if ref is not None:
            raw_ref = facts.get(ref)
            if raw_ref is None:
                out.append("unknown")
                continue
            reference = _loop_value(raw_ref, factors)
            if (low is not None and reference < low) or (high is not None and reference > high):
                out.append("invalid")
                continue
            status = "met"
            for op, _ in thresholds:
                if not op(value, reference):
                    status = "not_met"
                    break
        else:
            status = "met"
            for op, threshold in thresholds:
                if not op(value, threshold):
                    status = "not_met"
                    break
        out.append(status)
    return out


def reference_statuses(plan: qcrules.Plan, facts: dict[str, Any],
                       units: dict[str, str]) -> list[str]:
    """The exact-decimal reference for one raw dict (:func:`decimal_status` per rule)."""
    row: dict[str, float] = {}
    for key, raw in facts.items():
        if isinstance(raw, bool):
            row[key] = 1.0 if raw else 0.0
        elif isinstance(raw, str):
            row[key] = float(_SPLIT.match(raw).group())  # type: ignore[union-attr]
        else:
            row[key] = raw
    return [decimal_status(compiled, row, units) for compiled in plan.rules]


def interleaved(rounds: int, cases: dict[str, Any]) -> dict[str, list[float]]:
    """Each round times every case once, in turn (starting one later each round); a case is
    called with the round's number."""
    names = list(cases)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            start = time.perf_counter()
            cases[name](round_)
            times[name].append(time.perf_counter() - start)
    return times


def spread(values: list[float]) -> tuple[float, float, float]:
    """(median, min, max)."""
    return statistics.median(values), min(values), max(values)


def ratios(times: dict[str, list[float]], case: str, baseline: str) -> tuple[float, float, float]:
    return spread([c / b for c, b in zip(times[case], times[baseline], strict=True)])


def process_times(rounds: int, root: Path) -> dict[str, list[float]]:
    """Whole-process wall times: a bare interpreter, ``import qcrules``, ``qcrules --help``,
    ``qcrules check`` on the example."""
    cli = [sys.executable, "-c", "from qcrules.cli import main; main()"]
    commands = {
        "bare": [sys.executable, "-c", "pass"],
        "import": [sys.executable, "-c", "import qcrules"],
        "help": [*cli, "--help"],
        "check": [*cli, "check", str(root / "examples" / "tongcheng-2026.yaml")],
    }

    def run(command: list[str]) -> Any:
        return lambda _round: subprocess.run(command, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, check=False, cwd=root)

    return interleaved(rounds, {name: run(command) for name, command in commands.items()})


def best_of(runs: int, function: Any) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", type=int, default=64, help="varied fact sets per round")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    parser.add_argument("--process-rounds", type=int, default=7)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-table", action="store_true", help="skip the table path")
    args = parser.parse_args(argv)

    catalog = qcrules.load_catalog()
    plan = qcrules.compile_catalog(catalog)
    n_rules = len(plan.rules)
    print(f"catalogue: {catalog.id}, {n_rules} rules; {args.sets} fact sets per round, "
          f"{args.rounds} rounds")

    # 1. one fact set at a time
    # Each round has fact sets of its own, so that no cache keyed by a value's text is warm
    # from an earlier round.
    total = args.sets * args.rounds
    plain = fact_sets(plan, total, args.seed, spelled=False)
    spelled = fact_sets(plan, total, args.seed + 1, spelled=True)
    plain_dicts = [facts for facts, _ in plain]
    spelled_dicts = [facts for facts, _ in spelled]
    parsed = [qcrules.as_fact_set(facts) for facts in plain_dicts]
    plain_loop = loop_plan(plan, {})
    spelled_loop = loop_plan(plan, spelled[0][1])

    # Each case reading strings has strings of its own, and the verdicts are checked against
    # the reference only after the timing: no reading kept by its text is warm when timed.
    spelled_text = [facts for facts, _ in fact_sets(plan, total, args.seed + 2, spelled=True)]
    spelled_render = [facts for facts, _ in fact_sets(plan, total, args.seed + 3, spelled=True)]

    def of_round(items: list[Any], round_: int) -> list[Any]:
        return items[round_ * args.sets:(round_ + 1) * args.sets]

    cases = {
        "loop, floats": lambda i: [loop_evaluate(plain_loop, f) for f in of_round(plain_dicts, i)],
        "loop, strings": lambda i: [loop_evaluate(spelled_loop, f)
                                    for f in of_round(spelled_dicts, i)],
        "FactSet": lambda i: [qcrules.evaluate(plan, f) for f in of_round(parsed, i)],
        "FactSet, steps read": lambda i: [[v.steps for v in qcrules.evaluate(plan, f)]
                                          for f in of_round(parsed, i)],
        "dict of floats": lambda i: [qcrules.evaluate(plan, f) for f in of_round(plain_dicts, i)],
        "dict of strings": lambda i: [qcrules.evaluate(plan, f)
                                      for f in of_round(spelled_dicts, i)],
        "strings → text": lambda i: [qcrules.render(qcrules.evaluate(plan, f), "text")
                                     for f in of_round(spelled_text, i)],
    }
    reports = [qcrules.evaluate(plan, f) for f in spelled_render]
    for name in ("text", "json", "markdown"):
        cases[f"render {name}"] = lambda i, name=name: [qcrules.render(r, name)
                                                        for r in of_round(reports, i)]
    times = interleaved(args.rounds, cases)

    differences = 0
    loop_differences = 0
    for inputs, units, loop in ((plain_dicts, {}, plain_loop), (parsed, {}, plain_loop),
                                (spelled_dicts, spelled[0][1], spelled_loop)):
        sources = plain_dicts if inputs is parsed else inputs
        for facts, source in zip(inputs, sources, strict=True):
            expected = reference_statuses(plan, source, units)
            got = [v.status.value for v in qcrules.evaluate(plan, facts)]
            differences += sum(a != b for a, b in zip(got, expected, strict=True))
            loop_differences += sum(a != b for a, b in zip(loop_evaluate(loop, source), expected,
                                                            strict=True))
    checked = 3 * total * n_rules
    per_set = {name: [t / args.sets for t in values] for name, values in times.items()}
    print("\none fact set (µs per fact set: median [min–max])")
    for name, values in per_set.items():
        median, low, high = spread(values)
        print(f"  {name:18s} {median * 1e6:10.1f}  [{low * 1e6:.1f}–{high * 1e6:.1f}]")
    print(f"exact-decimal reference: {differences} differing verdicts of {checked:,} "
          f"(the float loop: {loop_differences})")

    # 2. start-up
    root = Path(__file__).resolve().parent.parent
    processes = process_times(args.process_rounds, root)
    print("\nwhole processes (ms: median [min–max])")
    for name, values in processes.items():
        median, low, high = spread(values)
        print(f"  {name:18s} {median * 1e3:10.1f}  [{low * 1e3:.1f}–{high * 1e3:.1f}]")

    rows = [
        ("evaluate on a parsed FactSet", ratios(per_set, "FactSet", "loop, floats"),
         5, "the straight loop on floats"),
        ("evaluate on a parsed FactSet, every verdict's steps read",
         ratios(per_set, "FactSet, steps read", "loop, floats"), None,
         "the straight loop on floats (steps are built when first read)"),
        ("evaluate on a raw dict of floats", ratios(per_set, "dict of floats", "loop, floats"),
         12, "the same loop"),
        ("evaluate on a raw dict of strings with units",
         ratios(per_set, "dict of strings", "loop, strings"), 40,
         "the same loop splitting number and unit, float factors"),
        ("evaluate on a raw dict of strings with units, against floats",
         ratios(per_set, "dict of strings", "loop, floats"), None,
         "the straight loop on floats, as the issue measured it"),
        ("raw dict → render(report, \"text\")", ratios(per_set, "strings → text",
                                                      "loop, strings"), None, "the same loop"),
    ]
    for name in ("text", "json", "markdown"):
        rows.append((f"render {name} alone", ratios(per_set, f"render {name}", "dict of strings"),
                     5, "evaluate on the same dicts of strings"))
    rows += [
        ("import qcrules", ratios(processes, "import", "bare"), 8, "a bare interpreter start"),
        ("qcrules --help, whole process", ratios(processes, "help", "bare"), None,
         "a bare interpreter start"),
        ("qcrules check examples/tongcheng-2026.yaml", ratios(processes, "check", "bare"), 15,
         "a bare interpreter start"),
    ]
    print("\n| what | qcrules: median [min–max] | aim | against |\n|---|---:|---|---|")
    for what, (median, low, high), aim, against in rows:
        verdict = "" if aim is None else f"≤ {aim}× {'met' if median <= aim else 'missed'}"
        print(f"| {what} | {median:,.1f}× [{low:,.1f}–{high:,.1f}] | {verdict} | {against} |")
    if args.no_table:
        return 1 if differences else 0

    latency_differences = differences
    table, units = generate(plan, args.rows, args.seed)
    rules = baseline_plan(plan, units)
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
    return 1 if differences or latency_differences else 0


if __name__ == "__main__":
    random.seed(0)
    sys.exit(main())
