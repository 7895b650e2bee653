"""Drafting: a reviewable catalogue from the text of a plan.

Reads a plan's structure (``structure``: numbering, heading, timeline, departments), its
numbers as plans write them (``numerals``), its targets in its own words (``targets``), names
common indicators (``glossary``) and assembles a catalogue that the catalogue's own validator
accepts, with every sentence left out listed as a finding (``build``).

May import: :mod:`qcrules.base`, :mod:`qcrules.catalog`.
"""
