"""The ``qcrules`` command: a thin layer over the library.

Holds the commands (``commands``), the live ``watch`` command (``watch``) and what commands
share: exit codes, options, and loading a catalogue or facts with every problem reported as a
located line (``common``). The console script is :func:`entry_point`.

May import: everything else in qcrules, the public API included.
"""

from __future__ import annotations

from .commands import entry_point, main, run

__all__ = ["entry_point", "main", "run"]
