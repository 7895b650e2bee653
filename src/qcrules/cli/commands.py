"""The ``qcrules`` command: a thin layer over the library.

It parses options, calls the library, and maps every :class:`~qcrules.QcrulesError` to a
located message and a documented exit code; bad input never shows a traceback.

Exit codes: 0 no violation (or a clean validation); 1 an ensure-target (确保) is missed — with
``--strict`` any missed target; 2 bad input or usage.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import attrs
import click
from click.shell_completion import CompletionItem

from .. import evaluate
from ..base.errors import Diagnostic, Location, QcrulesError, UsageError, printable
from ..catalog.load import load_catalog
from ..catalog.model import Catalog
from ..engine.compile import Plan, compile_catalog
from ..engine.results import Report, Status
from ..facts.model import FactSet
from ..facts.periods import with_base_values
from ..report import render as _render
from ..report.cells import summary_line
from ..report.explain import explain, quantity_text
from ..report.render import write_atomically
from .activity import working
from .common import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    baseline_option,
    bom_option,
    catalog_or_exit,
    color_option,
    echo_diagnostics,
    encoding_option,
    engine_option,
    exit_code_for,
    fact_set_or_exit,
    fail,
    fail_on_option,
    input_format_option,
    keep_going_option,
    lang_option,
    method_option,
    only_option,
    output_option,
    period_option,
    period_or_exit,
    periods_option,
    quiet_option,
    region_option,
    rules_option,
    strict_option,
)
from .draft import draft_command
from .streams import DASH, colour_wanted, csv_bom_wanted, terminal_width
from .watch import watch


class _Group(click.Group):
    """The command group, whose every error — a usage error click finds included — is one
    ``error: … QCnnn`` line and a documented exit code, never a traceback."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        code = _guarded(lambda: super(_Group, self).main(
            args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False,
            **extra))
        if standalone_mode:
            raise SystemExit(code)
        return code


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="qcrules")
def main() -> None:
    """Check reported statistics against the quantified targets of a plan."""


main.add_command(watch)
main.add_command(draft_command)


#: The suffixes a catalogue may have (the reader is YAML for all but TOML).
CATALOGUE_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
_TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".ods", ".parquet", ".pq")


def _is_facts_file(path: Path) -> bool:
    """Whether ``path`` holds facts rather than a catalogue: a table, or a document whose
    mapping has ``facts`` and no ``rules``."""
    from ..catalog.parse import parse_yaml_text, read_text
    from ..catalog.toml import parse_toml_text

    suffix = path.suffix.lower()
    if suffix in _TABLE_SUFFIXES:
        return True
    text, _problems = read_text(path)
    if text is None:
        return False
    parsed = parse_toml_text(text, file=str(path)) if suffix == ".toml" else \
        parse_yaml_text(text, file=str(path))
    return isinstance(parsed.data, dict) and "facts" in parsed.data and "rules" not in parsed.data


