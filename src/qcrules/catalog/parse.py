"""Stage 1, parse: files and strings → plain data that remembers where each value stood.

The only stage that reads files. YAML (and JSON, read by the same safe loader) becomes
:class:`LocatedMap` / :class:`LocatedList` trees whose scalars are exact: a YAML float is read
from its text into a :class:`~fractions.Fraction`, never through a binary float. No tag can
construct an object; alias expansion and nesting are bounded.
"""

from __future__ import annotations

import codecs
import functools
import io
import re
import stat
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import attrs

from ..base.errors import Diagnostic, Location
from ..base.numbers import MAX_DIGITS, MAX_EXPONENT, too_many_digits

if TYPE_CHECKING:
    import yaml  # imported when a document is first parsed, not with qcrules

__all__ = [
    "LIMITS",
    "LocatedList",
    "LocatedMap",
    "NotANumber",
    "ParseResult",
    "parse_yaml_text",
    "read_text",
]


@attrs.frozen
class Limits:
    """Documented bounds on input size (``docs/reference/errors.md``)."""

    #: A file (text, or a compressed .xlsx) larger than this is refused (QC151).
    max_bytes: int = 20 * 1024 * 1024
    #: Values in one YAML/JSON document, counting an alias each time it is used (QC155).
    max_nodes: int = 200_000
    #: Nesting of mappings and lists (QC155).
    max_depth: int = 64
    #: Rows of a CSV file or of one worksheet (QC155).
    max_rows: int = 100_000
    #: Columns read from a CSV or worksheet row; a row with more cells is refused (QC155).
    max_columns: int = 256
    #: Rows searched for the header row, above which title rows may stand (QC205).
    header_search_rows: int = 20
    #: An .xlsx workbook's total size once unzipped (QC151).
    max_unzipped_bytes: int = 100 * 1024 * 1024
    #: An .xlsx workbook's unzipped size over its zipped size: more looks like a zip bomb (QC151).
    max_zip_ratio: int = 100
    #: The decimal exponent of a number (1e1000 is read, 1e1001 refused: QC112), so that reading
    #: a number exactly never takes unbounded time.
    max_exponent: int = MAX_EXPONENT
    #: The digits of a number (QC112), counted before it is converted: reading a number takes
    #: time growing with the square of its digits.
    max_digits: int = MAX_DIGITS


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


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def read_bytes(path: str | Path) -> tuple[bytes | None, list[Diagnostic]]:
    """Read at most ``LIMITS.max_bytes`` of a file; refuse a missing, unreadable or larger file."""
    location = Location(str(path))
    try:
        mode = Path(path).stat().st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            # A FIFO, a socket or a device would block or never end: only files are read.
            return None, [Diagnostic("QC150", "not a regular file", location,
                                     expected="a file (not a pipe, socket or device)")]
        with Path(path).open("rb") as stream:
            data = stream.read(LIMITS.max_bytes + 1)
    except FileNotFoundError:
        return None, [Diagnostic("QC150", "file not found", location, expected="an existing file")]
    except IsADirectoryError:
        return None, [Diagnostic("QC150", "a directory, not a file", location,
                                 expected="an existing file")]
    except OSError as error:
        return None, [Diagnostic("QC150", f"cannot read file: {error.strerror or error}", location)]
    if len(data) > LIMITS.max_bytes:
        return None, [Diagnostic("QC151", "file too large", location,
                                 expected=f"at most {LIMITS.max_bytes} bytes",
                                 got=f"more than {LIMITS.max_bytes} bytes")]
    return data, []


