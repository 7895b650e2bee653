"""Regular expressions compiled when first used, not when their module is imported.

``import qcrules`` imports modules whose patterns only reading a catalogue, a TOML document or
a unit needs; compiling them all at import is a noticeable part of a start-up. A
:func:`compiled_when_used` pattern compiles itself on its first method call and then keeps the
compiled pattern's methods as its own attributes, so later calls cost what a compiled
pattern's do.
"""

from __future__ import annotations

import re
from typing import Any, cast

__all__ = ["compiled_when_used"]

#: The methods a pattern is used through; each is looked up on the compiled pattern.
_METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")


class _Pattern:
    """Stands for ``re.compile(pattern, flags)`` until first used."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # reached only while the attribute is not yet in the instance's dictionary
        compiled = re.compile(*self._source)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"compiled_when_used({self._source[0]!r})"


def compiled_when_used(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled on its first use.

    Used through its methods (``match``, ``search``, ``sub`` …) it behaves as the compiled
    pattern; it is not an instance of :class:`re.Pattern`.
    """
    return cast("re.Pattern[str]", _Pattern(pattern, flags))
