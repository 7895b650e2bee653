"""What the commands share: exit codes, options, and loading a catalogue or facts with every
problem printed as one located line and exit 2."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import click

from ..base.errors import Diagnostic, FactError, QcrulesError
from ..catalog.load import load_catalog
from ..catalog.model import PROGRESS_METHODS, Catalog
from ..engine.results import Report, Severity, Status
from ..facts.model import FactSet
from ..facts.periods import Bases
from ..report.explain import LANGUAGES
from .streams import INPUT_FORMATS, load_facts_or_stdin

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_VIOLATION", "FAIL_ON",
           "catalog_or_exit", "echo_diagnostics", "exit_code_for", "fact_set_or_exit", "fail",
           "period_or_exit"]

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT = 0, 1, 2
#: An error qcrules did not foresee: a bug, never bad input (which is 2) nor a miss (1).
EXIT_INTERNAL = 3


def _by_place(diagnostic: Diagnostic) -> tuple[str, str, int, int]:
    where = diagnostic.location
    if where is None:
        return ("", "", 0, 0)
    return (where.file or "", where.sheet or "", where.line or 0, where.column or 0)


def echo_diagnostics(diagnostics: Sequence[Diagnostic], *, prefix: str = "error") -> None:
    """Each diagnostic on one line of standard error, sorted by file and place (those with no
    place first), whatever order they were found in."""
    for diagnostic in sorted(diagnostics, key=_by_place):
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

periods_option = click.option(
    "--period", "period", metavar="PERIOD", multiple=True,
    help="Evaluate only the facts of this period (2026, 2026Q3, 2026-07); repeatable, or "
         "several comma-separated. Facts of several regions or periods are summarised per "
         "region and period; one chosen gives its full report.")

region_option = click.option(
    "--region", "region", metavar="REGION", multiple=True,
    help="Evaluate only the facts of this region (a table's region / 地区 column); "
         "repeatable, or several comma-separated.")


strict_option = click.option("--strict", is_flag=True,
                              help="Exit 1 on any missed target, not only 确保 ones (the same as "
                                   "--fail-on violation --fail-on shortfall --fail-on miss).")

#: What ``--fail-on`` may name: a severity of a missed target (``violation`` a 确保 target,
#: ``shortfall`` a 力争 target, ``miss`` a general requirement), a status (``unknown``: data
#: missing; ``invalid``: data unusable), or ``none`` (never exit 1).
FAIL_ON = ("violation", "shortfall", "miss", "unknown", "invalid", "none")
_MISSES = ("violation", "shortfall", "miss")


def fail_on_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--fail-on", "fail_on", multiple=True, type=click.Choice(FAIL_ON),
        help="Exit 1 when a target is in this state (repeatable): violation (a 确保 target "
             "missed), shortfall (a 力争 target), miss (a general requirement), unknown (data "
             f"missing), invalid (data unusable); none: never [default: {default}].")


def exit_code_for(report: Report, fail_on: tuple[str, ...], *, strict: bool = False,
                  default: tuple[str, ...] = ("violation",)) -> int:
    """1 when a verdict is in a state ``fail_on`` (or, when it is empty, ``default``) names,
    ``strict`` adding every missed target; else 0."""
    levels = set(fail_on or default) - {"none"}
    if strict:
        levels.update(_MISSES)
    for verdict in report.verdicts:
        if verdict.status is Status.NOT_MET and verdict.severity is not Severity.NONE \
                and verdict.severity.value in levels:
            return EXIT_VIOLATION
        if verdict.status.value in levels:   # unknown, invalid
            return EXIT_VIOLATION
    return EXIT_OK


only_option = click.option("--only", type=click.Choice(["all", "unmet"]), default="all",
                           show_default=True, help="Show every target, or only those not met.")

keep_going_option = click.option(
    "--keep-going", is_flag=True,
    help="Evaluate every rule whose facts are sound even when some facts are bad (the exit "
         "code is still 2).")

method_option = click.option(
    "--method", type=click.Choice(PROGRESS_METHODS), default=None,
    help="How progress toward deadlines is judged: path, sdg (Statistics Canada / open-sdg) or "
         "un (UN SDG Progress Chart); default: each rule's progress.method, else the "
         "catalogue's, else path.")

baseline_option = click.option(
    "--baseline", "-b", metavar="BASEFILE", type=click.Path(dir_okay=False), default=None,
    help="Facts of a baseline period: add each target's trajectory (on track, behind, ...) "
         "toward its deadline.")


def output_option(text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
                        default=None, help=text)


color_option = click.option(
    "--color", "--colour", "color", type=click.Choice(["auto", "always", "never"]),
    default="auto", show_default=True,
    help="Colour the text table: auto colours a terminal unless NO_COLOR is set (FORCE_COLOR "
         "colours a pipe too).")

bom_option = click.option(
    "--bom/--no-bom", default=None,
    help="Start CSV with a UTF-8 byte-order mark, for spreadsheet programs [default: with one "
         "in a file (-o, or standard output redirected into a file), none in a pipe].")

quiet_option = click.option(
    "--quiet", "-q", is_flag=True,
    help="No spinner on standard error while the work goes on (it is shown only on a terminal).")

input_format_option = click.option(
    "--input-format", type=click.Choice(list(INPUT_FORMATS)), default=None,
    help="Format of facts read from standard input (FACTS '-'); default: sniffed.")


def fact_set_or_exit(facts: tuple[str, ...], encoding: str | None, keep_going: bool, *,
                     input_format: str | None = None) -> FactSet:
    try:
        fact_set = load_facts_or_stdin(facts, encoding=encoding, input_format=input_format)
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
