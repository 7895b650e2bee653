"""Benchmark: a whole province in one call, through evaluate_frame, on several frame libraries.

    python bench/bench_frames.py [--regions 3000] [--periods 36] [--seed 1] [--check 20000]

A long table of ``regions × periods × rules`` facts (the bundled catalogue's rules, values on,
beside and around every threshold, in other units than the rules', 5 % missing) is judged
through ``qcrules.evaluate_frame(..., layout="long", details=False)`` in each installed library
(pandas, Polars, DuckDB, Dask on a local scheduler). For each it prints facts per second and
the peak resident memory of a fresh process doing only that, against NumPy comparing the same
columns as floats (the speed of light, not exact). Boundary differences: ``--check`` facts are
compared with an exact-decimal reference written in ``bench_engine.py``; the count must be 0.

Each library runs in a child process of its own, so that peak memory is that library's.
"""

from __future__ import annotations

import argparse
import json
import operator
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_engine  # noqa: E402  (the generator and the exact reference are shared)

import qcrules  # noqa: E402

BACKENDS = ("pandas", "polars", "duckdb", "dask")
OPS = {qcrules.Op.GE: operator.ge, qcrules.Op.GT: operator.gt, qcrules.Op.LE: operator.le,
       qcrules.Op.LT: operator.lt, qcrules.Op.EQ: operator.eq}


def wide_table(plan: qcrules.Plan, regions: int, periods: int, seed: int) -> tuple[
        dict[str, Any], dict[str, str]]:
    return bench_engine.generate(plan, regions * periods, seed)


def long_frame(plan: qcrules.Plan, regions: int, periods: int, seed: int) -> Any:
    """The generated wide table as a long pandas frame (one row per fact)."""
    import pandas as pd

    table, units = wide_table(plan, regions, periods, seed)
    rows = regions * periods
    region = np.repeat(np.array([f"县{i:04d}" for i in range(regions)], dtype=object), periods)
    period = np.tile(np.arange(2000, 2000 + periods), regions)
    parts = [pd.DataFrame({"region": region, "period": period, "indicator": key,
                           "value": np.asarray(values, dtype=np.float64),
                           "unit": units.get(key)}) for key, values in table.items()]
    frame = pd.concat(parts, ignore_index=True)
    assert len(frame) == rows * len(table)
    return frame


def in_backend(frame: Any, backend: str) -> Any:
    if backend == "pandas":
        return frame
    if backend == "polars":
        import polars as pl

        return pl.from_pandas(frame)
    if backend == "duckdb":
        import duckdb

        connection = duckdb.connect()
        connection.register("facts", frame)
        return connection.sql("select * from facts")
    if backend == "dask":
        import dask.dataframe as dd

        return dd.from_pandas(frame, npartitions=8)
    raise SystemExit(f"unknown backend {backend}")


def numpy_baseline(plan: qcrules.Plan, table: dict[str, Any], units: dict[str, str]) -> float:
    """Seconds for NumPy to compare every column with its first threshold, as floats."""
    rules = bench_engine.baseline_plan(plan, units)
    start = time.perf_counter()
    for key, factor, thresholds, _ in rules:
        column = np.asarray(table.get(key, []), dtype=np.float64)
        if factor is None or not thresholds:
            _ = column == 1
            continue
        op, threshold = thresholds[0]
        with np.errstate(invalid="ignore"):
            _ = op(column * factor, threshold)
    return time.perf_counter() - start


def child(backend: str, regions: int, periods: int, seed: int, check: int) -> None:
    """One library's run: time evaluate_frame, count boundary differences, report memory."""
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    frame = long_frame(plan, regions, periods, seed)
    facts = len(frame)
    native = in_backend(frame, backend)
    start = time.perf_counter()
    result = qcrules.evaluate_frame(plan, native, layout="long", details=False)
    import narwhals as nw

    out = nw.from_native(result)
    if isinstance(out, nw.LazyFrame):
        out = out.collect()
    seconds = time.perf_counter() - start
    statuses = out.select("region", "period", "rule", "status").to_pandas()
    table, units = wide_table(plan, regions, periods, seed)
    rng = np.random.default_rng(seed + 1)
    differences = 0
    by_id = {compiled.rule.id: compiled for compiled in plan.rules}
    rows = rng.choice(regions * periods, size=min(check // max(len(plan.rules), 1) + 1,
                                                  regions * periods), replace=False)
    status_grid = statuses.status.to_numpy().reshape(regions * periods, len(plan.rules))
    rule_order = list(statuses.rule[: len(plan.rules)])
    for row in rows:
        facts_row = {key: float(values[row]) for key, values in table.items()}
        for j, rule_id in enumerate(rule_order):
            expected = bench_engine.decimal_status(by_id[rule_id], facts_row, units)
            differences += expected != status_grid[row, j]
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"backend": backend, "facts": facts, "seconds": seconds,
                      "checked": int(len(rows) * len(plan.rules)), "differences": differences,
                      "peak_mib": peak_kib / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--periods", type=int, default=36)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", type=int, default=20000)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.regions, args.periods, args.seed, args.check)
        return
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    table, units = wide_table(plan, args.regions, args.periods, args.seed)
    baseline = min(numpy_baseline(plan, table, units) for _ in range(3))
    facts = args.regions * args.periods * len(table)
    print(f"{args.regions} regions × {args.periods} periods × {len(plan.rules)} rules "
          f"({facts:,} facts, seed {args.seed})")
    print(f"  NumPy float comparison of the same columns: {facts / baseline:,.0f} facts/s")
    for backend in args.backends.split(","):
        done = subprocess.run([sys.executable, __file__, "--child", backend,
                               "--regions", str(args.regions), "--periods", str(args.periods),
                               "--seed", str(args.seed), "--check", str(args.check)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"  {backend}: failed or not installed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {backend:7} {figures['facts'] / figures['seconds']:>12,.0f} facts/s  "
              f"({figures['seconds']:.1f} s), peak {figures['peak_mib']:,.0f} MiB, "
              f"{figures['differences']} boundary differences in {figures['checked']:,} checked")


if __name__ == "__main__":
    main()
