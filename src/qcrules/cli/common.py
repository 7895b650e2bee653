"""What the commands share: exit codes, options, and loading a catalogue or facts with every
problem printed as one located line and exit 2."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import click

from ..base.errors import Diagnostic, FactError, QcrulesError
from ..catalog.load import load_catalog
from ..catalog.model import Catalog
from ..facts.load import load_facts
from ..facts.model import FactSet
from ..facts.periods import Bases
from ..report.explain import LANGUAGES

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_VIOLATION", "catalog_or_exit",
           "echo_diagnostics", "fact_set_or_exit", "fail", "period_or_exit"]

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT = 0, 1, 2
#: An error qcrules did not foresee: a bug, never bad input (which is 2) nor a miss (1).
EXIT_INTERNAL = 3


def echo_diagnostics(diagnostics: Sequence[Diagnostic], *, prefix: str = "error") -> None:
    for diagnostic in diagnostics:
        click.echo(f"{prefix}: {diagnostic}", err=True)


def fail(error: QcrulesError) -> NoReturn:
    echo_diagnostics(error.diagnostics)
    raise SystemExit(EXIT_BAD_INPUT)


def catalog_or_exit(rules: str | None, *, keep_going: bool = False) -> Catalog:
    """The catalogue, or every problem printed and exit 2; with ``keep_going``, the sound rules
    (the others' problems printed, and the run still exits 2 at its end)."""
    try:
        catalog = load_catalog(rules, keep_going=keep_going)
    except QcrulesError as error:
        fail(error)
    echo_diagnostics(catalog.problems)
    return catalog


rules_option = click.option("--rules", "-r", "rules", metavar="PATH",
                             help="Catalogue file (default: the bundled 桐城 plan).")


lang_option = click.option("--lang", type=click.Choice(LANGUAGES), default="zh",
                            show_default=True, help="Language of explanations.")


encoding_option = click.option("--encoding", default=None, metavar="NAME",
                                help="Encoding of fact files (default: UTF-8, else GB18030).")


engine_option = click.option("--engine", type=click.Choice(["native", "durable"]),
                              default="native", show_default=True,
                              help="Evaluation engine (both give identical reports).")


period_option = click.option("--period", metavar="PERIOD", default=None,
                              help="Evaluate only the facts of this period (2026, 2026Q3, "
                                   "2026-07); needed for a file holding several periods.")


strict_option = click.option("--strict", is_flag=True,
                              help="Exit 1 on any missed target, not only 确保 ones.")


def fact_set_or_exit(facts: tuple[str, ...], encoding: str | None, keep_going: bool) -> FactSet:
    try:
        fact_set = load_facts(*facts, encoding=encoding)
    except FactError as error:
        fail(error)
    errors = list(fact_set.diagnostics)
    if errors and not keep_going:
        echo_diagnostics(errors)
        click.echo("bad fact input; nothing evaluated (use --keep-going to evaluate the rest)",
                   err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    return fact_set


def period_or_exit(fact_set: FactSet, period: str | None, what: str = "facts", *,
                   bases: Bases | None = None) -> FactSet:
    """The facts to evaluate: those of ``period`` when given (with the base values ``bases``
    asks for from the series); a series without one is refused (QC210), as is a period the
    facts do not hold (QC211); exit 2."""
    from ..facts.periods import one_period, period_argument

    try:
        chosen = period_argument(period, "period") if period is not None else None
        return one_period(fact_set, chosen, what=what, bases=bases)
    except QcrulesError as error:
        fail(error)
