"""Judging facts against rules: compile a catalogue once, evaluate many fact sets.

Holds compilation (``compile``: thresholds and unit factors as exact whole-number
comparisons), the per-fact-set evaluator (``evaluate``), the vectorised path over many fact
sets (``table``) and the results as data (``results``: ``Report``, ``Verdict``, the recorded
steps, ``Trajectory``). Pure: no I/O, no wording.

May import: :mod:`qcrules.base`, :mod:`qcrules.catalog`, :mod:`qcrules.facts`.
"""
