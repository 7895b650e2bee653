"""Loading catalogues and fact files: parse (I/O) then validate, with every problem located."""

from __future__ import annotations

from pathlib import Path

import attrs

from ..base.errors import CatalogError, Diagnostic, Location
from .model import Catalog
from .parse import ParseResult, parse_yaml_text, read_text
from .toml import TOML_SUFFIXES, parse_toml_text

__all__ = ["BUNDLED_CATALOG", "bundled_catalog_path", "load_catalog", "loads_catalog"]

#: The catalogue shipped with qcrules: 桐城市质量强市培育建设实施方案（2025—2027年）.
BUNDLED_CATALOG = "tongcheng-2025-2027.yaml"


def bundled_catalog_path() -> Path:
    """Where the bundled 桐城 catalogue is (inside the installed package, or a source checkout)."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "rules" / BUNDLED_CATALOG,   # an installed package
                      here.parents[3] / "rules" / BUNDLED_CATALOG):  # a source checkout
        if candidate.is_file():
            return candidate
    import importlib.resources  # a package in a zip archive (a good part of a start-up)

    packaged = importlib.resources.files("qcrules") / "rules" / BUNDLED_CATALOG
    if packaged.is_file():
        return Path(str(packaged))
    return here.parents[3] / "rules" / BUNDLED_CATALOG


def loads_catalog(text: str, *, file: str | None = None, source_text: str | None = None,
                  keep_going: bool = False) -> Catalog:
    """Load a catalogue from YAML or JSON text; with ``source_text``, quotes must occur in it.
    With ``keep_going``, a rule with problems is left out and ``Catalog.problems`` lists them.

    Raises:
        CatalogError: every problem found, located.
    """
    return _validated(parse_yaml_text(text, file=file), file, source_text, keep_going)


def _validated(parsed: ParseResult, file: str | None, source_text: str | None,
               keep_going: bool = False) -> Catalog:
    if parsed.data is None:
        raise CatalogError(parsed.diagnostics)
    from .validate import validate_catalog  # with the first catalogue, not with qcrules

    try:
        catalog = validate_catalog(parsed.data, file=file, source_text=source_text,
                                   keep_going=keep_going)
    except CatalogError as error:
        raise CatalogError((*parsed.diagnostics, *error.diagnostics)) from None
    if parsed.diagnostics:
        raise CatalogError(parsed.diagnostics)
    return catalog


def load_catalog(path: str | Path | None = None, *, keep_going: bool = False) -> Catalog:
    """Load and validate a catalogue file (YAML, JSON or TOML); ``None`` loads the bundled catalogue.

    When the catalogue names its source document (``catalog.source.file``, relative to the
    catalogue) and that file exists, every rule's quote must occur in it verbatim. With
    ``keep_going``, a rule with problems is left out instead: the sound rules are loaded and
    ``Catalog.problems`` lists the rest.

    Raises:
        CatalogError: every problem found, each naming file, line, rule and field (with
            ``keep_going``, only problems of the catalogue as a whole).
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
    source, skipped = _source_text(parsed.data, file_path, file)
    catalog = _validated(parsed, file, source, keep_going)
    if skipped is not None:
        catalog = attrs.evolve(catalog, notes=(*catalog.notes, skipped))
    return catalog


def _source_text(data: object, file_path: Path, file: str) -> tuple[str | None, Diagnostic | None]:
    """The text of the catalogue's source document, or why its quotes are not checked (a note):
    only a regular file in the catalogue's folder (or below it), of a size the reader accepts,
    is read — never a file elsewhere on the machine, whose lines the errors would reveal."""
    try:
        node = data["catalog"]["source"]  # type: ignore[index]
        relative = node["file"]
    except (KeyError, TypeError):
        return None, None
    if not isinstance(relative, str):
        return None, None
    where = node.at("file") if hasattr(node, "at") else Location(file)
    folder = file_path.parent.resolve()
    target = (file_path.parent / relative).resolve()
    if not target.is_relative_to(folder):
        return None, Diagnostic("QC176", "quotes not checked: the source document is outside the "
                                "catalogue's folder", where, field="catalog.source.file",
                                expected="a file in the catalogue's folder or below it",
                                got=relative)
    source, problems = read_text(target)
    if source is None:
        reason = problems[0].message if problems else "it cannot be read"
        return None, Diagnostic("QC176", f"quotes not checked: the source document: {reason}",
                                where, field="catalog.source.file", got=relative)
    return source, None