def read_text(path: str | Path, *, encoding: str | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Read a text file, refusing oversized, binary and undecodable files with a located error.

    Without ``encoding``: a byte-order mark decides (UTF-8, UTF-16, UTF-32); otherwise UTF-8,
    else GB18030 (a superset of GBK and GB2312).
    """
    file = str(path)
    location = Location(file)
    data, problems = read_bytes(path)
    if data is None:
        return None, problems
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            return None, [Diagnostic("QC403", f"unknown encoding name {encoding!r}", location,
                                     field="encoding", expected="e.g. utf-8, gb18030, gbk",
                                     got=encoding)]
    bom = next((name for mark, name in _BOMS if data.startswith(mark)), None)
    if not data.strip() or (bom is not None and not data[len(_bom_of(data)):].strip()):
        return None, [Diagnostic("QC152", "file is empty", location, expected="a document")]
    if bom is None and encoding is None and b"\x00" in data[:8192]:
        return None, [Diagnostic("QC153", "file is binary, not text", location,
                                 expected="a text file (YAML, JSON or CSV) or an .xlsx workbook",
                                 got=_binary_kind(data))]
    encodings = [encoding] if encoding else ([bom] if bom else ["utf-8", "gb18030"])
    first_error: UnicodeDecodeError | None = None
    for name in encodings:
        try:
            text = data.decode(name)
        except UnicodeDecodeError as error:
            first_error = first_error or error
            continue
        return text.removeprefix("\ufeff"), []
    line = data[:first_error.start].count(b"\n") + 1 if first_error else None
    tried = " or ".join(encodings)
    return None, [Diagnostic("QC154", f"text in an unknown encoding (not {tried})",
                             Location(file, line), field="encoding",
                             expected="UTF-8 or GB18030 text, or pass --encoding NAME",
                             got=f"byte {data[first_error.start]:#04x}" if first_error else None)]


def _bom_of(data: bytes) -> bytes:
    return next((mark for mark, _ in _BOMS if data.startswith(mark)), b"")


def _binary_kind(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "a zip archive (an .xlsx workbook needs the .xlsx suffix)"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old .xls workbook (save it as .xlsx or CSV)"
    return "bytes that are not text"


def _location(file: str | None, mark: yaml.Mark | _Mark | None) -> Location:
    if mark is None:
        return Location(file)
    return Location(file, mark.line + 1, mark.column + 1)


_BOOL_TRUE = {"true", "yes", "on"}
_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})


class _Builder:
    """Turns a composed YAML node tree into located, exact plain data."""

    def __init__(self, file: str | None) -> None:
        import yaml

        self.file = file
        self.nodes = 0
        self.diagnostics: list[Diagnostic] = []
        self.mapping_node, self.sequence_node = yaml.MappingNode, yaml.SequenceNode
        self.scalar_node = yaml.ScalarNode

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
        if isinstance(node, self.mapping_node):
            return self._mapping(node, depth, where)
        if isinstance(node, self.sequence_node):
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
            key = self._scalar(key_node) if isinstance(key_node, self.scalar_node) else None
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

    def _scalar(self, node: yaml.Node) -> Any:
        text = node.value
        tag = node.tag
        if isinstance(text, str) and _SURROGATE.search(text):
            text = self._joined(text, node)
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() in _BOOL_TRUE
        if tag in _NUMBER_TAGS and too_many_digits(text):
            return text  # never converted: read later as text, and refused there (QC112)
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
                number = Decimal(cleaned)
            except (InvalidOperation, ValueError):
                return text
            if not number.is_finite() or abs(number.adjusted()) > LIMITS.max_exponent:
                return text  # read later as text, and refused there as out of range
            return Fraction(number)
        return text


    def _joined(self, text: str, node: yaml.Node) -> str:
        """A JSON escape of a character beyond the BMP (``"\\ud840\\udc00"``, as json.dumps
        writes 𠀀) is a surrogate pair: the character it stands for. A lone surrogate stands for
        nothing: it is refused, and replaced so that no output breaks on it."""
        try:
            return text.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            self.diagnostics.append(Diagnostic(
                "QC100", "a lone surrogate escape (\\ud800–\\udfff) is not a character",
                _location(self.file, node.start_mark),
                expected="a character, or a surrogate pair for one beyond U+FFFF",
                got=_SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)))
            return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")


class _TooBig(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class _Mark:
    """Where a composed node starts: 0-based line and column, as PyYAML counts them."""

    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"line {self.line + 1}, column {self.column + 1}"

    def get_snippet(self) -> None:
        """No excerpt of the text is kept (PyYAML's error messages ask for one)."""


@functools.cache
def _safe_composer(fast: bool = False) -> type[yaml.SafeLoader]:
    """:class:`_SafeComposer`, made when a document is first parsed (with PyYAML's import):
    PyYAML's pure-Python loader, or (``fast``) the same composer reading the events of
    libyaml's parser, which PyYAML's wheels include (see :func:`_composed`)."""
    import yaml

    if fast:
        from yaml._yaml import CParser
        from yaml.composer import Composer
        from yaml.constructor import SafeConstructor
        from yaml.resolver import Resolver

        class Loader(Composer, CParser, SafeConstructor, Resolver):
            def __init__(self, stream: str) -> None:
                CParser.__init__(self, stream)
                Composer.__init__(self)
                SafeConstructor.__init__(self)
                Resolver.__init__(self)

        base: type[Any] = Loader
    else:
        base = yaml.SafeLoader

    class _SafeComposer(base):
        """The safe loader; only composition is used, so no tag can construct an object.

        Values are counted, and nesting measured, while they are composed: a document of a million
        keys is refused after ``LIMITS.max_nodes`` values, without reading the rest or holding it
        in memory (the count is of values; a mapping's keys come with them).
        """

        def __init__(self, stream: io.StringIO | str, file: str | None) -> None:
            super().__init__(stream)
            self.file = file
            #: Values composed so far (an alias counts once here; :class:`_Builder` counts it
            #: again each time it is expanded).
            self.composed = 0
            self.depth = 0

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
            if not (isinstance(parent, yaml.MappingNode) and index is None):  # a key is no value
                self.composed += 1
                if self.composed > LIMITS.max_nodes:
                    raise _TooBig(Diagnostic(
                        "QC155", "document too large", self._here(),
                        expected=f"at most {LIMITS.max_nodes} values (aliases count each time "
                                 "they are used)"))
            if self.depth > LIMITS.max_depth:
                raise _TooBig(Diagnostic("QC155", "document nested too deeply", self._here(),
                                         expected=f"at most {LIMITS.max_depth} levels"))
            self.depth += 1
            try:
                node = super().compose_node(parent, index)
            finally:
                self.depth -= 1
            # (an alias's node is compact already)
            if node is not None and not isinstance(node.start_mark, _Mark):
                # Only the start's line and column are used: a small mark instead of PyYAML's two
                # (each with its own dictionary) holds a document in a fifth of the memory.
                node.start_mark = _Mark(node.start_mark.line, node.start_mark.column)
                node.end_mark = None
            return node

        def _here(self) -> Location:
            return _location(self.file, self.peek_event().start_mark)

    return _SafeComposer


def _composed(text: str, file: str | None) -> yaml.Node | None:
    """The node tree of ``text``, composed (and counted) by :class:`_SafeComposer`.

    The events come from libyaml's parser, written in C, when PyYAML has it (six to eight times
    faster than its Python parser), and the limits are counted as they are composed, as ever;
    any other problem — invalid YAML, anything — has the document read again by the Python
    parser, so that the problem, and the place it names, is the one qcrules has always
    reported. The two
    parsers give the same tree for every document they both read (tests compare them on every
    YAML file of the repository and on the forms YAML allows).
    """
    import yaml

    if yaml.__with_libyaml__ and not _PURE_YAML:
        try:
            return _composed_by(_safe_composer(fast=True)(text, file))  # type: ignore[call-arg]
        except _TooBig:
            raise  # counted by the same composer, at the same place: not read twice
        except Exception:  # read again below, where the problem is reported as always
            pass
    return _composed_by(_safe_composer()(io.StringIO(text), file))  # type: ignore[call-arg]


#: Compose with PyYAML's Python parser only (the tests compare the two).
_PURE_YAML = False


def _composed_by(loader: Any) -> yaml.Node | None:
    try:
        return cast(Any, loader.get_single_node())
    finally:
        loader.dispose()


def parse_yaml_text(text: str, *, file: str | None = None) -> ParseResult:
    """Parse YAML or JSON text into located, exact plain data."""
    import yaml

    builder = _Builder(file)
    try:
        node = _composed(text, file)
    except _TooBig as error:
        return ParseResult(None, (error.diagnostic,))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        return ParseResult(None, (Diagnostic("QC100", f"invalid YAML: {problem}",
                                             _location(file, mark), expected="valid YAML or JSON"),))
    except yaml.YAMLError as error:
        return ParseResult(None, (Diagnostic("QC100", f"invalid YAML: {error}", Location(file)),))
    except RecursionError:
        return ParseResult(None, (Diagnostic("QC155", "document nested too deeply", Location(file)),))
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
        return ParseResult(None, (Diagnostic("QC152", "document is empty", Location(file),
                                             expected="a mapping"),))
    try:
        data = builder.build(node)
    except _TooBig as error:
        return ParseResult(None, (error.diagnostic,))
    except RecursionError:
        return ParseResult(None, (Diagnostic("QC155", "document nested too deeply", Location(file)),))
    return ParseResult(data, tuple(builder.diagnostics))


