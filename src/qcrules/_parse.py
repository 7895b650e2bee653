"""Stage 1, parse: files and strings → plain data that remembers where each value stood.

The only stage that reads files. YAML (and JSON, read by the same safe loader) becomes
:class:`LocatedMap` / :class:`LocatedList` trees whose scalars are exact: a YAML float is read
from its text into a :class:`~fractions.Fraction`, never through a binary float. No tag can
construct an object; alias expansion and nesting are bounded.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import yaml

from ._errors import Diagnostic, Location

__all__ = [
    "LIMITS",
    "LocatedList",
    "LocatedMap",
    "NotANumber",
    "ParseResult",
    "parse_csv_text",
    "parse_yaml_text",
    "read_text",
]


@attrs.frozen
class Limits:
    """Documented bounds on input size (``docs/reference/errors.md``)."""

    max_bytes: int = 20 * 1024 * 1024
    max_nodes: int = 200_000
    max_depth: int = 64


LIMITS = Limits()


class NotANumber(float):
    """A YAML ``.nan``/``.inf`` scalar, kept so that the evaluator can call it invalid."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> NotANumber:
        value = float("nan") if "nan" in text.lower() else float(text.replace(".", "", 1))
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class LocatedMap(dict[str, Any]):
    """A mapping that knows the location of itself and of each key."""

    location: Location
    key_locations: dict[str, Location]

    def at(self, key: str) -> Location:
        """The location of ``key``, or of the mapping when the key is absent."""
        return self.key_locations.get(key, self.location)


class LocatedList(list[Any]):
    """A sequence that knows its location and each item's."""

    location: Location
    item_locations: list[Location]


@attrs.frozen
class ParseResult:
    """Parsed data (``None`` when unreadable) and the problems found."""

    data: Any
    diagnostics: tuple[Diagnostic, ...] = ()


def read_text(path: str | Path, *, encoding: str | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Read a text file, refusing oversized, binary and undecodable files with a located error."""
    file = str(path)
    location = Location(file)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Diagnostic("QC150", "file not found", location, expected="an existing file")]
    except OSError as error:
        return None, [Diagnostic("QC150", f"cannot read file: {error.strerror}", location)]
    if len(data) > LIMITS.max_bytes:
        return None, [Diagnostic("QC151", "file too large", location,
                                 expected=f"at most {LIMITS.max_bytes} bytes", got=f"{len(data)} bytes")]
    if not data.strip():
        return None, [Diagnostic("QC152", "file is empty", location, expected="a document")]
    if b"\x00" in data[:8192]:
        return None, [Diagnostic("QC153", "file is binary, not text", location,
                                 expected="UTF-8 text")]
    encodings = [encoding] if encoding else ["utf-8-sig", "gb18030"]
    for name in encodings:
        try:
            return data.decode(name), []
        except (UnicodeDecodeError, LookupError):
            continue
    return None, [Diagnostic("QC154", "text in an unknown encoding", location,
                             expected="UTF-8 or GB18030 (or pass an encoding)")]


def _location(file: str | None, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file)
    return Location(file, mark.line + 1, mark.column + 1)


_BOOL_TRUE = {"true", "yes", "on"}


class _Builder:
    """Turns a composed YAML node tree into located, exact plain data."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.nodes = 0
        self.diagnostics: list[Diagnostic] = []

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.nodes += 1
        where = _location(self.file, node.start_mark)
        if self.nodes > LIMITS.max_nodes:
            raise _TooBig(Diagnostic(
                "QC155", "document too large", where,
                expected=f"at most {LIMITS.max_nodes} values (aliases count each time they are used)"))
        if depth > LIMITS.max_depth:
            raise _TooBig(Diagnostic("QC155", "document nested too deeply", where,
                                     expected=f"at most {LIMITS.max_depth} levels"))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth, where)
        if isinstance(node, yaml.SequenceNode):
            result = LocatedList()
            result.location = where
            result.item_locations = []
            for item in node.value:
                result.append(self.build(item, depth + 1))
                result.item_locations.append(_location(self.file, item.start_mark))
            return result
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, depth: int, where: Location) -> LocatedMap:
        result = LocatedMap()
        result.location = where
        result.key_locations = {}
        for key_node, value_node in node.value:
            key_where = _location(self.file, key_node.start_mark)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.diagnostics.append(Diagnostic("QC100", "merge keys (<<) are not supported",
                                                   key_where, expected="plain keys"))
                continue
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int, Fraction)) or isinstance(key, bool):
                self.diagnostics.append(Diagnostic("QC101", "a key must be text", key_where,
                                                   expected="a text key", got=type(key).__name__))
                continue
            key = str(key)
            if key in result:
                self.diagnostics.append(Diagnostic(
                    "QC104", f"key {key!r} appears twice", key_where,
                    field=key, expected="each key once",
                    got=f"also at line {result.key_locations[key].line}"))
                continue
            result[key] = self.build(value_node, depth + 1)
            result.key_locations[key] = key_where
        return result

    @staticmethod
    def _scalar(node: yaml.Node) -> Any:
        text = node.value
        tag = node.tag
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() in _BOOL_TRUE
        if tag == "tag:yaml.org,2002:int":
            try:
                return int(text.replace("_", ""), 0)
            except ValueError:
                return text
        if tag == "tag:yaml.org,2002:float":
            cleaned = text.replace("_", "")
            if cleaned.lower().lstrip("+-") in {".nan", ".inf"}:
                return NotANumber(cleaned.lower())
            try:
                return Fraction(Decimal(cleaned))
            except (InvalidOperation, ValueError):
                return text
        return text


