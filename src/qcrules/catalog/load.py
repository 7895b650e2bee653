"""Loading catalogues and fact files: parse (I/O) then validate, with every problem located."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from ..base.errors import CatalogError
from .model import Catalog
from .parse import ParseResult, parse_yaml_text, read_text
from .toml import TOML_SUFFIXES, parse_toml_text
from .validate import validate_catalog

__all__ = ["BUNDLED_CATALOG", "bundled_catalog_path", "load_catalog", "loads_catalog"]

#: The catalogue shipped with qcrules: 桐城市质量强市培育建设实施方案（2025—2027年）.
BUNDLED_CATALOG = "tongcheng-2025-2027.yaml"


def bundled_catalog_path() -> Path:
    """Where the bundled 桐城 catalogue is (inside the installed package, or a source checkout)."""
    packaged = importlib.resources.files("qcrules") / "rules" / BUNDLED_CATALOG
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "rules" / BUNDLED_CATALOG


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


