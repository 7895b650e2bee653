"""The floor under every stage: errors and their locations, and exact numbers.

Holds :mod:`~qcrules.base.errors` (``Diagnostic``, ``Location`` and the exception hierarchy
rooted at ``QcrulesError``) and :mod:`~qcrules.base.numbers` (reading floats and decimals
exactly, GB/T 8170 rounding, plain decimal formatting); :mod:`~qcrules.base.patterns` holds
regular expressions compiled on first use, so that importing a module compiles none. Numbers
are read exactly when a catalogue or a fact file is parsed and formatted when a report is
rendered, so they sit below both. Imports nothing of qcrules.
"""

__all__ = ["VERSION"]

#: The version of qcrules (``qcrules.__version__``).
VERSION = "0.1.0"
