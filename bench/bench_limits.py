"""Benchmark: how long, and how much memory, refusing the largest hostile inputs takes.

    python bench/bench_limits.py [--repeat 3]

Each input is built in memory (each under the 20 MiB file limit) and read as a file's text
would be; the time is the best of ``--repeat`` runs (``time.perf_counter``) and the memory the
peak of Python allocations during one run (``tracemalloc``), not counting the text itself:

- a YAML fact file of a million keys, and a flow list of 9.5 million items (refused at the
  200,000-value limit, QC155);
- a catalogue of 100,000 rules (QC155), and for comparison catalogues of 2,000 and 5,000 rules,
  which load;
- a fact of 400,000 digits, in a quantity string and as a YAML number (refused at 2,000
  digits, QC112).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

from qcrules.base.errors import QcrulesError
from qcrules.catalog.load import loads_catalog
from qcrules.catalog.parse import parse_yaml_text
from qcrules.facts.read import facts_from_data, read_value


def catalogue(rules: int) -> str:
    rule = ("- {{id: r{0}, indicator: {{zh: 指标{0}, unit: 件}}, kind: floor, target: 达3件, "
            "commitment: strive, deadline: 2027, clause: 二, quote: q, lead: [局]}}\n")
    return ("qcrules: 1\ncatalog: {id: big, title: 大}\nrules:\n"
            + "".join(rule.format(i) for i in range(rules)))


def outcome(call: Callable[[], object]) -> str:
    try:
        result = call()
    except QcrulesError as error:
        return error.code
    diagnostics = getattr(result, "diagnostics", ())
    return diagnostics[0].code if diagnostics else "read"


def measure(name: str, call: Callable[[], object], repeat: int) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = outcome(call)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    try:
        outcome(call)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    print(f"{name:<42} {result:<6} {best:8.2f} s {peak / 2**20:9.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    keys = "facts:\n" + "".join(f"  k{i}: {i}\n" for i in range(1_000_000))
    flow = "facts: [" + "1," * 9_500_000 + "1]\n"
    rules = {count: catalogue(count) for count in (2_000, 5_000, 100_000)}
    digits = "0." + "3" * 400_000
    print(f"{'input':<42} {'result':<6} {'time':>10} {'peak':>13}")
    measure("YAML facts, 1,000,000 keys", lambda: parse_yaml_text(keys, file="f.yaml"), repeat)
    measure("YAML facts, flow list of 9,500,000 items",
            lambda: parse_yaml_text(flow, file="f.yaml"), repeat)
    for count, text in rules.items():
        measure(f"catalogue of {count:,} rules", lambda text=text: loads_catalog(text), repeat)
    measure("a quantity of 400,000 digits",
            lambda: facts_from_data({"x": digits + "万元/人"}), repeat)
    measure("a YAML number of 400,000 digits",
            lambda: facts_from_data(parse_yaml_text(f"x: {digits}\n").data), repeat)
    measure("one fact 8.5万元/人 (for scale)", lambda: read_value("x", "8.5万元/人", None, None),
            repeat)


if __name__ == "__main__":
    main()