def _catalogue_files(paths: tuple[str, ...]) -> list[str]:
    """Each catalogue to validate: a file as named, and a folder
    is searched, recursively, for YAML, JSON and TOML files other than rule tests
    (``*.tests.yaml``) and fact files; a folder holding none is QC158."""
    from ..ruletests import SUFFIX

    found: list[str] = []
    for given in paths:
        folder = Path(given)
        if not folder.is_dir():
            found.append(given)
            continue
        inside = [str(p) for p in sorted(folder.rglob("*"))
                  if p.is_file() and p.suffix.lower() in CATALOGUE_SUFFIXES
                  and not p.name.endswith(SUFFIX) and not _is_facts_file(p)]
        if not inside:
            fail(UsageError(Diagnostic("QC158", "no catalogue files in the directory",
                                        Location(given), expected="a folder holding *.yaml, "
                                        "*.yml, *.json or *.toml catalogues", got="none")))
        found.extend(inside)
    return found


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Validate catalogue files (a folder is searched for them); print every problem, located.
    Exit 2 on any error.

    A sound catalogue's notes (QC17x: what a reviewer should know, such as a kind read
    from the target's words) follow its "ok" line, one per line, and leave the exit code 0.
    """
    failed = False
    for path in _catalogue_files(paths):
        try:
            catalog = load_catalog(path)
        except QcrulesError as error:
            failed = True
            # A file that could not be read or parsed (QC100, QC15x) is not read a second time
            # to see whether it holds facts: a document too large is refused once.
            unreadable = any(d.code == "QC100" or d.code.startswith("QC15")
                             for d in error.diagnostics)
            if Path(path).is_file() and not unreadable and _is_facts_file(Path(path)):
                echo_diagnostics([Diagnostic(
                    "QC157", "this is a facts file, not a catalogue", Location(path),
                    expected="a catalogue (rules:)", got="facts",
                    hint=f"did you mean 'qcrules check {path}'?")])
                continue
            echo_diagnostics(error.diagnostics)
            continue
        click.echo(f"{path}: ok, {len(catalog)} rules")
        for note in catalog.notes:
            click.echo(f"note: {note}")
    raise SystemExit(EXIT_BAD_INPUT if failed else EXIT_OK)


@main.command(name="test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=0, show_default=True,
              metavar="N", help="Fail when a catalogue's outcome coverage is below N %.")
@lang_option
@click.option("--verbose", "-v", is_flag=True,
              help="List every case and the outcomes tested for every rule.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format (json: qcrules-test-run/1).")
@engine_option
def test_command(paths: tuple[str, ...], min_coverage: float, lang: str, verbose: bool,
                 fmt: str, engine: str) -> None:
    """Run rule test files (X.tests.yaml beside X.yaml; a directory is searched) and report
    each rule's outcome coverage.

    Exit 0 when every case passes and coverage reaches --min-coverage, 1 otherwise, 2 on a
    malformed tests file.
    """
    from ..ruletests import find_rule_test_files, render_run, run_rule_tests, run_to_dict

    try:
        run_ = run_rule_tests(find_rule_test_files(paths), engine=engine)
    except QcrulesError as error:
        fail(error)
    if fmt == "json":
        click.echo(json.dumps(run_to_dict(run_, lang=lang, min_coverage=min_coverage),
                              ensure_ascii=False, indent=2))
    else:
        click.echo(render_run(run_, lang=lang, verbose=verbose, min_coverage=min_coverage),
                   nl=False)
    raise SystemExit(run_.exit_code(min_coverage))


@main.command()
@click.argument("facts", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@rules_option
@click.option("--format", "-f", "fmt", type=click.Choice(list(_render.FORMATS)),
              default="text", show_default=True, help="Output format.")
@lang_option
@only_option
@fail_on_option("violation")
@strict_option
@keep_going_option
@encoding_option
@input_format_option
@engine_option
@output_option("Write the report to a file instead of standard output ('-': standard output).")
@baseline_option
@method_option
@periods_option
@region_option
@color_option
@bom_option
@quiet_option
def check(facts: tuple[str, ...], rules: str | None, fmt: str, lang: str, only: str,
          fail_on: tuple[str, ...], strict: bool, keep_going: bool, encoding: str | None,
          input_format: str | None, engine: str, output: str | None, baseline: str | None,
          method: str | None, period: tuple[str, ...], region: tuple[str, ...], color: str,
          bom: bool | None, quiet: bool) -> None:
    """Evaluate FACTS (YAML, JSON, TOML, CSV, .xlsx or Parquet files; '-' for standard input)
    against the catalogue.

    Facts of several regions or periods (a long table) give one line per region and period,
    the worst first (text, json, markdown; csv: one row per region, period and rule); --region
    and --period choose, and one region and period chosen gives its full report.

    Exit 0 when no target is in a --fail-on state (by default: no 确保 target missed), 1 when
    one is, 2 on bad input or usage.
    """
    catalog, reports, errors, many = _evaluated(
        facts, rules=rules, keep_going=keep_going, encoding=encoding,
        input_format=input_format, engine=engine, baseline=baseline, period=period,
        region=region, quiet=quiet, method=method, many_formats=_MANY_CHECK_FORMATS, fmt=fmt)
    only_unmet = only == "unmet"
    if many:
        # with the frames' result columns (and NumPy): loaded for many regions only
        from ..report.regions import render_long_csv, render_summary

        text = render_long_csv(reports, only_unmet=only_unmet) if fmt == "csv" else \
            render_summary(reports, fmt, lang=lang, only_unmet=only_unmet)
        _output(text, output, bom=fmt == "csv" and csv_bom_wanted(bom, output))
        _finish_many(reports, errors, catalog, fail_on=fail_on, strict=strict)
    (report,) = reports
    to_stdout = output is None or output == DASH
    options: dict[str, Any] = {}
    if fmt == "text" and to_stdout:
        options = {"colour": colour_wanted(color), "width": terminal_width()}
    _emit(report, output, fmt, lang, only_unmet=only_unmet, bom=bom, **options)
    _finish(report, errors, catalog, fail_on=fail_on, strict=strict)


#: The formats of `check` for facts of several regions or periods: a summary (text, json,
#: markdown) or the long result (csv).
_MANY_CHECK_FORMATS = ("text", "json", "markdown", "csv")


def _fact_sets(loaded: FactSet, plan: Plan, period: tuple[str, ...],
               region: tuple[str, ...]) -> tuple[list[FactSet], bool]:
    """The fact sets to evaluate and whether they are *many* (a summary): one fact set as
    before, unless the facts hold several regions or periods or --region / several --period
    choose among them (exit 2 on a region or period they do not hold)."""
    from ..facts.regions import (
        is_several,
        option_values,
        regions_of,
        select,
        split_by_region_and_period,
    )

    periods = option_values(period)
    if not is_several(loaded) and len(periods) <= 1:
        if region:   # one fact set: the region named must be its own (else QC213)
            held = next(iter(regions_of(loaded)), None)
            try:
                select([attrs.evolve(loaded, region=held)], regions=region)
            except QcrulesError as error:
                fail(error)
        return [period_or_exit(loaded, periods[0] if periods else None, bases=plan.bases)], False
    try:
        sets = select(split_by_region_and_period(loaded, bases=plan.bases), regions=region,
                      periods=period)
    except QcrulesError as error:
        fail(error)
    if not sets:
        fail(UsageError(Diagnostic(
            "QC211", "no facts of the regions and periods chosen",
            Location(loaded.sources[0]) if loaded.sources else None, field="period",
            expected="a region and period the facts hold together",
            got=", ".join((*region, *period)))))
    if len(sets) == 1:   # one region and period chosen: its full report, its problems its own
        return [attrs.evolve(sets[0], diagnostics=loaded.diagnostics)], False
    return sets, True


def _evaluated(facts: tuple[str, ...], *, rules: str | None, keep_going: bool,
               encoding: str | None, input_format: str | None, engine: str,
               baseline: str | None, period: tuple[str, ...], region: tuple[str, ...],
               quiet: bool, method: str | None = None,
               many_formats: tuple[str, ...] = (), fmt: str | None = None,
               ) -> tuple[Catalog, list[Report], list[Diagnostic], bool]:
    """The catalogue, the reports (one, with trajectories from ``baseline``; or one per region
    and period: *many*), the input errors found in them, and whether they are many; bad input
    exits 2 here unless ``keep_going``, as does a format (not in ``many_formats``) or a
    baseline that cannot go with many."""
    with working("reading the catalogue and the facts", quiet=quiet):
        catalog = catalog_or_exit(rules, keep_going=keep_going)
        plan = compile_catalog(catalog)
        loaded = fact_set_or_exit(facts, encoding, keep_going, input_format=input_format)
        sets, many = _fact_sets(loaded, plan, period, region)
        if many:
            _can_show_many(fmt, many_formats, baseline)
        base_set = None
        fact_set = sets[0]
        if baseline is not None and not many:
            base_set = period_or_exit(fact_set_or_exit((baseline,), encoding, keep_going,
                                                       input_format=input_format), None,
                                      "baseline facts")
            fact_set = with_base_values(fact_set, [base_set], plan.bases)
    with working("evaluating", quiet=quiet):
        if many:
            reports = [evaluate(plan, one, engine=engine) for one in sets]
        else:
            report = evaluate(plan, fact_set, engine=engine)
            if base_set is not None:
                report = _track(plan, report, fact_set, base_set, keep_going, engine, method)
            reports = [report]
    errors = _unique([*(loaded.diagnostics if many else ()),
                      *(error for one in reports for error in input_errors(one))])
    if errors and not keep_going:
        echo_diagnostics(errors)
        click.echo("bad fact input; no report written (use --keep-going to evaluate the rest)",
                   err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    return catalog, reports, errors, many


def _unique(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    return list(dict.fromkeys(diagnostics))


def _can_show_many(fmt: str | None, formats: tuple[str, ...], baseline: str | None) -> None:
    """Refuse (exit 2) a format that shows one fact set, or a baseline, for many regions and
    periods."""
    if fmt is not None and fmt not in formats:
        fail(UsageError(Diagnostic(
            "QC412", f"the {fmt} format shows one region and period, and the facts hold several",
            field="format", expected=", ".join(formats), got=fmt,
            hint="choose one with --region and --period")))
    if baseline is not None:
        fail(UsageError(Diagnostic(
            "QC412", "a baseline goes with one region and period, and the facts hold several",
            Location(baseline), field="baseline", expected="one region and period",
            hint="choose one with --region and --period")))


def _finish_many(reports: Sequence[Report], errors: list[Diagnostic], catalog: Catalog, *,
                 fail_on: tuple[str, ...], strict: bool) -> NoReturn:
    """After the summary is out: each unmatched fact once, then the exit code — 2 for bad
    input, else 1 when any region and period is in a --fail-on state."""
    warned: dict[str | None, Diagnostic] = {}
    for report in reports:
        for diagnostic in report.diagnostics:
            if diagnostic.code == "QC202":
                warned.setdefault(diagnostic.fact_id, diagnostic)
    echo_diagnostics(list(warned.values()), prefix="warning")
    _exit(errors, catalog, max((exit_code_for(report, fail_on, strict=strict)
                                for report in reports), default=EXIT_OK))


def _emit(report: Report, output: str | None, fmt: str, lang: str, *, only_unmet: bool,
          bom: bool | None, **options: Any) -> None:
    """The report on standard output (``output`` ``None`` or ``-``) or written atomically to
    a file (QC405 when it cannot be); CSV with a byte-order mark as :func:`csv_bom_wanted`
    decides."""
    text = _render.render(report, fmt, lang=lang, only_unmet=only_unmet, **options)
    _output(text, output, bom=fmt == "csv" and csv_bom_wanted(bom, output))


def _output(text: str, output: str | None, *, bom: bool = False) -> None:
    """``text`` on standard output (``output`` ``None`` or ``-``) or written atomically to a
    file (QC405 when it cannot be), with a UTF-8 byte-order mark when ``bom``."""
    if output is None or output == DASH:
        # Any colour is the renderer's, asked for by --color: kept even off a terminal.
        click.echo(("\ufeff" if bom else "") + text, nl=False, color=True)
        return
    try:
        write_atomically(Path(output), text.encode("utf-8-sig" if bom else "utf-8"))
    except OSError as error:
        fail(UsageError(Diagnostic("QC405", "cannot write the report file", Location(output),
                                    field="output", expected="a writable file path",
                                    got=error.strerror or type(error).__name__)))


def _finish(report: Report, errors: list[Diagnostic], catalog: Catalog, *,
            fail_on: tuple[str, ...], strict: bool) -> NoReturn:
    """After the report is out: the warnings, then the exit code — 2 when facts (printed now)
    or rules (printed first, --keep-going) had problems, else the report's."""
    echo_diagnostics([d for d in report.diagnostics if d.code == "QC202"], prefix="warning")
    _exit(errors, catalog, exit_code_for(report, fail_on, strict=strict))


