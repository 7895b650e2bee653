"""Stage 1, parse: TOML catalogues and fact files into the same located, exact data as YAML.

The standard library's :mod:`tomllib` reads the document (floats as :class:`~decimal.Decimal`,
so ``0.035`` stays 35/1000); it keeps no positions, so a light scan of the text finds the line
of every table header and every ``key =`` line, and each value gets the line of the key that
holds it (a value inside an inline table or a multi-line array gets its key's line). Dates and
times become ISO text, as from a spreadsheet.
"""

from __future__ import annotations

import datetime as _dt
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..base.errors import Diagnostic, Location
from ..base.numbers import MAX_DIGITS, too_many_digits
from ..base.patterns import compiled_when_used
from .parse import LIMITS, LocatedList, LocatedMap, NotANumber, ParseResult

__all__ = ["TOML_SUFFIXES", "parse_toml_text"]

TOML_SUFFIXES = (".toml",)

Path = tuple[str | int, ...]

_KEY = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = compiled_when_used(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGN = compiled_when_used(rf"^\s*({_DOTTED})\s*=")
_PART = compiled_when_used(_KEY)
_ERROR_AT = compiled_when_used(r"\(at line (\d+), column (\d+)\)")


def _parts(dotted: str) -> list[str]:
    parts = []
    for match in _PART.finditer(dotted):
        part = match.group()
        if part[:1] == '"':
            import json

            try:
                part = json.loads(part)   # TOML's basic-string escapes are JSON's, mostly
            except ValueError:
                part = part[1:-1]
        elif part[:1] == "'":
            part = part[1:-1]
        parts.append(part)
    return parts


def _key_lines(text: str) -> dict[Path, int]:
    """The 1-based line of each table and key path, found by scanning the text's lines."""
    lines: dict[Path, int] = {}
    table: Path = ()
    counters: dict[tuple[str, ...], int] = {}
    in_string = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.count('"""') % 2 or line.count("'''") % 2:
            in_string = not in_string
            continue
        if in_string:
            continue
        if header := _HEADER.match(line):
            names = _parts(header.group(2))
            new_element = header.group(1) == "[["
            path: list[str | int] = []
            for i, name in enumerate(names):
                path.append(name)
                prefix = tuple(names[:i + 1])
                last = i == len(names) - 1
                if prefix in counters and not (new_element and last):
                    path.append(counters[prefix])   # [a.b] under [[a]]: the latest a
            if new_element:
                counters[tuple(names)] = counters.get(tuple(names), -1) + 1
                path.append(counters[tuple(names)])
            table = tuple(path)
            lines.setdefault(table, number)
            continue
        if assign := _ASSIGN.match(line):
            lines.setdefault((*table, *_parts(assign.group(1))), number)
    return lines


class _Builder:
    def __init__(self, file: str | None, lines: dict[Path, int]) -> None:
        self.file = file
        self.lines = lines
        self.nodes = 0

    def where(self, path: Path, fallback: Location) -> Location:
        line = self.lines.get(path)
        return Location(self.file, line) if line is not None else fallback

    def build(self, value: Any, path: Path, where: Location) -> Any:
        self.nodes += 1
        if self.nodes > LIMITS.max_nodes:
            raise _TooBig(Diagnostic("QC155", "document too large", where,
                                     expected=f"at most {LIMITS.max_nodes} values"))
        if len(path) > LIMITS.max_depth:
            raise _TooBig(Diagnostic("QC155", "document nested too deeply", where,
                                     expected=f"at most {LIMITS.max_depth} levels"))
        if isinstance(value, dict):
            mapping = LocatedMap()
            mapping.location = where
            mapping.key_locations = {}
            for key, item in value.items():
                key_where = self.where((*path, key), where)
                mapping[key] = self.build(item, (*path, key), key_where)
                mapping.key_locations[key] = key_where
            return mapping
        if isinstance(value, list):
            items = LocatedList()
            items.location = where
            items.item_locations = []
            for index, item in enumerate(value):
                item_where = self.where((*path, index), where)
                items.append(self.build(item, (*path, index), item_where))
                items.item_locations.append(item_where)
            return items
        if isinstance(value, Decimal):
            if not value.is_finite():
                return NotANumber(str(value).lower().replace("infinity", "inf"))
            if abs(value.adjusted()) > LIMITS.max_exponent:
                return str(value)   # refused later as out of range, like a YAML number
            return Fraction(value)
        if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _TOO_LONG:
            return str(value)   # more digits than a number may have: refused later, as text
        return value


#: The smallest whole number of more than ``MAX_DIGITS`` digits.
_TOO_LONG = 10**MAX_DIGITS


def _float(text: str) -> Decimal | str:
    """A TOML float exactly, or, past ``MAX_DIGITS`` digits, its text unconverted (refused as
    too long to read where it is used, ``QC112``)."""
    return text if too_many_digits(text) else Decimal(text)


class _TooBig(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def parse_toml_text(text: str, *, file: str | None = None) -> ParseResult:
    """Parse TOML text into located, exact plain data (as :func:`parse_yaml_text` does YAML)."""
    import tomllib  # imported with the first TOML document, not with qcrules

    try:
        data = tomllib.loads(text, parse_float=_float)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        at = _ERROR_AT.search(message)
        where = Location(file, int(at.group(1)), int(at.group(2))) if at else Location(file)
        problem = _ERROR_AT.sub("", message).strip()
        return ParseResult(None, (Diagnostic("QC100", f"invalid TOML: {problem}", where,
                                             expected="valid TOML"),))
    except ValueError:  # an integer of more digits than Python converts (4,300)
        return ParseResult(None, (Diagnostic(
            "QC112", "a number too long to read", Location(file),
            expected=f"a number of at most {sys.get_int_max_str_digits()} digits"),))
    except RecursionError:
        return ParseResult(None, (Diagnostic("QC155", "document nested too deeply",
                                             Location(file)),))
    if not data:
        return ParseResult(None, (Diagnostic("QC152", "document is empty", Location(file),
                                             expected="a table"),))
    builder = _Builder(file, _key_lines(text))
    try:
        return ParseResult(builder.build(data, (), Location(file, 1)))
    except _TooBig as error:
        return ParseResult(None, (error.diagnostic,))
