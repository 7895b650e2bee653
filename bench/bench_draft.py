"""Benchmark: drafting a catalogue from a plan's text — how good, and how fast.

    python bench/bench_draft.py [--rounds 20]

1. The bundled plan drafted from rules/sources/ and compared, rule by rule and field by field,
   with the hand-made catalogue (matched by quote): rules found, spurious rules, fields equal.
2. The corpus of composed passages (tests/drafting/corpus/): precision and recall of targets,
   agreement per field, sentences left out against those the corpus expects.
3. Time to draft the bundled plan: the median of interleaved rounds, with min and max, beside
   loading the hand-made catalogue from its text (the validator both go through), as a ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

import qcrules
from qcrules.drafting.compare import measure_corpus

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "rules" / "sources" / "tongcheng-quality-plan-2025-2027.txt"
CATALOGUE = ROOT / "rules" / "tongcheng-2025-2027.yaml"
CORPUS = ROOT / "tests" / "drafting" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    text = PLAN.read_text(encoding="utf-8")
    catalogue_text = CATALOGUE.read_text(encoding="utf-8")
    drafted = qcrules.draft(text, source="sources/" + PLAN.name)
    seed = qcrules.compare_catalogs(drafted.catalog, qcrules.load_catalog(CATALOGUE))
    print("1. the bundled plan against the hand-made catalogue")
    print(f"   {seed.summary()}")
    print(f"   {len(drafted.to_review)} rules marked for review, {len(drafted.findings)} "
          "sentences or items left out")
    for rule_id, field, got, want in seed.differences:
        print(f"   differs: {rule_id}.{field}: drafted {got!r}, hand-made {want!r}")

    passages = []
    for path in sorted(CORPUS.glob("*.yaml")):
        passages.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["passages"])
    figures = measure_corpus(passages, period=(2025, 2027))
    print("\n2. the corpus of composed passages")
    print(f"   {figures.summary()}")

    drafting, loading = [], []
    for _ in range(args.rounds):  # interleaved, so that drift affects both alike
        start = time.perf_counter()
        qcrules.draft(text)
        drafting.append(time.perf_counter() - start)
        start = time.perf_counter()
        qcrules.loads_catalog(catalogue_text, source_text=text)
        loading.append(time.perf_counter() - start)
    print(f"\n3. time, {args.rounds} interleaved rounds (median, min–max)")
    for name, times in (("draft the plan", drafting), ("load the hand-made catalogue", loading)):
        print(f"   {name:30} {statistics.median(times) * 1000:8.1f} ms "
              f"({min(times) * 1000:.1f}–{max(times) * 1000:.1f})")
    print(f"   ratio draft / load: {statistics.median(drafting) / statistics.median(loading):.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