class _TooBig(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class _SafeComposer(yaml.SafeLoader):
    """The safe loader; only composition is used, so no tag can construct an object."""


def parse_yaml_text(text: str, *, file: str | None = None) -> ParseResult:
    """Parse YAML or JSON text into located, exact plain data."""
    builder = _Builder(file)
    try:
        loader = _SafeComposer(io.StringIO(text))
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        return ParseResult(None, (Diagnostic("QC100", f"invalid YAML: {problem}",
                                             _location(file, mark), expected="valid YAML or JSON"),))
    except yaml.YAMLError as error:
        return ParseResult(None, (Diagnostic("QC100", f"invalid YAML: {error}", Location(file)),))
    except RecursionError:
        return ParseResult(None, (Diagnostic("QC155", "document nested too deeply", Location(file)),))
    if node is None:
        return ParseResult(None, (Diagnostic("QC152", "document is empty", Location(file),
                                             expected="a mapping"),))
    try:
        data = builder.build(node)
    except _TooBig as error:
        return ParseResult(None, (error.diagnostic,))
    except RecursionError:
        return ParseResult(None, (Diagnostic("QC155", "document nested too deeply", Location(file)),))
    return ParseResult(data, tuple(builder.diagnostics))


def parse_csv_text(text: str, *, file: str | None = None) -> ParseResult:
    """Parse a CSV of facts (header row first) into a list of located row mappings."""
    rows = LocatedList()
    rows.location = Location(file, 1)
    rows.item_locations = []
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
    except csv.Error as error:
        return ParseResult(None, (Diagnostic("QC100", f"invalid CSV: {error}", Location(file, 1)),))
    if header is None:
        return ParseResult(None, (Diagnostic("QC152", "CSV file has no header", Location(file, 1)),))
    names = [name.strip().lstrip("\ufeff") for name in header]
    diagnostics: list[Diagnostic] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            where = Location(file, line)
            if len(row) > len(names):
                diagnostics.append(Diagnostic("QC101", "row has more cells than the header", where,
                                              expected=f"{len(names)} cells", got=f"{len(row)}"))
                continue
            record = LocatedMap()
            record.location = where
            record.key_locations = {}
            for name, cell in zip(names, row, strict=False):
                value = cell.strip()
                record[name] = value if value != "" else None
                record.key_locations[name] = where
            rows.append(record)
            rows.item_locations.append(where)
    except csv.Error as error:
        diagnostics.append(Diagnostic("QC100", f"invalid CSV: {error}", Location(file, reader.line_num)))
    return ParseResult(rows, tuple(diagnostics))


def iter_items(node: Any) -> Iterator[tuple[str, Any, Location]]:
    """The items of a located mapping with each key's location."""
    if isinstance(node, LocatedMap):
        for key, value in node.items():
            yield key, value, node.at(key)


def is_nan(value: Any) -> bool:
    """Whether a parsed scalar is NaN or infinite."""
    return isinstance(value, float) and not math.isfinite(value)