def _exit(errors: list[Diagnostic], catalog: Catalog, code: int) -> NoReturn:
    """Exit 2 when facts (printed now) or rules (printed first, --keep-going) had problems,
    else with the reports' ``code``."""
    if errors:
        echo_diagnostics(errors)
        raise SystemExit(EXIT_BAD_INPUT)
    if catalog.problems:
        raise SystemExit(EXIT_BAD_INPUT)
    raise SystemExit(code)


def _track(plan: Plan, report: Report, fact_set: FactSet, base_set: FactSet, keep_going: bool,
           engine: str, method: str | None = None) -> Report:
    """``report`` with trajectories from the baseline file's facts (bad input exits 2)."""
    from ..progress.series import track

    base_report = evaluate(plan, base_set, engine=engine)
    errors = input_errors(base_report)
    if errors and not keep_going:
        echo_diagnostics(errors)
        click.echo("bad baseline input; no report written (use --keep-going to go on)", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    try:
        return track(report, fact_set, base_report, base_set, method=method)
    except QcrulesError as error:
        fail(error)


@main.command(name="progress")
@click.argument("facts", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@baseline_option
@click.option("--baseline-period", metavar="PERIOD", default=None,
              help="The baseline period, one of those given (default: the earliest, or the "
                   "period of --baseline).")
@rules_option
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "html"]),
              default="text", show_default=True,
              help="Output format (html: the latest period's report with a trend line per "
                   "target).")
