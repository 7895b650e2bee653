"""Reading facts: reported values from mappings and files, and the period they belong to.

Holds the fact model (``Fact``, ``FactForm``, ``FactSet``), reading values exactly from Python
data (``read``), tables of facts in CSV and .xlsx (``tables``, ``xlsx``), fact files
(``load``), and periods: parsing them and choosing the facts of one period (``periods``).

May import: :mod:`qcrules.base`, :mod:`qcrules.catalog`.
"""
