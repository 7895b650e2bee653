"""Benchmark: qcrules against fair plain-Python baselines, as ratios from one run.

    python bench/bench_engine.py [--sets 64] [--rounds 7] [--process-rounds 7]
                                 [--table-rows 200000 1000000] [--table-rounds 5] [--no-table]

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
   ``qcrules check examples/tongcheng-2026.yaml`` against a bare interpreter start, with the
   bytecode cached as an installed package has it (kept in a temporary folder, written by a
   first untimed run, even where ``PYTHONDONTWRITEBYTECODE`` is set).
3. The table path (``evaluate_table``) on generated tables of each ``--table-rows`` size, with
   a typical mix of values (spread over ±30 % of the threshold, 2 % exactly on it) and a
   boundary mix (a fifth on or within a hair of a threshold, in other units), against NumPy
   doing the same work per column (scaling, missing and domain checks, one comparison per
   bound, status codes; no exact recheck); its peak memory (tracemalloc) beyond the table;
   and its differences from the exact-decimal reference on every row near a threshold or a
   domain edge, every row where it and NumPy disagree, and a random sample (must be 0).

Every figure is the median of ``--rounds`` interleaved rounds (each round times every case
once, in turn), with the minimum and maximum; a ratio is the median of the rounds' ratios.
The table at the end is printed from this one run.
"""

from __future__ import annotations

import argparse
import math
import operator
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
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


# ---- the table path's baseline: NumPy doing the same work per column ---------------------------

UNKNOWN_CODE, INVALID_CODE = STATUS_ORDER.index(qcrules.Status.UNKNOWN), \
    STATUS_ORDER.index(qcrules.Status.INVALID)
MET_CODE, NOT_MET_CODE = STATUS_ORDER.index(qcrules.Status.MET), \
    STATUS_ORDER.index(qcrules.Status.NOT_MET)
NP_OPS = {qcrules.Op.GE: np.greater_equal, qcrules.Op.GT: np.greater,
          qcrules.Op.LE: np.less_equal, qcrules.Op.LT: np.less, qcrules.Op.EQ: np.equal}


def numpy_plan(plan: qcrules.Plan, units: dict[str, str]) -> list[tuple[Any, ...]]:
    """Per rule, all floats: (rule id, value key, reference key, factor, minimum, maximum,
    whole scale or 0, precision, [(ufunc, threshold or None for the reference)]); a yes-or-no
    rule has factor ``None``."""
    specs = []
    for compiled in plan.rules:
        rule = compiled.rule
        if not rule.kind.numeric:
            specs.append((rule.id, rule.id, None, None, None, None, 0, None, []))
            continue
        written = units.get(rule.id) or ("1" if compiled.percent_like else compiled.unit)
        factor = float(conversion_factor(written, compiled.unit)) \
            if compiled.unit and rule.kind is not qcrules.Kind.RATIO else 1.0
        specs.append((
            rule.id, rule.id, rule.reference.id if rule.reference else None, factor,
            float(compiled.minimum) if compiled.minimum is not None else None,
            float(compiled.maximum) if compiled.maximum is not None else None,
            compiled.whole_scale if compiled.whole else 0,
            float(rule.precision) if rule.precision is not None else None,
            [(NP_OPS[op], float(t) if t is not None else None) for op, t in compiled.bounds]))
    return specs


