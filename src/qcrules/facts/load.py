"""Loading fact files: the reader chosen by suffix, every problem located (the I/O edge)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ..base.errors import Diagnostic, FactError, Location
from ..catalog.parse import LIMITS, parse_yaml_text, read_text
from ..catalog.toml import TOML_SUFFIXES, parse_toml_text
from .model import FactSet
from .parquet import PARQUET_SUFFIXES, parse_parquet
from .read import facts_from_data, merge_fact_sets
from .tables import parse_csv_text
from .xlsx import XLSX_SUFFIXES, parse_xlsx

__all__ = ["load_facts"]


#: Spreadsheet formats qcrules does not read, with what to do instead.
_UNREADABLE_SUFFIXES = {".xls": "save it as .xlsx or CSV", ".ods": "save it as .xlsx or CSV",
                        ".numbers": "export it as .xlsx or CSV"}


def _parse_fact_file(path: Path, file: str, encoding: str | None) -> FactSet:
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        parsed = parse_xlsx(path, file=file)
    elif suffix in PARQUET_SUFFIXES:
        parsed = parse_parquet(path, file=file)
    elif suffix in _UNREADABLE_SUFFIXES:
        raise FactError(Diagnostic("QC156", f"{suffix} files are not read", Location(file),
                                   expected=".yaml, .yml, .json, .toml, .csv, .xlsx or .parquet",
                                   got=suffix,
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
        # Numbers are left unconverted here (the YAML reader reads them next, within the
        # limit on digits); converting a long one would take time growing with its square.
        json.loads(text, parse_int=_unread, parse_float=_unread)
    except json.JSONDecodeError as error:
        raise FactError(Diagnostic("QC100", f"invalid JSON: {error.msg}",
                                   Location(file, error.lineno, error.colno),
                                   expected="valid JSON")) from None
    except RecursionError:
        raise FactError(Diagnostic("QC155", "document nested too deeply", Location(file),
                                   expected=f"at most {LIMITS.max_depth} levels")) from None


def _unread(_text: str) -> None:
    """A JSON number, checked for syntax only."""


def load_facts(*paths: str | Path, encoding: str | None = None) -> FactSet:
    """Read one or more fact files into one :class:`FactSet`.

    The reader is chosen by suffix: ``.csv`` (UTF-8, UTF-8 with BOM or GB18030, or
    ``encoding``), ``.xlsx`` (every worksheet with a header row), ``.parquet`` (with pyarrow,
    the extra ``qcrules[pyarrow]``; QC159 without it), and YAML for ``.yaml``, ``.yml``,
    ``.json`` and any other suffix.

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
