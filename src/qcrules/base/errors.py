"""Errors with locations and stable codes.

Every problem qcrules reports is a :class:`Diagnostic`: a stable code, a message, and where it
is (file, line, rule or fact id, field), with what was expected and what was found. Exceptions
carry one or more diagnostics; validation collects all of them before raising.
The codes are listed in ``docs/reference/errors.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

__all__ = [
    "QUOTED_LENGTH",
    "CatalogError",
    "Diagnostic",
    "EvaluationError",
    "FactError",
    "Location",
    "QcrulesError",
    "UsageError",
    "did_you_mean",
    "printable",
    "shortened",
]


@attrs.frozen(order=True)
class Location:
    """Where something is: a file and, where there is one, a 1-based line and column.

    In a spreadsheet, ``sheet`` and ``cell`` name the place (shown ``file:Sheet1!B7``); ``line``
    and ``column`` then hold the cell's row and column numbers.
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.sheet is not None:
            return f"{self.file or '<input>'}:{self.sheet}!{self.cell or self.line or ''}"
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


#: Control characters (C0 and C1, DEL) and the invisible marks that reorder or hide text:
#: written to a terminal they could retitle its window, clear it or plant a link.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
#: How much of a value a message quotes: a 10,000-digit number is cut, not printed whole.
QUOTED_LENGTH = 120
_LONG_RUN = re.compile(rf"[^\s,;()]{{{QUOTED_LENGTH + 1},}}")


def printable(text: str, *, limit: int | None = None) -> str:
    """``text`` safe to print: each control character written as its escape (``\\x1b``), and
    with ``limit``, cut to that many characters with an ellipsis."""
    safe = _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)
    return shortened(safe, limit) if limit is not None else safe


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The hint naming the choice closest to ``word`` (``"did you mean 'pass-rate'?"``), or
    ``None`` when none is close enough."""
    import difflib  # only when a name is wrong

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"did you mean {close[0]!r}?" if close else None


def shortened(text: str, limit: int = QUOTED_LENGTH) -> str:
    """``text`` cut to ``limit`` characters, the cut shown with … and the length left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


@attrs.frozen
class Diagnostic:
    """One problem, located and explained.

    ``code`` is stable (``QC1xx`` catalogue, ``QC2xx`` facts, ``QC3xx`` a fact unusable for a
    rule, ``QC4xx`` usage); JSON output carries it.
    """

    code: str
    message: str
    location: Location | None = None
    rule_id: str | None = None
    fact_id: str | None = None
    field: str | None = None
    expected: str | None = None
    got: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        head = f"{self.location}: " if self.location is not None else ""
        subject = []
        if self.rule_id:
            subject.append(f"rule {self.rule_id}")
        if self.fact_id:
            subject.append(f"fact {self.fact_id}")
        if self.field:
            subject.append(f"field {self.field}")
        where = (", ".join(subject) + ": ") if subject else ""
        text = f"{head}{self.code} {where}{self.message}"
        details = []
        if self.expected:
            details.append(f"expected {self.expected}")
        if self.got is not None and self.got != "":
            details.append(f"got {self.got}")
        if details:
            text += f" ({'; '.join(details)})"
        if self.hint:
            text += f"; {self.hint}"
        # A value quoted in the message or after "got" is cut when it is very long.
        return printable(_LONG_RUN.sub(lambda run: shortened(run.group()), text))

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping (keys with no value are left out)."""
        data: dict[str, object] = {"code": self.code, "message": self.message}
        if self.location is not None:
            data["file"] = self.location.file
            if self.location.line is not None:
                data["line"] = self.location.line
            if self.location.column is not None:
                data["column"] = self.location.column
            if self.location.sheet is not None:
                data["sheet"] = self.location.sheet
            if self.location.cell is not None:
                data["cell"] = self.location.cell
        for key in ("rule_id", "fact_id", "field", "expected", "got", "hint"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


def _sort_key(diagnostic: Diagnostic) -> tuple[str, str, int, int]:
    location = diagnostic.location or Location()
    return (location.file or "", location.sheet or "", location.line or 0, location.column or 0)


class QcrulesError(Exception):
    """The root of every error qcrules raises on purpose."""

    exit_code = 2

    def __init__(self, diagnostics: Diagnostic | Iterable[Diagnostic]) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics, key=_sort_key))
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def code(self) -> str:
        """The code of the first problem."""
        return self.diagnostics[0].code if self.diagnostics else "QC000"


class CatalogError(QcrulesError, ValueError):
    """A catalogue file that cannot be loaded; every problem found is in ``diagnostics``."""


class FactError(QcrulesError, ValueError):
    """A fact file or mapping that cannot be read."""


class EvaluationError(QcrulesError):
    """Facts and a plan that cannot be evaluated together (e.g. a table with unknown columns)."""


class UsageError(QcrulesError, TypeError):
    """A library function called with arguments it does not accept."""
