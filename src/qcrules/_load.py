"""Loading catalogues and fact files: parse (I/O) then validate, with every problem located."""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Iterable
from pathlib import Path

from ._errors import CatalogError, Diagnostic, FactError, Location
from ._facts import FactSet, facts_from_data, merge_fact_sets
from ._model import Catalog
from ._parse import LIMITS, ParseResult, parse_csv_text, parse_yaml_text, read_text
from ._toml import TOML_SUFFIXES, parse_toml_text
from ._validate import validate_catalog
from ._xlsx import XLSX_SUFFIXES, parse_xlsx

__all__ = ["BUNDLED_CATALOG", "bundled_catalog_path", "load_catalog", "load_facts",
           "loads_catalog"]

#: The catalogue shipped with qcrules: 桐城市质量强市培育建设实施方案（2025—2027年）.
BUNDLED_CATALOG = "tongcheng-2025-2027.yaml"


def bundled_catalog_path() -> Path:
    """Where the bundled 桐城 catalogue is (inside the installed package, or a source checkout)."""
    packaged = importlib.resources.files("qcrules") / "rules" / BUNDLED_CATALOG
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules" / BUNDLED_CATALOG


def loads_catalog(text: str, *, file: str | None = None, source_text: str | None = None) -> Catalog:
    """Load a catalogue from YAML or JSON text; with ``source_text``, quotes must occur in it.

    Raises:
        CatalogError: every problem found, located.
    """
    return _validated(parse_yaml_text(text, file=file), file, source_text)


def _validated(parsed: ParseResult, file: str | None, source_text: str | None) -> Catalog:
    if parsed.data is None:
        raise CatalogError(parsed.diagnostics)
    try:
        catalog = validate_catalog(parsed.data, file=file, source_text=source_text)
    except CatalogError as error:
        raise CatalogError((*parsed.diagnostics, *error.diagnostics)) from None
    if parsed.diagnostics:
        raise CatalogError(parsed.diagnostics)
    return catalog


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate a catalogue file (YAML, JSON or TOML); ``None`` loads the bundled catalogue.

    When the catalogue names its source document (``catalog.source.file``, relative to the
    catalogue) and that file exists, every rule's quote must occur in it verbatim.

    Raises:
        CatalogError: every problem found, each naming file, line, rule and field.
    """
    file_path = Path(path) if path is not None else bundled_catalog_path()
    file = str(path) if path is not None else f"<bundled>/{BUNDLED_CATALOG}"
    text, problems = read_text(file_path)
    if text is None:
        raise CatalogError(problems)
    if file_path.suffix.lower() in TOML_SUFFIXES:
        parsed = parse_toml_text(text, file=file)
    else:
        parsed = parse_yaml_text(text, file=file)
    return _validated(parsed, file, _source_text(parsed.data, file_path))


def _source_text(data: object, file_path: Path) -> str | None:
    try:
        relative = data["catalog"]["source"]["file"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    if not isinstance(relative, str):
        return None
    source, _ = read_text(file_path.parent / relative)
    return source


#: Spreadsheet formats qcrules does not read, with what to do instead.
_UNREADABLE_SUFFIXES = {".xls": "save it as .xlsx or CSV", ".ods": "save it as .xlsx or CSV",
                        ".numbers": "export it as .xlsx or CSV"}


def _parse_fact_file(path: Path, file: str, encoding: str | None) -> FactSet:
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        parsed = parse_xlsx(path, file=file)
    elif suffix in _UNREADABLE_SUFFIXES:
        raise FactError(Diagnostic("QC156", f"{suffix} files are not read", Location(file),
                                   expected=".yaml, .yml, .json, .toml, .csv or .xlsx", got=suffix,
                                   hint=_UNREADABLE_SUFFIXES[suffix]))
    else:
        text, problems = read_text(path, encoding=encoding)
        if text is None:
            raise FactError(problems)
        if suffix == ".csv":
            parsed = parse_csv_text(text, file=file)
        elif suffix in TOML_SUFFIXES:
            parsed = parse_toml_text(text, file=file)
        else:
            if suffix == ".json":
                _check_json(text, file)
                text = text.replace("\t", " ")  # a tab in valid JSON is whitespace; YAML refuses it
            parsed = parse_yaml_text(text, file=file)
    if parsed.data is None:
        raise FactError(parsed.diagnostics)
    fact_set = facts_from_data(parsed.data, file=file)
    if parsed.diagnostics:
        return FactSet(fact_set.facts, fact_set.region, fact_set.period, fact_set.sources,
                       (*parsed.diagnostics, *fact_set.diagnostics))
    return fact_set


def _check_json(text: str, file: str) -> None:
    """Refuse what is not strict JSON (YAML, which reads the file next, is more lenient)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise FactError(Diagnostic("QC100", f"invalid JSON: {error.msg}",
                                   Location(file, error.lineno, error.colno),
                                   expected="valid JSON")) from None
    except RecursionError:
        raise FactError(Diagnostic("QC155", "document nested too deeply", Location(file),
                                   expected=f"at most {LIMITS.max_depth} levels")) from None


def load_facts(*paths: str | Path, encoding: str | None = None) -> FactSet:
    """Read one or more fact files into one :class:`FactSet`.

    The reader is chosen by suffix: ``.csv`` (UTF-8, UTF-8 with BOM or GB18030, or
    ``encoding``), ``.xlsx`` (every worksheet with a header row), and YAML for ``.yaml``,
    ``.yml``, ``.json`` and any other suffix.

    Facts that cannot be read are kept as invalid facts and listed in ``diagnostics``; a
    file that cannot be read at all raises.

    Raises:
        FactError: a missing, empty, binary or malformed file (all files are tried first).
    """
    sets: list[FactSet] = []
    errors: list[Diagnostic] = []
    for path in _flatten(paths):
        try:
            sets.append(_parse_fact_file(Path(path), str(path), encoding))
        except FactError as error:
            errors.extend(error.diagnostics)
    if errors:
        raise FactError(errors)
    return merge_fact_sets(sets)


def _flatten(paths: Iterable[str | Path]) -> list[str | Path]:
    result: list[str | Path] = []
    for path in paths:
        if isinstance(path, (list, tuple)):
            result.extend(path)
        else:
            result.append(path)
    return result
