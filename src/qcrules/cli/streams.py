"""Standard input and output as the commands use them: ``-`` for facts read from standard input
(its format given by ``--input-format`` or sniffed), ``-o -`` for standard output, colour,
the terminal's width and the CSV byte-order mark."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO

import attrs

from ..base.errors import Diagnostic, FactError, Location
from ..catalog.parse import LIMITS
from ..facts.load import load_facts
from ..facts.model import Fact, FactSet

__all__ = ["DASH", "INPUT_FORMATS", "STDIN_NAME", "colour_wanted", "csv_bom_wanted",
           "load_facts_or_stdin", "sniff_format", "terminal_width"]

#: The argument that stands for standard input (facts) or standard output (``-o``).
DASH = "-"
#: How facts read from standard input are named in messages.
STDIN_NAME = "<stdin>"
#: The formats facts may come in on standard input, with the suffix that reads them.
INPUT_FORMATS = {"yaml": ".yaml", "json": ".json", "toml": ".toml", "csv": ".csv", "xlsx": ".xlsx",
                 "parquet": ".parquet"}


def sniff_format(data: bytes) -> str:
    """The format of facts given on standard input without ``--input-format``: a zip archive
    is a workbook; data starting ``PAR1`` is Parquet; text that parses as JSON is JSON; a first
    line ``[table]`` or ``key = value`` is TOML; a first line holding ``key:`` is YAML;
    anything else is CSV (a header row)."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"PAR1"):
        return "parquet"
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        pass
    else:
        return "json"
    first = next((line.strip() for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith("#")), "")
    if (first.startswith("[") and first.endswith("]")) or (
            "=" in first and ":" not in first.split("=", 1)[0] and "," not in first):
        return "toml"
    if first.startswith(("---", "- ")) or ":" in first.split(",", 1)[0]:
        return "yaml"
    return "csv"


def _relabel(location: Location | None, temporary: str) -> Location | None:
    if location is not None and location.file == temporary:
        return attrs.evolve(location, file=STDIN_NAME)
    return location


def _relabel_diagnostic(diagnostic: Diagnostic, temporary: str) -> Diagnostic:
    return attrs.evolve(diagnostic, location=_relabel(diagnostic.location, temporary))


def _relabel_fact(fact: Fact, temporary: str) -> Fact:
    problem = _relabel_diagnostic(fact.problem, temporary) if fact.problem is not None else None
    return attrs.evolve(fact, location=_relabel(fact.location, temporary), problem=problem)


def _stdin_facts(input_format: str | None, encoding: str | None) -> FactSet:
    """Facts read from standard input, located as ``<stdin>:LINE``.

    Raises:
        FactError: as for a file; QC151 for more than the size limit, QC152 for nothing.
    """
    stream: BinaryIO = sys.stdin.buffer
    data = stream.read(LIMITS.max_bytes + 1)
    where = Location(STDIN_NAME)
    if len(data) > LIMITS.max_bytes:
        raise FactError(Diagnostic("QC151", "standard input is too large", where,
                                   expected=f"at most {LIMITS.max_bytes} bytes"))
    if not data.strip():
        raise FactError(Diagnostic("QC152", "standard input is empty", where,
                                   expected="facts, e.g. piped from a file: cat facts.yaml | "
                                            "qcrules check -"))
    suffix = INPUT_FORMATS[input_format or sniff_format(data)]
    with tempfile.TemporaryDirectory(prefix="qcrules-stdin-") as folder:
        path = Path(folder) / f"stdin{suffix}"
        path.write_bytes(data)
        temporary = str(path)
        try:
            fact_set = load_facts(path, encoding=encoding)
        except FactError as error:
            raise FactError([_relabel_diagnostic(d, temporary)
                             for d in error.diagnostics]) from None
    return attrs.evolve(
        fact_set,
        facts={key: _relabel_fact(fact, temporary) for key, fact in fact_set.facts.items()},
        series=tuple(_relabel_fact(fact, temporary) for fact in fact_set.series),
        diagnostics=tuple(_relabel_diagnostic(d, temporary) for d in fact_set.diagnostics))


def load_facts_or_stdin(paths: tuple[str, ...], *, encoding: str | None,
                        input_format: str | None) -> FactSet:
    """The facts of ``paths``, ``-`` standing for standard input (once at most); a file's
    format comes from its suffix, standard input's from ``input_format`` or :func:`sniff_format`.

    Raises:
        FactError: a file that cannot be read (all are tried first).
    """
    from ..facts.read import merge_fact_sets

    if paths.count(DASH) > 1:
        raise FactError(Diagnostic("QC150", "standard input given twice", Location(STDIN_NAME),
                                   expected="'-' once at most"))
    if DASH not in paths:
        return load_facts(*paths, encoding=encoding)
    files = [path for path in paths if path != DASH]
    errors: list[Diagnostic] = []
    sets = []
    try:
        sets.append(_stdin_facts(input_format, encoding))
    except FactError as error:
        errors.extend(error.diagnostics)
    if files:
        try:
            sets.append(load_facts(*files, encoding=encoding))
        except FactError as error:
            errors.extend(error.diagnostics)
    if errors:
        raise FactError(errors)
    return merge_fact_sets(sets)


def _environment_colour() -> bool | None:
    """What the environment says: ``NO_COLOR`` (non-empty) off, ``FORCE_COLOR`` (non-empty,
    not ``0``) on, otherwise nothing."""
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force and force != "0":
        return True
    return None


def colour_wanted(choice: str) -> bool:
    """Colour on standard output: ``always`` and ``never`` decide; ``auto`` follows
    ``NO_COLOR``, then ``FORCE_COLOR``, then whether standard output is a terminal."""
    if choice != "auto":
        return choice == "always"
    said = _environment_colour()
    if said is not None:
        return said
    return _is_terminal(sys.stdout)


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def terminal_width() -> int | None:
    """The terminal's width when standard output is one (``COLUMNS`` overrides it), else
    ``None``: a table written to a file or a pipe is never cut."""
    if not _is_terminal(sys.stdout):
        return None
    return shutil.get_terminal_size().columns


def csv_bom_wanted(choice: bool | None, output: str | None) -> bool:
    """Whether CSV starts with a byte-order mark: ``--bom``/``--no-bom`` decide; by default a
    file written with ``-o`` has one, and so does standard output redirected into a file
    (``> report.csv``), so that a spreadsheet program opens the Chinese text correctly; a pipe
    or a terminal gets none."""
    if choice is not None:
        return choice
    if output is not None and output != DASH:
        return True
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):  # no real file behind it (tests, embedding)
        return False
