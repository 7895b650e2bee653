"""Benchmark: a whole province in one call, through evaluate_frame, on several frame libraries.

    python bench/bench_frames.py [--scale 1] [--big 10] [--backends pandas,polars,duckdb,dask]
                                 [--mix boundary|typical] [--no-memory] [--seed 1]
                                 [--check 20000] [--keep DIR]

``--scale 1`` is 3,000 regions × 36 periods × the bundled catalogue's rules (≈ 4.6 M facts):
values on, beside and around every threshold (``--mix typical``: spread over ±30 %, 2 % on
one), in other units than the rules', 5 % missing, generated in blocks of 250 regions. Two
runs:

1. *In memory*: the long table as one pandas frame, judged through
   ``qcrules.evaluate_frame(..., layout="long", details=False)`` in pandas, Polars, DuckDB and
   Dask (on a ``distributed`` local cluster of two worker processes when ``distributed`` is
   installed, else Dask's threads), the result materialised (collected from a lazy backend).
   Beside them, NumPy comparing the same columns as floats with each rule's first threshold
   (the speed of light, not exact), in a process of its own.
2. *From Parquet on disk* (the lazy backends, DuckDB and Dask): the table written to Parquet
   block by block at ``--scale`` and at ``--big`` times it, read lazily, judged in the
   backend and written back to Parquet without passing through the driver: peak memory should
   not grow with the data, but for the rows collected for the exact recheck, which the driver
   holds (``--big 0`` skips this run, ``--no-memory`` the first).

Every run is a child process of its own; its peak memory is that of the whole process tree
(Dask's workers included), sampled every 50 ms. Boundary differences: ``--check`` verdicts of
sampled regions and periods are compared with the exact-decimal reference written in
``bench_engine.py``; the count must be 0.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_engine  # noqa: E402  (the generator and the exact reference are shared)

import qcrules  # noqa: E402

BACKENDS = ("pandas", "polars", "duckdb", "dask")
LAZY = ("duckdb", "dask")
REGIONS, PERIODS, BLOCK = 3000, 36, 250


class PeakMemory:
    """The peak resident memory of this process and its children, sampled in a thread."""

    def __init__(self) -> None:
        try:
            import psutil
        except ImportError:
            raise SystemExit('peak memory needs psutil: pip install -e ".[bench]" '
                             "(or run with --no-memory)") from None

        self.process = psutil.Process()
        self.peak = 0
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def rss(self) -> int:
        total = 0
        for process in (self.process, *self.process.children(recursive=True)):
            try:
                total += process.memory_info().rss
            except Exception:  # a worker that just ended
                continue
        return total

    def sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.05)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return max(self.peak, self.rss()) / 2**20


def blocks(regions: int) -> list[tuple[int, int]]:
    return [(start, min(start + BLOCK, regions)) for start in range(0, regions, BLOCK)]


MIX = ["boundary"]   # --mix: bench_engine's value mixes ("boundary" or "typical")


def block_table(plan: qcrules.Plan, block: int, count: int, seed: int) -> tuple[
        dict[str, Any], dict[str, str]]:
    """The wide table of one block of ``count`` regions (row = region * PERIODS + period)."""
    return bench_engine.generate(plan, count * PERIODS, seed + 1000 * block, MIX[0])


def block_frame(plan: qcrules.Plan, block: int, start: int, stop: int, seed: int) -> Any:
    """One block as a long pandas frame (one row per fact)."""
    import pandas as pd

    table, units = block_table(plan, block, stop - start, seed)
    region = np.repeat(np.array([f"县{i:05d}" for i in range(start, stop)], dtype=object), PERIODS)
    period = np.tile(np.arange(2000, 2000 + PERIODS), stop - start)
    return pd.concat([pd.DataFrame({"region": region, "period": period, "indicator": key,
                                    "value": np.asarray(values, dtype=np.float64),
                                    "unit": units.get(key)})
                      for key, values in table.items()], ignore_index=True)


def regions_at(scale: float) -> int:
    return max(1, round(REGIONS * scale))


def dask_client() -> Any:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        return None
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, memory_limit="4GiB")
    return Client(cluster)


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


def child_memory(backend: str, scale: float, seed: int, check: int) -> None:
    """The in-memory run of one library: evaluate, materialise, report time and memory."""
    import narwhals as nw
    import pandas as pd

    meter = PeakMemory()
    client = dask_client() if backend == "dask" else None
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    regions = regions_at(scale)
    frame = pd.concat([block_frame(plan, b, start, stop, seed)
                       for b, (start, stop) in enumerate(blocks(regions))], ignore_index=True)
    native = in_backend(frame, backend)
    start = time.perf_counter()
    out = nw.from_native(qcrules.evaluate_frame(plan, native, layout="long", details=False))
    if isinstance(out, nw.LazyFrame):
        out = out.collect()
    seconds = time.perf_counter() - start
    result = out.select("region", "period", "rule", "status").to_pandas()
    peak = meter.stop()
    if client is not None:
        client.close()
    print(json.dumps({"facts": len(frame), "seconds": seconds, "peak_mib": peak,
                      "scheduler": "distributed" if client is not None else "local"}))
    print(json.dumps({"statuses": checked_statuses(plan, result, regions, seed, check)}))


def child_numpy(scale: float, seed: int) -> None:
    """NumPy comparing the same columns as floats, block by block: time and memory."""
    meter = PeakMemory()
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    seconds, facts = 0.0, 0
    tables = [block_table(plan, b, stop - begin, seed)
              for b, (begin, stop) in enumerate(blocks(regions_at(scale)))]
    for table, units in tables:
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
        seconds += time.perf_counter() - start
        facts += sum(len(v) for v in table.values())
    print(json.dumps({"facts": facts, "seconds": seconds, "peak_mib": meter.stop(),
                      "scheduler": "-"}))


def child_parquet(backend: str, source: str, target: str) -> None:
    """Read the facts lazily from Parquet, judge them in the backend, write the result."""
    import narwhals as nw

    meter = PeakMemory()
    client = dask_client() if backend == "dask" else None
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    start = time.perf_counter()
    if backend == "duckdb":
        import duckdb

        connection = duckdb.connect()
        connection.execute("set memory_limit = '1GB'; set threads = 2")
        native = connection.read_parquet(f"{source}/*.parquet")
        result = qcrules.evaluate_frame(plan, native, layout="long", details=False)
        result.write_parquet(target)
        facts = connection.execute(
            f"select count(*) from read_parquet('{source}/*.parquet')").fetchall()[0][0]
    else:
        import dask.dataframe as dd

        native = dd.read_parquet(source, blocksize="64MiB")
        result = qcrules.evaluate_frame(plan, native, layout="long", details=False)
        result.to_parquet(target, write_index=False)
        facts = int(nw.from_native(dd.read_parquet(source)).select(nw.len()).collect().item())
    seconds = time.perf_counter() - start
    peak = meter.stop()
    if client is not None:
        client.close()
    print(json.dumps({"facts": facts, "seconds": seconds, "peak_mib": peak,
                      "scheduler": "distributed" if client is not None else "local"}))


def sample(regions: int, seed: int, check: int, rules: int) -> list[tuple[int, int]]:
    """(region, period) pairs to check, ``check`` verdicts' worth."""
    rng = np.random.default_rng(seed + 1)
    cells = regions * PERIODS
    picked = rng.choice(cells, size=min(check // max(rules, 1) + 1, cells), replace=False)
    return sorted((int(c) // PERIODS, int(c) % PERIODS) for c in picked)


def checked_statuses(plan: qcrules.Plan, result: Any, regions: int, seed: int,
                     check: int) -> dict[str, str]:
    """The statuses of the sampled cells, keyed ``region|period|rule``."""
    wanted = {(f"县{r:05d}", 2000 + p) for r, p in sample(regions, seed, check, len(plan.rules))}
    keep = [(region, int(period)) in wanted for region, period in
            zip(result.region, result.period, strict=True)]
    rows = result[keep]
    return {f"{r}|{p}|{rule}": s for r, p, rule, s in
            zip(rows.region, rows.period, rows.rule, rows.status, strict=True)}


def differences(plan: qcrules.Plan, statuses: dict[str, str], regions: int, seed: int,
                check: int) -> tuple[int, int]:
    """(differences from the exact-decimal reference, verdicts checked)."""
    by_id = {compiled.rule.id: compiled for compiled in plan.rules}
    cells = sample(regions, seed, check, len(plan.rules))
    found, checked = 0, 0
    tables: dict[int, tuple[dict[str, Any], dict[str, str]]] = {}
    for region, period in cells:
        block = region // BLOCK
        if block not in tables:
            begin, stop = blocks(regions)[block]
            tables[block] = block_table(plan, block, stop - begin, seed)
        table, units = tables[block]
        row = (region - block * BLOCK) * PERIODS + period
        facts_row = {key: float(values[row]) for key, values in table.items()}
        for rule_id, compiled in by_id.items():
            got = statuses.get(f"县{region:05d}|{2000 + period}|{rule_id}")
            found += got != bench_engine.decimal_status(compiled, facts_row, units)
            checked += 1
    return found, checked


def write_parquet(plan: qcrules.Plan, scale: float, seed: int, folder: Path) -> int:
    """The long table at ``scale``, block by block, as Parquet files; the facts written."""
    folder.mkdir(parents=True)
    facts = 0
    for b, (start, stop) in enumerate(blocks(regions_at(scale))):
        frame = block_frame(plan, b, start, stop, seed)
        frame.to_parquet(folder / f"part-{b:04d}.parquet", index=False)
        facts += len(frame)
    return facts


def parquet_statuses(plan: qcrules.Plan, target: Path, regions: int, seed: int,
                     check: int) -> dict[str, str]:
    """The sampled cells' statuses, read from the result's Parquet without loading it whole."""
    import duckdb

    wanted = sorted({f"县{r:05d}" for r, _ in sample(regions, seed, check, len(plan.rules))})
    files = f"{target}/*.parquet" if target.is_dir() else str(target)
    listed = ", ".join(f"'{w}'" for w in wanted)
    rows = duckdb.sql(f"select region, period, rule, status from read_parquet('{files}') "
                      f"where region in ({listed})").fetchall()
    return {f"{r}|{p}|{rule}": s for r, p, rule, s in rows}


def run(*arguments: str) -> list[dict[str, Any]] | str:
    done = subprocess.run([sys.executable, __file__, *arguments], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["failed"])[-1]
    return [json.loads(line) for line in done.stdout.strip().splitlines() if line.startswith("{")]


def line(name: str, figures: dict[str, Any], baseline: dict[str, Any] | None,
         found: tuple[int, int] | None) -> str:
    rate = figures["facts"] / figures["seconds"]
    text = (f"  {name:8} {rate:>12,.0f} facts/s ({figures['seconds']:6.1f} s)  "
            f"peak {figures['peak_mib']:>7,.0f} MiB")
    if baseline is not None:
        text += (f"  [{baseline['facts'] / baseline['seconds'] / rate:,.0f}× NumPy's time, "
                 f"{figures['peak_mib'] / baseline['peak_mib']:.1f}× its memory]")
    if figures.get("scheduler") == "distributed":
        text += "  (distributed local cluster)"
    if found is not None:
        text += f"  {found[0]} boundary differences in {found[1]:,} checked"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="of 3,000 regions × 36 periods (default 1)")
    parser.add_argument("--big", type=float, default=10.0,
                        help="the Parquet run's second size, times --scale (0: no Parquet run)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", type=int, default=20000)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--keep", help="a folder to write the Parquet files in (kept)")
    parser.add_argument("--mix", default="boundary", choices=("boundary", "typical"),
                        help="values crowded around the thresholds (a fifth on or within a "
                             "hair of one), or spread over ±30 %% with 2 %% on one")
    parser.add_argument("--memory", action=argparse.BooleanOptionalAction, default=True,
                        help="the in-memory run (--no-memory: the Parquet run only)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    MIX[0] = args.mix
    if args.child:
        kind, *rest = args.child
        if kind == "memory":
            child_memory(rest[0], args.scale, args.seed, args.check)
        elif kind == "numpy":
            child_numpy(args.scale, args.seed)
        else:
            child_parquet(rest[0], rest[1], rest[2])
        return
    plan = qcrules.compile_catalog(qcrules.load_catalog())
    regions = regions_at(args.scale)
    common = ("--scale", str(args.scale), "--seed", str(args.seed), "--check", str(args.check),
              "--mix", args.mix)
    numpy_run = run("--child", "numpy", *common) if args.memory else "skipped"
    baseline = numpy_run[0] if isinstance(numpy_run, list) else None
    print(f"{regions:,} regions × {PERIODS} periods × {len(plan.rules)} rules, seed {args.seed}, "
          f"{args.mix} values")
    if args.memory:
        print("In memory (one pandas frame in each library; the result materialised):")
    if baseline is not None and args.memory:
        print(line("NumPy", baseline, None, None) + "  (float comparison, not exact)")
    for backend in args.backends.split(",") if args.memory else ():
        figures = run("--child", "memory", backend, *common)
        if isinstance(figures, str):
            print(f"  {backend}: failed or not installed: {figures}")
            continue
        found = differences(plan, figures[1]["statuses"], regions, args.seed, args.check)
        print(line(backend, figures[0], baseline, found))
    if not args.big:
        return
    lazy = [b for b in args.backends.split(",") if b in LAZY]
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="qcrules-bench-"))
    try:
        for scale in (args.scale, args.scale * args.big):
            source = root / f"facts-{args.mix}-{args.seed}-{scale:g}"
            written = 0 if source.exists() else write_parquet(plan, scale, args.seed, source)
            print(f"From Parquet, {regions_at(scale):,} regions"
                  + (f" ({written:,} facts written)" if written else "")
                  + ": read lazily, judged in the backend, written to Parquet")
            for backend in lazy:
                target = root / f"result-{backend}-{scale:g}" / (
                    "result.parquet" if backend == "duckdb" else "")
                target.parent.mkdir(parents=True, exist_ok=True)
                figures = run("--child", "parquet", backend, str(source), str(target),
                              "--mix", args.mix)
                if isinstance(figures, str):
                    print(f"  {backend}: failed or not installed: {figures}")
                    continue
                statuses = parquet_statuses(plan, target, regions_at(scale), args.seed,
                                            args.check)
                found = differences(plan, statuses, regions_at(scale), args.seed, args.check)
                print(line(backend, figures[0], None, found))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