def numpy_evaluate(specs: list[tuple[Any, ...]], table: dict[str, np.ndarray]) -> dict[
        str, np.ndarray]:
    """Status codes per rule, as :func:`qcrules.evaluate_table` gives them, in plain NumPy
    floats: the value scaled to the rule's unit; missing → unknown, outside the domain (or not
    a whole count) → invalid, in the exact path's order (value, then reference); rounding to a
    declared precision; one comparison per bound. No exact recheck: a row on a threshold in
    another unit may come out wrong, which the reference check counts."""
    out: dict[str, np.ndarray] = {}
    for rule_id, key, ref_key, factor, low, high, whole, precision, bounds in specs:
        x = table[key]
        if factor is None:
            codes = np.full(len(x), INVALID_CODE, dtype=np.int8)
            codes[x == 1] = MET_CODE
            codes[x == 0] = NOT_MET_CODE
            codes[np.isnan(x)] = UNKNOWN_CODE
            out[rule_id] = codes
            continue
        if factor != 1.0:
            x = x * factor
        checks = [(x, low, high, whole)]
        if ref_key is not None:
            reference = table[ref_key] * factor
            checks.append((reference, low, high, whole))
        if precision is not None:
            x = np.sign(x) * np.round(np.abs(x) / precision) * precision
        holds = np.ones(len(x), dtype=bool)
        for compare, threshold in bounds:
            holds &= compare(x, reference if threshold is None else threshold)
        codes = np.where(holds, MET_CODE, NOT_MET_CODE).astype(np.int8)
        for column, lo, hi, scale in reversed(checks):  # the first check decides: applied last
            invalid = np.zeros(len(x), dtype=bool)
            if lo is not None:
                invalid |= column < lo
            if hi is not None:
                invalid |= column > hi
            if scale:
                scaled = column * scale if scale != 1 else column
                invalid |= scaled != np.rint(scaled)
            codes[invalid] = INVALID_CODE
            codes[np.isnan(column)] = UNKNOWN_CODE
        out[rule_id] = codes
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

    cache = tempfile.mkdtemp(prefix="qcrules-bench-pyc-")
    environment = {key: value for key, value in os.environ.items()
                   if key != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": cache}

    def run(command: list[str]) -> Any:
        return lambda _round: subprocess.run(command, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL, check=False, cwd=root,
                                             env=environment)

    try:
        for command in commands.values():  # writes the bytecode an installed package has
            run(command)(0)
        return interleaved(rounds, {name: run(command) for name, command in commands.items()})
    finally:
        shutil.rmtree(cache, ignore_errors=True)


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
    parser.add_argument("--table-rows", type=int, nargs="*", default=[200_000, 1_000_000],
                        help="sizes of the generated tables")
    parser.add_argument("--table-rounds", type=int, default=5)
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
    if args.no_table:
        args.table_rows = []

    table_rows, table_differences = table_section(plan, args)
    print("\n| what | qcrules: median [min–max] | aim | against |\n|---|---:|---|---|")
    for what, (median, low, high), aim, against in rows + table_rows:
        verdict = "" if aim is None else f"≤ {aim}× {'met' if median <= aim else 'missed'}"
        print(f"| {what} | {median:,.2f}× [{low:,.2f}–{high:,.2f}] | {verdict} | {against} |")
    return 1 if differences or table_differences else 0


def table_section(plan: qcrules.Plan, args: argparse.Namespace) -> tuple[list[Any], int]:
    """The table path against NumPy doing the same work per column, on each size of
    ``--table-rows`` and both mixes; its peak memory; its differences from the exact-decimal
    reference. Returns the summary rows and the count of differences."""
    n_rules = len(plan.rules)
    summary: list[Any] = []
    differences = 0
    for size in args.table_rows:
        for mix in ("typical", "boundary"):
            table, units = generate(plan, size, args.seed, mix)
            specs = numpy_plan(plan, units)
            held: dict[str, Any] = {}

            def run_numpy(_round: int, table: dict[str, Any] = table,
                          specs: list[Any] = specs, held: dict[str, Any] = held) -> None:
                held["numpy"] = numpy_evaluate(specs, table)

            def run_qcrules(_round: int, table: dict[str, Any] = table,
                            units: dict[str, str] = units, held: dict[str, Any] = held) -> None:
                held["qcrules"] = qcrules.evaluate_table(plan, table, units=units)

            times = interleaved(args.table_rounds, {"numpy": run_numpy, "qcrules": run_qcrules})
            result = held["qcrules"]
            peak, output = table_peak(plan, table, units)
            found, checked, numpy_wrong = reference_differences(plan, table, units, result,
                                                                held["numpy"], args.seed)
            differences += found
            median, low, high = spread(times["qcrules"])
            base = statistics.median(times["numpy"])
            print(f"\ntable path, {size:,} rows × {n_rules} rules, {mix} mix")
            print(f"  NumPy, same work    {base * 1e3:9.1f} ms   "
                  f"{size * n_rules / base / 1e6:8.1f} M evaluations/s")
            print(f"  evaluate_table      {median * 1e3:9.1f} ms   "
                  f"{size * n_rules / median / 1e6:8.1f} M evaluations/s   "
                  f"[{low * 1e3:.1f}–{high * 1e3:.1f}]; "
                  f"{result.exact_rows / (size * n_rules):.2%} decided exactly")
            print(f"  peak memory beyond the table: {peak / 2**20:.1f} MiB "
                  f"(of which the result's codes {output / 2**20:.1f} MiB)")
            print(f"  exact-decimal reference: {found} differing verdicts of {checked:,} checked "
                  f"(NumPy alone: {numpy_wrong})")
            summary.append((f"evaluate_table, {size:,} rows, {mix} mix",
                            ratios(times, "qcrules", "numpy"), 1.5,
                            "NumPy doing the same work per column"))
    return summary, differences


def table_peak(plan: qcrules.Plan, table: dict[str, Any], units: dict[str, str]) -> tuple[
        int, int]:
    """The peak of memory allocated while evaluating the table (tracemalloc, which NumPy
    reports its arrays to), and the size of the result's codes within it."""
    tracemalloc.start()
    try:
        result = qcrules.evaluate_table(plan, table, units=units)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, sum(codes.nbytes for codes in result.codes.values())


def reference_differences(plan: qcrules.Plan, table: dict[str, Any], units: dict[str, str],
                          result: Any, numpy_codes: dict[str, np.ndarray],
                          seed: int) -> tuple[int, int, int]:
    """Verdicts of the table path that differ from the exact-decimal reference, over the rows
    where float noise can matter and a sample of the rest: per rule, every row within a
    relative 1e-9 of a threshold or a domain edge (or of its reference), every row where
    qcrules and NumPy disagree, and 20,000 rows drawn at random; each distinct combination of
    values once (the reference is a pure function of them). Returns (differences, rows
    checked, NumPy's differences on the same rows)."""
    rng = np.random.default_rng(seed)
    found = checked = numpy_wrong = 0
    for compiled in plan.rules:
        rule = compiled.rule
        codes, theirs = result.codes[rule.id], numpy_codes[rule.id]
        keys = [rule.id] + ([rule.reference.id] if rule.reference else [])
        columns = [np.asarray(table[k], dtype=np.float64) for k in keys]
        rows = len(columns[0])
        chosen = codes != theirs
        chosen[rng.choice(rows, min(rows, 20_000), replace=False)] = True
        marks = [float(t) for t in (compiled.minimum, compiled.maximum, *(t for _, t in
                 compiled.bounds)) if t is not None]
        if compiled.unit and rule.kind is not qcrules.Kind.RATIO:
            written = units.get(rule.id) or ("1" if compiled.percent_like else compiled.unit)
            scale = float(conversion_factor(written, compiled.unit))
        else:
            scale = 1.0
        with np.errstate(invalid="ignore"):
            for mark in marks:
                chosen |= np.abs(columns[0] * scale - mark) <= 1e-9 * abs(mark)
            if len(columns) == 2:
                chosen |= np.abs(columns[0] - columns[1]) <= 1e-9 * np.abs(columns[1])
        picked = np.flatnonzero(chosen)
        combos: dict[tuple[float, ...], str] = {}
        for i in picked:
            values = tuple(float(c[i]) for c in columns)
            expected = combos.get(values)
            if expected is None:
                row = {k: (math.nan if math.isnan(v) else v) for k, v in zip(keys, values,
                                                                           strict=True)}
                expected = combos[values] = decimal_status(compiled, row, units)
            if STATUS_ORDER[codes[i]].value != expected:
                found += 1
                if found <= 5:
                    print(f"  DIFFERENCE {rule.id} row {i}: {values} -> "
                          f"{STATUS_ORDER[codes[i]].value}, reference {expected}")
            numpy_wrong += STATUS_ORDER[theirs[i]].value != expected
        checked += len(picked)
    return found, checked, numpy_wrong


if __name__ == "__main__":
    random.seed(0)
    sys.exit(main())
