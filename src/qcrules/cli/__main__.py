"""``python -m qcrules.cli``: the same as the ``qcrules`` command."""

from __future__ import annotations

from .commands import entry_point

if __name__ == "__main__":
    entry_point()