@lang_option
@keep_going_option
@encoding_option
@input_format_option
@output_option("Write the series to a file instead of standard output ('-': standard output).")
@quiet_option
@method_option
def progress_command(facts: tuple[str, ...], baseline: str | None, baseline_period: str | None,
                     rules: str | None, fmt: str, lang: str, keep_going: bool,
                     encoding: str | None, input_format: str | None, output: str | None,
                     quiet: bool, method: str | None) -> None:
    """Show each target's series over the periods of FACTS (one file per period, or a file
    holding several, any order), its trajectory from the baseline and where the current pace
    leads by the deadline.

    Exit 0, or 2 on bad input.
    """
    from ..facts.periods import facts_by_period, period_argument
    from ..progress.series import progress
    from ..report.progress import render_progress

    if baseline is not None and baseline_period is not None:
        raise click.UsageError("give --baseline FILE or --baseline-period PERIOD, not both")
    with working("reading the catalogue and the facts", quiet=quiet):
        catalog = catalog_or_exit(rules)
        sets = [fact_set_or_exit((path,), encoding, keep_going, input_format=input_format)
                for path in facts]
        _one_region(sets)
        if baseline is not None:
            _not_a_period(baseline)
            base_set = period_or_exit(fact_set_or_exit((baseline,), encoding, keep_going), None,
                                      "baseline facts")
            sets.append(base_set)
            baseline_period = base_set.period
    try:
        with working("evaluating every period", quiet=quiet):
            start = period_argument(baseline_period, "baseline") if baseline_period else None
            result = progress(compile_catalog(catalog), facts_by_period(sets), baseline=start,
                              method=method)
    except QcrulesError as error:
        fail(error)
    errors = [error for report in result.reports for error in input_errors(report)]
    if errors and not keep_going:
        echo_diagnostics(errors)
        click.echo("bad fact input; nothing shown (use --keep-going to go on)", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    _output(render_progress(result, fmt, lang=lang), output)
    if errors:
        echo_diagnostics(errors)
        raise SystemExit(EXIT_BAD_INPUT)
    raise SystemExit(EXIT_OK)


def _one_region(sets: Sequence[FactSet]) -> None:
    """``progress`` follows one region: a file of several is QC215 (exit 2), not a conflict of
    one county's figures with another's."""
    from ..facts.regions import regions_of

    for fact_set in sets:
        regions = [region for region in regions_of(fact_set) if region is not None]
        if len(regions) > 1:
            fail(UsageError(Diagnostic(
                "QC215", "the facts hold several regions, and progress follows one",
                Location(fact_set.sources[0]) if fact_set.sources else None, field="region",
                expected="facts of one region", got=", ".join(regions),
                hint="give one region's rows, or judge every region with qcrules check")))


def _not_a_period(baseline: str) -> None:
    """``progress --baseline 2025``, no such file and a period: say to use --baseline-period."""
    from ..facts.periods import period_argument

    if Path(baseline).exists():
        return
    try:
        period_argument(baseline, "baseline")
    except QcrulesError:
        return
    fail(UsageError(Diagnostic("QC150", "file not found", Location(baseline), field="baseline",
                               expected="a fact file of the baseline period",
                               hint=f"for a period, use --baseline-period {baseline}")))


def input_errors(report: Report) -> list[Diagnostic]:
    """Bad input in a report: unreadable facts and facts unusable for their rule (invalid)."""
    errors = [d for d in report.diagnostics if d.code != "QC202"]
    seen = set(errors)
    for verdict in report.verdicts:
        if verdict.problem is not None and verdict.problem not in seen:
            errors.append(verdict.problem)
            seen.add(verdict.problem)
    return errors


REPORT_FORMATS = ("html", "markdown", "csv", "json", "junit", "parquet")
#: The formats of `report` for facts of several regions or periods: the long result (csv,
#: parquet) or the summary (json, markdown).
_MANY_REPORT_FORMATS = ("csv", "parquet", "json", "markdown")
_PARQUET_SUFFIXES = (".parquet", ".pq")


@main.command()
@click.argument("facts", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The report file; its extension gives the format (.html/.htm, .md, .csv, "
                   ".json, .xml for JUnit, .parquet); '-': standard output (then --format is "
                   "needed).")
@click.option("--format", "-f", "fmt", type=click.Choice(REPORT_FORMATS), default=None,
              help="Report format (default: from the output file's extension).")
@rules_option
@lang_option
@only_option
@fail_on_option("violation")
@strict_option
@keep_going_option
@encoding_option
@input_format_option
@engine_option
@baseline_option
@method_option
@periods_option
@region_option
@bom_option
@quiet_option
def report(facts: tuple[str, ...], output: str, fmt: str | None, rules: str | None, lang: str,
           only: str, fail_on: tuple[str, ...], strict: bool, keep_going: bool,
           encoding: str | None, input_format: str | None, engine: str, baseline: str | None,
           method: str | None, period: tuple[str, ...], region: tuple[str, ...],
           bom: bool | None, quiet: bool) -> None:
    """Write a report to hand on: HTML, Markdown, CSV, JSON, JUnit XML or Parquet.

    The format is taken from the extension of the -o file unless --format is given. Facts of
    several regions or periods give the long result (.csv, .parquet: one row per region,
    period and rule) or the summary per region and period (.json, .md). Exit codes as for
    `check`: 0 no target in a --fail-on state (by default: no 确保 target missed), 1 one is, 2
    bad input or usage (no file is written).
    """
    fmt = fmt or (_render.format_for(output) if output != DASH else None) or (
        "parquet" if Path(output).suffix.lower() in _PARQUET_SUFFIXES else None)
    if fmt is None or fmt not in REPORT_FORMATS:
        fail(UsageError(Diagnostic(
            "QC404", "cannot tell the report format from the file name", Location(output),
            field="output",
            expected=".html, .htm, .md, .csv, .json, .xml or .parquet, or --format",
            got="standard output" if output == DASH else Path(output).suffix or "no extension")))
    if fmt == "parquet":
        _can_write_parquet(output)
    catalog, reports, errors, many = _evaluated(
        facts, rules=rules, keep_going=keep_going, encoding=encoding,
        input_format=input_format, engine=engine, baseline=baseline, period=period,
        region=region, quiet=quiet, method=method, many_formats=_MANY_REPORT_FORMATS, fmt=fmt)
    only_unmet = only == "unmet"
    if many or fmt == "parquet":
        # with the frames' result columns (and NumPy): loaded for many regions or Parquet only
        from ..report import regions

    if fmt == "parquet":
        _output_bytes(regions.long_parquet(reports, only_unmet=only_unmet), output)
    elif many and fmt == "csv":
        _output(regions.render_long_csv(reports, only_unmet=only_unmet), output,
                bom=csv_bom_wanted(bom, output))
    elif many:
        _output(regions.render_summary(reports, fmt, lang=lang, only_unmet=only_unmet), output)
    else:
        _emit(reports[0], output, fmt, lang, only_unmet=only_unmet, bom=bom)
    # The summary goes where the report does not.
    summary = regions.totals_line(reports, lang) if many else summary_line(reports[0], lang)
    click.echo(f"{output} ({fmt}): {summary}", err=output == DASH)
    if many:
        _finish_many(reports, errors, catalog, fail_on=fail_on, strict=strict)
    _finish(reports[0], errors, catalog, fail_on=fail_on, strict=strict)


def _can_write_parquet(output: str) -> None:
    """Parquet goes to a file (it is binary), and needs pyarrow: else QC413 or QC159, exit 2,
    before anything is evaluated."""
    from ..facts.parquet import pyarrow_missing

    if output == DASH:
        fail(UsageError(Diagnostic(
            "QC413", "Parquet is written to a file, not to standard output", field="output",
            expected="-o FILE.parquet", got="-", hint="or -o - --format csv")))
    missing = pyarrow_missing(Location(output), "writing")
    if missing is not None:
        fail(UsageError(missing))


def _output_bytes(data: bytes, output: str) -> None:
    """``data`` written atomically to the file ``output`` (QC405 when it cannot be)."""
    try:
        write_atomically(Path(output), data)
    except OSError as error:
        fail(UsageError(Diagnostic("QC405", "cannot write the report file", Location(output),
                                    field="output", expected="a writable file path",
                                    got=error.strerror or type(error).__name__)))


def complete_rule_ids(context: click.Context, _param: click.Parameter,
                      incomplete: str) -> list[CompletionItem]:
    """The rule ids of the catalogue (``--rules``, if already given, else the bundled one)
    that start with ``incomplete``, each with its indicator; nothing when it cannot be read."""
    try:
        catalog = load_catalog(context.params.get("rules"))
    except (QcrulesError, OSError):
        return []
    return [CompletionItem(rule.id, help=rule.indicator.zh) for rule in catalog
            if rule.id.startswith(incomplete)]


@main.command(name="explain")
@click.argument("rule_id", shell_complete=complete_rule_ids)
@click.argument("facts", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@rules_option
@lang_option
@encoding_option
@input_format_option
@engine_option
@period_option
def explain_command(rule_id: str, facts: tuple[str, ...], rules: str | None, lang: str,
                    encoding: str | None, input_format: str | None, engine: str,
                    period: str | None) -> None:
    """Explain the verdict for one rule, step by step (FACTS '-': standard input)."""
    catalog = catalog_or_exit(rules)
    if rule_id not in catalog:
        import difflib

        close = difflib.get_close_matches(rule_id, [r.id for r in catalog], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        click.echo(f"error: QC402 unknown rule id {rule_id!r}{hint}", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    plan = compile_catalog(_only(catalog, rule_id))
    fact_set = period_or_exit(fact_set_or_exit(facts, encoding, keep_going=True,
                                               input_format=input_format), period,
                              bases=plan.bases)
    verdict = evaluate(plan, fact_set, engine=engine).verdicts[0]
    rule = verdict.rule
    click.echo(printable(str(explain(verdict, lang))))
    click.echo(f"  {'条款' if lang == 'zh' else 'clause'} {rule.clause}: {rule.quote}")
    if rule.note:
        click.echo(f"  {'说明' if lang == 'zh' else 'note'}: {rule.note}")
    # The explanation says why the data is unusable; the exit code says it too, as check's does.
    raise SystemExit(EXIT_BAD_INPUT if verdict.status is Status.INVALID else EXIT_OK)


def _only(catalog: Catalog, rule_id: str) -> Catalog:

    return attrs.evolve(catalog, rules=(catalog[rule_id],))


@main.group()
def rules() -> None:
    """List or show the rules of a catalogue."""


@rules.command(name="list")
@rules_option
@lang_option
def rules_list(rules: str | None, lang: str) -> None:
    """One line per rule: id, clause, kind, commitment, bound."""
    catalog = catalog_or_exit(rules)
    for rule in catalog:
        name = rule.indicator.zh if lang == "zh" else (rule.indicator.en or rule.indicator.zh)
        bound = " ".join(dict.fromkeys(b.words for b in rule.bounds))  # a range text once
        click.echo(printable(f"{rule.id}\t{rule.clause}\t{rule.kind.value}\t"
                             f"{rule.commitment.value}\t{name}\t{bound}"))


@rules.command(name="show")
@click.argument("rule_id", shell_complete=complete_rule_ids)
@rules_option
@lang_option
def rules_show(rule_id: str, rules: str | None, lang: str) -> None:
    """Everything about one rule (--lang en: the English names first)."""
    catalog = catalog_or_exit(rules)
    if rule_id not in catalog:
        click.echo(f"error: QC402 unknown rule id {rule_id!r}", err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    rule = catalog[rule_id]
    separator = "、" if lang == "zh" else ", "
    lines = [
        f"id:         {rule.id}",
        "indicator:  " + (f"{rule.indicator.zh} / {rule.indicator.en}" if lang == "zh" or
                          not rule.indicator.en else f"{rule.indicator.en} / {rule.indicator.zh}"),
        f"unit:       {rule.indicator.unit or '-'}",
        f"kind:       {rule.kind.value}{' (strict)' if rule.strict else ''}",
        "target:     " + "; ".join(
            f"{b.words} ({b.op.value} "
            f"{quantity_text(b.threshold.magnitude, b.threshold.unit) if b.threshold else 'reference'})"
            for b in rule.bounds),
        f"commitment: {rule.commitment.value}",
        f"deadline:   {rule.deadline}",
        f"clause:     {rule.clause} {catalog.section_title(rule.section, lang)}",
        f"quote:      {rule.quote}",
        f"lead:       {separator.join(rule.lead_in(lang))}",
        f"support:    {separator.join(rule.support_in(lang)) or '-'}",
        f"judgement:  {rule.judgement}" + (f" (precision {rule.precision})" if rule.precision else ""),
    ]
    if rule.reference:
        lines.append(f"reference:  {rule.reference.id} {rule.reference.zh}")
    if rule.derivation:
        inputs = ", ".join(f"{i.name} ({i.zh}, {i.unit})" for i in rule.derivation.inputs)
        lines.append(f"formula:    {rule.derivation.formula}  [{inputs}]")
    if rule.note:
        lines.append(f"note:       {rule.note}")
    click.echo(printable("\n".join(lines)))


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (for embedding and tests)."""
    return int(main.main(args=list(argv) if argv is not None else None, standalone_mode=False))


#: click (8.2 on) raises this for a group given no command; its message is the help.
_NO_ARGS_IS_HELP: type[click.ClickException] = getattr(
    click.exceptions, "NoArgsIsHelpError", type("_NeverRaised", (click.ClickException,), {}))


def usage_line(error: click.ClickException) -> str:
    """A usage error as the one line every other error is: ``error: QC409 usage: …``, with the
    help to read."""
    context = getattr(error, "ctx", None)
    hint = f"; see '{context.command_path} --help'" if context is not None else ""
    message = error.format_message().rstrip(".")
    return printable(f"error: QC409 usage: {message}{hint}")


def _guarded(call: Callable[[], object]) -> int:
    """Run the command, every outcome an exit code: a problem is one line on standard error."""
    try:
        result = call()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except click.exceptions.Exit as exit_:
        return int(exit_.exit_code)
    except click.exceptions.Abort:
        _say("aborted")
        return EXIT_BAD_INPUT
    except _NO_ARGS_IS_HELP as error:   # `qcrules` or `qcrules rules` alone: the help itself
        _say(error.format_message())
        return EXIT_BAD_INPUT
    except click.ClickException as error:
        _say(usage_line(error))
        return EXIT_BAD_INPUT
    except QcrulesError as error:
        echo_diagnostics(error.diagnostics)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (qcrules check … | head): nothing more to say to it.
        _quiet_stdout()
        return EXIT_OK
    except OSError as error:
        _quiet_stdout()
        _say(f"error: QC407 cannot write the output: {error.strerror or error} "
             "(expected a writable standard output or file)")
        return EXIT_BAD_INPUT
    except Exception as error:
        _say(f"internal error: {type(error).__name__}: {error} — this is a bug in qcrules, "
             "not in the input; please report it with the command that caused it")
        return EXIT_INTERNAL
    return int(result) if isinstance(result, int) else EXIT_OK


def _say(line: str) -> None:
    """One line on standard error, even when standard error itself cannot be written."""
    with contextlib.suppress(OSError):
        click.echo(line, err=True)


def _quiet_stdout() -> None:
    """Standard output failed: point it at nowhere, so the interpreter's last flush does not
    print a second error."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def entry_point() -> None:
    """The console script."""
    main.main()


__all__ = ["Plan", "main", "run"]
