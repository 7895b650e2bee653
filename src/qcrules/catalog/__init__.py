"""The rule language: the catalogue model, and reading, checking and writing catalogues.

Holds the model (``Catalog``, ``Rule``, ``Bound`` …), the positioned readers of YAML, JSON and
TOML text (``parse``, ``toml``), the bound and commitment lexicon (``words``), the unit
registry (``units``), derived-indicator formulas (``formula``), validation (``validate``),
loading (``load``), writing back (``dump``) and the editor schema (``schema``).

May import: :mod:`qcrules.base`.
"""
